//! The pack as an editable Word document, as committee clerks want it:
//! real headings (Word's navigation pane and contents work), real tables
//! with a heading row repeated on every page, status words beside every
//! colour. The building blocks (`para`, `heading`, `cell`, `table`,
//! `styles`, `package`) are shared with the plan document.

use super::RenderError;
use crate::pack::{ActionRow, CountRow, IndicatorRow, KeyEntry, PriorityRow, ReportPack};
use docx_rs::{
    AlignmentType, BreakType, Docx, HeightRule, PageMargin, Paragraph, Pic, Run, Shading, Style,
    StyleType, Table, TableCell, TableRow, WidthType,
};
use std::io::{Cursor, Read, Write};

/// English Metric Units per CSS pixel (1/96 in).
const EMU_PER_PX: u32 = 9525;

/// An indicator's chart as a picture paragraph, drawn from the same SVG as
/// the pages and the PDF; `n` numbers the pictures so the document's ids do
/// not depend on what else the process has written.
fn chart(indicator: &IndicatorRow, n: usize) -> Result<Option<Paragraph>, RenderError> {
    if indicator.chart.is_empty() {
        return Ok(None);
    }
    let png = goldthread_pdf::svg_to_png(&indicator.chart, 2.0)
        .map_err(|e| RenderError::Docx(format!("the chart of {}: {e}", indicator.title)))?;
    // Half the page's width, keeping the chart's proportions.
    let width = 320;
    let height = png.height * width / png.width.max(1);
    let pic = Pic::new_with_dimensions(png.bytes, png.width * 2, png.height * 2)
        .id(format!("rIdChart{n}"))
        .size(width * EMU_PER_PX, height * EMU_PER_PX);
    Ok(Some(
        Paragraph::new()
            .add_run(Run::new().add_image(pic))
            .add_run(text_run(&format!(
                " {} {}: values against targets",
                indicator.code, indicator.title
            ))),
    ))
}

/// Text as XML 1.0 allows it: control characters other than tab and line
/// breaks cannot be written in a Word document, so they are dropped.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n'))
        .collect()
}

pub(super) fn text_run(text: &str) -> Run {
    let mut run = Run::new();
    for (i, line) in clean(text).split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

pub(super) fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(text_run(text))
}

pub(super) fn heading(level: usize, text: &str) -> Paragraph {
    para(text).style(&format!("Heading{level}"))
}

/// Word's shading for a RAG colour, with the text colour that reads on it.
fn shade(rag: &str) -> Option<(&'static str, &'static str)> {
    match rag {
        "red" => Some(("D4351C", "FFFFFF")),
        "amber" => Some(("FFDD00", "0B0C0C")),
        "green" => Some(("00703C", "FFFFFF")),
        "blue" => Some(("1D70B8", "FFFFFF")),
        _ => None,
    }
}

pub(super) fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(para(text))
}

fn rag_cell(rag: &str, label: &str) -> TableCell {
    match shade(rag) {
        Some((fill, colour)) => TableCell::new()
            .shading(Shading::new().fill(fill))
            .add_paragraph(Paragraph::new().add_run(text_run(label).bold().color(colour))),
        None => cell(label),
    }
}

fn number_cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(para(text).align(AlignmentType::Right))
}

/// A table's heading row, marked so that `package` makes Word repeat it at
/// the top of every page the table runs onto.
fn header_row(names: &[&str]) -> TableRow {
    TableRow::new(
        names
            .iter()
            .map(|name| {
                TableCell::new()
                    .shading(Shading::new().fill("F3F2F1"))
                    .add_paragraph(Paragraph::new().add_run(text_run(name).bold()))
            })
            .collect(),
    )
    .cant_split()
    .height_rule(HeightRule::AtLeast)
    .row_height(HEADING_ROW_MARK)
}

pub(super) fn table(names: &[&str], rows: Vec<TableRow>) -> Table {
    let mut all = vec![header_row(names)];
    all.extend(rows);
    Table::new(all).width(5000, WidthType::Pct)
}

fn counts_table(pack: &ReportPack, rows: &[CountRow]) -> Table {
    table(
        &[
            "Status",
            &pack.period,
            &pack.headline.previous_period,
            "Change",
        ],
        rows.iter()
            .map(|c| {
                TableRow::new(vec![
                    rag_cell(c.rag, c.label),
                    number_cell(&c.now.to_string()),
                    number_cell(&c.previous.to_string()),
                    number_cell(&c.change),
                ])
            })
            .collect(),
    )
}

