//! Who is asking, and may they: sessions and API tokens (`session.rs`),
//! CSRF tokens (`csrf.rs`), password hashing and sign-in throttling
//! (`password.rs`), the route table that gives every route its access
//! rule (`routes.rs`), and single sign-on through the council's identity
//! provider (`sso.rs`).

pub mod csrf;
pub mod password;
pub mod routes;
pub mod session;
pub mod sso;

use crate::error::WebError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use goldthread_domain::Role;
use goldthread_storage::Actor;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How sessions and cookies behave; set by `serve`'s flags.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Mark cookies `Secure` (serving over TLS, or behind a TLS proxy).
    pub secure_cookies: bool,
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute_timeout: Duration,
    /// Where one-time links point: `https://goldthread.council.gov.uk`.
    pub base_url: String,
    /// Behind a reverse proxy: the client's address is the last one the
    /// proxy adds to `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// Single sign-on through an OpenID Connect provider, if configured.
    pub sso: Option<sso::SsoConfig>,
    /// The licence the public open data is published under. (Start-up
    /// settings of the server live here with the sign-in ones.)
    pub open_data_licence: Licence,
}

/// A licence for open data: its name and where it is set out.
#[derive(Debug, Clone, Serialize)]
pub struct Licence {
    pub name: String,
    pub url: String,
}

impl Default for Licence {
    /// The Open Government Licence, as the Local Government Transparency
    /// Code expects.
    fn default() -> Self {
        Licence {
            name: "Open Government Licence v3.0".into(),
            url: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
                .into(),
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            secure_cookies: false,
            idle_timeout: Duration::from_secs(2 * 60 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            base_url: "http://127.0.0.1:8080".into(),
            behind_proxy: false,
            sso: None,
            open_data_licence: Licence::default(),
        }
    }
}

/// The signed-in account behind a request.
#[derive(Debug, Clone, Serialize)]
pub struct SignedIn {
    pub account_id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(skip)]
    pub session_hash: String,
}

impl SignedIn {
    pub fn actor(&self) -> Actor {
        Actor::account(self.account_id, &self.name, &self.email)
    }
}

/// Who a request comes from.
#[derive(Debug, Clone)]
pub enum Principal {
    Anonymous,
    Account(SignedIn),
    /// An integration with a read-only API token.
    Token {
        scope: String,
    },
}

impl Principal {
    /// The role the route gates see: a token reads, as a viewer does.
    pub fn role(&self) -> Option<Role> {
        match self {
            Principal::Anonymous => None,
            Principal::Account(a) => Some(a.role),
            Principal::Token { .. } => Some(Role::Viewer),
        }
    }
}

/// The request's CSRF token: the session's, or an anonymous visitor's
/// cookie value. Forms carry it as `csrf_token`.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// What every page shows of the request: who is signed in, and the token
/// its forms carry. Set for the request's task by [`session::authenticate`]
/// so that rendering any template can read it.
#[derive(Debug, Clone, Default)]
pub struct PageContext {
    pub account: Option<SignedIn>,
    pub csrf_token: String,
}

tokio::task_local! {
    pub static PAGE_CONTEXT: PageContext;
}

/// The page context of the current request, or an empty one (error pages
/// rendered outside a request).
pub fn page_context() -> PageContext {
    PAGE_CONTEXT.try_with(Clone::clone).unwrap_or_default()
}

/// The signed-in account, for handlers that need it (the route's gate has
/// already let the request in; without an account it is a 403).
pub struct Me(pub SignedIn);

impl<S: Send + Sync> FromRequestParts<S> for Me {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Principal>() {
            Some(Principal::Account(account)) => Ok(Me(account.clone())),
            _ => Err(WebError::Forbidden(
                "Sign in with an account to do this.".into(),
            )),
        }
    }
}

/// How long a one-time link to set a password lasts.
pub const LINK_HOURS: i64 = 72;

/// Makes a one-time link to set `account_id`'s password, as a full URL
/// under `base_url`; only its hash is kept.
pub async fn password_link(
    store: &goldthread_storage::Store,
    base_url: &str,
    account_id: i64,
) -> Result<String, WebError> {
    let token = random_token()?;
    let expires = chrono::Utc::now() + chrono::Duration::hours(LINK_HOURS);
    store
        .create_password_link(
            &token_hash(&token),
            account_id,
            &goldthread_storage::timestamp(expires),
        )
        .await?;
    Ok(format!(
        "{}/password/{token}",
        base_url.trim_end_matches('/')
    ))
}

/// A fresh random token: 32 bytes from the operating system, as hex.
pub fn random_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| WebError::Internal(format!("no randomness from the system: {e}")))?;
    Ok(hex(&bytes))
}

/// How a token is kept in the database: its SHA-256, as hex.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_fixed() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abcd", "abcd"));
        assert!(!same_secret("abcd", "abce"));
        assert!(!same_secret("abcd", "abc"));
        assert!(!same_secret("", "a"));
    }
}
