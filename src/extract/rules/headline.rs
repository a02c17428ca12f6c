//! Headline attributions that have no cue word: "Speaker: content" ("Harbour Board: Fees Will
//! Rise") and "content: Speaker" / "content - Speaker" with a short speaker such as "Report",
//! "Officials" ("Ferry Service To Resume - Officials"). The colon or dash is the cue, read as
//! "say". Only in headline-style sentences (see [`Doc::headline`](crate::extract::doc::Doc)),
//! never in a question.

use super::{Draft, Rules};
use crate::extract::token::{Kind, Sentence};
use crate::extract::words::W;
use std::ops::Range;

/// Longest speaker before a headline's colon, in tokens ("McCain Challenger Kelli Ward").
const MAX_LEFT: usize = 6;
/// Longest speaker after a headline's colon or dash ("South Korean paper").
const MAX_RIGHT: usize = 3;

impl Rules<'_, '_> {
    /// The attribution a headline's colon or dash makes, if sentence `si` (`s`) is a headline
    /// with one.
    pub(super) fn headline_colon(&self, si: usize, s: &Sentence) -> Option<Draft> {
        let d = self.d;
        if !d.headline(si) {
            return None;
        }
        let lo = s.toks.start;
        let hi = self.trimmed_end(s);
        let last = (lo..s.toks.end)
            .rev()
            .find(|&k| d.kind(k) != Some(Kind::Close))?;
        if d.is_punct(last, "?") {
            return None;
        }
        let draft = |source: Range<usize>, cue: usize, content: Range<usize>| {
            Draft::said(source, cue..cue + 1, content, si..si + 1)
        };
        // "Speaker: content": the first colon, after a short name that is not a label.
        let colon = (lo..hi).find(|&k| d.is_punct(k, ":") && !d.in_quote(k));
        if let Some(c) = colon {
            let words = (c + 1..hi).filter(|&k| d.is_word(k)).count();
            // "Iowa: Ann Lee, Bo Hart, Cy Long, ...": a list of names is said by nobody.
            let commas = (c + 1..hi).filter(|&k| d.is_punct(k, ",")).count();
            let list = commas >= 3 && !(c + 1..hi).any(|k| self.states(k));
            if c > lo && c - lo <= MAX_LEFT && words >= 2 && !list && self.names_a_speaker(lo..c) {
                // "CNN Chief On The Debate:" speaks, not "the debate".
                let end = (lo + 1..c).find(|&k| self.lw(k) == "on").unwrap_or(c);
                // Before a colon a topic is as common as a speaker ("Harbour Row: Fees Rise"):
                // a speaker has a speaker's head noun ("Poll", "Harbour Official"), or a name
                // the story names again ("Okafor: ..." and later "Mayor Okafor said").
                let head = end - 1;
                let speaker = [W::HeadlineSource, W::PersonHead, W::Title]
                    .iter()
                    .any(|&w| self.is(head, w))
                    || self.named_elsewhere(head);
                if speaker {
                    return Some(draft(lo..end, c, c + 1..hi));
                }
            }
        }
        // "content: Speaker", "content - Speaker": the last colon or dash before a short
        // speaker whose head is a word like "report" or "officials".
        let sep = (lo + 1..hi)
            .rev()
            .take(MAX_RIGHT + 1)
            .find(|&k| !d.in_quote(k) && [":", "-", "–", "—"].iter().any(|p| d.is_punct(k, p)))?;
        let tail = sep + 1..hi;
        let content_words = (lo..sep).filter(|&k| d.is_word(k)).count();
        let speaker = !tail.is_empty()
            && tail.clone().all(|k| d.is_word(k) && !self.states(k))
            && self.is(hi - 1, W::HeadlineSource);
        (speaker && content_words >= 2).then(|| draft(tail, sep, lo..sep))
    }

    /// Tokens `r` before a headline's colon name a speaker: words (and the inner marks of
    /// names), capitalised first (not a number: "6:05 p.m."), no verb, no clause word, not
    /// only label words ("Breaking", "The Latest").
    fn names_a_speaker(&self, r: Range<usize>) -> bool {
        let d = self.d;
        let inner = |k: usize| {
            [".", "-", "&", "'", "’", "(", ")"]
                .iter()
                .any(|p| d.is_punct(k, p))
        };
        d.cap(r.start)
            && r.clone().all(|k| {
                (d.is_word(k) && !self.states(k) && !self.is(k, W::NpBoundary)) || inner(k)
            })
            && !r
                .clone()
                .all(|k| !d.is_word(k) || self.is(k, W::HeadlineLabel))
    }

    /// Token `k` is a word that makes a phrase a statement rather than a name.
    pub(super) fn states(&self, k: usize) -> bool {
        crate::extract::states(self.d, k)
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::super::testkit::{triple, with};

    /// (source, cue, content) of the headline attribution of `text`'s first sentence.
    fn colon(text: &str) -> Option<(String, String, String)> {
        with(text, |r| {
            let s = &r.d.sents[0];
            r.headline_colon(0, s).map(|dr| triple(r, &dr))
        })
    }

    #[test]
    #[rustfmt::skip]
    fn speaker_before_the_colon() {
        // (headline, source, cue, content)
        let cases: &[(&str, &str, &str, &str)] = &[
            // A speaker's head noun.
            ("Harbour Official: Fees Will Rise In June", "Harbour Official", ":",
             "Fees Will Rise In June"),
            ("Poll: Most Residents Back The Eastern Plan.", "Poll", ":",
             "Most Residents Back The Eastern Plan"),
            ("Union Leader On Strike Vote: “We Are Ready.”", "Union Leader", ":",
             "“We Are Ready.”"),
            // A name the story names again.
            ("Okafor: the ferry will run all winter.\n\nMayor Lena Okafor said on Monday that \
              the ferry would run.", "Okafor", ":", "the ferry will run all winter"),
        ];
        for &(text, src, cue, content) in cases {
            let got = colon(text);
            let want = Some((src.to_string(), cue.to_string(), content.to_string()));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    #[rustfmt::skip]
    fn speaker_after_the_colon_or_dash() {
        let cases: &[(&str, &str, &str, &str)] = &[
            ("Ferry Service To Resume In May - Officials", "Officials", "-",
             "Ferry Service To Resume In May"),
            ("Harbour Bridge Will Close For Repairs: Report.", "Report", ":",
             "Harbour Bridge Will Close For Repairs"),
            ("Port Worker Hurt In Crane Accident — Local Paper", "Local Paper", "—",
             "Port Worker Hurt In Crane Accident"),
        ];
        for &(text, src, cue, content) in cases {
            let got = colon(text);
            let want = Some((src.to_string(), cue.to_string(), content.to_string()));
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn no_attribution() {
        for text in [
            // Labels, questions, statements before the colon, long tails, plain sentences.
            "Breaking: Harbour Bridge Closed After Storm",
            // A topic, not a speaker: no speaker's head noun, not named again.
            "Harbour Row: Fees Will Rise In June",
            "Okafor: the ferry will run all winter.",
            "The Latest: Ferry Service Resumes",
            "Harbour Bridge: Will It Reopen This Year?",
            "Council Is Back: Vote Set For Monday",
            "Ferry Fares Rise Again - And Nobody Is Happy",
            "Harbour Bridge Will Close For Repairs: Mayor Okafor",
            "Port and Harbour: A Long History",
            // Not a headline: a sentence of a paragraph with others after it.
            "Officials gave one reason: cost. The bridge stays shut.",
        ] {
            assert_eq!(colon(text), None, "{text:?}");
        }
    }
}
