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
//! - Every received body is re-hashed ([`Received::from_body`]) and stored through the ledger
//!   ([`apply`]), which indexes it and derives its relations exactly as for an import, in one
//!   transaction together with the cursor it earns.
//!
//! The phases, one module each: [`plan`] decides from the hello (pure); `pull` lists,
//! fetches on a thread of its own and stores; `push` offers and sends; [`apply`] stores
//! what arrived. [`hub`] answers protocol frames over a [`hub::HubStore`]; [`server`] serves a
//! hub over HTTP; [`peer`] reaches a hub over HTTP or another database file in-process;
//! [`bundle`] writes and applies bundle files. Only the CLI prints.

pub mod apply;
pub mod bundle;
mod error;
pub mod hub;
pub mod peer;
pub mod plan;
mod pull;
mod push;
pub mod reconcile;
pub mod riblt;
pub mod server;
mod session;
pub mod wire;

pub use error::{SyncError, Tampered};
pub use peer::Peer;
pub use plan::Mode;

use crate::model::Received;
use crate::objects::{Object, ObjectId};
use crate::store::replica::LogEntry;
use crate::store::Store;
use base64::Engine;
use plan::{Situation, Step};
use session::{unexpected, Session};
use wire::{Limits, Mark, Reply, Request};

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
    /// Objects received that this database's block list kept out (`claims block`).
    pub refused: Vec<crate::ledger::Blocked>,
    /// Objects the peer holds with bodies that do not match their ids: left out, and the sync
    /// fails with [`SyncError::PeerTampered`] after exchanging everything else.
    pub peer_tampered: Vec<Tampered>,
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
            refused: vec![],
            peer_tampered: vec![],
        },
        limits: Limits::default(),
        progress,
    };
    local.tune_for_sync(true)?;
    let outcome = drive(local, &mut s, options);
    // Also after a failure: fold the WAL back and restore the checkpoint setting, and log the
    // session with what it moved before it stopped.
    let checkpointed = local.checkpoint();
    if !options.dry_run {
        let logged = local.replica().log(&LogEntry {
            peer: s.report.peer.clone(),
            address: s.address.clone(),
            direction: "sync",
            sent: s.report.sent,
            received: s.report.received,
            bytes_sent: s.report.bytes_sent,
            bytes_received: s.report.bytes_received,
            round_trips: s.report.round_trips,
            mode: if outcome.is_ok() && s.report.peer_tampered.is_empty() {
                s.report.mode.as_str()
            } else {
                "failed"
            },
        });
        if outcome.is_ok() {
            logged?;
        }
    }
    outcome?;
    checkpointed?;
    if !s.report.peer_tampered.is_empty() {
        return Err(SyncError::PeerTampered {
            address: s.address,
            tampered: s.report.peer_tampered,
        });
    }
    Ok(s.report)
}

/// The state of one sync run after the hello.
struct Run {
    theirs: String,
    me: String,
    /// Our head when the run began.
    start: Mark,
    /// Every local object up to this seq is known to be at the peer once the pushes are done:
    /// `start`, extended over transactions of objects received from the peer that landed right
    /// after it (what the ledger derived in them is offered to the peer in the push).
    reach: i64,
    /// Our cursor for the peer as it advances.
    pull_mark: Option<Mark>,
    dry_run: bool,
    /// Objects received and stored (kept here while a fetch thread holds the session).
    received: u64,
    /// `(seq, id)` of what the ledger derived here from received objects: offered in the push.
    derived: Vec<(i64, ObjectId)>,
    /// With `dry_run`, what would have been stored.
    would_receive: Vec<Object>,
    /// What the block list kept out (kept here while a fetch thread holds the session).
    refused: Vec<crate::ledger::Blocked>,
    /// Whether received objects are stored with their relations left pending, to be derived
    /// in one pass when the pull ends ([`crate::ledger::Ledger::defer_relations`]): when this
    /// database was empty as the run began.
    defer_relations: bool,
    /// Whether a transaction of this run left them pending.
    relations_deferred: bool,
    /// The candidate keys of the claims received while they are deferred, computed on the
    /// fetching thread, for that pass.
    claim_keys: crate::ledger::ClaimKeys,
}

