//! Relations as a function of the set of objects (issue 9) at a bounded cost per claim
//! (issue 16): degenerate contents, the rows a templated wire story reads, three replicas
//! receiving the same objects in different orders over the three transports, and
//! `claims relations --format json` on both sides of a sync.

use claims::ledger::Ledger;
use claims::model::{Body, Received, RelationKind, Typed};
use claims::relate::{self, Facts, MAX_KEY_HOLDERS};
use claims::store::Store;
use claims::sync::bundle;
use claims::sync::peer::{DbPeer, HttpPeer};
use claims::sync::server::{ServeOptions, Server};
use claims::sync::{self, Options};
use claims::synth::claim;
use claims::timeline::relations::{relations, RelationFilter};
use proptest::prelude::*;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::import;

fn all_relations(store: &Store) -> String {
    let all = RelationFilter::default();
    serde_json::to_string(&relations(store, &all).expect("relations")).expect("json")
}

#[test]
fn degenerate_contents_never_relate() {
    let degenerate = [
        "",
        "?",
        "No",
        "no",
        "it",
        "It.",
        "312",
        "3",
        "...",
        "— !",
        "not",
        "it was",
        "No, no.",
        "the 12",
        "yes it is",
    ];
    for a in degenerate {
        assert!(!relate::comparable(a), "{a:?}");
        assert!(relate::candidate_keys(a).is_empty(), "{a:?}");
        for b in degenerate
            .iter()
            .chain(&["the bridge was not damaged", "No damage"])
        {
            for (sa, sb) in [("neutral", "denying"), ("neutral", "neutral")] {
                let fa = Facts::new("Police", "say", sa, a);
                let fb = Facts::new("Medics", "deny", sb, b);
                assert_eq!(relate::judge_facts(("Police", &fa), ("Medics", &fb)), None);
            }
        }
    }
    assert!(relate::comparable("bridge damaged"));
    // Stored: speakers saying, denying and numbering one-word contents relate to nothing.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    let mut ledger = Ledger::begin(&mut store).expect("ledger");
    let mut batch = Vec::new();
    for (i, content) in degenerate.iter().enumerate() {
        batch.push(claim(&format!("Speaker {i}"), "say", "neutral", content));
        batch.push(claim(&format!("Other {i}"), "deny", "denying", content));
    }
    let added = ledger.add(batch).expect("add");
    assert_eq!(added.derived.count(), 0);
    assert_eq!(added.derived.keys, 0);
    ledger.commit().expect("commit");
    assert_eq!(all_relations(&store), "[]");
}

/// The claims of one generated wire article: 20 sentences of one template, one ward.
fn templated(article: usize) -> Vec<Received> {
    let ward = 1 + article % 40;
    (0..20)
        .map(|s| {
            let n = 100 + (article * 37 + s * 11) % 400;
            let day = 1 + (article + s) % 7;
            let speaker = ["Officials", "The utility", "Residents", "Engineers"][s % 4];
            let cue = ["say", "report", "confirm", "estimate"][(s + article) % 4];
            claim(
                &format!("{speaker} in Ward {ward}"),
                cue,
                "neutral",
                &format!("{n} homes in Ward {ward} lost power on day {day} of the storm"),
            )
        })
        .collect()
}

/// The most keys one claim of the template can have: `n:`, `p:`, one `q:` per value (3 in
/// the template), and the `t:` keys (`relate::keys::MAX_TERM_KEYS`).
const KEYS_PER_CLAIM: u64 = 2 + 3 + claims::relate::keys::MAX_TERM_KEYS as u64;

#[test]
fn a_templated_story_reads_a_bounded_number_of_rows_per_claim() {
    // 300 articles of one sentence template: the keys they share are held by hundreds of
    // claims, yet each key of a new article costs one lookup of the keys past the bound, or
    // at most MAX_KEY_HOLDERS + 1 rows plus one per claim of the article holding it (and,
    // when a key passes the bound, a look at its holders' other keys): within twice
    // MAX_KEY_HOLDERS + 1 per key, the same late as early.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    let bound = 2 * (MAX_KEY_HOLDERS as u64 + 1);
    let mut late_rows = 0;
    let mut late_claims = 0;
    let mut most_keys = 0;
    for article in 0..300 {
        let mut ledger = Ledger::begin(&mut store).expect("ledger");
        let added = ledger.add(templated(article)).expect("add");
        ledger.commit().expect("commit");
        let d = added.derived;
        assert_eq!(d.claims, 20);
        assert!(d.rows_read <= d.keys * bound, "article {article}: {d:?}");
        most_keys = most_keys.max(d.keys);
        if article >= 200 {
            late_rows += d.rows_read;
            late_claims += d.claims;
        }
    }
    // A claim of this template has at most KEYS_PER_CLAIM keys (n:, one q: per value, p:,
    // and the t: keys of its rarest terms), some shared within the article.
    assert!(most_keys <= 20 * KEYS_PER_CLAIM, "{most_keys}");
    assert!(
        late_rows <= late_claims * KEYS_PER_CLAIM * bound,
        "{late_rows} rows for {late_claims} claims"
    );
    // The store holds thousands of key rows by now; the late articles read a small part.
    let key_rows: u64 = pairs(&store, "SELECT CAST(count(*) AS TEXT), '' FROM claim_keys")[0]
        .0
        .parse()
        .expect("count");
    assert!(key_rows > 20_000, "{key_rows}");
    assert!(
        late_rows / late_claims < 2 * bound,
        "{late_rows} / {late_claims}"
    );
}

