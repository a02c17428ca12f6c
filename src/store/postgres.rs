//! A hub's storage on PostgreSQL (`claims serve --store postgres://...`): all its SQL.
//!
//! The same object semantics as the SQLite file: append-only, content-addressed (the caller
//! verifies every id before [`PgStore::push`]), objects in arrival order with gapless seqs and
//! a chain hash per object, per-peer cursors; plus the hub's users and its push log. A hub on
//! PostgreSQL stores and serves objects; it keeps no typed index (clients build their own).
//! The migrations are `schema/postgres/*.sql`, applied in order under an advisory lock.

use super::replica::{prefix_upper, Mark};
use super::{Result, StoreError};
use crate::objects::ObjectId;
use postgres::{Client, NoTls};
use sha2::{Digest, Sha256};

/// The numbered migrations of a PostgreSQL hub, applied in order.
pub const PG_MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../schema/postgres/0001_hub.sql")),
    (2, include_str!("../../schema/postgres/0002_symbols.sql")),
];

/// The advisory lock that serialises migrations and pushes (so seqs have no gaps and each
/// chain hash follows the one before).
const WRITE_LOCK: i64 = 0x636c_6169_6d73; // "claims"

/// One object to store: its id, type and canonical body, already verified.
pub struct NewObject<'a> {
    pub id: &'a ObjectId,
    pub kind: &'a str,
    pub body: &'a str,
}

/// What [`PgStore::push`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PgPushed {
    pub stored: u64,
    pub before: Mark,
    pub after: Mark,
}

/// One push of the hub's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushLogEntry {
    pub at: String,
    pub peer: String,
    pub address: String,
    pub user: String,
    pub received: u64,
    pub bytes: u64,
    pub mode: String,
}

/// A user of the hub, without the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubUser {
    pub name: String,
    pub role: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A user as the server checks it: the sha256 of its token, and whether it was revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCredential {
    pub name: String,
    pub role: String,
    pub token_hash: [u8; 32],
    pub revoked: bool,
}

/// A connection to a hub's PostgreSQL database.
pub struct PgStore {
    client: Client,
}

fn pg(e: postgres::Error) -> StoreError {
    StoreError::Postgres(describe(&e))
}

/// The server's own message when it sent one, else the driver's.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut out = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                out = format!("{out}: {s}");
                source = s.source();
            }
            out
        }
    }
}

fn chain_of(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    if bytes.len() == 32 {
        out.copy_from_slice(bytes);
    }
    out
}

/// The chain hash after `id`, following `chain`.
pub fn next_chain(chain: &[u8; 32], id: &ObjectId) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(chain);
    h.update(id.as_bytes());
    h.finalize().into()
}

