//! The ledger through the library: idempotent import, deterministic ids, versions, verify,
//! rebuild, append-only objects, schema checks. Every test uses a real SQLite file.

use claims::extract::Extractor;
use claims::import::{import_paths, FileOutcome};
use claims::model::Overrides;
use claims::store::{Store, StoreError};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

const SEED: &str = "seeds/avdiivka.txt";

fn import(store: &mut Store, paths: &[&Path], overrides: &Overrides) -> Vec<FileOutcome> {
    let paths: Vec<PathBuf> = paths.iter().map(|p| p.to_path_buf()).collect();
    import_paths(
        store,
        &paths,
        overrides,
        &Extractor::new().expect("embedded lexicon"),
        |_, _, _, _| {},
    )
    .expect("import")
}

mod common;
use common::{ids, sql};

fn count(store: &Store, query: &str) -> i64 {
    sql(store).query_row(query, [], |r| r.get(0)).expect(query)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write fixture");
    p
}

#[test]
fn importing_twice_adds_nothing_the_second_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    let first = import(&mut store, &[Path::new(SEED)], &Overrides::default());
    let report = first[0].as_ref().expect("seed imports");
    assert!(report.new_objects >= 2);
    assert!(!report.cached);
    let before = ids(&store);
    assert_eq!(before.len(), report.new_objects);

    let second = import(&mut store, &[Path::new(SEED)], &Overrides::default());
    let report = second[0].as_ref().expect("seed imports again");
    assert_eq!(report.new_objects, 0);
    assert!(report.cached);
    assert!(!report.versions[0].new);
    assert_eq!(ids(&store), before);
    // Only the first import wrote objects; the second was answered from the import log.
    assert_eq!(count(&store, "SELECT count(*) FROM imports"), 1);
}

#[test]
fn the_same_bytes_under_another_name_add_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let copy = dir.path().join("copy.txt");
    std::fs::copy(SEED, &copy).expect("copy");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    import(&mut store, &[Path::new(SEED)], &Overrides::default());
    let before = ids(&store);
    let again = import(&mut store, &[&copy], &Overrides::default());
    assert_eq!(again[0].as_ref().expect("ok").new_objects, 0);
    assert_eq!(ids(&store), before);
}

#[test]
fn two_databases_importing_the_seed_get_identical_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut a = Store::open(&dir.path().join("a.db")).expect("open a");
    let mut b = Store::open(&dir.path().join("b.db")).expect("open b");
    import(&mut a, &[Path::new(SEED)], &Overrides::default());
    import(&mut b, &[Path::new(SEED)], &Overrides::default());
    assert_eq!(ids(&a), ids(&b));
    assert!(ids(&a).len() > 2);
}

#[test]
fn two_texts_under_one_url_are_one_document_with_two_versions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = write(
        dir.path(),
        "one.txt",
        "Town hall closes\nThe mayor said the town hall will close on Friday.\n",
    );
    let two = write(
        dir.path(),
        "two.txt",
        "Town hall closes\nThe mayor said the town hall will close on Monday.\n",
    );
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    let overrides = Overrides {
        url: Some("https://news.example/town-hall".into()),
        ..Overrides::default()
    };
    let out = import(&mut store, &[&one, &two], &overrides);
    let v1 = &out[0].as_ref().expect("one").versions[0];
    let v2 = &out[1].as_ref().expect("two").versions[0];
    assert_eq!(v1.document, v2.document);
    assert_ne!(v1.version, v2.version);
    assert_eq!((v1.number, v2.number), (1, 2));
    assert!(v1.new && v2.new);
    assert_eq!(count(&store, "SELECT count(*) FROM documents"), 1);
    assert_eq!(count(&store, "SELECT count(*) FROM versions"), 2);
    assert_eq!(
        sql(&store)
            .query_row("SELECT key, key_kind FROM documents", [], |r| Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?
            )))
            .expect("document"),
        (
            "https://news.example/town-hall".to_string(),
            "url".to_string()
        )
    );
    // Importing the first text again is not a third version.
    let again = import(&mut store, &[&one], &overrides);
    assert_eq!(again[0].as_ref().expect("again").versions[0].number, 1);
    assert_eq!(count(&store, "SELECT count(*) FROM versions"), 2);
}

