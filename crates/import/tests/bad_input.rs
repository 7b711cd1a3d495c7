//! Bad input gets a clear error naming the file, or a finding; never a
//! panic. Arbitrary text and CSV are tried by proptest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use goldthread_domain::FindingKind;
use goldthread_import::{ImportError, MAX_FILE_BYTES, read_document, read_text};
use proptest::prelude::*;

#[test]
fn empty_files_are_refused_by_name() {
    for bytes in [&b""[..], b"   \n\t\r\n"] {
        let err = read_document("empty.txt", bytes).unwrap_err();
        assert!(matches!(err, ImportError::Empty { .. }));
        assert_eq!(err.to_string(), "empty.txt: the file is empty");
    }
    assert!(matches!(
        read_text("blank.txt", "\n\n"),
        Err(ImportError::Empty { .. })
    ));
}

#[test]
fn binary_files_are_refused_with_the_offset() {
    let mut bytes = b"plan\tline\n".to_vec();
    bytes.extend([0u8, 159, 146, 150, 7, 0, 0, 1]);
    let err = read_document("photo.txt", &bytes).unwrap_err();
    assert!(
        matches!(err, ImportError::Binary { offset: 10, .. }),
        "{err}"
    );
    assert!(err.to_string().starts_with("photo.txt: "));
}

#[test]
fn truncated_word_and_excel_files_are_errors() {
    // A zip header that names the Word part but stops there.
    let mut docx = b"PK\x03\x04".to_vec();
    docx.extend(b"\x14\x00\x00\x00\x08\x00word/document.xml");
    let err = read_document("plan.docx", &docx).unwrap_err();
    assert!(
        matches!(err, ImportError::Container { format: "Word", .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("plan.docx: not a readable Word file")
    );

    let xlsx = b"PK\x03\x04\x14\x00\x00\x00xl/workbook.xml".to_vec();
    let err = read_document("plan.xlsx", &xlsx).unwrap_err();
    assert!(matches!(err, ImportError::Spreadsheet { .. }), "{err}");
    assert!(err.to_string().starts_with("plan.xlsx: "));
}

#[test]
fn word_file_with_broken_xml_names_the_part() {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(b"<w:document><w:body><w:p><w:t>cut</w:p></w:document>")
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let err = read_document("broken.docx", &bytes).unwrap_err();
    assert!(matches!(err, ImportError::Xml { .. }), "{err}");
    assert!(err.to_string().contains("word/document.xml"), "{err}");
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let big = vec![b'a'; MAX_FILE_BYTES + 1];
    let err = read_document("huge.txt", &big).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge { .. }));
    assert!(err.to_string().starts_with("huge.txt: the file is"));
}

#[test]
fn invalid_utf8_is_read_as_windows_1252_and_noted() {
    let bytes = b"Action Code\tAction\tDue Date\tLead Officer\nA1\tBudget \xa3500 for caf\xe9\tMarch 2018\tHead of Finance\n";
    let doc = read_document("plan.txt", bytes).expect("reads").document;
    let action = &doc.plans[0].actions[0];
    assert_eq!(action.title, "Budget £500 for café");
    assert!(
        doc.findings
            .iter()
            .any(|f| f.message.contains("not valid UTF-8"))
    );
}

#[test]
fn a_table_with_no_recognisable_header_is_a_finding() {
    let text = "Plan for things\n\nfoo\tbar\tbaz\n1\t2\t3\nqux\tquux\tcorge\n";
    let doc = read_text("odd.txt", text).expect("reads");
    let unrecognised: Vec<_> = doc
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::UnrecognisedTable)
        .collect();
    assert_eq!(unrecognised.len(), 1);
    assert_eq!(
        unrecognised[0].provenance.as_ref().and_then(|p| p.line),
        Some(3)
    );
    assert!(
        doc.findings
            .iter()
            .any(|f| f.kind == FindingKind::EmptyDocument)
    );
    // Nothing is lost: the rows are kept as narrative text.
    assert!(
        doc.plans[0]
            .sections
            .iter()
            .any(|s| s.body.contains("qux\tquux\tcorge"))
    );
}

#[test]
fn interchange_json_errors_name_line_and_version() {
    let err = read_document(
        "x.json",
        b"{\"goldthread\": 1, \"document\": {\"plans\": [}",
    )
    .unwrap_err();
    assert!(matches!(err, ImportError::Json { line: 1, .. }), "{err}");
    let err = read_document("x.json", b"{\"goldthread\": 2, \"document\": {}}").unwrap_err();
    assert!(
        matches!(err, ImportError::UnsupportedVersion { .. }),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "x.json: interchange version 2 is not supported (this build reads version 1)"
    );
}

