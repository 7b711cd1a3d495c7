//! Running the binary in isolation and talking to the server it starts.

use regex::Regex;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_goldthread")
}

/// A scratch directory for one test; the binary runs with it as cwd.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(binary());
        cmd.current_dir(self.path())
            .env_remove("GOLDTHREAD_DATABASE_URL")
            .env_remove("GOLDTHREAD_DATA_DIR")
            .env("RUST_LOG", "warn");
        cmd
    }

    /// Runs the binary to completion; prints what it saw if asked to fail.
    pub fn run(&self, args: &[&str]) -> Output {
        let output = self.command().args(args).output().expect("run goldthread");
        eprintln!(
            "$ goldthread {}\nexit: {:?}\nstdout: {}\nstderr: {}",
            args.join(" "),
            output.status.code(),
            truncate(&String::from_utf8_lossy(&output.stdout)),
            truncate(&String::from_utf8_lossy(&output.stderr))
        );
        output
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, bytes).expect("write file");
        path
    }
}

fn truncate(s: &str) -> String {
    if s.len() > 3000 {
        format!("{}… ({} bytes)", &s[..s.floor_char_boundary(3000)], s.len())
    } else {
        s.to_string()
    }
}

/// The sample plans shipped with the repository (as the demo data).
pub fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("demo")
        .join(name)
}

pub const SAMPLE_000: &str = "000_448249757217ab33.txt";
pub const SAMPLE_002: &str = "002_0acedfc7f13a67a4.txt";
pub const SAMPLE_003: &str = "003_7622686e2fdd218b.txt";
pub const SAMPLE_001: &str = "001_4d6717adc43464d8.txt";

/// The demo council served on a database, with one editor signed in.
pub struct DemoCouncil {
    // Kept for as long as the council is used: the server stops when
    // dropped, and its data directory is the scratch's.
    _scratch: Scratch,
    _server: Server,
    pub editor: Browser,
}

impl DemoCouncil {
    /// Serves the demo on `database` (`databases`' arguments) and signs in
    /// an editor with `email` and `password`.
    pub async fn start(database: &[String], email: &str, password: &str) -> DemoCouncil {
        let scratch = Scratch::new();
        let db: Vec<&str> = database.iter().map(String::as_str).collect();
        let out = add_account(&scratch, &db, email, "editor", &[], password);
        assert!(out.status.success(), "cannot add the editor");
        let mut args = vec!["--demo"];
        args.extend(&db);
        let server = Server::start(&scratch, &args);
        let editor = Browser::sign_in(&server, email, password).await;
        DemoCouncil {
            _scratch: scratch,
            _server: server,
            editor,
        }
    }
}

