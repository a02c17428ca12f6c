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
pub mod diff;
pub mod keys;
pub mod rules;
pub mod similar;
pub mod stance;

pub use keys::{keys, same_content};
pub use rules::{judge, Facts, Finding, DEFAULT_MIN_SCORE};

use crate::model::{ClaimRef, Relation, RelationKind};
use crate::objects::ObjectId;

/// At most this many stored claims are compared with a new claim per key. A key shared by
/// more (one statement repeated with many different numbers) would otherwise cost quadratic
/// time and objects; past this bound, which pairs get a relation can depend on arrival order.
pub const MAX_CANDIDATES_PER_KEY: i64 = 32;

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

/// The relation object for a finding on two claims: symmetric kinds are written with the
/// smaller id first, so both orders of discovery give the same object.
pub fn relation(a: ObjectId, b: ObjectId, f: &Finding) -> Relation {
    let (from, to) = if f.kind.symmetric() && b < a {
        (b, a)
    } else {
        (a, b)
    };
    Relation {
        v: 1,
        from,
        to,
        kind: f.kind,
        basis: f.basis.to_string(),
        note: Some(f.reason.clone()),
    }
}

/// Judges a candidate pair in id order, so the reason reads the same on every replica.
pub fn judge_pair(x: (ObjectId, &Facts), y: (ObjectId, &Facts)) -> Option<Relation> {
    let ((lo, flo), (hi, fhi)) = if x.0 < y.0 { (x, y) } else { (y, x) };
    judge(flo, fhi).map(|finding| relation(lo, hi, &finding))
}

/// The `updates` relations between two consecutive versions of a document, given their claims
/// in text order: each claim edited between them (the diff's changed pairs whose ids differ).
pub fn updates(before: &[ClaimRef], after: &[ClaimRef]) -> Vec<Relation> {
    diff::diff(before, after)
        .changed
        .iter()
        .filter(|c| c.before.id != c.after.id)
        .map(|c| Relation {
            v: 1,
            from: c.before.id,
            to: c.after.id,
            kind: RelationKind::Updates,
            basis: UPDATES_BASIS.to_string(),
            note: Some(format!(
                "changed: {}",
                c.fields
                    .iter()
                    .map(|f| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        })
        .collect()
}
