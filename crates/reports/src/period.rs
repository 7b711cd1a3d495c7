//! The reporting period a report is asked for, as councils write it.

use goldthread_domain::{FinancialYear, Period, Quarter};

/// Reads `2017/18-Q2`, `2017/18 Q2`, `Q2 2017/18` or a whole year
/// `2017/18`. Months and halves are not reporting periods for a pack.
pub fn parse_reporting_period(text: &str) -> Result<Period, String> {
    let cleaned = text.trim();
    let refuse = || {
        format!(
            "'{cleaned}' is not a reporting period: write a quarter such as 2017/18-Q2, or a financial year such as 2017/18"
        )
    };
    let (year, quarter) = match cleaned.rsplit_once(['-', ' ']) {
        Some((year, q)) if q.starts_with(['Q', 'q']) => (year.trim(), Some(q)),
        _ => match cleaned.split_once(' ') {
            Some((q, year)) if q.starts_with(['Q', 'q']) => (year.trim(), Some(q)),
            _ => (cleaned, None),
        },
    };
    let year: FinancialYear = year.parse().map_err(|_| refuse())?;
    match quarter {
        None => Ok(Period::Year(year)),
        Some(q) => q
            .get(1..)
            .and_then(|n| n.parse().ok())
            .and_then(Quarter::from_number)
            .map(|q| Period::Quarter(year, q))
            .ok_or_else(refuse),
    }
}

/// "July to September 2017", "April 2017 to March 2018".
pub fn period_in_words(period: Period) -> String {
    let first = period.first_day();
    let last = period.last_day();
    if first.format("%Y").to_string() == last.format("%Y").to_string() {
        format!("{} to {}", first.format("%B"), last.format("%B %Y"))
    } else {
        format!("{} to {}", first.format("%B %Y"), last.format("%B %Y"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_are_read_in_the_forms_councils_write() {
        for text in ["2017/18-Q2", "2017/18 Q2", "Q2 2017/18", " 2017/2018-q2 "] {
            let period = parse_reporting_period(text).unwrap();
            assert_eq!(period.to_string(), "2017/18 Q2", "{text}");
        }
        assert_eq!(
            parse_reporting_period("2017/18").unwrap().to_string(),
            "2017/18"
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_forms_it_takes() {
        for text in ["2017/18-Q5", "Q2", "2017", "next quarter", "2017/19"] {
            let error = parse_reporting_period(text).unwrap_err();
            assert!(error.contains("2017/18-Q2"), "{text}: {error}");
        }
    }

    #[test]
    fn periods_are_said_in_words() {
        let q2 = parse_reporting_period("2017/18-Q2").unwrap();
        assert_eq!(period_in_words(q2), "July to September 2017");
        let q4 = parse_reporting_period("2017/18-Q4").unwrap();
        assert_eq!(period_in_words(q4), "January to March 2018");
        let year = parse_reporting_period("2017/18").unwrap();
        assert_eq!(period_in_words(year), "April 2017 to March 2018");
    }
}
