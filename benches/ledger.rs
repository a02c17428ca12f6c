//! Import throughput against the raw SQLite ceiling, in one run.
//!
//! `cargo bench --bench ledger` generates N deterministic synthetic articles (about 25
//! sentences each) as files, imports them into a fresh database, imports them again, and then
//! inserts the same objects with plain rusqlite in one transaction into a table of the same
//! shape as `objects`, the ceiling for storing those rows at all. Peak memory (VmHWM) is reset
//! before each import, so each figure is that stage's own peak. CPU time is read from `/proc`
//! for each stage too (the whole process, and the writing thread, which is the calling one),
//! since on a shared machine wall time mostly says how long the run waited for a core; the
//! ceiling's CPU time is compared with the writing thread's.
//!
//! Sizes: `CLAIMS_BENCH_SIZES=1000,20000` (the default).
//!
//! Each size is then imported again with the relation step turned off
//! (`claims::ledger::set_relation_step`, bench support), and a second table compares the two
//! imports: import with relation finding against the throughput without it (issue 9), see
//! [`paced`].

mod common;
use claims::extract::Extractor;
use claims::import::import_streaming;
use claims::ingest::WalkOptions;
use claims::model::Overrides;
use claims::store::Store;
use common::{cpu_seconds, peak_memory_mib, reset_peak_memory};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn write_articles(dir: &Path, n: usize) -> u64 {
    std::fs::create_dir_all(dir).expect("bench dir");
    let mut bytes = 0;
    for i in 0..n {
        let text = claims::synth::article(i as u64, 25);
        bytes += text.len() as u64;
        std::fs::write(dir.join(format!("a{i:06}.txt")), text).expect("write article");
    }
    bytes
}

struct Row {
    n: usize,
    mb: f64,
    objects: i64,
    import_s: f64,
    reimport_s: f64,
    raw_s: f64,
    peak_mib: f64,
    reimport_peak_mib: f64,
    /// CPU seconds of the import: the whole process, and the writing (calling) thread.
    import_cpu: f64,
    writer_cpu: f64,
    raw_cpu: f64,
}

fn run(root: &Path, n: usize) -> Row {
    let dir = root.join(format!("n{n}"));
    let bytes = write_articles(&dir, n);
    let db = root.join(format!("n{n}.db"));
    let mut store = Store::open(&db).expect("open");
    let extractor = Extractor::new().expect("embedded lexicon");
    let inputs = vec![dir.clone()];

    reset_peak_memory();
    let cpu = cpu_seconds();
    let t = Instant::now();
    // The streaming import of `claims import`: outcomes counted, not kept.
    let out = import_streaming(
        &mut store,
        &inputs,
        WalkOptions::default(),
        &Overrides::default(),
        &extractor,
        |_, _, _, _| {},
    )
    .expect("import");
    let import_s = t.elapsed().as_secs_f64();
    let (import_cpu, writer_cpu) = {
        let now = cpu_seconds();
        (now.0 - cpu.0, now.1 - cpu.1)
    };
    let peak_mib = peak_memory_mib();
    assert_eq!(out.failed, 0, "every article imports");

    reset_peak_memory();
    let t = Instant::now();
    let again = import_streaming(
        &mut store,
        &inputs,
        WalkOptions::default(),
        &Overrides::default(),
        &extractor,
        |_, _, _, _| {},
    )
    .expect("re-import");
    let reimport_s = t.elapsed().as_secs_f64();
    let reimport_peak_mib = peak_memory_mib();
    assert_eq!((again.failed, again.new_objects), (0, 0));

    // The ceiling: the same rows, plain rusqlite, one transaction, same pragmas.
    let rows: Vec<(String, String, String)> = {
        let conn = rusqlite::Connection::open(store.path()).expect("open");
        let mut stmt = conn
            .prepare("SELECT id, type, body FROM objects ORDER BY seq")
            .expect("select");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    };
    let objects = rows.len() as i64;
    let raw_path = root.join(format!("raw{n}.db"));
    let mut raw = rusqlite::Connection::open(&raw_path).expect("raw");
    raw.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE objects (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                               type TEXT NOT NULL, body TEXT NOT NULL);",
    )
    .expect("raw schema");
    let cpu = cpu_seconds();
    let t = Instant::now();
    let tx = raw.transaction().expect("tx");
    {
        let mut stmt = tx
            .prepare("INSERT INTO objects(id, type, body) VALUES (?1, ?2, ?3)")
            .expect("prepare");
        for (id, kind, body) in &rows {
            stmt.execute((id, kind, body)).expect("insert");
        }
    }
    tx.commit().expect("commit");
    let raw_s = t.elapsed().as_secs_f64();
    let raw_cpu = cpu_seconds().1 - cpu.1;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Row {
        n,
        mb: bytes as f64 / 1e6,
        objects,
        import_s,
        reimport_s,
        raw_s,
        peak_mib,
        reimport_peak_mib,
        import_cpu,
        writer_cpu,
        raw_cpu,
    }
}

