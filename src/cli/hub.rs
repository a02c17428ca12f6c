//! `claims hub`: the users and the push log of a hub, on PostgreSQL (`--store`) or in the
//! database file (`--db`).

use super::error::fail;
use super::render::print_json;
use super::CliError;
use super::{Cli, CliResult, Format};
use claims::store::postgres::PgStore;
use claims::store::StoreError;
use claims::sync::hub::postgres::verify;
use claims::sync::hub::Role;
use claims::sync::peer::HttpPeer;
use claims::sync::server::token_hash;
use claims::sync::wire::{self, Reply, Request};
use claims::sync::Peer;
use std::io::Write;

/// Manage a hub: its users and roles, its push log, its check
///
/// The hub is the PostgreSQL database of --store, or else the database file (--db) that
/// `claims serve` serves.
///
/// A hub with users answers only requests that carry a user's token: `read` may pull,
/// `write` may also push, and so may `admin`, the role of those who manage users (which is
/// done here, with access to the hub's database). Tokens are printed once, when the user is
/// added, and stored only as their sha256.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The hub's PostgreSQL database (postgres://USER@HOST/DB); without it, the database file.
    #[arg(long, value_name = "URL", env = "CLAIMS_HUB_STORE", global = true)]
    pub store: Option<String>,
    /// Manage the users of a running hub over HTTP(S) instead (http[s]://HOST:PORT), with the
    /// --token of a user whose role is admin.
    #[arg(long, value_name = "URL", global = true, conflicts_with = "store")]
    pub hub: Option<String>,
    /// With --hub: the bearer token of an admin user.
    #[arg(long, env = "CLAIMS_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,
    /// With --hub: verify its certificate against this PEM file (a private CA).
    #[arg(long, value_name = "FILE", global = true)]
    pub ca: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Sub,
}

#[derive(Debug, clap::Subcommand)]
pub enum Sub {
    #[command(subcommand)]
    User(UserSub),
    Log(LogArgs),
    Verify(VerifyArgs),
}

/// Users of the hub
#[derive(Debug, clap::Subcommand)]
pub enum UserSub {
    Add(AddArgs),
    Revoke(NameArgs),
    List(ListArgs),
}

/// Add a user and print its token (shown this once)
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    pub name: String,
    /// read: pull; write: pull and push; admin: also manage users.
    #[arg(long, value_parser = ["read", "write", "admin"])]
    pub role: String,
}

/// Revoke a user's token (its requests get HTTP 401 from then on)
#[derive(Debug, clap::Args)]
pub struct NameArgs {
    pub name: String,
}

/// List the users (never their tokens)
#[derive(Debug, clap::Args)]
pub struct ListArgs {}

/// Show the pushes the hub stored: when, who, from which replica, how many new objects
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// The newest this many pushes.
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
}

/// Re-hash every object the hub stores and check its chain
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {}

/// A hub's storage, for the user commands, or a running hub reached over HTTP.
enum HubDb {
    Pg(PgStore),
    File(claims::store::Store),
    Remote(HttpPeer, String),
}

impl HubDb {
    /// Asks a running hub; an error status is a failure naming the hub.
    fn call(peer: &mut HttpPeer, address: &str, request: &Request) -> Result<Reply, CliError> {
        Self::call_unless(peer, address, request, 0).map(|r| r.unwrap_or(Reply::Fetch { count: 0 }))
    }

    /// As [`HubDb::call`], with `None` for an answer of status `status`.
    fn call_unless(
        peer: &mut HttpPeer,
        address: &str,
        request: &Request,
        status: u16,
    ) -> Result<Option<Reply>, CliError> {
        let (got, body) = peer.exchange(wire::encode(request, &[]))?;
        match wire::decode_reply(&body) {
            Ok(_) if got == status => Ok(None),
            Ok((Reply::Error { status, error }, _)) => {
                Err(fail(format!("{address}: refused (HTTP {status}): {error}")))
            }
            Ok((reply, _)) if got == 200 => Ok(Some(reply)),
            _ => Err(fail(format!("{address}: an unreadable reply (HTTP {got})"))),
        }
    }

