//! Bundle files: a set of objects to carry on a USB stick or by e-mail.
//!
//! Layout (all integers big-endian; `docs/bundle-format.md` is the spec):
//!
//! ```text
//! offset  size  field
//!      0     8  magic "CLMSBNDL"
//!      8     4  format version (1)
//!     12     8  object count
//!     20     8  payload length in bytes (uncompressed)
//!     28    32  sha256 of the uncompressed payload
//!     60     …  the payload, raw DEFLATE (RFC 1951)
//!   end-32    32  sha256 of every byte before it (header and compressed payload)
//! ```
//!
//! The payload is each object's canonical JSON followed by `\n`, in the writer's arrival order
//! (so referenced objects come first). Applying verifies everything before writing anything,
//! then stores it through the ledger in one transaction.

use super::apply::{split_last_article, Applying};
use super::{SyncError, Tampered};
use crate::model::Received;
use crate::objects::{Object, ObjectError, MAX_OBJECT_BYTES};
use crate::store::replica::LogEntry;
use crate::store::Store;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub const MAGIC: &[u8; 8] = b"CLMSBNDL";
pub const FORMAT_VERSION: u32 = 1;
pub const HEADER_LEN: usize = 60;
pub const TRAILER_LEN: usize = 32;

/// Why a bundle could not be written or applied. When applying, the database is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a claims bundle (it does not start with \"CLMSBNDL\")")]
    NotABundle { path: PathBuf },
    #[error("{path}: truncated: {len} bytes, shorter than the {HEADER_LEN}-byte header")]
    ShortHeader { path: PathBuf, len: usize },
    #[error("{path}: corrupt: the file's checksum does not match its bytes")]
    FileChecksum { path: PathBuf },
    #[error("{path}: truncated: {len} bytes, too short for a bundle")]
    Short { path: PathBuf, len: usize },
    #[error("{path}: bundle format {found} is newer than this release reads ({FORMAT_VERSION}); upgrade claims")]
    TooNew { path: PathBuf, found: u32 },
    #[error("{path}: truncated or corrupt: the compressed payload {problem}")]
    Payload { path: PathBuf, problem: String },
    #[error("{path}: corrupt: the payload hashes to {actual}, the header says {expected}")]
    Checksum {
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("{path}: corrupt: the header announces {expected} objects, the payload holds {found}")]
    Count {
        path: PathBuf,
        expected: u64,
        found: u64,
    },
    #[error("{path}: object {index} (line {line}) is refused: {source}")]
    Object {
        path: PathBuf,
        index: u64,
        line: u64,
        source: ObjectError,
    },
    #[error("{path}: object {index} (line {line}) is longer than {MAX_OBJECT_BYTES} bytes, the largest object a database takes; nothing was stored")]
    TooLarge {
        path: PathBuf,
        index: u64,
        line: u64,
    },
    #[error("{path}: {source} (neither in the bundle nor in this database); nothing was stored")]
    Incomplete {
        path: PathBuf,
        source: Box<crate::store::StoreError>,
    },
    #[error("{path}: {refusal}; nothing was stored")]
    Refused {
        path: PathBuf,
        refusal: Box<crate::store::StoreError>,
    },
    #[error("{path}: --since {value:?} is not a date (use YYYY-MM-DD or RFC 3339)")]
    BadSince { path: PathBuf, value: String },
}

/// What `create` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    pub objects: u64,
    /// Size of the file.
    pub bytes: u64,
    /// Size of the uncompressed payload.
    pub payload_bytes: u64,
}

/// What `apply` found and stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub objects: u64,
    pub new: u64,
    pub bytes: u64,
    /// Objects this database's block list kept out (`claims block`).
    pub refused: Vec<crate::ledger::Blocked>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BundleError + '_ {
    move |source| BundleError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes every object (or those that arrived since `since`) to `path`, atomically: a
