//! The sync protocol's messages and their framing, shared by the hub server, the HTTP client
//! and the database-file transport (which runs the same bytes through an in-process hub).
//!
//! Every message, request or reply, is one frame: a JSON header on the first line, then zero or
//! more object bodies, each the object's canonical JSON followed by `\n` (canonical JSON never
//! contains a raw newline). The header says how many bodies follow (`count`), so a cut-off frame
//! is detected. A few messages of protocol 3 (`coded`, `locate` with `bytes`) carry raw bytes
//! instead of bodies: exactly `bytes` of them follow the header line. `docs/sync.md` describes
//! every message for other implementations.

use crate::objects::ObjectId;
use serde::{Deserialize, Serialize};

/// The protocol version spoken here. A hub also answers clients of versions 1 (which
/// reconcile with `reconcile`) and 2 (`symbols` and `locate` in base64); a client falls back
/// to 2, then 1, with a hub that does not speak 3.
pub const PROTOCOL: u32 = 3;

/// The oldest protocol version a hub still answers.
pub const OLDEST_PROTOCOL: u32 = 1;

/// The HTTP path of the hub's single endpoint.
pub const PATH: &str = "/v1/sync";

/// A position in a replica's arrival order (its `objects.seq` and chain hash there).
pub use crate::store::Mark;

/// What a hub accepts; sent in the hello reply so clients size their batches to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest request body in bytes (HTTP 413 past it).
    pub max_request_bytes: u64,
    /// Largest single object body in bytes (HTTP 413 past it).
    pub max_object_bytes: u64,
    /// Most ids in one `ids`, `fetch` or `offer` message, and most ranges in one `reconcile`.
    pub max_items: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_request_bytes: 32 * 1024 * 1024,
            max_object_bytes: crate::objects::MAX_OBJECT_BYTES,
            max_items: 10_000,
        }
    }
}

/// A range of the id space: every id that starts with `prefix` (0 to 64 lower-case hex digits),
/// summarised by how many ids the sender holds there and a fingerprint of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub prefix: String,
    pub count: u64,
    /// First 16 bytes (32 hex digits) of sha256 over the raw 32-byte ids in ascending order.
    pub fp: String,
}

/// The hub's answer for one range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RangeReply {
    /// The hub holds exactly the same ids there.
    Same { prefix: String },
    /// Every id the hub holds in the range, with its seq there (for ordering a fetch).
    Ids {
        prefix: String,
        items: Vec<(i64, ObjectId)>,
    },
    /// The range differs and is large: the hub's summaries of its 16 sub-ranges.
    Split {
        prefix: String,
        children: Vec<Range>,
    },
}

/// A hub user as `users` lists it (never its token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub role: String,
    pub created_at: String,
    #[serde(default)]
    pub revoked_at: Option<String>,
}

