//! Posts for editors: every post with the actions it leads and the
//! accounts holding it, the near-duplicates among them (titles equal once
//! case, spacing, punctuation and `&`/"and" are set aside), and forms to
//! merge one post into another or rename one.

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
use goldthread_domain::post_match_key;
use goldthread_storage::{PostSummary, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const MAX_TITLE: usize = 200;

#[derive(Serialize)]
struct PostRow {
    id: i64,
    title: String,
    actions: i64,
    accounts: i64,
}

impl From<&PostSummary> for PostRow {
    fn from(p: &PostSummary) -> Self {
        PostRow {
            id: p.id,
            title: p.title.clone(),
            actions: p.actions,
            accounts: p.accounts,
        }
    }
}

#[derive(Serialize)]
struct PostsPage {
    title: &'static str,
    posts: Vec<PostRow>,
    /// Groups of two or more posts whose titles match once normalised.
    duplicates: Vec<Vec<PostRow>>,
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
    let mut groups: BTreeMap<String, Vec<PostRow>> = BTreeMap::new();
    for post in &posts {
        groups
            .entry(post_match_key(&post.title))
            .or_default()
            .push(post.into());
    }
    let duplicates = groups.into_values().filter(|g| g.len() > 1).collect();
    let page = PostsPage {
        title: "Posts",
        posts: posts.iter().map(PostRow::from).collect(),
        duplicates,
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

async fn refused(state: &AppState, problem: String) -> Result<Response, WebError> {
    posts_page(state, Some(problem), None, StatusCode::BAD_REQUEST).await
}