/// temporary file in the same directory, fsync, rename.
pub fn create(store: &Store, path: &Path, since: Option<&str>) -> Result<Created, SyncError> {
    let from = match since {
        None => Some(1),
        Some(value) => {
            let since =
                crate::time::utc_bound(value, crate::time::DayEdge::Start).ok_or_else(|| {
                    BundleError::BadSince {
                        path: path.to_path_buf(),
                        value: value.to_string(),
                    }
                })?;
            store.replica().first_seq_since(&since)?
        }
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = write_to(store, &tmp, from);
    let created = match result {
        Ok(c) => c,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(path)(e)
    })?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    store.replica().log(&LogEntry {
        peer: String::new(),
        address: path.display().to_string(),
        direction: "bundle-create",
        sent: created.objects,
        bytes_sent: created.bytes,
        mode: "bundle",
        ..Default::default()
    })?;
    Ok(created)
}

fn write_to(store: &Store, tmp: &Path, from: Option<i64>) -> Result<Created, SyncError> {
    let err = io(tmp);
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::fast());
    let mut hasher = Sha256::new();
    let mut count = 0u64;
    let mut payload = 0u64;
    let mut tampered = Vec::new();
    if let Some(from) = from {
        store
            .replica()
            .each_body_from(from, |id, body| -> Result<(), SyncError> {
                // Every body is re-hashed before it leaves: one that does not match its id
                // (the file was edited or damaged) is never written.
                if let Some(t) = Tampered::check(id, body) {
                    tampered.push(t);
                    return Ok(());
                }
                hasher.update(body.as_bytes());
                hasher.update(b"\n");
                encoder.write_all(body.as_bytes()).map_err(&err)?;
                encoder.write_all(b"\n").map_err(&err)?;
                count += 1;
                payload += body.len() as u64 + 1;
                Ok(())
            })?;
    }
    if !tampered.is_empty() {
        return Err(SyncError::Tampered {
            path: store.path().to_path_buf(),
            tampered,
        });
    }
    let compressed = encoder.finish().map_err(&err)?;
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
    header.extend_from_slice(&count.to_be_bytes());
    header.extend_from_slice(&payload.to_be_bytes());
    header.extend_from_slice(&hasher.finalize());
    let mut whole = Sha256::new();
    whole.update(&header);
    whole.update(&compressed);
    let mut file = std::fs::File::create(tmp).map_err(&err)?;
    file.write_all(&header).map_err(&err)?;
    file.write_all(&compressed).map_err(&err)?;
    file.write_all(&whole.finalize()).map_err(&err)?;
    file.sync_all().map_err(&err)?;
    Ok(Created {
        objects: count,
        bytes: (HEADER_LEN + compressed.len() + TRAILER_LEN) as u64,
        payload_bytes: payload,
    })
}

/// Reads and checks a whole bundle: header, decompression, length, checksum, count, and every
/// object re-hashed. Nothing is written. (Holds every object in memory: for tools and tests;
/// [`apply`] streams.)
pub fn read(path: &Path) -> Result<Vec<Object>, BundleError> {
    let file = std::fs::File::open(path).map_err(io(path))?;
    let len = file.metadata().map_err(io(path))?.len();
    let mut out = Vec::new();
    decode(path, file, len, |r| -> Result<(), BundleError> {
        out.push(r.object);
        Ok(())
    })?;
    Ok(out)
}

/// [`read`] on bytes in memory; `path` only names them in errors.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<Object>, BundleError> {
    let mut out = Vec::new();
    decode(
        path,
        bytes,
        bytes.len() as u64,
        |r| -> Result<(), BundleError> {
            out.push(r.object);
            Ok(())
        },
    )?;
    Ok(out)
}

