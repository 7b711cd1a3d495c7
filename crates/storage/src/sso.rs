//! Single sign-on requests: what a sign-in through the council's identity
//! provider must remember between sending the browser there and its
//! return. In the database, so any server on it can take the callback.

use crate::error::StoreError;
use crate::{Store, now_text};
use sqlx::Row;

/// At most this many sign-ins may be on their way at once; past it, a new
/// one is refused until old ones finish or expire.
pub const SSO_REQUEST_LIMIT: i64 = 10_000;

/// A sign-in on its way through the identity provider.
#[derive(Debug, Clone, PartialEq)]
pub struct SsoRequest {
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub verifier: String,
    /// Where to go once signed in.
    pub next: String,
    pub created_at: String,
}

impl Store {
    /// Keeps a sign-in under the hash of its state, after clearing those
    /// started before `expired_before`. False, keeping nothing, when
    /// [`SSO_REQUEST_LIMIT`] are already waiting.
    pub async fn create_sso_request(
        &self,
        state_hash: &str,
        nonce: &str,
        verifier: &str,
        next: &str,
        expired_before: &str,
    ) -> Result<bool, StoreError> {
        sqlx::query("DELETE FROM sso_requests WHERE created_at < $1")
            .bind(expired_before)
            .execute(&self.pool)
            .await?;
        if self.count("sso_requests").await? >= SSO_REQUEST_LIMIT {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO sso_requests (state_hash, nonce, verifier, next, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(state_hash)
        .bind(nonce)
        .bind(verifier)
        .bind(next)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(true)
    }

    /// Takes the sign-in kept under `state_hash`: it is deleted, so only
    /// one caller ever gets it. `None` if there is none, or if it was
    /// started before `not_before` (expired).
    pub async fn take_sso_request(
        &self,
        state_hash: &str,
        not_before: &str,
    ) -> Result<Option<SsoRequest>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT nonce, verifier, next, created_at FROM sso_requests WHERE state_hash = $1",
        )
        .bind(state_hash)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let taken = sqlx::query("DELETE FROM sso_requests WHERE state_hash = $1")
            .bind(state_hash)
            .execute(&self.pool)
            .await?
            .rows_affected();
        if taken != 1 {
            // Another request took it between the two statements.
            return Ok(None);
        }
        let request = SsoRequest {
            nonce: row.try_get(0)?,
            verifier: row.try_get(1)?,
            next: row.try_get(2)?,
            created_at: row.try_get(3)?,
        };
        Ok((request.created_at.as_str() >= not_before).then_some(request))
    }
}
