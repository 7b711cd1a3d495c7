//! Plan authoring, the plan itself: a new plan from an empty template, and
//! its details (title, kind, owning service, period) and narrative
//! sections changed by hand. Written through `write.rs` with
//! `origin = 'edit'`, as the rest of authoring is; an edit names the
//! version the person saw (a stale one is `Conflict`, nothing written) and
//! passes the planning cycle's gate.

use crate::error::{Record, StoreError};
use crate::history::{Actor, ChangeContext};
use crate::import::{ensure_named, ensure_organisation};
use crate::write::{self, Val};
use crate::{Store, now_text};
use goldthread_domain::{NarrativeSection, PlanKind, PlanPeriod, PlanStatus};
use sqlx::{AnyConnection, Row};

/// What a person sets of a plan besides its contents.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFields {
    pub title: String,
    pub kind: PlanKind,
    /// The owning service (an org unit, by name); a name not yet known
    /// becomes a unit.
    pub owner: Option<String>,
    pub period: Option<PlanPeriod>,
}

/// A plan as its edit form shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanForEdit {
    pub id: i64,
    pub version: i64,
    pub status: PlanStatus,
    pub fields: PlanFields,
    pub sections: Vec<NarrativeSection>,
}

impl Store {
    /// The organisation's units (services, directorates) by name, for the
    /// owner select box.
    pub async fn org_unit_names(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query("SELECT name FROM org_units ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?)
    }

    /// A new plan from an empty template: a draft (never approved), with
    /// no thread, actions or narrative yet; returns its id. Refused
    /// (`Invalid`) when a plan of that title and kind exists: the importer
    /// matches plans by title and kind, so two would be one.
    pub async fn create_plan(&self, fields: &PlanFields, actor: &Actor) -> Result<i64, StoreError> {
        check_plan(fields)?;
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        refuse_taken(conn, fields, None).await?;
        let at = now_text();
        let base = ChangeContext::edit(actor, &at, None);
        let organisation = ensure_organisation(conn, base).await?;
        let owner = owner_column(conn, base, organisation, fields).await?;
        let mut columns: Vec<(&'static str, Val)> = vec![
            ("organisation_id", organisation.into()),
            ("status", PlanStatus::Draft.as_str().into()),
            ("sections", "[]".into()),
            ("owner_unit_id", owner),
        ];
        columns.extend(plan_columns(fields));
        let id = write::insert(conn, base, "plans", &columns).await?;
        self.commit_write(tx).await?;
        Ok(id)
    }

    /// A plan's details and narrative, as stored.
    pub async fn plan_for_edit(&self, id: i64) -> Result<PlanForEdit, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(
            "SELECT p.version, p.status, p.title, p.kind, p.period_from, p.period_to, p.sections, u.name \
             FROM plans p LEFT JOIN org_units u ON u.id = p.owner_unit_id WHERE p.id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "plans",
            id,
        })?;
        let at = Record::new("plans", id);
        let status: String = row.try_get(1)?;
        let kind: String = row.try_get(3)?;
        let year = |field, text: Option<String>| {
            at.read_optional(field, text.as_deref(), "a financial year", |t| {
                t.parse().ok()
            })
        };
        let period = match (
            year("period_from", row.try_get(4)?)?,
            year("period_to", row.try_get(5)?)?,
        ) {
            (Some(from), Some(to)) => Some(PlanPeriod { from, to }),
            _ => None,
        };
        let sections: String = row.try_get(6)?;
        let sections: Vec<NarrativeSection> = serde_json::from_str(&sections)
            .map_err(|_| at.corrupt("sections", &sections, "narrative sections"))?;
        Ok(PlanForEdit {
            id,
            version: row.try_get(0)?,
            status: at.read("status", &status, "a plan status", PlanStatus::parse)?,
            fields: PlanFields {
                title: row.try_get(2)?,
                kind: at.read("kind", &kind, "a plan kind", PlanKind::parse)?,
                owner: row.try_get(7)?,
                period,
            },
            sections,
        })
    }

    /// A plan's narrative as known on a past day: the edits made after it
    /// undone, as the "as at" overlay undoes them for the thread (the
    /// state before the first such edit; none if the plan was created
    /// after). Imports are not undone, as the overlay leaves them.
    pub async fn plan_sections_known_at(
        &self,
        id: i64,
        day: chrono::NaiveDate,
    ) -> Result<Vec<NarrativeSection>, StoreError> {
        // History times are RFC 3339 text, which sorts as time.
        let next_day = day.succ_opt().unwrap_or(day).to_string();
        let first_later_edit = sqlx::query(
            "SELECT id, before_json FROM history WHERE entity = 'plans' AND entity_id = $1 \
             AND origin = 'edit' AND at >= $2 ORDER BY id LIMIT 1",
        )
        .bind(id)
        .bind(next_day)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = first_later_edit else {
            return Ok(self.plan_for_edit(id).await?.sections);
        };
        let entry: i64 = row.try_get(0)?;
        let Some(before) = row.try_get::<Option<String>, _>(1)? else {
            return Ok(Vec::new());
        };
        let unreadable = |what: &str| {
            StoreError::UnreadableRow(format!(
                "history {entry} of plan {id}: the narrative before it {what}"
            ))
        };
        let before: serde_json::Value =
            serde_json::from_str(&before).map_err(|_| unreadable("is not JSON"))?;
        match before.get("sections").and_then(serde_json::Value::as_str) {
            None => Ok(Vec::new()),
            Some(text) => serde_json::from_str(text).map_err(|_| unreadable("cannot be read")),
        }
    }

    /// Changes a plan the user saw at `expected_version`: its details and
    /// its narrative sections (stored whole, in the order given). Nothing
    /// changed writes nothing.
    pub async fn edit_plan(
        &self,
        id: i64,
        expected_version: i64,
        fields: &PlanFields,
        sections: &[NarrativeSection],
        actor: &Actor,
    ) -> Result<(), StoreError> {
        check_plan(fields)?;
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let before = crate::history::record_json(conn, "plans", id)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "plans",
                id,
            })?;
        let version = before
            .get("version")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| StoreError::UnreadableRow(format!("plans {id} has no version")))?;
        if version != expected_version {
            return Err(
                write::conflict(conn, "plans", id, expected_version, version, &before).await?,
            );
        }
        // The planning cycle's gate: an approved plan becomes a new
        // revision; a submitted or archived one is refused.
        crate::cycle::open_for_edit(conn, actor, id).await?;
        refuse_taken(conn, fields, Some(id)).await?;
        let at = now_text();
        let ctx = ChangeContext::edit(actor, &at, Some(id));
        let organisation = ensure_organisation(conn, ctx).await?;
        let mut columns = plan_columns(fields);
        columns.push((
            "owner_unit_id",
            owner_column(conn, ctx, organisation, fields).await?,
        ));
        let sections = serde_json::to_string(sections)
            .map_err(|e| StoreError::Invalid(format!("the sections cannot be stored: {e}")))?;
        columns.push(("sections", sections.into()));
        let changed = write::changed_columns(columns, &before);
        if changed.is_empty() {
            return Ok(());
        }
        write::update_versioned(conn, ctx, "plans", id, expected_version, &changed).await?;
        self.commit_write(tx).await
    }
}