/// A running `goldthread serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    /// What the server has written to stderr since it started listening.
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the server on a free port and waits until it says where it
    /// listens (it prints that only once the socket is bound).
    pub fn start(scratch: &Scratch, extra: &[&str]) -> Server {
        let database = database_args(extra);
        let added = add_account(
            scratch,
            &database,
            ADMIN_EMAIL,
            "admin",
            &[],
            ADMIN_PASSWORD,
        );
        assert!(added.status.success(), "cannot add the test administrator");
        Server::start_as_is(scratch, extra)
    }

    /// Starts the server without adding the test administrator.
    pub fn start_as_is(scratch: &Scratch, extra: &[&str]) -> Server {
        let mut child = scratch
            .command()
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn server");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = std::sync::mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("Goldthread is running at ") {
                    let url = rest
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .trim_end_matches('/')
                        .to_string();
                    let _ = tx.send(Ok(url));
                } else {
                    eprintln!("server: {line}");
                    if let Ok(mut kept) = kept.lock() {
                        kept.push(line.clone());
                    }
                    if line.starts_with("error:") {
                        let _ = tx.send(Err(line));
                    }
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = match rx.recv_timeout(deadline - Instant::now()) {
            Ok(Ok(url)) => url,
            Ok(Err(line)) => panic!("server failed to start: {line}"),
            Err(_) => {
                let _ = child.kill();
                panic!("server did not start within 60 s");
            }
        };
        Server { child, base, log }
    }

    /// Waits up to five seconds for a line of the server's log containing
    /// `text`, and returns it.
    pub fn log_line(&self, text: &str) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let found = self
                .log
                .lock()
                .ok()
                .and_then(|log| log.iter().find(|l| l.contains(text)).cloned());
            if found.is_some() || Instant::now() > deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Server {
    /// Sends `signal` (`TERM`, `KILL`) to the server.
    pub fn signal(&self, signal: &str) {
        let sent = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill -{signal}");
    }

    /// Waits up to `limit` for the server to exit, and says how it did.
    pub fn wait_for_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The administrator every test server has (added before it starts).
pub const ADMIN_EMAIL: &str = "admin@tests.goldthread.test";
pub const ADMIN_PASSWORD: &str = "river otter lantern 42";

/// The database flags among a server's flags (for `user add` beside it).
pub fn database_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut flags = extra.iter();
    while let Some(flag) = flags.next() {
        if matches!(*flag, "--database-url" | "--data-dir") {
            out.push(*flag);
            out.extend(flags.next());
        }
    }
    out
}

