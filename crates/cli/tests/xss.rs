//! Fifty-odd XSS payloads put through an import, the forms and the API:
//! none reaches a page unescaped, and none runs when the pages are loaded
//! in headless Chromium (the Content-Security-Policy would stop inline
//! script too; the escaping is checked on its own).

use crate::util::*;
use crate::webdriver::{Driver, tools};
use regex::Regex;
use serde_json::json;

const PAYLOADS: &str = include_str!("data/xss_payloads.txt");

fn payloads() -> Vec<&'static str> {
    PAYLOADS.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// What must never be in a page: the payloads as written, an event
/// handler attribute, a script element, a javascript: or data: link.
fn unsafe_parts(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for payload in payloads() {
        if payload.contains('<') && html.contains(payload) {
            found.push(format!("payload unescaped: {payload}"));
        }
    }
    // An event handler among a real tag's attributes (quoted values, where
    // escaped text lives, set aside).
    let tag = Regex::new(r"(?i)<[a-z][^>]*>").unwrap();
    let quoted = Regex::new(r#""[^"]*"|'[^']*'"#).unwrap();
    let handler = Regex::new(r"(?i)\son[a-z]+\s*=").unwrap();
    for t in tag.find_iter(html) {
        let bare = quoted.replace_all(t.as_str(), "\"\"");
        if handler.is_match(&bare) {
            found.push(format!("event handler in {}", t.as_str()));
        }
    }
    let script = Regex::new(r"(?i)<script").unwrap();
    let link = Regex::new(
        r#"(?i)\b(href|src|action|formaction|data|background)\s*=\s*["']?\s*(javascript|data):"#,
    )
    .unwrap();
    for re in [&script, &link] {
        if let Some(m) = re.find(html) {
            found.push(format!(
                "{}: …{}…",
                re.as_str(),
                &html[m.start()..(m.end() + 60).min(html.len())]
            ));
        }
    }
    found
}

#[tokio::test]
async fn no_payload_put_through_import_forms_or_the_api_runs_or_appears_unescaped() {
    for (_backend, database) in databases("xss").await {
        payloads_on(database).await;
    }
}

async fn payloads_on(database: Vec<String>) {
    let db: Vec<&str> = database.iter().map(String::as_str).collect();
    let with_db = |args: &[&'static str]| -> Vec<String> {
        args.iter()
            .map(|a| a.to_string())
            .chain(database.iter().cloned())
            .collect()
    };
    let payloads = payloads();
    assert!(payloads.len() >= 50, "at least 50 payloads");
    let p = |i: usize| payloads[i % payloads.len()];
    let s = Scratch::new();
    let officer_password = "copper kettle morning";
    assert!(
        add_account(
            &s,
            &db,
            "officer@tests.goldthread.test",
            "officer",
            &["Head of Revenues and Benefits"],
            officer_password
        )
        .status
        .success()
    );
    let mut args = vec!["--demo"];
    args.extend(&db);
    let server = Server::start(&s, &args);
    let admin = Browser::admin(&server).await;

    // Through import: a plan whose title, actions, lead officers and
    // milestones are payloads.
    let mut plan = format!(
        "Service Plan 2017/18 {}\n\nCode\tAction\tLead Officer\tDue Date\n",
        p(0)
    );
    for (i, payload) in payloads.iter().enumerate() {
        plan.push_str(&format!(
            "X{i}\t{payload} action {i}\t{}\tMarch 2018\n",
            p(i + 1)
        ));
    }
    s.write("xss.txt", plan.as_bytes());
    let out = s.run(
        &with_db(&["import", "xss.txt"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert!(out.status.success());
    // And through the web import's preview.
    let preview = admin
        .upload("xss-preview.txt", plan.clone().into_bytes())
        .await
        .text()
        .await
        .unwrap();
    let mut problems: Vec<String> = unsafe_parts(&preview)
        .into_iter()
        .map(|f| format!("import preview: {f}"))
        .collect();

    let api = admin.api_plans().await;
    let xss_plan = api
        .as_array()
        .unwrap()
        .iter()
        .find(|plan| {
            plan["title"]
                .as_str()
                .unwrap()
                .starts_with("Service Plan 2017/18 window.__xss")
        })
        .expect("the imported plan (a text import reads cells as text, tags dropped)")["id"]
        .as_i64()
        .unwrap();
    // Goldthread's own JSON carries text exactly: the payloads as written,
    // in a plan's title, its actions' titles and descriptions.
    let plan_id = xss_plan.to_string();
    let mut export = vec!["export", "--plan", plan_id.as_str(), "--output", "xss.json"];
    export.extend(&db);
    let out = s.run(&export);
    assert!(out.status.success());
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path().join("xss.json")).unwrap()).unwrap();
    let raw = &mut doc["document"]["plans"][0];
    raw["title"] = json!(format!("Raw plan {}", p(16)));
    for (i, action) in raw["actions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .enumerate()
    {
        action["title"] = json!(p(i));
        action["description"] = json!(p(i + 1));
    }
    s.write("xss-raw.json", doc.to_string().as_bytes());
    assert!(
        s.run(
            &with_db(&["import", "xss-raw.json"])
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        )
        .status
        .success()
    );
    // The server sees another process's write within its data version's
    // freshness (50 ms): ask again until then.
    let title = format!("Raw plan {}", p(16));
    let mut raw_plan = None;
    for _ in 0..50 {
        let api = admin.api_plans().await;
        raw_plan = api
            .as_array()
            .unwrap()
            .iter()
            .find(|plan| plan["title"].as_str() == Some(title.as_str()))
            .and_then(|plan| plan["id"].as_i64());
        if raw_plan.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let raw_plan = raw_plan.expect("the API gives the title exactly, as JSON");
    let (_, raw_tree) = admin.get(&format!("/plans/{raw_plan}")).await;
    let raw_actions: Vec<i64> = Regex::new(r#"href="(?:/|&#x2f;)actions(?:/|&#x2f;)(\d+)""#)
        .unwrap()
        .captures_iter(&raw_tree)
        .map(|c| c[1].parse().unwrap())
        .take(60)
        .collect();
    assert!(raw_actions.len() >= 50, "every raw action is listed");
    let api_response = admin
        .http
        .get(admin.url("/api/v1/plans"))
        .send()
        .await
        .unwrap();
    assert!(
        api_response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(api_response.headers()["x-content-type-options"], "nosniff");

    let (_, tree) = admin.get(&format!("/plans/{xss_plan}")).await;
    let tree = tree.replace("&#x2f;", "/");
    let action = link_id(&tree, "actions", "X1 ");

    // Through every form field.
    let (_, page) = admin.get(&format!("/actions/{action}")).await;
    let today = chrono::Utc::now().date_naive().to_string();
    let (status, _, _) = admin
        .post(
            &format!("/actions/{action}"),
            &[
                ("version", &hidden(&page, "version")),
                ("status", "on_track"),
                ("as_at", &today),
                ("commentary", p(2)),
                ("revised_due", "March 2027"),
                ("revised_reason", p(3)),
            ],
        )
        .await;
    assert_eq!(status, 303, "progress with payloads is stored as text");
    let (_, search) = admin.get("/search?q=MEHPI+132").await;
    let indicator = link_id(&search.replace("&#x2f;", "/"), "indicators", "MEHPI 132");
    let (_, page) = admin.get(&format!("/indicators/{indicator}")).await;
    let period = Regex::new(r#"<option value="([^"]+)" selected>"#)
        .unwrap()
        .captures(&page)
        .unwrap()[1]
        .to_string();
    let (status, _, _) = admin
        .post(
            &format!("/indicators/{indicator}"),
            &[
                ("period", &period),
                ("value", "12"),
                ("note", p(4)),
                ("seen", &hidden(&page, "seen")),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let posts = format!("{}\n{}", p(5), p(6));
    let (status, _, _) = admin
        .post(
            "/admin/accounts",
            &[
                ("email", "xss@tests.goldthread.test"),
                ("name", p(7)),
                ("role", "viewer"),
                ("posts", &posts),
            ],
        )
        .await;
    assert_eq!(status, 201);
    let (status, _, _) = admin.post("/admin/tokens", &[("name", p(8))]).await;
    assert_eq!(status, 200);
    // An officer's update, returned with a comment.
    let officer =
        Browser::sign_in(&server, "officer@tests.goldthread.test", officer_password).await;
    let own = link_id(
        &admin.get("/search?q=KA.15").await.1.replace("&#x2f;", "/"),
        "actions",
        "KA.15 ",
    );
    let (_, page) = officer.get(&format!("/actions/{own}")).await;
    officer
        .post(
            &format!("/actions/{own}"),
            &[
                ("version", &hidden(&page, "version")),
                ("status", "on_track"),
                ("as_at", &today),
                ("commentary", p(9)),
            ],
        )
        .await;
    let (_, queue) = admin.get("/approvals").await;
    problems.extend(
        unsafe_parts(&queue)
            .into_iter()
            .map(|f| format!("/approvals: {f}")),
    );
    let waiting = Regex::new(r#"data-kind="update" data-id="(\d+)""#)
        .unwrap()
        .captures(&queue)
        .expect("waiting")[1]
        .to_string();
    let version = Regex::new(r#"name="version" value="(\d+)""#)
        .unwrap()
        .captures(&queue)
        .unwrap()[1]
        .to_string();
    admin
        .post(
            &format!("/approvals/update/{waiting}"),
            &[
                ("version", &version),
                ("decision", "return"),
                ("comment", p(10)),
            ],
        )
        .await;
    // Reflected: a search, a sign-in attempt, a date.
    let reflected = [
        format!("/search?q={}", urlencode(p(11))),
        format!("/dashboard?as_at={}", urlencode(p(12))),
        format!("/changes?from={}", urlencode(p(13))),
        format!("/sign-in?next={}", urlencode(p(14))),
    ];
    let anonymous = Browser::anonymous(&server).await;
    let (_, sign_in, _) = anonymous
        .post("/sign-in", &[("email", p(15)), ("password", "x")])
        .await;
    problems.extend(
        unsafe_parts(&sign_in)
            .into_iter()
            .map(|f| format!("sign-in: {f}")),
    );

    let account_id = admin.get("/admin/accounts").await.1;
    let account_id =
        Regex::new(r#"href="(?:/|&#x2f;)admin(?:/|&#x2f;)accounts(?:/|&#x2f;)(\d+)">xss@"#)
            .unwrap()
            .captures(&account_id)
            .expect("the new account")[1]
            .to_string();
    let mut pages: Vec<String> = vec![
        "/".into(),
        format!("/plans/{xss_plan}"),
        format!("/plans/{xss_plan}/history"),
        format!("/actions/{action}"),
        format!("/actions/{action}/history"),
        format!("/actions/{own}"),
        format!("/indicators/{indicator}"),
        "/dashboard".into(),
        "/changes".into(),
        "/admin/accounts".into(),
        format!("/admin/accounts/{account_id}"),
        "/admin/tokens".into(),
        "/approvals".into(),
        "/risks".into(),
        "/my-work".into(),
        "/search?q=action".into(),
    ];
    for i in 2..8 {
        pages.push(format!(
            "/actions/{}",
            link_id(&tree, "actions", &format!("X{i} "))
        ));
    }
    pages.push(format!("/plans/{raw_plan}"));
    pages.extend(raw_actions.iter().map(|id| format!("/actions/{id}")));
    pages.extend(reflected);
    for path in &pages {
        let (status, html) = admin.get(path).await;
        assert!(status < 500, "{path}: {status}");
        problems.extend(
            unsafe_parts(&html)
                .into_iter()
                .map(|f| format!("{path}: {f}")),
        );
    }
    let (_, officer_page) = officer.get(&format!("/actions/{own}")).await;
    assert!(
        officer_page.contains("Returned:"),
        "the officer sees the return"
    );
    problems.extend(
        unsafe_parts(&officer_page)
            .into_iter()
            .map(|f| format!("officer's view: {f}")),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Loaded in a real browser, nothing runs.
    let (chromium, chromedriver, _) = match tools() {
        Ok(t) => t,
        Err(why) => {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("skipped: XSS payloads in Chromium ({why}); the HTML checks ran\n")
                    .as_bytes(),
            );
            return;
        }
    };
    let driver = Driver::start(&chromedriver).await;
    let browser = driver.session(&chromium).await;
    browser.goto(&server.url("/sign-in")).await;
    browser.type_into("#email", ADMIN_EMAIL).await;
    browser.type_into("#password", ADMIN_PASSWORD).await;
    browser
        .click("form[action='/sign-in'] button[type=submit]")
        .await;
    for _ in 0..100 {
        if browser.source().await.contains("Signed in as") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut ran = Vec::new();
    for path in &pages {
        browser.goto(&server.url(path)).await;
        let result = browser
            .execute(
                "return [typeof window.__xss === 'undefined' ? null : window.__xss, document.scripts.length]",
                json!([]),
            )
            .await;
        if result != json!([null, 0]) {
            ran.push(format!("{path}: {result}"));
        }
    }
    assert!(ran.is_empty(), "payloads ran:\n{}", ran.join("\n"));
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
