//! The local import log (`imports`): which file with which options gave which versions, and
//! when. Never hashed, never synced; it answers re-imports of the same bytes without reading
//! them again, and says when each version arrived here.

use super::{parse_id, Result};
use crate::objects::ObjectId;
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

/// One row of the import log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord<'a> {
    pub path: &'a Path,
    pub file_sha256: &'a str,
    pub options: &'a str,
    pub extractor_version: &'a str,
    /// The `objects.seq` range this import added, if any.
    pub seqs: Option<(i64, i64)>,
    pub versions: &'a [ObjectId],
}

/// A stored version as an import reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSummary {
    pub document: ObjectId,
    /// 1-based number of this version within its document.
    pub number: i64,
    pub title: Option<String>,
    /// Mentions of claims in it.
    pub claims: usize,
}

/// The import log over one connection: [`super::Store::imports`], or the ledger's transaction.
pub struct Imports<'c> {
    conn: &'c Connection,
}

impl<'c> Imports<'c> {
    pub(super) fn new(conn: &'c Connection) -> Imports<'c> {
        Imports { conn }
    }

    /// The versions an earlier import of the same bytes, options and extractor gave.
    pub fn cached_versions(
        &self,
        file_sha256: &str,
        options: &str,
        extractor_version: &str,
    ) -> Result<Option<Vec<ObjectId>>> {
        let found: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT versions FROM imports
                 WHERE file_sha256 = ?1 AND options = ?2 AND extractor_version = ?3
                 ORDER BY import_id LIMIT 1",
            )?
            .query_row((file_sha256, options, extractor_version), |r| r.get(0))
            .optional()?;
        Ok(found.and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// Adds a row, stamped with the current time.
    pub fn record(&self, r: &ImportRecord<'_>) -> Result<()> {
        let (first, last) = r.seqs.unzip();
        let versions: Vec<String> = r.versions.iter().map(ObjectId::to_hex).collect();
        self.conn
            .prepare_cached(
                "INSERT INTO imports(path, file_sha256, options, extractor_version, imported_at,
                                     first_seq, last_seq, versions)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(rusqlite::params![
                r.path.to_string_lossy(),
                r.file_sha256,
                r.options,
                r.extractor_version,
                crate::time::now_rfc3339(),
                first,
                last,
                serde_json::to_string(&versions).unwrap_or_else(|_| "[]".into()),
            ])?;
        Ok(())
    }

    /// A stored version's document, number, title and claim count.
    pub fn version_summary(&self, id: &ObjectId) -> Result<VersionSummary> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.document_id, v.number, v.title,
                    (SELECT count(*) FROM mentions m WHERE m.version_seq = v.seq)
             FROM versions v WHERE v.seq = (SELECT seq FROM objects WHERE id = ?1)",
        )?;
        let (doc, number, title, claims): (String, i64, Option<String>, i64) = stmt
            .query_row([id.to_hex()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        Ok(VersionSummary {
            document: parse_id(&doc)?,
            number,
            title,
            claims: claims as usize,
        })
    }
}
