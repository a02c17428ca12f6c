//! Property tests of the canonical encoding: ids are a function of content alone.

use claims::objects::{canonical_json, Object};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| Value::Number(i.into())),
        any::<String>().prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn object() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(("[a-z_]{1,8}", value()), 0..6),
        "[a-z]{1,10}",
        1u32..5,
    )
        .prop_map(|(fields, kind, v)| {
            let mut map: Map<String, Value> = fields.into_iter().collect();
            map.insert("type".into(), Value::String(kind));
            map.insert("v".into(), Value::Number(v.into()));
            Value::Object(map)
        })
}

proptest! {
    /// Encoding is a fixed point: decoding the canonical bytes and encoding again gives the
    /// same bytes, hence the same id.
    #[test]
    fn canonical_is_a_fixed_point(v in object()) {
        let o = Object::from_value(&v).expect("encodes");
        let again = Object::from_body(&o.body).expect("canonical body parses back");
        prop_assert_eq!(&again.body, &o.body);
        prop_assert_eq!(again.id, o.id);
    }

    /// Key order of the input never changes the id.
    #[test]
    fn key_order_does_not_matter(v in object()) {
        let Value::Object(map) = &v else { unreachable!() };
        let reversed: Map<String, Value> =
            map.iter().rev().map(|(k, v)| (k.clone(), v.clone())).collect();
        prop_assert_eq!(
            canonical_json(&v).expect("encodes"),
            canonical_json(&Value::Object(reversed)).expect("encodes")
        );
    }

    /// Canonical bodies contain no raw control characters and no white space between tokens.
    #[test]
    fn bodies_have_no_raw_control_characters(v in object()) {
        let body = canonical_json(&v).expect("encodes");
        prop_assert!(!body.chars().any(|c| (c as u32) < 0x20));
        prop_assert!(serde_json::from_str::<Value>(&body).is_ok());
    }
}
