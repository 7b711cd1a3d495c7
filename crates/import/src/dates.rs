//! Date helpers the importer needs on top of [`FuzzyDate::parse`]: telling
//! whether a phrase is a date at all (to split cells holding several), exact
//! "as at" days in headings, financial-year column labels and plan periods.
//! Reading what a date phrase means is left to the domain's parser.

use chrono::NaiveDate;
use goldthread_domain::{
    DateContext, DateReading, FinancialYear, FuzzyDate, Period, PlanPeriod, Quarter,
};
use regex::Regex;
use std::sync::LazyLock;

pub const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
const SEASON: &str = r"(?:spring|summer|autumn|winter)";

/// One date phrase as found in deadline cells; a range of two counts as one.
static ITEM: LazyLock<String> = LazyLock::new(|| {
    let single = format!(
        r"(?:(?:end|early|mid|late|by\s+end(?:\s+of)?|by)\s+)?(?:(?:\d{{1,2}}\s*(?:st|nd|rd|th)?\s+)?{MONTH}\.?(?:\s*[/–-]\s*{MONTH}\.?)?\s+(?:\d{{4}}|\d{{2}}\b)|{SEASON}\s+\d{{4}}|q[1-4]\s+\d{{4}}(?:/\d{{2,4}})?|\d{{4}}\s*/\s*\d{{2,4}}|\d{{4}}|tbc|tbi|tba|monthly|quarterly|weekly|annually|annual|(?:ongoing|on-going)(?:\s+\d{{4}}\s*/\s*\d{{2,4}})?|continuous|ad-hoc|ad hoc|as required|each quarter|throughout (?:the )?year)"
    );
    format!(r"{single}(?:\s*(?:–|-|to)\s*{single})?")
});

/// A cell that is nothing but a list of date phrases, each optionally
/// followed by a parenthetical remark.
static DATE_LIST: LazyLock<Regex> = LazyLock::new(|| {
    let item = ITEM.as_str();
    compile(&format!(
        r"(?i)^\s*(?:{item})(?:\s*\([^()]*\))?(?:\s*[,;]?\s*(?:{item})(?:\s*\([^()]*\))?)+\s*$"
    ))
});
static ONE_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    let item = ITEM.as_str();
    compile(&format!(r"(?i)(?:{item})(?:\s*\([^()]*\))?"))
});
/// [`ONE_ITEM`] at the start of the text only.
static LEADING_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    let item = ITEM.as_str();
    compile(&format!(r"(?i)^(?:{item})(?:\s*\([^()]*\))?"))
});
static DATE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)\b(?:{MONTH}|{SEASON}|q[1-4]|(?:19|20)\d\d|tbc|tbi|tba|ongoing|on-going|monthly|quarterly|annually|annual|weekly|ad-hoc|continuous)\b"
    ))
});
static EXACT: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)\b(\d{{1,2}})\s*(?:st|nd|rd|th)?\s+({MONTH})\.?\s+(\d{{4}})\b"
    ))
});
static FY: LazyLock<Regex> =
    LazyLock::new(|| compile(r"\b((?:19|20)?\d\d)\s*[/–-]\s*(\d{2}|(?:19|20)\d\d)\b"));
static TBC: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?i)\b(?:tbc|tbi|tba|to be (?:confirmed|agreed|determined))\b"));

pub(crate) fn compile(pattern: &str) -> Regex {
    // ASCII word boundaries: the Unicode kind stops the fast regex engines
    // on any non-ASCII text ("–", "£"), and every pattern here is English.
    let pattern = pattern.replace(r"\b", r"(?-u:\b)");
    let pattern = pattern.as_str();
    // Patterns are constants checked by the tests; a typo must not panic at
    // run time, so fall back to a pattern that matches nothing.
    Regex::new(pattern)
        .unwrap_or_else(|_| Regex::new(r"[^\s\S]").unwrap_or_else(|_| unreachable!()))
}

