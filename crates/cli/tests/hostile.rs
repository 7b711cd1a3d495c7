//! Bad values and hostile requests, over HTTP against the real server on
//! SQLite and PostgreSQL: values an indicator could never have, senseless
//! dates, oversized forms and uploads, framework-level mistakes; each gets
//! a clear page (or problem document) and nothing is stored, while
//! `/healthz` stays fast.

use crate::util::*;
use chrono::Datelike;
use goldthread_domain::{Frequency, Period, Unit};
use regex::Regex;
use std::time::{Duration, Instant};

fn period_options(html: &str) -> Vec<String> {
    let select = html
        .split(r#"<select class="govuk-select" id="period" name="period">"#)
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .unwrap_or_default();
    Regex::new(r#"<option value="([^"]+)""#)
        .unwrap()
        .captures_iter(select)
        .map(|c| c[1].replace("&#x2f;", "/"))
        .collect()
}

#[tokio::test]
async fn values_and_dates_an_indicator_or_plan_could_not_have_are_refused_and_nothing_is_stored() {
    for (backend, database) in databases("values").await {
        let s = Scratch::new();
        let mut args = vec!["--demo"];
        args.extend(database.iter().map(String::as_str));
        let server = Server::start(&s, &args);
        let web = Browser::admin(&server).await;
        let store = open_store(&s, &database).await;
        let data = store.load_monitoring_data().await.unwrap();
        let pick = |frequency: Frequency| {
            data.indicators
                .iter()
                .find(|i| {
                    i.frequency == Some(frequency)
                        && matches!(i.unit, Unit::Count | Unit::Percent | Unit::Days)
                })
                .map(|i| (i.id, i.plan_id))
        };
        let (annual, _) = pick(Frequency::Annual).expect("an annual indicator in the samples");
        let plan_years = |plan_id: i64| {
            data.plans
                .iter()
                .find(|p| p.id == plan_id)
                .and_then(|p| p.first_day.zip(p.last_day))
        };

        let before = store.count("history").await.unwrap();
        let (_, page) = web.get(&format!("/indicators/{annual}")).await;
        let options = period_options(&page);
        assert!(
            !options.is_empty(),
            "{backend}: the annual indicator has open years"
        );
        assert!(
            options.iter().all(|p| !p.contains('Q')),
            "{backend}: an annual indicator offers years only: {options:?}"
        );
        let seen = hidden(&page, "seen");
        let year: Period = options[0].parse().unwrap();
        let quarter = format!("{} Q1", year);
        let post = |period: String, value: &'static str| {
            let web = &web;
            let seen = seen.clone();
            async move {
                web.post(
                    &format!("/indicators/{annual}"),
                    &[("period", &period), ("value", value), ("seen", &seen)],
                )
                .await
            }
        };
        let (status, html, _) = post(quarter.clone(), "5").await;
        assert_eq!(status, 400, "{backend}: a quarter for an annual indicator");
        assert!(
            html.contains("This is a annual indicator")
                || html.contains("annual indicator: enter a value for a year"),
            "{html}"
        );
        let (status, html, _) = post("2031/32".into(), "5").await;
        assert_eq!(status, 400, "{backend}: a year not begun");
        assert!(
            html.contains("has not started yet") || html.contains("outside the plan"),
            "{backend}"
        );
        let (status, html, _) = post("2005/06".into(), "5").await;
        assert_eq!(status, 400, "{backend}: a year before the plan");
        assert!(
            html.contains("outside the plan&#x27;s years")
                || html.contains("outside the plan's years"),
            "{backend}"
        );
        let (status, html, _) = post(options[0].clone(), "-3").await;
        assert_eq!(status, 400, "{backend}: a negative count");
        assert!(html.contains("cannot be negative"));
        let (status, _, _) = post(options[0].clone(), "1e400").await;
        assert_eq!(status, 400, "{backend}: not a finite number");
        assert_eq!(
            store.count("history").await.unwrap(),
            before,
            "{backend}: nothing stored"
        );
        if let Some((first, _)) = plan_years(
            data.indicators
                .iter()
                .find(|i| i.id == annual)
                .unwrap()
                .plan_id,
        ) {
            assert!(
                year.first_day() >= first.with_year(first.year() - 1).unwrap(),
                "open years are the plan's"
            );
        }

        // A decimal comma is read as a decimal point, never as thousands.
        let (status, _, _) = post(options[0].clone(), "12,5").await;
        assert_eq!(status, 303, "{backend}");
        let (_, page) = web.get(&format!("/indicators/{annual}")).await;
        assert!(
            page.contains(">12.5") && !page.contains(">125<"),
            "{backend}: 12,5 is twelve and a half"
        );

        // Senseless dates on progress, and an oversized form.
        let action = link_id(
            &web.get("/search?q=KA.1+").await.1.replace("&#x2f;", "/"),
            "actions",
            "KA.1 ",
        );
        let (_, page) = web.get(&format!("/actions/{action}")).await;
        let version = hidden(&page, "version");
        let before = store.count("history").await.unwrap();
        let progress = |as_at: &'static str, due: &'static str| {
            let web = &web;
            let version = version.clone();
            async move {
                web.post(
                    &format!("/actions/{action}"),
                    &[
                        ("version", &version),
                        ("status", "on_track"),
                        ("as_at", as_at),
                        ("commentary", "Checked"),
                        ("revised_due", due),
                        (
                            "revised_reason",
                            if due.is_empty() { "" } else { "Slipped" },
                        ),
                    ],
                )
                .await
            }
        };
        let (status, html, _) = progress("1900-01-01", "").await;
        assert_eq!(status, 400, "{backend}: an update dated 1900");
        assert!(html.contains("Date of the update"), "{backend}");
        let (status, html, _) = progress("2017-09-30", "June 1990").await;
        assert_eq!(status, 400, "{backend}: a revised due date in 1990");
        assert!(html.contains("Revised due date"), "{backend}");
        let (status, html, _) = progress("2017-09-30", "March 2099").await;
        assert_eq!(status, 400, "{backend}: a revised due date in 2099");
        assert!(html.contains("years from today"), "{backend}");
        let huge = "x".repeat(1024 * 1024);
        let (status, html, _) = web
            .post(
                &format!("/actions/{action}"),
                &[
                    ("version", &version),
                    ("status", "on_track"),
                    ("as_at", "2017-09-30"),
                    ("commentary", &huge),
                ],
            )
            .await;
        assert_eq!(status, 413, "{backend}: a 1 MB form");
        assert!(
            html.contains("larger than") && html.contains("govuk-template"),
            "{backend}: the app's own page"
        );
        assert_eq!(
            store.count("history").await.unwrap(),
            before,
            "{backend}: nothing stored"
        );
    }
}

#[tokio::test]
async fn mistakes_the_framework_would_answer_get_the_apps_own_pages_and_problem_documents() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let web = Browser::admin(&server).await;
    // A form body that is not a form.
    let r = web
        .http
        .post(web.url("/actions/1"))
        .header("content-type", "application/json")
        .header("x-csrf-token", &web.csrf)
        .body("{\"status\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("govuk-template") && body.contains("could not be read"),
        "{body}"
    );
    assert!(
        !body.contains("Failed to") && !body.contains("deserialize"),
        "no framework text: {body}"
    );
    // A method the route does not take.
    let r = web
        .http
        .delete(web.url("/dashboard"))
        .header("x-csrf-token", &web.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("does not take that request")
    );
    // The API answers in problem documents.
    let r = web
        .http
        .get(web.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["title"], "Page not found");
    let r = client()
        .get(server.url("/api/v1/plans"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // Record ids that are not numbers.
    let (status, body) = web.get("/actions/abc").await;
    assert_eq!(status, 404);
    assert!(!body.contains("Cannot parse"));
}

#[tokio::test]
async fn uploads_wait_in_the_database_bounded_paged_and_only_for_their_owner_and_an_oversized_one_does_not_stall_the_server()
 {
    let token_in_form = Regex::new(r#"action="/import/([0-9a-f]+)""#).unwrap();
    for (backend, database) in databases("uploads").await {
        let s = Scratch::new();
        let db: Vec<&str> = database.iter().map(String::as_str).collect();
        assert!(
            add_account(
                &s,
                &db,
                "editor@tests.goldthread.test",
                "editor",
                &[],
                "amber falcon meadow"
            )
            .status
            .success()
        );
        let server = Server::start(&s, &db);
        let web = Browser::admin(&server).await;
        let other = Browser::sign_in(
            &server,
            "editor@tests.goldthread.test",
            "amber falcon meadow",
        )
        .await;
        let store = open_store(&s, &database).await;

        // A plan of 450 actions: its preview is paged, 200 a page.
        let mut plan =
            String::from("Paged Service Plan 2026/27\n\nCode\tAction\tLead Officer\tDue Date\n");
        for i in 1..=450 {
            plan.push_str(&format!(
                "P{i}\tAction number {i}\tHead of Service\tMarch 2027\n"
            ));
        }
        let html = web
            .upload("paged.txt", plan.clone().into_bytes())
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Page 1 of 3"),
            "{backend}: {}",
            &html[..html.len().min(300)]
        );
        assert!(html.contains(">P200<") && !html.contains(">P201<"));
        let token = token_in_form.captures(&html).unwrap()[1].to_string();
        assert_eq!(
            store.count("pending_imports").await.unwrap(),
            1,
            "{backend}: kept in the database"
        );
        let (status, page3) = web.get(&format!("/import/{token}?page=3")).await;
        assert_eq!(status, 200);
        assert!(
            page3.contains(">P450<") && page3.contains("Page 3 of 3"),
            "{backend}"
        );
        // Another account's token is as good as none.
        assert_eq!(
            other.get(&format!("/import/{token}?page=2")).await.0,
            404,
            "{backend}"
        );
        let (status, _, _) = other
            .post(&format!("/import/{token}"), &[("decision", "confirm")])
            .await;
        assert_eq!(status, 400, "{backend}");
        assert_eq!(store.count("plans").await.unwrap(), 0);

        // Five waiting uploads per account; the sixth is refused with what to do.
        for i in 0..4 {
            let r = web
                .upload(&format!("more{i}.txt"), plan.clone().into_bytes())
                .await;
            assert_eq!(r.status(), 200, "{backend}");
        }
        let r = web.upload("sixth.txt", plan.clone().into_bytes()).await;
        assert_eq!(r.status(), 429, "{backend}");
        assert!(r.text().await.unwrap().contains("Confirm or cancel them"));
        assert_eq!(
            other
                .upload("theirs.txt", plan.clone().into_bytes())
                .await
                .status(),
            200,
            "{backend}: another account has its own share"
        );

        // An upload over the limit is refused clearly while /healthz stays fast.
        let big = vec![b'a'; 70 * 1024 * 1024];
        let upload = web.upload("huge.txt", big);
        let probe = async {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let mut slowest = Duration::ZERO;
            for _ in 0..10 {
                let started = Instant::now();
                let r = client().get(server.url("/healthz")).send().await.unwrap();
                assert_eq!(r.status(), 200);
                slowest = slowest.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(30)).await;
            }
            slowest
        };
        let (response, slowest) = tokio::join!(upload, probe);
        assert!(
            matches!(response.status().as_u16(), 400 | 413),
            "{backend}: {}",
            response.status()
        );
        let body = response.text().await.unwrap();
        assert!(
            body.contains("govuk-template"),
            "{backend}: the app's own page"
        );
        assert!(
            slowest < Duration::from_millis(500),
            "{backend}: /healthz took {slowest:?} during the upload"
        );
        assert_eq!(store.count("plans").await.unwrap(), 0);
    }
}
