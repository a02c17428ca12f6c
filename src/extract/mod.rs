//! Attribution extraction: text in, attributed claims out.
//!
//! This module is a pure function of its input: no I/O, no SQL, no printing. `claims import` and
//! `claims extract` both call [`Extractor::extract`], so what a user sees with `extract` is exactly
//! what `import` stores.
//!
//! All offsets in this module are **byte** offsets into the `&str` given to `extract` (always on a
//! `char` boundary). Callers that need Unicode code point offsets (the `mention` object, the
//! `extract --format jsonl` output) convert with [`CharIndex`].
// No vector or slice index in this module can panic: lookups go through `get` and answer for
// an index past the end as for a missing token. (String slices take byte offsets that the
// tokenizer found on `char` boundaries.)
#![deny(clippy::indexing_slicing)]

use std::ops::Range;
use std::sync::{Arc, LazyLock};

pub mod corrections;
mod doc;
mod lexicon;
mod resolve;
mod rules;
mod token;
mod words;
mod wrap;

use doc::Doc;
use lexicon::{Lexicon, Sources};
use token::Kind;
use words::W;

pub use lexicon::LexiconError;

/// The embedded cue lexicon (`seeds/lexicon/cues.tsv`).
pub const CUES_TSV: &str = include_str!("../../seeds/lexicon/cues.tsv");
/// The embedded hedge list (`seeds/lexicon/hedges.tsv`).
pub const HEDGES_TSV: &str = include_str!("../../seeds/lexicon/hedges.tsv");
/// The embedded word classes the rules test for (`seeds/lexicon/words.tsv`).
pub const WORDS_TSV: &str = include_str!("../../seeds/lexicon/words.tsv");
/// The embedded promotion and navigation phrases (`seeds/lexicon/boilerplate.tsv`).
pub const BOILERPLATE_TSV: &str = include_str!("../../seeds/lexicon/boilerplate.tsv");
/// The embedded speaker alias table (`seeds/aliases.tsv`).
pub const ALIASES_TSV: &str = include_str!("../../seeds/aliases.tsv");

/// The embedded data files.
const EMBEDDED: Sources<'static> = Sources {
    cues: CUES_TSV,
    hedges: HEDGES_TSV,
    words: WORDS_TSV,
    boilerplate: BOILERPLATE_TSV,
    aliases: ALIASES_TSV,
};

/// The embedded lexicon, parsed and checked once per process.
static EMBEDDED_LEXICON: LazyLock<Result<Arc<Lexicon>, LexiconError>> =
    LazyLock::new(|| Lexicon::parse(&EMBEDDED).map(Arc::new));

/// Name recorded in every `mention` object.
pub const EXTRACTOR_NAME: &str = "claims-rules";
/// Bump whenever the output of [`Extractor::extract`] can change for some input.
pub const EXTRACTOR_VERSION: &str = "0.5.40";

/// What goes before the lemma of a negated cue ("did not say": `not say`): the extractor
/// writes it, the relation rules ([`is_negated_cue`]) and `same_content_relations` (schema 15)
/// read it.
pub const NEGATED_CUE_PREFIX: &str = "not ";

/// Whether a cue lemma is a negated cue's ("not say").
pub fn is_negated_cue(lemma: &str) -> bool {
    lemma.starts_with(NEGATED_CUE_PREFIX)
}

/// Verbs after which a final "?" ends a question told, not asked ("... and asks doctors how
/// it's going?"): the extractor's headline questions and the relate stance read them alike.
pub const ASKING_VERBS: &[&str] = &["ask", "asks", "asked", "asking", "wonders"];

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
    /// the outlet's own voice, as a question: a headline that ends with "?" ("Was the
    /// lighthouse photo a hoax?")
    Asking,
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
            Stance::Asking => "asking",
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
    /// Lemma of the cue ("confirm", "according to", "air footage"), with "not " before it when
    /// the cue is negated ("did not say": "not say"; its stance is then `Neutral`); empty for
    /// outlet assertions.
    pub cue_lemma: String,
    pub stance: Stance,
    /// Hedge words found inside the content, lower case, in order of appearance, deduplicated
    /// ("could", "may", "reportedly").
    pub hedges: Vec<String>,
    /// True when the content is a direct (quoted) speech.
    pub direct: bool,
    /// The title or honorific written before the speaker's name ("President", "Mrs.",
    /// "Gov."), kept out of `speaker`; `None` when there is none or the source is a pronoun.
    pub title: Option<String>,
}

