//! Full set reconciliation over object ids with a rateless invertible Bloom lookup table
//! (protocol 2; `docs/sync.md` specifies it for other implementations).
//!
//! Each side maps every id it holds into an endless sequence of *coded symbols*. A symbol
//! holds the XOR of the raw ids mapped to it (`sum`), the XOR of their checksums (`check`) and
//! how many there are (`count`). Symbol 0 holds every id; an id is in symbol `i` with
//! probability about `1 / (1 + i/2)`, so the first `m` symbols cost about `2 ln m` updates per
//! id. The hub sends its symbols `[from, to)`; the client subtracts its own, and the result is
//! the coded symbols of the *difference* of the two sets alone, whatever their size. A symbol
//! of the difference that holds exactly one id (count ±1, and the checksum of its sum equals
//! its check) gives that id away; removing it from the other symbols it maps to frees more
//! (peeling). About 1.35 to 2 symbols per differing id decode the whole difference, whether
//! the differences are scattered or clustered in the id space; decoding is complete when
//! symbol 0 of the difference is empty. If the symbols so far do not decode, the client asks
//! for the next ones: every symbol sent is used, none is wasted on a failed attempt.

use super::reconcile::Difference;
use super::SyncError;
use crate::objects::ObjectId;
use base64::Engine;

/// Symbols asked in the first round; each further round asks as many as all before it.
pub const FIRST_ROUND: u64 = 64;

/// How many of the first symbols a store keeps up to date (`sync_symbols`, `hub_symbols`):
/// enough for about 2,500 differences; symbols past them are computed over every id.
pub const KEPT: u64 = 4096;

/// Bytes of one kept symbol: sum, check, count (both little-endian).
const KEPT_BYTES: usize = 48;

/// Kept symbols as a store holds them.
pub fn to_blob(symbols: &[Symbol]) -> Vec<u8> {
    let mut out = Vec::with_capacity(symbols.len() * KEPT_BYTES);
    for s in symbols {
        out.extend_from_slice(&s.sum);
        out.extend_from_slice(&s.check.to_le_bytes());
        out.extend_from_slice(&s.count.to_le_bytes());
    }
    out
}

/// Reads what [`to_blob`] wrote; `None` unless it is [`KEPT`] whole symbols.
pub fn from_blob(blob: &[u8]) -> Option<Vec<Symbol>> {
    if blob.len() != KEPT as usize * KEPT_BYTES {
        return None;
    }
    Some(
        blob.chunks_exact(KEPT_BYTES)
            .map(|c| {
                let mut s = Symbol::default();
                s.sum.copy_from_slice(&c[..32]);
                let mut w = [0u8; 8];
                w.copy_from_slice(&c[32..40]);
                s.check = u64::from_le_bytes(w);
                w.copy_from_slice(&c[40..48]);
                s.count = i64::from_le_bytes(w);
                s
            })
            .collect(),
    )
}

