//! `claims serve`: an HTTP sync hub over this database.

use super::error::fail;
use super::{Cli, CliResult};
use claims::store::postgres::PgStore;
use claims::store::Store;
use claims::sync::hub::{Hub, HubStore};
use claims::sync::server::{tls_config, ServeOptions, Server};
use claims::sync::wire::Limits;
use std::io::Write;
use std::path::PathBuf;

/// Serve this database as a sync hub: `claims sync http://HOST:PORT` from other machines.
///
/// Listens on loopback unless told otherwise. With --token-file, pushing needs that bearer
/// token (HTTP 401 without it); reading does not. An address other than loopback is refused
/// without --token-file (or users), unless --allow-anyone-to-push says that anyone who can
/// connect may push, and refused for plain HTTP unless --tls-cert/--tls-key serve HTTPS or
/// --insecure-listen says to mean it. Requests and objects past the limits get HTTP 413.
/// Prints "listening on http://ADDR" (https://) on stdout once ready, then serves until
/// interrupted.
///
/// With --store postgres://USER@HOST/DB the hub keeps its objects in PostgreSQL (see
/// docs/hub.md) instead of this database file, and may have users (`claims hub user add`):
/// then every request needs a user's token (401), and pushing needs the role write (403).
/// Several clients are served at once (--workers); a request must arrive within
/// --request-timeout seconds (408), and a kept-alive connection is closed after
/// --idle-timeout.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:7464")]
    pub addr: String,
    /// A file holding the bearer token that pushes must carry.
    #[arg(long)]
    pub token_file: Option<PathBuf>,
    /// Serve an address other than loopback without --token-file: anyone who can connect may
    /// push.
    #[arg(long)]
    pub allow_anyone_to_push: bool,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = Limits::default().max_request_bytes)]
    pub max_request_bytes: u64,
    /// Largest single object accepted, in bytes.
    #[arg(long, default_value_t = Limits::default().max_object_bytes)]
    pub max_object_bytes: u64,
    /// Most ids one request may list or fetch, and most ranges in one reconciliation step
    /// (clients fetch and offer in batches of at most this many).
    #[arg(long, default_value_t = Limits::default().max_items, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_items: u32,
    /// Keep the hub's objects in PostgreSQL (postgres://USER@HOST/DB) instead of the
    /// database file.
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
    /// Connections served at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub workers: u32,
    /// Connections to PostgreSQL (requests answered at once); an SQLite file has one.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub pool: u32,
    /// Seconds a request may take to arrive (HTTP 408 past it).
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout: u64,
    /// Seconds a kept-alive connection may wait for its next request.
    #[arg(long, default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP on an address other than loopback (tokens and objects travel in
    /// clear).
    #[arg(long)]
    pub insecure_listen: bool,
}

/// The token in a token file (`--token-file`): its text without surrounding white space, which
/// may not be empty.
pub(super) fn read_token_file(
    path: Option<&std::path::Path>,
) -> Result<Option<String>, super::error::CliError> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text =
        std::fs::read_to_string(path).map_err(|e| fail(format!("{}: {e}", path.display())))?;
    let token = text.trim().to_string();
    if token.is_empty() {
        return Err(fail(format!("{}: the token file is empty", path.display())));
    }
    Ok(Some(token))
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let token = read_token_file(args.token_file.as_deref())?;
    let listener = std::net::TcpListener::bind(&args.addr)
        .map_err(|e| fail(format!("{}: cannot listen: {e}", args.addr)))?;
    let server = Server::from_listener(listener)?;
    // A hub on PostgreSQL with users answers only its users' tokens.
    let mut first_pg = match &args.store {
        Some(url) => Some(PgStore::connect(url)?),
        None => None,
    };
    let has_users = match first_pg.as_mut() {
        Some(pg) => !pg.users()?.is_empty(),
        None => !claims::store::Store::open(&cli.db)?
            .replica()
            .users()?
            .is_empty(),
    };
    if token.is_none() && !has_users && !server.addr().ip().is_loopback() {
        if !args.allow_anyone_to_push {
            return Err(fail(format!(
                "{}: not a loopback address, and no --token-file: anyone who can connect could \
                 push; give --token-file (or --allow-anyone-to-push to mean it)",
                args.addr
            )));
        }
        eprintln!(
            "claims: warning: serving on {} without --token-file: anyone who can connect may push",
            server.addr()
        );
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(tls_config(cert, key)?),
        _ => None,
    };
    if tls.is_none() && !server.addr().ip().is_loopback() && !args.insecure_listen {
        return Err(fail(format!(
            "{}: plain HTTP on an address other than loopback: tokens and objects would travel \
             in clear; give --tls-cert and --tls-key (or --insecure-listen to mean it)",
            args.addr
        )));
    }
    let limits = Limits {
        max_request_bytes: args.max_request_bytes,
        max_object_bytes: args.max_object_bytes,
        max_items: args.max_items,
    };
    let options = ServeOptions {
        token,
        limits,
        workers: args.workers as usize,
        request_timeout: std::time::Duration::from_secs(args.request_timeout),
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout),
        tls,
    };
    match &args.store {
        Some(url) => {
            let first = match first_pg {
                Some(pg) => Hub::new(pg, limits)?,
                None => Hub::new(PgStore::connect(url)?, limits)?,
            };
            let mut hubs = Vec::with_capacity(args.pool as usize);
            for _ in 1..args.pool {
                hubs.push(first.sibling(PgStore::connect(url)?)?);
            }
            hubs.push(first);
            serve(server, hubs, options)
        }
        None => {
            let store = Store::open(&cli.db)?;
            store.tune_for_sync(false)?;
            serve(server, vec![Hub::new(store, limits)?], options)
        }
    }
}

fn serve<S: HubStore + Send + 'static>(
    server: Server,
    hubs: Vec<Hub<S>>,
    options: ServeOptions,
) -> CliResult {
    // Announced once SIGTERM is handled: a client may act on the line at once.
    let listening = format!(
        "listening on {} (replica {})",
        match options.tls {
            Some(_) => format!("https://{}", server.addr()),
            None => server.url(),
        },
        hubs.last().map(|h| h.replica()).unwrap_or("?")
    );
    let ready = move || {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{listening}")?;
        out.flush()
    };
    server.serve(hubs, options, ready, |served| {
        if served.status != 200 {
            let from = served
                .remote
                .map(|r| r.to_string())
                .unwrap_or_else(|| "?".into());
            eprintln!(
                "claims: {from}: answered HTTP {} to a {}-byte request",
                served.status, served.request_bytes
            );
        }
    })?;
    eprintln!("claims: stopped (every request begun was answered)");
    Ok(super::exit::OK)
}
