//! Stage one: find the tables in a document's blocks. A table is a run of
//! rows with its heading row(s) first; lines of text just above it are its
//! title, one-cell rows inside it are section rows ("Gender", "Adults").

use crate::blocks::{Block, Place};
use crate::cells;
use std::ops::Range;

/// One row under a table's headings.
#[derive(Debug, Clone)]
pub enum TableRow {
    Data {
        cells: Vec<String>,
        place: Place,
    },
    /// A row with text in its first cell only: it names the rows below.
    Section {
        text: String,
        place: Place,
    },
}

/// A table as found: headings (two heading rows merged into one), rows,
/// and the lines above it.
#[derive(Debug, Clone)]
pub struct Table {
    pub title: Vec<String>,
    pub headings: Vec<String>,
    pub rows: Vec<TableRow>,
    pub place: Place,
    /// The blocks the table covers, title lines excluded.
    pub blocks: Range<usize>,
    /// Indices of the data rows in `rows`.
    data: Vec<usize>,
}

impl Table {
    /// The cells of column `c` in every data row.
    pub fn column(&self, c: usize) -> impl ExactSizeIterator<Item = &str> {
        self.data.iter().map(move |&r| match &self.rows[r] {
            TableRow::Data { cells, .. } => cells.get(c).map_or("", String::as_str),
            TableRow::Section { .. } => "",
        })
    }

    pub fn data_rows(&self) -> usize {
        self.data.len()
    }
}

/// Every run of rows in the blocks, as a table with its first row (or two)
/// as headings. Runs that cannot be tables (one row) are left out.
/// `wants` decides from the first row and the merged headings whether a
/// table is worth reading; `headerless`, for a run `wants` passes over,
/// whether its first row (at that block) is already data (a table whose
/// heading row was never printed): its columns are then known by their
/// cells alone.
pub fn tables(
    blocks: &[Block<'_>],
    wants: impl Fn(&[String], &[String]) -> bool,
    headerless: impl Fn(&[String], usize) -> bool,
) -> Vec<Table> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let Block::Row { .. } = &blocks[i] else {
            i += 1;
            continue;
        };
        let start = i;
        let mut end = i;
        // A run goes on through rows, and through a line of text that has
        // a row after it (a section row a CSV or sheet wrote as one cell).
        while end < blocks.len() {
            match &blocks[end] {
                Block::Row { .. } => end += 1,
                Block::Text { .. } if matches!(blocks.get(end + 1), Some(Block::Row { .. })) => {
                    end += 1
                }
                _ => break,
            }
        }
        if let Some(table) = table(blocks, start..end, &wants, &headerless) {
            out.push(table);
        }
        i = end.max(i + 1);
    }
    out
}

fn row_cells<'b>(block: &'b Block<'_>) -> Option<(Vec<String>, &'b Place)> {
    match block {
        Block::Row { cells: raw, place } => Some((
            raw.iter().map(|c| cells::clean(c).into_owned()).collect(),
            place,
        )),
        _ => None,
    }
}

