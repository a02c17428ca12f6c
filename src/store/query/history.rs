//! History queries: where and when claims appeared, optionally "as of" a date.
//!
//! Times are compared as text, which is exact for UTC times (`...Z`, what `claims` writes for
//! import times) and bare dates; a date given as the bound means the end of that day.

use super::super::{Result, Store};
use crate::objects::ObjectId;
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
        let bound = crate::time::utc_bound(s, crate::time::DayEdge::End)
            .ok_or_else(|| BadDate(s.trim().to_string()))?;
        Ok(AsOf { bound, clock })
    }

    /// An SQL condition on a version aliased `alias`, with the bound as parameter `?{n}`.
    fn condition(&self, alias: &str, n: usize) -> String {
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

pub(in crate::store) const APPEARANCES: &str =
    "SELECT m.claim_id, d.id, d.key, v.id, v.number, v.title, v.source,
        v.published, (SELECT imported_at FROM version_arrivals va WHERE va.seq = v.seq),
        c.speaker, c.cue, c.stance, c.content, m.sentence
    FROM mentions m
    JOIN claims c ON c.seq = m.claim_seq
    JOIN versions v ON v.seq = m.version_seq
    JOIN documents d ON d.seq = v.document_seq";

pub(in crate::store) fn appearance_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<Appearance> {
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
pub(in crate::store) const ORDER: &str = " ORDER BY v.published IS NULL, v.published,
    (SELECT imported_at FROM version_arrivals va WHERE va.seq = v.seq), m.seq";

/// Claims (`c`) whose speaker is `?1` (case-insensitive) or a name of the entity of that
/// name (docs/schema.md).
pub(in crate::store) const SPEAKER_FILTER: &str = "c.speaker IN (
                SELECT e2.speaker FROM speaker_entities e2 WHERE e2.entity IN (
                    SELECT e1.entity FROM speaker_entities e1
                    WHERE e1.speaker = ?1 COLLATE NOCASE OR e1.entity = ?1 COLLATE NOCASE))";

/// Claims (`c`) of every entity with a name containing the LIKE pattern `?1` (every name of
/// each, docs/schema.md): the one speaker rule of `list --speaker` and `log --speaker`.
/// `speaker_entities` has a row for every speaker name, so the names are matched there and
/// the claims found through the index `claims_speaker`.
pub(in crate::store) const SPEAKER_CONTAINS_FILTER: &str = "c.speaker IN (
                SELECT e2.speaker FROM speaker_entities e2 WHERE e2.entity IN (
                    SELECT e1.entity FROM speaker_entities e1
                    WHERE e1.speaker LIKE ?1 ESCAPE '\\' OR e1.entity LIKE ?1 ESCAPE '\\'))";

/// A LIKE pattern matching `text` anywhere (`%` and `_` taken literally).
pub(in crate::store) fn contains_pattern(text: &str) -> String {
    format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// How a speaker name given on the command line matches: one rule for every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SpeakerMatch {
    /// The entities with a name containing the text (case-insensitive), with every name of
    /// each: "FBI" finds "the FBI" and "FBI Director Wray".
    #[default]
    Contains,
    /// The entity with this exact name (case-insensitive), with every name of it (`--exact`).
    Exact,
}

impl SpeakerMatch {
    /// The SQL condition on `c` and its argument `?1` for `name`.
    pub(in crate::store) fn condition(self, name: &str) -> (&'static str, String) {
        match self {
            SpeakerMatch::Contains => (SPEAKER_CONTAINS_FILTER, contains_pattern(name.trim())),
            SpeakerMatch::Exact => (SPEAKER_FILTER, name.trim().to_string()),
        }
    }
}

/// Whose appearances.
#[derive(Debug, Clone, Copy)]
pub enum Of<'a> {
    /// One claim's.
    Claim(&'a ObjectId),
    /// Every claim of the speakers this name matches, with every name of their entities.
    Speaker(&'a str, SpeakerMatch),
}

/// Appearances of a claim or a speaker's claims, by publication time (unknown last), then
/// import time, then arrival; optionally only those "as of" a time.
pub fn appearances(store: &Store, of: Of<'_>, as_of: Option<&AsOf>) -> Result<Vec<Appearance>> {
    let (filter, arg) = match of {
        Of::Claim(id) => (
            "m.claim_seq = (SELECT seq FROM objects WHERE id = ?1)",
            id.to_hex(),
        ),
        // Every name of the entity of that name (docs/schema.md).
        Of::Speaker(s, rule) => rule.condition(s),
    };
    let mut sql = format!("{APPEARANCES} WHERE {filter}");
    let mut args = vec![arg];
    if let Some(a) = as_of {
        sql.push_str(" AND ");
        sql.push_str(&a.condition("v", 2));
        args.push(a.bound.clone());
    }
    sql.push_str(ORDER);
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), appearance_at)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The ids of a document's versions that were published (or imported) by `as_of`.
pub fn versions_as_of(store: &Store, document: &ObjectId, as_of: &AsOf) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT v.id FROM versions v
         WHERE v.document_seq = (SELECT seq FROM objects WHERE id = ?1) AND {}",
        as_of.condition("v", 2)
    );
    let mut stmt = store.conn().prepare(&sql)?;
    let ids = stmt
        .query_map((document.to_hex(), &as_of.bound), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
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
