//! `claims import`: read article files into the database.

use super::render::{claim_line, plural, print_json, progress_bar, short};
use super::{exit, Cli, CliResult, Format};
use claims::extract::Extractor;
use claims::import::{import_streaming, FileOutcome, FileReport};
use claims::ingest::WalkOptions;
use claims::model::Overrides;
use claims::store::Store;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;

/// Import articles (text, Markdown, HTML, JSON lines) and extract their claims.
///
/// An argument that starts with http:// or https:// is fetched (docs/fetch.md): robots.txt is
/// honoured, redirects are followed, the page must be HTML within --max-bytes, and the URL
/// asked for is the document's lineage key; where and when it came from (final URL, status,
/// ETag) is recorded beside the version. A failed fetch stores nothing.
///
/// Directories are walked recursively in a stable order, taking files ending in .txt, .text,
/// .md, .markdown, .html, .htm, .xhtml, .jsonl and .ndjson; symbolic links that lead out of the
/// directory are reported and not followed (see --follow-links). Only regular files are read: a
/// FIFO, socket or device is refused. Each file is one transaction: a bad file is reported and
/// leaves the database unchanged, the others are still imported, and the exit code is 1.
/// Importing the same bytes again adds nothing. A database file whose structure is damaged (its
/// header, or the root page of a table or index) is refused before anything is written, with
/// exit code 3; `claims verify` checks every page.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or directories to import.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The article's URL (its lineage key: same URL, new text => a new version).
    #[arg(long)]
    pub url: Option<String>,
    /// A lineage key to use when there is no URL.
    #[arg(long)]
    pub key: Option<String>,
    /// The outlet.
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    /// The byline.
    #[arg(long)]
    pub author: Option<String>,
    /// Publication time (RFC 3339 or YYYY-MM-DD).
    #[arg(long)]
    pub published: Option<String>,
    /// Also print the claims found in each new version.
    #[arg(long)]
    pub claims: bool,
    /// Follow symbolic links that lead out of a directory being walked. Without it they are
    /// not followed and each is reported (links that stay inside are followed).
    #[arg(long)]
    pub follow_links: bool,
    /// For URLs: the most seconds one request may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
    /// For URLs: the largest page read, in bytes; a larger one is refused while it streams in.
    #[arg(long, value_name = "BYTES", default_value_t = claims::fetch::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
}

