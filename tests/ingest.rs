//! Tests of the ingest layer's public API: formats, metadata, errors and walking.

use std::fs;
use std::path::{Path, PathBuf};

use claims::ingest::{
    check_size, detect, parse, parse_as, parse_owned, read, read_bytes, walk, Article, Format,
    IngestError, WalkOptions, MAX_FILE_BYTES,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ingest")
        .join(name)
}

fn read_one(name: &str) -> Article {
    let mut articles = read(&fixture(name)).expect("fixture parses");
    assert_eq!(articles.len(), 1, "{name} holds one article");
    articles.remove(0)
}

fn parse_err(name: &str, input: &str) -> String {
    parse(Path::new(name), input.as_bytes())
        .expect_err("input must be refused")
        .to_string()
}

fn some(value: &str) -> Option<String> {
    Some(value.to_string())
}

// ---- plain text ------------------------------------------------------------------------------

#[test]
fn text_with_header_block() {
    assert_eq!(
        read_one("header_block.txt"),
        Article {
            text: "Ferry workers vote to strike over rosters\n\
                   Ferry workers in Port Alder voted on Monday to strike for 48 hours, the union said.\n\
                   \"Our members have run out of patience,\" said union secretary Tomas Reyl.\n\
                   \n\
                   The operator, Alder Lines, said it was \"disappointed\" and would publish a revised timetable.\n"
                .to_string(),
            title: some("Ferry workers vote to strike over rosters"),
            url: some("https://harbourgazette.example/2025/03/ferry-strike"),
            source: some("The Harbour Gazette"),
            author: some("Mira Ostrowska"),
            published: some("2025-03-04T08:30:00Z"),
            modified: None,
            key: None,
        }
    );
}

#[test]
fn text_with_front_matter() {
    assert_eq!(
        read_one("front_matter.txt"),
        Article {
            text: "Northfield council approved 12 km of new cycle lanes on Tuesday evening.\n\
                   According to the council's transport chair, work will begin in September.\n"
                .to_string(),
            title: some("Council approves new cycle lanes"),
            url: None,
            source: some("Northfield Courier"),
            author: some("Jonah Pike"),
            published: some("2025-05-12"),
            modified: some("2025-05-13T09:15:00+01:00"),
            key: some("northfield-cycle-lanes"),
        }
    );
}

#[test]
fn text_strips_bom_and_keeps_line_breaks() {
    let article = read_one("bom_crlf.txt");
    assert_eq!(
        article.text,
        "Library reopens after flood repairs\r\nThe central library reopened on Saturday, its director said.\r\n"
    );
    assert_eq!(article.title, some("Library reopens after flood repairs"));
}

#[test]
fn text_offsets_point_into_the_body() {
    let input = "Title: Given title\nauthor: A. Writer\n\n\n  First line\nSecond line said X.\n";
    let article = &parse(Path::new("x.txt"), input.as_bytes()).expect("parses")[0];
    assert_eq!(article.text, "  First line\nSecond line said X.\n");
    assert_eq!(article.title, some("Given title"));
    assert_eq!(article.author, some("A. Writer"));
    assert_eq!(article.text.find("X."), Some(30));
}

#[test]
fn text_header_needs_known_keys_and_a_blank_line() {
    // An unknown key beside a known one is ignored (and `import` warns about its line,
    // `ingest::header_warnings`); the header is still read (issue 14: it used to become text).
    let input = "Source: Wire\nWeather: sunny\n\nBody.\n";
    let article = &parse(Path::new("x.txt"), input.as_bytes()).expect("parses")[0];
    assert_eq!(article.text, "Body.\n");
    assert_eq!(article.source, some("Wire"));
    assert_eq!(
        claims::ingest::header_warnings(Path::new("x.txt"), input.as_bytes()),
        [
            "x.txt:2: unknown header key \"Weather\", line ignored (known: url, source, outlet, \
          author, byline, published, date, modified, title, key)"
        ]
    );
    // Without any known key there is no header block at all.
    let input = "Weather: sunny\n\nBody.\n";
    let article = &parse(Path::new("x.txt"), input.as_bytes()).expect("parses")[0];
    assert_eq!(article.text, input);
    assert_eq!(article.title, some("Weather: sunny"));
    assert!(claims::ingest::header_warnings(Path::new("x.txt"), input.as_bytes()).is_empty());

    // Known keys not ended by a blank line are body text too.
    let input = "Date: Monday\nThe minister said the plan was ready.\n";
    let article = &parse(Path::new("x.txt"), input.as_bytes()).expect("parses")[0];
    assert_eq!(article.text, input);
    assert_eq!(article.published, None);
}

