//! The monitoring read model: everything the status pages compute from,
//! loaded in a handful of queries. Callers cache it against
//! [`Store::data_version`], which moves with every write.

use crate::Store;
use crate::error::StoreError;
use chrono::NaiveDate;
use goldthread_domain::status::StatusRules;
use goldthread_domain::{
    ActionStatus, Aggregation, Frequency, Organisation, Period, Polarity, Unit,
};
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct PlanInfo {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub owner: Option<String>,
    /// The first and last days of the plan's period, when it has one.
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub id: i64,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub level: String,
    pub label: String,
    pub title: String,
    pub strapline: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UpdateInfo {
    pub as_at: NaiveDate,
    pub status: ActionStatus,
}

#[derive(Debug, Clone)]
pub struct ActionInfo {
    pub id: i64,
    pub plan_id: i64,
    pub code: Option<String>,
    pub title: String,
    pub service_ref: Option<String>,
    pub due_text: Option<String>,
    /// Last day of the original due date.
    pub original_due: Option<NaiveDate>,
    /// Last day of the due date in force, after revisions.
    pub due: Option<NaiveDate>,
    pub officers: Vec<String>,
    pub node_ids: Vec<i64>,
    /// Progress updates, oldest first.
    pub updates: Vec<UpdateInfo>,
}

impl ActionInfo {
    /// The latest update on or before `as_at`.
    pub fn update_as_at(&self, as_at: NaiveDate) -> Option<&UpdateInfo> {
        let n = self.updates.partition_point(|u| u.as_at <= as_at);
        n.checked_sub(1).map(|i| &self.updates[i])
    }
}

#[derive(Debug, Clone)]
pub struct ValueInfo {
    pub period: Period,
    pub value: Option<f64>,
    pub text: Option<String>,
}

#[derive(Debug, Clone)]
pub struct IndicatorInfo {
    pub id: i64,
    pub plan_id: i64,
    pub code: Option<String>,
    pub title: String,
    pub unit: Unit,
    pub polarity: Polarity,
    pub frequency: Option<Frequency>,
    pub aggregation: Aggregation,
    pub tolerance: Option<f64>,
    pub node_ids: Vec<i64>,
    pub action_ids: Vec<i64>,
    pub targets: Vec<(Period, Option<f64>)>,
    /// Values in period order.
    pub values: Vec<ValueInfo>,
}

#[derive(Debug, Clone)]
pub struct MonitoringData {
    pub version: i64,
    pub organisation: Organisation,
    pub plans: Vec<PlanInfo>,
    pub nodes: Vec<NodeInfo>,
    pub actions: Vec<ActionInfo>,
    pub indicators: Vec<IndicatorInfo>,
}

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

/// The council's settings; the defaults until the first import creates it.
async fn read_organisation(conn: &mut sqlx::AnyConnection) -> Result<Organisation, StoreError> {
    let row = sqlx::query("SELECT name, amber_tolerance, collection_grace_days, risk_scale FROM organisations ORDER BY id LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    let Some(r) = row else {
        return Ok(Organisation::default());
    };
    Ok(Organisation {
        name: r.try_get(0)?,
        rules: StatusRules {
            amber_tolerance: r.try_get(1)?,
            collection_grace_days: r.try_get(2)?,
        },
        risk_scale: u8::try_from(r.try_get::<i64, _>(3)?)
            .unwrap_or(5)
            .clamp(2, 10),
    })
}

impl Store {
    pub async fn organisation(&self) -> Result<Organisation, StoreError> {
        let mut conn = self.pool.acquire().await?;
        read_organisation(&mut conn).await
    }

    /// A number that changes whenever any record changes: the newest
    /// history entry (the primary key's maximum), remembered for a moment
    /// (see `version.rs`).
    pub async fn data_version(&self) -> Result<i64, StoreError> {
        let generation = match self.version.fresh() {
            Ok(version) => return Ok(version),
            Err(generation) => generation,
        };
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM history")
            .fetch_one(&self.pool)
            .await?;
        let version = row.try_get(0)?;
        self.version.remember(generation, version);
        Ok(version)
    }

    pub async fn load_monitoring_data(&self) -> Result<MonitoringData, StoreError> {
        // Read in one transaction so the parts agree with each other.
        let mut tx = self.pool.begin().await?;
        let version: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM history")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let organisation = read_organisation(&mut tx).await?;
        let plans = sqlx::query("SELECT p.id, p.title, p.kind, u.name, p.period_to, p.period_from FROM plans p LEFT JOIN org_units u ON u.id = p.owner_unit_id ORDER BY p.id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                let period_to: Option<String> = r.try_get(4)?;
                Ok(PlanInfo {
                    id: r.try_get(0)?,
                    title: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    owner: r.try_get(3)?,
                    first_day: r
                        .try_get::<Option<String>, _>(5)?
                        .and_then(|p| p.parse::<goldthread_domain::FinancialYear>().ok())
                        .map(|fy| fy.first_day()),
                    last_day: period_to.and_then(|p| p.parse::<goldthread_domain::FinancialYear>().ok()).map(|fy| fy.last_day()),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        let nodes = sqlx::query("SELECT id, plan_id, parent_id, level, label, title, strapline FROM nodes ORDER BY plan_id, position")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| {
                Ok(NodeInfo {
                    id: r.try_get(0)?,
                    plan_id: r.try_get(1)?,
                    parent_id: r.try_get(2)?,
                    level: r.try_get(3)?,
                    label: r.try_get(4)?,
                    title: r.try_get(5)?,
                    strapline: r.try_get(6)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        let mut actions = Vec::new();
        let mut action_index = HashMap::new();
        for r in sqlx::query("SELECT id, plan_id, code, title, due_text, due_latest, service_ref FROM actions ORDER BY plan_id, position")
            .fetch_all(&mut *tx)
            .await?
        {
            let due = date(r.try_get(5)?);
            let id: i64 = r.try_get(0)?;
            action_index.insert(id, actions.len());
            actions.push(ActionInfo {
                id,
                plan_id: r.try_get(1)?,
                code: r.try_get(2)?,
                title: r.try_get(3)?,
                service_ref: r.try_get(6)?,
                due_text: r.try_get(4)?,
                original_due: due,
                due,
                officers: Vec::new(),
                node_ids: Vec::new(),
                updates: Vec::new(),
            });
        }
        for r in sqlx::query(
            "SELECT action_id, to_latest FROM due_revisions ORDER BY action_id, position",
        )
        .fetch_all(&mut *tx)
        .await?
        {
            if let Some(&i) = action_index.get(&r.try_get::<i64, _>(0)?) {
                actions[i].due = date(r.try_get(1)?);
            }
        }
        for r in sqlx::query("SELECT ao.action_id, p.title FROM action_officers ao JOIN posts p ON p.id = ao.post_id ORDER BY ao.action_id, ao.position")
            .fetch_all(&mut *tx)
            .await?
        {
            if let Some(&i) = action_index.get(&r.try_get::<i64, _>(0)?) {
                actions[i].officers.push(r.try_get(1)?);
            }
        }
        for r in sqlx::query("SELECT action_id, node_id FROM action_nodes ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
        {
            if let Some(&i) = action_index.get(&r.try_get::<i64, _>(0)?) {
                actions[i].node_ids.push(r.try_get(1)?);
            }
        }
        for r in sqlx::query(
            "SELECT action_id, as_at, status FROM progress_updates WHERE review = 'approved' ORDER BY action_id, as_at, id",
        )
        .fetch_all(&mut *tx)
        .await?
        {
            let (Some(&i), Some(as_at), Some(status)) = (
                action_index.get(&r.try_get::<i64, _>(0)?),
                date(r.try_get(1)?),
                ActionStatus::parse(&r.try_get::<String, _>(2)?),
            ) else {
                continue;
            };
            actions[i].updates.push(UpdateInfo { as_at, status });
        }

        let mut indicators = Vec::new();
        let mut indicator_index = HashMap::new();
        for r in sqlx::query("SELECT id, plan_id, code, title, unit, polarity, frequency, aggregation, tolerance FROM indicators ORDER BY plan_id, position")
            .fetch_all(&mut *tx)
            .await?
        {
            let id: i64 = r.try_get(0)?;
            indicator_index.insert(id, indicators.len());
            indicators.push(IndicatorInfo {
                id,
                plan_id: r.try_get(1)?,
                code: r.try_get(2)?,
                title: r.try_get(3)?,
                unit: Unit::parse(&r.try_get::<String, _>(4)?).unwrap_or_default(),
                polarity: Polarity::parse(&r.try_get::<String, _>(5)?).unwrap_or_default(),
                frequency: r.try_get::<Option<String>, _>(6)?.and_then(|f| Frequency::parse(&f)),
                aggregation: Aggregation::parse(&r.try_get::<String, _>(7)?).unwrap_or_default(),
                tolerance: r.try_get(8)?,
                node_ids: Vec::new(),
                action_ids: Vec::new(),
                targets: Vec::new(),
                values: Vec::new(),
            });
        }
        for r in
            sqlx::query("SELECT indicator_id, action_id, node_id FROM indicator_links ORDER BY id")
                .fetch_all(&mut *tx)
                .await?
        {
            if let Some(&i) = indicator_index.get(&r.try_get::<i64, _>(0)?) {
                if let Some(action) = r.try_get::<Option<i64>, _>(1)? {
                    indicators[i].action_ids.push(action);
                }
                if let Some(node) = r.try_get::<Option<i64>, _>(2)? {
                    indicators[i].node_ids.push(node);
                }
            }
        }
        for r in sqlx::query(
            "SELECT indicator_id, period, value FROM targets ORDER BY indicator_id, period",
        )
        .fetch_all(&mut *tx)
        .await?
        {
            if let (Some(&i), Ok(period)) = (
                indicator_index.get(&r.try_get::<i64, _>(0)?),
                r.try_get::<String, _>(1)?.parse::<Period>(),
            ) {
                indicators[i].targets.push((period, r.try_get(2)?));
            }
        }
        for r in sqlx::query("SELECT indicator_id, period, value, text FROM measurements WHERE review = 'approved' ORDER BY indicator_id, period_end").fetch_all(&mut *tx).await? {
            if let (Some(&i), Ok(period)) = (indicator_index.get(&r.try_get::<i64, _>(0)?), r.try_get::<String, _>(1)?.parse::<Period>()) {
                indicators[i].values.push(ValueInfo { period, value: r.try_get(2)?, text: r.try_get(3)? });
            }
        }
        tx.commit().await?;
        Ok(MonitoringData {
            version,
            organisation,
            plans,
            nodes,
            actions,
            indicators,
        })
    }
}
