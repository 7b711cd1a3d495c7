//! Storing an imported document: all of it in one transaction, or none.

use crate::error::StoreError;
use crate::history::{ChangeContext, Origin};
use crate::write::{self, Val};
use crate::{Store, now_text};
use goldthread_domain::{Action, FuzzyDate, Indicator, PlanDocument, PlanDraft, Provenance, Risk};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// What the stored document was, for the history and for recognising a
/// re-import of the same file.
#[derive(Debug, Clone)]
pub struct SourceMeta {
    pub file_name: String,
    pub format: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// New plans were stored.
    Created,
    /// Plans with the same title and kind, untouched since their import,
    /// were replaced by the new version.
    Updated,
    /// The same file was imported before; nothing changed.
    Unchanged,
    /// Nothing was stored; `reason` says why.
    Refused,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub status: ImportStatus,
    pub source_document_id: Option<i64>,
    pub plan_ids: Vec<i64>,
    pub reason: Option<String>,
}

const PLAN_CHILD_TABLES: &[(&str, &str)] = &[
    // (table, how to find its rows for a plan), children before parents.
    (
        "risk_links",
        "risk_id IN (SELECT id FROM risks WHERE plan_id = $1)",
    ),
    ("risks", "plan_id = $1"),
    (
        "measurements",
        "indicator_id IN (SELECT id FROM indicators WHERE plan_id = $1)",
    ),
    (
        "targets",
        "indicator_id IN (SELECT id FROM indicators WHERE plan_id = $1)",
    ),
    (
        "indicator_links",
        "indicator_id IN (SELECT id FROM indicators WHERE plan_id = $1)",
    ),
    ("indicators", "plan_id = $1"),
    (
        "progress_updates",
        "action_id IN (SELECT id FROM actions WHERE plan_id = $1)",
    ),
    (
        "milestones",
        "action_id IN (SELECT id FROM actions WHERE plan_id = $1)",
    ),
    (
        "due_revisions",
        "action_id IN (SELECT id FROM actions WHERE plan_id = $1)",
    ),
    (
        "action_officers",
        "action_id IN (SELECT id FROM actions WHERE plan_id = $1)",
    ),
    (
        "action_nodes",
        "action_id IN (SELECT id FROM actions WHERE plan_id = $1)",
    ),
    ("actions", "plan_id = $1"),
    ("nodes", "plan_id = $1"),
];

