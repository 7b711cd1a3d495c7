//! Lines and single-cell rows that structure a plan rather than hold a
//! record: "Corporate Priority: … Strapline: …", "Outcome: …", "CORPORATE
//! ACTION 3: …", plan headings ("OPERATIONAL PLAN: Communications"),
//! narrative headings ("2. Context") and monitoring notes.

use crate::dates::compile;
use goldthread_domain::{NodeLevel, PlanKind};
use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A node of the golden thread.
    Node {
        level: NodeLevel,
        label: String,
        code: Option<String>,
        title: String,
        strapline: Option<String>,
    },
    /// A label whose value follows on later lines ("Relevant Council Aim/s:").
    PendingLabel {
        level: NodeLevel,
        label: String,
    },
    /// Context kept as narrative ("Relevant Council Approach/es: all").
    Context {
        label: String,
        value: String,
    },
    /// A new plan inside the document.
    Plan {
        kind: PlanKind,
        title: String,
        owner: Option<String>,
    },
    /// "Other Performance Indicators that support …": indicators follow.
    IndicatorIntro {
        rest: String,
    },
    /// "Additional Performance Monitoring: boards".
    Monitoring(String),
    /// A numbered or capitalised narrative heading.
    Heading(String),
    Other,
}

static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)^(corporate priority|council priority|strategic priority|priority|corporate aim|council aim|aim|ambition|theme|outcome|corporate outcome|service objective|improvement objective|objective|area for improvement|relevant council aims?(?:/s)?|relevant corporate objectives?(?:/s)?(?: and service priorities)?|relevant service priorities|relevant council approach(?:es|/es)?)\s*:\s*(.*)$",
    )
});
static NUMBERED_NODE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)^(corporate action|key action|strategic action|priority|theme|objective|outcome)\s+(\d{1,3}(?:\.\d{1,2})?)\s*(?:[:.–-]\s*(.*))?$",
    )
});
static PLAN: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)^(operational|improvement|service|corporate action|corporate|team|business|delivery) plans?\b\s*(?:[:–-]\s*(.*)|((?:(?:19|20)\d\d\S*\s*(?:–|-|to)?\s*)*))$",
    )
});
static NUMBERED_HEADING: LazyLock<Regex> =
    LazyLock::new(|| compile(r"^(?:\d{1,2}\.|[a-z]\)|\([a-z]\))\s+(\S.*)$"));
static STRAPLINE: LazyLock<Regex> = LazyLock::new(|| compile(r"(?i)\s*strapline\s*:\s*"));

