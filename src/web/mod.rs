//! `claims web`: pages to read the ledger, server-rendered HTML from the database; read-only
//! unless given a write token for judgements on pairs.
//!
//! Routes (stable, for links and scripts), each with a JSON twin (`?format=json`, or an
//! `Accept` header that prefers `application/json`):
//!
//! | route | page |
//! |---|---|
//! | `/` | counts, latest versions, newest conflicts and reviews |
//! | `/search?q=&speaker=&outlet=&from=&to=&stance=&relation=&page=` | claims and articles |
//! | `/claims/ID` | a claim: appearances, relations, reviews, history |
//! | `/documents/ID-or-URL?v=N` | a document's versions and one version's text |
//! | `/documents/ID-or-URL/diff?a=N&b=M` | the claim diff of two versions |
//! | `/speakers/NAME?page=` | a speaker's claims over time and conflicts |
//! | `/conflicts?page=` | the conflicts in force, side by side |
//! | `POST /conflicts/mark` | with a write token ([`Options`]): a person's judgement on a pair |
//!
//! [`respond`] answers one request from a [`Store`] (no I/O but the database's; [`respond_with`]
//! also records judgements); [`Server`]
//! serves it over HTTP ([`http`]: connections read on threads of their own, requests answered
//! one at a time). Every piece of
//! stored text goes through [`html::esc`]; pages need no JavaScript and load nothing from
//! elsewhere (the style sheet is in the binary).

pub mod html;
pub mod http;
mod pages;

use crate::store::query::ResolveError;
use crate::store::{Store, StoreError};
use crate::timeline::sides::SideError;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread::JoinHandle;

pub use pages::PER_PAGE;

/// Why a page could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Side(#[from] SideError),
}

impl WebError {
    /// The HTTP status: 404 for what is not there, 400 for a request that cannot name
    /// anything (an ambiguous prefix, a bad page number or date), 500 for the database.
    pub fn status(&self) -> u16 {
        match self {
            WebError::NotFound(_) => 404,
            WebError::BadRequest(_) => 400,
            WebError::Resolve(e) | WebError::Side(SideError::Resolve(e)) => match e {
                ResolveError::NotFound(..)
                | ResolveError::NotHex(_)
                | ResolveError::TooShort(_) => 404,
                ResolveError::Ambiguous { .. } => 400,
                ResolveError::Store(_) => 500,
            },
            WebError::Side(SideError::NoSuchVersion { .. }) => 404,
            WebError::Store(_) | WebError::Side(_) => 500,
        }
    }
}

/// A request as the pages see it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// The request target: path and query, percent-encoded as sent.
    pub url: &'a str,
    /// The `Accept` header, if any.
    pub accept: Option<&'a str>,
    /// The body of a POST (a form, `application/x-www-form-urlencoded`).
    pub body: &'a [u8],
}

/// How the pages are served.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The token a form must carry to record a judgement on a pair (`POST /conflicts/mark`);
    /// `None`: read-only, every POST is refused.
    pub token: Option<String>,
}

/// The largest request body read (a judgement form is far smaller).
pub const MAX_BODY: u64 = 16 * 1024;

/// An answer: status, content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    /// Where a `303 See Other` sends the browser.
    pub location: Option<String>,
}

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";

/// The headers every answer carries: no scripts, no framing, nothing from elsewhere.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
         base-uri 'none'; frame-ancestors 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
];

/// Whether the client asked for JSON: `format=json`, or an `Accept` header naming
/// `application/json` before (or without) `text/html`.
fn wants_json(params: &[(String, String)], accept: Option<&str>) -> bool {
    if let Some(f) = pages::param(params, "format") {
        return f.eq_ignore_ascii_case("json");
    }
    let Some(a) = accept.map(str::to_ascii_lowercase) else {
        return false;
    };
    match (a.find("application/json"), a.find("text/html")) {
        (Some(j), Some(h)) => j < h,
        (Some(_), None) => true,
        _ => false,
    }
}

fn render(page: Result<pages::Page, WebError>, json: bool) -> Response {
    match (page, json) {
        (Ok(p), true) => Response {
            status: 200,
            content_type: JSON,
            body: to_json(&p.json),
            location: None,
        },
        (Ok(p), false) => Response {
            status: 200,
            content_type: HTML,
            body: html::page(&p.title, &p.body).into_bytes(),
            location: None,
        },
        (Err(e), json) => error(e.status(), &e.to_string(), json),
    }
}

