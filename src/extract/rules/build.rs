//! One cue match to one attribution: the source and content around it, by the cue's kind.

use super::{Draft, Rules, MAX_QUOTE, MAX_SOURCE, WINDOW};
use crate::extract::doc::NONE;
use crate::extract::lexicon::{CueEntry, CueKind};
use crate::extract::token::{Kind, Sentence};
use crate::extract::words::W;
use crate::extract::Stance;
use std::ops::Range;

/// A cue matched at tokens `c..ce` of sentence `si` (`s`), whose tokens run from `lo`; `hi`
/// is the sentence's end without its final stop.
struct At<'x> {
    e: &'x CueEntry,
    c: usize,
    ce: usize,
    si: usize,
    s: &'x Sentence,
    lo: usize,
    hi: usize,
}

impl Rules<'_, '_> {
    /// Tries to build an attribution from the cue `e` matched at tokens `c..ce` (the tokens
    /// are `e`'s words) in sentence `si`; `prev` is the attribution found before.
    pub(super) fn build(
        &self,
        e: &CueEntry,
        c: usize,
        ce: usize,
        si: usize,
        prev: Option<&Draft>,
    ) -> Option<Draft> {
        let s = self.d.sents.get(si)?;
        let at = At {
            e,
            c,
            ce,
            si,
            s,
            lo: s.toks.start,
            hi: self.trimmed_end(s),
        };
        let mut draft = Draft {
            source: None,
            cue: c..ce,
            content: Vec::new(),
            sents: si..si + 1,
            lemma: e.lemma.clone(),
            stance: e.stance,
            sourceless: false,
            cue_skip: 0,
            turn: false,
        };
        match e.kind {
            CueKind::Verb => {
                self.verb(&at, prev, &mut draft)?;
                self.adverb_into_cue(&mut draft);
            }
            CueKind::Prep => self.according_to(&at, &mut draft)?,
            CueKind::Noun => self.noun(&at, &mut draft)?,
            CueKind::Evidence => self.evidence(&at, &mut draft)?,
            CueKind::ByPrep => self.by_prep(&at, &mut draft)?,
            CueKind::Passive => self.passive(&at, &mut draft)?,
        }
        self.widen(draft, c, ce, si)
    }

    /// Lets the sentence range cover every sentence the content reaches (quotes that run
    /// over several sentences, a quote that closed the sentence before); drops a draft whose
    /// contents are all empty.
    fn widen(&self, mut draft: Draft, c: usize, ce: usize, si: usize) -> Option<Draft> {
        let d = self.d;
        if let Some(src) = draft.source.clone() {
            draft.source = Some(self.trim_source_tail(src));
        }
        self.relative_into_content(&mut draft);
        // "(Ann Lee said the road was closed.)": a bracket closed in the content but opened
        // before it is not part of it.
        for r in &mut draft.content {
            if r.end > r.start + 1
                && d.is_punct(r.end - 1, ")")
                && !(r.start..r.end).any(|k| d.is_punct(k, "("))
            {
                r.end -= 1;
                while r.end > r.start + 1 && d.is_punct(r.end - 1, ".") {
                    r.end -= 1;
                }
            }
        }
        let last = draft.content.iter().map(|r| r.end).max().unwrap_or(ce);
        if last > 0 {
            let ls = d.sent_of_clamped(last - 1);
            if ls > si {
                draft.sents = si..ls + 1;
            }
        }
        let first = draft.content.iter().map(|r| r.start).min().unwrap_or(c);
        let fs = d.sent_of_clamped(first);
        if fs < draft.sents.start {
            draft.sents.start = fs;
        }
        if draft.content.iter().all(|r| r.start >= r.end) {
            return None;
        }
        Some(draft)
    }

    /// "what officials called a hate crime", "which Mozloom thinks will lead to cuts", "whom
    /// he described as a friend": a relative "what", "which" or "whom" just before the
    /// source stands for part of the content right of the cue, and PolNeAR's content starts
    /// at it. Not after a preposition ("in which he says C": the content is C).
    /// PolNeAR train: 64 more exact contents (docs/extraction.md, "Content extent, 2026-11-30").
    fn relative_into_content(&self, draft: &mut Draft) {
        let d = self.d;
        let anchor = match &draft.source {
            Some(src) => src.start,
            None => draft.cue.start + draft.cue_skip,
        };
        let Some(k) = anchor.checked_sub(1) else {
            return;
        };
        let w = self.lw(k);
        if !d.is_word(k) || !matches!(w, "what" | "which" | "whom") {
            return;
        }
        if d.sent_of(k) != d.sent_of(anchor) {
            return;
        }
        if w != "what" && k > 0 && d.sent_of(k - 1) == d.sent_of(k) {
            let p = self.lw(k - 1);
            if p != "and"
                && (self.is(k - 1, W::Preposition)
                    || matches!(
                        p,
                        "than" | "after" | "through" | "against" | "upon" | "between" | "without"
                    ))
            {
                return;
            }
        }
        // Only a content wholly right of the cue.
        let Some(first) = draft.content.iter_mut().min_by_key(|r| r.start) else {
            return;
        };
        if first.start < draft.cue.end || first.start >= first.end {
            return;
        }
        first.start = k;
    }

    /// "noted repeatedly that C", "said sarcastically, “C”": an "-ly" adverb between a verb
    /// cue and the start of its content joins the cue.
    fn adverb_into_cue(&self, draft: &mut Draft) {
        let d = self.d;
        let a = draft.cue.end;
        let w = self.lw(a);
        let adverb = d.is_word(a)
            && !d.cap(a)
            && w.len() > 4
            && w.ends_with("ly")
            && !matches!(
                w,
                "only" | "early" | "likely" | "family" | "nearly" | "rally"
            );
        let opens = |k: usize| {
            d.is_punct(k, ",")
                || d.is_punct(k, ":")
                || self.lw(k) == "that"
                || d.kind(k) == Some(Kind::Open)
        };
        let in_source = draft.source.as_ref().is_some_and(|s| s.contains(&a));
        // "called upon", "wrote back": a particle joins the cue.
        if !in_source && d.is_word(a) && matches!(w, "upon" | "back") {
            draft.cue.end = a + 1;
            for r in &mut draft.content {
                if r.start == a {
                    r.start = a + 1;
                }
            }
            return;
        }
        // "“C,” she wrote recently.": an adverb closing the sentence after the cue.
        let closes = (d.is_punct(a + 1, ".") || d.sent_of(a + 1) != d.sent_of(a))
            && draft.content.iter().all(|r| r.end <= draft.cue.start);
        if !adverb || !(opens(a + 1) || closes) || in_source {
            return;
        }
        draft.cue.end = a + 1;
        for r in &mut draft.content {
            if r.start == a {
                r.start = a + 1;
                while r.start + 1 < r.end && (d.is_punct(r.start, ",") || d.is_punct(r.start, ":"))
                {
                    r.start += 1;
                }
            }
        }
    }

