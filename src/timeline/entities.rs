//! Speaker entities: a user's alias (`claims alias add`), recorded as an `alias` object
//! through the ledger so that it syncs like every other object.

use crate::ledger::Ledger;
use crate::model::{normalize_speaker, Alias, Body, Typed};
use crate::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AliasError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Object(#[from] crate::objects::ObjectError),
    #[error("an alias needs two names: {0:?} is empty")]
    Empty(String),
    #[error("{0:?} is already its own name: an alias names another entity")]
    Same(String),
}

/// Records that the speaker name `alias` is the entity `canonical` (names normalised as
/// speakers are). Returns the alias object and whether it was new.
pub fn add_alias(
    store: &mut Store,
    alias: &str,
    canonical: &str,
) -> Result<(Typed, bool), AliasError> {
    add_alias_by(store, alias, canonical, None, &crate::time::now_precise())
}

/// [`add_alias`] by a named person (`by`), at `at` (RFC 3339 UTC).
pub fn add_alias_by(
    store: &mut Store,
    alias: &str,
    canonical: &str,
    by: Option<&str>,
    at: &str,
) -> Result<(Typed, bool), AliasError> {
    let alias_n = normalize_speaker(alias.trim());
    let canonical_n = normalize_speaker(canonical.trim());
    for (given, n) in [(alias, &alias_n), (canonical, &canonical_n)] {
        if n.is_empty() {
            return Err(AliasError::Empty(given.to_string()));
        }
    }
    if alias_n == canonical_n {
        return Err(AliasError::Same(alias_n));
    }
    let typed = Typed::new(Body::Alias(Alias {
        v: 1,
        alias: alias_n,
        canonical: canonical_n,
        by: by.map(str::to_string),
        at: Some(at.to_string()),
    }))?;
    let mut ledger = Ledger::begin(store)?;
    let new = ledger.put(typed.clone())?;
    ledger.commit()?;
    Ok((typed, new))
}
