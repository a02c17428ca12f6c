//! Why a sync, a push served, or a bundle failed.

use super::bundle::BundleError;
use crate::objects::ObjectError;
use crate::store::StoreError;
use std::path::PathBuf;

/// Why a sync failed. Whatever the cause, every batch already applied was complete and
/// verified, and the next sync carries on from there.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{address}: {message}")]
    Transport { address: String, message: String },
    #[error("{address}: refused (HTTP {status}): {message}")]
    Refused {
        address: String,
        status: u16,
        message: String,
    },
    #[error("the peer broke the protocol: {0}")]
    Protocol(String),
    #[error("{origin}: object {index} is refused: {source}; nothing of its batch was stored")]
    BadObject {
        origin: String,
        index: usize,
        source: ObjectError,
    },
    /// Stored objects whose bodies no longer hash to their ids (the file was edited or
    /// damaged): never sent. Everything else was.
    #[error(
        "{path}: {} stored object(s) do not match their ids (the database file was changed or \
         damaged) and are never sent (a sync sends all the rest, no bundle is written): {}; run \
         `claims verify`",
        .tampered.len(),
        .tampered.iter().map(|t| format!("{} (its body hashes to {})", t.id, t.actual)).collect::<Vec<_>>().join(", ")
    )]
    Tampered {
        path: PathBuf,
        tampered: Vec<Tampered>,
    },
    /// Objects the peer holds with bodies that no longer hash to their ids: it refused to send
    /// them and they were left out; everything else was exchanged both ways. No cursor passes
    /// them, so every later sync compares again and fails again until the peer is repaired.
    #[error(
        "{address}: {} object(s) stored at the hub do not match their ids (its database file \
         was changed or damaged) and are not sent: {}; run `claims verify` on the hub; \
         everything else was exchanged",
        .tampered.len(),
        .tampered.iter().map(|t| format!("{} (its body hashes to {})", t.id, t.actual)).collect::<Vec<_>>().join(", ")
    )]
    PeerTampered {
        address: String,
        tampered: Vec<Tampered>,
    },
    #[error("{0}: cannot sync a database with itself")]
    SameDatabase(PathBuf),
    #[error("{0}: not a hub address (use http://HOST:PORT, or a database path)")]
    BadAddress(String),
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// A thread of the sync panicked: a bug, reported instead of a sync that looks complete.
    #[error("internal error: the {thread} thread of the sync stopped ({message}); the batches stored before it are kept")]
    Panicked {
        thread: &'static str,
        message: String,
    },
}

/// A stored object whose body does not hash to its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tampered {
    /// The id it is stored under.
    pub id: String,
    /// What its body hashes to.
    pub actual: String,
}

impl Tampered {
    /// `Some` when `body` does not hash to `id` (the id as stored).
    pub fn check(id: &str, body: &str) -> Option<Tampered> {
        let actual = crate::objects::ObjectId::of_bytes(body.as_bytes()).to_hex();
        (actual != id).then(|| Tampered {
            id: id.to_string(),
            actual,
        })
    }
}
