//! `claims log`: a document's versions, a claim's appearances, or a speaker's claims, over
//! time.

use super::render::{claim_line, cue, plural, print_json, short};
use super::{open_existing, Cli, CliResult, Format};
use claims::store::query;
use claims::timeline::history::{self, Appearance};
use std::io::Write;

/// Show history over time.
///
/// With a DOCUMENT (a document or version id prefix, a URL or a key): its versions, oldest
/// first, with when each was published and imported, how many claims it holds and how many
/// were added (+), removed (-) and changed (~) since the version before. With a CLAIM id
/// prefix: every document and version it appears in, first and last seen. With --speaker:
/// that speaker's claims, by publication time.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The document or claim.
    #[arg(required_unless_present = "speaker")]
    pub target: Option<String>,
    /// A speaker's claims over time: the speakers with a name containing this text
    /// (case-insensitive), with every name of their entities; the rule of `list --speaker`.
    #[arg(long, conflicts_with = "target")]
    pub speaker: Option<String>,
    /// With --speaker: only the speaker with exactly this name (case-insensitive), with every
    /// name of its entity.
    #[arg(long, requires = "speaker")]
    pub exact: bool,
    #[command(flatten)]
    pub as_of: super::AsOfArgs,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let store = open_existing(cli)?;
    let as_of = args.as_of.parse()?;
    let as_of = as_of.as_ref();
    if let Some(speaker) = &args.speaker {
        let rows = history::speaker_history(&store, speaker, speaker_match(args.exact), as_of)?;
        if cli.format != Format::Text {
            print_json(cli.format, &rows)?;
        } else {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "speaker {speaker}: {} appearance{}",
                rows.len(),
                plural(rows.len())
            )?;
            for a in &rows {
                write_appearance(&mut out, a, true)?;
            }
            out.flush()?;
        }
        return Ok(super::exit::OK);
    }
    let target = args.target.as_deref().unwrap_or_default();
    if let Ok((id, kind)) = query::resolve(&store, target, None) {
        if kind == "claim" {
            let Some(h) = history::claim_history(&store, &id, as_of)? else {
                return Err(super::error::fail(format!("{target}: claim not indexed")));
            };
            if cli.format != Format::Text {
                print_json(cli.format, &h)?;
            } else {
                let mut out = std::io::stdout().lock();
                writeln!(out, "claim {}", h.claim.claim.id)?;
                writeln!(out, "  {}", claim_line(&h.claim.claim))?;
                writeln!(
                    out,
                    "  published: first {}  last {}",
                    or_dash(&h.first_published),
                    or_dash(&h.last_published)
                )?;
                writeln!(
                    out,
                    "  imported:  first {}  last {}",
                    or_dash(&h.first_imported),
                    or_dash(&h.last_imported)
                )?;
                writeln!(
                    out,
                    "appears {} time{}:",
                    h.appearances.len(),
                    plural(h.appearances.len())
                )?;
                for a in &h.appearances {
                    write_appearance(&mut out, a, false)?;
                }
                out.flush()?;
            }
            return Ok(super::exit::OK);
        }
    }
    let doc = query::resolve_document(&store, target)?;
    let versions = history::document_history(&store, &doc, as_of)?;
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        let (key, _) = query::document_key(&store, &doc)?.unwrap_or_default();
        writeln!(out, "document {doc}  {}", key.replace('\n', " / "))?;
        for c in &versions {
            let v = &c.version;
            writeln!(
                out,
                "version {}  {}  published {}  imported {}  {} claims (+{} -{} ~{})  {}",
                v.number,
                short(&v.id),
                v.published.as_deref().unwrap_or("-"),
                v.imported_at.as_deref().unwrap_or("-"),
                v.claims,
                c.added,
                c.removed,
                c.changed,
                v.title.as_deref().unwrap_or("(untitled)")
            )?;
            for notice in &v.corrections {
                writeln!(out, "  correction notice: {notice}")?;
            }
        }
        out.flush()?;
    } else {
        print_json(cli.format, &versions)?;
    }
    Ok(super::exit::OK)
}

fn or_dash(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("-")
}

fn write_appearance(out: &mut impl Write, a: &Appearance, with_claim: bool) -> std::io::Result<()> {
    writeln!(
        out,
        "  {}  imported {}  version {} of {}  ({}{})",
        a.published.as_deref().unwrap_or("(unpublished)"),
        a.imported_at.as_deref().unwrap_or("-"),
        a.version_number,
        a.document_key.replace('\n', " / "),
        a.outlet.as_deref().unwrap_or("unknown outlet"),
        a.title
            .as_deref()
            .map(|t| format!(": {t}"))
            .unwrap_or_default()
    )?;
    if with_claim {
        writeln!(
            out,
            "    {}  {} ({}): {}",
            short(&a.claim),
            cue(&a.cue),
            a.stance,
            a.content
        )?;
    } else {
        writeln!(out, "    {}", a.sentence)?;
    }
    Ok(())
}

/// `--exact` or not: the one speaker rule of `list` and `log`.
pub(super) fn speaker_match(exact: bool) -> history::SpeakerMatch {
    if exact {
        history::SpeakerMatch::Exact
    } else {
        history::SpeakerMatch::Contains
    }
}
