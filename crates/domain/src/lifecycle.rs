//! A plan's way through the yearly planning cycle: written as a draft,
//! submitted, returned with comments or approved, archived when it ends.
//!
//! The rules, in one place:
//! - Only a draft or a returned plan is open to editing as it stands.
//! - A submitted plan is closed while it is reviewed: the reviewer judges
//!   a fixed text. It is returned (with a comment saying why) or approved.
//! - An approved plan is locked. Changing it starts a new revision (a
//!   draft again, revision n + 1); the approved revision is kept as it was
//!   approved, so the two can be compared, and the plan stays in force on
//!   the strength of that approval until the new revision is approved.
//! - An archived plan is closed to every change; it stays readable.
//! - A plan is *in force* when some revision of it has been approved and it
//!   is not archived (its period decides the days it covers).

use crate::action::Action;
use crate::document::PlanDraft;
use crate::financial_year::FinancialYear;
use crate::names::named;
use crate::plan::{PlanPeriod, PlanStatus};
use serde::{Deserialize, Serialize};

/// What a person does to a plan in the cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanStep {
    Submit,
    Return,
    Approve,
    Archive,
}

named!(PlanStep {
    Submit => "submit",
    Return => "return",
    Approve => "approve",
    Archive => "archive",
});

impl PlanStep {
    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            PlanStep::Submit => "Submit for approval",
            PlanStep::Return => "Return with comments",
            PlanStep::Approve => "Approve",
            PlanStep::Archive => "Archive",
        }
    }

    /// The status a plan in `from` moves to, or why this step cannot be
    /// taken from there.
    pub fn apply(self, from: PlanStatus) -> Result<PlanStatus, String> {
        use PlanStatus::*;
        match (self, from) {
            (PlanStep::Submit, Draft | Returned) => Ok(Submitted),
            (PlanStep::Return | PlanStep::Approve, Submitted) => Ok(match self {
                PlanStep::Return => Returned,
                _ => Approved,
            }),
            (PlanStep::Archive, status) if status != Archived => Ok(Archived),
            (step, status) => Err(format!(
                "a plan that is {} cannot be {}",
                status.label().to_lowercase(),
                step.past_tense()
            )),
        }
    }

    /// The steps open to a plan in `status`, in the order pages offer them.
    pub fn open_from(status: PlanStatus) -> Vec<PlanStep> {
        PlanStep::ALL
            .into_iter()
            .filter(|step| step.apply(status).is_ok())
            .collect()
    }

    fn past_tense(self) -> &'static str {
        match self {
            PlanStep::Submit => "submitted",
            PlanStep::Return => "returned",
            PlanStep::Approve => "approved",
            PlanStep::Archive => "archived",
        }
    }
}

/// What editing a plan's content means in its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditRule {
    /// Change it as it stands.
    Open,
    /// Start a new revision first (a draft again), keeping the approved one.
    NewRevision,
    /// Not now, and why.
    Closed(String),
}

pub fn edit_rule(status: PlanStatus) -> EditRule {
    match status {
        PlanStatus::Draft | PlanStatus::Returned => EditRule::Open,
        PlanStatus::Approved => EditRule::NewRevision,
        PlanStatus::Submitted => EditRule::Closed(
            "this plan is submitted for approval: it can be changed once it is returned".into(),
        ),
        PlanStatus::Archived => {
            EditRule::Closed("this plan is archived: it can no longer be changed".into())
        }
    }
}

/// Whether a plan counts as in force (on days its period covers): some
/// revision has been approved and it is not archived.
pub fn in_force(status: PlanStatus, approved_revision: Option<i64>) -> bool {
    approved_revision.is_some() && status != PlanStatus::Archived
}

/// The plan as written, which is what is approved and compared between
/// revisions: progress updates, due-date revisions and indicator values
/// are what happens to a plan in the year, not part of its text.
pub fn as_written(mut plan: PlanDraft) -> PlanDraft {
    for action in &mut plan.actions {
        action.updates.clear();
        action.revisions.clear();
    }
    for indicator in &mut plan.indicators {
        indicator.measurements.clear();
    }
    plan
}

/// Next year's plan started from this year's, and where each carried
/// item came from (indices into the old plan).
#[derive(Debug, Clone, PartialEq)]
pub struct RolledForward {
    pub plan: PlanDraft,
    pub actions_from: Vec<usize>,
    pub indicators_from: Vec<usize>,
}

