//! How claims relate: pure rules over claims, with no database and no I/O.
//!
//! - [`mod@keys`]: a claim's candidate keys, so that pairs worth comparing are found through an
//!   index instead of comparing all pairs.
//! - [`rules`]: given two claims that share a key, do they conflict or corroborate, and how
//!   sure is that ([`judge`])?
//! - [`similar`]: rarity-weighted terms of a content, and how similar two contents are.
//! - [`stance`]: whether a claim supports, refutes or only reports its content.
//! - [`diff`]: which claims were added, removed or changed between two claim lists; the
//!   `updates` relations between consecutive versions of a document come from it ([`updates`]).
//! - [`aliases`]: the names the rules fold together, from `seeds/aliases.tsv`.
//!
//! The ledger calls these for every claim that enters a database, however it arrived (import,
//! sync, bundle), in the transaction that stores it: see `src/ledger/derive.rs`.

pub mod aliases;
pub mod carry;
pub mod diff;
pub mod keys;
pub mod review;
pub mod rules;
pub mod similar;
pub mod stance;

pub use keys::{keys, same_content};
pub use rules::{judge, Facts, Finding, DEFAULT_MIN_CORROBORATION_SCORE, DEFAULT_MIN_SCORE};

use crate::model::{ClaimRef, RelationKind};
use crate::objects::ObjectId;
use std::collections::{BTreeMap, HashMap};

/// A key held by more claims than this is too common to pair anything: it is left out of the
/// candidates of every claim (as a search engine leaves out stop words). So the pairs compared
/// are a function of the set of claims alone (two claims are candidates when they share a key
/// held by at most this many claims), and a new claim costs at most this many rows per key,
/// however many claims hold its keys. See docs/relations.md.
pub const MAX_KEY_HOLDERS: i64 = 32;

/// Basis of same-content corroborations (different speakers, same content).
pub const SAME_CONTENT_BASIS: &str = "same-content/1";
/// Basis of same-content conflicts (one denies what the other does not).
pub const OPPOSITE_CUE_BASIS: &str = "opposite-cue/1";

/// Function words that do not count as content words (see [`comparable`]).
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "as", "is", "are", "was", "were", "be", "been", "being", "am", "it", "its", "this",
    "that", "these", "those", "he", "she", "they", "we", "i", "you", "him", "her", "them", "us",
    "me", "his", "their", "our", "my", "your", "so", "do", "does", "did", "has", "have", "had",
    "not", "no", "yes", "never", "there", "here", "what", "which", "who", "will", "would", "can",
    "could", "should", "may", "might", "must", "shall", "all", "some",
];

/// The content words of a text: its words but function words and bare numbers.
pub fn content_words(content: &str) -> usize {
    content_words_in(&words(content))
}

/// [`content_words`] of a text's [`words`].
fn content_words_in(ws: &[String]) -> usize {
    static SET: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    let function = SET.get_or_init(|| word_set(FUNCTION_WORDS));
    ws.iter()
        .filter(|w| !function.contains(w.as_str()))
        .filter(|w| {
            !w.chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
        })
        .count()
}

/// Whether a content can be related to anything: it has at least two content words. Empty,
/// one-word (`No`, `it`, a bare number) or punctuation-only contents never are.
pub fn comparable(content: &str) -> bool {
    content_words(content) >= 2
}

/// The candidate keys the index holds for a claim: [`keys`] of a [`comparable`] content,
/// none for any other. The content is folded and split into words once, for both.
pub fn candidate_keys(content: &str) -> Vec<(String, String)> {
    let folded = fold(content);
    let ws = words_of_folded(&folded);
    if content_words_in(&ws) >= 2 {
        keys::keys_from(content, &folded, &ws)
    } else {
        Vec::new()
    }
}

/// A set of words from a static list, looked up by a hash cheaper than the standard one
/// ([`Fnv`]): the word tables of the rules are read for every word of every claim.
pub(crate) type WordSet = std::collections::HashSet<&'static str, FnvBuild>;