#[test]
fn text_header_without_body_is_an_error() {
    assert_eq!(
        parse_err("x.txt", "Title: Only a header\nURL: https://a.example/\n"),
        "x.txt: no text after the header"
    );
    assert_eq!(
        parse_err("x.txt", "Title: Only a header\n\n  \n"),
        "x.txt: no text after the header"
    );
    assert_eq!(
        parse_err("x.txt", "---\ntitle: Only front matter\n---\n\n"),
        "x.txt: no text after the header"
    );
}

#[test]
fn unclosed_front_matter_is_an_error() {
    assert_eq!(
        parse_err("x.md", "---\ntitle: Open\n\nBody\n"),
        "x.md: front matter opened on line 1 has no closing `---` line"
    );
    assert_eq!(
        parse_err("x.txt", "---\ntitle: Open\n"),
        "x.txt: front matter opened on line 1 has no closing `---` line"
    );
}

// ---- Markdown --------------------------------------------------------------------------------

#[test]
fn markdown_with_front_matter() {
    assert_eq!(
        read_one("article.md"),
        Article {
            text: "Drought forces water limits\n\
                   \n\
                   The regional water board imposed limits on Tuesday, its chair Lena Voss said. \
                   Residents may water gardens only before 8 a.m., according to the board's notice.\n\
                   \n\
                   What changes\n\
                   \n\
                   Hosepipes banned\n\
                   Pools may not be refilled\n\
                   except public pools\n\
                   \n\
                   \"This is the driest spring in forty years,\" said hydrologist Pavel Dunne.\n\
                   \n\
                   Reservoir | Level\n\
                   North | 31%\n\
                   \n\
                   Limits will be reviewed in August."
                .to_string(),
            title: some("Drought forces water limits in Vell Valley"),
            url: some("https://valleyrecord.example/news/drought-limits"),
            source: some("The Valley Record"),
            author: some("Ana Kestrel"),
            published: some("2025-07-02T06:00:00+02:00"),
            modified: None,
            key: None,
        }
    );
}

#[test]
fn markdown_title_is_the_first_level_one_heading() {
    let article = read_one("heading_only_title.md");
    assert_eq!(article.title, some("Setext title"));
    assert_eq!(
        article.text,
        "Intro paragraph before the title.\n\nSetext title\n\nSecond heading\n\nBody text."
    );
}

#[test]
fn markdown_without_prose_has_no_article_text() {
    assert_eq!(
        parse_err("x.md", "![only an image](a.png)\n\n```\ncode\n```\n"),
        "x.md: no article text found"
    );
}

// ---- HTML ------------------------------------------------------------------------------------

#[test]
fn html_json_ld_graph_wins_over_meta() {
    assert_eq!(
        read_one("jsonld_graph.html"),
        Article {
            text: "The Old Mill bridge will stay closed until April, the city's engineering department said on Monday.\n\
                   \n\
                   Inspectors found new cracks in two piers, according to a report seen by the Post.\n\
                   \n\
                   \"Safety comes first,\" said deputy mayor Hana Lind.\n\
                   \n\
                   Detour via Station Road\n\
                   \n\
                   Buses rerouted"
                .to_string(),
            title: some("Bridge closure extended until spring"),
            url: some("https://riversidepost.example/2025/01/bridge"),
            source: some("Riverside Post"),
            author: some("Ruth Calder, Idris Okafor"),
            published: some("2025-01-20T07:45:00Z"),
            modified: some("2025-01-20T12:00:00Z"),
            key: None,
        }
    );
}

