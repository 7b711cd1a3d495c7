//! What one cell of a data table holds: a figure, a red/amber/green word,
//! a direction of travel, a code, an area. Column roles are inferred from
//! how many of a column's cells read as each.

use goldthread_domain::status::Rag;

pub use goldthread_domain::{Figure, parse_figure as figure};

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
        && WORDS.iter().any(|w| w.eq_ignore_ascii_case(t))
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

/// A council or area name: "Bury Metropolitan Borough Council", "Leeds".
pub fn is_area_name(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
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
        assert!(is_area_name("Allerdale District Council") && !is_area_name("Leeds"));
    }
}
