//! The hub side of the protocol: answers one request frame over a [`HubStore`]. The HTTP
//! server wraps it; `claims sync other.db` runs the same frames through it in-process.
//!
//! A hub needs only the handful of operations of [`HubStore`] from its storage. The SQLite
//! file implements it ([`sqlite`]); a second engine (PostgreSQL) can stand beside it.

pub mod postgres;
pub mod sqlite;

use super::reconcile;
use super::riblt;
use super::wire::{self, Limits, Mark, Reply, Request};
use super::{SyncError, Tampered};
use crate::model::Received;
use crate::objects::ObjectId;
use crate::store::StoreError;
use base64::Engine;

/// A push as the hub's storage receives it: verified objects and the cursor they earn.
#[derive(Debug, Clone)]
pub struct Push {
    /// The pushing replica's id.
    pub replica: String,
    /// "Every object of `replica` up to this mark is now stored here", when the client says so.
    pub cursor: Option<Mark>,
    /// Re-hashed objects, in the sender's order.
    pub objects: Vec<Received>,
    /// Who pushed (an address), and the bytes of the bodies, for the hub's log.
    pub from: String,
    pub bytes: u64,
    /// The hub user who pushed ('' without users).
    pub user: String,
}

/// What storing a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    /// Objects of the push that were new.
    pub stored: u64,
    /// The hub's head just before the push, and its mark just after the pushed objects (what
    /// the hub derived from them comes after it, for the client to pull), both taken inside
    /// the push's transaction.
    pub before: Mark,
    pub after: Mark,
}

/// What a hub needs of its storage.
pub trait HubStore {
    /// This replica's id, created on first use.
    fn replica_id(&mut self) -> Result<String, SyncError>;
    /// The newest `seq` (0 when empty).
    fn max_seq(&mut self) -> Result<i64, SyncError>;
    /// The mark at `seq`; `None` past the newest object.
    fn mark_at(&mut self, seq: i64) -> Result<Option<Mark>, SyncError>;
    /// How far this store holds the objects of replica `peer`.
    fn cursor(&mut self, peer: &str) -> Result<Option<Mark>, SyncError>;
    /// `(seq, id)` of the objects after `after`, in seq order, at most `limit`.
    fn ids_after(&mut self, after: i64, limit: u32) -> Result<Vec<(i64, ObjectId)>, SyncError>;
    /// The stored ids (as stored) and bodies in these inclusive seq runs, in seq order.
    fn bodies(&mut self, runs: &[(i64, i64)]) -> Result<Vec<(String, String)>, SyncError>;
    /// Which of these ids are stored.
    fn present(&mut self, ids: &[ObjectId]) -> Result<Vec<bool>, SyncError>;
    /// `(seq, id)` under an id prefix at seqs up to `upto`, in id order.
    fn ids_under(&mut self, prefix: &str, upto: i64) -> Result<Vec<(i64, ObjectId)>, SyncError>;
    /// The seq of each of these ids, 0 for one not stored.
    fn locate(&mut self, ids: &[ObjectId]) -> Result<Vec<i64>, SyncError>;
    /// The kept coded symbols ([`super::riblt::KEPT`] of them, [`super::riblt::to_blob`])
    /// and the seq they cover up to; `None` when none are kept yet.
    fn load_symbols(&mut self) -> Result<Option<(i64, Vec<u8>)>, SyncError>;
    /// Keeps coded symbols covering the ids up to seq `upto`.
    fn save_symbols(&mut self, upto: i64, blob: &[u8]) -> Result<(), SyncError>;
    /// Stores a push in one transaction (objects, what follows from them, the cursor), and
    /// logs it.
    fn push(&mut self, push: Push) -> Result<Pushed, SyncError>;
    /// Adds a user with the sha256 of its token; false if the name is taken.
    fn add_user(
        &mut self,
        name: &str,
        role: Role,
        token_hash: &[u8; 32],
    ) -> Result<bool, SyncError>;
    /// Revokes a user's token; false if there is no such user still active.
    fn revoke_user(&mut self, name: &str) -> Result<bool, SyncError>;
    /// The users, by name.
    fn users(&mut self) -> Result<Vec<wire::User>, SyncError>;
    /// The hub's users as `(name, role, sha256 of the token, revoked)`; none for a store
    /// without users.
    fn credentials(&mut self) -> Result<Vec<Credential>, SyncError> {
        Ok(Vec::new())
    }
}

