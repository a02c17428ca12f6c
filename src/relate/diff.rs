//! Claim-level diff: which attributed claims were added, removed or changed between two claim
//! lists (two versions of an article, an article file and a stored version, two databases).
//!
//! Pure: the inputs are claim lists, the output is data. Two claims are *the same* when they
//! agree after folding noise away (white space, quote and dash styles, case), so a case-only or
//! typographic edit is unchanged. The claims left over on each side are then paired into
//! *changed* claims by similarity of their content, with the nearer position winning a tie; a
//! pair names the fields that differ. Whatever is still unpaired is added or removed.

use super::{fold, words};
use crate::model::ClaimRef;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// A claim with noise folded away: speaker, cue, stance, hedges (sorted), content.
pub type Key = (String, String, String, Vec<String>, String);

/// The claim with noise folded away: equal keys mean "not a change".
pub fn key(c: &ClaimRef) -> Key {
    let mut hedges: Vec<String> = c.hedges.iter().map(|h| fold(h)).collect();
    hedges.sort();
    (
        fold(&c.speaker),
        c.cue.clone(),
        c.stance.clone(),
        hedges,
        fold(&c.content),
    )
}

/// A field of a claim that can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Speaker,
    Cue,
    Stance,
    Hedges,
    Content,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Speaker => "speaker",
            Field::Cue => "cue",
            Field::Stance => "stance",
            Field::Hedges => "hedges",
            Field::Content => "content",
        }
    }
}

/// One claim edited between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub before: ClaimRef,
    pub after: ClaimRef,
    /// What differs, in the order speaker, cue, stance, hedges, content.
    pub fields: Vec<Field>,
}

/// The result of a diff. `added` and `changed` follow the order of the second side, `removed`
/// the order of the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    pub added: Vec<ClaimRef>,
    pub removed: Vec<ClaimRef>,
    pub changed: Vec<Change>,
    pub unchanged: usize,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Above this many leftover pairs, candidates are only those sharing a content word.
const ALL_PAIRS_LIMIT: usize = 40_000;
/// In large inputs, a word shared by more claims of one speaker than this is not a pairing cue.
const COMMON_WORD_LIMIT: usize = 64;
/// Above this many word pairs, a word diff shows the whole content as removed and added.
const WORD_DIFF_LIMIT: usize = 1_000_000;

/// Diffs two claim lists, each in text order (or any stable order for whole databases).
pub fn diff(before: &[ClaimRef], after: &[ClaimRef]) -> Diff {
    // 1. Same claim up to noise: matched in order, first come first served.
    let mut by_key: HashMap<_, VecDeque<usize>> = HashMap::new();
    for (i, c) in after.iter().enumerate() {
        by_key.entry(key(c)).or_default().push_back(i);
    }
    let mut after_used = vec![false; after.len()];
    let mut removed_idx = Vec::new();
    let mut unchanged = 0;
    for (i, c) in before.iter().enumerate() {
        match by_key.get_mut(&key(c)).and_then(VecDeque::pop_front) {
            Some(j) => {
                after_used[j] = true;
                unchanged += 1;
            }
            None => removed_idx.push(i),
        }
    }
    let added_idx: Vec<usize> = (0..after.len()).filter(|&j| !after_used[j]).collect();

    // 2. Pair the leftovers by similarity, then by nearness of position.
    let pairs = pair(before, &removed_idx, after, &added_idx);
    let mut removed_taken = vec![false; before.len()];
    let mut added_taken = vec![false; after.len()];
    let mut changed: Vec<(usize, Change)> = Vec::new();
    for (i, j) in pairs {
        removed_taken[i] = true;
        added_taken[j] = true;
        let (b, a) = (&before[i], &after[j]);
        changed.push((
            j,
            Change {
                before: b.clone(),
                after: a.clone(),
                fields: fields(b, a),
            },
        ));
    }
    changed.sort_by_key(|(j, _)| *j);
    Diff {
        added: added_idx
            .iter()
            .filter(|&&j| !added_taken[j])
            .map(|&j| after[j].clone())
            .collect(),
        removed: removed_idx
            .iter()
            .filter(|&&i| !removed_taken[i])
            .map(|&i| before[i].clone())
            .collect(),
        changed: changed.into_iter().map(|(_, c)| c).collect(),
        unchanged,
    }
}

