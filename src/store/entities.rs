//! The `speaker_entities` index: every distinct speaker name and its entity, computed by
//! [`crate::model::entity::group`] from the claims, the `aliases` table and the seed alias
//! table. A transaction that stored an alias, `claims rebuild` and migration 9 recompute it
//! whole ([`refresh`]); a transaction that stored claims only rewrites the rows its new
//! speaker names can change ([`refresh_speakers`]), so that its cost follows what it stored,
//! not the size of the database.

use crate::model::entity::{self, Grouped};
use rusqlite::Connection;
use std::collections::{BTreeMap, BTreeSet};

/// Recomputes `speaker_entities` from what is stored.
pub(super) fn refresh(conn: &Connection) -> rusqlite::Result<()> {
    let speakers: Vec<(String, u64)> = conn
        .prepare_cached("SELECT speaker, count(*) FROM claims GROUP BY speaker ORDER BY speaker")?
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?
        .collect::<rusqlite::Result<_>>()?;
    let rows = entity::group(&speakers, seeds(), &user_aliases(conn)?);
    conn.execute("DELETE FROM speaker_entities", [])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO speaker_entities(speaker, entity, basis) VALUES (?1, ?2, ?3)",
    )?;
    for g in &rows {
        insert.execute((&g.speaker, &g.entity, g.basis.as_str()))?;
    }
    Ok(())
}

/// The seed alias table, parsed once per process (every commit that stores claims reads it).
fn seeds() -> &'static [(String, String)] {
    static SEEDS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| entity::seed_aliases(crate::extract::ALIASES_TSV))
}

