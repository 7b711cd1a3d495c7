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
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let place = Place::line(u32::try_from(line).unwrap_or(u32::MAX));
                let cells: Vec<Cow<'a, str>> =
                    record.iter().map(|c| Cow::Owned(c.to_string())).collect();
                out.push(Block::row(cells, place));
            }
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
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
