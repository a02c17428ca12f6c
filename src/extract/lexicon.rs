//! The data the rules run on: cue lexicon, hedges, word classes, boilerplate phrases and speaker
//! aliases, parsed from the TSV files under `seeds/` and checked once, when an extractor is
//! built. A bad line is a [`LexiconError`] naming the file and the line, never a silently
//! smaller lexicon.

use super::words::{Classes, W};
use super::Stance;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: a small, fast hash for short keys. The keys come from our own data files and the
/// lookups only read, so hash flooding is not a concern.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;
pub(crate) type FastSet<K> = HashSet<K, BuildHasherDefault<Fnv>>;

/// How a cue relates to its source and content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CueKind {
    /// A verb: "X said C", "C, X said", "X wants C".
    Verb,
    /// "according to X".
    Prep,
    /// A noun with a possessive source and a that-clause: "X's claim that C".
    Noun,
    /// A verb phrase that presents footage: "X aired footage showing C".
    Evidence,
    /// A phrase that ends in "by": "C, in the video shared by X".
    ByPrep,
    /// A passive without source: "it is believed that C".
    Passive,
}

#[derive(Debug, Clone)]
pub(crate) struct CueEntry {
    /// Lower-case words of the form.
    pub words: Vec<String>,
    pub lemma: String,
    pub stance: Stance,
    pub kind: CueKind,
}

/// What kind of thing a speaker is, for resolving "its" and "he".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Country,
    Org,
    Person,
    Group,
}

#[derive(Debug, Clone)]
pub(crate) struct Alias {
    pub canonical: String,
    pub class: Class,
}

/// A bad line (or a bad whole) in one of the extractor's data files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|n| format!(":{n}")).unwrap_or_default())]
pub struct LexiconError {
    /// The file as named to the user (`seeds/lexicon/cues.tsv`, or the name given for extra
    /// aliases).
    pub file: String,
    /// 1-based line number; `None` when the file as a whole is wrong (an empty class).
    pub line: Option<usize>,
    pub message: String,
}

fn bad(file: &str, line: usize, message: impl Into<String>) -> LexiconError {
    LexiconError {
        file: file.to_string(),
        line: Some(line),
        message: message.into(),
    }
}

/// The texts of the data files a lexicon is parsed from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sources<'a> {
    pub cues: &'a str,
    pub hedges: &'a str,
    pub words: &'a str,
    pub boilerplate: &'a str,
    pub aliases: &'a str,
}

pub(crate) const CUES_FILE: &str = "seeds/lexicon/cues.tsv";
pub(crate) const HEDGES_FILE: &str = "seeds/lexicon/hedges.tsv";
pub(crate) const WORDS_FILE: &str = "seeds/lexicon/words.tsv";
pub(crate) const BOILERPLATE_FILE: &str = "seeds/lexicon/boilerplate.tsv";
pub(crate) const ALIASES_FILE: &str = "seeds/aliases.tsv";

#[derive(Debug, Clone, Default)]
pub(crate) struct Lexicon {
    pub entries: Vec<CueEntry>,
    /// First word of a form => indices into `entries`, longest form first.
    pub by_first: FastMap<String, Vec<usize>>,
    /// Lower-case word => its classes (listed and derived).
    words: FastMap<String, Classes>,
    /// Boilerplate phrases that open a sentence, as lower-case words.
    pub boiler_start: Vec<Vec<String>>,
    /// Boilerplate phrases that may stand anywhere in a sentence.
    pub boiler_any: Vec<Vec<String>>,
    /// Alias surface => canonical speaker.
    pub aliases: FastMap<String, Alias>,
}

fn parse_stance(s: &str) -> Option<Stance> {
    Some(match s {
        "neutral" => Stance::Neutral,
        "affirming" => Stance::Affirming,
        "distancing" => Stance::Distancing,
        "denying" => Stance::Denying,
        "accusing" => Stance::Accusing,
        "predicting" => Stance::Predicting,
        "believing" => Stance::Believing,
        _ => return None,
    })
}

fn parse_kind(s: &str) -> Option<CueKind> {
    Some(match s {
        "verb" => CueKind::Verb,
        "prep" => CueKind::Prep,
        "noun" => CueKind::Noun,
        "evidence" => CueKind::Evidence,
        "byprep" => CueKind::ByPrep,
        "passive" => CueKind::Passive,
        _ => return None,
    })
}

fn parse_class(s: &str) -> Option<Class> {
    Some(match s {
        "country" => Class::Country,
        "org" => Class::Org,
        "person" => Class::Person,
        "group" => Class::Group,
        _ => return None,
    })
}

