//! UK local-government financial years (1 April to 31 March) and the
//! reporting periods inside them (Q1 = April–June).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A financial year, named by the calendar year it starts in: `2017/18`
/// runs from 1 April 2017 to 31 March 2018.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FinancialYear(i32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a financial year (expected e.g. 2017/18 or 2017/2018)")]
pub struct FinancialYearError(pub String);

impl FinancialYear {
    /// Years outside this range are almost certainly typing errors.
    const MIN: i32 = 1900;
    const MAX: i32 = 2200;

    pub fn starting(year: i32) -> Option<Self> {
        (Self::MIN..=Self::MAX)
            .contains(&year)
            .then_some(Self(year))
    }

    /// The financial year that contains `date`.
    pub fn containing(date: NaiveDate) -> Self {
        let year = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        Self(year)
    }

    pub fn start_year(self) -> i32 {
        self.0
    }

    pub fn first_day(self) -> NaiveDate {
        ymd(self.0, 4, 1)
    }

    pub fn last_day(self) -> NaiveDate {
        ymd(self.0 + 1, 3, 31)
    }

    pub fn next(self) -> Self {
        Self(self.0 + 1)
    }

    pub fn previous(self) -> Self {
        Self(self.0 - 1)
    }

    pub fn quarter(self, q: Quarter) -> Period {
        Period::Quarter(self, q)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

impl FromStr for FinancialYear {
    type Err = FinancialYearError;

    /// Accepts `2017/18`, `2017/2018`, `2017-18`, `2017–18` and `2017 / 18`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || FinancialYearError(s.to_string());
        let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let (a, b) = cleaned.split_once(['/', '-', '–', '—']).ok_or_else(err)?;
        let start: i32 = a.parse().map_err(|_| err())?;
        if a.len() != 4 {
            return Err(err());
        }
        let end: i32 = b.parse().map_err(|_| err())?;
        // The second year is the next one, in full or by its last two
        // digits (2099/00).
        let next = start + 1;
        let ends_next_year = match b.len() {
            2 => end == next.rem_euclid(100),
            4 => end == next,
            _ => return Err(err()),
        };
        if !ends_next_year {
            return Err(err());
        }
        Self::starting(start).ok_or_else(err)
    }
}

impl TryFrom<String> for FinancialYear {
    type Error = FinancialYearError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<FinancialYear> for String {
    fn from(fy: FinancialYear) -> String {
        fy.to_string()
    }
}

/// A quarter of the financial year: Q1 is April to June.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Quarter {
    Q1,
    Q2,
    Q3,
    Q4,
}

impl Quarter {
    pub const ALL: [Quarter; 4] = [Quarter::Q1, Quarter::Q2, Quarter::Q3, Quarter::Q4];

    pub fn number(self) -> u32 {
        self as u32 + 1
    }

    pub fn from_number(n: u32) -> Option<Self> {
        Self::ALL.get(n.checked_sub(1)? as usize).copied()
    }

    /// The quarter of the financial year that `date` falls in.
    pub fn of(date: NaiveDate) -> Self {
        let months_into_year = (date.month() + 8) % 12; // April = 0
        Self::ALL[(months_into_year / 3) as usize]
    }
}

/// A reporting period: the unit indicator values and progress updates are
/// recorded against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter(FinancialYear, Quarter),
    Half(FinancialYear, u8),
    Year(FinancialYear),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "'{0}' is not a reporting period (expected e.g. 2017/18, 2017/18 Q1, 2017/18 H2 or 2017-05)"
)]
pub struct PeriodError(pub String);

impl Period {
    pub fn first_day(self) -> NaiveDate {
        match self {
            Period::Month { year, month } => ymd(year, month, 1),
            Period::Quarter(fy, q) => add_months(fy.first_day(), 3 * (q.number() - 1)),
            Period::Half(fy, h) => add_months(fy.first_day(), 6 * (u32::from(h) - 1)),
            Period::Year(fy) => fy.first_day(),
        }
    }

    pub fn last_day(self) -> NaiveDate {
        let months = match self {
            Period::Month { .. } => 1,
            Period::Quarter(..) => 3,
            Period::Half(..) => 6,
            Period::Year(_) => 12,
        };
        add_months(self.first_day(), months)
            .pred_opt()
            .unwrap_or(NaiveDate::MAX)
    }

    pub fn financial_year(self) -> FinancialYear {
        FinancialYear::containing(self.first_day())
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }

    /// The period of the same kind just before this one.
    pub fn previous(self) -> Period {
        match self {
            Period::Month { year, month: 1 } => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter(fy, Quarter::Q1) => Period::Quarter(fy.previous(), Quarter::Q4),
            Period::Quarter(fy, q) => Period::Quarter(fy, Quarter::ALL[q as usize - 1]),
            Period::Half(fy, 1) => Period::Half(fy.previous(), 2),
            Period::Half(fy, _) => Period::Half(fy, 1),
            Period::Year(fy) => Period::Year(fy.previous()),
        }
    }

