//! Rendered status pages, kept until the data changes.
//!
//! A status page (dashboard, plan tree, indicator) assesses thousands of
//! actions and values; between writes the answer cannot change, so the HTML
//! is kept under the data version it was computed from, keyed by the
//! request's path and query and today's date (the default "as at"). A
//! request then costs the version lookup and a reference-counted copy.
//!
//! After a write every reader of a page misses at once; one of them builds
//! it while the others wait for that page ([`PageCache::building`]) rather
//! than each building the same page. So under a stream of writes a page is
//! built at most once at a time, and one build covers every write before
//! it.

use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Enough for every page of a council's usual browsing between two writes;
/// past it, the oldest versions go first.
const MAX_ENTRIES: usize = 1024;

#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<String, (i64, Bytes)>>,
    /// One build at a time per page.
    builds: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl PageCache {
    /// The page as built from data at `version` or newer.
    pub fn get(&self, key: &str, version: i64) -> Option<Bytes> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(v, _)| *v >= version)
            .map(|(_, body)| body.clone())
    }

    /// The lock a page's builder holds: take it, look in the cache again
    /// (another builder may have just put the page there), and build only
    /// if it is still missing.
    pub fn building(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let Ok(mut builds) = self.builds.lock() else {
            return Arc::default();
        };
        if builds.len() >= MAX_ENTRIES {
            // Builders holding a lock keep it; later ones start afresh.
            builds.clear();
        }
        builds.entry(key.to_string()).or_default().clone()
    }

    pub fn put(&self, key: String, version: i64, body: Bytes) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (v, _)| *v >= version);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, (version, body));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_served_only_for_the_version_it_was_made_from() {
        let cache = PageCache::default();
        cache.put("/dashboard".into(), 7, Bytes::from_static(b"seven"));
        assert_eq!(cache.get("/dashboard", 7).as_deref(), Some(&b"seven"[..]));
        assert_eq!(
            cache.get("/dashboard", 8),
            None,
            "a write moved the version"
        );
        assert_eq!(cache.get("/plans/1", 7), None);
        cache.put("/dashboard".into(), 9, Bytes::from_static(b"nine"));
        assert_eq!(
            cache.get("/dashboard", 8).as_deref(),
            Some(&b"nine"[..]),
            "a page built from newer data answers a request that read an older version"
        );
    }

    #[tokio::test]
    async fn one_build_at_a_time_per_page() {
        let cache = PageCache::default();
        let first = cache.building("/dashboard");
        let _held = first.lock().await;
        assert!(
            cache.building("/dashboard").try_lock().is_err(),
            "a second reader waits for the first one's build"
        );
        assert!(cache.building("/plans/1").try_lock().is_ok());
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = PageCache::default();
        for i in 0..(MAX_ENTRIES + 10) {
            cache.put(format!("/p/{i}"), 1, Bytes::new());
        }
        assert!(cache.entries.lock().unwrap().len() <= MAX_ENTRIES);
    }
}
