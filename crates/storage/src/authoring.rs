//! Plan authoring: correcting and extending a stored plan by hand. Every
//! change goes through `write.rs` with `origin = 'edit'`, so the history
//! has who, when, before and after, and the "as at" overlay undoes it for
//! any day before it was made.

use crate::action_links::{self, ActionLinks};
use crate::cycle;
use crate::error::StoreError;
use crate::history::{self, Actor, ChangeContext};
use crate::import::{
    delete_where, due_columns, ensure_organisation, insert_milestones, insert_officers,
    insert_targets,
};
use crate::write::{self, Val};
use crate::{Store, now_text};
use goldthread_domain::{
    ActionField, Frequency, FuzzyDate, LeadOfficer, Milestone, NodeLevel, Polarity, Target,
    ThreadLink, Unit,
};
use sqlx::{AnyConnection, Row};

/// What a person may change of an action.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionFields {
    pub code: Option<String>,
    pub title: String,
    /// The optional fields the form asked for (the council's template),
    /// each with its value; a field not listed is left as it is.
    pub details: Vec<(ActionField, Option<String>)>,
    pub due: Option<FuzzyDate>,
    /// Lead officers' posts, in order.
    pub lead_officers: Vec<String>,
    /// Milestones in order: title and due date.
    pub milestones: Vec<(String, Option<FuzzyDate>)>,
    /// The plan's thread nodes the action serves.
    pub nodes: Vec<i64>,
    /// Its links to other actions, services and partnership agendas;
    /// `None` leaves them as they are.
    pub links: Option<ActionLinks>,
}

/// An action as its edit form shows it.
#[derive(Debug, Clone)]
pub struct ActionForEdit {
    pub id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub version: i64,
    pub code: Option<String>,
    pub title: String,
    /// Every optional field, as stored.
    pub details: Vec<(ActionField, Option<String>)>,
    pub due_text: Option<String>,
    pub lead_officers: Vec<String>,
    /// Title and due date as written.
    pub milestones: Vec<(String, Option<String>)>,
    pub nodes: Vec<i64>,
    pub links: ActionLinks,
    /// Progress updates recorded on it (removal is refused if any).
    pub updates: i64,
}

/// A plan's parts an authoring form chooses among or checks against.
#[derive(Debug, Clone)]
pub struct PlanOutline {
    pub id: i64,
    pub title: String,
    /// The financial year the plan starts in and ends in ("2017/18").
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    /// Thread nodes in reading order (each parent before its children):
    /// id, level, label, title.
    pub nodes: Vec<(i64, String, String, String)>,
    /// The plan's actions in plan order: id, code and title.
    pub actions: Vec<(i64, Option<String>, String)>,
    /// The thread as the golden-thread check reads it (each node's parent
    /// and level), in reading order.
    pub thread: Vec<ThreadLink<i64>>,
}

/// What a person may change of an indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorFields {
    pub code: Option<String>,
    pub title: String,
    pub unit: Unit,
    pub polarity: Polarity,
    pub frequency: Option<Frequency>,
    /// Baseline as written and its figure.
    pub baseline: Option<(String, Option<f64>)>,
    /// Every target the indicator is to have, by period; others are removed.
    pub targets: Vec<Target>,
    /// The plan's thread nodes it measures; links to others are removed.
    pub nodes: Vec<i64>,
    /// The plan's actions it measures; links to others are removed.
    pub actions: Vec<i64>,
}

