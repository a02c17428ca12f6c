//! Same claim, different words: the content terms of a claim weighted by how rare they are in
//! English, and a similarity score between two claims from the terms they share.
//!
//! Rarity comes from a static table, `seeds/relate/rarity.tsv` (built by
//! `tools/build_rarity.py` from the `wordfreq` word lists, CC BY-SA 4.0), not from the
//! database: a term's weight, and so every score, is a function of the two claims alone.
//!
//! A term is a folded word that is neither a function word nor a word of stance ("deny",
//! "hoax", "reportedly": [`super::stance`] reads those), lightly stemmed ("burgers" and
//! "burger" are one term). Its weight is `(6.5 - zipf) / 2` clamped to `[0, 2]`, where `zipf` is
//! the word's Zipf frequency (about 7 for "the", 4 for "burger"); a word not in the table
//! (names, numbers, rare words) weighs [`UNKNOWN_WEIGHT`].

use super::{word_set, words, FnvBuild, WordSet};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

const RARITY_TSV: &str = include_str!("../../seeds/relate/rarity.tsv");

/// The weight of a word absent from the rarity table: a name, a number or a rare word.
pub const UNKNOWN_WEIGHT: f64 = 2.0;

/// Zipf frequency times ten of each word of the table.
fn rarity() -> &'static HashMap<&'static str, u8, FnvBuild> {
    static TABLE: OnceLock<HashMap<&'static str, u8, FnvBuild>> = OnceLock::new();
    TABLE.get_or_init(|| {
        RARITY_TSV
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .filter_map(|l| {
                let (w, z) = l.split_once('\t')?;
                Some((w, z.trim().parse().ok()?))
            })
            .collect()
    })
}

/// Words that never count as content: function words, reporting and stance words, and the
/// generic words of news headlines.
const NOT_TERMS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "but",
    "if",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "as",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
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
    "you",
    "i",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "him",
    "them",
    "us",
    "me",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "must",
    "shall",
    "not",
    "no",
    "never",
    "about",
    "after",
    "before",
    "over",
    "under",
    "into",
    "out",
    "up",
    "down",
    "off",
    "than",
    "then",
    "so",
    "such",
    "also",
    "just",
    "more",
    "most",
    "very",
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "some",
    "each",
    "other",
    "new",
    "says",
    "said",
    "say",
    "saying",
    "report",
    "reports",
    "reported",
    "reportedly",
    "claim",
    "claims",
    "claimed",
    "via",
    "now",
    "there",
    "here",
    "yes",
    "too",
    "s",
    "t",
    "don",
    "isn",
    "wasn",
    "didn",
    "doesn",
    "aren",
    "weren",
    "won",
    "hasn",
    "haven",
    "deny",
    "denies",
    "denied",
    "denial",
    "denying",
    "false",
    "falsely",
    "fake",
    "faked",
    "hoax",
    "hoaxes",
    "untrue",
    "true",
    "truth",
    "real",
    "really",
    "myth",
    "debunk",
    "debunked",
    "debunks",
    "debunking",
    "refute",
    "refutes",
    "refuted",
    "bogus",
    "baseless",
    "rumor",
    "rumors",
    "rumour",
    "rumours",
    "rumored",
    "rumoured",
    "allegedly",
    "alleged",
    "apparently",
    "possibly",
    "supposedly",
    "purportedly",
    "according",
    "news",
    "story",
    "stories",
    "photo",
    "photos",
    "video",
    "videos",
    "picture",
    "pictures",
    "viral",
    "internet",
    "online",
    "web",
    "social",
    "media",
    "watch",
    "see",
    "look",
    "here's",
    "confirm",
    "confirms",
    "confirmed",
    "actually",
    "turns",
    "turned",
    "officially",
    "official",
    "officials",
    "satire",
    "satirical",
    "fabricated",
    "nonsense",
    "prank",
    "spoof",
    "rejects",
    "rejected",
    "dismiss",
    "dismisses",
    "dismissed",
    "one",
    "get",
    "gets",
    "got",
    "make",
    "makes",
    "made",
    "way",
    "like",
    "being",
    "people",
    "year",
    "years",
    "first",
    "last",
    "time",
    "back",
    "still",
    "only",
    "even",
    "well",
    "much",
    "many",
    "man",
    "report's",
    "update",
    "updated",
    "breaking",
    "exclusive",
    "amid",
    "after",
    "while",
    "told",
    "tells",
    "set",
    "plans",
    "plan",
    "two",
    "three",
    "day",
    "days",
    "week",
    "weeks",
    "fakes",
    "phony",
    "phoney",
    "inaccurate",
    "erroneous",
    "misreported",
    "falsehood",
    "falsehoods",
    "wrong",
    "doubts",
    "lie",
    "lies",
    "lied",
];

