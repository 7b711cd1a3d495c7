//! Actions, their milestones and the progress reported on them.

use crate::document::Provenance;
use crate::fuzzy_date::FuzzyDate;
use crate::names::named;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Something a service has committed to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Action {
    /// The document's reference: `KA.1`, `15-CEC01`, `3`, `CA1.2`.
    pub code: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub details: Details,
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

/// One of an action's [`ActionDetails`] written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DetailField {
    Target,
    Outcome,
    CriticalSuccessFactors,
    EnvironmentalImpacts,
    Outputs,
    Risks,
    Resources,
    OtherServices,
    PartnershipLinks,
    ServiceRole,
    ServiceRef,
    PriorityLink,
    MonitoringBodies,
    Measures,
}

impl DetailField {
    pub const ALL: [DetailField; 14] = [
        DetailField::Target,
        DetailField::Outcome,
        DetailField::CriticalSuccessFactors,
        DetailField::EnvironmentalImpacts,
        DetailField::Outputs,
        DetailField::Risks,
        DetailField::Resources,
        DetailField::OtherServices,
        DetailField::PartnershipLinks,
        DetailField::ServiceRole,
        DetailField::ServiceRef,
        DetailField::PriorityLink,
        DetailField::MonitoringBodies,
        DetailField::Measures,
    ];

    /// The field's slot in the full form of the details.
    fn slot(self, d: &mut ActionDetails) -> &mut Option<String> {
        match self {
            DetailField::Target => &mut d.target,
            DetailField::Outcome => &mut d.outcome,
            DetailField::CriticalSuccessFactors => &mut d.critical_success_factors,
            DetailField::EnvironmentalImpacts => &mut d.environmental_impacts,
            DetailField::Outputs => &mut d.outputs,
            DetailField::Risks => &mut d.risks,
            DetailField::Resources => &mut d.resources,
            DetailField::OtherServices => &mut d.other_services,
            DetailField::PartnershipLinks => &mut d.partnership_links,
            DetailField::ServiceRole => &mut d.service_role,
            DetailField::ServiceRef => &mut d.service_ref,
            DetailField::PriorityLink => &mut d.priority_link,
            DetailField::MonitoringBodies => &mut d.monitoring_bodies,
            DetailField::Measures => &mut d.measures,
        }
    }
}

/// An action's [`ActionDetails`], only the fields filled. Most actions
/// have one or two, and a large plan holds tens of thousands of actions:
/// all fifteen slots for each cost 352 bytes, a filled field here 32.
/// Compares, prints and serialises as the `ActionDetails` it stands for.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// In [`DetailField`] order, each at most once, never empty.
    fields: Vec<(DetailField, String)>,
    /// The money named in the resources, in whole pounds.
    resources_pounds: Option<i64>,
}

impl Details {
    pub fn get(&self, field: DetailField) -> Option<&str> {
        self.find(field).ok().map(|at| self.fields[at].1.as_str())
    }

    /// Writes a field; `None` or an empty text clears it.
    pub fn set(&mut self, field: DetailField, value: Option<String>) {
        let value = value.filter(|v| !v.is_empty());
        match (self.find(field), value) {
            (Ok(at), Some(value)) => self.fields[at].1 = value,
            (Ok(at), None) => {
                self.fields.remove(at);
            }
            (Err(at), Some(value)) => {
                // One more, not four: a Vec's first growth makes room for
                // four fields (128 bytes) where most actions fill one.
                self.fields.reserve_exact(1);
                self.fields.insert(at, (field, value));
            }
            (Err(_), None) => {}
        }
    }

    /// Adds a line to a field, or fills it.
    pub fn append(&mut self, field: DetailField, value: &str) {
        match self.find(field) {
            Ok(at) => {
                let existing = &mut self.fields[at].1;
                existing.push('\n');
                existing.push_str(value);
            }
            Err(_) => self.set(field, Some(value.to_string())),
        }
    }

    pub fn resources_pounds(&self) -> Option<i64> {
        self.resources_pounds
    }

    pub fn set_resources_pounds(&mut self, pounds: Option<i64>) {
        self.resources_pounds = pounds;
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.resources_pounds.is_none()
    }

    /// Every field, filled or not.
    pub fn to_action_details(&self) -> ActionDetails {
        let mut full = ActionDetails {
            resources_pounds: self.resources_pounds,
            ..ActionDetails::default()
        };
        for (field, value) in &self.fields {
            *field.slot(&mut full) = Some(value.clone());
        }
        full
    }

    fn find(&self, field: DetailField) -> Result<usize, usize> {
        self.fields.binary_search_by_key(&field, |(f, _)| *f)
    }
}

impl From<ActionDetails> for Details {
    fn from(mut full: ActionDetails) -> Self {
        let mut details = Details {
            fields: Vec::new(),
            resources_pounds: full.resources_pounds,
        };
        for field in DetailField::ALL {
            details.set(field, field.slot(&mut full).take());
        }
        details
    }
}

