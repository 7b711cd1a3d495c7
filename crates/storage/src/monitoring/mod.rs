//! The monitoring read model: everything the status pages compute from,
//! loaded in a handful of queries. Callers cache it against
//! [`Store::data_version`], which moves with every write.

mod assemble;
mod live;
mod rows;

pub use live::LiveMonitoring;

use crate::Store;
use crate::error::{Record, StoreError};
use crate::history::row_to_json;
use assemble::Assembler;
use chrono::NaiveDate;
use goldthread_domain::status::StatusRules;
use goldthread_domain::{
    ActionStatus, Aggregation, Frequency, Organisation, Period, PlanStatus, Polarity, Unit,
};
use rows::{Children, Keyed, Rows, Table, decode};
use serde::de::DeserializeOwned;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct PlanInfo {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub owner: Option<String>,
    /// The first and last days of the plan's period, when it has one.
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    /// Published to the public by an editor (as known on the day read),
    /// and approved at some time: a plan never approved is never public.
    pub published: bool,
    /// Where it stands in the planning cycle (as known on the day read).
    pub status: PlanStatus,
    /// Some revision approved and not archived (`lifecycle::in_force`):
    /// its items count on the days its period covers.
    pub adopted: bool,
}

impl PlanInfo {
    /// In force on `day`: adopted, and its period (if it states one)
    /// covers the day. Pages, packs and the API count these by default.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.adopted
            && self.first_day.is_none_or(|first| first <= day)
            && self.last_day.is_none_or(|last| day <= last)
    }
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
    pub commentary: String,
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
    /// The due date in force as written (the latest revision's, else the
    /// original).
    pub due_in_force_text: Option<String>,
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
    /// The officer's note on the value: the explanation a report prints.
    pub note: Option<String>,
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
    /// The day this is the knowledge of; `None` for now.
    pub known_at: Option<NaiveDate>,
    pub organisation: Organisation,
    pub plans: Vec<PlanInfo>,
    pub nodes: Vec<NodeInfo>,
    /// Shared, so keeping the data up to date copies only what changed.
    pub actions: Vec<Arc<ActionInfo>>,
    pub indicators: Vec<Arc<IndicatorInfo>>,
}

impl MonitoringData {
    /// The plan with this id.
    pub fn plan(&self, id: i64) -> Option<&PlanInfo> {
        self.plans.iter().find(|p| p.id == id)
    }
}

