//! The relation step: what follows from the objects just stored, written as index rows
//! (`found_relations`, `version_order`) in the same transaction, never as objects. This is the
//! one place to change when the relation semantics change; the rules themselves are the pure
//! functions of [`crate::relate`].
//!
//! Everything it writes is a function of the set of stored objects, whatever order they
//! arrived in (docs/relations.md):
//!
//! 1. **Pairs.** Two claims are compared when they share a candidate key
//!    ([`relate::candidate_keys`]) held by at most [`MAX_KEY_HOLDERS`] claims. The keys of the
//!    new claims are looked up in `common_keys` (keys known to be past the bound) in one query,
//!    and the stored holders of the others read in one more (at most `MAX_KEY_HOLDERS` rows a
//!    key: a key with more holders is past the bound and pairs nothing, as a stop word). When
//!    a key passes the bound, the findings among its earlier holders that no other shared key
//!    still justifies are removed, so the set of pairs stays the one the definition gives, and
//!    unless the index keeps such a key's rows ([`store::kept_row_past_bound`]: the content
//!    key's, and of the two-term keys reviews are looked up by, those a full-text search may
//!    not find) its `claim_keys` rows are deleted and no new claim writes one: `claim_keys`
//!    holds the rows of the keys that can still pair. Each pair
//!    is judged by [`relate::judge_pair`], in id order, once, except pairs with the same
//!    content (the same content key and detail): the view `same_content_relations` relates
//!    those, so a statement repeated by `k` claims costs no `k²/2` rows.
//! 2. **Updates.** Versions are ordered by their own times, then id (`versions.number`, kept by
//!    the index). For each document with a new version, or a version with new mentions, each
//!    version whose predecessor changed is diffed against it again, and each claim edited
//!    between them is an `updates` row.

use crate::model::ClaimRef;
use crate::objects::ObjectId;
use crate::relate::{self, Facts, MAX_KEY_HOLDERS, UPDATES_BASIS};
use crate::store::{self, FoundRow, Fresh, OrderedVersion, StoreError, Writer};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

/// What one relation step did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derived {
    /// New rows of each kind.
    pub conflicts: usize,
    pub corroborations: usize,
    pub updates: usize,
    /// Rows removed: findings whose only shared key became too common, `updates` of a version
    /// whose predecessor changed.
    pub removed: usize,
    /// New claims looked at.
    pub claims: u64,
    /// Distinct candidate keys of the new claims looked up.
    pub keys: u64,
    /// Index rows read to find candidates, counted as one `common_keys` lookup per key, and
    /// for a key not known to be past the bound at most `MAX_KEY_HOLDERS + 1` rows of
    /// `claim_keys` plus one per new claim holding it, whatever the number of claims holding
    /// it (the lookups and walks of a step are two queries).
    pub rows_read: u64,
    /// Pairs judged by the rules.
    pub pairs_judged: u64,
}

impl Derived {
    /// New rows.
    pub fn count(&self) -> usize {
        self.conflicts + self.corroborations + self.updates
    }

    fn note(&mut self, kind: &str) {
        match kind {
            "conflicts" => self.conflicts += 1,
            "corroborates" => self.corroborations += 1,
            "updates" => self.updates += 1,
            _ => {}
        }
    }

    /// Adds another step's counts.
    pub fn add(&mut self, other: &Derived) {
        self.conflicts += other.conflicts;
        self.corroborations += other.corroborations;
        self.updates += other.updates;
        self.removed += other.removed;
        self.claims += other.claims;
        self.keys += other.keys;
        self.rows_read += other.rows_read;
        self.pairs_judged += other.pairs_judged;
    }
}

