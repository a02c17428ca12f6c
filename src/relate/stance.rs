//! Stance: does a claim support, refute or only report the proposition its content states?
//!
//! Evidence, strongest first:
//! - a refuting cue ("deny", "reject", "dismiss", "debunk", "rebuff", "doubt");
//! - refutation words in the content or the speaker, also as parts of hyphenated words
//!   ("false", "hoax", "Fake-News", "untrue", "debunked", "exaggerated", "not true", "put to
//!   rest", "turns out"), and a rumour put to rest ("kills the rumour", "dispels reports",
//!   "despite rumours");
//! - negation in the content ("not", "never", "didn't"), not in fixed phrases ("no idea");
//! - report markers: a distancing cue ("claim", "allege", "report"), hedges ("reportedly",
//!   "may", "allegedly", "rumour") of the content itself (not "if" or a modal inside a clause
//!   of it), a question, a speaker that is only a report or a source ("..., report says",
//!   "Source: ..."), a hedging cue ("appears to", "said to").
//!
//! A claim with refutation evidence refutes; one with report markers and no refutation only
//! reports; anything else supports. A negated cue ("did not say": the cue lemma "not say")
//! only reports, whatever the content says. Pure: a function of the cue, stance class and
//! content.

use super::words;
use crate::extract::{is_negated_cue, ASKING_VERBS};

/// Which side a claim takes on its own content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    Supports,
    Refutes,
    /// Hedged, questioned, or told as somebody's claim.
    Reports,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Supports => "supports",
            Side::Refutes => "refutes",
            Side::Reports => "reports",
        }
    }
}

/// A claim's side, how sure ([0, 1]), and the words that show it ("cue deny", "hoax").
#[derive(Debug, Clone, PartialEq)]
pub struct Stance {
    pub side: Side,
    pub strength: f64,
    pub evidence: String,
}

