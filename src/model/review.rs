//! Fact-checks: the `review` object (a verdict on a claim, as a person records it or as a
//! published ClaimReview gives it), the `retraction` object, and the normalisation of published
//! ratings to a verdict through the table in `seeds/ratings.tsv`.
//!
//! Pure: no I/O.

use crate::objects::ObjectId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

const RATINGS_TSV: &str = include_str!("../../seeds/ratings.tsv");

/// The normalised verdict of a review, on one scale whatever the publisher's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    True,
    MostlyTrue,
    Mixed,
    MostlyFalse,
    False,
    Unproven,
    Satire,
    Other,
}

impl Verdict {
    /// Every verdict, from true to other.
    pub const ALL: [Verdict; 8] = [
        Verdict::True,
        Verdict::MostlyTrue,
        Verdict::Mixed,
        Verdict::MostlyFalse,
        Verdict::False,
        Verdict::Unproven,
        Verdict::Satire,
        Verdict::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::True => "true",
            Verdict::MostlyTrue => "mostly-true",
            Verdict::Mixed => "mixed",
            Verdict::MostlyFalse => "mostly-false",
            Verdict::False => "false",
            Verdict::Unproven => "unproven",
            Verdict::Satire => "satire",
            Verdict::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }

    /// The rating a review of this verdict is exported with when it has none of its own.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::True => "True",
            Verdict::MostlyTrue => "Mostly true",
            Verdict::Mixed => "Mixed",
            Verdict::MostlyFalse => "Mostly false",
            Verdict::False => "False",
            Verdict::Unproven => "Unproven",
            Verdict::Satire => "Satire",
            Verdict::Other => "Other",
        }
    }

    /// The position on a 1 (false) to 5 (true) scale of the five graded verdicts.
    pub fn score(self) -> Option<u8> {
        match self {
            Verdict::False => Some(1),
            Verdict::MostlyFalse => Some(2),
            Verdict::Mixed => Some(3),
            Verdict::MostlyTrue => Some(4),
            Verdict::True => Some(5),
            _ => None,
        }
    }
}

/// A rating as published (schema.org `Rating`): every value as a string, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    /// `textualRating`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `ratingValue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `bestRating`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best: Option<String>,
    /// `worstRating`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worst: Option<String>,
    /// `alternateName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternate_name: Option<String>,
    /// `image` of the rating, when published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl Rating {
    pub fn is_empty(&self) -> bool {
        self == &Rating::default()
    }
}

/// A verdict on a claim: recorded by a person (`claims review`, with `by` and `at`) or read
/// from a published ClaimReview (`claims import`: no `by`, no `at`, so the same page gives the
/// same object everywhere). It names the stored claim (`claim`), or gives the claim as the
/// fact-checker wrote it (`claim_text`, `claimant`), or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub v: u32,
    /// The stored claim reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<ObjectId>,
    /// The claim as the review states it (`claimReviewed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_text: Option<String>,
    /// Who made the claim, as the review names them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claimant: Option<String>,
    /// When the claim was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_date: Option<String>,
    /// Where the claim appeared (`appearance` and `firstAppearance` URLs; the first
    /// appearance first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub appearances: Vec<String>,
    /// The normalised verdict.
    pub verdict: Verdict,
    /// The rating as published.
    #[serde(default, skip_serializing_if = "Rating::is_empty")]
    pub rating: Rating,
    /// The organisation that published the review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The publisher's site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher_site: Option<String>,
    /// The review's author as published (a person or the organisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// The review's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The review's headline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When the review was published (`datePublished`, `reviewDate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The language of the review (BCP 47).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// A person's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who recorded it here (`--author`, `CLAIMS_AUTHOR`, `claims author`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When it was recorded here (RFC 3339 UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

impl Review {
    /// Why a review cannot be stored: it names no claim at all.
    pub fn problem(&self) -> Option<&'static str> {
        let text = self.claim_text.as_deref().map(str::trim).unwrap_or("");
        if self.claim.is_none() && text.is_empty() {
            return Some("a review names a claim (`claim`) or states one (`claim_text`)");
        }
        None
    }
}

/// What a retraction withdraws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Retracted {
    Claim,
    Mention,
    Version,
}

impl Retracted {
    pub fn as_str(self) -> &'static str {
        match self {
            Retracted::Claim => "claim",
            Retracted::Mention => "mention",
            Retracted::Version => "version",
        }
    }
}

/// A person's withdrawal of a claim, a mention or a whole version (`claims retract`): views and
/// lists hide what is retracted. It syncs like every object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retraction {
    pub v: u32,
    /// The claim, mention or version withdrawn.
    pub target: ObjectId,
    /// Its type.
    pub target_type: Retracted,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// The rating table of `seeds/ratings.tsv`: folded rating → verdict.