    /// Adds a user and returns its token; `None` if the name is taken.
    fn add_user(&mut self, name: &str, role: Role) -> Result<Option<String>, CliError> {
        let local = |add: &mut dyn FnMut(&[u8; 32]) -> Result<bool, StoreError>| {
            let token = claims::sync::hub::new_token().map_err(fail)?;
            Ok::<_, CliError>(add(&token_hash(&token))?.then_some(token))
        };
        match self {
            HubDb::Pg(pg) => local(&mut |h| pg.add_user(name, role.as_str(), h)),
            HubDb::File(f) => local(&mut |h| f.replica().add_user(name, role.as_str(), h)),
            HubDb::Remote(peer, address) => {
                let request = Request::UserAdd {
                    name: name.to_string(),
                    role: role.as_str().to_string(),
                };
                match Self::call_unless(peer, address, &request, 409)? {
                    Some(Reply::UserAdd { token }) => Ok(Some(token)),
                    None => Ok(None),
                    Some(_) => Err(fail(format!("{address}: not a reply to user_add"))),
                }
            }
        }
    }

    fn revoke_user(&mut self, name: &str) -> Result<bool, CliError> {
        match self {
            HubDb::Pg(pg) => Ok(pg.revoke_user(name)?),
            HubDb::File(f) => Ok(f.replica().revoke_user(name)?),
            HubDb::Remote(peer, address) => {
                let request = Request::UserRevoke {
                    name: name.to_string(),
                };
                match Self::call(peer, address, &request)? {
                    Reply::UserRevoke { revoked } => Ok(revoked),
                    _ => Err(fail(format!("{address}: not a reply to user_revoke"))),
                }
            }
        }
    }

    fn users(&mut self) -> Result<Vec<claims::store::postgres::HubUser>, CliError> {
        match self {
            HubDb::Pg(pg) => Ok(pg.users()?),
            HubDb::File(f) => Ok(f.replica().users()?),
            HubDb::Remote(peer, address) => match Self::call(peer, address, &Request::Users {})? {
                Reply::Users { users } => Ok(users
                    .into_iter()
                    .map(|u| claims::store::postgres::HubUser {
                        name: u.name,
                        role: u.role,
                        created_at: u.created_at,
                        revoked_at: u.revoked_at,
                    })
                    .collect()),
                _ => Err(fail(format!("{address}: not a reply to users"))),
            },
        }
    }

    fn push_log(
        &mut self,
        limit: i64,
    ) -> Result<Vec<claims::store::postgres::PushLogEntry>, CliError> {
        match self {
            HubDb::Pg(pg) => Ok(pg.push_log(limit)?),
            HubDb::File(f) => Ok(f.replica().push_log(limit)?),
            HubDb::Remote(..) => Err(fail(
                "claims hub log reads the hub's database (--store, or the file --db), not --hub",
            )),
        }
    }
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let mut store = match (args.store.as_deref(), args.hub.as_deref()) {
        (Some(url), _) => HubDb::Pg(PgStore::connect(url)?),
        (None, Some(url)) => HubDb::Remote(
            HttpPeer::with_ca(url, args.token.clone(), args.ca.as_deref())?,
            url.to_string(),
        ),
        (None, None) => HubDb::File(claims::store::Store::open_existing(&cli.db)?),
    };
    if let (Sub::Verify(_), HubDb::File(_) | HubDb::Remote(..)) = (&args.command, &store) {
        return Err(fail(
            "claims hub verify checks a PostgreSQL hub (--store); check a database file with \
             claims verify",
        ));
    }
    match &args.command {
        Sub::User(UserSub::Add(a)) => add(cli, &mut store, a),
        Sub::User(UserSub::Revoke(a)) => revoke(cli, &mut store, a),
        Sub::User(UserSub::List(_)) => list(cli, &mut store),
        Sub::Log(a) => log(cli, &mut store, a),
        Sub::Verify(_) => match &mut store {
            HubDb::Pg(pg) => check(cli, pg),
            HubDb::File(_) | HubDb::Remote(..) => Ok(super::exit::OK),
        },
    }
}

