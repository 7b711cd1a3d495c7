//! The planning cycle in the database: a plan's status moved by its steps
//! (`goldthread_domain::lifecycle` has the rules), approved revisions kept
//! as they were approved, reviewers' comments, and the gate every change
//! to a plan's content passes (`open_for_edit`).

use crate::action_links;
use crate::error::{Record, StoreError};
use crate::export::load_plan;
use crate::history::{self, Actor, ChangeContext};
use crate::import::{ensure_organisation, insert_plan};
use crate::write::{self, Val};
use crate::{Store, now_text};
use goldthread_domain::{
    EditRule, ItemChange, ItemKind, ItemRef, PlanChange, PlanDiff, PlanDraft, PlanStatus, PlanStep,
    as_written, diff_plan, edit_rule, roll_forward,
};
use serde::Serialize;
use sqlx::{AnyConnection, Row};

/// Where a plan stands in the cycle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanCycle {
    pub plan_id: i64,
    pub status: PlanStatus,
    /// The revision being written or read now (1, 2, …).
    pub revision: i64,
    /// The last revision approved; none if it never was.
    pub approved_revision: Option<i64>,
    /// The plan record's version, for the step forms.
    pub version: i64,
    /// Every approved revision kept, oldest first.
    pub approvals: Vec<Approval>,
}

/// One approved revision: who approved it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    pub revision: i64,
    pub approved_at: String,
    pub approved_by: String,
}

/// A reviewer's comment, on the plan or one item of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanComment {
    pub id: i64,
    pub revision: i64,
    /// `action`, `indicator`, `node` or `risk`; none: the plan itself.
    pub item_kind: Option<String>,
    pub item_id: Option<i64>,
    pub body: String,
    pub author: String,
    pub created_at: String,
}

/// The kinds of item a comment may name, with the table each lives in.
pub const COMMENT_ITEMS: [(&str, &str); 4] = [
    ("action", "actions"),
    ("indicator", "indicators"),
    ("node", "nodes"),
    ("risk", "risks"),
];

/// The longest comment kept: a page of text.
pub const COMMENT_LIMIT: usize = 10_000;

struct PlanState {
    status: PlanStatus,
    revision: i64,
    approved_revision: Option<i64>,
    version: i64,
}

async fn plan_state(conn: &mut AnyConnection, plan_id: i64) -> Result<PlanState, StoreError> {
    let row =
        sqlx::query("SELECT status, revision, approved_revision, version FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "plans",
                id: plan_id,
            })?;
    let record = Record::new("plans", plan_id);
    let status: String = row.try_get("status")?;
    Ok(PlanState {
        status: record.read("status", &status, "a plan status", PlanStatus::parse)?,
        revision: row.try_get("revision")?,
        approved_revision: row.try_get("approved_revision")?,
        version: row.try_get("version")?,
    })
}

/// The gate every change to a plan's content passes, inside the change's
/// own transaction: a draft or returned plan is open; an approved one
/// starts a new revision first (its approved revision kept as it stands,
/// if not kept already); a submitted or archived one is refused, saying
/// why (`StoreError::Invalid`), and nothing is written.
pub(crate) async fn open_for_edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    plan_id: i64,
) -> Result<(), StoreError> {
    let state = plan_state(conn, plan_id).await?;
    match edit_rule(state.status) {
        EditRule::Open => Ok(()),
        EditRule::Closed(why) => Err(StoreError::Invalid(why)),
        EditRule::NewRevision => {
            let at = now_text();
            let ctx = ChangeContext::edit(actor, &at, Some(plan_id));
            // A plan approved before versions were kept (an import, an
            // older database) is kept now, before its first change.
            if let Some(approved) = state.approved_revision {
                keep_version(
                    conn,
                    plan_id,
                    approved,
                    &at,
                    "approved before Goldthread kept versions",
                    true,
                )
                .await?;
            }
            write::update(
                conn,
                ctx,
                "plans",
                plan_id,
                &[
                    ("status", PlanStatus::Draft.as_str().into()),
                    ("revision", (state.revision + 1).into()),
                ],
            )
            .await
        }
    }
}

/// A replacing import of a stored plan passes the same gate as an edit: a
/// submitted or archived plan is refused, named, and nothing is written;
/// an approved one starts a new revision. Returns whether the plan was
/// approved, for [`after_reimport`].
pub(crate) async fn before_reimport(
    conn: &mut AnyConnection,
    actor: &Actor,
    plan_id: i64,
    title: &str,
) -> Result<bool, StoreError> {
    let was_approved = plan_state(conn, plan_id).await?.status == PlanStatus::Approved;
    match open_for_edit(conn, actor, plan_id).await {
        Err(StoreError::Invalid(why)) => Err(StoreError::Invalid(format!(
            "the stored plan '{title}' cannot be replaced by an import: {why}"
        ))),
        other => other.map(|()| was_approved),
    }
}

