//! The attribution rules: find cues, then the source and content around each.
//!
//! Every rule looks at a bounded window of tokens around a cue (a sentence, or the quotation
//! that a cue introduces), so the whole pass is linear in the length of the text. The parts:
//!
//! - [`scan`]: walks the sentences, matches cue forms and keeps what is reported speech inside
//!   another content out; then lets a direct quotation run on over the next quoted sentences.
//! - [`build`]: one cue match to one [`Draft`], by the cue's kind (verb, "according to", noun,
//!   evidence, "shared by", sourceless passive).
//! - [`source`]: the speaker's noun phrase left or right of a cue.
//! - [`content`]: what is claimed, right or left of a cue, with quotations taken whole.
//! - [`headline`]: a headline's "Speaker: content" and "content - Speaker".
//! - [`signed`]: a paragraph that is one quotation signed with a dash and a name.
//! - [`transcript`]: a transcript's speaker labels ("WALLACE: ...", "Q: ...").
//!
//! The words the rules test for are classes in `seeds/lexicon/words.tsv` ([`W`]); what stays
//! in the code are small closed sets that belong to one rule (the forms of "be", the
//! wh-words).

mod build;
mod content;
mod headline;
mod scan;
mod signed;
mod source;
mod transcript;

use super::doc::Doc;
use super::lexicon::{FastMap, Lexicon};
use super::token::{Kind, Sentence};
use super::words::W;
use super::Stance;
use std::cell::OnceCell;
use std::ops::Range;

/// Longest source we accept, in tokens (longer runs are clauses, not noun phrases).
const MAX_SOURCE: usize = 14;
/// Longest appositive between a source and its cue ("X, a spokesman for Y, said").
const MAX_APPOSITIVE: usize = 24;
/// Longest content taken from a sentence, in tokens: keeps every rule's work per cue bounded,
/// so a text that is one endless sentence still takes linear time.
const WINDOW: usize = 250;
/// Longest quotation taken as one content, in tokens.
const MAX_QUOTE: usize = 2000;

/// An attribution in token ranges, before speakers are resolved.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub source: Option<Range<usize>>,
    pub cue: Range<usize>,
    pub content: Vec<Range<usize>>,
    /// First and last sentence index.
    pub sents: Range<usize>,
    pub lemma: String,
    pub stance: Stance,
    /// No source by construction ("it is believed that").
    pub sourceless: bool,
    /// Leading tokens of the cue range that are not part of the cue span ("in the" of
    /// "in the video shared by").
    pub cue_skip: usize,
    /// A speaker's turn in a transcript ("Q: ...", "WALLACE: ..."): beliefs and intentions
    /// inside it ("A: I think C") are attributions of their own.
    pub turn: bool,
}

impl Draft {
    /// An attribution whose cue is a mark read as "say" (a headline's colon, a signature's
    /// dash, a transcript's label), with one content.
    fn said(
        source: Range<usize>,
        cue: Range<usize>,
        content: Range<usize>,
        sents: Range<usize>,
    ) -> Draft {
        Draft {
            source: Some(source),
            cue,
            content: vec![content],
            sents,
            lemma: "say".to_string(),
            stance: Stance::Neutral,
            sourceless: false,
            cue_skip: 0,
            turn: false,
        }
    }
}

pub(crate) struct Rules<'d, 'a> {
    pub d: &'d Doc<'a>,
    pub lx: &'d Lexicon,
    /// Capitalised words => on how many lines they stand; counted on first use (see
    /// [`Rules::named_elsewhere`]).
    names: OnceCell<FastMap<&'d str, u32>>,
    /// Paragraphs that open with a speaker label; counted on first use (see
    /// [`Rules::speaker_label`]).
    label_lines: OnceCell<u32>,
}

impl<'d, 'a> Rules<'d, 'a> {
    pub fn new(d: &'d Doc<'a>, lx: &'d Lexicon) -> Self {
        Rules {
            d,
            lx,
            names: OnceCell::new(),
            label_lines: OnceCell::new(),
        }
    }

    /// The capitalised word at token `k` stands on another line of the text too ("Okafor"
    /// in a headline, and again in the story).
    fn named_elsewhere(&self, k: usize) -> bool {
        let d = self.d;
        let names = self.names.get_or_init(|| {
            let mut lines: FastMap<&'d str, (u32, u32)> = FastMap::default();
            for (i, t) in d.tk.toks.iter().enumerate() {
                if t.cap && t.kind == Kind::Word {
                    let e = lines.entry(d.lw(i)).or_insert((0, u32::MAX));
                    if e.1 != t.line {
                        *e = (e.0 + 1, t.line);
                    }
                }
            }
            lines.into_iter().map(|(w, (n, _))| (w, n)).collect()
        });
        d.cap(k) && names.get(self.lw(k)).is_some_and(|&n| n >= 2)
    }
}

impl Rules<'_, '_> {
    fn lw(&self, i: usize) -> &str {
        self.d.lw(i)
    }

