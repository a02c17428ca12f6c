//! Importing article files: read, plan, and store each file through the ledger, one unit of
//! work per file.
//!
//! Planning (reading, parsing, extracting, hashing: [`crate::model::plan_article`]) is pure and
//! runs on a second thread; the calling thread only writes, through [`crate::ledger::Ledger`],
//! which also derives each file's relations. Files are written in the order given, so version
//! numbers and arrival order are deterministic. A panic of the planning thread is an error of
//! the whole import ([`RunError::Panicked`]), never a silently shorter one.

use crate::extract::{Extractor, EXTRACTOR_VERSION};
use crate::ingest::{self, IngestError, WalkOptions};
use crate::ledger::Ledger;
use crate::model::{plan_article_owned, Body, Overrides, Planned, Received, Typed};
use crate::objects::{ObjectError, ObjectId};
use crate::relate::candidate_keys;

/// A claim's candidate keys, `(key, detail)` ([`candidate_keys`]).
type ClaimKeys = Vec<(String, String)>;
use crate::store::fetch::{FetchRecord, WatchedArticle};
use crate::store::imports::ImportRecord;
use crate::store::{Store, StoreError};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

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
    /// A page that could not be fetched (`claims import URL`, `crate::fetch`, which names the
    /// URL in `message`); nothing is stored.
    #[error("{message}; nothing stored")]
    Fetch { message: String },
    /// A text whose version could not be stored (past the one object-size limit), refused
    /// before its claims are extracted.
    #[error(
        "{path}: the article text is {bytes} bytes, more than the {} bytes one version (an \
         object) may have; nothing of this file was stored (split it into smaller articles)",
        crate::objects::MAX_OBJECT_BYTES
    )]
    TooLarge { path: PathBuf, bytes: u64 },
}

/// Whether a version of this text would pass the object-size limit whatever else it holds:
/// its text in NFC (which the version stores) is longer than the limit by itself.
fn text_past_object_limit(text: &str) -> Option<u64> {
    let max = crate::objects::MAX_OBJECT_BYTES;
    if text.len() as u64 <= max {
        return None;
    }
    if unicode_normalization::is_nfc(text) {
        return Some(text.len() as u64);
    }
    let n = crate::objects::to_nfc(text).len() as u64;
    (n > max).then_some(n)
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
    /// The fact-checks of a file that holds ClaimReview data (a fact-check page, a ClaimReview
    /// JSON-LD file, a Google Fact Check Tools API response) instead of an article.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<ReviewReport>,
    /// Objects of the file this database's block list kept out (`claims block`): why each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<String>,
    /// What was read but ignored, each naming its line (an unknown header key).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// One review of an imported file.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewReport {
    pub id: ObjectId,
    /// True if it was not stored before.
    pub new: bool,
}

/// The outcome of one file.
pub type FileOutcome = Result<FileReport, ImportError>;

enum Plan {
    Cached {
        path: PathBuf,
        versions: Vec<ObjectId>,
        warnings: Vec<String>,
    },
    Fresh {
        path: PathBuf,
        sha: String,
        planned: Vec<Planned>,
        /// The candidate keys of each distinct claim of each article ([`Planned::claims`]),
        /// computed on the planning thread so that the writing thread does not; `None` for a
        /// claim an earlier article of the file named (stored by its first mention there, so
        /// its keys are not needed).
        keys: Vec<Vec<Option<ClaimKeys>>>,
        /// The mention objects of each article, made on the planning thread for an article
        /// whose text is at most [`PREMADE_MENTIONS_TEXT`] bytes; `None` for a longer one, whose
        /// mentions are made one at a time as they are stored (a long text has so many that
        /// holding them all would cost many times the text).
        mentions: Vec<Option<Vec<PremadeMention>>>,
        warnings: Vec<String>,
    },
    /// A file of fact-checks: its reviews.
    Reviews {
        path: PathBuf,
        sha: String,
        reviews: Vec<Typed>,
    },
}

impl Plan {
    fn path(&self) -> &Path {
        match self {
            Plan::Cached { path, .. } | Plan::Fresh { path, .. } | Plan::Reviews { path, .. } => {
                path
            }
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// How many files at most share one commit, and how long a batch may stay open.
const BATCH_FILES: usize = 1024;
const BATCH_TIME: std::time::Duration = std::time::Duration::from_millis(2000);

/// Why an import stopped as a whole (a bad file does not: it is reported in its outcome).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "internal error: the {thread} thread stopped ({message}) after {done} of {total} files; \
         the files reported before this were imported"
    )]
    Panicked {
        thread: &'static str,
        message: String,
        done: usize,
        total: usize,
    },
}