impl Attribution {
    /// Where it stands in [`Extraction::claims`]: by the start of its content, then of its
    /// cue (a stable sort).
    pub fn order(&self) -> (usize, usize) {
        (
            self.content.first().map_or(0, |r| r.start),
            self.cue.first().map_or(0, |r| r.start),
        )
    }
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
///
/// Keeps a small table of code point counts every 256 bytes, so a lookup costs at most 256
/// byte reads whatever the length of the text.
pub struct CharIndex<'a> {
    text: &'a str,
    /// `blocks[i]`: the code points in `text[..i * CHAR_BLOCK]`, for every `i * CHAR_BLOCK`
    /// up to the text's length (its end included).
    blocks: Vec<usize>,
}

const CHAR_BLOCK: usize = 256;

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut blocks = Vec::with_capacity(bytes.len() / CHAR_BLOCK + 1);
        let mut count = 0usize;
        for chunk in bytes.chunks(CHAR_BLOCK) {
            blocks.push(count);
            count += chunk.iter().filter(|&&b| (b & 0xC0) != 0x80).count();
        }
        // The end of a text whose length is a multiple of the block size starts a block of
        // its own (issue 18: without it, the end of such a text mapped to 0).
        if bytes.len().is_multiple_of(CHAR_BLOCK) {
            blocks.push(count);
        }
        CharIndex { text, blocks }
    }

    /// Code point offset of byte offset `byte` (clamped to the text's length).
    pub fn chars_at(&self, byte: usize) -> usize {
        let bytes = self.text.as_bytes();
        let byte = byte.min(bytes.len());
        let block = byte / CHAR_BLOCK;
        let base = self.blocks.get(block).copied().unwrap_or(0);
        let from = (block * CHAR_BLOCK).min(byte);
        base + bytes
            .get(from..byte)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
    }

    /// A byte span as `[start, end]` code point offsets.
    pub fn span(&self, r: &Range<usize>) -> [usize; 2] {
        [self.chars_at(r.start), self.chars_at(r.end)]
    }
}

/// Turns article text into attributed claims with rules over a cue lexicon.
///
/// Cheap to build and to clone: the embedded data files are parsed and checked once per
/// process and shared.
#[derive(Debug, Clone)]
pub struct Extractor {
    lx: Arc<Lexicon>,
}

impl Extractor {
    /// The extractor with the embedded data files (cues, hedges, word classes, boilerplate
    /// phrases, aliases). Fails, naming the file and line, if one of them is malformed: the
    /// binary was built from a broken `seeds/` file.
    pub fn new() -> Result<Self, LexiconError> {
        EMBEDDED_LEXICON.clone().map(|lx| Extractor { lx })
    }

    /// The embedded data plus extra aliases (`alias<TAB>canonical[<TAB>class]` lines, class one
    /// of country, org, person, group; `#` comments). Later lines win over the embedded ones.
    /// A bad line is an error naming `aliases` and its line number.
    pub fn with_aliases(extra_tsv: &str) -> Result<Self, LexiconError> {
        let mut lx = Lexicon::clone(&*EMBEDDED_LEXICON.clone()?);
        lx.add_aliases(extra_tsv, "aliases")?;
        Ok(Extractor { lx: Arc::new(lx) })
    }

    /// Extracts attributions and outlet assertions from `text`.
    pub fn extract(&self, text: &str) -> Extraction {
        let mut claims = Vec::new();
        let sentences = self.extract_each(text, |a| claims.push(a));
        claims.sort_by_key(Attribution::order);
        Extraction { sentences, claims }
    }

