use crate::util::*;

#[test]
fn dry_run_json_follows_the_contract_and_stores_nothing() {
    let s = Scratch::new();
    let out = s.run(&[
        "import",
        "--dry-run",
        "--json",
        sample(SAMPLE_002).to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let report = stdout_json(&out);
    let doc = &report["documents"][0];
    assert_eq!(doc["format"], "text");
    assert!(doc["file"].as_str().unwrap().ends_with(SAMPLE_002));
    for key in [
        "priorities",
        "outcomes",
        "objectives",
        "actions",
        "milestones",
        "indicators",
        "targets",
        "updates",
        "risks",
    ] {
        assert!(doc["counts"][key].is_u64(), "counts.{key}");
    }
    let plan = &doc["plans"][0];
    assert_eq!(plan["kind"], "service");
    assert_eq!(plan["period"]["from"], "2017-04-01");
    assert_eq!(plan["period"]["to"], "2020-03-31");
    let ka1 = doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "KA.1")
        .expect("KA.1");
    assert_eq!(
        ka1["lead_officers"],
        serde_json::json!(["Head of Housing and Health"])
    );
    assert_eq!(ka1["milestones"].as_array().unwrap().len(), 3, "{ka1}");
    assert!(
        ka1["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "MEHPI 132"),
        "{ka1}"
    );
    assert!(ka1["line"].as_u64().unwrap() > 0);
    let findings = doc["findings"].as_array().unwrap();
    assert!(findings.iter().any(
        |f| f["kind"] == "duplicate-code" && f["message"].as_str().unwrap().contains("KA.124")
    ));
    assert!(
        !s.path().join("goldthread-data").exists(),
        "a dry run creates no database"
    );
}

#[test]
fn importing_the_same_document_twice_does_not_duplicate_it() {
    let s = Scratch::new();
    let file = sample(SAMPLE_003);
    let first = s.run(&["import", file.to_str().unwrap()]);
    assert!(first.status.success());
    assert!(String::from_utf8_lossy(&first.stdout).contains(": stored"));
    let second = s.run(&["import", "--json", file.to_str().unwrap()]);
    assert!(second.status.success());
    assert_eq!(
        stdout_json(&second)["documents"][0]["import"]["status"],
        "unchanged"
    );
}

#[test]
fn bad_files_are_refused_with_the_file_named_and_nothing_stored() {
    let s = Scratch::new();
    let empty = s.write("empty.txt", b"");
    let binary = s.write(
        "random.bin",
        &(0..4096u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
            .collect::<Vec<_>>(),
    );
    let truncated = s.write(
        "broken.xlsx",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00truncated",
    );
    for file in [&empty, &binary, &truncated] {
        let out = s.run(&["import", file.to_str().unwrap()]);
        assert!(!out.status.success(), "{} should fail", file.display());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("error: ")
                && stderr.contains(file.file_name().unwrap().to_str().unwrap()),
            "{stderr}"
        );
    }
    let out = s.run(&[
        "import",
        "--json",
        sample(SAMPLE_000).to_str().unwrap(),
        empty.to_str().unwrap(),
    ]);
    assert!(!out.status.success(), "one bad file fails the run");
    let report = stdout_json(&out);
    assert_eq!(
        report["documents"][0]["import"]["status"], "created",
        "the good file is still stored"
    );
    assert!(
        report["documents"][1]["error"]
            .as_str()
            .unwrap()
            .contains("empty.txt")
    );
}

#[test]
fn export_then_import_round_trips_exactly() {
    let s = Scratch::new();
    for sample_name in [SAMPLE_002, SAMPLE_003] {
        assert!(
            s.run(&["import", sample(sample_name).to_str().unwrap()])
                .status
                .success()
        );
    }
    let out = s.run(&["export", "--output", "plans.json"]);
    assert!(out.status.success());
    // The exported plans read back to the same actions, indicators and findings as the database holds…
    let exported = s.run(&["import", "--dry-run", "--json", "plans.json"]);
    assert!(exported.status.success());
    let exported = stdout_json(&exported)["documents"][0].clone();
    assert_eq!(exported["format"], "json");
    let mut originals = Vec::new();
    for sample_name in [SAMPLE_002, SAMPLE_003] {
        let out = s.run(&[
            "import",
            "--dry-run",
            "--json",
            sample(sample_name).to_str().unwrap(),
        ]);
        originals.push(stdout_json(&out)["documents"][0].clone());
    }
    let concat = |key: &str| -> Vec<serde_json::Value> {
        originals
            .iter()
            .flat_map(|d| d[key].as_array().unwrap().clone())
            .collect()
    };
    assert_eq!(
        exported["actions"].as_array().unwrap(),
        &concat("actions"),
        "actions round-trip"
    );
    assert_eq!(
        exported["indicators"].as_array().unwrap(),
        &concat("indicators"),
        "indicators round-trip"
    );
    assert_eq!(
        exported["findings"].as_array().unwrap(),
        &concat("findings"),
        "findings round-trip"
    );
    // …and a second export of a fresh database loaded from it is byte-identical.
    let copy = Scratch::new();
    let exported_path = s.path().join("plans.json");
    assert!(
        copy.run(&["import", exported_path.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        copy.run(&["export", "--output", "again.json"])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read(copy.path().join("again.json")).unwrap(),
        std::fs::read(&exported_path).unwrap()
    );
}