/// Imports files and directories (walked recursively in a stable order), calling `on_file`
/// after each (with the store, the count done, the total and the outcome). A bad file does not
/// stop the others.
///
/// Each file is one unit of work ([`Ledger::unit`]): it is stored whole or not at all,
/// together with its relations and its row of the import log. Several files share one commit,
/// which is what makes bulk import fast; `on_file` is called once their commit is durable.
/// A unit is optimistic (no savepoint): when a file fails while it is written, its batch's
/// transaction is rolled back and the batch's earlier files are written again, so the outcome
/// of every file is what it would be had the failed file been undone alone.
pub fn import_paths(
    store: &mut Store,
    inputs: &[PathBuf],
    overrides: &Overrides,
    extractor: &Extractor,
    on_file: impl FnMut(&Store, usize, usize, &FileOutcome),
) -> Result<Vec<FileOutcome>, RunError> {
    import_paths_with(
        store,
        inputs,
        WalkOptions::default(),
        overrides,
        extractor,
        on_file,
    )
}

/// [`import_paths`], with options for walking directories.
pub fn import_paths_with(
    store: &mut Store,
    inputs: &[PathBuf],
    walk: WalkOptions,
    overrides: &Overrides,
    extractor: &Extractor,
    mut on_file: impl FnMut(&Store, usize, usize, &FileOutcome),
) -> Result<Vec<FileOutcome>, RunError> {
    let files = ingest::walk(inputs, walk);
    let total = files.len();
    let mut outcomes: Vec<FileOutcome> = Vec::with_capacity(total);
    run(
        store,
        move || files.into_iter(),
        Some(total),
        overrides,
        extractor,
        |store, done, total, outcome| {
            on_file(store, done, total, &outcome);
            outcomes.push(outcome);
        },
    )?;
    Ok(outcomes)
}

/// What an import did, counted file by file as it goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub files: usize,
    pub failed: usize,
    pub new_versions: usize,
    pub new_claims: usize,
    pub new_objects: usize,
    pub new_reviews: usize,
}

impl ImportSummary {
    /// Counts one file's outcome.
    pub fn count(&mut self, outcome: &FileOutcome) {
        self.files += 1;
        match outcome {
            Err(_) => self.failed += 1,
            Ok(r) => {
                self.new_versions += r.versions.iter().filter(|v| v.new).count();
                self.new_claims += r.versions.iter().map(|v| v.new_claims).sum::<usize>();
                self.new_objects += r.new_objects;
                self.new_reviews += r.reviews.iter().filter(|v| v.new).count();
            }
        }
    }
}

/// [`import_paths_with`] as a stream: directories are walked as the files are asked for, and
/// each outcome is handed to `on_file` (with the store, the count done and the total: the
/// number of inputs when they are all files, else the count of files walked so far) and not
/// kept, so memory does not grow with the number of files. Returns the
/// counts of the whole run.
pub fn import_streaming(
    store: &mut Store,
    inputs: &[PathBuf],
    walk: WalkOptions,
    overrides: &Overrides,
    extractor: &Extractor,
    mut on_file: impl FnMut(&Store, usize, usize, FileOutcome),
) -> Result<ImportSummary, RunError> {
    let inputs = inputs.to_vec();
    // Files given one by one are counted now; a directory's files as they are walked.
    let total = inputs.iter().all(|p| !p.is_dir()).then_some(inputs.len());
    let mut summary = ImportSummary::default();
    run(
        store,
        move || ingest::walk_lazily(inputs, walk),
        total,
        overrides,
        extractor,
        |store, done, walked, outcome| {
            summary.count(&outcome);
            on_file(store, done, walked, outcome);
        },
    )?;
    Ok(summary)
}

