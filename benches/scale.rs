//! A million claims on a laptop (issue 15): the queries that name a claim, a speaker or a
//! document, `claims relations --kind conflicts`, search, and `claims diff A.db B.db`, on a
//! generated database of N claims.
//!
//! ```sh
//! CLAIMS_BENCH_CLAIMS=20000 cargo bench --bench scale              # the default size
//! CLAIMS_BENCH_CLAIMS=1000000 CLAIMS_BENCH_DIR=/tmp/scale cargo bench --bench scale
//! ```
//!
//! The database is built through the ledger (`Ledger::add`, the write path of sync and bundle
//! apply, with the relation step), 10 claims an article: documents, versions, claims and
//! mentions generated directly (no extraction). Speakers are drawn from N/500 names, so one
//! speaker has about 500 claims; 2% of the claims repeat the content of an earlier claim by
//! another speaker, a quarter of those denying it (same-content conflicts). With
//! `CLAIMS_BENCH_DIFF=1` a second database is built from the same articles with 1% of the
//! claims edited, and `diff_databases` (the code of `claims diff A.db B.db`) is timed with its
//! peak memory. With `CLAIMS_BENCH_DIR` the databases are kept there (`a.db`, `b.db`) for the
//! commands of docs/performance.md (`sqldiff`, `/usr/bin/time claims ...`); a database already
//! there of the right size is reused.
//!
//! Each query runs 5 times after one warm-up; the table gives the median and the rows it
//! returned.

mod common;
use claims::ledger::Ledger;
use claims::model::{self, Body, Claim, Mention, Received, Typed, Version};
use claims::objects::ObjectId;
use claims::store::query::{self, ListFilter};
use claims::store::Store;
use claims::synth::Rng;
use claims::timeline::history;
use claims::timeline::relations::{relations, RelationFilter};
use claims::timeline::sides;
use common::{peak_memory_mib, reset_peak_memory};
use std::path::{Path, PathBuf};
use std::time::Instant;

const CLAIMS_PER_ARTICLE: usize = 10;
const WORDS: &[&str] = &[
    "bridge", "council", "river", "budget", "school", "road", "water", "power", "police", "port",
    "grain", "train", "storm", "fire", "harbour", "tax", "wage", "rent", "clinic", "market",
    "closed", "opened", "delayed", "approved", "rejected", "rose", "fell", "doubled", "halved",
    "north", "south", "east", "west", "station", "airport", "hospital", "factory", "mine", "farm",
    "ferry", "tunnel", "dam", "prison", "court", "museum", "library", "stadium",
];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn speaker(k: usize) -> String {
    format!("Person K{k:06}")
}

/// The content of claim `n` (unique: it ends with its number).
fn content(rng: &mut Rng, n: usize) -> String {
    let len = 6 + rng.below(6);
    let mut words: Vec<String> = (0..len).map(|_| rng.pick(WORDS).to_string()).collect();
    words.push(format!("item{n}"));
    words.join(" ")
}

