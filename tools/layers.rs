//! The layer check of the crate: reads every `.rs` file under `src/` and reports
//!
//! 1. a module that uses a module of a higher layer (a `crate::`, `super::` or `claims::`
//!    path in code, not in comments or strings), or a module missing from the table below;
//! 2. a cycle between top-level modules (modules of one layer may use each other, in one
//!    direction only);
//! 3. SQL outside `src/store/`: a string literal that starts with an SQL statement, or any use
//!    of `rusqlite` (nothing else holds a connection);
//! 4. the write path bypassed: `Writer`, `.writer()` or `.conn()` outside `src/store/` and
//!    `src/ledger/`.
//!
//! Plain Rust with no dependencies, so that `tests/layers.rs` runs it on every `cargo test`
//! (and `.ci/run` runs that test first). `docs/architecture.md` draws the same table.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first: a module may use modules of its own layer or of lower ones.
pub const LAYERS: &[(&str, u8)] = &[
    // Foundations: canonical JSON and ids, dates and the clock, the test fault hook.
    ("objects", 0),
    ("time", 0),
    ("fault", 0),
    // Pure: files to articles, text to attributions, article plans, relation rules.
    ("ingest", 1),
    ("extract", 1),
    ("model", 2),
    ("relate", 3),
    // All SQL.
    ("store", 4),
    // The one write path.
    ("ledger", 5),
    // What the commands do.
    ("import", 6),
    // Articles and feeds over HTTP (uses `import` and the diff of `relate`).
    ("fetch", 6),
    ("timeline", 6),
    ("sync", 6),
    // The pages of `claims web`: HTML and JSON over the same queries as the commands.
    ("web", 7),
    // Test and bench support: nothing in the crate uses it.
    ("synth", 7),
    // The binary: arguments in, text out.
    ("cli", 8),
    ("main", 8),
];

const SQL_STARTS: &[&str] = &[
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "CREATE",
    "DROP",
    "ALTER",
    "PRAGMA",
    "WITH",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "REPLACE",
    "VACUUM",
    "ATTACH",
];

/// One source file: its path relative to the crate root (`src/...`) and its text.
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

/// Reads every `.rs` file under `root/src`, sorted by path.
pub fn sources(root: &Path) -> std::io::Result<Vec<Source>> {
    let mut out = Vec::new();
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)?;
                let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                out.push(Source { path: rel, text });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The module path of a file under `src/`: `src/sync/hub/mod.rs` is `["sync", "hub"]`,
/// `src/lib.rs` is `[]`.
fn module_path(path: &Path) -> Vec<String> {
    let mut parts: Vec<String> = path
        .iter()
        .skip(1)
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs").to_string();
        if stem != "mod" && stem != "lib" {
            parts.push(stem);
        }
    }
    parts
}

/// Code with comments removed and every string literal's text collected apart, each with the
/// line it starts on. Comments and string contents never count as uses.
struct Lexed {
    /// `(line, code)` per line, comments and literals blanked.
    code: Vec<(usize, String)>,
    /// `(line, text)` of each string literal.
    strings: Vec<(usize, String)>,
}

fn lex(text: &str) -> Lexed {
    let chars: Vec<char> = text.chars().collect();
    let mut code = String::new();
    let mut strings = Vec::new();
    let mut line = 1;
    let mut i = 0;
    let peek = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        if c == '/' && peek(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && peek(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && peek(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && peek(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        line += 1;
                        code.push('\n');
                    }
                    i += 1;
                }
            }
            continue;
        }
        let raw_start = (c == 'r' || (c == 'b' && peek(i + 1) == 'r'))
            && !(i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'));
        if raw_start {
            let mut j = i + if c == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while peek(j) == '#' {
                hashes += 1;
                j += 1;
            }
            if peek(j) == '"' {
                let start_line = line;
                let mut s = String::new();
                j += 1;
                loop {
                    if j >= chars.len() {
                        break;
                    }
                    if chars[j] == '"' && (0..hashes).all(|h| peek(j + 1 + h) == '#') {
                        j += 1 + hashes;
                        break;
                    }
                    if chars[j] == '\n' {
                        line += 1;
                        code.push('\n');
                    }
                    s.push(chars[j]);
                    j += 1;
                }
                strings.push((start_line, s));
                code.push_str("\"\"");
                i = j;
                continue;
            }
        }
        if c == '"' {
            let start_line = line;
            let mut s = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    s.push(peek(i + 1));
                    if peek(i + 1) == '\n' {
                        line += 1;
                        code.push('\n');
                    }
                    i += 2;
                    continue;
                }
                if chars[i] == '\n' {
                    line += 1;
                    code.push('\n');
                }
                s.push(chars[i]);
                i += 1;
            }
            i += 1;
            strings.push((start_line, s));
            code.push_str("\"\"");
            continue;
        }
        if c == '\'' {
            // A char literal ('x', '\n', '\''), not a lifetime ('a).
            let end = if peek(i + 1) == '\\' {
                (i + 2..(i + 12).min(chars.len())).find(|&j| chars[j] == '\'')
            } else if peek(i + 2) == '\'' {
                Some(i + 2)
            } else {
                None
            };
            if let Some(end) = end {
                code.push_str("' '");
                i = end + 1;
                continue;
            }
        }
        if c == '\n' {
            line += 1;
        }
        code.push(c);
        i += 1;
    }
    Lexed {
        code: code
            .split('\n')
            .enumerate()
            .map(|(n, l)| (n + 1, l.to_string()))
            .collect(),
        strings,
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The word before position `at` ends a path or identifier: `foo::crate` is not `crate::`.
fn starts_word(line: &str, at: usize) -> bool {
    line[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !is_ident(c) && c != ':')
}

/// The identifiers right after `prefix::` in a line: one, or each of a `{a, b::c}` group.
fn heads_after(line: &str, prefix: &str) -> Vec<String> {
    let needle = format!("{prefix}::");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = line[from..].find(&needle) {
        let at = from + pos;
        from = at + needle.len();
        if !starts_word(line, at) {
            continue;
        }
        let rest = &line[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut current = String::new();
            let mut expect_head = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => expect_head = true,
                    c if is_ident(c) && expect_head && depth == 0 => current.push(c),
                    _ => {
                        if !current.is_empty() {
                            out.push(std::mem::take(&mut current));
                            expect_head = false;
                        }
                    }
                }
            }
            if !current.is_empty() {
                out.push(current);
            }
        } else {
            let head: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if !head.is_empty() {
                out.push(head);
            }
        }
    }
    out
}