impl PgStore {
    /// Connects (a `postgres://user@host/db` URL or `key=value` settings) and brings the
    /// schema up to date.
    pub fn connect(url: &str) -> Result<PgStore> {
        let client = Client::connect(url, NoTls).map_err(pg)?;
        let mut store = PgStore { client };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<()> {
        let mut tx = self.client.transaction().map_err(pg)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
            .map_err(pg)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS hub_migrations (
                 version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .map_err(pg)?;
        let current: i32 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM hub_migrations", &[])
            .map_err(pg)?
            .get(0);
        for &(number, sql) in PG_MIGRATIONS {
            if number <= current {
                continue;
            }
            tx.batch_execute(sql).map_err(|e| {
                StoreError::Postgres(format!("migration {number} failed: {}", describe(&e)))
            })?;
            tx.execute(
                "INSERT INTO hub_migrations(version, applied_at) VALUES ($1, $2)",
                &[&number, &crate::time::now_rfc3339()],
            )
            .map_err(pg)?;
        }
        tx.execute(
            "INSERT INTO hub_replica(single, replica_id, created_at) VALUES (1, $1, $2)
             ON CONFLICT (single) DO NOTHING",
            &[
                &uuid::Uuid::now_v7().to_string(),
                &crate::time::now_rfc3339(),
            ],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)
    }

    /// The schema version (the newest migration applied).
    pub fn schema_version(&mut self) -> Result<i32> {
        Ok(self
            .client
            .query_one("SELECT coalesce(max(version), 0) FROM hub_migrations", &[])
            .map_err(pg)?
            .get(0))
    }

    pub fn replica_id(&mut self) -> Result<String> {
        Ok(self
            .client
            .query_one("SELECT replica_id FROM hub_replica WHERE single = 1", &[])
            .map_err(pg)?
            .get(0))
    }

    pub fn max_seq(&mut self) -> Result<i64> {
        Ok(self
            .client
            .query_one("SELECT coalesce(max(seq), 0)::BIGINT FROM hub_objects", &[])
            .map_err(pg)?
            .get(0))
    }

    pub fn mark_at(&mut self, seq: i64) -> Result<Option<Mark>> {
        if seq <= 0 {
            return Ok((seq == 0).then_some(Mark::EMPTY));
        }
        let row = self
            .client
            .query_opt("SELECT chain FROM hub_objects WHERE seq = $1", &[&seq])
            .map_err(pg)?;
        Ok(row.map(|r| Mark {
            seq,
            chain: chain_of(r.get::<_, &[u8]>(0)),
        }))
    }

    pub fn cursor(&mut self, peer: &str) -> Result<Option<Mark>> {
        let row = self
            .client
            .query_opt(
                "SELECT seq, chain FROM hub_cursors WHERE peer = $1",
                &[&peer],
            )
            .map_err(pg)?;
        Ok(row.map(|r| Mark {
            seq: r.get(0),
            chain: chain_of(r.get::<_, &[u8]>(1)),
        }))
    }

    pub fn ids_after(&mut self, after: i64, limit: u32) -> Result<Vec<(i64, ObjectId)>> {
        let rows = self
            .client
            .query(
                "SELECT seq, id FROM hub_objects WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &i64::from(limit)],
            )
            .map_err(pg)?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((r.get(0), ObjectId::parse(r.get(1)).ok()?)))
            .collect())
    }

    /// The stored ids (as stored) and bodies in these inclusive seq runs, in seq order.
    pub fn bodies(&mut self, runs: &[(i64, i64)]) -> Result<Vec<(String, String)>> {
        let stmt = self
            .client
            .prepare("SELECT id, body FROM hub_objects WHERE seq >= $1 AND seq <= $2 ORDER BY seq")
            .map_err(pg)?;
        let mut out = Vec::new();
        for (first, last) in runs {
            for r in self.client.query(&stmt, &[first, last]).map_err(pg)? {
                out.push((r.get(0), r.get(1)));
            }
        }
        Ok(out)
    }

    pub fn present(&mut self, ids: &[ObjectId]) -> Result<Vec<bool>> {
        let hexed: Vec<String> = ids.iter().map(ObjectId::to_hex).collect();
        let found: std::collections::HashSet<String> = self
            .client
            .query("SELECT id FROM hub_objects WHERE id = ANY($1)", &[&hexed])
            .map_err(pg)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        Ok(hexed.iter().map(|h| found.contains(h)).collect())
    }

    /// The seq of each of these ids, 0 for one not stored here.
    pub fn locate(&mut self, ids: &[ObjectId]) -> Result<Vec<i64>> {
        let hexed: Vec<String> = ids.iter().map(ObjectId::to_hex).collect();
        let found: std::collections::HashMap<String, i64> = self
            .client
            .query(
                "SELECT id, seq FROM hub_objects WHERE id = ANY($1)",
                &[&hexed],
            )
            .map_err(pg)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        Ok(hexed
            .iter()
            .map(|h| found.get(h).copied().unwrap_or(0))
            .collect())
    }

