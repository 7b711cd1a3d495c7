//! The handlers: each reads its filters, takes the monitoring data as
//! known on the day asked, and gives a page of records in id order.

use super::cursor::{PageRequest, Position};
use super::query::{self, Paging, Scoped, When};
use super::records::*;
use crate::AppState;
use crate::error::{ApiError, WebError};
use crate::pages::data_as_known;
use axum::Json;
use axum::extract::{Path, Query, State};
use goldthread_domain::ActionStatus;
use goldthread_domain::status::{ActionHealth, IndicatorRag};
use goldthread_reports::assess;
use serde::Deserialize;
use std::collections::HashSet;
use utoipa::IntoParams;

/// Only actions judged to have this status.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionFilter {
    /// The status judged on the day asked (see `ActionRecord.status`).
    #[param(schema_with = super::records::action_health)]
    pub status: Option<String>,
}

/// Only indicators with this standing.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IndicatorFilter {
    /// The RAG judged on the day asked (see `IndicatorRecord.status`).
    #[param(schema_with = super::records::indicator_rag)]
    pub status: Option<String>,
}

/// Only one indicator's values.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValueFilter {
    /// An indicator's id.
    #[param(value_type = Option<i64>)]
    pub indicator: Option<String>,
}

/// Only one action's updates, or those reporting one status.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UpdateFilter {
    /// An action's id.
    #[param(value_type = Option<i64>)]
    pub action: Option<String>,
    /// The status the officer reported (see `UpdateRecord.status`).
    #[param(schema_with = super::records::action_status)]
    pub status: Option<String>,
}

/// The status rules and data of a request: what was known on the day
/// asked, judged on the day asked.
struct Loaded {
    moment: query::Moment,
    data: std::sync::Arc<goldthread_storage::MonitoringData>,
}

async fn load(state: &AppState, when: &When) -> Result<Loaded, WebError> {
    let moment = when.read()?;
    Ok(Loaded {
        data: data_as_known(state, moment.known_at).await?,
        moment,
    })
}

fn paging(paging: &Paging) -> Result<PageRequest, WebError> {
    PageRequest::read(paging.cursor.as_deref(), paging.limit.as_deref())
}

