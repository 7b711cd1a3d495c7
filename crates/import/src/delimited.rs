//! CSV and tab-separated files, as Excel saves them: comma or tab (whichever
//! the first lines use more), quoted cells that may hold line breaks.

use crate::ImportError;
use crate::blocks::{Block, Place};
use std::borrow::Cow;

pub fn blocks<'a>(file_name: &str, text: &'a str) -> Result<Vec<Block<'a>>, ImportError> {
    let delimiter = sniff(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    // The reader's own line count skips blank lines, so lines are counted
    // here from byte offsets; blank lines still end paragraphs.
    let (mut line, mut counted_to, mut expected_gap) = (1u64, 0usize, 0u64);
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let start = record.position().map_or(counted_to, |p| {
                    usize::try_from(p.byte()).unwrap_or(usize::MAX)
                });
                // The reported offset may sit on the previous line's ending or
                // before skipped blank lines: the record starts after them.
                let mut start = start.clamp(counted_to, text.len());
                while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
                    start += 1;
                }
                let gap = text.as_bytes()[counted_to..start]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64;
                line += gap;
                counted_to = start;
                if !out.is_empty() && gap > expected_gap {
                    out.push(Block::Blank);
                }
                expected_gap = 1 + record
                    .iter()
                    .map(|c| c.matches('\n').count() as u64)
                    .sum::<u64>();
                let place = Place::line(u32::try_from(line).unwrap_or(u32::MAX));
                let cells: Vec<Cow<'a, str>> =
                    record.iter().map(|c| Cow::Owned(c.to_string())).collect();
                out.push(Block::row(cells, place));
            }
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                return Err(ImportError::Csv {
                    file: file_name.to_string(),
                    line,
                    message: e.to_string(),
                });
            }
        }
    }
    Ok(out)
}

/// Tab when the opening lines hold more tabs than commas.
fn sniff(text: &str) -> u8 {
    let head = &text[..text.floor_char_boundary(8192)];
    let tabs = head.bytes().filter(|&b| b == b'\t').count();
    let commas = head.bytes().filter(|&b| b == b',').count();
    if tabs > commas / 2 && tabs > 0 {
        b'\t'
    } else {
        b','
    }
}
