//! The monitoring read model: everything the status pages compute from,
//! loaded in a handful of queries. Callers cache it against
//! [`Store::data_version`], which moves with every write.

use crate::Store;
use crate::error::{Record, StoreError};
use crate::history::row_to_json;
use chrono::NaiveDate;
use goldthread_domain::status::StatusRules;
use goldthread_domain::{
    ActionStatus, Aggregation, Frequency, Organisation, Period, Polarity, Unit,
};
use goldthread_domain::{FinancialYear, Review};
use serde::Deserialize;
use serde::de::DeserializeOwned;
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
    /// Published to the public by an editor (as known on the day read).
    pub published: bool,
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
    pub actions: Vec<ActionInfo>,
    pub indicators: Vec<IndicatorInfo>,
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
        let version: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM history")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let organisation = read_organisation(&mut tx).await?;
        let overlay = match known_at {
            Some(day) => Overlay::since(&mut tx, day).await?,
            None => Overlay::default(),
        };
        let units: HashMap<i64, String> =
            rows::<NamedRow>("org_units", &mut tx, "SELECT id, name FROM org_units")
                .await?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect();
        let posts: HashMap<i64, String> =
            rows::<NamedRow>("posts", &mut tx, "SELECT id, title AS name FROM posts")
                .await?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect();
        let plans = overlay.apply("plans", rows::<PlanRow>("plans", &mut tx, "SELECT id, title, kind, owner_unit_id, period_from, period_to, published_at FROM plans").await?)?;
        let nodes = overlay.apply("nodes", rows::<NodeRow>("nodes", &mut tx, "SELECT id, plan_id, parent_id, position, level, label, title, strapline FROM nodes").await?)?;
        let actions = overlay.apply("actions", rows::<ActionRow>("actions", &mut tx, "SELECT id, plan_id, position, code, title, due_text, due_latest, service_ref FROM actions").await?)?;
        let revisions = overlay.apply(
            "due_revisions",
            rows::<RevisionRow>(
                "due_revisions",
                &mut tx,
                "SELECT id, action_id, position, to_text, to_latest, reported FROM due_revisions",
            )
            .await?,
        )?;
        let officers = overlay.apply(
            "action_officers",
            rows::<OfficerRow>(
                "action_officers",
                &mut tx,
                "SELECT id, action_id, post_id, position FROM action_officers",
            )
            .await?,
        )?;
        let action_nodes = overlay.apply(
            "action_nodes",
            rows::<ActionNodeRow>(
                "action_nodes",
                &mut tx,
                "SELECT id, action_id, node_id FROM action_nodes",
            )
            .await?,
        )?;
        let updates = overlay.apply(
            "progress_updates",
            rows::<UpdateRow>(
                "progress_updates",
                &mut tx,
                "SELECT id, action_id, as_at, status, commentary, review FROM progress_updates",
            )
            .await?,
        )?;
        let indicators = overlay.apply("indicators", rows::<IndicatorRow>("indicators", &mut tx, "SELECT id, plan_id, position, code, title, unit, polarity, frequency, aggregation, tolerance FROM indicators").await?)?;
        let links = overlay.apply(
            "indicator_links",
            rows::<LinkRow>(
                "indicator_links",
                &mut tx,
                "SELECT id, indicator_id, action_id, node_id FROM indicator_links",
            )
            .await?,
        )?;
        let targets = overlay.apply(
            "targets",
            rows::<TargetRow>(
                "targets",
                &mut tx,
                "SELECT id, indicator_id, period, value FROM targets",
            )
            .await?,
        )?;
        let measurements = overlay.apply("measurements", rows::<MeasurementRow>("measurements", &mut tx, "SELECT id, indicator_id, period, period_end, value, text, note, review FROM measurements").await?)?;
        tx.commit().await?;
        let tables = Tables {
            units,
            posts,
            plans,
            nodes,
            actions,
            revisions,
            officers,
            action_nodes,
            updates,
            indicators,
            links,
            targets,
            measurements,
        };
        tables.assemble(version, organisation, known_at)
    }
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

