//! The pass over the text: match cue forms sentence by sentence, build an attribution at each,
//! keep reported speech inside an earlier content out of the way, and let a direct quotation
//! run on over the quoted sentences that follow it.

use super::{Draft, Rules};
use crate::extract::doc::NONE;
use crate::extract::lexicon::CueKind;
use crate::extract::token::{Kind, Sentence};
use crate::extract::words::W;
use std::ops::Range;

impl Rules<'_, '_> {
    /// Attributions found at cues, in text order (before quote continuation).
    pub(super) fn scan(&self) -> Vec<Draft> {
        let d = self.d;
        let mut out: Vec<Draft> = Vec::new();
        for (si, s) in d.sents.iter().enumerate() {
            if d.boiler_line(s.line) {
                continue;
            }
            let mut k = s.toks.start;
            // Reported speech inside the content of an earlier cue ("X said he wants Y") is
            // part of that content: PolNeAR does not annotate it separately.
            let mut inside: Range<usize> = 0..0;
            // A headline's "Speaker: content" or "content - Speaker" comes first.
            if let Some(dr) = self.headline_colon(si, s) {
                if let Some(c) = dr.content.first() {
                    if c.start >= dr.cue.end {
                        k = dr.cue.end;
                        inside = self.before_colon(c.clone());
                    } else {
                        inside = c.clone();
                    }
                }
                out.push(dr);
            } else if let Some(dr) = self.speaker_label(si, s) {
                // "Q: You said the port would close?": a cue after the label is an
                // attribution of its own (PolNeAR marks those inside a speaker's turn).
                k = dr.cue.end;
                out.push(dr);
            } else if let Some(dr) = self.framing(si, s) {
                // "In a poll released Monday, C": the source opens the sentence; a cue
                // inside C ("most voters said ...") is an attribution of its own.
                if let Some(c) = dr.content.first() {
                    k = c.start;
                }
                out.push(dr);
            }
            // "“...” ― Ada Moss": the quotation's own sentences hold no cue outside quotes.
            if let Some(dr) = self.signed_quote(si, s) {
                k = s.toks.end;
                out.push(dr);
            }
            while k < s.toks.end {
                // Only the first word of a cue form, outside quotes, can start a cue.
                if d.in_quote(k) || !d.is_word(k) || !self.is(k, W::CueHead) {
                    k += 1;
                    continue;
                }
                // A coordinated clause ("..., but he said C", "... and said C") is a new
                // attribution even inside an earlier content; that content ends before it.
                let mut cut = NONE;
                let mut keep_whole = false;
                let mut replaces = false;
                let mut subject = NONE;
                let restrictive = |k| self.main_after_restrictive(k, s.toks.start, out.last());
                if !inside.contains(&k) {
                    // Outside an earlier content: a cue of its own.
                } else if self.cue_in_subject(k, s.toks.start, out.last()) {
                    replaces = true;
                } else if let Some(st) = restrictive(k) {
                    subject = st;
                } else {
                    let main = self.main_after_relative(k, s.toks.start, out.last());
                    let coord = self.coordinated(k, s.toks.start);
                    // "X says he will act and tell them ...": a cue after "and" of another
                    // verb form than the attribution before is an attribution of its own,
                    // but the earlier content goes on over it.
                    keep_whole = main.is_none()
                        && coord.is_some_and(|at| !self.same_clause_form(k, at, out.last()));
                    match main.or(coord) {
                        Some(at) => cut = at,
                        // "X did C hours after Y said D": an attribution of its own inside
                        // the content, which goes on over it.
                        None if self.subordinate(k, s.toks.start) => {}
                        None => {
                            k += 1;
                            continue;
                        }
                    }
                }
                match self.cue_at(k, si, s, out.last()) {
                    Some((mut dr, ce, next)) => {
                        if replaces {
                            out.pop();
                        }
                        if subject != NONE {
                            // The relative clause ends where the cue (with its adverbs)
                            // starts.
                            dr.source = Some(subject..dr.cue.start);
                            cut = dr.cue.start;
                        }
                        if cut != NONE && !keep_whole {
                            if let Some(prev) = out.last_mut() {
                                self.end_content_before(prev, cut);
                            }
                        }
                        if let Some(c) = dr.content.first() {
                            if c.start >= ce {
                                inside = self.before_colon(c.clone());
                            }
                        }
                        out.push(dr);
                        k = next;
                    }
                    None => k += 1,
                }
            }
        }
        out
    }

