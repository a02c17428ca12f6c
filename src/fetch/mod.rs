//! Fetching articles and feeds over HTTP: `claims import URL` and `claims watch`.
//!
//! [`Fetcher`] is the one HTTP client of both. Each request
//!
//! - sends a clear `User-Agent` ([`user_agent`]), and the validators of the last answer
//!   (`If-None-Match`, `If-Modified-Since`) when it has them, so an unchanged page costs a
//!   `304 Not Modified`;
//! - asks the site's `robots.txt` first (once per origin, with the `texting_robots` parser) and
//!   refuses a path it forbids to `claims`;
//! - follows redirects itself, hop by hop, so that each hop is checked against robots.txt and
//!   the final URL is known;
//! - waits a politeness delay between two requests to the same host (the larger of
//!   [`FetchOptions::politeness`] and the site's `Crawl-delay`), through a [`Pause`] that tests
//!   replace so that they never wait;
//! - reads the body with a size limit enforced while streaming, so a 50 MB answer is refused
//!   after [`FetchOptions::max_bytes`] bytes, not after it was held in memory;
//! - turns every failure into a [`FetchError`] that names the URL.
//!
//! Importing what was fetched is [`crate::import::import_page`]; watching feeds is [`watch`].

pub mod feed;
pub mod robots;
pub mod watch;

use std::collections::HashMap;
use std::io::Read;
use std::time::{Duration, Instant};

/// The largest body read by default: 16 MiB (the largest object a version may be, too).
pub const DEFAULT_MAX_BYTES: u64 = 16 * 1024 * 1024;
/// The default time one request may take, connection to last byte.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default pause between two requests to one host.
pub const DEFAULT_POLITENESS: Duration = Duration::from_secs(1);
/// Redirects followed at most.
pub const MAX_REDIRECTS: u32 = 10;
/// The product token robots.txt rules are matched against.
pub const ROBOTS_AGENT: &str = "claims";

/// The `User-Agent` sent with every request: the program, its version and what it does.
pub fn user_agent() -> String {
    format!(
        "claims/{} (news claims ledger; reads articles and feeds; honours robots.txt)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Why a fetch failed. Every variant names the URL asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not an http:// or https:// URL ({reason})")]
    BadUrl { url: String, reason: String },
    #[error("{url}: robots.txt of {origin} forbids this path to {ROBOTS_AGENT}; not fetched")]
    Forbidden { url: String, origin: String },
    #[error("{url}: robots.txt of {origin} could not be read ({reason}); not fetched")]
    RobotsUnavailable {
        url: String,
        origin: String,
        reason: String,
    },
    #[error("{url}: no answer within {seconds} s (timeout)")]
    Timeout { url: String, seconds: u64 },
    #[error("{url}: {message}")]
    Transport { url: String, message: String },
    #[error("{url}: HTTP {status}{}", retry_after.map(|s| format!(", retry after {s} s")).unwrap_or_default())]
    Status {
        url: String,
        status: u16,
        /// From `Retry-After` (429 and 503), in seconds.
        retry_after: Option<u64>,
    },
    #[error("{url}: the body is larger than {limit} bytes; refused")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects { url: String },
    #[error("{url}: a redirect without a usable Location ({location:?})")]
    BadRedirect { url: String, location: String },
    #[error("{url}: not an HTML page (Content-Type: {content_type})")]
    NotHtml { url: String, content_type: String },
    #[error("{url}: not a feed: {reason}")]
    NotAFeed { url: String, reason: String },
}

impl FetchError {
    /// Seconds the server asked to wait (`Retry-After`), if it did.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// Time as the fetcher sees it: the politeness delay asks it for now and to wait. Tests use a
/// clock that only moves when asked to wait, so they never wait for real time.
pub trait Pause: Send {
    fn now(&self) -> Instant;
    fn sleep(&mut self, duration: Duration);
}

/// Real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct RealTime;

impl Pause for RealTime {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&mut self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// How a [`Fetcher`] behaves.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub user_agent: String,
    /// The most one request may take, connection to last byte.
    pub timeout: Duration,
    /// The largest body read; a larger one is refused while it streams in.
    pub max_bytes: u64,
    /// The least time between two requests to one host.
    pub politeness: Duration,
}

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            user_agent: user_agent(),
            timeout: DEFAULT_TIMEOUT,
            max_bytes: DEFAULT_MAX_BYTES,
            politeness: DEFAULT_POLITENESS,
        }
    }
}

