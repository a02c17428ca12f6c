//! `claims import URL` and `claims watch`, against a real HTTP server on 127.0.0.1 started by
//! the test: a feed and articles whose text changes between polls, ETags and 304s, a 429 with
//! Retry-After, a redirect, a robots.txt that forbids one path, a 500, a slow answer and a
//! 50 MB body. Time never passes for real: rounds take the time as an argument, delays are zero
//! (or asked of a clock that only moves when asked to wait), and the slow answer meets a
//! one-second client timeout.

#[path = "common/mod.rs"]
mod common;

use claims::extract::Extractor;
use claims::fetch::watch::{self, Event, WatchOptions};
use claims::fetch::{FetchError, FetchOptions, Fetcher, Pause, Validators};
use claims::store::Store;
use common::{stderr, stdout, Env};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The stages of the bridge article: 1, then a number corrected, then a quote removed and a
/// denial added.
fn bridge_html(stage: u32) -> String {
    let injured = if stage == 1 { "two" } else { "three" };
    let quote = if stage < 3 {
        "<p>Mayor Lena Park confirmed that the bridge will reopen on Friday.</p>"
    } else {
        ""
    };
    let denial = if stage >= 3 {
        "<p>The contractor denied that the cables had failed before the storm.</p>"
    } else {
        ""
    };
    format!(
        "<!doctype html><html><head><title>Bridge repairs continue after the storm</title>\
         <meta property=\"article:published_time\" content=\"2026-03-02T0{stage}:00:00Z\">\
         <meta property=\"og:site_name\" content=\"Riverside Courier\">\
         <link rel=\"canonical\" href=\"https://courier.example/bridge\"></head><body><article>\
         <h1>Bridge repairs continue after the storm</h1>{quote}\
         <p>Police said that {injured} people were injured.</p>\
         <p>Hydrologist Omar Haddad said that the river level rose overnight.</p>{denial}\
         </article></body></html>"
    )
}

const FERRY: &str = "<!doctype html><html><head><title>Ferry timetable</title></head><body>\
    <article><h1>Ferry timetable</h1>\
    <p>The harbour master said that five ferries will run on Sunday.</p></article></body></html>";

/// What the server serves, and what it saw.
struct Shared {
    stage: Mutex<u32>,
    hits: Mutex<HashMap<String, usize>>,
    /// Requests with their `User-Agent`, in order.
    agents: Mutex<Vec<String>>,
    /// Set when the test ends: the slow answer stops waiting.
    done: (Mutex<bool>, Condvar),
}

struct Server {
    base: String,
    shared: Arc<Shared>,
    server: Arc<tiny_http::Server>,
}

impl Drop for Server {
    fn drop(&mut self) {
        *self.shared.done.0.lock().expect("lock") = true;
        self.shared.done.1.notify_all();
        self.server.unblock();
    }
}