    /// The same period one year earlier, for year-on-year trend.
    pub fn year_earlier(self) -> Period {
        match self {
            Period::Month { year, month } => Period::Month {
                year: year - 1,
                month,
            },
            Period::Quarter(fy, q) => Period::Quarter(fy.previous(), q),
            Period::Half(fy, h) => Period::Half(fy.previous(), h),
            Period::Year(fy) => Period::Year(fy.previous()),
        }
    }

    /// The quarter containing `date`.
    pub fn quarter_of(date: NaiveDate) -> Period {
        Period::Quarter(FinancialYear::containing(date), Quarter::of(date))
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Quarter(fy, q) => write!(f, "{fy} Q{}", q.number()),
            Period::Half(fy, h) => write!(f, "{fy} H{h}"),
            Period::Year(fy) => write!(f, "{fy}"),
        }
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PeriodError(s.to_string());
        let s = s.trim();
        if let Some((fy, rest)) = s.split_once(' ') {
            let fy: FinancialYear = fy.parse().map_err(|_| err())?;
            let rest = rest.trim();
            let n: u32 = rest.get(1..).and_then(|n| n.parse().ok()).ok_or_else(err)?;
            return match rest.chars().next() {
                Some('Q' | 'q') => Quarter::from_number(n)
                    .map(|q| Period::Quarter(fy, q))
                    .ok_or_else(err),
                Some('H' | 'h') if (1..=2).contains(&n) => Ok(Period::Half(fy, n as u8)),
                _ => Err(err()),
            };
        }
        // A month as a period is written `2011-12` (December 2011), a year
        // `2011/12`: the month's exact form is read first, so a month whose
        // number matches the next year's digits is still that month.
        if let Some((y, m)) = s.split_once('-')
            && y.len() == 4
            && m.len() == 2
            && let (Ok(year), Ok(month)) = (y.parse::<i32>(), m.parse::<u32>())
            && (1..=12).contains(&month)
            && FinancialYear::starting(year).is_some()
        {
            return Ok(Period::Month { year, month });
        }
        if let Ok(fy) = s.parse::<FinancialYear>() {
            return Ok(Period::Year(fy));
        }
        let (y, m) = s.split_once('-').ok_or_else(err)?;
        let year: i32 = y.parse().map_err(|_| err())?;
        let month: u32 = m.parse().map_err(|_| err())?;
        if y.len() == 4 && (1..=12).contains(&month) && FinancialYear::starting(year).is_some() {
            Ok(Period::Month { year, month })
        } else {
            Err(err())
        }
    }
}

