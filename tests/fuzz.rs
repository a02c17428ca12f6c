//! Fuzzing with proptest (issue 17): the bundle decoder, the wire decoder and the HTML
//! ingester get arbitrary and mutated bytes. None may panic, and a refused input stores
//! nothing. Case counts are fixed so that the whole file runs in a few seconds in CI.

use claims::ledger::Ledger;
use claims::model::Received;
use claims::objects::Object;
use claims::store::Store;
use claims::sync::{bundle, wire};
use proptest::prelude::*;
use serde_json::json;
use std::path::Path;

/// A small valid bundle: a few objects of known and unknown types.
fn good_bundle() -> Vec<u8> {
    use sha2::Digest;
    use std::io::Write;
    let objects = [
        json!({"type": "document", "v": 1, "key": "k", "key_kind": "key"}),
        json!({"type": "x-note", "v": 1, "text": "a note"}),
        json!({"type": "x-note", "v": 1, "text": "another note"}),
    ];
    let mut payload = Vec::new();
    for v in &objects {
        payload.extend_from_slice(Object::from_value(v).expect("object").body.as_bytes());
        payload.push(b'\n');
    }
    let mut out = Vec::new();
    out.extend_from_slice(b"CLMSBNDL");
    out.extend_from_slice(&1u32.to_be_bytes());
    out.extend_from_slice(&(objects.len() as u64).to_be_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    out.extend_from_slice(&sha2::Sha256::digest(&payload));
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&payload).expect("deflate");
    out.extend_from_slice(&enc.finish().expect("finish"));
    let trailer = sha2::Sha256::digest(&out);
    out.extend_from_slice(&trailer);
    out
}

/// A mutation of some bytes: flip, overwrite, insert, cut.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Set(usize, u8),
    Insert(usize, Vec<u8>),
    Cut(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (
            any::<usize>(),
            proptest::collection::vec(any::<u8>(), 1..16)
        )
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..32).prop_map(|(i, n)| Mutation::Cut(i, n)),
    ]
}

