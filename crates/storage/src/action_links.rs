//! An action's links across the thread beyond its plan's own nodes: the
//! actions it follows on from (this plan's, or an earlier plan of the same
//! service: "follows on from KA.3 of last year's plan"), the other services
//! it affects, and the partnership agendas it serves. A row of
//! `action_links` each, written through `write.rs` so the history has them.

use crate::error::StoreError;
use crate::history::ChangeContext;
use crate::write;
use crate::{Store, import::delete_where};
use sqlx::{AnyConnection, Row};

/// The links an action has, as a form sets them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionLinks {
    /// Actions it follows on from, by id.
    pub follows: Vec<i64>,
    /// Other services (org units) it affects, by id.
    pub services: Vec<i64>,
    /// Partnership agendas it serves, in the template's words.
    pub agendas: Vec<String>,
}

/// An action named on another's page: id, code, title and its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedAction {
    pub id: i64,
    pub code: Option<String>,
    pub title: String,
    pub plan_id: i64,
    pub plan_title: String,
}

/// An action's links as its page shows them, both ways for "follows".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionLinksShown {
    pub follows: Vec<LinkedAction>,
    /// Actions that follow on from this one.
    pub followed_by: Vec<LinkedAction>,
    pub services: Vec<String>,
    pub agendas: Vec<String>,
}

/// The longest agenda name kept, as a template's list entry.
const AGENDA_LIMIT: usize = 200;
/// The most links of one kind an action holds.
const LINK_LIMIT: usize = 100;