/// A reader that hashes and counts what passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Streams a bundle of `len` bytes from `input`, checking it as it goes, and hands each object
/// (re-hashed, with its typed body) to `each` as soon as its line is read. Memory is bounded by
/// a constant plus the longest line, which may not exceed [`MAX_OBJECT_BYTES`]: a bundle that
/// announces more than it holds, or holds lines that are not objects, is refused at the first
/// line that shows it, never after collecting the rest. The checks that need the whole payload
/// (length, checksum, count, file checksum) come at the end: a caller that stored what `each`
/// got must undo it when this fails. Returns the number of objects.
pub fn decode<R: Read, E: From<BundleError>>(
    path: &Path,
    mut input: R,
    len: u64,
    mut each: impl FnMut(Received) -> Result<(), E>,
) -> Result<u64, E> {
    use std::io::BufRead;
    let p = || path.to_path_buf();
    let mut header = [0u8; HEADER_LEN];
    let head_len = len.min(HEADER_LEN as u64) as usize;
    input
        .read_exact(&mut header[..head_len])
        .map_err(io(path))?;
    let head = &header[..head_len];
    if head.len() < MAGIC.len() || &head[..MAGIC.len()] != MAGIC {
        if head.len() < MAGIC.len() && MAGIC.starts_with(head) {
            return Err(BundleError::ShortHeader {
                path: p(),
                len: head.len(),
            }
            .into());
        }
        return Err(BundleError::NotABundle { path: p() }.into());
    }
    if head.len() < HEADER_LEN {
        return Err(BundleError::ShortHeader {
            path: p(),
            len: head.len(),
        }
        .into());
    }
    let be = |range: std::ops::Range<usize>| {
        header[range]
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    };
    let version = be(8..12) as u32;
    if version != FORMAT_VERSION {
        return Err(BundleError::TooNew {
            path: p(),
            found: version,
        }
        .into());
    }
    let count = be(12..20);
    let length = be(20..28);
    let expected = hex::encode(&header[28..60]);
    if len < (HEADER_LEN + TRAILER_LEN) as u64 {
        return Err(BundleError::Short {
            path: p(),
            len: len as usize,
        }
        .into());
    }
    let compressed_len = len - (HEADER_LEN + TRAILER_LEN) as u64;
    let payload_err = |problem: String| BundleError::Payload { path: p(), problem };

    // DEFLATE cannot expand more than about 1032:1; a larger announced length is a lie.
    if length > compressed_len.saturating_mul(1100) + 1024 {
        return Err(payload_err(format!(
            "cannot hold the {length} bytes the header announces"
        ))
        .into());
    }
    let mut whole = Sha256::new();
    whole.update(header);
    let hashing = Hashing {
        inner: (&mut input).take(compressed_len),
        hasher: whole,
    };
    let mut decoder = DeflateDecoder::new(hashing);
    let mut payload_hash = Sha256::new();
    let mut total = 0u64;
    let mut lines = 0u64;
    {
        let mut reader = std::io::BufReader::with_capacity(64 * 1024, &mut decoder);
        let mut line = Vec::new();
        loop {
            line.clear();
            // One line at a time, never longer than an object may be.
            let n = (&mut reader)
                .take(MAX_OBJECT_BYTES + 1)
                .read_until(b'\n', &mut line)
                .map_err(|e| payload_err(format!("cannot be read ({e})")))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > length {
                return Err(payload_err(format!(
                    "holds more than the {length} bytes the header says"
                ))
                .into());
            }
            payload_hash.update(&line);
            let index = lines;
            if line.last() != Some(&b'\n') {
                if n as u64 > MAX_OBJECT_BYTES {
                    return Err(BundleError::TooLarge {
                        path: p(),
                        index,
                        line: index + 1,
                    }
                    .into());
                }
                return Err(payload_err("does not end with a newline".into()).into());
            }
            lines += 1;
            if lines > count {
                // Counted for the message at the end, never parsed or kept.
                continue;
            }
            let object_err = |source: ObjectError| BundleError::Object {
                path: p(),
                index,
                line: index + 1,
                source,
            };
            let text = std::str::from_utf8(&line[..n - 1])
                .map_err(|e| object_err(ObjectError::Json(format!("not UTF-8 ({e})"))))?;
            each(Received::from_body(text).map_err(object_err)?)?;
        }
    }
    // The DEFLATE stream must end exactly at the end of the compressed bytes.
    let used = decoder.total_in();
    let mut hashing = decoder.into_inner();
    std::io::copy(&mut hashing, &mut std::io::sink()).map_err(io(path))?;
    if used != compressed_len {
        return Err(payload_err(format!(
            "is followed by {} bytes of other data",
            compressed_len.saturating_sub(used)
        ))
        .into());
    }
    if total != length {
        return Err(payload_err(format!("holds {total} bytes, the header says {length}")).into());
    }
    let actual = hex::encode(payload_hash.finalize());
    if actual != expected {
        return Err(BundleError::Checksum {
            path: p(),
            expected,
            actual,
        }
        .into());
    }
    if lines != count {
        return Err(BundleError::Count {
            path: p(),
            expected: count,
            found: lines,
        }
        .into());
    }
    // Last, so that the messages above say what is wrong when they can; this catches a
    // changed byte that the payload checks cannot see (e.g. unused bits of the DEFLATE stream).
    let file_hash = hashing.hasher.finalize();
    let mut trailer = [0u8; TRAILER_LEN];
    input.read_exact(&mut trailer).map_err(io(path))?;
    if file_hash.as_slice() != trailer {
        return Err(BundleError::FileChecksum { path: p() }.into());
    }
    Ok(lines)
}