fn not_term(w: &str) -> bool {
    static SET: OnceLock<WordSet> = OnceLock::new();
    SET.get_or_init(|| word_set(NOT_TERMS)).contains(w)
}

/// Words folded into one term: irregular forms and a few synonyms of news headlines.
const SAME: &[(&str, &str)] = &[
    ("dead", "die"),
    ("death", "die"),
    ("died", "die"),
    ("dies", "die"),
    ("dying", "die"),
    ("killed", "kill"),
    ("kills", "kill"),
    ("female", "woman"),
    ("women", "woman"),
    ("sexes", "gender"),
    ("sex", "gender"),
    ("segregate", "separat"),
    ("segregated", "separat"),
    ("segregation", "separat"),
    ("separation", "separat"),
    ("bought", "buy"),
    ("buys", "buy"),
    ("sold", "sell"),
    ("sells", "sell"),
    ("selling", "sell"),
    ("arrested", "arrest"),
    ("detained", "arrest"),
    ("captured", "arrest"),
    ("beheaded", "behead"),
    ("beheading", "behead"),
    ("pic", "photo"),
    ("image", "photo"),
];

/// A light stem: plural and verb endings off, so inflections of one word meet.
pub fn stem(w: &str) -> String {
    stem_of(w).into_owned()
}

/// [`stem`], borrowed from the word (or the table of [`SAME`]) where it can be.
fn stem_of(w: &str) -> Cow<'_, str> {
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("\u{2019}s"))
        .unwrap_or(w);
    let n = w.chars().count();
    if !w.chars().all(char::is_alphabetic) || n <= 3 {
        return Cow::Borrowed(w);
    }
    static SAME_MAP: OnceLock<HashMap<&'static str, &'static str, FnvBuild>> = OnceLock::new();
    if let Some(to) = SAME_MAP
        .get_or_init(|| SAME.iter().copied().collect())
        .get(w)
    {
        return Cow::Borrowed(to);
    }
    if n > 4 {
        if let Some(s) = w.strip_suffix("ies").or_else(|| w.strip_suffix("ied")) {
            return Cow::Owned(format!("{s}y"));
        }
    }
    for suffix in ["ing", "ed", "es", "s", "e"] {
        if let Some(s) = w.strip_suffix(suffix) {
            let m = s.chars().count();
            if m >= 3 && !(suffix == "s" && s.ends_with('s')) {
                // "ripped", "blurred", "spotted": the consonant doubled before the ending is
                // the word's once ("rip", "blur", "spot"); "killed", "passed" keep theirs.
                let b = s.as_bytes();
                let doubled = matches!(suffix, "ing" | "ed")
                    && b.len() >= 2
                    && b[b.len() - 1] == b[b.len() - 2]
                    && !matches!(
                        b[b.len() - 1],
                        b'a' | b'e' | b'i' | b'o' | b'u' | b'l' | b's' | b'z'
                    );
                return Cow::Borrowed(if doubled { &s[..s.len() - 1] } else { s });
            }
        }
    }
    Cow::Borrowed(w)
}

