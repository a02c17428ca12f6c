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
