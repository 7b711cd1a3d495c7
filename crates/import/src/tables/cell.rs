//! What one cell of a data table holds: a figure, a red/amber/green word,
//! a direction of travel, a code, an area. Column roles are inferred from
//! how many of a column's cells read as each.

use goldthread_domain::status::Rag;

pub use goldthread_domain::Figure;

/// A figure as a data table's cell gives it: `72%`, `1,250`, `£3.4m`, and
/// a figure with its unit of time written after it (`10.93 days`, `14
/// working days`, `3 weeks`), which councils print in their returns.
pub fn figure(text: &str) -> Option<Figure> {
    goldthread_domain::parse_figure(text).or_else(|| {
        time_unit_split(text).and_then(|(number, _)| goldthread_domain::parse_figure(number))
    })
}

/// A target as councils write it: a figure, or a figure with the date it
/// is due by (`5% by March 2024`, `95% by 31/03/2025`); the date is the
/// target's period, which its column gives.
pub fn target_figure(text: &str) -> Option<Figure> {
    figure(text).or_else(|| {
        let (number, date) = text.split_once(" by ")?;
        let date = date.trim();
        (crate::dates::exact_date(date).is_some() || super::period::read(date).is_some())
            .then(|| figure(number))
            .flatten()
    })
}

/// Whether the cell's figure is counted in days (`10.93 days`, `14 working
/// days`): the indicator's unit.
pub fn in_days(text: &str) -> bool {
    time_unit_split(text).is_some_and(|(_, unit)| unit.contains("day"))
}

/// `10.93 days` → (`10.93`, `days`): a number and a unit of time, nothing else.
fn time_unit_split(text: &str) -> Option<(&str, &str)> {
    const UNITS: &[&str] = &[
        "working days",
        "calendar days",
        "days",
        "day",
        "weeks",
        "week",
        "wks",
        "hours",
        "hour",
        "hrs",
        "minutes",
        "mins",
        "min",
        "seconds",
        "secs",
        "months",
        "month",
    ];
    let t = text.trim();
    if t.len() > 40 || !t.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let split = t.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = t.split_at(split);
    let unit_lower = unit.trim().to_ascii_lowercase();
    let unit = UNITS.iter().find(|u| **u == unit_lower)?;
    Some((number.trim(), unit))
}

/// A cell saying no figure is due this period (`Annual Indicator`,
/// `Reported annually`, `Not due`), with how often one is when it says.
pub fn not_due(text: &str) -> Option<Option<goldthread_domain::Frequency>> {
    use goldthread_domain::Frequency;
    let t = text.trim();
    if t.len() > 40 {
        return None;
    }
    let t = t.trim_end_matches('.').to_ascii_lowercase();
    Some(match t.as_str() {
        "annual indicator" | "annual measure" | "annual kpi" | "annual pi" | "annual figure"
        | "reported annually" | "annual only" | "measured annually" | "collected annually" => {
            Some(Frequency::Annual)
        }
        "half yearly indicator" | "reported half yearly" | "reported six monthly" => {
            Some(Frequency::HalfYearly)
        }
        "quarterly indicator" | "reported quarterly" => Some(Frequency::Quarterly),
        "not due"
        | "not yet due"
        | "not due this quarter"
        | "not due this period"
        | "not reported this quarter"
        | "not reported this period"
        | "data not due" => None,
        _ => return None,
    })
}

/// A yes/no mark: `Y`, `N`, `Yes`, `No`, `✓`, `✔`. (`G`, `R` and `A` are
/// red/amber/green, not marks.)
pub fn is_flag(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "✓" | "✔" | "✗" | "✘"
    )
}

/// A column of how often a figure is collected: `Monthly`, `Quarterly`,
/// `Annually`, `Financial year`.
pub fn is_frequency(text: &str) -> bool {
    matches!(
        text.trim().to_ascii_lowercase().as_str(),
        "monthly"
            | "quarterly"
            | "annually"
            | "annual"
            | "yearly"
            | "weekly"
            | "daily"
            | "half yearly"
            | "half-yearly"
            | "six monthly"
            | "6 monthly"
            | "bi-annually"
            | "biannually"
            | "termly"
            | "financial year"
            | "calendar year"
            | "academic year"
    )
}