/// Derives the relations of what `writer` indexed since the last step (everything, first, if
/// the database's derived rows are pending: a database migrated to schema 4, or rebuilt).
pub(super) fn derive(writer: &mut Writer<'_>, known: &mut Known) -> Result<Derived, StoreError> {
    if !known.settled {
        if writer.relations_pending()? {
            let carried = std::mem::take(&mut known.carried);
            known.clear();
            writer.refresh_all()?;
            writer.give_keys(carried);
            // `common_keys` was emptied; `claim_keys` too if the claims arrived with their
            // relations deferred (a sync into an empty database): nothing to look up in them.
            known.empty_tables = Some(!writer.any_claim_keys()?);
        }
        known.settled = true;
    }
    known.carried.clear();
    let empty = known.empty_tables.take();
    let mut fresh = writer.take_fresh();
    let mut out = Derived::default();
    if fresh.is_empty() {
        return Ok(out);
    }
    out.claims = fresh.claims.len() as u64;
    if known.claims.len() > Known::CAPACITY {
        known.forget_claims();
    }
    let keys = fresh_keys(&mut fresh, known);
    // The new claims' `claim_keys` rows (with the detail as stored), in index order; the
    // pairs step writes those the index keeps.
    let rows: Vec<(&str, &str, i64)> = fresh
        .claims
        .iter()
        .zip(&keys)
        .flat_map(|((seq, _), keys)| {
            keys.iter()
                .map(|(k, d)| (k.as_str(), relate::stored_detail(k, d), *seq))
        })
        .collect();
    let rows = sorted_rows(rows);
    pairs(writer, &fresh, &rows, known, empty, &mut out)?;
    drop(rows);
    updates(writer, &fresh, &mut out)?;
    // Each claim's keys are a handful of small allocations: freed elsewhere when many.
    if keys.len() >= super::DROP_ELSEWHERE_FROM {
        super::drop_elsewhere((keys, fresh));
    }
    Ok(out)
}

/// Below this many claims to analyse, one thread does it.
const PARALLEL_ANALYSES: usize = 256;

/// From this many `claim_keys` rows on, a step sorts them on two threads. Only a pass over a
/// whole database's claims (a rebuild, the pass at the end of a sync into an empty database)
/// has that many, and then nothing else runs: an import's steps (about 4,096 claims) sort on
/// the writing thread while the planning thread has the other core.
const PARALLEL_SORT_ROWS: usize = 1 << 18;

/// `rows` in order: on two threads, each sorting a half, merged, when they are many.
fn sorted<T: Ord + Send>(mut rows: Vec<T>) -> Vec<T> {
    let parallel = rows.len() >= PARALLEL_SORT_ROWS
        && std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2);
    if !parallel {
        rows.sort_unstable();
        return rows;
    }
    let mut second = rows.split_off(rows.len() / 2);
    let mut first = rows;
    std::thread::scope(|scope| {
        let other = scope.spawn(|| second.sort_unstable());
        first.sort_unstable();
        other
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
    });
    let mut out = Vec::with_capacity(first.len() + second.len());
    let (mut a, mut b) = (first.into_iter().peekable(), second.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if y < x => b.next(),
            (Some(_), _) => a.next(),
            (None, _) => b.next(),
        };
        match next {
            Some(row) => out.push(row),
            None => break,
        }
    }
    out
}

/// `claim_keys` rows `(key, detail, claim_seq)` in order ([`sorted`]). Each is sorted with the
/// first eight bytes of its key in front, as a number that orders as those bytes do: most
/// comparisons then read that number, next to the row, instead of following the key to its
/// text (every row's key is a string of its own, anywhere in memory).
fn sorted_rows<'a>(rows: Vec<(&'a str, &'a str, i64)>) -> Vec<(&'a str, &'a str, i64)> {
    let prefixed: Vec<(u64, (&str, &str, i64))> = rows
        .into_iter()
        .map(|row| {
            let mut head = [0u8; 8];
            let n = row.0.len().min(8);
            head[..n].copy_from_slice(&row.0.as_bytes()[..n]);
            (u64::from_be_bytes(head), row)
        })
        .collect();
    sorted(prefixed).into_iter().map(|(_, row)| row).collect()
}