// ---------------------------------------------------------------------------------------------
// Three replicas, three transports.

const SPEAKERS: &[&str] = &[
    "The mayor",
    "Police",
    "Councillor Ana Ruiz",
    "The water agency",
];
const CLAUSES: &[&str] = &[
    "the river level rose overnight",
    "the river level fell overnight",
    "two people were injured",
    "three people were injured",
    "the bridge was damaged",
    "the bridge was not damaged",
    "the ferry will run from Monday",
    "the ferry will run from Tuesday",
];

/// An article file: URL, published time, title, sentences `(speaker, clause, denied)`.
fn article(url: usize, hour: usize, sentences: &[(usize, usize, bool)]) -> String {
    let mut out = format!(
        "URL: https://news.example/{url}\nPublished: 2026-03-02T{hour:02}:00:00Z\n\nStorm report {url}\n"
    );
    for &(s, c, deny) in sentences {
        let verb = if deny { "denied" } else { "said" };
        out.push_str(&format!("{} {verb} that {}.\n", SPEAKERS[s], CLAUSES[c]));
    }
    out
}

fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
    let mut out = items.to_vec();
    let mut rng = claims::synth::Rng::new(seed);
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i + 1));
    }
    out
}

/// Rows of a query, each as `(first column, second column)` text.
fn pairs(store: &Store, sql: &str) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(store.path()).expect("open");
    let mut stmt = conn.prepare(sql).expect("prepare");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

fn object_ids(store: &Store) -> Vec<(String, String)> {
    pairs(store, "SELECT id, type FROM objects ORDER BY id")
}

/// The latest version of every document: `(document key, version id)`.
fn latest(store: &Store) -> Vec<(String, String)> {
    pairs(
        store,
        "SELECT d.key, l.id FROM latest_versions l JOIN documents d ON d.seq = l.document_seq
         ORDER BY d.key",
    )
}

type Sentences = Vec<(usize, usize, bool)>;