#[test]
fn fifty_megabytes_of_text_is_read() {
    // Long lines of one repeated row: a big file that is still a plan.
    let row =
        "KA.1\tDo the thing\tMilestone one Milestone two\tApril 2017 May 2017\tHead of Service\n";
    let header = "Key Action No\tAction\tMeasure\tDeadline\tLead Officer\n";
    // 50 MB in release; a debug build reads a fifth of it to keep CI quick.
    let size = if cfg!(debug_assertions) { 10 } else { 50 } * 1024 * 1024;
    let mut text = String::with_capacity(size + row.len());
    text.push_str(header);
    while text.len() < size {
        text.push_str(row);
    }
    let doc = read_text("big.txt", &text).expect("reads");
    assert!(doc.plans[0].actions.len() > size / row.len() - 10);
}

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 .,:;()/&£%–-]{0,40}",
        Just("KA.1".to_string()),
        Just("Lead Officer".to_string()),
        Just("Deadline".to_string()),
        Just("Action".to_string()),
        Just("<b>Target:</b> <ul><li>x".to_string()),
        Just("1. One 2. Two (Jan 09)".to_string()),
        Just("April 2017 May 2017".to_string()),
        Just("MEHPI 1 – x. Collected Monthly".to_string()),
        Just("Achieved.".to_string()),
        Just("Revised completion date from X to Y".to_string()),
        Just("CORPORATE ACTION 3: x".to_string()),
        Just("Outcome: y".to_string()),
        Just("(72% in 2008)".to_string()),
        Just("&#xFFFFFFF; &amp &#;".to_string()),
        // Data tables' headings and cells.
        Just("Q2 2024/25".to_string()),
        Just("Latest".to_string()),
        Just("Previous".to_string()),
        Just("Jan – Mar 24".to_string()),
        Just("Dec-23".to_string()),
        Just("30/02/2013".to_string()),
        Just("2018-19;Q1".to_string()),
        Just("RAG rating".to_string()),
        Just("GREEN".to_string()),
        Just("↑".to_string()),
        Just("12,5".to_string()),
        Just("1,043,275".to_string()),
        Just("-".to_string()),
        Just("Local Authority".to_string()),
        Just("E06000005".to_string()),
        Just("Bury Metropolitan Borough Council".to_string()),
        Just("Status: Green".to_string()),
        Just("Latest: 94% Target: 90%, Floor: 85% Previous: 89% (Amber)".to_string()),
        Just("Période T2 – 2024/25 é".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn text_reader_never_panics(text in "\\PC{0,400}") {
        let _ = read_text("prop.txt", &text);
        let _ = read_document("prop.txt", text.as_bytes());
    }

    #[test]
    fn table_like_text_never_panics(rows in prop::collection::vec(prop::collection::vec(cell(), 1..8), 0..30)) {
        let text: String = rows.iter().map(|r| r.join("\t") + "\n").collect();
        let _ = read_text("prop.txt", &text);
        let csv: String = rows.iter().map(|r| r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(",") + "\r\n").collect();
        let _ = read_document("prop.csv", csv.as_bytes());
    }

    #[test]
    fn csv_reader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = read_document("prop.csv", &bytes);
        let _ = read_document("prop.txt", &bytes);
    }
}

/// A zip holding `parts`: (name, bytes), deflated.
fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_workbook_that_unpacks_a_thousand_times_over_is_refused_before_unpacking() {
    // A cell of 32 MB of one letter packs to some 32 KB.
    let mut sheet = b"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>".to_vec();
    sheet.resize(sheet.len() + 32 * 1024 * 1024, b'x');
    sheet.extend_from_slice(b"</t></is></c></row></sheetData></worksheet>");
    let bytes = zip_of(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", &sheet),
    ]);
    drop(sheet);
    assert!(bytes.len() < 256 * 1024, "{} bytes", bytes.len());
    let started = std::time::Instant::now();
    let err = read_document("bomb.xlsx", &bytes).unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "refused at once"
    );
    let message = err.to_string();
    assert!(
        matches!(
            err,
            ImportError::Limit {
                limit: "pack ratio",
                ..
            }
        ),
        "{message}"
    );
    assert!(
        message.starts_with("bomb.xlsx: refused: part xl/worksheets/sheet1.xml unpacks"),
        "{message}"
    );
    assert!(message.contains("limit of 200 times"), "{message}");
}

