//! Plan authoring over HTTP against the real server, on SQLite and
//! PostgreSQL: an editor corrects an action and an indicator, adds and
//! removes an action; the pages, the API, the history and the "as at"
//! view all tell the same story; stale forms, bad input and other roles
//! are refused.

use crate::util::*;
use regex::Regex;

const PASSWORD: &str = "amber falcon meadow";

fn email(role: &str) -> String {
    format!("{role}@authoring.goldthread.test")
}

pub(crate) struct Council {
    pub(crate) scratch: Scratch,
    pub(crate) database: Vec<String>,
    _server: Server,
    pub(crate) editor: Browser,
    pub(crate) officer: Browser,
    pub(crate) viewer: Browser,
}

impl Council {
    pub(crate) async fn start(database: Vec<String>) -> Council {
        let scratch = Scratch::new();
        let db: Vec<&str> = database.iter().map(String::as_str).collect();
        for role in ["editor", "officer", "viewer"] {
            let posts: &[&str] = if role == "officer" {
                &["Head of Housing and Health"]
            } else {
                &[]
            };
            let out = add_account(&scratch, &db, &email(role), role, posts, PASSWORD);
            assert!(out.status.success());
        }
        let mut args = vec!["--demo"];
        args.extend(&db);
        let server = Server::start(&scratch, &args);
        let editor = Browser::sign_in(&server, &email("editor"), PASSWORD).await;
        let officer = Browser::sign_in(&server, &email("officer"), PASSWORD).await;
        let viewer = Browser::sign_in(&server, &email("viewer"), PASSWORD).await;
        Council {
            scratch,
            database,
            _server: server,
            editor,
            officer,
            viewer,
        }
    }

    pub(crate) async fn find(&self, kind: &str, code: &str) -> i64 {
        let (_, html) = self
            .editor
            .get(&format!("/search?q={}", code.replace(' ', "+")))
            .await;
        link_id(&html.replace("&#x2f;", "/"), kind, code)
    }

