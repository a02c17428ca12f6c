//! `claims conflicts`: claims that cannot both hold.

use super::{open_existing, print_json, short, Cli, Format};
use claims::store::query::resolve_document;
use claims::timeline::relations::{self, ConflictFilter, RelClaim};
use std::io::Write;

/// List claims that cannot both hold
///
/// Conflicts in force: pairs of claims about the same subject that cannot both hold (negation;
/// opposite direction or outcome; different numbers, days or dates; confirms vs denies), found
/// on import or recorded with `claims link`. A manual judgement overrides the
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

pub fn run(cli: &Cli, args: &Args) -> anyhow::Result<i32> {
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
    writeln!(
        out,
        "{} conflict{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )?;
    out.flush()?;
    Ok(super::exit::OK)
}

fn side(c: &RelClaim) -> String {
    let cue = if c.cue.is_empty() { "asserts" } else { &c.cue };
    format!("{}  {} — {}: {}", short(&c.id), c.speaker, cue, c.content)
}
