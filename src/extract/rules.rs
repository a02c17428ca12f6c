//! The attribution rules: find cues, then the source and content around each.
//!
//! Every rule looks at a bounded window of tokens around a cue (a sentence, or the quotation
//! that a cue introduces), so the whole pass is linear in the length of the text.

use super::lexicon::{CueEntry, CueKind, Lexicon};
use super::token::{sentences, tokenize, Kind, Sentence, Tokens};
use super::Stance;
use std::ops::Range;

/// Longest source we accept, in tokens (longer runs are clauses, not noun phrases).
const MAX_SOURCE: usize = 14;
/// Longest appositive between a source and its cue ("X, a spokesman for Y, said").
const MAX_APPOSITIVE: usize = 16;
const NONE: usize = usize::MAX;

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
}

pub(crate) struct Doc<'a> {
    pub text: &'a str,
    pub tk: Tokens,
    pub sents: Vec<Sentence>,
    /// For an opening quote: index of its closing quote, or the end of its line if it never
    /// closes. NONE for other tokens.
    pub quote_end: Vec<usize>,
    /// For a closing quote: index of its opening quote; NONE otherwise.
    pub quote_start: Vec<usize>,
    /// Token lies inside a quotation (the marks themselves excluded).
    pub in_quote: Vec<bool>,
    /// Sentence index of each token.
    pub sent_of: Vec<usize>,
    /// Line lies in promotional or navigation boilerplate.
    pub boiler_lines: Vec<bool>,
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str) -> Doc<'a> {
        let tk = tokenize(text);
        let sents = sentences(text, &tk);
        let n = tk.toks.len();
        let mut quote_end = vec![NONE; n];
        let mut quote_start = vec![NONE; n];
        let mut in_quote = vec![false; n];
        let mut sent_of = vec![0usize; n];
        for (si, s) in sents.iter().enumerate() {
            for slot in &mut sent_of[s.toks.clone()] {
                *slot = si;
            }
        }
        // Pair quotation marks line by line.
        let mut i = 0;
        while i < n {
            let line = tk.toks[i].line;
            let mut j = i;
            while j < n && tk.toks[j].line == line {
                j += 1;
            }
            let mut open: Option<usize> = None;
            for k in i..j {
                match tk.toks[k].kind {
                    Kind::Open => {
                        if let Some(o) = open {
                            // An opening mark inside an open quote: the earlier one never
                            // closed. Let it run up to here.
                            quote_end[o] = k;
                        }
                        open = Some(k);
                    }
                    Kind::Close => {
                        if let Some(o) = open.take() {
                            quote_end[o] = k;
                            quote_start[k] = o;
                            for q in &mut in_quote[o + 1..k] {
                                *q = true;
                            }
                        }
                    }
                    _ => {}
                }
            }
            if let Some(o) = open {
                // Unclosed: the quotation runs to the end of the line (a quote that goes on in
                // the next paragraph).
                quote_end[o] = j;
                for q in &mut in_quote[o + 1..j] {
                    *q = true;
                }
            }
            i = j;
        }
        let lines = tk.toks.last().map_or(0, |t| t.line as usize + 1);
        let mut boiler_lines = vec![false; lines];
        for s in &sents {
            if !boiler_lines[s.line as usize] && is_boilerplate(&tk, s) {
                boiler_lines[s.line as usize] = true;
            }
        }
        Doc {
            text,
            tk,
            sents,
            quote_end,
            quote_start,
            in_quote,
            sent_of,
            boiler_lines,
        }
    }

    pub fn lw(&self, i: usize) -> &str {
        self.tk.lower(i)
    }

    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.tk.toks.get(i).map(|t| t.kind)
    }

    pub fn is_punct(&self, i: usize, p: &str) -> bool {
        self.tk
            .toks
            .get(i)
            .is_some_and(|t| t.kind == Kind::Punct && &self.text[t.start..t.end] == p)
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Word)
    }

    pub fn cap(&self, i: usize) -> bool {
        self.tk.toks.get(i).is_some_and(|t| t.cap)
    }

    pub fn byte_span(&self, r: &Range<usize>) -> Range<usize> {
        if r.start >= r.end || r.end > self.tk.toks.len() {
            return 0..0;
        }
        self.tk.toks[r.start].start..self.tk.toks[r.end - 1].end
    }

    pub fn surface(&self, r: &Range<usize>) -> &str {
        let b = self.byte_span(r);
        self.text.get(b).unwrap_or("")
    }
}

