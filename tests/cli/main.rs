//! The `claims` binary, end to end: one test binary, one module per suite. Every process is
//! started by `common::claims` (through `common::Env`), which clears the environment and runs
//! the binary in the test's temporary directory, so no test depends on the developer's shell
//! or working directory.

#[path = "../common/mod.rs"]
mod common;

/// import, show, export, verify and the other everyday commands.
mod basics;
/// docs/cli.md against the `--help` of every command.
mod docs;
/// `claims extract`.
mod extract;
/// Thread panics injected with `CLAIMS_FAULT` (debug builds only, what `cargo test` builds).
#[cfg(debug_assertions)]
mod faults;
/// Inputs that are not plain article files: FIFOs, devices, links out of the tree.
#[cfg(unix)]
mod inputs;
/// Rough edges of issue 14: URLs as ids, empty results, the speaker rule, --no-outlet, ...
mod papercuts;
/// Fact-checking: review, reviews, export, retract, block, author.
mod reviews;
/// diff, log, conflicts and link.
mod timeline;
/// `claims web`, from the outside (the pages themselves: tests/web.rs).
mod web;