#[test]
fn html_json_ld_array_with_type_array() {
    assert_eq!(
        read_one("jsonld_array_type.html"),
        Article {
            text: "A fire broke out at the Dunmore textile factory overnight, the fire service said.\n\
                   \n\
                   No one was injured, according to a spokesperson."
                .to_string(),
            title: some("Fire at Dunmore textile factory"),
            url: some("https://eastlander.example/fire"),
            source: some("The Eastlander"),
            author: some("Colm Brady"),
            published: some("2025-09-09"),
            modified: None,
            key: None,
        }
    );
}

#[test]
fn html_meta_tags_and_article_body() {
    assert_eq!(
        read_one("meta_only.html"),
        Article {
            text: "Fares\n\nTram fares will rise by 5% in March, the transport authority said."
                .to_string(),
            title: some("Tram fares to rise by 5%"),
            url: some("https://metrodaily.example/og-url"),
            source: some("Metro Daily"),
            author: some("Priya Nandakumar"),
            published: some("2025-02-01T09:00:00+01:00"),
            modified: some("sometime in February"),
            key: None,
        }
    );
}

#[test]
fn html_title_tag_and_canonical_link_are_fallbacks() {
    let input = r#"<html><head><title>  A   headline </title>
        <link rel="canonical" href="https://a.example/c">
        <meta property="og:url" content="https://a.example/og"></head>
        <body><p>Body, the mayor said.</p></body></html>"#;
    let article = &parse(Path::new("page.html"), input.as_bytes()).expect("parses")[0];
    assert_eq!(article.title, some("A headline"));
    assert_eq!(article.url, some("https://a.example/c"));
    assert_eq!(article.text, "Body, the mayor said.");
}

#[test]
fn html_picks_the_article_with_most_text() {
    let input = "<html><body>\
        <article><p>Teaser.</p></article>\
        <article><p>The long story, officials said.</p><p>More.</p></article>\
        <main><p>Not this.</p></main></body></html>";
    let article = &parse(Path::new("page.html"), input.as_bytes()).expect("parses")[0];
    assert_eq!(article.text, "The long story, officials said.\n\nMore.");
}

#[test]
fn html_falls_back_when_article_is_empty() {
    let input = "<html><body><article><div>no blocks</div></article>\
        <main><p>Main text.</p></main></body></html>";
    let article = &parse(Path::new("page.html"), input.as_bytes()).expect("parses")[0];
    assert_eq!(article.text, "Main text.");
}

#[test]
fn html_without_text_is_an_error() {
    let input = "<!doctype html><html><body><nav><p>Menu</p></nav>\
        <script>var x = 1;</script><div>loose text</div></body></html>";
    assert_eq!(
        parse_err("page.html", input),
        "page.html: no article text found"
    );
}