/// The fields in which two claims differ (after folding noise).
pub fn fields(b: &ClaimRef, a: &ClaimRef) -> Vec<Field> {
    let (kb, ka) = (key(b), key(a));
    let mut out = Vec::new();
    if kb.0 != ka.0 {
        out.push(Field::Speaker);
    }
    if kb.1 != ka.1 {
        out.push(Field::Cue);
    }
    if kb.2 != ka.2 {
        out.push(Field::Stance);
    }
    if kb.3 != ka.3 {
        out.push(Field::Hedges);
    }
    if kb.4 != ka.4 {
        out.push(Field::Content);
    }
    out
}

/// Similarity of two contents in [0, 1]: twice the longest common word subsequence over the
/// total number of words (on folded words).
pub fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * lcs_len(a, b) as f64 / (a.len() + b.len()) as f64
}

fn lcs_len(a: &[String], b: &[String]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diag = 0;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diag + 1 } else { up.max(row[j]) };
            diag = up;
        }
    }
    row[b.len()]
}

/// Whether two leftover claims are one statement edited, and how strongly.
fn score(b: &ClaimRef, bw: &[String], a: &ClaimRef, aw: &[String]) -> Option<f64> {
    let sim = similarity(bw, aw);
    let same_speaker = fold(&b.speaker) == fold(&a.speaker);
    if sim >= 0.5 || (same_speaker && sim >= 0.3) {
        Some(sim + if same_speaker { 0.25 } else { 0.0 } + if b.cue == a.cue { 0.05 } else { 0.0 })
    } else {
        None
    }
}

fn pair(
    before: &[ClaimRef],
    removed: &[usize],
    after: &[ClaimRef],
    added: &[usize],
) -> Vec<(usize, usize)> {
    if removed.is_empty() || added.is_empty() {
        return Vec::new();
    }
    let bw: Vec<Vec<String>> = removed.iter().map(|&i| words(&before[i].content)).collect();
    let aw: Vec<Vec<String>> = added.iter().map(|&j| words(&after[j].content)).collect();
    let candidates: Vec<(usize, usize)> = if removed.len() * added.len() <= ALL_PAIRS_LIMIT {
        (0..removed.len())
            .flat_map(|r| (0..added.len()).map(move |a| (r, a)))
            .collect()
    } else {
        // Large inputs (whole databases): only pairs sharing a word, and the same speaker.
        let mut postings: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
        let speakers: Vec<String> = added.iter().map(|&j| fold(&after[j].speaker)).collect();
        for (a, ws) in aw.iter().enumerate() {
            for w in ws {
                let list = postings.entry((&speakers[a], w)).or_default();
                if list.last() != Some(&a) {
                    list.push(a);
                }
            }
        }
        let mut out = Vec::new();
        for (r, ws) in bw.iter().enumerate() {
            let sp = fold(&before[removed[r]].speaker);
            // Words too common to tell claims apart ("the") are not used for pairing.
            let mut seen: Vec<usize> = ws
                .iter()
                .filter_map(|w| postings.get(&(sp.as_str(), w.as_str())))
                .filter(|list| list.len() <= COMMON_WORD_LIMIT)
                .flatten()
                .copied()
                .collect();
            seen.sort_unstable();
            seen.dedup();
            out.extend(seen.into_iter().map(|a| (r, a)));
        }
        out
    };
    let (nr, na) = (removed.len() as f64, added.len() as f64);
    let mut scored: Vec<(f64, f64, usize, usize)> = candidates
        .into_iter()
        .filter_map(|(r, a)| {
            let s = score(&before[removed[r]], &bw[r], &after[added[a]], &aw[a])?;
            let distance = (r as f64 / nr - a as f64 / na).abs();
            Some((s, distance, r, a))
        })
        .collect();
    scored.sort_by(|x, y| {
        y.0.total_cmp(&x.0)
            .then(x.1.total_cmp(&y.1))
            .then(x.2.cmp(&y.2))
            .then(x.3.cmp(&y.3))
    });
    let mut r_used = vec![false; removed.len()];
    let mut a_used = vec![false; added.len()];
    let mut out = Vec::new();
    for (_, _, r, a) in scored {
        if !r_used[r] && !a_used[a] {
            r_used[r] = true;
            a_used[a] = true;
            out.push((removed[r], added[a]));
        }
    }
    out
}

