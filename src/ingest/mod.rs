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

// TEMPORARY stubs until the ingest branch lands.
use std::path::{Path, PathBuf};
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct IngestError(String);
pub fn walk(inputs: &[PathBuf]) -> Vec<Result<PathBuf, IngestError>> {
    inputs.iter().map(|p| Ok(p.clone())).collect()
}
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, IngestError> {
    std::fs::read(path).map_err(|e| IngestError(format!("{}: {e}", path.display())))
}
pub fn parse(_path: &Path, bytes: &[u8]) -> Result<Vec<Article>, IngestError> {
    let text = String::from_utf8(bytes.to_vec()).map_err(|e| IngestError(e.to_string()))?;
    let title = text.lines().next().map(str::to_string);
    Ok(vec![Article {
        text,
        title,
        ..Default::default()
    }])
}
pub fn normalize_time(s: &str) -> String {
    s.trim().to_string()
}
