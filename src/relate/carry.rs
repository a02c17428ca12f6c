//! Relations carried over a corroboration: when A conflicts with B and B corroborates C, A
//! conflicts with C too, though A and C were never compared (they share no candidate key, or
//! their words fall below the match); when A corroborates B and B corroborates C, A
//! corroborates C. And over two conflicts: when A and C both conflict with B, they take one
//! side on it, and A corroborates C. The claims of one story are worded far apart; the
//! relations found pair by pair link them.
//!
//! Computed when relations are read (`claims relations`), from the relations in force: a pure
//! function of those rows and the two claims, so of the set of objects, the same on every
//! replica. Nothing is written. One step only (no chains of carries), and over a
//! corroboration only where A and C share a word that is not a name ([`same_topic`]): two
//! stories about one person corroborate each other through the person's name, and a conflict
//! carried over such a corroboration pairs another story.

use super::rules::MIN_PREDICATE_WEIGHT;
use super::similar::{names, similarity, terms};
use crate::model::RelationKind;
use crate::objects::ObjectId;
use std::collections::BTreeMap;

/// Basis of a carried relation.
pub const CARRIED_BASIS: &str = "carried/1";

/// A relation in force that a conflict can be carried over: its two claims (either order),
/// kind and score.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub a: ObjectId,
    pub b: ObjectId,
    pub kind: RelationKind,
    pub score: f64,
}

/// A relation carried over a corroboration: `a` (the smaller id) conflicts with (or
/// corroborates) `c` because one of them conflicts with (corroborates) `through`, which the
/// other corroborates; the score is the product of the two scores. Or a corroboration carried
/// over two conflicts (`over_conflicts`): both conflict with `through`; the score is the
/// smaller of the two.
#[derive(Debug, Clone, PartialEq)]
pub struct Carried {
    pub kind: RelationKind,
    pub a: ObjectId,
    pub c: ObjectId,
    pub through: ObjectId,
    /// The score of the relation carried (of one side with `through`) and of the
    /// relation it was carried over (of `through` with the other side).
    pub first: f64,
    pub second: f64,
    pub score: f64,
    /// Carried over a conflict of `through` with the other side (a corroboration of two
    /// claims that both conflict with `through`), not over a corroboration.
    pub over_conflicts: bool,
}

impl Carried {
    /// For people: through which claim, and the two scores.
    pub fn reason(&self) -> String {
        let first = if self.kind == RelationKind::Conflicts || self.over_conflicts {
            "conflicts with"
        } else {
            "corroborates"
        };
        let second = if self.over_conflicts {
            "conflicts with"
        } else {
            "corroborates"
        };
        format!(
            "carried over claim {}: it {first} one side ({}) and {second} the other ({})",
            &self.through.to_hex()[..12],
            self.first,
            self.second
        )
    }
}