/// Whether the text names a date, period or schedule anywhere.
pub fn mentions_date(text: &str) -> bool {
    date_tokens(text, 1) >= 1 && DATE_WORD.is_match(text)
}

/// Whether the text opens with a date phrase ("March 2010", "TBC").
pub fn starts_with_date(text: &str) -> bool {
    // The leftmost match starts at 0 exactly when an anchored match exists,
    // and the anchored search need not scan the whole text.
    LEADING_ITEM.is_match(text.trim_start())
}

pub fn is_tbc(text: &str) -> bool {
    (crate::records::contains_ci(text, "tb") || crate::records::contains_ci(text, "to be"))
        && TBC.is_match(text)
}

/// Splits a deadline cell that lists several dates ("April 2017 September
/// 2017 September 2017", one per line, or "1 set held …" lines) into its
/// phrases. A single phrase comes back whole.
pub fn split_dates(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.contains('\n') {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.len() > 1 && lines.iter().all(|l| starts_with_date(l)) {
            return lines.into_iter().flat_map(split_dates).collect();
        }
    }
    if text.len() > 300 || date_tokens(text, 2) < 2 || !DATE_LIST.is_match(text) {
        return vec![text.to_string()];
    }
    ONE_ITEM
        .find_iter(text)
        .map(|m| m.as_str().trim().to_string())
        .collect()
}

/// A quick count of words that can be part of a date phrase, so that the
/// list pattern only runs on cells that could hold two dates.
/// Counts up to `enough`: the callers only ask whether there are that many.
fn date_tokens(text: &str, enough: usize) -> usize {
    // Words of a date phrase, by their first three letters ("ad" and "as"
    // only as whole words): months, seasons, TBC, schedules.
    let is_token = |w: &str| {
        let b = w.as_bytes();
        if b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit) {
            return true;
        }
        match *b {
            [x, y] => matches!(
                [x.to_ascii_lowercase(), y.to_ascii_lowercase()],
                [b'a', b'd' | b's']
            ),
            [x, y, z, ..] => matches!(
                &[x, y, z].map(|c| c.to_ascii_lowercase()),
                b"jan"
                    | b"feb"
                    | b"mar"
                    | b"apr"
                    | b"may"
                    | b"jun"
                    | b"jul"
                    | b"aug"
                    | b"sep"
                    | b"oct"
                    | b"nov"
                    | b"dec"
                    | b"spr"
                    | b"sum"
                    | b"aut"
                    | b"win"
                    | b"tbc"
                    | b"tbi"
                    | b"tba"
                    | b"mon"
                    | b"qua"
                    | b"wee"
                    | b"ann"
                    | b"ong"
                    | b"on-"
                    | b"con"
                    | b"ad-"
                    | b"eac"
                    | b"thr"
            ),
            _ => false,
        }
    };
    let tokens =
        |words: &mut dyn Iterator<Item = &str>| words.filter(|w| is_token(w)).take(enough).count();
    if text.is_ascii() {
        // The same words as split_whitespace: ASCII text has only ASCII
        // white space.
        tokens(
            &mut text
                .split(|c: char| c.is_ascii_whitespace() || c == '\x0b')
                .filter(|w| !w.is_empty()),
        )
    } else {
        tokens(&mut text.split_whitespace())
    }
}

/// "31 March 2013 - Brief completed" → ("31 March 2013", "Brief completed").
pub fn date_with_label(text: &str) -> (String, Option<String>) {
    if let Some((date, label)) = text.split_once(" - ").or_else(|| text.split_once(" – "))
        && starts_with_date(date)
        && !mentions_date(label)
    {
        return (date.trim().to_string(), Some(label.trim().to_string()));
    }
    (text.trim().to_string(), None)
}

