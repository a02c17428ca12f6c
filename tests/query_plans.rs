//! Queries that name a claim, a speaker or a document read that claim's, speaker's or
//! document's rows, not the whole database (issue 15). Every example query of
//! docs/schema.md, and every statement run by the functions behind `list --speaker`,
//! `list --document`, `log`, `show`, a claim's history, the relations of a claim, a speaker or
//! a document, and search, is compiled against a small real database; its bytecode must open
//! no full scan of `claims`, `mentions` or the relation rows (`found_relations`,
//! `claim_keys`, `relations`), and its plan no range over every content key.
//!
//! Plans do not depend on the amount of data here: `claims` never runs ANALYZE, so SQLite
//! plans from the schema alone, as it does on a database of a million claims.

use claims::extract::Extractor;
use claims::import::import_paths;
use claims::model::Overrides;
use claims::objects::ObjectId;
use claims::store::query::{self, ListFilter};
use claims::store::Store;
use claims::timeline::history;
use claims::timeline::history::SpeakerMatch;
use claims::timeline::relations::{relations, RelationFilter};
use rusqlite::Connection;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Tables a narrowed query must not read whole.
const LARGE: &[&str] = &[
    "claims",
    "mentions",
    "found_relations",
    "claim_keys",
    "relations",
];

/// The documented examples that read the whole database on purpose (no claim, speaker or
/// document named), by a line of each. Every other example must pass the check.
const WHOLE: &[&str] = &[
    "FROM claim_mentions\nORDER BY document_id, version_number, position;",
    "FROM latest_claims",
    "WHERE json_array_length(hedges) > 0;",
    "GROUP BY speaker",
    "WHERE claims_fts MATCH 'control'",
    "WHERE versions_fts MATCH 'Pokrovsk';",
    "HAVING documents > 1;",
    "FROM version_arrivals a",
    "FROM open_conflicts\nORDER BY seq IS NULL, seq;",
    "FROM claim_relations\nORDER BY current DESC, kind;",
    "FROM found_relations f\nWHERE f.score >= 0.5",
    "FROM claim_updates u",
    "FROM claim_history\nORDER BY first_published, speaker;",
    "FROM claim_reviews\nWHERE claim_seq NOT IN",
    "FROM speaker_verdicts",
    "FROM claim_keys k",
];

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

/// A database with the seed articles, a document in two versions and 40 synthetic articles.
fn database(dir: &Path) -> PathBuf {
    let db = dir.join("c.db");
    let mut paths = vec![
        PathBuf::from("seeds/avdiivka.txt"),
        PathBuf::from("seeds/tidewater-bridge.md"),
        PathBuf::from("seeds/grain-exports.html"),
    ];
    for seed in 0..40u64 {
        let p = dir.join(format!("synth-{seed:02}.txt"));
        std::fs::write(&p, claims::synth::article(seed, 25)).expect("write");
        paths.push(p);
    }
    let mut store = Store::open(&db).expect("open");
    let out = import_paths(
        &mut store,
        &paths,
        &Overrides::default(),
        &Extractor::new().expect("embedded lexicon"),
        |_, _, _, _| {},
    )
    .expect("import");
    assert!(out.iter().all(|o| o.is_ok()), "{out:?}");
    db
}

