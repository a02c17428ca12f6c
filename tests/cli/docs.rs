//! docs/cli.md carries the `--help` of every command between markers; this test keeps it true.
//! After changing a command's help, regenerate with `CLAIMS_UPDATE_DOCS=1 cargo test --test cli docs`.

use crate::common::Env;

const START: &str = "<!-- help:start -->";
const END: &str = "<!-- help:end -->";

fn help(args: &[&str]) -> String {
    let out = Env::new()
        .cmd()
        .args(args)
        .arg("--help")
        .output()
        .expect("claims runs");
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

fn commands(top: &str) -> Vec<String> {
    top.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

fn generated() -> String {
    let top = help(&[]);
    let mut out = format!("{START}\n\n### `claims`\n\n```text\n{top}```\n");
    for cmd in commands(&top) {
        out.push_str(&format!(
            "\n### `claims {cmd}`\n\n```text\n{}```\n",
            help(&[&cmd])
        ));
    }
    out.push_str(&format!("\n{END}"));
    out
}

#[test]
fn cli_reference_matches_help() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli.md");
    let doc = std::fs::read_to_string(path).expect("docs/cli.md");
    let (Some(s), Some(e)) = (doc.find(START), doc.find(END)) else {
        panic!("docs/cli.md lacks the help markers");
    };
    let current = &doc[s..e + END.len()];
    let fresh = generated();
    if std::env::var_os("CLAIMS_UPDATE_DOCS").is_some() {
        let updated = format!("{}{}{}", &doc[..s], fresh, &doc[e + END.len()..]);
        std::fs::write(path, updated).expect("write docs/cli.md");
        return;
    }
    assert!(
        current == fresh,
        "docs/cli.md is out of date: run CLAIMS_UPDATE_DOCS=1 cargo test --test cli docs"
    );
}
