//! `claim_keys` keeps no rows of a key past the bound (held by more than `MAX_KEY_HOLDERS`
//! claims) but the content key's (schema 12) and, of the two-term review lookup keys, those of
//! claims whose content is not plain text (schema 14; reviews find the other holders through
//! `claims_fts`, and match the same claims): the rows and the
//! relations are the same whatever order and batches the claims arrive in, equal to what
//! `claims rebuild` computes, and an older database is migrated to them.

mod common;
use claims::ledger::Ledger;
use claims::model::Received;
use claims::relate::MAX_KEY_HOLDERS;
use claims::store::{kept_past_bound, Store};
use claims::synth::claim;
use common::review;

const PLACES: &[&str] = &[
    "harbour", "bridge", "station", "library", "school", "hospital", "market", "stadium",
    "airport", "tunnel", "museum", "prison",
];
const VERBS: &[&str] = &["flooded", "closed", "reopened", "collapsed", "evacuated"];

/// 60 claims: every one names the reservoir (a term held by more than the bound), each place
/// is in 5 of them (under the bound), some contents are repeated and some denied.
fn corpus() -> Vec<Received> {
    let mut out = Vec::new();
    for i in 0..60 {
        let place = PLACES[i % PLACES.len()];
        let verb = VERBS[(i / PLACES.len()) % VERBS.len()];
        let (cue, stance) = if i % 7 == 3 {
            ("deny", "denying")
        } else {
            ("say", "neutral")
        };
        let content = format!("the reservoir near the {place} {verb} after the storm");
        out.push(claim(&format!("Speaker {}", i % 9), cue, stance, &content));
    }
    // The same content again from other speakers, one denying.
    out.push(claim(
        "The mayor",
        "say",
        "neutral",
        "the reservoir near the bridge flooded after the storm",
    ));
    out.push(claim(
        "Police",
        "deny",
        "denying",
        "the reservoir near the bridge flooded after the storm",
    ));
    out
}

/// Rows by claim id (seqs differ with the arrival order), sorted.
fn rows(store: &Store, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(store.path()).expect("open");
    let mut stmt = conn.prepare(sql).expect("prepare");
    let mut out: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    out.sort();
    out
}

const KEY_ROWS: &str = "SELECT k.key || ' ' || k.detail || ' ' || c.id
                        FROM claim_keys k JOIN claims c ON c.seq = k.claim_seq";
const FOUND: &str = "SELECT a_id || ' ' || b_id || ' ' || kind || ' ' || basis || ' ' || reason
                     FROM found_relations";
const SAME: &str = "SELECT a_id || ' ' || b_id || ' ' || kind FROM same_content_relations";
const COMMON: &str = "SELECT key FROM common_keys";

/// Stores `claims` in batches of `batch` (one transaction each), returns the store.
fn store_in(dir: &std::path::Path, name: &str, claims: &[Received], batch: usize) -> Store {
    let mut store = Store::open(&dir.join(name)).expect("open");
    for part in claims.chunks(batch) {
        let mut ledger = Ledger::begin(&mut store).expect("ledger");
        ledger.add(part.to_vec()).expect("add");
        ledger.commit().expect("commit");
    }
    store
}