/// An exact day such as "30 September 2013".
/// The day a progress column speaks for, as its heading gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressDate {
    /// "Progress up to 30 September 2013"; "Update March 2025" (the
    /// month's last day).
    Day(NaiveDate),
    /// "Q2 update", "Quarter 2 2024/25": the quarter's last day, in the
    /// year the heading names or else the plan's year.
    Quarter(Quarter, Option<FinancialYear>),
    /// "As at 30 September": a day and month in the plan's year.
    DayOfYear { day: u32, month: u32 },
}

impl ProgressDate {
    /// The day, given the plan's year for a heading that names none.
    pub fn day(self, plan_year: Option<FinancialYear>) -> Option<NaiveDate> {
        match self {
            ProgressDate::Day(day) => Some(day),
            ProgressDate::Quarter(q, year) => {
                Some(Period::Quarter(year.or(plan_year)?, q).last_day())
            }
            ProgressDate::DayOfYear { day, month } => {
                let fy = plan_year?;
                let year = if month >= 4 {
                    fy.start_year()
                } else {
                    fy.start_year() + 1
                };
                NaiveDate::from_ymd_opt(year, month, day)
            }
        }
    }
}

static MONTH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| compile(&format!(r"(?i)\b({MONTH})\.?,?\s+((?:19|20)\d\d)\b")));
static QUARTER: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?i)\b(?:q|quarter\s*|qtr\s*)([1-4])\b"));

/// What a progress heading says about when its updates were written: a
/// day, a month or a quarter.
pub fn progress_date(heading: &str) -> Option<ProgressDate> {
    if let Some(day) = exact_date(heading).or_else(|| numeric_date(heading)) {
        return Some(ProgressDate::Day(day));
    }
    if let Some(q) = quarter_in(heading) {
        return Some(ProgressDate::Quarter(q, financial_year_in(heading)));
    }
    if let Some(c) = MONTH_YEAR.captures(heading) {
        let month = month_number(&c[1])?;
        let year: i32 = c[2].parse().ok()?;
        return Some(ProgressDate::Day(Period::Month { year, month }.last_day()));
    }
    let c = DAY_MONTH.captures(heading)?;
    let day: u32 = c[1].parse().ok()?;
    let month = month_number(&c[2])?;
    // A day that no month has is no date.
    NaiveDate::from_ymd_opt(2000, month, day)?;
    Some(ProgressDate::DayOfYear { day, month })
}

static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)\b(\d{{1,2}})\s*(?:st|nd|rd|th)?\s+({MONTH})\.?\b"
    ))
});

/// The quarter a heading names: "Q2", "Quarter 2", "Qtr 2".
pub fn quarter_in(text: &str) -> Option<Quarter> {
    QUARTER
        .captures(text)
        .and_then(|c| Quarter::from_number(c[1].parse().ok()?))
}

/// The first financial year written anywhere in a text ("Q2 2024/25").
pub fn financial_year_in(text: &str) -> Option<FinancialYear> {
    FY.find_iter(text)
        .find_map(|m| financial_year_label(m.as_str()))
}

static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)?\d\d)\b"));

/// A day written in figures, the British way round: "30/09/2013",
/// "30.09.13".
pub fn numeric_date(text: &str) -> Option<NaiveDate> {
    let caps = NUMERIC.captures(text)?;
    let day: u32 = caps[1].parse().ok()?;
    let month: u32 = caps[2].parse().ok()?;
    let year: i32 = caps[3].parse().ok()?;
    let year = if year < 100 { 2000 + year } else { year };
    NaiveDate::from_ymd_opt(year, month, day)
}

pub fn exact_date(text: &str) -> Option<NaiveDate> {
    let caps = EXACT.captures(text)?;
    let day: u32 = caps[1].parse().ok()?;
    let month = month_number(&caps[2])?;
    let year: i32 = caps[3].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn month_number(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u32 + 1)
}

