//! The data version, remembered for a moment.
//!
//! Every cached page asks "has anything changed?" — the newest history id.
//! Asking the database on every request doubles the cost of the cheapest
//! pages, so the answer is kept for [`FRESH_FOR`]. This process's own
//! writes forget it at once (an officer's redirect after saving always sees
//! their change); writes from other processes (a CLI import, another
//! server) are seen within [`FRESH_FOR`].

use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) const FRESH_FOR: Duration = Duration::from_millis(50);

#[derive(Default)]
pub(crate) struct VersionCache {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Moves on every local write, so a lookup that started before a write
    /// cannot store its now-stale answer after it.
    generation: u64,
    known: Option<(Instant, i64)>,
}

impl VersionCache {
    /// The remembered version if still fresh, else the generation to pass
    /// to [`VersionCache::remember`] with the answer from the database.
    pub(crate) fn fresh(&self) -> Result<i64, u64> {
        let Ok(state) = self.state.lock() else {
            return Err(u64::MAX);
        };
        match state.known {
            Some((at, version)) if at.elapsed() < FRESH_FOR => Ok(version),
            _ => Err(state.generation),
        }
    }

    pub(crate) fn remember(&self, generation: u64, version: i64) {
        if let Ok(mut state) = self.state.lock()
            && state.generation == generation
        {
            state.known = Some((Instant::now(), version));
        }
    }

    pub(crate) fn forget(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.generation += 1;
            state.known = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_write_forgets_and_a_lookup_from_before_it_is_not_kept() {
        let cache = VersionCache::default();
        let generation = cache.fresh().unwrap_err();
        cache.remember(generation, 7);
        assert_eq!(cache.fresh(), Ok(7));
        let before_write = {
            cache.forget();
            cache.fresh().unwrap_err()
        };
        // A lookup that began before this write finishes after it:
        let stale_generation = before_write - 1;
        cache.remember(stale_generation, 7);
        assert!(cache.fresh().is_err(), "the stale answer was not kept");
        cache.remember(before_write, 8);
        assert_eq!(cache.fresh(), Ok(8));
    }

    #[test]
    fn answers_go_stale() {
        let cache = VersionCache::default();
        cache.remember(0, 3);
        std::thread::sleep(FRESH_FOR + Duration::from_millis(5));
        assert!(cache.fresh().is_err());
    }
}
