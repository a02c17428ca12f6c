//! The other end of a sync, as the side that drives it sees it ([`Peer`]), and the two ways to
//! reach one: a hub over HTTP ([`HttpPeer`]), or another database file through an in-process
//! hub ([`DbPeer`]: same frames, same code path, no network).

use super::hub::Hub;
use super::wire::{self, Limits};
use super::SyncError;
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One end of a sync, as seen by the side that drives it: exchanges one request frame for one
/// reply frame. An error status comes back as `(status, frame)`, not as `Err`.
pub trait Peer: Send {
    fn exchange(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError>;
    /// The URL or path, for messages and the sync log.
    fn address(&self) -> String;
}

/// The largest reply frame the client reads.
const MAX_REPLY_BYTES: u64 = 1 << 30;

/// A hub reached over HTTP.
pub struct HttpPeer {
    agent: ureq::Agent,
    base: String,
    url: String,
    token: Option<String>,
}

impl HttpPeer {
    /// `base` is `http://HOST:PORT` or `https://HOST:PORT` (a trailing slash is fine); an
    /// HTTPS hub's certificate is verified against the usual web roots.
    pub fn new(base: &str, token: Option<String>) -> Result<HttpPeer, SyncError> {
        HttpPeer::with_ca(base, token, None)
    }

    /// As [`HttpPeer::new`], verifying an HTTPS hub's certificate against the certificates
    /// of this PEM file (a private CA) instead of the web roots.
    pub fn with_ca(
        base: &str,
        token: Option<String>,
        ca: Option<&Path>,
    ) -> Result<HttpPeer, SyncError> {
        let trimmed = base.trim_end_matches('/');
        let rest = trimmed
            .strip_prefix("http://")
            .or_else(|| trimmed.strip_prefix("https://"))
            .ok_or_else(|| SyncError::BadAddress(base.to_string()))?;
        if rest.is_empty() || rest.contains('/') {
            return Err(SyncError::BadAddress(base.to_string()));
        }
        let mut tls = ureq::tls::TlsConfig::builder().provider(ureq::tls::TlsProvider::Rustls);
        if let Some(path) = ca {
            let bad = |message: String| SyncError::Transport {
                address: path.display().to_string(),
                message,
            };
            let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
            let mut roots = Vec::new();
            for item in ureq::tls::parse_pem(&pem) {
                if let ureq::tls::PemItem::Certificate(c) =
                    item.map_err(|e| bad(format!("not a PEM file: {e}")))?
                {
                    roots.push(c);
                }
            }
            if roots.is_empty() {
                return Err(bad("no certificate in this file".into()));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(roots)));
        }
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(600)))
            .tls_config(tls.build())
            .build();
        Ok(HttpPeer {
            agent: config.into(),
            base: trimmed.to_string(),
            url: format!("{trimmed}{}", wire::PATH),
            token,
        })
    }
}

impl Peer for HttpPeer {
    fn exchange(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError> {
        let transport = |e: ureq::Error| SyncError::Transport {
            address: self.base.clone(),
            message: e.to_string(),
        };
        let mut request = self
            .agent
            .post(&self.url)
            .header("Content-Type", "application/x-claims-sync");
        if let Some(token) = &self.token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let mut response = request.send(&frame[..]).map_err(transport)?;
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_REPLY_BYTES)
            .read_to_vec()
            .map_err(transport)?;
        Ok((status, body))
    }

    fn address(&self) -> String {
        self.base.clone()
    }
}

/// Another database file, answered by an in-process hub.
pub struct DbPeer {
    hub: Hub<Store>,
    path: PathBuf,
    /// The syncing database's path, as the other file's sync log names it.
    local: String,
}

impl DbPeer {
    /// Opens `other` (which must exist) to sync `local_path` with it.
    pub fn open(local_path: &Path, other: &Path) -> Result<DbPeer, SyncError> {
        let same = match (local_path.canonicalize(), other.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if same {
            return Err(SyncError::SameDatabase(other.to_path_buf()));
        }
        let store = Store::open_existing(other)?;
        store.tune_for_sync(false)?;
        let limits = Limits {
            max_request_bytes: u64::MAX,
            max_object_bytes: u64::MAX,
            max_items: Limits::default().max_items,
        };
        Ok(DbPeer {
            hub: Hub::new(store, limits)?,
            path: other.to_path_buf(),
            local: local_path.display().to_string(),
        })
    }
}

impl Peer for DbPeer {
    fn exchange(&mut self, frame: Vec<u8>) -> Result<(u16, Vec<u8>), SyncError> {
        let answer = self.hub.handle(&frame, true, &self.local);
        Ok((answer.status, answer.body))
    }

    fn address(&self) -> String {
        self.path.display().to_string()
    }
}
