//! `claims extract` end to end: output shapes, offsets in code points, bad files.

use crate::common::Env;
use std::path::{Path, PathBuf};

/// Runs `claims extract ARGS FILES...` ([`Env::ok`]: it must succeed) and returns its stdout.
fn extract_ok(env: &Env, args: &[&str], files: &[&Path]) -> String {
    let files: Vec<&str> = files
        .iter()
        .map(|f| f.to_str().expect("a UTF-8 path"))
        .collect();
    env.ok(&[&["extract"], args, &files].concat())
}

fn seed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds/avdiivka.txt")
}

#[test]
fn jsonl_offsets_are_code_points() {
    let env = Env::new();
    let dir = &env.dir;
    let file = dir.path().join("a.txt");
    // Multi-byte characters before the attribution shift byte offsets but not code points.
    let text = "Ünïcödé “quote” first.\nThe minister said the talks would resume.\n";
    std::fs::write(&file, text).expect("write");
    let stdout = extract_ok(&env, &["--format", "jsonl"], &[&file]);
    assert_eq!(stdout.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).expect("json");
    assert_eq!(v["file"], file.to_string_lossy().as_ref());
    let atts = v["attributions"].as_array().expect("array");
    assert_eq!(
        atts.len(),
        1,
        "outlet assertions are not printed by default: {atts:?}"
    );
    let a = &atts[0];
    let chars: Vec<char> = text.chars().collect();
    let span = |k: &str| -> String {
        let s = a[k][0][0].as_u64().expect("start") as usize;
        let e = a[k][0][1].as_u64().expect("end") as usize;
        chars[s..e].iter().collect()
    };
    assert_eq!(span("source"), "The minister");
    assert_eq!(span("cue"), "said");
    assert_eq!(span("content"), "the talks would resume");
    assert_eq!(a["speaker"], "minister");
    assert_eq!(a["cue_lemma"], "say");
    assert_eq!(a["stance"], "neutral");
    assert_eq!(a["direct"], false);
}

#[test]
fn outlet_flag_and_json_array() {
    let env = Env::new();
    let out = env
        .cmd()
        .args(["--format", "json", "extract", "--outlet"])
        .arg(seed())
        .output()
        .expect("run claims");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let atts = v[0]["attributions"].as_array().expect("array");
    assert!(atts
        .iter()
        .any(|a| a["kind"] == "outlet" && a["stance"] == "asserting"));
    assert!(atts.iter().any(|a| a["speaker"] == "Russia's military"));
}

#[test]
fn bad_files_are_named_and_others_still_printed() {
    let env = Env::new();
    let dir = &env.dir;
    let bad = dir.path().join("latin1.txt");
    std::fs::write(&bad, b"caf\xe9 said\n").expect("write");
    let missing = dir.path().join("missing.txt");
    let out = env
        .cmd()
        .args(["extract", "--format", "jsonl"])
        .arg(&missing)
        .arg(&bad)
        .arg(seed())
        .output()
        .expect("run claims");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing.txt"), "{stderr}");
    assert!(
        stderr.contains("latin1.txt") && stderr.contains("UTF-8"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1);
    assert!(stdout.contains("avdiivka.txt"));
}

#[test]
fn text_output_reads_well() {
    let env = Env::new();
    let out = env
        .cmd()
        .arg("extract")
        .arg(seed())
        .output()
        .expect("run claims");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("[source: Washington] [cue: linked]"),
        "{stdout}"
    );
    assert!(stdout.contains("  speaker: military bloggers · cue: say (neutral) · hedges: could"));
    assert!(!stdout.contains("podcast"));
    assert!(!stdout.contains('\u{1b}'), "NO_COLOR must turn colour off");
}