/// The import loop: the files (made on the planning thread by `files`) planned there and
/// written here, in order, in batches; each outcome handed to `on_file` with the count done
/// and `total` (or, when the total is not known, the count of files walked so far).
fn run<I>(
    store: &mut Store,
    files: impl FnOnce() -> I + Send,
    total: Option<usize>,
    overrides: &Overrides,
    extractor: &Extractor,
    mut on_file: impl FnMut(&Store, usize, usize, FileOutcome),
) -> Result<(), RunError>
where
    I: Iterator<Item = Result<PathBuf, IngestError>>,
{
    let options = overrides.fingerprint();
    let db_path = store.path().to_path_buf();
    let walked = AtomicUsize::new(0);
    let mut done = 0;
    // A third thread folds each committed batch back from the WAL into the database file while
    // the next one is written, on a connection of its own (a passive checkpoint never blocks
    // the writer), instead of the writing thread doing it at every commit past 1,000 pages.
    let folding = match Store::open_for_checkpoints(&db_path) {
        Ok(folding) if store.defer_checkpoints().is_ok() => Some(folding),
        _ => None,
    };
    let folds = folding.is_some();
    let outcome = std::thread::scope(|scope| -> Result<(), RunError> {
        let (send, recv) = mpsc::sync_channel::<Result<Plan, ImportError>>(32);
        // What the planning thread made and the writing thread did not need goes back to be
        // freed where it was allocated (a free on the writing thread waited for the planning
        // thread's allocator lock).
        let (trash, trashed) = mpsc::channel::<Vec<Vec<(String, String)>>>();
        let options_ref = &options;
        let walked_ref = &walked;
        let planner = scope.spawn(move || {
            // A second connection: WAL lets it read while the writer writes.
            let reader = Store::open_read_only(&db_path).ok();
            for file in files() {
                trashed.try_iter().for_each(drop);
                walked_ref.fetch_add(1, Ordering::Relaxed);
                crate::fault::point("import-planner");
                let plan = file.map_err(ImportError::from).and_then(|path| {
                    plan_file(&path, reader.as_ref(), options_ref, overrides, extractor)
                });
                if send.send(plan).is_err() {
                    break;
                }
            }
        });
        let (poke, pokes) = mpsc::sync_channel::<()>(1);
        let checkpointer = scope.spawn(move || {
            if let Some(folding) = folding {
                for () in pokes.iter() {
                    crate::fault::point("import-checkpoint");
                    let _ = folding.checkpoint_now();
                }
            }
        });
        let mut plans = recv.into_iter().peekable();
        while plans.peek().is_some() {
            let mut batch: Vec<FileOutcome> = Vec::new();
            let mut ledger = Ledger::begin(store)?;
            let opened = std::time::Instant::now();
            for plan in plans.by_ref() {
                let outcome = plan.and_then(|plan| write_file(&mut ledger, plan, &options));
                let unused = ledger.take_unused_keys();
                if !unused.is_empty() {
                    // Freed here if the planning thread has ended.
                    let _ = trash.send(unused);
                }
                if outcome.is_err() && ledger.spoiled() {
                    // The file failed while it was written (rare: its plan was sound), and its
                    // unit is optimistic, without a savepoint: what it wrote is in the
                    // transaction with the batch's earlier files. The transaction is rolled
                    // back, and those files are written again in a new one, each unit a
                    // savepoint from then on, to the end of the batch.
                    drop(ledger);
                    ledger = Ledger::begin(store)?;
                    ledger.unit_savepoints();
                    write_again(&mut ledger, &mut batch, &options, overrides, extractor);
                }
                batch.push(outcome);
                if batch.len() >= BATCH_FILES || opened.elapsed() >= BATCH_TIME {
                    break;
                }
            }
            if ledger.commit().is_err() {
                // Nothing of this batch is stored (a full disk, a file that may not grow):
                // each of its files is tried again alone, so that only a file that does not
                // fit fails.
                let reader = Store::open_read_only(store.path()).ok();
                for outcome in &mut batch {
                    if let Ok(report) = outcome {
                        let path = report.path.clone();
                        *outcome =
                            plan_file(&path, reader.as_ref(), &options, overrides, extractor)
                                .and_then(|plan| write_alone(store, plan, &options));
                    }
                }
            }
            // If the checkpointer is still busy, its next pass takes this batch too.
            let _ = poke.try_send(());
            for outcome in batch {
                done += 1;
                let total = total.unwrap_or_else(|| walked.load(Ordering::Relaxed).max(done));
                on_file(store, done, total, outcome);
            }
        }
        drop(poke);
        let total = total.unwrap_or_else(|| walked.load(Ordering::Relaxed));
        let panicked = |thread| {
            move |panic: Box<dyn std::any::Any + Send>| RunError::Panicked {
                thread,
                message: crate::fault::panic_message(panic.as_ref()),
                done,
                total,
            }
        };
        let planned = planner.join().map_err(panicked("planning"));
        let folded = checkpointer.join().map_err(panicked("checkpointing"));
        planned.and(folded)
    });
    // What is left in the WAL is folded back, and the default checkpoint interval restored,
    // also after a failure.
    let restored = if folds { store.checkpoint() } else { Ok(()) };
    outcome?;
    restored.map_err(RunError::from)
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
    // Fact-checks are planned again whatever the import log says (they are few and small).
    if let Some(values) = ingest::structured(path, &bytes) {
        let reviews = values
            .iter()
            .flat_map(crate::model::claimreview::reviews_of)
            .map(|r| Typed::new(Body::Review(Box::new(r))))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| ImportError::Object {
                path: path.to_path_buf(),
                source,
            })?;
        if !reviews.is_empty() {
            return Ok(Plan::Reviews {
                path: path.to_path_buf(),
                sha,
                reviews,
            });
        }
    }
    let cached = reader.and_then(|r| {
        r.imports()
            .cached_versions(&sha, options, EXTRACTOR_VERSION)
            .ok()
            .flatten()
    });
    let warnings = ingest::header_warnings(path, &bytes);
    if let Some(versions) = cached {
        return Ok(Plan::Cached {
            path: path.to_path_buf(),
            versions,
            warnings,
        });
    }
    // The bytes are handed over: a plain text is then held once, not twice.
    let articles = ingest::parse_owned(path, bytes)?;
    plan_articles(path, sha, articles, overrides, extractor, warnings)
}

