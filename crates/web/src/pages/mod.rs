//! Server-rendered pages. Handlers parse the request, fetch, build a view
//! model (`crate::views`), render; the rules live in the domain crate.

mod action;
mod dashboard;
pub mod import;
mod indicator;
mod my_work;
mod plan;
mod risks;
mod search;

use crate::error::WebError;
use crate::{AppState, templates};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use goldthread_domain::PlanKind;
use goldthread_storage::MonitoringData;
use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;
use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(plan_list))
        .route("/dashboard", get(dashboard::page))
        .route("/plans/{id}", get(plan::page))
        .route(
            "/actions/{id}",
            get(action::page).post(action::record_progress),
        )
        .route(
            "/indicators/{id}",
            get(indicator::page).post(indicator::record_value),
        )
        .route("/risks", get(risks::page))
        .route("/my-work", get(my_work::page))
        .route("/search", get(search::page))
        .route(
            "/import",
            get(import::form)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    import::MAX_UPLOAD_BYTES,
                )),
        )
        .route("/import/{token}", axum::routing::post(import::decide))
}

/// Renders a page from anything serialisable.
pub(crate) fn render<T: Serialize>(
    state: &AppState,
    template: &str,
    ctx: &T,
) -> Result<Html<String>, WebError> {
    Ok(Html(templates::render(
        &state.templates,
        template,
        Value::from(Serde(ctx)),
    )?))
}

/// Serves a status page from the page cache, or builds it from the
/// monitoring data and keeps it for the next request at the same version.
pub(crate) async fn cached_page<F, Fut>(
    state: &AppState,
    uri: &Uri,
    build: F,
) -> Result<Response, WebError>
where
    F: FnOnce(Arc<MonitoringData>) -> Fut,
    Fut: Future<Output = Result<Html<String>, WebError>>,
{
    let version = state.store.data_version().await?;
    let key = format!("{uri}|{}", today());
    let body = match state.page_cache.get(&key, version) {
        Some(body) => body,
        None => {
            let data = state.snapshot.get_at(&state.store, version).await?;
            let Html(html) = build(data).await?;
            let body = Bytes::from(html);
            state.page_cache.put(key, version, body.clone());
            body
        }
    };
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response())
}

pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

#[derive(Serialize)]
struct PlanListItem {
    id: i64,
    title: String,
    kind_label: &'static str,
    period: Option<String>,
    actions: i64,
    indicators: i64,
}

#[derive(Serialize)]
struct PlanListPage {
    title: &'static str,
    plans: Vec<PlanListItem>,
}

async fn plan_list(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let plans: Vec<PlanListItem> = state
        .store
        .list_plans()
        .await?
        .into_iter()
        .map(|p| PlanListItem {
            id: p.id,
            title: p.title,
            kind_label: PlanKind::parse(&p.kind).map_or("Plan", PlanKind::label),
            period: match (p.period_from, p.period_to) {
                (Some(from), Some(to)) if from == to => Some(from),
                (Some(from), Some(to)) => Some(format!("{from} to {to}")),
                _ => None,
            },
            actions: p.actions,
            indicators: p.indicators,
        })
        .collect();
    render(
        &state,
        "index.html",
        &PlanListPage {
            title: "Plans",
            plans,
        },
    )
}
