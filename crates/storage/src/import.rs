//! Storing an imported document: all of it in one transaction, or none.

use crate::cycle;
use crate::error::StoreError;
use crate::history::{Actor, ChangeContext, Origin};
use crate::write::{self, Val};
use crate::{Store, now_text};
use goldthread_domain::plan_diff::{ItemKind, action_fields};
use goldthread_domain::{
    Action, FuzzyDate, Indicator, LeadOfficer, Measurement, Milestone, PlanChange, PlanDiff,
    PlanDocument, PlanDraft, PlanMatch, PlanStatus, Provenance, Review, Risk, Target, ThreadNode,
    diff_plan,
};
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

impl SourceMeta {
    /// The details of a document read from `bytes` as `format` (the
    /// importer's name for it): the one place they are worked out, for
    /// the CLI and the web import alike.
    pub fn of(file_name: &str, bytes: &[u8], format: &str) -> SourceMeta {
        use sha2::{Digest, Sha256};
        SourceMeta {
            file_name: file_name.to_string(),
            format: format.to_string(),
            sha256: format!("{:x}", Sha256::digest(bytes)),
            size_bytes: bytes.len() as i64,
        }
    }
}

/// How an import may treat plans it already holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Merge a changed version of a stored plan into it. Without this, an
    /// import that would change any stored plan stores nothing and is
    /// [`ImportStatus::NeedsConfirmation`].
    pub replace: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// New plans were stored (plans already held unchanged were left alone).
    Created,
    /// Stored plans were updated in place, keeping their ids.
    Updated,
    /// Every plan of the document is already stored as the file gives it.
    Unchanged,
    /// Nothing was stored; `reason` says why.
    Refused,
    /// Storing would change stored plans; nothing was stored. `plans` says
    /// what would change; import again with `replace` to store it.
    NeedsConfirmation,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub status: ImportStatus,
    pub source_document_id: Option<i64>,
    pub plan_ids: Vec<i64>,
    pub reason: Option<String>,
    /// Per plan of the document (empty plans left out): new, unchanged or
    /// changed, with the difference. Reported by the edges in their own
    /// shape, not serialised with the outcome.
    #[serde(skip)]
    pub plans: Vec<PlanDiff>,
}

const RISK_TABLES: &[(&str, &str)] = &[
    // (table, how to find its rows for a plan), children before parents. A
    // replacing import rewrites a plan's risks: nothing is recorded on them.
    (
        "risk_links",
        "risk_id IN (SELECT id FROM risks WHERE plan_id = $1)",
    ),
    ("risks", "plan_id = $1"),
];

/// Whether a plan holds anything worth storing.
fn is_empty(plan: &PlanDraft) -> bool {
    plan.actions.is_empty()
        && plan.indicators.is_empty()
        && plan.nodes.is_empty()
        && plan.risks.is_empty()
}

/// The reason a document with nothing recognised in it is refused.
pub fn nothing_recognised(file_name: &str) -> String {
    format!(
        "{file_name}: nothing was recognised in this document: no actions or indicators; \
         run `goldthread import --dry-run` to see what was read, and `--mapping` to say what its columns mean"
    )
}

/// A stored plan as read back, with the ids of its parts by index.
struct StoredPlan {
    id: i64,
    draft: PlanDraft,
    nodes: Vec<i64>,
    actions: Vec<i64>,
    indicators: Vec<i64>,
}

/// What an import would do with one plan of the document.
struct Planned<'d> {
    file: &'d PlanDraft,
    diff: PlanDiff,
    matched: PlanMatch,
    stored: Option<StoredPlan>,
}

