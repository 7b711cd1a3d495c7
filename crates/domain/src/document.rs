//! What one source document holds once read: its plans and the findings
//! about its data quality. This is the unit an import stores, all or nothing.

use crate::action::Action;
use crate::indicator::Indicator;
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

impl SourceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Text => "text",
            SourceFormat::Docx => "docx",
            SourceFormat::Xlsx => "xlsx",
            SourceFormat::Csv => "csv",
            SourceFormat::Json => "json",
        }
    }
}

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

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

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
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::DuplicateCode => "duplicate-code",
            FindingKind::NumberingGap => "numbering-gap",
            FindingKind::MissingLeadOfficer => "missing-lead-officer",
            FindingKind::MissingDueDate => "missing-due-date",
            FindingKind::DateToBeConfirmed => "date-to-be-confirmed",
            FindingKind::UnreadableDate => "unreadable-date",
            FindingKind::DueBeforePlanStart => "due-before-plan-start",
            FindingKind::UnmeasurableMeasure => "unmeasurable-measure",
            FindingKind::SuspectText => "suspect-text",
            FindingKind::UnrecognisedTable => "unrecognised-table",
            FindingKind::UnrecognisedStatus => "unrecognised-status",
            FindingKind::UndatedProgress => "undated-progress",
            FindingKind::EmptyDocument => "empty-document",
        }
    }
}

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
