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

/// A running `goldthread serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts the server on a free port and waits until it says where it
    /// listens (it prints that only once the socket is bound).
    pub fn start(scratch: &Scratch, extra: &[&str]) -> Server {
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
        Server { child, base }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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
