//! The relation step: what follows from the objects just stored, written as `relation` objects
//! in the same transaction. This is the one place to change when the relation semantics
//! change; the rules themselves are the pure functions of [`crate::relate`].
//!
//! For the claims indexed since the last step (a file of an import, a batch of a sync):
//!
//! 1. **Pairs.** One join over the `claim_keys` index finds, for each new claim and each of its
//!    keys, the stored claims sharing that key with another detail (at most
//!    [`MAX_CANDIDATES_PER_KEY`] per key), never all claims. Each pair is judged by
//!    [`relate::judge_pair`], in id order so that the reason reads the same everywhere. A pair
//!    of two new claims is judged once, from the claim with the larger id.
//! 2. **Updates.** Each new version is diffed against the version before it in its document
//!    (by arrival order), and each claim edited between them gets an `updates` relation.
//!
//! Keys and rules depend on the two claims only, so the pairs are the same on every replica
//! whatever the arrival order, as long as no key is shared by more than
//! [`MAX_CANDIDATES_PER_KEY`] other claims. `updates` follows arrival order within a document.

use crate::model::{Body, Relation, RelationKind, Typed};
use crate::objects::ObjectId;
use crate::relate::{self, Facts, MAX_CANDIDATES_PER_KEY};
use crate::store::{Candidate, Fresh, StoreError, Writer};

/// What one relation step wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derived {
    pub conflicts: usize,
    pub corroborations: usize,
    pub updates: usize,
    /// `(seq, id)` of each relation object that was new.
    pub objects: Vec<(i64, ObjectId)>,
}

impl Derived {
    /// New relation objects.
    pub fn count(&self) -> usize {
        self.objects.len()
    }

    fn note(&mut self, kind: RelationKind, seq: i64, id: ObjectId) {
        match kind {
            RelationKind::Conflicts => self.conflicts += 1,
            RelationKind::Corroborates => self.corroborations += 1,
            RelationKind::Updates => self.updates += 1,
            RelationKind::Unrelated => {}
        }
        self.objects.push((seq, id));
    }
}

/// Derives and stores the relations of what `writer` indexed since the last step.
pub(super) fn derive(writer: &mut Writer<'_>) -> Result<Derived, StoreError> {
    let fresh = writer.take_fresh();
    if fresh.is_empty() {
        return Ok(Derived::default());
    }
    let mut found = pairs(&fresh, writer.candidates(&fresh, MAX_CANDIDATES_PER_KEY)?);
    for (version, previous) in writer.previous_versions(&fresh.versions)? {
        let before = writer.version_claims(&previous)?;
        let after = writer.version_claims(&version)?;
        found.extend(relate::updates(&before, &after));
    }
    let mut out = Derived::default();
    for relation in found {
        let kind = relation.kind;
        let typed = Typed::new(Body::Relation(relation))
            .map_err(|e| StoreError::Corrupt(format!("a derived relation: {e}")))?;
        let id = typed.id();
        if let Some(seq) = writer.put(&typed.into())? {
            out.note(kind, seq, id);
        }
    }
    Ok(out)
}

/// Judges the candidate pairs (sorted by the new claim's id, then the other's).
fn pairs(fresh: &Fresh, candidates: Vec<Candidate<'_>>) -> Vec<Relation> {
    let mut found = Vec::new();
    let mut current: Option<(i64, Facts)> = None;
    for Candidate { x_seq, x, y_seq, y } in candidates {
        // Itself (a key shared with another detail of its own), or a pair of two new claims
        // that is judged from the other side.
        if y_seq == x_seq || (fresh.is_fresh_claim(y_seq) && y.id > x.id) {
            continue;
        }
        if current.as_ref().map(|c| c.0) != Some(x_seq) {
            current = Some((x_seq, Facts::new(&x.speaker, &x.cue, &x.stance, &x.content)));
        }
        let Some((_, fx)) = &current else {
            continue;
        };
        let fy = Facts::new(&y.speaker, &y.cue, &y.stance, &y.content);
        found.extend(relate::judge_pair((x.id, fx), (y.id, &fy)));
    }
    found
}