fn mutate(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    match m {
        Mutation::Flip(i, b) => {
            let i = i % bytes.len();
            bytes[i] ^= b;
        }
        Mutation::Set(i, b) => {
            let i = i % bytes.len();
            bytes[i] = *b;
        }
        Mutation::Insert(i, b) => {
            let i = i % (bytes.len() + 1);
            bytes.splice(i..i, b.iter().copied());
        }
        Mutation::Cut(i, n) => {
            let i = i % bytes.len();
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
    }
}

fn object_count(store: &Store) -> i64 {
    rusqlite::Connection::open(store.path())
        .expect("open")
        .query_row("SELECT count(*) FROM objects", [], |r| r.get(0))
        .expect("count")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Arbitrary bytes, with or without the magic in front: refused, never a panic.
    #[test]
    fn the_bundle_decoder_refuses_arbitrary_bytes(
        magic in any::<bool>(),
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut input = if magic { b"CLMSBNDL\0\0\0\x01".to_vec() } else { vec![] };
        input.extend_from_slice(&bytes);
        prop_assert!(bundle::parse(Path::new("f.bundle"), &input).is_err());
    }

    /// A valid bundle with mutations: either still the same objects (a mutation that changed
    /// nothing) or refused; never a panic.
    #[test]
    fn the_bundle_decoder_survives_mutations(
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let good = good_bundle();
        let expected = bundle::parse(Path::new("f.bundle"), &good).expect("the good bundle");
        let mut bytes = good.clone();
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        match bundle::parse(Path::new("f.bundle"), &bytes) {
            Ok(objects) => {
                prop_assert_eq!(&bytes, &good);
                prop_assert_eq!(objects, expected);
            }
            Err(e) => prop_assert!(e.to_string().starts_with("f.bundle: "), "{}", e),
        }
    }

    /// Arbitrary frames: the wire decoder answers, never panics, and every body it returns is
    /// one whole line of the frame.
    #[test]
    fn the_wire_decoder_survives_arbitrary_frames(
        header in prop_oneof![
            Just("{\"op\":\"push\",\"replica\":\"r\",\"count\":2}".to_string()),
            Just("{\"op\":\"fetch\",\"count\":1}".to_string()),
            Just("{\"op\":\"hello\",\"protocol\":1,\"replica\":\"r\"}".to_string()),
            "[ -~]{0,60}",
        ],
        tail in proptest::collection::vec(any::<u8>(), 0..200),
        max_body in 0u64..64,
    ) {
        let mut frame = header.into_bytes();
        frame.push(b'\n');
        frame.extend_from_slice(&tail);
        let _ = wire::decode_request(&frame);
        let _ = wire::decode_reply(&frame);
        if let Ok((request, rest)) = wire::decode_header::<wire::Request>(&frame) {
            if let Ok(bodies) = wire::decode_bodies(rest, request.count(), max_body) {
                prop_assert_eq!(bodies.len() as u64, request.count());
                for body in bodies {
                    prop_assert!(body.len() as u64 <= max_body && !body.contains('\n'));
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// A mutated bundle applied to a database: applied whole, or refused with the database
    /// unchanged.
    #[test]
    fn a_mutated_bundle_is_applied_whole_or_not_at_all(
        mutations in proptest::collection::vec(mutation(), 1..3),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f.bundle");
        let mut bytes = good_bundle();
        for m in &mutations {
            mutate(&mut bytes, m);
        }
        std::fs::write(&path, &bytes).expect("write");
        let mut store = Store::open(&dir.path().join("d.db")).expect("open");
        match bundle::apply(&mut store, &path, false) {
            Ok((applied, _)) => prop_assert_eq!(object_count(&store), applied.new as i64),
            Err(_) => prop_assert_eq!(object_count(&store), 0),
        }
    }

    /// Pushed frames of mutated objects: the hub answers with a status, never a panic, and
    /// stores only objects that re-hash and have their type's shape.
    #[test]
    fn the_hub_stores_nothing_it_refuses(
        mutations in proptest::collection::vec(mutation(), 1..3),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("h.db");
        let store = Store::open(&path).expect("open");
        let mut hub = claims::sync::hub::Hub::new(store, wire::Limits::default()).expect("hub");
        let body = Object::from_value(&json!({"type": "document", "v": 1, "key": "k", "key_kind": "key"}))
            .expect("object")
            .body;
        let mut frame = b"{\"op\":\"push\",\"replica\":\"r\",\"count\":1}\n".to_vec();
        frame.extend_from_slice(body.as_bytes());
        frame.push(b'\n');
        for m in &mutations {
            mutate(&mut frame, m);
        }
        let answer = hub.handle(&frame, true, "fuzz");
        drop(hub);
        let stored = object_count(&Store::open(&path).expect("open"));
        if answer.status == 200 {
            prop_assert!(stored <= 1);
        } else {
            prop_assert!([400, 404, 413, 422].contains(&answer.status), "{}", answer.status);
            prop_assert_eq!(stored, 0);
        }
    }
}

/// Tag soup: nested and unclosed elements, attributes, entities, comments, scripts.
fn html() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<article>".to_string()),
        Just("</article>".to_string()),
        Just("<main>".to_string()),
        Just("<div class=\"a\">".to_string()),
        Just("</div>".to_string()),
        Just("<p>".to_string()),
        Just("</p>".to_string()),
        Just("<script>var x = '</p>';</script>".to_string()),
        Just("<!-- comment -->".to_string()),
        Just("<h1>Title</h1>".to_string()),
        Just("<meta property=\"og:title\" content=\"T\">".to_string()),
        Just("&amp;&lt;&#x1F600;&bogus;".to_string()),
        Just("The minister said that the port will reopen. ".to_string()),
        Just("<".to_string()),
        Just(">".to_string()),
        "[ -~]{0,20}",
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// The HTML ingester never panics on tag soup, and whatever article it gives stores
    /// through the ledger like any import.
    #[test]
    fn the_html_ingester_survives_tag_soup(page in html(), deep in 0usize..3000) {
        let mut page = page;
        page.push_str(&"<div>".repeat(deep));
        page.push_str("<p>The mayor said the bridge is safe.</p>");
        let _ = claims::ingest::parse_as(claims::ingest::Format::Html, Path::new("f.html"), page.as_bytes());
    }
}

#[test]
fn an_ingested_tag_soup_article_stores_and_verifies() {
    let page = "<article><main><div><p>The mayor said the bridge is safe.</p></div></main>";
    let articles = claims::ingest::parse_as(
        claims::ingest::Format::Html,
        Path::new("f.html"),
        page.as_bytes(),
    )
    .expect("an article");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("d.db")).expect("open");
    let extractor = claims::extract::Extractor::new().expect("extractor");
    let mut ledger = Ledger::begin(&mut store).expect("ledger");
    for article in articles {
        let planned = claims::model::plan_article_owned(article, &extractor).expect("planned");
        for typed in planned.into_objects().expect("objects") {
            ledger.put(Received::from(typed)).expect("stored");
        }
    }
    ledger.commit().expect("commit");
    let report = claims::store::verify::verify(&store).expect("verify");
    assert!(report.ok(), "{:?}", report.problems);
}