pub(crate) fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// Adds whole months to the first of a month.
pub(crate) fn add_months(first_of_month: NaiveDate, months: u32) -> NaiveDate {
    let index = first_of_month.year() * 12 + first_of_month.month0() as i32 + months as i32;
    ymd(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
}

/// The last day of a calendar month.
pub(crate) fn last_of_month(year: i32, month: u32) -> NaiveDate {
    add_months(ymd(year, month, 1), 1)
        .pred_opt()
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Period {
        text.parse().unwrap()
    }

    #[test]
    fn financial_years_are_those_people_could_mean() {
        assert_eq!(FinancialYear::starting(1899), None);
        assert_eq!(FinancialYear::starting(1900), Some(FinancialYear(1900)));
        assert_eq!(FinancialYear::starting(2200), Some(FinancialYear(2200)));
        assert_eq!(FinancialYear::starting(2201), None);
        assert_eq!(FinancialYear(2017).start_year(), 2017);
        assert!("1899/00".parse::<FinancialYear>().is_err());
        assert!("2200/01".parse::<FinancialYear>().is_ok());
        assert!("2201/02".parse::<FinancialYear>().is_err());
    }

    #[test]
    fn a_date_in_january_to_march_belongs_to_the_year_begun_the_april_before() {
        assert_eq!(
            FinancialYear::containing(ymd(2017, 3, 31)),
            FinancialYear(2016)
        );
        assert_eq!(
            FinancialYear::containing(ymd(2017, 4, 1)),
            FinancialYear(2017)
        );
        assert_eq!(
            FinancialYear::containing(ymd(2017, 12, 31)),
            FinancialYear(2017)
        );
        assert_eq!(
            FinancialYear::containing(ymd(2018, 1, 1)),
            FinancialYear(2017)
        );
    }

    #[test]
    fn the_next_and_previous_years_are_one_either_side() {
        let fy = FinancialYear(2017);
        assert_eq!(fy.next().to_string(), "2018/19");
        assert_eq!(fy.previous().to_string(), "2016/17");
        assert_eq!(fy.quarter(Quarter::Q3).to_string(), "2017/18 Q3");
        assert_eq!(FinancialYear(1999).to_string(), "1999/00");
        assert_eq!(FinancialYear(2009).to_string(), "2009/10");
    }

    #[test]
    fn financial_years_are_read_as_councils_write_them() {
        let fy = FinancialYear(2017);
        for text in [
            "2017/18",
            "2017-18",
            "2017–18",
            "2017—18",
            " 2017 / 18 ",
            "2017/2018",
        ] {
            assert_eq!(text.parse::<FinancialYear>(), Ok(fy), "{text}");
        }
        for bad in [
            "2017/2019",
            "2017/17",
            "2017/1",
            "2017/018",
            "201/18",
            "02017/18",
            "2017",
            "2017/x",
        ] {
            assert!(bad.parse::<FinancialYear>().is_err(), "{bad}");
        }
        // December 2011 is shown 2011-12 and read back as that month, not
        // as the year 2011/12 (shown 2011/12); found by the fuzzer.
        for month in ["2011-12", "2101-02"] {
            let period: Period = month.parse().unwrap();
            assert!(matches!(period, Period::Month { .. }), "{month}");
            assert_eq!(period.to_string().parse::<Period>(), Ok(period));
        }
        assert_eq!("2101-2".parse::<Period>().unwrap().to_string(), "2101-02");
        assert!(matches!("2017-18".parse::<Period>(), Ok(Period::Year(_))));
        // Across a century: 1999/00 and 2099/2100. A sign is not a year.
        assert!("2098/-1".parse::<FinancialYear>().is_err());
        assert_eq!("1999/00".parse::<FinancialYear>(), Ok(FinancialYear(1999)));
        assert_eq!(
            "2099/2100".parse::<FinancialYear>(),
            Ok(FinancialYear(2099))
        );
    }

    #[test]
    fn a_financial_year_is_stored_and_sent_by_its_name() {
        let fy = FinancialYear(2017);
        assert_eq!(serde_json::to_value(fy).ok(), Some("2017/18".into()));
        assert_eq!(String::from(fy), "2017/18");
        assert_eq!(
            serde_json::from_str::<FinancialYear>("\"2017/18\"").ok(),
            Some(fy)
        );
        assert!(serde_json::from_str::<FinancialYear>("\"2017/19\"").is_err());
    }

    #[test]
    fn quarters_are_numbered_one_to_four_from_april() {
        assert_eq!(Quarter::ALL.map(Quarter::number), [1, 2, 3, 4]);
        assert_eq!(Quarter::from_number(0), None);
        assert_eq!(Quarter::from_number(1), Some(Quarter::Q1));
        assert_eq!(Quarter::from_number(4), Some(Quarter::Q4));
        assert_eq!(Quarter::from_number(5), None);
        for (month, quarter) in [
            (1, Quarter::Q4),
            (3, Quarter::Q4),
            (4, Quarter::Q1),
            (6, Quarter::Q1),
            (7, Quarter::Q2),
            (9, Quarter::Q2),
            (10, Quarter::Q3),
            (12, Quarter::Q3),
        ] {
            assert_eq!(Quarter::of(ymd(2017, month, 15)), quarter, "month {month}");
        }
    }

    #[test]
    fn each_period_runs_from_its_first_to_its_last_day() {
        for (text, first, last) in [
            ("2017/18", ymd(2017, 4, 1), ymd(2018, 3, 31)),
            ("2017/18 H1", ymd(2017, 4, 1), ymd(2017, 9, 30)),
            ("2017/18 H2", ymd(2017, 10, 1), ymd(2018, 3, 31)),
            ("2017/18 Q1", ymd(2017, 4, 1), ymd(2017, 6, 30)),
            ("2017/18 Q3", ymd(2017, 10, 1), ymd(2017, 12, 31)),
            ("2017/18 Q4", ymd(2018, 1, 1), ymd(2018, 3, 31)),
            ("2017-12", ymd(2017, 12, 1), ymd(2017, 12, 31)),
            ("2020-02", ymd(2020, 2, 1), ymd(2020, 2, 29)),
        ] {
            let period = p(text);
            assert_eq!(
                (period.first_day(), period.last_day()),
                (first, last),
                "{text}"
            );
            assert!(period.contains(first) && period.contains(last), "{text}");
            assert!(!period.contains(first.pred_opt().unwrap()), "{text}");
            assert!(!period.contains(last.succ_opt().unwrap()), "{text}");
        }
        assert_eq!(p("2018-04").financial_year(), FinancialYear(2018));
        assert_eq!(p("2018-03").financial_year(), FinancialYear(2017));
        assert_eq!(p("2017/18 H2").financial_year(), FinancialYear(2017));
        assert_eq!(last_of_month(2019, 12), ymd(2019, 12, 31));
        assert_eq!(last_of_month(2019, 2), ymd(2019, 2, 28));
    }

    #[test]
    fn the_previous_period_is_the_one_just_before_of_the_same_kind() {
        for (period, previous) in [
            ("2018-01", "2017-12"),
            ("2017-05", "2017-04"),
            ("2017/18 Q3", "2017/18 Q2"),
            ("2017/18 Q2", "2017/18 Q1"),
            ("2017/18 Q4", "2017/18 Q3"),
            ("2017/18 Q1", "2016/17 Q4"),
            ("2017/18 H2", "2017/18 H1"),
            ("2017/18 H1", "2016/17 H2"),
            ("2017/18", "2016/17"),
        ] {
            assert_eq!(p(period).previous(), p(previous), "{period}");
        }
    }

    #[test]
    fn the_same_period_a_year_earlier_keeps_its_month_quarter_or_half() {
        for (period, year_earlier) in [
            ("2018-02", "2017-02"),
            ("2017/18 Q3", "2016/17 Q3"),
            ("2017/18 H2", "2016/17 H2"),
            ("2017/18 H1", "2016/17 H1"),
            ("2017/18", "2016/17"),
        ] {
            assert_eq!(p(period).year_earlier(), p(year_earlier), "{period}");
        }
    }

    #[test]
    fn period_text_that_is_not_a_period_is_refused() {
        for bad in [
            "2017/18 H3",
            "2017/18 H0",
            "2017/18 Q0",
            "2017/18 X1",
            "2017/18 Q",
            "17-05",
            "1800-05",
            "2017-0",
            "2017-x",
            "spring",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
        assert_eq!(
            p("2017/18 q2"),
            Period::Quarter(FinancialYear(2017), Quarter::Q2)
        );
        assert_eq!(p("2017/18 h1"), Period::Half(FinancialYear(2017), 1));
        assert_eq!(
            p("2017-5"),
            Period::Month {
                year: 2017,
                month: 5
            }
        );
    }

    #[test]
    fn financial_year_runs_april_to_march() {
        let fy: FinancialYear = "2017/18".parse().unwrap();
        assert_eq!(fy.first_day(), ymd(2017, 4, 1));
        assert_eq!(fy.last_day(), ymd(2018, 3, 31));
        assert_eq!(fy.to_string(), "2017/18");
        assert_eq!("2017/2018".parse::<FinancialYear>().unwrap(), fy);
        assert_eq!(
            "2099/00".parse::<FinancialYear>().unwrap().to_string(),
            "2099/00"
        );
        assert!("2017/19".parse::<FinancialYear>().is_err());
        assert!("17/18".parse::<FinancialYear>().is_err());
        assert!("spring".parse::<FinancialYear>().is_err());
    }

    #[test]
    fn quarters_start_in_april() {
        assert_eq!(Quarter::of(ymd(2017, 4, 1)), Quarter::Q1);
        assert_eq!(Quarter::of(ymd(2017, 6, 30)), Quarter::Q1);
        assert_eq!(Quarter::of(ymd(2017, 9, 30)), Quarter::Q2);
        assert_eq!(Quarter::of(ymd(2017, 12, 1)), Quarter::Q3);
        assert_eq!(Quarter::of(ymd(2018, 3, 31)), Quarter::Q4);
        let q2 = Period::quarter_of(ymd(2013, 9, 30));
        assert_eq!(q2.to_string(), "2013/14 Q2");
        assert_eq!(q2.first_day(), ymd(2013, 7, 1));
        assert_eq!(q2.last_day(), ymd(2013, 9, 30));
        assert_eq!(
            Period::Quarter(FinancialYear(2017), Quarter::Q1)
                .previous()
                .to_string(),
            "2016/17 Q4"
        );
    }

    #[test]
    fn periods_round_trip_through_text() {
        for text in ["2017/18", "2017/18 Q3", "2017/18 H2", "2018-02"] {
            let p: Period = text.parse().unwrap();
            assert_eq!(p.to_string(), text);
        }
        assert!("2017/18 Q5".parse::<Period>().is_err());
        assert!("2018-13".parse::<Period>().is_err());
        let feb = "2018-02".parse::<Period>().unwrap();
        assert_eq!(feb.last_day(), ymd(2018, 2, 28));
        assert_eq!(feb.financial_year().to_string(), "2017/18");
    }

    proptest::proptest! {
        #[test]
        fn every_day_is_in_exactly_one_quarter(days in 0i64..40_000) {
            let date = ymd(1990, 1, 1) + chrono::Duration::days(days);
            let q = Period::quarter_of(date);
            proptest::prop_assert!(q.contains(date));
            proptest::prop_assert!(!q.previous().contains(date));
            proptest::prop_assert_eq!(q.previous().last_day().succ_opt().unwrap(), q.first_day());
        }
    }
}
