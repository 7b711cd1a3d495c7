//! Sessions and API tokens: who a request comes from.
//!
//! The session cookie holds a random token; the database holds its hash
//! with the account, the CSRF token and the timeouts, so sessions survive a
//! restart and are shared by every server on one database. Each request
//! costs one primary-key lookup joined to the account; the last-seen time
//! is written at most once a minute.

use super::{
    AuthConfig, CsrfToken, PAGE_CONTEXT, PageContext, Principal, SignedIn, random_token, token_hash,
};
use crate::AppState;
use crate::error::WebError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use goldthread_storage::{Account, timestamp};

pub const SESSION_COOKIE: &str = "goldthread_session";
/// An anonymous visitor's CSRF token (the sign-in form is a form too).
pub const CSRF_COOKIE: &str = "goldthread_csrf";

/// Reads a cookie's value from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim_matches('"'))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when configured.
/// `max_age` of zero deletes the cookie.
pub fn set_cookie(
    config: &AuthConfig,
    name: &str,
    value: &str,
    max_age: Option<u64>,
) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if config.secure_cookies {
        text.push_str("; Secure");
    }
    if let Some(age) = max_age {
        text.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

fn is_token(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Works out the request's [`Principal`] and CSRF token, puts them in its
/// extensions and its task's [`PageContext`], and passes it on.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let mut cookies_out: Vec<HeaderValue> = Vec::new();
    let mut session_csrf = None;
    let principal = match bearer(request.headers()) {
        Some(token) => match state.store.use_api_token(&token_hash(token)).await {
            Ok(Some(scope)) => Principal::Token { scope },
            Ok(None) => {
                return WebError::Unauthorised(
                    "the API token is not valid, or has been revoked".into(),
                )
                .into_response();
            }
            Err(e) => return WebError::from(e).into_response(),
        },
        None => match cookie(request.headers(), SESSION_COOKIE).filter(|t| is_token(t)) {
            None => Principal::Anonymous,
            Some(token) => match resume(&state, token).await {
                Ok(Some((signed_in, csrf))) => {
                    session_csrf = Some(csrf);
                    Principal::Account(signed_in)
                }
                Ok(None) => {
                    cookies_out.push(set_cookie(&state.auth, SESSION_COOKIE, "", Some(0)));
                    Principal::Anonymous
                }
                Err(e) => return e.into_response(),
            },
        },
    };
    let csrf = match session_csrf {
        Some(csrf) => csrf,
        None => match cookie(request.headers(), CSRF_COOKIE).filter(|t| is_token(t)) {
            Some(token) => token.to_string(),
            None => match random_token() {
                Ok(token) => {
                    cookies_out.push(set_cookie(&state.auth, CSRF_COOKIE, &token, None));
                    token
                }
                Err(e) => return e.into_response(),
            },
        },
    };
    let context = PageContext {
        account: match &principal {
            Principal::Account(a) => Some(a.clone()),
            _ => None,
        },
        csrf_token: csrf.clone(),
    };
    request.extensions_mut().insert(principal);
    request.extensions_mut().insert(CsrfToken(csrf));
    let mut response = PAGE_CONTEXT.scope(context, next.run(request)).await;
    for value in cookies_out {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The signed-in account of a session token, if the session is live: not
/// past its absolute end, not idle too long, its account not disabled.
async fn resume(state: &AppState, token: &str) -> Result<Option<(SignedIn, String)>, WebError> {
    let hash = token_hash(token);
    let version = state.store.data_version().await?;
    let session = match state.sessions.get(&hash, version) {
        Some(session) => session,
        None => match state.store.session(&hash).await? {
            Some(session) => {
                state.sessions.put(&hash, session.clone(), version);
                session
            }
            None => return Ok(None),
        },
    };
    let now = Utc::now();
    let parse = |t: &str| {
        DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .ok()
    };
    let expired = parse(&session.expires_at).is_none_or(|end| end <= now);
    let last_seen = parse(&session.last_seen_at);
    let idle = last_seen.is_none_or(|seen| {
        now.signed_duration_since(seen).to_std().unwrap_or_default() > state.auth.idle_timeout
    });
    if expired || idle || session.disabled {
        end(state, &hash).await?;
        return Ok(None);
    }
    if last_seen.is_some_and(|seen| now.signed_duration_since(seen) > chrono::Duration::minutes(1))
    {
        let seen = timestamp(now);
        state.store.touch_session(&hash, &seen).await?;
        let mut touched = session.clone();
        touched.last_seen_at = seen;
        state.sessions.put(&hash, touched, version);
    }
    let signed_in = SignedIn {
        account_id: session.account_id,
        email: session.email,
        name: session.name,
        role: session.role,
        session_hash: hash,
    };
    Ok(Some((signed_in, session.csrf_token)))
}

/// Starts a new session for `account` (always a new id: a session id known
/// before sign-in is never carried over) and returns its cookie.
pub async fn start(state: &AppState, account: &Account) -> Result<HeaderValue, WebError> {
    let token = random_token()?;
    let csrf = random_token()?;
    let lifetime = state.auth.absolute_timeout;
    let expires =
        Utc::now() + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::hours(12));
    state
        .store
        .create_session(&token_hash(&token), account.id, &csrf, &timestamp(expires))
        .await?;
    Ok(set_cookie(
        &state.auth,
        SESSION_COOKIE,
        &token,
        Some(lifetime.as_secs()),
    ))
}

/// Ends a session: in the database, and in this server's cache at once.
pub async fn end(state: &AppState, hash: &str) -> Result<(), WebError> {
    state.sessions.forget(hash);
    state.store.end_session(hash).await?;
    Ok(())
}

/// Sessions read lately, so a signed-in page costs no query of its own.
/// An entry serves for a few seconds and only while the data version is
/// the one it was read at: disabling an account, changing a role or a
/// password writes the history, which moves the version, so every server
/// re-reads at once. A sign-out on another server is seen within
/// [`SessionCache::FRESH_FOR`].
#[derive(Default)]
pub struct SessionCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, Cached>>,
}

struct Cached {
    session: goldthread_storage::SessionRecord,
    version: i64,
    fetched: std::time::Instant,
}

impl SessionCache {
    pub const FRESH_FOR: std::time::Duration = std::time::Duration::from_secs(5);
    const MAX_ENTRIES: usize = 10_000;

    fn get(&self, hash: &str, version: i64) -> Option<goldthread_storage::SessionRecord> {
        let entries = self.entries.lock().ok()?;
        let cached = entries.get(hash)?;
        (cached.version == version && cached.fetched.elapsed() < Self::FRESH_FOR)
            .then(|| cached.session.clone())
    }

    fn put(&self, hash: &str, session: goldthread_storage::SessionRecord, version: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= Self::MAX_ENTRIES {
                entries.retain(|_, c| c.fetched.elapsed() < Self::FRESH_FOR);
                if entries.len() >= Self::MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(
                hash.to_string(),
                Cached {
                    session,
                    version,
                    fetched: std::time::Instant::now(),
                },
            );
        }
    }

    pub fn forget(&self, hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(hash);
        }
    }
}