/// Cells that say "no figure": `-`, `n/a`, `..`, `*`, `TBC`, `null`.
pub fn is_placeholder(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "",
        "-",
        "–",
        "—",
        "n/a",
        "na",
        "n.a.",
        "..",
        "...",
        "*",
        "x",
        "tbc",
        "tba",
        "null",
        "none",
        "nil",
        "not available",
        "no data",
        "not applicable",
        "#n/a",
        "#div/0!",
        "not collected",
        "awaiting data",
        "data not available",
    ];
    let t = text.trim();
    // Figures, the common case, are never placeholders.
    t.len() <= 18
        && !t.starts_with(|c: char| c.is_ascii_digit())
        && (WORDS.iter().any(|w| w.eq_ignore_ascii_case(t))
            // A unit or mark with no figure ("£", "%", "?"): no value.
            || !t.chars().any(char::is_alphanumeric))
}

/// A red/amber/green judgement as councils write it: `GREEN`, `G`, `On
/// target`, `Off track`, `(Amber)`, a traffic-light symbol.
pub fn rag(text: &str) -> Option<Rag> {
    let t = text
        .trim()
        .trim_matches(|c: char| c == '(' || c == ')' || c == '.' || c.is_whitespace());
    if t.is_empty() || t.len() > 22 || t.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let t = t.to_ascii_lowercase();
    let rag = match t.as_str() {
        "green" | "g" | "on target" | "on track" | "met" | "target met" | "achieved"
        | "exceeded" | "above target" | "good" | "🟢" | "●green" => Rag::Green,
        "amber"
        | "a"
        | "near target"
        | "slightly off target"
        | "at risk"
        | "close to target"
        | "within tolerance"
        | "some concerns"
        | "🟡"
        | "🟠"
        | "amber/green"
        | "green/amber" => Rag::Amber,
        "red" | "r" | "off target" | "off track" | "not met" | "target not met" | "missed"
        | "below target" | "not achieved" | "🔴" | "red/amber" | "amber/red" => Rag::Red,
        "blue" | "b" | "complete" | "completed" => Rag::Blue,
        "grey" | "gray" | "data only" | "no target" | "not rated" | "n/a" | "no rag" => Rag::Grey,
        _ => return None,
    };
    Some(rag)
}

/// A direction of travel: arrows and the words councils print beside them.
pub fn direction(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.is_empty() || t.len() > 30 || t.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let t = t.to_ascii_lowercase();
    let has = |cs: &[char]| t.chars().any(|c| cs.contains(&c));
    if has(&['↑', '⇧', '▲', '↗', '⬆'])
        || matches!(t.as_str(), "up" | "improving" | "improved" | "better")
    {
        Some("improving")
    } else if has(&['↓', '⇩', '▼', '↘', '⬇'])
        || matches!(
            t.as_str(),
            "down" | "worsening" | "worse" | "declining" | "deteriorating"
        )
    {
        Some("worsening")
    } else if has(&['→', '↔', '⇨', '►', '➡', '⬌'])
        || matches!(
            t.as_str(),
            "stable" | "same" | "no change" | "unchanged" | "steady" | "static"
        )
    {
        Some("stable")
    } else {
        None
    }
}

/// A short reference: `MEHPI 132`, `CORP 09`, `ASC1`, `PI-12`, `KPI 3a`.
pub fn is_code(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.len() > 16 || t.split_whitespace().count() > 2 {
        return false;
    }
    let first = t.chars().next().unwrap_or(' ');
    first.is_ascii_alphabetic()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._-/".contains(c))
        && t.chars().filter(|c| c.is_ascii_alphabetic()).count() <= 8
        && super::period::read(t).is_none()
        && !t.split_whitespace().any(|w| {
            w.len() == 4
                && (w.starts_with("19") || w.starts_with("20"))
                && w.chars().all(|c| c.is_ascii_digit())
        })
}