/// Objects stored per ledger batch while a bundle is applied (and bytes of their bodies): the
/// bundle streams through in batches like these, all in one transaction.
const APPLY_BATCH: usize = 2000;
const APPLY_BATCH_BYTES: usize = 4 * 1024 * 1024;

/// Verifies the whole bundle, then stores its objects in one transaction (or, with `dry_run`,
/// only reports). Idempotent.
pub fn apply(
    store: &mut Store,
    path: &Path,
    dry_run: bool,
) -> Result<(Applied, Vec<Object>), SyncError> {
    let file = std::fs::File::open(path).map_err(io(path))?;
    let bytes = file.metadata().map_err(io(path))?.len();
    let input = std::io::BufReader::with_capacity(64 * 1024, file);
    if dry_run {
        let mut fresh = Vec::new();
        let count = decode(path, input, bytes, |r| -> Result<(), SyncError> {
            if !store.replica().present(&[r.object.id])?[0] {
                fresh.push(r.object);
            }
            Ok(())
        })?;
        let mut seen = std::collections::HashSet::new();
        fresh.retain(|o| seen.insert(o.id));
        return Ok((
            Applied {
                objects: count,
                new: fresh.len() as u64,
                bytes,
                refused: vec![],
            },
            fresh,
        ));
    }
    let origin = format!("bundle:{}", path.display());
    let incomplete = |e: SyncError| match e {
        SyncError::Store(source @ crate::store::StoreError::Index { .. }) => {
            SyncError::Bundle(BundleError::Incomplete {
                path: path.to_path_buf(),
                source: Box::new(source),
            })
        }
        SyncError::Store(refusal @ crate::store::StoreError::Refused { .. }) => {
            SyncError::Bundle(BundleError::Refused {
                path: path.to_path_buf(),
                refusal: Box::new(refusal),
            })
        }
        e => e,
    };
    // Objects are stored as they are read, in batches cut between articles, all in one
    // transaction that is only committed once the whole file has checked out.
    let mut applying = Applying::begin(store)?;
    let mut batch: Vec<Received> = Vec::new();
    let mut batch_bytes = 0usize;
    let count = decode(path, input, bytes, |r| -> Result<(), SyncError> {
        batch_bytes += r.object.body.len();
        batch.push(r);
        if batch.len() >= APPLY_BATCH || batch_bytes >= APPLY_BATCH_BYTES {
            let tail = split_last_article(&mut batch, |r| r.object.kind.as_str());
            applying.add(std::mem::replace(&mut batch, tail))?;
            batch_bytes = batch.iter().map(|r| r.object.body.len()).sum();
        }
        Ok(())
    })
    .map_err(incomplete)?;
    applying.add(batch).map_err(incomplete)?;
    let applied = applying.finish(&origin, None).map_err(incomplete)?;
    store.replica().log(&LogEntry {
        peer: String::new(),
        address: path.display().to_string(),
        direction: "bundle-apply",
        received: applied.stored,
        bytes_received: bytes,
        mode: "bundle",
        ..Default::default()
    })?;
    Ok((
        Applied {
            objects: count,
            new: applied.stored,
            bytes,
            refused: applied.refused,
        },
        vec![],
    ))
}
