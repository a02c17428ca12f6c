//! A hub on PostgreSQL at scale, in one run (issue 12).
//!
//! `cargo bench --bench hub` creates a PostgreSQL database of its own, fills a seed SQLite file
//! with N objects (synthetic articles, 6 objects each) and pushes it into the empty hub over
//! loopback HTTP (objects/s into an empty hub), pulls the hub into an empty file (objects/s
//! into an empty database), then:
//!
//! - a `cp` copy of the seed and the hub each gain D new articles of their own (scattered over
//!   the id space, as ids are hashes): the copy syncs by full reconciliation (it has no cursor
//!   for the hub) in protocol 2, as the release before did, and the bench reports bytes, round
//!   trips and the overhead per differing object beyond its canonical bytes;
//! - the same in protocol 3: a `cp` copy of that copy, and the copy itself, each gain D
//!   articles; the copy syncs first, then the copy of it is detected as a copy and reconciles
//!   fully;
//! - clustered differences: the same again with K small objects on each side, of a type this
//!   release does not know, whose ids all start with `00` (one 256th of the id space);
//! - an in-sync check (one hello) after it;
//! - 20 clients sending in-sync hellos at once: requests/s.
//!
//! Sizes: `CLAIMS_BENCH_HUB_N` objects (1,000,000 by default), `CLAIMS_BENCH_HUB_D` new
//! articles on each side (50), `CLAIMS_BENCH_HUB_K` clustered objects on each side (300; a
//! transaction takes at most 1,000 objects of unknown types). PostgreSQL: `CLAIMS_TEST_PG`
//! (default `host=127.0.0.1 port=5432 user=postgres dbname=test`); the bench's database is
//! dropped at the end, and those of earlier runs that were killed are dropped at the start.

use claims::ledger::Ledger;
use claims::objects::Object;
use claims::store::postgres::PgStore;
use claims::store::Store;
use claims::sync::hub::Hub;
use claims::sync::peer::HttpPeer;
use claims::sync::server::{Running, ServeOptions, Server};
use claims::sync::wire::{self, Request};
use claims::sync::{self, Options, Peer, Report};
use std::net::TcpListener;
use std::path::Path;
use std::time::Instant;

fn article(seed: u64) -> Vec<Object> {
    claims::synth::article_objects(seed, 25).expect("synthetic objects")
}

fn fill(store: &mut Store, seeds: impl Iterator<Item = u64>) -> u64 {
    let mut bytes = 0;
    let seeds: Vec<u64> = seeds.collect();
    for chunk in seeds.chunks(1000) {
        let mut ledger = Ledger::begin(store).expect("ledger");
        for &seed in chunk {
            for o in article(seed) {
                bytes += o.body.len() as u64;
                ledger.put(o).expect("put");
            }
        }
        ledger.commit().expect("commit");
    }
    bytes
}

/// K small objects of a type this release does not know, all with ids starting with `00`.
fn clustered(store: &mut Store, side: &str, k: u64) -> u64 {
    let mut ledger = Ledger::begin(store).expect("ledger");
    let (mut bytes, mut found, mut n) = (0, 0, 0u64);
    while found < k {
        n += 1;
        let o = Object::from_value(
            &serde_json::json!({"type": "bench-note", "v": 1, "side": side, "n": n}),
        )
        .expect("object");
        if o.id.as_bytes()[0] != 0 {
            continue;
        }
        bytes += o.body.len() as u64;
        found += 1;
        ledger.put(o).expect("put");
    }
    ledger.commit().expect("commit");
    bytes
}

fn admin_url() -> String {
    std::env::var("CLAIMS_TEST_PG")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".into())
}

/// The bench's own PostgreSQL database, dropped when this is.
struct BenchDb {
    url: String,
    name: String,
}

