//! The SQLite file: opening, migrations, and every SQL statement of the crate.
//!
//! The file has two halves. `objects` is the truth: append-only (triggers refuse UPDATE and
//! DELETE), content-addressed, what sync exchanges. The index (typed tables, views, FTS) is
//! derived from `objects` alone and [`Store::rebuild`] recreates it. Local facts that are not
//! part of any object live in their own tables: the import log ([`imports`]) and the sync state
//! ([`replica`]).
//!
//! - [`Store`] is an open database; [`Store::open`], [`Store::open_existing`] and
//!   [`Store::open_read_only`] are the only ways to get one, each with the same timeout and
//!   checks (application id, schema version).
//! - Objects are written only by the ledger (`crate::ledger`), through the crate-private
//!   `Writer`, which stores an object and its index rows in one transaction.
//! - [`query`] holds the read queries of the commands, [`imports`] and [`replica`] the local
//!   tables, [`verify`] the checks of `claims verify`.
//!
//! No other module of the crate holds SQL or a connection (`tools/layers.rs` checks this).

mod entities;
pub mod fetch;
pub mod imports;
mod index;
pub mod local;
pub mod postgres;
pub mod query;
mod related;
pub mod replica;
pub mod verify;
mod writer;

pub(crate) use related::FoundRow;
pub use related::{kept_past_bound, kept_row_past_bound, plain_text, OrderedVersion};
pub use replica::{Mark, Replica};
pub(crate) use writer::{Fresh, Writer};

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
    (4, include_str!("../../schema/0004_found_relations.sql")),
    (5, include_str!("../../schema/0005_entities.sql")),
    (6, include_str!("../../schema/0006_reviews.sql")),
    (7, include_str!("../../schema/0007_datasette_fts.sql")),
    (8, include_str!("../../schema/0008_fetch.sql")),
    (9, include_str!("../../schema/0009_indexed_views.sql")),
    (10, include_str!("../../schema/0010_hub.sql")),
    (11, include_str!("../../schema/0011_claim_key_details.sql")),
    (12, include_str!("../../schema/0012_common_key_rows.sql")),
    (
        13,
        include_str!("../../schema/0013_mentions_claim_version.sql"),
    ),
    (14, include_str!("../../schema/0014_review_key_rows.sql")),
    (15, include_str!("../../schema/0015_negated_cues.sql")),
];

/// The schema version this release writes.
pub const SCHEMA_VERSION: i32 = 15;

/// How long a connection waits for another writer's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// An object the ledger does not take (too large, not the shape of its known type, past
    /// the limits for types this release does not know).
    #[error("object {id} ({kind}) is refused: {reason}")]
    Refused {
        id: ObjectId,
        kind: String,
        reason: String,
    },
    /// The embedded alias table the index's candidate keys depend on is broken.
    #[error(transparent)]
    Aliases(#[from] crate::relate::aliases::AliasError),
    /// The file's structure is damaged ([`Store::check_structure`] failed).
    #[error(
        "{path}: the database file is damaged ({detail}); nothing was written. Run `claims \
         verify`, and restore it from a backup or sync what is readable into a fresh database"
    )]
    Damaged { path: PathBuf, detail: String },
    /// A stored value that cannot be read back (an id that is not 64 hex digits, a JSON column
    /// that does not parse): the file was changed by hand.
    #[error("{0}")]
    Corrupt(String),
    #[error(transparent)]
    Sql(#[from] rusqlite::Error),
    /// A hub's PostgreSQL server refused or failed (`claims serve --store postgres://...`).
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    /// A transaction in which an optimistic unit of work failed ([`crate::ledger::Ledger::unit`]):
    /// it holds part of that unit, so it can only be rolled back.
    #[error(
        "internal error: a unit of work failed in this transaction, which can only be rolled back"
    )]
    Spoiled,
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// The message of a failed write, with a full disk named as such.
    pub fn describe_write_failure(&self) -> String {
        let code = match self {
            StoreError::Sql(e) => e.sqlite_error_code(),
            _ => None,
        };
        match code {
            Some(rusqlite::ErrorCode::DiskFull) => format!("the disk is full ({self})"),
            Some(rusqlite::ErrorCode::SystemIoFailure) => {
                format!("{self}: the disk may be full, or the file may not grow any further")
            }
            _ => self.to_string(),
        }
    }
}

