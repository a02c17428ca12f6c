//! Full set reconciliation over object ids, the fallback when cursors cannot be trusted.
//!
//! Range-based, like negentropy, but over hex prefixes so that both sides agree on ranges
//! without negotiating bounds: a range is every id that starts with a given prefix, summarised
//! by a count and a fingerprint (the first 16 bytes of sha256 over the raw ids in ascending
//! order). The client sends summaries; for each range the hub answers "same", lists its ids when
//! the range is small (or the client has none there), or splits it into 16 sub-ranges with its
//! summaries. Differing sub-ranges go into the next round. Each round is one request.

use super::wire::{Range, RangeReply};
use crate::objects::ObjectId;
use crate::store::StoreError;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The hub lists its ids instead of splitting when it holds at most this many in a range.
pub const LIST_AT_MOST: u64 = 16;
/// When the client holds nothing in a range, the hub lists up to this many ids at once.
pub const LIST_EMPTY_AT_MOST: u64 = 2048;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether a prefix is 0 to 64 lower-case hex digits.
pub fn valid_prefix(prefix: &str) -> bool {
    prefix.len() <= 64 && prefix.bytes().all(|b| HEX.contains(&b))
}

/// The smallest string above every id starting with `prefix`, or `None` for "no bound".
fn upper(prefix: &str) -> Option<String> {
    let mut digits: Vec<u8> = prefix.bytes().collect();
    while let Some(last) = digits.pop() {
        if last != b'f' {
            let pos = HEX.iter().position(|&h| h == last).unwrap_or(15);
            digits.push(HEX[(pos + 1).min(15)]);
            return Some(String::from_utf8_lossy(&digits).into_owned());
        }
    }
    None
}

/// The `(seq, id)` stored under a prefix, in id order.
pub fn ids_under(conn: &Connection, prefix: &str) -> Result<Vec<(i64, ObjectId)>, StoreError> {
    let mut out = Vec::new();
    let mut push = |row: &rusqlite::Row<'_>| -> rusqlite::Result<()> {
        let seq: i64 = row.get(0)?;
        let id: String = row.get(1)?;
        if let Ok(id) = ObjectId::parse(&id) {
            out.push((seq, id));
        }
        Ok(())
    };
    match upper(prefix) {
        Some(hi) => {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, id FROM objects WHERE id >= ?1 AND id < ?2 ORDER BY id",
            )?;
            let mut rows = stmt.query((prefix, hi))?;
            while let Some(row) = rows.next()? {
                push(row)?;
            }
        }
        None => {
            let mut stmt =
                conn.prepare_cached("SELECT seq, id FROM objects WHERE id >= ?1 ORDER BY id")?;
            let mut rows = stmt.query([prefix])?;
            while let Some(row) = rows.next()? {
                push(row)?;
            }
        }
    }
    Ok(out)
}

