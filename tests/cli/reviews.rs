//! Fact-checking end to end: reviews (recorded, and imported from ClaimReview pages and the
//! Google Fact Check Tools API), matching to stored claims, authors, exports (ClaimReview,
//! CSV, JSON lines), retractions and the block list. Fixtures: tests/fixtures/reviews (written
//! for these tests following schema.org's ClaimReview documentation; no real page copied).

use super::common::{stderr, stdout, Env};
use serde_json::Value;

const FIXTURES: &str = "tests/fixtures/reviews";

/// The claim of the news fixture that the fact-checks review (Dana Whitfield's crime figure).
const CRIME: &str = "037f6bd1a409ce713688900109d20a8f73db6129443566d41dbf17894c7970b6";
/// Rafael Ortiz's claim about the harbour fee.
const FEE: &str = "635a0c59a9c0";
/// The port authority's cargo claim.
const CARGO: &str = "53a71926519f";

fn copy(env: &Env, name: &str) -> String {
    env.copy(&format!("{FIXTURES}/{name}"))
}

fn json(s: &str) -> Value {
    serde_json::from_str(s).expect("json")
}

/// `(verdict, rating text or alternate name, claimant, [(claim id prefix, how, score)])` of
/// every review listed.
/// `(claim id prefix, how, score)` of a reviewed claim.
type Reviewed = (String, String, f64);

fn summary(v: &Value) -> Vec<(String, String, String, Vec<Reviewed>)> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|r| {
            let rating = &r["rating"];
            let text = rating["text"]
                .as_str()
                .or(rating["alternate_name"].as_str())
                .unwrap_or("");
            let claims = r["claims"]
                .as_array()
                .expect("claims")
                .iter()
                .map(|c| {
                    (
                        c["id"].as_str().expect("id")[..12].to_string(),
                        c["how"].as_str().expect("how").to_string(),
                        c["score"].as_f64().expect("score"),
                    )
                })
                .collect();
            (
                r["verdict"].as_str().expect("verdict").to_string(),
                text.to_string(),
                r["claimant"].as_str().unwrap_or("").to_string(),
                claims,
            )
        })
        .collect()
}

#[test]
fn a_review_imported_in_the_same_run_as_its_claim_matches_it() {
    // Regression: the claims of one import wait for the relation step to get their keys; a
    // review in the same transaction must still find them.
    let env = Env::new();
    let news = copy(&env, "harbour-news.md");
    let single = copy(&env, "single.html");
    env.ok(&["import", &news, &single]);
    let all = json(&env.ok(&["reviews", "--format", "json"]));
    assert_eq!(
        summary(&all),
        vec![(
            "mostly-false".into(),
            "Mostly False".into(),
            "Mayor Dana Whitfield".into(),
            vec![(CRIME[..12].to_string(), "matched".to_string(), 1.0)]
        )]
    );
}

