//! Sync over its three transports: bundle files, database files and the HTTP hub, with
//! interrupted transfers, corrupt bundles, copied databases, and a property test that random
//! replicas converge.

use claims::ledger::Ledger;
use claims::objects::Object;
use claims::store::Store;
use claims::sync::peer::{DbPeer, HttpPeer};
use claims::sync::server::{Running, ServeOptions, Server};
use claims::sync::wire::Limits;
use claims::sync::{self, bundle, Mode, Options, Peer, Report, SyncError};
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// A document, a version, two claims and their mentions: a chain of references that must
/// arrive in order.
fn article(seed: u64) -> Vec<Object> {
    claims::synth::article_objects(seed, 6).expect("synthetic objects")
}

/// An object of a type this release does not know: stored and passed on, never indexed.
fn unknown(tag: &str, n: u64) -> Object {
    Object::from_value(&json!({"type": "x-test", "v": 1, "tag": tag, "n": n})).expect("object")
}

mod common;
use common::sql;

fn put(store: &mut Store, objects: &[Object]) {
    let mut ledger = Ledger::begin(store).expect("ledger");
    for o in objects {
        ledger.put(o.clone()).expect("put");
    }
    ledger.commit().expect("commit");
}

fn ids(store: &Store) -> BTreeSet<String> {
    let conn = sql(store);
    let mut stmt = conn.prepare("SELECT id FROM objects").expect("prepare");
    let rows = stmt.query_map([], |r| r.get(0)).expect("query");
    rows.collect::<Result<_, _>>().expect("ids")
}

fn index_counts(store: &Store) -> (i64, i64, i64, i64) {
    sql(store)
        .query_row(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM versions),
                    (SELECT count(*) FROM claims), (SELECT count(*) FROM mentions)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("counts")
}

fn verified(store: &Store) {
    let report = claims::store::verify::verify(store).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
}

fn db(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

fn quiet() -> impl FnMut(sync::Progress) {
    |_| {}
}

fn sync_db(a: &Path, b: &Path) -> Result<Report, SyncError> {
    let mut local = Store::open(a).expect("open");
    let mut peer = DbPeer::open(a, b)?;
    sync::sync(&mut local, &mut peer, &Options::default(), &mut quiet())
}

fn hub(path: &Path, options: ServeOptions) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let server = Server::from_listener(listener).expect("server");
    server
        .spawn(Store::open(path).expect("open hub"), options)
        .expect("spawn")
}

fn sync_http(a: &Path, url: &str, token: Option<&str>) -> Result<Report, SyncError> {
    let mut local = Store::open(a).expect("open");
    let mut peer = HttpPeer::new(url, token.map(str::to_string))?;
    sync::sync(&mut local, &mut peer, &Options::default(), &mut quiet())
}

/// Bundle both ways: a → b and b → a.
fn sync_bundle(a: &Path, b: &Path, dir: &Path) -> (u64, u64) {
    let file = dir.join("x.bundle");
    let mut sa = Store::open(a).expect("open");
    let mut sb = Store::open(b).expect("open");
    bundle::create(&sa, &file, None).expect("create");
    let (to_b, _) = bundle::apply(&mut sb, &file, false).expect("apply");
    bundle::create(&sb, &file, None).expect("create");
    let (to_a, _) = bundle::apply(&mut sa, &file, false).expect("apply");
    (to_b.new, to_a.new)
}

/// Forwards `k` exchanges, then fails every later one, like a cable pulled mid-sync.
struct CutOff<P> {
    inner: P,
    left: usize,
    /// Count only push requests.
    pushes: bool,
    on_cut: Option<Box<dyn FnOnce() + Send>>,
}

