//! The append-only history: every change to every record, with the whole
//! record before and after, written in the transaction that makes the change.

use crate::error::{Record, StoreError};
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Column, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Insert,
    Update,
    Delete,
}

impl Operation {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Operation::Insert => "insert",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// One row of the history, as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub account_id: Option<i64>,
    pub entity: String,
    pub entity_id: i64,
    pub plan_id: Option<i64>,
    pub operation: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Reads a whole record as a JSON object, column by column.
pub(crate) async fn record_json(
    conn: &mut AnyConnection,
    table: &'static str,
    id: i64,
) -> Result<Option<Value>, StoreError> {
    let row = sqlx::query(AssertSqlSafe(format!(
        "SELECT * FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|row| row_to_json(&row)))
}

pub(crate) fn row_to_json(row: &AnyRow) -> Value {
    let mut map = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map(Value::from)
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            v.map(Value::from)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            v.map(Value::from)
        } else {
            None
        };
        map.insert(column.name().to_string(), value.unwrap_or(Value::Null));
    }
    Value::Object(map)
}

/// Who makes a change: a signed-in account, or a process named for the
/// record (the CLI, the demo loader).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub account_id: Option<i64>,
    /// As the history shows it: "Jo Bloggs <jo@council.gov.uk>", "cli".
    pub name: String,
}

impl Actor {
    pub fn account(id: i64, name: &str, email: &str) -> Actor {
        Actor {
            account_id: Some(id),
            name: format!("{name} <{email}>"),
        }
    }

    /// A change made outside any account: the CLI, the demo loader.
    pub fn process(name: &str) -> Actor {
        Actor {
            account_id: None,
            name: name.to_string(),
        }
    }
}

/// Who made a change, and the plan it belongs to (for "as at" queries).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChangeContext<'a> {
    pub actor: &'a Actor,
    pub at: &'a str,
    pub plan_id: Option<i64>,
    pub origin: Origin,
}

impl<'a> ChangeContext<'a> {
    /// A change a person (or a named process) made in Goldthread, on a
    /// plan's record or on none.
    pub(crate) fn edit(actor: &'a Actor, at: &'a str, plan_id: Option<i64>) -> Self {
        ChangeContext {
            actor,
            at,
            plan_id,
            origin: Origin::Edit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Import,
    Edit,
}

pub(crate) async fn append(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    entity: &'static str,
    entity_id: i64,
    operation: Operation,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO history (at, actor, entity, entity_id, plan_id, operation, origin, before_json, after_json, account_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(ctx.at)
    .bind(ctx.actor.name.as_str())
    .bind(entity)
    .bind(entity_id)
    .bind(ctx.plan_id)
    .bind(operation.as_str())
    .bind(match ctx.origin {
        Origin::Import => "import",
        Origin::Edit => "edit",
    })
    .bind(before.map(Value::to_string))
    .bind(after.map(Value::to_string))
    .bind(ctx.actor.account_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How an origin is written in `history.origin`.
pub(crate) fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Import => "import",
        Origin::Edit => "edit",
    }
}

/// The history rows of many inserts of one table, in statements of a few
/// hundred rows.
pub(crate) async fn append_inserts(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    entity: &'static str,
    entries: &[(i64, Value)],
) -> Result<(), StoreError> {
    // 400 parameters a statement: see `write::insert_many`.
    const PER_STATEMENT: usize = 40;
    let origin = origin_name(ctx.origin);
    for chunk in entries.chunks(PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO history (at, actor, entity, entity_id, plan_id, operation, origin, before_json, after_json, account_id) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 10;
            sql.push_str(&format!(
                "{}(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                if i == 0 { "" } else { ", " },
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6,
                b + 7,
                b + 8,
                b + 9,
                b + 10
            ));
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, after) in chunk {
            query = query
                .bind(ctx.at)
                .bind(ctx.actor.name.as_str())
                .bind(entity)
                .bind(*id)
                .bind(ctx.plan_id)
                .bind(Operation::Insert.as_str())
                .bind(origin)
                .bind(None::<String>)
                .bind(Some(after.to_string()))
                .bind(ctx.actor.account_id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

pub(crate) fn entry_from_row(row: &AnyRow) -> Result<HistoryEntry, StoreError> {
    let id: i64 = row.try_get("id")?;
    let at = Record::new("history", id);
    let parse = |field, text: Option<String>| {
        at.read_optional(field, text.as_deref(), "a JSON record", |t| {
            serde_json::from_str(t).ok()
        })
    };
    Ok(HistoryEntry {
        id,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        account_id: row.try_get("account_id")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        plan_id: row.try_get("plan_id")?,
        operation: row.try_get("operation")?,
        before: parse("before_json", row.try_get("before_json")?)?,
        after: parse("after_json", row.try_get("after_json")?)?,
    })
}
