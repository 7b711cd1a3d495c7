//! The same plan as Word, Excel, CSV and Goldthread JSON reads to the same
//! actions as the text: every format goes through one recogniser. The
//! files are built here from the real samples' rows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use goldthread_domain::{Action, PlanDocument, SourceFormat};
use goldthread_import::{read_document, read_text, to_interchange_json};

/// The samples' copies kept with the demo, so the tests run on a fresh clone.
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../cli/demo/");

fn sample_text(stem: &str) -> Option<(String, String)> {
    let dir = std::path::Path::new(DIR);
    // The samples are kept in the repository: missing is a failure.
    assert!(dir.is_dir(), "samples not found in {DIR}");
    let entry = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with(stem))?;
    let text = std::fs::read_to_string(entry.path()).ok()?;
    Some((entry.file_name().to_string_lossy().to_string(), text))
}

/// What a reader of the plan compares: everything but where it was found.
fn summary(doc: &PlanDocument) -> Vec<String> {
    let show = |a: &Action| {
        format!(
            "{:?} | {} | {:?} | {:?} | {:?} | {:?} | {:?} | {:?}",
            a.code,
            a.title,
            a.lead_officers.iter().map(|l| &l.name).collect::<Vec<_>>(),
            a.due.as_ref().map(|d| &d.text),
            a.milestones
                .iter()
                .map(|m| (&m.title, m.due.as_ref().map(|d| &d.text)))
                .collect::<Vec<_>>(),
            a.updates
                .iter()
                .map(|u| (u.status, u.as_at))
                .collect::<Vec<_>>(),
            a.revisions
                .iter()
                .map(|r| (&r.from.text, &r.to.text))
                .collect::<Vec<_>>(),
            a.details,
        )
    };
    doc.plans
        .iter()
        .flat_map(|p| p.actions.iter().map(show))
        .collect()
}

fn rows(text: &str) -> Vec<Vec<&str>> {
    text.lines()
        .map(|l| l.trim_end_matches('\r').split('\t').collect())
        .collect()
}

fn xlsx_of(text: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows(text).iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                sheet.write_string(r as u32, c as u16, *cell).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("xlsx")
}

fn csv_of(text: &str, delimiter: char) -> String {
    let quote = |c: &str| {
        if c.contains([delimiter, '"', '\n']) || c.starts_with(' ') {
            format!("\"{}\"", c.replace('"', "\"\""))
        } else {
            c.to_string()
        }
    };
    rows(text)
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| quote(c))
                .collect::<Vec<_>>()
                .join(&delimiter.to_string())
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn same_actions_in_every_format(stem: &str) {
    let Some((name, text)) = sample_text(stem) else {
        return;
    };
    let base = name.trim_end_matches(".txt");
    let expected = summary(&read_text(&name, &text).expect("text"));
    assert!(expected.len() > 20, "{stem}: {} actions", expected.len());

    let xlsx = read_document(&format!("{base}.xlsx"), &xlsx_of(&text)).expect("xlsx");
    assert_eq!(xlsx.format, SourceFormat::Xlsx);
    assert_eq!(summary(&xlsx.document), expected, "xlsx");
    let first = &xlsx.document.plans[0].actions[0];
    assert_eq!(
        first.provenance.as_ref().and_then(|p| p.sheet.as_deref()),
        Some("Sheet1")
    );

    let docx = read_document(
        &format!("{base}.docx"),
        &goldthread_import::testing::docx_of(&text).expect("docx"),
    )
    .expect("docx");
    assert_eq!(docx.format, SourceFormat::Docx);
    assert_eq!(summary(&docx.document), expected, "docx");
    let first = &docx.document.plans[0].actions[0];
    assert!(
        first
            .provenance
            .as_ref()
            .and_then(|p| p.sheet.as_deref())
            .is_some_and(|s| s.starts_with("table "))
    );

    let csv = read_document(&format!("{base}.csv"), csv_of(&text, ',').as_bytes()).expect("csv");
    assert_eq!(csv.format, SourceFormat::Csv);
    assert_eq!(summary(&csv.document), expected, "csv");

    let tsv =
        read_document(&format!("{base}.csv"), csv_of(&text, '\t').as_bytes()).expect("tab csv");
    assert_eq!(summary(&tsv.document), expected, "tab-separated csv");
}

