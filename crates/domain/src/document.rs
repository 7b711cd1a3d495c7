//! What one source document holds once read: its plans and the findings
//! about its data quality. This is the unit an import stores, all or nothing.

use crate::action::Action;
use crate::indicator::Indicator;
use crate::names::named;
use crate::plan::{PlanKind, PlanPeriod, PlanStatus, ThreadNode};
use crate::risk::Risk;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    Text,
    Docx,
    Xlsx,
    Csv,
    Json,
}

named!(SourceFormat {
    Text => "text",
    Docx => "docx",
    Xlsx => "xlsx",
    Csv => "csv",
    Json => "json",
});

/// Where in the source document a record came from, so a user can go from
/// a record back to the page it was written on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Provenance {
    /// Line in a text document, or row in a sheet or table (1-based).
    pub line: Option<u32>,
    /// Sheet name (xlsx) or table number (docx, 1-based, as text).
    pub sheet: Option<String>,
}

impl Provenance {
    pub fn line(line: u32) -> Self {
        Self {
            line: Some(line),
            sheet: None,
        }
    }
}

impl std::fmt::Display for Provenance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.sheet, self.line) {
            (Some(sheet), Some(line)) => write!(f, "{sheet}, row {line}"),
            (Some(sheet), None) => f.write_str(sheet),
            (None, Some(line)) => write!(f, "line {line}"),
            (None, None) => Ok(()),
        }
    }
}

/// All that was read from one source document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PlanDocument {
    pub plans: Vec<PlanDraft>,
    pub findings: Vec<Finding>,
}

/// A plan as read from a document, before it has database ids: its parts
/// refer to each other by index into the vectors here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanDraft {
    pub title: String,
    pub kind: PlanKind,
    pub status: PlanStatus,
    pub period: Option<PlanPeriod>,
    /// The org unit that owns the plan (a service or directorate name).
    pub owner: Option<String>,
    pub nodes: Vec<ThreadNode>,
    pub actions: Vec<Action>,
    pub indicators: Vec<Indicator>,
    pub risks: Vec<Risk>,
    /// Narrative sections kept as text: key functions, PESTLE, SWOT, …
    pub sections: Vec<NarrativeSection>,
}

