//! Performance indicators, their targets and measured values.

use crate::document::Provenance;
use crate::financial_year::Period;
use crate::names::named;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An indicator's reference: `MEHPI 132`, `NI 14`, `SX52`, `AEHPI 5.11`.
/// Letters, then a number that may carry dots and a letter suffix; stored
/// with one space between them when the source had any.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndicatorCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an indicator code (expected letters then a number, e.g. MEHPI 132 or NI 14)")]
pub struct IndicatorCodeError(pub String);

impl IndicatorCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// East Herts style codes open with the collection frequency:
    /// `M`EHPI monthly, `Q`EHPI quarterly, `H`… half-yearly, `A`… annual.
    pub fn implied_frequency(&self) -> Option<Frequency> {
        let prefix: String = self
            .0
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        if prefix.len() < 4 || !prefix.ends_with("PI") {
            return None;
        }
        match prefix.chars().next()? {
            'M' => Some(Frequency::Monthly),
            'Q' => Some(Frequency::Quarterly),
            'H' => Some(Frequency::HalfYearly),
            'A' => Some(Frequency::Annual),
            _ => None,
        }
    }
}

impl FromStr for IndicatorCode {
    type Err = IndicatorCodeError;
    /// A prefix of capitals (one to eight), or groups of them joined by
    /// `&` or `-` as Scotland's benchmarking codes are (`C&L 01`,
    /// `CORP-ASSET 01`); then a number, after a space, `-`, `/` or `_` or
    /// nothing (`NI 14`, `KPI-01`, `CS/3`, `SX52`). Spaces collapse to one;
    /// another separator is kept as written.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || IndicatorCodeError(s.to_string());
        let s = s.trim();
        let bytes = s.as_bytes();
        let mut end = 0;
        loop {
            let start = end;
            while end < bytes.len() && bytes[end].is_ascii_uppercase() {
                end += 1;
            }
            if !(1..=8).contains(&(end - start)) {
                return Err(err());
            }
            let joined = matches!(bytes.get(end), Some(b'&' | b'-'))
                && bytes.get(end + 1).is_some_and(u8::is_ascii_uppercase);
            if !joined {
                break;
            }
            end += 1;
        }
        let (prefix, rest) = s.split_at(end);
        if prefix.len() > 20 {
            return Err(err());
        }
        let (sep, number) = match rest.chars().next() {
            Some(c) if c.is_whitespace() => (" ", rest.trim_start()),
            Some('-') => ("-", &rest[1..]),
            Some('/') => ("/", &rest[1..]),
            Some('_') => ("_", &rest[1..]),
            _ => ("", rest),
        };
        let valid_number = number.starts_with(|c: char| c.is_ascii_digit())
            && number.len() <= 12
            && number
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.')
            && !number.ends_with('.');
        if !valid_number {
            return Err(err());
        }
        Ok(Self(format!("{prefix}{sep}{number}")))
    }
}

impl TryFrom<String> for IndicatorCode {
    type Error = IndicatorCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<IndicatorCode> for String {
    fn from(code: IndicatorCode) -> String {
        code.0
    }
}

impl fmt::Display for IndicatorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Annual,
}
named!(Frequency { Monthly => "monthly", Quarterly => "quarterly", HalfYearly => "half_yearly", Annual => "annual" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Percent,
    #[default]
    Count,
    Pounds,
    Days,
    Ratio,
    Text,
}
named!(Unit { Percent => "percent", Count => "count", Pounds => "pounds", Days => "days", Ratio => "ratio", Text => "text" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    #[default]
    HigherIsBetter,
    LowerIsBetter,
    Neither,
}
named!(Polarity { HigherIsBetter => "higher_is_better", LowerIsBetter => "lower_is_better", Neither => "neither" });

impl Frequency {
    /// As a plan's indicator table words it.
    pub fn label(self) -> &'static str {
        match self {
            Frequency::Monthly => "Monthly",
            Frequency::Quarterly => "Quarterly",
            Frequency::HalfYearly => "Half-yearly",
            Frequency::Annual => "Annual",
        }
    }
}

impl Unit {
    pub fn label(self) -> &'static str {
        match self {
            Unit::Percent => "Percentage",
            Unit::Count => "Number",
            Unit::Pounds => "Pounds (£)",
            Unit::Days => "Days",
            Unit::Ratio => "Ratio",
            Unit::Text => "Text",
        }
    }
}

