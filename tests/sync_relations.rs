//! Relations do not depend on how claims arrived: two contradicting articles imported into two
//! databases and synced over each transport (bundle, database file, HTTP hub) give the same
//! conflict on both sides as when they are imported into one database.

use claims::extract::Extractor;
use claims::import::import_paths;
use claims::model::Overrides;
use claims::store::Store;
use claims::sync::bundle;
use claims::sync::peer::{DbPeer, HttpPeer};
use claims::sync::server::{ServeOptions, Server};
use claims::sync::{self, Options};
use claims::timeline::relations::{conflicts, ConflictFilter};
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

mod common;
use common::sql;

const COURIER: &str = "tests/fixtures/sync/ferry-courier.txt";
const GAZETTE: &str = "tests/fixtures/sync/ferry-gazette.txt";

fn import(path: &Path, files: &[&str]) {
    let mut store = Store::open(path).expect("open");
    let files: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    let out = import_paths(
        &mut store,
        &files,
        &Overrides::default(),
        &Extractor::new().expect("embedded lexicon"),
        |_, _, _, _| {},
    )
    .expect("import");
    assert!(out.iter().all(|o| o.is_ok()), "{out:?}");
}

/// The conflicts in force, as (basis, reason, the two contents, the relation id).
fn conflict_set(path: &Path) -> Vec<(String, String, String, String, Option<String>)> {
    let store = Store::open(path).expect("open");
    conflicts(&store, &ConflictFilter::default())
        .expect("conflicts")
        .into_iter()
        .map(|c| (c.basis, c.reason, c.a.content, c.b.content, c.relation))
        .collect()
}

fn ids(path: &Path) -> BTreeSet<String> {
    let store = Store::open(path).expect("open");
    let conn = sql(&store);
    let mut stmt = conn.prepare("SELECT id FROM objects").expect("prepare");
    let rows = stmt.query_map([], |r| r.get(0)).expect("query");
    rows.collect::<Result<_, _>>().expect("ids")
}

fn verified(path: &Path) {
    let report = claims::store::verify::verify(&Store::open(path).expect("open")).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
}

/// What importing both articles into one database gives.
fn expected(dir: &Path) -> Vec<(String, String, String, String, Option<String>)> {
    let one = dir.join("one.db");
    import(&one, &[COURIER, GAZETTE]);
    let found = conflict_set(&one);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "number/1");
    assert_eq!(found[0].1, "number: five vs two");
    assert!(found[0].4.is_none(), "an index row, not an object");
    found
}

/// Each article in a database of its own.
fn apart(dir: &Path) -> (PathBuf, PathBuf) {
    let (a, b) = (dir.join("a.db"), dir.join("b.db"));
    import(&a, &[COURIER]);
    import(&b, &[GAZETTE]);
    assert!(conflict_set(&a).is_empty());
    assert!(conflict_set(&b).is_empty());
    (a, b)
}

fn assert_both_sides(
    a: &Path,
    b: &Path,
    expected: &[(String, String, String, String, Option<String>)],
) {
    assert_eq!(conflict_set(a), expected);
    assert_eq!(conflict_set(b), expected);
    assert_eq!(relations(a), relations(b));
    assert_eq!(ids(a), ids(b));
    verified(a);
    verified(b);
}

#[test]
fn the_conflict_appears_on_both_sides_after_a_database_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = expected(dir.path());
    let (a, b) = apart(dir.path());
    let mut local = Store::open(&a).expect("a");
    let mut peer = DbPeer::open(&a, &b).expect("peer");
    sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
    drop((local, peer));
    assert_both_sides(&a, &b, &expected);
    // Nothing is left to move: each side derived the relation, as an index row.
    let mut local = Store::open(&a).expect("a");
    let mut peer = DbPeer::open(&a, &b).expect("peer");
    let again = sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("again");
    assert_eq!((again.sent, again.received), (0, 0));
}