fn sentences() -> impl Strategy<Value = Sentences> {
    prop::collection::vec((0..SPEAKERS.len(), 0..CLAUSES.len(), any::<bool>()), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// Three replicas get the same articles (two versions of one of them, published at
    /// different hours) in different orders, part imported and part received by bundle,
    /// database-to-database sync and an HTTP hub on 127.0.0.1: they print the same bytes for
    /// `claims relations --format json` and agree on the latest version of every document.
    #[test]
    fn three_replicas_agree_whatever_the_order_and_transport(
        docs in prop::collection::vec(sentences(), 3..6),
        edit in sentences(),
        seeds in any::<(u64, u64, u64)>(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut files = Vec::new();
        for (i, s) in docs.iter().enumerate() {
            let p = dir.path().join(format!("d{i}.txt"));
            std::fs::write(&p, article(i, 8 + i, s)).expect("write");
            files.push(p);
        }
        // A later version of document 0.
        let p = dir.path().join("d0-later.txt");
        std::fs::write(&p, article(0, 20, &edit)).expect("write");
        files.push(p);
        let half = files.len() / 2;
        let (a, b, c) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("c.db"));
        // A imports the first half, B the rest, C a mix: each in its own order, one file a
        // batch.
        let order = |part: &[PathBuf], seed| shuffled(part, seed);
        for (db, part, seed) in [
            (&a, &files[..half], seeds.0),
            (&b, &files[half..], seeds.1),
            (&c, &[files[files.len() - 1].clone(), files[0].clone()][..], seeds.2),
        ] {
            let mut store = Store::open(db).expect("open");
            for f in order(part, seed) {
                import(&mut store, std::slice::from_ref(&f));
            }
        }
        // Bundle: A's objects to B.
        let file = dir.path().join("a.bundle");
        bundle::create(&Store::open(&a).expect("a"), &file, None).expect("create");
        bundle::apply(&mut Store::open(&b).expect("b"), &file, false).expect("apply");
        // HTTP: C syncs with a hub serving B.
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let running = Server::from_listener(listener)
            .expect("server")
            .spawn(Store::open(&b).expect("hub"), ServeOptions::default())
            .expect("spawn");
        {
            let mut local = Store::open(&c).expect("c");
            let mut peer = HttpPeer::new(running.url(), None).expect("peer");
            sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("http");
        }
        running.stop();
        // Database to database: A syncs with C.
        {
            let mut local = Store::open(&a).expect("a");
            let mut peer = DbPeer::open(&a, &c).expect("peer");
            sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("db");
        }
        let stores: Vec<Store> = [&a, &b, &c].iter().map(|p| Store::open(p).expect("open")).collect();
        let ids = object_ids(&stores[0]);
        let json = all_relations(&stores[0]);
        let latest0 = latest(&stores[0]);
        prop_assert_eq!(latest0.len(), docs.len());
        for s in &stores[1..] {
            prop_assert_eq!(&object_ids(s), &ids);
            prop_assert_eq!(&all_relations(s), &json);
            prop_assert_eq!(&latest(s), &latest0);
        }
        // The later version is the latest, whichever arrived first.
        let published = pairs(
            &stores[0],
            "SELECT d.key, l.published FROM latest_versions l
             JOIN documents d ON d.seq = l.document_seq WHERE d.key = 'https://news.example/0'",
        );
        prop_assert_eq!(
            published,
            vec![("https://news.example/0".to_string(), "2026-03-02T20:00:00Z".to_string())]
        );
        // And a database that imported everything at once holds the same.
        let one = dir.path().join("one.db");
        let mut store = Store::open(&one).expect("open");
        import(&mut store, &files);
        prop_assert_eq!(&all_relations(&store), &json);
    }
}

// ---------------------------------------------------------------------------------------------
// The command line.

const COURIER: &str = "tests/fixtures/sync/ferry-courier.txt";
const GAZETTE: &str = "tests/fixtures/sync/ferry-gazette.txt";

fn claims_cmd(db: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_claims"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("CLAIMS_NOW", "2026-03-02T12:00:00Z")
        .env_remove("CLAIMS_DB")
        .output()
        .expect("run claims");
    assert!(
        out.status.success(),
        "claims {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn two_databases_synced_print_the_conflict_of_one_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = |n: &str| dir.path().join(n);
    claims_cmd(&db("one.db"), &["import", COURIER, GAZETTE]);
    // Every relation, to compare across transports; the one conflict, to read.
    let all = claims_cmd(&db("one.db"), &["--format", "json", "relations"]);
    let json = claims_cmd(
        &db("one.db"),
        &["--format", "json", "relations", "--kind", "conflicts"],
    );
    let rows: serde_json::Value = serde_json::from_str(&json).expect("json");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), 1, "{json}");
    let r = &rows[0];
    let keys: Vec<&str> = r
        .as_object()
        .expect("object")
        .keys()
        .map(|k| k.as_str())
        .collect();
    for k in ["kind", "score", "reason", "basis", "a", "b"] {
        assert!(keys.contains(&k), "{k} in {json}");
    }
    assert_eq!(r["kind"], "conflicts");
    assert_eq!(r["score"], 0.6);
    assert_eq!(r["basis"], "number/1");
    assert_eq!(r["reason"], "number: five vs two");
    for side in ["a", "b"] {
        for k in ["id", "speaker", "cue", "stance", "content"] {
            assert!(r[side][k].is_string(), "{side}.{k} in {json}");
        }
        assert_eq!(
            r[side]["documents"].as_array().map(Vec::len),
            Some(1),
            "{json}"
        );
    }
    let mut docs = [
        r["a"]["documents"][0].as_str().unwrap_or(""),
        r["b"]["documents"][0].as_str().unwrap_or(""),
    ];
    docs.sort();
    assert!(docs.iter().all(|d| d.starts_with("https://")), "{docs:?}");
    // `claims conflicts` is `claims relations --kind conflicts`.
    assert_eq!(
        claims_cmd(&db("one.db"), &["--format", "json", "conflicts"]),
        json
    );
    assert_eq!(
        claims_cmd(
            &db("one.db"),
            &["--format", "json", "relations", "--kind", "conflicts"]
        ),
        json
    );
    assert_eq!(
        claims_cmd(
            &db("one.db"),
            &["--format", "json", "relations", "--kind", "updates"]
        ),
        "[]\n"
    );
    let text = claims_cmd(&db("one.db"), &["relations", "--kind", "conflicts"]);
    assert!(
        text.starts_with("conflicts 0.60: number: five vs two  (number/1)\n"),
        "{text}"
    );
    assert!(text.ends_with("1 conflict\n"), "{text}");

    // Each article in a database of its own, then synced: by bundle, database file, hub.
    for transport in ["bundle", "db", "http"] {
        let (a, b) = (
            db(&format!("{transport}-a.db")),
            db(&format!("{transport}-b.db")),
        );
        claims_cmd(&a, &["import", COURIER]);
        claims_cmd(&b, &["import", GAZETTE]);
        assert_eq!(claims_cmd(&a, &["--format", "json", "conflicts"]), "[]\n");
        match transport {
            "bundle" => {
                let file = db("x.bundle");
                let f = file.to_str().expect("path");
                claims_cmd(&a, &["bundle", "create", f]);
                claims_cmd(&b, &["bundle", "apply", f]);
                claims_cmd(&b, &["bundle", "create", f]);
                claims_cmd(&a, &["bundle", "apply", f]);
            }
            "db" => {
                claims_cmd(&a, &["sync", b.to_str().expect("path")]);
            }
            _ => {
                let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
                let running = Server::from_listener(listener)
                    .expect("server")
                    .spawn(Store::open(&b).expect("hub"), ServeOptions::default())
                    .expect("spawn");
                claims_cmd(&a, &["sync", running.url()]);
                running.stop();
            }
        }
        assert_eq!(
            claims_cmd(&a, &["--format", "json", "relations"]),
            all,
            "{transport}"
        );
        assert_eq!(
            claims_cmd(&b, &["--format", "json", "relations"]),
            all,
            "{transport}"
        );
    }
}