fn is_boilerplate(tk: &Tokens, s: &Sentence) -> bool {
    let first = tk.lower(s.toks.start);
    let second = tk.lower(s.toks.start + 1);
    let imperative = matches!(
        first,
        "listen" | "subscribe" | "click" | "tap" | "download" | "follow" | "sign" | "share"
    ) || (first == "read" && second == "more")
        || (first == "watch" && matches!(second, "live" | "now" | "more" | "our"));
    if imperative {
        return true;
    }
    for k in s.toks.clone() {
        let w = tk.lower(k);
        let n = tk.lower(k + 1);
        if matches!(w, "podcast" | "podcasts" | "newsletter" | "newsletters")
            || (w == "sign" && n == "up")
            || (w == "click" && n == "here")
            || (w == "our" && matches!(n, "podcast" | "podcasts" | "newsletter" | "app"))
            || (w == "subscribe" && n == "to")
        {
            return true;
        }
    }
    false
}

/// Words that cannot be part of a source noun phrase: clause openers, auxiliaries and
/// pronouns in object position.
fn is_np_boundary(w: &str) -> bool {
    matches!(
        w,
        "that"
            | "which"
            | "who"
            | "whom"
            | "when"
            | "where"
            | "while"
            | "because"
            | "as"
            | "after"
            | "before"
            | "since"
            | "if"
            | "unless"
            | "though"
            | "although"
            | "but"
            | "or"
            | "nor"
            | "so"
            | "than"
            | "then"
            | "until"
            | "is"
            | "are"
            | "was"
            | "were"
            | "be"
            | "been"
            | "being"
            | "has"
            | "have"
            | "had"
            | "do"
            | "does"
            | "did"
            | "will"
            | "would"
            | "can"
            | "could"
            | "should"
            | "may"
            | "might"
            | "must"
            | "not"
            | "to"
            | "also"
            | "even"
            | "just"
            | "only"
            | "there"
            | "here"
            | "what"
            | "how"
            | "why"
            | "whether"
            | "him"
            | "them"
            | "me"
            | "us"
            | "it"
            | "he"
            | "she"
            | "they"
            | "we"
            | "i"
            | "you"
            | "yet"
            | "now"
            | "still"
            | "however"
            | "instead"
            | "meanwhile"
            | "yes"
            | "no"
            | "and"
            | "&"
    )
}

fn is_determiner(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "a"
            | "an"
            | "this"
            | "these"
            | "those"
            | "its"
            | "his"
            | "her"
            | "their"
            | "our"
            | "my"
            | "your"
            | "some"
            | "many"
            | "several"
            | "most"
            | "other"
            | "another"
            | "both"
            | "two"
            | "three"
            | "one"
            | "all"
            | "each"
            | "few"
            | "more"
    )
}

fn is_preposition(w: &str) -> bool {
    matches!(
        w,
        "with"
            | "of"
            | "for"
            | "by"
            | "from"
            | "at"
            | "on"
            | "in"
            | "to"
            | "and"
            | "about"
            | "among"
            | "within"
            | "inside"
            | "near"
            | "like"
            | "into"
            | "over"
            | "under"
            | "during"
    )
}

/// Personal and relative pronouns that can be a source by themselves.
pub(crate) fn is_subject_pronoun(w: &str) -> bool {
    matches!(
        w,
        "he" | "she" | "they" | "i" | "we" | "it" | "you" | "who" | "which" | "that"
    )
}

fn is_weekday(w: &str) -> bool {
    matches!(
        w,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "yesterday"
            | "today"
            | "tonight"
    )
}

/// Adverbs and auxiliaries that join the cue when they stand right before it.
fn is_cue_prefix(w: &str) -> bool {
    matches!(
        w,
        "has"
            | "have"
            | "had"
            | "'s"
            | "also"
            | "later"
            | "previously"
            | "then"
            | "recently"
            | "once"
            | "repeatedly"
            | "initially"
            | "originally"
            | "since"
            | "publicly"
            | "privately"
            | "again"
            | "often"
            | "never"
            | "long"
            | "already"
            | "first"
            | "earlier"
            | "frequently"
            | "openly"
            | "explicitly"
            | "reportedly"
    )
}

/// Words between a source and its cue that belong to neither ("both", "all", modal verbs).
fn is_source_cue_filler(w: &str) -> bool {
    matches!(
        w,
        "both" | "all" | "will" | "would" | "could" | "may" | "might" | "should" | "can" | "must"
    )
}