#[test]
fn fact_check_pages_import_as_reviews_that_match_the_news_claim() {
    let env = Env::new();
    let news = copy(&env, "harbour-news.md");
    env.ok(&["import", &news]);
    let single = copy(&env, "single.html");
    let out = env.ok(&["import", &single]);
    assert_eq!(
        out.lines().next().expect("a line"),
        format!(
            "single.html: new review {}: mostly-false (\"Mostly False\") of \"Crime in the \
             harbour district fell by 40 percent last year.\": matches {} (1.00)",
            &summary_id(&env, 0)[..12],
            &CRIME[..12]
        )
    );
    assert!(
        out.ends_with("1 file: 0 new versions, 0 new claims, 1 new review, 1 new object; 0 failed. Database: claims.db\n"),
        "{out}"
    );
    for page in ["graph.html", "list.html", "several.html"] {
        let name = copy(&env, page);
        env.ok(&["import", &name]);
    }
    let all = json(&env.ok(&["reviews", "--format", "json"]));
    let c = |id: &str, score: f64| vec![(id[..12].to_string(), "matched".to_string(), score)];
    assert_eq!(
        summary(&all),
        vec![
            // A single ClaimReview object, with a numeric rating as well.
            (
                "mostly-false".into(),
                "Mostly False".into(),
                "Mayor Dana Whitfield".into(),
                c(CRIME, 1.0)
            ),
            // One inside an @graph: "Says ... $600" still matches "600 dollars".
            (
                "false".into(),
                "Pants on Fire!".into(),
                "Rafael Ortiz".into(),
                c(FEE, 0.932)
            ),
            // One in a JSON-LD list, claimed by an organisation named otherwise.
            (
                "true".into(),
                "True".into(),
                "Valley Port Authority".into(),
                c(CARGO, 1.0)
            ),
            // Several on one page: a claim not stored stays unmatched; curly quotes dropped.
            (
                "mostly-false".into(),
                "Missing context".into(),
                "Rafael Ortiz".into(),
                vec![]
            ),
            (
                "false".into(),
                "Four Pinocchios".into(),
                "Dana Whitfield".into(),
                c(CRIME, 1.0)
            ),
        ]
    );
    // itemReviewed's firstAppearance first, then the other appearances, each once.
    assert_eq!(
        all[1]["appearances"],
        serde_json::json!([
            "https://valleytribune.example/2025/03/harbour-fee",
            "https://social.example/@rortiz/113"
        ])
    );
    assert_eq!(all[0]["reviewer"], "Sam Okoye");
    assert_eq!(all[0]["publisher"], "Harbour Facts");
    assert_eq!(all[0]["rating"]["value"], "2");
    // The page's article text is not imported as an article: the fact-checks are its content.
    assert_eq!(env.ok(&["list"]).lines().count(), 4);
    // Importing a page again stores nothing new.
    let again = env.ok(&["import", &single]);
    assert!(again.contains(": unchanged review "), "{again}");
    // Each speaker with counts by verdict (claims, not retracted).
    assert_eq!(
        env.ok(&["reviews", "--speakers"]),
        "Dana Whitfield · mostly-false 1 · false 1\nRafael Ortiz · false 1\nport authority · true 1\n"
    );
    // --verdict and --speaker filter; the claimant counts for a review not matched yet.
    let false_ones = json(&env.ok(&["reviews", "--verdict", "false", "--format", "json"]));
    assert_eq!(false_ones.as_array().expect("array").len(), 2);
    let ortiz = json(&env.ok(&["reviews", "--speaker", "ortiz", "--format", "json"]));
    assert_eq!(ortiz.as_array().expect("array").len(), 2);
}

/// The id of the `n`th review listed.
fn summary_id(env: &Env, n: usize) -> String {
    let all = json(&env.ok(&["reviews", "--format", "json"]));
    all[n]["id"].as_str().expect("id").to_string()
}

#[test]
fn a_fact_check_tools_api_response_imports_with_ratings_normalised_by_the_table() {
    let env = Env::new();
    let news = copy(&env, "harbour-news.md");
    env.ok(&["import", &news]);
    let api = copy(&env, "factcheck-api.json");
    let out = env.ok(&["import", "--format", "json", &api]);
    let report = json(&out);
    assert_eq!(report["new_reviews"], 4);
    let all = json(&env.ok(&["reviews", "--format", "json"]));
    let got: Vec<(String, String, String)> = all
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["rating"]["text"].as_str().expect("text").to_string(),
                r["verdict"].as_str().expect("verdict").to_string(),
                r["publisher"].as_str().expect("publisher").to_string(),
            )
        })
        .collect();
    let want = [
        ("False", "false", "Coastline Check"),
        ("Half True", "mixed", "Valley Verify"),
        ("Four Pinocchios", "false", "The Fact Desk"),
        ("Missing context", "mostly-false", "Coastline Check"),
    ];
    assert_eq!(
        got,
        want.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    assert_eq!(all[0]["publisher_site"], "coastlinecheck.example");
    assert_eq!(all[0]["date"], "2025-03-04T00:00:00Z");
    assert_eq!(all[0]["language"], "en");
    assert_eq!(all[0]["claim_date"], "2025-03-03T00:00:00Z");
    assert_eq!(all[0]["title"], "Whitfield's crime figure is wrong");
    // Imports are authorless and timeless: the same file gives the same objects anywhere.
    assert!(all[0].get("by").is_none() && all[0].get("at").is_none());
    assert_eq!(
        summary(&all).iter().map(|s| s.3.len()).collect::<Vec<_>>(),
        [1, 1, 1, 0]
    );
}

