//! A council's plan template: what it calls each level of its thread
//! (and which levels it uses), which of an action's optional fields its
//! plans carry, and the fixed lists its forms offer as select boxes (the
//! roles a service plays, the council's priorities). The forms follow it;
//! what a plan stores does not depend on it, so changing the template
//! never loses data: a field the template leaves out is kept, not shown.

use crate::action::{DetailField, Details};
use crate::names::named;
use crate::numbering::CodePattern;
use crate::plan::NodeLevel;
use serde::{Deserialize, Serialize};

/// An action's optional fields a template may ask for. The code, title,
/// due date, lead officers, milestones and thread links are always asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionField {
    Description,
    Target,
    Outcome,
    CriticalSuccessFactors,
    Outputs,
    Resources,
    Risks,
    EnvironmentalImpacts,
    OtherServices,
    PartnershipLinks,
    ServiceRole,
    PriorityLink,
    MonitoringBodies,
    Measures,
}

named!(ActionField {
    Description => "description",
    Target => "target",
    Outcome => "outcome",
    CriticalSuccessFactors => "critical_success_factors",
    Outputs => "outputs",
    Resources => "resources",
    Risks => "risks",
    EnvironmentalImpacts => "environmental_impacts",
    OtherServices => "other_services",
    PartnershipLinks => "partnership_links",
    ServiceRole => "service_role",
    PriorityLink => "priority_link",
    MonitoringBodies => "monitoring_bodies",
    Measures => "measures",
});

impl ActionField {
    /// The field's name on forms, as service plans head their columns.
    pub fn label(self) -> &'static str {
        match self {
            ActionField::Description => "Description",
            ActionField::Target => "Target",
            ActionField::Outcome => "Outcome",
            ActionField::CriticalSuccessFactors => "Critical success factors",
            ActionField::Outputs => "Outputs",
            ActionField::Resources => "Additional resources required",
            ActionField::Risks => "Risks",
            ActionField::EnvironmentalImpacts => "Environmental impacts",
            ActionField::OtherServices => "Other services affected",
            ActionField::PartnershipLinks => "Partnership agendas served",
            ActionField::ServiceRole => "Role of the service",
            ActionField::PriorityLink => "Council priority",
            ActionField::MonitoringBodies => "Additional performance monitoring by",
            ActionField::Measures => "Performance measures",
        }
    }

    /// Whether the form offers a select box from one of the template's
    /// fixed lists rather than free text.
    pub fn list(self) -> Option<FixedList> {
        match self {
            ActionField::ServiceRole => Some(FixedList::ServiceRoles),
            ActionField::PriorityLink => Some(FixedList::CouncilPriorities),
            _ => None,
        }
    }

    /// The field's value in an action's details (`Description` lives on the
    /// action itself, so it is not here).
    pub fn of(self, details: &Details) -> Option<&str> {
        self.detail().and_then(|field| details.get(field))
    }

    /// The detail this field fills; None for `Description`.
    pub fn detail(self) -> Option<DetailField> {
        Some(match self {
            ActionField::Description => return None,
            ActionField::Target => DetailField::Target,
            ActionField::Outcome => DetailField::Outcome,
            ActionField::CriticalSuccessFactors => DetailField::CriticalSuccessFactors,
            ActionField::Outputs => DetailField::Outputs,
            ActionField::Resources => DetailField::Resources,
            ActionField::Risks => DetailField::Risks,
            ActionField::EnvironmentalImpacts => DetailField::EnvironmentalImpacts,
            ActionField::OtherServices => DetailField::OtherServices,
            ActionField::PartnershipLinks => DetailField::PartnershipLinks,
            ActionField::ServiceRole => DetailField::ServiceRole,
            ActionField::PriorityLink => DetailField::PriorityLink,
            ActionField::MonitoringBodies => DetailField::MonitoringBodies,
            ActionField::Measures => DetailField::Measures,
        })
    }
}

/// The template's fixed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FixedList {
    ServiceRoles,
    CouncilPriorities,
    PartnershipAgendas,
}

/// What a council calls a level of its thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelName {
    pub level: NodeLevel,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// The levels the thread uses, top first, with the council's words.
    pub levels: Vec<LevelName>,
    /// The optional action fields the forms ask for, in form order.
    pub action_fields: Vec<ActionField>,
    /// "Community Leadership", "Service Provider", … (sample 001's roles).
    pub service_roles: Vec<String>,
    /// The council's priorities an action links to: PEOPLE, PLACE, …
    pub council_priorities: Vec<String>,
    /// The partnership agendas an action may serve ("Health and Wellbeing
    /// Board", "Community Safety Partnership"), offered as checkboxes.
    #[serde(default)]
    pub partnership_agendas: Vec<String>,
    /// How the council codes actions (`KA.#`, `15-CEC##`: see
    /// [`crate::CodePattern`]), used to renumber a plan; none: not set.
    #[serde(default)]
    pub code_pattern: Option<String>,
}