#[test]
fn html_deep_nesting_does_not_overflow() {
    let depth = 3_000;
    let input = format!(
        "<html><body>{}<p>Deep, a source said.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let article = &parse(Path::new("deep.html"), input.as_bytes()).expect("parses")[0];
    assert_eq!(article.text, "Deep, a source said.");
}

// The campaign's shape (issue 17): nested articles with a paragraph at every level. Before,
// each article was walked again (quadratic); past the nesting cap the articles are dropped
// and their paragraphs kept, in order.
#[test]
fn html_nested_articles_keep_every_paragraph_once() {
    let depth = 2_000;
    let mut input = String::from("<!doctype html><html><body>");
    for i in 0..depth {
        input.push_str(&format!(
            "<article class=\"story\"><p>Paragraph {i}, a spokesman said.</p>"
        ));
    }
    input.push_str(&"</article>".repeat(depth));
    input.push_str("<aside><p>Related: other news.</p></aside></body></html>");
    let article = &parse(Path::new("deep.html"), input.as_bytes()).expect("parses")[0];
    let expected: Vec<String> = (0..depth)
        .map(|i| format!("Paragraph {i}, a spokesman said."))
        .collect();
    assert_eq!(article.text, expected.join("\n\n"));
}

// ---- JSON lines ------------------------------------------------------------------------------

#[test]
fn json_lines_yield_one_article_per_record() {
    let articles = read(&fixture("articles.jsonl")).expect("parses");
    assert_eq!(
        articles,
        vec![
            Article {
                text:
                    "The port handled a record 2.1 million containers last year, its operator said."
                        .to_string(),
                title: some("Port sets container record"),
                url: some("https://coastwire.example/port"),
                source: some("Coast Wire"),
                author: some("Elsa Marr, Jun Park"),
                published: some("2025-01-15T10:00:00Z"),
                modified: None,
                key: None,
            },
            Article {
                text:
                    "Shipping rates fell 8% in the fourth quarter, according to an industry index."
                        .to_string(),
                published: some("2025-01-16"),
                key: some("shipping-rates-q4"),
                ..Article::default()
            },
        ]
    );
}

#[test]
fn json_lines_errors_name_the_line() {
    let good = r#"{"text": "ok"}"#;
    assert_eq!(
        parse_err("a.jsonl", &format!("{good}\n\n{{\"text\": \"x\",, }}\n")),
        "a.jsonl:3:14: malformed JSON: key must be a string"
    );
    assert_eq!(
        parse_err(
            "a.jsonl",
            &format!("{good}\n{good}\n{good}\n{{\"title\": \"t\"}}\n")
        ),
        "a.jsonl:4: missing \"text\""
    );
    assert_eq!(
        parse_err("a.jsonl", "{\"text\": 5}"),
        "a.jsonl:1: \"text\" must be a string, found a number"
    );
    assert_eq!(
        parse_err("a.jsonl", "{\"text\": \"  \"}"),
        "a.jsonl:1: \"text\" is empty"
    );
    assert_eq!(
        parse_err(
            "a.jsonl",
            &format!("{good}\n{{\"text\": \"t\", \"title\": [\"a\"]}}")
        ),
        "a.jsonl:2: \"title\" must be a string, found an array"
    );
    assert_eq!(
        parse_err("a.jsonl", "{\"text\": \"t\", \"author\": [\"a\", 3]}"),
        "a.jsonl:1: \"author\" must be a string or an array of strings, found a number"
    );
    assert_eq!(
        parse_err("a.jsonl", &format!("{good}\n[1, 2]\n")),
        "a.jsonl:2: expected a JSON object, found an array"
    );
}

// ---- detection -------------------------------------------------------------------------------

#[test]
fn detect_by_extension() {
    let cases = [
        ("a.txt", Format::Text),
        ("a.TEXT", Format::Text),
        ("a.md", Format::Markdown),
        ("a.Markdown", Format::Markdown),
        ("a.html", Format::Html),
        ("a.htm", Format::Html),
        ("a.xhtml", Format::Html),
        ("a.jsonl", Format::JsonLines),
        ("a.NDJSON", Format::JsonLines),
    ];
    for (name, format) in cases {
        // The extension wins over content that looks like something else.
        assert_eq!(detect(Path::new(name), b"<html>"), format, "{name}");
    }
}

#[test]
fn detect_by_content() {
    let cases: [(&[u8], Format); 9] = [
        (b"\xef\xbb\xbf  <!DOCTYPE html><p>x</p>", Format::Html),
        (b"\n<HTML lang=en>", Format::Html),
        (b"<!-- saved page -->\n<html>", Format::Html),
        (b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n", Format::JsonLines),
        (b"{ not json\n", Format::Text),
        (
            b"---\ntitle: t\n---\n\n# Heading\n\nBody\n",
            Format::Markdown,
        ),
        (b"# Heading\n\nBody\n", Format::Markdown),
        (b"---\ntitle: t\n---\nPlain body\n", Format::Text),
        (b"Just words.\n", Format::Text),
    ];
    for (bytes, format) in cases {
        let shown = String::from_utf8_lossy(bytes);
        assert_eq!(detect(Path::new("noext"), bytes), format, "{shown:?}");
        assert_eq!(detect(Path::new("a.data"), bytes), format, "{shown:?}");
    }
}

#[test]
fn parse_as_forces_a_format() {
    let articles = parse_as(Format::Text, Path::new("a.html"), b"<p>Hi</p>").expect("parses");
    assert_eq!(articles[0].text, "<p>Hi</p>");
}

// ---- bad files -------------------------------------------------------------------------------

#[test]
fn bad_bytes_are_refused_with_their_position() {
    let path = Path::new("x.txt");
    let err = |bytes: &[u8]| parse(path, bytes).expect_err("refused").to_string();
    assert_eq!(err(b""), "x.txt: file is empty");
    assert_eq!(err(b" \n\t\r\n"), "x.txt: file is empty");
    assert_eq!(err(b"\xef\xbb\xbf\n"), "x.txt: file is empty");
    assert_eq!(
        err(b"seventeen bytes..\0rest"),
        "x.txt: looks like a binary file (NUL byte at byte 17)"
    );
    assert_eq!(
        err(b"caf\xc3\xa9 ok, caf\xe9 not"),
        "x.txt: not valid UTF-8 at byte 13"
    );
    assert_eq!(
        parse(Path::new("x.bin"), b"\x89PNG\r\n\x1a\n\0\0")
            .expect_err("refused")
            .to_string(),
        "x.bin: looks like a binary file (NUL byte at byte 8)"
    );
    assert_eq!(
        parse(Path::new("a.jsonl"), b"\n\n")
            .expect_err("refused")
            .to_string(),
        "a.jsonl: file is empty"
    );
}

#[test]
fn size_limit() {
    assert_eq!(MAX_FILE_BYTES, 64 * 1024 * 1024);
    assert!(check_size(Path::new("ok.txt"), MAX_FILE_BYTES).is_ok());
    assert_eq!(
        check_size(Path::new("big.txt"), 70 * 1024 * 1024)
            .expect_err("too large")
            .to_string(),
        "big.txt: file is 70.0 MiB, over the 64 MiB limit"
    );
    assert_eq!(
        check_size(Path::new("big.txt"), MAX_FILE_BYTES + 1)
            .expect_err("too large")
            .to_string(),
        "big.txt: file is 64.0 MiB, over the 64 MiB limit"
    );
}

#[test]
fn read_errors_name_the_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("seeds/x.txt");
    let err = read(&missing).expect_err("missing");
    assert!(matches!(err, IngestError::NotFound { .. }));
    assert_eq!(
        err.to_string(),
        format!("{}: file not found", missing.display())
    );

    let err = read(dir.path()).expect_err("directory");
    assert_eq!(
        err.to_string(),
        format!("{}: is a directory", dir.path().display())
    );

    let empty = dir.path().join("empty.txt");
    fs::write(&empty, "").expect("write");
    assert_eq!(
        read(&empty).expect_err("empty").to_string(),
        format!("{}: file is empty", empty.display())
    );
}

// ---- walking ---------------------------------------------------------------------------------

#[test]
fn walk_is_sorted_filtered_and_keeps_errors_in_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for file in [
        "b.md",
        "B.txt",
        "a.HTML",
        "notes.pdf",
        "z.ndjson",
        ".hidden.txt",
        ".git/config.txt",
        "sub/c.jsonl",
        "sub/deeper/d.htm",
        "sub/README",
        "a.txt",
    ] {
        let path = root.join(file);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, "x").expect("write");
    }
    let lone = root.join("notes.pdf");
    let missing = root.join("missing");
    let hidden_dir = root.join(".git");

    let found = walk(
        &[
            root.to_path_buf(),
            missing.clone(),
            lone.clone(),
            hidden_dir.clone(),
        ],
        WalkOptions::default(),
    );
    let shown: Vec<String> = found
        .iter()
        .map(|item| match item {
            Ok(path) => path
                .strip_prefix(root)
                .expect("under root")
                .display()
                .to_string(),
            Err(err) => format!("error: {err}"),
        })
        .collect();
    assert_eq!(
        shown,
        vec![
            "B.txt".to_string(),
            "a.HTML".to_string(),
            "a.txt".to_string(),
            "b.md".to_string(),
            "sub/c.jsonl".to_string(),
            "sub/deeper/d.htm".to_string(),
            "z.ndjson".to_string(),
            format!("error: {}: file not found", missing.display()),
            "notes.pdf".to_string(),
            ".git/config.txt".to_string(),
        ]
    );
}

