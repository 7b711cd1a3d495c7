//! The narrative a service plan carries besides its thread: key functions,
//! context under each PESTLE heading, partners, SWOT, customers, resources,
//! workforce, equality impact assessments. A plan keeps them as
//! [`NarrativeSection`]s (heading and body) in the order written; this is
//! the standard list the authoring form offers, and how what was typed is
//! merged with what a plan holds (imported sections with other headings
//! kept, empty ones dropped, the order kept).

use crate::document::NarrativeSection;

/// One heading a service plan is expected to carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StandardSection {
    pub heading: &'static str,
    /// What to write under it, for the form's hint.
    pub hint: &'static str,
    /// Other ways documents head the same thing (matched as
    /// [`heading_key`]s).
    pub aliases: &'static [&'static str],
}

const fn section(
    heading: &'static str,
    hint: &'static str,
    aliases: &'static [&'static str],
) -> StandardSection {
    StandardSection {
        heading,
        hint,
        aliases,
    }
}

/// The headings a service plan carries, in the order a plan prints them.
/// The six context headings are PESTLE's.
pub const SERVICE_PLAN_SECTIONS: [StandardSection; 20] = [
    section(
        "Key functions and responsibilities",
        "What the service does and is responsible for",
        &[
            "key functions",
            "functions and responsibilities",
            "service functions",
            "purpose",
        ],
    ),
    section(
        "Political",
        "Political context: members, elections, national policy",
        &["political context", "political factors"],
    ),
    section(
        "Economic",
        "Economic context: budgets, the local economy, demand",
        &["economic context", "economic factors"],
    ),
    section(
        "Social",
        "Social context: population, communities, needs",
        &["social context", "social factors", "sociological"],
    ),
    section(
        "Technological",
        "Technological context: systems, digital services",
        &[
            "technological context",
            "technological factors",
            "technology",
        ],
    ),
    section(
        "Legal",
        "Legal context: legislation and regulation",
        &[
            "legal context",
            "legal factors",
            "legislative",
            "legislation",
        ],
    ),
    section(
        "Environmental",
        "Environmental context: climate, place, sustainability",
        &["environmental context", "environmental factors"],
    ),
    section(
        "Key partners",
        "Who the service works with, and on what",
        &["partners", "partnerships", "partnership working"],
    ),
    section("Strengths", "What the service does well", &[]),
    section("Weaknesses", "Where the service falls short", &[]),
    section("Opportunities", "What the service could make use of", &[]),
    section("Threats", "What could stop the service", &[]),
    section(
        "Service objectives",
        "What the service aims to achieve this period",
        &["objectives", "service aims"],
    ),
    section(
        "Customers and what they think",
        "Who uses the service, and what consultation and feedback say",
        &[
            "customers",
            "customer feedback",
            "customer satisfaction",
            "consultation",
        ],
    ),
    section(
        "Achievements",
        "What the service achieved last period",
        &["key achievements", "achievements last year"],
    ),
    section(
        "Work outstanding",
        "What is carried over, and why",
        &["outstanding work", "work carried forward"],
    ),
    section(
        "Resources and budget",
        "The service's budget and other resources",
        &["budget", "resources", "finance", "financial resources"],
    ),
    section(
        "Value for money",
        "Costs compared, savings, efficiency",
        &["vfm", "efficiency"],
    ),
    section(
        "Workforce",
        "Posts and full-time equivalents (FTE), vacancies, training",
        &[
            "staffing",
            "workforce planning",
            "posts and fte",
            "workforce posts and fte",
        ],
    ),
    section(
        "Equality impact assessments due",
        "Each assessment due, with its priority (high, medium or low)",
        &["equality impact assessments", "eia", "eias", "equality"],
    ),
];

