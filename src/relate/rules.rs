//! The pairwise rules: given two claims that share a candidate key (see [`mod@super::keys`]),
//! how do they relate? Tried in order, the first that fires wins:
//! 1. `negation/1`: same content but for a negation: conflicts.
//! 2. `number/1`: same content but for one number, day or date: conflicts.
//! 3. `direction/1`: same content but for opposite direction or outcome words: conflicts.
//! 4. `movement/1`: a shared entity, opposite movements on the compass: conflicts.
//! 5. `stance/1`: the same proposition in other words ([`super::similar`]), and the two
//!    claims' stances on it ([`super::stance`]): one supports what the other refutes:
//!    conflicts; both support or both refute: corroborates. A claim that only reports
//!    (hedged, questioned, somebody's claim) takes no side.
//!
//! Every finding has a score in `[0, 1]`; [`DEFAULT_MIN_SCORE`] is where the output is
//! precise. Claims with fewer than two content words never relate ([`super::similar::degenerate`]).
//!
//! Pure: a function of the two claims alone (word rarity comes from a static table), so two
//! replicas holding the same claims find the same relations whatever the order they arrived in.

use super::keys::{
    compass_in_name, entities, is_movement, phrase, polar, same_value, values, without_negation,
    Value, AXES, MAX_VALUES, MOVEMENT_AXES,
};
use super::similar::{degenerate_words, names, similarity, terms, terms_of_words};
use super::stance::{stance_of, Side, Stance};
use super::{fold, words_of_folded};
use crate::model::RelationKind;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Findings scored below this are not precise enough to show by default (`--min-score`
/// shows more). Was 0.45 until the negation's scope ([`NEGATED_TERMS`]) took out most of the
/// false conflicts between 0.40 and 0.45 (docs/relations.md, "Negation scope"), and 0.40
/// until the eighth round took out most of those between 0.35 and 0.40 (the held-out folds
/// chose 0.33 to 0.36: docs/relations.md, "Eighth round").
pub const DEFAULT_MIN_SCORE: f64 = 0.35;

/// Corroborations scored below this are not shown by default, though conflicts are carried
/// over them from [`DEFAULT_MIN_SCORE`]: a corroboration's precision falls below 0.60 on
/// held-out stories under 0.45, where a conflict's stays near 0.64.
pub const DEFAULT_MIN_CORROBORATION_SCORE: f64 = 0.45;

/// `judge` returns nothing scored below this.
pub const FLOOR_SCORE: f64 = 0.35;

/// A claim as the rules see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub speaker: String,
    pub stance: String,
    pub cue: String,
    pub content: String,
    folded: String,
    words: Vec<String>,
    /// The terms of the content and, for an attribution, of its speaker; `None` when they are
    /// the content's alone (`own_terms`: no cue, or a speaker without terms), so that most
    /// claims do not hold the same map twice ([`Facts::terms`]).
    terms: Option<BTreeMap<String, f64>>,
    /// The terms of the content alone.
    own_terms: BTreeMap<String, f64>,
    names: std::collections::BTreeSet<String>,
    side: Stance,
    degenerate: bool,
    /// What the rules read of the words, once per claim rather than once per pair: the words
    /// without negations and how many there were, the value template and values, the polar
    /// words, the entities, and whether any word is a negation. `stripped` and `template` are
    /// `None` when they are the words themselves (no negation, no value: most claims), so that
    /// the words are held once ([`Facts::stripped`], [`Facts::template`]).
    stripped: Option<Vec<String>>,
    negations: usize,
    template: Option<Vec<String>>,
    values: Vec<(String, Value)>,
    polars: Vec<(usize, usize, bool)>,
    entities: std::collections::BTreeSet<String>,
    negated: bool,
}

impl Facts {
    pub fn new(speaker: &str, cue: &str, stance_class: &str, content: &str) -> Facts {
        // The content folded and split once for the words, the terms and the degenerate test.
        let folded = fold(content);
        let mut words = words_of_folded(&folded);
        words.shrink_to_fit();
        let side = stance_of(speaker, cue, stance_class, content);
        // What a cue denies is its content's first clause: "Pentagon Denies It Killed ISIS
        // Chief As Airstrikes Hit Top Extremists" denies the killing, not the airstrikes.
        let denied_clause = if side.side == Side::Refutes && side.evidence.starts_with("cue") {
            (2..words.len().saturating_sub(2))
                .find(|&i| words[i] == "as" && !AS_NOT_A_CLAUSE.contains(&words[i + 1].as_str()))
        } else {
            None
        };
        let own_terms = terms_of_words(&words[..denied_clause.unwrap_or(words.len())]);
        let (stripped, negations) = without_negation(&words);
        let (template, values) = values(&words);
        // A long-lived claim's facts (the relation step keeps thousands) hold each list once.
        let unless_words = |mut list: Vec<String>| {
            (list != words).then(|| {
                list.shrink_to_fit();
                list
            })
        };
        let (stripped, template) = (unless_words(stripped), unless_words(template));
        let mut values = values;
        values.shrink_to_fit();
        let mut polars = polar(&words);
        polars.shrink_to_fit();
        let terms = if cue.is_empty() {
            None
        } else {
            let terms = with_speaker(own_terms.clone(), speaker, cue);
            (terms != own_terms).then_some(terms)
        };
        let negated = words.iter().any(is_negation);
        Facts {
            speaker: fold(speaker),
            stance: stance_class.to_string(),
            cue: cue.to_string(),
            content: content.to_string(),
            folded,
            terms,
            own_terms,
            names: names(content),
            side,
            degenerate: degenerate_words(&words),
            stripped,
            negations,
            template,
            values,
            polars,
            entities: entities(content),
            negated,
            words,
        }
    }

    /// The candidate keys of the content ([`super::candidate_keys`]), from what was read for
    /// the rules.
    pub fn candidate_keys(&self) -> Vec<(String, String)> {
        if self.degenerate || super::content_words_in(&self.words) < 2 {
            return Vec::new();
        }
        super::keys::keys_of(&super::keys::Parts {
            content: &self.content,
            folded: &self.folded,
            words: &self.words,
            terms: &self.own_terms,
            stripped: self.stripped(),
            negations: self.negations,
            template: self.template(),
            values: &self.values,
            polars: &self.polars,
            entities: &self.entities,
        })
    }

    /// The terms of the content and, for an attribution, of its speaker.
    fn terms(&self) -> &BTreeMap<String, f64> {
        self.terms.as_ref().unwrap_or(&self.own_terms)
    }

