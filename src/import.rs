//! Importing article files: ingest, extract, build objects, store them, one file per transaction.
//!
//! Planning (reading, parsing, extracting, hashing) is pure and runs on a second thread; the
//! calling thread only writes. Files are written in the order given, so version numbers and
//! arrival order are deterministic.

use crate::extract::{CharIndex, Extractor, EXTRACTOR_VERSION};
use crate::ingest::{self, Article, IngestError, WalkOptions};
use crate::model::{self, Body, Typed, Version};
use crate::objects::{ObjectError, ObjectId};
use crate::store::{Store, StoreError, Writer};
use rusqlite::OptionalExtension;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Values given on the command line; each overrides what the file says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
}

impl Overrides {
    /// A stable fingerprint of the options, part of the re-import cache key.
    fn fingerprint(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| crate::objects::canonical_json(&v).ok())
            .unwrap_or_default()
    }

    /// Applies the overrides to an article as read.
    pub fn apply(&self, mut article: Article) -> Article {
        let set = |field: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                field.clone_from(value);
            }
        };
        set(&mut article.url, &self.url);
        set(&mut article.key, &self.key);
        set(&mut article.source, &self.source);
        set(&mut article.title, &self.title);
        set(&mut article.author, &self.author);
        if let Some(p) = &self.published {
            article.published = Some(ingest::normalize_time(p));
        }
        article
    }
}

/// Every object one article gives, in the order they are stored.
#[derive(Debug, Clone)]
pub struct Planned {
    pub document: Typed,
    pub version: Typed,
    /// (claim, mention) pairs in text order.
    pub claims: Vec<(Typed, Typed)>,
}

impl Planned {
    pub fn objects(&self) -> impl Iterator<Item = &Typed> {
        [&self.document, &self.version]
            .into_iter()
            .chain(self.claims.iter().flat_map(|(c, m)| [c, m]))
    }

    pub fn version_body(&self) -> Option<&Version> {
        match &self.version.body {
            Body::Version(v) => Some(v),
            _ => None,
        }
    }
}

/// Turns one article into objects. Pure: no I/O.
pub fn plan_article(article: &Article, extractor: &Extractor) -> Result<Planned, ObjectError> {
    plan(article, crate::objects::to_nfc(&article.text), extractor)
}

/// [`plan_article`], taking the article: its text, when already in NFC (as most are), becomes
/// the version's text without a copy.
fn plan_article_owned(mut article: Article, extractor: &Extractor) -> Result<Planned, ObjectError> {
    let text = std::mem::take(&mut article.text);
    let text = if unicode_normalization::is_nfc(&text) {
        text
    } else {
        crate::objects::to_nfc(&text)
    };
    plan(&article, text, extractor)
}

/// Plans an article whose text, in NFC, is `text` (`article.text` is not read).
fn plan(article: &Article, text: String, extractor: &Extractor) -> Result<Planned, ObjectError> {
    let nfc = |s: &Option<String>| {
        s.as_deref()
            .map(model::collapse_space)
            .filter(|s| !s.is_empty())
            .map(|s| crate::objects::to_nfc(&s))
    };
    let title = nfc(&article.title);
    let source = nfc(&article.source);
    let byline = nfc(&article.author);
    let document = Typed::new(Body::Document(model::lineage(
        article.url.as_deref(),
        article.key.as_deref(),
        source.as_deref(),
        title.as_deref(),
    )))?;
    // The text moves into the version, and is read from there.
    let version = Typed::new(Body::Version(Version {
        v: 1,
        document: document.id(),
        text,
        title,
        byline: byline.clone(),
        source: source.clone(),
        published: nfc(&article.published),
        modified: nfc(&article.modified),
    }))?;
    let Body::Version(Version { text, .. }) = &version.body else {
        // Built as a version just above.
        return Err(ObjectError::NotAnObject);
    };
    let outlet = source
        .or(byline)
        .unwrap_or_else(|| model::UNKNOWN_OUTLET.to_string());
    let chars = CharIndex::new(text);
    let extraction = extractor.extract(text);
    let mut claims = Vec::with_capacity(extraction.claims.len());
    for attribution in &extraction.claims {
        claims.push(model::claim_and_mention(
            attribution,
            text,
            &chars,
            version.id(),
            &outlet,
        )?);
    }
    Ok(Planned {
        document,
        version,
        claims,
    })
}

/// Why one file could not be imported. The database is unchanged for that file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("{path}: {source}")]
    Object { path: PathBuf, source: ObjectError },
    #[error("{path}: {source}")]
    Store { path: PathBuf, source: StoreError },
    #[error("{path}: not stored, the commit failed: {message}")]
    Commit { path: PathBuf, message: String },
}