fn key_table(term: &str, entries: &[KeyEntry]) -> Table {
    table(
        &[term, "Meaning"],
        entries
            .iter()
            .map(|k| TableRow::new(vec![cell(&k.term), cell(&k.meaning)]))
            .collect(),
    )
}

fn actions_table(rows: &[ActionRow]) -> Table {
    table(
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
                let mut title = a.title.clone();
                if !a.flags.is_empty() {
                    title.push('\n');
                    title.push_str(&a.flags.join("; "));
                }
                let commentary = match &a.update_date {
                    Some(day) => format!("{day}: {}", a.commentary),
                    None => a.commentary.clone(),
                };
                TableRow::new(vec![
                    cell(&a.code),
                    cell(&title),
                    cell(&a.lead),
                    cell(&a.due),
                    cell(a.revised_due.as_deref().unwrap_or("")),
                    rag_cell(a.rag, a.status_label),
                    cell(&commentary),
                ])
                .cant_split()
            })
            .collect(),
    )
}

fn indicators_table(rows: &[IndicatorRow]) -> Table {
    table(
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
                TableRow::new(vec![
                    cell(&i.code),
                    cell(&i.title),
                    cell(i.period.as_deref().unwrap_or("")),
                    number_cell(&i.value_text),
                    number_cell(&i.target_text),
                    rag_cell(i.rag, i.rag_label),
                    cell(i.trend_previous),
                    cell(i.trend_year),
                    cell(&i.note),
                ])
                .cant_split()
            })
            .collect(),
    )
}

pub(super) fn styles(doc: Docx) -> Docx {
    let mut doc = doc;
    for (level, size) in [(1, 40), (2, 32), (3, 26), (4, 22), (5, 20), (6, 20)] {
        doc = doc.add_style(
            Style::new(format!("Heading{level}"), StyleType::Paragraph)
                .name(format!("Heading {level}"))
                .bold()
                .size(size)
                .outline_lvl(level - 1),
        );
    }
    doc
}

pub fn render(pack: &ReportPack) -> Result<Vec<u8>, RenderError> {
    // A4 with 2 cm margins; the core properties keep docx-rs's fixed
    // dates, so the same pack gives the same bytes.
    let mut doc = styles(Docx::new()).page_size(11906, 16838).page_margin(
        PageMargin::new()
            .top(1134)
            .bottom(1134)
            .left(1134)
            .right(1134),
    );
    doc = doc
        .add_paragraph(para(&pack.council))
        .add_paragraph(heading(1, &pack.title));
    let mut cover = vec![
        ("Period", format!("{} ({})", pack.period, pack.period_words)),
        ("Position as at", pack.status_date.clone()),
        ("Figures known on", pack.known_at.clone()),
        ("Scope", pack.scope.clone()),
    ];
    if let Some(committee) = &pack.committee {
        cover.insert(0, ("Committee", committee.clone()));
    }
    if let Some(author) = &pack.author {
        cover.push(("Report author", author.clone()));
    }
    doc = doc.add_table(
        Table::new(
            cover
                .iter()
                .map(|(label, value)| {
                    TableRow::new(vec![
                        TableCell::new()
                            .add_paragraph(Paragraph::new().add_run(text_run(label).bold())),
                        cell(value),
                    ])
                })
                .collect(),
        )
        .width(5000, WidthType::Pct),
    );
    doc = doc.add_paragraph(heading(2, "Summary"));
    for p in &pack.summary {
        doc = doc.add_paragraph(para(p));
    }
    doc = doc
        .add_paragraph(heading(2, "Recommendation"))
        .add_paragraph(para(&pack.recommendation))
        .add_paragraph(heading(3, "How the figures are counted"));
    for (n, m) in pack.method.iter().enumerate() {
        doc = doc.add_paragraph(para(&format!("{}. {m}", n + 1)));
    }

    doc = doc
        .add_paragraph(heading(2, "Performance summary").page_break_before(true))
        .add_paragraph(para(&format!(
            "Actions by status: {} in all, {} that cannot be rated.",
            pack.headline.actions_total, pack.headline.actions_not_rated
        )))
        .add_table(counts_table(pack, &pack.headline.actions))
        .add_paragraph(para(&format!(
            "Performance indicators by status: {} in all, {} that cannot be rated.",
            pack.headline.indicators_total, pack.headline.indicators_not_rated
        )))
        .add_table(counts_table(pack, &pack.headline.indicators));
    if !pack.priorities.is_empty() {
        doc = doc
            .add_paragraph(heading(3, "By corporate priority"))
            .add_table(table(
                &PriorityRow::HEADINGS,
                pack.priorities
                    .iter()
                    .map(|p| {
                        let mut cells = vec![cell(&p.title), cell(&p.plan)];
                        cells.extend(p.figures().iter().map(|n| number_cell(&n.to_string())));
                        TableRow::new(cells)
                    })
                    .collect(),
            ));
    }
    doc = doc
        .add_paragraph(heading(3, "Key to performance ratings"))
        .add_table(key_table("Action status", &pack.action_key))
        .add_paragraph(para(""))
        .add_table(key_table("Indicator status", &pack.indicator_key))
        .add_paragraph(para(""))
        .add_table(key_table("Direction of travel", &pack.direction_key));

    doc = doc.add_paragraph(heading(2, "Appendix A: Exceptions").page_break_before(true));
    if pack.exception_actions.is_empty() {
        doc = doc.add_paragraph(para("No action is off track, at risk, overdue or revised."));
    } else {
        doc = doc
            .add_paragraph(heading(
                3,
                "Actions off track, at risk, overdue or with a revised completion date",
            ))
            .add_table(actions_table(&pack.exception_actions));
    }
    if pack.exception_indicators.is_empty() {
        doc = doc.add_paragraph(para("Every indicator due met or came near its target."));
    } else {
        doc = doc
            .add_paragraph(heading(
                3,
                "Indicators that missed their target, or whose value is missing",
            ))
            .add_table(indicators_table(&pack.exception_indicators));
    }
    if !pack.missing_updates.is_empty() {
        doc = doc
            .add_paragraph(heading(3, "Open actions with no update this quarter"))
            .add_table(actions_table(&pack.missing_updates));
    }

    doc = doc.add_paragraph(heading(2, "Appendix B: Progress by plan").page_break_before(true));
    let mut charts = 0;
    for plan in &pack.plans {
        doc = doc.add_paragraph(heading(3, &plan.title));
        if let Some(owner) = &plan.owner {
            doc = doc.add_paragraph(para(&format!("Service: {owner}")));
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
            doc = doc.add_paragraph(heading(4, &title));
            if !s.actions.is_empty() {
                doc = doc.add_table(actions_table(&s.actions));
            }
            if !s.indicators.is_empty() {
                doc = doc
                    .add_paragraph(para(""))
                    .add_table(indicators_table(&s.indicators));
                for indicator in &s.indicators {
                    if let Some(picture) = chart(indicator, charts)? {
                        charts += 1;
                        doc = doc.add_paragraph(picture);
                    }
                }
            }
        }
    }
    package(doc)
}

