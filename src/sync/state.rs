//! Local sync state in the database: the replica id, chain hashes, per-peer cursors, received
//! batches and the sync log (tables of `schema/0003_sync.sql`), and applying verified objects.

use super::wire::Mark;
use super::SyncError;
use crate::model::Received;
use crate::objects::ObjectId;
use crate::store::{Store, StoreError};
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

/// Connection settings for sync work: a 64 MiB page cache and, for a client session (`bulk`),
/// WAL checkpoints left to the end of the session ([`checkpoint`]) instead of every 1,000
/// pages. Per connection; nothing is persisted in the file.
pub fn tune_for_sync(conn: &Connection, bulk: bool) -> Result<(), StoreError> {
    conn.execute_batch("PRAGMA cache_size = -65536;")?;
    if bulk {
        conn.execute_batch("PRAGMA wal_autocheckpoint = 100000;")?;
    }
    Ok(())
}

/// Folds the WAL back into the database file (without waiting for readers).
pub fn checkpoint(conn: &Connection) -> Result<(), StoreError> {
    checkpoint_now(conn)?;
    conn.execute_batch("PRAGMA wal_autocheckpoint = 1000;")?;
    Ok(())
}

/// Copies what is committed in the WAL into the database file, as far as readers allow,
/// without waiting for anyone and without changing the connection's settings.
pub fn checkpoint_now(conn: &Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
    Ok(())
}

/// This database's replica id, if it has one yet.
pub fn replica_id(conn: &Connection) -> Result<Option<String>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT replica_id FROM sync_replica WHERE only = 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// This database's replica id, created (UUID v7) on first use.
pub fn ensure_replica_id(conn: &Connection) -> Result<String, StoreError> {
    if let Some(id) = replica_id(conn)? {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT OR IGNORE INTO sync_replica(only, replica_id, created_at) VALUES (1, ?1, ?2)",
        (&id, crate::clock::now_rfc3339()),
    )?;
    // Another process may have won the race: read back what is stored.
    Ok(replica_id(conn)?.unwrap_or(id))
}

/// Gives this database a new replica id (after a copy was detected), keeping the old one in
/// `previous`. Cursors that peers hold for the old id are then simply never used again.
pub fn regenerate_replica_id(conn: &Connection) -> Result<String, StoreError> {
    let old = ensure_replica_id(conn)?;
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "UPDATE sync_replica SET replica_id = ?1, created_at = ?2, previous = ?3 WHERE only = 1",
        (&id, crate::clock::now_rfc3339(), &old),
    )?;
    Ok(id)
}

/// The newest `objects.seq` (0 when empty).
pub fn max_seq(conn: &Connection) -> Result<i64, StoreError> {
    Ok(
        conn.query_row("SELECT coalesce(max(seq), 0) FROM objects", [], |r| {
            r.get(0)
        })?,
    )
}

/// The chain hash after the object at `seq`: chain(0) is 32 zero bytes and
/// chain(s) = sha256(chain(previous seq) || raw id at s). `None` when `seq` is past the newest
/// object. Checkpoints in `sync_chain` make repeated calls cheap; they are a cache only.
pub fn chain_at(conn: &Connection, seq: i64) -> Result<Option<[u8; 32]>, StoreError> {
    if seq <= 0 {
        return Ok((seq == 0).then_some([0; 32]));
    }
    if seq > max_seq(conn)? {
        return Ok(None);
    }
    let (from, mut chain) = conn
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
        return Ok(Some(chain));
    }
    let mut stmt =
        conn.prepare_cached("SELECT id FROM objects WHERE seq > ?1 AND seq <= ?2 ORDER BY seq")?;
    let mut rows = stmt.query([from, seq])?;
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let mut raw = [0u8; 32];
        // A malformed stored id still has to extend the chain deterministically.
        if hex::decode_to_slice(&id, &mut raw).is_err() {
            raw = Sha256::digest(id.as_bytes()).into();
        }
        let mut h = Sha256::new();
        h.update(chain);
        h.update(raw);
        chain = h.finalize().into();
    }
    // Cache it; failing to (a read-only file, a busy writer) only costs time later.
    let _ = conn.execute(
        "INSERT OR IGNORE INTO sync_chain(seq, chain) VALUES (?1, ?2)",
        (seq, hex::encode(chain)),
    );
    Ok(Some(chain))
}

/// The mark at `seq`, if this database has that many objects.
pub fn mark_at(conn: &Connection, seq: i64) -> Result<Option<Mark>, StoreError> {
    Ok(chain_at(conn, seq)?.map(|chain| Mark { seq, chain }))
}

/// This database's newest mark.
pub fn head(conn: &Connection) -> Result<Mark, StoreError> {
    let seq = max_seq(conn)?;
    Ok(mark_at(conn, seq)?.unwrap_or(Mark::EMPTY))
}

