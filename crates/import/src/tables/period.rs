//! When a column's figures speak for, as its heading (or a cell of a
//! period column) says: "Q2 2024/25", "2019/20 outturn", "Jan – Mar 24",
//! "Dec-23", "30/09/2013", "2018-19;Q1", "Latest", "Previous", "Apr".
//!
//! Headings often leave the year to the document ("Q1", "Apr", "This
//! quarter"): those are [`PeriodRef`]s resolved against the document's
//! reporting period, which its title or file name gives.

use crate::dates;
use chrono::Datelike;
use goldthread_domain::{FinancialYear, Period, Quarter};

/// A period as a heading names it, before the document's year is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodRef {
    /// Named in full.
    Fixed(Period),
    /// "Q1": a quarter of the document's year.
    Quarter(Quarter),
    /// "Apr": a month of the document's year.
    Month(u32),
    /// "Latest", "This quarter", "Current": the document's period.
    Current,
    /// "Previous", "Last quarter": the period before it.
    Previous,
    /// "Last year", "Same period last year": the document's period a year
    /// earlier (the comparison councils make against seasonal figures).
    YearEarlier,
    /// "Year end", "Yr end total": the whole of the document's financial year.
    WholeYear,
    /// "Last year's outturn", "Previous year end": the financial year before
    /// the document's.
    PreviousYear,
}

impl PeriodRef {
    /// The period, given the document's reporting period.
    pub fn resolve(self, context: Option<Period>) -> Option<Period> {
        match self {
            PeriodRef::Fixed(p) => Some(p),
            PeriodRef::Quarter(q) => Some(Period::Quarter(context?.financial_year(), q)),
            PeriodRef::Month(month) => {
                let fy = context?.financial_year();
                // April to December fall in the year the financial year starts.
                let year = if month >= 4 {
                    fy.start_year()
                } else {
                    fy.start_year() + 1
                };
                Some(Period::Month { year, month })
            }
            PeriodRef::Current => context,
            PeriodRef::Previous => context.map(Period::previous),
            PeriodRef::YearEarlier => context.map(Period::year_earlier),
            PeriodRef::WholeYear => context.map(|p| Period::Year(p.financial_year())),
            PeriodRef::PreviousYear => context.map(|p| Period::Year(p.financial_year().previous())),
        }
    }

    /// How the period reads in a report: "2024/25 Q2", "latest", "Q1".
    pub fn describe(self) -> String {
        match self {
            PeriodRef::Fixed(p) => p.to_string(),
            PeriodRef::Quarter(q) => format!("Q{}", q.number()),
            PeriodRef::Month(m) => MONTHS[(m as usize).saturating_sub(1) % 12].to_string(),
            PeriodRef::Current => "current".into(),
            PeriodRef::Previous => "previous".into(),
            PeriodRef::YearEarlier => "year earlier".into(),
            PeriodRef::WholeYear => "year".into(),
            PeriodRef::PreviousYear => "previous year".into(),
        }
    }