/// Verbs after which the addressee comes before the content ("told reporters that").
fn takes_addressee(lemma: &str) -> bool {
    matches!(
        lemma,
        "tell" | "inform" | "assure" | "remind" | "warn" | "urge" | "ask" | "thank" | "accuse"
    )
}

fn is_object_pronoun(w: &str) -> bool {
    matches!(w, "him" | "her" | "them" | "me" | "us" | "you" | "it")
}

pub(crate) struct Rules<'d, 'a> {
    pub d: &'d Doc<'a>,
    pub lx: &'d Lexicon,
}

impl Rules<'_, '_> {
    fn lw(&self, i: usize) -> &str {
        self.d.lw(i)
    }

    /// Lower-case word that looks like a finite verb (not a noun-phrase part).
    fn verbish(&self, i: usize) -> bool {
        let w = self.lw(i);
        if self.d.cap(i) {
            return false;
        }
        (w.len() > 4 && w.ends_with("ed"))
            || self.lx.verb_forms.contains(w)
            || matches!(w, "says" | "told" | "wrote")
    }

    /// Walks left from `j` (inclusive) over a noun phrase; `lo` is the first token allowed.
    fn np_left(&self, j: usize, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        if j == NONE || j < lo {
            return None;
        }
        let mut k = j;
        let mut start = NONE;
        let mut n = 0;
        loop {
            if !d.is_word(k) {
                if d.is_punct(k, "&") && start != NONE {
                    start = k;
                } else {
                    break;
                }
            } else {
                let w = self.lw(k);
                let cap = d.cap(k);
                if w == "and" {
                    // "Russia and Ukraine": only between names.
                    if start != NONE && k > lo && d.cap(k - 1) && d.cap(k + 1) {
                        start = k;
                    } else {
                        break;
                    }
                } else if !cap && (is_np_boundary(w) || self.verbish(k)) {
                    break;
                } else if cap && n > 0 && is_np_boundary(w) && w != "i" {
                    // A capitalised clause opener ("But", "When") at sentence start.
                    break;
                } else {
                    start = k;
                    if is_determiner(w) && k > lo {
                        let before = self.lw(k - 1);
                        if !matches!(before, "of" | "for" | "with" | "from" | "at" | "among") {
                            break;
                        }
                    }
                }
            }
            n += 1;
            if n > MAX_SOURCE || k == lo {
                break;
            }
            k -= 1;
        }
        if start == NONE || n > MAX_SOURCE {
            return None;
        }
        // Drop leading prepositions, conjunctions and sentence adverbs.
        let mut s = start;
        while s <= j && (is_preposition(self.lw(s)) || is_source_cue_filler(self.lw(s))) {
            s += 1;
        }
        if s > j {
            return None;
        }
        // Need a content word: not only determiners or numbers.
        let has_head = (s..=j).any(|i| {
            let w = self.lw(i);
            d.is_word(i) && !is_determiner(w) && !is_preposition(w)
        });
        if !has_head {
            return None;
        }
        // A bare capitalised opener like "However" or a weekday is no speaker.
        if s == j && (is_weekday(self.lw(s)) || matches!(self.lw(s), "however" | "meanwhile")) {
            return None;
        }
        Some(s..j + 1)
    }

