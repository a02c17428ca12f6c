//! The names the relation rules fold together, read from the one alias table of the project,
//! `seeds/aliases.tsv` (the extractor reads the same file for speakers).
//!
//! A one-word name in a claim's content is folded, case-insensitively, to the entity it is
//! about: the row's fourth column when given, else its canonical name ("Kremlin" and "Russian"
//! are both Russia). Multi-word aliases ("the White House") are for the extractor: the rules
//! look at single capitalised words. The table is parsed and checked once; a bad line is an
//! error naming the file, the line and what is wrong ([`check`]), never a silently empty table.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The embedded alias table.
pub const ALIASES_TSV: &str = include_str!("../../seeds/aliases.tsv");

/// A bad line of the alias table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {problem}")]
pub struct AliasError {
    pub file: String,
    pub line: usize,
    pub problem: String,
}

/// Lower-case one-word names and the entity each is about (lower case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aliases {
    entity: HashMap<String, String>,
}

const CLASSES: &[&str] = &["country", "org", "person", "group", "entity"];

impl Aliases {
    /// Parses a table in the format of `seeds/aliases.tsv`; `file` names it in errors.
    pub fn parse(tsv: &str, file: &str) -> Result<Aliases, AliasError> {
        let mut entity = HashMap::new();
        for (n, line) in tsv.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let bad = |problem: String| AliasError {
                file: file.to_string(),
                line: n + 1,
                problem,
            };
            let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
            if fields.len() < 2 || fields.len() > 4 || fields[0].is_empty() || fields[1].is_empty()
            {
                return Err(bad(
                    "expected `alias<TAB>canonical name[<TAB>class[<TAB>entity]]`".to_string(),
                ));
            }
            if let Some(class) = fields.get(2).filter(|c| !c.is_empty()) {
                if !CLASSES.contains(class) {
                    return Err(bad(format!(
                        "unknown class {class:?} ({})",
                        CLASSES.join(", ")
                    )));
                }
            }
            let target = match fields.get(3) {
                Some(&"") => return Err(bad("the entity column is empty".into())),
                Some(e) => e,
                None => fields[1],
            };
            let name = fold_name(fields[0]);
            if name.contains(' ') || name.is_empty() {
                continue;
            }
            let target = target.to_lowercase();
            match entity.get(&name) {
                Some(other) if *other != target => {
                    return Err(bad(format!(
                        "{:?} is already about {other:?}, not {target:?}",
                        fields[0]
                    )))
                }
                _ => {
                    entity.insert(name, target);
                }
            }
        }
        Ok(Aliases { entity })
    }

    /// The entity a one-word name is about, if the table names it. `word` is lower case.
    pub fn entity(&self, word: &str) -> Option<&str> {
        self.entity.get(word).map(String::as_str)
    }
}

/// How a name is looked up: lower case, without punctuation at either end ("U.S." is "u.s").
fn fold_name(name: &str) -> String {
    name.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

fn embedded() -> &'static Result<Aliases, AliasError> {
    static TABLE: OnceLock<Result<Aliases, AliasError>> = OnceLock::new();
    TABLE.get_or_init(|| Aliases::parse(ALIASES_TSV, "seeds/aliases.tsv"))
}

/// Checks the embedded table. The ledger calls this before it writes anything, so a broken
/// table stops every write with its message instead of changing which relations are found.
pub fn check() -> Result<(), AliasError> {
    embedded().as_ref().map(|_| ()).map_err(Clone::clone)
}

/// The embedded table (empty only if [`check`] fails, which stops every write first).
pub fn aliases() -> &'static Aliases {
    static EMPTY: OnceLock<Aliases> = OnceLock::new();
    match embedded() {
        Ok(a) => a,
        Err(_) => EMPTY.get_or_init(Aliases::default),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_folds_names_and_demonyms() {
        check().expect("seeds/aliases.tsv is valid");
        let a = aliases();
        assert_eq!(a.entity("kremlin"), Some("russia"));
        assert_eq!(a.entity("russian"), Some("russia"));
        assert_eq!(a.entity("moscow"), Some("russia"));
        assert_eq!(a.entity("u.s"), Some("united states"));
        assert_eq!(a.entity("washington"), Some("united states"));
        assert_eq!(a.entity("london"), Some("united kingdom"));
        assert_eq!(a.entity("france"), Some("france"));
        assert_eq!(a.entity("bakhmut"), None);
    }

    #[test]
    fn a_bad_line_is_an_error_naming_the_line() {
        let bad = Aliases::parse(
            "# c\nKremlin\tRussian government\torg\tRussia\nonly\n",
            "t.tsv",
        );
        assert_eq!(
            bad.map_err(|e| e.to_string()),
            Err("t.tsv:3: expected `alias<TAB>canonical name[<TAB>class[<TAB>entity]]`".into())
        );
        let bad = Aliases::parse("A\tB\tplanet\n", "t.tsv");
        assert_eq!(
            bad.map_err(|e| e.to_string()),
            Err("t.tsv:1: unknown class \"planet\" (country, org, person, group, entity)".into())
        );
        let bad = Aliases::parse("Rome\tItaly\tentity\nrome\tVatican\tentity\n", "t.tsv");
        assert_eq!(
            bad.map_err(|e| e.to_string()),
            Err("t.tsv:2: \"rome\" is already about \"italy\", not \"vatican\"".into())
        );
    }
}
