//! Claims over time: what changed between two texts, how claims relate, and their history.
//!
//! - [`diff`] compares two claim lists (pure).
//! - [`signals`] reads the subject, numbers, directions and negations of a claim's content,
//!   and the pairwise rules that say when two claims corroborate or conflict (pure).
//! - [`relations`] finds relations on import through an index of claim keys, writes them as
//!   `relation` objects, records manual judgements and lists conflicts.
//! - [`history`] answers "where and when did this claim appear", per claim, speaker, document.
//! - [`sources`] loads the claim lists that `claims diff` compares (stored versions, article
//!   files extracted in memory, whole databases).
//!
//! Library code only: nothing here prints.

pub mod diff;
pub mod history;
pub mod relations;
pub mod signals;
pub mod sources;

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
