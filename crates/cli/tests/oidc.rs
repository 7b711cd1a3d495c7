//! Single sign-on against a real OpenID Connect provider (`oidc/`:
//! oidc-provider on node), driven over plain HTTP as a browser would:
//! redirects followed by hand, the provider's login and consent forms
//! filled in, back to Goldthread's callback.

use crate::util::*;
use regex::Regex;
use reqwest::header::{LOCATION, SET_COOKIE};
use reqwest::{StatusCode, Url};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CLIENT_ID: &str = "goldthread";
const CLIENT_SECRET: &str = "provider test secret";
const OFFICER: &str = "rb.officer@council.example";
const POST: &str = "Head of Revenues and Benefits";

fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oidc")
}

/// Why the test cannot run here, if it cannot.
fn missing_tools() -> Option<String> {
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        return Some("node is not installed".into());
    }
    if !provider_dir().join("node_modules/oidc-provider").is_dir() {
        return Some(format!(
            "{} has no node_modules: run npm ci there",
            provider_dir().display()
        ));
    }
    None
}

/// The test provider, stopped when dropped.
struct Provider {
    child: Child,
    issuer: String,
}

impl Provider {
    fn start(port: u16, redirect_uri: &str) -> Provider {
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(provider_dir())
            .env("PORT", port.to_string())
            .env("OIDC_CLIENT_ID", CLIENT_ID)
            .env("OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("OIDC_REDIRECT_URI", redirect_uri)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start node provider.mjs");
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("provider: {line}");
            }
        });
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next().and_then(Result::ok));
            for _ in lines {}
        });
        // Guard from here on: a failed start still stops the process.
        let mut provider = Provider {
            child,
            issuer: String::new(),
        };
        let line = rx.recv_timeout(Duration::from_secs(60)).ok().flatten();
        let re = Regex::new(r"^listening (http://127\.0\.0\.1:\d+)$").unwrap();
        provider.issuer = match line.as_deref().and_then(|l| re.captures(l)) {
            Some(c) => c[1].to_string(),
            None => panic!("the provider did not start: {line:?}"),
        };
        provider
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port free just now, for the provider: Goldthread must be told its
/// issuer before it starts, and the provider Goldthread's redirect URI.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A browser: a cookie jar, no redirects followed (the test follows them).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// From `start`, follows redirects and answers the provider's login and
/// consent forms as `email`, until a redirect into `stop_prefix`; returns
/// that URL (not yet opened).
async fn through_provider(
    http: &reqwest::Client,
    start: &str,
    email: &str,
    stop_prefix: &str,
) -> Url {
    let action_re = Regex::new(r#"<form[^>]*\baction="([^"]+)""#).unwrap();
    let prompt_re = Regex::new(r#"name="prompt" value="([a-z]+)""#).unwrap();
    let mut url = Url::parse(start).unwrap();
    for _ in 0..12 {
        let response = http.get(url.clone()).send().await.unwrap();
        if response.status().is_redirection() {
            let next = url
                .join(response.headers()[LOCATION].to_str().unwrap())
                .unwrap();
            if next.as_str().starts_with(stop_prefix) {
                return next;
            }
            url = next;
            continue;
        }
        let status = response.status();
        let html = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "GET {url}: {html}");
        let action = action_re
            .captures(&html)
            .unwrap_or_else(|| panic!("no form at {url}: {html}"))[1]
            .replace("&amp;", "&");
        let prompt = prompt_re
            .captures(&html)
            .unwrap_or_else(|| panic!("no prompt at {url}: {html}"))[1]
            .to_string();
        let form: Vec<(&str, &str)> = match prompt.as_str() {
            "login" => vec![
                ("prompt", "login"),
                ("login", email),
                ("password", "anything"),
            ],
            "consent" => vec![("prompt", "consent")],
            other => panic!("unexpected prompt {other} at {url}"),
        };
        let action = url.join(&action).unwrap();
        let response = http.post(action.clone()).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "POST {action}");
        url = action
            .join(response.headers()[LOCATION].to_str().unwrap())
            .unwrap();
    }
    panic!("signing in as {email} did not reach {stop_prefix}");
}

/// Opens `url`: status, Location, whether a session cookie was set, body.
async fn open(http: &reqwest::Client, url: &str) -> (u16, Option<String>, bool, String) {
    let response = http.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    let session = response.headers().get_all(SET_COOKIE).iter().any(|c| {
        c.to_str().unwrap().starts_with("goldthread_session=")
            && !c.to_str().unwrap().contains("Max-Age=0")
    });
    (status, location, session, response.text().await.unwrap())
}

