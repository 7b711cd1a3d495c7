//! The read model's records built from the stored rows, one record at a
//! time: the whole council when it is loaded, and only the records a
//! change touched when it is kept up to date (`live.rs`).

use super::rows::{ActionRow, IndicatorRow, NodeRow, PlanRow, Rows};
use super::{ActionInfo, IndicatorInfo, MonitoringData, NodeInfo, PlanInfo, UpdateInfo, ValueInfo};
use crate::error::{Record, StoreError};
use chrono::NaiveDate;
use goldthread_domain::{
    ActionStatus, Aggregation, FinancialYear, Frequency, Organisation, Period, PlanStatus,
    Polarity, Review, Unit,
};
use std::sync::Arc;

/// A plan's first or last financial year, NULL for a plan with no period.
fn year_of(
    plan: Record,
    field: &'static str,
    text: Option<&str>,
) -> Result<Option<FinancialYear>, StoreError> {
    plan.read_optional(field, text, "a financial year", |t| t.parse().ok())
}

fn period_of(at: Record, text: &str) -> Result<Period, StoreError> {
    at.read("period", text, "a period", |t| t.parse().ok())
}

pub(super) struct Assembler<'a> {
    pub rows: &'a Rows,
    /// The day the data is the knowledge of; `None` for now.
    pub known_at: Option<NaiveDate>,
}

