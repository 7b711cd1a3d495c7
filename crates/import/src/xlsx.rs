//! Excel workbooks: every sheet, every row, in order. Numbers and dates
//! are written as a person would read them in the cell.
//!
//! calamine reads the workbook, but its cells are taken one at a time and
//! laid out here: a sheet's extent is checked against the limits before
//! any row is built (calamine's own `worksheet_range` would first allocate
//! every cell between the first and the last, which a file of a few bytes
//! can make billions). Before calamine sees a part, every cell reference
//! in it is checked to lie inside Excel's grid, as calamine's reading of a
//! reference overflows on one far outside it.

use crate::ImportError;
use crate::blocks::{Block, Place};
use crate::limits::{Budget, Limits};
use calamine::{Data, DataRef, Reader, Xlsx};
use std::borrow::Cow;
use std::io::Read;
use std::sync::Arc;

/// Excel's grid: columns A to XFD, rows 1 to 1,048,576.
const MAX_COLUMN: u32 = 16_384;
const MAX_ROW: u32 = 1_048_576;

pub fn blocks(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
) -> Result<Vec<Block<'static>>, ImportError> {
    let mut out = Vec::new();
    each_sheet(file_name, bytes, limits, budget, |name, cells, extent| {
        let Some(((first_row, last_row), last_col)) = extent else {
            out.push(Block::Blank);
            return;
        };
        // Every row is as wide as the sheet's last column (its empty cells
        // from column A on keep each value under its heading).
        let width = last_col as usize + 1;
        let sheet = Arc::new(name.to_string());
        let mut cells = cells.into_iter().peekable();
        for row in first_row..=last_row {
            let mut texts: Vec<Cow<'static, str>> = Vec::new();
            while let Some(((_, col), text)) = cells.next_if(|&((r, _), _)| r == row) {
                if texts.is_empty() {
                    texts = vec![Cow::Borrowed(""); width];
                }
                texts[col as usize] = Cow::Owned(text);
            }
            let line = u32::try_from(row as usize + 1).unwrap_or(u32::MAX);
            // An empty row folds into a blank, with nothing allocated.
            out.push(Block::row(
                texts,
                Place {
                    line,
                    sheet: Some(sheet.clone()),
                },
            ));
        }
        out.push(Block::Blank);
    })?;
    Ok(out)
}

/// One sheet's cells that hold something, as text, in place order (row,
/// then column, from 0).
#[derive(Debug, Clone, PartialEq)]
pub struct SheetCells {
    pub name: String,
    pub cells: Vec<((u32, u32), String)>,
}

/// Every sheet's cells, read within `limits` as a plan document is (the
/// container, the references, the extent): for callers that read a
/// workbook by its cells rather than as a plan.
pub fn sheet_cells(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Vec<SheetCells>, ImportError> {
    if bytes.len() > limits.file_bytes {
        return Err(ImportError::TooLarge {
            file: file_name.to_string(),
            size: bytes.len(),
            limit: limits.file_bytes,
        });
    }
    crate::limits::check_container(file_name, bytes, limits)?;
    let budget = Budget::start(limits);
    let mut out = Vec::new();
    each_sheet(file_name, bytes, limits, &budget, |name, cells, _| {
        out.push(SheetCells {
            name: name.to_string(),
            cells,
        });
    })?;
    Ok(out)
}

/// Hands each sheet's cells (sorted by place) and extent to `sheet`, after
/// checking the sheet against the limits.
fn each_sheet(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
    mut sheet: impl FnMut(&str, Vec<((u32, u32), String)>, Option<((u32, u32), u32)>),
) -> Result<(), ImportError> {
    let err = |message: String| ImportError::Spreadsheet {
        file: file_name.to_string(),
        message,
    };
    check_references(file_name, bytes, limits, budget)?;
    // Only the Excel reader: calamine's other formats (OpenDocument, the
    // binary .xlsb) are not ones Goldthread reads.
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| err(e.to_string()))?;
    let mut sheet_cells = 0u64;
    for name in workbook.sheet_names() {
        let sheet_err = |e: calamine::XlsxError| err(format!("sheet \"{name}\": {e}"));
        let mut cells: Vec<((u32, u32), String)> = Vec::new();
        match workbook.worksheet_cells_reader(&name) {
            // A chart sheet or the like: nothing to read, as calamine's
            // `worksheet_range` has it.
            Err(calamine::XlsxError::NotAWorksheet(_)) => {}
            Err(e) => return Err(sheet_err(e)),
            Ok(mut reader) => {
                while let Some(cell) = reader.next_cell().map_err(sheet_err)? {
                    if matches!(cell.get_value(), DataRef::Empty) {
                        continue;
                    }
                    // Converted once: the cell's text is copied out of the
                    // reader here and moved from then on.
                    cells.push((
                        cell.get_position(),
                        text_of(Data::from(cell.get_value().clone())),
                    ));
                    if cells.len().is_multiple_of(65_536) {
                        budget.check(file_name, "reading the workbook")?;
                    }
                }
            }
        }
        budget.check(file_name, "reading the workbook")?;
        let span = extent(&cells);
        if let Some(((first_row, last_row), last_col)) = span {
            // A sheet's extent can promise more rows than any return.
            let height = (last_row - first_row) as usize + 1;
            if height > limits.rows {
                return Err(ImportError::Limit {
                    file: file_name.to_string(),
                    limit: "rows",
                    found: format!("sheet \"{name}\" has {height} rows"),
                    max: format!("{} rows", limits.rows),
                });
            }
            let width = last_col as usize + 1;
            let spans = height as u64 * width as u64;
            let before = sheet_cells;
            sheet_cells = sheet_cells.saturating_add(spans);
            if sheet_cells > limits.sheet_cells {
                let with = if before > 0 {
                    format!(", {sheet_cells} with the sheets before it")
                } else {
                    String::new()
                };
                return Err(ImportError::Limit {
                    file: file_name.to_string(),
                    limit: "sheet cells",
                    found: format!(
                        "sheet \"{name}\" spans {height} rows by {width} columns ({spans} cells{with})"
                    ),
                    max: format!("{} cells", limits.sheet_cells),
                });
            }
            // In place order; of two cells at one place the later wins, as
            // in calamine's own ranges.
            cells.sort_by_key(|&(place, _)| place);
        }
        sheet(&name, cells, span);
    }
    Ok(())
}