#[test]
fn limits_are_named_when_a_document_passes_them() {
    use goldthread_import::{Limits, ReadOptions, read_document_with};
    let limits = Limits {
        rows: 100,
        cell_chars: 50,
        xml_depth: 20,
        ..Limits::default()
    };
    let options = ReadOptions {
        limits,
        ..ReadOptions::default()
    };
    let rows = "Code\tAction\n".repeat(150);
    let err = read_document_with("long.txt", rows.as_bytes(), &options).unwrap_err();
    assert!(
        matches!(err, ImportError::Limit { limit: "rows", .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("over the rows limit of 100 rows"),
        "{err}"
    );

    let cell = format!("Code\tAction\nA1\t{}\n", "é".repeat(60));
    let err = read_document_with("wide.txt", cell.as_bytes(), &options).unwrap_err();
    assert!(
        err.to_string()
            .contains("a cell of 60 characters at line 2"),
        "{err}"
    );

    let nested = format!(
        "<w:document><w:body>{}<w:p><w:r><w:t>deep</w:t></w:r></w:p>{}</w:body></w:document>",
        "<w:tbl><w:tr><w:tc>".repeat(10),
        "</w:tc></w:tr></w:tbl>".repeat(10)
    );
    let bytes = zip_of(&[("word/document.xml", nested.as_bytes())]);
    let err = read_document_with("deep.docx", &bytes, &options).unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::Limit {
                limit: "XML depth",
                ..
            }
        ),
        "{err}"
    );
    // The same document within the default depth reads.
    assert!(read_document("deep.docx", &bytes).is_ok());
}

/// Every input in `fuzz/regressions/<target>/` (crashes the fuzzer found,
/// and inputs made to show the same faults), run as its fuzz target runs
/// it: each must now be read or refused, with no panic and no invariant
/// broken. See README.md, "Fuzzing".
#[test]
fn inputs_the_fuzzer_found_are_read_or_refused() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut inputs = Vec::new();
    for target in std::fs::read_dir(&root).expect("fuzz/regressions") {
        let target = target.expect("a target's folder").path();
        for input in std::fs::read_dir(&target).expect("a target's folder") {
            inputs.push((target.clone(), input.expect("an input").path()));
        }
    }
    inputs.sort();
    assert!(!inputs.is_empty(), "no inputs in {}", root.display());
    let mut failed = Vec::new();
    for (target, input) in &inputs {
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let bytes = std::fs::read(input).expect("an input");
        let run = std::panic::catch_unwind(|| goldthread_import::testing::fuzz::run(name, &bytes));
        if run.is_err() {
            failed.push(input.display().to_string());
        }
    }
    assert!(failed.is_empty(), "these inputs panic: {failed:#?}");
}

/// A sheet as the fuzz targets give one: XML, zipped with a workbook.
fn workbook_of(sheet: &str) -> Vec<u8> {
    goldthread_import::testing::fuzz::xlsx_of_parts(sheet.as_bytes())
}

fn sheet_of(rows: &str) -> String {
    format!(
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>"
    )
}

