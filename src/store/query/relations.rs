//! Relations in force: `claims conflicts`.

use super::super::{Result, Store};
use super::claims::claim_ref;
use crate::model::ClaimRef;
use crate::objects::ObjectId;
use rusqlite::{params_from_iter, types::Value as SqlValue};
use serde::{Serialize, Serializer};

/// One side of a conflict as shown: `{id, speaker, cue, stance, content}`.
fn side<S: Serializer>(c: &ClaimRef, s: S) -> std::result::Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Side<'a> {
        id: &'a ObjectId,
        speaker: &'a str,
        cue: &'a str,
        stance: &'a str,
        content: &'a str,
    }
    Side {
        id: &c.id,
        speaker: &c.speaker,
        cue: &c.cue,
        stance: &c.stance,
        content: &c.content,
    }
    .serialize(s)
}

/// One conflict in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictRow {
    #[serde(serialize_with = "side")]
    pub a: ClaimRef,
    #[serde(serialize_with = "side")]
    pub b: ClaimRef,
    pub kind: String,
    pub reason: String,
    pub basis: String,
    /// The relation object's id; `None` for a conflict derived from same content.
    pub relation: Option<String>,
}

/// Filters of `claims conflicts`.
#[derive(Debug, Clone, Default)]
pub struct ConflictFilter {
    /// Only conflicts where one claim appears in this document.
    pub document: Option<ObjectId>,
    /// Only conflicts where one speaker contains this text (case-insensitive).
    pub speaker: Option<String>,
}

/// The conflicts in force (the `open_conflicts` view), in arrival order of the relations.
pub fn conflicts(store: &Store, f: &ConflictFilter) -> Result<Vec<ConflictRow>> {
    let mut sql = String::from(
        "SELECT a.id, a.speaker, a.cue, a.stance, a.hedges, a.content,
                b.id, b.speaker, b.cue, b.stance, b.hedges, b.content,
                kind, coalesce(note, CASE WHEN manual THEN 'judged by a person' ELSE '' END), basis,
                relation_id
         FROM open_conflicts oc
         JOIN claims a ON a.seq = oc.from_seq JOIN claims b ON b.seq = oc.to_seq
         WHERE 1",
    );
    let mut args: Vec<SqlValue> = Vec::new();
    if let Some(s) = &f.speaker {
        sql.push_str(
            " AND (oc.from_speaker LIKE ?1 ESCAPE '\\' OR oc.to_speaker LIKE ?1 ESCAPE '\\')",
        );
        args.push(SqlValue::Text(format!(
            "%{}%",
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )));
    }
    if let Some(d) = &f.document {
        let n = args.len() + 1;
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM mentions m JOIN versions v ON v.seq = m.version_seq
                          WHERE m.claim_seq IN (oc.from_seq, oc.to_seq)
                            AND v.document_seq = (SELECT seq FROM objects WHERE id = ?{n}))"
        ));
        args.push(SqlValue::Text(d.to_hex()));
    }
    sql.push_str(" ORDER BY oc.seq IS NULL, oc.seq, oc.from_id, oc.to_id");
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args), |r| {
            Ok(ConflictRow {
                a: claim_ref(r, 0)?,
                b: claim_ref(r, 6)?,
                kind: r.get(12)?,
                reason: r.get(13)?,
                basis: r.get(14)?,
                relation: r.get(15)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
