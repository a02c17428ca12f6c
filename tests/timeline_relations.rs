//! Relations found on import: the seed's conflict, manual overrides in the views, rebuild,
//! verify, and determinism between replicas importing in different orders. Found relations
//! are rows of `found_relations`; only a person's judgement is a relation object.

use claims::model::RelationKind;
use claims::store::Store;
use claims::timeline::relations::{self, ConflictFilter, RelationFilter};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn seeded(dir: &Path) -> Store {
    let mut store = Store::open(&dir.join("c.db")).expect("open");
    import(&mut store, &[PathBuf::from("seeds/avdiivka.txt")]);
    store
}

mod common;
use common::{import, sql};

fn rows(store: &Store, query: &str) -> Vec<Vec<String>> {
    let conn = sql(store);
    let mut stmt = conn.prepare(query).expect("prepare");
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                    rusqlite::types::Value::Text(s) => s,
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Null => "NULL".into(),
                    other => format!("{other:?}"),
                })
            })
            .collect()
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

#[test]
fn the_seed_west_east_inconsistency_is_a_conflict() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    let found = relations::conflicts(&store, &ConflictFilter::default()).expect("conflicts");
    assert_eq!(found.len(), 1, "{found:#?}");
    let c = &found[0];
    assert_eq!(c.reason, "direction: further east vs further west");
    assert_eq!(c.basis, "movement/1");
    let mut speakers = [c.a.speaker.as_str(), c.b.speaker.as_str()];
    speakers.sort();
    assert_eq!(speakers, ["(unknown outlet)", "military bloggers"]);
    let by_speaker = ConflictFilter {
        speaker: Some("BLOGGERS".into()),
        ..ConflictFilter::default()
    };
    assert_eq!(
        relations::conflicts(&store, &by_speaker).expect("q").len(),
        1
    );
    let nobody = ConflictFilter {
        speaker: Some("nobody".into()),
        ..ConflictFilter::default()
    };
    assert!(relations::conflicts(&store, &nobody).expect("q").is_empty());
}

#[test]
fn the_seed_relation_is_an_index_row_between_pinned_claims() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = seeded(dir.path());
    assert_eq!(
        rows(
            &store,
            "SELECT a_id, b_id, kind, score, basis, reason, version_seq FROM found_relations \
             WHERE kind = 'conflicts'"
        ),
        vec![vec![
            "6a5034f54a4d1b564c2c38b53495a0c48b777e37032f23ba830f591790369689",
            "eb586c65764dde1cb234bd12a3fea560012823dde1898eb78d453502ad82ef33",
            "conflicts",
            "Real(0.6)",
            "movement/1",
            "direction: further east vs further west",
            "0",
        ]]
    );
    assert_eq!(
        rows(
            &store,
            "SELECT count(*) FROM objects WHERE type = 'relation'"
        ),
        vec![vec!["0"]]
    );
}

