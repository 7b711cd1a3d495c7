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
pub mod limits;
mod memo;
mod ocr;
mod progress;
mod recognise;
mod records;
mod sections;
pub mod tables;
#[doc(hidden)]
pub mod testing;
mod text;
mod xlsx;

use goldthread_domain::{
    Finding, FindingKind, PlanDocument, PlanKind, PlanStatus, Severity, SourceFormat,
};
pub use limits::Limits;
pub use tables::{Mapping, MappingError, ReadOptions, TableLayout};
pub use xlsx::{SheetCells, sheet_cells};

/// Files larger than this are refused before any parsing (the default of
/// [`Limits::file_bytes`]).
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
    #[error("{file}: refused: {found}, over the {limit} limit of {max}")]
    Limit {
        file: String,
        limit: &'static str,
        found: String,
        max: String,
    },
    #[error("{file}: this is {what}, not a document Goldthread reads; {advice}")]
    NotADocument {
        file: String,
        what: &'static str,
        advice: &'static str,
    },
}

/// Files that are plainly something other than a plan or a return, told
/// apart by their first bytes or their name: the user is told what the
/// file is and what to give instead.
fn not_a_document(file_name: &str, bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    const TABLES: &str = "save its tables as Excel (.xlsx), CSV or Word (.docx) and import that";
    let lower = file_name.to_ascii_lowercase();
    let head = &bytes[..bytes.len().min(1024)];
    let trimmed = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = trimmed
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let opening = trimmed[start..].to_ascii_lowercase();
    if bytes.starts_with(b"%PDF") {
        return Some((
            "a PDF",
            "Goldthread reads Word, Excel, CSV and text: save the PDF's tables as Excel or text (a scanned PDF needs OCR first) and import that",
        ));
    }
    let image = [
        &b"\x89PNG"[..],
        b"\xFF\xD8\xFF",
        b"GIF8",
        b"BM",
        b"II*\0",
        b"MM\0*",
    ];
    if image.iter().any(|m| bytes.starts_with(m))
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
    {
        return Some((
            "an image",
            "a picture of a table cannot be read; import the document it was taken from",
        ));
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Some((
            "an old Office file (.doc or .xls)",
            "open it in Word or Excel and save it as .docx or .xlsx, then import that",
        ));
    }
    if bytes.starts_with(b"PK\x03\x04")
        && (lower.ends_with(".odt")
            || lower.ends_with(".ods")
            || lower.ends_with(".pptx")
            || lower.ends_with(".zip"))
    {
        return Some(("an archive or OpenDocument file", TABLES));
    }
    if opening.starts_with(b"<!doctype html")
        || opening.starts_with(b"<html")
        || lower.ends_with(".html")
        || lower.ends_with(".htm")
    {
        return Some(("a web page (HTML)", TABLES));
    }
    if lower.ends_with(".js") || lower.ends_with(".mjs") || lower.ends_with(".css") {
        return Some(("a script or style sheet from a web page", TABLES));
    }
    None
}

/// A document as read, with the format it was read as.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadDocument {
    pub format: SourceFormat,
    pub document: PlanDocument,
    /// The data tables read (or seen and not read), each column with the
    /// role chosen for it and how sure that is.
    pub tables: Vec<TableLayout>,
}

impl ReadDocument {
    /// A mapping with the roles used for every data table, ready to edit
    /// and give back with `--mapping`.
    pub fn mapping(&self, given: Option<&Mapping>) -> Mapping {
        let mut mapping = given.cloned().unwrap_or(Mapping {
            goldthread_mapping: 1,
            ..Mapping::default()
        });
        // Tables the plan reader took are read better by it: a mapping
        // names them only when the user adds them.
        for layout in self
            .tables
            .iter()
            .filter(|l| l.kind != tables::TableKind::Plan)
        {
            let guesses: Vec<tables::roles::ColumnGuess> = layout
                .columns
                .iter()
                .map(|c| tables::roles::ColumnGuess {
                    role: tables::roles::ColumnRole::from_name(
                        c.role,
                        c.period
                            .as_deref()
                            .and_then(tables::period::PeriodRef::parse_mapping),
                    )
                    .unwrap_or(tables::roles::ColumnRole::Ignore),
                    confidence: c.confidence,
                    why: c.why.clone(),
                })
                .collect();
            if !mapping.knows(&layout.headings) {
                mapping.set(&layout.headings, &guesses);
            }
        }
        mapping
    }
}