/// A column label naming a financial year: "2009/10", "09/10", "2009/2010".
pub fn financial_year_label(text: &str) -> Option<FinancialYear> {
    let t = text.trim();
    if t.len() > 12 {
        return None;
    }
    // Two years need four digits and a separator between them.
    if t.bytes().filter(u8::is_ascii_digit).count() < 4 || !t.contains(['/', '-', '–']) {
        return None;
    }
    let caps = FY.captures(t)?;
    if caps.get(0)?.as_str().len() + 2 < t.len() {
        return None;
    }
    let start: i32 = caps[1].parse().ok()?;
    let start = if start < 100 { 2000 + start } else { start };
    let end: i32 = caps[2].parse().ok()?;
    let end_two = end % 100;
    if (start + 1) % 100 != end_two {
        return None;
    }
    FinancialYear::starting(start)
}

/// The financial years a title names: "2015/16", "2017/18 – 2019/20",
/// "2009/10 TO 2011/12".
/// "2025-2028": a plan spanning years, read as the financial years from
/// the first year's April to the last year's March.
fn calendar_span(text: &str) -> Option<PlanPeriod> {
    static SPAN: LazyLock<Regex> =
        LazyLock::new(|| compile(r"\b((?:19|20)\d\d)\s*(?:[/–-]|to)\s*((?:19|20)\d\d)\b"));
    let c = SPAN.captures(text)?;
    let (first, last): (i32, i32) = (c[1].parse().ok()?, c[2].parse().ok()?);
    if !(first + 2..=first + 10).contains(&last) {
        return None;
    }
    Some(PlanPeriod {
        from: FinancialYear::starting(first)?,
        to: FinancialYear::starting(last - 1)?,
    })
}

pub fn plan_period(text: &str) -> Option<PlanPeriod> {
    let years: Vec<FinancialYear> = FY
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?.as_str();
            let start: i32 = c[1].parse().ok()?;
            if start < 1000 {
                return None;
            }
            whole.parse::<FinancialYear>().ok()
        })
        .take(2)
        .collect();
    if years.is_empty() {
        return calendar_span(text);
    }
    match years.as_slice() {
        [one] => Some(PlanPeriod::single(*one)),
        [from, to] if from <= to => Some(PlanPeriod {
            from: *from,
            to: *to,
        }),
        [from, _] => Some(PlanPeriod::single(*from)),
        _ => None,
    }
}

/// Reads a date phrase with the plan's year as context (remembered:
/// plans repeat their dates).
pub fn fuzzy(text: &str, context: DateContext) -> FuzzyDate {
    thread_local! {
        static READINGS: crate::memo::Memory<DateContext, FuzzyDate> = Default::default();
    }
    crate::memo::remembered(&READINGS, context, text.trim(), |text| {
        FuzzyDate::parse(text, context)
    })
}