/// One piece of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum WordOp {
    Same(String),
    Removed(String),
    Added(String),
}

/// A word-level diff of two texts (words compared with noise folded away), for display.
pub fn word_diff(before: &str, after: &str) -> Vec<WordOp> {
    let b: Vec<&str> = before.split_whitespace().collect();
    let a: Vec<&str> = after.split_whitespace().collect();
    let bf: Vec<String> = b.iter().map(|w| fold(w)).collect();
    let af: Vec<String> = a.iter().map(|w| fold(w)).collect();
    // Full LCS table; contents are one sentence, so this is small.
    let (n, m) = (b.len(), a.len());
    if n.saturating_mul(m) > WORD_DIFF_LIMIT {
        return [WordOp::Removed(b.join(" ")), WordOp::Added(a.join(" "))]
            .into_iter()
            .filter(|op| !matches!(op, WordOp::Removed(s) | WordOp::Added(s) if s.is_empty()))
            .collect();
    }
    let mut t = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            t[i][j] = if bf[i] == af[j] {
                t[i + 1][j + 1] + 1
            } else {
                t[i + 1][j].max(t[i][j + 1])
            };
        }
    }
    let mut ops: Vec<WordOp> = Vec::new();
    let push = |ops: &mut Vec<WordOp>, op: WordOp| {
        let merged = match (ops.last_mut(), &op) {
            (Some(WordOp::Same(s)), WordOp::Same(w))
            | (Some(WordOp::Removed(s)), WordOp::Removed(w))
            | (Some(WordOp::Added(s)), WordOp::Added(w)) => {
                s.push(' ');
                s.push_str(w);
                true
            }
            _ => false,
        };
        if !merged {
            ops.push(op);
        }
    };
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && bf[i] == af[j] {
            push(&mut ops, WordOp::Same(a[j].to_string()));
            i += 1;
            j += 1;
        } else if j < m && (i == n || t[i][j + 1] >= t[i + 1][j]) {
            push(&mut ops, WordOp::Added(a[j].to_string()));
            j += 1;
        } else {
            push(&mut ops, WordOp::Removed(b[i].to_string()));
            i += 1;
        }
    }
    // Removed before added inside a run of edits reads better: "[-two-]{+three+}".
    let mut k = 0;
    while k + 1 < ops.len() {
        if matches!(ops[k], WordOp::Added(_)) && matches!(ops[k + 1], WordOp::Removed(_)) {
            ops.swap(k, k + 1);
        }
        k += 1;
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::ObjectId;

    fn claim(n: u8, speaker: &str, cue: &str, stance: &str, content: &str) -> ClaimRef {
        ClaimRef {
            id: ObjectId::of_bytes(&[n]),
            speaker: speaker.into(),
            cue: cue.into(),
            stance: stance.into(),
            hedges: vec![],
            content: content.into(),
        }
    }

    #[test]
    fn noise_is_not_a_change() {
        let b = [claim(
            1,
            "Police",
            "say",
            "neutral",
            "the Old Town \u{2014} lost power",
        )];
        let a = [claim(
            2,
            "police",
            "say",
            "neutral",
            "the old town  - lost power",
        )];
        let d = diff(&b, &a);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(d.unchanged, 1);
    }

    #[test]
    fn edits_are_paired_and_named() {
        let b = [
            claim(
                1,
                "mayor",
                "confirm",
                "affirming",
                "the bridge will reopen on Friday",
            ),
            claim(2, "Police", "say", "neutral", "two people were injured"),
            claim(
                3,
                "fire service",
                "say",
                "neutral",
                "the old mill was evacuated",
            ),
        ];
        let a = [
            claim(
                4,
                "mayor",
                "claim",
                "distancing",
                "the bridge will reopen on Friday",
            ),
            claim(5, "Police", "say", "neutral", "three people were injured"),
            claim(
                6,
                "Ana Ruiz",
                "say",
                "neutral",
                "a ferry will run from Monday",
            ),
        ];
        let d = diff(&b, &a);
        assert_eq!(d.unchanged, 0);
        assert_eq!(d.added, vec![a[2].clone()]);
        assert_eq!(d.removed, vec![b[2].clone()]);
        let fields: Vec<_> = d.changed.iter().map(|c| c.fields.clone()).collect();
        assert_eq!(
            fields,
            vec![vec![Field::Cue, Field::Stance], vec![Field::Content]]
        );
    }

    #[test]
    fn duplicates_match_one_for_one() {
        let c = claim(1, "A", "say", "neutral", "x y z");
        let d = diff(&[c.clone(), c.clone()], std::slice::from_ref(&c));
        assert_eq!((d.unchanged, d.removed.len()), (1, 1));
    }

    #[test]
    fn word_diff_marks_the_edit() {
        assert_eq!(
            word_diff("two people were injured", "three people were  injured"),
            vec![
                WordOp::Removed("two".into()),
                WordOp::Added("three".into()),
                WordOp::Same("people were injured".into()),
            ]
        );
        assert_eq!(word_diff("", ""), vec![]);
    }

    use proptest::prelude::*;

    fn arb_claim() -> impl Strategy<Value = ClaimRef> {
        (0..3usize, 0..2usize, prop::collection::vec(0..6usize, 1..6)).prop_map(|(s, c, ws)| {
            const WORDS: [&str; 6] = ["two", "three", "people", "were", "Injured", "rose"];
            let content: Vec<&str> = ws.iter().map(|&i| WORDS[i]).collect();
            let content = content.join(" ");
            ClaimRef {
                id: ObjectId::of_bytes(format!("{s}{c}{content}").as_bytes()),
                speaker: ["Police", "mayor", "Ana Ruiz"][s].into(),
                cue: ["say", "deny"][c].into(),
                stance: ["neutral", "denying"][c].into(),
                hedges: vec![],
                content,
            }
        })
    }

    proptest! {
        #[test]
        fn diff_accounts_for_every_claim(
            a in prop::collection::vec(arb_claim(), 0..12),
            b in prop::collection::vec(arb_claim(), 0..12),
        ) {
            let d = diff(&a, &b);
            prop_assert_eq!(d.unchanged + d.removed.len() + d.changed.len(), a.len());
            prop_assert_eq!(d.unchanged + d.added.len() + d.changed.len(), b.len());
            let back = diff(&b, &a);
            prop_assert_eq!(back.unchanged, d.unchanged);
            let same = diff(&a, &a);
            prop_assert!(same.is_empty());
            prop_assert_eq!(same.unchanged, a.len());
            for c in &d.changed {
                prop_assert!(!c.fields.is_empty());
            }
        }

        #[test]
        fn word_diff_rebuilds_both_sides(a in "[a-c ]{0,30}", b in "[a-c ]{0,30}") {
            let ops = word_diff(&a, &b);
            let side = |keep_removed: bool| -> String {
                ops.iter()
                    .filter_map(|op| match op {
                        WordOp::Same(s) => Some(s.as_str()),
                        WordOp::Removed(s) if keep_removed => Some(s.as_str()),
                        WordOp::Added(s) if !keep_removed => Some(s.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            prop_assert_eq!(side(true), a.split_whitespace().collect::<Vec<_>>().join(" "));
            prop_assert_eq!(side(false), b.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }

    #[test]
    fn large_inputs_pair_within_speaker() {
        let before: Vec<ClaimRef> = (0..300u16)
            .map(|i| ClaimRef {
                id: ObjectId::of_bytes(&i.to_le_bytes()),
                speaker: format!("S{i}"),
                cue: "say".into(),
                stance: "neutral".into(),
                hedges: vec![],
                content: format!("item {i} rose by two"),
            })
            .collect();
        let after: Vec<ClaimRef> = before
            .iter()
            .map(|c| ClaimRef {
                id: ObjectId::of_bytes(c.id.as_bytes()),
                content: c.content.replace("two", "three"),
                ..c.clone()
            })
            .collect();
        let d = diff(&before, &after);
        assert_eq!(d.changed.len(), 300);
        assert!(d
            .changed
            .iter()
            .all(|c| c.before.speaker == c.after.speaker));
    }
}
