//! A hermetic environment for running the `claims` binary in tests: every process a test
//! starts comes from [`claims`], which clears the environment (only `PATH` is kept), puts
//! `HOME` and the working directory in the test's temporary directory, fixes the clock and
//! turns colour off. No `CLAIMS_*` variable of the developer's shell reaches the binary; a test
//! that wants one (`CLAIMS_FAULT`, another `CLAIMS_NOW`) sets it on the command.
// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use claims::store::Store;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The default database of a command run here.
    pub fn db(&self) -> PathBuf {
        self.path("claims.db")
    }

    /// The binary, to run in this directory (see [`claims`]).
    pub fn cmd(&self) -> Command {
        claims(self.dir.path())
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().expect("claims runs")
    }

    /// Runs `claims ARGS` here with its data (heap and private mappings, not its code) capped
    /// at `kib` KiB (`ulimit -d`, RLIMIT_DATA): an allocation past the cap fails the run,
    /// however large the binary is.
    pub fn run_with_data_cap(&self, kib: u64, args: &[&str]) -> Output {
        Command::new("sh")
            .current_dir(self.dir.path())
            .env_remove("CLAIMS_DB")
            .env("NO_COLOR", "1")
            .arg("-c")
            .arg(format!("ulimit -d {kib} && exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_claims"))
            .args(args)
            .output()
            .expect("sh runs")
    }

    /// Runs a command that must succeed, and returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        stdout(&o)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&p, text).expect("write");
        p
    }

    /// Copies a file from the repository into the test directory, under its file name.
    pub fn copy(&self, rel: &str) -> String {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        let name = src
            .file_name()
            .and_then(|n| n.to_str())
            .expect("file name")
            .to_string();
        std::fs::copy(&src, self.path(&name)).expect("copy fixture");
        name
    }

    /// Copies the seed article in as `avdiivka.txt`.
    pub fn seed(&self) -> PathBuf {
        self.path(&self.copy("seeds/avdiivka.txt"))
    }

    /// Imports the seeds (`seeds/`), then a second version of the Avdiivka article
    /// ([`avdiivka_v2`]): the database the web pages are tried on.
    pub fn seed_two_versions(&self) {
        self.ok(&["import", concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")]);
        self.write("avdiivka-v2.txt", &avdiivka_v2());
        // Versions without a publication time are numbered in id order: this edit's id sorts
        // after the seed's, so it is version 2.
        self.ok(&["import", "avdiivka-v2.txt"]);
    }

    pub fn object_count(&self) -> i64 {
        let conn = rusqlite::Connection::open(self.db()).expect("open");
        conn.query_row("SELECT count(*) FROM objects", [], |r| r.get(0))
            .expect("count")
    }
}

/// The Avdiivka seed edited: the Pokrovsk claim loses its hedge ("could be" becomes "is now"),
/// and the sentence "A piece of debris ..." goes.
pub fn avdiivka_v2() -> String {
    let seed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/avdiivka.txt"))
            .expect("seed");
    seed.replace(
        "could be the next Russian objective",
        "is now the next Russian objective",
    )
    .lines()
    .filter(|l| !l.starts_with("A piece of debris"))
    .map(|l| format!("{l}\n"))
    .collect()
}

/// An article whose text tries markup, quotes and a right-to-left override.
pub const HOSTILE: &str = "Hostile <script>alert(\"t\")</script> title\n\n\
    The mayor said that the \"bridge\" <script>alert(1)</script> will reopen on Friday.\n\
    Prices will fall \u{202E}gnp.exe next year, the minister said.\n\
    O'Brien <img src=x onerror=alert(2)> said the plan & budget were approved.\n";

/// The one way a test starts the `claims` binary: with an empty environment but `PATH`, `HOME`
/// and the working directory set to `home` (a temporary directory of the test), the clock fixed
/// at 2026-01-02T03:04:05Z (`CLAIMS_NOW`), `NO_COLOR` set, and stdin empty.
pub fn claims(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_claims"));
    c.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        c.env("PATH", path);
    }
    c.env("HOME", home)
        .current_dir(home)
        .env("CLAIMS_NOW", "2026-01-02T03:04:05Z")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    c
}

/// Sends `request` as raw bytes to the server at `url` (`http://HOST:PORT/` or `HOST:PORT`) and
/// reads the reply until the server closes the connection.
pub fn raw_exchange(url: &str, request: &[u8]) -> String {
    use std::io::{Read, Write};
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    stream.write_all(request).expect("write");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).expect("read");
    String::from_utf8_lossy(&reply).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Imports `paths` into `store` with the embedded lexicon and default options, and asserts that
/// every file imported.
pub fn import(store: &mut Store, paths: &[PathBuf]) {
    let out = claims::import::import_paths(
        store,
        paths,
        &claims::model::Overrides::default(),
        &claims::extract::Extractor::new().expect("embedded lexicon"),
        |_, _, _, _| {},
    )
    .expect("import");
    assert!(out.iter().all(|o| o.is_ok()), "{out:?}");
}

/// A connection of its own to a store's file, for tests that look at the tables with SQL.
pub fn sql(store: &Store) -> rusqlite::Connection {
    rusqlite::Connection::open(store.path()).expect("open the database file")
}

/// Every object id in a database, sorted.
pub fn ids(store: &Store) -> Vec<String> {
    let conn = sql(store);
    let mut stmt = conn
        .prepare("SELECT id FROM objects ORDER BY id")
        .expect("prepare");
    stmt.query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

/// A bundle file whose header tells the truth about `payload` (object count, length, both
/// checksums), the payload compressed as hard as DEFLATE goes: for tests that craft what
/// `bundle create` never writes (line bombs, misshapen objects, wrong counts).
pub fn forge_bundle(count: u64, payload: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    use std::io::Write;
    let mut out = Vec::new();
    out.extend_from_slice(b"CLMSBNDL");
    out.extend_from_slice(&1u32.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    out.extend_from_slice(&sha2::Sha256::digest(payload));
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(payload).expect("deflate");
    out.extend_from_slice(&enc.finish().expect("finish"));
    let trailer = sha2::Sha256::digest(&out);
    out.extend_from_slice(&trailer);
    out
}

/// A review naming no claim, of this claim text and claimant.
pub fn review(text: &str, claimant: &str, n: usize) -> claims::model::Received {
    use claims::model::{Body, Rating, Review, Typed, Verdict};
    Typed::new(Body::Review(Box::new(Review {
        v: 1,
        claim: None,
        claim_text: Some(text.into()),
        claimant: Some(claimant.into()),
        claim_date: None,
        appearances: vec![],
        verdict: Verdict::False,
        rating: Rating::default(),
        publisher: Some("Checkers".into()),
        publisher_site: None,
        reviewer: None,
        url: Some(format!("https://check.example/{n}")),
        title: None,
        date: None,
        language: None,
        note: None,
        by: None,
        at: None,
    })))
    .expect("a review encodes")
    .into()
}

/// Two reviews of the zorblat and the quendish (two rare terms whose pair key the tests put
/// past the bound): one worded as a claim of "Speaker 0" about the harbour, one about the
/// cafe (`café` in the claim it should match) by someone else.
pub fn pair_key_reviews() -> Vec<claims::model::Received> {
    vec![
        review(
            "Says the zorblat and the quendish near the harbour flooded overnight.",
            "Speaker 0",
            1,
        ),
        review(
            "The zorblat and the quendish near the cafe flooded",
            "Someone Else",
            2,
        ),
    ]
}
