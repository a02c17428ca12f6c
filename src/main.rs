//! The `claims` binary: parse arguments, run one command, map its outcome to an exit code.
#![forbid(unsafe_code)]

mod cli;

fn main() {
    std::process::exit(cli::main());
}
