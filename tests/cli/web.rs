//! `claims web`: the binary serves the pages, read-only, on the address it prints.

use crate::common::{stderr, Env};
use std::io::BufRead;

#[test]
fn web_serves_the_pages_on_the_address_it_prints() {
    let env = Env::new();
    env.seed();
    env.ok(&["import", "avdiivka.txt"]);
    let before = std::fs::read(env.db()).expect("db");
    let mut child = env
        .cmd()
        .args(["web", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    let url = line
        .strip_prefix("serving claims.db on ")
        .and_then(|rest| rest.strip_suffix(" (read-only)\n"))
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut home = agent
        .get(format!("{url}/?format=json"))
        .call()
        .expect("get");
    assert_eq!(home.status().as_u16(), 200);
    let v: serde_json::Value =
        serde_json::from_str(&home.body_mut().read_to_string().expect("body")).expect("json");
    assert_eq!(v["counts"]["claims"], 22);
    let search = agent
        .get(format!("{url}/search?q=Pokrovsk"))
        .call()
        .expect("get");
    assert_eq!(search.status().as_u16(), 200);
    let missing = agent
        .get(format!("{url}/claims/abcdef0123"))
        .call()
        .expect("get");
    assert_eq!(missing.status().as_u16(), 404);
    child.kill().expect("kill");
    child.wait().expect("wait");
    // Read-only: the file is as it was.
    assert_eq!(std::fs::read(env.db()).expect("db"), before);
}

#[test]
fn web_refuses_a_missing_database_and_a_bad_address() {
    let env = Env::new();
    let out = env.run(&["web", "--addr", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "claims: error: claims.db: no database here (run `claims import` first, or pass --db)\n"
    );
    assert!(!env.db().exists());
    env.seed();
    env.ok(&["import", "avdiivka.txt"]);
    let out = env.run(&["web", "--addr", "not an address"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("claims: error: not an address: cannot listen: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn web_with_a_token_file_offers_the_judgement_form() {
    let env = Env::new();
    env.seed();
    env.ok(&["import", "avdiivka.txt"]);
    env.write("empty.token", "\n");
    let out = env.run(&[
        "web",
        "--addr",
        "127.0.0.1:0",
        "--token-file",
        "empty.token",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "claims: error: empty.token: the token file is empty\n"
    );
    env.write("web.token", "s3cret\n");
    let mut child = env
        .cmd()
        .args(["web", "--addr", "127.0.0.1:0", "--token-file", "web.token"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    let url = line
        .strip_prefix("serving claims.db on ")
        .and_then(|rest| rest.strip_suffix(" (judgements with the write token)\n"))
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let page = agent
        .get(format!("{url}/conflicts"))
        .call()
        .expect("get")
        .body_mut()
        .read_to_string()
        .expect("body");
    assert_eq!(page.matches("<form class=\"mark\"").count(), 1);
    child.kill().expect("kill");
    child.wait().expect("wait");
}
