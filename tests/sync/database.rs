//! Database-to-database sync: first and incremental syncs, copied databases, a hub restored
//! from a backup, writes during a sync, a database with itself, and dry runs.

use crate::support::*;
use claims::store::Store;
use claims::sync::peer::DbPeer;
use claims::sync::{self, Mode, Options};

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