    /// The words without negations.
    fn stripped(&self) -> &[String] {
        self.stripped.as_deref().unwrap_or(&self.words)
    }

    /// The words with each run of values (numbers, days, dates) as `#`.
    fn template(&self) -> &[String] {
        self.template.as_deref().unwrap_or(&self.words)
    }

    /// Whether the cue only names a topic ([`TOPIC_CUES`]) and nothing refutes it: no
    /// proposition to match. "responds to fake report" refutes the report.
    pub fn topic_only(&self) -> bool {
        // Read for every judged pair: compared without a lower-cased copy.
        self.side.side != Side::Refutes
            && TOPIC_CUES.iter().any(|c| c.eq_ignore_ascii_case(&self.cue))
    }

    /// The claim's side on its own content, and the evidence.
    pub fn side(&self) -> &Stance {
        &self.side
    }
}

/// The terms of an attribution's speaker join its content's: "Apple denies a plan to ..."
/// states something about Apple. An outlet's own assertion (no cue) adds nothing: its name
/// is not what it says.
fn with_speaker(mut ts: BTreeMap<String, f64>, speaker: &str, cue: &str) -> BTreeMap<String, f64> {
    if cue.is_empty() {
        return ts;
    }
    for (t, w) in terms(speaker) {
        let e = ts.entry(t).or_insert(0.0);
        *e = e.max(w * SPEAKER_WEIGHT);
    }
    ts
}

/// Words after "as" that make it a comparison or a role ("as a spy", "as well as"), not a
/// clause of its own ("as airstrikes hit").
const AS_NOT_A_CLAUSE: &[&str] = &[
    "a", "an", "the", "his", "her", "their", "its", "our", "my", "your", "well", "much", "many",
    "soon", "long", "far", "if", "though", "part", "of", "to", "it", "he", "she", "they", "we",
    "i", "you", "good", "bad", "big", "likely", "high", "low", "such", "usual", "planned",
];

/// The factor of a speaker's terms.
pub const SPEAKER_WEIGHT: f64 = 0.7;

/// What a rule found about a pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: RelationKind,
    /// Rule name and version: `negation/1`.
    pub basis: &'static str,
    /// For people: "direction: further west vs further east".
    pub reason: String,
    /// How sure, in `[0, 1]`: see [`DEFAULT_MIN_SCORE`].
    pub score: f64,
}

/// Applies the rules to a pair of different claims. Symmetric: `judge(a, b)` and `judge(b, a)`
/// give the same kind and basis (the reason names `a`'s side first).
pub fn judge(a: &Facts, b: &Facts) -> Option<Finding> {
    if a.degenerate || b.degenerate {
        return None;
    }
    if let Some(found) = structural(a, b) {
        return Some(found);
    }
    paraphrase(a, b)
}

/// Rules 1 to 4: the same subject and measured thing with another value.
fn structural(a: &Facts, b: &Facts) -> Option<Finding> {
    let conflict = |basis, reason, score| {
        Some(Finding {
            kind: RelationKind::Conflicts,
            basis,
            reason,
            score,
        })
    };
    let (sa, na) = (a.stripped(), a.negations);
    let (sb, nb) = (b.stripped(), b.negations);
    if sa == sb && (na % 2) == (nb % 2) {
        // The same content: judged by stance.
        return None;
    }
    if sa == sb {
        let (neg, plain) = if na % 2 == 1 { (a, b) } else { (b, a) };
        return conflict(
            "negation/1",
            format!("negation: \"{}\" vs \"{}\"", neg.folded, plain.folded),
            0.8,
        );
    }
    let (ta, va) = (a.template(), &a.values);
    let (tb, vb) = (b.template(), &b.values);
    let differing: Vec<_> = va
        .iter()
        .zip(vb)
        .filter(|(x, y)| !same_value(&x.0, &y.0))
        .collect();
    if !va.is_empty() && va.len() <= MAX_VALUES && ta == tb && va.len() == vb.len() {
        // Exactly one value differs: the same statement with another number, day or date.
        if let [(x, y)] = differing[..] {
            let label = match (x.1, y.1) {
                (Value::Day, Value::Day) => "day",
                (Value::Month, _) | (_, Value::Month) => "date",
                _ => "number",
            };
            return conflict("number/1", format!("{label}: {} vs {}", x.0, y.0), 0.6);
        }
    }
    let (pa, pb) = (&a.polars, &b.polars);
    if !pa.is_empty() && pa.len() == pb.len() {
        let same_shape = a.words.len() == b.words.len()
            && a.words
                .iter()
                .zip(&b.words)
                .enumerate()
                .all(|(i, (x, y))| x == y || pa.iter().any(|p| p.0 == i));
        let aligned = pa.iter().zip(pb).all(|(x, y)| x.0 == y.0 && x.1 == y.1);
        if same_shape && aligned {
            if let Some((x, y)) = pa.iter().zip(pb).find(|(x, y)| x.2 != y.2) {
                return conflict(
                    "direction/1",
                    format!(
                        "{}: {} vs {}",
                        AXES[x.1].1,
                        phrase(&a.words, x.0),
                        phrase(&b.words, y.0)
                    ),
                    0.6,
                );
            }
        }
    }
    if a.entities.intersection(&b.entities).next().is_some() {
        for &(i, ax, pole) in pa {
            let axis = AXES[ax].0;
            if !MOVEMENT_AXES.contains(&axis)
                || !is_movement(&a.words, i, axis)
                || compass_in_name(&a.content, &a.words[i])
            {
                continue;
            }
            if let Some(&(j, _, _)) = pb.iter().find(|&&(j, bx, bpole)| {
                bx == ax
                    && bpole != pole
                    && is_movement(&b.words, j, axis)
                    && !compass_in_name(&b.content, &b.words[j])
            }) {
                return conflict(
                    "movement/1",
                    format!(
                        "{}: {} vs {}",
                        AXES[ax].1,
                        phrase(&a.words, i),
                        phrase(&b.words, j)
                    ),
                    0.6,
                );
            }
        }
    }
    None
}

/// A claim's terms without `dropped` (borrowed when there is nothing to drop).
fn without<'m>(
    ts: &'m BTreeMap<String, f64>,
    dropped: &[&String],
) -> Cow<'m, BTreeMap<String, f64>> {
    if dropped.is_empty() {
        return Cow::Borrowed(ts);
    }
    let mut ts = ts.clone();
    ts.retain(|t, _| !dropped.contains(&t));
    Cow::Owned(ts)
}