/// Starts next year's plan from `plan`: its years one on, a draft, the
/// same thread, narrative and risks; the actions not finished (an action
/// is finished when its latest update says achieved or cancelled), with
/// their milestones still open; every indicator, with the targets for the
/// new years only. Progress and values stay with the old plan, which the
/// carried items name (`actions_from`, `indicators_from`). A plan with no
/// years cannot be rolled forward: there is no "next year" of it.
pub fn roll_forward(plan: &PlanDraft) -> Result<RolledForward, String> {
    let period = plan
        .period
        .ok_or("the plan has no years, so it has no next year: give it its years first")?;
    let next = PlanPeriod {
        from: period.from.next(),
        to: period.to.next(),
    };
    let finished = |a: &Action| {
        a.updates
            .iter()
            .max_by_key(|u| u.as_at)
            .is_some_and(|u| u.status.is_closed())
    };
    let actions_from: Vec<usize> = (0..plan.actions.len())
        .filter(|&i| !finished(&plan.actions[i]))
        .collect();
    let new_index = |old: usize| actions_from.iter().position(|&i| i == old);
    let mut rolled = as_written(plan.clone());
    rolled.title = next_title(&plan.title, period, next);
    rolled.status = PlanStatus::Draft;
    rolled.period = Some(next);
    rolled.actions = actions_from
        .iter()
        .map(|&i| {
            let mut action = as_written_action(&plan.actions[i]);
            // What is due stays as it was promised: the author revises it.
            action.milestones.retain(|m| m.completed.is_none());
            action
        })
        .collect();
    for indicator in &mut rolled.indicators {
        indicator
            .targets
            .retain(|t| next.years().any(|y| y == t.period.financial_year()));
    }
    for risk in &mut rolled.risks {
        risk.actions = risk.actions.iter().filter_map(|&i| new_index(i)).collect();
    }
    let indicators_from = (0..plan.indicators.len()).collect();
    Ok(RolledForward {
        plan: rolled,
        actions_from,
        indicators_from,
    })
}

fn as_written_action(action: &Action) -> Action {
    let mut action = action.clone();
    action.updates.clear();
    action.revisions.clear();
    action
}

/// The title with each of the plan's years moved on one ("Housing Service
/// Plan 2017/18" → "… 2018/19", "2017-2020" → "2018-2021"); a title that
/// names no year gets the new years after it.
fn next_title(title: &str, period: PlanPeriod, next: PlanPeriod) -> String {
    let mut out = title.to_string();
    // From the latest year back, so "2017/18" moved to "2018/19" is not
    // moved again by the next year's replacement.
    let years: Vec<FinancialYear> = period.years().collect();
    let mut changed = false;
    // The span in calendar years, as three-year plans name it.
    let (first, last) = (period.from.start_year(), period.to.start_year() + 1);
    for dash in ["-", "–", " - ", " – ", " to "] {
        let from = format!("{first}{dash}{last}");
        if out.contains(&from) {
            out = out.replace(&from, &format!("{}{dash}{}", first + 1, last + 1));
            changed = true;
        }
    }
    for year in years.into_iter().rev() {
        let (start, end) = (year.start_year(), year.start_year() + 1);
        for (from, to) in [
            (
                format!("{start}/{:02}", end % 100),
                format!("{end}/{:02}", (end + 1) % 100),
            ),
            (
                format!("{start}-{:02}", end % 100),
                format!("{end}-{:02}", (end + 1) % 100),
            ),
            (format!("{start}/{end}"), format!("{end}/{}", end + 1)),
            (format!("{start}-{end}"), format!("{end}-{}", end + 1)),
        ] {
            if out.contains(&from) {
                out = out.replace(&from, &to);
                changed = true;
            }
        }
    }
    if changed {
        out
    } else {
        format!("{title} {next}")
    }
}

/// Where a service stands in a planning round, in the order a plan gets
/// further on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    NotStarted,
    Draft,
    Returned,
    Submitted,
    Approved,
}

named!(RoundState {
    NotStarted => "not_started",
    Draft => "draft",
    Returned => "returned",
    Submitted => "submitted",
    Approved => "approved",
});

impl RoundState {
    /// A service's state from the status of its plan for the round's year
    /// (none: not started). An archived plan is no plan for the year.
    pub fn of(plan: Option<PlanStatus>) -> RoundState {
        match plan {
            None | Some(PlanStatus::Archived) => RoundState::NotStarted,
            Some(PlanStatus::Draft) => RoundState::Draft,
            Some(PlanStatus::Submitted) => RoundState::Submitted,
            Some(PlanStatus::Returned) => RoundState::Returned,
            Some(PlanStatus::Approved) => RoundState::Approved,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RoundState::NotStarted => "Not started",
            RoundState::Draft => "Draft",
            RoundState::Submitted => "Submitted",
            RoundState::Returned => "Returned with comments",
            RoundState::Approved => "Approved",
        }
    }