/// A request, client to hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// Who are you, where is your head, and how far do you hold my objects?
    Hello { protocol: u32, replica: String },
    /// The ids the hub stored after its seq `after`, in seq order, at most `limit`. With
    /// `expect`, the hub first checks its chain hash at `after` and answers `valid: false` if
    /// it differs.
    Ids {
        after: i64,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_hex32")]
        expect: Option<[u8; 32]>,
        limit: u32,
    },
    /// The bodies of the objects the hub stored at these seqs, given as inclusive runs
    /// `[first, last]`, in seq order. The client knows their ids (from `ids` or `reconcile`)
    /// and checks every body against them.
    Fetch { runs: Vec<(i64, i64)> },
    /// Which of these does the hub lack?
    Offer { ids: Vec<ObjectId> },
    /// Store these `count` objects (bodies follow the header) in one transaction; then record
    /// `cursor` as how far the hub holds replica `replica`'s objects. With `more`, another push
    /// of this session follows: the hub holds back the objects of the last article the push
    /// starts (from its last document or version on), stores them with the next push of
    /// `replica`, and records no cursor for this one, so that an article larger than one push
    /// is still stored in one transaction.
    Push {
        replica: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cursor: Option<Mark>,
        count: u64,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        more: bool,
    },
    /// Compare these ranges of the id space, as the hub held it up to its seq `upto` (its
    /// head at hello: every round of one reconciliation sees the same snapshot). The ranges
    /// may not overlap.
    Reconcile {
        ranges: Vec<Range>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        upto: Option<i64>,
    },
    /// Protocol 2: the hub's coded symbols `[from, to)` of its set of ids as it held it up to
    /// its seq `upto` (rateless IBLT, [`super::riblt`]).
    Symbols {
        from: u64,
        to: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        upto: Option<i64>,
    },
    /// Protocol 3: the hub's coded symbols `[from, to)` as [`Request::Symbols`], sent raw
    /// ([`super::riblt::pack_narrow`]). With `probe` (base64 of this side's
    /// [`super::riblt::probe`]), the hub estimates the size of the difference and sends as
    /// many symbols as that calls for (at least `to - from`, at most its `max_items`).
    Coded {
        from: u64,
        to: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        upto: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        probe: Option<String>,
    },
    /// The hub's seqs of these ids: protocol 2 gives them in `ids` (raw 32-byte ids,
    /// concatenated, base64), protocol 3 as `bytes` raw bytes after the header.
    Locate {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ids: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bytes: Option<u64>,
    },
    /// The hub's users (an `admin` user's token only).
    Users {},
    /// Add a hub user; the reply carries its token, shown this once (`admin` only).
    UserAdd { name: String, role: String },
    /// Revoke a hub user's token (`admin` only).
    UserRevoke { name: String },
}

impl Request {
    pub fn op(&self) -> &'static str {
        match self {
            Request::Hello { .. } => "hello",
            Request::Ids { .. } => "ids",
            Request::Fetch { .. } => "fetch",
            Request::Offer { .. } => "offer",
            Request::Push { .. } => "push",
            Request::Reconcile { .. } => "reconcile",
            Request::Symbols { .. } => "symbols",
            Request::Coded { .. } => "coded",
            Request::Locate { .. } => "locate",
            Request::Users { .. } => "users",
            Request::UserAdd { .. } => "user_add",
            Request::UserRevoke { .. } => "user_revoke",
        }
    }

    /// How many bodies follow the header.
    pub fn count(&self) -> u64 {
        match self {
            Request::Push { count, .. } => *count,
            _ => 0,
        }
    }

    /// How many raw bytes follow the header instead of bodies, for the messages that carry
    /// them.
    pub fn raw_len(&self) -> Option<u64> {
        match self {
            Request::Locate { bytes, .. } => *bytes,
            _ => None,
        }
    }
}

mod opt_hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<[u8; 32]>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_str(&hex::encode(v)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<[u8; 32]>, D::Error> {
        let Some(s) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        let mut out = [0u8; 32];
        hex::decode_to_slice(&s, &mut out)
            .map_err(|_| serde::de::Error::custom("a chain hash is 64 hex digits"))?;
        Ok(Some(out))
    }
}