#[derive(Serialize)]
struct Summary {
    /// Where and when each page fetched came from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fetched: Vec<claims::store::fetch::FetchRecord>,
    files: usize,
    failed: usize,
    new_versions: usize,
    new_claims: usize,
    new_objects: usize,
    #[serde(skip_serializing_if = "is_zero")]
    new_reviews: usize,
    imported: Vec<FileReport>,
    errors: Vec<FileError>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct FileError {
    error: String,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let overrides = Overrides {
        url: args.url.clone(),
        key: args.key.clone(),
        outlet: args.source.clone(),
        title: args.title.clone(),
        author: args.author.clone(),
        published: args.published.clone(),
    };
    let mut store = Store::open(&cli.db)?;
    // A damaged file is refused before anything is written into it (exit 3).
    store.check_structure()?;
    let extractor = Extractor::new()?;
    let progress = progress_bar("files", false);
    let text = cli.format == Format::Text;
    let mut write_error = None;
    let walk = WalkOptions {
        follow_links: args.follow_links,
    };
    let (urls, paths): (Vec<&PathBuf>, Vec<&PathBuf>) = args
        .paths
        .iter()
        .partition(|p| p.to_str().is_some_and(claims::fetch::is_url));
    let paths: Vec<PathBuf> = paths.into_iter().cloned().collect();
    // The files' reports are kept only for the JSON summary, which lists them; the text
    // summary is counted as the import goes, and JSON lines are written as it goes.
    let (mut imported, mut errors) = (Vec::new(), Vec::new());
    let mut kept = |outcome: FileOutcome| -> std::io::Result<()> {
        match cli.format {
            Format::Text => {}
            Format::Jsonl => {
                // One line per file, in the order given: its report, or `{"error"}`.
                let item = match &outcome {
                    Ok(report) => serde_json::to_value(report)?,
                    Err(e) => serde_json::json!({ "error": e.to_string() }),
                };
                print_json(cli.format, &[item])?;
            }
            _ => match outcome {
                Ok(report) => imported.push(report),
                Err(e) => errors.push(FileError {
                    error: e.to_string(),
                }),
            },
        }
        Ok(())
    };
    let mut counts = import_streaming(
        &mut store,
        &paths,
        walk,
        &overrides,
        &extractor,
        |store, done, total, outcome| {
            if let Some(bar) = &progress {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            }
            let shown = || -> std::io::Result<()> {
                match &outcome {
                    Err(e) => {
                        let line = format!("claims: error: {e}");
                        match &progress {
                            Some(bar) => bar.suspend(|| eprintln!("{line}")),
                            None => eprintln!("{line}"),
                        }
                    }
                    Ok(report) if !report.refused.is_empty() || !report.warnings.is_empty() => {
                        let mut lines = String::new();
                        for r in &report.refused {
                            lines.push_str(&format!(
                                "claims: warning: {}: {r}; the rest of the file was stored\n",
                                report.path.display()
                            ));
                        }
                        for w in &report.warnings {
                            lines.push_str(&format!("claims: warning: {w}\n"));
                        }
                        match &progress {
                            Some(bar) => bar.suspend(|| eprint!("{lines}")),
                            None => eprint!("{lines}"),
                        }
                        if text {
                            let lines = file_lines(store, report, args.claims);
                            let mut out = std::io::stdout().lock();
                            out.write_all(lines.as_bytes())?;
                        }
                    }
                    Ok(report) if text => {
                        let lines = file_lines(store, report, args.claims);
                        let mut out = std::io::stdout().lock();
                        match &progress {
                            Some(bar) => bar.suspend(|| out.write_all(lines.as_bytes()))?,
                            None => out.write_all(lines.as_bytes())?,
                        }
                    }
                    Ok(_) => {}
                }
                Ok(())
            };
            if write_error.is_none() {
                write_error = shown().err();
            }
            if let Err(e) = kept(outcome) {
                write_error.get_or_insert(e);
            }
        },
    )?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Some(e) = write_error {
        return Err(e.into());
    }
    let mut fetched = Vec::new();
    if !urls.is_empty() {
        let mut fetcher = claims::fetch::Fetcher::new(claims::fetch::FetchOptions {
            timeout: std::time::Duration::from_secs(args.timeout.max(1)),
            max_bytes: args.max_bytes,
            ..claims::fetch::FetchOptions::default()
        });
        for url in urls {
            let url = url.to_string_lossy();
            let outcome = fetch_page(&mut store, &mut fetcher, &url, &overrides, &extractor);
            let outcome = match outcome {
                Ok(page) => {
                    fetched.push(page.fetch);
                    Ok(page.report)
                }
                Err(e) => Err(e),
            };
            match &outcome {
                Err(e) => eprintln!("claims: error: {e}"),
                Ok(report) => {
                    for w in &report.refused {
                        eprintln!(
                            "claims: warning: {}: {w}; the rest of the page was stored",
                            report.path.display()
                        );
                    }
                    if text {
                        let lines = file_lines(&store, report, args.claims);
                        std::io::stdout().lock().write_all(lines.as_bytes())?;
                    }
                }
            }
            counts.count(&outcome);
            kept(outcome)?;
        }
    }
    let summary = Summary {
        fetched,
        files: counts.files,
        failed: counts.failed,
        new_versions: counts.new_versions,
        new_claims: counts.new_claims,
        new_objects: counts.new_objects,
        new_reviews: counts.new_reviews,
        imported,
        errors,
    };
    if text {
        let mut out = std::io::stdout().lock();
        let reviews = if summary.new_reviews > 0 {
            format!(
                ", {} new review{}",
                summary.new_reviews,
                plural(summary.new_reviews)
            )
        } else {
            String::new()
        };
        writeln!(
            out,
            "{} file{}: {} new version{}, {} new claim{}{reviews}, {} new object{}; {} failed. \
             Database: {}",
            summary.files,
            plural(summary.files),
            summary.new_versions,
            plural(summary.new_versions),
            summary.new_claims,
            plural(summary.new_claims),
            summary.new_objects,
            plural(summary.new_objects),
            summary.failed,
            cli.db.display()
        )?;
    } else if cli.format != Format::Jsonl {
        print_json(cli.format, &summary)?;
    }
    Ok(if summary.failed > 0 {
        exit::FAILED
    } else {
        exit::OK
    })
}

fn file_lines(store: &Store, report: &claims::import::FileReport, with_claims: bool) -> String {
    let mut s = String::new();
    for r in &report.reviews {
        s.push_str(&review_line(store, &report.path, r));
    }
    for v in &report.versions {
        let title = v.title.as_deref().unwrap_or("(untitled)");
        let what = if v.new {
            format!("new version {} of", v.number)
        } else {
            format!("unchanged, version {} of", v.number)
        };
        s.push_str(&format!(
            "{}: {what} \"{title}\" ({}): {} claim{}, {} new\n",
            report.path.display(),
            short(&v.document.to_hex()),
            v.claims,
            plural(v.claims),
            v.new_claims
        ));
        if with_claims && v.new {
            if let Ok(mentions) = claims::store::query::mentions_in_version(store, &v.version) {
                for m in mentions {
                    if let Ok(id) = claims::objects::ObjectId::parse(&m.claim) {
                        if let Ok(Some(c)) = claims::store::query::claim(store, &id) {
                            s.push_str("  ");
                            s.push_str(&claim_line(&c.claim));
                            s.push('\n');
                        }
                    }
                }
            }
        }
    }
    s
}

/// `PATH: new review ID: VERDICT ("RATING") of "CLAIM": matches CLAIM-ID (SCORE)`.
fn review_line(store: &Store, path: &std::path::Path, r: &claims::import::ReviewReport) -> String {
    use claims::store::query::reviews::reviewed_claims;
    let body = claims::store::query::object_body(store, &r.id)
        .ok()
        .flatten()
        .and_then(|(kind, body)| {
            claims::model::Body::from_object(&claims::objects::Object {
                id: r.id,
                kind,
                body,
            })
        });
    let Some(claims::model::Body::Review(review)) = body else {
        return String::new();
    };
    let matched = reviewed_claims(store, &r.id).unwrap_or_default();
    let matches = if matched.is_empty() {
        "no stored claim matches yet".to_string()
    } else {
        let m: Vec<String> = matched
            .iter()
            .map(|c| format!("{} ({:.2})", short(&c.id), c.score))
            .collect();
        format!("matches {}", m.join(", "))
    };
    format!(
        "{}: {} review {}: {} (\"{}\") of \"{}\": {matches}\n",
        path.display(),
        if r.new { "new" } else { "unchanged" },
        short(&r.id.to_hex()),
        review.verdict.as_str(),
        review
            .rating
            .text
            .as_deref()
            .or(review.rating.alternate_name.as_deref())
            .unwrap_or("-"),
        review.claim_text.as_deref().unwrap_or("-"),
    )
}

/// Fetches one page and imports it; a failed fetch is an import error naming the URL, and
/// stores nothing.
fn fetch_page(
    store: &mut Store,
    fetcher: &mut claims::fetch::Fetcher,
    url: &str,
    overrides: &Overrides,
    extractor: &Extractor,
) -> Result<claims::import::PageReport, claims::import::ImportError> {
    let fetch_error = |e: claims::fetch::FetchError| claims::import::ImportError::Fetch {
        message: e.to_string(),
    };
    let page = fetcher
        .get(url, &claims::fetch::Validators::default())
        .map_err(fetch_error)?;
    page.require_html().map_err(fetch_error)?;
    claims::import::import_page(
        store,
        claims::import::Page {
            url: url.to_string(),
            fetch: claims::store::fetch::FetchRecord {
                url: url.to_string(),
                final_url: page.final_url.clone(),
                canonical: None,
                fetched_at: page.fetched_at.clone(),
                status: page.status,
                etag: page.etag.clone(),
                last_modified: page.last_modified.clone(),
                body_sha256: None,
                version_id: None,
                feed_url: None,
            },
            body: page.body,
            watched: None,
        },
        overrides,
        extractor,
    )
}
