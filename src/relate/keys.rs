//! A claim's candidate keys: how pairs worth comparing are found without comparing all pairs.
//!
//! Each key has a *detail*; two claims are compared only when they share a key with different
//! details. A claim's keys:
//! - `n:` its folded words without negation words; detail: the parity of negations (so "the
//!   bridge was not damaged" meets "the bridge was damaged"). Every claim has one, and two
//!   claims with the same `n:` key and detail have the same content: the views
//!   `corroborations` and `open_conflicts` (opposite cues) pair those in SQL;
//! - `q:` for each run of numbers, days or months in its words (up to four), the words with
//!   that run replaced by `#` and the others spelled out; detail: that run. So two claims meet
//!   only when they agree on everything but one value;
//! - `p:` its words with every direction or outcome word replaced by its axis, when it has
//!   one ("the river level `<rise-fall>` overnight"); detail: the poles;
//! - `e:AXIS:ENTITY` for each named entity (folded through `seeds/aliases.tsv`: "Kremlin",
//!   "Russian" are `russia`) of a claim that states a movement on the compass,
//!   advance/retreat or capture/repel axes; detail: the pole.
//!
//! - `t:TERM` for the five rarest content terms ([`super::similar`]) and `t:TERM+TERM` for
//!   each pair of the three rarest; detail: a digest of the folded content. These find the
//!   same proposition in other words.
//!
//! A content with fewer than two content words has no key at all.
//!
//! The word classes here (values, directions, outcomes) are shared with [`super::rules`].
//! Pure: a function of the content alone.

use super::aliases::aliases;
use super::FnvBuild;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

const NEGATIONS: &[&str] = &[
    "not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "cannot",
];

/// A word without its negation ("didn't" is "did"), and whether it was negated; `None` for
/// a word that is only a negation.
pub(super) fn strip_negation(w: &str) -> (Option<String>, bool) {
    if NEGATIONS.contains(&w) {
        return (None, true);
    }
    let w = super::similar::straight_apostrophes(w);
    if let Some(stem) = w.strip_suffix("n't") {
        let stem = match stem {
            "wo" => "will",
            "ca" => "can",
            "sha" => "shall",
            s => s,
        };
        return (Some(stem.to_string()), true);
    }
    (Some(w.into_owned()), false)
}

/// Whether [`strip_negation`] changes a word: a negation, a word with a negation ("didn't")
/// or with a curly apostrophe.
fn changed_by_strip(w: &str) -> bool {
    NEGATIONS.contains(&w) || w.contains('\u{2019}') || w.ends_with("n't")
}

/// The words without negations, and how many negations there were.
pub(super) fn without_negation(ws: &[String]) -> (Vec<String>, usize) {
    let mut out = Vec::with_capacity(ws.len());
    let mut n = 0;
    for w in ws {
        let (kept, neg) = strip_negation(w);
        n += usize::from(neg);
        out.extend(kept);
    }
    (out, n)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Value {
    Number,
    Day,
    Month,
}

const NUMBER_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "dozen",
    "dozens",
    "half",
];
const DAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "today",
    "yesterday",
    "tomorrow",
    "tonight",
];
const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// What a word is to the rules: a value, a polar word, both or neither. One table lookup per
/// word, built once from the lists above.
#[derive(Debug, Clone, Copy, Default)]
struct WordClass {
    value: Option<Value>,
    /// (axis index, pole)
    polar: Option<(usize, bool)>,
}

fn classes() -> &'static HashMap<&'static str, WordClass, FnvBuild> {
    static TABLE: std::sync::OnceLock<HashMap<&'static str, WordClass, FnvBuild>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: HashMap<&'static str, WordClass, FnvBuild> = HashMap::default();
        for (list, kind) in [
            (NUMBER_WORDS, Value::Number),
            (DAYS, Value::Day),
            (MONTHS, Value::Month),
        ] {
            for w in list {
                t.entry(w).or_default().value = Some(kind);
            }
        }
        for (a, (_, _, plus, minus)) in AXES.iter().enumerate() {
            for (list, pole) in [(plus, true), (minus, false)] {
                for w in list.iter() {
                    t.entry(w).or_default().polar.get_or_insert((a, pole));
                }
            }
        }
        t
    })
}

