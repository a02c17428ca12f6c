//! What the ledger's relation step reads and writes inside its transaction: the holders of a
//! candidate key, the claims and versions it judges, and the `found_relations` and
//! `version_order` index rows (schema/0004_found_relations.sql).

use super::query::claims::claim_ref;
use super::writer::{Fresh, Writer};
use super::{query, row_id, Result, StoreError};
use crate::model::ClaimRef;
use crate::objects::ObjectId;
use rusqlite::OptionalExtension;

/// One row of `found_relations`.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundRow {
    pub a_seq: i64,
    pub a_id: ObjectId,
    pub b_seq: i64,
    pub b_id: ObjectId,
    pub kind: &'static str,
    pub score: f64,
    pub basis: String,
    pub reason: String,
    /// `updates`: the later version's seq; 0 otherwise.
    pub version_seq: i64,
}

/// A version of a document in version order, with the previous version its `updates` rows
/// were last derived from (`None`: never derived; `Some(None)`: derived as the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedVersion {
    pub seq: i64,
    pub id: ObjectId,
    pub derived_after: Option<Option<i64>>,
}

/// An [`OrderedVersion`] from the columns `seq, id, version_order.version_seq IS NOT NULL,
/// version_order.previous_seq` of a row, from column `at` on.
fn ordered_version(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<OrderedVersion> {
    let known: bool = r.get(at + 2)?;
    let previous: Option<i64> = r.get(at + 3)?;
    Ok(OrderedVersion {
        seq: r.get(at)?,
        id: row_id(r, at + 1)?,
        derived_after: known.then_some(previous),
    })
}

fn json<T: serde::Serialize>(what: &str, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

impl Writer<'_> {
    /// Whether what the ledger derives has yet to be derived from the stored objects.
    pub fn relations_pending(&self) -> Result<bool> {
        Ok(self
            .conn()
            .query_row("SELECT pending FROM relation_state", [], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }

    /// Marks what the ledger derives as pending: derived from every stored object at the
    /// next step that finds it so ([`Writer::refresh_all`]). The ledger's own deferral
    /// (`pending = 2`) keeps `versions.number`, which the index keeps as versions arrive, so
    /// the pass does not number every version again; a database already pending for another
    /// reason (`1`: migrated, or rebuilt) stays so.
    pub fn mark_relations_pending(&self) -> Result<()> {
        self.conn()
            .execute_batch("UPDATE relation_state SET pending = 2 WHERE pending = 0")?;
        Ok(())
    }

    /// Marks every stored claim and version as fresh, to derive everything, and the derived
    /// rows as settled (they are, once the ledger's step has run in this transaction).
    pub fn refresh_all(&mut self) -> Result<()> {
        let conn = self.conn();
        // `2`: pending by the ledger's deferral, the versions numbered as they arrived.
        let pending: i64 =
            conn.query_row("SELECT pending FROM relation_state", [], |r| r.get(0))?;
        conn.execute_batch(
            "DELETE FROM found_relations; DELETE FROM version_order; DELETE FROM common_keys;
             UPDATE relation_state SET pending = 0;",
        )?;
        let mut fresh = Fresh::default();
        {
            let mut stmt = conn.prepare(
                "SELECT seq, id, speaker, cue, stance, hedges, content FROM claims ORDER BY seq",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                fresh.claims.push((r.get(0)?, claim_ref(r, 1)?));
            }
            if pending != 2 {
                let mut documents = conn.prepare("SELECT seq FROM documents")?;
                let docs: Vec<i64> = documents
                    .query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for d in docs {
                    super::index::renumber(conn, d)?;
                }
            }
        }
        fresh.everything = true;
        self.set_fresh(fresh);
        Ok(())
    }

    /// Whether `claim_keys` holds any row.
    pub fn any_claim_keys(&self) -> Result<bool> {
        Ok(self
            .conn()
            .query_row("SELECT EXISTS (SELECT 1 FROM claim_keys)", [], |r| r.get(0))?)
    }

    /// Writes `claim_keys` rows `(key, detail, claim_seq)` (best in key order: each goes next
    /// to the last in the index).
    pub fn insert_claim_keys<'k>(
        &self,
        rows: impl IntoIterator<Item = (&'k str, &'k str, i64)>,
    ) -> Result<()> {
        insert_claim_keys(self.conn(), rows)
    }

    /// Deletes the `claim_keys` rows of `key` (a key that has just passed the bound and that
    /// the index does not keep past it, [`kept_past_bound`]); of a review lookup key, only the
    /// rows of claims whose content is [`plain_text`] ([`kept_row_past_bound`]).
    pub fn delete_claim_keys(&self, key: &str) -> Result<()> {
        if crate::relate::review::is_lookup_key(key) {
            self.conn()
                .prepare_cached(&format!(
                    "DELETE FROM claim_keys WHERE key = ?1 AND claim_seq IN
                     (SELECT seq FROM claims WHERE seq = claim_keys.claim_seq AND {PLAIN_TEXT_SQL})"
                ))?
                .execute([key])?;
        } else {
            self.conn()
                .prepare_cached("DELETE FROM claim_keys WHERE key = ?1")?
                .execute([key])?;
        }
        Ok(())
    }

    /// Those of `keys` in `common_keys` (held by more claims than the bound): one query.
    pub fn common_among(&self, keys: &[&str]) -> Result<Vec<String>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.key FROM json_each(?1) j JOIN common_keys c ON c.key = j.value",
        )?;
        let rows = stmt.query_map([json("keys", &keys)?], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every `claim_keys` row `(key, detail, claim_seq)` of these keys, in no particular
    /// order: one query. Meant for keys not in `common_keys`, which hold at most
    /// `MAX_KEY_HOLDERS` rows each (but after a rebuild, before the relation step has run).
    pub fn holders_of(&self, keys: &[&str]) -> Result<Vec<(String, String, i64)>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT k.key, k.detail, k.claim_seq FROM json_each(?1) j
             JOIN claim_keys k ON k.key = j.value",
        )?;
        let rows = stmt.query_map([json("keys", &keys)?], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The claims holding `key` (by seq) with their details, at most `limit` of them: a walk
    /// of the index that stops after `limit` rows.
    pub fn key_holders(&self, key: &str, limit: i64) -> Result<Vec<(i64, String)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT claim_seq, detail FROM claim_keys WHERE key = ?1 LIMIT ?2")?;
        let rows = stmt.query_map((key, limit), |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether `key` is known to be held by more claims than the bound (`common_keys`).
    pub fn is_common_key(&self, key: &str) -> Result<bool> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT 1 FROM common_keys WHERE key = ?1")?;
        Ok(stmt.exists([key])?)
    }

    /// Records that `key` is held by more claims than the bound.
    pub fn set_common_key(&self, key: &str) -> Result<()> {
        self.conn()
            .prepare_cached("INSERT OR IGNORE INTO common_keys(key) VALUES (?1)")?
            .execute([key])?;
        Ok(())
    }

    /// The stored claims with these seqs, by seq.
    pub fn claims_by_seq(&self, seqs: &[i64]) -> Result<Vec<(i64, ClaimRef)>> {
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.seq, c.id, c.speaker, c.cue, c.stance, c.hedges, c.content
             FROM json_each(?1) j JOIN claims c ON c.seq = j.value ORDER BY c.seq",
        )?;
        let rows = stmt.query_map([json("claim seqs", &seqs)?], |r| {
            Ok((r.get(0)?, claim_ref(r, 1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The rule findings (not `updates`) between two claims of `seqs`: `(a_seq, b_seq, kind)`.
    pub fn found_among(&self, seqs: &[i64]) -> Result<Vec<(i64, i64, String)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.a_seq, f.b_seq, f.kind FROM json_each(?1) j
             JOIN found_relations f ON f.a_seq = j.value
             WHERE f.version_seq = 0 AND f.b_seq IN (SELECT value FROM json_each(?1))",
        )?;
        let rows = stmt.query_map([json("claim seqs", &seqs)?], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes a rule finding.
    pub fn delete_found(&self, a_seq: i64, b_seq: i64, kind: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "DELETE FROM found_relations
                 WHERE a_seq = ?1 AND b_seq = ?2 AND kind = ?3 AND version_seq = 0",
            )?
            .execute((a_seq, b_seq, kind))?;
        Ok(())
    }

    /// Writes a found relation; returns whether it was new.
    pub fn insert_found(&self, row: &FoundRow) -> Result<bool> {
        let n = self
            .conn()
            .prepare_cached(
                "INSERT OR IGNORE INTO found_relations(a_seq, a_id, b_seq, b_id, kind, score,
                                                       basis, reason, version_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(rusqlite::params![
                row.a_seq,
                row.a_id.to_hex(),
                row.b_seq,
                row.b_id.to_hex(),
                row.kind,
                row.score,
                row.basis,
                row.reason,
                row.version_seq
            ])?;
        Ok(n > 0)
    }

    /// The seq and document seq of each of these versions (by id), each once.
    pub fn versions_by_id(&self, versions: &[ObjectId]) -> Result<Vec<(i64, i64)>> {
        if versions.is_empty() {
            return Ok(Vec::new());
        }
        let hex: Vec<String> = versions.iter().map(|v| v.to_hex()).collect();
        let mut stmt = self.conn().prepare_cached(
            "SELECT DISTINCT v.seq, v.document_seq FROM json_each(?1) j
             JOIN objects o ON o.id = j.value JOIN versions v ON v.seq = o.seq
             ORDER BY v.seq",
        )?;
        let rows = stmt.query_map([json("version ids", &hex)?], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The versions of a document in version order (`versions.number`).
    pub fn ordered_versions(&self, document_seq: i64) -> Result<Vec<OrderedVersion>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT v.seq, v.id, o.version_seq IS NOT NULL, o.previous_seq
             FROM versions v LEFT JOIN version_order o ON o.version_seq = v.seq
             WHERE v.document_seq = ?1 ORDER BY v.number",
        )?;
        let rows = stmt.query_map([document_seq], |r| ordered_version(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every stored document's versions in version order (documents in seq order): what
    /// [`Writer::ordered_versions`] gives for each, in one query.
    pub fn all_ordered_versions(&self) -> Result<Vec<Vec<OrderedVersion>>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT v.document_seq, v.seq, v.id, o.version_seq IS NOT NULL, o.previous_seq
             FROM versions v LEFT JOIN version_order o ON o.version_seq = v.seq
             ORDER BY v.document_seq, v.number",
        )?;
        let mut rows = stmt.query([])?;
        let mut documents: Vec<Vec<OrderedVersion>> = Vec::new();
        let mut last = None;
        while let Some(r) = rows.next()? {
            let document: i64 = r.get(0)?;
            let version = ordered_version(r, 1)?;
            match documents.last_mut() {
                Some(versions) if last == Some(document) => versions.push(version),
                _ => documents.push(vec![version]),
            }
            last = Some(document);
        }
        Ok(documents)
    }

    /// Forgets the `updates` rows derived for a version and records the version now before it.
    pub fn reset_updates(&self, version_seq: i64, previous: Option<i64>) -> Result<()> {
        self.conn()
            // `<> 0` lets SQLite use the partial index on `version_seq`.
            .prepare_cached(
                "DELETE FROM found_relations WHERE version_seq = ?1 AND version_seq <> 0",
            )?
            .execute([version_seq])?;
        self.record_previous(version_seq, previous)
    }

    /// Records the version now before a version (`version_order`).
    pub fn record_previous(&self, version_seq: i64, previous: Option<i64>) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO version_order(version_seq, previous_seq) VALUES (?1, ?2)
                 ON CONFLICT(version_seq) DO UPDATE SET previous_seq = excluded.previous_seq",
            )?
            .execute((version_seq, previous))?;
        Ok(())
    }

    /// The seq of each of these stored claims (by id).
    pub fn claim_seqs(&self, ids: &[ObjectId]) -> Result<Vec<(ObjectId, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let hex: Vec<String> = ids.iter().map(|i| i.to_hex()).collect();
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id, c.seq FROM json_each(?1) j
             JOIN objects o ON o.id = j.value JOIN claims c ON c.seq = o.seq",
        )?;
        let rows = stmt.query_map([json("claim ids", &hex)?], |r| {
            Ok((row_id(r, 0)?, r.get(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The claims of a stored version, in text order.
    pub fn version_claims(&self, version: &ObjectId) -> Result<Vec<ClaimRef>> {
        query::versions::claims_of_version(self.conn(), version)
    }
}

/// Whether `claim_keys` keeps the rows of `key` for every claim holding it once it is held by
/// more than [`crate::relate::MAX_KEY_HOLDERS`] claims (it is in `common_keys`): the content key
/// (`n:`, which the view `same_content_relations` reads) and the keys reviews are looked up by
/// ([`crate::relate::review::is_lookup_key`]: two-term `t:` keys) whose holders a full-text
/// search cannot find ([`crate::relate::review::text_prefixes`] is `None`: a term holds a `+`,
/// or is not ASCII). Of the other lookup keys past the bound the index keeps the rows of the
/// claims whose content is not [`plain_text`] ([`kept_row_past_bound`]); a review finds the
/// other holders through `claims_fts` (`index::match_review_to_claims`). The rows of any other
/// key past the bound are read by nothing (such a key pairs nothing), so the index does not
/// hold them: `claim_keys` is the rows of every claim's candidate keys except those of a key
/// held by more claims than the bound that [`kept_row_past_bound`] does not keep, a function
/// of the set of claims (docs/schema.md).
pub fn kept_past_bound(key: &str) -> bool {
    crate::relate::is_content_key(key)
        || (crate::relate::review::is_lookup_key(key) && !crate::relate::review::is_searchable(key))
}

/// Whether `claim_keys` keeps the row of `key` for a claim once the key is past the bound:
/// [`kept_past_bound`], or a lookup key of a claim whose content is not plain text (`plain`:
/// [`plain_text`] of it; the full-text search is proven to find only the holders of plain
/// text).
pub fn kept_row_past_bound(key: &str, plain: bool) -> bool {
    kept_past_bound(key) || (crate::relate::review::is_lookup_key(key) && !plain)
}

/// Whether a content is plain text: ASCII without NUL. FTS5's `unicode61` tokenizer then
/// splits it into tokens exactly at the characters that are not ASCII letters or digits, and
/// folds them as [`crate::relate::words`] does, so each word of it is a run of whole tokens
/// (the condition in SQL: [`PLAIN_TEXT_SQL`]).
pub fn plain_text(content: &str) -> bool {
    content.bytes().all(|b| (1..=0x7F).contains(&b))
}

/// [`plain_text`] of the column `content` in SQL: SQLite's `length` counts the characters of a
/// text before its first NUL, the cast to a blob its UTF-8 bytes.
pub(crate) const PLAIN_TEXT_SQL: &str = "length(content) = length(CAST(content AS BLOB))";

/// Writes `claim_keys` rows `(key, detail, claim_seq)`: the relation step's for its new claims,
/// a rebuild's for all of them; a `t:` key's detail is not stored
/// ([`crate::relate::stored_detail`]).
pub(super) fn insert_claim_keys<'k>(
    conn: &rusqlite::Connection,
    rows: impl IntoIterator<Item = (&'k str, &'k str, i64)>,
) -> Result<()> {
    let rows: Vec<(&str, &str, i64)> = rows
        .into_iter()
        .map(|(key, detail, seq)| (key, crate::relate::stored_detail(key, detail), seq))
        .collect();
    // Whole chunks by one statement of many rows (the insert's program started, its cursors
    // opened and the statement reset once for them, not once a row), in the same order; the
    // rest one by one.
    let mut chunks = rows.chunks_exact(CLAIM_KEY_ROWS_PER_INSERT);
    if chunks.len() > 0 {
        let mut stmt = conn.prepare_cached(&format!(
            "INSERT OR IGNORE INTO claim_keys(key, detail, claim_seq) VALUES {}",
            vec!["(?, ?, ?)"; CLAIM_KEY_ROWS_PER_INSERT].join(", ")
        ))?;
        for chunk in &mut chunks {
            for (i, (key, detail, seq)) in chunk.iter().enumerate() {
                stmt.raw_bind_parameter(3 * i + 1, key)?;
                stmt.raw_bind_parameter(3 * i + 2, detail)?;
                stmt.raw_bind_parameter(3 * i + 3, seq)?;
            }
            stmt.raw_execute()?;
        }
    }
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO claim_keys(key, detail, claim_seq) VALUES (?1, ?2, ?3)",
    )?;
    for row in chunks.remainder() {
        stmt.execute(*row)?;
    }
    Ok(())
}

/// `claim_keys` rows written by one statement ([`insert_claim_keys`]).
const CLAIM_KEY_ROWS_PER_INSERT: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows in `claim_keys`, in index order.
    fn rows(conn: &rusqlite::Connection) -> Vec<(String, String, i64)> {
        let mut stmt = conn
            .prepare("SELECT key, detail, claim_seq FROM claim_keys ORDER BY 1, 2, 3")
            .expect("prepare");
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query");
        rows.collect::<rusqlite::Result<_>>().expect("rows")
    }

    #[test]
    fn claim_keys_written_by_chunks_are_the_rows_written_one_by_one() {
        let table = "CREATE TABLE claim_keys (key TEXT NOT NULL, detail TEXT NOT NULL,
                     claim_seq INTEGER NOT NULL, PRIMARY KEY (key, detail, claim_seq))
                     WITHOUT ROWID;";
        // Two whole chunks and a rest, repeated rows (ignored), `t:` details (not stored).
        let keys: Vec<(String, String, i64)> = (0..2 * CLAIM_KEY_ROWS_PER_INSERT as i64 + 7)
            .map(|i| {
                let key = if i % 3 == 0 {
                    "n:bridge"
                } else {
                    "t:bridge+river"
                };
                (key.to_string(), format!("d{}", i % 5), i % 40)
            })
            .collect();
        let borrowed = || keys.iter().map(|(k, d, s)| (k.as_str(), d.as_str(), *s));
        let chunked = rusqlite::Connection::open_in_memory().expect("open");
        chunked.execute_batch(table).expect("schema");
        insert_claim_keys(&chunked, borrowed()).expect("insert");
        let single = rusqlite::Connection::open_in_memory().expect("open");
        single.execute_batch(table).expect("schema");
        for row in borrowed() {
            insert_claim_keys(&single, [row]).expect("insert");
        }
        assert_eq!(rows(&chunked), rows(&single));
        assert!(rows(&single)
            .iter()
            .any(|r| r.0 == "t:bridge+river" && r.1.is_empty()));
        // Each seq 0..40 with the content key (its detail follows from the seq) and the term key.
        assert_eq!(rows(&single).len(), 2 * 40);
    }
}
