//! `import` stores exactly the spans `extract` finds, and every stored span lies inside its
//! version's text (issue 18: an article whose text was a whole number of 256-byte blocks lost
//! the end of its last sentence to a span `[1225, 0)`, and the whole article with it).
//!
//! Articles are generated with what real files have: header blocks, title lines with and
//! without a final stop, quotes that open and never close, paragraphs that end inside a
//! quote, multi-byte characters, leading blank lines and trailing white space; and texts
//! padded to a whole number of 256-byte blocks.

use claims::extract::{CharIndex, Extractor};
use claims::import::import_paths;
use claims::model::Overrides;
use claims::store::Store;
use proptest::prelude::*;
use std::path::Path;

/// A span as `claims extract` prints it and as a mention stores it: code points.
type Span = [u64; 2];
/// The source, cue and content spans of one claim.
type Roles = (Vec<Span>, Vec<Span>, Vec<Span>);

fn extractor() -> Extractor {
    Extractor::new().expect("embedded lexicon")
}

/// Imports `file` into a fresh database in `dir`; returns the one version's text and the
/// spans of every stored mention. Fails the test if the import fails.
fn import_one(dir: &Path, file: &Path) -> (String, Vec<Roles>) {
    let db = dir.join("claims.db");
    let mut store = Store::open(&db).expect("open");
    let outcomes = import_paths(
        &mut store,
        &[file.to_path_buf()],
        &Overrides::default(),
        &extractor(),
        |_, _, _, _| {},
    )
    .expect("import runs");
    for o in &outcomes {
        if let Err(e) = o {
            panic!("import failed: {e}");
        }
    }
    drop(store);
    let conn = rusqlite::Connection::open(&db).expect("open");
    let text: String = conn
        .query_row("SELECT text FROM versions", [], |r| r.get(0))
        .expect("one version");
    let mut stmt = conn
        .prepare("SELECT source_spans, cue_spans, content_spans FROM mentions ORDER BY seq")
        .expect("prepare");
    let parse = |s: String| -> Vec<Span> { serde_json::from_str(&s).expect("spans json") };
    let mentions = stmt
        .query_map([], |r| {
            Ok((parse(r.get(0)?), parse(r.get(1)?), parse(r.get(2)?)))
        })
        .expect("query")
        .collect::<Result<Vec<Roles>, _>>()
        .expect("rows");
    (text, mentions)
}

/// What `claims extract --outlet --format jsonl` prints for a text file: every claim's spans
/// in code points of the file as read.
fn extract_file(file_text: &str) -> Vec<Roles> {
    let ci = CharIndex::new(file_text);
    let spans = |v: &[std::ops::Range<usize>]| -> Vec<Span> {
        v.iter()
            .map(|r| {
                let [s, e] = ci.span(r);
                [s as u64, e as u64]
            })
            .collect()
    };
    extractor()
        .extract_from(file_text, claims::ingest::text_start(file_text))
        .claims
        .iter()
        .map(|a| (spans(&a.source), spans(&a.cue), spans(&a.content)))
        .collect()
}

/// Checks the two properties on one file: stored spans lie inside the version's text, and
/// they are exactly the spans `extract` finds in the file, shifted by where the version's text
/// starts in the file.
fn check(file_text: &str) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("article.txt");
    std::fs::write(&file, file_text).expect("write");
    let (text, stored) = import_one(dir.path(), &file);
    let len = text.chars().count() as u64;
    for roles in &stored {
        for &[s, e] in roles.0.iter().chain(&roles.1).chain(&roles.2) {
            prop_assert!(
                s <= e && e <= len,
                "span [{s}, {e}) outside the version's text ({len} code points)"
            );
        }
    }
    // The version's text is the end of the file (after the header and leading blank lines).
    prop_assert!(file_text.ends_with(&text), "version text is a suffix");
    let shift = file_text[..file_text.len() - text.len()].chars().count() as u64;
    let back =
        |v: &[Span]| -> Vec<Span> { v.iter().map(|&[s, e]| [s - shift, e - shift]).collect() };
    let mut extracted: Vec<Roles> = extract_file(file_text)
        .into_iter()
        .filter(|(_, _, content)| content.first().is_some_and(|c| c[0] >= shift))
        .map(|(s, c, t)| (back(&s), back(&c), back(&t)))
        .collect();
    let mut stored = stored;
    extracted.sort();
    stored.sort();
    prop_assert_eq!(extracted, stored);
    Ok(())
}

/// Issue 18's shape, in a text written for this test: a title line, paragraphs with
/// multi-byte characters, and a last sentence in the outlet's own voice that ends the text
/// exactly at a 256-byte boundary, with no line break after it.
const WHOLE_BLOCKS: &str = "Council Vote Shows Wide Gap Between Harbour Plans.\n\n\
Only days before the vote in Port Mere, a\u{a0}new survey of residents puts the eastern plan well ahead.\n\n\
The survey found that 61.5 percent back the eastern plan.\n\n\
The council’s clerk said the count would be published on Friday.\n\n\
Turnout among younger residents was higher than in any survey since the harbour first flooded, \
the report said. Older residents were split almost evenly between the two plans.\n\n\
The survey has a margin of error of 3 points each way.";