/// Each item of a walk, as a path relative to `root` or as its error message.
#[cfg(unix)]
fn shown(root: &Path, found: &[Result<PathBuf, IngestError>]) -> Vec<String> {
    found
        .iter()
        .map(|item| match item {
            Ok(path) => path
                .strip_prefix(root)
                .unwrap_or(path)
                .display()
                .to_string(),
            Err(err) => format!("error: {err}"),
        })
        .collect()
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

/// Runs `f` on another thread and fails the test if it has not returned within a minute:
/// before the fix, reading a FIFO waited for a writer forever.
#[cfg(unix)]
fn returns<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, recv) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(f());
    });
    recv.recv_timeout(std::time::Duration::from_secs(60))
        .expect("returns instead of waiting for a writer")
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("pipe.txt");
    mkfifo(&fifo);
    let path = fifo.clone();
    let err = returns(move || read(&path).expect_err("refused").to_string());
    assert_eq!(
        err,
        format!(
            "{}: is a FIFO (named pipe), not a regular file; only regular files are imported",
            fifo.display()
        )
    );
    let path = fifo.clone();
    let err = returns(move || read_bytes(&path).expect_err("refused"));
    assert!(matches!(err, IngestError::NotRegularFile { .. }), "{err:?}");
}

#[cfg(unix)]
#[test]
fn devices_are_refused() {
    let err = read(Path::new("/dev/null")).expect_err("refused");
    assert_eq!(
        err.to_string(),
        "/dev/null: is a character device, not a regular file; only regular files are imported"
    );
}

