//! Which stored claim a published fact-check reviewed: the claim as the fact-checker wrote it
//! (`claimReviewed`, and the claimant) against a stored claim's content and speaker.
//!
//! Candidates are the claims that share a lookup key with the review's text ([`lookup_keys`]:
//! the same content up to negation, or two of its heaviest terms); each is scored by the
//! rarity-weighted similarity of the contents ([`super::similar`]), lowered when the review
//! names a claimant who is not the speaker. A pair matches at [`MIN_MATCH_SCORE`] or more. The
//! score is a function of the two alone, so the matches are a function of the stored set.

use super::similar::{similarity, terms};

/// The lowest score at which a review's claim matches a stored claim.
pub const MIN_MATCH_SCORE: f64 = 0.5;

/// The weight of a match whose claimant is not the claim's speaker.
const OTHER_SPEAKER: f64 = 0.75;

/// Words of a claimant's name that do not name them: titles, roles and function words.
const TITLES: &[&str] = &[
    "the",
    "and",
    "of",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "president",
    "senator",
    "governor",
    "mayor",
    "minister",
    "prime",
    "representative",
    "former",
    "secretary",
    "chief",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "posts",
    "post",
    "social",
    "media",
    "users",
    "viral",
    "says",
    "claims",
];

/// A review's claim as a content: leading "Says", "Claim:" and quotes dropped, then normalised
/// as claim contents are.
pub fn review_content(text: &str) -> String {
    let mut t = text.trim();
    for prefix in ["Claim:", "CLAIM:", "Says that ", "Says ", "says "] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.trim_start();
        }
    }
    let t = t.trim_matches(|c: char| {
        matches!(
            c,
            '"' | '\u{201C}' | '\u{201D}' | '\'' | '\u{2018}' | '\u{2019}' | ' '
        )
    });
    crate::model::normalize_content(t)
}

/// The keys a review's content is looked up by among the claims' candidate keys: the `n:` key
/// (the same content up to negation) and the `t:` keys of two terms. A claim's keys filtered
/// the same way find the reviews.
pub fn lookup_keys(content: &str) -> Vec<String> {
    super::candidate_keys(content)
        .into_iter()
        .map(|(k, _)| k)
        .filter(|k| is_lookup_key(k))
        .collect()
}

/// Whether a claim key is one reviews are looked up by (see [`lookup_keys`]).
pub fn is_lookup_key(key: &str) -> bool {
    key.starts_with("n:") || (key.starts_with("t:") && key.contains('+'))
}

/// The word prefixes by which a full-text search finds every claim holding a two-term lookup
/// key (`t:a+b`), or `None` for a key it may not find them all by. For each of the two terms,
/// the prefixes of the words that stem to it ([`super::similar::stem_prefixes`]): a claim
/// holds the key only if its content has, for each term, a word starting with one of them.
/// Only an ASCII key (without NUL) of exactly two terms (one `+`; a term may hold a `+` of its own, which
/// makes the split ambiguous) qualifies: its words are ASCII, split into tokens by FTS5's
/// `unicode61` tokenizer exactly where they have a character that is not a letter or digit,
/// and folded as Rust folds them. `claim_keys` keeps the rows of the other lookup keys past
/// the bound (`store::kept_past_bound`).
pub fn text_prefixes(key: &str) -> Option<[Vec<String>; 2]> {
    let (a, b) = searchable_terms(key)?;
    Some([
        super::similar::stem_prefixes(a),
        super::similar::stem_prefixes(b),
    ])
}

/// Whether [`text_prefixes`] of the key is `Some` (without computing the prefixes).
pub fn is_searchable(key: &str) -> bool {
    searchable_terms(key).is_some()
}

/// The two terms of a key [`text_prefixes`] stands for.
fn searchable_terms(key: &str) -> Option<(&str, &str)> {
    let pair = key.strip_prefix("t:")?;
    if !pair.bytes().all(|b| (1..=0x7F).contains(&b)) {
        return None;
    }
    let (a, b) = pair.split_once('+')?;
    if a.is_empty() || b.is_empty() || b.contains('+') {
        return None;
    }
    Some((a, b))
}

/// Whether a claimant names the speaker: they share a name word (titles left out).
pub fn same_speaker(claimant: &str, speaker: &str) -> bool {
    let names = |s: &str| -> Vec<String> {
        super::words(s)
            .into_iter()
            .filter(|w| w.chars().count() >= 3 && !TITLES.contains(&w.as_str()))
            .collect()
    };
    let a = names(claimant);
    let b = names(speaker);
    a.iter().any(|w| b.contains(w))
}

/// How well a review's claim (its content, see [`review_content`], and claimant) matches a
/// stored claim, rounded to three decimals; `None` below [`MIN_MATCH_SCORE`].
pub fn score(content: &str, claimant: Option<&str>, claim: &str, speaker: &str) -> Option<f64> {
    let cosine = if super::same_content(content, claim) {
        1.0
    } else {
        similarity(&terms(content), &terms(claim)).cosine
    };
    let weight = match claimant.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) if !same_speaker(c, speaker) => OTHER_SPEAKER,
        _ => 1.0,
    };
    let score = (cosine * weight * 1000.0).round() / 1000.0;
    (score >= MIN_MATCH_SCORE).then_some(score)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fact_checkers_wording_matches_the_article_claim() {
        let content = review_content("Says the Tidewater bridge will close for three years.");
        assert_eq!(content, "the Tidewater bridge will close for three years");
        let s = score(
            &content,
            Some("Mayor Ellen Park"),
            "the Tidewater bridge would close for three years",
            "Ellen Park",
        );
        assert!(s.is_some_and(|s| s >= 0.9), "{s:?}");
        // Another claimant lowers the score.
        let other = score(
            &content,
            Some("Governor Ray Holt"),
            "the Tidewater bridge would close for three years",
            "Ellen Park",
        );
        assert!(other < s, "{other:?} {s:?}");
        // Another content does not match.
        assert_eq!(
            score(
                &content,
                None,
                "grain exports rose by a third",
                "Ellen Park"
            ),
            None
        );
    }

    #[test]
    fn claimants_and_speakers() {
        assert!(same_speaker("Sen. Maria Lopez", "Maria Lopez"));
        assert!(same_speaker("President Obama", "Barack Obama"));
        assert!(!same_speaker("Viral social media posts", "Obama"));
    }
}