/// The relations carried over a corroboration by the relations `edges` (of kinds `conflicts`
/// and `corroborates`; others are ignored): A conflicts with C when A conflicts with B and B
/// corroborates C; A corroborates C when A corroborates B and B corroborates C (scored by the
/// product of the two scores), or when A and C both conflict with B (scored by the smaller of
/// the two: [`over_conflicts_score`]). Scored at least `min_score`, between claims that no
/// edge relates directly and that [`shown`] shows (`claim` gives the speaker and the content
/// by id): over a corroboration, their contents share a word that is not a name
/// ([`same_topic`]); they do not say the same ([`super::same_content`]); a corroboration only
/// between different speakers. Of several ways to carry one pair, a conflict stands over a
/// corroboration, then the highest score, then the smallest `through`. Sorted by `a`, then
/// `c`. A function of the set of edges: their order does not matter.
pub fn carried(
    edges: &[Edge],
    claim: &dyn Fn(&ObjectId) -> Option<(String, String)>,
    min_score: f64,
) -> Vec<Carried> {
    let mut conflicts: BTreeMap<ObjectId, Vec<(ObjectId, f64)>> = BTreeMap::new();
    let mut corroborations: BTreeMap<ObjectId, Vec<(ObjectId, f64)>> = BTreeMap::new();
    let mut direct: std::collections::BTreeSet<(ObjectId, ObjectId)> = Default::default();
    for e in edges {
        if e.a == e.b {
            continue;
        }
        let map = match e.kind {
            RelationKind::Conflicts => &mut conflicts,
            RelationKind::Corroborates => &mut corroborations,
            _ => continue,
        };
        map.entry(e.a).or_default().push((e.b, e.score));
        map.entry(e.b).or_default().push((e.a, e.score));
        direct.insert((e.a.min(e.b), e.a.max(e.b)));
    }
    let mut best: BTreeMap<(ObjectId, ObjectId), Carried> = BTreeMap::new();
    // Each relation of a claim `x` with `through`, carried over each corroboration of
    // `through`: a conflict stays a conflict, a corroboration a corroboration.
    let mut first: BTreeMap<ObjectId, Vec<(ObjectId, RelationKind, f64)>> = BTreeMap::new();
    for (map, kind) in [
        (&conflicts, RelationKind::Conflicts),
        (&corroborations, RelationKind::Corroborates),
    ] {
        for (x, related) in map {
            let list = first.entry(*x).or_default();
            list.extend(related.iter().map(|&(y, s)| (y, kind, s)));
        }
    }
    let none = Vec::new();
    for (x, related) in &first {
        for &(through, kind, s1) in related {
            // Over `through`'s corroborations; a conflict also over its conflicts.
            let agreeing = corroborations.get(&through).unwrap_or(&none);
            let opposing = match kind {
                RelationKind::Conflicts => conflicts.get(&through).unwrap_or(&none),
                _ => &none,
            };
            let ways = agreeing.iter().map(|&(y, s2)| (y, kind, s2, false)).chain(
                opposing
                    .iter()
                    .map(|&(y, s2)| (y, RelationKind::Corroborates, s2, true)),
            );
            for (y, kind, s2, over_conflicts) in ways {
                let score = if over_conflicts {
                    over_conflicts_score(s1, s2)
                } else {
                    (s1 * s2 * 1000.0).round() / 1000.0
                };
                if y == *x || score < min_score {
                    continue;
                }
                let pair = ((*x).min(y), (*x).max(y));
                if direct.contains(&pair) {
                    continue;
                }
                // A conflict stands over a corroboration, then the higher score, then the
                // smaller `through`.
                let conflict = |k: RelationKind| k == RelationKind::Conflicts;
                let better = best.get(&pair).is_none_or(|c| {
                    (conflict(kind), score) > (conflict(c.kind), c.score)
                        || (kind == c.kind && score == c.score && through < c.through)
                });
                if better {
                    best.insert(
                        pair,
                        Carried {
                            kind,
                            a: pair.0,
                            c: pair.1,
                            through,
                            first: s1,
                            second: s2,
                            score,
                            over_conflicts,
                        },
                    );
                }
            }
        }
    }
    best.into_values()
        .filter(|c| match (claim(&c.a), claim(&c.c)) {
            (Some((sa, a)), Some((sb, b))) => shown(c.kind, c.over_conflicts, (&sa, &a), (&sb, &b)),
            _ => false,
        })
        .collect()
}

/// The score of a corroboration carried over two conflicts with one claim, scored `s1` and
/// `s2`: the smaller. Two claims that both contradict a third take one side on it as surely
/// as the weaker contradiction holds (a product, as over a corroboration, would halve two
/// conflicts near the conflicts' own minimum, 0.35, to 0.12). Issue 9, tenth round,
/// docs/relations.md.
pub fn over_conflicts_score(s1: f64, s2: f64) -> f64 {
    s1.min(s2)
}

/// Whether a relation of `kind` carried between two claims (each its speaker and content) is
/// shown: their contents share a word that is not a name ([`same_topic`]) and do not say the
/// same ([`super::same_content`]); a corroboration only between different speakers. A
/// corroboration carried over two conflicts (`over_conflicts`) is not asked to share a word:
/// each of its claims passed the paraphrase rule's test of shared words that are not names
/// with the claim between, and two denials of one story are often worded apart ("a hoax",
/// "did not happen").
pub fn shown(kind: RelationKind, over_conflicts: bool, a: (&str, &str), c: (&str, &str)) -> bool {
    (over_conflicts || same_topic(a.1, c.1))
        && !super::same_content(a.1, c.1)
        && (kind == RelationKind::Conflicts || super::fold(a.0) != super::fold(c.0))
}

