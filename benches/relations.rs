//! Relations (issues 9 and 16): import throughput of templated wire copy against varied
//! articles, the share of the relation step, and `claims relations` over a large database.
//!
//! `cargo bench --bench relations` (sizes: `CLAIMS_BENCH_SIZES=1000,10000`, the default;
//! `CLAIMS_BENCH_IMPORT_ONLY` set: parts 1 and 2 only):
//!
//! 1. For each size N, imports N generated *templated* articles (20 sentences of the shape
//!    "Officials in Ward 17 said that 312 homes in Ward 17 lost power on day 4 of the storm.",
//!    speaker, verb and numbers varying, one ward per article) and N *varied* articles (the
//!    ledger bench's generator) into fresh databases with `import`, and reports articles per
//!    CPU-second (user + system of the process).
//! 2. Import with relation finding against import without it (issue 9): the articles of the
//!    first size imported again with the relation step turned off
//!    (`claims::ledger::set_relation_step`, bench support), and the throughput of the two on
//!    a quiet two-core machine estimated from their CPU time ([`paced`]). Beside them, the
//!    raw SQLite ceiling of the step's output ([`rows_ceiling`]): the found rows alone
//!    inserted into their table, and the best ratio import could reach if finding them cost
//!    nothing but storing them.
//! 3. The relation step's share of the writes alone: the claims of the templated and varied
//!    articles stored through the ledger with the step timed apart (thread CPU time). It
//!    leaves out extraction and that import plans and writes on two threads at once, so it
//!    is not import's throughput (part 2 is).
//! 4. `claims relations --min-score 0` (the library call behind it) over the largest templated
//!    and varied databases, and its peak memory.

mod common;
use claims::extract::Extractor;
use claims::import::import_paths;
use claims::ledger::Ledger;
use claims::model::{Body, Overrides, Received};
use claims::store::query::relations::each_relation;
use claims::store::Store;
use claims::timeline::relations::RelationFilter;
use common::{peak_memory_mib, remove_database, reset_peak_memory};
use std::io::Write;
use std::path::Path;

/// User + system CPU seconds of the whole process (`/proc/self/stat`, clock ticks of 10 ms).
fn process_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime is the 14th field.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

/// CPU seconds this thread has run (`/proc/thread-self/schedstat`, nanoseconds).
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// One templated wire article: 20 sentences of one shape, one ward.
pub fn templated(article: usize) -> String {
    let mut rng = claims::synth::Rng::new(article as u64 ^ 0x7e3a_11c5);
    let ward = 1 + article % 97;
    let mut out = format!("Power cuts in Ward {ward}, update {article}\n\n");
    for day in 0..20 {
        let speaker = rng.pick(&[
            "Officials",
            "Engineers",
            "Residents",
            "A spokesperson",
            "Utility workers",
        ]);
        let verb = rng.pick(&["said", "reported", "confirmed", "estimated", "warned"]);
        let homes = 50 + rng.below(900);
        out.push_str(&format!(
            "{speaker} in Ward {ward} {verb} that {homes} homes in Ward {ward} lost power on day {} of the storm.\n",
            1 + (day + article) % 9
        ));
    }
    out
}

/// A writer that counts the bytes written to it and keeps none.
#[derive(Debug)]
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn write(dir: &Path, n: usize, f: impl Fn(usize) -> String) {
    std::fs::create_dir_all(dir).expect("bench dir");
    for i in 0..n {
        std::fs::write(dir.join(format!("a{i:06}.txt")), f(i)).expect("write article");
    }
}

struct Imported {
    /// CPU seconds of the whole process and of the writing (calling) thread.
    cpu: f64,
    writer: f64,
    claims: i64,
    found: i64,
}

/// The seconds an import of `cpu` CPU seconds, `writer` of them on the writing thread, takes
/// on a quiet machine of two cores: the writing thread stores in order and sets the pace, the
/// planning thread (extraction) and the rest run beside it on the other core, so the longer
/// of the writing thread's work and half of the whole. (The same estimate as the ledger
/// bench's.)
fn paced(i: &Imported) -> f64 {
    i.writer.max(i.cpu / 2.0)
}