/// The council's settings; the defaults until the first import creates it.
async fn read_organisation(conn: &mut sqlx::AnyConnection) -> Result<Organisation, StoreError> {
    let row = sqlx::query("SELECT name, amber_tolerance, collection_grace_days, risk_scale, id FROM organisations ORDER BY id LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?;
    let Some(r) = row else {
        return Ok(Organisation::default());
    };
    let id: i64 = r.try_get(4)?;
    let scale: i64 = r.try_get(3)?;
    let risk_scale = u8::try_from(scale)
        .ok()
        .filter(|s| (2..=10).contains(s))
        .ok_or_else(|| {
            Record::new("organisations", id).corrupt(
                "risk_scale",
                &scale.to_string(),
                "a risk scale from 2 to 10",
            )
        })?;
    Ok(Organisation {
        name: r.try_get(0)?,
        rules: StatusRules {
            amber_tolerance: r.try_get(1)?,
            collection_grace_days: r.try_get(2)?,
        },
        risk_scale,
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

    /// The read model as it stands now.
    pub async fn load_monitoring_data(&self) -> Result<MonitoringData, StoreError> {
        self.load_monitoring_data_known_at(None).await
    }

    /// The read model as it was known at the end of `known_at` (now when
    /// `None`): what people recorded in Goldthread afterwards is taken out
    /// again from the history (an update or value entered later is not
    /// there; a field edited later has its earlier value), and what a
    /// document dates later (a value for a later period, a revision
    /// reported later) is left out. An import is the council's record of
    /// the dates it carries, so what it brought counts from those dates.
    pub async fn load_monitoring_data_known_at(
        &self,
        known_at: Option<NaiveDate>,
    ) -> Result<MonitoringData, StoreError> {
        // Read in one transaction so the parts agree with each other.
        let mut tx = self.pool.begin().await?;
        let loaded = load_rows(&mut tx, known_at).await?;
        tx.commit().await?;
        Assembler {
            rows: &loaded.rows,
            known_at,
        }
        .everything(loaded.version, loaded.organisation)
    }
}

/// Every row the read model reads, at one version.
struct Loaded {
    version: i64,
    organisation: Organisation,
    rows: Rows,
}

/// The newest history id: every write adds history rows, so it moves with
/// every change. Writers take their turn (see `Store::begin_write`), so no
/// row with a lower id can be committed after it is seen.
async fn newest_history_id(conn: &mut sqlx::AnyConnection) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT COALESCE(MAX(id), 0) FROM history")
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

/// Reads every row of the read model's tables, as known at the end of
/// `known_at` (see `load_monitoring_data_known_at`). Call it inside a
/// transaction, so the rows agree with each other and with the version.
async fn load_rows(
    conn: &mut sqlx::AnyConnection,
    known_at: Option<NaiveDate>,
) -> Result<Loaded, StoreError> {
    let version = newest_history_id(conn).await?;
    let organisation = read_organisation(conn).await?;
    let overlay = match known_at {
        Some(day) => Overlay::since(conn, day).await?,
        None => Overlay::default(),
    };
    macro_rules! read {
        ($entity:literal, $sql:literal) => {
            overlay.apply($entity, rows($entity, conn, $sql).await?)?
        };
    }
    let rows = Rows {
        units: Table::new(read!("org_units", "SELECT id, name FROM org_units")),
        posts: Table::new(read!("posts", "SELECT id, title FROM posts")),
        plans: Table::new(read!(
            "plans",
            "SELECT id, title, kind, owner_unit_id, period_from, period_to, published_at, status, approved_revision FROM plans"
        )),
        nodes: Table::new(read!(
            "nodes",
            "SELECT id, plan_id, parent_id, position, level, label, title, strapline FROM nodes"
        )),
        actions: Table::new(read!(
            "actions",
            "SELECT id, plan_id, position, code, title, due_text, due_latest, service_ref FROM actions"
        )),
        revisions: Children::new(read!(
            "due_revisions",
            "SELECT id, action_id, position, to_text, to_latest, reported FROM due_revisions"
        )),
        officers: Children::new(read!(
            "action_officers",
            "SELECT id, action_id, post_id, position FROM action_officers"
        )),
        action_nodes: Children::new(read!(
            "action_nodes",
            "SELECT id, action_id, node_id FROM action_nodes"
        )),
        updates: Children::new(read!(
            "progress_updates",
            "SELECT id, action_id, as_at, status, commentary, review FROM progress_updates"
        )),
        indicators: Table::new(read!(
            "indicators",
            "SELECT id, plan_id, position, code, title, unit, polarity, frequency, aggregation, tolerance FROM indicators"
        )),
        links: Children::new(read!(
            "indicator_links",
            "SELECT id, indicator_id, action_id, node_id FROM indicator_links"
        )),
        targets: Children::new(read!(
            "targets",
            "SELECT id, indicator_id, period, value FROM targets"
        )),
        measurements: Children::new(read!(
            "measurements",
            "SELECT id, indicator_id, period, period_end, value, text, note, review FROM measurements"
        )),
    };
    Ok(Loaded {
        version,
        organisation,
        rows,
    })
}

/// Reads every row of a query into `T` through the same JSON form the
/// history keeps, so a row read now and a row restored from the history
/// are decoded by one definition.
async fn rows<T: DeserializeOwned>(
    entity: &str,
    conn: &mut sqlx::AnyConnection,
    sql: &'static str,
) -> Result<Vec<T>, StoreError> {
    sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| decode(entity, row_to_json(r)))
        .collect()
}

/// Records as they were before the edits made after a day: for each record
/// an edit touched since, the state before the first such edit (`None`:
/// the edit created it).
#[derive(Default)]
struct Overlay {
    earlier: HashMap<(String, i64), Option<serde_json::Value>>,
}

impl Overlay {
    async fn since(conn: &mut sqlx::AnyConnection, day: NaiveDate) -> Result<Overlay, StoreError> {
        // History times are RFC 3339 text, which sorts as time: every
        // entry on the next day or later starts with that day or later.
        let next_day = day.succ_opt().unwrap_or(day).to_string();
        let mut earlier = HashMap::new();
        for r in sqlx::query("SELECT entity, entity_id, before_json FROM history WHERE origin = 'edit' AND at >= $1 ORDER BY id")
            .bind(next_day)
            .fetch_all(&mut *conn)
            .await?
        {
            let key: (String, i64) = (r.try_get(0)?, r.try_get(1)?);
            if earlier.contains_key(&key) {
                continue;
            }
            let before = r
                .try_get::<Option<String>, _>(2)?
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .map_err(|e| StoreError::UnreadableRow(format!("history of {} {} could not be read: {e}", key.0, key.1)))?;
            earlier.insert(key, before);
        }
        Ok(Overlay { earlier })
    }

    /// The rows of `entity` as they were: later edits undone, rows created
    /// later left out, rows deleted later put back.
    fn apply<T: DeserializeOwned + Keyed>(
        &self,
        entity: &str,
        rows: Vec<T>,
    ) -> Result<Vec<T>, StoreError> {
        if self.earlier.is_empty() {
            return Ok(rows);
        }
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            seen.insert(row.id());
            match self.earlier.get(&(entity.to_string(), row.id())) {
                None => out.push(row),
                Some(None) => {}
                Some(Some(before)) => out.push(decode(entity, before.clone())?),
            }
        }
        for ((table, id), before) in &self.earlier {
            if table == entity
                && !seen.contains(id)
                && let Some(before) = before
            {
                out.push(decode(entity, before.clone())?);
            }
        }
        Ok(out)
    }
}