#[test]
fn min_score_is_a_number_from_zero_to_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    claims_cmd(&db, &["import", COURIER]);
    for bad in ["2", "1.5", "high"] {
        let out = Command::new(env!("CARGO_BIN_EXE_claims"))
            .arg("--db")
            .arg(&db)
            .args(["relations", "--min-score", bad])
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("is not a score: give a number from 0 to 1"),
            "{err}"
        );
    }
    assert_eq!(
        claims_cmd(&db, &["relations", "--min-score", "0"]),
        "0 relations\n"
    );
}

#[test]
fn relation_objects_of_older_releases_are_kept_but_not_counted_and_old_databases_catch_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    claims_cmd(&db, &["import", "seeds/avdiivka.txt"]);
    let json = claims_cmd(&db, &["--format", "json", "conflicts"]);
    let rows: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{json}");
    // The object an older release wrote for the seed's conflict arrives (say, by sync).
    let mut store = Store::open(&db).expect("open");
    let old = Typed::new(Body::Relation(claims::model::Relation {
        v: 1,
        from: claims::objects::ObjectId::parse(rows[0]["a"]["id"].as_str().expect("id"))
            .expect("id"),
        to: claims::objects::ObjectId::parse(rows[0]["b"]["id"].as_str().expect("id")).expect("id"),
        kind: claims::model::RelationKind::Conflicts,
        basis: "movement/1".to_string(),
        note: Some("direction: further east vs further west".to_string()),
        at: None,
        by: None,
    }))
    .expect("relation");
    assert_eq!(
        old.id().to_hex(),
        "965bccbd7495ba0cc876afb3a81fff68ad50be824dcc0a535cc40ac5e4c18897"
    );
    let mut ledger = Ledger::begin(&mut store).expect("ledger");
    assert_eq!(ledger.add(vec![old.into()]).expect("add").stored, 1);
    ledger.commit().expect("commit");
    drop(store);
    // Stored, not counted twice.
    assert_eq!(claims_cmd(&db, &["--format", "json", "conflicts"]), json);
    // A database whose rows have yet to be derived (as one migrated from schema 3) derives
    // them on the next command, the same.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "DELETE FROM found_relations; DELETE FROM version_order;
         UPDATE relation_state SET pending = 1;",
    )
    .expect("forget");
    drop(conn);
    assert_eq!(claims_cmd(&db, &["--format", "json", "conflicts"]), json);
    let store = Store::open(&db).expect("open");
    assert!(!store.relations_pending().expect("state"));
    assert_eq!(
        pairs(
            &store,
            "SELECT type, CAST(count(*) AS TEXT) FROM objects WHERE type = 'relation'"
        ),
        vec![("relation".to_string(), "1".to_string())]
    );
}