impl Polarity {
    pub fn label(self) -> &'static str {
        match self {
            Polarity::HigherIsBetter => "Higher is better",
            Polarity::LowerIsBetter => "Lower is better",
            Polarity::Neither => "Neither higher nor lower is better",
        }
    }
}

impl Polarity {
    /// The polarity an indicator's title implies. Most council indicators
    /// count good things (higher is better); those that time a process or
    /// count a harm are lower-is-better. Plans rarely say which, and reading
    /// "time taken to process claims" as higher-is-better would colour every
    /// improvement red, so the title is read for the usual signs.
    pub fn infer(title: &str) -> Polarity {
        const LOWER: &[&str] = &[
            "time taken",
            "days to",
            "number of days",
            "average time",
            "average number of days",
            "waiting",
            "complaints",
            "homeless households",
            "temporary accommodation",
            "sickness",
            "absence",
            "missed",
            "fly-tip",
            "fly tip",
            "crime",
            "anti-social",
            "antisocial",
            "avoidable contact",
            "arrears",
            "vacant",
            "void",
            "overdue",
            "backlog",
            "incidents",
            "emissions",
            "co2",
            "carbon",
            "residual",
            "landfill",
            "cost per",
            "empty homes",
            "re-offend",
            "reoffend",
            "accidents",
            "injuries",
            "days lost",
        ];
        let lower = title.to_lowercase();
        if LOWER.iter().any(|sign| lower.contains(sign)) {
            Polarity::LowerIsBetter
        } else {
            Polarity::HigherIsBetter
        }
    }
}

impl Unit {
    /// The unit an indicator's title implies: `% of …` is a percentage,
    /// `time taken …` days, `£…` or `cost …` money, else a count.
    pub fn infer(title: &str) -> Unit {
        let lower = title.to_lowercase();
        if lower.contains('%')
            || lower.contains("percentage")
            || lower.contains("per cent")
            || lower.contains("satisfaction")
        {
            Unit::Percent
        } else if lower.contains("time taken")
            || lower.contains("days")
            || lower.contains("average time")
        {
            Unit::Days
        } else if lower.contains('£') || lower.starts_with("cost") || lower.contains(" cost ") {
            Unit::Pounds
        } else {
            Unit::Count
        }
    }
}

/// How an indicator's period values make its yearly figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    Sum,
    Mean,
    #[default]
    Latest,
}
named!(Aggregation { Sum => "sum", Mean => "mean", Latest => "latest" });