/// Prefixes that every word whose [`stem`] is `term` starts with: the term without a final
/// "y" (which the "ies"/"ied" rule adds) and, for a term of [`SAME`], the words folded into it.
/// A word of a content stems to `term` only if it starts with one of them, so a full-text
/// search for them finds a superset of the contents holding the term (`relate::review`).
pub fn stem_prefixes(term: &str) -> Vec<String> {
    let base = term
        .strip_suffix('y')
        .filter(|b| !b.is_empty())
        .unwrap_or(term);
    let mut out = vec![base.to_string()];
    for (from, to) in SAME {
        if *to == term && !from.starts_with(base) {
            out.push((*from).to_string());
        }
    }
    out
}

/// The weight of one folded word (see the module documentation).
pub fn weight(w: &str) -> f64 {
    if w.bytes().any(|c| c.is_ascii_digit()) {
        return UNKNOWN_WEIGHT;
    }
    match rarity().get(w) {
        Some(&z) => ((65.0 - f64::from(z)) / 20.0).clamp(0.0, UNKNOWN_WEIGHT),
        None => UNKNOWN_WEIGHT,
    }
}

/// The content terms of a text: stem → weight (the largest weight of its forms), only terms
/// of positive weight.
pub fn terms(content: &str) -> BTreeMap<String, f64> {
    terms_of_words(&words(content))
}

/// [`terms`] of a text's [`words`].
pub(super) fn terms_of_words(ws: &[String]) -> BTreeMap<String, f64> {
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for w in ws {
        let w = straight_apostrophes(w);
        if w.chars().nth(1).is_none() || not_term(&w) || w.ends_with("n't") {
            continue;
        }
        // A possessive weighs what its word does: "leader's" is as common as "leader" (the
        // table has no possessives, so it weighed as a rare word), and "it's" is no term.
        let base = w.strip_suffix("'s").unwrap_or(&w);
        if not_term(base) {
            continue;
        }
        let x = weight(base);
        if x <= 0.0 {
            continue;
        }
        // `x` is positive: a new term weighs `x`, a known one the larger weight.
        let stem = stem_of(&w);
        match out.get_mut(stem.as_ref()) {
            Some(e) => {
                if x > *e {
                    *e = x;
                }
            }
            None => {
                out.insert(stem.into_owned(), x);
            }
        }
    }
    out
}

/// A word with its curly apostrophes (U+2019) straight, copied only when it has one.
pub(super) fn straight_apostrophes(w: &str) -> Cow<'_, str> {
    if w.contains('\u{2019}') {
        Cow::Owned(w.replace('\u{2019}', "'"))
    } else {
        Cow::Borrowed(w)
    }
}