/// A heading row's minimum height, in twentieths of a point: too small to
/// change how the row looks, and written by no other row, so `package` can
/// find the heading rows in the XML.
const HEADING_ROW_MARK: f32 = 1.0;

/// The document as a `.docx` file, its tables' heading rows marked to
/// repeat on every page (`w:tblHeader`, which docx-rs 0.4 cannot write:
/// the marked rows' XML is rewritten once packed).
pub(super) fn package(doc: Docx) -> Result<Vec<u8>, RenderError> {
    let failed = |e: &dyn std::fmt::Display| RenderError::Docx(e.to_string());
    let mut packed = Cursor::new(Vec::new());
    doc.build().pack(&mut packed).map_err(|e| failed(&e))?;
    let mut archive = zip::ZipArchive::new(packed).map_err(|e| failed(&e))?;
    let mark = format!(
        "<w:trHeight w:val=\"{HEADING_ROW_MARK}\" w:hRule=\"{}\" />",
        HeightRule::AtLeast
    );
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for n in 0..archive.len() {
        let mut part = archive.by_index(n).map_err(|e| failed(&e))?;
        let name = part.name().map_err(|e| failed(&e))?.into_owned();
        if name != "word/document.xml" {
            out.raw_copy_file(part).map_err(|e| failed(&e))?;
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).map_err(|e| failed(&e))?;
        drop(part);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        out.start_file(name, options).map_err(|e| failed(&e))?;
        out.write_all(xml.replace(&mark, "<w:tblHeader />").as_bytes())
            .map_err(|e| failed(&e))?;
    }
    Ok(out.finish().map_err(|e| failed(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_heading_row_repeats_on_every_page() {
        let doc = Docx::new().add_table(table(
            &["Code", "Action"],
            vec![TableRow::new(vec![cell("KA.1"), cell("Set up")])],
        ));
        let bytes = package(doc).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        archive
            .by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert_eq!(xml.matches("<w:tblHeader />").count(), 1, "{xml}");
        assert!(!xml.contains("w:trHeight"), "the mark is gone: {xml}");
        assert!(
            xml.find("<w:tblHeader />") < xml.find("KA.1"),
            "on the heading row, not the data row"
        );
    }
}