impl<P: Peer> Peer for CutOff<P> {
    fn exchange(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError> {
        if self.pushes && !frame.starts_with(b"{\"op\":\"push\"") {
            return self.inner.exchange(frame);
        }
        if self.left == 0 {
            if let Some(cut) = self.on_cut.take() {
                cut();
                return self.inner.exchange(frame);
            }
            return Err(SyncError::Transport {
                address: self.inner.address(),
                message: "cut off".into(),
            });
        }
        self.left -= 1;
        self.inner.exchange(frame)
    }

    fn address(&self) -> String {
        self.inner.address()
    }
}

fn two(dir: &Path) -> (PathBuf, PathBuf) {
    let (a, b) = (db(dir, "a.db"), db(dir, "b.db"));
    let mut sa = Store::open(&a).expect("a");
    let mut sb = Store::open(&b).expect("b");
    for seed in 0..3 {
        put(&mut sa, &article(seed));
    }
    put(&mut sa, &[unknown("a", 1)]);
    for seed in 2..6 {
        put(&mut sb, &article(seed));
    }
    put(&mut sb, &[unknown("b", 1), unknown("b", 2)]);
    (a, b)
}

fn union(a: &Path, b: &Path) -> BTreeSet<String> {
    let mut all = ids(&Store::open(a).expect("a"));
    all.extend(ids(&Store::open(b).expect("b")));
    all
}

fn assert_converged(a: &Path, b: &Path, expected: &BTreeSet<String>) {
    let sa = Store::open(a).expect("a");
    let sb = Store::open(b).expect("b");
    assert_eq!(&ids(&sa), expected);
    assert_eq!(&ids(&sb), expected);
    assert_eq!(index_counts(&sa), index_counts(&sb));
    verified(&sa);
    verified(&sb);
}

#[test]
fn database_files_converge_and_a_second_sync_moves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let expected = union(&a, &b);
    assert_eq!(expected.len(), 39);
    let first = sync_db(&a, &b).expect("sync");
    assert_eq!(first.mode, Mode::Full);
    assert_eq!((first.sent, first.received), (13, 20));
    assert_converged(&a, &b, &expected);
    // Both directions now have validated cursors: one hello, well under 1 KB.
    for (x, y) in [(&a, &b), (&b, &a)] {
        let again = sync_db(x, y).expect("again");
        assert_eq!(again.mode, Mode::InSync);
        assert_eq!((again.sent, again.received, again.round_trips), (0, 0, 1));
        assert!(again.bytes_sent + again.bytes_received <= 1024, "{again:?}");
    }
    assert_eq!(index_counts(&Store::open(&a).expect("a")), (6, 6, 12, 12));
}

#[test]
fn the_http_hub_converges_and_a_second_sync_moves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let expected = union(&a, &b);
    let running = hub(&b, ServeOptions::default());
    let first = sync_http(&a, running.url(), None).expect("sync");
    assert_eq!((first.sent, first.received), (13, 20));
    let again = sync_http(&a, running.url(), None).expect("again");
    assert_eq!(again.mode, Mode::InSync);
    assert_eq!((again.sent, again.received, again.round_trips), (0, 0, 1));
    assert!(again.bytes_sent + again.bytes_received <= 1024, "{again:?}");
    running.stop();
    assert_converged(&a, &b, &expected);
}

#[test]
fn incremental_syncs_move_only_the_new_objects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    sync_db(&a, &b).expect("first");
    // New on both sides: only those move, with cursors (no reconciliation).
    put(&mut Store::open(&a).expect("a"), &article(100));
    put(&mut Store::open(&b).expect("b"), &[unknown("b", 3)]);
    let r = sync_db(&a, &b).expect("second");
    assert_eq!(r.mode, Mode::Incremental);
    assert_eq!((r.sent, r.received), (6, 1));
    // What a sent came back as nothing: the next sync is a single hello.
    let r = sync_db(&a, &b).expect("third");
    assert_eq!(r.mode, Mode::InSync);
    let expected = union(&a, &b);
    assert_converged(&a, &b, &expected);
}

#[test]
fn bundles_converge_and_are_idempotent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let expected = union(&a, &b);
    assert_eq!(sync_bundle(&a, &b, dir.path()), (13, 20));
    assert_converged(&a, &b, &expected);
    assert_eq!(sync_bundle(&a, &b, dir.path()), (0, 0));
}

#[test]
fn a_bundle_since_a_date_holds_what_arrived_since() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let file = dir.path().join("since.bundle");
    // Everything in a arrived through put (no import or sync log): nothing is "since".
    let sa = Store::open(&a).expect("a");
    assert_eq!(
        bundle::create(&sa, &file, Some("2000-01-01"))
            .expect("create")
            .objects,
        0
    );
    drop(sa);
    sync_db(&a, &b).expect("sync");
    let sa = Store::open(&a).expect("a");
    let created = bundle::create(&sa, &file, Some("2000-01-01T00:00:00Z")).expect("create");
    assert_eq!(created.objects, 20, "the objects received from b");
    assert_eq!(
        bundle::create(&sa, &file, Some("2999-01-01"))
            .expect("create")
            .objects,
        0
    );
    let err = bundle::create(&sa, &file, Some("last week")).expect_err("bad date");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: --since \"last week\" is not a date (use YYYY-MM-DD or RFC 3339)",
            file.display()
        )
    );
}