/// The [`WordSet`] of a list.
pub(crate) fn word_set(list: &[&'static str]) -> WordSet {
    list.iter().copied().collect()
}

/// FNV-1a, for the static word tables of the rules: their keys are fixed at build time and a
/// lookup inserts nothing, so a hash without a random key is safe, and short words hash in a
/// few instructions.
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Builds [`Fnv`] hashers.
pub(crate) type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// Judges a candidate pair: [`judge`], and where the rules say nothing, the same content said
/// by two speakers (`corroborates`, [`SAME_CONTENT_BASIS`]) or denied by one of them
/// (`conflicts`, [`OPPOSITE_CUE_BASIS`]). Symmetric up to the order of the reason; `None` for
/// a content that is not [`comparable`]. Each side comes with its speaker as written, which
/// the same-content reason names.
pub fn judge_facts((sa, a): (&str, &Facts), (sb, b): (&str, &Facts)) -> Option<Finding> {
    if !comparable(&a.content) || !comparable(&b.content) {
        return None;
    }
    let same = same_content(&a.content, &b.content);
    judge_candidates((sa, a), (sb, b), same)
}

/// [`judge_facts`] for two claims that are candidates (so both [`comparable`]), `same` telling
/// whether they have the same content (the same `n:` key and detail, as the index says).
pub fn judge_candidates(
    (sa, a): (&str, &Facts),
    (sb, b): (&str, &Facts),
    same: bool,
) -> Option<Finding> {
    if let Some(f) = judge(a, b) {
        return Some(f);
    }
    if !same {
        return None;
    }
    let denies = |f: &Facts| f.stance == "denying";
    let cue = |f: &Facts| {
        if f.cue.is_empty() {
            "asserts".to_string()
        } else {
            f.cue.clone()
        }
    };
    if denies(a) != denies(b) {
        return Some(Finding {
            kind: RelationKind::Conflicts,
            score: 1.0,
            basis: OPPOSITE_CUE_BASIS,
            reason: format!("cue: {} vs {}", cue(a), cue(b)),
        });
    }
    if a.speaker != b.speaker {
        return Some(Finding {
            kind: RelationKind::Corroborates,
            score: 1.0,
            basis: SAME_CONTENT_BASIS,
            reason: format!("same content from {sa} and {sb}"),
        });
    }
    None
}

/// Basis of `updates` relations.
pub const UPDATES_BASIS: &str = "version-diff/1";

/// Folds the noise that must not count as a change: white space, quote and dash styles,
/// case, a leading "that", trailing punctuation.
pub fn fold(s: &str) -> String {
    crate::model::normalize_content(s).to_lowercase()
}

/// The folded words of a text, punctuation trimmed off each word.
pub fn words(s: &str) -> Vec<String> {
    words_of_folded(&fold(s))
}

/// [`words`] of a text already folded ([`fold`]): `words(s) == words_of_folded(&fold(s))`.
pub(crate) fn words_of_folded(folded: &str) -> Vec<String> {
    folded
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Judges a candidate pair in id order, so the reason reads the same on every replica:
/// `(smaller id, larger id, finding)`.
pub fn judge_pair<'a>(
    x: (ObjectId, &'a str, &'a Facts),
    y: (ObjectId, &'a str, &'a Facts),
    same: bool,
) -> Option<(ObjectId, ObjectId, Finding)> {
    let (lo, hi) = if x.0 < y.0 { (x, y) } else { (y, x) };
    judge_candidates((lo.1, lo.2), (hi.1, hi.2), same).map(|f| (lo.0, hi.0, f))
}

/// Whether a key and detail of [`keys`] say "the same content": the `n:` key (the words
/// without negation words) with its detail (their parity).
pub fn is_content_key(key: &str) -> bool {
    key.starts_with("n:")
}

/// The detail of a candidate key as the index (`claim_keys`) stores it: none for a `t:` key.
/// Its detail is a digest of the whole content, the same for every `t:` key of a claim and
/// never read: the relation step reads only the content key's detail ([`is_content_key`]), so
/// leaving it out changes no pair and makes most of the index's rows half as long.
pub fn stored_detail<'a>(key: &str, detail: &'a str) -> &'a str {
    if key.starts_with("t:") {
        ""
    } else {
        detail
    }
}

