//! Reading whole plans back into the domain model, for export: the
//! inverse of `import.rs`, so export then import round-trips.

use crate::Store;
use crate::error::{Record, StoreError};
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

/// A stored number that must fit a smaller type (a line, a percentage, a
/// risk rating), or NULL for none.
fn small<T: TryFrom<i64>>(
    at: Record,
    field: &'static str,
    value: Option<i64>,
    expected: &'static str,
) -> Result<Option<T>, StoreError> {
    value
        .map(|v| T::try_from(v).map_err(|_| at.corrupt(field, &v.to_string(), expected)))
        .transpose()
}

/// A JSON column, read into the domain type it was written from.
fn json<T: serde::de::DeserializeOwned>(
    at: Record,
    field: &'static str,
    text: &str,
    expected: &'static str,
) -> Result<T, StoreError> {
    at.read(field, text, expected, |t| serde_json::from_str(t).ok())
}

fn provenance(at: Record, row: &AnyRow) -> Result<Option<Provenance>, StoreError> {
    let line: Option<i64> = row.try_get("source_line")?;
    let sheet: Option<String> = row.try_get("source_sheet").unwrap_or(None);
    let line = small(at, "source_line", line, "a line number")?;
    Ok((line.is_some() || sheet.is_some()).then_some(Provenance { line, sheet }))
}

/// The due date of an action or milestone (NULL text: none). A date
/// without a stored reading (written before readings were kept) is a span.
fn fuzzy(at: Record, row: &AnyRow) -> Result<Option<FuzzyDate>, StoreError> {
    let text: Option<String> = row.try_get("due_text")?;
    let Some(text) = text else { return Ok(None) };
    let reading: Option<String> = row.try_get("due_reading").unwrap_or(None);
    let recurrence: Option<String> = row.try_get("due_recurrence").unwrap_or(None);
    let earliest: Option<String> = row.try_get("due_earliest")?;
    let latest: Option<String> = row.try_get("due_latest")?;
    Ok(Some(FuzzyDate {
        text,
        earliest: at.optional_date("due_earliest", earliest.as_deref())?,
        latest: at.optional_date("due_latest", latest.as_deref())?,
        recurrence: recurrence
            .as_deref()
            .map(|r| json(at, "due_recurrence", r, "a recurrence"))
            .transpose()?,
        reading: at
            .read_optional(
                "due_reading",
                reading.as_deref(),
                "a date reading",
                DateReading::parse,
            )?
            .unwrap_or(DateReading::Span),
    }))
}