/// Plans the objects of the articles read from one file (or page).
fn plan_articles(
    path: &Path,
    sha: String,
    articles: Vec<ingest::Article>,
    overrides: &Overrides,
    extractor: &Extractor,
    warnings: Vec<String>,
) -> Result<Plan, ImportError> {
    let mut planned = Vec::with_capacity(articles.len());
    for article in articles {
        let article = overrides.apply(article);
        // Refused here rather than by the ledger after extraction, which held about 40 times
        // the text (a 63 MiB text: 3.4 GB and 20 s of CPU, for an error).
        if let Some(bytes) = text_past_object_limit(&article.text) {
            return Err(ImportError::TooLarge {
                path: path.to_path_buf(),
                bytes,
            });
        }
        planned.push(plan_article_owned(article, extractor).map_err(|source| {
            ImportError::Object {
                path: path.to_path_buf(),
                source,
            }
        })?);
    }
    // Once per distinct claim of the file: a long text may name the same claim thousands of
    // times.
    let mut seen = std::collections::HashSet::new();
    let step = crate::ledger::relation_step();
    let keys = planned
        .iter()
        .map(|p| {
            p.claims
                .iter()
                .map(|claim| match &claim.body {
                    Body::Claim(c) if step && seen.insert(claim.id()) => {
                        Some(candidate_keys(&c.content))
                    }
                    _ => None,
                })
                .collect()
        })
        .collect();
    let mentions = planned.iter().map(premade_mentions).collect();
    Ok(Plan::Fresh {
        path: path.to_path_buf(),
        sha,
        planned,
        keys,
        mentions,
        warnings,
    })
}

/// Mention `i` of an article made into an object ([`crate::model::Mentions::object`]).
type PremadeMention = Option<Result<Typed, ObjectError>>;

/// The longest text whose mention objects are made on the planning thread ([`premade_mentions`]).
const PREMADE_MENTIONS_TEXT: usize = 256 * 1024;

/// The mention objects of an article, in text order, made ahead of time (encoded and hashed
/// here, on the planning thread, not on the writing thread that stores them), or `None` when
/// its text is longer than [`PREMADE_MENTIONS_TEXT`].
fn premade_mentions(p: &Planned) -> Option<Vec<PremadeMention>> {
    let Body::Version(v) = &p.version.body else {
        return None;
    };
    if v.text.len() > PREMADE_MENTIONS_TEXT {
        return None;
    }
    let version = p.version.id();
    Some(
        p.mentions
            .claims()
            .enumerate()
            .map(|(i, c)| {
                let claim = p.claims.get(c)?.id();
                p.mentions.object(i, claim, version, &v.text)
            })
            .collect(),
    )
}

