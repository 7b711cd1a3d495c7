//! Headless Chromium against the real server: every page type passes
//! axe-core with no violations, pages work by keyboard, and an officer can
//! record progress and a value and see the dashboard change.

use crate::util::*;
use crate::webdriver::{Driver, Session, tools};

use serde_json::json;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

async fn axe_violations(session: &Session<'_>, axe_source: &str) -> Vec<String> {
    session.execute(axe_source, json!([])).await;
    let result = session
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'] })
                .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))))
                .catch(e => done(['axe failed: ' + e]));",
            json!([]),
        )
        .await;
    result
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_page_type_passes_axe_and_an_officer_can_update_by_keyboard_and_mouse() {
    let (chromium, chromedriver, axe_path) = match tools() {
        Ok(t) => t,
        Err(why) => {
            // Straight to stderr: the test harness hides print output of passing tests.
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("skipped: browser tests ({why})\n").as_bytes(),
            );
            return;
        }
    };
    let axe = std::fs::read_to_string(&axe_path).unwrap();
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;

    // Sign in through the form, as a person would.
    browser.goto(&server.url("/sign-in")).await;
    let sign_in_violations = axe_violations(&browser, &axe).await;
    assert!(
        sign_in_violations.is_empty(),
        "sign-in page: {sign_in_violations:?}"
    );
    browser.type_into("#email", ADMIN_EMAIL).await;
    browser.type_into("#password", ADMIN_PASSWORD).await;
    browser
        .click("form[action='/sign-in'] button[type=submit]")
        .await;
    wait_for_text(&browser, "Signed in as").await;

    let plans: serde_json::Value = Browser::admin(&server)
        .await
        .http
        .get(server.url("/api/v1/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let plan = plans["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"].as_str().unwrap().contains("2017/18") && p["kind"] == "service")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    browser.goto(&server.url(&format!("/plans/{plan}"))).await;
    // Publish it with the button an editor uses, so the public pages have it.
    browser
        .click("form[action$='/publish'] button[type=submit]")
        .await;
    wait_for_text(&browser, "Published: residents can see it").await;
    let tree = browser.source().await;
    let action = link_id(&tree, "actions", "KA.1 ");
    let node = regex::Regex::new(r#"href="/nodes/(\d+)/edit""#)
        .unwrap()
        .captures(&tree)
        .expect("the editor's links on the thread")[1]
        .to_string();
    browser
        .goto(&server.url(&format!("/actions/{action}")))
        .await;
    let indicator = link_id(&browser.source().await, "indicators", "MEHPI 132");

    let (_, _, round) = Browser::admin(&server)
        .await
        .post(
            "/rounds",
            &[
                ("year", "2018/19"),
                ("deadline", "2018-03-31"),
                ("new_units", "Waste and Recycling"),
            ],
        )
        .await;
    let round = round.expect("a planning round opened");

    let pages = [
        round,
        "/".to_string(),
        "/dashboard".into(),
        format!("/dashboard?plan={plan}&as_at=2017-09-30"),
        format!("/plans/{plan}"),
        format!("/actions/{action}"),
        format!("/indicators/{indicator}"),
        "/risks".into(),
        "/reports".into(),
        "/actions?status=overdue&plans=all".into(),
        "/indicators?rag=red&plans=all".into(),
        "/my-work?officer=Head+of+Housing+and+Health".into(),
        "/search?q=housing".into(),
        "/import".into(),
        "/approvals".into(),
        "/changes".into(),
        format!("/actions/{action}/history"),
        format!("/actions/{action}/edit"),
        format!("/actions/{action}/remove"),
        format!("/plans/{plan}/actions/new"),
        format!("/indicators/{indicator}/edit"),
        format!("/plans/{plan}/nodes/new"),
        format!("/nodes/{node}/edit"),
        format!("/nodes/{node}/remove"),
        format!("/plans/{plan}/risks/new"),
        "/plans/new?owner=Street+Scene&year=2019/20".into(),
        format!("/plans/{plan}/edit"),
        format!("/plans/{plan}/indicators/new"),
        format!("/indicators/{indicator}/remove"),
        "/account".into(),
        "/admin/accounts".into(),
        "/admin/tokens".into(),
        "/no-such-page".into(),
        "/public".into(),
        format!("/public/plans/{plan}"),
        format!("/public/indicators/{indicator}"),
        "/public/data".into(),
        "/public/reports".into(),
        format!("/plans/{plan}/progress"),
        format!("/plans/{plan}/review"),
        format!("/plans/{plan}/compare"),
        "/rounds".into(),
        "/template".into(),
        format!("/plans/{plan}/order"),
        "/posts".into(),
        "/units".into(),
    ];
    let mut failures = Vec::new();
    for page in &pages {
        browser.goto(&server.url(page)).await;
        for v in axe_violations(&browser, &axe).await {
            failures.push(format!("{page}: {v}"));
        }
    }

    // A form with errors must be accessible too: submit the empty form.
    browser
        .goto(&server.url(&format!("/actions/{action}")))
        .await;
    browser
        .click("form[action^='/actions/'] button[type=submit]")
        .await;
    wait_for_text(&browser, "There is a problem").await;
    for v in axe_violations(&browser, &axe).await {
        failures.push(format!("action form with errors: {v}"));
    }
    assert!(
        failures.is_empty(),
        "axe-core violations:\n{}",
        failures.join("\n")
    );

    // Keyboard: the first Tab reaches the skip link, and Enter follows it.
    browser.goto(&server.url("/dashboard")).await;
    browser.keys(TAB).await;
    let focused = browser
        .execute("return document.activeElement.textContent", json!([]))
        .await;
    assert_eq!(focused, "Skip to main content");

    // Record progress with the keyboard alone: each field takes focus
    // (as Tab would bring it) and is filled by typing; Enter submits.
    browser
        .goto(&server.url(&format!("/dashboard?plan={plan}")))
        .await;
    // On track to a later date than planned: a revised completion date.
    let revised_before = status_count(&browser, "revised").await;
    browser
        .goto(&server.url(&format!("/actions/{action}")))
        .await;
    for (field, typed) in [
        ("status", "On"),
        ("percent_complete", "55"),
        (
            "commentary",
            "Contractor appointed; works start next month.",
        ),
        ("revised_due", "June 2027"),
        ("revised_reason", "Second partner council joining"),
    ] {
        browser
            .execute(
                "document.getElementById(arguments[0]).focus()",
                json!([field]),
            )
            .await;
        browser.keys(typed).await;
    }
    browser.keys(ENTER).await;
    wait_for_url(&browser, "?saved=1").await;
    wait_for_text(&browser, "Contractor appointed; works start next month.").await;

    // Record a value with the mouse.
    browser
        .goto(&server.url(&format!("/indicators/{indicator}")))
        .await;
    browser.type_into("#value", "91").await;
    browser
        .click("form[action^='/indicators/'] button[type=submit]")
        .await;
    wait_for_url(&browser, "?saved=1").await;
    wait_for_text(&browser, "Value recorded.").await;
    assert!(browser.source().await.contains("91%") || browser.source().await.contains(">91<"));

    browser
        .goto(&server.url(&format!("/dashboard?plan={plan}")))
        .await;
    assert_eq!(
        status_count(&browser, "revised").await,
        revised_before + 1,
        "the dashboard shows the new status"
    );
}

/// The dashboard's count of actions with a status.
async fn status_count(browser: &Session<'_>, status: &str) -> i64 {
    let text = browser
        .execute(
            "return document.querySelector('[data-status=\"' + arguments[0] + '\"] td').textContent",
            json!([status]),
        )
        .await;
    // The cell is a link: the figure, then words for screen readers.
    text.as_str()
        .and_then(|t| t.split_whitespace().next()?.parse().ok())
        .expect("the status count")
}

async fn wait_for_url(browser: &Session<'_>, ending: &str) {
    for _ in 0..100 {
        if browser.current_url().await.ends_with(ending) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let page = browser.source().await;
    let summary = page
        .find("There is a problem")
        .map(|i| &page[i..(i + 600).min(page.len())]);
    panic!(
        "never reached …{ending}: at {} with {summary:?}",
        browser.current_url().await
    );
}

/// Waits for a page (after a click or key that submits a form) to show `text`.
async fn wait_for_text(browser: &Session<'_>, text: &str) {
    for _ in 0..100 {
        if browser.source().await.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "the page never showed {text:?}: at {}",
        browser.current_url().await
    );
}

/// Sets a form control's value as a person choosing it would (select
/// boxes and date inputs take no typed text reliably in headless Chromium).
async fn choose(browser: &Session<'_>, css: &str, value: &str) {
    browser
        .execute(
            "const e = document.querySelector(arguments[0]); e.value = arguments[1]; e.dispatchEvent(new Event('change'));",
            json!([css, value]),
        )
        .await;
}

#[tokio::test]
async fn a_service_plan_is_written_from_empty_then_submitted_returned_approved_and_rolled_forward()
{
    let (chromium, chromedriver, _) = match tools() {
        Ok(t) => t,
        Err(why) => {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("skipped: browser tests ({why})\n").as_bytes(),
            );
            return;
        }
    };
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;
    browser.goto(&server.url("/sign-in")).await;
    browser.type_into("#email", ADMIN_EMAIL).await;
    browser.type_into("#password", ADMIN_PASSWORD).await;
    browser
        .click("form[action='/sign-in'] button[type=submit]")
        .await;
    wait_for_text(&browser, "Signed in as").await;

    // The performance team opens the round for the year.
    browser.goto(&server.url("/rounds")).await;
    choose(&browser, "#year", "2027/28").await;
    choose(&browser, "#deadline", "2027-03-31").await;
    browser.type_into("#new_units", "Waste and Recycling").await;
    browser
        .click("form[action='/rounds'] button[type=submit]")
        .await;
    wait_for_text(&browser, "Planning round 2027/28").await;
    assert!(browser.source().await.contains(r#"id="in-place">0%"#));
    let round = browser.current_url().await;

    // The service's plan, from an empty form the round's link fills in.
    browser.click("a[href^='/plans/new']").await;
    wait_for_text(&browser, "Waste and Recycling").await;
    browser
        .type_into("#title", "Waste and Recycling Service Plan 2027/28")
        .await;
    browser
        .click("form[action='/plans/new'] button[type=submit]")
        .await;
    wait_for_text(&browser, "Add a priority").await;
    let plan_url = browser.current_url().await;
    let plan: i64 = regex::Regex::new(r"/plans/(\d+)")
        .unwrap()
        .captures(&plan_url)
        .unwrap_or_else(|| panic!("not a plan's page: {plan_url}"))[1]
        .parse()
        .unwrap();

    // Its priority, and an action on the golden thread under it.
    browser.click("a[href$='nodes/new?level=priority']").await;
    wait_for_text(&browser, "Add to the thread").await;
    browser
        .type_into("#title", "A cleaner, greener borough")
        .await;
    browser
        .click(&format!(
            "form[action='/plans/{plan}/nodes/new'] button[type=submit]"
        ))
        .await;
    wait_for_text(&browser, "Added to the thread.").await;
    browser
        .goto(&server.url(&format!("/plans/{plan}/actions/new")))
        .await;
    browser
        .type_into("#title", "Introduce weekly food waste collections")
        .await;
    browser.type_into("#lead_officers", "Head of Waste").await;
    browser.type_into("#due", "March 2028").await;
    browser.click("input[name=nodes]").await;
    browser
        .click(&format!(
            "form[action='/plans/{plan}/actions/new'] button[type=submit]"
        ))
        .await;
    wait_for_text(&browser, "Introduce weekly food waste collections").await;

    // Submitted, returned with a comment, submitted again, approved.
    let review = server.url(&format!("/plans/{plan}/review"));
    browser.goto(&review).await;
    browser.click("button[data-step=submit]").await;
    wait_for_text(&browser, "Submitted for approval.").await;
    browser
        .type_into("#step-comment", "Add the trial's milestones.")
        .await;
    browser.click("button[data-step=return]").await;
    wait_for_text(&browser, "Returned with your comments.").await;
    assert!(
        browser.source().await.contains("s milestones."),
        "the return's comment"
    );
    browser.click("button[data-step=submit]").await;
    wait_for_text(&browser, "Submitted for approval.").await;
    browser.click("button[data-step=approve]").await;
    wait_for_text(&browser, "Approved. The approved revision is kept").await;
    assert!(browser.source().await.contains(r#"data-revision="1""#));
    browser.goto(&round).await;
    wait_for_text(&browser, r#"id="in-place">100%"#).await;

    // Next year's plan starts from this one.
    browser.goto(&review).await;
    browser.click("#roll-forward button[type=submit]").await;
    wait_for_text(&browser, "next year").await;
    let source = browser.source().await;
    assert!(source.contains("Waste and Recycling Service Plan 2028/29"));
    assert!(source.contains(r#"data-status="draft""#));
    assert!(browser.current_url().await.contains("/review?done=rolled"));
}
