use crate::util::*;
use regex::Regex;

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

const HOUSING_PLAN: &str = "Housing Service Plan 2017/18\n\
\n\
Objective\tCode\tAction\tLead Officer\tDue Date\tProgress at 30 June 2017\n\
More homes for local people\tHS1\tBuild 100 affordable homes\tHead of Housing\tMarch 2018\tOn track. Sites identified.\n\
More homes for local people\tHS2\tBring empty homes back into use\tHead of Housing\tDecember 2017\tAchieved. Forty homes back in use.\n\
Safer streets\tHS3\tFit new street lights\tHead of Community Safety\tSeptember 2017\tAt risk. Supplier late.\n\
\n\
PI Code\tIndicator\tFrequency\t2017/18 Target\tQ1\tQ2\n\
HPI 1\tNumber of affordable homes delivered\tQuarterly\t100\t20\t30\n";

/// The same plan as a later, leaner version: no objectives, no progress,
/// no indicators, and one action fewer.
const HOUSING_PLAN_LEAN: &str = "Housing Service Plan 2017/18\n\
\n\
Code\tAction\tLead Officer\tDue Date\n\
HS1\tBuild 100 affordable homes\tHead of Housing\tMarch 2018\n\
HS2\tBring empty homes back into use\tHead of Housing\tDecember 2017\n";