impl Assembler<'_> {
    /// Known on the day read: what a document dates later is not.
    fn known(&self, day: Option<NaiveDate>) -> bool {
        match (day, self.known_at) {
            (Some(day), Some(limit)) => day <= limit,
            _ => true,
        }
    }

    pub fn everything(
        &self,
        version: i64,
        organisation: Organisation,
    ) -> Result<MonitoringData, StoreError> {
        let actions = self
            .action_order()
            .into_iter()
            .map(|a| self.action(a).map(Arc::new))
            .collect::<Result<_, _>>()?;
        let indicators = self
            .indicator_order()
            .into_iter()
            .map(|i| self.indicator(i).map(Arc::new))
            .collect::<Result<_, _>>()?;
        Ok(MonitoringData {
            version,
            known_at: self.known_at,
            organisation,
            plans: self.plans()?,
            nodes: self.nodes(),
            actions,
            indicators,
        })
    }

    /// Every plan, by id.
    pub fn plans(&self) -> Result<Vec<PlanInfo>, StoreError> {
        let mut plans: Vec<&PlanRow> = self.rows.plans.iter().collect();
        plans.sort_by_key(|p| p.id);
        plans.into_iter().map(|p| self.plan(p)).collect()
    }

    fn plan(&self, p: &PlanRow) -> Result<PlanInfo, StoreError> {
        let at = Record::new("plans", p.id);
        let status = at.read("status", &p.status, "a plan status", PlanStatus::parse)?;
        Ok(PlanInfo {
            id: p.id,
            title: p.title.clone(),
            kind: p.kind.clone(),
            owner: p
                .owner_unit_id
                .and_then(|u| self.rows.units.get(u))
                .map(|u| u.name.clone()),
            first_day: year_of(at, "period_from", p.period_from.as_deref())?
                .map(FinancialYear::first_day),
            last_day: year_of(at, "period_to", p.period_to.as_deref())?
                .map(FinancialYear::last_day),
            // Only a plan approved at some time is public: a draft an
            // editor published by mistake (or before the cycle existed) is not.
            published: p.published_at.is_some() && p.approved_revision.is_some(),
            status,
            adopted: goldthread_domain::in_force(status, p.approved_revision),
        })
    }

    /// Every thread node, in plan and document order.
    pub fn nodes(&self) -> Vec<NodeInfo> {
        let mut nodes: Vec<&NodeRow> = self.rows.nodes.iter().collect();
        nodes.sort_by_key(|n| (n.plan_id, n.position, n.id));
        nodes
            .into_iter()
            .map(|n| NodeInfo {
                id: n.id,
                plan_id: n.plan_id,
                parent_id: n.parent_id,
                level: n.level.clone(),
                label: n.label.clone(),
                title: n.title.clone(),
                strapline: n.strapline.clone(),
            })
            .collect()
    }

    /// Every action, in plan and document order.
    pub fn action_order(&self) -> Vec<&ActionRow> {
        let mut actions: Vec<&ActionRow> = self.rows.actions.iter().collect();
        actions.sort_by_key(|a| (a.plan_id, a.position, a.id));
        actions
    }

    /// Every indicator, in plan and document order.
    pub fn indicator_order(&self) -> Vec<&IndicatorRow> {
        let mut indicators: Vec<&IndicatorRow> = self.rows.indicators.iter().collect();
        indicators.sort_by_key(|i| (i.plan_id, i.position, i.id));
        indicators
    }

    pub fn action(&self, a: &ActionRow) -> Result<ActionInfo, StoreError> {
        let rows = self.rows;
        let due =
            Record::new("actions", a.id).optional_date("due_latest", a.due_latest.as_deref())?;
        let mut action = ActionInfo {
            id: a.id,
            plan_id: a.plan_id,
            code: a.code.clone(),
            title: a.title.clone(),
            service_ref: a.service_ref.clone(),
            due_text: a.due_text.clone(),
            original_due: due,
            due,
            due_in_force_text: a.due_text.clone(),
            officers: Vec::new(),
            node_ids: Vec::new(),
            updates: Vec::new(),
        };
        let mut revisions: Vec<_> = rows.revisions.of(a.id).collect();
        revisions.sort_by_key(|r| (r.position, r.id));
        for r in revisions {
            let at = Record::new("due_revisions", r.id);
            let reported = at.optional_date("reported", r.reported.as_deref())?;
            let to_latest = at.optional_date("to_latest", r.to_latest.as_deref())?;
            // A revision a document reports on a later day was not known yet.
            if self.known(reported) {
                action.due = to_latest;
                action.due_in_force_text = Some(r.to_text.clone());
            }
        }
        let mut officers: Vec<_> = rows.officers.of(a.id).collect();
        officers.sort_by_key(|o| (o.position, o.id));
        action.officers = officers
            .into_iter()
            .filter_map(|o| rows.posts.get(o.post_id))
            .map(|p| p.title.clone())
            .collect();
        action.node_ids = rows.action_nodes.of(a.id).map(|l| l.node_id).collect();
        let mut updates: Vec<_> = rows.updates.of(a.id).collect();
        updates.sort_by(|x, y| (&x.as_at, x.id).cmp(&(&y.as_at, y.id)));
        for u in updates {
            let at = Record::new("progress_updates", u.id);
            let review = at.read("review", &u.review, "a review state", Review::parse)?;
            let as_at = at.date("as_at", &u.as_at)?;
            let status = at.read("status", &u.status, "an action status", ActionStatus::parse)?;
            // Only approved updates count.
            if review == Review::Approved {
                action.updates.push(UpdateInfo {
                    as_at,
                    status,
                    commentary: u.commentary.clone(),
                });
            }
        }
        Ok(action)
    }

    pub fn indicator(&self, i: &IndicatorRow) -> Result<IndicatorInfo, StoreError> {
        let rows = self.rows;
        let at = Record::new("indicators", i.id);
        let mut indicator = IndicatorInfo {
            id: i.id,
            plan_id: i.plan_id,
            unit: at.read("unit", &i.unit, "a unit", Unit::parse)?,
            polarity: at.read("polarity", &i.polarity, "a polarity", Polarity::parse)?,
            frequency: at.read_optional(
                "frequency",
                i.frequency.as_deref(),
                "a frequency",
                Frequency::parse,
            )?,
            aggregation: at.read(
                "aggregation",
                &i.aggregation,
                "an aggregation",
                Aggregation::parse,
            )?,
            code: i.code.clone(),
            title: i.title.clone(),
            tolerance: i.tolerance,
            node_ids: Vec::new(),
            action_ids: Vec::new(),
            targets: Vec::new(),
            values: Vec::new(),
        };
        for l in rows.links.of(i.id) {
            indicator.action_ids.extend(l.action_id);
            indicator.node_ids.extend(l.node_id);
        }
        let mut targets: Vec<_> = rows.targets.of(i.id).collect();
        targets.sort_by(|x, y| x.period.cmp(&y.period));
        for t in targets {
            let period = period_of(Record::new("targets", t.id), &t.period)?;
            indicator.targets.push((period, t.value));
        }
        let mut values: Vec<_> = rows.measurements.of(i.id).collect();
        values.sort_by(|x, y| (&x.period_end, x.id).cmp(&(&y.period_end, y.id)));
        for m in values {
            let at = Record::new("measurements", m.id);
            let period = period_of(at, &m.period)?;
            let period_end = at.date("period_end", &m.period_end)?;
            let review = at.read("review", &m.review, "a review state", Review::parse)?;
            // A value for a period that had not ended was not known yet.
            if review == Review::Approved && self.known(Some(period_end)) {
                indicator.values.push(ValueInfo {
                    period,
                    value: m.value,
                    text: m.text.clone(),
                    note: m.note.clone(),
                });
            }
        }
        Ok(indicator)
    }
}
