//! The command-line interface: the only place that reads arguments or prints.
//!
//! One subcommand, one file, one `Args` struct whose doc comment is its `--help`.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

mod bundle;
mod conflicts;
mod diff;
mod extract;
mod import;
mod link;
mod list;
mod log;
mod rebuild;
mod search;
mod serve;
mod show;
mod sync;
mod transfer;
mod verify;

/// Exit codes, documented in docs/cli.md.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// The command ran, but some input failed (a bad file, a failed check, nothing found).
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
    Conflicts(conflicts::Args),
    Link(link::Args),
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
        Command::Conflicts(args) => conflicts::run(&cli, args),
        Command::Link(args) => link::run(&cli, args),
        Command::Bundle(args) => bundle::run(&cli, args),
        Command::Sync(args) => sync::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
    };
    match result {
        Ok(code) => code,
        Err(e) => report(&e),
    }
}

/// Prints an error chain on stderr and picks the exit code. A closed stdout is not an error.
fn report(e: &anyhow::Error) -> i32 {
    let mut code = exit::FAILED;
    for cause in e.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return exit::OK;
            }
        }
        if cause.downcast_ref::<claims::store::StoreError>().is_some() {
            code = exit::DATABASE;
        }
    }
    eprintln!("claims: error: {e:#}");
    code
}

/// Opens the database named by `--db` for reading commands.
fn open_existing(cli: &Cli) -> anyhow::Result<claims::store::Store> {
    Ok(claims::store::Store::open_existing(&cli.db)?)
}

/// Writes a value as pretty JSON (json) or one compact line per array item (jsonl).
fn print_json<T: serde::Serialize>(format: Format, value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if format == Format::Jsonl {
        match serde_json::to_value(value)? {
            serde_json::Value::Array(items) => {
                for item in items {
                    serde_json::to_writer(&mut out, &item).map_err(std::io::Error::from)?;
                    out.write_all(b"\n")?;
                }
            }
            other => {
                serde_json::to_writer(&mut out, &other).map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
            }
        }
    } else {
        // As io::Error, so that report() sees a closed pipe (serde_json hides it otherwise).
        serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
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
    fn parse(&self) -> anyhow::Result<Option<claims::timeline::history::AsOf>> {
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

/// Prints claims: one line each for people, or JSON.
fn print_claims(format: Format, rows: &[claims::store::query::ClaimRow]) -> anyhow::Result<()> {
    if format != Format::Text {
        return print_json(format, &rows);
    }
    let mut out = std::io::stdout().lock();
    for row in rows {
        writeln!(out, "{}", claim_line(row))?;
    }
    out.flush()?;
    Ok(())
}

/// Shortens an id for display.
fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// One claim on one line, for people.
fn claim_line(c: &claims::store::query::ClaimRow) -> String {
    let hedged = if c.hedges.is_empty() {
        String::new()
    } else {
        format!(" [hedged: {}]", c.hedges.join(", "))
    };
    let cue = if c.cue.is_empty() {
        "asserts".to_string()
    } else {
        c.cue.clone()
    };
    format!(
        "{}  {} — {} ({}){}: {}",
        short(&c.id),
        c.speaker,
        cue,
        c.stance,
        hedged,
        c.content
    )
}