    /// Token `i` is a word of class `w`.
    fn is(&self, i: usize, w: W) -> bool {
        self.d.is(i, w)
    }

    /// Lower-case word that looks like a finite verb (not a noun-phrase part).
    fn verbish(&self, i: usize) -> bool {
        if self.d.cap(i) {
            return false;
        }
        // "think" in "the think tank": part of a noun.
        if self.is(i + 1, W::CueNounHead) {
            return false;
        }
        let w = self.lw(i);
        (w.len() > 4 && w.ends_with("ed")) || self.is(i, W::VerbForm) || self.is(i, W::CommonVerb)
    }

    /// Token `i` is a dash ("—", "–", "-").
    fn is_dash(&self, i: usize) -> bool {
        self.d.is_punct(i, "—") || self.d.is_punct(i, "–") || self.d.is_punct(i, "-")
    }

    /// The cue at `k` is a participle ("saying", "adding") opening a clause after the token
    /// `b`: a comma (also inside a closing quote: `“...,” adding`), a dash, or a word of class
    /// `participle_lead` ("before", "after").
    fn participle_after(&self, k: usize, b: usize) -> bool {
        let w = self.lw(k);
        let quoted_comma =
            self.d.kind(b) == Some(Kind::Close) && b > 0 && self.d.is_punct(b - 1, ",");
        w.len() > 4
            && w.ends_with("ing")
            && (self.d.is_punct(b, ",")
                || quoted_comma
                || self.is_dash(b)
                || (self.d.is_word(b) && !self.d.cap(b) && self.is(b, W::ParticipleLead)))
    }

    /// End (exclusive) of a sentence's tokens, without the final terminal punctuation.
    fn trimmed_end(&self, s: &Sentence) -> usize {
        let mut e = s.toks.end;
        while e > s.toks.start && (self.d.is_punct(e - 1, ".") || self.d.is_punct(e - 1, ";")) {
            e -= 1;
        }
        e
    }

    /// All attributions of the document, in text order.
    pub fn run(&self) -> Vec<Draft> {
        let mut out = self.scan();
        self.continue_quotes(&mut out);
        drop_nested_beliefs(&mut out);
        out
    }
}

/// A belief, intention, denial or confirmation ("wants", "knows", "declined", "showed")
/// whose cue lies inside the content of another attribution ("X said he wants C", "Whether
/// they know it or not, C, Y insisted") is part of that content, not an attribution of its
/// own (PolNeAR leaves such nested attributions out; speech cues stay, being annotated about
/// half of the time). Only the `NEAR` attributions on each side are looked at, so the pass
/// stays linear.
fn drop_nested_beliefs(drafts: &mut Vec<Draft>) {
    const NEAR: usize = 16;
    let n = drafts.len();
    let nested: Vec<bool> = (0..n)
        .map(|i| {
            let Some(dr) = drafts.get(i) else {
                return false;
            };
            if !matches!(
                dr.stance,
                Stance::Believing | Stance::Denying | Stance::Affirming
            ) {
                return false;
            }
            (i.saturating_sub(NEAR)..n.min(i + NEAR + 1)).any(|j| {
                j != i
                    && drafts.get(j).is_some_and(|o| {
                        !o.turn
                            && o.content
                                .iter()
                                .any(|r| r.start <= dr.cue.start && dr.cue.end <= r.end)
                    })
            })
        })
        .collect();
    let mut flags = nested.into_iter();
    drafts.retain(|_| !flags.next().unwrap_or(false));
}

/// Helpers for the unit tests of the rule parts: a document and its rules over a text written
/// for the test, and tokens found by their words.
#[cfg(test)]
#[allow(clippy::indexing_slicing)]
pub(super) mod testkit {
    use super::*;
    use crate::extract::lexicon::testing::embedded;

    /// Runs `f` on the rules over `text`.
    pub fn with<T>(text: &str, f: impl FnOnce(&Rules) -> T) -> T {
        let lx = embedded();
        let d = Doc::new(text, &lx);
        f(&Rules::new(&d, &lx))
    }

    /// Index of the first token whose lower-case form is `word`.
    pub fn at(r: &Rules, word: &str) -> usize {
        (0..r.d.tk.toks.len())
            .find(|&i| r.d.lw(i) == word)
            .unwrap_or_else(|| panic!("no token {word:?} in {:?}", r.d.text))
    }

    /// The text of a token range ("" for none).
    pub fn text(r: &Rules, span: Option<Range<usize>>) -> String {
        span.map(|s| r.d.surface(&s).to_string())
            .unwrap_or_default()
    }

    /// (source, cue, content) of a draft with one content, as written.
    pub fn triple(r: &Rules, dr: &Draft) -> (String, String, String) {
        (
            text(r, dr.source.clone()),
            r.d.surface(&dr.cue).to_string(),
            text(r, dr.content.first().cloned()),
        )
    }

    /// The sentence holding token `k`.
    pub fn sent<'r>(r: &'r Rules, k: usize) -> &'r Sentence {
        &r.d.sents[r.d.sent_of(k).expect("token in a sentence")]
    }
}