/// Words after which a number is a quantity ("rose to 50", "about 12,000").
const QUANTITY_LEAD: &[&str] = &[
    "to",
    "by",
    "from",
    "of",
    "about",
    "around",
    "nearly",
    "almost",
    "over",
    "under",
    "than",
    "least",
    "most",
    "some",
    "only",
    "just",
    "approximately",
    "roughly",
    "more",
    "fewer",
    "less",
    "at",
    "were",
    "was",
    "are",
    "is",
    "be",
    "been",
    "has",
    "have",
    "had",
    "with",
    "up",
    "down",
    "reached",
    "hit",
    "among",
    "between",
    "and",
    "or",
    "exactly",
    "all",
    "another",
    "the",
    "in",
    "on",
    "since",
    "until",
    "before",
    "after",
];

/// Whether a number written in digits names something ("bridge 3", "district 12", "day 5")
/// rather than counts it: it follows a word that neither leads a quantity nor ends in "-ed",
/// and no unit follows it. Identifiers stay part of the subject, so "bridge 3" and "bridge 4" are
/// two subjects, not two values of one quantity.
fn is_identifier(prev: Option<&str>, next: Option<&str>) -> bool {
    let Some(p) = prev else {
        return false;
    };
    if !p.chars().all(char::is_alphabetic) || QUANTITY_LEAD.contains(&p) || p.ends_with("ed") {
        return false;
    }
    match next {
        None => true,
        Some(n) => {
            let counted = NUMBER_WORDS.contains(&n)
                || matches!(
                    n,
                    "percent" | "per" | "people" | "persons" | "km" | "kg" | "m" | "%"
                );
            !counted
        }
    }
}

/// Whether two values of [`values`] are the same: a number in words is its figure ("seven"
/// = "7", "two" = "2") and a thousands separator is nothing ("5,000" = "5000").
pub(super) fn same_value(x: &str, y: &str) -> bool {
    x == y || canonical_value(x) == canonical_value(y)
}

fn canonical_value(v: &str) -> String {
    const FIGURES: &[(&str, &str)] = &[
        ("zero", "0"),
        ("one", "1"),
        ("two", "2"),
        ("three", "3"),
        ("four", "4"),
        ("five", "5"),
        ("six", "6"),
        ("seven", "7"),
        ("eight", "8"),
        ("nine", "9"),
        ("ten", "10"),
        ("eleven", "11"),
        ("twelve", "12"),
        ("thirteen", "13"),
        ("fourteen", "14"),
        ("fifteen", "15"),
        ("sixteen", "16"),
        ("seventeen", "17"),
        ("eighteen", "18"),
        ("nineteen", "19"),
        ("twenty", "20"),
        ("thirty", "30"),
        ("forty", "40"),
        ("fifty", "50"),
        ("sixty", "60"),
        ("seventy", "70"),
        ("eighty", "80"),
        ("ninety", "90"),
    ];
    v.split(' ')
        .map(|w| match FIGURES.iter().find(|(word, _)| *word == w) {
            Some((_, figure)) => (*figure).to_string(),
            None if w.starts_with(|c: char| c.is_ascii_digit()) => w.replace(',', ""),
            None => w.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn value_kind(w: &str, prev: Option<&str>, next: Option<&str>) -> Option<Value> {
    if w.bytes().any(|c| c.is_ascii_digit())
        && w.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b',' | b'.' | b'%'))
    {
        if is_identifier(prev, next) {
            return None;
        }
        return Some(Value::Number);
    }
    match classes().get(w).and_then(|c| c.value) {
        // "may" and "march" are usually a hedge and a verb: months only after "in", "of", ...
        // or a day number ("24 May").
        Some(Value::Month) if matches!(w, "may" | "march") => {
            let dated = matches!(prev, Some("in" | "of" | "since" | "until" | "by"))
                || prev.is_some_and(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
            dated.then_some(Value::Month)
        }
        other => other,
    }
}

/// The content with its values replaced by `#` (runs of values become one `#`), and the
/// values with their kinds.
pub(super) fn values(ws: &[String]) -> (Vec<String>, Vec<(String, Value)>) {
    values_of_runs(ws, &value_runs(ws))
}

/// The runs of values of the words: the range of each run's words and the kind of its first.
fn value_runs(ws: &[String]) -> Vec<(std::ops::Range<usize>, Value)> {
    let mut runs: Vec<(std::ops::Range<usize>, Value)> = Vec::new();
    for (i, w) in ws.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| ws[p].as_str());
        let next = ws.get(i + 1).map(String::as_str);
        if let Some(kind) = value_kind(w, prev, next) {
            match runs.last_mut() {
                Some((run, _)) if run.end == i => run.end = i + 1,
                _ => runs.push((i..i + 1, kind)),
            }
        }
    }
    runs
}

