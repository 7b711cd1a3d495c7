//! Reading plans back: summaries for lists, and whole plans for export.

use crate::Store;
use crate::error::StoreError;
use crate::history::{HistoryEntry, entry_from_row};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    pub source_file: Option<String>,
    pub actions: i64,
    pub indicators: i64,
}

/// An action as listed in tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRow {
    pub id: i64,
    pub plan_id: i64,
    pub code: Option<String>,
    pub title: String,
    pub due_text: Option<String>,
    pub due_latest: Option<String>,
    pub version: i64,
}

impl Store {
    pub async fn list_plans(&self) -> Result<Vec<PlanSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.id, p.title, p.kind, p.status, p.period_from, p.period_to, s.file_name, \
               (SELECT COUNT(*) FROM actions a WHERE a.plan_id = p.id) AS actions, \
               (SELECT COUNT(*) FROM indicators i WHERE i.plan_id = p.id) AS indicators \
             FROM plans p LEFT JOIN source_documents s ON s.id = p.source_document_id ORDER BY p.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PlanSummary {
                    id: row.try_get(0)?,
                    title: row.try_get(1)?,
                    kind: row.try_get(2)?,
                    status: row.try_get(3)?,
                    period_from: row.try_get(4)?,
                    period_to: row.try_get(5)?,
                    source_file: row.try_get(6)?,
                    actions: row.try_get(7)?,
                    indicators: row.try_get(8)?,
                })
            })
            .collect()
    }

    pub async fn plan_actions(&self, plan_id: i64) -> Result<Vec<ActionRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, plan_id, code, title, due_text, due_latest, version FROM actions WHERE plan_id = $1 ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ActionRow {
                    id: row.try_get(0)?,
                    plan_id: row.try_get(1)?,
                    code: row.try_get(2)?,
                    title: row.try_get(3)?,
                    due_text: row.try_get(4)?,
                    due_latest: row.try_get(5)?,
                    version: row.try_get(6)?,
                })
            })
            .collect()
    }

    /// The history of one record, oldest first.
    pub async fn history_of(&self, entity: &str, id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows =
            sqlx::query("SELECT * FROM history WHERE entity = $1 AND entity_id = $2 ORDER BY id")
                .bind(entity)
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Row count of a table, for checks and tests.
    pub async fn count(&self, table: &'static str) -> Result<i64, StoreError> {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?)
    }
}
