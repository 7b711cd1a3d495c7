//! Data tables through the real binary: files that are not documents,
//! the mapping written out, edited and given back, and a bad mapping file.

use crate::util::{Scratch, stdout_json as json};
use serde_json::Value;

#[test]
fn files_that_are_not_documents_are_refused_with_what_they_are() {
    let s = Scratch::new();
    for (name, bytes, what) in [
        (
            "report.pdf",
            &b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"[..],
            "a PDF",
        ),
        ("chart.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "an image"),
        ("tracker.js", b"var data = [{\"kpi\": 1}];", "a script"),
    ] {
        let path = s.write(name, bytes);
        let out = s.run(&["import", path.to_str().unwrap()]);
        assert!(!out.status.success(), "{name} refused");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(
            lines[0].contains(name) && lines[0].contains(what),
            "{}",
            lines[0]
        );
    }
    // Nothing was stored.
    assert!(
        !s.path().join("goldthread-data/goldthread.sqlite").exists() || {
            let export = s.run(&["export"]);
            !String::from_utf8_lossy(&export.stdout).contains("\"title\"")
        }
    );
}

#[test]
fn a_printed_mapping_edited_and_given_back_changes_the_reading() {
    let s = Scratch::new();
    // "Figure A" is the target and "Figure B" the quarter's value, which no
    // heading says: the importer guesses both are values with no period.
    let file = s.write(
        "kpis-2024-25-q2.txt",
        "Ref\tMeasure\tFigure A\tFigure B\n\
         HS1\tRent collected (%)\t98\t97.5\n\
         HS2\tVoid homes\t20\t24\n"
            .as_bytes(),
    );
    let file = file.to_str().unwrap();
    let printed = s.path().join("mapping.json");
    let out = s.run(&[
        "import",
        "--dry-run",
        "--json",
        "--print-mapping",
        printed.to_str().unwrap(),
        file,
    ]);
    let report = json(&out);
    let columns = &report["documents"][0]["tables"][0]["columns"];
    assert_eq!(columns[2]["role"], "value");
    assert!(
        report["documents"][0]["indicators"][0]["values"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let mut mapping: Value =
        serde_json::from_str(&std::fs::read_to_string(&printed).unwrap()).unwrap();
    assert_eq!(mapping["goldthread_mapping"], 1);
    let table = &mut mapping["tables"][0];
    assert_eq!(table["headings"][2], "Figure A");
    table["columns"][2]["role"] = "target".into();
    table["columns"][2]["period"] = "2024/25".into();
    table["columns"][3]["period"] = "2024/25 Q2".into();
    std::fs::write(&printed, serde_json::to_string_pretty(&mapping).unwrap()).unwrap();

    let out = s.run(&[
        "import",
        "--dry-run",
        "--json",
        "--mapping",
        printed.to_str().unwrap(),
        file,
    ]);
    assert!(out.status.success());
    let report = json(&out);
    let doc = &report["documents"][0];
    assert_eq!(doc["tables"][0]["columns"][2]["role"], "target");
    assert_eq!(doc["tables"][0]["columns"][2]["confidence"], "given");
    let rent = &doc["indicators"][0];
    assert_eq!(rent["values"][0]["period"], "2024/25 Q2");
    assert_eq!(rent["values"][0]["value"], 97.5);
    assert_eq!(rent["values"][0]["target"], 98.0);
}

#[test]
fn a_bad_mapping_file_is_refused_naming_the_field() {
    let s = Scratch::new();
    let file = s.write("kpis.txt", b"Ref\tMeasure\tQ1\nHS1\tRent\t97\n");
    let mapping = s.write(
        "mapping.json",
        br#"{"goldthread_mapping": 1, "tables": [{"headings": ["Ref", "Measure", "Q1"],
            "columns": [{"heading": "Ref", "role": "code"}, {"heading": "Measure", "role": "title"},
                        {"heading": "Q1", "role": "valeu"}]}]}"#,
    );
    let out = s.run(&[
        "import",
        "--dry-run",
        "--mapping",
        mapping.to_str().unwrap(),
        file.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mapping.json")
            && stderr.contains("tables[0].columns[2] ('Q1'): role 'valeu' is not one of"),
        "{stderr}"
    );
}