#[test]
fn rows_of_keys_past_the_bound_are_dropped_in_any_arrival_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let claims = corpus();
    let mut reversed = claims.clone();
    reversed.reverse();
    let mut shuffled = claims.clone();
    // A fixed permutation: 37 is prime to 62.
    for (i, c) in claims.iter().enumerate() {
        shuffled[(i * 37) % claims.len()] = c.clone();
    }
    let stores = [
        store_in(dir.path(), "all.db", &claims, claims.len()),
        store_in(dir.path(), "ones.db", &claims, 1),
        store_in(dir.path(), "reversed.db", &reversed, 7),
        store_in(dir.path(), "shuffled.db", &shuffled, 30),
    ];
    let first = &stores[0];
    let common = rows(first, COMMON);
    // The reservoir's term is past the bound (all 62 claims hold it), a place's is not.
    assert!(common.iter().any(|k| k.contains("reservoir")), "{common:?}");
    assert!(!common.iter().any(|k| k == "t:harbour"), "{common:?}");
    let key_rows = rows(first, KEY_ROWS);
    for store in &stores {
        assert_eq!(rows(store, COMMON), common);
        assert_eq!(rows(store, KEY_ROWS), key_rows);
        assert_eq!(rows(store, FOUND), rows(first, FOUND));
        assert_eq!(rows(store, SAME), rows(first, SAME));
        // The index equals what a rebuild computes.
        let report = claims::store::verify::verify(store).expect("verify");
        assert!(report.ok(), "{:?}", report.problems);
    }
    // No key past the bound keeps rows but those kept past it, which keep all of theirs.
    let count = |key: &str| {
        key_rows
            .iter()
            .filter(|r| r.starts_with(&format!("{key} ")))
            .count()
    };
    let mut dropped = 0;
    for key in &common {
        if kept_past_bound(key) {
            assert!(count(key) as i64 > MAX_KEY_HOLDERS, "{key}");
        } else {
            assert_eq!(count(key), 0, "{key}");
            dropped += 1;
        }
    }
    assert!(dropped > 0, "{common:?}");
    // Keys under the bound keep every holder: each place is in 5 or 6 claims.
    assert!((5..=6).contains(&count("t:harbour")), "{key_rows:?}");
    // The repeated content is still related by the view (its `n:` key is under the bound).
    assert_eq!(rows(first, SAME).len(), 3, "{:?}", rows(first, SAME));
    assert!(!rows(first, FOUND).is_empty());
}

#[test]
fn an_older_database_loses_the_rows_of_keys_past_the_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store_in(dir.path(), "c.db", &corpus(), 20);
    let path = store.path().to_path_buf();
    let key_rows = rows(&store, KEY_ROWS);
    let found = rows(&store, FOUND);
    drop(store);
    // Schema 11 kept the rows of every key: put back those of the keys past the bound.
    let conn = rusqlite::Connection::open(&path).expect("open");
    let added = conn
        .execute(
            "INSERT OR IGNORE INTO claim_keys(key, detail, claim_seq)
             SELECT k.key, '', c.seq FROM common_keys k, claims c
             WHERE k.key >= 't:' AND k.key < 't;' AND instr(k.key, '+') = 0",
            [],
        )
        .expect("schema 11 rows");
    assert!(added > 0);
    conn.execute_batch("PRAGMA user_version = 11")
        .expect("schema 11");
    drop(conn);
    let store = Store::open(&path).expect("migrate");
    assert_eq!(rows(&store, KEY_ROWS), key_rows);
    assert_eq!(rows(&store, FOUND), found);
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
}

fn pending(store: &Store) -> bool {
    rusqlite::Connection::open(store.path())
        .expect("open")
        .query_row("SELECT pending FROM relation_state", [], |r| r.get(0))
        .expect("state")
}

/// Transactions that defer the relation step (a sync into an empty database) commit their
/// claims with the derived rows pending and none written, as a sync killed after them leaves
/// the file; the next transaction that writes derives them all, and they are those of claims
/// stored with the step in every batch.
#[test]
fn deferred_relations_stay_pending_until_the_next_write_derives_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let claims = corpus();
    let each = store_in(dir.path(), "each.db", &claims, 9);
    let mut deferred = Store::open(&dir.path().join("deferred.db")).expect("open");
    for part in claims.chunks(25) {
        let mut ledger = Ledger::begin(&mut deferred).expect("ledger");
        ledger.defer_relations().expect("defer");
        let added = ledger.add(part.to_vec()).expect("add");
        assert_eq!(added.stored, part.len() as u64);
        assert_eq!(added.derived, Default::default());
        ledger.commit().expect("commit");
        assert!(pending(&deferred));
        assert!(rows(&deferred, FOUND).is_empty());
        assert!(rows(&deferred, KEY_ROWS).is_empty());
    }
    // The next write (here one storing nothing) derives everything pending.
    let mut ledger = Ledger::begin(&mut deferred).expect("ledger");
    ledger.add(vec![claims[0].clone()]).expect("add");
    assert_eq!(ledger.stats().claims, claims.len() as u64);
    ledger.commit().expect("commit");
    assert!(!pending(&deferred));
    for query in [COMMON, KEY_ROWS, FOUND, SAME] {
        assert_eq!(rows(&deferred, query), rows(&each, query), "{query}");
    }
    let report = claims::store::verify::verify(&deferred).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
}

