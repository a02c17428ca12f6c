//! How claims relate: pure rules over claims, with no database and no I/O.
//!
//! - [`mod@keys`]: a claim's candidate keys, so that pairs worth comparing are found through an
//!   index instead of comparing all pairs.
//! - [`rules`]: given two claims that share a key, do they conflict ([`judge`])?
//! - [`diff`]: which claims were added, removed or changed between two claim lists; the
//!   `updates` relations between consecutive versions of a document come from it ([`updates`]).
//! - [`aliases`]: the names the rules fold together, from `seeds/aliases.tsv`.
//!
//! The ledger calls these for every claim that enters a database, however it arrived (import,
//! sync, bundle), in the transaction that stores it: see `src/ledger/derive.rs`.

pub mod aliases;
pub mod diff;
pub mod keys;
pub mod rules;

pub use keys::{keys, same_content};
pub use rules::{judge, Facts, Finding};

use crate::model::{ClaimRef, RelationKind};
use crate::objects::ObjectId;

/// A key held by more claims than this is too common to pair anything: it is left out of the
/// candidates of every claim (as a search engine leaves out stop words). So the pairs compared
/// are a function of the set of claims alone (two claims are candidates when they share a key
/// held by at most this many claims), and a new claim costs at most this many rows per key,
/// however many claims hold its keys. See docs/relations.md.
pub const MAX_KEY_HOLDERS: i64 = 32;

/// The score below which `claims relations` leaves a relation out unless `--min-score` says
/// otherwise: what is shown by default is what is precise.
pub const DEFAULT_MIN_SCORE: f64 = 0.5;

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
    words(content)
        .iter()
        .filter(|w| !FUNCTION_WORDS.contains(&w.as_str()))
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
/// none for any other.
pub fn candidate_keys(content: &str) -> Vec<(String, String)> {
    if comparable(content) {
        keys(content)
    } else {
        Vec::new()
    }
}

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
    fold(s)
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
