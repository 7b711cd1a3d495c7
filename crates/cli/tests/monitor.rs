//! The monitoring web app, driven over HTTP against the real server:
//! follow the thread, record progress and values, see status change.

use crate::util::*;
use regex::Regex;

async fn get(web: &Browser, path: &str) -> (u16, String) {
    web.get(path).await
}

async fn post(web: &Browser, path: &str, form: &[(&str, &str)]) -> (u16, String, Option<String>) {
    web.post(path, form).await
}

async fn plan_id(web: &Browser, pick: impl Fn(&serde_json::Value) -> bool) -> i64 {
    let plans = web.api_plans().await;
    plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| pick(p))
        .expect("plan")["id"]
        .as_i64()
        .unwrap()
}

fn count_in_row(html: &str, attr: &str, key: &str) -> i64 {
    let re = Regex::new(&format!(
        r#"data-{attr}="{key}">.*?govuk-table__cell--numeric">(?:<a [^>]*>)?(\d+)<"#
    ))
    .unwrap();
    re.captures(html)
        .unwrap_or_else(|| panic!("no {attr} row {key}"))[1]
        .parse()
        .unwrap()
}

#[tokio::test]
async fn follow_the_thread_record_progress_and_a_value_and_see_the_dashboard_change() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let web = Browser::admin(&server).await;
    let plan = plan_id(&web, |p| {
        p["title"].as_str().unwrap().contains("2017/18") && p["kind"] == "service"
    })
    .await;

    let (status, tree) = get(&web, &format!("/plans/{plan}")).await;
    assert_eq!(status, 200);
    assert!(
        tree.contains("IMPROVE THE HEALTH AND WELLBEING OF OUR COMMUNITIES")
            || tree
                .to_lowercase()
                .contains("improve the health and wellbeing")
    );
    assert!(tree.contains("Residents living active and healthy lives"));
    let ka1 = link_id(&tree, "actions", "KA.1 ");

    let (_, action) = get(&web, &format!("/actions/{ka1}")).await;
    assert!(action.contains("Head of Housing and Health"));
    let mehpi = link_id(&action, "indicators", "MEHPI 132");

    let (_, before) = get(&web, &format!("/dashboard?plan={plan}")).await;
    let revised_before = count_in_row(&before, "status", "revised");

    // Record progress on KA.1.
    let version = hidden(&action, "version");
    let today = chrono::Utc::now().date_naive().to_string();
    let form = [
        ("version", version.as_str()),
        ("status", "on_track"),
        ("as_at", today.as_str()),
        ("percent_complete", "40"),
        (
            "commentary",
            "Shadow HIA running; TUPE consultation under way.",
        ),
        ("revised_due", "March 2027"),
        ("revised_reason", "Partner council joined late"),
    ];
    let (status, _, location) = post(&web, &format!("/actions/{ka1}"), &form).await;
    assert_eq!(status, 303);
    assert_eq!(
        location.as_deref(),
        Some(format!("/actions/{ka1}?saved=1").as_str())
    );
    let (_, after_action) = get(&web, &format!("/actions/{ka1}?saved=1")).await;
    assert!(after_action.contains("Progress recorded."));
    assert!(after_action.contains("Shadow HIA running; TUPE consultation under way."));
    assert!(
        after_action.contains("Partner council joined late"),
        "the revision and its reason are shown"
    );

    let (_, after) = get(&web, &format!("/dashboard?plan={plan}")).await;
    assert_eq!(
        count_in_row(&after, "status", "revised"),
        revised_before + 1,
        "on track to a later date than planned, KA.1 counts as a revised completion date"
    );

    // Record a value for MEHPI 132.
    let (_, indicator) = get(&web, &format!("/indicators/{mehpi}")).await;
    let period = Regex::new(r#"<option value="([^"]+)" selected>"#)
        .unwrap()
        .captures(&indicator)
        .expect("a default period")[1]
        .to_string();
    let seen = hidden(&indicator, "seen");
    let form = [
        ("period", period.as_str()),
        ("value", "87.5%"),
        ("note", "From the DFG system"),
        ("seen", seen.as_str()),
    ];
    let (status, _, _) = post(&web, &format!("/indicators/{mehpi}"), &form).await;
    assert_eq!(status, 303);
    let (_, indicator) = get(&web, &format!("/indicators/{mehpi}")).await;
    assert!(indicator.contains(&format!(r#"data-period="{period}""#)));
    assert!(indicator.contains("87.5"), "the value is in the table");
    assert!(indicator.contains("From the DFG system"));

    // The history holds both changes with who made them.
    let ours = s.run(&["backup", "snapshot.sqlite"]);
    assert!(ours.status.success());
}

#[tokio::test]
async fn forms_validate_and_a_stale_form_keeps_what_the_user_typed() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let web = Browser::admin(&server).await;
    let plan = plan_id(&web, |p| p["kind"] == "improvement" && p["actions"] == 27).await;
    let (_, tree) = get(&web, &format!("/plans/{plan}")).await;
    let action = link_id(&tree, "actions", "");
    let (_, page) = get(&web, &format!("/actions/{action}")).await;
    let version = hidden(&page, "version");

    let (status, html, _) = post(
        &web,
        &format!("/actions/{action}"),
        &[
            ("version", &version),
            ("status", ""),
            ("as_at", "2013-02-30"),
            ("percent_complete", "140"),
            ("commentary", "Draft words"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(html.contains("There is a problem"));
    for message in [
        "Select the status of the action",
        "Enter the date of the update",
        "whole number from 0 to 100",
    ] {
        assert!(html.contains(message), "{message}");
    }
    assert!(
        html.contains(">Draft words</textarea>"),
        "what was typed is kept"
    );

    let good = |commentary: &'static str, v: String| {
        vec![
            ("version", v),
            ("status", "at_risk".to_string()),
            ("as_at", "2013-09-30".to_string()),
            ("commentary", commentary.to_string()),
        ]
    };
    let first: Vec<(&str, String)> = good("First officer's update", version.clone());
    let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        post(&web, &format!("/actions/{action}"), &first).await.0,
        303
    );
    let stale: Vec<(&str, String)> = good("Second officer's words", version.clone());
    let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, html, _) = post(&web, &format!("/actions/{action}"), &stale).await;
    assert_eq!(status, 409);
    assert!(html.contains("Someone else changed this action"));
    assert!(
        html.contains("Test admin &lt;admin@tests.goldthread.test&gt; changed this action"),
        "the conflict names the signed-in account"
    );
    assert!(
        html.contains(">Second officer&#x27;s words</textarea>")
            || html.contains(">Second officer's words</textarea>"),
        "nothing typed is lost"
    );
    assert!(
        html.contains("First officer&#x27;s update") || html.contains("First officer's update"),
        "the other change is shown"
    );
    // Resubmitting from the conflict page, deliberately, succeeds.
    let new_version = hidden(&html, "version");
    assert_ne!(new_version, version);
}

#[tokio::test]
async fn the_2013_improvement_plan_shows_its_statuses_as_at_30_september_2013() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let web = Browser::admin(&server).await;
    let plan = plan_id(&web, |p| p["kind"] == "improvement" && p["actions"] == 27).await;
    let (_, card) = get(&web, &format!("/dashboard?plan={plan}&as_at=2013-09-30")).await;
    assert_eq!(
        count_in_row(&card, "status", "no_update"),
        0,
        "every action of 003 has a progress report"
    );
    // The council's own progress column: 13 achieved (one after a revised
    // date) and 11 on target; "April 2013 start" is a start, not a deadline.
    let achieved = count_in_row(&card, "status", "achieved");
    let on_track = count_in_row(&card, "status", "on_track");
    assert_eq!((achieved, on_track), (13, 11));
    // And the one its column gives a revised completion date is shown so.
    assert_eq!(count_in_row(&card, "status", "revised"), 1);
    let total: i64 = [
        "achieved",
        "on_track",
        "at_risk",
        "revised",
        "off_track",
        "overdue",
        "not_started",
        "no_update",
        "deferred",
        "cancelled",
    ]
    .iter()
    .map(|k| count_in_row(&card, "status", k))
    .sum();
    assert_eq!(total, 27);
    let (_, tree) = get(&web, &format!("/plans/{plan}?as_at=2013-09-30")).await;
    assert!(tree.contains("27 actions shown"));
    assert!(
        !tree.contains("last reported as at"),
        "shown as at its report, the page needs no pointer"
    );
    let (_, today) = get(&web, &format!("/plans/{plan}")).await;
    assert!(
        today.contains(&format!("href=\"/plans/{plan}?as_at=2013-09-30\"")),
        "today's view points to the plan as last reported"
    );
}

#[tokio::test]
async fn every_page_type_renders_and_search_finds_codes_officers_and_commentary() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let web = Browser::admin(&server).await;
    for path in [
        "/",
        "/dashboard",
        "/risks",
        "/my-work",
        "/my-work?officer=Head+of+Housing+and+Health",
        "/search",
        "/import",
    ] {
        assert_eq!(get(&web, path).await.0, 200, "{path}");
    }
    let (_, hits) = get(&web, "/search?q=MEHPI+132").await;
    assert!(hits.contains("MEHPI 132"));
    let (_, hits) = get(&web, "/search?q=head+of+housing").await;
    assert!(hits.contains("Lead officer: Head of Housing and Health"));
    let (_, hits) = get(&web, "/search?q=awayday+session").await;
    assert!(hits.contains("result"), "commentary is searched");
    assert!(!hits.contains(">0 results<"));
    let (_, work) = get(&web, "/my-work?officer=Head+of+Housing+and+Health").await;
    assert!(work.contains("Actions to update"));
    assert_eq!(get(&web, "/actions/999999").await.0, 404);
    // An id that is not a number is a page not found in the app's own
    // style, not the framework's parse error.
    for path in ["/actions/abc", "/plans/-1", "/indicators/1e3"] {
        let (status, page) = get(&web, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(page.contains("Page not found"), "{path}");
        assert!(!page.contains("Cannot parse"), "{path}");
    }
    let (_, page) = get(&web, "/dashboard?plan=999").await;
    assert!(
        page.contains("There is no plan 999"),
        "a missing plan is said so"
    );
    let (_, page) = get(&web, "/dashboard?as_at=0001-01-01").await;
    assert!(page.contains("Date must be between 1 April 1990"));
    assert!(!page.contains("-1/00"), "no periods before the year 0");
    assert_eq!(get(&web, "/dashboard?as_at=yesterday").await.0, 200);
    assert!(
        get(&web, "/dashboard?as_at=yesterday")
            .await
            .1
            .contains("Date must be a real date")
    );
}

#[tokio::test]
async fn the_import_page_previews_and_stores_only_when_confirmed() {
    let s = Scratch::new();
    let server = Server::start(&s, &[]);
    let web = Browser::admin(&server).await;
    let plans = || web.api_plans();
    let upload =
        |bytes: Vec<u8>| async { Ok::<_, ()>(web.upload("service plan.txt", bytes).await) };
    let bytes = std::fs::read(sample(SAMPLE_002)).unwrap();

    let preview = upload(bytes.clone()).await.unwrap();
    assert_eq!(preview.status(), 200);
    let html = preview.text().await.unwrap();
    assert!(html.contains("Nothing has been stored yet."));
    assert!(html.contains("KA.1"), "the actions are listed");
    assert!(
        html.contains("KA.124"),
        "the findings name the duplicate codes"
    );
    assert_eq!(
        plans().await.as_array().unwrap().len(),
        0,
        "a preview stores nothing"
    );

    let token = Regex::new(r#"action="/import/([0-9a-f]+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_string();
    let (status, _, location) =
        post(&web, &format!("/import/{token}"), &[("decision", "cancel")]).await;
    assert_eq!((status, location.as_deref()), (303, Some("/import")));
    assert_eq!(plans().await.as_array().unwrap().len(), 0, "cancelled");
    let (status, html, _) = post(
        &web,
        &format!("/import/{token}"),
        &[("decision", "confirm")],
    )
    .await;
    assert_eq!(status, 400, "a cancelled upload cannot be confirmed later");
    assert!(html.contains("Upload the file again"));

    let html = upload(bytes).await.unwrap().text().await.unwrap();
    let token = Regex::new(r#"action="/import/([0-9a-f]+)""#)
        .unwrap()
        .captures(&html)
        .unwrap()[1]
        .to_string();
    let (status, html, _) = post(
        &web,
        &format!("/import/{token}"),
        &[("decision", "confirm")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("was imported"));
    let stored = plans().await;
    assert_eq!(stored.as_array().unwrap().len(), 1);
    assert!(stored[0]["actions"].as_i64().unwrap() > 100);

    // HTML inside a document never reaches a page unescaped.
    let hostile = b"Action Code\tAction\tDue Date\tLead Officer\nX.1\t<script>alert(1)</script> Fix <b>things</b>\tMarch 2018\tHead of Service\n".to_vec();
    let html = upload(hostile).await.unwrap().text().await.unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));

    // An unreadable file is refused on the form, with the reason.
    let response = upload(Vec::new()).await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Select a plan document to import")
    );
}

#[tokio::test]
async fn every_dashboard_figure_leads_to_a_list_of_exactly_what_it_counts() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let web = Browser::admin(&server).await;
    // The demo's plans have all ended: by default nothing is in force.
    let (_, card) = get(&web, "/dashboard").await;
    assert!(
        card.contains("No plan is in force on"),
        "the page says why it is empty"
    );
    let (_, card) = get(&web, "/dashboard?plans=all").await;
    let overdue = count_in_row(&card, "status", "overdue");
    assert!(overdue > 50, "enough to page: {overdue}");
    assert!(
        card.contains("actions?plans=all&amp;status=overdue\""),
        "the count links to its list"
    );
    let shown = Regex::new(r"Showing (\d+) to (\d+) of (\d+)").unwrap();
    let (status, list) = get(&web, "/actions?plans=all&status=overdue").await;
    assert_eq!(status, 200);
    let first = shown.captures(&list).expect("the list says what it shows");
    assert_eq!((&first[1], &first[2]), ("1", "50"));
    assert_eq!(
        first[3].parse::<i64>().unwrap(),
        overdue,
        "the list has what the figure counts"
    );
    assert_eq!(list.matches("href=\"/actions/").count(), 50);
    let (_, second) = get(&web, "/actions?plans=all&status=overdue&page=2").await;
    let second = shown.captures(&second).unwrap();
    assert_eq!(&second[1], "51");
    let (_, beyond) = get(&web, "/actions?plans=all&status=overdue&page=999").await;
    assert!(
        beyond.contains(&format!("of {overdue}")),
        "a page past the end shows the last"
    );
    let missing = count_in_row(&card, "rag", "missing");
    let (_, values) = get(&web, "/indicators?plans=all&rag=missing").await;
    let counted = shown
        .captures(&values)
        .map_or(0, |c| c[3].parse::<i64>().unwrap());
    assert_eq!(counted, missing);
}

#[tokio::test]
async fn a_stored_value_the_domain_cannot_read_is_a_500_page_and_the_log_names_it() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    // Corrupt an indicator's unit behind the server's back, before any
    // page has been computed (a raw UPDATE does not move the data version).
    sqlx::any::install_default_drivers();
    let database = s.path().join("goldthread-data").join("goldthread.sqlite");
    let pool = sqlx::AnyPool::connect(&goldthread_storage::sqlite_url(&database))
        .await
        .unwrap();
    let id: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT MIN(id) FROM indicators")
            .fetch_one(&pool)
            .await
            .unwrap(),
        0,
    )
    .unwrap();
    sqlx::query("UPDATE indicators SET unit = 'furlongs' WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let web = Browser::admin(&server).await;
    let (status, page) = get(&web, "/dashboard").await;
    assert_eq!(status, 500, "{page}");
    assert!(page.contains("Sorry, there is a problem with the service"));
    assert!(!page.contains("furlongs"), "the detail stays in the log");
    let message = format!("indicators {id}: unit 'furlongs' is not a unit");
    let line = server.log_line(&message);
    assert!(line.is_some(), "no log line says {message}");
}