/// How far this database holds the objects of replica `peer`.
pub fn cursor(conn: &Connection, peer: &str) -> Result<Option<Mark>, StoreError> {
    Ok(conn
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
pub fn set_cursor(conn: &Connection, peer: &str, mark: Mark) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sync_cursors(peer, seq, chain, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(peer) DO UPDATE SET seq = excluded.seq, chain = excluded.chain,
                                         updated_at = excluded.updated_at",
        (
            peer,
            mark.seq,
            hex::encode(mark.chain),
            crate::clock::now_rfc3339(),
        ),
    )?;
    Ok(())
}

/// The order objects of one batch are stored in: referenced types first. A stable sort, so
/// the sender's arrival order is kept within each type.
fn rank(kind: &str) -> u8 {
    match kind {
        "document" => 0,
        "version" => 1,
        "claim" => 2,
        "mention" => 3,
        _ => 4,
    }
}

/// What one applied batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Objects that were new here.
    pub stored: u64,
    /// The local seq range they got, if any.
    pub seqs: Option<(i64, i64)>,
    /// This database's head just before and just after the write, inside the transaction.
    pub before: Mark,
    pub after: Mark,
}

/// Stores already verified objects in one transaction through the same path as import, and
/// in the same transaction records the batch and, if given, a cursor `(peer, mark)`.
pub fn apply(
    store: &mut Store,
    objects: Vec<Received>,
    source: &str,
    cursor: Option<(&str, Mark)>,
) -> Result<Applied, SyncError> {
    let mut applying = Applying::begin(store)?;
    applying.add(objects)?;
    applying.finish(source, cursor)
}

/// One transaction of [`apply`], filled in several steps: verified batches are added as they
/// arrive, and [`Applying::finish`] records them and the cursor and commits. Dropped
/// unfinished, it stores nothing.
pub struct Applying<'s> {
    writer: crate::store::Writer<'s>,
    before: Mark,
    stored: u64,
    added: u64,
}

impl<'s> Applying<'s> {
    pub fn begin(store: &'s mut Store) -> Result<Applying<'s>, SyncError> {
        let writer = store.writer()?;
        let before = head(writer.tx())?;
        Ok(Applying {
            writer,
            before,
            stored: 0,
            added: 0,
        })
    }

    /// Stores a batch, referenced types first.
    pub fn add(&mut self, mut objects: Vec<Received>) -> Result<(), SyncError> {
        objects.sort_by_key(|o| rank(&o.object.kind));
        self.added += objects.len() as u64;
        for object in &objects {
            self.stored += u64::from(self.writer.put_received(object)?);
        }
        Ok(())
    }

    /// Objects added so far (new or not).
    pub fn added(&self) -> u64 {
        self.added
    }

    /// Records the batch (`source`, the seq range) and the cursor, and commits.
    pub fn finish(self, source: &str, cursor: Option<(&str, Mark)>) -> Result<Applied, SyncError> {
        let Applying {
            writer,
            before,
            stored,
            ..
        } = self;
        let seqs = writer.seq_range();
        if let Some((first, last)) = seqs {
            writer.tx().execute(
                "INSERT INTO sync_batches(peer, received_at, first_seq, last_seq)
                 VALUES (?1, ?2, ?3, ?4)",
                (source, crate::clock::now_rfc3339(), first, last),
            )?;
        }
        if let Some((peer, mark)) = cursor {
            set_cursor(writer.tx(), peer, mark)?;
        }
        let after = head(writer.tx())?;
        writer.commit()?;
        Ok(Applied {
            stored,
            seqs,
            before,
            after,
        })
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

pub fn log(conn: &Connection, e: &LogEntry) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sync_log(at, peer, address, direction, sent, received, bytes_sent,
                              bytes_received, round_trips, mode)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        rusqlite::params![
            crate::clock::now_rfc3339(),
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
pub fn ids_between(
    conn: &Connection,
    after: i64,
    upto: i64,
    limit: u32,
) -> Result<Vec<(i64, ObjectId)>, StoreError> {
    let mut stmt = conn.prepare_cached(
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

/// The body of a stored object.
pub fn body(conn: &Connection, id: &ObjectId) -> Result<Option<String>, StoreError> {
    Ok(conn
        .prepare_cached("SELECT body FROM objects WHERE id = ?1")?
        .query_row([id.to_hex()], |r| r.get(0))
        .optional()?)
}

/// Which of these ids are stored here.
pub fn present(conn: &Connection, ids: &[ObjectId]) -> Result<Vec<bool>, StoreError> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM objects WHERE id = ?1")?;
    ids.iter()
        .map(|id| Ok(stmt.exists([id.to_hex()])?))
        .collect()
}
