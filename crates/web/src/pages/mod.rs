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
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use goldthread_domain::PlanKind;
use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

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
