//! `claims verify`: check every object and the file.

use super::{open_existing, print_json, Cli, Format};
use std::io::Write;

/// Check every object and the file.
///
/// Every id is recomputed from its body, every body must be canonical, every reference must be
/// stored, and SQLite's integrity check must pass. Exits 1 naming each bad object.
#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(cli: &Cli, _args: &Args) -> anyhow::Result<i32> {
    let store = open_existing(cli)?;
    let report = claims::verify::verify(&store)?;
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
                if report.problems.len() == 1 { "" } else { "s" },
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