fn store_snapshot(path: &Path) -> (BTreeSet<String>, (i64, i64, i64, i64), i64) {
    snapshot_of(&Store::open(path).expect("open"))
}

fn snapshot_of(s: &Store) -> (BTreeSet<String>, (i64, i64, i64, i64), i64) {
    let batches: i64 = sql(s)
        .query_row("SELECT count(*) FROM sync_batches", [], |r| r.get(0))
        .expect("batches");
    (ids(s), index_counts(s), batches)
}

#[test]
fn a_truncated_or_flipped_bundle_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let file = dir.path().join("good.bundle");
    bundle::create(&Store::open(&a).expect("a"), &file, None).expect("create");
    let good = std::fs::read(&file).expect("read");
    let before = store_snapshot(&b);
    let bad = dir.path().join("bad.bundle");
    let mut sb = Store::open(&b).expect("b");
    let mut refused = 0;
    let mut check = |bytes: &[u8], what: &str| {
        std::fs::write(&bad, bytes).expect("write");
        let err = bundle::apply(&mut sb, &bad, false).expect_err(what);
        assert!(
            err.to_string().starts_with(&bad.display().to_string()),
            "{err}"
        );
        assert_eq!(snapshot_of(&sb), before, "{what}");
        refused += 1;
    };
    for cut in 0..good.len() {
        check(&good[..cut], &format!("truncated at {cut}"));
    }
    for at in 0..good.len() {
        let mut flipped = good.clone();
        flipped[at] ^= 0x01;
        check(&flipped, &format!("bit flipped at {at}"));
    }
    let mut longer = good.clone();
    longer.push(0);
    check(&longer, "a byte appended");
    drop(sb);
    assert_eq!(refused, 2 * good.len() + 1);

    // Exact messages for the common cases.
    let msg = |bytes: &[u8]| {
        std::fs::write(&bad, bytes).expect("write");
        bundle::apply(&mut Store::open(&b).expect("b"), &bad, false)
            .expect_err("refused")
            .to_string()
    };
    let p = bad.display();
    assert_eq!(
        msg(&good[..30]),
        format!("{p}: truncated: 30 bytes, shorter than the 60-byte header")
    );
    assert_eq!(
        msg(b"PK\x03\x04 a zip file, not a bundle at all, long enough for a header"),
        format!("{p}: not a claims bundle (it does not start with \"CLMSBNDL\")")
    );
    let mut newer = good.clone();
    newer[11] = 2;
    assert_eq!(
        msg(&newer),
        format!("{p}: bundle format 2 is newer than this release reads (1); upgrade claims")
    );
    let mut count = good.clone();
    count[19] ^= 0x01;
    assert_eq!(
        msg(&count),
        format!("{p}: corrupt: the header announces 18 objects, the payload holds 19")
    );
    let mut hash = good.clone();
    hash[28] ^= 0xff;
    assert!(msg(&hash).starts_with(&format!("{p}: corrupt: the payload hashes to ")));
    // The good bundle still applies, once.
    let (applied, _) = bundle::apply(&mut Store::open(&b).expect("b"), &file, false).expect("ok");
    assert_eq!((applied.objects, applied.new), (19, 13));
}

#[test]
fn a_tampered_object_in_a_well_formed_bundle_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let file = dir.path().join("t.bundle");
    bundle::create(&Store::open(&a).expect("a"), &file, None).expect("create");
    // One body made non-canonical, with a fresh, matching checksum: the checksum cannot
    // vouch for it, re-hashing every object does.
    let objects = bundle::read(&file).expect("read");
    let mut payload = String::new();
    for o in &objects {
        payload.push_str(&o.body);
        payload.push('\n');
    }
    let payload = payload.replacen("{\"", "{ \"", 1);
    std::fs::write(
        &file,
        forge_bundle(objects.len() as u64, payload.as_bytes()),
    )
    .expect("write");
    let before = store_snapshot(&b);
    let err = bundle::apply(&mut Store::open(&b).expect("b"), &file, false).expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: object 0 (line 1) is refused: body is not in canonical form",
            file.display()
        )
    );
    assert_eq!(store_snapshot(&b), before);
}

