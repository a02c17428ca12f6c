//! Sync: merging two ledgers by set union, through a bundle file, another database file, or
//! an HTTP hub.
//!
//! The ledger is a grow-only set of content-addressed objects, so sync cannot conflict; what
//! can go wrong is losing or duplicating objects on an interrupted transfer, or two replicas
//! that believe they are in sync while they differ. The design (see `docs/sync.md`):
//!
//! - Every database has a replica id (UUID v7). Each side keeps, per peer, a *cursor*: "I hold
//!   every object that replica R had up to its own seq s", together with R's *chain hash* at s
//!   (a running sha256 over R's ids in arrival order). A cursor is only used after the chain
//!   hash is checked against the replica itself, so a copied database (same replica id,
//!   different history) or a restored hub cannot make a side skip objects.
//! - With valid cursors, a sync moves the ids after the cursors (one small hello when nothing
//!   changed) and then only the bodies the other side lacks. Without them it falls back to
//!   full range-based reconciliation ([`reconcile`]).
//! - Every received body is re-hashed ([`Received::from_body`], which also reads its typed body
//!   from the same parse) and each batch is stored in one transaction through the same code path
//!   as import, together with the cursor it earns. A fetching thread lists, fetches and
//!   re-hashes ahead while the calling thread stores, so the writer does not wait for the peer.
//!
//! [`hub`] answers protocol frames over a store; [`server`] serves a hub over HTTP; [`client`]
//! reaches a hub over HTTP or another database file in-process; [`bundle`] writes and applies
//! bundle files. Only the CLI prints.

pub mod bundle;
pub mod client;
pub mod hub;
pub mod reconcile;
pub mod server;
pub mod state;
pub mod wire;

use crate::model::Received;
use crate::objects::{Object, ObjectError, ObjectId};
use crate::store::{Store, StoreError};
use std::path::PathBuf;
use wire::{Limits, Mark, Reply, Request};

/// Why a sync failed. Whatever the cause, every batch already applied was complete and
/// verified, and the next sync carries on from there.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{address}: {message}")]
    Transport { address: String, message: String },
    #[error("{address}: refused (HTTP {status}): {message}")]
    Refused {
        address: String,
        status: u16,
        message: String,
    },
    #[error("the peer broke the protocol: {0}")]
    Protocol(String),
    #[error("{origin}: object {index} is refused: {source}; nothing of its batch was stored")]
    BadObject {
        origin: String,
        index: usize,
        source: ObjectError,
    },
    #[error("{0}: cannot sync a database with itself")]
    SameDatabase(PathBuf),
    #[error("{0}: not a hub address (use http://HOST:PORT, or a database path)")]
    BadAddress(String),
    #[error(transparent)]
    Bundle(#[from] bundle::BundleError),
}

impl From<rusqlite::Error> for SyncError {
    fn from(e: rusqlite::Error) -> SyncError {
        SyncError::Store(StoreError::Sql(e))
    }
}

/// One end of a sync, as seen by the side that drives it: exchanges one request frame for one
/// reply frame. An error status comes back as `(status, frame)`, not as `Err`.
pub trait Peer: Send {
    fn exchange(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError>;
    /// The URL or path, for messages and the sync log.
    fn address(&self) -> String;
}

/// How a sync went about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One hello showed both sides already hold each other's objects.
    InSync,
    /// Both cursors were valid: only what arrived after them was compared.
    Incremental,
    /// This side was empty: everything was pulled.
    Initial,
    /// Full range-based reconciliation (unknown peer, or a cursor that failed its check).
    Full,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::InSync => "in-sync",
            Mode::Incremental => "incremental",
            Mode::Initial => "initial",
            Mode::Full => "full",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Compute and fetch what would move, store nothing, send no objects.
    pub dry_run: bool,
}

/// Progress, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub phase: &'static str,
    pub done: u64,
    pub total: u64,
}

