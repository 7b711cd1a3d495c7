//! The pack as Typst markup, typeset to PDF by `goldthread-pdf`: the same
//! sections and tables as the other formats, the pages' SVG charts as
//! images, status words beside every colour. Every piece of council text
//! passes through `content` (or `string`), so nothing in it is markup.

use crate::pack::{ActionRow, CountRow, IndicatorRow, KeyEntry, PriorityRow, ReportPack};
use std::fmt::Write;

/// Council text as Typst content.
pub(super) fn content(text: &str) -> String {
    goldthread_pdf::escape(text)
}

/// Council text as a Typst string literal.
pub(super) fn string(text: &str) -> String {
    goldthread_pdf::string_literal(text)
}

fn fill(rag: &str) -> Option<(&'static str, &'static str)> {
    match rag {
        "red" => Some(("#d4351c", "white")),
        "amber" => Some(("#ffdd00", "black")),
        "green" => Some(("#00703c", "white")),
        "blue" => Some(("#1d70b8", "white")),
        _ => None,
    }
}

pub(super) fn cell(text: &str) -> String {
    format!("[{}]", content(text))
}

fn rag_cell(rag: &str, label: &str) -> String {
    match fill(rag) {
        Some((background, ink)) => format!(
            "table.cell(fill: rgb(\"{background}\"))[#text(fill: {ink}, weight: \"bold\")[{}]]",
            content(label)
        ),
        None => cell(label),
    }
}

fn number_cell(text: &str) -> String {
    format!("align(right)[{}]", content(text))
}

/// A table whose heading row repeats on every page it runs over.
pub(super) fn table(out: &mut String, columns: &str, names: &[&str], rows: Vec<Vec<String>>) {
    let _ = writeln!(out, "#table(\n  columns: {columns},");
    let heads: Vec<String> = names
        .iter()
        .map(|n| format!("[*{}*]", content(n)))
        .collect();
    let _ = writeln!(out, "  table.header({}),", heads.join(", "));
    for row in rows {
        let _ = writeln!(out, "  {},", row.join(", "));
    }
    out.push_str(")\n\n");
}

fn counts_table(out: &mut String, pack: &ReportPack, rows: &[CountRow]) {
    table(
        out,
        "(1fr, auto, auto, auto)",
        &[
            "Status",
            &pack.period,
            &pack.headline.previous_period,
            "Change",
        ],
        rows.iter()
            .map(|c| {
                vec![
                    rag_cell(c.rag, c.label),
                    number_cell(&c.now.to_string()),
                    number_cell(&c.previous.to_string()),
                    number_cell(&c.change),
                ]
            })
            .collect(),
    );
}

fn key_table(out: &mut String, term: &str, entries: &[KeyEntry]) {
    table(
        out,
        "(auto, 1fr)",
        &[term, "Meaning"],
        entries
            .iter()
            .map(|k| vec![cell(&k.term), cell(&k.meaning)])
            .collect(),
    );
}

fn actions_table(out: &mut String, rows: &[ActionRow]) {
    table(
        out,
        "(auto, 2fr, 1fr, auto, auto, auto, 3fr)",
        &[
            "Code",
            "Action",
            "Lead officer",
            "Due",
            "Revised due",
            "Status",
            "Commentary",
        ],
        rows.iter()
            .map(|a| {
                let mut title = content(&a.title);
                if !a.flags.is_empty() {
                    let _ = write!(title, " \\ *{}*", content(&a.flags.join("; ")));
                }
                let commentary = match &a.update_date {
                    Some(day) => format!("*{}:* {}", content(day), content(&a.commentary)),
                    None => content(&a.commentary),
                };
                vec![
                    cell(&a.code),
                    format!("[{title}]"),
                    cell(&a.lead),
                    cell(&a.due),
                    cell(a.revised_due.as_deref().unwrap_or("")),
                    rag_cell(a.rag, a.status_label),
                    format!("[{commentary}]"),
                ]
            })
            .collect(),
    );
}

fn indicators_table(out: &mut String, rows: &[IndicatorRow]) {
    table(
        out,
        "(auto, 2fr, auto, auto, auto, auto, 1fr, 1fr, 2fr)",
        &[
            "Code",
            "Indicator",
            "Period",
            "Value",
            "Target",
            "Status",
            "Direction (previous period)",
            "Direction (a year before)",
            "Commentary",
        ],
        rows.iter()
            .map(|i| {
                vec![
                    cell(&i.code),
                    cell(&i.title),
                    cell(i.period.as_deref().unwrap_or("")),
                    number_cell(&i.value_text),
                    number_cell(&i.target_text),
                    rag_cell(i.rag, i.rag_label),
                    cell(i.trend_previous),
                    cell(i.trend_year),
                    cell(&i.note),
                ]
            })
            .collect(),
    );
}

/// The page set-up of a council document: A4 landscape (wide tables fit),
/// page numbers, British English, table headings bold. No date: the same
/// document gives the same bytes.
pub(super) fn preamble(title: &str) -> String {
    format!(
        "#set document(title: {}, date: none)\n#set page(paper: \"a4\", flipped: true, margin: 1.5cm, numbering: \"1\")\n#set text(size: 9pt, lang: \"en\", region: \"gb\")\n#set table(inset: 4pt, stroke: 0.5pt + rgb(\"#b1b4b6\"))\n#show table.cell.where(y: 0): set text(weight: \"bold\")\n\n",
        string(title)
    )
}