/// Rule 5: the same proposition in other words, and the two stances on it.
fn paraphrase(a: &Facts, b: &Facts) -> Option<Finding> {
    // One speaker's two claims share the speaker's words trivially: compare the contents.
    let (ta, tb) = if a.speaker == b.speaker {
        (&a.own_terms, &b.own_terms)
    } else {
        (a.terms(), b.terms())
    };
    // Two speakers that share a word ("United States Department of Defense", "United States
    // government") say nothing alike by it: a speaker's terms match the other's content only.
    // Only two attributions whose speakers add terms can share a speaker's word.
    let speakers_only: Vec<&String> = if a.terms.is_some() && b.terms.is_some() {
        ta.keys()
            .filter(|t| tb.contains_key(*t))
            .filter(|t| !a.own_terms.contains_key(*t) && !b.own_terms.contains_key(*t))
            .collect()
    } else {
        Vec::new()
    };
    let (ta, tb) = (without(ta, &speakers_only), without(tb, &speakers_only));
    let (ta, tb) = (ta.as_ref(), tb.as_ref());
    let sim = similarity(ta, tb);
    // "cited the clot", "responded to the tweets": a topic named, no proposition stated;
    // only the same words again (one quotation in two articles) match it.
    if (a.topic_only() || b.topic_only()) && sim.cosine < TOPIC_MIN_COSINE {
        return None;
    }
    // Numbers, days or dates on both sides and none shared: another quantity, date or thing
    // ("bridge 3", "on Friday").
    let (va, vb) = (&a.values, &b.values);
    if !va.is_empty()
        && !vb.is_empty()
        && !va.iter().any(|x| vb.iter().any(|y| same_value(&x.0, &y.0)))
    {
        return None;
    }
    // Sharing only names (the same people in two stories) is not sharing a proposition: the
    // shared terms must say something about them too.
    let predicates: Vec<(&String, f64)> = sim
        .shared
        .iter()
        .filter(|t| !a.names.contains(*t) && !b.names.contains(*t))
        .filter(|t| !t.chars().any(|c| c.is_ascii_digit()))
        .map(|t| (t, ta[t].min(tb[t])))
        .collect();
    let predicate: f64 = predicates.iter().map(|p| p.1).sum();
    // Two names shared (a full name: "Macaulay Culkin") tie the claims to one person more
    // than one does: a common word about them is enough ("dead").
    let full_name = sim
        .shared
        .iter()
        .filter(|t| a.names.contains(*t) && b.names.contains(*t))
        .count()
        >= 2;
    let (x, y) = (&a.side, &b.side);
    // Two refutations by a refuting word or a denying cue ("The Zorbly collapse story is a
    // hoax", the council denying "the Zorbly bridge fell") deny one story with less in common
    // than two reports of it: a denial is rarer than a report, so a shared name says what
    // both deny, and they match as two short opposed contents sharing a rare word do. Not a
    // side taken by a negation alone, which also reads "hands up, don't shoot".
    let by_negation = |s: &Stance| s.evidence.starts_with("negation");
    let refuted =
        x.side == Side::Refutes && y.side == Side::Refutes && !by_negation(x) && !by_negation(y);
    let least = match (full_name, x.side == y.side) {
        _ if refuted => REFUTED_PREDICATE_WEIGHT,
        (false, _) => MIN_PREDICATE_WEIGHT,
        (true, false) => FULL_NAME_PREDICATE_WEIGHT,
        (true, true) => FULL_NAME_SAME_SIDE_PREDICATE_WEIGHT,
    };
    if predicate < least {
        return None;
    }
    // Two sides of one story are worded further apart than two reports of one side ("X did
    // it" against "the story of X is a hoax"): a conflict has its own match.
    let opposed = matches!(
        (x.side, y.side),
        (Side::Supports, Side::Refutes) | (Side::Refutes, Side::Supports)
    );
    // ... in a short content, where a few shared rare terms are most of what either says.
    let short = |f: &Facts| f.words.len() <= CONFLICT_SHORT_WORDS;
    // A rare word shared that is not a name ("selfie", "werewolf": weight at least
    // [`RARE_PREDICATE_WEIGHT`]) ties two short contents to one story more than common words
    // do: their conflict is full from a smaller shared weight. A number ("2015") is no such
    // word: two stories of one year share it.
    let rare = predicates
        .iter()
        .any(|(t, w)| *w >= RARE_PREDICATE_WEIGHT && !t.chars().any(|c| c.is_ascii_digit()));
    // Two such refutations match as two short opposed contents sharing a rare word do.
    let same = if refuted || (opposed && short(a) && short(b) && rare) {
        scaled_match(
            sim.cosine,
            sim.shared_weight,
            CONFLICT_MIN_COSINE,
            RARE_CONFLICT_FULL_SHARED_WEIGHT,
        )
    } else if opposed && short(a) && short(b) {
        conflict_match_score(sim.cosine, sim.shared_weight)
    } else if opposed {
        scaled_match(
            sim.cosine,
            sim.shared_weight,
            LONG_CONFLICT_MIN_COSINE,
            LONG_CONFLICT_FULL_SHARED_WEIGHT,
        )
    } else {
        match_score(sim.cosine, sim.shared_weight)
    };
    if same <= 0.0 {
        return None;
    }
    // A side taken by negation alone, where the other content holds a negation too: the
    // same negated statement, one copy too long to read its negation ("she didn't want ...").
    let negated = |f: &Facts| f.negated;
    if x.side != y.side && ((by_negation(x) && negated(b)) || (by_negation(y) && negated(a))) {
        return None;
    }
    // A refutation by negation refutes what it negates: "Apple isn't happy with the battery
    // life" denies nothing of another story's "battery life" unless the other says "happy".
    if opposed && !(negates_shared(a, x, b) && negates_shared(b, y, a)) {
        return None;
    }
    let (kind, score) = match (x.side, y.side) {
        (Side::Supports, Side::Refutes) | (Side::Refutes, Side::Supports) => {
            // Support through a cue ("X says", "X defends", "shows") is X's, which the
            // outlet often only reports; an outlet's own assertion or a confirmation is not.
            let supporting = if x.side == Side::Supports { a } else { b };
            let cue = supporting.cue.to_lowercase();
            let discount = if cue.is_empty() || AFFIRMING_CUES.contains(&cue.as_str()) {
                1.0
            } else {
                CONFLICT_CUE_DISCOUNT
            };
            (
                RelationKind::Conflicts,
                same * x.strength.min(y.strength) * discount,
            )
        }
        // The same speaker saying it twice corroborates nothing.
        (Side::Supports, Side::Supports) | (Side::Refutes, Side::Refutes)
            if a.speaker != b.speaker =>
        {
            // Support told through another's words ("shows", "a source says") is often only
            // reported: weaker than an outlet's own assertion or than two refutations.
            let told = |s: &Stance| s.side == Side::Supports && s.evidence != "asserted";
            // Support in somebody's own words ("X says", "according to X", "X wants") is
            // what they said, which an outlet quoting them often only reports.
            let spoken = |f: &Facts| {
                f.side.side == Side::Supports
                    && SPEECH_CUES.contains(&f.cue.to_lowercase().as_str())
            };
            let discount = if spoken(a) || spoken(b) {
                SPEECH_DISCOUNT
            } else if told(x) || told(y) {
                TOLD_DISCOUNT
            } else {
                1.0
            };
            (
                RelationKind::Corroborates,
                same * x.strength.min(y.strength) * discount,
            )
        }
        _ => return None,
    };
    if score < FLOOR_SCORE {
        return None;
    }
    let shown: Vec<&str> = sim.shared.iter().take(4).map(String::as_str).collect();
    Some(Finding {
        kind,
        basis: "stance/1",
        reason: format!(
            "same claim (shared: {}); {} ({}) vs {} ({})",
            shown.join(", "),
            x.side.as_str(),
            x.evidence,
            y.side.as_str(),
            y.evidence
        ),
        score: (score * 1000.0).round() / 1000.0,
    })
}