#[test]
fn one_claims_relations_are_the_views_rows_of_that_claim() {
    // The claim page of `claims web` reads one claim's relations without the whole view: the
    // same rows, for every claim, kind, and with judgements of people in force.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("one.db")).expect("open");
    {
        let mut ledger = Ledger::begin(&mut store).expect("ledger");
        for a in 0..12 {
            ledger.add(templated(a)).expect("add");
        }
        ledger
            .add(vec![
                claim(
                    "Ann Lee",
                    "say",
                    "neutral",
                    "the bridge will reopen on Friday",
                ),
                claim(
                    "Bo Chen",
                    "say",
                    "neutral",
                    "the bridge will reopen on Friday",
                ),
                claim(
                    "Cy Diaz",
                    "deny",
                    "denying",
                    "the bridge will reopen on Friday",
                ),
            ])
            .expect("add");
        ledger.commit().expect("commit");
    }
    let every = |kind: Option<&str>, store: &Store| {
        relations(
            store,
            &RelationFilter {
                kind: kind.map(str::to_string),
                min_score: 0.0,
                include_retracted: true,
                ..RelationFilter::default()
            },
        )
        .expect("relations")
    };
    let found = every(None, &store);
    let kinds: std::collections::BTreeSet<&str> = found.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        ["conflicts", "corroborates"]
    );
    // A person judges one found pair unrelated, and two unrelated claims conflicting.
    let (a, b) = (found[0].a.id.to_hex(), found[0].b.id.to_hex());
    claims::timeline::relations::link(&mut store, &a, &b, RelationKind::Unrelated, None)
        .expect("link");
    let claims = claims::store::query::list_claims(&store, &Default::default()).expect("claims");
    let (x, y) = (
        claims[0].claim.id.to_hex(),
        claims[claims.len() - 1].claim.id.to_hex(),
    );
    claims::timeline::relations::link(&mut store, &x, &y, RelationKind::Conflicts, Some("no"))
        .expect("link");
    let mut compared = 0;
    for kind in [
        None,
        Some("conflicts"),
        Some("corroborates"),
        Some("updates"),
    ] {
        let all = every(kind, &store);
        for c in &claims {
            let id = c.claim.id;
            let one = relations(
                &store,
                &RelationFilter {
                    kind: kind.map(str::to_string),
                    min_score: 0.0,
                    include_retracted: true,
                    claim: Some(id),
                    ..RelationFilter::default()
                },
            )
            .expect("one claim's relations");
            let expected: Vec<_> = all
                .iter()
                .filter(|r| r.a.id == id || r.b.id == id)
                .cloned()
                .collect();
            assert_eq!(one, expected, "{id} {kind:?}");
            compared += one.len();
        }
    }
    assert!(compared > 100, "{compared}");
    // The judgements are in force in both: the pair judged unrelated is gone, the other is
    // a conflict judged by a person.
    let first = claims[0].claim.id;
    let mine = relations(
        &store,
        &RelationFilter {
            kind: Some("conflicts".into()),
            claim: Some(first),
            ..RelationFilter::default()
        },
    )
    .expect("relations");
    assert!(mine
        .iter()
        .any(|r| r.reason == "no" && r.relation.is_some()));
}

#[test]
fn term_keys_are_indexed_without_their_digest_and_older_databases_are_migrated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    claims_cmd(&db, &["import", "seeds/avdiivka.txt"]);
    let conflicts = claims_cmd(&db, &["--format", "json", "conflicts"]);
    let count = |sql: &str| -> i64 {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.query_row(sql, [], |r| r.get(0)).expect("count")
    };
    let term_rows = "SELECT count(*) FROM claim_keys WHERE key LIKE 't:%'";
    let with_detail = "SELECT count(*) FROM claim_keys WHERE key LIKE 't:%' AND detail <> ''";
    let terms = count(term_rows);
    assert!(terms > 0);
    // The relation step reads no `t:` detail (a digest of the content): none is stored.
    assert_eq!(count(with_detail), 0);
    // Every other key keeps its detail: the content key's parity of negations.
    assert_eq!(
        count("SELECT count(*) FROM claim_keys WHERE key LIKE 'n:%' AND detail NOT IN ('0', '1')"),
        0
    );
    assert!(count("SELECT count(*) FROM claim_keys WHERE key LIKE 'n:%'") > 0);
    // A database written by schema 10, which stored the digest, is migrated to the same rows.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "UPDATE claim_keys SET detail = '00112233445566ff' WHERE key LIKE 't:%';
         PRAGMA user_version = 10;",
    )
    .expect("schema 10");
    drop(conn);
    assert_eq!(count(with_detail), terms);
    let store = Store::open(&db).expect("migrate");
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
    drop(store);
    assert_eq!(count(with_detail), 0);
    assert_eq!(count(term_rows), terms);
    assert_eq!(
        count("PRAGMA user_version"),
        i64::from(claims::store::SCHEMA_VERSION)
    );
    assert_eq!(
        claims_cmd(&db, &["--format", "json", "conflicts"]),
        conflicts
    );
}

/// A report of a squid and an outlet calling it a hoax: a conflict.
const SQUID_AND_HOAX: [(&str, &str); 2] = [
    (
        "Coast Daily",
        "A giant squid washed ashore at Tobermory after the storm.",
    ),
    (
        "Fact Desk",
        "The giant squid photo from Tobermory is a hoax.",
    ),
];

/// Articles of one story worded apart, so that relations are carried over its
/// corroborations: reports of a squid, refutations of them, and reports of the pier.
fn carried_story(dir: &Path) -> Vec<PathBuf> {
    let lines = [
        SQUID_AND_HOAX[0],
        SQUID_AND_HOAX[1],
        (
            "Harbour News",
            "Fishermen watched a huge squid washed ashore by the storm near the old pier at dawn.",
        ),
        (
            "Island Radio",
            "A giant squid washed up at Tobermory harbour after the storm.",
        ),
        (
            "Fact Desk",
            "The storm did not damage the old pier at Tobermory.",
        ),
        (
            "Harbour News",
            "The storm damaged the old pier at Tobermory badly.",
        ),
        (
            "Coast Daily",
            "The storm badly damaged the old pier at Tobermory harbour.",
        ),
        (
            "Island Radio",
            "Two boats sank at the old pier in the storm.",
        ),
        (
            "Coast Daily",
            "Three boats sank at the old pier in the storm.",
        ),
    ];
    one_line_articles(dir, "s", &lines)
}

