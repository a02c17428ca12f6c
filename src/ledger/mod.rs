//! The one write path: every object that enters a database comes through a [`Ledger`].
//!
//! Import, sync (pulled by a client, pushed to a hub, or exchanged with another database file),
//! bundle apply and `claims link` all store objects here, and nowhere else. In one transaction
//! the ledger
//!
//! 1. stores each object (`INSERT ... ON CONFLICT DO NOTHING` on its id) with its index rows,
//!    referenced types first within a batch ([`Ledger::add`]);
//! 2. derives what follows from the new objects as index rows (not objects): the new claims'
//!    `claim_keys`, relations between them and the claims already stored, and `updates`
//!    between consecutive versions ([`derive`], with the pure rules of [`crate::relate`]), a
//!    function of the set of objects whatever order they arrived in, so the step runs for many
//!    objects at once (a batch of [`Ledger::add`], or the units of about 4,096 new claims);
//! 3. commits, or, dropped unfinished, stores nothing.
//!
//! A transaction may instead leave step 2 pending ([`Ledger::defer_relations`], what a sync
//! into an empty database does): the next step that runs derives it for every stored object.
//!
//! So a database's relations do not depend on how its claims arrived: claims that come by
//! sync or in a bundle get relations exactly as imported ones do.
//!
//! Local facts of the same unit of work (the import log, sync cursors and batches) are written
//! in the same transaction through [`Ledger::imports`] and [`Ledger::replica`].

mod derive;

pub use derive::Derived;

use crate::model::{Body, Received, KNOWN_TYPES};
use crate::objects::ObjectId;
use crate::objects::MAX_OBJECT_BYTES;
use crate::relate::Facts;
use crate::store::imports::Imports;
use crate::store::{Replica, Store, StoreError, Writer};

/// The order objects of one batch are stored in: referenced types first. A stable sort, so
/// the sender's order is kept within each type.
pub fn rank(kind: &str) -> u8 {
    match kind {
        "document" => 0,
        "version" => 1,
        "claim" => 2,
        "mention" => 3,
        _ => 4,
    }
}

/// The largest object of a type (or version) this release does not know, in bytes.
pub const MAX_UNKNOWN_BYTES: u64 = 64 * 1024;
/// The most new objects of types (or versions) this release does not know that one
/// transaction stores.
pub const MAX_UNKNOWN_PER_TRANSACTION: u64 = 1000;

/// Checks an object before it is stored: within [`MAX_OBJECT_BYTES`]; of a known type and
/// version only with that type's shape (a [`Received`] built without its typed body is read
/// again); of an unknown type only within [`MAX_UNKNOWN_BYTES`]. Returns whether the type is
/// unknown here.
pub fn admit(received: &Received) -> Result<bool, StoreError> {
    let object = &received.object;
    let refuse = |reason: String| StoreError::Refused {
        id: object.id,
        kind: object.kind.clone(),
        reason,
    };
    let len = object.body.len() as u64;
    if len > MAX_OBJECT_BYTES {
        return Err(refuse(format!(
            "it is {len} bytes, more than the {MAX_OBJECT_BYTES} bytes an object may have"
        )));
    }
    if received.body.is_some() {
        return Ok(false);
    }
    if KNOWN_TYPES.contains(&object.kind.as_str()) {
        let value: serde_json::Value =
            serde_json::from_str(&object.body).map_err(|e| refuse(e.to_string()))?;
        if let Some(_body) = Body::check_value(value).map_err(|e| refuse(e.to_string()))? {
            return Err(refuse("its typed body was not read".into()));
        }
    }
    if len > MAX_UNKNOWN_BYTES {
        return Err(refuse(format!(
            "it is {len} bytes, more than the {MAX_UNKNOWN_BYTES} bytes an object of a type \
             this release does not know may have"
        )));
    }
    Ok(true)
}

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Added {
    /// Objects of the batch that were new here.
    pub stored: u64,
    /// The highest seq one of them got (what the relation step writes comes after it).
    pub last_received: Option<i64>,
    /// What the relation step wrote for them.
    pub derived: Derived,
}

/// The claims of a batch analysed for the relation step ahead of time, on another thread (a
/// sync's fetching thread): each claim's [`Facts`] and candidate keys, by id. The relation
/// step takes them instead of analysing those claims on the storing thread; both are pure
/// functions of the claim, so the relations are the same.
#[derive(Default)]
pub struct Analysed(Vec<AnalysedClaim>);

