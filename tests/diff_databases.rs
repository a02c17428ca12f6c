//! `claims diff A.db B.db`: two databases of different sizes, with claims edited, added and
//! removed on both sides, case-only variants (the same claim up to noise, another id) on
//! either side, and a variant of a claim both sides hold. The output is the claim diff of the
//! two whole claim lists (`relate::diff::diff` over every claim of each, by id: the
//! implementation before issue 15), field for field.

use claims::ledger::Ledger;
use claims::model::{Body, Claim, ClaimRef, Received, Typed};
use claims::relate::diff;
use claims::store::query::versions::all_claims;
use claims::store::Store;
use claims::synth::Rng;
use claims::timeline::sides;
use std::path::{Path, PathBuf};
use std::process::Command;

const WORDS: &[&str] = &[
    "bridge", "council", "river", "budget", "school", "road", "water", "power", "police", "port",
    "grain", "train", "storm", "fire", "harbour", "tax", "wage", "rent", "clinic", "market",
    "closed", "opened", "delayed", "approved", "rejected", "rose", "fell", "doubled", "halved",
    "north", "south", "east", "west", "today", "monday", "friday", "again", "twice", "early",
];
const SPEAKERS: &[&str] = &[
    "The mayor",
    "Officials",
    "The utility",
    "Residents",
    "Engineers",
    "The ministry",
    "Police",
    "A spokesperson",
    "The union",
    "Analysts",
];
const CUES: &[(&str, &str)] = &[
    ("say", "neutral"),
    ("confirm", "affirming"),
    ("deny", "denying"),
    ("claim", "distancing"),
    ("", "asserting"),
];

#[derive(Clone, Debug)]
struct C {
    speaker: String,
    cue: String,
    stance: String,
    hedges: Vec<String>,
    content: String,
}

impl C {
    fn random(rng: &mut Rng, n: usize) -> C {
        let (cue, stance) = CUES[rng.below(CUES.len())];
        let len = 5 + rng.below(8);
        let mut words: Vec<&str> = (0..len).map(|_| rng.pick(WORDS)).collect();
        let number = n.to_string();
        words.push(&number);
        C {
            speaker: rng.pick(SPEAKERS).to_string(),
            cue: cue.to_string(),
            stance: stance.to_string(),
            hedges: if rng.below(7) == 0 {
                vec!["reportedly".to_string()]
            } else {
                vec![]
            },
            content: words.join(" "),
        }
    }

    /// One word replaced, or the speaker or the cue changed: an edit the diff pairs.
    fn edited(&self, rng: &mut Rng) -> C {
        let mut c = self.clone();
        match rng.below(4) {
            0 => c.speaker = rng.pick(SPEAKERS).to_string(),
            1 => {
                let (cue, stance) = CUES[rng.below(CUES.len())];
                c.cue = cue.to_string();
                c.stance = stance.to_string();
            }
            _ => {
                let mut words: Vec<String> = c.content.split(' ').map(str::to_string).collect();
                let at = rng.below(words.len());
                words[at] = rng.pick(WORDS).to_string();
                words.push(rng.pick(WORDS).to_string());
                c.content = words.join(" ");
            }
        }
        c
    }

    /// The same claim up to noise: another id, not a change.
    fn case_variant(&self) -> C {
        let mut c = self.clone();
        c.content = c.content.to_uppercase();
        c
    }

    fn received(&self) -> Received {
        Typed::new(Body::Claim(Claim {
            v: 1,
            speaker: self.speaker.clone(),
            cue: self.cue.clone(),
            stance: self.stance.clone(),
            hedges: self.hedges.clone(),
            content: self.content.clone(),
        }))
        .expect("claim")
        .into()
    }
}

fn write(path: &Path, claims: &[C]) {
    let mut store = Store::open(path).expect("open");
    let mut ledger = Ledger::begin(&mut store).expect("ledger");
    ledger
        .add(claims.iter().map(C::received).collect())
        .expect("add");
    ledger.commit().expect("commit");
}

/// Counts of one fixture: base claims, then per side removed, edited, added and case-only
/// variants of base claims.
struct Shape {
    base: usize,
    a: [usize; 4],
    b: [usize; 4],
}