fn inline(at: &str, text: &str) -> String {
    format!("<c r=\"{at}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
}

#[test]
fn a_cell_outside_excels_grid_is_refused_by_name() {
    // calamine's reading of such a reference overflows: a panic in a debug
    // build, a wrapped place (and so a vast sheet) in a release build.
    for (at, row) in [("AAAAAAAAAAAA1", "1"), ("XFE1", "1"), ("A1", "99999999999")] {
        let sheet = sheet_of(&format!("<row r=\"{row}\">{}</row>", inline(at, "Action")));
        let err = read_document("grid.xlsx", &workbook_of(&sheet)).unwrap_err();
        assert!(matches!(err, ImportError::Spreadsheet { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("outside a sheet's columns A to XFD and rows 1 to 1048576"),
            "{err}"
        );
    }
    // A dimension that runs backwards (its size is found by subtraction).
    let sheet = sheet_of(&format!("<row r=\"1\">{}</row>", inline("A1", "Action")))
        .replace("<sheetData>", "<dimension ref=\"B2:A1\"/><sheetData>");
    let err = read_document("backwards.xlsx", &workbook_of(&sheet)).unwrap_err();
    assert!(err.to_string().contains("\"B2:A1\""), "{err}");
    // The grid's far corner is in it, and text that looks like a
    // reference is only text.
    let sheet = sheet_of(&format!(
        "<row r=\"1\">{}{}</row><row r=\"2\">{}{}</row>",
        inline("A1", "Action"),
        inline("B1", "Lead Officer"),
        inline("A2", "r=\"ZZZZZZZZ1\""),
        inline("B2", "Head of Finance"),
    ));
    let read = read_document("fine.xlsx", &workbook_of(&sheet)).expect("reads");
    assert_eq!(read.format, goldthread_domain::SourceFormat::Xlsx);
}

/// A workbook of one sheet with more parts beside it, as SharePoint and
/// Excel write them.
fn workbook_with(sheet: &str, workbook_rels: &str, more: &[(&str, &str)]) -> Vec<u8> {
    const TYPES: &str = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;
    const PACKAGE: &str = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const BOOK: &str = r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", TYPES.as_bytes()),
        ("_rels/.rels", PACKAGE.as_bytes()),
        ("xl/workbook.xml", BOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    parts.extend(more.iter().map(|(name, xml)| (*name, xml.as_bytes())));
    goldthread_import::testing::fuzz::zip_stored(&parts)
}

fn rels_to_sheet(target: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{target}"/></Relationships>"#
    )
}

#[test]
fn a_sharepoint_workbooks_custom_xml_is_not_taken_for_a_sheet() {
    // SharePoint saves its column schema beside the workbook; an XML
    // Schema's `ref` names an element, not a cell.
    let schema = r#"<?xml version="1.0"?><ct:contentTypeSchema xmlns:ct="http://schemas.microsoft.com/office/2006/metadata/contentType" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><xsd:schema><xsd:element name="properties"><xsd:complexType><xsd:sequence><xsd:element ref="ns2:MediaServiceMetadata" minOccurs="0"/></xsd:sequence></xsd:complexType></xsd:element></xsd:schema></ct:contentTypeSchema>"#;
    let sheet = sheet_of(&format!(
        "<row r=\"1\">{}{}</row><row r=\"2\">{}{}</row>",
        inline("A1", "Indicator"),
        inline("B1", "2023/24 outturn"),
        inline("A2", "Calls answered"),
        "<c r=\"B2\"><v>91</v></c>",
    ));
    let book = workbook_with(
        &sheet,
        &rels_to_sheet("worksheets/sheet1.xml"),
        &[
            ("customXml/item1.xml", schema),
            ("docProps/custom.xml", schema),
        ],
    );
    let read = read_document("sharepoint.xlsx", &book).expect("reads");
    let plan = &read.document.plans[0];
    assert_eq!(plan.indicators.len(), 1, "{:?}", read.document.findings);
    assert_eq!(
        plan.indicators[0]
            .measurements
            .first()
            .and_then(|m| m.value),
        Some(91.0),
        "{:?}",
        plan.indicators[0]
    );

    // A sheet the workbook sends outside `xl/` is still judged.
    let far = sheet_of(&format!("<row r=\"1\">{}</row>", inline("XFE1", "Action")));
    let book = workbook_with(
        &sheet,
        &rels_to_sheet("/customXml/item1.xml"),
        &[("customXml/item1.xml", &far)],
    );
    let err = read_document("moved.xlsx", &book).unwrap_err();
    assert!(err.to_string().contains("\"XFE1\""), "{err}");
    // However its relationship is written.
    let rels = rels_to_sheet("/customXml/item1.xml").replace(" Target=", "\n\tTarget=");
    let book = workbook_with(&sheet, &rels, &[("customXml/item1.xml", &far)]);
    let err = read_document("moved.xlsx", &book).unwrap_err();
    assert!(err.to_string().contains("\"XFE1\""), "{err}");
}

#[test]
fn a_sheet_whose_cells_lie_far_apart_is_refused_before_it_is_laid_out() {
    // Two cells at opposite corners: a rectangle of 17 billion places,
    // which calamine's `worksheet_range` would allocate (and so abort).
    let sheet = sheet_of(&format!(
        "<row r=\"1\">{}</row><row r=\"1048576\">{}</row>",
        inline("A1", "Action"),
        inline("XFD1048576", "Due")
    ));
    let err = read_document("corners.xlsx", &workbook_of(&sheet)).unwrap_err();
    assert!(
        err.to_string().contains(
            "spans 1048576 rows by 16384 columns (17179869184 cells), over the sheet cells limit"
        ),
        "{err}"
    );
    // Within the rows limit but as wide as the grid: every row would be
    // 16,384 cells, a gigabyte from a few kilobytes.
    let rows: String = (1..=3000)
        .map(|r| format!("<row r=\"{r}\">{}</row>", inline(&format!("XFD{r}"), "x")))
        .collect();
    let err = read_document("wide.xlsx", &workbook_of(&sheet_of(&rows))).unwrap_err();
    assert!(
        matches!(
            err,
            ImportError::Limit {
                limit: "sheet cells",
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("sheet \"Sheet1\" spans 3000 rows by 16384 columns (49152000 cells)"),
        "{err}"
    );
}

#[test]
fn an_opendocument_spreadsheet_named_xlsx_is_not_read() {
    // calamine reads OpenDocument too, repeating a row as often as the file
    // says: this file of a few hundred bytes held 4 GB for 11 seconds.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/regressions/read_xlsx/opendocument-repeated-cells.ods");
    let bytes = std::fs::read(path).expect("the file");
    let err = read_document("sheet.xlsx", &bytes).unwrap_err();
    assert!(matches!(err, ImportError::Spreadsheet { .. }), "{err}");
}