/// One article per `(outlet, line)`, written to `DIR/PREFIXn.txt` with a URL, a title and a
/// published day of their own.
fn one_line_articles(dir: &Path, prefix: &str, lines: &[(&str, &str)]) -> Vec<PathBuf> {
    lines
        .iter()
        .enumerate()
        .map(|(n, (outlet, line))| {
            let p = dir.join(format!("{prefix}{n}.txt"));
            std::fs::write(
                &p,
                format!(
                    "URL: https://example.test/{prefix}{n}\nSource: {outlet}\nTitle: {prefix}{n}\n\
                     Published: 2026-03-0{}T09:00:00Z\n\n{line}\n",
                    1 + n % 5
                ),
            )
            .expect("write");
            p
        })
        .collect()
}

/// `claims relations` writes each row as it is read (found and judged rows in the list's
/// order from SQL, the carried ones computed by SQL, merged): the same rows in the same order
/// as the list collected and sorted in memory with `relate::carry::carried`, for every
/// minimum score and kind, with a person's judgement and a retraction; and the command
/// prints the bytes `print_json` printed for the collected list.
#[test]
fn the_streamed_list_is_the_collected_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let mut store = Store::open(&db).expect("open");
    let mut paths = carried_story(dir.path());
    paths.push(PathBuf::from("seeds/avdiivka.txt"));
    paths.push(PathBuf::from(COURIER));
    paths.push(PathBuf::from(GAZETTE));
    import(&mut store, &paths);
    for article in 0..12 {
        let mut ledger = Ledger::begin(&mut store).expect("ledger");
        ledger.add(templated(article)).expect("add");
        ledger.commit().expect("commit");
    }
    let check = |store: &Store| -> usize {
        let mut carried = 0;
        for min_score in [0.0, 0.3, relate::DEFAULT_MIN_SCORE, 0.7, 1.0] {
            for kind in [
                None,
                Some("conflicts"),
                Some("corroborates"),
                Some("updates"),
            ] {
                for include_retracted in [false, true] {
                    let f = RelationFilter {
                        kind: kind.map(str::to_string),
                        min_score,
                        include_retracted,
                        ..RelationFilter::default()
                    };
                    let streamed = relations(store, &f).expect("relations");
                    let collected = claims::store::query::relations::relations_collected(store, &f)
                        .expect("collected");
                    assert_eq!(streamed, collected, "{f:?}");
                    if kind.is_none() && min_score == 0.0 && !include_retracted {
                        carried = streamed.iter().filter(|r| r.basis == "carried/1").count();
                    }
                }
            }
        }
        carried
    };
    let carried = check(&store);
    assert!(carried >= 3, "{carried} carried");
    let all = RelationFilter::default();
    let before = relations(&store, &all).expect("relations");
    // A person's judgement on a carried pair, and a retracted claim.
    let pair = before
        .iter()
        .find(|r| r.basis == "carried/1")
        .expect("a carried row");
    claims::timeline::relations::link(
        &mut store,
        &pair.a.id.to_hex(),
        &pair.b.id.to_hex(),
        RelationKind::Corroborates,
        None,
    )
    .expect("link");
    let retracted = before.last().expect("a row").a.id.to_hex();
    drop(store);
    claims_cmd(&db, &["retract", &retracted, "--reason", "test"]);
    let store = Store::open(&db).expect("open");
    assert!(check(&store) >= 2);
    // The command's JSON is `print_json`'s of the collected list; JSONL one line per row.
    for args in [
        vec![],
        vec!["--kind", "conflicts"],
        vec!["--min-score", "0.7"],
    ] {
        let f = RelationFilter {
            kind: (args.first() == Some(&"--kind")).then(|| "conflicts".to_string()),
            min_score: if args.first() == Some(&"--min-score") {
                0.7
            } else {
                0.0
            },
            ..RelationFilter::default()
        };
        let collected =
            claims::store::query::relations::relations_collected(&store, &f).expect("collected");
        let mut cmd = vec!["--format", "json", "relations"];
        if f.kind.is_none() && f.min_score == 0.0 || f.kind.is_some() {
            cmd.extend(["--min-score", "0"]);
        }
        cmd.extend(args.iter().copied());
        let json = claims_cmd(&db, &cmd);
        assert_eq!(
            json,
            format!(
                "{}\n",
                serde_json::to_string_pretty(&collected).expect("json")
            ),
            "{cmd:?}"
        );
        cmd[1] = "jsonl";
        let jsonl = claims_cmd(&db, &cmd);
        let lines: Vec<String> = collected
            .iter()
            .map(|r| serde_json::to_string(r).expect("json") + "\n")
            .collect();
        assert_eq!(jsonl, lines.concat());
    }
    // Nothing: `[]`.
    let empty = dir.path().join("empty.db");
    drop(Store::open(&empty).expect("open"));
    assert_eq!(
        claims_cmd(&empty, &["--format", "json", "relations"]),
        "[]\n"
    );
}