fn user_aliases(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    conn.prepare_cached("SELECT alias, canonical FROM aliases ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Brings `speaker_entities` up to date after claims by `touched` (speaker names, repeats
/// allowed) were stored and no alias was: the same rows as [`refresh`], for what this
/// transaction changed.
///
/// New claims change only the counts and names of their speakers' families
/// ([`entity::family`]). So the rows that can change are those of the names of those
/// families, and those whose alias chain (a user alias or a seed row followed through user
/// aliases) or whose entity's alias chain looks up a name of one of them. Each of those rows
/// is computed by [`entity::group`] over the whole families it depends on: its own and those
/// of the names its chain passes. Claims are counted (on the `claims_speaker` index) only for
/// the names whose count can matter: names grouped by their words in a family with more than
/// one such name. The cost: the stored speaker names, and the claims of the families touched.
pub(super) fn refresh_speakers(conn: &Connection, touched: &[String]) -> rusqlite::Result<()> {
    let touched: BTreeSet<&str> = touched.iter().map(String::as_str).collect();
    if touched.is_empty() {
        return Ok(());
    }
    let stored: Vec<String> = conn
        .prepare_cached("SELECT speaker FROM speaker_entities")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let users = user_aliases(conn)?;
    let rows = rows_to_write(&stored, &touched, seeds(), &users, |name| {
        conn.prepare_cached("SELECT count(*) FROM claims WHERE speaker = ?1")?
            .query_row([name], |r| r.get::<_, i64>(0))
            .map(|n| n.max(0) as u64)
    })?;
    let mut upsert = conn.prepare_cached(
        "INSERT INTO speaker_entities(speaker, entity, basis) VALUES (?1, ?2, ?3)
         ON CONFLICT(speaker) DO UPDATE SET entity = excluded.entity, basis = excluded.basis
         WHERE entity IS NOT excluded.entity OR basis IS NOT excluded.basis",
    )?;
    for g in &rows {
        upsert.execute((&g.speaker, &g.entity, g.basis.as_str()))?;
    }
    Ok(())
}

/// The rows [`refresh_speakers`] writes: `stored` are the names that had a row, `touched` the
/// speakers of the new claims, `count` a name's number of claims.
fn rows_to_write<E>(
    stored: &[String],
    touched: &BTreeSet<&str>,
    seeds: &[(String, String)],
    users: &[(String, String)],
    mut count: impl FnMut(&str) -> Result<u64, E>,
) -> Result<Vec<Grouped>, E> {
    let mut families: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for name in stored
        .iter()
        .map(String::as_str)
        .chain(touched.iter().copied())
    {
        families
            .entry(entity::family(name))
            .or_default()
            .insert(name);
    }
    // As `group` reads them: the latest pair for a name wins.
    let seed: BTreeMap<&str, &str> = seeds
        .iter()
        .map(|(a, c)| (a.as_str(), c.as_str()))
        .filter(|(a, c)| a != c)
        .collect();
    let user: BTreeMap<&str, &str> = users
        .iter()
        .map(|(a, c)| (a.as_str(), c.as_str()))
        .collect();
    // The names `group` passes from `c` (the last one is looked up).
    let chain = |c: &str| -> Vec<String> {
        entity::alias_chain(&user, c)
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    let changed: BTreeSet<String> = touched.iter().map(|t| entity::family(t)).collect();
    let reaches_changed = |c: &str| {
        chain(c)
            .iter()
            .any(|n| changed.contains(&entity::family(n)))
    };
    // The rows that can change.
    let mut write: BTreeSet<&str> = touched.clone();
    let mut whole: BTreeSet<String> = changed.clone();
    for (&alias, &canonical) in &user {
        if reaches_changed(canonical) {
            // The alias's own row, and those of the names whose entity is the alias.
            write.insert(alias);
            whole.insert(entity::family(alias));
        }
    }
    for (&alias, &canonical) in &seed {
        if reaches_changed(canonical) {
            write.insert(alias);
        }
    }
    for f in &whole {
        if let Some(names) = families.get(f) {
            write.extend(names.iter().copied());
        }
    }
    // The families those rows are computed from: their own, and those their chains look up
    // (their aliases', and their entity's, which is a name of their family).
    let mut need: BTreeSet<String> = write.iter().map(|n| entity::family(n)).collect();
    let mut starts: Vec<&str> = Vec::new();
    for &name in &write {
        starts.extend(user.get(name).copied());
        starts.extend(seed.get(name).copied());
    }
    for (&alias, &canonical) in &user {
        if need.contains(&entity::family(alias)) {
            starts.push(canonical);
        }
    }
    for c in starts {
        need.extend(chain(c).iter().map(|n| entity::family(n)));
    }
    let mut speakers: Vec<(String, u64)> = Vec::new();
    for f in &need {
        let Some(names) = families.get(f) else {
            continue;
        };
        let counted = names.iter().filter(|n| entity::by_name(n)).count() > 1;
        for &name in names {
            let n = if counted && entity::by_name(name) {
                count(name)?
            } else {
                1
            };
            if n > 0 {
                speakers.push((name.to_string(), n));
            }
        }
    }
    Ok(entity::group(&speakers, seeds, users)
        .into_iter()
        .filter(|g| write.contains(g.speaker.as_str()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Names whose groupings depend on each other: full names and lone surnames, titles,
    /// descriptions, seed aliases (`Kremlin`, `Washington`) and names that group with nothing.
    const NAMES: &[&str] = &[
        "Ada Moss",
        "Moss",
        "Ada B. Moss",
        "Tom Moss",
        "Spokesman Ada Moss",
        "Candidate Moss",
        "Mr. X",
        "Spokesman Mr. X",
        "Hannah Lee",
        "Lee",
        "Tom Lee Jr.",
        "Kremlin",
        "the Kremlin",
        "Russia",
        "Washington",
        "George Washington",
        "Police",
        "Border Police",
        "The mayor",
        "Chair",
    ];

    fn db(users: &[(usize, usize)]) -> Connection {
        let conn = Connection::open_in_memory().expect("db");
        conn.execute_batch(
            "CREATE TABLE claims (seq INTEGER PRIMARY KEY, speaker TEXT NOT NULL);
             CREATE INDEX claims_speaker ON claims(speaker);
             CREATE TABLE aliases (seq INTEGER PRIMARY KEY, alias TEXT, canonical TEXT);
             CREATE TABLE speaker_entities (speaker TEXT PRIMARY KEY, entity TEXT NOT NULL,
                                            basis TEXT NOT NULL) WITHOUT ROWID;",
        )
        .expect("schema");
        for &(a, c) in users {
            conn.execute(
                "INSERT INTO aliases(alias, canonical) VALUES (?1, ?2)",
                (NAMES[a % NAMES.len()], NAMES[c % NAMES.len()]),
            )
            .expect("alias");
        }
        conn
    }

    fn rows(conn: &Connection) -> Vec<(String, String, String)> {
        conn.prepare("SELECT speaker, entity, basis FROM speaker_entities ORDER BY speaker")
            .expect("select")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    }

    /// Stores each batch of claims (speaker indexes into `NAMES`), refreshing incrementally
    /// after each, and checks the rows against a full recomputation every time.
    fn check(users: &[(usize, usize)], batches: &[Vec<usize>]) {
        let conn = db(users);
        let full = db(users);
        refresh(&conn).expect("refresh");
        for batch in batches {
            let touched: Vec<String> = batch
                .iter()
                .map(|i| NAMES[i % NAMES.len()].to_string())
                .collect();
            for c in [&conn, &full] {
                for t in &touched {
                    c.execute("INSERT INTO claims(speaker) VALUES (?1)", [t])
                        .expect("claim");
                }
            }
            refresh_speakers(&conn, &touched).expect("incremental");
            refresh(&full).expect("full");
            assert_eq!(rows(&conn), rows(&full), "after {touched:?}");
        }
    }

    #[test]
    fn a_dominant_full_name_takes_its_surname_then_loses_it() {
        // Ada Moss dominates, then Tom Moss catches up: "Moss" leaves her; the alias of Chair
        // to Moss follows Moss.
        check(
            &[(19, 1)],
            &[
                vec![0, 0, 0, 1],
                vec![3],
                vec![3, 3],
                vec![4, 5, 2],
                vec![7, 6],
                vec![19, 12],
            ],
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn incremental_rows_equal_a_full_recomputation(
            users in proptest::collection::vec((0usize..40, 0usize..40), 0..4),
            batches in proptest::collection::vec(
                proptest::collection::vec(0usize..NAMES.len(), 1..6), 1..8),
        ) {
            check(&users, &batches);
        }
    }
}