fn table(
    blocks: &[Block<'_>],
    span: Range<usize>,
    wants: &impl Fn(&[String], &[String]) -> bool,
    headerless: &impl Fn(&[String], usize) -> bool,
) -> Option<Table> {
    let (first, place) = row_cells(&blocks[span.start])?;
    let place = place.clone();
    let mut headings = first.clone();
    let mut body_start = span.start + 1;
    // A second heading row: "RAG rating | | DoT" over "| Latest | Previous |".
    if let Some((second, _)) = blocks.get(body_start).and_then(row_cells)
        && is_sub_heading(&headings, &second)
    {
        headings = merge_headings(&headings, &second);
        body_start += 1;
    }
    // Most runs are tables the plan reader reads: decided on the headings
    // alone, before the body is copied.
    if !wants(&first, &headings) {
        let rows = blocks[span.clone()]
            .iter()
            .filter(|b| matches!(b, Block::Row { .. }))
            .count();
        if rows < 2 || !headerless(&first, span.start) {
            return None;
        }
        let width = blocks[span.clone()]
            .iter()
            .filter_map(|b| match b {
                Block::Row { cells, .. } => Some(cells.len()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        headings = vec![String::new(); width];
        body_start = span.start;
    }
    let mut rows = Vec::new();
    for block in &blocks[body_start..span.end] {
        match block {
            Block::Row { .. } => {
                if let Some((cells, place)) = row_cells(block) {
                    // A heading row repeated at a page break.
                    if cells == headings {
                        continue;
                    }
                    rows.push(TableRow::Data {
                        cells,
                        place: place.clone(),
                    });
                }
            }
            Block::Text { text, place } => rows.push(TableRow::Section {
                text: cells::clean(text).into_owned(),
                place: place.clone(),
            }),
            Block::Blank => {}
        }
    }
    if rows.is_empty() {
        return None;
    }
    let mut title = Vec::new();
    for block in blocks[..span.start].iter().rev().take(3) {
        match block {
            Block::Text { text, .. } => title.insert(0, cells::clean(text).into_owned()),
            _ => break,
        }
    }
    let data = (0..rows.len())
        .filter(|&r| matches!(rows[r], TableRow::Data { .. }))
        .collect();
    Some(Table {
        title,
        headings,
        rows,
        place,
        blocks: span,
        data,
    })
}

/// A row under the headings that carries more heading words, not data: it
/// fills some of the gaps the row above leaves (or splits a spanning one),
/// and none of its cells is a figure.
fn is_sub_heading(top: &[String], second: &[String]) -> bool {
    let gaps_top = top.iter().filter(|c| c.is_empty()).count();
    let filled: Vec<&String> = second.iter().filter(|c| !c.is_empty()).collect();
    !filled.is_empty()
        && second.first().is_none_or(String::is_empty)
        && filled
            .iter()
            .all(|c| super::cell::figure(c).is_none() && c.len() <= 40)
        && ((gaps_top > 0
            && filled.iter().any(|c| {
                super::period::read(c).is_some() || super::roles::heading_role(c).is_some()
            }))
            || figures_under_periods(top, second))
}

/// "Actual | Target | Actual" under "2014/15 | 2014/15 | 2015/16": a second
/// row saying which figures each period's columns hold, under a first row
/// with no gaps to fill.
fn figures_under_periods(top: &[String], second: &[String]) -> bool {
    use super::roles::ColumnRole;
    let mut under = 0;
    for (c, lower) in second.iter().enumerate() {
        if lower.is_empty() {
            continue;
        }
        let upper = top.get(c).map_or("", String::as_str);
        let figures = matches!(
            super::roles::heading_role(lower),
            Some(ColumnRole::Value(None) | ColumnRole::Target(None) | ColumnRole::Status(None))
        );
        if !figures || super::period::read(upper).is_none() {
            return false;
        }
        under += 1;
    }
    under >= 2
}

/// Headings of two rows as one: a spanning heading is carried over the
/// gaps to its right that the row beneath fills.
fn merge_headings(top: &[String], second: &[String]) -> Vec<String> {
    let width = top.len().max(second.len());
    let mut out = Vec::with_capacity(width);
    let mut spanning = String::new();
    for c in 0..width {
        let upper = top.get(c).map_or("", String::as_str);
        let lower = second.get(c).map_or("", String::as_str);
        if !upper.is_empty() {
            spanning = upper.to_string();
        }
        let upper = if upper.is_empty() && !lower.is_empty() {
            spanning.as_str()
        } else {
            upper
        };
        out.push(match (upper.is_empty(), lower.is_empty()) {
            (false, false) => format!("{upper} {lower}"),
            (false, true) => upper.to_string(),
            (true, _) => lower.to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_heading_rows_merge_with_the_spanning_heading_carried() {
        let s = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let top = s(&["Customer Services KPIs", "RAG rating", "", "DoT"]);
        let second = s(&["", "Latest", "Previous", ""]);
        assert!(is_sub_heading(&top, &second));
        assert_eq!(
            merge_headings(&top, &second),
            s(&[
                "Customer Services KPIs",
                "RAG rating Latest",
                "RAG rating Previous",
                "DoT"
            ])
        );
        assert!(!is_sub_heading(&top, &s(&["", "94%", "90%", ""])));
    }
}
