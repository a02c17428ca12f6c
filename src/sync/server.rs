//! The HTTP hub: `POST /v1/sync` with one request frame, answered by a [`Hub`].
//!
//! A small HTTP/1.1 server of its own, so that it controls what a slow or idle client may
//! cost: one thread accepts connections into a bounded queue; a fixed pool of workers reads
//! each request (head and body within `request_timeout`, at most `max_request_bytes`), waits
//! for a free hub (one per store connection: one for an SQLite file, several for PostgreSQL)
//! only once the request is in hand, answers, and keeps the connection for the client's next
//! request until it has been idle for `idle_timeout`. A slow client holds one worker, never
//! a hub. Stopping lets every request in hand finish, and drops nothing half-stored (a push
//! is one transaction).
//!
//! Who may do what: with users (a hub on PostgreSQL, `claims hub user add`), every request
//! needs a user's bearer token (401 without it, or with a revoked one), and a push needs the
//! role `write` or `admin` (403 for `read`). The single `--token` of older hubs still works:
//! it may push, and reading needs no token while the hub has no users.

use super::hub::{Answer, Credential, Hub, HubStore, PushRight, Role};
use super::wire::{self, Limits, Reply};
use super::SyncError;
use crate::store::Store;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How a hub is run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The bearer token pushes must carry; `None` lets anyone who can connect push (unless
    /// the hub has users).
    pub token: Option<String>,
    pub limits: Limits,
    /// Connections served at once (each by a worker thread).
    pub workers: usize,
    /// The longest a request may take to arrive, head and body.
    pub request_timeout: Duration,
    /// How long a kept-alive connection may wait for its next request.
    pub idle_timeout: Duration,
    /// Serve HTTPS with this certificate ([`tls_config`]); plain HTTP without.
    pub tls: Option<Arc<rustls::ServerConfig>>,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            token: None,
            limits: Limits::default(),
            workers: 16,
            request_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(15),
            tls: None,
        }
    }
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
    listener: TcpListener,
    addr: SocketAddr,
}

/// The largest request head (request line and headers) read.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How often a waiting worker looks at the stop flag and its deadline.
const TICK: Duration = Duration::from_millis(100);

impl Server {
    /// Takes an already bound listener (bind `127.0.0.1:0` for an ephemeral port).
    pub fn from_listener(listener: TcpListener) -> Result<Server, SyncError> {
        let addr = listener.local_addr().map_err(|e| SyncError::Transport {
            address: "listener".into(),
            message: e.to_string(),
        })?;
        Ok(Server { listener, addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves with these hubs (one per store connection) until stopped, calling `on_request`
    /// after each request.
    pub fn start<S: HubStore + Send + 'static>(
        self,
        hubs: Vec<Hub<S>>,
        options: ServeOptions,
        on_request: impl Fn(&Served) + Send + Sync + 'static,
    ) -> Result<Running, SyncError> {
        let url = match options.tls {
            Some(_) => format!("https://{}", self.addr),
            None => self.url(),
        };
        let stop = Arc::new(AtomicBool::new(false));
        let pool = Arc::new(Pool {
            hubs: Mutex::new(hubs),
            free: Condvar::new(),
        });
        let workers = options.workers.max(1);
        let (tx, rx) = std::sync::mpsc::sync_channel::<TcpStream>(workers * 4);
        let rx = Arc::new(Mutex::new(rx));
        let options = Arc::new(options);
        let on_request = Arc::new(on_request);
        let mut threads = Vec::with_capacity(workers + 1);
        for _ in 0..workers {
            let (rx, pool, options, stop, on_request) = (
                Arc::clone(&rx),
                Arc::clone(&pool),
                Arc::clone(&options),
                Arc::clone(&stop),
                Arc::clone(&on_request),
            );
            threads.push(std::thread::spawn(move || loop {
                let next = match rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok(stream) = next else { return };
                serve_connection(stream, &pool, &options, &stop, &*on_request);
            }));
        }
        let accept_stop = Arc::clone(&stop);
        let listener = self.listener;
        threads.push(std::thread::spawn(move || {
            for stream in listener.incoming() {
                if let Ok(stream) = stream {
                    if tx.send(stream).is_err() {
                        return;
                    }
                }
                if accept_stop.load(Ordering::SeqCst) {
                    // Connections the kernel already took may carry a request sent before the
                    // stop: they go to the workers too, which answer those whose bytes are
                    // here and drop the others (the wake-up connection among them).
                    if listener.set_nonblocking(true).is_ok() {
                        while let Ok((stream, _)) = listener.accept() {
                            let _ = stream.set_nonblocking(false);
                            if tx.send(stream).is_err() {
                                return;
                            }
                        }
                    }
                    return;
                }
            }
        }));
        Ok(Running {
            url,
            addr: self.addr,
            stop,
            threads,
        })
    }

    /// Serves one SQLite file on threads of its own; for tests and embedding.
    pub fn spawn(self, store: Store, options: ServeOptions) -> Result<Running, SyncError> {
        store.tune_for_sync(false)?;
        let hub = Hub::new(store, options.limits)?;
        self.start(vec![hub], options, |_| {})
    }

    /// Serves until SIGTERM or SIGINT (for the command line), then stops gracefully: no new
    /// connection or request is taken, every request already begun is read, answered (a push
    /// stored in its transaction) and its connection closed, and then this returns.
    /// `on_ready` runs once the signals are handled and the workers run: what it announces
    /// (the address) can be acted on, a SIGTERM included.
    pub fn serve<S: HubStore + Send + 'static>(
        self,
        hubs: Vec<Hub<S>>,
        options: ServeOptions,
        on_ready: impl FnOnce() -> std::io::Result<()>,
        on_request: impl Fn(&Served) + Send + Sync + 'static,
    ) -> Result<(), SyncError> {
        let signalled = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            signal_hook::flag::register(signal, Arc::clone(&signalled)).map_err(|e| {
                SyncError::Transport {
                    address: self.addr.to_string(),
                    message: format!("cannot handle signal {signal}: {e}"),
                }
            })?;
        }
        let address = self.addr.to_string();
        let mut running = self.start(hubs, options, on_request)?;
        on_ready().map_err(|e| SyncError::Transport {
            address,
            message: e.to_string(),
        })?;
        while !signalled.load(Ordering::SeqCst) {
            std::thread::sleep(TICK);
        }
        running.halt();
        Ok(())
    }
}

