//! Signing in with the council's own accounts, through its identity
//! provider (`auth::sso`): `/sign-in/sso` sends the browser there,
//! `/sign-in/sso/callback` takes it back and starts a session.
//!
//! What a sign-in must remember in between (nonce, PKCE verifier, where to
//! go next) is kept in the database under the hash of its state, so the
//! callback may reach any server on the same database. The state also goes
//! into a short-lived cookie, and the callback must come with both: a
//! provider's answer made for someone else's browser signs nobody in here.

use super::account::safe_next;
use crate::AppState;
use crate::auth::session::{self, SESSION_COOKIE};
use crate::auth::sso::{Identity, Sso, SsoError};
use crate::auth::{same_secret, token_hash};
use crate::error::WebError;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use goldthread_storage::{Account, Actor, NewAccount, StoreError, timestamp};
use serde::Deserialize;
use std::sync::Arc;

/// Holds a sign-in's state from `/sign-in/sso` to the callback.
pub const SSO_COOKIE: &str = "goldthread_sso";

/// How long a sign-in may take at the provider.
const REQUEST_MINUTES: i64 = 10;

const START_AGAIN: &str = "Start again from the sign-in page.";

fn configured(state: &AppState) -> Result<&Arc<Sso>, WebError> {
    state.sso.as_ref().ok_or(WebError::NotFound)
}

/// What a person is told when the provider fails or refuses; the detail
/// goes to the log only.
fn problem(error: SsoError) -> WebError {
    match error {
        SsoError::Unavailable(detail) => {
            tracing::warn!(%detail, "single sign-on: the identity provider failed");
            WebError::Upstream(
                "Goldthread cannot reach your organisation's sign-in service just now. Try again in a few minutes, or sign in with your email address and password."
                    .into(),
            )
        }
        SsoError::Refused(detail) => {
            tracing::warn!(%detail, "single sign-on: the identity provider's answer was refused");
            WebError::Unauthorised(format!(
                "Your organisation's sign-in service did not confirm who you are. {START_AGAIN}"
            ))
        }
    }
}

