//! Speaker entities: which stored speaker names are one person or organisation.
//!
//! A claim's `speaker` is the name the extractor resolved within one article ("Barack Obama",
//! or "Obama" where the article never gave the full name). Across articles one person can so
//! stand under several names. [`group`] maps every speaker name of a database to one
//! *entity* (its canonical name) from, in order of strength:
//!
//! 1. `alias` objects (`claims alias add ALIAS CANONICAL`): the latest one for a name wins;
//! 2. the rows of `seeds/aliases.tsv` (`alias<TAB>canonical<TAB>class[<TAB>entity]`, rows of
//!    every class, `entity` rows included);
//! 3. person names: a name of two to four capitalised words keys on its first and last word
//!    ("Loretta E. Lynch" = "Loretta Lynch"; "Jr." and "Sr." left out; "Rival Ada Moss" keys
//!    on "Ada Moss" when that is a speaker name too), and the most frequent
//!    form of a key is its entity; a one-word capitalised name ("Obama") joins the full name
//!    with that surname when one such entity has more than twice the claims of all the others
//!    with that surname together ("Clinton" => "Hillary Clinton" when she dominates);
//! 4. otherwise a name is its own entity.
//!
//! Stored claims are never rewritten: the grouping is an index (`speaker_entities`), rebuilt
//! from the claims and aliases whenever they change. Pure and deterministic: the same names,
//! counts and aliases give the same grouping whatever their order.

use std::collections::BTreeMap;

/// How a speaker name came to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// An `alias` object recorded by a user.
    User,
    /// A row of `seeds/aliases.tsv`.
    Seed,
    /// The same first and last name, or the surname of a dominant full name.
    Name,
    /// The name is its own entity.
    Own,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::User => "user",
            Basis::Seed => "seed",
            Basis::Name => "name",
            Basis::Own => "own",
        }
    }
}

/// One speaker name and its entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouped {
    pub speaker: String,
    pub entity: String,
    pub basis: Basis,
}

/// The seed aliases of an alias table in the `seeds/aliases.tsv` format: `(alias, canonical)`
/// of every row (comments and blank lines skipped, malformed rows too).
pub fn seed_aliases(tsv: &str) -> Vec<(String, String)> {
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split('\t');
            let alias = f.next()?.trim();
            let canonical = f.next()?.trim();
            (!alias.is_empty() && !canonical.is_empty())
                .then(|| (alias.to_string(), canonical.to_string()))
        })
        .collect()
}

/// How many user aliases a name is followed through at most (a cycle stops there).
const MAX_ALIAS_HOPS: usize = 4;

/// The names an alias chain passes from `c` through the user aliases `users` (`c` first; the
/// last one is where it ends), at most [`MAX_ALIAS_HOPS`] steps.
pub fn alias_chain<'a>(users: &BTreeMap<&'a str, &'a str>, c: &'a str) -> Vec<&'a str> {
    let mut nodes = vec![c];
    let mut c = c;
    for _ in 0..MAX_ALIAS_HOPS {
        match users.get(c) {
            Some(&next) if next != c => {
                c = next;
                nodes.push(c);
            }
            _ => break,
        }
    }
    nodes
}

/// The words of a person's name, if `name` looks like one: two to four words, each
/// capitalised (an initial "E." included), with lower-case particles ("de") between.
fn person_words(name: &str) -> Option<Vec<&str>> {
    let words: Vec<&str> = name
        .split(' ')
        .filter(|w| !matches!(*w, "Jr." | "Sr." | "Jr" | "Sr" | "II" | "III"))
        .collect();
    if !(2..=4).contains(&words.len()) {
        return None;
    }
    let cap = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let first = words.first()?;
    let last = words.last()?;
    let ok = cap(first)
        && cap(last)
        && !name.contains("'s")
        && words.iter().all(|w| {
            cap(w)
                || matches!(
                    *w,
                    "de" | "van"
                        | "von"
                        | "der"
                        | "la"
                        | "le"
                        | "al"
                        | "bin"
                        | "da"
                        | "di"
                        | "du"
                        | "del"
                )
        })
        && words.iter().all(|w| {
            w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\''))
        });
    ok.then_some(words)
}

/// Capitalised words that stand before a surname without being part of it.
const TITLES: &[&str] = &[
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "sen.",
    "rep.",
    "gov.",
    "gen.",
    "president",
    "senator",
    "governor",
    "candidate",
    "nominee",
    "rival",
    "democrat",
    "republican",
    "secretary",
    "mayor",
];

