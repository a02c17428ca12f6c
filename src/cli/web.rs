//! `claims web`: pages to read the ledger in a browser.

use super::error::fail;
use super::{Cli, CliResult};
use claims::store::Store;
use claims::web::Server;
use std::io::Write;

/// Serve pages to read the ledger: claims, speakers, article timelines with claim diffs,
/// conflicts side by side
///
/// Server-rendered HTML from the database, opened read-only: nothing is written. Routes: `/`,
/// `/search?q=TEXT`, `/claims/ID`, `/documents/ID-or-URL`, `/documents/ID-or-URL/diff?a=N&b=M`,
/// `/speakers/NAME`, `/conflicts`; each also answers JSON (`?format=json` or `Accept:
/// application/json`). Ids are as in the CLI (prefixes of six or more hex digits accepted).
/// The pages need no JavaScript and load nothing from elsewhere. See docs/web.md.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on (port 0: any free port; the line printed names it)
    #[arg(long, default_value = "127.0.0.1:7465")]
    pub addr: String,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let store = Store::open_read_only(&cli.db)?;
    let listener = std::net::TcpListener::bind(&args.addr)
        .map_err(|e| fail(format!("{}: cannot listen: {e}", args.addr)))?;
    let server = Server::from_listener(listener)
        .map_err(|e| fail(format!("{}: cannot serve: {e}", args.addr)))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "serving {} on {} (read-only)",
            cli.db.display(),
            server.url()
        )?;
        out.flush()?;
    }
    server.serve(&store, |served| {
        if served.status >= 500 {
            eprintln!(
                "claims: {} {}: answered HTTP {}",
                served.method, served.url, served.status
            );
        }
    });
    Ok(super::exit::OK)
}
