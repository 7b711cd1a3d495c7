use super::{cached_page, render, today};
use crate::AppState;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::views::scope::{Scope, ScopeOptions, ScopeQuery};
use crate::views::tree::{self, PlanTree};
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::{Html, Response};
use goldthread_domain::status::ActionHealth;
use goldthread_storage::MonitoringData;
use goldthread_storage::PlanInfo;
use serde::Serialize;

#[derive(Serialize)]
struct Page {
    title: String,
    plan: PlanView,
    scope: Scope,
    options: ScopeOptions,
    statuses: Vec<(&'static str, &'static str)>,
    tree: PlanTree,
    /// The date of the plan's latest progress report, when the page is
    /// shown as at a later quarter: old plans read best as they were.
    last_reported: Option<chrono::NaiveDate>,
    /// Whether the plan is public, and whether this role may change that.
    published: bool,
    can_publish: bool,
    /// Whether this role may record progress (the workbook's links).
    can_record: bool,
    /// An action of the plan was just removed.
    removed: bool,
    /// Whether this role may change the plan's thread (the "Add", "Edit"
    /// and "Remove" links on its nodes).
    can_edit: bool,
    /// What was just done to the thread: "added", "saved" or "removed".
    thread_change: Option<&'static str>,
}

#[derive(Serialize)]
struct PlanView {
    id: i64,
    title: String,
    kind: String,
    owner: Option<String>,
    status: &'static str,
    status_label: &'static str,
}

pub async fn page(
    State(state): State<AppState>,
    uri: Uri,
    RecordId(id): RecordId,
    Query(query): Query<ScopeQuery>,
) -> Result<Response, WebError> {
    let builder = state.clone();
    // Back from removing one of its actions (the page cache keys on the query).
    let removed = uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "removed=1"));
    // Back from changing its thread.
    let thread_change = uri.query().and_then(|q| {
        q.split('&').find_map(|p| match p {
            "thread=added" => Some("added"),
            "thread=saved" => Some("saved"),
            "thread=removed" => Some("removed"),
            _ => None,
        })
    });
    cached_page(&state, &uri, "", move |data| async move {
        build(&builder, &data, id, &query, removed, thread_change)
    })
    .await
}

fn build(
    state: &AppState,
    data: &MonitoringData,
    id: i64,
    query: &ScopeQuery,
    removed: bool,
    thread_change: Option<&'static str>,
) -> Result<Html<String>, WebError> {
    let plan: &PlanInfo = data
        .plans
        .iter()
        .find(|p| p.id == id)
        .ok_or(WebError::NotFound)?;
    let mut scope = Scope::from_query(query, today());
    scope.plan = None; // the page is the plan; the filter list offers the others
    scope.all_plans = true; // whether it is in force or not
    let tree = tree::build(data, id, &scope);
    let last_reported = data
        .actions
        .iter()
        .filter(|a| a.plan_id == id)
        .filter_map(|a| a.updates.last().map(|u| u.as_at))
        .max()
        .filter(|d| {
            !goldthread_domain::status::reporting_quarter(scope.as_at).contains(*d)
                && *d < scope.as_at
        });
    let mut options = ScopeOptions::of(data);
    let in_plan: std::collections::BTreeSet<String> = data
        .actions
        .iter()
        .filter(|a| a.plan_id == id)
        .flat_map(|a| a.officers.iter().cloned())
        .collect();
    options.officers = in_plan.into_iter().collect();
    render(
        state,
        "plan.html",
        &Page {
            title: plan.title.clone(),
            plan: PlanView {
                id,
                title: plan.title.clone(),
                kind: goldthread_domain::PlanKind::parse(&plan.kind)
                    .map_or("Plan", |k| k.label())
                    .to_string(),
                owner: plan.owner.clone(),
                status: plan.status.as_str(),
                status_label: plan.status.label(),
            },
            scope,
            options,
            statuses: ActionHealth::ALL
                .iter()
                .map(|h| (h.as_str(), h.label()))
                .collect(),
            tree,
            last_reported,
            published: plan.published,
            can_publish: crate::auth::page_context()
                .account
                .is_some_and(|a| a.role >= goldthread_domain::Role::Editor),
            can_record: crate::auth::page_context()
                .account
                .is_some_and(|a| a.role >= goldthread_domain::Role::Officer),
            removed,
            // Editing changes the plan as it stands: a past day's page
            // offers none (its nodes may since have gone).
            can_edit: super::authoring::may_edit() && data.known_at.is_none(),
            thread_change,
        },
    )
}