/// The sync itself; `s.report` says what it did, also when it fails part way.
fn drive(local: &mut Store, s: &mut Session<'_>, options: &Options) -> Result<(), SyncError> {
    let me = local.replica().ensure_id()?;
    let hello = |protocol| Request::Hello {
        protocol,
        replica: me.clone(),
    };
    // A hub that predates this protocol refuses it (400): then speak the one before with it.
    let mut protocol = wire::PROTOCOL;
    let answer = loop {
        match s.call(&hello(protocol), &[]) {
            Err(SyncError::Refused { status: 400, .. }) if protocol > wire::OLDEST_PROTOCOL => {
                protocol -= 1;
            }
            other => break other?,
        }
    };
    let (protocol, theirs, their_head, your_cursor, limits) = match answer {
        (
            Reply::Hello {
                protocol,
                replica,
                head,
                your_cursor,
                limits,
            },
            _,
        ) if (wire::OLDEST_PROTOCOL..=wire::PROTOCOL).contains(&protocol) => {
            (protocol, replica, head, your_cursor, limits)
        }
        (other, _) => return Err(unexpected("hello", &other)),
    };
    s.limits = limits;
    s.report.peer = theirs.clone();
    let start = local.replica().head()?;
    let situation = Situation {
        my_chain_there: match your_cursor {
            Some(c) => local.replica().chain_at(c.seq)?,
            None => None,
        },
        my_cursor: local.replica().cursor(&theirs)?,
        me,
        theirs,
        start,
        their_head,
        your_cursor,
        dry_run: options.dry_run,
    };
    let plan = plan::plan(&situation);
    let Situation { mut me, theirs, .. } = situation;
    if plan.new_replica_id {
        me = local.replica().regenerate_id()?;
        s.report.new_replica_id = Some(me.clone());
    }
    s.report.mode = plan.step.mode();
    let mut run = Run {
        theirs,
        me,
        start,
        reach: start.seq,
        pull_mark: None,
        dry_run: options.dry_run,
        received: 0,
        derived: vec![],
        would_receive: vec![],
        refused: vec![],
        defer_relations: start.seq == 0 && !options.dry_run,
        relations_deferred: false,
        claim_keys: Default::default(),
    };
    match plan.step {
        Step::InSync => return Ok(()),
        Step::Initial => {
            run.pull_since(local, s, Mark::EMPTY, false)?;
            return run.push(local, s, vec![], vec![], plan.push_from);
        }
        Step::Incremental {
            pull_after,
            push_after,
        } => {
            if run.pull_since(local, s, pull_after, true)? {
                let ours = local
                    .replica()
                    .ids_between(push_after, start.seq, u32::MAX)?;
                return run.push(local, s, vec![], ours, plan.push_from);
            }
            // The peer's chain at our cursor differs (a restored hub): reconcile fully.
            s.report.mode = Mode::Full;
        }
        Step::Full => {}
    }
    let max_ranges = s.limits.max_items as usize;
    // Both sides as they were when the run began: the hub at its head at hello, this side
    // at its own start. What either stores meanwhile is left for the next sync, and since an
    // object only refers to objects stored before it, what is fetched is closed over its
    // references.
    let upto = Some(their_head.seq);
    if their_head.seq == 0 {
        // An empty hub lacks everything here: nothing to reconcile.
        let give = local.replica().ids_between(0, start.seq, u32::MAX)?;
        return run.push(local, s, give, vec![], None);
    }
    if protocol >= 2 {
        // Protocol 3 sends symbols and ids raw, and the hub sizes its first answer from a
        // probe; protocol 2 sends them in base64 and doubles from 64 symbols.
        let narrow = protocol >= 3;
        let max_items = u64::from(s.limits.max_items.max(1));
        let session = std::cell::RefCell::new(&mut *s);
        let local_cell = std::cell::RefCell::new(&mut *local);
        let unreadable =
            |e: String| SyncError::Protocol(format!("the hub's symbols are not readable: {e}"));
        let mut ask = |from: u64, to: u64, probe: Option<&[u8]>| {
            if !narrow {
                return match session
                    .borrow_mut()
                    .call(&Request::Symbols { from, to, upto }, &[])?
                {
                    (Reply::Symbols { symbols }, _) => {
                        Ok((riblt::unpack(&symbols).map_err(unreadable)?, to))
                    }
                    (other, _) => Err(unexpected("symbols", &other)),
                };
            }
            let probe = probe.map(|p| base64::engine::general_purpose::STANDARD.encode(p));
            match session.borrow_mut().call_raw(
                &Request::Coded {
                    from,
                    to,
                    upto,
                    probe,
                },
                &[],
            )? {
                (Reply::Coded { from: at, want, .. }, raw) if at == from => {
                    Ok((riblt::unpack_narrow(&raw).map_err(unreadable)?, want))
                }
                (other, _) => Err(unexpected("coded", &other)),
            }
        };
        let diff = riblt::run(
            narrow,
            max_items,
            their_head.seq.max(0) as u64,
            &mut ask,
            |from, to| hub::symbols(&mut **local_cell.borrow_mut(), from, to, start.seq),
            |ids| Ok(local_cell.borrow().replica().locate(ids)?),
            |ids| {
                let mut seqs = Vec::with_capacity(ids.len());
                for chunk in ids.chunks(max_items as usize) {
                    let answer = if narrow {
                        let raw = riblt::raw_ids(chunk);
                        let request = Request::Locate {
                            ids: None,
                            bytes: Some(raw.len() as u64),
                        };
                        session.borrow_mut().call_raw(&request, &raw)?.0
                    } else {
                        let ids = Some(riblt::pack_ids(chunk));
                        let request = Request::Locate { ids, bytes: None };
                        session.borrow_mut().call(&request, &[])?.0
                    };
                    match answer {
                        Reply::Locate { seqs: found } => seqs.extend(found),
                        other => return Err(unexpected("locate", &other)),
                    }
                }
                Ok(seqs)
            },
        )?;
        run.fetch_and_apply(local, s, &diff.need, Some(their_head))?;
        return run.push(local, s, diff.give, vec![], None);
    }
    let diff = reconcile::run(
        |prefix| Ok(local.replica().ids_under(prefix, start.seq)?),
        max_ranges,
        |ranges| match s.call(&Request::Reconcile { ranges, upto }, &[])? {
            (Reply::Reconcile { ranges }, _) => Ok(ranges),
            (other, _) => Err(unexpected("reconcile", &other)),
        },
    )?;
    run.fetch_and_apply(local, s, &diff.need, Some(their_head))?;
    run.push(local, s, diff.give, vec![], None)
}