/// Two claims that both conflict with a third take one side on it: a corroboration carried
/// over the two conflicts, scored by the weaker, though the two share no word but a name
/// ("Tobermory") and were never related directly. Listed with and without `--kind`, and the
/// streamed list is the collected one.
#[test]
fn a_corroboration_is_carried_over_two_conflicts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let lines = [
        SQUID_AND_HOAX[0],
        SQUID_AND_HOAX[1],
        (
            "Harbour News",
            "Experts say the Tobermory squid photo is genuine.",
        ),
    ];
    let paths = one_line_articles(dir.path(), "t", &lines);
    let mut store = Store::open(&db).expect("open");
    import(&mut store, &paths);
    let rows = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut cmd = vec!["--format", "json", "relations"];
        cmd.extend(args);
        serde_json::from_str(&claims_cmd(&db, &cmd)).expect("json")
    };
    let all = rows(&["--min-score", "0.4"]);
    let carried: Vec<_> = all.iter().filter(|r| r["basis"] == "carried/1").collect();
    assert_eq!(carried.len(), 1, "{all:#?}");
    let c = carried[0];
    assert_eq!(c["kind"], "corroborates");
    assert_eq!(c["score"], 0.426);
    let hoax = all
        .iter()
        .find(|r| r["basis"] == "stance/1" && r["score"] == 0.863)
        .expect("the hoax conflict");
    let hoax_id = if hoax["a"]["content"]
        .as_str()
        .is_some_and(|t| t.contains("hoax"))
    {
        hoax["a"]["id"].as_str().expect("id")
    } else {
        hoax["b"]["id"].as_str().expect("id")
    };
    assert_eq!(
        c["reason"],
        format!(
            "carried over claim {}: it conflicts with one side (0.426) and conflicts with the other (0.863)",
            &hoax_id[..12]
        )
    );
    let mut sides = [
        c["a"]["content"].as_str().expect("a"),
        c["b"]["content"].as_str().expect("b"),
    ];
    sides.sort_unstable();
    assert_eq!(
        sides,
        [
            "A giant squid washed ashore at Tobermory after the storm",
            "the Tobermory squid photo is genuine"
        ]
    );
    // The same row for one kind (every conflict is read for it), none among the conflicts,
    // and none at the corroborations' default minimum (0.45).
    let corroborations = rows(&["--kind", "corroborates", "--min-score", "0.4"]);
    assert_eq!(corroborations, vec![c.clone()]);
    let conflicts = rows(&["--kind", "conflicts", "--min-score", "0.4"]);
    assert_eq!(conflicts.len(), 2);
    assert!(conflicts.iter().all(|r| r["basis"] == "stance/1"));
    assert!(rows(&[]).iter().all(|r| r["basis"] != "carried/1"));
    for kind in [None, Some("corroborates")] {
        let f = RelationFilter {
            kind: kind.map(str::to_string),
            min_score: 0.4,
            ..RelationFilter::default()
        };
        let streamed = relations(&store, &f).expect("relations");
        let collected =
            claims::store::query::relations::relations_collected(&store, &f).expect("collected");
        assert_eq!(streamed, collected, "{f:?}");
        assert!(streamed.iter().any(|r| r.basis == "carried/1"));
    }
}

/// Without `--min-score`, corroborations have a default of their own above the conflicts'
/// (`relate::DEFAULT_MIN_CORROBORATION_SCORE`): the corroborations under it are not listed,
/// and conflicts are still carried over them.
#[test]
fn corroborations_have_their_own_minimum_score() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("c.db");
    let mut store = Store::open(&db).expect("open");
    import(&mut store, &carried_story(dir.path()));
    let at = |min_score: f64, min_corroboration_score: Option<f64>| {
        let f = RelationFilter {
            min_score,
            min_corroboration_score,
            ..RelationFilter::default()
        };
        let streamed = relations(&store, &f).expect("relations");
        let collected =
            claims::store::query::relations::relations_collected(&store, &f).expect("collected");
        assert_eq!(streamed, collected, "{f:?}");
        streamed
    };
    let all = at(0.0, None);
    let corroborations = |rows: &[claims::timeline::relations::RelationRow]| {
        rows.iter().filter(|r| r.kind == "corroborates").count()
    };
    assert!(corroborations(&all) >= 2, "{all:?}");
    // Corroborations of 1.0 and above only: every other row as it was, carried ones too.
    let strict = at(0.0, Some(1.0));
    let want: Vec<_> = all
        .iter()
        .filter(|r| r.kind != "corroborates" || r.score >= 1.0)
        .cloned()
        .collect();
    assert_eq!(strict, want);
    assert!(corroborations(&strict) < corroborations(&all));
    assert!(strict
        .iter()
        .any(|r| r.kind == "conflicts" && r.basis == "carried/1"));
    // The command's default is those two minimums; `--min-score` sets one for every kind.
    drop(store);
    let store = Store::open(&db).expect("open");
    let json = |rows: &[claims::timeline::relations::RelationRow]| {
        format!("{}\n", serde_json::to_string_pretty(rows).expect("json"))
    };
    let default = relations(
        &store,
        &RelationFilter {
            min_score: relate::DEFAULT_MIN_SCORE,
            min_corroboration_score: Some(relate::DEFAULT_MIN_CORROBORATION_SCORE),
            ..RelationFilter::default()
        },
    )
    .expect("relations");
    assert_eq!(
        claims_cmd(&db, &["--format", "json", "relations"]),
        json(&default)
    );
    let given = relations(
        &store,
        &RelationFilter {
            min_score: relate::DEFAULT_MIN_SCORE,
            ..RelationFilter::default()
        },
    )
    .expect("relations");
    let min = relate::DEFAULT_MIN_SCORE.to_string();
    assert_eq!(
        claims_cmd(&db, &["--format", "json", "relations", "--min-score", &min]),
        json(&given)
    );
}