/// Validators of an earlier answer, for a conditional request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A final answer (after redirects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL asked for.
    pub url: String,
    /// The URL that answered.
    pub final_url: String,
    /// 200 (a body) or 304 (not modified: no body).
    pub status: u16,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub body: Vec<u8>,
    /// When the answer came, RFC 3339 UTC (`CLAIMS_NOW` when set).
    pub fetched_at: String,
}

impl Fetched {
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }

    /// Whether the answer says it is HTML (or says nothing and looks like it). A 304 has no
    /// body to judge, and passes.
    pub fn is_html(&self) -> bool {
        if self.not_modified() {
            return true;
        }
        match self.content_type.as_deref().map(media_type) {
            Some(t) => t == "text/html" || t == "application/xhtml+xml",
            None => {
                let head = &self.body[..self.body.len().min(1024)];
                String::from_utf8_lossy(head)
                    .to_ascii_lowercase()
                    .contains("<html")
            }
        }
    }

    /// A [`FetchError::NotHtml`] unless [`Fetched::is_html`].
    pub fn require_html(&self) -> Result<(), FetchError> {
        if self.is_html() {
            Ok(())
        } else {
            Err(FetchError::NotHtml {
                url: self.url.clone(),
                content_type: self.content_type.clone().unwrap_or_else(|| "none".into()),
            })
        }
    }
}

/// `text/html; charset=utf-8` → `text/html`.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// What robots.txt of one origin says.
enum RobotsRule {
    AllowAll,
    Rules(Box<texting_robots::Robot>),
    Unavailable(String),
}

/// The HTTP client of `import URL` and `watch`: one agent, robots.txt per origin, the last
/// request time per host.
pub struct Fetcher {
    agent: ureq::Agent,
    options: FetchOptions,
    robots: HashMap<String, RobotsRule>,
    last_request: HashMap<String, Instant>,
    pause: Box<dyn Pause>,
}

impl Fetcher {
    pub fn new(options: FetchOptions) -> Fetcher {
        Fetcher::with_pause(options, Box::new(RealTime))
    }

    /// A fetcher whose politeness delay asks `pause` (tests: a clock that does not wait).
    pub fn with_pause(options: FetchOptions, pause: Box<dyn Pause>) -> Fetcher {
        let tls = ureq::tls::TlsConfig::builder()
            .provider(ureq::tls::TlsProvider::Rustls)
            .build();
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(options.user_agent.as_str())
            .timeout_global(Some(options.timeout))
            .tls_config(tls)
            .build();
        Fetcher {
            agent: config.into(),
            options,
            robots: HashMap::new(),
            last_request: HashMap::new(),
            pause,
        }
    }

    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// Forgets the robots.txt files read so far: the next request to each origin reads it
    /// again (a long-running watcher does so every round).
    pub fn forget_robots(&mut self) {
        self.robots.clear();
    }