/// [`values`] from the runs of [`value_runs`].
fn values_of_runs(
    ws: &[String],
    runs: &[(std::ops::Range<usize>, Value)],
) -> (Vec<String>, Vec<(String, Value)>) {
    let mut template: Vec<String> = Vec::with_capacity(ws.len());
    let mut found: Vec<(String, Value)> = Vec::with_capacity(runs.len());
    let mut at = 0;
    for (run, kind) in runs {
        template.extend_from_slice(&ws[at..run.start]);
        template.push("#".to_string());
        found.push((ws[run.clone()].join(" "), *kind));
        at = run.end;
    }
    template.extend_from_slice(&ws[at..]);
    (template, found)
}

/// Contents with more numbers, days or dates than this are not compared by value (tables,
/// scores, lists).
pub(super) const MAX_VALUES: usize = 4;

/// Direction and outcome axes: (axis, label for people, words of one pole, of the other).
pub(super) const AXES: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "compass-ew",
        "direction",
        &["west", "westward", "westwards", "westbound"],
        &["east", "eastward", "eastwards", "eastbound"],
    ),
    (
        "compass-ns",
        "direction",
        &["north", "northward", "northwards", "northbound"],
        &["south", "southward", "southwards", "southbound"],
    ),
    (
        "rise-fall",
        "direction",
        &[
            "rise",
            "rises",
            "rose",
            "risen",
            "rising",
            "increase",
            "increased",
            "increases",
            "grew",
            "grow",
            "grows",
            "climbed",
            "climbs",
            "higher",
        ],
        &[
            "fall",
            "falls",
            "fell",
            "fallen",
            "falling",
            "decrease",
            "decreased",
            "decreases",
            "declined",
            "declines",
            "drop",
            "dropped",
            "drops",
            "shrank",
            "lower",
        ],
    ),
    (
        "advance-retreat",
        "outcome",
        &[
            "advance",
            "advanced",
            "advances",
            "advancing",
            "gained",
            "gains",
        ],
        &[
            "retreat",
            "retreated",
            "retreats",
            "retreating",
            "withdrew",
            "withdrawn",
            "withdraws",
            "withdrawing",
            "lost",
            "losses",
        ],
    ),
    (
        "capture-repel",
        "outcome",
        &[
            "captured", "captures", "capture", "seized", "seizes", "took", "taken",
        ],
        &[
            "repelled",
            "repels",
            "repulsed",
            "held",
            "holds",
            "defended",
            "recaptured",
        ],
    ),
    (
        "open-close",
        "outcome",
        &[
            "open",
            "opened",
            "opens",
            "reopen",
            "reopened",
            "reopens",
            "reopening",
        ],
        &["close", "closed", "closes", "closing", "shut", "shuts"],
    ),
    (
        "win-lose",
        "outcome",
        &["win", "wins", "won", "winning"],
        &["lose", "loses", "losing", "defeated"],
    ),
];

/// Axes where a movement stated about an entity is compared across different sentences. Only
/// the compass: "took office" and "held a lead" are not movements on the capture/hold axis.
pub(super) const MOVEMENT_AXES: &[&str] = &["compass-ew", "compass-ns"];

/// Words that make a compass word a movement ("further west", "towards the east").
const MOVEMENT_CONTEXT: &[&str] = &[
    "further",
    "farther",
    "deeper",
    "toward",
    "towards",
    "to",
    "into",
    "push",
    "pushed",
    "pushing",
    "moved",
    "moving",
    "advance",
    "advancing",
];

/// (position, axis index, pole) of each polar word.
pub(super) fn polar(ws: &[String]) -> Vec<(usize, usize, bool)> {
    let table = classes();
    ws.iter()
        .enumerate()
        .filter_map(|(i, w)| {
            let (a, pole) = table.get(w.as_str())?.polar?;
            Some((i, a, pole))
        })
        .collect()
}

/// The phrase of a polar word for people: "further west", "rose".
pub(super) fn phrase(ws: &[String], i: usize) -> String {
    match i.checked_sub(1).map(|p| ws[p].as_str()) {
        Some(p) if matches!(p, "further" | "farther" | "deeper") => format!("{p} {}", ws[i]),
        _ => ws[i].clone(),
    }
}