    /// The kept coded symbols and the seq they cover up to (`hub_symbols`), if any.
    pub fn load_symbols(&mut self) -> Result<Option<(i64, Vec<u8>)>> {
        Ok(self
            .client
            .query_opt(
                "SELECT upto, symbols FROM hub_symbols WHERE single = 1",
                &[],
            )
            .map_err(pg)?
            .map(|r| (r.get(0), r.get(1))))
    }

    /// Keeps coded symbols covering seqs up to `upto`, unless newer ones are kept already
    /// (another connection may have folded in more meanwhile).
    pub fn save_symbols(&mut self, upto: i64, symbols: &[u8]) -> Result<()> {
        self.client
            .execute(
                "INSERT INTO hub_symbols(single, upto, symbols) VALUES (1, $1, $2)
                 ON CONFLICT (single) DO UPDATE SET upto = excluded.upto,
                     symbols = excluded.symbols
                 WHERE hub_symbols.upto < excluded.upto",
                &[&upto, &symbols],
            )
            .map_err(pg)?;
        Ok(())
    }

    /// `(seq, id)` under an id prefix at seqs up to `upto`, in id order.
    pub fn ids_under(&mut self, prefix: &str, upto: i64) -> Result<Vec<(i64, ObjectId)>> {
        let rows = match prefix_upper(prefix) {
            Some(hi) => self.client.query(
                "SELECT seq, id FROM hub_objects WHERE id >= $1 AND id < $2 AND seq <= $3 \
                 ORDER BY id",
                &[&prefix, &hi, &upto],
            ),
            None => self.client.query(
                "SELECT seq, id FROM hub_objects WHERE id >= $1 AND seq <= $2 ORDER BY id",
                &[&prefix, &upto],
            ),
        }
        .map_err(pg)?;
        Ok(rows
            .iter()
            .filter_map(|r| Some((r.get(0), ObjectId::parse(r.get(1)).ok()?)))
            .collect())
    }

