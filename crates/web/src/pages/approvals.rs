//! Sign-off: the queue of officers' updates and values waiting, oldest
//! first, and approving or returning each.

use super::render;
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_domain::Review;
use goldthread_storage::{StoreError, Submission, SubmissionRow};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct QueuePage {
    title: &'static str,
    waiting: Vec<SubmissionRow>,
    problem: Option<String>,
    done: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct QueueQuery {
    done: Option<String>,
}

pub async fn queue(
    State(state): State<AppState>,
    Query(q): Query<QueueQuery>,
) -> Result<Response, WebError> {
    let done = match q.done.as_deref() {
        Some("approved") => Some("Approved: it now counts in status, RAG and reports."),
        Some("returned") => Some("Returned to the officer with your comment."),
        _ => None,
    };
    queue_page(&state, None, done, StatusCode::OK).await
}

async fn queue_page(
    state: &AppState,
    problem: Option<String>,
    done: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let page = QueuePage {
        title: "Approvals",
        waiting: state.store.submissions(&[Review::Pending], None).await?,
        problem,
        done,
    };
    Ok((status, render(state, "approvals.html", &page)?).into_response())
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
}

pub async fn decide(
    State(state): State<AppState>,
    Me(me): Me,
    Path((kind, id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    let kind = Submission::parse(&kind).ok_or(WebError::NotFound)?;
    let id = id.parse::<i64>().map_err(|_| WebError::NotFound)?;
    let decision = match form.decision.as_str() {
        "approve" => Review::Approved,
        "return" => Review::Returned,
        _ => {
            return queue_page(
                &state,
                Some("Choose to approve or to return it".into()),
                None,
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    if form.comment.chars().count() > 2_000 {
        return queue_page(
            &state,
            Some("The comment must be 2,000 characters or fewer".into()),
            None,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let version = form
        .version
        .parse::<i64>()
        .map_err(|_| WebError::BadRequest("The form was incomplete: reload the page".into()))?;
    match state
        .store
        .review_submission(
            kind,
            id,
            version,
            decision,
            Some(&form.comment),
            &me.actor(),
        )
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/approvals?done={}", decision.as_str())).into_response())
        }
        Err(StoreError::Invalid(message)) => {
            queue_page(&state, Some(message), None, StatusCode::BAD_REQUEST).await
        }
        Err(StoreError::Conflict { changed_by, .. }) => {
            queue_page(
                &state,
                Some(format!(
                    "{changed_by} changed it while you were reading it: check it again"
                )),
                None,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