/// A review naming no claim is matched against the stored claims' keys: arriving in a
/// transaction that defers the relation step, it makes that transaction derive what is
/// pending first, and it matches the claims it matches when every batch runs the step.
#[test]
fn a_review_in_a_deferred_transaction_matches_as_in_any_other() {
    let review: Received = review(
        "The reservoir near the harbour flooded after the storm",
        "Speaker 0",
        1,
    );
    const MATCHES: &str = "SELECT r.id || ' ' || c.id || ' ' || m.score FROM review_matches m
                           JOIN objects r ON r.seq = m.review_seq
                           JOIN claims c ON c.seq = m.claim_seq";
    let dir = tempfile::tempdir().expect("tempdir");
    let mut with_review = corpus();
    with_review.push(review);
    let each = store_in(dir.path(), "each.db", &with_review, 9);
    let mut deferred = Store::open(&dir.path().join("deferred.db")).expect("open");
    for part in with_review.chunks(40) {
        let mut ledger = Ledger::begin(&mut deferred).expect("ledger");
        ledger.defer_relations().expect("defer");
        ledger.add(part.to_vec()).expect("add");
        ledger.commit().expect("commit");
    }
    // The review came in the second transaction: it derived everything before it.
    assert!(!pending(&deferred));
    let matches = rows(&each, MATCHES);
    assert!(!matches.is_empty());
    assert_eq!(rows(&deferred, MATCHES), matches);
    for query in [COMMON, KEY_ROWS, FOUND, SAME] {
        assert_eq!(rows(&deferred, query), rows(&each, query), "{query}");
    }
}

/// The pass that derives what deferred transactions left pending (a sync into an empty
/// database, `Ledger::settle_with`) may get the claims' candidate keys computed beforehand (on
/// a sync's fetching thread), for some claims or all: the rows are those of claims stored with
/// the step in every batch, and of the pass that computes every key itself.
#[test]
fn keys_carried_to_the_pass_at_the_end_give_the_same_rows() {
    use claims::ledger::ClaimKeys;
    let dir = tempfile::tempdir().expect("tempdir");
    let claims = corpus();
    let each = store_in(dir.path(), "each.db", &claims, 9);
    for (name, carried) in [("none", 0), ("some", 31), ("all", claims.len())] {
        let mut deferred = Store::open(&dir.path().join(format!("{name}.db"))).expect("open");
        for part in claims.chunks(25) {
            let mut ledger = Ledger::begin(&mut deferred).expect("ledger");
            ledger.defer_relations().expect("defer");
            ledger.add(part.to_vec()).expect("add");
            ledger.commit().expect("commit");
        }
        assert!(pending(&deferred));
        let keys = ClaimKeys::of(&claims[..carried]);
        let derived = Ledger::settle_with(&mut deferred, keys).expect("settle");
        assert_eq!(derived.claims, claims.len() as u64, "{name}");
        assert!(!pending(&deferred));
        for query in [COMMON, KEY_ROWS, FOUND, SAME] {
            assert_eq!(
                rows(&deferred, query),
                rows(&each, query),
                "{name}: {query}"
            );
        }
        let report = claims::store::verify::verify(&deferred).expect("verify");
        assert!(report.ok(), "{name}: {:?}", report.problems);
    }
}

/// 44 claims naming the zorblat and the quendish (two rare terms: their pair key is past the
/// bound), each with a place and a verb; one of them not plain text (`café`), one denied.
fn common_pair_corpus() -> Vec<Received> {
    let mut out: Vec<Received> = (0..43)
        .map(|i| {
            let place = PLACES[i % PLACES.len()];
            let verb = VERBS[(i / PLACES.len()) % VERBS.len()];
            let content = format!("the zorblat and the quendish near the {place} {verb} overnight");
            claim(&format!("Speaker {}", i % 5), "say", "neutral", &content)
        })
        .collect();
    out.push(claim(
        "Speaker 1",
        "say",
        "neutral",
        "the zorblat and the quendish near the café flooded overnight",
    ));
    out
}