impl BenchDb {
    fn new() -> BenchDb {
        let name = format!("claims_bench_hub_{}", std::process::id());
        let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls)
            .expect("PostgreSQL answers (set CLAIMS_TEST_PG)");
        // Databases of earlier runs whose process is gone (killed before its drop ran).
        let stale = admin
            .query(
                "SELECT datname FROM pg_database WHERE datname LIKE 'claims_bench_hub_%'",
                &[],
            )
            .expect("list databases");
        for row in stale {
            let old: String = row.get(0);
            let pid = old.trim_start_matches("claims_bench_hub_");
            if !Path::new("/proc").join(pid).exists() {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)"));
            }
        }
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the bench database");
        let url = format!("{} dbname={name}", admin_url().replace("dbname=test", ""));
        BenchDb { url, name }
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&admin_url(), postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn start(url: &str) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = Server::from_listener(listener).expect("server");
    let options = ServeOptions::default();
    let first = Hub::new(PgStore::connect(url).expect("pg"), options.limits).expect("hub");
    let mut hubs = Vec::new();
    for _ in 1..8 {
        hubs.push(
            first
                .sibling(PgStore::connect(url).expect("pg"))
                .expect("hub"),
        );
    }
    hubs.push(first);
    server.start(hubs, options, |_| {}).expect("start")
}

