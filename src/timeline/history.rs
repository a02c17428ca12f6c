//! History: where and when a claim appeared, what a speaker claimed over time, and how a
//! document's claims changed from version to version; each optionally "as of" a date.
//!
//! Times are compared as text, which is exact for UTC times (`...Z`, what `claims` writes for
//! import times) and bare dates; a date given as the bound means the end of that day.

use super::diff;
use super::sources::version_claims;
use crate::objects::ObjectId;
use crate::store::query::{self, ClaimRow, VersionRow};
use crate::store::{Store, StoreError};
use serde::Serialize;

/// Which clock "as of" reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    /// When the version was published (versions with no known publication time are left out).
    Published,
    /// When the version was imported into this database.
    Imported,
}

/// "What had been published (or imported) by then."
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsOf {
    /// The inclusive upper bound, as comparable text.
    pub bound: String,
    pub clock: Clock,
}

#[derive(Debug, thiserror::Error)]
#[error("{0:?}: not a date (YYYY-MM-DD) or a time (RFC 3339, e.g. 2024-02-19T10:00:00Z)")]
pub struct BadDate(pub String);

impl AsOf {
    /// Reads a date (`YYYY-MM-DD`: the end of that day, UTC) or an RFC 3339 time (converted to
    /// UTC).
    pub fn parse(s: &str, clock: Clock) -> Result<AsOf, BadDate> {
        let s = s.trim();
        let bound = if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            format!("{}T23:59:59Z", d.format("%Y-%m-%d"))
        } else if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string()
        } else {
            return Err(BadDate(s.to_string()));
        };
        Ok(AsOf { bound, clock })
    }

    /// An SQL condition on a version aliased `alias`, with the bound as parameter `?{n}`.
    pub fn condition(&self, alias: &str, n: usize) -> String {
        match self.clock {
            Clock::Published => {
                format!("({alias}.published IS NOT NULL AND {alias}.published <= ?{n})")
            }
            Clock::Imported => format!(
                "((SELECT imported_at FROM version_arrivals va WHERE va.seq = {alias}.seq) <= ?{n})"
            ),
        }
    }
}

/// One appearance of a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appearance {
    pub claim: String,
    pub document: String,
    pub document_key: String,
    pub version: String,
    pub version_number: i64,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub imported_at: Option<String>,
    pub speaker: String,
    pub cue: String,
    pub stance: String,
    pub content: String,
    pub sentence: String,
}

const APPEARANCES: &str = "SELECT m.claim_id, d.id, d.key, v.id, v.number, v.title, v.source,
        v.published, (SELECT imported_at FROM version_arrivals va WHERE va.seq = v.seq),
        c.speaker, c.cue, c.stance, c.content, m.sentence
    FROM mentions m
    JOIN claims c ON c.seq = m.claim_seq
    JOIN versions v ON v.seq = m.version_seq
    JOIN documents d ON d.seq = v.document_seq";

fn appearance(r: &rusqlite::Row<'_>) -> rusqlite::Result<Appearance> {
    Ok(Appearance {
        claim: r.get(0)?,
        document: r.get(1)?,
        document_key: r.get(2)?,
        version: r.get(3)?,
        version_number: r.get(4)?,
        title: r.get(5)?,
        outlet: r.get(6)?,
        published: r.get(7)?,
        imported_at: r.get(8)?,
        speaker: r.get(9)?,
        cue: r.get(10)?,
        stance: r.get(11)?,
        content: r.get(12)?,
        sentence: r.get(13)?,
    })
}

/// Order: by publication time (unknown last), then import time, then arrival.
const ORDER: &str = " ORDER BY v.published IS NULL, v.published,
    (SELECT imported_at FROM version_arrivals va WHERE va.seq = v.seq), m.seq";

fn appearances(
    store: &Store,
    filter: &str,
    arg: &str,
    as_of: Option<&AsOf>,
) -> Result<Vec<Appearance>, StoreError> {
    let mut sql = format!("{APPEARANCES} WHERE {filter}");
    let mut args = vec![arg.to_string()];
    if let Some(a) = as_of {
        sql.push_str(" AND ");
        sql.push_str(&a.condition("v", 2));
        args.push(a.bound.clone());
    }
    sql.push_str(ORDER);
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), appearance)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

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
    let list = appearances(
        store,
        "m.claim_seq = (SELECT seq FROM objects WHERE id = ?1)",
        &id.to_hex(),
        as_of,
    )?;
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

/// A speaker's claims over time: every appearance of a claim whose speaker equals `speaker`
/// (case-insensitive), by publication time.
pub fn speaker_history(
    store: &Store,
    speaker: &str,
    as_of: Option<&AsOf>,
) -> Result<Vec<Appearance>, StoreError> {
    appearances(
        store,
        "c.speaker = ?1 COLLATE NOCASE",
        speaker.trim(),
        as_of,
    )
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
        Some(a) => {
            let sql = format!(
                "SELECT v.id FROM versions v
                 WHERE v.document_seq = (SELECT seq FROM objects WHERE id = ?1) AND {}",
                a.condition("v", 2)
            );
            let mut stmt = store.conn().prepare(&sql)?;
            let ids = stmt
                .query_map((document.to_hex(), &a.bound), |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Some(ids)
        }
    };
    let mut out = Vec::with_capacity(versions.len());
    let mut previous = Vec::new();
    for v in versions {
        let id = ObjectId::parse(&v.id)
            .map_err(|e| StoreError::Sql(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        let claims = version_claims(store.conn(), &id)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_of_reads_dates_and_times() {
        let a = AsOf::parse("2026-03-02", Clock::Published).expect("date");
        assert_eq!(a.bound, "2026-03-02T23:59:59Z");
        let t = AsOf::parse("2026-03-02T12:00:00+02:00", Clock::Imported).expect("time");
        assert_eq!(t.bound, "2026-03-02T10:00:00Z");
        assert!(AsOf::parse("yesterday", Clock::Published).is_err());
        assert!("2026-03-02" <= a.bound.as_str() && "2026-03-02T09:00:00Z" <= a.bound.as_str());
        assert!("2026-03-03" > a.bound.as_str());
    }
}
