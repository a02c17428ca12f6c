//! A panic on a worker thread ends the command with a message and a non-zero exit, never with
//! a report that looks complete. The panics are injected with `CLAIMS_FAULT` (honoured by
//! debug builds only, what `cargo test` builds; see `src/fault.rs`).

use crate::common::{stderr, stdout, Env};

/// Runs `claims ARGS` with the fault `fault` injected: it must exit with 1 and say `message`.
fn fails_with_fault(env: &Env, fault: &str, args: &[&str], message: &str) -> std::process::Output {
    let out = env
        .cmd()
        .env("CLAIMS_FAULT", fault)
        .args(args)
        .output()
        .expect("claims runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(message), "{err}");
    out
}

#[test]
fn a_panic_of_the_import_planner_fails_the_import() {
    let env = Env::new();
    for (name, title) in [("a.txt", "First"), ("b.txt", "Second"), ("c.txt", "Third")] {
        env.write(
            name,
            &format!("{title} story\nThe mayor said that the {name} bridge would reopen.\n"),
        );
    }
    let out = fails_with_fault(
        &env,
        "import-planner:2",
        &["import", "a.txt", "b.txt", "c.txt"],
        "claims: error: internal error: the planning thread stopped (fault injected at \
         import-planner:2 (CLAIMS_FAULT)) after 1 of 3 files; the files reported before \
         this were imported",
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
fn a_panic_of_the_import_checkpointer_fails_the_import_and_keeps_the_files() {
    let env = Env::new();
    env.write(
        "a.txt",
        "A story\nThe mayor said that the bridge would reopen.\n",
    );
    let out = fails_with_fault(
        &env,
        "import-checkpoint:1",
        &["import", "a.txt"],
        "claims: error: internal error: the checkpointing thread stopped (fault injected at \
         import-checkpoint:1 (CLAIMS_FAULT)) after 1 of 1 files; the files reported before \
         this were imported",
    );
    assert!(
        stdout(&out).starts_with("a.txt: new version 1 of \"A story\""),
        "{}",
        stdout(&out)
    );
    // The file was committed before the thread stopped: importing it again finds it stored.
    let again = env.ok(&["import", "a.txt"]);
    assert!(
        again.ends_with(
            "1 file: 0 new versions, 0 new claims, 0 new objects; 0 failed. Database: claims.db\n"
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
    let out = fails_with_fault(
        &env,
        "sync-fetch:1",
        &["sync", "other.db"],
        "claims: error: internal error: the fetch thread of the sync stopped (fault injected \
         at sync-fetch:1 (CLAIMS_FAULT)); the batches stored before it are kept",
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

/// Every row of every table of a database (virtual and shadow tables included), each table's
/// rows sorted.
fn every_row(db: &std::path::Path) -> Vec<(String, Vec<String>)> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("tables");
    tables
        .into_iter()
        .map(|table| {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM \"{table}\""))
                .expect("prepare");
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    (0..n)
                        .map(|i| r.get_ref(i).map(text))
                        .collect::<Result<Vec<_>, _>>()
                        .map(|v| v.join(" | "))
                })
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            rows.sort();
            (table, rows)
        })
        .collect()
}

/// A value of a row, as text.
fn text(value: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(x) => x.to_string(),
        ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => format!("x'{}'", hex::encode(b)),
    }
}

/// The JSON reports of an import's files, in order.
fn reports(out: &std::process::Output) -> Vec<serde_json::Value> {
    let summary: serde_json::Value = serde_json::from_str(&stdout(out)).expect("json");
    summary["imported"].as_array().expect("imported").clone()
}

#[test]
fn a_file_that_fails_while_written_is_undone_alone_and_its_batch_is_stored() {
    // Each file is an optimistic unit (no savepoint): when one fails while it is written, the
    // batch's transaction is rolled back and its earlier files are written again. The fault:
    // the write path refuses one object (`ledger-put:N:fail`) of the fourth of seven files, in
    // one batch, after that file's document, version and first claim were stored. Afterwards
    // the database is, row for row, an import of the six other files, and so are their
    // reports.
    let env = Env::new();
    let files: Vec<String> = (0..7u64)
        .map(|i| {
            let name = format!("a{i}.txt");
            // Seeds that share claims (wire copy), so later files find earlier ones' claims.
            env.write(&name, &claims::synth::article(i % 5, 2 + (i % 3) as usize));
            name
        })
        .collect();
    // The first file is imported before: in the batch it is found in the import log.
    env.ok(&["import", "a0.txt"]);
    std::fs::copy(env.db(), env.path("clean.db")).expect("copy");
    // Where the fourth file's objects begin among the objects offered to the write path: a
    // file of one article offers its document, its version, then each mention's claim and the
    // mention.
    let reference = Env::new();
    let mut passes = 0;
    for (i, name) in files.iter().enumerate().take(3).skip(1) {
        reference.write(
            name,
            &std::fs::read_to_string(env.path(name)).expect("read"),
        );
        let out = reference.run(&["--format", "json", "import", name]);
        let report = &reports(&out)[0];
        let mentions = report["versions"][0]["claims"].as_u64().expect("claims");
        assert!(mentions >= 2, "file {i}: {mentions} mentions");
        passes += 2 + 2 * mentions;
    }
    let n = passes + 3;
    let mut args = vec!["--format", "json", "import"];
    args.extend(files.iter().map(String::as_str));
    let out = env
        .cmd()
        .env("CLAIMS_FAULT", format!("ledger-put:{n}:fail"))
        .args(&args)
        .output()
        .expect("claims runs");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(summary["failed"], 1, "{summary:#}");
    let error = summary["errors"][0]["error"].as_str().expect("error");
    assert!(
        error.starts_with("a3.txt: object ")
            && error.ends_with("is refused: a fault was injected at ledger-put (CLAIMS_FAULT)"),
        "{error}"
    );
    let faulted = reports(&out);
    assert_eq!(faulted.len(), 6);
    assert_eq!(faulted[0]["cached"], true, "{:#}", faulted[0]);

    let mut args = vec!["--db", "clean.db", "--format", "json", "import"];
    args.extend(files.iter().filter(|f| *f != "a3.txt").map(String::as_str));
    let clean = env.run(&args);
    assert_eq!(clean.status.code(), Some(0), "{}", stderr(&clean));
    assert_eq!(faulted, reports(&clean));
    assert_eq!(ids(&env.db()), ids(&env.path("clean.db")));
    let (a, b) = (every_row(&env.db()), every_row(&env.path("clean.db")));
    assert_eq!(
        a.iter().map(|t| &t.0).collect::<Vec<_>>(),
        b.iter().map(|t| &t.0).collect::<Vec<_>>()
    );
    for ((table, x), (_, y)) in a.iter().zip(&b) {
        assert_eq!(x, y, "table {table}");
    }
    assert!(a
        .iter()
        .any(|(t, rows)| t == "found_relations" && !rows.is_empty()));
    // The failed file, imported again, is stored as in an import without the fault.
    env.ok(&["import", "a3.txt"]);
    env.ok(&["--db", "clean.db", "import", "a3.txt"]);
    assert_eq!(ids(&env.db()), ids(&env.path("clean.db")));
}

/// `seq id` of every object, in seq order.
fn ids(db: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut stmt = conn
        .prepare("SELECT seq || ' ' || id FROM objects ORDER BY seq")
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("ids")
}
