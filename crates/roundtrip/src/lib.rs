//! A plan's progress through Excel and back. `export` writes the workbook
//! an officer fills in (`layout` names its sheets and columns, `write`
//! lays it out); `read` turns a filled one back into the rows that say
//! something; `preview` checks each against the domain's entry rules and
//! the records as they stand now, showing what each change does and which
//! records someone changed since the export (conflicts); `apply` stores a
//! preview through storage's `record_all`: every change or none.
//!
//! Invariants: a workbook is read within the importer's limits and is
//! refused whole, with the reason, when it is not a Goldthread progress
//! workbook or is for another plan; every problem with a cell is named by
//! sheet, row and column; nothing is stored from a preview with problems,
//! and a conflict is stored only when the caller asks to overwrite.

mod apply;
mod current;
pub mod layout;
mod preview;
mod read;
mod write;

pub use apply::{Applied, apply};
pub use current::PlanProgress;
pub use preview::{Change, Conflict, Preview, Problem, Who, preview};
pub use read::{Filled, MAX_BYTES, read};
pub use write::export;

/// Why a workbook cannot be exported or read at all.
#[derive(Debug, thiserror::Error)]
pub enum RoundtripError {
    /// Not a progress workbook, another plan's, or unreadable: the whole
    /// file is refused, with what to do.
    #[error("{0}")]
    Refused(String),
    /// The preview has problems: nothing was stored.
    #[error("nothing was stored: the workbook has {0} problem(s) to correct first")]
    HasProblems(usize),
    #[error(transparent)]
    Store(#[from] goldthread_storage::StoreError),
    #[error("cannot write the workbook: {0}")]
    Write(#[from] rust_xlsxwriter::XlsxError),
}
