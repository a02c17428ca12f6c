//! The two sides `claims diff` compares: a stored version, an article file extracted in memory
//! (nothing is stored), or every claim of a database file.

use crate::extract::Extractor;
use crate::ingest::{self, IngestError};
use crate::model::{plan_article, ClaimRef, Overrides};
use crate::objects::{ObjectError, ObjectId};
use crate::store::query::versions::{
    all_claims, version_claims, version_count, version_number, version_number_and_key,
};
use crate::store::query::{self, ResolveError};
use crate::store::{Store, StoreError};
use std::path::{Path, PathBuf};

/// One side of a diff, as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SideSpec {
    /// A stored version (resolved later against the database).
    Stored(String),
    /// An article file, extracted in memory.
    File(PathBuf),
    /// Another claims database: all its claims.
    Database(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum SideError {
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("{path}: {source}")]
    Object { path: PathBuf, source: ObjectError },
    #[error("{path}: holds {count} articles; diff compares one article (split the file)")]
    ManyArticles { path: PathBuf, count: usize },
    #[error("{spec:?}: document has {count} version(s); versions count from 1")]
    NoSuchVersion { spec: String, count: i64 },
    #[error("{spec:?}: after '@' give a version number (1, 2, ...) or 'latest'")]
    BadVersionNumber { spec: String },
    #[error("{spec:?} is a {kind}; give a version (ID, DOC@N or DOC@latest), a file or a .db")]
    NotAVersion { spec: String, kind: String },
}

/// A claim list with a name for people.
#[derive(Debug, Clone)]
pub struct Side {
    /// "version 2 of https://...", "file x.txt (not imported)", "database b.db".
    pub label: String,
    pub claims: Vec<ClaimRef>,
    /// The correction notices of the text (none for a database).
    pub corrections: Vec<String>,
}

/// Reads what kind of side a command-line argument names. An existing path is a file (a
/// database if it ends in `.db` or starts with SQLite's header); anything else is a stored
/// version.
pub fn parse_spec(arg: &str) -> SideSpec {
    let path = Path::new(arg);
    if path.is_file() {
        let is_db = path.extension().and_then(|e| e.to_str()) == Some("db") || {
            let mut head = [0u8; 16];
            std::fs::File::open(path)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
                .map(|_| &head == b"SQLite format 3\0")
                .unwrap_or(false)
        };
        if is_db {
            return SideSpec::Database(path.to_path_buf());
        }
        return SideSpec::File(path.to_path_buf());
    }
    if arg.ends_with(".db") {
        return SideSpec::Database(path.to_path_buf());
    }
    SideSpec::Stored(arg.to_string())
}

/// Resolves a stored version: an id prefix (of a version, or of a document: its latest
/// version), `DOC@N` / `DOC@latest` where DOC is a document id prefix, URL or key, or a
/// document's URL or key alone (its latest version).
pub fn resolve_version(store: &Store, spec: &str) -> Result<ObjectId, SideError> {
    if let Some((doc, n)) = spec.rsplit_once('@') {
        let document = query::resolve_document(store, doc)?;
        let count = version_count(store, &document)?;
        let number = if n.eq_ignore_ascii_case("latest") {
            count
        } else {
            n.trim()
                .parse::<i64>()
                .map_err(|_| SideError::BadVersionNumber {
                    spec: spec.to_string(),
                })?
        };
        return version_number(store, &document, number)?.ok_or(SideError::NoSuchVersion {
            spec: spec.to_string(),
            count,
        });
    }
    let (id, kind) = match query::resolve(store, spec, None) {
        Ok(found) => found,
        // Not an id prefix: a document's URL or key alone means its latest version.
        Err(ResolveError::NotHex(_) | ResolveError::TooShort(_)) => {
            let document = query::resolve_document(store, spec)?;
            return resolve_version(store, &format!("{document}@latest"));
        }
        Err(e) => return Err(e.into()),
    };
    match kind.as_str() {
        "version" => Ok(id),
        "document" => resolve_version(store, &format!("{id}@latest")),
        _ => Err(SideError::NotAVersion {
            spec: spec.to_string(),
            kind,
        }),
    }
}

/// Loads a stored version with a label ("version N of KEY").
pub fn load_version(store: &Store, version: &ObjectId) -> Result<Side, SideError> {
    let (number, key) = version_number_and_key(store, version)?;
    Ok(Side {
        label: format!("version {number} of {}", key.replace('\n', " / ")),
        claims: version_claims(store, version)?,
        corrections: crate::store::query::versions::version_corrections(store, version)?,
    })
}

/// Extracts an article file in memory; nothing is stored. `overrides` apply as on import.
pub fn load_file(
    path: &Path,
    overrides: &Overrides,
    extractor: &Extractor,
) -> Result<Side, SideError> {
    let articles = ingest::read(path)?;
    if articles.len() != 1 {
        return Err(SideError::ManyArticles {
            path: path.to_path_buf(),
            count: articles.len(),
        });
    }
    let mut claims = Vec::new();
    let mut corrections = Vec::new();
    for article in articles {
        corrections.extend(
            crate::extract::corrections::correction_notices(&article.text)
                .into_iter()
                .map(|n| n.text),
        );
        let planned = plan_article(&overrides.apply(article), extractor).map_err(|source| {
            SideError::Object {
                path: path.to_path_buf(),
                source,
            }
        })?;
        claims.extend(planned.claim_refs());
    }
    Ok(Side {
        label: format!("file {} (not imported)", path.display()),
        claims,
        corrections,
    })
}

/// Every claim of a claims database, by id (read-only; the file is not migrated or changed).
pub fn load_database(path: &Path) -> Result<Side, SideError> {
    let store = Store::open_read_only(path)?;
    Ok(Side {
        label: format!("database {}", path.display()),
        claims: all_claims(&store)?,
        corrections: Vec::new(),
    })
}
