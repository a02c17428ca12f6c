//! What the ledger's relation step reads inside its transaction: candidate pairs of claims
//! that share a key (one join over the index for a whole batch), and consecutive versions.

use super::query::claims::claim_ref;
use super::writer::{Fresh, Writer};
use super::{query, Result};
use crate::model::ClaimRef;
use crate::objects::ObjectId;
use rusqlite::OptionalExtension;

/// A new claim `x` and a stored claim `y` (with their seqs) that share a key with different
/// details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub x_seq: i64,
    pub x: ClaimRef,
    pub y_seq: i64,
    pub y: ClaimRef,
}

/// For every new claim and each of its keys, the first `cap` claims (in the index's order: by
/// detail, then seq) that hold the same key with another detail; each pair once, ordered by the
/// ids of `x` then `y`. The bound is found with the index (`OFFSET cap - 1` on the key), so a
/// key shared by many claims costs `cap` rows per new claim, not all of them.
const CANDIDATES: &str = "
WITH n(x, key, detail) AS (
    SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?1)
),
b(x, key, detail, bd, bs) AS (
    SELECT x, key, detail,
           (SELECT k2.detail FROM claim_keys k2 WHERE k2.key = n.key AND k2.detail <> n.detail
            ORDER BY k2.detail, k2.claim_seq LIMIT 1 OFFSET ?2),
           (SELECT k2.claim_seq FROM claim_keys k2 WHERE k2.key = n.key AND k2.detail <> n.detail
            ORDER BY k2.detail, k2.claim_seq LIMIT 1 OFFSET ?2)
    FROM n
),
p(x, y) AS (
    SELECT DISTINCT b.x, k.claim_seq
    FROM b JOIN claim_keys k
      ON k.key = b.key AND k.detail <> b.detail
     AND (k.detail, k.claim_seq) <= (coalesce(b.bd, x'ff'), coalesce(b.bs, 9223372036854775807))
)
SELECT p.x, cx.id, cx.speaker, cx.cue, cx.stance, cx.hedges, cx.content,
       p.y, cy.id, cy.speaker, cy.cue, cy.stance, cy.hedges, cy.content
FROM p JOIN claims cx ON cx.seq = p.x JOIN claims cy ON cy.seq = p.y
ORDER BY cx.id, cy.id";

impl Writer<'_> {
    /// The candidate pairs of the claims in `fresh` (see [`CANDIDATES`]): at most `cap` per
    /// new claim and key.
    pub fn candidates(&self, fresh: &Fresh, cap: i64) -> Result<Vec<Candidate>> {
        if fresh.claim_keys.is_empty() || cap <= 0 {
            return Ok(Vec::new());
        }
        let keys = serde_json::Value::Array(
            fresh
                .claim_keys
                .iter()
                .map(|(seq, key, detail)| serde_json::json!([seq, key, detail]))
                .collect(),
        )
        .to_string();
        let mut stmt = self.conn().prepare_cached(CANDIDATES)?;
        let rows = stmt
            .query_map((keys, cap - 1), |r| {
                Ok(Candidate {
                    x_seq: r.get(0)?,
                    x: claim_ref(r, 1)?,
                    y_seq: r.get(7)?,
                    y: claim_ref(r, 8)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The version before this one (by seq) in its document, if any.
    pub fn previous_version(&self, version_seq: i64) -> Result<Option<ObjectId>> {
        let id: Option<String> = self
            .conn()
            .prepare_cached(
                "SELECT p.id FROM versions v
                 JOIN versions p ON p.document_seq = v.document_seq AND p.number = v.number - 1
                 WHERE v.seq = ?1",
            )?
            .query_row([version_seq], |r| r.get(0))
            .optional()?;
        id.map(|id| super::parse_id(&id)).transpose()
    }

    /// The claims of a stored version, in text order.
    pub fn version_claims(&self, version: &ObjectId) -> Result<Vec<ClaimRef>> {
        query::versions::claims_of_version(self.conn(), version)
    }
}
