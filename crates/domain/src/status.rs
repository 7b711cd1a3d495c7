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
use crate::names::named;
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

named!(Rag {
    Red => "red",
    Amber => "amber",
    Green => "green",
    Blue => "blue",
    Grey => "grey",
});

impl Rag {
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
    /// Under way to a due date later than the plan first gave.
    Revised,
    OffTrack,
    /// Past its due date in force and not achieved.
    Overdue,
    NotStarted,
    Deferred,
    Cancelled,
    /// Never reported on.
    NoUpdate,
}

// In the order the dashboard lists them: the worst first.
named!(ActionHealth {
    Overdue => "overdue",
    OffTrack => "off_track",
    AtRisk => "at_risk",
    Revised => "revised",
    OnTrack => "on_track",
    Achieved => "achieved",
    NotStarted => "not_started",
    NoUpdate => "no_update",
    Deferred => "deferred",
    Cancelled => "cancelled",
});

impl ActionHealth {
    pub fn label(self) -> &'static str {
        match self {
            ActionHealth::Overdue => "Overdue",
            ActionHealth::NoUpdate => "No update",
            ActionHealth::Revised => "Revised completion date",
            other => ActionStatus::parse(other.as_str()).map_or("Unknown", ActionStatus::label),
        }
    }

    pub fn rag(self) -> Rag {
        match self {
            ActionHealth::Overdue | ActionHealth::OffTrack => Rag::Red,
            ActionHealth::AtRisk | ActionHealth::Revised => Rag::Amber,
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
    let slippage_days = match (facts.original_due, facts.due) {
        (Some(original), Some(due)) if due != original => Some((due - original).num_days()),
        _ => None,
    };
    // A due date moved later is slippage that councils report in its own
    // right ("revised completion date"). Work put back to a new date is
    // still work with a deadline: only deferral with no new date closes it.
    let slipped = matches!(
        (facts.original_due, facts.due),
        (Some(original), Some(due)) if due > original
    );
    let closed = reported.is_some_and(ActionStatus::is_closed)
        || (reported == Some(ActionStatus::Deferred) && !slipped);
    let overdue = !closed && facts.due.is_some_and(|due| due < as_at);
    let health = if overdue {
        ActionHealth::Overdue
    } else {
        match reported {
            None => ActionHealth::NoUpdate,
            Some(ActionStatus::Achieved) => ActionHealth::Achieved,
            Some(ActionStatus::OnTrack | ActionStatus::Deferred) if slipped => {
                ActionHealth::Revised
            }
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

named!(IndicatorRag {
    Red => "red",
    Amber => "amber",
    Green => "green",
    DataOnly => "data_only",
    Missing => "missing",
    NotDue => "not_due",
});

impl IndicatorRag {
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

named!(Trend {
    Improving => "improving",
    Worsening => "worsening",
    Same => "same",
});

impl Trend {
    /// No trend when either figure is not a number; no change when they
    /// differ by rounding alone (less than `f64::EPSILON` times the earlier
    /// figure, or times 1 if that is smaller); else the sign of the change,
    /// read with the polarity.
    pub fn between(earlier: f64, later: f64, polarity: Polarity) -> Option<Trend> {
        let delta = later - earlier;
        if delta.is_nan() {
            return None;
        }
        if delta.abs() < f64::EPSILON * earlier.abs().max(1.0) {
            return Some(Trend::Same);
        }
        let rose = delta.is_sign_positive();
        let better = match polarity {
            Polarity::HigherIsBetter => rose,
            Polarity::LowerIsBetter => !rose,
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

    #[test]
    fn rag_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(&Rag::ALL, Rag::as_str, Rag::parse);
        crate::names::assert_names_read_back(&Rag::ALL, Rag::as_str);
    }

    #[test]
    fn action_health_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &ActionHealth::ALL,
            ActionHealth::as_str,
            ActionHealth::parse,
        );
        crate::names::assert_names_read_back(&ActionHealth::ALL, ActionHealth::as_str);
    }

    #[test]
    fn indicator_rag_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &IndicatorRag::ALL,
            IndicatorRag::as_str,
            IndicatorRag::parse,
        );
        crate::names::assert_names_read_back(&IndicatorRag::ALL, IndicatorRag::as_str);
    }

    #[test]
    fn trend_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(&Trend::ALL, Trend::as_str, Trend::parse);
        crate::names::assert_names_read_back(&Trend::ALL, Trend::as_str);
    }
    use crate::financial_year::ymd;

    fn year(start: i32) -> FinancialYear {
        FinancialYear::starting(start).unwrap()
    }

    fn facts(update: Option<(NaiveDate, ActionStatus)>, due: Option<NaiveDate>) -> ActionFacts {
        ActionFacts {
            latest_update: update,
            due,
            original_due: due,
        }
    }

    #[test]
    fn each_colour_and_state_has_the_words_pages_show() {
        let rag = [
            (Rag::Red, "Red"),
            (Rag::Amber, "Amber"),
            (Rag::Green, "Green"),
            (Rag::Blue, "Complete"),
            (Rag::Grey, "No rating"),
        ];
        for (r, words) in rag {
            assert_eq!(r.label(), words);
        }
        let health = [
            (ActionHealth::Overdue, "Overdue"),
            (ActionHealth::OffTrack, "Off track"),
            (ActionHealth::AtRisk, "At risk"),
            (ActionHealth::Revised, "Revised completion date"),
            (ActionHealth::OnTrack, "On track"),
            (ActionHealth::Achieved, "Achieved"),
            (ActionHealth::NotStarted, "Not started"),
            (ActionHealth::NoUpdate, "No update"),
            (ActionHealth::Deferred, "Deferred"),
            (ActionHealth::Cancelled, "Cancelled"),
        ];
        for (h, words) in health {
            assert_eq!(h.label(), words);
        }
        let indicator = [
            (IndicatorRag::Green, "On target"),
            (IndicatorRag::Amber, "Near target"),
            (IndicatorRag::Red, "Off target"),
            (IndicatorRag::DataOnly, "Data only"),
            (IndicatorRag::Missing, "Missing"),
            (IndicatorRag::NotDue, "Not due"),
        ];
        for (r, words) in indicator {
            assert_eq!(r.label(), words);
        }
        assert_eq!(Trend::Improving.label(), "Improving");
        assert_eq!(Trend::Worsening.label(), "Worsening");
        assert_eq!(Trend::Same.label(), "No change");
    }

    #[test]
    fn overdue_and_off_track_are_red_at_risk_amber_on_track_green_achieved_blue() {
        let expected = [
            (ActionHealth::Overdue, Rag::Red),
            (ActionHealth::OffTrack, Rag::Red),
            (ActionHealth::AtRisk, Rag::Amber),
            (ActionHealth::Revised, Rag::Amber),
            (ActionHealth::OnTrack, Rag::Green),
            (ActionHealth::Achieved, Rag::Blue),
            (ActionHealth::NotStarted, Rag::Grey),
            (ActionHealth::NoUpdate, Rag::Grey),
            (ActionHealth::Deferred, Rag::Grey),
            (ActionHealth::Cancelled, Rag::Grey),
        ];
        for (health, rag) in expected {
            assert_eq!(health.rag(), rag, "{health:?}");
        }
    }

    #[test]
    fn only_on_track_and_achieved_actions_count_as_on_track() {
        let on_track = [ActionHealth::OnTrack, ActionHealth::Achieved];
        let not = [
            ActionHealth::Overdue,
            ActionHealth::OffTrack,
            ActionHealth::AtRisk,
            ActionHealth::Revised,
            ActionHealth::NotStarted,
            ActionHealth::NoUpdate,
            ActionHealth::Deferred,
            ActionHealth::Cancelled,
        ];
        for h in on_track {
            assert!(h.is_on_track(), "{h:?}");
        }
        for h in not {
            assert!(!h.is_on_track(), "{h:?}");
        }
    }

    #[test]
    fn indicator_states_without_a_judgement_are_grey() {
        assert_eq!(IndicatorRag::Green.rag(), Rag::Green);
        assert_eq!(IndicatorRag::Amber.rag(), Rag::Amber);
        assert_eq!(IndicatorRag::Red.rag(), Rag::Red);
        for grey in [
            IndicatorRag::DataOnly,
            IndicatorRag::Missing,
            IndicatorRag::NotDue,
        ] {
            assert_eq!(grey.rag(), Rag::Grey, "{grey:?}");
        }
    }

    #[test]
    fn an_action_not_overdue_shows_what_its_officer_last_reported() {
        let as_at = ymd(2017, 8, 15);
        let update = ymd(2017, 8, 1);
        for (status, health) in [
            (ActionStatus::NotStarted, ActionHealth::NotStarted),
            (ActionStatus::OnTrack, ActionHealth::OnTrack),
            (ActionStatus::AtRisk, ActionHealth::AtRisk),
            (ActionStatus::OffTrack, ActionHealth::OffTrack),
            (ActionStatus::Achieved, ActionHealth::Achieved),
            (ActionStatus::Deferred, ActionHealth::Deferred),
            (ActionStatus::Cancelled, ActionHealth::Cancelled),
        ] {
            let a = assess_action(
                &facts(Some((update, status)), Some(ymd(2018, 3, 31))),
                as_at,
            );
            assert_eq!((a.health, a.reported), (health, Some(status)), "{status:?}");
        }
        let never = assess_action(&facts(None, None), as_at);
        assert_eq!(
            (never.health, never.reported),
            (ActionHealth::NoUpdate, None)
        );
        let never_and_late = assess_action(&facts(None, Some(ymd(2017, 6, 30))), as_at);
        assert_eq!(never_and_late.health, ActionHealth::Overdue);
    }

    fn revised(
        update: (NaiveDate, ActionStatus),
        original: NaiveDate,
        due: NaiveDate,
        as_at: NaiveDate,
    ) -> ActionAssessment {
        assess_action(
            &ActionFacts {
                latest_update: Some(update),
                due: Some(due),
                original_due: Some(original),
            },
            as_at,
        )
    }

    #[test]
    fn a_due_date_moved_later_is_a_revised_completion_date_until_it_too_passes() {
        let original = ymd(2013, 6, 30);
        let new_due = ymd(2014, 3, 31);
        let as_at = ymd(2013, 9, 30);
        let update = ymd(2013, 9, 1);
        for status in [ActionStatus::OnTrack, ActionStatus::Deferred] {
            let a = revised((update, status), original, new_due, as_at);
            assert_eq!(a.health, ActionHealth::Revised, "{status:?}");
            assert_eq!(a.rag, Rag::Amber);
            assert_eq!(a.slippage_days, Some(274));
            // Past the revised date it is overdue, deferred or not.
            let late = revised((update, status), original, new_due, ymd(2014, 4, 1));
            assert_eq!(late.health, ActionHealth::Overdue, "{status:?}");
            assert!(late.update_missing, "{status:?}: it still owes updates");
        }
        // On the revised date itself it is not yet overdue.
        let last_day = revised((update, ActionStatus::OnTrack), original, new_due, new_due);
        assert_eq!(last_day.health, ActionHealth::Revised);
        // Worse news, and completion, say more than the slippage.
        for (status, health) in [
            (ActionStatus::AtRisk, ActionHealth::AtRisk),
            (ActionStatus::OffTrack, ActionHealth::OffTrack),
            (ActionStatus::Achieved, ActionHealth::Achieved),
            (ActionStatus::NotStarted, ActionHealth::NotStarted),
            (ActionStatus::Cancelled, ActionHealth::Cancelled),
        ] {
            let a = revised((update, status), original, new_due, as_at);
            assert_eq!(a.health, health, "{status:?}");
        }
        // A date brought forward is not slippage.
        let earlier = revised(
            (update, ActionStatus::OnTrack),
            new_due,
            ymd(2013, 12, 31),
            as_at,
        );
        assert_eq!(earlier.health, ActionHealth::OnTrack);
        assert_eq!(earlier.slippage_days, Some(-90));
    }

    #[test]
    fn deferred_and_cancelled_actions_are_never_overdue_nor_missing_an_update() {
        let due = Some(ymd(2016, 3, 31));
        let long_after = ymd(2017, 8, 15);
        for status in [ActionStatus::Deferred, ActionStatus::Cancelled] {
            let a = assess_action(&facts(Some((ymd(2016, 1, 10), status)), due), long_after);
            assert_ne!(a.health, ActionHealth::Overdue, "{status:?}");
            assert!(!a.update_missing, "{status:?}");
        }
        // Off track is still work to do: overdue, and an update is owed.
        let a = assess_action(
            &facts(Some((ymd(2016, 1, 10), ActionStatus::OffTrack)), due),
            long_after,
        );
        assert_eq!(a.health, ActionHealth::Overdue);
        assert!(a.update_missing);
    }

    #[test]
    fn a_revised_due_date_in_force_decides_overdue_not_the_original() {
        // Planned for March 2017, revised to March 2018: within its revised
        // date in August 2017, overdue from April 2018.
        let f = ActionFacts {
            latest_update: Some((ymd(2017, 8, 1), ActionStatus::OnTrack)),
            due: Some(ymd(2018, 3, 31)),
            original_due: Some(ymd(2017, 3, 31)),
        };
        assert_eq!(
            assess_action(&f, ymd(2017, 8, 15)).health,
            ActionHealth::Revised
        );
        assert_eq!(
            assess_action(&f, ymd(2018, 4, 1)).health,
            ActionHealth::Overdue
        );
    }

    #[test]
    fn an_update_on_the_first_day_of_the_quarter_counts_for_it() {
        // Q2 2017/18 runs 1 July to 30 September.
        let f = facts(Some((ymd(2017, 7, 1), ActionStatus::OnTrack)), None);
        assert!(!assess_action(&f, ymd(2017, 9, 30)).update_missing);
        assert!(assess_action(&f, ymd(2017, 10, 1)).update_missing);
        let day_before = facts(Some((ymd(2017, 6, 30), ActionStatus::OnTrack)), None);
        assert!(assess_action(&day_before, ymd(2017, 7, 1)).update_missing);
    }

    #[test]
    fn no_slippage_when_the_due_date_has_not_moved_and_negative_when_brought_forward() {
        let unmoved = facts(None, Some(ymd(2013, 3, 31)));
        assert_eq!(assess_action(&unmoved, ymd(2013, 1, 1)).slippage_days, None);
        let forward = ActionFacts {
            latest_update: None,
            due: Some(ymd(2013, 3, 31)),
            original_due: Some(ymd(2013, 6, 30)),
        };
        // 30 June back to 31 March: April 30 + May 31 + June 30 days.
        assert_eq!(
            assess_action(&forward, ymd(2013, 1, 1)).slippage_days,
            Some(-91)
        );
        let no_original = ActionFacts {
            original_due: None,
            ..forward
        };
        assert_eq!(
            assess_action(&no_original, ymd(2013, 1, 1)).slippage_days,
            None
        );
    }

    #[test]
    fn recent_quarters_are_as_many_as_asked_ending_with_the_current_one() {
        let d = ymd(2017, 10, 5);
        let one = recent_quarters(d, 1);
        assert_eq!(one, vec![Period::Quarter(year(2017), Quarter::Q3)]);
        let four: Vec<String> = recent_quarters(d, 4)
            .iter()
            .map(Period::to_string)
            .collect();
        assert_eq!(
            four,
            ["2016/17 Q4", "2017/18 Q1", "2017/18 Q2", "2017/18 Q3"]
        );
    }

    #[test]
    fn the_amber_band_is_the_tolerance_of_the_targets_size_whatever_their_signs() {
        let hi = Polarity::HigherIsBetter;
        // A variance target of -100: -104 misses it by 4, inside 5% of 100.
        assert_eq!(
            judge_value(-104.0, Some(-100.0), hi, 0.05),
            IndicatorRag::Amber
        );
        assert_eq!(
            judge_value(-106.0, Some(-100.0), hi, 0.05),
            IndicatorRag::Red
        );
        // A tolerance written as -5% is still a 5% band.
        assert_eq!(
            judge_value(76.0, Some(80.0), hi, -0.05),
            IndicatorRag::Amber
        );
        // Beating the target is green however far.
        assert_eq!(
            judge_value(500.0, Some(80.0), hi, 0.05),
            IndicatorRag::Green
        );
        assert_eq!(
            judge_value(1.0, Some(10.0), Polarity::LowerIsBetter, 0.05),
            IndicatorRag::Green
        );
    }

    #[test]
    fn the_collection_deadline_is_the_period_end_plus_the_grace_days() {
        let q1: Period = "2017/18 Q1".parse().unwrap();
        let rules = StatusRules {
            amber_tolerance: 0.05,
            collection_grace_days: 10,
        };
        assert_eq!(collection_deadline(q1, &rules), ymd(2017, 7, 10));
        assert_eq!(
            collection_deadline(q1, &StatusRules::default()),
            ymd(2017, 7, 30)
        );
        let hi = Polarity::HigherIsBetter;
        assert_eq!(
            assess_period(q1, None, None, hi, 0.05, &rules, ymd(2017, 7, 10)),
            IndicatorRag::NotDue
        );
        assert_eq!(
            assess_period(q1, None, None, hi, 0.05, &rules, ymd(2017, 7, 11)),
            IndicatorRag::Missing
        );
        // A value entered is judged, even before its deadline.
        assert_eq!(
            assess_period(q1, Some(0.5), Some(1.0), hi, 0.05, &rules, ymd(2017, 7, 1)),
            IndicatorRag::Red
        );
    }

    #[test]
    fn each_frequency_collects_its_periods_of_the_year_in_order() {
        let fy = year(2017);
        let names = |f| {
            periods_in_year(f, fy)
                .iter()
                .map(Period::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(Frequency::Monthly),
            [
                "2017-04", "2017-05", "2017-06", "2017-07", "2017-08", "2017-09", "2017-10",
                "2017-11", "2017-12", "2018-01", "2018-02", "2018-03"
            ]
        );
        assert_eq!(
            names(Frequency::Quarterly),
            ["2017/18 Q1", "2017/18 Q2", "2017/18 Q3", "2017/18 Q4"]
        );
        assert_eq!(names(Frequency::HalfYearly), ["2017/18 H1", "2017/18 H2"]);
        assert_eq!(names(Frequency::Annual), ["2017/18"]);
    }

    #[test]
    fn a_period_is_complete_from_its_last_day() {
        let latest = |f, d| latest_complete_period(f, d).map(|p: Period| p.to_string());
        let q = Frequency::Quarterly;
        assert_eq!(latest(q, ymd(2017, 9, 29)).as_deref(), Some("2017/18 Q1"));
        assert_eq!(latest(q, ymd(2017, 9, 30)).as_deref(), Some("2017/18 Q2"));
        // Early in a year, the latest complete period is last year's.
        assert_eq!(latest(q, ymd(2017, 4, 1)).as_deref(), Some("2016/17 Q4"));
        assert_eq!(
            latest(Frequency::Annual, ymd(2017, 4, 1)).as_deref(),
            Some("2016/17")
        );
        assert_eq!(
            latest(Frequency::HalfYearly, ymd(2017, 10, 5)).as_deref(),
            Some("2017/18 H1")
        );
        assert_eq!(
            latest(Frequency::Monthly, ymd(2017, 4, 1)).as_deref(),
            Some("2017-03")
        );
    }

    #[test]
    fn a_summed_years_target_is_shared_evenly_and_a_periods_own_target_wins() {
        let fy = year(2017);
        let year = [(Period::Year(fy), Some(1200.0))];
        let may = Period::Month {
            year: 2017,
            month: 5,
        };
        assert_eq!(
            target_for(may, &year, Aggregation::Sum, Frequency::Monthly),
            Some(100.0)
        );
        assert_eq!(
            target_for(
                Period::Half(fy, 2),
                &year,
                Aggregation::Sum,
                Frequency::HalfYearly
            ),
            Some(600.0)
        );
        assert_eq!(
            target_for(may, &year, Aggregation::Latest, Frequency::Monthly),
            Some(1200.0)
        );
        // A period said to have no target has none, whatever the year's.
        let q3 = Period::Quarter(fy, Quarter::Q3);
        let with_none = [(Period::Year(fy), Some(400.0)), (q3, None)];
        assert_eq!(
            target_for(q3, &with_none, Aggregation::Sum, Frequency::Quarterly),
            None
        );
    }

    #[test]
    fn a_falling_figure_improves_when_lower_is_better_and_worsens_when_higher_is() {
        assert_eq!(
            Trend::between(75.0, 70.0, Polarity::LowerIsBetter),
            Some(Trend::Improving)
        );
        assert_eq!(
            Trend::between(75.0, 70.0, Polarity::HigherIsBetter),
            Some(Trend::Worsening)
        );
        assert_eq!(
            Trend::between(70.0, 70.0, Polarity::HigherIsBetter),
            Some(Trend::Same)
        );
        assert_eq!(
            Trend::between(0.0, -2.0, Polarity::HigherIsBetter),
            Some(Trend::Worsening)
        );
    }

    #[test]
    fn a_difference_of_rounding_alone_is_no_change_even_on_large_figures() {
        // 0.1 × 3 × 1000 is 300.00000000000006 in floating point.
        let computed = 0.1 * 3.0 * 1000.0;
        assert_eq!(
            Trend::between(300.0, computed, Polarity::HigherIsBetter),
            Some(Trend::Same)
        );
        assert_eq!(
            Trend::between(0.3, 0.1 + 0.2, Polarity::LowerIsBetter),
            Some(Trend::Same)
        );
        // A real change on a large figure is one.
        assert_eq!(
            Trend::between(300.0, 300.01, Polarity::HigherIsBetter),
            Some(Trend::Improving)
        );
        // The band is strictly less than EPSILON times the figure (at
        // least 1): the smallest step up from 1 is a change.
        assert_eq!(
            Trend::between(1.0, 1.0 + f64::EPSILON, Polarity::HigherIsBetter),
            Some(Trend::Improving)
        );
        assert_eq!(
            Trend::between(0.0, f64::EPSILON, Polarity::LowerIsBetter),
            Some(Trend::Worsening)
        );
        assert_eq!(
            Trend::between(f64::NAN, 1.0, Polarity::HigherIsBetter),
            None
        );
        assert_eq!(Trend::between(1.0, f64::NAN, Polarity::LowerIsBetter), None);
    }

    #[test]
    fn a_tally_adds_up_every_child_once() {
        let mut t = Tally::default();
        for r in [Rag::Red, Rag::Red, Rag::Amber] {
            t.add(r);
        }
        assert_eq!((t.get(Rag::Red), t.get(Rag::Amber), t.total()), (2, 1, 3));
        let mut both = Tally::default();
        both.merge(&t);
        both.merge(&t);
        assert_eq!((both.get(Rag::Red), both.total()), (4, 6));
        assert_eq!(Tally::<Rag>::default().total(), 0);
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