/// Runs the client side. `ask(from, to)` returns the hub's symbols `[from, to)` (at most
/// `max_symbols` at once) and `mine(from, to)` this side's; `locate_mine` and `locate_theirs`
/// return this side's and the hub's seqs of ids (0 for one not held). The result lists what
/// the hub lacks with this side's seqs, and what this side lacks with the hub's seqs, each
/// sorted by seq.
pub fn run(
    max_symbols: u64,
    mut ask: impl FnMut(u64, u64) -> Result<Vec<Symbol>, SyncError>,
    mut mine: impl FnMut(u64, u64) -> Result<Vec<Symbol>, SyncError>,
    mut locate_mine: impl FnMut(&[ObjectId]) -> Result<Vec<i64>, SyncError>,
    mut locate_theirs: impl FnMut(&[ObjectId]) -> Result<Vec<i64>, SyncError>,
) -> Result<Difference, SyncError> {
    let bad = |what: String| SyncError::Protocol(format!("set reconciliation: {what}"));
    let mut decoder = Decoder::new();
    let mut step = FIRST_ROUND;
    let mut my_count = 0;
    loop {
        let from = decoder.received();
        let to = from + step.min(max_symbols.max(1));
        let symbols = ask(from, to)?;
        let own = mine(from, to)?;
        if from == 0 {
            my_count = own.first().map_or(0, |s| s.count.unsigned_abs());
        }
        if symbols.len() as u64 != to - from {
            return Err(bad(format!(
                "asked for {} symbols, the hub sent {}",
                to - from,
                symbols.len()
            )));
        }
        if decoder.add(&symbols, &own) {
            break;
        }
        // Symbol 0 counts the ids: the difference is at most both sets, and a few symbols per
        // differing id always decode it.
        let bound = 4 * (decoder.diff[0].count.unsigned_abs() + 2 * my_count) + 1024;
        if decoder.received() > bound {
            return Err(bad(format!(
                "{} symbols did not decode the difference",
                decoder.received()
            )));
        }
        step = decoder.received();
    }
    if !decoder.consistent() {
        return Err(bad("the symbols do not agree with each other".into()));
    }
    let mut diff = Difference::default();
    for (id, seq) in decoder.ours.iter().zip(locate_mine(&decoder.ours)?) {
        if seq <= 0 {
            return Err(bad(format!("{id} decoded as held here, and it is not")));
        }
        diff.give.push((seq, *id));
    }
    let held = locate_mine(&decoder.theirs)?;
    if let Some((id, _)) = decoder.theirs.iter().zip(held).find(|(_, seq)| *seq > 0) {
        return Err(bad(format!("{id} decoded as lacking here, and it is held")));
    }
    let seqs = locate_theirs(&decoder.theirs)?;
    if seqs.len() != decoder.theirs.len() {
        return Err(bad(format!(
            "located {} ids, the hub answered {}",
            decoder.theirs.len(),
            seqs.len()
        )));
    }
    for (id, seq) in decoder.theirs.iter().zip(seqs) {
        if seq <= 0 {
            return Err(bad(format!(
                "the hub does not hold {id}, decoded as its own"
            )));
        }
        diff.need.push((seq, *id));
    }
    diff.need.sort();
    diff.give.sort();
    Ok(diff)
}

/// One coded symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Symbol {
    /// XOR of the raw ids mapped here.
    pub sum: [u8; 32],
    /// XOR of their [`checksum`]s.
    pub check: u64,
    /// How many ids are mapped here (for a difference: the hub's minus the client's).
    pub count: i64,
}

impl Symbol {
    fn toggle(&mut self, id: &[u8; 32], check: u64, sign: i64) {
        for (s, b) in self.sum.iter_mut().zip(id) {
            *s ^= b;
        }
        self.check ^= check;
        self.count += sign;
    }

    fn is_empty(&self) -> bool {
        self.count == 0 && self.check == 0 && self.sum == [0; 32]
    }

    /// The one id this symbol of a difference holds, with its side (+1 the hub's, -1 the
    /// client's), if it holds exactly one.
    fn pure(&self) -> Option<([u8; 32], i64)> {
        ((self.count == 1 || self.count == -1) && checksum(&self.sum) == self.check)
            .then_some((self.sum, self.count))
    }
}

/// The splitmix64 finaliser: a bijective, non-linear mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn word(id: &[u8; 32], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&id[at * 8..at * 8 + 8]);
    u64::from_le_bytes(w)
}

/// An id's checksum: `mix(w0 ^ mix(w1 ^ mix(w2 ^ mix(w3))))` over its four little-endian
/// 64-bit words. Not linear, so the XOR of several ids does not pass for one of them.
pub fn checksum(id: &[u8; 32]) -> u64 {
    mix(word(id, 0) ^ mix(word(id, 1) ^ mix(word(id, 2) ^ mix(word(id, 3)))))
}

