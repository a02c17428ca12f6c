//! `claims web` (issue 13): page times on a large database.
//!
//! `cargo bench --bench web` (size: `CLAIMS_BENCH_CLAIMS`, default 100000; requests per page:
//! `CLAIMS_BENCH_REQUESTS`, default 200):
//!
//! Builds a database of `CLAIMS_BENCH_CLAIMS` claims through the ledger (`claims::synth`:
//! articles of 12 sentences with two claims each, all said by "The mayor"), serves it with
//! `claims::web::Server` on a loopback port, and times whole HTTP requests (connect, answer,
//! body read) for the search, claim, article and speaker pages, each over varied ids or words.
//! Prints p50 and p99 per page as a Markdown table (docs/performance.md).

use claims::ledger::Ledger;
use claims::model::Received;
use claims::store::Store;
use std::time::{Duration, Instant};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let claims_wanted = env_usize("CLAIMS_BENCH_CLAIMS", 100_000);
    let requests = env_usize("CLAIMS_BENCH_REQUESTS", 200);
    let articles = claims_wanted.div_ceil(2);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("web.db");
    let t = Instant::now();
    {
        let mut store = Store::open(&path).expect("open");
        let mut ledger = Ledger::begin(&mut store).expect("ledger");
        for seed in 0..articles as u64 {
            let batch: Vec<Received> = claims::synth::article_objects(seed, 12)
                .expect("objects")
                .iter()
                .map(|o| Received::from_body(&o.body).expect("received"))
                .collect();
            ledger.add(batch).expect("add");
        }
        ledger.commit().expect("commit");
    }
    let built = t.elapsed().as_secs_f64();
    let store = Store::open_read_only(&path).expect("open read-only");
    let claim_ids: Vec<String> = {
        let all = claims::store::query::list_claims(
            &store,
            &claims::store::query::ListFilter {
                limit: Some(requests as u64),
                ..Default::default()
            },
        )
        .expect("claims");
        all.iter().map(|c| c.claim.id.to_hex()).collect()
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let server = claims::web::Server::from_listener(listener).expect("server");
    let running = server.spawn(store, claims::web::Options::default());
    let base = running.url().to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let time = |path: &str| -> Duration {
        let t = Instant::now();
        let mut r = agent.get(format!("{base}{path}")).call().expect("request");
        assert_eq!(r.status().as_u16(), 200, "{path}");
        let body = r.body_mut().read_to_string().expect("body");
        assert!(!body.is_empty());
        t.elapsed()
    };
    let words = [
        "repairs", "bridge", "mayor", "council", "traffic", "school", "budget", "water",
    ];
    let pages: Vec<(&str, Vec<String>)> = vec![
        (
            "search (`/search?q=WORD`, first page)",
            (0..requests)
                .map(|i| format!("/search?q={}", words[i % words.len()]))
                .collect(),
        ),
        (
            "claim (`/claims/ID`)",
            (0..requests)
                .map(|i| format!("/claims/{}", claim_ids[i % claim_ids.len()]))
                .collect(),
        ),
        (
            "article (`/documents/URL`)",
            (0..requests)
                .map(|i| {
                    format!(
                        "/documents/{}",
                        claims::web::html::enc(&format!(
                            "https://news.example/{}",
                            (i * 7919) % articles
                        ))
                    )
                })
                .collect(),
        ),
        (
            "speaker (`/speakers/The mayor?page=N`, every claim is his)",
            (0..requests)
                .map(|i| format!("/speakers/The%20mayor?page={}", 1 + i % 20))
                .collect(),
        ),
    ];
    println!(
        "| page, {claims_wanted} claims ({articles} articles, built in {built:.0} s) | p50 | p99 |"
    );
    println!("|---|---|---|");
    for (name, paths) in &pages {
        let _ = time(&paths[0]); // warm the cache
        let mut times: Vec<Duration> = paths.iter().map(|p| time(p)).collect();
        times.sort();
        println!(
            "| {name} | {:.1} ms | {:.1} ms |",
            percentile(&times, 0.5),
            percentile(&times, 0.99)
        );
    }
    running.stop();
}