    /// A plan approved counts as in place.
    pub fn in_place(self) -> bool {
        self == RoundState::Approved
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PlanStatus::*;

    #[test]
    fn a_draft_is_submitted_then_returned_or_approved() {
        assert_eq!(PlanStep::Submit.apply(Draft), Ok(Submitted));
        assert_eq!(PlanStep::Return.apply(Submitted), Ok(Returned));
        assert_eq!(PlanStep::Submit.apply(Returned), Ok(Submitted));
        assert_eq!(PlanStep::Approve.apply(Submitted), Ok(Approved));
    }

    #[test]
    fn only_a_submitted_plan_is_returned_or_approved() {
        for status in [Draft, Returned, Approved, Archived] {
            assert!(PlanStep::Approve.apply(status).is_err(), "{status:?}");
            assert!(PlanStep::Return.apply(status).is_err(), "{status:?}");
        }
        assert_eq!(
            PlanStep::Approve.apply(Draft),
            Err("a plan that is draft cannot be approved".into())
        );
    }

    #[test]
    fn a_plan_is_submitted_only_from_draft_or_returned() {
        for status in [Submitted, Approved, Archived] {
            assert!(PlanStep::Submit.apply(status).is_err(), "{status:?}");
        }
    }

    #[test]
    fn anything_but_an_archived_plan_is_archived() {
        for status in [Draft, Submitted, Returned, Approved] {
            assert_eq!(PlanStep::Archive.apply(status), Ok(Archived));
        }
        assert!(PlanStep::Archive.apply(Archived).is_err());
    }

    #[test]
    fn pages_offer_the_steps_open_from_each_status() {
        use PlanStep::*;
        assert_eq!(PlanStep::open_from(PlanStatus::Draft), [Submit, Archive]);
        assert_eq!(
            PlanStep::open_from(PlanStatus::Submitted),
            [Return, Approve, Archive]
        );
        assert_eq!(PlanStep::open_from(PlanStatus::Archived), []);
    }

    #[test]
    fn drafts_and_returned_plans_are_edited_in_place_approved_ones_by_a_new_revision() {
        assert_eq!(edit_rule(Draft), EditRule::Open);
        assert_eq!(edit_rule(Returned), EditRule::Open);
        assert_eq!(edit_rule(Approved), EditRule::NewRevision);
        assert!(matches!(edit_rule(Submitted), EditRule::Closed(why) if why.contains("returned")));
        assert!(matches!(edit_rule(Archived), EditRule::Closed(why) if why.contains("archived")));
    }

    #[test]
    fn a_plan_is_in_force_once_approved_until_archived() {
        assert!(!in_force(Draft, None));
        assert!(!in_force(Submitted, None));
        assert!(in_force(Approved, Some(1)));
        // Amending an approved plan keeps the approved revision in force.
        assert!(in_force(Draft, Some(1)));
        assert!(in_force(Submitted, Some(2)));
        assert!(!in_force(Archived, Some(3)));
    }

    #[test]
    fn a_service_is_in_place_when_its_plan_is_approved() {
        assert_eq!(RoundState::of(None), RoundState::NotStarted);
        assert_eq!(RoundState::of(Some(Archived)), RoundState::NotStarted);
        assert_eq!(RoundState::of(Some(Returned)), RoundState::Returned);
        assert!(RoundState::of(Some(Approved)).in_place());
        assert!(!RoundState::of(Some(Submitted)).in_place());
    }

    fn year(start: i32) -> FinancialYear {
        FinancialYear::starting(start).unwrap()
    }

    fn plan_of(title: &str, from: i32, to: i32) -> PlanDraft {
        let mut plan = PlanDraft::new(title, crate::PlanKind::Service);
        plan.period = Some(PlanPeriod {
            from: year(from),
            to: year(to),
        });
        plan.status = Approved;
        plan
    }

    fn action(title: &str, latest: Option<crate::ActionStatus>) -> Action {
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2018, 1, d).unwrap();
        Action {
            title: title.into(),
            updates: latest
                .into_iter()
                .map(|status| crate::ProgressUpdate {
                    as_at: day(20),
                    status,
                    percent_complete: None,
                    commentary: String::new(),
                    author: None,
                })
                .collect(),
            ..Action::default()
        }
    }

