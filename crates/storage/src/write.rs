//! The one way records are written: each insert, versioned update and
//! delete goes through here, so each lands in the history in the same
//! transaction.

use crate::error::StoreError;
use crate::history::{self, ChangeContext, Operation};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

/// A column value, in the few types both backends store.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::Int(Some(v))
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Self {
        Val::Int(v)
    }
}
impl From<Option<f64>> for Val {
    fn from(v: Option<f64>) -> Self {
        Val::Real(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(Some(v.to_string()))
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(Some(v))
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Self {
        Val::Text(v)
    }
}
impl From<Option<&str>> for Val {
    fn from(v: Option<&str>) -> Self {
        Val::Text(v.map(str::to_string))
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Int(Some(i64::from(v)))
    }
}

/// Whether a column value is the one a record (as JSON) holds.
pub(crate) fn same_value(value: &Val, held: &serde_json::Value) -> bool {
    match value {
        Val::Int(None) | Val::Real(None) | Val::Text(None) => held.is_null(),
        Val::Int(Some(i)) => held.as_i64() == Some(*i) || held.as_f64() == Some(*i as f64),
        Val::Real(Some(f)) => held.as_f64() == Some(*f),
        Val::Text(Some(s)) => held.as_str() == Some(s.as_str()),
    }
}

/// The columns whose values differ from what the record (as JSON) holds:
/// what an edit writes, so an unchanged field is not in the history.
pub(crate) fn changed_columns(
    columns: impl IntoIterator<Item = (&'static str, Val)>,
    before: &serde_json::Value,
) -> Vec<(&'static str, Val)> {
    columns
        .into_iter()
        .filter(|(name, value)| {
            !same_value(value, before.get(*name).unwrap_or(&serde_json::Value::Null))
        })
        .collect()
}

type Query<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

fn bind_all<'q>(mut query: Query<'q>, values: impl IntoIterator<Item = &'q Val>) -> Query<'q> {
    for value in values {
        query = match value {
            Val::Int(v) => query.bind(*v),
            Val::Real(Some(v)) => query.bind(*v),
            // sqlx 0.9's Any driver turns a null f64 into a PostgreSQL
            // float4 null (and a null f32 into float8). The prepared
            // statement is cached with the first call's parameter types, so
            // a float4 null followed by a real value fails with "incorrect
            // binary data format". A null f32 comes out as the float8 the
            // columns are.
            Val::Real(None) => query.bind(None::<f32>),
            Val::Text(v) => query.bind(v.clone()),
        };
    }
    query
}

/// Inserts a row and records it in the history; returns its id. The
/// history's after-state is the row exactly as stored, defaults included:
/// `RETURNING *` hands it back from the insert itself, so there is no
/// second query to read it.
pub(crate) async fn insert(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    columns: &[(&'static str, Val)],
) -> Result<i64, StoreError> {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({}) RETURNING *",
        names.join(", "),
        placeholders.join(", ")
    );
    let row = bind_all(
        sqlx::query(AssertSqlSafe(sql)),
        columns.iter().map(|(_, v)| v),
    )
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    let after = history::row_to_json(&row);
    history::append(conn, ctx, table, id, Operation::Insert, None, Some(&after)).await?;
    Ok(id)
}

/// Inserts many rows of one table, each recorded in the history, in
/// statements of a few hundred rows: an import of a long table of values
/// costs a statement per chunk, not two per row. The ids come back in no
/// particular order (neither backend promises `RETURNING`'s order), so this
/// is for rows nothing else refers to by position.
pub(crate) async fn insert_many(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    names: &[&'static str],
    rows: &[Vec<Val>],
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    if conn.backend_name() == "SQLite" {
        return insert_many_sqlite(conn, ctx, table, names, rows).await;
    }
    // Well under SQLite's and PostgreSQL's limits on bound parameters,
    // and small enough that sqlx's per-parameter lookup of `$N` names in
    // SQLite (linear in the statement's parameters) stays cheap.
    const CHUNK_PARAMETERS: usize = 360;
    let per_chunk = (CHUNK_PARAMETERS / names.len().max(1)).max(1);
    for chunk in rows.chunks(per_chunk) {
        let mut sql = multi_row_insert(table, names, chunk)?;
        sql.push_str(" RETURNING *");
        let stored = bind_all(sqlx::query(AssertSqlSafe(sql)), chunk.iter().flatten())
            .fetch_all(&mut *conn)
            .await?;
        let mut entries = Vec::with_capacity(stored.len());
        for row in &stored {
            let id: i64 = row.try_get("id")?;
            entries.push((id, history::row_to_json(row)));
        }
        history::append_inserts(conn, ctx, table, &entries).await?;
    }
    Ok(())
}

/// [`insert_many`] on SQLite: rows are inserted without `RETURNING` (the
/// SQLite driver hands each returned row across a thread, which costs more
/// than the insert) and their history rows are written by one statement
/// that reads them back inside the database, their after-state built by
/// `json_object` over every column, as [`history::row_to_json`] would.
/// The write transaction holds SQLite's write lock (`BEGIN IMMEDIATE`), so
/// the rows above the highest id before are exactly this call's.
async fn insert_many_sqlite(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    names: &[&'static str],
    rows: &[Vec<Val>],
) -> Result<(), StoreError> {
    const CHUNK_PARAMETERS: usize = 360;
    let before: i64 = sqlx::query(AssertSqlSafe(format!(
        "SELECT COALESCE(MAX(id), 0) FROM {table}"
    )))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let per_chunk = (CHUNK_PARAMETERS / names.len().max(1)).max(1);
    for chunk in rows.chunks(per_chunk) {
        let sql = multi_row_insert(table, names, chunk)?;
        bind_all(sqlx::query(AssertSqlSafe(sql)), chunk.iter().flatten())
            .execute(&mut *conn)
            .await?;
    }
    let after = after_state_sql(conn, table).await?;
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO history (at, actor, entity, entity_id, plan_id, operation, origin, before_json, after_json, account_id) \
         SELECT $1, $2, $3, id, $4, $5, $6, NULL, json_object({after}), $8 FROM {table} WHERE id > $7 ORDER BY id"
    )))
    .bind(ctx.at)
    .bind(ctx.actor.name.as_str())
    .bind(table)
    .bind(ctx.plan_id)
    .bind(history::Operation::Insert.as_str())
    .bind(history::origin_name(ctx.origin))
    .bind(before)
    .bind(ctx.actor.account_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// `json_object('id', id, …)` over every column of a SQLite table: the
/// after-state [`history::row_to_json`] gives. The columns come from the
/// schema, which the binary's migrations fix, so each table's is read once.
async fn after_state_sql(
    conn: &mut AnyConnection,
    table: &'static str,
) -> Result<String, StoreError> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static KNOWN: OnceLock<Mutex<HashMap<&'static str, String>>> = OnceLock::new();
    let known = KNOWN.get_or_init(Mutex::default);
    if let Some(sql) = known.lock().ok().and_then(|k| k.get(table).cloned()) {
        return Ok(sql);
    }
    let columns: Vec<String> = sqlx::query(AssertSqlSafe(format!(
        "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
    )))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| row.try_get::<String, _>(0))
    .collect::<Result<_, _>>()?;
    let sql = columns
        .iter()
        .map(|c| format!("'{c}', {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    if let Ok(mut k) = known.lock() {
        k.insert(table, sql.clone());
    }
    Ok(sql)
}

/// `INSERT INTO table (names) VALUES ($1, …), (…)` for a chunk of rows.
fn multi_row_insert(
    table: &'static str,
    names: &[&'static str],
    chunk: &[Vec<Val>],
) -> Result<String, StoreError> {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
    let mut n = 0;
    for (r, row) in chunk.iter().enumerate() {
        if row.len() != names.len() {
            return Err(StoreError::Invalid(format!(
                "{table}: a row of {} values for {} columns",
                row.len(),
                names.len()
            )));
        }
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..row.len() {
            n += 1;
            sql.push_str(&format!("{}${n}", if c == 0 { "" } else { ", " }));
        }
        sql.push(')');
    }
    Ok(sql)
}

/// Updates a versioned row only if it is still at `expected_version`,
/// bumping the version. A stale version is a [`StoreError::Conflict`] that
/// says who changed the record and when.
pub(crate) async fn update_versioned(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    id: i64,
    expected_version: i64,
    columns: &[(&'static str, Val)],
) -> Result<(), StoreError> {
    let before = history::record_json(conn, table, id)
        .await?
        .ok_or(StoreError::NotFound { entity: table, id })?;
    update_versioned_from(conn, ctx, table, id, expected_version, &before, columns).await
}

/// [`update_versioned`] of a row the transaction has read already as
/// `before` (and that nothing in it has changed since): one read fewer
/// inside the write lock, which every other writer is waiting for.
pub(crate) async fn update_versioned_from(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    id: i64,
    expected_version: i64,
    before: &serde_json::Value,
    columns: &[(&'static str, Val)],
) -> Result<(), StoreError> {
    let current = before
        .get("version")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0);
    if current != expected_version {
        return Err(conflict(conn, table, id, expected_version, current, before).await?);
    }
    let mut sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("{name} = ${}", i + 1))
        .collect();
    sets.push("version = version + 1".to_string());
    let n = columns.len();
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = ${} AND version = ${}",
        sets.join(", "),
        n + 1,
        n + 2
    );
    let result = bind_all(
        sqlx::query(AssertSqlSafe(sql)),
        columns.iter().map(|(_, v)| v),
    )
    .bind(id)
    .bind(expected_version)
    .execute(&mut *conn)
    .await?;
    if result.rows_affected() == 0 {
        // Another transaction got in between our read and our write.
        let now = history::record_json(conn, table, id)
            .await?
            .unwrap_or_default();
        let current = now
            .get("version")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0);
        return Err(conflict(conn, table, id, expected_version, current, &now).await?);
    }
    let after = history::record_json(conn, table, id).await?;
    history::append(
        conn,
        ctx,
        table,
        id,
        Operation::Update,
        Some(before),
        after.as_ref(),
    )
    .await
}

/// Bumps a record's version without changing its fields, recording it: a
/// parent's version moves when a child (an update, a value) is added, so a
/// form opened before that is told the record changed.
pub(crate) async fn touch(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    id: i64,
    expected_version: i64,
) -> Result<(), StoreError> {
    update_versioned(conn, ctx, table, id, expected_version, &[]).await
}

pub(crate) async fn conflict(
    conn: &mut AnyConnection,
    table: &'static str,
    id: i64,
    expected: i64,
    current: i64,
    current_record: &serde_json::Value,
) -> Result<StoreError, StoreError> {
    let last = sqlx::query("SELECT actor, at FROM history WHERE entity = $1 AND entity_id = $2 ORDER BY id DESC LIMIT 1")
        .bind(table)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let (changed_by, changed_at) = match last {
        Some(row) => (row.try_get("actor")?, row.try_get("at")?),
        None => ("someone".to_string(), "an unknown time".to_string()),
    };
    Ok(StoreError::Conflict {
        entity: table,
        id,
        expected,
        current,
        changed_by,
        changed_at,
        current_json: Some(current_record.to_string()),
    })
}

/// Deletes a row, keeping its last state in the history.
pub(crate) async fn delete(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    id: i64,
) -> Result<(), StoreError> {
    let before = history::record_json(conn, table, id).await?;
    sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE id = $1")))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    history::append(
        conn,
        ctx,
        table,
        id,
        Operation::Delete,
        before.as_ref(),
        None,
    )
    .await
}

/// Updates a row of a table that keeps no version (a post's title),
/// recording its before and after states.
pub(crate) async fn update(
    conn: &mut AnyConnection,
    ctx: ChangeContext<'_>,
    table: &'static str,
    id: i64,
    columns: &[(&'static str, Val)],
) -> Result<(), StoreError> {
    let before = history::record_json(conn, table, id)
        .await?
        .ok_or(StoreError::NotFound { entity: table, id })?;
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, (name, _))| format!("{name} = ${}", i + 1))
        .collect();
    let sql = format!(
        "UPDATE {table} SET {} WHERE id = ${}",
        sets.join(", "),
        columns.len() + 1
    );
    bind_all(
        sqlx::query(AssertSqlSafe(sql)),
        columns.iter().map(|(_, v)| v),
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let after = history::record_json(conn, table, id).await?;
    history::append(
        conn,
        ctx,
        table,
        id,
        Operation::Update,
        Some(&before),
        after.as_ref(),
    )
    .await
}