/// A claim's id, [`Facts`] and candidate keys `(key, detail)`.
type AnalysedClaim = (ObjectId, Facts, Vec<(String, String)>);

impl Analysed {
    /// Analyses the claims among `objects`.
    pub fn of(objects: &[Received]) -> Analysed {
        Analysed(
            objects
                .iter()
                .filter_map(|r| match &r.body {
                    Some(Body::Claim(c)) => {
                        let facts = Facts::new(&c.speaker, &c.cue, &c.stance, &c.content);
                        let keys = facts.candidate_keys();
                        Some((r.object.id, facts, keys))
                    }
                    _ => None,
                })
                .collect(),
        )
    }
}

/// The candidate keys of claims ([`crate::relate::candidate_keys`]), computed on another
/// thread while their objects arrive (a sync's fetching thread, in a pull whose relations are
/// deferred) and carried to the pass that derives what was left pending
/// ([`Ledger::settle_with`]), which then computes keys only for claims that came without.
/// Keys are a pure function of the claim, so the rows are the same.
#[derive(Default)]
pub struct ClaimKeys(Vec<(ObjectId, Vec<(String, String)>)>);

impl ClaimKeys {
    /// The keys of the claims among `objects`.
    pub fn of(objects: &[Received]) -> ClaimKeys {
        ClaimKeys(
            objects
                .iter()
                .filter_map(|r| match &r.body {
                    Some(Body::Claim(c)) => {
                        Some((r.object.id, crate::relate::candidate_keys(&c.content)))
                    }
                    _ => None,
                })
                .collect(),
        )
    }

    /// At most this many claims' keys are carried (some tens of MiB): memory does not grow
    /// with the size of a sync; the pass computes the keys of the claims past it itself.
    pub const MAX_CLAIMS: usize = 32_768;

    /// Adds those of more claims, up to [`ClaimKeys::MAX_CLAIMS`] in all.
    pub fn append(&mut self, mut other: ClaimKeys) {
        other
            .0
            .truncate(Self::MAX_CLAIMS.saturating_sub(self.0.len()));
        self.0.append(&mut other.0);
    }

    /// How many claims' keys are carried.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no claim's keys are carried.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Units of work whose new claims wait for one relation step, up to about this many claims.
const DERIVE_AFTER_CLAIMS: usize = 4096;

/// Whether the relation step runs: always, but in the benches that measure import without it.
#[cfg(feature = "synth")]
static RELATION_STEP: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

/// Turns the relation step on or off for the whole process (bench support, `synth` only, not
/// API): off, [`Ledger::derive`] derives nothing (no `claim_keys`, `found_relations` or
/// `version_order` rows) and import's planning thread computes no candidate keys, so that
/// `benches/ledger.rs` and `benches/relations.rs` can measure import with and without
/// relation finding in one binary. A database written with it off is incomplete.
#[cfg(feature = "synth")]
#[doc(hidden)]
pub fn set_relation_step(on: bool) {
    RELATION_STEP.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Whether the relation step runs (always, but in a bench that turned it off with
/// `set_relation_step`, `synth` only).
#[inline]
pub(crate) fn relation_step() -> bool {
    #[cfg(feature = "synth")]
    {
        RELATION_STEP.load(std::sync::atomic::Ordering::Relaxed)
    }
    #[cfg(not(feature = "synth"))]
    {
        true
    }
}

/// One transaction of the write path.
pub struct Ledger<'s> {
    writer: Writer<'s>,
    /// New objects of unknown types stored in this transaction.
    unknown: u64,
    /// Objects the relation step stored in this transaction: none since schema 4 (it writes
    /// index rows), kept for the sync machinery that offers them.
    derived: Vec<(i64, ObjectId)>,
    /// What the relation steps did, added up.
    stats: Derived,
    /// The claims the relation steps read and analysed, kept for the next steps.
    known: derive::Known,
    /// Objects the block list kept out in this transaction.
    refused: Vec<Blocked>,
    /// Whether the relation step is left to a later transaction ([`Ledger::defer_relations`]).
    deferred: bool,
    /// Whether each unit of work is an SQLite savepoint ([`Ledger::unit_savepoints`]).
    savepoints: bool,
    /// An optimistic unit failed: the transaction holds part of it ([`Ledger::unit`]).
    spoiled: bool,
}

/// An object the block list (`claims block`) kept out of the database: not stored, and the
/// rest of its batch stored without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    pub id: ObjectId,
    pub kind: String,
    pub reason: String,
}

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "object {} ({}) is refused: {}",
            self.id, self.kind, self.reason
        )
    }
}

