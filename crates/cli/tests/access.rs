//! Who may do what, proved over HTTP against the real server on SQLite
//! and PostgreSQL: the authorisation matrix generated from the router's
//! own route table, sign-off from an officer's update to its approval, and
//! sessions, tokens and CSRF refused where they must be.

use crate::util::*;
use goldthread_domain::{Access, Role};
use regex::Regex;

const OFFICER_POST: &str = "Head of Revenues and Benefits";
const PASSWORD: &str = "amber falcon meadow";

fn email(role: Role) -> String {
    format!("{role}@tests.goldthread.test")
}

/// A server with the demo plans and one signed-in visitor per role, plus
/// an anonymous one.
struct Council {
    scratch: Scratch,
    database: Vec<String>,
    _server: Server,
    visitors: Vec<(Option<Role>, Browser)>,
}

impl Council {
    async fn start(database: Vec<String>) -> Council {
        let scratch = Scratch::new();
        let db: Vec<&str> = database.iter().map(String::as_str).collect();
        for role in [Role::Editor, Role::Officer, Role::Viewer] {
            let posts: &[&str] = if role == Role::Officer {
                &[OFFICER_POST]
            } else {
                &[]
            };
            let out = add_account(&scratch, &db, &email(role), role.as_str(), posts, PASSWORD);
            assert!(out.status.success());
        }
        let mut args = vec!["--demo"];
        args.extend(&db);
        let server = Server::start(&scratch, &args);
        let mut visitors = vec![
            (None, Browser::anonymous(&server).await),
            (Some(Role::Admin), Browser::admin(&server).await),
        ];
        for role in [Role::Editor, Role::Officer, Role::Viewer] {
            visitors.push((
                Some(role),
                Browser::sign_in(&server, &email(role), PASSWORD).await,
            ));
        }
        Council {
            scratch,
            database,
            _server: server,
            visitors,
        }
    }

    fn as_role(&self, role: Role) -> &Browser {
        &self
            .visitors
            .iter()
            .find(|(r, _)| *r == Some(role))
            .expect("a visitor of the role")
            .1
    }

    async fn store(&self) -> goldthread_storage::Store {
        open_store(&self.scratch, &self.database).await
    }

    /// The id of the first search hit linking to `/kind/ID` for `code`.
    async fn find(&self, kind: &str, code: &str) -> i64 {
        let (_, html) = self
            .as_role(Role::Admin)
            .get(&format!("/search?q={}", code.replace(' ', "+")))
            .await;
        link_id(&html.replace("&#x2f;", "/"), kind, code)
    }
}

/// What a request should get.
#[derive(Debug, PartialEq)]
enum Answer {
    /// Through the gate: anything but 401, 403 or a redirect to sign in.
    Allowed,
    SignIn,
    Unauthorised,
    Forbidden,
}

fn answer_of(status: u16, location: Option<&str>) -> Answer {
    match (status, location) {
        (303, Some(l)) if l.starts_with("/sign-in?next=") => Answer::SignIn,
        (401, _) => Answer::Unauthorised,
        (403, _) => Answer::Forbidden,
        _ => Answer::Allowed,
    }
}

