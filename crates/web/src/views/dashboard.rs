//! The council's health card for a scope and date.

use super::assess;
use super::charts::{self, Bar};
use super::scope::Scope;
use goldthread_domain::status::{ActionHealth, IndicatorRag, Rag, Tally, recent_quarters};
use goldthread_storage::MonitoringData;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Count {
    pub key: &'static str,
    pub label: &'static str,
    pub rag: &'static str,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct ActionLine {
    pub id: i64,
    pub code: Option<String>,
    pub title: String,
    pub officers: String,
    pub due: Option<String>,
    pub health: &'static str,
    pub health_label: &'static str,
    pub rag: &'static str,
}

#[derive(Debug, Serialize)]
pub struct IndicatorLine {
    pub id: i64,
    pub code: Option<String>,
    pub title: String,
    pub period: Option<String>,
    pub value: Option<String>,
    pub target: Option<String>,
    pub rag: &'static str,
    pub rag_label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct QuarterShare {
    pub label: String,
    pub on_track: usize,
    pub reported: usize,
    pub percent: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub actions_total: usize,
    pub action_counts: Vec<Count>,
    pub indicators_total: usize,
    pub indicator_counts: Vec<Count>,
    pub overdue: Vec<ActionLine>,
    pub off_target: Vec<IndicatorLine>,
    pub updates_missing: usize,
    pub values_missing: usize,
    pub reporting_period: String,
    pub quarters: Vec<QuarterShare>,
    pub chart: String,
}

/// How many rows the lists on the card show; the counts are always whole.
const LIST_LIMIT: usize = 25;

pub fn build(data: &MonitoringData, scope: &Scope) -> Dashboard {
    let as_at = scope.as_at;
    let rules = assess::rules(data);
    let actions = scope.actions(data);
    let mut health = Tally::default();
    let mut overdue = Vec::new();
    let mut updates_missing = 0;
    for action in &actions {
        let a = assess::action(action, as_at);
        health.add(a.health);
        updates_missing += usize::from(a.update_missing);
        if a.health == ActionHealth::Overdue {
            overdue.push(action_line(action, a.health));
        }
    }
    let indicators = scope.indicators(data, &actions);
    let mut rags = Tally::default();
    let mut off_target = Vec::new();
    for indicator in &indicators {
        let standing = assess::indicator(data, indicator, &rules, as_at);
        rags.add(standing.rag);
        if matches!(standing.rag, IndicatorRag::Red | IndicatorRag::Amber) {
            off_target.push(IndicatorLine {
                id: indicator.id,
                code: indicator.code.clone(),
                title: indicator.title.clone(),
                period: standing.period.clone(),
                value: standing.value.map(|v| assess::figure(v, indicator.unit)),
                target: standing.target.map(|v| assess::figure(v, indicator.unit)),
                rag: standing.rag.rag().as_str(),
                rag_label: standing.rag.label(),
            });
        }
    }
    off_target.sort_by_key(|l| l.rag != Rag::Red.as_str());
    let quarters: Vec<QuarterShare> = recent_quarters(as_at, 8)
        .into_iter()
        .map(|q| {
            let day = q.last_day().min(as_at);
            let (mut on_track, mut reported) = (0, 0);
            for action in actions.iter().filter(|a| a.update_as_at(day).is_some()) {
                let h = assess::action(action, day).health;
                if h != ActionHealth::Cancelled {
                    reported += 1;
                    on_track += usize::from(h.is_on_track());
                }
            }
            QuarterShare {
                label: q.to_string(),
                on_track,
                reported,
                percent: (reported > 0).then(|| 100.0 * on_track as f64 / reported as f64),
            }
        })
        .collect();
    let bars: Vec<Bar> = quarters
        .iter()
        .map(|q| Bar {
            label: q.label.replace(' ', "\u{a0}"),
            percent: q.percent,
        })
        .collect();
    let chart = charts::percent_bars(
        "on-track-chart",
        "Share of reported actions on track or achieved, last eight quarters",
        "Bar chart; the same figures are in the table that follows.",
        &bars,
    );
    Dashboard {
        actions_total: actions.len(),
        action_counts: ActionHealth::ALL
            .into_iter()
            .map(|h| Count {
                key: h.as_str(),
                label: h.label(),
                rag: h.rag().as_str(),
                count: health.get(h),
            })
            .collect(),
        indicators_total: indicators.len(),
        indicator_counts: IndicatorRag::ALL
            .into_iter()
            .map(|r| Count {
                key: r.as_str(),
                label: r.label(),
                rag: r.rag().as_str(),
                count: rags.get(r),
            })
            .collect(),
        overdue: overdue.into_iter().take(LIST_LIMIT).collect(),
        off_target: off_target.into_iter().take(LIST_LIMIT).collect(),
        updates_missing,
        values_missing: rags.get(IndicatorRag::Missing),
        reporting_period: goldthread_domain::status::reporting_quarter(as_at).to_string(),
        quarters,
        chart,
    }
}

pub fn action_line(action: &goldthread_storage::ActionInfo, health: ActionHealth) -> ActionLine {
    ActionLine {
        id: action.id,
        code: action.code.clone(),
        title: action.title.clone(),
        officers: action.officers.join("; "),
        due: action.due.map(|d| d.format("%-d %B %Y").to_string()),
        health: health.as_str(),
        health_label: health.label(),
        rag: health.rag().as_str(),
    }
}
