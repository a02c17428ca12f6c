//! Golden vectors: known objects pinned to known ids. Changing any of these ids is a breaking
//! change of the canonical encoding (docs/objects.md). The expected values were computed
//! independently with Python's `json.dumps(obj, sort_keys=True, separators=(",", ":"),
//! ensure_ascii=False)` on NFC-normalised strings, as docs/objects.md describes.

use claims::model::{Body, Claim, Document, KeyKind, Mention, Version};
use claims::objects::{Object, ObjectId};
use serde_json::json;

fn id(hex: &str) -> ObjectId {
    ObjectId::parse(hex).expect("valid id")
}

const DOC_ID: &str = "55b7f45ad6cfc7bd3a2de1572b9bd5bf28ea7d9b5b0f28ac9cea6959159941da";
const VERSION_ID: &str = "3d563a777cd7e7633538141d72d4af49f5b5f4a6189a495e049d49a73733c68c";
const CLAIM_ID: &str = "b6fc855965587ecd0ac601159fb5b5df519ad9da8a619979e78d8832fca9bdea";
const MENTION_ID: &str = "b7286f8b9f7eac06e772e4e5a1cc3eb7ee6439f1fce30b5b2ae53c608a38570c";

#[test]
fn document() {
    let o = Body::Document(Document {
        v: 1,
        key: "https://example.org/news/avdiivka".into(),
        key_kind: KeyKind::Url,
    })
    .to_object()
    .expect("object");
    assert_eq!(
        o.body,
        r#"{"key":"https://example.org/news/avdiivka","key_kind":"url","type":"document","v":1}"#
    );
    assert_eq!(o.id.to_hex(), DOC_ID);
}

#[test]
fn version() {
    let o = Body::Version(Version {
        v: 1,
        document: id(DOC_ID),
        text: "Russia confirms it has taken control of the city.\nUkraine\u{2019}s military said nothing."
            .into(),
        title: Some("Avdiivka falls".into()),
        byline: None,
        source: Some("Example News".into()),
        published: Some("2024-02-19".into()),
        modified: None,
    })
    .to_object()
    .expect("object");
    assert_eq!(
        o.body,
        format!(
            "{{\"document\":\"{DOC_ID}\",\"published\":\"2024-02-19\",\"source\":\"Example News\",\
             \"text\":\"Russia confirms it has taken control of the city.\\nUkraine\u{2019}s military \
             said nothing.\",\"title\":\"Avdiivka falls\",\"type\":\"version\",\"v\":1}}"
        )
    );
    assert_eq!(o.id.to_hex(), VERSION_ID);
}

#[test]
fn claim() {
    let o = Body::Claim(Claim {
        v: 1,
        speaker: "Russia".into(),
        cue: "confirm".into(),
        stance: "affirming".into(),
        hedges: vec![],
        content: "it has taken control of the city".into(),
    })
    .to_object()
    .expect("object");
    assert_eq!(
        o.body,
        r#"{"content":"it has taken control of the city","cue":"confirm","hedges":[],"speaker":"Russia","stance":"affirming","type":"claim","v":1}"#
    );
    assert_eq!(o.id.to_hex(), CLAIM_ID);
}

#[test]
fn mention() {
    let o = Body::Mention(Mention {
        v: 1,
        claim: id(CLAIM_ID),
        version: id(VERSION_ID),
        sentence: "Russia confirms it has taken control of the city.".into(),
        source: vec![[0, 6]],
        cue: vec![[7, 15]],
        content: vec![[16, 49]],
        direct: false,
        extractor: "claims-rules".into(),
        extractor_version: "0.1.0".into(),
    })
    .to_object()
    .expect("object");
    assert_eq!(o.id.to_hex(), MENTION_ID);
}

#[test]
fn odd_values_of_an_unknown_type() {
    let v = json!({
        "type": "x-test", "v": 2,
        "nfd": "Cafe\u{301}",
        "ctrl": "a\u{0}b\u{1f}c\u{7f}d\u{8}\u{c}\n\r\t",
        "slash": "a/b\\c\"d",
        "emoji": "\u{1f980}",
        "big": 9007199254740993u64,
        "neg": -5,
        "null": null,
        "t": true,
        "nested": {"b": [1, {"z": "", "a": []}], "a": {}}
    });
    let o = Object::from_value(&v).expect("object");
    assert_eq!(
        o.body,
        "{\"big\":9007199254740993,\"ctrl\":\"a\\u0000b\\u001fc\u{7f}d\\b\\f\\n\\r\\t\",\
         \"emoji\":\"\u{1f980}\",\"neg\":-5,\"nested\":{\"a\":{},\"b\":[1,{\"a\":[],\"z\":\"\"}]},\
         \"nfd\":\"Caf\u{e9}\",\"null\":null,\"slash\":\"a/b\\\\c\\\"d\",\"t\":true,\
         \"type\":\"x-test\",\"v\":2}"
    );
    assert_eq!(
        o.id.to_hex(),
        "09053dec4f880615bc6bff3b0904685a96993828136c40f287f549a91187ecd2"
    );
    assert_eq!(o.kind, "x-test");
}