/// `f` of each item, in order: on several threads when there are many.
fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = if items.len() < PARALLEL_ANALYSES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
    };
    if threads < 2 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<U>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The candidate keys of each new claim, in order: those computed before it was stored (the
/// import planner's keys, or a sync's [`super::Analysed`] claims), or computed now. A claim
/// that came with neither is analysed once, here, for its keys and for the rules: its
/// [`Facts`] join `known` (as those of an analysed claim do), so the pairs it is in do not
/// analyse it again.
fn fresh_keys(fresh: &mut Fresh, known: &mut Known) -> Vec<Vec<(String, String)>> {
    let mut given = std::mem::take(&mut fresh.keys);
    let mut keys: Vec<Option<Vec<(String, String)>>> = fresh
        .claims
        .iter()
        .map(|(_, c)| given.remove(&c.id))
        .collect();
    let mut taken = Vec::new();
    for (i, (seq, claim)) in fresh.claims.iter().enumerate() {
        if keys[i].is_none() {
            if let Some((facts, k)) = known.given.remove(&claim.id) {
                keys[i] = Some(k);
                let facts = Arc::new(facts);
                taken.push((claim.id, Arc::clone(&facts)));
                known.claims.insert(*seq, (claim.clone(), facts));
            }
        }
    }
    remember(taken);
    let missing: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_none()).collect();
    if missing.len() > Known::CAPACITY {
        // Everything stored, derived again: keys only, `known` would not hold the facts.
        let computed = par_map(&missing, |&i| {
            relate::candidate_keys(&fresh.claims[i].1.content)
        });
        for (i, k) in missing.into_iter().zip(computed) {
            keys[i] = Some(k);
        }
    } else {
        let claims: Vec<&ClaimRef> = missing.iter().map(|&i| &fresh.claims[i].1).collect();
        for (i, facts) in missing.into_iter().zip(facts_of(&claims)) {
            keys[i] = Some(facts.candidate_keys());
            let (seq, claim) = &fresh.claims[i];
            known.claims.insert(*seq, (claim.clone(), facts));
        }
    }
    keys.into_iter().map(Option::unwrap_or_default).collect()
}

/// The claims the relation steps of one transaction have read or judged, by seq, with their
/// [`Facts`]: the same stored claims are candidates of many steps, and their facts are a pure
/// function of the claim, so each is read and analysed once while it stays here. A unit that
/// is undone empties it (its seqs may be given again); it holds at most about
/// [`Known::CAPACITY`] claims plus one step's.
#[derive(Default)]
pub(super) struct Known {
    claims: HashMap<i64, (ClaimRef, Arc<Facts>)>,
    /// The candidate keys of known claims, computed when a key they hold passes the bound.
    keys: HashMap<i64, BTreeSet<String>>,
    /// Keys found past the bound in this transaction (they stay past it).
    common: HashSet<String>,
    /// Whether this transaction found the derived rows settled (not pending), or settled them.
    settled: bool,
    /// Claims analysed ahead of time, by id, for the step that finds them fresh
    /// ([`super::Ledger::add_analysed`]).
    given: HashMap<ObjectId, (Facts, Vec<(String, String)>)>,
    /// Set when the pending rows were just cleared for the step that derives everything:
    /// `common_keys` is empty, and with `Some(false)` `claim_keys` holds rows, with
    /// `Some(true)` none. That step then asks neither table (one lookup of every key each).
    empty_tables: Option<bool>,
    /// Candidate keys of stored claims computed beforehand, by id, for the step that derives
    /// everything pending ([`super::Ledger::settle_with`]); dropped by any other step.
    carried: HashMap<ObjectId, Vec<(String, String)>>,
}

impl Known {
    /// Past this many claims the cache starts again empty at the next step.
    const CAPACITY: usize = 16_384;

    /// Forgets everything (a unit was undone).
    pub(super) fn clear(&mut self) {
        self.forget_claims();
        self.forget_given();
        self.settled = false;
        self.empty_tables = None;
    }

    /// Takes claims analysed ahead of time.
    pub(super) fn give(&mut self, analysed: Vec<super::AnalysedClaim>) {
        self.given
            .extend(analysed.into_iter().map(|(id, f, k)| (id, (f, k))));
    }

    /// Drops what [`Known::give`] gave and no step took (claims that were already stored).
    pub(super) fn forget_given(&mut self) {
        self.given.clear();
    }

    /// Takes the keys of stored claims for the step that derives everything pending.
    pub(super) fn carry(&mut self, keys: Vec<(ObjectId, Vec<(String, String)>)>) {
        self.carried.extend(keys);
    }

