//! The SQLite file: opening, migrations, writing objects and their index rows, queries.
//!
//! The file has two halves. `objects` is the truth: append-only (triggers refuse UPDATE and
//! DELETE), content-addressed, what sync exchanges. The index (typed tables, views, FTS) is
//! derived from `objects` alone and [`Store::rebuild`] recreates it. Local facts that are not
//! part of any object (when a file was imported, from where) live in `imports`.
//!
//! This module knows nothing of the CLI or of HTTP.

mod index;
pub mod query;

use crate::model::{Received, Typed};
use crate::objects::{Object, ObjectId};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use index::IndexError;

/// `PRAGMA application_id` of a claims database: the bytes "CLMS".
pub const APPLICATION_ID: i32 = 0x434C_4D53;

/// The numbered migrations in `schema/`, applied in order; `PRAGMA user_version` is the number
/// of the last one applied.
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../../schema/0001_ledger.sql")),
    (2, include_str!("../../schema/0002_relations.sql")),
    (3, include_str!("../../schema/0003_sync.sql")),
];

/// The schema version this release writes.
pub const SCHEMA_VERSION: i32 = 3;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: no database here (run `claims import` first, or pass --db)")]
    Missing { path: PathBuf },
    #[error("{path}: not a claims database (application_id is {found:#x})")]
    Foreign { path: PathBuf, found: i32 },
    #[error(
        "{path}: the database has schema version {found}, newer than this release knows \
         ({known}); upgrade claims to use it"
    )]
    TooNew {
        path: PathBuf,
        found: i32,
        known: i32,
    },
    #[error("{path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("migration {number} failed: {source}")]
    Migration {
        number: i32,
        source: rusqlite::Error,
    },
    #[error("object {id}: {source}")]
    Index { id: ObjectId, source: IndexError },
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open claims database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens the database at `path`, creating and migrating it if needed.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, true)
    }

    /// Opens an existing database; a missing file is an error, not a new database.
    pub fn open_existing(path: &Path) -> Result<Store> {
        Self::open_with(path, false)
    }

    fn open_with(path: &Path, create: bool) -> Result<Store> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        if !create && !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(open_err)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.check_and_migrate()?;
        store
            .conn
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA temp_store = MEMORY;
                 PRAGMA cache_size = -16384;",
            )
            .map_err(open_err)?;
        Ok(store)
    }

    fn check_and_migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let app: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        let version: i32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if app != APPLICATION_ID {
            let tables: i64 =
                self.conn
                    .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
            if app != 0 || tables > 0 {
                return Err(StoreError::Foreign { path, found: app });
            }
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path,
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        for &(number, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > version) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)
                .and_then(|_| {
                    tx.execute_batch(&format!(
                        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {number};"
                    ))
                })
                .map_err(|source| StoreError::Migration { number, source })?;
            tx.commit()?;
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for read queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Starts one unit of work: everything written through the [`Writer`] lands together on
    /// [`Writer::commit`], or not at all.
    pub fn writer(&mut self) -> Result<Writer<'_>> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        Ok(Writer {
            tx,
            version_cache: index::Cache::default(),
            first_seq: None,
            last_seq: None,
            tx_first_seq: None,
        })
    }

    /// Drops and recreates every index table from `objects` alone, in arrival order.
    pub fn rebuild(&mut self) -> Result<usize> {
        let mut w = self.writer()?;
        w.tx.execute_batch(
            "INSERT INTO claims_fts(claims_fts) VALUES ('delete-all');
             INSERT INTO versions_fts(versions_fts) VALUES ('delete-all');
             DELETE FROM relations; DELETE FROM claim_keys;
             DELETE FROM mentions; DELETE FROM claims; DELETE FROM versions;
             DELETE FROM documents;",
        )?;
        let mut count = 0;
        {
            let mut stmt =
                w.tx.prepare("SELECT seq, id, type, body FROM objects ORDER BY seq")?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let seq: i64 = row.get(0)?;
                let id: String = row.get(1)?;
                let kind: String = row.get(2)?;
                let body: String = row.get(3)?;
                let Ok(id) = ObjectId::parse(&id) else {
                    continue;
                };
                let object = Object { id, kind, body };
                if let Some(body) = crate::model::Body::from_object(&object) {
                    index::insert(&w.tx, &mut w.version_cache, seq, id, &body)
                        .map_err(|source| StoreError::Index { id, source })?;
                    count += 1;
                }
            }
        }
        index::fill_fts(&w.tx, 0)?;
        w.tx.commit()?;
        Ok(count)
    }

    /// Whether an object is stored.
    pub fn contains(&self, id: &ObjectId) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM objects WHERE id = ?1", [id.to_hex()], |_| {
                Ok(())
            })
            .optional()?
            .is_some())
    }

    /// Number of stored objects.
    pub fn object_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM objects", [], |r| r.get(0))?)
    }
}

