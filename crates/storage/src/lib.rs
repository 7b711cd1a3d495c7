//! Durable storage of plans on SQLite (embedded, the default) or PostgreSQL.
//!
//! One SQL code path serves both backends through sqlx's `Any` driver; the
//! few dialect differences live in [`migrations`]. Invariants:
//! - every write goes through `write`, which appends the record's before and
//!   after states to `history` in the same transaction;
//! - editable records carry a `version`, and a write against a stale version
//!   fails with [`StoreError::Conflict`] rather than overwriting;
//! - a document is imported in one transaction: all of it or none of it.

mod accounts;
mod action_links;
mod authoring;
mod backup;
mod connect;
mod cycle;
mod detail;
mod error;
mod export;
mod history;
mod import;
mod mappings;
pub mod migrations;
mod monitor;
mod monitoring;
mod ordering;
mod pending;
mod plan_authoring;
mod posts;
mod published;
mod read;
mod review;
mod rounds;
mod sso;
mod stamps;
mod template;
mod units;
mod version;
mod write;

pub use accounts::{Account, AccountChange, ApiToken, NewAccount, SessionRecord, normalise_email};
pub use action_links::{ActionLinks, ActionLinksShown, LinkedAction};
pub use authoring::{
    ActionFields, ActionForEdit, IndicatorFields, NodeFields, NodeLinks, PlanOutline, RiskFields,
    RiskForEdit, ThreadNodeRow,
};
pub use backup::{
    BackupCheck, DATABASE_FILE, DataDirLock, Restored, check_sqlite_file, lock_data_dir,
    restore_data_dir,
};
pub use connect::{Backend, redact, sqlite_url};
pub use cycle::{Approval, COMMENT_ITEMS, COMMENT_LIMIT, PlanComment, PlanCycle};
pub use detail::{
    ActionDetail, IndicatorDetail, MeasurementRow, MilestoneRow, RevisionRow, RiskRow, SearchHit,
    UpdateRow,
};
pub use error::StoreError;
pub use history::{Actor, HistoryEntry};
pub use import::{ImportOptions, ImportOutcome, ImportStatus, SourceMeta, nothing_recognised};
pub use mappings::SavedMapping;
pub use monitor::{NewMeasurement, NewProgress, Recording};
pub use monitoring::{
    ActionInfo, IndicatorInfo, LiveMonitoring, MonitoringData, NodeInfo, PlanInfo, UpdateInfo,
    ValueInfo,
};
pub use ordering::{Move, OrderedAction};
pub use pending::{PendingLimits, PendingUpload};
pub use plan_authoring::{PlanFields, PlanForEdit};
pub use posts::PostSummary;
pub use published::{NewPublishedReport, PublishedReport};
pub use read::{ActionRow, PlanSummary};
pub use review::{ChangeFilter, Submission, SubmissionRow};
pub use rounds::{NewRound, RoundDetail, RoundPlan, RoundService, RoundSummary};
pub use sso::{SSO_REQUEST_LIMIT, SsoRequest};
pub use stamps::{PlanStamps, ValueStamp};
pub use units::{UNIT_CODE_LIMIT, UNIT_NAME_LIMIT, UnitFields, UnitSummary};

use sqlx::{Any, AnyPool, Transaction};
use std::path::Path;

/// A handle on the database; cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    version: std::sync::Arc<version::VersionCache>,
    /// This process's writers, queued first come first served before they
    /// take the database's write lock (see [`Store::begin_write`]).
    writers: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

impl Store {
    /// Opens (creating if needed) the database at `url` and brings its
    /// schema up to date.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        let backend = Backend::from_url(url)?;
        let pool = connect::open_pool(url, backend).await?;
        migrations::migrate(&pool, backend).await?;
        Ok(Store {
            pool,
            backend,
            version: Default::default(),
            writers: Default::default(),
        })
    }

    /// Opens the SQLite database file in `data_dir`, creating both if needed.
    pub async fn open_data_dir(data_dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Invalid(format!(
                "cannot create data directory {}: {e}",
                data_dir.display()
            ))
        })?;
        Store::open(&sqlite_url(&data_dir.join(DATABASE_FILE))).await
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A write transaction. Writers take their turn: on SQLite it takes the
    /// write lock up front (`BEGIN IMMEDIATE`) so concurrent writers wait
    /// instead of failing half-way with "database is locked"; on PostgreSQL
    /// a transaction-scoped advisory lock does the same. So history ids are
    /// committed in the order they are given out, and a reader that has
    /// seen id n has seen every change up to n: the data version means
    /// what it says, and the monitoring data catches up from it
    /// (`monitoring/live.rs`) without missing a change committed late.
    ///
    /// This process's writers queue in order on `writers` before that:
    /// SQLite's busy handler makes a writer that finds the lock taken
    /// sleep and retry, up to 100 ms a time, so four editors saving at
    /// once had a p99 of 82 ms on a quiet machine for transactions of a
    /// few milliseconds. Another process (a CLI import beside the server)
    /// still waits through the busy handler.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        let turn = self.writers.clone().lock_owned().await;
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(WRITERS_LOCK)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        };
        Ok(WriteTx { tx, _turn: turn })
    }

    /// Commits a write transaction and forgets the remembered data version,
    /// so this process's next page sees the change.
    pub(crate) async fn commit_write(&self, tx: WriteTx) -> Result<(), StoreError> {
        let result = tx.tx.commit().await;
        self.version.forget();
        Ok(result?)
    }
}

/// A write transaction holding this process's writing turn until it is
/// committed or dropped (rolled back). Reads as the transaction's
/// connection.
pub(crate) struct WriteTx {
    tx: Transaction<'static, Any>,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// The PostgreSQL advisory lock every write transaction holds until it
/// ends ("gold" "wr"); the migrations' lock is another.
const WRITERS_LOCK: i64 = 0x676f_6c64_7772;

/// A moment as stored: RFC 3339 in UTC with microseconds.
pub fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// Now, as stored: RFC 3339 in UTC with microseconds, which sorts as text.
pub(crate) fn now_text() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}
