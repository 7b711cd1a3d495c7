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
