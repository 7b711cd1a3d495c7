//! Durability: a server killed with SIGKILL in the middle of many
//! concurrent writes (progress on eight actions, values on three
//! indicators) loses nothing it acknowledged, and leaves nothing
//! half-written: every update and value has its history row, on both
//! databases.

use crate::util::*;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const WRITERS: usize = 8;
const VALUE_WRITERS: usize = 3;

#[tokio::test]
async fn a_kill_during_concurrent_writes_loses_nothing_acknowledged() {
    for (backend, database) in databases("kill_writes").await {
        let s = Scratch::new();
        let mut args: Vec<&str> = database.iter().map(String::as_str).collect();
        args.push("--demo");
        let server = Server::start(&s, &args);
        let web = Browser::admin(&server).await;
        let plans = web.api_plans().await;
        let plan = plans
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["title"].as_str().unwrap().contains("2017/18") && p["kind"] == "service")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let page: serde_json::Value = web
            .http
            .get(web.url(&format!("/api/v1/actions?plan={plan}&limit={WRITERS}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let actions: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        assert_eq!(actions.len(), WRITERS);

        // Each writer updates its own action as fast as it can, keeping
        // the commentary of every update the server acknowledged.
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for (n, action) in actions.iter().copied().enumerate() {
            let stop = stop.clone();
            let web = Browser::admin(&server).await;
            writers.push(tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let Ok(page) = web
                        .http
                        .get(web.url(&format!("/actions/{action}")))
                        .send()
                        .await
                    else {
                        break;
                    };
                    let Ok(page) = page.text().await else { break };
                    let version = hidden(&page, "version");
                    let commentary = format!("writer {n} update {i}");
                    let mut form = vec![
                        ("version", version.as_str()),
                        ("status", "on_track"),
                        ("as_at", "2017-09-30"),
                        ("commentary", commentary.as_str()),
                    ];
                    form.push(("csrf_token", &web.csrf));
                    match web
                        .http
                        .post(web.url(&format!("/actions/{action}")))
                        .form(&form)
                        .send()
                        .await
                    {
                        Ok(r) if r.status() == 303 => acknowledged.push(commentary),
                        Ok(r) => panic!("writer {n}: {}", r.status()),
                        Err(_) => break, // the server is gone: not acknowledged
                    }
                    i += 1;
                }
                (action, acknowledged)
            }));
        }
        // Officers recording indicator values beside them, each on an
        // indicator of their own, keeping every value acknowledged.
        let page: serde_json::Value = web
            .http
            .get(web.url(&format!(
                "/api/v1/indicators?plan={plan}&limit={VALUE_WRITERS}"
            )))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let indicators: Vec<i64> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect();
        assert_eq!(indicators.len(), VALUE_WRITERS);
        let mut value_writers = Vec::new();
        for (n, indicator) in indicators.iter().copied().enumerate() {
            let stop = stop.clone();
            let web = Browser::admin(&server).await;
            value_writers.push(tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let Ok(page) = web
                        .http
                        .get(web.url(&format!("/indicators/{indicator}")))
                        .send()
                        .await
                    else {
                        break;
                    };
                    let Ok(page) = page.text().await else { break };
                    // The period select's chosen option, else its first.
                    let select = &page[page.find(r#"name="period""#).expect("a period select")..];
                    let select = &select[..select.find("</select>").unwrap_or(select.len())];
                    let option = |re: &str| {
                        regex::Regex::new(re)
                            .unwrap()
                            .captures(select)
                            .map(|c| c[1].to_string())
                    };
                    let period = option(r#"<option value="([^"]+)" selected>"#)
                        .or_else(|| option(r#"<option value="([^"]+)""#))
                        .expect("a period to record")
                        .replace("&#x2f;", "/"); // "2017/18 Q2" as the page escapes it
                    let seen = hidden(&page, "seen").replace("&#x2f;", "/");
                    // Each a different figure of seven digits, so no one is
                    // found inside another: 71 then five digits for writer 0.
                    let value = format!("{}{i:05}", 71 + n);
                    let form = [
                        ("period", period.as_str()),
                        ("value", value.as_str()),
                        ("note", "written under load"),
                        ("seen", seen.as_str()),
                        ("csrf_token", web.csrf.as_str()),
                    ];
                    match web
                        .http
                        .post(web.url(&format!("/indicators/{indicator}")))
                        .form(&form)
                        .send()
                        .await
                    {
                        Ok(r) if r.status() == 303 => acknowledged.push(value),
                        Ok(r) => {
                            let status = r.status();
                            let body = r.text().await.unwrap_or_default();
                            let errors: Vec<&str> = body
                                .lines()
                                .filter(|l| {
                                    l.contains("govuk-error-message")
                                        || l.contains("error-summary__list")
                                })
                                .collect();
                            panic!("value writer {n}: {status}: {errors:?}");
                        }
                        Err(_) => break,
                    }
                    i += 1;
                }
                (indicator, acknowledged)
            }));
        }

        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        server.signal("KILL");
        stop.store(true, Ordering::Relaxed);
        let mut acknowledged = Vec::new();
        for writer in writers {
            acknowledged.push(writer.await.unwrap());
        }
        let mut values_acknowledged = Vec::new();
        for writer in value_writers {
            values_acknowledged.push(writer.await.unwrap());
        }
        drop(server);
        let total: usize = acknowledged.iter().map(|(_, a)| a.len()).sum();
        assert!(total >= WRITERS, "{backend}: the writers wrote ({total})");

        // Restarted, every acknowledged update is there.
        let server = Server::start_as_is(&s, &args[..args.len() - 1]);
        let web = Browser::admin(&server).await;
        for (action, written) in &acknowledged {
            let updates: serde_json::Value = web
                .http
                .get(web.url(&format!("/api/v1/updates?action={action}&limit=1000")))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let stored: BTreeSet<&str> = updates["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["commentary"].as_str().unwrap())
                .collect();
            for commentary in written {
                assert!(
                    stored.contains(commentary.as_str()),
                    "{backend}: '{commentary}' was acknowledged, then lost"
                );
            }
        }
        // Nothing half there: each update has the history row written with it.
        let updates = count(&s, &database, "SELECT COUNT(*) FROM progress_updates").await;
        let inserts = count(
            &s,
            &database,
            "SELECT COUNT(*) FROM history WHERE entity = 'progress_updates' AND operation = 'insert'",
        )
        .await;
        assert_eq!(updates, inserts, "{backend}: every update has its history");

        // Every value acknowledged is in its indicator's history (a later
        // one may have replaced it as the value), and the value stored is
        // the last acknowledged or one written after it.
        let mut values_total = 0;
        for (indicator, written) in &values_acknowledged {
            values_total += written.len();
            let history = web.get(&format!("/indicators/{indicator}/history")).await.1;
            let (status, page) = web.get(&format!("/indicators/{indicator}")).await;
            assert_eq!(status, 200);
            for value in written {
                assert!(
                    history.contains(value.as_str()) || page.contains(value.as_str()),
                    "{backend}: value {value} of indicator {indicator} was acknowledged, then lost"
                );
            }
        }
        assert!(
            values_total >= VALUE_WRITERS,
            "{backend}: the value writers wrote ({values_total})"
        );
        let values = count(&s, &database, "SELECT COUNT(*) FROM measurements").await;
        let value_rows = count(
            &s,
            &database,
            "SELECT COUNT(DISTINCT entity_id) FROM history WHERE entity = 'measurements'",
        )
        .await;
        assert_eq!(values, value_rows, "{backend}: every value has its history");
        eprintln!(
            "{backend}: {total} updates and {values_total} values acknowledged before the kill, all kept"
        );
    }
}

/// One number from the server's database, read beside it.
async fn count(s: &Scratch, database: &[String], sql: &'static str) -> i64 {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let url = match database {
        [_, url] => url.clone(),
        _ => format!(
            "sqlite://{}",
            s.path()
                .join("goldthread-data")
                .join("goldthread.sqlite")
                .display()
        ),
    };
    let mut conn = sqlx::AnyConnection::connect(&url).await.unwrap();
    let n: i64 = sqlx::query(sql).fetch_one(&mut conn).await.unwrap().get(0);
    conn.close().await.unwrap();
    n
}

/// A large plan: sample 002's text again and again, its action codes
/// renumbered so each copy's actions are new ones.
fn large_plan(copies: usize) -> String {
    let text = std::fs::read_to_string(sample(SAMPLE_002)).unwrap();
    let code = regex::Regex::new(r"(?m)^KA\.(\d+)").unwrap();
    let mut n = 0;
    let mut out = String::new();
    for _ in 0..copies {
        out.push_str(&code.replace_all(&text, |_: &regex::Captures| {
            n += 1;
            format!("KA.{n}")
        }));
        out.push('\n');
    }
    out
}

/// An import killed while it writes leaves the database as it was: the
/// kill comes once the write-ahead log starts to grow (the import's
/// transaction is under way), and afterwards the database is whole and
/// holds what it held before.
#[test]
fn an_import_killed_while_it_writes_leaves_the_database_as_it_was() {
    let s = Scratch::new();
    assert!(
        s.run(&["import", sample(SAMPLE_000).to_str().unwrap()])
            .status
            .success()
    );
    let plans_before = s.run(&["export"]).stdout;
    let data = s.path().join("goldthread-data");
    let wal = data.join("goldthread.sqlite-wal");
    let wal_size = || std::fs::metadata(&wal).map_or(0, |m| m.len());
    let big = s.write("large plan.txt", large_plan(40).as_bytes());
    let start_size = wal_size();
    let mut import = s
        .command()
        .args(["import", big.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let mut killed_mid_write = false;
    while started.elapsed() < std::time::Duration::from_secs(120) {
        if import.try_wait().unwrap().is_some() {
            break;
        }
        if wal_size() > start_size + 64 * 1024 {
            import.kill().unwrap();
            killed_mid_write = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let _ = import.wait();
    assert!(
        killed_mid_write,
        "the import finished before it could be killed"
    );
    // Reopened: whole, and as it was.
    let check = s.run(&["backup", "after-kill.sqlite"]);
    assert!(
        String::from_utf8_lossy(&check.stderr).contains("integrity check ok"),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_eq!(
        s.run(&["export"]).stdout,
        plans_before,
        "the killed import left nothing behind"
    );
}
