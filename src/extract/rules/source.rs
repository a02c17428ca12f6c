//! Sources: the noun phrase that names who speaks, left of a cue ("The ministry said"), right
//! of it ("..., said Anna Berg, a spokeswoman"), or the subject of the sentence ("Berg
//! tweeted, saying ...").

use super::{Rules, MAX_APPOSITIVE, MAX_SOURCE, WINDOW};
use crate::extract::doc::NONE;
use crate::extract::token::{Kind, Sentence};
use crate::extract::words::W;
use std::ops::Range;

impl Rules<'_, '_> {
    /// Walks left from `j` (inclusive) over a noun phrase; `lo` is the first token allowed.
    /// Takes in a coordination that opens its clause ("Bush and his rivals", "he and his
    /// lawyer") and a quantity's lead ("about 4 in 10", "more than half of voters").
    pub(super) fn np_left(&self, j: usize, lo: usize) -> Option<Range<usize>> {
        let r = self.np_one(j, lo)?;
        let r = self.quantity_lead(r, lo);
        Some(self.coordination(r.clone(), lo).unwrap_or(r))
    }

    /// "about 4 in 10", "only a third of voters", "more than half", "at least 20 people",
    /// "a full 79 percent", "not everyone": a lead before a quantity is part of the phrase.
    fn quantity_lead(&self, r: Range<usize>, lo: usize) -> Range<usize> {
        let d = self.d;
        // "At least 20 people": the walk stops at "least" (a sentence-opening "At" is left
        // out as a preposition).
        if r.len() > 1
            && r.start > lo
            && self.lw(r.start) == "least"
            && self.lw(r.start - 1) == "at"
        {
            return self.quantity_lead(r.start + 1..r.end, lo);
        }
        let quantity = d.digit(r.start)
            || self.is(r.start, W::NumberWord)
            || matches!(
                self.lw(r.start),
                "half"
                    | "a"
                    | "most"
                    | "many"
                    | "everyone"
                    | "all"
                    | "one"
                    | "two"
                    | "three"
                    | "four"
                    | "five"
                    | "six"
                    | "seven"
                    | "eight"
                    | "nine"
                    | "ten"
                    | "dozens"
                    | "hundreds"
                    | "thousands"
            );
        if !quantity {
            return r;
        }
        let mut s = r.start;
        loop {
            if s <= lo || !d.is_word(s - 1) {
                break;
            }
            let w = self.lw(s - 1);
            if matches!(
                w,
                "about" | "nearly" | "almost" | "roughly" | "only" | "not"
            ) {
                s -= 1;
            } else if s >= lo + 2
                && ((w == "than" && matches!(self.lw(s - 2), "more" | "fewer" | "less"))
                    || (w == "least" && self.lw(s - 2) == "at")
                    || (w == "full" && self.lw(s - 2) == "a"))
            {
                s -= 2;
            } else {
                break;
            }
        }
        s..r.end
    }

    /// "Bush and his rivals said", "Neither Cruz nor Christie said": the phrase `r` after
    /// "and" or "nor" with the conjunct before it, when that conjunct opens its clause (the
    /// sentence, or after a comma, colon or quotation), so "Prices fell and the union said"
    /// keeps "the union".
    fn coordination(&self, r: Range<usize>, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        let a = r.start.checked_sub(1)?;
        if a <= lo || !d.is_word(a) || d.cap(a) || !matches!(self.lw(a), "and" | "nor") {
            return None;
        }
        let p = a - 1;
        let left = if d.is_word(p) && self.is(p, W::SubjectPronoun) {
            p..p + 1
        } else {
            let l = self.np_one(p, lo)?;
            // A name, or a short phrase opened by a determiner ("his rivals", "the
            // mayor"): a lower-case word after three is more likely a clause ("The port
            // cut jobs and ...").
            let short = l.len() <= 3
                && (self.is(l.start, W::Determiner)
                    || matches!(
                        self.lw(l.start),
                        "his" | "her" | "its" | "their" | "our" | "my"
                    ));
            // "Cyber security experts and state officials": plural nouns on both sides.
            let plural = |i: usize| {
                let w = self.lw(i);
                d.is_word(i)
                    && w.len() > 3
                    && w.ends_with('s')
                    && !w.ends_with("ss")
                    && !self.verbish(i)
            };
            let plurals = l.len() <= 3
                && plural(p)
                && plural(r.end - 1)
                && (l.start..=p).all(|i| d.is_word(i) && !self.is(i, W::NpBoundary));
            if l.end != p + 1 || !(d.cap(p) || short || plurals) {
                return None;
            }
            self.quantity_lead(l, lo)
        };
        if left.len() + r.len() + 1 > 2 * MAX_SOURCE {
            return None;
        }
        let mut st = left.start;
        // "Both X and Y", "Neither X nor Y": the pair word belongs to the phrase.
        if st > lo && matches!(self.lw(st - 1), "both" | "neither" | "either") {
            st -= 1;
        }
        if self.lw(a) == "nor" && self.lw(st) != "neither" {
            return None;
        }
        let opens = st == lo || {
            let b = st - 1;
            d.is_punct(b, ",")
                || d.is_punct(b, ":")
                || d.kind(b) == Some(Kind::Close)
                || (b == lo && d.cap(b) && self.is(b, W::NpBoundary))
        };
        opens.then_some(st..r.end)
    }

