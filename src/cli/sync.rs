//! `claims sync`: two-way merge with another database file or a hub.

use super::render::{dry_run_lines, plural, print_json, progress_bar, shown, Shown};
use super::{Cli, CliResult, Format};
use claims::store::Store;
use claims::sync::peer::{DbPeer, HttpPeer};
use claims::sync::{self, Options, Peer};
use serde::Serialize;
use std::io::Write;

/// Sync this database with another one: afterwards both hold every object either held.
///
/// TARGET is a database file (`other.db`, which must exist) or a hub (`http://HOST:PORT`, see
/// `claims serve`). Every received object is re-hashed before it is stored; an interrupted
/// sync keeps what was complete and the next one carries on. `--format json` prints
/// {"sent", "received", "bytes_sent", "bytes_received", "round_trips"}.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The other database file, or the hub's http://HOST:PORT.
    pub target: String,
    /// The hub's bearer token, needed to push when the hub has one.
    #[arg(long, env = "CLAIMS_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Show what would be sent and received (counts and claims); change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Verify an https:// hub's certificate against the certificates in this PEM file (a
    /// private CA) instead of the web's roots.
    #[arg(long, value_name = "PEM")]
    pub ca: Option<std::path::PathBuf>,
}

#[derive(Serialize)]
struct Summary {
    sent: u64,
    received: u64,
    bytes_sent: u64,
    bytes_received: u64,
    round_trips: u64,
}

#[derive(Serialize)]
struct DryRun {
    sent: u64,
    received: u64,
    bytes_sent: u64,
    bytes_received: u64,
    round_trips: u64,
    would_send: Vec<Shown>,
    would_receive: Vec<Shown>,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let mut peer: Box<dyn Peer> = if args.target.contains("://") {
        Box::new(HttpPeer::with_ca(
            &args.target,
            args.token.clone(),
            args.ca.as_deref(),
        )?)
    } else {
        Box::new(DbPeer::open(&cli.db, std::path::Path::new(&args.target))?)
    };
    let mut store = Store::open(&cli.db)?;
    let bar = progress_bar("objects", true);
    let options = Options {
        dry_run: args.dry_run,
    };
    let report = sync::sync(&mut store, peer.as_mut(), &options, &mut |p| {
        if let Some(bar) = &bar {
            bar.set_message(p.phase);
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let report = report?;
    for r in &report.refused {
        eprintln!("claims: warning: {r}; the other objects were stored");
    }
    if let Some(id) = &report.new_replica_id {
        eprintln!(
            "claims: note: {} shares its replica id with another copy; it is now replica {id}",
            cli.db.display()
        );
    }
    if args.dry_run {
        let sent = report.would_send.len() as u64;
        let received = report.would_receive.len() as u64;
        if cli.format == Format::Text {
            let mut out = std::io::stdout().lock();
            out.write_all(dry_run_lines("send", &report.would_send).as_bytes())?;
            out.write_all(dry_run_lines("receive", &report.would_receive).as_bytes())?;
            out.flush()?;
        } else {
            print_json(
                cli.format,
                &DryRun {
                    sent,
                    received,
                    bytes_sent: report.bytes_sent,
                    bytes_received: report.bytes_received,
                    round_trips: report.round_trips,
                    would_send: report.would_send.iter().map(shown).collect(),
                    would_receive: report.would_receive.iter().map(shown).collect(),
                },
            )?;
        }
        return Ok(super::exit::OK);
    }
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "synced with {} ({}): sent {} objects, received {}; {} bytes sent, {} received, {} round trip{}",
            peer.address(),
            report.mode.as_str(),
            report.sent,
            report.received,
            report.bytes_sent,
            report.bytes_received,
            report.round_trips,
            plural(report.round_trips as usize)
        )?;
        out.flush()?;
    } else {
        print_json(
            cli.format,
            &Summary {
                sent: report.sent,
                received: report.received,
                bytes_sent: report.bytes_sent,
                bytes_received: report.bytes_received,
                round_trips: report.round_trips,
            },
        )?;
    }
    Ok(super::exit::OK)
}
