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
const MAX_APPOSITIVE: usize = 24;
const NONE: usize = usize::MAX;
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
    /// Line is written in title case (a headline): capitalised cue words count there.
    pub title_lines: Vec<bool>,
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
        let mut words = vec![(0u32, 0u32); lines];
        for t in &tk.toks {
            if t.kind == Kind::Word && !t.digit {
                let w = &mut words[t.line as usize];
                w.0 += 1;
                if t.cap {
                    w.1 += 1;
                }
            }
        }
        let title_lines = words
            .iter()
            .map(|&(n, caps)| n >= 3 && caps * 10 >= n * 7)
            .collect();
        Doc {
            text,
            tk,
            title_lines,
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

/// Sentence adverbs that open a sentence before its subject ("Perhaps Russia will ...").
fn is_sentence_adverb(w: &str) -> bool {
    matches!(
        w,
        "perhaps"
            | "maybe"
            | "indeed"
            | "clearly"
            | "certainly"
            | "thus"
            | "moreover"
            | "still"
            | "also"
            | "instead"
            | "however"
            | "meanwhile"
            | "today"
            | "yesterday"
            | "now"
            | "then"
            | "so"
            | "yet"
            | "later"
            | "earlier"
            | "finally"
            | "first"
            | "again"
            | "even"
    )
}

/// Verbs and adjectives that take "to" + a cue verb and join the cue ("refused to say").
fn is_catenative(w: &str) -> bool {
    matches!(
        w,
        "refused"
            | "refuses"
            | "declined"
            | "declines"
            | "continued"
            | "continues"
            | "sought"
            | "seeks"
            | "tried"
            | "tries"
            | "began"
            | "begins"
            | "want"
            | "wants"
            | "wanted"
            | "need"
            | "needs"
            | "needed"
            | "seemed"
            | "seems"
            | "appeared"
            | "appears"
            | "decided"
            | "plans"
            | "planned"
            | "promised"
            | "vowed"
            | "pledged"
            | "hopes"
            | "hoped"
            | "quick"
            | "eager"
            | "poised"
            | "free"
            | "careful"
            | "able"
            | "willing"
            | "like"
            | "worked"
            | "works"
            | "expected"
            | "likely"
            | "going"
    )
}

/// Words that, after a comma, start a clause outside the content ("C, according to X",
/// "C, despite ...", "C, while ...").
fn is_clause_break(w: &str) -> bool {
    matches!(
        w,
        "according"
            | "despite"
            | "whereas"
            | "unlike"
            | "which"
            | "since"
            | "potentially"
            | "although"
            | "though"
    )
}

/// Frequent verbs that are no cues, to stop a noun phrase ("The figures include ...").
fn is_common_verb(w: &str) -> bool {
    matches!(
        w,
        "come"
            | "comes"
            | "came"
            | "go"
            | "goes"
            | "went"
            | "make"
            | "makes"
            | "made"
            | "take"
            | "takes"
            | "took"
            | "get"
            | "gets"
            | "got"
            | "give"
            | "gives"
            | "gave"
            | "include"
            | "includes"
            | "need"
            | "needs"
            | "seem"
            | "become"
            | "becomes"
            | "became"
            | "keep"
            | "keeps"
            | "kept"
            | "put"
            | "puts"
            | "begin"
            | "begins"
            | "began"
            | "run"
            | "runs"
            | "ran"
            | "hold"
            | "holds"
            | "held"
            | "bring"
            | "brings"
            | "brought"
            | "win"
            | "wins"
            | "won"
            | "lose"
            | "loses"
            | "lost"
            | "help"
            | "helps"
            | "try"
            | "tries"
            | "look"
            | "looks"
            | "stand"
            | "stands"
            | "stood"
            | "meet"
            | "meets"
            | "met"
            | "pay"
            | "pays"
            | "paid"
            | "lead"
            | "leads"
            | "led"
            | "face"
            | "faces"
            | "remain"
            | "remains"
            | "sent"
            | "spent"
            | "set"
            | "let"
            | "lets"
            | "struck"
            | "hit"
            | "cut"
            | "built"
            | "broke"
            | "chose"
            | "drew"
            | "drove"
            | "fell"
            | "fought"
            | "grew"
            | "rose"
            | "sat"
            | "shook"
            | "stole"
            | "stuck"
            | "swore"
            | "taught"
            | "threw"
            | "wore"
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
            | "is"
            | "are"
            | "was"
            | "were"
            | "been"
            | "be"
            | "being"
            | "will"
            | "would"
            | "can"
            | "could"
            | "may"
            | "might"
            | "should"
            | "must"
            | "now"
            | "still"
            | "just"
            | "even"
    )
}

/// Words between a source and its cue that belong to neither ("both", "all", modal verbs).
fn is_source_cue_filler(w: &str) -> bool {
    matches!(w, "both" | "all")
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
        (w.len() > 4 && w.ends_with("ed")) || self.lx.verb_forms.contains(w) || is_common_verb(w)
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
                if (d.is_punct(k, "&") || d.is_punct(k, "/") || d.is_punct(k, "%")) && start != NONE
                {
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
                } else if k == j
                    && k > lo
                    && w.ends_with("ed")
                    && matches!(
                        self.lw(k - 1),
                        "those"
                            | "people"
                            | "voters"
                            | "respondents"
                            | "adults"
                            | "americans"
                            | "democrats"
                            | "republicans"
                            | "residents"
                    )
                {
                    // "those surveyed said"
                    start = k;
                } else if !cap
                    && w.ends_with("ed")
                    && k > lo
                    && matches!(
                        self.lw(k - 1),
                        "the" | "a" | "an" | "his" | "her" | "its" | "their"
                    )
                {
                    // "the retired neurosurgeon": an adjective.
                    start = k;
                } else if !cap
                    && (is_np_boundary(w)
                        || self.verbish(k)
                        || (w.len() > 5 && w.ends_with("ing"))
                        || w.ends_with("n't"))
                {
                    break;
                } else if cap
                    && (n > 0 || is_np_boundary(w))
                    && (is_np_boundary(w) || is_sentence_adverb(w))
                    && !matches!(w, "i" | "us" | "it" | "me" | "him" | "them")
                {
                    // A capitalised clause opener ("But", "When") at sentence start.
                    break;
                } else {
                    start = k;
                    if is_determiner(w) && k > lo {
                        let before = self.lw(k - 1);
                        if !matches!(
                            before,
                            "of" | "for" | "with" | "from" | "at" | "among" | "in"
                        ) {
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
        while s <= j && (is_preposition(self.lw(s)) || is_sentence_adverb(self.lw(s))) {
            s += 1;
        }
        if s > j {
            return None;
        }
        // Need a content word: not only determiners or numbers.
        // "Some said", "Many say": a quantifier standing alone is the source.
        if s == j
            && matches!(
                self.lw(s),
                "some" | "many" | "others" | "few" | "most" | "several" | "both" | "all" | "none"
            )
        {
            return Some(s..j + 1);
        }
        let has_head = (s..=j).any(|i| {
            let w = self.lw(i);
            d.is_word(i)
                && !d.tk.toks[i].digit
                && !is_determiner(w)
                && !is_preposition(w)
                && !matches!(w, "million" | "billion" | "thousand" | "hundred")
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
        let mut chained = false;
        // Absorb auxiliaries and adverbs into the cue; skip fillers and time words.
        while j > lo {
            let w = self.lw(j - 1);
            if !d.is_word(j - 1) || d.cap(j - 1) && !is_weekday(w) {
                break;
            }
            // "went on to say", "refused to endorse", "is quick to point out": the verb chain
            // is one cue.
            if w == "to" && j >= lo + 2 && is_catenative(self.lw(j - 2)) && !d.cap(j - 2) {
                j -= 2;
                cue_start = j;
                chained = true;
                continue;
            }
            if w == "to"
                && j >= lo + 3
                && self.lw(j - 2) == "on"
                && matches!(self.lw(j - 3), "went" | "goes" | "go" | "going")
            {
                j -= 3;
                cue_start = j;
                chained = true;
                continue;
            }
            let adverb = w.len() > 4 && w.ends_with("ly") && !matches!(w, "only" | "early");
            // "was criticized" is a passive: its subject is no source.
            let be = matches!(w, "is" | "are" | "was" | "were" | "be" | "been" | "being");
            // ("is quick to point out", with a verb chain before the cue, is active.)
            if be && !self.lw(c).ends_with("ing") && !chained {
                break;
            }
            if is_cue_prefix(w)
                || adverb
                || matches!(w, "not" | "did" | "does" | "do")
                || w.ends_with("n't")
                || w == "cannot"
            {
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
        if d.is_punct(p, ")") {
            // "Sen. Marco Rubio (R-Fla.) said": the parenthesis stays in the source.
            let mut k = p;
            while k > lo && p - k < 8 && !d.is_punct(k, "(") {
                k -= 1;
            }
            if d.is_punct(k, "(") && k > lo {
                if let Some(np) = self.np_left(k - 1, lo) {
                    if d.cap(np.end - 1) {
                        return (Some(np.start..p + 1), cue_start);
                    }
                }
            }
            return (None, cue_start);
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
                let inner_punct = ["-", ".", "(", ")", "&", "'", "’", "/"]
                    .iter()
                    .any(|p| d.is_punct(k, p));
                if d.is_punct(k, ",") || d.kind(k) != Some(Kind::Word) && !inner_punct {
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
                    // "Carole Bower, 75, a retiree in Carthage, Ill., said": a name at the start
                    // of the sentence followed by several comma-separated descriptions.
                    if let Some(st) = self.chain_start(k, lo) {
                        return (Some(st..p), cue_start);
                    }
                    if let Some(np) = self.np_left(k - 1, lo) {
                        let before_ok = np.start == lo
                            || d.is_punct(np.start - 1, ",")
                            || d.kind(np.start - 1) == Some(Kind::Close)
                            || is_np_boundary(self.lw(np.start - 1));
                        if before_ok {
                            // A relative or participle clause is left out of the source
                            // ("Friedman, who is white, said"); a noun appositive stays in.
                            let clause = matches!(a, "who" | "whose" | "which")
                                || (!d.cap(k + 1) && (a.ends_with("ing") || a.ends_with("ed")));
                            let end = if clause { np.end } else { p };
                            return (Some(np.start..end), cue_start);
                        }
                    }
                }
            }
            return (None, cue_start);
        }
        (self.np_left(p, lo), cue_start)
    }

    /// With a comma at `k`, the start of a capitalised name that opens the sentence (or follows
    /// a quotation) and is followed by comma-separated descriptions up to `k`.
    fn chain_start(&self, k: usize, lo: usize) -> Option<usize> {
        let d = self.d;
        let mut end = k;
        for _ in 0..3 {
            let mut st = end;
            while st > lo && !d.is_punct(st - 1, ",") && end - st < 10 {
                let t = st - 1;
                let w = self.lw(t);
                let ok = if d.is_word(t) {
                    d.cap(t)
                        || d.tk.toks[t].digit
                        || matches!(w, "of" | "in" | "and" | "the" | "a" | "an" | "for" | "at")
                        || !(self.verbish(t) || is_np_boundary(w))
                } else {
                    ["-", ".", "'", "’", "&"].iter().any(|p| d.is_punct(t, p))
                };
                if !ok {
                    return None;
                }
                st -= 1;
            }
            if st == end {
                return None;
            }
            let opens = st == lo || d.kind(st - 1) == Some(Kind::Close) || d.is_punct(st - 1, ":");
            if opens {
                // The first segment is the name: capitalised words only.
                let mut e = st;
                while e < end && (d.cap(e) || !d.is_word(e)) {
                    e += 1;
                }
                return if e == end && d.cap(st) && !is_np_boundary(self.lw(st)) {
                    Some(st)
                } else {
                    None
                };
            }
            if !d.is_punct(st - 1, ",") {
                return None;
            }
            end = st - 1;
        }
        None
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
            if is_determiner(a)
                || matches!(a, "who" | "whose")
                || (d.cap(k + 1) && d.kind(k + 1) == Some(Kind::Word))
            {
                // Include the appositive to the end of the sentence, unless a quote follows.
                // A relative clause ends at its comma ("said Smith, who ..., long a ...").
                let relative = matches!(a, "who" | "whose");
                let mut e = k + 1;
                while e < hi
                    && d.kind(e) != Some(Kind::Open)
                    && !d.is_punct(e, ".")
                    && !(relative && d.is_punct(e, ","))
                {
                    e += 1;
                }
                if e >= hi || d.is_punct(e, ".") || (relative && d.is_punct(e, ",")) {
                    return Some(q..e);
                }
            }
        }
        Some(q..end)
    }

    /// The quotation opened at `q`, closing mark included, at most [`MAX_QUOTE`] tokens.
    fn quote_span(&self, q: usize) -> Option<Range<usize>> {
        let d = self.d;
        let e = *d.quote_end.get(q)?;
        if e == NONE {
            return None;
        }
        let end = if d.kind(e) == Some(Kind::Close) {
            e + 1
        } else {
            e
        };
        Some(q..end.min(q + MAX_QUOTE))
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
                while k < hi && k - q < 12 {
                    let wk = self.lw(k);
                    let wh = matches!(wk, "how" | "what" | "why" | "whether" | "where" | "when");
                    if wk == "that" || wh || d.kind(k) == Some(Kind::Open) || d.is_punct(k, ":") {
                        found = k;
                        break;
                    }
                    // "told supporters in Columbus, Ohio, that": commas inside names only.
                    if d.is_punct(k, ",") && !d.cap(k + 1) && self.lw(k + 1) != "that" {
                        break;
                    }
                    k += 1;
                }
                if found != NONE {
                    q = found;
                } else if is_determiner(w)
                    && q + 2 < hi
                    && !matches!(lemma, "accuse" | "thank" | "urge" | "ask" | "warn")
                {
                    // "told the council the budget was balanced".
                    q += 2;
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
        // "wrote in a Baltimore Sun op-ed that C", "said at a rally on Monday that C": an
        // adjunct before "that" is not content.
        if q < hi
            && matches!(
                self.lw(q),
                "in" | "at" | "on" | "during" | "after" | "before" | "to"
            )
        {
            let mut k = q + 1;
            while k < hi && k - q < 12 && d.is_word(k) && self.lw(k) != "that" && !self.verbish(k) {
                k += 1;
            }
            if k < hi && self.lw(k) == "that" {
                q = k;
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
        // "asked Carson about his relationship": the question, without "about".
        if lemma == "ask" && q + 1 < hi && self.lw(q) == "about" {
            q += 1;
        }
        if q >= hi {
            return None;
        }
        if d.kind(q) == Some(Kind::Open) {
            if let Some(qs) = self.quote_span(q) {
                let end = qs.end;
                // The quote may run over several sentences; it ends the content when the
                // sentence has nothing more after it.
                if end >= hi || d.sent_of[end.min(d.tk.toks.len() - 1)] != d.sent_of[q] {
                    return Some(qs);
                }
                let mut k = end;
                while k < s.toks.end && d.kind(k) == Some(Kind::Punct) {
                    k += 1;
                }
                if k >= s.toks.end {
                    return Some(qs);
                }
            }
        }
        let hi = hi.min(q + WINDOW);
        // Stop before a second attribution joined by ", adding" / ", saying".
        let mut k = q + 1;
        while k + 1 < hi {
            if d.is_punct(k, ",") && !d.in_quote[k] && !d.cap(k + 1) && d.is_word(k + 1) {
                let w = self.lw(k + 1);
                let participle = w.ends_with("ing") && self.lx.verb_forms.contains(w);
                if participle || is_clause_break(w) {
                    return Some(q..k);
                }
            }
            k += 1;
        }
        Some(q..hi)
    }

    /// Beliefs and accusations take an object, not a clause: "X supports Y, who ..." ends at
    /// the comma. Speech keeps its whole clause.
    fn object_cut(&self, c: Range<usize>, stance: Stance) -> Range<usize> {
        let d = self.d;
        if !matches!(
            stance,
            Stance::Believing
                | Stance::Accusing
                | Stance::Affirming
                | Stance::Denying
                | Stance::Predicting
        ) || d.kind(c.start) == Some(Kind::Open)
            || self.lw(c.start) == "that"
        {
            return c;
        }
        let mut k = c.start + 1;
        while k < c.end {
            if d.is_punct(k, ",") && !d.in_quote[k] {
                return c.start..k;
            }
            k += 1;
        }
        c
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
                // Text before the quotation in the same sentence belongs to the content too
                // ("But the benefit is ''10 times the losses,'' he said.").
                if o > s.toks.start && e - s.toks.start <= WINDOW {
                    return Some(s.toks.start..e);
                }
                return Some(o..e);
            }
        }
        if e <= s.toks.start {
            return None;
        }
        // Unbalanced or lead-in text: from the start of the sentence.
        let mut st = s.toks.start.max(e.saturating_sub(WINDOW));
        // A sentence that continues a quotation opened earlier: start at that mark.
        if d.in_quote[st] {
            let mut k = st;
            let floor = st.saturating_sub(WINDOW);
            while k > floor
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
        // Try the start of the sentence, then the start after a lead-in that ends with a
        // comma ("But a few days later, Trump reversed himself, telling ...").
        let mut starts = vec![s.toks.start];
        let mut k = s.toks.start;
        while k < before && k - s.toks.start <= WINDOW && starts.len() < 3 {
            if d.is_punct(k, ",") && !d.in_quote[k] {
                starts.push(k + 1);
            }
            k += 1;
        }
        for lo in starts {
            if let Some(np) = self.subject_at(lo, before) {
                return Some(np);
            }
        }
        None
    }

    fn subject_at(&self, lo: usize, before: usize) -> Option<Range<usize>> {
        let d = self.d;
        let mut lo = lo;
        while lo + 1 < before
            && d.is_word(lo)
            && (matches!(self.lw(lo), "but" | "and" | "yet" | "so")
                || is_sentence_adverb(self.lw(lo)))
        {
            lo += 1;
        }
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
        // "Sen. Mark Kirk, R-Ill., who ..., rescinded his endorsement, saying": a name
        // followed by an appositive.
        if k > lo
            && k < before
            && d.is_punct(k, ",")
            && (lo..k).all(|i| d.cap(i) || d.tk.toks[i].digit)
            && !is_preposition(self.lw(lo))
            && !is_np_boundary(self.lw(lo))
            && !is_sentence_adverb(self.lw(lo))
        {
            return Some(lo..k);
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
            CueKind::Verb
                if e.lemma.starts_with("ask")
                    && (c == lo || self.lw(c - 1) == "when")
                    && e.words[0] == "asked" =>
            {
                // "Asked about it, Trump said ..." / "when asked by a reporter if ...": the
                // question is the content; the one asking is rarely named.
                let mut q = ce;
                if self.lw(q) == "by" {
                    let mut k = q + 1;
                    while k < hi
                        && k - q <= MAX_SOURCE
                        && d.is_word(k)
                        && !matches!(
                            self.lw(k),
                            "if" | "whether" | "about" | "what" | "why" | "how" | "whom" | "who"
                        )
                    {
                        k += 1;
                    }
                    if k == q + 1 || k >= hi || !d.is_word(k) {
                        return None;
                    }
                    draft.source = Some(q + 1..k);
                    q = k;
                } else {
                    draft.sourceless = true;
                }
                let mut end = q;
                while end < hi && end - q < WINDOW && (!d.is_punct(end, ",") || d.in_quote[end]) {
                    end += 1;
                }
                if end == q {
                    return None;
                }
                draft.content.push(q..end);
            }
            CueKind::Verb if matches!(e.lemma.as_str(), "seem" | "appear") => {
                // "Sanders appears to be spending more": an impression without a source; the
                // content is the subject and what follows the cue.
                let (_, cue_start) = self.source_left(c, lo);
                draft.cue = cue_start..ce;
                if ce >= hi {
                    return None;
                }
                let np = if cue_start > lo {
                    self.np_left(cue_start - 1, lo)
                } else {
                    None
                };
                draft.sourceless = true;
                match np {
                    Some(np) if !(np.len() == 1 && self.lw(np.start) == "it") => {
                        draft.content.push(np);
                        draft
                            .content
                            .push(self.object_cut(ce..hi.min(ce + WINDOW), Stance::Believing));
                    }
                    Some(_) => draft.content.push(ce..hi.min(ce + WINDOW)),
                    None => return None,
                }
            }
            // "showed up", "called off": a phrasal verb that is no cue.
            CueKind::Verb if e.words.len() == 1 && matches!(self.lw(ce), "up" | "off") => {
                return None;
            }
            // "a group called Citizens for Trump", "a club known as ...": a participle naming a
            // thing, not a speaker calling it so.
            CueKind::Verb
                if c > lo
                    && matches!(
                        e.words[0].as_str(),
                        "called" | "known" | "dubbed" | "titled" | "labeled" | "named"
                    )
                    && d.is_word(c - 1)
                    && !d.cap(c - 1)
                    && !is_subject_pronoun(self.lw(c - 1))
                    && !is_cue_prefix(self.lw(c - 1))
                    && !self.lw(c - 1).ends_with("ly")
                    && (d.cap(ce) || d.kind(ce) == Some(Kind::Open) || self.lw(ce) == "as") =>
            {
                return None;
            }
            CueKind::Verb => {
                // "his claim", "the pastor's claims", "a call": a noun, not a verb.
                if c > lo {
                    let w = self.lw(c - 1);
                    let possessive = matches!(
                        w,
                        "his"
                            | "her"
                            | "its"
                            | "their"
                            | "my"
                            | "our"
                            | "your"
                            | "the"
                            | "a"
                            | "an"
                    ) || (d.is_word(c - 1)
                        && (w.ends_with("'s") || w.ends_with("s'")));
                    // "a strong showing", "a poor showing": a noun after an adjective.
                    let adjective = matches!(
                        w,
                        "strong"
                            | "poor"
                            | "weak"
                            | "good"
                            | "bad"
                            | "best"
                            | "worst"
                            | "solid"
                            | "disappointing"
                            | "dismal"
                            | "better"
                            | "impressive"
                            | "surprising"
                            | "late"
                            | "television"
                            | "talk"
                            | "reality"
                            | "morning"
                            | "radio"
                    );
                    if possessive || adjective {
                        return None;
                    }
                }
                let (src, cue_start) = self.source_left(c, lo);
                draft.cue = cue_start..ce;

                let before_cue = if cue_start > lo { cue_start - 1 } else { NONE };
                match src {
                    Some(src) => {
                        let b = if src.start > lo { src.start - 1 } else { NONE };
                        let left_content = b != NONE
                            && (d.is_punct(b, ",") || d.kind(b) == Some(Kind::Close))
                            && !(d.is_punct(b, ",") && b == lo)
                            && self.content_is_left(b, ce, s);
                        if left_content {
                            let c1 = self.content_left(b + 1, s)?;
                            let quoted = d.kind(c1.start) == Some(Kind::Open);
                            draft.content.push(c1);
                            if let Some(c2) = self.second_part(ce, s, quoted) {
                                draft.content.push(c2);
                            }
                        } else if src.start == lo
                            && lo > 0
                            && d.kind(lo - 1) == Some(Kind::Close)
                            && d.tk.toks[lo - 1].line == s.line
                            && self.rest_is_empty(ce, s)
                        {
                            // "“... missing.” Trump said." The quote closed the sentence
                            // before.
                            let o = d.quote_start[lo - 1];
                            if o == NONE || d.tk.toks[o].line != s.line {
                                return None;
                            }
                            draft.content.push(o..lo);
                            draft.sents.start = d.sent_of[o];
                        } else {
                            let c1 = self.content_right(ce, s, &e.lemma)?;
                            if self.lw(c1.start) == "to"
                                && is_catenative(self.lw(c))
                                && self.lx.verb_forms.contains(self.lw(c1.start + 1))
                            {
                                // "refused to say C": the chain is built at "say".
                                return None;
                            }
                            // In a relative clause ("X, who spoke on condition ..., said") the
                            // content ends with the clause.
                            let relative = src.len() == 1
                                && matches!(self.lw(src.start), "who" | "which" | "that");
                            let c1 = if relative {
                                self.object_cut(c1, Stance::Believing)
                            } else {
                                self.object_cut(c1, e.stance)
                            };
                            draft.content.push(c1);
                        }
                        draft.source = Some(src);
                    }
                    None if ce + 1 < hi
                        && self.lw(ce) == "by"
                        && self.passive_start(cue_start, lo) != NONE =>
                    {
                        // "The meeting was first reported by Politico."
                        let be = self.passive_start(cue_start, lo);
                        let src = self.source_right(ce + 1, hi, false)?;
                        let content = if be > lo {
                            self.np_left(be - 1, lo)
                        } else {
                            None
                        }?;
                        draft.cue = be..ce;
                        draft.content.push(content);
                        draft.source = Some(src);
                    }
                    None => {
                        let inverted = before_cue != NONE
                            && cue_start == c
                            && (d.is_punct(before_cue, ",")
                                || d.kind(before_cue) == Some(Kind::Close))
                            && !e.words[0].ends_with("ing");
                        if inverted {
                            // "C, said X." / "“C,” said X, “C2.”"
                            let c1 = self.content_left(cue_start, s)?;
                            let quoted = d.kind(c1.start) == Some(Kind::Open);
                            // After a quotation anything but another quotation describes the
                            // speaker ("said Faiza Patel, co-director of the program.").
                            let mut src = self.source_right(ce, hi, true)?;
                            if quoted
                                && src.end + 1 < hi
                                && hi - src.end < WINDOW
                                && d.is_punct(src.end, ",")
                            {
                                let rest = src.end + 1..hi;
                                let w = self.lw(rest.start);
                                if rest.clone().all(|t| d.kind(t) != Some(Kind::Open))
                                    && !self.verbish(rest.start)
                                    && !is_np_boundary(w)
                                    && !is_preposition(w)
                                {
                                    src = src.start..hi;
                                }
                            }
                            draft.content.push(c1);
                            if let Some(c2) = self.second_part(src.end, s, quoted) {
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
                            let c1 = self.object_cut(c1, e.stance);
                            draft.content.push(c1);
                            draft.source = Some(src);
                        } else {
                            return None;
                        }
                    }
                }
            }
            CueKind::Prep => {
                // "according to X": the source runs to the next comma.
                let mut k = ce;
                while k < hi
                    && k - ce <= 2 * MAX_SOURCE
                    && !d.is_punct(k, ",")
                    && d.kind(k) != Some(Kind::Open)
                {
                    k += 1;
                }
                if k == ce || k - ce > 2 * MAX_SOURCE {
                    return None;
                }
                let src = ce..k;
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
                    let quoted = d.kind(c1.start) == Some(Kind::Open);
                    draft.content.push(c1);
                    if let Some(c2) = self.second_part(src.end, s, quoted) {
                        draft.content.push(c2);
                    }
                }
                draft.source = Some(src);
            }
            CueKind::Noun => {
                if c == lo {
                    return None;
                }
                // "his statement on Wednesday that C", "her criticism of X".
                let mut q = ce;
                while q < hi
                    && q - ce < 4
                    && self.lw(q) != "that"
                    && d.is_word(q)
                    && !self.verbish(q)
                {
                    q += 1;
                }
                let content = if q < hi && self.lw(q) == "that" && q + 1 < hi {
                    q..hi
                } else if ce + 1 < hi && self.lw(ce) == "of" {
                    self.object_cut(ce + 1..hi.min(ce + 1 + WINDOW), Stance::Believing)
                } else {
                    return None;
                };
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
                draft.content.push(content);
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
                } else if c > lo
                    && (ce >= hi
                        || self.lw(ce) == "to"
                        || e.words.last().is_some_and(|w| w == "as"))
                {
                    // "she is expected to move", "the process is seen as one way ...": the
                    // subject and what follows are the content.
                    let p = c - 1;
                    let np = if d.is_word(p) && is_subject_pronoun(self.lw(p)) {
                        p..p + 1
                    } else {
                        self.np_left(p, lo)?
                    };
                    draft.sourceless = true;
                    draft.content.push(np);
                    if ce < hi {
                        draft
                            .content
                            .push(self.object_cut(ce..hi.min(ce + WINDOW), Stance::Believing));
                    }
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

    /// With a comma or closing quote at `b` before the source and the cue ending at `ce`:
    /// is the content the text before (`C, X said`), or is that a lead-in ("In a statement,
    /// X said C")?
    fn content_is_left(&self, b: usize, ce: usize, s: &Sentence) -> bool {
        let d = self.d;
        let hi = self.trimmed_end(s);
        if d.kind(b) == Some(Kind::Close) || (b > 0 && d.kind(b - 1) == Some(Kind::Close)) {
            return true;
        }
        let mut q = ce;
        while q < hi && is_weekday(self.lw(q)) {
            q += 1;
        }
        let lo = s.toks.start;
        if q >= hi {
            return true;
        }
        if d.is_punct(q, ",") {
            // "Still, Mr. Devine acknowledged, “...”": a one-word lead-in is no content.
            return !(b - lo <= 2 && q + 1 < hi && d.kind(q + 1) == Some(Kind::Open));
        }
        if self.lw(q) == "that" || d.kind(q) == Some(Kind::Open) || d.is_punct(q, ":") {
            return false;
        }
        let first = self.lw(lo);
        let lead_in = is_preposition(first)
            || is_sentence_adverb(first)
            || self.lx.verb_forms.contains(first)
            || (first.len() > 4 && (first.ends_with("ing") || first.ends_with("ed")))
            || matches!(
                first,
                "during"
                    | "after"
                    | "before"
                    | "speaking"
                    | "asked"
                    | "last"
                    | "but"
                    | "and"
                    | "as"
                    | "when"
                    | "while"
                    | "since"
                    | "if"
                    | "although"
                    | "though"
                    | "because"
                    | "separately"
                    | "similarly"
                    | "without"
                    | "at"
            );
        !(lead_in || b - lo <= 4)
    }

    /// After "C1, X said" (ending at `q`): ", C2" to the end of the sentence, or a quotation.
    fn second_part(&self, q: usize, s: &Sentence, quoted: bool) -> Option<Range<usize>> {
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
        if self.lx.verb_forms.contains(w)
            || is_clause_break(w)
            || is_preposition(w)
            || matches!(w, "adding" | "saying" | "referring")
        {
            return None;
        }
        if quoted && d.kind(q) != Some(Kind::Open) {
            return None;
        }
        if d.kind(q) == Some(Kind::Open) {
            if let Some(qs) = self.quote_span(q) {
                return Some(qs);
            }
        }
        Some(q..hi.min(q + WINDOW))
    }

    /// Start of "was (first) reported" before the cue at `c`, or NONE when no form of "be" is
    /// there.
    fn passive_start(&self, c: usize, lo: usize) -> usize {
        let mut k = c;
        while k > lo && k + 3 > c {
            let w = self.lw(k - 1);
            if matches!(w, "is" | "are" | "was" | "were" | "been" | "be") {
                let mut b = k - 1;
                while b > lo && matches!(self.lw(b - 1), "has" | "have" | "had" | "will" | "would")
                {
                    b -= 1;
                }
                return b;
            }
            if !(w.ends_with("ly") || matches!(w, "first" | "also" | "later" | "since")) {
                break;
            }
            k -= 1;
        }
        NONE
    }

    /// Nothing but time words and punctuation after `q` in sentence `s`.
    fn rest_is_empty(&self, q: usize, s: &Sentence) -> bool {
        let hi = self.trimmed_end(s);
        (q..hi).all(|k| !self.d.is_word(k) || is_weekday(self.lw(k)))
    }

    /// If the cue at `k` opens a coordinated clause ("but he said", "and said", "; she
    /// added"), the token where that clause starts.
    fn coordinated(&self, k: usize, lo: usize) -> Option<usize> {
        let d = self.d;
        let (src, cue_start) = self.source_left(k, lo);
        let at = match &src {
            Some(r) => r.start,
            None => cue_start,
        };
        if at <= lo {
            return None;
        }
        let b = at - 1;
        let conj = matches!(self.lw(b), "but" | "and" | "while" | "whereas" | "yet");
        if conj || d.is_punct(b, ";") {
            return Some(b);
        }
        // A parenthetical or closing "..., he said," / "..., the senator said." is the main
        // attribution of the sentence, not reported speech inside another content.
        if src.is_some() && (d.is_punct(b, ",") || d.kind(b) == Some(Kind::Close)) {
            let mut q = k + 1;
            while d.is_word(q) && self.lx.by_first.contains_key(self.lw(q)) && q < k + 3 {
                q += 1;
            }
            let hi = self.trimmed_end(&d.sents[d.sent_of[k]]);
            if q >= hi || d.is_punct(q, ",") {
                return Some(b);
            }
        }
        None
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
            // Reported speech inside the content of an earlier cue ("X said he wants Y") is
            // part of that content: PolNeAR does not annotate it separately.
            let mut inside: Range<usize> = 0..0;
            while k < s.toks.end {
                if d.in_quote[k] || !d.is_word(k) {
                    k += 1;
                    continue;
                }
                // A coordinated clause ("..., but he said C", "... and said C") is a new
                // attribution even inside an earlier content; that content ends before it.
                let mut cut = NONE;
                if inside.contains(&k) {
                    match self.coordinated(k, s.toks.start) {
                        Some(at) => cut = at,
                        None => {
                            k += 1;
                            continue;
                        }
                    }
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
                    let title = d.title_lines.get(s.line as usize).copied().unwrap_or(false);
                    if d.cap(k) && k != s.toks.start && !title {
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
                        if cut != NONE {
                            if let Some(prev) = out.last_mut() {
                                let mut end = cut;
                                while end > 0
                                    && (d.is_punct(end - 1, ",") || d.is_punct(end - 1, ";"))
                                {
                                    end -= 1;
                                }
                                if let Some(c) = prev.content.first_mut() {
                                    if c.start < end && end < c.end {
                                        c.end = end;
                                    }
                                }
                            }
                        }
                        if let Some(c) = dr.content.first() {
                            if c.start >= k + n {
                                let stop = c.clone().find(|&t| {
                                    (d.is_punct(t, ":") || d.is_punct(t, ";")) && !d.in_quote[t]
                                });
                                inside = c.start..stop.unwrap_or(c.end);
                            }
                        }
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
            // Only punctuation, or a short addressee or time ("Nega told me.", "he told CNN
            // on Monday."), may follow.
            let rest = last_tok..last_sent.toks.end;
            if rest.len() > 8 || rest.clone().any(|k| d.kind(k) == Some(Kind::Open)) {
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
                    let e = d.quote_end[q];
                    if e == NONE || e >= d.tk.toks.len() {
                        break;
                    }
                    let mut k = e + 1;
                    while k < d.tk.toks.len()
                        && d.tk.toks[k].line == s.line
                        && d.kind(k) == Some(Kind::Punct)
                    {
                        k += 1;
                    }
                    if k < d.tk.toks.len() && d.tk.toks[k].line == s.line {
                        break;
                    }
                    lines_used += 1;
                }
                let Some(qs) = self.quote_span(q) else {
                    break;
                };
                let end = qs.end;
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