/// `name` without the titles in front ("Candidate Moss" => "Moss").
fn strip_titles(name: &str) -> &str {
    let mut core = name;
    while let Some((first, rest)) = core.split_once(' ') {
        if !TITLES.contains(&first.to_lowercase().as_str()) {
            break;
        }
        core = rest;
    }
    core
}

/// One capitalised word: a surname standing alone ("Obama").
fn surname_alone(name: &str) -> bool {
    !name.contains(' ')
        && name.chars().count() > 1
        && name.chars().next().is_some_and(char::is_uppercase)
        && name.chars().skip(1).any(char::is_lowercase)
        && name
            .chars()
            .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
}

/// The family of a speaker name: its last word, lower-cased ("Jr." and the like left out).
/// [`group`] gives the names of one family results that depend only on the names of that
/// family, the claim counts of those of them [`by_name`] groups, and the aliases: a person's
/// name keys on its last word, a lone surname joins the full names with that last word, and a
/// description before a full name ("Spokesman Ada Moss") ends with that name's last word.
pub fn family(name: &str) -> String {
    name.split(' ')
        .rfind(|w| !matches!(*w, "Jr." | "Sr." | "Jr" | "Sr" | "II" | "III"))
        .unwrap_or_default()
        .to_lowercase()
}

/// Whether [`group`] may group `name` with other names by its words (a person's name or a
/// lone surname, titles in front left out), so that its claim count can matter. Any other
/// name is its own entity unless an alias says otherwise, whatever its count.
pub fn by_name(name: &str) -> bool {
    let core = strip_titles(name);
    person_words(core).is_some() || surname_alone(core)
}

