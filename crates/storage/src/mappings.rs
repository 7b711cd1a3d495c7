//! What the user said a data table's columns mean, remembered per table
//! layout (the table's headings, normalised: the importer's
//! `mapping::layout_key`). The store keeps each as the JSON of one table of
//! a mapping file and does not read it: the importer owns the format, and
//! storage does not depend on the importer.

use crate::Store;
use crate::error::StoreError;
use crate::history::{Actor, ChangeContext, Origin};
use crate::now_text;
use crate::write;
use serde::Serialize;
use sqlx::Row;

/// One remembered table layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedMapping {
    pub id: i64,
    pub layout_key: String,
    /// One `TableMapping` (headings and columns) as JSON.
    pub mapping: String,
    pub updated_by: String,
    pub updated_at: String,
    pub version: i64,
}

impl Store {
    /// Every remembered table layout, oldest first.
    pub async fn saved_mappings(&self) -> Result<Vec<SavedMapping>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, layout_key, mapping, updated_by, updated_at, version FROM table_mappings ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SavedMapping {
                    id: row.try_get(0)?,
                    layout_key: row.try_get(1)?,
                    mapping: row.try_get(2)?,
                    updated_by: row.try_get(3)?,
                    updated_at: row.try_get(4)?,
                    version: row.try_get(5)?,
                })
            })
            .collect()
    }

    /// Remembers what a table layout's columns mean: inserted, or replacing
    /// what was remembered for the layout (unchanged text writes nothing).
    /// Both go through `write.rs`, so both are in the history.
    pub async fn remember_mapping(
        &self,
        layout_key: &str,
        mapping_json: &str,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        if layout_key.is_empty() {
            return Err(StoreError::Invalid(
                "a table layout needs headings to be remembered".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let conn = &mut *tx;
        let at = now_text();
        let ctx = ChangeContext {
            actor,
            at: &at,
            plan_id: None,
            origin: Origin::Edit,
        };
        let held =
            sqlx::query("SELECT id, mapping, version FROM table_mappings WHERE layout_key = $1")
                .bind(layout_key)
                .fetch_optional(&mut *conn)
                .await?;
        match held {
            Some(row) => {
                let id: i64 = row.try_get(0)?;
                let mapping: String = row.try_get(1)?;
                let version: i64 = row.try_get(2)?;
                if mapping == mapping_json {
                    return Ok(());
                }
                write::update_versioned(
                    conn,
                    ctx,
                    "table_mappings",
                    id,
                    version,
                    &[
                        ("mapping", mapping_json.into()),
                        ("updated_by", actor.name.as_str().into()),
                        ("updated_at", at.as_str().into()),
                    ],
                )
                .await?;
            }
            None => {
                let organisation: Option<i64> =
                    sqlx::query("SELECT id FROM organisations ORDER BY id LIMIT 1")
                        .fetch_optional(&mut *conn)
                        .await?
                        .map(|row| row.try_get(0))
                        .transpose()?;
                write::insert(
                    conn,
                    ctx,
                    "table_mappings",
                    &[
                        ("organisation_id", organisation.into()),
                        ("layout_key", layout_key.into()),
                        ("mapping", mapping_json.into()),
                        ("updated_by", actor.name.as_str().into()),
                        ("updated_at", at.as_str().into()),
                    ],
                )
                .await?;
            }
        }
        self.commit_write(tx).await
    }
}
