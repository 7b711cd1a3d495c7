//! `goldthread import`: read documents, report what they hold, store them.

use crate::DatabaseArgs;
use crate::import_report;
use anyhow::Context;
use clap::Args;
use goldthread_domain::PlanDiff;
use goldthread_import::{Limits, Mapping, ReadDocument, ReadOptions};
use goldthread_storage::Actor;
use goldthread_storage::{ImportOptions, ImportOutcome, ImportStatus, SourceMeta, Store};
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
    /// Say what the columns of data tables mean: a mapping file (JSON, see
    /// the README), as `--print-mapping` writes it.
    #[arg(long, value_name = "FILE")]
    mapping: Option<PathBuf>,
    /// Write the mapping used for every data table to FILE, ready to edit
    /// and give back with `--mapping`.
    #[arg(long, value_name = "FILE")]
    print_mapping: Option<PathBuf>,
    /// Our own council in tables of several (comparison and open data).
    #[arg(long, value_name = "NAME")]
    area: Option<String>,
    /// Refuse files larger than this (default 200).
    #[arg(long, value_name = "MB")]
    max_file_mb: Option<usize>,
    /// Refuse Word and Excel files with a part that unpacks to more than
    /// this (default 64).
    #[arg(long, value_name = "MB")]
    max_part_mb: Option<usize>,
    /// Refuse documents of more rows and lines than this (default 2,000,000).
    #[arg(long, value_name = "N")]
    max_rows: Option<usize>,
    /// Stop reading a document after this long (default 120).
    #[arg(long, value_name = "SECONDS")]
    max_seconds: Option<u64>,
}

/// The reading options the flags give: the mapping file read and checked.
fn read_options(args: &ImportArgs) -> anyhow::Result<ReadOptions> {
    let mapping = match &args.mapping {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the mapping file {}", path.display()))?;
            Some(Mapping::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?)
        }
    };
    let defaults = Limits::default();
    let limits = Limits {
        file_bytes: args
            .max_file_mb
            .map_or(defaults.file_bytes, |mb| mb.saturating_mul(1 << 20)),
        part_bytes: args.max_part_mb.map_or(defaults.part_bytes, |mb| {
            (mb as u64).saturating_mul(1 << 20)
        }),
        rows: args.max_rows.unwrap_or(defaults.rows),
        time: args
            .max_seconds
            .map_or(defaults.time, std::time::Duration::from_secs),
        ..defaults
    };
    Ok(ReadOptions {
        mapping,
        area: args.area.clone(),
        limits,
    })
}

/// The `--json` report, `{"documents": [...]}`, written a document at a
/// time as each is read: a large plan goes straight to the output, never
/// held as a JSON tree.
struct JsonReports {
    out: Option<std::io::BufWriter<std::io::Stdout>>,
    written: usize,
}

impl JsonReports {
    fn new(json: bool) -> Self {
        JsonReports {
            out: json.then(|| std::io::BufWriter::with_capacity(1 << 16, std::io::stdout())),
            written: 0,
        }
    }

    fn push(&mut self, report: &impl serde::Serialize) -> anyhow::Result<()> {
        use std::io::Write;
        let Some(out) = &mut self.out else {
            return Ok(());
        };
        out.write_all(if self.written == 0 {
            b"{\"documents\":["
        } else {
            b","
        })?;
        serde_json::to_writer(&mut *out, report)?;
        self.written += 1;
        Ok(())
    }

    fn finish(&mut self) -> anyhow::Result<()> {
        use std::io::Write;
        let Some(out) = &mut self.out else {
            return Ok(());
        };
        out.write_all(if self.written == 0 {
            b"{\"documents\":["
        } else {
            b""
        })?;
        out.write_all(b"]}\n")?;
        out.flush()?;
        Ok(())
    }
}

/// The one line that says a document gave nothing, and what to do.
fn nothing_message(name: &str, read: &ReadDocument) -> String {
    let why = read
        .document
        .findings
        .iter()
        .find(|f| f.severity == goldthread_domain::Severity::Error)
        .map_or(String::new(), |f| format!(" ({})", f.message));
    // With no table at all, a mapping has nothing to name: say what a
    // table needs to be found.
    let mapping = if read.tables.is_empty() {
        "; no table was found in it to map: in a text file a table's columns are separated by tabs, \
         and a spreadsheet saved as .xlsx or .csv keeps them; then `--print-mapping FILE` and \
         `--mapping FILE` say what its columns mean"
    } else {
        ", and `--print-mapping FILE`, then `--mapping FILE`, to say what its columns mean"
    };
    format!(
        "{name}: nothing was recognised in this document{why}; nothing was stored. \
         Run `goldthread import --dry-run --json {name}` to see what was read{mapping}"
    )
}

