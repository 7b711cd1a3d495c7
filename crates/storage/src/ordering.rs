//! A plan's actions put in order and renumbered by the council's code
//! pattern (`goldthread_domain::CodePattern`). Links between records are
//! by id, never by code or place, so neither move breaks a link; each
//! change goes through `write.rs` and is in the history.

use crate::cycle;
use crate::error::StoreError;
use crate::history::{Actor, ChangeContext};
use crate::write;
use crate::{Store, now_text};
use goldthread_domain::CodePattern;
use sqlx::{AnyConnection, Row};

/// Which way an action moves in its plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Earlier,
    Later,
}

/// A plan's action as the ordering page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedAction {
    pub id: i64,
    pub code: Option<String>,
    pub title: String,
    pub version: i64,
}

impl Store {
    /// Moves an action one place earlier or later in its plan. The plan's
    /// actions are numbered 0, 1, 2… in their new order, each position
    /// that changes written on the record. First and last stay put.
    pub async fn move_action(&self, id: i64, to: Move, actor: &Actor) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let plan_id: i64 = sqlx::query("SELECT plan_id FROM actions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "actions",
                id,
            })?
            .try_get(0)?;
        cycle::open_for_edit(conn, actor, plan_id).await?;
        let mut order = positions(conn, plan_id).await?;
        let at = order.iter().position(|&(a, _)| a == id).ok_or_else(|| {
            StoreError::UnreadableRow(format!("action {id} is missing from its plan's order"))
        })?;
        let other = match to {
            Move::Earlier => at.checked_sub(1),
            Move::Later => (at + 1 < order.len()).then_some(at + 1),
        };
        let Some(other) = other else {
            return Ok(());
        };
        order.swap(at, other);
        let now = now_text();
        let ctx = ChangeContext::edit(actor, &now, Some(plan_id));
        for (place, &(action, position)) in order.iter().enumerate() {
            let place = place as i64;
            if position != place {
                write::update(conn, ctx, "actions", action, &[("position", place.into())]).await?;
            }
        }
        self.commit_write(tx).await
    }

    /// A plan's actions in order.
    pub async fn ordered_actions(&self, plan_id: i64) -> Result<Vec<OrderedAction>, StoreError> {
        sqlx::query(
            "SELECT id, code, title, version FROM actions WHERE plan_id = $1 ORDER BY position, id",
        )
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(OrderedAction {
                id: r.try_get(0)?,
                code: r.try_get(1)?,
                title: r.try_get(2)?,
                version: r.try_get(3)?,
            })
        })
        .collect()
    }

    /// Gives each of the plan's actions, in order, the code its place
    /// gives under `pattern`. `seen` is the order the person confirmed:
    /// if an action has been added, removed or moved since, nothing is
    /// written and the refusal says to look again. An action whose code
    /// changes moves to its next version, so a form opened on it is told.
    /// Returns how many codes changed.
    pub async fn renumber_actions(
        &self,
        plan_id: i64,
        pattern: &CodePattern,
        seen: &[i64],
        actor: &Actor,
    ) -> Result<usize, StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        cycle::open_for_edit(conn, actor, plan_id).await?;
        let actions = sqlx::query(
            "SELECT id, code, version FROM actions WHERE plan_id = $1 ORDER BY position, id",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
        let ids: Vec<i64> = actions
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        if ids != seen {
            return Err(StoreError::Invalid(
                "the plan's actions have changed since you looked: check the new codes again"
                    .into(),
            ));
        }
        let now = now_text();
        let ctx = ChangeContext::edit(actor, &now, Some(plan_id));
        let mut changed = 0;
        for (row, code) in actions.iter().zip(pattern.codes(actions.len())) {
            let (id, old, version): (i64, Option<String>, i64) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            if old.as_deref() != Some(code.as_str()) {
                write::update_versioned(
                    conn,
                    ctx,
                    "actions",
                    id,
                    version,
                    &[("code", code.into())],
                )
                .await?;
                changed += 1;
            }
        }
        // Nothing to change writes nothing: not even the new revision an
        // approved plan would have opened for it.
        if changed > 0 {
            self.commit_write(tx).await?;
        }
        Ok(changed)
    }
}

/// The plan's actions in order, with their stored positions.
async fn positions(conn: &mut AnyConnection, plan_id: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    sqlx::query("SELECT id, position FROM actions WHERE plan_id = $1 ORDER BY position, id")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}