/// The stems of the names in a content: words capitalised inside a sentence-case content; in a
/// Title-Case content (most words capitalised), the capitalised words that are rare (not in the
/// rarity table) or known entities (`seeds/aliases.tsv`).
pub fn names(content: &str) -> std::collections::BTreeSet<String> {
    let raw: Vec<&str> = content
        .split(|c: char| c.is_whitespace() || c == '/')
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let title_case = raw.iter().filter(|w| capital(w)).count() * 5 > raw.len() * 3;
    // A name after a lower-case particle ("al-Baghdadi", "bin-Salman") is a name in any case.
    let particle_name = |w: &str| {
        !capital(w)
            && w.split('-')
                .skip(1)
                .any(|p| capital(p) && p.chars().any(char::is_lowercase))
    };
    // An acronym (ISIS, U.S, NASA) names an organisation or a place, unless the whole content
    // is shouted in capitals.
    let acronym = |w: &str| {
        w.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && w.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
    };
    let shouted = raw.iter().filter(|w| acronym(w)).count() * 2 > raw.len();
    let lowered = |w: &str| w.to_lowercase().replace('\u{2019}', "'");
    let rare = |w: &str| {
        let lower = lowered(w);
        !rarity().contains_key(lower.trim_end_matches("'s"))
            || super::aliases::aliases().entity(&lower).is_some()
    };
    // A word with a capital inside ("iPhone", "McPizza", "YouTube") is a brand's or a
    // family's name in any case.
    let inner_capital = |w: &str| {
        w.split('-')
            .any(|p| p.chars().skip(1).any(char::is_uppercase) && p.chars().any(char::is_lowercase))
    };
    // A rare word that ends as a verb form ("Harpooned", "Photoshopped", "Bombing") is a
    // Title-Case headline's verb, not a name.
    let rare_name = |w: &str| {
        let lower = lowered(w);
        let verb = lower.len() >= 6
            && ["ed", "ing"].iter().any(|e| lower.ends_with(e))
            && !inner_capital(w);
        rare(w) && !verb
    };
    let mut out = std::collections::BTreeSet::new();
    for (i, w) in raw.iter().enumerate() {
        if particle_name(w) || (!capital(w) && inner_capital(w)) {
            let lower = lowered(w);
            for part in lower.split('-') {
                out.insert(stem(part.trim_end_matches("'s")));
            }
            out.insert(stem(lower.trim_end_matches("'s")));
            continue;
        }
        if !capital(w) {
            continue;
        }
        let lower = lowered(w);
        // A capitalised word just before a rare capitalised one is the first part of a name
        // ("Kim Jong-un", "Abu Bakr"), unless it is a function word or looks like a verb or a
        // plural ("In Tobermory", "Sees Kraken", "Killed Foley").
        let verb_like = ["s", "ed", "ing"].iter().any(|e| lower.ends_with(e));
        let before_name = !not_term(&lower)
            && !verb_like
            && raw
                .get(i + 1)
                .is_some_and(|next| capital(next) && rare_name(next));
        let name = if title_case || i == 0 {
            rare_name(w) || before_name || (acronym(w) && !shouted) || inner_capital(w)
        } else {
            true
        };
        if name {
            for part in lower.split('-') {
                out.insert(stem(part.trim_end_matches("'s")));
            }
            // The whole name without its possessive: "al-Baghdadi's" is the term
            // "al-baghdadi".
            out.insert(stem(lower.trim_end_matches("'s")));
        }
    }
    out
}

/// How much two claims' contents say the same thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Similarity {
    /// The shared weight over the geometric mean of the two total weights, in `[0, 1]`.
    pub cosine: f64,
    /// The total weight of the shared terms.
    pub shared_weight: f64,
    /// The shared terms, heaviest first (ties by term).
    pub shared: Vec<String>,
}

/// The similarity of two term sets (see [`terms`]). Symmetric.
pub fn similarity(a: &BTreeMap<String, f64>, b: &BTreeMap<String, f64>) -> Similarity {
    let total = |t: &BTreeMap<String, f64>| t.values().sum::<f64>();
    let mut shared: Vec<(&String, f64)> = a
        .iter()
        .filter_map(|(k, &x)| b.get(k).map(|&y| (k, x.min(y))))
        .collect();
    let shared_weight: f64 = shared.iter().map(|s| s.1).sum();
    let norm = (total(a) * total(b)).sqrt();
    let cosine = if norm > 0.0 {
        (shared_weight / norm).clamp(0.0, 1.0)
    } else {
        0.0
    };
    shared.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(y.0)));
    Similarity {
        cosine,
        shared_weight,
        shared: shared.into_iter().map(|s| s.0.clone()).collect(),
    }
}

/// Whether a content has fewer than two content words (any word that is not a function
/// word): such a claim ("No", "it", "?", a bare number) never relates to anything.
pub fn degenerate(content: &str) -> bool {
    degenerate_words(&words(content))
}