fn plan_columns(fields: &PlanFields) -> Vec<(&'static str, Val)> {
    vec![
        ("title", fields.title.trim().into()),
        ("kind", fields.kind.as_str().into()),
        (
            "period_from",
            Val::Text(fields.period.map(|p| p.from.to_string())),
        ),
        (
            "period_to",
            Val::Text(fields.period.map(|p| p.to.to_string())),
        ),
    ]
}

async fn owner_column(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    organisation: i64,
    fields: &PlanFields,
) -> Result<Val, StoreError> {
    Ok(match fields.owner.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => Val::Int(Some(
            ensure_named(conn, ctx, "org_units", "name", organisation, name).await?,
        )),
        _ => Val::Int(None),
    })
}

/// Refuses an empty title and a period that ends before it starts.
fn check_plan(fields: &PlanFields) -> Result<(), StoreError> {
    if fields.title.trim().is_empty() {
        return Err(StoreError::Invalid("a plan needs a title".into()));
    }
    if let Some(p) = fields.period
        && p.to < p.from
    {
        return Err(StoreError::Invalid(format!(
            "the plan's last year ({}) is before its first ({})",
            p.to, p.from
        )));
    }
    Ok(())
}

/// Refuses a title and kind another plan has (`except` is the plan being
/// edited).
async fn refuse_taken(
    conn: &mut AnyConnection,
    fields: &PlanFields,
    except: Option<i64>,
) -> Result<(), StoreError> {
    let taken = sqlx::query("SELECT id FROM plans WHERE title = $1 AND kind = $2")
        .bind(fields.title.trim())
        .bind(fields.kind.as_str())
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get::<i64, _>(0))
        .collect::<Result<Vec<_>, _>>()?;
    if taken.iter().any(|id| Some(*id) != except) {
        return Err(StoreError::Taken(format!(
            "a {} called \"{}\" exists already: give this one another title",
            fields.kind.label().to_lowercase(),
            fields.title.trim()
        )));
    }
    Ok(())
}
