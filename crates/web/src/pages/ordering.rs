//! The order and codes of a plan's actions, for editors
//! (`/plans/{id}/order`): move an action earlier or later, and renumber
//! them all by the council's code pattern (`goldthread_domain::CodePattern`,
//! set on the template), seeing every new code before confirming.

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
use goldthread_storage::{Move, StoreError};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct OrderRow {
    id: i64,
    code: Option<String>,
    title: String,
    /// The code renumbering gives it, when the template has a pattern.
    new_code: Option<String>,
    changes: bool,
}

#[derive(Serialize)]
struct OrderPage {
    title: String,
    plan_id: i64,
    plan_title: String,
    actions: Vec<OrderRow>,
    /// The template's pattern as written, when it has one.
    pattern: Option<String>,
    /// How many codes renumbering would change.
    changing: usize,
    /// The order shown, as the renumber form confirms it.
    seen: String,
    problem: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize)]
pub struct OrderQuery {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Query(q): Query<OrderQuery>,
) -> Result<Response, WebError> {
    let done = match q.done.as_deref() {
        Some("moved") => Some("Moved.".to_string()),
        Some(n) => n.parse::<usize>().ok().map(|n| {
            format!(
                "Renumbered: {n} code{} changed.",
                if n == 1 { "" } else { "s" }
            )
        }),
        None => None,
    };
    order_page(&state, id, None, done, StatusCode::OK).await
}

async fn order_page(
    state: &AppState,
    plan_id: i64,
    problem: Option<String>,
    done: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let outline = state.store.plan_outline(plan_id).await?;
    let actions = state.store.ordered_actions(plan_id).await?;
    let (template, _) = state.store.template().await?;
    let pattern = template.code_pattern();
    let rows: Vec<OrderRow> = actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let new_code = pattern.as_ref().map(|p| p.code(i + 1));
            OrderRow {
                id: a.id,
                changes: new_code.is_some() && new_code != a.code,
                code: a.code.clone(),
                title: a.title.clone(),
                new_code,
            }
        })
        .collect();
    let page = OrderPage {
        title: format!("Order and codes of actions: {}", outline.title),
        plan_id,
        plan_title: outline.title,
        changing: rows.iter().filter(|r| r.changes).count(),
        seen: actions
            .iter()
            .map(|a| a.id.to_string())
            .collect::<Vec<_>>()
            .join(","),
        actions: rows,
        pattern: pattern.and(template.code_pattern.clone()),
        problem,
        done,
    };
    Ok((status, render(state, "plan_order.html", &page)?).into_response())
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    to: String,
}

pub async fn move_action(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<MoveForm>,
) -> Result<Response, WebError> {
    let to = match form.to.as_str() {
        "earlier" => Move::Earlier,
        "later" => Move::Later,
        _ => return Err(WebError::BadRequest(crate::forms::INCOMPLETE.into())),
    };
    let (plan_id, _) = state.store.action_heading(id).await?;
    match state.store.move_action(id, to, &me.actor()).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/plans/{plan_id}/order?done=moved#action-{id}")).into_response(),
        ),
        Err(StoreError::Invalid(why)) => {
            refused(&state, plan_id, &why, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct RenumberForm {
    #[serde(default)]
    seen: String,
}

pub async fn renumber(
    State(state): State<AppState>,
    RecordId(plan_id): RecordId,
    Me(me): Me,
    Form(form): Form<RenumberForm>,
) -> Result<Response, WebError> {
    let Some(pattern) = state.store.template().await?.0.code_pattern() else {
        let why = "set how actions are coded on the plan template first";
        return refused(&state, plan_id, why, StatusCode::BAD_REQUEST).await;
    };
    let seen: Result<Vec<i64>, _> = form
        .seen
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect();
    let Ok(seen) = seen else {
        return Err(WebError::BadRequest(crate::forms::INCOMPLETE.into()));
    };
    match state
        .store
        .renumber_actions(plan_id, &pattern, &seen, &me.actor())
        .await
    {
        Ok(changed) => {
            Ok(Redirect::to(&format!("/plans/{plan_id}/order?done={changed}")).into_response())
        }
        Err(StoreError::Invalid(why)) => refused(&state, plan_id, &why, StatusCode::CONFLICT).await,
        Err(e) => Err(e.into()),
    }
}

/// The ordering page again, saying why nothing was changed.
async fn refused(
    state: &AppState,
    plan_id: i64,
    why: &str,
    status: StatusCode,
) -> Result<Response, WebError> {
    order_page(state, plan_id, Some(sentence(why)), None, status).await
}