/// Two databases from one base: each side drops, edits, adds and re-cases claims of its own
/// choosing; B also holds a case variant of a claim both keep, and A one of another.
fn fixture(dir: &Path, seed: u64, shape: &Shape) -> (PathBuf, PathBuf) {
    let mut rng = Rng::new(seed);
    let base: Vec<C> = (0..shape.base).map(|n| C::random(&mut rng, n)).collect();
    let side = |counts: [usize; 4], tag: usize, rng: &mut Rng| -> Vec<C> {
        let [removed, edited, added, cased] = counts;
        let mut out = Vec::new();
        for (i, c) in base.iter().enumerate() {
            let r = (i * 7 + tag * 13) % shape.base;
            if r < removed {
                continue;
            } else if r < removed + edited {
                out.push(c.edited(rng));
            } else if r < removed + edited + cased {
                out.push(c.case_variant());
            } else {
                out.push(c.clone());
            }
        }
        for n in 0..added {
            out.push(C::random(rng, 100_000 * (tag + 1) + n));
        }
        out
    };
    let mut a = side(shape.a, 1, &mut rng);
    let mut b = side(shape.b, 2, &mut rng);
    // A claim both keep (the last of the base kept unchanged by both) with a variant on one
    // side: which of the two the diff calls unchanged depends on their ids.
    let kept: Vec<&C> = base
        .iter()
        .filter(|c| {
            a.iter()
                .any(|x| x.content == c.content && x.speaker == c.speaker)
                && b.iter()
                    .any(|x| x.content == c.content && x.speaker == c.speaker)
        })
        .collect();
    assert!(kept.len() >= 2, "fixture keeps claims on both sides");
    b.push(kept[0].case_variant());
    a.push(kept[1].case_variant());
    let (pa, pb) = (
        dir.join(format!("a{seed}.db")),
        dir.join(format!("b{seed}.db")),
    );
    write(&pa, &a);
    write(&pb, &b);
    (pa, pb)
}

/// The diff as computed before issue 15: every claim of both databases in memory, by id.
fn reference(a: &Path, b: &Path) -> diff::Diff {
    let ca: Vec<ClaimRef> = all_claims(&Store::open_read_only(a).expect("a")).expect("claims");
    let cb: Vec<ClaimRef> = all_claims(&Store::open_read_only(b).expect("b")).expect("claims");
    diff::diff(&ca, &cb)
}

fn claims_diff(a: &Path, b: &Path, json: bool) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claims"));
    if json {
        cmd.args(["--format", "json"]);
    }
    let out = cmd.arg("diff").arg(a).arg(b).output().expect("claims diff");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

const SHAPES: &[Shape] = &[
    // Few leftovers: every removed claim is compared with every added one.
    Shape {
        base: 300,
        a: [12, 20, 15, 4],
        b: [25, 30, 60, 6],
    },
    // Many: over 40,000 leftover pairs, so only those sharing a word are compared.
    Shape {
        base: 900,
        a: [60, 120, 40, 10],
        b: [140, 150, 300, 5],
    },
];

#[test]
fn diff_of_two_databases_is_the_diff_of_their_claim_lists() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, shape) in SHAPES.iter().enumerate() {
        let (a, b) = fixture(dir.path(), 11 + i as u64, shape);
        for (x, y) in [(&a, &b), (&b, &a)] {
            let want = reference(x, y);
            assert!(!want.added.is_empty() && !want.removed.is_empty());
            assert!(!want.changed.is_empty() && want.unchanged > 0);
            let json: serde_json::Value =
                serde_json::from_str(&claims_diff(x, y, true)).expect("json");
            assert_eq!(json, serde_json::to_value(&want).expect("json"));
            let text = claims_diff(x, y, false);
            let last = text.lines().last().unwrap_or_default().to_string();
            assert_eq!(
                last,
                format!(
                    "{} added, {} removed, {} changed, {} unchanged",
                    want.added.len(),
                    want.removed.len(),
                    want.changed.len(),
                    want.unchanged
                )
            );
            assert_eq!(
                text.lines().count(),
                3 + want.added.len() + want.removed.len() + want.changed.len()
            );
        }
    }
}

#[test]
fn the_merge_over_pages_gives_the_diff_of_the_whole_lists() {
    // More claims than one page of the merge (2,048), an empty database and a database
    // against itself.
    let dir = tempfile::tempdir().expect("tempdir");
    let shape = Shape {
        base: 2600,
        a: [30, 40, 25, 8],
        b: [10, 35, 70, 3],
    };
    let (a, b) = fixture(dir.path(), 7, &shape);
    let empty = dir.path().join("empty.db");
    Store::open(&empty).expect("create");
    for (x, y) in [(&a, &b), (&b, &a), (&a, &a), (&empty, &b), (&a, &empty)] {
        let got = sides::diff_databases(x, y).expect("diff");
        assert_eq!(got, reference(x, y), "{} vs {}", x.display(), y.display());
    }
    let same = sides::diff_databases(&a, &a).expect("diff");
    assert!(same.is_empty());
    let held = all_claims(&Store::open_read_only(&a).expect("a")).expect("claims");
    assert_eq!(same.unchanged, held.len());
    assert_eq!(held.len(), shape.base - 30 + 25 + 1);
}
