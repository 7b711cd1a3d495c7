//! The council plan model: everything Goldthread knows about plans, with no I/O.
//!
//! The golden thread is a tree of [`ThreadNode`]s (priority → outcome →
//! objective …) with [`Action`]s and [`Indicator`]s hanging from one or more
//! nodes. An import produces a [`PlanDocument`]: the plans of one source
//! document, with local indices in place of database ids, plus the
//! [`Finding`]s about its data quality.

pub mod access;
pub mod action;
pub mod document;
pub mod entry;
pub mod financial_year;
pub mod fuzzy_date;
mod fuzzy_date_parser;
pub mod golden_thread;
pub mod indicator;
pub mod lifecycle;
mod names;
pub mod narrative;
pub mod numbering;
pub mod organisation;
pub mod plan;
pub mod plan_diff;
pub mod post_duplicates;
pub mod risk;
pub mod status;
pub mod template;

pub use access::{
    Access, PasswordProblem, Review, Role, check_password, may_record, post_key, post_match_key,
};
pub use action::{
    Action, ActionDetails, ActionStatus, DetailField, Details, DueRevision, LeadOfficer, Milestone,
    ProgressUpdate,
};
pub use document::{
    DocumentCounts, Finding, FindingKind, NarrativeSection, PlanDocument, PlanDraft, Provenance,
    Severity, SourceFormat,
};
pub use financial_year::{FinancialYear, Period, Quarter};
pub use fuzzy_date::{DateContext, DateReading, FuzzyDate, Recurrence};
pub use golden_thread::{ThreadLink, off_thread, on_thread};
pub use indicator::{
    Aggregation, Baseline, Figure, Frequency, Indicator, IndicatorCode, Measurement, Polarity,
    Target, Unit, parse_figure, read_number,
};
pub use lifecycle::{
    EditRule, PlanStep, RolledForward, RoundState, as_written, edit_rule, in_force, roll_forward,
};
pub use narrative::{
    SERVICE_PLAN_SECTIONS, SectionLayout, StandardSection, merge_sections, section_layout,
    standard_index,
};
pub use numbering::CodePattern;
pub use organisation::{OrgUnit, Organisation, UnitKind};
pub use plan::{NodeLevel, PlanKind, PlanPeriod, PlanStatus, ThreadNode};
pub use plan_diff::{ItemChange, ItemKind, ItemRef, PlanChange, PlanDiff, PlanMatch, diff_plan};
pub use post_duplicates::post_duplicate_groups;
pub use risk::Risk;
pub use template::{ActionField, FixedList, LevelName, Template};