    /// The part of content `c` before its first colon or semicolon outside quotes: a cue
    /// after that starts a new attribution.
    fn before_colon(&self, c: Range<usize>) -> Range<usize> {
        let d = self.d;
        let stop = c
            .clone()
            .find(|&t| (d.is_punct(t, ":") || d.is_punct(t, ";")) && !d.in_quote(t));
        c.start..stop.unwrap_or(c.end)
    }

    /// The attribution of the longest cue form that starts at token `k` and builds, with the
    /// end of the matched form and the token to go on from.
    fn cue_at(
        &self,
        k: usize,
        si: usize,
        s: &Sentence,
        prev: Option<&Draft>,
    ) -> Option<(Draft, usize, usize)> {
        let d = self.d;
        let cands = self.lx.by_first.get(self.lw(k))?;
        // A capitalised cue word is only a cue at sentence start ("According to"), or in a
        // headline, never a name ("Hope" is a name).
        if d.cap(k) && k != s.toks.start && !d.title_line(s.line) {
            return None;
        }
        for &ci in cands {
            let Some(e) = self.lx.entries.get(ci) else {
                continue;
            };
            let n = e.words.len();
            if k + n > s.toks.end {
                continue;
            }
            let matches = e.words.iter().enumerate().all(|(m, w)| {
                let t = k + m;
                d.is_word(t) && !d.in_quote(t) && self.lw(t) == w
            });
            if !matches {
                continue;
            }
            if let Some(dr) = self.build(e, k, k + n, si, prev) {
                // After "aired footage showing C" go on inside C, past "showing".
                let next = if e.kind == CueKind::Evidence {
                    dr.content.first().map_or(k + n, |r| r.start.max(k + n))
                } else {
                    k + n
                };
                return Some((dr, k + n, next));
            }
        }
        None
    }

    /// Ends the first content of `prev` before the coordinated clause that starts at `cut`.
    fn end_content_before(&self, prev: &mut Draft, cut: usize) {
        let d = self.d;
        let mut end = cut;
        while end > 0 && (d.is_punct(end - 1, ",") || d.is_punct(end - 1, ";")) {
            end -= 1;
        }
        if let Some(c) = prev.content.first_mut() {
            if c.start < end && end < c.end {
                c.end = end;
            }
        }
    }

    /// If the cue at `k` opens a coordinated clause ("but he said", "and said", "; she
    /// added"), the token where that clause starts.
    pub(super) fn coordinated(&self, k: usize, lo: usize) -> Option<usize> {
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
        // "... but on Tuesday wrote C": the conjunction before a time phrase.
        if src.is_none() {
            if let Some(c) = self.conjunction_before_time(b, lo) {
                return Some(c);
            }
        }
        // "X said C, adding D", "X said C before adding D", "C – saying D": a participle
        // clause of the same speaker.
        if src.is_none() && self.participle_after(k, b) {
            // After `,”` the earlier content keeps its closing quote.
            return Some(if d.kind(b) == Some(Kind::Close) {
                at
            } else {
                b
            });
        }
        // "When X pointed out C, Y said D": the main clause after a subordinate one that
        // opens the sentence.
        if src.is_some() && d.is_punct(b, ",") && d.cap(lo) && self.is(lo, W::Subordinator) {
            return Some(b);
        }
        // A parenthetical or closing "..., he said," / "..., the senator said." is the main
        // attribution of the sentence, not reported speech inside another content.
        if src.is_some() && (d.is_punct(b, ",") || d.kind(b) == Some(Kind::Close)) {
            let mut q = k + 1;
            while d.is_word(q) && self.is(q, W::CueHead) && q < k + 3 {
                q += 1;
            }
            let s = d.sent_of(k).and_then(|i| d.sents.get(i))?;
            let hi = self.trimmed_end(s);
            if q >= hi || d.is_punct(q, ",") {
                return Some(b);
            }
        }
        None
    }

    /// A coordinated cue at `k` (its clause starting at `at`) that goes on the attribution
    /// `prev` ("X said C and called D") has the verb form of `prev`'s cue; one of another
    /// form ("X says he will act and showing ...", "X says he'd go and tell them") goes on
    /// the clause inside the content instead.
    fn same_clause_form(&self, k: usize, at: usize, prev: Option<&Draft>) -> bool {
        let d = self.d;
        if !(d.is_word(at) && self.lw(at) == "and") {
            return true;
        }
        // Only a cue right after the conjunction (no source of its own).
        if at + 1 != k {
            return true;
        }
        let Some(p) = prev else { return true };
        let f = form_class(self.lw(k));
        p.cue
            .clone()
            .any(|i| d.is_word(i) && form_class(self.lw(i)) == f)
    }