/// Whether a claim's side, where it is a refutation by negation, negates a term of the other
/// claim: one of the first [`NEGATED_TERMS`] terms after the negation word, or any term where
/// the negation opens the content ("No, a bird didn't ..."). True for any other side.
fn negates_shared(f: &Facts, side: &Stance, other: &Facts) -> bool {
    let Some(word) = side
        .evidence
        .strip_prefix("negation \"")
        .and_then(|w| w.strip_suffix('"'))
    else {
        return true;
    };
    let Some(mut at) = f.words.iter().position(|w| w == word) else {
        return true;
    };
    // "No, militants have not been caught", "Mayor: No, the keeper was not ...": the later
    // negation says what is denied.
    let later = f.words[at + 1..].iter().position(is_negation);
    if at == 0 || (word == "no" && later.is_some()) {
        match later {
            Some(later) => at += later + 1,
            None => return true,
        }
    }
    let theirs = other.terms();
    f.words[at + 1..]
        .iter()
        .filter(|w| !NEGATION_LIGHT_WORDS.contains(&w.as_str()))
        .map(|w| terms_of_words(std::slice::from_ref(w)))
        .filter(|t| !t.is_empty())
        .take(NEGATED_TERMS)
        .any(|t| t.keys().any(|k| theirs.contains_key(k)))
}

/// Whether a word is a negation ("not", "never", "didn't"), as [`without_negation`] reads it.
fn is_negation(w: &String) -> bool {
    without_negation(std::slice::from_ref(w)).1 > 0
}

/// How many terms after a negation word it negates ([`negates_shared`]).
pub const NEGATED_TERMS: usize = 1;
/// Words between a negation and what it negates that say nothing themselves: "isn't going to
/// be selling", "didn't actually adopt", "is not having a panel".
const NEGATION_LIGHT_WORDS: &[&str] = &[
    "going",
    "gonna",
    "having",
    "getting",
    "actually",
    "ever",
    "even",
    "yet",
    "exactly",
    "necessarily",
    "quite",
    "entirely",
    "totally",
    "completely",
    "literally",
    "currently",
    "still",
    "already",
    "officially",
];

/// How sure two contents state one proposition, from the similarity of their terms: zero
/// below [`MIN_SHARED_WEIGHT`] or [`MIN_COSINE`], then rising with both up to a shared weight
/// of [`FULL_SHARED_WEIGHT`]. For two claims on the same side (a corroboration).
pub fn match_score(cosine: f64, shared_weight: f64) -> f64 {
    scaled_match(cosine, shared_weight, MIN_COSINE, FULL_SHARED_WEIGHT)
}

/// [`match_score`] for two claims on opposite sides (a conflict), with
/// [`CONFLICT_MIN_COSINE`] and [`CONFLICT_FULL_SHARED_WEIGHT`].
pub fn conflict_match_score(cosine: f64, shared_weight: f64) -> f64 {
    scaled_match(
        cosine,
        shared_weight,
        CONFLICT_MIN_COSINE,
        CONFLICT_FULL_SHARED_WEIGHT,
    )
}

fn scaled_match(cosine: f64, shared_weight: f64, min_cosine: f64, full: f64) -> f64 {
    if shared_weight < MIN_SHARED_WEIGHT || cosine < min_cosine {
        return 0.0;
    }
    (cosine.min(1.0) * (shared_weight / full).min(1.0)).sqrt()
}

