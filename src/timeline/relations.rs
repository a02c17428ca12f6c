//! Relations between claims as people see them: a person's judgement ([`link`]) and the
//! conflicts in force ([`conflicts`]).
//!
//! Relations found by the rules are index rows the ledger derives for every new claim, however
//! it arrived (see `crate::ledger`). A person's judgement is a relation object with basis
//! `manual` and the time it was recorded; the one in force on a pair (the latest `at`, then the
//! largest id) overrides every finding on it (`current_relations` in docs/schema.md).

use crate::ledger::Ledger;
use crate::model::{Body, Relation, RelationKind, Typed, MANUAL};
use crate::objects::ObjectId;
use crate::store::query::{self, ResolveError};
use crate::store::{Store, StoreError};

pub use crate::store::query::relations::{
    each_relation, relations, RelationFilter, RelationRow, Side,
};

/// A conflict in force, as `claims conflicts` shows it.
pub type ConflictRow = RelationRow;

/// Filters of [`conflicts`].
#[derive(Debug, Clone, Default)]
pub struct ConflictFilter {
    /// Only conflicts involving a claim of this document.
    pub document: Option<ObjectId>,
    /// Only conflicts where one speaker contains this text (case-insensitive).
    pub speaker: Option<String>,
    /// Also conflicts of a retracted claim.
    pub include_retracted: bool,
}

/// Every conflict in force, whatever its score: [`relations`] of kind `conflicts`.
pub fn conflicts(store: &Store, f: &ConflictFilter) -> Result<Vec<ConflictRow>, StoreError> {
    relations(
        store,
        &RelationFilter {
            kind: Some("conflicts".to_string()),
            min_score: 0.0,
            min_corroboration_score: None,
            document: f.document,
            speaker: f.speaker.clone(),
            include_retracted: f.include_retracted,
            claim: None,
        },
    )
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a claim cannot be linked to itself ({0})")]
    SameClaim(ObjectId),
    #[error("{0}")]
    Object(#[from] crate::objects::ObjectError),
}

/// Records a person's judgement on two claims (id prefixes), made now. Returns the relation and
/// whether it was new.
pub fn link(
    store: &mut Store,
    a: &str,
    b: &str,
    kind: RelationKind,
    note: Option<&str>,
) -> Result<(Typed, bool), LinkError> {
    link_by(store, a, b, kind, note, None, &crate::time::now_precise())
}

/// Records a person's judgement on two claims, made at `at` (RFC 3339). Of two judgements on
/// one pair, the later is in force (then the larger id): the same on every replica.
pub fn link_at(
    store: &mut Store,
    a: &str,
    b: &str,
    kind: RelationKind,
    note: Option<&str>,
    at: &str,
) -> Result<(Typed, bool), LinkError> {
    link_by(store, a, b, kind, note, None, at)
}

/// [`link_at`] by a named person (`by`, see `crate::timeline::reviews::author`).
pub fn link_by(
    store: &mut Store,
    a: &str,
    b: &str,
    kind: RelationKind,
    note: Option<&str>,
    by: Option<&str>,
    at: &str,
) -> Result<(Typed, bool), LinkError> {
    let (from, _) = query::resolve(store, a, Some("claim"))?;
    let (to, _) = query::resolve(store, b, Some("claim"))?;
    if from == to {
        return Err(LinkError::SameClaim(from));
    }
    let note = note
        .map(crate::model::collapse_space)
        .filter(|n| !n.is_empty());
    let typed = Typed::new(Body::Relation(Relation {
        v: 1,
        from,
        to,
        kind,
        basis: MANUAL.to_string(),
        note,
        at: Some(at.to_string()),
        by: by.map(str::to_string),
    }))?;
    let mut ledger = Ledger::begin(store)?;
    let new = ledger.put(typed.clone())?;
    ledger.commit()?;
    Ok((typed, new))
}
