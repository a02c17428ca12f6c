//! `claims extract`: extraction only, no database.

use super::Cli;
use std::path::PathBuf;

/// Extract attributed claims from article files without touching a database.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to read.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(_cli: &Cli, _args: &Args) -> anyhow::Result<i32> {
    anyhow::bail!("extract is not built yet")
}
