//! Signing in and out, one's own account and password, and setting a
//! password from a one-time link. Plain HTML forms, so scripts and load
//! tests sign in the way people do.

use super::render;
use crate::AppState;
use crate::auth::session::{self, SESSION_COOKIE};
use crate::auth::{Me, password, token_hash};
use crate::error::WebError;
use crate::extract::ClientAddress;
use crate::forms::FormErrors;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use goldthread_domain::check_password;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Default)]
pub struct SignInQuery {
    next: Option<String>,
    done: Option<String>,
}

#[derive(Serialize)]
struct SignInPage {
    title: &'static str,
    email: String,
    next: String,
    errors: FormErrors,
    notice: Option<&'static str>,
    /// Offer signing in with the organisation's account.
    sso: bool,
}

/// Where to go after signing in: a path on this site, never elsewhere.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

pub async fn sign_in_form(
    State(state): State<AppState>,
    Query(q): Query<SignInQuery>,
) -> Result<Html<String>, WebError> {
    render(
        &state,
        "sign_in.html",
        &SignInPage {
            title: "Sign in",
            email: String::new(),
            next: safe_next(q.next.as_deref()),
            errors: FormErrors::default(),
            notice: q
                .done
                .map(|_| "Your password has been set. Sign in with it."),
            sso: state.sso.is_some(),
        },
    )
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let email = form.email.trim().to_string();
    let next = safe_next(Some(&form.next));
    let refuse = |status: StatusCode, field: &str, message: String| {
        let mut errors = FormErrors::default();
        errors.add(field, message);
        let page = SignInPage {
            title: "Sign in",
            email: email.clone(),
            next: next.clone(),
            errors,
            notice: None,
            sso: state.sso.is_some(),
        };
        render(&state, "sign_in.html", &page).map(|html| (status, html).into_response())
    };
    if email.is_empty() || form.password.is_empty() {
        return refuse(
            StatusCode::BAD_REQUEST,
            "email",
            "Enter your email address and password".into(),
        );
    }
    if form.password.len() > 4 * goldthread_domain::access::MAX_PASSWORD_LENGTH {
        return refuse(
            StatusCode::BAD_REQUEST,
            "password",
            "Enter a correct email address and password".into(),
        );
    }
    if let Some(until) = password::locked_until(&state.store, &email, address.as_deref()).await? {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "email",
            format!(
                "Too many failed attempts to sign in. Try again after {} (UTC).",
                until.format("%H:%M")
            ),
        );
    }
    let account = state.store.account_by_email(&email).await?;
    let stored = match &account {
        Some(a) => state.store.password_hash(a.id).await?,
        None => None,
    };
    let matches = password::verify(form.password.clone(), stored).await;
    let Some(account) = account.filter(|_| matches) else {
        password::record_failure(&state.store, &email, address.as_deref()).await?;
        return refuse(
            StatusCode::UNAUTHORIZED,
            "email",
            "Enter a correct email address and password".into(),
        );
    };
    if account.disabled {
        return refuse(
            StatusCode::FORBIDDEN,
            "email",
            "This account has been disabled. Ask an administrator if you need it again.".into(),
        );
    }
    state
        .store
        .clear_sign_in_failures(&password::subjects(&email, None)[0])
        .await?;
    // A session the browser had before (anyone's) ends here.
    if let Some(old) = session::cookie(&headers, SESSION_COOKIE) {
        crate::auth::session::end(&state, &token_hash(old)).await?;
    }
    let cookie = session::start(&state, &account).await?;
    tracing::info!(account = account.id, "signed in");
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
}

pub async fn sign_out(State(state): State<AppState>, Me(me): Me) -> Result<Response, WebError> {
    crate::auth::session::end(&state, &me.session_hash).await?;
    let cookie = session::set_cookie(&state.auth, SESSION_COOKIE, "", Some(0));
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/sign-in")).into_response())
}

#[derive(Serialize)]
struct AccountPage {
    title: &'static str,
    account: goldthread_storage::Account,
    role_label: &'static str,
    errors: FormErrors,
    saved: bool,
}

#[derive(Deserialize)]
pub struct AccountQuery {
    saved: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Me(me): Me,
    Query(q): Query<AccountQuery>,
) -> Result<Response, WebError> {
    account_page(
        &state,
        &me,
        FormErrors::default(),
        q.saved.is_some(),
        StatusCode::OK,
    )
    .await
}

async fn account_page(
    state: &AppState,
    me: &crate::auth::SignedIn,
    errors: FormErrors,
    saved: bool,
    status: StatusCode,
) -> Result<Response, WebError> {
    let account = state.store.account(me.account_id).await?;
    let page = AccountPage {
        title: "Your account",
        role_label: account.role.label(),
        account,
        errors,
        saved,
    };
    Ok((status, render(state, "account.html", &page)?).into_response())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    Me(me): Me,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    let stored = state.store.password_hash(me.account_id).await?;
    let mut errors = FormErrors::default();
    if stored.is_some() && !password::verify(form.current_password.clone(), stored).await {
        errors.add("current_password", "Enter your current password correctly");
    }
    if let Err(problem) = check_password(&form.new_password, &me.email, &me.name) {
        errors.add("new_password", problem.to_string());
    }
    if !errors.is_empty() {
        return account_page(&state, &me, errors, false, StatusCode::BAD_REQUEST).await;
    }
    let hash = password::hash(form.new_password).await?;
    state
        .store
        .set_password(
            me.account_id,
            &hash,
            Some(&me.session_hash),
            None,
            &me.actor(),
        )
        .await?;
    Ok(Redirect::to("/account?saved=1").into_response())
}

#[derive(Serialize)]
struct LinkPage {
    title: &'static str,
    email: Option<String>,
    errors: FormErrors,
}

pub async fn link_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    link_page(&state, &token, FormErrors::default()).await
}

async fn link_page(
    state: &AppState,
    token: &str,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let account = match state
        .store
        .password_link_account(&token_hash(token))
        .await?
    {
        Some(id) => Some(state.store.account(id).await?),
        None => None,
    };
    let status = match (&account, errors.is_empty()) {
        (None, _) => StatusCode::NOT_FOUND,
        (Some(_), false) => StatusCode::BAD_REQUEST,
        (Some(_), true) => StatusCode::OK,
    };
    let page = LinkPage {
        title: "Set your password",
        email: account.map(|a| a.email),
        errors,
    };
    Ok((status, render(state, "set_password.html", &page)?).into_response())
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    new_password: String,
}

pub async fn set_from_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<LinkForm>,
) -> Result<Response, WebError> {
    let hash_of_link = token_hash(&token);
    let Some(account_id) = state.store.password_link_account(&hash_of_link).await? else {
        return link_page(&state, &token, FormErrors::default()).await;
    };
    let account = state.store.account(account_id).await?;
    if let Err(problem) = check_password(&form.new_password, &account.email, &account.name) {
        let mut errors = FormErrors::default();
        errors.add("new_password", problem.to_string());
        return link_page(&state, &token, errors).await;
    }
    let hash = password::hash(form.new_password).await?;
    state
        .store
        .set_password(
            account_id,
            &hash,
            None,
            Some(&hash_of_link),
            &account.actor(),
        )
        .await?;
    Ok(Redirect::to("/sign-in?done=1").into_response())
}
