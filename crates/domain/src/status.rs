//! Status rules: how an action's status and an indicator's RAG are worked
//! out "as at" a date. Pure functions over facts the caller supplies, so the
//! same rules serve pages, reports and history replays.
//!
//! Actions: the status is the latest progress update's (as at the date);
//! an action whose due date in force has passed and is not achieved is
//! overdue, red whatever it says; an action with no update inside the
//! current reporting period shows "update missing".
//!
//! Indicators: a value meets its target (green), misses it by no more than
//! the tolerance (amber, default 5% of the target), or misses by more (red),
//! read with the indicator's polarity. No target is "data only". A value not
//! entered once the collection deadline has passed is missing.
//!
//! Roll-ups count children by status; they never average colours.

use crate::action::ActionStatus;
use crate::financial_year::{FinancialYear, Period, Quarter};
use crate::indicator::{Aggregation, Frequency, Polarity};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The organisation's settings for the rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StatusRules {
    /// Amber band as a fraction of the target when an indicator sets none.
    pub amber_tolerance: f64,
    /// Days after a period ends before its value counts as missing.
    pub collection_grace_days: i64,
}

impl Default for StatusRules {
    fn default() -> Self {
        Self {
            amber_tolerance: 0.05,
            collection_grace_days: 30,
        }
    }
}

/// Red, amber, green, and the states that are none of those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Red,
    Amber,
    Green,
    /// Complete: achieved actions.
    Blue,
    /// No judgement possible: not started, no data, no target.
    Grey,
}

impl Rag {
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Red => "red",
            Rag::Amber => "amber",
            Rag::Green => "green",
            Rag::Blue => "blue",
            Rag::Grey => "grey",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Rag::Red => "Red",
            Rag::Amber => "Amber",
            Rag::Green => "Green",
            Rag::Blue => "Complete",
            Rag::Grey => "No rating",
        }
    }
}

/// What a dashboard counts an action as, as at a date. Exactly one each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionHealth {
    Achieved,
    OnTrack,
    AtRisk,
    OffTrack,
    /// Past its due date in force and not achieved.
    Overdue,
    NotStarted,
    Deferred,
    Cancelled,
    /// Never reported on.
    NoUpdate,
}

impl ActionHealth {
    pub const ALL: [ActionHealth; 9] = [
        ActionHealth::Overdue,
        ActionHealth::OffTrack,
        ActionHealth::AtRisk,
        ActionHealth::OnTrack,
        ActionHealth::Achieved,
        ActionHealth::NotStarted,
        ActionHealth::NoUpdate,
        ActionHealth::Deferred,
        ActionHealth::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionHealth::Achieved => "achieved",
            ActionHealth::OnTrack => "on_track",
            ActionHealth::AtRisk => "at_risk",
            ActionHealth::OffTrack => "off_track",
            ActionHealth::Overdue => "overdue",
            ActionHealth::NotStarted => "not_started",
            ActionHealth::Deferred => "deferred",
            ActionHealth::Cancelled => "cancelled",
            ActionHealth::NoUpdate => "no_update",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionHealth::Overdue => "Overdue",
            ActionHealth::NoUpdate => "No update",
            other => ActionStatus::parse(other.as_str()).map_or("Unknown", ActionStatus::label),
        }
    }

    pub fn rag(self) -> Rag {
        match self {
            ActionHealth::Overdue | ActionHealth::OffTrack => Rag::Red,
            ActionHealth::AtRisk => Rag::Amber,
            ActionHealth::OnTrack => Rag::Green,
            ActionHealth::Achieved => Rag::Blue,
            ActionHealth::NotStarted
            | ActionHealth::Deferred
            | ActionHealth::Cancelled
            | ActionHealth::NoUpdate => Rag::Grey,
        }
    }

    /// Counts towards "on track" in the dashboard's share.
    pub fn is_on_track(self) -> bool {
        matches!(self, ActionHealth::OnTrack | ActionHealth::Achieved)
    }
}

