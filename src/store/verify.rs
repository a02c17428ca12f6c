//! `claims verify`: every id recomputed from its body, bodies canonical, references resolved,
//! SQLite's own integrity check.

use super::{Store, StoreError};
use crate::model::Body;
use crate::objects::{Object, ObjectId};
use serde::Serialize;

/// One thing wrong with one object (or with the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The object's id as stored, or empty for a file-level problem.
    pub id: String,
    /// `objects.seq`, or 0 for a file-level problem.
    pub seq: i64,
    pub problem: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub objects: u64,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the whole database.
pub fn verify(store: &Store) -> Result<Report, StoreError> {
    let conn = store.conn();
    let mut report = Report::default();
    let mut stmt = conn.prepare("SELECT seq, id, type, body FROM objects ORDER BY seq")?;
    let mut exists = conn.prepare("SELECT 1 FROM objects WHERE id = ?1")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        report.objects += 1;
        let seq: i64 = row.get(0)?;
        let id: String = row.get(1)?;
        let kind: String = row.get(2)?;
        let body: String = row.get(3)?;
        let mut problem = |p: String| {
            report.problems.push(Problem {
                id: id.clone(),
                seq,
                problem: p,
            })
        };
        let actual = ObjectId::of_bytes(body.as_bytes()).to_hex();
        if actual != id {
            problem(format!("body hashes to {actual}, not to its id"));
        }
        let object = match Object::from_body(&body) {
            Ok(o) => o,
            Err(e) => {
                problem(format!("body is not a valid canonical object: {e}"));
                continue;
            }
        };
        if object.kind != kind {
            problem(format!(
                "type column says {kind:?} but the body says {:?}",
                object.kind
            ));
        }
        if let Some(typed) = Body::from_object(&object) {
            for r in typed.references() {
                if !exists.exists([r.to_hex()])? {
                    problem(format!("refers to {r}, which is not stored"));
                }
            }
        }
    }
    // The index is derived from the objects: compared only when they are sound (with a
    // changed body, every row derived from it would differ too).
    let objects_sound = report.problems.is_empty();
    check_full_text(conn, &mut report);
    if objects_sound {
        check_index(conn, &mut report)?;
    }
    let mut check = conn.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = check
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for line in lines.into_iter().filter(|l| l != "ok") {
        report.problems.push(Problem {
            id: String::new(),
            seq: 0,
            problem: format!("integrity_check: {line}"),
        });
    }
    Ok(report)
}

/// Checks the index against the objects: the index tables are rebuilt from the objects inside
/// a transaction that is rolled back, and every row that differs is a problem (a row changed
/// by hand, one missing, one that no object explains).
fn check_index(conn: &rusqlite::Connection, report: &mut Report) -> Result<(), StoreError> {
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    for table in super::INDEX_TABLES {
        tx.execute_batch(&format!(
            "CREATE TEMP TABLE verify_{table} AS SELECT * FROM main.{table}"
        ))?;
    }
    super::reindex(&tx)?;
    for table in super::INDEX_TABLES {
        // A row changed by hand shows both as a row no object explains and as the row its
        // object gives that is missing: said once.
        let mut changed = std::collections::HashSet::new();
        let has_id = table != &"claim_keys";
        let key = if has_id {
            "id, seq"
        } else {
            "claim_seq, claim_seq"
        };
        for (from, against, what) in [
            (
                format!("temp.verify_{table}"),
                format!("main.{table}"),
                "does not match its object",
            ),
            (
                format!("main.{table}"),
                format!("temp.verify_{table}"),
                "is missing",
            ),
        ] {
            let sql = format!(
                "SELECT {key} FROM (SELECT * FROM {from} EXCEPT SELECT * FROM {against}) LIMIT 100"
            );
            let mut stmt = tx.prepare(&sql)?;
            let rows: Vec<(rusqlite::types::Value, i64)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, seq) in rows {
                let id = match id {
                    rusqlite::types::Value::Text(t) => t,
                    _ => String::new(),
                };
                if !changed.insert((id.clone(), seq)) {
                    continue;
                }
                let problem = if has_id {
                    format!("its row in the index table {table} {what} (the index was changed by hand; `claims rebuild` recreates it)")
                } else {
                    format!("a row of claim seq {seq} in the index table {table} {what} (`claims rebuild` recreates it)")
                };
                report.problems.push(Problem {
                    id,
                    seq: if has_id { seq } else { 0 },
                    problem,
                });
            }
        }
    }
    drop(tx);
    for table in super::INDEX_TABLES {
        conn.execute_batch(&format!("DROP TABLE IF EXISTS temp.verify_{table}"))?;
    }
    Ok(())
}

/// Each full-text index against its table (FTS5 `integrity-check` with rank 1).
fn check_full_text(conn: &rusqlite::Connection, report: &mut Report) {
    for fts in ["claims_fts", "versions_fts"] {
        let sql = format!("INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)");
        if let Err(e) = conn.execute(&sql, []) {
            report.problems.push(Problem {
                id: String::new(),
                seq: 0,
                problem: format!("the full-text index {fts} does not match its table ({e})"),
            });
        }
    }
}