    /// [`Extractor::extract`] of `text[start..]` (the article after a file's header block,
    /// see `ingest::text_start`), with every span an offset in `text`.
    pub fn extract_from(&self, text: &str, start: usize) -> Extraction {
        let Some(body) = text.get(start..) else {
            return self.extract(text);
        };
        let mut ex = self.extract(body);
        let shift = |r: &mut Range<usize>| *r = r.start + start..r.end + start;
        ex.sentences.iter_mut().for_each(shift);
        for a in &mut ex.claims {
            a.source.iter_mut().for_each(shift);
            a.cue.iter_mut().for_each(shift);
            a.content.iter_mut().for_each(shift);
            shift(&mut a.sentence);
        }
        ex
    }

    /// [`Extractor::extract`] handing each attribution to `each` as it is found instead of
    /// keeping them: a long text's attributions (some 20,000 a megabyte of news) need not all
    /// be held at once. They come in the order they are found; a stable sort by
    /// [`Attribution::order`] gives the order of [`Extraction::claims`]. Returns the sentence
    /// spans.
    pub fn extract_each(&self, text: &str, mut each: impl FnMut(Attribution)) -> Vec<Range<usize>> {
        // Hard-wrapped paragraphs are joined first; offsets stay those of `text`.
        let unwrapped = wrap::unwrap_lines(text);
        let text: &str = &unwrapped;
        let doc = Doc::new(text, &self.lx);
        let drafts = rules::Rules::new(&doc, &self.lx).run();
        let mut resolver = resolve::Resolver::new(&self.lx);
        let mut covered = vec![false; doc.sents.len()];
        let mut pending = drafts.iter().peekable();
        for (si, s) in doc.sents.iter().enumerate() {
            // Names before the sentence's first source ("If Mr. Brandt wins, he said").
            if let Some(src) = pending
                .peek()
                .filter(|dr| dr.sents.start <= si)
                .and_then(|dr| dr.source.clone())
            {
                if src.start > s.toks.start && src.start < s.toks.end {
                    resolver.note_local(&doc, s.toks.start..src.start);
                }
            }
            while let Some(dr) = pending.next_if(|dr| dr.sents.start <= si) {
                for c in covered.iter_mut().take(dr.sents.end).skip(dr.sents.start) {
                    *c = true;
                }
                resolver.take_title();
                let speaker = if dr.sourceless {
                    Speaker::Unknown
                } else {
                    match resolver.speaker(&doc, dr) {
                        // One apostrophe for one name: "Ukraine’s military" = "Ukraine's military".
                        Some(n) => Speaker::Named(n.replace('’', "'")),
                        None => Speaker::Unknown,
                    }
                };
                let mut claim = self.finish(&doc, dr, speaker);
                claim.title = resolver.take_title();
                each(claim);
            }
            resolver.clear_local();
            resolver.note_entities(&doc, s.toks.clone());
        }
        // The drafts are done with: what they held is free before the assertions are made.
        drop(drafts);
        for (si, s) in doc.sents.iter().enumerate() {
            if covered.get(si).copied().unwrap_or(false) {
                continue;
            }
            if let Some(stance) = self.assertion(&doc, si, s) {
                let span = doc.byte_span(&s.toks);
                each(Attribution {
                    source: Vec::new(),
                    cue: Vec::new(),
                    content: vec![span.clone()],
                    sentence: span,
                    speaker: Speaker::Outlet,
                    cue_lemma: String::new(),
                    stance,
                    hedges: self.hedges(&doc, std::slice::from_ref(&s.toks)),
                    direct: false,
                    title: None,
                });
            }
        }
        doc.sents.iter().map(|s| doc.byte_span(&s.toks)).collect()
    }

