//! Posts over HTTP against the real server, on SQLite and PostgreSQL: an
//! editor sees near-duplicate posts, merges one into the other (its
//! actions and the accounts holding it move; the pages, the API and the
//! history agree) and renames a post; bad merges and renames are refused
//! and other roles get 403.

use crate::util::*;
use regex::Regex;

const PASSWORD: &str = "amber falcon meadow";
const KEEP: &str = "Head of Housing and Health";
const DUPLICATE: &str = "Head of Housing & Health";

fn email(role: &str) -> String {
    format!("{role}@posts.goldthread.test")
}

/// Every action the API lists for an officer's post, by id.
async fn actions_of(web: &Browser, officer: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = reqwest::Url::parse(&web.url("/api/v1/actions")).unwrap();
        url.query_pairs_mut()
            .append_pair("officer", officer)
            .append_pair("limit", "100");
        if let Some(c) = &cursor {
            url.query_pairs_mut().append_pair("cursor", c);
        }
        let response = web.http.get(url).send().await.unwrap();
        assert_eq!(response.status(), 200, "actions of {officer}");
        let page: serde_json::Value = response.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            ids.push(item["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    ids.sort();
    ids
}

/// The id of the post titled `title` (as the page escapes it).
fn post_id(html: &str, title: &str) -> String {
    let title = title.replace('&', "&amp;");
    let re = Regex::new(&format!(
        r#"data-post="(\d+)"><td class="govuk-table__cell">{}</td>"#,
        regex::escape(&title)
    ))
    .unwrap();
    re.captures(&html.replace("\n", ""))
        .unwrap_or_else(|| panic!("no post {title}"))[1]
        .to_string()
}

#[tokio::test]
async fn an_editor_merges_a_duplicate_post_and_renames_one() {
    let action_link = Regex::new(r"^/actions/(\d+)\?").unwrap();
    let head_of = Regex::new(r#"<td class="govuk-table__cell">(Head of [^<&]+)</td>"#).unwrap();
    for (backend, database) in databases("posts").await {
        let scratch = Scratch::new();
        let db: Vec<&str> = database.iter().map(String::as_str).collect();
        for (role, posts) in [
            ("editor", &[][..]),
            ("officer", &[DUPLICATE][..]),
            ("viewer", &[][..]),
        ] {
            let out = add_account(&scratch, &db, &email(role), role, posts, PASSWORD);
            assert!(out.status.success());
        }
        let mut args = vec!["--demo"];
        args.extend(&db);
        let server = Server::start(&scratch, &args);
        let editor = Browser::sign_in(&server, &email("editor"), PASSWORD).await;
        let officer = Browser::sign_in(&server, &email("officer"), PASSWORD).await;
        let viewer = Browser::sign_in(&server, &email("viewer"), PASSWORD).await;

        let kept_actions = actions_of(&editor, KEEP).await;
        assert!(
            !kept_actions.is_empty(),
            "{backend}: the demo's post leads actions"
        );

        // An action led by the duplicate post.
        let plan = editor.api_plans().await[0]["id"].as_i64().unwrap();
        let (status, _, location) = editor
            .post(
                &format!("/plans/{plan}/actions/new"),
                &[
                    ("title", "Tidy the housing register"),
                    ("lead_officers", DUPLICATE),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        let added: i64 = action_link.captures(&location.unwrap()).unwrap()[1]
            .parse()
            .unwrap();
        assert_eq!(
            actions_of(&editor, DUPLICATE).await,
            vec![added],
            "{backend}"
        );

        // The page lists both posts and offers the pair as duplicates.
        let (status, html) = editor.get("/posts").await;
        assert_eq!(status, 200, "{backend}");
        let keep = post_id(&html, KEEP);
        let duplicate = post_id(&html, DUPLICATE);
        let duplicates = &html[html.find(r#"id="duplicates""#).expect("duplicates")..];
        assert!(
            duplicates.contains(&format!(r#"action="/posts/{duplicate}/merge""#))
                && duplicates.contains(&format!(r#"name="into" value="{keep}""#)),
            "{backend}: the pair is offered for merging"
        );
        let (_, home) = editor.get("/").await;
        assert!(
            home.contains(r#"href="/posts""#),
            "{backend}: linked for editors"
        );
        let (_, home) = viewer.get("/").await;
        assert!(
            !home.contains(r#"href="/posts""#),
            "{backend}: not for viewers"
        );

        // Other roles are refused.
        assert_eq!(officer.get("/posts").await.0, 403, "{backend}");
        assert_eq!(viewer.get("/posts").await.0, 403, "{backend}");
        let merge = format!("/posts/{duplicate}/merge");
        assert_eq!(
            officer.post(&merge, &[("into", keep.as_str())]).await.0,
            403,
            "{backend}"
        );
        assert_eq!(
            viewer
                .post(&format!("/posts/{keep}/rename"), &[("title", "X")])
                .await
                .0,
            403,
            "{backend}"
        );

        // Bad merges are refused with a reason.
        let (status, body, _) = editor.post(&merge, &[("into", duplicate.as_str())]).await;
        assert_eq!(status, 400, "{backend}");
        assert!(body.contains("cannot be merged into itself"), "{backend}");
        let (status, body, _) = editor.post(&merge, &[("into", "999999")]).await;
        assert_eq!(status, 400, "{backend}");
        assert!(body.contains("no post 999999"), "{backend}");
        let (status, _, _) = editor.post(&merge, &[("into", "")]).await;
        assert_eq!(status, 400, "{backend}");

        // The merge.
        let (status, _, location) = editor.post(&merge, &[("into", keep.as_str())]).await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(location.as_deref(), Some("/posts?done=merged"), "{backend}");
        let (_, html) = editor.get("/posts?done=merged").await;
        assert!(html.contains("Merged"), "{backend}");
        assert!(
            !html.contains("Head of Housing &amp; Health"),
            "{backend}: gone"
        );
        assert!(
            !html.contains(&format!("/posts/{duplicate}/merge")),
            "{backend}: no longer offered"
        );

        let (_, page) = editor.get(&format!("/actions/{added}")).await;
        assert!(
            page.contains(KEEP),
            "{backend}: the action shows the surviving post"
        );
        assert!(!page.contains("Housing &amp; Health"), "{backend}");
        let mut both = kept_actions.clone();
        both.push(added);
        both.sort();
        assert_eq!(actions_of(&editor, KEEP).await, both, "{backend}");
        assert!(actions_of(&editor, DUPLICATE).await.is_empty(), "{backend}");

        let (_, history) = editor.get(&format!("/actions/{added}/history")).await;
        assert!(
            history.contains(&email("editor")) || history.contains("Test editor"),
            "{backend}: the history names the editor"
        );
        let store = open_store(&scratch, &database).await;
        let officer_id = store
            .account_by_email(&email("officer"))
            .await
            .unwrap()
            .unwrap()
            .id;
        assert_eq!(
            store.posts_of(officer_id).await.unwrap(),
            vec![KEEP.to_string()],
            "{backend}: the account holds the surviving post"
        );
        let post_history = store
            .history_of("posts", duplicate.parse().unwrap())
            .await
            .unwrap();
        let last = post_history.last().unwrap();
        assert_eq!(last.operation, "delete", "{backend}");
        assert!(last.actor.contains(&email("editor")), "{backend}");

        // Renaming: refused when empty or another post's title, done otherwise.
        let rename = format!("/posts/{keep}/rename");
        let (_, html) = editor.get("/posts").await;
        let other = head_of
            .captures_iter(&html)
            .map(|c| c[1].to_string())
            .find(|t| t != KEEP)
            .expect("another post");
        let (status, body, _) = editor.post(&rename, &[("title", "  ")]).await;
        assert_eq!(status, 400, "{backend}");
        assert!(body.contains("Enter the post"), "{backend}");
        let (status, body, _) = editor
            .post(&rename, &[("title", &other.to_uppercase())])
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            body.contains("merge this post into it instead"),
            "{backend}"
        );
        let renamed = "Head of Housing and Public Health";
        let (status, _, location) = editor.post(&rename, &[("title", renamed)]).await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(
            location.as_deref(),
            Some("/posts?done=renamed"),
            "{backend}"
        );
        assert_eq!(actions_of(&editor, renamed).await, both, "{backend}");
        let (_, page) = editor.get(&format!("/actions/{added}")).await;
        assert!(page.contains(renamed), "{backend}");
    }
}

#[tokio::test]
async fn a_post_is_placed_in_a_service_and_an_ocr_damaged_twin_is_offered_for_merging() {
    const DAMAGED: &str = "Head of Housing and Heafth";
    let option = Regex::new(r#"<option value="(\d+)"[^>]*>([^<]+)</option>"#).unwrap();
    for (backend, database) in databases("post_units").await {
        let council = DemoCouncil::start(&database, &email("editor"), PASSWORD).await;
        let editor = &council.editor;
        let plan = editor.api_plans().await[0]["id"].as_i64().unwrap();
        let (status, _, _) = editor
            .post(
                &format!("/plans/{plan}/actions/new"),
                &[("title", "Scanned action"), ("lead_officers", DAMAGED)],
            )
            .await;
        assert_eq!(status, 303, "{backend}");

        let (_, html) = editor.get("/posts").await;
        let keep = post_id(&html, KEEP);
        let damaged = post_id(&html, DAMAGED);
        let duplicates = &html[html.find(r#"id="duplicates""#).expect("duplicates")..];
        assert!(
            duplicates.contains(&format!(r#"action="/posts/{damaged}/merge""#))
                && duplicates.contains(&format!(r#"name="into" value="{keep}""#)),
            "{backend}: a slip of one letter is offered for merging"
        );

        // Placed in a service, the post's row shows it chosen.
        let row = &html[html
            .find(&format!(
                r#"<tr class="govuk-table__row" data-post="{keep}""#
            ))
            .unwrap()..];
        let unit = option.captures(row).expect("the council's services");
        let (unit_id, unit_name) = (unit[1].to_string(), unit[2].to_string());
        let (status, _, location) = editor
            .post(&format!("/posts/{keep}/unit"), &[("unit", &unit_id)])
            .await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(location.as_deref(), Some("/posts?done=placed"), "{backend}");
        let (_, html) = editor.get("/posts").await;
        let row = &html[html
            .find(&format!(
                r#"<tr class="govuk-table__row" data-post="{keep}""#
            ))
            .unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains(&format!(
                r#"<option value="{unit_id}" selected>{unit_name}</option>"#
            )),
            "{backend}: {row}"
        );
        let (status, html, _) = editor
            .post(&format!("/posts/{keep}/unit"), &[("unit", "999999")])
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("There is no service 999999"), "{backend}");
        // Taken out of any service again.
        let (status, _, _) = editor
            .post(&format!("/posts/{keep}/unit"), &[("unit", "")])
            .await;
        assert_eq!(status, 303, "{backend}");
        let (_, html) = editor.get("/posts").await;
        let row = &html[html
            .find(&format!(
                r#"<tr class="govuk-table__row" data-post="{keep}""#
            ))
            .unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(!row.contains(" selected>"), "{backend}");
    }
}

/// The id of the unit named `name` on the organisation page.
fn unit_id(html: &str, name: &str) -> String {
    let re = Regex::new(&format!(
        r#"data-unit="(\d+)">\s*<td class="govuk-table__cell"><a class="govuk-link" href="/units/\d+/edit">{}</a>"#,
        regex::escape(name)
    ))
    .unwrap();
    re.captures(html)
        .unwrap_or_else(|| panic!("no unit {name}"))[1]
        .to_string()
}

#[tokio::test]
async fn an_editor_adds_a_directorate_and_places_a_service_in_it_but_not_in_a_loop() {
    for (backend, database) in databases("units").await {
        let council = DemoCouncil::start(&database, &email("editor"), PASSWORD).await;
        let editor = &council.editor;

        let (status, html) = editor.get("/units").await;
        assert_eq!(status, 200, "{backend}");
        let plans = editor.api_plans().await;
        let owner = plans
            .as_array()
            .unwrap()
            .iter()
            .find_map(|p| p["owner"].as_str())
            .expect("a demo plan with an owning service")
            .to_string();
        let service = unit_id(&html, &owner);

        // A name another unit has (case aside) is refused, what was typed kept.
        let taken = owner.to_uppercase();
        let (status, html, _) = editor
            .post("/units", &[("name", &taken), ("kind", "directorate")])
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(html.contains("already"), "{backend}");
        assert!(html.contains(&format!(r#"value="{taken}""#)), "{backend}");

        let (status, _, location) = editor
            .post(
                "/units",
                &[
                    ("name", "Communities Directorate"),
                    ("code", "COM"),
                    ("kind", "directorate"),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(location.as_deref(), Some("/units?done=added"), "{backend}");
        let (_, html) = editor.get("/units").await;
        let directorate = unit_id(&html, "Communities Directorate");

        // The service is placed in the directorate, on the record.
        let (_, form) = editor.get(&format!("/units/{service}/edit")).await;
        let version = hidden(&form, "version");
        let (status, _, _) = editor
            .post(
                &format!("/units/{service}/edit"),
                &[
                    ("version", &version),
                    ("name", &owner),
                    ("kind", "service"),
                    ("parent", &directorate),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        let (_, html) = editor.get("/units").await;
        let row = &html[html.find(&format!(r#"data-unit="{service}""#)).unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(row.contains("Communities Directorate"), "{backend}: {row}");

        // The directorate cannot then sit in its own service.
        let (_, form) = editor.get(&format!("/units/{directorate}/edit")).await;
        let version = hidden(&form, "version");
        let (status, html, _) = editor
            .post(
                &format!("/units/{directorate}/edit"),
                &[
                    ("version", &version),
                    ("name", "Communities Directorate"),
                    ("kind", "directorate"),
                    ("parent", &service),
                ],
            )
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(
            html.contains("A unit cannot sit in itself or in a unit beneath it"),
            "{backend}"
        );
        // A stale form is refused with who changed it.
        let (status, html, _) = editor
            .post(
                &format!("/units/{service}/edit"),
                &[("version", "1"), ("name", "Renamed"), ("kind", "service")],
            )
            .await;
        assert_eq!(status, 409, "{backend}");
        assert!(html.contains(r#"value="Renamed""#), "{backend}: kept");
        let (_, history) = editor.get("/changes?entity=org_units").await;
        assert!(history.contains("Communities Directorate"), "{backend}");
    }
}
