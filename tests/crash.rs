//! Crash tests, as SQLite tests itself: a real `claims` process is killed with SIGKILL in the
//! middle of writing, at 20 seeded points for each of import of a directory, `bundle apply`,
//! database-to-database sync, and HTTP sync killed on the client side and on the hub side
//! (`claims serve`). Afterwards `claims verify` and `PRAGMA integrity_check` pass, nothing
//! half-stored is visible (every version in the index has every mention it has in an
//! uninterrupted run, every document a version, no object that run lacks), and running the
//! command again gives exactly the objects of the uninterrupted run.
//!
//! The moment is exact, not timed: `CLAIMS_FAULT=ledger-put:N:stop` (debug builds, see
//! `src/fault.rs`) stops the write path when the N-th object is offered to it and says so on
//! stderr; the test reads that line and kills the process then. N is drawn from a fixed seed
//! list, so every point reproduces.
#![cfg(all(unix, debug_assertions))]

mod common;

use claims::synth::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The seeds of the kill points (one point per seed and scenario).
const SEEDS: [u64; 20] = [
    3, 17, 29, 41, 58, 66, 73, 89, 97, 104, 118, 127, 135, 149, 156, 163, 178, 181, 192, 199,
];

/// The points of a scenario: for each seed, the write-path pass (1 to `passes`) to kill at.
fn points(scenario: u64, passes: usize) -> Vec<(u64, usize)> {
    assert!(passes > 1, "a scenario writes more than one object");
    SEEDS
        .iter()
        .map(|&seed| {
            let mut rng = Rng::new(seed.wrapping_mul(1_000_003) ^ scenario);
            (seed, 1 + rng.below(passes))
        })
        .collect()
}

/// Writes the synthetic articles `range` into `dir/name/` as `aNN.txt`, and returns the
/// directory's name (relative to `dir`, where the commands run).
fn articles(dir: &Path, name: &str, range: std::ops::Range<u64>) -> String {
    let sub = dir.join(name);
    std::fs::create_dir_all(&sub).expect("mkdir");
    for i in range {
        std::fs::write(
            sub.join(format!("a{i:02}.txt")),
            claims::synth::article(i, 2 + (i % 3) as usize),
        )
        .expect("write article");
    }
    name.to_string()
}

/// Runs `claims ARGS` in `dir`; it must succeed.
fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = common::claims(dir)
        .args(args)
        .output()
        .expect("claims runs");
    assert!(out.status.success(), "{args:?}: {}", common::stderr(&out));
    out
}

fn copy(from: &Path, to: &Path) {
    for suffix in ["-wal", "-shm"] {
        assert!(
            !Path::new(&format!("{}{suffix}", from.display())).exists(),
            "{} is closed",
            from.display()
        );
    }
    std::fs::copy(from, to).expect("copy database");
}

fn sql(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(db).expect("open database")
}

fn column(db: &Path, query: &str) -> Vec<String> {
    let conn = sql(db);
    let mut stmt = conn.prepare(query).expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// The object ids of a database, sorted.
fn ids(db: &Path) -> Vec<String> {
    column(db, "SELECT id FROM objects ORDER BY id")
}

/// What an uninterrupted run stores: its objects, and the mentions of each version.
struct Reference {
    ids: Vec<String>,
    mentions: BTreeMap<String, BTreeSet<String>>,
}

impl Reference {
    fn of(db: &Path) -> Reference {
        let mut mentions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for row in column(db, "SELECT version_id || ' ' || id FROM mentions") {
            let (version, mention) = row.split_once(' ').expect("two ids");
            mentions
                .entry(version.to_string())
                .or_default()
                .insert(mention.to_string());
        }
        let ids = ids(db);
        assert_eq!(
            column(
                db,
                "SELECT CAST(count(*) AS TEXT) FROM objects WHERE type = 'relation'"
            ),
            ["0"],
            "the inputs derive no relation objects, so every object is offered to the write path"
        );
        Reference { ids, mentions }
    }
}

/// After a kill: the file is sound, and what is visible is whole units of the reference run.
fn intact(dir: &Path, db: &Path, reference: &Reference, point: &str) {
    let out = common::claims(dir)
        .args(["--db", &db.display().to_string(), "verify"])
        .output()
        .expect("claims verify runs");
    assert!(
        out.status.success(),
        "{point}: claims verify: {}{}",
        common::stdout(&out),
        common::stderr(&out)
    );
    let conn = sql(db);
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok", "{point}");
    drop(conn);
    let here: BTreeSet<String> = ids(db).into_iter().collect();
    let all: BTreeSet<&String> = reference.ids.iter().collect();
    assert!(
        here.iter().all(|id| all.contains(id)),
        "{point}: objects the uninterrupted run does not have"
    );
    for version in column(db, "SELECT id FROM versions") {
        let mentions: BTreeSet<String> = column(
            db,
            &format!("SELECT id FROM mentions WHERE version_id = '{version}'"),
        )
        .into_iter()
        .collect();
        let expected = reference
            .mentions
            .get(&version)
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            mentions, expected,
            "{point}: version {version} is visible without all its mentions"
        );
    }
    assert_eq!(
        column(
            db,
            "SELECT CAST(count(*) AS TEXT) FROM documents d
             WHERE NOT EXISTS (SELECT 1 FROM versions v WHERE v.document_seq = d.seq)"
        ),
        ["0"],
        "{point}: a document without a version"
    );
}

