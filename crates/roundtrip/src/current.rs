//! A plan's actions and indicators as they stand: what the workbook is
//! written from, and what a filled one is compared with.

use crate::RoundtripError;
use chrono::NaiveDate;
use goldthread_domain::{Frequency, Period, Unit, entry};
use goldthread_storage::{PlanStamps, Store, UpdateInfo};

#[derive(Debug, Clone)]
pub struct PlanProgress {
    pub plan_id: i64,
    pub title: String,
    /// The plan's first and last days, when it has a period.
    pub span: Option<(NaiveDate, NaiveDate)>,
    pub actions: Vec<ActionNow>,
    pub indicators: Vec<IndicatorNow>,
    /// Versions of every action and value, sign-off state aside.
    pub stamps: PlanStamps,
    /// The day the rules are applied as at (values for begun periods only).
    pub today: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct ActionNow {
    pub id: i64,
    pub code: Option<String>,
    pub title: String,
    /// The posts that lead it.
    pub officers: Vec<String>,
    pub due: Option<String>,
    /// The due date in force, when a revision moved it.
    pub revised_due: Option<String>,
    /// The latest approved progress update.
    pub latest: Option<UpdateInfo>,
}

#[derive(Debug, Clone)]
pub struct IndicatorNow {
    pub id: i64,
    pub code: Option<String>,
    pub title: String,
    pub unit: Unit,
    pub frequency: Option<Frequency>,
    pub targets: Vec<(Period, Option<f64>)>,
    /// The periods a value may be entered for today, oldest first.
    pub open: Vec<Period>,
}

impl PlanProgress {
    /// The plan as it stands; a plan that does not exist is refused.
    pub async fn load(
        store: &Store,
        plan_id: i64,
        today: NaiveDate,
    ) -> Result<PlanProgress, RoundtripError> {
        let data = store.load_monitoring_data().await?;
        let plan = data
            .plans
            .iter()
            .find(|p| p.id == plan_id)
            .ok_or_else(|| RoundtripError::Refused(format!("There is no plan {plan_id}.")))?;
        let span = plan.first_day.zip(plan.last_day);
        let actions = data
            .actions
            .iter()
            .filter(|a| a.plan_id == plan_id)
            .map(|a| ActionNow {
                id: a.id,
                code: a.code.clone(),
                title: a.title.clone(),
                officers: a.officers.clone(),
                due: a.due_text.clone(),
                revised_due: a
                    .due_in_force_text
                    .clone()
                    .filter(|d| Some(d) != a.due_text.as_ref()),
                latest: a.updates.last().cloned(),
            })
            .collect();
        let indicators = data
            .indicators
            .iter()
            .filter(|i| i.plan_id == plan_id)
            .map(|i| {
                let mut open = entry::open_periods(&entry::ValueContext {
                    frequency: i.frequency,
                    unit: i.unit,
                    plan: span,
                    today,
                });
                open.reverse();
                IndicatorNow {
                    id: i.id,
                    code: i.code.clone(),
                    title: i.title.clone(),
                    unit: i.unit,
                    frequency: i.frequency,
                    targets: i.targets.clone(),
                    open,
                }
            })
            .collect();
        Ok(PlanProgress {
            plan_id,
            title: plan.title.clone(),
            span,
            actions,
            indicators,
            stamps: store.plan_stamps(plan_id).await?,
            today,
        })
    }

    /// What the entry rules need to know about one of its indicators.
    pub fn value_context(&self, indicator: &IndicatorNow) -> entry::ValueContext {
        entry::ValueContext {
            frequency: indicator.frequency,
            unit: indicator.unit,
            plan: self.span,
            today: self.today,
        }
    }

    /// An action's stamp now (0 if it has gone).
    pub fn action_version(&self, id: i64) -> i64 {
        self.stamps.actions.get(&id).copied().unwrap_or(0)
    }

    /// A value's stamp now: 0 when there is none.
    pub fn value_version(&self, indicator_id: i64, period: Period) -> i64 {
        self.stamps
            .values
            .get(&(indicator_id, period.to_string()))
            .map_or(0, |v| v.version)
    }

    pub fn value_now(&self, indicator_id: i64, period: Period) -> Option<f64> {
        self.stamps
            .values
            .get(&(indicator_id, period.to_string()))
            .and_then(|v| v.value)
    }
}

/// A figure as the sheets and the preview show it: no trailing zeros.
pub fn figure(value: f64) -> String {
    let text = format!("{value:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
