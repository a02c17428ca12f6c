//! The HTTP hub: convergence, tokens, size limits, a `claims serve` process killed mid-sync,
//! clients syncing at the same time, and any frame the hub may receive.

use crate::common::sql;
use crate::support::*;
use claims::store::Store;
use claims::sync::peer::HttpPeer;
use claims::sync::server::ServeOptions;
use claims::sync::wire::Limits;
use claims::sync::{self, Mode, Options, Peer, SyncError};
use proptest::prelude::*;
use serde_json::json;
use std::path::PathBuf;

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
    let mut child = crate::common::claims(dir.path())
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
    // Cut mid-transfer: three pushes landed, the rest did not. Each push but the session's last
    // is followed by more, so the hub held back the last article it started (6 objects, pushes
    // are cut between articles) to store it with the next push, and lost it with the process.
    let at_b = ids(&Store::open(&b).expect("b")).len();
    assert!(at_b > 26 + 3 && at_b < expected.len(), "{at_b}");
    assert_eq!(at_b as i64, 26 + sent - 6);
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
}

#[test]
fn a_push_followed_by_more_has_its_last_article_stored_with_the_next_push() {
    use claims::sync::wire::{self, Mark, Request};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(dir.path(), "h.db");
    drop(Store::open(&path).expect("h"));
    let mut hub = claims::sync::hub::Hub::new(Store::open(&path).expect("h"), Limits::default())
        .expect("hub");
    // Two articles of 6 objects (document, version, two claims, two mentions), the second cut
    // after its first claim: the cut a client makes when an article is larger than one push.
    let (first, second) = (article(1), article(2));
    let bodies = |objects: &[claims::objects::Object]| -> Vec<String> {
        objects.iter().map(|o| o.body.clone()).collect()
    };
    let mut push = |objects: &[claims::objects::Object], more: bool, seq: i64| {
        let request = Request::Push {
            replica: "client".into(),
            cursor: Some(Mark {
                seq,
                chain: [seq as u8; 32],
            }),
            count: objects.len() as u64,
            more,
        };
        let answer = hub.handle(&wire::encode(&request, &bodies(objects)), true, "test");
        assert_eq!(answer.status, 200);
    };
    let stored = |path: &std::path::Path| ids(&Store::open(path).expect("h"));
    let cursor = |path: &std::path::Path| {
        Store::open(path)
            .expect("h")
            .replica()
            .cursor("client")
            .expect("cursor")
            .map(|m| m.seq)
    };
    let head: Vec<_> = first.iter().chain(&second[..3]).cloned().collect();
    push(&head, true, 9);
    // The first article is stored; the second, which the push started, waits, and so does
    // the cursor, which covers it.
    let first_ids: std::collections::BTreeSet<String> =
        first.iter().map(|o| o.id.to_hex()).collect();
    assert_eq!(stored(&path), first_ids);
    assert_eq!(cursor(&path), None);
    push(&second[3..], false, 12);
    let all: std::collections::BTreeSet<String> =
        first.iter().chain(&second).map(|o| o.id.to_hex()).collect();
    assert_eq!(stored(&path), all);
    assert_eq!(cursor(&path), Some(12));
    verified(&Store::open(&path).expect("h"));
}
