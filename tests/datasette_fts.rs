//! Datasette finds the full-text tables (issue 13, migration 7).
//!
//! Datasette (`datasette/utils/__init__.py`, `detect_fts`) and sqlite-utils (`Table.detect_fts`)
//! find a table's FTS table by its declaration in `sqlite_master`:
//!
//! ```sql
//! select name from sqlite_master where rootpage = 0 and (
//!     sql like '%VIRTUAL TABLE%USING FTS%content="TABLE"%'
//!     or sql like '%VIRTUAL TABLE%USING FTS%content=[TABLE]%'
//!     or (tbl_name = "TABLE" and sql like '%VIRTUAL TABLE%USING FTS%'))
//! ```
//!
//! Schema 1 declared `content = 'claims'` (spaces, single quotes): none of the three matches,
//! so Datasette showed no search box on `claims` or `versions`. Then it searches with
//! `rowid in (select rowid from FTS where FTS match :search)`.

mod common;

use common::Env;

/// Datasette's lookup, as it runs it (its `detect_fts_sql`).
fn detect_fts(conn: &rusqlite::Connection, table: &str) -> Option<String> {
    let sql = format!(
        "select name from sqlite_master
            where rootpage = 0
            and (
                sql like '%VIRTUAL TABLE%USING FTS%content=\"{table}\"%'
                or sql like '%VIRTUAL TABLE%USING FTS%content=[{table}]%'
                or (
                    tbl_name = \"{table}\"
                    and sql like '%VIRTUAL TABLE%USING FTS%'
                )
            )"
    );
    conn.query_row(&sql, [], |r| r.get(0)).ok()
}

/// Datasette's table search: the rows whose FTS row matches.
fn datasette_search(
    conn: &rusqlite::Connection,
    table: &str,
    fts: &str,
    column: &str,
    q: &str,
) -> Vec<String> {
    let sql = format!(
        "select {column} from {table} where rowid in (select rowid from {fts} where {fts} match ?1) order by rowid"
    );
    let mut stmt = conn.prepare(&sql).expect("prepare");
    stmt.query_map([q], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn seeded() -> Env {
    let env = Env::new();
    env.ok(&["import", concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")]);
    env
}

#[test]
fn datasette_finds_the_fts_tables_of_a_new_database() {
    let env = seeded();
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    assert_eq!(detect_fts(&conn, "claims").as_deref(), Some("claims_fts"));
    assert_eq!(
        detect_fts(&conn, "versions").as_deref(),
        Some("versions_fts")
    );
    assert_eq!(
        datasette_search(&conn, "claims", "claims_fts", "content", "Pokrovsk"),
        ["Pokrovsk, a railway junction further east, could be the next Russian objective"]
    );
    assert_eq!(
        datasette_search(&conn, "versions", "versions_fts", "title", "Pokrovsk"),
        ["Dramatic bodycam of Ukrainian soldiers escaping Avdiivka as Russian troops takeover city"]
    );
    let version: i32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, claims::store::SCHEMA_VERSION);
}

#[test]
fn migration_7_makes_an_older_database_searchable_by_datasette() {
    let env = seeded();
    {
        // The database as schema 6 left it: the FTS tables as 0001 declared them.
        let conn = rusqlite::Connection::open(env.db()).expect("open");
        conn.execute_batch(
            "DROP INDEX found_relations_b;
             DROP TABLE claims_fts; DROP TABLE versions_fts;
             CREATE VIRTUAL TABLE claims_fts USING fts5(
                 speaker, content, content = 'claims', content_rowid = 'seq');
             CREATE VIRTUAL TABLE versions_fts USING fts5(
                 title, text, content = 'versions', content_rowid = 'seq');
             INSERT INTO claims_fts(claims_fts) VALUES ('rebuild');
             INSERT INTO versions_fts(versions_fts) VALUES ('rebuild');
             PRAGMA user_version = 6;",
        )
        .expect("back to schema 6");
        // Datasette does not find them: the bug.
        assert_eq!(detect_fts(&conn, "claims"), None);
        assert_eq!(detect_fts(&conn, "versions"), None);
    }
    // Any command opening it for writing migrates it.
    let out = env.ok(&["search", "Pokrovsk"]);
    assert!(
        out.contains("Pokrovsk, a railway junction further east"),
        "{out}"
    );
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    assert_eq!(detect_fts(&conn, "claims").as_deref(), Some("claims_fts"));
    assert_eq!(
        detect_fts(&conn, "versions").as_deref(),
        Some("versions_fts")
    );
    assert_eq!(
        datasette_search(&conn, "claims", "claims_fts", "speaker", "Sowa"),
        ["Irena Sowa", "Irena Sowa"]
    );
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("count") };
    assert_eq!(
        count("SELECT count(*) FROM claims_fts"),
        count("SELECT count(*) FROM claims")
    );
    assert_eq!(
        count("SELECT count(*) FROM versions_fts"),
        count("SELECT count(*) FROM versions")
    );
    drop(conn);
    // The full-text indexes match their tables, and the file is sound.
    let verify = env.run(&["verify"]);
    assert_eq!(verify.status.code(), Some(0), "{}", common::stderr(&verify));
    // New rows reach the recreated tables.
    env.write(
        "later.txt",
        "Ferry news\n\nThe harbour master said that the Pokrovsk ferry resumes on Monday.\n",
    );
    env.ok(&["import", "later.txt"]);
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    assert_eq!(
        datasette_search(&conn, "claims", "claims_fts", "content", "Pokrovsk").len(),
        2
    );
}