fn add(cli: &Cli, store: &mut HubDb, args: &AddArgs) -> CliResult {
    let role = Role::parse(&args.role).ok_or_else(|| fail("no such role"))?;
    if args.name.is_empty() || args.name.chars().any(char::is_whitespace) {
        return Err(fail(format!(
            "{:?}: a user name is not empty and has no spaces",
            args.name
        )));
    }
    let Some(token) = store.add_user(&args.name, role)? else {
        return Err(fail(format!("user {} exists already", args.name)));
    };
    match cli.format {
        Format::Text => {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "user {} ({}) added; its token, shown this once:",
                args.name,
                role.as_str()
            )?;
            writeln!(out, "{token}")?;
        }
        f => print_json(
            f,
            &serde_json::json!({"name": args.name, "role": role.as_str(), "token": token}),
        )?,
    }
    Ok(super::exit::OK)
}

fn revoke(cli: &Cli, store: &mut HubDb, args: &NameArgs) -> CliResult {
    if !store.revoke_user(&args.name)? {
        return Err(fail(format!("no active user {}", args.name)));
    }
    match cli.format {
        Format::Text => writeln!(std::io::stdout().lock(), "user {} revoked", args.name)?,
        f => print_json(f, &serde_json::json!({"name": args.name, "revoked": true}))?,
    }
    Ok(super::exit::OK)
}

fn list(cli: &Cli, store: &mut HubDb) -> CliResult {
    let users = store.users()?;
    match cli.format {
        Format::Text => {
            let mut out = std::io::stdout().lock();
            for u in &users {
                match &u.revoked_at {
                    Some(at) => writeln!(
                        out,
                        "{}\t{}\tadded {}\trevoked {at}",
                        u.name, u.role, u.created_at
                    )?,
                    None => writeln!(out, "{}\t{}\tadded {}", u.name, u.role, u.created_at)?,
                }
            }
        }
        f => {
            let rows: Vec<_> = users
                .iter()
                .map(|u| {
                    serde_json::json!({"name": u.name, "role": u.role,
                        "created_at": u.created_at, "revoked_at": u.revoked_at})
                })
                .collect();
            print_json(f, &rows)?;
        }
    }
    Ok(super::exit::OK)
}

fn log(cli: &Cli, store: &mut HubDb, args: &LogArgs) -> CliResult {
    let rows = store.push_log(args.limit.max(0))?;
    match cli.format {
        Format::Text => {
            let mut out = std::io::stdout().lock();
            for r in &rows {
                let user = if r.user.is_empty() { "-" } else { &r.user };
                writeln!(
                    out,
                    "{}\t{user}\t{}\t{} new object{}\t{} bytes\t{}",
                    r.at,
                    r.peer,
                    r.received,
                    if r.received == 1 { "" } else { "s" },
                    r.bytes,
                    r.address
                )?;
            }
        }
        f => {
            let out: Vec<_> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({"at": r.at, "user": r.user, "replica": r.peer,
                        "address": r.address, "received": r.received, "bytes": r.bytes,
                        "mode": r.mode})
                })
                .collect();
            print_json(f, &out)?;
        }
    }
    Ok(super::exit::OK)
}

fn check(cli: &Cli, store: &mut PgStore) -> CliResult {
    let report = verify(store)?;
    match cli.format {
        Format::Text => {
            let mut out = std::io::stdout().lock();
            for p in &report.problems {
                writeln!(out, "problem: {p}")?;
            }
            writeln!(
                out,
                "{} objects checked, {} problem{}",
                report.objects,
                report.problems.len(),
                if report.problems.len() == 1 { "" } else { "s" }
            )?;
        }
        f => print_json(
            f,
            &serde_json::json!({"objects": report.objects, "problems": report.problems}),
        )?,
    }
    Ok(if report.problems.is_empty() {
        super::exit::OK
    } else {
        super::exit::FAILED
    })
}
