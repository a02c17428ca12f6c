//! Hostile input and faults on the sync paths (issue 17): tampered objects, bundle bombs, hub
//! work limits. Each test first reproduces what the fault campaign broke.

mod common;

use claims::store::Store;
use claims::sync::peer::HttpPeer;
use claims::sync::server::{Running, ServeOptions, Server};
use claims::sync::{self, Options, SyncError};
use common::{ids, stderr, Env};
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::Path;

/// Two databases: `a.db` with the seed article, `b.db` with another one.
fn two(env: &Env) -> (String, String) {
    let a = env.seed();
    let b = env.path(&env.copy("seeds/tidewater-bridge.md"));
    env.ok(&["--db", "a.db", "import", a.to_str().expect("path")]);
    env.ok(&["--db", "b.db", "import", b.to_str().expect("path")]);
    ("a.db".to_string(), "b.db".to_string())
}

fn open(env: &Env, name: &str) -> Store {
    Store::open(&env.path(name)).expect("open")
}

fn id_set(env: &Env, name: &str) -> BTreeSet<String> {
    ids(&open(env, name)).into_iter().collect()
}

/// Edits the body of the first mention as an attacker with the file would: the append-only
/// trigger dropped, one character of the sentence changed (the body stays canonical JSON, so
/// it is a valid object with another id), the trigger put back. Returns the id it is stored
/// under and the id its body now hashes to.
fn tamper(path: &Path) -> (String, String) {
    tamper_first(path, "mention", "sentence")
}

/// Edits the first object of this type, as [`tamper`] does, changing the string `field`.
fn tamper_first(path: &Path, kind: &str, field: &str) -> (String, String) {
    let conn = rusqlite::Connection::open(path).expect("open");
    let (id, body): (String, String) = conn
        .query_row(
            "SELECT id, body FROM objects WHERE type = ?1 ORDER BY seq LIMIT 1",
            [kind],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("an object of the type");
    let forged = body.replacen(&format!("\"{field}\":\""), &format!("\"{field}\":\"X"), 1);
    assert_ne!(forged, body);
    let forged_id = claims::objects::ObjectId::of_bytes(forged.as_bytes()).to_hex();
    conn.execute_batch("DROP TRIGGER objects_no_update")
        .expect("drop trigger");
    conn.execute("UPDATE objects SET body = ?1 WHERE id = ?2", (&forged, &id))
        .expect("update");
    conn.execute_batch(
        "CREATE TRIGGER objects_no_update BEFORE UPDATE ON objects BEGIN \
         SELECT RAISE(ABORT, 'objects are append-only: UPDATE is not allowed'); END;",
    )
    .expect("trigger back");
    (id, forged_id)
}

fn hub(path: &Path) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let server = Server::from_listener(listener).expect("server");
    server
        .spawn(
            Store::open(path).expect("open hub"),
            ServeOptions::default(),
        )
        .expect("spawn")
}

fn tampered_message(path: &str, id: &str, forged: &str) -> String {
    format!(
        "{path}: 1 stored object(s) do not match their ids (the database file was changed or \
         damaged) and are never sent (a sync sends all the rest, no bundle is written): {id} (its \
         body hashes to {forged}); run `claims verify`"
    )
}

