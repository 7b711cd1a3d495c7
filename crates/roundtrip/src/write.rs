//! The workbook an officer fills in. The columns to fill are unlocked and
//! shaded; everything else is locked (the sheets are protected without a
//! password: a guard against slips, not a lock), and the keys and stamps
//! that tie a row to its record are in hidden columns.

use crate::RoundtripError;
use crate::current::{PlanProgress, figure};
use crate::layout::{self, action_col, indicator_col};
use chrono::Datelike;
use goldthread_domain::ActionStatus;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, ExcelDateTime, Format, FormatBorder,
    ProtectionOptions, Workbook, Worksheet, XlsxError,
};

/// The filled cells' shade: the GOV.UK yellow, lightened.
const FILL_IN: u32 = 0xFFF2B3;

struct Formats {
    heading: Format,
    heading_fill_in: Format,
    text: Format,
    date: Format,
    fill_in: Format,
    fill_in_date: Format,
}

impl Formats {
    fn new() -> Formats {
        let heading = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(Color::RGB(0xE0E0E0))
            .set_border_bottom(FormatBorder::Medium);
        Formats {
            heading_fill_in: heading.clone().set_background_color(Color::RGB(0xFFDD00)),
            heading,
            text: Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
            date: Format::new()
                .set_num_format("d mmm yyyy")
                .set_align(rust_xlsxwriter::FormatAlign::Top),
            fill_in: Format::new()
                .set_unlocked()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top)
                .set_background_color(Color::RGB(FILL_IN))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xB1B4B6)),
            fill_in_date: Format::new()
                .set_unlocked()
                .set_num_format("d mmm yyyy")
                .set_align(rust_xlsxwriter::FormatAlign::Top)
                .set_background_color(Color::RGB(FILL_IN))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xB1B4B6)),
        }
    }
}

/// The progress workbook of `plan`, stamped with who exported it and when.
pub fn export(
    plan: &PlanProgress,
    exported_by: &str,
    exported_at: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<u8>, RoundtripError> {
    let mut workbook = Workbook::new();
    let formats = Formats::new();
    actions_sheet(workbook.add_worksheet(), plan, &formats)?;
    indicators_sheet(workbook.add_worksheet(), plan, &formats)?;
    about_sheet(workbook.add_worksheet(), plan, &formats)?;
    let meta = workbook.add_worksheet().set_name(layout::META)?;
    meta.write_string(0, 0, layout::MARKER)?;
    meta.write_string(0, 1, "Goldthread reads this sheet back: do not change it.")?;
    let stamp = exported_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let rows: [(&str, String); 5] = [
        (layout::META_FORMAT, layout::FORMAT.to_string()),
        (layout::META_PLAN_ID, plan.plan_id.to_string()),
        (layout::META_PLAN, plan.title.clone()),
        (layout::META_EXPORTED_AT, stamp),
        (layout::META_EXPORTED_BY, exported_by.to_string()),
    ];
    for (r, (label, value)) in rows.iter().enumerate() {
        meta.write_string(r as u32 + 1, 0, *label)?;
        meta.write_string(r as u32 + 1, 1, value)?;
    }
    meta.set_hidden(true);
    meta.protect();
    // A fixed creation time: the same plan exported at the same moment is
    // the same bytes.
    let created = ExcelDateTime::from_timestamp(exported_at.timestamp())?;
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!("Progress: {}", plan.title))
            .set_creation_datetime(&created),
    );
    Ok(workbook.save_to_buffer()?)
}

fn headings(
    sheet: &mut Worksheet,
    names: &[&str],
    fill_in_from: u16,
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (col, name) in names.iter().enumerate() {
        let col = col as u16;
        let format = if col >= fill_in_from {
            &formats.heading_fill_in
        } else {
            &formats.heading
        };
        sheet.write_string_with_format(0, col, *name, format)?;
    }
    sheet.set_row_height(0, 30)?;
    // Headings and the record's name stay in view while scrolling.
    sheet.set_freeze_panes(1, 4)?;
    Ok(())
}

fn protect(sheet: &mut Worksheet) {
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        use_autofilter: true,
        ..ProtectionOptions::default()
    };
    sheet.protect_with_options(&options);
}

