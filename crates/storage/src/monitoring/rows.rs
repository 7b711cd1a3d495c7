//! The stored rows the read model is made from, kept by table and id, and
//! the one decoding of each from its JSON form (the form the history keeps,
//! so a row read now, one restored for a past day and one a later write
//! brought are read by one definition).

use crate::error::StoreError;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::{BTreeSet, HashMap, HashSet};

/// The tables the read model reads: a change to any other table (accounts,
/// sessions, milestones, risks …) leaves it as it is.
pub(super) const TABLES: [&str; 14] = [
    "organisations",
    "org_units",
    "posts",
    "plans",
    "nodes",
    "actions",
    "due_revisions",
    "action_officers",
    "action_nodes",
    "progress_updates",
    "indicators",
    "indicator_links",
    "targets",
    "measurements",
];

/// A row of `entity` in its JSON form as `T`; a row that does not fit (a
/// column of the wrong type, one missing) is named by table and id.
pub(super) fn decode<T: DeserializeOwned>(
    entity: &str,
    json: serde_json::Value,
) -> Result<T, StoreError> {
    let id = json.get("id").and_then(serde_json::Value::as_i64);
    serde_json::from_value(json).map_err(|e| {
        StoreError::UnreadableRow(match id {
            Some(id) => format!("{entity} {id} could not be read: {e}"),
            None => format!("a row of {entity} could not be read: {e}"),
        })
    })
}

pub(super) trait Keyed {
    fn id(&self) -> i64;
}

/// A row that belongs to another record (an update to its action, a value
/// to its indicator).
pub(super) trait Child: Keyed {
    fn parent(&self) -> i64;
}

macro_rules! keyed {
    ($($t:ty),*) => {$(impl Keyed for $t { fn id(&self) -> i64 { self.id } })*};
}

macro_rules! child {
    ($($t:ty => $parent:ident),*) => {$(impl Child for $t { fn parent(&self) -> i64 { self.$parent } })*};
}

#[derive(Deserialize)]
pub(super) struct UnitRow {
    pub id: i64,
    pub name: String,
}

#[derive(Deserialize)]
pub(super) struct PostRow {
    pub id: i64,
    pub title: String,
}

