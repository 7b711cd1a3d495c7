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
use goldthread_domain::{NarrativeSection, NodeLevel, ThreadLink};
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
    /// Approved (and in force), or published already (so it can be
    /// withdrawn): a plan never approved is not offered to the public.
    publishable: bool,
    /// Whether this role may record progress (the workbook's links).
    can_record: bool,
    /// An action of the plan was just removed.
    removed: bool,
    /// Whether this role may change the plan's thread (the "Add", "Edit"
    /// and "Remove" links on its nodes).
    can_edit: bool,
    /// What was just done to the thread: "added", "saved" or "removed".
    thread_change: Option<&'static str>,
    /// What was just done to the plan: "created", "saved", or
    /// "indicator_removed".
    plan_change: Option<&'static str>,
    /// The plan's narrative sections as they stand, or as known on the
    /// past day the page shows.
    narrative: Vec<NarrativeView>,
    /// For editors: the plan's actions not on the golden thread.
    off_thread: Vec<OffThread>,
}

#[derive(Serialize)]
struct NarrativeView {
    heading: String,
    paragraphs: Vec<String>,
}

#[derive(Serialize)]
struct OffThread {
    id: i64,
    name: String,
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
    // Back from creating or editing the plan, or removing an indicator.
    let plan_change = uri.query().and_then(|q| {
        q.split('&').find_map(|p| match p {
            "plan=created" => Some("created"),
            "plan=saved" => Some("saved"),
            "indicator=removed" => Some("indicator_removed"),
            _ => None,
        })
    });
    let changes = Changes {
        removed,
        thread: thread_change,
        plan: plan_change,
    };
    cached_page(&state, &uri, "", move |data| async move {
        let narrative = match data.known_at {
            _ if !data.plans.iter().any(|p| p.id == id) => Vec::new(),
            None => builder.store.plan_for_edit(id).await?.sections,
            Some(day) => builder.store.plan_sections_known_at(id, day).await?,
        };
        build(&builder, &data, id, &query, changes, &narrative)
    })
    .await
}

/// What the page was asked to confirm, from its query.
struct Changes {
    removed: bool,
    thread: Option<&'static str>,
    plan: Option<&'static str>,
}

/// The plan's actions linked to no priority, nor to anything under one,
/// by code and title, in plan order.
fn off_thread(data: &MonitoringData, plan_id: i64) -> Vec<OffThread> {
    let nodes: Vec<ThreadLink<i64>> = data
        .nodes
        .iter()
        .filter(|n| n.plan_id == plan_id)
        .filter_map(|n| {
            Some(ThreadLink {
                id: n.id,
                parent: n.parent_id,
                level: NodeLevel::parse(&n.level)?,
            })
        })
        .collect();
    let actions = data
        .actions
        .iter()
        .filter(|a| a.plan_id == plan_id)
        .map(|a| (a, a.node_ids.as_slice()));
    goldthread_domain::off_thread(&nodes, actions)
        .into_iter()
        .map(|a| OffThread {
            id: a.id,
            name: match &a.code {
                Some(code) => format!("{code} {}", a.title),
                None => a.title.clone(),
            },
        })
        .collect()
}

fn narrative_view(sections: &[NarrativeSection]) -> Vec<NarrativeView> {
    sections
        .iter()
        .map(|s| NarrativeView {
            heading: s.heading.clone(),
            paragraphs: s
                .body
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
        })
        .collect()
}

fn build(
    state: &AppState,
    data: &MonitoringData,
    id: i64,
    query: &ScopeQuery,
    changes: Changes,
    narrative: &[NarrativeSection],
) -> Result<Html<String>, WebError> {
    let plan: &PlanInfo = data.plan(id).ok_or(WebError::NotFound)?;
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
    let can_edit = super::authoring::may_edit() && data.known_at.is_none();
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
            publishable: plan.published || plan.adopted,
            can_publish: crate::auth::page_context()
                .account
                .is_some_and(|a| a.role >= goldthread_domain::Role::Editor),
            can_record: crate::auth::page_context()
                .account
                .is_some_and(|a| a.role >= goldthread_domain::Role::Officer),
            removed: changes.removed,
            // Editing changes the plan as it stands: a past day's page
            // offers none (its nodes may since have gone).
            can_edit,
            thread_change: changes.thread,
            plan_change: changes.plan,
            narrative: narrative_view(narrative),
            off_thread: if can_edit {
                off_thread(data, id)
            } else {
                Vec::new()
            },
        },
    )
}