    /// "The mayor, who did not say C, said D": when the attribution before (`prev`) has a
    /// relative pronoun as its source and the cue at `k` follows a comma with a source that
    /// reaches back over that pronoun, the cue is the main verb; the comma where the relative
    /// clause ends.
    pub(super) fn main_after_relative(
        &self,
        k: usize,
        lo: usize,
        prev: Option<&Draft>,
    ) -> Option<usize> {
        let d = self.d;
        let rel = prev?.source.clone()?;
        if rel.len() != 1 || !matches!(self.lw(rel.start), "who" | "which") {
            return None;
        }
        let (src, cue_start) = self.source_left(k, lo);
        let src = src?;
        let b = cue_start.checked_sub(1)?;
        (d.is_punct(b, ",") && src.start < rel.start && b > rel.start).then_some(b)
    }

    /// "Sexton, a creative writing professor, said C" ("writing" read as a cue), "a copy of
    /// the memo seen by reporters said C": the attribution before (`prev`, in the same
    /// sentence) has its cue inside the source of the cue at `k`, which is then the
    /// sentence's main verb and the one attribution.
    fn cue_in_subject(&self, k: usize, lo: usize, prev: Option<&Draft>) -> bool {
        let Some(p) = prev else { return false };
        if p.cue.start < lo || p.cue.end > k {
            return false;
        }
        // Only a verb of saying as the main verb, over a cue with no source of its own: a
        // cue with a subject ("Rubio pushed back on those claims") is a clause, and one in
        // a relative clause ("Ann Lee, who argued C, said D") an attribution of its own.
        // A participle before "by" ("the memo seen by reporters said C") is no verb of its
        // subject either.
        let passive = p.cue.len() == 1 && self.lw(p.cue.end) == "by";
        if !self.verb_of_saying(k) || (p.source.is_some() && !passive) {
            return false;
        }
        match self.source_left(k, lo).0 {
            Some(src) => src.start <= p.cue.start && p.cue.end <= src.end,
            None => false,
        }
    }

    /// The finite verb of saying that can be a sentence's main verb after a subject holding
    /// another cue: "said", "says", "say", "told", "tells".
    fn verb_of_saying(&self, k: usize) -> bool {
        matches!(self.lw(k), "said" | "says" | "say" | "told" | "tells")
    }

    /// "Groups that have endorsed him say C", "Friends who have seen him recently say C":
    /// the attribution before (`prev`) has a relative pronoun as its source, and the verb of
    /// saying at `k` follows its clause with no comma: it is the main verb, and its subject
    /// the noun phrase before the pronoun with the relative clause. Returns where that
    /// subject starts.
    fn main_after_restrictive(&self, k: usize, lo: usize, prev: Option<&Draft>) -> Option<usize> {
        let d = self.d;
        let p = prev?;
        let rel = p.source.clone()?;
        if rel.len() != 1 || !matches!(self.lw(rel.start), "who" | "that") || rel.start <= lo {
            return None;
        }
        if !self.verb_of_saying(k) || p.cue.end > k {
            return None;
        }
        // One clause: words only (an apostrophe inside a name) up to the verb.
        let plain =
            (rel.start..k).all(|t| d.is_word(t) || d.is_punct(t, "’") || d.is_punct(t, "'"));
        if !plain || self.is(k - 1, W::Subordinator) || self.lw(k - 1) == "and" {
            return None;
        }
        let np = self.np_left(rel.start - 1, lo)?;
        (np.end == rel.start).then_some(np.start)
    }

    /// The cue at `k` has a source right after a subordinator ("hours after the union said").
    /// A bare form ("after a long harbour dispute over ...") is more often a noun: no.
    pub(super) fn subordinate(&self, k: usize, lo: usize) -> bool {
        let d = self.d;
        let w = self.lw(k);
        let bare = self.lx.by_first.get(w).is_some_and(|es| {
            es.iter()
                .any(|&i| self.lx.entries.get(i).is_some_and(|e| e.lemma == w))
        });
        if bare {
            return false;
        }
        match self.source_left(k, lo).0 {
            Some(r) if r.start > lo => {
                let b = r.start - 1;
                d.is_word(b) && !d.cap(b) && self.is(b, W::Subordinator)
            }
            _ => false,
        }
    }

