//! Server-rendered pages. Handlers parse the request, fetch, build a view
//! model (`crate::views`), render; the rules live in the domain crate.

mod account;
mod action;
mod admin;
mod approvals;
mod authoring;
mod cycle;
mod dashboard;
mod history;
pub mod import;
mod indicator;
mod lists;
mod my_work;
mod nodes;
mod ordering;
mod plan;
mod plan_document;
mod plan_forms;
mod posts;
mod progress;
mod public;
mod reports;
mod risk_forms;
mod risks;
mod rounds;
mod search;
mod sso;
mod template;
mod units;

use crate::auth::routes::RouteTable;
use crate::error::WebError;
use crate::{AppState, templates};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Uri, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use goldthread_domain::Access;
use goldthread_domain::{PlanKind, PlanStatus};
use goldthread_storage::MonitoringData;
use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;
use std::sync::Arc;

/// Every route with the access it asks for (see `auth::routes`).
pub fn routes() -> RouteTable {
    use Access::*;
    crate::api::routes(RouteTable::default())
        .get("/healthz", Public, get(|| async { "ok" }))
        .get("/assets/{*path}", Public, get(crate::assets::serve))
        .get("/sign-in", Public, get(account::sign_in_form))
        .post("/sign-in", Public, post(account::sign_in))
        .get("/sign-in/sso", Public, get(sso::start))
        .get("/sign-in/sso/callback", Public, get(sso::callback))
        .post("/sign-out", SignedIn, post(account::sign_out))
        .get("/account", SignedIn, get(account::page))
        .post(
            "/account/password",
            SignedIn,
            post(account::change_password),
        )
        .get("/password/{token}", Public, get(account::link_form))
        .post("/password/{token}", Public, post(account::set_from_link))
        .get("/public", Public, get(public::index))
        .get("/public/plans/{id}", Public, get(public::plan))
        .get(
            "/public/plans/{id}/document.docx",
            Public,
            get(plan_document::public_docx),
        )
        .get(
            "/public/plans/{id}/document.pdf",
            Public,
            get(plan_document::public_pdf),
        )
        .get("/public/indicators/{id}", Public, get(public::indicator))
        .get("/public/data", Public, get(public::data_index))
        .get("/public/reports", Public, get(public::reports))
        .get("/public/reports/{id}", Public, get(public::report_html))
        .get(
            "/public/reports/{id}/report.pdf",
            Public,
            get(public::report_pdf),
        )
        .get("/public/data/{file}", Public, get(public::data_file))
        .post("/plans/{id}/publish", Edit, post(public::set_published))
        .get("/", Read, get(plan_list))
        .get("/dashboard", Read, get(dashboard::page))
        .get("/plans/{id}", Read, get(plan::page))
        .get("/plans/{id}/history", Read, get(history::plan))
        .get("/plans/{id}/review", Read, get(cycle::page))
        .post("/plans/{id}/review/step", Edit, post(cycle::take_step))
        .post("/plans/{id}/comments", Record, post(cycle::add_comment))
        .get("/plans/{id}/compare", Read, get(cycle::compare))
        .post("/plans/{id}/roll-forward", Edit, post(cycle::roll_forward))
        .get("/rounds", Read, get(rounds::list))
        .post("/rounds", Edit, post(rounds::open))
        .get("/rounds/{id}", Read, get(rounds::page))
        .get("/plans/{id}/progress.xlsx", Record, get(progress::download))
        .get("/plans/{id}/progress", Record, get(progress::form))
        .post(
            "/plans/{id}/progress",
            Record,
            post(progress::upload).layer(axum::extract::DefaultBodyLimit::max(
                progress::MAX_UPLOAD_BYTES,
            )),
        )
        .post(
            "/plans/{id}/progress/{token}",
            Record,
            post(progress::decide),
        )
        .get("/plans/{id}/document.docx", Read, get(plan_document::docx))
        .get("/plans/{id}/document.pdf", Read, get(plan_document::pdf))
        .get("/actions", Read, get(lists::actions))
        .get("/actions/{id}", Read, get(action::page))
        .post("/actions/{id}", Record, post(action::record_progress))
        .get("/actions/{id}/history", Read, get(history::action))
        .get("/actions/{id}/edit", Edit, get(authoring::edit_action_form))
        .post("/actions/{id}/edit", Edit, post(authoring::edit_action))
        .get(
            "/actions/{id}/remove",
            Edit,
            get(authoring::remove_action_form),
        )
        .post("/actions/{id}/remove", Edit, post(authoring::remove_action))
        .get(
            "/plans/{id}/actions/new",
            Edit,
            get(authoring::new_action_form),
        )
        .post("/plans/{id}/actions/new", Edit, post(authoring::add_action))
        .get("/plans/{id}/order", Edit, get(ordering::page))
        .post("/plans/{id}/renumber", Edit, post(ordering::renumber))
        .post("/actions/{id}/move", Edit, post(ordering::move_action))
        .get("/plans/{id}/nodes/new", Edit, get(nodes::new_node_form))
        .post("/plans/{id}/nodes/new", Edit, post(nodes::add_node))
        .get("/nodes/{id}/edit", Edit, get(nodes::edit_node_form))
        .post("/nodes/{id}/edit", Edit, post(nodes::edit_node))
        .get("/nodes/{id}/remove", Edit, get(nodes::remove_node_form))
        .post("/nodes/{id}/remove", Edit, post(nodes::remove_node))
        .get("/plans/new", Edit, get(plan_forms::new_plan_form))
        .post("/plans/new", Edit, post(plan_forms::create_plan))
        .get("/plans/{id}/edit", Edit, get(plan_forms::edit_plan_form))
        .post("/plans/{id}/edit", Edit, post(plan_forms::edit_plan))
        .get(
            "/plans/{id}/indicators/new",
            Edit,
            get(authoring::new_indicator_form),
        )
        .post(
            "/plans/{id}/indicators/new",
            Edit,
            post(authoring::add_indicator),
        )
        .get("/indicators", Read, get(lists::indicators))
        .get("/indicators/{id}", Read, get(indicator::page))
        .post("/indicators/{id}", Record, post(indicator::record_value))
        .get("/indicators/{id}/history", Read, get(history::indicator))
        .get(
            "/indicators/{id}/edit",
            Edit,
            get(authoring::edit_indicator_form),
        )
        .post(
            "/indicators/{id}/edit",
            Edit,
            post(authoring::edit_indicator),
        )
        .get(
            "/indicators/{id}/remove",
            Edit,
            get(authoring::remove_indicator_form),
        )
        .post(
            "/indicators/{id}/remove",
            Edit,
            post(authoring::remove_indicator),
        )
        .get("/reports", Read, get(reports::form))
        .get("/reports/pack", Read, get(reports::download))
        .post("/reports/publish", Edit, post(reports::publish))
        .post(
            "/reports/published/{id}/withdraw",
            Edit,
            post(reports::withdraw),
        )
        .get("/risks", Read, get(risks::page))
        .get("/risks/{id}/history", Read, get(history::risk))
        .get(
            "/plans/{id}/risks/new",
            Edit,
            get(risk_forms::new_risk_form),
        )
        .post("/plans/{id}/risks/new", Edit, post(risk_forms::add_risk))
        .get("/risks/{id}/edit", Edit, get(risk_forms::edit_risk_form))
        .post("/risks/{id}/edit", Edit, post(risk_forms::edit_risk))
        .get(
            "/risks/{id}/remove",
            Edit,
            get(risk_forms::remove_risk_form),
        )
        .post("/risks/{id}/remove", Edit, post(risk_forms::remove_risk))
        .get("/my-work", Read, get(my_work::page))
        .get("/search", Read, get(search::page))
        .get("/changes", Read, get(history::changes))
        .get("/approvals", Edit, get(approvals::queue))
        .post("/approvals/{kind}/{id}", Edit, post(approvals::decide))
        .get("/template", Edit, get(template::form))
        .post("/template", Edit, post(template::save))
        .get("/posts", Edit, get(posts::page))
        .post("/posts/{id}/merge", Edit, post(posts::merge))
        .post("/posts/{id}/rename", Edit, post(posts::rename))
        .post("/posts/{id}/unit", Edit, post(posts::place))
        .get("/units", Edit, get(units::page))
        .post("/units", Edit, post(units::add))
        .get("/units/{id}/edit", Edit, get(units::edit_form))
        .post("/units/{id}/edit", Edit, post(units::edit))
        .get("/import", Edit, get(import::form))
        .post(
            "/import",
            Edit,
            post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    import::MAX_UPLOAD_BYTES,
                ))
                .layer(axum::middleware::from_fn(import::refuse_oversized)),
        )
        .get("/import/{token}", Edit, get(import::preview))
        .post("/import/{token}", Edit, post(import::decide))
        .get("/admin/accounts", Administer, get(admin::accounts))
        .post("/admin/accounts", Administer, post(admin::add_account))
        .get("/admin/accounts/{id}", Administer, get(admin::account))
        .post(
            "/admin/accounts/{id}",
            Administer,
            post(admin::change_account),
        )
        .post(
            "/admin/accounts/{id}/reset-link",
            Administer,
            post(admin::reset_link),
        )
        .get("/admin/tokens", Administer, get(admin::tokens))
        .post("/admin/tokens", Administer, post(admin::add_token))
        .post(
            "/admin/tokens/{id}/revoke",
            Administer,
            post(admin::revoke_token),
        )
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
    variant: &str,
    build: F,
) -> Result<Response, WebError>
where
    F: FnOnce(Arc<MonitoringData>) -> Fut,
    Fut: Future<Output = Result<Html<String>, WebError>>,
{
    let version = state.store.data_version().await?;
    // One copy per role (what a page offers depends on it, never on who
    // the account is); `variant` is any other thing the page depends on.
    let role = crate::auth::page_context()
        .account
        .map_or("anonymous", |a| a.role.as_str());
    let key = format!("{uri}|{}|{role}|{variant}", today());
    let body = match state.page_cache.get(&key, version) {
        Some(body) => body,
        None => {
            // Readers who missed together wait for one build.
            let building = state.page_cache.building(&key);
            let _turn = building.lock().await;
            match state.page_cache.get(&key, version) {
                Some(body) => body,
                None => {
                    // A page asked "as at" a past day shows what was known then.
                    let data = match known_at(uri) {
                        Some(day) => {
                            Arc::new(state.store.load_monitoring_data_known_at(Some(day)).await?)
                        }
                        None => state.snapshot.get_at(&state.store, version).await?,
                    };
                    let built_from = data.version;
                    let Html(html) = crate::templates::FOR_CACHE.scope(true, build(data)).await?;
                    let body = Bytes::from(html);
                    state.page_cache.put(key, built_from, body.clone());
                    body
                }
            }
        }
    };
    let text = std::str::from_utf8(&body).unwrap_or_default();
    let page = crate::templates::personalise(&state.templates, text)?;
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], page).into_response())
}