/// A row of `entity` in its JSON form as `T`; a row that does not fit (a
/// column of the wrong type, one missing) is named by table and id.
fn decode<T: DeserializeOwned>(entity: &str, json: serde_json::Value) -> Result<T, StoreError> {
    let id = json.get("id").and_then(serde_json::Value::as_i64);
    serde_json::from_value(json).map_err(|e| {
        StoreError::UnreadableRow(match id {
            Some(id) => format!("{entity} {id} could not be read: {e}"),
            None => format!("a row of {entity} could not be read: {e}"),
        })
    })
}

trait Keyed {
    fn id(&self) -> i64;
}

macro_rules! keyed {
    ($($t:ty),*) => {$(impl Keyed for $t { fn id(&self) -> i64 { self.id } })*};
}

#[derive(Deserialize)]
struct NamedRow {
    id: i64,
    name: String,
}

#[derive(Deserialize)]
struct PlanRow {
    id: i64,
    title: String,
    kind: String,
    owner_unit_id: Option<i64>,
    period_from: Option<String>,
    period_to: Option<String>,
    #[serde(default)]
    published_at: Option<String>,
}

#[derive(Deserialize)]
struct NodeRow {
    id: i64,
    plan_id: i64,
    parent_id: Option<i64>,
    position: i64,
    level: String,
    label: String,
    title: String,
    strapline: Option<String>,
}

#[derive(Deserialize)]
struct ActionRow {
    id: i64,
    plan_id: i64,
    position: i64,
    code: Option<String>,
    title: String,
    due_text: Option<String>,
    due_latest: Option<String>,
    service_ref: Option<String>,
}

#[derive(Deserialize)]
struct RevisionRow {
    id: i64,
    action_id: i64,
    position: i64,
    to_text: String,
    to_latest: Option<String>,
    reported: Option<String>,
}

#[derive(Deserialize)]
struct OfficerRow {
    id: i64,
    action_id: i64,
    post_id: i64,
    position: i64,
}

#[derive(Deserialize)]
struct ActionNodeRow {
    id: i64,
    action_id: i64,
    node_id: i64,
}

#[derive(Deserialize)]
struct UpdateRow {
    id: i64,
    action_id: i64,
    as_at: String,
    status: String,
    commentary: String,
    /// History written before sign-off existed has no review: approved,
    /// as the migration that added it says.
    #[serde(default = "approved")]
    review: String,
}

#[derive(Deserialize)]
struct IndicatorRow {
    id: i64,
    plan_id: i64,
    position: i64,
    code: Option<String>,
    title: String,
    unit: String,
    polarity: String,
    frequency: Option<String>,
    aggregation: String,
    tolerance: Option<f64>,
}

#[derive(Deserialize)]
struct LinkRow {
    id: i64,
    indicator_id: i64,
    action_id: Option<i64>,
    node_id: Option<i64>,
}

#[derive(Deserialize)]
struct TargetRow {
    id: i64,
    indicator_id: i64,
    period: String,
    value: Option<f64>,
}

#[derive(Deserialize)]
struct MeasurementRow {
    id: i64,
    indicator_id: i64,
    period: String,
    period_end: String,
    value: Option<f64>,
    text: Option<String>,
    note: Option<String>,
    #[serde(default = "approved")]
    review: String,
}

fn approved() -> String {
    Review::Approved.as_str().to_string()
}

keyed!(
    PlanRow,
    NodeRow,
    ActionRow,
    RevisionRow,
    OfficerRow,
    ActionNodeRow,
    UpdateRow,
    IndicatorRow,
    LinkRow,
    TargetRow,
    MeasurementRow
);

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