/// The pairs of claims the relation step compares, by its definition (docs/relations.md), for a
/// set of claims given by their candidate keys ([`candidate_keys`]): two claims that share a key
/// held by at most [`MAX_KEY_HOLDERS`] of them. The value says whether the two have the same
/// content (they share the content key with the same detail): the view
/// `same_content_relations` relates those, they are not judged. A function of the set: the
/// order of `claims` changes only the indices. The ledger finds the same pairs incrementally
/// (`src/ledger/derive.rs`); evaluation harnesses, which have no database, call this.
pub fn candidate_pairs(claims: &[Vec<(String, String)>]) -> BTreeMap<(usize, usize), bool> {
    candidate_pairs_within(claims, MAX_KEY_HOLDERS)
}

/// [`candidate_pairs`] with another bound on a key's holders: for measuring what the bound
/// costs in recall (`examples/relate_eval.rs`); the store uses [`MAX_KEY_HOLDERS`].
pub fn candidate_pairs_within(
    claims: &[Vec<(String, String)>],
    bound: i64,
) -> BTreeMap<(usize, usize), bool> {
    let mut holders: HashMap<&str, Vec<(usize, &str)>> = HashMap::new();
    for (i, keys) in claims.iter().enumerate() {
        for (key, detail) in keys {
            holders.entry(key).or_default().push((i, detail));
        }
    }
    let mut pairs = BTreeMap::new();
    for (key, list) in holders {
        if list.len() as i64 > bound {
            continue;
        }
        let content = is_content_key(key);
        for (n, &(x, dx)) in list.iter().enumerate() {
            for &(y, dy) in list.iter().skip(n + 1) {
                if x != y {
                    *pairs.entry((x.min(y), x.max(y))).or_default() |= content && dx == dy;
                }
            }
        }
    }
    pairs
}

/// The `updates` relations between two consecutive versions of a document, given their claims
/// in text order: each claim edited between them (the diff's changed pairs whose ids differ),
/// as `(before, after, reason)`.
pub fn updates(before: &[ClaimRef], after: &[ClaimRef]) -> Vec<(ObjectId, ObjectId, String)> {
    diff::diff(before, after)
        .changed
        .iter()
        .filter(|c| c.before.id != c.after.id)
        .map(|c| {
            let fields: Vec<&str> = c.fields.iter().map(|f| f.as_str()).collect();
            (
                c.before.id,
                c.after.id,
                format!("changed: {}", fields.join(", ")),
            )
        })
        .collect()
}

#[cfg(test)]
mod candidate_tests {
    use super::*;

    fn key(k: &str, d: &str) -> (String, String) {
        (k.to_string(), d.to_string())
    }

    #[test]
    fn a_key_past_the_bound_pairs_nothing_and_same_content_is_marked() {
        let bound = MAX_KEY_HOLDERS as usize;
        // `t:rare` is held by claims 0 and 1; `t:common` by one claim more than the bound.
        let mut claims: Vec<Vec<(String, String)>> = (0..=bound)
            .map(|i| vec![key("t:common", &i.to_string())])
            .collect();
        claims[0].push(key("t:rare", "a"));
        claims[1].push(key("t:rare", "b"));
        // Claims 2 and 3 say the same thing: the content key with the same detail.
        claims[2].push(key("n:same", "x"));
        claims[3].push(key("n:same", "x"));
        let pairs = candidate_pairs(&claims);
        assert_eq!(
            pairs.into_iter().collect::<Vec<_>>(),
            vec![((0, 1), false), ((2, 3), true)]
        );
        // At the bound, the key pairs every two of its holders.
        let at_bound = &claims[1..];
        assert_eq!(
            candidate_pairs(at_bound).len(),
            bound * (bound - 1) / 2,
            "{bound} holders"
        );
    }
}