impl std::fmt::Debug for Details {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.to_action_details().fmt(f)
    }
}

impl Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_action_details().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Details {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ActionDetails::deserialize(d).map(Details::from)
    }
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

named!(ActionStatus {
    NotStarted => "not_started",
    OnTrack => "on_track",
    AtRisk => "at_risk",
    OffTrack => "off_track",
    Achieved => "achieved",
    Deferred => "deferred",
    Cancelled => "cancelled",
});

impl ActionStatus {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> FuzzyDate {
        FuzzyDate::parse(text, crate::DateContext::default())
    }

    fn revision(from: &str, to: &str) -> DueRevision {
        DueRevision {
            from: date(from),
            to: date(to),
            reason: None,
            reported: None,
        }
    }

    #[test]
    fn the_due_date_in_force_is_the_latest_revision_else_the_original() {
        let mut action = Action {
            due: Some(date("March 2013")),
            ..Action::default()
        };
        assert_eq!(
            action.current_due().map(|d| d.text.as_str()),
            Some("March 2013")
        );
        action.revisions = vec![
            revision("March 2013", "June 2013"),
            revision("June 2013", "September 2013"),
        ];
        assert_eq!(
            action.current_due().map(|d| d.text.as_str()),
            Some("September 2013")
        );
        // A revision counts even where the plan gave no date at first.
        action.due = None;
        assert_eq!(
            action.current_due().map(|d| d.text.as_str()),
            Some("September 2013")
        );
        assert_eq!(Action::default().current_due(), None);
    }

    #[test]
    fn achieved_and_cancelled_actions_need_no_more_work() {
        assert!(ActionStatus::Achieved.is_closed());
        assert!(ActionStatus::Cancelled.is_closed());
        for open in [
            ActionStatus::NotStarted,
            ActionStatus::OnTrack,
            ActionStatus::AtRisk,
            ActionStatus::OffTrack,
            ActionStatus::Deferred,
        ] {
            assert!(!open.is_closed(), "{open:?}");
        }
        let labels = ActionStatus::ALL.map(ActionStatus::label);
        assert_eq!(
            labels,
            [
                "Not started",
                "On track",
                "At risk",
                "Off track",
                "Achieved",
                "Deferred",
                "Cancelled"
            ]
        );
    }

    #[test]
    fn action_status_names_are_its_serde_names() {
        crate::names::assert_names_are_serde_names(
            &ActionStatus::ALL,
            ActionStatus::as_str,
            ActionStatus::parse,
        );
        crate::names::assert_names_read_back(&ActionStatus::ALL, ActionStatus::as_str);
    }

    #[test]
    fn details_are_held_only_when_filled_and_read_as_action_details() {
        let empty = Action::default();
        assert!(empty.details.is_empty());
        assert_eq!(empty.details.to_action_details(), ActionDetails::default());
        assert!(Details::from(ActionDetails::default()).is_empty());

        let mut filled = Action::default();
        filled
            .details
            .set(DetailField::Target, Some("All of them".into()));
        filled.details.append(DetailField::Measures, "Homes");
        filled.details.append(DetailField::Measures, "Rents");
        filled
            .details
            .set(DetailField::Outcome, Some(String::new()));
        assert_eq!(filled.details.get(DetailField::Target), Some("All of them"));
        assert_eq!(
            filled.details.get(DetailField::Measures),
            Some("Homes\nRents")
        );
        assert_eq!(filled.details.get(DetailField::Outcome), None);
        let as_written = ActionDetails {
            target: Some("All of them".into()),
            measures: Some("Homes\nRents".into()),
            ..ActionDetails::default()
        };
        assert_eq!(filled.details, Details::from(as_written.clone()));
        // Written in another order: the same details.
        let mut other_order = Details::default();
        other_order.set(DetailField::Measures, Some("Homes\nRents".into()));
        other_order.set(DetailField::Target, Some("All of them".into()));
        assert_eq!(other_order, filled.details);
        // Written and then emptied: equal to one never filled.
        let mut emptied = filled.clone();
        emptied.details.set(DetailField::Target, None);
        emptied.details.set(DetailField::Measures, None);
        assert_eq!(emptied.details, empty.details);

        // The same JSON and the same debug text as the fields themselves.
        for (details, fields) in [
            (&filled.details, &as_written),
            (&empty.details, &ActionDetails::default()),
        ] {
            let json = serde_json::to_string(details).unwrap();
            assert_eq!(json, serde_json::to_string(fields).unwrap());
            assert_eq!(format!("{details:?}"), format!("{fields:?}"));
            let back: Details = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, details);
        }
        let back: Action = serde_json::from_str(&serde_json::to_string(&filled).unwrap()).unwrap();
        assert_eq!(back, filled);
    }
}
