//! Full set reconciliation over object ids, the fallback when cursors cannot be trusted.
//!
//! Range-based, like negentropy, but over hex prefixes so that both sides agree on ranges
//! without negotiating bounds: a range is every id that starts with a given prefix, summarised
//! by a count and a fingerprint (the first 16 bytes of sha256 over the raw ids in ascending
//! order). The client sends summaries; for each range the hub answers "same", lists its ids when
//! the range is small (or the client has none there), or splits it into 16, 256 or 4,096
//! sub-ranges (one to three hex digits deeper, more for larger ranges) with its summaries.
//! Differing sub-ranges go into the next round. Each round is one request.

use super::wire::{Range, RangeReply};
use super::SyncError;
use crate::objects::ObjectId;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// The hub lists its ids instead of splitting when it holds at most this many in a range.
pub const LIST_AT_MOST: u64 = 64;
/// When the client holds nothing in a range, the hub lists up to this many ids at once.
pub const LIST_EMPTY_AT_MOST: u64 = 2048;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether a prefix is 0 to 64 lower-case hex digits.
pub fn valid_prefix(prefix: &str) -> bool {
    prefix.len() <= 64 && prefix.bytes().all(|b| HEX.contains(&b))
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

/// The `16^levels` sub-ranges `levels` hex digits below `prefix`, in order, each with the
/// slice of `ids` (sorted, all under `prefix`) that falls in it.
pub fn children<'a>(
    prefix: &str,
    ids: &'a [(i64, ObjectId)],
    levels: u32,
) -> Vec<(String, &'a [(i64, ObjectId)])> {
    let depth = prefix.len();
    let count = 16usize.pow(levels);
    let nibble = |id: &ObjectId, at: usize| {
        let byte = id.as_bytes()[at / 2];
        usize::from(if at.is_multiple_of(2) {
            byte >> 4
        } else {
            byte & 0xf
        })
    };
    let below =
        |id: &ObjectId| (0..levels as usize).fold(0, |acc, l| acc * 16 + nibble(id, depth + l));
    let mut out = Vec::with_capacity(count);
    let mut start = 0;
    for n in 0..count {
        let mut end = start;
        while end < ids.len() && below(&ids[end].1) == n {
            end += 1;
        }
        let mut child = prefix.to_string();
        for l in (0..levels).rev() {
            child.push(HEX[(n >> (4 * l)) & 0xf] as char);
        }
        out.push((child, &ids[start..end]));
        start = end;
    }
    out
}

/// Two of these ranges that overlap (one prefix starts another, or the same prefix twice), if
/// any: sorted, a prefix that starts another is followed directly by one it starts.
pub fn overlapping(ranges: &[Range]) -> Option<(String, String)> {
    let mut prefixes: Vec<&str> = ranges.iter().map(|r| r.prefix.as_str()).collect();
    prefixes.sort_unstable();
    prefixes
        .windows(2)
        .find(|w| w[1].starts_with(w[0]))
        .map(|w| (w[0].to_string(), w[1].to_string()))
}

/// How many hex digits a split goes down: one, or more for a large range so that three rounds
/// reach ranges small enough to list (at most 3 levels, 4,096 sub-ranges).
pub fn split_levels(count: u64, prefix_len: usize) -> u32 {
    let mut digits = 0u32;
    while 16u64.saturating_pow(digits) < count {
        digits += 1;
    }
    let levels = digits.saturating_sub(3).clamp(1, 3);
    levels.min(64u32.saturating_sub(prefix_len as u32)).max(1)
}

/// The hub's answer for one range, given its ids under the range's prefix (in id order).
pub fn answer(theirs: &Range, ids: Vec<(i64, ObjectId)>) -> RangeReply {
    let mine = summary(&theirs.prefix, &ids);
    if mine.count == theirs.count && mine.fp == theirs.fp {
        return RangeReply::Same {
            prefix: theirs.prefix.clone(),
        };
    }
    let list = mine.count <= LIST_AT_MOST
        || (theirs.count == 0 && mine.count <= LIST_EMPTY_AT_MOST)
        || theirs.prefix.len() >= 64;
    if list {
        return RangeReply::Ids {
            prefix: theirs.prefix.clone(),
            items: ids,
        };
    }
    let levels = split_levels(mine.count, theirs.prefix.len());
    RangeReply::Split {
        prefix: theirs.prefix.clone(),
        children: children(&theirs.prefix, &ids, levels)
            .into_iter()
            .map(|(p, slice)| summary(&p, slice))
            .collect(),
    }
}

