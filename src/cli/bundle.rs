//! `claims bundle`: write and apply bundle files.

use super::render::{dry_run_lines, print_json, shown, Shown};
use super::{Cli, CliResult, Format};
use claims::store::Store;
use claims::sync::bundle;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Carry objects between databases as a file (docs/bundle-format.md).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: BundleCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum BundleCommand {
    Create(CreateArgs),
    Apply(ApplyArgs),
}

/// Write every object of this database (or those that arrived since a date) to FILE.
///
/// The file is written atomically: a temporary file in the same folder, then a rename.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    pub file: PathBuf,
    /// Only objects that arrived here (imported or received) at or after this time
    /// (YYYY-MM-DD or RFC 3339, UTC). Its objects may refer to older ones the receiver
    /// must already hold.
    #[arg(long)]
    pub since: Option<String>,
}

/// Apply a bundle: every id and the checksum are checked before anything is written, then all
/// objects are stored in one transaction. A truncated, corrupt or tampered bundle is refused
/// and the database is unchanged. Applying twice adds nothing.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    pub file: PathBuf,
    /// Check the bundle and show what is new (counts and claims); change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Serialize)]
struct CreatedJson {
    objects: u64,
    bytes: u64,
}

#[derive(Serialize)]
struct AppliedJson {
    objects: u64,
    new: u64,
    bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    would_receive: Option<Vec<Shown>>,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    match &args.command {
        BundleCommand::Create(a) => create(cli, a),
        BundleCommand::Apply(a) => apply(cli, a),
    }
}

fn create(cli: &Cli, args: &CreateArgs) -> CliResult {
    let store = super::open_existing(cli)?;
    let created = bundle::create(&store, &args.file, args.since.as_deref())?;
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "wrote {} objects to {} ({} bytes)",
            created.objects,
            args.file.display(),
            created.bytes
        )?;
        out.flush()?;
    } else {
        print_json(
            cli.format,
            &CreatedJson {
                objects: created.objects,
                bytes: created.bytes,
            },
        )?;
    }
    Ok(super::exit::OK)
}

fn apply(cli: &Cli, args: &ApplyArgs) -> CliResult {
    let mut store = Store::open(&cli.db)?;
    let (applied, fresh) = bundle::apply(&mut store, &args.file, args.dry_run)?;
    for r in &applied.refused {
        eprintln!("claims: warning: {r}; the other objects were stored");
    }
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        if args.dry_run {
            writeln!(
                out,
                "{}: {} objects, all verified",
                args.file.display(),
                applied.objects
            )?;
            out.write_all(dry_run_lines("receive", &fresh).as_bytes())?;
        } else {
            writeln!(
                out,
                "applied {}: {} objects, {} new",
                args.file.display(),
                applied.objects,
                applied.new
            )?;
        }
        out.flush()?;
    } else {
        print_json(
            cli.format,
            &AppliedJson {
                objects: applied.objects,
                new: applied.new,
                bytes: applied.bytes,
                would_receive: args.dry_run.then(|| fresh.iter().map(shown).collect()),
            },
        )?;
    }
    Ok(super::exit::OK)
}
