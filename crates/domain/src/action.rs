//! Actions, their milestones and the progress reported on them.

use crate::document::Provenance;
use crate::fuzzy_date::FuzzyDate;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Something a service has committed to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Action {
    /// The document's reference: `KA.1`, `15-CEC01`, `3`, `CA1.2`.
    pub code: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub details: ActionDetails,
    pub lead_officers: Vec<LeadOfficer>,
    /// The due date as originally planned.
    pub due: Option<FuzzyDate>,
    /// Later revisions of the due date, oldest first.
    pub revisions: Vec<DueRevision>,
    pub milestones: Vec<Milestone>,
    pub updates: Vec<ProgressUpdate>,
    /// Indices of the thread nodes this action serves (one or more).
    pub nodes: Vec<usize>,
    /// Indices of the indicators that measure it.
    pub indicators: Vec<usize>,
    /// Codes of other actions it refers to ("follows on from action 16").
    pub related: Vec<String>,
    pub provenance: Option<Provenance>,
}

impl Action {
    /// The due date in force: the latest revision, else the original.
    pub fn current_due(&self) -> Option<&FuzzyDate> {
        self.revisions.last().map(|r| &r.to).or(self.due.as_ref())
    }
}

/// The structured fields service plans carry for an action. All optional:
/// each council's template asks for a different subset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ActionDetails {
    pub target: Option<String>,
    pub outcome: Option<String>,
    pub critical_success_factors: Option<String>,
    pub environmental_impacts: Option<String>,
    pub outputs: Option<String>,
    pub risks: Option<String>,
    /// Additional resources required, as written ("£20,000 from reserves").
    pub resources: Option<String>,
    /// The money named in `resources`, in whole pounds, when there is one.
    pub resources_pounds: Option<i64>,
    pub other_services: Option<String>,
    pub partnership_links: Option<String>,
    /// Community Leadership; Service Provider / Commissioner / Manager; Enabler.
    pub service_role: Option<String>,
    /// The service plan reference, e.g. `HH2.1`.
    pub service_ref: Option<String>,
    /// Link to a council priority (PEOPLE / PROSPERITY / PLACE).
    pub priority_link: Option<String>,
    /// Boards and panels giving additional performance monitoring.
    pub monitoring_bodies: Option<String>,
    /// Performance measures written as text.
    pub measures: Option<String>,
}

/// Who leads an action: usually a post, sometimes a named person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LeadOfficer {
    pub name: String,
    /// Whether the action names several leads jointly ("Joint action: …").
    pub joint: bool,
}

/// A change of due date, as in "Revised completion date from March 2013 to
/// June 2013".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueRevision {
    pub from: FuzzyDate,
    pub to: FuzzyDate,
    pub reason: Option<String>,
    /// When the revision was reported, when known.
    pub reported: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub title: String,
    pub due: Option<FuzzyDate>,
    pub completed: Option<NaiveDate>,
    pub provenance: Option<Provenance>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    NotStarted,
    OnTrack,
    AtRisk,
    OffTrack,
    Achieved,
    Deferred,
    Cancelled,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 7] = [
        ActionStatus::NotStarted,
        ActionStatus::OnTrack,
        ActionStatus::AtRisk,
        ActionStatus::OffTrack,
        ActionStatus::Achieved,
        ActionStatus::Deferred,
        ActionStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::NotStarted => "not_started",
            ActionStatus::OnTrack => "on_track",
            ActionStatus::AtRisk => "at_risk",
            ActionStatus::OffTrack => "off_track",
            ActionStatus::Achieved => "achieved",
            ActionStatus::Deferred => "deferred",
            ActionStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::NotStarted => "Not started",
            ActionStatus::OnTrack => "On track",
            ActionStatus::AtRisk => "At risk",
            ActionStatus::OffTrack => "Off track",
            ActionStatus::Achieved => "Achieved",
            ActionStatus::Deferred => "Deferred",
            ActionStatus::Cancelled => "Cancelled",
        }
    }

    /// Whether the action needs no more work.
    pub fn is_closed(self) -> bool {
        matches!(self, ActionStatus::Achieved | ActionStatus::Cancelled)
    }
}

/// A report of progress on an action as at a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgressUpdate {
    pub as_at: NaiveDate,
    pub status: ActionStatus,
    pub percent_complete: Option<u8>,
    pub commentary: String,
    pub author: Option<String>,
}
