//! `claims serve`: an HTTP sync hub over this database.

use super::error::fail;
use super::{Cli, CliResult};
use claims::store::Store;
use claims::sync::hub::Hub;
use claims::sync::server::{ServeOptions, Server};
use claims::sync::wire::Limits;
use std::io::Write;
use std::path::PathBuf;

/// Serve this database as a sync hub: `claims sync http://HOST:PORT` from other machines.
///
/// Listens on loopback unless told otherwise. With --token-file, pushing needs that bearer
/// token (HTTP 401 without it); reading does not. An address other than loopback is refused
/// without --token-file, unless --allow-anyone-to-push says that anyone who can connect may
/// push. Requests and objects past the limits get
/// HTTP 413. Prints "listening on http://ADDR" on stdout once ready, then serves until
/// interrupted.
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
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let token = match &args.token_file {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| fail(format!("{}: {e}", path.display())))?;
            let token = text.trim().to_string();
            if token.is_empty() {
                return Err(fail(format!("{}: the token file is empty", path.display())));
            }
            Some(token)
        }
    };
    let listener = std::net::TcpListener::bind(&args.addr)
        .map_err(|e| fail(format!("{}: cannot listen: {e}", args.addr)))?;
    let server = Server::from_listener(listener)?;
    if token.is_none() && !server.addr().ip().is_loopback() {
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
    let store = Store::open(&cli.db)?;
    store.tune_for_sync(false)?;
    let limits = Limits {
        max_request_bytes: args.max_request_bytes,
        max_object_bytes: args.max_object_bytes,
        max_items: args.max_items,
    };
    let mut hub = Hub::new(store, limits)?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "listening on {} (replica {})",
            server.url(),
            hub.replica()
        )?;
        out.flush()?;
    }
    let options = ServeOptions { token, limits };
    server.serve(&mut hub, &options, |served| {
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
    });
    Ok(super::exit::OK)
}
