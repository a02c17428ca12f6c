//! The sync state of this copy of the database (tables of `schema/0003_sync.sql`), and the
//! reads that sync does on `objects`: by seq, by id prefix, bodies.
//!
//! Local facts, never hashed and never exchanged as objects: the replica id, chain hashes,
//! per-peer cursors, received batches and the sync log. [`Replica`] is a view over a connection:
//! [`super::Store::replica`] outside a transaction, or the ledger's transaction (so that a
//! cursor is recorded together with the objects it covers).

use super::{row_id, Result};
use crate::objects::ObjectId;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A position in a replica's arrival order: its `objects.seq` and its chain hash there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub seq: i64,
    #[serde(with = "hex32")]
    pub chain: [u8; 32],
}

impl Mark {
    /// The mark of an empty replica.
    pub const EMPTY: Mark = Mark {
        seq: 0,
        chain: [0; 32],
    };
}

mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(&s, &mut out)
            .map_err(|_| serde::de::Error::custom("a chain hash is 64 hex digits"))?;
        Ok(out)
    }
}

/// One row of `sync_log`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogEntry {
    pub peer: String,
    pub address: String,
    pub direction: &'static str,
    pub sent: u64,
    pub received: u64,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub round_trips: u64,
    pub mode: &'static str,
}

/// The sync state and sync reads over one connection.
pub struct Replica<'c> {
    conn: &'c Connection,
}