/// The symbol indexes an id maps to, ascending, without end: 0 first, then each next one a
/// gap after the last drawn from the id's own generator (a splitmix64 sequence seeded with its
/// second 64-bit word).
struct Indexes {
    state: u64,
    last: Option<u64>,
}

impl Indexes {
    fn of(id: &[u8; 32]) -> Indexes {
        Indexes {
            state: word(id, 1),
            last: None,
        }
    }
}

impl Iterator for Indexes {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let Some(last) = self.last else {
            self.last = Some(0);
            return Some(0);
        };
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let r = mix(self.state);
        // u uniform in (0, 1]; gap = ceil((last + 1.5) * (1/sqrt(u) - 1)), at least 1: the
        // chance that symbol i holds the id is then about 1 / (1 + i/2).
        let u = ((r >> 11) + 1) as f64 / (1u64 << 53) as f64;
        let gap = ((last as f64 + 1.5) * (1.0 / u.sqrt() - 1.0)).ceil();
        let gap = if gap < 1.0 {
            1
        } else if gap >= (1u64 << 62) as f64 {
            1u64 << 62
        } else {
            gap as u64
        };
        let next = last.saturating_add(gap);
        self.last = Some(next);
        Some(next)
    }
}

/// Adds (`sign` +1) or removes (-1) one id to the symbols `[from, from + symbols.len())`.
pub fn apply(symbols: &mut [Symbol], from: u64, id: &[u8; 32], sign: i64) {
    let check = checksum(id);
    let to = from + symbols.len() as u64;
    for i in Indexes::of(id) {
        if i >= to {
            break;
        }
        if i >= from {
            symbols[(i - from) as usize].toggle(id, check, sign);
        }
    }
}

/// The coded symbols `[from, to)` of a set of ids.
pub fn encode<'a>(ids: impl IntoIterator<Item = &'a ObjectId>, from: u64, to: u64) -> Vec<Symbol> {
    let mut out = vec![Symbol::default(); to.saturating_sub(from) as usize];
    for id in ids {
        apply(&mut out, from, id.as_bytes(), 1);
    }
    out
}

