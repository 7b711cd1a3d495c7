//! The pack, and the plan document, in each format councils use. Each
//! renderer reads the same `ReportPack` (or `PrintedPlan`); none computes
//! a figure of its own.

mod csv;
mod docx;
mod html;
mod plan_docx;
mod plan_typst;
mod typst;
mod xlsx;

use crate::pack::ReportPack;
use crate::plan_document::PrintedPlan;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Print-friendly HTML, one file.
    Html,
    /// Every action and indicator row, one CSV table.
    Csv,
    /// One sheet per table, frozen headings, number formats.
    Xlsx,
    /// An editable Word document.
    Docx,
    /// A PDF typeset in-process (Typst), with the pages' charts.
    Pdf,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Html,
        Format::Csv,
        Format::Xlsx,
        Format::Docx,
        Format::Pdf,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    /// As the report page offers it.
    pub fn label(self) -> &'static str {
        match self {
            Format::Html => "Web page to print (HTML)",
            Format::Csv => "Data (CSV)",
            Format::Xlsx => "Spreadsheet (Excel .xlsx)",
            Format::Docx => "Word document (.docx)",
            Format::Pdf => "PDF",
        }
    }

    /// The formats a plan document is written in: it is a document to
    /// read and edit, not a table of figures.
    pub const PLAN_DOCUMENT: [Format; 3] = [Format::Docx, Format::Pdf, Format::Html];

    pub fn parse(text: &str) -> Option<Format> {
        let text = text.trim().to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the HTML document could not be written: {0}")]
    Html(#[from] minijinja::Error),
    #[error("the CSV report could not be written: {0}")]
    Csv(String),
    #[error("the Excel report could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("the Word document could not be written: {0}")]
    Docx(String),
    #[error("the PDF could not be typeset: {0}")]
    Pdf(#[from] goldthread_pdf::PdfError),
    #[error("a plan document is not written as {}: choose docx, pdf or html", .0.as_str())]
    NotForPlans(Format),
}

pub fn render(pack: &ReportPack, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Html => Ok(html::render(pack)?.into_bytes()),
        Format::Csv => csv::render(pack),
        Format::Xlsx => xlsx::render(pack),
        Format::Docx => docx::render(pack),
        Format::Pdf => {
            let (markup, files) = typst::markup(pack);
            typeset(&markup, &files)
        }
    }
}

/// The plan document in `format`, one of `Format::PLAN_DOCUMENT`.
pub fn render_plan(plan: &PrintedPlan, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Docx => plan_docx::render(plan),
        Format::Pdf => typeset(&plan_typst::markup(plan), &[]),
        Format::Html => Ok(html::render_plan(plan)?.into_bytes()),
        Format::Csv | Format::Xlsx => Err(RenderError::NotForPlans(format)),
    }
}

fn typeset(markup: &str, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, RenderError> {
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    Ok(goldthread_pdf::render_pdf(&goldthread_pdf::Document {
        markup,
        files: &files,
    })?)
}

/// Every action row of the pack once, in thread order, with its plan and
/// the heading it sits under.
pub(crate) fn action_rows(
    pack: &ReportPack,
) -> impl Iterator<Item = (&str, &crate::pack::ActionRow)> {
    pack.plans.iter().flat_map(|plan| {
        plan.sections
            .iter()
            .flat_map(|s| s.actions.iter().map(move |a| (s.title.as_str(), a)))
    })
}

pub(crate) fn indicator_rows(
    pack: &ReportPack,
) -> impl Iterator<Item = (&str, &crate::pack::IndicatorRow)> {
    pack.plans.iter().flat_map(|plan| {
        plan.sections
            .iter()
            .flat_map(|s| s.indicators.iter().map(move |i| (s.title.as_str(), i)))
    })
}
