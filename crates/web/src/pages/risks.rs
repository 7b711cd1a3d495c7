//! The risk register: a likelihood-by-impact heat map and the list.

use super::render;
use crate::AppState;
use crate::error::WebError;
use axum::extract::{Query, State};
use axum::response::Html;
use goldthread_domain::risk;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Cell {
    count: usize,
    /// Score band for shading: low, medium, high.
    band: &'static str,
}

#[derive(Serialize)]
struct RiskView {
    id: i64,
    plan_id: i64,
    plan_title: String,
    code: Option<String>,
    title: String,
    owner: Option<String>,
    likelihood: Option<i64>,
    impact: Option<i64>,
    score: Option<i64>,
    controls: Option<String>,
}

#[derive(Serialize)]
struct Page {
    title: &'static str,
    /// Rows from likelihood 5 down to 1; columns impact 1 to 5.
    grid: Vec<(i64, Vec<Cell>)>,
    impacts: Vec<i64>,
    unrated: usize,
    risks: Vec<RiskView>,
    /// Editors see "Edit" and "Remove" on each risk.
    can_edit: bool,
    /// What an editor's form just did, for the banner.
    saved: Option<&'static str>,
}

/// Where an editor's risk form sends them back to.
#[derive(Deserialize)]
pub struct RegisterQuery {
    saved: Option<String>,
    removed: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Query(q): Query<RegisterQuery>,
) -> Result<Html<String>, WebError> {
    let risks = state.store.risk_register().await?;
    let scale = i64::from(state.store.organisation().await?.risk_scale);
    let grid = (1..=scale)
        .rev()
        .map(|l| {
            let cells = (1..=scale)
                .map(|i| Cell {
                    count: risks
                        .iter()
                        .filter(|r| r.likelihood == Some(l) && r.impact == Some(i))
                        .count(),
                    band: risk::band(risk::score(l, i).unwrap_or(0), scale),
                })
                .collect();
            (l, cells)
        })
        .collect();
    let unrated = risks
        .iter()
        .filter(|r| r.likelihood.is_none() || r.impact.is_none())
        .count();
    let risks = risks
        .into_iter()
        .map(|r| RiskView {
            score: risk::rated_score(r.likelihood, r.impact),
            id: r.id,
            plan_id: r.plan_id,
            plan_title: r.plan_title,
            code: r.code,
            title: r.title,
            owner: r.owner,
            likelihood: r.likelihood,
            impact: r.impact,
            controls: r.controls,
        })
        .collect();
    render(
        &state,
        "risks.html",
        &Page {
            title: "Risk register",
            grid,
            impacts: (1..=scale).collect(),
            unrated,
            risks,
            can_edit: super::authoring::may_edit(),
            saved: match (q.saved.is_some(), q.removed.is_some()) {
                (true, _) => Some("Risk saved."),
                (false, true) => Some("Risk removed."),
                _ => None,
            },
        },
    )
}
