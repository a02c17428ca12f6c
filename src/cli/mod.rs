//! The command-line interface: the only place that reads arguments or prints.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod extract;

/// Exit codes, documented in docs/cli.md.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// The command ran, but some input failed (a bad file, a failed check).
    pub const FAILED: i32 = 1;
    /// Usage error: bad arguments or options.
    pub const USAGE: i32 = 2;
    /// The database could not be opened or used.
    pub const DATABASE: i32 = 3;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable text for people.
    Text,
    /// One JSON document.
    Json,
    /// One JSON object per line.
    Jsonl,
}

/// Track what news says, who says it, and how that changes.
#[derive(Debug, Parser)]
#[command(name = "claims", version, about, propagate_version = true)]
pub struct Cli {
    /// The database file.
    #[arg(long, global = true, env = "CLAIMS_DB", default_value = "claims.db")]
    pub db: PathBuf,

    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Extract(extract::Args),
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = e.print();
            return code;
        }
    };
    let result = match &cli.command {
        Command::Extract(args) => extract::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

/// Prints an error chain on stderr and picks the exit code. A closed stdout is not an error.
fn report(e: &anyhow::Error) -> i32 {
    for cause in e.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return exit::OK;
            }
        }
    }
    eprintln!("claims: error: {e:#}");
    exit::FAILED
}
