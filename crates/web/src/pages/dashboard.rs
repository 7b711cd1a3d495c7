use super::{cached_page, render, today};
use crate::AppState;
use crate::error::WebError;
use crate::views::dashboard::{self, Dashboard};
use crate::views::scope::{Scope, ScopeOptions, ScopeQuery};
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
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
    uri: Uri,
    Query(query): Query<ScopeQuery>,
) -> Result<Response, WebError> {
    let builder = state.clone();
    cached_page(&state, &uri, "", move |data| async move {
        let scope = Scope::from_query(&query, today()).check_plan(&data);
        let card = dashboard::build(&data, &scope, today());
        render(
            &builder,
            "dashboard.html",
            &Page {
                title: "Dashboard",
                options: ScopeOptions::of(&data),
                scope,
                card,
            },
        )
    })
    .await
}