impl Store {
    /// An action's editable fields, as stored.
    pub async fn action_for_edit(&self, id: i64) -> Result<ActionForEdit, StoreError> {
        let row = sqlx::query(
            "SELECT a.*, p.title AS plan_title FROM actions a JOIN plans p ON p.id = a.plan_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { entity: "actions", id })?;
        let mut conn = self.pool.acquire().await?;
        let conn: &mut AnyConnection = &mut conn;
        let lead_officers = officers_of(conn, id).await?;
        let milestones = sqlx::query(
            "SELECT title, due_text FROM milestones WHERE action_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?;
        let nodes = nodes_of(conn, id).await?;
        let links = action_links::links_of(conn, id).await?;
        let updates: i64 =
            sqlx::query("SELECT COUNT(*) FROM progress_updates WHERE action_id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
        Ok(ActionForEdit {
            id,
            plan_id: row.try_get("plan_id")?,
            plan_title: row.try_get("plan_title")?,
            version: row.try_get("version")?,
            code: row.try_get("code")?,
            title: row.try_get("title")?,
            details: ActionField::ALL
                .into_iter()
                .map(|field| Ok((field, row.try_get(field.as_str())?)))
                .collect::<Result<_, sqlx::Error>>()?,
            due_text: row.try_get("due_text")?,
            lead_officers,
            milestones,
            nodes,
            links,
            updates,
        })
    }

    /// An action's plan and title: what a save needs before it writes,
    /// in one query rather than the whole form's.
    pub async fn action_heading(&self, id: i64) -> Result<(i64, String), StoreError> {
        let row = sqlx::query("SELECT plan_id, title FROM actions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "actions",
                id,
            })?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }

    /// A plan's thread nodes and action codes.
    pub async fn plan_outline(&self, plan_id: i64) -> Result<PlanOutline, StoreError> {
        let plan = sqlx::query("SELECT title, period_from, period_to FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "plans",
                id: plan_id,
            })?;
        // In reading order: a node moved by hand sits last by position.
        let rows = self.thread_nodes(plan_id).await?;
        let thread = rows
            .iter()
            .map(|n| ThreadLink {
                id: n.id,
                parent: n.parent_id,
                level: n.level,
            })
            .collect();
        let nodes = rows
            .into_iter()
            .map(|n| (n.id, n.level.as_str().to_string(), n.label, n.title))
            .collect();
        let actions = sqlx::query(
            "SELECT id, code, title FROM actions WHERE plan_id = $1 ORDER BY position, id",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<_, sqlx::Error>>()?;
        Ok(PlanOutline {
            id: plan_id,
            title: plan.try_get(0)?,
            period_from: plan.try_get(1)?,
            period_to: plan.try_get(2)?,
            nodes,
            actions,
            thread,
        })
    }

    /// Changes an action the user saw at `expected_version`: its own
    /// fields, lead officers, milestones (a milestone kept by title keeps
    /// its completion) and thread links. Nothing changed writes nothing.
    pub async fn edit_action(
        &self,
        id: i64,
        expected_version: i64,
        fields: &ActionFields,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let (before, plan_id) = editing(conn, actor, "actions", id, expected_version).await?;
        check_nodes(conn, plan_id, &fields.nodes).await?;
        if let Some(links) = &fields.links {
            action_links::check_links(conn, Some(id), links).await?;
        }
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        let changed = write::changed_columns(own_columns(fields), &before);
        let mut children = false;
        if officers_of(conn, id).await? != fields.lead_officers {
            delete_where(conn, ctx, "action_officers", "action_id", id).await?;
            let organisation = ensure_organisation(conn, ctx).await?;
            insert_officers(conn, ctx, organisation, id, &lead_officers(fields)).await?;
            children = true;
        }
        children |= sync_milestones(conn, ctx, id, &fields.milestones).await?;
        children |= sync_nodes(conn, ctx, id, &fields.nodes).await?;
        if let Some(links) = &fields.links {
            children |= action_links::sync_links(conn, ctx, id, links).await?;
        }
        if changed.is_empty() && !children {
            return Ok(());
        }
        // The action's version moves with any change to it or its parts,
        // so a form opened before is told. Its row is as `editing` read it:
        // the children changed above are other tables.
        write::update_versioned_from(
            conn,
            ctx,
            "actions",
            id,
            expected_version,
            &before,
            &changed,
        )
        .await?;
        self.commit_write(tx).await
    }

    /// Adds an action at the end of a plan; returns its id.
    pub async fn add_action(
        &self,
        plan_id: i64,
        fields: &ActionFields,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let position: i64 =
            sqlx::query("SELECT COALESCE(MAX(position), -1) + 1 FROM actions WHERE plan_id = $1")
                .bind(plan_id)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
        cycle::open_for_edit(conn, actor, plan_id).await?;
        check_nodes(conn, plan_id, &fields.nodes).await?;
        if let Some(links) = &fields.links {
            action_links::check_links(conn, None, links).await?;
        }
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        let mut columns: Vec<(&'static str, Val)> = vec![
            ("plan_id", plan_id.into()),
            ("position", position.into()),
            ("related", "[]".into()),
        ];
        columns.extend(own_columns(fields));
        let id = write::insert(conn, ctx, "actions", &columns).await?;
        let organisation = ensure_organisation(conn, ctx).await?;
        insert_officers(conn, ctx, organisation, id, &lead_officers(fields)).await?;
        sync_milestones(conn, ctx, id, &fields.milestones).await?;
        sync_nodes(conn, ctx, id, &fields.nodes).await?;
        if let Some(links) = &fields.links {
            action_links::sync_links(conn, ctx, id, links).await?;
        }
        self.commit_write(tx).await?;
        Ok(id)
    }

    /// Removes an action the user saw at `expected_version`, with its
    /// milestones, officers and links; each row's last state stays in the
    /// history. An action with progress updates is refused: those updates
    /// have been reported (to committee, in packs) and a council expects
    /// what it reported to stay traceable; such an action is closed by
    /// recording it as completed or no longer required, not removed.
    pub async fn remove_action(
        &self,
        id: i64,
        expected_version: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let (_, plan_id) = editing(conn, actor, "actions", id, expected_version).await?;
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        let updates: i64 =
            sqlx::query("SELECT COUNT(*) FROM progress_updates WHERE action_id = $1")
                .bind(id)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
        if updates > 0 {
            return Err(StoreError::Invalid(format!(
                "this action has {updates} progress update{}: it cannot be removed",
                if updates == 1 { "" } else { "s" }
            )));
        }
        for table in [
            "milestones",
            "due_revisions",
            "action_officers",
            "action_nodes",
            "indicator_links",
            "risk_links",
        ] {
            delete_where(conn, ctx, table, "action_id", id).await?;
        }
        action_links::remove_all(conn, ctx, id).await?;
        write::delete(conn, ctx, "actions", id).await?;
        self.commit_write(tx).await
    }

    /// Changes an indicator the user saw at `expected_version`: its own
    /// fields, its targets (by period: changed ones updated, new ones
    /// added, ones no longer given removed) and its links to the plan's
    /// thread nodes and actions (only the links that differ).
    pub async fn edit_indicator(
        &self,
        id: i64,
        expected_version: i64,
        fields: &IndicatorFields,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let (before, plan_id) = editing(conn, actor, "indicators", id, expected_version).await?;
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        check_nodes(conn, plan_id, &fields.nodes).await?;
        check_actions(conn, plan_id, &fields.actions).await?;
        let columns = indicator_columns(fields);
        let changed = write::changed_columns(columns, &before);
        let stored = sqlx::query(
            "SELECT id, period, text, value, version FROM targets WHERE indicator_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        let mut targets_changed = false;
        let mut new_targets = Vec::new();
        for target in &fields.targets {
            let period = target.period.to_string();
            let held = stored
                .iter()
                .find(|r| r.try_get::<String, _>(1).ok().as_deref() == Some(period.as_str()));
            match held {
                None => new_targets.push(target.clone()),
                Some(row) => {
                    let text: String = row.try_get(2)?;
                    let value: Option<f64> = row.try_get(3)?;
                    if text != target.text || value != target.value {
                        write::update_versioned(
                            conn,
                            ctx,
                            "targets",
                            row.try_get(0)?,
                            row.try_get(4)?,
                            &[
                                ("text", target.text.as_str().into()),
                                ("value", Val::Real(target.value)),
                            ],
                        )
                        .await?;
                        targets_changed = true;
                    }
                }
            }
        }
        for row in &stored {
            let period: String = row.try_get(1)?;
            if !fields
                .targets
                .iter()
                .any(|t| t.period.to_string() == period)
            {
                write::delete(conn, ctx, "targets", row.try_get(0)?).await?;
                targets_changed = true;
            }
        }
        if !new_targets.is_empty() {
            insert_targets(conn, ctx, id, &new_targets).await?;
            targets_changed = true;
        }
        let links_changed = sync_links(
            conn,
            ctx,
            INDICATOR_LINKS,
            id,
            &fields.nodes,
            &fields.actions,
        )
        .await?;
        if changed.is_empty() && !targets_changed && !links_changed {
            return Ok(());
        }
        write::update_versioned(conn, ctx, "indicators", id, expected_version, &changed).await?;
        self.commit_write(tx).await
    }
}

impl Store {
    /// Adds an indicator at the end of a plan, with its targets and its
    /// links to the plan's thread nodes and actions; returns its id.
    pub async fn add_indicator(
        &self,
        plan_id: i64,
        fields: &IndicatorFields,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        cycle::open_for_edit(conn, actor, plan_id).await?;
        if fields.title.trim().is_empty() {
            return Err(StoreError::Invalid("an indicator needs a title".into()));
        }
        check_nodes(conn, plan_id, &fields.nodes).await?;
        check_actions(conn, plan_id, &fields.actions).await?;
        let position: i64 = sqlx::query(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM indicators WHERE plan_id = $1",
        )
        .bind(plan_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        let mut columns: Vec<(&'static str, Val)> = vec![
            ("plan_id", plan_id.into()),
            ("position", position.into()),
            (
                "aggregation",
                goldthread_domain::Aggregation::default().as_str().into(),
            ),
        ];
        columns.extend(indicator_columns(fields));
        let id = write::insert(conn, ctx, "indicators", &columns).await?;
        insert_targets(conn, ctx, id, &fields.targets).await?;
        sync_links(
            conn,
            ctx,
            INDICATOR_LINKS,
            id,
            &fields.nodes,
            &fields.actions,
        )
        .await?;
        self.commit_write(tx).await?;
        Ok(id)
    }

    /// How many values (approved or waiting for sign-off) an indicator
    /// holds: one with any is not removed.
    pub async fn recorded_values(&self, id: i64) -> Result<i64, StoreError> {
        let mut conn = self.pool.acquire().await?;
        values_of(&mut conn, id).await
    }

    /// Removes an indicator the user saw at `expected_version`, with its
    /// targets and links; each row's last state stays in the history. One
    /// with recorded values is refused (`Invalid`), as an action with
    /// progress updates is: they may have been reported.
    pub async fn remove_indicator(
        &self,
        id: i64,
        expected_version: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let (_, plan_id) = editing(conn, actor, "indicators", id, expected_version).await?;
        let values = values_of(conn, id).await?;
        if values > 0 {
            return Err(StoreError::Invalid(format!(
                "this indicator has {values} recorded value{}: it cannot be removed",
                if values == 1 { "" } else { "s" }
            )));
        }
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        for table in ["targets", "indicator_links"] {
            delete_where(conn, ctx, table, "indicator_id", id).await?;
        }
        write::delete(conn, ctx, "indicators", id).await?;
        self.commit_write(tx).await
    }
}

async fn values_of(conn: &mut AnyConnection, id: i64) -> Result<i64, StoreError> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM measurements WHERE indicator_id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?,
    )
}

fn indicator_columns(fields: &IndicatorFields) -> Vec<(&'static str, Val)> {
    vec![
        ("code", fields.code.clone().into()),
        ("title", fields.title.as_str().into()),
        ("unit", fields.unit.as_str().into()),
        ("polarity", fields.polarity.as_str().into()),
        (
            "frequency",
            Val::Text(fields.frequency.map(|f| f.as_str().to_string())),
        ),
        (
            "baseline_text",
            Val::Text(fields.baseline.as_ref().map(|b| b.0.clone())),
        ),
        (
            "baseline_value",
            Val::Real(fields.baseline.as_ref().and_then(|b| b.1)),
        ),
    ]
}

/// What a person may set of a risk.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RiskFields {
    pub code: Option<String>,
    pub title: String,
    /// What might go wrong and why ("Failure to …").
    pub cause: Option<String>,
    pub event: Option<String>,
    /// "… resulting in …"
    pub consequence: Option<String>,
    /// The owner's post, as titled.
    pub owner: Option<String>,
    /// On the organisation's risk scale, 1 upwards; `None` until rated.
    pub likelihood: Option<i64>,
    pub impact: Option<i64>,
    /// Controls and mitigations in place.
    pub controls: Option<String>,
    /// The plan's thread nodes and actions it threatens.
    pub nodes: Vec<i64>,
    pub actions: Vec<i64>,
}

/// A risk as its edit form shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskForEdit {
    pub id: i64,
    pub plan_id: i64,
    pub version: i64,
    pub fields: RiskFields,
}

