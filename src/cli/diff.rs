//! `claims diff`: which claims were added, removed or changed between two texts.

use super::render::{claim_line, cue, hedged, print_json, short};
use super::{open_existing, Cli, CliResult, Format};
use claims::extract::Extractor;
use claims::model::{ClaimRef, Overrides};
use claims::relate::diff::{self, Change, Field, WordOp};
use claims::timeline::sides::{self, Side, SideSpec};
use std::io::{IsTerminal, Write};

/// Compare the claims of two texts: added (+), removed (-) and changed (~) claims
///
/// A and B may each be a stored version (an id prefix, DOC@N or DOC@latest, where DOC is a
/// document id prefix, URL or key and N counts versions from 1; a URL or key alone is its
/// latest version), an article file that is not
/// imported (extracted in memory; nothing is stored), or a database file (*.db: all its
/// claims). White space, quote and dash styles and case-only edits are not changes.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The first side (before).
    pub a: String,
    /// The second side (after).
    pub b: String,
    /// For article files: the outlet, as `import --source`.
    #[arg(long)]
    pub source: Option<String>,
    /// For article files: the byline, as `import --author`.
    #[arg(long)]
    pub author: Option<String>,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let specs = [sides::parse_spec(&args.a), sides::parse_spec(&args.b)];
    let store = if specs.iter().any(|s| matches!(s, SideSpec::Stored(_))) {
        Some(open_existing(cli)?)
    } else {
        None
    };
    let overrides = Overrides {
        outlet: args.source.clone(),
        author: args.author.clone(),
        ..Overrides::default()
    };
    let (label_a, label_b, d, corrections) = match &specs {
        // Two databases: a merge of both files in id order, memory bounded by what differs.
        [SideSpec::Database(a), SideSpec::Database(b)] => (
            sides::database_label(a),
            sides::database_label(b),
            sides::diff_databases(a, b)?,
            Vec::new(),
        ),
        _ => {
            let extractor = Extractor::new()?;
            let mut sides = Vec::with_capacity(2);
            for spec in &specs {
                let side = match (spec, &store) {
                    (SideSpec::Stored(s), Some(store)) => {
                        let version = sides::resolve_version(store, s)?;
                        sides::load_version(store, &version)?
                    }
                    (SideSpec::Stored(s), None) => {
                        return Err(super::error::fail(format!("{s}: no database open")))
                    }
                    (SideSpec::File(path), _) => sides::load_file(path, &overrides, &extractor)?,
                    (SideSpec::Database(path), _) => sides::load_database(path)?,
                };
                sides.push(side);
            }
            let (a, b): (&Side, &Side) = (&sides[0], &sides[1]);
            let d = diff::diff(&a.claims, &b.claims);
            // The correction notices of B that A does not have.
            let corrections: Vec<String> = b
                .corrections
                .iter()
                .filter(|c| !a.corrections.contains(c))
                .cloned()
                .collect();
            (a.label.clone(), b.label.clone(), d, corrections)
        }
    };
    if cli.format != Format::Text {
        let mut value = serde_json::to_value(&d).map_err(std::io::Error::from)?;
        if let (false, Some(o)) = (corrections.is_empty(), value.as_object_mut()) {
            o.insert("corrections".into(), serde_json::json!(corrections));
        }
        print_json(cli.format, &value)?;
        return Ok(super::exit::OK);
    }
    let mut out = std::io::stdout().lock();
    write_diff(&mut out, &label_a, &label_b, &d, &corrections)?;
    out.flush()?;
    Ok(super::exit::OK)
}

/// Writes a claim diff as `claims diff` shows it: the two labels, `-`, `~` and `+` lines,
/// correction notices, and the counts (also what `claims watch` reports for a new version).
pub(super) fn write_diff(
    out: &mut impl Write,
    before: &str,
    after: &str,
    d: &diff::Diff,
    corrections: &[String],
) -> std::io::Result<()> {
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let paint = Paint { color };
    writeln!(out, "--- {before}")?;
    writeln!(out, "+++ {after}")?;
    for c in &d.removed {
        writeln!(out, "{}", paint.line('-', &claim_line(c)))?;
    }
    for c in &d.changed {
        writeln!(out, "{}", change_line(c, &paint))?;
    }
    for c in &d.added {
        writeln!(out, "{}", paint.line('+', &claim_line(c)))?;
    }
    for c in corrections {
        writeln!(out, "! correction notice: {c}")?;
    }
    writeln!(
        out,
        "{} added, {} removed, {} changed, {} unchanged",
        d.added.len(),
        d.removed.len(),
        d.changed.len(),
        d.unchanged
    )
}

struct Paint {
    color: bool,
}

impl Paint {
    fn line(&self, mark: char, text: &str) -> String {
        match (self.color, mark) {
            (true, '-') => format!("\x1b[31m- {text}\x1b[0m"),
            (true, '+') => format!("\x1b[32m+ {text}\x1b[0m"),
            _ => format!("{mark} {text}"),
        }
    }

    fn removed(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[31;9m{s}\x1b[0m")
        } else {
            format!("[-{s}-]")
        }
    }

    fn added(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[32;1m{s}\x1b[0m")
        } else {
            format!("{{+{s}+}}")
        }
    }

    /// "old → new" with each side marked, or the value alone when unchanged.
    fn either(&self, changed: bool, before: &str, after: &str) -> String {
        if changed {
            format!("{} → {}", self.removed(before), self.added(after))
        } else {
            after.to_string()
        }
    }
}

fn change_line(c: &Change, p: &Paint) -> String {
    let has = |f: Field| c.fields.contains(&f);
    let (b, a) = (&c.before, &c.after);
    let content = if has(Field::Content) {
        diff::word_diff(&b.content, &a.content)
            .into_iter()
            .map(|op| match op {
                WordOp::Same(s) => s,
                WordOp::Removed(s) => p.removed(&s),
                WordOp::Added(s) => p.added(&s),
            })
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        a.content.clone()
    };
    let hedges = if has(Field::Hedges) {
        let show = |c: &ClaimRef| {
            if c.hedges.is_empty() {
                "-".to_string()
            } else {
                c.hedges.join(", ")
            }
        };
        format!(" [hedged: {}]", p.either(true, &show(b), &show(a)))
    } else {
        hedged(&a.hedges)
    };
    format!(
        "~ {} → {}  {} — {} ({}){}: {}",
        short(&b.id.to_hex()),
        short(&a.id.to_hex()),
        p.either(has(Field::Speaker), &b.speaker, &a.speaker),
        p.either(has(Field::Cue), cue(&b.cue), cue(&a.cue)),
        p.either(has(Field::Stance), &b.stance, &a.stance),
        hedges,
        content
    )
}
