//! Contents: what a source claims, right of the cue ("X said (that) C", "X told Y C"), left of
//! it ("C, X said"), or in a second part after it ("“C1,” X said, “C2.”"). A quotation is
//! taken whole, even over several sentences.

use super::{Rules, MAX_QUOTE, WINDOW};
use crate::extract::doc::NONE;
use crate::extract::token::{Kind, Sentence};
use crate::extract::words::W;
use crate::extract::Stance;
use std::ops::Range;

/// How many words may open a sentence before the subordinator of its opening clause ("A few
/// weeks after Obama announced C, ...").
const OPENER_WORDS: usize = 4;

/// The words that may stand before that subordinator: a conjunction, a focus adverb, a span
/// of time.
const OPENER_LEAD: &[&str] = &[
    "but", "and", "so", "yet", "or", "just", "even", "only", "shortly", "soon", "long", "right",
    "not", "a", "an", "the", "few", "several", "two", "three", "years", "months", "weeks", "days",
    "hours", "minutes", "moments", "year", "month", "week", "day", "hour", "minute",
];

impl Rules<'_, '_> {
    /// The quotation opened at `q`, closing mark included, at most [`MAX_QUOTE`] tokens.
    pub(super) fn quote_span(&self, q: usize) -> Option<Range<usize>> {
        let d = self.d;
        let e = d.quote_end(q);
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

    /// The first token at or after `q` (before `hi`) past time adjuncts right after a cue:
    /// "Tuesday", "Tuesday night", "on Monday", "last week".
    fn after_time_words(&self, q: usize, hi: usize) -> usize {
        let mut q = q;
        loop {
            if q < hi && self.is(q, W::Day) {
                q += 1;
                if q < hi && matches!(self.lw(q), "night" | "morning" | "afternoon" | "evening") {
                    q += 1;
                }
            } else if q + 1 < hi
                && ((self.lw(q) == "on" && self.is(q + 1, W::Day))
                    || (matches!(self.lw(q), "last" | "this")
                        && matches!(self.lw(q + 1), "week" | "month" | "year")))
            {
                q += 2;
            } else {
                return q;
            }
        }
    }

    /// Content right of position `q` in sentence `s`, for a cue with lemma `lemma`.
    pub(super) fn content_right(
        &self,
        q: usize,
        s: &Sentence,
        lemma: &str,
    ) -> Option<Range<usize>> {
        let d = self.d;
        let hi = self.trimmed_end(s);
        // The cue stands in the sentence's opening subordinate clause when nothing but words
        // lies between the subordinator and it ("After the mayor said C, the council ...").
        let cue_opens = q;
        let mut q = self.after_time_words(q, hi);
        if q < hi && d.is_punct(q, ",") && q + 1 < hi && d.kind(q + 1) == Some(Kind::Open) {
            q += 1;
        }
        if q < hi && self.lx.classes(lemma).has(W::AddresseeVerb) {
            q = self.skip_addressee(q, hi, lemma)?;
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
        // "announced earlier this month that C", "testified, for example, that C", "can
        // now say, with hindsight, that C": an adverbial before "that" is not content.
        if q < hi && self.lw(q) != "that" {
            let w = self.lw(q);
            let adverbial = d.is_punct(q, ",")
                || (d.is_word(q) && !d.cap(q) && w.len() > 3 && w.ends_with("ly"))
                || matches!(
                    w,
                    "however"
                        | "also"
                        | "now"
                        | "again"
                        | "earlier"
                        | "later"
                        | "this"
                        | "last"
                        | "then"
                        | "instead"
                        | "privately"
                        | "publicly"
                );
            if adverbial {
                let mut k = q + 1;
                while k < hi
                    && k - q < 10
                    && self.lw(k) != "that"
                    && d.kind(k) != Some(Kind::Open)
                    && !self.verbish(k)
                    && !d.is_punct(k, ":")
                {
                    k += 1;
                }
                if k < hi && self.lw(k) == "that" && k + 1 < hi {
                    q = k;
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
        // "asked Carson about his relationship": the question, without "about".
        if lemma == "ask" && q + 1 < hi && self.lw(q) == "about" {
            q += 1;
        }
        if q >= hi {
            return None;
        }
        // "told the mayors who gathered in Dover, “C.”", "pointed out in December, “C.”":
        // what stands between the cue and a comma before a quotation that ends the
        // sentence is no content.
        let speechy = matches!(
            lemma,
            "say"
                | "tell"
                | "ask"
                | "add"
                | "write"
                | "point out"
                | "explain"
                | "note"
                | "declare"
                | "announce"
                | "state"
                | "reply"
                | "respond"
                | "joke"
        );
        let q = if speechy && d.kind(q) != Some(Kind::Open) {
            let mut k = q;
            while k < hi && k - q < 16 && d.kind(k) != Some(Kind::Open) && self.lw(k) != "that" {
                k += 1;
            }
            // Not over a verb cue of its own: "X, noting C, said, “D.”" gives "note" C.
            let ends = k < hi
                && k > q
                && d.is_punct(k - 1, ",")
                && !(q..k).any(|t| self.is(t, W::VerbForm))
                && d.kind(k) == Some(Kind::Open)
                && self.quote_span(k).is_some_and(|qs| {
                    (qs.end..s.toks.end).all(|t| !d.is_word(t)) || qs.end >= s.toks.end
                });
            if ends {
                k
            } else {
                q
            }
        } else {
            q
        };
        if d.kind(q) == Some(Kind::Open) {
            if let Some(qs) = self.quote_span(q) {
                let end = qs.end;
                // The quote may run over several sentences; it ends the content when the
                // sentence has nothing more after it.
                let last = d.tk.toks.len().saturating_sub(1);
                if end >= hi || d.sent_of(end.min(last)) != d.sent_of(q) {
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
        // The subordinator opens the sentence, or follows a few words that open it ("But if
        // Carson implied C, he ...", "Years after Clinton claimed C, Obama ...").
        let subordinator = |k: usize| {
            // "With the mayor talking about C, Lee said ...": an absolute clause.
            self.is(k, W::Subordinator)
                || matches!(self.lw(k), "while" | "if" | "as" | "despite" | "with")
        };
        // Only words of [`OPENER_LEAD`] before it: "The ferry left after the mayor said C,
        // then ..." has its main clause first.
        let opener = (s.toks.start..(s.toks.start + OPENER_WORDS).min(cue_opens))
            .take_while(|&k| subordinator(k) || OPENER_LEAD.contains(&self.lw(k)))
            .find(|&k| subordinator(k));
        let opens_subordinate = s.toks.start < q && opener.is_some();
        let in_opening_clause = opens_subordinate
            && (opener.unwrap_or(s.toks.start)..cue_opens.min(s.toks.end))
                .all(|k| !d.is_punct(k, ",") || d.in_quote(k));
        // A participle set off by a comma ("X, noting C, said D").
        let participle_cue = cue_opens > 1
            && self.lw(cue_opens - 1).ends_with("ing")
            && d.is_punct(cue_opens - 2, ",");
        let mut brackets = 0usize;
        // Stop before a second attribution joined by ", adding" / ", saying".
        let mut k = q + 1;
        while k + 1 < hi {
            // "...; the State Department said": a semicolon ends the clause.
            if d.is_punct(k, ";") && !d.in_quote(k) {
                return Some(q..k);
            }
            if d.is_punct(k, "(") || d.is_punct(k, "[") {
                brackets += 1;
            } else if d.is_punct(k, ")") || d.is_punct(k, "]") {
                brackets = brackets.saturating_sub(1);
            }
            // "Although she said C, he ...": after a sentence-opening subordinate clause, a
            // comma and a subject pronoun start the main clause, which is not content.
            if opens_subordinate
                && d.is_punct(k, ",")
                && !d.in_quote(k)
                && self.is(k + 1, W::SubjectPronoun)
                && k + 2 < hi
                && d.is_word(k + 2)
            {
                return Some(q..k);
            }
            // "After the mayor said the bridge was safe, engineers closed it": when the cue
            // is in that opening clause, the clause's first comma ends it and the content.
            if in_opening_clause && d.is_punct(k, ",") && !d.in_quote(k) && brackets == 0 {
                return Some(q..k);
            }
            // "... distanced himself from the plan by saying C": "by" and a participle of a
            // verb of saying open an attribution of their own.
            if self.lw(k) == "by"
                && !d.in_quote(k)
                && matches!(
                    self.lw(k + 1),
                    "saying" | "arguing" | "claiming" | "insisting" | "declaring" | "stating"
                )
                && k > q
            {
                return Some(q..k);
            }
            // "X, noting C, said D": a participle's content ends at the comma before the
            // finite verb of saying whose subject the participle describes, or after the
            // quotation that closes on that comma ("X, citing “the magic of it,” said D").
            if participle_cue && self.is(k + 1, W::VerbForm) && !self.lw(k + 1).ends_with("ing") {
                if d.is_punct(k, ",") && !d.in_quote(k) {
                    return Some(q..k);
                }
                if d.kind(k) == Some(Kind::Close) && k > q && d.is_punct(k - 1, ",") {
                    return Some(q..k + 1);
                }
            }
            if d.is_punct(k, ",") && !d.in_quote(k) && !d.cap(k + 1) && d.is_word(k + 1) {
                let participle = self.lw(k + 1).ends_with("ing") && self.is(k + 1, W::VerbForm);
                if participle
                    || (self.is(k + 1, W::ClauseBreak) && !self.relative_inside(k + 1, hi))
                {
                    return Some(q..k);
                }
            }
            k += 1;
        }
        Some(self.run_on_quote(q..hi))
    }

    /// "X said the decision, which struck down the law, was wrong", "X said the pier,
    /// despite its age, was safe": the relative clause or aside opened by "which", "despite",
    /// "though" or "although" at `w` is closed by a comma and the clause it interrupts goes on
    /// ("was wrong", "to congratulate him", "in play"), so it is inside the content rather
    /// than after it. Not when what follows the comma is a clause of its own or an
    /// attribution ("which passed, he said", "which passed, according to X").
    fn relative_inside(&self, w: usize, hi: usize) -> bool {
        let d = self.d;
        if !matches!(self.lw(w), "which" | "despite" | "though" | "although") {
            return false;
        }
        // The first comma outside quotes, before anything that ends the clause.
        let Some(comma) = (w + 1..hi)
            .take_while(|&t| {
                d.in_quote(t) || !matches!(self.lw(t), "." | ";" | ":" | "?" | "!" | "(" | ")")
            })
            .find(|&t| d.is_punct(t, ",") && !d.in_quote(t))
        else {
            return false;
        };
        let n = comma + 1;
        comma >= w + 2
            && n < hi
            && d.is_word(n)
            && !d.cap(n)
            && !self.is(n, W::ClauseBreak)
            && !self.is(n, W::SubjectPronoun)
            && !self.is(n, W::Determiner)
            && !self.is(n, W::Subordinator)
            && !(self.lw(n).ends_with("ing") && self.is(n, W::VerbForm))
            && !matches!(
                self.lw(n),
                "and"
                    | "but"
                    | "or"
                    | "not"
                    | "because"
                    | "especially"
                    | "including"
                    | "said"
                    | "says"
                    | "told"
                    | "added"
            )
    }

    /// A content that ends inside a quotation it opened ("X said that the port “is safe. It
    /// will stay open.”"): the quotation runs over the sentence end, so the content ends
    /// with it. Not when the quotation closes on a comma (",” she added"), which a later
    /// attribution claims.
    pub(super) fn run_on_quote(&self, c: Range<usize>) -> Range<usize> {
        let d = self.d;
        if c.end <= c.start || !d.in_quote(c.end - 1) {
            return c;
        }
        let Some(o) = (c.start..c.end)
            .rev()
            .find(|&k| d.kind(k) == Some(Kind::Open))
        else {
            return c;
        };
        let e = d.quote_end(o);
        if e == NONE || e < c.end || d.kind(e) != Some(Kind::Close) || e - o > MAX_QUOTE {
            return c;
        }
        if e > 0 && d.is_punct(e - 1, ",") {
            return c;
        }
        c.start..e + 1
    }

    /// After a cue that takes an addressee ("told reporters that C"), where the content
    /// starts: at "that", a wh-word, a quote or a colon within a few words, or after a short
    /// addressee. `None` when no content can be told apart.
    fn skip_addressee(&self, q: usize, hi: usize, lemma: &str) -> Option<usize> {
        let d = self.d;
        let w = self.lw(q);
        if w == "that" || d.kind(q) == Some(Kind::Open) || d.is_punct(q, ":") {
            return Some(q);
        }
        // Skip the addressee: up to "that", a quote or a colon, within a few words.
        let mut k = q;
        while k < hi && k - q < 12 {
            let wk = self.lw(k);
            // "asked voters if they would", like "asked voters whether".
            let wh = matches!(
                wk,
                "how" | "what" | "why" | "whether" | "where" | "when" | "if"
            );
            if wk == "that" || wh || d.kind(k) == Some(Kind::Open) || d.is_punct(k, ":") {
                return Some(k);
            }
            // "told supporters in Columbus, Ohio, that": commas inside names only.
            if d.is_punct(k, ",") && !d.cap(k + 1) && self.lw(k + 1) != "that" {
                break;
            }
            k += 1;
        }
        // "accused the mayor of lying": the accused belongs to the content.
        if lemma == "accuse" {
            return Some(q);
        }
        let object = self.is(q, W::ObjectPronoun);
        if self.is(q, W::Determiner)
            && q + 2 < hi
            && !matches!(lemma, "accuse" | "thank" | "urge" | "ask" | "warn")
        {
            // "told the council the budget was balanced", "told the Harbour Post the pier
            // was safe": the article and a noun, or the article and a name.
            let mut k = q + 1;
            while k < hi && d.cap(k) && d.is_word(k) {
                k += 1;
            }
            Some(if k > q + 1 { k } else { q + 2 })
        } else if object || d.cap(q) || w == "reporters" {
            // "told him he would", "told CNN the plan was".
            let mut k = q + 1;
            if !object {
                while k < hi && d.cap(k) && d.is_word(k) {
                    k += 1;
                }
            }
            Some(k)
        } else if matches!(lemma, "ask" | "urge" | "warn" | "accuse" | "thank") {
            // "urged Congress to act": content is the whole rest.
            Some(q)
        } else {
            None
        }
    }

    /// Beliefs and accusations take an object, not a clause: "X supports Y, who ..." ends at
    /// the comma. Speech keeps its whole clause.
    pub(super) fn object_cut(&self, c: Range<usize>, stance: Stance) -> Range<usize> {
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
            if d.is_punct(k, ",") && !d.in_quote(k) {
                match self.comma_skip(k, c.end) {
                    Some(next) => k = next,
                    None => return c.start..k,
                }
            } else {
                k += 1;
            }
        }
        c
    }

    /// A comma at `k` inside an object that does not end it: one of a list of short plain
    /// noun phrases ("trade, energy and banking"). The token to go on from (the "and"), or
    /// `None` when the comma ends the object.
    fn comma_skip(&self, k: usize, end: usize) -> Option<usize> {
        let d = self.d;
        let plain = |i: usize| d.is_word(i) && !self.verbish(i) && !self.is(i, W::ClauseBreak);
        // A list: short segments of plain words up to "and" / "or".
        let mut i = k + 1;
        let mut seg = 0;
        while i < end && i - k <= 16 {
            if matches!(self.lw(i), "and" | "or") && seg > 0 {
                return Some(i);
            }
            if d.is_punct(i, ",") && seg > 0 && seg <= 4 {
                seg = 0;
            } else if plain(i)
                && seg < 4
                && !matches!(self.lw(i), "who" | "which" | "whom" | "whose")
            {
                seg += 1;
            } else {
                break;
            }
            i += 1;
        }
        None
    }

    /// Content without a trailing adjunct that tells where or how it was said: "in an
    /// interview", "in a statement on Monday", "during a debate", "at a rally", "in response".
    pub(super) fn adjunct_cut(&self, c: Range<usize>) -> Range<usize> {
        let d = self.d;
        for k in c.start + 1..c.end {
            if d.in_quote(k) || !matches!(self.lw(k), "in" | "during" | "at") {
                continue;
            }
            let mut n = k + 1;
            while n < c.end && n - k <= 5 && d.is_word(n) && !self.is(n, W::ContentEvent) {
                if self.verbish(n) || self.is(n, W::NpBoundary) {
                    break;
                }
                n += 1;
            }
            if n < c.end && self.is(n, W::ContentEvent) && d.is_word(n) {
                return c.start..k;
            }
        }
        c
    }

    /// Content left of position `p` (exclusive), from the start of sentence `s` or from the
    /// quotation that ends at `p`.
    pub(super) fn content_left(&self, p: usize, s: &Sentence) -> Option<Range<usize>> {
        let d = self.d;
        let mut e = p;
        while e > s.toks.start && (d.is_punct(e - 1, ",") || d.is_punct(e - 1, "—")) {
            e -= 1;
        }
        if e > s.toks.start && d.kind(e - 1) == Some(Kind::Close) {
            let o = d.quote_start(e - 1);
            if o != NONE && d.line(o) == d.line(e - 1) {
                // "Lee declared the need for drive: “Change the world,” she said.": after a
                // colon the quotation alone is what is said.
                if o > s.toks.start && d.is_punct(o - 1, ":") && !d.in_quote(o - 1) {
                    return Some(o..e);
                }
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
        if d.in_quote(st) {
            let mut k = st;
            let floor = st.saturating_sub(WINDOW);
            while k > floor && d.kind(k) != Some(Kind::Open) && d.line(k - 1) == d.line(st) {
                k -= 1;
            }
            if d.kind(k) == Some(Kind::Open) {
                st = k;
            }
        }
        Some(st..e)
    }

    /// With a comma or closing quote at `b` before the source and the cue ending at `ce`:
    /// is the content the text before (`C, X said`), or is that a lead-in ("In a statement,
    /// X said C")?
    pub(super) fn content_is_left(&self, b: usize, ce: usize, s: &Sentence) -> bool {
        let d = self.d;
        let hi = self.trimmed_end(s);
        let lo = s.toks.start;
        let q = self.after_time_words(ce, hi);
        let close = if d.kind(b) == Some(Kind::Close) {
            Some(b)
        } else {
            b.checked_sub(1).filter(|&k| d.kind(k) == Some(Kind::Close))
        };
        if let Some(close) = close {
            // "In an interview on “Harbour Hour,” the mayor said the bridge would reopen": a
            // quoted title inside an opening prepositional phrase, and a clause after the
            // cue, which is the content.
            let open = d.quote_start(close);
            // So too after an opening "Asked ..." ("Asked about it on “Harbour Hour,” Lee
            // said he had doubts").
            let titled = open != NONE
                && open > lo + 1
                && d.cap(lo)
                && (self.is(lo, W::Preposition) || self.lw(lo) == "asked");
            return !(titled && q < hi && (self.lw(q) == "that" || self.clause_at(q, hi)));
        }
        if q >= hi {
            return true;
        }
        if d.is_punct(q, ",") {
            // "Still, Mr. Devine acknowledged, “...”", "In May, at a rally, she said, “...”":
            // unquoted text before the source and a quotation after the cue: the text before
            // is a lead-in, the quotation the content.
            // "That, the board said, “would help.”": a quotation that opens in lower case
            // goes on with the text before the source, which is then part of the content.
            if q + 2 < hi && d.kind(q + 1) == Some(Kind::Open) && d.is_word(q + 2) && !d.cap(q + 2)
            {
                return true;
            }
            return !(q + 1 < hi && d.kind(q + 1) == Some(Kind::Open));
        }
        if self.lw(q) == "that" || d.kind(q) == Some(Kind::Open) || d.is_punct(q, ":") {
            return false;
        }
        // "Ahead of the debate, Clinton highlighted endorsements from ...": a clause of
        // three or more words after the cue (no adjunct such as "in a statement", no
        // addressee) is the content, so what stands before the source is a lead-in.
        if self.clause_at(q, hi) {
            return false;
        }
        let first = self.lw(lo);
        let lead_in = self.is(lo, W::Preposition)
            || self.is(lo, W::SentenceAdverb)
            || self.is(lo, W::VerbForm)
            || (first.len() > 4 && (first.ends_with("ing") || first.ends_with("ed")))
            || self.is(lo, W::LeadIn);
        !(lead_in || b - lo <= 4)
    }

    /// A clause of three or more words starts at `q` (before `hi`): a lower-case word that is
    /// no preposition, time word or adjunct opener ("in a statement", "on Monday", "to
    /// reporters").
    fn clause_at(&self, q: usize, hi: usize) -> bool {
        let d = self.d;
        let words = (q..hi).filter(|&k| d.is_word(k)).take(3).count();
        words >= 3
            && d.is_word(q)
            && !d.cap(q)
            && !self.is(q, W::Preposition)
            && !self.is(q, W::Day)
            && !matches!(
                self.lw(q),
                "in" | "at"
                    | "on"
                    | "during"
                    | "to"
                    | "after"
                    | "before"
                    | "with"
                    | "for"
                    | "from"
                    | "by"
                    | "as"
                    | "while"
                    | "when"
            )
    }

    /// After "C1, X said" (ending at `q`): ", C2" to the end of the sentence, or a quotation.
    pub(super) fn second_part(&self, q: usize, s: &Sentence, quoted: bool) -> Option<Range<usize>> {
        let d = self.d;
        let hi = self.trimmed_end(s);
        let mut q = q;
        while q < hi && (self.is(q, W::Day) || (self.lw(q) == "on" && self.is(q + 1, W::Day))) {
            q += 1;
        }
        if q >= hi || !(d.is_punct(q, ",") || d.is_punct(q, ":")) {
            return None;
        }
        let q = q + 1;
        if q >= hi {
            return None;
        }
        if self.is(q, W::VerbForm)
            || self.is(q, W::ClauseBreak)
            || self.is(q, W::Preposition)
            || matches!(self.lw(q), "adding" | "saying" | "referring")
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

    /// Nothing after `q` in sentence `s` but punctuation and an adjunct of time, place or
    /// channel ("Monday", "last week", "in a statement", "to reporters on Tuesday"): no
    /// clause, quotation or "that" that would be a content of its own.
    pub(super) fn rest_is_empty(&self, q: usize, s: &Sentence) -> bool {
        let d = self.d;
        let hi = self.trimmed_end(s);
        let words = (q..hi).filter(|&k| d.is_word(k)).count();
        let time = |k: usize| {
            self.is(k, W::Day)
                || matches!(
                    self.lw(k),
                    "last" | "this" | "next" | "week" | "month" | "year" | "earlier" | "later"
                )
        };
        if (q..hi).all(|k| !d.is_word(k) || time(k)) {
            return true;
        }
        // A prepositional adjunct right after the cue, of a few words.
        words <= 8
            && matches!(
                self.lw(q),
                "in" | "at" | "on" | "to" | "during" | "via" | "last"
            )
            && (q..hi).all(|k| {
                d.kind(k) != Some(Kind::Open)
                    && !d.in_quote(k)
                    && self.lw(k) != "that"
                    && !self.is(k, W::SubjectPronoun)
                    && !(d.is_word(k) && self.verbish(k))
            })
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::super::testkit::{at, sent, text, with};
    use crate::extract::Stance;

    /// The last token whose lower-case form is `word`.
    fn last(r: &super::Rules, word: &str) -> usize {
        (0..r.d.tk.toks.len())
            .rev()
            .find(|&i| r.d.lw(i) == word)
            .unwrap_or_else(|| panic!("no {word:?}"))
    }

    #[test]
    #[rustfmt::skip]
    fn content_right_of_a_cue() {
        // (sentence, cue word, lemma, content)
        let cases: &[(&str, &str, &str, &str)] = &[
            ("The mayor said the road was closed.", "said", "say", "the road was closed"),
            ("The mayor said on Monday that the road was closed.", "said", "say",
             "that the road was closed"),
            ("The mayor told reporters that the road was closed.", "told", "tell",
             "that the road was closed"),
            ("The mayor told the council the budget was balanced.", "told", "tell",
             "the budget was balanced"),
            ("The mayor told him he would lose.", "told", "tell", "he would lose"),
            ("The mayor said Tuesday night that the road was closed.", "said", "say",
             "that the road was closed"),
            ("The mayor said at a rally in Dover that taxes would fall.", "said", "say",
             "that taxes would fall"),
            ("The mayor said of the plan: “It is dead.”", "said", "say", "“It is dead.”"),
            ("The mayor said taxes would fall, adding that fees would rise.", "said", "say",
             "taxes would fall"),
            ("The mayor asked about the budget.", "asked", "ask", "the budget"),
            // An adverbial between the cue and "that" is not content.
            ("The mayor announced earlier this month that the road would close.", "announced",
             "announce", "that the road would close"),
            ("The mayor said, for example, that the road would close.", "said", "say",
             "that the road would close"),
            ("The mayor said privately that the road would close.", "said", "say",
             "that the road would close"),
            // A comparison after a comma is the writer's, not the speaker's.
            ("The poll said 40 percent backed the plan, compared with 30 percent in May.",
             "said", "say", "40 percent backed the plan"),
            // A semicolon ends the clause.
            ("The mayor said taxes would fall; the council was not so sure.", "said", "say",
             "taxes would fall"),
            // The accused is part of what is claimed.
            ("The mayor accused the council of hiding the budget.", "accused", "accuse",
             "the council of hiding the budget"),
            ("The mayor accused Tom Hale of lying.", "accused", "accuse", "Tom Hale of lying"),
            ("The mayor urged the council to act.", "urged", "urge", "the council to act"),
            // "if" opens the question like "whether".
            ("The mayor asked voters if they would stay.", "asked", "ask",
             "if they would stay"),
            ("The mayor asked voters whether they would stay.", "asked", "ask",
             "whether they would stay"),
            // After a sentence-opening subordinate clause, ", she" starts the main clause.
            ("Although the mayor said taxes would fall, she voted against the plan.", "said",
             "say", "taxes would fall"),
            ("When the mayor said taxes would fall, they cheered.", "said", "say",
             "taxes would fall"),
            // A cue in that opening clause: the clause's first comma ends the content,
            // whatever starts the main clause. Not a comma inside a quotation or brackets,
            // nor when a comma stands between the subordinator and the cue.
            ("After the mayor said the bridge was safe, engineers closed it.", "said", "say",
             "the bridge was safe"),
            ("While the mayor insisted that taxes would fall, the council raised them.",
             "insisted", "insist", "that taxes would fall"),
            ("As the mayor said the port “is safe, and open”, the ships left.", "said", "say",
             "the port “is safe, and open”"),
            ("When the mayor said the fund (about $5, not $50) was gone, voters left.", "said",
             "say", "the fund (about $5, not $50) was gone"),
            ("When, as expected, the mayor said taxes would fall, fees rose.", "said", "say",
             "taxes would fall, fees rose"),
            // A few words may open the sentence before its subordinator.
            ("Years after the mayor claimed the pier was safe, it fell.", "claimed", "claim",
             "the pier was safe"),
            ("But if the mayor implied that he would resign, he did not.", "implied", "imply",
             "that he would resign"),
            ("A few weeks after the mayor announced that the port would close, ships left.",
             "announced", "announce", "that the port would close"),
            ("The ferry left after the mayor said the port would close, then returned.",
             "said", "say", "the port would close, then returned"),
            // Not in a main clause, nor before a relative pronoun.
            ("The mayor said taxes would fall, she thought.", "said", "say",
             "taxes would fall, she thought"),
            // A quotation opened inside the content runs on over the sentence end.
            ("The mayor said that the port “is safe. It will stay open.” Then she left.",
             "said", "say", "that the port “is safe. It will stay open.”"),
            ("The mayor said that the port “is safe. It will stay open,” she added.",
             "said", "say", "that the port “is safe"),
            // Words between the cue and a comma before a closing quotation are no content.
            ("The mayor said in May, “The port is safe.”", "said", "say",
             "“The port is safe.”"),
            ("The mayor told the crowd who gathered in Dover, “The port is safe.”", "told",
             "tell", "“The port is safe.”"),
            ("The mayor said in May, “The port is safe,” and left.", "said", "say",
             "in May, “The port is safe,” and left"),
            ("The mayor backed the plan, “a safe port,” on Monday.", "backed", "back",
             "the plan, “a safe port,” on Monday"),
            // "tell" with a lower-case addressee and no clause: no content to tell apart.
            ("The mayor told everyone.", "told", "tell", ""),
        ];
        for &(s, cue, lemma, want) in cases {
            with(s, |r| {
                let c = at(r, cue);
                let got = r.content_right(c + 1, sent(r, c), lemma);
                assert_eq!(text(r, got), want, "{s:?}");
            });
        }
    }

    #[test]
    fn a_quote_over_several_sentences_is_one_content() {
        let s = "The mayor said: “The road is closed. It will stay closed.” Then she left.";
        with(s, |r| {
            let c = at(r, "said");
            let got = r.content_right(c + 1, sent(r, c), "say");
            assert_eq!(text(r, got), "“The road is closed. It will stay closed.”");
        });
    }

    #[test]
    #[rustfmt::skip]
    fn content_left_of_a_cue() {
        // (sentence, word the content ends before (its last occurrence), content)
        let cases: &[(&str, &str, &str)] = &[
            ("The road is closed, the mayor said.", "the", "The road is closed"),
            ("“The road is closed,” the mayor said.", "the", "“The road is closed,”"),
            ("But the benefit is “ten times the cost,” he said.", "he",
             "But the benefit is “ten times the cost,”"),
            // After a colon the quotation alone.
            ("The mayor gave her verdict: “The road is closed,” she said.", "she",
             "“The road is closed,”"),
            // A sentence that continues a quote opened earlier on its line starts at the mark.
            ("“The road is closed. It will stay closed, the mayor said.", "the",
             "“The road is closed. It will stay closed"),
        ];
        for &(s, before, want) in cases {
            with(s, |r| {
                let p = last(r, before);
                assert_eq!(text(r, r.content_left(p, sent(r, p))), want, "{s:?}");
            });
        }
    }

    #[test]
    fn object_cut_by_stance() {
        // (stance of the cue, content after the cut)
        // (sentence, stance of the cue, content after the cut; the content starts at "tom")
        let cases: &[(&str, Stance, &str)] = &[
            (
                "She backs Tom Hale, who runs the depot.",
                Stance::Believing,
                "Tom Hale",
            ),
            (
                "She backs Tom Hale, who runs the depot.",
                Stance::Denying,
                "Tom Hale",
            ),
            (
                "She backs Tom Hale, who runs the depot.",
                Stance::Neutral,
                "Tom Hale, who runs the depot",
            ),
            // A list of short noun phrases goes on over its commas.
            (
                "She backs Tom Hale, the depot, the port and the ferry, which will suffer.",
                Stance::Believing,
                "Tom Hale, the depot, the port and the ferry",
            ),
            (
                "She backs Tom Hale, Ann Lee or Bo Hart, whoever runs.",
                Stance::Believing,
                "Tom Hale, Ann Lee or Bo Hart",
            ),
            // A comma before a clause still ends the object.
            (
                "She backs Tom Hale, though he lost twice and the depot closed.",
                Stance::Believing,
                "Tom Hale",
            ),
        ];
        for &(s, stance, want) in cases {
            with(s, |r| {
                let c = at(r, "tom");
                let end = r.trimmed_end(sent(r, c));
                let got = Some(r.object_cut(c..end, stance));
                assert_eq!(text(r, got), want, "{s:?} {stance:?}");
            });
        }
    }

    #[test]
    #[rustfmt::skip]
    fn content_is_left_or_a_lead_in() {
        // (sentence, source's first word, cue word, content is the text before the source)
        let cases: &[(&str, &str, &str, bool)] = &[
            ("The road is closed, the mayor said.", "the", "said", true),
            ("In a statement, the mayor said the road was closed.", "the", "said", false),
            ("After the storm passed, the mayor said the road was closed.", "the", "said",
             false),
            ("The long road north is closed, the mayor said on Monday.", "the", "said", true),
            ("Still, the mayor said, “It is closed.”", "the", "said", false),
            // Unquoted text before the source and a quotation after the cue: a lead-in.
            ("In May, at a rally in Dover, the mayor said, “It is closed.”", "the", "said",
             false),
            ("While she toured the port on Monday, the mayor said, “It is closed.”", "the",
             "said", false),
            // A clause after the cue is the content: what stands before is a lead-in.
            ("Shortly before the vote, the mayor praised the new bridge over the river.",
             "the", "praised", false),
            // A quotation that opens in lower case goes on with the text before the source.
            ("That, the board said, “would help the port.”", "the", "said", true),
            ("Of the plan, the board said, “It would help.”", "the", "said", false),
            // An adjunct after the cue is no content.
            ("The road is closed for the winter, the mayor said in a statement.", "the",
             "said", true),
            // A quoted title in an opening prepositional phrase, a clause after the cue.
            ("In an interview on “Harbour Hour,” the mayor said the bridge would reopen.",
             "the", "said", false),
            // The same opening and nothing after the cue: the text with the quotation.
            ("In May the plan was “dead,” the mayor said.", "the", "said", true),
            ("In May the plan was “dead,” the mayor said on Monday.", "the", "said", true),
        ];
        for &(s, src, cue, want) in cases {
            with(s, |r| {
                let c = at(r, cue);
                // The source starts at the last token with its first word before the cue.
                let st = (0..c).rev().find(|&i| r.d.lw(i) == src).expect("source");
                assert_eq!(r.content_is_left(st - 1, c + 1, sent(r, c)), want, "{s:?}");
            });
        }
    }

    #[test]
    #[rustfmt::skip]
    fn second_part_after_the_source() {
        // (sentence, word the second part is looked for after, content)
        let cases: &[(&str, &str, &str)] = &[
            ("“It is closed,” the mayor said, “and it will stay closed.”", "said",
             "“and it will stay closed.”"),
            ("The road is closed, the mayor said, it will stay so.", "said", "it will stay so"),
            // "and", a participle or a time word opens no second part.
            ("The road is closed, the mayor said, and it will stay so.", "said", ""),
            ("The road is closed, the mayor said, adding that it would reopen.", "said", ""),
            ("The road is closed, the mayor said on Monday.", "said", ""),
        ];
        for &(s, after, want) in cases {
            with(s, |r| {
                let q = at(r, after) + 1;
                let quoted = s.starts_with('“');
                assert_eq!(text(r, r.second_part(q, sent(r, q), quoted)), want, "{s:?}");
            });
        }
    }

    #[test]
    fn rest_is_empty_allows_time_words() {
        with("“Closed,” he said Monday.", |r| {
            let c = at(r, "said");
            assert!(r.rest_is_empty(c + 1, sent(r, c)));
        });
        with("“Closed!” he said last week.", |r| {
            let c = at(r, "said");
            assert!(r.rest_is_empty(c + 1, sent(r, c)));
        });
        // An adjunct of place or channel is no content of its own; a clause is.
        with("“Closed,” he said to reporters on Monday.", |r| {
            let c = at(r, "said");
            assert!(r.rest_is_empty(c + 1, sent(r, c)));
        });
        with(
            "“Closed.” He said to reporters that it would reopen.",
            |r| {
                let c = at(r, "said");
                assert!(!r.rest_is_empty(c + 1, sent(r, c)));
            },
        );
        with("“Closed.” He said in May it would reopen.", |r| {
            let c = at(r, "said");
            assert!(!r.rest_is_empty(c + 1, sent(r, c)));
        });
    }
}
