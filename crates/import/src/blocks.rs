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
    /// An `Arc<String>`, not an `Arc<str>`: one pointer, not two, so a
    /// block is 48 bytes, not 56 (150,000 of them in a 20 MB plan).
    pub sheet: Option<std::sync::Arc<String>>,
}

impl Place {
    pub fn line(line: u32) -> Self {
        Self { line, sheet: None }
    }

    pub fn provenance(&self) -> Provenance {
        Provenance {
            line: Some(self.line),
            sheet: self.sheet.as_deref().cloned(),
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
    Row { cells: Cells<'a>, place: Place },
}

/// A row's cells. A line of plain text is kept as the line and split at its
/// tabs when read: a large plan is mostly such rows, and holding each one's
/// cells apart cost 8 MB of a 20 MB plan's import. A sheet's or a Word
/// table's cells are held as read.
#[derive(Debug, Clone)]
pub enum Cells<'a> {
    Tabbed(&'a str),
    Held(Vec<Cow<'a, str>>),
}

impl<'a> Cells<'a> {
    pub fn iter(&self) -> CellIter<'_> {
        match self {
            Cells::Tabbed(line) => CellIter::Tabbed(Some(line)),
            Cells::Held(cells) => CellIter::Held(cells.iter()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Cells::Tabbed(line) => memchr::memchr_iter(b'\t', line.as_bytes()).count() + 1,
            Cells::Held(cells) => cells.len(),
        }
    }
}

/// The cells of a [`Cells`], in order.
pub enum CellIter<'c> {
    /// What is left of the line, None once its last cell is given.
    Tabbed(Option<&'c str>),
    Held(std::slice::Iter<'c, Cow<'c, str>>),
}

impl<'c> Iterator for CellIter<'c> {
    type Item = &'c str;

    fn next(&mut self) -> Option<&'c str> {
        match self {
            // memchr's search, not `str::split`'s: the core library's is
            // a word at a time, and every reader splits every row.
            CellIter::Tabbed(rest) => {
                let line = (*rest)?;
                match memchr::memchr(b'\t', line.as_bytes()) {
                    Some(tab) => {
                        *rest = Some(&line[tab + 1..]);
                        Some(&line[..tab])
                    }
                    None => {
                        *rest = None;
                        Some(line)
                    }
                }
            }
            CellIter::Held(cells) => cells.next().map(AsRef::as_ref),
        }
    }
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
        Block::Row {
            cells: Cells::Held(cells),
            place,
        }
    }

    /// A line of text whose cells are separated by tabs (at least one):
    /// read as [`Block::row`] reads the cells, kept as the line.
    pub fn tabbed(line: &'a str, place: Place) -> Self {
        let mut cells = CellIter::Tabbed(Some(line));
        let first = cells.next().unwrap_or("");
        let mut rest_filled = false;
        for cell in cells {
            if !cell.trim().is_empty() {
                rest_filled = true;
                break;
            }
        }
        if !rest_filled {
            // Empty cells after the first: a section row, or nothing.
            if first.trim().is_empty() {
                return Block::Blank;
            }
            return Block::Text {
                text: Cow::Borrowed(first),
                place,
            };
        }
        Block::Row {
            cells: Cells::Tabbed(line),
            place,
        }
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
                        cells: Cells::Held(cells),
                        place: std::mem::take(place),
                    };
                }
            }
        }
        i = i.max(start + 1);
    }
}

/// Action lists printed one field a line, a blank line between actions
/// (a table flattened by its PDF or web page):
///
/// ```text
/// OUT 001.01
/// Deliver an integrated transport strategy
/// Head of Planning
/// The transport modelling was presented to Members in March 2011 …
/// ```
///
/// Two or more such records in a row, each a code alone on its first line,
/// then the same number (two to five) of lines, one of them a sentence,
/// become rows of cells, one after the other, for the table reader to read
/// by their cells.
pub fn records_as_rows(blocks: &mut [Block<'_>]) {
    let mut i = 0;
    while i < blocks.len() {
        let mut records: Vec<std::ops::Range<usize>> = Vec::new();
        let mut at = i;
        while let Some(record) = record_at(blocks, at) {
            let same_shape = records.first().is_none_or(|r| r.len() == record.len());
            if !same_shape {
                break;
            }
            at = record.end;
            while matches!(blocks.get(at), Some(Block::Blank)) {
                at += 1;
            }
            records.push(record);
        }
        if records.len() < 2 {
            i += 1;
            continue;
        }
        let span = records[0].start..at;
        let rows: Vec<Block<'_>> = records
            .iter()
            .map(|r| {
                let mut place = Place::default();
                let cells = blocks[r.clone()]
                    .iter_mut()
                    .enumerate()
                    .filter_map(|(n, b)| match b {
                        Block::Text { text, place: p } => {
                            if n == 0 {
                                place = std::mem::take(p);
                            }
                            Some(std::mem::take(text))
                        }
                        _ => None,
                    })
                    .collect();
                Block::Row {
                    cells: Cells::Held(cells),
                    place,
                }
            })
            .collect();
        // The rows side by side at the start, so they make one table.
        let count = rows.len();
        for (slot, row) in blocks[span.clone()].iter_mut().zip(rows) {
            *slot = row;
        }
        for slot in &mut blocks[span.start + count..span.end] {
            *slot = Block::Blank;
        }
        i = span.end;
    }
}

/// The lines of one record starting at `at`: a code alone, then two to five
/// lines of text, one of them more than eight words, up to a blank line.
fn record_at(blocks: &[Block<'_>], at: usize) -> Option<std::ops::Range<usize>> {
    let Some(Block::Text { text, .. }) = blocks.get(at) else {
        return None;
    };
    if !crate::tables::cell::is_code(text) {
        return None;
    }
    if at > 0 && !matches!(blocks[at - 1], Block::Blank) {
        return None;
    }
    let mut end = at + 1;
    let mut sentence = false;
    while let Some(Block::Text { text, .. }) = blocks.get(end) {
        if end - at > 5 || crate::tables::cell::is_code(text) {
            return None;
        }
        sentence |= text.split_whitespace().count() > 8;
        end += 1;
    }
    let lines = end - at - 1;
    ((2..=5).contains(&lines) && sentence && matches!(blocks.get(end), None | Some(Block::Blank)))
        .then_some(at..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_of_tabs_reads_as_the_cells_it_would_have_been_split_into() {
        for line in [
            "KA.1\tDeliver homes\tHead of Housing",
            "\tSecond\t",
            "Section\t\t",
            "\t\t",
            "a\tb",
        ] {
            let split: Vec<Cow<'_, str>> = line.split('\t').map(Cow::Borrowed).collect();
            let (tabbed, row) = (
                Block::tabbed(line, Place::line(1)),
                Block::row(split, Place::line(1)),
            );
            let cells = |b: &Block<'_>| match b {
                Block::Row { cells, .. } => format!(
                    "row {:?} of {}",
                    cells.iter().collect::<Vec<_>>(),
                    cells.len()
                ),
                Block::Text { text, .. } => format!("text {text}"),
                Block::Blank => "blank".into(),
            };
            assert_eq!(cells(&tabbed), cells(&row), "{line:?}");
        }
    }

    #[test]
    fn a_block_is_small() {
        // 150,000 blocks hold a 20 MB plan: eight bytes more each is 1.2 MB.
        assert_eq!(size_of::<Block<'_>>(), 48);
    }
}