impl Store {
    /// Stores a document's plans, findings and provenance in one
    /// transaction. Each plan is matched with the stored plan of the same
    /// title and kind: new plans are inserted, unchanged ones left alone,
    /// and changed ones merged in place (ids kept, progress and values
    /// recorded in Goldthread never dropped), but only with
    /// `options.replace`; without it nothing is stored and the outcome is
    /// [`ImportStatus::NeedsConfirmation`] with the differences.
    pub async fn import_document(
        &self,
        source: &SourceMeta,
        doc: &PlanDocument,
        actor: &Actor,
        options: ImportOptions,
    ) -> Result<ImportOutcome, StoreError> {
        validate(doc)?;
        if doc.plans.iter().all(is_empty) {
            return Ok(ImportOutcome {
                status: ImportStatus::Refused,
                source_document_id: None,
                plan_ids: Vec::new(),
                reason: Some(nothing_recognised(&source.file_name)),
                plans: Vec::new(),
            });
        }
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let planned = plan_import(conn, doc).await?;
        let diffs: Vec<PlanDiff> = planned.iter().map(|p| p.diff.clone()).collect();
        let stored_ids = |wanted: &dyn Fn(PlanChange) -> bool| -> Vec<i64> {
            diffs
                .iter()
                .filter(|d| wanted(d.status))
                .filter_map(|d| d.plan_id)
                .collect()
        };
        let changing = stored_ids(&|s| s == PlanChange::Changed);
        if !changing.is_empty() && !options.replace {
            return Ok(ImportOutcome {
                status: ImportStatus::NeedsConfirmation,
                source_document_id: None,
                plan_ids: changing.clone(),
                reason: Some(format!(
                    "storing this document would change {} stored plan(s); nothing was stored; \
                     confirm to replace them",
                    changing.len()
                )),
                plans: diffs,
            });
        }
        let existing_source = sqlx::query("SELECT id FROM source_documents WHERE sha256 = $1")
            .bind(&source.sha256)
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.try_get::<i64, _>(0))
            .transpose()?;
        if diffs.iter().all(|d| d.status == PlanChange::Unchanged) {
            let plan_ids = stored_ids(&|_| true);
            let source_document_id = match existing_source {
                Some(id) => Some(id),
                None => sqlx::query("SELECT source_document_id FROM plans WHERE id = $1")
                    .bind(plan_ids[0])
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?,
            };
            return Ok(ImportOutcome {
                status: ImportStatus::Unchanged,
                source_document_id,
                plan_ids,
                reason: None,
                plans: diffs,
            });
        }

        let at = now_text();
        let base = ChangeContext {
            actor,
            at: &at,
            plan_id: None,
            origin: Origin::Import,
        };
        let organisation_id = ensure_organisation(conn, base).await?;
        let source_id = match existing_source {
            // The same bytes were imported before (and the store has since
            // moved away from them): the record of that file, and its
            // findings, stand.
            Some(id) => id,
            None => insert_source(conn, base, source, &at, actor, doc).await?,
        };
        let mut plan_ids = Vec::new();
        for p in &planned {
            let id = match (&p.stored, p.diff.status) {
                (Some(stored), PlanChange::Unchanged) => stored.id,
                (Some(stored), _) => {
                    let title = &p.file.title;
                    let was_approved =
                        cycle::before_reimport(conn, actor, stored.id, title).await?;
                    merge_plan(conn, base, organisation_id, source_id, p, stored).await?;
                    let adopted = p.file.status == PlanStatus::Approved;
                    cycle::after_reimport(conn, actor, stored.id, was_approved, adopted).await?;
                    stored.id
                }
                (None, _) => {
                    insert_plan(conn, base, organisation_id, Some(source_id), p.file).await?
                }
            };
            plan_ids.push(id);
        }
        self.commit_write(tx).await?;
        Ok(ImportOutcome {
            status: if changing.is_empty() {
                ImportStatus::Created
            } else {
                ImportStatus::Updated
            },
            source_document_id: Some(source_id),
            plan_ids,
            reason: None,
            plans: diffs,
        })
    }

    /// What importing `doc` would do to each of its (non-empty) plans,
    /// without storing anything: the preview's difference.
    pub async fn diff_document(&self, doc: &PlanDocument) -> Result<Vec<PlanDiff>, StoreError> {
        validate(doc)?;
        let mut tx = self.pool.begin().await?;
        let planned = plan_import(&mut tx, doc).await?;
        tx.rollback().await?;
        Ok(planned.into_iter().map(|p| p.diff).collect())
    }
}