impl Aggregation {
    /// The yearly figure from the period values in order; None when empty.
    pub fn roll_up(self, values: &[f64]) -> Option<f64> {
        let last = *values.last()?;
        Some(match self {
            Aggregation::Sum => values.iter().sum(),
            Aggregation::Mean => values.iter().sum::<f64>() / values.len() as f64,
            Aggregation::Latest => last,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Indicator {
    pub code: Option<IndicatorCode>,
    pub title: String,
    pub description: Option<String>,
    pub unit: Unit,
    pub polarity: Polarity,
    pub frequency: Option<Frequency>,
    pub aggregation: Aggregation,
    pub baseline: Option<Baseline>,
    pub targets: Vec<Target>,
    /// Amber band as a fraction of the target (0.05 = within 5%). None
    /// means the organisation's default.
    pub tolerance: Option<f64>,
    pub owner: Option<String>,
    pub measurements: Vec<Measurement>,
    /// Indices of thread nodes it reports against.
    pub nodes: Vec<usize>,
    pub provenance: Option<Provenance>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The value as written ("72%").
    pub text: String,
    pub value: Option<f64>,
    /// When the baseline was measured ("2008", "2008/09").
    pub when: Option<String>,
}

/// A target for one period (usually a financial year).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    #[serde(with = "period_text")]
    pub period: Period,
    /// The target as written ("80%", "Increase from 2016/17").
    pub text: String,
    pub value: Option<f64>,
}

/// A value recorded for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    #[serde(with = "period_text")]
    pub period: Period,
    pub value: Option<f64>,
    /// For text indicators, or a value given as words.
    pub text: Option<String>,
    pub note: Option<String>,
    /// The red/amber/green judgement the council reported with the value
    /// (a KPI return's "Status" column), kept beside the one Goldthread
    /// computes from value and target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::status::Rag>,
    pub recorded_by: Option<String>,
    pub recorded_at: Option<DateTime<Utc>>,
}

/// A figure as people write it: `94%`, `£1,250`, `10,323`, `0.91`, `12,5`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub percent: bool,
    pub pounds: bool,
}

/// A cell that is a figure and nothing more (a trailing footnote mark
/// aside). A comma before exactly three digits groups thousands; any other
/// comma is a decimal point ("12,5" is 12.5, never 125).
pub fn parse_figure(text: &str) -> Option<Figure> {
    let mut t = text.trim().trim_end_matches(['*', '†']).trim();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let pounds = t.starts_with('£');
    if pounds {
        t = t.trim_start_matches('£').trim_start();
    }
    let percent = t.ends_with('%');
    if percent {
        t = t.trim_end_matches('%').trim_end();
    }
    // A sign alone leaves no digits, which is refused below.
    let (negative, digits) = match t.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t),
    };
    let digits = digits.strip_prefix('£').unwrap_or(digits);
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if !digits
        .chars()
        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
    {
        return None;
    }
    let groups: Vec<&str> = digits.split(',').collect();
    let normal = if groups.len() == 1 {
        digits.to_string()
    } else if groups[1..].iter().enumerate().all(|(i, g)| {
        let last = i + 2 == groups.len();
        let whole = if last {
            g.split('.').next().unwrap_or("")
        } else {
            g
        };
        whole.len() == 3 && whole.chars().all(|c| c.is_ascii_digit())
    }) && !groups[0].contains('.')
        && !groups[0].is_empty()
    {
        groups.concat()
    } else if groups.len() == 2 && !digits.contains('.') {
        format!("{}.{}", groups[0], groups[1])
    } else {
        return None;
    };
    let value: f64 = normal.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    Some(Figure {
        value: if negative { -value } else { value },
        percent,
        pounds,
    })
}

/// Reads a number from how people write figures: `72%`, `£1.2m`,
/// `1,250`, `3.5 days`. Returns None when there is no number.
pub fn read_number(text: &str) -> Option<f64> {
    // ASCII text (nearly all figures) is read by hand; other digits, which
    // the pattern's `\d` also takes, go to the pattern.
    if text.is_ascii() {
        return read_ascii_number(text.as_bytes());
    }
    read_number_by_pattern(text)
}

/// [`read_number`] for ASCII text: the first `-?digits[,digits][.digits]`,
/// then an `m` or `k` standing alone as millions or thousands.
fn read_ascii_number(b: &[u8]) -> Option<f64> {
    let start = (0..b.len()).find(|&i| {
        b[i].is_ascii_digit() || (b[i] == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
    })?;
    let mut end = start + 1;
    while end < b.len() && (b[end].is_ascii_digit() || b[end] == b',') {
        end += 1;
    }
    if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end += 2;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    let digits: String = b[start..end]
        .iter()
        .filter(|&&c| c != b',')
        .map(|&c| char::from(c))
        .collect();
    let mut value: f64 = digits.parse().ok()?;
    let mut after = end;
    while after < b.len() && matches!(b[after], b'\t'..=b'\r' | b' ') {
        after += 1;
    }
    let word_char = |i: usize| {
        b.get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    };
    match b.get(after) {
        Some(b'm' | b'M') if !word_char(after + 1) => value *= 1_000_000.0,
        Some(b'k' | b'K') if !word_char(after + 1) => value *= 1_000.0,
        _ => {}
    }
    Some(value)
}

fn read_number_by_pattern(text: &str) -> Option<f64> {
    let re = number_pattern();
    let caps = re.captures(text)?;
    let digits: String = caps[1].chars().filter(|c| *c != ',').collect();
    let mut value: f64 = digits.parse().ok()?;
    match caps.get(2).map(|m| m.as_str()) {
        Some("m" | "M") => value *= 1_000_000.0,
        Some("k" | "K") => value *= 1_000.0,
        _ => {}
    }
    Some(value)
}

fn number_pattern() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(r"(-?\d[\d,]*(?:\.\d+)?)\s*([mMkK]\b)?")
            .unwrap_or_else(|_| unreachable!())
    })
}