/// A hub user as the server checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub name: String,
    pub role: Role,
    pub token_hash: [u8; 32],
    pub revoked: bool,
}

impl Credential {
    /// A stored user as the server checks it; `None` for a role this release does not know.
    pub(crate) fn from_stored(c: crate::store::postgres::StoredCredential) -> Option<Credential> {
        Some(Credential {
            role: Role::parse(&c.role)?,
            name: c.name,
            token_hash: c.token_hash,
            revoked: c.revoked,
        })
    }
}

/// A stored user as `claims hub user list` shows it (no token hash).
pub(crate) fn listed(u: crate::store::postgres::HubUser) -> wire::User {
    wire::User {
        name: u.name,
        role: u.role,
        created_at: u.created_at,
        revoked_at: u.revoked_at,
    }
}

/// What a hub user may do: `read` pulls, `write` also pushes, `admin` also manages users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Read,
    Write,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "read" => Some(Role::Read),
            "write" => Some(Role::Write),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
            Role::Admin => "admin",
        }
    }
}

/// Whether a request may push: the server decides from its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushRight {
    /// It may; the name is the hub user's ('' without users).
    Allowed(String),
    /// No token, or not the right one: 401.
    NeedsToken,
    /// A user whose role may not push: 403.
    Forbidden(String),
    /// A user whose role is `admin`: may push and manage users.
    Admin(String),
}

/// A reply frame and its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Pushing replicas whose unfinished article the hub may hold at once; a push past that is
/// stored as it comes.
const HELD_REPLICAS: usize = 64;

/// The hub over one store.
pub struct Hub<S: HubStore> {
    store: S,
    limits: Limits,
    replica: String,
    /// Per pushing replica, the objects of an article its last push (with `more`) started but
    /// may not have finished: stored with its next push (see [`Request::Push`]). Shared by
    /// the hubs of one server ([`Hub::sibling`]), whichever answers a replica's next push.
    held: Held,
}

type Held = std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, Vec<Received>>>>;

/// A refused request: status and message.
struct Refusal(u16, String);

impl From<SyncError> for Refusal {
    fn from(e: SyncError) -> Refusal {
        Refusal(500, e.to_string())
    }
}

impl<S: HubStore> Hub<S> {
    pub fn new(mut store: S, limits: Limits) -> Result<Hub<S>, SyncError> {
        let replica = store.replica_id()?;
        Ok(Hub {
            store,
            limits,
            replica,
            held: Held::default(),
        })
    }

    /// A hub over another connection to the same storage, sharing what this one holds back,
    /// for a server that answers several requests at once.
    pub fn sibling(&self, store: S) -> Result<Hub<S>, SyncError> {
        let mut hub = Hub::new(store, self.limits)?;
        hub.held = std::sync::Arc::clone(&self.held);
        Ok(hub)
    }