/// After a replacing import: a document that reads as adopted replaces an
/// approved plan with its next approved revision, kept as approved by the
/// import's actor, so the comparison shows what the new document changed.
pub(crate) async fn after_reimport(
    conn: &mut AnyConnection,
    actor: &Actor,
    plan_id: i64,
    was_approved: bool,
    adopted: bool,
) -> Result<(), StoreError> {
    if !(was_approved && adopted) {
        return Ok(());
    }
    let state = plan_state(conn, plan_id).await?;
    let at = now_text();
    keep_version(conn, plan_id, state.revision, &at, &actor.name, false).await?;
    write::update(
        conn,
        ChangeContext::edit(actor, &at, Some(plan_id)),
        "plans",
        plan_id,
        &[
            ("status", PlanStatus::Approved.as_str().into()),
            ("approved_revision", state.revision.into()),
        ],
    )
    .await
}

/// Writes the plan as it stands as revision `revision`, approved `at` by
/// `by`; with `if_missing`, only when that revision is not kept yet.
async fn keep_version(
    conn: &mut AnyConnection,
    plan_id: i64,
    revision: i64,
    at: &str,
    by: &str,
    if_missing: bool,
) -> Result<(), StoreError> {
    if if_missing {
        let kept: i64 =
            sqlx::query("SELECT COUNT(*) FROM plan_versions WHERE plan_id = $1 AND revision = $2")
                .bind(plan_id)
                .bind(revision)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
        if kept > 0 {
            return Ok(());
        }
    }
    let plan = as_written(load_plan(conn, plan_id).await?.0);
    // The plan in the domain's form, and beside it its actions' links
    // (which the domain's plan does not carry), so revisions compare them.
    let mut kept = serde_json::to_value(&plan)
        .map_err(|e| StoreError::Invalid(format!("plan {plan_id} could not be kept: {e}")))?;
    kept[ACTION_LINKS] = serde_json::json!(action_links::link_names(conn, plan_id).await?);
    let document = kept.to_string();
    // Kept outside `write.rs`: a copy of what the history already holds,
    // never changed, so it needs no history of its own.
    sqlx::query(
        "INSERT INTO plan_versions (plan_id, revision, document, approved_at, approved_by) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(plan_id)
    .bind(revision)
    .bind(document)
    .bind(at)
    .bind(by)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// Where a plan stands in the cycle, with its approved revisions.
    pub async fn plan_cycle(&self, plan_id: i64) -> Result<PlanCycle, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let state = plan_state(&mut conn, plan_id).await?;
        let approvals = sqlx::query(
            "SELECT revision, approved_at, approved_by FROM plan_versions \
             WHERE plan_id = $1 ORDER BY revision",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(Approval {
                revision: r.try_get("revision")?,
                approved_at: r.try_get("approved_at")?,
                approved_by: r.try_get("approved_by")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(PlanCycle {
            plan_id,
            status: state.status,
            revision: state.revision,
            approved_revision: state.approved_revision,
            version: state.version,
            approvals,
        })
    }

    /// Takes a step in the cycle for a plan the person saw at
    /// `expected_version`. Returning needs a comment saying why (kept as
    /// the plan's comment); approving keeps the revision as it stands.
    /// Returns the plan's new status.
    pub async fn take_plan_step(
        &self,
        plan_id: i64,
        expected_version: i64,
        step: PlanStep,
        comment: Option<&str>,
        actor: &Actor,
    ) -> Result<PlanStatus, StoreError> {
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if step == PlanStep::Return && comment.is_none() {
            return Err(StoreError::Invalid(
                "say why the plan is returned: the comment is what its authors act on".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let state = plan_state(conn, plan_id).await?;
        let to = step.apply(state.status).map_err(StoreError::Invalid)?;
        let at = now_text();
        let ctx = ChangeContext::edit(actor, &at, Some(plan_id));
        let mut columns: Vec<(&'static str, Val)> = vec![("status", to.as_str().into())];
        if step == PlanStep::Approve {
            keep_version(conn, plan_id, state.revision, &at, &actor.name, false).await?;
            columns.push(("approved_revision", state.revision.into()));
        }
        write::update_versioned(conn, ctx, "plans", plan_id, expected_version, &columns).await?;
        if let Some(body) = comment {
            insert_comment(conn, ctx, plan_id, state.revision, None, body).await?;
        }
        self.commit_write(tx).await?;
        Ok(to)
    }

    /// Adds a reviewer's comment to a plan, or to one of its items
    /// (`item`: a kind of [`COMMENT_ITEMS`] and the item's id).
    pub async fn add_plan_comment(
        &self,
        plan_id: i64,
        item: Option<(&str, i64)>,
        body: &str,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(StoreError::Invalid("the comment is empty".into()));
        }
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let state = plan_state(conn, plan_id).await?;
        let at = now_text();
        let ctx = ChangeContext::edit(actor, &at, Some(plan_id));
        let id = insert_comment(conn, ctx, plan_id, state.revision, item, body).await?;
        self.commit_write(tx).await?;
        Ok(id)
    }

    /// A plan's comments, oldest first.
    pub async fn plan_comments(&self, plan_id: i64) -> Result<Vec<PlanComment>, StoreError> {
        sqlx::query("SELECT * FROM plan_comments WHERE plan_id = $1 ORDER BY id")
            .bind(plan_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(PlanComment {
                    id: r.try_get("id")?,
                    revision: r.try_get("revision")?,
                    item_kind: r.try_get("item_kind")?,
                    item_id: r.try_get("item_id")?,
                    body: r.try_get("body")?,
                    author: r.try_get("author")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// An approved revision as it was approved.
    pub async fn plan_version(&self, plan_id: i64, revision: i64) -> Result<PlanDraft, StoreError> {
        let row = sqlx::query(
            "SELECT id, document FROM plan_versions WHERE plan_id = $1 AND revision = $2",
        )
        .bind(plan_id)
        .bind(revision)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| {
            StoreError::Invalid(format!(
                "revision {revision} of this plan was never approved"
            ))
        })?;
        let id: i64 = row.try_get("id")?;
        let document: String = row.try_get("document")?;
        serde_json::from_str(&document).map_err(|e| {
            Record::new("plan_versions", id).corrupt("document", &e.to_string(), "a plan")
        })
    }

    /// The links an approved revision kept for each of its actions, in
    /// plan order; `None` for a revision kept before links were.
    async fn version_links(
        &self,
        plan_id: i64,
        revision: i64,
    ) -> Result<Option<Vec<Vec<String>>>, StoreError> {
        let document: Option<String> =
            sqlx::query("SELECT document FROM plan_versions WHERE plan_id = $1 AND revision = $2")
                .bind(plan_id)
                .bind(revision)
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
        Ok(document
            .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
            .and_then(|d| serde_json::from_value(d.get(ACTION_LINKS)?.clone()).ok()))
    }

    /// What changed from an approved revision to another, or to the plan
    /// as it stands (`to: None`): items added, removed and changed, with
    /// the fields, as the import preview says them.
    pub async fn compare_plan(
        &self,
        plan_id: i64,
        from: i64,
        to: Option<i64>,
    ) -> Result<PlanDiff, StoreError> {
        let old = self.plan_version(plan_id, from).await?;
        let old_links = self.version_links(plan_id, from).await?;
        let (new, new_links) = match to {
            Some(revision) => (
                self.plan_version(plan_id, revision).await?,
                self.version_links(plan_id, revision).await?,
            ),
            None => {
                let mut conn = self.pool.acquire().await?;
                let plan = as_written(load_plan(&mut conn, plan_id).await?.0);
                (
                    plan,
                    Some(action_links::link_names(&mut conn, plan_id).await?),
                )
            }
        };
        let mut diff = diff_plan(&new, Some((plan_id, &old))).0;
        if let (Some(old_links), Some(new_links)) = (old_links, new_links) {
            links_changed(&mut diff, (&old, &old_links), (&new, &new_links));
        }
        Ok(diff)
    }
}

impl Store {
    /// Starts next year's plan from this one (`lifecycle::roll_forward`):
    /// a draft with the unfinished actions, the indicators with next
    /// year's targets, the thread, narrative and risks; each carried
    /// action and indicator names the one it came from. Refused when a
    /// plan with the new title exists already. Returns the new plan's id.
    pub async fn roll_forward(&self, plan_id: i64, actor: &Actor) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let (plan, _) = load_plan(conn, plan_id).await?;
        let rolled = roll_forward(&plan).map_err(StoreError::Invalid)?;
        let exists: i64 = sqlx::query("SELECT COUNT(*) FROM plans WHERE title = $1 AND kind = $2")
            .bind(&rolled.plan.title)
            .bind(rolled.plan.kind.as_str())
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
        if exists > 0 {
            return Err(StoreError::Taken(format!(
                "'{}' exists already: this plan has been rolled forward",
                rolled.plan.title
            )));
        }
        let at = now_text();
        let base = ChangeContext::edit(actor, &at, None);
        let organisation = ensure_organisation(conn, base).await?;
        let new_id = insert_plan(conn, base, organisation, None, &rolled.plan).await?;
        let ctx = ChangeContext::edit(actor, &at, Some(new_id));
        let mut carried_actions: Vec<(i64, i64)> = Vec::new();
        for (table, from) in [
            ("actions", &rolled.actions_from),
            ("indicators", &rolled.indicators_from),
        ] {
            let old = ids_in_order(conn, table, plan_id).await?;
            let new = ids_in_order(conn, table, new_id).await?;
            for (&new_item, &old_index) in new.iter().zip(from.iter()) {
                let old_item = old.get(old_index).copied().ok_or_else(|| {
                    StoreError::UnreadableRow(format!(
                        "{table} of plan {plan_id} moved while rolling forward"
                    ))
                })?;
                write::update(
                    conn,
                    ctx,
                    table,
                    new_item,
                    &[("carried_from", old_item.into())],
                )
                .await?;
                if table == "actions" {
                    carried_actions.push((old_item, new_item));
                }
            }
        }
        // A carried action keeps its links; one following another carried
        // action now follows that action's carried copy.
        for &(old_item, new_item) in &carried_actions {
            let mut links = action_links::links_of(conn, old_item).await?;
            for follows in &mut links.follows {
                if let Some(&(_, copy)) = carried_actions.iter().find(|(o, _)| o == follows) {
                    *follows = copy;
                }
            }
            action_links::sync_links(conn, ctx, new_item, &links).await?;
        }
        self.commit_write(tx).await?;
        Ok(new_id)
    }
}

/// Where a kept revision's JSON holds its actions' links.
const ACTION_LINKS: &str = "action_links";

/// Adds "links" to the changes of each action (matched by code, else by
/// title, as the diff matches them) whose links differ between the two
/// revisions; an action added or removed is reported as such already.
fn links_changed(
    diff: &mut PlanDiff,
    (old, old_links): (&PlanDraft, &[Vec<String>]),
    (new, new_links): (&PlanDraft, &[Vec<String>]),
) {
    let key = |a: &goldthread_domain::Action| a.code.clone().unwrap_or_else(|| a.title.clone());
    // The old revision's actions by key, the first of a repeated one: a
    // plan of thousands of actions is not searched once per action.
    let mut old_at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, action) in old.actions.iter().enumerate() {
        old_at.entry(key(action)).or_insert(i);
    }
    let none: Vec<String> = Vec::new();
    for (index, action) in new.actions.iter().enumerate() {
        let Some(&was) = old_at.get(&key(action)) else {
            continue;
        };
        let before = old_links.get(was).unwrap_or(&none);
        let after = new_links.get(index).unwrap_or(&none);
        if before == after {
            continue;
        }
        let same_item = |c: &&mut ItemChange| {
            c.item.kind == ItemKind::Action
                && c.item.code == action.code
                && c.item.title == action.title
        };
        match diff.changed.iter_mut().find(same_item) {
            Some(change) => change.fields.push("links"),
            None => diff.changed.push(ItemChange {
                item: ItemRef {
                    kind: ItemKind::Action,
                    code: action.code.clone(),
                    title: action.title.clone(),
                    index,
                },
                fields: vec!["links"],
            }),
        }
        diff.status = PlanChange::Changed;
    }
}

/// A plan's actions or indicators in the order `load_plan` reads them.
async fn ids_in_order(
    conn: &mut AnyConnection,
    table: &'static str,
    plan_id: i64,
) -> Result<Vec<i64>, StoreError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM {table} WHERE plan_id = $1 ORDER BY position, id"
    )))
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok(r.try_get(0)?))
    .collect()
}

async fn insert_comment(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    plan_id: i64,
    revision: i64,
    item: Option<(&str, i64)>,
    body: &str,
) -> Result<i64, StoreError> {
    if body.chars().count() > COMMENT_LIMIT {
        return Err(StoreError::Invalid(format!(
            "the comment is longer than {COMMENT_LIMIT} characters"
        )));
    }
    if let Some((kind, id)) = item {
        let table = COMMENT_ITEMS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, table)| *table)
            .ok_or_else(|| StoreError::Invalid(format!("'{kind}' is not an item of a plan")))?;
        let owner = history::record_json(conn, table, id)
            .await?
            .and_then(|r| r.get("plan_id").and_then(serde_json::Value::as_i64));
        if owner != Some(plan_id) {
            return Err(StoreError::Invalid(format!(
                "{kind} {id} is not part of this plan"
            )));
        }
    }
    write::insert(
        conn,
        ctx,
        "plan_comments",
        &[
            ("plan_id", plan_id.into()),
            ("revision", revision.into()),
            ("item_kind", item.map(|(k, _)| k).into()),
            ("item_id", Val::Int(item.map(|(_, id)| id))),
            ("body", body.into()),
            ("author", ctx.actor.name.as_str().into()),
            ("created_at", ctx.at.into()),
        ],
    )
    .await
}