impl Store {
    /// The actions named, for `plan_id`'s action to follow on from: a
    /// code is looked for in the plan itself, then in the service's plans
    /// that start no later, newest first (a plan rolled forward reuses its
    /// codes, and an action follows on from last year's), then in its
    /// later ones; `#123` is action 123, for one without a code. `None`
    /// for a name found nowhere.
    pub async fn find_actions(
        &self,
        plan_id: i64,
        names: &[String],
    ) -> Result<Vec<(String, Option<i64>)>, StoreError> {
        let mut found = Vec::with_capacity(names.len());
        for code in names {
            if let Some(id) = code.strip_prefix('#').and_then(|n| n.parse::<i64>().ok()) {
                let known = sqlx::query("SELECT id FROM actions WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?
                    .is_some();
                found.push((code.clone(), known.then_some(id)));
                continue;
            }
            let id: Option<i64> = sqlx::query(
                "SELECT a.id FROM actions a JOIN plans p ON p.id = a.plan_id \
                 JOIN plans this ON this.id = $1 \
                 WHERE a.code = $2 AND (p.id = this.id OR p.owner_unit_id = this.owner_unit_id \
                 OR (p.owner_unit_id IS NULL AND this.owner_unit_id IS NULL)) \
                 ORDER BY CASE WHEN p.id = this.id THEN 0 \
                 WHEN p.period_from <= this.period_from THEN 1 ELSE 2 END, \
                 p.period_from DESC, p.id DESC, a.position, a.id LIMIT 1",
            )
            .bind(plan_id)
            .bind(code)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
            found.push((code.clone(), id));
        }
        Ok(found)
    }

    /// An action's links with the names its page shows.
    pub async fn action_links_shown(&self, id: i64) -> Result<ActionLinksShown, StoreError> {
        let linked = |sql: &'static str| async move {
            sqlx::query(sql)
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(LinkedAction {
                        id: r.try_get(0)?,
                        code: r.try_get(1)?,
                        title: r.try_get(2)?,
                        plan_id: r.try_get(3)?,
                        plan_title: r.try_get(4)?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()
        };
        let follows = linked(
            "SELECT a.id, a.code, a.title, p.id, p.title FROM action_links l \
             JOIN actions a ON a.id = l.follows_id JOIN plans p ON p.id = a.plan_id \
             WHERE l.action_id = $1 ORDER BY l.id",
        )
        .await?;
        let followed_by = linked(
            "SELECT a.id, a.code, a.title, p.id, p.title FROM action_links l \
             JOIN actions a ON a.id = l.action_id JOIN plans p ON p.id = a.plan_id \
             WHERE l.follows_id = $1 ORDER BY p.id, a.position, a.id",
        )
        .await?;
        let services = sqlx::query(
            "SELECT u.name FROM action_links l JOIN org_units u ON u.id = l.org_unit_id \
             WHERE l.action_id = $1 ORDER BY u.name",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
        let agendas = sqlx::query(
            "SELECT agenda FROM action_links WHERE action_id = $1 AND agenda IS NOT NULL ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
        Ok(ActionLinksShown {
            follows,
            followed_by,
            services,
            agendas,
        })
    }
}

/// One stored link's target.
enum Link {
    Follows(i64),
    Service(i64),
    Agenda(String),
    /// A row naming no target, or more than one.
    Broken,
}

/// An action's stored links, each with its row's id, oldest first.
async fn stored_links(conn: &mut AnyConnection, id: i64) -> Result<Vec<(i64, Link)>, StoreError> {
    sqlx::query(
        "SELECT id, follows_id, org_unit_id, agenda FROM action_links WHERE action_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        let link = match (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?) {
            (Some(a), None, None) => Link::Follows(a),
            (None, Some(u), None) => Link::Service(u),
            (None, None, Some(g)) => Link::Agenda(g),
            _ => Link::Broken,
        };
        Ok((row.try_get(0)?, link))
    })
    .collect()
}

/// The links stored for an action.
pub(crate) async fn links_of(conn: &mut AnyConnection, id: i64) -> Result<ActionLinks, StoreError> {
    let mut links = ActionLinks::default();
    for (_, link) in stored_links(conn, id).await? {
        match link {
            Link::Follows(a) => links.follows.push(a),
            Link::Service(u) => links.services.push(u),
            Link::Agenda(g) => links.agendas.push(g),
            Link::Broken => {
                return Err(StoreError::UnreadableRow(format!(
                    "a link of action {id} names no target, or more than one"
                )));
            }
        }
    }
    Ok(links)
}

/// Refuses links no action may have: itself, an action or service that
/// does not exist, an empty or overlong agenda, too many of a kind.
pub(crate) async fn check_links(
    conn: &mut AnyConnection,
    id: Option<i64>,
    links: &ActionLinks,
) -> Result<(), StoreError> {
    if links.follows.len() > LINK_LIMIT
        || links.services.len() > LINK_LIMIT
        || links.agendas.len() > LINK_LIMIT
    {
        return Err(StoreError::Invalid(format!(
            "an action links to at most {LINK_LIMIT} actions, services or agendas of each kind"
        )));
    }
    if id.is_some_and(|id| links.follows.contains(&id)) {
        return Err(StoreError::Invalid(
            "an action cannot follow on from itself".into(),
        ));
    }
    for (table, ids, what) in [
        ("actions", &links.follows, "action"),
        ("org_units", &links.services, "service"),
    ] {
        if ids.is_empty() {
            continue;
        }
        // One query for all of them: this runs inside the write lock.
        let places: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id FROM {table} WHERE id IN ({})", places.join(", "));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            query = query.bind(*id);
        }
        let known: Vec<i64> = query
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        if let Some(missing) = ids.iter().find(|id| !known.contains(id)) {
            return Err(StoreError::Invalid(format!("there is no {what} {missing}")));
        }
    }
    if let Some(bad) = links
        .agendas
        .iter()
        .find(|a| a.trim().is_empty() || a.chars().count() > AGENDA_LIMIT)
    {
        return Err(StoreError::Invalid(format!(
            "a partnership agenda must be 1 to {AGENDA_LIMIT} characters, not {} characters",
            bad.chars().count()
        )));
    }
    Ok(())
}

/// Makes an action's links exactly `wanted`: a link wanted and held is
/// kept, one no longer wanted removed, a new one added. Whether it
/// changed anything.
pub(crate) async fn sync_links(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    id: i64,
    wanted: &ActionLinks,
) -> Result<bool, StoreError> {
    let mut held = ActionLinks::default();
    let mut changed = false;
    for (link, target) in stored_links(conn, id).await? {
        let keep = match target {
            Link::Follows(a) => keep_once(&wanted.follows, &mut held.follows, a),
            Link::Service(u) => keep_once(&wanted.services, &mut held.services, u),
            Link::Agenda(g) => keep_once(&wanted.agendas, &mut held.agendas, g),
            Link::Broken => false,
        };
        if !keep {
            write::delete(conn, ctx, "action_links", link).await?;
            changed = true;
        }
    }
    for &action in &wanted.follows {
        if !held.follows.contains(&action) {
            insert(conn, ctx, id, ("follows_id", action.into())).await?;
            held.follows.push(action);
            changed = true;
        }
    }
    for &unit in &wanted.services {
        if !held.services.contains(&unit) {
            insert(conn, ctx, id, ("org_unit_id", unit.into())).await?;
            held.services.push(unit);
            changed = true;
        }
    }
    for agenda in &wanted.agendas {
        if !held.agendas.contains(agenda) {
            insert(conn, ctx, id, ("agenda", agenda.as_str().into())).await?;
            held.agendas.push(agenda.clone());
            changed = true;
        }
    }
    Ok(changed)
}

/// Whether a held link is wanted and not held already (a second copy is
/// removed); records it as held.
fn keep_once<T: PartialEq>(wanted: &[T], held: &mut Vec<T>, link: T) -> bool {
    if wanted.contains(&link) && !held.contains(&link) {
        held.push(link);
        true
    } else {
        false
    }
}

async fn insert(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    id: i64,
    target: (&'static str, write::Val),
) -> Result<(), StoreError> {
    write::insert(
        conn,
        ctx,
        "action_links",
        &[("action_id", id.into()), target],
    )
    .await?;
    Ok(())
}

/// Removes every link from or to an action that is going (each row's last
/// state stays in the history), so no link names a removed action.
pub(crate) async fn remove_all(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    id: i64,
) -> Result<(), StoreError> {
    delete_where(conn, ctx, "action_links", "action_id", id).await?;
    delete_where(conn, ctx, "action_links", "follows_id", id).await
}

/// Each of a plan's actions' links as a person names them ("follows KA.3
/// Open the hub", "service Environmental Health", "agenda Health and
/// Wellbeing Board"), sorted, in plan order: what an approved revision
/// keeps of its links, and what comparing two revisions compares.
pub(crate) async fn link_names(
    conn: &mut AnyConnection,
    plan_id: i64,
) -> Result<Vec<Vec<String>>, StoreError> {
    let actions: Vec<i64> =
        sqlx::query("SELECT id FROM actions WHERE plan_id = $1 ORDER BY position, id")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
    let rows = sqlx::query(
        "SELECT l.action_id, f.code, f.title, u.name, l.agenda FROM action_links l \
         JOIN actions a ON a.id = l.action_id \
         LEFT JOIN actions f ON f.id = l.follows_id \
         LEFT JOIN org_units u ON u.id = l.org_unit_id \
         WHERE a.plan_id = $1",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    let place: std::collections::HashMap<i64, usize> = actions
        .iter()
        .enumerate()
        .map(|(at, id)| (*id, at))
        .collect();
    let mut names = vec![Vec::new(); actions.len()];
    for row in &rows {
        let action: i64 = row.try_get(0)?;
        let Some(&at) = place.get(&action) else {
            continue;
        };
        let code: Option<String> = row.try_get(1)?;
        let title: Option<String> = row.try_get(2)?;
        let unit: Option<String> = row.try_get(3)?;
        let agenda: Option<String> = row.try_get(4)?;
        let name = match (title, unit, agenda) {
            (Some(title), _, _) => match code {
                Some(code) => format!("follows {code} {title}"),
                None => format!("follows {title}"),
            },
            (None, Some(unit), _) => format!("service {unit}"),
            (None, None, Some(agenda)) => format!("agenda {agenda}"),
            _ => continue,
        };
        names[at].push(name);
    }
    for list in &mut names {
        list.sort();
    }
    Ok(names)
}
