//! The house rules, checked on every `cargo test`: layers one way, no cycle, SQL only in
//! `src/store/`, objects written only through the ledger (see `tools/layers.rs`).

#[path = "../tools/layers.rs"]
mod layers;

use layers::{check, sources, Source};
use std::path::{Path, PathBuf};

#[test]
fn the_crate_keeps_its_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = sources(root).expect("read src/");
    assert!(files.len() > 40, "found {} files", files.len());
    let problems = check(&files);
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

fn file(path: &str, text: &str) -> Source {
    Source {
        path: PathBuf::from(path),
        text: text.to_string(),
    }
}

#[test]
fn the_check_catches_each_kind_of_violation() {
    let problems = check(&[
        // An arrow upwards, in a grouped use and through `super::` from a top-level file.
        file("src/store/index.rs", "use crate::{objects::ObjectId, timeline::x};\n"),
        file("src/relate/keys.rs", "fn f() { let _ = super::super::ledger::Ledger::x; }\n"),
        // SQL and a connection outside the store.
        file(
            "src/sync/bundle.rs",
            "fn f() {\n    let q = \"SELECT body FROM objects\";\n    let c: rusqlite::Connection;\n}\n",
        ),
        // The write path bypassed.
        file("src/import.rs", "fn f(s: &mut Store) { let w = s.writer(); }\n"),
        // A module without a layer.
        file("src/extra.rs", "pub fn f() {}\n"),
        // Comments and strings are not uses; a raw string with SQL in the store is fine.
        file(
            "src/model/mod.rs",
            "//! uses [`crate::store`] in a doc link\nconst S: &str = \"crate::ledger\";\n",
        ),
        file("src/store/mod.rs", "const Q: &str = r#\"SELECT \"x\" FROM t\"#;\n"),
    ]);
    assert_eq!(
        problems,
        vec![
            "src/store/index.rs:1: `store` (layer 4) uses `timeline` (layer 6), a layer above it",
            "src/relate/keys.rs:1: `relate` (layer 3) uses `ledger` (layer 5), a layer above it",
            "src/sync/bundle.rs:3: uses rusqlite outside src/store/ (nothing else holds a connection)",
            "src/sync/bundle.rs:2: SQL outside src/store/: \"SELECT body FROM objects\"",
            "src/import.rs:1: `.writer()` outside src/store/ and src/ledger/ (objects enter only \
             through the ledger)",
            "src/extra.rs: module `extra` has no layer (add it to tools/layers.rs and \
             docs/architecture.md)",
        ]
    );
}

#[test]
fn a_cycle_within_a_layer_is_caught() {
    let problems = check(&[
        file("src/import.rs", "use crate::sync::x;\n"),
        file("src/sync/mod.rs", "use crate::timeline::y;\n"),
        file("src/timeline/mod.rs", "use crate::import::z;\n"),
    ]);
    assert_eq!(
        problems,
        vec!["cycle between modules: import -> sync -> timeline -> import"]
    );
}