#[test]
fn a_review_imported_before_its_claim_matches_when_the_claim_arrives() {
    let early = Env::new();
    let api = copy(&early, "factcheck-api.json");
    let news = copy(&early, "harbour-news.md");
    let out = early.ok(&["import", &api]);
    assert_eq!(
        out.matches("no stored claim matches yet").count(),
        4,
        "{out}"
    );
    early.ok(&["import", &news]);
    let late = Env::new();
    copy(&late, "factcheck-api.json");
    copy(&late, "harbour-news.md");
    late.ok(&["import", &news, &api]);
    let a = early.ok(&["reviews", "--format", "json"]);
    let b = late.ok(&["reviews", "--format", "json"]);
    assert_eq!(a, b, "the matches are a function of the stored set");
    assert_eq!(
        summary(&json(&a))
            .iter()
            .map(|s| s.3.len())
            .collect::<Vec<_>>(),
        [1, 1, 1, 0]
    );
    // And a rebuild from the objects gives them again.
    early.ok(&["rebuild"]);
    assert_eq!(early.ok(&["reviews", "--format", "json"]), a);
    early.ok(&["verify"]);
}

#[test]
fn two_peoples_opposite_verdicts_are_both_kept_with_author_and_time() {
    let env = Env::new();
    let news = copy(&env, "harbour-news.md");
    env.ok(&["import", &news]);
    assert_eq!(env.ok(&["author"]), "no author set (claims author NAME)\n");
    assert_eq!(env.ok(&["author", "Ann Lee"]), "author: Ann Lee\n");
    let ann = env.ok(&[
        "review",
        "037f6bd1a409",
        "--verdict",
        "true",
        "--note",
        "police data, 2024",
    ]);
    assert!(ann.starts_with("recorded review "), "{ann}");
    assert!(
        ann.ends_with(": true on 037f6bd1a409 by Ann Lee\n"),
        "{ann}"
    );
    // --author wins over the setting, CLAIMS_AUTHOR too.
    let bo = env.ok(&[
        "review",
        "037f6bd1a409",
        "--verdict",
        "false",
        "--author",
        "Bo Chen",
    ]);
    assert!(bo.ends_with(": false on 037f6bd1a409 by Bo Chen\n"), "{bo}");
    let out = env
        .cmd()
        .env("CLAIMS_AUTHOR", "Cy Diaz")
        .args(["review", "037f6bd1a409", "--rating", "Pants on Fire!"])
        .output()
        .expect("runs");
    assert_eq!(
        stdout(&out).split(": ").nth(1),
        Some("false on 037f6bd1a409 by Cy Diaz\n")
    );
    let all = json(&env.ok(&["reviews", "--claim", "037f6bd1a409", "--format", "json"]));
    let who: Vec<(&str, &str, &str)> = all
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["verdict"].as_str().expect("verdict"),
                r["by"].as_str().expect("by"),
                r["at"].as_str().expect("at"),
            )
        })
        .collect();
    assert_eq!(
        who,
        [
            ("true", "Ann Lee", "2026-01-02T03:04:05Z"),
            ("false", "Bo Chen", "2026-01-02T03:04:05Z"),
            ("false", "Cy Diaz", "2026-01-02T03:04:05Z"),
        ]
    );
    // A review states its claim too, so it stands alone when exported or synced.
    assert_eq!(
        all[0]["claim_text"],
        "Crime in the harbour district fell by 40 percent last year"
    );
    assert_eq!(all[0]["claimant"], "Dana Whitfield");
    assert_eq!(
        all[0]["appearances"],
        serde_json::json!(["https://valleytribune.example/2025/03/harbour-fee"])
    );
    assert_eq!(all[2]["rating"]["text"], "Pants on Fire!");
    let text = env.ok(&["reviews", "--claim", "037f6bd1a409"]);
    assert!(
        text.contains("true (True) · Ann Lee · 2026-01-02T03:04:05Z\n")
            && text.contains("false (False) · Bo Chen · 2026-01-02T03:04:05Z\n")
            && text.contains("  note: police data, 2024\n")
            && text.ends_with("3 reviews\n"),
        "{text}"
    );
    assert_eq!(
        env.ok(&["reviews", "--speakers"]),
        "Dana Whitfield · true 1 · false 1\n"
    );
    // `show` lists a claim's reviews.
    let shown = env.ok(&["show", "037f6bd1a409"]);
    assert!(
        shown.contains("reviewed 3 times:\n  - true (True) by Ann Lee, 2026-01-02T03:04:05Z  ")
            && shown.contains("\n  - false (Pants on Fire!) by Cy Diaz, 2026-01-02T03:04:05Z  "),
        "{shown}"
    );
    let shown_json = json(&env.ok(&["show", "037f6bd1a409", "--format", "json"]));
    assert_eq!(shown_json["reviews"].as_array().map(Vec::len), Some(3));
    // Links and aliases carry their author and time too.
    let link = json(&env.ok(&[
        "link",
        "037f6bd1a409",
        FEE,
        "--as",
        "unrelated",
        "--format",
        "json",
    ]));
    assert_eq!(link["relation"]["by"], "Ann Lee");
    assert_eq!(link["relation"]["at"], "2026-01-02T03:04:05Z");
    let alias = json(&env.ok(&[
        "alias",
        "add",
        "Mayor",
        "Dana Whitfield",
        "--author",
        "Bo Chen",
        "--format",
        "json",
    ]));
    assert_eq!(alias["alias"]["by"], "Bo Chen");
    assert_eq!(alias["alias"]["at"], "2026-01-02T03:04:05Z");
    // Bad input: a clear message, exit 1, nothing stored.
    let before = env.object_count();
    let none = env.run(&["review", "037f6bd1a409"]);
    assert_eq!(none.status.code(), Some(1));
    assert_eq!(
        stderr(&none),
        "claims: error: a review needs a verdict (--verdict) or a rating to read one from \
         (--rating)\n"
    );
    let missing = env.run(&["review", "ffffffffffff", "--verdict", "false"]);
    assert_eq!(
        stderr(&missing),
        "claims: error: \"ffffffffffff\": no claim with that id\n"
    );
    assert_eq!(env.object_count(), before);
}