    /// The source left of a cue that starts at `c`. Returns the source and where the cue
    /// span starts (it absorbs "has", "also" and similar).
    fn source_left(&self, c: usize, lo: usize) -> (Option<Range<usize>>, usize) {
        let d = self.d;
        let mut cue_start = c;
        let mut j = c;
        // Absorb auxiliaries and adverbs into the cue; skip fillers and time words.
        while j > lo {
            let w = self.lw(j - 1);
            if !d.is_word(j - 1) || d.cap(j - 1) && !is_weekday(w) {
                break;
            }
            if is_cue_prefix(w) || w == "not" || w == "n't" || w == "did" || w == "does" {
                if cue_start == j {
                    cue_start = j - 1;
                }
                j -= 1;
            } else if is_source_cue_filler(w) || is_weekday(w) {
                j -= 1;
                if j > lo && is_weekday(w) && self.lw(j - 1) == "on" {
                    j -= 1;
                }
            } else {
                break;
            }
        }
        // Weekday right before the cue ("Trump on Tuesday said").
        if j > lo && d.cap(j - 1) && is_weekday(self.lw(j - 1)) {
            j -= 1;
            if j > lo && self.lw(j - 1) == "on" {
                j -= 1;
            }
        }
        if j <= lo {
            return (None, cue_start);
        }
        let p = j - 1;
        let w = self.lw(p);
        if d.is_word(p) && is_subject_pronoun(w) {
            return (Some(p..p + 1), cue_start);
        }
        if d.is_punct(p, ",") {
            // "X, a spokesman for Y, said": find the comma that opens the appositive.
            if p > lo && d.kind(p - 1) == Some(Kind::Close) {
                return (None, cue_start);
            }
            let mut k = p;
            let mut steps = 0;
            while k > lo && steps < MAX_APPOSITIVE {
                k -= 1;
                steps += 1;
                if d.is_punct(k, ",") || d.kind(k) != Some(Kind::Word) && !d.is_punct(k, "-") {
                    break;
                }
            }
            if k < p && d.is_punct(k, ",") && k > lo && k + 1 < p {
                // Appositive must look like one: start with a determiner, a title-like
                // word, a relative pronoun, or a number ("59,").
                let a = self.lw(k + 1);
                let looks = is_determiner(a)
                    || matches!(a, "who" | "whose" | "which")
                    || d.cap(k + 1)
                    || (d.is_word(k + 1) && !self.verbish(k + 1) && !is_np_boundary(a));
                if looks {
                    if let Some(np) = self.np_left(k - 1, lo) {
                        let before_ok = np.start == lo
                            || d.is_punct(np.start - 1, ",")
                            || d.kind(np.start - 1) == Some(Kind::Close)
                            || is_np_boundary(self.lw(np.start - 1));
                        if before_ok {
                            return (Some(np.start..p), cue_start);
                        }
                    }
                }
            }
            return (None, cue_start);
        }
        (self.np_left(p, lo), cue_start)
    }

    /// A noun phrase right of `q` up to a comma or the end `hi` (exclusive). With `appos`, a
    /// trailing ", a spokesman for Y" is included.
    fn source_right(&self, q: usize, hi: usize, appos: bool) -> Option<Range<usize>> {
        let d = self.d;
        let mut k = q;
        while k < hi && k - q <= MAX_SOURCE {
            if !d.is_word(k) {
                if d.is_punct(k, "&") || d.is_punct(k, "-") {
                    k += 1;
                    continue;
                }
                break;
            }
            let w = self.lw(k);
            if k > q
                && !d.cap(k)
                && (matches!(
                    w,
                    "who" | "which" | "that" | "as" | "in" | "on" | "at" | "during"
                ) || self.verbish(k)
                    || (is_np_boundary(w) && w != "and"))
            {
                break;
            }
            if k == q && !d.cap(k) && is_np_boundary(w) && !is_subject_pronoun(w) {
                return None;
            }
            if k > q && w == "last" {
                break;
            }
            if k > q && is_weekday(w) {
                break;
            }
            k += 1;
        }
        if k == q || k - q > MAX_SOURCE {
            return None;
        }
        let mut end = k;
        while end > q && (self.lw(end - 1) == "and" || is_preposition(self.lw(end - 1))) {
            end -= 1;
        }
        if end == q {
            return None;
        }
        if appos && k < hi && d.is_punct(k, ",") && k + 1 < hi {
            let a = self.lw(k + 1);
            if is_determiner(a) || matches!(a, "who" | "whose" | "which") {
                // Include the appositive to the end of the sentence, unless a quote follows.
                let mut e = k + 1;
                while e < hi && d.kind(e) != Some(Kind::Open) && !d.is_punct(e, ".") {
                    e += 1;
                }
                if e >= hi || d.is_punct(e, ".") {
                    return Some(q..e);
                }
            }
        }
        Some(q..end)
    }

    /// End (exclusive) of a sentence's tokens, without the final terminal punctuation.
    fn trimmed_end(&self, s: &Sentence) -> usize {
        let mut e = s.toks.end;
        while e > s.toks.start && (self.d.is_punct(e - 1, ".") || self.d.is_punct(e - 1, ";")) {
            e -= 1;
        }
        e
    }

