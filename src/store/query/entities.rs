//! Speaker entities as `claims alias list` shows them.

use crate::store::{Result, Store};
use serde::Serialize;

/// One entity: its canonical name, how many claims it has, and its names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRow {
    pub entity: String,
    pub claims: u64,
    /// The speaker names grouped under it, sorted, each with its basis.
    pub names: Vec<(String, String)>,
}

/// The entities with more than one name, or with a name matching `filter` (case-insensitive,
/// anywhere in a name), most claims first.
pub fn entities(store: &Store, filter: Option<&str>) -> Result<Vec<EntityRow>> {
    let mut stmt = store.conn().prepare(
        "SELECT e.entity, e.speaker, e.basis,
                (SELECT count(*) FROM claims c WHERE c.speaker = e.speaker)
         FROM speaker_entities e ORDER BY e.entity, e.speaker",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<EntityRow> = Vec::new();
    for (entity, speaker, basis, n) in rows {
        match out.last_mut() {
            Some(last) if last.entity == entity => {
                last.claims += n.max(0) as u64;
                last.names.push((speaker, basis));
            }
            _ => out.push(EntityRow {
                entity,
                claims: n.max(0) as u64,
                names: vec![(speaker, basis)],
            }),
        }
    }
    let needle = filter.map(str::to_lowercase);
    out.retain(|e| match &needle {
        Some(f) => {
            e.entity.to_lowercase().contains(f)
                || e.names.iter().any(|(n, _)| n.to_lowercase().contains(f))
        }
        None => e.names.len() > 1,
    });
    out.sort_by(|a, b| b.claims.cmp(&a.claims).then(a.entity.cmp(&b.entity)));
    Ok(out)
}