/// Runs a Python 3 script on stdin text; returns its stdout.
fn python(script: &str, input: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3 ends");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn claimreview_export_is_json_ld_and_imports_back_as_the_same_reviews() {
    let env = Env::new();
    let news = copy(&env, "harbour-news.md");
    env.ok(&["import", &news]);
    for f in [
        "single.html",
        "graph.html",
        "list.html",
        "several.html",
        "factcheck-api.json",
    ] {
        let name = copy(&env, f);
        env.ok(&["import", &name]);
    }
    env.ok(&[
        "review",
        CARGO,
        "--verdict",
        "mostly-true",
        "--author",
        "Ann Lee",
        "--url",
        "https://desk.example/cargo",
        "--note",
        "tonnage, not value;\n\"record\" since 1990",
    ]);
    let exported = env.ok(&["export", "--format", "claimreview"]);
    // Python's json module reads it; every review has the ClaimReview properties.
    let checked = python(
        "import json,sys\n\
         docs=json.load(sys.stdin)\n\
         need=['@context','@type','claimReviewed','reviewRating','itemReviewed','author','datePublished','url']\n\
         ok=[d for d in docs if d['@type']=='ClaimReview' and d['@context']=='https://schema.org'\n\
             and d['reviewRating']['@type']=='Rating' and d['itemReviewed']['@type']=='Claim'\n\
             and d['author']['name']]\n\
         missing=sorted({k for d in docs for k in need if k not in d})\n\
         print(len(docs), len(ok), missing)\n",
        &exported,
    );
    // The person's review has no publication date of its own: it is not published yet.
    assert_eq!(checked, "10 10 ['datePublished']\n");
    let published: Vec<Value> = json(&exported)
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d.get("datePublished").is_some())
        .cloned()
        .collect();
    assert_eq!(published.len(), 9);
    let mine = json(&exported)[9].clone();
    assert_eq!(mine["author"]["name"], "Ann Lee");
    assert_eq!(mine["creator"]["name"], "Ann Lee");
    assert_eq!(mine["dateCreated"], "2026-01-02T03:04:05Z");
    assert_eq!(
        mine["itemReviewed"]["identifier"]
            .as_str()
            .map(|s| &s[..12]),
        Some(CARGO)
    );
    // Read back into another database: the same review objects, ids and all.
    let other = Env::new();
    other.write("reviews.jsonld", &exported);
    let lines = env.ok(&["export", "--format", "claimreview", "--lines"]);
    assert_eq!(lines.lines().count(), 10);
    other.write("reviews.jsonl", &lines);
    other.ok(&["import", "reviews.jsonld"]);
    let ids = |e: &Env| -> Vec<String> {
        let mut v: Vec<String> =
            json(&e.ok(&["reviews", "--include-retracted", "--format", "json"]))
                .as_array()
                .expect("array")
                .iter()
                .map(|r| r["id"].as_str().expect("id").to_string())
                .collect();
        v.sort();
        v
    };
    assert_eq!(ids(&other), ids(&env));
    let again = json(&other.ok(&["import", "reviews.jsonl", "--format", "json"]));
    assert_eq!(again["new_objects"], 0);
    // A review naming a claim this database does not hold is sound: it states its claim.
    other.ok(&["verify"]);
    // The claim arrives later (by sync): the review names it then.
    let env_db = env.db();
    other.ok(&["sync", env_db.to_str().expect("path")]);
    let named = json(&other.ok(&["reviews", "--claim", CARGO, "--format", "json"]));
    assert_eq!(named.as_array().map(Vec::len), Some(2));
}

