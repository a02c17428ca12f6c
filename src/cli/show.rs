//! `claims show`: one object and where it stands.

use super::render::{claim_line, or_dash, plural, print_json, short};
use super::{open_existing, Cli, CliResult, Format};
use claims::store::query::{self, MentionRow};
use serde_json::{json, Value};
use std::io::Write;

/// Show one object and where it stands.
///
/// ID is an object id or a unique prefix of at least 6 hex digits, or a document's URL or key.
/// For a claim, every place it appears, its reviews and its retractions; for a version, its
/// claims, correction notices and where and when it was fetched; for a document, its versions.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The object's id or a unique prefix, or a document's URL or key.
    pub id: String,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let store = open_existing(cli)?;
    let (id, kind) = query::resolve(&store, &args.id, None)?;
    let (_, body) = query::object_body(&store, &id)?.unwrap_or_default();
    let object: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let mut out = std::io::stdout().lock();
    let text = cli.format == Format::Text;
    if text {
        writeln!(out, "{kind} {id}")?;
    }
    let related = match kind.as_str() {
        "claim" => {
            let mentions = query::mentions_of_claim(&store, &id)?;
            if text {
                if let Some(row) = query::claim(&store, &id)? {
                    let c = &row.claim;
                    writeln!(out, "  speaker: {}", c.speaker)?;
                    writeln!(out, "  cue:     {} ({})", or_dash(&c.cue), c.stance)?;
                    writeln!(out, "  hedges:  {}", or_dash(&c.hedges.join(", ")))?;
                    writeln!(out, "  content: {}", c.content)?;
                }
                writeln!(
                    out,
                    "appears {} time{}:",
                    mentions.len(),
                    plural(mentions.len())
                )?;
                for m in &mentions {
                    write_mention(&mut out, m)?;
                }
            }
            let reviews = claims::store::query::reviews::reviews(
                &store,
                &claims::store::query::reviews::ReviewFilter {
                    claim: Some(id),
                    include_retracted: true,
                    ..Default::default()
                },
            )?;
            let retractions = claims::store::query::reviews::retractions(&store, Some(&id))?;
            if text {
                if !reviews.is_empty() {
                    writeln!(
                        out,
                        "reviewed {} time{}:",
                        reviews.len(),
                        plural(reviews.len())
                    )?;
                }
                for r in &reviews {
                    let v = &r.review;
                    let who = v
                        .publisher
                        .as_deref()
                        .or(v.by.as_deref())
                        .unwrap_or("unknown");
                    writeln!(
                        out,
                        "  - {} ({}) by {who}{}  {}",
                        v.verdict.as_str(),
                        v.rating
                            .text
                            .as_deref()
                            .or(v.rating.alternate_name.as_deref())
                            .unwrap_or("-"),
                        v.date
                            .as_deref()
                            .or(v.at.as_deref())
                            .map(|d| format!(", {d}"))
                            .unwrap_or_default(),
                        short(&r.id)
                    )?;
                }
                for r in &retractions {
                    writeln!(
                        out,
                        "retracted: {} (by {}, {})",
                        r.reason,
                        r.by.as_deref().unwrap_or("unknown"),
                        r.at.as_deref().unwrap_or("-")
                    )?;
                }
            }
            let mut related = json!({ "mentions": mentions });
            if let Some(o) = related.as_object_mut() {
                if !reviews.is_empty() {
                    o.insert("reviews".into(), json!(reviews));
                }
                if !retractions.is_empty() {
                    o.insert("retractions".into(), json!(retractions));
                }
            }
            related
        }
        "version" => {
            let mentions = query::mentions_in_version(&store, &id)?;
            // Where and when this text was fetched (local facts; the first is when it was
            // first seen).
            let fetches = store.fetches().of_version(&id.to_hex())?;
            if text {
                for key in ["title", "source", "byline", "published", "document"] {
                    if let Some(v) = object.get(key).and_then(Value::as_str) {
                        writeln!(out, "  {key}: {v}")?;
                    }
                }
                for notice in claims::store::query::versions::version_corrections(&store, &id)? {
                    writeln!(out, "  correction notice: {notice}")?;
                }
                for f in &fetches {
                    writeln!(
                        out,
                        "  fetched: {} {} (HTTP {}{}{})",
                        f.fetched_at,
                        f.url,
                        f.status,
                        if f.final_url != f.url {
                            format!(", from {}", f.final_url)
                        } else {
                            String::new()
                        },
                        f.etag
                            .as_deref()
                            .map(|e| format!(", ETag {e}"))
                            .unwrap_or_default()
                    )?;
                }
                writeln!(out, "{} claim{}:", mentions.len(), plural(mentions.len()))?;
                for m in &mentions {
                    let c = claims::objects::ObjectId::parse(&m.claim)
                        .ok()
                        .and_then(|cid| query::claim(&store, &cid).ok().flatten());
                    if let Some(c) = c {
                        writeln!(out, "  {}", claim_line(&c.claim))?;
                    }
                }
            }
            if fetches.is_empty() {
                json!({ "mentions": mentions })
            } else {
                json!({ "mentions": mentions, "fetches": fetches })
            }
        }
        "document" => {
            let versions = query::versions_of(&store, &id)?;
            if text {
                if let Some(k) = object.get("key").and_then(Value::as_str) {
                    writeln!(out, "  key: {}", k.replace('\n', " / "))?;
                }
                for v in &versions {
                    writeln!(
                        out,
                        "  version {}  {}  {} claims  {}",
                        v.number,
                        short(&v.id),
                        v.claims,
                        v.title.as_deref().unwrap_or("(untitled)")
                    )?;
                }
            }
            json!({ "versions": versions })
        }
        _ => {
            if text {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&object).map_err(std::io::Error::from)?
                )?;
            }
            json!({})
        }
    };
    if !text {
        let mut doc = json!({ "id": id.to_hex(), "type": kind, "object": object });
        if let (Some(d), Value::Object(r)) = (doc.as_object_mut(), related) {
            d.extend(r);
        }
        print_json(cli.format, &doc)?;
    }
    out.flush()?;
    Ok(super::exit::OK)
}

fn write_mention(out: &mut impl Write, m: &MentionRow) -> std::io::Result<()> {
    writeln!(
        out,
        "  - \"{}\" version {} ({}{}), document {}",
        m.title.as_deref().unwrap_or("(untitled)"),
        m.version_number,
        m.outlet.as_deref().unwrap_or("unknown outlet"),
        m.published
            .as_deref()
            .map(|p| format!(", {p}"))
            .unwrap_or_default(),
        short(&m.document)
    )?;
    writeln!(out, "    {}", m.sentence)?;
    if !m.source_text.is_empty() || !m.cue_text.is_empty() {
        writeln!(
            out,
            "    source: {}  cue: {}",
            or_dash(&m.source_text),
            or_dash(&m.cue_text)
        )?;
    }
    Ok(())
}