impl Server {
    fn start() -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1:0"));
        let port = server.server_addr().to_ip().expect("ip address").port();
        let shared = Arc::new(Shared {
            stage: Mutex::new(1),
            hits: Mutex::new(HashMap::new()),
            agents: Mutex::new(Vec::new()),
            done: (Mutex::new(false), Condvar::new()),
        });
        let (s, sh) = (server.clone(), shared.clone());
        std::thread::spawn(move || {
            for request in s.incoming_requests() {
                let sh = sh.clone();
                std::thread::spawn(move || answer(request, &sh));
            }
        });
        Server {
            base: format!("http://127.0.0.1:{port}"),
            shared,
            server,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn set_stage(&self, stage: u32) {
        *self.shared.stage.lock().expect("lock") = stage;
    }

    fn hits(&self, path: &str) -> usize {
        self.shared
            .hits
            .lock()
            .expect("lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

/// 50 MB of text, made as it is sent.
struct Huge(usize);

impl Read for Huge {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0);
        buf[..n].fill(b'a');
        self.0 -= n;
        Ok(n)
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header")
}

fn feed_xml(base: &str) -> String {
    let items: String = [
        "/news/bridge",
        "/go/ferry",
        "/private/memo",
        "/news/broken",
        "/news/slow",
        "/news/huge",
    ]
    .iter()
    .map(|p| format!("<item><title>{p}</title><link>{base}{p}</link></item>"))
    .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Courier</title>\
         <link>{base}/</link><description>news</description>{items}</channel></rss>"
    )
}

fn answer(request: tiny_http::Request, sh: &Shared) {
    let path = request.url().to_string();
    *sh.hits
        .lock()
        .expect("lock")
        .entry(path.clone())
        .or_insert(0) += 1;
    let get = |name: &str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_string())
    };
    sh.agents
        .lock()
        .expect("lock")
        .push(get("User-Agent").unwrap_or_default());
    let if_none_match = get("If-None-Match");
    let host = get("Host").unwrap_or_default();
    let html = |body: String| {
        tiny_http::Response::from_string(body)
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
    };
    let _ = match path.as_str() {
        "/robots.txt" => request.respond(tiny_http::Response::from_string(
            "User-agent: *\nDisallow: /private/\n",
        )),
        "/feed.xml" => {
            let etag = "\"feed-1\"";
            if if_none_match.as_deref() == Some(etag) {
                request.respond(tiny_http::Response::empty(304).with_header(header("ETag", etag)))
            } else {
                request.respond(
                    tiny_http::Response::from_string(feed_xml(&format!("http://{host}")))
                        .with_header(header("Content-Type", "application/rss+xml"))
                        .with_header(header("ETag", etag)),
                )
            }
        }
        "/busy.xml" => request.respond(
            tiny_http::Response::from_string("slow down")
                .with_status_code(429)
                .with_header(header("Retry-After", "120")),
        ),
        "/news/bridge" => {
            let stage = *sh.stage.lock().expect("lock");
            let etag = format!("\"bridge-{stage}\"");
            if if_none_match.as_deref() == Some(etag.as_str()) {
                request.respond(tiny_http::Response::empty(304).with_header(header("ETag", &etag)))
            } else {
                request.respond(html(bridge_html(stage)).with_header(header("ETag", &etag)))
            }
        }
        "/go/ferry" => request.respond(
            tiny_http::Response::empty(301).with_header(header("Location", "/news/ferry")),
        ),
        "/news/ferry" => request.respond(html(FERRY.to_string())),
        "/news/dated" => {
            let date = "Mon, 02 Mar 2026 09:00:00 GMT";
            if get("If-Modified-Since").as_deref() == Some(date) {
                request.respond(tiny_http::Response::empty(304))
            } else {
                request.respond(html(FERRY.to_string()).with_header(header("Last-Modified", date)))
            }
        }
        "/private/memo" => request.respond(html(FERRY.to_string())),
        "/news/broken" => {
            request.respond(tiny_http::Response::from_string("oops").with_status_code(500))
        }
        "/news/slow" => {
            // Answers only when the test is over: the client's timeout ends the wait.
            let (lock, cvar) = &sh.done;
            let guard = lock.lock().expect("lock");
            let _ = cvar.wait_timeout_while(guard, Duration::from_secs(60), |done| !*done);
            request.respond(html(FERRY.to_string()))
        }
        "/news/huge" => request.respond(tiny_http::Response::new(
            tiny_http::StatusCode(200),
            vec![header("Content-Type", "text/html")],
            Huge(50 * 1024 * 1024),
            None,
            None,
        )),
        "/doc.pdf" => request.respond(
            tiny_http::Response::from_string("%PDF-1.4")
                .with_header(header("Content-Type", "application/pdf")),
        ),
        _ => request.respond(tiny_http::Response::from_string("no").with_status_code(404)),
    };
}

fn options() -> FetchOptions {
    FetchOptions {
        timeout: Duration::from_secs(1),
        max_bytes: 1024 * 1024,
        politeness: Duration::ZERO,
        ..FetchOptions::default()
    }
}

fn t(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-03-02T10:00:00Z")
        .expect("time")
        .with_timezone(&chrono::Utc)
        + chrono::Duration::seconds(seconds)
}

fn count(store: &Store, sql: &str) -> i64 {
    common::sql(store)
        .query_row(sql, [], |r| r.get(0))
        .expect("count")
}