#[test]
fn csv_parses_with_pythons_csv_module_and_round_trips_every_field() {
    let env = Env::new();
    env.write(
        "quotes.md",
        "---\ntitle: Commas, \"quotes\" and more\nurl: https://news.example/q\nsource: The Daily, Ltd\n---\n\n\
         The harbour master said the quay, the crane and the \"old\" lighthouse were safe.\n",
    );
    env.ok(&["import", "quotes.md"]);
    let news = copy(&env, "harbour-news.md");
    env.ok(&["import", &news]);
    env.ok(&[
        "review",
        CARGO,
        "--verdict",
        "mixed",
        "--author",
        "Ann, \"A.\" Lee",
        "--note",
        "line one, with a comma\nline \"two\"\r\nline three",
    ]);
    // Every CSV field equals the JSON field of the same row.
    let compare = "import csv,io,json,sys\n\
        data=sys.stdin.read()\n\
        csvtext,jsontext=data.split('\\x00')\n\
        rows=list(csv.DictReader(io.StringIO(csvtext, newline='')))\n\
        objs=json.loads(jsontext)\n\
        keys=sys.argv[1].split(',')\n\
        def flat(o,k):\n\
        \x20   v=o.get(k)\n\
        \x20   if v is None: return ''\n\
        \x20   if isinstance(v,bool): return 'true' if v else 'false'\n\
        \x20   if isinstance(v,list): return '; '.join(v)\n\
        \x20   return str(v)\n\
        bad=[(i,k) for i,(r,o) in enumerate(zip(rows,objs)) for k in keys if r[k]!=flat(o,k)]\n\
        print(len(rows), len(objs), bad)\n";
    let run = |args: &[&str], keys: &str| -> String {
        let mut csv_args = args.to_vec();
        csv_args.extend(["--format", "csv"]);
        let mut json_args = args.to_vec();
        json_args.extend(["--format", "json"]);
        let input = format!("{}\u{0}{}", env.ok(&csv_args), env.ok(&json_args));
        python(
            &compare.replace("sys.argv[1]", &format!("{keys:?}")),
            &input,
        )
    };
    assert_eq!(
        run(
            &["export"],
            "claim,speaker,cue,stance,hedges,content,mention,sentence,direct,document,url,outlet,title,published,version,version_number"
        ),
        "5 5 []\n"
    );
    assert_eq!(
        run(&["list"], "id,speaker,cue,stance,hedges,content,mentions"),
        "5 5 []\n"
    );
    assert_eq!(
        run(&["search", "harbour"], "id,speaker,content"),
        "4 4 []\n"
    );
    assert_eq!(
        run(
            &["reviews"],
            "id,verdict,claim_text,claimant,url,note,by,at"
        ),
        "1 1 []\n"
    );
    // The note's line breaks and quotes survive, inside one field.
    let csv = env.ok(&["reviews", "--format", "csv"]);
    assert!(csv.starts_with("id,verdict,rating,claim_text,claimant,publisher,reviewer,url,date,language,note,by,at,claims\r\n"), "{csv}");
    assert!(
        csv.contains(
            "\"line one, with a comma\nline \"\"two\"\"\nline three\",\"Ann, \"\"A.\"\" Lee\""
        ),
        "{csv}"
    );
    // The export row names the claim's reviews.
    let export = env.ok(&["export", "--format", "csv"]);
    assert!(
        export.contains(",\"mixed (Ann, \"\"A.\"\" Lee)\"\r\n"),
        "{export}"
    );
    // relations accept --format csv too (a header row even when there is nothing).
    let relations = env.ok(&["relations", "--format", "csv"]);
    assert!(
        relations.starts_with("kind,score,reason,basis,relation,a_id,"),
        "{relations}"
    );
    // Where CSV is not written, --format csv is a usage error.
    let log = env.run(&["log", "037f6bd1a409", "--format", "csv"]);
    assert_eq!(log.status.code(), Some(2));
    assert_eq!(
        stderr(&log),
        "claims: error: `claims log` does not write --format csv: it is for list, search, \
         relations, reviews, export\n"
    );
    let plain = env.run(&["export"]);
    assert_eq!(plain.status.code(), Some(2));
    assert_eq!(
        stderr(&plain),
        "claims: error: `claims export` needs --format: csv, jsonl or json (claims), or \
         claimreview (reviews)\n"
    );
}

