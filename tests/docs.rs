//! Docs that cannot drift: the example queries in docs/schema.md run against a real database,
//! and the id-checking script in docs/objects.md recomputes every id of one.

use claims::extract::Extractor;
use claims::import::import_paths;
use claims::model::Overrides;
use claims::store::Store;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The fenced code blocks of one language in a Markdown file.
fn blocks(markdown: &str, lang: &str) -> Vec<String> {
    let fence = format!("```{lang}");
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim() == fence => current = Some(String::new()),
            Some(block) if line.trim() == "```" => {
                out.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

fn seeded(dir: &Path) -> PathBuf {
    let db = dir.join("c.db");
    let mut store = Store::open(&db).expect("open");
    let out = import_paths(
        &mut store,
        &[PathBuf::from("seeds/avdiivka.txt")],
        &Overrides::default(),
        &Extractor::new().expect("embedded lexicon"),
        |_, _, _, _| {},
    )
    .expect("import");
    assert!(out.iter().all(|o| o.is_ok()));
    db
}

#[test]
fn schema_examples_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded(dir.path());
    let store = Store::open_existing(&db).expect("open");
    let doc = std::fs::read_to_string("docs/schema.md").expect("docs/schema.md");
    let queries = blocks(&doc, "sql");
    assert!(queries.len() >= 8, "found {} queries", queries.len());
    let mut rows_seen = 0;
    let conn = rusqlite::Connection::open(store.path()).expect("open");
    for q in &queries {
        let mut stmt = conn.prepare(q).unwrap_or_else(|e| panic!("{q}\n{e}"));
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap_or_else(|e| panic!("{q}\n{e}"));
        while let Some(row) = rows.next().unwrap_or_else(|e| panic!("{q}\n{e}")) {
            for i in 0..n {
                let _: rusqlite::types::Value = row.get(i).expect("value");
            }
            rows_seen += 1;
        }
    }
    assert!(rows_seen > 10);
}

#[test]
fn the_documented_script_recomputes_every_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = seeded(dir.path());
    let doc = std::fs::read_to_string("docs/objects.md").expect("docs/objects.md");
    let script = blocks(&doc, "python")
        .into_iter()
        .find(|b| b.contains("sqlite3"))
        .expect("the checking script");
    assert!(script.lines().count() <= 12, "the script stays short");
    let path = dir.path().join("check.py");
    std::fs::write(&path, &script).expect("write script");

    let ok = Command::new("python3")
        .arg(&path)
        .arg(&db)
        .output()
        .expect("python3 runs");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert_eq!(String::from_utf8_lossy(&ok.stdout), "");

    // The script catches a body edited by hand.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "DROP TRIGGER objects_no_update;
         UPDATE objects SET body = replace(body, 'Avdiivka', 'Avdeevka') WHERE seq = 2;",
    )
    .expect("edit");
    drop(conn);
    let bad = Command::new("python3")
        .arg(&path)
        .arg(&db)
        .output()
        .expect("python3 runs");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).starts_with("bad object 2 "));
}

#[test]
fn the_rating_table_in_docs_lists_every_row_of_the_seed() {
    let doc = std::fs::read_to_string("docs/reviews.md").expect("docs/reviews.md");
    let seed = std::fs::read_to_string("seeds/ratings.tsv").expect("seeds/ratings.tsv");
    for line in seed
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (rating, verdict) = line.split_once('\t').expect("two columns");
        // The rating table comes after the verdict scale, whose rows start alike.
        let row = doc
            .lines()
            .rfind(|l| l.starts_with(&format!("| `{verdict}` | ")) && l.matches('|').count() == 3)
            .unwrap_or_else(|| panic!("no table row for {verdict}"));
        let listed: Vec<&str> = row
            .trim_end_matches(" |")
            .rsplit(" | ")
            .next()
            .expect("ratings")
            .split(", ")
            .collect();
        assert!(
            listed.contains(&rating),
            "{rating} ({verdict}) is not in docs/reviews.md"
        );
    }
}