fn round(store: &mut Store, fetcher: &mut Fetcher, at: i64) -> Vec<Event> {
    let extractor = Extractor::new().expect("lexicon");
    watch::run_round(
        store,
        fetcher,
        &extractor,
        &WatchOptions::default(),
        t(at),
        &mut |_, _| {},
    )
    .expect("round")
}

/// A short, stable description of each event, for exact assertions.
fn describe(events: &[Event], base: &str) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let s = match e {
                Event::FeedPolled {
                    feed,
                    status,
                    articles,
                } => format!("feed {feed} {status} {articles}"),
                Event::FeedFailed {
                    feed,
                    error,
                    retry_at,
                    ..
                } => format!("feed-failed {feed} {error} until {retry_at}"),
                Event::NewArticle {
                    url,
                    final_url,
                    claims,
                    ..
                } => format!("new {url} at {final_url} {claims} claims"),
                Event::NewVersion { url, diff, .. } => format!(
                    "version {url} +{} -{} ~{} ={}",
                    diff.added.len(),
                    diff.removed.len(),
                    diff.changed.len(),
                    diff.unchanged
                ),
                Event::Unchanged { url, status, .. } => format!("unchanged {url} {status}"),
                Event::ArticleFailed {
                    url,
                    error,
                    retry_at,
                    ..
                } => format!("failed {url}: {error} until {retry_at}"),
            };
            s.replace(base, "")
        })
        .collect()
}

#[test]
fn watching_a_feed_imports_each_edit_once_with_its_claim_diff() {
    let server = Server::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("claims.db");
    let mut store = Store::open(&db).expect("open");
    let feed = server.url("/feed.xml");
    assert!(watch::add(&store, &feed, chrono::Duration::seconds(60)).expect("add"));
    assert!(!watch::add(&store, &feed, chrono::Duration::seconds(60)).expect("again"));
    let mut fetcher = Fetcher::new(options());

    let first = describe(&round(&mut store, &mut fetcher, 0), &server.base);
    assert_eq!(
        first,
        [
            "feed /feed.xml 200 6",
            "new /go/ferry at /news/ferry 1 claims",
            "new /news/bridge at /news/bridge 4 claims",
            "failed /news/broken: /news/broken: HTTP 500 until 2026-03-02T10:01:00Z",
            "failed /news/huge: /news/huge: the body is larger than 1048576 bytes; refused \
             until 2026-03-02T10:01:00Z",
            "failed /news/slow: /news/slow: no answer within 1 s (timeout) until \
             2026-03-02T10:01:00Z",
            "failed /private/memo: /private/memo: robots.txt of  forbids this path to claims; \
             not fetched until 2026-03-02T10:01:00Z",
        ]
    );
    assert_eq!(server.hits("/private/memo"), 0, "robots.txt was not obeyed");
    assert_eq!(
        server.hits("/robots.txt"),
        1,
        "robots.txt is read once per origin"
    );
    let objects = count(&store, "SELECT count(*) FROM objects");

    // The number is corrected.
    server.set_stage(2);
    let second = describe(&round(&mut store, &mut fetcher, 60), &server.base);
    assert_eq!(
        second,
        [
            "feed /feed.xml 304 0",
            "unchanged /go/ferry 200",
            "version /news/bridge +0 -0 ~1 =3",
            // Errors in a row double the wait: 1 minute, then 2.
            "failed /news/broken: /news/broken: HTTP 500 until 2026-03-02T10:03:00Z",
            "failed /news/huge: /news/huge: the body is larger than 1048576 bytes; refused \
             until 2026-03-02T10:03:00Z",
            "failed /news/slow: /news/slow: no answer within 1 s (timeout) until \
             2026-03-02T10:03:00Z",
            "failed /private/memo: /private/memo: robots.txt of  forbids this path to claims; \
             not fetched until 2026-03-02T10:03:00Z",
        ]
    );

    // Nothing changed: the ETag gives a 304, and nothing is stored.
    let objects_after_edit = count(&store, "SELECT count(*) FROM objects");
    assert!(objects_after_edit > objects);
    let third = describe(&round(&mut store, &mut fetcher, 120), &server.base);
    assert_eq!(
        third,
        [
            "feed /feed.xml 304 0",
            "unchanged /go/ferry 200",
            "unchanged /news/bridge 304",
        ]
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM objects"),
        objects_after_edit
    );

    // The quote is removed and a denial added.
    server.set_stage(3);
    let fourth = describe(&round(&mut store, &mut fetcher, 180), &server.base);
    assert!(
        fourth.contains(&"version /news/bridge +1 -1 ~0 =3".to_string()),
        "{fourth:#?}"
    );
    let bridge = server.url("/news/bridge");
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT count(*) FROM versions v JOIN documents d ON d.seq = v.document_seq
                 WHERE d.key = '{bridge}'"
            )
        ),
        3
    );
    // Every version fetched has its fact: where, when, status, ETag.
    let facts = store.fetches().all().expect("fetches");
    let of_bridge: Vec<_> = facts.iter().filter(|f| f.url == bridge).collect();
    assert_eq!(of_bridge.len(), 3);
    assert_eq!(
        of_bridge
            .iter()
            .map(|f| f.etag.as_deref().unwrap_or("-"))
            .collect::<Vec<_>>(),
        ["\"bridge-1\"", "\"bridge-2\"", "\"bridge-3\""]
    );
    assert!(of_bridge
        .iter()
        .all(|f| f.status == 200 && f.version_id.is_some()));
    // The page's own canonical link is recorded; the URL asked for stays the lineage key.
    assert!(of_bridge
        .iter()
        .all(|f| f.canonical.as_deref() == Some("https://courier.example/bridge")));
    let ferry = facts
        .iter()
        .find(|f| f.url == server.url("/go/ferry"))
        .expect("ferry fetched");
    assert_eq!(ferry.final_url, server.url("/news/ferry"));

    // A watcher started again carries on: nothing is imported twice.
    drop(store);
    let mut store = Store::open(&db).expect("open again");
    let mut fetcher = Fetcher::new(options());
    let objects = count(&store, "SELECT count(*) FROM objects");
    let fifth = describe(&round(&mut store, &mut fetcher, 240), &server.base);
    assert!(
        fifth.contains(&"unchanged /news/bridge 304".to_string()),
        "{fifth:#?}"
    );
    assert!(!fifth
        .iter()
        .any(|e| e.starts_with("new") || e.starts_with("version")));
    assert_eq!(count(&store, "SELECT count(*) FROM objects"), objects);
    // Every request said who it was.
    let agents = server.shared.agents.lock().expect("lock").clone();
    assert!(
        agents.iter().all(|a| a.starts_with("claims/")),
        "{agents:?}"
    );
}