/// Reads a file of any supported format, recognised from its bytes first
/// and its name second.
pub fn read_document(file_name: &str, bytes: &[u8]) -> Result<ReadDocument, ImportError> {
    read_document_with(file_name, bytes, &ReadOptions::default())
}

/// [`read_document`] with what the user said: a column mapping, our area.
pub fn read_document_with(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<ReadDocument, ImportError> {
    read_unfinished(file_name, bytes, options)?.finish(file_name)
}

/// [`read_document_with`] given the file's bytes to keep: they are freed
/// (with the blocks read from them) as soon as the plan is read, before
/// the data-quality findings are written, so the file is not held beside
/// the whole reading (the CLI's import).
pub fn read_document_owned(
    file_name: &str,
    bytes: Vec<u8>,
    options: &ReadOptions,
) -> Result<ReadDocument, ImportError> {
    let unfinished = read_unfinished(file_name, &bytes, options)?;
    drop(bytes);
    unfinished.finish(file_name)
}

/// A document read up to its data-quality findings: owns what it holds,
/// borrows nothing from the file.
struct Unfinished {
    format: SourceFormat,
    budget: limits::Budget,
    reading: Reading,
}

enum Reading {
    /// Goldthread's own JSON: nothing more to do.
    Done(PlanDocument),
    Blocks(Box<BlocksRead>),
}

impl Unfinished {
    fn finish(self, file_name: &str) -> Result<ReadDocument, ImportError> {
        let (document, tables) = match self.reading {
            Reading::Done(document) => (document, Vec::new()),
            Reading::Blocks(read) => {
                let (mut document, tables) = read.finish();
                for plan in &mut document.plans {
                    plan.status = adopted_unless_draft(&plan.title);
                }
                self.budget.check(file_name, "recognising its tables")?;
                (document, tables)
            }
        };
        Ok(ReadDocument {
            format: self.format,
            document,
            tables,
        })
    }
}

fn read_unfinished(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Unfinished, ImportError> {
    let file = || file_name.to_string();
    let limits = &options.limits;
    if bytes.len() > limits.file_bytes {
        return Err(ImportError::TooLarge {
            file: file(),
            size: bytes.len(),
            limit: limits.file_bytes,
        });
    }
    let budget = limits::Budget::start(limits);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty { file: file() });
    }
    if let Some((what, advice)) = not_a_document(file_name, bytes) {
        return Err(ImportError::NotADocument {
            file: file(),
            what,
            advice,
        });
    }
    let format = detect::format(file_name, bytes);
    let read = |mut blocks: Vec<blocks::Block<'_>>, notes| {
        limits::check_blocks(file_name, &blocks, limits)?;
        budget.check(file_name, "reading the file")?;
        blocks::fields_as_rows(&mut blocks);
        blocks::records_as_rows(&mut blocks);
        let read = read_blocks(file_name, blocks, notes, options);
        Ok::<_, ImportError>(Reading::Blocks(Box::new(read)))
    };
    let reading = match format {
        SourceFormat::Docx => {
            limits::check_container(file_name, bytes, limits)?;
            read(docx::blocks(file_name, bytes, limits, &budget)?, Vec::new())?
        }
        SourceFormat::Xlsx => {
            limits::check_container(file_name, bytes, limits)?;
            read(xlsx::blocks(file_name, bytes, limits, &budget)?, Vec::new())?
        }
        SourceFormat::Json => Reading::Done(json::read(file_name, bytes)?),
        SourceFormat::Csv => {
            let (text, notes) = decode(file_name, bytes)?;
            let blocks = delimited::blocks(file_name, &text)?;
            read(blocks, notes)?
        }
        SourceFormat::Text => {
            let (text, notes) = decode(file_name, bytes)?;
            if text.trim().is_empty() {
                return Err(ImportError::Empty {
                    file: file_name.to_string(),
                });
            }
            read(text::blocks(&text), notes)?
        }
    };
    Ok(Unfinished {
        format,
        budget,
        reading,
    })
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
    let options = ReadOptions::default();
    let mut blocks = text::blocks(text);
    blocks::fields_as_rows(&mut blocks);
    blocks::records_as_rows(&mut blocks);
    // On one thread whatever its size: `tests/bench.rs` times this on one
    // core, where a second thread's work would not be counted.
    Ok(
        read_blocks_in(file_name, blocks, Vec::new(), &options, false)
            .finish()
            .0,
    )
}

/// Writes the interchange form: `{"goldthread": 1, "document": …}`.
pub fn to_interchange_json(doc: &PlanDocument) -> String {
    json::write(doc)
}

