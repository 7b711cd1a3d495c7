//! What a progress workbook records to tell a later change from its own
//! export: each action's version, and each value's version with what it
//! held. A record whose version has moved since was changed by someone.

use crate::Store;
use crate::error::StoreError;
use sqlx::Row;
use std::collections::HashMap;

/// A stored value of an indicator for a period, as it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueStamp {
    pub version: i64,
    pub value: Option<f64>,
    pub text: Option<String>,
    /// Its sign-off state: approved, pending or returned.
    pub review: String,
    pub recorded_by: Option<String>,
}

/// Every action's version and every value of a plan's indicators.
#[derive(Debug, Clone, Default)]
pub struct PlanStamps {
    pub actions: HashMap<i64, i64>,
    /// By indicator id and period (as the period is written).
    pub values: HashMap<(i64, String), ValueStamp>,
}

impl Store {
    /// The versions of a plan's actions and values, whatever their
    /// sign-off state (a pending value is still a change since an export).
    pub async fn plan_stamps(&self, plan_id: i64) -> Result<PlanStamps, StoreError> {
        let mut stamps = PlanStamps::default();
        let actions = sqlx::query("SELECT id, version FROM actions WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(&self.pool)
            .await?;
        for row in actions {
            stamps.actions.insert(row.try_get(0)?, row.try_get(1)?);
        }
        let values = sqlx::query(
            "SELECT m.indicator_id, m.period, m.version, m.value, m.text, m.review, m.recorded_by \
             FROM measurements m JOIN indicators i ON i.id = m.indicator_id WHERE i.plan_id = $1",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        for row in values {
            stamps.values.insert(
                (row.try_get(0)?, row.try_get(1)?),
                ValueStamp {
                    version: row.try_get(2)?,
                    value: row.try_get(3)?,
                    text: row.try_get(4)?,
                    review: row.try_get(5)?,
                    recorded_by: row.try_get(6)?,
                },
            );
        }
        Ok(stamps)
    }

    /// Who last changed a record, and when (RFC 3339), from its history.
    pub async fn last_change(
        &self,
        entity: &'static str,
        id: i64,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row = sqlx::query(
            "SELECT actor, at FROM history WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT 1",
        )
        .bind(entity)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(row) => Some((row.try_get(0)?, row.try_get(1)?)),
            None => None,
        })
    }
}

impl Store {
    /// The id of an indicator's value for a period, if it has one.
    pub async fn measurement_id(
        &self,
        indicator_id: i64,
        period: goldthread_domain::Period,
    ) -> Result<Option<i64>, StoreError> {
        let row =
            sqlx::query("SELECT id FROM measurements WHERE indicator_id = $1 AND period = $2")
                .bind(indicator_id)
                .bind(period.to_string())
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(row) => Some(row.try_get(0)?),
            None => None,
        })
    }
}