mod period_text {
    use crate::financial_year::Period;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(p: &Period, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(p)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_one_to_eight_capitals_then_a_number_of_up_to_twelve_characters() {
        let read = |t: &str| t.parse::<IndicatorCode>().map(|c| c.to_string());
        assert_eq!(read("ABCDEFGH 1").as_deref(), Ok("ABCDEFGH 1"));
        assert!(read("ABCDEFGHI 1").is_err());
        assert_eq!(read("A1").as_deref(), Ok("A1"));
        assert_eq!(read("NI 123456789012").as_deref(), Ok("NI 123456789012"));
        assert!(read("NI 1234567890123").is_err());
        assert_eq!(read(" NI 1.2.3 ").as_deref(), Ok("NI 1.2.3"));
        for bad in [
            "NI 1-2", "NI 1 2", "NI .5", "NI", "Ni 14", "C&", "C&&L 1", "-NI 1", "NI--1",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
        // Prefixes joined by & or - (Scotland's benchmarking framework),
        // and a number after -, / or _.
        for (code, read_as) in [
            ("C&L 01", "C&L 01"),
            ("C&L1", "C&L1"),
            ("CORP-ASSET  01", "CORP-ASSET 01"),
            ("KPI-01", "KPI-01"),
            ("CS/3", "CS/3"),
            ("PI_12a", "PI_12a"),
        ] {
            assert_eq!(read(code).as_deref(), Ok(read_as), "{code}");
        }
        let code: IndicatorCode = "NI  14".parse().unwrap();
        assert_eq!(String::from(code.clone()), "NI 14");
        assert_eq!(
            serde_json::from_str::<IndicatorCode>("\"NI 14\"").ok(),
            Some(code)
        );
        assert!(serde_json::from_str::<IndicatorCode>("\"14\"").is_err());
    }

    #[test]
    fn only_codes_of_four_or_more_letters_ending_pi_imply_a_frequency() {
        let f = |c: &str| c.parse::<IndicatorCode>().unwrap().implied_frequency();
        assert_eq!(f("HEHPI 3"), Some(Frequency::HalfYearly));
        assert_eq!(f("QBPI 1"), Some(Frequency::Quarterly));
        assert_eq!(f("MPI 1"), None, "three letters");
        assert_eq!(f("MEHP 1"), None, "not ending PI");
        assert_eq!(f("XEHPI 1"), None, "no frequency letter");
    }

    #[test]
    fn each_sign_in_a_title_implies_its_unit() {
        for (title, unit) in [
            ("Rate of recycling %", Unit::Percent),
            ("Percentage of invoices paid", Unit::Percent),
            ("Invoices paid, per cent", Unit::Percent),
            ("Resident satisfaction with parks", Unit::Percent),
            ("Time taken to relet homes", Unit::Days),
            ("Days to process claims", Unit::Days),
            ("Average time to answer calls", Unit::Days),
            ("£ saved through procurement", Unit::Pounds),
            ("Cost of agency staff", Unit::Pounds),
            ("Agency cost per week", Unit::Pounds),
            ("Homes built", Unit::Count),
        ] {
            assert_eq!(Unit::infer(title), unit, "{title}");
        }
        assert_eq!(Polarity::infer("Homes built"), Polarity::HigherIsBetter);
        assert_eq!(Polarity::infer("Crime rate"), Polarity::LowerIsBetter);
    }

    #[test]
    fn figures_with_signs_and_spaces_are_read_and_prose_is_not() {
        let f = |t: &str| parse_figure(t).map(|f| f.value);
        for (text, expected) in [
            ("−5", Some(-5.0)),
            ("- 5", Some(-5.0)),
            ("-", None),
            ("£ 1,250", Some(1250.0)),
            ("-£3", Some(-3.0)),
            ("1,25", Some(1.25)),
            ("1,250.5", Some(1250.5)),
            ("12,345,67", None),
            (".5", Some(0.5)),
            ("5 %", Some(5.0)),
            ("12†", Some(12.0)),
            (",5", None),
            ("1,2,3", None),
            ("1.5,000", None),
            ("%", None),
            ("£", None),
            ("5a", None),
        ] {
            assert_eq!(f(text), expected, "{text}");
        }
        assert!(
            f(&"9".repeat(40)).is_some(),
            "forty characters are a figure"
        );
        assert_eq!(f(&"9".repeat(41)), None);
        let pounds = parse_figure("£5").unwrap();
        assert!(pounds.pounds && !pounds.percent);
        let percent = parse_figure("5%").unwrap();
        assert!(percent.percent && !percent.pounds);
    }

    #[test]
    fn numbers_are_read_with_their_millions_and_thousands() {
        for (text, expected) in [
            ("£1.2m", Some(1_200_000.0)),
            ("3 M", Some(3_000_000.0)),
            ("4k", Some(4_000.0)),
            ("4 K homes", Some(4_000.0)),
            ("5 months", Some(5.0)),
            ("2 kites", Some(2.0)),
            ("6 m_x", Some(6.0)),
            ("-3.25 days", Some(-3.25)),
            ("1,250,000", Some(1_250_000.0)),
            ("12.", Some(12.0)),
            ("3.5", Some(3.5)),
            ("1234.5", Some(1234.5)),
            ("10,000.25 spent", Some(10_000.25)),
            ("v2.5.1", Some(2.5)),
            ("- 4", Some(4.0)),
            ("", None),
            ("٣ units", None),
        ] {
            assert_eq!(read_number(text), expected, "{text}");
        }
        // Text with anything but ASCII in it is read by the pattern, to
        // the same figures ("٣" above is a digit to it, but not a number).
        assert_eq!(read_number("£1.2m ü"), Some(1_200_000.0));
        assert_eq!(read_number("4 k ü"), Some(4_000.0));
        assert_eq!(read_number("4 K ü"), Some(4_000.0));
        assert_eq!(read_number("£2M ü"), Some(2_000_000.0));
        assert_eq!(read_number("ü 7"), Some(7.0));
    }

    #[test]
    fn targets_and_values_carry_their_period_as_text() {
        let target = Target {
            period: "2017/18 Q2".parse().unwrap(),
            text: "80%".into(),
            value: Some(80.0),
        };
        let json = serde_json::to_value(&target).unwrap();
        assert_eq!(json["period"], "2017/18 Q2");
        assert_eq!(serde_json::from_value::<Target>(json).ok(), Some(target));
    }

    #[test]
    fn frequency_unit_and_polarity_have_the_words_a_plan_prints() {
        assert_eq!(
            Frequency::ALL.map(Frequency::label),
            ["Monthly", "Quarterly", "Half-yearly", "Annual"]
        );
        assert_eq!(
            Unit::ALL.map(Unit::label),
            [
                "Percentage",
                "Number",
                "Pounds (£)",
                "Days",
                "Ratio",
                "Text"
            ]
        );
        assert_eq!(
            Polarity::ALL.map(Polarity::label),
            [
                "Higher is better",
                "Lower is better",
                "Neither higher nor lower is better"
            ]
        );
    }

    #[test]
    fn frequency_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &Frequency::ALL,
            Frequency::as_str,
            Frequency::parse,
        );
        crate::names::assert_names_read_back(&Frequency::ALL, Frequency::as_str);
    }