    /// A source without what follows the speaker's description: ", for example", ", via
    /// email", ", speaking to reporters", "at the time".
    fn trim_source_tail(&self, src: Range<usize>) -> Range<usize> {
        let d = self.d;
        for k in src.start + 1..src.end {
            let comma = d.is_punct(k, ",") && !d.in_quote(k);
            let next = self.lw(k + 1);
            let after = self.lw(k + 2);
            let adjunct = matches!(
                (next, after),
                ("for", "example" | "instance" | "one")
                    | ("by", "contrast")
                    | ("in", "fact")
                    | ("for", "his" | "her" | "its" | "their" | "our" | "my")
                    | ("in", "particular" | "turn" | "releasing" | "response")
                    | ("via", _)
                    | ("too", _)
                    | ("though", _)
                    | ("however", _)
            ) || (next == "on" && after == "the" && self.lw(k + 3) == "other");
            // ", including the mayor" stays with the phrase it completes.
            let participle = d.is_word(k + 1)
                && !d.cap(k + 1)
                && next.len() > 5
                && next.ends_with("ing")
                && (next != "including");
            // ", in a statement", ", after the vote": an adjunct after the speaker.
            let prep = d.is_word(k + 1)
                && !d.cap(k + 1)
                && matches!(
                    next,
                    "in" | "at"
                        | "on"
                        | "after"
                        | "during"
                        | "before"
                        | "with"
                        | "despite"
                        | "amid"
                        | "following"
                );
            let participle = participle || prep;
            if comma && k + 1 < src.end && (adjunct || participle) {
                return src.start..k;
            }
        }
        // "Trump further described", "Mr. Lee hardly clarified": an adverb after the name is
        // no part of the speaker.
        if src.len() < 2 {
            return src;
        }
        let last = src.end - 1;
        let w = self.lw(last);
        if d.is_word(last)
            && !d.cap(last)
            && d.cap(last - 1)
            && ((w.len() > 4 && w.ends_with("ly"))
                || matches!(
                    w,
                    "further" | "also" | "then" | "again" | "still" | "never" | "later"
                ))
        {
            return src.start..last;
        }
        src
    }

    /// A verb cue: "X said C", "C, X said", "C, said X", "..., saying C", and the special
    /// verbs ("Asked about it, ...", "X appears to ...", "a group called ...").
    fn verb(&self, at: &At, prev: Option<&Draft>, draft: &mut Draft) -> Option<()> {
        let d = self.d;
        let (e, c, ce, lo) = (at.e, at.c, at.ce, at.lo);
        let first = e.words.first().map_or("", String::as_str);
        if e.lemma.starts_with("ask") && (c == lo || self.lw(c - 1) == "when") && first == "asked" {
            return self.asked(at, draft);
        }
        if matches!(e.lemma.as_str(), "seem" | "appear") {
            return self.seems(at, draft);
        }
        // "has added 178,000 jobs", "added $2 billion": adding an amount, not a remark
        // ("added another 500 jobs", but "added another official" is a remark).
        let amount = |k: usize| d.digit(k) || d.is_punct(k, "$") || self.is(k, W::NumberWord);
        if e.lemma == "add"
            && e.words.len() == 1
            && (amount(ce)
                || (matches!(self.lw(ce), "another" | "some") && amount(ce + 1))
                || matches!(
                    self.lw(ce),
                    "more"
                        | "nearly"
                        | "roughly"
                        | "almost"
                        | "over"
                        | "about"
                        | "millions"
                        | "thousands"
                        | "hundreds"
                        | "billions"
                        | "jobs"
                ))
        {
            return None;
        }
        // "Mob Castrates Alleged Rapist", "alleged rape attempt", "CNN Plays Alleged
        // Recording": the participle before a noun is an adjective, not a speaker alleging. A
        // verb takes "that", a determiner, a pronoun or (in running text) a name after it.
        if e.words.len() == 1
            && first == "alleged"
            && d.is_word(ce)
            && !(self.lw(ce) == "that"
                || self.is(ce, W::Determiner)
                || self.is(ce, W::SubjectPronoun)
                || self.is(ce, W::ObjectPronoun)
                || self.is(ce, W::Preposition)
                || (d.cap(ce) && !d.headline(at.si)))
        {
            return None;
        }
        // "271 pledged delegates": a kind of delegate, not a pledge.
        if e.words.len() == 1
            && first == "pledged"
            && matches!(self.lw(ce), "delegates" | "delegate")
        {
            return None;
        }
        // "Dog found abandoned at station", "Hefner Found Dead", "students not found in mass
        // grave": a passive (a headline drops its "was"), not a finding.
        if e.words.len() == 1
            && first == "found"
            && d.is_word(ce)
            && (self.is(ce, W::Preposition)
                || self.is(ce, W::PassivePredicate)
                || (self.lw(ce).len() > 4 && self.lw(ce).ends_with("ed")))
        {
            return None;
        }
        // "Jihadi John named as Mohammed Emwazi", "suspect identified as local man": a
        // headline's passive that names somebody, not a speaker naming (in running text,
        // "what the senator described as a rigged system" is the senator's).
        if d.headline(at.si) && e.words.len() == 1 && first.ends_with("ed") && self.lw(ce) == "as" {
            return None;
        }
        // "a think tank": a compound noun, not a verb.
        if e.words.len() == 1 && self.is(ce, W::CueNounHead) {
            return None;
        }
        // "showed up", "called off": a phrasal verb that is no cue.
        if e.words.len() == 1 && matches!(self.lw(ce), "up" | "off") {
            return None;
        }
        // "a group called Citizens for Trump", "a club known as ...": a participle naming a
        // thing, not a speaker calling it so.
        if c > lo
            && self.is(c, W::NamingParticiple)
            && d.is_word(c - 1)
            && !d.cap(c - 1)
            && !self.is(c - 1, W::SubjectPronoun)
            && !self.is(c - 1, W::CuePrefix)
            && !self.lw(c - 1).ends_with("ly")
            && (d.cap(ce) || d.kind(ce) == Some(Kind::Open) || self.lw(ce) == "as")
        {
            return None;
        }
        // "his claim", "the pastor's claims", "a call": a noun, not a verb.
        if c > lo {
            let w = self.lw(c - 1);
            let possessive = self.article_or_possessive(c - 1)
                || (d.is_word(c - 1) && (w.ends_with("'s") || w.ends_with("s'")));
            // "a strong showing", "a TV show": a noun after an adjective. Not a past tense
            // or "says" after a capitalised one, which ends a name ("Harbour Radio said",
            // "State TV reported").
            let cw = self.lw(c);
            let finite = cw.ends_with("ed") || matches!(cw, "said" | "says" | "told" | "wrote");
            if possessive || (self.is(c - 1, W::CueNounModifier) && !(d.cap(c - 1) && finite)) {
                return None;
            }
        }
        let (src, cue_start) = self.source_left(c, lo);
        // "In a brief note to staff, ...": a base form right after "a" and one word (not a
        // group: "A majority say", "A few say") with no auxiliary is a noun, not a verb.
        if let Some(r) = &src {
            if cue_start == c
                && e.words.len() == 1
                && first == e.lemma
                && r.len() == 2
                && r.end == c
                && matches!(self.lw(r.start), "a" | "an")
                && !self.is(r.start + 1, W::NumberWord)
                && !matches!(
                    self.lw(r.start + 1),
                    "few"
                        | "lot"
                        | "majority"
                        | "minority"
                        | "plurality"
                        | "third"
                        | "quarter"
                        | "half"
                        | "handful"
                        | "dozen"
                        | "number"
                        | "couple"
                        | "host"
                        | "slew"
                )
            {
                return None;
            }
        }
        draft.cue = cue_start..ce;
        match src {
            Some(src) if self.reduced_relative(e, c, cue_start, &src) => {
                // "polls showing C", "groups supporting her", "signs calling X Y": the noun
                // phrase right before a bare "-ing" cue is mostly what the participle
                // describes, not a speaker (on PolNeAR train it is the gold source in under
                // a quarter of cases): the cue and content stand without a source.
                self.verb_with_source(at, src, draft)?;
                draft.source = None;
                Some(())
            }
            Some(src) => self.verb_with_source(at, src, draft),
            None if ce + 1 < at.hi
                && self.lw(ce) == "by"
                && self.passive_start(cue_start, lo) != NONE =>
            {
                // "The meeting was first reported by Politico."
                let be = self.passive_start(cue_start, lo);
                let src = self.source_right(ce + 1, at.hi, false)?;
                let content = if be > lo {
                    self.np_left(be - 1, lo)
                } else {
                    None
                }?;
                draft.cue = be..ce;
                draft.content.push(content);
                draft.source = Some(src);
                Some(())
            }
            None => self.verb_without_source(at, cue_start, prev, draft),
        }
    }