fn forge_bundle(count: u64, payload: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    use std::io::Write;
    let mut out = Vec::new();
    out.extend_from_slice(b"CLMSBNDL");
    out.extend_from_slice(&1u32.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    out.extend_from_slice(&sha2::Sha256::digest(payload));
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(payload).expect("deflate");
    out.extend_from_slice(&enc.finish().expect("finish"));
    let trailer = sha2::Sha256::digest(&out);
    out.extend_from_slice(&trailer);
    out
}

#[test]
fn a_bundle_missing_referenced_objects_is_refused_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("orphan.bundle");
    let objects = article(7);
    // The mention and claim without their version and document.
    let mut payload = String::new();
    for o in &objects[2..] {
        payload.push_str(&o.body);
        payload.push('\n');
    }
    std::fs::write(&file, forge_bundle(4, payload.as_bytes())).expect("write");
    let b = db(dir.path(), "b.db");
    let mut sb = Store::open(&b).expect("b");
    let err = bundle::apply(&mut sb, &file, false).expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: object {}: refers to version {}, which is not stored (neither in the bundle \
             nor in this database); nothing was stored",
            file.display(),
            objects[3].id,
            objects[1].id
        )
    );
    assert_eq!(ids(&sb).len(), 0);
}

#[test]
fn a_copied_database_changed_on_both_sides_still_syncs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, h) = two(dir.path());
    sync_db(&a, &h).expect("a with the hub");
    // cp a.db c.db, then both change.
    let c = db(dir.path(), "c.db");
    {
        let sa = Store::open(&a).expect("a");
        sa.checkpoint_truncate().expect("checkpoint");
    }
    std::fs::copy(&a, &c).expect("cp");
    put(&mut Store::open(&a).expect("a"), &[unknown("only-a", 1)]);
    put(&mut Store::open(&c).expect("c"), &[unknown("only-c", 1)]);
    let ra = sync_db(&a, &h).expect("a again");
    assert_eq!((ra.sent, ra.received), (1, 0));
    // c has a's replica id, and the hub holds a cursor for it that c's history contradicts.
    let rc = sync_db(&c, &h).expect("c");
    assert!(rc.new_replica_id.is_some(), "{rc:?}");
    assert_eq!(rc.mode, Mode::Full);
    assert_eq!((rc.sent, rc.received), (1, 1));
    let ra = sync_db(&a, &h).expect("a third time");
    assert_eq!((ra.sent, ra.received), (0, 1));
    let all = union(&a, &h);
    assert_converged(&a, &h, &all);
    assert_converged(&c, &h, &all);
    // The ids now differ, so both settle into single-hello syncs.
    for x in [&a, &c] {
        assert_eq!(sync_db(x, &h).expect("settled").mode, Mode::InSync);
    }
    // Syncing directly with a copy that has my own id: the copy takes a new one.
    let d = db(dir.path(), "d.db");
    std::fs::copy(&c, &d).expect("cp");
    put(&mut Store::open(&d).expect("d"), &[unknown("only-d", 1)]);
    let rd = sync_db(&d, &c).expect("d with its original");
    assert!(rd.new_replica_id.is_some());
    assert_eq!((rd.sent, rd.received), (1, 0));
}

/// `cp FROM TO` of a closed database, as a user would: WAL folded in first.
fn cp_db(from: &Path, to: &Path) {
    Store::open(from)
        .expect("open")
        .checkpoint_truncate()
        .expect("checkpoint");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, to).expect("cp");
}

#[test]
fn a_hub_restored_from_a_backup_gets_back_what_it_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, h) = two(dir.path());
    sync_db(&a, &h).expect("first");
    let backup = db(dir.path(), "h.backup");
    cp_db(&h, &backup);
    put(&mut Store::open(&a).expect("a"), &article(50));
    let r = sync_db(&a, &h).expect("second");
    assert_eq!((r.sent, r.received), (6, 0));
    // The hub's disk dies; it is restored from last night's backup.
    cp_db(&backup, &h);
    put(&mut Store::open(&h).expect("h"), &[unknown("h", 9)]);
    let r = sync_db(&a, &h).expect("after the restore");
    assert_eq!((r.sent, r.received), (6, 1));
    let all = union(&a, &h);
    assert_converged(&a, &h, &all);
    assert_eq!(sync_db(&a, &h).expect("settled").mode, Mode::InSync);
}

#[test]
fn a_database_cannot_sync_with_itself() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, _) = two(dir.path());
    let err = sync_db(&a, &a).expect_err("refused");
    assert_eq!(
        err.to_string(),
        format!("{}: cannot sync a database with itself", a.display())
    );
}

