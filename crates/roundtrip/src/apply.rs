//! Stores a preview's changes through `Store::record_all`: progress and
//! values recorded exactly as the forms record them (history, sign-off),
//! in one transaction. Conflicts are stored only when asked, over the
//! version seen in the preview; any change since the preview stores
//! nothing.

use crate::RoundtripError;
use crate::preview::{Preview, What, Who};
use goldthread_domain::Review;
use goldthread_storage::{Recording, Store, StoreError};
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Applied {
    pub stored: usize,
    /// Conflicts left alone (not overwritten).
    pub skipped: usize,
    /// Whether what was stored waits for sign-off.
    pub pending: bool,
}

pub async fn apply(
    store: &Store,
    preview: &Preview,
    overwrite_conflicts: bool,
    who: &Who,
) -> Result<Applied, RoundtripError> {
    if !preview.problems.is_empty() {
        return Err(RoundtripError::HasProblems(preview.problems.len()));
    }
    let mut recordings = Vec::new();
    let mut skipped = 0;
    for change in &preview.changes {
        let version = match (&change.conflict, overwrite_conflicts) {
            (Some(_), false) => {
                skipped += 1;
                continue;
            }
            (Some(_), true) => change.current_version,
            (None, _) => change.exported_version,
        };
        recordings.push(match &change.what {
            What::Progress(progress) => Recording::Progress {
                action_id: change.record_id,
                expected_version: version,
                progress: progress.clone(),
            },
            What::Value(measurement) => Recording::Value {
                indicator_id: change.record_id,
                expected_version: (version > 0).then_some(version),
                measurement: measurement.clone(),
            },
        });
    }
    let review = if who.role.needs_sign_off() {
        Review::Pending
    } else {
        Review::Approved
    };
    if !recordings.is_empty() {
        match store.record_all(&recordings, &who.actor, review).await {
            Ok(()) => {}
            Err(StoreError::Conflict {
                entity,
                changed_by,
                changed_at,
                ..
            }) => {
                let what = if entity == "actions" {
                    "an action"
                } else {
                    "a value"
                };
                return Err(RoundtripError::Refused(format!(
                    "{changed_by} changed {what} in this workbook at {} after it was previewed: nothing was stored. Preview the workbook again.",
                    changed_at
                        .get(..16)
                        .unwrap_or(&changed_at)
                        .replace('T', " ")
                )));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Applied {
        stored: recordings.len(),
        skipped,
        pending: review == Review::Pending,
    })
}
