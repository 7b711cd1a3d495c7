//! `goldthread report`: the quarterly pack for a period and scope, in one
//! format, written beside its destination and renamed into place so a
//! failed run never leaves half a file.

use anyhow::{Context, anyhow};
use clap::Args;
use goldthread_reports::{Format, ReportRequest, ScopeChoice, pack, period, render};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub database: crate::DatabaseArgs,
    /// The reporting period: a quarter (2017/18-Q2) or a financial year (2017/18).
    #[arg(long)]
    pub period: String,
    /// council, plan:ID, service:NAME or officer:POST.
    #[arg(long, default_value = "council")]
    pub scope: String,
    /// html, csv, xlsx, docx or pdf.
    #[arg(long)]
    pub format: String,
    /// The file to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Show only what was known on this day (YYYY-MM-DD); today when omitted.
    #[arg(long = "as-at")]
    pub as_at: Option<String>,
    /// The committee the report goes to, for its cover.
    #[arg(long)]
    pub committee: Option<String>,
    /// The report's author, for its cover.
    #[arg(long)]
    pub author: Option<String>,
}

pub async fn run(args: ReportArgs) -> anyhow::Result<()> {
    let period =
        period::parse_reporting_period(&args.period).map_err(|e| anyhow!("--period: {e}"))?;
    let scope = ScopeChoice::parse(&args.scope).map_err(|e| anyhow!("--scope: {e}"))?;
    let format = Format::parse(&args.format).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        anyhow!(
            "--format: '{}' is not a format; choose one of {}",
            args.format,
            names.join(", ")
        )
    })?;
    let today = chrono::Utc::now().date_naive();
    let known_at = match &args.as_at {
        None => today,
        Some(text) => {
            let day = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| anyhow!("--as-at: '{text}' is not a date in the form 2017-09-30"))?;
            if day > today {
                return Err(anyhow!(
                    "--as-at: {day} is in the future; nothing is known of it yet"
                ));
            }
            day
        }
    };
    let progress = Progress::start();
    let store = args.database.open().await?;
    progress.step("reading the council's figures");
    let known = (known_at < today).then_some(known_at);
    let data = store
        .load_monitoring_data_known_at(known)
        .await
        .context("reading the figures failed")?;
    progress.step("building the report");
    let request = ReportRequest {
        period,
        scope,
        known_at,
        committee: args.committee,
        author: args.author,
    };
    let pack = pack::build(&data, &request).map_err(|e| anyhow!("--scope: {e}"))?;
    progress.step(&format!("writing {}", format.as_str()));
    let bytes = render::render(&pack, format)?;
    crate::write_into_place(&args.out, &bytes)?;
    progress.finish();
    eprintln!(
        "wrote {} ({} actions, {} indicators, {} exceptions) to {}",
        pack.title,
        pack.headline.actions_total,
        pack.headline.indicators_total,
        pack.exception_actions.len() + pack.exception_indicators.len(),
        args.out.display()
    );
    Ok(())
}

/// A spinner with the current step on a terminal; silent otherwise.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn start() -> Progress {
        Progress(std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        }))
    }

    fn step(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.to_string());
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