/// A reply, hub to client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Reply {
    Hello {
        protocol: u32,
        replica: String,
        /// The hub's newest seq and its chain hash there.
        head: Mark,
        /// How far the hub holds the client's objects (its cursor for the client's replica id).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        your_cursor: Option<Mark>,
        limits: Limits,
    },
    Ids {
        /// False when `expect` did not match the hub's chain (then `items` is empty).
        valid: bool,
        items: Vec<(i64, ObjectId)>,
        /// The mark at the last item (or at `after` when there are none).
        end: Mark,
        /// True when the hub holds more after `end`.
        more: bool,
    },
    /// `count` bodies follow, in seq order: one for each seq asked that holds an object.
    Fetch {
        count: u64,
    },
    /// Indexes into the offered list of the ids the hub lacks.
    Offer {
        want: Vec<u32>,
    },
    /// How many objects were new, and the hub's head just before and just after the write
    /// (taken inside its transaction).
    Push {
        stored: u64,
        before: Mark,
        after: Mark,
    },
    Reconcile {
        ranges: Vec<RangeReply>,
    },
    /// The symbols asked for, packed ([`super::riblt::pack`]).
    Symbols {
        symbols: String,
    },
    /// `bytes` raw bytes follow: the symbols `[from, to)`
    /// ([`super::riblt::pack_narrow`]); `want` is how many symbols in all the hub estimates
    /// are needed (at least `to`).
    Coded {
        from: u64,
        to: u64,
        want: u64,
        bytes: u64,
    },
    /// For each id asked, the hub's seq of it, 0 when the hub does not hold it.
    Locate {
        seqs: Vec<i64>,
    },
    Users {
        users: Vec<User>,
    },
    /// The new user's token, shown this once.
    UserAdd {
        token: String,
    },
    /// False when there was no such user still active.
    UserRevoke {
        revoked: bool,
    },
    /// Any failure; the HTTP status says which kind.
    Error {
        status: u16,
        error: String,
    },
}

impl Reply {
    pub fn count(&self) -> u64 {
        match self {
            Reply::Fetch { count, .. } => *count,
            _ => 0,
        }
    }

    /// How many raw bytes follow the header instead of bodies.
    pub fn raw_len(&self) -> Option<u64> {
        match self {
            Reply::Coded { bytes, .. } => Some(*bytes),
            _ => None,
        }
    }
}

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("the message has no header line")]
    NoHeader,
    #[error("the message header is not valid: {0}")]
    BadHeader(String),
    #[error("the message is cut off: the header announces {expected} objects, {found} arrived")]
    Truncated { expected: u64, found: u64 },
    #[error("the message has {0} bytes after its last object")]
    Trailing(usize),
    #[error("the message is cut off: the header announces {expected} bytes, {found} arrived")]
    ShortRaw { expected: u64, found: u64 },
    #[error("object {index} of the message is not UTF-8")]
    NotUtf8 { index: u64 },
    #[error("object {index} of the push is {len} bytes, more than this hub accepts ({max})")]
    TooLarge { index: u64, len: u64, max: u64 },
}

/// One frame: header plus bodies.
pub fn encode<T: Serialize>(header: &T, bodies: &[String]) -> Vec<u8> {
    let mut out = serde_json::to_vec(header).unwrap_or_else(|_| b"{}".to_vec());
    let extra: usize = bodies.iter().map(|b| b.len() + 1).sum();
    out.reserve(extra + 1);
    out.push(b'\n');
    for b in bodies {
        out.extend_from_slice(b.as_bytes());
        out.push(b'\n');
    }
    out
}

/// One frame: header plus raw bytes (for the messages that carry them).
pub fn encode_raw<T: Serialize>(header: &T, raw: &[u8]) -> Vec<u8> {
    let mut out = serde_json::to_vec(header).unwrap_or_else(|_| b"{}".to_vec());
    out.reserve(raw.len() + 1);
    out.push(b'\n');
    out.extend_from_slice(raw);
    out
}

/// The raw bytes after a header that announces `expected` of them: exactly that many.
pub fn raw_tail(rest: &[u8], expected: u64) -> Result<&[u8], WireError> {
    match (rest.len() as u64).cmp(&expected) {
        std::cmp::Ordering::Equal => Ok(rest),
        std::cmp::Ordering::Less => Err(WireError::ShortRaw {
            expected,
            found: rest.len() as u64,
        }),
        std::cmp::Ordering::Greater => Err(WireError::Trailing(rest.len() - expected as usize)),
    }
}

/// Decodes a reply frame that may carry raw bytes: the header and the raw bytes (none for a
/// reply without them, which must then have no bodies either).
pub fn decode_reply_raw(bytes: &[u8]) -> Result<(Reply, Vec<u8>), WireError> {
    let (header, rest) = decode_header::<Reply>(bytes)?;
    match header.raw_len() {
        Some(n) => {
            let raw = raw_tail(rest, n)?.to_vec();
            Ok((header, raw))
        }
        None => {
            decode_bodies(rest, header.count(), u64::MAX)?;
            Ok((header, Vec::new()))
        }
    }
}

