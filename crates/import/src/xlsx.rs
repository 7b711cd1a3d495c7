//! Excel workbooks: every sheet, every row, in order. Numbers and dates
//! are written as a person would read them in the cell.

use crate::ImportError;
use crate::blocks::{Block, Place};
use crate::limits::{Budget, Limits};
use calamine::{Data, Reader};
use std::borrow::Cow;
use std::rc::Rc;

pub fn blocks(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
) -> Result<Vec<Block<'static>>, ImportError> {
    let err = |message: String| ImportError::Spreadsheet {
        file: file_name.to_string(),
        message,
    };
    let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| err(e.to_string()))?;
    let mut out = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| err(format!("sheet \"{name}\": {e}")))?;
        budget.check(file_name, "reading the workbook")?;
        // A sheet's declared extent can promise more rows than any return.
        if range.height() > limits.rows {
            return Err(ImportError::Limit {
                file: file_name.to_string(),
                limit: "rows",
                found: format!("sheet \"{name}\" has {} rows", range.height()),
                max: format!("{} rows", limits.rows),
            });
        }
        let sheet: Rc<str> = Rc::from(name.as_str());
        let first_row = range.start().map_or(0, |(r, _)| r);
        let first_col = range.start().map_or(0, |(_, c)| c) as usize;
        for (i, row) in range.rows().enumerate() {
            let line = u32::try_from(first_row as usize + i + 1).unwrap_or(u32::MAX);
            let mut cells: Vec<Cow<'static, str>> = vec![Cow::Borrowed(""); first_col];
            cells.extend(row.iter().map(|d| Cow::Owned(text_of(d))));
            out.push(Block::row(
                cells,
                Place {
                    line,
                    sheet: Some(sheet.clone()),
                },
            ));
        }
        out.push(Block::Blank);
    }
    Ok(out)
}

fn text_of(data: &Data) -> String {
    match data {
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                Some(date) if dt.is_datetime() => date.format("%-d %B %Y").to_string(),
                _ => dt.to_string(),
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
        Data::Empty => String::new(),
    }
}