/// Whether an error (one cause of a chain) is SQLite's "database is locked" or "busy": another
/// connection held the file past the busy timeout.
pub fn is_locked(cause: &(dyn std::error::Error + 'static)) -> bool {
    let locked = |code: rusqlite::ErrorCode| {
        matches!(
            code,
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
        )
    };
    let sql = cause.downcast_ref::<rusqlite::Error>().or_else(|| {
        match cause.downcast_ref::<StoreError>() {
            Some(StoreError::Sql(e)) => Some(e),
            _ => None,
        }
    });
    sql.and_then(rusqlite::Error::sqlite_error_code)
        .is_some_and(locked)
        || cause
            .downcast_ref::<rusqlite::ffi::Error>()
            .is_some_and(|e| locked(e.code))
}

/// How a database file is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Read and write; create and migrate the file if needed.
    Create,
    /// Read and write an existing file (migrated if older).
    Existing,
    /// Read only: never created, migrated or written.
    ReadOnly,
}

/// The identity of a database file and the settings of a connection to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `PRAGMA application_id`: [`APPLICATION_ID`] for a claims database.
    pub application_id: i32,
    /// `PRAGMA user_version`: the last migration applied.
    pub user_version: i32,
    /// `PRAGMA journal_mode`: `wal`.
    pub journal_mode: String,
    /// `PRAGMA foreign_keys` on this connection.
    pub foreign_keys: bool,
}