impl<'s> Ledger<'s> {
    /// Starts a transaction (it holds the database's write lock until commit or drop).
    pub fn begin(store: &'s mut Store) -> Result<Ledger<'s>, StoreError> {
        Ok(Ledger {
            writer: store.writer()?,
            unknown: 0,
            derived: Vec::new(),
            stats: Derived::default(),
            known: derive::Known::default(),
            refused: Vec::new(),
            deferred: false,
            savepoints: false,
            spoiled: false,
        })
    }

    /// Leaves the relation step of everything this transaction stores to one pass over the
    /// whole database later ([`Ledger::settle`], or the next transaction that is not deferred):
    /// the derived rows are marked pending in this transaction, so a process killed before
    /// that pass leaves them pending, and whatever writes or reads relations next derives them
    /// first. The rows are the same either way (a function of the set of objects); one pass
    /// over many claims costs less than a step per batch (a key that passes the bound pairs
    /// nothing, and its rows are never written). A sync into an empty database takes this
    /// path (docs/sync.md).
    pub fn defer_relations(&mut self) -> Result<(), StoreError> {
        if !self.deferred {
            self.writer.mark_relations_pending()?;
            self.deferred = true;
        }
        Ok(())
    }

    /// The objects the block list kept out in this transaction so far.
    pub fn refused(&self) -> &[Blocked] {
        &self.refused
    }

    /// Stores one object and its index rows; returns false if it was already stored. Its
    /// relations (and, for a claim, its `claim_keys` rows) are derived at the next
    /// [`Ledger::derive`]: at the end of an [`Ledger::add`], between units once many claims
    /// wait, or at commit. Objects it refers to must be stored first.
    pub fn put(&mut self, object: impl Into<Received>) -> Result<bool, StoreError> {
        Ok(self.store(&object.into(), None)?.is_some())
    }

    /// [`Ledger::put`] of an object the caller keeps (a claim stored again at each of its
    /// mentions, a version whose text its mentions are made from); a claim may come with its
    /// candidate keys ([`crate::relate::candidate_keys`]), computed beforehand on another
    /// thread (the import planner's).
    pub fn put_ref(
        &mut self,
        object: &Received,
        keys: Option<Vec<(String, String)>>,
    ) -> Result<bool, StoreError> {
        Ok(self.store(object, keys)?.is_some())
    }

    /// The candidate keys given with claims (by [`Ledger::put_ref`]) that were found stored
    /// already, so not needed: for the caller to free on the thread that made them (import's
    /// planning thread). Freeing them here locked that thread's allocator arena for each of
    /// their strings, and the writing thread waited for the lock (docs/performance.md).
    pub fn take_unused_keys(&mut self) -> Vec<Vec<(String, String)>> {
        self.writer.take_unused_keys()
    }

    /// Every object goes in here: checked ([`admit`]), stored, and counted against the
    /// transaction's limit of objects of unknown types.
    fn store(
        &mut self,
        received: &Received,
        keys: Option<Vec<(String, String)>>,
    ) -> Result<Option<i64>, StoreError> {
        if crate::fault::fails("ledger-put") {
            return Err(StoreError::Refused {
                id: received.object.id,
                kind: received.object.kind.clone(),
                reason: "a fault was injected at ledger-put (CLAIMS_FAULT)".into(),
            });
        }
        if self.writer.unused_keys() >= UNUSED_KEYS_KEPT {
            drop_elsewhere(self.writer.take_unused_keys());
        }
        let unknown = admit(received)?;
        if matches!(received.body, Some(Body::Review(_))) {
            if self.deferred {
                // A review is matched against the stored claims' keys, which a deferred
                // transaction has not written: everything pending is derived now, and the
                // rest of this transaction takes the usual path.
                self.deferred = false;
                self.known.clear();
                self.derive()?;
            } else if self.writer.fresh_claims() > 0 {
                // A review is matched against the stored claims' keys: the claims waiting for
                // the relation step get theirs first.
                self.derive()?;
            }
        }
        if let Some(reason) = self.writer.blocked(received)? {
            self.refused.push(Blocked {
                id: received.object.id,
                kind: received.object.kind.clone(),
                reason,
            });
            return Ok(None);
        }
        let seq = self.writer.put(received, keys)?;
        if unknown && seq.is_some() {
            self.unknown += 1;
            if self.unknown > MAX_UNKNOWN_PER_TRANSACTION {
                return Err(StoreError::Refused {
                    id: received.object.id,
                    kind: received.object.kind.clone(),
                    reason: format!(
                        "more than {MAX_UNKNOWN_PER_TRANSACTION} objects of types this release \
                         does not know arrived together"
                    ),
                });
            }
        }
        Ok(seq)
    }

    /// Stores a batch, referenced types first (the sender's order within a type), then derives
    /// the relations of what was new.
    pub fn add(&mut self, mut batch: Vec<Received>) -> Result<Added, StoreError> {
        batch.sort_by_key(|o| rank(&o.object.kind));
        let mut stored = 0;
        let mut last_received = None;
        for object in &batch {
            if let Some(seq) = self.store(object, None)? {
                stored += 1;
                last_received = Some(seq);
            }
        }
        if batch.len() >= DROP_ELSEWHERE_FROM {
            drop_elsewhere(batch);
        }
        Ok(Added {
            stored,
            last_received,
            derived: self.derive()?,
        })
    }

    /// [`Ledger::add`] of a batch whose claims were analysed beforehand ([`Analysed::of`], on
    /// another thread).
    pub fn add_analysed(
        &mut self,
        batch: Vec<Received>,
        analysed: Analysed,
    ) -> Result<Added, StoreError> {
        self.known.give(analysed.0);
        let added = self.add(batch);
        self.known.forget_given();
        added
    }

    /// Derives the relations of everything stored since the last call (see [`derive`]).
    pub fn derive(&mut self) -> Result<Derived, StoreError> {
        if self.deferred || !relation_step() {
            // Left to the pass that settles the pending rows, which reads every claim (or, in a
            // bench that turned the step off, to nothing).
            self.writer.take_fresh();
            self.known.forget_given();
            return Ok(Derived::default());
        }
        let derived = derive::derive(&mut self.writer, &mut self.known)?;
        self.stats.add(&derived);
        Ok(derived)
    }

    /// What the relation steps of this transaction did so far, added up.
    pub fn stats(&self) -> &Derived {
        &self.stats
    }

    /// Derives what is pending in a database (one migrated to schema 4, or rebuilt: its
    /// found relations and version order), in one transaction. Nothing to do otherwise.
    pub fn settle(store: &'s mut Store) -> Result<Derived, StoreError> {
        Ledger::settle_with(store, ClaimKeys::default())
    }

    /// [`Ledger::settle`] with the candidate keys of (some of) the stored claims computed
    /// beforehand, on another thread ([`ClaimKeys`]): the pass computes only the others.
    pub fn settle_with(store: &'s mut Store, keys: ClaimKeys) -> Result<Derived, StoreError> {
        // Every row the pass writes refers to a claim or version it read in its transaction.
        store.without_foreign_key_checks(|store| {
            let mut ledger = Ledger::begin(store)?;
            ledger.known.carry(keys.0);
            let derived = ledger.derive()?;
            ledger.commit()?;
            Ok(derived)
        })
    }

    /// Runs `f` as one unit of work inside the transaction: what it stores is kept whole if it
    /// succeeds, never in part, and only what was kept has relations derived (at a later step
    /// of the same transaction, at the latest at commit). Several units share one commit.
    ///
    /// A unit is optimistic: nothing is copied to undo it (an SQLite savepoint copies every
    /// page it changes first, 12% of an import's writing thread). If `f` fails, what it wrote
    /// stays in the transaction, and the ledger is spoiled ([`Ledger::spoiled`]): every later
    /// unit and [`Ledger::commit`] fail with [`StoreError::Spoiled`], and the caller drops it
    /// (which rolls the whole transaction back) and writes the units it wants kept again in a
    /// new one (`import::run` writes the batch's earlier files again). After
    /// [`Ledger::unit_savepoints`], each unit is a savepoint instead: a unit that fails is
    /// undone, entirely, and the transaction goes on.
    pub fn unit<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E> {
        if self.spoiled {
            return Err(StoreError::Spoiled.into());
        }
        // Relations are derived for many units at once (one walk per distinct key), between
        // units: what a unit stored waits for the next step, at the latest at commit.
        if self.writer.fresh_claims() >= DERIVE_AFTER_CLAIMS {
            if let Err(e) = self.derive() {
                // The step may have written part of its rows.
                self.spoiled = !self.savepoints;
                return Err(e.into());
            }
        }
        if let Err(e) = self.writer.begin_unit(self.savepoints) {
            self.spoiled = !self.savepoints;
            return Err(e.into());
        }
        let derived_before = self.derived.len();
        let result = f(self);
        match result {
            Ok(t) => {
                self.writer.keep_unit()?;
                Ok(t)
            }
            Err(e) if !self.savepoints => {
                self.spoiled = true;
                Err(e)
            }
            Err(e) => {
                self.derived.truncate(derived_before);
                self.known.clear();
                self.writer.undo_unit()?;
                Err(e)
            }
        }
    }

    /// Makes each later unit of work of this transaction an SQLite savepoint ([`Ledger::unit`]):
    /// what a transaction that writes units again after a failed one takes, so that a second
    /// failure there costs nothing more.
    pub fn unit_savepoints(&mut self) {
        self.savepoints = true;
    }

    /// Whether an optimistic unit of work failed in this transaction ([`Ledger::unit`]): it can
    /// then only be dropped (rolled back).
    pub fn spoiled(&self) -> bool {
        self.spoiled
    }

    /// The `objects.seq` range written so far in the current unit (or the transaction).
    pub fn seq_range(&self) -> Option<(i64, i64)> {
        self.writer.seq_range()
    }

    /// `(seq, id)` of every object the relation step stored in this transaction so far.
    pub fn derived(&self) -> &[(i64, ObjectId)] {
        &self.derived
    }

    /// The sync state, inside this transaction.
    pub fn replica(&self) -> Replica<'_> {
        self.writer.replica()
    }

