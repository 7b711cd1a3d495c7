//! `goldthread plan-document`: a stored plan laid out as the document a
//! committee approves (its sections, action and indicator tables, risks),
//! in Word, PDF or HTML, written beside its destination and renamed into
//! place.

use anyhow::{Context, anyhow};
use clap::Args;
use goldthread_reports::{Format, plan_document, render};
use std::path::PathBuf;

#[derive(Args)]
pub struct PlanDocumentArgs {
    #[command(flatten)]
    pub database: crate::DatabaseArgs,
    /// The plan's number (as /api/v1/plans and the plan's page give it).
    #[arg(long)]
    pub plan: i64,
    /// docx, pdf or html.
    #[arg(long)]
    pub format: String,
    /// The file to write [default: the plan's title and the format's
    /// extension, in the current directory].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub async fn run(args: PlanDocumentArgs) -> anyhow::Result<()> {
    let format = Format::parse(&args.format)
        .filter(|f| Format::PLAN_DOCUMENT.contains(f))
        .ok_or_else(|| {
            let names: Vec<&str> = Format::PLAN_DOCUMENT.iter().map(|f| f.as_str()).collect();
            anyhow!(
                "--format: '{}' is not a format for a plan document; choose one of {}",
                args.format,
                names.join(", ")
            )
        })?;
    let store = args.database.open().await?;
    let document = match store.export_document(&[args.plan]).await {
        Err(e) if e.is_not_found() => {
            return Err(anyhow!("--plan: there is no plan {}", args.plan));
        }
        other => other.context("reading the plan failed")?,
    };
    let plan = document
        .plans
        .first()
        .ok_or_else(|| anyhow!("--plan: there is no plan {}", args.plan))?;
    let council = store
        .organisation()
        .await
        .context("reading the council's name failed")?
        .name;
    let printed = plan_document::build(plan, &council);
    let bytes = render::render_plan(&printed, format)?;
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from(format!("{}.{}", printed.file_stem(), format.as_str())));
    crate::write_into_place(&out, &bytes)?;
    let actions: usize = printed.sections.iter().map(|s| s.actions.len()).sum();
    let indicators: usize = printed.sections.iter().map(|s| s.indicators.len()).sum();
    eprintln!(
        "wrote {} ({actions} actions, {indicators} indicators, {} risks) to {}",
        printed.title,
        printed.risks.len(),
        out.display()
    );
    Ok(())
}