    /// Adds to a direct attribution the quotations that follow it in the same paragraph, or
    /// that make up the whole next paragraph, when no other cue claims them.
    pub(super) fn continue_quotes(&self, drafts: &mut [Draft]) {
        for i in 0..drafts.len() {
            // The next attribution that could claim the quotations: one inside the last
            // sentence of this one without a quotation of its own ("said Ann Lee, who wrote
            // about it in her book. “...”") leaves them to this one.
            // At most `LOOKAHEAD` drafts are looked at (linear time on a text of one endless
            // sentence); past them the next draft's start is taken, as with no such cue.
            const LOOKAHEAD: usize = 16;
            let next_start = match drafts.get(i) {
                Some(dr) => {
                    let claims = |n: &&Draft| {
                        n.sents.end > dr.sents.end
                            || n.content
                                .first()
                                .is_some_and(|r| self.d.kind(r.start) == Some(Kind::Open))
                    };
                    match drafts.iter().skip(i + 1).take(LOOKAHEAD).find(claims) {
                        Some(n) => n.sents.start,
                        None if drafts.len() > i + 1 + LOOKAHEAD => {
                            drafts.get(i + 1).map_or(usize::MAX, |n| n.sents.start)
                        }
                        None => usize::MAX,
                    }
                }
                None => continue,
            };
            let Some(dr) = drafts.get_mut(i) else {
                continue;
            };
            for (q, sents_end) in self.following_quotes(dr, next_start) {
                dr.content.push(q);
                dr.sents.end = sents_end;
            }
        }
    }

    /// The attribution `dr` asks a question: its cue is "ask" or its last quotation ends
    /// with a question mark.
    fn asks(&self, dr: &Draft) -> bool {
        let d = self.d;
        if dr.lemma == "ask" {
            return true;
        }
        dr.content.last().is_some_and(|r| {
            (r.start..r.end)
                .rev()
                .find(|&k| d.kind(k) != Some(Kind::Close))
                .is_some_and(|k| d.is_punct(k, "?"))
        })
    }

    /// The quotations that continue the direct attribution `dr`, each with the end of the
    /// sentence range it takes `dr` to; `next_start` is the first sentence of the next
    /// attribution.
    fn following_quotes(&self, dr: &Draft, next_start: usize) -> Vec<(Range<usize>, usize)> {
        let d = self.d;
        let mut out = Vec::new();
        let direct = dr.content.first().is_some_and(|r| {
            d.kind(r.start) == Some(Kind::Open)
                // "The plan is “dead,” she said.": text before the quotation.
                || (r.end > r.start
                    && d.kind(r.end - 1) == Some(Kind::Close)
                    && d.quote_start(r.end - 1) != NONE
                    && d.quote_start(r.end - 1) >= r.start)
        });
        if !direct || dr.sourceless {
            return out;
        }
        // The attribution must close its sentence ("..., he said.").
        let Some(last_sent) = dr.sents.end.checked_sub(1).and_then(|i| d.sents.get(i)) else {
            return out;
        };
        let last_tok = dr
            .content
            .iter()
            .map(|r| r.end)
            .chain(dr.source.iter().map(|r| r.end))
            .chain(std::iter::once(dr.cue.end))
            .max()
            .unwrap_or(0);
        // Only punctuation, or a short addressee or time ("Nega told me.", "he told CNN
        // on Monday."), may follow.
        let rest = last_tok..last_sent.toks.end;
        // A title in quotes that closes in the rest ("told NBC’s “Today”") is no quotation.
        let open_quote = |k: usize| {
            d.kind(k) == Some(Kind::Open) && {
                let e = d.quote_end(k);
                e == NONE || e >= rest.end
            }
        };
        if rest.len() > 40 || rest.clone().any(open_quote) {
            return out;
        }
        let line0 = last_sent.line;
        let mut lines_used = 0;
        let mut si = dr.sents.end;
        while si < next_start {
            let Some(s) = d.sents.get(si) else {
                break;
            };
            let mut q = s.toks.start;
            let lead = q;
            // "Now, “the vote is close.”": in the same paragraph a few words may open the
            // sentence before the quotation.
            if s.line == line0 && d.kind(q) != Some(Kind::Open) {
                let mut k = q;
                while k < s.toks.end && k - q < 8 && (d.is_word(k) || d.is_punct(k, ",")) {
                    k += 1;
                }
                if k > q && k < s.toks.end && d.kind(k) == Some(Kind::Open) {
                    q = k;
                }
            }
            if d.kind(q) != Some(Kind::Open) {
                break;
            }
            if s.line != line0 {
                // Next paragraph: only one, only when it is all quotation, and not after a
                // question (the quoted paragraph after "“...?” X asked." is the reply of
                // another speaker in a dialogue).
                if lines_used > 0 || !self.quote_fills_line(q, s.line) || self.asks(dr) {
                    break;
                }
                lines_used += 1;
            }
            let Some(qs) = self.quote_span(q) else {
                break;
            };
            let end = qs.end;
            // The quotation must fill its sentence(s): nothing but punctuation after it.
            let es = d.sent_of_clamped(end.saturating_sub(1));
            let Some(s_end) = d.sents.get(es).map(|s| s.toks.end) else {
                break;
            };
            let mut k = end;
            while k < s_end && d.kind(k) == Some(Kind::Punct) {
                k += 1;
            }
            if k < s_end {
                break;
            }
            out.push((lead..end, es + 1));
            si = es + 1;
        }
        out
    }

