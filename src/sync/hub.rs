//! The hub side of the protocol: answers one request frame over a store. The HTTP server
//! wraps it; `claims sync other.db` runs the same frames through it in-process.

use super::reconcile;
use super::state;
use super::wire::{self, Limits, Mark, Reply, Request};
use super::SyncError;
use crate::model::Received;
use crate::store::Store;

/// A reply frame and its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

/// The hub over one database.
pub struct Hub {
    store: Store,
    limits: Limits,
    replica: String,
}

/// A refused request: status and message.
struct Refusal(u16, String);

impl From<SyncError> for Refusal {
    fn from(e: SyncError) -> Refusal {
        Refusal(500, e.to_string())
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Refusal {
        Refusal(500, e.to_string())
    }
}

impl From<crate::store::StoreError> for Refusal {
    fn from(e: crate::store::StoreError) -> Refusal {
        Refusal(500, e.to_string())
    }
}

impl Hub {
    pub fn new(store: Store, limits: Limits) -> Result<Hub, SyncError> {
        state::tune_for_sync(store.conn(), false)?;
        let replica = state::ensure_replica_id(store.conn())?;
        Ok(Hub {
            store,
            limits,
            replica,
        })
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    pub fn replica(&self) -> &str {
        &self.replica
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Answers one request frame. `may_push` is false when the hub requires a token and the
    /// request did not carry the right one; `from` names the client in the sync log.
    pub fn handle(&mut self, frame: &[u8], may_push: bool, from: &str) -> Answer {
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
        let (request, bodies) = match wire::decode_request(frame) {
            Ok(r) => r,
            Err(e) => return refuse(400, e.to_string()),
        };
        match self.answer(request, bodies, may_push, from) {
            Ok((reply, bodies)) => Answer {
                status: 200,
                body: wire::encode(&reply, &bodies),
            },
            Err(Refusal(status, error)) => refuse(status, error),
        }
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

    fn answer(
        &mut self,
        request: Request,
        bodies: Vec<String>,
        may_push: bool,
        from: &str,
    ) -> Result<(Reply, Vec<String>), Refusal> {
        let conn = self.store.conn();
        match request {
            Request::Hello { protocol, replica } => {
                if protocol != wire::PROTOCOL {
                    return Err(Refusal(
                        400,
                        format!(
                            "protocol {protocol} is not spoken here (this hub speaks {})",
                            wire::PROTOCOL
                        ),
                    ));
                }
                // Read each time: `claims sync` run on this file may have given it a new id.
                self.replica = state::ensure_replica_id(conn)?;
                Ok((
                    Reply::Hello {
                        protocol: wire::PROTOCOL,
                        replica: self.replica.clone(),
                        head: state::head(conn)?,
                        your_cursor: state::cursor(conn, &replica)?,
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
                let here = state::chain_at(conn, after)?;
                if let Some(expect) = expect {
                    if here != Some(expect) {
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
                let Some(start) = here.map(|chain| Mark { seq: after, chain }) else {
                    return Err(Refusal(
                        400,
                        format!("seq {after} is past this hub's newest object"),
                    ));
                };
                let max = state::max_seq(conn)?;
                let items = state::ids_between(conn, after, max, limit)?;
                let end = match items.last() {
                    Some(&(seq, _)) => state::mark_at(conn, seq)?.unwrap_or(start),
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
                let mut out = Vec::with_capacity(asked as usize);
                let mut stmt = conn.prepare_cached(
                    "SELECT body FROM objects WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq",
                )?;
                for (first, last) in runs {
                    let mut rows = stmt.query((first, last))?;
                    while let Some(row) = rows.next()? {
                        out.push(row.get(0)?);
                    }
                }
                Ok((
                    Reply::Fetch {
                        count: out.len() as u64,
                    },
                    out,
                ))
            }
            Request::Offer { ids } => {
                self.too_many(ids.len(), "ids")?;
                let have = state::present(conn, &ids)?;
                let want = have
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| !**h)
                    .map(|(i, _)| i as u32)
                    .collect();
                Ok((Reply::Offer { want }, vec![]))
            }
            Request::Reconcile { ranges } => {
                self.too_many(ranges.len(), "ranges")?;
                if let Some(bad) = ranges.iter().find(|r| !reconcile::valid_prefix(&r.prefix)) {
                    return Err(Refusal(
                        400,
                        format!("{:?} is not a range prefix", bad.prefix),
                    ));
                }
                let ranges = ranges
                    .iter()
                    .map(|r| reconcile::answer(conn, r))
                    .collect::<Result<_, _>>()?;
                Ok((Reply::Reconcile { ranges }, vec![]))
            }
            Request::Push {
                replica, cursor, ..
            } => {
                if !may_push {
                    return Err(Refusal(
                        401,
                        "pushing to this hub needs its token (--token)".to_string(),
                    ));
                }
                let objects = verify_bodies(&bodies, self.limits.max_object_bytes)?;
                let count = objects.len() as u64;
                let applied = state::apply(
                    &mut self.store,
                    objects,
                    &replica,
                    cursor.map(|c| (replica.as_str(), c)),
                )
                .map_err(|e| match e {
                    SyncError::Store(crate::store::StoreError::Index { .. }) => {
                        Refusal(422, format!("{e}; nothing was stored"))
                    }
                    e => Refusal::from(e),
                })?;
                state::log(
                    self.store.conn(),
                    &state::LogEntry {
                        peer: replica,
                        address: from.to_string(),
                        direction: "serve",
                        sent: 0,
                        received: applied.stored,
                        bytes_sent: 0,
                        bytes_received: bodies.iter().map(|b| b.len() as u64 + 1).sum(),
                        round_trips: 1,
                        mode: if count == 0 { "cursor" } else { "push" },
                    },
                )?;
                Ok((
                    Reply::Push {
                        stored: applied.stored,
                        before: applied.before,
                        after: applied.after,
                    },
                    vec![],
                ))
            }
        }
    }
}

/// Re-hashes every received body; the whole batch is refused if one is bad.
fn verify_bodies(bodies: &[String], max_object: u64) -> Result<Vec<Received>, Refusal> {
    let mut out = Vec::with_capacity(bodies.len());
    for (i, body) in bodies.iter().enumerate() {
        if body.len() as u64 > max_object {
            return Err(Refusal(
                413,
                format!(
                    "object {i} of the push is {} bytes, more than this hub accepts ({max_object})",
                    body.len()
                ),
            ));
        }
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