#[test]
fn a_retraction_made_on_one_replica_hides_the_claim_on_another_after_sync() {
    let a = Env::new();
    let news = copy(&a, "harbour-news.md");
    a.ok(&["import", &news]);
    let b = Env::new();
    let a_db = a.db();
    let a_path = a_db.to_str().expect("path");
    b.ok(&["sync", a_path]);
    b.ok(&[
        "review",
        "037f6bd1a409",
        "--verdict",
        "false",
        "--author",
        "Bo",
    ]);
    assert_eq!(b.ok(&["list"]).lines().count(), 4);
    let out = a.ok(&[
        "retract",
        "037f6bd1a409",
        "--reason",
        "misquoted: the mayor said 14 percent",
        "--author",
        "Ann Lee",
    ]);
    assert!(out.starts_with("recorded retraction "), "{out}");
    assert!(
        out.ends_with(": claim 037f6bd1a409 (misquoted: the mayor said 14 percent) by Ann Lee\n"),
        "{out}"
    );
    b.ok(&["sync", a_path]);
    let shown = b.ok(&["show", "037f6bd1a409"]);
    assert!(
        shown.ends_with(
            "retracted: misquoted: the mayor said 14 percent (by Ann Lee, 2026-01-02T03:04:05Z)\n"
        ),
        "{shown}"
    );
    let listed = b.ok(&["list"]);
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert!(!listed.contains("037f6bd1a409"));
    assert_eq!(b.ok(&["list", "--include-retracted"]).lines().count(), 4);
    assert!(b.run(&["search", "crime"]).status.code() == Some(1));
    assert!(b
        .ok(&["search", "crime", "--include-retracted"])
        .contains("037f6bd1a409"));
    // Its reviews and speaker counts are hidden too; export leaves it out.
    assert_eq!(b.ok(&["reviews"]), "0 reviews\n");
    assert_eq!(b.ok(&["reviews", "--speakers"]), "");
    let shown = b.ok(&["reviews", "--include-retracted"]);
    assert!(shown.contains("(retracted)"), "{shown}");
    assert_eq!(b.ok(&["export", "--format", "jsonl"]).lines().count(), 3);
    // A mention retracted hides a claim that appears only there.
    let fee = json(&b.ok(&["show", FEE, "--format", "json"]));
    let mention = fee["mentions"][0]["mention"]
        .as_str()
        .expect("mention")
        .to_string();
    let out = b.ok(&["retract", &mention[..12], "--reason", "wrong speaker"]);
    assert!(
        out.contains(&format!(": mention {} (wrong speaker)", &mention[..12])),
        "{out}"
    );
    assert_eq!(b.ok(&["list"]).lines().count(), 2);
    // A whole version retracted hides every claim that appears only in it.
    let version = json(&b.ok(&[
        "log",
        "https://valleytribune.example/2025/03/harbour-fee",
        "--format",
        "json",
    ]));
    let v = version[0]["id"].as_str().expect("version id").to_string();
    let out = b.ok(&[
        "retract",
        &v[..12],
        "--reason",
        "the outlet withdrew the article",
    ]);
    assert!(
        out.contains(&format!(": version {} (the outlet", &v[..12])),
        "{out}"
    );
    assert_eq!(b.ok(&["list"]), "");
    assert_eq!(b.ok(&["list", "--include-retracted"]).lines().count(), 4);
    // Only claims, mentions and versions are retracted; a reason is needed.
    let doc = b.run(&["retract", "939f7ddb", "--reason", "x"]);
    assert_eq!(doc.status.code(), Some(1));
    assert_eq!(
        stderr(&doc),
        "claims: error: \"939f7ddb\" is a document: only a claim, a mention or a version can be \
         retracted\n"
    );
    let no_reason = b.run(&["retract", "037f6bd1a409", "--reason", " "]);
    assert_eq!(
        stderr(&no_reason),
        "claims: error: a retraction needs a reason (--reason)\n"
    );
    b.ok(&["verify"]);
}

