//! `claims list`: the claims in the database, filtered.

use super::render::print_claims;
use super::{open_existing, Cli, CliResult};
use claims::store::query::{list_claims, resolve_document, ListFilter};
use claims::timeline::history::Clock;

/// List claims, oldest first.
///
/// Text filters match case-insensitively anywhere in the field.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only claims of the entities with a name containing this text (every name of each:
    /// see `claims alias`); the rule of `log --speaker`.
    #[arg(long)]
    pub speaker: Option<String>,
    /// With --speaker: only the entity with exactly this name (case-insensitive), with every
    /// name of it.
    #[arg(long, requires = "speaker")]
    pub exact: bool,
    /// Only claims in this document (id prefix, URL or key).
    #[arg(long)]
    pub document: Option<String>,
    /// Only claims in articles from this outlet.
    #[arg(long)]
    pub outlet: Option<String>,
    /// Leave out the outlet's own sentences (claims with no cue, attributed to the outlet):
    /// only what the article attributes to someone.
    #[arg(long)]
    pub no_outlet: bool,
    /// Only claims whose content contains this text.
    #[arg(long)]
    pub text: Option<String>,
    /// Only claims in the latest version of each document.
    #[arg(long)]
    pub latest: bool,
    /// At most this many claims.
    #[arg(long)]
    pub limit: Option<u64>,
    /// Also claims that are retracted (`claims retract`).
    #[arg(long)]
    pub include_retracted: bool,
    #[command(flatten)]
    pub as_of: super::AsOfArgs,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let store = open_existing(cli)?;
    let document = match &args.document {
        Some(d) => Some(resolve_document(&store, d)?),
        None => None,
    };
    let as_of = args.as_of.parse()?;
    let filter = ListFilter {
        speaker: args.speaker.clone(),
        speaker_match: super::log::speaker_match(args.exact),
        document,
        outlet: args.outlet.clone(),
        text: args.text.clone(),
        latest: args.latest,
        no_outlet: args.no_outlet,
        limit: args.limit,
        published_by: as_of
            .as_ref()
            .filter(|a| a.clock == Clock::Published)
            .map(|a| a.bound.clone()),
        imported_by: as_of
            .as_ref()
            .filter(|a| a.clock == Clock::Imported)
            .map(|a| a.bound.clone()),
        include_retracted: args.include_retracted,
    };
    let rows = list_claims(&store, &filter)?;
    print_claims(cli.format, &rows)?;
    Ok(super::exit::OK)
}