#[test]
fn a_429_keeps_the_feed_off_until_retry_after() {
    let server = Server::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("c.db")).expect("open");
    let busy = server.url("/busy.xml");
    watch::add(&store, &busy, chrono::Duration::seconds(60)).expect("add");
    let mut fetcher = Fetcher::new(options());
    let first = describe(&round(&mut store, &mut fetcher, 0), &server.base);
    assert_eq!(
        first,
        ["feed-failed /busy.xml /busy.xml: HTTP 429, retry after 120 s until 2026-03-02T10:02:00Z"]
    );
    // Not due before Retry-After has passed: not asked at all.
    assert!(round(&mut store, &mut fetcher, 60).is_empty());
    assert_eq!(server.hits("/busy.xml"), 1);
    let again = describe(&round(&mut store, &mut fetcher, 120), &server.base);
    assert_eq!(
        again,
        ["feed-failed /busy.xml /busy.xml: HTTP 429, retry after 120 s until 2026-03-02T10:04:00Z"]
    );
    let feeds = watch::list(&store).expect("list");
    assert_eq!(feeds[0].failures, 2);
}

/// A clock that moves only when asked to wait, and remembers each wait.
struct FakeClock {
    start: Instant,
    slept: Arc<Mutex<Vec<Duration>>>,
}

impl Pause for FakeClock {
    fn now(&self) -> Instant {
        self.start + self.slept.lock().expect("lock").iter().sum::<Duration>()
    }
    fn sleep(&mut self, d: Duration) {
        self.slept.lock().expect("lock").push(d);
    }
}

