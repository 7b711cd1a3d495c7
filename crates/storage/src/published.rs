//! Report packs published to the public. Only what was asked is kept
//! (period, scope, the day whose knowledge it shows): the history rebuilds
//! the figures known that day exactly, so the public copy never changes
//! after it is published, however the data moves on. Publishing and
//! withdrawing are recorded in the history like any edit.

use crate::error::StoreError;
use crate::history::{Actor, ChangeContext};
use crate::write::{self, Val};
use crate::{Store, now_text};
use sqlx::{AnyConnection, Row};

/// What an editor publishes: the report request, as text the reports
/// crate reads (`2017/18-Q2`, `council` / `plan:3` / `service:…`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewPublishedReport {
    pub period: String,
    pub scope: String,
    /// `YYYY-MM-DD`: the figures as known at the end of this day.
    pub known_at: String,
    pub committee: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublishedReport {
    pub id: i64,
    pub request: NewPublishedReport,
    pub published_at: String,
    pub published_by: String,
    pub version: i64,
}

const COLUMNS: &str = "id, period, scope, known_at, committee, published_at, published_by, version";

fn from_row(row: &sqlx::any::AnyRow) -> Result<PublishedReport, StoreError> {
    Ok(PublishedReport {
        id: row.try_get(0)?,
        request: NewPublishedReport {
            period: row.try_get(1)?,
            scope: row.try_get(2)?,
            known_at: row.try_get(3)?,
            committee: row.try_get(4)?,
        },
        published_at: row.try_get(5)?,
        published_by: row.try_get(6)?,
        version: row.try_get(7)?,
    })
}

impl Store {
    pub async fn publish_report(
        &self,
        report: &NewPublishedReport,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let at = now_text();
        let ctx = ChangeContext::edit(actor, &at, None);
        let id = write::insert(
            conn,
            ctx,
            "published_reports",
            &[
                ("period", report.period.as_str().into()),
                ("scope", report.scope.as_str().into()),
                ("known_at", report.known_at.as_str().into()),
                ("committee", report.committee.clone().into()),
                ("published_at", at.as_str().into()),
                ("published_by", actor.name.as_str().into()),
            ],
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(id)
    }

    /// Takes a report off the public pages; it stays in the history.
    pub async fn withdraw_report(&self, id: i64, actor: &Actor) -> Result<(), StoreError> {
        let report = self.published_report(id).await?;
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let at = now_text();
        let ctx = ChangeContext::edit(actor, &at, None);
        write::update_versioned(
            conn,
            ctx,
            "published_reports",
            id,
            report.version,
            &[
                ("withdrawn_at", Val::Text(Some(at.clone()))),
                ("withdrawn_by", Val::Text(Some(actor.name.clone()))),
            ],
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(())
    }

    /// The reports on the public pages, newest first.
    pub async fn published_reports(&self) -> Result<Vec<PublishedReport>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM published_reports WHERE withdrawn_at IS NULL ORDER BY id DESC"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(from_row)
            .collect()
    }

    /// One published report; not found once withdrawn.
    pub async fn published_report(&self, id: i64) -> Result<PublishedReport, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM published_reports WHERE id = $1 AND withdrawn_at IS NULL"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "published_reports",
                id,
            })?;
        from_row(&row)
    }
}
