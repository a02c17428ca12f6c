//! Pulling: a thread lists, fetches and re-hashes what the peer has, while the calling thread
//! stores it through the ledger, batch by batch, each transaction with the cursor it earns.

use super::apply::{split_last_article, Applying};
use super::session::{unexpected, Session};
use super::wire::{Mark, Reply, Request};
use super::{joined, verify_listed, Progress, Run, SyncError, Tampered};
use crate::ledger::{Analysed, ClaimKeys};
use crate::model::Received;
use crate::objects::ObjectId;
use crate::store::Store;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError};

/// Objects per fetch request.
const FETCH_BATCH: usize = 5000;
/// Verified batches the fetching thread may hold ready while one is being stored.
const AHEAD: usize = 2;
/// A pull commits after this many objects, or after [`TX_TIME`]: fewer, larger transactions
/// write each index page to the WAL fewer times, and an interruption loses at most one.
const TX_OBJECTS: u64 = 20_000;
const TX_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// What the fetching thread hands to the storing one.
enum Pulled {
    /// The peer's chain at the mark asked about differs: nothing was fetched.
    Invalid,
    /// Verified objects, to be stored in one transaction, and the cursor for the peer that this
    /// batch completes (the mark at the end of a listed page), if it completes one.
    /// Its claims come analysed for the relation step, on the fetching thread: their facts
    /// and keys, or, when the relation step is deferred to one pass at the end, their keys
    /// alone, which that pass takes.
    Batch(Vec<Received>, Option<Mark>, Analysed, ClaimKeys),
}

/// What to pull.
enum Want<'a> {
    /// What the peer lists after `mark`, page by page (first checking its chain at `mark` when
    /// `check`); with `here`, this database read on a connection of the fetching thread's own,
    /// only what is not stored here.
    After {
        mark: Mark,
        check: bool,
        here: Option<Store>,
    },
    /// These `(seq, id)` of the peer, then `end` as the cursor.
    These(&'a [(i64, ObjectId)], Option<Mark>),
}

/// Runs of consecutive seqs: `[1, 2, 3, 7]` gives `[(1, 3), (7, 7)]`.
fn runs(seqs: impl Iterator<Item = i64>) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for seq in seqs {
        match out.last_mut() {
            Some((_, last)) if *last + 1 == seq => *last = seq,
            _ => out.push((seq, seq)),
        }
    }
    out
}

/// Fetches these objects (the peer's seq and the id it listed, in seq order) and re-hashes
/// each, reading its typed body from the same parse.
///
/// A peer that refuses because some of its stored bodies no longer match their ids (its file
/// was edited or damaged; the refusal names them) does not stop the sync: those objects are
/// left out, returned as [`Tampered`], and the rest is fetched again without them.
fn fetch_verified(
    s: &mut Session<'_>,
    chunk: &[(i64, ObjectId)],
) -> Result<(Vec<Received>, Vec<Tampered>), SyncError> {
    let mut chunk = chunk.to_vec();
    let mut skipped = Vec::new();
    loop {
        if chunk.is_empty() {
            return Ok((vec![], skipped));
        }
        let request = Request::Fetch {
            runs: runs(chunk.iter().map(|(seq, _)| *seq)),
        };
        let bodies = match s.call(&request, &[]) {
            Ok((Reply::Fetch { .. }, bodies)) => bodies,
            Ok((other, _)) => return Err(unexpected("fetch", &other)),
            Err(e) => {
                let bad = tampered_in(&e, &chunk);
                if bad.is_empty() {
                    return Err(e);
                }
                chunk.retain(|(_, id)| !bad.iter().any(|t| t.id == id.to_hex()));
                skipped.extend(bad);
                continue;
            }
        };
        return Ok((verify_listed(&s.address, &bodies, &chunk)?, skipped));
    }
}

/// The objects of `chunk` that a refusal says are stored at the peer with bodies that do not
/// match their ids (the hub's 500 names each as `ID (its body hashes to ACTUAL)`).
fn tampered_in(e: &SyncError, chunk: &[(i64, ObjectId)]) -> Vec<Tampered> {
    let SyncError::Refused {
        status: 500,
        message,
        ..
    } = e
    else {
        return vec![];
    };
    if !message.contains("do not match their ids") {
        return vec![];
    }
    chunk
        .iter()
        .filter_map(|(_, id)| {
            let id = id.to_hex();
            let at = message.find(&format!("{id} (its body hashes to "))?;
            let rest = &message[at + id.len() + " (its body hashes to ".len()..];
            let actual: String = rest.chars().take_while(char::is_ascii_hexdigit).collect();
            Some(Tampered { id, actual })
        })
        .collect()
}