#[test]
fn the_conflict_appears_on_both_sides_after_an_http_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = expected(dir.path());
    let (a, b) = apart(dir.path());
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let running = Server::from_listener(listener)
        .expect("server")
        .spawn(Store::open(&b).expect("hub"), ServeOptions::default())
        .expect("spawn");
    let mut local = Store::open(&a).expect("a");
    let mut peer = HttpPeer::new(running.url(), None).expect("peer");
    sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
    let again = sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("again");
    assert_eq!((again.sent, again.received), (0, 0));
    running.stop();
    drop(local);
    assert_both_sides(&a, &b, &expected);
}

#[test]
fn the_conflict_appears_on_both_sides_after_bundles_both_ways() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected = expected(dir.path());
    let (a, b) = apart(dir.path());
    let file = dir.path().join("x.bundle");
    bundle::create(&Store::open(&a).expect("a"), &file, None).expect("create");
    bundle::apply(&mut Store::open(&b).expect("b"), &file, false).expect("apply");
    assert_eq!(conflict_set(&b), expected);
    bundle::create(&Store::open(&b).expect("b"), &file, None).expect("create");
    bundle::apply(&mut Store::open(&a).expect("a"), &file, false).expect("apply");
    assert_both_sides(&a, &b, &expected);
}

/// Every relation in force in a database: (kind, basis, reason), sorted as `claims
/// relations` sorts them.
fn relations(path: &Path) -> Vec<(String, String, String)> {
    let store = Store::open(path).expect("open");
    let all = claims::timeline::relations::RelationFilter::default();
    claims::timeline::relations::relations(&store, &all)
        .expect("relations")
        .into_iter()
        .map(|r| (r.kind, r.basis, r.reason))
        .collect()
}

/// Imports both versions of the bridge article (and `more`) into `path`: its relations, of
/// which 3 `updates` between the versions.
fn both_versions_imported(path: &Path, more: &[&str]) -> Vec<(String, String, String)> {
    let mut files = vec![
        "tests/fixtures/timeline/bridge-v1.txt",
        "tests/fixtures/timeline/bridge-v2.txt",
    ];
    files.extend_from_slice(more);
    import(path, &files);
    let found = relations(path);
    assert_eq!(
        found.iter().filter(|r| r.0 == "updates").count(),
        3,
        "{found:?}"
    );
    found
}

#[test]
fn a_new_version_received_by_sync_is_diffed_against_the_one_before_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    // One database imports both versions of the article.
    let one = dir.path().join("one.db");
    let expected = both_versions_imported(&one, &[]);
    // Another has the first version and receives the second by sync from a third.
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    import(&a, &["tests/fixtures/timeline/bridge-v1.txt"]);
    let mut local = Store::open(&b).expect("b");
    let mut peer = DbPeer::open(&b, &a).expect("peer");
    sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
    drop((local, peer));
    import(&b, &["tests/fixtures/timeline/bridge-v2.txt"]);
    let mut local = Store::open(&a).expect("a");
    let mut peer = DbPeer::open(&a, &b).expect("peer");
    sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("sync back");
    drop((local, peer));
    assert_eq!(relations(&a), expected);
    assert_eq!(relations(&b), expected);
    assert_eq!(ids(&a), ids(&b));
    verified(&a);
    verified(&b);
}

#[test]
fn versions_received_into_an_empty_database_are_diffed_as_where_they_were_imported() {
    // The pass at the end of a sync into an empty database derives every document's
    // `updates` from one read of all the versions.
    let dir = tempfile::tempdir().expect("tempdir");
    let one = dir.path().join("one.db");
    let expected = both_versions_imported(&one, &[COURIER, GAZETTE]);
    let empty = dir.path().join("empty.db");
    let mut local = Store::open(&empty).expect("empty");
    let mut peer = DbPeer::open(&empty, &one).expect("peer");
    sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
    drop((local, peer));
    assert_eq!(relations(&empty), expected);
    let order = "SELECT v.id, p.id FROM version_order o JOIN versions v ON v.seq = o.version_seq
                 LEFT JOIN versions p ON p.seq = o.previous_seq ORDER BY v.id";
    let orders = |path: &Path| {
        let store = Store::open(path).expect("open");
        let conn = sql(&store);
        let mut stmt = conn.prepare(order).expect("prepare");
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
            })
            .expect("query");
        rows.collect::<Result<Vec<_>, _>>().expect("rows")
    };
    let found = orders(&empty);
    assert_eq!(found.len(), 4, "{found:?}");
    assert_eq!(found.iter().filter(|r| r.1.is_some()).count(), 1);
    assert_eq!(found, orders(&one));
    verified(&empty);
}

