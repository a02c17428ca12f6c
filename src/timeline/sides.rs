//! The two sides `claims diff` compares: a stored version, an article file extracted in memory
//! (nothing is stored), or every claim of a database file.

use crate::extract::Extractor;
use crate::ingest::{self, IngestError};
use crate::model::{plan_article, ClaimRef, Overrides};
use crate::objects::{ObjectError, ObjectId};
use crate::relate::diff::{self, Diff};
use crate::store::query::versions::{
    all_claims, claims_at, for_each_claim, for_each_claim_seq, object_ids_after, version_claims,
    version_count, version_number, version_number_and_key,
};
use crate::store::query::{self, ResolveError};
use crate::store::{Store, StoreError};
use std::collections::{HashSet, VecDeque};
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
        label: database_label(path),
        claims: all_claims(&store)?,
        corrections: Vec::new(),
    })
}

/// The label of a database side.
pub fn database_label(path: &Path) -> String {
    format!("database {}", path.display())
}

/// How many ids [`ById`] reads at a time.
const PAGE: usize = 8192;

/// A database's claims in id order, as `(id, seq)`: its `objects` id index read a page at a
/// time, with the seqs that are claims known beforehand (one bit per object), so that no
/// claim row is read.
struct ById {
    store: Store,
    claims: Vec<u64>,
    page: VecDeque<(ObjectId, i64)>,
    last: Option<ObjectId>,
    done: bool,
}

impl ById {
    fn open(path: &Path) -> Result<ById, SideError> {
        let store = Store::open_read_only(path)?;
        let mut claims: Vec<u64> = Vec::new();
        for_each_claim_seq(&store, |seq| {
            if let Ok(seq) = usize::try_from(seq) {
                if claims.len() <= seq / 64 {
                    claims.resize(seq / 64 + 1, 0);
                }
                claims[seq / 64] |= 1 << (seq % 64);
            }
        })?;
        Ok(ById {
            store,
            claims,
            page: VecDeque::new(),
            last: None,
            done: false,
        })
    }

    fn is_claim(&self, seq: i64) -> bool {
        usize::try_from(seq).is_ok_and(|seq| {
            self.claims
                .get(seq / 64)
                .is_some_and(|w| w & (1 << (seq % 64)) != 0)
        })
    }

    fn peek(&mut self) -> Result<Option<&(ObjectId, i64)>, SideError> {
        while self.page.is_empty() && !self.done {
            let page = object_ids_after(&self.store, self.last.as_ref(), PAGE)?;
            self.done = page.len() < PAGE;
            self.last = page.last().map(|(id, _)| *id);
            let page: VecDeque<(ObjectId, i64)> = page
                .into_iter()
                .filter(|(_, seq)| self.is_claim(*seq))
                .collect();
            self.page = page;
        }
        Ok(self.page.front())
    }

    fn next(&mut self) -> Result<Option<(ObjectId, i64)>, SideError> {
        self.peek()?;
        Ok(self.page.pop_front())
    }
}

/// The claim diff of every claim of two databases (`claims diff A.db B.db`): the same as
/// [`diff::diff`] over both whole claim lists in id order (what [`load_database`] reads), but
/// read as a merge of the two files in id order, a page at a time, so that memory is bounded
/// by what differs (and one bit per stored object), not by the size of the databases.
///
/// 1. The merge reads each file's `objects` id index (which seqs are claims is read first,
///    from an index of `claims`): no claim row is read to find which ids only one side holds.
///    Those claims are set aside and then read by seq; claims on both sides are counted.
/// 2. A claim held by both sides can still take part in the diff: the diff first matches
///    claims that are the same up to noise ([`diff::key`]), in id order, so a claim both hold
///    is matched with a case-only variant on the other side if that variant's id comes first.
///    A pass over A's claims (in seq order: the table itself, read once) finds the claims
///    both hold whose key is the key of a claim set aside.
/// 3. The diff of those lists (in id order), with the claims held by both and outside them
///    counted as unchanged, is the diff of the whole lists: claims of different keys never
///    interact in the matching, and the pairing of step 2 of [`diff::diff`] only sees what
///    the matching left.
pub fn diff_databases(a: &Path, b: &Path) -> Result<Diff, SideError> {
    let mut left = ById::open(a)?;
    let mut right = ById::open(b)?;
    let (mut only_a, mut only_b): (Vec<i64>, Vec<i64>) = (Vec::new(), Vec::new());
    let mut common = 0usize;
    loop {
        let order = match (left.peek()?, right.peek()?) {
            (None, None) => break,
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Equal => {
                left.next()?;
                right.next()?;
                common += 1;
            }
            std::cmp::Ordering::Less => only_a.extend(left.next()?.map(|(_, seq)| seq)),
            std::cmp::Ordering::Greater => only_b.extend(right.next()?.map(|(_, seq)| seq)),
        }
    }
    let aside: HashSet<i64> = only_a.iter().copied().collect();
    let only_a = claims_at(&left.store, &only_a)?;
    let only_b = claims_at(&right.store, &only_b)?;
    // 2. The claims both hold with the key of a claim set aside (cue and stance compared
    // first: they are not folded), in one pass over A's claims in seq order.
    let keys: HashSet<diff::Key> = only_a.iter().chain(&only_b).map(diff::key).collect();
    let cues: HashSet<(&str, &str)> = keys.iter().map(|k| (k.1.as_str(), k.2.as_str())).collect();
    let mut shared: Vec<ClaimRef> = Vec::new();
    if !keys.is_empty() {
        for_each_claim(&left.store, |seq, c| {
            if !aside.contains(&seq)
                && cues.contains(&(c.cue.as_str(), c.stance.as_str()))
                && keys.contains(&diff::key(&c))
            {
                shared.push(c);
            }
        })?;
    }
    // 3. Both lists in id order, each with the shared claims merged in.
    let merged = |only: Vec<ClaimRef>| -> Vec<ClaimRef> {
        let mut all = only;
        all.extend(shared.iter().cloned());
        all.sort_by_key(|c| c.id);
        all
    };
    let (before, after) = (merged(only_a), merged(only_b));
    let mut d = diff::diff(&before, &after);
    d.unchanged += common - shared.len();
    Ok(d)
}
