//! Plans and the golden thread that structures them.

use crate::document::Provenance;
use crate::financial_year::FinancialYear;
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

impl PlanKind {
    pub const ALL: [PlanKind; 6] = [
        PlanKind::Corporate,
        PlanKind::CorporateAction,
        PlanKind::Service,
        PlanKind::Operational,
        PlanKind::Improvement,
        PlanKind::Performance,
    ];

    /// The stable name used in storage, the API and the import contract.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanKind::Corporate => "corporate",
            PlanKind::CorporateAction => "corporate_action",
            PlanKind::Service => "service",
            PlanKind::Operational => "operational",
            PlanKind::Improvement => "improvement",
            PlanKind::Performance => "performance",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

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
    #[default]
    Draft,
    Approved,
    Archived,
}

impl PlanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Approved => "approved",
            PlanStatus::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            PlanStatus::Draft,
            PlanStatus::Approved,
            PlanStatus::Archived,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
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

impl NodeLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeLevel::Priority => "priority",
            NodeLevel::Outcome => "outcome",
            NodeLevel::Objective => "objective",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            NodeLevel::Priority,
            NodeLevel::Outcome,
            NodeLevel::Objective,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

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