    /// Content right of position `q` in sentence `s`.
    fn content_right(&self, q: usize, s: &Sentence, lemma: &str) -> Option<Range<usize>> {
        let d = self.d;
        let hi = self.trimmed_end(s);
        let mut q = q;
        // Time adjuncts: "on Monday", "Tuesday", "last week".
        loop {
            if q < hi && is_weekday(self.lw(q)) {
                q += 1;
            } else if (q + 1 < hi && self.lw(q) == "on" && is_weekday(self.lw(q + 1)))
                || (q + 1 < hi
                    && matches!(self.lw(q), "last" | "this")
                    && matches!(self.lw(q + 1), "week" | "month" | "year"))
            {
                q += 2;
            } else {
                break;
            }
        }
        if q < hi && d.is_punct(q, ",") && q + 1 < hi && d.kind(q + 1) == Some(Kind::Open) {
            q += 1;
        }
        if takes_addressee(lemma) && q < hi {
            let w = self.lw(q);
            if w != "that" && d.kind(q) != Some(Kind::Open) && !d.is_punct(q, ":") {
                // Skip the addressee: up to "that", a quote or a colon, within a few words.
                let mut k = q;
                let mut found = NONE;
                while k < hi && k - q < 8 {
                    if self.lw(k) == "that" || d.kind(k) == Some(Kind::Open) || d.is_punct(k, ":") {
                        found = k;
                        break;
                    }
                    if d.is_punct(k, ",") {
                        break;
                    }
                    k += 1;
                }
                if found != NONE {
                    q = found;
                } else if is_object_pronoun(w) || d.cap(q) || w == "reporters" {
                    // "told him he would", "told CNN the plan was".
                    let mut k = q + 1;
                    if !is_object_pronoun(w) {
                        while k < hi && d.cap(k) && d.is_word(k) {
                            k += 1;
                        }
                    }
                    q = k;
                } else if matches!(lemma, "ask" | "urge" | "warn" | "accuse" | "thank") {
                    // "urged Congress to act": content is the whole rest.
                } else {
                    return None;
                }
            }
        }
        if q < hi && d.is_punct(q, ":") {
            q += 1;
        } else {
            // "said of Congress: ..." — a colon soon after the cue starts the content.
            let mut k = q;
            while k < hi && k - q < 6 && d.is_word(k) {
                k += 1;
            }
            if k < hi && d.is_punct(k, ":") && k + 1 < hi {
                q = k + 1;
            }
        }
        if q >= hi {
            return None;
        }
        if d.kind(q) == Some(Kind::Open) {
            let e = d.quote_end[q];
            if e != NONE {
                let end = if e < d.tk.toks.len() && d.kind(e) == Some(Kind::Close) {
                    e + 1
                } else {
                    e
                };
                // The quote may run over several sentences; it ends the content when the
                // sentence has nothing more after it.
                if end >= hi || d.sent_of[end.min(d.tk.toks.len() - 1)] != d.sent_of[q] {
                    return Some(q..end);
                }
                let mut k = end;
                while k < s.toks.end && d.kind(k) == Some(Kind::Punct) {
                    k += 1;
                }
                if k >= s.toks.end {
                    return Some(q..end);
                }
            }
        }
        // Stop before a second attribution joined by ", adding" / ", saying".
        let mut k = q + 1;
        while k + 1 < hi {
            if d.is_punct(k, ",") && !d.in_quote[k] {
                let w = self.lw(k + 1);
                if w.ends_with("ing") && self.lx.verb_forms.contains(w) {
                    return Some(q..k);
                }
            }
            k += 1;
        }
        Some(q..hi)
    }

    /// Content left of position `p` (exclusive), from the start of sentence `s` or from the
    /// quotation that ends at `p`.
    fn content_left(&self, p: usize, s: &Sentence) -> Option<Range<usize>> {
        let d = self.d;
        let mut e = p;
        while e > s.toks.start && (d.is_punct(e - 1, ",") || d.is_punct(e - 1, "—")) {
            e -= 1;
        }
        if e > s.toks.start && d.kind(e - 1) == Some(Kind::Close) {
            let o = d.quote_start[e - 1];
            if o != NONE && d.tk.toks[o].line == d.tk.toks[e - 1].line {
                return Some(o..e);
            }
        }
        if e <= s.toks.start {
            return None;
        }
        // Unbalanced or lead-in text: from the start of the sentence.
        let mut st = s.toks.start;
        // A sentence that continues a quotation opened earlier: start at that mark.
        if d.in_quote[st] {
            let mut k = st;
            while k > 0
                && d.kind(k) != Some(Kind::Open)
                && d.tk.toks[k - 1].line == d.tk.toks[st].line
            {
                k -= 1;
            }
            if d.kind(k) == Some(Kind::Open) {
                st = k;
            }
        }
        Some(st..e)
    }

