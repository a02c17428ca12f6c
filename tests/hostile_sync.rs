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
    let conn = rusqlite::Connection::open(path).expect("open");
    let (id, body): (String, String) = conn
        .query_row(
            "SELECT id, body FROM objects WHERE type = 'mention' ORDER BY seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a mention");
    let forged = body.replacen("\"sentence\":\"", "\"sentence\":\"X", 1);
    assert_ne!(forged, body);
    let forged_id = claims::objects::ObjectId::of_bytes(forged.as_bytes()).to_hex();
    conn.execute_batch("DROP TRIGGER objects_no_update")
        .expect("drop trigger");
    conn.execute(
        "UPDATE objects SET body = ?1 WHERE id = ?2",
        (&forged, &id),
    )
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
        .spawn(Store::open(path).expect("open hub"), ServeOptions::default())
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
    let others: BTreeSet<String> = id_set(&env, &a)
        .into_iter()
        .filter(|i| *i != id)
        .collect();
    // Before the fix the forged body was stored at b under a new valid id and both sides
    // then reported "in sync". Now: refused with the id, every other object sent, exit 3.
    for round in 0..2 {
        let out = env.run(&["--db", &a, "sync", &b]);
        assert_eq!(out.status.code(), Some(3), "round {round}: {}", stderr(&out));
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
    // The other way, b pulling from a: a (answering as a hub) refuses to send it.
    let out = env.run(&["--db", &b, "sync", &a]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "1 object(s) stored at the hub do not match their ids (its database file was \
             changed or damaged) and are not sent: {id} (its body hashes to {forged})"
        )),
        "{}",
        stderr(&out)
    );
    let at_b = id_set(&env, &b);
    assert!(!at_b.contains(&forged) && !at_b.contains(&id));
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
    let others: BTreeSet<String> = id_set(&env, &a)
        .into_iter()
        .filter(|i| *i != id)
        .collect();
    assert!(others.is_subset(&at_b));
}

#[test]
fn a_tampered_hub_object_is_never_stored_by_a_client() {
    let env = Env::new();
    let (a, b) = two(&env);
    let (id, forged) = tamper(&env.path(&b));
    let running = hub(&env.path(&b));
    let mut local = open(&env, &a);
    let mut peer = HttpPeer::new(running.url(), None).expect("peer");
    let err = sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {})
        .expect_err("refused");
    running.stop();
    let text = err.to_string();
    assert!(
        matches!(err, SyncError::Refused { status: 500, .. }) && text.contains(&id),
        "{text}"
    );
    let at_a = id_set(&env, &a);
    assert!(!at_a.contains(&forged) && !at_a.contains(&id));
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