impl Store {
    /// Stores a document's plans, findings and provenance in one
    /// transaction. A file already imported is reported unchanged; a plan
    /// that exists (same title and kind) is replaced only if nobody has
    /// edited it since its import, otherwise the import is refused.
    pub async fn import_document(
        &self,
        source: &SourceMeta,
        doc: &PlanDocument,
        actor: &str,
    ) -> Result<ImportOutcome, StoreError> {
        validate(doc)?;
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;

        if let Some(row) = sqlx::query("SELECT id FROM source_documents WHERE sha256 = $1")
            .bind(&source.sha256)
            .fetch_optional(&mut *conn)
            .await?
        {
            let id: i64 = row.try_get(0)?;
            let plan_ids = ids(
                conn,
                "SELECT id FROM plans WHERE source_document_id = $1 ORDER BY id",
                id,
            )
            .await?;
            return Ok(ImportOutcome {
                status: ImportStatus::Unchanged,
                source_document_id: Some(id),
                plan_ids,
                reason: None,
            });
        }

        let at = now_text();
        let base = ChangeContext {
            actor,
            at: &at,
            plan_id: None,
            origin: Origin::Import,
        };
        let mut replaced = Vec::new();
        for plan in &doc.plans {
            let existing = sqlx::query("SELECT id FROM plans WHERE title = $1 AND kind = $2")
                .bind(&plan.title)
                .bind(plan.kind.as_str())
                .fetch_all(&mut *conn)
                .await?;
            for row in existing {
                let plan_id: i64 = row.try_get(0)?;
                let edits: i64 = sqlx::query(
                    "SELECT COUNT(*) FROM history WHERE plan_id = $1 AND origin = 'edit'",
                )
                .bind(plan_id)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
                if edits > 0 {
                    return Ok(ImportOutcome {
                        status: ImportStatus::Refused,
                        source_document_id: None,
                        plan_ids: vec![plan_id],
                        reason: Some(format!(
                            "plan '{}' (id {plan_id}) has {edits} change(s) made in Goldthread since it was imported; \
                             re-importing would overwrite them",
                            plan.title
                        )),
                    });
                }
                replaced.push(plan_id);
            }
        }
        for &plan_id in &replaced {
            delete_plan(
                conn,
                ChangeContext {
                    plan_id: Some(plan_id),
                    ..base
                },
                plan_id,
            )
            .await?;
        }

        let organisation_id = ensure_organisation(conn, base).await?;
        let source_id = write::insert(
            conn,
            base,
            "source_documents",
            &[
                ("file_name", source.file_name.as_str().into()),
                ("format", source.format.as_str().into()),
                ("sha256", source.sha256.as_str().into()),
                ("size_bytes", source.size_bytes.into()),
                ("imported_at", at.as_str().into()),
                ("imported_by", actor.into()),
            ],
        )
        .await?;
        for finding in &doc.findings {
            let (line, sheet) = provenance_vals(finding.provenance.as_ref());
            write::insert(
                conn,
                base,
                "findings",
                &[
                    ("source_document_id", source_id.into()),
                    ("severity", finding.severity.as_str().into()),
                    ("kind", finding.kind.as_str().into()),
                    ("message", finding.message.as_str().into()),
                    ("source_line", line),
                    ("source_sheet", sheet),
                ],
            )
            .await?;
        }
        let mut plan_ids = Vec::new();
        for plan in &doc.plans {
            plan_ids.push(insert_plan(conn, base, organisation_id, source_id, plan).await?);
        }
        self.commit_write(tx).await?;
        Ok(ImportOutcome {
            status: if replaced.is_empty() {
                ImportStatus::Created
            } else {
                ImportStatus::Updated
            },
            source_document_id: Some(source_id),
            plan_ids,
            reason: None,
        })
    }
}

/// Rejects a document whose internal references do not hold, before any
/// write: parents must come before children, indices must be in range.
fn validate(doc: &PlanDocument) -> Result<(), StoreError> {
    for plan in &doc.plans {
        let bad = |what: &str| StoreError::Invalid(format!("plan '{}': {what}", plan.title));
        for (i, node) in plan.nodes.iter().enumerate() {
            if node.parent.is_some_and(|p| p >= i) {
                return Err(bad(&format!(
                    "thread node {i} '{}' has a parent that does not come before it",
                    node.title
                )));
            }
        }
        let node_ok = |n: &usize| *n < plan.nodes.len();
        let indicator_ok = |n: &usize| *n < plan.indicators.len();
        let action_ok = |n: &usize| *n < plan.actions.len();
        for action in &plan.actions {
            if !action.nodes.iter().all(node_ok) || !action.indicators.iter().all(indicator_ok) {
                return Err(bad(&format!(
                    "action '{}' refers to a node or indicator that does not exist",
                    action.title
                )));
            }
        }
        for indicator in &plan.indicators {
            if !indicator.nodes.iter().all(node_ok) {
                return Err(bad(&format!(
                    "indicator '{}' refers to a node that does not exist",
                    indicator.title
                )));
            }
        }
        for risk in &plan.risks {
            if !risk.nodes.iter().all(node_ok) || !risk.actions.iter().all(action_ok) {
                return Err(bad(&format!(
                    "risk '{}' refers to a node or action that does not exist",
                    risk.title
                )));
            }
        }
    }
    Ok(())
}

async fn ids(
    conn: &mut AnyConnection,
    sql: &'static str,
    param: i64,
) -> Result<Vec<i64>, StoreError> {
    sqlx::query(sql)
        .bind(param)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|row| row.try_get::<i64, _>(0).map_err(StoreError::from))
        .collect()
}

async fn delete_plan(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    plan_id: i64,
) -> Result<(), StoreError> {
    for (table, filter) in PLAN_CHILD_TABLES {
        let sql = format!("SELECT id FROM {table} WHERE {filter} ORDER BY id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        for row in rows {
            write::delete(conn, ctx, table, row.try_get(0)?).await?;
        }
    }
    write::delete(conn, ctx, "plans", plan_id).await
}

