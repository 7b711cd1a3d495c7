use crate::util::*;

#[test]
fn version_and_help_are_there() {
    let s = Scratch::new();
    let out = s.run(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("goldthread {}", env!("CARGO_PKG_VERSION"))
    );
    for sub in [
        &["--help"][..],
        &["serve", "--help"],
        &["import", "--help"],
        &["backup", "--help"],
    ] {
        let out = s.run(sub);
        assert!(out.status.success(), "{sub:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage: goldthread"),
            "{sub:?}"
        );
    }
}

#[test]
fn errors_are_one_clear_line_and_exit_non_zero() {
    let s = Scratch::new();
    let out = s.run(&["import", "no-such-file.docx"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("error: cannot read no-such-file.docx"),
        "{stderr}"
    );

    let out = s.run(&["serve", "--database-url", "mysql://localhost/x"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unsupported database URL"));
}

#[test]
fn backup_copies_a_live_database() {
    let s = Scratch::new();
    assert!(
        s.run(&["import", sample(SAMPLE_000).to_str().unwrap()])
            .status
            .success()
    );
    let out = s.run(&["backup", "copy.sqlite"]);
    assert!(out.status.success());
    let copy = s.path().join("copy.sqlite");
    let header = std::fs::read(&copy).unwrap();
    assert!(header.starts_with(b"SQLite format 3\0"));
    // The copy is a working database holding the same plan.
    let out = s.run(&[
        "import",
        "--database-url",
        &format!("sqlite://{}", copy.display()),
        sample(SAMPLE_000).to_str().unwrap(),
    ]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("unchanged"),
        "the copy already holds the sample"
    );
    // A second backup to the same file is refused rather than overwriting.
    assert!(!s.run(&["backup", "copy.sqlite"]).status.success());
}

/// Rows in a table of the SQLite file at `path`.
async fn rows_in(path: &std::path::Path, table: &str) -> i64 {
    use sqlx::{Connection, Row};
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
    conn.close().await.unwrap();
    n
}

#[tokio::test]
async fn a_backup_taken_under_writes_restores_and_bad_backups_are_refused() {
    let s = Scratch::new();
    let server = Server::start(&s, &["--demo"]);
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
    let (_, tree) = web.get(&format!("/plans/{plan}")).await;
    let action = link_id(&tree, "actions", "KA.1 ");
    let live = s.path().join("goldthread-data").join("goldthread.sqlite");
    let updates_before = rows_in(&live, "progress_updates").await;

    // Officers keep recording progress while the backup is taken.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let web = Browser::admin(&server).await;
        tokio::spawn(async move {
            let mut written = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (_, page) = web.get(&format!("/actions/{action}")).await;
                let version = hidden(&page, "version");
                let commentary = format!("Update {written} during the backup");
                let (status, _, _) = web
                    .post(
                        &format!("/actions/{action}"),
                        &[
                            ("version", version.as_str()),
                            ("status", "on_track"),
                            ("as_at", "2017-09-30"),
                            ("commentary", commentary.as_str()),
                        ],
                    )
                    .await;
                assert_eq!(status, 303);
                written += 1;
            }
            written
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let scratch = s.path().to_path_buf();
    let backup = tokio::task::spawn_blocking(move || {
        std::process::Command::new(binary())
            .current_dir(&scratch)
            .args(["backup", "copy.sqlite"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.await.unwrap();
    let said = String::from_utf8_lossy(&backup.stderr).to_string();
    assert!(backup.status.success(), "{said}");
    assert!(said.contains("integrity check ok"), "{said}");
    let copy = s.path().join("copy.sqlite");
    let in_copy = rows_in(&copy, "progress_updates").await;
    let updates_after = rows_in(&live, "progress_updates").await;
    assert!(
        written > 2,
        "the writer wrote during the backup ({written})"
    );
    assert_eq!(updates_after, updates_before + written);
    assert!(
        updates_before < in_copy && in_copy < updates_after,
        "the copy is a moment during the writes: {updates_before} < {in_copy} < {updates_after}"
    );
    // Its history agrees with its records: one insert per update.
    let history_inserts = {
        use sqlx::{Connection, Row};
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", copy.display()))
            .await
            .unwrap();
        let n: i64 = sqlx::query(
            "SELECT COUNT(*) FROM history WHERE entity = 'progress_updates' AND operation = 'insert'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap()
        .get(0);
        n
    };
    assert_eq!(history_inserts, in_copy);

    // Not while the server runs.
    let refused = s.run(&["restore", "copy.sqlite"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("a Goldthread server is running"));
    drop(server);

    // A damaged file, a file that is not a database, and one from a newer
    // Goldthread are refused, and the database in place is untouched.
    let mut damaged = std::fs::read(&copy).unwrap();
    let middle = damaged.len() / 2;
    for byte in &mut damaged[middle..middle + 4096] {
        *byte = 0x5a;
    }
    s.write("damaged.sqlite", &damaged);
    s.write("notes.sqlite", b"minutes of the meeting");
    std::fs::copy(&copy, s.path().join("newer.sqlite")).unwrap();
    {
        use sqlx::Connection;
        let path = s.path().join("newer.sqlite");
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', '2030-01-01')")
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
    for (file, says) in [
        ("damaged.sqlite", "damaged"),
        ("notes.sqlite", "not a database"),
        ("newer.sqlite", "newer Goldthread"),
        ("missing.sqlite", "cannot read it"),
    ] {
        let out = s.run(&["restore", file]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!out.status.success(), "{file} was restored");
        assert!(stderr.contains(says), "{file}: {stderr}");
        assert_eq!(
            rows_in(&live, "progress_updates").await,
            updates_after,
            "{file}"
        );
    }

    // The good copy restores; what was in place is kept aside.
    let out = s.run(&["restore", "copy.sqlite"]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("integrity check ok") && stderr.contains("kept at"),
        "{stderr}"
    );
    assert_eq!(rows_in(&live, "progress_updates").await, in_copy);
    let aside: Vec<_> = std::fs::read_dir(s.path().join("goldthread-data"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| {
            n.starts_with("goldthread.sqlite.before-restore-")
                && !n.ends_with("-wal")
                && !n.ends_with("-shm")
        })
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    assert_eq!(
        rows_in(
            &s.path().join("goldthread-data").join(&aside[0]),
            "progress_updates"
        )
        .await,
        updates_after
    );
    // And a server starts on it.
    let server = Server::start_as_is(&s, &[]);
    let health = client().get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

#[test]
fn user_add_refuses_a_password_of_spaces_and_says_why() {
    let s = Scratch::new();
    for password in ["            ", "1221 2112 1221"] {
        let out = add_account(
            &s,
            &[],
            "spaces@tests.goldthread.test",
            "viewer",
            &[],
            password,
        );
        assert!(!out.status.success(), "{password:?} was accepted");
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("Password must use at least 5 different characters, not counting spaces"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = add_account(
        &s,
        &[],
        "spaces@tests.goldthread.test",
        "viewer",
        &[],
        "river otter lantern",
    );
    assert!(out.status.success());
}
