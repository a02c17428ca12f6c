//! `claims conflicts`: claims that cannot both hold (`claims relations --kind conflicts`).

use super::{Cli, CliResult};

/// List claims that cannot both hold
///
/// The same as `claims relations --kind conflicts`: pairs of claims about the same subject that
/// cannot both hold (negation; opposite direction or outcome; different numbers, days or
/// dates; confirms vs denies), found for every stored claim however it arrived, or recorded
/// with `claims link`. A manual judgement overrides what the rules found; a claim and its own
/// later edit are an update, not a conflict.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only conflicts scored at least this (0 to 1). Default: 0.35.
    #[arg(long, value_name = "S", value_parser = super::relations::score)]
    pub min_score: Option<f64>,
    /// Only conflicts involving a claim of this document (id prefix, URL or key).
    #[arg(long)]
    pub document: Option<String>,
    /// Only conflicts where a speaker contains this text.
    #[arg(long)]
    pub speaker: Option<String>,
    /// Also conflicts of a retracted claim (`claims retract`).
    #[arg(long)]
    pub include_retracted: bool,
}

pub fn run(cli: &Cli, args: &Args) -> CliResult {
    super::relations::show(
        cli,
        Some("conflicts"),
        args.min_score,
        args.document.as_deref(),
        args.speaker.as_deref(),
        args.include_retracted,
    )
}
