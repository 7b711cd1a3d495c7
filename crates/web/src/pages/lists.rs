//! Every action or indicator a dashboard figure counts, as a list that
//! pages: `/actions?status=overdue&plan=…&as_at=…` and
//! `/indicators?rag=red…`. The dashboard's counts link here, so each
//! figure can be followed to the items behind it.

use super::{cached_page, render, today};
use crate::AppState;
use crate::error::WebError;
use crate::views::scope::{Scope, ScopeOptions, ScopeQuery};
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::Response;
use goldthread_domain::status::{ActionHealth, IndicatorRag};
use goldthread_reports::pack::{self, ActionRow, IndicatorRow};
use serde::{Deserialize, Serialize};

/// Rows a page of a list shows.
pub const PAGE_SIZE: usize = 50;

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ListQuery {
    #[serde(flatten)]
    pub scope: ScopeQuery,
    /// `missing_update` or `revised` (actions).
    pub flag: Option<String>,
    /// An indicator status key (indicators).
    pub rag: Option<String>,
    pub page: Option<String>,
}

#[derive(Serialize)]
struct Paging {
    page: usize,
    pages: usize,
    first: usize,
    last: usize,
    total: usize,
    /// The query without `page`, to build the other pages' links.
    base: String,
}

fn paging(total: usize, query: &ListQuery, uri: &Uri) -> Paging {
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, pages);
    let base = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|part| !part.is_empty() && !part.starts_with("page="))
        .collect::<Vec<_>>()
        .join("&");
    Paging {
        page,
        pages,
        first: ((page - 1) * PAGE_SIZE + 1).min(total),
        last: (page * PAGE_SIZE).min(total),
        total,
        base,
    }
}

#[derive(Serialize)]
struct ActionsPage {
    title: String,
    what: String,
    scope: Scope,
    options: ScopeOptions,
    rows: Vec<ActionRow>,
    paging: Paging,
}

pub async fn actions(
    State(state): State<AppState>,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let builder = state.clone();
    let page_uri = uri.clone();
    cached_page(&state, &uri, "", move |data| async move {
        let scope = Scope::from_query(&query.scope, today()).check_plan(&data);
        let health = scope.status.as_deref().and_then(ActionHealth::parse);
        let flag = query.flag.as_deref().unwrap_or("");
        let judged = pack::Rows::new(&data, scope.as_at);
        let rows: Vec<ActionRow> = scope
            .actions(&data)
            .into_iter()
            .map(|a| judged.action_row(a))
            .filter(|row| health.is_none_or(|h| h.as_str() == row.status))
            .filter(|row| match flag {
                "missing_update" => row.flags.iter().any(|f| f.starts_with("No update")),
                "revised" => row.flags.iter().any(|f| f.starts_with("Revised")),
                _ => true,
            })
            .collect();
        let what = match (health, flag) {
            (Some(h), _) => format!("Actions: {}", h.label().to_lowercase()),
            (None, "missing_update") => "Open actions with no update this quarter".to_string(),
            (None, "revised") => "Actions with a revised completion date".to_string(),
            _ => "All actions".to_string(),
        };
        let paging = paging(rows.len(), &query, &page_uri);
        let rows = rows
            .into_iter()
            .skip((paging.page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect();
        render(
            &builder,
            "actions_list.html",
            &ActionsPage {
                title: what.clone(),
                what,
                options: ScopeOptions::of(&data),
                scope,
                rows,
                paging,
            },
        )
    })
    .await
}

#[derive(Serialize)]
struct IndicatorsPage {
    title: String,
    what: String,
    scope: Scope,
    options: ScopeOptions,
    rows: Vec<IndicatorRow>,
    paging: Paging,
}

pub async fn indicators(
    State(state): State<AppState>,
    uri: Uri,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let builder = state.clone();
    let page_uri = uri.clone();
    cached_page(&state, &uri, "", move |data| async move {
        let scope = Scope::from_query(&query.scope, today()).check_plan(&data);
        let rag = query
            .rag
            .as_deref()
            .and_then(|r| IndicatorRag::ALL.into_iter().find(|k| k.as_str() == r));
        let actions = scope.actions(&data);
        let judged = pack::Rows::new(&data, scope.as_at);
        let rows: Vec<IndicatorRow> = scope
            .indicators(&data, &actions)
            .into_iter()
            .map(|i| judged.indicator_row(i))
            .filter(|row| rag.is_none_or(|r| r.as_str() == row.rag_key))
            .collect();
        let what = match rag {
            Some(r) => format!("Indicators: {}", r.label().to_lowercase()),
            None => "All indicators".to_string(),
        };
        let paging = paging(rows.len(), &query, &page_uri);
        let rows = rows
            .into_iter()
            .skip((paging.page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .collect();
        render(
            &builder,
            "indicators_list.html",
            &IndicatorsPage {
                title: what.clone(),
                what,
                options: ScopeOptions::of(&data),
                scope,
                rows,
                paging,
            },
        )
    })
    .await
}
