//! `claims hub`: the users and the push log of a hub, on PostgreSQL (`--store`) or in the
//! database file (`--db`).

use super::error::fail;
use super::render::print_json;
use super::{Cli, CliResult, Format};
use claims::store::postgres::PgStore;
use claims::store::StoreError;
use claims::sync::hub::postgres::verify;
use claims::sync::hub::Role;
use claims::sync::server::token_hash;
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

/// A hub's storage, for the user commands.
enum HubDb {
    Pg(PgStore),
    File(claims::store::Store),
}

impl HubDb {
    fn add_user(&mut self, name: &str, role: &str, hash: &[u8; 32]) -> Result<bool, StoreError> {
        match self {
            HubDb::Pg(pg) => pg.add_user(name, role, hash),
            HubDb::File(f) => f.replica().add_user(name, role, hash),
        }
    }

    fn revoke_user(&mut self, name: &str) -> Result<bool, StoreError> {
        match self {
            HubDb::Pg(pg) => pg.revoke_user(name),
            HubDb::File(f) => f.replica().revoke_user(name),
        }
    }

    fn users(&mut self) -> Result<Vec<claims::store::postgres::HubUser>, StoreError> {
        match self {
            HubDb::Pg(pg) => pg.users(),
            HubDb::File(f) => f.replica().users(),
        }
    }

    fn push_log(
        &mut self,
        limit: i64,
    ) -> Result<Vec<claims::store::postgres::PushLogEntry>, StoreError> {
        match self {
            HubDb::Pg(pg) => pg.push_log(limit),
            HubDb::File(f) => f.replica().push_log(limit),
        }
    }
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let mut store = match args.store.as_deref() {
        Some(url) => HubDb::Pg(PgStore::connect(url)?),
        None => HubDb::File(claims::store::Store::open_existing(&cli.db)?),
    };
    if let (Sub::Verify(_), HubDb::File(_)) = (&args.command, &store) {
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
            HubDb::File(_) => Ok(super::exit::OK),
        },
    }
}

fn new_token() -> Result<String, super::CliError> {
    let mut raw = [0u8; 32];
    getrandom::getrandom(&mut raw).map_err(|e| fail(format!("no random bytes: {e}")))?;
    Ok(hex::encode(raw))
}

fn add(cli: &Cli, store: &mut HubDb, args: &AddArgs) -> CliResult {
    let role = Role::parse(&args.role).ok_or_else(|| fail("no such role"))?;
    if args.name.is_empty() || args.name.chars().any(char::is_whitespace) {
        return Err(fail(format!(
            "{:?}: a user name is not empty and has no spaces",
            args.name
        )));
    }
    let token = new_token()?;
    if !store.add_user(&args.name, role.as_str(), &token_hash(&token))? {
        return Err(fail(format!("user {} exists already", args.name)));
    }
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