/// A worker thread's outcome, with a panic turned into an error naming the thread.
fn joined<T>(thread: &'static str, result: std::thread::Result<T>) -> Result<T, SyncError> {
    result.map_err(|panic| SyncError::Panicked {
        thread,
        message: crate::fault::panic_message(panic.as_ref()),
    })
}

/// Re-hashes received bodies in the listed order; they must be exactly the ones listed.
fn verify_listed(
    address: &str,
    bodies: &[String],
    listed: &[(i64, ObjectId)],
) -> Result<Vec<Received>, SyncError> {
    if bodies.len() != listed.len() {
        return Err(SyncError::Protocol(format!(
            "{address}: asked for {} objects, got {}",
            listed.len(),
            bodies.len()
        )));
    }
    let mut objects = Vec::with_capacity(bodies.len());
    for (index, (body, (seq, id))) in bodies.iter().zip(listed).enumerate() {
        let received = Received::from_body(body).map_err(|source| SyncError::BadObject {
            origin: address.to_string(),
            index,
            source,
        })?;
        if received.object.id != *id {
            return Err(SyncError::Protocol(format!(
                "{address}: the object listed as {id} (seq {seq}) arrived with a body that \
                 hashes to {}: refused, nothing of its batch was stored",
                received.object.id
            )));
        }
        objects.push(received);
    }
    Ok(objects)
}
