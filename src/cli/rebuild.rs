//! `claims rebuild`: recreate the index from the objects.

use super::render::print_json;
use super::{open_existing, Cli, CliResult, Format};
use std::io::Write;

/// Recreate the index from the objects.
///
/// Every index table (documents, versions, claims, mentions, full-text search, found relations)
/// is rebuilt from the objects alone. The result is identical to the index built on import.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(cli: &Cli, _args: &Args) -> CliResult {
    let mut store = open_existing(cli)?;
    let indexed = store.rebuild()?;
    claims::ledger::Ledger::settle(&mut store)?;
    if cli.format == Format::Text {
        writeln!(
            std::io::stdout(),
            "rebuilt the index from {indexed} objects"
        )?;
    } else {
        print_json(cli.format, &serde_json::json!({ "indexed": indexed }))?;
    }
    Ok(super::exit::OK)
}