    fn finish(&self, d: &Doc, dr: &rules::Draft, speaker: Speaker) -> Attribution {
        let cue_toks = dr.cue.start + dr.cue_skip..dr.cue.end;
        let sentence = match (
            d.sents.get(dr.sents.start),
            d.sents.get(dr.sents.end.saturating_sub(1)),
        ) {
            (Some(a), Some(b)) => d.byte_span(&(a.toks.start..b.toks.end)),
            _ => 0..0,
        };
        let direct = dr
            .content
            .first()
            .is_some_and(|r| d.kind(r.start) == Some(Kind::Open));
        // "did not say", "never claimed", "isn't responding to": the speaker did not say it,
        // which the lemma keeps ("not say"), so that the claim is not the one of "said".
        // So is a source that nobody is: "No official confirmed", "Nobody said", "Neither the
        // mayor nor the council claimed".
        let nobody = dr.source.as_ref().is_some_and(|r| {
            let first = d.lw(r.start);
            matches!(first, "nobody" | "neither" | "none")
                || (first == "no" && d.lw(r.start + 1) == "one")
                || (r.start > 0 && d.is_word(r.start - 1) && d.lw(r.start - 1) == "no")
        });
        let negated = !dr.lemma.is_empty()
            && (nobody
                || cue_toks.clone().any(|k| {
                    let w = d.lw(k);
                    d.is_word(k) && (matches!(w, "not" | "never" | "cannot") || w.ends_with("n't"))
                }));
        // A negated cue takes no stance of its own: "did not deny" is no denial.
        let (cue_lemma, stance) = if negated {
            (format!("{NEGATED_CUE_PREFIX}{}", dr.lemma), Stance::Neutral)
        } else {
            (dr.lemma.clone(), dr.stance)
        };
        Attribution {
            source: dr.source.iter().map(|r| d.byte_span(r)).collect(),
            cue: vec![d.byte_span(&cue_toks)],
            content: dr
                .content
                .iter()
                .map(|r| d.byte_span(r))
                .filter(|r| r.start < r.end)
                .collect(),
            sentence,
            speaker,
            cue_lemma,
            stance,
            hedges: self.hedges(d, &dr.content),
            direct,
            title: None,
        }
    }

    fn hedges(&self, d: &Doc, content: &[Range<usize>]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in content {
            for k in r.clone() {
                let w = d.lw(k);
                // "May" the month is no hedge.
                let month = w == "may" && d.cap(k);
                if d.is_word(k) && !month && d.is(k, W::Hedge) && !out.iter().any(|h| h == w) {
                    out.push(w.to_string());
                }
            }
        }
        out
    }

    /// A sentence in the outlet's own voice (`si` is `s`'s index): not a quotation or
    /// boilerplate, with enough words to state something; either declarative (ends with a full
    /// stop, at least two lower-case words) or a headline ("Harbour Bridge Closed After Storm",
    /// "Harbour plan wins backing") with a verb: [`Stance::Asserting`]. A headline that asks
    /// with a verb ("Was the lighthouse photo a hoax?") is [`Stance::Asking`]: what the outlet
    /// raises without stating it. A question in the body of a text is no claim.
    fn assertion(&self, d: &Doc, si: usize, s: &token::Sentence) -> Option<Stance> {
        if d.boiler_line(s.line) {
            return None;
        }
        let first = s.toks.start;
        if d.kind(first) == Some(Kind::Open) || d.in_quote(first) {
            return None;
        }
        let mut last = s.toks.end;
        while last > first && d.kind(last - 1) == Some(Kind::Close) {
            last -= 1;
        }
        if last == first {
            return None;
        }
        let words = s.toks.clone().filter(|&k| d.is_word(k)).count();
        let lower = s
            .toks
            .clone()
            .filter(|&k| d.is_word(k) && !d.cap(k))
            .count();
        let stop = d.is_punct(last - 1, ".") || d.is_punct(last - 1, "!");
        let declarative = stop && words >= 4 && lower >= 2;
        // "Teen wakes up in surgery and asks doctors how it's going?": a question told, not
        // asked.
        let told = s
            .toks
            .clone()
            .skip(1)
            .any(|k| ASKING_VERBS.contains(&d.lw(k)));
        let question = d.is_punct(last - 1, "?") && !told;
        let headline = d.headline(si)
            && !d.is_punct(last - 1, ":")
            && words >= 4
            && s.toks.clone().any(|k| {
                // Or a verb in -s after the first word ("Harbour Board Raises Fees").
                let w = d.lw(k);
                let third_person = k > first
                    && w.len() > 3
                    && w.ends_with('s')
                    && !(w.ends_with("ss") || w.ends_with("'s") || w.ends_with("us"));
                d.is_word(k) && (states(d, k) || third_person || title_infinitive(d, k, &s.toks))
            });
        match (declarative, headline, question) {
            (_, true, true) => Some(Stance::Asking),
            (true, _, _) | (_, true, false) => Some(Stance::Asserting),
            _ => None,
        }
    }
}