/// Data lines of a TSV file: (1-based line number, fields). Comments (#) and blank lines skip.
fn rows(tsv: &str) -> impl Iterator<Item = (usize, Vec<&str>)> {
    tsv.lines().enumerate().filter_map(|(n, l)| {
        let l = l.trim_end_matches('\r');
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            None
        } else {
            Some((n + 1, l.split('\t').map(str::trim).collect()))
        }
    })
}

/// One lower-case word as the tokenizer lowers it, or why not.
fn check_word(w: &str) -> Result<(), String> {
    if w.is_empty() {
        Err("empty word".to_string())
    } else if w.split_whitespace().nth(1).is_some() {
        Err(format!("{w:?} is more than one word"))
    } else if w.contains('’') || w.chars().any(char::is_uppercase) {
        Err(format!(
            "{w:?} must be lower case, with ' for the apostrophe (as the tokenizer lowers words)"
        ))
    } else {
        Ok(())
    }
}

impl Lexicon {
    /// Parses and checks the data files.
    pub fn parse(src: &Sources) -> Result<Lexicon, LexiconError> {
        let mut lx = Lexicon::default();
        lx.parse_cues(src.cues)?;
        lx.parse_hedges(src.hedges)?;
        lx.parse_words(src.words)?;
        lx.parse_boilerplate(src.boilerplate)?;
        lx.add_aliases(src.aliases, ALIASES_FILE)?;
        Ok(lx)
    }

    /// The classes of the lower-case word `w` (none for a word in no class).
    pub fn classes(&self, w: &str) -> Classes {
        self.words.get(w).copied().unwrap_or_default()
    }

    fn mark(&mut self, w: &str, class: W) {
        match self.words.get_mut(w) {
            Some(c) => c.add(class),
            None => {
                let mut c = Classes::default();
                c.add(class);
                self.words.insert(w.to_string(), c);
            }
        }
    }

