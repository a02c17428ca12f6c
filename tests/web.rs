//! `claims web` served for real: a `claims::web::Server` bound to 127.0.0.1:0 over a database
//! the `claims` binary imported, asked over HTTP (ureq). Every route: status codes, content
//! types, the JSON twin, escaping of hostile article text, 404s, paging, the diff of two
//! versions, and the headers that keep pages script-free.

mod common;

use common::Env;
use serde_json::Value;

struct Site {
    env: Env,
    running: Option<claims::web::Running>,
    agent: ureq::Agent,
}

struct Answer {
    status: u16,
    content_type: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        assert!(
            self.content_type.starts_with("application/json"),
            "{}",
            self.content_type
        );
        serde_json::from_str(&self.body).expect("JSON body")
    }

    fn html(&self) -> &str {
        assert!(
            self.content_type.starts_with("text/html; charset=utf-8"),
            "{}",
            self.content_type
        );
        &self.body
    }
}

/// The seeds, version 2 of the Avdiivka article, and the hostile article, served.
fn site() -> Site {
    let env = Env::new();
    env.seed_two_versions();
    env.write("hostile.txt", common::HOSTILE);
    env.ok(&["import", "hostile.txt"]);
    serve(env)
}

fn serve(env: Env) -> Site {
    let store = claims::store::Store::open_read_only(&env.db()).expect("open read-only");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = claims::web::Server::from_listener(listener).expect("server");
    let running = server.spawn(store, claims::web::Options::default());
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    Site {
        env,
        running: Some(running),
        agent,
    }
}

impl Site {
    fn url(&self) -> String {
        self.running.as_ref().expect("running").url().to_string()
    }

    fn ask(&self, method: &str, path: &str, accept: Option<&str>) -> Answer {
        let url = format!("{}{path}", self.url());
        let mut response = match method {
            "GET" => {
                let mut r = self.agent.get(&url);
                if let Some(a) = accept {
                    r = r.header("Accept", a);
                }
                r.call()
            }
            "POST" => self.agent.post(&url).send("x"),
            other => panic!("{other}"),
        }
        .expect("request");
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect::<Vec<_>>();
        let content_type = headers
            .iter()
            .find(|(k, _)| k == "content-type")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        Answer {
            status: response.status().as_u16(),
            content_type,
            headers,
            body: response.body_mut().read_to_string().expect("body"),
        }
    }

    fn get(&self, path: &str) -> Answer {
        self.ask("GET", path, None)
    }

    /// A claim's id by its content (the CLI's search, JSON).
    fn claim_id(&self, words: &str) -> String {
        let out = self.env.ok(&["--format", "json", "search", words]);
        let v: Value = serde_json::from_str(&out).expect("json");
        v[0]["id"].as_str().expect("id").to_string()
    }

    fn document_id(&self, words: &str) -> String {
        let claim = self.claim_id(words);
        let out = self.env.ok(&["--format", "json", "show", &claim]);
        let v: Value = serde_json::from_str(&out).expect("json");
        v["mentions"][0]["document"]
            .as_str()
            .expect("document")
            .to_string()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            r.stop();
        }
    }
}