async fn ensure_organisation(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
) -> Result<i64, StoreError> {
    if let Some(row) = sqlx::query("SELECT id FROM organisations ORDER BY id LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(row.try_get(0)?);
    }
    write::insert(
        conn,
        ctx,
        "organisations",
        &[("name", "Our council".into())],
    )
    .await
}

/// The id of the organisation's record in `table` whose `column` is
/// `value` (a post by title, a unit by name), created if missing.
async fn ensure_named(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    column: &'static str,
    organisation_id: i64,
    value: &str,
) -> Result<i64, StoreError> {
    let sql = format!("SELECT id FROM {table} WHERE organisation_id = $1 AND {column} = $2");
    if let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(organisation_id)
        .bind(value)
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(row.try_get(0)?);
    }
    write::insert(
        conn,
        ctx,
        table,
        &[
            ("organisation_id", organisation_id.into()),
            (column, value.into()),
        ],
    )
    .await
}

pub(crate) fn provenance_vals(p: Option<&Provenance>) -> (Val, Val) {
    (
        Val::Int(p.and_then(|p| p.line).map(i64::from)),
        Val::Text(p.and_then(|p| p.sheet.clone())),
    )
}

pub(crate) fn date_text(d: Option<chrono::NaiveDate>) -> Val {
    Val::Text(d.map(|d| d.to_string()))
}