/// The facts about one action that the rules read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActionFacts {
    /// The latest update on or before the as-at date: its date and status.
    pub latest_update: Option<(NaiveDate, ActionStatus)>,
    /// The last day of the due date in force (after revisions).
    pub due: Option<NaiveDate>,
    /// The original due date's last day, to show slippage.
    pub original_due: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ActionAssessment {
    pub health: ActionHealth,
    pub rag: Rag,
    /// The status the officer last reported, if any.
    pub reported: Option<ActionStatus>,
    /// No update within the reporting period containing the as-at date.
    pub update_missing: bool,
    /// Days the due date has moved since the plan was written.
    pub slippage_days: Option<i64>,
}

pub fn assess_action(facts: &ActionFacts, as_at: NaiveDate) -> ActionAssessment {
    let reported = facts.latest_update.map(|(_, status)| status);
    let closed =
        reported.is_some_and(ActionStatus::is_closed) || reported == Some(ActionStatus::Deferred);
    let overdue = !closed && facts.due.is_some_and(|due| due < as_at);
    let health = if overdue {
        ActionHealth::Overdue
    } else {
        match reported {
            None => ActionHealth::NoUpdate,
            Some(ActionStatus::Achieved) => ActionHealth::Achieved,
            Some(ActionStatus::OnTrack) => ActionHealth::OnTrack,
            Some(ActionStatus::AtRisk) => ActionHealth::AtRisk,
            Some(ActionStatus::OffTrack) => ActionHealth::OffTrack,
            Some(ActionStatus::NotStarted) => ActionHealth::NotStarted,
            Some(ActionStatus::Deferred) => ActionHealth::Deferred,
            Some(ActionStatus::Cancelled) => ActionHealth::Cancelled,
        }
    };
    let period = reporting_quarter(as_at);
    let update_missing = !closed
        && !facts
            .latest_update
            .is_some_and(|(date, _)| period.contains(date));
    let slippage_days = match (facts.original_due, facts.due) {
        (Some(original), Some(due)) if due != original => Some((due - original).num_days()),
        _ => None,
    };
    ActionAssessment {
        health,
        rag: health.rag(),
        reported,
        update_missing,
        slippage_days,
    }
}

/// The quarter officers report on at `as_at`: the quarter containing it.
pub fn reporting_quarter(as_at: NaiveDate) -> Period {
    Period::quarter_of(as_at)
}

/// The last `count` quarter ends up to and including the quarter of `as_at`,
/// oldest first.
pub fn recent_quarters(as_at: NaiveDate, count: usize) -> Vec<Period> {
    let mut quarters = vec![Period::quarter_of(as_at)];
    while quarters.len() < count {
        let earlier = quarters[quarters.len() - 1].previous();
        quarters.push(earlier);
    }
    quarters.reverse();
    quarters
}

/// An indicator value judged against its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorRag {
    Green,
    Amber,
    Red,
    /// There is a value but no target to judge it by.
    DataOnly,
    /// The collection deadline has passed and no value was entered.
    Missing,
    /// The value is not due yet.
    NotDue,
}

impl IndicatorRag {
    pub const ALL: [IndicatorRag; 6] = [
        IndicatorRag::Red,
        IndicatorRag::Amber,
        IndicatorRag::Green,
        IndicatorRag::DataOnly,
        IndicatorRag::Missing,
        IndicatorRag::NotDue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorRag::Green => "green",
            IndicatorRag::Amber => "amber",
            IndicatorRag::Red => "red",
            IndicatorRag::DataOnly => "data_only",
            IndicatorRag::Missing => "missing",
            IndicatorRag::NotDue => "not_due",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IndicatorRag::Green => "On target",
            IndicatorRag::Amber => "Near target",
            IndicatorRag::Red => "Off target",
            IndicatorRag::DataOnly => "Data only",
            IndicatorRag::Missing => "Missing",
            IndicatorRag::NotDue => "Not due",
        }
    }

    pub fn rag(self) -> Rag {
        match self {
            IndicatorRag::Green => Rag::Green,
            IndicatorRag::Amber => Rag::Amber,
            IndicatorRag::Red => Rag::Red,
            _ => Rag::Grey,
        }
    }
}