/// A council's document is the plan it adopted, unless its title calls
/// it a draft ("DRAFT Service Plan 2018/19"). Goldthread's own JSON says
/// the status itself.
fn adopted_unless_draft(title: &str) -> PlanStatus {
    let draft = title
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.eq_ignore_ascii_case("draft"));
    if draft {
        PlanStatus::Draft
    } else {
        PlanStatus::Approved
    }
}

/// What the passes over the blocks read, before the data tables join the
/// plan and the findings are written: owned, so the blocks and the file
/// they borrow can be freed first.
struct BlocksRead {
    doc: PlanDocument,
    plan_layouts: Vec<TableLayout>,
    tables: tables::TablesRead,
    suspects: Vec<Finding>,
    notes: Vec<Finding>,
}

fn read_blocks(
    file_name: &str,
    blocks: Vec<blocks::Block<'_>>,
    notes: Vec<Finding>,
    options: &ReadOptions,
) -> BlocksRead {
    let parallel = blocks.len() >= PARALLEL_BLOCKS;
    read_blocks_in(file_name, blocks, notes, options, parallel)
}

fn read_blocks_in(
    file_name: &str,
    blocks: Vec<blocks::Block<'_>>,
    notes: Vec<Finding>,
    options: &ReadOptions,
    parallel: bool,
) -> BlocksRead {
    // Three passes read the blocks and nothing else: the data-table reader,
    // the OCR word count (both over the blocks the data tables did not
    // take) and the plan reader (the most work). A large document runs the
    // first two on a second thread while the plan reader starts at once,
    // as if no blocks were taken, and is told which were when the data
    // tables are read; if it has passed one by then, it reads again (see
    // `recognise::recognise_ahead`). The word count's table is freed long
    // before the plan is whole, so the two are never held at once.
    let claimed = std::sync::OnceLock::new();
    let ((tables, suspects), ahead) = beside(
        parallel,
        || {
            let tables = tables::read_tables(file_name, &blocks, options);
            let _ = claimed.set(tables.claimed.clone());
            let suspects = ocr::suspect_words(&blocks, &tables.claimed);
            (tables, suspects)
        },
        || recognise::recognise_ahead(file_name, &blocks, || claimed.get().map(Vec::as_slice)),
    );
    let (doc, plan_layouts) = match ahead {
        Some(read) if read.checked || tables.claimed.is_empty() => (read.doc, read.layouts),
        _ => recognise::recognise(file_name, &blocks, &tables.claimed),
    };
    BlocksRead {
        doc,
        plan_layouts,
        tables,
        suspects,
        notes,
    }
}

impl BlocksRead {
    /// The data tables' actions and indicators join the plan, and the
    /// findings are written.
    fn finish(self) -> (PlanDocument, Vec<TableLayout>) {
        let BlocksRead {
            mut doc,
            plan_layouts,
            tables,
            suspects,
            notes,
        } = self;
        if !tables.actions.is_empty() {
            if doc.plans.is_empty() {
                doc.plans.push(goldthread_domain::PlanDraft::new(
                    "Action plan",
                    PlanKind::Improvement,
                ));
            }
            doc.plans[0].actions.extend(tables.actions);
        }
        attach_indicators(&mut doc, tables.indicators, tables.period, tables.title);
        doc.findings.extend(tables.findings);
        findings::check(&mut doc);
        doc.findings.extend(suspects);
        doc.findings.splice(0..0, notes);
        let mut layouts = tables.layouts;
        layouts.extend(plan_layouts);
        layouts.sort_by(|a, b| (&a.sheet, a.line).cmp(&(&b.sheet, b.line)));
        (doc, layouts)
    }
}

/// Documents of at least this many blocks (lines) have their passes run on
/// two threads; smaller ones are read in a few milliseconds, and a thread
/// of their own would save little.
const PARALLEL_BLOCKS: usize = 20_000;

/// `a()` and `b()`, on two threads when `parallel` (`a` on the new one),
/// else one after the other (also when no thread can be started). Their
/// results are the same either way: the two share nothing but what they
/// read. A panic in either is carried on, as it would be on one thread.
pub(crate) fn beside<A, B>(
    parallel: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B,
) -> (A, B)
where
    A: Send,
{
    if !parallel {
        let a = a();
        return (a, b());
    }
    // Held where both threads can take it: if no thread can be started,
    // `a` is still here to run on this one.
    let slot = std::sync::Mutex::new(Some(a));
    let take = || slot.lock().ok().and_then(|mut a| a.take());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new().spawn_scoped(scope, || take().map(|a| a()));
        let b = b();
        let done = match spawned.map(std::thread::ScopedJoinHandle::join) {
            Ok(Ok(done)) => done,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Err(_) => None,
        };
        // Not started (no thread to be had): run here.
        let a = match done.or_else(|| take().map(|a| a())) {
            Some(a) => a,
            None => unreachable!("`a` is taken once, by the thread or here"),
        };
        (a, b)
    })
}