fn to_json(v: &serde_json::Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(v).unwrap_or_default();
    out.push(b'\n');
    out
}

fn error(status: u16, message: &str, json: bool) -> Response {
    if json {
        return Response {
            status,
            content_type: JSON,
            body: to_json(&serde_json::json!({ "status": status, "error": message })),
            location: None,
        };
    }
    let title = match status {
        404 => "Not found",
        400 => "Bad request",
        403 => "Forbidden",
        405 => "Method not allowed",
        _ => "Error",
    };
    Response {
        status,
        content_type: HTML,
        body: html::page(
            title,
            &format!(
                "<h1>{}</h1><p class=\"error\">{}</p>",
                html::esc(title),
                html::text(message)
            ),
        )
        .into_bytes(),
        location: None,
    }
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// `POST /conflicts/mark` with `a`, `b`, `as`, `note`, `token`: records a person's judgement
/// on the pair, as `claims link` does (by the database's author), and sends the browser back
/// to the conflicts page.
fn mark(store: &mut Store, options: &Options, req: &Request<'_>, json: bool) -> Response {
    let Some(token) = &options.token else {
        return error(
            405,
            "these pages are read-only: start `claims web` with --token-file to record judgements",
            json,
        );
    };
    let form = html::query_pairs(&String::from_utf8_lossy(req.body));
    let field = |name: &str| pages::param(&form, name);
    if !field("token").is_some_and(|t| same_secret(t, token)) {
        return error(403, "a judgement needs the write token", json);
    }
    use crate::model::RelationKind;
    let kind = match field("as") {
        Some("conflicts") => RelationKind::Conflicts,
        Some("unrelated") => RelationKind::Unrelated,
        Some("corroborates") => RelationKind::Corroborates,
        Some("updates") => RelationKind::Updates,
        other => {
            return error(
                400,
                &format!(
                    "as={:?}: give conflicts, unrelated, corroborates or updates",
                    other.unwrap_or("")
                ),
                json,
            )
        }
    };
    let (Some(a), Some(b)) = (field("a"), field("b")) else {
        return error(400, "a judgement needs the two claims (a and b)", json);
    };
    let author = match crate::timeline::reviews::author(store, None) {
        Ok(a) => a,
        Err(e) => return error(500, &e.to_string(), json),
    };
    let done = crate::timeline::relations::link_by(
        store,
        a,
        b,
        kind,
        field("note"),
        author.as_deref(),
        &crate::time::now_precise(),
    );
    match done {
        Ok((typed, new)) => {
            if json {
                return Response {
                    status: 200,
                    content_type: JSON,
                    body: to_json(&serde_json::json!({
                        "id": typed.id(), "new": new, "relation": typed.body,
                    })),
                    location: None,
                };
            }
            let page = field("page")
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(1);
            Response {
                status: 303,
                content_type: HTML,
                body: Vec::new(),
                location: Some(format!("/conflicts?page={page}")),
            }
        }
        Err(crate::timeline::relations::LinkError::Resolve(r)) => {
            let e = WebError::Resolve(r);
            error(e.status(), &e.to_string(), json)
        }
        Err(e @ crate::timeline::relations::LinkError::SameClaim(_)) => {
            error(400, &e.to_string(), json)
        }
        Err(e) => error(500, &e.to_string(), json),
    }
}

/// Answers one request: pages from the database, and (with a write token) the judgement form.
pub fn respond_with(store: &mut Store, options: &Options, req: &Request<'_>) -> Response {
    let (raw_path, query) = req.url.split_once('?').unwrap_or((req.url, ""));
    let params = html::query_pairs(query);
    let json = wants_json(&params, req.accept);
    if req.method == "POST" && raw_path == "/conflicts/mark" {
        return mark(store, options, req, json);
    }
    respond_read(store, options.token.is_some(), req)
}

/// Answers one request from the database, read-only.
pub fn respond(store: &Store, req: &Request<'_>) -> Response {
    respond_read(store, false, req)
}

fn respond_read(store: &Store, writable: bool, req: &Request<'_>) -> Response {
    let (raw_path, query) = req.url.split_once('?').unwrap_or((req.url, ""));
    let params = html::query_pairs(query);
    let json = wants_json(&params, req.accept);
    if req.method != "GET" && req.method != "HEAD" {
        return error(
            405,
            &format!("{}: these pages are read-only (GET)", req.method),
            json,
        );
    }
    if raw_path == "/static/style.css" {
        return Response {
            status: 200,
            content_type: "text/css; charset=utf-8",
            body: html::STYLE.as_bytes().to_vec(),
            location: None,
        };
    }
    let page = if raw_path == "/" {
        pages::home(store)
    } else if raw_path == "/search" {
        pages::search(store, &params)
    } else if raw_path == "/conflicts" {
        pages::conflicts(store, &params, writable)
    } else if let Some(id) = raw_path.strip_prefix("/claims/") {
        pages::claim(store, &html::decode_path(id))
    } else if let Some(name) = raw_path.strip_prefix("/speakers/") {
        pages::speaker(store, &html::decode_path(name), &params)
    } else if let Some(rest) = raw_path.strip_prefix("/documents/") {
        // `/documents/X/diff` is the diff page of X, unless the whole of `X/diff` names a
        // document (a URL that ends in /diff).
        match rest.strip_suffix("/diff") {
            Some(doc)
                if !doc.is_empty()
                    && crate::store::query::resolve_document(store, &html::decode_path(rest))
                        .is_err() =>
            {
                pages::document_diff(store, &html::decode_path(doc), &params)
            }
            _ => pages::document(store, &html::decode_path(rest), &params),
        }
    } else {
        Err(WebError::NotFound(format!(
            "{}: no such page",
            html::decode_path(raw_path)
        )))
    };
    render(page, json)
}

/// The pages served over HTTP.
pub struct Server {
    http: Arc<http::Listener>,
    addr: SocketAddr,
}

/// What the serving loop reports after each request, for a log line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    pub method: String,
    pub url: String,
    pub status: u16,
}

