//! `claims extract`: extraction only, no database.

use super::{exit, Cli, CliResult, Format};
use claims::extract::{Attribution, CharIndex, Extractor, Speaker, Stance};
use claims::ingest;
use serde_json::{json, Value};
use std::io::{IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Extract attributed claims from article files without touching a database.
///
/// Offsets in JSON output are Unicode code point offsets into each file's text exactly as read,
/// end exclusive; a plain-text file's header block (`URL:`, `Title:` ... lines, or front
/// matter) is skipped as `import` skips it. HTML, Markdown and JSON lines files are first read
/// as `import` reads them,
/// and offsets then count in each article's extracted text (one output entry per article, with
/// its `article` number when a file holds several). A file that cannot be read is reported on
/// stderr; the others are still printed, and the exit code is 1.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to read (UTF-8 text, one paragraph per line; a header block, as `import` reads
    /// it, is no part of the article, but spans count from the start of the file).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,

    /// Also print outlet assertions: sentences the outlet states in its own voice.
    #[arg(long)]
    pub outlet: bool,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let extractor = Extractor::new()?;
    let stdout = std::io::stdout();
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let mut docs: Vec<Value> = Vec::new();
    for path in &args.files {
        let texts = match read_texts(path) {
            Ok(t) => t,
            Err(msg) => {
                // Keep stdout ordered before the message when both go to one terminal.
                out.flush()?;
                eprintln!("claims: error: {msg}");
                failed += 1;
                continue;
            }
        };
        let several = texts.len() > 1;
        for (i, (text, start)) in texts.iter().enumerate() {
            let ex = extractor.extract_from(text, *start);
            let claims: Vec<&Attribution> = ex
                .claims
                .iter()
                .filter(|a| args.outlet || a.speaker != Speaker::Outlet)
                .collect();
            let article = several.then_some(i + 1);
            match cli.format {
                Format::Jsonl => {
                    let v = file_json(path, article, text, &claims);
                    serde_json::to_writer(&mut out, &v).map_err(std::io::Error::from)?;
                    out.write_all(b"\n")?;
                }
                Format::Json => docs.push(file_json(path, article, text, &claims)),
                // Refused before the command runs (`Format::only_for`).
                Format::Text | Format::Csv | Format::Claimreview => {
                    write_text(&mut out, path, text, &claims, colour)?
                }
            }
        }
    }
    if cli.format == Format::Json {
        serde_json::to_writer_pretty(&mut out, &docs).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(if failed > 0 { exit::FAILED } else { exit::OK })
}

/// The texts to extract from: a plain text file exactly as read, or the articles that
/// `import` would read from an HTML, Markdown or JSON lines file.
/// The texts of a file, each with the byte offset where its article starts: a plain-text
/// file is read as it is, its header block (as `import` reads it) skipped but counted, so that
/// spans are offsets in the file.
fn read_texts(path: &Path) -> Result<Vec<(String, usize)>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    match ingest::detect(path, &bytes) {
        ingest::Format::Text => String::from_utf8(bytes)
            .map(|t| {
                let start = ingest::text_start(&t);
                vec![(t, start)]
            })
            .map_err(|e| {
                format!(
                    "{}: not valid UTF-8 (first bad byte at offset {}); convert the file to UTF-8",
                    path.display(),
                    e.utf8_error().valid_up_to()
                )
            }),
        _ => ingest::parse(path, &bytes)
            .map(|articles| articles.into_iter().map(|a| (a.text, 0)).collect())
            .map_err(|e| e.to_string()),
    }
}

fn kind(a: &Attribution) -> &'static str {
    match a.speaker {
        Speaker::Outlet => "outlet",
        Speaker::Unknown if a.source.is_empty() => "sourceless",
        _ => "attribution",
    }
}

