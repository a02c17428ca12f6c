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
    /// From an honorific ("Mrs. Lee") or a given name ("Ada Lee").
    gender: Gender,
}

/// A person's gender as the text shows it: from an honorific or a listed given name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Unknown,
    Female,
    Male,
}

impl Gender {
    /// A mention of gender `self` may refer to a person of gender `other`.
    fn fits(self, other: Gender) -> bool {
        self == Gender::Unknown || other == Gender::Unknown || self == other
    }
}

/// A person's name cleaned of what stood around it: the name, and the gender its honorific or
/// given name shows.
struct Name {
    name: String,
    gender: Gender,
    /// The title or honorific written before the name ("President", "Mrs.", "Sen.").
    title: Option<String>,
}

pub(crate) struct Resolver<'l> {
    lx: &'l Lexicon,
    known: Vec<Known>,
    /// Names met earlier in the current sentence, before its first source ("If Mr. Brandt
    /// wins, he said"): a pronoun prefers them.
    local: Vec<Known>,
    /// The title of the last speaker resolved from its own name ([`Resolver::take_title`]).
    title: Option<String>,
}

impl<'l> Resolver<'l> {
    pub fn new(lx: &'l Lexicon) -> Self {
        Resolver {
            lx,
            known: Vec::new(),
            local: Vec::new(),
            title: None,
        }
    }

    /// The title or honorific written before the name of the speaker just resolved
    /// ("President" of "President Ada Okafor"), kept out of the name; `None` for a pronoun or
    /// a name without one.
    pub fn take_title(&mut self) -> Option<String> {
        self.title.take()
    }

    /// Notes the names in `toks` (the start of a sentence, before its first source) as the
    /// sentence's local names, which pronouns of that sentence prefer.
    pub fn note_local(&mut self, d: &Doc, toks: Range<usize>) {
        let saved = std::mem::take(&mut self.known);
        self.known = saved.clone();
        let n = self.known.len();
        self.note_entities(d, toks);
        let mut fresh: Vec<Known> = self.known.split_off(n.min(self.known.len()));
        fresh.retain(|k| k.class == Class::Person);
        self.known = saved;
        self.local = fresh;
    }