    /// The one-word "-ing" cue `e` at `c` follows its source `src` with nothing between
    /// (no auxiliary, adverb or comma: "polls showing", not "Lee is calling", "Lee, saying").
    fn reduced_relative(
        &self,
        e: &CueEntry,
        c: usize,
        cue_start: usize,
        src: &Range<usize>,
    ) -> bool {
        let w = e.words.first().map_or("", String::as_str);
        e.words.len() == 1 && w.len() > 4 && w.ends_with("ing") && cue_start == c && src.end == c
    }

    /// "Asked about it, Trump said ..." / "when asked by a reporter if ...": the question is
    /// the content; the one asking is rarely named.
    fn asked(&self, at: &At, draft: &mut Draft) -> Option<()> {
        let d = self.d;
        let hi = at.hi;
        let mut q = at.ce;
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
        while end < hi && end - q < WINDOW && (!d.is_punct(end, ",") || d.in_quote(end)) {
            // "Asked ... on “Morning Show,” Lee said": a short quoted title whose comma
            // stands inside its closing mark ends the question too.
            if d.is_punct(end, ",") && d.kind(end + 1) == Some(Kind::Close) && d.cap(end + 2) {
                let o = d.quote_start(end + 1);
                if o != NONE && o >= q && end + 1 - o <= 8 {
                    end += 2;
                    break;
                }
            }
            end += 1;
        }
        if end == q {
            return None;
        }
        draft.content.push(q..end);
        Some(())
    }