/// The fetching side of a pull: lists, fetches and verifies, analyses the claims for the
/// relation step ([`Analysed`]), and sends the batches in order.
/// Runs on its own thread so that the storing thread never waits for the network, the peer
/// or the re-hashing; the channel's bound keeps it at most a few batches ahead.
///
/// Batches are cut before the last article they start (a document or version and what follows
/// it), which travels with the next batch: the ledger then sees a version with its mentions and
/// derives its relations from all of them.
struct Fetcher<'s, 'a> {
    s: &'s mut Session<'a>,
    out: SyncSender<Result<Pulled, SyncError>>,
    batch: usize,
    done: u64,
    total: u64,
    /// The tail of the last batch, sent with the next one.
    carry: Vec<Received>,
    /// A page end whose objects are all fetched, waiting for the carry to be sent.
    pending_end: Option<Mark>,
    /// Whether an object was left out because the peer's body for it does not match its id:
    /// then no later cursor is recorded, so that the next sync lists it again (and never
    /// says "in sync" while it is missing here).
    skipped: bool,
    /// The objects left out so far: those and what refers to them (a version of a document
    /// left out would be refused by the ledger, and with it its whole batch).
    left_out: std::collections::HashSet<ObjectId>,
    /// Whether to analyse the claims for the relation step (not when the storing side leaves
    /// their relations to one pass at the end).
    analyse: bool,
}

impl Fetcher<'_, '_> {
    /// Hands a batch over; false when the storing side has stopped.
    fn send(&self, pulled: Pulled) -> bool {
        let pulled = match pulled {
            Pulled::Batch(objects, end, _, _) if self.analyse => {
                let analysed = Analysed::of(&objects);
                Pulled::Batch(objects, end, analysed, ClaimKeys::default())
            }
            Pulled::Batch(objects, end, _, _) => {
                let keys = ClaimKeys::of(&objects);
                Pulled::Batch(objects, end, Analysed::default(), keys)
            }
            other => other,
        };
        self.out.send(Ok(pulled)).is_ok()
    }

    /// Fetches one listed page in batches; `end` is the page's last mark, `last` says whether
    /// more pages follow. Returns false when the storing side has stopped.
    fn page(
        &mut self,
        ids: &[(i64, ObjectId)],
        end: Option<Mark>,
        last: bool,
    ) -> Result<bool, SyncError> {
        self.total += ids.len() as u64;
        if ids.is_empty() {
            if self.carry.is_empty() || last {
                let end = end.or(self.pending_end.take()).filter(|_| !self.skipped);
                let carry = std::mem::take(&mut self.carry);
                return Ok((end.is_none() && carry.is_empty())
                    || self.send(Pulled::Batch(
                        carry,
                        end,
                        Analysed::default(),
                        ClaimKeys::default(),
                    )));
            }
            self.pending_end = end.or(self.pending_end);
            return Ok(true);
        }
        let n = ids.len().div_ceil(self.batch);
        for (k, chunk) in ids.chunks(self.batch).enumerate() {
            crate::fault::point("sync-fetch");
            let (mut objects, tampered) = fetch_verified(self.s, chunk)?;
            if !tampered.is_empty() {
                self.skipped = true;
                self.pending_end = None;
                self.left_out
                    .extend(tampered.iter().filter_map(|t| ObjectId::parse(&t.id).ok()));
                self.s.report.peer_tampered.extend(tampered);
            }
            if !self.left_out.is_empty() {
                // In seq order, so what refers to an object comes after it.
                let left_out = &mut self.left_out;
                objects.retain(|r| {
                    let refers = r
                        .body
                        .as_ref()
                        .is_some_and(|b| b.references().iter().any(|id| left_out.contains(id)));
                    if refers {
                        left_out.insert(r.object.id);
                    }
                    !refers
                });
            }
            self.done += chunk.len() as u64;
            let page_done = k + 1 == n;
            let mut batch = std::mem::take(&mut self.carry);
            batch.extend(objects);
            if !(page_done && last) {
                self.carry = split_last_article(&mut batch, |r| r.object.kind.as_str());
            }
            // A page's end is a valid cursor once every object up to it is sent.
            let mark = if page_done && self.carry.is_empty() {
                end.or(self.pending_end.take())
            } else {
                self.pending_end.take()
            };
            if page_done && !self.carry.is_empty() {
                self.pending_end = end;
            }
            let mark = mark.filter(|_| !self.skipped);
            let pulled = Pulled::Batch(batch, mark, Analysed::default(), ClaimKeys::default());
            if !self.send(pulled) {
                return Ok(false);
            }
            (self.s.progress)(Progress {
                phase: "receiving",
                done: self.done,
                total: self.total,
            });
        }
        Ok(true)
    }