    /// The import log, inside this transaction.
    pub fn imports(&self) -> Imports<'_> {
        self.writer.imports()
    }

    /// The fetch facts and watch state, inside this transaction: a fetched version and where
    /// it came from are stored together.
    pub fn fetches(&self) -> crate::store::fetch::Fetches<'_> {
        self.writer.fetches()
    }

    /// Derives what is still pending, fills the full-text indexes and commits. Returns the
    /// objects the relation step stored in the whole transaction.
    pub fn commit(mut self) -> Result<Vec<(i64, ObjectId)>, StoreError> {
        if self.spoiled {
            return Err(StoreError::Spoiled);
        }
        self.derive()?;
        self.writer.commit()?;
        if self.stats.claims >= DROP_ELSEWHERE_FROM as u64 {
            drop_elsewhere(std::mem::take(&mut self.known));
        }
        Ok(self.derived)
    }
}

/// The most claims' unused candidate keys ([`Ledger::take_unused_keys`]) that wait for the
/// caller to take them; past this many they are freed by [`drop_elsewhere`].
const UNUSED_KEYS_KEPT: usize = 4096;

/// A batch of at least this many objects, or a transaction that derived the relations of at
/// least this many claims, is freed by [`drop_elsewhere`].
const DROP_ELSEWHERE_FROM: usize = 256;