/// A post, as lead officers are named: "Head of Housing", "Waste Manager".
pub fn is_post(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    lower.len() <= 80
        && [
            "head of",
            "manager",
            "director",
            "officer",
            "co-ordinator",
            "coordinator",
            "team leader",
            "chief executive",
            "lead ",
            "advisor",
            "adviser",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// An area code as the ONS writes them: `E06000005`, `S12000030`.
pub fn is_area_code(text: &str) -> bool {
    let t = text.trim().as_bytes();
    t.len() == 9
        && matches!(t[0], b'E' | b'W' | b'S' | b'N')
        && t[1..].iter().all(u8::is_ascii_digit)
}

/// The areas of the UK's councils, the nations and a few places their
/// data compares them with, one a line (`areas.txt`): a column of them is
/// a comparison's areas whatever its heading says (a blank one, "CPP").
static KNOWN_AREAS: std::sync::LazyLock<std::collections::HashSet<String>> =
    std::sync::LazyLock::new(|| {
        include_str!("areas.txt")
            .lines()
            .map(area_key)
            .filter(|k| !k.is_empty())
            .collect()
    });

/// An area's name without what councils add to it: "Edinburgh, City of",
/// "City of Edinburgh Council" and "Edinburgh" are one key; so are "Argyll
/// & Bute" and "Argyll and Bute".
fn area_key(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric() && c != '&' && c != '\'')
        .filter(|w| !w.is_empty())
        .map(|w| match w.to_lowercase().as_str() {
            "&" => "and".to_string(),
            other => other.replace('\'', ""),
        })
        .collect();
    const ADDED: &[&str] = &[
        "council",
        "borough",
        "district",
        "county",
        "city",
        "metropolitan",
        "london",
        "royal",
        "of",
        "the",
    ];
    let kept: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !ADDED.contains(w))
        .collect();
    kept.join(" ")
}

/// A council or area name: "Bury Metropolitan Borough Council", "Leeds",
/// "Aberdeen City", "Argyll & Bute".
pub fn is_area_name(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    if lower.len() <= 80 && KNOWN_AREAS.contains(&area_key(&lower)) {
        return true;
    }
    lower.len() <= 80
        && [
            "council",
            "borough",
            "county",
            "district",
            "city of",
            "metropolitan",
            "unitary",
            "authority",
        ]
        .iter()
        .any(|w| {
            lower.ends_with(w)
                || lower
                    .match_indices(w)
                    .any(|(at, _)| lower[at + w.len()..].starts_with(' '))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn councils_are_known_by_their_names_however_they_are_written() {
        for name in [
            "Aberdeen City",
            "Argyll & Bute",
            "Edinburgh, City of",
            "City of Edinburgh Council",
            "Angus",
            "Hertsmere",
            "King's Lynn and West Norfolk",
            "Kings Lynn and West Norfolk",
            "Newcastle-under-Lyme",
            "Vale of Glamorgan",
            "Royal Borough of Windsor and Maidenhead",
            "London Borough of Havering",
            "Scotland",
        ] {
            assert!(is_area_name(name), "{name}");
        }
        for other in [
            "Housing",
            "Oxford City Homes",
            "Healthy Birthweight",
            "Raw data",
        ] {
            assert!(!is_area_name(other), "{other}");
        }
    }

    #[test]
    fn judgements_directions_codes_and_areas() {
        assert_eq!(rag("GREEN"), Some(Rag::Green));
        assert_eq!(rag("(Amber)"), Some(Rag::Amber));
        assert_eq!(rag("Off track"), Some(Rag::Red));
        assert_eq!(rag("Greenwich"), None);
        assert_eq!(direction("↑"), Some("improving"));
        assert_eq!(direction("→"), Some("stable"));
        assert_eq!(direction("Down"), Some("worsening"));
        assert_eq!(direction("Housing"), None);
        assert!(is_code("CORP 09") && is_code("ASC1") && is_code("PI-12") && is_code("MEHPI 132"));
        assert!(!is_code("Customer satisfaction") && !is_code("2019-20") && !is_code("Q1 2024"));
        assert!(is_area_code("E06000005") && !is_area_code("E0600000"));
        assert!(is_area_name("Allerdale District Council") && !is_area_name("Customer services"));
        assert_eq!(figure("10.93 days").map(|f| f.value), Some(10.93));
        assert_eq!(figure("14 working days").map(|f| f.value), Some(14.0));
        assert!(in_days("7 working days") && !in_days("3 weeks") && !in_days("72%"));
        assert_eq!(figure("5% by March 2024"), None);
        assert_eq!(
            target_figure("5% by March 2024").map(|f| f.value),
            Some(5.0)
        );
        assert_eq!(
            target_figure("95% by 31/03/2025").map(|f| f.value),
            Some(95.0)
        );
        assert_eq!(target_figure("5% by weight"), None);
        assert_eq!(figure("3 of 4 done"), None);
        assert_eq!(
            not_due("Annual Indicator"),
            Some(Some(goldthread_domain::Frequency::Annual))
        );
        assert_eq!(not_due("Not due"), Some(None));
        assert_eq!(not_due("Not yet available"), None);
        assert!(
            is_frequency("Monthly") && is_frequency("Financial year") && !is_frequency("Housing")
        );
    }
}
