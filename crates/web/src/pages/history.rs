//! The audit trail: a record's history (with the rows that belong to it)
//! and the council-wide change log, filterable by account, kind of record
//! and date. Each change is shown as the fields it changed, before and
//! after.

use super::render;
use crate::AppState;
use crate::error::WebError;
use crate::extract::RecordId;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::NaiveDate;
use goldthread_storage::{ChangeFilter, HistoryEntry};
use serde::{Deserialize, Serialize};
use serde_json::Value;

const PAGE_SIZE: i64 = 100;

/// Fields that say nothing to a reader of the history.
const QUIET_FIELDS: [&str; 2] = ["version", "id"];

#[derive(Serialize)]
struct ChangeView {
    id: i64,
    at: String,
    actor: String,
    record: String,
    href: Option<String>,
    operation: &'static str,
    /// (field, before, after); for an insert, before is empty.
    fields: Vec<(String, String, String)>,
}

fn shown(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Turns a history row into what a reader wants: which record, and which
/// fields changed from what to what.
fn view(entry: &HistoryEntry) -> ChangeView {
    let empty = serde_json::Map::new();
    let before = entry
        .before
        .as_ref()
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let after = entry
        .after
        .as_ref()
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    let fields = names
        .into_iter()
        .filter(|name| !QUIET_FIELDS.contains(&name.as_str()))
        .filter_map(|name| {
            let (b, a) = (shown(before.get(name)), shown(after.get(name)));
            (b != a).then(|| (name.replace('_', " "), b, a))
        })
        .collect();
    let href = match entry.entity.as_str() {
        "actions" | "indicators" | "plans" => {
            Some(format!("/{}/{}", entry.entity, entry.entity_id))
        }
        _ => None,
    };
    ChangeView {
        id: entry.id,
        at: entry.at.get(..19).unwrap_or(&entry.at).replace('T', " "),
        actor: entry.actor.clone(),
        record: format!("{} {}", entry.entity.replace('_', " "), entry.entity_id),
        href,
        operation: match entry.operation.as_str() {
            "insert" => "Added",
            "update" => "Changed",
            "delete" => "Removed",
            _ => "Changed",
        },
        fields,
    }
}

#[derive(Serialize)]
struct ChangesPage {
    title: String,
    changes: Vec<ChangeView>,
    filter: ChangesQuery,
    accounts: Vec<(i64, String)>,
    entities: &'static [&'static str],
    next: Option<String>,
    back: Option<(String, String)>,
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct ChangesQuery {
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    entity: Option<String>,
    /// One record of that kind, by id.
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    before: Option<String>,
}

const ENTITIES: &[&str] = &[
    "plans",
    "nodes",
    "actions",
    "progress_updates",
    "due_revisions",
    "milestones",
    "indicators",
    "targets",
    "measurements",
    "risks",
    "accounts",
    "account_posts",
    "api_tokens",
    "table_mappings",
    "org_units",
    "posts",
    "action_links",
];

fn day(text: Option<&str>, field: &str) -> Result<Option<NaiveDate>, WebError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse::<NaiveDate>().map(Some).map_err(|_| {
            WebError::BadRequest(format!("Enter the {field} date in the form 2024-09-30"))
        }),
    }
}

pub async fn changes(
    State(state): State<AppState>,
    Query(q): Query<ChangesQuery>,
) -> Result<Html<String>, WebError> {
    let number = |text: &Option<String>| -> Result<Option<i64>, WebError> {
        match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => t
                .parse::<i64>()
                .map(Some)
                .map_err(|_| WebError::BadRequest(format!("'{t}' is not a number"))),
        }
    };
    let entity = q.entity.clone().filter(|e| !e.is_empty());
    if let Some(e) = &entity
        && !ENTITIES.contains(&e.as_str())
    {
        return Err(WebError::BadRequest(format!(
            "'{e}' is not a kind of record"
        )));
    }
    let filter = ChangeFilter {
        account_id: number(&q.account)?,
        entity,
        entity_id: number(&q.id)?,
        from: day(q.from.as_deref(), "from")?.map(|d| d.to_string()),
        // The whole of the `to` day.
        to: day(q.to.as_deref(), "to")?
            .and_then(|d| d.succ_opt())
            .map(|d| d.to_string()),
        before_id: number(&q.before)?,
        limit: PAGE_SIZE,
    };
    let entries = state.store.change_log(&filter).await?;
    let next = (entries.len() as i64 == PAGE_SIZE)
        .then(|| entries.last().map(|e| e.id))
        .flatten()
        .map(|last| {
            let mut next_query = q.clone();
            next_query.before = Some(last.to_string());
            format!(
                "/changes?{}",
                serde_urlencoded::to_string(&next_query).unwrap_or_default()
            )
        });
    let accounts = state
        .store
        .accounts()
        .await?
        .into_iter()
        .map(|a| (a.id, format!("{} <{}>", a.name, a.email)))
        .collect();
    render(
        &state,
        "changes.html",
        &ChangesPage {
            title: "Changes".into(),
            changes: entries.iter().map(view).collect(),
            filter: q,
            accounts,
            entities: ENTITIES,
            next,
            back: None,
        },
    )
}

async fn record_page(
    state: &AppState,
    entity: &'static str,
    id: i64,
    title: String,
    back: String,
) -> Result<Html<String>, WebError> {
    let entries = state.store.record_history(entity, id).await?;
    render(
        state,
        "changes.html",
        &ChangesPage {
            title: format!("History: {title}"),
            changes: entries.iter().map(view).collect(),
            filter: ChangesQuery::default(),
            accounts: Vec::new(),
            entities: &[],
            next: None,
            back: Some((back, title)),
        },
    )
}

pub async fn action(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Html<String>, WebError> {
    let a = state.store.action_detail(id).await?;
    let title = format!("{} {}", a.code.unwrap_or_default(), a.title)
        .trim()
        .to_string();
    record_page(&state, "actions", id, title, format!("/actions/{id}")).await
}

pub async fn indicator(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Html<String>, WebError> {
    let i = state.store.indicator_detail(id).await?;
    let title = format!("{} {}", i.code.unwrap_or_default(), i.title)
        .trim()
        .to_string();
    record_page(&state, "indicators", id, title, format!("/indicators/{id}")).await
}

pub async fn plan(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Html<String>, WebError> {
    let plan = state
        .store
        .list_plans()
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(WebError::NotFound)?;
    record_page(&state, "plans", id, plan.title, format!("/plans/{id}")).await
}

pub async fn risk(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Html<String>, WebError> {
    let risk = state
        .store
        .risk_register()
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(WebError::NotFound)?;
    record_page(&state, "risks", id, risk.title, "/risks".into()).await
}