/// Symbols on the wire: for each, its 32-byte sum, its check (8 bytes, little-endian) and its
/// count (unsigned LEB128), concatenated, in base64 (standard alphabet, with padding).
pub fn pack(symbols: &[Symbol]) -> String {
    let mut out = Vec::with_capacity(symbols.len() * 42);
    for s in symbols {
        out.extend_from_slice(&s.sum);
        out.extend_from_slice(&s.check.to_le_bytes());
        let mut c = s.count.max(0) as u64;
        loop {
            let byte = (c & 0x7f) as u8;
            c >>= 7;
            if c == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// Reads what [`pack`] wrote.
pub fn unpack(text: &str) -> Result<Vec<Symbol>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("the symbols are not base64: {e}"))?;
    let mut out = Vec::new();
    let mut rest = bytes.as_slice();
    while !rest.is_empty() {
        if rest.len() < 41 {
            return Err("a symbol is cut off".into());
        }
        let mut s = Symbol::default();
        s.sum.copy_from_slice(&rest[..32]);
        let mut check = [0u8; 8];
        check.copy_from_slice(&rest[32..40]);
        s.check = u64::from_le_bytes(check);
        rest = &rest[40..];
        let mut count = 0u64;
        let mut shift = 0;
        loop {
            let Some((&byte, tail)) = rest.split_first() else {
                return Err("a symbol's count is cut off".into());
            };
            rest = tail;
            if shift > 56 {
                return Err("a symbol's count is too large".into());
            }
            count |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        s.count = i64::try_from(count).map_err(|_| "a symbol's count is too large")?;
        out.push(s);
    }
    Ok(out)
}

/// Raw ids on the wire: 32 bytes each, concatenated, in base64 (standard, with padding).
pub fn pack_ids(ids: &[ObjectId]) -> String {
    let mut out = Vec::with_capacity(ids.len() * 32);
    for id in ids {
        out.extend_from_slice(id.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// Reads what [`pack_ids`] wrote.
pub fn unpack_ids(text: &str) -> Result<Vec<ObjectId>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("the ids are not base64: {e}"))?;
    if !bytes.len().is_multiple_of(32) {
        return Err(format!("{} bytes are not whole 32-byte ids", bytes.len()));
    }
    Ok(bytes
        .chunks_exact(32)
        .map(|c| {
            let mut id = [0u8; 32];
            id.copy_from_slice(c);
            ObjectId::from_raw(id)
        })
        .collect())
}

/// The client's side of a reconciliation: the difference's symbols received so far, and what
/// peeling has found.
#[derive(Default)]
pub struct Decoder {
    /// The difference (hub's symbols minus this side's) with the found ids removed.
    diff: Vec<Symbol>,
    /// Ids only the hub holds, and only this side holds, found so far.
    pub theirs: Vec<ObjectId>,
    pub ours: Vec<ObjectId>,
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// How many symbols have been received.
    pub fn received(&self) -> u64 {
        self.diff.len() as u64
    }

    /// Takes the hub's next symbols and this side's (the same indexes, starting at
    /// [`Decoder::received`]) and peels; true when the whole difference is known.
    pub fn add(&mut self, hub: &[Symbol], mine: &[Symbol]) -> bool {
        let from = self.diff.len() as u64;
        let mut mine = mine.to_vec();
        // What was found already is removed from the new symbols too.
        for id in &self.theirs {
            apply(&mut mine, from, id.as_bytes(), 1);
        }
        for id in &self.ours {
            apply(&mut mine, from, id.as_bytes(), -1);
        }
        for (h, m) in hub.iter().zip(&mine) {
            let mut d = *h;
            for (s, b) in d.sum.iter_mut().zip(&m.sum) {
                *s ^= b;
            }
            d.check ^= m.check;
            d.count -= m.count;
            self.diff.push(d);
        }
        self.peel();
        self.done()
    }

    fn peel(&mut self) {
        let mut queue: Vec<usize> = (0..self.diff.len()).rev().collect();
        while let Some(i) = queue.pop() {
            let Some((id, sign)) = self.diff[i].pure() else {
                continue;
            };
            let check = checksum(&id);
            let len = self.diff.len() as u64;
            for j in Indexes::of(&id) {
                if j >= len {
                    break;
                }
                let s = &mut self.diff[j as usize];
                s.toggle(&id, check, -sign);
                if s.pure().is_some() {
                    queue.push(j as usize);
                }
            }
            if sign > 0 {
                self.theirs.push(ObjectId::from_raw(id));
            } else {
                self.ours.push(ObjectId::from_raw(id));
            }
        }
    }

    /// Whether the difference is decoded: symbol 0 holds every id, so it is empty exactly
    /// when nothing of the difference is left.
    pub fn done(&self) -> bool {
        self.diff.first().is_some_and(Symbol::is_empty)
    }

    /// Whether every symbol received is empty (checked once [`Decoder::done`]).
    pub fn consistent(&self) -> bool {
        self.diff.iter().all(Symbol::is_empty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn id(n: u64) -> ObjectId {
        ObjectId::of_bytes(&n.to_be_bytes())
    }

    fn reconcile(hub: &[ObjectId], mine: &[ObjectId]) -> (Vec<ObjectId>, Vec<ObjectId>, u64) {
        let mut d = Decoder::new();
        let mut step = 16u64;
        loop {
            let (from, to) = (d.received(), d.received() + step);
            if d.add(
                &encode(hub.iter(), from, to),
                &encode(mine.iter(), from, to),
            ) {
                break;
            }
            step = d.received();
            assert!(d.received() < 100_000, "does not decode");
        }
        assert!(d.consistent());
        let (mut t, mut o) = (d.theirs.clone(), d.ours.clone());
        t.sort();
        o.sort();
        (t, o, d.received())
    }

    #[test]
    fn the_difference_decodes_from_about_one_and_a_half_symbols_per_id() {
        let common: Vec<ObjectId> = (0..5000).map(id).collect();
        let only_hub: Vec<ObjectId> = (10_000..10_300).map(id).collect();
        let only_me: Vec<ObjectId> = (20_000..20_200).map(id).collect();
        let hub: Vec<ObjectId> = common.iter().chain(&only_hub).copied().collect();
        let mine: Vec<ObjectId> = common.iter().chain(&only_me).copied().collect();
        let (theirs, ours, used) = reconcile(&hub, &mine);
        let mut want_t = only_hub.clone();
        want_t.sort();
        let mut want_o = only_me.clone();
        want_o.sort();
        assert_eq!((theirs, ours), (want_t, want_o));
        // Doubling from 16 ends at 1,024 symbols at most for 500 differences.
        assert!(used <= 1024, "{used}");
    }

    #[test]
    fn equal_sets_decode_from_one_symbol_and_packing_round_trips() {
        let ids: Vec<ObjectId> = (0..100).map(id).collect();
        assert_eq!(reconcile(&ids, &ids), (vec![], vec![], 16));
        let symbols = encode(ids.iter(), 3, 40);
        assert_eq!(unpack(&pack(&symbols)), Ok(symbols));
        assert_eq!(unpack_ids(&pack_ids(&ids)), Ok(ids));
        assert!(unpack("AAAA").is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any two sets: decoding yields exactly both one-sided differences, from any first
        /// round size.
        #[test]
        fn any_two_sets_decode_to_their_exact_difference(
            common in proptest::collection::btree_set(0u64..1_000_000, 0..300),
            hub_only in proptest::collection::btree_set(1_000_000u64..2_000_000, 0..60),
            my_only in proptest::collection::btree_set(2_000_000u64..3_000_000, 0..60),
            first in 1u64..40,
        ) {
            let hub: Vec<ObjectId> = common.iter().chain(&hub_only).map(|&n| id(n)).collect();
            let mine: Vec<(i64, ObjectId)> = common
                .iter()
                .chain(&my_only)
                .enumerate()
                .map(|(i, &n)| (i as i64 + 1, id(n)))
                .collect();
            let hub_seq: HashMap<ObjectId, i64> =
                hub.iter().enumerate().map(|(i, id)| (*id, i as i64 + 1)).collect();
            let my_seq: HashMap<ObjectId, i64> = mine.iter().map(|&(s, id)| (id, s)).collect();
            let mut asked = 0;
            let diff = run(
                first,
                |from, to| {
                    asked += 1;
                    Ok(encode(hub.iter(), from, to))
                },
                |from, to| Ok(encode(mine.iter().map(|(_, id)| id), from, to)),
                |ids| Ok(ids.iter().map(|id| my_seq.get(id).copied().unwrap_or(0)).collect()),
                |ids| Ok(ids.iter().map(|id| hub_seq.get(id).copied().unwrap_or(0)).collect()),
            )
            .expect("decodes");
            let mut want_need: Vec<(i64, ObjectId)> =
                hub_only.iter().map(|&n| (hub_seq[&id(n)], id(n))).collect();
            want_need.sort();
            let mut want_give: Vec<(i64, ObjectId)> =
                mine.iter().filter(|(_, x)| !hub_seq.contains_key(x)).copied().collect();
            want_give.sort();
            proptest::prop_assert_eq!(diff.need, want_need);
            proptest::prop_assert_eq!(diff.give, want_give);
            proptest::prop_assert!(asked >= 1);
        }
    }

    #[test]
    fn an_id_is_in_symbol_zero_and_its_indexes_ascend() {
        let x = *id(7).as_bytes();
        let first: Vec<u64> = Indexes::of(&x).take(20).collect();
        assert_eq!(first[0], 0);
        assert!(first.windows(2).all(|w| w[0] < w[1]));
    }
}
