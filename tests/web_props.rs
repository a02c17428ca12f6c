//! Properties of the pages' HTML helpers (`claims::web::html`): whatever the text, escaping
//! leaves no markup character and loses nothing; marking spans never changes the text shown;
//! URL encoding round-trips.

use claims::web::html::{decode_path, enc, esc, marked, query_pairs, Mark, Span};
use proptest::prelude::*;

/// The text a browser shows for escaped HTML without tags.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `html` with every tag removed (the helpers write tags only, never `<` in text).
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn text() -> impl Strategy<Value = String> {
    // Markup characters, quotes, direction controls, accents and astral characters, often.
    prop::collection::vec(
        prop_oneof![
            Just('<'),
            Just('>'),
            Just('&'),
            Just('"'),
            Just('\''),
            Just('\u{202E}'),
            Just('\u{200F}'),
            Just('é'),
            Just('😀'),
            Just(' '),
            Just('\n'),
            any::<char>(),
            prop::char::range('a', 'z'),
        ],
        0..60,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn esc_leaves_no_markup_and_loses_nothing(s in text()) {
        let e = esc(&s);
        prop_assert!(!e.contains(['<', '>', '"', '\'']));
        prop_assert_eq!(unescape(&e), s);
    }

    #[test]
    fn marked_shows_the_text_unchanged(
        s in text(),
        spans in prop::collection::vec((0usize..70, 0usize..70, 0u8..3, any::<bool>()), 0..6),
    ) {
        let spans: Vec<Span> = spans
            .into_iter()
            .map(|(a, b, m, link)| Span {
                start: a.min(b),
                end: a.max(b),
                mark: [Mark::Source, Mark::Cue, Mark::Content][m as usize],
                href: link.then(|| "/claims/\"x\"".to_string()),
            })
            .collect();
        let html = marked(&s, &spans);
        prop_assert_eq!(unescape(&strip_tags(&html)), s);
        // Tags open and close in pairs.
        for tag in ["mark", "a", "bdi"] {
            prop_assert_eq!(
                html.matches(&format!("<{tag}")).count(),
                html.matches(&format!("</{tag}>")).count()
            );
        }
    }

    #[test]
    fn url_encoding_round_trips(s in text()) {
        let e = enc(&s);
        prop_assert!(e.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        prop_assert_eq!(decode_path(&e), s.clone());
        prop_assert_eq!(query_pairs(&format!("a=1&k={e}")), vec![
            ("a".to_string(), "1".to_string()),
            ("k".to_string(), s),
        ]);
    }
}