#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    params(Scoped, When, Paging),
    responses(
        (status = 200, description = "The plans, by id", body = PlanPage),
        (status = 400, description = "A filter that cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or a bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn plans(
    State(state): State<AppState>,
    Query(scoped): Query<Scoped>,
    Query(when): Query<When>,
    Query(page): Query<Paging>,
) -> Result<Json<PlanPage>, ApiError> {
    let page = paging(&page)?;
    let Loaded { moment, data } = load(&state, &when).await?;
    let scope = scoped.scope(&moment)?;
    let narrowed = scope.service.is_some() || scope.officer.is_some();
    let with_actions: HashSet<i64> = scope.actions(&data).iter().map(|a| a.plan_id).collect();
    let mut plans: Vec<PlanRecord> = data
        .plans
        .iter()
        .filter(|p| scope.includes_plan(&data, p.id))
        .filter(|p| {
            !narrowed
                || with_actions.contains(&p.id)
                || (scope.officer.is_none() && p.owner.is_some() && p.owner == scope.service)
        })
        .map(|p| PlanRecord::of(&data, p, moment.judged_on))
        .collect();
    plans.sort_by_key(|p| p.id);
    Ok(Json(page.take(plans, |p| Position::of(p.id)).into()))
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}",
    tag = "plans",
    params(("id" = i64, Path, description = "The plan's id"), When),
    responses(
        (status = 200, description = "The plan", body = PlanRecord),
        (status = 404, description = "No such plan (or none known on the day asked)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn plan(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(when): Query<When>,
) -> Result<Json<PlanRecord>, ApiError> {
    let Loaded { moment, data } = load(&state, &when).await?;
    let plan = data.plan(id).ok_or(WebError::NotFound)?;
    Ok(Json(PlanRecord::of(&data, plan, moment.judged_on)))
}

#[utoipa::path(
    get,
    path = "/api/v1/actions",
    tag = "actions",
    params(Scoped, ActionFilter, When, Paging),
    responses(
        (status = 200, description = "The actions, by id, with their status judged on the day asked", body = ActionPage),
        (status = 400, description = "A filter that cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or a bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn actions(
    State(state): State<AppState>,
    Query(scoped): Query<Scoped>,
    Query(filter): Query<ActionFilter>,
    Query(when): Query<When>,
    Query(page): Query<Paging>,
) -> Result<Json<ActionPage>, ApiError> {
    let page = paging(&page)?;
    let status = query::status(&filter.status, &ActionHealth::ALL, ActionHealth::as_str)?;
    let Loaded { moment, data } = load(&state, &when).await?;
    let scope = scoped.scope(&moment)?;
    let mut actions: Vec<ActionRecord> = scope
        .actions(&data)
        .into_iter()
        .map(|a| ActionRecord::of(a, moment.judged_on))
        .filter(|a| status.is_none_or(|s| s.as_str() == a.status))
        .collect();
    actions.sort_by_key(|a| a.id);
    Ok(Json(page.take(actions, |a| Position::of(a.id)).into()))
}

#[utoipa::path(
    get,
    path = "/api/v1/actions/{id}",
    tag = "actions",
    params(("id" = i64, Path, description = "The action's id"), When),
    responses(
        (status = 200, description = "The action", body = ActionRecord),
        (status = 404, description = "No such action (or none known on the day asked)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn action(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(when): Query<When>,
) -> Result<Json<ActionRecord>, ApiError> {
    let Loaded { moment, data } = load(&state, &when).await?;
    let action = data
        .actions
        .iter()
        .find(|a| a.id == id)
        .ok_or(WebError::NotFound)?;
    Ok(Json(ActionRecord::of(action, moment.judged_on)))
}

#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    tag = "indicators",
    params(Scoped, IndicatorFilter, When, Paging),
    responses(
        (status = 200, description = "The indicators, by id, with their standing judged on the day asked", body = IndicatorPage),
        (status = 400, description = "A filter that cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or a bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn indicators(
    State(state): State<AppState>,
    Query(scoped): Query<Scoped>,
    Query(filter): Query<IndicatorFilter>,
    Query(when): Query<When>,
    Query(page): Query<Paging>,
) -> Result<Json<IndicatorPage>, ApiError> {
    let page = paging(&page)?;
    let status = query::status(&filter.status, &IndicatorRag::ALL, IndicatorRag::as_str)?;
    let Loaded { moment, data } = load(&state, &when).await?;
    let scope = scoped.scope(&moment)?;
    let rules = assess::rules(&data);
    let actions = scope.actions(&data);
    let mut indicators: Vec<IndicatorRecord> = scope
        .indicators(&data, &actions)
        .into_iter()
        .map(|i| IndicatorRecord::of(&data, i, &rules, moment.judged_on))
        .filter(|i| status.is_none_or(|s| s.as_str() == i.status))
        .collect();
    indicators.sort_by_key(|i| i.id);
    Ok(Json(page.take(indicators, |i| Position::of(i.id)).into()))
}

#[utoipa::path(
    get,
    path = "/api/v1/indicators/{id}",
    tag = "indicators",
    params(("id" = i64, Path, description = "The indicator's id"), When),
    responses(
        (status = 200, description = "The indicator", body = IndicatorRecord),
        (status = 404, description = "No such indicator (or none known on the day asked)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn indicator(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(when): Query<When>,
) -> Result<Json<IndicatorRecord>, ApiError> {
    let Loaded { moment, data } = load(&state, &when).await?;
    let indicator = data
        .indicators
        .iter()
        .find(|i| i.id == id)
        .ok_or(WebError::NotFound)?;
    let rules = assess::rules(&data);
    Ok(Json(IndicatorRecord::of(
        &data,
        indicator,
        &rules,
        moment.judged_on,
    )))
}

#[utoipa::path(
    get,
    path = "/api/v1/values",
    tag = "indicators",
    params(Scoped, ValueFilter, When, Paging),
    responses(
        (status = 200, description = "Indicator values, by indicator and period", body = ValuePage),
        (status = 400, description = "A filter that cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or a bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn values(
    State(state): State<AppState>,
    Query(scoped): Query<Scoped>,
    Query(filter): Query<ValueFilter>,
    Query(when): Query<When>,
    Query(page): Query<Paging>,
) -> Result<Json<ValuePage>, ApiError> {
    let page = paging(&page)?;
    let only = query::id("indicator", &filter.indicator)?;
    let Loaded { moment, data } = load(&state, &when).await?;
    let scope = scoped.scope(&moment)?;
    let rules = assess::rules(&data);
    let actions = scope.actions(&data);
    let mut indicators = scope.indicators(&data, &actions);
    indicators.retain(|i| only.is_none_or(|id| id == i.id));
    indicators.sort_by_key(|i| i.id);
    let within = |period: goldthread_domain::Period| {
        moment.period.is_none_or(|p| {
            p.first_day() <= period.first_day() && period.last_day() <= p.last_day()
        })
    };
    // Ordered and paged first; only the page's values are judged.
    let mut found = Vec::new();
    for indicator in indicators {
        let mut own: Vec<_> = indicator
            .values
            .iter()
            .filter(|v| within(v.period))
            .map(|v| {
                let position = Position {
                    id: indicator.id,
                    within: ValueRecord::position_key(v.period),
                };
                (position, indicator, v)
            })
            .collect();
        own.sort_by(|a, b| a.0.cmp(&b.0));
        found.extend(own);
    }
    let page = page.take(found, |(position, _, _)| position.clone());
    Ok(Json(ValuePage {
        items: page
            .items
            .into_iter()
            .map(|(_, indicator, v)| ValueRecord::of(indicator, v, &rules, moment.judged_on))
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/updates",
    tag = "actions",
    params(Scoped, UpdateFilter, When, Paging),
    responses(
        (status = 200, description = "Progress updates, by action and date", body = UpdatePage),
        (status = 400, description = "A filter that cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or a bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn updates(
    State(state): State<AppState>,
    Query(scoped): Query<Scoped>,
    Query(filter): Query<UpdateFilter>,
    Query(when): Query<When>,
    Query(page): Query<Paging>,
) -> Result<Json<UpdatePage>, ApiError> {
    let page = paging(&page)?;
    let only = query::id("action", &filter.action)?;
    let status = query::status(&filter.status, &ActionStatus::ALL, ActionStatus::as_str)?;
    let Loaded { moment, data } = load(&state, &when).await?;
    let scope = scoped.scope(&moment)?;
    let mut actions = scope.actions(&data);
    actions.retain(|a| only.is_none_or(|id| id == a.id));
    actions.sort_by_key(|a| a.id);
    // Ordered and paged first; only the page's updates become records.
    let mut found = Vec::new();
    for action in actions {
        // Updates are oldest first; the index keeps two on one day apart.
        for (n, update) in action.updates.iter().enumerate() {
            if moment.period.is_some_and(|p| !p.contains(update.as_at))
                || status.is_some_and(|s| s != update.status)
            {
                continue;
            }
            let position = Position {
                id: action.id,
                within: format!("{} {n:06}", update.as_at),
            };
            found.push((position, action, update));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let page = page.take(found, |(position, _, _)| position.clone());
    Ok(Json(UpdatePage {
        items: page
            .items
            .into_iter()
            .map(|(_, action, update)| UpdateRecord {
                action_id: action.id,
                action_code: action.code.clone(),
                plan_id: action.plan_id,
                as_at: update.as_at.to_string(),
                status: update.status.as_str().to_string(),
                commentary: update.commentary.clone(),
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(
    get,
    path = "/api/v1/risks",
    tag = "risks",
    params(
        ("plan" = Option<i64>, Query, description = "Only this plan's risks"),
        Paging
    ),
    responses(
        (status = 200, description = "The risk registers' risks, by id, as they stand", body = RiskPage),
        (status = 400, description = "A filter that cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in, or a bad token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn risks(
    State(state): State<AppState>,
    Query(scoped): Query<Scoped>,
    Query(page): Query<Paging>,
) -> Result<Json<RiskPage>, ApiError> {
    let page = paging(&page)?;
    let plan = query::id("plan", &scoped.plan)?;
    let mut risks: Vec<RiskRecord> = state
        .store
        .risk_register()
        .await?
        .into_iter()
        .filter(|r| plan.is_none_or(|id| id == r.plan_id))
        .map(RiskRecord::from)
        .collect();
    risks.sort_by_key(|r| r.id);
    Ok(Json(page.take(risks, |r| Position::of(r.id)).into()))
}