    /// Forgets the claims (past [`Known::CAPACITY`]).
    fn forget_claims(&mut self) {
        self.claims.clear();
        self.keys.clear();
        self.common.clear();
    }

    /// The candidate keys of a claim (none for a claim not known).
    fn keys(&mut self, seq: i64) -> &BTreeSet<String> {
        let claims = &self.claims;
        self.keys.entry(seq).or_insert_with(|| {
            claims
                .get(&seq)
                .map(|(_, f)| f.candidate_keys().into_iter().map(|k| k.0).collect())
                .unwrap_or_default()
        })
    }

    fn claim(&self, seq: i64) -> Option<&ClaimRef> {
        self.claims.get(&seq).map(|(c, _)| c)
    }

    fn facts(&self, seq: i64) -> Option<&(ClaimRef, Arc<Facts>)> {
        self.claims.get(&seq)
    }

    /// Adds claims not known yet, with their facts ([`facts_of`]).
    fn extend(&mut self, claims: Vec<(i64, ClaimRef)>) {
        let claims: Vec<(i64, ClaimRef)> = claims
            .into_iter()
            .filter(|(seq, _)| !self.claims.contains_key(seq))
            .collect();
        let facts = facts_of(&claims.iter().map(|(_, c)| c).collect::<Vec<_>>());
        for ((seq, claim), facts) in claims.into_iter().zip(facts) {
            self.claims.insert(seq, (claim, facts));
        }
    }

    /// Records that `key` passed the bound.
    fn set_common_key(&mut self, writer: &Writer<'_>, key: &str) -> Result<(), StoreError> {
        writer.set_common_key(key)?;
        self.common.insert(key.to_string());
        Ok(())
    }
}

/// The [`Facts`] of each claim, in order: remembered from an earlier step (of this transaction
/// or an earlier one, see [`Memo`]), or computed now, on several threads when there are many.
fn facts_of(claims: &[&ClaimRef]) -> Vec<Arc<Facts>> {
    let ids: Vec<ObjectId> = claims.iter().map(|c| c.id).collect();
    let mut facts = recall(&ids);
    let todo: Vec<usize> = (0..claims.len()).filter(|&i| facts[i].is_none()).collect();
    let analysed = par_map(&todo, |&i| {
        let c = claims[i];
        Arc::new(Facts::new(&c.speaker, &c.cue, &c.stance, &c.content))
    });
    remember(
        todo.iter()
            .zip(&analysed)
            .map(|(&i, f)| (ids[i], Arc::clone(f))),
    );
    for (i, f) in todo.into_iter().zip(analysed) {
        facts[i] = Some(f);
    }
    facts
        .into_iter()
        .zip(claims)
        .map(|(f, c)| {
            f.unwrap_or_else(|| Arc::new(Facts::new(&c.speaker, &c.cue, &c.stance, &c.content)))
        })
        .collect()
}

/// The facts of the claims the relation steps of this process analysed last, by claim id,
/// across transactions: the claims a new claim is paired with are mostly recent ones, each
/// paired again by many later steps, and a transaction's [`Known`] starts empty. A claim's id
/// is the hash of its body and its facts are a pure function of the body, so a remembered
/// entry is right in every database and after any rollback. Two generations of at most
/// [`Memo::GENERATION`] claims each: a claim read from the older one moves to the newer.
#[derive(Default)]
struct Memo {
    current: HashMap<ObjectId, Arc<Facts>>,
    previous: HashMap<ObjectId, Arc<Facts>>,
}

impl Memo {
    const GENERATION: usize = 8192;

    fn insert(&mut self, id: ObjectId, facts: Arc<Facts>) {
        if self.current.len() >= Self::GENERATION {
            self.previous = std::mem::take(&mut self.current);
        }
        self.current.insert(id, facts);
    }
}

static MEMO: Mutex<Option<Memo>> = Mutex::new(None);

/// The remembered facts of these claims (`None` for one not remembered).
fn recall(ids: &[ObjectId]) -> Vec<Option<Arc<Facts>>> {
    let mut guard = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    let memo = guard.get_or_insert_with(Memo::default);
    ids.iter()
        .map(|id| {
            if let Some(f) = memo.current.get(id) {
                return Some(Arc::clone(f));
            }
            let f = memo.previous.remove(id)?;
            memo.insert(*id, Arc::clone(&f));
            Some(f)
        })
        .collect()
}

