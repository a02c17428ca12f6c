//! Property tests: extraction never panics, returns well-formed spans and runs in linear time,
//! whatever the input (random Unicode, huge sentences, unbalanced quotes).

use claims::extract::{CharIndex, Extraction, Extractor};
use proptest::prelude::*;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn extractor() -> &'static Extractor {
    static EX: OnceLock<Extractor> = OnceLock::new();
    EX.get_or_init(|| Extractor::new().expect("embedded lexicon"))
}

/// Every span lies inside the text, on char boundaries, non-empty and ordered; content is never
/// empty; sentences are in text order and do not overlap.
fn check(text: &str, out: &Extraction) {
    let ok = |r: &std::ops::Range<usize>| {
        r.start < r.end
            && r.end <= text.len()
            && text.is_char_boundary(r.start)
            && text.is_char_boundary(r.end)
    };
    let mut prev_end = 0;
    for s in &out.sentences {
        assert!(ok(s), "bad sentence span {s:?}");
        assert!(s.start >= prev_end, "sentences overlap or go backwards");
        prev_end = s.end;
    }
    for a in &out.claims {
        assert!(!a.content.is_empty(), "empty content");
        for r in a.source.iter().chain(&a.cue).chain(&a.content) {
            assert!(ok(r), "bad span {r:?} in {a:?}");
        }
        assert!(ok(&a.sentence), "bad sentence {:?}", a.sentence);
    }
    let starts: Vec<usize> = out
        .claims
        .iter()
        .map(|a| a.content.first().map_or(0, |r| r.start))
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "claims out of order"
    );
}

/// Pieces that exercise the rules: cues, quotes of every kind, abbreviations, newlines.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("said".to_string()),
        Just("told".to_string()),
        Just("according to".to_string()),
        Just("it is believed that".to_string()),
        Just("aired footage".to_string()),
        Just("in the video shared by".to_string()),
        Just("its".to_string()),
        Just("he".to_string()),
        Just("Mr.".to_string()),
        Just("U.S.".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("\"".to_string()),
        Just("''".to_string()),
        Just("'".to_string()),
        Just("’s".to_string()),
        Just(",".to_string()),
        Just(".".to_string()),
        Just(":".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\u{FEFF}".to_string()),
        "[A-Z][a-z]{0,8}",
        "[a-z]{1,10}",
        "[0-9]{1,4}([.,][0-9]{1,3})?",
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn texts() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..120).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_unicode_never_panics(text in any::<String>()) {
        let out = extractor().extract(&text);
        check(&text, &out);
    }

    #[test]
    fn cue_soup_is_well_formed(text in texts()) {
        let out = extractor().extract(&text);
        check(&text, &out);
        // Code point offsets agree with a plain count.
        let ci = CharIndex::new(&text);
        for a in &out.claims {
            for r in &a.content {
                prop_assert_eq!(ci.chars_at(r.start), text[..r.start].chars().count());
            }
        }
    }

    #[test]
    fn unbalanced_quotes(n in 1usize..400, open in prop::bool::ANY) {
        let q = if open { "“" } else { "”" };
        let text = format!("{}He said {} it was fine, Smith said.", q.repeat(n), "\"".repeat(n));
        let out = extractor().extract(&text);
        check(&text, &out);
    }
}

/// A huge sentence without a full stop, and a huge line of quotes and cues, run in time
/// linear in their length: 1 MB each well under a couple of seconds even in debug builds.
#[test]
fn huge_inputs_bounded_time() {
    let one_sentence = "Officials said that the plan, the mayor said, would work ".repeat(20_000);
    let quotes = "“He said, ” said “ Smith ” told ".repeat(30_000);
    let words = "a ".repeat(500_000);
    for text in [one_sentence, quotes, words] {
        let t = Instant::now();
        let out = extractor().extract(&text);
        check(&text, &out);
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "took {:?} on {} bytes",
            t.elapsed(),
            text.len()
        );
    }
}