#[test]
fn every_route_answers_html_and_its_json_twin() {
    let s = site();
    let pokrovsk = s.claim_id("Pokrovsk is now the next");
    let doc = s.document_id("Pokrovsk is now the next");
    let routes = [
        "/".to_string(),
        "/search?q=Pokrovsk".to_string(),
        format!("/claims/{}", &pokrovsk[..10]),
        format!("/documents/{doc}"),
        format!("/documents/{}/diff?a=1&b=2", &doc[..8]),
        "/speakers/military%20bloggers".to_string(),
        "/conflicts".to_string(),
    ];
    for route in &routes {
        let html = s.get(route);
        assert_eq!(html.status, 200, "{route}: {}", html.body);
        assert!(html.html().starts_with("<!DOCTYPE html>"), "{route}");
        assert!(html.body.contains("href=\"/static/style.css\""), "{route}");
        let sep = if route.contains('?') { '&' } else { '?' };
        let twin = s.get(&format!("{route}{sep}format=json"));
        assert_eq!(twin.status, 200, "{route}");
        let by_param = twin.json();
        let by_accept = s.ask("GET", route, Some("application/json")).json();
        assert_eq!(by_param, by_accept, "{route}");
    }
    // What the twins hold.
    let home = s.get("/?format=json").json();
    assert_eq!(home["counts"]["documents"], 6);
    assert_eq!(home["counts"]["versions"], 7);
    assert_eq!(home["counts"]["claims"], 57);
    assert_eq!(home["conflicts"], 2);
    assert_eq!(
        home["latest_versions"][0]["title"],
        "Hostile <script>alert(\"t\")</script> title"
    );
    let search = s.get("/search?q=Pokrovsk&format=json").json();
    let contents: Vec<&str> = search["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .map(|c| c["content"].as_str().expect("content"))
        .collect();
    assert_eq!(
        contents,
        [
            "Pokrovsk, a railway junction further east, could be the next Russian objective",
            "Pokrovsk, a railway junction further east, is now the next Russian objective",
        ]
    );
    assert_eq!(search["articles"].as_array().expect("articles").len(), 2);
    let claim = s.get(&format!("/claims/{pokrovsk}?format=json")).json();
    assert_eq!(claim["claim"]["id"], pokrovsk.as_str());
    assert_eq!(claim["claim"]["speaker"], "military bloggers");
    assert_eq!(claim["mentions"][0]["version_number"], 2);
    let kinds: Vec<&str> = claim["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .map(|r| r["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["conflicts", "updates"]);
    let document = s.get(&format!("/documents/{doc}?format=json")).json();
    assert_eq!(document["version"], 2);
    assert_eq!(document["versions"].as_array().expect("versions").len(), 2);
    assert_eq!(document["claims"].as_array().expect("claims").len(), 21);
    let speaker = s.get("/speakers/Military%20Bloggers?format=json").json();
    assert_eq!(speaker["claims"], 2);
    assert_eq!(speaker["appearances"].as_array().expect("rows").len(), 2);
    assert_eq!(speaker["names"], serde_json::json!(["military bloggers"]));
    // Both Pokrovsk claims conflict with the same claim of the outlet.
    assert_eq!(speaker["conflicts"].as_array().expect("conflicts").len(), 2);
    // A name that only contains the speaker's is another speaker: no conflicts of theirs.
    let military = s.get("/speakers/military?format=json").json();
    assert_eq!(military["names"], serde_json::json!(["military"]));
    assert_eq!(military["conflicts"], serde_json::json!([]));
    let conflicts = s.get("/conflicts?format=json").json();
    assert_eq!(conflicts["total"], 2);
    assert_eq!(
        conflicts["conflicts"][0]["reason"],
        "direction: further east vs further west"
    );
    // The style sheet comes from the binary.
    let css = s.get("/static/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.content_type, "text/css; charset=utf-8");
    assert!(css.body.contains("mark.content"));
}

#[test]
fn pages_show_the_claim_the_article_the_diff_and_the_conflict() {
    let s = site();
    let pokrovsk = s.claim_id("Pokrovsk is now the next");
    let doc = s.document_id("Pokrovsk is now the next");
    let claim = s.get(&format!("/claims/{pokrovsk}")).body;
    // The sentence with source, cue and content marked, and the way to the article.
    assert!(claim.contains(
        "<bdi><mark class=\"content\">Pokrovsk, a railway junction further east, is now the next \
         Russian objective</mark>, <mark class=\"source\">military bloggers</mark> \
         <mark class=\"cue\">said</mark>.</bdi>"
    ));
    assert!(
        claim.contains(&format!("href=\"/documents/{doc}?v=2\"")),
        "{doc}: {claim}"
    );
    assert!(claim.contains("<span class=\"kind\">updates</span>"));
    let article = s.get(&format!("/documents/{doc}")).body;
    assert!(article.contains("<h2>Version 2: 21 claims</h2>"));
    assert!(article.contains(&format!(
        "<a class=\"diff\" href=\"/documents/{doc}/diff?a=1&amp;b=2\">diff with version 1</a>"
    )));
    assert!(article.contains(&format!(
        "<a href=\"/claims/{pokrovsk}\"><mark class=\"content\">Pokrovsk, a railway junction \
         further east, is now the next Russian objective</mark></a>"
    )));
    let v1 = s.get(&format!("/documents/{doc}?v=1")).body;
    assert!(v1.contains("<h2>Version 1: 22 claims</h2>"));
    let diff = s.get(&format!("/documents/{doc}/diff?a=1&b=2")).body;
    assert!(diff.contains("<p class=\"summary\">0 added, 1 removed, 1 changed, 20 unchanged</p>"));
    assert!(diff.contains(
        "<bdi class=\"words\">Pokrovsk, a railway junction further east, <del>could be</del> \
         <ins>is now</ins> the next Russian objective</bdi>"
    ));
    assert!(diff.contains("<li class=\"removed\">− "));
    assert!(diff.contains("A piece of debris even lands in one female soldier&#39;s drink"));
    let twin = s
        .get(&format!("/documents/{doc}/diff?a=1&b=2&format=json"))
        .json();
    assert_eq!(twin["diff"]["unchanged"], 20);
    assert_eq!(
        twin["diff"]["changed"][0]["fields"],
        serde_json::json!(["hedges", "content"])
    );
    // The default diff is the latest version against the one before.
    assert_eq!(
        s.get(&format!("/documents/{doc}/diff?format=json")).json()["a"],
        1
    );
    let conflicts = s.get("/conflicts").body;
    assert!(conflicts.contains("<p class=\"meta\">2 conflicts in force</p>"));
    assert!(conflicts.contains(
        "<span class=\"reason\"><bdi>direction: further east vs further west</bdi></span>"
    ));
    assert!(conflicts.contains("<div class=\"pair\">"));
    // A document by its URL, percent-encoded in the path.
    let grain = s.get(
        "/documents/https%3A%2F%2Fmeridianwire.example%2Fmarkets%2F2025%2F10%2Fgrain-exports-rebound?format=json",
    );
    assert_eq!(grain.status, 200);
    assert_eq!(
        grain.json()["key"],
        "https://meridianwire.example/markets/2025/10/grain-exports-rebound"
    );
}

#[test]
fn hostile_article_text_is_escaped_everywhere() {
    let s = site();
    let doc = s.document_id("bridge will reopen on Friday");
    let mayor = s.claim_id("bridge will reopen on Friday");
    let minister = s.claim_id("Prices will fall");
    let pages = [
        "/".to_string(),
        "/search?q=%3Cscript%3E".to_string(),
        "/search?q=bridge+reopen&speaker=%22%3E%3Cscript%3E".to_string(),
        format!("/claims/{mayor}"),
        format!("/claims/{minister}"),
        format!("/documents/{doc}"),
        "/speakers/mayor".to_string(),
        "/speakers/%3Cscript%3Ealert(3)%3C%2Fscript%3E".to_string(),
        "/claims/%3Cscript%3E".to_string(),
    ];
    for p in &pages {
        let a = s.get(p);
        let body = a.html();
        // No element from the text: the only tags are the page's own.
        assert!(!body.contains("<script"), "{p}: {body}");
        assert!(!body.contains("<img"), "{p}");
        assert!(!body.contains("onerror=alert(2)>"), "{p}");
        // Every right-to-left override sits inside a <bdi> of its own text (in the title,
        // between U+2068 and U+2069).
        let (head, body) = body.split_once("</title>").expect("a title");
        if let Some(at) = head.find('\u{202E}') {
            assert!(head[..at].contains('\u{2068}') && head[at..].contains('\u{2069}'));
        }
        for (at, _) in body.match_indices('\u{202E}') {
            let open = body[..at].rfind("<bdi").expect("a bdi before");
            let close = body[..at].rfind("</bdi>");
            assert!(
                close.is_none_or(|c| c < open),
                "{p}: RTL mark outside <bdi>"
            );
        }
    }
    let claim = s.get(&format!("/claims/{mayor}")).body;
    assert!(claim.contains(
        "the &quot;bridge&quot; &lt;script&gt;alert(1)&lt;/script&gt; will reopen on Friday"
    ));
    let minister_page = s.get(&format!("/claims/{minister}")).body;
    assert!(minister_page.contains("<bdi>Prices will fall \u{202E}gnp.exe next year</bdi>"));
    let article = s.get(&format!("/documents/{doc}")).body;
    assert!(article.contains(
        "<title>\u{2068}Hostile &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; title\u{2069} \
         · claims</title>"
    ));
    assert!(article.contains(
        "O&#39;Brien &lt;img src=x onerror=alert(2)&gt; said the plan &amp; budget were approved"
    ));
    // A filter value goes back into its input escaped.
    let search = s
        .get("/search?q=bridge+reopen&speaker=%22%3E%3Cscript%3E")
        .body;
    assert!(search.contains("name=\"speaker\" value=\"&quot;&gt;&lt;script&gt;\""));
    // The JSON twin holds the text as it is (JSON-escaped, served as JSON).
    let twin = s.get(&format!("/claims/{mayor}?format=json")).json();
    assert_eq!(
        twin["claim"]["content"],
        "the \"bridge\" <script>alert(1)</script> will reopen on Friday"
    );
}

#[test]
fn unknown_ids_and_pages_are_404_and_bad_requests_400() {
    let s = site();
    let doc = s.document_id("Pokrovsk is now the next");
    for (path, status, error) in [
        (
            "/claims/ffffffffffff".to_string(),
            404,
            "\"ffffffffffff\": no claim with that id",
        ),
        (
            "/claims/xyz".to_string(),
            404,
            "\"xyz\": not an id prefix (hex digits 0-9, a-f)",
        ),
        (
            format!("/claims/{}", &doc[..12]),
            404,
            &format!("\"{}\": no claim with that id", &doc[..12]),
        ),
        (
            "/documents/https%3A%2F%2Fnowhere.example%2Fa".to_string(),
            404,
            "\"https://nowhere.example/a\": no document with that id, URL or key",
        ),
        (
            format!("/documents/{doc}?v=3"),
            404,
            "v=\"3\": the document has 2 version(s), counted from 1",
        ),
        (
            format!("/documents/{doc}/diff?a=0&b=2"),
            404,
            "a=\"0\": the document has 2 version(s), counted from 1",
        ),
        (
            "/speakers/Nobody%20At%20All".to_string(),
            404,
            "\"Nobody At All\": no claims of that speaker",
        ),
        ("/nowhere".to_string(), 404, "/nowhere: no such page"),
        (
            "/conflicts?page=0".to_string(),
            400,
            "page=\"0\": give a page number from 1",
        ),
        (
            "/search?q=x&to=yesterday".to_string(),
            400,
            "to=\"yesterday\": not a date (YYYY-MM-DD) or a time (RFC 3339)",
        ),
        (
            "/search?relation=likes".to_string(),
            400,
            "relation=\"likes\": give one of conflicts, corroborates, updates",
        ),
    ] {
        let html = s.get(&path);
        assert_eq!(html.status, status, "{path}");
        assert!(
            html.html().contains(&html_escape(error)),
            "{path}: {}",
            html.body
        );
        let sep = if path.contains('?') { '&' } else { '?' };
        let json = s.get(&format!("{path}{sep}format=json"));
        assert_eq!(json.status, status, "{path}");
        assert_eq!(
            json.json(),
            serde_json::json!({ "status": status, "error": error }),
            "{path}"
        );
    }
    // Writing is refused: the pages are read-only.
    let post = s.ask("POST", "/conflicts", None);
    assert_eq!(post.status, 405);
    assert!(post.body.contains("POST: these pages are read-only (GET)"));
}

fn html_escape(s: &str) -> String {
    claims::web::html::esc(s)
}

#[test]
fn lists_are_paged() {
    let s = site();
    // 57 claims; no words: every claim in arrival order.
    let first = s.get("/search?format=json").json();
    assert_eq!(first["claims"].as_array().expect("claims").len(), 50);
    assert_eq!(first["more"], true);
    let second = s.get("/search?page=2&format=json").json();
    assert_eq!(second["claims"].as_array().expect("claims").len(), 7);
    assert_eq!(second["more"], false);
    let ids = |v: &Value| -> Vec<String> {
        v["claims"]
            .as_array()
            .expect("claims")
            .iter()
            .map(|c| c["id"].as_str().expect("id").to_string())
            .collect()
    };
    let mut all = ids(&first);
    all.extend(ids(&second));
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 57);
    let page1 = s.get("/search?stance=neutral").body;
    assert!(!page1.contains("rel=\"next\""));
    let html = s.get("/search").body;
    assert!(html.contains("<a rel=\"next\" href=\"/search?page=2\">page 2 →</a>"));
    let html2 = s.get("/search?page=2").body;
    assert!(html2.contains("<a rel=\"prev\" href=\"/search?page=1\">← page 1</a>"));
    assert!(!html2.contains("rel=\"next\""));
    // Filters stay in the paging links, encoded.
    let filtered = s
        .get("/search?outlet=Meridian+Business&stance=neutral")
        .body;
    assert!(filtered.contains("<span>page 1</span>"));
    let f = s
        .get("/search?outlet=Meridian+Business&stance=neutral&format=json")
        .json();
    let speakers: Vec<&str> = f["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .map(|c| c["speaker"].as_str().expect("speaker"))
        .collect();
    assert_eq!(
        speakers,
        [
            "port authority",
            "Baltic Bulk Handling",
            "Baltic Bulk Handling",
            "Irena Sowa",
            "Irena Sowa",
            "note from Hansa Commodities",
            "Hansa Commodities",
            "port authority",
        ]
    );
    // The relation filter: the claims of the two conflicts (the Pokrovsk claim of each
    // version against the same claim).
    let r = s.get("/search?relation=conflicts&format=json").json();
    assert_eq!(r["claims"].as_array().expect("claims").len(), 3);
    // A page past the end is empty, not an error.
    let far = s.get("/search?page=9&format=json").json();
    assert_eq!(far["claims"], serde_json::json!([]));
    assert_eq!(
        s.get("/conflicts?page=2&format=json").json()["conflicts"],
        serde_json::json!([])
    );
}

#[test]
fn answers_carry_headers_that_forbid_scripts_and_sniffing() {
    let s = site();
    let a = s.get("/");
    let header = |name: &str| {
        a.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        header("content-security-policy").as_deref(),
        Some(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
             base-uri 'none'; frame-ancestors 'none'"
        )
    );
    assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
    assert_eq!(header("vary").as_deref(), Some("Accept"));
    // No page refers to anything outside the binary.
    for p in ["/", "/conflicts", "/search?q=Pokrovsk"] {
        let body = s.get(p).body;
        assert!(
            !body.contains("http://") && !body.contains("https://"),
            "{p}"
        );
    }
}

#[test]
fn an_empty_database_has_a_home_page() {
    let env = Env::new();
    drop(claims::store::Store::open(&env.db()).expect("create"));
    let s = serve(env);
    let home = s.get("/?format=json").json();
    assert_eq!(home["counts"]["claims"], 0);
    assert_eq!(home["newest_conflicts"], serde_json::json!([]));
    assert!(s.get("/").body.contains("No conflicts."));
    assert_eq!(s.get("/conflicts").status, 200);
}

#[test]
fn reviews_and_retractions_show_on_home_claim_and_search() {
    let env = Env::new();
    env.seed_two_versions();
    let pokrovsk = {
        let out = env.ok(&["--format", "json", "search", "Pokrovsk", "is", "now"]);
        let v: Value = serde_json::from_str(&out).expect("json");
        v[0]["id"].as_str().expect("id").to_string()
    };
    env.ok(&[
        "review",
        &pokrovsk,
        "--verdict",
        "false",
        "--author",
        "Ann Lee",
        "--note",
        "the front moved west",
    ]);
    env.ok(&[
        "retract",
        "eb586c65764d",
        "--reason",
        "the <b>post</b> was deleted",
        "--author",
        "Ann Lee",
    ]);
    let s = serve(env);
    let home = s.get("/?format=json").json();
    assert_eq!(home["counts"]["reviews"], 1);
    assert_eq!(home["newest_reviews"][0]["verdict"], "false");
    assert_eq!(
        home["newest_reviews"][0]["claims"][0]["id"],
        pokrovsk.as_str()
    );
    // The retracted claim's conflicts are not in force on the pages, as in `claims conflicts`.
    assert_eq!(home["conflicts"], 0);
    let html = s.get("/").body;
    assert!(html.contains("<h2>Newest reviews</h2>"));
    assert!(html.contains(&format!(
        "<li><b>false</b> (<bdi>False</bdi>) by <bdi>Ann Lee</bdi>, 2026-01-02T03:04:05Z \
         <span class=\"meta\">{}</span><br><a href=\"/claims/{pokrovsk}\"><bdi>Pokrovsk, a \
         railway junction further east, is now the next Russian objective</bdi></a></li>",
        &home["newest_reviews"][0]["id"].as_str().expect("id")[..12]
    )));
    let claim = s.get(&format!("/claims/{pokrovsk}?format=json")).json();
    assert_eq!(claim["reviews"][0]["by"], "Ann Lee");
    let retracted = s.get("/claims/eb586c65764d").body;
    assert!(retracted.contains(
        "<p class=\"removed\">Retracted: <bdi>the &lt;b&gt;post&lt;/b&gt; was deleted</bdi> \
         (by <bdi>Ann Lee</bdi>, "
    ));
    let search = s.get("/search?q=Kremlin&format=json").json();
    assert_eq!(search["claims"], serde_json::json!([]));
}

#[test]
fn the_listener_sends_small_answers_at_once() {
    // Regression: tiny_http (the server before web/http.rs) wrote a response's head and body
    // apart; with Nagle's algorithm on, a kept-alive connection waited 40 ms (the client's
    // delayed ACK) for every page after the first. Accepted connections inherit TCP_NODELAY
    // from the listener.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let same = listener.try_clone().expect("clone");
    assert!(!socket2::SockRef::from(&same).tcp_nodelay().expect("option"));
    let server = claims::web::Server::from_listener(listener).expect("server");
    assert!(socket2::SockRef::from(&same).tcp_nodelay().expect("option"));
    drop(server);
}

#[test]
fn with_a_write_token_a_person_judges_a_conflict_pair() {
    let env = Env::new();
    env.seed_two_versions();
    let store = claims::store::Store::open_existing(&env.db()).expect("open");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let running = claims::web::Server::from_listener(listener)
        .expect("server")
        .spawn(
            store,
            claims::web::Options {
                token: Some("s3cret".into()),
            },
        );
    let base = running.url().to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let page = agent
        .get(format!("{base}/conflicts?format=json"))
        .call()
        .expect("get")
        .body_mut()
        .read_to_string()
        .expect("body");
    let v: Value = serde_json::from_str(&page).expect("json");
    assert_eq!(v["total"], 2);
    let (a, b) = (
        v["conflicts"][0]["a"]["id"]
            .as_str()
            .expect("a")
            .to_string(),
        v["conflicts"][0]["b"]["id"]
            .as_str()
            .expect("b")
            .to_string(),
    );
    let html = agent
        .get(format!("{base}/conflicts"))
        .call()
        .expect("get")
        .body_mut()
        .read_to_string()
        .expect("body");
    assert_eq!(
        html.matches("<form class=\"mark\" method=\"post\" action=\"/conflicts/mark\">")
            .count(),
        2
    );
    assert!(html.contains(&format!("<input type=\"hidden\" name=\"a\" value=\"{a}\">")));
    let post = |form: &str, accept: &str| -> (u16, Option<String>, String) {
        let mut r = agent
            .post(format!("{base}/conflicts/mark"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", accept)
            .send(form)
            .expect("post");
        let location = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap_or("").to_string());
        (
            r.status().as_u16(),
            location,
            r.body_mut().read_to_string().expect("body"),
        )
    };
    let json = "application/json";
    let refused = [
        (
            format!("a={a}&b={b}&as=unrelated"),
            403,
            "a judgement needs the write token",
        ),
        (
            format!("a={a}&b={b}&as=unrelated&token=s3cre"),
            403,
            "a judgement needs the write token",
        ),
        (
            format!("a={a}&b={b}&as=maybe&token=s3cret"),
            400,
            "as=\"maybe\": give conflicts, unrelated, corroborates or updates",
        ),
        (
            format!("a=ffffffffffff&b={b}&as=unrelated&token=s3cret"),
            404,
            "\"ffffffffffff\": no claim with that id",
        ),
        (
            format!("a={a}&b={a}&as=unrelated&token=s3cret"),
            400,
            &format!("a claim cannot be linked to itself ({a})"),
        ),
    ];
    for (form, status, error) in &refused {
        let (got, _, body) = post(form, json);
        assert_eq!(got, *status, "{form}: {body}");
        let v: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(v["error"], *error, "{form}");
    }
    assert_eq!(env.object_count(), 139, "nothing was written");
    // The right token: recorded, and the browser is sent back to the conflicts page.
    let (status, location, _) = post(
        &format!("a={a}&b={b}&as=unrelated&note=different+places&token=s3cret&page=1"),
        "text/html",
    );
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/conflicts?page=1"))
    );
    assert_eq!(env.object_count(), 140);
    let after: Value = serde_json::from_str(
        &agent
            .get(format!("{base}/conflicts?format=json"))
            .call()
            .expect("get")
            .body_mut()
            .read_to_string()
            .expect("body"),
    )
    .expect("json");
    assert_eq!(after["total"], 1);
    // The same judgement `claims link` records: the CLI sees it.
    assert!(env.ok(&["conflicts"]).ends_with("1 conflict\n"));
    // Recorded again: not new (JSON answer).
    let (status, _, body) = post(
        &format!("a={a}&b={b}&as=unrelated&note=different+places&token=s3cret"),
        json,
    );
    assert_eq!(status, 200);
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["relation"]["kind"], "unrelated");
    running.stop();
}

#[test]
fn without_a_token_judgements_are_refused() {
    let s = site();
    let a = s.ask("POST", "/conflicts/mark", None);
    assert_eq!(a.status, 405);
    assert!(a.body.contains(
        "these pages are read-only: start `claims web` with --token-file to record judgements"
    ));
    assert!(!s.get("/conflicts").body.contains("<form class=\"mark\""));
}

/// Sends `request` on a new connection and reads until the server closes it.
#[test]
fn other_http_versions_get_505_at_once_and_bad_requests_400() {
    let s = site();
    let url = s.url();
    // Regression (issue 17): tiny_http buffered its 505 and waited for the next request, so
    // an `HTTP/2.0` request line got no answer at all.
    for request in [
        &b"GET / HTTP/2.0\r\n\r\n"[..],
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"GET / HTTP/3\r\n\r\n",
    ] {
        let reply = common::raw_exchange(&url, request);
        assert!(
            reply.starts_with("HTTP/1.1 505 HTTP Version Not Supported\r\n"),
            "{reply}"
        );
        assert!(reply.contains("\r\nConnection: close\r\n"), "{reply}");
        assert!(
            reply.contains("these pages are served over HTTP/1.1, not HTTP/"),
            "{reply}"
        );
    }
    for request in [
        &b"GET /\r\n\r\n"[..],
        b"GET / HTTP/1.1 extra\r\n\r\n",
        b"GET nowhere HTTP/1.1\r\n\r\n",
    ] {
        let reply = common::raw_exchange(&url, request);
        assert!(reply.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{reply}");
    }
    let reply = common::raw_exchange(
        &url,
        b"POST /conflicts/mark HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    assert!(
        reply.starts_with("HTTP/1.1 411 Length Required\r\n"),
        "{reply}"
    );
    let reply = common::raw_exchange(
        &url,
        b"POST /conflicts/mark HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",
    );
    assert!(
        reply.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{reply}"
    );
    // HTTP/1.0 is answered and closed; HTTP/1.1 keeps the connection for the next request
    // (two pipelined requests, the second asking to close), and HEAD gets no body.
    let reply = common::raw_exchange(&url, b"GET /static/style.css HTTP/1.0\r\n\r\n");
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(reply.contains("\r\nConnection: close\r\n"), "{reply}");
    let reply = common::raw_exchange(
        &url,
        b"HEAD /static/style.css HTTP/1.1\r\n\r\nGET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n",
    );
    let (first, second) = reply.split_once("\r\n\r\n").expect("two answers");
    assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    assert!(!first.contains("Connection: close"), "{reply}");
    assert!(second.starts_with("HTTP/1.1 404 Not Found\r\n"), "{reply}");
}