/// Schema 13 widens `mentions_claim` to `(claim_seq, version_seq)`, so that where a claim
/// appears is read from the index (`claims relations`, docs/performance.md): a database of
/// schema 12 is migrated to it and lists the same relations, byte for byte.
#[test]
fn schema_12_gets_the_wider_mentions_index_and_the_same_list() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    let mut store = Store::open(&db).expect("open");
    let mut paths = carried_story(dir.path());
    paths.push(PathBuf::from(COURIER));
    paths.push(PathBuf::from(GAZETTE));
    import(&mut store, &paths);
    drop(store);
    let json = claims_cmd(&db, &["--format", "json", "relations", "--min-score", "0"]);
    assert!(json.contains("carried/1"), "{json}");
    let columns = |conn: &rusqlite::Connection| -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_index_info('mentions_claim') ORDER BY seqno")
            .expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("columns")
    };
    let conn = rusqlite::Connection::open(&db).expect("open");
    assert_eq!(columns(&conn), ["claim_seq", "version_seq"]);
    // As schema 12 left it.
    conn.execute_batch(
        "DROP INDEX mentions_claim;
         CREATE INDEX mentions_claim ON mentions(claim_seq);
         PRAGMA user_version = 12;",
    )
    .expect("schema 12");
    assert_eq!(columns(&conn), ["claim_seq"]);
    drop(conn);
    let store = Store::open(&db).expect("migrate");
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
    drop(store);
    let conn = rusqlite::Connection::open(&db).expect("open");
    assert_eq!(columns(&conn), ["claim_seq", "version_seq"]);
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, i64::from(claims::store::SCHEMA_VERSION));
    drop(conn);
    assert_eq!(
        claims_cmd(&db, &["--format", "json", "relations", "--min-score", "0"]),
        json
    );
}

/// Regression (extractor 0.5.18): "did not deny" was stored as the claim of "denied" (cue
/// `deny`, stance `denying`), so the same content said by another speaker was listed as a
/// conflict by opposite cues. A negated cue is `not deny`, stance `neutral`: no conflict, no
/// corroboration; the real denial still conflicts.
#[test]
fn a_negated_cue_is_no_denial_and_relates_to_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let texts = [
        (
            "board",
            "The harbour board did not deny that ferry fares would rise in June.",
        ),
        ("union", "Ferry fares would rise in June, the union said."),
        (
            "council",
            "The council denied that ferry fares would rise in June.",
        ),
    ];
    let files: Vec<PathBuf> = texts
        .iter()
        .map(|(name, text)| {
            let path = dir.path().join(format!("{name}.txt"));
            let body = format!("URL: https://news.example/{name}\nTitle: Fares\n\n{text}\n");
            std::fs::write(&path, body).expect("write");
            path
        })
        .collect();
    let db = dir.path().join("n.db");
    let mut store = Store::open(&db).expect("open");
    import(&mut store, &files);
    drop(store);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&claims_cmd(
        &db,
        &["--format", "json", "relations", "--min-score", "0"],
    ))
    .expect("json");
    let sides: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            let mut s = [
                r["a"]["speaker"].as_str().unwrap_or("").to_string(),
                r["b"]["speaker"].as_str().unwrap_or("").to_string(),
            ];
            s.sort();
            (
                r["kind"].as_str().unwrap_or("").to_string(),
                s[0].clone(),
                s[1].clone(),
            )
        })
        .collect();
    assert_eq!(
        sides,
        vec![(
            "conflicts".to_string(),
            "council".to_string(),
            "union".to_string()
        )],
        "{rows:#?}"
    );
    let board: (String, String) = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT cue, stance FROM claims WHERE speaker = 'harbour board'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the board's claim");
    assert_eq!(board, ("not deny".to_string(), "neutral".to_string()));
}
