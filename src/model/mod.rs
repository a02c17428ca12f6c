//! The typed objects of the ledger, and ([`plan`]) how an article becomes objects.
//!
//! Each type here serialises to a JSON object with `"type"` and `"v"`; [`Body::to_object`]
//! encodes it canonically and hashes it (see [`crate::objects`]). Absent optional fields are
//! left out of the JSON, never written as `null`, so adding an optional field later does not
//! change the ids of objects that do not use it. Field names are part of what is hashed and
//! never change: `Version::source` is the outlet and `Mention::source` the speaker's spans.
//!
//! Pure: no I/O.

pub mod claimreview;
pub mod entity;
pub mod plan;
pub mod review;

pub use plan::{plan_article, plan_article_owned, Overrides, Planned};
pub use review::{Rating, Retracted, Retraction, Review, Verdict};

use crate::objects::{Object, ObjectError, ObjectId};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Speaker of outlet assertions when the article names neither outlet nor byline.
pub const UNKNOWN_OUTLET: &str = "(unknown outlet)";
/// Speaker of sourceless attributions ("it is believed that ...").
pub const UNATTRIBUTED: &str = "(unattributed)";

/// How a document's lineage key was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// The article's URL.
    Url,
    /// A key given by the user (`--key`) or the file (`key:`).
    Key,
    /// Outlet and title, when there is neither URL nor key.
    Title,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Url => "url",
            KeyKind::Key => "key",
            KeyKind::Title => "title",
        }
    }
}

/// The identity of an article across its versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub v: u32,
    pub key: String,
    pub key_kind: KeyKind,
}

/// One text of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub v: u32,
    pub document: ObjectId,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    /// The outlet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

/// What is claimed and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Claim {
    pub v: u32,
    /// The resolved, normalised speaker.
    pub speaker: String,
    /// The cue lemma ("say", "confirm", "according to"); empty for an outlet's own assertion.
    pub cue: String,
    /// The cue's stance class (`neutral`, `affirming`, ... `asserting`).
    pub stance: String,
    /// Hedge words inside the content, lower case.
    pub hedges: Vec<String>,
    /// The normalised content.
    pub content: String,
}

/// A `[start, end)` span in Unicode code points of a version's text.
pub type Span = [u64; 2];

/// Where a claim appears in a version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub v: u32,
    pub claim: ObjectId,
    pub version: ObjectId,
    /// The sentence as written.
    pub sentence: String,
    pub source: Vec<Span>,
    pub cue: Vec<Span>,
    pub content: Vec<Span>,
    /// True for a quoted (direct) speech.
    pub direct: bool,
    pub extractor: String,
    pub extractor_version: String,
}

/// A user's statement that a speaker name `alias` is the entity `canonical` (`claims alias
/// add`). Speaker entities group claims by it; the claims themselves are not rewritten.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub v: u32,
    pub alias: String,
    pub canonical: String,
    /// Who recorded it (absent in aliases recorded without an author, and before schema 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// When it was recorded (RFC 3339 UTC; absent before schema 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// How one claim stands to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RelationKind {
    /// `to` is `from` as edited in a later version of the same document.
    Updates,
    /// The same content from another speaker.
    Corroborates,
    /// The two cannot both hold.
    Conflicts,
    /// A person judged that the two have nothing to do with each other.
    Unrelated,
}

impl RelationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Updates => "updates",
            RelationKind::Corroborates => "corroborates",
            RelationKind::Conflicts => "conflicts",
            RelationKind::Unrelated => "unrelated",
        }
    }

    /// Whether `from` and `to` can be swapped without changing the meaning.
    pub fn symmetric(self) -> bool {
        !matches!(self, RelationKind::Updates)
    }
}

/// The `basis` of a relation recorded by a person.
pub const MANUAL: &str = "manual";

/// A relation between two claims: found by a rule on import (`basis` is the rule's name and
/// version, `"negation/1"`) or recorded by a person (`basis` is `"manual"`). Automatic
/// relations carry no time and no place, so every replica that sees the same two claims
/// writes the same object; for symmetric kinds `from` is the smaller id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub v: u32,
    pub from: ObjectId,
    pub to: ObjectId,
    pub kind: RelationKind,
    pub basis: String,
    /// Why: the rule's reason ("direction: further west vs further east") or a person's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When a person recorded it (RFC 3339 UTC): of two judgements on one pair, the later is
    /// in force. Absent in relations written before schema 0004.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Who recorded it (`--author`); absent when no author was known, and before schema 6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// A stored claim with its id: how lists, diffs and relations show a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimRef {
    pub id: ObjectId,
    pub speaker: String,
    pub cue: String,
    pub stance: String,
    pub hedges: Vec<String>,
    pub content: String,
}

