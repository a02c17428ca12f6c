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
mod hub;
mod import;
mod link;
mod list;
mod log;
mod rebuild;
mod relations;
mod render;
mod review;
mod search;
mod serve;
mod show;
mod sync;
mod verify;
mod watch;
mod web;

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
    /// CSV (RFC 4180) with a header row: `list`, `search`, `relations`, `reviews`, `export`.
    Csv,
    /// schema.org ClaimReview JSON-LD: `export` only.
    Claimreview,
}

impl Format {
    /// The commands that write this format, when not all of them do.
    fn only_for(self) -> Option<&'static [&'static str]> {
        match self {
            Format::Csv => Some(&["list", "search", "relations", "reviews", "export"]),
            Format::Claimreview => Some(&["export"]),
            _ => None,
        }
    }
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

    /// Output format: text for people, json or jsonl for machines (csv for tables,
    /// claimreview for `export`).
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
    Review(review::ReviewArgs),
    Reviews(review::ReviewsArgs),
    Retract(review::RetractArgs),
    Block(review::BlockArgs),
    Author(review::AuthorArgs),
    Export(review::ExportArgs),
    Bundle(bundle::Args),
    Sync(sync::Args),
    Serve(serve::Args),
    Hub(hub::Args),
    Watch(watch::Args),
    Web(web::Args),
}

impl Command {
    /// The subcommand's name as typed.
    fn name(&self) -> &'static str {
        match self {
            Command::Import(_) => "import",
            Command::Extract(_) => "extract",
            Command::List(_) => "list",
            Command::Show(_) => "show",
            Command::Search(_) => "search",
            Command::Log(_) => "log",
            Command::Verify(_) => "verify",
            Command::Rebuild(_) => "rebuild",
            Command::Diff(_) => "diff",
            Command::Relations(_) => "relations",
            Command::Conflicts(_) => "conflicts",
            Command::Link(_) => "link",
            Command::Alias(_) => "alias",
            Command::Review(_) => "review",
            Command::Reviews(_) => "reviews",
            Command::Retract(_) => "retract",
            Command::Block(_) => "block",
            Command::Author(_) => "author",
            Command::Export(_) => "export",
            Command::Bundle(_) => "bundle",
            Command::Sync(_) => "sync",
            Command::Serve(_) => "serve",
            Command::Hub(_) => "hub",
            Command::Watch(_) => "watch",
            Command::Web(_) => "web",
        }
    }
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
    if let Some(commands) = cli.format.only_for() {
        let name = cli.command.name();
        if !commands.contains(&name) {
            eprintln!(
                "claims: error: `claims {name}` does not write --format {}: it is for {}",
                cli.format
                    .to_possible_value()
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default(),
                commands.join(", ")
            );
            return exit::USAGE;
        }
    }
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
        Command::Review(args) => review::review(&cli, args),
        Command::Reviews(args) => review::reviews(&cli, args),
        Command::Retract(args) => review::retract(&cli, args),
        Command::Block(args) => review::block(&cli, args),
        Command::Author(args) => review::author(&cli, args),
        Command::Export(args) => review::export(&cli, args),
        Command::Bundle(args) => bundle::run(&cli, args),
        Command::Sync(args) => sync::run(&cli, args),
        Command::Serve(args) => serve::run(&cli, args),
        Command::Hub(args) => hub::run(&cli, args),
        Command::Watch(args) => watch::run(&cli, args),
        Command::Web(args) => web::run(&cli, args),
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

/// `--author NAME`, shared by the commands that record a person's objects (review, retract,
/// link, alias add).
#[derive(Debug, clap::Args)]
pub struct AuthorArg {
    /// Who records this; default: the database's `claims author` setting.
    #[arg(long, env = "CLAIMS_AUTHOR", value_name = "NAME")]
    pub author: Option<String>,
}

impl AuthorArg {
    /// The author to record: this option, else the database's setting, else none.
    fn resolve(&self, store: &claims::store::Store) -> Result<Option<String>, CliError> {
        Ok(claims::timeline::reviews::author(
            store,
            self.author.as_deref(),
        )?)
    }
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