/// The `user list` lines for `email`.
fn listed(s: &Scratch, email: &str) -> Vec<String> {
    let output = s.run(&["user", "list"]);
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.split('\t').next() == Some(email))
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn people_sign_in_with_the_councils_identity_provider() {
    if let Some(why) = missing_tools() {
        // Straight to stderr: the test harness hides print output of passing tests.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("skipped: single sign-on test ({why})\n").as_bytes(),
        );
        return;
    }
    let s = Scratch::new();
    let port = free_port();
    let issuer = format!("http://127.0.0.1:{port}");
    // The provider is not running yet: Goldthread starts all the same.
    let server = Server::start(
        &s,
        &[
            "--demo",
            "--oidc-issuer",
            &issuer,
            "--oidc-client-id",
            CLIENT_ID,
            "--oidc-client-secret",
            CLIENT_SECRET,
        ],
    );
    let callback = server.url("/sign-in/sso/callback");
    let start = server.url("/sign-in/sso?next=%2Faccount%3Fsaved%3D1");

    // The sign-in page offers single sign-on, keeping where to go next.
    let (status, _, _, page) = open(&browser(), &server.url("/sign-in?next=%2Faccount")).await;
    assert_eq!(status, 200);
    let link = Regex::new(r#"href="/sign-in/sso\?next=([^"]*)""#)
        .unwrap()
        .captures(&page)
        .unwrap_or_else(|| panic!("no single sign-on link: {page}"))[1]
        .replace("&#x2f;", "/");
    assert!(matches!(link.as_str(), "/account" | "%2Faccount"), "{link}");

    // The provider down: a clear page, not a crash, and nothing kept.
    let (status, _, _, page) = open(&browser(), &start).await;
    assert_eq!(status, 502, "{page}");
    assert!(
        page.contains("cannot reach your organisation&#x27;s sign-in service")
            || page.contains("cannot reach your organisation's sign-in service"),
        "{page}"
    );

    let provider = Provider::start(port, &callback);
    assert_eq!(provider.issuer, issuer);
    let added = add_account(
        &s,
        &[],
        OFFICER,
        "officer",
        &[POST],
        "a long enough password 7",
    );
    assert!(added.status.success());

    // The officer signs in through the provider and lands where they asked.
    let officer = browser();
    let first = open(&officer, &start).await;
    assert_eq!(first.0, 303, "{}", first.3);
    let authorize = first.1.unwrap();
    assert!(
        authorize.starts_with(&format!("{issuer}/auth?")),
        "{authorize}"
    );
    for part in [
        "code_challenge_method=S256",
        "nonce=",
        "state=",
        "scope=openid",
    ] {
        assert!(authorize.contains(part), "{part} missing from {authorize}");
    }
    let back = through_provider(&officer, &authorize, OFFICER, &callback).await;
    let (status, location, session, body) = open(&officer, back.as_str()).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/account?saved=1")),
        "{body}"
    );
    assert!(session, "no session cookie");
    let (status, _, _, page) = open(&officer, &server.url("/account")).await;
    assert_eq!(status, 200);
    assert!(page.contains(OFFICER), "{page}");
    assert!(page.contains("Officer"), "{page}");
    assert_eq!(
        listed(&s, OFFICER).len(),
        1,
        "matched to the existing account, not a second one"
    );
    assert!(listed(&s, OFFICER)[0].contains(POST));

    // Signed in through the provider, the holder of the post updates an
    // action it leads, not one another post leads; the update waits for
    // sign-off; an editor approves it; the change log names both.
    let csrf = hidden(&page, "csrf_token");
    let admin = Browser::admin(&server).await;
    let find = |code: &'static str| {
        let admin = &admin;
        async move {
            let html = admin.get(&format!("/search?q={}", code.trim())).await.1;
            link_id(&html.replace("&#x2f;", "/"), "actions", code)
        }
    };
    let (own, other) = (find("KA.15 ").await, find("KA.1 ").await);
    let today = chrono::Utc::now().date_naive().to_string();
    let update = |action: i64| {
        let officer = &officer;
        let server = &server;
        let csrf = csrf.clone();
        let today = today.clone();
        async move {
            let page = officer
                .get(server.url(&format!("/actions/{action}")))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            let version = Regex::new(r#"name="version" value="(\d+)""#)
                .unwrap()
                .captures(&page)
                .map_or("1".to_string(), |c| c[1].to_string());
            officer
                .post(server.url(&format!("/actions/{action}")))
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("version", version.as_str()),
                    ("status", "on_track"),
                    ("as_at", today.as_str()),
                    ("commentary", "Signed in through the council's provider"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(update(other).await, 403, "another post's action");
    assert_eq!(update(own).await, 303, "the post's own action");
    let (_, queue) = admin.get("/approvals").await;
    let waiting =
        Regex::new(r#"data-kind="update" data-id="(\d+)">(?s:.*?)name="version" value="(\d+)""#)
            .unwrap()
            .captures(&queue)
            .expect("the officer's update waits for sign-off");
    assert!(queue.contains("Signed in through the council"), "{queue}");
    let (status, _, _) = admin
        .post(
            &format!("/approvals/update/{}", &waiting[1]),
            &[("version", &waiting[2]), ("decision", "approve")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, log) = admin.get("/changes?entity=progress_updates").await;
    assert!(
        log.contains(OFFICER),
        "the officer's submission is in the change log"
    );
    assert!(
        log.contains(ADMIN_EMAIL) && log.contains("approved</ins>"),
        "and the approval, with its account"
    );

    // The provider's answer works once: not again in the same browser
    // (its sign-in cookie is spent), nor with that cookie put back.
    let (status, _, session, page) = open(&officer, back.as_str()).await;
    assert_eq!(status, 400, "{page}");
    assert!(!session);
    let state = back
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("a state in the callback");
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("goldthread_sso={state}; Path=/"),
        &Url::parse(&server.base).unwrap(),
    );
    let replayer = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let (status, _, session, page) = open(&replayer, back.as_str()).await;
    assert_eq!(status, 400, "{page}");
    assert!(!session);
    assert!(
        page.contains("has expired") && page.contains("used already"),
        "{page}"
    );

    // Someone without an account gets one, with the default role and the
    // name the provider gives.
    let newcomer_email = "Jo.Bloggs@Council.Example";
    let newcomer = browser();
    let back = through_provider(&newcomer, &start, newcomer_email, &callback).await;
    let (status, location, session, body) = open(&newcomer, back.as_str()).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/account?saved=1")),
        "{body}"
    );
    assert!(session);
    let (_, _, _, page) = open(&newcomer, &server.url("/account")).await;
    assert!(page.contains("jo.bloggs@council.example"), "{page}");
    assert!(page.contains("Viewer"), "{page}");
    let lines = listed(&s, "jo.bloggs@council.example");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("\tviewer\t"), "{lines:?}");
    assert!(lines[0].contains("Jo Bloggs"), "{lines:?}");

    // A forged state signs nobody in.
    let stranger = browser();
    let forged = format!("{callback}?code=abc&state=forged&iss={issuer}");
    let (status, _, session, page) = open(&stranger, &forged).await;
    assert!((400..500).contains(&status), "{status}: {page}");
    assert!(!session);
    let (status, location, _, _) = open(&stranger, &server.url("/account")).await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/sign-in?next=%2Faccount"))
    );
    // Nor does a real answer opened in another browser than the one that
    // started the sign-in (someone sending their own sign-in to a victim).
    let attacker = browser();
    let back = through_provider(&attacker, &start, "mallory@council.example", &callback).await;
    let (status, _, session, page) = open(&stranger, back.as_str()).await;
    assert_eq!(status, 400, "{page}");
    assert!(!session);
    assert!(page.contains("did not start in this browser"), "{page}");
    // The provider's refusal is said plainly.
    let refused = format!("{callback}?error=access_denied&state=x");
    let (status, _, session, page) = open(&stranger, &refused).await;
    assert_eq!(status, 401, "{page}");
    assert!(!session);
    assert!(page.contains("cancelled or refused"), "{page}");

    // A disabled account is refused as at the password form (the provider
    // remembers the officer: no forms this time).
    assert!(s.run(&["user", "disable", OFFICER]).status.success());
    let back = through_provider(&officer, &start, OFFICER, &callback).await;
    let (status, _, session, page) = open(&officer, back.as_str()).await;
    assert_eq!(status, 403, "{page}");
    assert!(!session);
    assert!(page.contains("This account has been disabled"), "{page}");
    assert_eq!(listed(&s, OFFICER).len(), 1);

    drop(provider);
}

#[test]
fn single_sign_on_needs_issuer_id_and_secret_together() {
    let s = Scratch::new();
    let output = s.run(&[
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--oidc-issuer",
        "https://login.microsoftonline.com/tenant/v2.0",
        "--oidc-client-id",
        "goldthread",
    ]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("single sign-on needs the issuer, client id and client secret together")
            && stderr.contains("--oidc-client-secret"),
        "{stderr}"
    );
    let output = s
        .command()
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--oidc-default-role",
            "admin",
        ])
        .env("GOLDTHREAD_OIDC_ISSUER", "https://idp.example")
        .env("GOLDTHREAD_OIDC_CLIENT_ID", "goldthread")
        .env("GOLDTHREAD_OIDC_CLIENT_SECRET", "s3cret-value")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--oidc-default-role admin"), "{stderr}");
    assert!(!stderr.contains("s3cret-value"), "{stderr}");
}
