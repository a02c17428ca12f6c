//! Local facts of one database that are not objects and never sync: its settings
//! (`local_settings`: the author people record as) and its block list (`blocked`: ids it never
//! stores, `claims block`).

use super::{Result, Store};
use crate::objects::ObjectId;
use rusqlite::OptionalExtension;
use serde::Serialize;

/// One entry of the block list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocked {
    pub id: String,
    pub reason: String,
    pub at: String,
}

impl Store {
    /// A local setting (`author`), if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM local_settings WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Sets a local setting; an empty value removes it.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        if value.is_empty() {
            self.conn
                .execute("DELETE FROM local_settings WHERE key = ?1", [key])?;
        } else {
            self.conn.execute(
                "INSERT INTO local_settings(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )?;
        }
        Ok(())
    }

    /// Adds an id to the block list (again: keeps the first entry). Returns whether it was new.
    pub fn block(&self, id: &ObjectId, reason: &str, at: &str) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO blocked(id, reason, at) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO NOTHING",
            (id.to_hex(), reason, at),
        )?;
        Ok(n > 0)
    }

    /// The block list, oldest first.
    pub fn blocked(&self) -> Result<Vec<Blocked>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, reason, at FROM blocked ORDER BY at, id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Blocked {
                    id: r.get(0)?,
                    reason: r.get(1)?,
                    at: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Whether an id is on the block list.
    pub fn is_blocked(&self, id: &ObjectId) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM blocked WHERE id = ?1", [id.to_hex()], |_| {
                Ok(())
            })
            .optional()?
            .is_some())
    }

    /// Whether the object stored under an id is one of the given types.
    pub fn type_of(&self, id: &ObjectId) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT type FROM objects WHERE id = ?1",
                [id.to_hex()],
                |r| r.get(0),
            )
            .optional()?)
    }
}