#[test]
fn requests_to_one_host_wait_the_politeness_delay() {
    let server = Server::start();
    let slept = Arc::new(Mutex::new(Vec::new()));
    let clock = FakeClock {
        start: Instant::now(),
        slept: slept.clone(),
    };
    let mut fetcher = Fetcher::with_pause(
        FetchOptions {
            politeness: Duration::from_secs(5),
            ..options()
        },
        Box::new(clock),
    );
    let none = Validators::default();
    fetcher
        .get(&server.url("/news/ferry"), &none)
        .expect("first");
    fetcher
        .get(&server.url("/news/ferry"), &none)
        .expect("second");
    // robots.txt, then the page (5 s after it), then the page again (5 s after that).
    assert_eq!(
        *slept.lock().expect("lock"),
        [Duration::from_secs(5), Duration::from_secs(5)]
    );
}

#[test]
fn conditional_requests_get_a_304_without_body() {
    let server = Server::start();
    let mut fetcher = Fetcher::new(options());
    let url = server.url("/news/bridge");
    let first = fetcher.get(&url, &Validators::default()).expect("200");
    assert_eq!(first.status, 200);
    assert_eq!(first.etag.as_deref(), Some("\"bridge-1\""));
    let again = fetcher
        .get(
            &url,
            &Validators {
                etag: first.etag.clone(),
                last_modified: None,
            },
        )
        .expect("304");
    assert!(again.not_modified());
    assert!(again.body.is_empty());
    let dated = server.url("/news/dated");
    let first = fetcher.get(&dated, &Validators::default()).expect("200");
    assert_eq!(
        first.last_modified.as_deref(),
        Some("Mon, 02 Mar 2026 09:00:00 GMT")
    );
    let again = fetcher
        .get(
            &dated,
            &Validators {
                etag: None,
                last_modified: first.last_modified.clone(),
            },
        )
        .expect("304");
    assert!(again.not_modified());
    let err = fetcher
        .get(&server.url("/doc.pdf"), &Validators::default())
        .expect("200")
        .require_html()
        .expect_err("not html");
    assert!(matches!(err, FetchError::NotHtml { .. }));
}

#[test]
fn import_url_records_where_the_page_came_from() {
    let server = Server::start();
    let env = Env::new();
    let url = server.url("/go/ferry");
    let out = env.run(&["import", &url]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("{url}: new version 1 of \"Ferry timetable\" (")),
        "{text}"
    );
    assert!(
        text.ends_with(
            "1 file: 1 new version, 1 new claim, 4 new objects; 0 failed. Database: claims.db\n"
        ),
        "{text}"
    );
    // The document is named by the URL asked for; the version shows where it came from.
    let shown = env.ok(&["show", &url]);
    assert!(shown.starts_with("document "), "{shown}");
    let log = env.ok(&["--format", "json", "log", &url]);
    let v: serde_json::Value = serde_json::from_str(&log).expect("json");
    let version = v[0]["id"].as_str().expect("version id").to_string();
    let shown = env.ok(&["show", &version]);
    assert!(
        shown.contains(&format!(
            "  fetched: 2026-01-02T03:04:05Z {url} (HTTP 200, from {})\n",
            server.url("/news/ferry")
        )),
        "{shown}"
    );
    let json = env.ok(&["--format", "json", "show", &version]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["fetches"][0]["final_url"], server.url("/news/ferry"));
    assert_eq!(v["fetches"][0]["status"], 200);

    // In JSON, the summary says where each page came from.
    let other = Env::new();
    let out = other.run(&["--format", "json", "import", &url]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["fetched"][0]["url"], url);
    assert_eq!(v["fetched"][0]["final_url"], server.url("/news/ferry"));
    assert_eq!(v["fetched"][0]["status"], 200);
    assert_eq!(v["imported"][0]["path"], url);

    // Importing the same page again adds nothing but a fetch fact.
    let objects = env.object_count();
    let again = env.run(&["import", &url]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("unchanged, version 1 of"),
        "{}",
        stdout(&again)
    );
    assert_eq!(env.object_count(), objects);
}

