//! What part of the council a page looks at, and as at when.

use chrono::NaiveDate;
use goldthread_storage::{ActionInfo, IndicatorInfo, MonitoringData};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};

/// The query string every status page accepts.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ScopeQuery {
    pub as_at: Option<String>,
    pub plan: Option<String>,
    pub service: Option<String>,
    pub officer: Option<String>,
    pub status: Option<String>,
    /// `all`: every plan, finished ones too; else only the plans in force.
    pub plans: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub as_at: NaiveDate,
    pub plan: Option<i64>,
    pub service: Option<String>,
    pub officer: Option<String>,
    pub status: Option<String>,
    /// Whether plans that have ended (or not begun) by the as-at day count
    /// when no plan is chosen; by default only the plans in force do.
    pub all_plans: bool,
    /// Problems with the query, shown in an error summary.
    pub errors: Vec<(String, String)>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The earliest "as at" date a page answers for.
fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1990, 4, 1).unwrap_or(NaiveDate::MIN)
}

/// The latest: the end of the financial year ten years on.
fn latest(today: NaiveDate) -> NaiveDate {
    goldthread_domain::FinancialYear::containing(today)
        .start_year()
        .checked_add(11)
        .and_then(|y| NaiveDate::from_ymd_opt(y, 3, 31))
        .unwrap_or(NaiveDate::MAX)
}

impl Scope {
    /// A plan chosen by id that the council does not have is said so,
    /// rather than shown as a plan with nothing in it.
    pub fn check_plan(mut self, data: &MonitoringData) -> Scope {
        if let Some(id) = self.plan
            && !data.plans.iter().any(|p| p.id == id)
        {
            self.errors.push((
                "plan".into(),
                format!("There is no plan {id}: choose a plan from the list"),
            ));
            self.plan = None;
        }
        self
    }

    pub fn from_query(q: &ScopeQuery, today: NaiveDate) -> Scope {
        let mut errors = Vec::new();
        let as_at = match non_empty(&q.as_at) {
            None => today,
            Some(text) => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                // Councils' plans run from the 1990s; a date far outside
                // that is a slip, and its periods would read "-1/00 Q1".
                Ok(date) if !(earliest()..=latest(today)).contains(&date) => {
                    errors.push((
                        "as_at".into(),
                        format!(
                            "Date must be between {} and {}, not '{text}'",
                            earliest().format("%-d %B %Y"),
                            latest(today).format("%-d %B %Y")
                        ),
                    ));
                    today
                }
                Ok(date) => date,
                Err(_) => {
                    errors.push((
                        "as_at".into(),
                        format!("Date must be a real date in the form 2017-09-30, not '{text}'"),
                    ));
                    today
                }
            },
        };
        let plan = match non_empty(&q.plan) {
            None => None,
            Some(text) => match text.parse() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push(("plan".into(), "Choose a plan from the list".into()));
                    None
                }
            },
        };
        Scope {
            as_at,
            plan,
            service: non_empty(&q.service),
            officer: non_empty(&q.officer),
            status: non_empty(&q.status),
            all_plans: non_empty(&q.plans).as_deref() == Some("all"),
            errors,
        }
    }

    /// The scope as a query string (without `status`), for links to the
    /// lists behind a page's figures: `plan=3&as_at=2017-09-30`.
    pub fn query_string(&self, today: NaiveDate) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(plan) = self.plan {
            pairs.push(("plan", plan.to_string()));
        }
        if let Some(service) = &self.service {
            pairs.push(("service", service.clone()));
        }
        if let Some(officer) = &self.officer {
            pairs.push(("officer", officer.clone()));
        }
        if self.as_at != today {
            pairs.push(("as_at", self.as_at.to_string()));
        }
        if self.all_plans {
            pairs.push(("plans", "all".to_string()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The service code of an action: the letters of its service reference
    /// (`HH` of `HH2.1`).
    fn service_code(action: &ActionInfo) -> Option<&str> {
        goldthread_domain::OrgUnit::code_of_reference(action.service_ref.as_deref()?)
    }

    /// Whether a plan's items count: the chosen plan; with none chosen,
    /// the plans in force on the as-at day (unless all are asked for):
    /// approved (`lifecycle::in_force`: drafts, plans under review and
    /// archived ones are not) and covering the day. A plan with no stated
    /// years covers every day.
    pub fn includes_plan(&self, data: &MonitoringData, plan_id: i64) -> bool {
        match self.plan {
            Some(chosen) => chosen == plan_id,
            None if self.all_plans => true,
            None => data.plan(plan_id).is_none_or(|p| p.in_force_on(self.as_at)),
        }
    }

    pub fn includes_action(&self, data: &MonitoringData, action: &ActionInfo) -> bool {
        if !self.includes_plan(data, action.plan_id) {
            return false;
        }
        if let Some(officer) = &self.officer
            && !action.officers.iter().any(|o| o == officer)
        {
            return false;
        }
        if let Some(service) = &self.service {
            let owner = data.plan(action.plan_id).and_then(|p| p.owner.as_deref());
            if owner != Some(service.as_str())
                && Self::service_code(action) != Some(service.as_str())
            {
                return false;
            }
        }
        true
    }

    pub fn actions<'a>(&self, data: &'a MonitoringData) -> Vec<&'a ActionInfo> {
        data.actions
            .iter()
            .filter(|a| self.includes_action(data, a))
            .map(AsRef::as_ref)
            .collect()
    }

    pub fn indicators<'a>(
        &self,
        data: &'a MonitoringData,
        actions: &[&ActionInfo],
    ) -> Vec<&'a IndicatorInfo> {
        let narrowed = self.officer.is_some() || self.service.is_some();
        let in_scope: HashSet<i64> = actions.iter().map(|a| a.id).collect();
        data.indicators
            .iter()
            .filter(|i| self.includes_plan(data, i.plan_id))
            .filter(|i| {
                !narrowed
                    || i.action_ids.iter().any(|a| in_scope.contains(a))
                    || self.service.as_deref().is_some_and(|s| {
                        data.plans
                            .iter()
                            .any(|p| p.id == i.plan_id && p.owner.as_deref() == Some(s))
                    })
            })
            .map(AsRef::as_ref)
            .collect()
    }
}

/// The choices offered in scope filters.
#[derive(Debug, Clone, Serialize)]
pub struct ScopeOptions {
    pub plans: Vec<(i64, String)>,
    pub services: Vec<String>,
    pub officers: Vec<String>,
}

impl ScopeOptions {
    pub fn of(data: &MonitoringData) -> ScopeOptions {
        let mut services: BTreeSet<String> =
            data.plans.iter().filter_map(|p| p.owner.clone()).collect();
        services.extend(
            data.actions
                .iter()
                .filter_map(|a| Scope::service_code(a).map(str::to_string)),
        );
        let officers: BTreeSet<String> = data
            .actions
            .iter()
            .flat_map(|a| a.officers.iter().cloned())
            .collect();
        ScopeOptions {
            plans: data.plans.iter().map(|p| (p.id, p.title.clone())).collect(),
            services: services.into_iter().collect(),
            officers: officers.into_iter().collect(),
        }
    }
}
