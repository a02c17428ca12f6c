//! History: where and when a claim appeared, what a speaker claimed over time, and how a
//! document's claims changed from version to version; each optionally "as of" a date.

use crate::objects::ObjectId;
use crate::relate::diff;
use crate::store::query::history::{appearances, versions_as_of, Of};
use crate::store::query::versions::version_claims;
use crate::store::query::{self, ClaimRow, VersionRow};
use crate::store::{Store, StoreError};
use serde::Serialize;

pub use crate::store::query::history::{Appearance, AsOf, BadDate, Clock, SpeakerMatch};

/// Where and when a claim was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimHistory {
    pub claim: ClaimRow,
    pub first_published: Option<String>,
    pub last_published: Option<String>,
    pub first_imported: Option<String>,
    pub last_imported: Option<String>,
    pub appearances: Vec<Appearance>,
}

/// Every document and version a claim appears in, first and last seen by publication and by
/// import time. `None` when the claim is not stored.
pub fn claim_history(
    store: &Store,
    id: &ObjectId,
    as_of: Option<&AsOf>,
) -> Result<Option<ClaimHistory>, StoreError> {
    let Some(claim) = query::claim(store, id)? else {
        return Ok(None);
    };
    let list = appearances(store, Of::Claim(id), as_of)?;
    let published: Vec<&String> = list.iter().filter_map(|a| a.published.as_ref()).collect();
    let imported: Vec<&String> = list.iter().filter_map(|a| a.imported_at.as_ref()).collect();
    Ok(Some(ClaimHistory {
        claim,
        first_published: published.iter().min().map(|s| s.to_string()),
        last_published: published.iter().max().map(|s| s.to_string()),
        first_imported: imported.iter().min().map(|s| s.to_string()),
        last_imported: imported.iter().max().map(|s| s.to_string()),
        appearances: list,
    }))
}

/// A speaker's claims over time: every appearance of a claim of the speakers `speaker`
/// matches (by `rule`, with every name of their entities), by publication time.
pub fn speaker_history(
    store: &Store,
    speaker: &str,
    rule: SpeakerMatch,
    as_of: Option<&AsOf>,
) -> Result<Vec<Appearance>, StoreError> {
    appearances(store, Of::Speaker(speaker, rule), as_of)
}

/// One version of a document with what changed since the version before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionChanges {
    #[serde(flatten)]
    pub version: VersionRow,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// A document's versions, oldest first, each with counts of added, removed and changed
/// claims against the version before it (version 1: all added).
pub fn document_history(
    store: &Store,
    document: &ObjectId,
    as_of: Option<&AsOf>,
) -> Result<Vec<VersionChanges>, StoreError> {
    let versions = query::versions_of(store, document)?;
    let keep: Option<Vec<String>> = match as_of {
        None => None,
        Some(a) => Some(versions_as_of(store, document, a)?),
    };
    let mut out = Vec::with_capacity(versions.len());
    let mut previous = Vec::new();
    for v in versions {
        let id = crate::store::parse_id(&v.id)?;
        let claims = version_claims(store, &id)?;
        let d = diff::diff(&previous, &claims);
        previous = claims;
        if keep.as_ref().is_some_and(|k| !k.contains(&v.id)) {
            continue;
        }
        out.push(VersionChanges {
            version: v,
            added: d.added.len(),
            removed: d.removed.len(),
            changed: d.changed.len(),
            unchanged: d.unchanged,
        });
    }
    Ok(out)
}