/// The rows a sheet's cells span, and its last column.
fn extent(cells: &[((u32, u32), String)]) -> Option<((u32, u32), u32)> {
    let rows = cells.iter().map(|&((r, _), _)| r);
    let first = rows.clone().min()?;
    let last = rows.max()?;
    let last_col = cells.iter().map(|&((_, c), _)| c).max()?;
    Some(((first, last), last_col))
}

fn text_of(data: Data) -> String {
    match data {
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s,
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match chrono::NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)) {
                Some(date) if dt.is_datetime() => date.format("%-d %B %Y").to_string(),
                _ => dt.to_string(),
            }
        }
        Data::Error(e) => format!("#{e:?}"),
        Data::Empty => String::new(),
    }
}

/// Refuses a workbook any part of which names a cell outside Excel's grid
/// in an `r` or `ref` attribute (a cell, a row, a sheet's dimension), or a
/// range that runs backwards. Every part calamine may open is looked at,
/// whatever its name: the workbook's relationships, not the name, say which
/// parts are sheets. Parts outside `xl/` that no relationship there names
/// (SharePoint's `customXml/` schemas, whose `ref` names an XML element,
/// `docProps/`) are never opened, so they are not judged.
fn check_references(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
) -> Result<(), ImportError> {
    // An unreadable zip is for calamine to report.
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(());
    };
    let mut part = Vec::new();
    let targets = relationship_targets(&mut archive, limits);
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        if entry.is_dir() {
            continue;
        }
        let name = entry
            .name()
            .map_or_else(|_| format!("#{i}"), |n| n.to_string());
        if !may_be_opened(&name, &targets) {
            continue;
        }
        part.clear();
        // What was read before an error is what calamine would parse
        // before it met the error, so it is checked all the same.
        let _ = entry.take(limits.part_bytes).read_to_end(&mut part);
        if let Some(bad) = bad_reference(&part) {
            return Err(ImportError::Spreadsheet {
                file: file_name.to_string(),
                message: format!(
                    "{name} names the cell or range \"{bad}\", outside a sheet's columns A to XFD and rows 1 to 1048576"
                ),
            });
        }
        budget.check(file_name, "reading the workbook")?;
    }
    Ok(())
}

/// The `Target`s of the relationships of every part under `xl/`: the
/// parts outside it a workbook can send calamine to.
fn relationship_targets(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    limits: &Limits,
) -> Vec<String> {
    let mut targets = Vec::new();
    let mut part = Vec::new();
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let is_rels = entry
            .name()
            .is_ok_and(|n| n.starts_with("xl/") && n.ends_with(".rels"));
        if !is_rels {
            continue;
        }
        part.clear();
        let _ = entry.take(limits.part_bytes).read_to_end(&mut part);
        first_in_elements::<()>(&part, |name, attributes| {
            if name != "Relationship" {
                return None;
            }
            let of = |wanted: &str| {
                attributes
                    .iter()
                    .find(|(key, _)| *key == wanted)
                    .map(|(_, value)| *value)
            };
            // A custom XML part is never opened: calamine refuses a sheet
            // whose relationship is of any other type than a sheet's.
            let custom = of("Type")
                .and_then(|t| t.rsplit('/').next())
                .is_some_and(|t| t == "customXml");
            if let Some(target) = of("Target")
                .map(|t| t.trim_start_matches(['/', '.']))
                .filter(|t| !custom && !t.is_empty())
            {
                targets.push(target.to_string());
            }
            None
        });
    }
    targets
}

/// Whether calamine may open a part: everything under `xl/` (and the
/// package's own relationships and types), and any other part a
/// relationship under `xl/` names.
fn may_be_opened(name: &str, targets: &[String]) -> bool {
    let name = name.trim_start_matches('/');
    if name.starts_with("xl/") || !name.contains('/') || name.starts_with("_rels/") {
        return true;
    }
    targets
        .iter()
        .any(|t| name.ends_with(t.as_str()) || t.ends_with(name))
}