pub(super) fn is_movement(ws: &[String], i: usize, axis: &str) -> bool {
    if !axis.starts_with("compass") {
        return true;
    }
    let w = ws[i].as_str();
    if w.ends_with("ward") || w.ends_with("wards") || w.ends_with("bound") {
        return true;
    }
    let before = i.saturating_sub(2)..i;
    ws[before]
        .iter()
        .any(|p| MOVEMENT_CONTEXT.contains(&p.as_str()))
}

/// Whether the compass word `w` (folded) is written as part of a name in `content`:
/// capitalised and followed by a capitalised word ("South Carolina", "North Korea").
pub(super) fn compass_in_name(content: &str, w: &str) -> bool {
    let tokens: Vec<&str> = content
        .split_whitespace()
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    tokens.windows(2).any(|pair| {
        pair[0].to_lowercase() == w
            && pair[0].chars().next().is_some_and(char::is_uppercase)
            && pair[1].chars().next().is_some_and(char::is_uppercase)
    })
}

/// Aliases of named entities: demonyms, capitals, seats of government.
/// Capitalised words that are not names.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "in",
    "on",
    "at",
    "of",
    "for",
    "and",
    "but",
    "or",
    "if",
    "as",
    "after",
    "before",
    "there",
    "here",
    "his",
    "her",
    "their",
    "our",
    "my",
    "mr",
    "mrs",
    "ms",
    "dr",
    "president",
    "minister",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Named entities: capitalised words of the content as written (possessives and hyphenated
/// parts split off), folded through the alias table ([`super::aliases`]).
pub(super) fn entities(content: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for raw in content.split(|c: char| c.is_whitespace() || c == '-' || c == '/') {
        let w = raw.trim_matches(|c: char| !c.is_alphanumeric());
        let w = w
            .strip_suffix("'s")
            .or_else(|| w.strip_suffix("\u{2019}s"))
            .unwrap_or(w);
        if !w.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        let lower = w.to_lowercase();
        if NOT_NAMES.contains(&lower.as_str()) || lower.chars().count() < 2 {
            continue;
        }
        let name = match aliases().entity(&lower) {
            Some(entity) => entity.to_string(),
            None => lower,
        };
        out.insert(name);
    }
    out
}

/// The candidate keys of a claim's content with their details (see the module
/// documentation), sorted. Two claims are candidates when they share a key with different
/// details; a shared key with the same detail means the same content up to negation words.
pub fn keys(content: &str) -> Vec<(String, String)> {
    let folded = super::fold(content);
    keys_from(content, &folded, &super::words_of_folded(&folded))
}

/// [`keys`] of a content given its [`super::fold`] and its words ([`super::words`]).
pub(super) fn keys_from(content: &str, folded: &str, ws: &[String]) -> Vec<(String, String)> {
    if super::similar::degenerate_words(ws) {
        return Vec::new();
    }
    // Most contents have no negation and no value: their stripped words and their template
    // are their words.
    let (stripped, negations) = if ws.iter().any(|w| changed_by_strip(w)) {
        let (stripped, negations) = without_negation(ws);
        (Cow::Owned(stripped), negations)
    } else {
        (Cow::Borrowed(ws), 0)
    };
    let runs = value_runs(ws);
    let (template, found) = if runs.is_empty() {
        (Cow::Borrowed(ws), Vec::new())
    } else {
        let (template, found) = values_of_runs(ws, &runs);
        (Cow::Owned(template), found)
    };
    let polars = polar(ws);
    let names = if polars.is_empty() {
        BTreeSet::new()
    } else {
        entities(content)
    };
    keys_of(&Parts {
        content,
        folded,
        words: ws,
        terms: &super::similar::terms_of_words(ws),
        stripped: &stripped,
        negations,
        template: &template,
        values: &found,
        polars: &polars,
        entities: &names,
    })
}

/// What the keys of a content are made of, each read once (the rules read the same:
/// [`super::Facts`] keeps them). `entities` may be empty when `polars` is.
pub(super) struct Parts<'a> {
    pub content: &'a str,
    /// [`super::fold`] of the content.
    pub folded: &'a str,
    pub words: &'a [String],
    pub terms: &'a std::collections::BTreeMap<String, f64>,
    pub stripped: &'a [String],
    pub negations: usize,
    pub template: &'a [String],
    pub values: &'a [(String, Value)],
    pub polars: &'a [(usize, usize, bool)],
    pub entities: &'a BTreeSet<String>,
}