impl Store {
    /// A risk's editable fields and links, as stored.
    pub async fn risk_for_edit(&self, id: i64) -> Result<RiskForEdit, StoreError> {
        let row = sqlx::query(
            "SELECT plan_id, version, code, title, cause, event, consequence, owner, likelihood, impact, controls FROM risks WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound { entity: "risks", id })?;
        let links =
            sqlx::query("SELECT action_id, node_id FROM risk_links WHERE risk_id = $1 ORDER BY id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
        let (mut nodes, mut actions) = (Vec::new(), Vec::new());
        for link in &links {
            if let Some(action) = link.try_get::<Option<i64>, _>(0)? {
                actions.push(action);
            } else if let Some(node) = link.try_get::<Option<i64>, _>(1)? {
                nodes.push(node);
            }
        }
        Ok(RiskForEdit {
            id,
            plan_id: row.try_get(0)?,
            version: row.try_get(1)?,
            fields: RiskFields {
                code: row.try_get(2)?,
                title: row.try_get(3)?,
                cause: row.try_get(4)?,
                event: row.try_get(5)?,
                consequence: row.try_get(6)?,
                owner: row.try_get(7)?,
                likelihood: row.try_get(8)?,
                impact: row.try_get(9)?,
                controls: row.try_get(10)?,
                nodes,
                actions,
            },
        })
    }

    /// Adds a risk at the end of a plan's register; returns its id.
    pub async fn add_risk(
        &self,
        plan_id: i64,
        fields: &RiskFields,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        cycle::open_for_edit(conn, actor, plan_id).await?;
        check_risk(conn, plan_id, fields).await?;
        let position: i64 =
            sqlx::query("SELECT COALESCE(MAX(position), -1) + 1 FROM risks WHERE plan_id = $1")
                .bind(plan_id)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        let mut columns: Vec<(&'static str, Val)> =
            vec![("plan_id", plan_id.into()), ("position", position.into())];
        columns.extend(risk_columns(fields));
        let id = write::insert(conn, ctx, "risks", &columns).await?;
        sync_links(conn, ctx, RISK_LINKS, id, &fields.nodes, &fields.actions).await?;
        self.commit_write(tx).await?;
        Ok(id)
    }

    /// Changes a risk the user saw at `expected_version`: its fields and
    /// links, only where they differ. Nothing changed writes nothing.
    pub async fn edit_risk(
        &self,
        id: i64,
        expected_version: i64,
        fields: &RiskFields,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let (before, plan_id) = editing(conn, actor, "risks", id, expected_version).await?;
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        check_risk(conn, plan_id, fields).await?;
        let changed = write::changed_columns(risk_columns(fields), &before);
        let links = sync_links(conn, ctx, RISK_LINKS, id, &fields.nodes, &fields.actions).await?;
        if changed.is_empty() && !links {
            return Ok(());
        }
        write::update_versioned(conn, ctx, "risks", id, expected_version, &changed).await?;
        self.commit_write(tx).await
    }

    /// Removes a risk the user saw at `expected_version`, with its links;
    /// each row's last state stays in the history.
    pub async fn remove_risk(
        &self,
        id: i64,
        expected_version: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let (_, plan_id) = editing(conn, actor, "risks", id, expected_version).await?;
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        delete_where(conn, ctx, "risk_links", "risk_id", id).await?;
        write::delete(conn, ctx, "risks", id).await?;
        self.commit_write(tx).await
    }
}

fn risk_columns(fields: &RiskFields) -> Vec<(&'static str, Val)> {
    vec![
        ("code", fields.code.clone().into()),
        ("title", fields.title.as_str().into()),
        ("cause", fields.cause.clone().into()),
        ("event", fields.event.clone().into()),
        ("consequence", fields.consequence.clone().into()),
        ("owner", fields.owner.clone().into()),
        ("likelihood", Val::Int(fields.likelihood)),
        ("impact", Val::Int(fields.impact)),
        ("controls", fields.controls.clone().into()),
    ]
}

/// Refuses a risk with no title, a rating off the organisation's scale,
/// or links outside its plan.
async fn check_risk(
    conn: &mut AnyConnection,
    plan_id: i64,
    fields: &RiskFields,
) -> Result<(), StoreError> {
    if fields.title.trim().is_empty() {
        return Err(StoreError::Invalid("a risk needs a title".into()));
    }
    let scale: i64 = sqlx::query("SELECT risk_scale FROM organisations ORDER BY id LIMIT 1")
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or(i64::from(
            goldthread_domain::Organisation::default().risk_scale,
        ));
    for (name, rating) in [("likelihood", fields.likelihood), ("impact", fields.impact)] {
        if let Some(r) = rating
            && !(1..=scale).contains(&r)
        {
            return Err(StoreError::Invalid(format!(
                "{name} {r} is not on the organisation's risk scale of 1 to {scale}"
            )));
        }
    }
    check_nodes(conn, plan_id, &fields.nodes).await?;
    check_actions(conn, plan_id, &fields.actions).await
}

/// The record an editor is changing, with its plan and version; a row
/// missing either is unreadable, named, not read as plan or version 0.
/// Its plan must be open to the change (`cycle::open_for_edit`).
async fn editing(
    conn: &mut AnyConnection,
    actor: &Actor,
    table: &'static str,
    id: i64,
    expected_version: i64,
) -> Result<(serde_json::Value, i64), StoreError> {
    let before = history::record_json(conn, table, id)
        .await?
        .ok_or(StoreError::NotFound { entity: table, id })?;
    let number = |field: &str| {
        before
            .get(field)
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| StoreError::UnreadableRow(format!("{table} {id} has no {field}")))
    };
    let (plan_id, version) = (number("plan_id")?, number("version")?);
    if version != expected_version {
        // Refused with who changed it and when; nothing is written.
        return Err(write::conflict(conn, table, id, expected_version, version, &before).await?);
    }
    cycle::open_for_edit(conn, actor, plan_id).await?;
    Ok((before, plan_id))
}

fn ctx_for<'a>(actor: &'a Actor, at: &'a str, plan_id: i64) -> ChangeContext<'a> {
    ChangeContext::edit(actor, at, Some(plan_id))
}

fn own_columns(fields: &ActionFields) -> Vec<(&'static str, Val)> {
    let mut columns: Vec<(&'static str, Val)> = vec![
        ("code", fields.code.clone().into()),
        ("title", fields.title.as_str().into()),
    ];
    // Each field's column is named as the field is (`ActionField::as_str`).
    columns.extend(
        fields
            .details
            .iter()
            .map(|(field, value)| (field.as_str(), value.clone().into())),
    );
    columns.extend(due_columns(fields.due.as_ref()));
    columns
}

fn lead_officers(fields: &ActionFields) -> Vec<LeadOfficer> {
    let joint = fields.lead_officers.len() > 1;
    fields
        .lead_officers
        .iter()
        .map(|name| LeadOfficer {
            name: name.clone(),
            joint,
        })
        .collect()
}

async fn officers_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query(
        "SELECT p.title FROM action_officers ao JOIN posts p ON p.id = ao.post_id WHERE ao.action_id = $1 ORDER BY ao.position, ao.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?)
}

async fn nodes_of(conn: &mut AnyConnection, id: i64) -> Result<Vec<i64>, StoreError> {
    Ok(
        sqlx::query("SELECT node_id FROM action_nodes WHERE action_id = $1 ORDER BY node_id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?,
    )
}

/// Refuses thread nodes that are not the plan's.
async fn check_nodes(
    conn: &mut AnyConnection,
    plan_id: i64,
    nodes: &[i64],
) -> Result<(), StoreError> {
    let plan_nodes: Vec<i64> = sqlx::query("SELECT id FROM nodes WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    match nodes.iter().find(|n| !plan_nodes.contains(n)) {
        Some(n) => Err(StoreError::Invalid(format!(
            "thread node {n} is not part of this plan"
        ))),
        None => Ok(()),
    }
}

const INDICATOR_LINKS: (&str, &str) = ("indicator_links", "indicator_id");
const RISK_LINKS: (&str, &str) = ("risk_links", "risk_id");

/// Refuses actions that are not the plan's.
async fn check_actions(
    conn: &mut AnyConnection,
    plan_id: i64,
    actions: &[i64],
) -> Result<(), StoreError> {
    let plan_actions: Vec<i64> = sqlx::query("SELECT id FROM actions WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    match actions.iter().find(|a| !plan_actions.contains(a)) {
        Some(a) => Err(StoreError::Invalid(format!(
            "action {a} is not part of this plan"
        ))),
        None => Ok(()),
    }
}

/// Links an indicator or a risk (`table` is its link table, `owner` the
/// column naming it) to exactly `nodes` and `actions`: a link wanted and
/// held is kept, one no longer wanted (or held twice) removed, a new one
/// added. Whether it changed anything.
async fn sync_links(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    (table, owner): (&'static str, &'static str),
    id: i64,
    nodes: &[i64],
    actions: &[i64],
) -> Result<bool, StoreError> {
    let sql = format!("SELECT id, action_id, node_id FROM {table} WHERE {owner} = $1 ORDER BY id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let mut changed = false;
    let (mut held_nodes, mut held_actions) = (Vec::new(), Vec::new());
    for row in &rows {
        let link: i64 = row.try_get(0)?;
        let action: Option<i64> = row.try_get(1)?;
        let node: Option<i64> = row.try_get(2)?;
        let keep = match (action, node) {
            (Some(a), None) if actions.contains(&a) && !held_actions.contains(&a) => {
                held_actions.push(a);
                true
            }
            (None, Some(n)) if nodes.contains(&n) && !held_nodes.contains(&n) => {
                held_nodes.push(n);
                true
            }
            _ => false,
        };
        if !keep {
            write::delete(conn, ctx, table, link).await?;
            changed = true;
        }
    }
    for (column, wanted, held) in [
        ("action_id", actions, &mut held_actions),
        ("node_id", nodes, &mut held_nodes),
    ] {
        for target in wanted {
            if held.contains(target) {
                continue;
            }
            write::insert(
                conn,
                ctx,
                table,
                &[(owner, id.into()), (column, (*target).into())],
            )
            .await?;
            held.push(*target);
            changed = true;
        }
    }
    Ok(changed)
}

/// Rewrites an action's milestones if they differ from `wanted`; a
/// milestone kept (same title) keeps its completion date. Whether it
/// changed anything.
async fn sync_milestones(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    id: i64,
    wanted: &[(String, Option<FuzzyDate>)],
) -> Result<bool, StoreError> {
    let stored = sqlx::query(
        "SELECT title, due_text, completed FROM milestones WHERE action_id = $1 ORDER BY position, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut held: Vec<(String, Option<String>, Option<String>)> = Vec::new();
    for row in &stored {
        held.push((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?));
    }
    let same = held.len() == wanted.len()
        && held.iter().zip(wanted).all(|((title, due, _), (t, d))| {
            title == t && due.as_deref() == d.as_ref().map(|d| d.text.as_str())
        });
    if same {
        return Ok(false);
    }
    delete_where(conn, ctx, "milestones", "action_id", id).await?;
    let milestones: Vec<Milestone> = wanted
        .iter()
        .map(|(title, due)| Milestone {
            title: title.clone(),
            due: due.clone(),
            completed: held
                .iter()
                .find(|(t, _, _)| t == title)
                .and_then(|(_, _, done)| done.as_deref())
                .and_then(|d| d.parse().ok()),
            provenance: None,
        })
        .collect();
    insert_milestones(conn, ctx, id, &milestones).await?;
    Ok(true)
}

/// Links an action to exactly `wanted` of its plan's nodes. Whether it
/// changed anything.
async fn sync_nodes(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    id: i64,
    wanted: &[i64],
) -> Result<bool, StoreError> {
    let rows = sqlx::query("SELECT id, node_id FROM action_nodes WHERE action_id = $1")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    let mut changed = false;
    let mut held = Vec::new();
    for row in &rows {
        let (link, node): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        if wanted.contains(&node) {
            held.push(node);
        } else {
            write::delete(conn, ctx, "action_nodes", link).await?;
            changed = true;
        }
    }
    for node in wanted {
        if !held.contains(node) {
            held.push(*node);
            write::insert(
                conn,
                ctx,
                "action_nodes",
                &[("action_id", id.into()), ("node_id", (*node).into())],
            )
            .await?;
            changed = true;
        }
    }
    Ok(changed)
}

/// What a person may set of a thread node (a priority, outcome or
/// objective).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeFields {
    pub level: NodeLevel,
    /// The council's word for the level ("Corporate Priority", "Theme").
    pub label: String,
    pub title: String,
    pub strapline: Option<String>,
    /// The node it sits under, in the same plan; `None` at the top.
    pub parent: Option<i64>,
}

/// A thread node as the authoring forms show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadNodeRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: NodeLevel,
    pub label: String,
    pub title: String,
    pub strapline: Option<String>,
    pub version: i64,
}

/// What hangs on a thread node, each named as a person would know it;
/// a node is removed only when all are empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeLinks {
    pub children: Vec<String>,
    pub actions: Vec<String>,
    pub indicators: Vec<String>,
    pub risks: Vec<String>,
}

impl NodeLinks {
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
            && self.actions.is_empty()
            && self.indicators.is_empty()
            && self.risks.is_empty()
    }

    /// "2 actions (KA.1, KA.2) and 1 indicator (MEHPI 132)": what stops a
    /// removal, or `None` when nothing does.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            (&self.children, "node under it", "nodes under it"),
            (&self.actions, "action linked", "actions linked"),
            (&self.indicators, "indicator linked", "indicators linked"),
            (&self.risks, "risk linked", "risks linked"),
        ]
        .into_iter()
        .filter(|(names, _, _)| !names.is_empty())
        .map(|(names, one, many)| {
            let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
            let more = if names.len() > shown.len() {
                ", …"
            } else {
                ""
            };
            format!(
                "{} {} ({}{more})",
                names.len(),
                if names.len() == 1 { one } else { many },
                shown.join(", ")
            )
        })
        .collect();
        match parts.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
        }
    }
}

