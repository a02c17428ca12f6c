//! The reads only the web pages need (`claims web`, `src/web/`): the home page's counts and
//! latest versions, paged and filtered search, a version's text with the spans of its
//! mentions, and a speaker's appearances a page at a time. Everything else the pages show
//! comes from the same queries as the commands.

use super::super::{Result, Store};
use super::claims::{claim_row_at, CLAIM_COLUMNS};
use super::history::{appearance_at, Appearance, APPEARANCES, ORDER, SPEAKER_FILTER};
use super::ClaimRow;
use crate::objects::ObjectId;
use rusqlite::{params_from_iter, types::Value as SqlValue, OptionalExtension};
use serde::Serialize;

/// What the home page counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub documents: i64,
    pub versions: i64,
    pub claims: i64,
    pub mentions: i64,
    pub reviews: i64,
}

/// How many documents, versions, claims, mentions and reviews are stored.
pub fn counts(store: &Store) -> Result<Counts> {
    Ok(store.conn().query_row(
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM versions),
                (SELECT count(*) FROM claims), (SELECT count(*) FROM mentions),
                (SELECT count(*) FROM reviews)",
        [],
        |r| {
            Ok(Counts {
                documents: r.get(0)?,
                versions: r.get(1)?,
                claims: r.get(2)?,
                mentions: r.get(3)?,
                reviews: r.get(4)?,
            })
        },
    )?)
}

/// A version as the home page and search list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionLine {
    pub id: String,
    pub document: String,
    pub number: i64,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
}

fn version_line(r: &rusqlite::Row<'_>) -> rusqlite::Result<VersionLine> {
    Ok(VersionLine {
        id: r.get(0)?,
        document: r.get(1)?,
        number: r.get(2)?,
        title: r.get(3)?,
        outlet: r.get(4)?,
        published: r.get(5)?,
    })
}

/// The versions that arrived last, newest first.
pub fn latest_versions(store: &Store, limit: u64) -> Result<Vec<VersionLine>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, document_id, number, title, source, published FROM versions
         ORDER BY seq DESC LIMIT ?1",
    )?;
    let rows = stmt
        .query_map([limit as i64], version_line)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The filters of the search page. Text filters match case-insensitively anywhere in the
/// field; dates compare as text with the versions' published times (a bare date `to` means
/// the end of that day).
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// Words (an FTS5 query, see [`super::fts_query`]); `None` lists claims in arrival order.
    pub fts: Option<String>,
    /// A speaker's name, or a name of the same entity.
    pub speaker: Option<String>,
    pub outlet: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// `affirming`, `neutral`, ... exactly.
    pub stance: Option<String>,
    /// Only claims with a relation of this kind in force (`conflicts`, `corroborates`,
    /// `updates`).
    pub relation: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

fn like(s: &str) -> SqlValue {
    SqlValue::Text(format!(
        "%{}%",
        s.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    ))
}

/// One page of claims matching a search (best first with words, arrival order without),
/// retracted claims left out; `limit + 1` rows are read so the caller knows whether a next
/// page exists.
pub fn search_page(store: &Store, f: &SearchFilter) -> Result<Vec<ClaimRow>> {
    let mut args: Vec<SqlValue> = Vec::new();
    let mut sql = match &f.fts {
        Some(q) => {
            args.push(SqlValue::Text(q.clone()));
            format!(
                "SELECT {CLAIM_COLUMNS} FROM claims_fts f JOIN claims c ON c.seq = f.rowid
                 WHERE claims_fts MATCH ?"
            )
        }
        None => format!("SELECT {CLAIM_COLUMNS} FROM claims c WHERE 1"),
    };
    sql.push_str(" AND NOT EXISTS (SELECT 1 FROM retracted_claims rc WHERE rc.seq = c.seq)");
    if let Some(s) = &f.speaker {
        sql.push_str(
            " AND (c.speaker LIKE ? ESCAPE '\\' OR c.speaker IN (
                SELECT e2.speaker FROM speaker_entities e2 WHERE e2.entity IN (
                    SELECT e1.entity FROM speaker_entities e1
                    WHERE e1.speaker LIKE ? ESCAPE '\\' OR e1.entity LIKE ? ESCAPE '\\')))",
        );
        args.extend([like(s), like(s), like(s)]);
    }
    if let Some(s) = &f.stance {
        sql.push_str(" AND c.stance = ?");
        args.push(SqlValue::Text(s.clone()));
    }
    if f.outlet.is_some() || f.from.is_some() || f.to.is_some() {
        sql.push_str(
            " AND EXISTS (SELECT 1 FROM mentions m JOIN versions v ON v.seq = m.version_seq
                          WHERE m.claim_seq = c.seq",
        );
        if let Some(o) = &f.outlet {
            sql.push_str(" AND v.source LIKE ? ESCAPE '\\'");
            args.push(like(o));
        }
        if let Some(d) = &f.from {
            sql.push_str(" AND v.published IS NOT NULL AND v.published >= ?");
            args.push(SqlValue::Text(d.clone()));
        }
        if let Some(d) = &f.to {
            sql.push_str(" AND v.published IS NOT NULL AND v.published <= ?");
            args.push(SqlValue::Text(d.clone()));
        }
        sql.push(')');
    }
    if let Some(kind) = &f.relation {
        sql.push_str(
            " AND (EXISTS (SELECT 1 FROM found_relations r WHERE r.kind = ?
                           AND (r.a_seq = c.seq OR r.b_seq = c.seq))
                   OR EXISTS (SELECT 1 FROM relations r WHERE r.manual = 1 AND r.kind = ?
                           AND (r.from_seq = c.seq OR r.to_seq = c.seq)))",
        );
        args.push(SqlValue::Text(kind.clone()));
        args.push(SqlValue::Text(kind.clone()));
    }
    sql.push_str(if f.fts.is_some() {
        " ORDER BY f.rank, c.seq"
    } else {
        " ORDER BY c.seq"
    });
    sql.push_str(&format!(" LIMIT {} OFFSET {}", f.limit + 1, f.offset));
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args), |r| claim_row_at(r, 0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A version whose title or text matches a full-text query, with a snippet of the text
/// (matched words between U+E000 and U+E001, for the page to mark).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleHit {
    #[serde(flatten)]
    pub version: VersionLine,
    pub snippet: String,
}

