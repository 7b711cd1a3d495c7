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