    #[test]
    fn unit_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(&Unit::ALL, Unit::as_str, Unit::parse);
        crate::names::assert_names_read_back(&Unit::ALL, Unit::as_str);
    }

    #[test]
    fn polarity_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &Polarity::ALL,
            Polarity::as_str,
            Polarity::parse,
        );
        crate::names::assert_names_read_back(&Polarity::ALL, Polarity::as_str);
    }

    #[test]
    fn aggregation_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &Aggregation::ALL,
            Aggregation::as_str,
            Aggregation::parse,
        );
        crate::names::assert_names_read_back(&Aggregation::ALL, Aggregation::as_str);
    }

    #[test]
    fn indicator_codes_normalise_and_reject_prose() {
        for (input, expected) in [
            ("MEHPI 132", "MEHPI 132"),
            ("MEHPI  132", "MEHPI 132"),
            ("NI 14", "NI 14"),
            ("SX52", "SX52"),
            ("AEHPI 5.11", "AEHPI 5.11"),
            ("MEHPI 5.13c", "MEHPI 5.13c"),
        ] {
            assert_eq!(input.parse::<IndicatorCode>().unwrap().as_str(), expected);
        }
        for bad in ["", "132", "Housing 12", "MEHPI", "MEHPI 1.", "mehpi 132"] {
            assert!(
                bad.parse::<IndicatorCode>().is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn frequency_comes_from_the_code_prefix() {
        let f = |c: &str| c.parse::<IndicatorCode>().unwrap().implied_frequency();
        assert_eq!(f("MEHPI 132"), Some(Frequency::Monthly));
        assert_eq!(f("QEHPI 150"), Some(Frequency::Quarterly));
        assert_eq!(f("AEHPI 5.11"), Some(Frequency::Annual));
        assert_eq!(f("NI 14"), None);
        assert_eq!(f("SX52"), None);
    }

    #[test]
    fn titles_imply_polarity_and_unit() {
        for (title, polarity, unit) in [
            (
                "% of full applications for Disabled Facilities Grant (DFG) approved within 7 weeks",
                Polarity::HigherIsBetter,
                Unit::Percent,
            ),
            (
                "Time taken to process Housing Benefit new claims and change events",
                Polarity::LowerIsBetter,
                Unit::Days,
            ),
            (
                "Number of homeless households living in temporary accommodation",
                Polarity::LowerIsBetter,
                Unit::Count,
            ),
            (
                "Number Of Green Flag awards",
                Polarity::HigherIsBetter,
                Unit::Count,
            ),
            ("Avoidable contact", Polarity::LowerIsBetter, Unit::Count),
            (
                "Customer Satisfaction (GovMetric) Face to Face",
                Polarity::HigherIsBetter,
                Unit::Percent,
            ),
            (
                "Average number of days lost to sickness absence",
                Polarity::LowerIsBetter,
                Unit::Days,
            ),
            (
                "Cost per household of waste collection",
                Polarity::LowerIsBetter,
                Unit::Pounds,
            ),
        ] {
            assert_eq!(
                (Polarity::infer(title), Unit::infer(title)),
                (polarity, unit),
                "{title}"
            );
        }
    }

    #[test]
    fn a_figure_is_read_as_people_write_it_and_never_misread() {
        let f = |t: &str| parse_figure(t).map(|f| f.value);
        for (text, expected) in [
            ("94%", Some(94.0)),
            ("10,323", Some(10323.0)),
            ("1,043,275", Some(1_043_275.0)),
            ("£1,250.50", Some(1250.5)),
            ("0.91", Some(0.91)),
            // A decimal comma, never a thousands separator: 12.5, not 125.
            ("12,5", Some(12.5)),
            ("-3", Some(-3.0)),
            ("5,473*", Some(5473.0)),
            ("12,50,0", None),
            ("1.000,5", None),
            ("NaN", None),
            ("inf", None),
            ("2 days", None),
            ("", None),
        ] {
            assert_eq!(f(text), expected, "{text}");
        }
        assert!(parse_figure("94%").is_some_and(|f| f.percent));
        assert!(parse_figure("£3").is_some_and(|f| f.pounds));
    }

    #[test]
    fn numbers_are_read_from_figures() {
        assert_eq!(read_number("72%"), Some(72.0));
        assert_eq!(read_number("£1.2m+"), Some(1_200_000.0));
        assert_eq!(read_number("1,250 homes"), Some(1250.0));
        assert_eq!(read_number("no figure"), None);
    }

    proptest::proptest! {
        #[test]
        fn ascii_numbers_read_as_the_pattern_reads_them(
            text in "[-0-9,.mMkK _a%£\t\x0b]{0,16}"
        ) {
            proptest::prop_assert_eq!(
                read_number(&text).map(f64::to_bits),
                read_number_by_pattern(&text).map(f64::to_bits)
            );
        }
    }

    #[test]
    fn roll_up_follows_the_aggregation() {
        let v = [1.0, 2.0, 6.0];
        assert_eq!(Aggregation::Sum.roll_up(&v), Some(9.0));
        assert_eq!(Aggregation::Mean.roll_up(&v), Some(3.0));
        assert_eq!(Aggregation::Latest.roll_up(&v), Some(6.0));
        assert_eq!(Aggregation::Sum.roll_up(&[]), None);
    }
}
