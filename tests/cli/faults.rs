//! A panic on a worker thread ends the command with a message and a non-zero exit, never with
//! a report that looks complete. The panics are injected with `CLAIMS_FAULT` (honoured by
//! debug builds only, what `cargo test` builds; see `src/fault.rs`).

use crate::common::{stderr, stdout, Env};

#[test]
fn a_panic_of_the_import_planner_fails_the_import() {
    let env = Env::new();
    for (name, title) in [("a.txt", "First"), ("b.txt", "Second"), ("c.txt", "Third")] {
        env.write(
            name,
            &format!("{title} story\nThe mayor said that the {name} bridge would reopen.\n"),
        );
    }
    let out = env
        .cmd()
        .env("CLAIMS_FAULT", "import-planner:2")
        .args(["import", "a.txt", "b.txt", "c.txt"])
        .output()
        .expect("claims runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "claims: error: internal error: the planning thread stopped (fault injected at \
             import-planner:2 (CLAIMS_FAULT)) after 1 of 3 files; the files reported before \
             this were imported"
        ),
        "{err}"
    );
    // The file planned before the panic was imported and reported; no summary claims success.
    let text = stdout(&out);
    assert!(
        text.starts_with("a.txt: new version 1 of \"First story\""),
        "{text}"
    );
    assert!(!text.contains("0 failed"), "{text}");
    // Without the fault, the same import finishes the other two.
    let again = env.ok(&["import", "a.txt", "b.txt", "c.txt"]);
    assert!(
        again.ends_with(
            "3 files: 2 new versions, 2 new claims, 8 new objects; 0 failed. Database: claims.db\n"
        ),
        "{again}"
    );
}

#[test]
fn a_panic_of_the_sync_fetch_thread_fails_the_sync() {
    let env = Env::new();
    env.write(
        "a.txt",
        "A story\nThe mayor said that the bridge would reopen.\n",
    );
    env.ok(&["--db", "other.db", "import", "a.txt"]);
    env.ok(&["import", &env.copy("tests/fixtures/sync/ferry-courier.txt")]);
    let out = env
        .cmd()
        .env("CLAIMS_FAULT", "sync-fetch:1")
        .args(["sync", "other.db"])
        .output()
        .expect("claims runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "claims: error: internal error: the fetch thread of the sync stopped (fault injected \
             at sync-fetch:1 (CLAIMS_FAULT)); the batches stored before it are kept"
        ),
        "{err}"
    );
    assert!(!stdout(&out).contains("synced with"), "{}", stdout(&out));
    // The next sync completes, and the session that failed is logged as such.
    let done = env.ok(&["sync", "other.db"]);
    assert!(done.starts_with("synced with other.db"), "{done}");
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    let modes: Vec<String> = conn
        .prepare("SELECT mode FROM sync_log WHERE direction = 'sync' ORDER BY log_id")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(modes, ["failed", "full"]);
}
