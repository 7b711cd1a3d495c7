//! The read model kept up to date from the history, so that a write costs
//! what it changed rather than a reload of the whole council.
//!
//! Every write appends the whole after-state of each record it changed to
//! `history`, in the write's own transaction, and writers take their turn
//! (`Store::begin_write`), so history ids are committed in order: the rows
//! after the version a [`LiveMonitoring`] was built at are exactly the
//! changes it has not seen. Catching up reads those rows, applies them to
//! the kept rows, and builds again only the actions and indicators they
//! touched (the plans and thread nodes, a few hundred, whole); the rest of
//! the council is shared with the previous [`MonitoringData`].

use super::assemble::Assembler;
use super::rows::{Rows, TABLES, Touched};
use super::{Loaded, MonitoringData, load_rows, newest_history_id, read_organisation};
use crate::Store;
use crate::error::StoreError;
use sqlx::Row;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Past this many changes at once (a large import), reading everything
/// again is as quick as applying them.
const MOST_CHANGES_APPLIED: i64 = 50_000;

/// The read model as it stands, and the rows it was built from.
pub struct LiveMonitoring {
    rows: Rows,
    data: Arc<MonitoringData>,
    /// Where each action and indicator is in `data`.
    action_at: HashMap<i64, usize>,
    indicator_at: HashMap<i64, usize>,
}

impl LiveMonitoring {
    fn new(loaded: Loaded) -> Result<LiveMonitoring, StoreError> {
        let data = Assembler {
            rows: &loaded.rows,
            known_at: None,
        }
        .everything(loaded.version, loaded.organisation)?;
        Ok(LiveMonitoring {
            action_at: positions(data.actions.iter().map(|a| a.id)),
            indicator_at: positions(data.indicators.iter().map(|i| i.id)),
            rows: loaded.rows,
            data: Arc::new(data),
        })
    }

    /// The read model, shared.
    pub fn data(&self) -> Arc<MonitoringData> {
        self.data.clone()
    }

    /// Builds again what `touched` names, at `version`.
    fn rebuild(
        &mut self,
        version: i64,
        touched: Touched,
        organisation: Option<goldthread_domain::Organisation>,
    ) -> Result<(), StoreError> {
        let old = &self.data;
        let build = Assembler {
            rows: &self.rows,
            known_at: None,
        };
        let plans = match touched.plans {
            true => build.plans()?,
            false => old.plans.clone(),
        };
        let nodes = match touched.nodes {
            true => build.nodes(),
            false => old.nodes.clone(),
        };

        let actions = patch(
            &old.actions,
            &mut self.action_at,
            &touched.actions,
            touched.action_order,
            |id| self.rows.actions.get(id),
            || build.action_order(),
            |row| build.action(row),
            |row| row.id,
        )?;
        let indicators = patch(
            &old.indicators,
            &mut self.indicator_at,
            &touched.indicators,
            touched.indicator_order,
            |id| self.rows.indicators.get(id),
            || build.indicator_order(),
            |row| build.indicator(row),
            |row| row.id,
        )?;

        self.data = Arc::new(MonitoringData {
            version,
            known_at: None,
            organisation: organisation.unwrap_or_else(|| old.organisation.clone()),
            plans,
            nodes,
            actions,
            indicators,
        });
        Ok(())
    }
}

/// The records of `old` with the touched ones built again: in place when
/// none came, went or moved (`reorder` false), else in the order `order`
/// gives, reusing every untouched record. `at` is kept to say where each
/// record is.
#[allow(clippy::too_many_arguments)] // one call each for actions and indicators
fn patch<'r, Row: 'r, Info>(
    old: &[Arc<Info>],
    at: &mut HashMap<i64, usize>,
    touched: &HashSet<i64>,
    reorder: bool,
    row_of: impl Fn(i64) -> Option<&'r Row>,
    order: impl FnOnce() -> Vec<&'r Row>,
    build: impl Fn(&Row) -> Result<Info, StoreError>,
    id_of: impl Fn(&Row) -> i64,
) -> Result<Vec<Arc<Info>>, StoreError> {
    let mut rebuilt = HashMap::new();
    for &id in touched {
        if let Some(row) = row_of(id) {
            rebuilt.insert(id, Arc::new(build(row)?));
        }
    }
    if !reorder {
        let mut records = old.to_vec();
        for (id, record) in rebuilt {
            if let Some(&i) = at.get(&id) {
                records[i] = record;
            }
        }
        return Ok(records);
    }
    let rows = order();
    let mut records = Vec::with_capacity(rows.len());
    for row in &rows {
        let id = id_of(row);
        records.push(match rebuilt.remove(&id) {
            Some(record) => record,
            None => match at.get(&id) {
                Some(&i) => old[i].clone(),
                None => Arc::new(build(row)?),
            },
        });
    }
    *at = positions(rows.iter().map(|row| id_of(row)));
    Ok(records)
}

fn positions(ids: impl Iterator<Item = i64>) -> HashMap<i64, usize> {
    ids.enumerate().map(|(i, id)| (id, i)).collect()
}

impl Store {
    /// The read model as it stands, to be kept up to date with
    /// [`Store::catch_up`].
    pub async fn load_live_monitoring(&self) -> Result<LiveMonitoring, StoreError> {
        let mut tx = self.pool.begin().await?;
        let loaded = load_rows(&mut tx, None).await?;
        tx.commit().await?;
        LiveMonitoring::new(loaded)
    }

    /// `live` brought up to date: the changes since its version applied,
    /// or everything read again when there are very many. On an error the
    /// state is gone (it may be half applied); load it again.
    pub async fn catch_up(&self, mut live: LiveMonitoring) -> Result<LiveMonitoring, StoreError> {
        let from = live.data.version;
        let mut tx = self.pool.begin().await?;
        let version = newest_history_id(&mut tx).await?;
        if version == from {
            tx.commit().await?;
            return Ok(live);
        }
        // By id range alone: with `entity IN (…)` as well, SQLite chooses
        // the (entity, entity_id) index and reads every history row of
        // those tables (6 ms a catch-up on the large council, not 0.1).
        // Other tables' rows are passed over below.
        let changes = sqlx::query(
            "SELECT entity, entity_id, after_json FROM history \
             WHERE id > $1 AND id <= $2 ORDER BY id LIMIT $3",
        )
        .bind(from)
        .bind(version)
        .bind(MOST_CHANGES_APPLIED + 1)
        .fetch_all(&mut *tx)
        .await?;
        if changes.len() as i64 > MOST_CHANGES_APPLIED {
            let loaded = load_rows(&mut tx, None).await?;
            tx.commit().await?;
            return LiveMonitoring::new(loaded);
        }
        let mut touched = Touched::default();
        for change in &changes {
            let entity: String = change.try_get(0)?;
            if !TABLES.contains(&entity.as_str()) {
                continue;
            }
            let id: i64 = change.try_get(1)?;
            let after = change
                .try_get::<Option<String>, _>(2)?
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .map_err(|e| {
                    StoreError::UnreadableRow(format!(
                        "history of {entity} {id} could not be read: {e}"
                    ))
                })?;
            live.rows.apply(&entity, id, after, &mut touched)?;
        }
        let organisation = match touched.organisation {
            true => Some(read_organisation(&mut tx).await?),
            false => None,
        };
        tx.commit().await?;
        live.rebuild(version, touched, organisation)?;
        Ok(live)
    }
}