const PLACES: &[&str] = &[
    "harbour", "bridge", "station", "library", "school", "hospital", "market",
];
const VERBS: &[&str] = &[
    "flooded",
    "closed",
    "reopened",
    "collapsed",
    "evacuated",
    "burned",
];

/// 42 claims that all name the reservoir (a term past the bound), each place in 6 of them,
/// some denied, one content repeated: conflicts, corroborations, common keys.
fn templated() -> Vec<claims::model::Received> {
    let mut out = Vec::new();
    for i in 0..42 {
        let place = PLACES[i % PLACES.len()];
        let verb = VERBS[(i / PLACES.len()) % VERBS.len()];
        let (cue, stance) = if i % 5 == 2 {
            ("deny", "denying")
        } else {
            ("say", "neutral")
        };
        let content = format!("the reservoir near the {place} {verb} after the storm");
        out.push(claims::synth::claim(
            &format!("Speaker {}", i % 4),
            cue,
            stance,
            &content,
        ));
    }
    out.push(claims::synth::claim(
        "Police",
        "deny",
        "denying",
        "the reservoir near the bridge flooded after the storm",
    ));
    out
}

/// Index rows by claim id (seqs differ between databases), sorted, and whether relations are
/// pending.
fn derived_rows(path: &Path) -> (Vec<String>, bool) {
    let store = Store::open(path).expect("open");
    let conn = sql(&store);
    let mut out = Vec::new();
    for query in [
        "SELECT 'found ' || a_id || ' ' || b_id || ' ' || kind || ' ' || score || ' ' || basis
                || ' ' || reason FROM found_relations",
        "SELECT 'same ' || a_id || ' ' || b_id || ' ' || kind FROM same_content_relations",
        "SELECT 'common ' || key FROM common_keys",
        "SELECT 'key ' || k.key || ' ' || k.detail || ' ' || c.id
         FROM claim_keys k JOIN claims c ON c.seq = k.claim_seq",
    ] {
        let mut stmt = conn.prepare(query).expect("prepare");
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .expect("query");
        out.extend(rows.map(|r| r.expect("row")));
    }
    out.sort();
    let pending: bool = conn
        .query_row("SELECT pending FROM relation_state", [], |r| r.get(0))
        .expect("state");
    (out, pending)
}

/// `claims relations --min-score 0 --format json`, as bytes.
fn relations_json(path: &Path) -> Vec<u8> {
    let dir = path.parent().expect("dir");
    let db = path.to_str().expect("utf-8 path");
    let out = common::claims(dir)
        .args([
            "--db",
            db,
            "--format",
            "json",
            "relations",
            "--min-score",
            "0",
        ])
        .output()
        .expect("claims runs");
    assert!(out.status.success(), "{}", common::stderr(&out));
    out.stdout
}

/// A sync into an empty database leaves the relations of what it stores pending and derives
/// them in one pass at the end (docs/sync.md): the rows are those of the database it came from,
/// where the same objects were imported and stored in several transactions.
#[test]
fn a_sync_into_an_empty_database_derives_what_the_source_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = dir.path().join("one.db");
    import(&one, &[COURIER, GAZETTE]);
    {
        let mut store = Store::open(&one).expect("one");
        for part in templated().chunks(10) {
            let mut ledger = claims::ledger::Ledger::begin(&mut store).expect("ledger");
            ledger.add(part.to_vec()).expect("add");
            ledger.commit().expect("commit");
        }
    }
    let (rows, pending) = derived_rows(&one);
    assert!(!pending);
    for kind in ["found ", "same ", "common ", "key "] {
        assert!(rows.iter().any(|r| r.starts_with(kind)), "no {kind}rows");
    }
    let json = relations_json(&one);
    assert!(json.len() > 1000, "{}", String::from_utf8_lossy(&json));

    // From the database file.
    let by_file = dir.path().join("by-file.db");
    let mut local = Store::open(&by_file).expect("by-file");
    let mut peer = DbPeer::open(&by_file, &one).expect("peer");
    let report = sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
    assert_eq!(report.received as usize, ids(&one).len());
    drop((local, peer));

    // From a hub serving it.
    let by_hub = dir.path().join("by-hub.db");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let running = Server::from_listener(listener)
        .expect("server")
        .spawn(Store::open(&one).expect("hub"), ServeOptions::default())
        .expect("spawn");
    let mut local = Store::open(&by_hub).expect("by-hub");
    let mut peer = HttpPeer::new(running.url(), None).expect("peer");
    sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
    running.stop();
    drop(local);

    for synced in [&by_file, &by_hub] {
        assert_eq!(derived_rows(synced), (rows.clone(), false));
        assert_eq!(relations_json(synced), json);
        assert_eq!(ids(synced), ids(&one));
        verified(synced);
    }
}