    /// Stores verified objects (those not yet stored, in the order given), the cursor of
    /// `replica` and a row of the push log, in one transaction. Pushes are serialised.
    pub fn push(
        &mut self,
        objects: &[NewObject<'_>],
        replica: &str,
        cursor: Option<Mark>,
        address: &str,
        user: &str,
        bytes: u64,
    ) -> Result<PgPushed> {
        let mut tx = self.client.transaction().map_err(pg)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITE_LOCK])
            .map_err(pg)?;
        let before = match tx
            .query_opt(
                "SELECT seq, chain FROM hub_objects ORDER BY seq DESC LIMIT 1",
                &[],
            )
            .map_err(pg)?
        {
            Some(r) => Mark {
                seq: r.get(0),
                chain: chain_of(r.get::<_, &[u8]>(1)),
            },
            None => Mark::EMPTY,
        };
        let hexed: Vec<String> = objects.iter().map(|o| o.id.to_hex()).collect();
        let mut known: std::collections::HashSet<String> = tx
            .query("SELECT id FROM hub_objects WHERE id = ANY($1)", &[&hexed])
            .map_err(pg)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let (mut seqs, mut ids, mut kinds, mut bodies, mut chains) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut at = before;
        for (o, hex) in objects.iter().zip(hexed) {
            if !known.insert(hex.clone()) {
                continue;
            }
            at = Mark {
                seq: at.seq + 1,
                chain: next_chain(&at.chain, o.id),
            };
            seqs.push(at.seq);
            ids.push(hex);
            kinds.push(o.kind.to_string());
            bodies.push(o.body.to_string());
            chains.push(at.chain.to_vec());
        }
        if !seqs.is_empty() {
            tx.execute(
                "INSERT INTO hub_objects(seq, id, type, body, chain)
                 SELECT * FROM unnest($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[],
                                      $5::BYTEA[])",
                &[&seqs, &ids, &kinds, &bodies, &chains],
            )
            .map_err(pg)?;
        }
        let now = crate::time::now_rfc3339();
        if let Some(mark) = cursor {
            tx.execute(
                "INSERT INTO hub_cursors(peer, seq, chain, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (peer) DO UPDATE SET seq = excluded.seq, chain = excluded.chain,
                                                  updated_at = excluded.updated_at",
                &[&replica, &mark.seq, &mark.chain.to_vec(), &now],
            )
            .map_err(pg)?;
        }
        let stored = seqs.len() as u64;
        tx.execute(
            "INSERT INTO hub_log(at, peer, address, username, received, bytes, mode)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &now,
                &replica,
                &address,
                &user,
                &(stored as i64),
                &(bytes as i64),
                &if objects.is_empty() { "cursor" } else { "push" },
            ],
        )
        .map_err(pg)?;
        tx.commit().map_err(pg)?;
        Ok(PgPushed {
            stored,
            before,
            after: at,
        })
    }

    /// Calls `each(seq, id, body, chain)` for every object in seq order.
    pub fn each_object(&mut self, mut each: impl FnMut(i64, &str, &str, [u8; 32])) -> Result<()> {
        let mut tx = self.client.transaction().map_err(pg)?;
        let portal = tx
            .bind(
                "SELECT seq, id, body, chain FROM hub_objects ORDER BY seq",
                &[],
            )
            .map_err(pg)?;
        loop {
            let rows = tx.query_portal(&portal, 10_000).map_err(pg)?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                each(r.get(0), r.get(1), r.get(2), chain_of(r.get::<_, &[u8]>(3)));
            }
        }
        tx.commit().map_err(pg)
    }

    /// The push log, oldest first (the newest `limit` rows).
    pub fn push_log(&mut self, limit: i64) -> Result<Vec<PushLogEntry>> {
        let rows = self
            .client
            .query(
                "SELECT at, peer, address, username, received, bytes, mode FROM (
                     SELECT * FROM hub_log ORDER BY log_id DESC LIMIT $1) newest
                 ORDER BY log_id",
                &[&limit],
            )
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| PushLogEntry {
                at: r.get(0),
                peer: r.get(1),
                address: r.get(2),
                user: r.get(3),
                received: r.get::<_, i64>(4) as u64,
                bytes: r.get::<_, i64>(5) as u64,
                mode: r.get(6),
            })
            .collect())
    }

    /// Adds a user with the sha256 of its token; false if the name is taken.
    pub fn add_user(&mut self, name: &str, role: &str, token_hash: &[u8; 32]) -> Result<bool> {
        let n = self
            .client
            .execute(
                "INSERT INTO hub_users(name, role, token_hash, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO NOTHING",
                &[
                    &name,
                    &role,
                    &token_hash.to_vec(),
                    &crate::time::now_rfc3339(),
                ],
            )
            .map_err(pg)?;
        Ok(n == 1)
    }

    /// Revokes a user's token; false if there is no such user still active.
    pub fn revoke_user(&mut self, name: &str) -> Result<bool> {
        let n = self
            .client
            .execute(
                "UPDATE hub_users SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL",
                &[&name, &crate::time::now_rfc3339()],
            )
            .map_err(pg)?;
        Ok(n == 1)
    }

    pub fn users(&mut self) -> Result<Vec<HubUser>> {
        let rows = self
            .client
            .query(
                "SELECT name, role, created_at, revoked_at FROM hub_users ORDER BY name",
                &[],
            )
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| HubUser {
                name: r.get(0),
                role: r.get(1),
                created_at: r.get(2),
                revoked_at: r.get(3),
            })
            .collect())
    }

    /// Every user with its token hash and whether it is revoked, for the server's check.
    pub fn credentials(&mut self) -> Result<Vec<StoredCredential>> {
        let rows = self
            .client
            .query(
                "SELECT name, role, token_hash, revoked_at IS NOT NULL FROM hub_users",
                &[],
            )
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| StoredCredential {
                name: r.get(0),
                role: r.get(1),
                token_hash: chain_of(r.get::<_, &[u8]>(2)),
                revoked: r.get(3),
            })
            .collect())
    }
}