/// A heading as compared: lower case, words of letters and digits only,
/// any numbering in front ("c)", "2.1") dropped.
pub fn heading_key(heading: &str) -> String {
    let lower = heading.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let start = words
        .iter()
        .position(|w| !(w.chars().all(|c| c.is_ascii_digit()) || w.chars().count() == 1))
        .unwrap_or(words.len());
    words[start..].join(" ")
}

/// Which standard heading (index into [`SERVICE_PLAN_SECTIONS`]) a
/// heading is, if any.
pub fn standard_index(heading: &str) -> Option<usize> {
    let key = heading_key(heading);
    if key.is_empty() {
        return None;
    }
    SERVICE_PLAN_SECTIONS
        .iter()
        .position(|s| heading_key(s.heading) == key || s.aliases.contains(&key.as_str()))
}

/// How a plan's sections sit in the form: the stored section (by index)
/// shown under each standard heading, and the others, in stored order.
/// A second section under the same standard heading is among the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionLayout {
    pub standard: Vec<Option<usize>>,
    pub others: Vec<usize>,
}

pub fn section_layout(stored: &[NarrativeSection]) -> SectionLayout {
    let mut standard = vec![None; SERVICE_PLAN_SECTIONS.len()];
    let mut others = Vec::new();
    for (i, s) in stored.iter().enumerate() {
        match standard_index(&s.heading) {
            Some(k) if standard[k].is_none() => standard[k] = Some(i),
            _ => others.push(i),
        }
    }
    SectionLayout { standard, others }
}

