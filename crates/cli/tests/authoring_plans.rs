//! Plan authoring of the plan itself, over HTTP against the real server,
//! on SQLite and PostgreSQL: an editor creates a plan from an empty
//! template, edits its details and narrative, adds and removes indicators,
//! and is told which actions are not on the golden thread; the plan list
//! shows each plan's status. Stale forms, bad input and other roles are
//! refused, and every change is in the history.

use crate::authoring::{Council, capture, checked, periods_re, post, set, unescape};
use crate::util::*;
use regex::Regex;

/// The option selected in the select box `name`, unescaped.
fn selected(html: &str, name: &str) -> String {
    Regex::new(&format!(
        r#"(?s)name="{name}">.*?<option value="([^"]*)" selected>"#
    ))
    .unwrap()
    .captures(html)
    .map(|c| unescape(&c[1]))
    .unwrap_or_default()
}

/// The value of the input named `name`, unescaped.
fn input(html: &str, name: &str) -> String {
    unescape(&hidden(html, name))
}

/// Every textarea of a form, by name, unescaped.
fn textareas(html: &str) -> Vec<(String, String)> {
    Regex::new(r#"(?s)<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>"#)
        .unwrap()
        .captures_iter(html)
        .map(|c| (c[1].to_string(), unescape(&c[2])))
        .collect()
}

/// The plan form as the page fills it in.
fn plan_form(html: &str) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = vec![
        ("title".into(), input(html, "title")),
        ("kind".into(), selected(html, "kind")),
        ("owner".into(), selected(html, "owner")),
        ("new_owner".into(), input(html, "new_owner")),
        ("first_year".into(), selected(html, "first_year")),
        ("last_year".into(), selected(html, "last_year")),
    ];
    if html.contains(r#"name="version""#) {
        form.push(("version".into(), hidden(html, "version")));
    }
    let headings = Regex::new(r#"name="(other_heading_\d+)" value="([^"]*)""#).unwrap();
    for c in headings.captures_iter(html) {
        form.push((c[1].to_string(), unescape(&c[2])));
    }
    form.extend(textareas(html));
    form
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// The row of the plan list for plan `id`.
fn list_row(list: &str, id: i64) -> Option<String> {
    list.split("<tr ")
        .find(|row| row.contains(&format!(r#"data-plan="{id}""#)))
        .map(str::to_string)
}

/// Whether the plan page tells an editor the plan cannot be published yet
/// (and offers no button to).
async fn page_says_not_publishable(council: &Council, id: i64) -> bool {
    let (_, page) = council.editor.get(&format!("/plans/{id}")).await;
    page.contains(r#"id="not-publishable""#)
        && !page.contains(&format!(r#"action="/plans/{id}/publish""#))
}

#[tokio::test]
async fn an_editor_creates_a_plan_and_edits_its_details_and_narrative() {
    for (backend, database) in databases("authoring_plans").await {
        let council = Council::start(database).await;
        let store = open_store(&council.scratch, &council.database).await;

        // The list offers it to editors only.
        let (_, list) = council.editor.get("/").await;
        assert!(list.contains(r#"href="/plans/new""#), "{backend}");
        let (_, list) = council.viewer.get("/").await;
        assert!(!list.contains(r#"href="/plans/new""#), "{backend}");

        // The planning round's link prefills the service and the year.
        let (status, html) = council
            .editor
            .get("/plans/new?owner=Street%20Scene&year=2019/20")
            .await;
        assert_eq!(status, 200, "{backend}");
        assert_eq!(input(&html, "new_owner"), "Street Scene", "{backend}");
        assert_eq!(selected(&html, "first_year"), "2019/20", "{backend}");
        assert_eq!(selected(&html, "last_year"), "2019/20", "{backend}");
        assert_eq!(selected(&html, "kind"), "service", "{backend}");
        // Nonsense in the query is ignored, not an error.
        let (status, html) = council
            .editor
            .get("/plans/new?owner=&year=not-a-year")
            .await;
        assert_eq!(status, 200, "{backend}");
        assert_eq!(selected(&html, "first_year"), "", "{backend}");

        for (who, web) in [("officer", &council.officer), ("viewer", &council.viewer)] {
            assert_eq!(web.get("/plans/new").await.0, 403, "{backend}: {who}");
            let (status, _, _) = web
                .post(
                    "/plans/new",
                    &[("title", "Not allowed"), ("kind", "service")],
                )
                .await;
            assert_eq!(status, 403, "{backend}: {who} posts");
        }

        // Bad input is refused field by field, keeping what was typed.
        let history = store.count("history").await.unwrap();
        let bad = pairs(&[
            ("title", "  "),
            ("kind", "service"),
            ("new_owner", "Street Scene"),
            ("first_year", "2020/21"),
            ("last_year", "2019/20"),
        ]);
        let (status, html, _) = post(&council.editor, "/plans/new", &bad).await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("govuk-error-summary"), "{backend}");
        assert!(html.contains("Enter the title of the plan"), "{backend}");
        assert!(
            html.contains("The last year must be the first year or after it"),
            "{backend}"
        );
        assert!(html.contains(r##"href="#last_year""##), "{backend}");
        assert_eq!(input(&html, "new_owner"), "Street Scene", "{backend}: kept");
        assert_eq!(selected(&html, "first_year"), "2020/21", "{backend}: kept");
        assert_eq!(
            store.count("history").await.unwrap(),
            history,
            "{backend}: nothing written"
        );

        // A good one is created as a draft and shown.
        let title = "Street Scene Service Plan 2019 to 2021";
        let good = pairs(&[
            ("title", title),
            ("kind", "service"),
            ("owner", ""),
            ("new_owner", "Street Scene"),
            ("first_year", "2019/20"),
            ("last_year", "2020/21"),
        ]);
        let (status, _, location) = post(&council.editor, "/plans/new", &good).await;
        assert_eq!(status, 303, "{backend}");
        let location = location.unwrap();
        let id: i64 = capture(r"^/plans/(\d+)\?plan=created$", &location)
            .parse()
            .unwrap();
        let (status, page) = council.editor.get(&location).await;
        assert_eq!(status, 200, "{backend}");
        assert!(page.contains("Plan created as a draft"), "{backend}");
        assert!(page.contains(title), "{backend}");
        assert!(
            page.contains(&format!(r#"href="/plans/{id}/edit""#)),
            "{backend}: editors may edit it"
        );
        let (_, page) = council.viewer.get(&format!("/plans/{id}")).await;
        assert!(
            !page.contains(&format!(r#"href="/plans/{id}/edit""#)),
            "{backend}: viewers may not"
        );
        // A draft never approved is not offered to the public, nor taken.
        assert!(page_says_not_publishable(&council, id).await, "{backend}");
        let (status, html, _) = council
            .editor
            .post(&format!("/plans/{id}/publish"), &[("publish", "yes")])
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            html.contains("only an approved plan can be published"),
            "{backend}"
        );
        assert_eq!(
            reqwest::get(council.editor.url(&format!("/public/plans/{id}")))
                .await
                .unwrap()
                .status(),
            404,
            "{backend}"
        );
        let stored = store.plan_for_edit(id).await.unwrap();
        assert_eq!(stored.status.as_str(), "draft", "{backend}");
        assert_eq!(stored.fields.owner.as_deref(), Some("Street Scene"));
        assert_eq!(
            stored.fields.period.map(|p| p.to_string()).as_deref(),
            Some("2019/20 to 2020/21"),
            "{backend}"
        );
        assert!(stored.sections.is_empty(), "{backend}: an empty template");
        let created = store.record_history("plans", id).await.unwrap();
        let insert = created
            .iter()
            .find(|h| h.entity == "plans" && h.operation == "insert")
            .expect("the creation is in the history");
        assert!(insert.actor.contains("Test editor"), "{backend}");
        assert!(
            store
                .org_unit_names()
                .await
                .unwrap()
                .contains(&"Street Scene".to_string()),
            "{backend}: the new service is a unit"
        );

        // The list shows it, a draft.
        let (_, list) = council.editor.get("/").await;
        let row = list_row(&list, id).expect("the new plan is listed");
        assert!(row.contains("Draft"), "{backend}: {row}");

        // The importer matches plans by title and kind: a second is refused.
        let (status, html, _) = post(&council.editor, "/plans/new", &good).await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("exists already"), "{backend}");
        assert_eq!(input(&html, "title"), title, "{backend}: kept");

        // Its details and narrative.
        let edit = format!("/plans/{id}/edit");
        for (who, web) in [("officer", &council.officer), ("viewer", &council.viewer)] {
            assert_eq!(web.get(&edit).await.0, 403, "{backend}: {who}");
            let (status, _, _) = web.post(&edit, &[("version", "1")]).await;
            assert_eq!(status, 403, "{backend}: {who} posts");
        }
        let (status, html) = council.editor.get(&edit).await;
        assert_eq!(status, 200, "{backend}");
        assert_eq!(
            selected(&html, "owner"),
            "Street Scene",
            "{backend}: the unit is now listed"
        );
        assert!(
            html.contains("Key functions and responsibilities"),
            "{backend}"
        );
        assert!(html.contains("Context (PESTLE)"), "{backend}");
        assert!(
            html.contains("Equality impact assessments due"),
            "{backend}"
        );
        let fresh = plan_form(&html);
        assert!(
            fresh.iter().any(|(n, _)| n == "other_heading_0"),
            "{backend}: a blank pair for a new section"
        );
        let mut form = fresh.clone();
        set(
            &mut form,
            "section_0",
            "We keep the streets clean.\nWe empty the bins.",
        );
        set(&mut form, "section_1", "Elections in May");
        set(&mut form, "other_heading_0", "Foreword");
        set(&mut form, "other_body_0", "From the head of service");
        set(&mut form, "last_year", "2021/22");
        let (status, _, location) = post(&council.editor, &edit, &form).await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(location, Some(format!("/plans/{id}?plan=saved")));
        let (_, page) = council.editor.get(&format!("/plans/{id}?plan=saved")).await;
        assert!(page.contains("narrative are saved"), "{backend}");
        assert!(
            page.contains("We empty the bins."),
            "{backend}: narrative shown"
        );
        assert!(page.contains("Foreword"), "{backend}");
        let stored = store.plan_for_edit(id).await.unwrap();
        let headings: Vec<&str> = stored.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "Key functions and responsibilities",
                "Political",
                "Foreword"
            ],
            "{backend}: standard order, then others; empty ones dropped"
        );
        assert_eq!(stored.fields.period.unwrap().to.to_string(), "2021/22");
        let edits = store.record_history("plans", id).await.unwrap();
        let update = edits
            .iter()
            .rev()
            .find(|h| h.operation == "update")
            .expect("the edit is in the history");
        assert!(update.actor.contains("Test editor"), "{backend}");
        assert_eq!(
            update.before.as_ref().unwrap()["sections"],
            "[]",
            "{backend}: before"
        );
        assert_eq!(update.plan_id, Some(id), "{backend}: filed under the plan");

        // Saving the form as shown again writes nothing.
        let (_, html) = council.editor.get(&edit).await;
        let rows = store.count("history").await.unwrap();
        let (status, _, _) = post(&council.editor, &edit, &plan_form(&html)).await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(
            store.count("history").await.unwrap(),
            rows,
            "{backend}: no empty edits"
        );
        let order: Vec<String> = store
            .plan_for_edit(id)
            .await
            .unwrap()
            .sections
            .into_iter()
            .map(|s| s.heading)
            .collect();
        assert_eq!(
            order,
            [
                "Key functions and responsibilities",
                "Political",
                "Foreword"
            ]
        );

        // A form opened before the edit is a conflict that keeps the text.
        let mut stale = fresh.clone();
        set(&mut stale, "section_7", "My stale partners");
        let (status, html, _) = post(&council.editor, &edit, &stale).await;
        assert_eq!(status, 409, "{backend}");
        assert!(html.contains("have not been saved"), "{backend}");
        assert!(html.contains("My stale partners"), "{backend}: kept");
        assert!(
            !store
                .plan_for_edit(id)
                .await
                .unwrap()
                .sections
                .iter()
                .any(|s| s.body.contains("stale")),
            "{backend}: nothing overwritten"
        );

        // A new section needs a heading; too long a title is refused.
        let (_, html) = council.editor.get(&edit).await;
        let mut form = plan_form(&html);
        let blank = form
            .iter()
            .filter(|(n, v)| n.starts_with("other_heading_") && v.is_empty())
            .map(|(n, _)| n.clone())
            .next()
            .expect("a blank pair");
        set(
            &mut form,
            &blank.replace("heading", "body"),
            "No heading here",
        );
        set(&mut form, "title", &"x".repeat(600));
        let (status, html, _) = post(&council.editor, &edit, &form).await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            html.contains("Enter a heading for the new section"),
            "{backend}"
        );
        assert!(
            html.contains("Title must be 500 characters or fewer"),
            "{backend}"
        );
        assert!(html.contains("No heading here"), "{backend}: kept");

        // Another plan may not take this one's title and kind.
        let other = pairs(&[
            ("title", "Street Scene Service Plan draft two"),
            ("kind", "service"),
        ]);
        let (status, _, location) = post(&council.editor, "/plans/new", &other).await;
        assert_eq!(status, 303, "{backend}");
        let other_id = capture(r"^/plans/(\d+)", &location.unwrap());
        let other_edit = format!("/plans/{other_id}/edit");
        let (_, html) = council.editor.get(&other_edit).await;
        let mut form = plan_form(&html);
        set(&mut form, "title", title);
        let (status, html, _) = post(&council.editor, &other_edit, &form).await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("exists already"), "{backend}");
        set(&mut form, "kind", "improvement");
        let (status, _, _) = post(&council.editor, &other_edit, &form).await;
        assert_eq!(status, 303, "{backend}: another kind may share the title");

        // Submitted for approval, the plan is closed to changes: the form
        // says so and keeps what was typed; nothing is written.
        let (_, review) = council.editor.get(&format!("/plans/{id}/review")).await;
        let (status, _, _) = council
            .editor
            .post(
                &format!("/plans/{id}/review/step"),
                &[
                    ("step", "submit"),
                    ("version", &hidden(&review, "version")),
                    ("comment", ""),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}: submitted");
        let (_, html) = council.editor.get(&edit).await;
        assert!(
            html.contains(r#"id="cycle-note""#) && html.contains("submitted for approval"),
            "{backend}: the form says so before anything is typed"
        );
        let mut form = plan_form(&html);
        set(&mut form, "section_8", "Typed while it was submitted");
        let rows = store.count("history").await.unwrap();
        let (status, html, _) = post(&council.editor, &edit, &form).await;
        assert_eq!(status, 409, "{backend}");
        assert!(html.contains("have not been saved"), "{backend}");
        assert!(
            html.contains("Typed while it was submitted"),
            "{backend}: kept"
        );
        assert_eq!(store.count("history").await.unwrap(), rows, "{backend}");
        let (status, _, _) = council
            .editor
            .post(
                &format!("/plans/{id}/indicators/new"),
                &[
                    ("title", "Too late"),
                    ("unit", "count"),
                    ("polarity", "higher_is_better"),
                ],
            )
            .await;
        assert_eq!(status, 409, "{backend}: nor an indicator added");
        assert_eq!(store.count("history").await.unwrap(), rows, "{backend}");
    }
}

#[tokio::test]
async fn an_editor_adds_and_removes_indicators_and_sees_actions_off_the_thread() {
    for (backend, database) in databases("authoring_plan_parts").await {
        let council = Council::start(database).await;
        let store = open_store(&council.scratch, &council.database).await;
        let good = pairs(&[
            ("title", "Parks Service Plan"),
            ("kind", "service"),
            ("new_owner", "Parks"),
            ("first_year", "2019/20"),
            ("last_year", "2020/21"),
        ]);
        let (_, _, location) = post(&council.editor, "/plans/new", &good).await;
        let plan: i64 = capture(r"^/plans/(\d+)", &location.unwrap())
            .parse()
            .unwrap();

        // A priority, and an outcome hanging from nothing.
        let nodes = format!("/plans/{plan}/nodes/new");
        for (level, title) in [("priority", "Green spaces"), ("outcome", "Orphan outcome")] {
            let (status, _, _) = council
                .editor
                .post(
                    &nodes,
                    &[("level", level), ("title", title), ("parent", "")],
                )
                .await;
            assert_eq!(status, 303, "{backend}: {title}");
        }
        let (_, form) = council
            .editor
            .get(&format!("/plans/{plan}/actions/new"))
            .await;
        let node_of = |title: &str| {
            capture(
                &format!(
                    r#"value="(\d+)"><label class="govuk-label govuk-checkboxes__label" for="node-\d+">[^<]*: {title}<"#
                ),
                &form,
            )
        };
        let (priority, orphan) = (node_of("Green spaces"), node_of("Orphan outcome"));

        // Two actions: one under the priority, one under the orphan.
        let mut actions = Vec::new();
        for (code, node) in [("P.1", &priority), ("P.2", &orphan)] {
            let (status, _, location) = council
                .editor
                .post(
                    &format!("/plans/{plan}/actions/new"),
                    &[
                        ("code", code),
                        ("title", &format!("Action {code}")),
                        ("lead_officers", "Head of Parks"),
                        ("due", "March 2020"),
                        ("nodes", node),
                    ],
                )
                .await;
            assert_eq!(status, 303, "{backend}");
            actions.push(
                capture(r"^/actions/(\d+)", &location.unwrap())
                    .parse::<i64>()
                    .unwrap(),
            );
        }
        let (_, page) = council.editor.get(&format!("/plans/{plan}")).await;
        assert!(
            page.contains("1 action is not on the golden thread"),
            "{backend}"
        );
        let finding = page
            .split(r#"id="off-thread""#)
            .nth(1)
            .and_then(|p| p.split("</ul>").next())
            .unwrap();
        assert!(
            finding.contains(&format!(r#"href="/actions/{}/edit""#, actions[1])),
            "{backend}: the orphan's action, with its edit link"
        );
        assert!(
            !finding.contains("P.1"),
            "{backend}: not the one on the thread"
        );
        let (_, page) = council.viewer.get(&format!("/plans/{plan}")).await;
        assert!(!page.contains("off-thread"), "{backend}: editors only");
        let (_, edit) = council
            .editor
            .get(&format!("/actions/{}/edit", actions[1]))
            .await;
        assert!(
            edit.contains("action P.2 is not on the golden thread"),
            "{backend}: beside the action's other findings"
        );
        let (_, edit) = council
            .editor
            .get(&format!("/actions/{}/edit", actions[0]))
            .await;
        assert!(!edit.contains("not on the golden thread"), "{backend}");

        // An indicator added through the indicator form.
        let new = format!("/plans/{plan}/indicators/new");
        assert_eq!(council.viewer.get(&new).await.0, 403, "{backend}");
        assert_eq!(council.officer.get(&new).await.0, 403, "{backend}");
        let (status, _, _) = council
            .officer
            .post(&new, &[("title", "x"), ("unit", "count")])
            .await;
        assert_eq!(status, 403, "{backend}");
        let (status, html) = council.editor.get(&new).await;
        assert_eq!(status, 200, "{backend}");
        assert!(
            unescape(&html).contains("Target for 2020/21"),
            "{backend}: the plan's years"
        );
        let mut form = pairs(&[
            ("code", "PK 1"),
            ("title", "  "),
            ("unit", &selected(&html, "unit")),
            ("polarity", &selected(&html, "polarity")),
            ("frequency", "annual"),
            ("baseline", ""),
        ]);
        for c in periods_re().captures_iter(&html) {
            form.push((c[1].to_string(), unescape(&c[2])));
            form.push((c[1].replace("period", "target"), String::new()));
        }
        set(&mut form, "target_0", "75%");
        form.push(("nodes".into(), priority.clone()));
        form.push(("actions".into(), actions[0].to_string()));
        let rows = store.count("history").await.unwrap();
        let (status, html, _) = post(&council.editor, &new, &form).await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            html.contains("Enter the title of the indicator"),
            "{backend}"
        );
        assert!(html.contains(r#"value="75%""#), "{backend}: kept");
        assert_eq!(store.count("history").await.unwrap(), rows, "{backend}");
        set(&mut form, "title", "Residents satisfied with parks");
        let (status, _, location) = post(&council.editor, &new, &form).await;
        assert_eq!(status, 303, "{backend}");
        let location = location.unwrap();
        let indicator: i64 = capture(r"^/indicators/(\d+)\?edited=added$", &location)
            .parse()
            .unwrap();
        let (_, page) = council.editor.get(&location).await;
        assert!(page.contains("Indicator added."), "{backend}");
        assert!(page.contains("Residents satisfied with parks"), "{backend}");
        let (_, edit) = council
            .editor
            .get(&format!("/indicators/{indicator}/edit"))
            .await;
        assert_eq!(
            checked(&edit, "nodes"),
            [("nodes".to_string(), priority.clone())],
            "{backend}: linked to the thread"
        );
        assert_eq!(hidden(&edit, "target_0"), "75%", "{backend}: its target");
        let added = store.record_history("indicators", indicator).await.unwrap();
        assert!(
            added
                .iter()
                .any(|h| h.operation == "insert" && h.actor.contains("Test editor")),
            "{backend}: in the history"
        );

        // Removed behind a confirmation, by editors only.
        let remove = format!("/indicators/{indicator}/remove");
        assert_eq!(council.officer.get(&remove).await.0, 403, "{backend}");
        let (status, confirm) = council.editor.get(&remove).await;
        assert_eq!(status, 200, "{backend}");
        assert!(confirm.contains("Remove indicator"), "{backend}");
        let version = hidden(&confirm, "version");
        let (status, _, _) = council
            .officer
            .post(&remove, &[("version", &version)])
            .await;
        assert_eq!(status, 403, "{backend}");
        let (status, html, _) = council.editor.post(&remove, &[("version", "999")]).await;
        assert_eq!(status, 409, "{backend}: a stale confirmation");
        assert!(html.contains("while you were editing"), "{backend}");
        let (status, _, location) = council.editor.post(&remove, &[("version", &version)]).await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(location, Some(format!("/plans/{plan}?indicator=removed")));
        assert_eq!(
            council
                .editor
                .get(&format!("/indicators/{indicator}"))
                .await
                .0,
            404,
            "{backend}"
        );
        let history = store.record_history("indicators", indicator).await.unwrap();
        let removal = history
            .iter()
            .find(|h| h.operation == "delete" && h.entity == "indicators")
            .expect("the removal is in the history");
        assert_eq!(
            removal.before.as_ref().unwrap()["title"],
            "Residents satisfied with parks",
            "{backend}"
        );
        let plan_history = store.record_history("plans", plan).await.unwrap();
        assert!(
            plan_history.iter().any(|h| h.operation == "delete"
                && h.entity == "targets"
                && h.before.as_ref().unwrap()["indicator_id"] == indicator),
            "{backend}: its targets go with it"
        );

        // One with recorded values is not removed.
        let measured = council.find("indicators", "MEHPI 132").await;
        let (_, page) = council.editor.get(&format!("/indicators/{measured}")).await;
        let (status, _, _) = council
            .editor
            .post(
                &format!("/indicators/{measured}"),
                &[
                    ("period", "2017-08"),
                    ("value", "11"),
                    ("seen", &hidden(&page, "seen")),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}: a value recorded");
        let remove = format!("/indicators/{measured}/remove");
        let (_, confirm) = council.editor.get(&remove).await;
        assert!(confirm.contains("cannot be removed"), "{backend}");
        let (_, edit) = council
            .editor
            .get(&format!("/indicators/{measured}/edit"))
            .await;
        let version = hidden(&edit, "version");
        let (status, _, _) = council.editor.post(&remove, &[("version", &version)]).await;
        assert_eq!(status, 409, "{backend}");
        assert_eq!(
            council
                .editor
                .get(&format!("/indicators/{measured}"))
                .await
                .0,
            200,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn the_plan_list_shows_each_plans_status_and_archived_plans_apart() {
    for (backend, database) in databases("authoring_plan_list").await {
        let council = Council::start(database).await;
        let db: Vec<&str> = council.database.iter().map(String::as_str).collect();
        // An archived plan, as a document that says so is imported.
        let mut export = vec!["export", "--plan", "1", "--output", "old.json"];
        export.extend(&db);
        assert!(council.scratch.run(&export).status.success(), "{backend}");
        let path = council.scratch.path().join("old.json");
        let mut json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let old = "Corporate Plan 2010 to 2013";
        json["document"]["plans"][0]["title"] = old.into();
        json["document"]["plans"][0]["status"] = "archived".into();
        std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        let mut import = vec!["import", "old.json"];
        import.extend(&db);
        assert!(council.scratch.run(&import).status.success(), "{backend}");

        let (status, list) = council.viewer.get("/").await;
        assert_eq!(status, 200, "{backend}");
        let (current, archived) = list
            .split_once(r#"id="archived""#)
            .expect("archived plans listed apart");
        assert!(archived.contains("Archived plans"), "{backend}");
        assert!(archived.contains(old), "{backend}");
        assert!(!current.contains(old), "{backend}: not among the others");
        let id = link_id(archived, "plans", old);
        let row = list_row(archived, id).unwrap();
        assert!(
            row.contains("govuk-tag--grey\">Archived"),
            "{backend}: {row}"
        );
        // Every other plan shows its status too.
        assert_eq!(
            current
                .matches(r#"<td class="govuk-table__cell"><strong class="govuk-tag"#)
                .count(),
            current.matches("data-plan=").count(),
            "{backend}"
        );
        // Still readable.
        assert_eq!(
            council.viewer.get(&format!("/plans/{id}")).await.0,
            200,
            "{backend}"
        );
    }
}