#[test]
fn a_wrong_token_gets_401_and_pushes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let before_b = ids(&Store::open(&b).expect("b"));
    let running = hub(
        &b,
        ServeOptions {
            token: Some("s3cret".into()),
            limits: Limits::default(),
        },
    );
    let err = sync_http(&a, running.url(), Some("wrong")).expect_err("401");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: refused (HTTP 401): pushing to this hub needs its token (--token)",
            running.url()
        )
    );
    // Reading needs no token: a got b's objects; b got nothing.
    assert_eq!(ids(&Store::open(&a).expect("a")), union(&a, &b));
    let ok = sync_http(&a, running.url(), Some("s3cret")).expect("right token");
    assert_eq!((ok.sent, ok.received), (13, 0));
    running.stop();
    assert_eq!(ids(&Store::open(&b).expect("b")).len(), before_b.len() + 13);
}

#[test]
fn oversized_requests_and_objects_get_413() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let before_b = store_snapshot(&b);
    let small = Limits {
        max_request_bytes: 2048,
        max_object_bytes: 300,
        max_items: 10_000,
    };
    let running = hub(
        &b,
        ServeOptions {
            token: None,
            limits: small,
        },
    );
    let err = sync_http(&a, running.url(), None).expect_err("413");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}: refused (HTTP 413): object ", running.url()))
            && text.ends_with(" bytes, more than this hub accepts (300)"),
        "{text}"
    );
    let after_refusal = store_snapshot(&b);
    verified(&Store::open(&b).expect("b"));
    // A raw frame bigger than the request limit.
    let mut peer = HttpPeer::new(running.url(), None).expect("peer");
    let (status, reply) = peer.exchange(vec![b'x'; 4096]).expect("answered");
    assert_eq!(status, 413);
    assert_eq!(
        String::from_utf8_lossy(&reply),
        "{\"op\":\"error\",\"status\":413,\"error\":\"the request is 4096 bytes, more than \
         this hub accepts (2048)\"}\n"
    );
    running.stop();
    assert_eq!(store_snapshot(&b), after_refusal);
    assert!(before_b.0.is_subset(&after_refusal.0));
}

