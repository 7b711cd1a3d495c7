//! Indicators named inside text: "MEHPI 132 – % of full applications …
//! Collected Monthly", "NI 14 – Avoidable contact", "QEHPI 150 – … [Collected
//! Quarterly]". A mention runs from its code to its "Collected …" phrase,
//! the next code, or the end of its line.

use crate::cells::collapse;
use crate::dates::compile;
use goldthread_domain::{Baseline, Frequency, IndicatorCode, Polarity, Unit, read_number};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub code: IndicatorCode,
    pub title: String,
    pub frequency: Option<Frequency>,
    /// Bracketed notes and "Change from 2016/17" remarks.
    pub note: Option<String>,
    /// Byte span of the whole mention in the searched text.
    pub start: usize,
    pub end: usize,
}

/// `…PI 132` codes need nothing after them; short codes such as `NI 14` or
/// `SX52` only count when a dash or colon introduces their title, so that
/// "recording NI14 for 2009/10" is not taken for an indicator.
static CODE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"\b(?:NEW\s+)?(?:([A-Z]{1,6}PI)\s?(\d{1,4}(?:\.\d{1,3})*[a-z]?)\b|(NI|[A-Z]{2,3})\s?(\d{1,4}[a-z]?)\s*[-–:])",
    )
});
static COLLECTED: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)[\s.\-–\[(]*\bcollected\b\s*(monthly|quarterly|annually|annual|yearly|weekly|every 6 months|every six months|six monthly|half[- ]yearly|bi-annually)?[\])}]*\.?",
    )
});
static NOTE: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?i)\s*(?:[\[{][^\]}]*[\]}]|[\-–]\s*change (?:from|of wording)[^.\n]*)")
});
static BASELINE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"\(\s*(?:(?P<v1>[\d.,]+\s*%?)\s+in\s+(?P<w1>(?:19|20)\d\d(?:/\d{1,4})?)|(?P<w2>[^()=]{2,40}?)\s*=\s*(?P<v2>[^()]{1,40}))\s*\)",
    )
});

/// The unit and polarity an indicator's title implies (remembered: a plan
/// names its indicators again and again).
pub fn implied_by_title(title: &str) -> (Unit, Polarity) {
    thread_local! {
        static READINGS: crate::memo::Memory<(), (Unit, Polarity)> = Default::default();
    }
    crate::memo::remembered(&READINGS, (), title, |title| {
        (Unit::infer(title), Polarity::infer(title))
    })
}

pub fn frequency_word(word: &str) -> Option<Frequency> {
    let w = word.to_ascii_lowercase();
    match w.as_str() {
        "monthly" => Some(Frequency::Monthly),
        "quarterly" => Some(Frequency::Quarterly),
        "annually" | "annual" | "yearly" => Some(Frequency::Annual),
        "every 6 months" | "every six months" | "six monthly" | "six-monthly" | "half yearly"
        | "half-yearly" | "bi-annually" | "biannually" => Some(Frequency::HalfYearly),
        _ => None,
    }
}

/// Every indicator mention in a text, in order.
pub fn mentions(text: &str) -> Vec<Mention> {
    // Cheap gate before the pattern: most cells name no indicator.
    if !may_name_code(text) {
        return Vec::new();
    }
    let codes: Vec<(usize, usize, String)> = CODE
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let (letters, number) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
                (Some(l), Some(n), _, _) => (l, n),
                (_, _, Some(l), Some(n)) => (l, n),
                _ => return None,
            };
            let code = format!("{} {}", letters.as_str(), number.as_str());
            // The title starts after the code and any separator.
            let after = number.end();
            let rest = &text[after..];
            let skip = rest.len()
                - rest
                    .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | ':'))
                    .len();
            Some((whole.start(), after + skip, code))
        })
        .collect();
    let mut out = Vec::with_capacity(codes.len());
    for (i, (start, title_start, code)) in codes.iter().enumerate() {
        let Ok(code) = code.parse::<IndicatorCode>() else {
            continue;
        };
        let limit = codes.get(i + 1).map_or(text.len(), |next| next.0);
        let mut end = limit.max(*title_start);
        if let Some(nl) = text[*title_start..end].find(['\n', '•']) {
            end = title_start + nl;
        }
        let mut body = &text[*title_start..end];
        let mut frequency = None;
        // "Collected Monthly" ends the mention; a bare "collected" only
        // when nothing follows it ("… liability collected achieved" is title).
        let collected = COLLECTED.captures_iter(body).find(|c| {
            c.get(1).is_some() || c.get(0).is_some_and(|m| body[m.end()..].trim().is_empty())
        });
        if let Some(c) = collected
            && let Some(m) = c.get(0)
        {
            frequency = c.get(1).and_then(|w| frequency_word(w.as_str()));
            end = title_start + m.end();
            body = &text[*title_start..title_start + m.start()];
        }
        let mut notes = Vec::new();
        for m in NOTE.find_iter(body) {
            let note = m
                .as_str()
                .trim()
                .trim_matches(|c| matches!(c, '[' | ']' | '{' | '}' | '-' | '–'))
                .trim();
            if frequency.is_none() {
                frequency = note.split_whitespace().find_map(frequency_word);
            }
            notes.push(note.to_string());
        }
        let title = NOTE.replace_all(body, "");
        let title = collapse(title.trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '-' | '–' | '.' | ':' | ',')
        }));
        let frequency = frequency.or_else(|| code.implied_frequency());
        out.push(Mention {
            code,
            title,
            frequency,
            note: (!notes.is_empty()).then(|| notes.join("; ")),
            start: *start,
            end,
        });
    }
    out
}