    /// Reads the `period` a mapping file gives: a period ("2024/25 Q2"),
    /// or `current` / `previous`.
    pub fn parse_mapping(text: &str) -> Option<PeriodRef> {
        match text.trim().to_ascii_lowercase().as_str() {
            "current" | "latest" => Some(PeriodRef::Current),
            "previous" => Some(PeriodRef::Previous),
            "year earlier" => Some(PeriodRef::YearEarlier),
            "year" => Some(PeriodRef::WholeYear),
            "previous year" => Some(PeriodRef::PreviousYear),
            _ => text
                .parse()
                .ok()
                .map(PeriodRef::Fixed)
                .or_else(|| read(text)),
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A plan's year counted from its start (`y1`, `yr2`, `year3`), which a
/// programmer's heading puts before the year itself (`y1_2026_27`).
fn is_year_number(word: &str) -> bool {
    let letters = word.trim_end_matches(|c: char| c.is_ascii_digit());
    letters.len() < word.len()
        && word.len() - letters.len() == 1
        && matches!(letters, "y" | "yr" | "year")
}

/// `2026 27`: a financial year whose separator was an underscore.
fn joined_year(words: &[&str]) -> Option<String> {
    let [first, second] = words else { return None };
    let start: i32 = first.parse().ok().filter(|_| first.len() == 4)?;
    let end: i32 = second.parse().ok().filter(|_| second.len() == 2)?;
    ((start + 1) % 100 == end).then(|| format!("{first}/{second}"))
}

/// Words that say "the figure for" without naming a period; dropped before
/// the period is read. A figure's standing ("estimate", "provisional",
/// "raw data") is not a period either.
const NOISE: &[&str] = &[
    "estimate",
    "estimates",
    "estimated",
    "provisional",
    "raw",
    "imputed",
    "final",
    "outturn",
    "actual",
    "actuals",
    "value",
    "result",
    "results",
    "performance",
    "figure",
    "data",
    "position",
    "rag",
    "status",
    "rating",
    "target",
    "online",
    "snapshot",
    "end",
    "year",
    "to",
    "date",
    "as",
    "at",
    "of",
    "the",
    "for",
    "ending",
    "period",
    "annual",
    "annually",
    "yearly",
    "full",
    "cumulative",
    "ytd",
];

/// The period a heading or cell names, if it names one and nothing else
/// a period cannot carry (a long sentence is not a period).
pub fn read(text: &str) -> Option<PeriodRef> {
    let text = text.trim();
    if text.is_empty() || text.len() > 60 {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    // Rolling figures ("12m to Dec 24", "rolling 12 months") are not a period's.
    if lower.contains("rolling") || lower.contains("12m") || lower.contains("12 months") {
        return None;
    }
    if let Some(relative) = relative_year(&lower) {
        return Some(relative);
    }
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '(' | ')' | '_'))
        .filter(|w| !w.is_empty() && !NOISE.contains(w) && !is_year_number(w))
        .collect();
    let rest = joined_year(&words).unwrap_or_else(|| words.join(" "));
    if matches!(
        rest.as_str(),
        "latest"
            | "current"
            | "this quarter"
            | "current quarter"
            | "this month"
            | "this period"
            | "current period"
            | "latest quarter"
            | "current month"
            | "latest month"
            | "this"
            | "qtr"
            | "now"
            | "current value"
            | "latest value"
    ) {
        return Some(PeriodRef::Current);
    }
    if matches!(
        rest.as_str(),
        "previous"
            | "last quarter"
            | "previous quarter"
            | "last month"
            | "previous month"
            | "prior"
            | "last period"
            | "previous period"
            | "prior quarter"
            | "last"
    ) {
        return Some(PeriodRef::Previous);
    }
    if rest.is_empty() {
        return None;
    }
    quarter_of_year(&rest)
        .or_else(|| month_range(&rest))
        .or_else(|| day(&rest))
        .or_else(|| month(&rest))
        .or_else(|| half(&rest))
        .or_else(|| year(&rest))
}

/// Headings that name a year relative to the document's period and nothing
/// else: "Last Year", "Same period last year", "Yr end total / average",
/// "Previous year outturn". A heading naming a year of its own ("2019/20
/// outturn") is read as that year instead.
fn relative_year(lower: &str) -> Option<PeriodRef> {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | '(' | ')' | '/' | '\'' | '’'))
        .filter(|w| !w.is_empty())
        .collect();
    // Words such a heading may carry besides the ones that place it.
    const BESIDE: &[&str] = &[
        "total",
        "average",
        "avg",
        "figure",
        "value",
        "outturn",
        "actual",
        "result",
        "performance",
        "position",
        "same",
        "period",
        "quarter",
        "month",
        "the",
        "of",
        "for",
        "as",
        "at",
        "s",
        "&",
        "and",
        "-",
        "–",
        "data",
        "comparison",
        "with",
        "to",
        "date",
    ];
    let has = |w: &str| words.contains(&w);
    let year_end = has("yr") && has("end")
        || has("year") && has("end")
        || has("year-end")
        || has("full") && has("year");
    let a_year_back = (has("last") || has("previous") || has("prior")) && has("year");
    let placing: &[&str] = &[
        "last", "previous", "prior", "year", "yr", "end", "year-end", "full", "annual",
    ];
    if words
        .iter()
        .any(|w| !placing.contains(w) && !BESIDE.contains(w))
    {
        return None;
    }
    // "Outturn" alone is the period's actual; a year back, the year's.
    let whole_year = year_end || has("annual") || a_year_back && has("outturn");
    match (a_year_back, whole_year) {
        (true, true) => Some(PeriodRef::PreviousYear),
        (true, false) => Some(PeriodRef::YearEarlier),
        (false, true) => Some(PeriodRef::WholeYear),
        (false, false) => None,
    }
}