/// [`keys`] of a content that is not degenerate, from its parts.
pub(super) fn keys_of(p: &Parts<'_>) -> Vec<(String, String)> {
    let ws = p.words;
    let mut out = Vec::with_capacity(MAX_TERM_KEYS + 1 + MAX_VALUES + 1);
    term_keys(p.folded, p.terms, &mut out);
    let parity = if p.negations % 2 == 1 { "1" } else { "0" };
    out.push((
        joined("n:", p.stripped.iter().map(String::as_str), p.folded.len()),
        parity.to_string(),
    ));
    let (template, found) = (p.template, p.values);
    if !found.is_empty() && found.len() <= MAX_VALUES {
        // One key per value: that value open (its detail), the others spelled out, so only
        // claims that agree on everything but one value meet ("bridge 3 ... on day #").
        for open in 0..found.len() {
            let mut slot = 0;
            let spelled = template.iter().map(|w| {
                if w != "#" {
                    return w.as_str();
                }
                let this = slot;
                slot += 1;
                if this == open {
                    "#"
                } else {
                    found[this].0.as_str()
                }
            });
            out.push((joined("q:", spelled, p.folded.len()), found[open].0.clone()));
        }
    }
    let polars = p.polars;
    if !polars.is_empty() {
        // The words with each polar word as its axis in angle brackets.
        let mut key = String::with_capacity(p.folded.len() + 32);
        key.push_str("p:");
        for (i, w) in ws.iter().enumerate() {
            if i > 0 {
                key.push(' ');
            }
            match polars.iter().rfind(|p| p.0 == i) {
                Some(&(_, a, _)) => {
                    key.push('<');
                    key.push_str(AXES[a].0);
                    key.push('>');
                }
                None => key.push_str(w),
            }
        }
        let poles: String = polars.iter().map(|p| if p.2 { '+' } else { '-' }).collect();
        out.push((key, poles));
        for &(i, a, pole) in polars {
            let axis = AXES[a].0;
            if MOVEMENT_AXES.contains(&axis)
                && is_movement(ws, i, axis)
                && !compass_in_name(p.content, &ws[i])
            {
                for name in p.entities {
                    let detail = if pole { "+" } else { "-" };
                    out.push((["e:", axis, ":", name].concat(), detail.to_string()));
                }
            }
        }
    }
    // Sorted and without repeats, as a set would hold them.
    out.sort_unstable();
    out.dedup();
    out
}

/// `prefix` and the words joined by spaces: a key (`n:the bridge was damaged`).
/// `room`: the length expected of the words joined (a hint).
fn joined<'w>(prefix: &str, words: impl Iterator<Item = &'w str>, room: usize) -> String {
    let mut key = String::with_capacity(prefix.len() + room);
    key.push_str(prefix);
    for (i, w) in words.enumerate() {
        if i > 0 {
            key.push(' ');
        }
        key.push_str(w);
    }
    key
}

/// How many of a claim's rarest terms give `t:` keys, each alone.
pub const TERM_KEYS: usize = 5;

/// How many of a claim's rarest terms give `t:` pair keys (each pair of them): fewer than
/// [`TERM_KEYS`], as the pairs are most of a claim's keys and the pairs of its lighter terms
/// found few candidates that a single key did not, and more pairs of other stories
/// (docs/relations.md, "Keys").
pub const PAIR_TERMS: usize = 3;

/// The most `t:` keys a claim has: [`TERM_KEYS`] single terms and the pairs of the
/// [`PAIR_TERMS`] heaviest.
pub const MAX_TERM_KEYS: usize = TERM_KEYS + PAIR_TERMS * (PAIR_TERMS - 1) / 2;

/// Terms lighter than this give no key: shared by too many claims to find anything.
pub const MIN_KEY_WEIGHT: f64 = 0.6;

