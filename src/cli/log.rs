//! `claims log`: a document's versions over time.

use super::{open_existing, print_json, short, Cli, Format};
use claims::store::query;
use std::io::Write;

/// Show a document's versions over time.
///
/// Versions are listed oldest first, with when each was published and imported and how many
/// claims it holds. DOCUMENT is a document or version id (or prefix), a URL or a key.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document.
    pub document: String,
}

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<i32> {
    let store = open_existing(cli)?;
    let doc = query::resolve_document(&store, &args.document)?;
    let versions = query::versions_of(&store, &doc)?;
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        let (key, _) = query::document_key(&store, &doc)?.unwrap_or_default();
        writeln!(out, "document {doc}  {}", key.replace('\n', " / "))?;
        for v in &versions {
            writeln!(
                out,
                "version {}  {}  published {}  imported {}  {} claims  {}",
                v.number,
                short(&v.id),
                v.published.as_deref().unwrap_or("-"),
                v.imported_at.as_deref().unwrap_or("-"),
                v.claims,
                v.title.as_deref().unwrap_or("(untitled)")
            )?;
        }
        out.flush()?;
    } else {
        print_json(cli.format, &versions)?;
    }
    Ok(super::exit::OK)
}
