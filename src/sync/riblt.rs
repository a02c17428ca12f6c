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

/// The bits of a check that protocol 3 sends (its low 6 bytes).
const NARROW_CHECK: u64 = (1 << 48) - 1;

/// Bytes of one symbol as protocol 3 sends it: sum (32), check (low 6 bytes), count (low byte).
pub const NARROW_BYTES: usize = 39;

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

/// The client's asks of one reconciliation: the hub's symbols `[from, to)`, with this side's
/// probe ([`probe`]) on the first ask of protocol 3. The answer is the symbols the hub sent
/// (from `from` on: exactly `to - from` of them in protocol 2, at least that many in protocol
/// 3, where the hub sends as many as its estimate of the difference calls for) and how many
/// symbols in all the hub estimated are needed (`to` in protocol 2).
pub type Ask<'a> = dyn FnMut(u64, u64, Option<&[u8]>) -> Asked + 'a;

/// What one ask of [`Ask`] returns: the symbols and the hub's `want`.
pub type Asked = Result<(Vec<Symbol>, u64), SyncError>;

/// Runs the client side. `narrow` is protocol 3 (symbols as [`pack_narrow`] sends them, the
/// first ask with a probe of the difference's size); `ask` reaches the hub (at most
/// `max_symbols` symbols at once), `their_count` bounds how many ids it holds, `mine(from,
/// to)` returns this side's symbols, `locate_mine` and `locate_theirs` this side's and the
/// hub's seqs of ids (0 for one not held). The result lists what the hub lacks with this
/// side's seqs, and what this side lacks with the hub's seqs, each sorted by seq.
#[allow(clippy::too_many_arguments)]
pub fn run(
    narrow: bool,
    max_symbols: u64,
    their_count: u64,
    ask: &mut Ask<'_>,
    mut mine: impl FnMut(u64, u64) -> Result<Vec<Symbol>, SyncError>,
    mut locate_mine: impl FnMut(&[ObjectId]) -> Result<Vec<i64>, SyncError>,
    mut locate_theirs: impl FnMut(&[ObjectId]) -> Result<Vec<i64>, SyncError>,
) -> Result<Difference, SyncError> {
    let bad = |what: String| SyncError::Protocol(format!("set reconciliation: {what}"));
    let max_symbols = max_symbols.max(1);
    let mut decoder = Decoder::new(narrow);
    // This side's symbols [0, own.len()), computed once.
    let mut own: Vec<Symbol> = Vec::new();
    let mut extend = |own: &mut Vec<Symbol>, to: u64| -> Result<(), SyncError> {
        let have = own.len() as u64;
        if to > have {
            own.extend(mine(have, to)?);
        }
        Ok(())
    };
    let mut probed = None;
    if narrow {
        extend(&mut own, KEPT)?;
        probed = Some(probe(&own));
    }
    let mut to = FIRST_ROUND.min(max_symbols);
    loop {
        let from = decoder.received();
        let (symbols, want) = ask(from, to, probed.take().as_deref())?;
        let got = symbols.len() as u64;
        let fits = if narrow {
            got >= to - from && got <= max_symbols
        } else {
            got == to - from
        };
        if !fits {
            return Err(bad(format!(
                "asked for {} symbols, the hub sent {got}",
                to - from
            )));
        }
        extend(&mut own, from + got)?;
        let my_count = own.first().map_or(0, |s| s.count.unsigned_abs());
        if decoder.add(&symbols, &own[from as usize..(from + got) as usize]) {
            break;
        }
        // The difference is at most both sets, and a few symbols per differing id always
        // decode it.
        let bound = 4 * (their_count + my_count) + 1024;
        let received = decoder.received();
        if received > bound {
            return Err(bad(format!(
                "{received} symbols did not decode the difference"
            )));
        }
        // Protocol 2 doubles; protocol 3 asks the rest of what the hub estimated, or a
        // quarter more when that did not do.
        let step = if !narrow {
            received
        } else if want > received {
            want - received
        } else {
            (received / 4).max(FIRST_ROUND)
        };
        to = received + step.min(max_symbols);
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

/// The symbol indexes a probe looks at (protocol 3): from 64, each next one `1 + j / 128`
/// (integer division) after `j`, while below [`KEPT`]: 457 indexes, about 1% apart past 128.
pub fn probe_indexes() -> impl Iterator<Item = u64> {
    std::iter::successors(Some(FIRST_ROUND), |j| Some(j + 1 + j / 128)).take_while(|j| *j < KEPT)
}

/// A symbol's one-byte digest for a probe: the low byte of
/// `mix(check ^ mix(count ^ w0))`, `w0` the first little-endian 64-bit word of its sum.
pub fn digest(s: &Symbol) -> u8 {
    (mix(s.check ^ mix(s.count as u64 ^ word(&s.sum, 0))) & 0xff) as u8
}

/// A probe of a set (protocol 3): the digests of its symbols at [`probe_indexes`], from its
/// first [`KEPT`] symbols.
pub fn probe(kept: &[Symbol]) -> Vec<u8> {
    probe_indexes()
        .map(|j| kept.get(j as usize).map_or(0, digest))
        .collect()
}

/// The hub's estimate of how many ids differ between its set and the client's, from its
/// first [`KEPT`] symbols and the client's [`probe`]: a symbol of the difference is empty
/// (the digests agree) with probability about `(1 - q)^d` for `d` differing ids,
/// `q = 1 / (1 + j/2)` at index `j`; the estimate is the `d` most likely to give the agreements seen,
/// counting that different symbols have the same digest one time in 256. `None` when the
/// probe is not one digest per probe index.
pub fn estimate(kept: &[Symbol], theirs: &[u8]) -> Option<u64> {
    let ours = probe(kept);
    if ours.len() != theirs.len() {
        return None;
    }
    // ln(1 - q) per probe, and whether the digests agree.
    let probes: Vec<(f64, bool)> = probe_indexes()
        .zip(ours.iter().zip(theirs))
        .map(|(j, (a, b))| ((1.0 - 1.0 / (1.0 + j as f64 / 2.0)).ln(), a == b))
        .collect();
    let mut best = (f64::NEG_INFINITY, 0u64);
    let mut d = 1.0f64;
    while d < 1e7 {
        let mut likelihood = 0.0;
        for &(ln_miss, same) in &probes {
            let empty = (d * ln_miss).exp();
            let agree = empty + (1.0 - empty) / 256.0;
            likelihood += if same { agree.ln() } else { (1.0 - agree).ln() };
        }
        if likelihood > best.0 {
            best = (likelihood, d.round() as u64);
        }
        d = (d * 1.02).max(d + 1.0);
    }
    Some(best.1)
}

/// How many symbols the hub sends at first for an estimated difference of `d` ids: about
/// 1.35 symbols per id decode a large difference, more for a small one, and the estimate is
/// off by up to about 15%: `d * (1.45 + 1.5 / sqrt(d))`, rounded up.
pub fn wanted(d: u64) -> u64 {
    if d == 0 {
        return 0;
    }
    let d = d as f64;
    (d * (1.45 + 1.5 / d.sqrt())).ceil() as u64
}

/// The hub's answer to a protocol-3 ask of symbols `[from, to)` (at most `max_items` of them,
/// checked before): how many symbols it estimates are needed in all (`want`, at least `to`),
/// and where its answer ends (`want`, or `from + max_items` when that is less).
pub fn extent(from: u64, to: u64, max_items: u64, estimate: Option<u64>) -> (u64, u64) {
    let want = to.max(estimate.map_or(0, wanted));
    (want.min(from.saturating_add(max_items)).max(to), want)
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

    /// Whether this symbol of a difference is empty; `narrow`: compared as protocol 3 sends
    /// symbols (count modulo 256, the low 48 bits of the check).
    fn is_empty(&self, narrow: bool) -> bool {
        let (count, check) = if narrow {
            (self.count & 0xff, self.check & NARROW_CHECK)
        } else {
            (self.count, self.check)
        };
        count == 0 && check == 0 && self.sum == [0; 32]
    }

    /// The one id this symbol of a difference holds, with its side (+1 the hub's, -1 the
    /// client's), if it holds exactly one.
    fn pure(&self, narrow: bool) -> Option<([u8; 32], i64)> {
        let (sign, mask) = if narrow {
            let sign = match self.count & 0xff {
                1 => 1,
                0xff => -1,
                _ => return None,
            };
            (sign, NARROW_CHECK)
        } else if self.count == 1 || self.count == -1 {
            (self.count, u64::MAX)
        } else {
            return None;
        };
        (checksum(&self.sum) & mask == self.check & mask).then_some((self.sum, sign))
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

/// Symbols as protocol 3 sends them, raw (no base64): for each, its 32-byte sum, the low 6
/// bytes of its check (little-endian) and the low byte of its count; 39 bytes a symbol.
pub fn pack_narrow(symbols: &[Symbol]) -> Vec<u8> {
    let mut out = Vec::with_capacity(symbols.len() * NARROW_BYTES);
    for s in symbols {
        out.extend_from_slice(&s.sum);
        out.extend_from_slice(&s.check.to_le_bytes()[..6]);
        out.push((s.count & 0xff) as u8);
    }
    out
}

/// Reads what [`pack_narrow`] wrote (checks of 48 bits, counts from 0 to 255).
pub fn unpack_narrow(bytes: &[u8]) -> Result<Vec<Symbol>, String> {
    if !bytes.len().is_multiple_of(NARROW_BYTES) {
        return Err(format!(
            "{} bytes are not whole symbols of {NARROW_BYTES} bytes",
            bytes.len()
        ));
    }
    Ok(bytes
        .chunks_exact(NARROW_BYTES)
        .map(|c| {
            let mut s = Symbol::default();
            s.sum.copy_from_slice(&c[..32]);
            let mut w = [0u8; 8];
            w[..6].copy_from_slice(&c[32..38]);
            s.check = u64::from_le_bytes(w);
            s.count = i64::from(c[38]);
            s
        })
        .collect())
}

/// Raw ids: 32 bytes each, concatenated.
pub fn raw_ids(ids: &[ObjectId]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 32);
    for id in ids {
        out.extend_from_slice(id.as_bytes());
    }
    out
}

/// Reads what [`raw_ids`] wrote.
pub fn from_raw_ids(bytes: &[u8]) -> Result<Vec<ObjectId>, String> {
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

/// Raw ids on the wire: 32 bytes each, concatenated, in base64 (standard, with padding).
pub fn pack_ids(ids: &[ObjectId]) -> String {
    base64::engine::general_purpose::STANDARD.encode(raw_ids(ids))
}

/// Reads what [`pack_ids`] wrote.
pub fn unpack_ids(text: &str) -> Result<Vec<ObjectId>, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("the ids are not base64: {e}"))?;
    from_raw_ids(&bytes)
}

/// The client's side of a reconciliation: the difference's symbols received so far, and what
/// peeling has found.
#[derive(Default)]
pub struct Decoder {
    /// Protocol 3: the hub's symbols carry counts modulo 256 and 48-bit checks.
    narrow: bool,
    /// The difference (hub's symbols minus this side's) with the found ids removed.
    diff: Vec<Symbol>,
    /// Ids only the hub holds, and only this side holds, found so far.
    pub theirs: Vec<ObjectId>,
    pub ours: Vec<ObjectId>,
}

impl Decoder {
    pub fn new(narrow: bool) -> Decoder {
        Decoder {
            narrow,
            ..Decoder::default()
        }
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
            let Some((id, sign)) = self.diff[i].pure(self.narrow) else {
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
                if s.pure(self.narrow).is_some() {
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
        self.diff.first().is_some_and(|s| s.is_empty(self.narrow))
    }

    /// Whether every symbol received is empty (checked once [`Decoder::done`]).
    pub fn consistent(&self) -> bool {
        self.diff.iter().all(|s| s.is_empty(self.narrow))
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
        let mut d = Decoder::new(false);
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

    /// The hub's side of [`run`] in a test: as `Hub` answers `symbols` (protocol 2) and
    /// `coded` (protocol 3).
    fn hub_side(
        hub: &[ObjectId],
        narrow: bool,
        max: u64,
    ) -> impl FnMut(u64, u64, Option<&[u8]>) -> Asked + '_ {
        move |from, to, probed| {
            assert!(to - from <= max);
            if !narrow {
                return Ok((encode(hub.iter(), from, to), to));
            }
            let estimate =
                probed.map(|p| estimate(&encode(hub.iter(), 0, KEPT), p).expect("a whole probe"));
            let (end, want) = extent(from, to, max, estimate);
            let symbols = encode(hub.iter(), from, end);
            Ok((unpack_narrow(&pack_narrow(&symbols)).expect("packed"), want))
        }
    }

    /// Runs [`run`] over two sets; returns the difference and the asks made.
    fn run_over(
        hub: &[ObjectId],
        mine: &[ObjectId],
        narrow: bool,
        max: u64,
    ) -> (Difference, u64, HashMap<ObjectId, i64>) {
        let hub_seq: HashMap<ObjectId, i64> = hub
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i as i64 + 1))
            .collect();
        let my_seq: HashMap<ObjectId, i64> = mine
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i as i64 + 1))
            .collect();
        let mut asks = 0;
        let mut inner = hub_side(hub, narrow, max);
        let mut ask = |from, to, probed: Option<&[u8]>| {
            asks += 1;
            inner(from, to, probed)
        };
        let diff = run(
            narrow,
            max,
            hub.len() as u64,
            &mut ask,
            |from, to| Ok(encode(mine.iter(), from, to)),
            |ids| {
                Ok(ids
                    .iter()
                    .map(|id| my_seq.get(id).copied().unwrap_or(0))
                    .collect())
            },
            |ids| {
                Ok(ids
                    .iter()
                    .map(|id| hub_seq.get(id).copied().unwrap_or(0))
                    .collect())
            },
        )
        .expect("decodes");
        (diff, asks, hub_seq)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any two sets: decoding yields exactly both one-sided differences, in either
        /// protocol, whatever the most symbols the hub sends at once.
        #[test]
        fn any_two_sets_decode_to_their_exact_difference(
            common in proptest::collection::btree_set(0u64..1_000_000, 0..300),
            hub_only in proptest::collection::btree_set(1_000_000u64..2_000_000, 0..60),
            my_only in proptest::collection::btree_set(2_000_000u64..3_000_000, 0..60),
            max in 1u64..200,
            narrow in proptest::bool::ANY,
        ) {
            let hub: Vec<ObjectId> = common.iter().chain(&hub_only).map(|&n| id(n)).collect();
            let mine: Vec<ObjectId> = common.iter().chain(&my_only).map(|&n| id(n)).collect();
            let (diff, asks, hub_seq) = run_over(&hub, &mine, narrow, max);
            let mut want_need: Vec<(i64, ObjectId)> =
                hub_only.iter().map(|&n| (hub_seq[&id(n)], id(n))).collect();
            want_need.sort();
            let mut want_give: Vec<(i64, ObjectId)> = my_only
                .iter()
                .map(|&n| ((common.len() + my_only.range(..n).count()) as i64 + 1, id(n)))
                .collect();
            want_give.sort();
            proptest::prop_assert_eq!(diff.need, want_need);
            proptest::prop_assert_eq!(diff.give, want_give);
            proptest::prop_assert!(asks >= 1);
        }
    }

    /// Protocol 3: the hub estimates the difference from the probe and sends enough symbols
    /// at once; 1,000 differences among 20,000 ids decode in one ask (two at most) from
    /// about 1.6 symbols each, and narrow symbols round-trip.
    #[test]
    fn a_probe_sizes_the_first_answer() {
        let common: Vec<ObjectId> = (0..20_000).map(id).collect();
        let hub: Vec<ObjectId> = common
            .iter()
            .copied()
            .chain((100_000..100_500).map(id))
            .collect();
        let mine: Vec<ObjectId> = common
            .iter()
            .copied()
            .chain((200_000..200_500).map(id))
            .collect();
        let kept = encode(hub.iter(), 0, KEPT);
        let d = estimate(&kept, &probe(&encode(mine.iter(), 0, KEPT))).expect("estimate");
        assert!((800..=1250).contains(&d), "{d}");
        assert_eq!(estimate(&kept, &probe(&kept)), Some(1));
        assert_eq!(estimate(&kept, &[0; 3]), None);
        assert_eq!(probe_indexes().count(), 457);
        let (diff, asks, _) = run_over(&hub, &mine, true, 10_000);
        assert_eq!((diff.need.len(), diff.give.len()), (500, 500));
        assert!(asks <= 2, "{asks}");
        let symbols = encode(hub.iter(), 5, 50);
        let narrow = unpack_narrow(&pack_narrow(&symbols)).expect("unpack");
        for (a, b) in symbols.iter().zip(&narrow) {
            assert_eq!(
                (a.sum, a.check & NARROW_CHECK, a.count & 0xff),
                (b.sum, b.check, b.count)
            );
        }
        assert_eq!(pack_narrow(&symbols).len(), 45 * NARROW_BYTES);
        assert!(unpack_narrow(&[0; 40]).is_err());
        assert_eq!(
            from_raw_ids(&raw_ids(&common[..3])),
            Ok(common[..3].to_vec())
        );
    }

    #[test]
    fn an_id_is_in_symbol_zero_and_its_indexes_ascend() {
        let x = *id(7).as_bytes();
        let first: Vec<u64> = Indexes::of(&x).take(20).collect();
        assert_eq!(first[0], 0);
        assert!(first.windows(2).all(|w| w[0] < w[1]));
    }
}