    /// The sentence-initial subject: "Trump tweeted Tuesday, saying ...".
    fn sentence_subject(&self, s: &Sentence, before: usize) -> Option<Range<usize>> {
        let d = self.d;
        let lo = s.toks.start;
        let w = self.lw(lo);
        if d.is_word(lo) && matches!(w, "he" | "she" | "they" | "we" | "i" | "it") {
            return Some(lo..lo + 1);
        }
        let mut k = lo;
        while k < before && k - lo <= MAX_SOURCE && d.is_word(k) {
            let w = self.lw(k);
            if !d.cap(k) && (self.verbish(k) || is_np_boundary(w)) {
                break;
            }
            if d.cap(k) && k > lo && is_np_boundary(w) {
                break;
            }
            k += 1;
        }
        if k == lo || k >= before || !d.is_word(k) {
            return None;
        }
        let w = self.lw(k);
        let verb_next = self.verbish(k)
            || matches!(w, "will" | "would" | "has" | "had" | "was" | "is" | "also");
        if !verb_next {
            return None;
        }
        self.np_left(k - 1, lo)
    }

    /// Tries to build an attribution from the cue `e` matched at tokens `c..ce`.
    fn build(
        &self,
        e: &CueEntry,
        c: usize,
        ce: usize,
        si: usize,
        prev: Option<&Draft>,
    ) -> Option<Draft> {
        let d = self.d;
        let s = &d.sents[si];
        let lo = s.toks.start;
        let hi = self.trimmed_end(s);
        let mut draft = Draft {
            source: None,
            cue: c..ce,
            content: Vec::new(),
            sents: si..si + 1,
            lemma: e.lemma.clone(),
            stance: e.stance,
            sourceless: false,
            cue_skip: 0,
        };
        match e.kind {
            CueKind::Verb => {
                let (src, cue_start) = self.source_left(c, lo);
                draft.cue = cue_start..ce;
                let mut ce = ce;
                if ce < hi && d.cap(ce) && is_weekday(self.lw(ce)) {
                    ce += 1;
                    draft.cue = cue_start..ce;
                }
                let before_cue = if cue_start > lo { cue_start - 1 } else { NONE };
                match src {
                    Some(src) => {
                        let b = if src.start > lo { src.start - 1 } else { NONE };
                        let left_content = b != NONE
                            && (d.is_punct(b, ",") || d.kind(b) == Some(Kind::Close))
                            && !(d.is_punct(b, ",") && b == lo);
                        if left_content {
                            let c1 = self.content_left(b + 1, s)?;
                            draft.content.push(c1);
                            if let Some(c2) = self.second_part(ce, s) {
                                draft.content.push(c2);
                            }
                        } else {
                            let c1 = self.content_right(ce, s, &e.lemma)?;
                            draft.content.push(c1);
                        }
                        draft.source = Some(src);
                    }
                    None => {
                        let inverted = before_cue != NONE
                            && (d.is_punct(before_cue, ",")
                                || d.kind(before_cue) == Some(Kind::Close))
                            && !e.words[0].ends_with("ing");
                        if inverted {
                            // "C, said X." / "“C,” said X, “C2.”"
                            let src = self.source_right(ce, hi, true)?;
                            let c1 = self.content_left(cue_start, s)?;
                            draft.content.push(c1);
                            if let Some(c2) = self.second_part(src.end, s) {
                                draft.content.push(c2);
                            }
                            draft.source = Some(src);
                        } else if before_cue != NONE
                            && (d.is_punct(before_cue, ",") || self.lw(before_cue) == "and")
                        {
                            // "..., saying C" / "... and said C": the subject of the clause.
                            let src = match prev {
                                Some(p) if p.sents.end > si && p.source.is_some() => {
                                    p.source.clone()
                                }
                                _ => self.sentence_subject(s, before_cue),
                            }?;
                            let c1 = self.content_right(ce, s, &e.lemma)?;
                            draft.content.push(c1);
                            draft.source = Some(src);
                        } else {
                            return None;
                        }
                    }
                }
            }
            CueKind::Prep => {
                // "according to X"
                let src = self.source_right(ce, hi, false)?;
                let at_start = c == lo
                    || (c > lo && matches!(self.lw(c - 1), "but" | "and" | "yet" | "also"))
                    || (c > lo && d.is_punct(c - 1, ",") && c - 1 > lo && {
                        // "In Iowa, according to X, C": lead-in then comma.
                        false
                    });
                if at_start {
                    let mut q = src.end;
                    if q < hi && d.is_punct(q, ",") {
                        q += 1;
                    }
                    if q >= hi {
                        return None;
                    }
                    let c1 = self.content_right(q, s, "according to")?;
                    draft.content.push(c1);
                } else {
                    let c1 = self.content_left(c, s)?;
                    draft.content.push(c1);
                    if let Some(c2) = self.second_part(src.end, s) {
                        draft.content.push(c2);
                    }
                }
                draft.source = Some(src);
            }
            CueKind::Noun => {
                if self.lw(ce) != "that" || ce + 1 >= hi || c == lo {
                    return None;
                }
                let p = c - 1;
                let w = self.lw(p);
                let src = if matches!(w, "his" | "her" | "their" | "its" | "our" | "my") {
                    p..p + 1
                } else if d.is_word(p) && (w.ends_with("'s") || w.ends_with('\'')) {
                    let mut st = p;
                    while st > lo && d.cap(st - 1) && d.is_word(st - 1) {
                        st -= 1;
                    }
                    st..p + 1
                } else {
                    return None;
                };
                draft.source = Some(src);
                draft.content.push(ce..hi);
            }
            CueKind::Evidence => {
                let (src, cue_start) = self.source_left(c, lo);
                let src = src?;
                draft.cue = cue_start..ce;
                let mut q = NONE;
                let mut k = ce;
                while k < hi && k - ce < 12 {
                    let w = self.lw(k);
                    if matches!(w, "showing" | "of" | "depicting") {
                        q = k + 1;
                        break;
                    }
                    if w == "that" && matches!(self.lw(k + 1), "shows" | "showed") {
                        q = k + 2;
                        break;
                    }
                    k += 1;
                }
                if q == NONE {
                    q = ce;
                }
                if q >= hi {
                    return None;
                }
                draft.content.push(q..hi);
                draft.source = Some(src);
            }
            CueKind::ByPrep => {
                let src = self.source_right(ce, hi, false)?;
                if c <= lo || !d.is_punct(c - 1, ",") {
                    return None;
                }
                let c1 = self.content_left(c, s)?;
                draft.content.push(c1);
                // The cue span leaves out "in the".
                let mut skip = 0;
                while c + skip < ce && matches!(self.lw(c + skip), "in" | "the" | "a" | "an") {
                    skip += 1;
                }
                draft.cue_skip = skip;
                draft.source = Some(src);
            }
            CueKind::Passive => {
                if c > lo && self.lw(c - 1) == "it" && ce < hi && self.lw(ce) == "that" {
                    draft.sourceless = true;
                    draft.content.push(ce..hi);
                } else if ce < hi && self.lw(ce) == "to" && c > lo {
                    let np = self.np_left(c - 1, lo)?;
                    draft.sourceless = true;
                    draft.content.push(np);
                    draft.content.push(ce..hi);
                } else {
                    return None;
                }
            }
        }
        // Quotes that run over several sentences: widen the sentence range.
        let last = draft.content.iter().map(|r| r.end).max().unwrap_or(ce);
        if last > 0 {
            let ls = d.sent_of[(last - 1).min(d.sent_of.len().saturating_sub(1))];
            if ls > si {
                draft.sents = si..ls + 1;
            }
        }
        let first = draft.content.iter().map(|r| r.start).min().unwrap_or(c);
        let fs = d.sent_of[first.min(d.sent_of.len().saturating_sub(1))];
        if fs < draft.sents.start {
            draft.sents.start = fs;
        }
        if draft.content.iter().all(|r| r.start >= r.end) {
            return None;
        }
        Some(draft)
    }