#[test]
fn every_body_hashes_to_its_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    import(&mut store, &[Path::new(SEED)], &Overrides::default());
    let conn = sql(&store);
    let mut stmt = conn
        .prepare("SELECT id, body FROM objects")
        .expect("prepare");
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert!(!rows.is_empty());
    for (id, body) in rows {
        assert_eq!(hex::encode(Sha256::digest(body.as_bytes())), id);
        let o = claims::objects::Object::from_body(&body).expect("canonical");
        assert_eq!(o.id.to_hex(), id);
    }
}

#[test]
fn objects_are_append_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    import(&mut store, &[Path::new(SEED)], &Overrides::default());
    let update = sql(&store)
        .execute("UPDATE objects SET body = '{}' WHERE seq = 1", [])
        .expect_err("update refused");
    assert!(update
        .to_string()
        .contains("objects are append-only: UPDATE is not allowed"));
    let delete = sql(&store)
        .execute("DELETE FROM objects", [])
        .expect_err("delete refused");
    assert!(delete
        .to_string()
        .contains("objects are append-only: DELETE is not allowed"));
}

#[test]
fn verify_passes_on_a_clean_file_and_names_an_edited_body() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    import(&mut store, &[Path::new(SEED)], &Overrides::default());
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(
        report.objects as i64,
        count(&store, "SELECT count(*) FROM objects")
    );

    // Edit a version's body by hand, the way someone with the sqlite3 shell could.
    let version_id: String = sql(&store)
        .query_row("SELECT id FROM objects WHERE type = 'version'", [], |r| {
            r.get(0)
        })
        .expect("version");
    sql(&store)
        .execute_batch(
            "DROP TRIGGER objects_no_update;
             UPDATE objects SET body = replace(body, 'Avdiivka', 'Avdeevka')
             WHERE type = 'version';",
        )
        .expect("hand edit");
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(!report.ok());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(report.problems[0].id, version_id);
    assert!(report.problems[0].problem.starts_with("body hashes to "));
}

fn dump_index(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    let conn = sql(store);
    for query in [
        "SELECT id, seq, key, key_kind FROM documents ORDER BY id",
        "SELECT id, seq, document_id, number, title, byline, source, published, modified, text FROM versions ORDER BY id",
        "SELECT id, seq, speaker, cue, stance, hedges, content FROM claims ORDER BY id",
        "SELECT * FROM mentions ORDER BY id",
        "SELECT rowid, speaker, content FROM claims_fts ORDER BY rowid",
        "SELECT rowid, title FROM versions_fts ORDER BY rowid",
    ] {
        let mut stmt = conn.prepare(query).expect(query);
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut s = String::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    s.push_str(&format!("{v:?}|"));
                }
                Ok(s)
            })
            .expect("query");
        for row in rows {
            out.push(row.expect("row"));
        }
    }
    out
}

#[test]
fn rebuild_recreates_an_identical_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    let two = write(
        dir.path(),
        "two.txt",
        "Second story\nOfficials said the bridge would reopen, according to the city.\n",
    );
    import(&mut store, &[Path::new(SEED), &two], &Overrides::default());
    let before = dump_index(&store);
    assert!(before.len() > 4);
    let indexed = store.rebuild().expect("rebuild");
    assert_eq!(
        indexed as i64,
        count(&store, "SELECT count(*) FROM objects")
    );
    assert_eq!(dump_index(&store), before);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.db");
    drop(Store::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("raw open");
    conn.execute_batch("PRAGMA user_version = 99")
        .expect("bump");
    drop(conn);
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(
        err,
        StoreError::TooNew {
            found: 99,
            known: claims::store::SCHEMA_VERSION,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        format!(
            "{}: the database has schema version 99, newer than this release knows ({}); \
             upgrade claims to use it",
            path.display(),
            claims::store::SCHEMA_VERSION
        )
    );
}

#[test]
fn another_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).expect("raw open");
    conn.execute_batch("CREATE TABLE t(x)").expect("table");
    drop(conn);
    let err = Store::open(&path).err().expect("refused");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: not a claims database (application_id is 0x0)",
            path.display()
        )
    );
    // The other file is untouched.
    let conn = rusqlite::Connection::open(&path).expect("raw open");
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
        .expect("count");
    assert_eq!(tables, 1);
}

