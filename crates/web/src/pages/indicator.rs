//! An indicator: values against targets over time (chart and table), RAG
//! and trend per period, and the form to record a value.

use super::action::Recorded;
use super::{cached_page, render, today};
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::{FormErrors, parse_figure};
use crate::views::{assess, charts};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use goldthread_domain::status::{Trend, periods_in_year};
use goldthread_domain::{FinancialYear, Period, Unit};
use goldthread_domain::{Review, entry};
use goldthread_storage::{IndicatorDetail, IndicatorInfo, NewMeasurement, StoreError};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Default, Deserialize, Serialize, Clone)]
pub struct ValueForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    note: String,
    /// The versions of the values the user saw: `period=version;…`.
    #[serde(default)]
    seen: String,
}

#[derive(Deserialize)]
pub struct PageQuery {
    saved: Option<String>,
    /// Back from the edit form.
    edited: Option<String>,
    /// A past day: the indicator as it was known then.
    as_at: Option<String>,
}

#[derive(Serialize)]
struct Row {
    period: String,
    value: Option<String>,
    target: Option<String>,
    rag: &'static str,
    rag_label: &'static str,
    trend_previous: Option<&'static str>,
    trend_year: Option<&'static str>,
    note: Option<String>,
    recorded_by: Option<String>,
}

#[derive(Serialize)]
struct Page {
    title: String,
    indicator: IndicatorView,
    rows: Vec<Row>,
    chart: String,
    periods: Vec<String>,
    form: ValueForm,
    errors: FormErrors,
    conflict: Option<String>,
    saved: Option<&'static str>,
    can_record: bool,
    cannot_record: Option<String>,
    /// Whether the account may edit the plan (editors and above).
    can_edit: bool,
    /// Values waiting for sign-off or returned: they do not count yet.
    submissions: Vec<String>,
    /// Shown as known at the end of this past day.
    past: Option<String>,
}