impl Server {
    /// Takes an already bound listener (bind `127.0.0.1:0` for an ephemeral port).
    ///
    /// Sets `TCP_NODELAY` on it, which the connections it accepts inherit (Linux; each
    /// connection also sets it): on a kept-alive connection Nagle's algorithm would hold a
    /// small write until the browser's delayed ACK, 40 ms on every page after the first
    /// (`tests/web.rs` checks the option).
    pub fn from_listener(listener: TcpListener) -> std::io::Result<Server> {
        socket2::SockRef::from(&listener).set_tcp_nodelay(true)?;
        let addr = listener.local_addr()?;
        let http = http::Listener::start(listener)?;
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

    /// Serves until stopped ([`Running::stop`]) or forever; requests are answered in turn.
    pub fn serve(&self, store: &mut Store, options: &Options, mut on_request: impl FnMut(&Served)) {
        while let Some(job) = self.http.next() {
            let http::Job { request, reply } = job;
            let answer = respond_with(
                store,
                options,
                &Request {
                    method: &request.method,
                    url: &request.url,
                    accept: request.accept.as_deref(),
                    body: &request.body,
                },
            );
            let status = answer.status;
            let mut headers = vec![("Content-Type", answer.content_type)];
            if let Some(l) = &answer.location {
                headers.push(("Location", l.as_str()));
            }
            headers.extend_from_slice(SECURITY_HEADERS);
            if request.method == "GET" || request.method == "HEAD" {
                headers.push(("Vary", "Accept"));
            }
            let headers = headers
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            // A client that went away is its problem; the server goes on.
            let _ = reply.send(http::Outgoing {
                status,
                headers,
                body: answer.body,
            });
            on_request(&Served {
                method: request.method,
                url: request.url,
                status,
            });
        }
    }

    /// Serves on a thread of its own; for tests, benches and embedding.
    pub fn spawn(self, store: Store, options: Options) -> Running {
        let url = self.url();
        let http = Arc::clone(&self.http);
        let mut store = store;
        let thread = std::thread::spawn(move || self.serve(&mut store, &options, |_| {}));
        Running {
            http,
            url,
            thread: Some(thread),
        }
    }
}

/// Pages served on their own thread; stopping waits for the request in hand.
pub struct Running {
    http: Arc<http::Listener>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        html::query_pairs(q)
    }

    #[test]
    fn json_is_chosen_by_format_or_accept() {
        assert!(wants_json(&pairs("format=json"), Some("text/html")));
        assert!(!wants_json(&pairs("format=html"), Some("application/json")));
        assert!(wants_json(&[], Some("application/json")));
        assert!(wants_json(&[], Some("application/json, text/html;q=0.5")));
        assert!(!wants_json(
            &[],
            Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        ));
        assert!(!wants_json(&[], None));
    }
}
