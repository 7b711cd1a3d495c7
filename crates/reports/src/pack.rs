//! The quarterly performance report pack: a cover report (title,
//! committee, summary, recommendation), then the data as appendices —
//! headline counts beside last quarter's, the position per corporate
//! priority, exceptions first, then the thread of every plan in scope —
//! as councils put them in front of committees. Built once from the
//! monitoring read model; `render` turns it into each format.

use crate::assess;
use crate::charts::{self, Point};
use crate::period::period_in_words;
use crate::scope::Scope;
use chrono::NaiveDate;
use goldthread_domain::Period;
use goldthread_domain::status::{ActionHealth, IndicatorRag, Rag, Tally, Trend};
use goldthread_storage::{ActionInfo, IndicatorInfo, MonitoringData, NodeInfo};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// What part of the council a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeChoice {
    /// Every plan in force on the report's date.
    Council,
    Plan(i64),
    /// A service: the unit owning a plan, or the letters of an action's
    /// service reference.
    Service(String),
    /// The actions a post leads, and the indicators measuring them.
    Officer(String),
}

impl ScopeChoice {
    /// `council`, `plan:3`, `service:Housing`, `officer:Head of Housing`.
    pub fn parse(text: &str) -> Result<ScopeChoice, String> {
        let text = text.trim();
        let (kind, value) = text.split_once(':').unwrap_or((text, ""));
        let value = value.trim();
        match (kind.trim().to_ascii_lowercase().as_str(), value) {
            ("council", "") => Ok(ScopeChoice::Council),
            ("plan", id) => id
                .parse()
                .map(ScopeChoice::Plan)
                .map_err(|_| format!("'{text}': a plan is chosen by its number, as in plan:3")),
            ("service", name) if !name.is_empty() => Ok(ScopeChoice::Service(name.to_string())),
            ("officer", post) if !post.is_empty() => Ok(ScopeChoice::Officer(post.to_string())),
            _ => Err(format!(
                "'{text}' is not a scope: write council, plan:ID, service:NAME or officer:POST"
            )),
        }
    }
}

/// What the pack is asked for.
#[derive(Debug, Clone)]
pub struct ReportRequest {
    /// A quarter or a financial year.
    pub period: Period,
    pub scope: ScopeChoice,
    /// The day whose knowledge the report shows (the data must have been
    /// loaded as known then); the position is judged at the end of the
    /// period, or on this day if the period has not ended.
    pub known_at: NaiveDate,
    pub committee: Option<String>,
    pub author: Option<String>,
}

