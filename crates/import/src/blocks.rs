//! The one intermediate form every reader produces: table rows and lines of
//! free text, each with where it came from. The recogniser only sees this,
//! so text, CSV, Word and Excel all share one set of recognition rules.

use goldthread_domain::Provenance;
use std::borrow::Cow;

/// Where a block came from: a line of text, or a row of a sheet or table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    pub line: u32,
    /// Sheet name (xlsx) or "table N" (docx); None for text and CSV.
    pub sheet: Option<std::rc::Rc<str>>,
}

impl Place {
    pub fn line(line: u32) -> Self {
        Self { line, sheet: None }
    }

    pub fn provenance(&self) -> Provenance {
        Provenance {
            line: Some(self.line),
            sheet: self.sheet.as_deref().map(str::to_string),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Block<'a> {
    /// An empty line or row: only separates paragraphs.
    Blank,
    /// A paragraph, heading or a row with a single cell.
    Text { text: Cow<'a, str>, place: Place },
    /// A table row with two or more cells.
    Row {
        cells: Vec<Cow<'a, str>>,
        place: Place,
    },
}

impl<'a> Block<'a> {
    /// Builds a row, folding one-cell and empty rows into text and blanks so
    /// that a CSV or sheet line holding a paragraph reads like the text line.
    pub fn row(mut cells: Vec<Cow<'a, str>>, place: Place) -> Self {
        if cells.iter().all(|c| c.trim().is_empty()) {
            return Block::Blank;
        }
        // A sheet row with text in its first cell only reads like a line of
        // text, so a spreadsheet and its text extraction agree.
        if cells.len() == 1 || cells[1..].iter().all(|c| c.trim().is_empty()) {
            cells.truncate(1);
            let text = cells.pop().unwrap_or_default();
            return Block::Text { text, place };
        }
        Block::Row { cells, place }
    }
}