    /// [`Rules::np_left`] without coordination and quantity leads.
    fn np_one(&self, j: usize, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        if j == NONE || j < lo {
            return None;
        }
        let mut k = j;
        let mut start = NONE;
        let mut n = 0;
        loop {
            if !d.is_word(k) {
                // "Sanders’ aides": a possessive apostrophe after a name in "s".
                let possessive = (d.is_punct(k, "’") || d.is_punct(k, "'"))
                    && k > lo
                    && d.cap(k - 1)
                    && self.lw(k - 1).ends_with('s');
                // "42% say": a per cent sign after a number heads the phrase like "percent".
                let per_cent = k == j && k > lo && self.per_cent(k);
                if per_cent
                    || (d.is_punct(k, "&")
                        || d.is_punct(k, "/")
                        || d.is_punct(k, "%")
                        || possessive)
                        && start != NONE
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
                } else if k == j && k > lo && w.ends_with("ed") && self.is(k - 1, W::SurveyedGroup)
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
                    && k < j
                    && k > lo
                    && w.len() > 5
                    && w.ends_with("ed")
                    && start == k + 1
                    && ((!d.cap(k + 1)
                        && (d.cap(k - 1) && d.is_word(k - 1) && !self.is(k - 1, W::NpBoundary)
                            || matches!(self.lw(k - 1), "of" | "among")))
                        || d.kind(k - 1) == Some(Kind::Close)
                        || d.is_punct(k - 1, ","))
                {
                    // "Democratic registered voters", "percent of registered voters", and
                    // after a quotation "“C,” retired navy captain Lena Berg said": an
                    // adjective.
                    start = k;
                } else if !cap
                    && w == "to"
                    && k < j
                    && k > lo
                    && start == k + 1
                    && self.is(k - 1, W::NpToHead)
                {
                    // "Aides to the mayor", "sources close to her campaign".
                    start = k;
                } else if !cap
                    && k < j
                    && k > lo
                    && w.len() > 5
                    && w.ends_with("ing")
                    && (self.is(k - 1, W::Determiner)
                        || (d.is_word(k - 1) && self.lw(k - 1).ends_with("'s")))
                {
                    // "the airport's managing director": an adjective.
                    start = k;
                } else if !cap
                    && (self.is(k, W::NpBoundary)
                        || (self.verbish(k) && !self.noun_after_determiner(k, lo))
                        || (w.len() > 5 && w.ends_with("ing"))
                        || w.ends_with("n't"))
                {
                    break;
                } else if cap
                    && (n > 0 || self.is(k, W::NpBoundary))
                    && (self.is(k, W::NpBoundary) || self.is(k, W::SentenceAdverb))
                    && !matches!(w, "i" | "us" | "it" | "me" | "him" | "them")
                {
                    // A capitalised clause opener ("But", "When") at sentence start.
                    break;
                } else {
                    start = k;
                    // "the two camps", "all the delegates", "All three candidates": a
                    // determiner after another one goes on.
                    let chain = k > lo
                        && d.is_word(k - 1)
                        && self.is(k - 1, W::Determiner)
                        && (self.is(k, W::NumberWord)
                            || matches!(
                                self.lw(k),
                                "two"
                                    | "three"
                                    | "one"
                                    | "the"
                                    | "his"
                                    | "her"
                                    | "their"
                                    | "its"
                                    | "these"
                                    | "those"
                            ))
                        && matches!(
                            self.lw(k - 1),
                            "the"
                                | "all"
                                | "both"
                                | "these"
                                | "those"
                                | "his"
                                | "her"
                                | "their"
                                | "its"
                                | "our"
                                | "my"
                        );
                    let to_head =
                        k > lo + 1 && self.lw(k - 1) == "to" && self.is(k - 2, W::NpToHead);
                    if self.is(k, W::Determiner)
                        && k > lo
                        && !chain
                        && !to_head
                        && !matches!(
                            self.lw(k - 1),
                            "of" | "for"
                                | "with"
                                | "from"
                                | "at"
                                | "among"
                                | "in"
                                | "by"
                                | "within"
                                | "on"
                        )
                    {
                        break;
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
        while s <= j && (self.is(s, W::Preposition) || self.is(s, W::SentenceAdverb)) {
            s += 1;
        }
        if s > j {
            return None;
        }
        // Need a content word: not only determiners or numbers.
        // "Some said", "Many say": a quantifier standing alone is the source.
        if s == j && self.is(s, W::LoneQuantifier) {
            return Some(s..j + 1);
        }
        // "Two in three said", "4 in 10 said": a share of those asked.
        let number = |i: usize| d.digit(i) || self.is(i, W::Determiner);
        if j >= s + 2 && self.lw(j - 1) == "in" && number(j) && number(j - 2) {
            return Some(s..j + 1);
        }
        let has_head = (s..=j).any(|i| {
            (i > s && self.per_cent(i))
                || d.is_word(i)
                    && !d.digit(i)
                    && !self.is(i, W::Determiner)
                    && !self.is(i, W::Preposition)
                    && !self.is(i, W::NumberWord)
        });
        if !has_head {
            return None;
        }
        // A bare capitalised opener like "However" or a weekday is no speaker.
        if s == j && (self.is(s, W::Day) || matches!(self.lw(s), "however" | "meanwhile")) {
            return None;
        }
        Some(s..j + 1)
    }

    /// The source left of a cue that starts at `c`. Returns the source and where the cue
    /// span starts (it absorbs "has", "also" and similar).
    pub(super) fn source_left(&self, c: usize, lo: usize) -> (Option<Range<usize>>, usize) {
        let (src, cue_start) = self.source_left_of(c, lo);
        (
            src.map(|r| self.relative_subject(r.clone(), lo).unwrap_or(r)),
            cue_start,
        )
    }

    /// "Residents who live near the pier say": a source found inside a relative clause
    /// ("the pier") that opens the sentence after its head noun is the head noun with the
    /// clause. `None` when `r` is not in such a clause.
    fn relative_subject(&self, r: Range<usize>, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        // "A man who left and who said": the second relative pronoun is the source.
        if matches!(self.lw(r.start), "who" | "which" | "that") {
            return None;
        }
        let who = (lo + 1..r.start)
            .rev()
            .take(10)
            .take_while(|&k| d.is_word(k) && !d.in_quote(k))
            .find(|&k| self.lw(k) == "who")?;
        // "Those who back the plan say": "those" is a head of its own.
        let head = self
            .np_left(who - 1, lo)
            .or_else(|| (self.lw(who - 1) == "those").then(|| who - 1..who))?;
        // The head opens the sentence, or follows "but" / "and" there.
        let opens = head.start == lo
            || (head.start == lo + 1 && matches!(self.lw(lo), "but" | "and" | "yet" | "so"));
        (head.end == who && opens && !d.cap(who)).then_some(head.start..r.end)
    }

    /// [`Self::source_left`] before a relative clause that opens the sentence is taken in.
    fn source_left_of(&self, c: usize, lo: usize) -> (Option<Range<usize>>, usize) {
        let d = self.d;
        let mut cue_start = c;
        let mut j = c;
        let mut chained = false;
        let mut time: Option<Range<usize>> = None;
        // The weekday skipped before the cue, if any: a time phrase after a participle.
        let mut day: Option<Range<usize>> = None;
        // Absorb auxiliaries and adverbs into the cue; skip fillers and time words.
        while j > lo {
            let t = j - 1;
            let w = self.lw(t);
            if !d.is_word(t) || d.cap(t) && !self.is(t, W::Day) {
                break;
            }
            // "went on to say", "refused to endorse", "is quick to point out": the verb chain
            // is one cue.
            if w == "to" && j >= lo + 2 && self.is(j - 2, W::Catenative) && !d.cap(j - 2) {
                j -= 2;
                cue_start = j;
                chained = true;
                continue;
            }
            // "avoids condemning", "kept praising": a verb taking the "-ing" cue joins it.
            if j == c && self.lw(c).ends_with("ing") && self.is(t, W::GerundCatenative) && !d.cap(t)
            {
                j = t;
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
            if self.is(t, W::CuePrefix)
                || adverb
                || matches!(w, "not" | "did" | "does" | "do")
                || w.ends_with("n't")
                || w == "cannot"
            {
                if cue_start == j {
                    cue_start = t;
                }
                j = t;
            } else if self.is(t, W::SourceCueFiller) || self.weekday(t) {
                if self.weekday(t) && day.is_none() {
                    day = Some(t..j);
                }
                j = t;
                if j > lo && self.weekday(t) && self.lw(j - 1) == "on" {
                    j -= 1;
                    if let Some(tm) = day.as_mut() {
                        tm.start = j;
                    }
                }
            } else if let Some(ts) = self.time_phrase_end_at(t, lo) {
                // "A poll released last week found", "The party this week announced": a
                // time phrase between the source and the cue.
                time = Some(ts..j);
                j = ts;
            } else {
                break;
            }
        }
        // Weekday right before the cue ("Trump on Tuesday said").
        if j > lo && d.cap(j - 1) && self.weekday(j - 1) {
            j -= 1;
            if j > lo && self.lw(j - 1) == "on" {
                j -= 1;
            }
        }
        if j <= lo {
            return (None, cue_start);
        }
        let p = j - 1;
        // "The mayor ended the meeting by saying C": the speaker is the clause's subject,
        // not the phrase before "by".
        if self.by_participle(c, p) && cue_start == c {
            return (None, cue_start);
        }
        if d.is_word(p) && self.is(p, W::SubjectPronoun) {
            return (Some(p..p + 1), cue_start);
        }
        // "We’ve seen": the pronoun and its clitic.
        if p > lo
            && d.is_word(p)
            && matches!(self.lw(p), "'ve" | "'re" | "'ll" | "'d")
            && self.is(p - 1, W::SubjectPronoun)
        {
            return (Some(p - 1..p + 1), cue_start);
        }
        if d.is_punct(p, ")") {
            // "Sen. Marco Rubio (R-Fla.) said": the parenthesis stays in the source.
            return (self.paren_name(p, lo), cue_start);
        }
        if self.is_dash(p) {
            return (self.dashed_source(p, lo), cue_start);
        }
        if d.is_punct(p, ",") {
            // "C, engineers said, adding D": a participle after the verb of a clause has that
            // clause's speaker, no source of its own.
            if p > lo && self.participle_after(c, p) && d.is_word(p - 1) && self.verbish(p - 1) {
                return (None, cue_start);
            }
            // "Gov. Ada Moss (R-Ore.), said": a name and its bracket before the comma.
            if p > lo && d.is_punct(p - 1, ")") {
                if let Some(r) = self.paren_name(p - 1, lo) {
                    return (Some(r), cue_start);
                }
            }
            // "Democrats, meanwhile, blasted ...": an adverb set off by commas stands between
            // the source and its cue.
            if p >= lo + 3
                && d.is_punct(p - 2, ",")
                && d.is_word(p - 1)
                && !d.cap(p - 1)
                && self.is(p - 1, W::SentenceAdverb)
            {
                return (self.np_left(p - 3, lo), cue_start);
            }
            return (self.appositive_source(p, lo), cue_start);
        }
        // "A person familiar with the planning says": the phrase after "familiar with"
        // belongs to the source.
        if let Some(r) = self.postmodified_source(p, lo) {
            return (Some(r), cue_start);
        }
        let np = self
            .np_left(p, lo)
            .map(|r| self.lead_in_cut(r, lo))
            .or_else(|| self.share_of_them(p, lo))
            .or_else(|| self.bare_count(p, lo));
        let common = |k: usize| d.is_word(k) && !d.cap(k);
        // "A poll released last week": the participle before the time goes with it.
        let w = self.lw(p);
        let participle = common(p) && p > lo && ((w.len() > 4 && w.ends_with("ed")) || w == "out");
        // "A report published Wednesday said": after a participle, a weekday is such a time
        // phrase too (not after a noun: "The party on Tuesday said" leaves it out).
        let time = time.or(day.filter(|_| participle));
        let Some(tm) = time else {
            return (np, cue_start);
        };
        // After a common noun the time phrase belongs to the source ("A poll released last
        // week", "A Harbour Institute poll this month"); after a name it does not ("The
        // Harbour Board this week announced").
        let before = if participle {
            self.np_left(p - 1, lo)
                .filter(|r| r.end == p && common(p - 1))
        } else {
            np.clone().filter(|r| r.end == tm.start && common(p))
        };
        match before {
            Some(r) => (Some(r.start..tm.end), cue_start),
            // No phrase before it: as without the rule (the time phrase is the source).
            None if np.is_none() || participle => (self.np_left(tm.end - 1, lo), cue_start),
            None => (np, cue_start),
        }
    }

    /// "The note says", "a statement said": a verb form right after an article or a
    /// possessive is a noun.
    fn noun_after_determiner(&self, k: usize, lo: usize) -> bool {
        k > lo
            && !self.is(k, W::NpBoundary)
            && !self.lw(k).ends_with("ed")
            && self.article_or_possessive(k - 1)
    }

    /// "most of them", "two of us", "half of those": a share of a group named before, ending
    /// at `p`.
    fn share_of_them(&self, p: usize, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        if p < lo + 2 || !matches!(self.lw(p), "them" | "us" | "those") || self.lw(p - 1) != "of" {
            return None;
        }
        let q = p - 2;
        let share = self.is(q, W::LoneQuantifier)
            || self.is(q, W::NumberWord)
            || d.digit(q)
            || matches!(self.lw(q), "half" | "each" | "either" | "neither" | "one");
        (d.is_word(q) && share).then(|| self.quantity_lead(q..p + 1, lo))
    }

    /// "..., 43 said the same": a bare count after a comma or at the sentence start (not a
    /// year) stands for as many people.
    fn bare_count(&self, p: usize, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        let w = self.lw(p);
        let year = w.len() == 4 && (w.starts_with("19") || w.starts_with("20"));
        let opens = p == lo || d.is_punct(p - 1, ",");
        (d.digit(p) && !year && opens).then_some(p..p + 1)
    }

    /// "A person familiar with the planning for the meeting", "officials close to the
    /// talks", "people with knowledge of the talks", "a copy of the memo seen by reporters":
    /// a noun phrase, "familiar with", "close to", "briefed on", "with (no, direct) knowledge"
    /// or a past participle and "by", and the phrase
    /// that ends at `p` (no clause word or punctuation in it but an apostrophe), as one
    /// source.
    fn postmodified_source(&self, p: usize, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        let mut k = p;
        while k > lo + 1 && p - k < 12 {
            let pair = (self.lw(k - 1), self.lw(k));
            if matches!(
                pair,
                ("familiar", "with")
                    | ("close", "to")
                    | ("briefed", "on")
                    | ("with", "knowledge" | "no" | "direct")
            ) || (pair.1 == "by" && self.passive_participle(k - 1))
            {
                let head = self.np_left(k - 2, lo)?;
                return (head.end == k - 1).then_some(head.start..p + 1);
            }
            let apostrophe = d.is_punct(k, "’") || d.is_punct(k, "'");
            // "a source close to him": an object pronoun may end the phrase.
            let pronoun = k == p && self.is(k, W::ObjectPronoun);
            if !(d.is_word(k) || apostrophe) || (self.is(k, W::NpBoundary) && !pronoun) {
                return None;
            }
            k -= 1;
        }
        None
    }

    /// Token `k` (after the first token, `k > 0`) is a per cent sign after a number: "42%".
    fn per_cent(&self, k: usize) -> bool {
        self.d.is_punct(k, "%") && self.d.digit(k - 1)
    }

    /// Token `k` is a lower-case past participle ("seen", "released", "written"), as in a
    /// phrase "the memo seen by reporters".
    pub(super) fn passive_participle(&self, k: usize) -> bool {
        let d = self.d;
        let w = self.lw(k);
        d.is_word(k)
            && !d.cap(k)
            && ((w.len() > 4 && w.ends_with("ed"))
                || matches!(
                    w,
                    "seen" | "known" | "written" | "given" | "taken" | "held" | "made" | "shown"
                ))
    }

    /// A word of class `day` other than "today": "The party today said", "said USA Today"
    /// keep "today" in the source (PolNeAR always does), "Lee on Tuesday said" leaves the
    /// weekday out.
    fn weekday(&self, k: usize) -> bool {
        self.is(k, W::Day) && self.lw(k) != "today"
    }

    /// The start of a time phrase "this week", "last month", "earlier this year", "the past
    /// week" that ends at token `t` (not before `lo`).
    fn time_phrase_end_at(&self, t: usize, lo: usize) -> Option<usize> {
        let d = self.d;
        // "who in 2010 said": a year after a relative pronoun ("an aide in 2009 said"
        // keeps it in the source).
        let w = self.lw(t);
        let year = w.len() == 4 && d.digit(t) && (w.starts_with("19") || w.starts_with("20"));
        if year
            && t >= lo + 2
            && self.lw(t - 1) == "in"
            && matches!(self.lw(t - 2), "who" | "which" | "that")
        {
            return Some(t - 1);
        }
        let part_of_day = matches!(self.lw(t), "morning" | "afternoon" | "evening" | "night");
        // "on Monday evening", "Tuesday night": a weekday and a part of it.
        if part_of_day && t > lo + 1 && d.cap(t - 1) && self.weekday(t - 1) {
            let st = t - 1;
            return Some(if st > lo + 1 && self.lw(st - 1) == "on" {
                st - 1
            } else {
                st
            });
        }
        let unit = part_of_day
            || matches!(
                self.lw(t),
                "week" | "month" | "year" | "weekend" | "spring" | "summer" | "fall" | "winter"
            );
        if !unit || t <= lo + 1 || !d.is_word(t - 1) || d.cap(t - 1) {
            return None;
        }
        let mut st = t - 1;
        if !matches!(self.lw(st), "this" | "last" | "next" | "past") {
            return None;
        }
        // "this past week", "the past week", "earlier this year", "late last month".
        if st > lo + 1
            && d.is_word(st - 1)
            && !d.cap(st - 1)
            && matches!(
                (self.lw(st - 1), self.lw(st)),
                ("this" | "the", "past") | ("earlier" | "later" | "late" | "early", _)
            )
        {
            st -= 1;
        }
        Some(st)
    }

    /// "Sen. Ada Moss (D-Ore.)" with the closing bracket at `p`: a name and a short bracket
    /// after it.
    fn paren_name(&self, p: usize, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        let mut k = p;
        while k > lo && p - k < 8 && !d.is_punct(k, "(") {
            k -= 1;
        }
        if d.is_punct(k, "(") && k > lo {
            let np = self.np_left(k - 1, lo)?;
            if d.cap(np.end - 1) {
                return Some(np.start..p + 1);
            }
        }
        None
    }

    /// The cue at `k` is an "-ing" form after "by" at `b` ("by saying").
    pub(super) fn by_participle(&self, k: usize, b: usize) -> bool {
        let w = self.lw(k);
        self.lw(b) == "by" && !self.d.cap(b) && w.len() > 4 && w.ends_with("ing")
    }

    /// "In a long interview with the Ledger Ann Lee said": after a sentence-opening
    /// preposition with no comma, the source is the name that ends the phrase, not the phrase;
    /// of a run of three or more capitalised words ("... the Harbour Post Lee said") only the
    /// last when it stands alone elsewhere in the text.
    fn lead_in_cut(&self, src: Range<usize>, lo: usize) -> Range<usize> {
        let d = self.d;
        let opens = d.cap(lo) && self.is(lo, W::Preposition);
        if !opens || src.start > lo + 1 + MAX_SOURCE || src.len() < 2 {
            return src;
        }
        if (lo..src.start).any(|k| d.is_punct(k, ",") || d.kind(k) != Some(Kind::Word)) {
            return src;
        }
        let last = src.end - 1;
        if !d.cap(last) {
            return src;
        }
        let mut run = last;
        while run > src.start && d.cap(run - 1) && d.is_word(run - 1) {
            run -= 1;
        }
        // The phrase must hold a common word before the name ("a meeting with ... Lee").
        if run == src.start || !(src.start..run).any(|k| d.is_word(k) && !d.cap(k)) {
            return src;
        }
        let titled = (run..src.end).any(|k| self.is(k, W::Title));
        if src.end - run >= 3 && !titled && self.named_elsewhere(last) {
            return last..src.end;
        }
        run..src.end
    }

    /// "Ann Lee — a teacher from Dover — said" with the closing dash at `p`: the name and
    /// the aside between the dashes, closing dash included (as PolNeAR marks it); "Ann Lee
    /// -- who ran in 2012 -- said": the name without the relative clause.
    fn dashed_source(&self, p: usize, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        let mut close = p;
        while close > lo && self.is_dash(close - 1) {
            close -= 1;
        }
        let mut q = close;
        loop {
            if q <= lo || close - q > MAX_APPOSITIVE {
                return None;
            }
            q -= 1;
            if self.is_dash(q) {
                break;
            }
            if d.kind(q) == Some(Kind::Open) || d.kind(q) == Some(Kind::Close) {
                return None;
            }
        }
        if q + 1 >= close {
            return None;
        }
        let mut open = q;
        while open > lo && self.is_dash(open - 1) {
            open -= 1;
        }
        if open == lo {
            return None;
        }
        let np = self.np_left(open - 1, lo)?;
        if matches!(self.lw(q + 1), "who" | "which" | "whose") {
            Some(np)
        } else {
            Some(np.start..p + 1)
        }
    }

    /// "X, a spokesman for Y, said" with the comma before the cue at `p`: find the comma that
    /// opens the appositive and the name before it.
    pub(super) fn appositive_source(&self, p: usize, lo: usize) -> Option<Range<usize>> {
        let d = self.d;
        if p > lo && d.kind(p - 1) == Some(Kind::Close) {
            return None;
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
        if !(k < p && d.is_punct(k, ",") && k > lo && k + 1 < p) {
            return None;
        }
        // Appositive must look like one: start with a determiner, a title-like word, a
        // relative pronoun, or a number ("59,").
        let a = self.lw(k + 1);
        let looks = self.is(k + 1, W::Determiner)
            || matches!(a, "who" | "whose" | "which")
            || d.cap(k + 1)
            || (d.is_word(k + 1) && !self.verbish(k + 1) && !self.is(k + 1, W::NpBoundary));
        if !looks {
            return None;
        }
        // "Carole Bower, 75, a retiree in Carthage, Ill., said": a name at the start of the
        // sentence followed by several comma-separated descriptions.
        if let Some(st) = self.chain_start(k, lo) {
            return Some(st..p);
        }
        let np = if d.is_punct(k - 1, ")") {
            // "Rep. Ada Moss (D-Ore.), chair of the board, said".
            self.paren_name(k - 1, lo)?
        } else {
            self.np_left(k - 1, lo)?
        };
        // A relative clause after a chain of descriptions: "Ada Lee, 59, of Ashton, Md., who
        // watched it, said": the name opens the chain.
        let clause_first = matches!(a, "who" | "whose" | "which");
        if clause_first && np.start > lo && d.is_punct(np.start - 1, ",") {
            if let Some(st) = self.chain_start(np.start - 1, lo) {
                return Some(st..np.end);
            }
        }
        let before_ok = np.start == lo
            || d.is_punct(np.start - 1, ",")
            || d.kind(np.start - 1) == Some(Kind::Close)
            || self.is(np.start - 1, W::NpBoundary);
        if !before_ok {
            return None;
        }
        // A relative or participle clause is left out of the source ("Friedman, who is
        // white, said"); a noun appositive stays in, and so does ", including X".
        let clause = matches!(a, "who" | "whose" | "which")
            || (!d.cap(k + 1) && (a.ends_with("ing") || a.ends_with("ed")) && a != "including");
        let end = if clause { np.end } else { p };
        Some(np.start..end)
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
                let ok = if d.is_word(t) {
                    d.cap(t)
                        || d.digit(t)
                        || matches!(
                            self.lw(t),
                            "of" | "in" | "and" | "the" | "a" | "an" | "for" | "at"
                        )
                        || !(self.verbish(t) || self.is(t, W::NpBoundary))
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
                return if e == end && d.cap(st) && !self.is(st, W::NpBoundary) {
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
    pub(super) fn source_right(&self, q: usize, hi: usize, appos: bool) -> Option<Range<usize>> {
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
            // "said a longtime adviser to the mayor", "said a source close to her".
            if k > q && w == "to" && self.is(k - 1, W::NpToHead) {
                k += 1;
                continue;
            }
            if k > q
                && !d.cap(k)
                && (matches!(
                    w,
                    "who" | "which" | "that" | "as" | "in" | "on" | "at" | "during"
                ) || self.verbish(k)
                    || (self.is(k, W::NpBoundary) && w != "and"))
            {
                break;
            }
            if k == q && !d.cap(k) && self.is(k, W::NpBoundary) && !self.is(k, W::SubjectPronoun) {
                return None;
            }
            if k > q && w == "last" {
                break;
            }
            if k > q && self.weekday(k) {
                break;
            }
            k += 1;
        }
        if k == q || k - q > MAX_SOURCE {
            return None;
        }
        let mut end = k;
        while end > q && (self.lw(end - 1) == "and" || self.is(end - 1, W::Preposition)) {
            end -= 1;
        }
        if end == q {
            return None;
        }
        if appos && k < hi && d.is_punct(k, ",") && k + 1 < hi {
            let a = self.lw(k + 1);
            // "said Ann Lee, director of the port", "said Ann Lee, 70", "said Ann Lee, now
            // a ...": a noun appositive without a determiner.
            let bare_noun = (d.is_word(k + 1) || d.digit(k + 1))
                && !d.cap(k + 1)
                && (d.digit(k + 1)
                    || matches!(a, "now" | "then")
                    || !(self.verbish(k + 1)
                        || self.is(k + 1, W::NpBoundary)
                        || self.is(k + 1, W::Preposition)
                        || self.is(k + 1, W::SubjectPronoun)
                        || self.is(k + 1, W::SentenceAdverb)
                        || a.ends_with("ly")
                        || (a.ends_with("ing") && a != "managing")));
            if self.is(k + 1, W::Determiner)
                || matches!(a, "who" | "whose")
                || (d.cap(k + 1) && d.kind(k + 1) == Some(Kind::Word))
                || bare_noun
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

    /// The sentence-initial subject: "Trump tweeted Tuesday, saying ...".
    pub(super) fn sentence_subject(&self, s: &Sentence, before: usize) -> Option<Range<usize>> {
        let d = self.d;
        // Try the start of the sentence, then the start after a lead-in that ends with a
        // comma ("But a few days later, Trump reversed himself, telling ...").
        // "ORLANDO, Fla. (Reuters) - Ann Lee met ... and said": after a dateline.
        let first = self.dateline_end(s).map_or(s.toks.start, |p| p + 1);
        let mut starts = vec![first];
        let mut k = first;
        while k < before && k - s.toks.start <= WINDOW && starts.len() < 3 {
            if d.is_punct(k, ",") && !d.in_quote(k) {
                starts.push(k + 1);
            }
            k += 1;
        }
        starts
            .into_iter()
            .find_map(|lo| self.subject_at(lo, before))
    }

    /// The dash that ends a dateline opening sentence `s` ("WASHINGTON --", "ORLANDO, Fla.
    /// (Reuters) -", "DOVER, Dec. 8 (UPI) —"): a first word in capitals, then no lower-case
    /// word before the dash (words in brackets aside), within 12 tokens.
    fn dateline_end(&self, s: &Sentence) -> Option<usize> {
        let d = self.d;
        let lo = s.toks.start;
        let w = d.surface(&(lo..lo + 1));
        if !d.is_word(lo) || w.chars().count() < 2 || w.chars().any(char::is_lowercase) {
            return None;
        }
        let mut depth = 0i32;
        for k in lo + 1..s.toks.end.min(lo + 12) {
            if self.is_dash(k) || d.is_punct(k, "--") {
                let mut e = k;
                while self.is_dash(e + 1) || d.is_punct(e + 1, "--") {
                    e += 1;
                }
                return Some(e);
            }
            if d.is_punct(k, "(") {
                depth += 1;
            } else if d.is_punct(k, ")") {
                depth -= 1;
            } else if depth <= 0 && d.is_word(k) && !d.cap(k) && !d.digit(k) {
                return None;
            }
        }
        None
    }

    pub(super) fn subject_at(&self, lo: usize, before: usize) -> Option<Range<usize>> {
        let d = self.d;
        let mut lo = lo;
        while lo + 1 < before
            && d.is_word(lo)
            && (matches!(self.lw(lo), "but" | "and" | "yet" | "so")
                || self.is(lo, W::SentenceAdverb))
        {
            lo += 1;
        }
        if d.is_word(lo) && matches!(self.lw(lo), "he" | "she" | "they" | "we" | "i" | "it") {
            return Some(lo..lo + 1);
        }
        let mut k = lo;
        while k < before && k - lo <= MAX_SOURCE && d.is_word(k) {
            if !d.cap(k) && (self.verbish(k) || self.is(k, W::NpBoundary)) {
                break;
            }
            if d.cap(k) && k > lo && self.is(k, W::NpBoundary) {
                break;
            }
            k += 1;
        }
        // "Sen. Mark Kirk, R-Ill., who ..., rescinded his endorsement, saying": a name
        // followed by an appositive.
        // "Ann Lee, noting C, said D": the name alone before the participle's comma.
        if k > lo
            && k <= before
            && d.is_punct(k, ",")
            && (lo..k).all(|i| d.cap(i) || d.digit(i))
            && !self.is(lo, W::Day)
            && !self.is(lo, W::Preposition)
            && !self.is(lo, W::NpBoundary)
            && !self.is(lo, W::SentenceAdverb)
        {
            return Some(lo..k);
        }
        if k == lo || k >= before || !d.is_word(k) {
            return None;
        }
        let verb_next = self.verbish(k)
            || matches!(
                self.lw(k),
                "will" | "would" | "has" | "had" | "was" | "is" | "also"
            );
        if !verb_next {
            return None;
        }
        self.np_left(k - 1, lo)
    }

    /// Start of "was (first) reported" before the cue at `c`, or NONE when no form of "be" is
    /// there.
    pub(super) fn passive_start(&self, c: usize, lo: usize) -> usize {
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
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::super::testkit::{at, sent, text, with};
    use crate::extract::doc::NONE;

    #[test]
    #[rustfmt::skip]
    fn source_left_of_a_cue() {
        // (sentence, cue word, source, cue span from its start through the cue word)
        let cases: &[(&str, &str, &str, &str)] = &[
            ("The ministry said the road was closed.", "said", "The ministry", "said"),
            // An adjective opening the source after a quotation; a year after "who".
            ("“It is closed,” retired navy captain Lena Berg said.", "said",
             "retired navy captain Lena Berg", "said"),
            ("It was Moss, who in 2010 said the port was closed.", "said", "who", "said"),
            ("An aide to the mayor in 2009 said the port was closed.", "said",
             "An aide to the mayor in 2009", "said"),
            ("She has also said the plan was late.", "said", "She", "has also said"),
            ("Anna Berg, a spokeswoman for the union, said pay was low.", "said",
             "Anna Berg, a spokeswoman for the union", "said"),
            // A name opening the sentence keeps its descriptions (the speaker is resolved
            // from the part before the first comma).
            ("Tom Hale, who runs the depot, said the trucks were idle.", "said",
             "Tom Hale, who runs the depot", "said"),
            // A time phrase before the cue: kept after a common noun (with its participle),
            // left out after a name.
            ("A Harbour Institute poll released last week found most voters back it.", "found",
             "A Harbour Institute poll released last week", "found"),
            ("A Harbour Institute poll this month found most voters back it.", "found",
             "A Harbour Institute poll this month", "found"),
            ("The union earlier this year said the pay was low.", "said",
             "The union earlier this year", "said"),
            ("The Harbour Board this week announced that the port will close.", "announced",
             "The Harbour Board", "announced"),
            ("Ann Lee (D-Ore.) last month said the pay was low.", "said", "Ann Lee (D-Ore.)",
             "said"),
            // "today" stays in the source, a weekday does not.
            ("The party today said the pay was low.", "said", "The party today", "said"),
            ("Harbour Post Today said the pay was low.", "said", "Harbour Post Today", "said"),
            ("The party on Tuesday said the pay was low.", "said", "The party", "said"),
            // After a participle a weekday is a time phrase of the source, like "last week".
            ("A harbour report published Wednesday said the pay was low.", "said",
             "A harbour report published Wednesday", "said"),
            ("A court document released on Monday says the pay was low.", "says",
             "A court document released on Monday", "says"),
            // A name and its bracket before a comma.
            ("After the vote, Gov. Ada Moss (R-Ore.), said the pay was low.", "said",
             "Gov. Ada Moss (R-Ore.)", "said"),
            // A share of a group, a bare count, "another".
            ("Until the strike, most of them said the pay was low.", "said", "most of them",
             "said"),
            ("While 86 voted for it, 43 said the pay was low.", "said", "43", "said"),
            ("The pay is low, another says.", "says", "another", "says"),
            ("In 2016 said the pay was low.", "said", "", "said"),
            // "familiar with", "close to": the phrase after it is part of the source.
            ("A person familiar with the talks on Tuesday’s strike says the pay is low.", "says",
             "A person familiar with the talks on Tuesday’s strike", "says"),
            ("Officials close to the union said the pay was low.", "said",
             "Officials close to the union", "said"),
            ("A copy of the memo seen by reporters said the pay was low.", "said",
             "A copy of the memo seen by reporters", "said"),
            // A per cent sign heads a quantity like "percent".
            ("Overall, 42% say the pay was low.", "say", "42%", "say"),
            // "however" and "meanwhile" stand between the source and the cue.
            ("Ann Lee however said the pay was low.", "said", "Ann Lee", "said"),
            ("The union meanwhile said the pay was low.", "said", "The union", "said"),
            // Otherwise a relative clause is left out.
            ("Then the owner, who runs the depot, said the trucks were idle.", "said",
             "the owner", "said"),
            ("Sen. Ada Moss (D-Ore.) said the vote was close.", "said", "Sen. Ada Moss (D-Ore.)",
             "said"),
            ("Harbour officials on Tuesday denied the report.", "denied", "Harbour officials",
             "denied"),
            ("Those surveyed said prices were too high.", "said", "Those surveyed", "said"),
            ("Russia and Ukraine both claimed the village.", "claimed", "Russia and Ukraine",
             "claimed"),
            ("The mayor refused to say whether he would run.", "say", "The mayor",
             "refused to say"),
            ("Many say the bridge is unsafe.", "say", "Many", "say"),
            // A passive has no source.
            ("The plan was criticized by residents.", "criticized", "", "criticized"),
            // A weekday alone is no speaker.
            ("Monday said nothing to anyone.", "said", "", "said"),
            // An aside between dashes belongs to the source, closing dash included; a
            // relative clause between dashes does not.
            ("Ann Lee — a teacher from Dover — said the road was closed.", "said",
             "Ann Lee — a teacher from Dover —", "said"),
            ("The union -- and in particular its chair -- insisted pay was low.", "insisted",
             "The union -- and in particular its chair --", "insisted"),
            ("Tom Hale -- who ran for mayor in 2012 -- said the trucks were idle.", "said",
             "Tom Hale", "said"),
            // A verb taking an "-ing" cue joins the cue, not the source.
            ("The mayor avoids criticizing the port.", "criticizing", "The mayor",
             "avoids criticizing"),
            ("Lee kept praising the plan.", "praising", "Lee", "kept praising"),
            // After a sentence-opening preposition without a comma, the name that ends the
            // phrase is the source.
            ("In a long interview with the radio Ann Lee said the road was closed.", "said",
             "Ann Lee", "said"),
            ("In Dover the harbour board said taxes would fall.", "said",
             "the harbour board", "said"),
            // A name with a bracket before an appositive (0.5.3).
            ("Rep. Ada Moss (D-Ore.), chair of the harbour board, said that taxes would fall.",
             "said", "Rep. Ada Moss (D-Ore.), chair of the harbour board", "said"),
            // A pronoun with its clitic.
            ("We’ve also seen the port close.", "seen", "We’ve", "also seen"),
        ];
        for &(s, cue, want_src, want_cue) in cases {
            with(s, |r| {
                let c = at(r, cue);
                let (src, cue_start) = r.source_left(c, 0);
                assert_eq!(text(r, src), want_src, "source in {s:?}");
                assert_eq!(text(r, Some(cue_start..c + 1)), want_cue, "cue in {s:?}");
            });
        }
    }

    #[test]
    #[rustfmt::skip]
    fn lead_in_phrase_ends_in_a_name() {
        // (text, cue word, source): the cue is in the last line. Of a run of three or more
        // capitalised words the last is the source when it stands alone on another line.
        let cases: &[(&str, &str, &str)] = &[
            ("Lee runs the port.\nAt a meeting with the Harbour Weekly Post Lee said taxes would fall.",
             "said", "Lee"),
            ("The port is busy.\nAt a meeting with the Harbour Weekly Post Lee said taxes would fall.",
             "said", "Harbour Weekly Post Lee"),
            ("Lee runs the port.\nAt a meeting with Gov. Ann Lee the union said taxes would fall.",
             "said", "the union"),
        ];
        for &(t, cue, want) in cases {
            with(t, |r| {
                let c = at(r, cue);
                let lo = sent(r, c).toks.start;
                let (src, _) = r.source_left(c, lo);
                assert_eq!(text(r, src), want, "source in {t:?}");
            });
        }
    }

    #[test]
    #[rustfmt::skip]
    fn np_left_walks_over_a_noun_phrase() {
        // (sentence, last word of the phrase, phrase)
        let cases: &[(&str, &str, &str)] = &[
            ("A spokesman for the buyer said so.", "buyer", "A spokesman for the buyer"),
            ("But the retired teacher said so.", "teacher", "the retired teacher"),
            ("When officials spoke, they left.", "officials", "officials"),
            ("He met two million people.", "million", ""),
            ("However said it.", "however", ""),
            ("Two in three said no.", "three", "Two in three"),
            ("Then Sanders’ aides said no.", "aides", "Sanders’ aides"),
            ("A poll by the Ledger found no change.", "ledger", "A poll by the Ledger"),
            ("Experts within the harbour board said no.", "board", "Experts within the harbour board"),
            ("About 4 in 10 said no.", "10", "About 4 in 10"),
            // A quantity keeps its lead.
            ("Only about a third of voters said no.", "voters", "Only about a third of voters"),
            ("But more than half of voters said no.", "voters", "more than half of voters"),
            ("At least 20 workers said no.", "workers", "At least 20 workers"),
            ("And a full 79 percent of voters said no.", "voters", "a full 79 percent of voters"),
            ("Not everyone agreed.", "everyone", "Not everyone"),
            ("He is only the mayor.", "mayor", "the mayor"),
            // A coordination that opens its clause is one phrase.
            ("Bush and his rivals said so.", "rivals", "Bush and his rivals"),
            ("He and his lawyer said so.", "lawyer", "He and his lawyer"),
            ("But the mayor and the union said so.", "union", "the mayor and the union"),
            ("In May, Ann Lee and her staff said so.", "staff", "Ann Lee and her staff"),
            ("Neither Cruz nor Lee said so.", "lee", "Neither Cruz nor Lee"),
            ("Both the Ledger and the Post said so.", "post", "Both the Ledger and the Post"),
            // Not after a verb: the first conjunct is a clause.
            ("Prices fell and the union said so.", "union", "the union"),
            ("The port cut jobs and the union said so.", "union", "the union"),
            ("Lee left, and the union said so.", "union", "the union"),
            // Plural nouns on both sides of "and" (0.5.3).
            ("Harbour safety experts and state officials said so.", "officials",
             "Harbour safety experts and state officials"),
            // An adjective in "-ed" inside the phrase.
            ("Half of registered voters said no.", "voters", "Half of registered voters"),
            ("Most Harbour registered voters said no.", "voters", "Most Harbour registered voters"),
            ("After the port closed voters said no.", "voters", "voters"),
            // "to" after "aides", "close".
            ("Aides to the mayor said no.", "mayor", "Aides to the mayor"),
            ("Sources close to her campaign said no.", "campaign", "Sources close to her campaign"),
            ("Lee spoke to the mayor.", "mayor", "the mayor"),
            // A determiner after a determiner.
            ("The two camps agreed.", "camps", "The two camps"),
            ("All the delegates agreed.", "delegates", "All the delegates"),
        ];
        for &(s, last, want) in cases {
            with(s, |r| {
                let j = at(r, last);
                assert_eq!(text(r, r.np_left(j, 0)), want, "{s:?}");
            });
        }
    }

    #[test]
    #[rustfmt::skip]
    fn source_right_of_an_inverted_cue() {
        // (sentence, cue word, appositive allowed, source)
        let cases: &[(&str, &str, bool, &str)] = &[
            ("“We are ready,” said Anna Berg, a spokeswoman for the union.", "said", true,
             "Anna Berg, a spokeswoman for the union"),
            ("“We are ready,” said Anna Berg, a spokeswoman for the union.", "said", false,
             "Anna Berg"),
            ("The road is closed, said police on Monday.", "said", false, "police"),
            ("The road is closed, said Tom Hale, who runs the depot, after the storm.", "said",
             true, "Tom Hale, who runs the depot"),
            ("It is closed, said to be final.", "said", false, ""),
            // A noun appositive without a determiner, an age (0.5.3).
            ("“We are ready,” said Anna Berg, director of the union.", "said", true,
             "Anna Berg, director of the union"),
            ("“We are ready,” said Anna Berg, 70.", "said", true, "Anna Berg, 70"),
            ("“We are ready,” said Anna Berg, director of the union, “and we will stay.”", "said",
             true, "Anna Berg"),
            ("“We are ready,” said Anna Berg, in a statement, “and we will stay.”", "said", true,
             "Anna Berg"),
            // "to" after an `np_to_head` noun goes on (as on the left of a cue).
            ("The road will stay closed, said a longtime adviser to the mayor.", "said", false,
             "a longtime adviser to the mayor"),
            ("The plan is dead, said a source close to the board.", "said", false,
             "a source close to the board"),
            ("The plan is dead, said Ann Lee to reporters.", "said", false, "Ann Lee"),
            ("The plan is dead, said Harbour Post Today.", "said", false, "Harbour Post Today"),
        ];
        for &(s, cue, appos, want) in cases {
            with(s, |r| {
                let c = at(r, cue);
                let hi = r.trimmed_end(sent(r, c));
                assert_eq!(text(r, r.source_right(c + 1, hi, appos)), want, "{s:?}");
            });
        }
    }

    #[test]
    #[rustfmt::skip]
    fn sentence_subject_before_a_participle() {
        // (sentence, word before which the subject is looked for, subject)
        let cases: &[(&str, &str, &str)] = &[
            ("Berg tweeted on Tuesday, saying the vote was rigged.", "saying", "Berg"),
            ("But a week later, the council reversed itself, saying it erred.", "saying",
             "the council"),
            ("Sen. Ada Moss, D-Ore., withdrew her support, citing the cost.", "citing",
             "Sen. Ada Moss"),
            ("Later they left, saying nothing.", "saying", "they"),
            ("On the road north of the city, flooding roads.", "flooding", ""),
            // After a dateline.
            ("DOVER (Reuters) - Ann Lee met the dockers, saying the port is safe.",
             "saying", "Ann Lee"),
            ("DOVER, Dec. 8 (UPI) — In a letter to the board, the union rallied its members, \
              saying pay was low.", "saying", "the union"),
            ("WASHINGTON -- The mayor met the dockers, saying nothing.", "saying", "The mayor"),
        ];
        for &(s, before, want) in cases {
            with(s, |r| {
                let b = at(r, before);
                assert_eq!(text(r, r.sentence_subject(sent(r, b), b)), want, "{s:?}");
            });
        }
    }

    #[test]
    fn passive_start_finds_be() {
        // (sentence, cue word, start of the passive or "" for none)
        let cases: &[(&str, &str, &str)] = &[
            (
                "The deal was first reported by the Ledger.",
                "reported",
                "was",
            ),
            (
                "The deal has been reported by the Ledger.",
                "reported",
                "has",
            ),
            ("The Ledger reported the deal.", "reported", ""),
        ];
        for &(s, cue, want) in cases {
            with(s, |r| {
                let c = at(r, cue);
                let b = r.passive_start(c, 0);
                let got = if b == NONE { "" } else { r.d.lw(b) };
                assert_eq!(got, want, "{s:?}");
            });
        }
    }
}
