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
        if cells.len() == 1 {
            let text = cells.pop().unwrap_or_default();
            return Block::line(text, place);
        }
        // Empty cells after the first: a section row, never a field line.
        if cells[1..].iter().all(|c| c.trim().is_empty()) {
            cells.truncate(1);
            let text = cells.pop().unwrap_or_default();
            return Block::Text { text, place };
        }
        Block::Row { cells, place }
    }

    /// A line of text.
    pub fn line(text: Cow<'a, str>, place: Place) -> Self {
        Block::Text { text, place }
    }
}

/// A `Key: value` line: a short key, a colon, a value.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let colon = memchr::memchr(b':', line.as_bytes())?;
    if colon == 0 || colon > 40 {
        return None;
    }
    let (key, value) = (line[..colon].trim(), line[colon + 1..].trim());
    let words = key.split_whitespace().count();
    if value.is_empty() || words == 0 || words > 4 || key.starts_with(['-', '*', '•']) {
        return None;
    }
    Some((key, value))
}

/// Action trackers written as blocks of `Key: value` lines ("Action: …",
/// "Lead: …", "Due date: 31 March 2024", "Status: Green") become the
/// two-cell rows a field table would give, so they read like tables laid
/// down the page. Only runs of three or more such lines, two of whose keys
/// name fields (one of them a key field such as the action), and none a
/// section ("Outcome: …" heads the rows under it).
pub fn fields_as_rows(blocks: &mut [Block<'_>]) {
    use crate::header::{self, Role};
    let mut i = 0;
    while i < blocks.len() {
        let start = i;
        let mut named = 0;
        let mut key = false;
        let mut section = false;
        while let Some(Block::Text { text, .. }) = blocks.get(i) {
            let Some((k, _)) = key_value(text) else { break };
            match header::role_of(k) {
                Some(Role::Group(_)) => section = true,
                Some(role) => {
                    named += 1;
                    key |= header::is_key(role);
                }
                None => {}
            }
            i += 1;
        }
        if i - start >= 3 && named >= 2 && key && !section {
            for block in &mut blocks[start..i] {
                if let Block::Text { text, place } = block
                    && let Some((k, v)) = key_value(text)
                {
                    let cells = vec![Cow::Owned(k.to_string()), Cow::Owned(v.to_string())];
                    *block = Block::Row {
                        cells,
                        place: std::mem::take(place),
                    };
                }
            }
        }
        i = i.max(start + 1);
    }
}