    /// Fetches `url`, following redirects, with a conditional request when `validators` has
    /// any. A 4xx or 5xx answer is a [`FetchError::Status`]; a 304 is an answer without body.
    pub fn get(&mut self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut current = parse_url(url)?;
        for _ in 0..=MAX_REDIRECTS {
            self.check_robots(url, &current)?;
            let mut response = self.request(url, current.as_str(), validators)?;
            let status = response.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                let location = header(&response, "location").unwrap_or_default();
                current = current
                    .join(&location)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https"))
                    .ok_or_else(|| FetchError::BadRedirect {
                        url: url.to_string(),
                        location: location.clone(),
                    })?;
                continue;
            }
            if status >= 400 {
                let retry_after = header(&response, "retry-after").and_then(|v| retry_after(&v));
                return Err(FetchError::Status {
                    url: url.to_string(),
                    status,
                    retry_after,
                });
            }
            let content_type = header(&response, "content-type");
            let etag = header(&response, "etag");
            let last_modified = header(&response, "last-modified");
            let body = if status == 304 {
                Vec::new()
            } else {
                self.read_body(url, &mut response)?
            };
            return Ok(Fetched {
                url: url.to_string(),
                final_url: current.to_string(),
                status,
                content_type,
                etag,
                last_modified,
                body,
                fetched_at: crate::time::now_rfc3339(),
            });
        }
        Err(FetchError::TooManyRedirects {
            url: url.to_string(),
        })
    }

    /// One request, after the politeness delay of its host.
    fn request(
        &mut self,
        asked: &str,
        url: &str,
        validators: &Validators,
    ) -> Result<ureq::http::Response<ureq::Body>, FetchError> {
        let host = parse_url(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        self.wait_for(&host);
        let mut request = self.agent.get(url);
        if let Some(etag) = &validators.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(date) = &validators.last_modified {
            request = request.header("If-Modified-Since", date);
        }
        let result = request.call();
        self.last_request.insert(host, self.pause.now());
        result.map_err(|e| self.transport(asked, e))
    }

    /// Waits until the host's last request is at least the politeness delay ago.
    fn wait_for(&mut self, host: &str) {
        let delay = self.delay_for(host);
        if let Some(last) = self.last_request.get(host) {
            let since = self.pause.now().saturating_duration_since(*last);
            if since < delay {
                self.pause.sleep(delay - since);
            }
        }
    }

    /// The politeness delay of a host: the option, or the site's `Crawl-delay` if longer.
    fn delay_for(&self, host: &str) -> Duration {
        let crawl = self
            .robots
            .iter()
            .filter(|(origin, _)| origin_host(origin) == host)
            .filter_map(|(_, rule)| match rule {
                RobotsRule::Rules(r) => r.delay,
                _ => None,
            })
            .map(|s| Duration::from_secs_f32(s.clamp(0.0, 60.0)))
            .max()
            .unwrap_or_default();
        crawl.max(self.options.politeness)
    }

    fn transport(&self, url: &str, e: ureq::Error) -> FetchError {
        match e {
            ureq::Error::Timeout(_) => FetchError::Timeout {
                url: url.to_string(),
                seconds: self.options.timeout.as_secs().max(1),
            },
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge {
                url: url.to_string(),
                limit: self.options.max_bytes,
            },
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                FetchError::Timeout {
                    url: url.to_string(),
                    seconds: self.options.timeout.as_secs().max(1),
                }
            }
            other => FetchError::Transport {
                url: url.to_string(),
                message: other.to_string(),
            },
        }
    }

    /// Reads a body, refusing it as soon as it is longer than the limit (a declared length
    /// over the limit is refused before reading).
    fn read_body(
        &self,
        url: &str,
        response: &mut ureq::http::Response<ureq::Body>,
    ) -> Result<Vec<u8>, FetchError> {
        let limit = self.options.max_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit,
        };
        let declared = header(response, "content-length").and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        let reader = response.body_mut().with_config().limit(u64::MAX).reader();
        // One byte past the limit tells a body that is too long from one that fits exactly.
        reader.take(limit + 1).read_to_end(&mut body).map_err(|e| {
            match e.into_inner().map(|inner| inner.downcast::<ureq::Error>()) {
                Some(Ok(inner)) => self.transport(url, *inner),
                Some(Err(other)) => FetchError::Transport {
                    url: url.to_string(),
                    message: other.to_string(),
                },
                None => FetchError::Transport {
                    url: url.to_string(),
                    message: "the connection broke while reading the body".into(),
                },
            }
        })?;
        if body.len() as u64 > limit {
            return Err(too_large());
        }
        Ok(body)
    }

    /// Refuses a URL the robots.txt of its origin forbids (fetched once per origin).
    fn check_robots(&mut self, asked: &str, url: &url::Url) -> Result<(), FetchError> {
        let origin = url.origin().ascii_serialization();
        if !self.robots.contains_key(&origin) {
            let rule = self.load_robots(&origin);
            self.robots.insert(origin.clone(), rule);
        }
        match self.robots.get(&origin) {
            Some(RobotsRule::Rules(robot)) if !robot.allowed(url.as_str()) => {
                Err(FetchError::Forbidden {
                    url: asked.to_string(),
                    origin,
                })
            }
            Some(RobotsRule::Unavailable(reason)) => Err(FetchError::RobotsUnavailable {
                url: asked.to_string(),
                origin,
                reason: reason.clone(),
            }),
            _ => Ok(()),
        }
    }

    /// robots.txt of an origin: a 4xx answer (none there) allows everything; a 5xx answer or
    /// no answer allows nothing (RFC 9309, 2.3.1).
    fn load_robots(&mut self, origin: &str) -> RobotsRule {
        let robots_url = format!("{origin}/robots.txt");
        let host = origin_host(origin).to_string();
        self.wait_for(&host);
        let result = self.agent.get(&robots_url).call();
        self.last_request.insert(host, self.pause.now());
        let mut response = match result {
            Ok(r) => r,
            Err(e) => return RobotsRule::Unavailable(self.transport(&robots_url, e).to_string()),
        };
        let status = response.status().as_u16();
        if (400..500).contains(&status) || (300..400).contains(&status) {
            return RobotsRule::AllowAll;
        }
        if status >= 500 {
            return RobotsRule::Unavailable(format!("HTTP {status}"));
        }
        match self.read_body(&robots_url, &mut response) {
            Ok(body) => robots::parse(&body),
            Err(e) => RobotsRule::Unavailable(e.to_string()),
        }
    }
}