    /// Forgets the current sentence's local names.
    pub fn clear_local(&mut self) {
        self.local.clear();
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
                // "the Harbour Post", "Washington Post": a place before an organisation's head
                // noun is part of that name, not the alias of the place.
                if let Some((n, ..)) = best {
                    if d.is_word(k + n) && d.cap(k + n) && d.is(k + n, W::OrgHead) {
                        best = None;
                    }
                }
                if let Some((n, name, class)) = best {
                    self.push(Known {
                        name,
                        class,
                        plural: false,
                        head: String::new(),
                        speaker: false,
                        proper: true,
                        gender: Gender::Unknown,
                    });
                    k += n;
                    continue;
                }
                // A run of two or more capitalised words is a name ("Maria Lopez").
                let mut e = k;
                while e < toks.end && d.is_word(e) && d.cap(e) {
                    e += 1;
                    // "the Harbour Post Lee said": the name of an organisation ends its run,
                    // so "Lee" is not taken for the surname of a "Post Lee".
                    if e - k >= 2
                        && d.is(e - 1, W::OrgHead)
                        && d.is_word(e)
                        && d.cap(e)
                        && !d.is(e, W::OrgHead)
                    {
                        break;
                    }
                }
                if e - k >= 2
                    && !matches!(d.lw(k), "the" | "a" | "an" | "but" | "and" | "in" | "on")
                {
                    let Name { name, gender, .. } = self.name(d, k..e);
                    let head = d.lw(e - 1).to_string();
                    let class = if d.is(e - 1, W::OrgHead) {
                        Class::Org
                    } else {
                        Class::Person
                    };
                    // "Mr. Obama" after "Barack Obama": the full name.
                    let name = if class == Class::Person {
                        self.full_name(&name, gender).unwrap_or(name)
                    } else {
                        name
                    };
                    self.push(Known {
                        name,
                        class,
                        plural: false,
                        head,
                        speaker: false,
                        proper: true,
                        gender,
                    });
                    k = e;
                    continue;
                }
            }
            k += 1;
        }
    }

    fn push(&mut self, new: Known) {
        let Known {
            name,
            class,
            plural,
            head,
            speaker,
            proper,
            gender,
        } = new;
        // Keep the list short and the latest mention last.
        let mut speaker = speaker;
        let mut class = class;
        let mut plural = plural;
        let mut gender = gender;
        if let Some(pos) = self.known.iter().rposition(|k| k.name == name) {
            let old = self.known.remove(pos);
            if old.speaker && !speaker {
                // A later plain mention keeps what the speaker entry knew.
                class = old.class;
                plural = old.plural;
            }
            speaker |= old.speaker;
            if gender == Gender::Unknown {
                gender = old.gender;
            }
        }
        self.known.push(Known {
            name,
            class,
            plural,
            head,
            speaker,
            proper,
            gender,
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
        let gender = match w {
            "he" | "him" | "his" => Gender::Male,
            "she" | "her" => Gender::Female,
            _ => Gender::Unknown,
        };
        if gender != Gender::Unknown {
            if let Some(k) = self
                .local
                .iter()
                .rev()
                .find(|k| !k.plural && gender.fits(k.gender))
            {
                return Some(k.name.clone());
            }
        }
        let k =
            match w {
                "he" | "him" | "his" => self
                    .find(|k| k.class == Class::Person && !k.plural && k.gender != Gender::Female),
                "she" | "her" => {
                    self.find(|k| k.class == Class::Person && !k.plural && k.gender != Gender::Male)
                }
                "it" | "its" => self
                    .find(|k| k.class != Class::Person && !k.plural && (k.proper || !possessive)),
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
        // Drop an appositive or relative clause: the name is before the first comma or dash
        // ("Ann Lee — a teacher from Dover —").
        let mut end = dateline_end(d, &src).map_or(src.start, |p| p + 1);
        while end < src.end
            && !d.is_punct(end, ",")
            && !["—", "–", "-"].iter().any(|p| d.is_punct(end, p))
            && d.kind(end) != Some(Kind::Open)
        {
            end += 1;
        }
        // "The airport's managing director, Olli Harju": a description, then the name.
        let src = match self.appositive_name(d, end, dr.source.clone()?) {
            Some(name) => name,
            None => src.start..end.max(src.start + 1).min(src.end),
        };
        let first = d.lw(src.start).to_string();
        let n = src.end - src.start;
        // Relative pronoun: the noun phrase before it.
        if n == 1 && matches!(first.as_str(), "who" | "which" | "that") {
            let mut p = src.start;
            while p > 0
                && (d.is_punct(p - 1, ",")
                    || d.kind(p - 1) == Some(Kind::Close)
                    || (is_dash(d, p - 1) && !d.is_punct(p - 1, ":")))
            {
                p -= 1;
            }
            if p > 0 {
                let mut st = p - 1;
                while st > 0 && d.is_word(st - 1) && (d.cap(st - 1) || d.lw(st - 1) == "the") {
                    st -= 1;
                }
                if d.is_word(p - 1) {
                    let name = self.name(d, st..p);
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
        // "Her brother Tom Okafor": a name after the description is the speaker.
        if n > 2 && matches!(first.as_str(), "its" | "his" | "her" | "their") {
            let mut t = src.end;
            while t > src.start + 1 && d.is_word(t - 1) && d.cap(t - 1) {
                t -= 1;
            }
            if t > src.start + 1 && t < src.end && !d.cap(t - 1) && !d.is(src.end - 1, W::OrgHead) {
                let mut name = self.name(d, t..src.end);
                if let Some(full) = self.full_name(&name.name, name.gender) {
                    name.name = full;
                }
                return Some(self.record(d, name, t..src.end));
            }
        }
        if n > 1 && matches!(first.as_str(), "its" | "his" | "her" | "their") {
            let rest = d.surface(&(src.start + 1..src.end)).to_string();
            let name = match self.pronoun(&first) {
                Some(owner) => format!("{owner}'s {rest}"),
                None => d.surface(&src).to_string(),
            };
            let name = Name {
                name,
                gender: Gender::Unknown,
                title: None,
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
                    // Only a real name ("Ada Moss", "Harbour Board"), not a description with a
                    // capital in it ("GOP presidential nominee").
                    let hit = self.find(|k| {
                        k.proper
                            && k.name.split(' ').next_back().is_some_and(|w| {
                                w.chars().next().is_some_and(|c| !c.is_lowercase())
                            })
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
        let mut name = self.name(d, src.clone());
        // A transcript's label in capitals ("PENCE:") names the person as the text does.
        if dr.turn {
            name.name = capitals_to_name(&name.name);
        }
        // "Sanders" after "Bernie Sanders": the full name met earlier in the text.
        if let Some(full) = self.full_name(&name.name, name.gender) {
            name.name = full;
        }
        Some(self.record(d, name, src))
    }

    /// With the comma at `comma` in `src`, the name that follows a lower-case description
    /// ("the airport's managing director, Olli Harju,"): two to four capitalised words up to
    /// the next comma or the end.
    fn appositive_name(&self, d: &Doc, comma: usize, src: Range<usize>) -> Option<Range<usize>> {
        if comma <= src.start || comma >= src.end || !d.is_punct(comma, ",") {
            return None;
        }
        let head = comma - 1;
        if d.cap(head) || !d.is_word(head) {
            return None;
        }
        let st = comma + 1;
        let mut e = st;
        while e < src.end
            && ((d.is_word(e) && (d.cap(e) || d.is(e, W::NameParticle))) || d.is_punct(e, "."))
        {
            e += 1;
        }
        let words = (st..e).filter(|&i| d.is_word(i)).count();
        let ends = e == src.end || d.is_punct(e, ",");
        if (2..=4).contains(&words) && ends && d.cap(st) && !d.is(e - 1, W::OrgHead) {
            Some(st..e)
        } else {
            None
        }
    }

    /// The full name of an earlier person whose surname is the one word `name`, of a gender
    /// that fits ("Mrs. Clinton" is not "Bill Clinton").
    fn full_name(&self, name: &str, gender: Gender) -> Option<String> {
        if name.contains(' ') || !name.chars().next().is_some_and(char::is_uppercase) {
            return None;
        }
        let suffix = format!(" {name}");
        self.known
            .iter()
            .rev()
            .find(|k| {
                k.class == Class::Person && k.name.ends_with(&suffix) && gender.fits(k.gender)
            })
            .map(|k| k.name.clone())
    }

    fn record(&mut self, d: &Doc, name: Name, src: Range<usize>) -> String {
        let Name {
            name,
            gender,
            title,
        } = name;
        self.title = title;
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
        self.push(Known {
            name: name.clone(),
            class,
            plural,
            head,
            speaker: true,
            proper,
            gender,
        });
        name
    }

    /// Normalises a surface source into a speaker name: drops datelines, lead words ("What
    /// Mr. Obama"), articles, titles and descriptors in front of a name, then maps aliases.
    /// The gender comes from an honorific ("Mrs.") or a listed given name.
    fn name(&self, d: &Doc, src: Range<usize>) -> Name {
        // A short bracket at the end ("Sen. Ada Moss (D-Ore.)", a party and state) is no part
        // of the name.
        let src = match (src.start..src.end).rev().find(|&i| d.is_punct(i, "(")) {
            Some(o) if o > src.start && src.end - o <= 8 && d.is_punct(src.end - 1, ")") => {
                src.start..o
            }
            _ => src,
        };
        // "A news report published Wednesday": a weekday at the end is when, not who; the
        // participle before it goes with it ("news report").
        let mut src = src;
        if src.end > src.start + 1 && d.is(src.end - 1, W::Day) {
            src.end -= 1;
            if src.end > src.start + 1 && d.lw(src.end - 1) == "on" {
                src.end -= 1;
            }
            let w = d.lw(src.end - 1);
            if src.end > src.start + 1 && !d.cap(src.end - 1) && w.len() > 4 && w.ends_with("ed") {
                src.end -= 1;
            }
        }
        let full = d.surface(&src);
        if let Some(a) = self.lx.aliases.get(full) {
            return Name {
                name: a.canonical.clone(),
                gender: Gender::Unknown,
                title: None,
            };
        }
        let mut s = dateline_end(d, &src).map_or(src.start, |p| p + 1);
        // Lead words: "What Mr. Obama", "If Mr. Trump", "For Mr. Clarke", "But Lee".
        while s + 1 < src.end && d.is_word(s) && d.cap(s) && is_lead(d, s) {
            s += 1;
        }
        while s + 1 < src.end && matches!(d.lw(s), "the" | "a" | "an") {
            s += 1;
        }
        let start = s;
        // "Russian state broadcaster Rossiya 24" => "Rossiya 24": a trailing name after
        // lower-case descriptor words; "Bill de Blasio" is one name.
        let mut t = src.end;
        while t > s
            && d.is_word(t - 1)
            && (d.cap(t - 1)
                || d.digit(t - 1)
                || (d.is(t - 1, W::NameParticle) && t - 1 > s && t < src.end && d.cap(t - 2)))
        {
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
        // A title inside: "Pennsylvania Gov. Ed Rendell", "Homeland Security Secretary Jeh
        // Johnson", "Retired Air Force Gen. Ada Ham" => the name after the last title, when a
        // name follows it (two capitalised words, or an abbreviated title, or a given name).
        if let Some(ti) = (s..src.end).rev().find(|&i| d.cap(i) && d.is(i, W::Title)) {
            let mut n = ti + 1;
            if d.is_punct(n, ".") {
                n += 1;
            }
            let rest = n..src.end;
            let abbreviated = d.lw(ti).ends_with('.');
            let caps = rest.clone().filter(|&i| d.is_word(i) && d.cap(i)).count();
            let name_like = !rest.is_empty()
                && rest.clone().all(|i| {
                    (d.is_word(i) && (d.cap(i) || d.is(i, W::NameParticle))) || d.is_punct(i, ".")
                })
                && !rest.clone().any(|i| d.is(i, W::OrgHead))
                && (abbreviated || caps >= 2 || d.is(n, W::FemaleName) || d.is(n, W::MaleName));
            if ti > s && name_like {
                s = n;
            }
        }
        let mut gender = Gender::Unknown;
        for i in src.start..s.max(start) {
            match d.lw(i) {
                "mr." | "mr" => gender = Gender::Male,
                "mrs." | "mrs" | "ms." | "ms" | "miss" => gender = Gender::Female,
                _ => {}
            }
        }
        if gender == Gender::Unknown && s + 1 < src.end {
            if d.is(s, W::FemaleName) && d.cap(s) {
                gender = Gender::Female;
            } else if d.is(s, W::MaleName) && d.cap(s) {
                gender = Gender::Male;
            }
        }
        // "Ann Lee of the Harbour Trust", "Mr. Hale of Dover": a person's name before "of"
        // is the name (as "Ann Lee, of the Harbour Trust," already is); "Bank of America"
        // is one name.
        let mut end = src.end;
        if let Some(o) = (s + 1..src.end).find(|&i| d.lw(i) == "of") {
            // A given name and a surname, or an honorific before the name.
            let person = (o >= s + 2 && (d.is(s, W::FemaleName) || d.is(s, W::MaleName)))
                || (s > src.start && gender != Gender::Unknown);
            if person && (s..o).all(|i| d.is_word(i) && d.cap(i) && !d.is(i, W::OrgHead)) {
                end = o;
            }
        }
        let name = d.surface(&(s..end));
        let name = name
            .strip_suffix("'s")
            .or_else(|| name.strip_suffix("’s"))
            .unwrap_or(name);
        // "Further footage" at the start of a sentence: a common noun phrase, not a name.
        let lowered;
        let common_first = d.is(s, W::CommonDescriptor);
        let name =
            if common_first && end - s > 1 && d.cap(s) && !d.cap(end - 1) && !d.digit(end - 1) {
                let mut c = name.chars();
                lowered = match c.next() {
                    Some(f) if !(s + 1..end).any(|i| d.cap(i)) => {
                        f.to_lowercase().chain(c).collect::<String>()
                    }
                    _ => name.to_string(),
                };
                lowered.as_str()
            } else {
                name
            };
        let name = match self.lx.aliases.get(name) {
            Some(a) => a.canonical.clone(),
            None => name.to_string(),
        };
        // The last title or honorific before the name, as written.
        let title = (src.start..s.max(start))
            .rev()
            .find(|&i| {
                d.cap(i)
                    && (d.is(i, W::Title)
                        || matches!(d.lw(i), "mr." | "mrs." | "ms." | "miss" | "dr."))
            })
            .map(|i| d.surface(&(i..i + 1)).to_string());
        Name {
            name,
            gender,
            title,
        }
    }
}

/// The dash that ends a dateline opening `src` ("WASHINGTON -- President Obama", "NEW YORK
/// (Reuters) - Ada Moss"): the last dash, when what stands before it is upper case or in
/// brackets, and a name follows.
fn dateline_end(d: &Doc, src: &Range<usize>) -> Option<usize> {
    let p = (src.start..src.end).rev().find(|&i| is_dash(d, i))?;
    let mut depth = 0i32;
    let dateline = p > src.start
        && p + 1 < src.end
        && (src.start..p).all(|i| {
            if d.is_punct(i, "(") {
                depth += 1;
            } else if d.is_punct(i, ")") {
                depth -= 1;
            }
            let w = d.surface(&(i..i + 1));
            !d.is_word(i) || depth > 0 || w.chars().all(|c| !c.is_lowercase())
        });
    dateline.then_some(p)
}

/// Token `i` is a dash that can end a dateline ("--", "—", "–", a lone "-").
fn is_dash(d: &Doc, i: usize) -> bool {
    ["--", "—", "–", "-", ":"].iter().any(|p| d.is_punct(i, p))
}

/// Token `i` is a word that opens a clause or phrase rather than a name ("What", "If", "For",
/// "Meanwhile"); "US" and "I" in capitals are names.
fn is_lead(d: &Doc, i: usize) -> bool {
    let w = d.surface(&(i..i + 1));
    if w.len() > 1 && w.chars().all(|c| !c.is_lowercase()) {
        return false;
    }
    // "Injecting Clinton into the race": a participle opening the sentence.
    let participle = d.lw(i).len() > 5 && d.lw(i).ends_with("ing");
    participle
        || (d.is(i, W::NpBoundary) && !d.is(i, W::SubjectPronoun))
        || d.is(i, W::SentenceAdverb)
        || d.is(i, W::Preposition)
        || d.is(i, W::LeadIn)
        || d.is(i, W::Day)
        || matches!(
            d.lw(i),
            "and"
                | "but"
                | "or"
                | "for"
                | "with"
                | "without"
                | "like"
                | "beyond"
                | "despite"
                | "unlike"
                | "amid"
                | "among"
                | "against"
                | "did"
                | "does"
                | "do"
                | "is"
                | "was"
                | "has"
                | "had"
                | "can"
                | "could"
                | "will"
                | "would"
                | "should"
                | "everything"
        )
}

/// A name written in capitals as a name ("JOEL BENENSON" => "Joel Benenson"); a name with a
/// lower-case letter, or of one letter ("Q"), as it is.
fn capitals_to_name(name: &str) -> String {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || name.chars().any(char::is_lowercase) {
        return name.to_string();
    }
    name.split(' ')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f
                    .to_uppercase()
                    .chain(cs.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
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
            // A weekday after a participle is when, not who.
            ("A harbour report published Wednesday said the pay was low.", &["harbour report"]),
            ("A court document released on Monday says the pay was low.", &["court document"]),
            // So does a party and state in brackets after it.
            ("Republican nominee Sen. Ada Moss (R-Ore.) said the vote was close.", &["Ada Moss"]),
            ("Ada Moss (D-Ore.) said the vote was close.", &["Ada Moss"]),
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
            // A newspaper's name run together with a surname ends at the newspaper: the
            // surname is the person met before.
            ("Ada Moss spoke in Dover.\nIn a meeting with the Harbour Post Moss said the vote was close.\nMoss said it was fair.",
             &["Ada Moss", "Ada Moss"]),
            // Also when the newspaper's first word is an alias of a place.
            ("Ada Moss spoke in Dover.\nIn a meeting with the Washington Post Moss said the vote was close.\nMoss said it was fair.",
             &["Ada Moss", "Ada Moss"]),
            // Aliases map to their canonical name.
            ("Washington said the talks would resume.", &["United States government"]),
            // A person's name before "of" is the name, so that it matches later mentions; an
            // organisation's "of" stays (extractor 0.5.38).
            ("Senator Ada Moss of Oregon said the vote was close. Moss said it was fair.",
             &["Ada Moss", "Ada Moss"]),
            ("Mr. Hale of the Harbour Trust said the vote was close.", &["Hale"]),
            ("Bank of Dover said the vote was close.", &["Bank of Dover"]),
            // A common descriptor at the start makes a common noun phrase, not a name
            // (`common_descriptor`): its capital goes.
            ("Further footage showed the harbour.", &["further footage"]),
        ];
        for &(text, want) in cases {
            assert_eq!(speakers(text), want, "{text:?}");
        }
    }
}