/// A page fetched over HTTP, to import as HTML ([`import_page`]).
#[derive(Debug, Clone)]
pub struct Page {
    /// The URL asked for: the document's lineage key (unless `--url` overrides it) and the
    /// name of the page in messages.
    pub url: String,
    /// The body as received.
    pub body: Vec<u8>,
    /// Where and when it came from; `version_id`, `body_sha256` and `canonical` are filled in
    /// here.
    pub fetch: FetchRecord,
    /// The state of the watched article to save with it, if a watched feed named it.
    pub watched: Option<WatchedArticle>,
}

/// What importing a page gave: the file report (the page's URL as its path) and the fetch
/// fact stored with it.
#[derive(Debug, Clone, Serialize)]
pub struct PageReport {
    #[serde(flatten)]
    pub report: FileReport,
    pub fetch: FetchRecord,
}

/// Imports one fetched page as an HTML article, in a transaction of its own: its objects, its
/// row of the import log, its fetch fact ([`FetchRecord`]) and the watched article's state are
/// stored together or not at all.
pub fn import_page(
    store: &mut Store,
    page: Page,
    overrides: &Overrides,
    extractor: &Extractor,
) -> Result<PageReport, ImportError> {
    let path = PathBuf::from(&page.url);
    let sha = sha256_hex(&page.body);
    let articles = ingest::parse_as(ingest::Format::Html, &path, &page.body)?;
    let canonical = articles.first().and_then(|a| a.url.clone());
    let mut overrides = overrides.clone();
    if overrides.url.is_none() && overrides.key.is_none() {
        overrides.url = Some(page.url.clone());
    }
    let options = overrides.fingerprint();
    let plan = plan_articles(
        &path,
        sha.clone(),
        articles,
        &overrides,
        extractor,
        Vec::new(),
    )?;
    let commit_error = |e: StoreError| ImportError::Commit {
        path: path.clone(),
        message: e.describe_write_failure(),
    };
    let mut ledger = Ledger::begin(store).map_err(commit_error)?;
    let report = write_file(&mut ledger, plan, &options)?;
    let mut fetch = page.fetch;
    fetch.canonical = canonical;
    fetch.body_sha256 = Some(sha);
    fetch.version_id = report.versions.first().map(|v| v.version.to_hex());
    let stored = || -> Result<(), StoreError> {
        ledger.fetches().record(&fetch)?;
        if let Some(state) = &page.watched {
            ledger.fetches().save_article(state)?;
        }
        Ok(())
    };
    stored().map_err(|source| ImportError::Store {
        path: path.clone(),
        source,
    })?;
    ledger.commit().map_err(commit_error)?;
    Ok(PageReport { report, fetch })
}

/// Writes the files of `batch` that were written (`Ok`) again, in order, after their
/// transaction was rolled back: each is planned again from its path (its plan was not kept: a
/// batch of 1,024 plans would hold many megabytes), without the import log (which the planning
/// thread read: a file planned to be written is written again, one it found imported is
/// reported as such again), so the plans, and what is written, are those of the first time.
/// Each outcome is replaced by the new one.
fn write_again(
    ledger: &mut Ledger<'_>,
    batch: &mut [FileOutcome],
    options: &str,
    overrides: &Overrides,
    extractor: &Extractor,
) {
    for outcome in batch {
        let Ok(report) = outcome else {
            continue;
        };
        let plan = if report.cached {
            Ok(Plan::Cached {
                path: std::mem::take(&mut report.path),
                versions: report.versions.iter().map(|v| v.version).collect(),
                warnings: std::mem::take(&mut report.warnings),
            })
        } else {
            plan_file(&report.path, None, options, overrides, extractor)
        };
        *outcome = plan.and_then(|plan| write_file(ledger, plan, options));
    }
}

/// Writes one file in a transaction of its own.
fn write_alone(store: &mut Store, plan: Plan, options: &str) -> FileOutcome {
    let path = plan.path().to_path_buf();
    let commit_error = |e: StoreError| ImportError::Commit {
        path: path.clone(),
        message: e.describe_write_failure(),
    };
    let mut ledger = Ledger::begin(store).map_err(commit_error)?;
    let outcome = write_file(&mut ledger, plan, options)?;
    ledger.commit().map_err(commit_error)?;
    Ok(outcome)
}

