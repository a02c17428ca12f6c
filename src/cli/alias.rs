//! `claims alias`: speaker entities, and the names a user adds to them.

use super::render::{print_json, short};
use super::{open_existing, Cli, CliResult, Format};
use claims::store::query::entities::entities;
use claims::store::Store;
use claims::timeline::entities::add_alias_by;
use std::io::Write;

/// Speaker entities: which speaker names are one person or organisation
///
/// Claims keep the speaker name their article gave; `list --speaker` and `log --speaker` find
/// the claims of every name of the same entity. Names are grouped by the seed alias table, by
/// person names (the same first and last name; a lone surname under a dominant full name), and
/// by the aliases added here, which are recorded as objects and sync like claims.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    Add(AddArgs),
    List(ListArgs),
}

/// Record that a speaker name is another name of an entity
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The speaker name as stored ("POTUS", "Obama").
    pub alias: String,
    /// The entity, or another of its names ("Barack Obama").
    pub canonical: String,
    #[command(flatten)]
    pub who: super::AuthorArg,
}

/// List the entities with more than one name (or those matching --name)
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only entities with a name containing this text (case-insensitive).
    #[arg(long)]
    pub name: Option<String>,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    match &args.command {
        Sub::Add(a) => add(cli, a),
        Sub::List(a) => list(cli, a),
    }
}

fn add(cli: &Cli, args: &AddArgs) -> CliResult {
    let mut store = Store::open_existing(&cli.db)?;
    let by = args.who.resolve(&store)?;
    let (typed, new) = add_alias_by(
        &mut store,
        &args.alias,
        &args.canonical,
        by.as_deref(),
        &claims::time::now_precise(),
    )?;
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        let claims::model::Body::Alias(a) = &typed.body else {
            return Err(super::error::fail("internal: an alias is an alias object"));
        };
        writeln!(
            out,
            "{} alias {}: {} => {}",
            if new { "recorded" } else { "already recorded" },
            short(&typed.id().to_hex()),
            a.alias,
            a.canonical
        )?;
        out.flush()?;
    } else {
        print_json(
            cli.format,
            &serde_json::json!({"id": typed.id(), "new": new, "alias": typed.body}),
        )?;
    }
    Ok(super::exit::OK)
}

fn list(cli: &Cli, args: &ListArgs) -> CliResult {
    let store = open_existing(cli)?;
    let rows = entities(&store, args.name.as_deref())?;
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        for e in &rows {
            let names: Vec<String> = e.names.iter().map(|(n, b)| format!("{n} ({b})")).collect();
            writeln!(
                out,
                "{} · {} claims · {}",
                e.entity,
                e.claims,
                names.join(", ")
            )?;
        }
        out.flush()?;
    } else {
        print_json(cli.format, &rows)?;
    }
    Ok(super::exit::OK)
}
