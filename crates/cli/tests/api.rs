//! The JSON API against its own OpenAPI 3.1 document: every route is
//! described, every response validates against the schema the document
//! gives for it (errors too), lists page by cursor without gaps or
//! repeats, filters filter, and `as_at` gives what was known that day.

use crate::util::*;
use serde_json::Value;

/// What is wrong with `body` by the schema the document gives for
/// `status` of GET `template`, resolving its `$ref`s within the document.
fn violations(
    doc: &Value,
    template: &str,
    status: u16,
    content_type: &str,
    body: &Value,
) -> Vec<String> {
    let response = &doc["paths"][template]["get"]["responses"][status.to_string()];
    let schema = &response["content"][content_type]["schema"];
    assert!(
        schema.is_object(),
        "the document gives no {content_type} schema for {status} of {template}"
    );
    let mut root = doc.clone();
    root["allOf"] = serde_json::json!([schema]);
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .expect("the document's schemas compile");
    validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn conforms(doc: &Value, template: &str, status: u16, content_type: &str, body: &Value) {
    let errors = violations(doc, template, status, content_type, body);
    assert!(
        errors.is_empty(),
        "{template} ({status}) does not match its schema: {errors:#?}"
    );
}

struct Api<'a> {
    web: &'a Browser,
    doc: &'a Value,
}

impl Api<'_> {
    /// GETs `url`, checks status and schema, and gives the body.
    async fn get(&self, template: &str, url: &str, status: u16) -> Value {
        let response = self.web.http.get(self.web.url(url)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), status, "{url}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        let body: Value = response.json().await.unwrap();
        let expected = if status < 400 {
            "application/json"
        } else {
            "application/problem+json"
        };
        assert_eq!(content_type, expected, "{url}");
        conforms(self.doc, template, status, expected, &body);
        body
    }

    /// Every item of a list, following its cursors `limit` at a time.
    async fn all(&self, template: &str, url: &str, limit: usize) -> Vec<Value> {
        let sep = if url.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page_url = match &cursor {
                None => format!("{url}{sep}limit={limit}"),
                Some(c) => format!("{url}{sep}limit={limit}&cursor={c}"),
            };
            let page = self.get(template, &page_url, 200).await;
            let got = page["items"].as_array().unwrap();
            assert!(got.len() <= limit, "{page_url}: over the limit");
            items.extend(got.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => {
                    assert_eq!(
                        got.len(),
                        limit,
                        "{page_url}: a page before the last is full"
                    );
                    cursor = Some(next.to_string());
                }
                None => break,
            }
        }
        items
    }
}