/// Classifies one line of plain text (already cleaned of markup).
pub fn classify(text: &str) -> Line {
    let text = text.trim();
    if text.is_empty() || text.len() > 2000 {
        return Line::Other;
    }
    let opens = |prefix: &str| opens_with(text, prefix);
    if opens("other performance indicators") || opens("other indicators") {
        let rest = text
            .split_once(':')
            .map_or("", |(_, r)| r)
            .trim()
            .to_string();
        return Line::IndicatorIntro { rest };
    }
    if opens("additional performance monitoring") {
        let rest = text
            .split_once(':')
            .map_or("", |(_, r)| r)
            .trim()
            .to_string();
        return Line::Monitoring(rest);
    }
    // Cheap gates before each pattern: most lines are prose.
    let head = &text[..text.floor_char_boundary(60)];
    let has_digit = head.bytes().any(|b| b.is_ascii_digit());
    let has_colon = text.contains(':');
    // The numbered node words open with c, k, s, p, t or o (or a wide
    // character case-blind matching may take for one).
    let node_word = text.as_bytes().first().is_some_and(|b| {
        matches!(
            b.to_ascii_lowercase(),
            b'c' | b'k' | b's' | b'p' | b't' | b'o'
        ) || *b >= 0x80
    });
    if text.len() <= 300
        && has_digit
        && node_word
        && may_open_node(text)
        && let Some(c) = NUMBERED_NODE.captures(text)
    {
        let label = title_case(&c[1]);
        let initials: String = label
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .collect();
        let title = c.get(3).map_or("", |m| m.as_str()).trim().to_string();
        let level = match label.to_lowercase().as_str() {
            "priority" | "theme" => NodeLevel::Priority,
            "outcome" => NodeLevel::Outcome,
            _ => NodeLevel::Objective,
        };
        return Line::Node {
            level,
            label,
            code: Some(format!("{}{}", initials.to_uppercase(), &c[2])),
            title,
            strapline: None,
        };
    }
    // The pattern's colon is the first one, after spaces and a label of at
    // most 54 letters (60 bytes if case-blind matching took "ſ" for "s").
    let label_fits = text
        .split_once(':')
        .is_some_and(|(label, _)| label.trim_end().len() <= 64);
    if has_colon
        && label_fits
        && let Some((label_text, value)) = node_label_parts(text)
    {
        let label_raw = label_text.to_lowercase();
        let value = value.trim();
        if label_raw.contains("approach") || label_raw.contains("service priorities") {
            return Line::Context {
                label: title_case(label_text),
                value: value.to_string(),
            };
        }
        let (level, label) = match label_raw.as_str() {
            l if l.contains("priority") || l.contains("aim") || l == "ambition" || l == "theme" => {
                (
                    NodeLevel::Priority,
                    if l.starts_with("relevant") {
                        "Council Aim".to_string()
                    } else {
                        title_case(label_text)
                    },
                )
            }
            l if l.contains("outcome") => (NodeLevel::Outcome, title_case(label_text)),
            l if l.starts_with("relevant corporate objective") => {
                (NodeLevel::Priority, "Corporate Objective".to_string())
            }
            _ => (NodeLevel::Objective, title_case(label_text)),
        };
        if value.is_empty() {
            return Line::PendingLabel { level, label };
        }
        let (title, strapline) = match STRAPLINE.find(value) {
            Some(m) => (
                value[..m.start()].trim().to_string(),
                Some(value[m.end()..].trim().to_string()),
            ),
            None => (value.to_string(), None),
        };
        return Line::Node {
            level,
            label,
            code: None,
            title,
            strapline,
        };
    }
    if text.len() <= 120
        && crate::records::contains_ci(text, "plan")
        && may_open_plan(text)
        && let Some(c) = PLAN.captures(text)
    {
        let kind = match c[1].to_lowercase().as_str() {
            "operational" | "team" | "delivery" => PlanKind::Operational,
            "improvement" => PlanKind::Improvement,
            "corporate action" => PlanKind::CorporateAction,
            "corporate" => PlanKind::Corporate,
            _ => PlanKind::Service,
        };
        let owner = c
            .get(2)
            .map(|m| m.as_str().trim().to_string())
            .filter(|s| !s.is_empty());
        return Line::Plan {
            kind,
            title: text.to_string(),
            owner,
        };
    }
    if is_heading(text) {
        return Line::Heading(text.to_string());
    }
    Line::Other
}

/// The words [`NUMBERED_NODE`] opens with, lower case.
const NODE_WORDS: &[&str] = &[
    "corporate action",
    "key action",
    "strategic action",
    "priority",
    "theme",
    "objective",
    "outcome",
];

/// Whether [`NUMBERED_NODE`] can match: the line must open with one of
/// [`NODE_WORDS`]. Its case-blind matching also takes some non-ASCII
/// letters ("ſ" for "s"), so a line with those in its opening is left to
/// the pattern. A cheap gate: action titles often open with these letters
/// and hold a digit.
fn may_open_node(text: &str) -> bool {
    let longest = NODE_WORDS.iter().map(|w| w.len()).max().unwrap_or(0);
    let head = &text.as_bytes()[..text.len().min(longest)];
    !head.is_ascii()
        || NODE_WORDS.iter().any(|word| {
            head.get(..word.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(word.as_bytes()))
        })
}

/// The words [`PLAN`] opens with, lower case.
const PLAN_WORDS: &[&str] = &[
    "operational",
    "improvement",
    "service",
    "corporate",
    "team",
    "business",
    "delivery",
];

