//! Timeline speed: claim diff of two versions, `claims conflicts` over a large database, and
//! what relation detection finds while importing synthetic articles.
//!
//! `cargo bench --bench timeline`. Sizes: `CLAIMS_BENCH_ARTICLES` (default 1000) synthetic
//! articles imported with detection; `CLAIMS_BENCH_CLAIMS` (default 100000) claims in the
//! database that `conflicts` runs over. Import throughput against the ledger without
//! detection is `cargo bench --bench ledger` (see docs/performance.md).

use claims::extract::Extractor;
use claims::import::import_paths;
use claims::ingest::Article;
use claims::ledger::Ledger;
use claims::model::{plan_article, Body, Claim, Overrides, Typed};
use claims::relate::diff;
use claims::store::Store;
use claims::timeline::relations;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn article(text: String) -> Article {
    Article {
        text,
        ..Article::default()
    }
}

/// Diff of two versions of a 25-sentence article, in memory, many times.
fn bench_diff() {
    let extractor = Extractor::new().expect("embedded lexicon");
    let a = claims::synth::article(7, 25);
    // The edited version: every third line's numbers and directions changed, one line gone.
    let b: String = a
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 5)
        .map(|(i, l)| {
            if i % 3 == 0 {
                l.replace("two", "three")
                    .replace("half", "a third")
                    .replace("said", "claimed")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let t = Instant::now();
    let pa = plan_article(&article(a), &extractor).expect("plan a");
    let pb = plan_article(&article(b), &extractor).expect("plan b");
    let extract_ms = t.elapsed().as_secs_f64() * 1e3;
    let (ca, cb) = (pa.claim_refs(), pb.claim_refs());
    let rounds = 1000;
    let t = Instant::now();
    let mut d = diff::Diff::default();
    for _ in 0..rounds {
        d = diff::diff(&ca, &cb);
    }
    let diff_ms = t.elapsed().as_secs_f64() * 1e3 / rounds as f64;
    println!(
        "| diff of two versions ({} and {} claims; {} changed, {} added, {} removed) | {:.3} ms (extraction of both: {:.1} ms) |",
        ca.len(),
        cb.len(),
        d.changed.len(),
        d.added.len(),
        d.removed.len(),
        diff_ms,
        extract_ms
    );
}

/// Imports N synthetic articles with detection and reports what was found.
fn bench_import(root: &Path, n: usize) {
    let dir = root.join("articles");
    std::fs::create_dir_all(&dir).expect("dir");
    for i in 0..n {
        std::fs::write(
            dir.join(format!("a{i:06}.txt")),
            claims::synth::article(i as u64, 25),
        )
        .expect("write");
    }
    let mut store = Store::open(&root.join("import.db")).expect("open");
    let t = Instant::now();
    let out = import_paths(
        &mut store,
        &[dir],
        &Overrides::default(),
        &Extractor::new().expect("embedded lexicon"),
        |_, _, _, _| {},
    )
    .expect("import");
    let secs = t.elapsed().as_secs_f64();
    assert!(out.iter().all(|o| o.is_ok()));
    let conn = rusqlite::Connection::open(store.path()).expect("open");
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("count") };
    let claims = count("SELECT count(*) FROM claims");
    let rels = count("SELECT count(*) FROM relations");
    let open = count("SELECT count(*) FROM open_conflicts");
    println!(
        "| import {n} articles with detection | {:.2} s, {:.0} articles/s; {claims} claims, {rels} relations, {open} open conflicts |",
        secs,
        n as f64 / secs
    );
    let t = Instant::now();
    let listed =
        relations::conflicts(&store, &relations::ConflictFilter::default()).expect("conflicts");
    println!(
        "| `claims conflicts` on that database ({} conflicts, most derived from same content) | {:.3} s |",
        listed.len(),
        t.elapsed().as_secs_f64()
    );
    let mut stmt = conn
        .prepare("SELECT basis, count(*) FROM claim_relations GROUP BY basis ORDER BY basis")
        .expect("prepare");
    let by: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    for (basis, c) in by {
        println!("|   relations with basis {basis} | {c} |");
    }
}

/// A database of `n` distinct claims (written directly, no extraction) of which one in fifty
/// restates another district's figure with another number: the ledger relates those pairs as
/// they are stored. Then `claims conflicts` over it.
fn bench_conflicts(root: &Path, n: usize) {
    let path = root.join("conflicts.db");
    let mut store = Store::open(&path).expect("open");
    let doc = claims::model::lineage(None, Some("bench"), None, None);
    let doc = Typed::new(Body::Document(doc)).expect("doc");
    let t = Instant::now();
    {
        let mut ledger = Ledger::begin(&mut store).expect("ledger");
        ledger.put(doc).expect("put");
        for i in 0..n {
            let content = if i % 50 == 1 {
                format!("district {} reported {} injuries", i - 1, i % 7 + 3)
            } else {
                format!("district {i} reported {} injuries", i % 7 + 2)
            };
            let claim = Typed::new(Body::Claim(Claim {
                v: 1,
                speaker: format!("official {}", i % 97),
                cue: "say".into(),
                stance: "neutral".into(),
                hedges: vec![],
                content,
            }))
            .expect("claim");
            ledger.put(claim).expect("put");
        }
        ledger.commit().expect("commit");
    }
    let build_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let rows =
        relations::conflicts(&store, &relations::ConflictFilter::default()).expect("conflicts");
    let all_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let some = relations::conflicts(
        &store,
        &relations::ConflictFilter {
            speaker: Some("official 5".into()),
            ..Default::default()
        },
    )
    .expect("conflicts");
    let speaker_s = t.elapsed().as_secs_f64();
    println!(
        "| `claims conflicts` over {n} claims ({} conflicts) | {:.3} s (built in {:.1} s) |",
        rows.len(),
        all_s,
        build_s
    );
    println!(
        "| `claims conflicts --speaker` over {n} claims ({} conflicts) | {:.3} s |",
        some.len(),
        speaker_s
    );
}

fn main() {
    let root: PathBuf = tempfile::tempdir().expect("tempdir").keep();
    println!("| what | figure |");
    println!("|---|---|");
    bench_diff();
    bench_conflicts(&root, env_usize("CLAIMS_BENCH_CLAIMS", 100_000));
    bench_import(&root, env_usize("CLAIMS_BENCH_ARTICLES", 1000));
    let _ = std::fs::remove_dir_all(&root);
}