    /// After "C1, X said" (ending at `q`): ", C2" to the end of the sentence, or a quotation.
    fn second_part(&self, q: usize, s: &Sentence) -> Option<Range<usize>> {
        let d = self.d;
        let hi = self.trimmed_end(s);
        let mut q = q;
        while q < hi
            && (is_weekday(self.lw(q)) || (self.lw(q) == "on" && is_weekday(self.lw(q + 1))))
        {
            q += 1;
        }
        if q >= hi || !(d.is_punct(q, ",") || d.is_punct(q, ":")) {
            return None;
        }
        let q = q + 1;
        if q >= hi {
            return None;
        }
        let w = self.lw(q);
        if self.lx.verb_forms.contains(w) || matches!(w, "according" | "adding" | "saying") {
            return None;
        }
        if d.kind(q) == Some(Kind::Open) {
            let e = d.quote_end[q];
            if e != NONE {
                let end = if d.kind(e) == Some(Kind::Close) {
                    e + 1
                } else {
                    e
                };
                return Some(q..end);
            }
        }
        Some(q..hi)
    }

    /// All attributions of the document, in text order.
    pub fn run(&self) -> Vec<Draft> {
        let d = self.d;
        let mut out: Vec<Draft> = Vec::new();
        for (si, s) in d.sents.iter().enumerate() {
            if d.boiler_lines
                .get(s.line as usize)
                .copied()
                .unwrap_or(false)
            {
                continue;
            }
            let mut k = s.toks.start;
            while k < s.toks.end {
                if d.in_quote[k] || !d.is_word(k) {
                    k += 1;
                    continue;
                }
                let Some(cands) = self.lx.by_first.get(self.lw(k)) else {
                    k += 1;
                    continue;
                };
                let mut advanced = false;
                for &ci in cands {
                    let e = &self.lx.entries[ci];
                    let n = e.words.len();
                    if k + n > s.toks.end {
                        continue;
                    }
                    let matches = (0..n).all(|m| {
                        let t = k + m;
                        d.is_word(t) && !d.in_quote[t] && self.lw(t) == e.words[m]
                    });
                    if !matches {
                        continue;
                    }
                    // A capitalised single word cue is only a cue at sentence start
                    // ("According to"), never a name ("Says" is rare; "Hope" is a name).
                    if d.cap(k) && k != s.toks.start {
                        continue;
                    }
                    let prev = out.last();
                    if let Some(dr) = self.build(e, k, k + n, si, prev) {
                        // After "aired footage showing C" go on inside C, past "showing".
                        let next = if e.kind == CueKind::Evidence {
                            dr.content.first().map_or(k + n, |r| r.start.max(k + n))
                        } else {
                            k + n
                        };
                        out.push(dr);
                        k = next;
                        advanced = true;
                        break;
                    }
                }
                if !advanced {
                    k += 1;
                }
            }
        }
        self.continue_quotes(&mut out);
        out
    }