/// The objects of article `a`: a document, a version and its claims with their mentions.
/// `edited`: every 100th claim has another last word (the B side of the diff).
fn article(a: usize, speakers: usize, edited: bool, earlier: &mut Vec<String>) -> Vec<Received> {
    let mut rng = Rng::new(a as u64 * 7919 + 1);
    let doc = Typed::new(Body::Document(model::lineage(
        Some(&format!("https://scale.example/{a}")),
        None,
        None,
        None,
    )))
    .expect("document");
    let text = claims::synth::article(a as u64, 4);
    let version = Typed::new(Body::Version(Version {
        v: 1,
        document: doc.id(),
        text,
        title: Some(format!("Report {a}")),
        byline: None,
        source: Some(format!("Outlet {}", a % 50)),
        published: Some(format!(
            "2026-{:02}-{:02}T08:00:00Z",
            1 + a % 12,
            1 + a % 28
        )),
        modified: None,
    }))
    .expect("version");
    let mut out: Vec<Received> = vec![doc.into(), version.clone().into()];
    for k in 0..CLAIMS_PER_ARTICLE {
        let n = a * CLAIMS_PER_ARTICLE + k;
        let repeat = !earlier.is_empty() && rng.below(50) == 0;
        let (text, stance, cue) = if repeat {
            let c = earlier[rng.below(earlier.len())].clone();
            if rng.below(4) == 0 {
                (c, "denying", "deny")
            } else {
                (c, "neutral", "say")
            }
        } else {
            let mut c = content(&mut rng, n);
            if edited && n % 100 == 7 {
                c.push_str(" again");
            }
            if earlier.len() < 10_000 {
                earlier.push(c.clone());
            } else {
                let at = rng.below(earlier.len());
                earlier[at] = c.clone();
            }
            (c, "neutral", "say")
        };
        let claim = Typed::new(Body::Claim(Claim {
            v: 1,
            speaker: speaker(rng.below(speakers.max(1))),
            cue: cue.into(),
            stance: stance.into(),
            hedges: vec![],
            content: text,
        }))
        .expect("claim");
        let mention = Typed::new(Body::Mention(Mention {
            v: 1,
            claim: claim.id(),
            version: version.id(),
            sentence: format!("Sentence {k}."),
            source: vec![[0, 3]],
            cue: vec![[4, 8]],
            content: vec![[10 + k as u64, 40 + k as u64]],
            direct: false,
            extractor: "bench".into(),
            extractor_version: "0".into(),
        }))
        .expect("mention");
        out.push(claim.into());
        out.push(mention.into());
    }
    out
}

fn count(db: &Path) -> i64 {
    Store::open_read_only(db)
        .ok()
        .and_then(|s| query::pages::counts(&s).ok())
        .map(|c| c.claims)
        .unwrap_or(-1)
}

/// Builds (or reuses) a database of `n` claims; returns the seconds it took (0 if reused).
/// Either way the WAL is folded into the file first, as after an import, so that the queries
/// read the database file alone (a WAL of hundreds of MB left by the build made search about
/// ten times slower).
fn build(db: &Path, n: usize, edited: bool) -> f64 {
    let checkpoint = |db: &Path| {
        Store::open(db)
            .and_then(|s| s.checkpoint_truncate())
            .expect("checkpoint");
    };
    if db.exists() && count(db) == n as i64 {
        checkpoint(db);
        return 0.0;
    }
    common::remove_database(db);
    let t = Instant::now();
    let mut store = Store::open(db).expect("open");
    let articles = n / CLAIMS_PER_ARTICLE;
    let speakers = (n / 500).max(2);
    let mut earlier = Vec::new();
    let mut a = 0;
    while a < articles {
        let mut ledger = Ledger::begin(&mut store).expect("ledger");
        let end = (a + 2_000).min(articles);
        let mut batch = Vec::new();
        for i in a..end {
            batch.extend(article(i, speakers, edited, &mut earlier));
        }
        ledger.add(batch).expect("add");
        ledger.commit().expect("commit");
        a = end;
    }
    drop(store);
    checkpoint(db);
    t.elapsed().as_secs_f64()
}

/// Median seconds of 5 runs after a warm-up, and the rows of the last.
fn time<T>(mut f: impl FnMut() -> Vec<T>) -> (f64, usize) {
    let mut rows = f().len();
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        rows = f().len();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[2], rows)
}