/// Why `sql` is not narrow: each large table it reads from the first row to the last
/// (`Rewind`/`Last` on a cursor opened on the table or one of its indexes), and each range
/// over every content key; empty when it is narrow.
fn whole_reads(conn: &Connection, sql: &str) -> Vec<String> {
    let mut roots: HashMap<i64, String> = HashMap::new();
    let mut stmt = conn
        .prepare("SELECT rootpage, tbl_name FROM sqlite_master WHERE rootpage > 0")
        .expect("sqlite_master");
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .expect("roots");
    for r in rows {
        let (page, table) = r.expect("row");
        roots.insert(page, table);
    }
    let mut cursors: HashMap<i64, String> = HashMap::new();
    let mut out = Vec::new();
    let mut explain = conn
        .prepare(&format!("EXPLAIN {sql}"))
        .unwrap_or_else(|e| panic!("{sql}\n{e}"));
    let mut ops = explain.query([]).expect("explain");
    while let Some(r) = ops.next().expect("op") {
        let opcode: String = r.get(1).expect("opcode");
        let p1: i64 = r.get(2).expect("p1");
        let p2: i64 = r.get(3).expect("p2");
        let p3: i64 = r.get(4).expect("p3");
        match opcode.as_str() {
            "OpenRead" | "ReopenIdx" if p3 == 0 => {
                if let Some(t) = roots.get(&p2) {
                    cursors.insert(p1, t.clone());
                }
            }
            "Rewind" | "Last" => {
                if let Some(t) = cursors.get(&p1) {
                    if LARGE.contains(&t.as_str()) {
                        out.push(format!("reads all of {t}"));
                    }
                }
            }
            _ => {}
        }
    }
    drop(ops);
    let mut plan = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("plan");
    let details: Vec<String> = plan
        .query_map([], |r| r.get(3))
        .expect("plan")
        .collect::<Result<_, _>>()
        .expect("plan rows");
    for d in &details {
        if d.contains("(key>? AND key<?)") {
            out.push(format!("reads every content key: {d}"));
        }
    }
    if !out.is_empty() {
        out.push(format!("plan:\n  {}", details.join("\n  ")));
    }
    out
}