/// A past day named by a page's `as_at` (today and later are "now").
pub(crate) fn past_day(as_at: Option<&str>) -> Option<chrono::NaiveDate> {
    let day = chrono::NaiveDate::parse_from_str(as_at?.trim(), "%Y-%m-%d").ok()?;
    (day < today()).then_some(day)
}

/// The monitoring data as known at the end of `day`, or as it stands.
pub(crate) async fn data_as_known(
    state: &AppState,
    day: Option<chrono::NaiveDate>,
) -> Result<Arc<MonitoringData>, WebError> {
    Ok(match day {
        Some(day) => Arc::new(state.store.load_monitoring_data_known_at(Some(day)).await?),
        None => state.snapshot.get(&state.store).await?,
    })
}

/// The past day a status page's `as_at` names, if it names one.
fn known_at(uri: &Uri) -> Option<chrono::NaiveDate> {
    let query = uri.query()?;
    let day = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(name, _)| name == "as_at")
        .and_then(|(_, value)| chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok())?;
    (day < today()).then_some(day)
}

pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

#[derive(Serialize)]
struct PlanListItem {
    id: i64,
    title: String,
    kind_label: &'static str,
    /// Where it stands in the planning cycle: the name (for the tag's
    /// colour) and the words.
    status: String,
    status_label: String,
    period: Option<String>,
    actions: i64,
    indicators: i64,
}

