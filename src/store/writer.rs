//! One transaction of object writes: each object is stored with its index rows, and the writer
//! remembers what it indexed (new claims, new versions) for the ledger's
//! relation step. Only the ledger holds a [`Writer`].

use super::imports::Imports;
use super::index::{self, Cache};
use super::replica::Replica;
use super::{Result, StoreError};
use crate::model::{ClaimRef, Received};
use crate::objects::{Object, ObjectId};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::collections::HashMap;

/// What was indexed since the ledger last asked: the input of its relation step.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Fresh {
    /// The claims indexed, by seq, in arrival order (so every claim stored with a seq between
    /// the first and the last of them is one of them).
    pub claims: Vec<(i64, ClaimRef)>,
    /// `(seq, id)` of every version indexed, in arrival order.
    pub versions: Vec<(i64, ObjectId)>,
    /// The versions new mentions were indexed in (in arrival order, repeated), whose
    /// `updates` are derived again: a version's mentions may arrive after it.
    pub mentioned: Vec<ObjectId>,
    /// Candidate keys of claims computed before they were stored (by id), for the relation
    /// step to take instead of computing them again.
    pub keys: HashMap<ObjectId, Vec<(String, String)>>,
    /// Everything stored is fresh, and no version has its order recorded
    /// ([`Writer::refresh_all`]): the step derives every document's `updates` from one read
    /// of them all (`versions` is then left empty).
    pub everything: bool,
}

impl Fresh {
    pub fn is_empty(&self) -> bool {
        !self.everything
            && self.claims.is_empty()
            && self.versions.is_empty()
            && self.mentioned.is_empty()
    }

    fn lens(&self) -> [usize; 3] {
        [self.claims.len(), self.versions.len(), self.mentioned.len()]
    }

    fn truncate(&mut self, [claims, versions, mentioned]: [usize; 3]) {
        self.claims.truncate(claims);
        self.versions.truncate(versions);
        self.mentioned.truncate(mentioned);
    }

    /// Whether the claim stored at `seq` is one of [`Fresh::claims`].
    pub fn is_fresh_claim(&self, seq: i64) -> bool {
        match (self.claims.first(), self.claims.last()) {
            (Some((first, _)), Some((last, _))) => *first <= seq && seq <= *last,
            _ => false,
        }
    }

    /// Where the claim stored at `seq` is in [`Fresh::claims`].
    pub fn position(&self, seq: i64) -> Option<usize> {
        self.claims.binary_search_by_key(&seq, |(s, _)| *s).ok()
    }
}

/// One transaction of writes.
pub struct Writer<'c> {
    tx: Transaction<'c>,
    cache: Cache,
    /// The seq range written in the current unit (or the whole transaction without units).
    first_seq: Option<i64>,
    last_seq: Option<i64>,
    /// The first seq written in the whole transaction: the full-text indexes are filled from
    /// here at commit.
    tx_first_seq: Option<i64>,
    /// The ids stored in this transaction, in seq order (from `tx_first_seq` on): the chain
    /// hash is extended over them at commit without reading them back from `objects`.
    written: Vec<ObjectId>,
    /// How many there were when the current unit began, to cut back to when it is undone.
    written_at_unit: usize,
    fresh: Fresh,
    /// Whether the current unit is a savepoint ([`Writer::begin_unit`]).
    unit_savepoint: bool,
    /// How much `fresh` held when the current unit (a savepoint) began, to cut it back to when
    /// the unit is undone (it only grows within a unit).
    fresh_at_unit: [usize; 3],
    /// An alias was stored: `speaker_entities` is recomputed whole at commit.
    aliases_stored: bool,
    /// The speakers of the claims stored (repeated), whose rows of `speaker_entities` are
    /// brought up to date at commit, and how many there were when the current unit began.
    speakers: Vec<String>,
    speakers_at_unit: usize,
    /// Candidate keys given with a claim that was stored before (in this transaction or an
    /// earlier one): not needed, and made on another thread, whose allocator arena a free here
    /// would have to lock. The ledger takes them to be freed elsewhere
    /// ([`Writer::take_unused_keys`]).
    unused_keys: Vec<Vec<(String, String)>>,
    /// The block list (`claims block`), read at the start of the transaction, with the ids
    /// blocked since for referring to a blocked object.
    blocked: std::collections::HashSet<ObjectId>,
}