/// The outcome of a full reconciliation, seen from the client.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Ids the hub holds and the client lacks, with the hub's seq (sorted by it).
    pub need: Vec<(i64, ObjectId)>,
    /// Ids the client holds and the hub lacks, with the client's seq (sorted by it).
    pub give: Vec<(i64, ObjectId)>,
}

/// Runs the client side: `mine` lists this side's `(seq, id)` under a prefix in id order,
/// `round` sends one batch of range summaries and returns the hub's answers (same order, same
/// length). `max_ranges` caps a batch.
pub fn run(
    mut mine: impl FnMut(&str) -> Result<Vec<(i64, ObjectId)>, SyncError>,
    max_ranges: usize,
    mut round: impl FnMut(Vec<Range>) -> Result<Vec<RangeReply>, SyncError>,
) -> Result<Difference, SyncError> {
    let mut diff = Difference::default();
    let root = mine("")?;
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
                settle(&mut mine, asked, reply, &mut diff, &mut next)?;
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
    mine: &mut impl FnMut(&str) -> Result<Vec<(i64, ObjectId)>, SyncError>,
    asked: &Range,
    reply: RangeReply,
    diff: &mut Difference,
    next: &mut Vec<Range>,
) -> Result<(), SyncError> {
    let bad = |what: &str| SyncError::Protocol(format!("range {:?}: {what}", asked.prefix));
    match reply {
        RangeReply::Same { prefix } if prefix == asked.prefix => {}
        RangeReply::Ids { prefix, items } if prefix == asked.prefix => {
            if items
                .iter()
                .any(|(_, id)| !id.to_hex().starts_with(&prefix))
            {
                return Err(bad("the hub listed an id outside the range"));
            }
            let ours_listed = mine(&prefix)?;
            let theirs: HashSet<ObjectId> = items.iter().map(|(_, id)| *id).collect();
            let ours: HashSet<ObjectId> = ours_listed.iter().map(|(_, id)| *id).collect();
            diff.need
                .extend(items.into_iter().filter(|(_, id)| !ours.contains(id)));
            diff.give.extend(
                ours_listed
                    .into_iter()
                    .filter(|(_, id)| !theirs.contains(id)),
            );
        }
        RangeReply::Split {
            prefix,
            children: theirs,
        } if prefix == asked.prefix => {
            let levels = match theirs.len() {
                16 => 1,
                256 => 2,
                4096 => 3,
                _ => return Err(bad("a split must have 16, 256 or 4,096 sub-ranges")),
            };
            if prefix.len() + levels as usize > 64 {
                return Err(bad("a split below 64 digits"));
            }
            let ours_listed = mine(&prefix)?;
            for ((p, slice), t) in children(&prefix, &ours_listed, levels)
                .into_iter()
                .zip(theirs)
            {
                if t.prefix != p {
                    return Err(bad("the hub's sub-ranges are not the children in order"));
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
    fn splits_go_deeper_for_large_ranges() {
        assert_eq!(split_levels(17, 0), 1);
        assert_eq!(split_levels(4096, 0), 1);
        assert_eq!(split_levels(4097, 0), 1);
        assert_eq!(split_levels(65_537, 0), 2);
        assert_eq!(split_levels(100_000, 0), 2);
        assert_eq!(split_levels(1_000_000, 0), 2);
        assert_eq!(split_levels(20_000_000, 0), 3);
        assert_eq!(split_levels(u64::MAX, 0), 3);
        assert_eq!(split_levels(u64::MAX, 63), 1);
        let ids: Vec<(i64, ObjectId)> = (0..40u64)
            .map(|i| (i as i64, ObjectId::of_bytes(&i.to_be_bytes())))
            .collect();
        let mut sorted = ids.clone();
        sorted.sort_by_key(|(_, id)| *id);
        let two = children("", &sorted, 2);
        assert_eq!(two.len(), 256);
        assert_eq!(two[0].0, "00");
        assert_eq!(two[255].0, "ff");
        assert_eq!(two.iter().map(|(_, s)| s.len()).sum::<usize>(), 40);
        for (p, slice) in &two {
            assert!(slice
                .iter()
                .all(|(_, id)| id.to_hex().starts_with(p.as_str())));
        }
    }

    #[test]
    fn prefixes_are_lower_case_hex() {
        assert!(valid_prefix("09af"));
        assert!(!valid_prefix("09AF"));
    }
}
