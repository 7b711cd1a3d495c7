//! `goldthread progress export|import`: a plan's progress through Excel.
//! Import previews by default; `--apply` stores.

use crate::DatabaseArgs;
use anyhow::Context;
use clap::{Args, Subcommand};
use goldthread_domain::Role;
use goldthread_roundtrip::{PlanProgress, Who};
use goldthread_storage::Actor;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct ProgressArgs {
    #[command(subcommand)]
    command: ProgressCommand,
}

#[derive(Subcommand)]
enum ProgressCommand {
    /// Write a plan's progress workbook (.xlsx) for officers to fill in.
    Export {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The plan (see /api/v1/plans).
        #[arg(long)]
        plan: i64,
        /// The workbook to write.
        #[arg(long)]
        out: PathBuf,
        /// Who exports it, as the workbook records.
        #[arg(long, env = "GOLDTHREAD_ACTOR", default_value = "cli")]
        actor: String,
    },
    /// Preview what a filled progress workbook would change; store it with --apply.
    Import {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The filled workbook.
        file: PathBuf,
        /// Refuse a workbook that is not this plan's.
        #[arg(long)]
        plan: Option<i64>,
        /// Store the changes (all or none); without it nothing is stored.
        #[arg(long)]
        apply: bool,
        /// Store changes to records someone changed since the export too.
        #[arg(long)]
        overwrite_conflicts: bool,
        /// Print the preview (and what was stored) as JSON.
        #[arg(long)]
        json: bool,
        /// Who records the progress, for the history.
        #[arg(long, env = "GOLDTHREAD_ACTOR", default_value = "cli")]
        actor: String,
    },
}

pub async fn run(args: ProgressArgs) -> anyhow::Result<ExitCode> {
    let today = chrono::Utc::now().date_naive();
    match args.command {
        ProgressCommand::Export {
            database,
            plan,
            out,
            actor,
        } => {
            let store = database.open().await?;
            let progress = PlanProgress::load(&store, plan, today).await?;
            let bytes = goldthread_roundtrip::export(&progress, &actor, chrono::Utc::now())?;
            let partial = out.with_extension("partial");
            std::fs::write(&partial, &bytes)
                .with_context(|| format!("cannot write {}", partial.display()))?;
            std::fs::rename(&partial, &out)
                .with_context(|| format!("cannot write {}", out.display()))?;
            let values: usize = progress.indicators.iter().map(|i| i.open.len()).sum();
            eprintln!(
                "exported {} action(s) and {} indicator period(s) of plan {} to {}",
                progress.actions.len(),
                values,
                plan,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        ProgressCommand::Import {
            database,
            file,
            plan,
            apply,
            overwrite_conflicts,
            json,
            actor,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            let filled = goldthread_roundtrip::read(&name, &bytes)?;
            let store = database.open().await?;
            // The CLI is run by whoever runs the database: as the
            // performance team, its updates count at once.
            let who = Who {
                actor: Actor::process(&actor),
                role: Role::Admin,
                posts: Vec::new(),
            };
            let preview = goldthread_roundtrip::preview(&store, &filled, plan, &who, today).await?;
            let applied = if apply && preview.problems.is_empty() {
                Some(
                    goldthread_roundtrip::apply(&store, &preview, overwrite_conflicts, &who)
                        .await?,
                )
            } else {
                None
            };
            if json {
                let report = serde_json::json!({
                    "preview": preview,
                    "applied": applied,
                });
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print_preview(&preview);
                match applied {
                    Some(a) => println!(
                        "Stored {} change(s){}.",
                        a.stored,
                        if a.skipped > 0 {
                            format!(
                                "; {} conflict(s) left alone (--overwrite-conflicts stores them)",
                                a.skipped
                            )
                        } else {
                            String::new()
                        }
                    ),
                    None if preview.problems.is_empty() => {
                        println!(
                            "Nothing has been stored: run again with --apply to store these changes."
                        )
                    }
                    None => {}
                }
            }
            if !preview.problems.is_empty() {
                for problem in &preview.problems {
                    eprintln!("{problem}");
                }
                anyhow::bail!(
                    "nothing was stored: {} has {} problem(s) to correct",
                    name,
                    preview.problems.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_preview(preview: &goldthread_roundtrip::Preview) {
    println!(
        "Plan {}: {} (workbook exported {} by {})",
        preview.plan_id, preview.plan_title, preview.exported_at, preview.exported_by
    );
    if preview.changes.is_empty() {
        println!("No changes: no row has anything filled in.");
    }
    for c in &preview.changes {
        let name = match &c.code {
            Some(code) => format!("{code} {}", c.title),
            None => c.title.clone(),
        };
        let period = c
            .period
            .as_deref()
            .map(|p| format!(" {p}"))
            .unwrap_or_default();
        println!("{}!{} {}{}", c.sheet, c.row, name, period);
        println!("    now:      {}", c.now);
        println!("    becomes:  {}", c.becomes);
        if let Some(conflict) = &c.conflict {
            println!(
                "    CONFLICT: changed by {} at {} after the export; left alone unless --overwrite-conflicts",
                conflict.changed_by, conflict.changed_at
            );
        }
    }
}