fn ids(items: &[Value], field: &str) -> Vec<i64> {
    items.iter().map(|i| i[field].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn the_api_answers_as_its_openapi_document_says() {
    for (backend, database) in databases("api").await {
        let s = Scratch::new();
        let mut args: Vec<&str> = database.iter().map(String::as_str).collect();
        args.push("--demo");
        let server = Server::start(&s, &args);
        let web = Browser::admin(&server).await;

        // The document: OpenAPI 3.1, public, and naming every API route.
        let anonymous = Browser::anonymous(&server).await;
        let response = anonymous
            .http
            .get(server.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let doc: Value = response.json().await.unwrap();
        assert!(
            doc["openapi"].as_str().unwrap().starts_with("3.1"),
            "{backend}"
        );
        let routes = stdout_json(&s.run(&["routes", "--json"]));
        let api_routes: Vec<&str> = routes
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["path"].as_str().unwrap())
            .filter(|p| p.starts_with("/api/v1/") && *p != "/api/v1/openapi.json")
            .collect();
        let described: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
        for route in &api_routes {
            assert!(
                doc["paths"][route]["get"].is_object(),
                "{route} is served but not described"
            );
        }
        for path in &described {
            assert!(
                api_routes.contains(&path.as_str()),
                "{path} is described but not served"
            );
        }
        // The status filters take the names the records give, from the code.
        let status_names = |path: &str| -> Vec<String> {
            doc["paths"][path]["get"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "status")
                .expect("a status filter")["schema"]["enum"]
                .as_array()
                .expect("its names listed")
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        };
        assert!(status_names("/api/v1/actions").contains(&"revised".to_string()));
        assert!(status_names("/api/v1/indicators").contains(&"red".to_string()));
        assert!(status_names("/api/v1/updates").contains(&"achieved".to_string()));
        let api = Api {
            web: &web,
            doc: &doc,
        };

        // Signing in is required, and the refusal is a problem document.
        let refused = anonymous
            .http
            .get(server.url("/api/v1/actions"))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 401, "{backend}");

        // Plans, one of them, and the 2017/18 service plan's thread.
        let plans = api.all("/api/v1/plans", "/api/v1/plans", 2).await;
        assert!(plans.len() >= 5, "{backend}: {plans:?}");
        let plan = plans
            .iter()
            .find(|p| p["title"].as_str().unwrap().contains("2017/18") && p["kind"] == "service")
            .expect("the 2017/18 service plan");
        let plan_id = plan["id"].as_i64().unwrap();
        let one = api
            .get(
                "/api/v1/plans/{id}",
                &format!("/api/v1/plans/{plan_id}"),
                200,
            )
            .await;
        assert_eq!(&one, plan, "{backend}: a plan alone is as listed");

        // Actions: cursor pages join up to the whole list, in id order,
        // whatever the page size.
        let every = api.all("/api/v1/actions", "/api/v1/actions", 1000).await;
        let paged = api.all("/api/v1/actions", "/api/v1/actions", 37).await;
        assert_eq!(ids(&paged, "id"), ids(&every, "id"), "{backend}");
        assert!(
            ids(&every, "id").windows(2).all(|w| w[0] < w[1]),
            "{backend}: by id"
        );
        let total: i64 = plans.iter().map(|p| p["actions"].as_i64().unwrap()).sum();
        assert_eq!(every.len() as i64, total, "{backend}: every plan's actions");

        // Filters: a plan's actions as at the end of 2017/18 Q2, and a status.
        let quarter = api
            .all(
                "/api/v1/actions",
                &format!("/api/v1/actions?plan={plan_id}&period=2017/18-Q2"),
                1000,
            )
            .await;
        assert_eq!(quarter.len() as i64, plan["actions"].as_i64().unwrap());
        assert!(quarter.iter().all(|a| a["plan_id"] == plan_id));
        assert!(quarter.iter().all(|a| {
            a["latest_update"]["as_at"]
                .as_str()
                .is_none_or(|d| d <= "2017-09-30")
        }));
        let overdue_count = quarter.iter().filter(|a| a["status"] == "overdue").count();
        let overdue = api
            .all(
                "/api/v1/actions",
                &format!("/api/v1/actions?plan={plan_id}&period=2017/18-Q2&status=overdue"),
                1000,
            )
            .await;
        assert_eq!(overdue.len(), overdue_count, "{backend}");
        // The check can fail: a status the rules never give, a date that is
        // not one, or a field missing, is caught.
        for (field, wrong) in [
            ("status", serde_json::json!("fine")),
            ("due_date", serde_json::json!("31/03/2018")),
            ("id", serde_json::json!("7")),
        ] {
            let mut tampered =
                serde_json::json!({"items": [quarter[0].clone()], "next_cursor": null});
            tampered["items"][0][field] = wrong;
            assert!(
                !violations(&doc, "/api/v1/actions", 200, "application/json", &tampered).is_empty(),
                "a wrong {field} passes"
            );
        }
        let mut missing = serde_json::json!({"items": [quarter[0].clone()], "next_cursor": null});
        missing["items"][0].as_object_mut().unwrap().remove("rag");
        assert!(!violations(&doc, "/api/v1/actions", 200, "application/json", &missing).is_empty());
        let action_id = quarter[0]["id"].as_i64().unwrap();
        let alone = api
            .get(
                "/api/v1/actions/{id}",
                &format!("/api/v1/actions/{action_id}?period=2017/18-Q2"),
                200,
            )
            .await;
        assert_eq!(alone, quarter[0], "{backend}: an action alone is as listed");

        // Indicators, their values within a year, updates and risks.
        let indicators = api
            .all(
                "/api/v1/indicators",
                &format!("/api/v1/indicators?plan={plan_id}&period=2017/18-Q2"),
                5,
            )
            .await;
        assert!(!indicators.is_empty(), "{backend}");
        assert!(indicators.iter().all(|i| i["plan_id"] == plan_id));
        let red = indicators.iter().filter(|i| i["status"] == "red").count();
        let only_red = api
            .all(
                "/api/v1/indicators",
                &format!("/api/v1/indicators?plan={plan_id}&period=2017/18-Q2&status=red"),
                1000,
            )
            .await;
        assert_eq!(only_red.len(), red, "{backend}");
        let indicator_id = indicators[0]["id"].as_i64().unwrap();
        api.get(
            "/api/v1/indicators/{id}",
            &format!("/api/v1/indicators/{indicator_id}"),
            200,
        )
        .await;
        // Values: the samples carry targets only, so two are recorded for
        // MEHPI 132 (monthly) through its page, as an officer would.
        let (_, tree) = web.get(&format!("/plans/{plan_id}")).await;
        let ka1 = link_id(&tree, "actions", "KA.1 ");
        let (_, ka1_page) = web.get(&format!("/actions/{ka1}")).await;
        let mehpi = link_id(&ka1_page, "indicators", "MEHPI 132");
        for (month, value) in [("2017-08", "11"), ("2017-09", "12")] {
            let (_, page) = web.get(&format!("/indicators/{mehpi}")).await;
            let seen = hidden(&page, "seen");
            let (status, _, _) = web
                .post(
                    &format!("/indicators/{mehpi}"),
                    &[
                        ("period", month),
                        ("value", value),
                        ("note", "From the DFG system"),
                        ("seen", seen.as_str()),
                    ],
                )
                .await;
            assert_eq!(status, 303, "{backend}: the value for {month} is recorded");
        }
        let values_of = |query: &str| format!("/api/v1/values?plan={plan_id}{query}");
        let every_value = api.all("/api/v1/values", &values_of(""), 1000).await;
        let walked = api.all("/api/v1/values", &values_of(""), 1).await;
        assert_eq!(walked, every_value, "{backend}: values page without gaps");
        let periods: Vec<(&str, f64)> = every_value
            .iter()
            .map(|v| (v["period"].as_str().unwrap(), v["value"].as_f64().unwrap()))
            .collect();
        assert_eq!(periods, [("2017-08", 11.0), ("2017-09", 12.0)], "{backend}");
        assert!(every_value.iter().all(|v| v["indicator_id"] == mehpi));
        for (period, count) in [
            ("2017/18", 2),
            ("2017/18-Q2", 2),
            ("2017/18-Q3", 0),
            ("2016/17", 0),
        ] {
            let within = api
                .all(
                    "/api/v1/values",
                    &values_of(&format!("&period={period}")),
                    1000,
                )
                .await;
            assert_eq!(within.len(), count, "{backend}: values within {period}");
        }
        let yesterday = (chrono::Utc::now().date_naive() - chrono::Days::new(1)).to_string();
        let known_then = api
            .all(
                "/api/v1/values",
                &values_of(&format!("&as_at={yesterday}")),
                1000,
            )
            .await;
        assert!(
            known_then.is_empty(),
            "{backend}: recorded today, not known yesterday"
        );
        // Updates: the samples' progress columns, paged by action and date.
        let updates = api.all("/api/v1/updates", "/api/v1/updates", 1000).await;
        assert!(!updates.is_empty(), "{backend}");
        let walked = api.all("/api/v1/updates", "/api/v1/updates", 4).await;
        assert_eq!(walked, updates, "{backend}: updates page without gaps");
        let reported = updates[0]["plan_id"].as_i64().unwrap();
        let of_plan = api
            .all(
                "/api/v1/updates",
                &format!("/api/v1/updates?plan={reported}"),
                1000,
            )
            .await;
        assert_eq!(
            of_plan,
            updates
                .iter()
                .filter(|u| u["plan_id"] == reported)
                .cloned()
                .collect::<Vec<_>>(),
            "{backend}"
        );
        api.all("/api/v1/risks", "/api/v1/risks", 3).await;

        // As at yesterday: an update recorded today is not known then.
        let then = |id: i64| format!("/api/v1/actions/{id}?as_at={yesterday}");
        let before = api.get("/api/v1/actions/{id}", &then(action_id), 200).await;
        let (_, page) = web.get(&format!("/actions/{action_id}")).await;
        let version = hidden(&page, "version");
        let today = chrono::Utc::now().date_naive().to_string();
        let (status, _, _) = web
            .post(
                &format!("/actions/{action_id}"),
                &[
                    ("version", version.as_str()),
                    ("status", "at_risk"),
                    ("as_at", today.as_str()),
                    ("commentary", "Recorded through the page today."),
                ],
            )
            .await;
        assert_eq!(status, 303, "{backend}");
        let now = api
            .get(
                "/api/v1/actions/{id}",
                &format!("/api/v1/actions/{action_id}"),
                200,
            )
            .await;
        assert_eq!(
            now["latest_update"]["commentary"], "Recorded through the page today.",
            "{backend}"
        );
        let after = api.get("/api/v1/actions/{id}", &then(action_id), 200).await;
        assert_eq!(after, before, "{backend}: as known yesterday, unchanged");
        let known_then = api
            .all(
                "/api/v1/updates",
                &format!("/api/v1/updates?action={action_id}&as_at={yesterday}"),
                1000,
            )
            .await;
        let known_now = api
            .all(
                "/api/v1/updates",
                &format!("/api/v1/updates?action={action_id}"),
                1000,
            )
            .await;
        assert_eq!(known_now.len(), known_then.len() + 1, "{backend}");

        // Bad filters are refused with a problem that names the filter.
        for (url, field) in [
            ("/api/v1/actions?status=bogus", "status"),
            ("/api/v1/actions?limit=0", "limit"),
            ("/api/v1/actions?limit=ten", "limit"),
            ("/api/v1/actions?cursor=zz", "cursor"),
            ("/api/v1/actions?as_at=2017-02-30", "as_at"),
            ("/api/v1/actions?as_at=2999-01-01", "as_at"),
            ("/api/v1/actions?period=Q9", "period"),
            ("/api/v1/actions?plan=first", "plan"),
        ] {
            let problem = api.get("/api/v1/actions", url, 400).await;
            assert!(
                problem["detail"].as_str().unwrap().starts_with(field),
                "{backend}: {url}: {problem}"
            );
        }
        let missing = api
            .get("/api/v1/actions/{id}", "/api/v1/actions/99999999", 404)
            .await;
        assert_eq!(missing["status"], 404);
    }
}