fn main() {
    let n = env_usize("CLAIMS_BENCH_CLAIMS", 20_000);
    let keep = std::env::var_os("CLAIMS_BENCH_DIR").map(PathBuf::from);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("bench dir");
    let a_db = dir.join("a.db");
    let built = build(&a_db, n, false);
    println!(
        "database: {} claims in {} ({built:.1} s to build)",
        n,
        a_db.display()
    );

    let store = Store::open_read_only(&a_db).expect("open");
    // A claim from the middle of the database.
    let claim: String = rusqlite::Connection::open(&a_db)
        .expect("open")
        .query_row(
            "SELECT id FROM claims WHERE seq >= (SELECT max(seq) / 2 FROM claims) LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("a claim");
    let claim = ObjectId::parse(&claim).expect("id");
    let document = query::resolve_document(&store, &format!("https://scale.example/{}", n / 20))
        .expect("document");
    let name = speaker(7);
    let word = "K000007";
    let mut rows: Vec<(String, f64, usize, &str)> = Vec::new();
    let (s, r) = time(|| {
        query::list_claims(
            &store,
            &ListFilter {
                speaker: Some(word.into()),
                ..ListFilter::default()
            },
        )
        .expect("list --speaker")
    });
    rows.push((
        "one speaker's claims (list --speaker)".into(),
        s,
        r,
        "≤ 20 ms",
    ));
    let (s, r) = time(|| {
        history::speaker_history(&store, &name, history::SpeakerMatch::Contains, None)
            .expect("log --speaker")
    });
    rows.push((
        "one speaker's appearances (log --speaker)".into(),
        s,
        r,
        "≤ 20 ms",
    ));
    let (s, r) = time(|| {
        query::list_claims(
            &store,
            &ListFilter {
                document: Some(document),
                ..ListFilter::default()
            },
        )
        .expect("list --document")
    });
    rows.push((
        "one document's claims (list --document)".into(),
        s,
        r,
        "≤ 20 ms",
    ));
    let (s, r) = time(|| {
        history::claim_history(&store, &claim, None)
            .expect("log CLAIM")
            .map(|h| h.appearances)
            .unwrap_or_default()
    });
    rows.push(("one claim's history (log CLAIM)".into(), s, r, "≤ 10 ms"));
    let (s, r) = time(|| {
        relations(
            &store,
            &RelationFilter {
                claim: Some(claim),
                ..RelationFilter::default()
            },
        )
        .expect("relations of a claim")
    });
    rows.push((
        "one claim's relations (relations --claim)".into(),
        s,
        r,
        "-",
    ));
    let (s, r) = time(|| {
        relations(
            &store,
            &RelationFilter {
                speaker: Some(word.into()),
                ..RelationFilter::default()
            },
        )
        .expect("relations of a speaker")
    });
    rows.push((
        "one speaker's relations (relations --speaker)".into(),
        s,
        r,
        "-",
    ));
    let (s, r) = time(|| {
        relations(
            &store,
            &RelationFilter {
                kind: Some("conflicts".into()),
                ..RelationFilter::default()
            },
        )
        .expect("relations --kind conflicts")
    });
    rows.push((
        "relations --kind conflicts (all)".into(),
        s,
        r,
        "≤ 0.2 s for 1,000 results",
    ));
    let (s, r) = time(|| {
        query::search_claims(&store, &query::fts_query("harbour tunnel"), 20).expect("search")
    });
    rows.push(("search, first page of 20".into(), s, r, "≤ 100 ms"));

    if std::env::var_os("CLAIMS_BENCH_DIFF").is_some() {
        let b_db = dir.join("b.db");
        let built = build(&b_db, n, true);
        println!(
            "second database (1% edited): {} ({built:.1} s)",
            b_db.display()
        );
        reset_peak_memory();
        let t = Instant::now();
        let d = sides::diff_databases(&a_db, &b_db).expect("diff");
        let s = t.elapsed().as_secs_f64();
        let peak = peak_memory_mib();
        rows.push((
            format!(
                "diff A.db B.db ({} changed, {} added, {} removed; peak {peak:.0} MiB)",
                d.changed.len(),
                d.added.len(),
                d.removed.len()
            ),
            s,
            d.changed.len() + d.added.len() + d.removed.len(),
            "≤ 1.5 × sqldiff, ≤ 100 MiB",
        ));
    }

    println!();
    println!("| query at {n} claims | median ms | rows | target |");
    println!("|---|---:|---:|---|");
    for (what, s, r, target) in rows {
        println!("| {what} | {:.2} | {r} | {target} |", s * 1000.0);
    }
}
