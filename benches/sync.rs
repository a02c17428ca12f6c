//! Sync costs on loopback HTTP, in one run.
//!
//! `cargo bench --bench sync` builds a database of N objects (synthetic articles: a document,
//! a version of about 25 sentences, and claims with their mentions, 6 objects per article),
//! gives a second database the same objects (a real sync into an empty file: the throughput
//! figure), then adds 1% new objects on one side and syncs again through a hub on 127.0.0.1,
//! reporting bytes on the wire against the new objects' canonical size, and the time. It also
//! measures an in-sync check and, for comparison, the same difference found by full
//! reconciliation (no cursors).
//!
//! Size: `CLAIMS_BENCH_SYNC_N=100000` (the default).

use claims::ledger::Ledger;
use claims::objects::Object;
use claims::store::Store;
use claims::sync::peer::HttpPeer;
use claims::sync::server::{ServeOptions, Server};
use claims::sync::{self, Options, Report};
use std::net::TcpListener;
use std::path::Path;
use std::time::Instant;

fn article(seed: u64) -> Vec<Object> {
    claims::synth::article_objects(seed, 25).expect("synthetic objects")
}

fn fill(store: &mut Store, seeds: std::ops::Range<u64>) -> u64 {
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

fn hub_sync(local: &Path, hub: &Path) -> (Report, f64) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = Server::from_listener(listener).expect("server");
    let running = server
        .spawn(Store::open(hub).expect("hub"), ServeOptions::default())
        .expect("spawn");
    let mut store = Store::open(local).expect("local");
    let mut peer = HttpPeer::new(running.url(), None).expect("peer");
    let t = Instant::now();
    let report = sync::sync(&mut store, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
    let secs = t.elapsed().as_secs_f64();
    running.stop();
    (report, secs)
}

fn row(what: &str, r: &Report, secs: f64, extra: &str) {
    println!(
        "| {what} | {} | {} | {} | {} | {} | {:.3} | {extra} |",
        r.mode.as_str(),
        r.sent + r.received,
        r.bytes_sent + r.bytes_received,
        r.round_trips,
        r.bytes_sent,
        secs
    );
}

fn main() {
    let n: u64 = std::env::var("CLAIMS_BENCH_SYNC_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let articles = n / 6;
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.db");
    let b = dir.path().join("b.db");
    let c = dir.path().join("c.db");
    let t = Instant::now();
    let mut sa = Store::open(&a).expect("a");
    let base_bytes = fill(&mut sa, 0..articles);
    let objects = sa.object_count().expect("count");
    drop(sa);
    eprintln!(
        "built {objects} objects ({:.1} MB canonical) in {:.1}s",
        base_bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    println!("| sync over loopback HTTP | mode | objects moved | bytes on the wire | round trips | bytes sent | seconds | note |");
    println!("|---|---|---|---|---|---|---|---|");

    // 1. Everything into an empty database.
    let (r, secs) = hub_sync(&b, &a);
    row(
        &format!("{objects} objects into an empty database"),
        &r,
        secs,
        &format!("{:.0} objects/s", r.received as f64 / secs),
    );

    // 1b. The ceiling: the same objects stored through the ledger (the path of every write),
    // in batches of 5,000 per transaction, on one thread: no network, no re-hashing.
    let all: Vec<Object> = (0..articles).flat_map(article).collect();
    {
        let path = dir.path().join("ceiling.db");
        let mut st = Store::open(&path).expect("ceiling");
        // The same connection settings a sync uses.
        st.tune_for_sync(true).expect("tune");
        let t = Instant::now();
        for chunk in all.chunks(5000) {
            let mut ledger = Ledger::begin(&mut st).expect("ledger");
            ledger
                .add(chunk.iter().cloned().map(Into::into).collect())
                .expect("add");
            ledger.commit().expect("commit");
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "| ledger ceiling: {} objects, no network | - | {} | 0 | 0 | 0 | {secs:.3} | {:.0} objects/s |",
            all.len(),
            all.len(),
            all.len() as f64 / secs
        );
    }
    drop(all);

    // 2. Already in sync.
    let (r, secs) = hub_sync(&b, &a);
    row("already in sync", &r, secs, "");

    // 3. 1% new objects on the client side, pushed to the hub.
    let new_articles = (n / 100) / 6 + 1;
    let mut sb = Store::open(&b).expect("b");
    let new_bytes = fill(&mut sb, 1_000_000..1_000_000 + new_articles);
    let new_objects = new_articles * 6;
    drop(sb);
    // Keep a copy with a fresh replica id for the full-reconciliation comparison.
    {
        let sb = Store::open(&b).expect("b");
        sb.checkpoint_truncate().expect("checkpoint");
    }
    std::fs::copy(&b, &c).expect("copy");
    let c_bytes = {
        let mut sc = Store::open(&c).expect("c");
        sc.replica().regenerate_id().expect("new id");
        rusqlite::Connection::open(&c)
            .expect("c")
            .execute_batch("DELETE FROM sync_cursors")
            .expect("no cursors");
        fill(&mut sc, 3_000_000..3_000_000 + new_articles)
    };
    let (r, secs) = hub_sync(&b, &a);
    let limit = 1.5 * new_bytes as f64 + 4096.0;
    row(
        &format!("{new_objects} new objects ({new_bytes} canonical bytes) on one side"),
        &r,
        secs,
        &format!(
            "wire/canonical = {:.3}; limit 1.5x+4KB = {:.0} bytes",
            (r.bytes_sent + r.bytes_received) as f64 / new_bytes as f64,
            limit
        ),
    );

    // 4. 1% new objects on the hub side, pulled.
    let mut sa = Store::open(&a).expect("a");
    let pulled_bytes = fill(&mut sa, 2_000_000..2_000_000 + new_articles);
    drop(sa);
    let (r, secs) = hub_sync(&b, &a);
    row(
        &format!("{new_objects} new objects ({pulled_bytes} canonical bytes) on the hub"),
        &r,
        secs,
        &format!(
            "wire/canonical = {:.3}",
            (r.bytes_sent + r.bytes_received) as f64 / pulled_bytes as f64
        ),
    );

    // 5. A copy without cursors, 1% new on each side: full reconciliation.
    let (r, secs) = hub_sync(&c, &a);
    row(
        &format!("{new_objects} new on each side, no cursors"),
        &r,
        secs,
        &format!(
            "wire/canonical = {:.3}",
            (r.bytes_sent + r.bytes_received) as f64 / (c_bytes + pulled_bytes) as f64
        ),
    );
}