#[test]
fn a_tampered_object_is_never_pushed_to_a_database_and_the_sync_never_says_in_sync() {
    let env = Env::new();
    let (a, b) = two(&env);
    let (id, forged) = tamper(&env.path(&a));
    let others: BTreeSet<String> = id_set(&env, &a).into_iter().filter(|i| *i != id).collect();
    // Before the fix the forged body was stored at b under a new valid id and both sides
    // then reported "in sync". Now: refused with the id, every other object sent, exit 3.
    for round in 0..2 {
        let out = env.run(&["--db", &a, "sync", &b]);
        assert_eq!(
            out.status.code(),
            Some(3),
            "round {round}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains(&tampered_message(&a, &id, &forged)),
            "round {round}: {}",
            stderr(&out)
        );
        let at_b = id_set(&env, &b);
        assert!(!at_b.contains(&forged), "round {round}: forged body stored");
        assert!(!at_b.contains(&id), "round {round}");
        assert!(others.is_subset(&at_b), "round {round}: the rest was sent");
    }
    // The other way, b pulling from a: a (answering as a hub) refuses to send it. Before, that
    // refusal stopped the whole sync, every time: nothing else of a's reached b and nothing of
    // b's reached a. Now the object is left out, everything else moves both ways, and every
    // later sync compares again and fails again (never "in sync").
    for round in 0..2 {
        let out = env.run(&["--db", &b, "sync", &a]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "round {round}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains(&format!(
                "1 object(s) stored at the hub do not match their ids (its database file was \
                 changed or damaged) and are not sent: {id} (its body hashes to {forged}); run \
                 `claims verify` on the hub; everything else was exchanged"
            )),
            "round {round}: {}",
            stderr(&out)
        );
        let (at_a, at_b) = (id_set(&env, &a), id_set(&env, &b));
        assert!(!at_b.contains(&forged) && !at_b.contains(&id));
        assert!(!at_a.contains(&forged));
        let mut expected_b = at_a.clone();
        expected_b.remove(&id);
        assert_eq!(
            at_b, expected_b,
            "round {round}: b holds all of a's but the tampered one"
        );
    }
    let log: Vec<String> = {
        let conn = rusqlite::Connection::open(env.path(&b)).expect("open");
        let mut stmt = conn
            .prepare("SELECT mode FROM sync_log ORDER BY rowid")
            .expect("log");
        let modes = stmt
            .query_map([], |r| r.get(0))
            .expect("rows")
            .collect::<Result<Vec<String>, _>>()
            .expect("modes");
        modes
    };
    assert!(
        !log.iter().any(|m| m == "in-sync"),
        "b never logged in sync: {log:?}"
    );
}

#[test]
fn a_tampered_object_is_never_pushed_to_an_http_hub() {
    let env = Env::new();
    let (a, b) = two(&env);
    let (id, forged) = tamper(&env.path(&a));
    let running = hub(&env.path(&b));
    for round in 0..2 {
        let mut local = open(&env, &a);
        let mut peer = HttpPeer::new(running.url(), None).expect("peer");
        let err = sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {})
            .expect_err("refused");
        assert!(
            matches!(&err, SyncError::Tampered { tampered, .. } if tampered.len() == 1
                && tampered[0].id == id && tampered[0].actual == forged),
            "round {round}: {err}"
        );
    }
    running.stop();
    let at_b = id_set(&env, &b);
    assert!(!at_b.contains(&forged) && !at_b.contains(&id));
    let others: BTreeSet<String> = id_set(&env, &a).into_iter().filter(|i| *i != id).collect();
    assert!(others.is_subset(&at_b));
}

#[test]
fn a_tampered_hub_object_is_never_stored_by_a_client() {
    let env = Env::new();
    let (a, b) = two(&env);
    let (id, forged) = tamper(&env.path(&b));
    let running = hub(&env.path(&b));
    // Before, the hub's refusal (500) ended every sync of every client at that object: nothing
    // after it was pulled and nothing of the client's was pushed. Now it is left out, the rest
    // moves both ways, and the sync fails naming it, again on the next run (its cursor for the
    // hub never passes the object, so the sets are compared again).
    for round in 0..3 {
        let mut local = open(&env, &a);
        let mut peer = HttpPeer::new(running.url(), None).expect("peer");
        let err = sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {})
            .expect_err("refused");
        drop(local);
        assert!(
            matches!(&err, SyncError::PeerTampered { tampered, .. } if tampered.len() == 1
                && tampered[0].id == id && tampered[0].actual == forged),
            "round {round}: {err}"
        );
        let at_a = id_set(&env, &a);
        assert!(
            !at_a.contains(&forged) && !at_a.contains(&id),
            "round {round}"
        );
        let mut expected = id_set(&env, &b);
        expected.remove(&id);
        assert_eq!(
            at_a, expected,
            "round {round}: a holds all but the tampered one"
        );
    }
    running.stop();
}