#[test]
fn a_manual_link_overrides_the_automatic_relation_in_the_views() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = seeded(dir.path());
    let c = relations::conflicts(&store, &ConflictFilter::default()).expect("conflicts");
    let (a, b) = (c[0].a.id.to_hex(), c[0].b.id.to_hex());
    // Linked in the other order: a judgement covers the pair either way round.
    let (_, new) = relations::link_at(
        &mut store,
        &b[..10],
        &a[..10],
        RelationKind::Unrelated,
        Some("different places: the front moves west, Pokrovsk lies east"),
        "2026-03-02T10:00:00Z",
    )
    .expect("link");
    assert!(new);
    assert!(relations::conflicts(&store, &ConflictFilter::default())
        .expect("conflicts")
        .is_empty());
    assert_eq!(
        rows(
            &store,
            "SELECT kind, basis, manual, current FROM claim_relations WHERE kind <> 'corroborates' ORDER BY seq"
        ),
        vec![
            vec!["conflicts", "movement/1", "0", "0"],
            vec!["unrelated", "manual", "1", "1"],
        ]
    );
    assert!(rows(&store, "SELECT * FROM open_conflicts").is_empty());

    // A later judgement overrides the earlier one, whatever order they arrived in: an
    // earlier one arriving now changes nothing; both stay visible.
    let later = "2026-03-02T11:00:00Z";
    relations::link_at(&mut store, &a, &b, RelationKind::Conflicts, None, later).expect("link");
    let again = relations::conflicts(&store, &ConflictFilter::default()).expect("conflicts");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].basis, "manual");
    relations::link_at(
        &mut store,
        &a,
        &b,
        RelationKind::Corroborates,
        None,
        "2026-03-02T09:00:00.500+00:00",
    )
    .expect("link");
    assert_eq!(
        relations::conflicts(&store, &ConflictFilter::default())
            .expect("conflicts")
            .len(),
        1
    );
    assert_eq!(
        rows(
            &store,
            "SELECT kind, manual, current FROM claim_relations ORDER BY julianday(at), kind"
        ),
        vec![
            vec!["conflicts", "0", "0"],
            // The rules' corroborations among the seed's accounts of the troops at the plant.
            vec!["corroborates", "0", "1"],
            vec!["corroborates", "0", "1"],
            vec!["corroborates", "0", "1"],
            vec!["corroborates", "0", "1"],
            vec!["corroborates", "1", "0"],
            vec!["unrelated", "1", "0"],
            vec!["conflicts", "1", "1"],
        ]
    );
    // Linking the same judgement at the same time twice adds nothing.
    let (_, new) =
        relations::link_at(&mut store, &a, &b, RelationKind::Conflicts, None, later).expect("link");
    assert!(!new);
    // A claim cannot be linked to itself, and only claims can be linked.
    assert!(relations::link(&mut store, &a, &a, RelationKind::Conflicts, None).is_err());
    let version: String = sql(&store)
        .query_row("SELECT id FROM versions", [], |r| r.get(0))
        .expect("version");
    assert!(relations::link(&mut store, &version, &a, RelationKind::Conflicts, None).is_err());
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(report.ok(), "{report:?}");
}

#[test]
fn rebuild_recreates_relations_and_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = seeded(dir.path());
    let q = |s: &Store| {
        (
            rows(
                s,
                "SELECT a_id, b_id, kind, score, basis, reason FROM found_relations ORDER BY a_id",
            ),
            rows(
                s,
                "SELECT * FROM claim_keys ORDER BY key, detail, claim_seq",
            ),
        )
    };
    let before = q(&store);
    assert!(!before.0.is_empty() && !before.1.is_empty());
    store.rebuild().expect("rebuild");
    assert!(store.relations_pending().expect("state"));
    claims::ledger::Ledger::settle(&mut store).expect("settle");
    assert!(!store.relations_pending().expect("state"));
    assert_eq!(q(&store), before);
}

#[test]
fn updates_link_the_edited_claims_of_consecutive_versions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    import(
        &mut store,
        &[
            PathBuf::from("tests/fixtures/timeline/bridge-v1.txt"),
            PathBuf::from("tests/fixtures/timeline/bridge-v2.txt"),
        ],
    );
    assert_eq!(
        rows(
            &store,
            "SELECT from_content, to_content, note FROM claim_updates ORDER BY to_content"
        ),
        vec![
            vec![
                "the bridge will reopen on Friday",
                "the bridge will reopen on Friday",
                "changed: cue, stance"
            ],
            vec![
                "the river level rose overnight",
                "the river level fell overnight",
                "changed: content"
            ],
            vec![
                "two people were injured",
                "three people were injured",
                "changed: content"
            ],
        ]
    );
    // The edits conflict by their rules too, but an update is not an open conflict.
    assert_eq!(
        rows(
            &store,
            "SELECT count(*) FROM found_relations WHERE kind = 'conflicts'"
        ),
        vec![vec!["2"]]
    );
    assert!(rows(&store, "SELECT * FROM open_conflicts").is_empty());
}