#[test]
fn a_blocked_object_is_refused_by_import_sync_and_bundle_apply_and_nothing_else_is_lost() {
    let a = Env::new();
    let news = copy(&a, "harbour-news.md");
    a.ok(&["import", &news]);
    a.ok(&["review", "037f6bd1a409", "--verdict", "false"]);
    a.ok(&["bundle", "create", "all.bundle"]);
    let total = a.object_count();
    let refused_claim = format!(
        "object {CRIME} (claim) is refused: it is on this database's block list (`claims block`)"
    );
    let check = |e: &Env, err: &str| {
        // The claim, its mention and the review that names it are kept out; nothing else.
        assert!(err.contains(&refused_claim), "{err}");
        assert_eq!(
            err.matches("(mention) is refused: it refers to").count(),
            1,
            "{err}"
        );
        assert_eq!(
            err.matches("(review) is refused: it refers to").count(),
            1,
            "{err}"
        );
        assert_eq!(e.object_count(), total - 3);
        assert_eq!(e.ok(&["list"]).lines().count(), 3);
        e.ok(&["verify"]);
    };
    // Import.
    let i = Env::new();
    let blocked = i.ok(&["block", CRIME, "--reason", "court order"]);
    assert_eq!(blocked, format!("blocked {CRIME}\n"));
    let news_i = copy(&i, "harbour-news.md");
    let out = i.run(&["import", &news_i]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).starts_with(&format!(
            "claims: warning: harbour-news.md: {refused_claim}; the rest of the file was stored\n"
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(i.ok(&["list"]).lines().count(), 3);
    // Re-importing the same file does not bring it in either.
    i.ok(&["import", &news_i]);
    assert_eq!(i.ok(&["list"]).lines().count(), 3);
    // Bundle apply.
    let bdl = Env::new();
    bdl.ok(&["block", CRIME]);
    std::fs::copy(a.path("all.bundle"), bdl.path("all.bundle")).expect("copy");
    let out = bdl.run(&["bundle", "apply", "all.bundle"]);
    assert_eq!(out.status.code(), Some(0));
    check(&bdl, &stderr(&out));
    // Sync with another database file; a second sync is in sync and refuses nothing new.
    let s = Env::new();
    s.ok(&["block", CRIME]);
    let a_db = a.db();
    let out = s.run(&["sync", a_db.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    check(&s, &stderr(&out));
    s.ok(&["sync", a_db.to_str().expect("path")]);
    assert_eq!(s.object_count(), total - 3);
    // The block list is local: what s sends on does not carry it, and lists it.
    let listed = s.ok(&["block"]);
    assert!(listed.starts_with(&format!("{CRIME}  ")), "{listed}");
    assert!(listed.ends_with("3 blocked\n"), "{listed}");
    // Blocking a stored object keeps it (objects are never deleted) and says so.
    let stored = a.ok(&["block", "037f6bd1a409"]);
    assert_eq!(
        stored,
        format!(
            "blocked {CRIME}\nnote: this claim is already stored here and stays (objects are \
             never deleted); `claims retract` hides it\n"
        )
    );
    let bad = a.run(&["block", "zzz"]);
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn correction_notices_are_recorded_on_their_version_and_shown_in_log_and_diff() {
    let env = Env::new();
    let head = "---\ntitle: Council approves harbour fee\nurl: https://valleytribune.example/2025/03/council-fee\npublished: 2025-03-10T09:00:00Z\n";
    env.write(
        "v1.md",
        &format!("{head}---\n\nThe council approved the harbour fee on Monday, council member Rafael Ortiz said.\n"),
    );
    env.write(
        "v2.md",
        &format!(
            "{head}modified: 2025-03-11T12:00:00Z\n---\n\nThe council approved the harbour fee on \
             Tuesday, council member Rafael Ortiz said.\n\n*Correction: An earlier version of \
             this article said the vote took place on Monday. It was on Tuesday.*\n\nThis article \
             has been updated to add the date of the vote.\n"
        ),
    );
    env.ok(&["import", "v1.md", "v2.md"]);
    let notices = [
        "Correction: An earlier version of this article said the vote took place on Monday. It was on Tuesday.",
        "This article has been updated to add the date of the vote.",
    ];
    let url = "https://valleytribune.example/2025/03/council-fee";
    let log = env.ok(&["log", url]);
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines[1].starts_with("version 1 "), "{log}");
    assert!(lines[2].starts_with("version 2 "), "{log}");
    assert_eq!(
        lines[3..],
        notices.map(|n| format!("  correction notice: {n}"))
    );
    let json_log = json(&env.ok(&["log", url, "--format", "json"]));
    assert!(json_log[0].get("corrections").is_none());
    assert_eq!(json_log[1]["corrections"], serde_json::json!(notices));
    let diff = env.ok(&["diff", &format!("{url}@1"), &format!("{url}@2")]);
    for n in notices {
        assert!(
            diff.contains(&format!("\n! correction notice: {n}\n")),
            "{diff}"
        );
    }
    let diff_json = json(&env.ok(&[
        "diff",
        &format!("{url}@1"),
        &format!("{url}@2"),
        "--format",
        "json",
    ]));
    assert_eq!(diff_json["corrections"], serde_json::json!(notices));
    // A notice already in the older side is not new in the diff; a file side has them too.
    let back = env.ok(&["diff", &format!("{url}@2"), "v2.md"]);
    assert!(!back.contains("correction notice"), "{back}");
    let from_file = env.ok(&["diff", &format!("{url}@1"), "v2.md"]);
    assert_eq!(
        from_file.matches("! correction notice: ").count(),
        2,
        "{from_file}"
    );
    // Index rows: a rebuild finds them again.
    env.ok(&["rebuild"]);
    assert_eq!(env.ok(&["log", url]), log);
    // A database of schema 5 (before the table) gets them when it is migrated.
    let conn = rusqlite::Connection::open(env.db()).expect("open");
    conn.execute_batch(
        "DROP VIEW speaker_verdicts; DROP VIEW claim_reviews; DROP VIEW retracted_claims;
         DROP VIEW retracted_mentions; DROP TABLE version_corrections; DROP TABLE blocked;
         DROP TABLE local_settings; DROP TABLE retractions; DROP TABLE review_matches;
         DROP TABLE review_keys; DROP TABLE reviews; PRAGMA user_version = 5;",
    )
    .expect("back to schema 5");
    drop(conn);
    assert_eq!(env.ok(&["log", url]), log);
}

#[test]
fn relations_and_conflicts_of_a_retracted_claim_are_hidden_unless_asked() {
    let env = Env::new();
    let seed = env.seed();
    env.ok(&["import", seed.to_str().expect("path")]);
    let before = env.ok(&["conflicts"]);
    assert!(before.ends_with("1 conflict\n"), "{before}");
    let relations = env.ok(&["relations"]);
    env.ok(&[
        "retract",
        "eb586c65764d",
        "--reason",
        "the blogger's post was deleted",
    ]);
    assert_eq!(env.ok(&["conflicts"]), "0 conflicts\n");
    assert_eq!(env.ok(&["conflicts", "--include-retracted"]), before);
    assert_eq!(env.ok(&["relations", "--include-retracted"]), relations);
    assert!(!env.ok(&["relations"]).contains("eb586c65764d"));
}

#[test]
fn search_fills_its_page_past_retracted_claims_ranked_first() {
    // The best-ranked matches retracted: the page is filled from further down the ranking.
    let env = Env::new();
    env.write(
        "harbour.txt",
        "The mayor said the harbour wall will be repaired in May.\n\n\
         The port authority said the harbour was dredged last year.\n\n\
         Fishermen said the harbour fees doubled.\n\n\
         The council said harbour parking will be free on Sundays.\n\n\
         A ferry captain said the new harbour lights were switched on after a long harbour \
         dispute over who would pay for the harbour lights.\n",
    );
    env.ok(&["import", "harbour.txt"]);
    let ranked: Vec<String> = json(&env.ok(&[
        "search",
        "harbour",
        "--include-retracted",
        "--format",
        "json",
    ]))
    .as_array()
    .expect("an array")
    .iter()
    .map(|c| c["id"].as_str().expect("id").to_string())
    .collect();
    assert_eq!(ranked.len(), 5, "{ranked:?}");
    let (kept, retracted) = ranked.split_last().expect("matches");
    for id in retracted {
        env.ok(&["retract", &id[..12], "--reason", "test"]);
    }
    for limit in ["1", "2", "20"] {
        let found: Vec<String> =
            json(&env.ok(&["search", "harbour", "--limit", limit, "--format", "json"]))
                .as_array()
                .expect("an array")
                .iter()
                .map(|c| c["id"].as_str().expect("id").to_string())
                .collect();
        assert_eq!(found, std::slice::from_ref(kept), "--limit {limit}");
    }
}