/// What a sync did (or, with `dry_run`, would do).
#[derive(Debug, Clone)]
pub struct Report {
    /// Objects sent to the peer.
    pub sent: u64,
    /// Objects received and newly stored here.
    pub received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub round_trips: u64,
    pub mode: Mode,
    pub peer: String,
    /// This database's new replica id, when a copy was detected and it got one.
    pub new_replica_id: Option<String>,
    /// With `dry_run`: the objects that would be sent and received.
    pub would_send: Vec<Object>,
    pub would_receive: Vec<Object>,
}

/// Objects per fetch request.
const FETCH_BATCH: usize = 5000;
/// Verified batches the fetching thread may hold ready while one is being stored.
const AHEAD: usize = 2;
/// A pull commits after this many objects, or after [`TX_TIME`]: fewer, larger transactions
/// write each index page to the WAL fewer times, and an interruption loses at most one.
const TX_OBJECTS: u64 = 20_000;
const TX_TIME: std::time::Duration = std::time::Duration::from_secs(2);
/// Bytes of bodies per push request (at most; also bounded by the hub's limits).
const PUSH_BYTES: u64 = 4 * 1024 * 1024;

struct Session<'a> {
    peer: &'a mut dyn Peer,
    address: String,
    report: Report,
    limits: Limits,
    progress: &'a mut (dyn FnMut(Progress) + Send),
}

impl Session<'_> {
    fn call(
        &mut self,
        request: &Request,
        bodies: &[String],
    ) -> Result<(Reply, Vec<String>), SyncError> {
        let frame = wire::encode(request, bodies);
        self.report.bytes_sent += frame.len() as u64;
        self.report.round_trips += 1;
        let (status, reply) = self.peer.exchange(frame)?;
        self.report.bytes_received += reply.len() as u64;
        match wire::decode_reply(&reply) {
            Ok((Reply::Error { status, error }, _)) => Err(SyncError::Refused {
                address: self.address.clone(),
                status,
                message: error,
            }),
            Ok(ok) if status == 200 => Ok(ok),
            Ok(_) | Err(_) if status != 200 => Err(SyncError::Refused {
                address: self.address.clone(),
                status,
                message: String::from_utf8_lossy(&reply).chars().take(200).collect(),
            }),
            Ok(_) => Err(SyncError::Protocol(format!(
                "{}: the reply to {} has status 200 but is not a reply",
                self.address,
                request.op()
            ))),
            Err(e) => Err(SyncError::Protocol(format!(
                "{}: the reply to {} is not readable: {e}",
                self.address,
                request.op()
            ))),
        }
    }
}

fn unexpected(op: &str, reply: &Reply) -> SyncError {
    let got = serde_json::to_value(reply)
        .ok()
        .and_then(|v| v.get("op").and_then(|o| o.as_str()).map(str::to_string))
        .unwrap_or_default();
    SyncError::Protocol(format!("asked {op}, the reply was {got:?}"))
}