#[cfg(unix)]
#[test]
fn a_walk_names_special_files_in_their_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::write(root.join("a.txt"), "A.").expect("write");
    mkfifo(&root.join("b.txt"));
    mkfifo(&root.join("c.pdf"));
    fs::write(root.join("d.txt"), "D.").expect("write");
    let found = walk(&[root.to_path_buf()], WalkOptions::default());
    assert_eq!(
        shown(root, &found),
        vec![
            "a.txt".to_string(),
            format!(
                "error: {}: is a FIFO (named pipe), not a regular file; only regular files are imported",
                root.join("b.txt").display()
            ),
            "d.txt".to_string(),
        ]
    );
}

#[cfg(unix)]
#[test]
fn links_out_of_the_walked_tree_are_reported_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("news");
    let outside = dir.path().join("elsewhere");
    fs::create_dir_all(root.join("sub")).expect("mkdir");
    fs::create_dir_all(outside.join("more")).expect("mkdir");
    fs::write(root.join("a.txt"), "A.").expect("write");
    fs::write(root.join("sub/b.txt"), "B.").expect("write");
    fs::write(outside.join("secret.txt"), "S.").expect("write");
    fs::write(outside.join("more/c.txt"), "C.").expect("write");
    // Inside the tree: followed.
    symlink(root.join("a.txt"), root.join("link-in.txt")).expect("symlink");
    symlink("sub", root.join("link-sub")).expect("symlink");
    // Out of it: reported in their place.
    symlink(outside.join("secret.txt"), root.join("link-out.txt")).expect("symlink");
    symlink("../elsewhere/more", root.join("link-dir")).expect("symlink");
    // Out of it, but not an article: nothing to say.
    symlink(outside.join("secret.txt"), root.join("notes.pdf")).expect("symlink");

    let real = |p: &Path| fs::canonicalize(p).expect("canonical");
    let found = walk(std::slice::from_ref(&root), WalkOptions::default());
    assert_eq!(
        shown(&root, &found),
        vec![
            "a.txt".to_string(),
            format!(
                "error: {}: symbolic link to {}, outside {}: not followed (--follow-links follows it)",
                root.join("link-dir").display(),
                real(&outside.join("more")).display(),
                root.display()
            ),
            "link-in.txt".to_string(),
            format!(
                "error: {}: symbolic link to {}, outside {}: not followed (--follow-links follows it)",
                root.join("link-out.txt").display(),
                real(&outside.join("secret.txt")).display(),
                root.display()
            ),
            "link-sub/b.txt".to_string(),
            "sub/b.txt".to_string(),
        ]
    );

    let found = walk(
        std::slice::from_ref(&root),
        WalkOptions { follow_links: true },
    );
    assert_eq!(
        shown(&root, &found),
        vec![
            "a.txt",
            "link-dir/c.txt",
            "link-in.txt",
            "link-out.txt",
            "link-sub/b.txt",
            "sub/b.txt"
        ]
    );
}