impl<'c> Writer<'c> {
    pub(super) fn begin(conn: &'c mut Connection) -> Result<Writer<'c>> {
        // Claim keys fold names through the alias table: refuse to index with a broken one.
        crate::relate::aliases::check()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let blocked = tx
            .prepare("SELECT id FROM blocked")?
            .query_map([], |r| r.get::<_, String>(0))?
            .filter_map(|id| id.ok().and_then(|id| ObjectId::parse(&id).ok()))
            .collect();
        Ok(Writer {
            tx,
            cache: Cache::default(),
            first_seq: None,
            last_seq: None,
            tx_first_seq: None,
            written: Vec::new(),
            written_at_unit: 0,
            fresh: Fresh::default(),
            unit_savepoint: false,
            fresh_at_unit: [0; 3],
            aliases_stored: false,
            speakers: Vec::new(),
            unused_keys: Vec::new(),
            speakers_at_unit: 0,
            blocked,
        })
    }

    /// Why the block list keeps an object out, if it does: the object is on it, or refers to an
    /// object on it (it is then put on the list too, so that what refers to it in turn is
    /// kept out, now or later).
    pub fn blocked(&mut self, received: &Received) -> Result<Option<String>> {
        if self.blocked.is_empty() {
            return Ok(None);
        }
        let id = received.object.id;
        if self.blocked.contains(&id) {
            return Ok(Some(
                "it is on this database's block list (`claims block`)".to_string(),
            ));
        }
        let Some(body) = &received.body else {
            return Ok(None);
        };
        let Some(target) = body.names().into_iter().find(|r| self.blocked.contains(r)) else {
            return Ok(None);
        };
        self.tx
            .prepare_cached(
                "INSERT INTO blocked(id, reason, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(id) DO NOTHING",
            )?
            .execute((
                id.to_hex(),
                format!("refers to blocked {target}"),
                crate::time::now_rfc3339(),
            ))?;
        self.blocked.insert(id);
        Ok(Some(format!(
            "it refers to {target}, which is on this database's block list (`claims block`)"
        )))
    }

    /// Stores an object and, when its type is known, its index rows. Returns its new seq, or
    /// `None` if it was already stored. A claim may come with its candidate keys
    /// ([`crate::relate::candidate_keys`]), computed beforehand (elsewhere: the relation step
    /// takes them instead of computing them on this thread).
    pub fn put(
        &mut self,
        received: &Received,
        keys: Option<Vec<(String, String)>>,
    ) -> Result<Option<i64>> {
        let object = &received.object;
        if self.cache.indexed(&object.id) {
            // Stored and indexed in this transaction, or found stored by a mention of it (a
            // claim stored again at each of its mentions): nothing to ask the database.
            self.unused_keys.extend(keys);
            return Ok(None);
        }
        let Some(seq) = self.insert_object(object)? else {
            self.unused_keys.extend(keys);
            return Ok(None);
        };
        if let Some(body) = &received.body {
            let id = object.id;
            let fts_from = self.tx_first_seq.unwrap_or(seq);
            index::insert(&self.tx, &mut self.cache, seq, id, body, fts_from)
                .map_err(|source| StoreError::Index { id, source })?;
            self.note_fresh(seq, id, body);
            if let Some(keys) = keys {
                if matches!(body, crate::model::Body::Claim(_)) {
                    self.fresh.keys.insert(id, keys);
                }
            }
        }
        Ok(Some(seq))
    }

    /// How many claims' unused candidate keys wait ([`Writer::take_unused_keys`]).
    pub fn unused_keys(&self) -> usize {
        self.unused_keys.len()
    }

    /// The candidate keys given with claims that were stored before, to be freed by the caller.
    pub fn take_unused_keys(&mut self) -> Vec<Vec<(String, String)>> {
        std::mem::take(&mut self.unused_keys)
    }

    fn note_fresh(&mut self, seq: i64, id: ObjectId, body: &crate::model::Body) {
        use crate::model::Body;
        match body {
            Body::Claim(c) => self.fresh.claims.push((seq, ClaimRef::new(id, c))),
            Body::Version(_) => self.fresh.versions.push((seq, id)),
            Body::Mention(m) if self.fresh.mentioned.last() != Some(&m.version) => {
                self.fresh.mentioned.push(m.version);
            }
            _ => {}
        }
        match body {
            Body::Claim(c) => self.speakers.push(c.speaker.clone()),
            Body::Alias(_) => self.aliases_stored = true,
            _ => {}
        }
    }

    fn insert_object(&mut self, object: &Object) -> Result<Option<i64>> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO objects(id, type, body) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO NOTHING",
        )?;
        let n = stmt.execute((object.id.to_hex(), &object.kind, &object.body))?;
        if n == 0 {
            return Ok(None);
        }
        let seq = self.tx.last_insert_rowid();
        self.first_seq.get_or_insert(seq);
        self.tx_first_seq.get_or_insert(seq);
        self.last_seq = Some(seq);
        self.written.push(object.id);
        Ok(Some(seq))
    }

    /// How many claims wait for the relation step.
    pub fn fresh_claims(&self) -> usize {
        self.fresh.claims.len()
    }

    /// What was indexed since the last call: the claims and versions the relation step looks at.
    pub fn take_fresh(&mut self) -> Fresh {
        std::mem::take(&mut self.fresh)
    }

    /// Candidate keys of claims computed beforehand, by id, for the relation step to take
    /// when it finds those claims fresh (after [`Writer::refresh_all`], claims stored by
    /// earlier transactions).
    pub fn give_keys(&mut self, keys: HashMap<ObjectId, Vec<(String, String)>>) {
        if self.fresh.keys.is_empty() {
            self.fresh.keys = keys;
        } else {
            self.fresh.keys.extend(keys);
        }
    }

    /// Replaces what is fresh (to derive everything stored).
    pub(super) fn set_fresh(&mut self, fresh: Fresh) {
        self.fresh = fresh;
    }

    /// The `objects.seq` range written so far in this transaction (or in the current unit).
    pub fn seq_range(&self) -> Option<(i64, i64)> {
        Some((self.first_seq?, self.last_seq?))
    }

    /// Starts a unit of work inside this transaction: [`Writer::seq_range`] then covers what
    /// it writes. With `savepoint`, the unit is an SQLite savepoint: what it writes is kept by
    /// [`Writer::keep_unit`] or undone, entirely, by [`Writer::undo_unit`], and the transaction
    /// goes on. Without (an optimistic unit), nothing is copied for an undo: a unit that fails
    /// leaves its writes in the transaction, which can then only be rolled back whole.
    pub fn begin_unit(&mut self, savepoint: bool) -> Result<()> {
        if savepoint {
            self.tx.execute_batch("SAVEPOINT unit")?;
            self.fresh_at_unit = self.fresh.lens();
            self.speakers_at_unit = self.speakers.len();
            self.written_at_unit = self.written.len();
        }
        self.unit_savepoint = savepoint;
        self.first_seq = None;
        self.last_seq = None;
        Ok(())
    }

    /// Keeps what the current unit wrote.
    pub fn keep_unit(&mut self) -> Result<()> {
        if std::mem::take(&mut self.unit_savepoint) {
            self.tx.execute_batch("RELEASE unit")?;
        }
        Ok(())
    }

    /// Undoes everything the current unit wrote (a unit begun with a savepoint only).
    pub fn undo_unit(&mut self) -> Result<()> {
        debug_assert!(self.unit_savepoint, "an optimistic unit cannot be undone");
        self.unit_savepoint = false;
        self.cache = Cache::default();
        self.fresh.truncate(self.fresh_at_unit);
        self.speakers.truncate(self.speakers_at_unit);
        self.written.truncate(self.written_at_unit);
        self.first_seq = None;
        self.last_seq = None;
        Ok(self.tx.execute_batch("ROLLBACK TO unit; RELEASE unit")?)
    }

    /// The local sync state, inside this transaction.
    pub fn replica(&self) -> Replica<'_> {
        Replica::new(&self.tx)
    }

    /// The local import log, inside this transaction.
    pub fn imports(&self) -> Imports<'_> {
        Imports::new(&self.tx)
    }

    /// The local fetch facts and watch state, inside this transaction.
    pub fn fetches(&self) -> super::fetch::Fetches<'_> {
        super::fetch::Fetches::new(&self.tx)
    }

    pub(super) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// Fills the full-text indexes for what was written, brings `speaker_entities` and the
    /// chain hash up to date, and commits.
    pub fn commit(self) -> Result<()> {
        if let Some(first) = self.tx_first_seq {
            index::fill_fts(&self.tx, first)?;
            // The chain hash at the newest object, kept as a checkpoint in `sync_chain`: it
            // hashes the ids written in this transaction (as they were written, not read back
            // from `objects`, whose pages a large transaction has pushed out of the cache), and
            // a sync then reads it instead of hashing every id of the database.
            Replica::new(&self.tx).chain_over(first, &self.written)?;
        }
        if self.aliases_stored {
            super::entities::refresh(&self.tx)?;
        } else if !self.speakers.is_empty() {
            super::entities::refresh_speakers(&self.tx, &self.speakers)?;
        }
        Ok(self.tx.commit()?)
    }
}