impl PlanDraft {
    pub fn new(title: impl Into<String>, kind: PlanKind) -> Self {
        Self {
            title: title.into(),
            kind,
            status: PlanStatus::Draft,
            period: None,
            owner: None,
            nodes: Vec::new(),
            actions: Vec::new(),
            indicators: Vec::new(),
            risks: Vec::new(),
            sections: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NarrativeSection {
    pub heading: String,
    pub body: String,
    pub provenance: Option<Provenance>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

named!(Severity {
    Info => "info",
    Warning => "warning",
    Error => "error",
});

/// The kinds of data-quality problem an import reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    DuplicateCode,
    NumberingGap,
    MissingLeadOfficer,
    MissingDueDate,
    DateToBeConfirmed,
    UnreadableDate,
    DueBeforePlanStart,
    UnmeasurableMeasure,
    SuspectText,
    UnrecognisedTable,
    UnrecognisedStatus,
    UndatedProgress,
    EmptyDocument,
    ConflictingFigures,
}

named!(FindingKind {
    DuplicateCode => "duplicate-code",
    NumberingGap => "numbering-gap",
    MissingLeadOfficer => "missing-lead-officer",
    MissingDueDate => "missing-due-date",
    DateToBeConfirmed => "date-to-be-confirmed",
    UnreadableDate => "unreadable-date",
    DueBeforePlanStart => "due-before-plan-start",
    UnmeasurableMeasure => "unmeasurable-measure",
    SuspectText => "suspect-text",
    UnrecognisedTable => "unrecognised-table",
    UnrecognisedStatus => "unrecognised-status",
    UndatedProgress => "undated-progress",
    EmptyDocument => "empty-document",
    ConflictingFigures => "conflicting-figures",
});

/// One data-quality observation about a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub severity: Severity,
    pub kind: FindingKind,
    pub message: String,
    pub provenance: Option<Provenance>,
}

impl Finding {
    pub fn new(
        severity: Severity,
        kind: FindingKind,
        message: impl Into<String>,
        provenance: Option<Provenance>,
    ) -> Self {
        Self {
            severity,
            kind,
            message: message.into(),
            provenance,
        }
    }
}

/// How many of each part a document holds: the import report's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocumentCounts {
    pub priorities: usize,
    pub outcomes: usize,
    pub objectives: usize,
    pub actions: usize,
    pub milestones: usize,
    pub indicators: usize,
    pub targets: usize,
    pub updates: usize,
    pub risks: usize,
}

impl PlanDocument {
    pub fn counts(&self) -> DocumentCounts {
        let nodes = |level| {
            self.plans
                .iter()
                .flat_map(|p| &p.nodes)
                .filter(|n| n.level == level)
                .count()
        };
        let actions = || self.plans.iter().flat_map(|p| &p.actions);
        let indicators = || self.plans.iter().flat_map(|p| &p.indicators);
        DocumentCounts {
            priorities: nodes(crate::plan::NodeLevel::Priority),
            outcomes: nodes(crate::plan::NodeLevel::Outcome),
            objectives: nodes(crate::plan::NodeLevel::Objective),
            actions: actions().count(),
            milestones: actions().map(|a| a.milestones.len()).sum(),
            indicators: indicators().count(),
            targets: indicators().map(|i| i.targets.len()).sum(),
            updates: actions().map(|a| a.updates.len()).sum(),
            risks: self.plans.iter().map(|p| p.risks.len()).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provenance_reads_as_the_place_a_person_would_look() {
        assert_eq!(Provenance::line(12).to_string(), "line 12");
        let row = Provenance {
            line: Some(4),
            sheet: Some("KPIs".into()),
        };
        assert_eq!(row.to_string(), "KPIs, row 4");
        let table = Provenance {
            line: None,
            sheet: Some("Table 2".into()),
        };
        assert_eq!(table.to_string(), "Table 2");
        assert_eq!(Provenance::default().to_string(), "");
    }

    #[test]
    fn counts_add_up_every_plan_of_the_document() {
        use crate::plan::{NodeLevel, ThreadNode};
        use crate::{Action, Indicator, Milestone, Risk};
        let node = |level| ThreadNode {
            level,
            label: String::new(),
            title: "t".into(),
            strapline: None,
            code: None,
            parent: None,
            provenance: None,
        };
        let mut plan = PlanDraft::new("A", PlanKind::Service);
        plan.nodes = vec![
            node(NodeLevel::Priority),
            node(NodeLevel::Outcome),
            node(NodeLevel::Objective),
            node(NodeLevel::Objective),
        ];
        let milestone = Milestone {
            title: "m".into(),
            due: None,
            completed: None,
            provenance: None,
        };
        plan.actions = vec![
            Action {
                milestones: vec![milestone.clone(), milestone],
                ..Action::default()
            },
            Action::default(),
        ];
        plan.indicators = vec![Indicator::default()];
        plan.risks = vec![Risk::default()];
        let doc = PlanDocument {
            plans: vec![plan.clone(), plan],
            ..PlanDocument::default()
        };
        let c = doc.counts();
        assert_eq!(
            (
                c.priorities,
                c.outcomes,
                c.objectives,
                c.actions,
                c.milestones
            ),
            (2, 2, 4, 4, 4)
        );
        assert_eq!((c.indicators, c.targets, c.updates, c.risks), (2, 0, 0, 2));
    }

    #[test]
    fn source_format_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &SourceFormat::ALL,
            SourceFormat::as_str,
            SourceFormat::parse,
        );
        crate::names::assert_names_read_back(&SourceFormat::ALL, SourceFormat::as_str);
    }

    #[test]
    fn severity_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &Severity::ALL,
            Severity::as_str,
            Severity::parse,
        );
        crate::names::assert_names_read_back(&Severity::ALL, Severity::as_str);
    }

    #[test]
    fn finding_kind_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &FindingKind::ALL,
            FindingKind::as_str,
            FindingKind::parse,
        );
        crate::names::assert_names_read_back(&FindingKind::ALL, FindingKind::as_str);
    }
}
