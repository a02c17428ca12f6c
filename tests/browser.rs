//! The pages in a real headless Chromium (issue 13), driven over WebDriver.
//!
//! Needs the Debian packages `chromium` and `chromium-driver` (`.ci/run` installs them when
//! they are missing). The test starts `chromedriver` on a free loopback port, which starts
//! Chromium headless with a fresh profile; a small blocking WebDriver client (below, over
//! ureq) clicks through the pages served by `claims::web::Server` from the seed database and
//! checks what each shows. With `CLAIMS_UPDATE_DOCS=1` it also writes the screenshots in
//! `docs/` (`docs/web.md` shows them).

mod common;

use base64::Engine;
use common::Env;
use serde_json::{json, Value};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The WebDriver key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The first of `names` found on `PATH`.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// A chromedriver process on a loopback port, stopped on drop.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start() -> Driver {
        let exe = on_path(&["chromedriver"]).expect(
            "chromedriver not found on PATH: install the Debian packages chromium and \
             chromium-driver (.ci/run does)",
        );
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            l.local_addr().expect("addr").port()
        };
        let mut child = Command::new(exe)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        // It says so on stdout once it listens.
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        loop {
            let line = lines
                .next()
                .expect("chromedriver ended before it was ready")
                .expect("read chromedriver's output");
            if line.contains("started successfully") {
                break;
            }
        }
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One browser session.
struct Browser {
    agent: ureq::Agent,
    session: String,
    _profile: tempfile::TempDir,
    _driver: Driver,
}

impl Browser {
    fn start() -> Browser {
        let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"]).expect(
            "chromium not found on PATH: install the Debian packages chromium and \
             chromium-driver (.ci/run does)",
        );
        let driver = Driver::start();
        let profile = tempfile::tempdir().expect("profile dir");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let caps = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium.to_string_lossy(),
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--window-size=1200,900", "--hide-scrollbars",
                        "--force-device-scale-factor=1",
                        format!("--user-data-dir={}", profile.path().display()),
                    ],
                },
            }},
        });
        let v = send(
            &agent,
            "POST",
            &format!("{}/session", driver.url),
            Some(&caps),
        );
        let session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Browser {
            agent,
            session: format!("{}/session/{session}", driver.url),
            _profile: profile,
            _driver: driver,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        send(
            &self.agent,
            method,
            &format!("{}{path}", self.session),
            body,
        )
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(&json!({ "url": url })));
    }

    fn current_url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .expect("url")
            .to_string()
    }

    /// Clicks `element` and waits until the window shows another page (polling the driver
    /// for the URL, at most 10 s): a click returns when the event is dispatched, which can be
    /// before the navigation starts. Returns the new URL.
    fn follow(&self, element: Element<'_>) -> String {
        let before = self.current_url();
        element.click();
        let start = std::time::Instant::now();
        loop {
            let now = self.current_url();
            let ready = self.cmd(
                "POST",
                "/execute/sync",
                Some(&json!({ "script": "return document.readyState", "args": [] })),
            );
            if now != before && ready == "complete" {
                return now;
            }
            assert!(
                start.elapsed() < std::time::Duration::from_secs(10),
                "no navigation from {before}"
            );
        }
    }

    fn title(&self) -> String {
        self.cmd("GET", "/title", None)
            .as_str()
            .expect("title")
            .to_string()
    }

    fn all(&self, css: &str) -> Vec<Element<'_>> {
        self.cmd(
            "POST",
            "/elements",
            Some(&json!({ "using": "css selector", "value": css })),
        )
        .as_array()
        .unwrap_or_else(|| panic!("{css}: no answer"))
        .iter()
        .map(|e| Element {
            browser: self,
            id: e[ELEMENT].as_str().expect("element id").to_string(),
        })
        .collect()
    }

    /// The one element `css` finds (fails when there is none or more than one).
    fn one(&self, css: &str) -> Element<'_> {
        let mut found = self.all(css);
        assert_eq!(found.len(), 1, "{css} on {}", self.current_url());
        found.remove(0)
    }

    fn text(&self, css: &str) -> String {
        self.one(css).text()
    }

    /// The link whose visible text contains `text`.
    fn link(&self, text: &str) -> Element<'_> {
        let xpath = format!("//a[contains(normalize-space(.), '{text}')]");
        let v = self.cmd(
            "POST",
            "/element",
            Some(&json!({ "using": "xpath", "value": xpath })),
        );
        Element {
            browser: self,
            id: v[ELEMENT]
                .as_str()
                .unwrap_or_else(|| panic!("no link {text:?} on {}: {v}", self.current_url()))
                .to_string(),
        }
    }

    /// A screenshot of the window (PNG); written to `docs/NAME` with `CLAIMS_UPDATE_DOCS=1`.
    fn screenshot(&self, name: &str) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().expect("base64"))
            .expect("PNG bytes");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        if std::env::var_os("CLAIMS_UPDATE_DOCS").is_some() {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs")
                .join(name);
            std::fs::write(path, &png).expect("write screenshot");
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.agent.delete(&self.session).call();
    }
}

struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Element<'_> {
    fn text(&self) -> String {
        self.browser
            .cmd("GET", &format!("/element/{}/text", self.id), None)
            .as_str()
            .expect("text")
            .to_string()
    }

    fn click(&self) {
        self.browser.cmd(
            "POST",
            &format!("/element/{}/click", self.id),
            Some(&json!({})),
        );
    }

    fn type_text(&self, text: &str) {
        self.browser.cmd(
            "POST",
            &format!("/element/{}/value", self.id),
            Some(&json!({ "text": text })),
        );
    }

    fn css(&self, property: &str) -> String {
        self.browser
            .cmd("GET", &format!("/element/{}/css/{property}", self.id), None)
            .as_str()
            .expect("css value")
            .to_string()
    }
}

/// One WebDriver command; its `value`, or a panic with the driver's error.
fn send(agent: &ureq::Agent, method: &str, url: &str, body: Option<&Value>) -> Value {
    let response = match method {
        "GET" => agent.get(url).call(),
        "DELETE" => agent.delete(url).call(),
        _ => agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(serde_json::to_vec(body.unwrap_or(&json!({}))).expect("json")),
    };
    let mut response = response.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("body");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{url}: {text}"));
    assert_eq!(status, 200, "{method} {url}: {}", v["value"]);
    v.get("value").cloned().unwrap_or(Value::Null)
}

