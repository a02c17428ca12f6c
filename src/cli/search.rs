//! `claims search`: full-text search over claims.

use super::render::print_claims;
use super::{open_existing, Cli, CliResult};
use claims::store::query::claims::search_claims_with;
use claims::store::query::fts_query;

/// Search claims by words in their content or speaker, best match first.
///
/// Every word must appear (a word matches any word that it starts with when it ends in `*`,
/// with --raw). When nothing matches it says so on stderr and exits 1.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Words to look for.
    #[arg(required = true)]
    pub words: Vec<String>,
    /// Pass the query to FTS5 as written (phrases, OR, NEAR, prefix*).
    #[arg(long)]
    pub raw: bool,
    /// At most this many claims.
    #[arg(long, default_value_t = 50)]
    pub limit: u64,
    /// Also claims that are retracted (`claims retract`).
    #[arg(long)]
    pub include_retracted: bool,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let store = open_existing(cli)?;
    let text = args.words.join(" ");
    let query = if args.raw {
        text.clone()
    } else {
        fts_query(&text)
    };
    let rows = search_claims_with(&store, &query, args.limit, args.include_retracted)?;
    print_claims(cli.format, &rows)?;
    if rows.is_empty() {
        // Stdout keeps its shape (an empty list); the reason goes to stderr, with exit 1.
        eprintln!("claims: no claim matches {text:?}");
        return Ok(super::exit::FAILED);
    }
    Ok(super::exit::OK)
}
