//! The risk register: a likelihood-by-impact heat map and the list.

use super::render;
use crate::AppState;
use crate::error::WebError;
use axum::extract::State;
use axum::response::Html;
use serde::Serialize;

/// The scale risks are rated on (1 = lowest).
const SCALE: i64 = 5;

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
}

fn band(score: i64) -> &'static str {
    match score {
        s if s >= 15 => "high",
        s if s >= 8 => "medium",
        _ => "low",
    }
}

pub async fn page(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let risks = state.store.risk_register().await?;
    let grid = (1..=SCALE)
        .rev()
        .map(|l| {
            let cells = (1..=SCALE)
                .map(|i| Cell {
                    count: risks
                        .iter()
                        .filter(|r| r.likelihood == Some(l) && r.impact == Some(i))
                        .count(),
                    band: band(l * i),
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
            score: r.likelihood.zip(r.impact).map(|(l, i)| l * i),
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
            impacts: (1..=SCALE).collect(),
            unrated,
            risks,
        },
    )
}