/// The data tables' indicators join the document's first plan; a document
/// that is nothing but data tables is a performance report.
fn attach_indicators(
    doc: &mut PlanDocument,
    indicators: Vec<goldthread_domain::Indicator>,
    period: Option<goldthread_domain::Period>,
    report_title: Option<String>,
) {
    if indicators.is_empty() {
        return;
    }
    if doc.plans.is_empty() {
        doc.plans.push(goldthread_domain::PlanDraft::new(
            "Performance report",
            PlanKind::Performance,
        ));
    }
    let plan = &mut doc.plans[0];
    if plan.actions.is_empty() && plan.nodes.is_empty() && plan.indicators.is_empty() {
        // A title that is only a year ("2024/25") or the file's name says
        // less than the report's own name for itself.
        let says_little = plan.title.starts_with(plan.kind.label())
            || plan.title.chars().filter(|c| c.is_alphabetic()).count() < 3;
        match report_title {
            Some(title) if says_little => plan.title = title,
            _ => {
                if let Some(rest) = plan.title.strip_prefix(plan.kind.label()) {
                    plan.title = format!("{}{rest}", PlanKind::Performance.label());
                }
            }
        }
        plan.kind = PlanKind::Performance;
        if plan.period.is_none() {
            plan.period = period
                .map(|p| goldthread_domain::PlanPeriod::single(p.financial_year()))
                .or_else(|| span_of(&indicators));
        }
    }
    plan.indicators.extend(indicators);
}

/// The financial years an indicator set's figures cover.
fn span_of(indicators: &[goldthread_domain::Indicator]) -> Option<goldthread_domain::PlanPeriod> {
    let years = indicators
        .iter()
        .flat_map(|i| i.measurements.iter().map(|m| m.period.financial_year()));
    let from = years.clone().min()?;
    let to = years.max()?;
    Some(goldthread_domain::PlanPeriod { from, to })
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The passes on two threads read what they read on one: a plan with
    /// no data table, one with a data table at its start (the plan reader
    /// has passed it when told, and reads again) and one with a data table
    /// at its end.
    #[test]
    fn two_threads_read_what_one_reads() {
        let header = "Code\tAction\tLead Officer\tDue Date\n";
        let body: String = (0..4_000)
            .map(|n| format!("HS{n}\tBuild {n} homes\tHead of Housing\tMarch 2025\n"))
            .collect();
        let table = "\nIndicator\tQ1\tQ2\tRAG\nRent collected (%)\t97\t98\tGreen\n\n";
        let title = "Housing Service Plan 2024/25\n";
        let documents = [
            format!("{title}{header}{body}"),
            format!("{title}{table}{header}{body}"),
            format!("{title}{header}{body}{table}"),
        ];
        for (n, text) in documents.iter().enumerate() {
            let read = |parallel| {
                let mut blocks = text::blocks(text);
                blocks::fields_as_rows(&mut blocks);
                blocks::records_as_rows(&mut blocks);
                let options = ReadOptions::default();
                read_blocks_in("plan.txt", blocks, Vec::new(), &options, parallel).finish()
            };
            let (one, two) = (read(false), read(true));
            assert_eq!(one.0.plans[0].actions.len(), 4_000, "document {n}");
            let indicators = one.0.plans[0].indicators.len();
            assert_eq!(indicators, usize::from(n > 0), "document {n}");
            assert_eq!(one, two, "document {n}");
        }
    }

    #[test]
    fn a_document_is_the_adopted_plan_unless_its_title_says_draft() {
        let status = |name: &str, text: &str| {
            read_document(name, text.as_bytes()).unwrap().document.plans[0].status
        };
        let plan = "Housing Service Plan 2018/19\n\nAction HS1: Build homes. Lead: Head of Housing. Due: March 2019\n";
        assert_eq!(status("plan.txt", plan), PlanStatus::Approved);
        let draft = plan.replace("Housing Service", "DRAFT Housing Service");
        assert_eq!(status("plan.txt", &draft), PlanStatus::Draft);
        // A word containing "draft" is not the word.
        let draftsman = plan.replace("Housing Service", "Draftsman Service");
        assert_eq!(status("plan.txt", &draftsman), PlanStatus::Approved);
    }
}
