//! HTML ingest on hostile and ordinary pages: `cargo bench --bench ingest`.
//!
//! Each row reads one generated document with `claims::ingest::parse` (the code path of
//! `claims import` up to the article text), and the hostile ones also through the whole
//! import (`claims::import::import_paths` into a fresh database). Times are CPU seconds of the
//! process (user + system, all threads, from `/proc/self/stat` in steps of 10 ms), so other
//! work on the machine does not count.
//! The ceiling row parses the same ordinary page with `scraper::Html::parse_document` alone:
//! html5ever's tree building without the depth gate and without the text extraction.

use claims::extract::Extractor;
use claims::import::import_paths;
use claims::model::Overrides;
use claims::store::Store;
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// User and system time of this process, all threads (Linux: `USER_HZ` is 100).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name, in parentheses, may hold spaces: count fields after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields 14 (utime) and 15 (stime) of stat(5), counted from field 3 here.
    (ticks(11) + ticks(12)) / 100.0
}

fn cpu<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let start = cpu_seconds();
    let out = f();
    (out, cpu_seconds() - start)
}

/// `depth` nested `<article>` elements, a paragraph of text in each (about 100 bytes a level,
/// the shape of the hostile-input campaign's files).
fn nested_articles(depth: usize) -> String {
    let mut s = String::from("<!doctype html><html><head><title>Nested</title></head><body>");
    for i in 0..depth {
        s.push_str(&format!(
            "<article class=\"story\"><p>Paragraph {i:05} of the story, a spokesman for the city said.</p>"
        ));
    }
    s.push_str(&"</article>".repeat(depth));
    s.push_str("</body></html>");
    s
}

fn nested(tag: &str, depth: usize) -> String {
    format!(
        "<html><body>{}<p>Deep in the page, a source said the plan was ready.</p>{}</body></html>",
        format!("<{tag}>").repeat(depth),
        format!("</{tag}>").repeat(depth)
    )
}

/// Elements the tree builder holds at most before start tags are dropped (`MAX_OPEN` in
/// `src/ingest/dom.rs`), less the few above them.
const HELD: usize = 256 - 6;

/// Work at the cap: elements held just below it, then tags that make the tree builder scan
/// its whole stack (the worst case left: linear, with the cap as its factor).
fn at_the_cap(open: &str, then: &str, times: usize) -> String {
    format!(
        "<html><body><p>Text, a source said.</p>{}{}</body></html>",
        open.repeat(HELD),
        then.repeat(times)
    )
}

/// Formatting elements left open, then short paragraphs that reopen them all.
fn reopened(formatting: usize, paragraphs: usize) -> String {
    let mut s = String::from("<html><body><p>");
    for i in 0..formatting {
        s.push_str(&format!("<b id=b{i}>"));
    }
    s.push_str("</p>");
    s.push_str(&"<p>x</p>".repeat(paragraphs));
    s.push_str("</body></html>");
    s
}

fn import_cpu(dir: &Path, name: &str, html: &str) -> (f64, String) {
    let path = dir.join(format!("{name}.html"));
    std::fs::write(&path, html).expect("write page");
    let mut store = Store::open(&dir.join(format!("{name}.db"))).expect("open database");
    let extractor = Extractor::new().expect("embedded lexicon");
    let inputs: Vec<PathBuf> = vec![path];
    let (out, seconds) = cpu(|| {
        import_paths(
            &mut store,
            &inputs,
            &Overrides::default(),
            &extractor,
            |_, _, _, _| {},
        )
        .expect("import")
    });
    let outcome = match &out[0] {
        Ok(report) => format!("imported, {} claims", report.versions[0].claims),
        Err(e) => format!("refused: {e}"),
    };
    (seconds, outcome)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = Path::new("page.html");
    println!("| document | MB | parse CPU s | import CPU s | outcome |");
    println!("|---|---:|---:|---:|---|");
    let hostile: Vec<(&str, String)> = vec![
        (
            "20,000 nested <article>, text in the innermost",
            nested("article", 20_000),
        ),
        (
            "10,000 nested <article>, a paragraph in each",
            nested_articles(10_000),
        ),
        (
            "20,000 nested <article>, a paragraph in each",
            nested_articles(20_000),
        ),
        ("100,000 nested <div>", nested("div", 100_000)),
        (
            "250 <span>, then 300,000 </x>",
            at_the_cap("<span>", "</x>", 300_000),
        ),
        (
            "250 <div>, then 100,000 <div></div>",
            at_the_cap("<div>", "<div></div>", 100_000),
        ),
        ("500 <b id>, then 2,000 <p>x</p>", reopened(500, 2_000)),
        ("32 <b id>, then 100,000 <p>x</p>", reopened(32, 100_000)),
    ];
    for (name, html) in &hostile {
        let (parsed, parse_s) = cpu(|| claims::ingest::parse(path, html.as_bytes()));
        black_box(&parsed);
        let (import_s, outcome) = import_cpu(dir.path(), "hostile", html);
        println!(
            "| {} | {:.2} | {parse_s:.3} | {import_s:.3} | {outcome} |",
            name.replace('<', "\\<"),
            html.len() as f64 / 1e6,
        );
    }

    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/grain-exports.html");
    let page = std::fs::read_to_string(&seed).expect("seed page");
    let rounds = 4_000;
    let (_, ours) = cpu(|| {
        for _ in 0..rounds {
            black_box(claims::ingest::parse(path, black_box(page.as_bytes())).expect("parses"));
        }
    });
    let (_, ceiling) = cpu(|| {
        for _ in 0..rounds {
            black_box(scraper::Html::parse_document(black_box(&page)));
        }
    });
    let mb = (page.len() * rounds) as f64 / 1e6;
    println!();
    println!(
        "ordinary page (seeds/grain-exports.html, {} bytes) x {rounds}: claims::ingest::parse {:.1} MB/s; \
         scraper::Html::parse_document alone {:.1} MB/s (ours/ceiling {:.2})",
        page.len(),
        mb / ours,
        mb / ceiling,
        ceiling / ours
    );
}
