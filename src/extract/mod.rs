//! Attribution extraction: text in, attributed claims out.
//!
//! This module is a pure function of its input: no I/O, no SQL, no printing. `claims import` and
//! `claims extract` both call [`Extractor::extract`], so what a user sees with `extract` is exactly
//! what `import` stores.
//!
//! All offsets in this module are **byte** offsets into the `&str` given to `extract` (always on a
//! `char` boundary). Callers that need Unicode code point offsets (the `mention` object, the
//! `extract --format jsonl` output) convert with [`CharIndex`].

use std::ops::Range;

/// Name recorded in every `mention` object.
pub const EXTRACTOR_NAME: &str = "claims-rules";
/// Bump whenever the output of [`Extractor::extract`] can change for some input.
pub const EXTRACTOR_VERSION: &str = "0.1.0";

/// How the speaker relates to what is claimed, from the cue's class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stance {
    /// say, tell, report, add
    Neutral,
    /// confirm, show, prove
    Affirming,
    /// claim, allege, insist
    Distancing,
    /// deny, reject, dismiss
    Denying,
    /// link, blame, accuse
    Accusing,
    /// warn, expect, predict
    Predicting,
    /// believe, think, want: a belief or intention rather than speech
    Believing,
    /// the outlet's own voice: no cue at all
    Asserting,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Neutral => "neutral",
            Stance::Affirming => "affirming",
            Stance::Distancing => "distancing",
            Stance::Denying => "denying",
            Stance::Accusing => "accusing",
            Stance::Predicting => "predicting",
            Stance::Believing => "believing",
            Stance::Asserting => "asserting",
        }
    }
}

/// Who makes a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Speaker {
    /// A named or resolved speaker, normalised through the alias table
    /// ("Washington" => "United States government"; "its military" => "Russia's military").
    Named(String),
    /// The outlet itself (its own voice). The caller fills in the outlet's name.
    Outlet,
    /// A sourceless attribution ("it is believed that ...").
    Unknown,
}

/// One attributed claim found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    /// Spans of the source as written ("its military", "Russia and Ukraine"); empty for
    /// outlet assertions and sourceless attributions.
    pub source: Vec<Range<usize>>,
    /// Spans of the cue ("confirmed", "according to", "aired footage"); empty for outlet
    /// assertions.
    pub cue: Vec<Range<usize>>,
    /// Spans of the content: what is claimed. Never empty.
    pub content: Vec<Range<usize>>,
    /// The sentence (or the run of sentences of a multi-sentence quote) the claim stands in.
    pub sentence: Range<usize>,
    /// The resolved, normalised speaker.
    pub speaker: Speaker,
    /// Lemma of the cue ("confirm", "according to", "air footage"); empty for outlet assertions.
    pub cue_lemma: String,
    pub stance: Stance,
    /// Hedge words found inside the content, lower case, in order of appearance, deduplicated
    /// ("could", "may", "reportedly").
    pub hedges: Vec<String>,
    /// True when the content is a direct (quoted) speech.
    pub direct: bool,
}

/// The result of extracting one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extraction {
    /// Sentence spans in text order.
    pub sentences: Vec<Range<usize>>,
    /// Attributed claims and outlet assertions, in text order of their content start.
    pub claims: Vec<Attribution>,
}

/// Converts byte offsets of one text to Unicode code point offsets.
pub struct CharIndex<'a> {
    text: &'a str,
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        CharIndex { text }
    }

    /// Code point offset of byte offset `byte` (clamped to the text's length).
    pub fn chars_at(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        self.text[..byte].chars().count()
    }
}

// TEMPORARY stub until the extractor branch lands.
#[derive(Debug, Default)]
pub struct Extractor;
impl Extractor {
    pub fn new() -> Self {
        Extractor
    }
    pub fn extract(&self, _text: &str) -> Extraction {
        Extraction::default()
    }
}