fn revision_date(
    at: Record,
    row: &AnyRow,
    [text, earliest, latest]: [&'static str; 3],
) -> Result<FuzzyDate, StoreError> {
    let earliest_text: Option<String> = row.try_get(earliest)?;
    let latest_text: Option<String> = row.try_get(latest)?;
    Ok(FuzzyDate {
        text: row.try_get(text)?,
        earliest: at.optional_date(earliest, earliest_text.as_deref())?,
        latest: at.optional_date(latest, latest_text.as_deref())?,
        recurrence: None,
        reading: DateReading::Span,
    })
}

/// A stored reported status, by its name.
fn rag(text: &str) -> Option<goldthread_domain::status::Rag> {
    goldthread_domain::status::Rag::parse(text)
}

fn corrupt(
    entity: &'static str,
    id: i64,
    field: &'static str,
    expected: &'static str,
    value: &str,
) -> StoreError {
    Record::new(entity, id).corrupt(field, value, expected)
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
                    severity: Severity::parse(&severity).ok_or_else(|| {
                        corrupt("findings", id, "severity", "a severity", &severity)
                    })?,
                    kind: FindingKind::parse(&kind)
                        .ok_or_else(|| corrupt("findings", id, "kind", "a kind", &kind))?,
                    message: r.try_get("message")?,
                    provenance: provenance(Record::new("findings", id), &r)?,
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
        PlanKind::parse(&kind).ok_or_else(|| corrupt("plans", plan_id, "kind", "a kind", &kind))?,
    );
    plan.status = PlanStatus::parse(&status)
        .ok_or_else(|| corrupt("plans", plan_id, "status", "a status", &status))?;
    plan.owner = row.try_get("owner")?;
    let from: Option<String> = row.try_get("period_from")?;
    let to: Option<String> = row.try_get("period_to")?;
    let at = Record::new("plans", plan_id);
    let year = |field, text: Option<String>| {
        at.read_optional(field, text.as_deref(), "a financial year", |t| {
            t.parse().ok()
        })
    };
    // A plan with no period has neither year; one year alone is no period.
    plan.period = match (year("period_from", from)?, year("period_to", to)?) {
        (Some(from), Some(to)) => Some(PlanPeriod { from, to }),
        _ => None,
    };
    let sections: String = row.try_get("sections")?;
    plan.sections = json::<Vec<NarrativeSection>>(at, "sections", &sections, "narrative sections")?;
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
            level: NodeLevel::parse(&level)
                .ok_or_else(|| corrupt("nodes", id, "level", "a node level", &level))?,
            label: r.try_get("label")?,
            title: r.try_get("title")?,
            strapline: r.try_get("strapline")?,
            code: r.try_get("code")?,
            parent: parent.and_then(|p| node_index.get(&p).copied()),
            provenance: provenance(Record::new("nodes", id), &r)?,
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
                    "an indicator code",
                    code.as_deref().unwrap_or_default(),
                )
            })?,
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            unit: Unit::parse(&unit)
                .ok_or_else(|| corrupt("indicators", id, "unit", "a unit", &unit))?,
            polarity: Polarity::parse(&polarity)
                .ok_or_else(|| corrupt("indicators", id, "polarity", "a polarity", &polarity))?,
            frequency: frequency
                .as_deref()
                .map(|f| {
                    Frequency::parse(f)
                        .ok_or_else(|| corrupt("indicators", id, "frequency", "a frequency", f))
                })
                .transpose()?,
            aggregation: Aggregation::parse(&aggregation).ok_or_else(|| {
                corrupt(
                    "indicators",
                    id,
                    "aggregation",
                    "an aggregation",
                    &aggregation,
                )
            })?,
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
            provenance: provenance(Record::new("indicators", id), &r)?,
            ..Indicator::default()
        };
        for t in sqlx::query(
            "SELECT period, text, value, id FROM targets WHERE indicator_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        {
            let period: String = t.try_get(0)?;
            let target_id: i64 = t.try_get(3)?;
            indicator.targets.push(Target {
                period: period
                    .parse()
                    .map_err(|_| corrupt("targets", target_id, "period", "a period", &period))?,
                text: t.try_get(1)?,
                value: t.try_get(2)?,
            });
        }
        for m in sqlx::query("SELECT period, value, text, note, recorded_by, recorded_at, status, id FROM measurements WHERE indicator_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        {
            let period: String = m.try_get(0)?;
            let recorded_at: String = m.try_get(5)?;
            let status: Option<String> = m.try_get(6)?;
            let measurement_id: i64 = m.try_get(7)?;
            let at = Record::new("measurements", measurement_id);
            indicator.measurements.push(Measurement {
                period: period.parse().map_err(|_| corrupt("measurements", measurement_id, "period", "a period", &period))?,
                value: m.try_get(1)?,
                text: m.try_get(2)?,
                note: m.try_get(3)?,
                status: match status {
                    None => None,
                    Some(s) => Some(rag(&s).ok_or_else(|| corrupt("measurements", measurement_id, "status", "a status", &s))?),
                },
                recorded_by: m.try_get(4)?,
                recorded_at: Some(at.read("recorded_at", &recorded_at, "a time", |t| {
                    chrono::DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&chrono::Utc))
                })?),
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
        let at = Record::new("actions", id);
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
            }
            .into(),
            due: fuzzy(at, &r)?,
            related: json(at, "related", &related, "a list of related plans")?,
            provenance: provenance(at, &r)?,
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
            let at = Record::new("due_revisions", v.try_get("id")?);
            let reported: Option<String> = v.try_get("reported")?;
            action.revisions.push(DueRevision {
                from: revision_date(at, &v, ["from_text", "from_earliest", "from_latest"])?,
                to: revision_date(at, &v, ["to_text", "to_earliest", "to_latest"])?,
                reason: v.try_get("reason")?,
                reported: at.optional_date("reported", reported.as_deref())?,
            });
        }
        for m in sqlx::query("SELECT * FROM milestones WHERE action_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
        {
            let at = Record::new("milestones", m.try_get("id")?);
            let line: Option<i64> = m.try_get("source_line")?;
            let completed: Option<String> = m.try_get("completed")?;
            action.milestones.push(Milestone {
                title: m.try_get("title")?,
                due: fuzzy(at, &m)?,
                completed: at.optional_date("completed", completed.as_deref())?,
                provenance: small(at, "source_line", line, "a line number")?.map(|line| {
                    Provenance {
                        line: Some(line),
                        sheet: None,
                    }
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
                    .map_err(|_| corrupt("progress_updates", uid, "as_at", "a date", &as_at))?,
                status: ActionStatus::parse(&status).ok_or_else(|| {
                    corrupt("progress_updates", uid, "status", "a status", &status)
                })?,
                percent_complete: small(
                    Record::new("progress_updates", uid),
                    "percent_complete",
                    percent,
                    "a percentage",
                )?,
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
        let at = Record::new("risks", id);
        let mut risk = Risk {
            code: r.try_get("code")?,
            title: r.try_get("title")?,
            cause: r.try_get("cause")?,
            event: r.try_get("event")?,
            consequence: r.try_get("consequence")?,
            owner: r.try_get("owner")?,
            likelihood: small(at, "likelihood", likelihood, "a rating")?,
            impact: small(at, "impact", impact, "a rating")?,
            controls: r.try_get("controls")?,
            provenance: provenance(at, &r)?,
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
