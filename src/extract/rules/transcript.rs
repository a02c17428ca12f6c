//! Speaker labels of a transcript or an interview: a paragraph that opens with a speaker's
//! name and a colon ("WALLACE: Governor, ...", "Q: How did it go?", "Matthews: Well, ...").
//! The name is the source, the colon the cue (read as "say"), the rest of the paragraph the
//! content. Only in a text with at least two such paragraphs (a transcript), so that a
//! single "Note: ..." or "Harbour Row: ..." line stays what it is.

use super::{Draft, Rules};
use crate::extract::token::{Kind, Sentence};
use crate::extract::words::W;
use std::ops::Range;

/// Longest speaker label, in tokens ("Rep. Ada B. Moss").
const MAX_LABEL: usize = 6;
/// Paragraphs with a speaker label a text needs before any is read as one.
const MIN_LABELS: u32 = 2;

impl Rules<'_, '_> {
    /// The attribution of the speaker label that opens the paragraph of sentence `si` (`s`),
    /// if `s` opens a paragraph of a transcript.
    pub(super) fn speaker_label(&self, si: usize, s: &Sentence) -> Option<Draft> {
        let d = self.d;
        let first_on_line = si == 0 || d.sents.get(si - 1).is_some_and(|p| p.line != s.line);
        if !first_on_line || d.headline(si) {
            return None;
        }
        let (label, colon) = self.label_at(s)?;
        if self.label_lines() < MIN_LABELS {
            return None;
        }
        // The content runs to the end of the paragraph.
        let mut last = si;
        while d.sents.get(last + 1).is_some_and(|n| n.line == s.line) {
            last += 1;
        }
        let end = self.trimmed_end(d.sents.get(last)?);
        // A turn says something: two words, not only figures ("Lee: 1,769"), not a list of
        // names ("Iowa: Ann Lee, Bo Hart, Cy Long, ...").
        let words = (colon + 1..end)
            .filter(|&k| d.is_word(k) && !d.digit(k))
            .count();
        let commas = (colon + 1..end).filter(|&k| d.is_punct(k, ",")).count();
        let list = commas >= 3 && !(colon + 1..end).any(|k| self.states(k));
        if words < 2 || list {
            return None;
        }
        let mut dr = Draft::said(label, colon..colon + 1, colon + 1..end, si..last + 1);
        dr.turn = true;
        Some(dr)
    }

    /// A speaker label at the start of sentence `s` (after an opening quotation mark, as
    /// transcripts quoted whole are set), with the colon after it: a name in capitals
    /// ("WALLACE", "JOEL BENENSON"), "Q" or "A", or up to three capitalised words
    /// ("Matthews", "Chris Matthews") that are no label word ("Update", "Photo") and state
    /// nothing.
    fn label_at(&self, s: &Sentence) -> Option<(Range<usize>, usize)> {
        let d = self.d;
        let mut lo = s.toks.start;
        if d.kind(lo) == Some(Kind::Open) {
            lo += 1;
        }
        let inner = |k: usize| [".", "-", "(", ")"].iter().any(|p| d.is_punct(k, p));
        let mut k = lo;
        while k < s.toks.end && k - lo < MAX_LABEL && ((d.is_word(k) && d.cap(k)) || inner(k)) {
            k += 1;
        }
        if k == lo || !d.is_punct(k, ":") || !d.is_word(lo) {
            return None;
        }
        let words: Vec<usize> = (lo..k).filter(|&t| d.is_word(t)).collect();
        let capitals = words.iter().all(|&t| {
            let w = d.surface(&(t..t + 1));
            w.chars().count() >= 2 && !w.chars().any(char::is_lowercase)
        });
        let qa = words.len() == 1 && matches!(d.surface(&(lo..lo + 1)), "Q" | "A");
        let name = words.len() <= 3
            && words.iter().all(|&t| {
                !self.is(t, W::HeadlineLabel) && !self.is(t, W::NpBoundary) && !self.states(t)
            });
        let label_word = words.iter().all(|&t| self.is(t, W::HeadlineLabel));
        ((capitals && !label_word) || qa || name).then_some((lo..k, k))
    }

    /// How many paragraphs of the text open with a speaker label (counted on first use).
    fn label_lines(&self) -> u32 {
        *self.label_lines.get_or_init(|| {
            let d = self.d;
            let mut n = 0;
            let mut line = None;
            for s in &d.sents {
                if line != Some(s.line) && self.label_at(s).is_some() {
                    n += 1;
                }
                line = Some(s.line);
            }
            n
        })
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::super::testkit::with;

    /// (source, content) of each speaker label in `text`.
    fn labels(text: &str) -> Vec<(String, String)> {
        with(text, |r| {
            (0..r.d.sents.len())
                .filter_map(|si| r.speaker_label(si, &r.d.sents[si]))
                .map(|dr| {
                    let src = dr.source.as_ref().map_or("", |s| r.d.surface(s));
                    (src.to_string(), r.d.surface(&dr.content[0]).to_string())
                })
                .collect()
        })
    }

    fn pairs(want: &[(&str, &str)]) -> Vec<(String, String)> {
        want.iter()
            .map(|&(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    #[rustfmt::skip]
    fn a_transcript_has_speaker_labels() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("The council met on Monday.\nMOSS: The bridge stays shut. We have no money.\n\
              LEHTO: Then find it, mayor.",
             &[("MOSS", "The bridge stays shut. We have no money"),
               ("LEHTO", "Then find it, mayor")]),
            // Interview questions and answers; a question keeps its mark.
            ("Ada Moss runs the ferry.\nQ: How did the winter go?\nA: It was hard, but we ran.",
             &[("Q", "How did the winter go?"), ("A", "It was hard, but we ran")]),
            // Names in ordinary case, a transcript quoted whole.
            ("From the debate:\n\"Berg: Well, the port is open.\n\"Lina Aas: Not for long.",
             &[("Berg", "Well, the port is open"), ("Lina Aas", "Not for long")]),
        ];
        for &(text, want) in cases {
            assert_eq!(labels(text), pairs(want), "{text:?}");
        }
    }

    #[test]
    fn no_speaker_labels() {
        for text in [
            // One label paragraph is no transcript.
            "The council met.\nMOSS: The bridge stays shut.",
            // Label words and statements before the colon.
            "The council met.\nUpdate: The bridge is open.\nPhoto: The bridge at dawn.",
            "The council met.\nThe result: a long delay.\nThe reason: no money.",
            // Figures and lists of names are no turn.
            "The count:\nLee: 1,769\nMoss: 1,501",
            "The panel:\nIowa: Ann Lee, Bo Hart, Cy Long, Di Moe\nOhio: Al Fox, Ed Orr, Jo Kay, Lu Ng",
            // The colon is not at the start of the paragraph.
            "The council met.\nShe said one thing: no.\nHe said another: yes.",
        ] {
            assert_eq!(labels(text), Vec::<(String, String)>::new(), "{text:?}");
        }
    }
}
