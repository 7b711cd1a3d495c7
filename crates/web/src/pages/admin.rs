//! Administration: accounts (role, posts, disabling, one-time links) and
//! read-only API tokens. Admins only (the route table says so).

use super::render;
use crate::AppState;
use crate::auth::{Me, password_link, random_token, token_hash};
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::FormErrors;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::Role;
use goldthread_storage::{Account, AccountChange, ApiToken, NewAccount, StoreError};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct AccountsPage {
    title: &'static str,
    accounts: Vec<Account>,
    roles: Vec<(&'static str, &'static str)>,
    posts: Vec<String>,
    form: AccountForm,
    errors: FormErrors,
    /// A new account's one-time link, shown once.
    link: Option<(String, String)>,
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct AccountForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    /// One post a line.
    #[serde(default)]
    posts: String,
}

fn roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect()
}

fn post_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

async fn accounts_page(
    state: &AppState,
    form: AccountForm,
    errors: FormErrors,
    link: Option<(String, String)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let page = AccountsPage {
        title: "Accounts",
        accounts: state.store.accounts().await?,
        roles: roles(),
        posts: state.store.post_titles().await?,
        form,
        errors,
        link,
    };
    Ok((status, render(state, "admin_accounts.html", &page)?).into_response())
}

pub async fn accounts(State(state): State<AppState>) -> Result<Response, WebError> {
    let form = AccountForm {
        role: Role::Officer.as_str().into(),
        ..AccountForm::default()
    };
    accounts_page(&state, form, FormErrors::default(), None, StatusCode::OK).await
}

pub async fn add_account(
    State(state): State<AppState>,
    Me(me): Me,
    Form(form): Form<AccountForm>,
) -> Result<Response, WebError> {
    let mut errors = FormErrors::default();
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose a role");
    }
    if form.name.trim().is_empty() {
        errors.add("name", "Enter the person's name");
    } else if form.name.chars().count() > 200 {
        errors.add("name", "The name must be 200 characters or fewer");
    }
    if form.email.trim().is_empty() {
        errors.add("email", "Enter an email address");
    }
    if form.posts.len() > 10_000 {
        errors.add("posts", "List fewer posts");
    }
    let (Some(role), true) = (role, errors.is_empty()) else {
        return accounts_page(&state, form, errors, None, StatusCode::BAD_REQUEST).await;
    };
    let new = NewAccount {
        email: form.email.clone(),
        name: form.name.clone(),
        role,
        posts: post_lines(&form.posts),
    };
    match state.store.create_account(&new, &me.actor()).await {
        Ok(id) => {
            let link = password_link(&state.store, &state.auth.base_url, id).await?;
            let email = goldthread_storage::normalise_email(&form.email);
            accounts_page(
                &state,
                AccountForm {
                    role: Role::Officer.as_str().into(),
                    ..AccountForm::default()
                },
                FormErrors::default(),
                Some((email, link)),
                StatusCode::CREATED,
            )
            .await
        }
        Err(StoreError::Invalid(message)) => {
            errors.add("email", message);
            accounts_page(&state, form, errors, None, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct AccountPage {
    title: String,
    account: Account,
    roles: Vec<(&'static str, &'static str)>,
    posts_text: String,
    errors: FormErrors,
    link: Option<String>,
    saved: bool,
}

async fn account_page(
    state: &AppState,
    id: i64,
    errors: FormErrors,
    link: Option<String>,
    saved: bool,
) -> Result<Response, WebError> {
    let account = state.store.account(id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = AccountPage {
        title: format!("Account: {}", account.email),
        posts_text: account.posts.join("\n"),
        account,
        roles: roles(),
        errors,
        link,
        saved,
    };
    Ok((status, render(state, "admin_account.html", &page)?).into_response())
}

pub async fn account(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    account_page(&state, id, FormErrors::default(), None, false).await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    posts: String,
    /// "yes" to disable, anything else to enable.
    #[serde(default)]
    disabled: String,
}

pub async fn change_account(
    State(state): State<AppState>,
    Me(me): Me,
    RecordId(id): RecordId,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    let mut errors = FormErrors::default();
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "Choose a role");
    }
    let Ok(version) = form.version.parse::<i64>() else {
        return Err(WebError::BadRequest(crate::forms::INCOMPLETE.into()));
    };
    let disabled = form.disabled == "yes";
    // An admin cannot lock themselves out of administering.
    if id == me.account_id && (disabled || role != Some(Role::Admin)) {
        errors.add(
            "role",
            "You cannot disable your own account or take away your own administrator role",
        );
    }
    if !errors.is_empty() {
        return account_page(&state, id, errors, None, false).await;
    }
    let change = AccountChange {
        role,
        disabled: Some(disabled),
        posts: Some(post_lines(&form.posts)),
        name: None,
    };
    state
        .store
        .update_account(id, version, &change, &me.actor())
        .await?;
    account_page(&state, id, FormErrors::default(), None, true).await
}

pub async fn reset_link(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    state.store.account(id).await?;
    let link = password_link(&state.store, &state.auth.base_url, id).await?;
    account_page(&state, id, FormErrors::default(), Some(link), false).await
}

#[derive(Serialize)]
struct TokensPage {
    title: &'static str,
    tokens: Vec<ApiToken>,
    errors: FormErrors,
    /// A new token's secret, shown once.
    secret: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    errors: FormErrors,
    secret: Option<String>,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = TokensPage {
        title: "API tokens",
        tokens: state.store.api_tokens().await?,
        errors,
        secret,
    };
    Ok((status, render(state, "admin_tokens.html", &page)?).into_response())
}

pub async fn tokens(State(state): State<AppState>) -> Result<Response, WebError> {
    tokens_page(&state, FormErrors::default(), None).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn add_token(
    State(state): State<AppState>,
    Me(me): Me,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        let mut errors = FormErrors::default();
        errors.add(
            "name",
            "Name the token after what uses it, in 200 characters or fewer",
        );
        return tokens_page(&state, errors, None).await;
    }
    let secret = format!("gt_{}", random_token()?);
    let account = state.store.account(me.account_id).await?;
    state
        .store
        .create_api_token(name, &token_hash(&secret), "read", &account)
        .await?;
    tokens_page(&state, FormErrors::default(), Some(secret)).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Me(me): Me,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    state.store.revoke_api_token(id, &me.actor()).await?;
    Ok(Redirect::to("/admin/tokens").into_response())
}
