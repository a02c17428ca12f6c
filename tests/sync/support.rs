//! What the sync suites share: synthetic articles, objects of unknown types, two databases
//! with overlapping contents, the three transports, a peer that cuts off, and convergence checks.

use crate::common::sql;
use claims::ledger::Ledger;
use claims::objects::Object;
use claims::store::Store;
use claims::sync::peer::{DbPeer, HttpPeer};
use claims::sync::server::{Running, ServeOptions, Server};
use claims::sync::{self, bundle, Options, Peer, Report, SyncError};
use serde_json::json;
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// A document, a version, two claims and their mentions: a chain of references that must
/// arrive in order.
pub fn article(seed: u64) -> Vec<Object> {
    claims::synth::article_objects(seed, 6).expect("synthetic objects")
}

/// An object of a type this release does not know: stored and passed on, never indexed.
pub fn unknown(tag: &str, n: u64) -> Object {
    Object::from_value(&json!({"type": "x-test", "v": 1, "tag": tag, "n": n})).expect("object")
}

pub fn put(store: &mut Store, objects: &[Object]) {
    let mut ledger = Ledger::begin(store).expect("ledger");
    for o in objects {
        ledger.put(o.clone()).expect("put");
    }
    ledger.commit().expect("commit");
}

pub fn ids(store: &Store) -> BTreeSet<String> {
    let conn = sql(store);
    let mut stmt = conn.prepare("SELECT id FROM objects").expect("prepare");
    let rows = stmt.query_map([], |r| r.get(0)).expect("query");
    rows.collect::<Result<_, _>>().expect("ids")
}

pub fn index_counts(store: &Store) -> (i64, i64, i64, i64) {
    sql(store)
        .query_row(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM versions),
                    (SELECT count(*) FROM claims), (SELECT count(*) FROM mentions)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("counts")
}

pub fn verified(store: &Store) {
    let report = claims::store::verify::verify(store).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
}

pub fn db(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

pub fn quiet() -> impl FnMut(sync::Progress) {
    |_| {}
}

pub fn sync_db(a: &Path, b: &Path) -> Result<Report, SyncError> {
    let mut local = Store::open(a).expect("open");
    let mut peer = DbPeer::open(a, b)?;
    sync::sync(&mut local, &mut peer, &Options::default(), &mut quiet())
}

pub fn hub(path: &Path, options: ServeOptions) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let server = Server::from_listener(listener).expect("server");
    server
        .spawn(Store::open(path).expect("open hub"), options)
        .expect("spawn")
}

pub fn sync_http(a: &Path, url: &str, token: Option<&str>) -> Result<Report, SyncError> {
    let mut local = Store::open(a).expect("open");
    let mut peer = HttpPeer::new(url, token.map(str::to_string))?;
    sync::sync(&mut local, &mut peer, &Options::default(), &mut quiet())
}

/// Bundle both ways: a → b and b → a.
pub fn sync_bundle(a: &Path, b: &Path, dir: &Path) -> (u64, u64) {
    let file = dir.join("x.bundle");
    let mut sa = Store::open(a).expect("open");
    let mut sb = Store::open(b).expect("open");
    bundle::create(&sa, &file, None).expect("create");
    let (to_b, _) = bundle::apply(&mut sb, &file, false).expect("apply");
    bundle::create(&sb, &file, None).expect("create");
    let (to_a, _) = bundle::apply(&mut sa, &file, false).expect("apply");
    (to_b.new, to_a.new)
}

/// Forwards `k` exchanges, then fails every later one, like a cable pulled mid-sync.
pub struct CutOff<P> {
    pub inner: P,
    pub left: usize,
    /// Count only push requests.
    pub pushes: bool,
    pub on_cut: Option<Box<dyn FnOnce() + Send>>,
}

impl<P: Peer> Peer for CutOff<P> {
    fn exchange(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError> {
        if self.pushes && !frame.starts_with(b"{\"op\":\"push\"") {
            return self.inner.exchange(frame);
        }
        if self.left == 0 {
            if let Some(cut) = self.on_cut.take() {
                cut();
                return self.inner.exchange(frame);
            }
            return Err(SyncError::Transport {
                address: self.inner.address(),
                message: "cut off".into(),
            });
        }
        self.left -= 1;
        self.inner.exchange(frame)
    }

    fn address(&self) -> String {
        self.inner.address()
    }
}

pub fn two(dir: &Path) -> (PathBuf, PathBuf) {
    let (a, b) = (db(dir, "a.db"), db(dir, "b.db"));
    let mut sa = Store::open(&a).expect("a");
    let mut sb = Store::open(&b).expect("b");
    for seed in 0..3 {
        put(&mut sa, &article(seed));
    }
    put(&mut sa, &[unknown("a", 1)]);
    for seed in 2..6 {
        put(&mut sb, &article(seed));
    }
    put(&mut sb, &[unknown("b", 1), unknown("b", 2)]);
    (a, b)
}

pub fn union(a: &Path, b: &Path) -> BTreeSet<String> {
    let mut all = ids(&Store::open(a).expect("a"));
    all.extend(ids(&Store::open(b).expect("b")));
    all
}

pub fn assert_converged(a: &Path, b: &Path, expected: &BTreeSet<String>) {
    let sa = Store::open(a).expect("a");
    let sb = Store::open(b).expect("b");
    assert_eq!(&ids(&sa), expected);
    assert_eq!(&ids(&sb), expected);
    assert_eq!(index_counts(&sa), index_counts(&sb));
    verified(&sa);
    verified(&sb);
}

pub fn store_snapshot(path: &Path) -> (BTreeSet<String>, (i64, i64, i64, i64), i64) {
    snapshot_of(&Store::open(path).expect("open"))
}

pub fn snapshot_of(s: &Store) -> (BTreeSet<String>, (i64, i64, i64, i64), i64) {
    let batches: i64 = sql(s)
        .query_row("SELECT count(*) FROM sync_batches", [], |r| r.get(0))
        .expect("batches");
    (ids(s), index_counts(s), batches)
}

/// `cp FROM TO` of a closed database, as a user would: WAL folded in first.
pub fn cp_db(from: &Path, to: &Path) {
    Store::open(from)
        .expect("open")
        .checkpoint_truncate()
        .expect("checkpoint");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, to).expect("cp");
}

