//! Dates as people write them in plans: `07 May 2015`, `End March 2018`,
//! `Summer 2017`, `Ongoing 2017/18`, `Quarterly`, `TBC`.
//!
//! A [`FuzzyDate`] keeps the original text and resolves it to the earliest
//! and latest day it can mean, or to a recurrence. Text it cannot read is
//! kept, unresolved, so no record is ever dropped for a bad date.

use crate::financial_year::FinancialYear;
use crate::names::named;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuzzyDate {
    /// The text exactly as written in the source.
    pub text: String,
    pub earliest: Option<NaiveDate>,
    pub latest: Option<NaiveDate>,
    pub recurrence: Option<Recurrence>,
    /// How the text was understood.
    pub reading: DateReading,
}

/// What kind of date phrase the text was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateReading {
    /// A day or a span of days (`7 March 2017`, `Summer 2017`, `2017 – 2018`).
    Span,
    /// A recurrence with no fixed end (`Quarterly`, `Annually (May each year)`).
    Recurring,
    /// Continuing work, possibly bounded (`Ongoing`, `Ongoing 2017/18`).
    Ongoing,
    /// A placeholder the author has yet to fill (`TBC`, `TBI`).
    ToBeConfirmed,
    /// Text that could not be read as a date.
    Unreadable,
}

named!(DateReading {
    Span => "span",
    Recurring => "recurring",
    Ongoing => "ongoing",
    ToBeConfirmed => "to_be_confirmed",
    Unreadable => "unreadable",
});

/// How often something recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "every")]
pub enum Recurrence {
    Weekly,
    Monthly,
    Quarterly,
    HalfYearly,
    /// Once a year, in the given month when the text names one.
    Annually {
        month: Option<u32>,
    },
    AdHoc,
}

/// What surrounds a date phrase, used to fill in what the phrase omits
/// (`Early Autumn` takes its year from the plan's period).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DateContext {
    pub financial_year: Option<FinancialYear>,
}

impl FuzzyDate {
    /// Reads a date phrase. Never fails: unreadable text comes back with
    /// [`DateReading::Unreadable`] and no dates.
    pub fn parse(text: &str, context: DateContext) -> FuzzyDate {
        crate::fuzzy_date_parser::parse(text, context)
    }

    /// An exact day, as typed into a form.
    pub fn exact(day: NaiveDate) -> FuzzyDate {
        FuzzyDate {
            text: day.format("%-d %B %Y").to_string(),
            earliest: Some(day),
            latest: Some(day),
            recurrence: None,
            reading: DateReading::Span,
        }
    }

    pub fn is_readable(&self) -> bool {
        self.reading != DateReading::Unreadable
    }

    /// The day by which the thing is due: the latest day the text allows.
    pub fn deadline(&self) -> Option<NaiveDate> {
        self.latest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exact_day_is_due_on_that_day_and_read_as_written() {
        let day = NaiveDate::from_ymd_opt(2017, 3, 7).unwrap();
        let exact = FuzzyDate::exact(day);
        assert_eq!(exact.text, "7 March 2017");
        assert_eq!((exact.earliest, exact.deadline()), (Some(day), Some(day)));
        assert_eq!((exact.recurrence, exact.reading), (None, DateReading::Span));
        assert!(exact.is_readable());
        let parsed = FuzzyDate::parse("7 March 2017", DateContext::default());
        assert_eq!(parsed, exact);
        let unreadable = FuzzyDate::parse("when the money comes", DateContext::default());
        assert!(!unreadable.is_readable());
        assert_eq!(unreadable.deadline(), None);
        let summer = FuzzyDate::parse("Summer 2017", DateContext::default());
        assert!(summer.is_readable());
        assert_eq!(summer.deadline(), NaiveDate::from_ymd_opt(2017, 8, 31));
    }

    #[test]
    fn date_reading_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &DateReading::ALL,
            DateReading::as_str,
            DateReading::parse,
        );
        crate::names::assert_names_read_back(&DateReading::ALL, DateReading::as_str);
    }
}