// The text of a plain text file is the file's own buffer: a large text is held once.
#[test]
fn plain_text_is_not_copied() {
    let bytes = b"\xEF\xBB\xBFTitle: T\n\nFirst line, a source said.\n".to_vec();
    let start = bytes.as_ptr();
    let articles = parse_owned(Path::new("x.txt"), bytes.clone()).expect("parses");
    assert_eq!(articles, parse(Path::new("x.txt"), &bytes).expect("parses"));
    let articles = parse_owned(Path::new("x.txt"), bytes).expect("parses");
    assert_eq!(articles[0].text, "First line, a source said.\n");
    assert_eq!(articles[0].text.as_ptr(), start);
    assert_eq!(
        parse_owned(Path::new("x.txt"), b"ok \xff".to_vec())
            .expect_err("refused")
            .to_string(),
        "x.txt: not valid UTF-8 at byte 3"
    );
}

// ---- seeds -----------------------------------------------------------------------------------

#[test]
fn seeds_read_cleanly() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let files: Vec<PathBuf> = walk(std::slice::from_ref(&seeds), WalkOptions::default())
        .into_iter()
        .map(|item| item.expect("seed is readable"))
        .collect();
    let names: Vec<String> = files
        .iter()
        .map(|f| {
            f.strip_prefix(&seeds)
                .expect("under seeds")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "avdiivka.txt",
            "grain-exports.html",
            "tidewater-bridge.md",
            "wire-briefs.jsonl"
        ]
    );
    let read_seed = |name: &str| read(&seeds.join(name)).expect("seed parses");

    let html = read_seed("grain-exports.html");
    assert_eq!(html.len(), 1);
    assert_eq!(
        html[0].title,
        some("Grain exports rebound as new terminal opens in Port Casimir")
    );
    assert_eq!(html[0].author, some("Lucia Ferrandi, Tomasz Wilk"));
    assert_eq!(html[0].source, some("Meridian Business Wire"));
    assert_eq!(html[0].published, some("2025-10-07T09:15:00+02:00"));
    assert!(html[0]
        .text
        .starts_with("Grain exports through Port Casimir rose 14%"));
    assert!(!html[0].text.contains("Share on social media"));

    let md = read_seed("tidewater-bridge.md");
    assert_eq!(
        md[0].url,
        some("https://coastalherald.example/2025/04/tidewater-bridge-closure")
    );
    assert!(md[0].text.contains("\"We cannot keep the bridge open safely while the cables are replaced,\" said Ingrid Sollum,"));

    let jsonl = read_seed("wire-briefs.jsonl");
    assert_eq!(jsonl.len(), 2);
    assert_eq!(jsonl[1].author, some("Jonas Berg, Aino Lehto"));
    assert_eq!(jsonl[1].published, some("2025-11-03"));

    let text = read_seed("avdiivka.txt");
    assert_eq!(
        text[0].title,
        some("Dramatic bodycam of Ukrainian soldiers escaping Avdiivka as Russian troops takeover city")
    );
}

// ---- robustness ------------------------------------------------------------------------------

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    /// Inputs built from fragments of every format, so the parsers get past their first checks.
    fn document() -> impl Strategy<Value = String> {
        let fragment = prop::sample::select(vec![
            "---\n",
            "title: T\n",
            "Source: S\n",
            "\n",
            "\r\n",
            "# ",
            "- item\n",
            "> ",
            "```\n",
            "![i](x)",
            "[l](u)",
            "| a | b |\n",
            "<p>",
            "</p>",
            "<article>",
            "<html>",
            "<script type=\"application/ld+json\">",
            "</script>",
            "{\"@graph\": [",
            "{\"text\": \"t\"",
            "}",
            "]",
            ",",
            "\"author\": [1]",
            "\u{feff}",
            "é",
            "said ",
        ]);
        prop::collection::vec(fragment, 0..40).prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn any_text_in_any_format_returns(input in document()) {
            for format in [Format::Text, Format::Markdown, Format::Html, Format::JsonLines] {
                let _ = parse_as(format, Path::new("p"), input.as_bytes());
            }
            let _ = parse(Path::new("p"), input.as_bytes());
        }

        #[test]
        fn any_bytes_return(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = parse(Path::new("p"), &bytes);
            let _ = detect(Path::new("p"), &bytes);
        }
    }
}