/// The sections to store from what the form holds: `standard` bodies by
/// standard heading, then `others` as (heading, body), the first of them
/// standing for the stored others in [`section_layout`] order and any
/// further ones new. Sections already held keep their place, their
/// provenance and (under a standard heading) their own wording of the
/// heading; new ones follow, standard first. Empty bodies are dropped.
pub fn merge_sections(
    stored: &[NarrativeSection],
    standard: &[String],
    others: &[(String, String)],
) -> Vec<NarrativeSection> {
    let layout = section_layout(stored);
    // (place, section): held ones at their stored index, new ones after.
    let mut out: Vec<((u8, usize), NarrativeSection)> = Vec::new();
    let mut push = |place, heading: &str, body: &str, held: Option<&NarrativeSection>| {
        let body = body.trim();
        if body.is_empty() {
            return;
        }
        out.push((
            place,
            NarrativeSection {
                heading: heading.trim().to_string(),
                body: body.to_string(),
                provenance: held.and_then(|h| h.provenance.clone()),
            },
        ));
    };
    for (k, spec) in SERVICE_PLAN_SECTIONS.iter().enumerate() {
        let body = standard.get(k).map(String::as_str).unwrap_or_default();
        match layout.standard[k].and_then(|i| stored.get(i).map(|s| (i, s))) {
            Some((i, held)) => push((0, i), &held.heading, body, Some(held)),
            None => push((1, k), spec.heading, body, None),
        }
    }
    for (n, (heading, body)) in others.iter().enumerate() {
        let heading = if heading.trim().is_empty() {
            // A held section whose heading was cleared keeps its heading.
            layout
                .others
                .get(n)
                .and_then(|&i| stored.get(i))
                .map_or("", |s| s.heading.as_str())
        } else {
            heading.as_str()
        };
        match layout
            .others
            .get(n)
            .and_then(|&i| stored.get(i).map(|s| (i, s)))
        {
            Some((i, held)) => push((0, i), heading, body, Some(held)),
            None => push((2, n), heading, body, None),
        }
    }
    out.sort_by_key(|(place, _)| *place);
    out.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Provenance;

    fn held(heading: &str, body: &str) -> NarrativeSection {
        NarrativeSection {
            heading: heading.into(),
            body: body.into(),
            provenance: Some(Provenance::line(7)),
        }
    }

    fn blank() -> Vec<String> {
        vec![String::new(); SERVICE_PLAN_SECTIONS.len()]
    }

    #[test]
    fn headings_match_the_standard_whatever_their_numbering_or_wording() {
        assert_eq!(
            heading_key("c) Strengths and Weaknesses"),
            "strengths and weaknesses"
        );
        assert_eq!(heading_key(" 2.1  Key Partners: "), "key partners");
        assert_eq!(standard_index("Political"), Some(1));
        assert_eq!(standard_index("POLITICAL CONTEXT"), Some(1));
        assert_eq!(standard_index("a) Key partners"), Some(7));
        assert_eq!(standard_index("EIAs"), Some(19));
        assert_eq!(standard_index("Introduction"), None);
        assert_eq!(standard_index(""), None);
        assert_eq!(standard_index("1."), None);
        for s in &SERVICE_PLAN_SECTIONS {
            assert_eq!(
                standard_index(s.heading).map(|k| SERVICE_PLAN_SECTIONS[k].heading),
                Some(s.heading)
            );
        }
    }

    #[test]
    fn a_new_plans_sections_follow_the_standard_order_and_empty_ones_are_dropped() {
        let mut standard = blank();
        standard[8] = " Skilled team ".into();
        standard[0] = "Collects waste".into();
        let out = merge_sections(&[], &standard, &[("Introduction".into(), "Hello".into())]);
        let headings: Vec<&str> = out.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            [
                "Key functions and responsibilities",
                "Strengths",
                "Introduction"
            ]
        );
        assert_eq!(out[1].body, "Skilled team", "trimmed");
        assert!(out.iter().all(|s| s.provenance.is_none()));
    }

    #[test]
    fn held_sections_keep_their_order_wording_and_provenance() {
        let stored = vec![
            held("Introduction", "From the head of service"),
            held("c) Strengths", "Old strengths"),
            held("Political", "Elections"),
            held("Strengths", "A second strengths section"),
        ];
        let layout = section_layout(&stored);
        assert_eq!(layout.standard[8], Some(1));
        assert_eq!(layout.standard[1], Some(2));
        assert_eq!(
            layout.others,
            [0, 3],
            "a repeated heading is among the others"
        );

        let mut standard = blank();
        standard[8] = "New strengths".into();
        standard[1] = String::new(); // cleared: dropped
        standard[11] = "Funding cuts".into(); // new: after the held ones
        let others = vec![
            ("Foreword".into(), "From the head of service".into()), // renamed
            ("Strengths".into(), "A second strengths section".into()),
            (String::new(), String::new()), // the blank pair for a new one
        ];
        let out = merge_sections(&stored, &standard, &others);
        let got: Vec<(&str, &str)> = out
            .iter()
            .map(|s| (s.heading.as_str(), s.body.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Foreword", "From the head of service"),
                ("c) Strengths", "New strengths"),
                ("Strengths", "A second strengths section"),
                ("Threats", "Funding cuts"),
            ]
        );
        assert!(out[0].provenance.is_some() && out[1].provenance.is_some());
        assert!(out[3].provenance.is_none());
    }

    #[test]
    fn the_form_as_shown_saves_the_sections_unchanged() {
        let stored = vec![
            held("Introduction", "Hello"),
            held("Key partners", "Police"),
            held("Budget", "£1m"),
        ];
        let layout = section_layout(&stored);
        let standard: Vec<String> = layout
            .standard
            .iter()
            .map(|i| i.map(|i| stored[i].body.clone()).unwrap_or_default())
            .collect();
        let others: Vec<(String, String)> = layout
            .others
            .iter()
            .map(|&i| (stored[i].heading.clone(), stored[i].body.clone()))
            .chain([(String::new(), String::new())])
            .collect();
        assert_eq!(merge_sections(&stored, &standard, &others), stored);
        // A held section whose heading was cleared keeps it.
        let cleared = vec![(String::new(), "Hello".to_string())];
        assert_eq!(
            merge_sections(&stored, &standard, &cleared)[0].heading,
            "Introduction"
        );
    }
}
