//! The council's organisation: its directorates, services and teams (org
//! units), which own plans, hold posts and are named in a planning round.
//! Imports and new plans create units by name; here an editor adds them,
//! corrects their names and codes, and says which sits in which. Written
//! through `write.rs` against each unit's version, so the history has it.

use crate::error::{Record, StoreError};
use crate::history::{Actor, ChangeContext};
use crate::import::ensure_organisation;
use crate::write::{self, Val};
use crate::{Store, now_text};
use goldthread_domain::UnitKind;
use sqlx::{AnyConnection, Row};

/// A unit as the organisation page lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSummary {
    pub id: i64,
    pub name: String,
    pub code: Option<String>,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub version: i64,
    /// Plans the unit owns.
    pub plans: i64,
    /// Posts placed in it.
    pub posts: i64,
}

/// What an editor sets of a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFields {
    pub name: String,
    /// The short code plans use for it (`HH`, `CSP`).
    pub code: Option<String>,
    pub kind: UnitKind,
    /// The unit it sits in.
    pub parent: Option<i64>,
}

/// The longest unit name or code kept.
pub const UNIT_NAME_LIMIT: usize = 200;
pub const UNIT_CODE_LIMIT: usize = 20;

impl Store {
    /// Every unit, by name, with what rests on it.
    pub async fn unit_summaries(&self) -> Result<Vec<UnitSummary>, StoreError> {
        sqlx::query(
            "SELECT u.id, u.name, u.code, u.kind, u.parent_id, u.version, \
               (SELECT COUNT(*) FROM plans p WHERE p.owner_unit_id = u.id), \
               (SELECT COUNT(*) FROM posts t WHERE t.org_unit_id = u.id) \
             FROM org_units u ORDER BY u.name, u.id",
        )
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            let id: i64 = r.try_get(0)?;
            let kind: String = r.try_get(3)?;
            Ok(UnitSummary {
                id,
                name: r.try_get(1)?,
                code: r.try_get(2)?,
                kind: Record::new("org_units", id).read(
                    "kind",
                    &kind,
                    "a kind of unit",
                    UnitKind::parse,
                )?,
                parent_id: r.try_get(4)?,
                version: r.try_get(5)?,
                plans: r.try_get(6)?,
                posts: r.try_get(7)?,
            })
        })
        .collect()
    }

    /// Adds a unit; returns its id.
    pub async fn add_unit(&self, fields: &UnitFields, actor: &Actor) -> Result<i64, StoreError> {
        let fields = tidy(fields)?;
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        check(conn, None, &fields).await?;
        let at = now_text();
        let ctx = ChangeContext::edit(actor, &at, None);
        let organisation = ensure_organisation(conn, ctx).await?;
        let mut columns = columns(&fields);
        columns.push(("organisation_id", organisation.into()));
        let id = write::insert(conn, ctx, "org_units", &columns).await?;
        self.commit_write(tx).await?;
        Ok(id)
    }

    /// Changes a unit the editor saw at `expected_version`. Nothing
    /// changed writes nothing.
    pub async fn edit_unit(
        &self,
        id: i64,
        expected_version: i64,
        fields: &UnitFields,
        actor: &Actor,
    ) -> Result<(), StoreError> {
        let fields = tidy(fields)?;
        let mut tx = self.begin_write().await?;
        let conn: &mut AnyConnection = &mut tx;
        let before = crate::history::record_json(conn, "org_units", id)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "org_units",
                id,
            })?;
        check(conn, Some(id), &fields).await?;
        let changed = write::changed_columns(columns(&fields), &before);
        if changed.is_empty() {
            return Ok(());
        }
        let at = now_text();
        let ctx = ChangeContext::edit(actor, &at, None);
        write::update_versioned_from(
            conn,
            ctx,
            "org_units",
            id,
            expected_version,
            &before,
            &changed,
        )
        .await?;
        self.commit_write(tx).await
    }
}

fn columns(fields: &UnitFields) -> Vec<(&'static str, Val)> {
    vec![
        ("name", fields.name.as_str().into()),
        ("code", fields.code.clone().into()),
        ("kind", fields.kind.as_str().into()),
        ("parent_id", fields.parent.into()),
    ]
}

/// The fields with spaces tidied, or what is wrong with them.
fn tidy(fields: &UnitFields) -> Result<UnitFields, StoreError> {
    let name = fields.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(StoreError::Invalid("enter the unit's name".into()));
    }
    if name.chars().count() > UNIT_NAME_LIMIT {
        return Err(StoreError::Invalid(format!(
            "a unit's name must be {UNIT_NAME_LIMIT} characters or fewer"
        )));
    }
    let code = fields
        .code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if code.is_some_and(|c| c.chars().count() > UNIT_CODE_LIMIT) {
        return Err(StoreError::Invalid(format!(
            "a unit's code must be {UNIT_CODE_LIMIT} characters or fewer"
        )));
    }
    Ok(UnitFields {
        name,
        code: code.map(str::to_string),
        kind: fields.kind,
        parent: fields.parent,
    })
}

/// Refuses a name another unit has (case aside) and a parent that is
/// missing, the unit itself or one beneath it.
async fn check(
    conn: &mut AnyConnection,
    id: Option<i64>,
    fields: &UnitFields,
) -> Result<(), StoreError> {
    let units = sqlx::query("SELECT id, name, parent_id FROM org_units")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<(i64, String, Option<i64>)>, StoreError>>()?;
    let key = fields.name.to_lowercase();
    if let Some((_, other, _)) = units
        .iter()
        .find(|(u, name, _)| Some(*u) != id && name.to_lowercase() == key)
    {
        return Err(StoreError::Taken(format!(
            "another unit is called \u{201c}{other}\u{201d} already"
        )));
    }
    let Some(parent) = fields.parent else {
        return Ok(());
    };
    if !units.iter().any(|(u, _, _)| *u == parent) {
        return Err(StoreError::Invalid(format!("there is no unit {parent}")));
    }
    // Walk up from the parent: meeting the unit itself is a loop. The walk
    // is bounded by the number of units, so a stored loop cannot hang it.
    let mut at = Some(parent);
    for _ in 0..=units.len() {
        let Some(current) = at else {
            return Ok(());
        };
        if Some(current) == id {
            return Err(StoreError::Invalid(
                "a unit cannot sit in itself or in a unit beneath it".into(),
            ));
        }
        at = units
            .iter()
            .find(|(u, _, _)| *u == current)
            .and_then(|(_, _, p)| *p);
    }
    Ok(())
}
