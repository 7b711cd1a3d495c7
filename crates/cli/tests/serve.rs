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

/// Several stateless servers on one PostgreSQL: started at the same moment
/// on an empty database they migrate it once between them (an advisory
/// lock), and a change made through one is seen through the other.
#[tokio::test]
async fn two_servers_share_one_postgres() {
    let Some((_, database)) = databases("two_servers")
        .await
        .into_iter()
        .find(|(backend, _)| *backend == "postgres")
    else {
        return; // `databases` has said that PostgreSQL was skipped.
    };
    let s = Scratch::new();
    let args: Vec<String> = database.clone();
    let (first, second) = std::thread::scope(|scope| {
        let a = scope.spawn(|| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            Server::start_as_is(&s, &args)
        });
        let b = scope.spawn(|| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            Server::start_as_is(&s, &args)
        });
        (a.join().unwrap(), b.join().unwrap())
    });
    let store = open_store(&s, &database).await;
    assert!(store.account_count().await.is_ok(), "one schema, migrated");
    let db: Vec<&str> = database.iter().map(String::as_str).collect();
    let added = add_account(&s, &db, ADMIN_EMAIL, "admin", &[], ADMIN_PASSWORD);
    assert!(added.status.success());
    let file = sample(SAMPLE_002);
    let imported = s.run(&[&["import", file.to_str().unwrap()][..], &db[..]].concat());
    assert!(imported.status.success());

    let one = Browser::admin(&first).await;
    let other = Browser::admin(&second).await;
    let plan = one.api_plans().await[0]["id"].as_i64().unwrap();
    let (_, tree) = other.get(&format!("/plans/{plan}")).await;
    let action = link_id(&tree, "actions", "KA.1 ");
    // The other server has the action page cached before the change.
    let (_, before) = other.get(&format!("/actions/{action}")).await;
    let version = hidden(&before, "version");
    let (status, _, _) = one
        .post(
            &format!("/actions/{action}"),
            &[
                ("version", version.as_str()),
                ("status", "at_risk"),
                ("as_at", "2017-09-30"),
                ("commentary", "Recorded through the first server."),
            ],
        )
        .await;
    assert_eq!(status, 303);
    // Seen through the other within its 50 ms version cache (a second here).
    let started = std::time::Instant::now();
    loop {
        let (_, page) = other.get(&format!("/actions/{action}")).await;
        if page.contains("Recorded through the first server.") {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "the second server still shows the old page"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    // A stale form on the other server is a conflict, not a lost update.
    let (status, _, _) = other
        .post(
            &format!("/actions/{action}"),
            &[
                ("version", version.as_str()),
                ("status", "on_track"),
                ("as_at", "2017-09-30"),
                ("commentary", "Typed on the second server meanwhile."),
            ],
        )
        .await;
    assert_eq!(status, 409);
}

/// SIGTERM: the server stops taking connections, finishes the request in
/// flight, closes the database and exits with success.
#[tokio::test]
async fn sigterm_finishes_the_request_in_flight_then_stops() {
    let s = Scratch::new();
    let mut server = Server::start(&s, &["--demo"]);
    let web = Browser::admin(&server).await;
    // A council-wide PDF pack: long enough to be in flight at the signal.
    let in_flight = {
        let http = web.http.clone();
        let url = web.url("/reports/pack?period=2017%2F18-Q2&scope=council&format=pdf");
        tokio::spawn(async move { http.get(url).send().await.unwrap() })
    };
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    server.signal("TERM");
    let response = in_flight.await.unwrap();
    assert_eq!(response.status(), 200, "the request in flight is answered");
    assert!(response.bytes().await.unwrap().starts_with(b"%PDF"));
    let status = tokio::task::spawn_blocking(move || {
        let status = server.wait_for_exit(std::time::Duration::from_secs(20));
        (status, server)
    })
    .await
    .unwrap();
    let (status, server) = status;
    assert!(
        status.is_some_and(|s| s.success()),
        "the server stopped cleanly: {status:?}"
    );
    assert!(
        client().get(server.url("/healthz")).send().await.is_err(),
        "and takes no more connections"
    );
}