/// Writes one file as one unit ([`Ledger::unit`]); on any error nothing of it is kept: the unit
/// is undone (a savepoint), or it spoils the transaction, which the caller rolls back.
fn write_file(ledger: &mut Ledger<'_>, plan: Plan, options: &str) -> FileOutcome {
    let path = plan.path().to_path_buf();
    ledger
        .unit(|l| {
            let refused_before = l.refused().len();
            let report = match plan {
                Plan::Cached {
                    path,
                    versions,
                    warnings,
                } => versions
                    .iter()
                    .map(|v| version_report(l, *v, false))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(Failed::from)
                    .map(|versions| FileReport {
                        path,
                        versions,
                        new_objects: 0,
                        cached: true,
                        reviews: Vec::new(),
                        refused: Vec::new(),
                        warnings,
                    }),
                Plan::Fresh {
                    path,
                    sha,
                    planned,
                    keys,
                    mentions,
                    warnings,
                } => write_fresh(l, &path, &sha, planned, keys, mentions, options).map(|mut r| {
                    r.warnings = warnings;
                    r
                }),
                Plan::Reviews { path, sha, reviews } => {
                    write_reviews(l, &path, &sha, reviews, options).map_err(Failed::from)
                }
            };
            report.map(|mut r| {
                r.refused = l.refused()[refused_before..]
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                r
            })
        })
        .map_err(|failed| match failed {
            Failed::Store(source) => ImportError::Store { path, source },
            Failed::Object(source) => ImportError::Object { path, source },
        })
}

/// Why a file's unit of work was undone.
enum Failed {
    Store(StoreError),
    /// A mention could not be made into an object (they are made as they are stored).
    Object(ObjectError),
}

impl From<StoreError> for Failed {
    fn from(e: StoreError) -> Failed {
        Failed::Store(e)
    }
}

fn write_fresh(
    ledger: &mut Ledger<'_>,
    path: &Path,
    sha: &str,
    planned: Vec<Planned>,
    keys: Vec<Vec<Option<ClaimKeys>>>,
    premade: Vec<Option<Vec<PremadeMention>>>,
    options: &str,
) -> Result<FileReport, Failed> {
    let mut new_objects = 0;
    let mut fresh = Vec::with_capacity(planned.len());
    for ((p, mut keys), mut premade) in planned.into_iter().zip(keys).zip(premade) {
        let Planned {
            document,
            version,
            claims,
            mentions,
        } = p;
        new_objects += usize::from(ledger.put(document)?);
        let version_id = version.id();
        let version = Received::from(version);
        let version_new = ledger.put_ref(&version, None)?;
        new_objects += usize::from(version_new);
        // Only the text is kept to make the mentions from, not the canonical form (and not
        // even that when they were made on the planning thread).
        let text = match (&premade, version.body) {
            (None, Some(Body::Version(v))) => v.text,
            _ => String::new(),
        };
        let claims: Vec<Received> = claims.into_iter().map(Received::from).collect();
        let mut new_claims = 0;
        // Each mention is stored (made into an object just before, unless the planning thread
        // made it) with its claim stored (again: a claim stored before is not stored twice)
        // just before it.
        for (i, c) in mentions.claims().enumerate() {
            let Some(claim) = claims.get(c) else {
                continue;
            };
            let claim_keys = keys.get_mut(c).and_then(Option::take);
            if ledger.put_ref(claim, claim_keys)? {
                new_objects += 1;
                new_claims += 1;
            }
            let mention = match &mut premade {
                Some(made) => made.get_mut(i).and_then(Option::take),
                None => mentions.object(i, claim.object.id, version_id, &text),
            };
            let Some(mention) = mention else {
                continue;
            };
            let mention = mention.map_err(Failed::Object)?;
            new_objects += usize::from(ledger.put(mention)?);
        }
        fresh.push((version_id, version_new, mentions.len(), new_claims));
    }
    let version_ids: Vec<ObjectId> = fresh.iter().map(|f| f.0).collect();
    ledger.imports().record(&ImportRecord {
        path,
        file_sha256: sha,
        options,
        extractor_version: EXTRACTOR_VERSION,
        seqs: ledger.seq_range(),
        versions: &version_ids,
    })?;
    let mut versions = Vec::with_capacity(fresh.len());
    for (id, new, claims, new_claims) in fresh {
        let mut report = version_report(ledger, id, new)?;
        report.claims = claims;
        report.new_claims = new_claims;
        versions.push(report);
    }
    Ok(FileReport {
        path: path.to_path_buf(),
        versions,
        new_objects,
        cached: false,
        reviews: Vec::new(),
        refused: Vec::new(),
        warnings: Vec::new(),
    })
}