/// Adds an account with a password through the CLI, as an admin would.
pub fn add_account(
    scratch: &Scratch,
    database: &[&str],
    email: &str,
    role: &str,
    posts: &[&str],
    password: &str,
) -> Output {
    use std::io::Write;
    let mut cmd = scratch.command();
    cmd.args([
        "user",
        "add",
        email,
        "--name",
        &format!("Test {role}"),
        "--role",
        role,
        "--password-stdin",
    ])
    .args(database);
    for post in posts {
        cmd.args(["--post", post]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run goldthread user add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write password");
    let output = child.wait_with_output().expect("user add");
    eprintln!(
        "$ goldthread user add {email} --role {role}\nexit: {:?}\nstderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A signed-in visitor: a cookie jar, and the session's CSRF token, which
/// every form it posts carries.
pub struct Browser {
    pub http: reqwest::Client,
    pub csrf: String,
    base: String,
}

impl Browser {
    /// A visitor with a cookie jar who has not signed in.
    pub async fn anonymous(server: &Server) -> Browser {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let page = http
            .get(server.url("/sign-in"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        Browser {
            csrf: hidden(&page, "csrf_token"),
            http,
            base: server.base.clone(),
        }
    }

    /// Signs in through the sign-in form.
    pub async fn sign_in(server: &Server, email: &str, password: &str) -> Browser {
        let mut browser = Browser::anonymous(server).await;
        let (status, body, _) = browser
            .post(
                "/sign-in",
                &[("email", email), ("password", password), ("next", "/")],
            )
            .await;
        assert_eq!(status, 303, "sign-in as {email} failed: {body}");
        let page = browser.get("/account").await.1;
        browser.csrf = hidden(&page, "csrf_token");
        browser
    }

    /// The test administrator, signed in.
    pub async fn admin(server: &Server) -> Browser {
        Browser::sign_in(server, ADMIN_EMAIL, ADMIN_PASSWORD).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> (u16, String) {
        let response = self.http.get(self.url(path)).send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// Posts a form with the CSRF token added; status, body, Location.
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String, Option<String>) {
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        fields.push(("csrf_token", &self.csrf));
        let response = self
            .http
            .post(self.url(path))
            .form(&fields)
            .send()
            .await
            .unwrap();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        (
            response.status().as_u16(),
            response.text().await.unwrap(),
            location,
        )
    }

    /// The plans as the JSON API lists them (the items of its first page).
    pub async fn api_plans(&self) -> serde_json::Value {
        let page: serde_json::Value = self
            .http
            .get(self.url("/api/v1/plans?limit=1000"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        page["items"].clone()
    }

    /// Uploads a file to the import page (the token rides in the URL, as
    /// the page's own form sends it).
    pub async fn upload(&self, name: &str, bytes: Vec<u8>) -> reqwest::Response {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        self.http
            .post(self.url(&format!("/import?csrf_token={}", self.csrf)))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }
}

/// The value of the hidden (or any) input named `name`.
pub fn hidden(html: &str, name: &str) -> String {
    let re = Regex::new(&format!(r#"name="{name}" value="([^"]*)""#)).unwrap();
    re.captures(html)
        .unwrap_or_else(|| panic!("no field {name}"))[1]
        .to_string()
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub fn stdout_json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object: {e}"))
}

/// The id in the first link to `/{kind}/ID` whose text starts with `starts`.
pub fn link_id(html: &str, kind: &str, text_starts: &str) -> i64 {
    let re = Regex::new(&format!(
        r#"href="/{kind}/(\d+)[^"]*">{}"#,
        regex::escape(text_starts)
    ))
    .unwrap();
    re.captures(html)
        .unwrap_or_else(|| panic!("no link to {kind} starting {text_starts}"))[1]
        .parse()
        .unwrap()
}

/// The databases a story runs on: SQLite in the scratch directory, and
/// PostgreSQL in a fresh schema when `GOLDTHREAD_TEST_POSTGRES_URL` is set
/// (else it says, on stderr, that the PostgreSQL run was skipped).
pub async fn databases(test: &str) -> Vec<(&'static str, Vec<String>)> {
    let mut out = vec![("sqlite", Vec::new())];
    match std::env::var("GOLDTHREAD_TEST_POSTGRES_URL") {
        Ok(base) => {
            use sqlx::Connection;
            use std::hash::BuildHasher;
            let suffix = std::collections::hash_map::RandomState::new().hash_one(test) % 1_000_000;
            let schema = format!("gt_{test}_{}_{suffix}", std::process::id());
            let mut conn = sqlx::PgConnection::connect(&base)
                .await
                .expect("connect to GOLDTHREAD_TEST_POSTGRES_URL");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            )))
            .execute(&mut conn)
            .await
            .expect("create schema");
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
            out.push(("postgres", vec!["--database-url".to_string(), url]));
        }
        Err(_) => {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("skipped: {test} on postgres (GOLDTHREAD_TEST_POSTGRES_URL is not set)\n")
                    .as_bytes(),
            );
        }
    }
    out
}

/// The store a server runs on, opened beside it, to check what was written.
pub async fn open_store(scratch: &Scratch, database: &[String]) -> goldthread_storage::Store {
    match database {
        [flag, url] if flag == "--database-url" => goldthread_storage::Store::open(url).await,
        _ => {
            goldthread_storage::Store::open_data_dir(&scratch.path().join("goldthread-data")).await
        }
    }
    .expect("open the test database")
}

/// The text of a PDF as `pdftotext` reads it with `option` (`-layout`, or
/// `-raw` for the order the text was set in), or `None` (saying the check
/// was skipped) where poppler-utils is missing.
pub fn pdf_text(bytes: &[u8], option: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, bytes).unwrap();
    match std::process::Command::new("pdftotext")
        .args([option, path.to_str().unwrap(), "-"])
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        _ => {
            eprintln!(
                "skipped: reading the PDF back (pdftotext from poppler-utils is not installed)"
            );
            None
        }
    }
}

/// The XML of a Word document's body.
pub fn docx_xml(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip package");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("a document part")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The text of a Word document's body, tags dropped: a paragraph or a line
/// break a line.
pub fn docx_text(bytes: &[u8]) -> String {
    let xml = docx_xml(bytes);
    let breaks = Regex::new(r"</w:p>|<w:br[^>]*>")
        .unwrap()
        .replace_all(&xml, "\n");
    let text = Regex::new(r"<[^>]+>").unwrap().replace_all(&breaks, "");
    text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
}
