//! The HTTP hub: `POST /v1/sync` with one request frame, answered by a [`Hub`].
//!
//! Blocking and single-threaded on purpose: requests are short, the database has one writer,
//! and a hub serves a newsroom, not the internet. Pushes need the bearer token when one is
//! configured (401 without it); bodies past the limits get 413.

use super::hub::{Answer, Hub, HubStore};
use super::wire::{self, Limits, Reply};
use super::SyncError;
use crate::store::Store;
use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

/// How a hub is run.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    /// The bearer token pushes must carry; `None` lets anyone who can connect push.
    pub token: Option<String>,
    pub limits: Limits,
}

/// What the serving loop reports after each request, for a log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub remote: Option<SocketAddr>,
    pub status: u16,
    pub request_bytes: u64,
    pub reply_bytes: u64,
}

/// A hub server bound to a listener.
pub struct Server {
    http: Arc<tiny_http::Server>,
    addr: SocketAddr,
}

impl Server {
    /// Takes an already bound listener (bind `127.0.0.1:0` for an ephemeral port).
    pub fn from_listener(listener: TcpListener) -> Result<Server, SyncError> {
        let addr = listener.local_addr().map_err(|e| SyncError::Transport {
            address: "listener".into(),
            message: e.to_string(),
        })?;
        let http =
            tiny_http::Server::from_listener(listener, None).map_err(|e| SyncError::Transport {
                address: addr.to_string(),
                message: e.to_string(),
            })?;
        Ok(Server {
            http: Arc::new(http),
            addr,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves until [`Running::stop`] (or forever). Each request is answered in turn.
    pub fn serve<S: HubStore>(
        &self,
        hub: &mut Hub<S>,
        options: &ServeOptions,
        mut on_request: impl FnMut(&Served),
    ) {
        for mut request in self.http.incoming_requests() {
            let remote = request.remote_addr().copied();
            let (answer, request_bytes) = answer(hub, options, &mut request);
            let served = Served {
                remote,
                status: answer.status,
                request_bytes,
                reply_bytes: answer.body.len() as u64,
            };
            let mut response =
                tiny_http::Response::from_data(answer.body).with_status_code(answer.status);
            if let Ok(h) = tiny_http::Header::from_bytes(
                &b"Content-Type"[..],
                &b"application/x-claims-sync"[..],
            ) {
                response = response.with_header(h);
            }
            // A client that went away is its problem; the hub goes on.
            let _ = request.respond(response);
            on_request(&served);
        }
    }

    /// Serves on a thread of its own; for tests and embedding.
    pub fn spawn(self, store: Store, options: ServeOptions) -> Result<Running, SyncError> {
        let url = self.url();
        store.tune_for_sync(false)?;
        let mut hub = Hub::new(store, options.limits)?;
        let http = Arc::clone(&self.http);
        let thread = std::thread::spawn(move || self.serve(&mut hub, &options, |_| {}));
        Ok(Running {
            http,
            url,
            thread: Some(thread),
        })
    }
}

/// A hub serving on its own thread; stopping it waits for the request in hand.
pub struct Running {
    http: Arc<tiny_http::Server>,
    url: String,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.http.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.halt();
    }
}

fn refusal(status: u16, error: String) -> Answer {
    Answer {
        status,
        body: wire::encode(&Reply::Error { status, error }, &[]),
    }
}

/// Reads one request within the limits and answers it; returns the answer and the bytes read.
fn answer<S: HubStore>(
    hub: &mut Hub<S>,
    options: &ServeOptions,
    request: &mut tiny_http::Request,
) -> (Answer, u64) {
    let max = options.limits.max_request_bytes;
    if request.method() != &tiny_http::Method::Post || request.url() != wire::PATH {
        return (
            refusal(
                404,
                format!("nothing here: a hub answers POST {}", wire::PATH),
            ),
            0,
        );
    }
    let too_big = |n: u64| {
        refusal(
            413,
            format!("the request is {n} bytes, more than this hub accepts ({max})"),
        )
    };
    // Read at most max + 1 bytes, then drain a little more so the client sees the 413.
    let mut body = Vec::new();
    let read = request
        .as_reader()
        .take(max.saturating_add(1))
        .read_to_end(&mut body);
    if let Err(e) = read {
        return (
            refusal(400, format!("the request body could not be read: {e}")),
            0,
        );
    }
    let n = body.len() as u64;
    if n > max {
        let declared = request.body_length().map_or(n, |l| l as u64);
        let _ = std::io::copy(
            &mut request.as_reader().take(64 * 1024 * 1024),
            &mut std::io::sink(),
        );
        return (too_big(declared), n);
    }
    let authorized = match &options.token {
        None => true,
        Some(token) => request
            .headers()
            .iter()
            .find(|h| h.field.equiv("Authorization"))
            .map(|h| same_secret(h.value.as_str(), &format!("Bearer {token}")))
            .unwrap_or(false),
    };
    let from = request
        .remote_addr()
        .map(|a| format!("http://{a}"))
        .unwrap_or_default();
    (hub.handle(&body, authorized, &from), n)
}

/// Compares without stopping at the first difference.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
