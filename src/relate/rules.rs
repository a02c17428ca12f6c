//! The pairwise rules: given two claims that share a candidate key (see [`mod@super::keys`]),
//! do they conflict? Tried in order, the first that fires wins:
//! 1. `negation/1`: same content but for a negation: conflicts.
//! 2. `number/1`: same content but for one number, day or date: conflicts.
//! 3. `direction/1`: same content but for opposite direction or outcome words: conflicts.
//! 4. `movement/1`: a shared entity, opposite movements on one axis: conflicts.
//!
//! Same content is not judged here: `k` speakers repeating one statement would need `k²/2`
//! objects. The views derive those pairs from the `n:` keys instead, identically on every
//! replica: `same-content/1` (different speakers: corroborates) and `opposite-cue/1` (one
//! denies, the other does not: conflicts).
//!
//! Pure: a function of the two claims alone, so two replicas holding the same claims find the
//! same relations whatever the order they arrived in.

use super::keys::{
    entities, is_movement, phrase, polar, values, without_negation, Value, AXES, MAX_VALUES,
    MOVEMENT_AXES,
};
use super::{fold, words};
use crate::model::RelationKind;

/// A claim as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub speaker: String,
    pub stance: String,
    pub cue: String,
    pub content: String,
    folded: String,
    words: Vec<String>,
}

impl Facts {
    pub fn new(speaker: &str, cue: &str, stance: &str, content: &str) -> Facts {
        Facts {
            speaker: fold(speaker),
            stance: stance.to_string(),
            cue: cue.to_string(),
            content: content.to_string(),
            folded: fold(content),
            words: words(content),
        }
    }
}

/// What a rule found about a pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: RelationKind,
    /// How sure, in [0, 1]: 1 for every rule of this version.
    pub score: f64,
    /// Rule name and version: `negation/1`.
    pub basis: &'static str,
    /// For people: "direction: further west vs further east".
    pub reason: String,
}