/// What happened to one version of one file.
#[derive(Debug, Clone, Serialize)]
pub struct VersionReport {
    pub document: ObjectId,
    pub version: ObjectId,
    /// 1-based number of this version within its document.
    pub number: i64,
    pub title: Option<String>,
    /// True if this text was not stored before.
    pub new: bool,
    pub claims: usize,
    pub new_claims: usize,
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    pub path: PathBuf,
    pub versions: Vec<VersionReport>,
    pub new_objects: usize,
    /// True when the same bytes with the same options were imported before and skipped.
    pub cached: bool,
}

/// The outcome of one file.
pub type FileOutcome = Result<FileReport, ImportError>;

enum Plan {
    Cached {
        path: PathBuf,
        versions: Vec<ObjectId>,
    },
    Fresh {
        path: PathBuf,
        sha: String,
        planned: Vec<Planned>,
    },
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// How many files at most share one commit, and how long a batch may stay open.
const BATCH_FILES: usize = 1024;
const BATCH_TIME: std::time::Duration = std::time::Duration::from_millis(2000);

/// Imports files and directories (walked recursively in a stable order), calling `on_file`
/// after each (with the store, the count done, the total and the outcome). A bad file does not
/// stop the others.
///
/// Each file is one unit of work (an SQLite savepoint): it is stored whole or not at all.
/// Several files share one commit, which is what makes bulk import fast; `on_file` is called
/// once their commit is durable.
pub fn import_paths(
    store: &mut Store,
    inputs: &[PathBuf],
    overrides: &Overrides,
    extractor: &Extractor,
    on_file: impl FnMut(&Store, usize, usize, &FileOutcome),
) -> Result<Vec<FileOutcome>, StoreError> {
    let walk = WalkOptions::default();
    import_paths_with(store, inputs, walk, overrides, extractor, on_file)
}

/// [`import_paths`], with options for walking directories.
pub fn import_paths_with(
    store: &mut Store,
    inputs: &[PathBuf],
    walk: WalkOptions,
    overrides: &Overrides,
    extractor: &Extractor,
    mut on_file: impl FnMut(&Store, usize, usize, &FileOutcome),
) -> Result<Vec<FileOutcome>, StoreError> {
    let files = ingest::walk(inputs, walk);
    let total = files.len();
    let options = overrides.fingerprint();
    let db_path = store.path().to_path_buf();
    let mut outcomes: Vec<FileOutcome> = Vec::with_capacity(total);
    std::thread::scope(|scope| -> Result<(), StoreError> {
        let (send, recv) = mpsc::sync_channel::<Result<Plan, ImportError>>(32);
        let options_ref = &options;
        let planner = scope.spawn(move || {
            // A second connection: WAL lets it read while the writer writes.
            let reader = Store::open_existing(&db_path).ok();
            for file in files {
                let plan = file.map_err(ImportError::from).and_then(|path| {
                    plan_file(&path, reader.as_ref(), options_ref, overrides, extractor)
                });
                if send.send(plan).is_err() {
                    break;
                }
            }
        });
        let mut plans = recv.into_iter().peekable();
        while plans.peek().is_some() {
            let mut batch: Vec<FileOutcome> = Vec::new();
            let mut writer = store.writer()?;
            let opened = std::time::Instant::now();
            for plan in plans.by_ref() {
                batch.push(plan.and_then(|plan| write_unit(&mut writer, plan, &options)));
                if batch.len() >= BATCH_FILES || opened.elapsed() >= BATCH_TIME {
                    break;
                }
            }
            if let Err(e) = writer.commit() {
                // Nothing of this batch is stored: say so for every file in it.
                let message = e.to_string();
                for outcome in &mut batch {
                    if let Ok(report) = outcome {
                        *outcome = Err(ImportError::Commit {
                            path: report.path.clone(),
                            message: message.clone(),
                        });
                    }
                }
            }
            for outcome in batch {
                on_file(store, outcomes.len() + 1, total, &outcome);
                outcomes.push(outcome);
            }
        }
        let _ = planner.join();
        Ok(())
    })?;
    Ok(outcomes)
}

fn plan_file(
    path: &Path,
    reader: Option<&Store>,
    options: &str,
    overrides: &Overrides,
    extractor: &Extractor,
) -> Result<Plan, ImportError> {
    let bytes = ingest::read_bytes(path)?;
    let sha = sha256_hex(&bytes);
    if let Some(versions) = reader.and_then(|r| cached_versions(r, &sha, options).ok().flatten()) {
        return Ok(Plan::Cached {
            path: path.to_path_buf(),
            versions,
        });
    }
    // The bytes are handed over: a plain text is then held once, not twice.
    let articles = ingest::parse_owned(path, bytes)?;
    let mut planned = Vec::with_capacity(articles.len());
    for article in articles {
        let article = overrides.apply(article);
        planned.push(plan_article_owned(article, extractor).map_err(|source| {
            ImportError::Object {
                path: path.to_path_buf(),
                source,
            }
        })?);
    }
    Ok(Plan::Fresh {
        path: path.to_path_buf(),
        sha,
        planned,
    })
}

fn cached_versions(
    store: &Store,
    sha: &str,
    options: &str,
) -> Result<Option<Vec<ObjectId>>, StoreError> {
    let found: Option<String> = store
        .conn()
        .query_row(
            "SELECT versions FROM imports
             WHERE file_sha256 = ?1 AND options = ?2 AND extractor_version = ?3
             ORDER BY import_id LIMIT 1",
            (sha, options, EXTRACTOR_VERSION),
            |r| r.get(0),
        )
        .optional()?;
    Ok(found.and_then(|json| serde_json::from_str(&json).ok()))
}

/// Writes one file as one unit; on any error the unit is undone and the database is as before.
fn write_unit(writer: &mut Writer<'_>, plan: Plan, options: &str) -> FileOutcome {
    let path = match &plan {
        Plan::Cached { path, .. } | Plan::Fresh { path, .. } => path.clone(),
    };
    let fail = |source| ImportError::Store {
        path: path.clone(),
        source,
    };
    writer.begin_unit().map_err(fail)?;
    let result = match plan {
        Plan::Cached { path, versions } => versions
            .iter()
            .map(|v| version_report(writer.tx(), *v, false))
            .collect::<Result<Vec<_>, _>>()
            .map(|versions| FileReport {
                path,
                versions,
                new_objects: 0,
                cached: true,
            }),
        Plan::Fresh { path, sha, planned } => write_fresh(writer, &path, &sha, &planned, options),
    };
    match result {
        Ok(report) => {
            writer.keep_unit().map_err(fail)?;
            Ok(report)
        }
        Err(e) => {
            writer.undo_unit().map_err(fail)?;
            Err(fail(e))
        }
    }
}

fn write_fresh(
    writer: &mut Writer<'_>,
    path: &Path,
    sha: &str,
    planned: &[Planned],
    options: &str,
) -> Result<FileReport, StoreError> {
    let mut new_objects = 0;
    let mut fresh = Vec::with_capacity(planned.len());
    for p in planned {
        let mut new_claims = 0;
        let mut version_new = false;
        let mut fresh_claims = Vec::new();
        for (i, typed) in p.objects().enumerate() {
            let added = writer.put(typed)?;
            new_objects += usize::from(added);
            if i == 1 {
                version_new = added;
            }
            if added && matches!(typed.body, Body::Claim(_)) {
                new_claims += 1;
                fresh_claims.push(typed);
            }
        }
        // Relations to what is already stored, in the same transaction.
        let version = version_new.then(|| p.version.id());
        let related = crate::timeline::relations::detect(writer, &fresh_claims, version)?;
        new_objects += related.conflicts + related.corroborations + related.updates;
        fresh.push((p.version.id(), version_new, p.claims.len(), new_claims));
    }
    let (first, last) = writer.seq_range().unzip();
    let version_ids: Vec<String> = fresh.iter().map(|f| f.0.to_hex()).collect();
    writer.tx().execute(
        "INSERT INTO imports(path, file_sha256, options, extractor_version, imported_at,
                             first_seq, last_seq, versions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            path.to_string_lossy(),
            sha,
            options,
            EXTRACTOR_VERSION,
            crate::clock::now_rfc3339(),
            first,
            last,
            serde_json::to_string(&version_ids).unwrap_or_else(|_| "[]".into()),
        ],
    )?;
    let mut versions = Vec::with_capacity(fresh.len());
    for (id, new, claims, new_claims) in fresh {
        let mut report = version_report(writer.tx(), id, new)?;
        report.claims = claims;
        report.new_claims = new_claims;
        versions.push(report);
    }
    Ok(FileReport {
        path: path.to_path_buf(),
        versions,
        new_objects,
        cached: false,
    })
}

fn version_report(
    conn: &rusqlite::Connection,
    id: ObjectId,
    new: bool,
) -> Result<VersionReport, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.document_id, v.number, v.title,
                (SELECT count(*) FROM mentions m WHERE m.version_seq = v.seq)
         FROM versions v WHERE v.seq = (SELECT seq FROM objects WHERE id = ?1)",
    )?;
    let (doc, number, title, claims): (String, i64, Option<String>, i64) = stmt
        .query_row([id.to_hex()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    Ok(VersionReport {
        document: ObjectId::parse(&doc).unwrap_or(id),
        version: id,
        number,
        title,
        new,
        claims: claims as usize,
        new_claims: 0,
    })
}