impl Store {
    /// A plan's thread nodes in reading order: each parent before its
    /// children, siblings by position.
    pub async fn thread_nodes(&self, plan_id: i64) -> Result<Vec<ThreadNodeRow>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let nodes = nodes_of_plan(&mut conn, plan_id).await?;
        Ok(reading_order(nodes))
    }

    /// One thread node with its plan, for the edit and remove forms.
    pub async fn node_for_edit(&self, id: i64) -> Result<(i64, ThreadNodeRow), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let plan_id: i64 = sqlx::query("SELECT plan_id FROM nodes WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "nodes",
                id,
            })?
            .try_get(0)?;
        let node = nodes_of_plan(&mut conn, plan_id)
            .await?
            .into_iter()
            .find(|n| n.id == id)
            .ok_or(StoreError::NotFound {
                entity: "nodes",
                id,
            })?;
        Ok((plan_id, node))
    }

    /// What hangs on a thread node (see [`NodeLinks`]).
    pub async fn node_links(&self, id: i64) -> Result<NodeLinks, StoreError> {
        let mut conn = self.pool.acquire().await?;
        links_of(&mut conn, id).await
    }

    /// Adds a thread node to a plan, last under its parent (or last at the
    /// top); returns its id.
    pub async fn add_node(
        &self,
        plan_id: i64,
        fields: &NodeFields,
        actor: &Actor,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        cycle::open_for_edit(conn, actor, plan_id).await?;
        let nodes = nodes_of_plan(conn, plan_id).await?;
        check_parent(&nodes, None, fields)?;
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        // After every node of the plan, so the parent comes before it in
        // position order (the export reads parents that way).
        let position = next_position(conn, plan_id).await?;
        let mut columns: Vec<(&'static str, Val)> =
            vec![("plan_id", plan_id.into()), ("position", position.into())];
        columns.extend(node_columns(fields));
        let id = write::insert(conn, ctx, "nodes", &columns).await?;
        self.commit_write(tx).await?;
        Ok(id)
    }

    /// Changes a thread node the user saw at `expected_version`: its
    /// level, label, title and strapline, and its parent. A move to
    /// another parent puts the node, with everything under it, last under
    /// its new parent; a move under itself or one of its own descendants
    /// is refused. Nothing changed writes nothing.
    pub async fn edit_node(
        &self,
        id: i64,
        expected_version: i64,
        fields: &NodeFields,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let (before, plan_id) = editing(conn, actor, "nodes", id, expected_version).await?;
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        let nodes = nodes_of_plan(conn, plan_id).await?;
        check_parent(&nodes, Some(id), fields)?;
        let mut changed = write::changed_columns(node_columns(fields), &before);
        let moved = changed.iter().any(|(name, _)| *name == "parent_id");
        if changed.is_empty() {
            return Ok(());
        }
        if moved {
            // The node and its subtree go to the end of the plan in reading
            // order, so every parent stays before its children by position.
            let subtree = reading_order_from(&nodes, id);
            let mut position = next_position(conn, plan_id).await?;
            changed.push(("position", position.into()));
            for node in subtree.iter().filter(|n| n.id != id) {
                position += 1;
                write::update_versioned(
                    conn,
                    ctx,
                    "nodes",
                    node.id,
                    node.version,
                    &[("position", position.into())],
                )
                .await?;
            }
        }
        write::update_versioned(conn, ctx, "nodes", id, expected_version, &changed).await?;
        self.commit_write(tx).await
    }

    /// Removes a thread node the user saw at `expected_version`. Refused
    /// (`Invalid`, naming what) while any node sits under it or any action,
    /// indicator or risk is linked to it: those links are how the plan's
    /// work traces to its priorities, and must be moved first on purpose.
    pub async fn remove_node(
        &self,
        id: i64,
        expected_version: i64,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let (before, plan_id) = editing(conn, actor, "nodes", id, expected_version).await?;
        let at = now_text();
        let ctx = ctx_for(actor, &at, plan_id);
        if let Some(what) = links_of(conn, id).await?.describe() {
            let label = before
                .get("label")
                .and_then(serde_json::Value::as_str)
                .filter(|l| !l.trim().is_empty())
                .unwrap_or("node");
            return Err(StoreError::Invalid(format!(
                "this {} cannot be removed: it has {what}",
                label.to_lowercase()
            )));
        }
        write::delete(conn, ctx, "nodes", id).await?;
        self.commit_write(tx).await
    }
}

