//! Pushing: offer what the peer may lack, send what it wants in seq order, each push carrying
//! the cursor it earns.

use super::session::{unexpected, Session};
use super::wire::{Mark, Reply, Request};
use super::{Progress, Run, SyncError, Tampered};
use crate::objects::{Object, ObjectId};
use crate::store::Store;

/// Bytes of bodies per push request (at most; also bounded by the hub's limits).
const PUSH_BYTES: u64 = 4 * 1024 * 1024;

/// One object to send: its seq here, type and body.
struct Outgoing {
    seq: i64,
    kind: String,
    body: String,
}

/// Cuts the objects to send into pushes of at most `budget` bytes and `max_items` objects. A
/// push that is full is cut before the last article it starts (a document or version and what
/// follows it), so that the hub stores, and relates, a version with its mentions.
fn batches(objects: Vec<Outgoing>, budget: u64, max_items: usize) -> Vec<Vec<Outgoing>> {
    let size = |o: &Outgoing| o.body.len() as u64 + 1;
    let mut out: Vec<Vec<Outgoing>> = Vec::new();
    let mut current: Vec<Outgoing> = Vec::new();
    let mut bytes = 0u64;
    for o in objects {
        let len = size(&o);
        if !current.is_empty() && (bytes + len > budget || current.len() >= max_items) {
            let tail = super::apply::split_last_article(&mut current, |o| o.kind.as_str());
            out.push(std::mem::take(&mut current));
            let tail_bytes: u64 = tail.iter().map(size).sum();
            if !tail.is_empty() && tail_bytes + len <= budget && tail.len() < max_items {
                current = tail;
                bytes = tail_bytes;
            } else {
                if !tail.is_empty() {
                    out.push(tail);
                }
                bytes = 0;
            }
        }
        bytes += len;
        current.push(o);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl Run {
    /// Sends local objects to the peer: `send`, which it is known to lack, and those of `offer`
    /// (plus what the ledger derived here during the pull) that it says it lacks; in our seq
    /// order. Every push carries the cursor it earns, the last one our final reach.
    pub(super) fn push(
        &mut self,
        local: &mut Store,
        s: &mut Session<'_>,
        send: Vec<(i64, ObjectId)>,
        mut offer: Vec<(i64, ObjectId)>,
        known: Option<i64>,
    ) -> Result<(), SyncError> {
        // 1. Which to send.
        let mut wanted = send;
        offer.extend(self.derived.iter().copied());
        offer.sort();
        offer.dedup();
        let max_items = s.limits.max_items.max(1) as usize;
        for chunk in offer.chunks(max_items) {
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
        wanted.sort();
        wanted.dedup();
        // 2. Batches by size, cut between articles.
        // Every body is re-hashed before it leaves: one that no longer matches its id (the file
        // was edited or damaged) is never sent, and no cursor reaches past it.
        // What refers to such an object stays back with it (the peer would refuse the push
        // that carries it: 422), so that the rest still gets through.
        let mut outgoing = Vec::with_capacity(wanted.len());
        let mut tampered = Vec::new();
        let mut first_bad: Option<i64> = None;
        let mut left_out: std::collections::HashSet<ObjectId> = Default::default();
        for (seq, id) in &wanted {
            if let Some((kind, body)) = local.replica().kind_and_body(id)? {
                if let Some(t) = Tampered::check(&id.to_hex(), &body) {
                    tampered.push(t);
                    left_out.insert(*id);
                    first_bad = Some(first_bad.map_or(*seq, |f| f.min(*seq)));
                    continue;
                }
                // In seq order: what an object refers to came before it.
                if !left_out.is_empty()
                    && crate::model::Received::from_body(&body).is_ok_and(|r| {
                        r.body
                            .is_some_and(|b| b.references().iter().any(|r| left_out.contains(r)))
                    })
                {
                    left_out.insert(*id);
                    continue;
                }
                outgoing.push(Outgoing {
                    seq: *seq,
                    kind,
                    body,
                });
            }
        }
        let tampered_error = |local: &Store| SyncError::Tampered {
            path: local.path().to_path_buf(),
            tampered: tampered.clone(),
        };
        // The cursors of the pushes never claim an object that was not sent.
        let reach = match first_bad {
            Some(bad) => self.reach.min(bad - 1),
            None => self.reach,
        };
        let budget = PUSH_BYTES.min(s.limits.max_request_bytes / 2).max(1);
        let batches = batches(outgoing, budget, max_items);
        if self.dry_run {
            for o in batches.into_iter().flatten() {
                if let Ok(o) = Object::from_body(&o.body) {
                    s.report.would_send.push(o);
                }
            }
            if !tampered.is_empty() {
                return Err(tampered_error(local));
            }
            return Ok(());
        }
        // 3. Send. A push's cursor covers every object of ours up to its last one, never past
        // our reach (what a concurrent import added after it was not offered).
        let total = wanted.len() as u64;
        let mut done = 0;
        let final_mark = match local.replica().mark_at(reach)? {
            Some(m) => m,
            None if first_bad.is_some() => Mark::EMPTY,
            None => self.start,
        };
        let n = batches.len();
        for (i, batch) in batches.into_iter().enumerate() {
            let cursor = if i + 1 == n {
                final_mark
            } else {
                let seq = batch.last().map_or(0, |o| o.seq).min(reach);
                local.replica().mark_at(seq)?.unwrap_or(Mark::EMPTY)
            };
            let bodies: Vec<String> = batch.into_iter().map(|o| o.body).collect();
            done += bodies.len() as u64;
            self.send(local, s, bodies, cursor, i + 1 < n)?;
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
            match self.send(local, s, vec![], final_mark, false) {
                Err(SyncError::Refused { status: 401, .. }) => {}
                other => other?,
            }
        }
        if !tampered.is_empty() {
            return Err(tampered_error(local));
        }
        Ok(())
    }

    fn send(
        &mut self,
        local: &Store,
        s: &mut Session<'_>,
        bodies: Vec<String>,
        cursor: Mark,
        more: bool,
    ) -> Result<(), SyncError> {
        let count = bodies.len() as u64;
        let request = Request::Push {
            replica: self.me.clone(),
            cursor: Some(cursor),
            count,
            more,
        };
        let (before, after) = match s.call(&request, &bodies)? {
            (Reply::Push { before, after, .. }, _) => (before, after),
            (other, _) => return Err(unexpected("push", &other)),
        };
        s.report.sent += count;
        // If nothing else reached the peer since we pulled, our cursor for it moves past what
        // we just sent, so the next sync does not list our own objects back to us. (`after` is
        // the peer's mark after our objects; what it derived from them comes after it, and the
        // next sync pulls that.)
        if self.pull_mark == Some(before) && before != after {
            local.replica().set_cursor(&self.theirs, after)?;
            self.pull_mark = Some(after);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(seq: i64, kind: &str, len: usize) -> Outgoing {
        Outgoing {
            seq,
            kind: kind.to_string(),
            body: "x".repeat(len - 1),
        }
    }

    fn shape(b: &[Vec<Outgoing>]) -> Vec<Vec<i64>> {
        b.iter()
            .map(|v| v.iter().map(|o| o.seq).collect())
            .collect()
    }

    #[test]
    fn full_pushes_are_cut_between_articles() {
        let objects = vec![
            o(1, "document", 10),
            o(2, "version", 10),
            o(3, "mention", 10),
            o(4, "document", 10),
            o(5, "version", 10),
            o(6, "mention", 10),
            o(7, "mention", 10),
        ];
        // A budget of 50 bytes: the second article moves whole into the second push.
        assert_eq!(
            shape(&batches(objects, 50, 100)),
            vec![vec![1, 2, 3], vec![4, 5, 6, 7]]
        );
        // An article larger than a push is cut where it must be.
        let big = vec![
            o(1, "version", 10),
            o(2, "mention", 10),
            o(3, "mention", 10),
        ];
        assert_eq!(shape(&batches(big, 20, 100)), vec![vec![1, 2], vec![3]]);
        // The item limit cuts too.
        let many = vec![o(1, "version", 1), o(2, "mention", 1), o(3, "version", 1)];
        assert_eq!(shape(&batches(many, 100, 2)), vec![vec![1, 2], vec![3]]);
    }
}
