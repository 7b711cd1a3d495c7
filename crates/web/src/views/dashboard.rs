//! The council's health card for a scope and date: the report pack's
//! counts and exceptions (built by `goldthread_reports`), each figure a
//! link to the list behind it, each list saying how many more there are.

use super::charts::{self, Bar};
use super::scope::Scope;
use goldthread_domain::ActionStatus;
use goldthread_domain::status::{ActionHealth, IndicatorRag, Tally, recent_quarters};
use goldthread_reports::assess;
use goldthread_reports::pack::{self, ActionRow, IndicatorRow};
use goldthread_storage::MonitoringData;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Count {
    pub key: &'static str,
    pub label: &'static str,
    pub rag: &'static str,
    pub count: usize,
    /// The list of the items counted.
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct QuarterShare {
    pub label: String,
    pub on_track: usize,
    pub reported: usize,
    pub percent: Option<f64>,
}

/// A list on the card: its first rows, how many there are, and where the
/// whole list is.
#[derive(Debug, Serialize)]
pub struct Shortlist<T> {
    pub rows: Vec<T>,
    pub total: usize,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub actions_total: usize,
    pub action_counts: Vec<Count>,
    pub indicators_total: usize,
    pub indicator_counts: Vec<Count>,
    pub overdue_count: usize,
    /// Overdue, off track and at risk actions, worst first, with commentary.
    pub exceptions: Shortlist<ActionRow>,
    pub off_target: Shortlist<IndicatorRow>,
    pub updates_missing: usize,
    pub updates_missing_href: String,
    pub values_missing: usize,
    pub values_missing_href: String,
    pub reporting_period: String,
    pub quarters: Vec<QuarterShare>,
    pub chart: String,
    /// The scope as a query string, for links.
    pub query: String,
    /// When no plan is in force on the day: the last day the latest plan
    /// ran to, to offer the council's picture as it stood then.
    pub latest_plan_end: Option<chrono::NaiveDate>,
}

/// How many rows the lists on the card show; the counts are always whole.
const LIST_LIMIT: usize = 25;

fn link(path: &str, query: &str, filter: &str) -> String {
    match (query.is_empty(), filter.is_empty()) {
        (true, true) => path.to_string(),
        (true, false) => format!("{path}?{filter}"),
        (false, true) => format!("{path}?{query}"),
        (false, false) => format!("{path}?{query}&{filter}"),
    }
}

/// The first items as rows (made only for the rows shown: a row of a
/// council's every action or indicator would cost more than the card).
fn shortlist<T, R>(items: Vec<T>, href: String, row: impl Fn(T) -> R) -> Shortlist<R> {
    let total = items.len();
    Shortlist {
        rows: items.into_iter().take(LIST_LIMIT).map(row).collect(),
        total,
        href,
    }
}

pub fn build(data: &MonitoringData, scope: &Scope, today: chrono::NaiveDate) -> Dashboard {
    let as_at = scope.as_at;
    let query = scope.query_string(today);
    let rows = pack::Rows::new(data, as_at);
    let actions = scope.actions(data);
    let mut health = Tally::default();
    let mut exceptions = Vec::new();
    let mut updates_missing = 0;
    for &action in &actions {
        let a = assess::action(action, as_at);
        health.add(a.health);
        updates_missing += usize::from(a.update_missing);
        if matches!(
            a.health,
            ActionHealth::Overdue | ActionHealth::OffTrack | ActionHealth::AtRisk
        ) {
            exceptions.push((a.health, action));
        }
    }
    // Worst first: overdue, off track, at risk (the order of `ALL`).
    exceptions.sort_by_key(|(h, _)| ActionHealth::ALL.iter().position(|x| x == h));
    let indicators = scope.indicators(data, &actions);
    let mut rags = Tally::default();
    let mut off_target = Vec::new();
    for &indicator in &indicators {
        let rag = rows.indicator_rag(indicator);
        rags.add(rag);
        if matches!(rag, IndicatorRag::Red | IndicatorRag::Amber) {
            off_target.push((rag, indicator));
        }
    }
    off_target.sort_by_key(|(rag, _)| *rag != IndicatorRag::Red);
    let quarters: Vec<QuarterShare> = recent_quarters(as_at, 8)
        .into_iter()
        .map(|q| {
            let day = q.last_day().min(as_at);
            let start = q.first_day();
            let (mut on_track, mut reported) = (0, 0);
            for action in &actions {
                let Some(update) = action.update_as_at(day) else {
                    continue;
                };
                // Work finished in an earlier quarter is not this
                // quarter's: counting it would flatter the share.
                if update.status == ActionStatus::Achieved && update.as_at < start {
                    continue;
                }
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
    let exceptions_href = link("/actions", &query, "");
    let latest_plan_end =
        (actions.is_empty() && indicators.is_empty() && scope.plan.is_none() && !scope.all_plans)
            .then(|| {
                data.plans
                    .iter()
                    .filter_map(|p| p.last_day)
                    .filter(|end| *end < as_at)
                    .max()
            })
            .flatten();
    Dashboard {
        actions_total: actions.len(),
        action_counts: ActionHealth::ALL
            .into_iter()
            .map(|h| Count {
                key: h.as_str(),
                label: h.label(),
                rag: h.rag().as_str(),
                count: health.get(h),
                href: link("/actions", &query, &format!("status={}", h.as_str())),
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
                href: link("/indicators", &query, &format!("rag={}", r.as_str())),
            })
            .collect(),
        overdue_count: health.get(ActionHealth::Overdue),
        exceptions: shortlist(exceptions, exceptions_href, |(_, action)| {
            rows.action_row(action)
        }),
        off_target: shortlist(
            off_target,
            link("/indicators", &query, "rag=red"),
            |(_, indicator)| rows.indicator_row(indicator),
        ),
        updates_missing,
        updates_missing_href: link("/actions", &query, "flag=missing_update"),
        values_missing: rags.get(IndicatorRag::Missing),
        values_missing_href: link("/indicators", &query, "rag=missing"),
        reporting_period: goldthread_domain::status::reporting_quarter(as_at).to_string(),
        quarters,
        chart,
        query,
        latest_plan_end,
    }
}