fn import(db: &Path, dir: &Path) -> Imported {
    // Into a fresh database: a rerun into a kept `CLAIMS_BENCH_DIR` would otherwise re-import.
    remove_database(db);
    let mut store = Store::open(db).expect("open");
    let extractor = Extractor::new().expect("embedded lexicon");
    let before = process_cpu();
    let writer = thread_cpu();
    let out = import_paths(
        &mut store,
        &[dir.to_path_buf()],
        &Overrides::default(),
        &extractor,
        |_, _, _, _| {},
    )
    .expect("import");
    let writer = thread_cpu() - writer;
    let cpu = process_cpu() - before;
    assert!(out.iter().all(|o| o.is_ok()));
    let conn = rusqlite::Connection::open(db).expect("open");
    let count = |q: &str| conn.query_row(q, [], |r| r.get(0)).expect("count");
    Imported {
        cpu,
        writer,
        claims: count("SELECT count(*) FROM claims"),
        found: count("SELECT count(*) FROM found_relations"),
    }
}

/// The raw SQLite ceiling of the relation step's output: the `found_relations` rows of `source`
/// inserted, with one prepared statement in one transaction, into a fresh file that holds only
/// that table and its indexes (their DDL read from `source`) and the claim numbers its foreign
/// keys check, on a connection set up as the store's (WAL, `synchronous = NORMAL`, a 16 MiB
/// cache, foreign keys on), in the order the step finds them (by the newer claim). Returns the
/// thread CPU seconds of the inserts and the commit.
fn rows_ceiling(source: &Path, target: &Path) -> f64 {
    type Row = (i64, String, i64, String, String, f64, String, String, i64);
    let from = rusqlite::Connection::open(source).expect("open");
    let ddl: Vec<String> = from
        .prepare(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'found_relations' AND sql IS NOT NULL
             ORDER BY type = 'index'",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("ddl");
    let mut rows: Vec<Row> = from
        .prepare(
            "SELECT a_seq, a_id, b_seq, b_id, kind, score, basis, reason, version_seq
             FROM found_relations",
        )
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                ))
            })?
            .collect()
        })
        .expect("rows");
    rows.sort_by_key(|r| (r.0.max(r.2), r.0.min(r.2)));
    // A fresh file: nothing of an earlier run's, its WAL included.
    remove_database(target);
    let mut to = rusqlite::Connection::open(target).expect("open");
    to.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384;",
    )
    .expect("pragmas");
    // The rows' foreign keys are checked as on the store's connection, against a `claims`
    // table of the source's claim numbers only.
    to.execute_batch("CREATE TABLE claims (seq INTEGER PRIMARY KEY); PRAGMA foreign_keys = ON;")
        .expect("claims");
    let seqs: Vec<i64> = from
        .prepare("SELECT seq FROM claims")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("claims");
    {
        let tx = to.transaction().expect("begin");
        {
            let mut claim = tx
                .prepare("INSERT INTO claims VALUES (?1)")
                .expect("prepare");
            for seq in seqs {
                claim.execute([seq]).expect("claim");
            }
        }
        for sql in &ddl {
            tx.execute_batch(sql).expect("create");
        }
        tx.commit().expect("commit");
    }
    let t0 = thread_cpu();
    let tx = to.transaction().expect("begin");
    {
        let mut insert = tx
            .prepare("INSERT INTO found_relations VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            .expect("prepare");
        for r in &rows {
            insert
                .execute(rusqlite::params![
                    r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8
                ])
                .expect("insert");
        }
    }
    tx.commit().expect("commit");
    thread_cpu() - t0
}

/// The objects of `n` articles as batches (one per article), read back from a database.
fn batches(db: &Path) -> Vec<Vec<Received>> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT o.id, o.type, o.body, coalesce(
                 (SELECT v.document_seq FROM mentions m JOIN versions v ON v.seq = m.version_seq
                  WHERE m.claim_seq = o.seq LIMIT 1),
                 (SELECT v.document_seq FROM versions v WHERE v.seq = o.seq),
                 (SELECT seq FROM documents d WHERE d.seq = o.seq),
                 (SELECT v.document_seq FROM mentions m JOIN versions v ON v.seq = m.version_seq
                  WHERE m.seq = o.seq))
             FROM objects o ORDER BY o.seq",
        )
        .expect("prepare");
    let mut out: Vec<Vec<Received>> = Vec::new();
    let mut last = None;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
            ))
        })
        .expect("query");
    for row in rows {
        let (id, kind, body, doc) = row.expect("row");
        let object = claims::objects::Object {
            id: claims::objects::ObjectId::parse(&id).expect("id"),
            kind,
            body,
        };
        if doc != last || out.is_empty() {
            out.push(Vec::new());
            last = doc;
        }
        let received = Received::from(object);
        if matches!(received.body, Some(Body::Relation(_))) {
            continue;
        }
        if let Some(b) = out.last_mut() {
            b.push(received);
        }
    }
    out
}