#[test]
fn a_hub_killed_mid_sync_loses_nothing_and_the_next_sync_finishes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let mut sa = Store::open(&a).expect("a");
    for seed in 10..40 {
        put(&mut sa, &article(seed));
    }
    drop(sa);
    let expected = union(&a, &b);
    // The hub is a real `claims serve` process, killed after a few exchanges.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_claims"))
        .args([
            "--db",
            &b.display().to_string(),
            "serve",
            "--addr",
            "127.0.0.1:0",
        ])
        .args(["--max-request-bytes", "20000"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let url = read_listening_line(&mut child);
    let pid = child.id();
    let child = std::sync::Arc::new(std::sync::Mutex::new(child));
    let killer = std::sync::Arc::clone(&child);
    // Whatever happens in this test, the hub process does not outlive it.
    let _reaper = Reaper(std::sync::Arc::clone(&child));
    let inner = HttpPeer::new(&url, None).expect("peer");
    let mut cut = CutOff {
        inner,
        left: 3,
        pushes: true,
        on_cut: Some(Box::new(move || {
            if let Ok(mut c) = killer.lock() {
                let _ = c.kill();
                let _ = c.wait();
            }
        })),
    };
    let mut local = Store::open(&a).expect("a");
    let err = sync::sync(&mut local, &mut cut, &Options::default(), &mut quiet())
        .expect_err("the hub died");
    assert!(
        matches!(err, SyncError::Transport { .. }),
        "{err} (pid {pid})"
    );
    drop(local);
    verified(&Store::open(&a).expect("a"));
    verified(&Store::open(&b).expect("b"));
    // The failed session is logged with what it moved before it stopped.
    let (mode, sent): (String, i64) = sql(&Store::open(&a).expect("a"))
        .query_row(
            "SELECT mode, sent FROM sync_log ORDER BY log_id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("log row");
    assert_eq!(mode, "failed");
    // Cut mid-transfer: three pushes landed whole, the rest did not.
    let at_b = ids(&Store::open(&b).expect("b")).len();
    assert!(at_b > 26 + 3 && at_b < expected.len(), "{at_b}");
    assert_eq!(at_b as i64, 26 + sent);
    // Restart the hub over the same file and finish.
    let restarted = hub(&b, ServeOptions::default());
    sync_http(&a, restarted.url(), None).expect("finish");
    let again = sync_http(&a, restarted.url(), None).expect("again");
    assert_eq!((again.sent, again.received), (0, 0));
    restarted.stop();
    assert_converged(&a, &b, &expected);
}

/// Kills a child process when dropped.
struct Reaper(std::sync::Arc<std::sync::Mutex<std::process::Child>>);

impl Drop for Reaper {
    fn drop(&mut self) {
        if let Ok(mut c) = self.0.lock() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn read_listening_line(child: &mut std::process::Child) -> String {
    use std::io::BufRead;
    let out = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufReader::new(out)
        .read_line(&mut line)
        .expect("listening line");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("a URL")
        .to_string();
    url
}

#[test]
fn dry_run_shows_what_would_move_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = two(dir.path());
    let before = (store_snapshot(&a), store_snapshot(&b));
    let mut local = Store::open(&a).expect("a");
    let mut peer = DbPeer::open(&a, &b).expect("peer");
    let report = sync::sync(
        &mut local,
        &mut peer,
        &Options { dry_run: true },
        &mut quiet(),
    )
    .expect("dry run");
    assert_eq!(report.would_send.len(), 13);
    assert_eq!(report.would_receive.len(), 20);
    assert_eq!((report.sent, report.received), (0, 0));
    drop((local, peer));
    assert_eq!((store_snapshot(&a), store_snapshot(&b)), before);
}

// ---- the property test ----

#[derive(Debug, Clone, Copy)]
enum Transport {
    Bundle,
    File,
    Http,
}

#[derive(Debug, Clone)]
enum Step {
    /// Replica r gets an article (with references) from a shared pool of seeds.
    Article { r: usize, seed: u64 },
    /// Replica r gets objects of an unknown type.
    Unknown { r: usize, n: u64 },
    /// `cp` replica `from` over replica `to`: two replicas with one id and one history.
    Copy { from: usize, to: usize },
    /// Replicas a and b sync, cut off after `cut` exchanges (or bundle bytes) if given.
    Sync {
        a: usize,
        b: usize,
        how: Transport,
        cut: Option<usize>,
    },
}

fn step(replicas: usize) -> impl Strategy<Value = Step> {
    let transport = prop_oneof![
        Just(Transport::Bundle),
        Just(Transport::File),
        Just(Transport::Http)
    ];
    prop_oneof![
        (0..replicas, 0u64..12).prop_map(|(r, seed)| Step::Article { r, seed }),
        (0..replicas, 0u64..40).prop_map(|(r, n)| Step::Unknown { r, n }),
        (0..replicas, 0..replicas).prop_map(|(from, to)| Step::Copy { from, to }),
        (
            0..replicas,
            0..replicas,
            transport,
            proptest::option::of(0usize..6)
        )
            .prop_map(|(a, b, how, cut)| Step::Sync { a, b, how, cut }),
    ]
}

fn scenario() -> impl Strategy<Value = (usize, Vec<Step>)> {
    (2usize..=5).prop_flat_map(|n| (Just(n), proptest::collection::vec(step(n), 1..14)))
}

fn run_sync(dir: &Path, a: &Path, b: &Path, how: Transport, cut: Option<usize>) {
    match how {
        Transport::Bundle => {
            let file = dir.join("p.bundle");
            bundle::create(&Store::open(a).expect("a"), &file, None).expect("create");
            if let Some(cut) = cut {
                // A bundle cut short on the way: refused, nothing written.
                let bytes = std::fs::read(&file).expect("read");
                let keep = bytes.len() * cut / 7;
                std::fs::write(&file, &bytes[..keep]).expect("truncate");
                bundle::apply(&mut Store::open(b).expect("b"), &file, false)
                    .expect_err("a truncated bundle is refused");
            } else {
                bundle::apply(&mut Store::open(b).expect("b"), &file, false).expect("apply");
            }
        }
        Transport::File => {
            let mut local = Store::open(a).expect("a");
            let inner = DbPeer::open(a, b).expect("peer");
            let mut peer = CutOff {
                inner,
                left: cut.unwrap_or(usize::MAX),
                pushes: false,
                on_cut: None,
            };
            let r = sync::sync(&mut local, &mut peer, &Options::default(), &mut quiet());
            check_cut(r, cut);
        }
        Transport::Http => {
            let running = hub(b, ServeOptions::default());
            let mut local = Store::open(a).expect("a");
            let inner = HttpPeer::new(running.url(), None).expect("peer");
            let mut peer = CutOff {
                inner,
                left: cut.unwrap_or(usize::MAX),
                pushes: false,
                on_cut: None,
            };
            let r = sync::sync(&mut local, &mut peer, &Options::default(), &mut quiet());
            check_cut(r, cut);
            running.stop();
        }
    }
}

/// An uncut sync succeeds; a cut one succeeds (it was short enough) or fails by the cut.
fn check_cut(r: Result<Report, SyncError>, cut: Option<usize>) {
    match (r, cut) {
        (Ok(_), _) => {}
        (Err(SyncError::Transport { message, .. }), Some(_)) if message == "cut off" => {}
        (Err(e), _) => panic!("sync failed: {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn replicas_converge_whatever_happens((n, steps) in scenario()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths: Vec<PathBuf> = (0..n).map(|i| db(dir.path(), &format!("r{i}.db"))).collect();
        for p in &paths {
            drop(Store::open(p).expect("create"));
        }
        for s in &steps {
            match *s {
                Step::Article { r, seed } => put(&mut Store::open(&paths[r]).expect("open"), &article(seed)),
                Step::Unknown { r, n } => put(
                    &mut Store::open(&paths[r]).expect("open"),
                    &[unknown("p", n), unknown("q", n)],
                ),
                Step::Sync { a, b, how, cut } if a != b => {
                    run_sync(dir.path(), &paths[a], &paths[b], how, cut);
                }
                Step::Sync { .. } => {}
                Step::Copy { from, to } if from != to => cp_db(&paths[from], &paths[to]),
                Step::Copy { .. } => {}
            }
            for p in &paths {
                verified(&Store::open(p).expect("open"));
            }
        }
        let mut all = BTreeSet::new();
        for p in &paths {
            all.extend(ids(&Store::open(p).expect("open")));
        }
        // Converge: everyone with replica 0 and back, over rotating transports.
        let hows = [Transport::File, Transport::Http, Transport::Bundle];
        for round in 0..2 {
            for (i, p) in paths.iter().enumerate().skip(1) {
                let how = hows[(i + round) % 3];
                run_sync(dir.path(), p, &paths[0], how, None);
                if matches!(how, Transport::Bundle) {
                    run_sync(dir.path(), &paths[0], p, how, None);
                }
            }
        }
        for p in &paths {
            let s = Store::open(p).expect("open");
            prop_assert_eq!(&ids(&s), &all);
            verified(&s);
        }
        // One more sync of every pair moves nothing.
        for (i, a) in paths.iter().enumerate() {
            for b in paths.iter().skip(i + 1) {
                let r = sync_db(a, b).expect("final");
                prop_assert_eq!((r.sent, r.received), (0, 0));
            }
        }
    }
}

#[test]
fn the_documented_bundle_check_script_accepts_a_bundle_and_catches_a_flip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, _) = two(dir.path());
    let file = dir.path().join("doc.bundle");
    bundle::create(&Store::open(&a).expect("a"), &file, None).expect("create");
    let doc = std::fs::read_to_string("docs/bundle-format.md").expect("docs/bundle-format.md");
    let script = doc
        .split("```python\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the python block");
    let path = dir.path().join("check.py");
    std::fs::write(&path, script).expect("write script");
    let run = |f: &Path| {
        std::process::Command::new("python3")
            .arg(&path)
            .arg(f)
            .output()
            .expect("python3 runs")
    };
    let ok = run(&file);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&ok.stdout), "1 19 objects ok\n");
    let mut bytes = std::fs::read(&file).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&file, &bytes).expect("write");
    assert!(!run(&file).status.success());
}