/// The hubs of a server: a worker takes one for the time of one answer.
struct Pool<S: HubStore> {
    hubs: Mutex<Vec<Hub<S>>>,
    free: Condvar,
}

impl<S: HubStore> Pool<S> {
    fn with<T>(&self, f: impl FnOnce(&mut Hub<S>) -> T) -> Option<T> {
        let mut hub = {
            let mut hubs = self.hubs.lock().ok()?;
            loop {
                if let Some(h) = hubs.pop() {
                    break h;
                }
                hubs = self.free.wait(hubs).ok()?;
            }
        };
        // A hub that panicked (a bug) still goes back: its transaction was dropped unfinished,
        // so nothing of the request was stored, and the server keeps serving.
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut hub)));
        if let Ok(mut hubs) = self.hubs.lock() {
            hubs.push(hub);
        }
        self.free.notify_one();
        out.ok()
    }
}

/// A hub serving on threads of its own; stopping it waits for the requests in hand.
pub struct Running {
    url: String,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Running {
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        if self.threads.is_empty() {
            return;
        }
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        for t in self.threads.drain(..) {
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

/// One request as read from the connection.
struct Incoming {
    method: String,
    path: String,
    authorization: Option<String>,
    body: Vec<u8>,
    close: bool,
}

/// Why no request could be read.
enum ReadFailure {
    /// The connection closed, or stayed idle, before a request began: nothing to answer.
    Gone,
    /// A request began and cannot be answered normally: answer this and close.
    Refuse(Answer, u64),
}

/// A connection: plain TCP, or TLS over it.
trait Conn: Read + Write {}
impl<T: Read + Write> Conn for T {}

fn serve_connection<S: HubStore>(
    tcp: TcpStream,
    pool: &Pool<S>,
    options: &ServeOptions,
    stop: &AtomicBool,
    on_request: &(dyn Fn(&Served) + Send + Sync),
) {
    let remote = tcp.peer_addr().ok();
    let _ = tcp.set_nodelay(true);
    let _ = tcp.set_write_timeout(Some(options.request_timeout));
    // The same socket, to set read timeouts under TLS and to close it.
    let Ok(socket) = tcp.try_clone() else { return };
    let mut stream: Box<dyn Conn> = match &options.tls {
        None => Box::new(tcp),
        Some(config) => match rustls::ServerConnection::new(Arc::clone(config)) {
            Ok(tls) => Box::new(rustls::StreamOwned::new(tls, tcp)),
            Err(_) => return,
        },
    };
    let mut buffer = Vec::new();
    loop {
        let (answer, request_bytes, close) =
            match read_request(&mut *stream, &socket, &mut buffer, options, stop) {
                Ok(request) => {
                    let n = request.body.len() as u64;
                    let answer = if request.method != "POST" || request.path != wire::PATH {
                        refusal(
                            404,
                            format!("nothing here: a hub answers POST {}", wire::PATH),
                        )
                    } else {
                        let from = remote.map(|a| format!("http://{a}")).unwrap_or_default();
                        pool.with(|hub| answer(hub, options, &request, &from))
                            .unwrap_or_else(|| refusal(500, "the hub failed to answer".into()))
                    };
                    (answer, n, request.close)
                }
                Err(ReadFailure::Gone) => return,
                Err(ReadFailure::Refuse(answer, n)) => (answer, n, true),
            };
        let close = close || stop.load(Ordering::SeqCst);
        let head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: application/x-claims-sync\r\nContent-Length: \
             {}\r\n{}\r\n",
            answer.status,
            reason(answer.status),
            answer.body.len(),
            if close { "Connection: close\r\n" } else { "" }
        );
        let written = stream
            .write_all(head.as_bytes())
            .and_then(|_| stream.write_all(&answer.body))
            .and_then(|_| stream.flush());
        on_request(&Served {
            remote,
            status: answer.status,
            request_bytes,
            reply_bytes: answer.body.len() as u64,
        });
        if written.is_err() || close {
            let _ = socket.shutdown(std::net::Shutdown::Both);
            return;
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

/// Reads into `buffer` until it holds `want` bytes; `started` is when the request began
/// (`None`: waiting for its first byte, within the idle timeout).
fn fill(
    stream: &mut dyn Conn,
    socket: &TcpStream,
    buffer: &mut Vec<u8>,
    want: impl Fn(&[u8]) -> bool,
    started: &mut Option<Instant>,
    options: &ServeOptions,
    stop: &AtomicBool,
) -> Result<(), ReadFailure> {
    let idle_since = Instant::now();
    let mut chunk = [0u8; 64 * 1024];
    while !want(buffer) {
        let deadline = match started {
            Some(t) => *t + options.request_timeout,
            None => idle_since + options.idle_timeout,
        };
        let now = Instant::now();
        if now >= deadline {
            return match started {
                Some(_) => Err(ReadFailure::Refuse(
                    refusal(
                        408,
                        format!(
                            "the request did not arrive within {} s",
                            options.request_timeout.as_secs()
                        ),
                    ),
                    buffer.len() as u64,
                )),
                None => Err(ReadFailure::Gone),
            };
        }
        // Stopping: a request not yet begun is not taken, unless its bytes are already here
        // (it was sent before the stop): that one is still read and answered.
        let stopping = started.is_none() && stop.load(Ordering::SeqCst);
        let wait = if stopping {
            Duration::from_millis(1)
        } else {
            (deadline - now).min(TICK)
        };
        let _ = socket.set_read_timeout(Some(wait));
        match stream.read(&mut chunk) {
            Ok(0) => return Err(ReadFailure::Gone),
            Ok(n) => {
                started.get_or_insert_with(Instant::now);
                buffer.extend_from_slice(&chunk[..n]);
            }
            Err(e) if is_wait(&e) && stopping => return Err(ReadFailure::Gone),
            Err(e) if is_wait(&e) => {}
            Err(_) => return Err(ReadFailure::Gone),
        }
    }
    Ok(())
}

/// A read that only timed out (or was interrupted): try again.
fn is_wait(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock
            | std::io::ErrorKind::TimedOut
            | std::io::ErrorKind::Interrupted
    )
}

fn head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
}

/// Reads one request (head, then a body of Content-Length bytes) within the limits.
fn read_request(
    stream: &mut dyn Conn,
    socket: &TcpStream,
    buffer: &mut Vec<u8>,
    options: &ServeOptions,
    stop: &AtomicBool,
) -> Result<Incoming, ReadFailure> {
    let mut started = (!buffer.is_empty()).then(Instant::now);
    let bad = |status: u16, message: &str, n: u64| {
        ReadFailure::Refuse(refusal(status, message.to_string()), n)
    };
    fill(
        stream,
        socket,
        buffer,
        |b| head_end(b).is_some() || b.len() > MAX_HEAD_BYTES,
        &mut started,
        options,
        stop,
    )?;
    let Some(end) = head_end(buffer) else {
        return Err(bad(431, "the request head is too large", 0));
    };
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    let version = first.next().unwrap_or("");
    // Only HTTP/1.x is spoken here: an HTTP/2 preface (`PRI * HTTP/2.0`) or any other version
    // gets its answer at once, and the connection is closed.
    let extra = first.next().is_some();
    if !matches!(version, "HTTP/1.0" | "HTTP/1.1") || extra {
        buffer.clear();
        return Err(if version.starts_with("HTTP/") && !extra {
            bad(505, &format!("this hub speaks HTTP/1.1, not {version}"), 0)
        } else {
            bad(400, "the request line is not METHOD PATH HTTP/1.1", 0)
        });
    }
    let mut length: Option<u64> = None;
    let mut authorization = None;
    let mut close = version != "HTTP/1.1";
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => match value.parse() {
                Ok(n) => length = Some(n),
                Err(_) => return Err(bad(400, "Content-Length is not a number", 0)),
            },
            "transfer-encoding" => {
                return Err(bad(411, "send the request with a Content-Length", 0));
            }
            "authorization" => authorization = Some(value.to_string()),
            "connection" => close = value.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    let length = length.unwrap_or(0);
    let max = options.limits.max_request_bytes;
    if length > max {
        // Read (and drop) a declared body of reasonable size so the client sees the answer.
        if length <= 64 * 1024 * 1024 {
            let mut have = (buffer.len() - end) as u64;
            let mut chunk = [0u8; 64 * 1024];
            let deadline = started.unwrap_or_else(Instant::now) + options.request_timeout;
            while have < length && Instant::now() < deadline {
                let _ = socket.set_read_timeout(Some(TICK));
                match stream.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => have += n as u64,
                    Err(e) if is_wait(&e) => {}
                    Err(_) => break,
                }
            }
        }
        buffer.clear();
        return Err(bad(
            413,
            &format!("the request is {length} bytes, more than this hub accepts ({max})"),
            length,
        ));
    }
    let total = end + length as usize;
    fill(
        stream,
        socket,
        buffer,
        |b| b.len() >= total,
        &mut started,
        options,
        stop,
    )
    .map_err(|e| match e {
        ReadFailure::Gone => ReadFailure::Gone,
        refused => refused,
    })?;
    let rest = buffer.split_off(total);
    let body = buffer.split_off(end);
    *buffer = rest;
    Ok(Incoming {
        method,
        path,
        authorization,
        body,
        close,
    })
}

/// Decides who is asking, then answers.
fn answer<S: HubStore>(
    hub: &mut Hub<S>,
    options: &ServeOptions,
    request: &Incoming,
    from: &str,
) -> Answer {
    let users = match hub.store().credentials() {
        Ok(u) => u,
        Err(e) => return refusal(500, e.to_string()),
    };
    let bearer = request
        .authorization
        .as_deref()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let right = match bearer {
        Some(token)
            if options
                .token
                .as_deref()
                .is_some_and(|t| same_secret(t.as_bytes(), token.as_bytes())) =>
        {
            PushRight::Allowed(String::new())
        }
        Some(token) if !users.is_empty() => match user_of(&users, token) {
            Some(user) if user.revoked => {
                return refusal(401, format!("the token of user {} was revoked", user.name))
            }
            Some(user) if user.role == Role::Admin => PushRight::Admin(user.name.clone()),
            Some(user) if user.role >= Role::Write => PushRight::Allowed(user.name.clone()),
            Some(user) => PushRight::Forbidden(user.name.clone()),
            None => return refusal(401, "this token is not known to this hub".into()),
        },
        _ if !users.is_empty() => {
            return refusal(
                401,
                "this hub has users: send a user's token (claims sync --token)".into(),
            )
        }
        _ => match options.token {
            None => PushRight::Allowed(String::new()),
            Some(_) => PushRight::NeedsToken,
        },
    };
    hub.handle_as(&request.body, &right, from)
}

/// The user whose token this is, comparing every stored hash in constant time.
fn user_of<'u>(users: &'u [Credential], token: &str) -> Option<&'u Credential> {
    let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let mut found = None;
    for u in users {
        if same_secret(&u.token_hash, &hash) {
            found = Some(u);
        }
    }
    found
}

/// A TLS configuration from a PEM certificate chain and a PEM private key.
pub fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<Arc<rustls::ServerConfig>, SyncError> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let bad = |path: &std::path::Path, message: String| SyncError::Transport {
        address: path.display().to_string(),
        message,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|i| i.collect::<Result<_, _>>())
        .map_err(|e| bad(cert, format!("cannot read a PEM certificate: {e}")))?;
    if certs.is_empty() {
        return Err(bad(cert, "no certificate in this file".into()));
    }
    let key_der = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| bad(key, format!("cannot read a PEM private key: {e}")))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key_der))
    .map_err(|e| {
        bad(
            cert,
            format!("the certificate and key cannot serve TLS: {e}"),
        )
    })?;
    Ok(Arc::new(config))
}

/// The sha256 a token is stored as.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Compares without stopping at the first difference.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