/// `https://host:port` → `host`.
fn origin_host(origin: &str) -> &str {
    let rest = origin.split_once("://").map_or(origin, |(_, r)| r);
    match rest.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host,
        _ => rest,
    }
}

fn parse_url(url: &str) -> Result<url::Url, FetchError> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| FetchError::BadUrl {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(FetchError::BadUrl {
            url: url.to_string(),
            reason: format!("scheme {:?}", parsed.scheme()),
        });
    }
    Ok(parsed)
}

/// Whether an argument is a URL to fetch rather than a path.
pub fn is_url(arg: &str) -> bool {
    let lower = arg.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// `Retry-After` as seconds: a number of seconds, or an HTTP date (seconds from now, at
/// least 0).
pub fn retry_after(value: &str) -> Option<u64> {
    if let Ok(seconds) = value.trim().parse::<u64>() {
        return Some(seconds);
    }
    let when = chrono::DateTime::parse_from_rfc2822(value.trim()).ok()?;
    let now = crate::time::now_rfc3339();
    let now = chrono::DateTime::parse_from_rfc3339(&now).ok()?;
    Some(u64::try_from((when - now).num_seconds()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds() {
        assert_eq!(retry_after("120"), Some(120));
        assert_eq!(retry_after(" 0 "), Some(0));
        assert_eq!(retry_after("soon"), None);
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://example.org/a"));
        assert!(is_url("HTTP://example.org"));
        assert!(!is_url("news/a.html"));
        assert!(!is_url("ftp://example.org/a"));
    }

    #[test]
    fn only_http_urls_are_fetched() {
        assert!(parse_url("https://example.org/a").is_ok());
        assert!(matches!(
            parse_url("file:///etc/passwd"),
            Err(FetchError::BadUrl { .. })
        ));
        assert!(matches!(
            parse_url("not a url"),
            Err(FetchError::BadUrl { .. })
        ));
    }

    #[test]
    fn origin_host_drops_scheme_and_port() {
        assert_eq!(origin_host("http://127.0.0.1:8080"), "127.0.0.1");
        assert_eq!(origin_host("https://example.org"), "example.org");
    }

    #[test]
    fn media_types_are_compared_without_parameters() {
        let mut f = Fetched {
            url: "u".into(),
            final_url: "u".into(),
            status: 200,
            content_type: Some("Text/HTML; charset=utf-8".into()),
            etag: None,
            last_modified: None,
            body: Vec::new(),
            fetched_at: String::new(),
        };
        assert!(f.is_html());
        f.content_type = Some("application/pdf".into());
        assert_eq!(
            f.require_html().map_err(|e| e.to_string()),
            Err("u: not an HTML page (Content-Type: application/pdf)".to_string())
        );
    }
}
