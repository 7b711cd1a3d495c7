//! Word documents read directly from the file: paragraphs become lines of
//! text (headings included), each table row a row whose cells keep their
//! paragraphs as line breaks. Nested tables are flattened into their cell.

use crate::ImportError;
use crate::blocks::{Block, Place};
use crate::limits::{Budget, Limits};
use quick_xml::events::Event;
use std::borrow::Cow;
use std::io::Read;
use std::sync::Arc;

pub fn blocks(
    file_name: &str,
    bytes: &[u8],
    limits: &Limits,
    budget: &Budget,
) -> Result<Vec<Block<'static>>, ImportError> {
    let xml = read_part(
        file_name,
        bytes,
        "word/document.xml",
        "Word",
        limits.part_bytes,
    )?;
    parse(file_name, &xml, limits, budget)
}

pub(crate) fn read_part(
    file_name: &str,
    bytes: &[u8],
    part: &str,
    format: &'static str,
    max_bytes: u64,
) -> Result<String, ImportError> {
    let container = |message: String| ImportError::Container {
        file: file_name.to_string(),
        format,
        message,
    };
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| container(e.to_string()))?;
    let entry = archive
        .by_name(part)
        .map_err(|e| container(format!("{part}: {e}")))?;
    let mut xml = String::new();
    entry
        .take(max_bytes)
        .read_to_string(&mut xml)
        .map_err(|e| container(format!("{part}: {e}")))?;
    Ok(xml)
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Option<Vec<String>>,
    cell: Option<String>,
    /// How many grid columns the open cell spans (`w:gridSpan`).
    span: usize,
    /// Whether the open cell goes on the merged cell above it (`w:vMerge`).
    continues: bool,
}

fn parse(
    file_name: &str,
    xml: &str,
    limits: &Limits,
    budget: &Budget,
) -> Result<Vec<Block<'static>>, ImportError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    let mut events = 0u32;
    let mut out: Vec<Block<'static>> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut paragraph: Option<String> = None;
    let mut in_text = false;
    let mut table_count = 0u32;
    let mut paragraph_count = 0u32;
    loop {
        let event = reader.read_event().map_err(|e| ImportError::Xml {
            file: file_name.to_string(),
            part: "word/document.xml".into(),
            position: reader.error_position(),
            message: e.to_string(),
        })?;
        events = events.wrapping_add(1);
        if events.is_multiple_of(65_536) {
            budget.check(file_name, "reading word/document.xml")?;
        }
        match &event {
            Event::Start(_) => {
                depth += 1;
                if depth > limits.xml_depth {
                    return Err(ImportError::Limit {
                        file: file_name.to_string(),
                        limit: "XML depth",
                        found: format!(
                            "word/document.xml nests {depth} elements deep at byte {}",
                            reader.buffer_position()
                        ),
                        max: format!("{} levels", limits.xml_depth),
                    });
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "tbl" => tables.push(Table::default()),
                "tr" => {
                    if let Some(t) = tables.last_mut() {
                        t.row = Some(Vec::new());
                    }
                }
                "tc" => {
                    if let Some(t) = tables.last_mut() {
                        t.cell = Some(String::new());
                        t.span = 1;
                        t.continues = false;
                    }
                }
                "p" => paragraph = Some(String::new()),
                "t" => in_text = true,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                // A cell merged across columns: the columns after it stay
                // where the heading row's are.
                "gridSpan" => {
                    if let Some(t) = tables.last_mut() {
                        t.span = grid_span(&e);
                    }
                }
                // A cell merged down the rows ("Head of Housing" leading three
                // actions): each row below reads the text above.
                "vMerge" => {
                    if let Some(t) = tables.last_mut() {
                        t.continues = attribute(&e, "val").is_none_or(|v| v != "restart");
                    }
                }
                "tab" => push_text(&mut paragraph, "\t"),
                "br" | "cr" => push_text(&mut paragraph, "\n"),
                "p" if tables.is_empty() => out.push(Block::Blank),
                _ => {}
            },
            Event::Text(t) if in_text => push_text(&mut paragraph, &t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                let ch = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    match &*r {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    }
                };
                if let Some(ch) = ch {
                    push_text(&mut paragraph, ch.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let text = paragraph.take().unwrap_or_default();
                    match tables.last_mut().and_then(|t| t.cell.as_mut()) {
                        Some(cell) => {
                            if !cell.is_empty() && !text.trim().is_empty() {
                                cell.push('\n');
                            }
                            cell.push_str(text.trim());
                        }
                        None => {
                            paragraph_count += 1;
                            let place = Place::line(paragraph_count);
                            if text.trim().is_empty() {
                                out.push(Block::Blank);
                            } else {
                                out.push(Block::line(Cow::Owned(text), place));
                            }
                        }
                    }
                }
                "tc" => {
                    if let Some(t) = tables.last_mut()
                        && let Some(mut cell) = t.cell.take()
                        && let Some(row) = t.row.as_mut()
                    {
                        if t.continues
                            && cell.is_empty()
                            && let Some(above) = t.rows.last().and_then(|r| r.get(row.len()))
                        {
                            cell.clone_from(above);
                        }
                        row.push(cell);
                        row.extend(std::iter::repeat_n(String::new(), t.span.saturating_sub(1)));
                    }
                }
                "tr" => {
                    if let Some(t) = tables.last_mut()
                        && let Some(row) = t.row.take()
                    {
                        t.rows.push(row);
                    }
                }
                "tbl" => {
                    let Some(table) = tables.pop() else { continue };
                    match tables.last_mut().and_then(|t| t.cell.as_mut()) {
                        // A nested table: its rows become lines of the outer cell.
                        Some(cell) => {
                            for row in table.rows {
                                if !cell.is_empty() {
                                    cell.push('\n');
                                }
                                cell.push_str(&row.join(" "));
                            }
                        }
                        None => {
                            table_count += 1;
                            let sheet = Arc::new(format!("table {table_count}"));
                            for (i, row) in table.rows.into_iter().enumerate() {
                                let place = Place {
                                    line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                                    sheet: Some(sheet.clone()),
                                };
                                out.push(Block::row(
                                    row.into_iter().map(Cow::Owned).collect(),
                                    place,
                                ));
                            }
                            out.push(Block::Blank);
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A `w:gridSpan`'s columns: one to Word's most, 63, whatever is written.
fn grid_span(e: &quick_xml::events::BytesStart<'_>) -> usize {
    attribute(e, "val")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 63)
}

/// An attribute's value by its local name (`w:val` is `val`).
fn attribute(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.to_string())
}

fn push_text(paragraph: &mut Option<String>, text: &str) {
    if let Some(p) = paragraph {
        p.push_str(text);
    }
}