/// Whether two contents share terms other than names weighing at least
/// [`MIN_PREDICATE_WEIGHT`] (as the paraphrase rule asks of a match): the same people in two
/// stories is not one story.
pub fn same_topic(a: &str, b: &str) -> bool {
    let (ta, tb) = (terms(a), terms(b));
    let (na, nb) = (names(a), names(b));
    let sim = similarity(&ta, &tb);
    let predicate: f64 = sim
        .shared
        .iter()
        .filter(|t| !na.contains(*t) && !nb.contains(*t))
        .map(|t| ta[t].min(tb[t]))
        .sum();
    predicate >= MIN_PREDICATE_WEIGHT
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn id(n: u8) -> ObjectId {
        ObjectId::from_raw([n; 32])
    }

    fn edge(a: u8, b: u8, kind: RelationKind, score: f64) -> Edge {
        Edge {
            a: id(a),
            b: id(b),
            kind,
            score,
        }
    }

    fn contents() -> HashMap<ObjectId, (String, String)> {
        [
            (1, "The lighthouse keeper saw a giant squid off Tobermory"),
            (2, "Giant squid in Tobermory harbour is a hoax"),
            (3, "Huge squid filmed near the Tobermory lighthouse"),
            (4, "Tobermory mayor opens a new ferry terminal"),
            (5, "A giant squid was filmed near the lighthouse"),
        ]
        .into_iter()
        .map(|(n, s)| (id(n), (format!("outlet {n}"), s.to_string())))
        .collect()
    }

    #[test]
    fn a_conflict_is_carried_over_a_corroboration_to_the_same_topic_only() {
        let text = contents();
        let claim = |i: &ObjectId| text.get(i).cloned();
        let edges = vec![
            // 2 refutes what 1 says; 1 is corroborated by 3 (same topic: squid, lighthouse)
            // and by 4 through a shared name only (another story about the town).
            edge(1, 2, RelationKind::Conflicts, 0.8),
            edge(1, 3, RelationKind::Corroborates, 0.7),
            edge(4, 1, RelationKind::Corroborates, 0.9),
        ];
        let found = carried(&edges, &claim, 0.45);
        assert_eq!(
            found,
            vec![Carried {
                kind: RelationKind::Conflicts,
                a: id(2),
                c: id(3),
                through: id(1),
                first: 0.8,
                second: 0.7,
                score: 0.56,
                over_conflicts: false,
            }]
        );
        assert!(!same_topic(&text[&id(2)].1, &text[&id(4)].1));
        assert!(!same_topic(&text[&id(3)].1, &text[&id(4)].1));
        assert_eq!(
            found[0].reason(),
            format!(
                "carried over claim {}: it conflicts with one side (0.8) and corroborates the other (0.7)",
                &id(1).to_hex()[..12]
            )
        );
        // Below the minimum score: nothing.
        assert!(carried(&edges, &claim, 0.6).is_empty());
        // The order of the edges does not matter.
        let mut reversed = edges.clone();
        reversed.reverse();
        assert_eq!(carried(&reversed, &claim, 0.45), found);
    }

    #[test]
    fn a_pair_related_directly_is_not_carried_and_the_best_way_stands() {
        let text = contents();
        let claim = |i: &ObjectId| text.get(i).cloned();
        let mut edges = vec![
            edge(1, 2, RelationKind::Conflicts, 0.8),
            edge(1, 3, RelationKind::Corroborates, 0.7),
            edge(2, 5, RelationKind::Conflicts, 0.9),
            edge(5, 3, RelationKind::Corroborates, 0.9),
        ];
        // 2 conflicts with 3 through 1 (0.56) and through 5 (0.81): the higher stands. 1
        // corroborates 5 through 3 (0.63) and, both conflicting with 2, through 2 (0.8).
        let found = carried(&edges, &claim, 0.45);
        let seen = |found: &[Carried]| {
            found
                .iter()
                .map(|c| (c.kind, c.a, c.c, c.through, c.score))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            seen(&found),
            vec![
                (RelationKind::Corroborates, id(1), id(5), id(2), 0.8),
                (RelationKind::Conflicts, id(2), id(3), id(5), 0.81)
            ]
        );
        // A direct relation of the pair (any kind) stands instead.
        edges.push(edge(3, 2, RelationKind::Corroborates, 0.5));
        assert_eq!(
            seen(&carried(&edges, &claim, 0.45)),
            vec![(RelationKind::Corroborates, id(1), id(5), id(2), 0.8)]
        );
        // A speaker repeating itself corroborates nothing, carried or not.
        let mut same_speaker = text.clone();
        same_speaker.get_mut(&id(5)).expect("5").0 = "Outlet 1".to_string();
        let claim = |i: &ObjectId| same_speaker.get(i).cloned();
        assert!(carried(&edges, &claim, 0.45).is_empty());
        let claim = |i: &ObjectId| text.get(i).cloned();
        // No chain: a conflict carried to 3 is not carried on over 3's corroborations (nor
        // over the corroboration carried from 1 to 5).
        let edges = vec![
            edge(1, 2, RelationKind::Conflicts, 1.0),
            edge(1, 3, RelationKind::Corroborates, 1.0),
            edge(3, 5, RelationKind::Corroborates, 1.0),
        ];
        let pairs: Vec<(ObjectId, ObjectId)> = carried(&edges, &claim, 0.0)
            .iter()
            .map(|c| (c.a, c.c))
            .collect();
        assert_eq!(pairs, vec![(id(1), id(5)), (id(2), id(3))]);
    }

    #[test]
    fn two_claims_conflicting_with_one_corroborate_each_other() {
        let text = contents();
        let claim = |i: &ObjectId| text.get(i).cloned();
        // 1 and 3 both conflict with 2 (the squid is a hoax): they take one side on it, and
        // corroborate each other as surely as the weaker conflict.
        let edges = vec![
            edge(2, 1, RelationKind::Conflicts, 0.8),
            edge(3, 2, RelationKind::Conflicts, 0.6),
        ];
        let found = carried(&edges, &claim, 0.45);
        assert_eq!(
            found,
            vec![Carried {
                kind: RelationKind::Corroborates,
                a: id(1),
                c: id(3),
                through: id(2),
                first: 0.8,
                second: 0.6,
                score: 0.6,
                over_conflicts: true,
            }]
        );
        assert_eq!(
            found[0].reason(),
            format!(
                "carried over claim {}: it conflicts with one side (0.8) and conflicts with the other (0.6)",
                &id(2).to_hex()[..12]
            )
        );
        // The weaker conflict under the minimum: nothing.
        assert!(carried(&edges, &claim, 0.61).is_empty());
        // One speaker's two claims corroborate nothing.
        let mut same_speaker = text.clone();
        same_speaker.get_mut(&id(3)).expect("3").0 = "outlet 1".to_string();
        let claim = |i: &ObjectId| same_speaker.get(i).cloned();
        assert!(carried(&edges, &claim, 0.45).is_empty());
    }

    #[test]
    fn a_conflict_stands_over_a_corroboration_of_the_same_pair() {
        let text = contents();
        let claim = |i: &ObjectId| text.get(i).cloned();
        let edges = vec![
            edge(1, 2, RelationKind::Conflicts, 0.6),
            edge(2, 3, RelationKind::Corroborates, 0.8),
            edge(1, 5, RelationKind::Corroborates, 1.0),
            edge(5, 3, RelationKind::Corroborates, 1.0),
        ];
        // 1 and 3: a conflict through 2 (0.48), a corroboration through 5 (1.0); 2 and 5: a
        // conflict through 1 (0.6), a corroboration through 3 (0.8).
        let found: Vec<_> = carried(&edges, &claim, 0.45)
            .into_iter()
            .map(|c| (c.kind, c.a, c.c, c.through, c.score))
            .collect();
        assert_eq!(
            found,
            vec![
                (RelationKind::Conflicts, id(1), id(3), id(2), 0.48),
                (RelationKind::Conflicts, id(2), id(5), id(1), 0.6)
            ]
        );
    }
}
