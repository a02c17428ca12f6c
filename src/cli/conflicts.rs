//! `claims conflicts`: claims that cannot both hold.

use super::render::{cue, plural, print_json, short};
use super::{open_existing, Cli, CliResult, Format};
use claims::model::ClaimRef;
use claims::store::query::resolve_document;
use claims::timeline::relations::{self, ConflictFilter};
use std::io::Write;

/// List claims that cannot both hold
///
/// Conflicts in force: pairs of claims about the same subject that cannot both hold (negation;
/// opposite direction or outcome; different numbers, days or dates; confirms vs denies), found
/// when claims are stored (import, sync, bundle) or recorded with `claims link`. A manual judgement overrides the
/// automatic ones; a claim and its own later edit are an update, not a conflict.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only conflicts involving a claim of this document (id prefix, URL or key).
    #[arg(long)]
    pub document: Option<String>,
    /// Only conflicts where a speaker contains this text.
    #[arg(long)]
    pub speaker: Option<String>,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let store = open_existing(cli)?;
    let document = match &args.document {
        Some(d) => Some(resolve_document(&store, d)?),
        None => None,
    };
    let rows = relations::conflicts(
        &store,
        &ConflictFilter {
            document,
            speaker: args.speaker.clone(),
        },
    )?;
    if cli.format != Format::Text {
        print_json(cli.format, &rows)?;
        return Ok(super::exit::OK);
    }
    let mut out = std::io::stdout().lock();
    for r in &rows {
        writeln!(out, "conflict: {}  ({})", r.reason, r.basis)?;
        writeln!(out, "  a {}", side(&r.a))?;
        writeln!(out, "  b {}", side(&r.b))?;
    }
    writeln!(out, "{} conflict{}", rows.len(), plural(rows.len()))?;
    out.flush()?;
    Ok(super::exit::OK)
}

fn side(c: &ClaimRef) -> String {
    format!(
        "{}  {} — {}: {}",
        short(&c.id.to_hex()),
        c.speaker,
        cue(&c.cue),
        c.content
    )
}