fn actions_sheet(
    sheet: &mut Worksheet,
    plan: &PlanProgress,
    f: &Formats,
) -> Result<(), RoundtripError> {
    sheet.set_name(layout::ACTIONS)?;
    headings(sheet, &layout::ACTION_HEADINGS, action_col::NEW_STATUS, f)?;
    for (col, width) in [9, 8, 10, 50, 24, 16, 16, 14, 50, 14, 16, 50, 14]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(col as u16, width)?;
    }
    sheet.set_column_hidden(action_col::KEY)?;
    sheet.set_column_hidden(action_col::STAMP)?;
    for (i, action) in plan.actions.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number_with_format(row, action_col::KEY, action.id as f64, &f.text)?;
        let stamp = plan.action_version(action.id) as f64;
        sheet.write_number_with_format(row, action_col::STAMP, stamp, &f.text)?;
        let texts = [
            action.code.clone().unwrap_or_default(),
            action.title.clone(),
            action.officers.join("; "),
            action.due.clone().unwrap_or_default(),
            action.revised_due.clone().unwrap_or_default(),
            action
                .latest
                .as_ref()
                .map(|u| u.status.label().to_string())
                .unwrap_or_default(),
            action
                .latest
                .as_ref()
                .map(|u| u.commentary.clone())
                .unwrap_or_default(),
        ];
        for (c, text) in texts.iter().enumerate() {
            sheet.write_string_with_format(row, action_col::CODE + c as u16, text, &f.text)?;
        }
        match &action.latest {
            Some(u) => {
                let day = ExcelDateTime::from_ymd(
                    u16::try_from(u.as_at.year()).unwrap_or(1900),
                    u.as_at.month() as u8,
                    u.as_at.day() as u8,
                )?;
                sheet.write_datetime_with_format(row, 9, &day, &f.date)?
            }
            None => sheet.write_blank(row, 9, &f.text)?,
        };
        for col in action_col::NEW_STATUS..=action_col::COMMENTARY {
            sheet.write_blank(row, col, &f.fill_in)?;
        }
        sheet.write_blank(row, action_col::AS_AT, &f.fill_in_date)?;
    }
    let last = plan.actions.len().max(1) as u32;
    let labels: Vec<&str> = ActionStatus::ALL.iter().map(|s| s.label()).collect();
    let status = DataValidation::new()
        .allow_list_strings(&labels)?
        .set_input_title("New status")?
        .set_input_message(
            "Choose the status as at the date in 'As at'. Leave the row blank to change nothing.",
        )?
        .set_error_title("Not a status")?
        .set_error_message(format!("Choose one of: {}.", labels.join(", ")))?;
    sheet.add_data_validation(
        1,
        action_col::NEW_STATUS,
        last,
        action_col::NEW_STATUS,
        &status,
    )?;
    let earliest = ExcelDateTime::from_ymd(1990, 1, 1)?;
    let as_at = DataValidation::new()
        .allow_date(DataValidationRule::GreaterThanOrEqualTo(earliest))
        .set_input_title("As at")?
        .set_input_message("The date the status and commentary are true on, like 30/09/2024. Blank: the day it is imported.")?;
    sheet.add_data_validation(1, action_col::AS_AT, last, action_col::AS_AT, &as_at)?;
    sheet.autofilter(0, 0, last, action_col::AS_AT)?;
    protect(sheet);
    sheet.set_active(true);
    Ok(())
}

fn indicators_sheet(
    sheet: &mut Worksheet,
    plan: &PlanProgress,
    f: &Formats,
) -> Result<(), RoundtripError> {
    sheet.set_name(layout::INDICATORS)?;
    headings(
        sheet,
        &layout::INDICATOR_HEADINGS,
        indicator_col::NEW_VALUE,
        f,
    )?;
    for (col, width) in [9, 8, 12, 50, 12, 14, 12, 14, 14, 40]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(col as u16, width)?;
    }
    sheet.set_column_hidden(indicator_col::KEY)?;
    sheet.set_column_hidden(indicator_col::STAMP)?;
    let mut row = 0u32;
    for indicator in &plan.indicators {
        for &period in &indicator.open {
            row += 1;
            sheet.write_number_with_format(
                row,
                indicator_col::KEY,
                indicator.id as f64,
                &f.text,
            )?;
            let stamp = plan.value_version(indicator.id, period) as f64;
            sheet.write_number_with_format(row, indicator_col::STAMP, stamp, &f.text)?;
            let texts = [
                indicator.code.clone().unwrap_or_default(),
                indicator.title.clone(),
                indicator.unit.as_str().replace('_', " "),
                period.to_string(),
            ];
            for (c, text) in texts.iter().enumerate() {
                sheet.write_string_with_format(
                    row,
                    indicator_col::CODE + c as u16,
                    text,
                    &f.text,
                )?;
            }
            let target = indicator
                .targets
                .iter()
                .find(|(p, _)| *p == period)
                .and_then(|(_, t)| *t);
            for (col, figure_now) in [(6, target), (7, plan.value_now(indicator.id, period))] {
                match figure_now {
                    Some(v) => sheet.write_string_with_format(row, col, figure(v), &f.text)?,
                    None => sheet.write_blank(row, col, &f.text)?,
                };
            }
            sheet.write_blank(row, indicator_col::NEW_VALUE, &f.fill_in)?;
            sheet.write_blank(row, indicator_col::NOTE, &f.fill_in)?;
        }
    }
    sheet.autofilter(0, 0, row.max(1), indicator_col::NOTE)?;
    protect(sheet);
    Ok(())
}

fn about_sheet(
    sheet: &mut Worksheet,
    plan: &PlanProgress,
    f: &Formats,
) -> Result<(), RoundtripError> {
    sheet.set_name(layout::ABOUT)?;
    sheet.set_column_width(0, 110)?;
    let statuses: Vec<&str> = ActionStatus::ALL.iter().map(|s| s.label()).collect();
    let lines = [
        format!("Progress workbook for {}", plan.title),
        String::new(),
        "Fill in only the shaded yellow columns; leave a row blank to change nothing.".to_string(),
        format!(
            "Actions: choose the New status ({}), write the Commentary, and give the As at date (blank: the day it is imported).",
            statuses.join(", ")
        ),
        "Indicators: enter the New value for the period in that row (a number, like 72.5), and a Note if it needs one.".to_string(),
        "Then import the workbook on the plan's page in Goldthread (or with `goldthread progress import`). You will see every change before anything is stored,".to_string(),
        "and any action or value someone else changed after this workbook was made is shown as a conflict and left alone unless you choose to overwrite it.".to_string(),
        "Do not add, remove or move columns, and do not change the sheet named Goldthread: they tie each row to its record.".to_string(),
    ];
    for (r, line) in lines.iter().enumerate() {
        let format = if r == 0 { &f.heading } else { &f.text };
        sheet.write_string_with_format(r as u32, 0, line, format)?;
    }
    Ok(())
}
