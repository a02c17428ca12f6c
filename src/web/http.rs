//! The HTTP/1.1 layer of `claims web`: connections are read on threads of their own, and each
//! request in hand is passed to the one serving thread (which holds the database) and answered
//! on its connection.
//!
//! Small and strict, like the hub's (`sync/server.rs`): a head of at most 16 KiB, a body only
//! with `Content-Length` (411 otherwise) of at most [`super::MAX_BODY`] (413), HTTP/1.0 and
//! HTTP/1.1 only (any other version, such as an HTTP/2 preface, gets 505 at once), at most
//! [`MAX_CONNECTIONS`] connections at a time (503 past them), a request that must arrive within
//! [`REQUEST_TIMEOUT`] (408) and a kept-alive connection closed after [`IDLE_TIMEOUT`].

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Connections served at once; past them a connection gets 503 and is closed.
pub const MAX_CONNECTIONS: usize = 64;
/// The longest a request (head and body) may take to arrive once it has begun.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a kept-alive connection may wait for its next request.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
/// The largest request head read.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// One request read from a connection.
#[derive(Debug)]
pub struct Incoming {
    pub method: String,
    pub url: String,
    pub accept: Option<String>,
    pub body: Vec<u8>,
}

/// An answer to write: status, headers (without the length) and body.
pub struct Outgoing {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A request and where its answer goes.
pub struct Job {
    pub request: Incoming,
    pub reply: SyncSender<Outgoing>,
}

enum Message {
    Job(Job),
    Stop,
}

/// Accepts connections on a thread of its own and hands requests over one at a time.
pub struct Listener {
    jobs: Mutex<Receiver<Message>>,
    send: SyncSender<Message>,
    stop: Arc<AtomicBool>,
    addr: SocketAddr,
}

impl Listener {
    pub fn start(listener: TcpListener) -> std::io::Result<Listener> {
        let addr = listener.local_addr()?;
        let (send, jobs) = sync_channel::<Message>(MAX_CONNECTIONS);
        let stop = Arc::new(AtomicBool::new(false));
        let open = Arc::new(AtomicUsize::new(0));
        let (accept_send, accept_stop) = (send.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if accept_stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_nodelay(true);
                if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                    open.fetch_sub(1, Ordering::SeqCst);
                    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                    let _ = write_answer(&mut stream, &refusal(503, "too many connections"), true);
                    continue;
                }
                let (send, stop, open) = (
                    accept_send.clone(),
                    Arc::clone(&accept_stop),
                    Arc::clone(&open),
                );
                std::thread::spawn(move || {
                    serve_connection(stream, &send, &stop);
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Ok(Listener {
            jobs: Mutex::new(jobs),
            send,
            stop,
            addr,
        })
    }

    /// The next request, or `None` once stopped.
    pub fn next(&self) -> Option<Job> {
        if self.stop.load(Ordering::SeqCst) {
            return None;
        }
        let jobs = self.jobs.lock().ok()?;
        match jobs.recv() {
            Ok(Message::Job(job)) => Some(job),
            Ok(Message::Stop) | Err(_) => None,
        }
    }

    /// Stops handing out requests and accepting connections.
    pub fn unblock(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.send.try_send(Message::Stop);
        // Wake the accepting thread.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        303 => "See Other",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

fn refusal(status: u16, message: &str) -> Outgoing {
    Outgoing {
        status,
        headers: vec![(
            "Content-Type".to_string(),
            "text/plain; charset=utf-8".to_string(),
        )],
        body: format!("{status} {}: {message}\n", reason(status)).into_bytes(),
    }
}

/// Writes an answer (head and body in one write). `body` false: a HEAD request's answer.
fn write_answer(stream: &mut TcpStream, answer: &Outgoing, close: bool) -> std::io::Result<()> {
    write_full(stream, answer, close, true)
}

fn write_full(
    stream: &mut TcpStream,
    answer: &Outgoing,
    close: bool,
    body: bool,
) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", answer.status, reason(answer.status));
    // A value that would break the head (a Location from a hostile form) is left out.
    for (name, value) in &answer.headers {
        if value.contains(['\r', '\n']) || name.contains(['\r', '\n', ':']) {
            continue;
        }
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    out.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    if body {
        bytes.extend_from_slice(&answer.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

/// Why no request could be read.
enum Failure {
    /// Closed or idle before a request began: nothing to answer.
    Gone,
    /// Answer this and close.
    Refuse(Outgoing),
}

fn serve_connection(mut stream: TcpStream, jobs: &SyncSender<Message>, stop: &AtomicBool) {
    let _ = stream.set_write_timeout(Some(REQUEST_TIMEOUT));
    let mut buffer = Vec::new();
    loop {
        let (request, close) = match read_request(&mut stream, &mut buffer, stop) {
            Ok(r) => r,
            Err(Failure::Gone) => break,
            Err(Failure::Refuse(answer)) => {
                let _ = write_answer(&mut stream, &answer, true);
                break;
            }
        };
        let head_only = request.method == "HEAD";
        let (reply, answer) = sync_channel(1);
        if jobs.send(Message::Job(Job { request, reply })).is_err() {
            break;
        }
        let Ok(answer) = answer.recv() else { break };
        let close = close || stop.load(Ordering::SeqCst);
        if write_full(&mut stream, &answer, close, !head_only).is_err() || close {
            break;
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn head_end(buffer: &[u8]) -> Option<usize> {
    buffer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| p + 4)
}

/// Reads into `buffer` until `want` holds; before the first byte within the idle timeout,
/// after it within the request timeout.
fn fill(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    want: impl Fn(&[u8]) -> bool,
    started: &mut Option<Instant>,
    stop: &AtomicBool,
) -> Result<(), Failure> {
    let idle_since = Instant::now();
    let mut chunk = [0u8; 16 * 1024];
    while !want(buffer) {
        let deadline = match started {
            Some(t) => *t + REQUEST_TIMEOUT,
            None => idle_since + IDLE_TIMEOUT,
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(match started {
                Some(_) => Failure::Refuse(refusal(408, "the request did not arrive in time")),
                None => Failure::Gone,
            });
        }
        if started.is_none() && stop.load(Ordering::SeqCst) {
            return Err(Failure::Gone);
        }
        let _ = stream.set_read_timeout(Some((deadline - now).min(Duration::from_millis(250))));
        match stream.read(&mut chunk) {
            Ok(0) => return Err(Failure::Gone),
            Ok(n) => {
                started.get_or_insert_with(Instant::now);
                buffer.extend_from_slice(&chunk[..n]);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) => {}
            Err(_) => return Err(Failure::Gone),
        }
    }
    Ok(())
}

/// Reads one request; also says whether the connection closes after its answer.
fn read_request(
    stream: &mut TcpStream,
    buffer: &mut Vec<u8>,
    stop: &AtomicBool,
) -> Result<(Incoming, bool), Failure> {
    let mut started = (!buffer.is_empty()).then(Instant::now);
    let bad = |status: u16, message: &str| Failure::Refuse(refusal(status, message));
    fill(
        stream,
        buffer,
        |b| head_end(b).is_some() || b.len() > MAX_HEAD_BYTES,
        &mut started,
        stop,
    )?;
    let Some(end) = head_end(buffer) else {
        return Err(bad(431, "the request head is too large"));
    };
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let url = first.next().unwrap_or("").to_string();
    let version = first.next().unwrap_or("");
    let extra = first.next().is_some();
    if !matches!(version, "HTTP/1.0" | "HTTP/1.1") || extra {
        return Err(if version.starts_with("HTTP/") && !extra {
            bad(
                505,
                &format!("these pages are served over HTTP/1.1, not {version}"),
            )
        } else {
            bad(400, "the request line is not METHOD PATH HTTP/1.1")
        });
    }
    if method.is_empty() || !url.starts_with('/') {
        return Err(bad(400, "the request line is not METHOD PATH HTTP/1.1"));
    }
    let mut close = version == "HTTP/1.0";
    let mut length: u64 = 0;
    let mut accept = None;
    let mut expect_continue = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => match value.parse() {
                Ok(n) => length = n,
                Err(_) => return Err(bad(400, "Content-Length is not a number")),
            },
            "transfer-encoding" => {
                return Err(bad(411, "send the request with a Content-Length"));
            }
            "accept" => accept = Some(value.to_string()),
            "expect" => expect_continue = value.eq_ignore_ascii_case("100-continue"),
            "connection" => {
                let value = value.to_ascii_lowercase();
                if value.contains("close") {
                    close = true;
                } else if value.contains("keep-alive") {
                    close = false;
                }
            }
            _ => {}
        }
    }
    if length > super::MAX_BODY {
        return Err(bad(
            413,
            &format!(
                "the body is {length} bytes, more than these pages accept ({})",
                super::MAX_BODY
            ),
        ));
    }
    if expect_continue && length > 0 && buffer.len() == end {
        let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let total = end + length as usize;
    fill(stream, buffer, |b| b.len() >= total, &mut started, stop)?;
    let rest = buffer.split_off(total);
    let body = buffer.split_off(end);
    *buffer = rest;
    Ok((
        Incoming {
            method,
            url,
            accept,
            body,
        },
        close,
    ))
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.unblock();
    }
}
