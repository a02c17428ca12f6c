//! Speaker resolution: pronouns and possessives to earlier speakers, aliases to canonical names.

use super::doc::Doc;
use super::lexicon::{Class, Lexicon};
use super::rules::Draft;
use super::token::Kind;
use super::words::W;
use std::ops::Range;

/// A speaker or entity met earlier in the text.
#[derive(Debug, Clone)]
struct Known {
    name: String,
    class: Class,
    plural: bool,
    /// Surface head words in lower case ("newspaper" of "the newspaper"), for definite
    /// descriptions.
    head: String,
    /// Came from a source (not a mere mention of a name in the text).
    speaker: bool,
    /// A proper name (capitalised), which can own "its military".
    proper: bool,
}

pub(crate) struct Resolver<'l> {
    lx: &'l Lexicon,
    known: Vec<Known>,
}

impl<'l> Resolver<'l> {
    pub fn new(lx: &'l Lexicon) -> Self {
        Resolver {
            lx,
            known: Vec::new(),
        }
    }

    /// Records entities that appear in a sentence (country and organisation names of the alias
    /// table), so that "its" can find them even when they were not speakers.
    pub fn note_entities(&mut self, d: &Doc, toks: Range<usize>) {
        let mut k = toks.start;
        while k < toks.end {
            if d.cap(k) && d.is_word(k) {
                // Longest alias of up to three words starting here.
                let mut best: Option<(usize, String, Class)> = None;
                for n in 1..=3 {
                    if k + n > toks.end || !(k..k + n).all(|i| d.is_word(i)) {
                        break;
                    }
                    let s = d.surface(&(k..k + n));
                    let s = s
                        .strip_suffix("'s")
                        .or_else(|| s.strip_suffix("’s"))
                        .unwrap_or(s);
                    if let Some(a) = self.lx.aliases.get(s) {
                        best = Some((n, a.canonical.clone(), a.class));
                    }
                }
                if let Some((n, name, class)) = best {
                    self.push(name, class, false, String::new(), false, true);
                    k += n;
                    continue;
                }
                // A run of two or more capitalised words is a name ("Maria Lopez").
                let mut e = k;
                while e < toks.end && d.is_word(e) && d.cap(e) {
                    e += 1;
                }
                if e - k >= 2
                    && !matches!(d.lw(k), "the" | "a" | "an" | "but" | "and" | "in" | "on")
                {
                    let name = self.normalise(d, k..e);
                    let head = d.lw(e - 1).to_string();
                    let class = if d.is(e - 1, W::OrgHead) {
                        Class::Org
                    } else {
                        Class::Person
                    };
                    self.push(name, class, false, head, false, true);
                    k = e;
                    continue;
                }
            }
            k += 1;
        }
    }

    fn push(
        &mut self,
        name: String,
        class: Class,
        plural: bool,
        head: String,
        speaker: bool,
        proper: bool,
    ) {
        // Keep the list short and the latest mention last.
        let mut speaker = speaker;
        let mut class = class;
        let mut plural = plural;
        if let Some(pos) = self.known.iter().rposition(|k| k.name == name) {
            let old = self.known.remove(pos);
            if old.speaker && !speaker {
                // A later plain mention keeps what the speaker entry knew.
                class = old.class;
                plural = old.plural;
            }
            speaker |= old.speaker;
        }
        self.known.push(Known {
            name,
            class,
            plural,
            head,
            speaker,
            proper,
        });
        if self.known.len() > 64 {
            self.known.remove(0);
        }
    }

    /// The nearest earlier speaker that fits, else the nearest earlier named entity.
    fn find(&self, want: impl Fn(&Known) -> bool) -> Option<&Known> {
        let rev = || self.known.iter().rev();
        rev()
            .find(|k| k.speaker && want(k))
            .or_else(|| rev().find(|k| !k.speaker && want(k)))
    }

    /// Resolves the pronoun or possessive `w` (lower case) to an earlier speaker's name.
    fn pronoun(&self, w: &str) -> Option<String> {
        let possessive = matches!(w, "his" | "her" | "its" | "their" | "my");
        let k = match w {
            "he" | "she" | "him" | "his" | "her" => {
                self.find(|k| k.class == Class::Person && !k.plural)
            }
            "it" | "its" => {
                self.find(|k| k.class != Class::Person && !k.plural && (k.proper || !possessive))
            }
            "they" | "their" | "them" => self.find(|k| {
                (k.plural || k.class == Class::Org || k.class == Class::Group)
                    && (k.proper || !possessive)
            }),
            _ => None,
        }?;
        Some(k.name.clone())
    }