#[test]
fn sample_003_reads_the_same_as_xlsx_docx_and_csv() {
    same_actions_in_every_format("003_");
}

#[test]
fn sample_002_reads_the_same_as_xlsx_docx_and_csv() {
    same_actions_in_every_format("002_");
}

#[test]
fn windows_1252_csv_as_excel_saves_it() {
    let Some((name, text)) = sample_text("001_") else {
        return;
    };
    // Windows-1252 has no ❑ bullet; Excel would have written something else.
    let text = text.replace('❑', "*");
    let expected = summary(&read_text(&name, &text).expect("text"));
    let csv = csv_of(&text, ',');
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&csv);
    assert!(!unmappable, "sample fits Windows-1252");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the £ signs are not UTF-8 now"
    );
    let doc = read_document("001.csv", &bytes).expect("1252 csv").document;
    assert_eq!(summary(&doc), expected);
    assert!(doc.plans.iter().flat_map(|p| &p.actions).any(|a| {
        a.details
            .get(goldthread_domain::DetailField::Resources)
            .is_some_and(|r| r.contains('£'))
    }));
}

#[test]
fn interchange_json_round_trips_exactly() {
    for stem in ["000_", "001_", "002_", "003_", "004_"] {
        let Some((name, text)) = sample_text(stem) else {
            return;
        };
        let doc = read_text(&name, &text).expect("text");
        let json = to_interchange_json(&doc);
        assert!(json.starts_with("{\n  \"goldthread\": 1,"));
        let back = read_document("export.json", json.as_bytes()).expect("json");
        assert_eq!(back.format, SourceFormat::Json);
        assert_eq!(back.document, doc, "{stem}");
        assert_eq!(to_interchange_json(&back.document), json);
    }
}

#[test]
fn a_word_tables_merged_heading_keeps_the_columns_after_it_in_place() {
    // "Lead officer" merged across two columns over a name and a post.
    let text = "Housing Service Plan 2024/25\n\
                Code\tAction\t{span=2}Lead officer\tDue date\n\
                HS1\tBuild 200 homes\tJo Smith\tHead of Housing\tMarch 2025\n\
                HS2\tReview allocations\tAl Jones\tHousing Options Manager\tJune 2025\n";
    let docx = goldthread_import::testing::docx_of(text).expect("docx");
    let read = read_document("plan.docx", &docx).expect("reads");
    let dues: Vec<Option<&str>> = read.document.plans[0]
        .actions
        .iter()
        .map(|a| a.due.as_ref().map(|d| d.text.as_str()))
        .collect();
    assert_eq!(dues, [Some("March 2025"), Some("June 2025")]);
}

#[test]
fn a_word_tables_cell_merged_down_the_rows_is_read_in_each() {
    let text = "Housing Service Plan 2024/25\n\
                Code\tAction\tLead officer\tDue date\n\
                HS1\tBuild 200 homes\tHead of Housing\tMarch 2025\n\
                HS2\tReview allocations\t{merged}\tJune 2025\n\
                HS3\tEnd rough sleeping\tHousing Options Manager\tMarch 2026\n";
    let docx = goldthread_import::testing::docx_of(text).expect("docx");
    let read = read_document("plan.docx", &docx).expect("reads");
    let leads: Vec<Vec<&str>> = read.document.plans[0]
        .actions
        .iter()
        .map(|a| a.lead_officers.iter().map(|o| o.name.as_str()).collect())
        .collect();
    assert_eq!(
        leads,
        [
            vec!["Head of Housing"],
            vec!["Head of Housing"],
            vec!["Housing Options Manager"]
        ]
    );
}