/// Whether [`PLAN`] can match: the line opens with one of [`PLAN_WORDS`]
/// (or a wide character, left to the pattern's case-blind matching).
fn may_open_plan(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(12)];
    !head.is_ascii()
        || PLAN_WORDS.iter().any(|word| {
            head.get(..word.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(word.as_bytes()))
        })
}

/// The labels [`LABELLED`] accepts, written out, lower case.
const NODE_LABELS: &[&str] = &[
    "corporate priority",
    "council priority",
    "strategic priority",
    "priority",
    "corporate aim",
    "council aim",
    "aim",
    "ambition",
    "theme",
    "outcome",
    "corporate outcome",
    "service objective",
    "improvement objective",
    "objective",
    "area for improvement",
    "relevant council aim",
    "relevant council aims",
    "relevant council aim/s",
    "relevant council aims/s",
    "relevant corporate objective",
    "relevant corporate objectives",
    "relevant corporate objective/s",
    "relevant corporate objectives/s",
    "relevant corporate objective and service priorities",
    "relevant corporate objectives and service priorities",
    "relevant corporate objective/s and service priorities",
    "relevant corporate objectives/s and service priorities",
    "relevant service priorities",
    "relevant council approach",
    "relevant council approaches",
    "relevant council approach/es",
];

/// The label and value [`LABELLED`] captures. Its label runs from the
/// start to the first colon (less spaces), so for an ASCII label and a
/// value on one line the capture is read off directly, which is much
/// cheaper than running the pattern on a long value. Other lines (a label
/// the case-blind pattern may read differently, a value after a line
/// break) go to the pattern.
fn node_label_parts(text: &str) -> Option<(&str, &str)> {
    let (label, rest) = text.split_once(':')?;
    let label = label.trim_end();
    if label.is_ascii() && !rest.contains('\n') {
        let known = NODE_LABELS.iter().any(|k| k.eq_ignore_ascii_case(label));
        return known.then(|| (label, rest.trim_start()));
    }
    let c = LABELLED.captures(text)?;
    Some((c.get(1)?.as_str(), c.get(2)?.as_str()))
}

/// Short numbered or capitalised lines that open a narrative section:
/// "2. Context", "a) External Drivers", "SERVICE PLAN OVERVIEW".
pub fn is_heading(text: &str) -> bool {
    if text.len() > 60 || text.ends_with(['.', ',', ';']) {
        return false;
    }
    // "2.", "a)" or "(a)" first (or a digit of another script).
    let numbered = opens_numbered_heading(text);
    let body = numbered
        .then(|| NUMBERED_HEADING.captures(text))
        .flatten()
        .and_then(|c| c.get(1))
        .map(|m| m.as_str());
    let Some(body) = body else {
        let mut letters = text.chars().filter(|c| c.is_alphabetic());
        return letters.all(char::is_uppercase)
            && text.chars().filter(|c| c.is_alphabetic()).count() >= 4;
    };
    let (words, capitalised) = body
        .split_whitespace()
        .filter(|w| w.len() >= 4)
        .fold((0, 0), |(n, caps), w| {
            (n + 1, caps + usize::from(w.starts_with(char::is_uppercase)))
        });
    words > 0 && capitalised * 2 >= words
}