async fn insert_source(
    conn: &mut AnyConnection,
    base: ChangeContext<'_>,
    source: &SourceMeta,
    at: &str,
    actor: &Actor,
    doc: &PlanDocument,
) -> Result<i64, StoreError> {
    let source_id = write::insert(
        conn,
        base,
        "source_documents",
        &[
            ("file_name", source.file_name.as_str().into()),
            ("format", source.format.as_str().into()),
            ("sha256", source.sha256.as_str().into()),
            ("size_bytes", source.size_bytes.into()),
            ("imported_at", at.into()),
            ("imported_by", actor.name.as_str().into()),
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
    Ok(source_id)
}

/// Matches each non-empty plan of the document with the stored plan of
/// the same title and kind and works out the difference, including which
/// missing items the store keeps because something was recorded on them.
async fn plan_import<'d>(
    conn: &mut AnyConnection,
    doc: &'d PlanDocument,
) -> Result<Vec<Planned<'d>>, StoreError> {
    let mut planned = Vec::new();
    let mut taken = Vec::new();
    for file in doc.plans.iter().filter(|p| !is_empty(p)) {
        let existing: Vec<i64> =
            sqlx::query("SELECT id FROM plans WHERE title = $1 AND kind = $2 ORDER BY id")
                .bind(&file.title)
                .bind(file.kind.as_str())
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|row| row.try_get::<i64, _>(0))
                .collect::<Result<_, _>>()?;
        let Some(id) = existing.into_iter().find(|id| !taken.contains(id)) else {
            let (diff, matched) = diff_plan(file, None);
            planned.push(Planned {
                file,
                diff,
                matched,
                stored: None,
            });
            continue;
        };
        taken.push(id);
        let (draft, _) = crate::export::load_plan(conn, id).await?;
        let stored = StoredPlan {
            id,
            nodes: ids(
                conn,
                "SELECT id FROM nodes WHERE plan_id = $1 ORDER BY position",
                id,
            )
            .await?,
            actions: ids(
                conn,
                "SELECT id FROM actions WHERE plan_id = $1 ORDER BY position",
                id,
            )
            .await?,
            indicators: ids(
                conn,
                "SELECT id FROM indicators WHERE plan_id = $1 ORDER BY position",
                id,
            )
            .await?,
            draft,
        };
        let (mut diff, matched) = diff_plan(file, Some((id, &stored.draft)));
        // Items the file no longer has stay when something was recorded on
        // them in Goldthread, and so do the thread nodes they hang from.
        let mut keep_nodes = Vec::new();
        for (j, action) in stored.draft.actions.iter().enumerate() {
            if diff.is_removed(ItemKind::Action, j)
                && recorded(conn, RECORDED_ON_ACTION, stored.actions[j]).await?
            {
                diff.keep(ItemKind::Action, j);
                keep_nodes.extend(action.nodes.iter().copied());
            }
        }
        for (j, indicator) in stored.draft.indicators.iter().enumerate() {
            if diff.is_removed(ItemKind::Indicator, j)
                && recorded(conn, RECORDED_ON_INDICATOR, stored.indicators[j]).await?
            {
                diff.keep(ItemKind::Indicator, j);
                keep_nodes.extend(indicator.nodes.iter().copied());
            }
        }
        // A node an editor added or changed is kept as an action is.
        for (j, node) in stored.draft.nodes.iter().enumerate() {
            if diff.is_removed(ItemKind::node(node.level), j)
                && let Some(&id) = stored.nodes.get(j)
                && recorded(conn, RECORDED_ON_NODE, id).await?
            {
                keep_nodes.push(j);
            }
        }
        while let Some(j) = keep_nodes.pop() {
            let Some(node) = stored.draft.nodes.get(j) else {
                continue;
            };
            let kind = ItemKind::node(node.level);
            if diff.is_removed(kind, j) {
                diff.keep(kind, j);
            }
            keep_nodes.extend(node.parent);
        }
        planned.push(Planned {
            file,
            diff,
            matched,
            stored: Some(stored),
        });
    }
    Ok(planned)
}

/// History of an action's own record, its progress and its due-date
/// revisions, as changed by people in Goldthread rather than by an import.
const RECORDED_ON_ACTION: &str = "SELECT COUNT(*) FROM history WHERE origin = 'edit' AND (\
     (entity = 'actions' AND entity_id = $1) \
     OR (entity = 'progress_updates' AND entity_id IN (SELECT id FROM progress_updates WHERE action_id = $1)) \
     OR (entity = 'due_revisions' AND entity_id IN (SELECT id FROM due_revisions WHERE action_id = $1)))";

