//! Objects, their canonical encoding and their ids.
//!
//! Every fact in the ledger is an *object*: a JSON object with a string field `"type"` and an
//! integer field `"v"` (the version of that type's shape, starting at 1). Its id is the lower-case
//! hex SHA-256 of its canonical encoding, which is exactly:
//!
//! - UTF-8, no byte order mark, no white space outside strings;
//! - object keys sorted by Unicode code point (for UTF-8 this is byte order), no duplicate keys;
//! - numbers are integers only (no fraction, no exponent, no `-0`); times and decimals are strings;
//! - every string (keys too) is NFC-normalised before it is encoded;
//! - in strings, only `"` and `\` and the control characters U+0000..U+001F are escaped: `\b \f \n
//!   \r \t` by their short forms, the others as `\u00xx` with lower-case hex; `/`, U+007F and every
//!   other character stand as themselves.
//!
//! This equals RFC 8785 for these value types, and Python's
//! `json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` on NFC strings.
//! `docs/objects.md` is the written spec; `tests/golden.rs` pins known objects to known ids.
//!
//! This module depends on nothing else in the crate.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt;
use unicode_normalization::{is_nfc, UnicodeNormalization};

/// The largest object body, in bytes, that enters or leaves any database: import, the ledger,
/// bundles and the sync hub all use this one limit (a hub may be configured lower), so that
/// nothing imported here can be refused by a hub with default settings.
pub const MAX_OBJECT_BYTES: u64 = 16 * 1024 * 1024;

/// The id of an object: the SHA-256 of its canonical bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId([u8; 32]);

impl ObjectId {
    /// The id of some canonical bytes.
    pub fn of_bytes(canonical: &[u8]) -> ObjectId {
        ObjectId(Sha256::digest(canonical).into())
    }

    /// Parses a full 64-digit lower-case hex id.
    pub fn parse(s: &str) -> Result<ObjectId, ObjectError> {
        if s.len() != 64 || !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ObjectError::BadId(s.chars().take(80).collect()));
        }
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| ObjectError::BadId(s.to_string()))?;
        Ok(ObjectId(out))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// An id from its 32 raw bytes (as sent in binary on the sync wire).
    pub fn from_raw(bytes: [u8; 32]) -> ObjectId {
        ObjectId(bytes)
    }

    pub fn to_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for b in self.0 {
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
        out
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({})", self.to_hex())
    }
}

impl serde::Serialize for ObjectId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for ObjectId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ObjectId::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Why a value is not a valid object or not canonical.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectError {
    #[error("not an object id (64 lower-case hex digits): {0:?}")]
    BadId(String),
    #[error("an object must be a JSON object")]
    NotAnObject,
    #[error("an object needs a string field \"type\"")]
    NoType,
    #[error("an object needs an integer field \"v\" of at least 1")]
    NoVersion,
    #[error("numbers must be integers, found {0}")]
    Float(String),
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("two keys are equal after NFC normalisation: {0:?}")]
    DuplicateKey(String),
    #[error("body is not in canonical form")]
    NotCanonical,
    #[error("a {kind} object (v 1) does not have the shape of one: {problem}")]
    Shape { kind: String, problem: String },
}

/// An object with its canonical body and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub id: ObjectId,
    pub kind: String,
    /// The canonical JSON, exactly the bytes that were hashed.
    pub body: String,
}

impl Object {
    /// Encodes a JSON value canonically and hashes it.
    pub fn from_value(value: &Value) -> Result<Object, ObjectError> {
        let kind = check_envelope(value)?.to_string();
        let body = canonical_json(value)?;
        Ok(Object {
            id: ObjectId::of_bytes(body.as_bytes()),
            kind,
            body,
        })
    }

    /// Parses a body received from elsewhere and checks that it is canonical; the id is
    /// recomputed, never trusted.
    pub fn from_body(body: &str) -> Result<Object, ObjectError> {
        Ok(Object::from_body_with_value(body)?.0)
    }

    /// [`Object::from_body`], also returning the parsed value, so that a caller that needs the
    /// contents (to index them) does not parse the body a second time.
    pub fn from_body_with_value(body: &str) -> Result<(Object, Value), ObjectError> {
        let value: Value =
            serde_json::from_str(body).map_err(|e| ObjectError::Json(e.to_string()))?;
        let object = Object::from_value(&value)?;
        if object.body != body {
            return Err(ObjectError::NotCanonical);
        }
        Ok((object, value))
    }
}