/// Frees `value` on a thread of its own, so that the thread that stores (what a sync or an
/// import waits on) does not spend its time in the allocator: the objects of a sync's batch
/// with their typed bodies, and the claims a transaction's relation steps analysed (each
/// claim's words, terms and names), are thousands of small allocations. Freeing them was
/// 13% of the storing thread's CPU in a sync into an empty database (docs/performance.md,
/// "Freeing off the storing thread"). If no thread can be started, it is freed here.
fn drop_elsewhere<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .stack_size(64 * 1024)
        .spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::ObjectId;

    fn keys(n: usize, from: usize) -> ClaimKeys {
        ClaimKeys(
            (from..from + n)
                .map(|i| {
                    let id = ObjectId::of_bytes(&(i as u64).to_be_bytes());
                    (id, vec![("n:x".into(), String::new())])
                })
                .collect(),
        )
    }

    #[test]
    fn carried_keys_stop_at_the_bound() {
        let mut carried = ClaimKeys::default();
        carried.append(keys(ClaimKeys::MAX_CLAIMS - 10, 0));
        assert_eq!(carried.len(), ClaimKeys::MAX_CLAIMS - 10);
        carried.append(keys(25, ClaimKeys::MAX_CLAIMS));
        assert_eq!(carried.len(), ClaimKeys::MAX_CLAIMS);
        carried.append(keys(5, 2 * ClaimKeys::MAX_CLAIMS));
        assert_eq!(carried.len(), ClaimKeys::MAX_CLAIMS);
        // The first claims are the ones kept, in order.
        let last = carried.0.last().map(|(id, _)| *id);
        assert_eq!(
            last,
            keys(1, ClaimKeys::MAX_CLAIMS + 9)
                .0
                .first()
                .map(|(id, _)| *id)
        );
    }
}