impl ClaimRef {
    pub fn new(id: ObjectId, claim: &Claim) -> ClaimRef {
        ClaimRef {
            id,
            speaker: claim.speaker.clone(),
            cue: claim.cue.clone(),
            stance: claim.stance.clone(),
            hedges: claim.hedges.clone(),
            content: claim.content.clone(),
        }
    }
}

/// The types this release knows (at version 1): every object of one of these types and
/// version 1 must have its shape.
pub const KNOWN_TYPES: &[&str] = &[
    "document",
    "version",
    "claim",
    "mention",
    "relation",
    "alias",
    "review",
    "retraction",
];

/// Any object this release knows how to index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Body {
    Document(Document),
    Version(Version),
    Claim(Claim),
    Mention(Mention),
    Relation(Relation),
    Alias(Alias),
    Review(Box<Review>),
    Retraction(Retraction),
}

impl Body {
    /// Encodes and hashes the object.
    pub fn to_object(&self) -> Result<Object, ObjectError> {
        let value = serde_json::to_value(self).map_err(|e| ObjectError::Json(e.to_string()))?;
        Object::from_value(&value)
    }

    /// Reads an object of a known type and version; `None` for types or versions this release
    /// does not know (they are stored and passed on, but not indexed).
    pub fn from_object(object: &Object) -> Option<Body> {
        let value: Value = serde_json::from_str(&object.body).ok()?;
        Body::from_value(value)
    }

    /// [`Body::from_object`] for an object's already parsed JSON value.
    pub fn from_value(value: Value) -> Option<Body> {
        Body::check_value(value).ok().flatten()
    }

    /// Reads an object's parsed JSON value against the shape of its type: `Ok(None)` for a
    /// type this release does not know, or a known type at a version it does not know (stored
    /// and passed on, not indexed, within the ledger's limits for such objects); an error for
    /// a known type and version that does not have that type's shape (a field missing or of
    /// the wrong kind, an unknown relation kind, an id that is not 64 hex digits).
    pub fn check_value(value: Value) -> Result<Option<Body>, ObjectError> {
        let kind = match value.get("type").and_then(Value::as_str) {
            Some(kind) if KNOWN_TYPES.contains(&kind) => kind.to_string(),
            _ => return Ok(None),
        };
        if value.get("v").and_then(Value::as_u64) != Some(1) {
            return Ok(None);
        }
        let body: Body = serde_json::from_value(value).map_err(|e| ObjectError::Shape {
            kind: kind.clone(),
            problem: e.to_string(),
        })?;
        if let Body::Review(r) = &body {
            if let Some(problem) = r.problem() {
                return Err(ObjectError::Shape {
                    kind,
                    problem: problem.to_string(),
                });
            }
        }
        Ok(Some(body))
    }

    /// The ids this object refers to and needs stored, for `verify`. A review's claim and a
    /// retraction's target are not among them: a review states its claim and stands alone (one
    /// imported from another database's export may name a claim not stored here), and a
    /// retraction may arrive before what it withdraws; see [`Body::names`].
    pub fn references(&self) -> Vec<ObjectId> {
        match self {
            Body::Document(_)
            | Body::Claim(_)
            | Body::Alias(_)
            | Body::Review(_)
            | Body::Retraction(_) => vec![],
            Body::Version(v) => vec![v.document],
            Body::Mention(m) => vec![m.claim, m.version],
            Body::Relation(r) => vec![r.from, r.to],
        }
    }

    /// Every id this object names: its [`Body::references`], a review's claim and a
    /// retraction's target (what the block list follows).
    pub fn names(&self) -> Vec<ObjectId> {
        match self {
            Body::Review(r) => r.claim.into_iter().collect(),
            Body::Retraction(r) => vec![r.target],
            other => other.references(),
        }
    }
}

/// Chooses a document's lineage key: the URL if given, else the key, else the outlet and the
/// title joined by a line feed (the title alone when there is no outlet).
pub fn lineage(
    url: Option<&str>,
    key: Option<&str>,
    source: Option<&str>,
    title: Option<&str>,
) -> Document {
    let clean = |s: Option<&str>| {
        s.map(collapse_space)
            .filter(|s| !s.is_empty())
            .map(|s| crate::objects::to_nfc(&s))
    };
    let (key, key_kind) = if let Some(url) = clean(url) {
        (normalize_url(&url), KeyKind::Url)
    } else if let Some(key) = clean(key) {
        (key, KeyKind::Key)
    } else {
        let title = clean(title).unwrap_or_default();
        let key = match clean(source) {
            Some(source) => format!("{source}\n{title}"),
            None => title,
        };
        (key, KeyKind::Title)
    };
    Document {
        v: 1,
        key,
        key_kind,
    }
}

/// Drops a URL's fragment and a trailing slash after the path, and lower-cases scheme and host.
pub fn normalize_url(url: &str) -> String {
    let url = url.split('#').next().unwrap_or(url);
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => return url.to_string(),
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut out = format!("{scheme}://{}{path}", host.to_ascii_lowercase());
    if out.ends_with('/') && !path.is_empty() && path != "/" {
        out.pop();
    }
    if path == "/" {
        out.pop();
    }
    out
}

