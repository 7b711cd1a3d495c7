//! Uploads waiting for the user to confirm their preview, in the database:
//! bounded per account and in all, and expired after an hour.

use crate::error::StoreError;
use crate::{Store, now_text, timestamp};
use sqlx::Row;

/// How many uploads may wait, and how large, per account and in all.
#[derive(Debug, Clone, Copy)]
pub struct PendingLimits {
    pub per_account: i64,
    pub bytes_per_account: i64,
    pub total: i64,
    pub total_bytes: i64,
    /// Minutes an upload waits before it is dropped.
    pub expire_minutes: i64,
}

impl Default for PendingLimits {
    fn default() -> Self {
        PendingLimits {
            per_account: 5,
            bytes_per_account: 200 * 1024 * 1024,
            total: 50,
            total_bytes: 1024 * 1024 * 1024,
            expire_minutes: 60,
        }
    }
}

/// One waiting upload.
#[derive(Debug, Clone)]
pub struct PendingUpload {
    pub account_id: i64,
    pub file_name: String,
    pub content: Vec<u8>,
    /// The column roles chosen so far, as a mapping file (JSON).
    pub mapping: Option<String>,
}

impl Store {
    /// Keeps an upload under `token_hash`, after dropping expired ones. An
    /// account over its share, or everyone over the total, is refused with
    /// what to do.
    pub async fn put_pending_import(
        &self,
        token_hash: &str,
        upload: &PendingUpload,
        limits: PendingLimits,
    ) -> Result<(), StoreError> {
        let cutoff =
            timestamp(chrono::Utc::now() - chrono::Duration::minutes(limits.expire_minutes));
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM pending_imports WHERE created_at < $1")
            .bind(&cutoff)
            .execute(&mut *tx)
            .await?;
        let size = upload.content.len() as i64;
        let mine = sqlx::query("SELECT COUNT(*), CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM pending_imports WHERE account_id = $1")
            .bind(upload.account_id)
            .fetch_one(&mut *tx)
            .await?;
        let (count, bytes): (i64, i64) = (mine.try_get(0)?, mine.try_get(1)?);
        if count + 1 > limits.per_account || bytes + size > limits.bytes_per_account {
            return Err(StoreError::Invalid(format!(
                "You have {count} uploads waiting to be confirmed ({} MB). Confirm or cancel them, or wait an hour for them to expire, then upload again.",
                bytes / (1024 * 1024)
            )));
        }
        let all = sqlx::query(
            "SELECT COUNT(*), CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM pending_imports",
        )
        .fetch_one(&mut *tx)
        .await?;
        let (count, bytes): (i64, i64) = (all.try_get(0)?, all.try_get(1)?);
        if count + 1 > limits.total || bytes + size > limits.total_bytes {
            return Err(StoreError::Invalid(
                "Too many uploads are waiting to be confirmed just now. Try again later.".into(),
            ));
        }
        sqlx::query(
            "INSERT INTO pending_imports (token_hash, account_id, file_name, content, size_bytes, mapping, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token_hash)
        .bind(upload.account_id)
        .bind(&upload.file_name)
        .bind(upload.content.clone())
        .bind(size)
        .bind(upload.mapping.clone())
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        self.commit_write(tx).await?;
        Ok(())
    }

    /// The upload under `token_hash` if `account_id` made it and it has
    /// not expired; `take` removes it.
    pub async fn pending_import(
        &self,
        token_hash: &str,
        account_id: i64,
        take: bool,
        limits: PendingLimits,
    ) -> Result<Option<PendingUpload>, StoreError> {
        let cutoff =
            timestamp(chrono::Utc::now() - chrono::Duration::minutes(limits.expire_minutes));
        let row = sqlx::query(
            "SELECT account_id, file_name, content, mapping FROM pending_imports WHERE token_hash = $1 AND account_id = $2 AND created_at >= $3",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(&cutoff)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if take {
            let gone = sqlx::query(
                "DELETE FROM pending_imports WHERE token_hash = $1 AND account_id = $2",
            )
            .bind(token_hash)
            .bind(account_id)
            .execute(&self.pool)
            .await?;
            // Someone confirmed it in another tab in between.
            if gone.rows_affected() == 0 {
                return Ok(None);
            }
        }
        Ok(Some(PendingUpload {
            account_id: row.try_get(0)?,
            file_name: row.try_get(1)?,
            content: row.try_get(2)?,
            mapping: row.try_get(3)?,
        }))
    }
}
