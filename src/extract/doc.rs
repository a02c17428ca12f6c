//! One text prepared for the rules: tokens, sentences, paired quotation marks, the classes of
//! every word, and which lines are boilerplate or headlines.
//!
//! Everything here is computed once per text in one pass over its tokens. Every accessor takes
//! any index and answers for an index past the end as for a token that is not there (no word,
//! no class, not in a quote), so the rules can look one token ahead or behind without checks.

use super::lexicon::Lexicon;
use super::token::{sentences, tokenize, Kind, Sentence, Tokens};
use super::words::{Classes, W};
use std::ops::Range;

/// "No token": a quotation mark without a partner, or a position not found.
pub(crate) const NONE: usize = usize::MAX;
/// Token indices paired with token indices, for the few tokens that have a partner (in
/// `u32`: a text has fewer tokens than bytes, and texts are far below 4 GiB).
#[derive(Default)]
struct Pairs(Vec<(u32, u32)>);

impl Pairs {
    fn set(&mut self, i: usize, value: usize) {
        if let (Ok(i), Ok(value)) = (u32::try_from(i), u32::try_from(value)) {
            self.0.push((i, value));
        }
    }

    /// In order of the first index, for [`Pairs::get`] (pairs are set in that order already),
    /// the last value set for an index kept.
    fn sorted(mut self) -> Pairs {
        self.0.reverse();
        self.0.sort_by_key(|&(i, _)| i);
        self.0.dedup_by_key(|&mut (i, _)| i);
        self
    }

    /// The partner of token `i`; NONE if it has none.
    fn get(&self, i: usize) -> usize {
        let Ok(i) = u32::try_from(i) else {
            return NONE;
        };
        self.0
            .binary_search_by_key(&i, |&(k, _)| k)
            .ok()
            .and_then(|at| self.0.get(at))
            .map_or(NONE, |&(_, v)| v as usize)
    }
}

pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub tk: Tokens,
    pub sents: Vec<Sentence>,
    /// For an opening quote: index of its closing quote, or the end of its line if it never
    /// closes. (Only quotation marks have an entry: a table of every token would cost more
    /// than the text.)
    quote_end: Pairs,
    /// For a closing quote: index of its opening quote.
    quote_start: Pairs,
    /// Token lies inside a quotation (the marks themselves excluded).
    in_quote: Vec<bool>,
    /// Word classes of each token.
    classes: Vec<Classes>,
    /// Line lies in promotional or navigation boilerplate.
    boiler_lines: Vec<bool>,
    /// Line is written in title case (a headline): capitalised cue words count there.
    title_lines: Vec<bool>,
    /// Sentence is written as a headline, see [`Doc::headline`].
    headline: Vec<bool>,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, lx: &Lexicon) -> Doc<'a> {
        let tk = tokenize(text);
        let sents = sentences(text, &tk);
        let n = tk.toks.len();
        let classes: Vec<Classes> = (0..n).map(|i| lx.classes(tk.lower(i))).collect();
        let (quote_end, quote_start, in_quote) = pair_quotes(&tk);
        let lines = tk.toks.last().map_or(0, |t| t.line as usize + 1);
        let mut words = vec![(0u32, 0u32); lines];
        for t in &tk.toks {
            if t.kind == Kind::Word && !t.digit {
                if let Some(w) = words.get_mut(t.line as usize) {
                    w.0 += 1;
                    if t.cap {
                        w.1 += 1;
                    }
                }
            }
        }
        let mut boiler_lines = vec![false; lines];
        for s in &sents {
            let line = s.line as usize;
            // A phrase that may stand anywhere ("podcast", "sign up") marks only a short
            // paragraph: in a long one it is news ("the more who sign up, ...").
            let short = words.get(line).is_some_and(|w| w.0 <= MAX_PROMO_WORDS);
            if let Some(b) = boiler_lines.get_mut(line) {
                if !*b && is_boilerplate(&tk, &classes, lx, s, short) {
                    *b = true;
                }
            }
        }
        let title_lines: Vec<bool> = words
            .iter()
            .map(|&(n, caps)| n >= 3 && caps * 10 >= n * 7)
            .collect();
        let headline = headline_sentences(text, &tk, &sents, &title_lines);
        Doc {
            text,
            tk,
            sents,
            quote_end,
            quote_start,
            in_quote,
            classes,
            boiler_lines,
            title_lines,
            headline,
        }
    }

    /// Lower-case form of token `i` ("" past the end).
    pub fn lw(&self, i: usize) -> &str {
        self.tk.lower(i)
    }

    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.tk.toks.get(i).map(|t| t.kind)
    }

    pub fn is_punct(&self, i: usize, p: &str) -> bool {
        self.tk.toks.get(i).is_some_and(|t| {
            t.kind == Kind::Punct && self.text.get(t.span()).is_some_and(|s| s == p)
        })
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Word)
    }

    /// Token `i` starts with a capital letter.
    pub fn cap(&self, i: usize) -> bool {
        self.tk.toks.get(i).is_some_and(|t| t.cap)
    }

    /// Token `i` starts with a digit.
    pub fn digit(&self, i: usize) -> bool {
        self.tk.toks.get(i).is_some_and(|t| t.digit)
    }

    /// Token `i` is a word of class `w`.
    pub fn is(&self, i: usize, w: W) -> bool {
        self.classes.get(i).is_some_and(|c| c.has(w))
    }

    /// The line token `i` stands on.
    pub fn line(&self, i: usize) -> Option<u32> {
        self.tk.toks.get(i).map(|t| t.line)
    }

    /// The sentence token `i` belongs to.
    pub fn sent_of(&self, i: usize) -> Option<usize> {
        // Sentences are consecutive runs of tokens and hold every token: the one that holds
        // `i` is the first that ends after it.
        if i >= self.tk.toks.len() {
            return None;
        }
        let si = self.sents.partition_point(|s| s.toks.end <= i);
        (si < self.sents.len()).then_some(si)
    }

    /// The sentence of token `i`, or of the last token when `i` is past the end (0 for a text
    /// without tokens).
    pub fn sent_of_clamped(&self, i: usize) -> usize {
        let last = self.tk.toks.len().saturating_sub(1);
        self.sent_of(i.min(last)).unwrap_or(0)
    }

    /// For an opening quote, its closing quote or the end of its line; NONE otherwise.
    pub fn quote_end(&self, i: usize) -> usize {
        self.quote_end.get(i)
    }

    /// For a closing quote, its opening quote; NONE otherwise.
    pub fn quote_start(&self, i: usize) -> usize {
        self.quote_start.get(i)
    }

    /// Token `i` lies inside a quotation (the marks themselves excluded).
    pub fn in_quote(&self, i: usize) -> bool {
        self.in_quote.get(i).copied().unwrap_or(false)
    }

    /// Line `line` holds promotion or navigation.
    pub fn boiler_line(&self, line: u32) -> bool {
        self.boiler_lines
            .get(line as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Line `line` is written in title case.
    pub fn title_line(&self, line: u32) -> bool {
        self.title_lines
            .get(line as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Sentence `si` is written as a headline: on a title-case line ("Mayor Denies Plan To
    /// Close Harbour"), the whole first line of the text (an article's title), or a whole line
    /// without final punctuation ("Harbour plan wins backing"; a final colon counts as
    /// punctuation).
    pub fn headline(&self, si: usize) -> bool {
        self.headline.get(si).copied().unwrap_or(false)
    }

    pub fn byte_span(&self, r: &Range<usize>) -> Range<usize> {
        if r.start >= r.end {
            return 0..0;
        }
        match (self.tk.toks.get(r.start), self.tk.toks.get(r.end - 1)) {
            (Some(a), Some(b)) => a.start as usize..b.end as usize,
            _ => 0..0,
        }
    }

    pub fn surface(&self, r: &Range<usize>) -> &str {
        let b = self.byte_span(r);
        self.text.get(b).unwrap_or("")
    }
}

/// Which sentences are headlines, see [`Doc::headline`].
fn headline_sentences(
    text: &str,
    tk: &Tokens,
    sents: &[Sentence],
    title_lines: &[bool],
) -> Vec<bool> {
    let line_of = |si: Option<usize>| si.and_then(|i| sents.get(i)).map(|s| s.line);
    let first_line = tk.toks.first().map(|t| t.line);
    let punct = |k: usize, set: &[&str]| {
        tk.toks.get(k).is_some_and(|t| {
            t.kind == Kind::Punct && text.get(t.span()).is_some_and(|p| set.contains(&p))
        })
    };
    sents
        .iter()
        .enumerate()
        .map(|(si, s)| {
            let whole_line =
                line_of(si.checked_sub(1)) != Some(s.line) && line_of(Some(si + 1)) != Some(s.line);
            // The last token before closing quotes and brackets ends the sentence with a stop.
            let last = (s.toks.start..s.toks.end).rev().find(|&k| {
                tk.toks.get(k).is_some_and(|t| t.kind != Kind::Close)
                    && !punct(k, &[")", "]", "’", "'"])
            });
            // A line that ends with a colon introduces what follows ("The winners are:").
            let stop = last.is_some_and(|k| punct(k, &[".", "!", "?", ":"]));
            title_lines.get(s.line as usize).copied().unwrap_or(false)
                || (whole_line && Some(s.line) == first_line)
                || (whole_line && !stop)
        })
        .collect()
}

/// Pairs quotation marks line by line: (quote_end, quote_start, in_quote), see [`Doc`].
fn pair_quotes(tk: &Tokens) -> (Pairs, Pairs, Vec<bool>) {
    let n = tk.toks.len();
    let mut quote_end = Pairs::default();
    let mut quote_start = Pairs::default();
    let mut in_quote = vec![false; n];
    let mark_inside = |in_quote: &mut Vec<bool>, r: Range<usize>| {
        for q in in_quote.iter_mut().take(r.end).skip(r.start) {
            *q = true;
        }
    };
    let mut i = 0;
    while i < n {
        let line = tk.toks.get(i).map_or(0, |t| t.line);
        let j = i + tk
            .toks
            .iter()
            .skip(i)
            .take_while(|t| t.line == line)
            .count();
        let mut open: Option<usize> = None;
        for (k, t) in tk.toks.iter().enumerate().take(j).skip(i) {
            match t.kind {
                Kind::Open => {
                    if let Some(o) = open {
                        // An opening mark inside an open quote: the earlier one never
                        // closed. Let it run up to here.
                        quote_end.set(o, k);
                    }
                    open = Some(k);
                }
                Kind::Close => {
                    if let Some(o) = open.take() {
                        quote_end.set(o, k);
                        quote_start.set(k, o);
                        mark_inside(&mut in_quote, o + 1..k);
                    }
                }
                _ => {}
            }
        }
        if let Some(o) = open {
            // Unclosed: the quotation runs to the end of the line (a quote that goes on in
            // the next paragraph).
            quote_end.set(o, j);
            mark_inside(&mut in_quote, o + 1..j);
        }
        i = j;
    }
    (quote_end.sorted(), quote_start.sorted(), in_quote)
}

/// Whether `words` stand at token `k` (tokens past the end are "").
fn phrase_at(tk: &Tokens, k: usize, words: &[String]) -> bool {
    words
        .iter()
        .enumerate()
        .all(|(i, w)| tk.lower(k + i) == w.as_str())
}

/// Most words in a paragraph that a phrase of promotion anywhere in it ("our podcast") makes
/// boilerplate; a phrase that opens a sentence ("Subscribe ...") counts in any paragraph.
const MAX_PROMO_WORDS: u32 = 30;

/// A sentence of promotion or navigation ("Sign up for our newsletter"); `short`: its
/// paragraph has at most [`MAX_PROMO_WORDS`] words.
fn is_boilerplate(
    tk: &Tokens,
    classes: &[Classes],
    lx: &Lexicon,
    s: &Sentence,
    short: bool,
) -> bool {
    if lx
        .boiler_start
        .iter()
        .any(|p| phrase_at(tk, s.toks.start, p))
    {
        return true;
    }
    short
        && s.toks.clone().any(|k| {
            classes.get(k).is_some_and(|c| c.has(W::BoilerHead))
                && lx.boiler_any.iter().any(|p| phrase_at(tk, k, p))
        })
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::extract::lexicon::testing::embedded;

    /// The surface of each token range, for readable assertions.
    fn surf(d: &Doc, r: Range<usize>) -> String {
        d.surface(&r).to_string()
    }

    fn tok(d: &Doc, word: &str) -> usize {
        (0..d.tk.toks.len())
            .find(|&i| d.lw(i) == word)
            .unwrap_or_else(|| panic!("no token {word:?}"))
    }

    #[test]
    fn quotes_pair_per_line() {
        // (text, word inside the first quote, text of that quote from mark to partner)
        let cases: &[(&str, &str, &str)] = &[
            ("He said “we will win” and left.", "will", "“we will win”"),
            // Curly marks of the wrong hand, read by their spacing.
            ("“It's late,“ she said.", "late", "“It's late,“"),
            ("He said ”we will win” and left.", "will", "”we will win”"),
            // A single quote closing inside a double one: the last two marks close.
            (
                "''We were told, 'No,''' she said.",
                "told",
                "''We were told, 'No,'''",
            ),
            // Never closed: runs to the end of its line, not into the next paragraph.
            (
                "“We will win, he said\nNext line.",
                "will",
                "“We will win, he said",
            ),
            // A second opening mark ends the first, unclosed one; the second pairs.
            ("“One “two” three", "two", "“two”"),
            // Straight quotes, opened by spacing.
            ("They said \"no deal\" today.", "deal", "\"no deal\""),
        ];
        let lx = embedded();
        for &(text, inside, want) in cases {
            let d = Doc::new(text, &lx);
            let k = tok(&d, inside);
            assert!(d.in_quote(k), "{text:?}: {inside:?} is inside");
            let o = (0..k)
                .rev()
                .find(|&i| d.kind(i) == Some(Kind::Open))
                .expect("an opening mark");
            let e = d.quote_end(o);
            let end = if d.kind(e) == Some(Kind::Close) {
                e + 1
            } else {
                e
            };
            assert_eq!(surf(&d, o..end), want, "{text:?}");
            if d.kind(e) == Some(Kind::Close) {
                assert_eq!(d.quote_start(e), o, "{text:?}");
            }
        }
    }

    #[test]
    fn unclosed_quote_stays_on_its_line() {
        let lx = embedded();
        let d = Doc::new("“Open quote on line one\nLine two is plain.", &lx);
        let two = tok(&d, "two");
        assert!(d.in_quote(tok(&d, "one")));
        assert!(!d.in_quote(two));
        assert_eq!(d.line(two), Some(1));
        assert_eq!(d.quote_end(0), two - 1, "ends where line two starts");
    }

    #[test]
    fn a_second_opening_mark_ends_an_open_quote() {
        let lx = embedded();
        let d = Doc::new("“One “two” three", &lx);
        // Tokens: “ One “ two ” three
        assert_eq!(d.quote_end(0), 2);
        assert!(!d.in_quote(1), "the broken quote marks nothing as quoted");
        assert_eq!(d.quote_end(2), 4);
        assert_eq!(d.quote_start(4), 2);
        assert!(!d.in_quote(5));
    }

    #[test]
    fn boilerplate_lines() {
        // (line, is boilerplate)
        let cases: &[(&str, bool)] = &[
            ("Sign up for the morning briefing.", true),
            ("Read more: the budget in charts", true),
            ("Watch live as the council votes.", true),
            ("Get our newsletter every Friday.", true),
            ("Hear the debate on our podcast.", true),
            ("The mayor will sign the bill today.", false),
            ("Readers asked for more detail.", false),
            ("Watch the skies, the minister said.", false),
            ("The club will follow the rules.", false),
            // In a long paragraph a phrase anywhere is news, not promotion.
            ("The mayor praised the scheme. “The more people sign up, the cheaper the buses get for everyone in the valley, and the fuller the new trains will be on weekday mornings,” she said.", false),
            ("The host of a weekly podcast about harbours, Ann Lee, told listeners on Monday that the new bridge would close for repairs until the end of the summer season and the first autumn storms.", false),
            // A podcast or newsletter that is not the outlet's own is news, however short.
            ("“We will rebuild the pier,” the mayor said on the podcast.", false),
            ("The mayor said in her newsletter that the pier would reopen.", false),
            ("Sign up for our newsletter.", true),
        ];
        let lx = embedded();
        for &(text, want) in cases {
            let d = Doc::new(text, &lx);
            assert_eq!(d.boiler_line(0), want, "{text:?}");
        }
    }

    #[test]
    fn title_lines_and_classes() {
        let lx = embedded();
        let d = Doc::new(
            "Mayor Denies Plan To Close Harbour\nThe mayor said on Monday that it was false.",
            &lx,
        );
        assert!(d.title_line(0));
        assert!(!d.title_line(1));
        assert!(!d.title_line(7), "a line past the end is no headline");
        assert!(d.is(tok(&d, "the"), W::Determiner));
        assert!(d.is(tok(&d, "monday"), W::Day));
        assert!(d.is(tok(&d, "said"), W::VerbForm));
        assert!(d.is(tok(&d, "said"), W::CueHead));
        assert!(!d.is(tok(&d, "mayor"), W::Determiner));
        assert!(d.is(tok(&d, "mayor"), W::PersonHead));
    }

    #[test]
    fn abbreviations_end_no_sentence() {
        // (text, number of sentences)
        let cases: &[(&str, usize)] = &[
            ("The case of Ross v. Dale was heard. It failed.", 2),
            ("Then-Sen. Ann Lee and ex-Gov. Bo Hart spoke. They left.", 2),
            ("The ex-envoy spoke. They left.", 2),
        ];
        let lx = embedded();
        for &(text, want) in cases {
            let d = Doc::new(text, &lx);
            assert_eq!(d.sents.len(), want, "{text:?}");
        }
    }

    #[test]
    #[rustfmt::skip]
    fn headline_sentences() {
        // (text, headline flag of each sentence)
        let cases: &[(&str, &[bool])] = &[
            // Title case, with or without a stop.
            ("Mayor Denies Plan To Close Harbour.\nThe vote is on Monday.", &[true, false]),
            // The whole first line is the article's title.
            ("Ferry fares will rise, board says.\nThe vote is on Monday.", &[true, false]),
            // A first line of several sentences is a paragraph, not a title.
            ("Ferry fares will rise. The vote is on Monday.", &[false, false]),
            // A whole line without final punctuation; a final colon is punctuation.
            ("Vote Set\nIt is on Monday. It may pass.\nharbour plan wins backing\nThe winners are:",
             &[true, false, false, true, false]),
            // Closing quotes and brackets do not hide the stop.
            ("Vote Set\nIt is on Monday. It may pass.\n“It will pass.”\n(It did.)",
             &[true, false, false, false, false]),
        ];
        let lx = embedded();
        for &(text, want) in cases {
            let d = Doc::new(text, &lx);
            let got: Vec<bool> = (0..d.sents.len()).map(|si| d.headline(si)).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn accessors_past_the_end() {
        let lx = embedded();
        for text in ["", "One word", "“"] {
            let d = Doc::new(text, &lx);
            let past = d.tk.toks.len() + 3;
            assert_eq!(d.lw(past), "");
            assert_eq!(d.kind(past), None);
            assert!(!d.is_word(past) && !d.cap(past) && !d.digit(past));
            assert!(!d.is(past, W::Determiner));
            assert!(!d.in_quote(past));
            assert_eq!(d.quote_end(past), NONE);
            assert_eq!(d.quote_start(past), NONE);
            assert_eq!(d.sent_of(past), None);
            assert_eq!(d.line(past), None);
            assert_eq!(d.byte_span(&(0..past)), 0..0);
            assert_eq!(d.surface(&(past..past + 1)), "");
            assert!(!d.boiler_line(99) && !d.title_line(99) && !d.headline(past));
            assert_eq!(d.sent_of_clamped(past), d.sents.len().saturating_sub(1));
        }
    }
}