/// The oldest sign-in still accepted, as stored.
fn oldest_accepted() -> String {
    timestamp(chrono::Utc::now() - chrono::Duration::minutes(REQUEST_MINUTES))
}

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// Sends the browser to the provider, remembering the sign-in.
pub async fn start(
    State(state): State<AppState>,
    Query(q): Query<StartQuery>,
) -> Result<Response, WebError> {
    let sso = configured(&state)?;
    let next = safe_next(q.next.as_deref());
    let pending = sso.start().await.map_err(problem)?;
    let kept = state
        .store
        .create_sso_request(
            &token_hash(&pending.state),
            &pending.nonce,
            &pending.verifier,
            &next,
            &oldest_accepted(),
        )
        .await?;
    if !kept {
        return Err(WebError::TooManyAttempts(
            "Too many people are signing in at once. Try again in a few minutes.".into(),
        ));
    }
    let cookie = session::set_cookie(
        &state.auth,
        SSO_COOKIE,
        &pending.state,
        Some(REQUEST_MINUTES as u64 * 60),
    );
    Ok((
        [(header::SET_COOKIE, cookie)],
        Redirect::to(&pending.authorize_url),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    /// The provider's name for itself (RFC 9207), if it sends it.
    iss: Option<String>,
}

/// Takes the browser back from the provider: checks the state, exchanges
/// the code, verifies the ID token, finds or makes the account by email,
/// and starts a session.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, WebError> {
    let sso = configured(&state)?;
    let state_param = q.state.as_deref().filter(|s| !s.is_empty());
    // The state must be the one this browser was given at the start.
    let ours = state_param
        .filter(|s| session::cookie(&headers, SSO_COOKIE).is_some_and(|c| same_secret(c, s)));
    let request = match ours {
        Some(s) => {
            state
                .store
                .take_sso_request(&token_hash(s), &oldest_accepted())
                .await?
        }
        None => None,
    };
    if let Some(error) = q.error.as_deref() {
        // Both shown to the person (escaped), so kept short.
        let error: String = error.chars().take(100).collect();
        let detail: String = q
            .error_description
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
        tracing::warn!(%error, %detail, "single sign-on: the identity provider sent an error");
        return Err(WebError::Unauthorised(if error == "access_denied" {
            "Signing in with your organisation's account was cancelled or refused. Try again, or sign in with your email address and password.".into()
        } else {
            format!(
                "Your organisation's sign-in service could not sign you in (it said: {error}{}{detail}). {START_AGAIN}",
                if detail.is_empty() { "" } else { ", " }
            )
        }));
    }
    if state_param.is_none() {
        return Err(WebError::BadRequest(format!(
            "This sign-in is incomplete: the answer from your organisation's sign-in service has no state. {START_AGAIN}"
        )));
    }
    if ours.is_none() {
        return Err(WebError::BadRequest(format!(
            "This sign-in did not start in this browser, or took longer than {REQUEST_MINUTES} minutes. {START_AGAIN}"
        )));
    }
    let Some(request) = request else {
        return Err(WebError::BadRequest(format!(
            "This sign-in has expired (it took longer than {REQUEST_MINUTES} minutes) or has been used already. {START_AGAIN}"
        )));
    };
    if let Some(iss) = q.iss.as_deref()
        && iss != sso.config.issuer
    {
        tracing::warn!(%iss, "single sign-on: the answer names another issuer");
        return Err(WebError::BadRequest(format!(
            "This answer came from another sign-in service. {START_AGAIN}"
        )));
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) else {
        return Err(WebError::BadRequest(format!(
            "This sign-in is incomplete: the answer from your organisation's sign-in service has no code. {START_AGAIN}"
        )));
    };
    let identity = sso
        .finish(code, &request.verifier, &request.nonce)
        .await
        .map_err(problem)?;
    let account = account_for(&state, sso, &identity).await?;
    if account.disabled {
        return Err(WebError::Forbidden(
            "This account has been disabled. Ask an administrator if you need it again.".into(),
        ));
    }
    // A session the browser had before (anyone's) ends here.
    if let Some(old) = session::cookie(&headers, SESSION_COOKIE) {
        crate::auth::session::end(&state, &token_hash(old)).await?;
    }
    let cookie = session::start(&state, &account).await?;
    tracing::info!(account = account.id, "signed in with single sign-on");
    let clear = session::set_cookie(&state.auth, SSO_COOKIE, "", Some(0));
    Ok((
        // Appended: an array of headers would keep only the last cookie.
        AppendHeaders([(header::SET_COOKIE, cookie), (header::SET_COOKIE, clear)]),
        Redirect::to(&safe_next(Some(&request.next))),
    )
        .into_response())
}

/// The account of the person the provider vouched for, by email (as
/// accounts are matched: trimmed, any case), made at their first sign-in
/// with the configured role if they have none.
async fn account_for(
    state: &AppState,
    sso: &Sso,
    identity: &Identity,
) -> Result<Account, WebError> {
    let email = identity.email.as_deref().map(str::trim).unwrap_or("");
    if email.is_empty() {
        tracing::warn!(subject = %identity.subject, "single sign-on: the ID token has no email");
        return Err(WebError::Unauthorised(
            "Your organisation's sign-in service did not give Goldthread your email address, which Goldthread knows accounts by. Ask your administrator.".into(),
        ));
    }
    if identity.email_verified == Some(false) {
        return Err(WebError::Unauthorised(
            "Your organisation's sign-in service says your email address is not verified. Ask your administrator.".into(),
        ));
    }
    if let Some(account) = state.store.account_by_email(email).await? {
        return Ok(account);
    }
    let Some(role) = sso.config.default_role else {
        return Err(WebError::Forbidden(format!(
            "Goldthread has no account for {email}. Ask an administrator to add one."
        )));
    };
    let name = identity
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or(email))
        .to_string();
    let new = NewAccount {
        email: email.to_string(),
        name,
        role,
        posts: Vec::new(),
    };
    match state
        .store
        .create_account(&new, &Actor::process("sso"))
        .await
    {
        Ok(id) => {
            tracing::info!(account = id, %role, "account made at first single sign-on");
            Ok(state.store.account(id).await?)
        }
        // The same person signing in twice at once: the other request made it.
        Err(StoreError::Invalid(message)) => match state.store.account_by_email(email).await? {
            Some(account) => Ok(account),
            None => Err(WebError::BadRequest(format!(
                "Goldthread cannot make an account for you: {message}."
            ))),
        },
        Err(e) => Err(e.into()),
    }
}
