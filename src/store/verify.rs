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