#[test]
fn a_failed_fetch_is_a_clear_error_and_stores_nothing() {
    let server = Server::start();
    let env = Env::new();
    // A port nothing listens on: bound, then let go.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let urls = [
        server.url("/private/memo"),
        server.url("/news/broken"),
        server.url("/news/slow"),
        server.url("/news/huge"),
        server.url("/doc.pdf"),
        server.url("/nowhere"),
        format!("http://127.0.0.1:{closed}/a"),
    ];
    let mut args = vec!["import", "--timeout", "1", "--max-bytes", "1048576"];
    args.extend(urls.iter().map(String::as_str));
    let out = env.run(&args);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    let b = &server.base;
    assert_eq!(lines[0], format!("claims: error: {b}/private/memo: robots.txt of {b} forbids this path to claims; not fetched; nothing stored"));
    assert_eq!(
        lines[1],
        format!("claims: error: {b}/news/broken: HTTP 500; nothing stored")
    );
    assert_eq!(
        lines[2],
        format!("claims: error: {b}/news/slow: no answer within 1 s (timeout); nothing stored")
    );
    assert_eq!(lines[3], format!("claims: error: {b}/news/huge: the body is larger than 1048576 bytes; refused; nothing stored"));
    assert_eq!(lines[4], format!("claims: error: {b}/doc.pdf: not an HTML page (Content-Type: application/pdf); nothing stored"));
    assert_eq!(
        lines[5],
        format!("claims: error: {b}/nowhere: HTTP 404; nothing stored")
    );
    assert!(
        lines[6].starts_with(&format!(
            "claims: error: http://127.0.0.1:{closed}/a: robots.txt of http://127.0.0.1:{closed} could not be read"
        )),
        "{}",
        lines[6]
    );
    assert_eq!(lines.len(), 7, "{err}");
    assert!(stdout(&out).ends_with(
        "7 files: 0 new versions, 0 new claims, 0 new objects; 7 failed. Database: claims.db\n"
    ));
    assert_eq!(env.object_count(), 0);
    assert_eq!(server.hits("/private/memo"), 0);
}

