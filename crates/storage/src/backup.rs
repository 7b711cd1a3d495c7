//! Backups of the embedded database, checked; restoring one on a stopped
//! data directory, refusing what would make things worse; and the lock a
//! server holds on its data directory, so "stopped" can be checked.

use crate::connect::Backend;
use crate::error::StoreError;
use crate::{Store, migrations};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The database file's name in a data directory.
pub const DATABASE_FILE: &str = "goldthread.sqlite";
const LOCK_FILE: &str = "goldthread.lock";

/// What a checked SQLite file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupCheck {
    pub bytes: u64,
    pub schema_version: i64,
    pub plans: i64,
    pub actions: i64,
}

/// Held by a running server for its data directory; dropped, it is free.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
}

/// Takes the data directory's lock, or says who holds it.
pub fn lock_data_dir(data_dir: &Path) -> Result<DataDirLock, StoreError> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        StoreError::Invalid(format!(
            "cannot create data directory {}: {e}",
            data_dir.display()
        ))
    })?;
    let path = data_dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::Invalid(format!("cannot open {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(DataDirLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Invalid(format!(
            "a Goldthread server is running on {} (it holds {}); stop it first",
            data_dir.display(),
            path.display()
        ))),
        Err(std::fs::TryLockError::Error(e)) => Err(StoreError::Invalid(format!(
            "cannot lock {}: {e}",
            path.display()
        ))),
    }
}

/// Opens `path` read-only and checks it is a whole Goldthread database
/// whose schema this build knows: `PRAGMA integrity_check` must say ok.
pub async fn check_sqlite_file(path: &Path) -> Result<BackupCheck, StoreError> {
    let named = |problem: String| StoreError::Invalid(format!("{}: {problem}", path.display()));
    let bytes = std::fs::metadata(path)
        .map_err(|e| named(format!("cannot read it: {e}")))?
        .len();
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = options
        .connect()
        .await
        .map_err(|e| named(format!("not a database Goldthread can open ({e})")))?;
    let verdict: Result<Vec<String>, sqlx::Error> = sqlx::query("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>(0)).collect());
    let verdict = verdict.map_err(|e| named(format!("damaged: {e}")))?;
    if verdict != ["ok"] {
        return Err(named(format!(
            "damaged: the integrity check says {}",
            verdict.join("; ")
        )));
    }
    let schema_version: i64 = sqlx::query("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&mut conn)
        .await
        .and_then(|r| r.try_get::<Option<i64>, _>(0))
        .map_err(|_| named("not a Goldthread database (it has no schema_migrations)".into()))?
        .unwrap_or(0);
    let newest = migrations::MIGRATIONS
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap_or(0);
    if schema_version > newest {
        return Err(named(format!(
            "made by a newer Goldthread (schema {schema_version}; this one knows up to {newest}); restore it with that version"
        )));
    }
    let mut counts = Vec::new();
    for sql in ["SELECT COUNT(*) FROM plans", "SELECT COUNT(*) FROM actions"] {
        let n: i64 = sqlx::query(sql)
            .fetch_one(&mut conn)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(|e| named(format!("not a Goldthread database ({e})")))?;
        counts.push(n);
    }
    let (plans, actions) = (counts[0], counts[1]);
    conn.close().await?;
    Ok(BackupCheck {
        bytes,
        schema_version,
        plans,
        actions,
    })
}

impl Store {
    /// Copies a live SQLite database to `target` consistently (`VACUUM
    /// INTO`), then checks the copy; a copy that fails the check is
    /// removed and the error says why.
    pub async fn backup_to(&self, target: &Path) -> Result<BackupCheck, StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Invalid(
                "backup copies SQLite databases; for PostgreSQL use pg_dump".into(),
            ));
        }
        if target.exists() {
            return Err(StoreError::Invalid(format!(
                "{} already exists; choose a new file",
                target.display()
            )));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(target.display().to_string())
            .execute(&self.pool)
            .await?;
        match check_sqlite_file(target).await {
            Ok(check) => Ok(check),
            Err(e) => {
                let _ = std::fs::remove_file(target);
                Err(e)
            }
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq)]
pub struct Restored {
    pub check: BackupCheck,
    /// Where the database that was in place now is, if there was one.
    pub kept_aside: Option<PathBuf>,
}

/// Puts the backup `file` in place as the database of `data_dir`, which
/// no server may be running on. The backup is checked first (whole, a
/// Goldthread database, not from a newer version); the database in place,
/// with its journal files, is moved aside, not deleted; the copy is
/// written beside its destination and renamed into place; finally it is
/// opened, which brings an older schema up to date.
pub async fn restore_data_dir(data_dir: &Path, file: &Path) -> Result<Restored, StoreError> {
    let _lock = lock_data_dir(data_dir)?;
    let check = check_sqlite_file(file).await?;
    let database = data_dir.join(DATABASE_FILE);
    let io = |what: &str, path: &Path, e: std::io::Error| {
        StoreError::Invalid(format!("cannot {what} {}: {e}", path.display()))
    };
    let incoming = data_dir.join(format!("{DATABASE_FILE}.restoring"));
    std::fs::copy(file, &incoming).map_err(|e| io("copy the backup to", &incoming, e))?;
    let kept_aside = if database.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let aside = data_dir.join(format!("{DATABASE_FILE}.before-restore-{stamp}"));
        std::fs::rename(&database, &aside).map_err(|e| io("move aside", &database, e))?;
        // The journal files belong to the database they were written for.
        for suffix in ["-wal", "-shm"] {
            let journal = data_dir.join(format!("{DATABASE_FILE}{suffix}"));
            if journal.exists() {
                let moved = PathBuf::from(format!("{}{suffix}", aside.display()));
                std::fs::rename(&journal, &moved).map_err(|e| io("move aside", &journal, e))?;
            }
        }
        Some(aside)
    } else {
        None
    };
    std::fs::rename(&incoming, &database).map_err(|e| io("put in place", &database, e))?;
    let store = Store::open_data_dir(data_dir).await?;
    store.close().await;
    Ok(Restored { check, kept_aside })
}