#[test]
fn html_and_json_lines_are_read_as_import_reads_them() {
    let env = Env::new();
    let dir = &env.dir;
    let html = dir.path().join("page.html");
    std::fs::write(
        &html,
        "<html><head><title>Harbour</title></head><body><nav>Home | News</nav><article>\
         <h1>Harbour dredging starts</h1>\
         <p>The harbour master said dredging would start in <b>May</b>.</p></article></body></html>",
    )
    .expect("write");
    let feed = dir.path().join("feed.jsonl");
    std::fs::write(
        &feed,
        "{\"text\": \"Police said the road was closed.\"}\n{\"text\": \"The council said the park reopens.\"}\n",
    )
    .expect("write");
    let stdout = extract_ok(&env, &["--format", "jsonl"], &[&html, &feed]);
    let docs: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(docs.len(), 3, "{stdout}");
    // The HTML page: one article, offsets into its text (headline, blank line, paragraph).
    let article = "Harbour dredging starts\n\nThe harbour master said dredging would start in May.";
    assert!(docs[0].get("article").is_none());
    let a = &docs[0]["attributions"][0];
    let span = |role: &str| -> String {
        let s = a[role][0][0].as_u64().expect("start") as usize;
        let e = a[role][0][1].as_u64().expect("end") as usize;
        article.chars().skip(s).take(e - s).collect()
    };
    assert_eq!(span("source"), "The harbour master");
    assert_eq!(span("cue"), "said");
    assert_eq!(span("content"), "dredging would start in May");
    // The JSON lines file: one entry per article, numbered.
    assert_eq!(docs[1]["article"], 1);
    assert_eq!(docs[2]["article"], 2);
    assert_eq!(docs[2]["attributions"][0]["speaker"], "council");
}

/// Issue 18: the end of a text that is a whole number of 256-byte blocks was printed as
/// offset 0, so the last sentence's content span came out inverted.
#[test]
fn span_at_the_end_of_a_whole_block_text() {
    let env = Env::new();
    let dir = &env.dir;
    let file = dir.path().join("block.txt");
    let mut text = String::from("Harbour Vote Set For Friday\n\nThe council met on Monday. ");
    let last = "The vote on the harbour plan was moved to Friday";
    let pad = 256 - (text.len() + last.len() + 1) % 256;
    text.push_str(last);
    text.push_str(&"é".repeat(pad / 2));
    text.push_str(&"s".repeat(pad % 2));
    text.push('.');
    assert_eq!(text.len(), 256);
    std::fs::write(&file, &text).expect("write");
    let out = env
        .cmd()
        .args(["extract", "--outlet", "--format", "jsonl"])
        .arg(&file)
        .output()
        .expect("run claims");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let atts = v["attributions"].as_array().expect("array");
    let last_span = &atts.last().expect("an outlet assertion")["content"][0];
    let n = text.chars().count() as u64;
    assert_eq!(last_span[1].as_u64(), Some(n), "{atts:?}");
    let start = last_span[0].as_u64().expect("start") as usize;
    let tail: String = text.chars().skip(start).collect();
    assert!(tail.starts_with("The vote on the harbour plan"), "{tail:?}");
}

/// `claims extract` reads a plain-text file's header block as `import` does: no part of the
/// article (before, "URL: ..." was an outlet assertion and the headline after the header was
/// not the first line, so a headline question gave nothing), while spans still count from
/// the start of the file.
#[test]
fn extract_skips_a_header_block_but_counts_it_in_offsets() {
    let env = Env::new();
    let file = env.dir.path().join("a.txt");
    let header = "URL: https://example.org/ghost\nSource: The Portmere Ledger\n\n";
    let headline = "Was the harbour ghost photo a hoax?";
    std::fs::write(&file, format!("{header}{headline}\n")).expect("write");
    let stdout = extract_ok(&env, &["--outlet", "--format", "json"], &[&file]);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let got: Vec<(String, serde_json::Value)> = v[0]["attributions"]
        .as_array()
        .expect("attributions")
        .iter()
        .map(|a| {
            (
                a["stance"].as_str().unwrap_or("").to_string(),
                a["content"].clone(),
            )
        })
        .collect();
    let start = header.chars().count();
    assert_eq!(
        got,
        vec![(
            "asking".to_string(),
            serde_json::json!([[start, start + headline.chars().count()]])
        )]
    );
}
