//! Just enough of the W3C WebDriver protocol to drive chromedriver from
//! the tests: a session, navigation, scripts, elements, keys. A thin layer
//! over reqwest (already a test dependency) rather than a client crate
//! that would bring a TLS stack for a loopback-only driver.

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Driver {
    process: Child,
    base: String,
    http: reqwest::Client,
    _profile: tempfile::TempDir,
}

pub struct Session<'a> {
    driver: &'a Driver,
    id: String,
}

/// The tools the browser tests need, or why they cannot run here.
pub fn tools() -> Result<(String, String, String), String> {
    let find = |names: &[&str]| {
        names
            .iter()
            .map(std::path::Path::new)
            .find(|p| p.exists())
            .map(|p| p.display().to_string())
    };
    let chromium = find(&["/usr/bin/chromium", "/usr/bin/chromium-browser"])
        .ok_or("chromium is not installed")?;
    let chromedriver = find(&["/usr/bin/chromedriver"]).ok_or("chromedriver is not installed")?;
    let axe = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests-browser/node_modules/axe-core/axe.min.js"
    );
    if !std::path::Path::new(axe).exists() {
        return Err("axe-core is not installed (run .ci/install-browser-test-tools)".into());
    }
    Ok((chromium, chromedriver, axe.to_string()))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Driver {
    pub async fn start(chromedriver: &str) -> Driver {
        let port = free_port();
        let process = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Driver {
            process,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            _profile: tempfile::tempdir().expect("profile dir"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(r) = driver
                .http
                .get(format!("{}/status", driver.base))
                .send()
                .await
                && let Ok(v) = r.json::<Value>().await
                && v["value"]["ready"] == true
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }

    pub async fn session(&self, chromium: &str) -> Session<'_> {
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1280,1000", format!("--user-data-dir={}", self._profile.path().display())]
        }}}});
        let v = self.call("POST", "/session", Some(caps)).await;
        Session {
            driver: self,
            id: v["sessionId"].as_str().expect("session id").to_string(),
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            "DELETE" => self.http.delete(url),
            _ => self.http.post(url).json(&body.unwrap_or_else(|| json!({}))),
        };
        let v: Value = request
            .send()
            .await
            .expect("webdriver call")
            .json()
            .await
            .expect("webdriver json");
        if v["value"].get("error").is_some() {
            panic!("webdriver {method} {path} failed: {}", v["value"]);
        }
        v["value"].clone()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Session<'_> {
    fn path(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.id)
    }

    pub async fn goto(&self, url: &str) {
        self.driver
            .call("POST", &self.path("/url"), Some(json!({"url": url})))
            .await;
    }

    pub async fn source(&self) -> String {
        self.driver
            .call("GET", &self.path("/source"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn current_url(&self) -> String {
        self.driver
            .call("GET", &self.path("/url"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub async fn execute(&self, script: &str, args: Value) -> Value {
        self.driver
            .call(
                "POST",
                &self.path("/execute/sync"),
                Some(json!({"script": script, "args": args})),
            )
            .await
    }

    pub async fn execute_async(&self, script: &str, args: Value) -> Value {
        self.driver
            .call(
                "POST",
                &self.path("/execute/async"),
                Some(json!({"script": script, "args": args})),
            )
            .await
    }

    pub async fn find(&self, css: &str) -> String {
        let v = self
            .driver
            .call(
                "POST",
                &self.path("/element"),
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("element id")
            .to_string()
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css).await;
        self.driver
            .call(
                "POST",
                &self.path(&format!("/element/{element}/value")),
                Some(json!({"text": text})),
            )
            .await;
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.driver
            .call(
                "POST",
                &self.path(&format!("/element/{element}/click")),
                None,
            )
            .await;
    }

    /// Presses keys on the page as a keyboard user would.
    pub async fn keys(&self, keys: &str) {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|c| {
                [
                    json!({"type": "keyDown", "value": c.to_string()}),
                    json!({"type": "keyUp", "value": c.to_string()}),
                ]
            })
            .collect();
        self.driver
            .call(
                "POST",
                &self.path("/actions"),
                Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
            )
            .await;
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        // The driver process is killed with the Driver; nothing to await here.
    }
}
