//! The planning cycle over HTTP against the real server, on SQLite and
//! PostgreSQL: an editor rolls a demo plan forward to next year, opens a
//! planning round for that year, and takes the new plan through review
//! (submitted, returned with a comment, submitted again, approved); an
//! approved plan changed afterwards is a new revision, compared with the
//! approved one. Officers comment but do not approve; viewers do neither.

use crate::authoring::{action_form, capture, post, set, unescape, unescape_free};
use crate::util::*;
use regex::Regex;

const PASSWORD: &str = "amber falcon meadow";

fn email(role: &str) -> String {
    format!("{role}@cycle.goldthread.test")
}

fn status_of(html: &str) -> String {
    Regex::new(r#"id="plan-status" data-status="(\w+)""#)
        .unwrap()
        .captures(html)
        .unwrap_or_else(|| panic!("no status in {html}"))[1]
        .to_string()
}

#[tokio::test]
async fn a_plan_is_rolled_forward_reviewed_approved_and_amended_in_a_round() {
    for (backend, database) in databases("cycle").await {
        let scratch = Scratch::new();
        let db: Vec<&str> = database.iter().map(String::as_str).collect();
        for role in ["editor", "officer", "viewer"] {
            let out = add_account(&scratch, &db, &email(role), role, &[], PASSWORD);
            assert!(out.status.success());
        }
        let mut args = vec!["--demo"];
        args.extend(&db);
        let server = Server::start(&scratch, &args);
        let editor = Browser::sign_in(&server, &email("editor"), PASSWORD).await;
        let officer = Browser::sign_in(&server, &email("officer"), PASSWORD).await;
        let viewer = Browser::sign_in(&server, &email("viewer"), PASSWORD).await;

        // The demo's plans are imported documents: approved, in force.
        let plans = editor.api_plans().await;
        let plan = plans
            .as_array()
            .unwrap()
            .iter()
            .find(|p| {
                p["kind"] == "service" && p["owner"].is_string() && p["actions"].as_u64() > Some(0)
            })
            .unwrap_or_else(|| panic!("{backend}: a service plan with an owner in {plans}"))
            .clone();
        assert_eq!(plan["status"], "approved", "{backend}");
        let plan_id = plan["id"].as_i64().unwrap();
        let owner = plan["owner"].as_str().unwrap().to_string();
        // Approved on import and never changed: nothing to show, and it says so.
        let (status, compare) = viewer.get(&format!("/plans/{plan_id}/compare")).await;
        assert_eq!(status, 200, "{backend}");
        assert!(
            compare.contains("nothing in the plan&#x27;s text has changed since"),
            "{backend}: {compare}"
        );

        // Roll it forward: a draft for next year, not in force.
        for web in [&officer, &viewer] {
            let (status, _, _) = web
                .post(&format!("/plans/{plan_id}/roll-forward"), &[])
                .await;
            assert_eq!(status, 403, "{backend}");
        }
        let (status, _, location) = editor
            .post(&format!("/plans/{plan_id}/roll-forward"), &[])
            .await;
        assert_eq!(status, 303, "{backend}");
        let location = location.unwrap();
        let next: i64 = capture(r"^/plans/(\d+)/review\?done=rolled$", &location)
            .parse()
            .unwrap();
        let (_, review) = editor.get(&location).await;
        assert_eq!(status_of(&review), "draft", "{backend}");
        assert!(review.contains("next year&#x27;s plan"), "{backend}");
        let rolled = editor.api_plans().await;
        let rolled = rolled
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == next)
            .unwrap()
            .clone();
        assert_eq!(rolled["status"], "draft", "{backend}");
        assert_eq!(rolled["in_force"], false, "{backend}");
        let year = {
            let first = rolled["first_day"].as_str().unwrap();
            let start: i32 = first[..4].parse().unwrap();
            format!("{start}/{:02}", (start + 1) % 100)
        };
        // Twice is refused, saying why.
        let (status, html, _) = editor
            .post(&format!("/plans/{plan_id}/roll-forward"), &[])
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("exists already"), "{backend}");

        // A round for that year: the owner's service and a new one.
        let (_, rounds) = editor.get("/rounds").await;
        let unit = Regex::new(&format!(
            r#"name="units" type="checkbox" value="(\d+)"><label class="govuk-label govuk-checkboxes__label" for="unit-\d+">{}</label>"#,
            regex::escape(&unescape_free(&owner))
        ))
        .unwrap()
        .captures(&rounds)
        .unwrap_or_else(|| panic!("{backend}: no unit {owner} in the round form"))[1]
        .to_string();
        let (status, html, _) = editor
            .post(
                "/rounds",
                &[
                    ("year", year.as_str()),
                    ("deadline", "someday"),
                    ("units", &unit),
                ],
            )
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("Enter the deadline as a date"), "{backend}");
        let (status, _, _) = viewer
            .post(
                "/rounds",
                &[
                    ("year", year.as_str()),
                    ("deadline", "2019-03-31"),
                    ("units", &unit),
                ],
            )
            .await;
        assert_eq!(status, 403, "{backend}");
        let (status, _, round) = editor
            .post(
                "/rounds",
                &[
                    ("year", year.as_str()),
                    ("deadline", "2019-03-31"),
                    ("units", &unit),
                    ("new_units", "Waste and Recycling\n"),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        let round = round.unwrap();
        let (_, page) = viewer.get(&round).await;
        assert!(page.contains(r#"id="in-place">0%"#), "{backend}: {page}");
        assert!(
            page.contains(&format!(r#"data-unit="{unit}" data-state="draft""#)),
            "{backend}: the rolled plan is the service's draft"
        );
        assert!(
            page.contains(r#"data-state="not_started""#),
            "{backend}: Waste"
        );
        let (status, _, _) = editor
            .post(
                "/rounds",
                &[
                    ("year", year.as_str()),
                    ("deadline", "2019-03-31"),
                    ("units", &unit),
                ],
            )
            .await;
        assert_eq!(status, 400, "{backend}: one round a year");

        // Comments: officers yes, viewers no.
        let action = link_id(
            &editor.get(&format!("/plans/{next}")).await.1,
            "actions",
            "",
        );
        let (status, _, _) = officer
            .post(
                &format!("/plans/{next}/comments"),
                &[
                    ("about", &format!("action:{action}")),
                    ("comment", "Is this still needed?"),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        let (status, _, _) = viewer
            .post(
                &format!("/plans/{next}/comments"),
                &[("about", ""), ("comment", "Hm")],
            )
            .await;
        assert_eq!(status, 403, "{backend}");

        // Submitted: closed to editing.
        let step = |step: &'static str, comment: &'static str| {
            let editor = &editor;
            async move {
                let (_, page) = editor.get(&format!("/plans/{next}/review")).await;
                let version = hidden(&page, "version");
                editor
                    .post(
                        &format!("/plans/{next}/review/step"),
                        &[("step", step), ("version", &version), ("comment", comment)],
                    )
                    .await
            }
        };
        let (_, page) = officer.get(&format!("/plans/{next}/review")).await;
        assert!(
            !page.contains(r#"data-step="#),
            "{backend}: no steps for officers"
        );
        assert_eq!(
            step("approve", "").await.0,
            400,
            "{backend}: a draft is not approved"
        );
        assert_eq!(step("submit", "").await.0, 303, "{backend}");
        let (_, edit) = editor.get(&format!("/actions/{action}/edit")).await;
        let mut form = action_form(&edit);
        set(&mut form, "title", "Changed under review");
        let (status, html, _) = post(&editor, &format!("/actions/{action}/edit"), &form).await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            unescape(&html).contains("submitted for approval"),
            "{backend}"
        );

        // Returned (a comment is needed), changed, submitted, approved.
        let (status, html, _) = step("return", "").await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("Say why the plan is returned"), "{backend}");
        assert_eq!(step("return", "Add a milestone.").await.0, 303, "{backend}");
        let (_, edit) = editor.get(&format!("/actions/{action}/edit")).await;
        let mut form = action_form(&edit);
        let original = form.iter().find(|(n, _)| n == "title").unwrap().1.clone();
        set(&mut form, "title", &format!("{original} (revised)"));
        assert_eq!(
            post(&editor, &format!("/actions/{action}/edit"), &form)
                .await
                .0,
            303,
            "{backend}"
        );
        assert_eq!(step("submit", "").await.0, 303, "{backend}");
        assert_eq!(step("approve", "").await.0, 303, "{backend}");
        let (_, review) = viewer.get(&format!("/plans/{next}/review")).await;
        assert_eq!(status_of(&review), "approved", "{backend}");
        assert!(review.contains(r#"data-revision="1""#), "{backend}");
        assert!(review.contains("Test editor"), "{backend}: who approved");
        assert!(
            review.contains("Add a milestone."),
            "{backend}: the return's comment"
        );
        assert!(review.contains("Is this still needed?"), "{backend}");
        let (_, page) = viewer.get(&round).await;
        assert!(
            page.contains(r#"id="in-place">50%"#),
            "{backend}: one of two"
        );
        let api = editor.api_plans().await;
        let now = api
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == next)
            .unwrap();
        assert_eq!(now["status"], "approved", "{backend}");

        // Changed after approval: revision 2, a draft; compared with 1.
        let (_, edit) = editor.get(&format!("/actions/{action}/edit")).await;
        let mut form = action_form(&edit);
        set(&mut form, "title", "Renamed after approval");
        assert_eq!(
            post(&editor, &format!("/actions/{action}/edit"), &form)
                .await
                .0,
            303,
            "{backend}"
        );
        let (_, review) = editor.get(&format!("/plans/{next}/review")).await;
        assert_eq!(status_of(&review), "draft", "{backend}");
        assert!(
            review.contains("an amendment to approved revision 1"),
            "{backend}"
        );
        let (status, compare) = viewer.get(&format!("/plans/{next}/compare?from=1")).await;
        assert_eq!(status, 200, "{backend}");
        let changed = capture(
            r#"(?s)(<table class="govuk-table" id="changed">.*?</table>)"#,
            &compare,
        );
        assert!(changed.contains("title"), "{backend}: {changed}");
        assert_eq!(
            viewer.get(&format!("/plans/{next}/compare?from=9")).await.0,
            400,
            "{backend}: no such revision"
        );
        // Still in force on the strength of revision 1.
        let api = editor.api_plans().await;
        let now = api
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == next)
            .unwrap();
        assert_eq!(now["status"], "draft", "{backend}");
        let (_, page) = viewer.get(&round).await;
        assert!(page.contains(r#"id="in-place">50%"#), "{backend}");

        // Every step is in the plan's history.
        let (_, history) = editor.get(&format!("/plans/{next}/history")).await;
        assert!(history.contains("plan comments"), "{backend}: the comments");
        for status in ["submitted", "returned", "approved"] {
            assert!(
                history.contains(&format!("<ins>{status}</ins>")),
                "{backend}: the plan became {status}"
            );
        }
    }
}

#[tokio::test]
async fn the_councils_template_shapes_the_action_and_thread_forms() {
    for (backend, database) in databases("template").await {
        let scratch = Scratch::new();
        let db: Vec<&str> = database.iter().map(String::as_str).collect();
        for role in ["editor", "officer"] {
            let out = add_account(&scratch, &db, &email(role), role, &[], PASSWORD);
            assert!(out.status.success());
        }
        let mut args = vec!["--demo"];
        args.extend(&db);
        let server = Server::start(&scratch, &args);
        let editor = Browser::sign_in(&server, &email("editor"), PASSWORD).await;
        let officer = Browser::sign_in(&server, &email("officer"), PASSWORD).await;
        assert_eq!(officer.get("/template").await.0, 403, "{backend}");

        let (status, page) = editor.get("/template").await;
        assert_eq!(status, 200, "{backend}");
        let version = hidden(&page, "version");
        let form = vec![
            ("version", version.as_str()),
            ("use", "priority"),
            ("level_priority", "Theme"),
            ("use", "objective"),
            ("level_objective", "Area for Improvement"),
            ("fields", "target"),
            ("fields", "priority_link"),
            ("council_priorities", "PEOPLE\nPROSPERITY\nPLACE"),
            ("service_roles", "Enabler"),
        ];
        // Refused with the problem named, and what was typed kept.
        let mut repeated = form.clone();
        repeated.retain(|(n, _)| *n != "council_priorities");
        repeated.push(("council_priorities", "PLACE\nplace"));
        let (status, html, _) = editor.post("/template", &repeated).await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            unescape(&html).contains("'place' is listed twice"),
            "{backend}"
        );
        assert!(html.contains(r#"value="Theme""#), "{backend}");
        let (status, _, _) = editor.post("/template", &form).await;
        assert_eq!(status, 303, "{backend}");
        // The same form again is stale: the template moved on since.
        assert_eq!(editor.post("/template", &form).await.0, 409, "{backend}");

        let plan = editor.api_plans().await[0]["id"].as_i64().unwrap();
        let (_, page) = editor.get(&format!("/plans/{plan}")).await;
        let action = link_id(&page, "actions", "");
        let (_, edit) = editor.get(&format!("/actions/{action}/edit")).await;
        assert!(
            edit.contains(
                r#"<select class="govuk-select" id="priority_link" name="priority_link">"#
            ),
            "{backend}: a select box of the council's priorities"
        );
        assert!(edit.contains(r#"<option value="PROSPERITY">"#), "{backend}");
        assert!(
            !edit.contains(r#"name="critical_success_factors""#),
            "{backend}: a field the template leaves out is not asked"
        );
        let (_, node) = editor.get(&format!("/plans/{plan}/nodes/new")).await;
        assert!(node.contains(">Theme</option>"), "{backend}");
        assert!(node.contains(">Area for Improvement</option>"), "{backend}");
        assert!(
            !node.contains(r#"<option value="outcome""#),
            "{backend}: not used"
        );
    }
}
