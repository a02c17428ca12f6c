//! `claims verify`: check every object and the file.

use super::render::{plural, print_json};
use super::{open_existing, Cli, CliResult, Format};
use std::io::Write;

/// Check every object and the file.
///
/// Every id is recomputed from its body, every body must be canonical, every reference must be
/// stored, the index must match the objects (it is rebuilt from them in a transaction that is
/// rolled back, and every row that differs is named), each full-text index must match its
/// table (FTS5 integrity-check), and SQLite's integrity check must pass. Exits 1 naming each
/// bad object.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(cli: &Cli, _args: &Args) -> CliResult {
    let store = open_existing(cli)?;
    let report = claims::store::verify::verify(&store)?;
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        for p in &report.problems {
            if p.id.is_empty() {
                writeln!(out, "{}: {}", cli.db.display(), p.problem)?;
            } else {
                writeln!(out, "object {} (seq {}): {}", p.id, p.seq, p.problem)?;
            }
        }
        if report.ok() {
            writeln!(out, "ok: {} objects verified", report.objects)?;
        } else {
            writeln!(
                out,
                "FAILED: {} problem{} in {} objects",
                report.problems.len(),
                plural(report.problems.len()),
                report.objects
            )?;
        }
    } else {
        print_json(cli.format, &report)?;
    }
    Ok(if report.ok() {
        super::exit::OK
    } else {
        super::exit::FAILED
    })
}
