//! Reads the plan documents councils already have into a [`PlanDocument`].
//!
//! Every format is read into one intermediate form, a sequence of
//! [`blocks::Block`]s (table rows and lines of text, each with its place in
//! the source), and one recogniser turns blocks into plans. So a Word table,
//! an Excel sheet, a CSV file and extracted text are all understood by the
//! same rules: header synonyms, section rows, continuation rows and cells
//! holding several values.

mod blocks;
mod cells;
mod dates;
mod delimited;
mod detect;
mod docx;
mod findings;
mod header;
mod indicators;
mod json;
mod memo;
mod ocr;
mod progress;
mod recognise;
mod records;
mod sections;
mod text;
mod xlsx;

use goldthread_domain::{Finding, FindingKind, PlanDocument, Severity, SourceFormat};

/// Files larger than this are refused before any parsing.
pub const MAX_FILE_BYTES: usize = 200 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: the file is {size} bytes; files over {limit} bytes are refused")]
    TooLarge {
        file: String,
        size: usize,
        limit: usize,
    },
    #[error(
        "{file}: this looks like a binary file (byte {offset} is not text), not a plan document"
    )]
    Binary { file: String, offset: usize },
    #[error("{file}: not a readable {format} file: {message}")]
    Container {
        file: String,
        format: &'static str,
        message: String,
    },
    #[error("{file}: {part} is not well-formed XML at byte {position}: {message}")]
    Xml {
        file: String,
        part: String,
        position: u64,
        message: String,
    },
    #[error("{file}: spreadsheet could not be read: {message}")]
    Spreadsheet { file: String, message: String },
    #[error("{file}: CSV could not be read at line {line}: {message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
    #[error("{file}: not Goldthread interchange JSON at line {line}, column {column}: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: interchange version {version} is not supported (this build reads version 1)")]
    UnsupportedVersion { file: String, version: String },
}

/// A document as read, with the format it was read as.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadDocument {
    pub format: SourceFormat,
    pub document: PlanDocument,
}

/// Reads a file of any supported format, recognised from its bytes first
/// and its name second.
pub fn read_document(file_name: &str, bytes: &[u8]) -> Result<ReadDocument, ImportError> {
    let file = || file_name.to_string();
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            file: file(),
            size: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty { file: file() });
    }
    let format = detect::format(file_name, bytes);
    let document = match format {
        SourceFormat::Docx => read_blocks(file_name, &docx::blocks(file_name, bytes)?, Vec::new()),
        SourceFormat::Xlsx => read_blocks(file_name, &xlsx::blocks(file_name, bytes)?, Vec::new()),
        SourceFormat::Json => json::read(file_name, bytes)?,
        SourceFormat::Csv => {
            let (text, notes) = decode(file_name, bytes)?;
            let blocks = delimited::blocks(file_name, &text)?;
            read_blocks(file_name, &blocks, notes)
        }
        SourceFormat::Text => {
            let (text, notes) = decode(file_name, bytes)?;
            let mut doc = read_text(file_name, &text)?;
            doc.findings.splice(0..0, notes);
            doc
        }
    };
    Ok(ReadDocument { format, document })
}

/// Reads plain text with tab-separated tables (text extracted from Word or
/// PDF). This is the fast path the CLI's `bench` subcommand times.
pub fn read_text(file_name: &str, text: &str) -> Result<PlanDocument, ImportError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            file: file_name.to_string(),
            size: text.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    if text.trim().is_empty() {
        return Err(ImportError::Empty {
            file: file_name.to_string(),
        });
    }
    Ok(read_blocks(file_name, &text::blocks(text), Vec::new()))
}

/// Writes the interchange form: `{"goldthread": 1, "document": …}`.
pub fn to_interchange_json(doc: &PlanDocument) -> String {
    json::write(doc)
}

fn read_blocks(file_name: &str, blocks: &[blocks::Block<'_>], notes: Vec<Finding>) -> PlanDocument {
    let mut doc = recognise::recognise(file_name, blocks);
    findings::check(&mut doc);
    doc.findings.extend(ocr::suspect_words(blocks));
    doc.findings.splice(0..0, notes);
    doc
}

/// Text from bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else
/// Windows-1252 as Excel writes it, noted as a finding. NUL bytes mean the
/// file is binary, not text.
fn decode<'b>(
    file_name: &str,
    bytes: &'b [u8],
) -> Result<(std::borrow::Cow<'b, str>, Vec<Finding>), ImportError> {
    use std::borrow::Cow;
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes)
        && encoding != encoding_rs::UTF_8
    {
        let (text, _, _) = encoding.decode(bytes);
        return Ok((text, Vec::new()));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Some(offset) = binary_offset(bytes) {
        return Err(ImportError::Binary {
            file: file_name.to_string(),
            offset,
        });
    }
    // Valid UTF-8 (the common case) is read where it lies, not copied.
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((Cow::Borrowed(text), Vec::new())),
        Err(e) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            let note = Finding::new(
                Severity::Info,
                FindingKind::SuspectText,
                format!(
                    "{file_name}: not valid UTF-8 (first bad byte at {}); read as Windows-1252",
                    e.valid_up_to()
                ),
                None,
            );
            Ok((text, vec![note]))
        }
    }
}

/// The offset of the first byte that no text file contains (NUL, or a run
/// of control characters), looking at the first 64 KiB.
fn binary_offset(bytes: &[u8]) -> Option<usize> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if let Some(nul) = head.iter().position(|&b| b == 0) {
        return Some(nul);
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if controls * 10 > head.len() {
        return head
            .iter()
            .position(|&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c));
    }
    None
}
