//! `claims watch`: a watch list of RSS and Atom feeds, and the watcher that polls them.

use super::render::{plural, print_json, short};
use super::{exit, Cli, CliResult, Format};
use claims::extract::Extractor;
use claims::fetch::watch::{self, Event, WatchOptions};
use claims::fetch::{FetchOptions, Fetcher};
use claims::store::Store;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// Watch RSS and Atom feeds: import every new version of the articles they name
///
/// `watch add` puts a feed on this database's watch list (local, not synced); `watch run`
/// polls each feed when it is due, fetches the articles it names (and those first seen in the
/// last two days) again with conditional requests, and imports a new version only when an
/// article's text changed, reporting the claims added (+), removed (-) and changed (~) as
/// `claims diff` does. Errors and 429 answers push the next try back (doubling, at least as
/// far as Retry-After asks). See docs/fetch.md.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: WatchCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum WatchCommand {
    /// Add a feed to the watch list.
    Add {
        /// The feed's URL (RSS 2.0 or Atom).
        url: String,
        /// How often to poll it: 30s, 15m, 2h, 1d.
        #[arg(long, default_value = "15m")]
        every: String,
    },
    /// The watch list, with the state of each feed.
    List,
    /// Remove a feed from the watch list (the versions it brought stay).
    Remove {
        /// The feed's URL, as added.
        url: String,
    },
    /// Poll the feeds that are due, round after round (or one round with --once).
    Run(RunArgs),
}

/// Options of `claims watch run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// One round over the feeds that are due, then exit (exit 1 if a feed or article failed).
    #[arg(long)]
    pub once: bool,
    /// Run this shell command (sh -c) for each new article or new version, with the event as
    /// JSON on its stdin and CLAIMS_EVENT and CLAIMS_URL set.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// Append every event as one JSON line to this file.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// The most seconds one request may take.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub timeout: u64,
    /// The largest page or feed read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = claims::fetch::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// The least seconds between two requests to one host (more if robots.txt asks).
    #[arg(long, value_name = "SECONDS", default_value_t = 1.0)]
    pub politeness: f64,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    match &args.command {
        WatchCommand::Add { url, every } => {
            let Some(every) = watch::parse_every(every) else {
                return Err(super::error::fail(format!(
                    "--every {every:?}: give a number with s, m, h or d (15m, 2h)"
                )));
            };
            let store = Store::open(&cli.db)?;
            let added = watch::add(&store, url, every)?;
            if cli.format == Format::Text {
                if added {
                    println!("watching {url} every {}", human(every.num_seconds()));
                } else {
                    println!("{url} is already on the watch list");
                }
            } else {
                print_json(
                    cli.format,
                    &serde_json::json!({ "url": url, "added": added, "every_seconds": every.num_seconds() }),
                )?;
            }
            Ok(exit::OK)
        }
        WatchCommand::List => {
            let store = super::open_existing(cli)?;
            let feeds = watch::list(&store)?;
            if cli.format != Format::Text {
                print_json(cli.format, &feeds)?;
                return Ok(exit::OK);
            }
            let mut out = std::io::stdout().lock();
            for f in &feeds {
                let articles = store.fetches().articles_of(&f.url)?.len();
                write!(
                    out,
                    "{}  every {}, {articles} article{}",
                    f.url,
                    human(f.every_seconds),
                    plural(articles)
                )?;
                match &f.polled_at {
                    Some(t) => write!(out, ", polled {t}")?,
                    None => write!(out, ", not polled yet")?,
                }
                if let Some(e) = &f.last_error {
                    write!(out, ", failing ({} in a row): {e}", f.failures)?;
                }
                writeln!(out)?;
            }
            writeln!(out, "{} feed{}", feeds.len(), plural(feeds.len()))?;
            Ok(exit::OK)
        }
        WatchCommand::Remove { url } => {
            let store = super::open_existing(cli)?;
            watch::remove(&store, url)?;
            if cli.format == Format::Text {
                println!("no longer watching {url}");
            } else {
                print_json(
                    cli.format,
                    &serde_json::json!({ "url": url, "removed": true }),
                )?;
            }
            Ok(exit::OK)
        }
        WatchCommand::Run(run_args) => run_watch(cli, run_args),
    }
}

fn human(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// Now, from `CLAIMS_NOW` when set (tests), else the clock.
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(&claims::time::now_rfc3339())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| chrono::Utc::now())
}