/// Judges a value against a target with the indicator's polarity. The amber
/// band is `tolerance` × |target| on the wrong side of the target.
pub fn judge_value(
    value: f64,
    target: Option<f64>,
    polarity: Polarity,
    tolerance: f64,
) -> IndicatorRag {
    let Some(target) = target else {
        return IndicatorRag::DataOnly;
    };
    let shortfall = match polarity {
        Polarity::HigherIsBetter => target - value,
        Polarity::LowerIsBetter => value - target,
        Polarity::Neither => return IndicatorRag::DataOnly,
    };
    let band = tolerance.abs() * target.abs();
    if shortfall <= 0.0 {
        IndicatorRag::Green
    } else if shortfall <= band {
        IndicatorRag::Amber
    } else {
        IndicatorRag::Red
    }
}

/// The status of an indicator's period as at a date, given its value.
pub fn assess_period(
    period: Period,
    value: Option<f64>,
    target: Option<f64>,
    polarity: Polarity,
    tolerance: f64,
    rules: &StatusRules,
    as_at: NaiveDate,
) -> IndicatorRag {
    match value {
        Some(value) => judge_value(value, target, polarity, tolerance),
        None if collection_deadline(period, rules) < as_at => IndicatorRag::Missing,
        None => IndicatorRag::NotDue,
    }
}

/// The day after which a period's value counts as missing.
pub fn collection_deadline(period: Period, rules: &StatusRules) -> NaiveDate {
    period.last_day() + chrono::Duration::days(rules.collection_grace_days)
}

/// The periods an indicator collects in a financial year, in order.
pub fn periods_in_year(frequency: Frequency, year: FinancialYear) -> Vec<Period> {
    match frequency {
        Frequency::Monthly => (0..12)
            .map(|i| {
                let first = crate::financial_year::add_months(year.first_day(), i);
                Period::Month {
                    year: first.year(),
                    month: first.month(),
                }
            })
            .collect(),
        Frequency::Quarterly => Quarter::ALL
            .into_iter()
            .map(|q| Period::Quarter(year, q))
            .collect(),
        Frequency::HalfYearly => vec![Period::Half(year, 1), Period::Half(year, 2)],
        Frequency::Annual => vec![Period::Year(year)],
    }
}

/// The latest period of `frequency` that has ended on or before `as_at`.
pub fn latest_complete_period(frequency: Frequency, as_at: NaiveDate) -> Option<Period> {
    let fy = FinancialYear::containing(as_at);
    [fy.previous(), fy]
        .into_iter()
        .flat_map(|y| periods_in_year(frequency, y))
        .rfind(|p| p.last_day() <= as_at)
}

/// The target for one period: a target set for that period, else the
/// year's. For summed indicators the year's target is shared evenly across
/// its periods, since each period contributes part of the total.
pub fn target_for(
    period: Period,
    targets: &[(Period, Option<f64>)],
    aggregation: Aggregation,
    frequency: Frequency,
) -> Option<f64> {
    if let Some((_, value)) = targets.iter().find(|(p, _)| *p == period) {
        return *value;
    }
    let year = Period::Year(period.financial_year());
    let yearly = targets
        .iter()
        .find(|(p, _)| *p == year)
        .and_then(|(_, v)| *v)?;
    Some(match aggregation {
        Aggregation::Sum => {
            yearly / periods_in_year(frequency, period.financial_year()).len() as f64
        }
        Aggregation::Mean | Aggregation::Latest => yearly,
    })
}

/// Direction of change between two values, read with polarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Improving,
    Worsening,
    Same,
}

impl Trend {
    pub fn between(earlier: f64, later: f64, polarity: Polarity) -> Option<Trend> {
        let delta = later - earlier;
        if delta.abs() < f64::EPSILON * earlier.abs().max(1.0) {
            return Some(Trend::Same);
        }
        let better = match polarity {
            Polarity::HigherIsBetter => delta > 0.0,
            Polarity::LowerIsBetter => delta < 0.0,
            Polarity::Neither => return None,
        };
        Some(if better {
            Trend::Improving
        } else {
            Trend::Worsening
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Trend::Improving => "Improving",
            Trend::Worsening => "Worsening",
            Trend::Same => "No change",
        }
    }
}

/// Children counted by status, for a roll-up at any level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally<K: Ord> {
    pub counts: std::collections::BTreeMap<K, usize>,
}