/// Starts `cmd` with the write path stopped at its `n`-th object, and kills it with SIGKILL
/// when it says it has stopped there.
fn kill_at(mut cmd: Command, n: usize, point: &str) {
    cmd.env("CLAIMS_FAULT", format!("ledger-put:{n}:stop"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("claims starts");
    let stopped = wait_stopped(&mut child, n);
    // On Unix, Child::kill is SIGKILL.
    let _ = child.kill();
    let status = child.wait().expect("wait");
    assert!(
        stopped.is_ok(),
        "{point}: the write path never reached object {n} ({status}); stderr:\n{}",
        stopped.err().unwrap_or_default()
    );
    assert_eq!(status.signal(), Some(SIGKILL), "{point}: {status}");
}

const SIGKILL: i32 = 9;

/// Reads the child's stderr until it says it stopped at object `n` (Ok) or ends (Err, with
/// what it said).
fn wait_stopped(child: &mut Child, n: usize) -> Result<(), String> {
    let stderr = child.stderr.take().expect("stderr piped");
    let expected = format!("claims: stopped at ledger-put:{n} (CLAIMS_FAULT)");
    let mut said = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("stderr");
        if line == expected {
            return Ok(());
        }
        said.push_str(&line);
        said.push('\n');
    }
    Err(said)
}

/// A `claims serve` process on a free loopback port, killed when dropped.
struct Hub {
    child: Child,
    url: String,
}

impl Hub {
    fn start(dir: &Path, db: &Path, stop_at: Option<usize>) -> Hub {
        let mut cmd = common::claims(dir);
        cmd.args(["--db", &db.display().to_string(), "serve"])
            .args(["--addr", "127.0.0.1:0"])
            // Small requests and batches: the client's pushes arrive, and its pulls are
            // stored, in several transactions.
            .args(["--max-request-bytes", "6000", "--max-items", "8"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(n) = stop_at {
            // Its stderr is read by the test, which waits for the stop line.
            cmd.env("CLAIMS_FAULT", format!("ledger-put:{n}:stop"))
                .stderr(Stdio::piped());
        }
        let mut child = cmd.spawn().expect("claims serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the listening line");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        Hub { child, url }
    }

    /// Kills the hub with SIGKILL and waits for it.
    fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two databases of overlapping articles in `dir`: `a.db` (articles 0 to 5) and `b.db` (3 to
/// 8), and their union after an uninterrupted database sync.
fn two(dir: &Path) -> (PathBuf, PathBuf, Reference) {
    let (a, b) = (dir.join("a.db"), dir.join("b.db"));
    let in_a = articles(dir, "in-a", 0..6);
    let in_b = articles(dir, "in-b", 3..9);
    ok(dir, &["--db", "a.db", "import", &in_a]);
    ok(dir, &["--db", "b.db", "import", &in_b]);
    let union = dir.join("union");
    std::fs::create_dir_all(&union).expect("mkdir");
    copy(&a, &union.join("a.db"));
    copy(&b, &union.join("b.db"));
    ok(&union, &["--db", "a.db", "sync", "b.db"]);
    let reference = Reference::of(&union.join("a.db"));
    assert_eq!(ids(&union.join("b.db")), reference.ids);
    (a, b, reference)
}

/// Objects of `to` that `from` lacks: what a pull into `from` offers its write path.
fn missing(from: &Path, to: &Path) -> usize {
    let here: BTreeSet<String> = ids(from).into_iter().collect();
    ids(to).iter().filter(|id| !here.contains(*id)).count()
}

/// A fresh directory for one point, holding copies of these databases.
fn point_dir(base: &Path, name: &str, dbs: &[&Path]) -> PathBuf {
    let dir = base.join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for db in dbs {
        copy(db, &dir.join(db.file_name().expect("file name")));
    }
    dir
}

#[test]
fn import_of_a_directory_killed_anywhere_keeps_whole_files_and_converges() {
    let env = tempfile::tempdir().expect("tempdir");
    let base = env.path();
    let input = articles(base, "in", 0..6);
    let input = base.join(input).display().to_string();
    ok(base, &["--db", "ref.db", "import", &input]);
    let reference = Reference::of(&base.join("ref.db"));
    for (seed, n) in points(1, reference.ids.len()) {
        let point = format!("import, seed {seed}, object {n}");
        let dir = point_dir(base, &format!("import-{seed}"), &[]);
        let mut cmd = common::claims(&dir);
        cmd.args(["import", &input]);
        kill_at(cmd, n, &point);
        let db = dir.join("claims.db");
        intact(&dir, &db, &reference, &point);
        ok(&dir, &["import", &input]);
        assert_eq!(ids(&db), reference.ids, "{point}: after the re-run");
    }
}

#[test]
fn bundle_apply_killed_anywhere_stores_all_or_nothing_and_converges() {
    let env = tempfile::tempdir().expect("tempdir");
    let base = env.path();
    let input = articles(base, "in", 0..6);
    ok(base, &["--db", "all.db", "import", &input]);
    ok(base, &["--db", "all.db", "bundle", "create", "all.bundle"]);
    let bundle = base.join("all.bundle").display().to_string();
    // The target already holds two of the articles.
    let part = articles(base, "part", 0..2);
    ok(base, &["--db", "start.db", "import", &part]);
    let start = base.join("start.db");
    let reference = Reference::of(&base.join("all.db"));
    for (seed, n) in points(2, missing(&start, &base.join("all.db"))) {
        let point = format!("bundle apply, seed {seed}, object {n}");
        let dir = point_dir(base, &format!("apply-{seed}"), &[&start]);
        let mut cmd = common::claims(&dir);
        cmd.args(["--db", "start.db", "bundle", "apply", &bundle]);
        kill_at(cmd, n, &point);
        let db = dir.join("start.db");
        intact(&dir, &db, &reference, &point);
        let now = ids(&db);
        assert!(
            now == ids(&start) || now == reference.ids,
            "{point}: a bundle is applied whole or not at all"
        );
        ok(&dir, &["--db", "start.db", "bundle", "apply", &bundle]);
        assert_eq!(ids(&db), reference.ids, "{point}: after the re-run");
    }
}

/// `claims relations --min-score 0 --format json` of a database, as text.
fn relations_json(dir: &Path, db: &Path) -> String {
    common::stdout(&ok(
        dir,
        &[
            "--db",
            &db.display().to_string(),
            "--format",
            "json",
            "relations",
            "--min-score",
            "0",
        ],
    ))
}

/// A sync into an empty database leaves its relations pending and derives them in one pass at
/// its end (docs/sync.md): killed anywhere, the file is whole, and the re-run (no longer into an
/// empty database) gives the source's objects and relations.
#[test]
fn database_sync_into_an_empty_database_killed_anywhere_converges_with_its_relations() {
    let env = tempfile::tempdir().expect("tempdir");
    let base = env.path();
    let (_, b, _) = two(base);
    let reference = Reference::of(&b);
    let expected = relations_json(base, &b);
    assert!(expected.len() > 2, "the articles relate: {expected}");
    for (seed, n) in points(6, reference.ids.len()) {
        let point = format!("database sync into an empty database, seed {seed}, object {n}");
        let dir = point_dir(base, &format!("empty-{seed}"), &[&b]);
        let mut cmd = common::claims(&dir);
        cmd.args(["--db", "e.db", "sync", "b.db"]);
        kill_at(cmd, n, &point);
        let de = dir.join("e.db");
        intact(&dir, &de, &reference, &point);
        ok(&dir, &["--db", "e.db", "sync", "b.db"]);
        assert_eq!(ids(&de), reference.ids, "{point}: after the re-run");
        assert_eq!(relations_json(&dir, &de), expected, "{point}: relations");
    }
}

#[test]
fn database_sync_killed_anywhere_keeps_both_files_whole_and_converges() {
    let env = tempfile::tempdir().expect("tempdir");
    let base = env.path();
    let (a, b, reference) = two(base);
    // One process writes both files: what a pulls, then what b is pushed (or the reverse).
    let passes = missing(&a, &b) + missing(&b, &a);
    for (seed, n) in points(3, passes) {
        let point = format!("database sync, seed {seed}, object {n}");
        let dir = point_dir(base, &format!("sync-{seed}"), &[&a, &b]);
        let mut cmd = common::claims(&dir);
        cmd.args(["--db", "a.db", "sync", "b.db"]);
        kill_at(cmd, n, &point);
        let (da, db) = (dir.join("a.db"), dir.join("b.db"));
        intact(&dir, &da, &reference, &point);
        intact(&dir, &db, &reference, &point);
        ok(&dir, &["--db", "a.db", "sync", "b.db"]);
        assert_eq!(ids(&da), reference.ids, "{point}: a after the re-run");
        assert_eq!(ids(&db), reference.ids, "{point}: b after the re-run");
    }
}

#[test]
fn http_sync_with_the_client_killed_anywhere_converges() {
    let env = tempfile::tempdir().expect("tempdir");
    let base = env.path();
    let (a, b, reference) = two(base);
    // The client's write path sees only what it pulls.
    for (seed, n) in points(4, missing(&a, &b)) {
        let point = format!("HTTP sync, client killed, seed {seed}, object {n}");
        let dir = point_dir(base, &format!("client-{seed}"), &[&a, &b]);
        let (da, db) = (dir.join("a.db"), dir.join("b.db"));
        let hub = Hub::start(&dir, &db, None);
        let mut cmd = common::claims(&dir);
        cmd.args(["--db", "a.db", "sync", &hub.url]);
        kill_at(cmd, n, &point);
        intact(&dir, &da, &reference, &point);
        ok(&dir, &["--db", "a.db", "sync", &hub.url]);
        hub.kill();
        intact(&dir, &db, &reference, &point);
        assert_eq!(
            ids(&da),
            reference.ids,
            "{point}: the client after the re-run"
        );
        assert_eq!(ids(&db), reference.ids, "{point}: the hub after the re-run");
    }
}

#[test]
fn http_sync_with_the_hub_killed_anywhere_converges() {
    let env = tempfile::tempdir().expect("tempdir");
    let base = env.path();
    let (a, b, reference) = two(base);
    // The hub's write path sees only what the client pushes.
    for (seed, n) in points(5, missing(&b, &a)) {
        let point = format!("HTTP sync, hub killed, seed {seed}, object {n}");
        let dir = point_dir(base, &format!("hub-{seed}"), &[&a, &b]);
        let (da, db) = (dir.join("a.db"), dir.join("b.db"));
        let mut hub = Hub::start(&dir, &db, Some(n));
        let stderr = hub.child.stderr.take().expect("stderr piped");
        let client = common::claims(&dir)
            .args(["--db", "a.db", "sync", &hub.url])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the client starts");
        // The hub stops while the client waits for its answer. Whichever comes first, the
        // hub's line or the client's end, decides: the client cannot end before a hub that
        // stopped is killed, and a client that ends first means the point was never reached.
        let (events, first) = std::sync::mpsc::channel();
        let to_hub = events.clone();
        let expected = format!("claims: stopped at ledger-put:{n} (CLAIMS_FAULT)");
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line == expected {
                    let _ = to_hub.send(None);
                }
            }
        });
        std::thread::spawn(move || {
            let _ = events.send(Some(client.wait_with_output()));
        });
        let stopped = matches!(first.recv(), Ok(None));
        hub.kill();
        reader.join().expect("the stderr reader");
        assert!(
            stopped,
            "{point}: the hub's write path never reached object {n}"
        );
        let client_out = match first.recv() {
            Ok(Some(out)) => out.expect("the client ran"),
            _ => panic!("{point}: the client's end"),
        };
        assert!(
            !client_out.status.success(),
            "{point}: the client's sync failed when the hub died: {}",
            common::stdout(&client_out)
        );
        intact(&dir, &db, &reference, &point);
        intact(&dir, &da, &reference, &point);
        let hub = Hub::start(&dir, &db, None);
        ok(&dir, &["--db", "a.db", "sync", &hub.url]);
        hub.kill();
        assert_eq!(
            ids(&da),
            reference.ids,
            "{point}: the client after the re-run"
        );
        assert_eq!(ids(&db), reference.ids, "{point}: the hub after the re-run");
    }
}
