//! `claims import` on inputs that are not plain article files: FIFOs, devices, and symbolic
//! links that lead out of the directory being walked.

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Output;

use crate::common::{stderr, stdout, Env};

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// Runs `claims` with these arguments, failing the test if it has not exited within a minute
/// (before the fix, importing a FIFO waited for a writer forever). The FIFO is then opened for
/// writing, which lets the process go.
fn run_releasing(env: &Env, args: &[&str], fifo: &Path) -> Output {
    let mut cmd = env.cmd();
    cmd.args(args);
    let (send, recv) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(cmd.output().expect("claims runs"));
    });
    match recv.recv_timeout(std::time::Duration::from_secs(60)) {
        Ok(out) => out,
        Err(_) => {
            let _ = std::fs::OpenOptions::new().write(true).open(fifo);
            panic!("claims {args:?} waited on a FIFO");
        }
    }
}

#[test]
fn a_fifo_is_refused_and_the_other_files_are_imported() {
    let env = Env::new();
    env.write(
        "news/a.txt",
        "The mayor said the bridge would reopen in May.\n",
    );
    env.write("news/c.txt", "Police said no one was hurt.\n");
    let fifo = env.path("news/b.txt");
    mkfifo(&fifo);

    for args in [
        &["import", "news/b.txt", "news/a.txt"][..],
        &["import", "news"][..],
    ] {
        let out = run_releasing(&env, args, &fifo);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            "claims: error: news/b.txt: is a FIFO (named pipe), not a regular file; only regular \
             files are imported\n"
        );
    }
    let out = env.run(&["import", "news"]);
    let text = stdout(&out);
    assert!(
        text.contains("news/a.txt: unchanged, version 1 of"),
        "{text}"
    );
    assert!(
        text.contains("news/c.txt: unchanged, version 1 of"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "3 files: 0 new versions, 0 new claims, 0 new objects; 1 failed. Database: claims.db\n"
        ),
        "{text}"
    );
}

#[test]
fn a_device_is_refused() {
    let env = Env::new();
    let out = env.run(&["import", "/dev/null"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "claims: error: /dev/null: is a character device, not a regular file; only regular files \
         are imported\n"
    );
    assert_eq!(env.object_count(), 0);
}

#[test]
fn links_out_of_the_tree_are_followed_only_when_asked() {
    let env = Env::new();
    env.write(
        "news/a.txt",
        "The mayor said the bridge would reopen in May.\n",
    );
    env.write("elsewhere/secret.txt", "A secret, a source said.\n");
    symlink("../elsewhere/secret.txt", env.path("news/link.txt")).expect("symlink");
    symlink("a.txt", env.path("news/same.txt")).expect("symlink");
    let secret = std::fs::canonicalize(env.path("elsewhere/secret.txt")).expect("canonical");

    let out = env.run(&["--format", "json", "import", "news"]);
    assert_eq!(out.status.code(), Some(1));
    let message = format!(
        "news/link.txt: symbolic link to {}, outside news: not followed (--follow-links follows \
         it)",
        secret.display()
    );
    assert_eq!(stderr(&out), format!("claims: error: {message}\n"));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(summary["files"], 3);
    assert_eq!(summary["failed"], 1);
    assert_eq!(summary["errors"][0]["error"], message.as_str());
    let imported: Vec<&str> = summary["imported"]
        .as_array()
        .expect("imported")
        .iter()
        .filter_map(|r| r["path"].as_str())
        .collect();
    assert_eq!(imported, ["news/a.txt", "news/same.txt"]);

    let out = env.run(&["import", "--follow-links", "news"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("news/link.txt: new version 1 of \"A secret, a source said.\""),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_cause_the_message_already_names_is_said_once() {
    // Regression: the error chain was printed whole, so a cause the message already quoted
    // ("{path}: {source}") came twice.
    let env = Env::new();
    let out = env.run(&["bundle", "apply", "missing.bundle"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "claims: error: missing.bundle: No such file or directory (os error 2)\n"
    );
    std::fs::write(
        env.path("obj.bundle"),
        crate::common::forge_bundle(1, b"{\"type\": \"claim\", oops}\n"),
    )
    .expect("write");
    let out = env.run(&["bundle", "apply", "obj.bundle"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "claims: error: obj.bundle: object 0 (line 1) is refused: not valid JSON: key must be a \
         string at line 1 column 19\n"
    );
    assert_eq!(env.object_count(), 0);
}