/// The first `r` or `ref` attribute value out of the grid. The XML is read
/// as calamine reads it (the same quick-xml, set up the same way), and so
/// are the attributes (calamine's own `RawAttrIter`): a hand-made scan
/// told tags apart differently, and missed what calamine then read.
fn bad_reference(xml: &[u8]) -> Option<String> {
    first_in_elements(xml, |_, attributes| {
        attributes.into_iter().find_map(|(key, value)| {
            ((key == "r" || key == "ref") && !in_grid(value.as_bytes()))
                .then(|| value.chars().take(40).collect())
        })
    })
}

/// The first `Some` `found` gives for an element, given its local name and
/// its attributes, each element read as calamine reads it.
fn first_in_elements<T>(
    xml: &[u8],
    mut found: impl FnMut(&str, Vec<(&str, &str)>) -> Option<T>,
) -> Option<T> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                let name = e.local_name();
                if let Some(hit) = found(name.as_ref(), raw_attributes(e.attributes_raw())) {
                    return Some(hit);
                }
            }
            // Where the XML breaks, calamine stops too.
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// A tag's attributes as calamine's `RawAttrIter` splits them: a key runs
/// to `=`, a value is quoted; the first malformed one ends the list, as it
/// ends calamine's reading of the tag.
fn raw_attributes(raw: &str) -> Vec<(&str, &str)> {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let key_start = pos;
        let Some(eq) = memchr::memchr(b'=', &bytes[pos..]) else {
            return out;
        };
        let key = raw[key_start..pos + eq].trim_ascii_end();
        pos += eq + 1;
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let Some(&quote) = bytes.get(pos).filter(|&&q| q == b'"' || q == b'\'') else {
            return out;
        };
        pos += 1;
        let end = memchr::memchr(quote, &bytes[pos..]).map_or(bytes.len(), |e| pos + e);
        out.push((key, &raw[pos..end]));
        pos = (end + 1).min(bytes.len());
    }
}

/// Whether a reference (`B7`, `7`, `A1:D20`) keeps inside the grid, read
/// as calamine reads it: letters, then digits, for each side of a colon.
/// Anything else calamine refuses by itself, without harm.
fn in_grid(value: &[u8]) -> bool {
    let mut ends = Vec::with_capacity(2);
    for part in value.split(|&b| b == b':') {
        let letters = part.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        let col = part[..letters].iter().fold(0u32, |col, b| {
            col.saturating_mul(26)
                .saturating_add(u32::from(b.to_ascii_uppercase() - b'A') + 1)
        });
        let digits = part[letters..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let row = part[letters..letters + digits].iter().fold(0u32, |row, b| {
            row.saturating_mul(10).saturating_add(u32::from(b - b'0'))
        });
        if col > MAX_COLUMN || row > MAX_ROW {
            return false;
        }
        ends.push((col, row));
    }
    // A range's end before its start: its size is found by subtraction.
    match ends[..] {
        [(c1, r1), (c2, r2)] if c1 > 0 && r1 > 0 && c2 > 0 && r2 > 0 => c1 <= c2 && r1 <= r2,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_outside_the_grid_are_found_in_tags_only() {
        assert!(in_grid(b"A1"));
        assert!(in_grid(b"XFD1048576"));
        assert!(in_grid(b"A1:XFD1048576"));
        assert!(in_grid(b"12"));
        assert!(in_grid(b"$A$1"));
        assert!(!in_grid(b"XFE1"));
        assert!(!in_grid(b"AAAAAAAAAAAA1"));
        assert!(!in_grid(b"A1048577"));
        assert!(!in_grid(b"A99999999999"));
        assert!(!in_grid(b"B2:A1"));
        let sheet = br#"<worksheet xmlns:r="http://x"><dimension ref="A1:C3"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>r="ZZZZZZZZ1"</t></is></c></row></sheetData><!-- ref="ZZZZZZZ9" --></worksheet>"#;
        assert_eq!(bad_reference(sheet), None);
        assert_eq!(
            bad_reference(br#"<row r = '1'><c s="1" r="ZZZZZZZZ1"/></row>"#).as_deref(),
            Some("ZZZZZZZZ1")
        );
        assert_eq!(
            bad_reference(br#"<dimension ref="B2:A1"/>"#).as_deref(),
            Some("B2:A1")
        );
        // A processing instruction ends at its `?>`, quotes or no quotes
        // (found by fuzzing: a hand-made scan honoured the quote).
        assert_eq!(
            bad_reference(br#"<?xml encoding="UTF-8?><worksheet a="x"><c r="ABCDEFGHIJ1"/>"#)
                .as_deref(),
            Some("ABCDEFGHIJ1")
        );
        // Unquoted values and unclosed quotes: calamine reads no further.
        assert_eq!(bad_reference(br#"<c r=ZZZZZZZZ1/>"#), None);
        assert_eq!(bad_reference(br#"<c r="A1"#), None);
        assert_eq!(
            raw_attributes(r#" s = "1" r='A1' t"#),
            vec![("s", "1"), ("r", "A1")]
        );
    }
}
