//! Reading whole plans back into the domain model, for export: the
//! inverse of `import.rs`, so export then import round-trips.

use crate::Store;
use crate::error::StoreError;
use chrono::NaiveDate;
use goldthread_domain::fuzzy_date::DateReading;
use goldthread_domain::{
    Action, ActionDetails, ActionStatus, Aggregation, Baseline, DueRevision, Finding, FindingKind,
    Frequency, FuzzyDate, Indicator, LeadOfficer, Measurement, Milestone, NarrativeSection,
    NodeLevel, PlanDocument, PlanDraft, PlanKind, PlanPeriod, PlanStatus, Polarity, ProgressUpdate,
    Provenance, Risk, Severity, Target, ThreadNode, Unit,
};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::HashMap;

fn date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| t.parse().ok())
}

fn provenance(row: &AnyRow) -> Result<Option<Provenance>, StoreError> {
    let line: Option<i64> = row.try_get("source_line")?;
    let sheet: Option<String> = row.try_get("source_sheet").unwrap_or(None);
    Ok((line.is_some() || sheet.is_some()).then(|| Provenance {
        line: line.and_then(|l| u32::try_from(l).ok()),
        sheet,
    }))
}

fn fuzzy(row: &AnyRow, prefix: &str) -> Result<Option<FuzzyDate>, StoreError> {
    let text: Option<String> = row.try_get(format!("{prefix}_text").as_str())?;
    let Some(text) = text else { return Ok(None) };
    let reading: Option<String> = row
        .try_get(format!("{prefix}_reading").as_str())
        .unwrap_or(None);
    let recurrence: Option<String> = row
        .try_get(format!("{prefix}_recurrence").as_str())
        .unwrap_or(None);
    Ok(Some(FuzzyDate {
        text,
        earliest: date(row.try_get(format!("{prefix}_earliest").as_str())?),
        latest: date(row.try_get(format!("{prefix}_latest").as_str())?),
        recurrence: recurrence.and_then(|r| serde_json::from_str(&r).ok()),
        reading: reading
            .and_then(|r| DateReading::parse(&r))
            .unwrap_or(DateReading::Span),
    }))
}

fn revision_date(text: String, earliest: Option<String>, latest: Option<String>) -> FuzzyDate {
    FuzzyDate {
        text,
        earliest: date(earliest),
        latest: date(latest),
        recurrence: None,
        reading: DateReading::Span,
    }
}

/// A stored reported status, by its name.
fn rag(text: &str) -> Option<goldthread_domain::status::Rag> {
    goldthread_domain::status::Rag::parse(text)
}

fn corrupt(entity: &'static str, id: i64, field: &'static str, value: &str) -> StoreError {
    StoreError::Corrupt {
        entity,
        id,
        field,
        message: format!("unknown value '{value}'"),
    }
}

impl Store {
    /// The plans with these ids, and the findings of their source
    /// documents, as one document. Empty `plan_ids` means every plan.
    pub async fn export_document(&self, plan_ids: &[i64]) -> Result<PlanDocument, StoreError> {
        let mut tx = self.pool.begin().await?;
        let all: Vec<i64> = sqlx::query("SELECT id FROM plans ORDER BY id")
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let ids: Vec<i64> = if plan_ids.is_empty() {
            all
        } else {
            plan_ids.to_vec()
        };
        let mut doc = PlanDocument::default();
        let mut sources = Vec::new();
        for id in ids {
            let (plan, source) = load_plan(&mut tx, id).await?;
            doc.plans.push(plan);
            if let Some(source) = source
                && !sources.contains(&source)
            {
                sources.push(source);
            }
        }
        for source in sources {
            for r in sqlx::query("SELECT * FROM findings WHERE source_document_id = $1 ORDER BY id")
                .bind(source)
                .fetch_all(&mut *tx)
                .await?
            {
                let id: i64 = r.try_get("id")?;
                let severity: String = r.try_get("severity")?;
                let kind: String = r.try_get("kind")?;
                doc.findings.push(Finding {
                    severity: Severity::parse(&severity)
                        .ok_or_else(|| corrupt("findings", id, "severity", &severity))?,
                    kind: FindingKind::parse(&kind)
                        .ok_or_else(|| corrupt("findings", id, "kind", &kind))?,
                    message: r.try_get("message")?,
                    provenance: provenance(&r)?,
                });
            }
        }
        tx.commit().await?;
        Ok(doc)
    }
}