fn file_json(path: &Path, article: Option<usize>, text: &str, claims: &[&Attribution]) -> Value {
    let ci = CharIndex::new(text);
    let spans = |v: &[Range<usize>]| -> Vec<[usize; 2]> { v.iter().map(|r| ci.span(r)).collect() };
    let attributions: Vec<Value> = claims
        .iter()
        .map(|a| {
            let speaker = match &a.speaker {
                Speaker::Named(n) => Value::String(n.clone()),
                Speaker::Outlet | Speaker::Unknown => Value::Null,
            };
            json!({
                "kind": kind(a),
                "source": spans(&a.source),
                "cue": spans(&a.cue),
                "content": spans(&a.content),
                "speaker": speaker,
                "title": a.title,
                "cue_lemma": a.cue_lemma,
                "stance": a.stance.as_str(),
                "hedges": a.hedges,
                "direct": a.direct,
            })
        })
        .collect();
    let mut v = json!({ "file": path.to_string_lossy(), "attributions": attributions });
    if let (Some(n), Some(map)) = (article, v.as_object_mut()) {
        map.insert("article".into(), json!(n));
    }
    v
}

/// Marks roles in one sentence: `[source: ...]`, `[cue: ...]`, `[content: ...]`, or colours.
fn marked(text: &str, a: &Attribution, colour: bool) -> String {
    // (byte, order, marker): closing marks sort before opening ones at the same offset.
    let mut marks: Vec<(usize, u8, &str)> = Vec::new();
    let roles: [(&[Range<usize>], &str, &str); 3] = if colour {
        [
            (&a.source, "\x1b[1;36m", "\x1b[0m"),
            (&a.cue, "\x1b[1;33m", "\x1b[0m"),
            (&a.content, "\x1b[32m", "\x1b[0m"),
        ]
    } else {
        [
            (&a.source, "[source: ", "]"),
            (&a.cue, "[cue: ", "]"),
            (&a.content, "[content: ", "]"),
        ]
    };
    let sent = a.sentence.clone();
    for (spans, open, close) in roles {
        for r in spans {
            let s = r.start.clamp(sent.start, sent.end);
            let e = r.end.clamp(sent.start, sent.end);
            if s < e {
                marks.push((s, 1, open));
                marks.push((e, 0, close));
            }
        }
    }
    marks.sort_by_key(|m| (m.0, m.1));
    let mut s = String::with_capacity(sent.len() + 64);
    let mut pos = sent.start;
    for (at, _, m) in marks {
        s.push_str(text.get(pos..at).unwrap_or(""));
        s.push_str(m);
        pos = at;
    }
    s.push_str(text.get(pos..sent.end).unwrap_or(""));
    // A multi-sentence quote can span lines: keep one paragraph per printed line.
    s.replace('\n', "\n  ")
}

fn write_text(
    out: &mut impl Write,
    path: &Path,
    text: &str,
    claims: &[&Attribution],
    colour: bool,
) -> std::io::Result<()> {
    writeln!(out, "== {} ({} claims)", path.display(), claims.len())?;
    for a in claims {
        if a.speaker == Speaker::Outlet {
            writeln!(out, "{}", text.get(a.sentence.clone()).unwrap_or(""))?;
        } else {
            writeln!(out, "{}", marked(text, a, colour))?;
        }
        let mut line = match &a.speaker {
            Speaker::Named(n) => format!("  speaker: {n}"),
            Speaker::Unknown => "  speaker: (unnamed)".to_string(),
            Speaker::Outlet => "  speaker: (the outlet)".to_string(),
        };
        if a.speaker != Speaker::Outlet {
            line.push_str(&format!(" · cue: {} ({})", a.cue_lemma, a.stance.as_str()));
        } else if a.stance == Stance::Asking {
            line.push_str(" · asked in its own voice");
        } else {
            line.push_str(" · asserted in its own voice");
        }
        if !a.hedges.is_empty() {
            line.push_str(&format!(" · hedges: {}", a.hedges.join(", ")));
        }
        if a.direct {
            line.push_str(" · direct quote");
        }
        writeln!(out, "{line}")?;
        writeln!(out)?;
    }
    Ok(())
}
