//! Reading article files: format detection and metadata.
//!
//! `ingest` turns bytes into [`Article`]s (text plus metadata). It knows nothing of claims,
//! objects or SQLite.

/// One article as read from a file, before any option overrides.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// The article text that is stored and extracted (no header block, no HTML markup).
    pub text: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// The outlet.
    pub source: Option<String>,
    /// The byline.
    pub author: Option<String>,
    /// Publication time: RFC 3339 (`2024-02-19T10:00:00Z`, offset kept as given) or a date
    /// (`2024-02-19`) when only a date is known.
    pub published: Option<String>,
    /// Last modification time, same form as `published`.
    pub modified: Option<String>,
    /// A lineage key given in the file (front matter `key:`), used when there is no URL.
    pub key: Option<String>,
}