/// Versions whose title or text match, best first, at most `limit`.
pub fn search_articles(store: &Store, fts: &str, limit: u64) -> Result<Vec<ArticleHit>> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT v.id, v.document_id, v.number, v.title, v.source, v.published,
                snippet(versions_fts, 1, char(57344), char(57345), '…', 16)
         FROM versions_fts JOIN versions v ON v.seq = versions_fts.rowid
         WHERE versions_fts MATCH ?1 ORDER BY versions_fts.rank, v.seq LIMIT ?2",
    )?;
    let rows = stmt
        .query_map((fts, limit as i64), |r| {
            Ok(ArticleHit {
                version: version_line(r)?,
                snippet: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Where one mention sits in its version's text: code point spans, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionSpans {
    pub claim: String,
    pub source: Vec<(usize, usize)>,
    pub cue: Vec<(usize, usize)>,
    pub content: Vec<(usize, usize)>,
}

/// A version's text and the spans of its mentions in text order; `None` when not stored.
pub fn version_text(
    store: &Store,
    version: &ObjectId,
) -> Result<Option<(String, Vec<MentionSpans>)>> {
    let text: Option<String> = store
        .conn()
        .query_row(
            "SELECT text FROM versions WHERE seq = (SELECT seq FROM objects WHERE id = ?1)",
            [version.to_hex()],
            |r| r.get(0),
        )
        .optional()?;
    let Some(text) = text else {
        return Ok(None);
    };
    let mut stmt = store.conn().prepare_cached(
        "SELECT claim_id, source_spans, cue_spans, content_spans FROM mentions
         WHERE version_seq = (SELECT seq FROM objects WHERE id = ?1) ORDER BY position, seq",
    )?;
    let spans = |s: String| -> Vec<(usize, usize)> { serde_json::from_str(&s).unwrap_or_default() };
    let rows = stmt
        .query_map([version.to_hex()], |r| {
            Ok(MentionSpans {
                claim: r.get(0)?,
                source: spans(r.get(1)?),
                cue: spans(r.get(2)?),
                content: spans(r.get(3)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some((text, rows)))
}

/// One page of a speaker's appearances (every name of the same entity), by publication time
/// as [`super::history::appearances`] orders them; `limit + 1` rows are read.
pub fn speaker_appearances(
    store: &Store,
    speaker: &str,
    offset: u64,
    limit: u64,
) -> Result<Vec<Appearance>> {
    let sql = format!(
        "{APPEARANCES} WHERE {SPEAKER_FILTER}{ORDER} LIMIT {} OFFSET {offset}",
        limit + 1
    );
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let rows = stmt
        .query_map([speaker.trim()], appearance_at)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// How many claims a speaker (or an entity of that name) has.
pub fn speaker_claim_count(store: &Store, speaker: &str) -> Result<i64> {
    let sql = format!("SELECT count(*) FROM claims c WHERE {SPEAKER_FILTER}");
    Ok(store
        .conn()
        .query_row(&sql, [speaker.trim()], |r| r.get(0))?)
}

/// The speaker names of a speaker's claims: the name as stored (any case) and every other name
/// of the same entity that has claims, sorted.
pub fn speaker_names(store: &Store, speaker: &str) -> Result<Vec<String>> {
    let sql = format!("SELECT DISTINCT c.speaker FROM claims c WHERE {SPEAKER_FILTER} ORDER BY 1");
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let rows = stmt
        .query_map([speaker.trim()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