/// Two-way sync of `local` with `peer`; afterwards both hold the union (unless `dry_run`).
pub fn sync(
    local: &mut Store,
    peer: &mut dyn Peer,
    options: &Options,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SyncError> {
    let address = peer.address();
    let mut s = Session {
        peer,
        address: address.clone(),
        report: Report {
            sent: 0,
            received: 0,
            bytes_sent: 0,
            bytes_received: 0,
            round_trips: 0,
            mode: Mode::Full,
            peer: String::new(),
            new_replica_id: None,
            would_send: vec![],
            would_receive: vec![],
        },
        limits: Limits::default(),
        progress,
    };
    state::tune_for_sync(local.conn(), true)?;
    let outcome = drive(local, &mut s, options);
    // Also after a failure: fold the WAL back and restore the checkpoint setting, and log the
    // session with what it moved before it stopped.
    let checkpointed = state::checkpoint(local.conn());
    if !options.dry_run {
        let logged = state::log(
            local.conn(),
            &state::LogEntry {
                peer: s.report.peer.clone(),
                address: s.address.clone(),
                direction: "sync",
                sent: s.report.sent,
                received: s.report.received,
                bytes_sent: s.report.bytes_sent,
                bytes_received: s.report.bytes_received,
                round_trips: s.report.round_trips,
                mode: if outcome.is_ok() {
                    s.report.mode.as_str()
                } else {
                    "failed"
                },
            },
        );
        if outcome.is_ok() {
            logged?;
        }
    }
    outcome?;
    checkpointed?;
    Ok(s.report)
}

/// The sync itself; `s.report` says what it did, also when it fails part way.
fn drive(local: &mut Store, s: &mut Session<'_>, options: &Options) -> Result<(), SyncError> {
    let mut me = state::ensure_replica_id(local.conn())?;
    let hello = Request::Hello {
        protocol: wire::PROTOCOL,
        replica: me.clone(),
    };
    let (theirs, their_head, your_cursor, limits) = match s.call(&hello, &[])? {
        (
            Reply::Hello {
                protocol,
                replica,
                head,
                your_cursor,
                limits,
            },
            _,
        ) if protocol == wire::PROTOCOL => (replica, head, your_cursor, limits),
        (other, _) => return Err(unexpected("hello", &other)),
    };
    s.limits = limits;
    s.report.peer = theirs.clone();
    let start = state::head(local.conn())?;

    // How far the peer holds our objects: trusted only if its mark matches our own chain.
    let mut push_from = None;
    let same_id = theirs == me;
    match your_cursor {
        _ if same_id => {}
        Some(c) if state::chain_at(local.conn(), c.seq)? == Some(c.chain) => {
            push_from = Some(c.seq)
        }
        Some(_) => {}
        None => {}
    }
    // A peer with our id, or a cursor for our id that our history contradicts: this file is
    // a copy of another replica (or that replica was restored). Take a new id, reconcile fully.
    if (same_id || (your_cursor.is_some() && push_from.is_none())) && !options.dry_run {
        me = state::regenerate_replica_id(local.conn())?;
        s.report.new_replica_id = Some(me.clone());
    }
    let pull_cursor = if same_id {
        None
    } else {
        state::cursor(local.conn(), &theirs)?
    };

    if push_from == Some(start.seq) && pull_cursor == Some(their_head) {
        s.report.mode = Mode::InSync;
        return Ok(());
    }

    let mut run = Run {
        theirs,
        me,
        start,
        reach: start.seq,
        pull_mark: None,
        dry_run: options.dry_run,
        received: 0,
        would_receive: vec![],
    };
    if start.seq == 0 {
        s.report.mode = Mode::Initial;
        run.pull_since(local, s, Mark::EMPTY, false)?;
        return run.push(local, s, vec![], false, push_from);
    }
    if let (Some(pc), Some(pf)) = (pull_cursor, push_from) {
        if pc.seq <= their_head.seq && run.pull_since(local, s, pc, true)? {
            s.report.mode = Mode::Incremental;
            let candidates = state::ids_between(local.conn(), pf, start.seq, u32::MAX)?;
            return run.push(local, s, candidates, true, push_from);
        }
    }
    s.report.mode = Mode::Full;
    let max_ranges = s.limits.max_items as usize;
    let diff = reconcile::run(local.conn(), max_ranges, |ranges| {
        match s.call(&Request::Reconcile { ranges }, &[])? {
            (Reply::Reconcile { ranges }, _) => Ok(ranges),
            (other, _) => Err(unexpected("reconcile", &other)),
        }
    })?;
    run.fetch_and_apply(local, s, &diff.need, Some(their_head))?;
    run.push(local, s, diff.give, false, None)
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
/// each, reading its typed body from the same parse; they must be exactly the ones listed.
fn fetch_verified(
    s: &mut Session<'_>,
    chunk: &[(i64, ObjectId)],
) -> Result<Vec<Received>, SyncError> {
    let request = Request::Fetch {
        runs: runs(chunk.iter().map(|(seq, _)| *seq)),
    };
    let bodies = match s.call(&request, &[])? {
        (Reply::Fetch { .. }, bodies) => bodies,
        (other, _) => return Err(unexpected("fetch", &other)),
    };
    if bodies.len() != chunk.len() {
        return Err(SyncError::Protocol(format!(
            "{}: asked for {} objects, got {}",
            s.address,
            chunk.len(),
            bodies.len()
        )));
    }
    let mut objects = Vec::with_capacity(bodies.len());
    for (index, (body, (seq, id))) in bodies.iter().zip(chunk).enumerate() {
        let received = Received::from_body(body).map_err(|source| SyncError::BadObject {
            origin: s.address.clone(),
            index,
            source,
        })?;
        if received.object.id != *id {
            return Err(SyncError::Protocol(format!(
                "{}: the object at seq {seq} is {}, not {id} as listed",
                s.address, received.object.id
            )));
        }
        objects.push(received);
    }
    Ok(objects)
}

/// What the fetching thread hands to the storing one.
enum Pulled {
    /// The peer's chain at the mark asked about differs: nothing was fetched.
    Invalid,
    /// Verified objects, to be stored in one transaction, and the cursor for the peer that this
    /// batch completes (the mark at the end of a listed page), if it completes one.
    Batch(Vec<Received>, Option<Mark>),
}

/// What to pull.
enum Want<'a> {
    /// What the peer lists after `mark`, page by page (first checking its chain at `mark` when
    /// `check`); with `here`, a read connection to this database, only what is not stored here.
    After {
        mark: Mark,
        check: bool,
        here: Option<rusqlite::Connection>,
    },
    /// These `(seq, id)` of the peer, then `end` as the cursor.
    These(&'a [(i64, ObjectId)], Option<Mark>),
}

/// The fetching side of a pull: lists, fetches and verifies, and sends the batches in order.
/// Runs on its own thread so that the storing thread never waits for the network, the peer
/// or the re-hashing; the channel's bound keeps it at most a few batches ahead.
struct Fetcher<'s, 'a> {
    s: &'s mut Session<'a>,
    out: std::sync::mpsc::SyncSender<Result<Pulled, SyncError>>,
    batch: usize,
    done: u64,
    total: u64,
}

impl Fetcher<'_, '_> {
    /// Hands a batch over; false when the storing side has stopped.
    fn send(&self, pulled: Pulled) -> bool {
        self.out.send(Ok(pulled)).is_ok()
    }

    /// Fetches one listed page in batches; the last batch carries `end`.
    fn page(&mut self, ids: &[(i64, ObjectId)], end: Option<Mark>) -> Result<bool, SyncError> {
        self.total += ids.len() as u64;
        if ids.is_empty() {
            return Ok(end.is_none() || self.send(Pulled::Batch(vec![], end)));
        }
        let n = ids.len().div_ceil(self.batch);
        for (k, chunk) in ids.chunks(self.batch).enumerate() {
            let objects = fetch_verified(self.s, chunk)?;
            self.done += chunk.len() as u64;
            if !self.send(Pulled::Batch(objects, if k + 1 == n { end } else { None })) {
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
            Want::These(ids, end) => return self.page(ids, end).map(|_| ()),
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
                Some(conn) => {
                    let ids: Vec<ObjectId> = items.iter().map(|(_, id)| *id).collect();
                    let have = state::present(conn, &ids)?;
                    items
                        .iter()
                        .zip(have)
                        .filter(|(_, h)| !h)
                        .map(|(i, _)| *i)
                        .collect()
                }
                None => items.clone(),
            };
            if !self.page(&want, Some(end))? {
                return Ok(());
            }
            cur = end;
            if !more || items.is_empty() {
                return Ok(());
            }
        }
    }
}

/// The state of one sync run after the hello.
struct Run {
    theirs: String,
    me: String,
    /// Our head when the run began.
    start: Mark,
    /// Every local object up to this seq is known to be at the peer once the pushes are done:
    /// `start`, extended over batches received from the peer that landed right after it.
    reach: i64,
    /// Our cursor for the peer as it advances.
    pull_mark: Option<Mark>,
    dry_run: bool,
    /// Objects received and stored (kept here while a fetch thread holds the session).
    received: u64,
    /// With `dry_run`, what would have been stored.
    would_receive: Vec<Object>,
}

impl Run {
    /// Pulls what the peer stored after `after`. Returns false if `check` was asked and the
    /// peer's chain at `after` differs (then nothing was done).
    fn pull_since(
        &mut self,
        local: &mut Store,
        s: &mut Session<'_>,
        after: Mark,
        check: bool,
    ) -> Result<bool, SyncError> {
        // Which listed objects are already here is asked on a connection of the fetching
        // thread's own. Not when this database was empty as the run began: then all that can
        // be here is what this pull stored (the peer lists each id once), or what a concurrent
        // import added, which the store skips.
        let here = if self.start.seq == 0 {
            None
        } else {
            Some(rusqlite::Connection::open_with_flags(
                local.path(),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?)
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
    fn fetch_and_apply(
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
    /// peer's chain did not match (nothing was stored).
    fn receive(
        &mut self,
        local: &mut Store,
        s: &mut Session<'_>,
        want: Want<'_>,
    ) -> Result<bool, SyncError> {
        let batch = FETCH_BATCH.min(s.limits.max_items.max(1) as usize);
        let session = &mut *s;
        let outcome = std::thread::scope(|scope| {
            let (out, batches) = std::sync::mpsc::sync_channel(AHEAD);
            let fetcher = scope.spawn(move || {
                let mut fetcher = Fetcher {
                    s: session,
                    out,
                    batch,
                    done: 0,
                    total: 0,
                };
                if let Err(e) = fetcher.run(want) {
                    let _ = fetcher.out.send(Err(e));
                }
            });
            // A third thread folds each committed transaction back from the WAL into the
            // database file while the next one is written, on a connection of its own (a
            // passive checkpoint never blocks the writer), instead of all at the end of the
            // session on this thread. Without that connection the session's final checkpoint
            // does it all.
            let (poke, pokes) = std::sync::mpsc::sync_channel::<()>(1);
            let folding = (!self.dry_run)
                .then(|| {
                    rusqlite::Connection::open_with_flags(
                        local.path(),
                        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
                            | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                    )
                    .ok()
                })
                .flatten();
            let checkpointer = scope.spawn(move || {
                if let Some(conn) = folding {
                    for () in pokes.iter() {
                        let _ = state::checkpoint_now(&conn);
                    }
                }
            });
            let outcome = loop {
                let stop = match batches.recv().ok() {
                    None => Some(Ok(true)),
                    Some(Ok(Pulled::Invalid)) => Some(Ok(false)),
                    Some(Err(e)) => Some(Err(e)),
                    Some(Ok(Pulled::Batch(objects, end))) => {
                        let stop = self.store_run(local, objects, end, &batches);
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
            let _ = fetcher.join();
            let _ = checkpointer.join();
            outcome
        });
        s.report.received += std::mem::take(&mut self.received);
        s.report.would_receive.append(&mut self.would_receive);
        outcome
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
        objects: Vec<Received>,
        end: Option<Mark>,
        incoming: &std::sync::mpsc::Receiver<Result<Pulled, SyncError>>,
    ) -> Option<Result<bool, SyncError>> {
        if self.dry_run {
            self.would_receive
                .extend(objects.into_iter().map(|r| r.object));
            return None;
        }
        let started = std::time::Instant::now();
        let mut applying = match state::Applying::begin(local) {
            Ok(a) => a,
            Err(e) => return Some(Err(e)),
        };
        let mut cursor = None;
        let mut next = Some((objects, end));
        let stop = loop {
            if let Some((objects, end)) = next.take() {
                if let Err(e) = applying.add(objects) {
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
                Ok(Ok(Pulled::Batch(objects, end))) => next = Some((objects, end)),
                Ok(Ok(Pulled::Invalid)) => break Some(Ok(false)),
                Ok(Err(e)) => break Some(Err(e)),
                Err(std::sync::mpsc::TryRecvError::Empty) => break None,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => break Some(Ok(true)),
            }
        };
        let applied = match applying.finish(&self.theirs, cursor.map(|m| (self.theirs.as_str(), m)))
        {
            Ok(a) => a,
            Err(e) => return Some(Err(e)),
        };
        self.received += applied.stored;
        if applied.before.seq == self.reach {
            self.reach = applied.after.seq;
        }
        if cursor.is_some() {
            self.pull_mark = cursor;
        }
        stop
    }

    /// Sends these local objects (in our seq order), asking first which the peer lacks when
    /// `offer`; every push carries the cursor it earns, the last one our final reach.
    fn push(
        &mut self,
        local: &mut Store,
        s: &mut Session<'_>,
        candidates: Vec<(i64, ObjectId)>,
        offer: bool,
        known: Option<i64>,
    ) -> Result<(), SyncError> {
        // 1. Which to send, and how far each prefix of the list covers.
        let mut wanted: Vec<(i64, ObjectId)> = Vec::new();
        let max_items = s.limits.max_items.max(1) as usize;
        if offer {
            for chunk in candidates.chunks(max_items) {
                let ids: Vec<ObjectId> = chunk.iter().map(|(_, id)| *id).collect();
                let want = match s.call(&Request::Offer { ids }, &[])? {
                    (Reply::Offer { want }, _) => want,
                    (other, _) => return Err(unexpected("offer", &other)),
                };
                let mut prev = None;
                for i in want {
                    let item = chunk.get(i as usize).copied();
                    if item.is_none() || prev.is_some_and(|p| p >= i) {
                        return Err(SyncError::Protocol(format!(
                            "{}: the offer reply names item {i} out of order or range",
                            s.address
                        )));
                    }
                    prev = Some(i);
                    wanted.extend(item);
                }
            }
        } else {
            wanted = candidates;
        }
        // 2. Batches by size; each push's cursor covers everything before its last object.
        let budget = PUSH_BYTES.min(s.limits.max_request_bytes / 2).max(1);
        let mut batches: Vec<Vec<(i64, String)>> = Vec::new();
        let mut current: Vec<(i64, String)> = Vec::new();
        let mut bytes = 0u64;
        for (seq, id) in &wanted {
            let Some(body) = state::body(local.conn(), id)? else {
                continue;
            };
            let len = body.len() as u64 + 1;
            if !current.is_empty() && (bytes + len > budget || current.len() >= max_items) {
                batches.push(std::mem::take(&mut current));
                bytes = 0;
            }
            bytes += len;
            current.push((*seq, body));
        }
        if !current.is_empty() {
            batches.push(current);
        }
        if self.dry_run {
            for (_, body) in batches.into_iter().flatten() {
                if let Ok(o) = Object::from_body(&body) {
                    s.report.would_send.push(o);
                }
            }
            return Ok(());
        }
        let total = wanted.len() as u64;
        let mut done = 0;
        let final_mark = state::mark_at(local.conn(), self.reach)?.unwrap_or(self.start);
        let n = batches.len();
        for (i, batch) in batches.into_iter().enumerate() {
            let cursor = if i + 1 == n {
                final_mark
            } else {
                let seq = batch.last().map_or(0, |b| b.0);
                state::mark_at(local.conn(), seq)?.unwrap_or(Mark::EMPTY)
            };
            let bodies: Vec<String> = batch.into_iter().map(|(_, b)| b).collect();
            done += bodies.len() as u64;
            self.send(local, s, bodies, cursor)?;
            (s.progress)(Progress {
                phase: "sending",
                done,
                total,
            });
        }
        if n == 0 && known != Some(final_mark.seq) {
            // Only a cursor to record: a hub that wants a token for that (cursors steer what
            // others skip) refuses it, which costs this read-only client a reconciliation
            // next time, nothing more.
            match self.send(local, s, vec![], final_mark) {
                Err(SyncError::Refused { status: 401, .. }) => {}
                other => other?,
            }
        }
        Ok(())
    }

    fn send(
        &mut self,
        local: &Store,
        s: &mut Session<'_>,
        bodies: Vec<String>,
        cursor: Mark,
    ) -> Result<(), SyncError> {
        let count = bodies.len() as u64;
        let request = Request::Push {
            replica: self.me.clone(),
            cursor: Some(cursor),
            count,
        };
        let (before, after) = match s.call(&request, &bodies)? {
            (Reply::Push { before, after, .. }, _) => (before, after),
            (other, _) => return Err(unexpected("push", &other)),
        };
        s.report.sent += count;
        // If nothing else reached the peer since we pulled, our cursor for it moves past what
        // we just sent, so the next sync does not list our own objects back to us.
        if self.pull_mark == Some(before) && before != after {
            state::set_cursor(local.conn(), &self.theirs, after)?;
            self.pull_mark = Some(after);
        }
        Ok(())
    }
}