async fn page(web: &Browser, path: &str) -> String {
    web.http
        .get(web.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn exported(s: &Scratch) -> serde_json::Value {
    let _ = std::fs::remove_file(s.path().join("export.json"));
    assert!(
        s.run(&["export", "--output", "export.json"])
            .status
            .success()
    );
    let text = std::fs::read_to_string(s.path().join("export.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["document"]["plans"][0].clone()
}

#[tokio::test]
async fn a_leaner_reimport_needs_replace_keeps_ids_and_never_loses_what_was_recorded() {
    let s = Scratch::new();
    let full = s.write("housing.txt", HOUSING_PLAN.as_bytes());
    let lean = s.write("housing-lean.txt", HOUSING_PLAN_LEAN.as_bytes());
    let (full, lean) = (full.to_str().unwrap(), lean.to_str().unwrap());
    assert!(s.run(&["import", full]).status.success());

    // Record progress on HS3 and a value on HPI 1 in Goldthread.
    let server = Server::start(&s, &[]);
    let web = Browser::admin(&server).await;
    let plans = web.api_plans().await;
    let plan_id = plans[0]["id"].as_i64().unwrap();
    let tree = page(&web, &format!("/plans/{plan_id}")).await;
    let ids = |tree: &str| -> Vec<i64> {
        ["HS1 ", "HS2 ", "HS3 "]
            .iter()
            .map(|code| link_id(tree, "actions", code))
            .collect()
    };
    let action_ids = ids(&tree);
    let hs3 = page(&web, &format!("/actions/{}", action_ids[2])).await;
    let version = Regex::new(r#"name="version" value="([^"]*)""#)
        .unwrap()
        .captures(&hs3)
        .expect("version")[1]
        .to_string();
    let today = chrono::Utc::now().date_naive().to_string();
    let (status, _, _) = web
        .post(
            &format!("/actions/{}", action_ids[2]),
            &[
                ("version", version.as_str()),
                ("status", "on_track"),
                ("as_at", today.as_str()),
                ("commentary", "New supplier found; lights going in."),
            ],
        )
        .await;
    assert_eq!(status, 303);

    // Without --replace: nothing stored, the difference shown, a failure.
    let out = s.run(&["import", lean]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.contains("would change"), "{stdout}");
    assert!(
        stdout.contains("removed: objective 'More homes for local people'"),
        "{stdout}"
    );
    assert!(
        stdout.contains("kept: action HS3 'Fit new street lights'"),
        "{stdout}"
    );
    assert!(stderr.contains("re-run with --replace"), "{stderr}");
    let json = s.run(&["import", "--json", lean]);
    assert!(!json.status.success());
    let report = stdout_json(&json);
    let doc = &report["documents"][0];
    assert_eq!(doc["import"]["status"], "needs_confirmation");
    let diff = &doc["plans_diff"][0];
    assert_eq!(diff["status"], "changed");
    assert_eq!(diff["plan_id"], plan_id);
    assert!(
        diff["removed"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!({"kind": "objective", "code": null, "title": "More homes for local people"})),
        "{diff}"
    );
    assert_eq!(exported(&s)["actions"].as_array().unwrap().len(), 3);
    assert_eq!(exported(&s)["nodes"].as_array().unwrap().len(), 2);

    // With --replace: merged in place.
    let out = s.run(&["import", "--replace", lean]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(": updated"));

    // The full text again, with --replace: everything is back.
    let out = s.run(&["import", "--replace", full]);
    assert!(out.status.success());
    let plans = web.api_plans().await;
    assert_eq!(plans.as_array().unwrap().len(), 1, "{plans}");
    assert_eq!(plans[0]["id"], plan_id, "/plans/{plan_id} still works");
    assert_eq!(plans[0]["actions"], 3);
    assert_eq!(plans[0]["indicators"], 1);
    let tree = page(&web, &format!("/plans/{plan_id}")).await;
    assert_eq!(ids(&tree), action_ids, "actions keep their ids");

    let plan = exported(&s);
    let titles = |key: &str| -> Vec<String> {
        plan[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["title"].as_str().unwrap().to_string())
            .collect()
    };
    let mut objectives = titles("nodes");
    objectives.sort();
    assert_eq!(
        objectives,
        vec!["More homes for local people", "Safer streets"]
    );
    let updates = |code: &str| -> Vec<String> {
        plan["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == code)
            .unwrap_or_else(|| panic!("{code}"))["updates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["commentary"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(updates("HS1"), vec!["On track. Sites identified."]);
    assert_eq!(updates("HS2"), vec!["Achieved. Forty homes back in use."]);
    assert_eq!(
        updates("HS3"),
        vec![
            "At risk. Supplier late.",
            "New supplier found; lights going in."
        ]
    );
    for action in plan["actions"].as_array().unwrap() {
        assert_eq!(action["nodes"].as_array().unwrap().len(), 1, "{action}");
    }
    let values: Vec<(String, f64)> = plan["indicators"][0]["measurements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["period"].as_str().unwrap().to_string(),
                m["value"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        values,
        vec![
            ("2017/18 Q1".to_string(), 20.0),
            ("2017/18 Q2".to_string(), 30.0)
        ]
    );

    // And the full text once more is unchanged.
    let out = s.run(&["import", "--json", full]);
    assert!(out.status.success());
    assert_eq!(
        stdout_json(&out)["documents"][0]["plans_diff"][0]["status"],
        "unchanged"
    );
}

#[test]
fn a_document_with_nothing_recognised_is_refused() {
    let s = Scratch::new();
    let file = s.write(
        "notes.txt",
        b"Minutes of the meeting\n\nThe committee noted the report.\n",
    );
    let out = s.run(&["import", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("one error line: {stderr}"));
    assert!(
        line.contains("notes.txt: nothing was recognised in this document"),
        "{line}"
    );
    assert!(
        line.contains("--dry-run") && line.contains("--mapping"),
        "{line}"
    );
    // It has no table, so it says what a table needs to be found.
    assert!(line.contains("no table was found in it to map"), "{line}");
    // Nothing was stored: the export holds no plan.
    let export = s.run(&["export"]);
    assert!(export.status.success());
    let exported = String::from_utf8_lossy(&export.stdout);
    assert!(!exported.contains("\"title\""), "{exported}");
}

#[tokio::test]
async fn the_web_preview_shows_the_difference_and_replaces_only_when_the_box_is_ticked() {
    let s = Scratch::new();
    let server = Server::start(&s, &[]);
    let web = Browser::admin(&server).await;
    let upload = |bytes: &'static str| {
        let web = &web;
        async move {
            Ok::<_, reqwest::Error>(web.upload("housing.txt", bytes.as_bytes().to_vec()).await)
        }
    };
    let token = |html: &str| {
        Regex::new(r#"action="/import/([0-9a-f]+)""#)
            .unwrap()
            .captures(html)
            .expect("a confirm form")[1]
            .to_string()
    };
    let decide = |token: String, form: Vec<(&'static str, &'static str)>| {
        web.http
            .post(web.url(&format!("/import/{token}?csrf_token={}", web.csrf)))
            .form(&form)
            .send()
    };

    let html = upload(HOUSING_PLAN).await.unwrap().text().await.unwrap();
    assert!(html.contains("New plan"), "{html}");
    assert!(!html.contains("Replace the stored plan(s) with this version"));
    let done = decide(token(&html), vec![("decision", "confirm")])
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 200);
    let plan_id = web.api_plans().await[0]["id"].as_i64().unwrap();

    let html = upload(HOUSING_PLAN_LEAN)
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Would change"), "{html}");
    assert!(html.contains("Removed (4)"), "{html}");
    assert!(html.contains("objective &#x27;More homes for local people&#x27;"));
    assert!(html.contains(r#"<label class="govuk-label govuk-checkboxes__label" for="replace">Replace the stored plan(s) with this version</label>"#));

    // Confirming without the box: nothing changes, the preview again with an error.
    let again = decide(token(&html), vec![("decision", "confirm")])
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 400);
    let again = again.text().await.unwrap();
    assert!(again.contains("There is a problem"));
    assert!(again.contains("Tick the box to replace the stored plans"));
    assert!(again.contains("Would change"));
    assert_eq!(web.api_plans().await[0]["actions"], 3, "nothing stored");

    let done = decide(
        token(&again),
        vec![("decision", "confirm"), ("replace", "yes")],
    )
    .await
    .unwrap();
    assert_eq!(done.status().as_u16(), 200);
    assert!(done.text().await.unwrap().contains("Updated"));
    let plans = web.api_plans().await;
    assert_eq!(plans.as_array().unwrap().len(), 1);
    assert_eq!(plans[0]["id"], plan_id);
    assert_eq!(
        plans[0]["actions"], 2,
        "HS3, with nothing recorded, is removed"
    );
}

/// A KPI return whose figure columns the importer cannot place: their
/// headings say nothing of what or when.
const KPI_RETURN: &str = "Housing KPI return 2024/25 Q2\n\
\n\
Ref\tMeasure\tFigure A\tFigure B\n\
H1\tAffordable homes delivered\t120\t95\n\
H2\tEmpty homes back in use\t40\t38\n\
H3\tHomeless households prevented\t300\t280\n";

const KPI_MAPPING: &str = r#"{ "goldthread_mapping": 1,
  "tables": [ { "headings": ["Ref", "Measure", "Figure A", "Figure B"],
    "columns": [ {"heading": "Ref", "role": "code"}, {"heading": "Measure", "role": "title"},
      {"heading": "Figure A", "role": "target", "period": "2024/25"},
      {"heading": "Figure B", "role": "value", "period": "current"} ] } ] }"#;

#[test]
fn a_mapping_given_once_is_remembered_for_the_same_table_layout() {
    let s = Scratch::new();
    let mapping = s.write("mapping.json", KPI_MAPPING.as_bytes());
    let q2 = s.write("kpi-q2.txt", KPI_RETURN.as_bytes());
    let q3 = s.write(
        "kpi-q3.txt",
        KPI_RETURN
            .replace("2024/25 Q2", "2024/25 Q3")
            .replace("\t95\n", "\t99\n")
            .as_bytes(),
    );
    let columns = |out: &std::process::Output| -> Vec<(String, String, String)> {
        stdout_json(out)["documents"][0]["tables"][0]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["heading"].as_str().unwrap().to_string(),
                    c["role"].as_str().unwrap().to_string(),
                    c["confidence"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };

    // Without a mapping the figures are values of no known period.
    let guessed = s.run(&["import", "--dry-run", "--json", q2.to_str().unwrap()]);
    assert!(guessed.status.success());
    assert_eq!(columns(&guessed)[2].1, "value");
    assert_ne!(columns(&guessed)[2].2, "given");

    let stored = s.run(&[
        "import",
        "--mapping",
        mapping.to_str().unwrap(),
        q2.to_str().unwrap(),
    ]);
    assert!(stored.status.success());

    // The next return, same layout, no --mapping: read as remembered.
    let out = s.run(&[
        "import",
        "--dry-run",
        "--json",
        "--print-mapping",
        "printed.json",
        q3.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let columns = columns(&out);
    let roles: Vec<&str> = columns.iter().map(|c| c.1.as_str()).collect();
    assert_eq!(roles, ["code", "title", "target", "value"]);
    assert!(columns.iter().all(|c| c.2 == "given"), "{columns:?}");
    let report = stdout_json(&out);
    let h2 = &report["documents"][0]["indicators"][1];
    assert_eq!(h2["targets"][0]["period"], "2024/25", "{h2}");
    assert_eq!(
        h2["values"][0]["period"], "2024/25 Q3",
        "current, this time"
    );
    let printed = std::fs::read_to_string(s.path().join("printed.json")).unwrap();
    assert!(
        printed.contains("\"Figure A\"") && printed.contains("\"target\""),
        "the remembered layout used is printed: {printed}"
    );

    // The file wins over what is remembered.
    let other = s.write(
        "other.json",
        KPI_MAPPING
            .replace(r#""role": "target""#, r#""role": "ignore""#)
            .as_bytes(),
    );
    let out = s.run(&[
        "import",
        "--dry-run",
        "--json",
        "--mapping",
        other.to_str().unwrap(),
        q3.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert_eq!(
        stdout_json(&out)["documents"][0]["tables"][0]["columns"][2]["role"],
        "ignore"
    );
}

#[tokio::test]
async fn the_web_preview_lets_the_user_say_what_a_column_holds_and_remembers_it() {
    let s = Scratch::new();
    let server = Server::start(&s, &[]);
    let web = Browser::admin(&server).await;
    let upload = |name: &'static str, text: String| {
        let web = &web;
        async move { Ok::<_, reqwest::Error>(web.upload(name, text.into_bytes()).await) }
    };
    let token = |html: &str| {
        Regex::new(r#"action="/import/([0-9a-f]+)""#)
            .unwrap()
            .captures(html)
            .expect("the preview form")[1]
            .to_string()
    };
    let count = |html: &str, label: &str| -> String {
        Regex::new(&format!(
            r#"<dt class="govuk-summary-list__key">{label}</dt><dd class="govuk-summary-list__value">(\d+)</dd>"#
        ))
        .unwrap()
        .captures(html)
        .unwrap_or_else(|| panic!("a count of {label}: {html}"))[1]
            .to_string()
    };
    let decide = |token: String, form: Vec<(&'static str, &'static str)>| {
        web.http
            .post(web.url(&format!("/import/{token}?csrf_token={}", web.csrf)))
            .form(&form)
            .send()
    };
    // What a browser sends: every select and period box.
    let corrected = |decision: &'static str, target_period: &'static str| {
        vec![
            ("t0c0role", "code"),
            ("t0c1role", "title"),
            ("t0c2role", "target"),
            ("t0c2period", target_period),
            ("t0c3role", "value"),
            ("t0c3period", "current"),
            ("decision", decision),
        ]
    };

    let html = upload("kpi-q2.txt", KPI_RETURN.to_string())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(
            r#"<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Table 1, line 3"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"<label class="govuk-label govuk-visually-hidden" for="t0c2role">What column ‘Figure A’ holds</label>"#));
    assert!(html.contains(r#"<option value="value" selected>"#));
    assert!(!html.contains(r#"<option value="target" selected>"#));
    assert!(
        html.contains(r#"id="t0c3period" name="t0c3period""#),
        "a period box for values"
    );
    assert!(!html.contains(r#"name="t0c0period""#), "none for codes");
    assert_eq!(count(&html, "Targets"), "0");
    assert_eq!(count(&html, "Values"), "0");

    // A period that is not one: the preview again, with the error.
    let bad = decide(token(&html), corrected("update", "next year"))
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let bad = bad.text().await.unwrap();
    assert!(bad.contains("There is a problem"));
    assert!(
        bad.contains(
            r##"<a href="#t0c2period">Enter the period column &#x27;Figure A&#x27; is for"##
        ),
        "{bad}"
    );
    assert!(
        bad.contains(r#"value="next year""#),
        "what was typed is kept"
    );

    let updated = decide(token(&bad), corrected("update", "2024/25"))
        .await
        .unwrap();
    assert_eq!(updated.status().as_u16(), 200);
    let updated = updated.text().await.unwrap();
    assert!(
        updated.contains(r#"<option value="target" selected>"#),
        "{updated}"
    );
    assert_eq!(count(&updated, "Targets"), "3");
    assert_eq!(count(&updated, "Values"), "3");
    assert!(updated.contains(r#"<strong class="govuk-tag govuk-tag--blue">given</strong>"#));
    assert!(
        web.api_plans().await.as_array().unwrap().is_empty(),
        "nothing stored yet"
    );

    let done = decide(token(&updated), corrected("confirm", "2024/25"))
        .await
        .unwrap();
    assert_eq!(done.status().as_u16(), 200);
    assert!(done.text().await.unwrap().contains("Imported"));
    assert_eq!(web.api_plans().await[0]["indicators"], 3);

    // The next quarter's return, same layout: read as the user said.
    let next = upload("kpi-q3.txt", KPI_RETURN.replace("2024/25 Q2", "2024/25 Q3"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        next.contains(r#"<option value="target" selected>"#),
        "{next}"
    );
    assert_eq!(
        next.matches(r#"govuk-tag--blue">given</strong>"#).count(),
        4
    );
    assert!(
        next.contains(r#"name="t0c3period" type="text" value="2024&#x2f;25 Q3""#),
        "current is this file's quarter"
    );
    assert_eq!(count(&next, "Values"), "3");
}

#[test]
fn text_then_word_then_text_keeps_every_action_objective_update_and_value() {
    let s = Scratch::new();
    let text = s.write("housing.txt", HOUSING_PLAN.as_bytes());
    let word = s.write(
        "housing.docx",
        &goldthread_import::testing::docx_of(HOUSING_PLAN).expect("docx"),
    );
    let (text, word) = (text.to_str().unwrap(), word.to_str().unwrap());
    assert!(s.run(&["import", text]).status.success());
    let before = exported(&s);
    // The Word version says the same: unchanged, or a difference that
    // --replace merges without losing anything.
    let out = s.run(&["import", "--replace", "--json", word]);
    assert!(out.status.success());
    let status = stdout_json(&out)["documents"][0]["plans_diff"][0]["status"].clone();
    assert!(status == "unchanged" || status == "changed", "{status}");
    assert!(s.run(&["import", "--replace", text]).status.success());
    let after = exported(&s);
    for part in ["actions", "nodes", "indicators"] {
        let titles = |plan: &serde_json::Value| -> Vec<String> {
            plan[part]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["title"].as_str().unwrap_or("").to_string())
                .collect()
        };
        assert_eq!(titles(&after), titles(&before), "{part} all still there");
    }
    let count = |plan: &serde_json::Value, key: &str, inner: &str| -> usize {
        plan[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x[inner].as_array().map_or(0, Vec::len))
            .sum()
    };
    assert_eq!(
        count(&after, "actions", "updates"),
        count(&before, "actions", "updates")
    );
    assert_eq!(count(&after, "actions", "updates"), 3);
    assert_eq!(
        count(&after, "indicators", "measurements"),
        count(&before, "indicators", "measurements")
    );
    assert_eq!(count(&after, "indicators", "measurements"), 2);
}