impl<K: Ord> Default for Tally<K> {
    fn default() -> Self {
        Self {
            counts: std::collections::BTreeMap::new(),
        }
    }
}

impl<K: Ord + Copy> Tally<K> {
    pub fn add(&mut self, key: K) {
        *self.counts.entry(key).or_default() += 1;
    }

    pub fn merge(&mut self, other: &Tally<K>) {
        for (k, n) in &other.counts {
            *self.counts.entry(*k).or_default() += n;
        }
    }

    pub fn get(&self, key: K) -> usize {
        self.counts.get(&key).copied().unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::financial_year::ymd;

    fn facts(update: Option<(NaiveDate, ActionStatus)>, due: Option<NaiveDate>) -> ActionFacts {
        ActionFacts {
            latest_update: update,
            due,
            original_due: due,
        }
    }

    #[test]
    fn an_action_past_its_due_date_is_overdue_whatever_it_says() {
        let due = ymd(2017, 6, 30);
        let said_on_track = facts(Some((ymd(2017, 6, 1), ActionStatus::OnTrack)), Some(due));
        assert_eq!(
            assess_action(&said_on_track, ymd(2017, 6, 30)).health,
            ActionHealth::OnTrack
        );
        let late = assess_action(&said_on_track, ymd(2017, 7, 1));
        assert_eq!((late.health, late.rag), (ActionHealth::Overdue, Rag::Red));
        let achieved = facts(Some((ymd(2017, 6, 1), ActionStatus::Achieved)), Some(due));
        assert_eq!(
            assess_action(&achieved, ymd(2018, 1, 1)).health,
            ActionHealth::Achieved
        );
        assert_eq!(assess_action(&achieved, ymd(2018, 1, 1)).rag, Rag::Blue);
    }

    #[test]
    fn an_update_outside_the_current_quarter_is_missing() {
        let f = facts(Some((ymd(2017, 6, 20), ActionStatus::AtRisk)), None);
        assert!(!assess_action(&f, ymd(2017, 6, 30)).update_missing);
        let next_quarter = assess_action(&f, ymd(2017, 7, 2));
        assert!(next_quarter.update_missing);
        assert_eq!(
            next_quarter.health,
            ActionHealth::AtRisk,
            "the last word still stands"
        );
        assert!(assess_action(&facts(None, None), ymd(2017, 7, 2)).update_missing);
        let done = facts(Some((ymd(2016, 1, 1), ActionStatus::Achieved)), None);
        assert!(
            !assess_action(&done, ymd(2017, 7, 2)).update_missing,
            "closed actions need no update"
        );
    }

    #[test]
    fn slippage_is_the_days_the_due_date_moved() {
        let f = ActionFacts {
            latest_update: None,
            due: Some(ymd(2013, 6, 30)),
            original_due: Some(ymd(2013, 3, 31)),
        };
        assert_eq!(assess_action(&f, ymd(2013, 1, 1)).slippage_days, Some(91));
    }

    #[test]
    fn values_are_judged_with_polarity_and_tolerance() {
        let hi = Polarity::HigherIsBetter;
        let lo = Polarity::LowerIsBetter;
        assert_eq!(judge_value(80.0, Some(80.0), hi, 0.05), IndicatorRag::Green);
        assert_eq!(judge_value(76.0, Some(80.0), hi, 0.05), IndicatorRag::Amber);
        assert_eq!(judge_value(75.9, Some(80.0), hi, 0.05), IndicatorRag::Red);
        assert_eq!(judge_value(10.0, Some(10.0), lo, 0.05), IndicatorRag::Green);
        assert_eq!(judge_value(10.5, Some(10.0), lo, 0.05), IndicatorRag::Amber);
        assert_eq!(judge_value(11.0, Some(10.0), lo, 0.05), IndicatorRag::Red);
        assert_eq!(judge_value(11.0, Some(10.0), lo, 0.2), IndicatorRag::Amber);
        assert_eq!(judge_value(11.0, None, lo, 0.05), IndicatorRag::DataOnly);
        assert_eq!(
            judge_value(11.0, Some(10.0), Polarity::Neither, 0.05),
            IndicatorRag::DataOnly
        );
    }

    #[test]
    fn a_value_is_missing_only_after_its_collection_deadline() {
        let q1: Period = "2017/18 Q1".parse().unwrap();
        let rules = StatusRules::default();
        let hi = Polarity::HigherIsBetter;
        assert_eq!(
            assess_period(q1, None, Some(1.0), hi, 0.05, &rules, ymd(2017, 7, 30)),
            IndicatorRag::NotDue
        );
        assert_eq!(
            assess_period(q1, None, Some(1.0), hi, 0.05, &rules, ymd(2017, 7, 31)),
            IndicatorRag::Missing
        );
        assert_eq!(
            assess_period(q1, Some(2.0), Some(1.0), hi, 0.05, &rules, ymd(2017, 7, 31)),
            IndicatorRag::Green
        );
    }

    #[test]
    fn targets_fall_back_to_the_year() {
        let fy: FinancialYear = "2017/18".parse().unwrap();
        let q2 = Period::Quarter(fy, Quarter::Q2);
        let targets = vec![
            (Period::Year(fy), Some(400.0)),
            (Period::Quarter(fy, Quarter::Q1), Some(50.0)),
        ];
        assert_eq!(
            target_for(
                Period::Quarter(fy, Quarter::Q1),
                &targets,
                Aggregation::Sum,
                Frequency::Quarterly
            ),
            Some(50.0)
        );
        assert_eq!(
            target_for(q2, &targets, Aggregation::Sum, Frequency::Quarterly),
            Some(100.0)
        );
        assert_eq!(
            target_for(q2, &targets, Aggregation::Mean, Frequency::Quarterly),
            Some(400.0)
        );
        assert_eq!(
            target_for(
                Period::Quarter(fy.next(), Quarter::Q1),
                &targets,
                Aggregation::Mean,
                Frequency::Quarterly
            ),
            None
        );
    }

    #[test]
    fn periods_follow_the_financial_year() {
        let fy: FinancialYear = "2017/18".parse().unwrap();
        let months = periods_in_year(Frequency::Monthly, fy);
        assert_eq!(
            (months[0].to_string(), months[11].to_string()),
            ("2017-04".into(), "2018-03".into())
        );
        assert_eq!(
            latest_complete_period(Frequency::Quarterly, ymd(2017, 10, 5))
                .unwrap()
                .to_string(),
            "2017/18 Q2"
        );
        assert_eq!(
            latest_complete_period(Frequency::Annual, ymd(2017, 10, 5))
                .unwrap()
                .to_string(),
            "2016/17"
        );
        assert_eq!(
            latest_complete_period(Frequency::Monthly, ymd(2017, 4, 30))
                .unwrap()
                .to_string(),
            "2017-04"
        );
        let eight = recent_quarters(ymd(2017, 10, 5), 8);
        assert_eq!(
            (eight[0].to_string(), eight[7].to_string()),
            ("2015/16 Q4".into(), "2017/18 Q3".into())
        );
    }

    #[test]
    fn trends_read_polarity() {
        assert_eq!(
            Trend::between(70.0, 75.0, Polarity::HigherIsBetter),
            Some(Trend::Improving)
        );
        assert_eq!(
            Trend::between(70.0, 75.0, Polarity::LowerIsBetter),
            Some(Trend::Worsening)
        );
        assert_eq!(
            Trend::between(70.0, 70.0, Polarity::LowerIsBetter),
            Some(Trend::Same)
        );
        assert_eq!(Trend::between(70.0, 71.0, Polarity::Neither), None);
    }

    #[test]
    fn tallies_count_and_merge() {
        let mut a = Tally::default();
        a.add(Rag::Red);
        a.add(Rag::Green);
        let mut b = Tally::default();
        b.add(Rag::Red);
        b.merge(&a);
        assert_eq!(
            (
                b.get(Rag::Red),
                b.get(Rag::Green),
                b.get(Rag::Amber),
                b.total()
            ),
            (2, 1, 0, 3)
        );
    }
}