/// Reviews of the same story: one worded as a claim (its pair key past the bound), one about
/// the café, one of another story.
fn common_pair_reviews() -> Vec<Received> {
    let mut reviews = common::pair_key_reviews();
    reviews.push(review("Grain exports rose by a third", "Speaker 2", 3));
    reviews
}

/// `review_matches` as rows `review id, claim id, score`.
fn review_matches(store: &Store) -> Vec<(String, String, f64)> {
    let conn = rusqlite::Connection::open(store.path()).expect("open");
    let mut stmt = conn
        .prepare(
            "SELECT r.id, c.id, m.score FROM review_matches m
             JOIN reviews r ON r.seq = m.review_seq JOIN claims c ON c.seq = m.claim_seq
             ORDER BY 1, 2",
        )
        .expect("prepare");
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query");
    rows.collect::<rusqlite::Result<_>>().expect("rows")
}

/// What `review_matches` holds by definition (docs/schema.md): every stored claim that shares
/// a lookup key with a stored review naming no claim and scores at least the threshold,
/// computed from the `claims` and `reviews` rows alone.
fn matches_by_definition(store: &Store) -> Vec<(String, String, f64)> {
    use claims::relate::review::{lookup_keys, score};
    let conn = rusqlite::Connection::open(store.path()).expect("open");
    let read = |sql: &str| -> Vec<(String, String, Option<String>)> {
        let mut stmt = conn.prepare(sql).expect("prepare");
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query");
        rows.collect::<rusqlite::Result<_>>().expect("rows")
    };
    let claims = read("SELECT id, content, speaker FROM claims");
    let reviews = read("SELECT id, content, claimant FROM reviews WHERE claim_id IS NULL");
    let mut out = Vec::new();
    for (review, content, claimant) in &reviews {
        let keys = lookup_keys(content);
        for (claim, claim_content, speaker) in &claims {
            let held = claims::relate::candidate_keys(claim_content);
            if !held.iter().any(|(k, _)| keys.contains(k)) {
                continue;
            }
            let speaker = speaker.as_deref().unwrap_or_default();
            if let Some(s) = score(content, claimant.as_deref(), claim_content, speaker) {
                out.push((review.clone(), claim.clone(), s));
            }
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

/// A two-term key past the bound keeps `claim_keys` rows only for claims whose content is not
/// plain text (schema 14); a review looks its other holders up in `claims_fts` and finds the
/// claims it finds by definition, arriving before the claims, after them, in their transaction
/// (before the full-text index holds them) or between them, in one transaction or several,
/// with the relation step deferred (a sync into an empty database), and after a rebuild.
#[test]
fn reviews_match_the_holders_of_a_pair_key_past_the_bound_in_any_arrival_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let claims = common_pair_corpus();
    let reviews = common_pair_reviews();
    let key = "t:quendish+zorblat";
    // Reviews after the claims, each batch a transaction.
    let mut after = claims.clone();
    after.extend(reviews.iter().cloned());
    let mut before = reviews.clone();
    before.extend(claims.iter().cloned());
    // A review in the middle of the claims.
    let mut middle = claims[..38].to_vec();
    middle.push(reviews[0].clone());
    middle.extend(claims[38..].iter().cloned());
    middle.extend(reviews[1..].iter().cloned());
    let mut stores = vec![
        store_in(dir.path(), "after.db", &after, claims.len()),
        store_in(dir.path(), "together.db", &after, after.len()),
        store_in(dir.path(), "nines.db", &after, 9),
        store_in(dir.path(), "ones.db", &after, 1),
    ];
    // One object at a time in one transaction (a batch stores the reviews last).
    for (name, order) in [("before.db", &before), ("middle.db", &middle)] {
        let mut store = Store::open(&dir.path().join(name)).expect("open");
        let mut ledger = Ledger::begin(&mut store).expect("ledger");
        for object in order {
            ledger.put(object.clone()).expect("put");
        }
        ledger.commit().expect("commit");
        stores.push(store);
    }
    let mut deferred = Store::open(&dir.path().join("deferred.db")).expect("open");
    for part in middle.chunks(20) {
        let mut ledger = Ledger::begin(&mut deferred).expect("ledger");
        ledger.defer_relations().expect("defer");
        ledger.add(part.to_vec()).expect("add");
        ledger.commit().expect("commit");
    }
    Ledger::settle(&mut deferred).expect("settle");
    stores.push(deferred);
    let first = &stores[0];
    // The pair key is past the bound; only the café's row is kept.
    assert!(rows(first, COMMON).contains(&key.to_string()));
    assert!(!kept_past_bound(key));
    let kept: Vec<String> = rows(first, KEY_ROWS)
        .into_iter()
        .filter(|r| r.starts_with(&format!("{key} ")))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let expected = matches_by_definition(first);
    // The claims matched through the pair key alone are many, the café among them.
    assert!(expected.len() > 10, "{expected:?}");
    for store in &stores {
        assert_eq!(
            review_matches(store),
            expected,
            "{}",
            store.path().display()
        );
        assert_eq!(matches_by_definition(store), expected);
        assert_eq!(rows(store, KEY_ROWS), rows(first, KEY_ROWS));
        assert_eq!(rows(store, COMMON), rows(first, COMMON));
        let report = claims::store::verify::verify(store).expect("verify");
        assert!(report.ok(), "{:?}", report.problems);
    }
    // After a rebuild, a review arriving before the pass that settles the derived rows finds
    // the same claims.
    let mut rebuilt = store_in(dir.path(), "rebuilt.db", &claims, claims.len());
    rebuilt.rebuild().expect("rebuild");
    assert!(pending(&rebuilt));
    let mut ledger = Ledger::begin(&mut rebuilt).expect("ledger");
    for r in &reviews {
        ledger.put(r.clone()).expect("put");
    }
    ledger.commit().expect("commit");
    assert_eq!(review_matches(&rebuilt), expected);
    assert_eq!(rows(&rebuilt, KEY_ROWS), rows(first, KEY_ROWS));
}

/// A rebuild gives the review matches an import gives, also of reviews stored after their
/// claims (regression: the rebuild matched each review as it indexed it, before it had written
/// the `claim_keys` rows the review looks its claims up in, and so lost those matches).
#[test]
fn a_rebuild_keeps_the_matches_of_reviews_stored_after_their_claims() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut objects = common_pair_corpus();
    objects.extend(common_pair_reviews());
    // The claims, then the reviews, each a transaction: the reviews' seqs follow the claims'.
    let mut store = store_in(dir.path(), "after.db", &objects, 44);
    let expected = matches_by_definition(&store);
    assert!(expected.len() > 10, "{expected:?}");
    assert_eq!(review_matches(&store), expected);
    store.rebuild().expect("rebuild");
    assert_eq!(review_matches(&store), expected);
    // And after the pass that settles the rebuilt database's derived rows.
    Ledger::settle(&mut store).expect("settle");
    assert_eq!(review_matches(&store), expected);
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
}

/// Schema 13 kept the rows of every two-term key past the bound: a database of schema 13 is
/// migrated to the rows of schema 14 and matches the same reviews.
#[test]
fn schema_13_loses_the_plain_rows_of_pair_keys_past_the_bound() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut objects = common_pair_corpus();
    objects.extend(common_pair_reviews());
    let store = store_in(dir.path(), "c.db", &objects, 20);
    let path = store.path().to_path_buf();
    let key_rows = rows(&store, KEY_ROWS);
    let matches = review_matches(&store);
    assert_eq!(matches, matches_by_definition(&store));
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("open");
    let added = conn
        .execute(
            "INSERT OR IGNORE INTO claim_keys(key, detail, claim_seq)
             SELECT k.key, '', c.seq FROM common_keys k, claims c
             WHERE k.key >= 't:' AND k.key < 't;' AND instr(k.key, '+') > 0
               AND instr(c.content, 'zorblat') > 0",
            [],
        )
        .expect("schema 13 rows");
    assert!(added > 30, "{added}");
    conn.execute_batch("PRAGMA user_version = 13")
        .expect("schema 13");
    drop(conn);
    let store = Store::open(&path).expect("migrate");
    assert_eq!(rows(&store, KEY_ROWS), key_rows);
    assert_eq!(review_matches(&store), matches);
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
}
