//! Password hashing (Argon2id, off the async runtime) and sign-in
//! throttling per account and per address.

use crate::error::WebError;
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use goldthread_storage::{Store, timestamp};
use std::sync::LazyLock;

/// Failed sign-ins are counted over this window…
pub const WINDOW_MINUTES: i64 = 15;
/// …and this many against one account lock it until the window passes…
pub const ACCOUNT_LIMIT: usize = 5;
/// …and this many from one address lock the address (a shared office
/// address makes it larger than the account's).
pub const ADDRESS_LIMIT: usize = 30;

/// Hashes a password with Argon2id (the crate's defaults: OWASP's
/// 19 MiB, two passes) on the blocking pool.
pub async fn hash(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| WebError::Internal(format!("password hashing failed: {e}")))
    })
    .await
    .map_err(|e| WebError::Internal(format!("password hashing stopped: {e}")))?
}

/// Whether `password` matches `stored`. Without a stored hash (no such
/// account, or no password set) a dummy hash is checked, so the answer
/// takes as long either way and does not tell which emails exist.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(b"no account has this password", &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// The subjects a sign-in attempt is counted against.
pub fn subjects(email: &str, address: Option<&str>) -> Vec<String> {
    let mut subjects = vec![format!(
        "account:{}",
        goldthread_storage::normalise_email(email)
    )];
    if let Some(address) = address {
        subjects.push(format!("address:{address}"));
    }
    subjects
}

/// When sign-in may be tried again, if too many attempts failed lately
/// for the account or the address.
pub async fn locked_until(
    store: &Store,
    email: &str,
    address: Option<&str>,
) -> Result<Option<DateTime<Utc>>, WebError> {
    let now = Utc::now();
    let since = timestamp(now - Duration::minutes(WINDOW_MINUTES));
    let mut until = None;
    for subject in subjects(email, address) {
        let limit = if subject.starts_with("account:") {
            ACCOUNT_LIMIT
        } else {
            ADDRESS_LIMIT
        };
        let failures = store.sign_in_failures(&subject, &since).await?;
        if failures.len() >= limit {
            // Free again when the oldest failure that keeps the count at
            // the limit leaves the window.
            let oldest = &failures[failures.len() - limit];
            if let Ok(at) = DateTime::parse_from_rfc3339(oldest) {
                let free = at.with_timezone(&Utc) + Duration::minutes(WINDOW_MINUTES);
                until = until.max(Some(free));
            }
        }
    }
    Ok(until)
}

pub async fn record_failure(
    store: &Store,
    email: &str,
    address: Option<&str>,
) -> Result<(), WebError> {
    let forget = timestamp(Utc::now() - Duration::minutes(WINDOW_MINUTES * 4));
    store
        .record_sign_in_failure(&subjects(email, address), &forget)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = super::hash("correct horse battery".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!super::verify("correct horse battery!".into(), Some(hash)).await);
        assert!(!super::verify("anything".into(), None).await);
        assert!(!super::verify("anything".into(), Some("not a hash".into())).await);
    }
}