#[test]
fn text_ending_on_a_block_boundary_imports() {
    assert_eq!(
        WHOLE_BLOCKS.len(),
        512,
        "the regression needs a whole number of blocks"
    );
    assert!(
        WHOLE_BLOCKS.chars().count() < WHOLE_BLOCKS.len(),
        "and multi-byte characters"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("harbour.txt");
    std::fs::write(&file, WHOLE_BLOCKS).expect("write");
    let (text, stored) = import_one(dir.path(), &file);
    assert_eq!(text, WHOLE_BLOCKS);
    // The last sentence is an outlet assertion whose content ends where the text ends.
    let len = text.chars().count() as u64;
    let last = "The survey has a margin of error of 3 points each way.";
    let start = (text.chars().count() - last.chars().count()) as u64;
    assert!(
        stored.iter().any(|(_, _, c)| c == &vec![[start, len]]),
        "{stored:?}"
    );
    check(WHOLE_BLOCKS).expect("extract and import agree");
}

// ---- generated articles ----

const NAMES: &[&str] = &[
    "Anna Berg",
    "the mayor",
    "Mr. Okafor",
    "the union",
    "Lena Ruiz",
];
const CLAUSES: &[&str] = &[
    "the harbour would reopen in May",
    "taxes will rise next year",
    "the count was fair",
    "nobody had been warned",
    "the café’s owners were paid — in full",
];

fn sentence() -> impl Strategy<Value = String> {
    (0usize..9, 0..NAMES.len(), 0..CLAUSES.len()).prop_map(|(kind, n, c)| {
        let (n, c) = (NAMES[n], CLAUSES[c]);
        match kind {
            0 => format!("{} said {c}.", capital(n)),
            1 => format!("“{}” {n} said.", capital(c)),
            2 => format!("“{},” {n} told reporters, “and that is final.”", capital(c)),
            // A quote that opens and never closes.
            3 => format!("{} said: “{c}, and more", capital(n)),
            4 => format!("According to {n}, {c}."),
            5 => format!("The report shows that {c}."),
            6 => format!("It is believed that {c}."),
            7 => "Residents\u{a0}gathered outside the hall on Tuesday evening.".to_string(),
            _ => format!("“{}.", capital(c)),
        }
    })
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn paragraph() -> impl Strategy<Value = String> {
    (prop::collection::vec(sentence(), 1..4), any::<bool>()).prop_map(|(s, open_end)| {
        let mut p = s.join(" ");
        if open_end {
            // The paragraph ends inside a quote that goes on in the next one.
            p.push_str(" “We will see what happens next");
        }
        p
    })
}

fn title() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "Council Vote Shows Wide Gap Between Harbour Plans",
            "Mayor Denies Plan To Close The Harbour",
            "“We Will Not Back Down,” Union Says",
            "Harbour plan wins backing",
        ]),
        prop::sample::select(vec!["", ".", "!", "?"]),
    )
        .prop_map(|(t, p)| format!("{t}{p}"))
}

fn header() -> impl Strategy<Value = String> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(h, url, src, t)| {
        if !h {
            return String::new();
        }
        let mut out = String::new();
        if url {
            out.push_str("URL: https://example.org/news/harbour\n");
        }
        if src || !(url || t) {
            out.push_str("Source: The Portmere Ledger\n");
        }
        if t {
            out.push_str("Title: Harbour vote\n");
        }
        out.push('\n');
        out
    })
}

/// A whole file: header, leading blank lines, title line, paragraphs, trailing white space,
/// and, with `align`, the article text padded to a whole number of 256-byte blocks.
fn article() -> impl Strategy<Value = String> {
    (
        header(),
        prop::sample::select(vec!["", "\n", "\n\n"]),
        title(),
        prop::collection::vec(paragraph(), 1..5),
        prop::sample::select(vec!["\n", "\n\n"]),
        prop::sample::select(vec!["", "\n", "\n\n", "  ", " \n\t\n"]),
        any::<bool>(),
    )
        .prop_map(|(header, lead, title, paras, sep, trail, align)| {
            let mut body = format!("{title}\n\n{}", paras.join(sep));
            if align {
                // End on a sentence that reaches a block boundary exactly.
                let last = "The count ended";
                let used = body.len() + sep.len() + last.len() + 1 + trail.len();
                let pad = (256 - used % 256) % 256;
                let filler = match pad {
                    0 => String::new(),
                    1 => "s".to_string(),
                    n => format!(" {}", "z".repeat(n - 1)),
                };
                body = format!("{body}{sep}{last}{filler}.");
            }
            format!("{header}{lead}{body}{trail}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn stored_spans_are_inside_and_match_extract(file in article()) {
        check(&file)?;
    }
}