/// Remembers the facts of these claims.
fn remember(facts: impl IntoIterator<Item = (ObjectId, Arc<Facts>)>) {
    let mut guard = MEMO.lock().unwrap_or_else(PoisonError::into_inner);
    let memo = guard.get_or_insert_with(Memo::default);
    for (id, f) in facts {
        memo.insert(id, f);
    }
}

/// `empty`: whether `common_keys` is known empty, and `claim_keys` too (`Some(true)`), so that
/// neither need be asked.
fn pairs(
    writer: &mut Writer<'_>,
    fresh: &Fresh,
    rows: &[(&str, &str, i64)],
    known: &mut Known,
    empty: Option<bool>,
    out: &mut Derived,
) -> Result<(), StoreError> {
    let Some(&(first_fresh, _)) = fresh.claims.first() else {
        return Ok(());
    };
    // The new claims' rows of each key, in key order.
    let groups: Vec<&[(&str, &str, i64)]> = rows.chunk_by(|a, b| a.0 == b.0).collect();
    // Which keys are past the bound: known in this transaction, or asked of `common_keys`
    // (one query for the step). The step that derives everything asks neither table.
    let holders = if empty == Some(true) {
        Vec::new()
    } else {
        let unknown: Vec<&str> = groups
            .iter()
            .map(|g| g[0].0)
            .filter(|k| !known.common.contains(*k))
            .collect();
        if empty.is_none() {
            known.common.extend(writer.common_among(&unknown)?);
        }
        // The stored holders of every other key (one query for the step): at most
        // MAX_KEY_HOLDERS rows each, a key with more being past the bound.
        let open: Vec<&str> = unknown
            .into_iter()
            .filter(|k| !known.common.contains(*k))
            .collect();
        writer.holders_of(&open)?
    };
    let mut stored: HashMap<String, Vec<(String, i64)>> = HashMap::with_capacity(holders.len());
    for (key, detail, seq) in holders {
        stored.entry(key).or_default().push((detail, seq));
    }
    // Whether each key looked up pairs anything (held by at most MAX_KEY_HOLDERS claims), in
    // key order (the groups'): found by a binary search, with no copy of the key.
    let mut usable: Vec<(&str, bool)> = Vec::with_capacity(groups.len());
    // The new claims whose content is not plain text, when a lookup key passes the bound.
    let mut not_plain: Option<Vec<i64>> = None;
    // Each pair once, and whether they have the same content (share the content key with
    // the same detail).
    let mut candidates: BTreeMap<(i64, i64), bool> = BTreeMap::new();
    let mut passed: Vec<Vec<i64>> = Vec::new();
    // The rows the index keeps, in key order.
    let mut kept: Vec<(&str, &str, i64)> = Vec::with_capacity(rows.len());
    for group in groups {
        let key = group[0].0;
        let new_holders = group.len() as i64;
        out.keys += 1;
        // A key known to be past the bound: one lookup.
        out.rows_read += 1;
        if known.common.contains(key) {
            usable.push((key, false));
            keep_past_bound(group, fresh, &mut not_plain, &mut kept);
            continue;
        }
        let stored_here = stored.get(key);
        if group.len() == 1 && stored_here.is_none() {
            // One holder: kept, and it pairs nothing.
            usable.push((key, true));
            kept.push(group[0]);
            out.rows_read += 1;
            continue;
        }
        // The first rows of the key in index order, the new claims' with the stored ones:
        // enough to tell whether the earlier holders alone were past the bound.
        // (The group is in that order already: rows are sorted by key, detail and seq.)
        let mut holders: Vec<(&str, i64)> = group.iter().map(|r| (r.1, r.2)).collect();
        if let Some(s) = stored_here {
            holders.extend(s.iter().map(|(d, seq)| (d.as_str(), *seq)));
            holders.sort_unstable();
        }
        holders.dedup();
        holders.truncate((MAX_KEY_HOLDERS + 1 + new_holders) as usize);
        out.rows_read += holders.len() as u64;
        if holders.len() as i64 > MAX_KEY_HOLDERS {
            usable.push((key, false));
            known.set_common_key(writer, key)?;
            if !store::kept_past_bound(key) {
                // Past the bound, its rows are read by nothing (but a lookup key's of claims
                // whose content is not plain text): the index drops them.
                writer.delete_claim_keys(key)?;
            }
            keep_past_bound(group, fresh, &mut not_plain, &mut kept);
            let before: Vec<i64> = holders
                .iter()
                .map(|h| h.1)
                .filter(|&s| s < first_fresh)
                .collect();
            if before.len() >= 2 && before.len() as i64 <= MAX_KEY_HOLDERS {
                // The key passed the bound in this step: what it alone justified goes.
                passed.push(before);
            }
            continue;
        }
        usable.push((key, true));
        kept.extend_from_slice(group);
        let content_key = relate::is_content_key(key);
        for (i, (dx, x)) in holders.iter().enumerate() {
            for (dy, y) in &holders[i + 1..] {
                if x != y && (fresh.is_fresh_claim(*x) || fresh.is_fresh_claim(*y)) {
                    let same = content_key && dx == dy;
                    *candidates.entry((*x.min(y), *x.max(y))).or_default() |= same;
                }
            }
        }
    }
    writer.insert_claim_keys(kept)?;
    let seqs: BTreeSet<i64> = candidates.keys().flat_map(|&(x, y)| [x, y]).collect();
    let mut wanted: BTreeSet<i64> = seqs
        .iter()
        .copied()
        .filter(|&s| !fresh.is_fresh_claim(s))
        .collect();
    wanted.extend(passed.iter().flatten().copied());
    let wanted: Vec<i64> = wanted
        .into_iter()
        .filter(|s| known.claim(*s).is_none())
        .collect();
    let mut needed = writer.claims_by_seq(&wanted)?;
    needed.extend(
        seqs.iter()
            .filter_map(|&seq| fresh.position(seq).map(|i| fresh.claims[i].clone())),
    );
    known.extend(needed);
    // Keys unpair looks up that this step did not (held by two claims it removes a finding of).
    let mut asked: HashMap<String, bool> = HashMap::new();
    for holders in &passed {
        unpair(writer, holders, known, (&usable, &mut asked), out)?;
    }
    for ((x, y), same) in candidates {
        if same {
            // The same content: the view `same_content_relations` relates these.
            continue;
        }
        out.pairs_judged += 1;
        let (Some((cx, fx)), Some((cy, fy))) = (known.facts(x), known.facts(y)) else {
            continue;
        };
        let Some((lo, _hi, finding)) =
            relate::judge_pair((cx.id, &cx.speaker, fx), (cy.id, &cy.speaker, fy), same)
        else {
            continue;
        };
        let ((a_seq, a_id), (b_seq, b_id)) = if lo == cx.id {
            ((x, cx.id), (y, cy.id))
        } else {
            ((y, cy.id), (x, cx.id))
        };
        let kind = finding.kind.as_str();
        let row = FoundRow {
            a_seq,
            a_id,
            b_seq,
            b_id,
            kind,
            score: finding.score.clamp(0.0, 1.0),
            basis: finding.basis.to_string(),
            reason: finding.reason,
            version_seq: 0,
        };
        if writer.insert_found(&row)? {
            out.note(kind);
        }
    }
    Ok(())
}