/// The markup, and the chart files it reads (`chart-ID.svg`).
pub fn markup(pack: &ReportPack) -> (String, Vec<(String, Vec<u8>)>) {
    let mut out = preamble(&pack.title);
    let mut files = Vec::new();
    let _ = writeln!(
        out,
        "{}\n\n= {}\n",
        content(&pack.council),
        content(&pack.title)
    );
    let mut cover = Vec::new();
    if let Some(committee) = &pack.committee {
        cover.push(("Committee", committee.clone()));
    }
    cover.push(("Period", format!("{} ({})", pack.period, pack.period_words)));
    cover.push(("Position as at", pack.status_date.clone()));
    cover.push(("Figures known on", pack.known_at.clone()));
    cover.push(("Scope", pack.scope.clone()));
    if let Some(author) = &pack.author {
        cover.push(("Report author", author.clone()));
    }
    let _ = writeln!(out, "#table(columns: (auto, 1fr), stroke: none,");
    for (label, value) in &cover {
        let _ = writeln!(out, "  [*{}*], {},", content(label), cell(value));
    }
    out.push_str(")\n\n== Summary\n\n");
    for p in &pack.summary {
        let _ = writeln!(out, "{}\n", content(p));
    }
    let _ = writeln!(
        out,
        "== Recommendation\n\n{}\n\n=== How the figures are counted\n",
        content(&pack.recommendation)
    );
    for m in &pack.method {
        let _ = writeln!(out, "+ {}", content(m));
    }

    out.push_str("\n#pagebreak()\n== Performance summary\n\n");
    let _ = writeln!(
        out,
        "Actions by status: {} in all, {} that cannot be rated.\n",
        pack.headline.actions_total, pack.headline.actions_not_rated
    );
    counts_table(&mut out, pack, &pack.headline.actions);
    let _ = writeln!(
        out,
        "Performance indicators by status: {} in all, {} that cannot be rated.\n",
        pack.headline.indicators_total, pack.headline.indicators_not_rated
    );
    counts_table(&mut out, pack, &pack.headline.indicators);
    if !pack.priorities.is_empty() {
        out.push_str("=== By corporate priority\n\n");
        table(
            &mut out,
            "(2fr, 1fr, auto, auto, auto, auto, auto, auto, auto, auto, auto, auto, auto)",
            &PriorityRow::HEADINGS,
            pack.priorities
                .iter()
                .map(|p| {
                    let mut row = vec![cell(&p.title), cell(&p.plan)];
                    row.extend(p.figures().iter().map(|n| number_cell(&n.to_string())));
                    row
                })
                .collect(),
        );
    }
    out.push_str("=== Key to performance ratings\n\n");
    key_table(&mut out, "Action status", &pack.action_key);
    key_table(&mut out, "Indicator status", &pack.indicator_key);
    key_table(&mut out, "Direction of travel", &pack.direction_key);

    out.push_str("#pagebreak()\n== Appendix A: Exceptions\n\n");
    if pack.exception_actions.is_empty() {
        out.push_str("No action is off track, at risk, overdue or revised.\n\n");
    } else {
        out.push_str(
            "=== Actions off track, at risk, overdue or with a revised completion date\n\n",
        );
        actions_table(&mut out, &pack.exception_actions);
    }
    if pack.exception_indicators.is_empty() {
        out.push_str("Every indicator due met or came near its target.\n\n");
    } else {
        out.push_str("=== Indicators that missed their target, or whose value is missing\n\n");
        indicators_table(&mut out, &pack.exception_indicators);
    }
    if !pack.missing_updates.is_empty() {
        out.push_str("=== Open actions with no update this quarter\n\n");
        actions_table(&mut out, &pack.missing_updates);
    }

    out.push_str("#pagebreak()\n== Appendix B: Progress by plan\n\n");
    for plan in &pack.plans {
        let _ = writeln!(out, "=== {}\n", content(&plan.title));
        if let Some(owner) = &plan.owner {
            let _ = writeln!(out, "Service: {}\n", content(owner));
        }
        for s in &plan.sections {
            if s.actions.is_empty() && s.indicators.is_empty() && s.depth > 0 {
                continue;
            }
            let title = if s.label.is_empty() {
                s.title.clone()
            } else {
                format!("{}: {}", s.label, s.title)
            };
            let _ = writeln!(out, "==== {}\n", content(&title));
            if !s.actions.is_empty() {
                actions_table(&mut out, &s.actions);
            }
            if !s.indicators.is_empty() {
                indicators_table(&mut out, &s.indicators);
                let charts: Vec<&IndicatorRow> = s
                    .indicators
                    .iter()
                    .filter(|i| !i.chart.is_empty())
                    .collect();
                if !charts.is_empty() {
                    out.push_str("#grid(columns: (1fr, 1fr, 1fr), gutter: 8pt,\n");
                    for i in charts {
                        let name = format!("chart-{}.svg", i.id);
                        let _ = writeln!(
                            out,
                            "  figure(image({}, width: 100%), caption: [{}]),",
                            string(&name),
                            content(&format!("{} {}", i.code, i.title))
                        );
                        files.push((name, i.chart.clone().into_bytes()));
                    }
                    out.push_str(")\n\n");
                }
            }
        }
    }
    (out, files)
}
