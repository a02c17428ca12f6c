//! The command-line interface: the only place that reads arguments or prints.
//!
//! One subcommand, one file, one `Args` struct whose doc comment is its `--help`. Errors go
//! through [`error::CliError`], which maps each library error to an exit code in one place;
//! printing helpers are in [`render`].

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

mod alias;
mod bundle;
mod conflicts;
mod diff;
mod error;
mod extract;
mod import;
mod link;
mod list;
mod log;
mod rebuild;
mod relations;
mod render;
mod search;
mod serve;
mod show;
mod sync;
mod verify;

pub use error::{exit, CliError};

/// What a command returns: its exit code, or an error that knows its own.
pub type CliResult = Result<i32, CliError>;

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
///
/// Every claim in an article is stored with its attribution as an immutable, content-hashed
/// object in one SQLite file, which you can also query directly with SQL.
#[derive(Debug, Parser)]
#[command(
    name = "claims",
    version,
    about,
    long_about,
    propagate_version = true,
    term_width = 100
)]
pub struct Cli {
    /// The database file.
    #[arg(long, global = true, env = "CLAIMS_DB", default_value = "claims.db")]
    pub db: PathBuf,

    /// Output format: text for people, json or jsonl for machines.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Import(import::Args),
    Extract(extract::Args),
    List(list::Args),
    Show(show::Args),
    Search(search::Args),
    Log(log::Args),
    Verify(verify::Args),
    Rebuild(rebuild::Args),
    Diff(diff::Args),
    Relations(relations::Args),
    Conflicts(conflicts::Args),
    Link(link::Args),
    Alias(alias::Args),
    Bundle(bundle::Args),
    Sync(sync::Args),
    Serve(serve::Args),
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match &cli.command {
        Command::Import(args) => import::run(&cli, args),
        Command::Extract(args) => extract::run(&cli, args),
        Command::List(args) => list::run(&cli, args),
        Command::Show(args) => show::run(&cli, args),
        Command::Search(args) => search::run(&cli, args),
        Command::Log(args) => log::run(&cli, args),
        Command::Verify(args) => verify::run(&cli, args),
        Command::Rebuild(args) => rebuild::run(&cli, args),
        Command::Diff(args) => diff::run(&cli, args),
        Command::Relations(args) => relations::run(&cli, args),
        Command::Conflicts(args) => conflicts::run(&cli, args),
        Command::Link(args) => link::run(&cli, args),
        Command::Alias(args) => alias::run(&cli, args),
        Command::Bundle(args) => bundle::run(&cli, args),
        Command::Sync(args) => sync::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
    };
    result.unwrap_or_else(|e| e.naming_locked(&cli.db).report())
}

/// Opens the database named by `--db` for commands that read an existing one, deriving first
/// what a database migrated to schema 4 has yet to derive (its found relations).
fn open_existing(cli: &Cli) -> Result<claims::store::Store, CliError> {
    let mut store = claims::store::Store::open_existing(&cli.db)?;
    if store.relations_pending()? {
        claims::ledger::Ledger::settle(&mut store)?;
    }
    Ok(store)
}

/// `--as-of DATE [--imported]`, shared by `list` and `log`.
#[derive(Debug, clap::Args)]
pub struct AsOfArgs {
    /// Only what had been published by then (YYYY-MM-DD: end of that day, or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// With --as-of: what had been imported here by then, not published.
    #[arg(long, requires = "as_of")]
    pub imported: bool,
}

impl AsOfArgs {
    fn parse(&self) -> Result<Option<claims::timeline::history::AsOf>, CliError> {
        use claims::timeline::history::{AsOf, Clock};
        let clock = if self.imported {
            Clock::Imported
        } else {
            Clock::Published
        };
        Ok(match &self.as_of {
            Some(d) => Some(AsOf::parse(d, clock)?),
            None => None,
        })
    }
}
