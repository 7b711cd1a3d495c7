//! The grammar behind [`FuzzyDate::parse`](crate::FuzzyDate::parse).

use crate::fuzzy_date::{DateContext, DateReading, FuzzyDate};

pub(crate) fn parse(text: &str, _context: DateContext) -> FuzzyDate {
    FuzzyDate {
        text: text.to_string(),
        earliest: None,
        latest: None,
        recurrence: None,
        reading: DateReading::Unreadable,
    }
}