/// The ids of `id` and of every object that refers to it, directly or not.
fn with_dependents(path: &Path, id: &str) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut stmt = conn
        .prepare(
            "WITH RECURSIVE dep(id) AS (SELECT ?1 UNION SELECT o.id FROM objects o, dep \
             WHERE instr(o.body, dep.id) > 0 AND o.id <> dep.id) SELECT id FROM dep",
        )
        .expect("query");
    let rows = stmt
        .query_map([id], |r| r.get(0))
        .expect("rows")
        .collect::<Result<BTreeSet<String>, _>>()
        .expect("ids");
    rows
}

#[test]
fn a_tampered_document_is_held_back_with_what_refers_to_it_and_the_rest_is_pushed() {
    let env = Env::new();
    let (a, b) = two(&env);
    let (id, forged) = tamper_first(&env.path(&a), "document", "key");
    let dependents = with_dependents(&env.path(&a), &id);
    assert!(dependents.len() > 2, "{dependents:?}");
    let running = hub(&env.path(&b));
    // Before, the versions and mentions of the document went out without it and the hub
    // refused their push (422): nothing after them reached it, every time.
    for round in 0..2 {
        let mut local = open(&env, &a);
        let mut peer = HttpPeer::new(running.url(), None).expect("peer");
        let err = sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {})
            .expect_err("refused");
        drop(local);
        assert!(
            matches!(&err, SyncError::Tampered { tampered, .. } if tampered.len() == 1
                && tampered[0].id == id && tampered[0].actual == forged),
            "round {round}: {err}"
        );
        let at_b = id_set(&env, &b);
        let expected: BTreeSet<String> =
            id_set(&env, &a).difference(&dependents).cloned().collect();
        assert!(expected.is_subset(&at_b), "round {round}");
        assert!(at_b.is_disjoint(&dependents), "round {round}");
        assert!(!at_b.contains(&forged));
    }
    running.stop();
}

#[test]
fn a_tampered_hub_document_leaves_out_what_refers_to_it_and_nothing_else() {
    let env = Env::new();
    let (a, b) = two(&env);
    let (id, forged) = tamper_first(&env.path(&b), "document", "key");
    let running = hub(&env.path(&b));
    // The document's versions, mentions and what refers to them cannot be stored without it
    // (the ledger would refuse their whole batch): they are left out with it, the rest moves.
    let dependents = with_dependents(&env.path(&b), &id);
    assert!(dependents.len() > 2, "{dependents:?}");
    for round in 0..2 {
        let mut local = open(&env, &a);
        let mut peer = HttpPeer::new(running.url(), None).expect("peer");
        let err = sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {})
            .expect_err("refused");
        drop(local);
        assert!(
            matches!(&err, SyncError::PeerTampered { tampered, .. } if tampered.len() == 1
                && tampered[0].id == id && tampered[0].actual == forged),
            "round {round}: {err}"
        );
        let at_a = id_set(&env, &a);
        let at_b = id_set(&env, &b);
        let expected: BTreeSet<String> = at_b.difference(&dependents).cloned().collect();
        assert!(expected.is_subset(&at_a), "round {round}");
        assert!(at_a.is_disjoint(&dependents), "round {round}");
    }
    running.stop();
}