/// One transaction of writes.
pub struct Writer<'c> {
    tx: rusqlite::Transaction<'c>,
    version_cache: index::Cache,
    first_seq: Option<i64>,
    last_seq: Option<i64>,
    /// The first seq written in the whole transaction: the full-text indexes are filled from
    /// here at commit.
    tx_first_seq: Option<i64>,
}

impl Writer<'_> {
    /// Stores an object and its index rows; returns false if it was already there.
    pub fn put(&mut self, typed: &Typed) -> Result<bool> {
        let id = typed.object.id;
        let Some(seq) = self.insert_object(&typed.object)? else {
            return Ok(false);
        };
        index::insert(&self.tx, &mut self.version_cache, seq, id, &typed.body)
            .map_err(|source| StoreError::Index { id, source })?;
        Ok(true)
    }

    /// Stores an object whose type may be unknown to this release (it is kept but not indexed).
    pub fn put_object(&mut self, object: &Object) -> Result<bool> {
        let Some(seq) = self.insert_object(object)? else {
            return Ok(false);
        };
        if let Some(body) = crate::model::Body::from_object(object) {
            index::insert(&self.tx, &mut self.version_cache, seq, object.id, &body).map_err(
                |source| StoreError::Index {
                    id: object.id,
                    source,
                },
            )?;
        }
        Ok(true)
    }

    /// [`Writer::put_object`] for an object whose typed body was already read (by
    /// [`Received::from_body`], from the parse that re-hashed it): the same rows, without
    /// parsing the body again.
    pub fn put_received(&mut self, received: &Received) -> Result<bool> {
        let object = &received.object;
        let Some(seq) = self.insert_object(object)? else {
            return Ok(false);
        };
        if let Some(body) = &received.body {
            index::insert(&self.tx, &mut self.version_cache, seq, object.id, body).map_err(
                |source| StoreError::Index {
                    id: object.id,
                    source,
                },
            )?;
        }
        Ok(true)
    }

    fn insert_object(&mut self, object: &Object) -> Result<Option<i64>> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO objects(id, type, body) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO NOTHING",
        )?;
        let n = stmt.execute((object.id.to_hex(), &object.kind, &object.body))?;
        if n == 0 {
            return Ok(None);
        }
        let seq = self.tx.last_insert_rowid();
        self.first_seq.get_or_insert(seq);
        self.tx_first_seq.get_or_insert(seq);
        self.last_seq = Some(seq);
        Ok(Some(seq))
    }

    /// The `objects.seq` range written so far in this transaction (or in the current unit).
    pub fn seq_range(&self) -> Option<(i64, i64)> {
        Some((self.first_seq?, self.last_seq?))
    }

    /// Starts a unit of work inside this transaction (an SQLite savepoint): what it writes is
    /// kept by [`Writer::keep_unit`] or undone, entirely, by [`Writer::undo_unit`]. Several
    /// units share one commit, so a batch of files costs one commit, while no file is ever
    /// half-written.
    pub fn begin_unit(&mut self) -> Result<()> {
        self.tx.execute_batch("SAVEPOINT unit")?;
        self.first_seq = None;
        self.last_seq = None;
        Ok(())
    }

    /// Keeps what the current unit wrote.
    pub fn keep_unit(&mut self) -> Result<()> {
        Ok(self.tx.execute_batch("RELEASE unit")?)
    }

    /// Undoes everything the current unit wrote.
    pub fn undo_unit(&mut self) -> Result<()> {
        self.version_cache = index::Cache::default();
        self.first_seq = None;
        self.last_seq = None;
        Ok(self.tx.execute_batch("ROLLBACK TO unit; RELEASE unit")?)
    }

    /// The transaction, for writing local tables in the same unit of work.
    pub fn tx(&self) -> &rusqlite::Transaction<'_> {
        &self.tx
    }

    /// Fills the full-text indexes for what was written, and commits.
    pub fn commit(self) -> Result<()> {
        if let Some(first) = self.tx_first_seq {
            index::fill_fts(&self.tx, first)?;
        }
        Ok(self.tx.commit()?)
    }
}