/// "q2 2024/25", "2024/25 q2", "quarter 2 2024/25", "2018-19;q1", "q1".
fn quarter_of_year(text: &str) -> Option<PeriodRef> {
    let q = dates::quarter_in(text)?;
    // The quarter must be most of the text: "Q1" in a sentence is not a period.
    let letters = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if letters > "quarter".len() + 3 {
        return None;
    }
    match fy_in(text).or_else(|| compact_fy_in(text)) {
        Some(fy) => Some(PeriodRef::Fixed(Period::Quarter(fy, q))),
        None if !text
            .chars()
            .any(|c| c.is_ascii_digit() && c != char::from(b'0' + q.number() as u8)) =>
        {
            Some(PeriodRef::Quarter(q))
        }
        None => None,
    }
}

/// A financial year written with its years run together, as file names
/// and short headings give them: "1819", "201819", "20182019". Only read
/// beside a quarter: alone, such figures are a number.
fn compact_fy_in(text: &str) -> Option<FinancialYear> {
    text.split(|c: char| !c.is_ascii_digit()).find_map(|w| {
        let (start, end) = match w.len() {
            4 => (
                2000 + w[..2].parse::<i32>().ok()?,
                w[2..].parse::<i32>().ok()?,
            ),
            6 => (w[..4].parse::<i32>().ok()?, w[4..].parse::<i32>().ok()?),
            8 => (
                w[..4].parse::<i32>().ok()?,
                w[4..].parse::<i32>().ok()? % 100,
            ),
            _ => return None,
        };
        (end == (start + 1) % 100 && (1990..=2100).contains(&start))
            .then(|| FinancialYear::starting(start))?
    })
}

/// A financial year anywhere in the text: "2024/25", "2018-19", "24/25".
fn fy_in(text: &str) -> Option<FinancialYear> {
    text.split(|c: char| c.is_whitespace() || c == ';' || c == ',')
        .find_map(dates::financial_year_label)
        .or_else(|| dates::financial_year_in(text))
}

/// "jan – mar 24", "jan 24 – mar 24", "apr-jun 2024": three months that
/// make a quarter; six that make a half.
fn month_range(text: &str) -> Option<PeriodRef> {
    let (from, to) = text
        .split_once('–')
        .or_else(|| text.split_once(" - "))
        .or_else(|| text.split_once(" to "))
        .or_else(|| {
            // "apr-jun 24": a hyphen between two month names.
            let (a, b) = text.split_once('-')?;
            (month_number(a.trim()).is_some()).then_some((a, b))
        })?;
    let start = month_number(from.split_whitespace().next()?)?;
    let mut to_words = to.split_whitespace();
    let end = month_number(to_words.next()?)?;
    let year = to_words
        .next()
        .or_else(|| from.split_whitespace().nth(1))
        .and_then(calendar_year)?;
    let months = (end + 12 - start) % 12 + 1;
    // The calendar year of the range's last month.
    let first_day =
        chrono::NaiveDate::from_ymd_opt(if end < start { year - 1 } else { year }, start, 1)?;
    let fy = FinancialYear::containing(first_day);
    let quarter = Quarter::of(first_day);
    match months {
        3 if (start + 8) % 3 == 0 => Some(PeriodRef::Fixed(Period::Quarter(fy, quarter))),
        6 if start == 4 || start == 10 => Some(PeriodRef::Fixed(Period::Half(
            fy,
            if start == 4 { 1 } else { 2 },
        ))),
        1 => Some(PeriodRef::Fixed(Period::Month {
            year: first_day.year(),
            month: start,
        })),
        12 if start == 4 => Some(PeriodRef::Fixed(Period::Year(fy))),
        _ => None,
    }
}

/// "30/09/2013", "30 september 2013", "2013-09-30": the quarter it ends,
/// else its month.
fn day(text: &str) -> Option<PeriodRef> {
    let date = dates::exact_date(text).or_else(|| numeric_date(text))?;
    let quarter = Period::quarter_of(date);
    Some(PeriodRef::Fixed(if quarter.last_day() == date {
        quarter
    } else {
        Period::Month {
            year: date.year(),
            month: date.month(),
        }
    }))
}