#[test]
fn clients_syncing_with_one_hub_at_the_same_time_converge() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = db(dir.path(), "hub.db");
    put(&mut Store::open(&h).expect("hub"), &article(900));
    let clients: Vec<PathBuf> = (0..3)
        .map(|i| {
            let p = db(dir.path(), &format!("c{i}.db"));
            let mut s = Store::open(&p).expect("client");
            for seed in 0..4 {
                put(&mut s, &article(100 * i + seed));
            }
            p
        })
        .collect();
    let running = hub(&h, ServeOptions::default());
    let url = running.url().to_string();
    std::thread::scope(|scope| {
        for (i, c) in clients.iter().enumerate() {
            let url = url.clone();
            scope.spawn(move || {
                for round in 0..3u64 {
                    // New objects arrive between syncs, while the others sync too.
                    put(
                        &mut Store::open(c).expect("client"),
                        &[unknown(&format!("c{i}"), round)],
                    );
                    sync_http(c, &url, None).expect("concurrent sync");
                }
            });
        }
    });
    for c in &clients {
        sync_http(c, &url, None).expect("settle");
    }
    running.stop();
    let expected = ids(&Store::open(&h).expect("hub"));
    assert_eq!(expected.len(), 6 + 3 * (4 * 6 + 3));
    for c in &clients {
        assert_converged(c, &h, &expected);
    }
    // A last round is one hello each.
    let running = hub(&h, ServeOptions::default());
    for c in &clients {
        let r = sync_http(c, running.url(), None).expect("last");
        assert_eq!((r.mode, r.round_trips), (Mode::InSync, 1));
    }
    running.stop();
}