/// An open claims database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens the database at `path`, creating and migrating it if needed.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with(path, Access::Create)
    }

    /// Opens an existing database; a missing file is an error, not a new database.
    pub fn open_existing(path: &Path) -> Result<Store> {
        Self::open_with(path, Access::Existing)
    }

    /// Opens an existing database for reading only: nothing is created, migrated or written,
    /// and the file must be a claims database no newer than this release.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        Self::open_with(path, Access::ReadOnly)
    }

    fn open_with(path: &Path, access: Access) -> Result<Store> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        if access != Access::Create && !path.exists() {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        let flags = OpenFlags::SQLITE_OPEN_NO_MUTEX
            | match access {
                Access::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
                Access::Existing => OpenFlags::SQLITE_OPEN_READ_WRITE,
                Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
            };
        let conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        if access == Access::ReadOnly {
            store.check(false)?;
            return Ok(store);
        }
        store.check(true)?;
        store.migrate()?;
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

    /// Refuses a file that is not a claims database (an empty file is one when `may_create`)
    /// or that is newer than this release.
    fn check(&self, may_create: bool) -> Result<()> {
        let path = self.path.clone();
        let app: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|source| StoreError::Open {
                path: path.clone(),
                source,
            })?;
        if app != APPLICATION_ID {
            let tables: i64 =
                self.conn
                    .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
            if app != 0 || tables > 0 || !may_create {
                return Err(StoreError::Foreign { path, found: app });
            }
        }
        let version = self.schema_version()?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path,
                found: version,
                known: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    fn schema_version(&self) -> Result<i32> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let version = self.schema_version()?;
        for &(number, sql) in MIGRATIONS.iter().filter(|(n, _)| *n > version) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)
                .and_then(|_| {
                    match number {
                        6 => index::fill_corrections(&tx),
                        // `claim_entities` joins every claim with its speaker's row.
                        9 => entities::refresh(&tx),
                        _ => Ok(()),
                    }
                })
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

    /// Calls `f` with each SQL statement this connection runs, its parameters written in
    /// (`tests/query_plans.rs` reads the plans of the statements behind the commands).
    #[cfg(feature = "synth")]
    pub fn trace(&mut self, f: Option<fn(&str)>) {
        self.conn.trace(f);
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for the queries of this module.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Starts one transaction of object writes. Only the ledger calls this.
    pub(crate) fn writer(&mut self) -> Result<Writer<'_>> {
        Writer::begin(&mut self.conn)
    }

    /// Runs `f` (whole transactions) with this connection's foreign-key checks off, and turns
    /// them on again after it, whether it succeeds or fails. Only for a pass whose every
    /// reference is read, in its own transaction, from the row it refers to: the relation pass
    /// over every stored claim ([`crate::ledger::Ledger::settle`]) writes its `claim_keys`
    /// rows, about ten a claim, and a check of each looked the claim up again (half the cost
    /// of writing them). SQLite ignores the setting inside a transaction, so `f` must begin
    /// its own.
    pub(crate) fn without_foreign_key_checks<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn
            .execute_batch("PRAGMA foreign_keys = OFF;")
            .map_err(StoreError::from)?;
        let result = f(self);
        self.conn
            .execute_batch("PRAGMA foreign_keys = ON;")
            .map_err(StoreError::from)?;
        result
    }

    /// The local sync state (replica id, chain hashes, cursors, batches, log).
    pub fn replica(&self) -> Replica<'_> {
        Replica::new(&self.conn)
    }

    /// The local import log.
    pub fn imports(&self) -> imports::Imports<'_> {
        imports::Imports::new(&self.conn)
    }

    /// The local fetch facts and watch list.
    pub fn fetches(&self) -> fetch::Fetches<'_> {
        fetch::Fetches::new(&self.conn)
    }

    /// Drops and recreates every index table from `objects` alone, in arrival order; what
    /// the ledger derives (found relations, version order) is left pending for it
    /// (`crate::ledger::Ledger::settle`).
    pub fn rebuild(&mut self) -> Result<usize> {
        crate::relate::aliases::check()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let count = reindex(&tx)?;
        tx.commit()?;
        Ok(count)
    }

    /// Whether the rows the ledger derives (found relations, version order) have yet to be
    /// derived from the stored objects: after migrating a database to schema 4, or a rebuild.
    pub fn relations_pending(&self) -> Result<bool> {
        Ok(self
            .conn
            .query_row("SELECT pending FROM relation_state", [], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }

    /// A check of the file's structure whose cost does not grow with the file, for commands
    /// that write: a damaged file is refused before anything is written into it. It reads the
    /// header's page counts and the root page of every table and index (a cursor opened on
    /// each b-tree, which SQLite checks as it loads the page): about a hundred pages whatever
    /// the file's size. What it does not read (the other pages of a b-tree) is checked by SQLite
    /// as a write reaches it, and in full by `claims verify` (`PRAGMA integrity_check`).
    ///
    /// It replaced `PRAGMA quick_check`, which reads every page: 5.3 s of CPU before importing
    /// one article into a 2.6 GB file (docs/performance.md, "The one write path").
    pub fn check_structure(&self) -> Result<()> {
        let damaged = |detail: String| StoreError::Damaged {
            path: self.path.clone(),
            detail,
        };
        let corrupt = |e: &rusqlite::Error| {
            matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
            )
        };
        let checked = (|| -> rusqlite::Result<Option<String>> {
            let (pages, free): (i64, i64) = self.conn.query_row(
                "SELECT (SELECT page_count FROM pragma_page_count),
                        (SELECT freelist_count FROM pragma_freelist_count)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if free < 0 || free >= pages {
                return Ok(Some(format!(
                    "the header counts {free} free pages of {pages}"
                )));
            }
            let trees: Vec<(String, String, String, Option<String>)> = self
                .conn
                .prepare(
                    "SELECT type, name, tbl_name, sql FROM sqlite_schema
                     WHERE type IN ('table', 'index') AND rootpage > 0 ORDER BY rootpage",
                )?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (kind, name, table, sql) in trees {
                let table = quoted(&table);
                let first = if kind == "table" {
                    format!("SELECT 1 FROM {table} NOT INDEXED LIMIT 1")
                } else {
                    // A partial index is only read under its own condition.
                    let partial = sql.as_deref().and_then(partial_index_condition);
                    let name = quoted(&name);
                    match partial {
                        Some(w) => {
                            format!("SELECT 1 FROM {table} INDEXED BY {name} WHERE {w} LIMIT 1")
                        }
                        None => format!("SELECT 1 FROM {table} INDEXED BY {name} LIMIT 1"),
                    }
                };
                let read = self
                    .conn
                    .prepare(&first)
                    .and_then(|mut stmt| stmt.query([])?.next().map(|_| ()));
                match read {
                    Ok(()) => {}
                    Err(e) if corrupt(&e) => return Ok(Some(format!("{kind} {name}: {e}"))),
                    // A b-tree the planner will not walk alone (an index on an expression it
                    // cannot cover): checked whole with its table.
                    Err(_) => {
                        let lines: Vec<String> = self
                            .conn
                            .prepare(&format!("PRAGMA quick_check({table})"))?
                            .query_map([], |r| r.get(0))?
                            .collect::<rusqlite::Result<_>>()?;
                        if lines.iter().any(|l| l != "ok") {
                            return Ok(Some(lines.join("; ")));
                        }
                    }
                }
            }
            Ok(None)
        })();
        match checked {
            Ok(None) => Ok(()),
            Ok(Some(detail)) => Err(damaged(detail)),
            Err(e) if corrupt(&e) => Err(damaged(e.to_string())),
            Err(e) => Err(e.into()),
        }
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

    /// The file's identity and this connection's settings, as `claims` sets them.
    pub fn settings(&self) -> Result<Settings> {
        Ok(self.conn.query_row(
            "SELECT (SELECT application_id FROM pragma_application_id),
                    (SELECT user_version FROM pragma_user_version),
                    (SELECT journal_mode FROM pragma_journal_mode),
                    (SELECT foreign_keys FROM pragma_foreign_keys)",
            [],
            |r| {
                Ok(Settings {
                    application_id: r.get(0)?,
                    user_version: r.get(1)?,
                    journal_mode: r.get(2)?,
                    foreign_keys: r.get(3)?,
                })
            },
        )?)
    }

    /// Number of stored objects.
    pub fn object_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM objects", [], |r| r.get(0))?)
    }

    /// Connection settings for bulk sync work: a 64 MiB page cache and, with `defer_checkpoints`
    /// (a client session), WAL checkpoints left to [`Store::checkpoint`] at the end instead of
    /// every 1,000 pages. Per connection; nothing is persisted in the file.
    pub fn tune_for_sync(&self, defer_checkpoints: bool) -> Result<()> {
        self.conn.execute_batch("PRAGMA cache_size = -65536;")?;
        if defer_checkpoints {
            self.defer_checkpoints()?;
        }
        Ok(())
    }

    /// Leaves WAL checkpoints of this connection to [`Store::checkpoint`] (and to another
    /// connection's [`Store::checkpoint_now`]) instead of running one on this connection every
    /// 1,000 pages: for bulk writing while another thread folds the WAL back.
    pub fn defer_checkpoints(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA wal_autocheckpoint = 100000;")?;
        Ok(())
    }

    /// Folds the WAL back into the database file (without waiting for readers) and restores
    /// the default checkpoint interval.
    pub fn checkpoint(&self) -> Result<()> {
        self.checkpoint_now()?;
        self.conn
            .execute_batch("PRAGMA wal_autocheckpoint = 1000;")?;
        Ok(())
    }

    /// A connection that only folds the WAL back ([`Store::checkpoint_now`]) while another
    /// writes: it reads no pages through its cache, so it keeps a small one.
    pub fn open_for_checkpoints(path: &Path) -> Result<Store> {
        let store = Store::open_existing(path)?;
        store.conn.execute_batch("PRAGMA cache_size = -256;")?;
        Ok(store)
    }

    /// Copies what is committed in the WAL into the database file, as far as readers allow,
    /// without waiting for anyone and without changing the connection's settings.
    pub fn checkpoint_now(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Folds the whole WAL into the database file and empties it, so that the file alone is
    /// the database (before copying it).
    pub fn checkpoint_truncate(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// Reads a stored id, refusing one that is not 64 hex digits.
pub(crate) fn parse_id(hex: &str) -> Result<ObjectId> {
    ObjectId::parse(hex).map_err(|e| StoreError::Corrupt(format!("a stored id: {e}")))
}

/// [`parse_id`] inside a row mapping.
fn row_id(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<ObjectId> {
    let hex: String = r.get(i)?;
    ObjectId::parse(&hex).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The index rebuilt from `objects` alone, inside the caller's transaction: every index table
/// emptied and filled again in arrival order, the full-text indexes too. Returns the objects
/// indexed.
pub(crate) fn reindex(tx: &rusqlite::Transaction<'_>) -> Result<usize> {
    tx.execute_batch(
        "INSERT INTO claims_fts(claims_fts) VALUES ('delete-all');
             INSERT INTO versions_fts(versions_fts) VALUES ('delete-all');
             DELETE FROM found_relations; DELETE FROM version_order; DELETE FROM common_keys;
             UPDATE relation_state SET pending = 1;
             DELETE FROM relations; DELETE FROM claim_keys;
             DELETE FROM aliases; DELETE FROM speaker_entities;
             DELETE FROM review_matches; DELETE FROM review_keys; DELETE FROM reviews;
             DELETE FROM retractions; DELETE FROM version_corrections;
             DELETE FROM mentions; DELETE FROM claims; DELETE FROM versions;
             DELETE FROM documents;",
    )?;
    let mut cache = index::Cache::default();
    let mut count = 0;
    {
        let mut stmt = tx.prepare("SELECT seq, id, type, body FROM objects ORDER BY seq")?;
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
                // Nothing is in the full-text indexes until they are filled below.
                index::insert(tx, &mut cache, seq, id, &body, 0)
                    .map_err(|source| StoreError::Index { id, source })?;
                count += 1;
            }
        }
    }
    index::fill_fts(tx, 0)?;
    entities::refresh(tx)?;
    fill_claim_keys(tx)?;
    // A review indexed after its claims looked them up in `claim_keys` before the rows above
    // were written: every review is matched again now that they are.
    index::match_reviews_again(tx).map_err(|e| match e {
        index::IndexError::Sql(e) => StoreError::Sql(e),
        other => StoreError::Corrupt(other.to_string()),
    })?;
    Ok(count)
}

/// The `claim_keys` rows of every stored claim (what the ledger's relation steps write for
/// each new claim), in key order, but those of a key held by more than `MAX_KEY_HOLDERS`
/// claims that the index does not keep past the bound ([`kept_row_past_bound`]); such keys
/// are listed in `common_keys` (as the relation step lists them), so that a review indexed
/// before the pass that settles the pending rows looks their holders up as it would after it.
fn fill_claim_keys(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    // (key, detail, seq, whether the claim's content is plain text)
    let mut rows: Vec<(String, String, i64, bool)> = Vec::new();
    {
        let mut stmt = tx.prepare("SELECT seq, content FROM claims ORDER BY seq")?;
        let mut claims = stmt.query([])?;
        while let Some(row) = claims.next()? {
            let seq: i64 = row.get(0)?;
            let content: String = row.get(1)?;
            let plain = plain_text(&content);
            for (key, detail) in crate::relate::candidate_keys(&content) {
                let detail = crate::relate::stored_detail(&key, &detail).to_string();
                rows.push((key, detail, seq, plain));
            }
        }
    }
    rows.sort_unstable();
    rows.dedup();
    let mut kept: Vec<(&str, &str, i64)> = Vec::with_capacity(rows.len());
    let mut common = tx.prepare("INSERT OR IGNORE INTO common_keys(key) VALUES (?1)")?;
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let key = group[0].0.as_str();
        let past = group.len() as i64 > crate::relate::MAX_KEY_HOLDERS;
        if past {
            common.execute([key])?;
        }
        kept.extend(
            group
                .iter()
                .filter(|r| !past || kept_row_past_bound(key, r.3))
                .map(|r| (r.0.as_str(), r.1.as_str(), r.2)),
        );
    }
    related::insert_claim_keys(tx, kept)
}

/// The index tables [`reindex`] fills.
pub(crate) const INDEX_TABLES: &[&str] = &[
    "documents",
    "versions",
    "claims",
    "mentions",
    "relations",
    "claim_keys",
    "reviews",
    "retractions",
];

/// An SQL identifier in double quotes.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The condition of a partial index, from its `CREATE INDEX` statement: what follows its last
/// `WHERE` (the statements of this schema name no column `where`).
fn partial_index_condition(sql: &str) -> Option<&str> {
    let at = sql.to_ascii_uppercase().rfind(" WHERE ")?;
    Some(sql[at + " WHERE ".len()..].trim())
}

#[cfg(test)]
mod lock_tests {
    use super::*;

    #[test]
    fn a_busy_database_is_recognised_however_it_is_wrapped() {
        let busy = || {
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                Some("database is locked".into()),
            )
        };
        assert!(is_locked(&busy()));
        assert!(is_locked(&StoreError::Sql(busy())));
        let chain: Vec<bool> = anyhow::Error::new(StoreError::Sql(busy()))
            .chain()
            .map(is_locked)
            .collect();
        assert!(chain.iter().any(|l| *l));
        assert!(!is_locked(&StoreError::Corrupt("x".into())));
        let full = StoreError::Sql(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        ));
        assert!(full
            .describe_write_failure()
            .starts_with("the disk is full ("));
    }
}

#[cfg(test)]
mod foreign_key_tests {
    use super::*;

    #[test]
    fn foreign_key_checks_are_on_again_after_a_pass_that_succeeds_or_fails() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("a.db")).expect("open");
        assert!(store.settings().expect("settings").foreign_keys);
        let inside = store
            .without_foreign_key_checks(|s| s.settings().map(|s| s.foreign_keys))
            .expect("pass");
        assert!(!inside);
        assert!(store.settings().expect("settings").foreign_keys);
        let failed: Result<()> =
            store.without_foreign_key_checks(|_| Err(StoreError::Corrupt("stop".into())));
        assert!(matches!(failed, Err(StoreError::Corrupt(m)) if m == "stop"));
        assert!(store.settings().expect("settings").foreign_keys);
    }
}