/// Cues that deny a proposition ("denied that ...", "debunked the report").
const REFUTING_CUES: &[&str] = &[
    "deny",
    "debunk",
    "refute",
    "dispute",
    "disprove",
    "rebut",
    "contradict",
    "retract",
    "disavow",
    "rubbish",
    "dismiss",
    "reject",
    "shoot down",
    "cast doubt on",
    "rebuff",
    "doubt",
];
/// Cues that refute only when their content is a proposition ("rejected claims that ...",
/// not "rejected a request", "refused to testify"), and the words that make it one.
const PROPOSITION_ONLY: &[&str] = &["dismiss", "reject", "dispute", "disavow", "rebuff"];
const PROPOSITION_HEADS: &[&str] = &[
    "that",
    "claims",
    "claim",
    "reports",
    "report",
    "allegations",
    "allegation",
    "rumours",
    "rumors",
    "rumour",
    "rumor",
    "suggestions",
    "suggestion",
    "speculation",
    "accusations",
    "accusation",
    "idea",
    "notion",
    "talk",
    "story",
    "stories",
    "the",
    "any",
    "as",
];
/// Of [`PROPOSITION_HEADS`], the nouns that also make a proposition a little later in the
/// content ("rebuffs the congressman's claim", "rejects internet rumours that ...").
const PROPOSITION_NOUNS_WITHIN: usize = 3;
/// Contents longer than this (in words) do not take a side from a negation alone: a long
/// quote holds negations of other things.
const NEGATION_MAX_WORDS: usize = 20;
/// A negation in a content of at most this many words (a headline, a short statement) is
/// about the content itself: it refutes with [`SHORT_NEGATION_STRENGTH`], a longer one with
/// [`NEGATION_STRENGTH`].
const SHORT_NEGATION_WORDS: usize = 12;
/// Chosen by 5-fold cross-validation by story on the Emergent training file (each fold chose
/// 0.8 of 0.5 to 0.9 on the four others): see docs/relations.md.
const SHORT_NEGATION_STRENGTH: f64 = 0.8;
/// A negation in a content of 13 to 20 words (a long headline). Was 0.5 until issue 9's fourth
/// matching round; 0.7 chosen by 5-fold cross-validation by story (every fold chose 0.7 of
/// 0.5, 0.6, 0.7 on the four others, within the PolNeAR and cross-story bounds): see
/// docs/relations.md.
const NEGATION_STRENGTH: f64 = 0.7;
/// A denying cue whose content opens with a refutation ("denies hoax claims") supports the
/// proposition the refutation was about, this surely.
const DENIED_REFUTATION_STRENGTH: f64 = 0.8;
const REPORTING_CUES: &[&str] = &[
    "claim",
    "allege",
    "report",
    "rumour",
    "rumor",
    "suggest",
    "speculate",
    "hint",
    "purport",
    "suspect",
    "fear",
    "wonder",
    "ask",
    "question",
    "believe",
    "think",
    "expect",
];
/// Refutation words of the content, with their strength.
const REFUTING_WORDS: &[(&str, f64)] = &[
    ("false", 1.0),
    ("falsely", 1.0),
    ("hoax", 1.0),
    ("hoaxes", 1.0),
    ("fake", 1.0),
    ("faked", 0.8),
    ("untrue", 1.0),
    ("myth", 0.8),
    ("debunk", 1.0),
    ("debunked", 1.0),
    ("debunks", 1.0),
    ("debunking", 1.0),
    ("deny", 1.0),
    ("denies", 1.0),
    ("denied", 1.0),
    ("denial", 0.9),
    ("denials", 0.9),
    ("refute", 1.0),
    ("refutes", 1.0),
    ("refuted", 1.0),
    ("bogus", 1.0),
    ("baseless", 1.0),
    ("satire", 0.9),
    ("satirical", 0.9),
    ("fabricated", 1.0),
    ("nonsense", 0.8),
    ("prank", 0.6),
    ("spoof", 0.8),
    ("misleading", 0.7),
    ("rejects", 0.8),
    ("rejected", 0.7),
    ("dismisses", 0.8),
    ("dismissed", 0.6),
    ("unfounded", 1.0),
    ("photoshopped", 0.9),
    ("doctored", 0.8),
    ("hoaxer", 1.0),
    ("hoaxers", 1.0),
    ("fabrication", 1.0),
    ("bullshit", 0.9),
    ("misinformation", 0.8),
    ("duped", 0.9),
    ("fooled", 0.8),
    ("rubbish", 0.8),
    ("unsubstantiated", 0.8),
    ("discredited", 0.9),
    ("fiction", 0.6),
    ("fakes", 1.0),
    ("phony", 0.9),
    ("phoney", 0.9),
    ("inaccurate", 0.9),
    ("erroneous", 0.9),
    ("misreported", 0.9),
    ("falsehood", 1.0),
    ("falsehoods", 1.0),
    ("photoshop", 0.8),
    ("wrong", 0.7),
    ("doubts", 0.7),
    ("lie", 0.7),
    ("lies", 0.7),
    ("lied", 0.7),
    ("exaggerated", 0.8),
    ("overblown", 0.8),
    ("nope", 0.8),
    ("disinformation", 0.8),
    ("trolled", 0.7),
    ("retracts", 1.0),
    ("retracted", 0.9),
    ("retraction", 0.9),
    // Not "rebuffed": "a compromise rebuffed by the council" is about something else.
    ("rebuffs", 0.9),
];
/// Words that put a rumour to rest when one of [`RUMOUR_NOUNS`] follows within
/// [`RUMOUR_WINDOW`] words ("kills the stolen-car rumour", "dispels reports"), with their
/// strength. "despite" asserts the other side of what it is set against ("makes it to the
/// party despite death rumours").
const RUMOUR_KILLERS: &[(&str, f64)] = &[
    ("kill", 0.8),
    ("kills", 0.8),
    ("quash", 0.9),
    ("quashes", 0.9),
    ("quashed", 0.9),
    ("squash", 0.9),
    ("squashes", 0.9),
    ("squashed", 0.9),
    ("scotch", 0.9),
    ("scotches", 0.9),
    ("scotched", 0.9),
    ("dispel", 0.9),
    ("dispels", 0.9),
    ("dispelled", 0.9),
    ("despite", 0.6),
];
const RUMOUR_NOUNS: &[&str] = &[
    "rumour",
    "rumours",
    "rumor",
    "rumors",
    "speculation",
    "myth",
    "reports",
    "claims",
];
const RUMOUR_WINDOW: usize = 4;
/// Besides the nouns of [`PROPOSITION_HEADS`], what "shoot down" refutes when one follows
/// within [`RUMOUR_WINDOW`] words ("shoots down the congressman's assertion"); without one it
/// is a shooting ("shoots down two planes").
const SHOT_DOWN_NOUNS: &[&str] = &[
    "assertion",
    "assertions",
    "theory",
    "theories",
    "myth",
    "myths",
];
/// Of [`RUMOUR_KILLERS`], those that put "reports" and "claims" to rest too.
const DISPELLING: &[&str] = &[
    "quash",
    "quashes",
    "quashed",
    "squash",
    "squashes",
    "squashed",
    "scotch",
    "scotches",
    "scotched",
    "dispel",
    "dispels",
    "dispelled",
];
/// Negations in fixed phrases that deny nothing of the content ("had no idea she was ill",
/// "no doubt", "no wonder"): they do not refute.
const IDIOMATIC_NEGATIONS: &[&[&str]] = &[
    &["no", "idea"],
    &["no", "doubt"],
    &["no", "wonder"],
    &["no", "matter"],
    &["not", "only"],
    &["no", "limit"],
    &["never", "guess"],
];
/// Words opening a clause whose negation is not the content's own (of purpose, reason,
/// description, a second clause after "but", words reported after "saying"), and how many
/// words before the negation they may stand.
const SUBORDINATORS: &[&str] = &[
    "so", "because", "unless", "lest", "who", "which", "until", "but", "saying",
];
const SUBORDINATE_WINDOW: usize = 3;
/// Refutation phrases of the content.
const REFUTING_PHRASES: &[(&[&str], f64)] = &[
    (&["not", "true"], 1.0),
    (&["isn't", "true"], 1.0),
    (&["isn't", "real"], 1.0),
    (&["not", "real"], 1.0),
    (&["put", "to", "rest"], 1.0),
    (&["turns", "out"], 0.6),
    (&["no", "evidence"], 0.9),
    (&["not", "happening"], 0.9),
    (&["shoot", "down"], 0.9),
    (&["shoots", "down"], 0.9),
    (&["shot", "down"], 0.7),
    (&["cast", "doubt"], 0.8),
    (&["casts", "doubt"], 0.8),
    (&["made", "it", "up"], 0.8),
    (&["made", "it", "all", "up"], 0.8),
    (&["record", "straight"], 0.9),
    (&["no", "truth"], 1.0),
    (&["too", "good", "to", "be", "true"], 0.8),
    (&["too", "good", "to", "check"], 0.8),
    (&["urban", "legend"], 0.9),
    (&["not", "so"], 0.7),
    (&["questions", "whether"], 0.7),
    (&["question", "whether"], 0.7),
    (&["doubts", "whether"], 0.8),
];
/// Phrases that suggest fakery when asked ("Did the mayor stage the photo?", "Did the paper
/// make up the story?"), not when stated ("staged a rally", "make up a third of").
const QUESTION_PHRASES: &[(&[&str], f64)] = &[
    (&["stage"], 0.8),
    (&["staged"], 0.8),
    (&["make", "up"], 0.8),
    (&["made", "up"], 0.8),
    (&["invent"], 0.8),
    (&["invented"], 0.8),
];
const NEGATIONS: &[&str] = &[
    "not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "cannot",
];
/// Words that open a question asked ("asks whether ...", "asked why ...").
const QUESTION_OPENERS: &[&str] = &[
    "whether", "if", "why", "how", "what", "who", "when", "where", "which",
];
/// Speakers that only pass a story on, by their last word ("report says", "sources say", "a
/// new report"): nobody named stands behind what they say.
const REPORT_SPEAKERS: &[&str] = &["report", "reports", "source", "sources"];
/// Cues that hedge what they attribute ("appears to be planning", "seems to show").
const HEDGING_CUES: &[&str] = &["appear", "seem"];
/// Cues whose passive with "to" hedges ("Tesla said to pick Nevada", "is reported to").
const SAID_TO_CUES: &[&str] = &["say", "report", "rumour", "believe", "think"];
/// Report markers of the content.
const REPORT_WORDS: &[&str] = &[
    "reportedly",
    "allegedly",
    "alleged",
    "rumor",
    "rumors",
    "rumour",
    "rumours",
    "rumored",
    "rumoured",
    "reports",
    "report",
    "claims",
    "claimed",
    "may",
    "might",
    "could",
    "possibly",
    "perhaps",
    "apparently",
    "appears",
    "seemingly",
    "supposedly",
    "purportedly",
    "speculation",
    "unconfirmed",
    "unverified",
    "investigating",
    "probe",
    "if",
    "whether",
];