/// The seconds an import of `cpu` CPU seconds, `writer` of them on the writing thread, takes
/// on a quiet machine of two cores: the writing thread stores in order and sets the pace, the
/// planning thread (extraction) and the rest run beside it on the other core, so the longer
/// of the writing thread's work and half of the whole. The ratio of two of these (without the
/// relation step / with it) is the throughput of import with relation finding against
/// without, which wall time on a shared machine does not tell.
fn paced(cpu: f64, writer: f64) -> f64 {
    writer.max(cpu / 2.0)
}

/// Runs this binary for one size (a fresh process: one size's peak memory is not inflated by
/// what the allocator kept from the one before), with the relation step or without it, and
/// returns the row it prints.
fn run_one(me: &Path, n: usize, step: bool) -> String {
    let mut command = std::process::Command::new(me);
    command
        .arg("--bench")
        .env("CLAIMS_BENCH_ONE", n.to_string());
    if !step {
        command.env("CLAIMS_BENCH_STEP", "off");
    }
    let out = command.output().expect("run one size");
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        std::process::exit(1);
    }
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Column `i` of a row of the first table, as a number.
fn column(row: &str, i: usize) -> f64 {
    row.split('|')
        .nth(i + 1)
        .and_then(|c| c.trim().trim_end_matches('x').parse().ok())
        .unwrap_or(f64::NAN)
}

fn main() {
    // Each size runs in a fresh process, so one size's peak memory (VmHWM) is not inflated by
    // what the allocator kept from the one before. `cargo bench` passes --bench; nothing else
    // is taken from the command line.
    if let Some(n) = std::env::var("CLAIMS_BENCH_ONE")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        // `CLAIMS_BENCH_STEP=off`: import without the relation step (the second table).
        if std::env::var_os("CLAIMS_BENCH_STEP").is_some_and(|v| v == "off") {
            claims::ledger::set_relation_step(false);
        }
        let root: PathBuf = tempfile::tempdir().expect("tempdir").keep();
        let r = run(&root, n);
        let _ = std::fs::remove_dir_all(&root);
        println!(
            "| {} | {:.1} | {} | {:.2} | {:.0} | {:.0} | {:.0} | {:.2} | {:.3} | {:.1}x | {:.1} | {:.1} \
             | {:.2} | {:.2} | {:.0} | {:.2} | {:.0} | {:.2} |",
            r.n,
            r.mb,
            r.objects,
            r.import_s,
            r.n as f64 / r.import_s,
            r.objects as f64 / r.import_s,
            r.objects as f64 / r.raw_s,
            r.raw_s / r.import_s,
            r.reimport_s,
            r.import_s / r.reimport_s,
            r.peak_mib,
            r.reimport_peak_mib,
            r.import_cpu,
            r.writer_cpu,
            r.n as f64 / r.import_cpu,
            r.raw_cpu,
            r.objects as f64 / r.writer_cpu,
            r.raw_cpu / r.writer_cpu,
        );
        return;
    }
    let sizes: Vec<usize> = std::env::var("CLAIMS_BENCH_SIZES")
        .unwrap_or_else(|_| "1000,20000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!(
        "| articles | text MB | objects | import s | articles/s | objects/s | raw SQLite rows/s | \
         ours/raw | re-import s | re-import speed-up | peak MiB import | peak MiB re-import | \
         import CPU s | writer CPU s | articles per CPU s | raw CPU s | objects per writer CPU s | \
         ours/raw (CPU) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let me = std::env::current_exe().expect("the bench binary");
    let mut pairs = Vec::new();
    for &n in &sizes {
        let with = run_one(&me, n, true);
        print!("{with}");
        pairs.push((n, with, run_one(&me, n, false)));
    }
    // Import with relation finding against import without it: the same articles, the second
    // run with the relation step turned off.
    println!(
        "\n| articles | import CPU s with / without the relation step | writing thread CPU s \
         with / without | paced s with / without | with / without (paced) | with / without \
         (articles/s, wall) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for (n, with, without) in pairs {
        let (cpu, writer) = (
            (column(&with, 12), column(&without, 12)),
            (column(&with, 13), column(&without, 13)),
        );
        let paced = (paced(cpu.0, writer.0), paced(cpu.1, writer.1));
        println!(
            "| {n} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} | {:.2} |",
            cpu.0,
            cpu.1,
            writer.0,
            writer.1,
            paced.0,
            paced.1,
            paced.1 / paced.0,
            column(&with, 4) / column(&without, 4),
        );
    }
}