struct Tables {
    units: HashMap<i64, String>,
    posts: HashMap<i64, String>,
    plans: Vec<PlanRow>,
    nodes: Vec<NodeRow>,
    actions: Vec<ActionRow>,
    revisions: Vec<RevisionRow>,
    officers: Vec<OfficerRow>,
    action_nodes: Vec<ActionNodeRow>,
    updates: Vec<UpdateRow>,
    indicators: Vec<IndicatorRow>,
    links: Vec<LinkRow>,
    targets: Vec<TargetRow>,
    measurements: Vec<MeasurementRow>,
}

/// A plan's first or last financial year, NULL for a plan with no period.
fn year_of(
    plan: Record,
    field: &'static str,
    text: Option<&str>,
) -> Result<Option<FinancialYear>, StoreError> {
    plan.read_optional(field, text, "a financial year", |t| t.parse().ok())
}

fn period_of(at: Record, text: &str) -> Result<Period, StoreError> {
    at.read("period", text, "a period", |t| t.parse().ok())
}

impl Tables {
    fn assemble(
        mut self,
        version: i64,
        organisation: Organisation,
        known_at: Option<NaiveDate>,
    ) -> Result<MonitoringData, StoreError> {
        let known = |day: Option<NaiveDate>| match (day, known_at) {
            (Some(day), Some(limit)) => day <= limit,
            _ => true,
        };
        self.plans.sort_by_key(|p| p.id);
        let plans = self
            .plans
            .iter()
            .map(|p| {
                let at = Record::new("plans", p.id);
                Ok(PlanInfo {
                    id: p.id,
                    title: p.title.clone(),
                    kind: p.kind.clone(),
                    owner: p.owner_unit_id.and_then(|u| self.units.get(&u).cloned()),
                    first_day: year_of(at, "period_from", p.period_from.as_deref())?
                        .map(FinancialYear::first_day),
                    last_day: year_of(at, "period_to", p.period_to.as_deref())?
                        .map(FinancialYear::last_day),
                    published: p.published_at.is_some(),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        self.nodes.sort_by_key(|n| (n.plan_id, n.position, n.id));
        let nodes = self
            .nodes
            .into_iter()
            .map(|n| NodeInfo {
                id: n.id,
                plan_id: n.plan_id,
                parent_id: n.parent_id,
                level: n.level,
                label: n.label,
                title: n.title,
                strapline: n.strapline,
            })
            .collect();

        self.actions.sort_by_key(|a| (a.plan_id, a.position, a.id));
        let mut action_index = HashMap::new();
        let mut actions: Vec<ActionInfo> = Vec::with_capacity(self.actions.len());
        for a in self.actions {
            let due = Record::new("actions", a.id)
                .optional_date("due_latest", a.due_latest.as_deref())?;
            action_index.insert(a.id, actions.len());
            actions.push(ActionInfo {
                id: a.id,
                plan_id: a.plan_id,
                code: a.code,
                title: a.title,
                service_ref: a.service_ref,
                due_text: a.due_text.clone(),
                original_due: due,
                due,
                due_in_force_text: a.due_text,
                officers: Vec::new(),
                node_ids: Vec::new(),
                updates: Vec::new(),
            });
        }
        self.revisions
            .sort_by_key(|r| (r.action_id, r.position, r.id));
        for r in self.revisions {
            let at = Record::new("due_revisions", r.id);
            let reported = at.optional_date("reported", r.reported.as_deref())?;
            let to_latest = at.optional_date("to_latest", r.to_latest.as_deref())?;
            // A revision a document reports on a later day was not known yet.
            if !known(reported) {
                continue;
            }
            if let Some(&i) = action_index.get(&r.action_id) {
                actions[i].due = to_latest;
                actions[i].due_in_force_text = Some(r.to_text);
            }
        }
        self.officers
            .sort_by_key(|o| (o.action_id, o.position, o.id));
        for o in self.officers {
            if let (Some(&i), Some(title)) =
                (action_index.get(&o.action_id), self.posts.get(&o.post_id))
            {
                actions[i].officers.push(title.clone());
            }
        }
        self.action_nodes.sort_by_key(|l| l.id);
        for l in self.action_nodes {
            if let Some(&i) = action_index.get(&l.action_id) {
                actions[i].node_ids.push(l.node_id);
            }
        }
        self.updates
            .sort_by(|a, b| (a.action_id, &a.as_at, a.id).cmp(&(b.action_id, &b.as_at, b.id)));
        for u in self.updates {
            let at = Record::new("progress_updates", u.id);
            let review = at.read("review", &u.review, "a review state", Review::parse)?;
            let as_at = at.date("as_at", &u.as_at)?;
            let status = at.read("status", &u.status, "an action status", ActionStatus::parse)?;
            // Only approved updates count; one for an action not known on
            // the day read (created later) is not shown.
            let (Review::Approved, Some(&i)) = (review, action_index.get(&u.action_id)) else {
                continue;
            };
            actions[i].updates.push(UpdateInfo {
                as_at,
                status,
                commentary: u.commentary,
            });
        }

        self.indicators
            .sort_by_key(|i| (i.plan_id, i.position, i.id));
        let mut indicator_index = HashMap::new();
        let mut indicators: Vec<IndicatorInfo> = Vec::with_capacity(self.indicators.len());
        for i in self.indicators {
            let at = Record::new("indicators", i.id);
            indicator_index.insert(i.id, indicators.len());
            indicators.push(IndicatorInfo {
                id: i.id,
                plan_id: i.plan_id,
                unit: at.read("unit", &i.unit, "a unit", Unit::parse)?,
                polarity: at.read("polarity", &i.polarity, "a polarity", Polarity::parse)?,
                frequency: at.read_optional(
                    "frequency",
                    i.frequency.as_deref(),
                    "a frequency",
                    Frequency::parse,
                )?,
                aggregation: at.read(
                    "aggregation",
                    &i.aggregation,
                    "an aggregation",
                    Aggregation::parse,
                )?,
                code: i.code,
                title: i.title,
                tolerance: i.tolerance,
                node_ids: Vec::new(),
                action_ids: Vec::new(),
                targets: Vec::new(),
                values: Vec::new(),
            });
        }
        self.links.sort_by_key(|l| l.id);
        for l in self.links {
            if let Some(&i) = indicator_index.get(&l.indicator_id) {
                indicators[i].action_ids.extend(l.action_id);
                indicators[i].node_ids.extend(l.node_id);
            }
        }
        self.targets
            .sort_by(|a, b| (a.indicator_id, &a.period).cmp(&(b.indicator_id, &b.period)));
        for t in self.targets {
            let period = period_of(Record::new("targets", t.id), &t.period)?;
            if let Some(&i) = indicator_index.get(&t.indicator_id) {
                indicators[i].targets.push((period, t.value));
            }
        }
        self.measurements.sort_by(|a, b| {
            (a.indicator_id, &a.period_end, a.id).cmp(&(b.indicator_id, &b.period_end, b.id))
        });
        for m in self.measurements {
            let at = Record::new("measurements", m.id);
            let period = period_of(at, &m.period)?;
            let period_end = at.date("period_end", &m.period_end)?;
            let review = at.read("review", &m.review, "a review state", Review::parse)?;
            // A value for a period that had not ended was not known yet.
            if review != Review::Approved || !known(Some(period_end)) {
                continue;
            }
            if let Some(&i) = indicator_index.get(&m.indicator_id) {
                indicators[i].values.push(ValueInfo {
                    period,
                    value: m.value,
                    text: m.text,
                    note: m.note,
                });
            }
        }
        Ok(MonitoringData {
            version,
            known_at,
            organisation,
            plans,
            nodes,
            actions,
            indicators,
        })
    }
}
