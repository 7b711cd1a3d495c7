//! Server-rendered pages.

use crate::error::WebError;
use crate::{AppState, templates};
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use goldthread_domain::PlanKind;
use minijinja::context;
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(plan_list))
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
    Ok(Html(templates::render(
        &state.templates,
        "index.html",
        context! { title => "Plans", plans => minijinja::value::Value::from(minijinja::value::Serde(&plans)) },
    )?))
}