fn run_watch(cli: &Cli, args: &RunArgs) -> CliResult {
    let mut store = super::open_existing(cli)?;
    let extractor = Extractor::new()?;
    let mut fetcher = Fetcher::new(FetchOptions {
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_bytes,
        politeness: Duration::from_secs_f64(args.politeness.clamp(0.0, 3600.0)),
        ..FetchOptions::default()
    });
    let mut log = match &args.log {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| super::error::fail(format!("{}: {e}", path.display())))?,
        ),
        None => None,
    };
    let options = WatchOptions::default();
    let mut failed = false;
    loop {
        // robots.txt is read again each round: a site may change it while we watch.
        fetcher.forget_robots();
        let mut write_error: Option<std::io::Error> = None;
        let events = watch::run_round(
            &mut store,
            &mut fetcher,
            &extractor,
            &options,
            now(),
            &mut |store, event| {
                if let Err(e) = report(cli, args, store, event, log.as_mut()) {
                    write_error.get_or_insert(e);
                }
            },
        )?;
        if let Some(e) = write_error {
            return Err(e.into());
        }
        failed |= events
            .iter()
            .any(|e| matches!(e, Event::FeedFailed { .. } | Event::ArticleFailed { .. }));
        if cli.format == Format::Json {
            print_json(cli.format, &events)?;
        }
        if args.once {
            break;
        }
        let wait = match watch::next_due(&store)? {
            Some(t) => (t - now()).to_std().unwrap_or_default(),
            None => Duration::from_secs(60),
        };
        std::thread::sleep(wait.clamp(Duration::from_secs(1), Duration::from_secs(900)));
    }
    Ok(if failed { exit::FAILED } else { exit::OK })
}

/// Reports one event: text or a JSON line on stdout, failures on stderr, the log line, and
/// the --exec command for changes.
fn report(
    cli: &Cli,
    args: &RunArgs,
    store: &Store,
    event: &Event,
    log: Option<&mut std::fs::File>,
) -> std::io::Result<()> {
    if let Some(file) = log {
        serde_json::to_writer(&mut *file, event)?;
        file.write_all(b"\n")?;
        file.flush()?;
    }
    match cli.format {
        Format::Jsonl => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer(&mut out, event)?;
            out.write_all(b"\n")?;
            out.flush()?;
        }
        Format::Text => write_event(store, event)?,
        _ => {}
    }
    if let (Some(cmd), true) = (&args.exec, event.is_change()) {
        run_exec(cmd, event);
    }
    Ok(())
}

fn write_event(store: &Store, event: &Event) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match event {
        Event::FeedPolled {
            feed, status: 304, ..
        } => writeln!(out, "feed {feed}: not modified")?,
        Event::FeedPolled {
            feed,
            status,
            articles,
        } => writeln!(
            out,
            "feed {feed}: {status}, {articles} article{}",
            plural(*articles)
        )?,
        Event::FeedFailed {
            error, retry_at, ..
        } => eprintln!("claims: error: feed {error}; next try at {retry_at}"),
        Event::ArticleFailed {
            error, retry_at, ..
        } => eprintln!("claims: error: {error}; next try at {retry_at}"),
        Event::Unchanged { url, status, .. } => writeln!(
            out,
            "unchanged {url}{}",
            if *status == 304 {
                " (not modified)"
            } else {
                " (same text)"
            }
        )?,
        Event::NewArticle {
            url,
            document,
            number,
            title,
            claims,
            final_url,
            ..
        } => {
            write!(
                out,
                "new article {url}: version {number} of \"{}\" ({}), {claims} claim{}",
                title.as_deref().unwrap_or("(untitled)"),
                short(&document.to_hex()),
                plural(*claims)
            )?;
            if final_url != url {
                write!(out, " (from {final_url})")?;
            }
            writeln!(out)?;
        }
        Event::NewVersion {
            url,
            number,
            previous,
            version,
            diff,
            ..
        } => {
            let before = claims::store::query::versions::version_number_and_key(store, previous)
                .map_or_else(
                    |_| format!("version {}", short(&previous.to_hex())),
                    |(n, _)| format!("version {n}"),
                );
            writeln!(out, "new version {number} of {url}")?;
            super::diff::write_diff(
                &mut out,
                &format!("{before} of {url}"),
                &format!("version {number} of {url} ({})", short(&version.to_hex())),
                diff,
                &[],
            )?;
        }
    }
    out.flush()
}

fn feed_of(event: &Event) -> &str {
    match event {
        Event::FeedPolled { feed, .. }
        | Event::FeedFailed { feed, .. }
        | Event::NewArticle { feed, .. }
        | Event::NewVersion { feed, .. }
        | Event::Unchanged { feed, .. }
        | Event::ArticleFailed { feed, .. } => feed,
    }
}

/// Runs `--exec` for one change; a command that fails is reported, not fatal.
fn run_exec(cmd: &str, event: &Event) {
    let url = match event {
        Event::NewArticle { url, .. } | Event::NewVersion { url, .. } => url.as_str(),
        _ => feed_of(event),
    };
    let mut json = serde_json::to_vec(event).unwrap_or_default();
    json.push(b'\n');
    let child = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("CLAIMS_EVENT", event.name())
        .env("CLAIMS_URL", url)
        .stdin(std::process::Stdio::piped())
        .spawn();
    let result = child.and_then(|mut child| {
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(&json);
        }
        child.wait()
    });
    match result {
        Ok(status) if status.success() => {}
        Ok(status) => eprintln!("claims: warning: --exec {cmd:?} for {url}: {status}"),
        Err(e) => eprintln!("claims: warning: --exec {cmd:?} for {url}: {e}"),
    }
}