impl ReportRequest {
    pub fn status_date(&self) -> NaiveDate {
        self.period.last_day().min(self.known_at)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CountRow {
    pub key: &'static str,
    pub label: &'static str,
    pub rag: &'static str,
    pub now: usize,
    pub previous: usize,
    /// `+3`, `-1`, `0`.
    pub change: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub previous_period: String,
    pub actions: Vec<CountRow>,
    pub actions_total: usize,
    /// Actions that cannot be rated (not started, deferred, cancelled, no
    /// update), counted apart from the RAG counts.
    pub actions_not_rated: usize,
    pub indicators: Vec<CountRow>,
    pub indicators_total: usize,
    /// Indicators with no target, not due, or missing.
    pub indicators_not_rated: usize,
    pub updates_missing: usize,
}

/// One corporate priority (a plan's top level) and what lies beneath it.
#[derive(Debug, Clone, Serialize)]
pub struct PriorityRow {
    pub plan: String,
    pub title: String,
    pub actions: usize,
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub complete: usize,
    pub not_rated: usize,
    pub indicators: usize,
    pub indicators_green: usize,
    pub indicators_amber: usize,
    pub indicators_red: usize,
    pub indicators_not_rated: usize,
}

impl PriorityRow {
    /// The table's headings: the priority, its plan, then `figures`.
    pub const HEADINGS: [&'static str; 13] = [
        "Priority",
        "Plan",
        "Actions",
        "Green",
        "Amber",
        "Red",
        "Complete",
        "Not rated",
        "Indicators",
        "Indicators green",
        "Indicators amber",
        "Indicators red",
        "Indicators not rated",
    ];

    /// The counts, in the order of `HEADINGS` after the first two.
    pub fn figures(&self) -> [usize; 11] {
        [
            self.actions,
            self.green,
            self.amber,
            self.red,
            self.complete,
            self.not_rated,
            self.indicators,
            self.indicators_green,
            self.indicators_amber,
            self.indicators_red,
            self.indicators_not_rated,
        ]
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionRow {
    pub id: i64,
    pub plan: String,
    pub code: String,
    pub title: String,
    pub lead: String,
    /// The due date as the plan wrote it.
    pub due: String,
    /// The due date in force, when it was revised.
    pub revised_due: Option<String>,
    pub status: &'static str,
    pub status_label: &'static str,
    pub rag: &'static str,
    pub rag_label: &'static str,
    /// The day of the latest update, and what it said.
    pub update_date: Option<String>,
    pub commentary: String,
    /// Why it is an exception: "Overdue", "Revised completion date (+61
    /// days)", "No update this quarter".
    pub flags: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValuePoint {
    pub period: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRow {
    pub id: i64,
    pub plan: String,
    pub code: String,
    pub title: String,
    pub unit: &'static str,
    pub period: Option<String>,
    pub value: Option<f64>,
    pub value_text: String,
    pub target: Option<f64>,
    pub target_text: String,
    pub rag: &'static str,
    pub rag_label: &'static str,
    pub rag_key: &'static str,
    /// Against the previous period, and the same period a year before.
    pub trend_previous: &'static str,
    pub trend_year: &'static str,
    pub note: String,
    /// The last eight periods, oldest first.
    pub series: Vec<ValuePoint>,
    /// The series drawn as SVG, as the pages draw it.
    pub chart: String,
}

/// A node of a plan's thread with what hangs from it; the thread is
/// flattened in reading order, `depth` saying how far in.
#[derive(Debug, Clone, Serialize)]
pub struct NodeSection {
    pub depth: usize,
    pub label: String,
    pub title: String,
    pub actions: Vec<ActionRow>,
    pub indicators: Vec<IndicatorRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanSection {
    pub id: i64,
    pub title: String,
    pub owner: Option<String>,
    pub sections: Vec<NodeSection>,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyEntry {
    pub term: String,
    pub meaning: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportPack {
    pub title: String,
    pub council: String,
    pub committee: Option<String>,
    pub author: Option<String>,
    pub period: String,
    pub period_words: String,
    pub status_date: String,
    pub known_at: String,
    pub scope: String,
    pub summary: Vec<String>,
    pub recommendation: String,
    pub method: Vec<String>,
    pub headline: Headline,
    pub priorities: Vec<PriorityRow>,
    pub exception_actions: Vec<ActionRow>,
    pub exception_indicators: Vec<IndicatorRow>,
    pub missing_updates: Vec<ActionRow>,
    pub plans: Vec<PlanSection>,
    pub action_key: Vec<KeyEntry>,
    pub indicator_key: Vec<KeyEntry>,
    pub direction_key: Vec<KeyEntry>,
}

fn long_date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// One plan as the public pages show it, judged on `day`: its priorities
/// with their counts, and its thread.
pub fn plan_section(
    data: &MonitoringData,
    plan_id: i64,
    day: NaiveDate,
) -> Option<(Vec<PriorityRow>, PlanSection)> {
    let plan = data.plan(plan_id)?;
    let context = Rows::new(data, day);
    let actions: Vec<&ActionInfo> = data
        .actions
        .iter()
        .filter(|a| a.plan_id == plan_id)
        .map(AsRef::as_ref)
        .collect();
    let indicators: Vec<&IndicatorInfo> = data
        .indicators
        .iter()
        .filter(|i| i.plan_id == plan_id)
        .map(AsRef::as_ref)
        .collect();
    let action_rows: HashMap<i64, ActionRow> = actions
        .iter()
        .map(|a| (a.id, context.action_row(a)))
        .collect();
    let indicator_rows: HashMap<i64, IndicatorRow> = indicators
        .iter()
        .map(|i| (i.id, context.indicator_row(i)))
        .collect();
    let priorities = priorities(
        data,
        &actions,
        &indicators,
        &action_rows,
        &indicator_rows,
        &context,
    );
    let section = PlanSection {
        id: plan.id,
        title: plan.title.clone(),
        owner: plan.owner.clone(),
        sections: thread(
            data,
            plan.id,
            &actions,
            &indicators,
            &action_rows,
            &indicator_rows,
        ),
    };
    Some((priorities, section))
}

/// An action's row as the pack prints it, judged on `day`. For many rows,
/// make one [`Rows`] and ask it for each.
pub fn action_row(data: &MonitoringData, action: &ActionInfo, day: NaiveDate) -> ActionRow {
    Rows::new(data, day).action_row(action)
}

/// An indicator's row as the pack prints it, judged on `day`.
pub fn indicator_row(
    data: &MonitoringData,
    indicator: &IndicatorInfo,
    day: NaiveDate,
) -> IndicatorRow {
    Rows::new(data, day).indicator_row(indicator)
}

/// The pack's rows of one council's data judged on one day: made once for
/// a page or report (it looks up plan titles), asked for each row.
pub struct Rows<'a> {
    data: &'a MonitoringData,
    status_date: NaiveDate,
    plan_titles: HashMap<i64, &'a str>,
}

impl<'a> Rows<'a> {
    pub fn new(data: &'a MonitoringData, status_date: NaiveDate) -> Rows<'a> {
        Rows {
            data,
            status_date,
            plan_titles: data
                .plans
                .iter()
                .map(|p| (p.id, p.title.as_str()))
                .collect(),
        }
    }

    fn plan(&self, id: i64) -> String {
        self.plan_titles.get(&id).copied().unwrap_or("").to_string()
    }

    pub fn action_row(&self, action: &ActionInfo) -> ActionRow {
        let a = assess::action(action, self.status_date);
        let update = action.update_as_at(self.status_date);
        let mut flags = Vec::new();
        if a.health == ActionHealth::Overdue {
            flags.push("Overdue".to_string());
        }
        if let Some(days) = a.slippage_days.filter(|d| *d > 0) {
            flags.push(format!("Revised completion date (+{days} days)"));
        }
        if a.update_missing {
            flags.push("No update this quarter".to_string());
        }
        let revised = action.due != action.original_due;
        ActionRow {
            id: action.id,
            plan: self.plan(action.plan_id),
            code: action.code.clone().unwrap_or_default(),
            title: action.title.clone(),
            lead: action.officers.join("; "),
            due: action.due_text.clone().unwrap_or_default(),
            revised_due: revised.then(|| action.due_in_force_text.clone()).flatten(),
            status: a.health.as_str(),
            status_label: a.health.label(),
            rag: a.rag.as_str(),
            rag_label: a.rag.label(),
            update_date: update.map(|u| long_date(u.as_at)),
            commentary: update.map(|u| u.commentary.clone()).unwrap_or_default(),
            flags,
        }
    }

    /// The indicator's RAG on the day, as its row says it, without the
    /// row's chart and series.
    pub fn indicator_rag(&self, indicator: &IndicatorInfo) -> IndicatorRag {
        self.standing(indicator).rag
    }

    fn standing(&self, indicator: &IndicatorInfo) -> assess::IndicatorStanding {
        let rules = assess::rules(self.data);
        assess::indicator(self.data, indicator, &rules, self.status_date)
    }

    pub fn indicator_row(&self, indicator: &IndicatorInfo) -> IndicatorRow {
        let standing = self.standing(indicator);
        let latest = standing
            .period
            .as_deref()
            .and_then(|p| p.parse::<Period>().ok());
        let mut periods = Vec::new();
        if let Some(mut p) = latest {
            for _ in 0..8 {
                periods.push(p);
                p = p.previous();
            }
            periods.reverse();
        }
        let series: Vec<ValuePoint> = periods
            .iter()
            .map(|p| ValuePoint {
                period: p.to_string(),
                value: assess::value_for(indicator, *p),
                target: assess::target(indicator, *p),
            })
            .collect();
        let points: Vec<Point> = series
            .iter()
            .map(|p| Point {
                label: p.period.clone(),
                value: p.value,
                target: p.target,
            })
            .collect();
        let code = indicator.code.clone().unwrap_or_default();
        let chart = if series.iter().any(|p| p.value.is_some()) {
            charts::values_against_targets(
                &format!("chart-{}", indicator.id),
                format!("{code} {}", indicator.title).trim(),
                "Values (solid line) against targets (dashed line); the figures are in the table.",
                &points,
            )
        } else {
            String::new()
        };
        let note = latest
            .and_then(|p| indicator.values.iter().find(|v| v.period == p))
            .and_then(|v| v.note.clone())
            .unwrap_or_default();
        let figure =
            |v: Option<f64>| v.map_or(String::new(), |v| assess::figure(v, indicator.unit));
        IndicatorRow {
            id: indicator.id,
            plan: self.plan(indicator.plan_id),
            code,
            title: indicator.title.clone(),
            unit: indicator.unit.as_str(),
            period: standing.period.clone(),
            value: standing.value,
            value_text: figure(standing.value),
            target: standing.target,
            target_text: figure(standing.target),
            rag: standing.rag.rag().as_str(),
            rag_label: standing.rag.label(),
            rag_key: standing.rag.as_str(),
            trend_previous: trend_label(standing.trend_previous),
            trend_year: trend_label(standing.trend_year),
            note,
            series,
            chart,
        }
    }
}

fn trend_label(trend: Option<Trend>) -> &'static str {
    trend.map_or("N/A: nothing to compare", Trend::label)
}

fn change(now: usize, previous: usize) -> String {
    let delta = now as i64 - previous as i64;
    if delta > 0 {
        format!("+{delta}")
    } else {
        delta.to_string()
    }
}

/// The counts of the actions and indicators in scope on one day.
struct Counts {
    actions: Tally<ActionHealth>,
    indicators: Tally<IndicatorRag>,
    updates_missing: usize,
}

fn count(
    data: &MonitoringData,
    actions: &[&ActionInfo],
    indicators: &[&IndicatorInfo],
    day: NaiveDate,
) -> Counts {
    let rules = assess::rules(data);
    let mut counts = Counts {
        actions: Tally::default(),
        indicators: Tally::default(),
        updates_missing: 0,
    };
    for action in actions {
        let a = assess::action(action, day);
        counts.actions.add(a.health);
        counts.updates_missing += usize::from(a.update_missing);
    }
    for indicator in indicators {
        counts
            .indicators
            .add(assess::indicator(data, indicator, &rules, day).rag);
    }
    counts
}

/// The scope a request names, as the pages' `Scope` sees it.
fn page_scope(request: &ReportRequest) -> Scope {
    let mut scope = Scope {
        as_at: request.status_date(),
        plan: None,
        service: None,
        officer: None,
        status: None,
        all_plans: false,
        errors: Vec::new(),
    };
    match &request.scope {
        ScopeChoice::Council => {}
        ScopeChoice::Plan(id) => scope.plan = Some(*id),
        ScopeChoice::Service(name) => scope.service = Some(name.clone()),
        ScopeChoice::Officer(post) => scope.officer = Some(post.clone()),
    }
    scope
}

/// Builds the pack. A scope naming a plan the council does not have is an
/// error, not an empty report.
pub fn build(data: &MonitoringData, request: &ReportRequest) -> Result<ReportPack, String> {
    let status_date = request.status_date();
    let scope = page_scope(request);
    let scope_text = match &request.scope {
        ScopeChoice::Council => "The whole council: the plans in force".to_string(),
        ScopeChoice::Plan(id) => {
            let plan = data
                .plans
                .iter()
                .find(|p| p.id == *id)
                .ok_or_else(|| format!("there is no plan {id}: see `goldthread export` or /api/v1/plans for the plans' numbers"))?;
            format!("Plan: {}", plan.title)
        }
        ScopeChoice::Service(name) => format!("Service: {name}"),
        ScopeChoice::Officer(post) => format!("Lead officer: {post}"),
    };
    let actions: Vec<&ActionInfo> = scope.actions(data);
    let indicators: Vec<&IndicatorInfo> = scope.indicators(data, &actions);
    if let ScopeChoice::Service(_) | ScopeChoice::Officer(_) = request.scope
        && actions.is_empty()
        && indicators.is_empty()
    {
        return Err(format!(
            "{scope_text} leads no actions and measures no indicators in the plans"
        ));
    }
    let context = Rows::new(data, status_date);

    let previous_period = request.period.previous();
    let previous_day = previous_period.last_day().min(request.known_at);
    let now = count(data, &actions, &indicators, status_date);
    let before = count(data, &actions, &indicators, previous_day);
    let headline = Headline {
        previous_period: previous_period.to_string(),
        actions: ActionHealth::ALL
            .into_iter()
            .map(|h| CountRow {
                key: h.as_str(),
                label: h.label(),
                rag: h.rag().as_str(),
                now: now.actions.get(h),
                previous: before.actions.get(h),
                change: change(now.actions.get(h), before.actions.get(h)),
            })
            .collect(),
        actions_total: actions.len(),
        actions_not_rated: ActionHealth::ALL
            .into_iter()
            .filter(|h| h.rag() == Rag::Grey)
            .map(|h| now.actions.get(h))
            .sum(),
        indicators: IndicatorRag::ALL
            .into_iter()
            .map(|r| CountRow {
                key: r.as_str(),
                label: r.label(),
                rag: r.rag().as_str(),
                now: now.indicators.get(r),
                previous: before.indicators.get(r),
                change: change(now.indicators.get(r), before.indicators.get(r)),
            })
            .collect(),
        indicators_total: indicators.len(),
        indicators_not_rated: IndicatorRag::ALL
            .into_iter()
            .filter(|r| r.rag() == Rag::Grey)
            .map(|r| now.indicators.get(r))
            .sum(),
        updates_missing: now.updates_missing,
    };

    let action_rows: HashMap<i64, ActionRow> = actions
        .iter()
        .map(|a| (a.id, context.action_row(a)))
        .collect();
    let indicator_rows: HashMap<i64, IndicatorRow> = indicators
        .iter()
        .map(|i| (i.id, context.indicator_row(i)))
        .collect();

    let priorities = priorities(
        data,
        &actions,
        &indicators,
        &action_rows,
        &indicator_rows,
        &context,
    );

    let mut exception_actions: Vec<ActionRow> = actions
        .iter()
        .filter_map(|a| action_rows.get(&a.id))
        .filter(|row| {
            matches!(row.rag, "red" | "amber") || row.flags.iter().any(|f| f.starts_with("Revised"))
        })
        .cloned()
        .collect();
    exception_actions.sort_by_key(|row| match row.rag {
        "red" => 0,
        "amber" => 1,
        _ => 2,
    });
    let mut exception_indicators: Vec<IndicatorRow> = indicators
        .iter()
        .filter_map(|i| indicator_rows.get(&i.id))
        .filter(|row| matches!(row.rag_key, "red" | "amber" | "missing"))
        .cloned()
        .collect();
    exception_indicators.sort_by_key(|row| match row.rag_key {
        "red" => 0,
        "amber" => 1,
        _ => 2,
    });
    let missing_updates: Vec<ActionRow> = actions
        .iter()
        .filter_map(|a| action_rows.get(&a.id))
        .filter(|row| row.flags.iter().any(|f| f.starts_with("No update")))
        .cloned()
        .collect();

    let plan_ids: Vec<i64> = {
        let mut seen = HashSet::new();
        actions
            .iter()
            .map(|a| a.plan_id)
            .chain(indicators.iter().map(|i| i.plan_id))
            .filter(|id| seen.insert(*id))
            .collect()
    };
    let mut plan_ids = plan_ids;
    plan_ids.sort_unstable();
    let plans = plan_ids
        .iter()
        .filter_map(|id| data.plans.iter().find(|p| p.id == *id))
        .map(|plan| PlanSection {
            id: plan.id,
            title: plan.title.clone(),
            owner: plan.owner.clone(),
            sections: thread(
                data,
                plan.id,
                &actions,
                &indicators,
                &action_rows,
                &indicator_rows,
            ),
        })
        .collect();

    let rules = assess::rules(data);
    let tolerance = format!(
        "{}%",
        (rules.amber_tolerance * 100.0 * 100.0).round() / 100.0
    );
    let period = request.period.to_string();
    let rated = headline.actions_total - headline.actions_not_rated;
    let on_track = now.actions.get(ActionHealth::OnTrack) + now.actions.get(ActionHealth::Achieved);
    let summary = vec![
        format!(
            "This report sets out the council's performance for {period} ({}), as at {}.",
            period_in_words(request.period),
            long_date(status_date)
        ),
        format!(
            "Of the {} actions in scope, {} can be rated: {} are achieved or on track, {} at risk, and {} off track or overdue. {} cannot be rated (not started, deferred, cancelled or never reported on). {} open actions have no update this quarter.",
            headline.actions_total,
            rated,
            on_track,
            now.actions.get(ActionHealth::AtRisk),
            now.actions.get(ActionHealth::OffTrack) + now.actions.get(ActionHealth::Overdue),
            headline.actions_not_rated,
            headline.updates_missing,
        ),
        format!(
            "Of the {} performance indicators, {} met their target, {} were near it and {} missed it; {} cannot be rated (no target, not yet due, or the value is missing).",
            headline.indicators_total,
            now.indicators.get(IndicatorRag::Green),
            now.indicators.get(IndicatorRag::Amber),
            now.indicators.get(IndicatorRag::Red),
            headline.indicators_not_rated,
        ),
        format!(
            "Appendix A lists the {} actions and {} indicators that need the committee's attention, with each officer's commentary.",
            exception_actions.len(),
            exception_indicators.len()
        ),
    ];
    let method = vec![
        format!(
            "An action's status is its latest approved update on or before {}. An action past its due date in force (after any revision) and not achieved, deferred or cancelled is overdue, whatever its update says.",
            long_date(status_date)
        ),
        format!(
            "An indicator is judged at its latest period ended by {}, against that period's target (a yearly target is shared across the periods of an indicator that adds up). Green: the target is met. Amber: missed by no more than {tolerance} of the target. Red: missed by more. A value not entered {} days after its period ends is missing.",
            long_date(status_date),
            rules.collection_grace_days
        ),
        "Direction of travel compares the value with the previous period, and with the same period a year before, read with the indicator's polarity (whether higher is better).".to_string(),
        format!(
            "The figures are those known on {}: updates, values and edits recorded later are not included, so this report reads the same whenever it is produced. Only updates and values approved at sign-off count.",
            long_date(request.known_at)
        ),
    ];
    let action_key = ActionHealth::ALL
        .into_iter()
        .map(|h| KeyEntry {
            term: h.label().to_string(),
            meaning: action_meaning(h).to_string(),
        })
        .collect();
    let indicator_key = IndicatorRag::ALL
        .into_iter()
        .map(|r| KeyEntry {
            term: format!("{} ({})", r.label(), r.rag().label()),
            meaning: match r {
                IndicatorRag::Green => "The target was met or exceeded.".to_string(),
                IndicatorRag::Amber => {
                    format!("The target was missed by no more than {tolerance} of it.")
                }
                IndicatorRag::Red => {
                    format!("The target was missed by more than {tolerance} of it.")
                }
                IndicatorRag::DataOnly => "There is no target to judge the value by.".to_string(),
                IndicatorRag::Missing => format!(
                    "No value had been entered {} days after the period ended.",
                    rules.collection_grace_days
                ),
                IndicatorRag::NotDue => "No value is due yet.".to_string(),
            },
        })
        .collect();
    let direction_key = [
        (Trend::Improving.label(), "Performance has improved."),
        (Trend::Same.label(), "Performance has been sustained."),
        (Trend::Worsening.label(), "Performance has declined."),
        (
            "N/A: nothing to compare",
            "There is no earlier value, or the indicator has no better direction.",
        ),
    ]
    .into_iter()
    .map(|(term, meaning)| KeyEntry {
        term: term.to_string(),
        meaning: meaning.to_string(),
    })
    .collect();
    Ok(ReportPack {
        title: format!("Performance report: {period}"),
        council: data.organisation.name.clone(),
        committee: request.committee.clone(),
        author: request.author.clone(),
        period_words: period_in_words(request.period),
        period,
        status_date: long_date(status_date),
        known_at: long_date(request.known_at),
        scope: scope_text,
        summary,
        recommendation: format!(
            "That the performance for {} be noted, and the exceptions in Appendix A, with the corrective action described, be considered.",
            request.period
        ),
        method,
        headline,
        priorities,
        exception_actions,
        exception_indicators,
        missing_updates,
        plans,
        action_key,
        indicator_key,
        direction_key,
    })
}

fn action_meaning(health: ActionHealth) -> &'static str {
    match health {
        ActionHealth::Achieved => "Completed.",
        ActionHealth::OnTrack => "Progressing as planned, within its due date.",
        ActionHealth::AtRisk => {
            "Progressing, but the lead officer reports a risk to the due date or the outcome."
        }
        ActionHealth::OffTrack => "Not progressing as planned.",
        ActionHealth::Overdue => "Past its due date in force and not achieved.",
        ActionHealth::NotStarted => "Not started, and not yet due.",
        ActionHealth::Revised => {
            "Under way to a completion date later than the plan first gave: slippage, within the revised date."
        }
        ActionHealth::Deferred => "Put back by decision, with no new date in this plan.",
        ActionHealth::Cancelled => "Stopped by decision.",
        ActionHealth::NoUpdate => "The lead officer has never reported on it.",
    }
}

/// The root node of each node.
fn roots(nodes: &[NodeInfo]) -> HashMap<i64, i64> {
    let parents: HashMap<i64, Option<i64>> = nodes.iter().map(|n| (n.id, n.parent_id)).collect();
    nodes
        .iter()
        .map(|n| {
            let mut id = n.id;
            // Bounded: a damaged parent chain cannot loop forever.
            for _ in 0..nodes.len() {
                match parents.get(&id).copied().flatten() {
                    Some(parent) => id = parent,
                    None => break,
                }
            }
            (n.id, id)
        })
        .collect()
}

fn priorities(
    data: &MonitoringData,
    actions: &[&ActionInfo],
    indicators: &[&IndicatorInfo],
    action_rows: &HashMap<i64, ActionRow>,
    indicator_rows: &HashMap<i64, IndicatorRow>,
    context: &Rows,
) -> Vec<PriorityRow> {
    let root_of = roots(&data.nodes);
    let mut rows: Vec<PriorityRow> = Vec::new();
    let mut index: HashMap<i64, usize> = HashMap::new();
    let mut row_for = |root: i64, rows: &mut Vec<PriorityRow>| -> Option<usize> {
        if let Some(&i) = index.get(&root) {
            return Some(i);
        }
        let node = data.nodes.iter().find(|n| n.id == root)?;
        rows.push(PriorityRow {
            plan: context.plan(node.plan_id),
            title: node.title.clone(),
            actions: 0,
            green: 0,
            amber: 0,
            red: 0,
            complete: 0,
            not_rated: 0,
            indicators: 0,
            indicators_green: 0,
            indicators_amber: 0,
            indicators_red: 0,
            indicators_not_rated: 0,
        });
        index.insert(root, rows.len() - 1);
        Some(rows.len() - 1)
    };
    for action in actions {
        let Some(row) = action_rows.get(&action.id) else {
            continue;
        };
        let mut counted = HashSet::new();
        for node in &action.node_ids {
            let Some(&root) = root_of.get(node) else {
                continue;
            };
            if !counted.insert(root) {
                continue;
            }
            let Some(i) = row_for(root, &mut rows) else {
                continue;
            };
            let p = &mut rows[i];
            p.actions += 1;
            match row.rag {
                "green" => p.green += 1,
                "amber" => p.amber += 1,
                "red" => p.red += 1,
                "blue" => p.complete += 1,
                _ => p.not_rated += 1,
            }
        }
    }
    for indicator in indicators {
        let Some(row) = indicator_rows.get(&indicator.id) else {
            continue;
        };
        let linked_nodes = indicator.node_ids.iter().copied().chain(
            indicator
                .action_ids
                .iter()
                .filter_map(|a| data.actions.iter().find(|x| x.id == *a))
                .flat_map(|a| a.node_ids.iter().copied()),
        );
        let mut counted = HashSet::new();
        for node in linked_nodes {
            let Some(&root) = root_of.get(&node) else {
                continue;
            };
            if !counted.insert(root) {
                continue;
            }
            let Some(i) = row_for(root, &mut rows) else {
                continue;
            };
            let p = &mut rows[i];
            p.indicators += 1;
            match row.rag_key {
                "green" => p.indicators_green += 1,
                "amber" => p.indicators_amber += 1,
                "red" => p.indicators_red += 1,
                _ => p.indicators_not_rated += 1,
            }
        }
    }
    rows
}

/// A plan's thread in reading order, each action under the first node it
/// is linked to, each indicator under its first node (or its first
/// action's), and what is linked to nothing under "Not linked to the
/// thread".
fn thread(
    data: &MonitoringData,
    plan_id: i64,
    actions: &[&ActionInfo],
    indicators: &[&IndicatorInfo],
    action_rows: &HashMap<i64, ActionRow>,
    indicator_rows: &HashMap<i64, IndicatorRow>,
) -> Vec<NodeSection> {
    let nodes: Vec<&NodeInfo> = data.nodes.iter().filter(|n| n.plan_id == plan_id).collect();
    let mut actions_at: HashMap<Option<i64>, Vec<ActionRow>> = HashMap::new();
    for action in actions.iter().filter(|a| a.plan_id == plan_id) {
        if let Some(row) = action_rows.get(&action.id) {
            actions_at
                .entry(action.node_ids.first().copied())
                .or_default()
                .push(row.clone());
        }
    }
    let mut indicators_at: HashMap<Option<i64>, Vec<IndicatorRow>> = HashMap::new();
    for indicator in indicators.iter().filter(|i| i.plan_id == plan_id) {
        let node = indicator.node_ids.first().copied().or_else(|| {
            indicator
                .action_ids
                .iter()
                .filter_map(|a| data.actions.iter().find(|x| x.id == *a))
                .find_map(|a| a.node_ids.first().copied())
        });
        if let Some(row) = indicator_rows.get(&indicator.id) {
            indicators_at.entry(node).or_default().push(row.clone());
        }
    }
    let mut children: HashMap<Option<i64>, Vec<&NodeInfo>> = HashMap::new();
    for node in &nodes {
        children.entry(node.parent_id).or_default().push(node);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(&NodeInfo, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|n| (*n, 0)).collect())
        .unwrap_or_default();
    let mut visited = HashSet::new();
    while let Some((node, depth)) = stack.pop() {
        if !visited.insert(node.id) {
            continue;
        }
        out.push(NodeSection {
            depth,
            label: node.label.clone(),
            title: node.title.clone(),
            actions: actions_at.remove(&Some(node.id)).unwrap_or_default(),
            indicators: indicators_at.remove(&Some(node.id)).unwrap_or_default(),
        });
        if let Some(kids) = children.get(&Some(node.id)) {
            stack.extend(kids.iter().rev().map(|n| (*n, depth + 1)));
        }
    }
    // Nodes of this plan outside the tree, or actions on another plan's
    // node, are still shown.
    let mut rest_actions: Vec<ActionRow> = actions_at.into_values().flatten().collect();
    let mut rest_indicators: Vec<IndicatorRow> = indicators_at.into_values().flatten().collect();
    rest_actions.sort_by_key(|a| a.id);
    rest_indicators.sort_by_key(|i| i.id);
    if !rest_actions.is_empty() || !rest_indicators.is_empty() {
        out.push(NodeSection {
            depth: 0,
            label: String::new(),
            title: "Not linked to the thread".to_string(),
            actions: rest_actions,
            indicators: rest_indicators,
        });
    }
    // Sections with nothing beneath them at any depth add only headings.
    out
}