fn numeric_date(text: &str) -> Option<chrono::NaiveDate> {
    let t = text.trim();
    if t.len() > 10 {
        return None;
    }
    chrono::NaiveDate::parse_from_str(t, "%d/%m/%Y")
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .or_else(|_| chrono::NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .ok()
}

/// "dec-23", "dec 2023", "sept 2013", "december 2023", "2023-12", "apr".
fn month(text: &str) -> Option<PeriodRef> {
    let parts: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/' || c == '\'')
        .filter(|w| !w.is_empty())
        .collect();
    match parts.as_slice() {
        [name] => month_number(name).map(PeriodRef::Month),
        [name, y] if month_number(name).is_some() => {
            let month = month_number(name)?;
            let year = calendar_year(y)?;
            Some(PeriodRef::Fixed(Period::Month { year, month }))
        }
        [y, m] if y.len() == 4 => {
            let year = calendar_year(y)?;
            let month: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
            // "2010/11", "2011-12": the financial year, not November 2010.
            if month == (year as u32 + 1) % 100 {
                return None;
            }
            Some(PeriodRef::Fixed(Period::Month { year, month }))
        }
        _ => None,
    }
}

/// "h1 2024/25", "2024/25 h2".
fn half(text: &str) -> Option<PeriodRef> {
    let h = text.split_whitespace().find_map(|w| match w {
        "h1" => Some(1u8),
        "h2" => Some(2u8),
        _ => None,
    })?;
    Some(PeriodRef::Fixed(Period::Half(fy_in(text)?, h)))
}

/// "2019/20", "2019-20", "2019/2020".
fn year(text: &str) -> Option<PeriodRef> {
    let t = text.trim();
    let fy = dates::financial_year_label(t)?;
    Some(PeriodRef::Fixed(Period::Year(fy)))
}

fn month_number(word: &str) -> Option<u32> {
    let w = word.trim().trim_end_matches('.');
    if w.len() < 3 || w.len() > 9 || !w.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = w.to_ascii_lowercase();
    NAMES
        .iter()
        .position(|name| name.starts_with(&w) || (w == "sept" && *name == "september"))
        .map(|i| i as u32 + 1)
}

/// "24" → 2024, "2024" → 2024.
fn calendar_year(text: &str) -> Option<i32> {
    let t = text.trim().trim_start_matches('\'');
    if !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match t.len() {
        2 => t.parse::<i32>().ok().map(|y| 2000 + y),
        4 => t.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y)),
        _ => None,
    }
}

/// The reporting period a title line or file name names: "Quarterly
/// Performance Report Q3 2024/25", "qpr-kpi-2024-25-q3", "Position as at
/// 30 September 2013", "Performance 2019/20".
pub fn reporting_period(text: &str) -> Option<Period> {
    let lower = text.to_ascii_lowercase().replace(['_', '.'], " ");
    let fy = fy_in(&lower);
    let quarter = dates::quarter_in(&lower.replace('-', " "));
    if let (Some(fy), Some(q)) = (fy.or_else(|| compact_fy_in(&lower)), quarter) {
        return Some(Period::Quarter(fy, q));
    }
    if let Some(date) = dates::exact_date(text) {
        return Some(Period::quarter_of(date));
    }
    if let Some(ProgressLike::Month(p)) = month_in(&lower) {
        return Some(p);
    }
    fy.map(Period::Year)
}

enum ProgressLike {
    Month(Period),
}

