//! The council's posts (the job titles that lead actions and that accounts
//! hold): listing them, merging a near-duplicate into another and renaming
//! one. Every change goes through `write.rs` in one transaction, so the
//! history has each moved officer row, each touched action and the merged
//! post's last state, with the editor as actor.

use crate::error::StoreError;
use crate::history::{Actor, ChangeContext};
use crate::write::{self, Val};
use crate::{Store, now_text};
use sqlx::{AnyConnection, Row};

/// A post with how much rests on it.
#[derive(Debug, Clone, PartialEq)]
pub struct PostSummary {
    pub id: i64,
    pub title: String,
    /// Actions the post leads.
    pub actions: i64,
    /// Accounts holding the post.
    pub accounts: i64,
    /// The org unit it sits in, when placed.
    pub org_unit_id: Option<i64>,
}

impl Store {
    /// Every post, by title, with the actions it leads and the accounts
    /// holding it.
    pub async fn post_summaries(&self) -> Result<Vec<PostSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.id, p.title, \
               (SELECT COUNT(*) FROM action_officers ao WHERE ao.post_id = p.id), \
               (SELECT COUNT(*) FROM account_posts ap WHERE ap.post_id = p.id), \
               p.org_unit_id \
             FROM posts p ORDER BY p.title, p.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PostSummary {
                    id: r.try_get(0)?,
                    title: r.try_get(1)?,
                    actions: r.try_get(2)?,
                    accounts: r.try_get(3)?,
                    org_unit_id: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Merges post `id` into post `into`: the actions it leads and the
    /// accounts holding it move to `into` (one that already has `into`
    /// keeps its one row), each moved action's version moves so its
    /// history shows the change and open forms are told, and the post is
    /// deleted. Returns how many actions moved.
    pub async fn merge_post(&self, id: i64, into: i64, actor: &Actor) -> Result<i64, StoreError> {
        if id == into {
            return Err(StoreError::Invalid(
                "a post cannot be merged into itself: choose another post".into(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        post_title(conn, id).await?.ok_or(StoreError::NotFound {
            entity: "posts",
            id,
        })?;
        if post_title(conn, into).await?.is_none() {
            return Err(StoreError::Invalid(format!(
                "there is no post {into} to merge into: choose one from the list of posts"
            )));
        }
        let at = now_text();
        let officers = sqlx::query(
            "SELECT ao.id, ao.action_id, a.plan_id, a.version, \
               (SELECT COUNT(*) FROM action_officers o WHERE o.action_id = ao.action_id AND o.post_id = $2) \
             FROM action_officers ao JOIN actions a ON a.id = ao.action_id \
             WHERE ao.post_id = $1 ORDER BY ao.id",
        )
        .bind(id)
        .bind(into)
        .fetch_all(&mut *conn)
        .await?;
        let mut moved = 0;
        for row in &officers {
            let (officer, action, plan, version): (i64, i64, i64, i64) = (
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get(2)?,
                row.try_get(3)?,
            );
            let has_into = row.try_get::<i64, _>(4)? > 0;
            let ctx = ctx_for(actor, &at, Some(plan));
            if has_into {
                write::delete(conn, ctx, "action_officers", officer).await?;
            } else {
                write::update(
                    conn,
                    ctx,
                    "action_officers",
                    officer,
                    &[("post_id", into.into())],
                )
                .await?;
            }
            write::touch(conn, ctx, "actions", action, version).await?;
            moved += 1;
        }
        let ctx = ctx_for(actor, &at, None);
        let holders = sqlx::query(
            "SELECT ap.id, (SELECT COUNT(*) FROM account_posts o WHERE o.account_id = ap.account_id AND o.post_id = $2) \
             FROM account_posts ap WHERE ap.post_id = $1 ORDER BY ap.id",
        )
        .bind(id)
        .bind(into)
        .fetch_all(&mut *conn)
        .await?;
        for row in &holders {
            let link: i64 = row.try_get(0)?;
            let has_into = row.try_get::<i64, _>(1)? > 0;
            if has_into {
                write::delete(conn, ctx, "account_posts", link).await?;
            } else {
                write::update(
                    conn,
                    ctx,
                    "account_posts",
                    link,
                    &[("post_id", into.into())],
                )
                .await?;
            }
        }
        write::delete(conn, ctx, "posts", id).await?;
        self.commit_write(tx).await?;
        Ok(moved)
    }

    /// Renames a post. An empty title, or one another post has (compared
    /// as accounts' posts are, case and spacing aside), is refused.
    pub async fn rename_post(&self, id: i64, title: &str, actor: &Actor) -> Result<(), StoreError> {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            return Err(StoreError::Invalid("enter the post's new title".into()));
        }
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let current = post_title(conn, id).await?.ok_or(StoreError::NotFound {
            entity: "posts",
            id,
        })?;
        if current == title {
            return Ok(());
        }
        let key = goldthread_domain::post_key(&title);
        let others = sqlx::query("SELECT id, title FROM posts WHERE id <> $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
        for row in &others {
            let other: String = row.try_get(1)?;
            if goldthread_domain::post_key(&other) == key {
                return Err(StoreError::Invalid(format!(
                    "another post is already called \u{201c}{other}\u{201d}: merge this post into it instead"
                )));
            }
        }
        let at = now_text();
        write::update(
            conn,
            ctx_for(actor, &at, None),
            "posts",
            id,
            &[("title", Val::from(title.as_str()))],
        )
        .await?;
        self.commit_write(tx).await
    }
}

impl Store {
    /// Places a post in an org unit, or takes it out of any (`None`).
    pub async fn set_post_unit(
        &self,
        id: i64,
        unit: Option<i64>,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let current: Option<i64> = sqlx::query("SELECT org_unit_id FROM posts WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "posts",
                id,
            })?
            .try_get(0)?;
        if current == unit {
            return Ok(());
        }
        if let Some(unit) = unit {
            let known = sqlx::query("SELECT id FROM org_units WHERE id = $1")
                .bind(unit)
                .fetch_optional(&mut *conn)
                .await?;
            if known.is_none() {
                return Err(StoreError::Invalid(format!("there is no service {unit}")));
            }
        }
        let at = now_text();
        write::update(
            conn,
            ctx_for(actor, &at, None),
            "posts",
            id,
            &[("org_unit_id", unit.into())],
        )
        .await?;
        self.commit_write(tx).await
    }
}

fn ctx_for<'a>(actor: &'a Actor, at: &'a str, plan_id: Option<i64>) -> ChangeContext<'a> {
    ChangeContext::edit(actor, at, plan_id)
}

async fn post_title(conn: &mut AnyConnection, id: i64) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query("SELECT title FROM posts WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?)
}
