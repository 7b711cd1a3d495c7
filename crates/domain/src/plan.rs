//! Plans and the golden thread that structures them.

use crate::document::Provenance;
use crate::financial_year::FinancialYear;
use crate::names::named;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanKind {
    Corporate,
    CorporateAction,
    Service,
    Operational,
    Improvement,
    /// A performance report or KPI return: indicators and their values,
    /// no actions.
    Performance,
}

named!(PlanKind {
    Corporate => "corporate",
    CorporateAction => "corporate_action",
    Service => "service",
    Operational => "operational",
    Improvement => "improvement",
    Performance => "performance",
});

impl PlanKind {
    pub fn label(self) -> &'static str {
        match self {
            PlanKind::Corporate => "Corporate plan",
            PlanKind::CorporateAction => "Corporate action plan",
            PlanKind::Service => "Service plan",
            PlanKind::Operational => "Operational plan",
            PlanKind::Improvement => "Improvement plan",
            PlanKind::Performance => "Performance report",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStatus {
    /// Being written (or amended after approval); open to editing.
    #[default]
    Draft,
    /// Sent for approval; closed to editing until returned or approved.
    Submitted,
    /// Sent back with comments; open to editing, to be submitted again.
    Returned,
    /// Approved by whoever the council says (recorded with who and when).
    Approved,
    /// Ended or replaced; kept readable and searchable, closed to editing.
    Archived,
}

named!(PlanStatus {
    Draft => "draft",
    Submitted => "submitted",
    Returned => "returned",
    Approved => "approved",
    Archived => "archived",
});

impl NodeLevel {
    /// The level's name for people, and the label a new node gets when
    /// its author gives none.
    pub fn label(self) -> &'static str {
        match self {
            NodeLevel::Priority => "Priority",
            NodeLevel::Outcome => "Outcome",
            NodeLevel::Objective => "Objective",
        }
    }
}

impl PlanStatus {
    pub fn label(self) -> &'static str {
        match self {
            PlanStatus::Draft => "Draft",
            PlanStatus::Submitted => "Submitted",
            PlanStatus::Returned => "Returned with comments",
            PlanStatus::Approved => "Approved",
            PlanStatus::Archived => "Archived",
        }
    }
}

/// The financial years a plan covers, inclusive: a three-year service plan
/// 2017/18–2019/20 has `from = 2017/18`, `to = 2019/20`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPeriod {
    pub from: FinancialYear,
    pub to: FinancialYear,
}

impl PlanPeriod {
    pub fn single(year: FinancialYear) -> Self {
        Self {
            from: year,
            to: year,
        }
    }

    pub fn years(self) -> impl Iterator<Item = FinancialYear> {
        let (from, to) = (self.from.start_year(), self.to.start_year());
        (from..=to).filter_map(FinancialYear::starting)
    }
}

impl std::fmt::Display for PlanPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{} to {}", self.from, self.to)
        }
    }
}

/// The levels of the golden thread, with the names councils give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeLevel {
    /// Corporate priority, aim or theme (often with a strapline).
    Priority,
    /// An outcome the council wants for residents.
    Outcome,
    /// Service objective, supporting objective or area for improvement.
    Objective,
}

named!(NodeLevel {
    Priority => "priority",
    Outcome => "outcome",
    Objective => "objective",
});

/// One node of the golden thread above the actions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThreadNode {
    pub level: NodeLevel,
    /// The word the document used for this level: "Corporate Priority",
    /// "Theme", "Area for Improvement"…
    pub label: String,
    pub title: String,
    pub strapline: Option<String>,
    pub code: Option<String>,
    /// Index of the parent node in the same plan.
    pub parent: Option<usize>,
    pub provenance: Option<Provenance>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(start: i32) -> FinancialYear {
        FinancialYear::starting(start).unwrap()
    }

    #[test]
    fn plan_kinds_have_the_words_pages_show() {
        assert_eq!(
            PlanKind::ALL.map(PlanKind::label),
            [
                "Corporate plan",
                "Corporate action plan",
                "Service plan",
                "Operational plan",
                "Improvement plan",
                "Performance report"
            ]
        );
        assert_eq!(
            PlanStatus::ALL.map(PlanStatus::label),
            [
                "Draft",
                "Submitted",
                "Returned with comments",
                "Approved",
                "Archived"
            ]
        );
    }

    #[test]
    fn a_plan_period_covers_each_year_from_first_to_last() {
        let three = PlanPeriod {
            from: year(2017),
            to: year(2019),
        };
        assert_eq!(
            three.years().collect::<Vec<_>>(),
            [year(2017), year(2018), year(2019)]
        );
        assert_eq!(three.to_string(), "2017/18 to 2019/20");
        let one = PlanPeriod::single(year(2017));
        assert_eq!((one.from, one.to), (year(2017), year(2017)));
        assert_eq!(one.years().collect::<Vec<_>>(), [year(2017)]);
        assert_eq!(one.to_string(), "2017/18");
    }

    #[test]
    fn plan_kind_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &PlanKind::ALL,
            PlanKind::as_str,
            PlanKind::parse,
        );
        crate::names::assert_names_read_back(&PlanKind::ALL, PlanKind::as_str);
    }

    #[test]
    fn plan_status_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &PlanStatus::ALL,
            PlanStatus::as_str,
            PlanStatus::parse,
        );
        crate::names::assert_names_read_back(&PlanStatus::ALL, PlanStatus::as_str);
    }

    #[test]
    fn node_level_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &NodeLevel::ALL,
            NodeLevel::as_str,
            NodeLevel::parse,
        );
        crate::names::assert_names_read_back(&NodeLevel::ALL, NodeLevel::as_str);
    }
}
