//! `goldthread generate`: a deterministic, realistic large council.

use clap::Args;
use std::process::ExitCode;

#[derive(Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub database: crate::DatabaseArgs,
}

pub async fn run(_args: GenerateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("generate is not built yet")
}
