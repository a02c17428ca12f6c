//! Relations between claims: found on import, recorded by people, listed as conflicts.
//!
//! On import, in the same transaction as the article's objects, [`detect`] compares each claim
//! that is new to the database with the claims that share one of its keys (the `claim_keys`
//! table, see [`super::signals`]), never with all claims, and writes a `relation` object for
//! every pair a rule fires on. A new version of a document is also diffed against the
//! version before it, and each changed claim gets an `updates` relation.
//!
//! Determinism: keys and rules depend on the two claims only, and a pair is examined when the
//! second of its claims arrives, so conflicts are the same objects on every replica whatever
//! the import order, as long as no key is shared by more than [`MAX_CANDIDATES_PER_KEY`]
//! other claims (beyond that the candidates compared are the first ones in the index).
//! `updates` compares consecutive versions in arrival order, so it agrees between replicas that
//! receive a document's versions in the same order.
//!
//! A person's judgement ([`link`]) is a relation with basis `manual`; the `current_relations`
//! view lets it override every automatic relation on the same pair, and earlier judgements.

use super::diff::{self, Field};
use super::signals::{self, Facts};
use super::sources::version_claims;
use crate::model::{Body, Relation, RelationKind, Typed, MANUAL};
use crate::objects::ObjectId;
use crate::store::query::{self, ResolveError};
use crate::store::{Store, StoreError, Writer};
use rusqlite::{params_from_iter, types::Value as SqlValue, OptionalExtension};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// At most this many stored claims are compared with a new claim per key. A key shared by
/// more (one statement repeated with many different numbers) would otherwise cost quadratic
/// time and objects; past this bound, which pairs get a relation can depend on import order.
pub const MAX_CANDIDATES_PER_KEY: i64 = 32;

/// Basis of `updates` relations.
pub const UPDATES_BASIS: &str = "version-diff/1";

/// The relation object for a finding on two claims: symmetric kinds are written with the
/// smaller id first, so both orders of discovery give the same object.
pub fn relation(a: ObjectId, b: ObjectId, f: &signals::Finding) -> Relation {
    let (from, to) = if f.kind.symmetric() && b < a {
        (b, a)
    } else {
        (a, b)
    };
    Relation {
        v: 1,
        from,
        to,
        kind: f.kind,
        basis: f.basis.to_string(),
        note: Some(f.reason.clone()),
    }
}

/// What one call of [`detect`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Detected {
    pub conflicts: usize,
    pub corroborations: usize,
    pub updates: usize,
}

impl Detected {
    fn count(&mut self, kind: RelationKind) {
        match kind {
            RelationKind::Conflicts => self.conflicts += 1,
            RelationKind::Corroborates => self.corroborations += 1,
            RelationKind::Updates => self.updates += 1,
            RelationKind::Unrelated => {}
        }
    }
}

/// Finds and writes the relations of `new_claims` (claim objects just stored, in any order;
/// other objects are skipped) and, if `version` is a new version with a predecessor, the
/// updates between the two. Runs inside the caller's transaction.
pub fn detect(
    writer: &mut Writer<'_>,
    new_claims: &[&Typed],
    version: Option<ObjectId>,
) -> Result<Detected, StoreError> {
    let mut found: Vec<Relation> = Vec::new();
    {
        let conn: &rusqlite::Connection = writer.tx();
        let fresh: BTreeMap<ObjectId, &crate::model::Claim> = new_claims
            .iter()
            .filter_map(|t| match &t.body {
                Body::Claim(c) => Some((t.id(), c)),
                _ => None,
            })
            .collect();
        let mut done: BTreeSet<ObjectId> = BTreeSet::new();
        let mut stmt = conn.prepare_cached(
            "SELECT c.id, c.speaker, c.cue, c.stance, c.content
             FROM claim_keys k JOIN claims c ON c.seq = k.claim_seq
             WHERE k.key = ?1 AND k.detail <> ?2
             LIMIT ?3",
        )?;
        for (&x, cx) in &fresh {
            done.insert(x);
            let mut candidates: Vec<(ObjectId, Facts)> = Vec::new();
            for (key, detail) in signals::keys(&cx.content) {
                let mut rows = stmt.query((&key, &detail, MAX_CANDIDATES_PER_KEY))?;
                while let Some(row) = rows.next()? {
                    let id: String = row.get(0)?;
                    let Ok(y) = ObjectId::parse(&id) else {
                        continue;
                    };
                    // A pair of two new claims is judged once, when the second is reached.
                    if fresh.contains_key(&y) && !done.contains(&y) {
                        continue;
                    }
                    let (s, c, st, ct): (String, String, String, String) =
                        (row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?);
                    candidates.push((y, Facts::new(&s, &c, &st, &ct)));
                }
            }
            if candidates.is_empty() {
                continue;
            }
            candidates.sort_by_key(|c| c.0);
            candidates.dedup_by_key(|c| c.0);
            let fx = &Facts::new(&cx.speaker, &cx.cue, &cx.stance, &cx.content);
            for (y, fy) in candidates {
                // Judged in id order, so the reason reads the same on every replica.
                let finding = if x < y {
                    signals::judge(fx, &fy)
                } else {
                    signals::judge(&fy, fx)
                };
                if let Some(finding) = finding {
                    found.push(relation(x.min(y), x.max(y), &finding));
                }
            }
        }
        if let Some(v) = version {
            found.extend(updates(conn, &v)?);
        }
    }
    let mut out = Detected::default();
    for r in found {
        let kind = r.kind;
        let typed = Typed::new(Body::Relation(r))
            .map_err(|e| StoreError::Sql(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))?;
        if writer.put(&typed)? {
            out.count(kind);
        }
    }
    Ok(out)
}