#[test]
fn a_missing_database_is_not_created_by_readers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("none.db");
    let err = Store::open_existing(&path).err().expect("missing");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no database here (run `claims import` first, or pass --db)",
            path.display()
        )
    );
    assert!(!path.exists());
}

#[test]
fn the_file_is_recognisable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("c.db")).expect("open");
    let s = store.settings().expect("pragmas");
    let (app, version, journal, fk) = (
        s.application_id,
        s.user_version,
        s.journal_mode,
        i32::from(s.foreign_keys),
    );
    assert_eq!(app, 0x434C_4D53);
    assert_eq!(version, claims::store::SCHEMA_VERSION);
    assert_eq!(journal, "wal");
    assert_eq!(fk, 1);
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates_and_unknown_types_are_kept() {
    use claims::objects::Object;
    use claims::store::query::{resolve, ResolveError};
    use std::collections::HashMap;
    // Find two objects whose ids share their first 6 hex digits (a birthday search).
    let mut seen: HashMap<String, Object> = HashMap::new();
    let (a, b) = (0u64..)
        .find_map(|n| {
            let o = Object::from_value(&serde_json::json!({"type": "x-test", "v": 1, "n": n}))
                .expect("object");
            let prefix = o.id.to_hex()[..6].to_string();
            seen.insert(prefix, o.clone()).map(|earlier| (earlier, o))
        })
        .expect("a collision");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    let mut ledger = claims::ledger::Ledger::begin(&mut store).expect("ledger");
    assert!(ledger.put(a.clone()).expect("put a"));
    assert!(ledger.put(b.clone()).expect("put b"));
    assert!(!ledger.put(a.clone()).expect("put a again"));
    ledger.commit().expect("commit");

    let prefix = &a.id.to_hex()[..6];
    let err = resolve(&store, prefix, None).expect_err("ambiguous");
    let mut expected = vec![a.id.to_hex(), b.id.to_hex()];
    expected.sort();
    match &err {
        ResolveError::Ambiguous { candidates, .. } => {
            let ids: Vec<String> = candidates.iter().map(|(id, _)| id.clone()).collect();
            assert_eq!(ids, expected);
        }
        other => panic!("expected ambiguity, got {other}"),
    }
    assert_eq!(
        err.to_string(),
        format!(
            "{prefix:?} is ambiguous; it could be:\n  {} (x-test)\n  {} (x-test)",
            expected[0], expected[1]
        )
    );
    // One more digit than they share picks one.
    let full = a.id.to_hex();
    let longer = (7..=64)
        .map(|n| &full[..n])
        .find(|p| !b.id.to_hex().starts_with(p))
        .expect("distinct");
    assert_eq!(resolve(&store, longer, None).expect("unique").0, a.id);
    // Objects of a type this release does not know are stored and verified, not indexed.
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(report.ok());
    assert_eq!(report.objects, 2);
}

// A claim stored by an earlier transaction and mentioned again, twice in one later transaction
// (the writer then finds it stored once and remembers its seq): its mentions are indexed
// against it as a rebuild indexes them, and it is stored once.
#[test]
fn mentions_of_a_claim_stored_earlier_are_indexed_as_a_rebuild_indexes_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    let said = "The mayor said the bridge would reopen in May.";
    let first = write(dir.path(), "a.txt", &format!("First\n{said}\n"));
    let second = write(
        dir.path(),
        "b.txt",
        &format!("Second\nRain fell all week. {said}\n"),
    );
    let third = write(
        dir.path(),
        "c.txt",
        &format!("Third\n{said} The council said the road was closed.\n"),
    );
    import(&mut store, &[&first], &Overrides::default());
    let outcomes = import(&mut store, &[&second, &third], &Overrides::default());
    assert!(outcomes.iter().all(Result::is_ok));
    let claims_of = "SELECT count(*) FROM claims WHERE content LIKE '%bridge would reopen%'";
    assert_eq!(count(&store, claims_of), 1);
    let mentions_of = "SELECT count(*) FROM mentions m JOIN claims c ON c.seq = m.claim_seq
                       WHERE c.content LIKE '%bridge would reopen%'";
    assert_eq!(count(&store, mentions_of), 3);
    let before = dump_index(&store);
    store.rebuild().expect("rebuild");
    assert_eq!(dump_index(&store), before);
}

