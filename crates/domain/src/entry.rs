//! What a person may enter: an indicator's value for a period, the date of
//! a progress update, a revised due date. One set of rules, used by the
//! forms (and by any other way in), so a value the council could never
//! have measured is refused with a reason instead of stored unseen.

use crate::{FinancialYear, Frequency, Period, Unit};
use chrono::{Datelike, NaiveDate};

/// What the rules need to know about the indicator and its plan.
#[derive(Debug, Clone, Copy)]
pub struct ValueContext {
    pub frequency: Option<Frequency>,
    pub unit: Unit,
    /// The plan's first and last days, when it has a period.
    pub plan: Option<(NaiveDate, NaiveDate)>,
    pub today: NaiveDate,
}

/// Why a value is refused, in words for the person entering it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EntryProblem {
    #[error("This is a {frequency} indicator: enter a value for a {expected}, not {period}")]
    WrongPeriod {
        frequency: &'static str,
        expected: &'static str,
        period: String,
    },
    #[error("{period} has not started yet: values are entered once a period has begun")]
    FutureValue { period: String },
    #[error("{period} is outside the plan's years ({from} to {to})")]
    OutsidePlan {
        period: String,
        from: String,
        to: String,
    },
    #[error("A {unit} cannot be negative")]
    Negative { unit: &'static str },
    #[error("The value must be a finite number")]
    NotFinite,
    #[error("The date must be today or earlier")]
    FutureDate,
    #[error("The date must be within a year before the plan began ({earliest}) or later")]
    TooEarly { earliest: NaiveDate },
    #[error("The date must be on or after {earliest}")]
    BeforeEarliest { earliest: NaiveDate },
    #[error("A revised due date must be no more than {years} years from today")]
    TooLate { years: i32 },
}

/// The earliest date anything in Goldthread can be about: councils' plans
/// on record start decades later, so anything before is a typing slip.
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1990, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// How far ahead a revised due date may be.
pub const REVISED_DUE_YEARS_AHEAD: i32 = 10;

/// Checks a value for `period` of an indicator.
pub fn check_value(ctx: &ValueContext, period: Period, value: f64) -> Result<(), EntryProblem> {
    if !value.is_finite() {
        return Err(EntryProblem::NotFinite);
    }
    if let Some(frequency) = ctx.frequency {
        let fits = matches!(
            (frequency, period),
            (Frequency::Monthly, Period::Month { .. })
                | (Frequency::Quarterly, Period::Quarter(..))
                | (Frequency::HalfYearly, Period::Half(..))
                | (Frequency::Annual, Period::Year(..))
        );
        if !fits {
            let (name, expected) = match frequency {
                Frequency::Monthly => ("monthly", "month, like 2024-05"),
                Frequency::Quarterly => ("quarterly", "quarter, like 2024/25 Q1"),
                Frequency::HalfYearly => ("half-yearly", "half year, like 2024/25 H1"),
                Frequency::Annual => ("annual", "year, like 2024/25"),
            };
            return Err(EntryProblem::WrongPeriod {
                frequency: name,
                expected,
                period: period.to_string(),
            });
        }
    }
    if period.first_day() > ctx.today {
        return Err(EntryProblem::FutureValue {
            period: period.to_string(),
        });
    }
    if let Some((first, last)) = ctx.plan {
        // A plan's indicators carry the year before it began (the
        // baseline) as well as its own years.
        let from = FinancialYear::containing(first).previous();
        let to = FinancialYear::containing(last);
        let year = period.financial_year();
        if year < from || year > to {
            return Err(EntryProblem::OutsidePlan {
                period: period.to_string(),
                from: from.to_string(),
                to: to.to_string(),
            });
        }
    }
    let never_negative = matches!(ctx.unit, Unit::Count | Unit::Days | Unit::Percent);
    if never_negative && value < 0.0 {
        return Err(EntryProblem::Negative {
            unit: match ctx.unit {
                Unit::Count => "count",
                Unit::Days => "number of days",
                _ => "percentage",
            },
        });
    }
    Ok(())
}

/// The periods a value may be entered for, newest first (at most 36): the
/// indicator's frequency's (annual when unknown), begun, and within its
/// plan's years, or this year and last without a plan period. The form's
/// period list and the progress workbook's rows both come from here.
pub fn open_periods(ctx: &ValueContext) -> Vec<Period> {
    let now = FinancialYear::containing(ctx.today);
    let (first, last) = match ctx.plan {
        Some((first, last)) => (
            FinancialYear::containing(first).previous(),
            FinancialYear::containing(last).min(now),
        ),
        None => (now.previous(), now),
    };
    let frequency = ctx.frequency.unwrap_or(Frequency::Annual);
    let mut periods = Vec::new();
    let mut year = first;
    while year <= last {
        periods.extend(
            crate::status::periods_in_year(frequency, year)
                .into_iter()
                .filter(|p| check_value(ctx, *p, 0.0).is_ok()),
        );
        year = year.next();
    }
    periods.reverse();
    periods.truncate(36);
    periods
}

