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

use super::apply::apply as apply_objects;
use super::{SyncError, Tampered};
use crate::model::Received;
use crate::objects::{Object, ObjectError};
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
    #[error("{path}: {source} (neither in the bundle nor in this database); nothing was stored")]
    Incomplete {
        path: PathBuf,
        source: crate::store::StoreError,
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
/// object re-hashed. Nothing is written.
pub fn read(path: &Path) -> Result<Vec<Object>, BundleError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    parse(path, &bytes)
}

/// [`read`] on bytes in memory; `path` only names them in errors.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<Object>, BundleError> {
    let p = || path.to_path_buf();
    if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
        if bytes.len() < MAGIC.len() && MAGIC.starts_with(bytes) {
            return Err(BundleError::ShortHeader {
                path: p(),
                len: bytes.len(),
            });
        }
        return Err(BundleError::NotABundle { path: p() });
    }
    if bytes.len() < HEADER_LEN {
        return Err(BundleError::ShortHeader {
            path: p(),
            len: bytes.len(),
        });
    }
    let be = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    };
    let version = be(8..12) as u32;
    if version != FORMAT_VERSION {
        return Err(BundleError::TooNew {
            path: p(),
            found: version,
        });
    }
    let count = be(12..20);
    let length = be(20..28);
    let expected = hex::encode(&bytes[28..60]);
    if bytes.len() < HEADER_LEN + TRAILER_LEN {
        return Err(BundleError::Short {
            path: p(),
            len: bytes.len(),
        });
    }
    let (body, trailer) = bytes.split_at(bytes.len() - TRAILER_LEN);
    let compressed = &body[HEADER_LEN..];
    let payload_err = |problem: String| BundleError::Payload { path: p(), problem };

    // DEFLATE cannot expand more than about 1032:1; a larger announced length is a lie (and
    // would let a small file ask for unbounded memory).
    if length > (compressed.len() as u64).saturating_mul(1100) + 1024 {
        return Err(payload_err(format!(
            "cannot hold the {length} bytes the header announces"
        )));
    }
    // Decompress at most the announced length (plus one byte to notice more).
    let mut decoder = DeflateDecoder::new(compressed);
    let mut payload = Vec::with_capacity(length.min(1 << 28) as usize);
    (&mut decoder)
        .take(length.saturating_add(1))
        .read_to_end(&mut payload)
        .map_err(|e| payload_err(format!("cannot be read ({e})")))?;
    if payload.len() as u64 != length {
        return Err(payload_err(format!(
            "holds {} bytes, the header says {length}",
            payload.len()
        )));
    }
    // The DEFLATE stream must end exactly at the end of the file.
    let mut more = [0u8; 1];
    let extra = decoder
        .read(&mut more)
        .map_err(|e| payload_err(format!("cannot be read to its end ({e})")))?;
    let used = decoder.total_in() as usize;
    if extra != 0 || used != compressed.len() {
        return Err(payload_err(format!(
            "is followed by {} bytes of other data",
            compressed.len().saturating_sub(used)
        )));
    }
    let actual = hex::encode(Sha256::digest(&payload));
    if actual != expected {
        return Err(BundleError::Checksum {
            path: p(),
            expected,
            actual,
        });
    }
    let text =
        std::str::from_utf8(&payload).map_err(|e| payload_err(format!("is not UTF-8 ({e})")))?;
    let lines: Vec<&str> = match text.strip_suffix('\n') {
        Some(t) => t.split('\n').collect(),
        None if text.is_empty() => vec![],
        None => return Err(payload_err("does not end with a newline".into())),
    };
    if lines.len() as u64 != count {
        return Err(BundleError::Count {
            path: p(),
            expected: count,
            found: lines.len() as u64,
        });
    }
    // After the payload checks, so that the messages above say what is wrong when they can; this catches a
    // changed byte that the payload checks cannot see (e.g. unused bits of the DEFLATE stream).
    if Sha256::digest(body).as_slice() != trailer {
        return Err(BundleError::FileChecksum { path: p() });
    }
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            Object::from_body(line).map_err(|source| BundleError::Object {
                path: p(),
                index: i as u64,
                line: i as u64 + 1,
                source,
            })
        })
        .collect()
}

/// Verifies the whole bundle, then stores its objects in one transaction (or, with `dry_run`,
/// only reports). Idempotent.
pub fn apply(
    store: &mut Store,
    path: &Path,
    dry_run: bool,
) -> Result<(Applied, Vec<Object>), SyncError> {
    let bytes = std::fs::metadata(path).map_err(io(path))?.len();
    let objects = read(path)?;
    let count = objects.len() as u64;
    if dry_run {
        let ids: Vec<_> = objects.iter().map(|o| o.id).collect();
        let have = store.replica().present(&ids)?;
        let fresh: Vec<Object> = objects
            .into_iter()
            .zip(have)
            .filter(|(_, h)| !h)
            .map(|(o, _)| o)
            .collect();
        return Ok((
            Applied {
                objects: count,
                new: fresh.len() as u64,
                bytes,
            },
            fresh,
        ));
    }
    let origin = format!("bundle:{}", path.display());
    let objects = objects.into_iter().map(Received::from_object).collect();
    let applied = apply_objects(store, objects, &origin, None).map_err(|e| match e {
        SyncError::Store(source @ crate::store::StoreError::Index { .. }) => {
            SyncError::Bundle(BundleError::Incomplete {
                path: path.to_path_buf(),
                source,
            })
        }
        e => e,
    })?;
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
        },
        vec![],
    ))
}