    fn run(&mut self, want: Want<'_>) -> Result<(), SyncError> {
        let (mut cur, check, here) = match want {
            Want::These(ids, end) => return self.page(ids, end, true).map(|_| ()),
            Want::After { mark, check, here } => (mark, check, here),
        };
        let mut first = true;
        loop {
            let request = Request::Ids {
                after: cur.seq,
                expect: (check && first).then_some(cur.chain),
                limit: self.s.limits.max_items.min(10_000),
            };
            let (valid, items, end, more) = match self.s.call(&request, &[])? {
                (
                    Reply::Ids {
                        valid,
                        items,
                        end,
                        more,
                    },
                    _,
                ) => (valid, items, end, more),
                (other, _) => return Err(unexpected("ids", &other)),
            };
            if !valid {
                self.send(Pulled::Invalid);
                return Ok(());
            }
            first = false;
            let ordered = items.windows(2).all(|w| w[0].0 < w[1].0);
            let after_cur = items.first().is_none_or(|f| f.0 > cur.seq);
            let end_ok = items.last().map_or(end.seq == cur.seq, |l| l.0 == end.seq);
            if !ordered || !after_cur || !end_ok {
                return Err(SyncError::Protocol(format!(
                    "{}: the ids after seq {} are not in seq order",
                    self.s.address, cur.seq
                )));
            }
            let want: Vec<(i64, ObjectId)> = match &here {
                Some(store) => {
                    let ids: Vec<ObjectId> = items.iter().map(|(_, id)| *id).collect();
                    let have = store.replica().present(&ids)?;
                    items
                        .iter()
                        .zip(have)
                        .filter(|(_, h)| !h)
                        .map(|(i, _)| *i)
                        .collect()
                }
                None => items.clone(),
            };
            let last = !more || items.is_empty();
            if !self.page(&want, Some(end), last)? {
                return Ok(());
            }
            cur = end;
            if last {
                return Ok(());
            }
        }
    }
}

impl Run {
    /// Pulls what the peer stored after `after`. Returns false if `check` was asked and the
    /// peer's chain at `after` differs (then nothing was done).
    pub(super) fn pull_since(
        &mut self,
        local: &mut Store,
        s: &mut Session<'_>,
        after: Mark,
        check: bool,
    ) -> Result<bool, SyncError> {
        // Which listed objects are already here is asked on a connection of the fetching
        // thread's own. Not when this database was empty as the run began: then all that can
        // be here is what this pull stored (the peer lists each id once), or what a concurrent
        // import added, which the ledger skips.
        let here = if self.start.seq == 0 {
            None
        } else {
            Some(Store::open_read_only(local.path())?)
        };
        self.receive(
            local,
            s,
            Want::After {
                mark: after,
                check,
                here,
            },
        )
    }

    /// Fetches these objects (in the peer's seq order) and stores them batch by batch; the last
    /// batch also records `end` as our cursor for the peer.
    pub(super) fn fetch_and_apply(
        &mut self,
        local: &mut Store,
        s: &mut Session<'_>,
        ids: &[(i64, ObjectId)],
        end: Option<Mark>,
    ) -> Result<(), SyncError> {
        self.receive(local, s, Want::These(ids, end)).map(|_| ())
    }