fn check_envelope(value: &Value) -> Result<&str, ObjectError> {
    let map = value.as_object().ok_or(ObjectError::NotAnObject)?;
    let kind = map
        .get("type")
        .and_then(Value::as_str)
        .ok_or(ObjectError::NoType)?;
    match map.get("v").and_then(Value::as_u64) {
        Some(v) if v >= 1 => Ok(kind),
        _ => Err(ObjectError::NoVersion),
    }
}

/// The canonical JSON encoding of a value (see the module documentation).
pub fn canonical_json(value: &Value) -> Result<String, ObjectError> {
    let mut out = String::with_capacity(256);
    write_value(value, &mut out)?;
    Ok(out)
}

fn write_value(value: &Value, out: &mut String) -> Result<(), ObjectError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                return Err(ObjectError::Float(n.to_string()));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Keys are NFC-normalised first, then sorted by code point (= UTF-8 byte order).
            let mut entries: Vec<(std::borrow::Cow<'_, str>, &Value)> =
                map.iter().map(|(k, v)| (nfc(k), v)).collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            if let Some(w) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(ObjectError::DuplicateKey(w[0].0.to_string()));
            }
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_escaped(key, out);
                out.push(':');
                write_value(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    if is_nfc(s) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.nfc().collect())
    }
}

fn write_string(s: &str, out: &mut String) {
    write_escaped(&nfc(s), out);
}

fn write_escaped(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Normalises a string to NFC (what the encoding does to every string).
pub fn to_nfc(s: &str) -> String {
    nfc(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_only_what_the_rule_says() {
        let v = json!({"type": "t", "v": 1, "s": "a/b \"q\" \\ \u{7f} é \u{1} \u{1f} \n\t\r\u{8}\u{c}"});
        assert_eq!(
            canonical_json(&v).expect("canonical"),
            "{\"s\":\"a/b \\\"q\\\" \\\\ \u{7f} é \\u0001 \\u001f \\n\\t\\r\\b\\f\",\"type\":\"t\",\"v\":1}"
        );
    }

    #[test]
    fn sorts_keys_by_code_point_and_normalises() {
        // "e\u{301}" is "é" decomposed; NFC composes it to U+00E9.
        let v = json!({"z": 1, "é": 2, "a": [3, -4], "B": null, "e\u{301}x": "e\u{301}"});
        assert_eq!(
            canonical_json(&v).expect("canonical"),
            "{\"B\":null,\"a\":[3,-4],\"z\":1,\"é\":2,\"éx\":\"é\"}"
        );
    }

    #[test]
    fn keys_equal_after_nfc_are_refused() {
        let v = json!({"type": "t", "v": 1, "e\u{301}": 1, "\u{e9}": 2});
        assert_eq!(
            Object::from_value(&v),
            Err(ObjectError::DuplicateKey("\u{e9}".into()))
        );
    }

    #[test]
    fn floats_are_refused() {
        let v = json!({"type": "t", "v": 1, "x": 1.5});
        assert_eq!(
            Object::from_value(&v),
            Err(ObjectError::Float("1.5".into()))
        );
    }

    #[test]
    fn envelope_is_required() {
        assert_eq!(
            Object::from_value(&json!([1])),
            Err(ObjectError::NotAnObject)
        );
        assert_eq!(
            Object::from_value(&json!({"v": 1})),
            Err(ObjectError::NoType)
        );
        assert_eq!(
            Object::from_value(&json!({"type": "x", "v": 0})),
            Err(ObjectError::NoVersion)
        );
    }

    #[test]
    fn from_body_refuses_non_canonical_bodies() {
        assert_eq!(
            Object::from_body("{\"v\":1,\"type\":\"x\"}"),
            Err(ObjectError::NotCanonical)
        );
        let ok = Object::from_body("{\"type\":\"x\",\"v\":1}").expect("canonical");
        assert_eq!(ok.kind, "x");
    }

    #[test]
    fn id_round_trips_through_hex() {
        let id = ObjectId::of_bytes(b"abc");
        assert_eq!(
            id.to_hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(ObjectId::parse(&id.to_hex()), Ok(id));
        assert!(ObjectId::parse("BA7816").is_err());
    }
}