#[derive(Serialize)]
struct IndicatorView {
    id: i64,
    code: Option<String>,
    title: String,
    plan_id: i64,
    plan_title: String,
    facts: Vec<(&'static str, String)>,
    actions: Vec<(i64, String)>,
    /// The thread nodes it measures, as "Label: title".
    nodes: Vec<String>,
    source: Option<String>,
}

/// The periods a value may be entered for, newest first (the rule the
/// form is checked by).
fn open_periods(info: &IndicatorInfo, plan: Option<&goldthread_storage::PlanInfo>) -> Vec<Period> {
    entry::open_periods(&entry::ValueContext {
        frequency: info.frequency,
        unit: info.unit,
        plan: plan.and_then(|p| p.first_day.zip(p.last_day)),
        today: today(),
    })
}

/// The periods the table and chart show: from the first with a value or
/// target to the plan's last year (or today, if sooner), the latest 40.
fn series(info: &IndicatorInfo, plan_last_day: Option<chrono::NaiveDate>) -> Vec<Period> {
    let frequency = assess::frequency(info);
    let this_year = FinancialYear::containing(today());
    let now = plan_last_day.map_or(this_year, |d| FinancialYear::containing(d).min(this_year));
    let first = info
        .values
        .iter()
        .map(|v| v.period.financial_year())
        .chain(info.targets.iter().map(|(p, _)| p.financial_year()))
        .min()
        .unwrap_or(now)
        .min(now);
    let mut periods = Vec::new();
    let mut year = first;
    while year <= now {
        periods.extend(
            periods_in_year(frequency, year)
                .into_iter()
                .filter(|p| p.first_day() <= today()),
        );
        year = year.next();
    }
    let skip = periods.len().saturating_sub(40);
    periods.split_off(skip)
}

fn facts(d: &IndicatorDetail, info: Option<&IndicatorInfo>) -> Vec<(&'static str, String)> {
    let mut facts = vec![
        ("Unit", d.unit.replace('_', " ")),
        ("Polarity", d.polarity.replace('_', " ")),
        (
            "Collected",
            d.frequency
                .clone()
                .unwrap_or_else(|| "Not stated (treated as annual)".into())
                .replace('_', "-"),
        ),
        ("Year figure", d.aggregation.clone()),
        (
            "Amber tolerance",
            d.tolerance.map_or_else(
                || "Council default".into(),
                |t| format!("{:.0}% of target", t * 100.0),
            ),
        ),
    ];
    if let Some(b) = &d.baseline_text {
        facts.push((
            "Baseline",
            format!(
                "{b}{}",
                d.baseline_when
                    .as_ref()
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default()
            ),
        ));
    }
    if let Some(o) = &d.owner {
        facts.push(("Owner", o.clone()));
    }
    if let Some(desc) = &d.description {
        facts.push(("Description", desc.clone()));
    }
    if let Some(info) = info
        && info.targets.is_empty()
    {
        facts.push(("Targets", "None set: values are shown as data only".into()));
    }
    facts
}

async fn build_page(
    state: &AppState,
    id: i64,
    form: Option<ValueForm>,
    errors: FormErrors,
    conflict: Option<String>,
    saved: Option<&'static str>,
    past: Option<NaiveDate>,
) -> Result<Page, WebError> {
    let detail = state.store.indicator_detail(id).await?;
    let me = crate::auth::page_context().account;
    let rights =
        super::action::recording_rights(state, me.as_ref(), Recorded::Indicator(id)).await?;
    let submissions = detail
        .values
        .iter()
        .filter_map(|v| {
            let note = super::action::review_note(v.review, v.review_comment.as_deref())?;
            let shown = v
                .value
                .map(|x| x.to_string())
                .or(v.text.clone())
                .unwrap_or_default();
            let by = v.recorded_by.as_deref().unwrap_or("unknown");
            Some(format!("{}: {shown}, entered by {by}. {note}.", v.period))
        })
        .collect();
    let data = super::data_as_known(state, past).await?;
    let as_at = past.unwrap_or_else(today);
    let info = data
        .indicators
        .iter()
        .find(|i| i.id == id)
        .map(AsRef::as_ref);
    let rules = assess::rules(&data);
    let unit = info.map_or(Unit::Count, |i| i.unit);
    let notes: HashMap<&str, (&Option<String>, &Option<String>)> = detail
        .values
        .iter()
        .map(|v| (v.period.as_str(), (&v.note, &v.recorded_by)))
        .collect();
    let periods = info
        .map(|i| {
            let last = data.plan(i.plan_id).and_then(|p| p.last_day);
            series(i, last)
        })
        .unwrap_or_default();
    let open_periods: Vec<Period> = match info {
        Some(info) => open_periods(info, data.plan(info.plan_id)),
        None => Vec::new(),
    };
    let rights = match rights {
        Ok(()) if past.is_some() => Err(
            "This is the indicator as it was known on a past day: values are recorded on today's page.".to_string(),
        ),
        Ok(()) if open_periods.is_empty() => Err(
            "No period of this indicator is open for values: its plan's years have passed, or none of its periods has begun.".to_string(),
        ),
        other => other,
    };
    let rows: Vec<Row> = match info {
        None => Vec::new(),
        Some(info) => periods
            .iter()
            .map(|&p| {
                let standing = assess::period_standing(info, p, &rules, as_at);
                let label = p.to_string();
                // A note belongs to a value known then, not to one entered since.
                let (note, by) = notes
                    .get(label.as_str())
                    .filter(|_| standing.value.is_some())
                    .map(|(n, b)| ((*n).clone(), (*b).clone()))
                    .unwrap_or_default();
                Row {
                    value: standing.value.map(|v| assess::figure(v, unit)),
                    target: standing.target.map(|v| assess::figure(v, unit)),
                    rag: standing.rag.rag().as_str(),
                    rag_label: standing.rag.label(),
                    trend_previous: standing.trend_previous.map(Trend::label),
                    trend_year: standing.trend_year.map(Trend::label),
                    note,
                    recorded_by: by,
                    period: label,
                }
            })
            .collect(),
    };
    let points: Vec<charts::Point> = match info {
        None => Vec::new(),
        Some(info) => periods
            .iter()
            .map(|&p| charts::Point {
                label: p.to_string(),
                value: assess::value_for(info, p),
                target: assess::target(info, p),
            })
            .collect(),
    };
    let name = detail
        .code
        .as_ref()
        .map_or_else(|| detail.title.clone(), |c| format!("{c} {}", detail.title));
    let chart = charts::values_against_targets(
        "values-chart",
        &format!("{name}: values against targets"),
        "Line chart; the same figures are in the table of periods.",
        &points,
    );
    let seen = detail
        .values
        .iter()
        .map(|v| format!("{}={}", v.period, v.version))
        .collect::<Vec<_>>()
        .join(";");
    let mut form = form.unwrap_or_default();
    if form.period.is_empty() {
        // The latest open period that has ended, else the latest open one.
        form.period = open_periods
            .iter()
            .find(|p| p.last_day() < today())
            .or(open_periods.first())
            .map(|p| p.to_string())
            .unwrap_or_default();
    }
    if form.seen.is_empty() || conflict.is_some() {
        form.seen = seen;
    }
    let source = detail
        .source_file
        .as_ref()
        .map(|f| match detail.source_line {
            Some(line) => format!("{f}, line {line}"),
            None => f.clone(),
        });
    Ok(Page {
        title: name,
        indicator: IndicatorView {
            id,
            code: detail.code.clone(),
            title: detail.title.clone(),
            plan_id: detail.plan_id,
            plan_title: detail.plan_title.clone(),
            facts: facts(&detail, info),
            actions: detail
                .actions
                .iter()
                .map(|(id, code, title)| {
                    (
                        *id,
                        format!("{} {title}", code.clone().unwrap_or_default())
                            .trim()
                            .to_string(),
                    )
                })
                .collect(),
            nodes: detail
                .nodes
                .iter()
                .map(|(_, label, title)| format!("{label}: {title}"))
                .collect(),
            source,
        },
        past: past.map(|d| d.format("%-d %B %Y").to_string()),
        periods: open_periods.iter().map(Period::to_string).collect(),
        rows: rows.into_iter().rev().collect(),
        chart,
        form,
        errors,
        conflict,
        saved,
        can_record: rights.is_ok(),
        cannot_record: rights.err(),
        can_edit: past.is_none() && super::authoring::may_edit(),
        submissions,
    })
}

pub async fn page(
    State(state): State<AppState>,
    uri: Uri,
    RecordId(id): RecordId,
    Query(q): Query<PageQuery>,
) -> Result<Response, WebError> {
    let builder = state.clone();
    // The form shows only to those who may record here.
    let me = crate::auth::page_context().account;
    let variant = match super::action::recording_rights(
        &state,
        me.as_ref(),
        Recorded::Indicator(id),
    )
    .await?
    {
        Ok(()) => "may-record",
        Err(_) => "read-only",
    };
    let saved = match (q.saved.as_deref(), q.edited.as_deref()) {
        (Some("pending"), _) => Some("Value submitted. It counts once it is signed off."),
        (Some(_), _) => Some("Value recorded."),
        (None, Some("added")) => Some("Indicator added."),
        (None, Some(_)) => Some("Changes saved."),
        (None, None) => None,
    };
    cached_page(&state, &uri, variant, move |_| async move {
        let past = super::past_day(q.as_at.as_deref());
        let page = build_page(&builder, id, None, FormErrors::default(), None, saved, past).await?;
        render(&builder, "indicator.html", &page)
    })
    .await
}

pub async fn record_value(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
    Form(form): Form<ValueForm>,
) -> Result<Response, WebError> {
    if let Err(why) =
        super::action::recording_rights(&state, Some(&me), Recorded::Indicator(id)).await?
    {
        state.store.indicator_detail(id).await?;
        return Err(WebError::Forbidden(why));
    }
    let mut errors = FormErrors::default();
    let period = form.period.trim().parse::<Period>();
    if period.is_err() {
        errors.add("period", "Select the period the value is for");
    }
    let value = parse_figure(&form.value);
    if form.value.trim().is_empty() {
        errors.add("value", "Enter the value");
    } else if value.is_none() || form.value.chars().count() > 40 {
        errors.add("value", "Enter the value as a number, like 72.5");
    }
    // The indicator's own rules: a period its frequency reports, begun,
    // within its plan's years; no negative count, day or percentage.
    if let (Ok(period), Some(v)) = (&period, value) {
        let data = state.snapshot.get(&state.store).await?;
        if let Some(info) = data.indicators.iter().find(|i| i.id == id) {
            let plan = data.plan(info.plan_id);
            let ctx = entry::ValueContext {
                frequency: info.frequency,
                unit: info.unit,
                plan: plan.and_then(|p| p.first_day.zip(p.last_day)),
                today: today(),
            };
            if let Err(problem) = entry::check_value(&ctx, *period, v) {
                let field = match problem {
                    entry::EntryProblem::Negative { .. } | entry::EntryProblem::NotFinite => {
                        "value"
                    }
                    _ => "period",
                };
                errors.add(field, problem.to_string());
            }
        }
    }
    if form.note.chars().count() > 2_000 {
        errors.add("note", "The note must be 2,000 characters or fewer");
    }
    let (Ok(period), Some(value), true) = (period, value, errors.is_empty()) else {
        let page = build_page(&state, id, Some(form), errors, None, None, None).await?;
        return Ok((
            axum::http::StatusCode::BAD_REQUEST,
            render(&state, "indicator.html", &page)?,
        )
            .into_response());
    };
    let label = period.to_string();
    let expected = form
        .seen
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .find(|(p, _)| *p == label)
        .and_then(|(_, v)| v.parse().ok());
    let note = Some(form.note.trim().to_string()).filter(|n| !n.is_empty());
    let measurement = NewMeasurement {
        period,
        value: Some(value),
        text: None,
        note,
    };
    let review = if me.role.needs_sign_off() {
        Review::Pending
    } else {
        Review::Approved
    };
    match state
        .store
        .record_measurement(id, &measurement, expected, &me.actor(), review)
        .await
    {
        Ok(()) => {
            let saved = if review == Review::Pending {
                "pending"
            } else {
                "1"
            };
            Ok(Redirect::to(&format!("/indicators/{id}?saved={saved}")).into_response())
        }
        Err(StoreError::Conflict {
            changed_by,
            changed_at,
            ..
        }) => {
            let message = format!(
                "{changed_by} entered a value for {label} at {} while you were entering yours. Your value has not been saved. \
                 Check their value in the table below; your entry is still in the form, so you can submit it again to replace it.",
                changed_at
                    .get(..16)
                    .unwrap_or(&changed_at)
                    .replace('T', " ")
            );
            let page = build_page(
                &state,
                id,
                Some(form),
                FormErrors::default(),
                Some(message),
                None,
                None,
            )
            .await?;
            Ok((
                axum::http::StatusCode::CONFLICT,
                render(&state, "indicator.html", &page)?,
            )
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}