/// Checks the date a progress update is as at: not in the future, and not
/// more than a year before the plan began (nor before [`EARLIEST`]).
pub fn check_update_date(
    as_at: NaiveDate,
    plan_first_day: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), EntryProblem> {
    if as_at > today {
        return Err(EntryProblem::FutureDate);
    }
    if as_at < EARLIEST {
        return Err(EntryProblem::BeforeEarliest { earliest: EARLIEST });
    }
    if let Some(first) = plan_first_day {
        let earliest = first.with_year(first.year() - 1).unwrap_or(first);
        if as_at < earliest {
            return Err(EntryProblem::TooEarly { earliest });
        }
    }
    Ok(())
}

/// Checks a revised due date's latest day: after [`EARLIEST`], after the
/// plan began, and no more than [`REVISED_DUE_YEARS_AHEAD`] years ahead.
pub fn check_revised_due(
    latest: NaiveDate,
    plan_first_day: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), EntryProblem> {
    let earliest = plan_first_day.unwrap_or(EARLIEST).max(EARLIEST);
    if latest < earliest {
        return Err(EntryProblem::BeforeEarliest { earliest });
    }
    let limit = today
        .with_year(today.year() + REVISED_DUE_YEARS_AHEAD)
        .unwrap_or(today);
    if latest > limit {
        return Err(EntryProblem::TooLate {
            years: REVISED_DUE_YEARS_AHEAD,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_may_be_entered_from_the_day_its_period_begins() {
        let c = ValueContext {
            today: day(2017, 10, 1),
            ..ctx(None, Unit::Count)
        };
        assert_eq!(
            check_value(&c, Period::Quarter(fy(2017), Quarter::Q3), 1.0),
            Ok(())
        );
        // The plan's last year is open too.
        let end = ValueContext {
            today: day(2019, 1, 1),
            ..ctx(None, Unit::Count)
        };
        assert_eq!(check_value(&end, Period::Year(fy(2017)), 1.0), Ok(()));
    }

    #[test]
    fn a_negative_value_is_refused_in_the_words_of_its_unit() {
        let q = Period::Quarter(fy(2017), Quarter::Q1);
        for (unit, words) in [
            (Unit::Count, "count"),
            (Unit::Days, "number of days"),
            (Unit::Percent, "percentage"),
        ] {
            assert_eq!(
                check_value(&ctx(None, unit), q, -1.0),
                Err(EntryProblem::Negative { unit: words })
            );
        }
        assert_eq!(check_value(&ctx(None, Unit::Ratio), q, -0.5), Ok(()));
    }

    #[test]
    fn an_update_may_be_dated_today_and_as_early_as_the_earliest_day() {
        let today = day(2017, 11, 15);
        assert_eq!(check_update_date(today, None, today), Ok(()));
        assert_eq!(check_update_date(EARLIEST, None, today), Ok(()));
        assert_eq!(
            check_update_date(EARLIEST.pred_opt().unwrap(), None, today),
            Err(EntryProblem::BeforeEarliest { earliest: EARLIEST })
        );
        // A year before a plan began on 1 April 2017 is 1 April 2016.
        assert_eq!(
            check_update_date(day(2016, 3, 31), Some(day(2017, 4, 1)), today),
            Err(EntryProblem::TooEarly {
                earliest: day(2016, 4, 1)
            })
        );
    }
    use crate::Quarter;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn fy(start: i32) -> FinancialYear {
        FinancialYear::starting(start).unwrap()
    }

    fn ctx(frequency: Option<Frequency>, unit: Unit) -> ValueContext {
        ValueContext {
            frequency,
            unit,
            plan: Some((day(2017, 4, 1), day(2018, 3, 31))),
            today: day(2017, 11, 15),
        }
    }

    #[test]
    fn a_value_fits_its_indicators_frequency() {
        let annual = ctx(Some(Frequency::Annual), Unit::Count);
        assert_eq!(check_value(&annual, Period::Year(fy(2017)), 3.0), Ok(()));
        let quarter = Period::Quarter(fy(2017), Quarter::Q1);
        assert!(matches!(
            check_value(&annual, quarter, 3.0),
            Err(EntryProblem::WrongPeriod {
                frequency: "annual",
                ..
            })
        ));
        let monthly = ctx(Some(Frequency::Monthly), Unit::Count);
        assert!(matches!(
            check_value(&monthly, quarter, 3.0),
            Err(EntryProblem::WrongPeriod { .. })
        ));
        assert_eq!(
            check_value(
                &monthly,
                Period::Month {
                    year: 2017,
                    month: 5
                },
                3.0
            ),
            Ok(())
        );
        let quarterly = ctx(Some(Frequency::Quarterly), Unit::Count);
        assert_eq!(check_value(&quarterly, quarter, 3.0), Ok(()));
        let half = ctx(Some(Frequency::HalfYearly), Unit::Count);
        assert_eq!(check_value(&half, Period::Half(fy(2017), 1), 3.0), Ok(()));
        assert!(check_value(&half, quarter, 3.0).is_err());
        // Without a known frequency, any period.
        assert_eq!(check_value(&ctx(None, Unit::Count), quarter, 3.0), Ok(()));
    }

    #[test]
    fn a_value_is_for_a_period_that_has_begun_within_the_plans_years() {
        let c = ctx(None, Unit::Count);
        // Q3 began on 1 October 2017: today is 15 November.
        assert_eq!(
            check_value(&c, Period::Quarter(fy(2017), Quarter::Q3), 1.0),
            Ok(())
        );
        assert!(matches!(
            check_value(&c, Period::Quarter(fy(2017), Quarter::Q4), 1.0),
            Err(EntryProblem::FutureValue { .. })
        ));
        assert!(matches!(
            check_value(&c, Period::Year(fy(2021)), 1.0),
            Err(EntryProblem::FutureValue { .. })
        ));
        // The year before the plan (its baseline) is allowed; earlier is not.
        assert_eq!(check_value(&c, Period::Year(fy(2016)), 1.0), Ok(()));
        assert!(matches!(
            check_value(&c, Period::Year(fy(2015)), 1.0),
            Err(EntryProblem::OutsidePlan { .. })
        ));
        let later = ValueContext {
            today: day(2020, 1, 1),
            ..c
        };
        assert!(matches!(
            check_value(&later, Period::Year(fy(2018)), 1.0),
            Err(EntryProblem::OutsidePlan { .. })
        ));
    }

    #[test]
    fn counts_days_and_percentages_are_never_negative() {
        let q = Period::Quarter(fy(2017), Quarter::Q1);
        for unit in [Unit::Count, Unit::Days, Unit::Percent] {
            assert!(matches!(
                check_value(&ctx(None, unit), q, -1.0),
                Err(EntryProblem::Negative { .. })
            ));
            assert_eq!(check_value(&ctx(None, unit), q, 0.0), Ok(()));
        }
        // A budget variance in pounds can be negative.
        assert_eq!(check_value(&ctx(None, Unit::Pounds), q, -1200.0), Ok(()));
        assert_eq!(
            check_value(&ctx(None, Unit::Count), q, f64::NAN),
            Err(EntryProblem::NotFinite)
        );
    }

    #[test]
    fn open_periods_are_the_begun_periods_of_the_plans_years_newest_first() {
        let c = ctx(Some(Frequency::Quarterly), Unit::Count);
        let open = open_periods(&c);
        // 2016/17 (the baseline year) Q1 to 2017/18 Q3, which began in October.
        assert_eq!(open.len(), 7);
        assert_eq!(open[0], Period::Quarter(fy(2017), Quarter::Q3));
        assert_eq!(open[6], Period::Quarter(fy(2016), Quarter::Q1));
        let annual = ctx(None, Unit::Count);
        assert_eq!(
            open_periods(&annual),
            vec![Period::Year(fy(2017)), Period::Year(fy(2016))]
        );
    }

    #[test]
    fn update_dates_are_sensible() {
        let plan = Some(day(2017, 4, 1));
        let today = day(2017, 11, 15);
        assert_eq!(check_update_date(day(2017, 9, 30), plan, today), Ok(()));
        assert_eq!(check_update_date(day(2016, 4, 1), plan, today), Ok(()));
        assert!(matches!(
            check_update_date(day(2016, 3, 31), plan, today),
            Err(EntryProblem::TooEarly { .. })
        ));
        assert_eq!(
            check_update_date(day(2017, 11, 16), plan, today),
            Err(EntryProblem::FutureDate)
        );
        assert!(matches!(
            check_update_date(day(1900, 1, 1), None, today),
            Err(EntryProblem::BeforeEarliest { .. })
        ));
    }

    #[test]
    fn revised_due_dates_are_sensible() {
        let plan = Some(day(2017, 4, 1));
        let today = day(2017, 11, 15);
        assert_eq!(check_revised_due(day(2018, 6, 30), plan, today), Ok(()));
        assert_eq!(check_revised_due(day(2017, 4, 1), plan, today), Ok(()));
        assert!(matches!(
            check_revised_due(day(1990, 6, 30), plan, today),
            Err(EntryProblem::BeforeEarliest { .. })
        ));
        assert!(matches!(
            check_revised_due(day(2017, 3, 31), plan, today),
            Err(EntryProblem::BeforeEarliest { .. })
        ));
        assert_eq!(check_revised_due(day(2027, 11, 15), plan, today), Ok(()));
        assert!(matches!(
            check_revised_due(day(2027, 11, 16), plan, today),
            Err(EntryProblem::TooLate { .. })
        ));
    }
}