/// The columns that store a fuzzy date: its text, bounds, reading and
/// recurrence (as JSON), so it reads back exactly.
pub(crate) fn due_columns(due: Option<&FuzzyDate>) -> [(&'static str, Val); 5] {
    [
        ("due_text", Val::Text(due.map(|d| d.text.clone()))),
        ("due_earliest", date_text(due.and_then(|d| d.earliest))),
        ("due_latest", date_text(due.and_then(|d| d.latest))),
        (
            "due_reading",
            Val::Text(
                due.and_then(|d| serde_json::to_value(d.reading).ok())
                    .and_then(|v| v.as_str().map(str::to_string)),
            ),
        ),
        (
            "due_recurrence",
            Val::Text(
                due.and_then(|d| d.recurrence)
                    .and_then(|r| serde_json::to_string(&r).ok()),
            ),
        ),
    ]
}

async fn insert_plan(
    conn: &mut AnyConnection,
    base: ChangeContext<'_>,
    organisation_id: i64,
    source_id: i64,
    plan: &PlanDraft,
) -> Result<i64, StoreError> {
    let sections = serde_json::to_string(&plan.sections).unwrap_or_else(|_| "[]".into());
    let owner_unit = match &plan.owner {
        Some(name) => Val::Int(Some(
            ensure_named(conn, base, "org_units", "name", organisation_id, name).await?,
        )),
        None => Val::Int(None),
    };
    let plan_id = write::insert(
        conn,
        base,
        "plans",
        &[
            ("organisation_id", organisation_id.into()),
            ("source_document_id", source_id.into()),
            ("owner_unit_id", owner_unit),
            ("title", plan.title.as_str().into()),
            ("kind", plan.kind.as_str().into()),
            ("status", plan.status.as_str().into()),
            (
                "period_from",
                Val::Text(plan.period.map(|p| p.from.to_string())),
            ),
            (
                "period_to",
                Val::Text(plan.period.map(|p| p.to.to_string())),
            ),
            ("sections", sections.into()),
        ],
    )
    .await?;
    let ctx = ChangeContext {
        plan_id: Some(plan_id),
        ..base
    };

    let mut node_ids = Vec::with_capacity(plan.nodes.len());
    for (position, node) in plan.nodes.iter().enumerate() {
        let (line, sheet) = provenance_vals(node.provenance.as_ref());
        let parent = node.parent.and_then(|p| node_ids.get(p).copied());
        let id = write::insert(
            conn,
            ctx,
            "nodes",
            &[
                ("plan_id", plan_id.into()),
                ("parent_id", Val::Int(parent)),
                ("position", (position as i64).into()),
                ("level", node.level.as_str().into()),
                ("label", node.label.as_str().into()),
                ("title", node.title.as_str().into()),
                ("strapline", node.strapline.clone().into()),
                ("code", node.code.clone().into()),
                ("source_line", line),
                ("source_sheet", sheet),
            ],
        )
        .await?;
        node_ids.push(id);
    }

    let mut indicator_ids = Vec::with_capacity(plan.indicators.len());
    for (position, indicator) in plan.indicators.iter().enumerate() {
        let id = insert_indicator(conn, ctx, plan_id, position, indicator).await?;
        for node in &indicator.nodes {
            link(
                conn,
                ctx,
                "indicator_links",
                ("indicator_id", id),
                ("node_id", node_ids[*node]),
            )
            .await?;
        }
        indicator_ids.push(id);
    }

    let mut action_ids = Vec::with_capacity(plan.actions.len());
    for (position, action) in plan.actions.iter().enumerate() {
        let id = insert_action(conn, ctx, plan_id, organisation_id, position, action).await?;
        for node in unique(&action.nodes) {
            link(
                conn,
                ctx,
                "action_nodes",
                ("action_id", id),
                ("node_id", node_ids[node]),
            )
            .await?;
        }
        for indicator in unique(&action.indicators) {
            link(
                conn,
                ctx,
                "indicator_links",
                ("indicator_id", indicator_ids[indicator]),
                ("action_id", id),
            )
            .await?;
        }
        action_ids.push(id);
    }

    for (position, risk) in plan.risks.iter().enumerate() {
        insert_risk(conn, ctx, plan_id, position, risk, &node_ids, &action_ids).await?;
    }
    Ok(plan_id)
}

/// The indices without repeats, in their first order (export keeps it).
/// Inserts a row of a link table (action ↔ node, indicator ↔ action, …).
async fn link(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    from: (&'static str, i64),
    to: (&'static str, i64),
) -> Result<(), StoreError> {
    write::insert(
        conn,
        ctx,
        table,
        &[(from.0, from.1.into()), (to.0, to.1.into())],
    )
    .await?;
    Ok(())
}

fn unique(indices: &[usize]) -> Vec<usize> {
    let mut seen = Vec::with_capacity(indices.len());
    for &i in indices {
        if !seen.contains(&i) {
            seen.push(i);
        }
    }
    seen
}

async fn insert_action(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    plan_id: i64,
    organisation_id: i64,
    position: usize,
    action: &Action,
) -> Result<i64, StoreError> {
    let d = &action.details;
    let (line, sheet) = provenance_vals(action.provenance.as_ref());
    let related = serde_json::to_string(&action.related).unwrap_or_else(|_| "[]".into());
    let mut columns: Vec<(&'static str, Val)> = vec![
        ("plan_id", plan_id.into()),
        ("position", (position as i64).into()),
        ("code", action.code.clone().into()),
        ("title", action.title.as_str().into()),
        ("description", action.description.clone().into()),
        ("target", d.target.clone().into()),
        ("outcome", d.outcome.clone().into()),
        (
            "critical_success_factors",
            d.critical_success_factors.clone().into(),
        ),
        (
            "environmental_impacts",
            d.environmental_impacts.clone().into(),
        ),
        ("outputs", d.outputs.clone().into()),
        ("risks", d.risks.clone().into()),
        ("resources", d.resources.clone().into()),
        ("resources_pounds", d.resources_pounds.into()),
        ("other_services", d.other_services.clone().into()),
        ("partnership_links", d.partnership_links.clone().into()),
        ("service_role", d.service_role.clone().into()),
        ("service_ref", d.service_ref.clone().into()),
        ("priority_link", d.priority_link.clone().into()),
        ("monitoring_bodies", d.monitoring_bodies.clone().into()),
        ("measures", d.measures.clone().into()),
        ("related", related.into()),
        ("source_line", line),
        ("source_sheet", sheet),
    ];
    columns.extend(due_columns(action.due.as_ref()));
    let id = write::insert(conn, ctx, "actions", &columns).await?;

    let mut officer_posts: HashMap<i64, ()> = HashMap::new();
    for (position, officer) in action.lead_officers.iter().enumerate() {
        let post =
            ensure_named(conn, ctx, "posts", "title", organisation_id, &officer.name).await?;
        if officer_posts.insert(post, ()).is_some() {
            continue;
        }
        write::insert(
            conn,
            ctx,
            "action_officers",
            &[
                ("action_id", id.into()),
                ("post_id", post.into()),
                ("position", (position as i64).into()),
                ("joint", officer.joint.into()),
            ],
        )
        .await?;
    }
    for (position, revision) in action.revisions.iter().enumerate() {
        crate::monitor::insert_revision(conn, ctx, id, position, revision).await?;
    }
    for (position, milestone) in action.milestones.iter().enumerate() {
        let mut columns: Vec<(&'static str, Val)> = vec![
            ("action_id", id.into()),
            ("position", (position as i64).into()),
            ("title", milestone.title.as_str().into()),
            ("completed", date_text(milestone.completed)),
            (
                "source_line",
                Val::Int(
                    milestone
                        .provenance
                        .as_ref()
                        .and_then(|p| p.line)
                        .map(i64::from),
                ),
            ),
        ];
        columns.extend(
            due_columns(milestone.due.as_ref())
                .into_iter()
                .filter(|(name, _)| *name != "due_recurrence"),
        );
        write::insert(conn, ctx, "milestones", &columns).await?;
    }
    for update in &action.updates {
        crate::monitor::insert_update(conn, ctx, id, update).await?;
    }
    Ok(id)
}

async fn insert_indicator(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    plan_id: i64,
    position: usize,
    indicator: &Indicator,
) -> Result<i64, StoreError> {
    let (line, sheet) = provenance_vals(indicator.provenance.as_ref());
    let baseline = indicator.baseline.as_ref();
    let id = write::insert(
        conn,
        ctx,
        "indicators",
        &[
            ("plan_id", plan_id.into()),
            ("position", (position as i64).into()),
            (
                "code",
                Val::Text(indicator.code.as_ref().map(|c| c.to_string())),
            ),
            ("title", indicator.title.as_str().into()),
            ("description", indicator.description.clone().into()),
            ("unit", indicator.unit.as_str().into()),
            ("polarity", indicator.polarity.as_str().into()),
            (
                "frequency",
                Val::Text(indicator.frequency.map(|f| f.as_str().to_string())),
            ),
            ("aggregation", indicator.aggregation.as_str().into()),
            ("baseline_text", Val::Text(baseline.map(|b| b.text.clone()))),
            ("baseline_value", Val::Real(baseline.and_then(|b| b.value))),
            (
                "baseline_when",
                Val::Text(baseline.and_then(|b| b.when.clone())),
            ),
            ("tolerance", Val::Real(indicator.tolerance)),
            ("owner", indicator.owner.clone().into()),
            ("source_line", line),
            ("source_sheet", sheet),
        ],
    )
    .await?;
    for target in &indicator.targets {
        write::insert(
            conn,
            ctx,
            "targets",
            &[
                ("indicator_id", id.into()),
                ("period", target.period.to_string().into()),
                ("text", target.text.as_str().into()),
                ("value", Val::Real(target.value)),
            ],
        )
        .await?;
    }
    for measurement in &indicator.measurements {
        crate::monitor::insert_measurement(conn, ctx, id, measurement).await?;
    }
    Ok(id)
}

async fn insert_risk(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    plan_id: i64,
    position: usize,
    risk: &Risk,
    node_ids: &[i64],
    action_ids: &[i64],
) -> Result<(), StoreError> {
    let (line, sheet) = provenance_vals(risk.provenance.as_ref());
    let id = write::insert(
        conn,
        ctx,
        "risks",
        &[
            ("plan_id", plan_id.into()),
            ("position", (position as i64).into()),
            ("code", risk.code.clone().into()),
            ("title", risk.title.as_str().into()),
            ("cause", risk.cause.clone().into()),
            ("event", risk.event.clone().into()),
            ("consequence", risk.consequence.clone().into()),
            ("owner", risk.owner.clone().into()),
            ("likelihood", Val::Int(risk.likelihood.map(i64::from))),
            ("impact", Val::Int(risk.impact.map(i64::from))),
            ("controls", risk.controls.clone().into()),
            ("source_line", line),
            ("source_sheet", sheet),
        ],
    )
    .await?;
    for node in unique(&risk.nodes) {
        link(
            conn,
            ctx,
            "risk_links",
            ("risk_id", id),
            ("node_id", node_ids[node]),
        )
        .await?;
    }
    for action in unique(&risk.actions) {
        link(
            conn,
            ctx,
            "risk_links",
            ("risk_id", id),
            ("action_id", action_ids[action]),
        )
        .await?;
    }
    Ok(())
}