    /// "Sanders appears to be spending more": an impression without a source; the content is
    /// the subject and what follows the cue.
    fn seems(&self, at: &At, draft: &mut Draft) -> Option<()> {
        let (c, ce, lo, hi) = (at.c, at.ce, at.lo, at.hi);
        let (_, cue_start) = self.source_left(c, lo);
        draft.cue = cue_start..ce;
        if ce >= hi {
            return None;
        }
        let np = if cue_start > lo + 1 && self.d.is_punct(cue_start - 1, ",") {
            // "Lee, who ran the depot, seemed ...": the subject with its description.
            self.appositive_source(cue_start - 1, lo)
        } else if cue_start > lo {
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
        Some(())
    }

    /// A verb cue with its source on the left: the content is before the source ("C, X
    /// said"), in the quote that closed the sentence before ("“C.” X said."), or after the
    /// cue ("X said C").
    fn verb_with_source(&self, at: &At, src: Range<usize>, draft: &mut Draft) -> Option<()> {
        let d = self.d;
        let (e, c, ce, s, lo) = (at.e, at.c, at.ce, at.s, at.lo);
        let b = if src.start > lo { src.start - 1 } else { NONE };
        // "X, which said C": a relative pronoun's content is on the right.
        let relative_src = src.len() == 1 && matches!(self.lw(src.start), "who" | "which");
        let left_content = b != NONE
            && !relative_src
            && (d.is_punct(b, ",") || d.kind(b) == Some(Kind::Close))
            && !(d.is_punct(b, ",") && b == lo)
            && self.content_is_left(b, ce, s);
        if left_content {
            let c1 = self.content_left(b + 1, s)?;
            let quoted = d.kind(c1.start) == Some(Kind::Open);
            draft.content.push(c1);
            // "“C1,” she told the Ledger, “C2.”": the second part comes after the addressee.
            let mut after = ce;
            if quoted && self.lx.classes(&e.lemma).has(W::AddresseeVerb) {
                let mut k = ce;
                while k < at.hi
                    && k - ce < 5
                    && d.is_word(k)
                    && (d.cap(k)
                        || self.is(k, W::ObjectPronoun)
                        || self.is(k, W::Determiner)
                        || self.lw(k) == "reporters")
                {
                    k += 1;
                }
                if k > ce && d.is_punct(k, ",") {
                    after = k;
                }
            }
            if let Some(c2) = self.second_part(after, s, quoted) {
                draft.content.push(c2);
            }
        } else if src.start == lo
            && lo > 0
            && d.kind(lo - 1) == Some(Kind::Close)
            && d.line(lo - 1) == Some(s.line)
            && self.rest_is_empty(ce, s)
        {
            // "“... missing.” Trump said." The quote closed the sentence before.
            let o = d.quote_start(lo - 1);
            if o == NONE || d.line(o) != Some(s.line) {
                return None;
            }
            draft.content.push(o..lo);
            draft.sents.start = d.sent_of(o)?;
        } else if let Some(c1) = self.colon_paragraph(ce, s) {
            // "X continued:" closing its paragraph: the next paragraph is the content.
            draft.content.push(c1);
        } else {
            let c1 = self.content_right(ce, s, &e.lemma)?;
            if self.lw(c1.start) == "to"
                && self.is(c, W::Catenative)
                && self.is(c1.start + 1, W::VerbForm)
            {
                // "refused to say C": the chain is built at "say".
                return None;
            }
            // "talked about C", "called for C", "spoke of C": the preposition is part of the
            // cue.
            let mut c1 = c1;
            if c1.start == ce
                && c1.len() > 1
                && matches!(self.lw(ce), "about" | "of" | "for" | "on" | "with" | "out")
                && d.is_word(ce + 1)
            {
                draft.cue.end = ce + 1;
                c1.start = ce + 1;
            }
            // In a relative clause ("X, who spoke on condition ..., said") the content ends
            // with the clause.
            let relative = src.len() == 1 && matches!(self.lw(src.start), "who" | "which" | "that");
            let stance = if relative {
                Stance::Believing
            } else {
                e.stance
            };
            let speech = matches!(
                e.lemma.as_str(),
                "say"
                    | "tell"
                    | "add"
                    | "write"
                    | "report"
                    | "state"
                    | "note"
                    | "argue"
                    | "insist"
                    | "claim"
                    | "explain"
                    | "announce"
                    | "declare"
            );
            let c1 = self.object_cut(c1, stance);
            // "Ann Lee - who earlier said C - said D": a relative clause between dashes ends
            // its content at the closing dash.
            let c1 = match (c1.start..c1.end).find(|&k| self.is_dash(k) && !d.in_quote(k)) {
                Some(k)
                    if relative && src.start > 0 && self.is_dash(src.start - 1) && k > c1.start =>
                {
                    c1.start..k
                }
                _ => c1,
            };
            // An object (no clause) after a cue that is not plain speech ends before "in an
            // interview", "at a rally".
            let c1 = if (stance != Stance::Neutral || !speech) && self.lw(c1.start) != "that" {
                self.adjunct_cut(c1)
            } else {
                c1
            };
            draft.content.push(c1);
        }
        draft.source = Some(src);
        Some(())
    }

    /// "... and later said C", "... but on Tuesday wrote C", "... and then said C": the "and"
    /// or "but" before at most two time words that end at `k`.
    pub(super) fn conjunction_before_time(&self, k: usize, lo: usize) -> Option<usize> {
        let d = self.d;
        let time = |t: usize| {
            d.is_word(t)
                && (self.is(t, W::Day)
                    || (!d.cap(t)
                        && (matches!(
                            self.lw(t),
                            "later" | "then" | "afterward" | "afterwards" | "soon"
                        ) || (self.lw(t) == "on" && self.is(t + 1, W::Day)))))
        };
        let mut t = k;
        for _ in 0..2 {
            if t <= lo || !time(t) {
                return None;
            }
            t -= 1;
            if d.is_word(t) && !d.cap(t) && matches!(self.lw(t), "and" | "but") {
                return Some(t);
            }
        }
        None
    }

    /// An article or a possessive determiner at `k` ("the", "a", "his", "our"): a verb form
    /// right after it is a noun ("his claim", "The note says").
    pub(super) fn article_or_possessive(&self, k: usize) -> bool {
        matches!(
            self.lw(k),
            "his" | "her" | "its" | "their" | "my" | "our" | "your" | "the" | "a" | "an"
        )
    }

    /// "Lee wrote:" with the colon at `q` ending its paragraph: the whole next paragraph (at
    /// most `MAX_QUOTE` tokens).
    fn colon_paragraph(&self, q: usize, s: &Sentence) -> Option<Range<usize>> {
        let d = self.d;
        if !d.is_punct(q, ":") || q + 1 != s.toks.end {
            return None;
        }
        let next = q + 1;
        let line = d.line(next)?;
        if Some(line) == d.line(q) {
            return None;
        }
        let mut end = next;
        while d.line(end) == Some(line) && end - next < MAX_QUOTE {
            end += 1;
        }
        if d.line(end) == Some(line) {
            return None;
        }
        while end > next + 1 && d.is_punct(end - 1, ".") {
            end -= 1;
        }
        Some(next..end)
    }

    /// "After praising the plan, Lee said", "By offering Ann a post, Lee would ...",
    /// "Promising that C, Lee said": a participle cue in a clause that opens the sentence;
    /// the main clause's subject and the comma that ends the opening clause.
    fn opening_participle(&self, at: &At) -> Option<(Range<usize>, usize)> {
        let d = self.d;
        let (e, c, ce, lo, hi) = (at.e, at.c, at.ce, at.lo, at.hi);
        if !e
            .words
            .first()
            .is_some_and(|w| w.len() > 4 && w.ends_with("ing"))
        {
            return None;
        }
        let opens = c == lo
            || (c == lo + 1
                && d.cap(lo)
                && (self.is(lo, W::ParticipleLead) || matches!(self.lw(lo), "by" | "in")));
        if !opens || d.in_quote(c) {
            return None;
        }
        // The clause ends at its first comma, also one inside a quotation that closes there
        // ("Calling the plan “a mistake,” Lee said").
        let comma = (ce..hi.min(ce + WINDOW)).find(|&k| d.is_punct(k, ","))?;
        let end = if d.kind(comma + 1) == Some(Kind::Close) {
            comma + 2
        } else if d.in_quote(comma) {
            return None;
        } else {
            comma
        };
        let src = self.subject_at(end + usize::from(end == comma), hi)?;
        Some((src, end))
    }

    /// A verb cue without a source on its left: inverted ("C, said X", "“C,” said X, “C2.”")
    /// or a participle or coordinated verb ("..., saying C", "... and said C") whose source
    /// is the clause's subject.
    fn verb_without_source(
        &self,
        at: &At,
        cue_start: usize,
        prev: Option<&Draft>,
        draft: &mut Draft,
    ) -> Option<()> {
        let d = self.d;
        let (e, c, ce, s, lo, hi) = (at.e, at.c, at.ce, at.s, at.lo, at.hi);
        let before_cue = if cue_start > lo { cue_start - 1 } else { NONE };
        // "X, a pastor in Marion, said he had called": a subject pronoun and more words after
        // the cue open the content, no inverted source ("..., said he." stays one).
        let pronoun_clause = matches!(self.lw(ce), "he" | "she" | "they" | "it" | "we")
            && ce + 1 < hi
            && d.is_word(ce + 1);
        // "C, said X": the source follows the cue ("X, noting C, said, “D”" has none there).
        let inverted = before_cue != NONE
            && cue_start == c
            && d.is_word(ce)
            && (d.is_punct(before_cue, ",") || d.kind(before_cue) == Some(Kind::Close))
            && !e.words.first().is_some_and(|w| w.ends_with("ing"))
            // "X, chair of Y, said that C": "that" after the cue opens a clause, no
            // inverted source.
            && !(self.lw(ce) == "that" && d.is_word(ce) && !d.cap(ce))
            && !pronoun_clause;
        // Only a verb of saying or writing stands before its subject ("C, said X"); after
        // another cue the comma ends a subject ("The poll, released Monday, showed X
        // leading"), unless no subject is found there.
        let invertible = self.lx.classes(&e.lemma).has(W::InvertedCue);
        if inverted && invertible {
            self.inverted(at, cue_start, draft)
        } else if before_cue != NONE
            && (d.is_punct(before_cue, ",")
                || matches!(self.lw(before_cue), "and" | "but")
                || self.conjunction_before_time(before_cue, lo).is_some()
                || self.participle_after(c, before_cue)
                || self.by_participle(c, before_cue))
        {
            // "..., saying C" / "... and said C" / "... but said C" / "... before adding
            // C" / "... – adding C": the subject of the clause.
            let src = match prev {
                Some(p) if p.sents.end > at.si && p.source.is_some() => p.source.clone(),
                _ => self.sentence_subject(s, before_cue),
            };
            // A Title-Case headline's clause ("Woman Gets Third Boob Implanted, Wants ...")
            // is no subject: every word capitalised and one of them a verb.
            let src = src.filter(|r| {
                let words = || r.clone().filter(|&i| d.is_word(i));
                !(words().count() >= 3
                    && words().all(|i| d.cap(i) || d.digit(i))
                    && words().any(|i| {
                        self.is(i, W::VerbForm)
                            || self.is(i, W::CommonVerb)
                            || self.is(i, W::Auxiliary)
                    }))
            });
            // "X, chair of Y, said that C" with no source found: the cue and content stand.
            let that_clause = d.is_punct(before_cue, ",")
                && ((self.lw(ce) == "that" && d.is_word(ce) && !d.cap(ce)) || pronoun_clause);
            if src.is_none() && !that_clause {
                return if inverted {
                    self.inverted(at, cue_start, draft)
                } else {
                    None
                };
            }
            let c1 = self.content_right(ce, s, &e.lemma)?;
            draft.content.push(self.object_cut(c1, e.stance));
            draft.source = src;
            Some(())
        } else if let Some((src, comma)) = self.opening_participle(at) {
            // "After praising the plan, Lee said ...": the subject of the main clause.
            if comma <= ce {
                return None;
            }
            let mut end = comma;
            while end > ce + 1 && d.is_punct(end - 1, ",") {
                end -= 1;
            }
            draft.content.push(ce..end);
            draft.source = Some(src);
            Some(())
        } else if inverted {
            self.inverted(at, cue_start, draft)
        } else {
            None
        }
    }

    /// "C, said X", "“C,” said X, “C2.”": the content before the cue, the source after it.
    fn inverted(&self, at: &At, cue_start: usize, draft: &mut Draft) -> Option<()> {
        let d = self.d;
        let (e, ce, s, hi) = (at.e, at.ce, at.s, at.hi);
        let c1 = self.content_left(cue_start, s)?;
        let quoted = d.kind(c1.start) == Some(Kind::Open);
        // After the content anything but a quotation describes the speaker ("said Faiza
        // Patel, co-director of the program.", "C, said Ann Lee, a director of Y.").
        let mut src = self.source_right(ce, hi, true)?;
        // "Ann Lee, chair of the board, said the port will close": a clause goes on
        // after the noun phrase, which is the content's subject, not an inverted
        // source; the source is the subject with its description before the comma.
        if !quoted && self.clause_after(src.end, hi) {
            let c2 = self.content_right(ce, s, &e.lemma)?;
            draft.content.push(self.object_cut(c2, e.stance));
            draft.source = self.described_subject(c1);
            return Some(());
        }
        if src.end + 1 < hi && hi - src.end < WINDOW && d.is_punct(src.end, ",") {
            let rest = src.end + 1..hi;
            if rest.clone().all(|t| d.kind(t) != Some(Kind::Open))
                && !self.verbish(rest.start)
                && !self.is(rest.start, W::NpBoundary)
                && !self.is(rest.start, W::Preposition)
            {
                src = src.start..hi;
            }
        }
        draft.content.push(c1);
        if let Some(c2) = self.second_part(src.end, s, quoted) {
            draft.content.push(c2);
        }
        draft.source = Some(src);
        Some(())
    }

    /// A clause goes on at token `k` (before `hi`) after a noun phrase: a verb or an
    /// auxiliary ("the port will", "Obama failed to"), or a quotation opening.
    fn clause_after(&self, k: usize, hi: usize) -> bool {
        let d = self.d;
        if k >= hi {
            return false;
        }
        if d.kind(k) == Some(Kind::Open) {
            return true;
        }
        if !d.is_word(k) || d.cap(k) {
            return false;
        }
        let w = self.lw(k);
        if w.ends_with("ing") {
            return false;
        }
        if self.is(k, W::Auxiliary) || self.is(k, W::CommonVerb) || self.is(k, W::VerbForm) {
            return true;
        }
        // "Obama failed to", "the mayor urged the board": a past form with an object, not
        // a participle describing the phrase ("a man named Bo", "officials briefed on it").
        w.len() > 4
            && w.ends_with("ed")
            && !self.is(k, W::NamingParticiple)
            && (self.lw(k + 1) == "to"
                || self.lw(k + 1) == "that"
                || self.is(k + 1, W::Determiner)
                || self.is(k + 1, W::ObjectPronoun))
    }

    /// The subject `c1` that opens its sentence with a description set off by commas
    /// ("Ann Lee, chair of the board", "But Bo Hart, 59, of Dover"): the source of a cue
    /// after it, without a leading conjunction and a final relative clause.
    fn described_subject(&self, c1: Range<usize>) -> Option<Range<usize>> {
        let d = self.d;
        let s = d.sents.get(d.sent_of(c1.start)?)?;
        if c1.start != s.toks.start || c1.len() > MAX_SOURCE + 2 * super::MAX_APPOSITIVE {
            return None;
        }
        let mut st = c1.start;
        while st + 1 < c1.end
            && d.is_word(st)
            && matches!(self.lw(st), "but" | "and" | "yet" | "so")
        {
            st += 1;
        }
        let first_ok = d.is_word(st)
            && d.cap(st)
            && !self.is(st, W::NpBoundary)
            && !self.is(st, W::Preposition)
            && !self.is(st, W::Subordinator)
            && !self.is(st, W::SentenceAdverb)
            && !self.is(st, W::Day)
            && !self.lw(st).ends_with("ing");
        let comma = (st..c1.end).find(|&k| d.is_punct(k, ",") && !d.in_quote(k));
        let (true, Some(comma)) = (first_ok, comma) else {
            return None;
        };
        // The first part is a name or a short noun phrase: words (no verb) and the marks
        // of names ("Sen. Ada Moss (D-Ore.)", "Lee’s").
        let name_part = |k: usize| {
            if d.is_word(k) {
                d.cap(k) || !self.verbish(k)
            } else {
                [".", "(", ")", "-", "'", "’", "&"]
                    .iter()
                    .any(|p| d.is_punct(k, p))
            }
        };
        if comma == st || comma - st > MAX_SOURCE || !(st..comma).all(name_part) {
            return None;
        }
        // A final relative clause is left out ("Zeno Hart, a director, which ...").
        let mut end = c1.end;
        if let Some(k) = (comma..c1.end)
            .rev()
            .find(|&k| d.is_punct(k, ",") && matches!(self.lw(k + 1), "who" | "which" | "whose"))
        {
            if k > comma || matches!(self.lw(comma + 1), "who" | "which" | "whose") {
                end = k;
            }
        }
        (end > st).then_some(st..end)
    }

    /// "according to X": the source runs to the next comma; the content is after it at the
    /// start of a sentence ("According to X, C"), else before it ("C, according to X").
    fn according_to(&self, at: &At, draft: &mut Draft) -> Option<()> {
        let d = self.d;
        let (c, ce, s, lo, hi) = (at.c, at.ce, at.s, at.lo, at.hi);
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
        let mut src = ce..k;
        // "according to the operator, Baltic Bulk Handling, which said ...": the name in
        // apposition belongs to the source, and the relative clause is its own attribution.
        let mut relative_after = false;
        if k < hi && d.is_punct(k, ",") {
            let mut n = k + 1;
            while n < hi && n - k <= 6 && (d.cap(n) || d.is_punct(n, ".") || d.is_punct(n, "&")) {
                n += 1;
            }
            let rel = |i: usize| matches!(self.lw(i), "which" | "who");
            if n > k + 1 && n < hi && d.is_punct(n, ",") && rel(n + 1) {
                src = ce..n;
                relative_after = true;
            } else if rel(k + 1) {
                relative_after = true;
            }
        }
        let at_start =
            c == lo || (c > lo && matches!(self.lw(c - 1), "but" | "and" | "yet" | "also"));
        if at_start {
            let mut q = src.end;
            if q < hi && d.is_punct(q, ",") {
                q += 1;
            }
            if q >= hi {
                return None;
            }
            draft
                .content
                .push(self.content_right(q, s, "according to")?);
        } else {
            let c1 = self.content_left(c, s)?;
            let quoted = d.kind(c1.start) == Some(Kind::Open);
            draft.content.push(c1);
            if relative_after || !quoted {
                // The relative clause says something of its own; after an unquoted "C,
                // according to X," what follows is the writer's ("..., but the lead is
                // narrowing") or describes X ("..., a polling firm, ...").
            } else if let Some(c2) = self.second_part(src.end, s, quoted) {
                draft.content.push(c2);
            }
        }
        draft.source = Some(src);
        Some(())
    }

    /// A sentence that opens with its source: "In a poll released Monday, C" ("In" and a
    /// phrase with a `framing_noun`: poll, survey), "In her view, C" (a possessive and a
    /// `framing_opinion`: view, words), "To Ann Lee, C" ("To" and a name). The cue is the
    /// preposition, the source runs to the comma, the content is the rest of the sentence.
    pub(super) fn framing(&self, si: usize, s: &Sentence) -> Option<Draft> {
        let d = self.d;
        let lo = s.toks.start;
        let hi = self.trimmed_end(s);
        if !d.is_word(lo) || !d.cap(lo) || d.in_quote(lo) {
            return None;
        }
        let lead = self.lw(lo);
        if !matches!(lead, "in" | "to") {
            return None;
        }
        let comma = (lo + 1..hi.min(lo + 2 + MAX_SOURCE)).find(|&k| !d.is_word(k))?;
        if !d.is_punct(comma, ",") || comma == lo + 1 || comma + 1 >= hi {
            return None;
        }
        let src = lo + 1..comma;
        let ok = if lead == "in" {
            // "In her view," "In Lee's words," but not "In other words,"; no clause inside
            // ("In states where polls closed,").
            let possessive = |k: usize| {
                let w = self.lw(k);
                matches!(w, "his" | "her" | "their" | "its" | "our" | "my")
                    || (d.is_word(k) && (w.ends_with("'s") || w.ends_with('\'')))
                    || d.is_punct(k, "'")
                    || d.is_punct(k, "’")
            };
            let clause = src.clone().any(|k| !d.cap(k) && self.is(k, W::NpBoundary));
            let poll = src.clone().any(|k| !d.cap(k) && self.is(k, W::FramingNoun));
            let view = src
                .clone()
                .any(|k| k > src.start && self.is(k, W::FramingOpinion) && possessive(k - 1));
            !clause && (poll || view)
        } else {
            // "To Ann Lee," but not "To date," or "To be sure,".
            src.len() <= 4 && src.clone().all(|k| d.cap(k))
        };
        if !ok {
            return None;
        }
        let content = self.content_right(comma + 1, s, "according to")?;
        Some(Draft {
            source: Some(src),
            cue: lo..lo + 1,
            content: vec![content],
            sents: si..si + 1,
            lemma: "according to".to_string(),
            stance: Stance::Neutral,
            sourceless: false,
            cue_skip: 0,
            turn: false,
        })
    }

    /// A noun cue with a possessive source: "his statement on Wednesday that C", "the
    /// union's claim that C", "her criticism of X".
    fn noun(&self, at: &At, draft: &mut Draft) -> Option<()> {
        let d = self.d;
        let (c, ce, lo, hi) = (at.c, at.ce, at.lo, at.hi);
        if c == lo {
            return None;
        }
        let mut q = ce;
        while q < hi && q - ce < 4 && self.lw(q) != "that" && d.is_word(q) && !self.verbish(q) {
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
        Some(())
    }

    /// "X aired footage (on Monday) showing C", "X released footage of C".
    fn evidence(&self, at: &At, draft: &mut Draft) -> Option<()> {
        let (c, ce, lo, hi) = (at.c, at.ce, at.lo, at.hi);
        let (src, cue_start) = self.source_left(c, lo);
        let src = src?;
        draft.cue = cue_start..ce;
        let q = (ce..hi)
            .take(12)
            .find_map(|k| match self.lw(k) {
                "showing" | "of" | "depicting" => Some(k + 1),
                "that" if matches!(self.lw(k + 1), "shows" | "showed") => Some(k + 2),
                _ => None,
            })
            .unwrap_or(ce);
        if q >= hi {
            return None;
        }
        draft.content.push(q..hi);
        draft.source = Some(src);
        Some(())
    }

    /// "C, in the video shared by X": the cue span leaves out "in the".
    fn by_prep(&self, at: &At, draft: &mut Draft) -> Option<()> {
        let d = self.d;
        let (c, ce, lo, hi) = (at.c, at.ce, at.lo, at.hi);
        let src = self.source_right(ce, hi, false)?;
        if c <= lo || !d.is_punct(c - 1, ",") {
            return None;
        }
        draft.content.push(self.content_left(c, at.s)?);
        let mut skip = 0;
        while c + skip < ce && matches!(self.lw(c + skip), "in" | "the" | "a" | "an") {
            skip += 1;
        }
        draft.cue_skip = skip;
        draft.source = Some(src);
        Some(())
    }

    /// A passive without a source: "it is believed that C"; "she is expected to move", "the
    /// process is seen as one way ..." (the subject and what follows are the content).
    fn passive(&self, at: &At, draft: &mut Draft) -> Option<()> {
        let d = self.d;
        let (e, c, ce, lo, hi) = (at.e, at.c, at.ce, at.lo, at.hi);
        if c > lo && self.lw(c - 1) == "it" && ce < hi && self.lw(ce) == "that" {
            draft.sourceless = true;
            draft.content.push(ce..hi);
        } else if c > lo
            && (ce >= hi || self.lw(ce) == "to" || e.words.last().is_some_and(|w| w == "as"))
        {
            let p = c - 1;
            let np = if d.is_word(p) && self.is(p, W::SubjectPronoun) {
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
        Some(())
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::super::testkit::with;
    use super::super::Draft;
    use super::super::Rules;

    /// (text, cue lemma, source, cue, contents joined by " | ", sourceless)
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        bool,
    );

    fn spans(r: &Rules, d: &Draft) -> (String, String, String) {
        let src = d
            .source
            .as_ref()
            .map(|s| r.d.surface(s).to_string())
            .unwrap_or_default();
        let cue =
            r.d.surface(&(d.cue.start + d.cue_skip..d.cue.end))
                .to_string();
        let content: Vec<&str> = d.content.iter().map(|c| r.d.surface(c)).collect();
        (src, cue, content.join(" | "))
    }

    fn check(cases: &[Case]) {
        for &(text, lemma, src, cue, content, sourceless) in cases {
            with(text, |r| {
                let drafts = r.run();
                let d = drafts
                    .iter()
                    .find(|d| d.lemma == lemma)
                    .unwrap_or_else(|| panic!("{text:?}: no {lemma:?} in {drafts:?}"));
                let got = spans(r, d);
                assert_eq!(
                    (got.0.as_str(), got.1.as_str(), got.2.as_str(), d.sourceless),
                    (src, cue, content, sourceless),
                    "{text:?}"
                );
            });
        }
    }

    #[test]
    #[rustfmt::skip]
    fn verb_cues() {
        check(&[
            ("The ministry said the road was closed.", "say", "The ministry", "said",
             "the road was closed", false),
            ("The road was closed, the ministry said.", "say", "the ministry", "said",
             "The road was closed", false),
            ("“It is closed,” said Anna Berg, a spokeswoman for the port.", "say",
             "Anna Berg, a spokeswoman for the port", "said", "“It is closed,”", false),
            ("“It is closed,” the mayor said, “and it will stay closed.”", "say", "the mayor",
             "said", "“It is closed,” | “and it will stay closed.”", false),
            ("The mayor has not denied the report.", "deny", "The mayor", "has not denied",
             "the report", false),
            // "think" before "tank" is part of the source, not a cue.
            ("The Harbour Institute think tank said the port would close.", "say",
             "The Harbour Institute think tank", "said", "the port would close", false),
            ("The mayor backs Tom Hale, who runs the depot.", "back", "The mayor", "backs",
             "Tom Hale", false),
            ("The deal was first reported by the Ledger.", "report", "the Ledger",
             "was first reported", "The deal", false),
            ("“It is closed.” The mayor said.", "say", "The mayor", "said",
             "“It is closed.”", false),
            // A bracket opened before the content is not part of it.
            ("The road was open. (The mayor said the road was closed.)", "say", "The mayor",
             "said", "the road was closed", false),
            // An adverb after the name is no part of the source.
            ("Ann Lee further described the plan as a mistake.", "describe", "Ann Lee",
             "described", "the plan as a mistake", false),
            // An adverbial set off by commas after the name is no part of the source.
            ("Ann Lee, for her part, said the road was closed.", "say", "Ann Lee", "said",
             "the road was closed", false),
            ("Tom Hale, on the other hand, said the road was open.", "say", "Tom Hale", "said",
             "the road was open", false),
            // An "-ly" adverb before the content joins the cue.
            ("The mayor noted repeatedly that the road was closed.", "note", "The mayor",
             "noted repeatedly", "that the road was closed", false),
            ("The mayor said sarcastically, “It is closed.”", "say", "The mayor",
             "said sarcastically", "“It is closed.”", false),
            ("The mayor said recently the road was closed.", "say", "The mayor", "said",
             "recently the road was closed", false),
            // A particle joins the cue.
            ("The mayor called out the council for its silence.", "call", "The mayor",
             "called out", "the council for its silence", false),
            // The second part of a quotation after an addressee.
            ("“It is closed,” she told the Ledger, “and it will stay closed.”", "tell", "she",
             "told", "“It is closed,” | “and it will stay closed.”", false),
            // Inverted order without quotes: the appositive belongs to the source.
            ("The road will stay closed, said Anna Berg, a director of the port.", "say",
             "Anna Berg, a director of the port", "said", "The road will stay closed", false),
            // A lead-in before the source, a quotation after the cue.
            ("At a rally in Dover on Monday, the mayor said, “It is closed.”", "say",
             "the mayor", "said", "“It is closed.”", false),
            // 0.5.3: "X, chair of Y, said that C" is no inverted "C, said X".
            ("Ann Lee, chair of the board, said that the road was closed.", "say",
             "Ann Lee, chair of the board", "said", "that the road was closed", false),
            ("The chair of the board, after the vote, said that the road was closed.", "say",
             "", "said", "that the road was closed", false),
            // An adjunct after the speaker is no part of the source.
            ("The road will stay closed, said Anna Berg, in a statement on Monday.", "say",
             "Anna Berg", "said", "The road will stay closed", false),
            ("Several unions, including the dockers, said the road was closed.", "say",
             "Several unions, including the dockers", "said", "the road was closed", false),
            // A cue closing its paragraph with a colon: the next paragraph is the content.
            ("The mayor wrote:\n“The road is closed. It will stay closed.”", "write",
             "The mayor", "wrote", "“The road is closed. It will stay closed.”", false),
            // A particle or an adverb closing the sentence joins the cue.
            ("The mayor called upon the council to act.", "call", "The mayor", "called upon",
             "the council to act", false),
            ("“The road is closed,” the mayor wrote recently.", "write", "the mayor",
             "wrote recently", "“The road is closed,”", false),
            // A bare "-ing" cue right after a noun phrase: no source.
            ("The mayor has new polls showing a tie.", "show", "", "showing", "a tie", false),
            ("Lee is calling the plan a mistake.", "call", "Lee", "is calling",
             "the plan a mistake", false),
            // A clause goes on after the noun phrase right of the cue: no inverted "C, said
            // X"; the source is the described subject before the comma.
            ("Bo Hart, a strategist for the union whose agency, Hart Media, made the ads, said \
              its main goal was to push a deal.", "say",
             "Bo Hart, a strategist for the union whose agency, Hart Media, made the ads",
             "said", "its main goal was to push a deal", false),
        ]);
    }

    /// (lemma, source, cue, content) of every draft of `text`.
    fn all(text: &str) -> Vec<(String, String, String, String)> {
        with(text, |r| {
            r.run()
                .iter()
                .map(|d| {
                    let (s, c, k) = spans(r, d);
                    (d.lemma.clone(), s, c, k)
                })
                .collect()
        })
    }

    #[test]
    fn a_cue_inside_the_subject_gives_way_to_the_main_verb() {
        let got = all("Tom Hale, a creative writing teacher, said the port was safe.");
        assert_eq!(
            got,
            vec![(
                "say".to_string(),
                "Tom Hale, a creative writing teacher".to_string(),
                "said".to_string(),
                "the port was safe".to_string()
            )]
        );
        // A participle before "by" is no verb of the subject either.
        let got = all("A copy of the memo seen by reporters said the pay was low.");
        assert_eq!(
            got,
            vec![(
                "say".to_string(),
                "A copy of the memo seen by reporters".to_string(),
                "said".to_string(),
                "the pay was low".to_string()
            )]
        );
        // A verb of saying right after a restrictive relative clause is the main verb; its
        // subject takes the clause, and the clause's own content ends before it.
        let got = all("Friends of the mayor who have seen her at the port say that she is tired.");
        let say = got.iter().find(|a| a.0 == "say").cloned();
        assert_eq!(
            say,
            Some((
                "say".to_string(),
                "Friends of the mayor who have seen her at the port".to_string(),
                "say".to_string(),
                "that she is tired".to_string()
            )),
            "{got:?}"
        );
        let see = got.iter().find(|a| a.0 == "see").map(|a| a.3.clone());
        assert_eq!(see.as_deref(), Some("her at the port"), "{got:?}");
        // A cue with a source of its own is a clause: it stays.
        let got = all("Ann Lee stressed support for the plan the council says is late.");
        assert_eq!(got.first().map(|a| a.0.as_str()), Some("stress"), "{got:?}");
    }

    #[test]
    fn beliefs_inside_a_content_are_no_attributions() {
        let own = |v: &[(&str, &str, &str, &str)]| -> Vec<(String, String, String, String)> {
            v.iter()
                .map(|&(a, b, c, d)| (a.into(), b.into(), c.into(), d.into()))
                .collect()
        };
        // A belief inside the content on the left of the cue.
        assert_eq!(
            all("Whether they know it or not, the port is safe, the mayor insisted."),
            own(&[(
                "insist",
                "the mayor",
                "insisted",
                "Whether they know it or not, the port is safe"
            )])
        );
        // A speech cue inside a content stays an attribution of its own.
        let mut got = all("Whether they said it or not, the port is safe, the mayor insisted.");
        got.sort();
        assert_eq!(
            got,
            own(&[
                (
                    "insist",
                    "the mayor",
                    "insisted",
                    "Whether they said it or not, the port is safe"
                ),
                ("say", "they", "said", "it or not, the port is safe"),
            ])
        );
        // Outside any content a belief is an attribution.
        assert_eq!(
            all("The mayor knows the port is safe."),
            own(&[("know", "The mayor", "knows", "the port is safe")])
        );
    }

    #[test]
    #[rustfmt::skip]
    fn a_relative_before_the_source_opens_the_content() {
        check(&[
            ("The depot closed after what officials called a failure of planning.", "call",
             "officials", "called", "what officials called a failure of planning", false),
            ("The toll, which the mayor thinks will hurt trade, was approved.", "think",
             "the mayor", "thinks", "which the mayor thinks will hurt trade", false),
            // After a preposition the relative is no part of the content.
            ("The mayor spoke at a rally in which she said the road would close.", "say",
             "she", "said", "the road would close", false),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn a_pronoun_after_the_cue_is_no_inverted_source() {
        check(&[
            ("Mr. Hale, then 38, said he was told to find a deputy.", "say", "Mr. Hale",
             "said", "he was told to find a deputy", false),
            // A pronoun closing the sentence is still an inverted source.
            ("“It is closed,” said he.", "say", "he", "said", "“It is closed,”", false),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn special_verbs() {
        check(&[
            ("Asked about the delay, the mayor said nothing.", "ask about", "", "Asked about",
             "the delay", true),
            ("When asked by reporters whether she would run, the mayor smiled.", "ask", "reporters",
             "asked", "whether she would run", false),
            ("The mayor appears to be losing support.", "appear", "", "appears",
             "The mayor | to be losing support", true),
            // A subject with a description set off by commas keeps it.
            ("The mayor, who ran the port for years, seemed to be losing support.", "seem",
             "", "seemed", "The mayor | to be losing support", true),
            ("Ann Lee, a director of the port, appeared to back the plan.", "appear", "",
             "appeared", "Ann Lee, a director of the port | to back the plan", true),
        ]);
        // Not cues: a phrasal verb, a naming participle, a noun after an adjective or a
        // possessive, a compound noun ("think tank").
        for text in [
            "The mayor showed up late.",
            "A group called Friends of the Port met.",
            "The party had a strong showing in the north.",
            "His claim was false.",
            "A think tank in the capital published the figures.",
            "Two harbour think tanks met on Monday.",
        ] {
            with(text, |r| {
                let drafts = r.run();
                assert!(drafts.is_empty(), "{text:?}: {drafts:?}");
            });
        }
    }

    #[test]
    #[rustfmt::skip]
    fn participle_takes_the_subject() {
        check(&[
            ("The mayor walked out early, saying the vote was rigged.", "say", "The mayor",
             "saying", "the vote was rigged", false),
            // After "by", the subject of the clause, not the phrase before "by".
            ("The mayor ended her campaign by saying the vote was rigged.", "say", "The mayor",
             "saying", "the vote was rigged", false),
            ("Later, Lee stunned the council members by praising the plan.", "praise", "Lee",
             "praising", "the plan", false),
            // A participle clause opening the sentence: the main clause's subject (0.5.3).
            ("After praising the plan, the mayor walked out.", "praise", "the mayor",
             "praising", "the plan", false),
            ("Calling the plan “a disgrace,” Lee walked out.", "call", "Lee", "Calling",
             "the plan “a disgrace,”", false),
        ]);
    }

    #[test]
    #[rustfmt::skip]
    fn other_cue_kinds() {
        check(&[
            ("According to the police, three people were hurt.", "according to", "the police",
             "According to", "three people were hurt", false),
            ("Three people were hurt, according to the police.", "according to", "the police",
             "according to", "Three people were hurt", false),
            // After an unquoted content, what follows "according to X," is not the source's.
            ("Three people were hurt, according to the police, but the road is open.",
             "according to", "the police", "according to", "Three people were hurt", false),
            ("Ten boats sank, according to Harbour Watch, a local charity, the most in years.",
             "according to", "Harbour Watch", "according to", "Ten boats sank", false),
            // A quotation goes on after the source.
            ("“Three people were hurt,” according to the police, “and two are in hospital.”",
             "according to", "the police", "according to",
             "“Three people were hurt,” | “and two are in hospital.”", false),
            ("The union's claim that pay fell was disputed.", "claim", "The union's", "claim",
             "that pay fell was disputed", false),
            ("The station aired footage showing crowds at the gate.", "air footage",
             "The station", "aired footage", "crowds at the gate", false),
            ("Crowds gathered at the gate, in the video shared by the port.", "share video",
             "the port", "video shared by", "Crowds gathered at the gate", false),
            ("It is believed that the talks will resume.", "believe", "", "is believed",
             "that the talks will resume", true),
            ("She is expected to resign.", "expect", "", "is expected", "She | to resign",
             true),
        ]);
    }
}
