//! Speaker entities across a database (issue 10): one person under several names is one
//! entity for `list --speaker` and `log --speaker`; `claims alias add` extends the grouping,
//! is recorded as an object and syncs. The articles are written for this test.

mod common;

use common::{stderr, Env};

/// Three articles naming one person three ways, and another person of the same surname.
fn import_three(env: &Env) {
    env.write(
        "a.md",
        "# Harbour fees to rise\n\nPresident Ada Okafor said the harbour fees would rise in May.\n\
         \n\"The rise is small,\" Ada Okafor said.\n",
    );
    env.write(
        "b.md",
        "# Okafor defends the fees\n\nWhat Mrs. Okafor said on Monday was that the fees were fair.\n\
         \nPORTMERE -- President Okafor said the berth would open in June.\n",
    );
    env.write(
        "c.md",
        "# Ferry service ends\n\nAda Okafor said the ferry would stop in winter.\n\
         \nHer brother Tom Okafor said the ferry had lost money for years.\n",
    );
    env.ok(&["import", "a.md", "b.md", "c.md"]);
}

fn speakers_of(json: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(json).expect("json");
    let mut out: Vec<String> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|c| c["speaker"].as_str().expect("speaker").to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn list_by_speaker_finds_every_name_of_one_person() {
    let env = Env::new();
    import_three(&env);
    // The stored speakers: no lead word, no dateline, no title.
    let all = speakers_of(&env.ok(&["list", "--format", "json"]));
    let named: Vec<&String> = all.iter().filter(|s| s.contains("Okafor")).collect();
    assert_eq!(
        named,
        [
            "Ada Okafor",
            "Ada Okafor",
            "Ada Okafor",
            "Okafor",
            "Okafor",
            "Okafor",
            "Tom Okafor"
        ]
    );
    // "Okafor" alone in b.md (its headline and two sentences) is Ada: she has more than twice
    // the claims of the other Okafor. Tom is another entity.
    let got = speakers_of(&env.ok(&["list", "--speaker", "Ada Okafor", "--format", "json"]));
    assert_eq!(
        got,
        [
            "Ada Okafor",
            "Ada Okafor",
            "Ada Okafor",
            "Okafor",
            "Okafor",
            "Okafor"
        ]
    );
    let got = speakers_of(&env.ok(&["list", "--speaker", "Tom", "--format", "json"]));
    assert_eq!(got, ["Tom Okafor"]);
    // The same for the history of one speaker: `log --speaker` matches as `list --speaker`
    // does (every entity with a name containing the text), `--exact` the one entity.
    let log = env.ok(&["log", "--speaker", "okafor", "--exact", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&log).expect("json");
    let mut names: Vec<&str> = v["appearances"]
        .as_array()
        .or_else(|| v.as_array())
        .expect("appearances")
        .iter()
        .map(|a| a["speaker"].as_str().expect("speaker"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Ada Okafor",
            "Ada Okafor",
            "Ada Okafor",
            "Okafor",
            "Okafor",
            "Okafor"
        ]
    );
    // Without --exact, "okafor" is in Tom Okafor's name too, for `log` as for `list`.
    let log = env.ok(&["log", "--speaker", "okafor", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&log).expect("json");
    let mut names: Vec<&str> = v
        .as_array()
        .expect("appearances")
        .iter()
        .map(|a| a["speaker"].as_str().expect("speaker"))
        .collect();
    names.sort();
    let listed = speakers_of(&env.ok(&["list", "--speaker", "okafor", "--format", "json"]));
    assert_eq!(names.last(), Some(&"Tom Okafor"));
    assert_eq!(names.len(), listed.len());
}

#[test]
fn the_entity_table_is_documented_sql() {
    let env = Env::new();
    import_three(&env);
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT speaker, entity, basis FROM speaker_entities WHERE speaker LIKE '%Okafor%' ORDER BY speaker")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let want = [
        ("Ada Okafor", "Ada Okafor", "own"),
        ("Okafor", "Ada Okafor", "name"),
        ("Tom Okafor", "Tom Okafor", "own"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(rows, want);
    let n: i64 = conn
        .query_row(
            "SELECT claims FROM entities WHERE entity = 'Ada Okafor'",
            [],
            |r| r.get(0),
        )
        .expect("entities view");
    assert_eq!(n, 6);
}

#[test]
fn a_users_alias_groups_names_syncs_and_survives_rebuild() {
    let env = Env::new();
    import_three(&env);
    env.write(
        "d.md",
        "# Port chief speaks\n\nThe harbour master said the quay was safe.\n",
    );
    env.ok(&["import", "d.md"]);
    let before = speakers_of(&env.ok(&["list", "--speaker", "Ada Okafor", "--format", "json"]));
    assert_eq!(before.len(), 6);
    let out = env.ok(&["alias", "add", "harbour master", "Ada Okafor"]);
    assert!(out.starts_with("recorded alias "), "{out}");
    assert!(
        out.trim_end().ends_with(": harbour master => Ada Okafor"),
        "{out}"
    );
    let again = env.ok(&["alias", "add", "harbour master", "Ada Okafor"]);
    assert!(again.starts_with("already recorded alias "), "{again}");
    let after = speakers_of(&env.ok(&["list", "--speaker", "Ada Okafor", "--format", "json"]));
    assert_eq!(
        after,
        [
            "Ada Okafor",
            "Ada Okafor",
            "Ada Okafor",
            "Okafor",
            "Okafor",
            "Okafor",
            "harbour master"
        ]
    );
    // The claims themselves are unchanged: the same ids before and after.
    let ids = |json: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(json).expect("json");
        v.as_array()
            .expect("array")
            .iter()
            .map(|c| c["id"].as_str().expect("id").to_string())
            .collect()
    };
    let all = ids(&env.ok(&["list", "--format", "json"]));
    assert_eq!(all.len(), 9);
    // `alias list` shows the grouping.
    let listed = env.ok(&["alias", "list", "--name", "okafor"]);
    assert_eq!(
        listed,
        "Ada Okafor · 7 claims · Ada Okafor (own), Okafor (name), harbour master (user)\n\
         Tom Okafor · 1 claims · Tom Okafor (own)\n"
    );
    // A rebuild from the objects gives the same grouping.
    env.ok(&["rebuild"]);
    let rebuilt = speakers_of(&env.ok(&["list", "--speaker", "Ada Okafor", "--format", "json"]));
    assert_eq!(rebuilt, after);
    // The alias is an object: it syncs to another database, which groups the same way.
    let other = env.path("other.db");
    let other_s = other.to_str().expect("path");
    env.write(
        "e.md",
        "# Other\n\nThe harbour master said the quay was closed.\n",
    );
    env.ok(&["--db", other_s, "import", "e.md"]);
    env.ok(&["sync", other_s]);
    let there = speakers_of(&env.ok(&[
        "--db",
        other_s,
        "list",
        "--speaker",
        "Ada Okafor",
        "--format",
        "json",
    ]));
    assert_eq!(
        there,
        [
            "Ada Okafor",
            "Ada Okafor",
            "Ada Okafor",
            "Okafor",
            "Okafor",
            "Okafor",
            "harbour master",
            "harbour master"
        ]
    );
}

#[test]
fn a_bad_alias_is_refused_and_changes_nothing() {
    let env = Env::new();
    import_three(&env);
    let before = env.object_count();
    for (args, message) in [
        (
            vec!["alias", "add", " ", "Ada Okafor"],
            "claims: error: an alias needs two names: \" \" is empty\n",
        ),
        (
            vec!["alias", "add", "Okafor", "Okafor"],
            "claims: error: \"Okafor\" is already its own name: an alias names another entity\n",
        ),
    ] {
        let o = env.run(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&o), message);
    }
    assert_eq!(env.object_count(), before);
}

#[test]
fn list_speaker_obama_finds_every_variant() {
    let env = Env::new();
    env.write("a.md", "# One\n\nBarack Obama said the plan was fair.\n");
    env.write(
        "b.md",
        "# Two\n\nWASHINGTON -- President Obama said the talks would go on.\n",
    );
    env.write(
        "c.md",
        "# Three\n\nWhat Mr. Obama said on Friday was that the deal was close.\n",
    );
    env.write(
        "d.md",
        "# Four\n\nBarack Obama said the vote was close. Obama said it was fair.\n",
    );
    env.ok(&["import", "a.md", "b.md", "c.md", "d.md"]);
    let got = speakers_of(&env.ok(&["list", "--speaker", "Obama", "--format", "json"]));
    assert_eq!(
        got,
        [
            "Barack Obama",
            "Barack Obama",
            "Barack Obama",
            "Obama",
            "Obama"
        ]
    );
    let log = env.ok(&["log", "--speaker", "Barack Obama", "--format", "json"]);
    assert_eq!(log.matches("\"speaker\":").count(), 5, "{log}");
}

/// Rows of `speaker_entities`: speaker, entity, basis.
type EntityRows = Vec<(String, String, String)>;

/// `speaker_entities` as stored, and as `claims rebuild` computes it on a copy of the file.
fn entities_and_rebuilt(env: &Env) -> (EntityRows, EntityRows) {
    let rows = |path: &std::path::Path| -> EntityRows {
        let conn = rusqlite::Connection::open(path).expect("open");
        let mut stmt = conn
            .prepare("SELECT speaker, entity, basis FROM speaker_entities ORDER BY speaker")
            .expect("prepare");
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows
    };
    let stored = rows(&env.db());
    let copy = env.path("copy.db");
    std::fs::copy(env.db(), &copy).expect("copy");
    env.ok(&["--db", copy.to_str().expect("path"), "rebuild"]);
    let rebuilt = rows(&copy);
    std::fs::remove_file(&copy).expect("remove copy");
    (stored, rebuilt)
}

fn row(speaker: &str, entity: &str, basis: &str) -> (String, String, String) {
    (speaker.into(), entity.into(), basis.into())
}

#[test]
fn each_import_leaves_the_rows_a_rebuild_computes() {
    // Each import is one transaction that rewrites only the rows its new speakers can change;
    // after each one the table equals a full recomputation, as the grouping shifts: a lone
    // surname joins a full name, leaves it for another, and a user's alias to the surname follows it
    // although its speaker is not in the import.
    let env = Env::new();
    let check = |want: &[(String, String, String)]| {
        let (stored, rebuilt) = entities_and_rebuilt(&env);
        assert_eq!(stored, rebuilt);
        for w in want {
            assert!(stored.contains(w), "{w:?} in {stored:?}");
        }
    };
    env.write(
        "a.md",
        "# Fees\n\nAda Okafor said the harbour fees would rise in May.\n",
    );
    // A lone surname in an article that does not give the full name.
    env.write(
        "s.md",
        "# Small rise\n\nPresident Okafor said the rise was small.\n",
    );
    env.ok(&["import", "a.md", "s.md"]);
    check(&[row("Okafor", "Ada Okafor", "name")]);
    env.write(
        "b.md",
        "# Ferry\n\nTom Okafor said the ferry would stop in winter.\n\
         \nTom Okafor said the ferry had lost money for years.\n\
         \nTom Okafor said a new operator was wanted.\n\
         \nThe harbour master said the quay was safe.\n",
    );
    env.ok(&["import", "b.md"]);
    check(&[row("Okafor", "Tom Okafor", "name")]);
    env.ok(&["alias", "add", "harbour master", "Okafor"]);
    check(&[row("harbour master", "Tom Okafor", "user")]);
    env.write(
        "c.md",
        "# Quay\n\nAda Okafor said the quay would reopen.\n\
         \nAda Okafor said the berth was ready.\n\
         \nAda Okafor said the cranes were new.\n\
         \nAda Okafor said the tolls would fall.\n\
         \nAda Okafor said the pilots were paid.\n\
         \nAda Okafor said the port was busy.\n",
    );
    env.ok(&["import", "c.md"]);
    check(&[
        row("Okafor", "Ada Okafor", "name"),
        row("harbour master", "Ada Okafor", "user"),
    ]);
}