/// Adds to `kept` the rows of `group` (the new claims' rows of one key past the bound) that the
/// index keeps ([`store::kept_row_past_bound`]). `not_plain` is the seqs of the new claims
/// whose content is not [`store::plain_text`] (few or none), found the first time it is asked.
fn keep_past_bound<'a>(
    group: &[(&'a str, &'a str, i64)],
    fresh: &Fresh,
    not_plain: &mut Option<Vec<i64>>,
    kept: &mut Vec<(&'a str, &'a str, i64)>,
) {
    let key = group[0].0;
    if store::kept_past_bound(key) {
        kept.extend_from_slice(group);
        return;
    }
    // Past the bound, only a lookup key keeps rows, of claims whose content is not plain text:
    // the others keep none, whatever the claim.
    if !store::kept_row_past_bound(key, false) {
        return;
    }
    let not_plain = not_plain.get_or_insert_with(|| {
        fresh
            .claims
            .iter()
            .filter(|(_, c)| !store::plain_text(&c.content))
            .map(|(seq, _)| *seq)
            .collect()
    });
    kept.extend(group.iter().filter(|r| {
        let plain = not_plain.binary_search(&r.2).is_err();
        store::kept_row_past_bound(key, plain)
    }));
}

/// Removes the findings among the earlier holders of a key that has just passed the bound when
/// no other key they share still pairs them.
fn unpair(
    writer: &Writer<'_>,
    holders: &[i64],
    known: &mut Known,
    (usable, asked): (&[(&str, bool)], &mut HashMap<String, bool>),
    out: &mut Derived,
) -> Result<(), StoreError> {
    for (a, b, kind) in writer.found_among(holders)? {
        known.keys(a);
        known.keys(b);
        let (ka, kb) = (&known.keys[&a], &known.keys[&b]);
        let mut still = false;
        for key in ka.intersection(kb) {
            let here = usable
                .binary_search_by(|(k, _)| (*k).cmp(key.as_str()))
                .ok()
                .map(|i| usable[i].1);
            let ok = match here.or_else(|| asked.get(key).copied()) {
                Some(ok) => ok,
                None => {
                    let ok = !writer.is_common_key(key)?
                        && writer.key_holders(key, MAX_KEY_HOLDERS + 1)?.len() as i64
                            <= MAX_KEY_HOLDERS;
                    out.rows_read += MAX_KEY_HOLDERS as u64 + 2;
                    asked.insert(key.clone(), ok);
                    ok
                }
            };
            if ok {
                still = true;
                break;
            }
        }
        if !still {
            writer.delete_found(a, b, &kind)?;
            out.removed += 1;
        }
    }
    Ok(())
}