    /// The storage, for the server's user checks.
    pub fn store(&mut self) -> &mut S {
        &mut self.store
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn replica(&self) -> &str {
        &self.replica
    }

    /// Answers one request frame. `may_push` is false when the hub requires a token and the
    /// request did not carry the right one; `from` names the client in the sync log.
    pub fn handle(&mut self, frame: &[u8], may_push: bool, from: &str) -> Answer {
        let right = if may_push {
            PushRight::Allowed(String::new())
        } else {
            PushRight::NeedsToken
        };
        self.handle_as(frame, &right, from)
    }

    /// Answers one request frame of a caller whose right to push the server has decided.
    pub fn handle_as(&mut self, frame: &[u8], right: &PushRight, from: &str) -> Answer {
        if frame.len() as u64 > self.limits.max_request_bytes {
            return refuse(
                413,
                format!(
                    "the request is {} bytes, more than this hub accepts ({})",
                    frame.len(),
                    self.limits.max_request_bytes
                ),
            );
        }
        // The header alone first: a push is authorised, and its count checked, before any
        // body is looked at.
        let (request, rest) = match wire::decode_header::<Request>(frame) {
            Ok(r) => r,
            Err(e) => return refuse(400, e.to_string()),
        };
        if let Request::Push { count, .. } = &request {
            if let Err(Refusal(status, error)) = may_push(right) {
                return refuse(status, error);
            }
            if let Err(Refusal(status, error)) = self.too_many(*count as usize, "objects") {
                return refuse(status, error);
            }
        }
        // Protocol 3's messages with raw bytes (in the request, the reply, or both).
        if matches!(
            request,
            Request::Coded { .. } | Request::Locate { bytes: Some(_), .. }
        ) {
            let raw = match wire::raw_tail(rest, request.raw_len().unwrap_or(0)) {
                Ok(raw) => raw,
                Err(e) => return refuse(400, e.to_string()),
            };
            return match self.answer_raw(request, raw) {
                Ok((reply, raw)) => Answer {
                    status: 200,
                    body: wire::encode_raw(&reply, &raw),
                },
                Err(Refusal(status, error)) => refuse(status, error),
            };
        }
        let bodies = match wire::decode_bodies(rest, request.count(), self.limits.max_object_bytes)
        {
            Ok(b) => b,
            Err(e @ wire::WireError::TooLarge { .. }) => return refuse(413, e.to_string()),
            Err(e) => return refuse(400, e.to_string()),
        };
        match self.answer(request, bodies, right, from) {
            Ok((reply, bodies)) => Answer {
                status: 200,
                body: wire::encode(&reply, &bodies),
            },
            Err(Refusal(status, error)) => refuse(status, error),
        }
    }

    /// What of a push to store now, with which cursor: the objects held back from this
    /// replica's last push first, then this push's; with `more`, the last article it starts
    /// is held back for the next push, and the cursor (which covers it) is not recorded. What
    /// is held is at most about two requests of one replica, for [`HELD_REPLICAS`] replicas;
    /// past that a push is stored as it comes. Held objects the hub loses (a restart, a client
    /// that never returns) cost nothing: the client's cursor here did not move past them, so
    /// its next sync sends them again.
    fn hold_back(
        &mut self,
        replica: &str,
        pushed: Vec<Received>,
        cursor: Option<Mark>,
        more: bool,
    ) -> (Vec<Received>, Option<Mark>) {
        let mut held = match self.held.lock() {
            Ok(h) => h,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut objects = held.remove(replica).unwrap_or_default();
        let held_before = objects.len();
        objects.extend(pushed);
        if !more || held.len() >= HELD_REPLICAS {
            return (objects, cursor);
        }
        let Some(at) = super::apply::last_article_start(&objects, |o| o.object.kind.as_str())
        else {
            return (objects, cursor);
        };
        // An article that already filled what was held and a whole push goes in as it is.
        if at == 0 && held_before > 0 && objects.len() > 2 * self.limits.max_items as usize {
            return (objects, cursor);
        }
        let tail = objects.split_off(at);
        held.insert(replica.to_string(), tail);
        (objects, None)
    }

    fn too_many(&self, n: usize, what: &str) -> Result<(), Refusal> {
        if n > self.limits.max_items as usize {
            return Err(Refusal(
                413,
                format!(
                    "{n} {what} in one request, more than this hub accepts ({})",
                    self.limits.max_items
                ),
            ));
        }
        Ok(())
    }

    /// Answers `coded` and `locate` with raw ids (protocol 3).
    fn answer_raw(&mut self, request: Request, raw: &[u8]) -> Result<(Reply, Vec<u8>), Refusal> {
        match request {
            Request::Coded {
                from,
                to,
                upto,
                probe,
            } => {
                if to < from {
                    return Err(Refusal(
                        400,
                        format!("symbols from {from} to {to}: the end is before the start"),
                    ));
                }
                self.too_many((to - from).try_into().unwrap_or(usize::MAX), "symbols")?;
                let upto = upto.unwrap_or(i64::MAX);
                let max = u64::from(self.limits.max_items);
                let (end, want, symbols) = match probe {
                    None => (to, to, symbols(&mut self.store, from, to, upto)?),
                    Some(probe) => {
                        let probe = base64::engine::general_purpose::STANDARD
                            .decode(&probe)
                            .map_err(|e| Refusal(400, format!("the probe is not base64: {e}")))?;
                        // Its first symbols, for the probe and (when they are asked) the answer.
                        let mut kept = symbols(&mut self.store, 0, riblt::KEPT, upto)?;
                        let estimate = riblt::estimate(&kept, &probe).ok_or_else(|| {
                            Refusal(
                                400,
                                format!(
                                    "a probe is {} bytes, one per probe index; this one is {}",
                                    riblt::probe_indexes().count(),
                                    probe.len()
                                ),
                            )
                        })?;
                        let (end, want) = riblt::extent(from, to, max, Some(estimate));
                        let symbols = if end <= riblt::KEPT {
                            kept.truncate(end as usize);
                            kept.split_off(from.min(end) as usize)
                        } else {
                            symbols(&mut self.store, from, end, upto)?
                        };
                        (end, want, symbols)
                    }
                };
                let raw = riblt::pack_narrow(&symbols);
                Ok((
                    Reply::Coded {
                        from,
                        to: end,
                        want,
                        bytes: raw.len() as u64,
                    },
                    raw,
                ))
            }
            Request::Locate { ids: None, .. } => {
                let ids = riblt::from_raw_ids(raw).map_err(|e| Refusal(400, e))?;
                self.too_many(ids.len(), "ids")?;
                let seqs = self.store.locate(&ids)?;
                Ok((Reply::Locate { seqs }, Vec::new()))
            }
            other => Err(Refusal(
                400,
                format!("{} does not carry raw bytes this way", other.op()),
            )),
        }
    }

    fn answer(
        &mut self,
        request: Request,
        bodies: Vec<&str>,
        right: &PushRight,
        from: &str,
    ) -> Result<(Reply, Vec<String>), Refusal> {
        match request {
            Request::Hello { protocol, replica } => {
                if !(wire::OLDEST_PROTOCOL..=wire::PROTOCOL).contains(&protocol) {
                    return Err(Refusal(
                        400,
                        format!(
                            "protocol {protocol} is not spoken here (this hub speaks {} to {})",
                            wire::OLDEST_PROTOCOL,
                            wire::PROTOCOL
                        ),
                    ));
                }
                // Read each time: `claims sync` run on this file may have given it a new id.
                self.replica = self.store.replica_id()?;
                let max = self.store.max_seq()?;
                Ok((
                    Reply::Hello {
                        protocol,
                        replica: self.replica.clone(),
                        head: self.store.mark_at(max)?.unwrap_or(Mark::EMPTY),
                        your_cursor: self.store.cursor(&replica)?,
                        limits: self.limits,
                    },
                    vec![],
                ))
            }
            Request::Ids {
                after,
                expect,
                limit,
            } => {
                self.too_many(limit as usize, "ids")?;
                let here = self.store.mark_at(after)?;
                if let Some(expect) = expect {
                    if here.map(|m| m.chain) != Some(expect) {
                        return Ok((
                            Reply::Ids {
                                valid: false,
                                items: vec![],
                                end: Mark::EMPTY,
                                more: false,
                            },
                            vec![],
                        ));
                    }
                }
                let Some(start) = here else {
                    return Err(Refusal(
                        400,
                        format!("seq {after} is past this hub's newest object"),
                    ));
                };
                let max = self.store.max_seq()?;
                let items = self.store.ids_after(after, limit)?;
                let end = match items.last() {
                    Some(&(seq, _)) => self.store.mark_at(seq)?.unwrap_or(start),
                    None => start,
                };
                Ok((
                    Reply::Ids {
                        valid: true,
                        more: end.seq < max,
                        items,
                        end,
                    },
                    vec![],
                ))
            }
            Request::Fetch { runs } => {
                let asked: i64 = runs
                    .iter()
                    .map(|&(first, last)| last.saturating_sub(first).saturating_add(1).max(0))
                    .fold(0i64, i64::saturating_add);
                self.too_many(asked.max(runs.len() as i64) as usize, "objects")?;
                let stored = self.store.bodies(&runs)?;
                // Every body is re-hashed before it leaves: one that does not match its id
                // (the hub's file was edited or damaged) is never sent.
                let tampered: Vec<Tampered> = stored
                    .iter()
                    .filter_map(|(id, body)| Tampered::check(id, body))
                    .collect();
                if !tampered.is_empty() {
                    let list: Vec<String> = tampered
                        .iter()
                        .map(|t| format!("{} (its body hashes to {})", t.id, t.actual))
                        .collect();
                    return Err(Refusal(
                        500,
                        format!(
                            "{} object(s) stored at the hub do not match their ids (its \
                             database file was changed or damaged) and are not sent: {}; run \
                             `claims verify` on the hub",
                            tampered.len(),
                            list.join(", ")
                        ),
                    ));
                }
                let out: Vec<String> = stored.into_iter().map(|(_, body)| body).collect();
                Ok((
                    Reply::Fetch {
                        count: out.len() as u64,
                    },
                    out,
                ))
            }
            Request::Offer { ids } => {
                self.too_many(ids.len(), "ids")?;
                let have = self.store.present(&ids)?;
                let want = have
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| !**h)
                    .map(|(i, _)| i as u32)
                    .collect();
                Ok((Reply::Offer { want }, vec![]))
            }
            Request::Reconcile { ranges, upto } => {
                self.too_many(ranges.len(), "ranges")?;
                if let Some(bad) = ranges.iter().find(|r| !reconcile::valid_prefix(&r.prefix)) {
                    return Err(Refusal(
                        400,
                        format!("{:?} is not a range prefix", bad.prefix),
                    ));
                }
                // Ranges may not overlap (nor repeat): the ids one request makes the hub scan
                // are then at most the ids it holds.
                if let Some((a, b)) = reconcile::overlapping(&ranges) {
                    return Err(Refusal(
                        400,
                        format!("ranges {a:?} and {b:?} overlap; a request's ranges must not"),
                    ));
                }
                // The snapshot the client reconciles against: its head at hello. Objects
                // stored since are left for the next sync.
                let upto = upto.unwrap_or(i64::MAX);
                let mut out = Vec::with_capacity(ranges.len());
                for range in &ranges {
                    let ids = self.store.ids_under(&range.prefix, upto)?;
                    out.push(reconcile::answer(range, ids));
                }
                Ok((Reply::Reconcile { ranges: out }, vec![]))
            }
            Request::Symbols { from, to, upto } => {
                if to < from {
                    return Err(Refusal(
                        400,
                        format!("symbols from {from} to {to}: the end is before the start"),
                    ));
                }
                self.too_many((to - from).try_into().unwrap_or(usize::MAX), "symbols")?;
                let symbols = symbols(&mut self.store, from, to, upto.unwrap_or(i64::MAX))?;
                Ok((
                    Reply::Symbols {
                        symbols: super::riblt::pack(&symbols),
                    },
                    vec![],
                ))
            }
            Request::Coded { .. } => Err(Refusal(400, "coded is answered raw".into())),
            Request::Locate { ids, .. } => {
                let ids = ids.ok_or_else(|| Refusal(400, "locate names no ids".into()))?;
                let ids = super::riblt::unpack_ids(&ids).map_err(|e| Refusal(400, e))?;
                self.too_many(ids.len(), "ids")?;
                let seqs = self.store.locate(&ids)?;
                Ok((Reply::Locate { seqs }, vec![]))
            }
            Request::Users {} => {
                may_manage(right)?;
                Ok((
                    Reply::Users {
                        users: self.store.users()?,
                    },
                    vec![],
                ))
            }
            Request::UserAdd { name, role } => {
                may_manage(right)?;
                let role = Role::parse(&role).ok_or_else(|| {
                    Refusal(400, format!("{role:?} is not a role (read, write, admin)"))
                })?;
                if name.is_empty() || name.len() > 200 || name.chars().any(char::is_whitespace) {
                    return Err(Refusal(
                        400,
                        format!("{name:?}: a user name is not empty and has no spaces"),
                    ));
                }
                let token = new_token().map_err(|e| Refusal(500, e))?;
                let hash = super::server::token_hash(&token);
                if !self.store.add_user(&name, role, &hash)? {
                    return Err(Refusal(409, format!("user {name} exists already")));
                }
                Ok((Reply::UserAdd { token }, vec![]))
            }
            Request::UserRevoke { name } => {
                may_manage(right)?;
                let revoked = self.store.revoke_user(&name)?;
                Ok((Reply::UserRevoke { revoked }, vec![]))
            }
            Request::Push {
                replica,
                cursor,
                more,
                ..
            } => {
                let user = may_push(right)?;
                let pushed_now = verify_bodies(&bodies)?;
                let (objects, cursor) = self.hold_back(&replica, pushed_now, cursor, more);
                let pushed = self
                    .store
                    .push(Push {
                        replica,
                        cursor,
                        objects,
                        from: from.to_string(),
                        bytes: bodies.iter().map(|b| b.len() as u64 + 1).sum(),
                        user,
                    })
                    .map_err(|e| match e {
                        SyncError::Store(StoreError::Index { .. } | StoreError::Refused { .. }) => {
                            Refusal(422, format!("{e}; nothing was stored"))
                        }
                        e => Refusal::from(e),
                    })?;
                Ok((
                    Reply::Push {
                        stored: pushed.stored,
                        before: pushed.before,
                        after: pushed.after,
                    },
                    vec![],
                ))
            }
        }
    }
}

/// The coded symbols `[from, to)` ([`super::riblt`]) of the ids a store held up to seq
/// `upto`. The first [`riblt::KEPT`] are kept by the store and brought up to date here,
/// folding in only the objects stored since they were last kept (never all of them again);
/// objects past `upto` are taken out of the answer; symbols past the kept ones are computed
/// over every id.
pub fn symbols<S: HubStore + ?Sized>(
    store: &mut S,
    from: u64,
    to: u64,
    upto: i64,
) -> Result<Vec<riblt::Symbol>, SyncError> {
    let mut out = Vec::with_capacity(to.saturating_sub(from) as usize);
    if from < riblt::KEPT {
        let max = store.max_seq()?;
        let (mut at, mut kept) = match store.load_symbols()? {
            Some((at, blob)) if at <= max => match riblt::from_blob(&blob) {
                Some(kept) => (at, kept),
                None => (0, vec![riblt::Symbol::default(); riblt::KEPT as usize]),
            },
            // Kept past this store's head (it was restored from a backup): start again.
            _ => (0, vec![riblt::Symbol::default(); riblt::KEPT as usize]),
        };
        let was = at;
        loop {
            let batch = store.ids_after(at, 10_000)?;
            let Some(&(last, _)) = batch.last() else {
                break;
            };
            for (_, id) in &batch {
                riblt::apply(&mut kept, 0, id.as_bytes(), 1);
            }
            at = last;
        }
        if at != was {
            store.save_symbols(at, &riblt::to_blob(&kept))?;
        }
        out.extend_from_slice(&kept[from as usize..to.min(riblt::KEPT) as usize]);
        // The snapshot: what arrived after `upto` is taken out again.
        let mut after = upto.max(0);
        while after < at {
            let batch = store.ids_after(after, 10_000)?;
            let Some(&(last, _)) = batch.last() else {
                break;
            };
            for (seq, id) in &batch {
                if *seq <= at {
                    riblt::apply(&mut out, from, id.as_bytes(), -1);
                }
            }
            after = last;
        }
    }
    if to > riblt::KEPT {
        let start = from.max(riblt::KEPT);
        let ids = store.ids_under("", upto)?;
        out.extend(riblt::encode(ids.iter().map(|(_, id)| id), start, to));
    }
    Ok(out)
}

/// A new user token: 32 random bytes in hex.
pub fn new_token() -> Result<String, String> {
    let mut raw = [0u8; 32];
    getrandom::getrandom(&mut raw).map_err(|e| format!("no random bytes: {e}"))?;
    Ok(hex::encode(raw))
}

/// Whether the caller may manage users: only a user whose role is `admin`.
fn may_manage(right: &PushRight) -> Result<(), Refusal> {
    match right {
        PushRight::Admin(_) => Ok(()),
        PushRight::Allowed(user) | PushRight::Forbidden(user) if !user.is_empty() => Err(Refusal(
            403,
            format!("user {user} may not manage users (only an admin may)"),
        )),
        _ => Err(Refusal(
            401,
            "managing users needs the token of a user whose role is admin".to_string(),
        )),
    }
}

/// The hub user a push is stored for, or the refusal.
fn may_push(right: &PushRight) -> Result<String, Refusal> {
    match right {
        PushRight::Allowed(user) | PushRight::Admin(user) => Ok(user.clone()),
        PushRight::NeedsToken => Err(Refusal(
            401,
            "pushing to this hub needs its token (--token)".to_string(),
        )),
        PushRight::Forbidden(user) => Err(Refusal(
            403,
            format!("user {user} may not push to this hub (its role is read)"),
        )),
    }
}

/// Re-hashes every received body (their sizes were checked as they were split off); the whole
/// batch is refused if one is bad.
fn verify_bodies(bodies: &[&str]) -> Result<Vec<Received>, Refusal> {
    let mut out = Vec::with_capacity(bodies.len());
    for (i, body) in bodies.iter().enumerate() {
        let object = Received::from_body(body).map_err(|e| {
            Refusal(
                400,
                format!("object {i} of the push is refused: {e}; nothing was stored"),
            )
        })?;
        out.push(object);
    }
    Ok(out)
}

fn refuse(status: u16, error: String) -> Answer {
    Answer {
        status,
        body: wire::encode(&Reply::Error { status, error }, &[]),
    }
}
