//! The JSON API, version 1.

use crate::AppState;
use crate::error::ApiError;
use axum::Json;
use axum::extract::State;
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct PlanJson {
    id: i64,
    title: String,
    kind: String,
    status: String,
    period: Option<PeriodJson>,
    actions: i64,
    indicators: i64,
}

#[derive(Serialize)]
pub(crate) struct PeriodJson {
    from: String,
    to: String,
}

pub async fn list_plans(State(state): State<AppState>) -> Result<Json<Vec<PlanJson>>, ApiError> {
    let plans = state.store.list_plans().await?;
    Ok(Json(
        plans
            .into_iter()
            .map(|p| PlanJson {
                id: p.id,
                title: p.title,
                kind: p.kind,
                status: p.status,
                period: p
                    .period_from
                    .zip(p.period_to)
                    .map(|(from, to)| PeriodJson { from, to }),
                actions: p.actions,
                indicators: p.indicators,
            })
            .collect(),
    ))
}