#[test]
fn documented_examples_that_name_a_claim_speaker_or_document_are_narrow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = database(dir.path());
    let conn = Connection::open(&db).expect("open");
    let doc = std::fs::read_to_string("docs/schema.md").expect("docs/schema.md");
    let queries = blocks(&doc, "sql");
    for w in WHOLE {
        assert!(
            queries.iter().any(|q| q.contains(w)),
            "no documented example has {w:?}: keep WHOLE true"
        );
    }
    let mut narrow = 0;
    let mut failures = Vec::new();
    for q in &queries {
        if WHOLE.iter().any(|w| q.contains(w)) {
            // Read whole on purpose; it must still compile.
            conn.prepare(q).unwrap_or_else(|e| panic!("{q}\n{e}"));
            continue;
        }
        narrow += 1;
        let why = whole_reads(&conn, q);
        if !why.is_empty() {
            failures.push(format!("{q}\n{}", why.join("\n")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(narrow >= 6, "{narrow} narrow examples");
}

/// The statements the traced connection ran since the last call.
static TRACED: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn traced(sql: &str) {
    if let Ok(mut t) = TRACED.lock() {
        t.push(sql.to_string());
    }
}

fn take_traced() -> Vec<String> {
    std::mem::take(&mut *TRACED.lock().expect("lock"))
}

#[test]
fn the_queries_behind_the_commands_are_narrow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = database(dir.path());
    let conn = Connection::open(&db).expect("open");
    // A claim with relations of every kind it has, a speaker and a document.
    let (claim, speaker, document): (String, String, String) = conn
        .query_row(
            "SELECT c.id, c.speaker, v.document_id
             FROM found_relations f JOIN claims c ON c.seq = f.a_seq
             JOIN mentions m ON m.claim_seq = c.seq JOIN versions v ON v.seq = m.version_seq
             ORDER BY c.seq LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a claim with relations");
    let claim = ObjectId::parse(&claim).expect("id");
    let document = ObjectId::parse(&document).expect("id");
    let word = speaker.split_whitespace().last().unwrap_or("x").to_string();

    let mut store = Store::open_existing(&db).expect("open");
    store.trace(Some(traced));
    take_traced();
    let mut cases: Vec<(&str, Vec<String>)> = Vec::new();

    let rows = query::list_claims(
        &store,
        &ListFilter {
            speaker: Some(word.clone()),
            ..ListFilter::default()
        },
    )
    .expect("list --speaker");
    assert!(!rows.is_empty());
    cases.push(("list --speaker", take_traced()));

    let rows = query::list_claims(
        &store,
        &ListFilter {
            document: Some(document),
            ..ListFilter::default()
        },
    )
    .expect("list --document");
    assert!(!rows.is_empty());
    cases.push(("list --document", take_traced()));

    let h = history::claim_history(&store, &claim, None).expect("log CLAIM");
    assert!(h.is_some());
    cases.push(("log CLAIM (claim history)", take_traced()));

    let a = history::speaker_history(&store, &speaker, SpeakerMatch::Contains, None)
        .expect("log --speaker");
    assert!(!a.is_empty());
    cases.push(("log --speaker", take_traced()));

    let a = history::speaker_history(&store, &speaker, SpeakerMatch::Exact, None)
        .expect("log --speaker --exact");
    assert!(!a.is_empty());
    cases.push(("log --speaker --exact", take_traced()));

    let d = history::document_history(&store, &document, None).expect("log DOC");
    assert!(!d.is_empty());
    cases.push(("log DOCUMENT", take_traced()));

    assert!(query::claim(&store, &claim).expect("show").is_some());
    assert!(!query::mentions_of_claim(&store, &claim)
        .expect("show")
        .is_empty());
    cases.push(("show CLAIM", take_traced()));

    for kind in [None, Some("conflicts".to_string())] {
        let of_claim = relations(
            &store,
            &RelationFilter {
                claim: Some(claim),
                kind: kind.clone(),
                ..RelationFilter::default()
            },
        )
        .expect("relations of a claim");
        if kind.is_none() {
            assert!(!of_claim.is_empty());
        }
        cases.push(("relations --claim", take_traced()));
        relations(
            &store,
            &RelationFilter {
                speaker: Some(word.clone()),
                kind: kind.clone(),
                ..RelationFilter::default()
            },
        )
        .expect("relations of a speaker");
        cases.push(("relations --speaker", take_traced()));
        relations(
            &store,
            &RelationFilter {
                document: Some(document),
                kind: kind.clone(),
                ..RelationFilter::default()
            },
        )
        .expect("relations of a document");
        cases.push(("relations --document", take_traced()));
    }

    // One kind, no claim, speaker or document: conflicts are read from the found rows of that
    // kind and the same-content pairs of a denying claim, not from every pair.
    relations(
        &store,
        &RelationFilter {
            kind: Some("conflicts".to_string()),
            ..RelationFilter::default()
        },
    )
    .expect("relations --kind conflicts");
    cases.push(("relations --kind conflicts", take_traced()));

    let found = query::search_claims(&store, &query::fts_query(&word), 20).expect("search");
    assert!(!found.is_empty());
    cases.push(("search", take_traced()));
    store.trace(None);

    let mut failures = Vec::new();
    for (name, statements) in &cases {
        assert!(!statements.is_empty(), "{name}: nothing traced");
        for sql in statements {
            let head = sql.trim_start().to_ascii_uppercase();
            if !(head.starts_with("SELECT") || head.starts_with("WITH")) {
                continue;
            }
            let why = whole_reads(&conn, sql);
            if !why.is_empty() {
                failures.push(format!("{name}:\n{sql}\n{}", why.join("\n")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn relations_of_one_kind_are_those_of_every_kind_of_that_kind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = database(dir.path());
    let store = Store::open_existing(&db).expect("open");
    let all = relations(&store, &RelationFilter::default()).expect("relations");
    let mut seen = 0;
    for kind in ["conflicts", "corroborates", "updates", "unrelated"] {
        let of_kind = relations(
            &store,
            &RelationFilter {
                kind: Some(kind.to_string()),
                ..RelationFilter::default()
            },
        )
        .expect("relations --kind");
        let want: Vec<_> = all.iter().filter(|r| r.kind == kind).cloned().collect();
        assert_eq!(of_kind, want, "{kind}");
        seen += of_kind.len();
    }
    assert_eq!(seen, all.len());
    assert!(all.iter().any(|r| r.kind == "conflicts"));
    assert!(all.iter().any(|r| r.kind == "corroborates"));
}
