//! The monitoring data, kept in memory and brought up to date as the
//! database changes.
//!
//! Status pages compute from [`MonitoringData`]. It is reused while
//! [`Store::data_version`] (the newest history id: one indexed lookup) is
//! unchanged; when a write, from this process or another, moves it, the
//! kept data catches up from the history rows since its version
//! ([`Store::catch_up`]): a write costs what it changed, not a reload of
//! the council.

use goldthread_storage::{LiveMonitoring, MonitoringData, Store, StoreError};
use std::sync::{Arc, RwLock};
use tokio::sync::Mutex;

#[derive(Default)]
pub struct SnapshotCache {
    current: RwLock<Option<Arc<MonitoringData>>>,
    /// The rows behind `current`; one catch-up at a time, others wait and
    /// reuse its result. `None` until the first load, and after an error.
    live: Mutex<Option<LiveMonitoring>>,
}

impl SnapshotCache {
    pub async fn get(&self, store: &Store) -> Result<Arc<MonitoringData>, StoreError> {
        self.get_at(store, store.data_version().await?).await
    }

    /// The data at `version` or newer, when the caller has just read it.
    pub async fn get_at(
        &self,
        store: &Store,
        version: i64,
    ) -> Result<Arc<MonitoringData>, StoreError> {
        if let Some(data) = self.cached(version) {
            return Ok(data);
        }
        let mut live = self.live.lock().await;
        if let Some(data) = self.cached(version) {
            return Ok(data);
        }
        // Taken out while it catches up: if that fails, it may be half
        // applied, and the next request loads it whole.
        let caught_up = match live.take() {
            Some(kept) => store.catch_up(kept).await?,
            None => store.load_live_monitoring().await?,
        };
        let data = caught_up.data();
        *live = Some(caught_up);
        if let Ok(mut slot) = self.current.write() {
            *slot = Some(data.clone());
        }
        Ok(data)
    }

    fn cached(&self, version: i64) -> Option<Arc<MonitoringData>> {
        let slot = self.current.read().ok()?;
        slot.as_ref().filter(|d| d.version >= version).cloned()
    }
}
