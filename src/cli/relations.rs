//! `claims relations`: how claims of different articles stand to each other.

use super::render::{cue, plural, short};
use super::{open_existing, Cli, CliError, CliResult, Format};
use claims::store::query::resolve_document;
use claims::timeline::relations::{self, RelationFilter, RelationRow, Side};
use std::io::Write;

/// List relations between claims: conflicts, corroborations, updates
///
/// Relations in force between claims, found by the rules for every stored claim however it
/// arrived (import, sync, bundle), or recorded by a person with `claims link` (a judgement in
/// force overrides what the rules found on the same pair). Each has a kind, a score in [0, 1],
/// the rule (basis) and a reason naming the evidence; each side names the documents where the
/// claim appears. The output is a function of the stored objects alone: every database holding
/// the same objects prints the same bytes. By default only conflicts and updates scored at
/// least 0.35 and corroborations scored at least 0.45 are shown; `--min-score 0` shows all.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only relations of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<Kind>,
    /// Only relations scored at least this (0 to 1). Default: 0.35, and 0.45 for corroborations.
    #[arg(long, value_name = "S", value_parser = score)]
    pub min_score: Option<f64>,
    /// Only relations involving a claim of this document (id prefix, URL or key).
    #[arg(long)]
    pub document: Option<String>,
    /// Only relations where a speaker contains this text.
    #[arg(long)]
    pub speaker: Option<String>,
    /// Also relations of a retracted claim (`claims retract`).
    #[arg(long)]
    pub include_retracted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Conflicts,
    Corroborates,
    Updates,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Conflicts => "conflicts",
            Kind::Corroborates => "corroborates",
            Kind::Updates => "updates",
        }
    }
}

/// A score given on the command line: a number from 0 to 1.
pub fn score(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("{s:?} is not a score: give a number from 0 to 1")),
    }
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    show(
        cli,
        args.kind.map(Kind::as_str),
        args.min_score,
        args.document.as_deref(),
        args.speaker.as_deref(),
        args.include_retracted,
    )
}

/// Prints the relations of one kind (or all) that pass the filters.
pub fn show(
    cli: &Cli,
    kind: Option<&str>,
    min_score: Option<f64>,
    document: Option<&str>,
    speaker: Option<&str>,
    include_retracted: bool,
) -> CliResult {
    let store = open_existing(cli)?;
    let document = match document {
        Some(d) => Some(resolve_document(&store, d)?),
        None => None,
    };
    let filter = RelationFilter {
        kind: kind.map(str::to_string),
        min_score: min_score.unwrap_or(claims::relate::DEFAULT_MIN_SCORE),
        // Without --min-score, corroborations have their own default.
        min_corroboration_score: min_score
            .is_none()
            .then_some(claims::relate::DEFAULT_MIN_CORROBORATION_SCORE),
        document,
        speaker: speaker.map(str::to_string),
        include_retracted,
        claim: None,
    };
    // Each row is written as it is read (`relations::each_relation`): the list is never held
    // whole, however long.
    let stdout = std::io::stdout().lock();
    if cli.format == Format::Csv {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(stdout);
        w.write_record(CSV_HEADER)?;
        relations::each_relation(&store, &filter, |r| -> Result<(), CliError> {
            w.write_record(csv_record(&r))?;
            Ok(())
        })?;
        w.flush()?;
        return Ok(super::exit::OK);
    }
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    match cli.format {
        // Written as `print_json` would (the same bytes): the array's brackets and commas
        // here, each row indented by two spaces (no JSON string holds a line break).
        Format::Json => {
            let (mut one, mut first) = (Vec::new(), true);
            let n = relations::each_relation(&store, &filter, |r| -> Result<(), CliError> {
                out.write_all(if first { b"[\n" } else { b",\n" })?;
                first = false;
                one.clear();
                serde_json::to_writer_pretty(&mut one, &r).map_err(std::io::Error::from)?;
                for (i, line) in one.split(|b| *b == b'\n').enumerate() {
                    out.write_all(if i == 0 { b"  " } else { b"\n  " })?;
                    out.write_all(line)?;
                }
                Ok(())
            })?;
            out.write_all(if n == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        Format::Jsonl => {
            relations::each_relation(&store, &filter, |r| -> Result<(), CliError> {
                // Written as io::Error, so that a closed pipe is seen as one (serde_json
                // hides it).
                serde_json::to_writer(&mut out, &r).map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
                Ok(())
            })?;
        }
        _ => {
            let n = relations::each_relation(&store, &filter, |r| -> Result<(), CliError> {
                write_row(&mut out, &r)?;
                Ok(())
            })?;
            let noun = match kind {
                Some("conflicts") => "conflict",
                Some("corroborates") => "corroboration",
                Some("updates") => "update",
                _ => "relation",
            };
            writeln!(out, "{n} {noun}{}", plural(n))?;
        }
    }
    out.flush()?;
    Ok(super::exit::OK)
}

/// The CSV columns of a relation.
const CSV_HEADER: &[&str] = &[
    "kind",
    "score",
    "reason",
    "basis",
    "relation",
    "a_id",
    "a_speaker",
    "a_cue",
    "a_stance",
    "a_content",
    "a_documents",
    "a_documents_total",
    "b_id",
    "b_speaker",
    "b_cue",
    "b_stance",
    "b_content",
    "b_documents",
    "b_documents_total",
];

/// One relation as a CSV record ([`CSV_HEADER`]).
fn csv_record(r: &RelationRow) -> Vec<String> {
    let mut row = vec![
        r.kind.clone(),
        format!("{:.3}", r.score),
        r.reason.clone(),
        r.basis.clone(),
        r.relation.clone().unwrap_or_default(),
    ];
    for s in [&r.a, &r.b] {
        row.extend([
            s.id.to_hex(),
            s.speaker.clone(),
            s.cue.clone(),
            s.stance.clone(),
            s.content.clone(),
            s.documents.join(" "),
            s.documents_total.to_string(),
        ]);
    }
    row
}

fn write_row(out: &mut impl Write, r: &RelationRow) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {:.2}: {}  ({})",
        r.kind, r.score, r.reason, r.basis
    )?;
    write_side(out, "a", &r.a)?;
    write_side(out, "b", &r.b)
}

fn write_side(out: &mut impl Write, label: &str, s: &Side) -> std::io::Result<()> {
    writeln!(
        out,
        "  {label} {}  {} — {}: {}",
        short(&s.id.to_hex()),
        s.speaker,
        cue(&s.cue),
        s.content
    )?;
    let mut place: Vec<String> = Vec::new();
    if let Some(o) = s.outlet.as_deref().filter(|o| !o.is_empty()) {
        place.push(o.to_string());
    }
    if let Some(t) = s.title.as_deref().filter(|t| !t.is_empty()) {
        place.push(format!("\"{t}\""));
    }
    if let Some(p) = s.published.as_deref().filter(|p| !p.is_empty()) {
        place.push(p.to_string());
    }
    if place.is_empty() {
        if let Some(d) = s.documents.first() {
            place.push(d.clone());
        }
    }
    if !place.is_empty() {
        writeln!(out, "      {}", place.join(", "))?;
    }
    Ok(())
}
