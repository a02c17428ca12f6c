//! What `claims diff` compares: a stored version, an article file extracted in memory (nothing
//! is stored), or every claim of a database file.

use super::diff::DiffClaim;
use crate::extract::Extractor;
use crate::import::{plan_article, Overrides};
use crate::ingest::{self, IngestError};
use crate::model::Body;
use crate::objects::{ObjectError, ObjectId};
use crate::store::query::{self, ResolveError};
use crate::store::{Store, StoreError, APPLICATION_ID};
use rusqlite::{OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

/// One side of a diff, as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spec {
    /// A stored version (resolved later against the database).
    Stored(String),
    /// An article file, extracted in memory.
    File(PathBuf),
    /// Another claims database: all its claims.
    Database(PathBuf),
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
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
    #[error("{path}: not a claims database (application_id is {found:#x})")]
    Foreign { path: PathBuf, found: i32 },
    #[error("{path}: {source}")]
    Database {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl From<rusqlite::Error> for SourceError {
    fn from(e: rusqlite::Error) -> Self {
        SourceError::Store(StoreError::Sql(e))
    }
}

/// A claim list with a name for people.
#[derive(Debug, Clone)]
pub struct Side {
    /// "version 2 of https://...", "file x.txt (not imported)", "database b.db".
    pub label: String,
    pub claims: Vec<DiffClaim>,
}

/// Reads what kind of side a command-line argument names. An existing path is a file (a
/// database if it ends in `.db` or starts with SQLite's header); anything else is a stored
/// version.
pub fn parse_spec(arg: &str) -> Spec {
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
            return Spec::Database(path.to_path_buf());
        }
        return Spec::File(path.to_path_buf());
    }
    if arg.ends_with(".db") {
        return Spec::Database(path.to_path_buf());
    }
    Spec::Stored(arg.to_string())
}

/// Resolves a stored version: an id prefix (of a version, or of a document: its latest
/// version), `DOC@N` / `DOC@latest` where DOC is a document id prefix, URL or key, or a
/// document's URL or key alone (its latest version).
pub fn resolve_version(store: &Store, spec: &str) -> Result<ObjectId, SourceError> {
    if let Some((doc, n)) = spec.rsplit_once('@') {
        let document = query::resolve_document(store, doc)?;
        let count: i64 = store.conn().query_row(
            "SELECT count(*) FROM versions
             WHERE document_seq = (SELECT seq FROM objects WHERE id = ?1)",
            [document.to_hex()],
            |r| r.get(0),
        )?;
        let number = if n.eq_ignore_ascii_case("latest") {
            count
        } else {
            n.trim()
                .parse::<i64>()
                .map_err(|_| SourceError::BadVersionNumber {
                    spec: spec.to_string(),
                })?
        };
        let id: Option<String> = store
            .conn()
            .query_row(
                "SELECT id FROM versions
                 WHERE document_seq = (SELECT seq FROM objects WHERE id = ?1) AND number = ?2",
                (document.to_hex(), number),
                |r| r.get(0),
            )
            .optional()?;
        return id
            .and_then(|id| ObjectId::parse(&id).ok())
            .ok_or(SourceError::NoSuchVersion {
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
        _ => Err(SourceError::NotAVersion {
            spec: spec.to_string(),
            kind,
        }),
    }
}

/// The claims of a stored version, in text order.
pub fn version_claims(
    conn: &rusqlite::Connection,
    version: &ObjectId,
) -> rusqlite::Result<Vec<DiffClaim>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.speaker, c.cue, c.stance, c.hedges, c.content
         FROM mentions m JOIN claims c ON c.seq = m.claim_seq
         WHERE m.version_seq = (SELECT seq FROM objects WHERE id = ?1)
         ORDER BY m.position, m.seq",
    )?;
    let rows = stmt.query_map([version.to_hex()], diff_claim)?;
    rows.collect()
}

fn diff_claim(r: &rusqlite::Row<'_>) -> rusqlite::Result<DiffClaim> {
    let id: String = r.get(0)?;
    let hedges: String = r.get(4)?;
    Ok(DiffClaim {
        id: ObjectId::parse(&id).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })?,
        speaker: r.get(1)?,
        cue: r.get(2)?,
        stance: r.get(3)?,
        hedges: serde_json::from_str(&hedges).unwrap_or_default(),
        content: r.get(5)?,
    })
}

/// Loads a stored version with a label ("version N of KEY").
pub fn load_version(store: &Store, version: &ObjectId) -> Result<Side, SourceError> {
    let (number, key): (i64, String) = store.conn().query_row(
        "SELECT v.number, d.key FROM versions v JOIN documents d ON d.seq = v.document_seq
         WHERE v.seq = (SELECT seq FROM objects WHERE id = ?1)",
        [version.to_hex()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Side {
        label: format!("version {number} of {}", key.replace('\n', " / ")),
        claims: version_claims(store.conn(), version)?,
    })
}

/// Extracts an article file in memory; nothing is stored. `overrides` apply as on import.
pub fn load_file(
    path: &Path,
    overrides: &Overrides,
    extractor: &Extractor,
) -> Result<Side, SourceError> {
    let articles = ingest::read(path)?;
    if articles.len() != 1 {
        return Err(SourceError::ManyArticles {
            path: path.to_path_buf(),
            count: articles.len(),
        });
    }
    let mut claims = Vec::new();
    for article in articles {
        let planned = plan_article(&overrides.apply(article), extractor).map_err(|source| {
            SourceError::Object {
                path: path.to_path_buf(),
                source,
            }
        })?;
        claims.extend(planned_claims(&planned));
    }
    Ok(Side {
        label: format!("file {} (not imported)", path.display()),
        claims,
    })
}

/// The claims of a planned article, in text order.
pub fn planned_claims(planned: &crate::import::Planned) -> Vec<DiffClaim> {
    planned
        .claims
        .iter()
        .filter_map(|(claim, _)| match &claim.body {
            Body::Claim(c) => Some(DiffClaim {
                id: claim.id(),
                speaker: c.speaker.clone(),
                cue: c.cue.clone(),
                stance: c.stance.clone(),
                hedges: c.hedges.clone(),
                content: c.content.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// Every claim of a claims database, by id (read-only; the file is not migrated or changed).
pub fn load_database(path: &Path) -> Result<Side, SourceError> {
    let err = |source| SourceError::Database {
        path: path.to_path_buf(),
        source,
    };
    if !path.exists() {
        return Err(StoreError::Missing {
            path: path.to_path_buf(),
        }
        .into());
    }
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(err)?;
    let found: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(err)?;
    if found != APPLICATION_ID {
        return Err(SourceError::Foreign {
            path: path.to_path_buf(),
            found,
        });
    }
    let mut stmt = conn
        .prepare("SELECT id, speaker, cue, stance, hedges, content FROM claims ORDER BY id")
        .map_err(err)?;
    let claims = stmt
        .query_map([], diff_claim)
        .map_err(err)?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(err)?;
    Ok(Side {
        label: format!("database {}", path.display()),
        claims,
    })
}
