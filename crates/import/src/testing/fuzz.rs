//! What each fuzz target in `fuzz/` does with its input, here so that the
//! regression tests run a crashing input exactly as the fuzzer did: the
//! target's tight limits, the wrapping of bare XML in a Word or Excel file,
//! and the invariants every read must keep beyond not panicking.

#![allow(
    clippy::panic,
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a fuzz target reports a broken invariant by panicking: that is how libFuzzer and the regression tests see it"
)]

use crate::{Limits, ReadDocument, ReadOptions, read_document_with, to_interchange_json};
use goldthread_domain::{
    DateContext, FinancialYear, FuzzyDate, Period, PlanDocument, Provenance, parse_figure,
};
use std::io::Write;
use std::time::Duration;

/// Runs one target on one input. Panics only where the code under test
/// panicked or broke an invariant.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "read_text" => {
            if let Some(read) = read("plan.txt", data) {
                check_lines(&read.document, data);
            }
        }
        "read_csv" => {
            if let Some(read) = read("data.csv", data) {
                check_lines(&read.document, data);
            }
        }
        // A zip ("PK…") is read as the file; anything else is the XML of
        // word/document.xml, zipped here, so that the fuzzer's changes
        // reach the XML reader instead of breaking the zip.
        "read_docx" if data.starts_with(b"PK") => drop(read("plan.docx", data)),
        "read_docx" => drop(read("plan.docx", &docx_of_xml(data))),
        // Likewise: a sheet's XML, then after a NUL byte the shared
        // strings', then after another the styles' (which make numbers
        // dates).
        "read_xlsx" if data.starts_with(b"PK") => drop(read("data.xlsx", data)),
        "read_xlsx" => drop(read("data.xlsx", &xlsx_of_parts(data))),
        "read_json" => read_json(data),
        "read_any" => {
            // The first byte picks the name the rest is read under.
            if let Some((&pick, bytes)) = data.split_first() {
                drop(read(ANY_NAMES[usize::from(pick) % ANY_NAMES.len()], bytes));
            }
        }
        "dates" => dates(&String::from_utf8_lossy(data)),
        _ => panic!("no fuzz target {target}"),
    }
}

/// The names `read_any` reads its input under: each format's, none, and
/// those refused by name.
pub const ANY_NAMES: [&str; 12] = [
    "plan.txt",
    "data.csv",
    "data.tsv",
    "plan.docx",
    "data.xlsx",
    "plan.json",
    "plan",
    "plan.doc",
    "plan.pdf",
    "plan.html",
    "data.ods",
    "PLAN.TXT",
];

/// Limits far below the defaults, sized to the targets' inputs: a read
/// that meets one returns an error, as it must, and none can run long
/// enough or grow big enough to hide a real hang or blow-up from
/// libFuzzer's own `-timeout` and `-rss_limit_mb`.
pub fn options() -> ReadOptions {
    ReadOptions {
        limits: Limits {
            file_bytes: 1024 * 1024,
            part_bytes: 4 * 1024 * 1024,
            unpacked_bytes: 16 * 1024 * 1024,
            parts: 256,
            pack_ratio: 200,
            rows: 50_000,
            sheet_cells: 1_000_000,
            cell_chars: 100_000,
            xml_depth: 128,
            time: Duration::from_secs(1),
        },
        ..ReadOptions::default()
    }
}

/// Reads `bytes` as `file_name`; an error is a fine answer, a panic is not.
pub fn read(file_name: &str, bytes: &[u8]) -> Option<ReadDocument> {
    let read = read_document_with(file_name, bytes, &options()).ok()?;
    check_indices(&read.document);
    Some(read)
}

/// Interchange JSON: what is read writes out and reads back in as the same
/// document ("export then import gives back exactly what was exported").
pub fn read_json(data: &[u8]) {
    let options = options();
    let Ok(read) = read_document_with("plan.json", data, &options) else {
        return;
    };
    let json = to_interchange_json(&read.document);
    let again = read_document_with("plan.json", json.as_bytes(), &options)
        .unwrap_or_else(|e| panic!("its own export is refused: {e}\n{json}"));
    assert_eq!(
        read.document, again.document,
        "the export reads back differently"
    );
}

/// The date parser, figures and periods. A date's earliest day is never
/// after its latest, a figure is a finite number, and a period's name
/// reads back as the same period.
pub fn dates(text: &str) {
    let contexts = [
        DateContext::default(),
        DateContext {
            financial_year: FinancialYear::starting(2017),
        },
    ];
    for context in contexts {
        let date = FuzzyDate::parse(text, context);
        if let (Some(earliest), Some(latest)) = (date.earliest, date.latest) {
            assert!(
                earliest <= latest,
                "{text:?} reads as {earliest} to {latest}"
            );
        }
    }
    if let Some(figure) = parse_figure(text) {
        assert!(
            figure.value.is_finite(),
            "{text:?} reads as {}",
            figure.value
        );
    }
    if let Ok(period) = text.parse::<Period>() {
        let shown = period.to_string();
        assert_eq!(
            shown.parse::<Period>().ok(),
            Some(period),
            "{text:?} is shown as {shown:?}"
        );
    }
}