/// The top-level modules a line of code uses, for a file at `module` (its module path).
fn uses(line: &str, module: &[String], binary: bool) -> Vec<String> {
    let mut out = Vec::new();
    let krate = if binary { "claims" } else { "crate" };
    out.extend(heads_after(line, krate));
    // `super::` climbs from the file's module; only paths that leave the top-level module
    // name another one.
    let mut from = 0;
    while let Some(pos) = line[from..].find("super::") {
        let at = from + pos;
        if !starts_word(line, at) {
            from = at + 7;
            continue;
        }
        let mut depth = 0;
        let mut rest = &line[at..];
        while let Some(r) = rest.strip_prefix("super::") {
            depth += 1;
            rest = r;
        }
        from = line.len() - rest.len();
        if depth >= module.len() && !binary {
            let tail = &line[from..];
            if let Some(group) = tail.strip_prefix('{') {
                out.extend(heads_after(&format!("x::{{{group}"), "x"));
            } else {
                let head: String = tail.chars().take_while(|&c| is_ident(c)).collect();
                if !head.is_empty() {
                    out.push(head);
                }
            }
        }
    }
    out
}

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// Every problem found in these sources (see the module documentation), as `path:line: what`.
pub fn check(sources: &[Source]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let known: BTreeSet<&str> = LAYERS.iter().map(|(m, _)| *m).collect();
    for source in sources {
        let path = source.path.display().to_string();
        let module = module_path(&source.path);
        let binary = module.first().is_some_and(|m| m == "cli" || m == "main");
        let Some(top) = module.first().cloned() else {
            continue; // lib.rs: declares the modules, uses none.
        };
        let Some(own) = layer(&top) else {
            problems.push(format!(
                "{path}: module `{top}` has no layer (add it to tools/layers.rs and \
                 docs/architecture.md)"
            ));
            continue;
        };
        let in_store = top == "store";
        let write_path = in_store || top == "ledger";
        let lexed = lex(&source.text);
        for (n, line) in &lexed.code {
            for used in uses(line, &module, binary) {
                if used == top || !known.contains(used.as_str()) {
                    continue;
                }
                let theirs = layer(&used).unwrap_or(u8::MAX);
                if theirs > own {
                    problems.push(format!(
                        "{path}:{n}: `{top}` (layer {own}) uses `{used}` (layer {theirs}), a \
                         layer above it"
                    ));
                }
                edges.entry(top.clone()).or_default().insert(used);
            }
            if !in_store && line.contains("rusqlite") {
                problems.push(format!(
                    "{path}:{n}: uses rusqlite outside src/store/ (nothing else holds a \
                     connection)"
                ));
            }
            if !write_path {
                for what in ["Writer", ".writer()", ".conn()"] {
                    let hit = line.match_indices(what).any(|(at, _)| {
                        !what.starts_with(char::is_alphabetic)
                            || (starts_word(line, at)
                                && !line[at + what.len()..].starts_with(is_ident))
                    });
                    if hit {
                        problems.push(format!(
                            "{path}:{n}: `{what}` outside src/store/ and src/ledger/ (objects \
                             enter only through the ledger)"
                        ));
                    }
                }
            }
        }
        if !in_store {
            for (n, s) in &lexed.strings {
                let t = s.trim_start();
                let sql = SQL_STARTS.iter().any(|k| {
                    t.starts_with(k)
                        && t[k.len()..]
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_whitespace() || c == '(')
                });
                if sql {
                    let first: String = t.chars().take(40).collect();
                    problems.push(format!(
                        "{path}:{n}: SQL outside src/store/: {:?}",
                        first.trim()
                    ));
                }
            }
        }
    }
    problems.extend(cycles(&edges));
    problems
}

/// Cycles between top-level modules, one message each.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut BTreeSet<String>,
    ) {
        if let Some(at) = stack.iter().position(|s| s == node) {
            let mut cycle: Vec<String> = stack[at..].to_vec();
            // The same cycle found from another node reads the same: start at its smallest.
            let min = cycle
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.cmp(b.1))
                .map_or(0, |(i, _)| i);
            cycle.rotate_left(min);
            cycle.push(cycle[0].clone());
            found.insert(format!("cycle between modules: {}", cycle.join(" -> ")));
            return;
        }
        if done.contains(node) {
            return;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, stack, done, found);
        }
        stack.pop();
        done.insert(node.to_string());
    }
    let mut found = BTreeSet::new();
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, edges, &mut Vec::new(), &mut done, &mut found);
    }
    found.into_iter().collect()
}
