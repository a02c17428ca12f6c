//! `claims link`: record a person's judgement on two claims.

use super::render::{print_json, short};
use super::{Cli, CliResult, Format};
use claims::model::{Body, RelationKind};
use claims::store::Store;
use claims::timeline::relations;
use std::io::Write;

/// Record a person's judgement on two claims
///
/// Records how claim A stands to claim B, as a relation object with basis "manual", the time
/// it was made and its author (--author, CLAIMS_AUTHOR or `claims author`). The judgement made last on a pair (in either order; then the larger id) is in
/// force on every replica: it overrides what the rules found on the pair, in `claims relations`,
/// `claims conflicts` and the views, and the other judgements stay visible there.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The first claim (id or unique prefix).
    pub a: String,
    /// The second claim (id or unique prefix).
    pub b: String,
    /// The relation: for `updates`, B is A as edited later.
    #[arg(long = "as", value_enum)]
    pub kind: Kind,
    /// Why, in a few words.
    #[arg(long)]
    pub note: Option<String>,
    #[command(flatten)]
    pub who: super::AuthorArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Conflicts,
    Updates,
    Corroborates,
    Unrelated,
}

impl From<Kind> for RelationKind {
    fn from(k: Kind) -> RelationKind {
        match k {
            Kind::Conflicts => RelationKind::Conflicts,
            Kind::Updates => RelationKind::Updates,
            Kind::Corroborates => RelationKind::Corroborates,
            Kind::Unrelated => RelationKind::Unrelated,
        }
    }
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    let mut store = Store::open_existing(&cli.db)?;
    let by = args.who.resolve(&store)?;
    let (typed, new) = relations::link_by(
        &mut store,
        &args.a,
        &args.b,
        args.kind.into(),
        args.note.as_deref(),
        by.as_deref(),
        &claims::time::now_precise(),
    )?;
    let Body::Relation(r) = &typed.body else {
        return Err(super::error::fail("internal: a link is a relation"));
    };
    if cli.format == Format::Text {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "{} relation {}: {} {} {}",
            if new { "recorded" } else { "already recorded" },
            short(&typed.id().to_hex()),
            short(&r.from.to_hex()),
            r.kind.as_str(),
            short(&r.to.to_hex())
        )?;
        out.flush()?;
    } else {
        print_json(
            cli.format,
            &serde_json::json!({"id": typed.id(), "new": new, "relation": typed.body}),
        )?;
    }
    Ok(super::exit::OK)
}