    /// The resolved, normalised speaker of a draft; records it for later pronouns.
    pub fn speaker(&mut self, d: &Doc, dr: &Draft) -> Option<String> {
        let src = dr.source.clone()?;
        // Drop an appositive or relative clause: the name is before the first comma.
        let mut end = src.start;
        while end < src.end && !d.is_punct(end, ",") && d.kind(end) != Some(Kind::Open) {
            end += 1;
        }
        let src = src.start..end.max(src.start + 1).min(src.end);
        let first = d.lw(src.start).to_string();
        let n = src.end - src.start;
        // Relative pronoun: the noun phrase before it.
        if n == 1 && matches!(first.as_str(), "who" | "which" | "that") {
            let mut p = src.start;
            while p > 0 && (d.is_punct(p - 1, ",") || d.kind(p - 1) == Some(Kind::Close)) {
                p -= 1;
            }
            if p > 0 {
                let mut st = p - 1;
                while st > 0 && d.is_word(st - 1) && (d.cap(st - 1) || d.lw(st - 1) == "the") {
                    st -= 1;
                }
                if d.is_word(p - 1) {
                    let name = self.normalise(d, st..p);
                    return Some(self.record(d, name, st..p));
                }
            }
            return None;
        }
        if n == 1
            && matches!(
                first.as_str(),
                "he" | "she" | "it" | "they" | "i" | "we" | "you"
            )
        {
            if let Some(name) = self.pronoun(&first) {
                return Some(name);
            }
            return Some(d.surface(&src).to_string());
        }
        // Possessive pronoun: "its military" => "Russia's military".
        if n > 1 && matches!(first.as_str(), "its" | "his" | "her" | "their") {
            let rest = d.surface(&(src.start + 1..src.end)).to_string();
            let name = match self.pronoun(&first) {
                Some(owner) => format!("{owner}'s {rest}"),
                None => d.surface(&src).to_string(),
            };
            return Some(self.record(d, name, src));
        }
        // Definite description: "the newspaper", "the official".
        // "the newspaper", "the Vermont senator", "the former official".
        let plain = (src.start + 1..src.end)
            .all(|i| d.is_word(i) && !matches!(d.lw(i), "of" | "for" | "and" | "in" | "at"));
        if (2..=4).contains(&n) && first == "the" && plain {
            let head = d.lw(src.end - 1).to_string();
            if !d.cap(src.end - 1) {
                let want_person = d.is(src.end - 1, W::PersonHead);
                let want_org = d.is(src.end - 1, W::OrgHead);
                if let Some(k) = self.find(|k| k.head == head) {
                    return Some(k.name.clone());
                }
                if want_person || want_org {
                    // Only a speaker of that kind, met earlier, that is not a bare country.
                    let hit = self.find(|k| {
                        k.proper
                            && !k.plural
                            && if want_person {
                                k.class == Class::Person
                            } else {
                                k.class == Class::Org
                            }
                    });
                    if let Some(k) = hit {
                        return Some(k.name.clone());
                    }
                }
            }
        }
        let name = self.normalise(d, src.clone());
        // "Sanders" after "Bernie Sanders": the full name met earlier in the text.
        if !name.contains(' ') && name.chars().next().is_some_and(char::is_uppercase) {
            let suffix = format!(" {name}");
            if let Some(k) = self
                .known
                .iter()
                .rev()
                .find(|k| k.class == Class::Person && k.name.ends_with(&suffix))
            {
                let full = k.name.clone();
                return Some(self.record(d, full, src));
            }
        }
        Some(self.record(d, name, src))
    }

    fn record(&mut self, d: &Doc, name: String, src: Range<usize>) -> String {
        let head = if src.end > src.start {
            d.lw(src.end - 1).to_string()
        } else {
            String::new()
        };
        let alias_class = self
            .lx
            .aliases
            .values()
            .find(|a| a.canonical == name)
            .map(|a| a.class);
        let plural = (src.start..src.end).any(|i| d.lw(i) == "and")
            || (!d.cap(src.end.saturating_sub(1)) && head.ends_with('s') && !head.ends_with("ss"));
        // Classes of the head word (the source's last token).
        let head_is = |w: W| src.end > src.start && d.is(src.end - 1, w);
        let class = if let Some(c) = alias_class {
            c
        } else if plural {
            Class::Group
        } else if head_is(W::OrgHead)
            || head.ends_with("'s")
            || (d.lw(src.start) == "the" && src.len() > 1 && d.cap(src.start + 1))
        {
            // "The Daily Ledger": a name with an article is an organisation, not a person.
            Class::Org
        } else if head_is(W::PersonHead) || d.cap(src.end.saturating_sub(1)) {
            Class::Person
        } else {
            Class::Org
        };
        let proper = d.cap(src.end.saturating_sub(1))
            || (src.start..src.end).any(|i| d.cap(i) && i > src.start);
        self.push(name.clone(), class, plural, head, true, proper);
        name
    }