/// The `t:` keys (see the module documentation): the [`TERM_KEYS`] heaviest terms of the
/// content, each alone (`t:burger`), and each pair of the [`PAIR_TERMS`] heaviest
/// (`t:burger+pounder`); detail: a digest of the folded content, so that any two different
/// contents sharing a term meet.
fn term_keys(
    folded: &str,
    terms: &std::collections::BTreeMap<String, f64>,
    out: &mut Vec<(String, String)>,
) {
    use sha2::Digest;
    let mut ts: Vec<(&String, f64)> = terms
        .iter()
        .map(|(t, w)| (t, *w))
        .filter(|t| t.1 >= MIN_KEY_WEIGHT)
        .collect();
    ts.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(y.0)));
    ts.truncate(TERM_KEYS);
    if ts.is_empty() {
        return;
    }
    let digest = sha2::Sha256::digest(folded.as_bytes());
    let detail = hex::encode(&digest[..8]);
    for (i, (t, _)) in ts.iter().enumerate() {
        out.push((["t:", t.as_str()].concat(), detail.clone()));
        if i >= PAIR_TERMS {
            continue;
        }
        for (u, _) in &ts[i + 1..PAIR_TERMS.min(ts.len())] {
            let (lo, hi) = if t < u { (t, u) } else { (u, t) };
            out.push((
                ["t:", lo.as_str(), "+", hi.as_str()].concat(),
                detail.clone(),
            ));
        }
    }
}

/// Whether two contents are the same claim content up to noise and the choice of negation
/// word: what the `corroborations` and opposite-cue views compare (through the `n:` key).
pub fn same_content(a: &str, b: &str) -> bool {
    let n = |s: &str| keys(s).into_iter().find(|k| k.0.starts_with("n:"));
    n(a) == n(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_share_a_key() {
        // The structural keys (the `t:` keys are tested below).
        let shared = |a: &str, b: &str| {
            keys(a)
                .iter()
                .filter(|k| !k.0.starts_with("t:"))
                .any(|k| keys(b).iter().any(|l| l.0 == k.0 && l.1 != k.1))
        };
        assert!(shared(
            "the plant was at risk",
            "the plant was never at risk"
        ));
        assert!(shared("two people were injured", "3 people were injured"));
        assert!(shared("prices rose", "prices fell"));
        assert!(!shared("prices rose", "the mill was evacuated"));
        assert!(
            !shared("prices rose", "Prices  rose."),
            "same content: same details"
        );
        assert!(!shared(
            "the bridge reopens on day 5",
            "the bridge reopens on day 6"
        ));
        assert!(shared("the toll rose to 50", "the toll rose to 65"));
        assert!(shared(
            "officials reported 5 injuries",
            "officials reported 7 injuries"
        ));
        assert!(!shared(
            "bridge 3 reopens on Monday",
            "bridge 4 reopens on Monday"
        ));
        assert!(shared(
            "bridge 3 reopens on Monday",
            "bridge 3 reopens on Friday"
        ));
    }

    #[test]
    fn term_keys_are_the_rarest_terms_and_their_pairs() {
        let t = |s: &str| -> Vec<String> {
            keys(s)
                .into_iter()
                .filter(|k| k.0.starts_with("t:"))
                .map(|k| k.0)
                .collect()
        };
        // The five rarest terms alone, the three rarest (kraken, tobermory, lighthous) in pairs.
        assert_eq!(
            t("The lighthouse keeper saw a kraken off Tobermory"),
            [
                "t:keeper",
                "t:kraken",
                "t:kraken+lighthous",
                "t:kraken+tobermory",
                "t:lighthous",
                "t:lighthous+tobermory",
                "t:saw",
                "t:tobermory"
            ]
        );
        assert_eq!(MAX_TERM_KEYS, 8);
        // Common words give no key; different contents have different details.
        assert_eq!(t("they said it was good"), Vec::<String>::new());
        let d = |s: &str| keys(s).into_iter().find(|k| k.0 == "t:kraken").map(|k| k.1);
        assert_ne!(d("a kraken was seen"), d("no kraken was seen"));
        assert_eq!(d("a kraken was seen"), d("A kraken  was seen."));
    }

    #[test]
    fn degenerate_contents_have_no_keys() {
        for c in ["", "?", "No", "it", "42", "it is", "Kraken"] {
            assert_eq!(keys(c), Vec::<(String, String)>::new(), "{c:?}");
        }
    }

    #[test]
    fn compass_words_in_names_are_no_movement() {
        let e = |s: &str| {
            keys(s)
                .into_iter()
                .filter(|k| k.0.starts_with("e:"))
                .count()
        };
        assert_eq!(e("Russian troops push further south"), 1);
        assert_eq!(e("the Russian candidate comes to South Carolina"), 0);
    }

    #[test]
    fn may_is_a_hedge_unless_it_follows_in() {
        assert!(keys("the bridge may reopen")
            .iter()
            .all(|k| !k.0.starts_with("q:")));
        assert!(keys("the bridge will reopen in May")
            .iter()
            .any(|k| k.0.starts_with("q:")));
    }
}
