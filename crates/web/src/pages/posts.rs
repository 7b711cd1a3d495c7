//! Posts for editors: every post with the actions it leads, the accounts
//! holding it and the service it sits in, the probable duplicates among
//! them (`goldthread_domain::post_duplicate_groups`: titles equal once
//! case, spacing, punctuation and `&`/"and" are set aside, or one long
//! word apart by an OCR slip), and forms to merge one post into another,
//! rename one or place it in a service.

use super::render;
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::sentence;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::post_duplicate_groups;
use goldthread_storage::{PostSummary, StoreError};
use serde::{Deserialize, Serialize};

const MAX_TITLE: usize = 200;

#[derive(Serialize)]
struct PostRow {
    id: i64,
    title: String,
    actions: i64,
    accounts: i64,
    /// The org unit's id as text ("" when not placed), for the select box.
    unit: String,
}

impl From<&PostSummary> for PostRow {
    fn from(p: &PostSummary) -> Self {
        PostRow {
            id: p.id,
            title: p.title.clone(),
            actions: p.actions,
            accounts: p.accounts,
            unit: p.org_unit_id.map(|u| u.to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Serialize)]
struct PostsPage {
    title: &'static str,
    posts: Vec<PostRow>,
    /// Groups of two or more posts whose titles match once normalised.
    duplicates: Vec<Vec<PostRow>>,
    /// The org units a post may be placed in: id, name.
    units: Vec<(String, String)>,
    problem: Option<String>,
    done: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct PostsQuery {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Query(q): Query<PostsQuery>,
) -> Result<Response, WebError> {
    let done = match q.done.as_deref() {
        Some("merged") => {
            Some("Merged: the post's actions and accounts now belong to the other post.")
        }
        Some("renamed") => Some("Renamed."),
        Some("placed") => Some("Saved: the post's service has changed."),
        _ => None,
    };
    posts_page(&state, None, done, StatusCode::OK).await
}

async fn posts_page(
    state: &AppState,
    problem: Option<String>,
    done: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let posts = state.store.post_summaries().await?;
    let titles: Vec<&str> = posts.iter().map(|p| p.title.as_str()).collect();
    let duplicates = post_duplicate_groups(&titles)
        .into_iter()
        .map(|group| group.into_iter().map(|i| (&posts[i]).into()).collect())
        .collect();
    let page = PostsPage {
        title: "Posts",
        posts: posts.iter().map(PostRow::from).collect(),
        duplicates,
        units: super::rounds::unit_choices(state).await?,
        problem,
        done,
    };
    Ok((status, render(state, "posts.html", &page)?).into_response())
}

#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
}

pub async fn merge(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<MergeForm>,
) -> Result<Response, WebError> {
    let Ok(into) = form.into.trim().parse::<i64>() else {
        return refused(&state, "Choose the post to merge this one into.".into()).await;
    };
    match state.store.merge_post(id, into, &me.actor()).await {
        Ok(_) => Ok(Redirect::to("/posts?done=merged").into_response()),
        Err(StoreError::Invalid(message)) => refused(&state, sentence(&message)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    title: String,
}

pub async fn rename(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<RenameForm>,
) -> Result<Response, WebError> {
    if form.title.trim().chars().count() > MAX_TITLE {
        return refused(
            &state,
            format!("A post's title must be {MAX_TITLE} characters or fewer."),
        )
        .await;
    }
    match state.store.rename_post(id, &form.title, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/posts?done=renamed").into_response()),
        Err(StoreError::Invalid(message)) => refused(&state, sentence(&message)).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    unit: String,
}

/// Places a post in a service (`unit` empty: in none).
pub async fn place(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<UnitForm>,
) -> Result<Response, WebError> {
    let unit = match form.unit.trim() {
        "" => None,
        text => match text.parse::<i64>() {
            Ok(unit) => Some(unit),
            Err(_) => return refused(&state, "Choose the service the post sits in.".into()).await,
        },
    };
    match state.store.set_post_unit(id, unit, &me.actor()).await {
        Ok(()) => Ok(Redirect::to("/posts?done=placed").into_response()),
        Err(StoreError::Invalid(message)) => refused(&state, sentence(&message)).await,
        Err(e) => Err(e.into()),
    }
}

async fn refused(state: &AppState, problem: String) -> Result<Response, WebError> {
    posts_page(state, Some(problem), None, StatusCode::BAD_REQUEST).await
}
