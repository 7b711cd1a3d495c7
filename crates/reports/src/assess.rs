//! Applying the domain's status rules to the monitoring data.

use chrono::NaiveDate;
use goldthread_domain::status::{
    ActionAssessment, ActionFacts, IndicatorRag, StatusRules, Trend, assess_action, assess_period,
    latest_complete_period, target_for,
};
use goldthread_domain::{Frequency, Period};
use goldthread_storage::{ActionInfo, IndicatorInfo, MonitoringData};
use serde::Serialize;

pub fn action(action: &ActionInfo, as_at: NaiveDate) -> ActionAssessment {
    let facts = ActionFacts {
        latest_update: action.update_as_at(as_at).map(|u| (u.as_at, u.status)),
        due: action.due,
        original_due: action.original_due,
    };
    assess_action(&facts, as_at)
}

/// An indicator's standing as at a date: its latest period due, its value
/// there, the target, RAG and trends.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorStanding {
    pub period: Option<String>,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub rag: IndicatorRag,
    pub trend_previous: Option<Trend>,
    pub trend_year: Option<Trend>,
}

pub fn rules(data: &MonitoringData) -> StatusRules {
    data.organisation.rules
}

pub fn frequency(indicator: &IndicatorInfo) -> Frequency {
    indicator.frequency.unwrap_or(Frequency::Annual)
}

pub fn value_for(indicator: &IndicatorInfo, period: Period) -> Option<f64> {
    indicator
        .values
        .iter()
        .find(|v| v.period == period)
        .and_then(|v| v.value)
}

pub fn target(indicator: &IndicatorInfo, period: Period) -> Option<f64> {
    target_for(
        period,
        &indicator.targets,
        indicator.aggregation,
        frequency(indicator),
    )
}

pub fn period_rag(
    indicator: &IndicatorInfo,
    period: Period,
    rules: &StatusRules,
    as_at: NaiveDate,
) -> IndicatorRag {
    let tolerance = indicator.tolerance.unwrap_or(rules.amber_tolerance);
    assess_period(
        period,
        value_for(indicator, period),
        target(indicator, period),
        indicator.polarity,
        tolerance,
        rules,
        as_at,
    )
}

/// Judged at its latest complete period, but never past the end of its
/// plan: a 2009/10–2011/12 plan's indicator is not asked for 2026's value.
pub fn indicator(
    data: &MonitoringData,
    indicator: &IndicatorInfo,
    rules: &StatusRules,
    as_at: NaiveDate,
) -> IndicatorStanding {
    let plan_end = data.plan(indicator.plan_id).and_then(|p| p.last_day);
    let latest_by = plan_end.map_or(as_at, |end| end.min(as_at));
    let Some(period) = latest_complete_period(frequency(indicator), latest_by) else {
        return IndicatorStanding {
            period: None,
            value: None,
            target: None,
            rag: IndicatorRag::NotDue,
            trend_previous: None,
            trend_year: None,
        };
    };
    let standing = period_standing(indicator, period, rules, as_at);
    IndicatorStanding {
        period: Some(period.to_string()),
        value: standing.value,
        target: standing.target,
        rag: standing.rag,
        trend_previous: standing.trend_previous,
        trend_year: standing.trend_year,
    }
}

/// An indicator's standing in one period: its value and target there, the
/// RAG as at a date, and the trend from the period before and from the
/// same period a year earlier.
#[derive(Debug, Clone, Copy)]
pub struct PeriodStanding {
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub rag: IndicatorRag,
    pub trend_previous: Option<Trend>,
    pub trend_year: Option<Trend>,
}

pub fn period_standing(
    indicator: &IndicatorInfo,
    period: Period,
    rules: &StatusRules,
    as_at: NaiveDate,
) -> PeriodStanding {
    let value = value_for(indicator, period);
    let trend =
        |other: Period| Trend::between(value_for(indicator, other)?, value?, indicator.polarity);
    PeriodStanding {
        value,
        target: target(indicator, period),
        rag: period_rag(indicator, period, rules, as_at),
        trend_previous: trend(period.previous()),
        trend_year: trend(period.year_earlier()),
    }
}

/// Formats a figure for people: no trailing zeros, thousands separated.
pub fn figure(value: f64, unit: goldthread_domain::Unit) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let mut text = if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    };
    if rounded.abs() >= 10_000.0 && rounded.fract() == 0.0 {
        let digits: Vec<char> = text.trim_start_matches('-').chars().collect();
        let mut grouped = String::new();
        for (i, c) in digits.iter().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(*c);
        }
        text = if rounded < 0.0 {
            format!("-{grouped}")
        } else {
            grouped
        };
    }
    match unit {
        goldthread_domain::Unit::Percent => format!("{text}%"),
        goldthread_domain::Unit::Pounds => format!("£{text}"),
        goldthread_domain::Unit::Days => format!("{text} days"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_people_write_them() {
        use goldthread_domain::Unit;
        assert_eq!(figure(72.0, Unit::Percent), "72%");
        assert_eq!(figure(72.456, Unit::Percent), "72.46%");
        assert_eq!(figure(1_234_567.0, Unit::Pounds), "£1,234,567");
        assert_eq!(figure(-12_000.0, Unit::Count), "-12,000");
        assert_eq!(figure(3.5, Unit::Days), "3.5 days");
    }
}
