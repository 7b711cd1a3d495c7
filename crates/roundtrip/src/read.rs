//! A filled workbook back into rows: the hidden sheet says whose it is,
//! the headings are checked against `layout` (a moved column would put
//! values under the wrong heading), and only rows with something in a
//! column to fill are kept. Cells stay text here; `preview` judges them.

use crate::RoundtripError;
use crate::layout::{self, action_col, cell_name, indicator_col};
use goldthread_import::{Limits, SheetCells};
use std::collections::BTreeMap;
use std::time::Duration;

/// What a filled workbook says.
#[derive(Debug, Clone, Default)]
pub struct Filled {
    pub plan_id: i64,
    pub plan_title: String,
    pub exported_at: String,
    pub exported_by: String,
    pub actions: Vec<ActionRow>,
    pub values: Vec<ValueRow>,
}

/// A row of the Actions sheet with something to fill in filled (row from 0).
#[derive(Debug, Clone, Default)]
pub struct ActionRow {
    pub row: u32,
    pub key: String,
    pub stamp: String,
    pub code: String,
    pub title: String,
    pub status: String,
    pub commentary: String,
    pub as_at: String,
}

/// A row of the Indicators sheet with a new value or note (row from 0).
#[derive(Debug, Clone, Default)]
pub struct ValueRow {
    pub row: u32,
    pub key: String,
    pub stamp: String,
    pub code: String,
    pub title: String,
    pub period: String,
    pub value: String,
    pub note: String,
}

/// A progress workbook is a few hundred rows: these bound a hostile one
/// well below what the plan importer allows.
fn limits() -> Limits {
    Limits {
        file_bytes: 16 * 1024 * 1024,
        part_bytes: 32 * 1024 * 1024,
        unpacked_bytes: 64 * 1024 * 1024,
        parts: 500,
        rows: 100_000,
        sheet_cells: 2_000_000,
        cell_chars: 100_000,
        time: Duration::from_secs(30),
        ..Limits::default()
    }
}

/// Largest file taken, for callers that bound an upload before reading it.
pub const MAX_BYTES: usize = 16 * 1024 * 1024;

type Grid = BTreeMap<u32, BTreeMap<u16, String>>;

fn grid(sheet: SheetCells) -> Grid {
    let mut grid = Grid::new();
    for ((row, col), text) in sheet.cells {
        let Ok(col) = u16::try_from(col) else {
            continue;
        };
        grid.entry(row).or_default().insert(col, text);
    }
    grid
}

fn cell(row: &BTreeMap<u16, String>, col: u16) -> String {
    row.get(&col)
        .map(|t| t.trim().to_string())
        .unwrap_or_default()
}

/// Reads a filled progress workbook, or says why it is not one.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Filled, RoundtripError> {
    let not_ours = || {
        RoundtripError::Refused(format!(
            "{file_name} is not a Goldthread progress workbook. Download the progress workbook from the plan's page (or `goldthread progress export`), fill that in, and import it."
        ))
    };
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(RoundtripError::Refused(format!(
            "{file_name} is not an Excel workbook (.xlsx). Download the progress workbook from the plan's page, fill it in in Excel, and import that."
        )));
    }
    let sheets = goldthread_import::sheet_cells(file_name, bytes, &limits())
        .map_err(|e| RoundtripError::Refused(e.to_string()))?;
    let mut by_name: BTreeMap<String, Grid> = sheets
        .into_iter()
        .map(|s| (s.name.clone(), grid(s)))
        .collect();
    let meta = by_name.remove(layout::META).ok_or_else(not_ours)?;
    let first = meta.get(&0).map(|r| cell(r, 0)).unwrap_or_default();
    if first != layout::MARKER {
        return Err(not_ours());
    }
    let field = |label: &str| {
        meta.values()
            .find(|r| cell(r, 0) == label)
            .map(|r| cell(r, 1))
            .unwrap_or_default()
    };
    let format = field(layout::META_FORMAT);
    if format != layout::FORMAT.to_string() {
        return Err(RoundtripError::Refused(format!(
            "{file_name} is a progress workbook of another version of Goldthread (format '{format}'). Download a new one from the plan's page and fill that in."
        )));
    }
    let plan_id = field(layout::META_PLAN_ID).parse::<i64>().map_err(|_| {
        RoundtripError::Refused(format!(
            "{file_name}: the hidden sheet '{}' has been changed, so the plan it is for is unknown. Download a new workbook from the plan's page.",
            layout::META
        ))
    })?;
    let mut filled = Filled {
        plan_id,
        plan_title: field(layout::META_PLAN),
        exported_at: field(layout::META_EXPORTED_AT),
        exported_by: field(layout::META_EXPORTED_BY),
        ..Filled::default()
    };
    let actions = sheet(&mut by_name, layout::ACTIONS, &layout::ACTION_HEADINGS)?;
    for (&row, cells) in actions.range(1..) {
        let status = cell(cells, action_col::NEW_STATUS);
        let commentary = cell(cells, action_col::COMMENTARY);
        let as_at = cell(cells, action_col::AS_AT);
        if status.is_empty() && commentary.is_empty() && as_at.is_empty() {
            continue;
        }
        filled.actions.push(ActionRow {
            row,
            key: cell(cells, action_col::KEY),
            stamp: cell(cells, action_col::STAMP),
            code: cell(cells, action_col::CODE),
            title: cell(cells, action_col::TITLE),
            status,
            commentary,
            as_at,
        });
    }
    let values = sheet(
        &mut by_name,
        layout::INDICATORS,
        &layout::INDICATOR_HEADINGS,
    )?;
    for (&row, cells) in values.range(1..) {
        let value = cell(cells, indicator_col::NEW_VALUE);
        let note = cell(cells, indicator_col::NOTE);
        if value.is_empty() && note.is_empty() {
            continue;
        }
        filled.values.push(ValueRow {
            row,
            key: cell(cells, indicator_col::KEY),
            stamp: cell(cells, indicator_col::STAMP),
            code: cell(cells, indicator_col::CODE),
            title: cell(cells, indicator_col::TITLE),
            period: cell(cells, indicator_col::PERIOD),
            value,
            note,
        });
    }
    Ok(filled)
}

/// A sheet whose headings are exactly `headings`, or the refusal naming
/// the first that is not.
fn sheet(
    sheets: &mut BTreeMap<String, Grid>,
    name: &str,
    headings: &[&str],
) -> Result<Grid, RoundtripError> {
    let grid = sheets.remove(name).ok_or_else(|| {
        RoundtripError::Refused(format!(
            "The workbook has no sheet named '{name}': sheets must keep the names they were exported with."
        ))
    })?;
    let empty = BTreeMap::new();
    let first = grid.get(&0).unwrap_or(&empty);
    for (col, heading) in headings.iter().enumerate() {
        let found = cell(first, col as u16);
        if found != *heading {
            return Err(RoundtripError::Refused(format!(
                "{name}!{}: the heading should be '{heading}', not '{found}'. Columns must not be added, removed or moved: fill in the workbook as it was exported.",
                cell_name(col as u16, 0)
            )));
        }
    }
    Ok(grid)
}