/// The fingerprint of ids in ascending order.
pub fn fingerprint<'a>(ids: impl Iterator<Item = &'a ObjectId>) -> String {
    let mut h = Sha256::new();
    for id in ids {
        h.update(id.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

/// The summary of sorted ids under a prefix.
pub fn summary(prefix: &str, ids: &[(i64, ObjectId)]) -> Range {
    Range {
        prefix: prefix.to_string(),
        count: ids.len() as u64,
        fp: fingerprint(ids.iter().map(|(_, id)| id)),
    }
}

/// The 16 sub-ranges of a prefix, each with the slice of `ids` (sorted, all under `prefix`)
/// that falls in it.
pub fn children<'a>(
    prefix: &str,
    ids: &'a [(i64, ObjectId)],
) -> Vec<(String, &'a [(i64, ObjectId)])> {
    let depth = prefix.len();
    let mut out = Vec::with_capacity(16);
    let mut start = 0;
    for (n, &digit) in HEX.iter().enumerate() {
        let mut end = start;
        while end < ids.len() {
            let byte = ids[end].1.as_bytes()[depth / 2];
            let nibble = if depth.is_multiple_of(2) {
                byte >> 4
            } else {
                byte & 0xf
            };
            if nibble as usize != n {
                break;
            }
            end += 1;
        }
        let mut child = prefix.to_string();
        child.push(digit as char);
        out.push((child, &ids[start..end]));
        start = end;
    }
    out
}

/// The hub's answer for one range.
pub fn answer(conn: &Connection, theirs: &Range) -> Result<RangeReply, StoreError> {
    let ids = ids_under(conn, &theirs.prefix)?;
    let mine = summary(&theirs.prefix, &ids);
    if mine.count == theirs.count && mine.fp == theirs.fp {
        return Ok(RangeReply::Same {
            prefix: theirs.prefix.clone(),
        });
    }
    let list = mine.count <= LIST_AT_MOST
        || (theirs.count == 0 && mine.count <= LIST_EMPTY_AT_MOST)
        || theirs.prefix.len() >= 64;
    if list {
        return Ok(RangeReply::Ids {
            prefix: theirs.prefix.clone(),
            items: ids,
        });
    }
    Ok(RangeReply::Split {
        prefix: theirs.prefix.clone(),
        children: children(&theirs.prefix, &ids)
            .into_iter()
            .map(|(p, slice)| summary(&p, slice))
            .collect(),
    })
}

/// The outcome of a full reconciliation, seen from the client.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Ids the hub holds and the client lacks, with the hub's seq (sorted by it).
    pub need: Vec<(i64, ObjectId)>,
    /// Ids the client holds and the hub lacks, with the client's seq (sorted by it).
    pub give: Vec<(i64, ObjectId)>,
}

/// Runs the client side: `round` sends one batch of range summaries and returns the hub's
/// answers (same order, same length). `max_ranges` caps a batch.
pub fn run(
    conn: &Connection,
    max_ranges: usize,
    mut round: impl FnMut(Vec<Range>) -> Result<Vec<RangeReply>, super::SyncError>,
) -> Result<Difference, super::SyncError> {
    let mut diff = Difference::default();
    let root = ids_under(conn, "")?;
    let mut queue = vec![summary("", &root)];
    drop(root);
    while !queue.is_empty() {
        let mut next = Vec::new();
        for chunk in queue.chunks(max_ranges.max(1)) {
            let replies = round(chunk.to_vec())?;
            if replies.len() != chunk.len() {
                return Err(super::SyncError::Protocol(format!(
                    "asked about {} ranges, the hub answered {}",
                    chunk.len(),
                    replies.len()
                )));
            }
            for (asked, reply) in chunk.iter().zip(replies) {
                settle(conn, asked, reply, &mut diff, &mut next)?;
            }
        }
        queue = next;
    }
    diff.need.sort();
    diff.need.dedup();
    diff.give.sort();
    diff.give.dedup();
    Ok(diff)
}

fn settle(
    conn: &Connection,
    asked: &Range,
    reply: RangeReply,
    diff: &mut Difference,
    next: &mut Vec<Range>,
) -> Result<(), super::SyncError> {
    let bad = |what: &str| super::SyncError::Protocol(format!("range {:?}: {what}", asked.prefix));
    match reply {
        RangeReply::Same { prefix } if prefix == asked.prefix => {}
        RangeReply::Ids { prefix, items } if prefix == asked.prefix => {
            if items
                .iter()
                .any(|(_, id)| !id.to_hex().starts_with(&prefix))
            {
                return Err(bad("the hub listed an id outside the range"));
            }
            let mine = ids_under(conn, &prefix)?;
            let theirs: HashSet<ObjectId> = items.iter().map(|(_, id)| *id).collect();
            let ours: HashSet<ObjectId> = mine.iter().map(|(_, id)| *id).collect();
            diff.need
                .extend(items.into_iter().filter(|(_, id)| !ours.contains(id)));
            diff.give
                .extend(mine.into_iter().filter(|(_, id)| !theirs.contains(id)));
        }
        RangeReply::Split {
            prefix,
            children: theirs,
        } if prefix == asked.prefix && prefix.len() < 64 && theirs.len() == 16 => {
            let mine = ids_under(conn, &prefix)?;
            for ((p, slice), t) in children(&prefix, &mine).into_iter().zip(theirs) {
                if t.prefix != p {
                    return Err(bad("the hub's sub-ranges are not the 16 children"));
                }
                let s = summary(&p, slice);
                if s.count == t.count && s.fp == t.fp {
                    continue;
                }
                if t.count == 0 {
                    diff.give.extend(slice.iter().copied());
                } else {
                    next.push(s);
                }
            }
        }
        _ => return Err(bad("the hub's answer does not match the question")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_bounds_cover_exactly_the_prefix() {
        assert_eq!(upper(""), None);
        assert_eq!(upper("3f").as_deref(), Some("4"));
        assert_eq!(upper("3e").as_deref(), Some("3f"));
        assert_eq!(upper("9").as_deref(), Some("a"));
        assert_eq!(upper("ff"), None);
        assert!(valid_prefix("09af"));
        assert!(!valid_prefix("09AF"));
    }
}