/// Nothing read at all: storing it would make an empty plan.
fn nothing_recognised(read: &ReadDocument) -> bool {
    let c = read.document.counts();
    c.actions == 0
        && c.indicators == 0
        && c.priorities + c.outcomes + c.objectives == 0
        && c.risks == 0
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
    let meta = SourceMeta::of(file_name, bytes, read.format.as_str());
    Ok(store
        .import_document(&meta, &read.document, &Actor::process(actor), options)
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
    let store_options = ImportOptions {
        replace: args.replace,
    };
    let mut options = read_options(&args)?;
    // The file's mapping, as given: remembered after a successful store.
    let file_mapping = options.mapping.clone();
    // Layouts remembered in the database are read as remembered; the file
    // wins where both know a layout.
    if let Some(store) = &store {
        let remembered = goldthread_web::mappings::remembered(store)
            .await
            .context("cannot read the remembered table mappings")?;
        options.mapping = goldthread_web::mappings::combine(file_mapping.as_ref(), &remembered);
    }
    let progress = progress_bar(&args.files);
    let mut reports = JsonReports::new(args.json);
    let mut failed = false;
    let mut stored_any = false;
    // What --print-mapping writes: the file's tables, then every table read
    // (remembered layouts included) with the roles used.
    let mut used_mapping = file_mapping.clone();
    for (n, path) in args.files.iter().enumerate() {
        let shown = path.display().to_string();
        progress.set_message(shown.clone());
        let result = import_one(
            store.as_ref(),
            path,
            &args.actor,
            args.dry_run,
            store_options,
            &options,
        )
        .await;
        if let (Ok((read, ..)), Some(_)) = (&result, &args.print_mapping) {
            used_mapping = Some(read.mapping(used_mapping.as_ref()));
        }
        progress.inc(1);
        match &result {
            Ok((read, ..)) if nothing_recognised(read) => {
                failed = true;
                let message = nothing_message(&shown, read);
                progress.suspend(|| eprintln!("error: {message}"));
                reports.push(
                    &import_report::document_report(&shown, read, None, None).with_error(message),
                )?;
            }
            Ok((read, outcome, diffs)) => {
                let status = outcome.as_ref().map(|o| o.status);
                if matches!(
                    status,
                    Some(ImportStatus::Refused | ImportStatus::NeedsConfirmation)
                ) {
                    failed = true;
                } else if status.is_some() {
                    stored_any = true;
                }
                if !args.json {
                    progress.suspend(|| {
                        println!(
                            "{}",
                            import_report::summary_line(&shown, read, outcome.as_ref())
                        );
                        if let Some(diffs) = diffs {
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
                reports.push(&import_report::document_report(
                    &shown,
                    read,
                    outcome.as_ref(),
                    diffs.as_deref(),
                ))?;
            }
            Err(e) => {
                failed = true;
                progress.suspend(|| eprintln!("error: {e:#}"));
                reports.push(&serde_json::json!({ "file": shown, "error": format!("{e:#}") }))?;
            }
        }
        // The last document is left for the process's end to free: taking
        // a large plan apart string by string costs a few percent of its
        // import, and the memory goes back to the system at exit anyway.
        if n + 1 == args.files.len() {
            std::mem::forget(result);
        }
    }
    progress.finish_and_clear();
    reports.finish()?;
    if let (Some(store), Some(mapping), true) = (&store, &file_mapping, stored_any) {
        goldthread_web::mappings::remember(store, mapping, &Actor::process(&args.actor))
            .await
            .context("stored, but the mapping could not be remembered")?;
    }
    if let Some(path) = &args.print_mapping {
        let mapping = used_mapping.unwrap_or(Mapping {
            goldthread_mapping: 1,
            ..Mapping::default()
        });
        std::fs::write(path, mapping.to_json() + "\n")
            .with_context(|| format!("cannot write the mapping to {}", path.display()))?;
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
    store_options: ImportOptions,
    options: &ReadOptions,
) -> anyhow::Result<ImportedOne> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    // What is stored about the file, worked out before its bytes are
    // handed to the reader, which frees them once the plan is read.
    // (Its format is the reader's to say.)
    let meta = (store.is_some() && !dry_run).then(|| SourceMeta::of(&name, &bytes, ""));
    let read = goldthread_import::read_document_owned(&name, bytes, options)?;
    match (store, meta) {
        // Nothing to store: the caller reports it and exits non-zero.
        _ if nothing_recognised(&read) => Ok((read, None, None)),
        (Some(store), None) => {
            let diffs = store
                .diff_document(&read.document)
                .await
                .with_context(|| format!("{name}: cannot compare with the stored plans"))?;
            Ok((read, None, Some(diffs)))
        }
        (Some(store), Some(meta)) => {
            let meta = SourceMeta {
                format: read.format.as_str().to_string(),
                ..meta
            };
            let outcome = store
                .import_document(&meta, &read.document, &Actor::process(actor), store_options)
                .await
                .with_context(|| format!("{name}: not stored"))?;
            let diffs = (outcome.status != ImportStatus::Refused).then(|| outcome.plans.clone());
            Ok((read, Some(outcome), diffs))
        }
        (None, _) => Ok((read, None, None)),
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