    /// Adds to a direct attribution the quotations that follow it in the same paragraph, or
    /// that make up the whole next paragraph, when no other cue claims them.
    fn continue_quotes(&self, drafts: &mut [Draft]) {
        let d = self.d;
        let n = drafts.len();
        for i in 0..n {
            let direct = drafts[i]
                .content
                .first()
                .is_some_and(|r| d.kind(r.start) == Some(Kind::Open));
            if !direct || drafts[i].sourceless {
                continue;
            }
            let next_start = if i + 1 < n {
                drafts[i + 1].sents.start
            } else {
                usize::MAX
            };
            let mut si = drafts[i].sents.end;
            // The attribution must close its sentence ("..., he said.").
            let last_sent = &d.sents[drafts[i].sents.end - 1];
            let last_tok = drafts[i]
                .content
                .iter()
                .map(|r| r.end)
                .chain(drafts[i].source.iter().map(|r| r.end))
                .chain(std::iter::once(drafts[i].cue.end))
                .max()
                .unwrap_or(0);
            let mut k = last_tok;
            while k < last_sent.toks.end && d.kind(k) == Some(Kind::Punct) {
                k += 1;
            }
            if k < last_sent.toks.end {
                continue;
            }
            let line0 = last_sent.line;
            let mut lines_used = 0;
            while si < d.sents.len() && si < next_start {
                let s = &d.sents[si];
                let q = s.toks.start;
                if d.kind(q) != Some(Kind::Open) {
                    break;
                }
                if s.line != line0 {
                    // Next paragraph: only one, and only when it is all quotation.
                    if lines_used > 0 {
                        break;
                    }
                    let mut line_end = q;
                    while line_end < d.tk.toks.len() && d.tk.toks[line_end].line == s.line {
                        line_end += 1;
                    }
                    let e = d.quote_end[q];
                    if e == NONE || e + 2 < line_end {
                        break;
                    }
                    lines_used += 1;
                }
                let e = d.quote_end[q];
                if e == NONE {
                    break;
                }
                let end = if d.kind(e) == Some(Kind::Close) {
                    e + 1
                } else {
                    e
                };
                // The quotation must fill its sentence(s): nothing but punctuation after it.
                let es = d.sent_of[(end - 1).min(d.sent_of.len() - 1)];
                let s_end = d.sents[es].toks.end;
                let mut k = end;
                while k < s_end && d.kind(k) == Some(Kind::Punct) {
                    k += 1;
                }
                if k < s_end {
                    break;
                }
                drafts[i].content.push(q..end);
                drafts[i].sents.end = es + 1;
                si = es + 1;
            }
        }
    }
}
