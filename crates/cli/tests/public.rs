//! The public pages and open data serve only what an editor published:
//! residents without an account see the published plan, its indicators
//! and its data under the council's licence, cached by ETag; nothing else.

use crate::util::*;

async fn status_of(web: &Browser, path: &str) -> u16 {
    web.get(path).await.0
}

#[tokio::test]
async fn only_published_plans_are_public_in_pages_and_open_data() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let admin = Browser::admin(&server).await;
    let public = Browser::anonymous(&server).await;
    let plans = admin.api_plans().await;
    let plan = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"].as_str().unwrap().contains("2017/18") && p["kind"] == "service")
        .expect("the 2017/18 service plan")["id"]
        .as_i64()
        .unwrap();
    let other = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"].as_i64() != Some(plan))
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let (status, index) = public.get("/public").await;
    assert_eq!(status, 200, "the public index needs no account");
    assert!(index.contains("No plans have been published yet."));
    assert_eq!(
        status_of(&public, &format!("/public/plans/{plan}")).await,
        404
    );
    let (_, csv) = public.get("/public/data/actions.csv").await;
    assert_eq!(csv.lines().count(), 1, "only the heading row: {csv}");

    // An officer may not publish; an editor may.
    let officer = "officer@tests.goldthread.test";
    assert!(
        add_account(&s, &[], officer, "officer", &[], "copper kettle harbour 9")
            .status
            .success()
    );
    let officer = Browser::sign_in(&server, officer, "copper kettle harbour 9").await;
    let (status, _, _) = officer
        .post(&format!("/plans/{plan}/publish"), &[("publish", "yes")])
        .await;
    assert_eq!(status, 403);
    let (status, _, location) = admin
        .post(&format!("/plans/{plan}/publish"), &[("publish", "yes")])
        .await;
    assert_eq!(status, 303);
    assert_eq!(location.as_deref(), Some(format!("/plans/{plan}").as_str()));
    let (_, page) = admin.get(&format!("/plans/{plan}")).await;
    assert!(page.contains("Published: residents can see it"));

    let (_, index) = public.get("/public").await;
    assert!(index.contains(&format!("href=\"/public/plans/{plan}\"")));
    assert!(!index.contains(&format!("href=\"/public/plans/{other}\"")));
    let response = public
        .http
        .get(public.url(&format!("/public/plans/{plan}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(response.headers()["cache-control"], "public, max-age=300");
    let body = response.text().await.unwrap();
    assert!(body.contains("KA.1") && body.contains("Progress by priority"));
    assert!(
        !body.contains("csrf_token") && !body.contains("Sign out"),
        "nothing personal in a public page"
    );
    let again = public
        .http
        .get(public.url(&format!("/public/plans/{plan}")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304, "unchanged data: not modified");
    let (_, signed_in_copy) = admin.get(&format!("/public/plans/{plan}")).await;
    assert!(
        !signed_in_copy.contains("csrf_token"),
        "signed in, the public page is still the public page"
    );
    assert_eq!(
        status_of(&public, &format!("/public/plans/{other}")).await,
        404
    );

    // Open data: the published plan's records and nothing else.
    let (_, csv) = public.get("/public/data/actions.csv").await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.headers().unwrap().get(1), Some("plan_id"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.len() > 20, "the plan's actions: {}", rows.len());
    assert!(
        rows.iter().all(|r| r[1] == plan.to_string()),
        "only the published plan"
    );
    let (_, indicators) = public.get("/public/data/indicators.json").await;
    let indicators: serde_json::Value = serde_json::from_str(&indicators).unwrap();
    assert_eq!(indicators["licence"], "Open Government Licence v3.0");
    let published_indicators: Vec<i64> = indicators["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(!published_indicators.is_empty());
    let indicator = published_indicators[0];
    // A value recorded on the published plan is open data at once.
    let (_, form) = admin.get(&format!("/indicators/{indicator}")).await;
    let seen = hidden(&form, "seen");
    let period = regex::Regex::new(r#"<option value="([^"]+)" selected>"#)
        .unwrap()
        .captures(&form)
        .expect("a period to record")[1]
        .to_string();
    let (status, _, _) = admin
        .post(
            &format!("/indicators/{indicator}"),
            &[
                ("period", period.as_str()),
                ("value", "42"),
                ("seen", seen.as_str()),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (_, json) = public.get("/public/data/values.json").await;
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let records = json["records"].as_array().unwrap();
    assert!(
        records
            .iter()
            .any(|r| r["indicator_id"] == indicator && r["value"] == 42.0),
        "the recorded value is published: {records:?}"
    );
    assert!(
        records
            .iter()
            .all(|r| published_indicators.contains(&r["indicator_id"].as_i64().unwrap())),
        "only the published plan's values"
    );
    let (status, page) = public.get(&format!("/public/indicators/{indicator}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Every value and its target"));
    let (status, dictionary) = public.get("/public/data").await;
    assert_eq!(status, 200);
    for field in [
        "revised_due",
        "polarity",
        "licence",
        "Open Government Licence",
    ] {
        assert!(
            dictionary.contains(field),
            "the data dictionary explains {field}"
        );
    }
    assert_eq!(status_of(&public, "/public/data/accounts.csv").await, 404);
    assert_eq!(status_of(&public, "/public/data/actions.xml").await, 404);

    // Withdrawn, it is gone again.
    let (status, _, _) = admin
        .post(&format!("/plans/{plan}/publish"), &[("publish", "no")])
        .await;
    assert_eq!(status, 303);
    assert_eq!(
        status_of(&public, &format!("/public/plans/{plan}")).await,
        404
    );
    assert_eq!(
        status_of(&public, &format!("/public/indicators/{indicator}")).await,
        404
    );
    let (_, csv) = public.get("/public/data/actions.csv").await;
    assert_eq!(csv.lines().count(), 1);
}

#[tokio::test]
async fn a_published_report_is_public_and_does_not_change_afterwards() {
    for (backend, database) in databases("published_report").await {
        let s = Scratch::new();
        let mut args: Vec<&str> = database.iter().map(String::as_str).collect();
        args.push("--demo");
        let server = Server::start(&s, &args);
        let editor = Browser::admin(&server).await;
        let public = Browser::anonymous(&server).await;
        let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();

        let (_, listing) = public.get("/public/reports").await;
        assert!(
            listing.contains("No reports have been published yet."),
            "{backend}"
        );
        // A period that is not one is refused, and nothing is published.
        let (status, page, _) = editor
            .post(
                "/reports/publish",
                &[("period", "Q9"), ("scope", "council")],
            )
            .await;
        assert_eq!(status, 400, "{backend}");
        assert!(page.contains("is not a reporting period"));

        let (status, _, location) = editor
            .post(
                "/reports/publish",
                &[
                    ("period", "2017/18-Q2"),
                    ("scope", "council"),
                    ("as_at", yesterday.as_str()),
                    ("committee", "Overview and Scrutiny Committee"),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        let location = location.unwrap();
        let id = location.rsplit('=').next().unwrap().to_string();
        let (_, reports_page) = editor.get(&location).await;
        assert!(reports_page.contains("Report published."), "{backend}");

        let (status, listing) = public.get("/public/reports").await;
        assert_eq!(status, 200);
        assert!(
            listing.contains(&format!("/public/reports/{id}")),
            "{backend}: listed for residents"
        );
        let html = |path: String| {
            let http = public.http.clone();
            let url = public.url(&path);
            async move {
                let response = http.get(url).send().await.unwrap();
                assert_eq!(response.status(), 200, "{path}");
                assert!(
                    response.headers()["cache-control"]
                        .to_str()
                        .unwrap()
                        .starts_with("public")
                );
                response.bytes().await.unwrap().to_vec()
            }
        };
        let before = html(format!("/public/reports/{id}")).await;
        let text = String::from_utf8_lossy(&before).to_string();
        assert!(
            text.contains("Overview and Scrutiny Committee"),
            "{backend}"
        );
        let pdf = html(format!("/public/reports/{id}/report.pdf")).await;
        assert!(pdf.starts_with(b"%PDF"), "{backend}");

        // Today's change does not alter the report as known yesterday.
        let plans = editor.api_plans().await;
        let plan = plans
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"].as_str().unwrap().contains("2017/18") && p["kind"] == "service")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (_, tree) = editor.get(&format!("/plans/{plan}")).await;
        let ka1 = link_id(&tree, "actions", "KA.1 ");
        let (_, action) = editor.get(&format!("/actions/{ka1}")).await;
        let version = hidden(&action, "version");
        let (status, _, _) = editor
            .post(
                &format!("/actions/{ka1}"),
                &[
                    ("version", version.as_str()),
                    ("status", "off_track"),
                    ("as_at", "2017-09-30"),
                    ("commentary", "Written after publication."),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        let after = html(format!("/public/reports/{id}")).await;
        assert!(
            before == after,
            "{backend}: the published report is unchanged"
        );

        // Withdrawn, it is gone from the public pages.
        let (status, _, _) = editor
            .post(&format!("/reports/published/{id}/withdraw"), &[])
            .await;
        assert_eq!(status, 303, "{backend}");
        assert_eq!(public.get(&format!("/public/reports/{id}")).await.0, 404);
        let (_, listing) = public.get("/public/reports").await;
        assert!(
            !listing.contains(&format!("/public/reports/{id}")),
            "{backend}"
        );
    }
}
