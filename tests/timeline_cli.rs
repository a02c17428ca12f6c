//! `claims diff`, `log`, `conflicts` and `link` end to end: each test runs the binary in a
//! temporary directory with a fixed clock and no colour, and asserts stdout and the exit code.

use std::path::Path;
use std::process::Stdio;

mod common;
use common::{stderr, Env};

/// Imports the two versions of the bridge article.
fn bridge(env: &Env) {
    let v1 = env.copy("tests/fixtures/timeline/bridge-v1.txt");
    let v2 = env.copy("tests/fixtures/timeline/bridge-v2.txt");
    env.ok(&["import", &v1]);
    env.ok(&["import", &v2]);
}

const DOC: &str = "https://courier.example/bridge-repairs";

const BRIDGE_EDITS: &str = "\
- a1935a91170a  fire service — say (neutral): the old mill was evacuated
~ c36ffbb58a9f → 3d79d57d9226  Lena Park — [-confirm-] → {+claim+} ([-affirming-] → {+distancing+}): the bridge will reopen on Friday
~ fc340d8b9f8c → 04bcd5301afb  Police — say (neutral): [-two-] {+three+} people were injured
~ 2081d4c63c77 → 684cce184fc2  Hydrologist Omar Haddad — say (neutral): the river level [-rose-] {+fell+} overnight
+ 213b40beae62  Councillor Ana Ruiz — say (neutral): a temporary ferry will run from Monday
1 added, 1 removed, 3 changed, 3 unchanged
";

#[test]
fn diff_of_two_versions_reports_exactly_the_edits() {
    let env = Env::new();
    bridge(&env);
    let out = env.ok(&["diff", &format!("{DOC}@1"), &format!("{DOC}@2")]);
    assert_eq!(
        out,
        format!("--- version 1 of {DOC}\n+++ version 2 of {DOC}\n{BRIDGE_EDITS}")
    );
    // docs/cli.md shows this very output.
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md"))
        .expect("docs/cli.md");
    assert!(docs.contains(&out), "docs/cli.md should show:\n{out}");
    // @latest names the same version.
    let latest = env.ok(&["diff", &format!("{DOC}@1"), &format!("{DOC}@latest")]);
    assert_eq!(latest, out);
    let bare = env.ok(&["diff", &format!("{DOC}@1"), DOC]);
    assert_eq!(bare, out);
}

#[test]
fn diff_against_an_unimported_file_stores_nothing() {
    let env = Env::new();
    let v1 = env.copy("tests/fixtures/timeline/bridge-v1.txt");
    let v2 = env.copy("tests/fixtures/timeline/bridge-v2.txt");
    env.ok(&["import", &v1]);
    let before = std::fs::read(env.path("claims.db")).expect("db");
    let out = env.ok(&["diff", &format!("{DOC}@1"), &v2]);
    assert_eq!(
        out,
        format!("--- version 1 of {DOC}\n+++ file bridge-v2.txt (not imported)\n{BRIDGE_EDITS}")
    );
    let objects = env.ok(&["--format", "json", "list"]);
    let listed: serde_json::Value = serde_json::from_str(&objects).expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(7));
    assert_eq!(std::fs::read(env.path("claims.db")).expect("db"), before);
}