fn expected(access: Access, role: Option<Role>, method: &str, path: &str) -> Answer {
    if access.allows(role) {
        Answer::Allowed
    } else if role.is_some() {
        Answer::Forbidden
    } else if method == "GET" && !path.starts_with("/api/") {
        Answer::SignIn
    } else {
        Answer::Unauthorised
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_its_rule_says_and_denied_writes_change_nothing() {
    for (backend, database) in databases("matrix").await {
        let council = Council::start(database).await;
        let routes: serde_json::Value = stdout_json(&council.scratch.run(&["routes", "--json"]));
        let routes = routes.as_array().expect("a list of routes");
        assert!(routes.len() >= 30, "the table lists every route");

        let own_action = council.find("actions", "KA.15 ").await;
        let other_action = council.find("actions", "KA.1 ").await;
        let own_indicator = council.find("indicators", "MEHPI 181").await;
        let other_indicator = council.find("indicators", "MEHPI 132").await;
        let store = council.store().await;
        let viewer_id = store
            .account_by_email(&email(Role::Viewer))
            .await
            .unwrap()
            .unwrap()
            .id;

        let mut failures = Vec::new();
        let mut checked = 0;
        for route in routes {
            let method = route["method"].as_str().unwrap();
            let pattern = route["path"].as_str().unwrap();
            let name = route["access"].as_str().unwrap();
            let access = Access::parse(name).unwrap_or_else(|| panic!("unknown access {name}"));
            // Record routes are tried on a record the officer's post leads
            // and on one it does not.
            let mut cases: Vec<(String, bool)> = Vec::new();
            let fill = |pattern: &str, action: i64, indicator: i64| {
                pattern
                    .replace("/actions/{id}", &format!("/actions/{action}"))
                    .replace("/indicators/{id}", &format!("/indicators/{indicator}"))
                    .replace(
                        "/admin/accounts/{id}",
                        &format!("/admin/accounts/{viewer_id}"),
                    )
                    .replace("{kind}", "update")
                    .replace("{id}", "1")
                    .replace("{token}", &"ab".repeat(32))
                    .replace("{*path}", "app.css")
            };
            cases.push((fill(pattern, own_action, own_indicator), true));
            // A plan's progress workbook is open to every officer: what
            // they may record in it is checked row by row, as on the forms.
            // So are a plan's comments: any officer may comment on a plan.
            if access == Access::Record
                && !pattern.starts_with("/plans/{id}/progress")
                && pattern != "/plans/{id}/comments"
            {
                cases.push((fill(pattern, other_action, other_indicator), false));
            }
            // Signing out would end the visitor's session mid-matrix; it is
            // tried last, below.
            if pattern == "/sign-out" {
                continue;
            }
            for (path, owned) in cases {
                for (role, visitor) in &council.visitors {
                    let mut want = expected(access, *role, method, &path);
                    if access == Access::Record && *role == Some(Role::Officer) && !owned {
                        want = Answer::Forbidden;
                    }
                    let before = store.count("history").await.unwrap();
                    let (status, location) = if method == "GET" {
                        let r = visitor.http.get(visitor.url(&path)).send().await.unwrap();
                        let l = r
                            .headers()
                            .get("location")
                            .map(|l| l.to_str().unwrap().to_string());
                        (r.status().as_u16(), l)
                    } else {
                        let (status, _, l) = visitor.post(&path, &[]).await;
                        (status, l)
                    };
                    let got = answer_of(status, location.as_deref());
                    checked += 1;
                    if got != want {
                        failures.push(format!(
                            "{method} {path} as {role:?}: {status} ({got:?}), wanted {want:?}"
                        ));
                    }
                    if want != Answer::Allowed && store.count("history").await.unwrap() != before {
                        failures.push(format!(
                            "{method} {path} as {role:?}: refused but changed the history"
                        ));
                    }
                }
            }
        }
        // Signing out: refused to anonymous, and it ends a session.
        let anonymous = &council.visitors[0].1;
        assert_eq!(anonymous.post("/sign-out", &[]).await.0, 401);
        let viewer = council.as_role(Role::Viewer);
        assert_eq!(viewer.post("/sign-out", &[]).await.0, 303);
        let after = viewer.http.get(viewer.url("/")).send().await.unwrap();
        assert_eq!(
            answer_of(
                after.status().as_u16(),
                after
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
            ),
            Answer::SignIn,
            "signed out"
        );
        assert!(
            failures.is_empty(),
            "{backend}: {} of {checked}:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(checked > 150, "{backend}: {checked} requests checked");
    }
}

fn field(html: &str, name: &str) -> String {
    hidden(html, name)
}

/// The officer's progress form for `action`, filled in.
async fn submit_progress(
    visitor: &Browser,
    action: i64,
    commentary: &str,
) -> (u16, Option<String>) {
    let (_, page) = visitor.get(&format!("/actions/{action}")).await;
    // No form on a record the visitor may not change: post as if there were.
    let version = Regex::new(r#"name="version" value="(\d+)""#)
        .unwrap()
        .captures(&page)
        .map_or("1".to_string(), |c| c[1].to_string());
    let today = chrono::Utc::now().date_naive().to_string();
    let (status, _, location) = visitor
        .post(
            &format!("/actions/{action}"),
            &[
                ("version", &version),
                ("status", "on_track"),
                ("as_at", &today),
                ("commentary", commentary),
            ],
        )
        .await;
    (status, location)
}

/// The waiting row for `commentary` in the approvals queue: kind, id, version.
fn queued(html: &str, commentary: &str) -> Option<(String, String, String)> {
    let re = Regex::new(
        r#"(?s)<tr class="govuk-table__row" data-kind="(\w+)" data-id="(\d+)">(.*?)</tr>"#,
    )
    .unwrap();
    re.captures_iter(html)
        .find(|c| c[3].contains(commentary))
        .map(|c| (c[1].to_string(), c[2].to_string(), field(&c[3], "version")))
}

#[tokio::test]
async fn an_officers_update_waits_for_sign_off_and_the_change_log_names_both_accounts() {
    for (backend, database) in databases("signoff").await {
        let council = Council::start(database).await;
        let officer = council.as_role(Role::Officer);
        let editor = council.as_role(Role::Editor);
        let own = council.find("actions", "KA.15 ").await;
        let other = council.find("actions", "KA.1 ").await;
        let store = council.store().await;

        // Another post's action: refused, nothing written.
        let before = store.count("progress_updates").await.unwrap();
        let (status, _) = submit_progress(officer, other, "Not my action").await;
        assert_eq!(status, 403, "{backend}");
        assert_eq!(store.count("progress_updates").await.unwrap(), before);
        let (_, page) = officer.get(&format!("/actions/{other}")).await;
        assert!(
            page.contains("id=\"cannot-record\""),
            "{backend}: no form on another post's action"
        );

        // Their own action: accepted, waiting for sign-off, not counted.
        let (status, location) = submit_progress(officer, own, "Claims cleared in 8 days").await;
        assert_eq!(
            (status, location.as_deref()),
            (303, Some(format!("/actions/{own}?saved=pending").as_str())),
            "{backend}"
        );
        let (_, page) = officer.get(&format!("/actions/{own}?saved=pending")).await;
        assert!(page.contains("counts once it is signed off"));
        assert!(
            page.contains("Awaiting sign-off"),
            "{backend}: the update shows as pending"
        );
        let data = store.load_monitoring_data().await.unwrap();
        let counted = data
            .actions
            .iter()
            .find(|a| a.id == own)
            .unwrap()
            .updates
            .len();

        // The viewer cannot approve; the editor sees it in the queue.
        let (_, queue) = editor.get("/approvals").await;
        let (kind, id, version) =
            queued(&queue, "Claims cleared in 8 days").expect("the update waits in the queue");
        let viewer = council.as_role(Role::Viewer);
        let decide = format!("/approvals/{kind}/{id}");
        assert_eq!(
            viewer
                .post(&decide, &[("version", &version), ("decision", "approve")])
                .await
                .0,
            403
        );
        let (status, _, location) = editor
            .post(&decide, &[("version", &version), ("decision", "approve")])
            .await;
        assert_eq!(
            (status, location.as_deref()),
            (303, Some("/approvals?done=approved")),
            "{backend}"
        );
        let (_, queue) = editor.get("/approvals").await;
        assert!(
            queued(&queue, "Claims cleared in 8 days").is_none(),
            "{backend}: approved, gone from the queue"
        );
        let data = store.load_monitoring_data().await.unwrap();
        assert_eq!(
            data.actions
                .iter()
                .find(|a| a.id == own)
                .unwrap()
                .updates
                .len(),
            counted + 1,
            "{backend}: the approved update counts"
        );
        // Approving twice is refused: it is no longer pending.
        assert_eq!(
            editor
                .post(&decide, &[("version", &version), ("decision", "approve")])
                .await
                .0,
            400
        );

        // A second update is returned with a comment the officer sees.
        submit_progress(officer, own, "Second try").await;
        let (_, queue) = editor.get("/approvals").await;
        let (kind, id, version) = queued(&queue, "Second try").unwrap();
        let decide = format!("/approvals/{kind}/{id}");
        assert_eq!(
            editor
                .post(&decide, &[("version", &version), ("decision", "return")])
                .await
                .0,
            400,
            "returning needs a comment"
        );
        let (status, _, _) = editor
            .post(
                &decide,
                &[
                    ("version", &version),
                    ("decision", "return"),
                    ("comment", "Give the figure for October"),
                ],
            )
            .await;
        assert_eq!(status, 303);
        let (_, page) = officer.get(&format!("/actions/{own}")).await;
        assert!(
            page.contains("Returned: Give the figure for October"),
            "{backend}"
        );
        let (_, my_work) = officer.get("/my-work").await;
        assert!(
            my_work.contains("Your posts: Head of Revenues and Benefits."),
            "{backend}"
        );
        assert!(
            my_work.contains("Give the figure for October") && my_work.contains("Second try"),
            "{backend}: my work lists what was sent back"
        );
        assert!(
            my_work.contains(r#"<option value="Head of Revenues and Benefits" selected>"#),
            "{backend}: the officer's post is chosen"
        );

        // The change log names each account: the officer's submission and
        // the editor's approval.
        let officer_id = store
            .account_by_email(&email(Role::Officer))
            .await
            .unwrap()
            .unwrap()
            .id;
        let editor_id = store
            .account_by_email(&email(Role::Editor))
            .await
            .unwrap()
            .unwrap()
            .id;
        let (_, log) = editor
            .get(&format!(
                "/changes?account={officer_id}&entity=progress_updates"
            ))
            .await;
        assert!(
            log.contains("Claims cleared in 8 days"),
            "{backend}: the officer's update is in their change log"
        );
        assert!(log.contains("officer@tests.goldthread.test"));
        let (_, log) = editor.get(&format!("/changes?account={editor_id}")).await;
        assert!(
            log.contains("pending</del>") && log.contains("approved</ins>"),
            "{backend}: the approval shows before and after"
        );
        let (_, history) = officer.get(&format!("/actions/{own}/history")).await;
        assert!(
            history.contains("Give the figure for October"),
            "{backend}: the action's history has the return"
        );
        // The database refuses to rewrite the history.
        assert!(store.count("history").await.unwrap() > 0);
    }
}

#[tokio::test]
async fn sessions_tokens_and_forms_are_refused_where_they_must_be() {
    let token_secret = Regex::new(r#"<code id="token-secret">(gt_[0-9a-f]+)</code>"#).unwrap();
    for (backend, database) in databases("sessions").await {
        let council = Council::start(database).await;
        let store = council.store().await;
        let server_url = council.visitors[0].1.url("");

        // Session fixation: a session id planted before sign-in is not the
        // one after, and is worth nothing.
        let planted = "ab".repeat(32);
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let url: reqwest::Url = server_url.parse().unwrap();
        jar.add_cookie_str(&format!("goldthread_session={planted}"), &url);
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let page = http
            .get(format!("{server_url}/sign-in"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = field(&page, "csrf_token");
        let response = http
            .post(format!("{server_url}/sign-in"))
            .form(&[
                ("csrf_token", csrf.as_str()),
                ("email", &email(Role::Viewer)),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{backend}");
        let set = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            set.starts_with("goldthread_session=") && !set.contains(&planted),
            "{backend}: a new session id"
        );
        assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax"));
        let planted_only = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = planted_only
            .get(format!("{server_url}/"))
            .header("cookie", format!("goldthread_session={planted}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{backend}: the planted id signs nobody in");

        // CSRF: a form without the token, or with another session's, is
        // refused and changes nothing.
        let editor = council.as_role(Role::Editor);
        let action = council.find("actions", "KA.15 ").await;
        let before = store.count("history").await.unwrap();
        let no_token = editor
            .http
            .post(editor.url(&format!("/actions/{action}")))
            .form(&[("status", "on_track"), ("commentary", "forged")])
            .send()
            .await
            .unwrap();
        assert_eq!(no_token.status(), 403, "{backend}");
        let other_token = council.as_role(Role::Viewer).csrf.clone();
        let wrong = editor
            .http
            .post(editor.url(&format!("/actions/{action}")))
            .form(&[
                ("status", "on_track"),
                ("commentary", "forged"),
                ("csrf_token", other_token.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 403, "{backend}");
        assert_eq!(
            store.count("history").await.unwrap(),
            before,
            "{backend}: nothing written"
        );

        // Expired and idle sessions end. The clock is moved in the
        // database; the server's cache of sessions re-reads within five
        // seconds (or at once, when the history moves).
        let expiring = Browser::sign_in(&council._server, &email(Role::Officer), PASSWORD).await;
        let idling = Browser::sign_in(&council._server, &email(Role::Officer), PASSWORD).await;
        assert_eq!(expiring.get("/account").await.0, 200);
        assert_eq!(idling.get("/account").await.0, 200);
        let mut conn = open_raw(&council).await;
        let officer_sessions = "SELECT token_hash FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE email = 'officer@tests.goldthread.test') ORDER BY created_at";
        let hashes: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(officer_sessions))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        let (first, second) = (&hashes[hashes.len() - 2], &hashes[hashes.len() - 1]);
        sqlx::query(
            "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE token_hash = $1",
        )
        .bind(first)
        .execute(&mut conn)
        .await
        .unwrap();
        sqlx::query("UPDATE sessions SET last_seen_at = '2000-01-01T00:00:00.000000Z' WHERE token_hash = $1")
            .bind(second)
            .execute(&mut conn)
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(5_100)).await;
        assert_eq!(
            expiring.get("/account").await.0,
            303,
            "{backend}: past its absolute end"
        );
        assert_eq!(
            idling.get("/account").await.0,
            303,
            "{backend}: idle too long"
        );

        // A disabled account is signed out and cannot sign in.
        let viewer = Browser::sign_in(&council._server, &email(Role::Viewer), PASSWORD).await;
        let db: Vec<&str> = council.database.iter().map(String::as_str).collect();
        let mut args = vec!["user", "disable", "viewer@tests.goldthread.test"];
        args.extend(&db);
        assert!(council.scratch.run(&args).status.success());
        // Another process's write reaches the server within 50 ms.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(
            viewer.get("/").await.0,
            303,
            "{backend}: disabled, signed out"
        );
        let again = Browser::anonymous(&council._server).await;
        let (status, body, _) = again
            .post(
                "/sign-in",
                &[("email", &email(Role::Viewer)), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(status, 403, "{backend}");
        assert!(body.contains("disabled"));

        // Throttling: after five wrong passwords even the right one waits.
        let guesser = Browser::anonymous(&council._server).await;
        for _ in 0..5 {
            let (status, _, _) = guesser
                .post(
                    "/sign-in",
                    &[
                        ("email", &email(Role::Editor)),
                        ("password", "wrong wrong wrong"),
                    ],
                )
                .await;
            assert_eq!(status, 401);
        }
        let (status, body, _) = guesser
            .post(
                "/sign-in",
                &[("email", &email(Role::Editor)), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(status, 429, "{backend}");
        assert!(
            body.contains("Try again after"),
            "the locked-out user is told when"
        );

        // API tokens: read the API only, and not once revoked.
        let admin = council.as_role(Role::Admin);
        let (_, page, _) = admin.post("/admin/tokens", &[("name", "Power BI")]).await;
        let secret = token_secret
            .captures(&page)
            .unwrap_or_else(|| panic!("the token, shown once: {page}"))[1]
            .to_string();
        let bare = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let api = |path: &str| {
            bare.get(format!("{server_url}{path}"))
                .bearer_auth(&secret)
                .send()
        };
        assert_eq!(
            api("/api/v1/plans").await.unwrap().status(),
            200,
            "{backend}"
        );
        assert_eq!(
            api("/").await.unwrap().status(),
            403,
            "{backend}: tokens read the API only"
        );
        let post = bare
            .post(format!("{server_url}/actions/{action}"))
            .bearer_auth(&secret)
            .form(&[("status", "on_track")])
            .send()
            .await
            .unwrap();
        assert_eq!(post.status(), 403, "{backend}: tokens are read-only");
        let (_, tokens) = admin.get("/admin/tokens").await;
        assert!(!tokens.contains(&secret), "{backend}: never shown again");
        let id = store.api_tokens().await.unwrap()[0].id;
        admin.post(&format!("/admin/tokens/{id}/revoke"), &[]).await;
        assert_eq!(
            api("/api/v1/plans").await.unwrap().status(),
            401,
            "{backend}: revoked"
        );

        // A one-time link sets a password once.
        let mut args = vec!["user", "reset-link", "officer@tests.goldthread.test"];
        args.extend(&db);
        let out = council.scratch.run(&args);
        let link = String::from_utf8(out.stdout).unwrap().trim().to_string();
        let path = &link[link.find("/password/").expect("a link")..];
        let visitor = Browser::anonymous(&council._server).await;
        assert_eq!(visitor.get(path).await.0, 200);
        assert_eq!(
            visitor
                .post(path, &[("new_password", "password1234")])
                .await
                .0,
            400,
            "common passwords are refused"
        );
        assert_eq!(
            visitor
                .post(path, &[("new_password", "quiet harbour lighthouse")])
                .await
                .0,
            303
        );
        assert_eq!(
            visitor.get(path).await.0,
            404,
            "{backend}: a link works once"
        );
        Browser::sign_in(
            &council._server,
            &email(Role::Officer),
            "quiet harbour lighthouse",
        )
        .await;
    }
}

/// A raw connection to the server's database, to stand in for the clock.
async fn open_raw(council: &Council) -> sqlx::AnyConnection {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let url = match council.database.as_slice() {
        [_, url] => url.clone(),
        _ => format!(
            "sqlite://{}",
            council
                .scratch
                .path()
                .join("goldthread-data/goldthread.sqlite")
                .display()
        ),
    };
    sqlx::AnyConnection::connect(&url).await.expect("connect")
}
