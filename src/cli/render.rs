//! Rendering for people and machines, in one place: JSON output, the one-line form of a claim,
//! objects shown in a dry run, and progress bars.

use super::Format;
use claims::model::{Body, ClaimRef};
use claims::objects::Object;
use claims::store::query::ClaimRow;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::io::{IsTerminal, Write};

/// Writes a value as pretty JSON (json) or one compact line per array item (jsonl).
pub fn print_json<T: Serialize>(format: Format, value: &T) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    // Written as io::Error, so that a closed pipe is seen as one (serde_json hides it).
    if format == Format::Jsonl {
        match serde_json::to_value(value)? {
            serde_json::Value::Array(items) => {
                for item in items {
                    serde_json::to_writer(&mut out, &item)?;
                    out.write_all(b"\n")?;
                }
            }
            other => {
                serde_json::to_writer(&mut out, &other)?;
                out.write_all(b"\n")?;
            }
        }
    } else {
        serde_json::to_writer_pretty(&mut out, value)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Writes a table as CSV (RFC 4180: CRLF line ends, fields quoted when they hold a comma, a
/// quote or a line break), a header row first.
pub fn print_csv(header: &[&str], rows: &[Vec<String>]) -> Result<(), csv::Error> {
    let out = std::io::stdout().lock();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row)?;
    }
    w.flush()?;
    Ok(())
}

/// The CSV columns of a claim as listed.
pub const CLAIM_CSV: &[&str] = &[
    "id", "speaker", "cue", "stance", "hedges", "content", "mentions",
];

/// Prints claims: one line each for people, JSON, or CSV.
pub fn print_claims(format: Format, rows: &[ClaimRow]) -> Result<(), super::CliError> {
    if format == Format::Csv {
        let table: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    r.claim.id.to_hex(),
                    r.claim.speaker.clone(),
                    r.claim.cue.clone(),
                    r.claim.stance.clone(),
                    r.claim.hedges.join("; "),
                    r.claim.content.clone(),
                    r.mentions.to_string(),
                ]
            })
            .collect();
        return Ok(print_csv(CLAIM_CSV, &table)?);
    }
    if format != Format::Text {
        return Ok(print_json(format, &rows)?);
    }
    let mut out = std::io::stdout().lock();
    for row in rows {
        writeln!(out, "{}", claim_line(&row.claim))?;
    }
    Ok(out.flush()?)
}

/// Shortens an id for display.
pub fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// A cue as shown: the outlet's own voice has none and "asserts".
pub fn cue(cue: &str) -> &str {
    if cue.is_empty() {
        "asserts"
    } else {
        cue
    }
}

/// `" [hedged: may, reportedly]"`, or nothing.
pub fn hedged(hedges: &[String]) -> String {
    if hedges.is_empty() {
        String::new()
    } else {
        format!(" [hedged: {}]", hedges.join(", "))
    }
}

/// A claim without its id: `speaker — cue (stance) [hedged: ...]: content`.
pub fn claim_text(
    speaker: &str,
    cue_lemma: &str,
    stance: &str,
    hedges: &[String],
    content: &str,
) -> String {
    format!(
        "{speaker} — {} ({stance}){}: {content}",
        cue(cue_lemma),
        hedged(hedges)
    )
}

/// One claim on one line, for people: its short id, then [`claim_text`].
pub fn claim_line(c: &ClaimRef) -> String {
    format!(
        "{}  {}",
        short(&c.id.to_hex()),
        claim_text(&c.speaker, &c.cue, &c.stance, &c.hedges, &c.content)
    )
}

/// `""` for one, `"s"` for any other count.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A value, or `-` when it is empty.
pub fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

/// One object as a dry run shows it.
#[derive(Debug, Serialize)]
pub struct Shown {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// For a claim: who, how, what, on one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
}

pub fn shown(o: &Object) -> Shown {
    let claim = match Body::from_object(o) {
        Some(Body::Claim(c)) => Some(claim_text(
            &c.speaker, &c.cue, &c.stance, &c.hedges, &c.content,
        )),
        _ => None,
    };
    Shown {
        id: o.id.to_hex(),
        kind: o.kind.clone(),
        claim,
    }
}

/// Counts by type, e.g. "3 document, 3 version, 12 claim", for a summary line.
fn by_type(objects: &[Object]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for o in objects {
        match counts.iter_mut().find(|(k, _)| *k == o.kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((o.kind.clone(), 1)),
        }
    }
    counts
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text lines for a dry run: a count line, then one line per claim.
pub fn dry_run_lines(verb: &str, objects: &[Object]) -> String {
    let mut s = format!("would {verb} {} objects", objects.len());
    if !objects.is_empty() {
        s.push_str(&format!(" ({})", by_type(objects)));
    }
    s.push('\n');
    for o in objects {
        if let Some(claim) = shown(o).claim {
            s.push_str(&format!("  {}  {claim}\n", short(&o.id.to_hex())));
        }
    }
    s
}

/// A progress bar on stderr counting `unit`s (with a phase message when `phases`), only when
/// stderr is a terminal.
pub fn progress_bar(unit: &str, phases: bool) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let message = if phases { " {msg}" } else { "" };
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}}{message} {{pos}}/{{len}} {unit} {{wide_bar}} {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}