fn table() -> &'static HashMap<String, Verdict> {
    static TABLE: OnceLock<HashMap<String, Verdict>> = OnceLock::new();
    TABLE.get_or_init(|| {
        RATINGS_TSV
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let (rating, verdict) = l.split_once('\t')?;
                Some((fold_rating(rating), Verdict::parse(verdict)?))
            })
            .collect()
    })
}

/// The rows of the rating table as written: `(rating, verdict)`, for docs and checks.
pub fn rating_table() -> Vec<(String, String)> {
    RATINGS_TSV
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (r, v) = l.split_once('\t')?;
            Some((r.to_string(), v.to_string()))
        })
        .collect()
}

/// A rating as the table looks it up: lower case, white space collapsed, trailing `!` and `.`
/// dropped, curly apostrophes straight.
pub fn fold_rating(s: &str) -> String {
    let s = super::collapse_space(&s.replace(['\u{2019}', '\u{2018}'], "'")).to_lowercase();
    s.trim_end_matches(['!', '.', ' ']).to_string()
}

/// The verdict of a published rating: its textual rating (or alternate name) through the
/// table; else its numeric value placed between worst and best (five equal bands from false
/// to true); else `other`.
pub fn normalise(rating: &Rating) -> Verdict {
    for text in [&rating.text, &rating.alternate_name].into_iter().flatten() {
        if let Some(v) = table().get(&fold_rating(text)) {
            return *v;
        }
    }
    numeric(rating).unwrap_or(Verdict::Other)
}

fn numeric(rating: &Rating) -> Option<Verdict> {
    let num = |s: &Option<String>| s.as_deref()?.trim().parse::<f64>().ok();
    let value = num(&rating.value)?;
    let best = num(&rating.best).unwrap_or(5.0);
    let worst = num(&rating.worst).unwrap_or(1.0);
    if best == worst || !value.is_finite() {
        return None;
    }
    let at = ((value - worst) / (best - worst)).clamp(0.0, 1.0);
    Some(match at {
        x if x < 0.2 => Verdict::False,
        x if x < 0.4 => Verdict::MostlyFalse,
        x if x < 0.6 => Verdict::Mixed,
        x if x < 0.8 => Verdict::MostlyTrue,
        _ => Verdict::True,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Rating {
        Rating {
            text: Some(t.to_string()),
            ..Rating::default()
        }
    }

    #[test]
    fn common_english_ratings_are_in_the_table() {
        for (rating, verdict) in [
            ("False", Verdict::False),
            ("Pants on Fire!", Verdict::False),
            ("Mostly False", Verdict::MostlyFalse),
            ("Half True", Verdict::Mixed),
            ("Mostly True", Verdict::MostlyTrue),
            ("True", Verdict::True),
            ("Misleading", Verdict::MostlyFalse),
            ("Missing context", Verdict::MostlyFalse),
            ("Unproven", Verdict::Unproven),
            ("Satire", Verdict::Satire),
            ("Four Pinocchios", Verdict::False),
            ("  MIXTURE. ", Verdict::Mixed),
        ] {
            assert_eq!(normalise(&text(rating)), verdict, "{rating}");
        }
    }

    #[test]
    fn the_table_has_no_rating_twice_and_only_known_verdicts() {
        let rows = rating_table();
        let mut seen = std::collections::HashSet::new();
        for (rating, verdict) in &rows {
            assert!(Verdict::parse(verdict).is_some(), "{rating}: {verdict}");
            assert!(seen.insert(fold_rating(rating)), "{rating} twice");
        }
        assert_eq!(table().len(), rows.len());
    }

    #[test]
    fn numbers_are_read_when_the_text_is_unknown() {
        let r = |v: &str, best: &str, worst: &str| Rating {
            text: Some("Ridiculous".into()),
            value: Some(v.into()),
            best: Some(best.into()),
            worst: Some(worst.into()),
            ..Rating::default()
        };
        assert_eq!(normalise(&r("1", "5", "1")), Verdict::False);
        assert_eq!(normalise(&r("3", "5", "1")), Verdict::Mixed);
        assert_eq!(normalise(&r("5", "5", "1")), Verdict::True);
        assert_eq!(normalise(&r("2", "6", "0")), Verdict::MostlyFalse);
        assert_eq!(normalise(&text("Ridiculous")), Verdict::Other);
        assert_eq!(normalise(&r("x", "5", "1")), Verdict::Other);
    }
}