fn month_in(text: &str) -> Option<ProgressLike> {
    let words: Vec<&str> = text.split_whitespace().collect();
    words.windows(2).find_map(|pair| {
        let month = month_number(pair[0])?;
        let year = calendar_year(pair[1])?;
        Some(ProgressLike::Month(Period::Month { year, month }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::starting(y).unwrap()
    }

    /// One line a case: heading → what it reads as.
    #[test]
    fn headings_name_their_periods() {
        let q = |y, n| {
            Some(PeriodRef::Fixed(Period::Quarter(
                fy(y),
                Quarter::from_number(n).unwrap(),
            )))
        };
        let m = |year, month| Some(PeriodRef::Fixed(Period::Month { year, month }));
        let cases: &[(&str, Option<PeriodRef>)] = &[
            ("Q2 2024/25", q(2024, 2)),
            ("2024/25 Q2", q(2024, 2)),
            ("Quarter 2 2024/25", q(2024, 2)),
            ("2018-19;Q1", q(2018, 1)),
            ("Q3 24/25", q(2024, 3)),
            ("Q1", Some(PeriodRef::Quarter(Quarter::Q1))),
            ("Jan – Mar 24", q(2023, 4)),
            ("Online Oct 24 – Dec 24", q(2024, 3)),
            ("Apr-Jun 2024", q(2024, 1)),
            ("Dec-23", m(2023, 12)),
            ("Sept 2013", m(2013, 9)),
            ("30/09/2013", q(2013, 2)),
            ("15/09/2013", m(2013, 9)),
            ("as at 30 September 2013", q(2013, 2)),
            (
                "2019/20 outturn",
                Some(PeriodRef::Fixed(Period::Year(fy(2019)))),
            ),
            ("2019-20", Some(PeriodRef::Fixed(Period::Year(fy(2019))))),
            ("2010/11", Some(PeriodRef::Fixed(Period::Year(fy(2010))))),
            ("2011-12", Some(PeriodRef::Fixed(Period::Year(fy(2011))))),
            ("2023-12", m(2023, 12)),
            ("Apr", Some(PeriodRef::Month(4))),
            ("Latest", Some(PeriodRef::Current)),
            ("This quarter", Some(PeriodRef::Current)),
            ("Last quarter", Some(PeriodRef::Previous)),
            ("Previous", Some(PeriodRef::Previous)),
            ("RAG rating Latest", Some(PeriodRef::Current)),
            (
                "H1 2024/25",
                Some(PeriodRef::Fixed(Period::Half(fy(2024), 1))),
            ),
            ("Q1 2324", q(2023, 1)),
            ("Last Year", Some(PeriodRef::YearEarlier)),
            ("Same period last year", Some(PeriodRef::YearEarlier)),
            ("Previous year outturn", Some(PeriodRef::PreviousYear)),
            ("Yr end total / average", Some(PeriodRef::WholeYear)),
            ("Year end", Some(PeriodRef::WholeYear)),
            ("Full year", Some(PeriodRef::WholeYear)),
            ("Outturn", None),
            ("Year to date", None),
            ("Full year forecast", None),
            ("12m to Dec 24", None),
            ("Service area", None),
            ("Indicator", None),
            ("Target", None),
            (
                "Q1 performance was better than expected in most services",
                None,
            ),
        ];
        for (heading, expected) in cases {
            assert_eq!(read(heading), *expected, "{heading}");
        }
    }

    #[test]
    fn relative_periods_resolve_against_the_document() {
        let q3 = Period::Quarter(fy(2024), Quarter::Q3);
        assert_eq!(PeriodRef::Current.resolve(Some(q3)), Some(q3));
        assert_eq!(
            PeriodRef::YearEarlier.resolve(Some(q3)),
            Some(Period::Quarter(fy(2023), Quarter::Q3))
        );
        assert_eq!(
            PeriodRef::WholeYear.resolve(Some(q3)),
            Some(Period::Year(fy(2024)))
        );
        assert_eq!(
            PeriodRef::PreviousYear.resolve(Some(q3)),
            Some(Period::Year(fy(2023)))
        );
        // A printed mapping names them so it reads them back.
        for p in [
            PeriodRef::YearEarlier,
            PeriodRef::WholeYear,
            PeriodRef::PreviousYear,
        ] {
            assert_eq!(PeriodRef::parse_mapping(&p.describe()), Some(p));
        }
        assert_eq!(
            PeriodRef::Previous.resolve(Some(q3)),
            Some(Period::Quarter(fy(2024), Quarter::Q2))
        );
        assert_eq!(
            PeriodRef::Month(2).resolve(Some(q3)),
            Some(Period::Month {
                year: 2025,
                month: 2
            })
        );
        assert_eq!(
            PeriodRef::Month(4).resolve(Some(q3)),
            Some(Period::Month {
                year: 2024,
                month: 4
            })
        );
        assert_eq!(PeriodRef::Quarter(Quarter::Q1).resolve(None), None);
    }

    #[test]
    fn titles_and_file_names_give_the_reporting_period() {
        let q = |y, n| Some(Period::Quarter(fy(y), Quarter::from_number(n).unwrap()));
        for (text, expected) in [
            (
                "kent-county-council-qpr-kpi-rag-summary-2024-25-q3.tsv",
                q(2024, 3),
            ),
            ("Quarterly Performance Report Q3 2024/25", q(2024, 3)),
            ("Position as at 30 September 2013", q(2013, 2)),
            ("Performance 2019/20", Some(Period::Year(fy(2019)))),
            ("Performance report", None),
            (
                "Appendix 1 Key Performance Indicator Update Quarter 1 1819",
                q(2018, 1),
            ),
            ("Q3 KPIs 2324.xlsx", q(2023, 3)),
            (
                "Enc. 1 for 201819 Key Performance Indicators Update Quarter 3",
                q(2018, 3),
            ),
            ("Q2 20232024", q(2023, 2)),
            ("Visitors 1819", None),
        ] {
            assert_eq!(reporting_period(text), expected, "{text}");
        }
        assert_eq!(compact_fy_in("20230930"), None);
        assert_eq!(compact_fy_in("202304"), None);
    }
}
