//! The storage conformance suite: the same story runs against every
//! backend. SQLite always; PostgreSQL when GOLDTHREAD_TEST_POSTGRES_URL is
//! set (each test gets its own schema), otherwise it says it was skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use chrono::NaiveDate;
use goldthread_domain::{
    Action, ActionStatus, DateContext, FinancialYear, FuzzyDate, Indicator, LeadOfficer,
    Measurement, Milestone, NodeLevel, Period, PlanDocument, PlanDraft, PlanKind, PlanPeriod,
    ProgressUpdate, Quarter, Review, Target, ThreadNode,
};
use goldthread_storage::{
    ImportOptions, ImportStatus, NewMeasurement, NewProgress, SourceMeta, Store, StoreError,
};
use sqlx::{AnyPool, Row};

struct Backend {
    name: &'static str,
    url: String,
    _dir: Option<tempfile::TempDir>,
}

async fn backends(test: &str) -> Vec<Backend> {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut list = vec![Backend {
        name: "sqlite",
        url: goldthread_storage::sqlite_url(&dir.path().join("test.sqlite")),
        _dir: Some(dir),
    }];
    match std::env::var("GOLDTHREAD_TEST_POSTGRES_URL") {
        Ok(base) if !base.is_empty() => {
            let schema = format!("gt_{}_{}_{}", test, std::process::id(), rand_suffix());
            sqlx::any::install_default_drivers();
            let admin = AnyPool::connect(&base)
                .await
                .expect("connect to GOLDTHREAD_TEST_POSTGRES_URL");
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE"
            )))
            .execute(&admin)
            .await
            .expect("drop schema");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&admin)
                .await
                .expect("create schema");
            admin.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            list.push(Backend {
                name: "postgres",
                url: format!("{base}{sep}options=-c%20search_path%3D{schema}"),
                _dir: None,
            });
        }
        _ => {
            // Straight to stderr: the test harness hides print output of passing tests.
            let line =
                format!("skipped: {test} on postgres (GOLDTHREAD_TEST_POSTGRES_URL is not set)\n");
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
        }
    }
    list
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() % 1_000_000_007)
        .unwrap_or(0)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn sample_document() -> PlanDocument {
    let fy: FinancialYear = "2017/18".parse().unwrap();
    let mut plan = PlanDraft::new("Service plans 2017/18", PlanKind::Service);
    plan.period = Some(PlanPeriod::single(fy));
    plan.nodes.push(ThreadNode {
        level: NodeLevel::Priority,
        label: "Corporate Priority".into(),
        title: "Improve the health and wellbeing of our communities".into(),
        strapline: None,
        code: None,
        parent: None,
        provenance: None,
    });
    plan.nodes.push(ThreadNode {
        level: NodeLevel::Outcome,
        label: "Outcome".into(),
        title: "Residents living active and healthy lives".into(),
        strapline: None,
        code: None,
        parent: Some(0),
        provenance: None,
    });
    plan.indicators.push(Indicator {
        code: Some("MEHPI 132".parse().unwrap()),
        title: "% of full applications for DFG approved within 7 weeks".into(),
        nodes: vec![1],
        ..Indicator::default()
    });
    let due = FuzzyDate::parse("September 2017", DateContext::default());
    plan.actions.push(Action {
        code: Some("KA.1".into()),
        title: "Set up a shared service Home Improvement Agency (HIA)".into(),
        lead_officers: vec![LeadOfficer {
            name: "Head of Housing and Health".into(),
            joint: false,
        }],
        due: Some(due.clone()),
        milestones: vec![Milestone {
            title: "Commence HIA in shadow form".into(),
            due: Some(due),
            completed: None,
            provenance: None,
        }],
        updates: vec![ProgressUpdate {
            as_at: day(2017, 6, 30),
            status: ActionStatus::OnTrack,
            percent_complete: Some(20),
            commentary: "Shadow form agreed".into(),
            author: None,
        }],
        nodes: vec![1],
        indicators: vec![0],
        ..Action::default()
    });
    plan.actions.push(Action {
        code: Some("KA.2".into()),
        title: "Register of land drainage assets".into(),
        nodes: vec![1],
        ..Action::default()
    });
    PlanDocument {
        plans: vec![plan],
        findings: vec![],
    }
}

/// Imports a document as the tester, without replacing: the common case.
async fn import(store: &Store, tag: &str, doc: &PlanDocument) -> goldthread_storage::ImportOutcome {
    store
        .import_document(&meta(tag), doc, &who("tester"), ImportOptions::default())
        .await
        .unwrap()
}

fn meta(sha: &str) -> SourceMeta {
    SourceMeta {
        file_name: "plan.txt".into(),
        format: "text".into(),
        sha256: sha.into(),
        size_bytes: 10,
    }
}

async fn raw_pool(url: &str) -> AnyPool {
    sqlx::any::install_default_drivers();
    AnyPool::connect(url).await.unwrap()
}