impl Default for Template {
    /// The samples' service plan: priority, outcome and objective, and the
    /// action fields the forms asked for before templates.
    fn default() -> Self {
        Template {
            levels: NodeLevel::ALL
                .iter()
                .map(|&level| LevelName {
                    level,
                    label: level.label().to_string(),
                })
                .collect(),
            action_fields: vec![
                ActionField::Description,
                ActionField::Target,
                ActionField::CriticalSuccessFactors,
            ],
            service_roles: [
                "Community Leadership",
                "Service Provider",
                "Service Commissioner",
                "Service Manager",
                "Enabler",
            ]
            .map(String::from)
            .to_vec(),
            council_priorities: Vec::new(),
            partnership_agendas: Vec::new(),
            code_pattern: None,
        }
    }
}

/// The longest name or list entry a template keeps.
pub const TEMPLATE_TEXT_LIMIT: usize = 100;
/// The most entries a fixed list keeps.
pub const TEMPLATE_LIST_LIMIT: usize = 50;

impl Template {
    /// The council's word for a level, when the template uses it.
    pub fn label_of(&self, level: NodeLevel) -> Option<&str> {
        self.levels
            .iter()
            .find(|l| l.level == level)
            .map(|l| l.label.as_str())
    }

    pub fn list(&self, list: FixedList) -> &[String] {
        match list {
            FixedList::ServiceRoles => &self.service_roles,
            FixedList::CouncilPriorities => &self.council_priorities,
            FixedList::PartnershipAgendas => &self.partnership_agendas,
        }
    }

    /// Every problem with the template, by field, as a form shows them.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if self.levels.is_empty() {
            problems.push(("levels", "Use at least one level of the thread".to_string()));
        }
        for level in &self.levels {
            let label = level.label.trim();
            if label.is_empty() {
                problems.push((
                    "levels",
                    format!(
                        "Enter what the council calls the {} level",
                        level.level.as_str()
                    ),
                ));
            } else if label.chars().count() > TEMPLATE_TEXT_LIMIT {
                problems.push((
                    "levels",
                    format!("A level's name must be {TEMPLATE_TEXT_LIMIT} characters or fewer"),
                ));
            }
        }
        for (field, name, list) in [
            ("service_roles", "roles of the service", &self.service_roles),
            (
                "council_priorities",
                "council priorities",
                &self.council_priorities,
            ),
            (
                "partnership_agendas",
                "partnership agendas",
                &self.partnership_agendas,
            ),
        ] {
            if list.len() > TEMPLATE_LIST_LIMIT {
                problems.push((field, format!("List at most {TEMPLATE_LIST_LIMIT} {name}")));
            }
            if list.iter().any(|e| e.chars().count() > TEMPLATE_TEXT_LIMIT) {
                problems.push((
                    field,
                    format!("Each of the {name} must be {TEMPLATE_TEXT_LIMIT} characters or fewer"),
                ));
            }
            let mut seen: Vec<String> = Vec::new();
            for entry in list {
                let key = entry.trim().to_lowercase();
                if seen.contains(&key) {
                    problems.push((field, format!("'{}' is listed twice", entry.trim())));
                }
                seen.push(key);
            }
        }
        if let Some(pattern) = &self.code_pattern
            && let Err(problem) = CodePattern::parse(pattern)
        {
            problems.push(("code_pattern", problem));
        }
        problems
    }

    /// The council's code pattern, when it has a readable one.
    pub fn code_pattern(&self) -> Option<CodePattern> {
        self.code_pattern
            .as_deref()
            .and_then(|p| CodePattern::parse(p).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_template_asks_what_the_forms_asked_before_templates() {
        let template = Template::default();
        assert_eq!(template.label_of(NodeLevel::Outcome), Some("Outcome"));
        assert_eq!(
            template.action_fields,
            [
                ActionField::Description,
                ActionField::Target,
                ActionField::CriticalSuccessFactors
            ]
        );
        assert!(template.problems().is_empty());
    }

    #[test]
    fn a_template_without_levels_or_with_repeated_entries_is_refused() {
        let mut template = Template::default();
        template.levels.clear();
        template.council_priorities = vec!["PEOPLE".into(), "people ".into()];
        let problems = template.problems();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].0, "levels");
        assert_eq!(
            problems[1],
            ("council_priorities", "'people' is listed twice".to_string())
        );
    }

    #[test]
    fn a_level_may_be_named_and_left_out() {
        let mut template = Template {
            levels: vec![
                LevelName {
                    level: NodeLevel::Priority,
                    label: "Theme".into(),
                },
                LevelName {
                    level: NodeLevel::Objective,
                    label: "Area for Improvement".into(),
                },
            ],
            ..Template::default()
        };
        assert_eq!(template.label_of(NodeLevel::Priority), Some("Theme"));
        assert_eq!(template.label_of(NodeLevel::Outcome), None);
        template.levels[1].label = " ".into();
        assert_eq!(template.problems().len(), 1);
    }

    #[test]
    fn the_lists_back_the_select_box_fields() {
        assert_eq!(
            ActionField::ServiceRole.list(),
            Some(FixedList::ServiceRoles)
        );
        assert_eq!(ActionField::Target.list(), None);
        let details = Details::from(crate::ActionDetails {
            priority_link: Some("PLACE".into()),
            ..crate::ActionDetails::default()
        });
        assert_eq!(ActionField::PriorityLink.of(&details), Some("PLACE"));
        assert_eq!(ActionField::Description.of(&details), None);
    }

    #[test]
    fn names_are_serde_names() {
        crate::names::assert_names_are_serde_names(
            &ActionField::ALL,
            ActionField::as_str,
            ActionField::parse,
        );
    }
}
