//! The `speaker_entities` index: every distinct speaker name and its entity, recomputed by
//! [`crate::model::entity::group`] from the claims, the `aliases` table and the seed alias
//! table whenever a transaction stored a claim or an alias, and by `claims rebuild`.

use crate::model::entity;
use rusqlite::Connection;

/// Recomputes `speaker_entities` from what is stored.
pub(super) fn refresh(conn: &Connection) -> rusqlite::Result<()> {
    let speakers: Vec<(String, u64)> = conn
        .prepare_cached("SELECT speaker, count(*) FROM claims GROUP BY speaker ORDER BY speaker")?
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?
        .collect::<rusqlite::Result<_>>()?;
    let user: Vec<(String, String)> = conn
        .prepare_cached("SELECT alias, canonical FROM aliases ORDER BY seq")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let seeds = entity::seed_aliases(crate::extract::ALIASES_TSV);
    let rows = entity::group(&speakers, &seeds, &user);
    conn.execute("DELETE FROM speaker_entities", [])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO speaker_entities(speaker, entity, basis) VALUES (?1, ?2, ?3)",
    )?;
    for g in &rows {
        insert.execute((&g.speaker, &g.entity, g.basis.as_str()))?;
    }
    Ok(())
}
