//! What fact-checkers record: who they are (the author), their verdicts on claims
//! ([`review`]), and withdrawals of claims, mentions or versions ([`retract`]). Each is an
//! object made through the ledger, with its author and time, so that it syncs; the block list
//! ([`block`]) is local.

use crate::ledger::Ledger;
use crate::model::{Body, Rating, Retracted, Retraction, Review, Typed, Verdict};
use crate::objects::ObjectId;
use crate::store::query::{self, ResolveError};
use crate::store::{Store, StoreError};

/// The local setting that holds the author of this database's people.
pub const AUTHOR_SETTING: &str = "author";

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Object(#[from] crate::objects::ObjectError),
    #[error("{0:?} is a {1}: only a claim, a mention or a version can be retracted")]
    NotRetractable(String, String),
    #[error("a review needs a verdict (--verdict) or a rating to read one from (--rating)")]
    NoVerdict,
    #[error("a retraction needs a reason (--reason)")]
    NoReason,
    #[error("{0:?}: not an id (64 hex digits) nor the prefix of a stored object")]
    NotAnId(String),
}

/// Who records: the name given (`--author`, `CLAIMS_AUTHOR`), else the database's `author`
/// setting, else nobody (the object is recorded without `by`).
pub fn author(store: &Store, given: Option<&str>) -> Result<Option<String>, StoreError> {
    if let Some(name) = given.map(crate::model::collapse_space) {
        if !name.is_empty() {
            return Ok(Some(crate::objects::to_nfc(&name)));
        }
    }
    Ok(store.setting(AUTHOR_SETTING)?.filter(|a| !a.is_empty()))
}

/// What a person says about a claim with `claims review`.
#[derive(Debug, Clone, Default)]
pub struct Verdicts {
    pub verdict: Option<Verdict>,
    /// The rating as the person words it (`--rating`); the verdict is read from it when none
    /// is given.
    pub rating: Option<String>,
    pub url: Option<String>,
    /// A note, kept as written (line breaks too), trimmed.
    pub note: Option<String>,
    pub publisher: Option<String>,
    pub language: Option<String>,
}

fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(crate::model::collapse_space)
        .filter(|s| !s.is_empty())
        .map(|s| crate::objects::to_nfc(&s))
}

/// Records a person's review of a stored claim (id prefix), made at `at` by `by`. Returns the
/// review and whether it was new.
pub fn review(
    store: &mut Store,
    claim: &str,
    v: &Verdicts,
    by: Option<&str>,
    at: &str,
) -> Result<(Typed, bool), ReviewError> {
    let (claim, _) = query::resolve(store, claim, Some("claim"))?;
    let mut rating = Rating {
        text: clean(&v.rating),
        ..Rating::default()
    };
    let verdict = match v.verdict {
        Some(verdict) => verdict,
        None if rating.text.is_some() => crate::model::review::normalise(&rating),
        None => return Err(ReviewError::NoVerdict),
    };
    if rating.text.is_none() {
        rating.text = Some(verdict.label().to_string());
    }
    // The claim as the review states it, so that the review stands alone when exported or
    // synced without its claim.
    let named = query::reviews::named_claim(store, &claim)?;
    let typed = Typed::new(Body::Review(Box::new(Review {
        v: 1,
        claim: Some(claim),
        claim_text: named.as_ref().map(|n| n.content.clone()),
        claimant: named.as_ref().map(|n| n.speaker.clone()),
        claim_date: named.as_ref().and_then(|n| n.published.clone()),
        appearances: named.map(|n| n.urls).unwrap_or_default(),
        verdict,
        rating,
        publisher: clean(&v.publisher),
        publisher_site: None,
        reviewer: None,
        url: clean(&v.url),
        title: None,
        date: None,
        language: clean(&v.language),
        note: v
            .note
            .as_deref()
            .map(|n| n.replace("\r\n", "\n").trim().to_string())
            .filter(|n| !n.is_empty())
            .map(|n| crate::objects::to_nfc(&n)),
        by: by.map(str::to_string),
        at: Some(at.to_string()),
    })))?;
    put(store, typed)
}

/// Retracts a stored claim, mention or version (id prefix), at `at` by `by`.
pub fn retract(
    store: &mut Store,
    target: &str,
    reason: &str,
    by: Option<&str>,
    at: &str,
) -> Result<(Typed, bool), ReviewError> {
    let reason = crate::model::collapse_space(reason);
    if reason.is_empty() {
        return Err(ReviewError::NoReason);
    }
    let (id, kind) = query::resolve(store, target, None)?;
    let target_type = match kind.as_str() {
        "claim" => Retracted::Claim,
        "mention" => Retracted::Mention,
        "version" => Retracted::Version,
        other => {
            return Err(ReviewError::NotRetractable(
                target.to_string(),
                other.into(),
            ))
        }
    };
    let typed = Typed::new(Body::Retraction(Retraction {
        v: 1,
        target: id,
        target_type,
        reason: crate::objects::to_nfc(&reason),
        by: by.map(str::to_string),
        at: Some(at.to_string()),
    }))?;
    put(store, typed)
}

fn put(store: &mut Store, typed: Typed) -> Result<(Typed, bool), ReviewError> {
    let mut ledger = Ledger::begin(store)?;
    let new = ledger.put(typed.clone())?;
    ledger.commit()?;
    Ok((typed, new))
}

/// What [`block`] did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BlockOutcome {
    pub id: ObjectId,
    /// It was not on the list before.
    pub new: bool,
    /// The type of the object when it is already stored here (it stays stored: objects are
    /// never deleted; retract it to hide it).
    pub stored: Option<String>,
}

/// Puts an id on the local block list: the full id (64 hex digits) of an object stored or not,
/// or the prefix of a stored one.
pub fn block(store: &Store, id: &str, reason: &str, at: &str) -> Result<BlockOutcome, ReviewError> {
    let id = match ObjectId::parse(id.trim()) {
        Ok(id) => id,
        Err(_) => match query::resolve(store, id, None) {
            Ok((id, _)) => id,
            Err(ResolveError::NotFound(..)) => return Err(ReviewError::NotAnId(id.to_string())),
            Err(e) => return Err(e.into()),
        },
    };
    let reason = crate::model::collapse_space(reason);
    let new = store.block(&id, &reason, at)?;
    Ok(BlockOutcome {
        id,
        new,
        stored: store.type_of(&id)?,
    })
}
