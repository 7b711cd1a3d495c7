//! Plain text as extracted from Word and PDF: tab-separated lines are table
//! rows, other lines are paragraphs. Borrowed slices only, so reading is a
//! single pass with no copying.

use crate::blocks::{Block, Place};
use std::borrow::Cow;

pub fn blocks(text: &str) -> Vec<Block<'_>> {
    // A block a line: counting them first costs a memchr pass, and a guess
    // from the length over-reserved 6 MB of a 20 MB plan's 15 MB of blocks.
    let mut out = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    // Rows of one table have the same number of cells: the last row's
    // width sizes the next row's cells once.
    let mut width = 8;
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let place = Place::line(u32::try_from(index + 1).unwrap_or(u32::MAX));
        if line.trim().is_empty() {
            out.push(Block::Blank);
        } else if let Some(first_tab) = memchr::memchr(b'\t', line.as_bytes()) {
            let mut cells = Vec::with_capacity(width.max(4));
            cells.push(Cow::Borrowed(&line[..first_tab]));
            let mut start = first_tab + 1;
            for tab in
                memchr::memchr_iter(b'\t', &line.as_bytes()[start..]).map(|t| t + first_tab + 1)
            {
                cells.push(Cow::Borrowed(&line[start..tab]));
                start = tab + 1;
            }
            cells.push(Cow::Borrowed(&line[start..]));
            width = cells.len();
            out.push(Block::row(cells, place));
        } else {
            out.push(Block::Text {
                text: Cow::Borrowed(line),
                place,
            });
        }
    }
    out
}