#[test]
fn objects_written_locally_during_a_sync_are_not_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, h) = two(dir.path());
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        // Another process imports into a while a syncs with the hub again and again.
        let writer = scope.spawn(|| {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || n < 20 {
                put(
                    &mut Store::open(&a).expect("a"),
                    &[unknown("during", n), unknown("during-too", n)],
                );
                n += 1;
            }
            n
        });
        for _ in 0..8 {
            sync_db(&a, &h).expect("sync while writing");
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let written = writer.join().expect("writer");
        assert!(written >= 20);
    });
    sync_db(&a, &h).expect("settle");
    let all = union(&a, &h);
    assert_converged(&a, &h, &all);
    assert_eq!(sync_db(&a, &h).expect("last").mode, Mode::InSync);
}

#[test]
fn objects_of_unknown_types_and_versions_are_passed_on_unindexed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (
        db(dir.path(), "a.db"),
        db(dir.path(), "b.db"),
        db(dir.path(), "c.db"),
    );
    let future = [
        Object::from_value(&json!({"type": "claim", "v": 2, "speaker": "x", "new": [1, 2]}))
            .expect("claim v2"),
        Object::from_value(&json!({"type": "relation", "v": 2, "from": "a", "to": "b"}))
            .expect("relation"),
    ];
    put(&mut Store::open(&a).expect("a"), &future);
    drop(Store::open(&b).expect("b"));
    sync_db(&a, &b).expect("a to b");
    let file = dir.path().join("f.bundle");
    bundle::create(&Store::open(&b).expect("b"), &file, None).expect("create");
    bundle::apply(&mut Store::open(&c).expect("c"), &file, false).expect("apply");
    for p in [&b, &c] {
        let s = Store::open(p).expect("open");
        let stored: BTreeSet<String> = ids(&s);
        assert_eq!(
            stored,
            future
                .iter()
                .map(|o| o.id.to_hex())
                .collect::<BTreeSet<_>>()
        );
        assert_eq!(index_counts(&s), (0, 0, 0, 0));
        verified(&s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// Whatever arrives, the hub answers with a status, never a panic, and writes nothing it
    /// has not verified.
    #[test]
    fn the_hub_survives_any_frame(
        op in prop_oneof![
            Just("hello"), Just("ids"), Just("fetch"), Just("offer"), Just("push"),
            Just("reconcile"), Just("nonsense")
        ],
        numbers in proptest::collection::vec(any::<i64>(), 0..4),
        text in "[ -~]{0,40}",
        tail in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = db(dir.path(), "h.db");
        put(&mut Store::open(&path).expect("h"), &article(1));
        let mut hub = claims::sync::hub::Hub::new(Store::open(&path).expect("h"), Limits::default())
            .expect("hub");
        let n = |i: usize| numbers.get(i).copied().unwrap_or(0);
        let headers = [
            json!({"op": op, "protocol": n(0), "replica": text}),
            json!({"op": op, "after": n(0), "limit": n(1), "expect": text}),
            json!({"op": op, "runs": [[n(0), n(1)], [n(2), n(3)]]}),
            json!({"op": op, "ids": [text]}),
            json!({"op": op, "replica": text, "count": n(0).rem_euclid(3)}),
            json!({"op": op, "ranges": [{"prefix": text, "count": n(0), "fp": text}]}),
        ];
        for header in headers {
            let mut frame = serde_json::to_vec(&header).expect("json");
            frame.push(b'\n');
            frame.extend_from_slice(&tail);
            let answer = hub.handle(&frame, true, "test");
            prop_assert!([200, 400, 401, 404, 413, 422].contains(&answer.status), "{}", answer.status);
        }
        drop(hub);
        let s = Store::open(&path).expect("h");
        verified(&s);
        prop_assert_eq!(ids(&s).len(), 6);
    }

    #[test]
    fn any_bytes_as_a_bundle_are_refused_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut b = b"CLMSBNDL\0\0\0\x01".to_vec();
        b.extend_from_slice(&bytes);
        prop_assert!(bundle::parse(Path::new("x.bundle"), &b).is_err());
        prop_assert!(bundle::parse(Path::new("x.bundle"), &bytes).is_err());
    }
}
