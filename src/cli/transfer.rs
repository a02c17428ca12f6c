//! Shared by `sync` and `bundle`: objects shown for people in a dry run, and a progress bar.

use claims::model::Body;
use claims::objects::Object;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::io::IsTerminal;

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
        Some(Body::Claim(c)) => {
            let cue = if c.cue.is_empty() {
                "asserts".to_string()
            } else {
                c.cue.clone()
            };
            let hedged = if c.hedges.is_empty() {
                String::new()
            } else {
                format!(" [hedged: {}]", c.hedges.join(", "))
            };
            Some(format!(
                "{} — {} ({}){}: {}",
                c.speaker, cue, c.stance, hedged, c.content
            ))
        }
        _ => None,
    };
    Shown {
        id: o.id.to_hex(),
        kind: o.kind.clone(),
        claim,
    }
}

/// Counts by type, e.g. "3 documents, 3 versions, 12 claims", for a summary line.
pub fn by_type(objects: &[Object]) -> String {
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
            s.push_str(&format!("  {}  {claim}\n", super::short(&o.id.to_hex())));
        }
    }
    s
}

/// A progress bar on stderr, only when stderr is a terminal.
pub fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {pos}/{len} objects {wide_bar} {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}