#[test]
fn diff_json_has_the_documented_shape() {
    let env = Env::new();
    bridge(&env);
    let out = env.ok(&[
        "--format",
        "json",
        "diff",
        &format!("{DOC}@1"),
        &format!("{DOC}@2"),
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let contents = |key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .expect("array")
            .iter()
            .map(|c| c["content"].as_str().expect("content").to_string())
            .collect()
    };
    assert_eq!(
        contents("added"),
        ["a temporary ferry will run from Monday"]
    );
    assert_eq!(contents("removed"), ["the old mill was evacuated"]);
    assert_eq!(v["unchanged"], 3);
    let changed: Vec<(String, String, serde_json::Value)> = v["changed"]
        .as_array()
        .expect("array")
        .iter()
        .map(|c| {
            (
                c["before"]["content"].as_str().expect("b").to_string(),
                c["after"]["content"].as_str().expect("a").to_string(),
                c["fields"].clone(),
            )
        })
        .collect();
    assert_eq!(
        changed,
        vec![
            (
                "the bridge will reopen on Friday".to_string(),
                "the bridge will reopen on Friday".to_string(),
                serde_json::json!(["cue", "stance"])
            ),
            (
                "two people were injured".to_string(),
                "three people were injured".to_string(),
                serde_json::json!(["content"])
            ),
            (
                "the river level rose overnight".to_string(),
                "the river level fell overnight".to_string(),
                serde_json::json!(["content"])
            ),
        ]
    );
    for c in v["added"].as_array().expect("array") {
        for key in ["id", "speaker", "cue", "stance", "content"] {
            assert!(c.get(key).is_some(), "{key} in {c}");
        }
    }
}

#[test]
fn diff_of_two_databases_compares_their_claim_sets() {
    let env = Env::new();
    let v1 = env.copy("tests/fixtures/timeline/bridge-v1.txt");
    let v2 = env.copy("tests/fixtures/timeline/bridge-v2.txt");
    env.ok(&["--db", "a.db", "import", &v1]);
    env.ok(&["--db", "b.db", "import", &v1, &v2]);
    let out = env.ok(&["diff", "a.db", "b.db"]);
    assert!(
        out.starts_with("--- database a.db\n+++ database b.db\n"),
        "{out}"
    );
    assert!(
        out.ends_with("5 added, 0 removed, 0 changed, 7 unchanged\n"),
        "{out}"
    );
    let same = env.ok(&["diff", "a.db", "a.db"]);
    assert!(
        same.ends_with("0 added, 0 removed, 0 changed, 7 unchanged\n"),
        "{same}"
    );
}

#[test]
fn diff_refuses_what_is_not_a_version() {
    let env = Env::new();
    bridge(&env);
    let o = env.run(&["diff", &format!("{DOC}@3"), &format!("{DOC}@1")]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        format!("claims: error: \"{DOC}@3\": document has 2 version(s); versions count from 1\n")
    );
    let o = env.run(&["diff", &format!("{DOC}@two"), &format!("{DOC}@1")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("give a version number"),
        "{}",
        stderr(&o)
    );
    let o = env.run(&["diff", "c36ffbb58a9f", &format!("{DOC}@1")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is a claim"), "{}", stderr(&o));
    let o = env.run(&["diff", "missing.db", &format!("{DOC}@1")]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
}

const SEED_CONFLICT: &str = "\
conflicts 1.00: direction: further east vs further west  (movement/1)
  a 6a5034f54a4d  military bloggers — say: Pokrovsk, a railway junction further east, could be the next Russian objective
      \"Dramatic bodycam of Ukrainian soldiers escaping Avdiivka as Russian troops takeover city\"
  b eb586c65764d  (unknown outlet) — asserts: It will allow the Kremlin's troops to push their offensive further west, deeper into Ukrainian-held territory over less-fortified areas
      \"Dramatic bodycam of Ukrainian soldiers escaping Avdiivka as Russian troops takeover city\"
1 conflict
";

#[test]
fn conflicts_reports_the_seed_west_east_case_and_link_overrides_it() {
    let env = Env::new();
    let seed = env.copy("seeds/avdiivka.txt");
    env.ok(&["import", &seed]);
    assert_eq!(env.ok(&["conflicts"]), SEED_CONFLICT);
    assert_eq!(
        env.ok(&["conflicts", "--speaker", "bloggers"]),
        SEED_CONFLICT
    );
    let title =
        "Dramatic bodycam of Ukrainian soldiers escaping Avdiivka as Russian troops takeover city";
    assert_eq!(env.ok(&["conflicts", "--document", title]), SEED_CONFLICT);
    let v1 = env.copy("tests/fixtures/timeline/bridge-v1.txt");
    env.ok(&["import", &v1]);
    assert_eq!(env.ok(&["conflicts", "--document", DOC]), "0 conflicts\n");
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "conflicts"])).expect("json");
    assert_eq!(json[0]["kind"], "conflicts");
    assert_eq!(json[0]["reason"], "direction: further east vs further west");
    for side in ["a", "b"] {
        for key in ["id", "speaker", "cue", "stance", "content"] {
            assert!(json[0][side].get(key).is_some(), "{side}.{key}");
        }
    }

    let out = env.ok(&[
        "link",
        "eb586c65764d",
        "6a5034f54a4d",
        "--as",
        "unrelated",
        "--note",
        "different places",
    ]);
    assert!(out.starts_with("recorded relation "), "{out}");
    assert!(
        out.ends_with(": eb586c65764d unrelated 6a5034f54a4d\n"),
        "{out}"
    );
    assert_eq!(env.ok(&["conflicts"]), "0 conflicts\n");
    let again = env.ok(&[
        "link",
        "eb586c65764d",
        "6a5034f54a4d",
        "--as",
        "unrelated",
        "--note",
        "different places",
    ]);
    assert!(again.starts_with("already recorded relation "), "{again}");

    let bad = env.run(&["link", "eb586c65764d", "6a5034f54a4d", "--as", "maybe"]);
    assert_eq!(bad.status.code(), Some(2));
    let missing = env.run(&["link", "eb586c65764d", "ffffffffffff", "--as", "conflicts"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        stderr(&missing),
        "claims: error: \"ffffffffffff\": no claim with that id\n"
    );
}

/// Imports version 1 on one day and version 2 the next, so import times differ.
fn bridge_on_two_days(env: &Env) {
    let v1 = env.copy("tests/fixtures/timeline/bridge-v1.txt");
    let v2 = env.copy("tests/fixtures/timeline/bridge-v2.txt");
    for (file, now) in [(v1, "2026-03-05T10:00:00Z"), (v2, "2026-03-06T10:00:00Z")] {
        let o = env
            .cmd()
            .env("CLAIMS_NOW", now)
            .args(["import", &file])
            .output()
            .expect("runs");
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

#[test]
fn log_of_a_document_counts_the_edits_of_each_version() {
    let env = Env::new();
    bridge_on_two_days(&env);
    let out = env.ok(&["log", DOC]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[1].starts_with("version 1  "), "{out}");
    assert!(lines[1].ends_with(
        "published 2026-03-02T09:00:00Z  imported 2026-03-05T10:00:00Z  7 claims (+7 -0 ~0)  Bridge repairs continue after the storm"
    ), "{out}");
    assert!(lines[2].ends_with(
        "published 2026-03-02T15:00:00Z  imported 2026-03-06T10:00:00Z  7 claims (+1 -1 ~3)  Bridge repairs continue after the storm"
    ), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["--format", "json", "log", DOC])).expect("json");
    assert_eq!(json[1]["number"], 2);
    assert_eq!(
        (
            &json[1]["added"],
            &json[1]["removed"],
            &json[1]["changed"],
            &json[1]["unchanged"]
        ),
        (
            &serde_json::json!(1),
            &serde_json::json!(1),
            &serde_json::json!(3),
            &serde_json::json!(3)
        )
    );
    // As of a time between the two publications, or of the first import day: version 1 only.
    for args in [
        vec!["log", DOC, "--as-of", "2026-03-02T12:00:00Z"],
        vec!["log", DOC, "--as-of", "2026-03-05", "--imported"],
    ] {
        let out = env.ok(&args);
        assert_eq!(out.lines().count(), 2, "{args:?}: {out}");
    }
    let bad = env.run(&["log", DOC, "--as-of", "last week"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("not a date"), "{}", stderr(&bad));
}

#[test]
fn log_of_a_claim_shows_every_version_it_appears_in() {
    let env = Env::new();
    bridge_on_two_days(&env);
    // The harbour master's claim differs only by dash style between the versions: one claim.
    let out = env.ok(&["log", "ce30a41eb2ed"]);
    assert_eq!(
        out,
        format!(
            "claim ce30a41eb2ed48f1c106d8043b01584b9ea4d88cac3c2f07931f4b7bc9cb4b31
  ce30a41eb2ed  harbour master — say (neutral): the road - not the bridge - was closed to traffic
  published: first 2026-03-02T09:00:00Z  last 2026-03-02T15:00:00Z
  imported:  first 2026-03-05T10:00:00Z  last 2026-03-06T10:00:00Z
appears 2 times:
  2026-03-02T09:00:00Z  imported 2026-03-05T10:00:00Z  version 1 of {DOC}  (Riverside Courier: Bridge repairs continue after the storm)
    The harbour master said that the road — not the bridge — was closed to traffic.
  2026-03-02T15:00:00Z  imported 2026-03-06T10:00:00Z  version 2 of {DOC}  (Riverside Courier: Bridge repairs continue after the storm)
    The harbour master said that the road - not the bridge - was closed to traffic.
"
        )
    );
    let as_of = env.ok(&["log", "ce30a41eb2ed", "--as-of", "2026-03-05", "--imported"]);
    assert!(as_of.contains("appears 1 time:\n"), "{as_of}");
}

#[test]
fn log_of_a_speaker_and_list_as_of() {
    let env = Env::new();
    bridge_on_two_days(&env);
    let out = env.ok(&["log", "--speaker", "hydrologist omar haddad"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "speaker hydrologist omar haddad: 2 appearances");
    assert_eq!(
        lines[2],
        "    2081d4c63c77  say (neutral): the river level rose overnight"
    );
    assert_eq!(
        lines[4],
        "    684cce184fc2  say (neutral): the river level fell overnight"
    );
    let early = env.ok(&["list", "--as-of", "2026-03-02T10:00:00Z"]);
    assert_eq!(early.lines().count(), 7, "{early}");
    assert!(early.contains("two people were injured"));
    assert!(!early.contains("three people"));
    assert_eq!(env.ok(&["list", "--as-of", "2026-03-01"]), "");
    assert_eq!(
        env.ok(&["list", "--as-of", "2026-03-06", "--imported"])
            .lines()
            .count(),
        12
    );
}

#[test]
fn json_output_into_a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    let env = Env::new();
    // Enough claims that the JSON is larger than a pipe's buffer.
    let mut text = String::from("Many reports\n");
    for i in 0..400 {
        text.push_str(&format!(
            "Inspector Number{i} said that the northern gate of depot {i} was repainted.\n"
        ));
    }
    std::fs::write(env.path("many.txt"), text).expect("write");
    env.ok(&["import", "many.txt"]);
    let mut child = env
        .cmd()
        .args(["--format", "json", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 16];
    let mut stdout = child.stdout.take().expect("stdout");
    stdout.read_exact(&mut first).expect("read");
    // Dropping the read end closes the pipe, as `head` does.
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}