fn sync_with(local: &Path, url: &str) -> (Report, f64) {
    let mut store = Store::open(local).expect("local");
    let mut peer = HttpPeer::new(url, None).expect("peer");
    let t = Instant::now();
    let report = sync::sync(&mut store, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
    (report, t.elapsed().as_secs_f64())
}

/// A hub of the release before: it refuses a hello in protocol 3 (400), so the client speaks
/// `max` (2) with it.
struct Older {
    inner: HttpPeer,
    max: u32,
}

impl Peer for Older {
    fn exchange(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), claims::sync::SyncError> {
        let newer = (self.max + 1..=wire::PROTOCOL)
            .any(|p| frame.starts_with(format!("{{\"op\":\"hello\",\"protocol\":{p},").as_bytes()));
        if newer {
            let error = wire::encode(
                &wire::Reply::Error {
                    status: 400,
                    error: "protocol".into(),
                },
                &[],
            );
            return Ok((400, error));
        }
        self.inner.exchange(frame)
    }

    fn address(&self) -> String {
        self.inner.address()
    }
}

fn sync_as(local: &Path, url: &str, max: u32) -> (Report, f64) {
    let mut store = Store::open(local).expect("local");
    let mut peer = Older {
        inner: HttpPeer::new(url, None).expect("peer"),
        max,
    };
    let t = Instant::now();
    let report = sync::sync(&mut store, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
    (report, t.elapsed().as_secs_f64())
}

fn row(what: &str, r: &Report, secs: f64, extra: &str) {
    println!(
        "| {what} | {} | {} | {} | {} | {:.3} | {extra} |",
        r.mode.as_str(),
        r.sent + r.received,
        r.bytes_sent + r.bytes_received,
        r.round_trips,
        secs
    );
}

/// A full reconciliation's row: bytes beyond the canonical bytes of what moved, per object.
fn full_row(what: &str, r: &Report, secs: f64, canonical: u64) {
    let differing = r.sent + r.received;
    // Each body travels with its newline.
    let overhead = (r.bytes_sent + r.bytes_received).saturating_sub(canonical + differing);
    row(
        what,
        r,
        secs,
        &format!(
            "{canonical} canonical bytes; {:.1} bytes of overhead per differing object",
            overhead as f64 / differing.max(1) as f64
        ),
    );
}

fn main() {
    let env = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let n = env("CLAIMS_BENCH_HUB_N", 1_000_000);
    let d = env("CLAIMS_BENCH_HUB_D", 50);
    let articles = (n / 6).max(1);
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = dir.path().join("seed.db");
    let t = Instant::now();
    fill(&mut Store::open(&seed).expect("seed"), 0..articles);
    eprintln!(
        "seed: {} objects in {:.1} s",
        articles * 6,
        t.elapsed().as_secs_f64()
    );
    // A `cp` copy taken before the seed ever synced: it has no cursor for the hub.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&seed, &copy).expect("cp");
    let pg = BenchDb::new();
    let running = start(&pg.url);
    let url = running.url().to_string();
    println!("| step | mode | objects moved | bytes | round trips | seconds | note |");
    println!("|---|---|---|---|---|---|---|");
    let (r, secs) = sync_with(&seed, &url);
    row(
        "push the seed into the empty hub",
        &r,
        secs,
        &format!("{:.0} objects/s", r.sent as f64 / secs),
    );
    let empty = dir.path().join("empty.db");
    let (r, secs) = sync_with(&empty, &url);
    row(
        "pull the hub into an empty file",
        &r,
        secs,
        &format!("{:.0} objects/s", r.received as f64 / secs),
    );
    // Scattered, protocol 2 (as a client of the release before speaks it): a copy of the seed
    // and the hub each gain D articles of their own.
    let mut canonical = fill(
        &mut Store::open(&copy).expect("copy"),
        1_000_000_000..1_000_000_000 + d,
    );
    // Another client of the hub: a copy of the file that pulled it, which holds cursors for it
    // (a new file with only D articles would reconcile a difference the size of the hub).
    let other = dir.path().join("other.db");
    std::fs::copy(&empty, &other).expect("cp");
    canonical += fill(
        &mut Store::open(&other).expect("other"),
        2_000_000_000..2_000_000_000 + d,
    );
    sync_with(&other, &url);
    let (r, secs) = sync_as(&copy, &url, 2);
    full_row(
        "protocol 2: a cp copy and the hub, each with D new articles (scattered)",
        &r,
        secs,
        canonical,
    );
    // Scattered, protocol 3: a copy of the copy, and the copy (which syncs first), each gain
    // D articles; the copy of the copy is then found to be a copy and reconciles fully.
    let copy2 = dir.path().join("copy2.db");
    std::fs::copy(&copy, &copy2).expect("cp");
    let mut canonical = fill(
        &mut Store::open(&copy).expect("copy"),
        3_000_000_000..3_000_000_000 + d,
    );
    canonical += fill(
        &mut Store::open(&copy2).expect("copy2"),
        4_000_000_000..4_000_000_000 + d,
    );
    sync_with(&copy, &url);
    let (r, secs) = sync_with(&copy2, &url);
    full_row(
        "a cp copy and the hub, each with D new articles (scattered)",
        &r,
        secs,
        canonical,
    );
    // Clustered, protocol 3: the same with K objects each whose ids all start with `00`.
    let copy3 = dir.path().join("copy3.db");
    std::fs::copy(&copy2, &copy3).expect("cp");
    let k = env("CLAIMS_BENCH_HUB_K", 300);
    let mut canonical = clustered(&mut Store::open(&copy2).expect("copy2"), "a", k);
    canonical += clustered(&mut Store::open(&copy3).expect("copy3"), "b", k);
    sync_with(&copy2, &url);
    let (r, secs) = sync_with(&copy3, &url);
    full_row(
        "a cp copy and the hub, each with K objects under id prefix 00 (clustered)",
        &r,
        secs,
        canonical,
    );
    let (r, secs) = sync_with(&copy3, &url);
    row("in-sync check", &r, secs, "");
    // 20 clients sending in-sync hellos at once.
    let per_client = env("CLAIMS_BENCH_HUB_HELLOS", 200);
    let t = Instant::now();
    std::thread::scope(|scope| {
        for c in 0..20 {
            let url = url.clone();
            scope.spawn(move || {
                let mut peer = HttpPeer::new(&url, None).expect("peer");
                let frame = wire::encode(
                    &Request::Hello {
                        protocol: wire::PROTOCOL,
                        replica: format!("0192f1c4-0000-7000-8000-{c:012}"),
                    },
                    &[],
                );
                for _ in 0..per_client {
                    let (status, _) = peer.exchange(frame.clone()).expect("hello");
                    assert_eq!(status, 200);
                }
            });
        }
    });
    let secs = t.elapsed().as_secs_f64();
    println!(
        "| 20 clients, {per_client} in-sync hellos each | in-sync | 0 | - | {} | {secs:.3} | {:.0} requests/s |",
        20 * per_client,
        (20 * per_client) as f64 / secs
    );
    running.stop();
}
