//! Rough edges a new user met (issue 14), each pinned: documents named by URL wherever an id
//! is taken, a message for an empty search, one speaker rule across `list` and `log` (with
//! `--exact`), JSON lines that are one line per item, unknown header keys reported with their
//! line, `list --no-outlet`, and where and when each side of a conflict appeared.

use crate::common::{stderr, stdout, Env};
use serde_json::Value;

const URL: &str = "https://courier.example/bridge-repairs";

fn json(s: &str) -> Value {
    serde_json::from_str(s).expect("json")
}

fn bridge(env: &Env) {
    env.copy("tests/fixtures/timeline/bridge-v1.txt");
    env.ok(&["import", "bridge-v1.txt"]);
}

#[test]
fn a_document_is_named_by_its_url_wherever_an_id_is_taken() {
    let env = Env::new();
    bridge(&env);
    let shown = env.ok(&["show", URL]);
    assert!(shown.starts_with("document "), "{shown}");
    assert!(shown.contains(&format!("  key: {URL}\n")), "{shown}");
    let by_json = json(&env.ok(&["--format", "json", "show", URL]));
    assert_eq!(by_json["type"], "document");
    // An unknown URL is a clear error, not "not an id prefix".
    let missing = env.run(&["show", "https://courier.example/nothing"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        stderr(&missing),
        "claims: error: \"https://courier.example/nothing\": no document with that id\n"
    );
}

#[test]
fn an_empty_search_says_so_and_exits_1() {
    let env = Env::new();
    bridge(&env);
    let out = env.run(&["search", "zeppelin"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "claims: no claim matches \"zeppelin\"\n");
    // JSON keeps its shape: an empty list on stdout.
    let out = env.run(&["--format", "json", "search", "zeppelin"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&stdout(&out)), serde_json::json!([]));
}

#[test]
fn list_and_log_match_speakers_by_one_rule_with_exact_as_a_switch() {
    let env = Env::new();
    bridge(&env);
    let ids = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = json(&env.ok(args))
            .as_array()
            .expect("array")
            .iter()
            .map(|c| {
                c.get("id")
                    .or_else(|| c.get("claim"))
                    .and_then(Value::as_str)
                    .expect("id")
                    .to_string()
            })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    // "park" is part of "Mayor Lena Park" (or "Lena Park"): found by both commands alike.
    let list = ids(&["--format", "json", "list", "--speaker", "park"]);
    let log = ids(&["--format", "json", "log", "--speaker", "park"]);
    assert_eq!(list.len(), 1);
    assert_eq!(list, log);
    // --exact: the whole name only, in both.
    assert!(ids(&["--format", "json", "list", "--speaker", "park", "--exact"]).is_empty());
    assert!(ids(&["--format", "json", "log", "--speaker", "park", "--exact"]).is_empty());
    let police = ids(&["--format", "json", "list", "--speaker", "POLICE", "--exact"]);
    assert_eq!(police.len(), 1);
    assert_eq!(
        police,
        ids(&["--format", "json", "log", "--speaker", "police", "--exact"])
    );
    // --exact without --speaker is a usage error.
    assert_eq!(env.run(&["list", "--exact"]).status.code(), Some(2));
}

#[test]
fn import_jsonl_prints_one_line_per_file() {
    let env = Env::new();
    env.copy("tests/fixtures/timeline/bridge-v1.txt");
    env.copy("tests/fixtures/timeline/bridge-v2.txt");
    env.write("empty.txt", "");
    let out = env.run(&[
        "--format",
        "jsonl",
        "import",
        "bridge-v1.txt",
        "bridge-v2.txt",
        "empty.txt",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<Value> = stdout(&out).lines().map(json).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["path"], "bridge-v1.txt");
    assert_eq!(lines[1]["path"], "bridge-v2.txt");
    assert_eq!(lines[1]["versions"][0]["number"], 2);
    assert_eq!(lines[2]["error"], "empty.txt: file is empty");
}

#[test]
fn unknown_header_keys_are_warned_about_with_their_line() {
    let env = Env::new();
    env.write(
        "story.txt",
        "Title: Ferry timetable\nSection: harbour\nURL: https://courier.example/ferry\n\n\
         The harbour master said that five ferries will run on Sunday.\n",
    );
    let out = env.run(&["import", "story.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "claims: warning: story.txt:2: unknown header key \"Section\", line ignored (known: \
         url, source, outlet, author, byline, published, date, modified, title, key)\n"
    );
    // The header was read, not taken for article text.
    let shown = env.ok(&["show", "https://courier.example/ferry"]);
    assert!(shown.contains("Ferry timetable"), "{shown}");
    let listed = env.ok(&["list"]);
    assert!(!listed.contains("Section"), "{listed}");
    // In JSON the warning is in the file's report too.
    let again = env.run(&["--format", "json", "import", "story.txt"]);
    let v = json(&stdout(&again));
    assert_eq!(
        v["imported"][0]["warnings"][0]
            .as_str()
            .map(|w| w.starts_with("story.txt:2: unknown header key")),
        Some(true)
    );
}

#[test]
fn list_no_outlet_hides_the_outlets_own_sentences() {
    let env = Env::new();
    env.seed();
    env.ok(&["import", "avdiivka.txt"]);
    let all = json(&env.ok(&["--format", "json", "list"]));
    let attributed = json(&env.ok(&["--format", "json", "list", "--no-outlet"]));
    let all = all.as_array().expect("array");
    let attributed = attributed.as_array().expect("array");
    let outlet = all.iter().filter(|c| c["cue"] == "").count();
    assert!(outlet > 0);
    assert_eq!(attributed.len(), all.len() - outlet);
    assert!(attributed.iter().all(|c| c["cue"] != ""));
    // The same filter as views of the file.
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM attributed_claims", [], |r| r.get(0))
        .expect("view");
    assert_eq!(n as usize, attributed.len());
    let m: i64 = conn
        .query_row(
            "SELECT count(*) FROM attributed_claim_mentions WHERE cue = ''",
            [],
            |r| r.get(0),
        )
        .expect("view");
    assert_eq!(m, 0);
}

#[test]
fn each_side_of_a_conflict_says_where_and_when_it_appeared() {
    let env = Env::new();
    env.write(
        "a.txt",
        "Source: Riverside Courier\nURL: https://courier.example/a\n\
         Published: 2026-03-02T09:00:00Z\n\nFerry timetable\n\
         The harbour master said that five ferries will run on Sunday.\n",
    );
    env.write(
        "b.txt",
        "Source: Island Post\nURL: https://post.example/b\n\
         Published: 2026-03-03T10:00:00Z\n\nFerries cut\n\
         The harbour master said that two ferries will run on Sunday.\n",
    );
    env.ok(&["import", "a.txt", "b.txt"]);
    let text = env.ok(&["conflicts"]);
    assert!(
        text.contains("      Riverside Courier, \"Ferry timetable\", 2026-03-02T09:00:00Z\n"),
        "{text}"
    );
    assert!(
        text.contains("      Island Post, \"Ferries cut\", 2026-03-03T10:00:00Z\n"),
        "{text}"
    );
    let v = json(&env.ok(&["--format", "json", "conflicts"]));
    let sides: Vec<(Value, Value, Value)> = ["a", "b"]
        .iter()
        .map(|s| {
            let side = &v[0][*s];
            (
                side["outlet"].clone(),
                side["published"].clone(),
                side["documents"].clone(),
            )
        })
        .collect();
    assert!(sides.contains(&(
        "Riverside Courier".into(),
        "2026-03-02T09:00:00Z".into(),
        serde_json::json!(["https://courier.example/a"])
    )));
    assert!(sides.contains(&(
        "Island Post".into(),
        "2026-03-03T10:00:00Z".into(),
        serde_json::json!(["https://post.example/b"])
    )));
}

#[test]
fn the_commands_docs_name_create_a_database_and_the_others_refuse_a_missing_one() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli.md"))
        .expect("docs/cli.md");
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "The commands that write into it create a missing file: `import`, `bundle apply`, \
             `sync` (this side;"
        ),
        "docs/cli.md no longer names the commands that create a database"
    );
    for args in [
        &["author"][..],
        &["block"][..],
        &["watch", "add", "https://example.org/feed.xml"][..],
    ] {
        let env = Env::new();
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(env.db().exists(), "{args:?} did not create the database");
    }
    for args in [&["list"][..], &["watch", "list"][..], &["search", "x"][..]] {
        let env = Env::new();
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        assert!(!env.db().exists(), "{args:?} created a database");
    }
}
