//! Documents and their versions: `log`, `show`, and the sides `diff` compares.

use super::super::{parse_id, row_id, Result, Store};
use super::claims::claim_ref;
use crate::model::ClaimRef;
use crate::objects::ObjectId;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

/// One version of a document, for `claims log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionRow {
    pub number: i64,
    pub id: String,
    pub document: String,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub imported_at: Option<String>,
    pub claims: i64,
    /// The version's own correction notices, in text order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<String>,
}

/// The versions of a document, oldest first.
pub fn versions_of(store: &Store, document: &ObjectId) -> Result<Vec<VersionRow>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT v.number, v.id, v.document_id, v.title, v.source, v.byline, v.published,
                a.imported_at,
                (SELECT count(*) FROM mentions m WHERE m.version_seq = v.seq),
                (SELECT json_group_array(notice) FROM (SELECT notice FROM version_corrections c
                 WHERE c.version_seq = v.seq ORDER BY c.position))
         FROM versions v JOIN version_arrivals a ON a.seq = v.seq
         WHERE v.document_seq = (SELECT seq FROM objects WHERE id = ?1) ORDER BY v.number",
    )?;
    let rows = stmt
        .query_map([document.to_hex()], |r| {
            Ok(VersionRow {
                number: r.get(0)?,
                id: r.get(1)?,
                document: r.get(2)?,
                title: r.get(3)?,
                outlet: r.get(4)?,
                byline: r.get(5)?,
                published: r.get(6)?,
                imported_at: r.get(7)?,
                claims: r.get(8)?,
                corrections: serde_json::from_str(&r.get::<_, String>(9)?).unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The correction notices of a stored version, in text order.
pub fn version_corrections(store: &Store, version: &ObjectId) -> Result<Vec<String>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT notice FROM version_corrections
         WHERE version_seq = (SELECT seq FROM objects WHERE id = ?1) ORDER BY position",
    )?;
    let rows = stmt
        .query_map([version.to_hex()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A document's key and kind.
pub fn document_key(store: &Store, id: &ObjectId) -> Result<Option<(String, String)>> {
    Ok(store
        .conn()
        .query_row(
            "SELECT key, key_kind FROM documents
             WHERE seq = (SELECT seq FROM objects WHERE id = ?1)",
            [id.to_hex()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// How many versions a document has.
pub fn version_count(store: &Store, document: &ObjectId) -> Result<i64> {
    Ok(store.conn().query_row(
        "SELECT count(*) FROM versions
         WHERE document_seq = (SELECT seq FROM objects WHERE id = ?1)",
        [document.to_hex()],
        |r| r.get(0),
    )?)
}

/// Version `number` (counting from 1) of a document, if it has that many.
pub fn version_number(store: &Store, document: &ObjectId, number: i64) -> Result<Option<ObjectId>> {
    let id: Option<String> = store
        .conn()
        .query_row(
            "SELECT id FROM versions
             WHERE document_seq = (SELECT seq FROM objects WHERE id = ?1) AND number = ?2",
            (document.to_hex(), number),
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| parse_id(&id)).transpose()
}

/// A version's number and its document's key.
pub fn version_number_and_key(store: &Store, version: &ObjectId) -> Result<(i64, String)> {
    Ok(store.conn().query_row(
        "SELECT v.number, d.key FROM versions v JOIN documents d ON d.seq = v.document_seq
         WHERE v.seq = (SELECT seq FROM objects WHERE id = ?1)",
        [version.to_hex()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The claims of a stored version, in text order.
pub fn version_claims(store: &Store, version: &ObjectId) -> Result<Vec<ClaimRef>> {
    claims_of_version(store.conn(), version)
}

pub(in crate::store) fn claims_of_version(
    conn: &Connection,
    version: &ObjectId,
) -> Result<Vec<ClaimRef>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.speaker, c.cue, c.stance, c.hedges, c.content
         FROM mentions m JOIN claims c ON c.seq = m.claim_seq
         WHERE m.version_seq = (SELECT seq FROM objects WHERE id = ?1)
         ORDER BY m.position, m.seq",
    )?;
    let rows = stmt
        .query_map([version.to_hex()], |r| claim_ref(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every claim of the database, by id.
pub fn all_claims(store: &Store) -> Result<Vec<ClaimRef>> {
    let mut stmt = store
        .conn()
        .prepare("SELECT id, speaker, cue, stance, hedges, content FROM claims ORDER BY id")?;
    let rows = stmt
        .query_map([], |r| claim_ref(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// `(id, seq)` of the objects of the database whose id comes after `after` (all when
/// `None`), by id, at most `limit` of them: the `objects` id index alone (it holds both), read
/// a page at a time (`claims diff A.db B.db` merges two databases' claims in id order, knowing
/// which seqs are claims from [`for_each_claim_seq`]).
pub fn object_ids_after(
    store: &Store,
    after: Option<&ObjectId>,
    limit: usize,
) -> Result<Vec<(ObjectId, i64)>> {
    let mut stmt = store
        .conn()
        .prepare_cached("SELECT id, seq FROM objects WHERE id > ?1 ORDER BY id LIMIT ?2")?;
    let after = after.map(ObjectId::to_hex).unwrap_or_default();
    let rows = stmt
        .query_map((after, limit as i64), |r| Ok((row_id(r, 0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Calls `f` with the seq of every claim of the database, in no particular order (the
/// smallest index of `claims` suffices).
pub fn for_each_claim_seq(store: &Store, mut f: impl FnMut(i64)) -> Result<()> {
    let mut stmt = store.conn().prepare("SELECT seq FROM claims")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        f(r.get(0)?);
    }
    Ok(())
}

/// The claims stored at `seqs`, in that order (a seq that is not a claim is skipped).
pub fn claims_at(store: &Store, seqs: &[i64]) -> Result<Vec<ClaimRef>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, speaker, cue, stance, hedges, content FROM claims WHERE seq = ?1",
    )?;
    let mut out = Vec::with_capacity(seqs.len());
    for &seq in seqs {
        out.extend(stmt.query_row([seq], |r| claim_ref(r, 0)).optional()?);
    }
    Ok(out)
}

/// Calls `f` with every claim of the database and its seq, in seq order: one pass over the
/// `claims` table.
pub fn for_each_claim(store: &Store, mut f: impl FnMut(i64, ClaimRef)) -> Result<()> {
    let mut stmt = store.conn().prepare(
        "SELECT id, speaker, cue, stance, hedges, content, seq FROM claims ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        f(r.get(6)?, claim_ref(r, 0)?);
    }
    Ok(())
}