// The writer extends the chain hash over the ids it stored, in seq order, without reading them
// back: a unit undone in the middle of a transaction leaves no trace in it, and each commit's
// checkpoint is the chain of every stored id up to it.
#[test]
fn each_commit_checkpoints_the_chain_of_every_stored_id() {
    use claims::ledger::Ledger;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    let mut last_seqs = Vec::new();
    for round in 0..2u64 {
        let mut ledger = Ledger::begin(&mut store).expect("begin");
        // Units that can be undone and the transaction go on (as in an import's replay).
        ledger.unit_savepoints();
        for seed in 0..3u64 {
            let objects = claims::synth::article_objects(round * 10 + seed, 3).expect("objects");
            let undone = seed == 1;
            let unit: Result<(), StoreError> = ledger.unit(|l| {
                for object in objects {
                    l.put(object)?;
                }
                if undone {
                    return Err(StoreError::Corrupt("undone on purpose".into()));
                }
                Ok(())
            });
            assert_eq!(unit.is_err(), undone);
        }
        ledger.commit().expect("commit");
        last_seqs.push(count(&store, "SELECT max(seq) FROM objects"));
    }
    let conn = sql(&store);
    let checkpoints: Vec<(i64, String)> = conn
        .prepare("SELECT seq, chain FROM sync_chain ORDER BY seq")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        checkpoints.iter().map(|c| c.0).collect::<Vec<_>>(),
        last_seqs
    );
    let stored: Vec<(i64, String)> = conn
        .prepare("SELECT seq, id FROM objects ORDER BY seq")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let mut chain = [0u8; 32];
    let mut expected = Vec::new();
    for (seq, id) in stored {
        let mut raw = [0u8; 32];
        hex::decode_to_slice(&id, &mut raw).expect("hex id");
        let mut h = Sha256::new();
        h.update(chain);
        h.update(raw);
        chain = h.finalize().into();
        if last_seqs.contains(&seq) {
            expected.push((seq, hex::encode(chain)));
        }
    }
    assert_eq!(checkpoints, expected);
}

/// A batch is stored referenced types first (`ledger::rank`): all its versions, then all its
/// mentions, whose spans are cut from texts the writer keeps from the versions it indexed.
/// The mention rows are those of the same objects stored one article after another, and
/// those of a rebuild.
#[test]
fn mentions_after_all_the_versions_of_a_batch_are_indexed_as_in_article_order() {
    use claims::ledger::Ledger;
    let dir = tempfile::tempdir().expect("tempdir");
    let objects: Vec<claims::objects::Object> = (0..40)
        .flat_map(|seed| claims::synth::article_objects(seed, 6).expect("article"))
        .collect();
    let mut batch = Store::open(&dir.path().join("batch.db")).expect("open");
    let mut ledger = Ledger::begin(&mut batch).expect("ledger");
    ledger
        .add(objects.iter().cloned().map(Into::into).collect())
        .expect("add");
    ledger.commit().expect("commit");
    let mut ordered = Store::open(&dir.path().join("ordered.db")).expect("open");
    let mut ledger = Ledger::begin(&mut ordered).expect("ledger");
    for o in &objects {
        ledger.put(o.clone()).expect("put");
    }
    ledger.commit().expect("commit");
    let mentions = |store: &Store| -> Vec<String> {
        let conn = sql(store);
        let mut stmt = conn
            .prepare(
                "SELECT m.id || '|' || m.claim_id || '|' || m.version_id || '|' || m.position
                        || '|' || m.source_text || '|' || m.cue_text || '|' || m.content_text
                 FROM mentions m JOIN versions v ON v.seq = m.version_seq ORDER BY m.id",
            )
            .expect("prepare");
        let rows = stmt.query_map([], |r| r.get(0)).expect("query");
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .expect("rows")
    };
    let in_batch = mentions(&batch);
    assert_eq!(in_batch.len(), 80);
    assert_eq!(in_batch, mentions(&ordered));
    let before = dump_index(&batch);
    batch.rebuild().expect("rebuild");
    assert_eq!(dump_index(&batch), before);
}