    /// Normalises a surface source into a speaker name: drops articles, titles and
    /// descriptors in front of a name, then maps aliases.
    fn normalise(&self, d: &Doc, src: Range<usize>) -> String {
        let full = d.surface(&src);
        if let Some(a) = self.lx.aliases.get(full) {
            return a.canonical.clone();
        }
        let mut s = src.start;
        while s + 1 < src.end && matches!(d.lw(s), "the" | "a" | "an") {
            s += 1;
        }
        // "Russian state broadcaster Rossiya 24" => "Rossiya 24": a trailing name after
        // lower-case descriptor words.
        let mut t = src.end;
        while t > s && (d.cap(t - 1) || d.digit(t - 1)) && d.is_word(t - 1) {
            t -= 1;
        }
        let inner_word = |i: usize| {
            matches!(
                d.lw(i),
                "and" | "of" | "for" | "on" | "in" | "at" | "to" | "from" | "with" | "&"
            )
        };
        if t > s
            && t < src.end
            && (s..t).any(|i| d.is_word(i) && !d.cap(i) && !inner_word(i))
            && !(s..t).any(inner_word)
        {
            s = t;
        }
        // Titles in front of a name.
        while s + 1 < src.end && d.cap(s) && d.is(s, W::Title) && d.cap(s + 1) {
            s += 1;
            if s < src.end && d.is_punct(s, ".") {
                s += 1;
            }
        }
        let name = d.surface(&(s..src.end));
        let name = name
            .strip_suffix("'s")
            .or_else(|| name.strip_suffix("’s"))
            .unwrap_or(name);
        // "Further footage" at the start of a sentence: a common noun phrase, not a name.
        let lowered;
        let common_first = d.is(s, W::CommonDescriptor);
        let name = if common_first
            && src.end - s > 1
            && d.cap(s)
            && !d.cap(src.end - 1)
            && !d.digit(src.end - 1)
        {
            let mut c = name.chars();
            lowered = match c.next() {
                Some(f) if !(s + 1..src.end).any(|i| d.cap(i)) => {
                    f.to_lowercase().chain(c).collect::<String>()
                }
                _ => name.to_string(),
            };
            lowered.as_str()
        } else {
            name
        };
        if let Some(a) = self.lx.aliases.get(name) {
            return a.canonical.clone();
        }
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::{Extractor, Speaker};

    /// The speakers of every attribution in `text`, in order.
    fn speakers(text: &str) -> Vec<String> {
        let ex = Extractor::new().expect("embedded lexicon");
        ex.extract(text)
            .claims
            .iter()
            .filter_map(|a| match &a.speaker {
                Speaker::Named(n) => Some(n.clone()),
                Speaker::Unknown => Some("?".to_string()),
                Speaker::Outlet => None,
            })
            .collect()
    }

    #[test]
    #[rustfmt::skip]
    fn speakers_are_resolved_and_normalised() {
        // (text, speakers in order)
        let cases: &[(&str, &[&str])] = &[
            // Titles in front of a name go (`title` in words.tsv).
            ("Sen. Ada Moss said the vote was close.", &["Ada Moss"]),
            // A pronoun resolves to the last person; "it" to the last organisation.
            ("Ada Moss said the vote was close. She said it was fair.", &["Ada Moss", "Ada Moss"]),
            ("The Harbour Board said fees would rise. It said the rise was small.",
             &["Harbour Board", "Harbour Board"]),
            // A definite description with a person or organisation head (`person_head`,
            // `org_head`) resolves to the last speaker of that kind.
            ("The Portmere Ledger reported the sale. The newspaper said it was final.",
             &["Portmere Ledger", "Portmere Ledger"]),
            // A surname resolves to the full name met before.
            ("Ada Moss said the vote was close. Moss said it was fair.", &["Ada Moss", "Ada Moss"]),
            // Aliases map to their canonical name.
            ("Washington said the talks would resume.", &["United States government"]),
            // A common descriptor at the start makes a common noun phrase, not a name
            // (`common_descriptor`): its capital goes.
            ("Further footage showed the harbour.", &["further footage"]),
        ];
        for &(text, want) in cases {
            assert_eq!(speakers(text), want, "{text:?}");
        }
    }
}