impl<'c> Replica<'c> {
    pub(super) fn new(conn: &'c Connection) -> Replica<'c> {
        Replica { conn }
    }

    /// This database's replica id, if it has one yet.
    pub fn id(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT replica_id FROM sync_replica WHERE only = 1",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// This database's replica id, created (UUID v7) on first use.
    pub fn ensure_id(&self) -> Result<String> {
        if let Some(id) = self.id()? {
            return Ok(id);
        }
        let id = uuid::Uuid::now_v7().to_string();
        self.conn.execute(
            "INSERT OR IGNORE INTO sync_replica(only, replica_id, created_at) VALUES (1, ?1, ?2)",
            (&id, crate::time::now_rfc3339()),
        )?;
        // Another process may have won the race: read back what is stored.
        Ok(self.id()?.unwrap_or(id))
    }

    /// Gives this database a new replica id (after a copy was detected), keeping the old one in
    /// `previous`. Cursors that peers hold for the old id are then simply never used again.
    pub fn regenerate_id(&self) -> Result<String> {
        let old = self.ensure_id()?;
        let id = uuid::Uuid::now_v7().to_string();
        self.conn.execute(
            "UPDATE sync_replica SET replica_id = ?1, created_at = ?2, previous = ?3 WHERE only = 1",
            (&id, crate::time::now_rfc3339(), &old),
        )?;
        Ok(id)
    }

    /// The newest `objects.seq` (0 when empty).
    pub fn max_seq(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(seq), 0) FROM objects", [], |r| {
                r.get(0)
            })?)
    }

    /// The chain hash after the object at `seq`: chain(0) is 32 zero bytes and
    /// chain(s) = sha256(chain(previous seq) || raw id at s). `None` when `seq` is past the
    /// newest object. Checkpoints in `sync_chain` make repeated calls cheap; they are a cache.
    pub fn chain_at(&self, seq: i64) -> Result<Option<[u8; 32]>> {
        if seq <= 0 {
            return Ok((seq == 0).then_some([0; 32]));
        }
        if seq > self.max_seq()? {
            return Ok(None);
        }
        let (chain, cached) = self.chain_read(seq)?;
        if !cached {
            self.cache_chain(seq, &chain);
        }
        Ok(Some(chain))
    }

    /// The chain hash after the object at `seq` (at most the newest), and whether `sync_chain`
    /// holds it: from the nearest checkpoint at or before `seq`, extended over the ids stored
    /// after it. Caches nothing.
    fn chain_read(&self, seq: i64) -> Result<([u8; 32], bool)> {
        if seq <= 0 {
            return Ok(([0; 32], true));
        }
        let (from, mut chain) = self
            .conn
            .query_row(
                "SELECT seq, chain FROM sync_chain WHERE seq <= ?1 ORDER BY seq DESC LIMIT 1",
                [seq],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .and_then(|(s, hexed)| {
                let mut out = [0u8; 32];
                hex::decode_to_slice(hexed, &mut out).ok()?;
                Some((s, out))
            })
            .unwrap_or((0, [0; 32]));
        if from == seq {
            return Ok((chain, true));
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM objects WHERE seq > ?1 AND seq <= ?2 ORDER BY seq")?;
        let mut rows = stmt.query([from, seq])?;
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            let mut raw = [0u8; 32];
            // A malformed stored id still has to extend the chain deterministically.
            if hex::decode_to_slice(&id, &mut raw).is_err() {
                raw = Sha256::digest(id.as_bytes()).into();
            }
            chain = chain_step(&chain, &raw);
        }
        Ok((chain, false))
    }

    /// Caches the chain hash at `seq` in `sync_chain`; failing to (a read-only file, a busy
    /// writer) only costs time later.
    fn cache_chain(&self, seq: i64, chain: &[u8; 32]) {
        let _ = self
            .conn
            .prepare_cached("INSERT OR IGNORE INTO sync_chain(seq, chain) VALUES (?1, ?2)")
            .and_then(|mut stmt| stmt.execute((seq, hex::encode(chain))));
    }

    /// [`Replica::chain_at`] the newest object, when the objects stored from seq `first` on
    /// are `ids`, in seq order (what a writer stored in its transaction): the chain at
    /// `first - 1` extended over `ids`, without reading them back from `objects`. Cached in
    /// `sync_chain` as `chain_at` caches it (and only there). When `ids` are not exactly the
    /// objects from `first` to the newest, it is `chain_at` the newest.
    pub fn chain_over(&self, first: i64, ids: &[ObjectId]) -> Result<Option<[u8; 32]>> {
        let newest = self.max_seq()?;
        let last = first.saturating_add(ids.len() as i64).saturating_sub(1);
        if ids.is_empty() || first <= 0 || last != newest {
            return self.chain_at(newest);
        }
        let (mut chain, _) = self.chain_read(first - 1)?;
        for id in ids {
            chain = chain_step(&chain, id.as_bytes());
        }
        self.cache_chain(newest, &chain);
        Ok(Some(chain))
    }

    /// The mark at `seq`, if this database has that many objects.
    pub fn mark_at(&self, seq: i64) -> Result<Option<Mark>> {
        Ok(self.chain_at(seq)?.map(|chain| Mark { seq, chain }))
    }

    /// This database's newest mark.
    pub fn head(&self) -> Result<Mark> {
        let seq = self.max_seq()?;
        Ok(self.mark_at(seq)?.unwrap_or(Mark::EMPTY))
    }

    /// How far this database holds the objects of replica `peer`.
    pub fn cursor(&self, peer: &str) -> Result<Option<Mark>> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq, chain FROM sync_cursors WHERE peer = ?1",
                [peer],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .optional()?
            .and_then(|(seq, hexed)| {
                let mut chain = [0u8; 32];
                hex::decode_to_slice(hexed, &mut chain).ok()?;
                Some(Mark { seq, chain })
            }))
    }

    /// Records how far this database holds the objects of replica `peer`.
    pub fn set_cursor(&self, peer: &str, mark: Mark) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sync_cursors(peer, seq, chain, updated_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(peer) DO UPDATE SET seq = excluded.seq, chain = excluded.chain,
                                             updated_at = excluded.updated_at",
            (
                peer,
                mark.seq,
                hex::encode(mark.chain),
                crate::time::now_rfc3339(),
            ),
        )?;
        Ok(())
    }

    /// Records which local seq range arrived from `peer` (a replica id or `bundle:PATH`).
    pub fn record_batch(&self, peer: &str, first: i64, last: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sync_batches(peer, received_at, first_seq, last_seq)
             VALUES (?1, ?2, ?3, ?4)",
            (peer, crate::time::now_rfc3339(), first, last),
        )?;
        Ok(())
    }

    /// Adds a row to `sync_log`.
    pub fn log(&self, e: &LogEntry) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sync_log(at, peer, address, direction, sent, received, bytes_sent,
                                  bytes_received, round_trips, mode)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            rusqlite::params![
                crate::time::now_rfc3339(),
                e.peer,
                e.address,
                e.direction,
                e.sent as i64,
                e.received as i64,
                e.bytes_sent as i64,
                e.bytes_received as i64,
                e.round_trips as i64,
                e.mode
            ],
        )?;
        Ok(())
    }

    /// `(seq, id)` of the objects stored after `after` up to `upto`, in seq order.
    pub fn ids_between(&self, after: i64, upto: i64, limit: u32) -> Result<Vec<(i64, ObjectId)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, id FROM objects WHERE seq > ?1 AND seq <= ?2 ORDER BY seq LIMIT ?3",
        )?;
        let mut rows = stmt.query((after, upto, limit))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let id: String = row.get(1)?;
            if let Ok(id) = ObjectId::parse(&id) {
                out.push((seq, id));
            }
        }
        Ok(out)
    }

    /// The type and body of a stored object.
    pub fn kind_and_body(&self, id: &ObjectId) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .prepare_cached("SELECT type, body FROM objects WHERE id = ?1")?
            .query_row([id.to_hex()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The stored ids (as stored, not re-hashed) and bodies of the objects in these inclusive
    /// seq runs, in seq order.
    pub fn bodies_in_runs(&self, runs: &[(i64, i64)]) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, body FROM objects WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq",
        )?;
        for &(first, last) in runs {
            let mut rows = stmt.query((first, last))?;
            while let Some(row) = rows.next()? {
                out.push((row.get(0)?, row.get(1)?));
            }
        }
        Ok(out)
    }

    /// Calls `each` with the stored id (as stored, not re-hashed) and the body of every object
    /// from seq `from` on, in seq order.
    pub fn each_body_from<E: From<super::StoreError>>(
        &self,
        from: i64,
        mut each: impl FnMut(&str, &str) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, body FROM objects WHERE seq >= ?1 ORDER BY seq")
            .map_err(super::StoreError::from)?;
        let mut rows = stmt.query([from]).map_err(super::StoreError::from)?;
        while let Some(row) = rows.next().map_err(super::StoreError::from)? {
            let id: String = row.get(0).map_err(super::StoreError::from)?;
            let body: String = row.get(1).map_err(super::StoreError::from)?;
            each(&id, &body)?;
        }
        Ok(())
    }

    /// The first local seq that arrived at or after `since` (by import or by sync), if any.
    pub fn first_seq_since(&self, since: &str) -> Result<Option<i64>> {
        Ok(self.conn.query_row(
            "SELECT min(s) FROM (
                 SELECT min(first_seq) AS s FROM imports
                  WHERE imported_at >= ?1 AND first_seq IS NOT NULL
                 UNION ALL
                 SELECT min(first_seq) FROM sync_batches WHERE received_at >= ?1)",
            [since],
            |r| r.get(0),
        )?)
    }

    /// Which of these ids are stored here.
    pub fn present(&self, ids: &[ObjectId]) -> Result<Vec<bool>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM objects WHERE id = ?1")?;
        ids.iter()
            .map(|id| Ok(stmt.exists([id.to_hex()])?))
            .collect()
    }

    /// Adds a hub user with the sha256 of its token; false if the name is taken.
    pub fn add_user(&self, name: &str, role: &str, token_hash: &[u8; 32]) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO hub_users(name, role, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO NOTHING",
            (name, role, &token_hash[..], crate::time::now_rfc3339()),
        )?;
        Ok(n == 1)
    }

    /// Revokes a hub user's token; false if there is no such user still active.
    pub fn revoke_user(&self, name: &str) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE hub_users SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
            (name, crate::time::now_rfc3339()),
        )?;
        Ok(n == 1)
    }

    /// The hub's users, by name.
    pub fn users(&self) -> Result<Vec<super::postgres::HubUser>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, role, created_at, revoked_at FROM hub_users ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(super::postgres::HubUser {
                name: r.get(0)?,
                role: r.get(1)?,
                created_at: r.get(2)?,
                revoked_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every hub user with its token hash and whether it is revoked, for the server's check.
    pub fn credentials(&self) -> Result<Vec<super::postgres::StoredCredential>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, role, token_hash, revoked_at IS NOT NULL FROM hub_users",
        )?;
        let rows = stmt.query_map([], |r| {
            let hash: Vec<u8> = r.get(2)?;
            let mut token_hash = [0u8; 32];
            if hash.len() == 32 {
                token_hash.copy_from_slice(&hash);
            }
            Ok(super::postgres::StoredCredential {
                name: r.get(0)?,
                role: r.get(1)?,
                token_hash,
                revoked: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The pushes this file stored as a hub (`sync_log` rows of `serve`), oldest first, the
    /// newest `limit`; no user is recorded for them.
    pub fn push_log(&self, limit: i64) -> Result<Vec<super::postgres::PushLogEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, peer, address, received, bytes_received, mode FROM (
                 SELECT * FROM sync_log WHERE direction = 'serve' ORDER BY log_id DESC LIMIT ?1
             ) ORDER BY log_id",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(super::postgres::PushLogEntry {
                at: r.get(0)?,
                peer: r.get(1)?,
                address: r.get(2)?,
                user: String::new(),
                received: r.get::<_, i64>(3)? as u64,
                bytes: r.get::<_, i64>(4)? as u64,
                mode: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The kept coded symbols and the seq they cover up to (`sync_symbols`), if any.
    pub fn load_symbols(&self) -> Result<Option<(i64, Vec<u8>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT upto, symbols FROM sync_symbols WHERE only = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Keeps coded symbols covering seqs up to `upto`.
    pub fn save_symbols(&self, upto: i64, symbols: &[u8]) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sync_symbols(only, upto, symbols) VALUES (1, ?1, ?2)
             ON CONFLICT (only) DO UPDATE SET upto = excluded.upto, symbols = excluded.symbols",
            (upto, symbols),
        )?;
        Ok(())
    }

    /// The seq of each of these ids, 0 for one not stored here.
    pub fn locate(&self, ids: &[ObjectId]) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq FROM objects WHERE id = ?1")?;
        ids.iter()
            .map(|id| {
                Ok(stmt
                    .query_row([id.to_hex()], |r| r.get(0))
                    .optional()?
                    .unwrap_or(0))
            })
            .collect()
    }

    /// The `(seq, id)` stored under an id prefix (0 to 64 lower-case hex digits) at seqs up to
    /// `upto`, in id order.
    pub fn ids_under(&self, prefix: &str, upto: i64) -> Result<Vec<(i64, ObjectId)>> {
        let mut out = Vec::new();
        let mut push = |row: &rusqlite::Row<'_>| -> rusqlite::Result<()> {
            let seq: i64 = row.get(0)?;
            if let Ok(id) = row_id(row, 1) {
                out.push((seq, id));
            }
            Ok(())
        };
        match prefix_upper(prefix) {
            Some(hi) => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT seq, id FROM objects WHERE id >= ?1 AND id < ?2 AND seq <= ?3 \
                     ORDER BY id",
                )?;
                let mut rows = stmt.query((prefix, hi, upto))?;
                while let Some(row) = rows.next()? {
                    push(row)?;
                }
            }
            None => {
                let mut stmt = self.conn.prepare_cached(
                    "SELECT seq, id FROM objects WHERE id >= ?1 AND seq <= ?2 ORDER BY id",
                )?;
                let mut rows = stmt.query((prefix, upto))?;
                while let Some(row) = rows.next()? {
                    push(row)?;
                }
            }
        }
        Ok(out)
    }
}

/// The smallest string above every id starting with `prefix` (lower-case hex), or `None` for
/// "no bound".
pub fn prefix_upper(prefix: &str) -> Option<String> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut digits: Vec<u8> = prefix.bytes().collect();
    while let Some(last) = digits.pop() {
        if last != b'f' {
            let pos = HEX.iter().position(|&h| h == last).unwrap_or(15);
            digits.push(HEX[(pos + 1).min(15)]);
            return Some(String::from_utf8_lossy(&digits).into_owned());
        }
    }
    None
}

/// One step of the chain hash: sha256(chain || raw id).
fn chain_step(chain: &[u8; 32], raw: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(chain);
    h.update(raw);
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_bounds_cover_exactly_the_prefix() {
        assert_eq!(prefix_upper(""), None);
        assert_eq!(prefix_upper("3f").as_deref(), Some("4"));
        assert_eq!(prefix_upper("3e").as_deref(), Some("3f"));
        assert_eq!(prefix_upper("9").as_deref(), Some("a"));
        assert_eq!(prefix_upper("ff"), None);
    }
}