#[test]
fn same_content_is_corroboration_or_opposite_cues_in_the_views() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    import(
        &mut store,
        &[
            PathBuf::from("tests/fixtures/timeline/bridge-v1.txt"),
            PathBuf::from("tests/fixtures/timeline/mill-owners.txt"),
        ],
    );
    assert_eq!(
        rows(
            &store,
            "SELECT basis, note FROM open_conflicts ORDER BY note"
        ),
        vec![
            vec!["opposite-cue/1", "cue: confirm vs deny"],
            vec!["opposite-cue/1", "cue: say vs deny"],
        ]
    );
    assert_eq!(
        rows(&store, "SELECT basis, note FROM corroborations"),
        vec![vec![
            "same-content/1",
            "same content from fire service and Firefighters"
        ]]
    );
    // Derived relations are not objects, and a manual judgement overrides them too.
    assert_eq!(
        rows(
            &store,
            "SELECT count(*) FROM objects WHERE type = 'relation'"
        ),
        vec![vec!["0"]]
    );
    let c = relations::conflicts(&store, &ConflictFilter::default()).expect("conflicts");
    assert_eq!(c.len(), 2);
    assert!(c.iter().all(|r| r.relation.is_none()));
    relations::link(
        &mut store,
        &c[0].a.id.to_hex(),
        &c[0].b.id.to_hex(),
        RelationKind::Unrelated,
        None,
    )
    .expect("link");
    assert_eq!(
        relations::conflicts(&store, &ConflictFilter::default())
            .expect("conflicts")
            .len(),
        1
    );
}

fn toll_reports(dir: &Path, range: std::ops::Range<usize>) -> Vec<PathBuf> {
    range
        .map(|i| {
            let p = dir.join(format!("t{i}.txt"));
            std::fs::write(
                &p,
                format!(
                    "Toll report {i}\nOfficials said that the death toll rose to {}.\n",
                    i + 10
                ),
            )
            .expect("write");
            p
        })
        .collect()
}

