//! The plan document as Typst markup, typeset to PDF by `goldthread-pdf`:
//! the same headings and tables as the Word file, on the pack's page
//! set-up (A4 landscape, heading rows repeated on every page). Every piece
//! of council text passes through `content`.

use super::typst::{cell, content, preamble, table};
use crate::plan_document::{ActionEntry, PrintedPlan, RiskEntry};
use std::fmt::Write;

/// Lines of council text as one cell, a line break between them.
fn lines(lines: &[&str]) -> String {
    let escaped: Vec<String> = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| content(l))
        .collect();
    format!("[{}]", escaped.join(" \\\n"))
}

fn actions_table(out: &mut String, actions: &[ActionEntry]) {
    table(
        out,
        "(auto, 2fr, 1.2fr, 1fr, 2fr, 3fr)",
        &ActionEntry::HEADINGS,
        actions
            .iter()
            .map(|a| {
                let mut action = format!("*{}*", content(&a.title));
                if let Some(description) = &a.description {
                    let _ = write!(action, " \\\n{}", content(description));
                }
                let due: Vec<&str> = std::iter::once(a.due.as_str())
                    .chain(a.revisions.iter().map(String::as_str))
                    .collect();
                let milestones: Vec<&str> = a.milestones.iter().map(String::as_str).collect();
                let measures: Vec<String> = a
                    .measures
                    .iter()
                    .map(|d| {
                        format!(
                            "*{}* {}",
                            content(&format!("{}:", d.label)),
                            content(&d.text)
                        )
                    })
                    .collect();
                vec![
                    cell(&a.code),
                    format!("[{action}]"),
                    cell(&a.lead),
                    lines(&due),
                    lines(&milestones),
                    format!("[{}]", measures.join(" \\\n")),
                ]
            })
            .collect(),
    );
}

pub fn markup(plan: &PrintedPlan) -> String {
    let mut out = preamble(&plan.title);
    let _ = writeln!(
        out,
        "{}\n\n= {}\n",
        content(&plan.council),
        content(&plan.title)
    );
    let _ = writeln!(out, "#table(columns: (auto, 1fr), stroke: none,");
    for d in &plan.cover {
        let _ = writeln!(out, "  [*{}*], {},", content(d.label), cell(&d.text));
    }
    out.push_str(")\n\n");
    for n in &plan.narrative {
        let _ = writeln!(out, "== {}\n\n{}\n", content(&n.heading), content(&n.body));
    }
    if !plan.sections.is_empty() {
        let _ = writeln!(out, "#pagebreak(weak: true)\n== {}\n", plan.thread_heading);
    }
    let indicator_headings = plan.indicator_headings();
    let indicator_headings: Vec<&str> = indicator_headings.iter().map(String::as_str).collect();
    // Code and title, then the narrow columns, a target column per year.
    let mut indicator_columns = vec!["auto", "2fr", "auto", "auto", "1fr", "1fr"];
    indicator_columns.extend(plan.target_years.iter().map(|_| "1fr"));
    indicator_columns.push("1fr");
    let indicator_columns = format!("({})", indicator_columns.join(", "));
    for s in &plan.sections {
        let _ = writeln!(
            out,
            "{} {}\n",
            "=".repeat((s.depth + 3).min(6)),
            content(&s.heading)
        );
        if let Some(strapline) = &s.strapline {
            let _ = writeln!(out, "_{}_\n", content(strapline));
        }
        if !s.actions.is_empty() {
            actions_table(&mut out, &s.actions);
        }
        if !s.indicators.is_empty() {
            table(
                &mut out,
                &indicator_columns,
                &indicator_headings,
                s.indicators
                    .iter()
                    .map(|i| {
                        let mut row = vec![
                            cell(&i.code),
                            cell(&i.title),
                            cell(&i.frequency),
                            cell(i.unit),
                            cell(i.polarity),
                            cell(&i.baseline),
                        ];
                        row.extend(i.targets.iter().map(|t| cell(t)));
                        row.push(cell(&i.lead));
                        row
                    })
                    .collect(),
            );
        }
    }
    if !plan.risks.is_empty() {
        out.push_str("#pagebreak(weak: true)\n== Risks\n\n");
        table(
            &mut out,
            "(auto, 3fr, 1fr, auto, auto, auto, 2fr, 1fr)",
            &RiskEntry::HEADINGS,
            plan.risks
                .iter()
                .map(|r| {
                    [
                        &r.code,
                        &r.title,
                        &r.owner,
                        &r.likelihood,
                        &r.impact,
                        &r.score,
                        &r.controls,
                        &r.actions,
                    ]
                    .map(|text| cell(text))
                    .to_vec()
                })
                .collect(),
        );
    }
    out
}
