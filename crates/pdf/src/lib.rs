//! Typst markup in, PDF bytes out.
//!
//! The Typst compiler runs in-process: no external program, no network, no
//! package downloads and no system fonts. The fonts are the ones bundled
//! with Typst (Libertinus Serif, New Computer Modern, New Computer Modern
//! Math, DejaVu Sans Mono), loaded once per process and shared, so the same
//! markup gives the same bytes on every machine.
//!
//! ```no_run
//! use goldthread_pdf::{Document, escape, render_pdf};
//!
//! let commentary = "Spend is 5% *under* budget #good";
//! let markup = format!("= Quarter 2\n\n{}", escape(commentary));
//! let pdf = render_pdf(&Document { markup: &markup, files: &[] })?;
//! assert!(pdf.starts_with(b"%PDF"));
//! # Ok::<(), goldthread_pdf::PdfError>(())
//! ```
//!
//! [`render_pdf`] is safe to call from many threads at once (for example on
//! tokio's blocking pool). It is CPU-bound: don't call it on an async task.

mod escape;
mod raster;
mod world;

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::Smart;
use typst::{World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

pub use escape::{escape, string_literal};
pub use raster::{Png, RasterError, svg_to_png};

use world::MemoryWorld;

/// What to render: the main Typst markup and the virtual files it may read.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The main Typst source, as if it were the file `/main.typ`.
    pub markup: &'a str,
    /// Files the markup can read, by name: `("chart1.svg", bytes)` is read
    /// with `#image("chart1.svg")`. Names are paths relative to the main
    /// file (`"charts/q1.svg"` works too); `.typ` files can be `#include`d.
    /// Nothing else is readable: there is no file system and no packages.
    ///
    /// Typst interns every path it sees for the life of the process (at most
    /// 65,535 of them), so prefer stable names such as `chart1.svg` over
    /// names made unique per render.
    pub files: &'a [(&'a str, &'a [u8])],
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The markup has errors (syntax, an unknown function, a missing file,
    /// an image that would not decode, …).
    #[error("the document has {}: {}", count(.0.len(), "error"), list(.0))]
    Compile(Vec<Diagnostic>),
    /// The laid-out document could not be written as PDF.
    #[error("the PDF could not be written: {}", list(.0))]
    Export(Vec<Diagnostic>),
    /// A name in [`Document::files`] is not a usable path.
    #[error("the file name {name:?} cannot be used: {reason}")]
    FileName {
        /// The name as given.
        name: String,
        /// Why not.
        reason: String,
    },
    /// The compiler panicked: a bug in Typst, caught so that it is an error
    /// for this document rather than a crash.
    #[error("the Typst compiler failed unexpectedly: {0}")]
    Internal(String),
}

/// One message from the compiler, with where it points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The compiler's message, e.g. `unknown variable: foo`.
    pub message: String,
    /// The file it points into: `None` for the main markup, else the name
    /// of one of [`Document::files`], e.g. `chart1.svg`.
    pub file: Option<String>,
    /// 1-based line, where the message points into a text file.
    pub line: Option<usize>,
    /// 1-based column (in characters), where the message points into a
    /// text file.
    pub column: Option<usize>,
    /// The compiler's hints, e.g. `if you meant to display multiple
    /// dollar signs, …`.
    pub hints: Vec<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if let Some(file) = &self.file {
            place.push(file.clone());
        }
        if let Some(line) = self.line {
            place.push(format!("line {line}"));
        }
        if let Some(column) = self.column {
            place.push(format!("column {column}"));
        }
        if !place.is_empty() {
            write!(f, "{}: ", place.join(", "))?;
        }
        f.write_str(&self.message)?;
        for hint in &self.hints {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn list(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(Diagnostic::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders the document as PDF.
///
/// The result is deterministic: the same document gives the same bytes (no
/// creation date is written unless the markup sets one with
/// `#set document(date: …)`, and `datetime.today()` is an error). Compiler
/// warnings are not reported; errors are, with their line and column.
pub fn render_pdf(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let outcome = catch_unwind(AssertUnwindSafe(|| render(doc)));
    // Typst memoises across compilations in a process-wide cache. Results
    // not reused by the last few renders are dropped, so a long-running
    // server's memory stays bounded.
    typst::comemo::evict(10);
    match outcome {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_owned());
            Err(PdfError::Internal(message))
        }
    }
}

fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let world = MemoryWorld::new(doc)?;
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errors| PdfError::Compile(diagnostics(&world, &errors)))?;
    let options = PdfOptions {
        // No timestamp: the PDF carries no creation date of its own.
        timestamp: None,
        creator: Smart::Custom(Some("Goldthread".to_owned())),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options)
        .map_err(|errors| PdfError::Export(diagnostics(&world, &errors)))
}

fn diagnostics(world: &MemoryWorld, errors: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    errors
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let (file, line, column) = place(world, d);
            Diagnostic {
                message: d.message.to_string(),
                file,
                line,
                column,
                hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
            }
        })
        .collect()
}

type Place = (Option<String>, Option<usize>, Option<usize>);

/// Where a diagnostic points: the file (unless it is the main markup) and
/// the 1-based line and column of the start of its span.
fn place(world: &MemoryWorld, diagnostic: &SourceDiagnostic) -> Place {
    let Some(id) = diagnostic.span.id() else {
        return (None, None, None);
    };
    let file = (id != world.main()).then(|| id.vpath().get_without_slash().to_owned());
    let start = world.range(diagnostic.span).map(|range| range.start);
    let line_column = start.and_then(|start| match world.source(id) {
        Ok(source) => source.lines().byte_to_line_column(start),
        // An external file that is not Typst (an SVG, say): count in its
        // bytes where they are text.
        Err(_) => world
            .file(id)
            .ok()
            .and_then(|bytes| line_column_in_bytes(bytes.as_slice(), start)),
    });
    match line_column {
        Some((line, column)) => (file, Some(line + 1), Some(column + 1)),
        None => (file, None, None),
    }
}

fn line_column_in_bytes(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let before = std::str::from_utf8(bytes.get(..at)?).ok()?;
    let line = before.matches('\n').count();
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    Some((line, column))
}
