use super::{render, today};
use crate::AppState;
use crate::error::WebError;
use crate::views::dashboard::{self, Dashboard};
use crate::views::scope::{Scope, ScopeOptions, ScopeQuery};
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Serialize;

#[derive(Serialize)]
struct Page {
    title: &'static str,
    scope: Scope,
    options: ScopeOptions,
    card: Dashboard,
}

pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<ScopeQuery>,
) -> Result<Html<String>, WebError> {
    let data = state.snapshot.get(&state.store).await?;
    let scope = Scope::from_query(&query, today());
    let card = dashboard::build(&data, &scope);
    render(
        &state,
        "dashboard.html",
        &Page {
            title: "Dashboard",
            options: ScopeOptions::of(&data),
            scope,
            card,
        },
    )
}
