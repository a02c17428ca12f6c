//! The read queries of the commands: ids and prefixes ([`resolve`]), claims and mentions
//! ([`claims`]), documents and versions ([`versions`]), history ([`history`]) and relations
//! ([`relations`]).

pub mod claims;
pub mod entities;
pub mod history;
pub mod pages;
pub mod relations;
pub mod reviews;
pub mod versions;

pub use claims::{
    claim, fts_query, list_claims, mentions_in_version, mentions_of_claim, search_claims, ClaimRow,
    ListFilter, MentionRow,
};
pub use versions::{document_key, versions_of, VersionRow};

use super::{Result, Store, StoreError};
use crate::objects::ObjectId;
use rusqlite::OptionalExtension;

/// The shortest id prefix accepted.
pub const MIN_PREFIX: usize = 6;

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("{0:?}: an id prefix needs at least {MIN_PREFIX} hex digits")]
    TooShort(String),
    #[error("{0:?}: not an id prefix (hex digits 0-9, a-f)")]
    NotHex(String),
    #[error("{0:?}: no {1} with that id")]
    NotFound(String, &'static str),
    #[error("{prefix:?} is ambiguous; it could be:\n{}", candidates.iter().map(|(id, t)| format!("  {id} ({t})")).collect::<Vec<_>>().join("\n"))]
    Ambiguous {
        prefix: String,
        candidates: Vec<(String, String)>,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ResolveError {
    fn from(e: rusqlite::Error) -> Self {
        ResolveError::Store(StoreError::Sql(e))
    }
}

/// Resolves an id or a unique prefix of at least six hex digits, optionally of one type. Where
/// a document is acceptable (`kind` is `None` or `"document"`), a document's URL or key is
/// accepted too, so every command that takes an id takes a document by its URL.
pub fn resolve(
    store: &Store,
    prefix: &str,
    kind: Option<&'static str>,
) -> std::result::Result<(ObjectId, String), ResolveError> {
    let p = prefix.trim().to_ascii_lowercase();
    if !p.bytes().all(|b| b.is_ascii_hexdigit()) {
        if matches!(kind, None | Some("document")) {
            if let Some(id) = document_by_key(store, prefix)? {
                return Ok((id, "document".to_string()));
            }
            if prefix.contains("://") {
                return Err(ResolveError::NotFound(prefix.to_string(), "document"));
            }
        }
        return Err(ResolveError::NotHex(prefix.to_string()));
    }
    if p.len() < MIN_PREFIX {
        return Err(ResolveError::TooShort(prefix.to_string()));
    }
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, type FROM objects
         WHERE id >= ?1 AND id < ?1 || 'g' AND (?2 IS NULL OR type = ?2)
         ORDER BY id LIMIT 11",
    )?;
    let found: Vec<(String, String)> = stmt
        .query_map((&p, kind), |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    match found.len() {
        0 => Err(ResolveError::NotFound(
            prefix.to_string(),
            kind.unwrap_or("object"),
        )),
        1 => {
            let (id, t) = found.into_iter().next().unwrap_or_default();
            let id = ObjectId::parse(&id).map_err(|_| ResolveError::NotHex(id.clone()))?;
            Ok((id, t))
        }
        _ => Err(ResolveError::Ambiguous {
            prefix: prefix.to_string(),
            candidates: found,
        }),
    }
}

/// The document whose key is `spec` (its URL, normalized as at import, or its key), if any.
fn document_by_key(store: &Store, spec: &str) -> Result<Option<ObjectId>> {
    let by_key: Vec<String> = store
        .conn()
        .prepare_cached("SELECT id FROM documents WHERE key IN (?1, ?2) ORDER BY seq")?
        .query_map(
            (spec.trim(), crate::model::normalize_url(spec.trim())),
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(by_key.first().and_then(|id| ObjectId::parse(id).ok()))
}

/// Resolves a document by id prefix (of the document or one of its versions), URL or key.
pub fn resolve_document(store: &Store, spec: &str) -> std::result::Result<ObjectId, ResolveError> {
    if let Some(id) = document_by_key(store, spec)? {
        return Ok(id);
    }
    let looks_hex = spec.len() >= MIN_PREFIX && spec.bytes().all(|b| b.is_ascii_hexdigit());
    if !looks_hex {
        return Err(ResolveError::NotFound(spec.to_string(), "document"));
    }
    match resolve(store, spec, None)? {
        (id, t) if t == "document" => Ok(id),
        (id, t) if t == "version" => {
            let doc: String = store.conn().query_row(
                "SELECT document_id FROM versions
                 WHERE seq = (SELECT seq FROM objects WHERE id = ?1)",
                [id.to_hex()],
                |r| r.get(0),
            )?;
            ObjectId::parse(&doc).map_err(|_| ResolveError::NotHex(doc))
        }
        _ => Err(ResolveError::NotFound(spec.to_string(), "document")),
    }
}

/// The stored body and type of an object.
pub fn object_body(store: &Store, id: &ObjectId) -> Result<Option<(String, String)>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT type, body FROM objects WHERE id = ?1",
            [id.to_hex()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