pub(crate) async fn load_plan(
    conn: &mut sqlx::AnyConnection,
    plan_id: i64,
) -> Result<(PlanDraft, Option<i64>), StoreError> {
    let row = sqlx::query("SELECT p.*, u.name AS owner FROM plans p LEFT JOIN org_units u ON u.id = p.owner_unit_id WHERE p.id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "plans", id: plan_id })?;
    let kind: String = row.try_get("kind")?;
    let status: String = row.try_get("status")?;
    let mut plan = PlanDraft::new(
        row.try_get::<String, _>("title")?,
        PlanKind::parse(&kind).ok_or_else(|| corrupt("plans", plan_id, "kind", &kind))?,
    );
    plan.status =
        PlanStatus::parse(&status).ok_or_else(|| corrupt("plans", plan_id, "status", &status))?;
    plan.owner = row.try_get("owner")?;
    let from: Option<String> = row.try_get("period_from")?;
    let to: Option<String> = row.try_get("period_to")?;
    plan.period = match (
        from.and_then(|f| f.parse().ok()),
        to.and_then(|t| t.parse().ok()),
    ) {
        (Some(from), Some(to)) => Some(PlanPeriod { from, to }),
        _ => None,
    };
    let sections: String = row.try_get("sections")?;
    plan.sections = serde_json::from_str::<Vec<NarrativeSection>>(&sections).unwrap_or_default();
    let source: Option<i64> = row.try_get("source_document_id")?;

    let mut node_index = HashMap::new();
    for r in sqlx::query("SELECT * FROM nodes WHERE plan_id = $1 ORDER BY position")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
    {
        let id: i64 = r.try_get("id")?;
        let level: String = r.try_get("level")?;
        let parent: Option<i64> = r.try_get("parent_id")?;
        node_index.insert(id, plan.nodes.len());
        plan.nodes.push(ThreadNode {
            level: NodeLevel::parse(&level).ok_or_else(|| corrupt("nodes", id, "level", &level))?,
            label: r.try_get("label")?,
            title: r.try_get("title")?,
            strapline: r.try_get("strapline")?,
            code: r.try_get("code")?,
            parent: parent.and_then(|p| node_index.get(&p).copied()),
            provenance: provenance(&r)?,
        });
    }

    let mut indicator_index = HashMap::new();
    for r in sqlx::query("SELECT * FROM indicators WHERE plan_id = $1 ORDER BY position")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
    {
        let id: i64 = r.try_get("id")?;
        let code: Option<String> = r.try_get("code")?;
        let unit: String = r.try_get("unit")?;
        let polarity: String = r.try_get("polarity")?;
        let aggregation: String = r.try_get("aggregation")?;
        let frequency: Option<String> = r.try_get("frequency")?;
        let baseline_text: Option<String> = r.try_get("baseline_text")?;
        let mut indicator = Indicator {
            code: code.as_deref().map(str::parse).transpose().map_err(|_| {
                corrupt(
                    "indicators",
                    id,
                    "code",
                    code.as_deref().unwrap_or_default(),
                )
            })?,
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            unit: Unit::parse(&unit).ok_or_else(|| corrupt("indicators", id, "unit", &unit))?,
            polarity: Polarity::parse(&polarity)
                .ok_or_else(|| corrupt("indicators", id, "polarity", &polarity))?,
            frequency: frequency
                .as_deref()
                .map(|f| {
                    Frequency::parse(f).ok_or_else(|| corrupt("indicators", id, "frequency", f))
                })
                .transpose()?,
            aggregation: Aggregation::parse(&aggregation)
                .ok_or_else(|| corrupt("indicators", id, "aggregation", &aggregation))?,
            baseline: match baseline_text {
                Some(text) => Some(Baseline {
                    text,
                    value: r.try_get("baseline_value")?,
                    when: r.try_get("baseline_when")?,
                }),
                None => None,
            },
            tolerance: r.try_get("tolerance")?,
            owner: r.try_get("owner")?,
            provenance: provenance(&r)?,
            ..Indicator::default()
        };
        for t in sqlx::query(
            "SELECT period, text, value FROM targets WHERE indicator_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        {
            let period: String = t.try_get(0)?;
            indicator.targets.push(Target {
                period: period
                    .parse()
                    .map_err(|_| corrupt("targets", id, "period", &period))?,
                text: t.try_get(1)?,
                value: t.try_get(2)?,
            });
        }
        for m in sqlx::query("SELECT period, value, text, note, recorded_by, recorded_at, status FROM measurements WHERE indicator_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        {
            let period: String = m.try_get(0)?;
            let recorded_at: String = m.try_get(5)?;
            let status: Option<String> = m.try_get(6)?;
            indicator.measurements.push(Measurement {
                period: period.parse().map_err(|_| corrupt("measurements", id, "period", &period))?,
                value: m.try_get(1)?,
                text: m.try_get(2)?,
                note: m.try_get(3)?,
                status: match status {
                    None => None,
                    Some(s) => Some(rag(&s).ok_or_else(|| corrupt("measurements", id, "status", &s))?),
                },
                recorded_by: m.try_get(4)?,
                recorded_at: chrono::DateTime::parse_from_rfc3339(&recorded_at).ok().map(|t| t.with_timezone(&chrono::Utc)),
            });
        }
        for l in sqlx::query("SELECT node_id FROM indicator_links WHERE indicator_id = $1 AND node_id IS NOT NULL ORDER BY id").bind(id).fetch_all(&mut *conn).await? {
            if let Some(&n) = node_index.get(&l.try_get::<i64, _>(0)?) {
                indicator.nodes.push(n);
            }
        }
        indicator_index.insert(id, plan.indicators.len());
        plan.indicators.push(indicator);
    }

    let mut action_index = HashMap::new();
    for r in sqlx::query("SELECT * FROM actions WHERE plan_id = $1 ORDER BY position")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
    {
        let id: i64 = r.try_get("id")?;
        let related: String = r.try_get("related")?;
        let mut action = Action {
            code: r.try_get("code")?,
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            details: ActionDetails {
                target: r.try_get("target")?,
                outcome: r.try_get("outcome")?,
                critical_success_factors: r.try_get("critical_success_factors")?,
                environmental_impacts: r.try_get("environmental_impacts")?,
                outputs: r.try_get("outputs")?,
                risks: r.try_get("risks")?,
                resources: r.try_get("resources")?,
                resources_pounds: r.try_get("resources_pounds")?,
                other_services: r.try_get("other_services")?,
                partnership_links: r.try_get("partnership_links")?,
                service_role: r.try_get("service_role")?,
                service_ref: r.try_get("service_ref")?,
                priority_link: r.try_get("priority_link")?,
                monitoring_bodies: r.try_get("monitoring_bodies")?,
                measures: r.try_get("measures")?,
            },
            due: fuzzy(&r, "due")?,
            related: serde_json::from_str(&related).unwrap_or_default(),
            provenance: provenance(&r)?,
            ..Action::default()
        };
        for o in sqlx::query("SELECT p.title, ao.joint FROM action_officers ao JOIN posts p ON p.id = ao.post_id WHERE ao.action_id = $1 ORDER BY ao.position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        {
            action.lead_officers.push(LeadOfficer { name: o.try_get(0)?, joint: o.try_get::<i64, _>(1)? != 0 });
        }
        for v in sqlx::query("SELECT * FROM due_revisions WHERE action_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        {
            action.revisions.push(DueRevision {
                from: revision_date(
                    v.try_get("from_text")?,
                    v.try_get("from_earliest")?,
                    v.try_get("from_latest")?,
                ),
                to: revision_date(
                    v.try_get("to_text")?,
                    v.try_get("to_earliest")?,
                    v.try_get("to_latest")?,
                ),
                reason: v.try_get("reason")?,
                reported: date(v.try_get("reported")?),
            });
        }
        for m in sqlx::query("SELECT * FROM milestones WHERE action_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        {
            let line: Option<i64> = m.try_get("source_line")?;
            action.milestones.push(Milestone {
                title: m.try_get("title")?,
                due: fuzzy(&m, "due")?,
                completed: date(m.try_get("completed")?),
                provenance: line.map(|l| Provenance {
                    line: u32::try_from(l).ok(),
                    sheet: None,
                }),
            });
        }
        for u in sqlx::query("SELECT * FROM progress_updates WHERE action_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        {
            let uid: i64 = u.try_get("id")?;
            let status: String = u.try_get("status")?;
            let as_at: String = u.try_get("as_at")?;
            let percent: Option<i64> = u.try_get("percent_complete")?;
            action.updates.push(ProgressUpdate {
                as_at: as_at
                    .parse()
                    .map_err(|_| corrupt("progress_updates", uid, "as_at", &as_at))?,
                status: ActionStatus::parse(&status)
                    .ok_or_else(|| corrupt("progress_updates", uid, "status", &status))?,
                percent_complete: percent.and_then(|p| u8::try_from(p).ok()),
                commentary: u.try_get("commentary")?,
                author: u.try_get("author")?,
            });
        }
        for l in sqlx::query("SELECT node_id FROM action_nodes WHERE action_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        {
            if let Some(&n) = node_index.get(&l.try_get::<i64, _>(0)?) {
                action.nodes.push(n);
            }
        }
        for l in
            sqlx::query("SELECT indicator_id FROM indicator_links WHERE action_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&mut *conn)
                .await?
        {
            if let Some(&i) = indicator_index.get(&l.try_get::<i64, _>(0)?) {
                action.indicators.push(i);
            }
        }
        action_index.insert(id, plan.actions.len());
        plan.actions.push(action);
    }

    for r in sqlx::query("SELECT * FROM risks WHERE plan_id = $1 ORDER BY position")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
    {
        let id: i64 = r.try_get("id")?;
        let likelihood: Option<i64> = r.try_get("likelihood")?;
        let impact: Option<i64> = r.try_get("impact")?;
        let mut risk = Risk {
            code: r.try_get("code")?,
            title: r.try_get("title")?,
            cause: r.try_get("cause")?,
            event: r.try_get("event")?,
            consequence: r.try_get("consequence")?,
            owner: r.try_get("owner")?,
            likelihood: likelihood.and_then(|v| u8::try_from(v).ok()),
            impact: impact.and_then(|v| u8::try_from(v).ok()),
            controls: r.try_get("controls")?,
            provenance: provenance(&r)?,
            ..Risk::default()
        };
        for l in
            sqlx::query("SELECT action_id, node_id FROM risk_links WHERE risk_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&mut *conn)
                .await?
        {
            if let Some(&a) = l
                .try_get::<Option<i64>, _>(0)?
                .and_then(|a| action_index.get(&a))
            {
                risk.actions.push(a);
            }
            if let Some(&n) = l
                .try_get::<Option<i64>, _>(1)?
                .and_then(|n| node_index.get(&n))
            {
                risk.nodes.push(n);
            }
        }
        plan.risks.push(risk);
    }
    Ok((plan, source))
}
