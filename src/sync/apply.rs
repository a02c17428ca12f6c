//! Storing verified objects that arrived by sync or in a bundle: through the ledger (so they are
//! indexed and related exactly as imported ones), in one transaction together with the record
//! of the batch and the cursor it earns.

use super::wire::Mark;
use super::SyncError;
use crate::ledger::{Analysed, Ledger};
use crate::model::Received;
use crate::objects::ObjectId;
use crate::store::Store;

/// What one applied transaction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Objects that were new here.
    pub stored: u64,
    /// This database's head just before the write and just after it (everything the
    /// transaction stored, including what the ledger derived), inside the transaction.
    pub before: Mark,
    pub after: Mark,
    /// The mark just after the last received object (before what was derived from them).
    pub received: Mark,
    /// `(seq, id)` of the objects the ledger derived here from what arrived.
    pub derived: Vec<(i64, ObjectId)>,
    /// Objects the block list kept out (`claims block`); the others were stored.
    pub refused: Vec<crate::ledger::Blocked>,
}

/// One transaction of received objects, filled in several steps: verified batches are added
/// as they arrive, and [`Applying::finish`] records them and the cursor and commits. Dropped
/// unfinished, it stores nothing.
pub struct Applying<'s> {
    ledger: Ledger<'s>,
    before: Mark,
    stored: u64,
    added: u64,
    /// The highest seq a received (not derived) object got.
    received_upto: Option<i64>,
}

impl<'s> Applying<'s> {
    pub fn begin(store: &'s mut Store) -> Result<Applying<'s>, SyncError> {
        let ledger = Ledger::begin(store)?;
        let before = ledger.replica().head()?;
        Ok(Applying {
            ledger,
            before,
            stored: 0,
            added: 0,
            received_upto: None,
        })
    }

    /// Leaves the relations of what this transaction stores pending, for one pass later
    /// ([`Ledger::defer_relations`]).
    pub fn defer_relations(&mut self) -> Result<(), SyncError> {
        Ok(self.ledger.defer_relations()?)
    }

    /// Stores a batch (referenced types first) and derives its relations.
    pub fn add(&mut self, objects: Vec<Received>) -> Result<(), SyncError> {
        self.add_analysed(objects, Analysed::default())
    }

    /// [`Applying::add`] of a batch whose claims were analysed on another thread
    /// ([`Analysed::of`]).
    pub fn add_analysed(
        &mut self,
        objects: Vec<Received>,
        analysed: Analysed,
    ) -> Result<(), SyncError> {
        self.added += objects.len() as u64;
        let added = self.ledger.add_analysed(objects, analysed)?;
        self.stored += added.stored;
        if added.last_received.is_some() {
            self.received_upto = added.last_received;
        }
        Ok(())
    }

    /// Objects added so far (new or not).
    pub fn added(&self) -> u64 {
        self.added
    }

    /// Records the batch (`origin`: a replica id or `bundle:PATH`, with its seq range) and the
    /// cursor `(peer, mark)`, and commits.
    pub fn finish(self, origin: &str, cursor: Option<(&str, Mark)>) -> Result<Applied, SyncError> {
        let Applying {
            ledger,
            before,
            stored,
            received_upto,
            ..
        } = self;
        if let Some((first, last)) = ledger.seq_range() {
            ledger.replica().record_batch(origin, first, last)?;
        }
        if let Some((peer, mark)) = cursor {
            ledger.replica().set_cursor(peer, mark)?;
        }
        let after = ledger.replica().head()?;
        let received = match received_upto {
            Some(seq) => ledger.replica().mark_at(seq)?.unwrap_or(after),
            None => before,
        };
        let refused = ledger.refused().to_vec();
        let derived = ledger.commit()?;
        Ok(Applied {
            stored,
            before,
            after,
            received,
            derived,
            refused,
        })
    }
}

/// Stores already verified objects in one transaction, and in the same transaction records the
/// batch and, if given, a cursor `(peer, mark)`.
pub fn apply(
    store: &mut Store,
    objects: Vec<Received>,
    origin: &str,
    cursor: Option<(&str, Mark)>,
) -> Result<Applied, SyncError> {
    let mut applying = Applying::begin(store)?;
    applying.add(objects)?;
    applying.finish(origin, cursor)
}

/// Where an article starts: a document or a version opens the objects that refer to it.
pub fn opens_article(kind: &str) -> bool {
    matches!(kind, "document" | "version")
}

/// Splits a batch before the last article it starts, so that a version and its mentions are
/// stored (and related) together: returns the tail to carry into the next batch. Nothing is
/// split off when no article starts after the first object.
pub fn split_last_article<T>(batch: &mut Vec<T>, kind: impl Fn(&T) -> &str) -> Vec<T> {
    match last_article_start(batch, kind) {
        Some(at) if at > 0 => batch.split_off(at),
        _ => Vec::new(),
    }
}

/// Where the last article of a batch starts: the last document or version, together with a
/// document right before a version (a new document and its first version travel together).
pub fn last_article_start<T>(batch: &[T], kind: impl Fn(&T) -> &str) -> Option<usize> {
    let mut at = batch.iter().rposition(|o| opens_article(kind(o)))?;
    if at > 0 && kind(&batch[at]) == "version" && kind(&batch[at - 1]) == "document" {
        at -= 1;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_splits_before_its_last_article() {
        let split = |kinds: &[&'static str]| {
            let mut b = kinds.to_vec();
            let tail = split_last_article(&mut b, |k| k);
            (b, tail)
        };
        assert_eq!(
            split(&["claim", "mention", "document", "version", "claim"]),
            (
                vec!["claim", "mention"],
                vec!["document", "version", "claim"]
            )
        );
        assert_eq!(
            split(&["version", "claim", "mention", "version", "mention"]),
            (
                vec!["version", "claim", "mention"],
                vec!["version", "mention"]
            )
        );
        assert_eq!(
            split(&["document", "version", "claim"]),
            (vec!["document", "version", "claim"], vec![])
        );
        assert_eq!(
            split(&["claim", "mention"]),
            (vec!["claim", "mention"], vec![])
        );
    }
}