/// Where the PostgreSQL tests connect to create their own databases: `CLAIMS_TEST_PG`, or the
/// machine's server on 127.0.0.1:5432 (trust authentication, database `test`).
pub fn pg_admin_url() -> String {
    std::env::var("CLAIMS_TEST_PG")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=test".into())
}

/// A PostgreSQL database of one test, dropped (with its connections) when this is dropped.
pub struct PgDb {
    pub url: String,
    name: String,
}

impl PgDb {
    pub fn new() -> PgDb {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "claims_test_{}_{}_{nanos}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = postgres::Client::connect(&pg_admin_url(), postgres::NoTls).expect(
            "PostgreSQL answers on 127.0.0.1:5432 (set CLAIMS_TEST_PG to use another server)",
        );
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the test database");
        let url = format!(
            "{} dbname={name}",
            pg_admin_url().replace("dbname=test", "")
        );
        PgDb { url, name }
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&pg_admin_url(), postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The two storages a hub can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A hub under test over either storage, serving on threads of the test.
pub struct TestHub {
    /// The SQLite file (the hub's storage, or unused for PostgreSQL).
    pub path: PathBuf,
    pub pg: Option<PgDb>,
    running: Option<Running>,
    options: ServeOptions,
}

impl TestHub {
    /// A hub that holds what the file `seed` holds: that file itself for SQLite; for
    /// PostgreSQL a new database that `seed` was synced into.
    pub fn start(backend: Backend, seed: &Path, options: ServeOptions) -> TestHub {
        let pg = (backend == Backend::Postgres).then(PgDb::new);
        let mut hub = TestHub {
            path: seed.to_path_buf(),
            pg,
            running: None,
            options,
        };
        hub.restart();
        if backend == Backend::Postgres {
            let seeded = sync_http(seed, hub.url(), hub.options.token.as_deref()).expect("seed");
            assert_eq!(seeded.received, 0);
        }
        hub
    }

    /// A hub over storage an earlier [`TestHub`] left (its `path` and `pg`).
    pub fn with_storage(path: PathBuf, pg: Option<PgDb>, options: ServeOptions) -> TestHub {
        let mut hub = TestHub {
            path,
            pg,
            running: None,
            options,
        };
        hub.restart();
        hub
    }

    /// Starts (again) serving the same storage.
    pub fn restart(&mut self) {
        self.running = None;
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let server = Server::from_listener(listener).expect("server");
        let running = match &self.pg {
            None => server
                .spawn(
                    Store::open(&self.path).expect("open hub"),
                    self.options.clone(),
                )
                .expect("spawn"),
            Some(pg) => {
                let first = claims::sync::hub::Hub::new(
                    claims::store::postgres::PgStore::connect(&pg.url).expect("pg"),
                    self.options.limits,
                )
                .expect("hub");
                let mut hubs = vec![];
                for _ in 0..3 {
                    hubs.push(
                        first
                            .sibling(
                                claims::store::postgres::PgStore::connect(&pg.url).expect("pg"),
                            )
                            .expect("sibling"),
                    );
                }
                hubs.push(first);
                server
                    .start(hubs, self.options.clone(), |_| {})
                    .expect("start")
            }
        };
        self.running = Some(running);
    }

    pub fn url(&self) -> &str {
        self.running.as_ref().expect("running").url()
    }

    pub fn pg_store(&self) -> claims::store::postgres::PgStore {
        claims::store::postgres::PgStore::connect(&self.pg.as_ref().expect("postgres").url)
            .expect("pg")
    }

    /// The ids the hub stores.
    pub fn ids(&self) -> BTreeSet<String> {
        match &self.pg {
            None => ids(&Store::open(&self.path).expect("hub")),
            Some(_) => {
                let mut out = BTreeSet::new();
                self.pg_store()
                    .each_object(|_, id, _, _| {
                        out.insert(id.to_string());
                    })
                    .expect("objects");
                out
            }
        }
    }

    /// The hub's storage checks out.
    pub fn verified(&self) {
        match &self.pg {
            None => verified(&Store::open(&self.path).expect("hub")),
            Some(_) => {
                let report =
                    claims::sync::hub::postgres::verify(&mut self.pg_store()).expect("verify");
                assert!(report.problems.is_empty(), "{:?}", report.problems);
            }
        }
    }

    pub fn stop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop();
        }
    }
}

/// A client and a hub hold `expected`, and both check out.
pub fn assert_hub_converged(client: &Path, hub: &TestHub, expected: &BTreeSet<String>) {
    let sc = Store::open(client).expect("client");
    assert_eq!(&ids(&sc), expected);
    verified(&sc);
    assert_eq!(&hub.ids(), expected);
    hub.verified();
}

/// Runs a test body once over each hub storage.
#[macro_export]
macro_rules! both_stores {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name($crate::support::Backend::Sqlite)
                }
                #[test]
                fn postgres() {
                    super::$name($crate::support::Backend::Postgres)
                }
            }
        )*
    };
}