/// Stores the batches through the ledger (one transaction per 256 articles, the relation step
/// after each, as import does), the step timed apart: (store CPU, step CPU, what it did).
fn step_share(db: &Path, batches: Vec<Vec<Received>>) -> (f64, f64, claims::ledger::Derived) {
    let mut store = Store::open(db).expect("open");
    let (mut writes, mut step) = (0.0, 0.0);
    let mut stats = claims::ledger::Derived::default();
    // As import does: one transaction for many articles, the step after each article.
    for chunk in batches.chunks(256) {
        let t0 = thread_cpu();
        let mut ledger = Ledger::begin(&mut store).expect("ledger");
        writes += thread_cpu() - t0;
        for batch in chunk {
            let t1 = thread_cpu();
            for object in batch {
                ledger.put(object.clone()).expect("put");
            }
            let t2 = thread_cpu();
            stats.add(&ledger.derive().expect("derive"));
            let t3 = thread_cpu();
            writes += t2 - t1;
            step += t3 - t2;
        }
        let t4 = thread_cpu();
        ledger.commit().expect("commit");
        writes += thread_cpu() - t4;
    }
    (writes, step, stats)
}

fn main() {
    let sizes: Vec<usize> = std::env::var("CLAIMS_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    // `CLAIMS_BENCH_DIR`: the databases are made there and kept; with `CLAIMS_BENCH_LIST_ONLY`
    // set, parts 1 to 3 are skipped and part 4 reads the databases a run left there.
    let temp = tempfile::tempdir().expect("tempdir");
    let kept = std::env::var_os("CLAIMS_BENCH_DIR").map(std::path::PathBuf::from);
    let root: &Path = kept.as_deref().unwrap_or(temp.path());
    if std::env::var_os("CLAIMS_BENCH_LIST_ONLY").is_some() {
        let n = sizes.iter().max().copied().unwrap_or(0);
        list(
            ["templated", "varied"]
                .into_iter()
                .map(|k| (k, root.join(format!("{k}{n}.db"))))
                .collect(),
        );
        return;
    }
    println!("| articles | kind | claims | found relations | import CPU s | articles per CPU-s |");
    println!("|---|---|---|---|---|---|");
    let mut per_cpu: Vec<(usize, &str, f64)> = Vec::new();
    // The imports of the first size, for part 2.
    let mut first: Vec<(&str, Imported)> = Vec::new();
    let mut largest: Vec<(&str, std::path::PathBuf)> = Vec::new();
    for &n in &sizes {
        for (kind, f) in [
            ("templated", templated as fn(usize) -> String),
            ("varied", |i| claims::synth::article(i as u64, 25)),
        ] {
            let dir = root.join(format!("{kind}{n}"));
            write(&dir, n, f);
            let db = root.join(format!("{kind}{n}.db"));
            let r = import(&db, &dir);
            let rate = n as f64 / r.cpu;
            per_cpu.push((n, kind, r.cpu));
            println!(
                "| {n} | {kind} | {} | {} | {:.2} | {:.0} |",
                r.claims, r.found, r.cpu, rate
            );
            if n == sizes[0] {
                first.push((kind, r));
            }
            largest.retain(|(k, _)| *k != kind);
            largest.push((kind, db));
        }
    }
    if sizes.len() >= 2 {
        let (small, big) = (sizes[0], sizes[sizes.len() - 1]);
        for kind in ["templated", "varied"] {
            let cpu = |n| {
                per_cpu
                    .iter()
                    .find(|p| p.0 == n && p.1 == kind)
                    .map_or(f64::NAN, |p| p.2)
            };
            println!(
                "\n{kind}: {}x the articles cost {:.2}x the CPU",
                big / small,
                cpu(big) / cpu(small)
            );
        }
    }
    // Part 2: the first size again, without the relation step.
    println!("\n| articles | kind | import CPU s with / without the relation step | writing thread CPU s with / without | paced s with / without | import with / without relation finding (paced) | found rows alone: raw SQLite ceiling CPU s | best with / without if finding cost only its rows |");
    println!("|---|---|---|---|---|---|---|---|");
    for kind in ["templated", "varied"] {
        let n = sizes[0];
        let dir = root.join(format!("{kind}{n}"));
        // Part 1's import (the first of these claims in this process: the relation step's
        // memo of facts, `derive::Memo`, knows none of them).
        let Some(with) = first.iter().find(|i| i.0 == kind).map(|i| &i.1) else {
            continue;
        };
        claims::ledger::set_relation_step(false);
        let without = import(&root.join(format!("{kind}{n}-without.db")), &dir);
        claims::ledger::set_relation_step(true);
        assert_eq!((with.claims, without.found), (without.claims, 0));
        let rows = rows_ceiling(
            &root.join(format!("{kind}{n}.db")),
            &root.join(format!("{kind}{n}-rows.db")),
        );
        // The step at its floor: the writing thread stores the rows and does nothing else.
        let floor = Imported {
            cpu: without.cpu + rows,
            writer: without.writer + rows,
            claims: without.claims,
            found: with.found,
        };
        println!(
            "| {n} | {kind} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} | {rows:.2} | {:.2} |",
            with.cpu,
            without.cpu,
            with.writer,
            without.writer,
            paced(with),
            paced(&without),
            paced(&without) / paced(with),
            paced(&without) / paced(&floor)
        );
    }
    // `CLAIMS_BENCH_IMPORT_ONLY`: parts 1 and 2 only (what a profile of import runs).
    if std::env::var_os("CLAIMS_BENCH_IMPORT_ONLY").is_some() {
        return;
    }
    println!("\n| batches of | writes CPU s | relation step CPU s | writes / (writes + step) | new claims | keys looked up | index rows read | pairs judged | rows written |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for kind in ["templated", "varied"] {
        let n = sizes[0];
        let source = root.join(format!("{kind}{n}.db"));
        let db = root.join(format!("{kind}{n}-ledger.db"));
        let (writes, step, d) = step_share(&db, batches(&source));
        let count = |p: &Path| -> i64 {
            rusqlite::Connection::open(p)
                .expect("open")
                .query_row("SELECT count(*) FROM found_relations", [], |r| r.get(0))
                .expect("count")
        };
        assert_eq!(
            count(&db),
            count(&source),
            "the same rows, batch by batch or file by file"
        );
        eprintln!("{kind}: {} rows removed", d.removed);
        println!(
            "| {n} {kind} articles | {writes:.2} | {step:.2} | {:.2} | {} | {} | {} | {} | {} |",
            writes / (writes + step),
            d.claims,
            d.keys,
            d.rows_read,
            d.pairs_judged,
            d.count()
        );
    }
    list(largest);
}

/// Part 4: `claims relations --min-score 0` over each database.
fn list(dbs: Vec<(&str, std::path::PathBuf)>) {
    for (kind, db) in dbs {
        let store = Store::open(&db).expect("open");
        let conn = rusqlite::Connection::open(&db).expect("open");
        let claims: i64 = conn
            .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))
            .expect("count");
        reset_peak_memory();
        let before = process_cpu();
        let all = RelationFilter::default();
        // Each row written into a buffer as it is read, as the command does, and counted
        // (compact JSON, as earlier figures were; the command indents it).
        let mut json = std::io::BufWriter::new(Counted(0));
        let (mut listed, mut total, mut seen) = (0, 0, 0);
        json.write_all(b"[").expect("json");
        // `CLAIMS_BENCH_COLLECTED`: the list as it was read before it streamed (collected and
        // sorted in memory, `relations_collected`), for a comparison in one build.
        let collected = std::env::var_os("CLAIMS_BENCH_COLLECTED").is_some();
        let rows = if collected {
            claims::store::query::relations::relations_collected(&store, &all).expect("rows")
        } else {
            Vec::new()
        };
        let mut write = |r: claims::timeline::relations::RelationRow| {
            listed += r.a.documents.len() + r.b.documents.len();
            total += r.a.documents_total + r.b.documents_total;
            if seen > 0 {
                json.write_all(b",").expect("json");
            }
            seen += 1;
            serde_json::to_writer(&mut json, &r).expect("json");
            Ok::<(), claims::store::StoreError>(())
        };
        let n = if collected {
            let n = rows.len();
            for r in rows {
                write(r).expect("write");
            }
            n
        } else {
            each_relation(&store, &all, &mut write).expect("relations")
        };
        json.write_all(b"]").expect("json");
        let json = json.into_inner().expect("flush");
        let cpu = process_cpu() - before;
        let how = if collected { "collected" } else { "streamed" };
        println!(
            "\n`claims relations --min-score 0 --format json` ({how}) over {claims} claims ({kind}): {} relations, {} bytes, {listed} of {total} document keys listed, {cpu:.2} CPU s, peak {:.0} MiB",
            n,
            json.0,
            peak_memory_mib()
        );
    }
}
