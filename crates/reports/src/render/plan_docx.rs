//! The plan document as an editable Word file, laid out as councils lay
//! out their plans: A4 landscape (the action tables are wide), real
//! headings for every level of the thread, real tables whose heading row
//! repeats on every page. The building blocks are the pack's.

use super::RenderError;
use super::docx::{cell, heading, package, para, styles, table, text_run};
use crate::plan_document::{ActionEntry, IndicatorEntry, PrintedPlan, RiskEntry};
use docx_rs::{
    Docx, PageMargin, PageOrientationType, Paragraph, Table, TableCell, TableRow, WidthType,
};

/// A cell of several lines, each its own paragraph; `first` leads them.
fn lines_cell(first: &str, lines: &[String]) -> TableCell {
    let mut cell = TableCell::new();
    if !first.is_empty() || lines.is_empty() {
        cell = cell.add_paragraph(para(first));
    }
    for line in lines {
        cell = cell.add_paragraph(para(line));
    }
    cell
}

/// The action table's column widths in twentieths of a point, across the
/// landscape page's 26.7 cm: the long texts get the room.
const ACTION_COLUMNS: [usize; 6] = [1000, 3000, 2000, 1600, 3000, 4500];

fn actions_table(actions: &[ActionEntry]) -> Table {
    table(
        &ActionEntry::HEADINGS,
        actions
            .iter()
            .map(|a| {
                let mut action = TableCell::new()
                    .add_paragraph(Paragraph::new().add_run(text_run(&a.title).bold()));
                if let Some(description) = &a.description {
                    action = action.add_paragraph(para(description));
                }
                let mut measures = TableCell::new();
                for d in &a.measures {
                    measures = measures.add_paragraph(
                        Paragraph::new()
                            .add_run(text_run(&format!("{}: ", d.label)).bold())
                            .add_run(text_run(&d.text)),
                    );
                }
                if a.measures.is_empty() {
                    measures = measures.add_paragraph(Paragraph::new());
                }
                TableRow::new(vec![
                    cell(&a.code),
                    action,
                    cell(&a.lead),
                    lines_cell(&a.due, &a.revisions),
                    lines_cell("", &a.milestones),
                    measures,
                ])
            })
            .collect(),
    )
    .set_grid(ACTION_COLUMNS.to_vec())
}

fn indicators_table(plan: &PrintedPlan, indicators: &[IndicatorEntry]) -> Table {
    let headings = plan.indicator_headings();
    let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
    table(
        &headings,
        indicators
            .iter()
            .map(|i| {
                let mut cells = vec![
                    cell(&i.code),
                    cell(&i.title),
                    cell(&i.frequency),
                    cell(i.unit),
                    cell(i.polarity),
                    cell(&i.baseline),
                ];
                cells.extend(i.targets.iter().map(|t| cell(t)));
                cells.push(cell(&i.lead));
                TableRow::new(cells).cant_split()
            })
            .collect(),
    )
}

fn risks_table(risks: &[RiskEntry]) -> Table {
    table(
        &RiskEntry::HEADINGS,
        risks
            .iter()
            .map(|r| {
                TableRow::new(
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
                    .to_vec(),
                )
                .cant_split()
            })
            .collect(),
    )
}

pub fn render(plan: &PrintedPlan) -> Result<Vec<u8>, RenderError> {
    // A4 landscape with 1.5 cm margins, as the PDF.
    let mut doc = styles(Docx::new())
        .page_size(16838, 11906)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(PageMargin::new().top(850).bottom(850).left(850).right(850));
    doc = doc
        .add_paragraph(para(&plan.council))
        .add_paragraph(heading(1, &plan.title))
        .add_table(
            Table::new(
                plan.cover
                    .iter()
                    .map(|d| {
                        TableRow::new(vec![
                            TableCell::new()
                                .add_paragraph(Paragraph::new().add_run(text_run(d.label).bold())),
                            cell(&d.text),
                        ])
                    })
                    .collect(),
            )
            .width(5000, WidthType::Pct),
        );
    for n in &plan.narrative {
        doc = doc.add_paragraph(heading(2, &n.heading));
        if !n.body.is_empty() {
            doc = doc.add_paragraph(para(&n.body));
        }
    }
    if !plan.sections.is_empty() {
        doc = doc.add_paragraph(heading(2, plan.thread_heading).page_break_before(true));
    }
    for s in &plan.sections {
        doc = doc.add_paragraph(heading((s.depth + 3).min(6), &s.heading).keep_next(true));
        if let Some(strapline) = &s.strapline {
            doc = doc.add_paragraph(Paragraph::new().add_run(text_run(strapline).italic()));
        }
        if !s.actions.is_empty() {
            doc = doc.add_table(actions_table(&s.actions));
        }
        if !s.indicators.is_empty() {
            doc = doc
                .add_paragraph(para(""))
                .add_table(indicators_table(plan, &s.indicators));
        }
    }
    if !plan.risks.is_empty() {
        doc = doc
            .add_paragraph(heading(2, "Risks").page_break_before(true))
            .add_table(risks_table(&plan.risks));
    }
    package(doc)
}