/// Every index into a plan's nodes, actions and indicators is in range
/// (`PlanDraft`: "its parts refer to each other by index into the vectors
/// here"). This holds for what the readers build; interchange JSON is
/// taken as given, so it is not checked there.
pub fn check_indices(doc: &PlanDocument) {
    for (p, plan) in doc.plans.iter().enumerate() {
        let (nodes, actions, indicators) =
            (plan.nodes.len(), plan.actions.len(), plan.indicators.len());
        for (i, node) in plan.nodes.iter().enumerate() {
            if let Some(parent) = node.parent {
                assert!(
                    parent < nodes,
                    "plan {p} node {i}: parent {parent} of {nodes}"
                );
            }
        }
        for (i, action) in plan.actions.iter().enumerate() {
            for &n in &action.nodes {
                assert!(n < nodes, "plan {p} action {i}: node {n} of {nodes}");
            }
            for &n in &action.indicators {
                assert!(
                    n < indicators,
                    "plan {p} action {i}: indicator {n} of {indicators}"
                );
            }
        }
        for (i, indicator) in plan.indicators.iter().enumerate() {
            for &n in &indicator.nodes {
                assert!(n < nodes, "plan {p} indicator {i}: node {n} of {nodes}");
            }
        }
        for (i, risk) in plan.risks.iter().enumerate() {
            for &n in &risk.nodes {
                assert!(n < nodes, "plan {p} risk {i}: node {n} of {nodes}");
            }
            for &n in &risk.actions {
                assert!(n < actions, "plan {p} risk {i}: action {n} of {actions}");
            }
        }
    }
}

/// Every place the document names, each with what it belongs to.
pub fn provenances(doc: &PlanDocument) -> Vec<(String, &Provenance)> {
    fn add<'d>(out: &mut Vec<(String, &'d Provenance)>, what: String, p: &'d Option<Provenance>) {
        if let Some(p) = p {
            out.push((what, p));
        }
    }
    let mut out = Vec::new();
    for (i, f) in doc.findings.iter().enumerate() {
        add(
            &mut out,
            format!("finding {i} ({})", f.kind.as_str()),
            &f.provenance,
        );
    }
    for (p, plan) in doc.plans.iter().enumerate() {
        for (i, x) in plan.nodes.iter().enumerate() {
            add(&mut out, format!("plan {p} node {i}"), &x.provenance);
        }
        for (i, x) in plan.actions.iter().enumerate() {
            add(&mut out, format!("plan {p} action {i}"), &x.provenance);
            for (m, x) in x.milestones.iter().enumerate() {
                add(
                    &mut out,
                    format!("plan {p} action {i} milestone {m}"),
                    &x.provenance,
                );
            }
        }
        for (i, x) in plan.indicators.iter().enumerate() {
            add(&mut out, format!("plan {p} indicator {i}"), &x.provenance);
        }
        for (i, x) in plan.risks.iter().enumerate() {
            add(&mut out, format!("plan {p} risk {i}"), &x.provenance);
        }
        for (i, x) in plan.sections.iter().enumerate() {
            add(&mut out, format!("plan {p} section {i}"), &x.provenance);
        }
    }
    out
}

/// For text and CSV, read line by line: every line a document names is a
/// line of the file. Lines end at `\n` for both readers; a UTF-16 file has
/// a 0x0A byte for each of its line feeds, so the bound holds there too.
pub fn check_lines(doc: &PlanDocument, bytes: &[u8]) {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    for (what, place) in provenances(doc) {
        if let Some(line) = place.line {
            assert!(
                line >= 1 && line as usize <= lines,
                "{what}: line {line} of a file of {lines} lines"
            );
        }
    }
}

/// A zip of the given parts, stored as they are: a change to a compressed
/// part mostly breaks the compression instead of reaching the XML.
pub fn zip_stored(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        zip.start_file(*name, options).expect("a zip in memory");
        zip.write_all(bytes).expect("a zip in memory");
    }
    zip.finish().expect("a zip in memory").into_inner()
}

/// A Word file whose `word/document.xml` is `xml`.
pub fn docx_of_xml(xml: &[u8]) -> Vec<u8> {
    zip_stored(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", xml),
    ])
}

/// An Excel file of one sheet from `sheet XML \0 shared strings XML \0
/// styles XML`; an empty or missing part is left out.
pub fn xlsx_of_parts(data: &[u8]) -> Vec<u8> {
    let mut parts = data.splitn(3, |&b| b == 0);
    let sheet = parts.next().unwrap_or_default();
    let mut files: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(strings) = parts.next().filter(|p| !p.is_empty()) {
        files.push(("xl/sharedStrings.xml", strings));
    }
    if let Some(styles) = parts.next().filter(|p| !p.is_empty()) {
        files.push(("xl/styles.xml", styles));
    }
    zip_stored(&files)
}

const CONTENT_TYPES: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;
const PACKAGE_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
