//! Claims and where they appear: `list`, `search`, `show`.

use super::super::{row_id, Result, Store};
use crate::model::ClaimRef;
use crate::objects::ObjectId;
use rusqlite::{params_from_iter, types::Value as SqlValue, OptionalExtension, Row};
use serde::Serialize;

/// A claim as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimRow {
    #[serde(flatten)]
    pub claim: ClaimRef,
    /// How many times it appears (in all versions of all documents).
    pub mentions: i64,
}

pub(in crate::store) const CLAIM_COLUMNS: &str =
    "c.id, c.speaker, c.cue, c.stance, c.hedges, c.content,
    (SELECT count(*) FROM mentions mm WHERE mm.claim_seq = c.seq)";

/// A claim from the columns `id, speaker, cue, stance, hedges, content` starting at `at`.
pub(in crate::store) fn claim_ref(r: &Row<'_>, at: usize) -> rusqlite::Result<ClaimRef> {
    let hedges: String = r.get(at + 4)?;
    Ok(ClaimRef {
        id: row_id(r, at)?,
        speaker: r.get(at + 1)?,
        cue: r.get(at + 2)?,
        stance: r.get(at + 3)?,
        hedges: serde_json::from_str(&hedges).unwrap_or_default(),
        content: r.get(at + 5)?,
    })
}

fn claim_row(r: &Row<'_>) -> rusqlite::Result<ClaimRow> {
    claim_row_at(r, 0)
}

/// A claim as listed, from [`CLAIM_COLUMNS`] starting at `at`.
pub(in crate::store) fn claim_row_at(r: &Row<'_>, at: usize) -> rusqlite::Result<ClaimRow> {
    Ok(ClaimRow {
        claim: claim_ref(r, at)?,
        mentions: r.get(at + 6)?,
    })
}

/// Filters of `claims list`. Text filters match case-insensitively anywhere in the field.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub speaker: Option<String>,
    /// How `speaker` matches.
    pub speaker_match: super::history::SpeakerMatch,
    pub document: Option<ObjectId>,
    pub outlet: Option<String>,
    pub text: Option<String>,
    /// Only claims of the latest version of each document.
    pub latest: bool,
    /// Leave out the outlet's own assertions (claims with an empty cue).
    pub no_outlet: bool,
    pub limit: Option<u64>,
    /// Only claims in a version published at or before this time (text comparison, see
    /// [`super::history::AsOf`]).
    pub published_by: Option<String>,
    /// Only claims in a version imported at or before this time.
    pub imported_by: Option<String>,
    /// Also claims that are retracted here (themselves, or every mention of them).
    pub include_retracted: bool,
}

/// Claims matching a filter, in arrival order.
pub fn list_claims(store: &Store, f: &ListFilter) -> Result<Vec<ClaimRow>> {
    let mut sql = format!("SELECT {CLAIM_COLUMNS} FROM claims c WHERE 1");
    let mut args: Vec<SqlValue> = Vec::new();
    let like = |s: &str| SqlValue::Text(format!("%{}%", s.replace('%', "\\%").replace('_', "\\_")));
    if let Some(s) = &f.speaker {
        // Every name of each entity the text matches (docs/schema.md): the rule of `log`.
        // `speaker_entities` has a row for every speaker name, so the names are matched
        // there and the claims found by `claims_speaker`, not by reading every claim.
        let (condition, arg) = f.speaker_match.condition(s);
        sql.push_str(" AND ");
        sql.push_str(&condition.replace("?1", "?"));
        let n = condition.matches("?1").count();
        for _ in 0..n {
            args.push(SqlValue::Text(arg.clone()));
        }
    }
    if f.no_outlet {
        sql.push_str(" AND c.cue <> ''");
    }
    if !f.include_retracted {
        sql.push_str(" AND NOT EXISTS (SELECT 1 FROM retracted_claims rc WHERE rc.seq = c.seq)");
    }
    if let Some(t) = &f.text {
        sql.push_str(" AND c.content LIKE ? ESCAPE '\\'");
        args.push(like(t));
    }
    if let Some(d) = &f.document {
        // The document's claims, found from its versions (`versions(document_seq, number)`,
        // `mentions_version`) rather than by asking of every claim.
        sql.push_str(
            " AND c.seq IN (SELECT m.claim_seq FROM versions v
                            JOIN mentions m ON m.version_seq = v.seq
                            WHERE v.document_seq = (SELECT seq FROM objects WHERE id = ?))",
        );
        args.push(SqlValue::Text(d.to_hex()));
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

/// Claims whose content or speaker match a full-text query, best first (retracted claims
/// left out).
pub fn search_claims(store: &Store, fts: &str, limit: u64) -> Result<Vec<ClaimRow>> {
    search_claims_with(store, fts, limit, false)
}

/// [`search_claims`], with retracted claims too when `include_retracted`.
pub fn search_claims_with(
    store: &Store,
    fts: &str,
    limit: u64,
    include_retracted: bool,
) -> Result<Vec<ClaimRow>> {
    // FTS5 ranks the matches and keeps the best `?2` on its own (cheap: no join for the
    // matches that are not shown); the claims and the retraction check are read for those
    // only. Retracted ones may leave fewer than `limit`: the window then doubles, until it
    // holds `limit` claims or every match. The best `limit` of what remains are the same as
    // when every match is joined first (25,633 matches at 1,000,000 claims: 180 -> 45 ms).
    let sql = format!(
        "SELECT {CLAIM_COLUMNS}
         FROM (SELECT rowid, rank FROM claims_fts WHERE claims_fts MATCH ?1
               ORDER BY rank, rowid LIMIT ?2) f
         JOIN claims c ON c.seq = f.rowid
         WHERE ?3 OR NOT EXISTS (SELECT 1 FROM retracted_claims rc WHERE rc.seq = c.seq)
         ORDER BY f.rank, c.seq"
    );
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let mut window = limit.max(1);
    loop {
        let rows: Vec<ClaimRow> = stmt
            .query_map((fts, window as i64, include_retracted), claim_row)?
            .collect::<rusqlite::Result<_>>()?;
        if rows.len() as u64 >= limit {
            return Ok(rows.into_iter().take(limit as usize).collect());
        }
        let matched: u64 = store
            .conn()
            .prepare_cached(
                "SELECT count(*) FROM (SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?1
                                      LIMIT ?2)",
            )?
            .query_row((fts, window as i64), |r| r.get(0))?;
        if matched < window {
            return Ok(rows);
        }
        window = window.saturating_mul(2);
    }
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
