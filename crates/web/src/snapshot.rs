//! The monitoring data, cached in memory until the database changes.
//!
//! Status pages compute from [`MonitoringData`]; loading it costs a few
//! queries over every action and value, so it is kept and reused while
//! [`Store::data_version`] (the newest history id: one indexed lookup)
//! is unchanged. Any write, from this process or another, moves it.

use goldthread_storage::{MonitoringData, Store, StoreError};
use std::sync::{Arc, RwLock};
use tokio::sync::Mutex;

#[derive(Default)]
pub struct SnapshotCache {
    current: RwLock<Option<Arc<MonitoringData>>>,
    /// One reload at a time; others wait and reuse its result.
    reloading: Mutex<()>,
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
        let _guard = self.reloading.lock().await;
        if let Some(data) = self.cached(version) {
            return Ok(data);
        }
        let data = Arc::new(store.load_monitoring_data().await?);
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
