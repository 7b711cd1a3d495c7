//! Monitoring writes: progress on actions, revised due dates, indicator
//! values. Each bumps the version of the record it changes, so a form
//! opened before someone else's change is refused rather than overwriting.

use crate::error::{Record, StoreError};
use crate::history::{Actor, ChangeContext, Origin};
use crate::import::date_text;
use crate::write::{self, Val};
use crate::{Store, now_text};
use chrono::NaiveDate;
use goldthread_domain::status::Rag;
use goldthread_domain::{
    ActionStatus, DueRevision, FuzzyDate, Measurement, Period, ProgressUpdate, Review,
};
use sqlx::{AnyConnection, Row};

/// A progress report from a lead officer.
#[derive(Debug, Clone)]
pub struct NewProgress {
    pub as_at: NaiveDate,
    pub status: ActionStatus,
    pub percent_complete: Option<u8>,
    pub commentary: String,
    /// A new due date, with the reason it moved.
    pub revised_due: Option<(FuzzyDate, String)>,
}

/// A value for one period of an indicator.
#[derive(Debug, Clone)]
pub struct NewMeasurement {
    pub period: Period,
    pub value: Option<f64>,
    pub text: Option<String>,
    pub note: Option<String>,
}

impl Store {
    /// Records progress on an action edited at `expected_version`, as
    /// `review` says: approved at once, or pending sign-off.
    pub async fn record_progress(
        &self,
        action_id: i64,
        expected_version: i64,
        progress: &NewProgress,
        actor: &Actor,
        review: Review,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        progress_in(
            &mut tx,
            action_id,
            expected_version,
            progress,
            actor,
            review,
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(())
    }

    /// Records (or corrects) an indicator's value for a period. A new value
    /// passes `expected_version: None`; a correction passes the version of
    /// the value the user saw.
    pub async fn record_measurement(
        &self,
        indicator_id: i64,
        measurement: &NewMeasurement,
        expected_version: Option<i64>,
        actor: &Actor,
        review: Review,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        measurement_in(
            &mut tx,
            indicator_id,
            measurement,
            expected_version,
            actor,
            review,
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(())
    }
}

impl Store {
    /// Publishes a plan (its pages and open data become public) or
    /// withdraws it, as an edit in the plan's history.
    pub async fn set_published(
        &self,
        plan_id: i64,
        publish: bool,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let row = sqlx::query("SELECT version, approved_revision FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "plans",
                id: plan_id,
            })?;
        let version: i64 = row.try_get(0)?;
        let approved: Option<i64> = row.try_get(1)?;
        if publish && approved.is_none() {
            return Err(StoreError::Invalid(
                "only an approved plan can be published: this one has never been approved".into(),
            ));
        }
        let at = now_text();
        let ctx = ChangeContext {
            actor,
            at: &at,
            plan_id: Some(plan_id),
            origin: Origin::Edit,
        };
        let (when, who) = if publish {
            (Some(at.clone()), Some(actor.name.clone()))
        } else {
            (None, None)
        };
        write::update_versioned(
            conn,
            ctx,
            "plans",
            plan_id,
            version,
            &[
                ("published_at", Val::Text(when)),
                ("published_by", Val::Text(who)),
            ],
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(())
    }
}

/// [`Store::record_progress`] inside the caller's transaction.
async fn progress_in(
    conn: &mut AnyConnection,
    action_id: i64,
    expected_version: i64,
    progress: &NewProgress,
    actor: &Actor,
    review: Review,
) -> Result<(), StoreError> {
    let plan_id = plan_of(conn, "actions", action_id).await?;
    let at = now_text();
    let ctx = ChangeContext {
        actor,
        at: &at,
        plan_id: Some(plan_id),
        origin: Origin::Edit,
    };
    if let Some((to, reason)) = &progress.revised_due {
        let row =
            sqlx::query("SELECT due_text, due_earliest, due_latest FROM actions WHERE id = $1")
                .bind(action_id)
                .fetch_one(&mut *conn)
                .await?;
        let current = current_due(conn, action_id, &row).await?;
        let position: i64 = sqlx::query("SELECT COUNT(*) FROM due_revisions WHERE action_id = $1")
            .bind(action_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        let revision = DueRevision {
            from: current,
            to: to.clone(),
            reason: Some(reason.clone()),
            reported: Some(progress.as_at),
        };
        insert_revision(conn, ctx, action_id, position as usize, &revision).await?;
    }
    write::touch(conn, ctx, "actions", action_id, expected_version).await?;
    let update = ProgressUpdate {
        as_at: progress.as_at,
        status: progress.status,
        percent_complete: progress.percent_complete,
        commentary: progress.commentary.clone(),
        author: Some(actor.name.clone()),
    };
    insert_update(conn, ctx, action_id, &update, review).await
}

/// [`Store::record_measurement`] inside the caller's transaction.
async fn measurement_in(
    conn: &mut AnyConnection,
    indicator_id: i64,
    measurement: &NewMeasurement,
    expected_version: Option<i64>,
    actor: &Actor,
    review: Review,
) -> Result<(), StoreError> {
    let plan_id = plan_of(conn, "indicators", indicator_id).await?;
    let at = now_text();
    let ctx = ChangeContext {
        actor,
        at: &at,
        plan_id: Some(plan_id),
        origin: Origin::Edit,
    };
    let existing =
        sqlx::query("SELECT id, version FROM measurements WHERE indicator_id = $1 AND period = $2")
            .bind(indicator_id)
            .bind(measurement.period.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    match (existing, expected_version) {
        (Some(row), expected) => {
            let id: i64 = row.try_get(0)?;
            // Someone else entered a value while this user was typing one.
            let expected = expected.unwrap_or(0);
            write::update_versioned(
                conn,
                ctx,
                "measurements",
                id,
                expected,
                &[
                    ("value", Val::Real(measurement.value)),
                    ("text", measurement.text.clone().into()),
                    ("note", measurement.note.clone().into()),
                    ("recorded_by", actor.name.as_str().into()),
                    ("recorded_at", at.as_str().into()),
                    ("account_id", actor.account_id.into()),
                    ("review", review.as_str().into()),
                    ("reviewed_by", Val::Text(None)),
                    ("reviewed_at", Val::Text(None)),
                    ("review_comment", Val::Text(None)),
                ],
            )
            .await?;
        }
        (None, Some(_)) => {
            return Err(StoreError::NotFound {
                entity: "measurements",
                id: indicator_id,
            });
        }
        (None, None) => {
            let m = Measurement {
                period: measurement.period,
                value: measurement.value,
                text: measurement.text.clone(),
                note: measurement.note.clone(),
                status: None,
                recorded_by: Some(actor.name.clone()),
                recorded_at: None,
            };
            insert_measurement(conn, ctx, indicator_id, &m, review).await?;
        }
    }
    Ok(())
}
/// One progress update or value of a batch ([`Store::record_all`]).
#[derive(Debug, Clone)]
pub enum Recording {
    Progress {
        action_id: i64,
        expected_version: i64,
        progress: NewProgress,
    },
    Value {
        indicator_id: i64,
        /// The version of the value replaced; `None` for a new one.
        expected_version: Option<i64>,
        measurement: NewMeasurement,
    },
}

impl Store {
    /// Records every update and value as [`Store::record_progress`] and
    /// [`Store::record_measurement`] do, in one transaction: all of them,
    /// or (on the first conflict or error) none.
    pub async fn record_all(
        &self,
        recordings: &[Recording],
        actor: &Actor,
        review: Review,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for recording in recordings {
            match recording {
                Recording::Progress {
                    action_id,
                    expected_version,
                    progress,
                } => {
                    progress_in(
                        &mut tx,
                        *action_id,
                        *expected_version,
                        progress,
                        actor,
                        review,
                    )
                    .await?
                }
                Recording::Value {
                    indicator_id,
                    expected_version,
                    measurement,
                } => {
                    measurement_in(
                        &mut tx,
                        *indicator_id,
                        measurement,
                        *expected_version,
                        actor,
                        review,
                    )
                    .await?
                }
            }
        }
        self.commit_write(tx).await?;
        Ok(())
    }
}

async fn plan_of(
    conn: &mut AnyConnection,
    table: &'static str,
    id: i64,
) -> Result<i64, StoreError> {
    let sql = match table {
        "actions" => "SELECT plan_id FROM actions WHERE id = $1",
        _ => "SELECT plan_id FROM indicators WHERE id = $1",
    };
    let row = sqlx::query(sql).bind(id).fetch_optional(&mut *conn).await?;
    match row {
        Some(row) => Ok(row.try_get(0)?),
        None => Err(StoreError::NotFound { entity: table, id }),
    }
}

/// The due date in force: the latest revision's, else the original.
async fn current_due(
    conn: &mut AnyConnection,
    action_id: i64,
    action: &sqlx::any::AnyRow,
) -> Result<FuzzyDate, StoreError> {
    let latest = sqlx::query("SELECT to_text, to_earliest, to_latest, id FROM due_revisions WHERE action_id = $1 ORDER BY position DESC LIMIT 1")
        .bind(action_id)
        .fetch_optional(&mut *conn)
        .await?;
    let (at, [earliest_field, latest_field]) = match &latest {
        Some(row) => (
            Record::new("due_revisions", row.try_get(3)?),
            ["to_earliest", "to_latest"],
        ),
        None => (
            Record::new("actions", action_id),
            ["due_earliest", "due_latest"],
        ),
    };
    let (text, earliest, latest): (Option<String>, Option<String>, Option<String>) = match latest {
        Some(row) => (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?),
        None => (action.try_get(0)?, action.try_get(1)?, action.try_get(2)?),
    };
    // An action with no due date has no text: the empty text is "none".
    Ok(FuzzyDate {
        text: text.unwrap_or_default(),
        earliest: at.optional_date(earliest_field, earliest.as_deref())?,
        latest: at.optional_date(latest_field, latest.as_deref())?,
        recurrence: None,
        reading: goldthread_domain::DateReading::Span,
    })
}

pub(crate) async fn insert_revision(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    action_id: i64,
    position: usize,
    r: &DueRevision,
) -> Result<(), StoreError> {
    write::insert(
        conn,
        ctx,
        "due_revisions",
        &[
            ("action_id", action_id.into()),
            ("position", (position as i64).into()),
            ("from_text", r.from.text.as_str().into()),
            ("from_earliest", date_text(r.from.earliest)),
            ("from_latest", date_text(r.from.latest)),
            ("to_text", r.to.text.as_str().into()),
            ("to_earliest", date_text(r.to.earliest)),
            ("to_latest", date_text(r.to.latest)),
            ("reason", r.reason.clone().into()),
            ("reported", date_text(r.reported)),
        ],
    )
    .await?;
    Ok(())
}

pub(crate) async fn insert_update(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    action_id: i64,
    u: &ProgressUpdate,
    review: Review,
) -> Result<(), StoreError> {
    write::insert(
        conn,
        ctx,
        "progress_updates",
        &[
            ("action_id", action_id.into()),
            ("as_at", u.as_at.to_string().into()),
            ("status", u.status.as_str().into()),
            (
                "percent_complete",
                Val::Int(u.percent_complete.map(i64::from)),
            ),
            ("commentary", u.commentary.as_str().into()),
            ("author", u.author.clone().into()),
            ("recorded_at", ctx.at.into()),
            ("account_id", ctx.actor.account_id.into()),
            ("review", review.as_str().into()),
        ],
    )
    .await?;
    Ok(())
}

/// Many values of one indicator at once, as an import gives them.
pub(crate) async fn insert_measurements(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    indicator_id: i64,
    measurements: &[Measurement],
) -> Result<(), StoreError> {
    let rows: Vec<Vec<Val>> = measurements
        .iter()
        .map(|m| {
            measurement_values(ctx, indicator_id, m)
                .into_iter()
                .map(|(_, v)| v)
                .collect()
        })
        .collect();
    write::insert_many(conn, ctx, "measurements", &MEASUREMENT_COLUMNS, &rows).await
}

const MEASUREMENT_COLUMNS: [&str; 9] = [
    "indicator_id",
    "period",
    "period_end",
    "value",
    "text",
    "note",
    "status",
    "recorded_by",
    "recorded_at",
];

fn measurement_values(
    ctx: ChangeContext<'_>,
    indicator_id: i64,
    m: &Measurement,
) -> Vec<(&'static str, Val)> {
    let recorded_at = m
        .recorded_at
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_else(|| ctx.at.to_string());
    let values = [
        Val::from(indicator_id),
        m.period.to_string().into(),
        m.period.last_day().to_string().into(),
        Val::Real(m.value),
        m.text.clone().into(),
        m.note.clone().into(),
        m.status.map(Rag::as_str).into(),
        m.recorded_by.clone().into(),
        recorded_at.into(),
    ];
    MEASUREMENT_COLUMNS.into_iter().zip(values).collect()
}

pub(crate) async fn insert_measurement(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    indicator_id: i64,
    m: &Measurement,
    review: Review,
) -> Result<(), StoreError> {
    let mut columns = measurement_values(ctx, indicator_id, m);
    columns.push(("account_id", ctx.actor.account_id.into()));
    columns.push(("review", review.as_str().into()));
    write::insert(conn, ctx, "measurements", &columns).await?;
    Ok(())
}