/// The stance of a claim with cue lemma `cue`, stance class `stance` and `content`.
pub fn stance(cue: &str, class: &str, content: &str) -> Stance {
    stance_of("", cue, class, content)
}

/// A noun of [`PROPOSITION_HEADS`] ("claims", "story"), not one of its function words.
fn proposition_noun(w: &str) -> bool {
    PROPOSITION_HEADS.contains(&w) && !matches!(w, "that" | "the" | "any" | "as")
}

/// [`stance`], also reading the speaker: a source named as fake or a hoax ("a hoax report
/// claims ...", "satirical site says ...") refutes what it is said to claim.
pub fn stance_of(speaker: &str, cue: &str, class: &str, content: &str) -> Stance {
    let ws: Vec<String> = words(content)
        .into_iter()
        .map(|w| w.replace('\u{2019}', "'"))
        .collect();
    let by: Vec<String> = words(speaker)
        .into_iter()
        .map(|w| w.replace('\u{2019}', "'"))
        .collect();
    // The parts of hyphenated words as words of their own: "Fake-News", "Twitter-Trolled".
    let parts = |ws: &[String]| -> Vec<String> {
        ws.iter()
            .flat_map(|w| w.split('-').filter(|p| !p.is_empty()).map(str::to_string))
            .collect()
    };
    let (ps, by) = (parts(&ws), parts(&by));
    let cue = cue.to_lowercase();
    // "did not say", "never claimed" (the extractor's "not say"): the speaker took no side
    // on the content, whatever its words.
    if is_negated_cue(&cue) {
        return Stance {
            side: Side::Reports,
            strength: 1.0,
            evidence: format!("negated cue \"{cue}\""),
        };
    }
    // A question refutes only through a refutation word ("Was the photo a hoax?"), less
    // surely than a statement, and not when it offers the other side too ("Real or hoax?",
    // "... or not?"); a negation in it ("Didn't the mayor resign?") takes no side.
    // "... and asks doctors how it's going?" tells a question; it does not ask one.
    let told = ws
        .iter()
        .skip(1)
        .any(|w| ASKING_VERBS.contains(&w.as_str()));
    let question = content.trim_end().ends_with('?') && !told;
    let alternatives = question && ws.iter().any(|w| w == "or");
    let mut refute: Option<(f64, String)> = None;
    // A refuting cue is the strongest evidence (1.0): nothing after it replaces it.
    let mut by_cue = false;
    let mut note = |x: f64, why: String| {
        if refute.as_ref().is_none_or(|r| x > r.0) {
            refute = Some((x, why));
        }
    };
    if REFUTING_CUES.contains(&cue.as_str()) {
        let proposition = !PROPOSITION_ONLY.contains(&cue.as_str())
            || ws
                .first()
                .is_some_and(|w| PROPOSITION_HEADS.contains(&w.as_str()))
            || ws
                .iter()
                .take(PROPOSITION_NOUNS_WITHIN)
                .any(|w| proposition_noun(w));
        // Denying a refutation ("denies hoax claims", "rejects fake-photo reports") affirms
        // what the refutation is about.
        let denied = ps
            .iter()
            .take(PROPOSITION_NOUNS_WITHIN)
            .find(|w| REFUTING_WORDS.iter().any(|(r, _)| r == w));
        if let Some(w) = denied.filter(|_| proposition) {
            return Stance {
                side: Side::Supports,
                strength: DENIED_REFUTATION_STRENGTH,
                evidence: format!("cue \"{cue}\" of \"{w}\""),
            };
        }
        if proposition {
            note(1.0, format!("cue \"{cue}\""));
            by_cue = true;
        }
    }
    // A refutation word under a negation ("is no hoax", "not a fake") affirms: neither it
    // nor its negation refutes.
    let negation = |w: &str| NEGATIONS.contains(&w) || w.ends_with("n't");
    let negated_at = |i: usize| {
        let back = |k: usize| i.checked_sub(k).map(|j| ps[j].as_str());
        back(1).is_some_and(negation)
            || (matches!(back(1), Some("a" | "an")) && back(2).is_some_and(negation))
    };
    let mut denied_refutation = false;
    for (w, x) in REFUTING_WORDS {
        for (i, _) in ps.iter().enumerate().filter(|(_, v)| *v == w) {
            if negated_at(i) {
                denied_refutation = true;
            } else {
                note(*x, format!("\"{w}\""));
            }
        }
        if by.iter().any(|v| v == w) {
            note(*x, format!("source \"{w}\""));
        }
    }
    for (phrase, x) in REFUTING_PHRASES
        .iter()
        .chain(QUESTION_PHRASES.iter().filter(|_| question))
    {
        // "X turns out to be Y" asserts Y; "turns out" refutes what was believed before
        // ("turns out the photo was from 2010").
        let asserts = |i: usize| {
            *phrase == ["turns", "out"] && ws.get(i + 2..i + 4).is_some_and(|w| w == ["to", "be"])
        };
        // "shoots down the rumour" refutes; "shoots down two planes" is a shooting.
        let shooting = |i: usize| {
            phrase.last() == Some(&"down")
                && !ws[i + phrase.len()..]
                    .iter()
                    .take(RUMOUR_WINDOW)
                    .any(|w| proposition_noun(w) || SHOT_DOWN_NOUNS.contains(&w.as_str()))
        };
        if ws
            .windows(phrase.len())
            .enumerate()
            .any(|(i, win)| win == *phrase && !asserts(i) && !shooting(i))
        {
            note(*x, format!("\"{}\"", phrase.join(" ")));
        }
    }
    for (i, w) in ps.iter().enumerate() {
        if let Some((_, x)) = RUMOUR_KILLERS.iter().find(|(k, _)| k == w) {
            if let Some(r) = ps[i + 1..].iter().take(RUMOUR_WINDOW).find(|r| {
                // "kills ... reports" is as often "bomb kills five, reports say".
                RUMOUR_NOUNS.contains(&r.as_str())
                    && (DISPELLING.contains(&w.as_str())
                        || !matches!(r.as_str(), "reports" | "claims"))
            }) {
                note(*x, format!("\"{w} ... {r}\""));
            }
        }
    }
    // "X, not Y" and "X but not Y" assert X: a negation after the contrast is not read.
    let lower = content.to_lowercase();
    let contrast = [", not ", " but not "]
        .iter()
        .filter_map(|p| lower.find(p))
        .min()
        .unwrap_or(lower.len());
    let asserted: Vec<String> = words(&lower[..contrast])
        .into_iter()
        .map(|w| w.replace('\u{2019}', "'"))
        .collect();
    // "won't stop confronting X", "never quits trying", "hasn't stopped the firm from
    // buying": not stopping asserts going on.
    let goes_on = |i: usize| {
        let ing = |j: usize| asserted.get(j).is_some_and(|w| w.ends_with("ing"));
        asserted.get(i + 1).is_some_and(|w| {
            matches!(
                w.as_str(),
                "stop" | "stops" | "stopped" | "quit" | "quits" | "cease" | "ceased"
            )
        }) && (ing(i + 2)
            || (i + 2..i + 2 + RUMOUR_WINDOW)
                .any(|j| asserted.get(j).is_some_and(|w| w == "from") && ing(j + 1)))
    };
    let idiom = |i: usize| {
        goes_on(i)
            || IDIOMATIC_NEGATIONS
                .iter()
                .any(|p| asserted.get(i..i + p.len()).is_some_and(|win| win == *p))
    };
    // A negation in a clause of purpose, reason or description ("adopts a boy so he won't
    // turn into a werewolf", "the man who never paid") is not the content's own.
    let subordinate = |i: usize| {
        asserted[i.saturating_sub(SUBORDINATE_WINDOW)..i]
            .iter()
            .any(|w| SUBORDINATORS.contains(&w.as_str()))
    };
    if let Some((_, w)) = asserted
        .iter()
        .enumerate()
        .take(
            if ws.len() <= NEGATION_MAX_WORDS && !denied_refutation && !question {
                ws.len()
            } else {
                0
            },
        )
        .find(|(i, w)| negation(w) && !idiom(*i) && !subordinate(*i))
    {
        let x = if ws.len() <= SHORT_NEGATION_WORDS {
            SHORT_NEGATION_STRENGTH
        } else {
            NEGATION_STRENGTH
        };
        note(x, format!("negation \"{w}\""));
    }
    // A question's refutation word keeps its strength; a cue refutes whatever the form.
    let refute = match refute {
        Some(_) if alternatives && !by_cue => None,
        Some((x, why)) if question && !by_cue => Some((x, format!("question with {why}"))),
        r => r,
    };
    if let Some((strength, evidence)) = refute {
        return Stance {
            side: Side::Refutes,
            strength,
            evidence,
        };
    }
    // "asks whether the pier is safe" questions; "asks the council to fund the pier" requests.
    let request = cue == "ask"
        && !question
        && !ws
            .first()
            .is_some_and(|w| QUESTION_OPENERS.contains(&w.as_str()));
    let report = if class == "distancing" || (REPORTING_CUES.contains(&cue.as_str()) && !request) {
        Some(format!("cue \"{cue}\""))
    } else if let Some(w) = by.last().filter(|w| REPORT_SPEAKERS.contains(&w.as_str())) {
        // "..., report says", "Source: ...", "reports say": nobody named stands behind it.
        Some(format!("source \"{w}\""))
    } else if HEDGING_CUES.contains(&cue.as_str())
        || (SAID_TO_CUES.contains(&cue.as_str()) && ws.first().is_some_and(|w| w == "to"))
    {
        // "appears to be planning", "Tesla said to pick Nevada": a hedged attribution.
        Some(format!("hedge \"{cue}\""))
    } else if question {
        Some("question".to_string())
    } else {
        ws.iter()
            .enumerate()
            .find(|&(i, w)| REPORT_WORDS.contains(&w.as_str()) && hedges_the_content(&ws, i))
            .map(|(_, w)| format!("hedge \"{w}\""))
    };
    match report {
        Some(evidence) => Stance {
            side: Side::Reports,
            strength: 1.0,
            evidence,
        },
        None => Stance {
            side: Side::Supports,
            strength: 1.0,
            evidence: if cue.is_empty() {
                "asserted".to_string()
            } else {
                format!("cue \"{cue}\"")
            },
        },
    }
}

