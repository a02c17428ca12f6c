//! The `claims` binary, end to end: every test runs it in a temporary directory with a fixed
//! clock and no colour, and asserts stdout, stderr and the exit code.

use std::process::{Command, Stdio};

use crate::common::{stderr, stdout, Env};

#[test]
fn import_prints_what_it_found_and_is_idempotent() {
    let env = Env::new();
    env.seed();
    let first = env.run(&["import", "avdiivka.txt"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let out = stdout(&first);
    assert!(
        out.starts_with("avdiivka.txt: new version 1 of \"Dramatic bodycam of Ukrainian soldiers escaping Avdiivka as Russian troops takeover city\" ("),
        "{out}"
    );
    assert!(out.ends_with("; 0 failed. Database: claims.db\n"), "{out}");
    let objects = env.object_count();

    let second = env.run(&["import", "avdiivka.txt"]);
    assert_eq!(second.status.code(), Some(0));
    let out = stdout(&second);
    assert!(
        out.contains("avdiivka.txt: unchanged, version 1 of"),
        "{out}"
    );
    assert!(
        out.ends_with(
            "1 file: 0 new versions, 0 new claims, 0 new objects; 0 failed. Database: claims.db\n"
        ),
        "{out}"
    );
    assert_eq!(env.object_count(), objects);
}

#[test]
fn global_options_go_before_or_after_the_command() {
    let env = Env::new();
    env.seed();
    let a = env.run(&["--db", "x.db", "--format", "json", "import", "avdiivka.txt"]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    let b = env.run(&["list", "--db", "x.db", "--format", "json"]);
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    let v: serde_json::Value = serde_json::from_slice(&b.stdout).expect("json");
    assert!(v.is_array());
    let c = env
        .cmd()
        .env("CLAIMS_DB", "x.db")
        .args(["list", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(c.stdout, b.stdout);
    let summary: serde_json::Value = serde_json::from_slice(&a.stdout).expect("json");
    assert_eq!(summary["files"], 1);
    assert_eq!(summary["failed"], 0);
    assert_eq!(summary["new_versions"], 1);
}

#[test]
fn list_json_has_the_documented_fields() {
    let env = Env::new();
    env.write(
        "mayor.txt",
        "Bridge to reopen\nThe mayor said the bridge will reopen on Friday.\n",
    );
    assert_eq!(env.run(&["import", "mayor.txt"]).status.code(), Some(0));
    let out = env.run(&["list", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let items = v.as_array().expect("array");
    for item in items {
        for key in [
            "id", "speaker", "cue", "stance", "content", "hedges", "mentions",
        ] {
            assert!(item.get(key).is_some(), "{key} in {item}");
        }
        assert_eq!(item["id"].as_str().map(str::len), Some(64));
    }
    // jsonl: the same claims, one per line.
    let lines = env.run(&["list", "--format", "jsonl"]);
    let n = stdout(&lines).lines().count();
    assert_eq!(n, items.len());
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = Env::new();
    for i in 0..60 {
        env.write(
            &format!("synth/a{i:03}.txt"),
            &claims::synth::article(i, 25),
        );
    }
    assert_eq!(env.run(&["import", "synth"]).status.code(), Some(0));
    let mut child = env
        .cmd()
        .args(["list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 16];
    {
        use std::io::Read;
        let mut out = child.stdout.take().expect("stdout");
        out.read_exact(&mut first).expect("some output");
        // Dropping the read end closes the pipe, as `head` does.
    }
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}

#[test]
fn show_accepts_a_prefix_and_refuses_short_ones() {
    let env = Env::new();
    env.seed();
    env.run(&["import", "avdiivka.txt"]);
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    let doc: String = conn
        .query_row("SELECT id FROM documents", [], |r| r.get(0))
        .expect("doc");
    let out = env.run(&["show", &doc[..8]]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(&format!("document {doc}\n")));
    let json = env.run(&["show", &doc[..10], "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v["id"], doc.as_str());
    assert_eq!(v["type"], "document");
    assert_eq!(v["versions"].as_array().map(Vec::len), Some(1));

    let short = env.run(&["show", &doc[..5]]);
    assert_eq!(short.status.code(), Some(1));
    assert_eq!(
        stderr(&short),
        format!(
            "claims: error: {:?}: an id prefix needs at least 6 hex digits\n",
            &doc[..5]
        )
    );
    let none = env.run(&["show", "zzzzzzzz"]);
    assert_eq!(
        stderr(&none),
        "claims: error: \"zzzzzzzz\": not an id prefix (hex digits 0-9, a-f)\n"
    );
}

#[test]
fn log_lists_versions_by_url() {
    let env = Env::new();
    env.write("v1.txt", "Dam report\nEngineers said the dam is safe.\n");
    env.write(
        "v2.txt",
        "Dam report\nEngineers said the dam may be unsafe.\n",
    );
    let url = "https://news.example/dam";
    assert_eq!(
        env.run(&["import", "v1.txt", "--url", url]).status.code(),
        Some(0)
    );
    assert_eq!(
        env.run(&["import", "v2.txt", "--url", url]).status.code(),
        Some(0)
    );
    let out = env.run(&["log", url]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("document ") && lines[0].ends_with(url));
    assert!(lines[1].starts_with("version 1  "));
    assert!(lines[1].contains("imported 2026-01-02T03:04:05Z"));
    assert!(lines[2].starts_with("version 2  "));
    let json = env.run(&["log", url, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert_eq!(v[1]["number"], 2);
}

#[test]
fn verify_passes_then_fails_on_an_edited_body() {
    let env = Env::new();
    env.seed();
    env.run(&["import", "avdiivka.txt"]);
    let ok = env.run(&["verify"]);
    assert_eq!(ok.status.code(), Some(0));
    assert_eq!(
        stdout(&ok),
        format!("ok: {} objects verified\n", env.object_count())
    );
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    let id: String = conn
        .query_row("SELECT id FROM objects WHERE seq = 2", [], |r| r.get(0))
        .expect("id");
    conn.execute_batch(
        "DROP TRIGGER objects_no_update;
         UPDATE objects SET body = replace(body, 'Avdiivka', 'Avdeevka') WHERE seq = 2;",
    )
    .expect("edit");
    drop(conn);
    let bad = env.run(&["verify"]);
    assert_eq!(bad.status.code(), Some(1));
    let out = stdout(&bad);
    assert!(
        out.starts_with(&format!("object {id} (seq 2): body hashes to ")),
        "{out}"
    );
    assert!(out.ends_with("FAILED: 1 problem in ") || out.contains("FAILED: 1 problem in "));
}

#[test]
fn rebuild_reports_what_it_indexed() {
    let env = Env::new();
    env.seed();
    env.run(&["import", "avdiivka.txt"]);
    let out = env.run(&["rebuild"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("rebuilt the index from {} objects\n", env.object_count())
    );
}

#[test]
fn readers_do_not_create_a_database() {
    let env = Env::new();
    let out = env.run(&["list"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr(&out),
        "claims: error: claims.db: no database here (run `claims import` first, or pass --db)\n"
    );
    assert!(!env.db().exists());
}

#[test]
fn a_newer_database_is_refused_with_exit_3() {
    let env = Env::new();
    env.seed();
    env.run(&["import", "avdiivka.txt"]);
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    conn.execute_batch("PRAGMA user_version = 99")
        .expect("bump");
    drop(conn);
    let out = env.run(&["list"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr(&out),
        format!(
            "claims: error: claims.db: the database has schema version 99, newer than this \
             release knows ({}); upgrade claims to use it\n",
            claims::store::SCHEMA_VERSION
        )
    );
}

#[test]
fn bad_usage_exits_2() {
    let env = Env::new();
    let out = env.run(&["list", "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid value 'yaml'"));
}

#[test]
fn the_file_opens_in_a_stock_sqlite3_shell() {
    let env = Env::new();
    env.seed();
    env.run(&["import", "avdiivka.txt"]);
    let out = Command::new("sqlite3")
        .arg(env.db())
        .arg(
            "SELECT count(*) FROM claim_mentions; \
             SELECT count(*) FROM versions_fts WHERE versions_fts MATCH 'Avdiivka';",
        )
        .output()
        .expect("sqlite3 runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1], "1");
}

#[test]
fn bad_files_are_named_and_leave_the_database_unchanged() {
    let env = Env::new();
    env.seed();
    assert_eq!(env.run(&["import", "avdiivka.txt"]).status.code(), Some(0));
    let before = env.object_count();
    env.write("empty.txt", "");
    std::fs::write(env.path("photo.txt"), b"GIF89a\x00\x01\x02binary").expect("write");
    std::fs::write(env.path("latin1.txt"), b"Caf\xe9 owner said prices rose.\n").expect("write");
    env.write(
        "feed.jsonl",
        "{\"text\": \"The council said the park reopens.\", \"url\": \"https://x.example/1\"}\n{\"text\": oops}\n",
    );
    let out = env.run(&[
        "import",
        "missing.txt",
        "empty.txt",
        "photo.txt",
        "latin1.txt",
        "feed.jsonl",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        vec![
            "claims: error: missing.txt: file not found",
            "claims: error: empty.txt: file is empty",
            "claims: error: photo.txt: looks like a binary file (NUL byte at byte 6)",
            "claims: error: latin1.txt: not valid UTF-8 at byte 3",
            "claims: error: feed.jsonl:2:10: malformed JSON: expected value",
        ],
        "{err}"
    );
    assert!(stdout(&out).ends_with(
        "5 files: 0 new versions, 0 new claims, 0 new objects; 5 failed. Database: claims.db\n"
    ));
    // Not even the good first line of feed.jsonl was stored: one transaction per file.
    assert_eq!(env.object_count(), before);
    let verify = env.run(&["verify"]);
    assert_eq!(verify.status.code(), Some(0));
}

#[test]
fn good_files_still_import_next_to_bad_ones() {
    let env = Env::new();
    env.seed();
    env.write("empty.txt", "");
    let out = env.run(&["import", "empty.txt", "avdiivka.txt", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["files"], 2);
    assert_eq!(v["failed"], 1);
    assert_eq!(v["new_versions"], 1);
    assert_eq!(v["errors"][0]["error"], "empty.txt: file is empty");
    assert_eq!(v["imported"][0]["path"], "avdiivka.txt");
}

fn count_in(env: &Env, db: &str) -> i64 {
    let conn = rusqlite::Connection::open(env.path(db)).expect("open");
    conn.query_row("SELECT count(*) FROM objects", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn bundle_create_and_apply_print_counts_and_refuse_a_truncated_file() {
    let env = Env::new();
    env.seed();
    assert_eq!(env.run(&["import", "avdiivka.txt"]).status.code(), Some(0));
    let n = env.object_count();
    let created = env.run(&["bundle", "create", "out.bundle"]);
    assert_eq!(created.status.code(), Some(0), "{}", stderr(&created));
    let size = std::fs::metadata(env.path("out.bundle"))
        .expect("bundle")
        .len();
    assert_eq!(
        stdout(&created),
        format!("wrote {n} objects to out.bundle ({size} bytes)\n")
    );
    let applied = env.run(&["--db", "other.db", "bundle", "apply", "out.bundle"]);
    assert_eq!(applied.status.code(), Some(0), "{}", stderr(&applied));
    assert_eq!(
        stdout(&applied),
        format!("applied out.bundle: {n} objects, {n} new\n")
    );
    let again = env.run(&[
        "--db",
        "other.db",
        "--format",
        "json",
        "bundle",
        "apply",
        "out.bundle",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(
        v,
        serde_json::json!({"objects": n, "new": 0, "bytes": size})
    );
    // Cut short: refused, exit 1, the database unchanged.
    let bytes = std::fs::read(env.path("out.bundle")).expect("read");
    std::fs::write(env.path("cut.bundle"), &bytes[..bytes.len() - 40]).expect("write");
    let cut = env.run(&["--db", "third.db", "bundle", "apply", "cut.bundle"]);
    assert_eq!(cut.status.code(), Some(1));
    assert_eq!(stdout(&cut), "");
    assert!(
        stderr(&cut).starts_with("claims: error: cut.bundle: truncated or corrupt: "),
        "{}",
        stderr(&cut)
    );
    assert_eq!(count_in(&env, "third.db"), 0);
    let verify = env.run(&["--db", "other.db", "verify"]);
    assert_eq!(stdout(&verify), format!("ok: {n} objects verified\n"));
}

#[test]
fn sync_with_a_file_prints_the_json_summary_and_then_moves_nothing() {
    let env = Env::new();
    env.seed();
    env.write(
        "other.txt",
        "Bridge to reopen\nThe mayor said that the bridge would reopen on Monday.\n",
    );
    assert_eq!(env.run(&["import", "avdiivka.txt"]).status.code(), Some(0));
    assert_eq!(
        env.run(&["--db", "other.db", "import", "other.txt"])
            .status
            .code(),
        Some(0)
    );
    let (mine, theirs) = (env.object_count(), count_in(&env, "other.db"));
    let dry = env.run(&["sync", "other.db", "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(
        stdout(&dry).starts_with(&format!("would send {mine} objects (")),
        "{}",
        stdout(&dry)
    );
    assert_eq!(env.object_count(), mine);
    let first = env.run(&["sync", "other.db", "--format", "json"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let v: serde_json::Value = serde_json::from_slice(&first.stdout).expect("json");
    let keys: Vec<&String> = v.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        [
            "bytes_received",
            "bytes_sent",
            "received",
            "round_trips",
            "sent"
        ]
    );
    assert_eq!(
        (v["sent"].as_i64(), v["received"].as_i64()),
        (Some(mine), Some(theirs))
    );
    assert_eq!(env.object_count(), mine + theirs);
    assert_eq!(count_in(&env, "other.db"), mine + theirs);
    let second = env.run(&["--db", "other.db", "sync", "claims.db", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&second.stdout).expect("json");
    assert_eq!(
        (
            v["sent"].as_i64(),
            v["received"].as_i64(),
            v["round_trips"].as_i64()
        ),
        (Some(0), Some(0), Some(1))
    );
}

/// Kills a child process when dropped.
struct Reaper(std::process::Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_and_sync_over_http_with_a_token() {
    let env = Env::new();
    env.seed();
    assert_eq!(env.run(&["import", "avdiivka.txt"]).status.code(), Some(0));
    let n = env.object_count();
    env.write("token", "s3cret\n");
    let hub = env
        .cmd()
        .args([
            "--db",
            "hub.db",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--token-file",
            "token",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    // Whatever happens in this test, the hub process does not outlive it.
    let mut hub = Reaper(hub);
    let mut line = String::new();
    {
        use std::io::BufRead;
        let out = hub.0.stdout.take().expect("stdout");
        std::io::BufReader::new(out)
            .read_line(&mut line)
            .expect("listening line");
    }
    assert!(line.starts_with("listening on http://127.0.0.1:"), "{line}");
    let url = line.split_whitespace().nth(2).expect("url").to_string();
    let wrong = env.run(&["sync", &url, "--token", "nope"]);
    let right = env.run(&["sync", &url, "--token", "s3cret"]);
    let pulled = env.run(&["--db", "reader.db", "sync", &url]);
    drop(hub);
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(
        stderr(&wrong),
        format!(
            "claims: error: {url}: refused (HTTP 401): pushing to this hub needs its token \
             (--token)\n"
        )
    );
    assert_eq!(right.status.code(), Some(0), "{}", stderr(&right));
    assert!(
        stdout(&right).starts_with(&format!(
            "synced with {url} (full): sent {n} objects, received 0;"
        )),
        "{}",
        stdout(&right)
    );
    // Reading needs no token.
    assert_eq!(pulled.status.code(), Some(0), "{}", stderr(&pulled));
    assert!(
        stdout(&pulled).starts_with(&format!(
            "synced with {url} (initial): sent 0 objects, received {n};"
        )),
        "{}",
        stdout(&pulled)
    );
    assert_eq!(count_in(&env, "reader.db"), n);
}

#[test]
fn sync_dry_run_lists_the_claims_that_would_arrive() {
    let env = Env::new();
    let claim = claims::objects::Object::from_value(&serde_json::json!({
        "type": "claim", "v": 1, "speaker": "The mayor", "cue": "say", "stance": "neutral",
        "hedges": ["may"], "content": "the bridge may reopen"
    }))
    .expect("claim");
    {
        let mut other = claims::store::Store::open(&env.path("other.db")).expect("other");
        let mut ledger = claims::ledger::Ledger::begin(&mut other).expect("ledger");
        ledger.put(claim.clone()).expect("put");
        ledger.commit().expect("commit");
    }
    let out = env.run(&["sync", "other.db", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "would send 0 objects\nwould receive 1 objects (1 claim)\n  {}  The mayor — say \
             (neutral) [hedged: may]: the bridge may reopen\n",
            &claim.id.to_hex()[..12]
        )
    );
    assert_eq!(env.object_count(), 0);
}