#[tokio::test]
async fn migrations_apply_once_and_reopen_cleanly() {
    for b in backends("migrate").await {
        let store = Store::open(&b.url).await.unwrap();
        store.close().await;
        let store = Store::open(&b.url)
            .await
            .unwrap_or_else(|e| panic!("{}: reopen failed: {e}", b.name));
        let pool = raw_pool(&b.url).await;
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM schema_migrations")
            .fetch_one(&pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(
            n as usize,
            goldthread_storage::migrations::MIGRATIONS.len(),
            "{}",
            b.name
        );
        assert_eq!(store.list_plans().await.unwrap(), vec![], "{}", b.name);
    }
}

#[tokio::test]
async fn import_stores_the_whole_thread_and_counts_it() {
    for b in backends("import").await {
        let store = Store::open(&b.url).await.unwrap();
        let outcome = import(&store, "aa", &sample_document()).await;
        assert_eq!(outcome.status, ImportStatus::Created, "{}", b.name);
        let plans = store.list_plans().await.unwrap();
        assert_eq!(plans.len(), 1, "{}", b.name);
        assert_eq!(
            (plans[0].actions, plans[0].indicators),
            (2, 1),
            "{}",
            b.name
        );
        assert_eq!(plans[0].title, "Service plans 2017/18");
        assert_eq!(plans[0].period_from.as_deref(), Some("2017/18"));
        assert_eq!(store.count("milestones").await.unwrap(), 1);
        assert_eq!(store.count("progress_updates").await.unwrap(), 1);
        assert_eq!(store.count("action_nodes").await.unwrap(), 2);
        assert_eq!(
            store.count("indicator_links").await.unwrap(),
            2,
            "{}: outcome link and action link",
            b.name
        );
        let actions = store.plan_actions(plans[0].id).await.unwrap();
        assert_eq!(actions[0].code.as_deref(), Some("KA.1"));
        assert_eq!(actions[0].due_text.as_deref(), Some("September 2017"));
    }
}

#[tokio::test]
async fn the_same_file_twice_is_unchanged_and_not_duplicated() {
    for b in backends("reimport").await {
        let store = Store::open(&b.url).await.unwrap();
        let first = import(&store, "same", &sample_document()).await;
        let second = import(&store, "same", &sample_document()).await;
        assert_eq!(second.status, ImportStatus::Unchanged, "{}", b.name);
        assert_eq!(second.plan_ids, first.plan_ids);
        assert_eq!(store.list_plans().await.unwrap().len(), 1, "{}", b.name);
    }
}

fn replace() -> ImportOptions {
    ImportOptions { replace: true }
}

/// The id of the indicator with this code, straight from the table.
async fn indicator_id(url: &str, code: &str) -> i64 {
    let pool = raw_pool(url).await;
    let id = sqlx::query("SELECT id FROM indicators WHERE code = $1")
        .bind(code)
        .fetch_one(&pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap();
    pool.close().await;
    id
}

/// (code, id) of a plan's actions.
async fn action_ids(store: &Store, plan_id: i64) -> Vec<(String, i64)> {
    store
        .plan_actions(plan_id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.code.unwrap_or_default(), a.id))
        .collect()
}

#[tokio::test]
async fn a_changing_reimport_without_replace_stores_nothing_and_says_what_would_change() {
    for b in backends("confirm").await {
        let store = Store::open(&b.url).await.unwrap();
        import(&store, "v1", &sample_document()).await;
        let history = store.count("history").await.unwrap();
        let mut v2 = sample_document();
        v2.plans[0].actions.pop();
        v2.plans[0].actions[0].lead_officers[0].name = "Director of Housing".into();
        let outcome = import(&store, "v2", &v2).await;
        assert_eq!(
            outcome.status,
            ImportStatus::NeedsConfirmation,
            "{}",
            b.name
        );
        let diff = &outcome.plans[0];
        assert_eq!(diff.status, goldthread_domain::PlanChange::Changed);
        assert_eq!(
            diff.removed
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>(),
            vec!["action KA.2 'Register of land drainage assets'"],
            "{}",
            b.name
        );
        assert_eq!(diff.changed[0].fields, vec!["lead_officers"], "{}", b.name);
        assert_eq!(
            store.count("history").await.unwrap(),
            history,
            "{}: nothing written",
            b.name
        );
        assert_eq!(store.count("actions").await.unwrap(), 2, "{}", b.name);
        assert_eq!(
            store.count("source_documents").await.unwrap(),
            1,
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_replacing_reimport_keeps_plan_action_and_indicator_ids() {
    for b in backends("keepids").await {
        let store = Store::open(&b.url).await.unwrap();
        let first = import(&store, "v1", &sample_document()).await;
        let plan_id = first.plan_ids[0];
        let before = action_ids(&store, plan_id).await;
        let indicator = indicator_id(&b.url, "MEHPI 132").await;

        let mut v2 = sample_document();
        v2.plans[0].actions[0].title = "Set up a shared Home Improvement Agency".into();
        v2.plans[0].indicators[0].title = "% of DFG applications approved in 7 weeks".into();
        v2.plans[0].actions.push(goldthread_domain::Action {
            code: Some("KA.3".into()),
            title: "A new action".into(),
            nodes: vec![0],
            ..Default::default()
        });
        let outcome = store
            .import_document(&meta("v2"), &v2, &who("tester"), replace())
            .await
            .unwrap();
        assert_eq!(outcome.status, ImportStatus::Updated, "{}", b.name);
        assert_eq!(outcome.plan_ids, vec![plan_id], "{}", b.name);
        assert_eq!(store.list_plans().await.unwrap().len(), 1, "{}", b.name);
        let after = action_ids(&store, plan_id).await;
        assert_eq!(
            &after[..2],
            &before[..],
            "{}: matched actions keep their ids",
            b.name
        );
        assert_eq!(after[2].0, "KA.3", "{}", b.name);
        assert_eq!(
            indicator_id(&b.url, "MEHPI 132").await,
            indicator,
            "{}",
            b.name
        );
        let exported = store.export_document(&[plan_id]).await.unwrap();
        assert_eq!(
            exported.plans[0].actions[0].title, "Set up a shared Home Improvement Agency",
            "{}",
            b.name
        );
        // The update went through write.rs: the history has before and after.
        let history = store.history_of("actions", before[0].1).await.unwrap();
        let last = history.last().unwrap();
        assert_eq!(last.operation, "update", "{}", b.name);
        assert_eq!(
            last.before.as_ref().unwrap()["title"],
            "Set up a shared service Home Improvement Agency (HIA)"
        );
        // The same file again is now unchanged.
        let again = import(&store, "v2", &v2).await;
        assert_eq!(again.status, ImportStatus::Unchanged, "{}", b.name);
    }
}

#[tokio::test]
async fn recorded_progress_and_values_survive_a_reimport_that_lacks_them() {
    for b in backends("survive").await {
        let store = Store::open(&b.url).await.unwrap();
        let first = import(&store, "v1", &sample_document()).await;
        let plan_id = first.plan_ids[0];
        let actions = store.plan_actions(plan_id).await.unwrap();
        for action in &actions {
            store
                .record_progress(
                    action.id,
                    action.version,
                    &progress("Recorded"),
                    &who("officer"),
                    Review::Approved,
                )
                .await
                .unwrap();
        }
        let indicator = indicator_id(&b.url, "MEHPI 132").await;
        let fy: FinancialYear = "2017/18".parse().unwrap();
        store
            .record_measurement(
                indicator,
                &NewMeasurement {
                    period: Period::Quarter(fy, Quarter::Q1),
                    value: Some(81.0),
                    text: None,
                    note: None,
                },
                None,
                &who("officer"),
                Review::Approved,
            )
            .await
            .unwrap();

        // A version without KA.2, without KA.1's progress and without the
        // indicator's value.
        let mut v2 = sample_document();
        v2.plans[0].actions.pop();
        v2.plans[0].actions[0].updates.clear();
        let outcome = store
            .import_document(&meta("v2"), &v2, &who("tester"), replace())
            .await
            .unwrap();
        assert_eq!(outcome.status, ImportStatus::Updated, "{}", b.name);
        let diff = &outcome.plans[0];
        assert!(diff.removed.is_empty(), "{}: {diff:?}", b.name);
        assert_eq!(
            diff.unmatched
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>(),
            vec!["action KA.2 'Register of land drainage assets'"],
            "{}: KA.2 has recorded progress, so it is kept",
            b.name
        );
        let exported = store.export_document(&[plan_id]).await.unwrap();
        let plan = &exported.plans[0];
        assert_eq!(plan.actions.len(), 2, "{}", b.name);
        assert_eq!(
            plan.actions[0].updates.len(),
            2,
            "{}: the imported update and the recorded one",
            b.name
        );
        assert_eq!(plan.actions[1].updates.len(), 1, "{}", b.name);
        assert_eq!(
            plan.actions[1].nodes,
            vec![1],
            "{}: the kept action keeps its objective",
            b.name
        );
        assert_eq!(plan.indicators[0].measurements.len(), 1, "{}", b.name);
        assert_eq!(plan.indicators[0].measurements[0].value, Some(81.0));
        assert_eq!(
            action_ids(&store, plan_id).await,
            action_ids_of(&actions),
            "{}",
            b.name
        );
        // The original file again: it gives nothing the store lacks.
        let again = import(&store, "v1", &sample_document()).await;
        assert_eq!(
            again.status,
            ImportStatus::Unchanged,
            "{}: {:?}",
            b.name,
            again.plans
        );
    }
}

fn action_ids_of(actions: &[goldthread_storage::ActionRow]) -> Vec<(String, i64)> {
    actions
        .iter()
        .map(|a| (a.code.clone().unwrap_or_default(), a.id))
        .collect()
}

#[tokio::test]
async fn an_item_missing_from_the_file_with_nothing_recorded_is_removed_and_stays_in_history() {
    for b in backends("remove").await {
        let store = Store::open(&b.url).await.unwrap();
        let first = import(&store, "v1", &sample_document()).await;
        let plan_id = first.plan_ids[0];
        let ka2 = action_ids(&store, plan_id).await[1].1;
        let mut v2 = sample_document();
        v2.plans[0].actions.pop();
        let outcome = store
            .import_document(&meta("v2"), &v2, &who("tester"), replace())
            .await
            .unwrap();
        assert_eq!(outcome.status, ImportStatus::Updated, "{}", b.name);
        assert_eq!(outcome.plans[0].removed.len(), 1, "{}", b.name);
        assert_eq!(
            store.plan_actions(plan_id).await.unwrap().len(),
            1,
            "{}",
            b.name
        );
        let history = store.history_of("actions", ka2).await.unwrap();
        assert_eq!(history.last().unwrap().operation, "delete", "{}", b.name);
        assert_eq!(
            history.last().unwrap().before.as_ref().unwrap()["title"],
            "Register of land drainage assets"
        );
        // Importing the original file again is not "unchanged" (the bytes
        // were seen before, the content is not what is stored): it would
        // add KA.2 back, and with replace does.
        let again = import(&store, "v1", &sample_document()).await;
        assert_eq!(again.status, ImportStatus::NeedsConfirmation, "{}", b.name);
        assert_eq!(again.plans[0].added.len(), 1, "{}", b.name);
        let restored = store
            .import_document(&meta("v1"), &sample_document(), &who("tester"), replace())
            .await
            .unwrap();
        assert_eq!(restored.status, ImportStatus::Updated, "{}", b.name);
        assert_eq!(restored.plan_ids, vec![plan_id], "{}", b.name);
        assert_eq!(
            store.plan_actions(plan_id).await.unwrap().len(),
            2,
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn unchanged_is_reported_only_when_the_content_is_equal() {
    for b in backends("unchanged").await {
        let store = Store::open(&b.url).await.unwrap();
        import(&store, "a", &sample_document()).await;
        // Other bytes, same content: unchanged, nothing written.
        let history = store.count("history").await.unwrap();
        let same = import(&store, "b", &sample_document()).await;
        assert_eq!(same.status, ImportStatus::Unchanged, "{}", b.name);
        assert_eq!(store.count("history").await.unwrap(), history, "{}", b.name);
        // One milestone differs: not unchanged.
        let mut v2 = sample_document();
        v2.plans[0].actions[0].milestones[0].title = "Commence HIA in full".into();
        let changed = import(&store, "c", &v2).await;
        assert_eq!(
            changed.status,
            ImportStatus::NeedsConfirmation,
            "{}",
            b.name
        );
        assert_eq!(
            changed.plans[0].changed[0].fields,
            vec!["milestones"],
            "{}",
            b.name
        );
        let diffs = store.diff_document(&v2).await.unwrap();
        assert_eq!(
            diffs, changed.plans,
            "{}: the preview sees the same",
            b.name
        );
    }
}

#[tokio::test]
async fn empty_plans_are_never_stored_and_an_empty_document_is_refused() {
    for b in backends("empty").await {
        let store = Store::open(&b.url).await.unwrap();
        let empty = PlanDocument {
            plans: vec![PlanDraft::new("Nothing here", PlanKind::Service)],
            findings: vec![],
        };
        let refused = store
            .import_document(&meta("e"), &empty, &who("tester"), replace())
            .await
            .unwrap();
        assert_eq!(refused.status, ImportStatus::Refused, "{}", b.name);
        assert!(
            refused.reason.unwrap().starts_with(
                "plan.txt: nothing was recognised in this document: no actions or indicators"
            ),
            "{}",
            b.name
        );
        assert_eq!(store.count("plans").await.unwrap(), 0, "{}", b.name);
        assert_eq!(store.count("history").await.unwrap(), 0, "{}", b.name);
        let mut doc = sample_document();
        doc.plans
            .push(PlanDraft::new("Nothing here", PlanKind::Service));
        let stored = import(&store, "f", &doc).await;
        assert_eq!(stored.status, ImportStatus::Created, "{}", b.name);
        assert_eq!(stored.plan_ids.len(), 1, "{}", b.name);
        assert_eq!(store.count("plans").await.unwrap(), 1, "{}", b.name);
    }
}

/// A store holding the sample document, and its first action (KA.1).
async fn store_with_first_action(b: &Backend, sha: &str) -> (Store, goldthread_storage::ActionRow) {
    let store = Store::open(&b.url).await.unwrap();
    let outcome = import(&store, sha, &sample_document()).await;
    let action = store.plan_actions(outcome.plan_ids[0]).await.unwrap()[0].clone();
    (store, action)
}

fn progress(commentary: &str) -> NewProgress {
    NewProgress {
        as_at: day(2017, 9, 30),
        status: ActionStatus::AtRisk,
        percent_complete: Some(40),
        commentary: commentary.into(),
        revised_due: None,
    }
}

#[tokio::test]
async fn a_stale_version_is_refused_with_a_conflict_naming_who_changed_it() {
    for b in backends("conflict").await {
        let (store, action) = store_with_first_action(&b, "c").await;
        store
            .record_progress(
                action.id,
                action.version,
                &progress("first"),
                &who("alice"),
                Review::Approved,
            )
            .await
            .unwrap();
        let err = store
            .record_progress(
                action.id,
                action.version,
                &progress("second"),
                &who("bob"),
                Review::Approved,
            )
            .await
            .unwrap_err();
        match err {
            StoreError::Conflict {
                changed_by,
                expected,
                current,
                ..
            } => {
                assert_eq!(changed_by, "alice", "{}", b.name);
                assert_eq!((expected, current), (action.version, action.version + 1));
            }
            other => panic!("{}: expected a conflict, got {other}", b.name),
        }
        assert_eq!(
            store.count("progress_updates").await.unwrap(),
            2,
            "{}: the refused update was not stored",
            b.name
        );
        assert!(
            store
                .record_progress(9_999, 1, &progress("x"), &who("bob"), Review::Approved)
                .await
                .unwrap_err()
                .is_not_found()
        );
    }
}

#[tokio::test]
async fn revised_due_dates_keep_the_date_they_replace() {
    for b in backends("revise").await {
        let (store, action) = store_with_first_action(&b, "r").await;
        let mut p = progress("slipped");
        p.revised_due = Some((
            FuzzyDate::parse("December 2017", DateContext::default()),
            "contractor delay".into(),
        ));
        store
            .record_progress(
                action.id,
                action.version,
                &p,
                &who("alice"),
                Review::Approved,
            )
            .await
            .unwrap();
        let pool = raw_pool(&b.url).await;
        let row = sqlx::query("SELECT from_text, to_text, reason FROM due_revisions")
            .fetch_one(&pool)
            .await
            .unwrap();
        let (from, to, reason): (String, String, String) = (
            row.try_get(0).unwrap(),
            row.try_get(1).unwrap(),
            row.try_get(2).unwrap(),
        );
        assert_eq!(
            (from.as_str(), to.as_str(), reason.as_str()),
            ("September 2017", "December 2017", "contractor delay"),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn indicator_values_are_versioned_too() {
    for b in backends("measure").await {
        let store = Store::open(&b.url).await.unwrap();
        import(&store, "m", &sample_document()).await;
        let pool = raw_pool(&b.url).await;
        let indicator: i64 = sqlx::query("SELECT id FROM indicators")
            .fetch_one(&pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        let q1 = Period::Quarter("2017/18".parse().unwrap(), Quarter::Q1);
        let value = |v: f64| NewMeasurement {
            period: q1,
            value: Some(v),
            text: None,
            note: Some("from the system".into()),
        };
        store
            .record_measurement(
                indicator,
                &value(81.0),
                None,
                &who("alice"),
                Review::Approved,
            )
            .await
            .unwrap();
        // Bob opened the form before Alice saved: he thinks there is no value yet.
        let err = store
            .record_measurement(indicator, &value(79.0), None, &who("bob"), Review::Approved)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict { ref changed_by, .. } if changed_by == "alice"),
            "{}: {err}",
            b.name
        );
        store
            .record_measurement(
                indicator,
                &value(79.5),
                Some(1),
                &who("bob"),
                Review::Approved,
            )
            .await
            .unwrap();
        let v: f64 = sqlx::query("SELECT value FROM measurements")
            .fetch_one(&pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
        assert_eq!(v, 79.5, "{}", b.name);
    }
}

#[tokio::test]
async fn every_change_is_in_the_history_with_before_and_after() {
    for b in backends("history").await {
        let (store, action) = store_with_first_action(&b, "h").await;
        store
            .record_progress(
                action.id,
                action.version,
                &progress("moving"),
                &who("alice"),
                Review::Approved,
            )
            .await
            .unwrap();

        let history = store.history_of("actions", action.id).await.unwrap();
        assert_eq!(history.len(), 2, "{}: insert then update", b.name);
        assert_eq!(history[0].operation, "insert");
        assert!(history[0].before.is_none());
        assert_eq!(history[0].after.as_ref().unwrap()["code"], "KA.1");
        assert_eq!(history[1].actor, "alice");
        assert_eq!(history[1].before.as_ref().unwrap()["version"], 1);
        assert_eq!(history[1].after.as_ref().unwrap()["version"], 2);
        // The insert's after-state is the record exactly as stored.
        assert_eq!(history[0].after, history[1].before, "{}", b.name);

        // Every row of every table has its insert in the history.
        let pool = raw_pool(&b.url).await;
        for table in [
            "plans",
            "nodes",
            "actions",
            "milestones",
            "progress_updates",
            "indicators",
            "indicator_links",
            "posts",
            "action_officers",
        ] {
            let rows = store.count(table_name(table)).await.unwrap();
            let logged: i64 = sqlx::query(
                "SELECT COUNT(*) FROM history WHERE entity = $1 AND operation = 'insert'",
            )
            .bind(table)
            .fetch_one(&pool)
            .await
            .unwrap()
            .try_get(0)
            .unwrap();
            assert_eq!(rows, logged, "{}: {table}", b.name);
        }
        // And the history cannot be rewritten.
        assert!(
            sqlx::query("UPDATE history SET actor = 'mallory'")
                .execute(&pool)
                .await
                .is_err(),
            "{}",
            b.name
        );
        assert!(
            sqlx::query("DELETE FROM history")
                .execute(&pool)
                .await
                .is_err(),
            "{}",
            b.name
        );
    }
}

fn table_name(name: &str) -> &'static str {
    [
        "plans",
        "nodes",
        "actions",
        "milestones",
        "progress_updates",
        "indicators",
        "indicator_links",
        "posts",
        "action_officers",
    ]
    .into_iter()
    .find(|t| *t == name)
    .unwrap()
}

#[tokio::test]
async fn missing_numbers_then_numbers_store_on_both_backends() {
    // A target written as words ("Increase from 2016/17") before one with a
    // figure, an unset tolerance before a set one, a value entered as text
    // before a number: a null real then a real through the same statement.
    for b in backends("nullreal").await {
        let store = Store::open(&b.url).await.unwrap();
        let mut doc = sample_document();
        let plan = &mut doc.plans[0];
        let template = plan.indicators[0].clone();
        let fy: FinancialYear = "2017/18".parse().unwrap();
        for (n, tolerance) in [(140, None), (141, Some(0.1))] {
            plan.indicators.push(Indicator {
                code: Some(format!("QEHPI {n}").parse().unwrap()),
                tolerance,
                targets: vec![
                    Target {
                        period: Period::Year(fy),
                        text: "Increase from 2016/17".into(),
                        value: None,
                    },
                    Target {
                        period: Period::Year(fy.next()),
                        text: "80%".into(),
                        value: Some(80.0),
                    },
                ],
                measurements: vec![
                    Measurement {
                        period: Period::Quarter(fy, Quarter::Q1),
                        value: None,
                        text: Some("Not yet available".into()),
                        note: None,
                        status: None,
                        recorded_by: None,
                        recorded_at: None,
                    },
                    Measurement {
                        period: Period::Quarter(fy, Quarter::Q2),
                        value: Some(77.5),
                        text: None,
                        note: None,
                        status: None,
                        recorded_by: None,
                        recorded_at: None,
                    },
                ],
                ..template.clone()
            });
        }
        store
            .import_document(
                &meta("nullreal"),
                &doc,
                &who("tester"),
                ImportOptions::default(),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        assert_eq!(store.count("targets").await.unwrap(), 4, "{}", b.name);
        assert_eq!(store.count("measurements").await.unwrap(), 4, "{}", b.name);

        // A correction's before-state, read back from the table, is the
        // insert's after-state: reals, nulls and defaults alike.
        let pool = raw_pool(&b.url).await;
        let row = sqlx::query(
            "SELECT m.id, m.indicator_id FROM measurements m JOIN indicators i ON i.id = m.indicator_id \
             WHERE i.code = 'QEHPI 141' AND m.period = '2017/18 Q2'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let (id, indicator): (i64, i64) = (row.try_get(0).unwrap(), row.try_get(1).unwrap());
        store
            .record_measurement(
                indicator,
                &NewMeasurement {
                    period: Period::Quarter(fy, Quarter::Q2),
                    value: Some(78.0),
                    text: None,
                    note: Some("validated".into()),
                },
                Some(1),
                &who("alice"),
                Review::Approved,
            )
            .await
            .unwrap();
        let history = store.history_of("measurements", id).await.unwrap();
        assert_eq!(history.len(), 2, "{}", b.name);
        assert_eq!(history[0].after, history[1].before, "{}", b.name);
        assert_eq!(
            history[0].after.as_ref().unwrap()["value"],
            77.5,
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn an_invalid_document_stores_nothing() {
    for b in backends("atomic").await {
        let store = Store::open(&b.url).await.unwrap();
        let mut doc = sample_document();
        doc.plans[0].actions[1].nodes = vec![42];
        let err = store
            .import_document(&meta("bad"), &doc, &who("tester"), ImportOptions::default())
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("Register of land drainage assets"),
            "{}: {err}",
            b.name
        );
        assert_eq!(store.count("plans").await.unwrap(), 0, "{}", b.name);
        assert_eq!(
            store.count("source_documents").await.unwrap(),
            0,
            "{}",
            b.name
        );
        assert_eq!(store.count("history").await.unwrap(), 0, "{}", b.name);
    }
}

#[tokio::test]
async fn a_live_sqlite_database_backs_up_to_a_consistent_copy() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_data_dir(dir.path()).await.unwrap();
    import(&store, "b", &sample_document()).await;
    let copy = dir.path().join("copy.sqlite");
    store.backup_to(&copy).await.unwrap();
    let restored = Store::open(&goldthread_storage::sqlite_url(&copy))
        .await
        .unwrap();
    assert_eq!(
        restored.list_plans().await.unwrap(),
        store.list_plans().await.unwrap()
    );
    assert!(
        store
            .backup_to(&copy)
            .await
            .unwrap_err()
            .to_string()
            .contains("already exists")
    );
}

#[tokio::test]
async fn a_reported_status_round_trips_through_import_and_export() {
    for b in backends("status").await {
        let store = Store::open(&b.url).await.unwrap();
        let mut doc = sample_document();
        let fy: FinancialYear = "2017/18".parse().unwrap();
        let value = |q, status| Measurement {
            period: Period::Quarter(fy, q),
            value: Some(70.0),
            text: None,
            note: None,
            status,
            recorded_by: None,
            recorded_at: None,
        };
        doc.plans[0].indicators[0].measurements = vec![
            value(Quarter::Q1, Some(goldthread_domain::status::Rag::Amber)),
            value(Quarter::Q2, None),
        ];
        let outcome = store
            .import_document(
                &meta("status"),
                &doc,
                &who("tester"),
                ImportOptions::default(),
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        let exported = store.export_document(&outcome.plan_ids).await.unwrap();
        let statuses: Vec<_> = exported.plans[0].indicators[0]
            .measurements
            .iter()
            .map(|m| m.status)
            .collect();
        assert_eq!(
            statuses,
            vec![Some(goldthread_domain::status::Rag::Amber), None],
            "{}",
            b.name
        );
        // The interchange JSON keeps it, so export then import round-trips.
        let json = serde_json::to_string(&exported.plans[0].indicators[0].measurements).unwrap();
        assert!(json.contains(r#""status":"amber""#), "{}: {json}", b.name);

        // A file without the status leaves it; a replacing import with a
        // changed status (and nothing else) corrects it.
        doc.plans[0].indicators[0].measurements[0].status = None;
        let same = store
            .import_document(&meta("status1"), &doc, &who("tester"), replace())
            .await
            .unwrap();
        assert_eq!(same.status, ImportStatus::Unchanged, "{}", b.name);
        doc.plans[0].indicators[0].measurements[0].status =
            Some(goldthread_domain::status::Rag::Green);
        store
            .import_document(&meta("status2"), &doc, &who("tester"), replace())
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        let exported = store.export_document(&outcome.plan_ids).await.unwrap();
        assert_eq!(
            exported.plans[0].indicators[0].measurements[0].status,
            Some(goldthread_domain::status::Rag::Green),
            "{}",
            b.name
        );
    }
}

#[tokio::test]
async fn a_remembered_mapping_is_read_back_replaced_and_both_saves_are_in_history() {
    for b in backends("mappings").await {
        let store = Store::open(&b.url).await.unwrap();
        assert_eq!(store.saved_mappings().await.unwrap(), vec![], "{}", b.name);
        let first = r#"{"headings":["Ref","Figure A"],"columns":[{"heading":"Ref","role":"code"},{"heading":"Figure A","role":"value"}]}"#;
        let second = r#"{"headings":["Ref","Figure A"],"columns":[{"heading":"Ref","role":"code"},{"heading":"Figure A","role":"target","period":"2024/25"}]}"#;
        store
            .remember_mapping("ref|figure a", first, &who("alice"))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", b.name));
        let saved = store.saved_mappings().await.unwrap();
        assert_eq!(saved.len(), 1, "{}", b.name);
        assert_eq!(
            (saved[0].layout_key.as_str(), saved[0].mapping.as_str()),
            ("ref|figure a", first)
        );
        assert_eq!(
            (saved[0].updated_by.as_str(), saved[0].version),
            ("alice", 1)
        );

        store
            .remember_mapping("ref|figure a", second, &who("bob"))
            .await
            .unwrap();
        // The same text again writes nothing.
        store
            .remember_mapping("ref|figure a", second, &who("bob"))
            .await
            .unwrap();
        let saved = store.saved_mappings().await.unwrap();
        assert_eq!(saved.len(), 1, "{}", b.name);
        assert_eq!(saved[0].mapping, second, "{}", b.name);
        assert_eq!((saved[0].updated_by.as_str(), saved[0].version), ("bob", 2));

        let history = store
            .history_of("table_mappings", saved[0].id)
            .await
            .unwrap();
        let ops: Vec<(&str, &str)> = history
            .iter()
            .map(|h| (h.operation.as_str(), h.actor.as_str()))
            .collect();
        assert_eq!(
            ops,
            vec![("insert", "alice"), ("update", "bob")],
            "{}",
            b.name
        );
        assert_eq!(history[0].after.as_ref().unwrap()["mapping"], first);
        assert_eq!(history[1].before, history[0].after, "{}", b.name);
        assert_eq!(history[1].after.as_ref().unwrap()["mapping"], second);
    }
}

fn who(name: &str) -> goldthread_storage::Actor {
    goldthread_storage::Actor::process(name)
}

#[tokio::test]
async fn a_single_sign_on_request_is_taken_once_and_not_after_it_expires() {
    for b in backends("sso").await {
        let store = Store::open(&b.url).await.unwrap();
        let long_ago = "2000-01-01T00:00:00.000000Z";
        let created = store
            .create_sso_request("hash-a", "nonce-a", "verifier-a", "/account", long_ago)
            .await
            .unwrap();
        assert!(created, "{}", b.name);
        let taken = store
            .take_sso_request("hash-a", long_ago)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{}: the request was not kept", b.name));
        assert_eq!(
            (
                taken.nonce.as_str(),
                taken.verifier.as_str(),
                taken.next.as_str()
            ),
            ("nonce-a", "verifier-a", "/account"),
            "{}",
            b.name
        );
        assert_eq!(
            store.take_sso_request("hash-a", long_ago).await.unwrap(),
            None,
            "{}: taken twice",
            b.name
        );
        assert_eq!(
            store.take_sso_request("unknown", long_ago).await.unwrap(),
            None,
            "{}",
            b.name
        );

        // Expired: refused when taken, and cleared by the next sign-in.
        store
            .create_sso_request("hash-b", "n", "v", "/", long_ago)
            .await
            .unwrap();
        assert_eq!(
            store
                .take_sso_request("hash-b", "2999-01-01T00:00:00.000000Z")
                .await
                .unwrap(),
            None,
            "{}: an expired request was accepted",
            b.name
        );
        store
            .create_sso_request("hash-c", "n", "v", "/", long_ago)
            .await
            .unwrap();
        store
            .create_sso_request("hash-d", "n", "v", "/", "2999-01-01T00:00:00.000000Z")
            .await
            .unwrap();
        assert_eq!(
            store.count("sso_requests").await.unwrap(),
            1,
            "{}: expired requests are cleared",
            b.name
        );
    }
}

#[tokio::test]
async fn the_read_model_as_known_on_a_past_day_leaves_out_what_was_recorded_later() {
    for b in backends("known_at").await {
        let (store, action) = store_with_first_action(&b, "k").await;
        let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
        let before = store.load_monitoring_data().await.unwrap();
        let known_before = store
            .load_monitoring_data_known_at(Some(yesterday))
            .await
            .unwrap();
        let updates_of = |data: &goldthread_storage::MonitoringData| {
            data.actions
                .iter()
                .find(|a| a.id == action.id)
                .map(|a| (a.updates.len(), a.due, a.due_in_force_text.clone()))
                .unwrap()
        };
        assert_eq!(
            updates_of(&before),
            updates_of(&known_before),
            "{}: an import counts from the dates it carries",
            b.name
        );

        // Today: an update dated in the past, with a revised due date.
        let mut p = progress("written late");
        p.revised_due = Some((
            FuzzyDate::parse("December 2018", DateContext::default()),
            "partner withdrew".into(),
        ));
        store
            .record_progress(
                action.id,
                action.version,
                &p,
                &who("alice"),
                Review::Approved,
            )
            .await
            .unwrap();
        let now = store.load_monitoring_data().await.unwrap();
        let (count, due, due_text) = updates_of(&now);
        assert_eq!(count, updates_of(&before).0 + 1, "{}", b.name);
        assert_eq!(due_text.as_deref(), Some("December 2018"), "{}", b.name);
        assert_eq!(due, Some(day(2018, 12, 31)), "{}", b.name);
        assert!(
            now.actions
                .iter()
                .find(|a| a.id == action.id)
                .unwrap()
                .updates
                .iter()
                .any(|u| u.commentary == "written late"),
            "{}: the commentary is in the read model",
            b.name
        );
        let known = store
            .load_monitoring_data_known_at(Some(yesterday))
            .await
            .unwrap();
        assert_eq!(
            updates_of(&known),
            updates_of(&known_before),
            "{}: as known yesterday, today's update and revision are not there",
            b.name
        );
        assert_eq!(known.known_at, Some(yesterday));
    }
}

/// Data as the first release stored it: one of each record the status
/// pages read, in the columns the first schema had (each the first of its
/// table, so the references to id 1 hold).
const FIRST_RELEASE_DATA: &str = "
INSERT INTO organisations (name, amber_tolerance) VALUES ('Anytown Council', 0.05);
INSERT INTO plans (organisation_id, title, kind, status, period_from, period_to)
    VALUES (1, 'Housing Service Plan 2017/18', 'service', 'approved', '2017/18', '2017/18');
INSERT INTO actions (plan_id, position, code, title, due_text, due_earliest, due_latest)
    VALUES (1, 0, 'HS1', 'Open the new housing advice hub', 'March 2018', '2018-03-01', '2018-03-31');
INSERT INTO progress_updates (action_id, as_at, status, commentary, recorded_at)
    VALUES (1, '2017-09-30', 'at_risk', 'Lease not yet signed.', '2017-10-02T09:00:00.000000Z');
INSERT INTO indicators (plan_id, position, code, title, unit, polarity, frequency, aggregation)
    VALUES (1, 0, 'HS 01', 'Households kept out of temporary accommodation', 'count', 'higher_is_better', 'annual', 'sum');
INSERT INTO targets (indicator_id, period, text, value) VALUES (1, '2017/18', '120', 120);
INSERT INTO measurements (indicator_id, period, period_end, value, recorded_at)
    VALUES (1, '2017/18', '2018-03-31', 131, '2018-04-20T09:00:00.000000Z');
";

#[tokio::test]
async fn a_database_left_at_any_earlier_schema_migrates_with_nothing_lost() {
    use goldthread_storage::migrations::{MIGRATIONS, migrate_to};
    sqlx::any::install_default_drivers();
    let newest = MIGRATIONS.last().map_or(0, |m| m.version);
    for version in 1..newest {
        for backend in backends(&format!("from_schema_{version}")).await {
            let kind = goldthread_storage::Backend::from_url(&backend.url).unwrap();
            let pool = AnyPool::connect(&backend.url).await.unwrap();
            migrate_to(&pool, kind, version).await.unwrap();
            sqlx::raw_sql(FIRST_RELEASE_DATA)
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;

            let at = format!("{} from schema {version}", backend.name);
            let store = Store::open(&backend.url).await.unwrap();
            let data = store.load_monitoring_data().await.unwrap();
            assert_eq!(data.organisation.name, "Anytown Council", "{at}");
            assert_eq!(data.plans.len(), 1, "{at}");
            assert_eq!(data.plans[0].title, "Housing Service Plan 2017/18", "{at}");
            assert!(
                !data.plans[0].published,
                "{at}: not published by the migration"
            );
            // The first release's rows, written at a schema from before
            // the planning cycle: its migration marks the approved plan.
            if version < 10 {
                assert!(
                    data.plans[0].adopted,
                    "{at}: an approved plan is in force after the planning cycle's migration"
                );
            }
            let action = &data.actions[0];
            assert_eq!(action.code.as_deref(), Some("HS1"), "{at}");
            assert_eq!(action.due, Some(day(2018, 3, 31)), "{at}");
            assert_eq!(
                action.updates.len(),
                1,
                "{at}: the update, counted as approved"
            );
            assert_eq!(action.updates[0].status, ActionStatus::AtRisk, "{at}");
            assert_eq!(
                action.updates[0].commentary, "Lease not yet signed.",
                "{at}"
            );
            let indicator = &data.indicators[0];
            assert_eq!(indicator.code.as_deref(), Some("HS 01"), "{at}");
            assert_eq!(indicator.targets.len(), 1, "{at}");
            assert_eq!(indicator.targets[0].1, Some(120.0), "{at}");
            assert_eq!(indicator.values.len(), 1, "{at}");
            assert_eq!(indicator.values[0].value, Some(131.0), "{at}");
            // And it takes new writes on the migrated schema.
            let version_now = store.plan_actions(1).await.unwrap()[0].version;
            store
                .record_progress(
                    1,
                    version_now,
                    &NewProgress {
                        as_at: day(2017, 12, 31),
                        status: ActionStatus::OnTrack,
                        percent_complete: None,
                        commentary: "Lease signed.".into(),
                        revised_due: None,
                    },
                    &goldthread_storage::Actor::process("migration test"),
                    Review::Approved,
                )
                .await
                .unwrap();
            store.close().await;
        }
    }
}

/// The store of the sample document with one approved value recorded, and
/// a raw connection to corrupt it with.
async fn store_with_a_value(b: &Backend, sha: &str) -> (Store, AnyPool) {
    let store = Store::open(&b.url).await.unwrap();
    import(&store, sha, &sample_document()).await;
    let pool = raw_pool(&b.url).await;
    let indicator = first_id(&pool, "indicators").await;
    let q1 = Period::Quarter("2017/18".parse().unwrap(), Quarter::Q1);
    let value = NewMeasurement {
        period: q1,
        value: Some(81.0),
        text: None,
        note: None,
    };
    store
        .record_measurement(indicator, &value, None, &who("alice"), Review::Approved)
        .await
        .unwrap();
    (store, pool)
}

async fn first_id(pool: &AnyPool, table: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT MIN(id) FROM {table}")))
        .fetch_one(pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

/// Sets `column` of the first row of `table` to `value` with raw SQL (NULL
/// for `None`), returning the row's id and the value it held.
async fn set_raw(
    pool: &AnyPool,
    table: &str,
    column: &str,
    value: Option<&str>,
) -> (i64, Option<String>) {
    let id = first_id(pool, table).await;
    let before: Option<String> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {column} FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
    .try_get(0)
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET {column} = $1 WHERE id = $2"
    )))
    .bind(value)
    .bind(id)
    .execute(pool)
    .await
    .unwrap();
    (id, before)
}

#[tokio::test]
async fn a_stored_value_the_domain_cannot_read_is_an_error_naming_the_record() {
    // (table, column, the bad value, what the message says it is not)
    let cases = [
        ("indicators", "unit", "furlongs", "a unit"),
        ("indicators", "polarity", "sideways", "a polarity"),
        ("indicators", "aggregation", "median", "an aggregation"),
        ("indicators", "frequency", "fortnightly", "a frequency"),
        ("measurements", "period", "2017/18-Q5", "a period"),
        ("measurements", "period_end", "2017-06-31", "a date"),
        ("measurements", "review", "maybe", "a review state"),
        ("progress_updates", "status", "wobbly", "an action status"),
        ("progress_updates", "as_at", "30/06/2017", "a date"),
        ("progress_updates", "review", "maybe", "a review state"),
        ("actions", "due_latest", "soon", "a date"),
        ("plans", "period_from", "next year", "a financial year"),
    ];
    for b in backends("corrupt").await {
        let (store, pool) = store_with_a_value(&b, "c").await;
        store.load_monitoring_data().await.unwrap();
        for (table, column, bad, expected) in cases {
            let (id, before) = set_raw(&pool, table, column, Some(bad)).await;
            let Err(err) = store.load_monitoring_data().await else {
                panic!("{}: {table}.{column} = '{bad}' was read", b.name);
            };
            let message = format!("{table} {id}: {column} '{bad}' is not {expected}");
            assert!(
                matches!(err, StoreError::Corrupt { .. }),
                "{}: {table}.{column}: {err:?}",
                b.name
            );
            assert_eq!(err.to_string(), message, "{}", b.name);
            // The read model as known on a day reads the rows the same way.
            let today = chrono::Utc::now().date_naive();
            let err = store
                .load_monitoring_data_known_at(Some(today))
                .await
                .unwrap_err();
            assert_eq!(err.to_string(), message, "{} known at", b.name);
            set_raw(&pool, table, column, before.as_deref()).await;
        }
        store.load_monitoring_data().await.unwrap();
    }
}

#[tokio::test]
async fn export_names_a_stored_value_it_cannot_read() {
    let cases = [
        ("indicators", "unit", "furlongs", "a unit"),
        ("measurements", "period", "2017/18-Q5", "a period"),
        ("measurements", "recorded_at", "yesterday", "a time"),
        ("progress_updates", "status", "wobbly", "a status"),
        ("actions", "due_latest", "soon", "a date"),
        ("actions", "related", "not json", "a list of related plans"),
        ("plans", "sections", "{", "narrative sections"),
        ("plans", "period_to", "2018", "a financial year"),
        ("milestones", "completed", "done", "a date"),
    ];
    for b in backends("corrupt_export").await {
        let (store, pool) = store_with_a_value(&b, "e").await;
        store.export_document(&[]).await.unwrap();
        for (table, column, bad, expected) in cases {
            let (id, before) = set_raw(&pool, table, column, Some(bad)).await;
            let err = store.export_document(&[]).await.unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("{table} {id}: {column} '{bad}' is not {expected}"),
                "{}",
                b.name
            );
            set_raw(&pool, table, column, before.as_deref()).await;
        }
        store.export_document(&[]).await.unwrap();
    }
}

#[tokio::test]
async fn a_null_that_means_none_still_loads_as_none() {
    for b in backends("null_none").await {
        let (store, pool) = store_with_a_value(&b, "n").await;
        for (table, column) in [
            ("indicators", "frequency"),
            ("actions", "due_latest"),
            ("plans", "period_from"),
            ("plans", "period_to"),
        ] {
            set_raw(&pool, table, column, None).await;
        }
        let data = store.load_monitoring_data().await.unwrap();
        assert_eq!(data.indicators[0].frequency, None, "{}", b.name);
        assert_eq!(data.indicators[0].values.len(), 1, "{}", b.name);
        let action = &data.actions[0];
        assert_eq!(
            (action.due, action.original_due),
            (None, None),
            "{}",
            b.name
        );
        assert_eq!(action.updates.len(), 1, "{}", b.name);
        assert_eq!(
            (data.plans[0].first_day, data.plans[0].last_day),
            (None, None),
            "{}",
            b.name
        );
        let doc = store.export_document(&[]).await.unwrap();
        assert_eq!(doc.plans[0].period, None, "{}", b.name);
    }
}

#[tokio::test]
async fn detail_pages_name_a_stored_value_they_cannot_read() {
    for b in backends("corrupt_detail").await {
        let (store, pool) = store_with_a_value(&b, "d").await;
        let action = first_id(&pool, "actions").await;
        let indicator = first_id(&pool, "indicators").await;
        let detail = store.action_detail(action).await.unwrap();
        assert_eq!(
            detail.updates[0].status,
            ActionStatus::OnTrack,
            "{}",
            b.name
        );
        assert_eq!(detail.updates[0].review, Review::Approved, "{}", b.name);
        for (table, column, bad, expected) in [
            ("progress_updates", "status", "wobbly", "an action status"),
            ("progress_updates", "as_at", "June", "a date"),
            ("progress_updates", "review", "maybe", "a review state"),
            ("measurements", "review", "maybe", "a review state"),
            ("milestones", "completed", "done", "a date"),
        ] {
            let (id, before) = set_raw(&pool, table, column, Some(bad)).await;
            let err = match table {
                "measurements" => store.indicator_detail(indicator).await.unwrap_err(),
                _ => store.action_detail(action).await.unwrap_err(),
            };
            assert_eq!(
                err.to_string(),
                format!("{table} {id}: {column} '{bad}' is not {expected}"),
                "{}",
                b.name
            );
            set_raw(&pool, table, column, before.as_deref()).await;
        }
        store.indicator_detail(indicator).await.unwrap();
    }
}

/// The read model kept up to date from the history must be the read model
/// loaded afresh, after every kind of write.
async fn assert_caught_up(
    store: &Store,
    live: goldthread_storage::LiveMonitoring,
    after: &str,
    backend: &str,
) -> goldthread_storage::LiveMonitoring {
    let live = store.catch_up(live).await.unwrap();
    let fresh = store.load_monitoring_data().await.unwrap();
    if let Some(difference) = first_difference(&live.data(), &fresh) {
        panic!("{backend}: after {after}, catching up differs from loading: {difference}");
    }
    live
}

/// The first line where two read models differ, with its neighbours.
fn first_difference(
    kept: &goldthread_storage::MonitoringData,
    fresh: &goldthread_storage::MonitoringData,
) -> Option<String> {
    let (kept, fresh) = (format!("{kept:#?}"), format!("{fresh:#?}"));
    let (kept, fresh): (Vec<&str>, Vec<&str>) = (kept.lines().collect(), fresh.lines().collect());
    let at = (0..kept.len().max(fresh.len())).find(|&i| kept.get(i) != fresh.get(i))?;
    let around = |lines: &[&str]| lines[at.saturating_sub(8)..(at + 3).min(lines.len())].join("\n");
    Some(format!(
        "line {at}\nkept:\n{}\nloaded:\n{}",
        around(&kept),
        around(&fresh)
    ))
}

#[tokio::test]
async fn the_read_model_kept_up_to_date_from_the_history_equals_one_loaded_afresh() {
    for b in backends("live").await {
        let store = Store::open(&b.url).await.unwrap();
        let mut live = store.load_live_monitoring().await.unwrap();
        let name = b.name;
        assert!(live.data().actions.is_empty());

        // An adopted plan, as the importer reads a council's document.
        let mut adopted_doc = sample_document();
        adopted_doc.plans[0].status = goldthread_domain::PlanStatus::Approved;
        let outcome = import(&store, "l1", &adopted_doc).await;
        let plan = outcome.plan_ids[0];
        live = assert_caught_up(&store, live, "an import", name).await;
        let version_after_import = live.data().version;
        assert!(version_after_import > 0, "{name}: the version moved");
        let before = live.data();

        let action = store.plan_actions(plan).await.unwrap()[0].clone();
        let mut p = progress("late, with a new date");
        p.revised_due = Some((
            FuzzyDate::parse("December 2018", DateContext::default()),
            "partner withdrew".into(),
        ));
        store
            .record_progress(
                action.id,
                action.version,
                &p,
                &who("alice"),
                Review::Approved,
            )
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "progress with a revised date", name).await;
        // Only the action written was built again; the rest is shared.
        let now = live.data();
        let other = |d: &goldthread_storage::MonitoringData| d.actions[1].clone();
        assert!(
            std::sync::Arc::ptr_eq(&other(&before), &other(&now)),
            "{name}: an untouched action is shared, not rebuilt"
        );
        assert!(
            !std::sync::Arc::ptr_eq(&before.actions[0], &now.actions[0]),
            "{name}"
        );
        assert!(
            now.actions[0]
                .updates
                .iter()
                .any(|u| u.commentary == "late, with a new date")
        );

        let indicator = now.indicators[0].id;
        let q1 = Period::Quarter("2017/18".parse().unwrap(), Quarter::Q1);
        let value = NewMeasurement {
            period: q1,
            value: Some(81.0),
            text: None,
            note: Some("from the system".into()),
        };
        store
            .record_measurement(indicator, &value, None, &who("alice"), Review::Approved)
            .await
            .unwrap();
        let q2 = Period::Quarter("2017/18".parse().unwrap(), Quarter::Q2);
        let pending = NewMeasurement {
            period: q2,
            value: Some(70.0),
            text: None,
            note: None,
        };
        store
            .record_measurement(indicator, &pending, None, &who("olive"), Review::Pending)
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "an approved and a pending value", name).await;

        // An editor rewrites the first action and adds and removes one.
        let edit = store.action_for_edit(action.id).await.unwrap();
        let fields = goldthread_storage::ActionFields {
            code: Some("KA.1a".into()),
            title: "Set up the Home Improvement Agency".into(),
            details: vec![
                (goldthread_domain::ActionField::Description, None),
                (
                    goldthread_domain::ActionField::PriorityLink,
                    Some("PLACE".into()),
                ),
            ],
            due: Some(FuzzyDate::parse("March 2019", DateContext::default())),
            lead_officers: vec!["Head of Housing & Health".into(), "Housing Manager".into()],
            milestones: vec![],
            nodes: vec![],
            links: None,
        };
        store
            .edit_action(action.id, edit.version, &fields, &who("ed"))
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "an action edited", name).await;
        let added = store
            .add_action(
                plan,
                &goldthread_storage::ActionFields {
                    code: Some("KA.3".into()),
                    title: "A new action".into(),
                    ..fields.clone()
                },
                &who("ed"),
            )
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "an action added", name).await;
        let added_version = store.action_for_edit(added).await.unwrap().version;
        store
            .remove_action(added, added_version, &who("ed"))
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "an action removed", name).await;

        // Posts renamed and merged: every action they lead shows it.
        let posts = store.post_summaries().await.unwrap();
        let post = |title: &str| posts.iter().find(|p| p.title == title).unwrap().id;
        store
            .rename_post(
                post("Housing Manager"),
                "Housing Services Manager",
                &who("ed"),
            )
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "a post renamed", name).await;
        store
            .merge_post(
                post("Head of Housing & Health"),
                post("Head of Housing and Health"),
                &who("ed"),
            )
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "a post merged", name).await;

        store.set_published(plan, true, &who("ed")).await.unwrap();
        live = assert_caught_up(&store, live, "a plan published", name).await;

        // A plan created and edited by hand; an indicator added and removed.
        let created = store
            .create_plan(
                &goldthread_storage::PlanFields {
                    title: "Parks plan".into(),
                    kind: goldthread_domain::PlanKind::Service,
                    owner: Some("Parks".into()),
                    period: None,
                },
                &who("ed"),
            )
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "a plan created", name).await;
        let held = store.plan_for_edit(created).await.unwrap();
        let renamed = goldthread_storage::PlanFields {
            title: "Parks plan 2019".into(),
            ..held.fields.clone()
        };
        store
            .edit_plan(created, held.version, &renamed, &[], &who("ed"))
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "a plan edited", name).await;
        let stale = store
            .edit_plan(created, held.version, &renamed, &[], &who("ed"))
            .await;
        assert!(
            matches!(stale, Err(goldthread_storage::StoreError::Conflict { .. })),
            "{name}: a stale plan edit is a conflict"
        );
        let indicator = store
            .add_indicator(
                plan,
                &goldthread_storage::IndicatorFields {
                    code: None,
                    title: "Visitors".into(),
                    unit: goldthread_domain::Unit::Count,
                    polarity: goldthread_domain::Polarity::HigherIsBetter,
                    frequency: None,
                    baseline: None,
                    targets: vec![],
                    nodes: vec![],
                    actions: vec![],
                },
                &who("ed"),
            )
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "an indicator added", name).await;
        let version = store.indicator_detail(indicator).await.unwrap().version;
        store
            .remove_indicator(indicator, version, &who("ed"))
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "an indicator removed", name).await;

        // A replacing re-import that changes, adds and drops items.
        let mut changed = sample_document();
        changed.plans[0].actions[1].title = "Register of land drainage assets, mapped".into();
        changed.plans[0].actions.push(Action {
            code: Some("KA.9".into()),
            title: "Another".into(),
            nodes: vec![0],
            ..Action::default()
        });
        store
            .import_document(&meta("l2"), &changed, &who("tester"), replace())
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "a replacing re-import", name).await;

        // A second plan, then nothing: catching up with no change keeps the data.
        let mut second = sample_document();
        second.plans[0].title = "Another service plan 2017/18".into();
        import(&store, "l3", &second).await;
        live = assert_caught_up(&store, live, "a second plan", name).await;
        let kept = live.data();
        live = store.catch_up(live).await.unwrap();
        assert!(
            std::sync::Arc::ptr_eq(&kept, &live.data()),
            "{name}: nothing changed, nothing rebuilt"
        );
        assert!(live.data().version > version_after_import);
    }
}

/// Writers commit in the order their history ids were given out, so a
/// reader catching up while many write at once misses nothing (on
/// PostgreSQL, without the writers' lock, a transaction holding a lower id
/// could commit after a reader had moved past it).
#[tokio::test]
async fn catching_up_while_many_write_at_once_misses_nothing() {
    for b in backends("live_concurrent").await {
        let store = Store::open(&b.url).await.unwrap();
        let mut live = store.load_live_monitoring().await.unwrap();
        let writers: Vec<_> = (0..6)
            .map(|n| {
                let store = store.clone();
                tokio::spawn(async move {
                    for i in 0..4 {
                        let mut doc = sample_document();
                        doc.plans[0].title = format!("Service plan {n}-{i} 2017/18");
                        store
                            .import_document(
                                &meta(&format!("c{n}-{i}")),
                                &doc,
                                &who("tester"),
                                ImportOptions::default(),
                            )
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        let mut catch_ups = 0;
        while !writers.iter().all(|w| w.is_finished()) {
            live = store.catch_up(live).await.unwrap();
            catch_ups += 1;
        }
        for w in writers {
            w.await.unwrap();
        }
        live = store.catch_up(live).await.unwrap();
        let fresh = store.load_monitoring_data().await.unwrap();
        assert_eq!(fresh.plans.len(), 24, "{}", b.name);
        if let Some(difference) = first_difference(&live.data(), &fresh) {
            panic!(
                "{}: after {catch_ups} catch-ups during the writes, one was missed: {difference}",
                b.name
            );
        }
    }
}

#[tokio::test]
async fn an_editor_adds_edits_moves_and_removes_thread_nodes_on_the_record() {
    use goldthread_storage::NodeFields;
    for b in backends("nodes").await {
        let name = b.name;
        let store = Store::open(&b.url).await.unwrap();
        let plan = import(&store, "n1", &sample_document()).await.plan_ids[0];
        let mut live = store.load_live_monitoring().await.unwrap();
        let thread = store.thread_nodes(plan).await.unwrap();
        let (priority, outcome) = (thread[0].clone(), thread[1].clone());
        assert_eq!(outcome.parent_id, Some(priority.id), "{name}");

        // A new priority at the top, and an objective under it.
        let prosperity = NodeFields {
            level: NodeLevel::Priority,
            label: "Corporate Priority".into(),
            title: "Prosperity".into(),
            strapline: Some("A thriving local economy".into()),
            parent: None,
        };
        let top = store.add_node(plan, &prosperity, &who("ed")).await.unwrap();
        let objective_fields = NodeFields {
            level: NodeLevel::Objective,
            label: "Objective".into(),
            title: "Grow local busineses".into(),
            strapline: None,
            parent: Some(top),
        };
        let objective = store
            .add_node(plan, &objective_fields, &who("ed"))
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "nodes added", name).await;
        let data = live.data();
        let shown = data.nodes.iter().find(|n| n.id == objective).unwrap();
        assert_eq!(shown.parent_id, Some(top), "{name}");
        assert_eq!(shown.title, "Grow local busineses", "{name}");

        // The typo fixed; a form opened before is told, and a save of the
        // same again writes nothing.
        let (_, held) = store.node_for_edit(objective).await.unwrap();
        let fixed = NodeFields {
            title: "Grow local businesses".into(),
            strapline: Some("Start-ups and high streets".into()),
            ..objective_fields.clone()
        };
        store
            .edit_node(objective, held.version, &fixed, &who("ed"))
            .await
            .unwrap();
        let stale = store
            .edit_node(objective, held.version, &objective_fields, &who("olive"))
            .await
            .unwrap_err();
        assert!(
            matches!(stale, StoreError::Conflict { ref changed_by, .. } if changed_by == "ed"),
            "{name}: {stale:?}"
        );
        let (_, held) = store.node_for_edit(objective).await.unwrap();
        assert_eq!(held.title, "Grow local businesses", "{name}");
        let rows = store.count("history").await.unwrap();
        store
            .edit_node(objective, held.version, &fixed, &who("ed"))
            .await
            .unwrap();
        assert_eq!(
            store.count("history").await.unwrap(),
            rows,
            "{name}: no empty edits"
        );
        live = assert_caught_up(&store, live, "a node edited", name).await;

        // A move under itself or under its own objective is a cycle.
        let (_, top_held) = store.node_for_edit(top).await.unwrap();
        for parent in [top, objective] {
            let cycle = store
                .edit_node(
                    top,
                    top_held.version,
                    &NodeFields {
                        parent: Some(parent),
                        ..prosperity.clone()
                    },
                    &who("ed"),
                )
                .await
                .unwrap_err();
            assert!(
                matches!(cycle, StoreError::Invalid(ref m) if m.contains("cannot sit under itself")),
                "{name}: {cycle:?}"
            );
        }
        assert_eq!(
            store.node_for_edit(top).await.unwrap().1.parent_id,
            None,
            "{name}: nothing moved"
        );

        // The first outcome, with the objective moved under it first, moves
        // under the new priority (stored after it): the document read back
        // keeps every parent.
        let (_, held) = store.node_for_edit(objective).await.unwrap();
        store
            .edit_node(
                objective,
                held.version,
                &NodeFields {
                    parent: Some(outcome.id),
                    ..fixed.clone()
                },
                &who("ed"),
            )
            .await
            .unwrap();
        let outcome_fields = NodeFields {
            level: outcome.level,
            label: outcome.label.clone(),
            title: outcome.title.clone(),
            strapline: outcome.strapline.clone(),
            parent: Some(top),
        };
        store
            .edit_node(outcome.id, outcome.version, &outcome_fields, &who("ed"))
            .await
            .unwrap();
        live = assert_caught_up(&store, live, "nodes moved", name).await;
        let document = store.export_document(&[plan]).await.unwrap();
        let nodes = &document.plans[0].nodes;
        let index = |title: &str| nodes.iter().position(|n| n.title == title).unwrap();
        assert_eq!(
            nodes[index(&outcome.title)].parent,
            Some(index("Prosperity")),
            "{name}"
        );
        assert_eq!(
            nodes[index("Grow local businesses")].parent,
            Some(index(&outcome.title)),
            "{name}: the subtree moved with it"
        );
        let order: Vec<i64> = store
            .thread_nodes(plan)
            .await
            .unwrap()
            .iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(order, [priority.id, top, outcome.id, objective], "{name}");
        // One added under the first priority now comes last by position,
        // but second in reading order, where the action form lists it.
        let later = store
            .add_node(
                plan,
                &NodeFields {
                    level: NodeLevel::Outcome,
                    label: "Outcome".into(),
                    title: "Added later".into(),
                    strapline: None,
                    parent: Some(priority.id),
                },
                &who("ed"),
            )
            .await
            .unwrap();
        let outline: Vec<i64> = store
            .plan_outline(plan)
            .await
            .unwrap()
            .nodes
            .iter()
            .map(|n| n.0)
            .collect();
        assert_eq!(
            outline,
            [priority.id, later, top, outcome.id, objective],
            "{name}"
        );
        let (_, held) = store.node_for_edit(later).await.unwrap();
        store
            .remove_node(later, held.version, &who("ed"))
            .await
            .unwrap();

        // A node with a node under it and actions and an indicator linked
        // stays, and the refusal names them.
        let (_, held) = store.node_for_edit(outcome.id).await.unwrap();
        let refused = store
            .remove_node(outcome.id, held.version, &who("ed"))
            .await
            .unwrap_err();
        let StoreError::Invalid(message) = refused else {
            panic!("{name}: {refused:?}");
        };
        for named in [
            "1 node under it",
            "2 actions linked (KA.1, KA.2)",
            "MEHPI 132",
        ] {
            assert!(message.contains(named), "{name}: {message}");
        }
        assert!(store.node_for_edit(outcome.id).await.is_ok(), "{name}");

        // An unlinked node goes, its last state kept.
        let (_, held) = store.node_for_edit(objective).await.unwrap();
        store
            .remove_node(objective, held.version, &who("ed"))
            .await
            .unwrap();
        assert!(
            store
                .node_for_edit(objective)
                .await
                .unwrap_err()
                .is_not_found(),
            "{name}"
        );
        live = assert_caught_up(&store, live, "a node removed", name).await;
        assert!(
            live.data().nodes.iter().all(|n| n.id != objective),
            "{name}"
        );
        let history = store.record_history("plans", plan).await.unwrap();
        let of_node: Vec<&str> = history
            .iter()
            .filter(|h| h.entity == "nodes" && h.entity_id == objective)
            .map(|h| h.operation.as_str())
            .collect();
        assert_eq!(
            of_node,
            // Newest first: removed; moved along with the outcome; moved
            // under the outcome; its typo fixed; added.
            ["delete", "update", "update", "update", "insert"],
            "{name}: every change on the record"
        );
        let removal = history
            .iter()
            .find(|h| h.entity == "nodes" && h.operation == "delete")
            .unwrap();
        assert_eq!(
            removal.before.as_ref().unwrap()["title"],
            "Grow local businesses",
            "{name}"
        );
        assert_eq!(removal.actor, "ed", "{name}");

        // A replacing re-import of a file without the priority added by
        // hand keeps it, as it keeps an action someone changed.
        let mut changed = sample_document();
        changed.plans[0].actions[1].title = "Register of land drainage assets, mapped".into();
        store
            .import_document(&meta("n2"), &changed, &who("tester"), replace())
            .await
            .unwrap();
        let (_, kept) = store.node_for_edit(top).await.unwrap();
        assert_eq!(kept.title, "Prosperity", "{name}");
        let document = store.export_document(&[plan]).await.unwrap();
        assert_eq!(document.plans[0].nodes.len(), 3, "{name}: nothing doubled");
        assert_caught_up(&store, live, "a replacing re-import", name).await;
    }
}

#[tokio::test]
async fn risks_are_refused_off_the_scale_or_outside_their_plan_and_unchanged_edits_write_nothing() {
    use goldthread_storage::RiskFields;
    for b in backends("risk_authoring").await {
        let (store, action) = store_with_first_action(&b, "r").await;
        let plan = action.plan_id;
        let risks = store.count("risks").await.unwrap();
        let good = RiskFields {
            title: "Loss of funding".into(),
            likelihood: Some(5),
            impact: Some(1),
            actions: vec![action.id, action.id],
            ..RiskFields::default()
        };
        for (bad, why) in [
            (
                RiskFields {
                    likelihood: Some(6),
                    ..good.clone()
                },
                "likelihood 6 is not on the organisation's risk scale of 1 to 5",
            ),
            (
                RiskFields {
                    actions: vec![999_999],
                    ..good.clone()
                },
                "action 999999 is not part of this plan",
            ),
            (
                RiskFields {
                    title: "  ".into(),
                    ..good.clone()
                },
                "a risk needs a title",
            ),
        ] {
            match store.add_risk(plan, &bad, &who("alice")).await {
                Err(StoreError::Invalid(message)) => assert_eq!(message, why, "{}", b.name),
                other => panic!("{}: expected a refusal, got {other:?}", b.name),
            }
        }
        assert_eq!(store.count("risks").await.unwrap(), risks, "{}", b.name);

        let id = store.add_risk(plan, &good, &who("alice")).await.unwrap();
        let stored = store.risk_for_edit(id).await.unwrap();
        assert_eq!(
            stored.fields.actions,
            [action.id],
            "{}: linked once",
            b.name
        );
        let history = store.count("history").await.unwrap();
        store
            .edit_risk(id, stored.version, &stored.fields, &who("bob"))
            .await
            .unwrap();
        assert_eq!(
            store.count("history").await.unwrap(),
            history,
            "{}: an unchanged edit writes nothing",
            b.name
        );
        let unlinked = RiskFields {
            actions: vec![],
            ..stored.fields.clone()
        };
        store
            .edit_risk(id, stored.version, &unlinked, &who("bob"))
            .await
            .unwrap();
        let after = store.risk_for_edit(id).await.unwrap();
        assert_eq!(after.version, stored.version + 1, "{}", b.name);
        assert!(after.fields.actions.is_empty(), "{}", b.name);
        assert!(
            matches!(
                store.remove_risk(id, stored.version, &who("carol")).await,
                Err(StoreError::Conflict { .. })
            ),
            "{}: a stale removal",
            b.name
        );
        store
            .remove_risk(id, after.version, &who("carol"))
            .await
            .unwrap();
        assert_eq!(store.count("risks").await.unwrap(), risks, "{}", b.name);
    }
}

async fn adopted(store: &Store) -> bool {
    store.load_monitoring_data().await.unwrap().plans[0].adopted
}

async fn rows_of(pool: &AnyPool, table: &str) -> i64 {
    sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(pool)
        .await
        .unwrap()
        .try_get(0)
        .unwrap()
}

/// An editor's change to an action's title, as the edit form sends it.
async fn retitle(store: &Store, action: i64, title: &str) -> Result<(), StoreError> {
    let edit = store.action_for_edit(action).await.unwrap();
    let fields = goldthread_storage::ActionFields {
        title: title.into(),
        ..fields_as_stored(&edit)
    };
    store
        .edit_action(action, edit.version, &fields, &who("author"))
        .await
}

/// An action's fields as its edit form would send them back unchanged.
fn fields_as_stored(edit: &goldthread_storage::ActionForEdit) -> goldthread_storage::ActionFields {
    goldthread_storage::ActionFields {
        code: edit.code.clone(),
        title: edit.title.clone(),
        details: edit.details.clone(),
        due: edit
            .due_text
            .as_deref()
            .map(|t| FuzzyDate::parse(t, DateContext::default())),
        lead_officers: edit.lead_officers.clone(),
        milestones: edit
            .milestones
            .iter()
            .map(|(t, d)| {
                (
                    t.clone(),
                    d.as_deref()
                        .map(|d| FuzzyDate::parse(d, DateContext::default())),
                )
            })
            .collect(),
        nodes: edit.nodes.clone(),
        links: None,
    }
}

#[tokio::test]
async fn a_plan_is_submitted_returned_approved_and_amended_as_a_new_revision() {
    use goldthread_domain::{PlanStatus, PlanStep};
    for b in backends("cycle").await {
        let at = b.name;
        let store = Store::open(&b.url).await.unwrap();
        import(&store, "cycle", &sample_document()).await;
        let plan = store.list_plans().await.unwrap()[0].id;
        let action = store.plan_actions(plan).await.unwrap()[0].id;
        let cycle = store.plan_cycle(plan).await.unwrap();
        assert_eq!(
            (cycle.status, cycle.revision, cycle.approved_revision),
            (PlanStatus::Draft, 1, None),
            "{at}"
        );
        assert!(!adopted(&store).await, "{at}: a draft is not in force");

        let refused = store
            .take_plan_step(plan, cycle.version, PlanStep::Approve, None, &who("amy"))
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, StoreError::Invalid(m) if m == "a plan that is draft cannot be approved"),
            "{at}: {refused:?}"
        );
        store
            .take_plan_step(plan, cycle.version, PlanStep::Submit, None, &who("sam"))
            .await
            .unwrap();
        // Under review, the plan's text is closed, and nothing is written.
        let pool = raw_pool(&b.url).await;
        let history_before = rows_of(&pool, "history").await;
        let closed = retitle(&store, action, "Changed while submitted")
            .await
            .unwrap_err();
        assert!(
            matches!(&closed, StoreError::Invalid(m) if m.contains("submitted for approval")),
            "{at}: {closed:?}"
        );
        assert_eq!(rows_of(&pool, "history").await, history_before, "{at}");
        pool.close().await;

        // Returned with a comment (needed), then changed and submitted again.
        let version = store.plan_cycle(plan).await.unwrap().version;
        assert!(matches!(
            store
                .take_plan_step(plan, version, PlanStep::Return, Some("  "), &who("amy"))
                .await,
            Err(StoreError::Invalid(_))
        ));
        store
            .take_plan_step(
                plan,
                version,
                PlanStep::Return,
                Some("Give the HIA a date."),
                &who("amy"),
            )
            .await
            .unwrap();
        retitle(&store, action, "Set up the Home Improvement Agency")
            .await
            .unwrap();
        let version = store.plan_cycle(plan).await.unwrap().version;
        // A step taken on a page opened before the plan moved is a conflict.
        assert!(matches!(
            store
                .take_plan_step(plan, version - 1, PlanStep::Submit, None, &who("sam"))
                .await,
            Err(StoreError::Conflict { .. })
        ));
        store
            .take_plan_step(plan, version, PlanStep::Submit, None, &who("sam"))
            .await
            .unwrap();
        let version = store.plan_cycle(plan).await.unwrap().version;
        store
            .take_plan_step(plan, version, PlanStep::Approve, None, &who("amy"))
            .await
            .unwrap();
        let cycle = store.plan_cycle(plan).await.unwrap();
        assert_eq!(
            (cycle.status, cycle.revision, cycle.approved_revision),
            (PlanStatus::Approved, 1, Some(1)),
            "{at}"
        );
        assert_eq!(cycle.approvals.len(), 1, "{at}");
        assert_eq!(cycle.approvals[0].approved_by, "amy", "{at}");
        assert!(adopted(&store).await, "{at}: approved, in force");
        let comments = store.plan_comments(plan).await.unwrap();
        assert_eq!(comments.len(), 1, "{at}");
        assert_eq!(
            (comments[0].body.as_str(), comments[0].author.as_str()),
            ("Give the HIA a date.", "amy"),
            "{at}"
        );

        // Changing the approved plan starts revision 2, a draft; revision 1
        // stays as approved, and the plan stays in force on it.
        retitle(&store, action, "Run the Home Improvement Agency")
            .await
            .unwrap();
        let cycle = store.plan_cycle(plan).await.unwrap();
        assert_eq!(
            (cycle.status, cycle.revision, cycle.approved_revision),
            (PlanStatus::Draft, 2, Some(1)),
            "{at}"
        );
        assert!(adopted(&store).await, "{at}: still in force while amended");
        let kept = store.plan_version(plan, 1).await.unwrap();
        assert_eq!(
            kept.actions[0].title, "Set up the Home Improvement Agency",
            "{at}"
        );
        assert!(
            kept.actions.iter().all(|a| a.updates.is_empty()),
            "{at}: progress is not part of the approved text"
        );
        let diff = store.compare_plan(plan, 1, None).await.unwrap();
        assert_eq!(diff.changed.len(), 1, "{at}: {diff:?}");
        assert_eq!(diff.changed[0].fields, ["title"], "{at}");
        assert!(diff.added.is_empty() && diff.removed.is_empty(), "{at}");
        assert!(matches!(
            store.compare_plan(plan, 2, None).await,
            Err(StoreError::Invalid(_))
        ));

        // A comment on an item of another plan, or on no item, is refused.
        assert!(matches!(
            store
                .add_plan_comment(plan, Some(("action", action + 1000)), "Hm", &who("cllr"))
                .await,
            Err(StoreError::Invalid(_))
        ));
        store
            .add_plan_comment(
                plan,
                Some(("action", action)),
                "Why the change?",
                &who("cllr"),
            )
            .await
            .unwrap();
        assert_eq!(
            store.plan_comments(plan).await.unwrap()[1].revision,
            2,
            "{at}"
        );

        // Archived: closed to every change, and no longer in force.
        let version = store.plan_cycle(plan).await.unwrap().version;
        store
            .take_plan_step(plan, version, PlanStep::Archive, None, &who("amy"))
            .await
            .unwrap();
        assert!(!adopted(&store).await, "{at}: archived");
        assert!(matches!(
            retitle(&store, action, "After archiving").await,
            Err(StoreError::Invalid(m)) if m.contains("archived")
        ));
        store.close().await;
    }
}

#[tokio::test]
async fn an_action_links_to_last_years_action_other_services_and_agendas_on_the_record() {
    use goldthread_storage::ActionLinks;
    for b in backends("action_links").await {
        let at = b.name;
        let store = Store::open(&b.url).await.unwrap();
        let mut doc = sample_document();
        // KA.2 is achieved, so only KA.1 is carried into next year's plan.
        doc.plans[0].actions[1].updates = vec![ProgressUpdate {
            as_at: day(2018, 3, 31),
            status: ActionStatus::Achieved,
            percent_complete: Some(100),
            commentary: "Done.".into(),
            author: None,
        }];
        import(&store, "links", &doc).await;
        let plan = store.list_plans().await.unwrap()[0].id;
        let last_year = action_ids(&store, plan).await;
        // Last year's KA.1 followed KA.2 and served one agenda: its carried
        // copy keeps both (KA.2 stays behind, so it is followed where it is).
        let before_roll = ActionLinks {
            follows: vec![last_year[1].1],
            agendas: vec!["Community Safety Partnership".into()],
            ..ActionLinks::default()
        };
        set_links(&store, last_year[0].1, before_roll.clone())
            .await
            .unwrap();
        let next = store.roll_forward(plan, &who("amy")).await.unwrap();
        let this_year = action_ids(&store, next).await;
        assert_eq!(
            store.action_for_edit(this_year[0].1).await.unwrap().links,
            before_roll,
            "{at}: carried with its links"
        );
        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();

        // A code is this plan's first, then last year's; #id names any action.
        let found = store
            .find_actions(
                next,
                &names(&["KA.1", "KA.2", "KA.9", &format!("#{}", last_year[0].1)]),
            )
            .await
            .unwrap();
        let ids: Vec<Option<i64>> = found.iter().map(|f| f.1).collect();
        assert_eq!(
            ids,
            [
                Some(this_year[0].1),
                Some(last_year[1].1),
                None,
                Some(last_year[0].1)
            ],
            "{at}"
        );

        let carried = this_year[0].1;
        let pool = raw_pool(&b.url).await;
        sqlx::query("INSERT INTO org_units (organisation_id, name) SELECT id, 'Environmental Health' FROM organisations")
            .execute(&pool)
            .await
            .unwrap();
        let unit = store
            .org_units()
            .await
            .unwrap()
            .iter()
            .find(|u| u.1 == "Environmental Health")
            .unwrap()
            .0;
        let links = ActionLinks {
            follows: vec![last_year[1].1],
            services: vec![unit],
            agendas: vec!["Health and Wellbeing Board".into()],
        };
        for (bad, why) in [
            (
                ActionLinks {
                    follows: vec![carried],
                    ..links.clone()
                },
                "an action cannot follow on from itself".to_string(),
            ),
            (
                ActionLinks {
                    services: vec![999_999],
                    ..links.clone()
                },
                "there is no service 999999".to_string(),
            ),
            (
                ActionLinks {
                    agendas: vec![" ".into()],
                    ..links.clone()
                },
                "a partnership agenda must be 1 to 200 characters, not 1 characters".to_string(),
            ),
        ] {
            match set_links(&store, carried, bad).await {
                Err(StoreError::Invalid(message)) => assert_eq!(message, why, "{at}"),
                other => panic!("{at}: expected a refusal, got {other:?}"),
            }
        }
        assert_eq!(
            store.count("action_links").await.unwrap(),
            4,
            "{at}: nothing half-written"
        );

        set_links(&store, carried, links.clone()).await.unwrap();
        let stored = store.action_for_edit(carried).await.unwrap();
        assert_eq!(stored.links, links, "{at}");
        let shown = store.action_links_shown(carried).await.unwrap();
        assert_eq!(shown.follows[0].code.as_deref(), Some("KA.2"), "{at}");
        assert_eq!(shown.follows[0].plan_id, plan, "{at}: last year's plan");
        assert_eq!(shown.services, ["Environmental Health"], "{at}");
        let back = store.action_links_shown(last_year[1].1).await.unwrap();
        let followers: Vec<i64> = back.followed_by.iter().map(|a| a.id).collect();
        assert_eq!(
            followers,
            [last_year[0].1, carried],
            "{at}: seen from both ends, last year's first"
        );

        // Saving the same links writes nothing.
        set_links(&store, carried, links.clone()).await.unwrap();
        assert_eq!(
            store.action_for_edit(carried).await.unwrap().version,
            stored.version,
            "{at}"
        );

        // Removing the action removes its links, each on the record.
        store
            .remove_action(carried, stored.version, &who("ed"))
            .await
            .unwrap();
        assert_eq!(
            store.count("action_links").await.unwrap(),
            2,
            "{at}: last year's kept"
        );
        let followers: Vec<i64> = store
            .action_links_shown(last_year[1].1)
            .await
            .unwrap()
            .followed_by
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(followers, [last_year[0].1], "{at}");
        let recorded: Vec<String> = sqlx::query(
            "SELECT operation FROM history WHERE entity = 'action_links' AND origin = 'edit' ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get(0).unwrap())
        .collect();
        let count = |op: &str| recorded.iter().filter(|r| *r == op).count();
        // Two on last year's action, two carried, two added by the edit
        // (its agenda replaced), the replaced one and three on removal.
        assert_eq!(
            (count("insert"), count("delete")),
            (6, 4),
            "{at}: {recorded:?}"
        );
        store.close().await;
    }
}

/// Sets an action's links as the edit form does, keeping its other fields.
async fn set_links(
    store: &Store,
    action: i64,
    links: goldthread_storage::ActionLinks,
) -> Result<(), StoreError> {
    let edit = store.action_for_edit(action).await.unwrap();
    let fields = goldthread_storage::ActionFields {
        links: Some(links),
        ..fields_as_stored(&edit)
    };
    store
        .edit_action(action, edit.version, &fields, &who("ed"))
        .await
}

#[tokio::test]
async fn a_replacing_import_passes_the_cycles_gate_and_an_adopted_document_is_a_new_approved_revision()
 {
    for b in backends("reimport_cycle").await {
        let at = b.name;
        let store = Store::open(&b.url).await.unwrap();
        let mut doc = sample_document();
        doc.plans[0].status = goldthread_domain::PlanStatus::Approved;
        let plan = import(&store, "adopted-v1", &doc).await.plan_ids[0];
        assert!(adopted(&store).await, "{at}");

        // Next year's adopted document: the plan's revision 2, approved by
        // the import, compared with revision 1 as councillors would.
        doc.plans[0].actions[0].title = "Set up a shared Home Improvement Agency".into();
        let outcome = store
            .import_document(&meta("adopted-v2"), &doc, &who("importer"), replace())
            .await
            .unwrap();
        assert_eq!(outcome.status, ImportStatus::Updated, "{at}");
        let cycle = store.plan_cycle(plan).await.unwrap();
        assert_eq!(
            cycle.status,
            goldthread_domain::PlanStatus::Approved,
            "{at}"
        );
        assert_eq!(
            (cycle.revision, cycle.approved_revision),
            (2, Some(2)),
            "{at}"
        );
        let approvers: Vec<(i64, &str)> = cycle
            .approvals
            .iter()
            .map(|a| (a.revision, a.approved_by.as_str()))
            .collect();
        assert_eq!(approvers[1], (2, "importer"), "{at}");
        let diff = store.compare_plan(plan, 1, Some(2)).await.unwrap();
        assert_eq!(diff.changed.len(), 1, "{at}: {diff:?}");

        // A plan under review is not replaced: the import is refused,
        // naming the plan, and nothing is written.
        retitle(
            &store,
            store.plan_actions(plan).await.unwrap()[1].id,
            "Amended",
        )
        .await
        .unwrap();
        let version = store.plan_cycle(plan).await.unwrap().version;
        store
            .take_plan_step(
                plan,
                version,
                goldthread_domain::PlanStep::Submit,
                None,
                &who("amy"),
            )
            .await
            .unwrap();
        let plans = store.count("plans").await.unwrap();
        doc.plans[0].actions[0].title = "A third wording".into();
        match store
            .import_document(&meta("adopted-v3"), &doc, &who("importer"), replace())
            .await
        {
            Err(StoreError::Invalid(why)) => assert_eq!(
                why,
                "the stored plan 'Service plans 2017/18' cannot be replaced by an import: \
                 this plan is submitted for approval: it can be changed once it is returned",
                "{at}"
            ),
            other => panic!("{at}: expected a refusal, got {other:?}"),
        }
        let cycle = store.plan_cycle(plan).await.unwrap();
        assert_eq!(
            cycle.status,
            goldthread_domain::PlanStatus::Submitted,
            "{at}"
        );
        assert_eq!(store.count("plans").await.unwrap(), plans, "{at}");
        assert_eq!(
            store.plan_actions(plan).await.unwrap()[0].title,
            "Set up a shared Home Improvement Agency",
            "{at}: nothing written"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_plans_narrative_as_known_on_a_past_day_leaves_out_later_edits() {
    use goldthread_domain::NarrativeSection;
    for b in backends("narrative_as_at").await {
        let at = b.name;
        let store = Store::open(&b.url).await.unwrap();
        let mut doc = sample_document();
        let imported = vec![NarrativeSection {
            heading: "Key functions and responsibilities".into(),
            body: "Housing advice and grants.".into(),
            provenance: None,
        }];
        doc.plans[0].sections = imported.clone();
        let plan = import(&store, "narrative", &doc).await.plan_ids[0];
        let held = store.plan_for_edit(plan).await.unwrap();
        let edited = vec![NarrativeSection {
            heading: "Key functions and responsibilities".into(),
            body: "Housing advice, grants and licensing.".into(),
            provenance: None,
        }];
        store
            .edit_plan(plan, held.version, &held.fields, &edited, &who("ed"))
            .await
            .unwrap();
        let today = chrono::Utc::now().date_naive();
        let yesterday = today.pred_opt().unwrap();
        assert_eq!(
            store.plan_sections_known_at(plan, yesterday).await.unwrap(),
            imported,
            "{at}: today's edit undone"
        );
        assert_eq!(
            store.plan_sections_known_at(plan, today).await.unwrap(),
            edited,
            "{at}"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn comparing_revisions_shows_an_actions_changed_links() {
    use goldthread_domain::{ItemKind, PlanChange, PlanStep};
    for b in backends("compare_links").await {
        let at = b.name;
        let store = Store::open(&b.url).await.unwrap();
        let mut doc = sample_document();
        doc.plans[0].status = goldthread_domain::PlanStatus::Approved;
        let plan = import(&store, "compare-links", &doc).await.plan_ids[0];
        let actions = action_ids(&store, plan).await;
        // KA.1 now follows on from KA.2: the plan's next revision.
        let links = goldthread_storage::ActionLinks {
            follows: vec![actions[1].1],
            ..Default::default()
        };
        set_links(&store, actions[0].1, links).await.unwrap();
        let since = store.compare_plan(plan, 1, None).await.unwrap();
        assert_eq!(since.status, PlanChange::Changed, "{at}");
        let changed: Vec<(ItemKind, Option<&str>, &[&str])> = since
            .changed
            .iter()
            .map(|c| (c.item.kind, c.item.code.as_deref(), c.fields.as_slice()))
            .collect();
        assert_eq!(
            changed,
            [(ItemKind::Action, Some("KA.1"), &["links"][..])],
            "{at}"
        );

        // Approved, revision 2 keeps its links: it compares the same with
        // revision 1, and as unchanged with the plan as it stands.
        for step in [PlanStep::Submit, PlanStep::Approve] {
            let version = store.plan_cycle(plan).await.unwrap().version;
            store
                .take_plan_step(plan, version, step, None, &who("amy"))
                .await
                .unwrap();
        }
        let between = store.compare_plan(plan, 1, Some(2)).await.unwrap();
        assert_eq!(between.changed.len(), 1, "{at}");
        let now = store.compare_plan(plan, 2, None).await.unwrap();
        assert_eq!(now.status, PlanChange::Unchanged, "{at}: {now:?}");
        store.close().await;
    }
}

#[tokio::test]
async fn rolling_forward_carries_unfinished_actions_and_next_years_targets() {
    for b in backends("roll_forward").await {
        let at = b.name;
        let store = Store::open(&b.url).await.unwrap();
        let mut doc = sample_document();
        let fy = |y: &str| y.parse::<FinancialYear>().unwrap();
        doc.plans[0].indicators[0].targets = vec![
            Target {
                period: Period::Year(fy("2017/18")),
                text: "80%".into(),
                value: Some(80.0),
            },
            Target {
                period: Period::Year(fy("2018/19")),
                text: "85%".into(),
                value: Some(85.0),
            },
        ];
        // The second action was achieved; the first is under way.
        doc.plans[0].actions[1].updates = vec![ProgressUpdate {
            as_at: day(2018, 3, 31),
            status: ActionStatus::Achieved,
            percent_complete: Some(100),
            commentary: "Done.".into(),
            author: None,
        }];
        import(&store, "roll", &doc).await;
        let plan = store.list_plans().await.unwrap()[0].id;
        let old_actions = store.plan_actions(plan).await.unwrap();
        let next = store.roll_forward(plan, &who("amy")).await.unwrap();
        let exported = store.export_document(&[next]).await.unwrap();
        let rolled = &exported.plans[0];
        assert_eq!(rolled.title, "Service plans 2018/19", "{at}");
        assert_eq!(rolled.period.unwrap().from, fy("2018/19"), "{at}");
        assert_eq!(rolled.status, goldthread_domain::PlanStatus::Draft, "{at}");
        assert_eq!(rolled.nodes.len(), 2, "{at}: the thread carried");
        let titles: Vec<&str> = rolled.actions.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Set up a shared service Home Improvement Agency (HIA)"],
            "{at}"
        );
        assert!(rolled.actions[0].updates.is_empty(), "{at}");
        assert_eq!(rolled.actions[0].nodes, [1], "{at}: links kept");
        assert_eq!(
            rolled.indicators[0].targets,
            [Target {
                period: Period::Year(fy("2018/19")),
                text: "85%".into(),
                value: Some(85.0),
            }],
            "{at}"
        );
        // The carried action names the one it came from, whose history
        // stays with the old plan.
        let pool = raw_pool(&b.url).await;
        let carried: Option<i64> =
            sqlx::query("SELECT carried_from FROM actions WHERE plan_id = $1")
                .bind(next)
                .fetch_one(&pool)
                .await
                .unwrap()
                .try_get(0)
                .unwrap();
        assert_eq!(carried, Some(old_actions[0].id), "{at}");
        assert_eq!(
            store.export_document(&[plan]).await.unwrap().plans[0].actions[0]
                .updates
                .len(),
            1,
            "{at}: the old plan keeps its progress"
        );
        // Once is enough.
        assert!(matches!(
            store.roll_forward(plan, &who("amy")).await,
            Err(StoreError::Taken(m)) if m.contains("exists already")
        ));
        pool.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn the_template_is_kept_and_an_edit_leaves_the_fields_it_does_not_ask_for() {
    use goldthread_domain::{ActionField, Template};
    for b in backends("template").await {
        let at = b.name;
        let store = Store::open(&b.url).await.unwrap();
        let (template, version) = store.template().await.unwrap();
        assert_eq!(template, Template::default(), "{at}: none kept yet");
        let mut doc = sample_document();
        doc.plans[0].actions[0].details.set(
            goldthread_domain::DetailField::Target,
            Some("Every eligible home".into()),
        );
        import(&store, "template", &doc).await;
        let plan = store.list_plans().await.unwrap()[0].id;
        let action = store.plan_actions(plan).await.unwrap()[0].id;

        let ours = Template {
            action_fields: vec![ActionField::PriorityLink],
            council_priorities: vec!["PEOPLE".into(), "PLACE".into()],
            ..Template::default()
        };
        // The organisation came with the import, so the form saw version 0
        // of none; the store takes the organisation as it now stands.
        store
            .set_template(&ours, version, &who("ed"))
            .await
            .unwrap();
        let (kept, version) = store.template().await.unwrap();
        assert_eq!(kept, ours, "{at}");
        assert!(matches!(
            store.set_template(&ours, version - 1, &who("ed")).await,
            Err(StoreError::Conflict { .. })
        ));
        let broken = Template {
            levels: vec![],
            ..ours.clone()
        };
        assert!(matches!(
            store.set_template(&broken, version, &who("ed")).await,
            Err(StoreError::Invalid(_))
        ));

        // An edit through the template's form gives only its fields.
        let edit = store.action_for_edit(action).await.unwrap();
        let fields = goldthread_storage::ActionFields {
            code: edit.code.clone(),
            title: edit.title.clone(),
            details: vec![(ActionField::PriorityLink, Some("PLACE".into()))],
            due: None,
            lead_officers: edit.lead_officers.clone(),
            milestones: vec![],
            nodes: edit.nodes.clone(),
            links: None,
        };
        store
            .edit_action(action, edit.version, &fields, &who("ed"))
            .await
            .unwrap();
        let after = store.action_for_edit(action).await.unwrap();
        let value = |field: ActionField| {
            after
                .details
                .iter()
                .find(|(f, _)| *f == field)
                .and_then(|(_, v)| v.clone())
        };
        assert_eq!(
            value(ActionField::PriorityLink).as_deref(),
            Some("PLACE"),
            "{at}"
        );
        assert_eq!(
            value(ActionField::Target).as_deref(),
            Some("Every eligible home"),
            "{at}: a field the template does not ask for is kept"
        );
        store.close().await;
    }
}