#[test]
fn a_reader_follows_a_claim_from_search_to_article_diff_and_conflicts() {
    let env = Env::new();
    env.seed_two_versions();
    let store = claims::store::Store::open_read_only(&env.db()).expect("open");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = claims::web::Server::from_listener(listener).expect("server");
    let site = server.spawn(store, claims::web::Options::default());
    let base = site.url().to_string();
    let b = Browser::start();

    // Home: what the ledger holds.
    b.go(&format!("{base}/"));
    assert_eq!(b.title(), "\u{2068}Home\u{2069} · claims");
    assert_eq!(b.text("h1"), "The ledger");
    let counts: Vec<String> = b.all("ul.counts li").iter().map(|e| e.text()).collect();
    assert_eq!(
        counts,
        [
            "5\ndocuments",
            "6\nversions",
            "54\nclaims",
            "74\nmentions",
            "2\nconflicts",
            "0\nreviews"
        ]
    );
    // The style sheet came from the binary and applies (the page allows no other source).
    assert_eq!(
        b.one("header").css("background-color"),
        "rgba(255, 255, 255, 1)"
    );
    b.screenshot("web-home.png");

    // Search "Pokrovsk" from the box in the header.
    b.one("header input[name=q]").type_text("Pokrovsk");
    let url = b.follow(b.one("header button[type=submit]"));
    assert_eq!(url, format!("{base}/search?q=Pokrovsk"));
    assert_eq!(b.text("h1"), "Search: Pokrovsk");
    let found: Vec<String> = b
        .all("ul.claims li .claim > a:last-child")
        .iter()
        .map(|e| e.text())
        .collect();
    assert_eq!(
        found,
        [
            "Pokrovsk, a railway junction further east, could be the next Russian objective",
            "Pokrovsk, a railway junction further east, is now the next Russian objective",
        ]
    );
    assert_eq!(b.all("ul.articles li").len(), 2);
    b.screenshot("web-search.png");

    // Open the claim of the latest version.
    let url = b.follow(b.link("is now the next Russian objective"));
    assert!(url.starts_with(&format!("{base}/claims/")), "{url}");
    assert_eq!(
        b.text("dd.content"),
        "Pokrovsk, a railway junction further east, is now the next Russian objective"
    );
    assert_eq!(b.text("dl.claim-fields a.speaker"), "military bloggers");
    assert_eq!(b.text("ul.mentions mark.source"), "military bloggers");
    assert_eq!(b.text("ul.mentions mark.cue"), "said");
    assert_eq!(
        b.one("ul.mentions mark.content").css("background-color"),
        "rgba(255, 242, 168, 1)"
    );
    let kinds: Vec<String> = b
        .all("li.relation .kind")
        .iter()
        .map(|e| e.text())
        .collect();
    assert_eq!(kinds, ["conflicts", "updates"]);
    b.screenshot("web-claim.png");

    // Follow it to the article: version 2, with its claims highlighted in the text.
    let url = b.follow(b.one("ul.mentions p.meta a"));
    assert!(url.ends_with("?v=2"), "{url}");
    assert_eq!(
        b.text("h1"),
        "Dramatic bodycam of Ukrainian soldiers escaping Avdiivka as Russian troops takeover city"
    );
    assert_eq!(b.all("ol.timeline li").len(), 2);
    assert_eq!(
        b.text("ol.timeline li.current > a:first-child"),
        "version 2"
    );
    assert_eq!(b.all("div.text mark.content").len(), 21);
    b.screenshot("web-article.png");

    // The diff between its two versions.
    let url = b.follow(b.one("a.diff"));
    assert!(url.ends_with("/diff?a=1&b=2"), "{url}");
    assert_eq!(
        b.text("p.summary"),
        "0 added, 1 removed, 1 changed, 20 unchanged"
    );
    assert_eq!(b.text("li.changed del"), "could be");
    assert_eq!(b.text("li.changed ins"), "is now");
    assert!(b
        .text("li.removed")
        .contains("A piece of debris even lands in one female soldier's drink"));
    b.screenshot("web-diff.png");

    // The conflicts page: the two claims side by side.
    let url = b.follow(b.link("Conflicts"));
    assert_eq!(url, format!("{base}/conflicts"));
    assert_eq!(b.text("h1"), "Conflicts");
    let reasons: Vec<String> = b
        .all("li.relation .reason")
        .iter()
        .map(|e| e.text())
        .collect();
    assert_eq!(
        reasons,
        [
            "direction: further east vs further west",
            "direction: further east vs further west"
        ]
    );
    assert_eq!(b.all("li.relation div.pair > div").len(), 4);
    b.screenshot("web-conflicts.png");
    drop(b);
    site.stop();
}

#[test]
fn hostile_text_shows_as_text_in_the_browser() {
    let env = Env::new();
    env.write("hostile.txt", common::HOSTILE);
    env.ok(&["import", "hostile.txt"]);
    let store = claims::store::Store::open_read_only(&env.db()).expect("open");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let site = claims::web::Server::from_listener(listener)
        .expect("server")
        .spawn(store, claims::web::Options::default());
    let base = site.url().to_string();
    let b = Browser::start();
    b.go(&format!("{base}/search?q=bridge"));
    b.follow(b.link("will reopen on Friday"));
    assert_eq!(
        b.text("dd.content"),
        "the \"bridge\" <script>alert(1)</script> will reopen on Friday"
    );
    // Nothing from the text became an element.
    assert_eq!(b.all("script").len(), 0);
    assert_eq!(b.all("img").len(), 0);
    b.follow(b.link("Hostile"));
    assert_eq!(
        b.title(),
        "\u{2068}Hostile <script>alert(\"t\")</script> title\u{2069} · claims"
    );
    assert!(b
        .text("div.text")
        .contains("O'Brien <img src=x onerror=alert(2)> said the plan & budget were approved."));
    assert_eq!(b.all("img").len(), 0);
    drop(b);
    site.stop();
}