/// The `updates` rows of the documents with new versions or new mentions.
fn updates(writer: &mut Writer<'_>, fresh: &Fresh, out: &mut Derived) -> Result<(), StoreError> {
    if fresh.everything {
        // Every document, in one read: no mentions to look up, no version order recorded.
        for versions in writer.all_ordered_versions()? {
            document_updates(writer, &versions, &BTreeSet::new(), out)?;
        }
        return Ok(());
    }
    let mut ids: Vec<ObjectId> = fresh.versions.iter().map(|v| v.1).collect();
    ids.extend(fresh.mentioned.iter().copied());
    let touched = writer.versions_by_id(&ids)?;
    let mentioned: BTreeSet<i64> = {
        let m = writer.versions_by_id(&fresh.mentioned)?;
        m.into_iter().map(|v| v.0).collect()
    };
    let documents: BTreeSet<i64> = touched.iter().map(|v| v.1).collect();
    for document in documents {
        let versions = writer.ordered_versions(document)?;
        document_updates(writer, &versions, &mentioned, out)?;
    }
    Ok(())
}

/// The `updates` rows of one document's versions (in version order) whose previous version is
/// not the one recorded, or that new mentions (`mentioned`) were indexed in.
fn document_updates(
    writer: &mut Writer<'_>,
    versions: &[OrderedVersion],
    mentioned: &BTreeSet<i64>,
    out: &mut Derived,
) -> Result<(), StoreError> {
    for (i, v) in versions.iter().enumerate() {
        let previous = i.checked_sub(1).map(|p| &versions[p]);
        let p_seq = previous.map(|p| p.seq);
        let stale = v.derived_after != Some(p_seq)
            || mentioned.contains(&v.seq)
            || p_seq.is_some_and(|p| mentioned.contains(&p));
        if !stale {
            continue;
        }
        if v.derived_after.is_some() {
            out.removed += 1;
            writer.reset_updates(v.seq, p_seq)?;
        } else {
            // Never derived: no `updates` row of it to forget.
            writer.record_previous(v.seq, p_seq)?;
        }
        let Some(previous) = previous else {
            continue;
        };
        let before = writer.version_claims(&previous.id)?;
        let after = writer.version_claims(&v.id)?;
        let edits = relate::updates(&before, &after);
        if edits.is_empty() {
            continue;
        }
        let ids: Vec<ObjectId> = edits.iter().flat_map(|e| [e.0, e.1]).collect();
        let seqs: HashMap<ObjectId, i64> = writer.claim_seqs(&ids)?.into_iter().collect();
        for (a_id, b_id, reason) in edits {
            let (Some(&a_seq), Some(&b_seq)) = (seqs.get(&a_id), seqs.get(&b_id)) else {
                continue;
            };
            let row = FoundRow {
                a_seq,
                a_id,
                b_seq,
                b_id,
                kind: "updates",
                score: 1.0,
                basis: UPDATES_BASIS.to_string(),
                reason,
                version_seq: v.seq,
            };
            if writer.insert_found(&row)? {
                out.note("updates");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sorted_on_two_threads_are_sorted_as_on_one() {
        // Past the bound, with repeats, in a scrambled order.
        let n = PARALLEL_SORT_ROWS + 1001;
        let rows: Vec<(u64, u32)> = (0..n as u64)
            .map(|i| ((i * 2_654_435_761) % 9_973, (i % 7) as u32))
            .collect();
        let mut expected = rows.clone();
        expected.sort_unstable();
        assert_eq!(sorted(rows), expected);
        assert_eq!(sorted(vec![3, 1, 2]), vec![1, 2, 3]);
        assert_eq!(sorted(Vec::<u8>::new()), Vec::<u8>::new());
    }

    proptest::proptest! {
        /// Rows sorted with their key's first eight bytes in front are in the rows' own order:
        /// keys shorter than eight bytes, empty, sharing long beginnings, with bytes above
        /// 0x7F and NUL, details and seqs that differ under one key.
        #[test]
        fn rows_sorted_by_their_key_heads_are_in_row_order(
            rows in proptest::collection::vec(
                ("(t:|n:|t:abcdefgh|)[a-c\\x00\\u{e9}]{0,10}", "[01]{0,2}", 0i64..50),
                0..300,
            )
        ) {
            let rows: Vec<(&str, &str, i64)> =
                rows.iter().map(|(k, d, s)| (k.as_str(), d.as_str(), *s)).collect();
            let mut expected = rows.clone();
            expected.sort_unstable();
            proptest::prop_assert_eq!(sorted_rows(rows), expected);
        }
    }

    fn id(n: u64) -> ObjectId {
        ObjectId::of_bytes(&n.to_le_bytes())
    }

    #[test]
    fn the_memo_keeps_two_generations_of_claims() {
        let facts = Arc::new(Facts::new(
            "The mayor",
            "say",
            "neutral",
            "the bridge closed",
        ));
        let mut memo = Memo::default();
        let full = Memo::GENERATION as u64;
        for n in 0..full {
            memo.insert(id(n), Arc::clone(&facts));
        }
        assert_eq!(
            (memo.current.len(), memo.previous.len()),
            (Memo::GENERATION, 0)
        );
        // The next claim starts a generation: the first ones are older, not forgotten.
        memo.insert(id(full), Arc::clone(&facts));
        assert_eq!(
            (memo.current.len(), memo.previous.len()),
            (1, Memo::GENERATION)
        );
        // A second turn forgets the older generation.
        for n in full + 1..2 * full + 1 {
            memo.insert(id(n), Arc::clone(&facts));
        }
        assert!(!memo.previous.contains_key(&id(0)));
        assert!(memo.previous.contains_key(&id(full)));
    }

    #[test]
    fn recalled_facts_are_those_remembered_and_unknown_claims_are_none() {
        let a = Arc::new(Facts::new(
            "A",
            "say",
            "neutral",
            "the river rose overnight",
        ));
        let b = Arc::new(Facts::new(
            "B",
            "deny",
            "denying",
            "the river rose overnight",
        ));
        let (ia, ib, none) = (id(u64::MAX), id(u64::MAX - 1), id(u64::MAX - 2));
        remember([(ia, Arc::clone(&a)), (ib, Arc::clone(&b))]);
        let got = recall(&[ib, none, ia]);
        assert_eq!(got[0].as_deref(), Some(&*b));
        assert_eq!(got[1], None);
        assert_eq!(got[2].as_deref(), Some(&*a));
    }
}
