//! Read queries behind `list`, `show`, `search` and `log`.

use super::{Result, Store, StoreError};
use crate::objects::ObjectId;
use rusqlite::{params_from_iter, types::Value as SqlValue, OptionalExtension, Row};
use serde::Serialize;

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

/// Resolves an id or a unique prefix of at least six hex digits, optionally of one type.
pub fn resolve(
    store: &Store,
    prefix: &str,
    kind: Option<&'static str>,
) -> std::result::Result<(ObjectId, String), ResolveError> {
    let p = prefix.trim().to_ascii_lowercase();
    if !p.bytes().all(|b| b.is_ascii_hexdigit()) {
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

/// Resolves a document by id prefix (of the document or one of its versions), URL or key.
pub fn resolve_document(store: &Store, spec: &str) -> std::result::Result<ObjectId, ResolveError> {
    let by_key: Vec<String> = store
        .conn()
        .prepare_cached("SELECT id FROM documents WHERE key IN (?1, ?2) ORDER BY seq")?
        .query_map(
            (spec.trim(), crate::model::normalize_url(spec.trim())),
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    if let Some(id) = by_key.first() {
        if let Ok(id) = ObjectId::parse(id) {
            return Ok(id);
        }
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

/// A claim as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimRow {
    pub id: String,
    pub speaker: String,
    pub cue: String,
    pub stance: String,
    pub hedges: Vec<String>,
    pub content: String,
    /// How many times it appears (in all versions of all documents).
    pub mentions: i64,
}

const CLAIM_COLUMNS: &str = "c.id, c.speaker, c.cue, c.stance, c.hedges, c.content,
    (SELECT count(*) FROM mentions mm WHERE mm.claim_seq = c.seq)";

fn claim_row(r: &Row<'_>) -> rusqlite::Result<ClaimRow> {
    let hedges: String = r.get(4)?;
    Ok(ClaimRow {
        id: r.get(0)?,
        speaker: r.get(1)?,
        cue: r.get(2)?,
        stance: r.get(3)?,
        hedges: serde_json::from_str(&hedges).unwrap_or_default(),
        content: r.get(5)?,
        mentions: r.get(6)?,
    })
}

/// Filters of `claims list`. Text filters match case-insensitively anywhere in the field.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub speaker: Option<String>,
    pub document: Option<ObjectId>,
    pub outlet: Option<String>,
    pub text: Option<String>,
    /// Only claims of the latest version of each document.
    pub latest: bool,
    pub limit: Option<u64>,
    /// Only claims in a version published at or before this time (text comparison, see
    /// `timeline::history::AsOf`).
    pub published_by: Option<String>,
    /// Only claims in a version imported at or before this time.
    pub imported_by: Option<String>,
}

/// Claims matching a filter, in arrival order.
pub fn list_claims(store: &Store, f: &ListFilter) -> Result<Vec<ClaimRow>> {
    let mut sql = format!("SELECT {CLAIM_COLUMNS} FROM claims c WHERE 1");
    let mut args: Vec<SqlValue> = Vec::new();
    let like = |s: &str| SqlValue::Text(format!("%{}%", s.replace('%', "\\%").replace('_', "\\_")));
    if let Some(s) = &f.speaker {
        sql.push_str(" AND c.speaker LIKE ? ESCAPE '\\'");
        args.push(like(s));
    }
    if let Some(t) = &f.text {
        sql.push_str(" AND c.content LIKE ? ESCAPE '\\'");
        args.push(like(t));
    }
    if f.document.is_some()
        || f.outlet.is_some()
        || f.latest
        || f.published_by.is_some()
        || f.imported_by.is_some()
    {
        let versions = if f.latest {
            "latest_versions"
        } else {
            "versions"
        };
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM mentions m JOIN {versions} v ON v.seq = m.version_seq
                          WHERE m.claim_seq = c.seq"
        ));
        if let Some(d) = &f.document {
            sql.push_str(" AND v.document_seq = (SELECT seq FROM objects WHERE id = ?)");
            args.push(SqlValue::Text(d.to_hex()));
        }
        if let Some(o) = &f.outlet {
            sql.push_str(" AND v.source LIKE ? ESCAPE '\\'");
            args.push(like(o));
        }
        if let Some(t) = &f.published_by {
            sql.push_str(" AND v.published IS NOT NULL AND v.published <= ?");
            args.push(SqlValue::Text(t.clone()));
        }
        if let Some(t) = &f.imported_by {
            sql.push_str(
                " AND (SELECT imported_at FROM version_arrivals va WHERE va.seq = v.seq) <= ?",
            );
            args.push(SqlValue::Text(t.clone()));
        }
        sql.push(')');
    }
    sql.push_str(" ORDER BY c.seq");
    if let Some(n) = f.limit {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args), claim_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Turns what a person types into an FTS5 query: each word a quoted term, all required.
pub fn fts_query(text: &str) -> String {
    text.split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Claims whose content or speaker match a full-text query, best first.
pub fn search_claims(store: &Store, fts: &str, limit: u64) -> Result<Vec<ClaimRow>> {
    let sql = format!(
        "SELECT {CLAIM_COLUMNS} FROM claims_fts f JOIN claims c ON c.seq = f.rowid
         WHERE claims_fts MATCH ?1 ORDER BY f.rank, c.seq LIMIT ?2"
    );
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt
        .query_map((fts, limit as i64), claim_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One appearance of a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionRow {
    pub mention: String,
    pub claim: String,
    pub document: String,
    pub version: String,
    pub version_number: i64,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub source_text: String,
    pub cue_text: String,
    pub content_text: String,
    pub sentence: String,
    /// Code point offset of the content in the version's text.
    pub position: i64,
    pub direct: bool,
}

const MENTION_SQL: &str = "SELECT m.id, m.claim_id, v.document_id, v.id, v.number, v.title,
        v.source, v.published, m.source_text, m.cue_text, m.content_text, m.sentence,
        m.position, m.direct
    FROM mentions m JOIN versions v ON v.seq = m.version_seq";

fn mention_row(r: &Row<'_>) -> rusqlite::Result<MentionRow> {
    Ok(MentionRow {
        mention: r.get(0)?,
        claim: r.get(1)?,
        document: r.get(2)?,
        version: r.get(3)?,
        version_number: r.get(4)?,
        title: r.get(5)?,
        outlet: r.get(6)?,
        published: r.get(7)?,
        source_text: r.get(8)?,
        cue_text: r.get(9)?,
        content_text: r.get(10)?,
        sentence: r.get(11)?,
        position: r.get(12)?,
        direct: r.get(13)?,
    })
}

/// Where a claim appears, in arrival order.
pub fn mentions_of_claim(store: &Store, claim: &ObjectId) -> Result<Vec<MentionRow>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "{MENTION_SQL} WHERE m.claim_seq = (SELECT seq FROM objects WHERE id = ?1) ORDER BY m.seq"
    ))?;
    let rows = stmt
        .query_map([claim.to_hex()], mention_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The claims of one version, in text order.
pub fn mentions_in_version(store: &Store, version: &ObjectId) -> Result<Vec<MentionRow>> {
    let mut stmt = store.conn().prepare_cached(&format!(
        "{MENTION_SQL} WHERE m.version_seq = (SELECT seq FROM objects WHERE id = ?1)
         ORDER BY m.position, m.seq"
    ))?;
    let rows = stmt
        .query_map([version.to_hex()], mention_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A claim by id.
pub fn claim(store: &Store, id: &ObjectId) -> Result<Option<ClaimRow>> {
    Ok(store
        .conn()
        .query_row(
            &format!(
                "SELECT {CLAIM_COLUMNS} FROM claims c
                 WHERE c.seq = (SELECT seq FROM objects WHERE id = ?1)"
            ),
            [id.to_hex()],
            claim_row,
        )
        .optional()?)
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
}

/// The versions of a document, oldest first.
pub fn versions_of(store: &Store, document: &ObjectId) -> Result<Vec<VersionRow>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT v.number, v.id, v.document_id, v.title, v.source, v.byline, v.published,
                a.imported_at,
                (SELECT count(*) FROM mentions m WHERE m.version_seq = v.seq)
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
            })
        })?
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