#[test]
fn watch_commands_report_in_text_json_lines_and_a_log() {
    let server = Server::start();
    let env = Env::new();
    let feed = server.url("/feed.xml");
    assert_eq!(
        env.ok(&["watch", "add", &feed, "--every", "1m"]),
        format!("watching {feed} every 1m\n")
    );
    assert_eq!(
        env.ok(&["watch", "list"]),
        format!("{feed}  every 1m, 0 articles, not polled yet\n1 feed\n")
    );
    let run = |now: &str, extra: &[&str]| {
        env.cmd()
            .env("CLAIMS_NOW", now)
            .args([
                "watch",
                "run",
                "--once",
                "--timeout",
                "1",
                "--max-bytes",
                "1048576",
            ])
            .args(["--politeness", "0", "--log", "events.jsonl"])
            .args(extra)
            .output()
            .expect("runs")
    };
    let first = run("2026-03-02T10:00:00Z", &["--exec", "cat >> alerts.jsonl"]);
    assert_eq!(
        first.status.code(),
        Some(1),
        "a failing article makes exit 1"
    );
    let out = stdout(&first).replace(&server.base, "");
    assert!(
        out.starts_with("feed /feed.xml: 200, 6 articles\n"),
        "{out}"
    );
    assert!(
        out.contains("new article /go/ferry: version 1 of \"Ferry timetable\" ("),
        "{out}"
    );
    assert!(out.contains(" (from /news/ferry)\n"), "{out}");
    let err = stderr(&first).replace(&server.base, "");
    assert!(
        err.contains("claims: error: /news/broken: HTTP 500; next try at 2026-03-02T10:01:00Z\n"),
        "{err}"
    );
    // --exec heard each new article, with the event on stdin.
    let alerts = std::fs::read_to_string(env.path("alerts.jsonl")).expect("alerts");
    let alerts: Vec<serde_json::Value> = alerts
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(alerts.len(), 2);
    assert!(alerts.iter().all(|a| a["event"] == "new-article"));

    server.set_stage(2);
    let second = env
        .cmd()
        .env("CLAIMS_NOW", "2026-03-02T10:01:00Z")
        .args([
            "--format",
            "jsonl",
            "watch",
            "run",
            "--once",
            "--timeout",
            "1",
        ])
        .args(["--max-bytes", "1048576", "--politeness", "0"])
        .output()
        .expect("runs");
    let events: Vec<serde_json::Value> = stdout(&second)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one event per line"))
        .collect();
    let version = events
        .iter()
        .find(|e| e["event"] == "new-version")
        .expect("a new version of the bridge");
    assert_eq!(
        version["diff"]["changed"][0]["before"]["content"],
        "two people were injured"
    );
    assert_eq!(
        version["diff"]["changed"][0]["after"]["content"],
        "three people were injured"
    );

    // --format json: the round's events as one array.
    let quiet = env
        .cmd()
        .env("CLAIMS_NOW", "2026-03-02T10:01:30Z")
        .args([
            "--format",
            "json",
            "watch",
            "run",
            "--once",
            "--politeness",
            "0",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&quiet.stdout).expect("json"),
        serde_json::json!([]),
        "nothing is due half a minute later"
    );

    server.set_stage(3);
    let third = run("2026-03-02T10:02:00Z", &[]);
    let out = stdout(&third).replace(&server.base, "");
    assert!(out.contains("new version 3 of /news/bridge\n--- version 2 of /news/bridge\n+++ version 3 of /news/bridge ("), "{out}");
    assert!(out.contains("\n- "), "{out}");
    assert!(out.contains("\n+ "), "{out}");
    assert!(
        out.contains("1 added, 1 removed, 0 changed, 3 unchanged\n"),
        "{out}"
    );
    let log = std::fs::read_to_string(env.path("events.jsonl")).expect("log");
    assert!(log
        .lines()
        .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    assert!(log.contains("\"event\":\"new-version\""), "{log}");

    assert_eq!(
        env.ok(&["watch", "remove", &feed]),
        format!("no longer watching {feed}\n")
    );
    assert_eq!(env.ok(&["watch", "list"]), "0 feeds\n");
    let again = env.run(&["watch", "remove", &feed]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        stderr(&again),
        format!("claims: error: {feed}: not on the watch list\n")
    );
}

/// `claims watch run` killed with SIGKILL after its first article and started again imports
/// each article once.
#[cfg(all(unix, debug_assertions))]
#[test]
fn a_killed_watcher_resumes_without_duplicates() {
    let server = Server::start();
    let env = Env::new();
    let feed = server.url("/feed.xml");
    env.ok(&["watch", "add", &feed, "--every", "1m"]);
    let run = || {
        let mut c = env.cmd();
        c.env("CLAIMS_NOW", "2026-03-02T10:00:00Z").args([
            "watch",
            "run",
            "--once",
            "--timeout",
            "1",
            "--max-bytes",
            "1048576",
            "--politeness",
            "0",
        ]);
        c
    };
    let mut first = run();
    first
        .env("CLAIMS_FAULT", "watch-article:1:stop")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = first.spawn().expect("starts");
    let err = child.stderr.take().expect("stderr");
    let mut stopped = false;
    for line in BufReader::new(err).lines().map_while(Result::ok) {
        if line == "claims: stopped at watch-article:1 (CLAIMS_FAULT)" {
            stopped = true;
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(stopped, "the watcher never reached its first article");
    // The first article (the ferry) was imported before the kill; the feed's own state was
    // not saved, so the feed is polled again and the others are fetched, the ferry not.
    let second = run().output().expect("runs again");
    let out = stdout(&second).replace(&server.base, "");
    assert!(out.contains("new article /news/bridge"), "{out}");
    assert!(!out.contains("/go/ferry"), "{out}");
    let store = Store::open_existing(&env.db()).expect("db");
    let facts = store.fetches().all().expect("facts");
    let urls: Vec<String> = facts
        .iter()
        .map(|f| f.url.replace(&server.base, ""))
        .collect();
    assert_eq!(urls, ["/go/ferry", "/news/bridge"]);
    assert_eq!(
        count(&store, "SELECT count(*) FROM versions"),
        2,
        "each article once"
    );
}