    fn parse_cues(&mut self, tsv: &str) -> Result<(), LexiconError> {
        let file = CUES_FILE;
        for (n, f) in rows(tsv) {
            let [form, lemma, stance, kind] = f[..] else {
                return Err(bad(
                    file,
                    n,
                    format!(
                        "expected 4 tab-separated fields `form<TAB>lemma<TAB>stance<TAB>kind`, found {}",
                        f.len()
                    ),
                ));
            };
            let stance = parse_stance(stance)
                .ok_or_else(|| bad(file, n, format!("unknown stance {stance:?}")))?;
            let kind =
                parse_kind(kind).ok_or_else(|| bad(file, n, format!("unknown kind {kind:?}")))?;
            let words: Vec<String> = form.split_whitespace().map(str::to_lowercase).collect();
            let Some(first) = words.first() else {
                return Err(bad(file, n, "empty form"));
            };
            if lemma.is_empty() {
                return Err(bad(file, n, "empty lemma"));
            }
            if words.len() == 1 && kind == CueKind::Verb {
                let first = first.clone();
                self.mark(&first, W::VerbForm);
            }
            self.entries.push(CueEntry {
                words,
                lemma: lemma.to_string(),
                stance,
                kind,
            });
        }
        let mut by_first: FastMap<String, Vec<usize>> = FastMap::default();
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(first) = e.words.first() {
                by_first.entry(first.clone()).or_default().push(i);
            }
        }
        let entries = &self.entries;
        for v in by_first.values_mut() {
            v.sort_by_key(|&i| std::cmp::Reverse(entries.get(i).map_or(0, |e| e.words.len())));
        }
        let heads: Vec<String> = by_first.keys().cloned().collect();
        for w in heads {
            self.mark(&w, W::CueHead);
        }
        self.by_first = by_first;
        Ok(())
    }

    fn parse_hedges(&mut self, tsv: &str) -> Result<(), LexiconError> {
        for (n, f) in rows(tsv) {
            let [w, kind] = f[..] else {
                return Err(bad(
                    HEDGES_FILE,
                    n,
                    "expected 2 tab-separated fields `word<TAB>kind`",
                ));
            };
            check_word(w).map_err(|m| bad(HEDGES_FILE, n, m))?;
            if kind.is_empty() {
                return Err(bad(HEDGES_FILE, n, "empty kind"));
            }
            self.mark(w, W::Hedge);
        }
        Ok(())
    }

    fn parse_words(&mut self, tsv: &str) -> Result<(), LexiconError> {
        let file = WORDS_FILE;
        let mut seen: FastSet<(String, u32)> = FastSet::default();
        let mut used = Classes::default();
        for (n, f) in rows(tsv) {
            let [w, class] = f[..] else {
                return Err(bad(
                    file,
                    n,
                    "expected 2 tab-separated fields `word<TAB>class`",
                ));
            };
            check_word(w).map_err(|m| bad(file, n, m))?;
            let Some(c) = W::from_name(class) else {
                let names: Vec<&str> = W::LISTED.iter().map(|(_, n)| *n).collect();
                return Err(bad(
                    file,
                    n,
                    format!("unknown class {class:?} (one of {})", names.join(", ")),
                ));
            };
            if !seen.insert((w.to_string(), c as u32)) {
                return Err(bad(file, n, format!("{w:?} is listed as {class} twice")));
            }
            used.add(c);
            self.mark(w, c);
        }
        if let Some((_, name)) = W::LISTED.iter().find(|(c, _)| !used.has(*c)) {
            return Err(LexiconError {
                file: file.to_string(),
                line: None,
                message: format!(
                    "class {name} has no words (the rules that use it would never fire)"
                ),
            });
        }
        Ok(())
    }

    fn parse_boilerplate(&mut self, tsv: &str) -> Result<(), LexiconError> {
        let file = BOILERPLATE_FILE;
        for (n, f) in rows(tsv) {
            let [phrase, place] = f[..] else {
                return Err(bad(
                    file,
                    n,
                    "expected 2 tab-separated fields `phrase<TAB>where`",
                ));
            };
            let words: Vec<String> = phrase.split_whitespace().map(str::to_string).collect();
            let Some(first) = words.first().cloned() else {
                return Err(bad(file, n, "empty phrase"));
            };
            for w in &words {
                check_word(w).map_err(|m| bad(file, n, m))?;
            }
            match place {
                "start" => self.boiler_start.push(words),
                "any" => {
                    self.mark(&first, W::BoilerHead);
                    self.boiler_any.push(words);
                }
                _ => {
                    return Err(bad(
                        file,
                        n,
                        format!("unknown place {place:?} (start or any)"),
                    ))
                }
            }
        }
        Ok(())
    }

    /// Adds `alias<TAB>canonical[<TAB>class[<TAB>entity]]` lines (the fourth column is for the
    /// relation rules, see `src/relate/aliases.rs`); `name` names the table in errors.
    pub fn add_aliases(&mut self, tsv: &str, name: &str) -> Result<(), LexiconError> {
        for (n, f) in rows(tsv) {
            let (alias, canonical) = match f[..] {
                [a, c] | [a, c, _] | [a, c, _, _] if !a.is_empty() && !c.is_empty() => (a, c),
                _ => {
                    return Err(bad(
                        name,
                        n,
                        "expected `alias<TAB>canonical name[<TAB>class[<TAB>entity]]`",
                    ))
                }
            };
            let class = match f.get(2) {
                // Names only the relation rules use (src/relate/aliases.rs), never speakers.
                Some(&"entity") => continue,
                Some(c) if !c.is_empty() => parse_class(c).ok_or_else(|| {
                    bad(
                        name,
                        n,
                        format!("unknown class {c:?} (country, org, person, group)"),
                    )
                })?,
                _ => Class::Org,
            };
            self.aliases.insert(
                alias.to_string(),
                Alias {
                    canonical: canonical.to_string(),
                    class,
                },
            );
        }
        Ok(())
    }
}