/// Splits a frame into its header and its bodies; `count` reads the announced body count.
pub fn decode<T: for<'de> Deserialize<'de>>(
    bytes: &[u8],
    count: impl Fn(&T) -> u64,
) -> Result<(T, Vec<String>), WireError> {
    let (header, rest) = decode_header(bytes)?;
    let bodies = decode_bodies(rest, count(&header), u64::MAX)?;
    Ok((header, bodies.into_iter().map(str::to_string).collect()))
}

/// Reads only a frame's header line: nothing after it is looked at. Returns the header and
/// the bytes after it (the bodies, for [`decode_bodies`]).
pub fn decode_header<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<(T, &[u8]), WireError> {
    let nl = bytes
        .iter()
        .position(|&b| b == b'\n')
        .ok_or(WireError::NoHeader)?;
    let header: T =
        serde_json::from_slice(&bytes[..nl]).map_err(|e| WireError::BadHeader(e.to_string()))?;
    Ok((header, &bytes[nl + 1..]))
}

/// Splits the bytes after a header into exactly `expected` bodies, each checked against
/// `max_body` bytes as it is found, borrowed from `rest` (nothing is copied).
pub fn decode_bodies(rest: &[u8], expected: u64, max_body: u64) -> Result<Vec<&str>, WireError> {
    let mut rest = rest;
    // Every body takes at least its newline: never reserve more than the bytes can hold.
    let mut bodies = Vec::with_capacity(expected.min(rest.len() as u64) as usize);
    while (bodies.len() as u64) < expected {
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            return Err(WireError::Truncated {
                expected,
                found: bodies.len() as u64,
            });
        };
        if end as u64 > max_body {
            return Err(WireError::TooLarge {
                index: bodies.len() as u64,
                len: end as u64,
                max: max_body,
            });
        }
        let body = std::str::from_utf8(&rest[..end]).map_err(|_| WireError::NotUtf8 {
            index: bodies.len() as u64,
        })?;
        bodies.push(body);
        rest = &rest[end + 1..];
    }
    if !rest.is_empty() {
        return Err(WireError::Trailing(rest.len()));
    }
    Ok(bodies)
}

/// Decodes a request frame.
pub fn decode_request(bytes: &[u8]) -> Result<(Request, Vec<String>), WireError> {
    decode(bytes, Request::count)
}

/// Decodes a reply frame.
pub fn decode_reply(bytes: &[u8]) -> Result<(Reply, Vec<String>), WireError> {
    decode(bytes, Reply::count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_cut_frames_are_refused() {
        let req = Request::Push {
            replica: "r".into(),
            cursor: Some(Mark::EMPTY),
            count: 2,
            more: true,
        };
        let bodies = vec![
            "{\"type\":\"x\",\"v\":1}".to_string(),
            "{\"type\":\"y\",\"v\":1}".to_string(),
        ];
        let bytes = encode(&req, &bodies);
        assert_eq!(decode_request(&bytes), Ok((req, bodies)));
        assert_eq!(
            decode_request(&bytes[..bytes.len() - 1]),
            Err(WireError::Truncated {
                expected: 2,
                found: 1
            })
        );
        let mut long = bytes.clone();
        long.extend_from_slice(b"xx");
        assert_eq!(decode_request(&long), Err(WireError::Trailing(2)));
        assert_eq!(decode_request(b"{"), Err(WireError::NoHeader));
    }

    #[test]
    fn the_header_is_plain_json() {
        let bytes = encode(
            &Request::Ids {
                after: 7,
                expect: None,
                limit: 10,
            },
            &[],
        );
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            "{\"op\":\"ids\",\"after\":7,\"limit\":10}\n"
        );
    }
}