fn found(store: &Store) -> i64 {
    sql(store)
        .query_row("SELECT count(*) FROM found_relations", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_statement_repeated_with_many_numbers_stays_bounded() {
    // Reports of one toll, each with another number: every pair conflicts by the rules, and
    // they meet through one key ("the death toll rose to #"). Up to MAX_KEY_HOLDERS holders,
    // every pair is judged; past it the key is too common to pair anything, and what it alone
    // paired goes: the same whatever the order the reports arrived in.
    let cap = usize::try_from(claims::relate::MAX_KEY_HOLDERS).expect("cap");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    import(&mut store, &toll_reports(dir.path(), 0..cap));
    assert_eq!(
        found(&store),
        i64::try_from(cap * (cap - 1) / 2).expect("n")
    );
    import(&mut store, &toll_reports(dir.path(), cap..cap + 6));
    assert_eq!(found(&store), 0);
    // Numbers that name things are not values: bridge 3 and bridge 4 are two subjects.
    let p = dir.path().join("bridges.txt");
    std::fs::write(
        &p,
        "Bridges\nEngineers said that bridge 3 reopens on Monday.\nEngineers said that bridge 4 reopens on Monday.\n",
    )
    .expect("write");
    import(&mut store, &[p]);
    assert_eq!(found(&store), 0);
    // A database that imported all of them at once holds the same.
    let mut once = Store::open(&dir.path().join("once.db")).expect("open");
    import(&mut once, &toll_reports(dir.path(), 0..cap + 6));
    assert_eq!(found(&once), 0);
}

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

fn article(title: usize, sentences: &[(usize, usize, bool)]) -> String {
    let mut out = format!("Storm report number {title}\n");
    for &(s, c, deny) in sentences {
        let verb = if deny { "denied" } else { "said" };
        out.push_str(&format!("{} {verb} that {}.\n", SPEAKERS[s], CLAUSES[c]));
    }
    out
}

fn relation_ids(store: &Store) -> String {
    let all = relations::RelationFilter::default();
    serde_json::to_string(&relations::relations(store, &all).expect("relations")).expect("json")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Two replicas importing the same articles in different orders write the same relations.
    #[test]
    fn replicas_detect_the_same_relations(
        docs in prop::collection::vec(
            prop::collection::vec((0..SPEAKERS.len(), 0..CLAUSES.len(), any::<bool>()), 1..5),
            2..6,
        ),
        seed in any::<u64>(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut paths = Vec::new();
        for (i, sentences) in docs.iter().enumerate() {
            let p = dir.path().join(format!("d{i}.txt"));
            std::fs::write(&p, article(i, sentences)).expect("write");
            paths.push(p);
        }
        let mut shuffled = paths.clone();
        let mut rng = claims::synth::Rng::new(seed);
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        let mut a = Store::open(&dir.path().join("a.db")).expect("open");
        let mut b = Store::open(&dir.path().join("b.db")).expect("open");
        for p in &paths {
            import(&mut a, std::slice::from_ref(p));
        }
        for p in &shuffled {
            import(&mut b, std::slice::from_ref(p));
        }
        prop_assert_eq!(relation_ids(&a), relation_ids(&b));
    }
}

/// Three one-line articles: a report, a refutation of it, and another report of the same event
/// in other words that shares too little with the refutation to be compared with it.
fn squid_story(dir: &Path) -> Vec<PathBuf> {
    [
        (
            "a",
            "Coast Daily",
            "A giant squid washed ashore at Tobermory after the storm.",
        ),
        (
            "b",
            "Fact Desk",
            "The giant squid photo from Tobermory is a hoax.",
        ),
        (
            "c",
            "Harbour News",
            "Fishermen watched a huge squid washed ashore by the storm near the old pier at dawn.",
        ),
    ]
    .iter()
    .map(|(name, outlet, line)| {
        let p = dir.join(format!("{name}.txt"));
        std::fs::write(
            &p,
            format!(
                "URL: https://example.test/{name}\nSource: {outlet}\nTitle: {name}\n\n{line}\n"
            ),
        )
        .expect("write");
        p
    })
    .collect()
}

#[test]
fn a_conflict_is_carried_over_a_corroboration_when_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    import(&mut store, &squid_story(dir.path()));
    let list = |store: &Store, f: RelationFilter| -> Vec<(String, String, f64, String, String)> {
        relations::relations(store, &f)
            .expect("relations")
            .into_iter()
            .map(|r| {
                let url = |s: &relations::Side| s.documents.join(",");
                (r.kind, r.basis, r.score, url(&r.a), url(&r.b))
            })
            .collect()
    };
    let shown = RelationFilter {
        min_score: claims::relate::DEFAULT_MIN_SCORE,
        ..RelationFilter::default()
    };
    let (a, b, c) = (
        "https://example.test/a".to_string(),
        "https://example.test/b".to_string(),
        "https://example.test/c".to_string(),
    );
    // The refutation conflicts with the first report (found), the two reports corroborate
    // each other (found), so the refutation conflicts with the second report (carried: the
    // product of the two scores). Nothing of it is stored.
    // The carried conflict and the corroboration it was carried over (c's rows).
    let of_c: Vec<(String, String, f64, String, String)> = vec![
        (
            "conflicts".into(),
            "carried/1".into(),
            0.629,
            c.clone(),
            b.clone(),
        ),
        (
            "corroborates".into(),
            "stance/1".into(),
            0.729,
            c.clone(),
            a.clone(),
        ),
    ];
    let found = (
        "conflicts".to_string(),
        "stance/1".to_string(),
        0.863,
        b.clone(),
        a.clone(),
    );
    assert_eq!(
        list(&store, shown.clone()),
        [vec![found.clone()], of_c.clone()].concat()
    );
    assert_eq!(
        rows(&store, "SELECT count(*) FROM found_relations"),
        vec![vec!["2"]]
    );
    let all = relations::relations(&store, &shown).expect("relations");
    let carried = &all[1];
    assert_eq!(
        carried.reason,
        format!(
            "carried over claim {}: it conflicts with one side (0.863) and corroborates the other (0.729)",
            &all[0].b.id.to_hex()[..12]
        )
    );
    // The same row through each filter that names one of its claims, and for its kind.
    let of_kind = RelationFilter {
        kind: Some("conflicts".into()),
        ..shown.clone()
    };
    assert_eq!(
        list(&store, of_kind.clone()),
        list(&store, shown.clone())[..2]
    );
    let of_claim = RelationFilter {
        claim: Some(carried.a.id),
        ..shown.clone()
    };
    assert_eq!(list(&store, of_claim), of_c);
    let by_speaker = RelationFilter {
        speaker: Some("fact desk".into()),
        ..of_kind.clone()
    };
    assert_eq!(list(&store, by_speaker), list(&store, of_kind.clone()));
    let document =
        claims::store::query::resolve_document(&store, "https://example.test/b").expect("doc");
    let of_document = RelationFilter {
        document: Some(document),
        ..of_kind.clone()
    };
    assert_eq!(list(&store, of_document), list(&store, of_kind.clone()));
    // Above its score, it is not shown.
    let strict = RelationFilter {
        min_score: 0.7,
        ..of_kind.clone()
    };
    assert_eq!(list(&store, strict), vec![found.clone()]);
    // A person's judgement of the pair stands instead.
    relations::link(
        &mut store,
        &carried.a.id.to_hex(),
        &carried.b.id.to_hex(),
        RelationKind::Unrelated,
        None,
    )
    .expect("link");
    assert_eq!(list(&store, of_kind), vec![found]);
}

/// A side lists the first `DOCUMENTS_SHOWN` (20) document keys of its claim, sorted, and counts
/// them all; its outlet, title and published time are those of its earliest appearance, also
/// when that document's key is past the ones listed.
#[test]
fn a_claim_in_many_documents_lists_twenty_and_counts_them_all() {
    assert_eq!(claims::store::query::relations::DOCUMENTS_SHOWN, 20);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths = Vec::new();
    // The same report in 25 articles of one outlet; the earliest is number 23.
    for n in 0..25 {
        let p = dir.path().join(format!("a{n:02}.txt"));
        let day = if n == 23 { 1 } else { 2 + n % 20 };
        std::fs::write(
            &p,
            format!(
                "URL: https://example.test/a{n:02}\nSource: Coast Daily\nTitle: squid {n}\n\
                 Published: 2026-03-{day:02}T09:00:00Z\n\n\
                 A giant squid washed ashore at Tobermory after the storm.\n"
            ),
        )
        .expect("write");
        paths.push(p);
    }
    let refutation = squid_story(dir.path()).remove(1);
    paths.push(refutation);
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    import(&mut store, &paths);
    let all = relations::relations(&store, &RelationFilter::default()).expect("relations");
    assert_eq!(all.len(), 1, "{all:?}");
    let r = &all[0];
    assert_eq!(
        (r.kind.as_str(), r.basis.as_str()),
        ("conflicts", "stance/1")
    );
    let (many, one) = if r.a.documents_total > 1 {
        (&r.a, &r.b)
    } else {
        (&r.b, &r.a)
    };
    let listed: Vec<String> = (0..20)
        .map(|n| format!("https://example.test/a{n:02}"))
        .collect();
    assert_eq!(many.documents, listed);
    assert_eq!(many.documents_total, 25);
    assert_eq!(
        (
            many.outlet.as_deref(),
            many.title.as_deref(),
            many.published.as_deref()
        ),
        (
            Some("Coast Daily"),
            Some("squid 23"),
            Some("2026-03-01T09:00:00Z")
        )
    );
    assert_eq!(one.documents, vec!["https://example.test/b".to_string()]);
    assert_eq!(one.documents_total, 1);
    // The JSON names the count after the keys.
    let json = serde_json::to_value(r).expect("json");
    let side = if r.a.documents_total > 1 { "a" } else { "b" };
    assert_eq!(json[side]["documents"].as_array().map(Vec::len), Some(20));
    assert_eq!(json[side]["documents_total"], 25);
}
