use crate::util::*;

#[tokio::test]
async fn serve_demo_lists_the_sample_plans_with_their_actions() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
    let anonymous = client().get(server.url("/")).send().await.unwrap();
    assert_eq!(
        anonymous.status(),
        303,
        "anonymous visitors are sent to sign in"
    );
    assert_eq!(anonymous.headers()["location"], "/sign-in?next=%2F");
    let http = Browser::admin(&server).await.http;

    let health = http.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");

    let plans: serde_json::Value = http
        .get(server.url("/api/v1/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let plans = plans["items"].as_array().expect("a JSON array");
    assert!(plans.len() >= 5, "one plan or more per sample: {plans:?}");
    for plan in plans {
        for field in ["id", "title", "kind", "actions", "indicators"] {
            assert!(plan.get(field).is_some(), "{field} missing in {plan}");
        }
    }
    let service_plans = plans
        .iter()
        .find(|p| {
            p["title"].as_str().is_some_and(|t| t.contains("2017/18")) && p["kind"] == "service"
        })
        .expect("the East Herts service plans 2017/18");
    assert!(
        service_plans["actions"].as_i64().unwrap() > 100,
        "{service_plans}"
    );
    assert!(
        service_plans["indicators"].as_i64().unwrap() > 0,
        "{service_plans}"
    );
    assert!(
        plans
            .iter()
            .any(|p| p["kind"] == "improvement" && p["actions"] == 27),
        "the 2013 improvement plan has its 27 actions"
    );

    let page = http.get(server.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = unescape(&page.text().await.unwrap());
    assert!(html.contains("<h1 class=\"govuk-heading-xl\">Plans</h1>"));
    for plan in plans {
        let title = plan["title"].as_str().unwrap();
        assert!(html.contains(title), "the page lists {title}");
    }
}

#[tokio::test]
async fn demo_does_not_load_twice_and_unknown_pages_are_404() {
    let s = Scratch::new();
    let count = {
        let server = Server::start(&s, &["--demo"]);
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
        plans["items"].as_array().unwrap().len()
    };
    let server = Server::start_as_is(&s, &["--demo"]);
    let web = Browser::admin(&server).await;
    let plans: serde_json::Value = web
        .http
        .get(server.url("/api/v1/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        plans["items"].as_array().unwrap().len(),
        count,
        "restarting with --demo adds nothing"
    );

    let missing = web
        .http
        .get(server.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("Page not found"));
}

/// Undoes the HTML escaping of text, to compare with plain titles.
fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
