//! The pack's data as a workbook: one sheet per table, headings frozen
//! and filterable, figures as numbers with a number format.

use super::{RenderError, action_rows, indicator_rows};
use crate::pack::{CountRow, PriorityRow, ReportPack};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

fn headings(sheet: &mut Worksheet, names: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (col, name) in names.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn counts(
    workbook: &mut Workbook,
    name: &str,
    pack: &ReportPack,
    rows: &[CountRow],
    bold: &Format,
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet().set_name(name)?;
    headings(
        sheet,
        &[
            "Status",
            &pack.period,
            &pack.headline.previous_period,
            "Change",
        ],
        bold,
    )?;
    for (r, c) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, c.label)?;
        sheet.write_number(r, 1, c.now as f64)?;
        sheet.write_number(r, 2, c.previous as f64)?;
        sheet.write_number(r, 3, c.now as f64 - c.previous as f64)?;
    }
    sheet.set_column_width(0, 24)?;
    sheet.autofilter(0, 0, rows.len() as u32, 3)?;
    Ok(())
}

pub fn render(pack: &ReportPack) -> Result<Vec<u8>, RenderError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let figure = Format::new().set_num_format("#,##0.##");
    let wrap = Format::new().set_text_wrap();

    let about = workbook.add_worksheet().set_name("About")?;
    let lines: Vec<(&str, String)> = vec![
        ("Council", pack.council.clone()),
        ("Report", pack.title.clone()),
        ("Period", format!("{} ({})", pack.period, pack.period_words)),
        ("Position as at", pack.status_date.clone()),
        ("Figures known on", pack.known_at.clone()),
        ("Scope", pack.scope.clone()),
    ];
    for (r, (label, value)) in lines.iter().enumerate() {
        about.write_string_with_format(r as u32, 0, *label, &bold)?;
        about.write_string(r as u32, 1, value)?;
    }
    about.set_column_width(0, 18)?;
    about.set_column_width(1, 80)?;

    counts(
        &mut workbook,
        "Actions summary",
        pack,
        &pack.headline.actions,
        &bold,
    )?;
    counts(
        &mut workbook,
        "Indicators summary",
        pack,
        &pack.headline.indicators,
        &bold,
    )?;

    let sheet = workbook.add_worksheet().set_name("Priorities")?;
    let names = PriorityRow::HEADINGS;
    headings(sheet, &names, &bold)?;
    for (r, p) in pack.priorities.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &p.title)?;
        sheet.write_string(r, 1, &p.plan)?;
        for (c, n) in p.figures().into_iter().enumerate() {
            sheet.write_number(r, c as u16 + 2, n as f64)?;
        }
    }
    sheet.autofilter(0, 0, pack.priorities.len() as u32, names.len() as u16 - 1)?;

    let names = [
        "Plan",
        "Thread",
        "Code",
        "Action",
        "Lead officer",
        "Due",
        "Revised due",
        "Status",
        "RAG",
        "Latest update",
        "Flags",
        "Commentary",
    ];
    let sheet = workbook.add_worksheet().set_name("Actions")?;
    headings(sheet, &names, &bold)?;
    let mut rows = 0;
    for (r, (thread, a)) in action_rows(pack).enumerate() {
        let r = r as u32 + 1;
        rows = r;
        for (c, text) in [
            a.plan.as_str(),
            thread,
            &a.code,
            &a.title,
            &a.lead,
            &a.due,
            a.revised_due.as_deref().unwrap_or(""),
            a.status_label,
            a.rag_label,
            a.update_date.as_deref().unwrap_or(""),
            &a.flags.join("; "),
        ]
        .into_iter()
        .enumerate()
        {
            sheet.write_string(r, c as u16, text)?;
        }
        sheet.write_string_with_format(r, 11, &a.commentary, &wrap)?;
    }
    sheet.set_column_width(3, 50)?;
    sheet.set_column_width(11, 80)?;
    sheet.autofilter(0, 0, rows, names.len() as u16 - 1)?;

    let names = [
        "Plan",
        "Thread",
        "Code",
        "Indicator",
        "Period",
        "Value",
        "Target",
        "Status",
        "Direction (previous period)",
        "Direction (a year before)",
        "Commentary",
    ];
    let sheet = workbook.add_worksheet().set_name("Indicators")?;
    headings(sheet, &names, &bold)?;
    let mut rows = 0;
    for (r, (thread, i)) in indicator_rows(pack).enumerate() {
        let r = r as u32 + 1;
        rows = r;
        sheet.write_string(r, 0, &i.plan)?;
        sheet.write_string(r, 1, thread)?;
        sheet.write_string(r, 2, &i.code)?;
        sheet.write_string(r, 3, &i.title)?;
        sheet.write_string(r, 4, i.period.as_deref().unwrap_or(""))?;
        if let Some(v) = i.value {
            sheet.write_number_with_format(r, 5, v, &figure)?;
        }
        if let Some(v) = i.target {
            sheet.write_number_with_format(r, 6, v, &figure)?;
        }
        sheet.write_string(r, 7, i.rag_label)?;
        sheet.write_string(r, 8, i.trend_previous)?;
        sheet.write_string(r, 9, i.trend_year)?;
        sheet.write_string_with_format(r, 10, &i.note, &wrap)?;
    }
    sheet.set_column_width(3, 50)?;
    sheet.set_column_width(10, 60)?;
    sheet.autofilter(0, 0, rows, names.len() as u16 - 1)?;

    Ok(workbook.save_to_buffer()?)
}
