//! The data the rules run on: cue lexicon, hedges and speaker aliases, parsed from TSV.

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

#[derive(Debug, Clone, Default)]
pub(crate) struct Lexicon {
    pub entries: Vec<CueEntry>,
    /// First word of a form => indices into `entries`, longest form first.
    pub by_first: FastMap<String, Vec<usize>>,
    /// Every single word that is a verb cue form ("said", "warns").
    pub verb_forms: FastSet<String>,
    pub hedges: FastSet<String>,
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

impl Lexicon {
    pub fn parse(cues: &str, hedges: &str, aliases: &str) -> Result<Lexicon, String> {
        let mut lx = Lexicon::default();
        for (n, f) in rows(cues) {
            if f.len() < 4 {
                return Err(format!("cues.tsv:{n}: expected 4 tab-separated fields"));
            }
            let stance = parse_stance(f[2])
                .ok_or_else(|| format!("cues.tsv:{n}: unknown stance {:?}", f[2]))?;
            let kind =
                parse_kind(f[3]).ok_or_else(|| format!("cues.tsv:{n}: unknown kind {:?}", f[3]))?;
            let words: Vec<String> = f[0].split_whitespace().map(str::to_lowercase).collect();
            if words.is_empty() {
                return Err(format!("cues.tsv:{n}: empty form"));
            }
            if words.len() == 1 && kind == CueKind::Verb {
                lx.verb_forms.insert(words[0].clone());
            }
            lx.entries.push(CueEntry {
                words,
                lemma: f[1].to_string(),
                stance,
                kind,
            });
        }
        for (i, e) in lx.entries.iter().enumerate() {
            lx.by_first.entry(e.words[0].clone()).or_default().push(i);
        }
        let entries = &lx.entries;
        for v in lx.by_first.values_mut() {
            v.sort_by_key(|&i| std::cmp::Reverse(entries[i].words.len()));
        }
        for (_, f) in rows(hedges) {
            if let Some(w) = f.first() {
                lx.hedges.insert(w.to_lowercase());
            }
        }
        lx.add_aliases(aliases, "aliases.tsv")?;
        Ok(lx)
    }

    pub fn add_aliases(&mut self, tsv: &str, name: &str) -> Result<(), String> {
        for (n, f) in rows(tsv) {
            if f.len() < 2 || f[0].is_empty() || f[1].is_empty() {
                return Err(format!(
                    "{name}:{n}: expected `alias<TAB>canonical name[<TAB>class]`"
                ));
            }
            let class = match f.get(2) {
                // Names only the relation rules use (src/relate/aliases.rs), never speakers.
                Some(&"entity") => continue,
                Some(c) if !c.is_empty() => parse_class(c).ok_or_else(|| {
                    format!("{name}:{n}: unknown class {c:?} (country, org, person, group)")
                })?,
                _ => Class::Org,
            };
            self.aliases.insert(
                f[0].to_string(),
                Alias {
                    canonical: f[1].to_string(),
                    class,
                },
            );
        }
        Ok(())
    }
}