/// Likewise an indicator's record and its values.
const RECORDED_ON_INDICATOR: &str = "SELECT COUNT(*) FROM history WHERE origin = 'edit' AND (\
     (entity = 'indicators' AND entity_id = $1) \
     OR (entity = 'measurements' AND entity_id IN (SELECT id FROM measurements WHERE indicator_id = $1)))";

/// A thread node's own record, as changed by people in Goldthread.
const RECORDED_ON_NODE: &str =
    "SELECT COUNT(*) FROM history WHERE origin = 'edit' AND entity = 'nodes' AND entity_id = $1";

const RECORDED_MEASUREMENT: &str = "SELECT COUNT(*) FROM history WHERE origin = 'edit' AND entity = 'measurements' AND entity_id = $1";

async fn recorded(
    conn: &mut AnyConnection,
    sql: &'static str,
    id: i64,
) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query(sql)
        .bind(id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    Ok(n > 0)
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

async fn delete_risks(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    plan_id: i64,
) -> Result<(), StoreError> {
    for (table, filter) in RISK_TABLES {
        let sql = format!("SELECT id FROM {table} WHERE {filter} ORDER BY id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        for row in rows {
            write::delete(conn, ctx, table, row.try_get(0)?).await?;
        }
    }
    Ok(())
}

pub(crate) async fn ensure_organisation(
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
pub(crate) async fn ensure_named(
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
            Val::Text(due.map(|d| d.reading.as_str().to_string())),
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

/// Stores a whole plan (its thread, actions, indicators, risks, with a
/// history row each); `source_id` is the document it came from, none for
/// a plan written in Goldthread.
pub(crate) async fn insert_plan(
    conn: &mut AnyConnection,
    base: ChangeContext<'_>,
    organisation_id: i64,
    source_id: Option<i64>,
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
            // A document stored as approved is revision 1, approved.
            (
                "approved_revision",
                Val::Int((plan.status == PlanStatus::Approved).then_some(1)),
            ),
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
        let parent = node.parent.and_then(|p| node_ids.get(p).copied());
        let mut columns = vec![("plan_id", plan_id.into())];
        columns.extend(node_columns(position, node, parent));
        let id = write::insert(conn, ctx, "nodes", &columns).await?;
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

fn node_columns(
    position: usize,
    node: &ThreadNode,
    parent: Option<i64>,
) -> Vec<(&'static str, Val)> {
    let (line, sheet) = provenance_vals(node.provenance.as_ref());
    vec![
        ("parent_id", Val::Int(parent)),
        ("position", (position as i64).into()),
        ("level", node.level.as_str().into()),
        ("label", node.label.as_str().into()),
        ("title", node.title.as_str().into()),
        ("strapline", node.strapline.clone().into()),
        ("code", node.code.clone().into()),
        ("source_line", line),
        ("source_sheet", sheet),
    ]
}

/// An action's own columns (not `plan_id`).
fn action_columns(position: usize, action: &Action) -> Vec<(&'static str, Val)> {
    let d = &action.details.to_action_details();
    let (line, sheet) = provenance_vals(action.provenance.as_ref());
    let related = serde_json::to_string(&action.related).unwrap_or_else(|_| "[]".into());
    let mut columns: Vec<(&'static str, Val)> = vec![
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
    columns
}

async fn insert_action(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    plan_id: i64,
    organisation_id: i64,
    position: usize,
    action: &Action,
) -> Result<i64, StoreError> {
    let mut columns = vec![("plan_id", plan_id.into())];
    columns.extend(action_columns(position, action));
    let id = write::insert(conn, ctx, "actions", &columns).await?;
    insert_officers(conn, ctx, organisation_id, id, &action.lead_officers).await?;
    for (position, revision) in action.revisions.iter().enumerate() {
        crate::monitor::insert_revision(conn, ctx, id, position, revision).await?;
    }
    insert_milestones(conn, ctx, id, &action.milestones).await?;
    for update in &action.updates {
        crate::monitor::insert_update(conn, ctx, id, update, Review::Approved).await?;
    }
    Ok(id)
}

pub(crate) async fn insert_officers(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    organisation_id: i64,
    action_id: i64,
    officers: &[LeadOfficer],
) -> Result<(), StoreError> {
    let mut officer_posts: HashMap<i64, ()> = HashMap::new();
    for (position, officer) in officers.iter().enumerate() {
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
                ("action_id", action_id.into()),
                ("post_id", post.into()),
                ("position", (position as i64).into()),
                ("joint", officer.joint.into()),
            ],
        )
        .await?;
    }
    Ok(())
}

pub(crate) async fn insert_milestones(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    action_id: i64,
    milestones: &[Milestone],
) -> Result<(), StoreError> {
    for (position, milestone) in milestones.iter().enumerate() {
        let mut columns: Vec<(&'static str, Val)> = vec![
            ("action_id", action_id.into()),
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
    Ok(())
}

/// An indicator's own columns (not `plan_id`).
fn indicator_columns(position: usize, indicator: &Indicator) -> Vec<(&'static str, Val)> {
    let (line, sheet) = provenance_vals(indicator.provenance.as_ref());
    let baseline = indicator.baseline.as_ref();
    vec![
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
    ]
}

pub(crate) async fn insert_targets(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    indicator_id: i64,
    targets: &[Target],
) -> Result<(), StoreError> {
    // A long table gives a target per period: many rows, few statements.
    let rows: Vec<Vec<Val>> = targets
        .iter()
        .map(|target| {
            vec![
                indicator_id.into(),
                target.period.to_string().into(),
                target.text.as_str().into(),
                Val::Real(target.value),
            ]
        })
        .collect();
    write::insert_many(
        conn,
        ctx,
        "targets",
        &["indicator_id", "period", "text", "value"],
        &rows,
    )
    .await
}

async fn insert_indicator(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    plan_id: i64,
    position: usize,
    indicator: &Indicator,
) -> Result<i64, StoreError> {
    let mut columns = vec![("plan_id", plan_id.into())];
    columns.extend(indicator_columns(position, indicator));
    let id = write::insert(conn, ctx, "indicators", &columns).await?;
    insert_targets(conn, ctx, id, &indicator.targets).await?;
    crate::monitor::insert_measurements(conn, ctx, id, &indicator.measurements).await?;
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

/// Updates the columns of a record that differ, through `write.rs` (so
/// the history has before and after); a record already so is left alone.
async fn update_if_changed(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    id: i64,
    columns: &[(&'static str, Val)],
) -> Result<(), StoreError> {
    let before = crate::history::record_json(conn, table, id)
        .await?
        .ok_or(StoreError::NotFound { entity: table, id })?;
    let changed = write::changed_columns(columns.iter().cloned(), &before);
    if changed.is_empty() {
        return Ok(());
    }
    let version = before
        .get("version")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    write::update_versioned(conn, ctx, table, id, version, &changed).await
}

/// Deletes (through `write.rs`) the rows of `table` whose `column` is `id`.
pub(crate) async fn delete_where(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    column: &'static str,
    id: i64,
) -> Result<(), StoreError> {
    let sql = format!("SELECT id FROM {table} WHERE {column} = $1 ORDER BY id DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        write::delete(conn, ctx, table, row.try_get(0)?).await?;
    }
    Ok(())
}

/// Merges the file's version of a plan into the stored plan in place: the
/// plan and every matched node, indicator and action keep their ids and
/// have their fields updated; new items are inserted; officers, milestones,
/// targets, links and risks are rewritten where they differ; progress
/// updates, due-date revisions and values the store lacks are added and
/// none is deleted (a value recorded in Goldthread is never overwritten);
/// items the file no longer has are deleted unless the difference keeps
/// them (something was recorded on them in Goldthread).
async fn merge_plan(
    conn: &mut AnyConnection,
    base: ChangeContext<'_>,
    organisation_id: i64,
    source_id: i64,
    p: &Planned<'_>,
    stored: &StoredPlan,
) -> Result<(), StoreError> {
    let plan = p.file;
    let plan_id = stored.id;
    let m: &PlanMatch = &p.matched;
    let diff = &p.diff;
    let ctx = ChangeContext {
        plan_id: Some(plan_id),
        ..base
    };
    let owner_unit = match &plan.owner {
        Some(name) => Val::Int(Some(
            ensure_named(conn, ctx, "org_units", "name", organisation_id, name).await?,
        )),
        None => Val::Int(None),
    };
    update_if_changed(
        conn,
        ctx,
        "plans",
        plan_id,
        &[
            ("source_document_id", source_id.into()),
            ("owner_unit_id", owner_unit),
            // The status is not the file's to change: once stored, a plan
            // moves through the cycle in Goldthread (submitted, approved…).
            (
                "period_from",
                Val::Text(plan.period.map(|p| p.from.to_string())),
            ),
            (
                "period_to",
                Val::Text(plan.period.map(|p| p.to.to_string())),
            ),
            (
                "sections",
                serde_json::to_string(&plan.sections)
                    .unwrap_or_else(|_| "[]".into())
                    .into(),
            ),
        ],
    )
    .await?;
    delete_risks(conn, ctx, plan_id).await?;

    // Thread nodes, parents first (the file's order guarantees it).
    let mut node_ids = Vec::with_capacity(plan.nodes.len());
    for (position, node) in plan.nodes.iter().enumerate() {
        let parent = node.parent.and_then(|p| node_ids.get(p).copied());
        let columns = node_columns(position, node, parent);
        let id = match m.nodes[position] {
            Some(j) => {
                update_if_changed(conn, ctx, "nodes", stored.nodes[j], &columns).await?;
                stored.nodes[j]
            }
            None => {
                let mut all = vec![("plan_id", plan_id.into())];
                all.extend(columns);
                write::insert(conn, ctx, "nodes", &all).await?
            }
        };
        node_ids.push(id);
    }

    let mut indicator_ids = Vec::with_capacity(plan.indicators.len());
    for (position, indicator) in plan.indicators.iter().enumerate() {
        let id = match m.indicators[position] {
            Some(j) => {
                let id = stored.indicators[j];
                let old = &stored.draft.indicators[j];
                update_if_changed(
                    conn,
                    ctx,
                    "indicators",
                    id,
                    &indicator_columns(position, indicator),
                )
                .await?;
                if old.targets != indicator.targets {
                    delete_where(conn, ctx, "targets", "indicator_id", id).await?;
                    insert_targets(conn, ctx, id, &indicator.targets).await?;
                }
                merge_measurements(conn, ctx, id, &indicator.measurements).await?;
                id
            }
            None => insert_indicator(conn, ctx, plan_id, position, indicator).await?,
        };
        indicator_ids.push(id);
    }

    let mut action_ids = Vec::with_capacity(plan.actions.len());
    for (position, action) in plan.actions.iter().enumerate() {
        let id = match m.actions[position] {
            Some(j) => {
                let id = stored.actions[j];
                let old = &stored.draft.actions[j];
                update_if_changed(conn, ctx, "actions", id, &action_columns(position, action))
                    .await?;
                let fields = action_fields(action, old);
                if fields.contains(&"lead_officers") {
                    delete_where(conn, ctx, "action_officers", "action_id", id).await?;
                    insert_officers(conn, ctx, organisation_id, id, &action.lead_officers).await?;
                }
                if fields.contains(&"milestones") {
                    delete_where(conn, ctx, "milestones", "action_id", id).await?;
                    insert_milestones(conn, ctx, id, &action.milestones).await?;
                }
                let mut position = old.revisions.len();
                for revision in &action.revisions {
                    let held = old.revisions.iter().any(|r| {
                        r.from.text == revision.from.text && r.to.text == revision.to.text
                    });
                    if !held {
                        crate::monitor::insert_revision(conn, ctx, id, position, revision).await?;
                        position += 1;
                    }
                }
                for update in &action.updates {
                    let held = old
                        .updates
                        .iter()
                        .any(|u| u.as_at == update.as_at && u.status == update.status);
                    if !held {
                        crate::monitor::insert_update(conn, ctx, id, update, Review::Approved)
                            .await?;
                    }
                }
                id
            }
            None => insert_action(conn, ctx, plan_id, organisation_id, position, action).await?,
        };
        action_ids.push(id);
    }

    // What survives of the stored plan: matched items (under their own
    // ids) and kept ones.
    let node_survives = |j: usize| {
        let kind = ItemKind::node(stored.draft.nodes[j].level);
        !diff.is_removed(kind, j)
    };
    let kept = |kind: ItemKind, j: usize| {
        diff.unmatched
            .iter()
            .any(|r| r.index == j && (r.kind == kind || (kind.is_node() && r.kind.is_node())))
    };
    let node_kept = |j: usize| kept(ItemKind::node(stored.draft.nodes[j].level), j);

    // Links: the file's, plus the stored ones that touch a kept item and
    // whose both ends survive.
    let mut action_nodes: Vec<(i64, i64)> = Vec::new();
    let mut indicator_links: Vec<LinkKey> = Vec::new();
    for (i, action) in plan.actions.iter().enumerate() {
        for n in unique(&action.nodes) {
            action_nodes.push((action_ids[i], node_ids[n]));
        }
        for k in unique(&action.indicators) {
            indicator_links.push((indicator_ids[k], Some(action_ids[i]), None));
        }
    }
    for (i, indicator) in plan.indicators.iter().enumerate() {
        for n in unique(&indicator.nodes) {
            indicator_links.push((indicator_ids[i], None, Some(node_ids[n])));
        }
    }
    for (j, action) in stored.draft.actions.iter().enumerate() {
        if diff.is_removed(ItemKind::Action, j) {
            continue;
        }
        let action_kept = kept(ItemKind::Action, j);
        for &n in &action.nodes {
            if (action_kept || node_kept(n)) && node_survives(n) {
                action_nodes.push((stored.actions[j], stored.nodes[n]));
            }
        }
        for &k in &action.indicators {
            if (action_kept || kept(ItemKind::Indicator, k))
                && !diff.is_removed(ItemKind::Indicator, k)
            {
                indicator_links.push((stored.indicators[k], Some(stored.actions[j]), None));
            }
        }
    }
    for (j, indicator) in stored.draft.indicators.iter().enumerate() {
        if diff.is_removed(ItemKind::Indicator, j) {
            continue;
        }
        for &n in &indicator.nodes {
            if (kept(ItemKind::Indicator, j) || node_kept(n)) && node_survives(n) {
                indicator_links.push((stored.indicators[j], None, Some(stored.nodes[n])));
            }
        }
    }
    sync_links(conn, ctx, plan_id, action_nodes, indicator_links).await?;

    // Items the file no longer has and nothing was recorded on.
    for r in diff.removed.iter().filter(|r| r.kind == ItemKind::Action) {
        let id = stored.actions[r.index];
        for table in [
            "milestones",
            "due_revisions",
            "progress_updates",
            "action_officers",
            "action_nodes",
            "indicator_links",
        ] {
            delete_where(conn, ctx, table, "action_id", id).await?;
        }
        crate::action_links::remove_all(conn, ctx, id).await?;
        write::delete(conn, ctx, "actions", id).await?;
    }
    for r in diff
        .removed
        .iter()
        .filter(|r| r.kind == ItemKind::Indicator)
    {
        let id = stored.indicators[r.index];
        for table in ["targets", "measurements", "indicator_links"] {
            delete_where(conn, ctx, table, "indicator_id", id).await?;
        }
        write::delete(conn, ctx, "indicators", id).await?;
    }
    let mut removed_nodes: Vec<usize> = diff
        .removed
        .iter()
        .filter(|r| r.kind.is_node())
        .map(|r| r.index)
        .collect();
    // Children come after their parents: delete from the end.
    removed_nodes.sort_unstable_by(|a, b| b.cmp(a));
    for j in removed_nodes {
        let id = stored.nodes[j];
        for table in ["action_nodes", "indicator_links"] {
            delete_where(conn, ctx, table, "node_id", id).await?;
        }
        write::delete(conn, ctx, "nodes", id).await?;
    }

    // Kept items go after the file's, in their old order.
    let mut next = [plan.nodes.len(), plan.actions.len(), plan.indicators.len()];
    for r in &diff.unmatched {
        let (table, id, slot) = match r.kind {
            ItemKind::Action => ("actions", stored.actions[r.index], 1),
            ItemKind::Indicator => ("indicators", stored.indicators[r.index], 2),
            ItemKind::Risk => continue,
            _ => ("nodes", stored.nodes[r.index], 0),
        };
        update_if_changed(
            conn,
            ctx,
            table,
            id,
            &[("position", (next[slot] as i64).into())],
        )
        .await?;
        next[slot] += 1;
    }

    for (position, risk) in plan.risks.iter().enumerate() {
        insert_risk(conn, ctx, plan_id, position, risk, &node_ids, &action_ids).await?;
    }
    Ok(())
}

/// Adds the file's values for periods the store has none for, and
/// corrects imported values; a value recorded in Goldthread stands.
async fn merge_measurements(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    indicator_id: i64,
    measurements: &[Measurement],
) -> Result<(), StoreError> {
    for m in measurements {
        let held = sqlx::query(
            "SELECT id, value, text, status FROM measurements WHERE indicator_id = $1 AND period = $2",
        )
        .bind(indicator_id)
        .bind(m.period.to_string())
        .fetch_optional(&mut *conn)
        .await?;
        match held {
            None => {
                crate::monitor::insert_measurement(conn, ctx, indicator_id, m, Review::Approved)
                    .await?
            }
            Some(row) => {
                let id: i64 = row.try_get(0)?;
                let value: Option<f64> = row.try_get(1)?;
                let text: Option<String> = row.try_get(2)?;
                let status: Option<String> = row.try_get(3)?;
                // A file without a reported status leaves the held one.
                let wanted_status = m
                    .status
                    .map(goldthread_domain::status::Rag::as_str)
                    .or(status.as_deref());
                if (value, text.as_ref(), status.as_deref())
                    == (m.value, m.text.as_ref(), wanted_status)
                    || recorded(conn, RECORDED_MEASUREMENT, id).await?
                {
                    continue;
                }
                update_if_changed(
                    conn,
                    ctx,
                    "measurements",
                    id,
                    &[
                        ("value", Val::Real(m.value)),
                        ("text", m.text.clone().into()),
                        ("note", m.note.clone().into()),
                        ("status", wanted_status.into()),
                    ],
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// A link row: (owner, action, node); see [`sync_table`].
type LinkKey = (i64, Option<i64>, Option<i64>);

/// Makes a plan's link rows exactly the wanted ones: keeps one row for
/// each wanted link, deletes the others, inserts the missing.
async fn sync_links(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    plan_id: i64,
    action_nodes: Vec<(i64, i64)>,
    indicator_links: Vec<LinkKey>,
) -> Result<(), StoreError> {
    let wanted_nodes: Vec<LinkKey> = action_nodes
        .into_iter()
        .map(|(a, n)| (a, None, Some(n)))
        .collect();
    sync_table(
        conn,
        ctx,
        "action_nodes",
        "SELECT id, action_id, NULL, node_id FROM action_nodes \
         WHERE action_id IN (SELECT id FROM actions WHERE plan_id = $1) ORDER BY id",
        plan_id,
        wanted_nodes,
    )
    .await?;
    sync_table(
        conn,
        ctx,
        "indicator_links",
        "SELECT id, indicator_id, action_id, node_id FROM indicator_links \
         WHERE indicator_id IN (SELECT id FROM indicators WHERE plan_id = $1) ORDER BY id",
        plan_id,
        indicator_links,
    )
    .await
}

/// One link table: rows are (owner, action, node); for `action_nodes` the
/// owner is the action and the middle is unused.
async fn sync_table(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    sql: &'static str,
    plan_id: i64,
    wanted: Vec<LinkKey>,
) -> Result<(), StoreError> {
    let mut wanted_once: Vec<(LinkKey, bool)> = Vec::new();
    for key in wanted {
        if !wanted_once.iter().any(|(k, _)| *k == key) {
            wanted_once.push((key, false));
        }
    }
    let rows = sqlx::query(sql).bind(plan_id).fetch_all(&mut *conn).await?;
    for row in rows {
        let id: i64 = row.try_get(0)?;
        let key = (
            row.try_get::<i64, _>(1)?,
            row.try_get::<Option<i64>, _>(2).unwrap_or(None),
            row.try_get::<Option<i64>, _>(3)?,
        );
        match wanted_once.iter_mut().find(|(k, held)| *k == key && !*held) {
            Some((_, held)) => *held = true,
            None => write::delete(conn, ctx, table, id).await?,
        }
    }
    for ((owner, action, node), held) in wanted_once {
        if held {
            continue;
        }
        let columns: Vec<(&'static str, Val)> = if table == "action_nodes" {
            vec![("action_id", owner.into()), ("node_id", Val::Int(node))]
        } else {
            vec![
                ("indicator_id", owner.into()),
                ("action_id", Val::Int(action)),
                ("node_id", Val::Int(node)),
            ]
        };
        write::insert(conn, ctx, table, &columns).await?;
    }
    Ok(())
}
