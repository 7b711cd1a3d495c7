//! Plain text as extracted from Word and PDF: tab-separated lines are table
//! rows, other lines are paragraphs. Borrowed slices only, so reading is a
//! single pass with no copying.

use crate::blocks::{Block, Place};
use std::borrow::Cow;

pub fn blocks(text: &str) -> Vec<Block<'_>> {
    let mut out = Vec::with_capacity(text.len() / 80 + 1);
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let place = Place::line(u32::try_from(index + 1).unwrap_or(u32::MAX));
        if line.trim().is_empty() {
            out.push(Block::Blank);
        } else if line.contains('\t') {
            out.push(Block::row(
                line.split('\t').map(Cow::Borrowed).collect(),
                place,
            ));
        } else {
            out.push(Block::Text {
                text: Cow::Borrowed(line),
                place,
            });
        }
    }
    out
}