    #[test]
    fn rolling_forward_moves_the_years_on_and_starts_a_draft() {
        let next = |title: &str, from, to| roll_forward(&plan_of(title, from, to)).unwrap().plan;
        let rolled = next("Housing Service Plan 2017/18", 2017, 2017);
        assert_eq!(rolled.title, "Housing Service Plan 2018/19");
        assert_eq!(rolled.status, Draft);
        assert_eq!(rolled.period.unwrap().from, year(2018));
        assert_eq!(
            next("Corporate Plan 2017/18 to 2019/20", 2017, 2019).title,
            "Corporate Plan 2018/19 to 2020/21"
        );
        assert_eq!(
            next("Council Plan 2017-2020", 2017, 2019).title,
            "Council Plan 2018-2021"
        );
        assert_eq!(next("Plan 2017-18", 2017, 2017).title, "Plan 2018-19");
        assert_eq!(
            next("Waste Service Plan", 2017, 2017).title,
            "Waste Service Plan 2018/19"
        );
    }

    #[test]
    fn a_plan_without_years_is_not_rolled_forward() {
        let plan = PlanDraft::new("Plan", crate::PlanKind::Service);
        assert!(roll_forward(&plan).unwrap_err().contains("no years"));
    }

    #[test]
    fn finished_actions_stay_behind_and_carried_ones_lose_their_progress() {
        use crate::ActionStatus::*;
        let mut plan = plan_of("Plan 2017/18", 2017, 2017);
        plan.actions = vec![
            action("done", Some(Achieved)),
            action("going", Some(OnTrack)),
            action("dropped", Some(Cancelled)),
            action("not begun", None),
            action("put off", Some(Deferred)),
        ];
        plan.actions[1].milestones = vec![
            crate::Milestone {
                title: "first".into(),
                due: None,
                completed: chrono::NaiveDate::from_ymd_opt(2017, 6, 1),
                provenance: None,
            },
            crate::Milestone {
                title: "second".into(),
                due: None,
                completed: None,
                provenance: None,
            },
        ];
        plan.risks = vec![crate::Risk {
            actions: vec![0, 1, 4],
            ..crate::Risk::default()
        }];
        let rolled = roll_forward(&plan).unwrap();
        let titles: Vec<&str> = rolled
            .plan
            .actions
            .iter()
            .map(|a| a.title.as_str())
            .collect();
        assert_eq!(titles, ["going", "not begun", "put off"]);
        assert_eq!(rolled.actions_from, [1, 3, 4]);
        assert!(rolled.plan.actions.iter().all(|a| a.updates.is_empty()));
        let milestones: Vec<&str> = rolled.plan.actions[0]
            .milestones
            .iter()
            .map(|m| m.title.as_str())
            .collect();
        assert_eq!(milestones, ["second"]);
        // The risk's links follow its actions to their new places.
        assert_eq!(rolled.plan.risks[0].actions, [0, 2]);
    }

    #[test]
    fn indicators_carry_only_the_new_years_targets_and_no_values() {
        use crate::Period;
        use crate::indicator::{Indicator, Measurement, Target};
        let mut plan = plan_of("Plan 2017/18", 2017, 2017);
        let target = |y: i32| Target {
            period: Period::Year(year(y)),
            text: "90%".into(),
            value: Some(90.0),
        };
        plan.indicators = vec![Indicator {
            title: "Homes".into(),
            targets: vec![target(2017), target(2018), target(2019)],
            measurements: vec![Measurement {
                period: Period::Year(year(2017)),
                value: Some(80.0),
                text: None,
                note: None,
                status: None,
                recorded_by: None,
                recorded_at: None,
            }],
            ..Indicator::default()
        }];
        let rolled = roll_forward(&plan).unwrap();
        let indicator = &rolled.plan.indicators[0];
        assert_eq!(indicator.targets, [target(2018)]);
        assert!(indicator.measurements.is_empty());
        assert_eq!(rolled.indicators_from, [0]);
    }

    #[test]
    fn names_are_serde_names() {
        crate::names::assert_names_are_serde_names(
            &PlanStep::ALL,
            PlanStep::as_str,
            PlanStep::parse,
        );
        crate::names::assert_names_are_serde_names(
            &RoundState::ALL,
            RoundState::as_str,
            RoundState::parse,
        );
    }
}