/// The embedded lexicon for unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::Lexicon;

    pub fn embedded() -> Lexicon {
        Lexicon::parse(&crate::extract::EMBEDDED).expect("the embedded data files parse")
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::extract::EMBEDDED;

    /// The embedded sources with the file `file` replaced by `text`.
    fn with_file<'a>(file: &str, text: &'a str) -> Sources<'a> {
        let mut s = EMBEDDED;
        match file {
            "cues" => s.cues = text,
            "hedges" => s.hedges = text,
            "words" => s.words = text,
            "boilerplate" => s.boilerplate = text,
            "aliases" => s.aliases = text,
            _ => panic!("no file {file}"),
        }
        s
    }

    #[test]
    #[rustfmt::skip]
    fn bad_lines_name_file_and_line() {
        // (file, text, error)
        let cases: &[(&str, &str, &str)] = &[
            ("cues", "# form\tlemma\tstance\tkind\nsaid\tsay\tneutral\n",
             "seeds/lexicon/cues.tsv:2: expected 4 tab-separated fields `form<TAB>lemma<TAB>stance<TAB>kind`, found 3"),
            ("cues", "said\tsay\tcheerful\tverb\n",
             "seeds/lexicon/cues.tsv:1: unknown stance \"cheerful\""),
            ("cues", "said\tsay\tneutral\tadverb\n",
             "seeds/lexicon/cues.tsv:1: unknown kind \"adverb\""),
            ("cues", "said\t\tneutral\tverb\n", "seeds/lexicon/cues.tsv:1: empty lemma"),
            ("hedges", "could\tmodal\nmay\n",
             "seeds/lexicon/hedges.tsv:2: expected 2 tab-separated fields `word<TAB>kind`"),
            ("hedges", "Could\tmodal\n",
             "seeds/lexicon/hedges.tsv:1: \"Could\" must be lower case, with ' for the apostrophe (as the tokenizer lowers words)"),
            ("words", "the\tdeterminer\n\nthe\tarticle\n",
             "seeds/lexicon/words.tsv:3: unknown class \"article\" (one of np_boundary, sentence_adverb, catenative, clause_break, common_verb, determiner, preposition, subject_pronoun, day, cue_prefix, source_cue_filler, addressee_verb, object_pronoun, surveyed_group, lone_quantifier, number_word, naming_participle, cue_noun_modifier, cue_noun_head, lead_in, title, org_head, person_head, common_descriptor, auxiliary, headline_label, headline_source, name_particle, female_name, male_name, content_event, participle_lead, framing_noun, gerund_catenative, framing_opinion, subordinator, np_to_head, headline_state, passive_predicate, headline_verb, inverted_cue)"),
            ("words", "the\tdeterminer\nthe\tdeterminer\n",
             "seeds/lexicon/words.tsv:2: \"the\" is listed as determiner twice"),
            ("words", "in the\tpreposition\n",
             "seeds/lexicon/words.tsv:1: \"in the\" is more than one word"),
            ("words", "he’s\tsubject_pronoun\n",
             "seeds/lexicon/words.tsv:1: \"he’s\" must be lower case, with ' for the apostrophe (as the tokenizer lowers words)"),
            ("words", "the\tdeterminer\n",
             "seeds/lexicon/words.tsv: class np_boundary has no words (the rules that use it would never fire)"),
            ("boilerplate", "sign up\teverywhere\n",
             "seeds/lexicon/boilerplate.tsv:1: unknown place \"everywhere\" (start or any)"),
            ("boilerplate", "\tany\n", "seeds/lexicon/boilerplate.tsv:1: empty phrase"),
            ("aliases", "Ottawa\n",
             "seeds/aliases.tsv:1: expected `alias<TAB>canonical name[<TAB>class[<TAB>entity]]`"),
            ("aliases", "Ottawa\tCanada\tplanet\n",
             "seeds/aliases.tsv:1: unknown class \"planet\" (country, org, person, group)"),
        ];
        for &(file, text, want) in cases {
            let got = Lexicon::parse(&with_file(file, text)).map(|_| ());
            assert_eq!(got.map_err(|e| e.to_string()), Err(want.to_string()), "{file}: {text:?}");
        }
    }

    #[test]
    fn error_fields() {
        let err = Lexicon::parse(&with_file("cues", "said\tsay\tneutral\n"))
            .map(|_| ())
            .expect_err("bad line");
        assert_eq!(err.file, "seeds/lexicon/cues.tsv");
        assert_eq!(err.line, Some(1));
    }

    #[test]
    fn derived_classes() {
        let lx = Lexicon::parse(&EMBEDDED).expect("embedded");
        // One-word verb forms and first words of cue forms come from cues.tsv.
        assert!(lx.classes("warned").has(W::VerbForm));
        assert!(lx.classes("according").has(W::CueHead));
        assert!(!lx.classes("according").has(W::VerbForm));
        assert!(lx.classes("reportedly").has(W::Hedge));
        assert!(lx.classes("our").has(W::BoilerHead));
        assert!(!lx.classes("newsletter").has(W::BoilerHead));
        assert!(!lx.classes("subscribe").has(W::Hedge));
        assert_eq!(lx.classes("harbour"), Classes::default());
        // Longest cue form first among those with one first word.
        let forms = lx.by_first.get("according").expect("according to");
        let lens: Vec<usize> = forms.iter().map(|&i| lx.entries[i].words.len()).collect();
        assert!(lens.windows(2).all(|w| w[0] >= w[1]), "{lens:?}");
    }
}