/// `updates` relations between a version and the one before it in its document.
fn updates(conn: &rusqlite::Connection, version: &ObjectId) -> rusqlite::Result<Vec<Relation>> {
    let previous: Option<String> = conn
        .prepare_cached(
            "SELECT p.id FROM objects o
             JOIN versions v ON v.seq = o.seq
             JOIN versions p ON p.document_seq = v.document_seq AND p.number = v.number - 1
             WHERE o.id = ?1",
        )?
        .query_row([version.to_hex()], |r| r.get(0))
        .optional()?;
    let Some(previous) = previous.and_then(|p| ObjectId::parse(&p).ok()) else {
        return Ok(Vec::new());
    };
    let before = version_claims(conn, &previous)?;
    let after = version_claims(conn, version)?;
    let d = diff::diff(&before, &after);
    Ok(d.changed
        .iter()
        .filter(|c| c.before.id != c.after.id)
        .map(|c| Relation {
            v: 1,
            from: c.before.id,
            to: c.after.id,
            kind: RelationKind::Updates,
            basis: UPDATES_BASIS.to_string(),
            note: Some(format!(
                "changed: {}",
                c.fields
                    .iter()
                    .map(|f: &Field| f.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        })
        .collect())
}

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
    let mut w = store.writer()?;
    let new = w.put(&typed)?;
    w.commit()?;
    Ok((typed, new))
}

/// A claim as shown in a relation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelClaim {
    pub id: String,
    pub speaker: String,
    pub cue: String,
    pub stance: String,
    pub content: String,
}

/// One conflict in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictRow {
    pub a: RelClaim,
    pub b: RelClaim,
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
pub fn conflicts(store: &Store, f: &ConflictFilter) -> Result<Vec<ConflictRow>, StoreError> {
    let mut sql = String::from(
        "SELECT from_id, from_speaker, from_cue, from_stance, from_content,
                to_id, to_speaker, to_cue, to_stance, to_content,
                kind, coalesce(note, CASE WHEN manual THEN 'judged by a person' ELSE '' END), basis,
                relation_id
         FROM open_conflicts oc WHERE 1",
    );
    let mut args: Vec<SqlValue> = Vec::new();
    if let Some(s) = &f.speaker {
        sql.push_str(" AND (from_speaker LIKE ?1 ESCAPE '\\' OR to_speaker LIKE ?1 ESCAPE '\\')");
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
    sql.push_str(" ORDER BY seq IS NULL, seq, from_id, to_id");
    let mut stmt = store.conn().prepare(&sql)?;
    let rows = stmt
        .query_map(params_from_iter(args), |r| {
            Ok(ConflictRow {
                a: RelClaim {
                    id: r.get(0)?,
                    speaker: r.get(1)?,
                    cue: r.get(2)?,
                    stance: r.get(3)?,
                    content: r.get(4)?,
                },
                b: RelClaim {
                    id: r.get(5)?,
                    speaker: r.get(6)?,
                    cue: r.get(7)?,
                    stance: r.get(8)?,
                    content: r.get(9)?,
                },
                kind: r.get(10)?,
                reason: r.get(11)?,
                basis: r.get(12)?,
                relation: r.get(13)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