/// Whether the text has what every code has: two capitals, then a digit
/// straight after or after one space ("PI 132", "NI14", "SX52").
fn may_name_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digit_at = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    bytes.windows(2).enumerate().any(|(i, w)| {
        w[0].is_ascii_uppercase()
            && w[1].is_ascii_uppercase()
            && (digit_at(i + 2)
                || (bytes.get(i + 2).is_some_and(u8::is_ascii_whitespace) && digit_at(i + 3))
                || (bytes.get(i + 2..i + 4) == Some("\u{a0}".as_bytes()) && digit_at(i + 4)))
    })
}

/// An indicator code opening a table cell: "SX52 - % of Scrutiny …".
pub fn leading(text: &str) -> Option<Mention> {
    // A code opens with a capital and has its number within "NEW " plus six
    // letters, "PI" and a space; most lines fail this before any search.
    let bytes = text.as_bytes();
    let may_open = bytes.first().is_some_and(u8::is_ascii_uppercase)
        && (text.starts_with("NEW") || bytes.iter().take(14).any(u8::is_ascii_digit));
    if !may_open {
        return None;
    }
    let first = mentions(text).into_iter().next()?;
    (first.start == 0).then_some(first)
}

/// A baseline written into an indicator's title: "(72% in 2008)",
/// "(2008 = 33.9%)", "(2007/08 = 19 accumulative)". Takes the last one, the
/// most recent, and returns the title without it.
pub fn baseline(title: &str) -> (String, Option<Baseline>) {
    let mut found = None;
    let mut stripped = String::with_capacity(title.len());
    let mut last = 0;
    // The pattern needs a bracket and " in " or "=": most titles have neither.
    let may_hold = title.contains('(') && (title.contains('=') || title.contains("in"));
    let found_all = may_hold.then(|| BASELINE.captures_iter(title));
    for caps in found_all.into_iter().flatten() {
        let Some(whole) = caps.get(0) else { continue };
        let (value, when) = match (
            caps.name("v1"),
            caps.name("w1"),
            caps.name("w2"),
            caps.name("v2"),
        ) {
            (Some(v), Some(w), _, _) => (v.as_str(), w.as_str()),
            (_, _, Some(w), Some(v)) => (v.as_str(), w.as_str()),
            _ => continue,
        };
        stripped.push_str(&title[last..whole.start()]);
        last = whole.end();
        found = Some(Baseline {
            text: value.trim().to_string(),
            value: read_number(value),
            when: Some(when.trim().to_string()),
        });
    }
    stripped.push_str(&title[last..]);
    (collapse(&stripped), found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_with_frequency() {
        let text = "Commence full shared service MEHPI 132 – % of full applications for Disabled Facilities Grant (DFG) approved within 7 weeks – collected Monthly";
        let m = mentions(text);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].code.as_str(), "MEHPI 132");
        assert_eq!(
            m[0].title,
            "% of full applications for Disabled Facilities Grant (DFG) approved within 7 weeks"
        );
        assert_eq!(m[0].frequency, Some(Frequency::Monthly));
        assert_eq!(&text[..m[0].start], "Commence full shared service ");
        let m =
            mentions("QEHPI 150 – Number of prevented homeless applications [Collected Quarterly]");
        assert_eq!(m[0].title, "Number of prevented homeless applications");
        assert_eq!(m[0].frequency, Some(Frequency::Quarterly));
        let m = mentions("HEHPI 148 – Number of applicants – Collected every 6 months");
        assert_eq!(m[0].frequency, Some(Frequency::HalfYearly));
        assert!(mentions("Establish schemes for recording NI14 for 2009/10").is_empty());
        assert_eq!(
            mentions("NI 14 – Avoidable contact: The average number")[0]
                .code
                .as_str(),
            "NI 14"
        );
        assert!(mentions("HH2.1 and KA.1 and Q1 2017").is_empty());
    }

    #[test]
    fn the_gates_pass_every_text_the_code_pattern_matches() {
        let texts = [
            "MEHPI 132 – x",
            "MEHPI\u{a0}132 – x",
            "NEW  QEHPI 150 – x",
            "SX52 - % of Scrutiny",
            "NI\t14: x",
            "NI 14 – x",
            "AB1a: x",
            "Q1 2017",
            "HH2.1",
            "Deliver the plan",
            "",
        ];
        for text in texts {
            let first = CODE.find(text);
            if first.is_some() {
                assert!(may_name_code(text), "gate hides {text:?}");
            }
            if first.is_some_and(|m| m.start() == 0) {
                assert!(leading(text).is_some(), "leading misses {text:?}");
            }
        }
        assert!(!may_name_code("Q1 2017 and KA.1, due March"));
    }

    #[test]
    fn baselines_in_titles() {
        let (title, b) = baseline("% staff find In-Site useful (72% in 2008)");
        assert_eq!(title, "% staff find In-Site useful");
        let b = b.unwrap();
        assert_eq!(
            (b.text.as_str(), b.value, b.when.as_deref()),
            ("72%", Some(72.0), Some("2008"))
        );
        let (_, b) = baseline(
            "NI 4 - % of people who feel they can influence decisions in their locality (2008 = 33.9%)",
        );
        assert_eq!(b.unwrap().value, Some(33.9));
        let (_, b) = baseline(
            "% of staff who feel well informed (staff survey) (59% in 2006) (63% in 2008/9)",
        );
        assert_eq!(b.unwrap().when.as_deref(), Some("2008/9"));
    }
}