    /// A thread fetches and re-hashes (see [`Fetcher`]) while this one stores each batch, in
    /// order, in a transaction of its own with the cursor it earns. Returns false when the
    /// peer's chain did not match (nothing was stored). A panic of either helper thread is an
    /// error ([`SyncError::Panicked`]), never a pull that looks complete.
    fn receive(
        &mut self,
        local: &mut Store,
        s: &mut Session<'_>,
        want: Want<'_>,
    ) -> Result<bool, SyncError> {
        let batch = FETCH_BATCH.min(s.limits.max_items.max(1) as usize);
        let analyse = !self.defer_relations;
        let session = &mut *s;
        // A third thread folds each committed transaction back from the WAL into the database
        // file while the next one is written, on a connection of its own (a passive checkpoint
        // never blocks the writer), instead of all at the end of the session on this thread.
        // Without that connection the session's final checkpoint does it all.
        let folding = if self.dry_run {
            None
        } else {
            Store::open_existing(local.path()).ok()
        };
        let outcome = std::thread::scope(|scope| {
            let (out, batches) = std::sync::mpsc::sync_channel(AHEAD);
            let fetcher = scope.spawn(move || {
                let mut fetcher = Fetcher {
                    s: session,
                    out,
                    batch,
                    done: 0,
                    total: 0,
                    carry: Vec::new(),
                    pending_end: None,
                    skipped: false,
                    left_out: Default::default(),
                    analyse,
                };
                if let Err(e) = fetcher.run(want) {
                    let _ = fetcher.out.send(Err(e));
                }
            });
            let (poke, pokes) = std::sync::mpsc::sync_channel::<()>(1);
            let checkpointer = scope.spawn(move || {
                if let Some(store) = folding {
                    for () in pokes.iter() {
                        let _ = store.checkpoint_now();
                    }
                }
            });
            let outcome = loop {
                let stop = match batches.recv().ok() {
                    None => Some(Ok(true)),
                    Some(Ok(Pulled::Invalid)) => Some(Ok(false)),
                    Some(Err(e)) => Some(Err(e)),
                    Some(Ok(Pulled::Batch(objects, end, analysed, keys))) => {
                        self.claim_keys.append(keys);
                        let stop = self.store_run(local, (objects, end, analysed), &batches);
                        // If the checkpointer is still busy, its next pass takes this too.
                        let _ = poke.try_send(());
                        stop
                    }
                };
                if let Some(stop) = stop {
                    break stop;
                }
            };
            drop(batches);
            drop(poke);
            let fetched = joined("fetch", fetcher.join());
            let folded = joined("checkpoint", checkpointer.join());
            // A panic explains a pull that ended early: it comes first.
            fetched.and(folded).and(outcome)
        });
        s.report.received += std::mem::take(&mut self.received);
        s.report.refused.append(&mut self.refused);
        s.report.would_receive.append(&mut self.would_receive);
        // What the run left pending is derived in one pass, also after a failure (what was
        // committed is kept); if that fails too, it stays pending for the next write or read.
        let settled = if std::mem::take(&mut self.relations_deferred) {
            let keys = std::mem::take(&mut self.claim_keys);
            crate::ledger::Ledger::settle_with(local, keys)
                .map(|_| ())
                .map_err(SyncError::from)
        } else {
            Ok(())
        };
        outcome.and_then(|o| settled.map(|()| o))
    }

    /// Stores this batch and those that follow in one transaction, until it holds
    /// [`TX_OBJECTS`] objects or has been open [`TX_TIME`], or the fetching side stops; the
    /// transaction also records the newest cursor its batches complete. Returns what stopped
    /// the pull, if something did: its end (true), a chain that did not match (false), or an
    /// error. The batches before a failed fetch are kept; a failed store keeps nothing of its
    /// transaction.
    fn store_run(
        &mut self,
        local: &mut Store,
        (objects, end, analysed): (Vec<Received>, Option<Mark>, Analysed),
        incoming: &Receiver<Result<Pulled, SyncError>>,
    ) -> Option<Result<bool, SyncError>> {
        if self.dry_run {
            self.would_receive
                .extend(objects.into_iter().map(|r| r.object));
            return None;
        }
        let started = std::time::Instant::now();
        let mut applying = match Applying::begin(local) {
            Ok(a) => a,
            Err(e) => return Some(Err(e)),
        };
        if self.defer_relations {
            if let Err(e) = applying.defer_relations() {
                return Some(Err(e));
            }
            self.relations_deferred = true;
        }
        let mut cursor = None;
        let mut next = Some((objects, end, analysed));
        let stop = loop {
            if let Some((objects, end, analysed)) = next.take() {
                if let Err(e) = applying.add_analysed(objects, analysed) {
                    return Some(Err(e));
                }
                cursor = end.or(cursor);
            }
            if applying.added() >= TX_OBJECTS || started.elapsed() >= TX_TIME {
                break None;
            }
            // Only batches already fetched join the transaction: it never holds the write lock
            // while waiting for the network.
            match incoming.try_recv() {
                Ok(Ok(Pulled::Batch(objects, end, analysed, keys))) => {
                    self.claim_keys.append(keys);
                    next = Some((objects, end, analysed));
                }
                Ok(Ok(Pulled::Invalid)) => break Some(Ok(false)),
                Ok(Err(e)) => break Some(Err(e)),
                Err(TryRecvError::Empty) => break None,
                Err(TryRecvError::Disconnected) => break Some(Ok(true)),
            }
        };
        let applied = match applying.finish(&self.theirs, cursor.map(|m| (self.theirs.as_str(), m)))
        {
            Ok(a) => a,
            Err(e) => return Some(Err(e)),
        };
        self.received += applied.stored;
        self.derived.extend(applied.derived);
        self.refused.extend(applied.refused);
        if applied.before.seq == self.reach {
            self.reach = applied.after.seq;
        }
        if cursor.is_some() {
            self.pull_mark = cursor;
        }
        stop
    }
}