#[test]
fn a_bundle_is_never_written_with_a_tampered_object() {
    let env = Env::new();
    let (a, _) = two(&env);
    let (id, forged) = tamper(&env.path(&a));
    let out = env.run(&["--db", &a, "bundle", "create", "out.bundle"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&tampered_message(&a, &id, &forged)),
        "{}",
        stderr(&out)
    );
    assert!(!env.path("out.bundle").exists());
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_65_kb_line_bomb_bundle_is_refused_in_less_than_64_mib() {
    let env = Env::new();
    let seed = env.seed();
    env.ok(&["import", seed.to_str().expect("path")]);
    let before = id_set(&env, "claims.db");
    // 67 million newlines: the campaign's 65 KB bundle that took 1.1 GB before it was refused.
    let lines = 67_000_000u64;
    let bomb = common::forge_bundle(lines, &vec![b'\n'; lines as usize]);
    assert!(bomb.len() < 70_000, "{} bytes", bomb.len());
    std::fs::write(env.path("bomb.bundle"), &bomb).expect("write");
    let out = env.run_with_data_cap(65536, &["bundle", "apply", "bomb.bundle"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "claims: error: bomb.bundle: object 0 (line 1) is refused: not valid JSON: EOF \
             while parsing a value at line 1 column 0"
        ),
        "{}",
        stderr(&out)
    );
    // One line as long as the whole payload: refused at the object size limit.
    let long = common::forge_bundle(1, &vec![b'a'; 67_000_000]);
    std::fs::write(env.path("long.bundle"), &long).expect("write");
    let out = env.run_with_data_cap(65536, &["bundle", "apply", "long.bundle"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "claims: error: long.bundle: object 0 (line 1) is longer than 16777216 bytes, the \
         largest object a database takes; nothing was stored\n"
    );
    assert_eq!(id_set(&env, "claims.db"), before);
}

#[test]
fn a_bundle_that_fails_at_its_end_stores_nothing_of_what_streamed_in() {
    // Good objects first, then a count that does not match: the objects were stored as they
    // streamed in and must all be undone.
    let env = Env::new();
    let (a, b) = two(&env);
    env.ok(&["--db", &a, "bundle", "create", "a.bundle"]);
    let objects = claims::sync::bundle::read(&env.path("a.bundle")).expect("read");
    let mut payload = Vec::new();
    for o in &objects {
        payload.extend_from_slice(o.body.as_bytes());
        payload.push(b'\n');
    }
    std::fs::write(
        env.path("more.bundle"),
        common::forge_bundle(objects.len() as u64 - 1, &payload),
    )
    .expect("write");
    let before = id_set(&env, &b);
    let out = env.run(&["--db", &b, "bundle", "apply", "more.bundle"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "claims: error: more.bundle: corrupt: the header announces {} objects, the payload \
             holds {}\n",
            objects.len() - 1,
            objects.len()
        )
    );
    assert_eq!(id_set(&env, &b), before);
}

fn hub_with(path: &Path, token: Option<&str>) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let server = Server::from_listener(listener).expect("server");
    server
        .spawn(
            Store::open(path).expect("open hub"),
            ServeOptions {
                token: token.map(str::to_string),
                ..ServeOptions::default()
            },
        )
        .expect("spawn")
}

fn exchange(url: &str, frame: &[u8]) -> (u16, String) {
    use claims::sync::Peer;
    let mut peer = HttpPeer::new(url, None).expect("peer");
    let (status, reply) = peer.exchange(frame.to_vec()).expect("answered");
    (status, String::from_utf8_lossy(&reply).into_owned())
}

#[test]
fn an_unauthorised_push_is_refused_before_its_bodies_are_read() {
    let env = Env::new();
    let (_, b) = two(&env);
    let running = hub_with(&env.path(&b), Some("s3cret"));
    // Bodies that are not even UTF-8: before the fix the hub decoded them first (400); the
    // token is now checked on the header alone.
    let mut frame = b"{\"op\":\"push\",\"replica\":\"x\",\"count\":2}\n".to_vec();
    frame.extend_from_slice(b"\xff\xfe\n\xff\n");
    let (status, reply) = exchange(running.url(), &frame);
    assert_eq!(status, 401, "{reply}");
    assert_eq!(
        reply,
        "{\"op\":\"error\",\"status\":401,\"error\":\"pushing to this hub needs its token \
         (--token)\"}\n"
    );
    running.stop();
}

#[test]
fn reconcile_ranges_that_overlap_are_refused_without_scanning() {
    let env = Env::new();
    let (_, b) = two(&env);
    let before = id_set(&env, &b);
    let running = hub_with(&env.path(&b), None);
    let range = |p: &str| {
        format!(
            "{{\"prefix\":\"{p}\",\"count\":0,\"fp\":\"{}\"}}",
            "0".repeat(32)
        )
    };
    // The campaign's amplification: the same whole-space range many times in one request.
    let many: Vec<String> = (0..100).map(|_| range("")).collect();
    let frame = format!("{{\"op\":\"reconcile\",\"ranges\":[{}]}}\n", many.join(","));
    let (status, reply) = exchange(running.url(), frame.as_bytes());
    assert_eq!(status, 400);
    assert_eq!(
        reply,
        "{\"op\":\"error\",\"status\":400,\"error\":\"ranges \\\"\\\" and \\\"\\\" overlap; a \
         request's ranges must not\"}\n"
    );
    let frame = format!(
        "{{\"op\":\"reconcile\",\"ranges\":[{},{},{}]}}\n",
        range("b"),
        range("a"),
        range("a0")
    );
    let (status, reply) = exchange(running.url(), frame.as_bytes());
    assert_eq!(status, 400, "{reply}");
    assert!(
        reply.contains("ranges \\\"a\\\" and \\\"a0\\\" overlap"),
        "{reply}"
    );
    // Ranges side by side are answered.
    let frame = format!(
        "{{\"op\":\"reconcile\",\"ranges\":[{},{}]}}\n",
        range("a"),
        range("b")
    );
    let (status, reply) = exchange(running.url(), frame.as_bytes());
    assert_eq!(status, 200, "{reply}");
    running.stop();
    assert_eq!(id_set(&env, &b), before);
}

/// Writes to the hub between the first and the second round of a reconciliation, as other
/// clients do to a live hub.
struct Live {
    inner: claims::sync::peer::DbPeer,
    reconciles: usize,
    between_rounds: Option<Box<dyn FnOnce() + Send>>,
}

impl claims::sync::Peer for Live {
    fn exchange(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError> {
        // A round of set reconciliation: `coded` and `locate` (protocol 3; the first `coded`
        // usually decodes the difference, so the write comes before the `locate`), `symbols`
        // (protocol 2) or `reconcile` (protocol 1).
        let round = [
            &b"{\"op\":\"coded\""[..],
            b"{\"op\":\"locate\"",
            b"{\"op\":\"symbols\"",
            b"{\"op\":\"reconcile\"",
        ];
        if round.iter().any(|op| frame.starts_with(op)) {
            self.reconciles += 1;
            if self.reconciles == 2 {
                if let Some(write) = self.between_rounds.take() {
                    write();
                }
            }
        }
        self.inner.exchange(frame)
    }

    fn address(&self) -> String {
        self.inner.address()
    }
}

#[test]
fn first_contact_succeeds_while_the_hub_is_written_to() {
    let env = Env::new();
    for seed in [
        "seeds/avdiivka.txt",
        "seeds/grain-exports.html",
        "seeds/tidewater-bridge.md",
        "seeds/wire-briefs.jsonl",
    ] {
        let name = env.copy(seed);
        env.ok(&["--db", "hub.db", "import", &name]);
    }
    env.write(
        "mine.txt",
        "title: Harbour\n\nThe harbour master said the quay will reopen on Monday.\n",
    );
    env.ok(&["--db", "a.db", "import", "mine.txt"]);
    let mut late = String::from("title: Late news\n\n");
    for i in 0..40 {
        late.push_str(&format!(
            "Official number {i} said that figure {i} rose sharply.\n"
        ));
    }
    env.write("late.txt", &late);
    let snapshot = id_set(&env, "hub.db");
    assert!(
        snapshot.len() > 100,
        "{} objects: enough for several rounds",
        snapshot.len()
    );

    let added = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let (hub_path, dir, record) = (
        env.path("hub.db"),
        env.dir.path().to_path_buf(),
        added.clone(),
    );
    let write = move || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_claims"))
            .current_dir(&dir)
            .args(["--db", "hub.db", "import", "late.txt"])
            .output()
            .expect("import runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let now: BTreeSet<String> = ids(&Store::open(&hub_path).expect("hub"))
            .into_iter()
            .collect();
        *record.lock().expect("lock") = now.difference(&snapshot).cloned().collect();
    };
    let mut peer = Live {
        inner: claims::sync::peer::DbPeer::open(&env.path("a.db"), &env.path("hub.db"))
            .expect("peer"),
        reconciles: 0,
        between_rounds: Some(Box::new(write)),
    };
    let mut local = open(&env, "a.db");
    let report = sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {})
        .expect("first contact succeeds");
    assert_eq!(report.mode, sync::Mode::Full);
    assert!(peer.reconciles >= 2, "{} rounds", peer.reconciles);
    drop(peer);
    let late_ids = added.lock().expect("lock").clone();
    assert!(late_ids.len() > 40, "{}", late_ids.len());
    // Reconciled against the hub as it was at hello: nothing of what arrived later.
    let at_a = id_set(&env, "a.db");
    assert!(at_a.is_disjoint(&late_ids));
    // The next sync brings it, and both sides hold the same.
    drop(local);
    let out = env.run(&["--db", "a.db", "sync", "hub.db"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let at_a = id_set(&env, "a.db");
    assert!(late_ids.is_subset(&at_a));
    assert_eq!(at_a, id_set(&env, "hub.db"));
}

/// A hub of an older release: it refuses a hello in a protocol newer than `max` (400, as
/// such a hub does) and records the ops it is asked.
struct Older {
    inner: claims::sync::peer::DbPeer,
    max: u32,
    ops: Vec<String>,
}

impl claims::sync::Peer for Older {
    fn exchange(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError> {
        let line = frame.split(|&b| b == b'\n').next().unwrap_or_default();
        let header: serde_json::Value = serde_json::from_slice(line).expect("json header");
        let op = header["op"].as_str().unwrap_or_default().to_string();
        if op == "hello" && header["protocol"].as_u64().unwrap_or(0) > u64::from(self.max) {
            let error = serde_json::json!({"op": "error", "status": 400, "error": "protocol"});
            return Ok((400, format!("{error}\n").into_bytes()));
        }
        self.ops.push(op);
        self.inner.exchange(frame)
    }

    fn address(&self) -> String {
        self.inner.address()
    }
}

#[test]
fn a_client_speaks_protocol_2_or_1_with_a_hub_that_predates_3() {
    for (max, round) in [(2, "symbols"), (1, "reconcile"), (3, "coded")] {
        let env = Env::new();
        let (a, b) = two(&env);
        let expected: BTreeSet<String> =
            id_set(&env, &a).union(&id_set(&env, &b)).cloned().collect();
        let mut peer = Older {
            inner: claims::sync::peer::DbPeer::open(&env.path(&a), &env.path(&b)).expect("peer"),
            max,
            ops: vec![],
        };
        let mut local = open(&env, &a);
        let report =
            sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("syncs");
        assert_eq!(report.mode, sync::Mode::Full, "protocol {max}");
        assert_eq!(peer.ops[0], "hello");
        assert_eq!(peer.ops[1], round, "protocol {max}: {:?}", peer.ops);
        for newer in ["coded", "symbols", "reconcile"] {
            assert_eq!(
                peer.ops.iter().any(|op| op == newer),
                newer == round,
                "protocol {max}: {:?}",
                peer.ops
            );
        }
        drop((peer, local));
        assert_eq!(id_set(&env, &a), expected, "protocol {max}");
        assert_eq!(id_set(&env, &b), expected, "protocol {max}");
    }
}

#[test]
fn protocol_3_frames_with_bad_raw_bytes_or_probes_are_refused() {
    let env = Env::new();
    let (a, _) = two(&env);
    let running = hub(&env.path(&a));
    // `locate` with raw ids: the header announces the bytes; fewer, more, or bytes that are not
    // whole ids are a 400, as is a probe of the wrong size.
    let cases: [(&[u8], &str); 6] = [
        (
            b"{\"op\":\"locate\",\"bytes\":64}\nshort",
            "announces 64 bytes, 5 arrived",
        ),
        (
            b"{\"op\":\"locate\",\"bytes\":1}\nab",
            "1 bytes after its last object",
        ),
        (
            b"{\"op\":\"locate\",\"bytes\":5}\nabcde",
            "5 bytes are not whole 32-byte ids",
        ),
        (b"{\"op\":\"locate\"}\n", "locate names no ids"),
        (
            b"{\"op\":\"coded\",\"from\":0,\"to\":64,\"probe\":\"AAAA\"}\n",
            "this one is 3",
        ),
        (
            b"{\"op\":\"coded\",\"from\":9,\"to\":3}\n",
            "the end is before the start",
        ),
    ];
    for (frame, message) in cases {
        let (status, reply) = exchange(running.url(), frame);
        assert_eq!(status, 400, "{reply}");
        assert!(reply.contains(message), "{reply}");
    }
    // Too many symbols at once: 413, before any is computed.
    let (status, reply) = exchange(
        running.url(),
        b"{\"op\":\"coded\",\"from\":0,\"to\":10001}\n",
    );
    assert_eq!(status, 413, "{reply}");
    // A well-formed ask is answered with exactly the raw bytes its header announces.
    let (status, reply) = exchange(running.url(), b"{\"op\":\"coded\",\"from\":0,\"to\":3}\n");
    assert_eq!(status, 200);
    let header = reply.split('\n').next().expect("header");
    assert!(
        header.starts_with("{\"op\":\"coded\",\"from\":0,\"to\":3,\"want\":3,\"bytes\":117}"),
        "{header}"
    );
    running.stop();
}

#[test]
fn a_hub_on_an_open_address_without_a_token_is_refused() {
    // Before: it served, with a warning, and took anyone's pushes.
    let env = Env::new();
    env.ok(&["import", env.seed().to_str().expect("path")]);
    let out = env.run(&["serve", "--addr", "0.0.0.0:0"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "claims: error: 0.0.0.0:0: not a loopback address, and no --token-file: anyone who \
         can connect could push; give --token-file (or --allow-anyone-to-push to mean it)\n"
    );
    assert_eq!(common::stdout(&out), "");
}

#[test]
fn plain_http_on_an_open_address_is_refused_without_insecure_listen() {
    let env = Env::new();
    env.ok(&["import", env.seed().to_str().expect("path")]);
    let out = env.run(&["serve", "--addr", "0.0.0.0:0", "--allow-anyone-to-push"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).ends_with(
            "claims: error: 0.0.0.0:0: plain HTTP on an address other than loopback: tokens and \
             objects would travel in clear; give --tls-cert and --tls-key (or --insecure-listen \
             to mean it)\n"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(common::stdout(&out), "");
}

/// Sends `request` on a new connection and reads until the server closes it.
#[test]
fn an_http_2_request_line_gets_505_from_the_hub() {
    let env = Env::new();
    let (a, _) = two(&env);
    let running = hub(&env.path(&a));
    let addr = running.url().trim_start_matches("http://").to_string();
    // Before, these were answered as if HTTP/1.1 (a frame error or a 404); an HTTP/2 client
    // was told nothing it could act on. Now: 505 at once, and the connection closed.
    for request in [
        &b"POST /v1/sync HTTP/2.0\r\nContent-Length: 0\r\n\r\n"[..],
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"GET / HTTP/3\r\n\r\n",
    ] {
        let reply = common::raw_exchange(&addr, request);
        assert!(
            reply.starts_with("HTTP/1.1 505 HTTP Version Not Supported\r\n"),
            "{reply}"
        );
        assert!(reply.contains("\r\nConnection: close\r\n"), "{reply}");
        assert!(
            reply.contains("this hub speaks HTTP/1.1, not HTTP/"),
            "{reply}"
        );
    }
    let reply = common::raw_exchange(&addr, b"POST /v1/sync\r\n\r\n");
    assert!(reply.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{reply}");
    // HTTP/1.0 is still spoken.
    let reply = common::raw_exchange(&addr, b"GET / HTTP/1.0\r\n\r\n");
    assert!(reply.starts_with("HTTP/1.1 404 Not Found\r\n"), "{reply}");
    running.stop();
}
