//! `goldthread import`: read documents, report what they hold, store them.

use crate::DatabaseArgs;
use crate::import_report;
use anyhow::Context;
use clap::Args;
use goldthread_domain::PlanDiff;
use goldthread_import::ReadDocument;
use goldthread_storage::{ImportOptions, ImportOutcome, ImportStatus, SourceMeta, Store};
use sha2::{Digest, Sha256};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ImportArgs {
    /// The documents to import.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Read and report, store nothing. With a database (the data directory
    /// exists, or --database-url), also report what each plan would change.
    #[arg(long)]
    dry_run: bool,
    /// Replace stored plans the documents change (merged in place: ids,
    /// progress and values recorded in Goldthread are kept). Without it, a
    /// document that would change a stored plan stores nothing.
    #[arg(long)]
    replace: bool,
    /// Print one JSON object describing every document on standard output.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    database: DatabaseArgs,
    /// Who is importing, for the history.
    #[arg(long, env = "GOLDTHREAD_ACTOR", default_value = "cli")]
    actor: String,
}

pub fn source_meta(file_name: &str, bytes: &[u8], read: &ReadDocument) -> SourceMeta {
    SourceMeta {
        file_name: file_name.to_string(),
        format: read.format.as_str().to_string(),
        sha256: format!("{:x}", Sha256::digest(bytes)),
        size_bytes: bytes.len() as i64,
    }
}

/// Reads and stores one document given as bytes.
pub async fn store_bytes(
    store: &Store,
    file_name: &str,
    bytes: &[u8],
    actor: &str,
    options: ImportOptions,
) -> anyhow::Result<ImportOutcome> {
    let read = goldthread_import::read_document(file_name, bytes)?;
    let meta = source_meta(file_name, bytes, &read);
    Ok(store
        .import_document(&meta, &read.document, actor, options)
        .await?)
}

pub async fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let has_database = args.database.database_url.is_some()
        || args.database.data_dir.join("goldthread.sqlite").exists();
    let store = if !args.dry_run || has_database {
        Some(args.database.open().await?)
    } else {
        None
    };
    let options = ImportOptions {
        replace: args.replace,
    };
    let progress = progress_bar(&args.files);
    let mut reports = Vec::new();
    let mut failed = false;
    for path in &args.files {
        let shown = path.display().to_string();
        progress.set_message(shown.clone());
        let result = import_one(store.as_ref(), path, &args.actor, args.dry_run, options).await;
        progress.inc(1);
        match result {
            Ok((read, outcome, diffs)) => {
                let status = outcome.as_ref().map(|o| o.status);
                if matches!(
                    status,
                    Some(ImportStatus::Refused | ImportStatus::NeedsConfirmation)
                ) {
                    failed = true;
                }
                if !args.json {
                    progress.suspend(|| {
                        println!(
                            "{}",
                            import_report::summary_line(&shown, &read, outcome.as_ref())
                        );
                        if let Some(diffs) = &diffs {
                            for line in import_report::diff_lines(diffs, outcome.as_ref()) {
                                println!("{line}");
                            }
                        }
                    });
                }
                if status == Some(ImportStatus::NeedsConfirmation) {
                    progress.suspend(|| {
                        eprintln!(
                            "error: {shown}: nothing stored: it would change stored plans \
                             (differences above); re-run with --replace to replace them"
                        )
                    });
                }
                reports.push(import_report::document_json(
                    &shown,
                    &read,
                    outcome.as_ref(),
                    diffs.as_deref(),
                ));
            }
            Err(e) => {
                failed = true;
                progress.suspend(|| eprintln!("error: {e:#}"));
                reports.push(serde_json::json!({ "file": shown, "error": format!("{e:#}") }));
            }
        }
    }
    progress.finish_and_clear();
    if args.json {
        println!("{}", serde_json::json!({ "documents": reports }));
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// What was read, what the store made of it (none in a dry run), and the
/// per-plan difference (none when no database was consulted).
type ImportedOne = (ReadDocument, Option<ImportOutcome>, Option<Vec<PlanDiff>>);

async fn import_one(
    store: Option<&Store>,
    path: &PathBuf,
    actor: &str,
    dry_run: bool,
    options: ImportOptions,
) -> anyhow::Result<ImportedOne> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    let read = goldthread_import::read_document(&name, &bytes)?;
    match store {
        Some(store) if dry_run => {
            let diffs = store
                .diff_document(&read.document)
                .await
                .with_context(|| format!("{name}: cannot compare with the stored plans"))?;
            Ok((read, None, Some(diffs)))
        }
        Some(store) => {
            let meta = source_meta(&name, &bytes, &read);
            let outcome = store
                .import_document(&meta, &read.document, actor, options)
                .await
                .with_context(|| format!("{name}: not stored"))?;
            let diffs = (outcome.status != ImportStatus::Refused).then(|| outcome.plans.clone());
            Ok((read, Some(outcome), diffs))
        }
        None => Ok((read, None, None)),
    }
}

/// A bar on a terminal when there is enough work to watch; nothing otherwise.
fn progress_bar(files: &[PathBuf]) -> indicatif::ProgressBar {
    let total_bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let worth_showing = files.len() > 3 || total_bytes > 5_000_000;
    if !(std::io::stderr().is_terminal() && worth_showing) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(files.len() as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
        bar.set_style(style);
    }
    bar
}