/// Stores the reviews of a file of fact-checks (no `by`, no `at`: the same file gives the same
/// objects everywhere), with its row of the import log.
fn write_reviews(
    ledger: &mut Ledger<'_>,
    path: &Path,
    sha: &str,
    reviews: Vec<Typed>,
    options: &str,
) -> Result<FileReport, StoreError> {
    let mut report = Vec::with_capacity(reviews.len());
    for typed in reviews {
        let id = typed.id();
        let new = ledger.put(typed)?;
        report.push(ReviewReport { id, new });
    }
    ledger.imports().record(&ImportRecord {
        path,
        file_sha256: sha,
        options,
        extractor_version: EXTRACTOR_VERSION,
        seqs: ledger.seq_range(),
        versions: &[],
    })?;
    Ok(FileReport {
        path: path.to_path_buf(),
        versions: Vec::new(),
        new_objects: report.iter().filter(|r| r.new).count(),
        cached: false,
        reviews: report,
        refused: Vec::new(),
        warnings: Vec::new(),
    })
}

fn version_report(
    ledger: &Ledger<'_>,
    id: ObjectId,
    new: bool,
) -> Result<VersionReport, StoreError> {
    let v = ledger.imports().version_summary(&id)?;
    Ok(VersionReport {
        document: v.document,
        version: id,
        number: v.number,
        title: v.title,
        new,
        claims: v.claims,
        new_claims: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mention `i` of every article of a file made as it is stored, without the planning
    /// thread's objects.
    fn made_when_stored(p: &Planned) -> Vec<PremadeMention> {
        let Body::Version(v) = &p.version.body else {
            return Vec::new();
        };
        p.mentions
            .claims()
            .enumerate()
            .map(|(i, c)| {
                p.mentions
                    .object(i, p.claims.get(c)?.id(), p.version.id(), &v.text)
            })
            .collect()
    }

    fn ids(made: &[PremadeMention]) -> Vec<ObjectId> {
        made.iter()
            .map(|m| m.as_ref().expect("made").as_ref().expect("valid").id())
            .collect()
    }

    // The mention objects made on the planning thread are those the writing thread makes
    // (same ids, same order); a text past the limit leaves them to the writing thread.
    #[test]
    fn premade_mentions_are_the_mentions_made_when_stored() {
        let extractor = Extractor::new().expect("embedded lexicon");
        let text =
            "Title: Bridge\n\nThe mayor said the bridge would open in May. \"We are ready,\" \
                    said Ann Lee, the engineer. Critics claimed the cost had doubled. The mayor \
                    said the bridge would open in May.\n";
        let articles =
            ingest::parse_owned(Path::new("a.txt"), text.as_bytes().to_vec()).expect("parsed");
        let plan = plan_articles(
            Path::new("a.txt"),
            String::new(),
            articles,
            &Overrides::default(),
            &extractor,
            Vec::new(),
        )
        .expect("planned");
        let Plan::Fresh {
            planned, mentions, ..
        } = plan
        else {
            panic!("a fresh plan");
        };
        assert_eq!((planned.len(), mentions.len()), (1, 1));
        let premade = mentions[0].as_ref().expect("made on the planning thread");
        assert_eq!(premade.len(), planned[0].mentions.len());
        assert!(premade.len() >= 3, "{} mentions", premade.len());
        assert_eq!(ids(premade), ids(&made_when_stored(&planned[0])));

        let long = format!("{}\n", "The mayor said it rained. ".repeat(11_000));
        let articles = ingest::parse_owned(Path::new("b.txt"), long.into_bytes()).expect("parsed");
        let Ok(Plan::Fresh { mentions, .. }) = plan_articles(
            Path::new("b.txt"),
            String::new(),
            articles,
            &Overrides::default(),
            &extractor,
            Vec::new(),
        ) else {
            panic!("a fresh plan");
        };
        assert!(
            mentions[0].is_none(),
            "a text past {PREMADE_MENTIONS_TEXT} bytes"
        );
    }
}
