//! Sign-off and the change log: what waits for approval, approving or
//! returning it, and reading the history by account, record and date.

use crate::error::{Record, StoreError};
use crate::history::{Actor, ChangeContext, HistoryEntry, Origin, entry_from_row};
use crate::write::{self, Val};
use crate::{Store, now_text};
use goldthread_domain::Review;
use serde::Serialize;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

/// What kind of submission waits: a progress update or an indicator value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Submission {
    Update,
    Value,
}

impl Submission {
    pub fn parse(text: &str) -> Option<Submission> {
        match text {
            "update" => Some(Submission::Update),
            "value" => Some(Submission::Value),
            _ => None,
        }
    }

    fn table(self) -> &'static str {
        match self {
            Submission::Update => "progress_updates",
            Submission::Value => "measurements",
        }
    }
}

/// An update or value with its review state, as the queue and the
/// officer's own list show it.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionRow {
    pub kind: Submission,
    pub id: i64,
    pub version: i64,
    /// The action or indicator it belongs to.
    pub record_id: i64,
    pub record_code: Option<String>,
    pub record_title: String,
    /// "On target, 60%: commentary…" or "2024/25 Q2: 94.5".
    pub summary: String,
    pub submitted_by: Option<String>,
    pub submitted_at: String,
    pub review: Review,
    pub review_comment: Option<String>,
    pub reviewed_by: Option<String>,
}

/// Which history rows to read; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    pub account_id: Option<i64>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    /// Timestamps as stored (RFC 3339 text), from inclusive, to exclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Rows older than this id (the next page).
    pub before_id: Option<i64>,
    pub limit: i64,
}