/// One date standing for several (an action with a date per milestone):
/// the original text, spanning the earliest to the latest of the parts.
pub fn combined(text: &str, parts: &[&FuzzyDate]) -> FuzzyDate {
    let readable = parts.iter().all(|p| p.is_readable());
    let earliest = parts.iter().filter_map(|p| p.earliest).min();
    // An open-ended part ("Ongoing") leaves the whole open-ended.
    let open = parts.iter().any(|p| p.latest.is_none());
    let latest = if open {
        None
    } else {
        parts.iter().filter_map(|p| p.latest).max()
    };
    let reading = match parts.first() {
        Some(first) if readable && parts.iter().all(|p| p.reading == first.reading) => {
            first.reading
        }
        Some(_) if readable => DateReading::Span,
        _ => DateReading::Unreadable,
    };
    let readable = reading != DateReading::Unreadable;
    FuzzyDate {
        text: text.split_whitespace().collect::<Vec<_>>().join(" "),
        earliest: if readable { earliest } else { None },
        latest: if readable { latest } else { None },
        recurrence: None,
        reading,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_cells_split_into_phrases() {
        assert_eq!(
            split_dates("April 2017 September 2017 September 2017").len(),
            3
        );
        assert_eq!(
            split_dates("March 2017 February 2016 – March 2017 August 2017").len(),
            3
        );
        assert_eq!(
            split_dates("Jul- Dec 2017 Jan-Jul 2017 Aug- Oct 2017").len(),
            3
        );
        assert_eq!(
            split_dates("2017 – 2018 2019 – 2020"),
            vec!["2017 – 2018", "2019 – 2020"]
        );
        assert_eq!(split_dates("Monthly Monthly As required").len(), 3);
        assert_eq!(
            split_dates(
                "June 2017 August 2017 (or sooner if necessary to meet bidding timescales)"
            )[1],
            "August 2017 (or sooner if necessary to meet bidding timescales)"
        );
        assert_eq!(
            split_dates("Examination by end June 2017 and adoption by end Dec 17").len(),
            1
        );
        assert_eq!(split_dates("31 March 2018").len(), 1);
        assert_eq!(split_dates("Ongoing 2017/18").len(), 1);
        assert_eq!(
            split_dates("May 2017 October 2017\nEnd March 2018").len(),
            3
        );
        assert_eq!(
            split_dates("March 2017 March 2017 March 2017 TBC March 2018").len(),
            5
        );
    }

    #[test]
    fn plan_periods_from_titles() {
        let period = |t: &str| plan_period(t).map(|p| p.to_string());
        assert_eq!(period("Service Plan 2015/16").as_deref(), Some("2015/16"));
        assert_eq!(
            period("Corporate Plan 2025-2028").as_deref(),
            Some("2025/26 to 2027/28")
        );
        assert_eq!(
            period("Plan 2025 to 2030").as_deref(),
            Some("2025/26 to 2029/30")
        );
        assert_eq!(period("Housing Plan 2024-25").as_deref(), Some("2024/25"));
        assert_eq!(period("Plan 2024-2025").as_deref(), Some("2024/25"));
        assert_eq!(period("Population 2011 and 2021"), None);
    }

    #[test]
    fn progress_headings_give_their_day() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let fy = FinancialYear::starting(2024);
        let read = |h: &str| progress_date(h).and_then(|p| p.day(fy));
        assert_eq!(read("Progress up to 30 September 2013"), day(2013, 9, 30));
        assert_eq!(read("Update Q2"), day(2024, 9, 30));
        assert_eq!(read("Quarter 4 update"), day(2025, 3, 31));
        assert_eq!(read("Q3 2023/24 position"), day(2023, 12, 31));
        assert_eq!(read("Position at end of March 2025"), day(2025, 3, 31));
        assert_eq!(read("Sept 2024 update"), day(2024, 9, 30));
        assert_eq!(read("Progress as at 30 September"), day(2024, 9, 30));
        assert_eq!(read("Position at 31st March"), day(2025, 3, 31));
        assert_eq!(read("Progress 30/09/2013"), day(2013, 9, 30));
        assert_eq!(read("Progress"), None);
        assert_eq!(progress_date("Update Q2").and_then(|p| p.day(None)), None);
    }

    #[test]
    fn exact_days_and_year_labels() {
        assert_eq!(
            exact_date("Progress up to 30 September 2013"),
            NaiveDate::from_ymd_opt(2013, 9, 30)
        );
        assert_eq!(
            financial_year_label("09/10").map(|f| f.to_string()),
            Some("2009/10".into())
        );
        assert_eq!(
            financial_year_label("2010/11").map(|f| f.to_string()),
            Some("2010/11".into())
        );
        assert_eq!(financial_year_label("11/11"), None);
        assert_eq!(
            plan_period("SERVICE PLANS 2017/18 – 2019/20").map(|p| p.to_string()),
            Some("2017/18 to 2019/20".into())
        );
        assert_eq!(
            plan_period("Hertsmere's 2020 Vision Corporate Action Plan 2017/18")
                .map(|p| p.to_string()),
            Some("2017/18".into())
        );
    }
}