#[derive(Deserialize)]
pub(super) struct PlanRow {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub owner_unit_id: Option<i64>,
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    #[serde(default)]
    pub published_at: Option<String>,
    pub status: String,
    /// Kept since migration 10; history rows from before it lack it.
    #[serde(default)]
    pub approved_revision: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct NodeRow {
    pub id: i64,
    pub plan_id: i64,
    pub parent_id: Option<i64>,
    pub position: i64,
    pub level: String,
    pub label: String,
    pub title: String,
    pub strapline: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ActionRow {
    pub id: i64,
    pub plan_id: i64,
    pub position: i64,
    pub code: Option<String>,
    pub title: String,
    pub due_text: Option<String>,
    pub due_latest: Option<String>,
    pub service_ref: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct RevisionRow {
    pub id: i64,
    pub action_id: i64,
    pub position: i64,
    pub to_text: String,
    pub to_latest: Option<String>,
    pub reported: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct OfficerRow {
    pub id: i64,
    pub action_id: i64,
    pub post_id: i64,
    pub position: i64,
}

#[derive(Deserialize)]
pub(super) struct ActionNodeRow {
    pub id: i64,
    pub action_id: i64,
    pub node_id: i64,
}

#[derive(Deserialize)]
pub(super) struct UpdateRow {
    pub id: i64,
    pub action_id: i64,
    pub as_at: String,
    pub status: String,
    pub commentary: String,
    /// History written before sign-off existed has no review: approved,
    /// as the migration that added it says.
    #[serde(default = "approved")]
    pub review: String,
}

#[derive(Deserialize)]
pub(super) struct IndicatorRow {
    pub id: i64,
    pub plan_id: i64,
    pub position: i64,
    pub code: Option<String>,
    pub title: String,
    pub unit: String,
    pub polarity: String,
    pub frequency: Option<String>,
    pub aggregation: String,
    pub tolerance: Option<f64>,
}

#[derive(Deserialize)]
pub(super) struct LinkRow {
    pub id: i64,
    pub indicator_id: i64,
    pub action_id: Option<i64>,
    pub node_id: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct TargetRow {
    pub id: i64,
    pub indicator_id: i64,
    pub period: String,
    pub value: Option<f64>,
}

#[derive(Deserialize)]
pub(super) struct MeasurementRow {
    pub id: i64,
    pub indicator_id: i64,
    pub period: String,
    pub period_end: String,
    pub value: Option<f64>,
    pub text: Option<String>,
    pub note: Option<String>,
    #[serde(default = "approved")]
    pub review: String,
}

fn approved() -> String {
    goldthread_domain::Review::Approved.as_str().to_string()
}

keyed!(
    UnitRow,
    PostRow,
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

child!(
    RevisionRow => action_id,
    OfficerRow => action_id,
    ActionNodeRow => action_id,
    UpdateRow => action_id,
    LinkRow => indicator_id,
    TargetRow => indicator_id,
    MeasurementRow => indicator_id
);

/// Rows by id.
pub(super) struct Table<T> {
    rows: HashMap<i64, T>,
}

impl<T: Keyed> Table<T> {
    pub fn new(rows: Vec<T>) -> Table<T> {
        Table {
            rows: rows.into_iter().map(|r| (r.id(), r)).collect(),
        }
    }

    pub fn get(&self, id: i64) -> Option<&T> {
        self.rows.get(&id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.rows.values()
    }

    /// Puts the row in, or takes it out (`None`); the row it replaced.
    fn set(&mut self, id: i64, row: Option<T>) -> Option<T> {
        match row {
            Some(row) => self.rows.insert(id, row),
            None => self.rows.remove(&id),
        }
    }
}

/// Rows by id, and the ids of each parent's rows in id order.
pub(super) struct Children<T> {
    rows: Table<T>,
    by_parent: HashMap<i64, BTreeSet<i64>>,
}

impl<T: Child> Children<T> {
    pub fn new(rows: Vec<T>) -> Children<T> {
        let mut by_parent: HashMap<i64, BTreeSet<i64>> = HashMap::new();
        for row in &rows {
            by_parent.entry(row.parent()).or_default().insert(row.id());
        }
        Children {
            rows: Table::new(rows),
            by_parent,
        }
    }

    /// The rows of one parent, in id order.
    pub fn of(&self, parent: i64) -> impl Iterator<Item = &T> {
        self.by_parent
            .get(&parent)
            .into_iter()
            .flatten()
            .filter_map(|id| self.rows.get(*id))
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.rows.iter()
    }

    /// Puts the row in or takes it out; the parents whose rows changed
    /// (the old row's and the new one's).
    fn set(&mut self, id: i64, row: Option<T>) -> [Option<i64>; 2] {
        let new_parent = row.as_ref().map(Child::parent);
        let old_parent = self.rows.set(id, row).map(|old| old.parent());
        if let Some(parent) = old_parent
            && let Some(ids) = self.by_parent.get_mut(&parent)
        {
            ids.remove(&id);
            if ids.is_empty() {
                self.by_parent.remove(&parent);
            }
        }
        if let Some(parent) = new_parent {
            self.by_parent.entry(parent).or_default().insert(id);
        }
        [old_parent, new_parent]
    }
}

/// Every row the read model is made from.
pub(super) struct Rows {
    pub units: Table<UnitRow>,
    pub posts: Table<PostRow>,
    pub plans: Table<PlanRow>,
    pub nodes: Table<NodeRow>,
    pub actions: Table<ActionRow>,
    pub revisions: Children<RevisionRow>,
    pub officers: Children<OfficerRow>,
    pub action_nodes: Children<ActionNodeRow>,
    pub updates: Children<UpdateRow>,
    pub indicators: Table<IndicatorRow>,
    pub links: Children<LinkRow>,
    pub targets: Children<TargetRow>,
    pub measurements: Children<MeasurementRow>,
}

/// What a set of changes touched, so only that is built again.
#[derive(Default)]
pub(super) struct Touched {
    pub organisation: bool,
    pub plans: bool,
    pub nodes: bool,
    pub actions: HashSet<i64>,
    pub indicators: HashSet<i64>,
    /// An action came or went, or moved within or between plans.
    pub action_order: bool,
    pub indicator_order: bool,
}

impl Rows {
    /// Applies one change as the history records it: the record's whole
    /// state after (`None`: deleted).
    pub fn apply(
        &mut self,
        entity: &str,
        id: i64,
        after: Option<serde_json::Value>,
        touched: &mut Touched,
    ) -> Result<(), StoreError> {
        fn row<T: DeserializeOwned>(
            entity: &str,
            after: Option<serde_json::Value>,
        ) -> Result<Option<T>, StoreError> {
            after.map(|json| decode(entity, json)).transpose()
        }
        match entity {
            "organisations" => touched.organisation = true,
            "org_units" => {
                self.units.set(id, row(entity, after)?);
                touched.plans = true;
            }
            "posts" => {
                let renamed = row::<PostRow>(entity, after)?;
                self.posts.set(id, renamed);
                // An officer's name is the post's title: every action
                // the post leads shows it.
                touched.actions.extend(
                    self.officers
                        .iter()
                        .filter(|o| o.post_id == id)
                        .map(|o| o.action_id),
                );
            }
            "plans" => {
                self.plans.set(id, row(entity, after)?);
                touched.plans = true;
            }
            "nodes" => {
                self.nodes.set(id, row(entity, after)?);
                touched.nodes = true;
            }
            "actions" => {
                let new = row::<ActionRow>(entity, after)?;
                let key = |a: &ActionRow| (a.plan_id, a.position);
                let new_key = new.as_ref().map(key);
                let old_key = self.actions.set(id, new).as_ref().map(key);
                touched.action_order |= new_key != old_key;
                touched.actions.insert(id);
            }
            "indicators" => {
                let new = row::<IndicatorRow>(entity, after)?;
                let key = |i: &IndicatorRow| (i.plan_id, i.position);
                let new_key = new.as_ref().map(key);
                let old_key = self.indicators.set(id, new).as_ref().map(key);
                touched.indicator_order |= new_key != old_key;
                touched.indicators.insert(id);
            }
            "due_revisions" => touched.actions.extend(
                self.revisions
                    .set(id, row(entity, after)?)
                    .into_iter()
                    .flatten(),
            ),
            "action_officers" => touched.actions.extend(
                self.officers
                    .set(id, row(entity, after)?)
                    .into_iter()
                    .flatten(),
            ),
            "action_nodes" => touched.actions.extend(
                self.action_nodes
                    .set(id, row(entity, after)?)
                    .into_iter()
                    .flatten(),
            ),
            "progress_updates" => touched.actions.extend(
                self.updates
                    .set(id, row(entity, after)?)
                    .into_iter()
                    .flatten(),
            ),
            "indicator_links" => touched.indicators.extend(
                self.links
                    .set(id, row(entity, after)?)
                    .into_iter()
                    .flatten(),
            ),
            "targets" => touched.indicators.extend(
                self.targets
                    .set(id, row(entity, after)?)
                    .into_iter()
                    .flatten(),
            ),
            "measurements" => touched.indicators.extend(
                self.measurements
                    .set(id, row(entity, after)?)
                    .into_iter()
                    .flatten(),
            ),
            _ => {}
        }
        Ok(())
    }
}