impl Store {
    /// Submissions in `states`, oldest first; only `account_id`'s if given.
    pub async fn submissions(
        &self,
        states: &[Review],
        account_id: Option<i64>,
    ) -> Result<Vec<SubmissionRow>, StoreError> {
        let states: Vec<String> = states.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let states = states.join(", ");
        let by = if account_id.is_some() {
            "AND u.account_id = $1"
        } else {
            "AND $1 IS NULL"
        };
        let sql = format!(
            "SELECT 'update' AS kind, u.id, u.version, a.id AS record_id, a.code, a.title, \
                    u.status, u.percent_complete, u.commentary, NULL AS period, NULL AS value, NULL AS text, \
                    u.author, u.recorded_at, u.review, u.review_comment, u.reviewed_by \
             FROM progress_updates u JOIN actions a ON a.id = u.action_id WHERE u.review IN ({states}) {by} \
             UNION ALL \
             SELECT 'value', u.id, u.version, i.id, i.code, i.title, \
                    NULL, NULL, u.note, u.period, u.value, u.text, \
                    u.recorded_by, u.recorded_at, u.review, u.review_comment, u.reviewed_by \
             FROM measurements u JOIN indicators i ON i.id = u.indicator_id WHERE u.review IN ({states}) {by} \
             ORDER BY 14, 2"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get(0)?;
                let kind = Submission::parse(&kind).unwrap_or(Submission::Update);
                let id: i64 = r.try_get(1)?;
                let review: String = r.try_get(14)?;
                let summary = match kind {
                    Submission::Update => {
                        let status: Option<String> = r.try_get(6)?;
                        let percent: Option<i64> = r.try_get(7)?;
                        let commentary: Option<String> = r.try_get(8)?;
                        let status = Record::new(kind.table(), id)
                            .read_optional(
                                "status",
                                status.as_deref(),
                                "an action status",
                                goldthread_domain::ActionStatus::parse,
                            )?
                            .map_or("Update", |s| s.label());
                        let mut text = status.to_string();
                        if let Some(p) = percent {
                            text.push_str(&format!(", {p}% complete"));
                        }
                        if let Some(c) = commentary.filter(|c| !c.is_empty()) {
                            text.push_str(": ");
                            text.push_str(&c);
                        }
                        text
                    }
                    Submission::Value => {
                        let period: Option<String> = r.try_get(9)?;
                        let value: Option<f64> = r.try_get(10)?;
                        let text: Option<String> = r.try_get(11)?;
                        let shown = value
                            .map(|v| v.to_string())
                            .or(text)
                            .unwrap_or_else(|| "no value".into());
                        format!("{}: {shown}", period.unwrap_or_default())
                    }
                };
                Ok(SubmissionRow {
                    kind,
                    id,
                    version: r.try_get(2)?,
                    record_id: r.try_get(3)?,
                    record_code: r.try_get(4)?,
                    record_title: r.try_get(5)?,
                    summary,
                    submitted_by: r.try_get(12)?,
                    submitted_at: r.try_get(13)?,
                    review: Record::new(kind.table(), id).read(
                        "review",
                        &review,
                        "a review state",
                        Review::parse,
                    )?,
                    review_comment: r.try_get(15)?,
                    reviewed_by: r.try_get(16)?,
                })
            })
            .collect()
    }

    /// Approves or returns a pending submission seen at `expected_version`.
    /// Returning needs a comment; a submission no longer pending is a
    /// conflict naming who reviewed it.
    pub async fn review_submission(
        &self,
        kind: Submission,
        id: i64,
        expected_version: i64,
        decision: Review,
        comment: Option<&str>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        match decision {
            Review::Pending => {
                return Err(StoreError::Invalid(
                    "a review approves or returns; it cannot make a submission pending".into(),
                ));
            }
            Review::Returned if comment.is_none() => {
                return Err(StoreError::Invalid(
                    "say why it is returned: the officer sees the comment".into(),
                ));
            }
            _ => {}
        }
        let table = kind.table();
        let parent = match kind {
            Submission::Update => {
                "SELECT u.review, a.plan_id FROM progress_updates u JOIN actions a ON a.id = u.action_id WHERE u.id = $1"
            }
            Submission::Value => {
                "SELECT u.review, i.plan_id FROM measurements u JOIN indicators i ON i.id = u.indicator_id WHERE u.id = $1"
            }
        };
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let row = sqlx::query(parent)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound { entity: table, id })?;
        let state: String = row.try_get(0)?;
        let plan_id: i64 = row.try_get(1)?;
        if state != Review::Pending.as_str() {
            return Err(StoreError::Invalid(format!(
                "this submission is {state} already; reload the queue"
            )));
        }
        let at = now_text();
        let ctx = ChangeContext {
            actor,
            at: &at,
            plan_id: Some(plan_id),
            origin: Origin::Edit,
        };
        write::update_versioned(
            conn,
            ctx,
            table,
            id,
            expected_version,
            &[
                ("review", decision.as_str().into()),
                ("reviewed_by", actor.name.as_str().into()),
                ("reviewed_at", at.as_str().into()),
                ("review_comment", Val::Text(comment.map(str::to_string))),
            ],
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(())
    }

    /// History rows matching `filter`, newest first.
    pub async fn change_log(&self, filter: &ChangeFilter) -> Result<Vec<HistoryEntry>, StoreError> {
        let mut clauses = Vec::new();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        if filter.account_id.is_some() {
            clauses.push(format!("account_id = {}", next()));
        }
        if filter.entity.is_some() {
            clauses.push(format!("entity = {}", next()));
        }
        if filter.entity_id.is_some() {
            clauses.push(format!("entity_id = {}", next()));
        }
        if filter.from.is_some() {
            clauses.push(format!("at >= {}", next()));
        }
        if filter.to.is_some() {
            clauses.push(format!("at < {}", next()));
        }
        if filter.before_id.is_some() {
            clauses.push(format!("id < {}", next()));
        }
        let limit = next();
        let filter_sql = if clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", clauses.join(" AND "))
        };
        let sql = format!("SELECT * FROM history {filter_sql} ORDER BY id DESC LIMIT {limit}");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        if let Some(v) = filter.account_id {
            query = query.bind(v);
        }
        if let Some(v) = &filter.entity {
            query = query.bind(v.clone());
        }
        if let Some(v) = filter.entity_id {
            query = query.bind(v);
        }
        if let Some(v) = &filter.from {
            query = query.bind(v.clone());
        }
        if let Some(v) = &filter.to {
            query = query.bind(v.clone());
        }
        if let Some(v) = filter.before_id {
            query = query.bind(v);
        }
        let rows = query
            .bind(filter.limit.clamp(1, 1000))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// The history of a record and of the rows that belong to it (an
    /// action's updates, revisions and milestones; an indicator's values
    /// and targets), newest first.
    pub async fn record_history(
        &self,
        entity: &'static str,
        id: i64,
    ) -> Result<Vec<HistoryEntry>, StoreError> {
        let (children, parent_column): (&[&str], &str) = match entity {
            "actions" => (
                &[
                    "progress_updates",
                    "due_revisions",
                    "milestones",
                    "action_officers",
                ],
                "action_id",
            ),
            "indicators" => (
                &["measurements", "targets", "indicator_links"],
                "indicator_id",
            ),
            "risks" => (&["risk_links"], "risk_id"),
            "plans" => (&[], "plan_id"),
            _ => (&[], ""),
        };
        let mut entries = self.history_of(entity, id).await?;
        if entity == "plans" {
            let rows = sqlx::query("SELECT * FROM history WHERE plan_id = $1 AND NOT (entity = 'plans' AND entity_id = $1) ORDER BY id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
            for row in &rows {
                entries.push(entry_from_row(row)?);
            }
        } else if !children.is_empty() {
            let plan_sql = format!("SELECT plan_id FROM {entity} WHERE id = $1");
            let plan_id: Option<i64> = sqlx::query(AssertSqlSafe(plan_sql))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
            let list: Vec<String> = children.iter().map(|c| format!("'{c}'")).collect();
            let sql = format!(
                "SELECT * FROM history WHERE entity IN ({}) AND (plan_id = $1 OR plan_id IS NULL) ORDER BY id",
                list.join(", ")
            );
            for row in sqlx::query(AssertSqlSafe(sql))
                .bind(plan_id)
                .fetch_all(&self.pool)
                .await?
            {
                let entry = entry_from_row(&row)?;
                let belongs = [&entry.after, &entry.before]
                    .into_iter()
                    .flatten()
                    .any(|state| {
                        state.get(parent_column).and_then(serde_json::Value::as_i64) == Some(id)
                    });
                if belongs {
                    entries.push(entry);
                }
            }
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.id));
        Ok(entries)
    }
}