/// In a Title-Case headline, "to" after a capitalised word and before a capitalised verb
/// (`headline_verb`, `common_verb` or a verb cue of the lexicon) that more words follow is
/// the infinitive of what the name will do ("Keeper to Sell Lighthouse on Monday", "Harbour
/// Board to Raise Fees"), where [`states`] asks for a lower-case verb ("Bridge to reopen"). Not
/// a place or a noun ("A Ferry Ride to Harbour Island"), nor a verb at the end of the sentence
/// `toks` or before a preposition ("Time to Move", "Ready to Move on Monday").
fn title_infinitive(d: &Doc, k: usize, toks: &std::ops::Range<usize>) -> bool {
    d.lw(k) == "to"
        && k > toks.start
        && k + 2 < toks.end
        && d.is_word(k - 1)
        && d.cap(k - 1)
        && !d.is(k - 1, W::Preposition)
        && d.cap(k + 1)
        && (d.is(k + 1, W::HeadlineVerb) || d.is(k + 1, W::CommonVerb) || d.is(k + 1, W::VerbForm))
        && d.is_word(k + 2)
        && !d.is(k + 2, W::Preposition)
}

/// Token `k` is a word that makes a headline a statement rather than a label or a list of
/// names: a verb form or an auxiliary ("Closed", "Wins", "Will"), or "to" before a verb
/// ("Bridge to reopen").
pub(crate) fn states(d: &Doc, k: usize) -> bool {
    let w = d.lw(k);
    // "in May", "May 3": the month.
    let month = w == "may"
        && d.cap(k)
        && (matches!(
            d.lw(k.wrapping_sub(1)),
            "in" | "of" | "since" | "until" | "by" | "early" | "late" | "last" | "next" | "mid"
        ) || d.digit(k + 1));
    let infinitive = w == "to"
        && d.is_word(k + 1)
        && !d.cap(k + 1)
        && !d.digit(k + 1)
        && !d.is(k + 1, W::Determiner)
        && !d.is(k + 1, W::ObjectPronoun)
        && !d.is(k + 1, W::Preposition);
    (d.is(k, W::Auxiliary) && !month)
        || d.is(k, W::VerbForm)
        || d.is(k, W::CommonVerb)
        || (w.len() > 4 && w.ends_with("ed"))
        || (w.len() > 5 && w.ends_with("ing"))
        || w.ends_with("n't")
        || d.is(k, W::HeadlineState)
        || infinitive
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses() {
        let lx = Lexicon::parse(&EMBEDDED).expect("embedded data");
        assert!(lx.entries.len() > 500);
        assert!(lx.classes("said").has(W::VerbForm));
        assert!(lx.classes("could").has(W::Hedge));
        assert!(lx.classes("the").has(W::Determiner));
        assert!(Extractor::new().is_ok());
        assert_eq!(
            lx.aliases.get("Washington").map(|a| a.canonical.as_str()),
            Some("United States government")
        );
    }

    #[test]
    fn char_index_counts_code_points() {
        let text = "é“a”\u{FEFF}b".repeat(100);
        let ci = CharIndex::new(&text);
        for (i, (b, _)) in text.char_indices().enumerate() {
            assert_eq!(ci.chars_at(b), i);
        }
        assert_eq!(ci.chars_at(text.len() + 10), text.chars().count());
    }

    #[test]
    fn char_index_at_the_end_of_whole_blocks() {
        // Issue 18: a text whose byte length is a multiple of 256 mapped its end to 0.
        for len in [0, 1, 255, 256, 257, 511, 512, 513, 1280] {
            for unit in ["a", "é", "“"] {
                let n = len / unit.len();
                let text = unit.repeat(n);
                let ci = CharIndex::new(&text);
                assert_eq!(ci.chars_at(text.len()), n, "{n} x {unit:?}");
                assert_eq!(ci.span(&(0..text.len())), [0, n], "{n} x {unit:?}");
                if let Some((b, _)) = text.char_indices().last() {
                    assert_eq!(ci.chars_at(b), n - 1, "{n} x {unit:?}");
                }
            }
        }
    }
}