/// Applies the rules to a pair of different claims. Symmetric: `judge(a, b)` and `judge(b, a)`
/// give the same kind and basis (the reason names `a`'s side first).
pub fn judge(a: &Facts, b: &Facts) -> Option<Finding> {
    let conflict = |basis, reason| {
        Some(Finding {
            kind: RelationKind::Conflicts,
            score: 1.0,
            basis,
            reason,
        })
    };
    let (sa, na) = without_negation(&a.words);
    let (sb, nb) = without_negation(&b.words);
    if sa == sb && (na % 2) == (nb % 2) {
        // The same content: the views pair these (corroborations, opposite cues).
        return None;
    }
    if sa == sb {
        let (neg, plain) = if na % 2 == 1 { (a, b) } else { (b, a) };
        return conflict(
            "negation/1",
            format!("negation: \"{}\" vs \"{}\"", neg.folded, plain.folded),
        );
    }
    let (ta, va) = values(&a.words);
    let (tb, vb) = values(&b.words);
    let differing: Vec<_> = va.iter().zip(&vb).filter(|(x, y)| x.0 != y.0).collect();
    if !va.is_empty() && va.len() <= MAX_VALUES && ta == tb && va.len() == vb.len() {
        // Exactly one value differs: the same statement with another number, day or date.
        if let [(x, y)] = differing[..] {
            let label = match (x.1, y.1) {
                (Value::Day, Value::Day) => "day",
                (Value::Month, _) | (_, Value::Month) => "date",
                _ => "number",
            };
            return conflict("number/1", format!("{label}: {} vs {}", x.0, y.0));
        }
    }
    let pa = polar(&a.words);
    let pb = polar(&b.words);
    if !pa.is_empty() && pa.len() == pb.len() {
        let same_shape = a.words.len() == b.words.len()
            && a.words
                .iter()
                .zip(&b.words)
                .enumerate()
                .all(|(i, (x, y))| x == y || pa.iter().any(|p| p.0 == i));
        let aligned = pa.iter().zip(&pb).all(|(x, y)| x.0 == y.0 && x.1 == y.1);
        if same_shape && aligned {
            if let Some((x, y)) = pa.iter().zip(&pb).find(|(x, y)| x.2 != y.2) {
                return conflict(
                    "direction/1",
                    format!(
                        "{}: {} vs {}",
                        AXES[x.1].1,
                        phrase(&a.words, x.0),
                        phrase(&b.words, y.0)
                    ),
                );
            }
        }
    }
    let names_a = entities(&a.content);
    let names_b = entities(&b.content);
    if names_a.intersection(&names_b).next().is_some() {
        for &(i, ax, pole) in &pa {
            let axis = AXES[ax].0;
            if !MOVEMENT_AXES.contains(&axis) || !is_movement(&a.words, i, axis) {
                continue;
            }
            if let Some(&(j, _, _)) = pb.iter().find(|&&(j, bx, bpole)| {
                bx == ax && bpole != pole && is_movement(&b.words, j, axis)
            }) {
                return conflict(
                    "movement/1",
                    format!(
                        "{}: {} vs {}",
                        AXES[ax].1,
                        phrase(&a.words, i),
                        phrase(&b.words, j)
                    ),
                );
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relate::keys::{keys, same_content};

    fn f(speaker: &str, stance: &str, content: &str) -> Facts {
        Facts::new(speaker, "say", stance, content)
    }

    fn reason(a: &Facts, b: &Facts) -> Option<(RelationKind, &'static str, String)> {
        judge(a, b).map(|x| (x.kind, x.basis, x.reason))
    }

    #[test]
    fn the_seed_west_east_case_is_a_movement_conflict() {
        let west = f(
            "Sky News",
            "asserting",
            "It will allow the Kremlin's troops to push their offensive further west, deeper into Ukrainian-held territory over less-fortified areas",
        );
        let east = f(
            "military bloggers",
            "neutral",
            "Pokrovsk, a railway junction further east, could be the next Russian objective",
        );
        let east_keys: Vec<String> = keys(&east.content).into_iter().map(|k| k.0).collect();
        let shared: Vec<(String, String)> = keys(&west.content)
            .into_iter()
            .filter(|k| east_keys.contains(&k.0))
            .collect();
        assert_eq!(
            shared,
            [("e:compass-ew:russia".to_string(), "+".to_string())]
        );
        assert_eq!(
            reason(&west, &east),
            Some((
                RelationKind::Conflicts,
                "movement/1",
                "direction: further west vs further east".to_string()
            ))
        );
        assert_eq!(judge(&east, &west).map(|x| x.basis), Some("movement/1"));
    }

    #[test]
    fn numbers_days_negation_direction_cues_and_corroboration() {
        let two = f("Police", "neutral", "two people were injured");
        let three = f("Medics", "neutral", "three people were injured");
        assert_eq!(
            reason(&two, &three).map(|r| r.2),
            Some("number: two vs three".into())
        );
        let tue = f("A", "neutral", "the bridge was inspected on Tuesday");
        let wed = f("B", "neutral", "the bridge was inspected on Wednesday");
        assert_eq!(
            reason(&tue, &wed).map(|r| r.2),
            Some("day: tuesday vs wednesday".into())
        );
        let risk = f("A", "neutral", "the plant was at risk");
        let never = f("B", "neutral", "the plant was never at risk");
        assert_eq!(reason(&risk, &never).map(|r| r.1), Some("negation/1"));
        let rose = f("A", "neutral", "the river level rose overnight");
        let fell = f("B", "neutral", "the river level fell overnight");
        assert_eq!(
            reason(&rose, &fell).map(|r| r.2),
            Some("direction: rose vs fell".into())
        );
        let said = f("Police", "neutral", "The mill was evacuated");
        let denied = f("Owners", "denying", "the mill was  evacuated.");
        assert_eq!(
            reason(&said, &denied),
            None,
            "same content is left to the views"
        );
        assert!(same_content(&said.content, &denied.content));
        assert!(same_content("it was not safe", "it was never safe"));
        assert!(!same_content("it was safe", "it was never safe"));
        assert_eq!(reason(&two, &rose), None);
        let two_values = f("A", "neutral", "two crews will arrive on Monday");
        let both_differ = f("B", "neutral", "three crews will arrive on Friday");
        assert_eq!(
            reason(&two_values, &both_differ),
            None,
            "two values differ: another statement"
        );
    }
}