fn node_columns(fields: &NodeFields) -> Vec<(&'static str, Val)> {
    vec![
        ("parent_id", fields.parent.into()),
        ("level", fields.level.as_str().into()),
        ("label", fields.label.as_str().into()),
        ("title", fields.title.as_str().into()),
        ("strapline", fields.strapline.clone().into()),
    ]
}

async fn nodes_of_plan(
    conn: &mut AnyConnection,
    plan_id: i64,
) -> Result<Vec<ThreadNodeRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, parent_id, level, label, title, strapline, version FROM nodes WHERE plan_id = $1 ORDER BY position, id",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut nodes = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let level: String = row.try_get("level")?;
        nodes.push(ThreadNodeRow {
            id,
            parent_id: row.try_get("parent_id")?,
            level: crate::error::Record::new("nodes", id).read(
                "level",
                &level,
                "a node level",
                NodeLevel::parse,
            )?,
            label: row.try_get("label")?,
            title: row.try_get("title")?,
            strapline: row.try_get("strapline")?,
            version: row.try_get("version")?,
        });
    }
    Ok(nodes)
}

async fn next_position(conn: &mut AnyConnection, plan_id: i64) -> Result<i64, StoreError> {
    Ok(
        sqlx::query("SELECT COALESCE(MAX(position), -1) + 1 FROM nodes WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?,
    )
}

/// Nodes (in position order) rearranged so each parent comes before its
/// children. A node whose parent is not in the list is read as at the top;
/// nodes left over (a loop of parents, which only damaged data can hold)
/// follow, so none is lost from a form.
fn reading_order(nodes: Vec<ThreadNodeRow>) -> Vec<ThreadNodeRow> {
    let known: Vec<i64> = nodes.iter().map(|n| n.id).collect();
    let mut out: Vec<ThreadNodeRow> = Vec::with_capacity(nodes.len());
    let roots = nodes
        .iter()
        .filter(|n| n.parent_id.is_none_or(|p| !known.contains(&p)));
    for start in roots.chain(nodes.iter()) {
        if out.iter().any(|n| n.id == start.id) {
            continue;
        }
        for node in reading_order_from(&nodes, start.id) {
            if !out.iter().any(|n| n.id == node.id) {
                out.push(node);
            }
        }
    }
    out
}

/// The node `id` and everything under it, each parent before its children.
/// Each node is visited once, so stored data with a cycle cannot loop.
fn reading_order_from(nodes: &[ThreadNodeRow], id: i64) -> Vec<ThreadNodeRow> {
    let mut out: Vec<ThreadNodeRow> = Vec::new();
    let mut stack = vec![id];
    while let Some(next) = stack.pop() {
        if out.iter().any(|n| n.id == next) {
            continue;
        }
        let Some(node) = nodes.iter().find(|n| n.id == next) else {
            continue;
        };
        out.push(node.clone());
        // Reversed, so the first child is taken first.
        stack.extend(
            nodes
                .iter()
                .rev()
                .filter(|n| n.parent_id == Some(next))
                .map(|n| n.id),
        );
    }
    out
}

/// Refuses a parent outside the plan, and for an existing node (`moving`)
/// a parent that is the node itself or under it: the thread is a tree.
fn check_parent(
    nodes: &[ThreadNodeRow],
    moving: Option<i64>,
    fields: &NodeFields,
) -> Result<(), StoreError> {
    let Some(parent) = fields.parent else {
        return Ok(());
    };
    if !nodes.iter().any(|n| n.id == parent) {
        return Err(StoreError::Invalid(format!(
            "thread node {parent} is not part of this plan"
        )));
    }
    if let Some(id) = moving
        && reading_order_from(nodes, id).iter().any(|n| n.id == parent)
    {
        return Err(StoreError::Invalid(
            "a node cannot sit under itself or under one of the nodes beneath it: choose another parent"
                .to_string(),
        ));
    }
    Ok(())
}

/// What hangs on a node: nodes under it, and actions, indicators and risks
/// linked to it.
async fn links_of(conn: &mut AnyConnection, id: i64) -> Result<NodeLinks, StoreError> {
    async fn names(
        conn: &mut AnyConnection,
        sql: &'static str,
        id: i64,
    ) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(sql).bind(id).fetch_all(&mut *conn).await?;
        rows.iter()
            .map(|r| {
                let code: Option<String> = r.try_get(0)?;
                let title: String = r.try_get(1)?;
                Ok(match code {
                    Some(code) if !code.trim().is_empty() => code,
                    _ => format!("\"{title}\""),
                })
            })
            .collect()
    }
    Ok(NodeLinks {
        children: names(
            conn,
            "SELECT code, title FROM nodes WHERE parent_id = $1 ORDER BY position, id",
            id,
        )
        .await?,
        actions: names(
            conn,
            "SELECT a.code, a.title FROM action_nodes l JOIN actions a ON a.id = l.action_id WHERE l.node_id = $1 ORDER BY a.position, a.id",
            id,
        )
        .await?,
        indicators: names(
            conn,
            "SELECT DISTINCT i.code, i.title, i.id FROM indicator_links l JOIN indicators i ON i.id = l.indicator_id WHERE l.node_id = $1 ORDER BY i.id",
            id,
        )
        .await?,
        risks: names(
            conn,
            "SELECT DISTINCT r.code, r.title, r.id FROM risk_links l JOIN risks r ON r.id = l.risk_id WHERE l.node_id = $1 ORDER BY r.id",
            id,
        )
        .await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize, prefix: &str) -> Vec<String> {
        (1..=n).map(|i| format!("{prefix}{i}")).collect()
    }

    #[test]
    fn what_stops_a_removal_is_named_in_one_sentence() {
        assert_eq!(NodeLinks::default().describe(), None);
        let links = NodeLinks {
            children: names(1, "Objective "),
            actions: names(7, "KA."),
            indicators: vec![],
            risks: names(2, "R"),
        };
        assert_eq!(
            links.describe().as_deref(),
            Some(
                "1 node under it (Objective 1), 7 actions linked (KA.1, KA.2, KA.3, KA.4, KA.5, …) \
                 and 2 risks linked (R1, R2)"
            )
        );
        assert!(!links.is_empty());
    }

    fn row(id: i64, parent_id: Option<i64>) -> ThreadNodeRow {
        ThreadNodeRow {
            id,
            parent_id,
            level: NodeLevel::Outcome,
            label: "Outcome".into(),
            title: format!("Node {id}"),
            strapline: None,
            version: 1,
        }
    }

    #[test]
    fn reading_order_puts_parents_first_and_survives_a_stored_loop() {
        // By position: a child stored before its parent, then a loop.
        let nodes = vec![
            row(3, Some(1)),
            row(1, None),
            row(2, Some(1)),
            row(8, Some(9)),
            row(9, Some(8)),
        ];
        let order: Vec<i64> = reading_order(nodes.clone()).iter().map(|n| n.id).collect();
        assert_eq!(
            order,
            [1, 3, 2, 8, 9],
            "a loop hangs from no root, and still shows"
        );
        let subtree: Vec<i64> = reading_order_from(&nodes, 8).iter().map(|n| n.id).collect();
        assert_eq!(subtree, [8, 9], "each node once");
        let moving = |parent| NodeFields {
            level: NodeLevel::Outcome,
            label: "Outcome".into(),
            title: "x".into(),
            strapline: None,
            parent: Some(parent),
        };
        assert!(
            check_parent(&nodes, Some(1), &moving(2)).is_err(),
            "under its child"
        );
        assert!(
            check_parent(&nodes, Some(2), &moving(3)).is_ok(),
            "under a sibling"
        );
        assert!(
            check_parent(&nodes, None, &moving(42)).is_err(),
            "not in the plan"
        );
    }
}