#[derive(Serialize)]
struct PlanListPage {
    title: &'static str,
    plans: Vec<PlanListItem>,
    /// Archived plans, listed apart: still readable and searchable.
    archived: Vec<PlanListItem>,
    /// Whether this role may create plans.
    can_edit: bool,
}

async fn plan_list(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let (archived, plans): (Vec<PlanListItem>, Vec<PlanListItem>) = state
        .store
        .list_plans()
        .await?
        .into_iter()
        .map(|p| PlanListItem {
            id: p.id,
            title: p.title,
            kind_label: PlanKind::parse(&p.kind).map_or("Plan", PlanKind::label),
            status_label: PlanStatus::parse(&p.status)
                .map_or_else(|| p.status.clone(), |s| s.label().to_string()),
            status: p.status,
            period: match (p.period_from, p.period_to) {
                (Some(from), Some(to)) if from == to => Some(from),
                (Some(from), Some(to)) => Some(format!("{from} to {to}")),
                _ => None,
            },
            actions: p.actions,
            indicators: p.indicators,
        })
        .partition(|p| PlanStatus::parse(&p.status) == Some(PlanStatus::Archived));
    render(
        &state,
        "index.html",
        &PlanListPage {
            title: "Plans",
            plans,
            archived,
            can_edit: authoring::may_edit(),
        },
    )
}