/// Groups speaker names into entities. `speakers` gives each distinct speaker name with its
/// number of claims; `seeds` and `user` are `(alias, canonical)` pairs, `user` in the order
/// recorded (a later pair for the same alias wins). The result has one row per speaker name,
/// sorted by name.
pub fn group(
    speakers: &[(String, u64)],
    seeds: &[(String, String)],
    user: &[(String, String)],
) -> Vec<Grouped> {
    let count: BTreeMap<&str, u64> = speakers.iter().map(|(s, n)| (s.as_str(), *n)).collect();
    // 3. Person names by (first, last) key: the most frequent form (then the longest, then
    // the first in order) is the entity.
    let mut by_key: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    for &name in count.keys() {
        if let Some(mut w) = person_words(strip_titles(name)) {
            // "Democrat Ada Moss", "Rival Ada Moss": a description before a full name that
            // is a speaker of its own keys on that name.
            if w.len() > 2 {
                let tail = w.split_off(w.len() - 2);
                if !count.contains_key(tail.join(" ").as_str()) {
                    w.extend(tail);
                } else {
                    w = tail;
                }
            }
            if let (Some(f), Some(l)) = (w.first(), w.last()) {
                by_key
                    .entry((f.to_lowercase(), l.to_lowercase()))
                    .or_default()
                    .push(name);
            }
        }
    }
    let mut entity: BTreeMap<&str, (String, Basis)> = BTreeMap::new();
    // Surname => (entity, claims of that entity).
    let mut surnames: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for ((_, last), names) in &by_key {
        let total: u64 = names
            .iter()
            .map(|n| count.get(n).copied().unwrap_or(0))
            .sum();
        let best = names
            .iter()
            .copied()
            .max_by(|a, b| {
                let ca = count.get(a).copied().unwrap_or(0);
                let cb = count.get(b).copied().unwrap_or(0);
                ca.cmp(&cb).then(a.len().cmp(&b.len())).then(b.cmp(a))
            })
            .unwrap_or_default();
        for &n in names {
            let basis = if n == best { Basis::Own } else { Basis::Name };
            entity.insert(n, (best.to_string(), basis));
        }
        surnames
            .entry(last.clone())
            .or_default()
            .push((best.to_string(), total));
    }
    for &name in count.keys() {
        // "Candidate Moss", "Mr. Moss": a title before a lone surname.
        let core = strip_titles(name);
        if entity.contains_key(name) || !surname_alone(core) {
            continue;
        }
        let Some(full) = surnames.get(&core.to_lowercase()) else {
            continue;
        };
        let total: u64 = full.iter().map(|(_, n)| n).sum();
        if let Some((best, n)) = full.iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0))) {
            if *n > 2 * (total - *n) {
                entity.insert(name, (best.clone(), Basis::Name));
            }
        }
    }
    // 2. Seeds, then 1. user aliases override.
    let seed: BTreeMap<&str, &str> = seeds
        .iter()
        .map(|(a, c)| (a.as_str(), c.as_str()))
        .collect();
    let mut users: BTreeMap<&str, &str> = BTreeMap::new();
    for (a, c) in user {
        users.insert(a.as_str(), c.as_str());
    }
    // The entity of a canonical name given by an alias: itself, or where its own name went.
    let follow = |c: &str, entity: &BTreeMap<&str, (String, Basis)>| -> String {
        let c = alias_chain(&users, c).last().copied().unwrap_or(c);
        match entity.get(c) {
            Some((e, _)) => e.clone(),
            None => c.to_string(),
        }
    };
    let mut out = Vec::with_capacity(count.len());
    for &name in count.keys() {
        let (e, basis) = if let Some(c) = users.get(name) {
            (follow(c, &entity), Basis::User)
        } else if let Some(c) = seed.get(name).filter(|c| **c != name) {
            (follow(c, &entity), Basis::Seed)
        } else if let Some((e, b)) = entity.get(name) {
            (follow(e, &entity), *b)
        } else {
            (name.to_string(), Basis::Own)
        };
        out.push(Grouped {
            speaker: name.to_string(),
            entity: e,
            basis,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(speakers: &[(&str, u64)], user: &[(&str, &str)]) -> Vec<(String, String, &'static str)> {
        let speakers: Vec<(String, u64)> =
            speakers.iter().map(|(s, n)| (s.to_string(), *n)).collect();
        let seeds = seed_aliases("# c\nthe Kremlin\tRussian government\torg\tRussia\n");
        let user: Vec<(String, String)> = user
            .iter()
            .map(|(a, c)| (a.to_string(), c.to_string()))
            .collect();
        group(&speakers, &seeds, &user)
            .into_iter()
            .map(|g| (g.speaker, g.entity, g.basis.as_str()))
            .collect()
    }

    /// Speakers with claim counts, user aliases, and the rows wanted.
    type Case<'a> = (
        &'a [(&'a str, u64)],
        &'a [(&'a str, &'a str)],
        &'a [(&'a str, &'a str, &'a str)],
    );

    #[test]
    #[rustfmt::skip]
    fn names_group_into_entities() {
        // (speakers with claim counts, user aliases, (speaker, entity, basis) sorted by speaker)
        let cases: &[Case] = &[
            // A surname joins the dominant full name; a middle initial is the same person.
            (&[("Ada Moss", 9), ("Moss", 4), ("Ada B. Moss", 1)], &[],
             &[("Ada B. Moss", "Ada Moss", "name"), ("Ada Moss", "Ada Moss", "own"),
               ("Moss", "Ada Moss", "name")]),
            // Two people with one surname, neither dominant: the surname stays alone.
            (&[("Tom Lee", 5), ("Hannah Lee", 4), ("Lee", 2)], &[],
             &[("Hannah Lee", "Hannah Lee", "own"), ("Lee", "Lee", "own"),
               ("Tom Lee", "Tom Lee", "own")]),
            // One dominant: the surname is hers.
            (&[("Tom Lee", 1), ("Hannah Lee", 7), ("Lee", 2)], &[],
             &[("Hannah Lee", "Hannah Lee", "own"), ("Lee", "Hannah Lee", "name"),
               ("Tom Lee", "Tom Lee", "own")]),
            // Seeds, and user aliases over everything, following the canonical name's entity.
            (&[("the Kremlin", 1), ("Moss", 1), ("Ada Moss", 1), ("Chair", 2)],
             &[("Chair", "Moss"), ("Moss", "Ada Moss")],
             &[("Ada Moss", "Ada Moss", "own"), ("Chair", "Ada Moss", "user"),
               ("Moss", "Ada Moss", "user"), ("the Kremlin", "Russian government", "seed")]),
            // A capitalised description before a full name that is a speaker too.
            (&[("Ada Moss", 5), ("Rival Ada Moss", 1), ("Rival Moss", 1)], &[],
             &[("Ada Moss", "Ada Moss", "own"), ("Rival Ada Moss", "Ada Moss", "name"),
               ("Rival Moss", "Ada Moss", "name")]),
            // A title before a lone surname.
            (&[("Ada Moss", 5), ("Candidate Moss", 1)], &[],
             &[("Ada Moss", "Ada Moss", "own"), ("Candidate Moss", "Ada Moss", "name")]),
            // Lower-case descriptions and organisations are their own entities.
            (&[("port authority", 3), ("Harbour Board", 2)], &[],
             &[("Harbour Board", "Harbour Board", "own"), ("port authority", "port authority", "own")]),
        ];
        for &(speakers, user, want) in cases {
            let want: Vec<(String, String, &str)> = want
                .iter()
                .map(|(s, e, b)| (s.to_string(), e.to_string(), *b))
                .collect();
            assert_eq!(run(speakers, user), want, "{speakers:?} {user:?}");
        }
    }
}