    pub(crate) async fn api(&self, path: &str) -> serde_json::Value {
        let response = self
            .editor
            .http
            .get(self.editor.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }
}

pub(crate) fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

pub(crate) fn textarea(html: &str, name: &str) -> String {
    let re = Regex::new(&format!(
        r#"(?s)<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>"#
    ))
    .unwrap();
    unescape(&re.captures(html).unwrap_or_else(|| panic!("no {name}"))[1])
}

/// The edit form as the page fills it in: every field, the checked nodes.
pub(crate) fn action_form(html: &str) -> Vec<(String, String)> {
    let mut form: Vec<(String, String)> = ["version", "code", "title", "due"]
        .iter()
        .map(|n| (n.to_string(), unescape(&hidden(html, n))))
        .collect();
    for name in [
        "description",
        "lead_officers",
        "milestones",
        "target",
        "critical_success_factors",
    ] {
        form.push((name.to_string(), textarea(html, name)));
    }
    let checked = Regex::new(r#"name="nodes" type="checkbox" value="(\d+)" checked"#).unwrap();
    for c in checked.captures_iter(html) {
        form.push(("nodes".to_string(), c[1].to_string()));
    }
    form
}

/// The first group of `pattern`'s first match in `text`.
pub(crate) fn capture(pattern: &str, text: &str) -> String {
    Regex::new(pattern)
        .unwrap()
        .captures(text)
        .unwrap_or_else(|| panic!("no {pattern} in {text}"))[1]
        .to_string()
}

pub(crate) fn periods_re() -> Regex {
    Regex::new(r#"name="(period_\d+)" value="([^"]*)""#).unwrap()
}

pub(crate) fn set(form: &mut [(String, String)], name: &str, value: &str) {
    for field in form.iter_mut().filter(|(n, _)| n == name) {
        field.1 = value.to_string();
    }
}

pub(crate) async fn post(
    web: &Browser,
    path: &str,
    form: &[(String, String)],
) -> (u16, String, Option<String>) {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    web.post(path, &pairs).await
}

#[tokio::test]
async fn an_editor_corrects_an_action_and_the_page_api_history_and_past_views_agree() {
    for (backend, database) in databases("authoring_action").await {
        let council = Council::start(database).await;
        let id = council.find("actions", "KA.1 ").await;
        let before = council.api(&format!("/api/v1/actions/{id}")).await;
        let old_title = before["title"].as_str().unwrap().to_string();

        // The link shows to editors only.
        let (_, page) = council.editor.get(&format!("/actions/{id}")).await;
        assert!(
            page.contains(&format!(r#"href="/actions/{id}/edit""#)),
            "{backend}"
        );
        let (_, page) = council.officer.get(&format!("/actions/{id}")).await;
        assert!(
            !page.contains("Edit this action"),
            "{backend}: not for officers"
        );

        let (status, html) = council.editor.get(&format!("/actions/{id}/edit")).await;
        assert_eq!(status, 200, "{backend}");
        let fresh = action_form(&html);
        assert!(
            fresh.iter().any(|(n, _)| n == "nodes"),
            "{backend}: its thread is ticked"
        );

        // Bad input is refused field by field, keeping what was typed.
        let cases = [
            ("title", "   ".to_string(), "Enter the title of the action"),
            (
                "title",
                "x".repeat(10_000),
                "Title must be 500 characters or fewer",
            ),
            (
                "due",
                "when the money comes".to_string(),
                "cannot be read as a date",
            ),
        ];
        for (field, value, message) in cases {
            let mut form = fresh.clone();
            set(&mut form, field, &value);
            let (status, html, _) =
                post(&council.editor, &format!("/actions/{id}/edit"), &form).await;
            assert_eq!(status, 400, "{backend}: {field}");
            assert!(html.contains("govuk-error-summary"), "{backend}: {field}");
            assert!(html.contains(message), "{backend}: {field}: {message}");
            assert!(
                html.contains(&format!(r##"href="#{field}""##)),
                "{backend}: summary links the field"
            );
        }
        let mut form = fresh.clone();
        set(&mut form, "due", "when the money comes");
        set(&mut form, "title", "Kept as typed");
        let (_, html, _) = post(&council.editor, &format!("/actions/{id}/edit"), &form).await;
        assert!(
            html.contains(r#"value="Kept as typed""#),
            "{backend}: typed text kept"
        );
        assert!(
            html.contains(r#"value="when the money comes""#),
            "{backend}"
        );

        // Officers and viewers may not edit.
        for (who, web) in [("officer", &council.officer), ("viewer", &council.viewer)] {
            assert_eq!(
                web.get(&format!("/actions/{id}/edit")).await.0,
                403,
                "{backend}: {who}"
            );
            let (status, _, _) = post(web, &format!("/actions/{id}/edit"), &fresh).await;
            assert_eq!(status, 403, "{backend}: {who} posts");
        }

        // The editor fixes the title and the due date.
        let new_title = format!("Corrected: {old_title}");
        let mut form = fresh.clone();
        set(&mut form, "title", &new_title);
        set(&mut form, "due", "March 2027");
        let (status, _, location) =
            post(&council.editor, &format!("/actions/{id}/edit"), &form).await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(
            location.as_deref(),
            Some(format!("/actions/{id}?edited=1").as_str())
        );
        let (_, page) = council.editor.get(&format!("/actions/{id}?edited=1")).await;
        assert!(page.contains("Changes saved."), "{backend}");
        assert!(
            page.contains(&unescape_free(&new_title)),
            "{backend}: the page has the new title"
        );

        let after = council.api(&format!("/api/v1/actions/{id}")).await;
        assert_eq!(after["title"], new_title.as_str(), "{backend}");
        assert_eq!(after["due_text"], "March 2027", "{backend}");
        assert_eq!(after["original_due_date"], "2027-03-31", "{backend}");
        if before["due_date"] == before["original_due_date"] {
            assert_eq!(
                after["due_date"], "2027-03-31",
                "{backend}: no revision in force"
            );
        }

        // The history has before and after, with who.
        let (_, history) = council.editor.get(&format!("/actions/{id}/history")).await;
        assert!(history.contains("Test editor"), "{backend}: the actor");
        assert!(
            history.contains(&format!("<del>{}</del>", unescape_free(&old_title))),
            "{backend}: before"
        );
        assert!(
            history.contains(&format!("<ins>{}</ins>", unescape_free(&new_title))),
            "{backend}: after"
        );

        // As known yesterday, the action had its old title.
        let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
        let (_, past) = council
            .editor
            .get(&format!("/actions/{id}?as_at={yesterday}"))
            .await;
        assert_eq!(
            unescape(&capture(
                r#"<h1 class="govuk-heading-l">([^<]*)</h1>"#,
                &past
            )),
            old_title,
            "{backend}: the past view undoes the edit"
        );
        let past_api = council
            .api(&format!("/api/v1/actions/{id}?as_at={yesterday}"))
            .await;
        assert_eq!(
            past_api["title"],
            old_title.as_str(),
            "{backend}: and so does the API"
        );

        // A form opened before the edit is a conflict that keeps the text.
        let mut stale = fresh.clone();
        set(&mut stale, "title", "My stale typing");
        let (status, html, _) = post(&council.editor, &format!("/actions/{id}/edit"), &stale).await;
        assert_eq!(status, 409, "{backend}");
        assert!(
            html.contains("Someone else changed this action"),
            "{backend}"
        );
        assert!(
            html.contains(r#"value="My stale typing""#),
            "{backend}: typed text kept"
        );
        let now = council.api(&format!("/api/v1/actions/{id}")).await;
        assert_eq!(
            now["title"],
            new_title.as_str(),
            "{backend}: nothing overwritten"
        );

        // Saving the same again changes nothing and writes no history.
        let store = open_store(&council.scratch, &council.database).await;
        let (_, html) = council.editor.get(&format!("/actions/{id}/edit")).await;
        let rows = store.count("history").await.unwrap();
        let (status, _, _) = post(
            &council.editor,
            &format!("/actions/{id}/edit"),
            &action_form(&html),
        )
        .await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(
            store.count("history").await.unwrap(),
            rows,
            "{backend}: no empty edits"
        );
    }
}

/// Text as it appears in the page (the templates escape `&` and quotes).
pub(crate) fn unescape_free(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('\'', "&#x27;")
        .replace('"', "&quot;")
        .replace('/', "&#x2f;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[tokio::test]
async fn an_editor_adds_an_action_and_removes_it_but_not_one_with_progress() {
    for (backend, database) in databases("authoring_add").await {
        let council = Council::start(database).await;
        let ka1 = council.find("actions", "KA.1 ").await;
        let plan = council.api(&format!("/api/v1/actions/{ka1}")).await["plan_id"]
            .as_i64()
            .unwrap();
        let (_, page) = council.editor.get(&format!("/plans/{plan}")).await;
        assert!(
            page.contains(&format!(r#"href="/plans/{plan}/actions/new""#)),
            "{backend}"
        );
        let (status, html) = council
            .editor
            .get(&format!("/plans/{plan}/actions/new"))
            .await;
        assert_eq!(status, 200, "{backend}");
        assert!(
            html.contains("has no lead officer"),
            "{backend}: findings as it stands"
        );
        assert_eq!(
            council
                .viewer
                .get(&format!("/plans/{plan}/actions/new"))
                .await
                .0,
            403,
            "{backend}"
        );

        let node = capture(r#"name="nodes" type="checkbox" value="(\d+)""#, &html);
        let form: Vec<(String, String)> = [
            ("code", "KA.1"),
            ("title", "Replace the town centre litter bins"),
            ("lead_officers", "Head of Environmental Services"),
            ("due", "June 2027"),
            (
                "milestones",
                "Order placed | January 2027\nBins installed | June 2027",
            ),
            ("nodes", node.as_str()),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        let (status, _, location) = post(
            &council.editor,
            &format!("/plans/{plan}/actions/new"),
            &form,
        )
        .await;
        assert_eq!(status, 303, "{backend}");
        let location = location.unwrap();
        let id: i64 = capture(r"^/actions/(\d+)\?edited=added$", &location)
            .parse()
            .unwrap();
        let (_, page) = council.editor.get(&location).await;
        assert!(page.contains("Action added."), "{backend}");
        assert!(
            page.contains("Replace the town centre litter bins"),
            "{backend}"
        );
        assert!(page.contains("Bins installed"), "{backend}: milestones");
        assert!(page.contains("Head of Environmental Services"), "{backend}");
        let (_, edit) = council.editor.get(&format!("/actions/{id}/edit")).await;
        assert!(
            edit.contains("action code KA.1 is used twice in this plan"),
            "{backend}: a duplicate code is a finding"
        );
        let api = council.api(&format!("/api/v1/actions/{id}")).await;
        assert_eq!(api["due_date"], "2027-06-30", "{backend}");

        // Removing it asks first, then records the removal.
        let (status, confirm) = council.editor.get(&format!("/actions/{id}/remove")).await;
        assert_eq!(status, 200, "{backend}");
        assert!(confirm.contains("Remove action"), "{backend}");
        let version = hidden(&confirm, "version");
        assert_eq!(
            council
                .officer
                .post(&format!("/actions/{id}/remove"), &[("version", &version)])
                .await
                .0,
            403,
            "{backend}: officers may not remove"
        );
        let (status, _, location) = council
            .editor
            .post(&format!("/actions/{id}/remove"), &[("version", &version)])
            .await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(location, Some(format!("/plans/{plan}?removed=1")));
        let (_, page) = council
            .editor
            .get(&format!("/plans/{plan}?removed=1"))
            .await;
        assert!(page.contains("Action removed."), "{backend}");
        assert!(
            !page.contains("Replace the town centre litter bins"),
            "{backend}"
        );
        assert_eq!(
            council.editor.get(&format!("/actions/{id}")).await.0,
            404,
            "{backend}"
        );
        let store = open_store(&council.scratch, &council.database).await;
        let history = store.record_history("actions", id).await.unwrap();
        let removal = history
            .iter()
            .find(|h| h.operation == "delete" && h.entity == "actions")
            .expect("the removal is in the history");
        assert!(removal.actor.contains("Test editor"), "{backend}");
        assert_eq!(
            removal.before.as_ref().unwrap()["title"],
            "Replace the town centre litter bins",
            "{backend}"
        );

        // An action with progress updates is not removed.
        let (_, page) = council.editor.get(&format!("/actions/{ka1}")).await;
        let today = chrono::Utc::now().date_naive().to_string();
        let (status, _, _) = council
            .editor
            .post(
                &format!("/actions/{ka1}"),
                &[
                    ("version", &hidden(&page, "version")),
                    ("status", "on_track"),
                    ("as_at", &today),
                    ("commentary", "Reported to committee"),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}: progress recorded");
        let (_, confirm) = council.editor.get(&format!("/actions/{ka1}/remove")).await;
        assert!(confirm.contains("cannot be removed"), "{backend}");
        let version = hidden(
            &council.editor.get(&format!("/actions/{ka1}/edit")).await.1,
            "version",
        );
        let (status, _, _) = council
            .editor
            .post(&format!("/actions/{ka1}/remove"), &[("version", &version)])
            .await;
        assert_eq!(status, 409, "{backend}");
        assert_eq!(
            council.editor.get(&format!("/actions/{ka1}")).await.0,
            200,
            "{backend}"
        );
    }
}

/// The RAG tag of an indicator page's newest row.
fn newest_rag(html: &str) -> String {
    let re = Regex::new(r#"<tr class="govuk-table__row" data-period="[^"]+"><th[^>]*>[^<]*</th><td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)</td>.*?govuk-tag--(\w+)"#).unwrap();
    re.captures_iter(html)
        .find(|c| &c[1] != "–")
        .unwrap_or_else(|| panic!("a row with a value: {html}"))[2]
        .to_string()
}

#[tokio::test]
async fn an_editor_changes_an_indicators_targets_and_its_rag_follows() {
    for (backend, database) in databases("authoring_indicator").await {
        let council = Council::start(database).await;
        let id = council.find("indicators", "MEHPI 132").await;
        let (_, page) = council.editor.get(&format!("/indicators/{id}")).await;
        assert!(
            page.contains(&format!(r#"href="/indicators/{id}/edit""#)),
            "{backend}"
        );
        let (_, page) = council.viewer.get(&format!("/indicators/{id}")).await;
        assert!(!page.contains("Edit this indicator"), "{backend}");
        assert_eq!(
            council
                .officer
                .get(&format!("/indicators/{id}/edit"))
                .await
                .0,
            403
        );

        // A value in the plan's last year, recorded as an import would.
        let store = open_store(&council.scratch, &council.database).await;
        store
            .record_measurement(
                id,
                &goldthread_storage::NewMeasurement {
                    period: "2019-12".parse().unwrap(),
                    value: Some(50.0),
                    text: None,
                    note: None,
                },
                None,
                &goldthread_storage::Actor::process("test"),
                goldthread_domain::Review::Approved,
            )
            .await
            .unwrap();
        let (status, html) = council.editor.get(&format!("/indicators/{id}/edit")).await;
        assert_eq!(status, 200, "{backend}");
        let periods: Vec<(String, String)> = periods_re()
            .captures_iter(&html)
            .map(|c| (c[1].to_string(), unescape(&c[2])))
            .collect();
        assert!(!periods.is_empty(), "{backend}: a target per year");
        let selected = |name: &str| {
            Regex::new(&format!(
                r#"(?s)name="{name}">.*?<option value="([^"]*)" selected>"#
            ))
            .unwrap()
            .captures(&html)
            .map(|c| c[1].to_string())
            .unwrap_or_default()
        };
        let form_with = |target: &str, polarity: &str| {
            let mut form: Vec<(String, String)> = vec![
                ("version".into(), hidden(&html, "version")),
                ("code".into(), unescape(&hidden(&html, "code"))),
                ("title".into(), unescape(&hidden(&html, "title"))),
                ("unit".into(), selected("unit")),
                ("polarity".into(), polarity.to_string()),
                ("frequency".into(), selected("frequency")),
                ("baseline".into(), unescape(&hidden(&html, "baseline"))),
            ];
            for (name, period) in &periods {
                form.push((name.clone(), period.clone()));
                form.push((name.replace("period", "target"), target.to_string()));
            }
            form
        };

        // A bad code and no unit are refused by field.
        let mut bad = form_with("1", "higher_is_better");
        set(&mut bad, "code", "not a code");
        set(&mut bad, "unit", "");
        let (status, body, _) =
            post(&council.editor, &format!("/indicators/{id}/edit"), &bad).await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            body.contains("Enter the code as capital letters"),
            "{backend}"
        );
        assert!(body.contains("Select the unit"), "{backend}");

        // An easy target: on target.
        let (status, _, _) = post(
            &council.editor,
            &format!("/indicators/{id}/edit"),
            &form_with("1", "higher_is_better"),
        )
        .await;
        assert_eq!(status, 303, "{backend}");
        let (_, page) = council
            .editor
            .get(&format!("/indicators/{id}?edited=1"))
            .await;
        assert!(page.contains("Changes saved."), "{backend}");
        assert_eq!(newest_rag(&page), "green", "{backend}: beats a target of 1");

        // A target out of reach: off target. The form is now stale.
        let stale = form_with("1000000", "higher_is_better");
        let (status, body, _) =
            post(&council.editor, &format!("/indicators/{id}/edit"), &stale).await;
        assert_eq!(status, 409, "{backend}: a stale form");
        assert!(
            body.contains(r#"value="1000000""#),
            "{backend}: typed targets kept"
        );
        let mut fresh = stale;
        set(&mut fresh, "version", &hidden(&body, "version"));
        let (status, _, _) = post(&council.editor, &format!("/indicators/{id}/edit"), &fresh).await;
        assert_eq!(status, 303, "{backend}");
        let (_, page) = council.editor.get(&format!("/indicators/{id}")).await;
        assert_eq!(
            newest_rag(&page),
            "red",
            "{backend}: misses a target of a million"
        );
        let (_, history) = council
            .editor
            .get(&format!("/indicators/{id}/history"))
            .await;
        assert!(
            history.contains("1000000"),
            "{backend}: the targets' history"
        );
    }
}

/// The indicator edit form as the page fills it in: every field, each
/// target, the checked nodes and actions.
fn indicator_form(html: &str) -> Vec<(String, String)> {
    let selected = |name: &str| {
        Regex::new(&format!(
            r#"(?s)name="{name}">.*?<option value="([^"]*)" selected>"#
        ))
        .unwrap()
        .captures(html)
        .map(|c| c[1].to_string())
        .unwrap_or_default()
    };
    let mut form: Vec<(String, String)> = vec![
        ("version".into(), hidden(html, "version")),
        ("code".into(), unescape(&hidden(html, "code"))),
        ("title".into(), unescape(&hidden(html, "title"))),
        ("unit".into(), selected("unit")),
        ("polarity".into(), selected("polarity")),
        ("frequency".into(), selected("frequency")),
        ("baseline".into(), unescape(&hidden(html, "baseline"))),
    ];
    for c in periods_re().captures_iter(html) {
        let target = c[1].replace("period", "target");
        form.push((c[1].to_string(), unescape(&c[2])));
        form.push((target.clone(), unescape(&hidden(html, &target))));
    }
    form.extend(checked(html, "nodes"));
    form.extend(checked(html, "actions"));
    form
}

/// The checkboxes named `name`: (name, id) of each checked one.
pub(crate) fn checked(html: &str, name: &str) -> Vec<(String, String)> {
    let re = Regex::new(&format!(
        r#"name="{name}" type="checkbox" value="(\d+)" checked"#
    ))
    .unwrap();
    re.captures_iter(html)
        .map(|c| (name.to_string(), c[1].to_string()))
        .collect()
}

/// Every checkbox value named `name`.
fn choices(html: &str, name: &str) -> Vec<String> {
    let re = Regex::new(&format!(r#"name="{name}" type="checkbox" value="(\d+)""#)).unwrap();
    re.captures_iter(html).map(|c| c[1].to_string()).collect()
}

/// The part of a plan page (seen by an editor) that is node `node`'s own:
/// its heading, links and indicators, up to the next node.
fn node_section(plan_page: &str, node: &str) -> String {
    plan_page
        .split("gt-node-heading")
        .find(|part| part.contains(&format!(r#"href="/nodes/{node}/edit""#)))
        .unwrap_or_else(|| panic!("node {node} on the plan page"))
        .to_string()
}

#[tokio::test]
async fn an_editor_relinks_an_indicator_to_the_thread_and_to_actions() {
    for (backend, database) in databases("authoring_indicator_links").await {
        let council = Council::start(database).await;
        let id = council.find("indicators", "MEHPI 132").await;
        let path = format!("/indicators/{id}/edit");
        let (status, html) = council.editor.get(&path).await;
        assert_eq!(status, 200, "{backend}");
        let was = indicator_form(&html);
        let was_actions: Vec<String> = checked(&html, "actions").into_iter().map(|c| c.1).collect();
        let node = choices(&html, "nodes")
            .into_iter()
            .find(|n| !was.contains(&("nodes".into(), n.clone())))
            .unwrap_or_else(|| panic!("{backend}: a node it does not measure yet"));
        let action = choices(&html, "actions")
            .into_iter()
            .find(|a| !was_actions.contains(a))
            .unwrap_or_else(|| panic!("{backend}: an action it does not measure yet"));
        let (_, history) = council
            .editor
            .get(&format!("/indicators/{id}/history"))
            .await;
        let link_rows_before = history.matches("indicator links ").count();

        // Only the new node and the new action: every old link goes.
        let mut form: Vec<(String, String)> = was
            .iter()
            .filter(|(name, _)| name != "nodes" && name != "actions")
            .cloned()
            .collect();
        form.push(("nodes".into(), node.clone()));
        form.push(("actions".into(), action.clone()));

        for who in [&council.viewer, &council.officer] {
            let (status, _, _) = post(who, &path, &form).await;
            assert_eq!(status, 403, "{backend}: only editors relink");
        }
        let mut foreign = form.clone();
        foreign.push(("actions".into(), "999999".into()));
        let (status, body, _) = post(&council.editor, &path, &foreign).await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            body.contains("Choose only among this plan&#x27;s actions")
                || body.contains("Choose only among this plan's actions"),
            "{backend}: {body}"
        );
        assert!(
            body.contains(&format!(r#"value="{node}" checked"#)),
            "{backend}: the boxes ticked are kept"
        );

        let (status, _, _) = post(&council.editor, &path, &form).await;
        assert_eq!(status, 303, "{backend}");
        let (_, page) = council.editor.get(&format!("/indicators/{id}")).await;
        assert!(
            page.contains(&format!(r#"href="/actions/{action}""#)),
            "{backend}: measures the new action"
        );
        for old in was_actions.iter().filter(|a| **a != action) {
            assert!(
                !page.contains(&format!(r#"href="/actions/{old}""#)),
                "{backend}: no longer measures action {old}"
            );
        }
        assert!(page.contains(r#"id="serves""#), "{backend}: its node shown");
        let (_, action_page) = council.editor.get(&format!("/actions/{action}")).await;
        assert!(
            action_page.contains(&format!(r#"href="/indicators/{id}""#)),
            "{backend}: the action lists the indicator"
        );
        let plan_id = capture(r#"href="/plans/(\d+)""#, &html);
        let (_, plan_page) = council.editor.get(&format!("/plans/{plan_id}")).await;
        assert!(
            node_section(&plan_page, &node).contains(&format!(r#"href="/indicators/{id}""#)),
            "{backend}: the plan page shows it under its new node at once"
        );
        for old in was.iter().filter(|(n, v)| n == "nodes" && *v != node) {
            assert!(
                !node_section(&plan_page, &old.1).contains(&format!(r#"href="/indicators/{id}""#)),
                "{backend}: no longer under node {}",
                old.1
            );
        }

        // The form shows the links as stored; saving it unchanged writes
        // nothing, so the version stays.
        let (_, html) = council.editor.get(&path).await;
        assert_eq!(
            checked(&html, "nodes"),
            [("nodes".to_string(), node.clone())]
        );
        assert_eq!(
            checked(&html, "actions"),
            [("actions".to_string(), action.clone())]
        );
        let version = hidden(&html, "version");
        let (status, _, _) = post(&council.editor, &path, &indicator_form(&html)).await;
        assert_eq!(status, 303, "{backend}");
        let (_, again) = council.editor.get(&path).await;
        assert_eq!(
            hidden(&again, "version"),
            version,
            "{backend}: nothing written"
        );

        // The form first opened is stale now: refused, ticks kept.
        let (status, body, _) = post(&council.editor, &path, &was).await;
        assert_eq!(status, 409, "{backend}: a stale form");
        for (name, value) in was.iter().filter(|(n, _)| n == "nodes" || n == "actions") {
            assert!(
                body.contains(&format!(
                    r#"name="{name}" type="checkbox" value="{value}" checked"#
                )),
                "{backend}: {name} {value} kept ticked"
            );
        }

        let (_, history) = council
            .editor
            .get(&format!("/indicators/{id}/history"))
            .await;
        assert!(
            history.matches("indicator links ").count() > link_rows_before,
            "{backend}: the links' changes are in the history"
        );
    }
}

/// The risk form as the page fills it in: every field, the checked boxes.
fn risk_form(html: &str) -> Vec<(String, String)> {
    let selected = |name: &str| {
        Regex::new(&format!(
            r#"(?s)name="{name}"[^>]*>.*?<option value="([^"]*)" selected>"#
        ))
        .unwrap()
        .captures(html)
        .map(|c| unescape(&c[1]))
        .unwrap_or_default()
    };
    let mut form: Vec<(String, String)> = vec![
        ("version".into(), hidden(html, "version")),
        ("code".into(), unescape(&hidden(html, "code"))),
        ("title".into(), unescape(&hidden(html, "title"))),
        ("owner".into(), selected("owner")),
        ("likelihood".into(), selected("likelihood")),
        ("impact".into(), selected("impact")),
    ];
    for name in ["cause", "event", "consequence", "controls"] {
        form.push((name.to_string(), textarea(html, name)));
    }
    form.extend(checked(html, "nodes"));
    form.extend(checked(html, "actions"));
    form
}

/// The risk register's row for risk `id`, or None.
fn register_row(register: &str, id: i64) -> Option<String> {
    Regex::new(&format!(
        r#"(?s)<tr class="govuk-table__row" id="risk-{id}">(.*?)</tr>"#
    ))
    .unwrap()
    .captures(register)
    .map(|c| c[1].to_string())
}

#[tokio::test]
async fn an_editor_adds_edits_and_removes_a_risk_on_the_register() {
    for (backend, database) in databases("authoring_risks").await {
        let council = Council::start(database).await;
        let indicator = council.find("indicators", "MEHPI 132").await;
        let (_, html) = council
            .editor
            .get(&format!("/indicators/{indicator}/edit"))
            .await;
        let plan = capture(r#"href="/plans/(\d+)""#, &html);
        let new_path = format!("/plans/{plan}/risks/new");
        let (_, page) = council.editor.get(&format!("/plans/{plan}")).await;
        assert!(page.contains(&format!(r#"href="{new_path}""#)), "{backend}");
        let (_, page) = council.viewer.get(&format!("/plans/{plan}")).await;
        assert!(!page.contains("Add a risk"), "{backend}: editors only");

        let (status, html) = council.editor.get(&new_path).await;
        assert_eq!(status, 200, "{backend}");
        let node = choices(&html, "nodes")[0].clone();
        let action = choices(&html, "actions")[0].clone();
        let owner = capture(
            r#"name="owner"><option value="">No owner</option><option value="([^"]*)""#,
            &html,
        );
        let owner = unescape(&owner);
        let mut form = risk_form(&html);
        set(&mut form, "code", "R99");
        set(&mut form, "title", "Loss of the leisure contractor");
        set(&mut form, "owner", &owner);
        set(&mut form, "likelihood", "4");
        set(&mut form, "impact", "3");
        set(&mut form, "controls", "Monthly contract meetings");
        form.push(("nodes".into(), node.clone()));
        form.push(("actions".into(), action.clone()));

        for who in [&council.viewer, &council.officer] {
            let (status, _, _) = post(who, &new_path, &form).await;
            assert_eq!(status, 403, "{backend}: only editors add risks");
        }
        let mut bad = form.clone();
        set(&mut bad, "likelihood", "9");
        let (status, body, _) = post(&council.editor, &new_path, &bad).await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            body.contains("Select the likelihood from 1 to 5"),
            "{backend}"
        );
        assert!(
            body.contains(r#"value="Loss of the leisure contractor""#),
            "{backend}: what was typed is kept"
        );

        let (status, _, location) = post(&council.editor, &new_path, &form).await;
        assert_eq!(status, 303, "{backend}");
        let id: i64 = capture(r"/risks\?saved=(\d+)", &location.unwrap())
            .parse()
            .unwrap();
        let score = |l, i| {
            goldthread_domain::risk::rated_score(Some(l), Some(i))
                .unwrap()
                .to_string()
        };
        let (_, register) = council.editor.get(&format!("/risks?saved={id}")).await;
        assert!(register.contains("Risk saved."), "{backend}");
        let row = register_row(&register, id).unwrap_or_else(|| panic!("{backend}: listed"));
        assert!(
            row.contains("R99 Loss of the leisure contractor"),
            "{backend}"
        );
        assert!(
            row.contains(&format!("{} (4×3)", score(4, 3))),
            "{backend}: {row}"
        );
        assert!(row.contains("Monthly contract meetings"), "{backend}");
        assert!(
            row.contains(&format!(r#"href="/risks/{id}/edit""#)),
            "{backend}"
        );
        let (_, register) = council.viewer.get("/risks").await;
        assert!(
            !register_row(&register, id).unwrap().contains("/edit"),
            "{backend}: no edit link for a viewer"
        );

        // Edit: the form shows it as stored; a higher impact scores higher.
        let edit_path = format!("/risks/{id}/edit");
        assert_eq!(council.officer.get(&edit_path).await.0, 403, "{backend}");
        let (status, html) = council.editor.get(&edit_path).await;
        assert_eq!(status, 200, "{backend}");
        let first = risk_form(&html);
        assert!(
            first.contains(&("owner".into(), owner.clone())),
            "{backend}"
        );
        assert!(first.contains(&("nodes".into(), node.clone())), "{backend}");
        assert!(
            first.contains(&("actions".into(), action.clone())),
            "{backend}"
        );
        let mut higher = first.clone();
        set(&mut higher, "impact", "5");
        let (status, _, _) = post(&council.editor, &edit_path, &higher).await;
        assert_eq!(status, 303, "{backend}");
        let (_, register) = council.editor.get("/risks").await;
        let row = register_row(&register, id).unwrap();
        assert!(
            row.contains(&format!("{} (4×5)", score(4, 5))),
            "{backend}: {row}"
        );

        // The form first opened is stale: refused, what was typed kept.
        let mut stale = first.clone();
        set(&mut stale, "title", "Contractor insolvency");
        let (status, body, _) = post(&council.editor, &edit_path, &stale).await;
        assert_eq!(status, 409, "{backend}");
        assert!(
            body.contains(r#"value="Contractor insolvency""#),
            "{backend}"
        );

        // Saving it unchanged writes nothing.
        let (_, html) = council.editor.get(&edit_path).await;
        let version = hidden(&html, "version");
        let (status, _, _) = post(&council.editor, &edit_path, &risk_form(&html)).await;
        assert_eq!(status, 303, "{backend}");
        let (_, html) = council.editor.get(&edit_path).await;
        assert_eq!(
            hidden(&html, "version"),
            version,
            "{backend}: nothing written"
        );

        let (_, history) = council.editor.get(&format!("/risks/{id}/history")).await;
        assert!(
            history.contains("risk links "),
            "{backend}: links in the history"
        );
        assert!(history.contains("Monthly contract meetings"), "{backend}");

        // Remove, behind a confirmation page.
        let remove_path = format!("/risks/{id}/remove");
        assert_eq!(council.officer.get(&remove_path).await.0, 403, "{backend}");
        let (status, page) = council.editor.get(&remove_path).await;
        assert_eq!(status, 200, "{backend}");
        let version = hidden(&page, "version");
        let stale_version = (version.parse::<i64>().unwrap() - 1).to_string();
        let (status, _, _) = council
            .editor
            .post(&remove_path, &[("version", stale_version.as_str())])
            .await;
        assert_eq!(status, 409, "{backend}: a stale confirmation");
        let (status, _, _) = council
            .editor
            .post(&remove_path, &[("version", version.as_str())])
            .await;
        assert_eq!(status, 303, "{backend}");
        let (_, register) = council.editor.get("/risks?removed=1").await;
        assert!(register.contains("Risk removed."), "{backend}");
        assert!(register_row(&register, id).is_none(), "{backend}: gone");
        let (_, history) = council.editor.get(&format!("/plans/{plan}/history")).await;
        assert!(
            history.contains(&format!("risks {id}")),
            "{backend}: the removed risk stays in the plan's history"
        );
    }
}

/// The id of the node whose "Edit" link on the plan page names it.
fn node_id(plan_page: &str, label: &str, title: &str) -> i64 {
    capture(
        &format!(
            r#"href="/nodes/(\d+)/edit">Edit<span class="govuk-visually-hidden"> {}: {}</span>"#,
            regex::escape(&unescape_free(label)),
            regex::escape(&unescape_free(title))
        ),
        plan_page,
    )
    .parse()
    .unwrap()
}

/// The node form as the page fills it in.
fn node_form(html: &str) -> Vec<(String, String)> {
    let selected = |name: &str| {
        Regex::new(&format!(
            r#"(?s)name="{name}"[^>]*>.*?<option value="([^"]*)" selected>"#
        ))
        .unwrap()
        .captures(html)
        .map(|c| c[1].to_string())
        .unwrap_or_default()
    };
    vec![
        ("version".into(), hidden(html, "version")),
        ("level".into(), selected("level")),
        ("label".into(), unescape(&hidden(html, "label"))),
        ("title".into(), unescape(&hidden(html, "title"))),
        ("strapline".into(), textarea(html, "strapline")),
        ("parent".into(), selected("parent")),
    ]
}

#[tokio::test]
async fn an_editor_adds_edits_moves_and_removes_priorities_outcomes_and_objectives() {
    for (backend, database) in databases("authoring_nodes").await {
        let council = Council::start(database).await;
        let ka1 = council.find("actions", "KA.1 ").await;
        let plan = council.api(&format!("/api/v1/actions/{ka1}")).await["plan_id"]
            .as_i64()
            .unwrap();
        let new = format!("/plans/{plan}/nodes/new");

        // Editors see the links; viewers and officers neither see nor use them.
        let (_, page) = council.editor.get(&format!("/plans/{plan}")).await;
        assert!(
            page.contains(&format!(r#"href="{new}?level=outcome""#)),
            "{backend}"
        );
        let (_, edit_ka1) = council.editor.get(&format!("/actions/{ka1}/edit")).await;
        let linked: i64 = capture(
            r#"name="nodes" type="checkbox" value="(\d+)" checked"#,
            &edit_ka1,
        )
        .parse()
        .unwrap();
        assert!(
            page.contains(&format!(r#"href="/nodes/{linked}/edit""#)),
            "{backend}: each node has its links"
        );
        for (who, web) in [("officer", &council.officer), ("viewer", &council.viewer)] {
            let (_, page) = web.get(&format!("/plans/{plan}")).await;
            assert!(!page.contains("/nodes/"), "{backend}: {who} sees no links");
            assert_eq!(web.get(&new).await.0, 403, "{backend}: {who}");
            let add = [("level", "priority"), ("title", "Not allowed")];
            assert_eq!(web.post(&new, &add).await.0, 403, "{backend}: {who}");
            for path in [
                format!("/nodes/{linked}/edit"),
                format!("/nodes/{linked}/remove"),
            ] {
                assert_eq!(web.get(&path).await.0, 403, "{backend}: {who} {path}");
                let posted = [("version", "1"), ("level", "priority"), ("title", "x")];
                assert_eq!(
                    web.post(&path, &posted).await.0,
                    403,
                    "{backend}: {who} posts {path}"
                );
            }
        }

        // The form starts at the level asked for; a missing title is
        // refused with what was typed kept.
        let (status, html) = council.editor.get(&format!("{new}?level=outcome")).await;
        assert_eq!(status, 200, "{backend}");
        assert!(
            html.contains(r#"<option value="outcome" selected>"#),
            "{backend}"
        );
        let (status, html, _) = council
            .editor
            .post(
                &new,
                &[
                    ("level", "priority"),
                    ("label", "Corporate Priority"),
                    ("title", "  "),
                    ("parent", ""),
                ],
            )
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("govuk-error-summary"), "{backend}");
        assert!(
            html.contains(r##"href="#title">Enter the title"##),
            "{backend}"
        );
        assert!(
            html.contains(r#"value="Corporate Priority""#),
            "{backend}: typed label kept"
        );

        // A priority at the top, then an objective under it.
        let (status, _, location) = council
            .editor
            .post(
                &new,
                &[
                    ("level", "priority"),
                    ("label", "Corporate Priority"),
                    ("title", "Prosperity for all"),
                    ("strapline", "A thriving local economy"),
                    ("parent", ""),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(
            location.as_deref(),
            Some(format!("/plans/{plan}?thread=added").as_str())
        );
        let (_, page) = council
            .editor
            .get(&format!("/plans/{plan}?thread=added"))
            .await;
        assert!(page.contains("Added to the thread."), "{backend}");
        assert!(
            page.contains("A thriving local economy"),
            "{backend}: the page shows the new node at once"
        );
        let priority = node_id(&page, "Corporate Priority", "Prosperity for all");
        let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
        let (_, past) = council
            .editor
            .get(&format!("/plans/{plan}?as_at={yesterday}"))
            .await;
        assert!(
            !past.contains("Prosperity for all"),
            "{backend}: as known yesterday, the thread had no such priority"
        );
        assert!(
            page.contains("/edit\">Edit") && !past.contains("/edit\">Edit"),
            "{backend}: the thread is edited as it stands, not as it was: a past day offers no edit links"
        );
        let (status, _, _) = council
            .editor
            .post(
                &new,
                &[
                    ("level", "objective"),
                    ("label", ""),
                    ("title", "Grow local busineses"),
                    ("parent", &priority.to_string()),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        let (_, page) = council.editor.get(&format!("/plans/{plan}")).await;
        let objective = node_id(&page, "Objective", "Grow local busineses");

        // The typo fixed.
        let (status, html) = council
            .editor
            .get(&format!("/nodes/{objective}/edit"))
            .await;
        assert_eq!(status, 200, "{backend}");
        let fresh = node_form(&html);
        assert!(
            fresh.contains(&("parent".into(), priority.to_string())),
            "{backend}: {fresh:?}"
        );
        let mut form = fresh.clone();
        set(&mut form, "title", "Grow local businesses");
        let (status, _, location) =
            post(&council.editor, &format!("/nodes/{objective}/edit"), &form).await;
        assert_eq!(status, 303, "{backend}");
        let (_, page) = council.editor.get(&location.unwrap()).await;
        assert!(page.contains("Changes to the thread saved."), "{backend}");
        assert!(page.contains("Grow local businesses"), "{backend}");
        assert!(!page.contains("Grow local busineses"), "{backend}");

        // A form opened before that is told, keeping what was typed.
        let mut stale = fresh.clone();
        set(&mut stale, "title", "My stale typing");
        let (status, html, _) =
            post(&council.editor, &format!("/nodes/{objective}/edit"), &stale).await;
        assert_eq!(status, 409, "{backend}");
        assert!(html.contains("Someone else changed"), "{backend}");
        assert!(html.contains(r#"value="My stale typing""#), "{backend}");

        // The priority cannot move under its own objective.
        let (_, html) = council.editor.get(&format!("/nodes/{priority}/edit")).await;
        assert!(
            !html.contains(&format!(r#"<option value="{objective}""#)),
            "{backend}: not offered"
        );
        let mut cycle = node_form(&html);
        set(&mut cycle, "parent", &objective.to_string());
        let (status, body, _) =
            post(&council.editor, &format!("/nodes/{priority}/edit"), &cycle).await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            body.contains(r##"href="#parent">A node cannot sit under itself"##),
            "{backend}"
        );
        let store = open_store(&council.scratch, &council.database).await;
        assert_eq!(
            store.node_for_edit(priority).await.unwrap().1.parent_id,
            None,
            "{backend}: nothing moved"
        );

        // The objective moves under the node KA.1 serves.
        let (_, html) = council
            .editor
            .get(&format!("/nodes/{objective}/edit"))
            .await;
        let mut form = node_form(&html);
        set(&mut form, "parent", &linked.to_string());
        let (status, _, _) =
            post(&council.editor, &format!("/nodes/{objective}/edit"), &form).await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(
            store.node_for_edit(objective).await.unwrap().1.parent_id,
            Some(linked),
            "{backend}"
        );
        let (_, html) = council
            .editor
            .get(&format!("/nodes/{objective}/edit"))
            .await;
        assert!(
            html.contains(&format!(r#"<option value="{linked}" selected>"#)),
            "{backend}: the form shows where it sits now"
        );

        // The node KA.1 serves, now with the objective under it, stays.
        let (status, confirm) = council.editor.get(&format!("/nodes/{linked}/remove")).await;
        assert_eq!(status, 200, "{backend}");
        assert!(confirm.contains("cannot be removed"), "{backend}");
        assert!(confirm.contains("KA.1"), "{backend}: names the action");
        assert!(
            confirm.contains("1 node under it"),
            "{backend}: and the objective"
        );
        let version = store.node_for_edit(linked).await.unwrap().1.version;
        let (status, _, _) = council
            .editor
            .post(
                &format!("/nodes/{linked}/remove"),
                &[("version", &version.to_string())],
            )
            .await;
        assert_eq!(status, 409, "{backend}");
        assert!(store.node_for_edit(linked).await.is_ok(), "{backend}");

        // The objective, with nothing on it, goes.
        let (_, confirm) = council
            .editor
            .get(&format!("/nodes/{objective}/remove"))
            .await;
        assert!(confirm.contains("Remove objective"), "{backend}");
        let (status, _, location) = council
            .editor
            .post(
                &format!("/nodes/{objective}/remove"),
                &[("version", &hidden(&confirm, "version"))],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(
            location.as_deref(),
            Some(format!("/plans/{plan}?thread=removed").as_str())
        );
        let (_, page) = council
            .editor
            .get(&format!("/plans/{plan}?thread=removed"))
            .await;
        assert!(page.contains("Removed from the thread."), "{backend}");
        assert!(!page.contains("Grow local businesses"), "{backend}");
        assert_eq!(
            council
                .editor
                .get(&format!("/nodes/{objective}/edit"))
                .await
                .0,
            404,
            "{backend}"
        );

        // Every change is on the plan's record, with who made it.
        let history = store.record_history("plans", plan).await.unwrap();
        let of_objective: Vec<&str> = history
            .iter()
            .filter(|h| h.entity == "nodes" && h.entity_id == objective)
            .map(|h| h.operation.as_str())
            .collect();
        assert_eq!(
            of_objective,
            ["delete", "update", "update", "insert"],
            "{backend}"
        );
        assert!(
            history
                .iter()
                .filter(|h| h.entity == "nodes" && [priority, objective].contains(&h.entity_id))
                .all(|h| h.actor.contains("Test editor")),
            "{backend}"
        );
        let (_, page) = council.editor.get(&format!("/plans/{plan}/history")).await;
        assert!(page.contains("Prosperity for all"), "{backend}");
        assert!(page.contains("Grow local businesses"), "{backend}");
    }
}
