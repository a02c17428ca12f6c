//! What the ledger's relation step reads inside its transaction: candidate pairs of claims
//! that share a key (one join over the index for a whole batch), and consecutive versions.

use super::query::claims::claim_ref;
use super::writer::{Fresh, Writer};
use super::{query, row_id, Result};
use crate::model::ClaimRef;
use crate::objects::ObjectId;

/// A new claim `x` and a stored claim `y` (with their seqs) that share a key with different
/// details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'f> {
    pub x_seq: i64,
    pub x: &'f ClaimRef,
    pub y_seq: i64,
    pub y: ClaimRef,
}

/// For every new claim and each of its keys, the first `cap` claims (in the index's order: by
/// detail, then seq) that hold the same key with another detail: one walk of the index per key
/// that stops at `cap` (the inner `LIMIT`, applied per key through `json_each`), so a key shared
/// by many claims costs `cap` rows per new claim, not all of them; a key no other claim holds
/// (most) costs one lookup (`EXISTS`). A pair that shares several keys comes once per key.
const CANDIDATES: &str = "
WITH n(x, key, detail) AS MATERIALIZED (
    SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)
)
SELECT n.x, c.seq, c.id, c.speaker, c.cue, c.stance, c.hedges, c.content
FROM n
CROSS JOIN json_each('[' || (
    SELECT coalesce(group_concat(claim_seq), '') FROM (
        SELECT k.claim_seq FROM claim_keys k
        WHERE k.key = n.key AND k.detail <> n.detail
        ORDER BY k.detail, k.claim_seq LIMIT ?2)) || ']') y
CROSS JOIN claims c
WHERE EXISTS (SELECT 1 FROM claim_keys e WHERE e.key = n.key AND e.detail <> n.detail)
  AND c.seq = y.value";

impl Writer<'_> {
    /// The candidate pairs of the claims in `fresh` (see [`CANDIDATES`]): at most `cap` per
    /// new claim and key, each pair once, ordered by the ids of the new claim, then the other.
    pub fn candidates<'f>(&self, fresh: &'f Fresh, cap: i64) -> Result<Vec<Candidate<'f>>> {
        if fresh.claim_keys.is_empty() || cap <= 0 {
            return Ok(Vec::new());
        }
        // `[[seq, key, detail], ...]`: what `json_each(?1)` reads.
        let keys = serde_json::to_string(&fresh.claim_keys)
            .map_err(|e| super::StoreError::Corrupt(format!("claim keys: {e}")))?;
        let mut stmt = self.conn().prepare_cached(CANDIDATES)?;
        let mut rows: Vec<Candidate<'f>> = Vec::new();
        let mut query = stmt.query((keys, cap))?;
        while let Some(r) = query.next()? {
            let x_seq: i64 = r.get(0)?;
            let Some(x) = fresh.claim(x_seq) else {
                continue;
            };
            rows.push(Candidate {
                x_seq,
                x,
                y_seq: r.get(1)?,
                y: claim_ref(r, 2)?,
            });
        }
        // Each pair once, by the ids of `x` then `y`.
        rows.sort_by_key(|c| (c.x.id, c.y.id));
        rows.dedup_by(|a, b| a.x_seq == b.x_seq && a.y_seq == b.y_seq);
        Ok(rows)
    }

    /// For each of these versions (by seq) that has one, the version before it in its
    /// document: `(version, previous)`, in the order given. One query for all.
    pub fn previous_versions(
        &self,
        versions: &[(i64, ObjectId)],
    ) -> Result<Vec<(ObjectId, ObjectId)>> {
        if versions.is_empty() {
            return Ok(Vec::new());
        }
        let seqs = serde_json::to_string(&versions.iter().map(|v| v.0).collect::<Vec<_>>())
            .map_err(|e| super::StoreError::Corrupt(format!("version seqs: {e}")))?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT v.id, p.id FROM json_each(?1) j
             JOIN versions v ON v.seq = j.value
             JOIN versions p ON p.document_seq = v.document_seq AND p.number = v.number - 1
             ORDER BY j.key",
        )?;
        let rows = stmt
            .query_map([seqs], |r| Ok((row_id(r, 0)?, row_id(r, 1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The claims of a stored version, in text order.
    pub fn version_claims(&self, version: &ObjectId) -> Result<Vec<ClaimRef>> {
        query::versions::claims_of_version(self.conn(), version)
    }
}