/// Whether the report word `ws[i]` hedges the content itself rather than a clause inside it:
/// "if" only opens a content ("If the mayor resigns, ..." but not "slaps people if they
/// sneeze"), and a modal just after "so", "which" or "who" is the purpose or a description of
/// something in it ("built a wall so they could hide").
fn hedges_the_content(ws: &[String], i: usize) -> bool {
    let clause = ws[i.saturating_sub(2)..i]
        .iter()
        .any(|w| matches!(w.as_str(), "so" | "which" | "who"));
    match ws.get(i).map(String::as_str) {
        Some("if") => i == 0,
        Some("may" | "might" | "could") => !clause,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(cue: &str, class: &str, content: &str) -> Side {
        stance(cue, class, content).side
    }

    #[test]
    fn refuting_cues_and_words() {
        assert_eq!(
            side("deny", "denying", "the plan to close the mill"),
            Side::Refutes
        );
        assert_eq!(
            side("dismiss", "neutral", "talk of a merger"),
            Side::Refutes
        );
        assert_eq!(
            side("reject", "denying", "claims that the mill will close"),
            Side::Refutes
        );
        // Refusing or rejecting an action takes no side on a proposition.
        assert_eq!(
            side("reject", "denying", "a request to unseal the file"),
            Side::Supports
        );
        assert_eq!(
            side("refuse", "denying", "to testify before the panel"),
            Side::Supports
        );
        // A long quote holds negations of other things.
        assert_eq!(
            side("say", "neutral", "the budget is fair and the plan is sound and the council has worked on it for a long time and it is not over"),
            Side::Supports
        );
        assert_eq!(
            side("", "asserting", "The haunted lighthouse photo is a hoax"),
            Side::Refutes
        );
        assert_eq!(
            side("", "asserting", "Story of the talking parrot is false"),
            Side::Refutes
        );
        assert_eq!(
            side("", "asserting", "The mayor did not resign"),
            Side::Refutes
        );
        assert_eq!(
            side("", "asserting", "Rumour of the mayor's exit put to rest"),
            Side::Refutes
        );
        assert_eq!(
            stance("", "asserting", "The parrot story is fake").evidence,
            "\"fake\""
        );
        assert_eq!(stance("deny", "denying", "it").evidence, "cue \"deny\"");
    }

    #[test]
    fn a_short_negation_refutes_more_strongly_than_a_long_one() {
        let short = stance("", "asserting", "The mayor did not resign");
        assert_eq!((short.side, short.strength), (Side::Refutes, 0.8));
        let long = stance(
            "",
            "asserting",
            "The mayor who chaired the harbour board for a decade did not resign on Friday evening",
        );
        assert_eq!((long.side, long.strength), (Side::Refutes, 0.7));
    }

    #[test]
    fn a_negation_after_a_contrast_asserts_the_first_part() {
        assert_eq!(
            side("", "asserting", "The ferry will dock in Oban, not Mallaig"),
            Side::Supports
        );
        assert_eq!(
            side(
                "",
                "asserting",
                "Council Funds New Pier But Not A Second Ferry"
            ),
            Side::Supports
        );
        assert_eq!(
            side("", "asserting", "The ferry will not dock in Oban"),
            Side::Refutes
        );
    }

    #[test]
    fn more_refutation_words() {
        for content in [
            "Reports of the lighthouse ghost wildly inaccurate",
            "Doubts grow over the lighthouse ghost",
            "The lighthouse ghost is an urban legend",
            "Lighthouse keeper lied about the ghost",
            "Historian questions whether the lighthouse ghost was ever seen",
        ] {
            assert_eq!(side("", "asserting", content), Side::Refutes, "{content}");
        }
        // A refutation word under a negation affirms.
        for content in [
            "Keeper says the lighthouse ghost is no hoax",
            "The lighthouse ghost photo is not a fake",
        ] {
            assert_eq!(side("", "asserting", content), Side::Supports, "{content}");
        }
    }

    #[test]
    fn an_unnamed_report_or_source_and_hedging_cues_only_report() {
        let side_of = |speaker: &str, cue: &str, class: &str, content: &str| {
            let s = stance_of(speaker, cue, class, content);
            (s.side, s.evidence)
        };
        // "..., report says", "Source: ...", "reports say": nobody named stands behind it.
        let says_surgery = |speaker: &str| {
            side_of(
                speaker,
                "say",
                "neutral",
                "The harbour master had knee surgery",
            )
        };
        for (speaker, word) in [
            ("report", "report"),
            ("a new report", "report"),
            ("Source", "source"),
            ("Team 5 sources", "sources"),
            ("Reports", "reports"),
        ] {
            assert_eq!(
                says_surgery(speaker),
                (Side::Reports, format!("source \"{word}\"")),
                "{speaker}"
            );
        }
        // A named speaker, or a report's author, stands behind it.
        for speaker in ["Reuters", "The report's author", "Harbour Board"] {
            assert_eq!(says_surgery(speaker).0, Side::Supports, "{speaker}");
        }
        // "appears to be planning", "Ferry firm said to pick Oban": a hedged attribution.
        assert_eq!(
            side_of(
                "Ferry firm",
                "appear",
                "believing",
                "to be planning a new route"
            ),
            (Side::Reports, "hedge \"appear\"".to_string())
        );
        assert_eq!(
            side_of(
                "Ferry firm",
                "say",
                "neutral",
                "to Pick Oban for Its First Terminal"
            ),
            (Side::Reports, "hedge \"say\"".to_string())
        );
        // "asks whether ..." questions: it only reports; "asks the council to ..." requests.
        assert_eq!(
            side_of("Mayor", "ask", "neutral", "whether the pier is safe").0,
            Side::Reports
        );
        assert_eq!(
            side_of("Mayor", "ask", "neutral", "the pier is safe?").0,
            Side::Reports
        );
        assert_eq!(
            side_of(
                "Ferry Board",
                "ask",
                "neutral",
                "Council To Fund The New Pier"
            ),
            (Side::Supports, "cue \"ask\"".to_string())
        );
        // "did not say" (the cue lemma "not say"): no side, whatever the content says.
        assert_eq!(
            side_of("Mayor", "not say", "neutral", "the pier photo was fake"),
            (Side::Reports, "negated cue \"not say\"".to_string())
        );
        // A refutation still refutes whoever passes it on.
        assert_eq!(
            side_of(
                "report",
                "say",
                "neutral",
                "The harbour ghost photo is a hoax"
            )
            .0,
            Side::Refutes
        );
    }

    #[test]
    fn hedges_questions_and_claims_only_report() {
        assert_eq!(
            side("", "asserting", "Mayor reportedly set to resign"),
            Side::Reports
        );
        assert_eq!(
            side("", "asserting", "Is the mayor about to resign?"),
            Side::Reports
        );
        assert_eq!(
            side("claim", "distancing", "the mayor will resign"),
            Side::Reports
        );
        assert_eq!(side("", "asserting", "The mayor may resign"), Side::Reports);
    }

    #[test]
    #[rustfmt::skip]
    fn denied_refutations_purpose_clauses_and_turning_out() {
        // (cue, class, content, side, evidence)
        let cases: &[(&str, &str, &str, Side, &str)] = &[
            // Denying a refutation affirms what it was about; a refutation word later in the
            // content is about something else.
            ("deny", "denying", "lighthouse ghost hoax claims", Side::Supports,
             "cue \"deny\" of \"hoax\""),
            ("deny", "denying", "that the keeper is dead after a fake obituary spread", Side::Refutes,
             "cue \"deny\""),
            // A negation in a clause of purpose or description is not the content's.
            ("", "asserting", "Mayor adopts a stray dog so it won't sleep in the harbour",
             Side::Supports, "asserted"),
            ("", "asserting", "Keeper who never saw the ghost sells the lighthouse", Side::Supports,
             "asserted"),
            ("", "asserting", "Mayor won't sell the lighthouse", Side::Refutes, "negation \"won't\""),
            // Nor one after "but" (the first clause is asserted) or in words reported.
            ("", "asserting", "Keeper sold the lighthouse but did not tell the mayor",
             Side::Supports, "asserted"),
            ("", "asserting", "Keeper left a note saying he would never return", Side::Supports,
             "asserted"),
            // Not stopping asserts going on; "you'll never guess" denies nothing.
            ("", "asserting", "Harbour board won't stop dredging the bay", Side::Supports,
             "asserted"),
            ("", "asserting", "Harbour board won't stop the dredging", Side::Refutes,
             "negation \"won't\""),
            ("", "asserting", "The fog hasn't stopped the keeper from lighting the lamp",
             Side::Supports, "asserted"),
            ("", "asserting", "You'll never guess what the keeper found in the lighthouse",
             Side::Supports, "asserted"),
            // "X turns out to be Y" asserts Y; "turns out" alone still refutes.
            ("", "asserting", "Strange light turns out to be a squid off the lighthouse",
             Side::Supports, "asserted"),
            ("", "asserting", "Turns out the lighthouse photo was taken in 2010", Side::Refutes,
             "\"turns out\""),
            // A story "too good to check" was told unchecked: doubt, as "too good to be true".
            ("", "asserting", "Kraken at the lighthouse: a story too good to check",
             Side::Refutes, "\"too good to check\""),
        ];
        for (cue, class, content, want, evidence) in cases {
            let s = stance(cue, class, content);
            assert_eq!((s.side, s.evidence.as_str()), (*want, *evidence), "{content}");
        }
    }

    #[test]
    #[rustfmt::skip]
    fn a_question_refutes_only_through_a_refutation_word() {
        // (content, side, evidence, strength)
        let cases: &[(&str, Side, &str, f64)] = &[
            ("Was the lighthouse ghost photo a hoax?", Side::Refutes, "question with \"hoax\"", 1.0),
            ("Did the keeper stage his lighthouse ghost video?", Side::Refutes,
             "question with \"stage\"", 0.8),
            ("Did the gazette make up the lighthouse story?", Side::Refutes,
             "question with \"make up\"", 0.8),
            // The other side offered too, or a negation: the question takes no side.
            ("Lighthouse ghost photo: real or hoax?", Side::Reports, "question", 1.0),
            ("Is the lighthouse ghost photo fake or not?", Side::Reports, "question", 1.0),
            ("Didn't the mayor resign last week?", Side::Reports, "question", 1.0),
            // A question told after "asks" is not asked: the content is stated.
            ("Ferry cook wakes up in surgery and asks doctors how it's going?", Side::Supports,
             "asserted", 1.0),
            // Stated, staging and making up are something else.
            ("Protesters staged a sit-in at the lighthouse", Side::Supports, "asserted", 1.0),
            ("Fishermen make up a third of the harbour board", Side::Supports, "asserted", 1.0),
        ];
        for (content, want, evidence, strength) in cases {
            let s = stance("", "asking", content);
            assert_eq!((s.side, s.evidence.as_str(), s.strength), (*want, *evidence, *strength),
                       "{content}");
        }
    }

    #[test]
    fn a_source_named_as_a_hoax_refutes_what_it_claims() {
        let s = stance_of(
            "hoax report",
            "claim",
            "distancing",
            "the lighthouse is haunted",
        );
        assert_eq!(
            (s.side, s.evidence.as_str()),
            (Side::Refutes, "source \"hoax\"")
        );
        assert_eq!(
            side("shoot down", "neutral", "reports of a haunted lighthouse"),
            Side::Refutes
        );
        assert_eq!(
            side("", "asserting", "Officials shoot down the lighthouse story"),
            Side::Refutes
        );
        // A shooting is no refutation: "down" takes no rumour, claim or story.
        assert_eq!(
            side(
                "",
                "asserting",
                "Coast guard shoots down two drones over the lighthouse"
            ),
            Side::Supports
        );
        assert_eq!(
            side(
                "",
                "asserting",
                "Mayor shoots down the keeper's assertion that it is haunted"
            ),
            Side::Refutes
        );
    }

    #[test]
    #[rustfmt::skip]
    fn more_refuting_evidence() {
        // (speaker, cue, class, content, side, evidence)
        let cases: &[(&str, &str, &str, &str, Side, &str)] = &[
            // The parts of a hyphenated word.
            ("", "", "asserting", "Fake-News: the lighthouse will be sold", Side::Refutes, "\"fake\""),
            ("fake-news site", "claim", "distancing", "the lighthouse will be sold", Side::Refutes,
             "source \"fake\""),
            ("", "", "asserting", "Lighthouse ghost theory may be wide-wrong", Side::Refutes,
             "\"wrong\""),
            // Rebuffing or doubting a proposition, a head noun a little later.
            ("harbour board", "rebuff", "denying", "the councillor's claim the pier is unsafe",
             Side::Refutes, "cue \"rebuff\""),
            ("harbour board", "rebuff", "denying", "an offer to buy the pier", Side::Supports,
             "cue \"rebuff\""),
            ("engineers", "doubt", "believing", "the pier is unsafe", Side::Refutes, "cue \"doubt\""),
            // A speaker who retracts or rebuffs.
            ("the gazette retracts", "claim", "distancing", "the mayor took bribes", Side::Refutes,
             "source \"retracts\""),
            // Rumours put to rest.
            ("", "", "asserting", "Reports of the pier collapse greatly exaggerated", Side::Refutes,
             "\"exaggerated\""),
            ("", "", "asserting", "Lighthouse keeper kills the ghost rumour with a photo",
             Side::Refutes, "\"kills ... rumour\""),
            ("", "", "asserting", "Mayor dispels reports of a pier sale", Side::Refutes,
             "\"dispels ... reports\""),
            ("", "", "asserting", "Keeper opens the lighthouse despite closure rumours",
             Side::Refutes, "\"despite ... rumours\""),
            ("", "", "asserting", "The pier was sold last week UPDATE: Nope", Side::Refutes,
             "\"nope\""),
            // "kills ... reports" is a death toll, not a denial.
            ("", "", "asserting", "Storm kills two fishermen, reports say", Side::Reports,
             "hedge \"reports\""),
            // A negation in a fixed phrase denies nothing.
            ("", "", "asserting", "Keeper had no idea the lighthouse was haunted", Side::Supports,
             "asserted"),
        ];
        for &(speaker, cue, class, content, want, evidence) in cases {
            let s = stance_of(speaker, cue, class, content);
            assert_eq!((s.side, s.evidence.as_str()), (want, evidence), "{content}");
        }
    }

    #[test]
    #[rustfmt::skip]
    fn a_hedge_inside_a_clause_does_not_hedge_the_content() {
        let cases: &[(&str, Side)] = &[
            ("Keeper sounds the horn if ships come too close", Side::Supports),
            ("Villagers built a wall so they could hide from the storm", Side::Supports),
            ("If the keeper leaves, the lighthouse will close", Side::Reports),
            ("The lighthouse could close next year", Side::Reports),
        ];
        for &(content, want) in cases {
            assert_eq!(side("", "asserting", content), want, "{content}");
        }
    }

    #[test]
    fn plain_assertions_support() {
        assert_eq!(
            side("", "asserting", "The mayor resigned on Friday"),
            Side::Supports
        );
        assert_eq!(side("say", "neutral", "the mayor resigned"), Side::Supports);
        assert_eq!(
            side("confirm", "affirming", "the mayor resigned"),
            Side::Supports
        );
    }
}