/// [`degenerate`] of a text's [`words`].
pub(super) fn degenerate_words(ws: &[String]) -> bool {
    const FUNCTION: &[&str] = &[
        "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for",
        "with", "from", "as", "is", "are", "was", "were", "be", "been", "it", "its", "this",
        "that", "he", "she", "they", "we", "you", "i", "so", "do", "did", "does",
    ];
    static SET: OnceLock<WordSet> = OnceLock::new();
    let function = SET.get_or_init(|| word_set(FUNCTION));
    ws.iter()
        .filter(|w| w.chars().any(char::is_alphanumeric) && !function.contains(w.as_str()))
        .take(2)
        .count()
        < 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        assert_eq!(weight("the"), 0.0);
        assert!(weight("burger") > weight("house"));
        assert_eq!(weight("zyxwvut"), UNKNOWN_WEIGHT);
        assert_eq!(weight("1984"), UNKNOWN_WEIGHT);
        assert!(terms("the plan is denied").keys().all(|k| k != "deny"));
        // A possessive weighs what its word weighs; a function word's is no term.
        assert_eq!(
            terms("the leader's wife")["leader"],
            terms("the leader and his wife")["leader"]
        );
        assert!(terms("the leader's wife")["leader"] < UNKNOWN_WEIGHT);
        assert!(!terms("it's the mayor's").contains_key("it"));
    }

    #[test]
    fn stems_fold_inflections() {
        assert_eq!(stem("burgers"), stem("burger"));
        assert_eq!(stem("parties"), stem("party"));
        assert_eq!(stem("separated"), stem("separate"));
        assert_eq!(stem("glass"), "glass");
        assert_eq!(stem("ripped"), stem("rip"));
        assert_eq!(stem("blurred"), stem("blur"));
        assert_eq!(stem("spotted"), stem("spot"));
        assert_eq!(stem("killed"), "kill");
        assert_eq!(stem("passed"), "pass");
    }

    #[test]
    fn paraphrases_share_their_rare_terms() {
        let a = terms("Airline to seat passengers by gender on flights to Tel Aviv");
        let b = terms("The airline will not separate passengers by gender");
        let s = similarity(&a, &b);
        assert_eq!(s.shared, ["airlin", "passenger", "gender"]);
        assert!(s.cosine > 0.4, "{s:?}");
        let c = terms("The city council approved a new stadium budget");
        assert_eq!(similarity(&a, &c).shared, Vec::<String>::new());
        assert_eq!(similarity(&a, &c).cosine, 0.0);
        assert_eq!(similarity(&a, &b), {
            let mut r = similarity(&b, &a);
            r.shared = s.shared.clone();
            r
        });
    }

    #[test]
    fn names_in_sentence_and_title_case() {
        let n = |s: &str| names(s).into_iter().collect::<Vec<_>>();
        assert_eq!(
            n("Police say Tobermory lighthouse was closed"),
            ["tobermory"]
        );
        assert_eq!(
            n("Lighthouse Keeper In Tobermory Sees Kraken"),
            ["kraken", "tobermory"]
        );
        // The first part of a name before a rare one, and acronyms, are names too.
        assert_eq!(
            n("Kim Jongwoo Of NASA Wins Chess Title"),
            ["jongwoo", "kim", "nasa"]
        );
        assert_eq!(n("THE MAYOR SAYS THE BRIDGE IS FINE"), Vec::<String>::new());
        // A name after a lower-case particle, with a possessive, in sentence case.
        assert_eq!(
            n("a woman is not al-Zubaydi's wife"),
            ["al", "al-zubaydi", "zubaydi"]
        );
        // A capital inside a word names a brand, in any case.
        assert_eq!(n("the keeper's iPhone was fine"), ["iphon"]);
        assert_eq!(n("Harbour Board Buys McLighthouse"), ["mclighthous"]);
        // A rare word of a Title-Case headline that ends as a verb form is its verb.
        assert_eq!(
            n("Keeper Harpooned By Kraken In Tobermory"),
            ["kraken", "tobermory"]
        );
    }

    #[test]
    fn degenerate_contents() {
        for c in ["", "?", "No", "it", "42", "it is", "the end", "  ."] {
            assert!(degenerate(c), "{c:?}");
        }
        for c in ["prices rose", "two people were injured", "No deal"] {
            assert!(!degenerate(c), "{c:?}");
        }
    }
}