/// The least shared term weight of two contents that state one proposition.
pub const MIN_SHARED_WEIGHT: f64 = 1.5;
/// The factor of a corroboration where one side supports through a cue.
pub const TOLD_DISCOUNT: f64 = 0.85;
/// The factor of a corroboration where one side supports in a speaker's own words (a cue of
/// [`SPEECH_CUES`]). Chosen by 5-fold cross-validation by story on the Emergent training file
/// (see docs/relations.md).
pub const SPEECH_DISCOUNT: f64 = 0.4;
/// Cues whose content is a topic the speaker named or took up ("cited the report",
/// "mentioned the clot", "responded to the tweets", "weighed in on the race"), not a
/// proposition: such a claim neither corroborates nor contradicts another in other words.
/// Not "weigh": "weighs 19 stone" is a measure.
pub const TOPIC_CUES: &[&str] = &[
    "cite",
    "mention",
    "reference",
    "refer",
    "refer to",
    "respond",
    "respond to",
    "comment",
    "comment on",
    "speak about",
    "speak out",
    "speak to",
    "talk about",
    "discuss",
    "weigh in",
    "weigh in on",
];
/// The least cosine of a match where one side only names a topic ([`TOPIC_CUES`]).
pub const TOPIC_MIN_COSINE: f64 = 0.8;
/// Cues of speech and appearance: the speaker's words or impression, not the outlet's.
pub const SPEECH_CUES: &[&str] = &[
    "say",
    "tell",
    "state",
    "add",
    "according to",
    "appear",
    "want",
    "consider",
    "see",
];
/// The least weight of the shared terms that are not names.
pub const MIN_PREDICATE_WEIGHT: f64 = 0.8;
/// [`MIN_PREDICATE_WEIGHT`] of two claims that share two names.
pub const FULL_NAME_PREDICATE_WEIGHT: f64 = 0.6;
/// [`FULL_NAME_PREDICATE_WEIGHT`] of two claims on one side.
pub const FULL_NAME_SAME_SIDE_PREDICATE_WEIGHT: f64 = 0.0;
/// [`MIN_PREDICATE_WEIGHT`] of two refutations by a refuting word or a denying cue: a shared
/// name is enough (issue 9, tenth round, docs/relations.md).
pub const REFUTED_PREDICATE_WEIGHT: f64 = 0.0;
/// The least cosine of two contents that state one proposition (a corroboration). This,
/// [`FULL_SHARED_WEIGHT`], [`CONFLICT_MIN_COSINE`], [`CONFLICT_FULL_SHARED_WEIGHT`],
/// [`CONFLICT_SHORT_WORDS`] and [`CONFLICT_CUE_DISCOUNT`] were chosen by 5-fold
/// cross-validation by story on the Emergent training file, with at most 8 conflicts on
/// PolNeAR dev (`tools/cv_match.py`, docs/relations.md).
pub const MIN_COSINE: f64 = 0.3;
/// The shared weight past which more shared terms add nothing (a corroboration).
pub const FULL_SHARED_WEIGHT: f64 = 3.0;
/// [`MIN_COSINE`] of a conflict between two contents of at most [`CONFLICT_SHORT_WORDS`]
/// words.
pub const CONFLICT_MIN_COSINE: f64 = 0.25;
/// [`FULL_SHARED_WEIGHT`] of a conflict between two short contents.
pub const CONFLICT_FULL_SHARED_WEIGHT: f64 = 3.5;
/// A shared term that is not a name and weighs at least this (a word rarer than about Zipf
/// 3.5, "selfie", "werewolf", or a word not in the rarity table) makes the conflict of two
/// short contents full at [`RARE_CONFLICT_FULL_SHARED_WEIGHT`] (issue 9, fourth matching round;
/// chosen with it by 5-fold cross-validation by story, `tools/cv_rare.py`, docs/relations.md).
pub const RARE_PREDICATE_WEIGHT: f64 = 1.5;
/// [`CONFLICT_FULL_SHARED_WEIGHT`] of two short contents sharing a rare term that is not a name.
pub const RARE_CONFLICT_FULL_SHARED_WEIGHT: f64 = 2.0;
/// The longest content (in words) whose conflicts have the short match.
pub const CONFLICT_SHORT_WORDS: usize = 16;
/// [`MIN_COSINE`] of a conflict where a content is longer (the match before the
/// cross-validated constants: shared words of a long sentence are often incidental).
pub const LONG_CONFLICT_MIN_COSINE: f64 = 0.35;
/// [`FULL_SHARED_WEIGHT`] of a conflict where a content is longer.
pub const LONG_CONFLICT_FULL_SHARED_WEIGHT: f64 = 5.0;
/// The factor of a conflict whose supporting side supports through a cue other than
/// [`AFFIRMING_CUES`].
pub const CONFLICT_CUE_DISCOUNT: f64 = 0.5;
/// Cues that affirm a proposition as true, not only tell it.
pub const AFFIRMING_CUES: &[&str] = &["confirm", "admit", "acknowledge"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relate::keys::{keys, same_content};
    use crate::relate::words;

    fn f(speaker: &str, stance: &str, content: &str) -> Facts {
        Facts::new(speaker, "say", stance, content)
    }

    // A claim's facts hold its words once: the words without negations, the value template
    // and the terms with the speaker's are kept apart only when they differ, and read back as
    // computed in full.
    #[test]
    fn facts_keep_a_list_apart_only_when_it_differs_from_the_words() {
        let cases = [
            ("", "", "The bridge will open soon", [false, false, false]),
            (
                "",
                "",
                "The bridge will not open soon",
                [true, false, false],
            ),
            ("", "", "The bridge won\u{2019}t open", [true, false, false]),
            ("", "", "The bridge opens in 2027", [false, true, false]),
            (
                "Ann Lee",
                "said",
                "The bridge will open soon",
                [false, false, true],
            ),
            (
                "",
                "said",
                "The bridge will open soon",
                [false, false, false],
            ),
        ];
        for (speaker, cue, content, apart) in cases {
            let facts = Facts::new(speaker, cue, "asserting", content);
            let held = [
                facts.stripped.is_some(),
                facts.template.is_some(),
                facts.terms.is_some(),
            ];
            assert_eq!(held, apart, "{speaker:?} {cue:?} {content:?}");
            let ws = words(content);
            assert_eq!(facts.stripped(), without_negation(&ws).0.as_slice());
            assert_eq!(facts.template(), values(&ws).0.as_slice());
            assert_eq!(
                facts.terms(),
                &with_speaker(terms(content), speaker, cue),
                "{content:?}"
            );
        }
    }

    fn reason(a: &Facts, b: &Facts) -> Option<(RelationKind, &'static str, String)> {
        judge(a, b).map(|x| (x.kind, x.basis, x.reason))
    }

    #[test]
    fn a_shared_rare_word_that_is_no_name_makes_a_short_conflict_full_sooner() {
        let asserted = |c: &str| Facts::new("", "", "asserting", c);
        let a = asserted("Council hires a llama to pull the carnival float");
        let b = asserted("The llama at the village cheese parade was a hoax");
        // Only "llama" is shared: under the common conflict match the pair scores 0.43;
        // "llama" is rare and no name, so the match is full at 2.0.
        let sim = similarity(a.terms(), b.terms());
        assert_eq!(sim.shared, vec!["llama".to_string()]);
        let common = conflict_match_score(sim.cosine, sim.shared_weight);
        assert_eq!((common * 100.0).round() / 100.0, 0.43);
        let found = judge(&a, &b).expect("a conflict");
        assert_eq!(found.kind, RelationKind::Conflicts);
        let want =
            (sim.cosine * (sim.shared_weight / RARE_CONFLICT_FULL_SHARED_WEIGHT).min(1.0)).sqrt();
        assert!(want > common + 0.1, "{want} {common}");
        assert_eq!(found.score, (want * 1000.0).round() / 1000.0);
        assert!(found.score >= DEFAULT_MIN_SCORE, "{}", found.score);
        // A name is no such word ("Llama" inside a sentence is somebody's name): sharing
        // only it relates nothing.
        let named = asserted("The Llama at the village cheese parade was a hoax");
        assert_eq!(judge(&a, &named), None);
        // Nor a number: two stories of one year share it.
        let year_a = asserted("Council hires 2015 performers to pull the carnival float");
        let year_b = asserted("The 2015 performers at the village cheese parade were a hoax");
        let sim = similarity(year_a.terms(), year_b.terms());
        let rare_match =
            (sim.cosine * (sim.shared_weight / RARE_CONFLICT_FULL_SHARED_WEIGHT).min(1.0)).sqrt();
        let found = judge(&year_a, &year_b).map(|f| f.score);
        assert!(
            found.is_none_or(|s| s < rare_match),
            "{found:?} vs {rare_match}"
        );
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
    fn a_claim_that_only_names_a_topic_matches_only_the_same_words() {
        let said = Facts::new(
            "",
            "",
            "asserting",
            "The harbour master's early-morning posts shamed the ferry captain",
        );
        let cited = |cue: &str, content: &str| Facts::new("The mayor", cue, "neutral", content);
        // Two claims about one topic: the topic claim states nothing to corroborate.
        for cue in [
            "cite",
            "mention",
            "respond to",
            "speak out",
            "talk about",
            "discuss",
        ] {
            let topic = cited(cue, "the harbour master's posts about the ferry captain");
            assert_eq!(reason(&said, &topic), None, "{cue}");
        }
        // Not a topic cue: the same pair corroborates.
        let defended = cited(
            "defend",
            "the harbour master's posts about the ferry captain",
        );
        assert_eq!(
            reason(&said, &defended).map(|r| (r.0, r.1)),
            Some((RelationKind::Corroborates, "stance/1"))
        );
        // The same words again (one quotation in two articles) still match.
        let again = Facts::new(
            "The council",
            "mention",
            "neutral",
            "the harbour master's posts about the ferry captain",
        );
        let topic = cited("cite", "the harbour master's posts about the ferry captain");
        assert_eq!(
            reason(&topic, &again).map(|r| r.0),
            Some(RelationKind::Corroborates)
        );
        // A topic taken up as fake refutes it: "responds to fake ferry report".
        let fake = cited("respond to", "Fake Ferry Captain Arrest Report");
        let refuted = Facts::new("", "", "asserting", "Ferry captain arrest report is a hoax");
        assert_eq!(
            reason(&fake, &refuted).map(|r| r.0),
            Some(RelationKind::Corroborates)
        );
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
        let denied = Facts::new("Owners", "deny", "denying", "the mill was  evacuated.");
        // The same content, one side denying: the stances conflict.
        assert_eq!(
            reason(&said, &denied).map(|r| (r.0, r.1)),
            Some((RelationKind::Conflicts, "stance/1"))
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

#[cfg(test)]
mod props {
    use super::*;
    use crate::relate::words;
    use proptest::prelude::*;

    /// An outlet's own assertion.
    fn outlet(name: &str, content: &str) -> Facts {
        Facts::new(name, "", "asserting", content)
    }

    const WORDS: &[&str] = &[
        "the",
        "mayor",
        "Mayor",
        "kraken",
        "Kraken",
        "lighthouse",
        "Tobermory",
        "not",
        "never",
        "didn't",
        "hoax",
        "fake",
        "false",
        "reportedly",
        "may",
        "rose",
        "fell",
        "west",
        "east",
        "further",
        "3",
        "4",
        "Monday",
        "Friday",
        "two",
        "three",
        "closed",
        "opened",
        "seen",
        "was",
        "is",
        "?",
        "No",
        "it",
        "put",
        "to",
        "rest",
        "denies",
        "claims",
        "bridge",
        "toll",
        "of",
        "a",
        "—",
        "Ünïcödé",
        "",
    ];
    const CUES: &[(&str, &str)] = &[
        ("", "asserting"),
        ("say", "neutral"),
        ("deny", "denying"),
        ("claim", "distancing"),
        ("reject", "denying"),
        ("confirm", "affirming"),
    ];

    fn content() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(WORDS), 0..12).prop_map(|ws| ws.join(" "))
    }

    fn facts() -> impl Strategy<Value = Facts> {
        (
            prop::sample::select(&["Police", "outlet-1", "Owners", ""][..]),
            prop::sample::select(CUES),
            content(),
        )
            .prop_map(|(speaker, (cue, class), content)| Facts::new(speaker, cue, class, &content))
    }

    proptest! {
        #[test]
        fn the_keys_of_the_facts_are_the_candidate_keys_of_the_content(
            (speaker, (cue, class)) in (
                prop::sample::select(&["Police", "outlet-1", ""][..]),
                prop::sample::select(CUES),
            ),
            content in content(),
        ) {
            // Keys read from what the facts hold are the ones read from the content alone.
            let facts = Facts::new(speaker, cue, class, &content);
            prop_assert_eq!(facts.candidate_keys(), crate::relate::candidate_keys(&content));
        }

        #[test]
        fn judge_is_symmetric_and_scores_in_range(a in facts(), b in facts()) {
            let ab = judge(&a, &b);
            let ba = judge(&b, &a);
            prop_assert_eq!(
                ab.as_ref().map(|f| (f.kind, f.basis, f.score.to_bits())),
                ba.as_ref().map(|f| (f.kind, f.basis, f.score.to_bits()))
            );
            if let Some(f) = ab {
                prop_assert!((FLOOR_SCORE..=1.0).contains(&f.score), "{:?}", f);
                prop_assert!(!f.reason.is_empty());
            }
        }

        #[test]
        fn degenerate_contents_never_relate(a in facts(), w in prop::sample::select(WORDS)) {
            let tiny = Facts::new("Police", "say", "neutral", w);
            if crate::relate::similar::degenerate(w) {
                prop_assert_eq!(judge(&a, &tiny), None);
                prop_assert_eq!(judge(&tiny, &a), None);
                prop_assert!(crate::relate::keys(w).is_empty());
            }
        }
    }

    #[test]
    fn degenerate_contents_never_relate_to_each_other() {
        let tiny = ["?", "No", "it", "42", "", "No."];
        for x in tiny {
            for y in tiny {
                let a = Facts::new("A", "", "asserting", x);
                let b = Facts::new("B", "deny", "denying", y);
                assert_eq!(judge(&a, &b), None, "{x:?} / {y:?}");
            }
        }
    }

    #[test]
    fn support_in_a_speakers_own_words_corroborates_weakly() {
        let outlet = Facts::new(
            "outlet-a",
            "",
            "asserting",
            "Giant squid seen off Tobermory lighthouse",
        );
        let other = Facts::new(
            "outlet-b",
            "",
            "asserting",
            "A giant squid was spotted near the Tobermory lighthouse",
        );
        let said = Facts::new(
            "a fisherman",
            "say",
            "neutral",
            "a giant squid was spotted near the Tobermory lighthouse",
        );
        let plain = judge(&outlet, &other).expect("a corroboration");
        let spoken = judge(&outlet, &said);
        assert!(plain.score >= DEFAULT_MIN_CORROBORATION_SCORE, "{plain:?}");
        assert!(
            spoken
                .as_ref()
                .is_none_or(|f| f.kind == RelationKind::Corroborates
                    && f.score < DEFAULT_MIN_CORROBORATION_SCORE),
            "{spoken:?}"
        );
    }

    #[test]
    fn support_through_a_cue_conflicts_weakly() {
        // The same content asserted by an outlet, said by somebody (a speaker with no terms
        // of its own, so the match is the same) and confirmed: against one refutation.
        let content = "Giant squid seen off Tobermory lighthouse";
        let hoax = Facts::new(
            "outlet-b",
            "",
            "asserting",
            "Tobermory lighthouse giant squid sighting was a hoax",
        );
        let score = |cue: &str| {
            let f = judge(&Facts::new("he", cue, "neutral", content), &hoax).expect("conflict");
            assert_eq!(f.kind, RelationKind::Conflicts);
            f.score
        };
        let asserted = score("");
        assert!(asserted >= DEFAULT_MIN_SCORE, "{asserted}");
        assert_eq!(score("confirm"), asserted);
        assert!(
            (score("say") - asserted * CONFLICT_CUE_DISCOUNT).abs() < 0.001,
            "{} vs {asserted}",
            score("say")
        );
    }

    #[test]
    fn a_shared_number_says_nothing_about_the_names() {
        // Two stories sharing only a number and the names around it are not one proposition.
        let a = outlet(
            "outlet-a",
            "Was the Tobermory busker's 100 gift all a hoax?",
        );
        let b = outlet("outlet-b", "Mull ferry panel will be 100 volunteers");
        assert_eq!(judge(&a, &b), None);
    }

    #[test]
    fn a_negation_refutes_only_what_it_negates() {
        let kind = |a: &Facts, b: &Facts| judge(a, b).map(|f| f.kind);
        // The negated word is the other's: a conflict.
        let sold = outlet(
            "outlet-a",
            "Council sells the Tobermory lighthouse to a hotel chain",
        );
        let unsold = outlet("outlet-b", "Council has not sold the Tobermory lighthouse");
        assert_eq!(kind(&sold, &unsold), Some(RelationKind::Conflicts));
        // "isn't happy": nothing of the other's story is negated, though both name the
        // lighthouse and its lamp.
        let lamp = outlet(
            "outlet-c",
            "Council isn't happy with the Tobermory lighthouse lamp repairs",
        );
        let repaired = outlet(
            "outlet-d",
            "Tobermory lighthouse lamp repairs finished by volunteers",
        );
        assert_eq!(kind(&lamp, &repaired), None);
        assert_eq!(kind(&repaired, &lamp), None);
        // "No, ..." opening the content: the later negation says what is denied.
        let no = outlet(
            "outlet-e",
            "No, volunteers have not finished the Tobermory lighthouse lamp repairs",
        );
        assert_eq!(kind(&no, &repaired), Some(RelationKind::Conflicts));
        let no_other = outlet(
            "outlet-f",
            "No, volunteers have not painted the Tobermory lighthouse lamp repairs shed",
        );
        assert_eq!(kind(&no_other, &repaired), None);
        // "No" after a label is read the same way.
        let labelled = outlet(
            "outlet-g",
            "Harbour master: No, our crew has not finished the Tobermory lighthouse lamp repairs",
        );
        assert_eq!(kind(&labelled, &repaired), Some(RelationKind::Conflicts));
    }

    #[test]
    fn two_refutations_by_negation_corroborate() {
        // Both deny by a negation: they agree, however each is worded.
        let found = judge(
            &outlet("outlet-a", "Missing Tobermory divers not found in sea cave"),
            &outlet(
                "outlet-b",
                "Tobermory divers not among bodies found in sea caves",
            ),
        )
        .map(|f| (f.kind, f.reason));
        let reason = "same claim (shared: tobermory, diver, cav, sea); \
                      refutes (negation \"not\") vs refutes (negation \"not\")";
        assert_eq!(
            found,
            Some((RelationKind::Corroborates, reason.to_string()))
        );
    }

    #[test]
    fn two_refutations_by_word_or_cue_match_on_a_shared_name() {
        // A refuting word and a denying cue: the one name they share is what both deny.
        let hoax = outlet("outlet-a", "The Zorbly collapse story is a hoax");
        let denied = Facts::new("Town council", "deny", "denying", "the Zorbly bridge fell");
        let found = judge(&hoax, &denied).map(|f| (f.kind, f.score, f.reason));
        let reason = "same claim (shared: zorbly); refutes (\"hoax\") vs refutes (cue \"deny\")";
        assert_eq!(
            found,
            Some((RelationKind::Corroborates, 0.723, reason.to_string()))
        );
        // A side taken by a negation alone still needs a shared word that is no name.
        let negated = outlet("outlet-b", "Zorbly did not collapse");
        assert_eq!(judge(&negated, &denied), None);
        // Nor do two reports of one name agree by it.
        let report = outlet("outlet-c", "The Zorbly bridge fell");
        let other = outlet("outlet-d", "Zorbly wins the regatta");
        assert_eq!(judge(&report, &other), None);
    }

    #[test]
    fn a_long_content_keeps_the_stricter_conflict_match() {
        // Two short contents sharing a third of their weight (cosine 0.33): the conflict
        // match of short contents relates them. The same terms padded past
        // CONFLICT_SHORT_WORDS with function words keep the stricter match: none.
        let seen = "Kraken photographed in Tobermory harbour by tourists from Glasgow";
        let hoax = outlet(
            "outlet-b",
            "Tobermory harbour monster sighting by Norwegian fishermen off Mull is fake",
        );
        assert_eq!(
            judge(&outlet("outlet-a", seen), &hoax).map(|f| f.kind),
            Some(RelationKind::Conflicts)
        );
        let long = format!("{seen}, and it was there that they were when it was all over for them");
        assert!(words(&long).len() > CONFLICT_SHORT_WORDS);
        assert_eq!(judge(&outlet("outlet-a", &long), &hoax), None);
    }

    #[test]
    fn hand_written_pairs() {
        // Paraphrase, one side refuting: a conflict naming the evidence on both sides.
        let a = outlet("outlet-a", "Giant squid seen off Tobermory lighthouse");
        let b = outlet(
            "outlet-b",
            "Tobermory lighthouse giant squid sighting was a hoax",
        );
        let f = judge(&a, &b).expect("a conflict");
        assert_eq!((f.kind, f.basis), (RelationKind::Conflicts, "stance/1"));
        assert_eq!(
            f.reason,
            "same claim (shared: tobermory, squid, lighthous, giant); supports (asserted) vs refutes (\"hoax\")"
        );
        assert!(f.score >= DEFAULT_MIN_SCORE, "{f:?}");
        // Both sides assert it, two outlets: a corroboration.
        let c = outlet(
            "outlet-c",
            "A giant squid was spotted near the Tobermory lighthouse",
        );
        let g = judge(&a, &c).expect("a corroboration");
        assert_eq!(g.kind, RelationKind::Corroborates);
        // One side only reports it: no side taken, nothing found.
        let d = outlet(
            "outlet-d",
            "Giant squid reportedly seen off Tobermory lighthouse",
        );
        assert_eq!(judge(&b, &d), None);
        // The same names, another story: nothing shared but the names.
        let e = outlet("outlet-e", "Tobermory council denies plan for budget cut");
        assert_eq!(judge(&a, &e).map(|f| f.kind), None);
        // A name's first part ("Kim" before a rare "Jongwoo") is a name too, and so is an
        // acronym: two stories about one person share nothing else.
        let f1 = outlet("outlet-f", "Kim Jongwoo Skipped The Harbour Regatta");
        let f2 = outlet("outlet-g", "Kim Jongwoo Denies Buying A Racehorse");
        assert_eq!(judge(&f1, &f2), None);
        let g1 = outlet("outlet-h", "NASA Hires Jongwoo To Study Comets");
        let g2 = outlet("outlet-i", "NASA Report On Jongwoo Budget Is False");
        assert_eq!(judge(&g1, &g2), None);
    }
    #[test]
    fn a_full_name_needs_less_said_about_it() {
        let kind = |a: &Facts, b: &Facts| judge(a, b).map(|f| f.kind);
        // "dead" is a common word: with one shared name it ties nothing, with a full name it
        // does.
        let dead = outlet(
            "outlet-a",
            "Breaking: lighthouse keeper Olaf Brandtner found dead",
        );
        let hoax = outlet("outlet-b", "Olaf Brandtner dead? Just another hoax");
        assert_eq!(kind(&dead, &hoax), Some(RelationKind::Conflicts));
        let other = outlet("outlet-c", "Greta Brandtner dead? Just another hoax");
        assert_eq!(kind(&dead, &other), None);
        // On one side, the full name and the match of the contents are enough.
        let seen = outlet(
            "outlet-d",
            "Olaf Brandtner seen rowing to the Tobermory lighthouse",
        );
        let spotted = outlet("outlet-e", "Olaf Brandtner at the Tobermory lighthouse");
        assert_eq!(kind(&seen, &spotted), Some(RelationKind::Corroborates));
    }

    #[test]
    fn what_a_speaker_shares_with_another_speaker_is_no_match() {
        // "United States" in both speakers says nothing of the two contents.
        let denies = Facts::new(
            "United States Department of Defense",
            "deny",
            "denying",
            "it sank the Tobermory ferry",
        );
        let confirms = Facts::new(
            "United States government",
            "confirm",
            "affirming",
            "drone sank the Tobermory ferry",
        );
        let found = judge(&denies, &confirms).expect("a conflict");
        assert_eq!(
            found.reason,
            "same claim (shared: tobermory, sank, ferry); refutes (cue \"deny\") vs supports \
             (cue \"confirm\")"
        );
        // A speaker's words still match the other's content: "Tobermory council denies ..."
        // is about the council.
        let council = Facts::new(
            "Tobermory council",
            "deny",
            "denying",
            "plan to sell the lighthouse to a hotel chain",
        );
        let plan = outlet(
            "outlet-a",
            "Tobermory council plans to sell lighthouse to hotel chain",
        );
        assert_eq!(
            judge(&council, &plan).map(|f| f.kind),
            Some(RelationKind::Conflicts)
        );
    }

    #[test]
    fn a_cue_denies_the_first_clause_of_its_content() {
        // "... As Storms Hit the Coast" is what happens meanwhile, not what is denied.
        let denies = Facts::new(
            "Coast guard",
            "deny",
            "denying",
            "It Sank Smuggler Boat As Storms Hit Tobermory Coast",
        );
        let storms = outlet("outlet-a", "Storms hit Tobermory coast, ferries cancelled");
        assert_eq!(judge(&denies, &storms), None);
        let sank = outlet("outlet-b", "Coast guard sank smuggler boat off Tobermory");
        assert_eq!(
            judge(&denies, &sank).map(|f| f.kind),
            Some(RelationKind::Conflicts)
        );
        // "as a ..." is a role, not a clause: the words after it are still denied.
        let role = Facts::new(
            "Keeper",
            "deny",
            "denying",
            "working as a smuggler lookout in Tobermory",
        );
        let lookout = outlet("outlet-c", "Keeper was a smuggler lookout in Tobermory");
        assert_eq!(
            judge(&role, &lookout).map(|f| f.kind),
            Some(RelationKind::Conflicts)
        );
    }

    #[test]
    fn a_negation_reads_past_light_words() {
        // "isn't going to be selling": what is negated is the selling.
        let selling = outlet(
            "outlet-a",
            "Council to begin selling Tobermory lighthouse tours",
        );
        let not = outlet(
            "outlet-b",
            "Sorry, the council isn't going to be selling Tobermory lighthouse tours",
        );
        assert_eq!(
            judge(&selling, &not).map(|f| f.kind),
            Some(RelationKind::Conflicts)
        );
    }
    #[test]
    fn a_number_in_words_is_its_figure() {
        // "Seven" and "7" are one value: the same statement, not two numbers.
        let words = outlet(
            "outlet-a",
            "Seven lighthouse keepers quit Tobermory after storm",
        );
        let figure = outlet(
            "outlet-b",
            "7 lighthouse keepers quit Tobermory after storm",
        );
        let found = judge(&words, &figure).expect("a finding");
        assert_eq!(found.kind, RelationKind::Corroborates, "{found:?}");
        assert!(same_value("5,000", "5000"));
        assert!(!same_value("two", "3"));
        // Another number is still another statement.
        let eight = outlet(
            "outlet-c",
            "8 lighthouse keepers quit Tobermory after storm",
        );
        assert_eq!(judge(&words, &eight).map(|f| f.basis), Some("number/1"));
    }
}