    /// The quotation opened at `q` closes on its line `line`, with nothing but punctuation
    /// after it there.
    fn quote_fills_line(&self, q: usize, line: u32) -> bool {
        let d = self.d;
        let e = d.quote_end(q);
        if e == NONE || e >= d.tk.toks.len() {
            return false;
        }
        let mut k = e + 1;
        while d.line(k) == Some(line) && d.kind(k) == Some(Kind::Punct) {
            k += 1;
        }
        d.line(k) != Some(line)
    }
}

/// Irregular past forms of cue verbs (for [`form_class`]).
const IRREGULAR_PAST: &[&str] = &[
    "said",
    "told",
    "wrote",
    "thought",
    "felt",
    "knew",
    "saw",
    "gave",
    "made",
    "took",
    "spoke",
    "held",
    "found",
    "came",
    "went",
    "did",
    "got",
    "became",
    "brought",
    "meant",
    "left",
    "led",
    "sought",
    "taught",
    "struck",
    "swore",
    "put",
    "hit",
    "read",
    "set",
    "upheld",
    "withheld",
    "forecast",
    "foresaw",
    "stood",
    "understood",
];

/// The inflection of a verb form: 0 "-ing", 1 past, 2 "-s", 3 other (base).
fn form_class(w: &str) -> u8 {
    if w.len() > 4 && w.ends_with("ing") {
        0
    } else if (w.len() > 3 && w.ends_with("ed")) || IRREGULAR_PAST.contains(&w) {
        1
    } else if w.len() > 2 && w.ends_with('s') && !w.ends_with("ss") {
        2
    } else {
        3
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::super::testkit::{at, with};

    /// (lemma, content joined by " | ") of every draft.
    fn summary(text: &str) -> Vec<(String, String)> {
        with(text, |r| {
            r.run()
                .iter()
                .map(|d| {
                    let c: Vec<&str> = d.content.iter().map(|c| r.d.surface(c)).collect();
                    (d.lemma.clone(), c.join(" | "))
                })
                .collect()
        })
    }

    #[test]
    fn verb_form_classes() {
        let cases: &[(&str, u8)] = &[
            ("saying", 0),
            ("said", 1),
            ("called", 1),
            ("told", 1),
            ("says", 2),
            ("tells", 2),
            ("discuss", 3),
            ("tell", 3),
        ];
        for &(w, want) in cases {
            assert_eq!(super::form_class(w), want, "{w:?}");
        }
    }

    #[test]
    fn scan_finds_cues_in_order() {
        // (text, [(lemma, content)])
        let cases: &[(&str, &[(&str, &str)])] = &[
            // Reported speech inside a content is part of it.
            (
                "The mayor said residents believe the port is safe.",
                &[("say", "residents believe the port is safe")],
            ),
            // A coordinated clause is a new attribution and ends the content before it.
            (
                "The mayor said the port is safe, but the union said it is not.",
                &[("say", "the port is safe"), ("say", "it is not")],
            ),
            // Cues inside quotes are not cues.
            (
                "“They said no,” the mayor said.",
                &[("say", "“They said no,”")],
            ),
            // A capitalised cue word inside a sentence is a name.
            ("The mayor met Hope Berg on Monday.", &[]),
            // Boilerplate lines give nothing.
            ("Sign up to hear what the mayor said about it.", &[]),
            // A cue after "and" of the verb form of the attribution before goes on it and
            // ends its content; one of another form is a clause inside that content, which
            // goes on over it.
            (
                "The mayor said the port was safe and called the union reckless.",
                &[("say", "the port was safe"), ("call", "the union reckless")],
            ),
            (
                "The mayor says she will meet the union and tell them the port is safe.",
                &[
                    (
                        "say",
                        "she will meet the union and tell them the port is safe",
                    ),
                    ("tell", "the port is safe"),
                ],
            ),
            // (A belief or confirmation such as "showing" inside that content is then
            // dropped: `drop_nested_beliefs`.)
            (
                "The mayor says the port is unsafe and showing its age.",
                &[("say", "the port is unsafe and showing its age")],
            ),
        ];
        for &(text, want) in cases {
            let got = summary(text);
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(l, c)| (l.to_string(), c.to_string()))
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    /// (lemma, source, content)
    type Roles<'a> = (&'a str, &'a str, &'a str);

    /// (lemma, source, content joined by " | ") of every draft.
    fn roles(text: &str) -> Vec<(String, String, String)> {
        with(text, |r| {
            r.run()
                .iter()
                .map(|d| {
                    let c: Vec<&str> = d.content.iter().map(|c| r.d.surface(c)).collect();
                    let s = d.source.as_ref().map_or("", |s| r.d.surface(s));
                    (d.lemma.clone(), s.to_string(), c.join(" | "))
                })
                .collect()
        })
    }

    #[test]
    #[rustfmt::skip]
    fn participles_and_opening_sources() {
        // (text, [(lemma, source, content)])
        let cases: &[(&str, &[Roles])] = &[
            // A participle after a dash or "before" takes the subject of the clause.
            ("The mayor changed her mind – saying the port would stay open.",
             &[("say", "The mayor", "the port would stay open")]),
            ("The mayor waited for an hour before adding that the port would stay open.",
             &[("add", "The mayor", "that the port would stay open")]),
            // Inside an earlier quotation content, a participle clause is its own attribution.
            ("The mayor said it was “a fine port,” adding that it would stay open.",
             &[("say", "The mayor", "it was “a fine port,”"),
               ("add", "The mayor", "that it would stay open")]),
            // A subordinate clause and a main clause with speakers of their own; the content
            // around a subordinate clause goes on over it.
            ("The port reopened hours after the union said it would strike.",
             &[("say", "the union", "it would strike")]),
            ("The mayor said the port reopened after the union said it would strike.",
             &[("say", "The mayor", "the port reopened after the union said it would strike"),
               ("say", "the union", "it would strike")]),
            // The main verb after a relative clause with a cue of its own.
            ("The mayor, who did not say that the port was closed, said on Monday that it was late.",
             &[("say", "who", "that the port was closed"),
               ("say", "The mayor", "that it was late")]),
            ("Ann Lee, who argued that taxes should fall, told the council the port was safe.",
             &[("argue", "who", "that taxes should fall"),
               ("tell", "Ann Lee, who argued that taxes should fall", "the port was safe")]),
            // A bare verb form there is a noun.
            ("The mayor said the port reopened after a long harbour dispute over the fees.",
             &[("say", "The mayor", "the port reopened after a long harbour dispute over the fees")]),
            ("When the mayor pointed out that the port was closed, the union said it would strike.",
             &[("point out", "the mayor", "that the port was closed"),
               ("say", "the union", "it would strike")]),
            // "..., but said C": the subject of the first clause.
            ("The mayor waited a week but said the port would be sold.",
             &[("say", "The mayor", "the port would be sold")]),
            // "In <a poll>, C" and "To <name>, C": the opening phrase is the source.
            ("In a harbour survey released Monday, most dockers were on strike.",
             &[("according to", "a harbour survey released Monday", "most dockers were on strike")]),
            ("In her view, the port is safe.",
             &[("according to", "her view", "the port is safe")]),
            ("To Ann Lee, the bridge is a symbol of the town.",
             &[("according to", "Ann Lee", "the bridge is a symbol of the town")]),
            // Not a source: a time, an infinitive, a place.
            ("In the morning, the port is busy.", &[]),
            ("In other words, the port is busy.", &[]),
            ("In states where polls closed early, the port is busy.", &[]),
            ("To be sure, the port is busy.", &[]),
            ("In Dover, the port is busy.", &[]),
        ];
        for &(text, want) in cases {
            let got = roles(text);
            let want: Vec<(String, String, String)> = want
                .iter()
                .map(|(l, s, c)| (l.to_string(), s.to_string(), c.to_string()))
                .collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn coordinated_clause_starts() {
        // (sentence, cue word, word the clause starts at, or "" for none)
        let cases: &[(&str, &str, &str)] = &[
            (
                "The port is safe, but the union said it is not.",
                "said",
                "but",
            ),
            ("The port is safe; the union said it is not.", "said", ";"),
            ("The port is safe, the union said.", "said", ","),
            (
                "The port is safe, the union said yesterday in a long letter.",
                "said",
                "",
            ),
            ("The union said it is not.", "said", ""),
            // The main clause after a sentence-opening subordinate clause.
            (
                "When the mayor pointed out the cost, the union said it would strike.",
                "said",
                ",",
            ),
            // A participle after a comma, a dash or "before".
            ("The port is safe, adding a berth.", "adding", ","),
            ("The port is safe – adding a berth.", "adding", "–"),
            ("The mayor spoke before adding a berth.", "adding", "before"),
        ];
        for &(text, cue, want) in cases {
            with(text, |r| {
                let k = at(r, cue);
                let got = r.coordinated(k, 0).map(|b| r.d.lw(b).to_string());
                assert_eq!(got.unwrap_or_default(), want, "{text:?}");
            });
        }
    }

    #[test]
    fn quotes_continue_a_direct_attribution() {
        let text = "“The port is safe,” the mayor said. “It will stay open.”\n“We have the money.”\n“And the staff.”";
        let got = summary(text);
        assert_eq!(
            got,
            vec![(
                "say".to_string(),
                "“The port is safe,” | “It will stay open.” | “We have the money.”".to_string()
            )],
            "one more sentence on the line and one whole next paragraph, no more"
        );
        // An indirect attribution takes no quotes that follow.
        let got = summary("The mayor said the port is safe. “It will stay open.”");
        assert_eq!(
            got,
            vec![("say".to_string(), "the port is safe".to_string())]
        );
        // Text before the quotation: still a direct attribution.
        let got = summary("The port is “safe,” the mayor said. “It will stay open.”");
        assert_eq!(
            got,
            vec![(
                "say".to_string(),
                "The port is “safe,” | “It will stay open.”".to_string()
            )]
        );
        // A few words may open the next sentence of the paragraph before its quotation.
        let got = summary("“The port is safe,” the mayor said. Now, “it will stay open.”");
        assert_eq!(
            got,
            vec![(
                "say".to_string(),
                "“The port is safe,” | Now, “it will stay open.”".to_string()
            )]
        );
        // Not in the next paragraph.
        let got = summary(
            "“The port is safe,” the mayor said.
Now, “it will stay open.”",
        );
        assert_eq!(got[0].1, "“The port is safe,”");
        // A next paragraph that goes on after its quote is not taken.
        let got = summary("“The port is safe,” the mayor said.\n“It will stay open,” she added.");
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].1, "“The port is safe,”");
    }

    #[test]
    #[rustfmt::skip]
    fn quotes_continue_past_what_describes_the_speaker() {
        // (text, lemma of the direct attribution, its contents joined by " | ")
        let cases: &[(&str, &str, &str)] = &[
            // A cue in a relative clause about the speaker does not claim the next quote.
            ("“The port is safe,” said Ann Lee, who wrote about the port in her book. “It will stay open.”",
             "say", "“The port is safe,” | “It will stay open.”"),
            // A title in quotes after the cue is no quotation of the speaker.
            ("“The port is safe,” Ann Lee told the “Harbour Hour” on Monday. “It will stay open.”",
             "tell", "“The port is safe,” | “It will stay open.”"),
            // A speaker described at length still gets the quote that follows.
            ("“The port is safe,” said Ann Lee, a former director of the northern harbour board and a member of the council since the floods of the last decade. “It will stay open.”",
             "say", "“The port is safe,” | “It will stay open.”"),
        ];
        for &(text, lemma, want) in cases {
            let got = summary(text);
            assert!(got.iter().any(|(l, c)| l == lemma && c == want), "{text:?}: {got:?}");
        }
    }
}