/// Every prefix sought is ASCII, so an ASCII case-blind comparison finds
/// what lower-casing the opening words would.
fn opens_with(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Whether a line opens an indicator or monitoring note, the only lines
/// [`classify`] reads out of a row of three or more cells.
pub fn opens_note(text: &str) -> bool {
    let text = text.trim();
    [
        "other performance indicators",
        "other indicators",
        "additional performance monitoring",
    ]
    .iter()
    .any(|prefix| opens_with(text, prefix))
}

/// Whether a line may open like [`NUMBERED_HEADING`] ("12.", "a)", "(a)"),
/// checked by hand before the pattern runs. A wide character may be a
/// digit of another script: the pattern decides.
fn opens_numbered_heading(text: &str) -> bool {
    match text.as_bytes() {
        [first, ..] if *first >= 0x80 => true,
        [d, e, ..] if d.is_ascii_digit() && *e >= 0x80 => true,
        [d, b'.', ..] if d.is_ascii_digit() => true,
        [d, e, b'.', ..] if d.is_ascii_digit() && e.is_ascii_digit() => true,
        [l, b')', ..] | [b'(', l, b')', ..] if l.is_ascii_lowercase() => true,
        _ => false,
    }
}

/// A short line that may name a theme above the next node ("Planning for
/// the Future"): title-like, no sentence punctuation.
pub fn is_title_like(text: &str) -> bool {
    !text.ends_with(['.', ':', ';', ','])
        && !text.bytes().any(|b| b.is_ascii_digit())
        && text.trim_start().starts_with(|c: char| c.is_uppercase())
        && (1..=8).contains(&text.split_whitespace().take(9).count())
}

fn title_case(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            if matches!(lower.as_str(), "for" | "and" | "of" | "the") {
                return lower;
            }
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_gate_passes_what_the_pattern_matches() {
        let lines = [
            "Service Plan 2015/16",
            "SERVICE PLAN FOR HOUSING",
            "Corporate Action Plan 2016-2019",
            "Team plans: Waste",
            "Business plan",
            "The service plan",
            "Delivery Plan – Leisure",
            "ſervice plan",
            "Plan",
        ];
        for line in lines {
            if PLAN.is_match(line) {
                assert!(may_open_plan(line), "{line:?}");
            }
        }
        assert!(!may_open_plan("The service plan"));
    }

    #[test]
    fn the_numbered_heading_gate_passes_what_the_pattern_matches() {
        let lines = [
            "2. Service Profile",
            "12. Risks",
            "123. No",
            "a) Risks",
            "(b) Other",
            "B) No",
            "٢. Other script",
            "1٢. Mixed",
            "(ab) No",
            "2.No space",
            "Plain heading",
        ];
        for line in lines {
            let gate = opens_numbered_heading(line);
            if NUMBERED_HEADING.is_match(line) {
                assert!(gate, "{line:?}");
            }
        }
    }

    #[test]
    fn label_parts_agree_with_the_pattern() {
        let values = [
            "",
            " x",
            "  People Strapline: Fair",
            "\tA: b",
            "a\nb",
            " \u{a0}v",
        ];
        let labels = NODE_LABELS
            .iter()
            .flat_map(|l| {
                [
                    l.to_string(),
                    l.to_uppercase(),
                    format!("{l} "),
                    format!("{l}x"),
                ]
            })
            .chain(["Key Action".to_string(), "ſtrategic priority".to_string()]);
        for label in labels {
            for value in values {
                let text = format!("{label}:{value}");
                let by_pattern = LABELLED
                    .captures(&text)
                    .map(|c| (c[1].to_string(), c[2].to_string()));
                let fast = node_label_parts(&text).map(|(l, v)| (l.to_string(), v.to_string()));
                assert_eq!(fast, by_pattern, "{text:?}");
            }
        }
    }

    #[test]
    fn section_lines() {
        match classify("Corporate Priority: People Strapline: Fair and accessible services") {
            Line::Node {
                level,
                title,
                strapline,
                ..
            } => {
                assert_eq!(level, NodeLevel::Priority);
                assert_eq!(title, "People");
                assert_eq!(strapline.as_deref(), Some("Fair and accessible services"));
            }
            other => panic!("{other:?}"),
        }
        match classify("CORPORATE ACTION 1: Implement the Development Sites programme") {
            Line::Node {
                code, title, label, ..
            } => {
                assert_eq!(code.as_deref(), Some("CA1"));
                assert_eq!(label, "Corporate Action");
                assert_eq!(title, "Implement the Development Sites programme");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify("OPERATIONAL PLAN: Policy and Performance Team"),
            Line::Plan {
                kind: PlanKind::Operational,
                ..
            }
        ));
        assert!(matches!(
            classify("Relevant Council Aim/s:"),
            Line::PendingLabel { .. }
        ));
        assert!(matches!(classify("2. Context"), Line::Heading(_)));
        assert!(matches!(
            classify(
                "1. Carry out a self assessment against the Customer Service Excellence Standard"
            ),
            Line::Other
        ));
    }
}
