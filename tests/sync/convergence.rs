//! Reconciliation across transports: random replicas that copy, cut and sync converge, and
//! objects of types or versions this release does not know are passed on unindexed.

use crate::support::*;
use claims::objects::Object;
use claims::store::Store;
use claims::sync::peer::{DbPeer, HttpPeer};
use claims::sync::server::ServeOptions;
use claims::sync::{self, bundle, Options, Report, SyncError};
use proptest::prelude::*;
use serde_json::json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

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