/// `review_matches` as `review id, claim id, score`, sorted.
fn review_matches(path: &Path) -> Vec<String> {
    let store = Store::open(path).expect("open");
    let conn = sql(&store);
    let mut stmt = conn
        .prepare(
            "SELECT r.id || ' ' || c.id || ' ' || m.score FROM review_matches m
             JOIN reviews r ON r.seq = m.review_seq JOIN claims c ON c.seq = m.claim_seq",
        )
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .expect("query");
    let mut out: Vec<String> = rows.map(|r| r.expect("row")).collect();
    out.sort();
    out
}

/// Reviews whose two-term lookup key is past the bound (held by 45 claims; `claim_keys` keeps
/// only the row of the one whose content is not plain text, and a review finds the others
/// through `claims_fts`) match the same claims in a database that received everything by sync,
/// into an empty database (the relation step deferred to a pass) or one holding some claims.
#[test]
fn reviews_of_a_pair_key_past_the_bound_match_the_same_claims_after_a_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut objects: Vec<claims::model::Received> = (0..44)
        .map(|i| {
            let place = PLACES[i % PLACES.len()];
            let verb = VERBS[(i / PLACES.len()) % VERBS.len()];
            let content = format!("the zorblat and the quendish near the {place} {verb} overnight");
            claims::synth::claim(&format!("Speaker {}", i % 4), "say", "neutral", &content)
        })
        .collect();
    objects.push(claims::synth::claim(
        "Speaker 1",
        "say",
        "neutral",
        "the zorblat and the quendish near the café flooded overnight",
    ));
    let reviews = common::pair_key_reviews();
    let one = dir.path().join("one.db");
    {
        let mut store = Store::open(&one).expect("one");
        for part in objects.chunks(10) {
            let mut ledger = claims::ledger::Ledger::begin(&mut store).expect("ledger");
            ledger.add(part.to_vec()).expect("add");
            ledger.commit().expect("commit");
        }
        let mut ledger = claims::ledger::Ledger::begin(&mut store).expect("ledger");
        ledger.add(reviews.to_vec()).expect("add");
        ledger.commit().expect("commit");
    }
    let matches = review_matches(&one);
    assert!(matches.len() > 10, "{matches:?}");
    let (rows, _) = derived_rows(&one);
    let key = "key t:quendish+zorblat ";
    assert_eq!(rows.iter().filter(|r| r.starts_with(key)).count(), 1);
    // Into an empty database, and into one holding a few of the claims.
    let empty = dir.path().join("empty.db");
    let some = dir.path().join("some.db");
    {
        let mut store = Store::open(&some).expect("some");
        let mut ledger = claims::ledger::Ledger::begin(&mut store).expect("ledger");
        ledger.add(objects[..7].to_vec()).expect("add");
        ledger.commit().expect("commit");
    }
    for synced in [&empty, &some] {
        let mut local = Store::open(synced).expect("local");
        let mut peer = DbPeer::open(synced, &one).expect("peer");
        sync::sync(&mut local, &mut peer, &Options::default(), &mut |_| {}).expect("sync");
        drop((local, peer));
        assert_eq!(review_matches(synced), matches, "{}", synced.display());
        assert_eq!(derived_rows(synced), (rows.clone(), false));
        verified(synced);
    }
}
