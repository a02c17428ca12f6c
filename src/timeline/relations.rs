//! Relations between claims as people see them: a person's judgement ([`link`]) and the
//! conflicts in force ([`conflicts`]).
//!
//! Relations found by the rules are written by the ledger for every new claim, however it
//! arrived (see `crate::ledger`). A person's judgement is a relation with basis `manual`; the
//! `current_relations` view lets it override every automatic relation on the same pair, and
//! earlier judgements.

use crate::ledger::Ledger;
use crate::model::{Body, Relation, RelationKind, Typed, MANUAL};
use crate::objects::ObjectId;
use crate::store::query::{self, ResolveError};
use crate::store::{Store, StoreError};

pub use crate::store::query::relations::{conflicts, ConflictFilter, ConflictRow};

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

/// Records a person's judgement on two claims (id prefixes). Returns the relation and whether
/// it was new.
pub fn link(
    store: &mut Store,
    a: &str,
    b: &str,
    kind: RelationKind,
    note: Option<&str>,
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
    }))?;
    let mut ledger = Ledger::begin(store)?;
    let new = ledger.put(typed.clone())?;
    ledger.commit()?;
    Ok((typed, new))
}