/// Collapses runs of white space to one space and trims.
pub fn collapse_space(s: &str) -> String {
    if is_collapsed(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether [`collapse_space`] leaves `s` as it is, read on its bytes (most texts): ASCII
/// (no other white space), single spaces as the only white space, none at either end.
fn is_collapsed(s: &str) -> bool {
    let b = s.as_bytes();
    b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && b.iter()
            .all(|&c| c.is_ascii() && !matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))
        && !b.windows(2).any(|w| w == b"  ")
}

/// Normalises claim content so that typographic noise does not make two claims differ:
/// curly quotes and apostrophes become straight, dashes become `-`, white space is collapsed,
/// a leading complementiser "that" and trailing `. , ; :` are dropped. Case is kept.
pub fn normalize_content(s: &str) -> String {
    // Every character mapped below but the backtick is beyond ASCII: most contents have none.
    let plain = s.bytes().all(|b| b.is_ascii() && b != b'`');
    let mapped: std::borrow::Cow<'_, str> = if plain {
        std::borrow::Cow::Borrowed(s)
    } else {
        s.chars()
            .map(|c| match c {
                '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
                '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
                | '\u{00BB}' => '"',
                '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
                | '\u{2212}' => '-',
                '\u{00A0}' | '\u{2009}' | '\u{202F}' => ' ',
                c => c,
            })
            .collect()
    };
    let mut out = collapse_space(&mapped);
    for prefix in ["that ", "That "] {
        if let Some(rest) = out.strip_prefix(prefix) {
            out = rest.to_string();
        }
    }
    let trimmed = out.trim_end_matches(['.', ',', ';', ':', ' ']);
    crate::objects::to_nfc(trimmed)
}

/// Normalises a speaker name: white space collapsed, curly apostrophes straightened.
pub fn normalize_speaker(s: &str) -> String {
    crate::objects::to_nfc(&collapse_space(&s.replace(['\u{2019}', '\u{2018}'], "'")))
}

/// An object together with its typed body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed {
    pub body: Body,
    pub object: Object,
}

impl Typed {
    pub fn new(body: Body) -> Result<Typed, ObjectError> {
        let object = body.to_object()?;
        Ok(Typed { body, object })
    }

    pub fn id(&self) -> ObjectId {
        self.object.id
    }
}

/// An object with its typed body when this release indexes its type and version (`None`
/// otherwise: it is stored and passed on, not indexed): what the ledger stores. Objects received
/// from elsewhere (a peer, a bundle) are re-hashed into one ([`Received::from_body`]); local ones
/// convert from [`Typed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub object: Object,
    pub body: Option<Body>,
}

impl From<Object> for Received {
    fn from(object: Object) -> Received {
        Received::from_object(object)
    }
}

impl From<Typed> for Received {
    fn from(t: Typed) -> Received {
        Received {
            object: t.object,
            body: Some(t.body),
        }
    }
}

impl Received {
    /// Checks a received body as [`Object::from_body`] does (canonical form, id recomputed),
    /// and reads its type from the value parsed for that, as [`Body::from_object`] would.
    pub fn from_body(body: &str) -> Result<Received, ObjectError> {
        let (object, value) = Object::from_body_with_value(body)?;
        Ok(Received {
            body: Body::check_value(value)?,
            object,
        })
    }

    /// An object already checked: reads its typed body.
    pub fn from_object(object: Object) -> Received {
        Received {
            body: Body::from_object(&object),
            object,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_noise_is_normalised() {
        assert_eq!(
            normalize_content("that  the city\u{2019}s \u{201C}fall\u{201D} \u{2014} is near ."),
            "the city's \"fall\" - is near"
        );
    }

    #[test]
    fn lineage_prefers_url_then_key_then_title() {
        let d = lineage(
            Some(" HTTPS://Example.COM/a/b/#top "),
            Some("k"),
            Some("S"),
            Some("T"),
        );
        assert_eq!(d.key, "https://example.com/a/b");
        assert_eq!(d.key_kind, KeyKind::Url);
        let d = lineage(None, Some(" my key "), Some("S"), Some("T"));
        assert_eq!((d.key.as_str(), d.key_kind), ("my key", KeyKind::Key));
        let d = lineage(None, None, Some("Outlet"), Some("A  title"));
        assert_eq!(
            (d.key.as_str(), d.key_kind),
            ("Outlet\nA title", KeyKind::Title)
        );
        let d = lineage(None, None, None, Some("A title"));
        assert_eq!(d.key, "A title");
    }

    #[test]
    fn url_root_and_plain_strings() {
        assert_eq!(normalize_url("http://x.org/"), "http://x.org");
        assert_eq!(normalize_url("not a url"), "not a url");
    }
}
