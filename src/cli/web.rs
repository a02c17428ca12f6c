//! `claims web`: pages to read the ledger in a browser.

use super::error::fail;
use super::serve::read_token_file;
use super::{Cli, CliResult};
use claims::store::Store;
use claims::web::{Options, Server};
use std::io::Write;
use std::path::PathBuf;

/// Serve pages to read the ledger: claims, speakers, article timelines with claim diffs,
/// conflicts side by side
///
/// Server-rendered HTML from the database, opened read-only unless --token-file is given. Routes: `/`,
/// `/search?q=TEXT`, `/claims/ID`, `/documents/ID-or-URL`, `/documents/ID-or-URL/diff?a=N&b=M`,
/// `/speakers/NAME`, `/conflicts`; each also answers JSON (`?format=json` or `Accept:
/// application/json`). Ids are as in the CLI (prefixes of six or more hex digits accepted).
/// The pages need no JavaScript and load nothing from elsewhere. See docs/web.md.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on (port 0: any free port; the line printed names it)
    #[arg(long, default_value = "127.0.0.1:7465")]
    pub addr: String,
    /// A file holding a write token: the conflicts page then offers a form to judge each
    /// pair (what `claims link` records, by the database's author), which needs the token.
    /// Without it the database is opened read-only
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let token = read_token_file(args.token_file.as_deref())?;
    let mut store = if token.is_some() {
        Store::open_existing(&cli.db)?
    } else {
        Store::open_read_only(&cli.db)?
    };
    let listener = std::net::TcpListener::bind(&args.addr)
        .map_err(|e| fail(format!("{}: cannot listen: {e}", args.addr)))?;
    let server = Server::from_listener(listener)
        .map_err(|e| fail(format!("{}: cannot serve: {e}", args.addr)))?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "serving {} on {} ({})",
            cli.db.display(),
            server.url(),
            if token.is_some() {
                "judgements with the write token"
            } else {
                "read-only"
            }
        )?;
        out.flush()?;
    }
    let options = Options { token };
    server.serve(&mut store, &options, |served| {
        if served.status >= 500 {
            eprintln!(
                "claims: {} {}: answered HTTP {}",
                served.method, served.url, served.status
            );
        }
    });
    Ok(super::exit::OK)
}
