//! A plan's progress through Excel and back, with the real binary and the
//! real server: export, fill cells, preview, conflicts, apply, refusals.

use crate::util::*;
use calamine::{Data, Reader, Xlsx};
use std::collections::BTreeMap;

type Sheets = Vec<(String, BTreeMap<(u32, u32), Data>)>;

fn sheets(bytes: &[u8]) -> Sheets {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let (r0, c0) = range.start().unwrap_or((0, 0));
            let mut cells = BTreeMap::new();
            for (r, row) in range.rows().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    if *cell != Data::Empty {
                        cells.insert((r0 + r as u32, c0 + c as u32), cell.clone());
                    }
                }
            }
            (name, cells)
        })
        .collect()
}

/// A copy of the workbook with `edits` (sheet, row, column, text) made, as
/// an officer filling it in (or a careless one) would.
fn filled(bytes: &[u8], edits: &[(&str, u32, u16, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, mut cells) in sheets(bytes) {
        for (sheet, row, col, text) in edits {
            if *sheet == name {
                cells.insert((*row, u32::from(*col)), Data::String(text.to_string()));
            }
        }
        let out = book.add_worksheet().set_name(&name).unwrap();
        for ((r, c), cell) in cells {
            let c = c as u16;
            match cell {
                Data::Float(f) => out.write_number(r, c, f).map(|_| ()),
                Data::Int(i) => out.write_number(r, c, i as f64).map(|_| ()),
                Data::String(s) => out.write_string(r, c, s).map(|_| ()),
                Data::DateTime(d) => out.write_number(r, c, d.as_f64()).map(|_| ()),
                other => out.write_string(r, c, other.to_string()).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// The row (from 0) of `sheet` whose code column says `code` (the last,
/// for an indicator: its latest open period).
fn row_of(bytes: &[u8], sheet: &str, code: &str) -> u32 {
    let (_, cells) = sheets(bytes).into_iter().find(|(n, _)| n == sheet).unwrap();
    cells
        .iter()
        .filter(|((_, c), v)| *c == 2 && **v == Data::String(code.to_string()))
        .map(|((r, _), _)| *r)
        .next_back()
        .unwrap_or_else(|| panic!("no row for {code} in {sheet}"))
}

fn cell(bytes: &[u8], sheet: &str, row: u32, col: u32) -> String {
    let (_, cells) = sheets(bytes).into_iter().find(|(n, _)| n == sheet).unwrap();
    cells
        .get(&(row, col))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_plans_progress_goes_through_excel_and_back_with_conflicts_left_alone() {
    let s = Scratch::new();
    for (backend, database) in databases("roundtrip_cli").await {
        let db: Vec<&str> = database.iter().map(String::as_str).collect();
        let run = |args: &[&str]| {
            let mut all: Vec<&str> = args.to_vec();
            all.extend(&db);
            s.run(&all)
        };
        let service = sample(SAMPLE_002);
        let other = sample(SAMPLE_003);
        assert!(
            run(&["import", service.to_str().unwrap(), other.to_str().unwrap()])
                .status
                .success()
        );
        let store = open_store(&s, &database).await;
        let plans = store.list_plans().await.unwrap();
        let plan = plans
            .iter()
            .find(|p| p.title.contains("2017/18"))
            .unwrap()
            .id;
        let other_plan = plans.iter().find(|p| p.id != plan).unwrap().id;
        let plan_arg = plan.to_string();

        let book = s.path().join(format!("progress-{backend}.xlsx"));
        let out = run(&[
            "progress",
            "export",
            "--plan",
            &plan_arg,
            "--out",
            book.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{backend}: export");
        let exported = std::fs::read(&book).unwrap();
        let ka1 = row_of(&exported, "Actions", "KA.1");
        let ka2 = row_of(&exported, "Actions", "KA.2");
        let mehpi = row_of(&exported, "Indicators", "MEHPI 132");
        let period = cell(&exported, "Indicators", mehpi, 5);
        assert_eq!(cell(&exported, "Actions", 0, 10), "New status");
        assert!(cell(&exported, "Actions", ka1, 4).contains("Head of Housing and Health"));

        let edits = [
            ("Actions", ka1, 10, "At risk"),
            (
                "Actions",
                ka1,
                11,
                "Awaiting the partner council's sign-off",
            ),
            ("Actions", ka1, 12, "31/03/2018"),
            ("Indicators", mehpi, 8, "87.5"),
            ("Indicators", mehpi, 9, "From the DFG system"),
        ];
        let officer_copy = s.write(
            &format!("filled-{backend}.xlsx"),
            &filled(&exported, &edits),
        );

        // The preview names exactly the two changes, and stores nothing.
        let preview = run(&[
            "progress",
            "import",
            officer_copy.to_str().unwrap(),
            "--json",
        ]);
        assert!(preview.status.success(), "{backend}: preview");
        let report = stdout_json(&preview);
        let changes = report["preview"]["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 2, "{backend}: {report}");
        assert_eq!(changes[0]["row"], ka1 + 1);
        assert_eq!(
            changes[0]["becomes"],
            "At risk, as at 31 March 2018: Awaiting the partner council's sign-off"
        );
        assert_eq!(changes[1]["period"], period.as_str());
        assert_eq!(changes[1]["becomes"], "87.5 (note: From the DFG system)");
        assert!(changes.iter().all(|c| c["conflict"].is_null()));
        assert!(report["applied"].is_null());
        let ka1_id = changes[0]["record_id"].as_i64().unwrap();
        let mehpi_id = changes[1]["record_id"].as_i64().unwrap();
        let updates_before = store.action_detail(ka1_id).await.unwrap().updates.len();

        // Someone updates KA.1 after the export.
        let theirs = filled(
            &exported,
            &[
                ("Actions", ka1, 10, "On track"),
                ("Actions", ka1, 11, "Someone else's update"),
                ("Actions", ka2, 10, "Achieved"),
                ("Actions", ka2, 11, "Done and dusted"),
            ],
        );
        let theirs = s.write(&format!("theirs-{backend}.xlsx"), &theirs);
        let out = run(&[
            "progress",
            "import",
            theirs.to_str().unwrap(),
            "--apply",
            "--actor",
            "someone else",
        ]);
        assert!(out.status.success());
        assert_eq!(
            store.action_detail(ka1_id).await.unwrap().updates.len(),
            updates_before + 1
        );

        // The officer's copy now conflicts on KA.1; applying leaves it alone.
        let out = run(&[
            "progress",
            "import",
            officer_copy.to_str().unwrap(),
            "--apply",
            "--json",
            "--actor",
            "the officer",
        ]);
        assert!(out.status.success());
        let report = stdout_json(&out);
        let changes = report["preview"]["changes"].as_array().unwrap();
        assert_eq!(
            changes[0]["conflict"]["changed_by"], "someone else",
            "{backend}: {report}"
        );
        assert!(changes[1]["conflict"].is_null());
        assert_eq!(report["applied"]["stored"], 1);
        assert_eq!(report["applied"]["skipped"], 1);
        let detail = store.action_detail(ka1_id).await.unwrap();
        assert!(
            detail
                .updates
                .iter()
                .any(|u| u.commentary == "Someone else's update")
        );
        assert!(
            !detail
                .updates
                .iter()
                .any(|u| u.commentary.starts_with("Awaiting")),
            "{backend}: the conflict is not overwritten"
        );
        let value = store.indicator_detail(mehpi_id).await.unwrap();
        let stored = value.values.iter().find(|v| v.period == period).unwrap();
        assert_eq!(stored.value, Some(87.5));
        assert_eq!(stored.recorded_by.as_deref(), Some("the officer"));
        assert_eq!(stored.note.as_deref(), Some("From the DFG system"));

        // Asked to, it overwrites: both rows are conflicts now, both stored.
        let out = run(&[
            "progress",
            "import",
            officer_copy.to_str().unwrap(),
            "--apply",
            "--overwrite-conflicts",
            "--actor",
            "the officer",
        ]);
        assert!(out.status.success());
        let detail = store.action_detail(ka1_id).await.unwrap();
        let latest = detail
            .updates
            .iter()
            .find(|u| u.commentary == "Awaiting the partner council's sign-off")
            .expect("overwritten");
        assert_eq!(latest.status, goldthread_domain::ActionStatus::AtRisk);
        assert_eq!(latest.author.as_deref(), Some("the officer"));
        let history = store.history_of("actions", ka1_id).await.unwrap();
        assert!(
            history.iter().any(|h| h.actor == "the officer"),
            "{backend}: the history names the actor"
        );

        // Bad cells are refused by sheet, row and column; nothing is stored.
        let updates = store.action_detail(ka1_id).await.unwrap().updates.len();
        let bad = filled(
            &exported,
            &[
                ("Actions", ka1, 10, "Gren"),
                ("Actions", ka1, 11, "Words"),
                ("Actions", ka2, 10, "On track"),
                ("Actions", ka2, 11, "Fine"),
                ("Indicators", mehpi, 5, "2017/18 Q5"),
                ("Indicators", mehpi, 8, "12"),
                ("Indicators", mehpi - 1, 8, "about ten"),
            ],
        );
        let bad = s.write(&format!("bad-{backend}.xlsx"), &bad);
        let out = run(&["progress", "import", bad.to_str().unwrap(), "--apply"]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "Actions!K{}: 'Gren' is not a status; use one of Not started, On track",
                ka1 + 1
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "Indicators!F{}: '2017/18 Q5' is not a period",
                mehpi + 1
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "Indicators!I{}: 'about ten' is not a number",
                mehpi
            )),
            "{err}"
        );
        assert!(err.contains("nothing was stored"));
        assert_eq!(
            store.action_detail(ka1_id).await.unwrap().updates.len(),
            updates,
            "KA.2's good row is not stored alone"
        );

        // An edited key, another plan's workbook, a file that is no workbook.
        let edited = filled(
            &exported,
            &[
                ("Actions", ka1, 0, &ka2.to_string()),
                ("Actions", ka1, 10, "On track"),
                ("Actions", ka1, 11, "x"),
            ],
        );
        let edited = s.write(&format!("edited-{backend}.xlsx"), &edited);
        let out = run(&["progress", "import", edited.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains(&format!("Actions!A{}: the hidden key of this row", ka1 + 1))
        );
        let out = run(&[
            "progress",
            "import",
            officer_copy.to_str().unwrap(),
            "--plan",
            &other_plan.to_string(),
        ]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains(&format!("This workbook is for plan {plan}")),
            "{}",
            stderr(&out)
        );
        let text = s.write("notes.xlsx", b"KA.1\tAt risk\n");
        let out = run(&["progress", "import", text.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("is not an Excel workbook"));
        let plan_doc = s.write("plan.xlsx", &{
            let mut book = rust_xlsxwriter::Workbook::new();
            book.add_worksheet().write_string(0, 0, "Action").unwrap();
            book.save_to_buffer().unwrap()
        });
        let out = run(&["progress", "import", plan_doc.to_str().unwrap()]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("is not a Goldthread progress workbook"));
        store.close().await;
        // The next backend starts from an empty database.
        let _ = std::fs::remove_dir_all(s.path().join("goldthread-data"));
    }
}

#[tokio::test]
async fn the_plan_page_downloads_the_workbook_and_its_upload_is_previewed_then_stored() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let web = Browser::admin(&server).await;
    let plans = web.api_plans().await;
    let find = |pick: &dyn Fn(&serde_json::Value) -> bool| {
        plans.as_array().unwrap().iter().find(|p| pick(p)).unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let plan =
        find(&|p| p["title"].as_str().unwrap().contains("2017/18") && p["kind"] == "service");
    let other = find(&|p| p["id"].as_i64().unwrap() != plan);
    let (_, page) = web.get(&format!("/plans/{plan}")).await;
    assert!(page.contains(&format!("href=\"/plans/{plan}/progress.xlsx\"")));
    let response = web
        .http
        .get(web.url(&format!("/plans/{plan}/progress.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let exported = response.bytes().await.unwrap().to_vec();
    let ka1 = row_of(&exported, "Actions", "KA.1");
    let mehpi = row_of(&exported, "Indicators", "MEHPI 132");
    let mine = filled(
        &exported,
        &[
            ("Actions", ka1, 10, "Off track"),
            ("Actions", ka1, 11, "Partner council withdrew"),
            ("Actions", ka1, 12, "2018-03-31"),
            ("Indicators", mehpi, 8, "91"),
        ],
    );
    let upload = |bytes: Vec<u8>, plan: i64| {
        let web = &web;
        async move {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("progress.xlsx"),
            );
            let response = web
                .http
                .post(web.url(&format!("/plans/{plan}/progress?csrf_token={}", web.csrf)))
                .multipart(form)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    // Another plan's workbook, and a file that is not one, are refused.
    let (status, html) = upload(mine.clone(), other).await;
    assert_eq!(status, 422);
    assert!(html.contains(&format!("This workbook is for plan {plan}")));
    let (status, html) = upload(b"not a workbook".to_vec(), plan).await;
    assert_eq!(status, 422);
    assert!(html.contains("is not an Excel workbook"));

    let (status, html) = upload(mine.clone(), plan).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Nothing has been stored yet."));
    assert!(html.contains("Off track, as at 31 March 2018: Partner council withdrew"));
    assert!(html.contains(&format!("data-row=\"Indicators!{}\"", mehpi + 1)));
    assert!(!html.contains("data-conflict"));

    // KA.1 is updated on its own page while the preview waits.
    let ka1_id: i64 = regex::Regex::new(r#"href="/actions/(\d+)">KA\.1 "#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .parse()
        .unwrap();
    let (_, action) = web.get(&format!("/actions/{ka1_id}")).await;
    let version = hidden(&action, "version");
    let form = [
        ("version", version.as_str()),
        ("status", "on_track"),
        ("as_at", "2018-03-30"),
        ("commentary", "Edited on the page"),
    ];
    assert_eq!(web.post(&format!("/actions/{ka1_id}"), &form).await.0, 303);
    let token = regex::Regex::new(r#"action="/plans/\d+/progress/([0-9a-f]+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_string();
    let fingerprint = hidden(&html, "fingerprint");
    // The preview no longer says what would happen: shown again, not stored.
    let (status, html, _) = web
        .post(
            &format!("/plans/{plan}/progress/{token}"),
            &[("decision", "confirm"), ("fingerprint", &fingerprint)],
        )
        .await;
    assert_eq!(status, 400);
    assert!(html.contains("The plan changed after you checked this preview"));
    assert!(html.contains("data-conflict=\"yes\""));
    assert!(html.contains("Changed by Test admin"));
    let token = regex::Regex::new(r#"action="/plans/\d+/progress/([0-9a-f]+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_string();
    let fingerprint = hidden(&html, "fingerprint");
    let (status, html, _) = web
        .post(
            &format!("/plans/{plan}/progress/{token}"),
            &[("decision", "confirm"), ("fingerprint", &fingerprint)],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("1 change(s) from progress.xlsx were stored"));
    assert!(html.contains("1 conflict(s)"));
    let (_, action) = web.get(&format!("/actions/{ka1_id}")).await;
    assert!(action.contains("Edited on the page"));
    assert!(
        !action.contains("Partner council withdrew"),
        "the conflict was left alone"
    );
    let mehpi_id = link_id(&action, "indicators", "MEHPI 132");
    let (_, indicator) = web.get(&format!("/indicators/{mehpi_id}")).await;
    assert!(indicator.contains("91"));
    let (_, history) = web.get(&format!("/indicators/{mehpi_id}/history")).await;
    assert!(
        history.contains("Test admin"),
        "the history names who stored it"
    );
}

/// An officer's workbook: rows on actions their post does not lead are
/// refused by cell (and then nothing is stored); rows on their own are
/// stored waiting for sign-off, so they count only once approved.
#[tokio::test]
async fn an_officers_workbook_records_only_their_own_actions_and_waits_for_sign_off() {
    let s = Scratch::new();
    let post = "Head of Housing and Health";
    let added = add_account(
        &s,
        &[],
        "officer@tests.goldthread.test",
        "officer",
        &[post],
        ADMIN_PASSWORD,
    );
    assert!(added.status.success());
    let server = Server::start(&s, &["--demo"]);
    let admin = Browser::admin(&server).await;
    let officer = Browser::sign_in(&server, "officer@tests.goldthread.test", ADMIN_PASSWORD).await;
    let plan = admin
        .api_plans()
        .await
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"].as_str().unwrap().contains("2017/18") && p["kind"] == "service")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let response = officer
        .http
        .get(officer.url(&format!("/plans/{plan}/progress.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "officers download their plan's workbook"
    );
    let exported = response.bytes().await.unwrap().to_vec();
    let ka1 = row_of(&exported, "Actions", "KA.1");
    assert!(cell(&exported, "Actions", ka1, 4).contains(post));
    // An action led by another post.
    let (_, cells) = sheets(&exported)
        .into_iter()
        .find(|(n, _)| n == "Actions")
        .unwrap();
    let not_mine = cells
        .iter()
        .filter(|((r, c), v)| *c == 4 && *r > 0 && !v.to_string().contains(post))
        .map(|((r, _), _)| *r)
        .next()
        .expect("an action another post leads");
    let not_mine_code = cell(&exported, "Actions", not_mine, 2);

    let upload = |bytes: Vec<u8>| {
        let officer = &officer;
        async move {
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("progress.xlsx"),
            );
            let response = officer
                .http
                .post(officer.url(&format!(
                    "/plans/{plan}/progress?csrf_token={}",
                    officer.csrf
                )))
                .multipart(form)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let both = filled(
        &exported,
        &[
            ("Actions", ka1, 10, "On track"),
            ("Actions", ka1, 11, "Officer's own update"),
            ("Actions", ka1, 12, "2018-03-31"),
            ("Actions", not_mine, 10, "Off track"),
            ("Actions", not_mine, 11, "Not mine to say"),
            ("Actions", not_mine, 12, "2018-03-31"),
        ],
    );
    let (status, html) = upload(both).await;
    assert_eq!(status, 400, "{html}");
    assert!(
        html.contains(&format!("Actions!K{}", not_mine + 1))
            && html.contains("you cannot record on"),
        "the refusal names the cell: {html}"
    );
    assert!(
        !html.contains("name=\"decision\" value=\"confirm\""),
        "nothing to confirm"
    );

    let own = filled(
        &exported,
        &[
            ("Actions", ka1, 10, "On track"),
            ("Actions", ka1, 11, "Officer's own update"),
            ("Actions", ka1, 12, "2018-03-31"),
        ],
    );
    let (status, html) = upload(own).await;
    assert_eq!(status, 200, "{html}");
    let token = regex::Regex::new(r#"action="/plans/\d+/progress/([0-9a-f]+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_string();
    let fingerprint = hidden(&html, "fingerprint");
    let (status, html, _) = officer
        .post(
            &format!("/plans/{plan}/progress/{token}"),
            &[("decision", "confirm"), ("fingerprint", &fingerprint)],
        )
        .await;
    assert_eq!(status, 200, "{html}");
    // Stored, but waiting for sign-off: the API (approved data only) does
    // not have it yet; the approvals page does.
    let ka1_id: i64 = {
        let (_, tree) = admin.get(&format!("/plans/{plan}")).await;
        link_id(&tree, "actions", "KA.1 ")
    };
    let api: serde_json::Value = admin
        .http
        .get(admin.url(&format!("/api/v1/actions/{ka1_id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(api["latest_update"]["commentary"], "Officer's own update");
    let (_, approvals) = admin.get("/approvals").await;
    assert!(
        approvals.contains("Officer&#x27;s own update")
            || approvals.contains("Officer's own update")
    );
    assert!(!approvals.contains("Not mine to say") && !not_mine_code.is_empty());
}
