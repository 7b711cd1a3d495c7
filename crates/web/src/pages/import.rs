//! Import through the browser: upload, preview (plans, counts, actions,
//! findings, and what each data table's columns were read as), then
//! confirm or cancel. Nothing is stored until confirmed.
//!
//! When the reader guessed a column wrongly, the user chooses its role (and
//! period) in the preview and updates it: the upload is read again with the
//! user's choices, which are kept with the pending upload. Confirming
//! stores that reading and remembers the choices per table layout, so the
//! next file of the same layout is read the same way. Remembered layouts
//! are used for every upload; the user's choices win over them.

use super::render;
use crate::AppState;
use crate::auth::Me;
use crate::error::WebError;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use goldthread_domain::{PlanChange, PlanDiff, PlanDocument};
use goldthread_import::tables::mapping::{ColumnMapping, TableMapping, layout_key};
use goldthread_import::tables::period::PeriodRef;
use goldthread_import::tables::roles::ColumnRole;
use goldthread_import::{Mapping, ReadDocument, ReadOptions, TableLayout};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;

/// Uploads awaiting a decision, by unguessable token, kept in the
/// database (`Store::put_pending_import`): bounded per account and in all,
/// they survive a restart, reach any server, and expire after an hour.
#[derive(Default)]
pub struct PendingImports {
    limits: goldthread_storage::PendingLimits,
}

struct Pending {
    file_name: String,
    bytes: Vec<u8>,
    /// Who uploaded it: only they can confirm it.
    account_id: i64,
    actor: goldthread_storage::Actor,
    /// The column roles the user chose so far (the tables they changed).
    mapping: Option<Mapping>,
}

pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Refuses an upload whose declared size is over the limit, with the app's
/// page. The body is read and dropped first (up to four times the limit,
/// within a minute, never kept): a client still sending when the answer
/// came would see a broken connection instead of the reason.
pub async fn refuse_oversized(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::body::HttpBody;
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let Some(declared) = declared.filter(|n| *n > MAX_UPLOAD_BYTES) else {
        return next.run(request).await;
    };
    let mut body = request.into_body();
    let drain = async {
        let mut drained = 0usize;
        while let Some(Ok(frame)) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await
        {
            drained += frame.data_ref().map_or(0, |d| d.len());
            if drained > 4 * MAX_UPLOAD_BYTES {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(std::time::Duration::from_secs(60), drain).await;
    WebError::TooLarge(format!(
        "The file is {} MB; Goldthread takes files of up to {} MB. Split the plan, or save it without embedded images, and upload it again.",
        declared / (1024 * 1024),
        MAX_UPLOAD_BYTES / (1024 * 1024)
    ))
    .into_response()
}

impl PendingImports {
    /// Keeps the upload; its token (a new one each time) goes in the page.
    async fn put(
        &self,
        store: &goldthread_storage::Store,
        pending: Pending,
    ) -> Result<String, WebError> {
        let token = crate::auth::random_token()?;
        let mapping = match &pending.mapping {
            Some(m) => Some(
                serde_json::to_string(m)
                    .map_err(|e| WebError::Internal(format!("cannot keep the mapping: {e}")))?,
            ),
            None => None,
        };
        let upload = goldthread_storage::PendingUpload {
            account_id: pending.account_id,
            file_name: pending.file_name,
            content: pending.bytes,
            mapping,
        };
        match store
            .put_pending_import(&crate::auth::token_hash(&token), &upload, self.limits)
            .await
        {
            Ok(()) => Ok(token),
            Err(goldthread_storage::StoreError::Invalid(why)) => {
                Err(WebError::TooManyAttempts(why))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The upload behind `token`, if `account_id` made it (another
    /// account's token is as good as none); `take` removes it.
    async fn get_for(
        &self,
        store: &goldthread_storage::Store,
        token: &str,
        account_id: i64,
        take: bool,
    ) -> Result<Option<Pending>, WebError> {
        let Some(upload) = store
            .pending_import(
                &crate::auth::token_hash(token),
                account_id,
                take,
                self.limits,
            )
            .await?
        else {
            return Ok(None);
        };
        let account = store.account(account_id).await?;
        let mapping =
            match upload.mapping {
                Some(json) => Some(serde_json::from_str(&json).map_err(|e| {
                    WebError::Internal(format!("a kept mapping cannot be read: {e}"))
                })?),
                None => None,
            };
        Ok(Some(Pending {
            file_name: upload.file_name,
            bytes: upload.content,
            account_id,
            actor: account.actor(),
            mapping,
        }))
    }
}

#[derive(Serialize, Default)]
struct FormPage {
    title: &'static str,
    errors: crate::forms::FormErrors,
}

pub async fn form(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    render(
        &state,
        "import.html",
        &FormPage {
            title: "Import a plan",
            ..FormPage::default()
        },
    )
}

#[derive(Serialize)]
struct ActionPreview {
    code: Option<String>,
    title: String,
    lead_officers: String,
    due: Option<String>,
    status: Option<&'static str>,
    milestones: usize,
    line: Option<u32>,
}

#[derive(Serialize)]
struct PreviewPage {
    title: String,
    file_name: String,
    token: String,
    format: &'static str,
    errors: crate::forms::FormErrors,
    plans: Vec<(String, &'static str, Option<String>)>,
    /// Per plan: what storing it would do to the stored plans.
    differences: Vec<DiffView>,
    /// Whether confirming replaces stored plans (the extra confirmation).
    needs_replace: bool,
    counts: Vec<(&'static str, usize)>,
    /// One page of the actions found (a large plan's preview is paged).
    actions: Vec<ActionPreview>,
    actions_total: usize,
    page: usize,
    pages: usize,
    findings: Vec<(&'static str, &'static str, String, Option<String>)>,
    /// The data tables read, each column with its role, for the user to
    /// correct.
    tables: Vec<TableView>,
    /// Every role a column can have: (name, label).
    roles: Vec<(&'static str, &'static str)>,
}

#[derive(Serialize)]
struct TableView {
    legend: String,
    columns: Vec<ColumnView>,
}

#[derive(Serialize)]
struct ColumnView {
    /// The form fields' prefix: `t{table}c{column}`.
    id: String,
    heading: String,
    role: String,
    /// Whether the role takes a period (values, targets, statuses).
    has_period: bool,
    period: String,
    confidence: &'static str,
    why: String,
}

/// What a role means, for the select box.
fn role_label(name: &str) -> &'static str {
    match name {
        "code" => "Code: the indicator's reference",
        "title" => "Title: the indicator's name",
        "service" => "Service, directorate or team",
        "unit" => "Unit of measure",
        "polarity" => "Polarity: whether higher is better",
        "frequency" => "Frequency of collection",
        "lead" => "Lead officer",
        "period" => "Period the row's figures are for",
        "area" => "Area (council) the row is for",
        "area_code" => "Area code",
        "value" => "Value: figures for a period",
        "target" => "Target for a period",
        "status" => "Status: the red, amber or green reported",
        "direction" => "Direction of travel",
        "commentary" => "Commentary",
        "baseline" => "Baseline",
        "due" => "Due date",
        "ignore" => "Ignore this column",
        _ => "Other",
    }
}

fn takes_period(role: &str) -> bool {
    matches!(role, "value" | "target" | "status")
}

/// The submitted form, field by field.
type Fields = HashMap<String, String>;

fn table_views(tables: &[TableLayout], submitted: Option<&Fields>) -> Vec<TableView> {
    tables
        .iter()
        .enumerate()
        .map(|(t, layout)| TableView {
            legend: format!(
                "Table {}{}, line {}: {} row(s), {} indicator(s) read{}",
                t + 1,
                layout
                    .sheet
                    .as_deref()
                    .map_or(String::new(), |s| format!(" on sheet {s}")),
                layout.line,
                layout.rows,
                layout.indicators,
                if layout.kind == goldthread_import::tables::TableKind::NotRead {
                    " (not read: no column names the rows, or none holds figures)"
                } else {
                    ""
                }
            ),
            columns: layout
                .columns
                .iter()
                .enumerate()
                .map(|(c, column)| {
                    let id = format!("t{t}c{c}");
                    let typed = |suffix: &str| {
                        submitted.and_then(|f| f.get(&format!("{id}{suffix}")).cloned())
                    };
                    let role = typed("role").unwrap_or_else(|| column.role.to_string());
                    let period = typed("period")
                        .or_else(|| column.period.clone())
                        .unwrap_or_default();
                    ColumnView {
                        has_period: takes_period(&role),
                        id,
                        heading: column.heading.clone(),
                        role,
                        period,
                        confidence: column.confidence.as_str(),
                        why: column.why.clone(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The user's column roles: what they chose before, with every table
/// whose columns they changed in this form (as the form gives them).
/// Columns left as shown keep what the reading mapping said (so a
/// remembered "current" stays "current" rather than this file's quarter).
fn user_mapping(
    previous: Option<&Mapping>,
    used: Option<&Mapping>,
    tables: &[TableLayout],
    fields: &Fields,
    errors: &mut crate::forms::FormErrors,
) -> Option<Mapping> {
    let mut mapping = previous.cloned();
    for (t, layout) in tables.iter().enumerate() {
        let key = layout_key(&layout.headings);
        let known = used.and_then(|m| m.tables.iter().find(|x| layout_key(&x.headings) == key));
        let mut changed = false;
        let mut valid = true;
        let mut columns = Vec::new();
        for (c, column) in layout.columns.iter().enumerate() {
            let id = format!("t{t}c{c}");
            let role = fields
                .get(&format!("{id}role"))
                .map_or(column.role, String::as_str)
                .trim();
            if !ColumnRole::NAMES.contains(&role) {
                errors.add(
                    format!("{id}role"),
                    format!("Choose what column '{}' holds", column.heading),
                );
                valid = false;
                continue;
            }
            let period = if takes_period(role) {
                match fields.get(&format!("{id}period")) {
                    Some(text) => Some(text.trim().to_string()).filter(|t| !t.is_empty()),
                    None if role == column.role => column.period.clone(),
                    None => None,
                }
            } else {
                None
            };
            if let Some(p) = &period
                && PeriodRef::parse_mapping(p).is_none()
            {
                errors.add(
                    format!("{id}period"),
                    format!(
                        "Enter the period column '{}' is for, like 2024/25 Q1, 2024/25, 2024-09, current or previous",
                        column.heading
                    ),
                );
                valid = false;
                continue;
            }
            let same = role == column.role && period == column.period;
            changed |= !same;
            let kept = known
                .and_then(|k| k.columns.get(c))
                .filter(|k| same && k.role.trim().eq_ignore_ascii_case(role));
            columns.push(match kept {
                Some(k) => k.clone(),
                None => ColumnMapping {
                    heading: column.heading.clone(),
                    role: role.to_string(),
                    period,
                },
            });
        }
        if changed && valid {
            let mapping = mapping.get_or_insert_with(crate::mappings::empty);
            mapping.tables.retain(|x| layout_key(&x.headings) != key);
            mapping.tables.push(TableMapping {
                headings: layout.headings.clone(),
                columns,
            });
        }
    }
    mapping
}

/// Reads an upload with the user's roles and the remembered ones.
async fn read_upload(
    state: &AppState,
    file_name: &str,
    bytes: &[u8],
    user: Option<&Mapping>,
) -> Result<(ReadDocument, Option<Mapping>), WebError> {
    let remembered = crate::mappings::remembered(&state.store).await?;
    let mapping = crate::mappings::combine(user, &remembered);
    let options = ReadOptions {
        mapping: mapping.clone(),
        area: None,
        ..ReadOptions::default()
    };
    let read = state
        .readers
        .read(file_name.to_string(), Arc::from(bytes), options)
        .await?
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok((read, mapping))
}

#[derive(Serialize)]
struct DiffView {
    title: String,
    kind: &'static str,
    status: &'static str,
    plan_id: Option<i64>,
    plan_fields: String,
    added: Vec<String>,
    removed: Vec<String>,
    /// (item, fields changed)
    changed: Vec<(String, String)>,
    kept: Vec<String>,
}

fn diff_view(d: &PlanDiff) -> DiffView {
    DiffView {
        title: d.title.clone(),
        kind: d.kind.label(),
        status: match d.status {
            PlanChange::New => "New plan",
            PlanChange::Unchanged => "Unchanged",
            PlanChange::Changed => "Would change",
        },
        plan_id: d.plan_id,
        plan_fields: d.plan_fields.join(", "),
        added: d.added.iter().map(|i| i.to_string()).collect(),
        removed: d.removed.iter().map(|i| i.to_string()).collect(),
        changed: d
            .changed
            .iter()
            .map(|c| (c.item.to_string(), c.fields.join(", ")))
            .collect(),
        kept: d.unmatched.iter().map(|i| i.to_string()).collect(),
    }
}

fn counts(doc: &PlanDocument) -> Vec<(&'static str, usize)> {
    let c = doc.counts();
    vec![
        ("Priorities", c.priorities),
        ("Outcomes", c.outcomes),
        ("Objectives", c.objectives),
        ("Actions", c.actions),
        ("Milestones", c.milestones),
        ("Indicators", c.indicators),
        ("Targets", c.targets),
        (
            "Values",
            doc.plans
                .iter()
                .flat_map(|p| &p.indicators)
                .map(|i| i.measurements.len())
                .sum(),
        ),
        ("Progress updates", c.updates),
        ("Risks", c.risks),
    ]
}

pub async fn upload(
    State(state): State<AppState>,
    Me(me): Me,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(format!("The upload was interrupted: {e}")))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError::BadRequest(format!("The upload was interrupted: {e}")))?;
            if !bytes.is_empty() {
                file = Some((name, bytes.to_vec()));
            }
        }
    }
    let mut errors = crate::forms::FormErrors::default();
    if file.is_none() {
        errors.add("file", "Select a plan document to import");
    }
    let Some((file_name, bytes)) = file.filter(|_| errors.is_empty()) else {
        let page = FormPage {
            title: "Import a plan",
            errors,
        };
        return Ok((
            axum::http::StatusCode::BAD_REQUEST,
            render(&state, "import.html", &page)?,
        )
            .into_response());
    };
    let remembered = crate::mappings::remembered(&state.store).await?;
    let options = ReadOptions {
        mapping: crate::mappings::combine(None, &remembered),
        area: None,
        ..ReadOptions::default()
    };
    let read = state
        .readers
        .read(file_name.clone(), Arc::from(bytes.as_slice()), options)
        .await?;
    let read = match read {
        Ok(read) => read,
        Err(e) => {
            let mut errors = crate::forms::FormErrors::default();
            errors.add("file", e.to_string());
            let page = FormPage {
                title: "Import a plan",
                errors,
            };
            return Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                render(&state, "import.html", &page)?,
            )
                .into_response());
        }
    };
    let diffs = state.store.diff_document(&read.document).await?;
    let token = state
        .pending_imports
        .put(
            &state.store,
            Pending {
                file_name: file_name.clone(),
                bytes,
                account_id: me.account_id,
                actor: me.actor(),
                mapping: None,
            },
        )
        .await?;
    let page = preview_page(
        file_name,
        &read,
        &diffs,
        token,
        crate::forms::FormErrors::default(),
        None,
    );
    Ok(render(&state, "import_preview.html", &page)?.into_response())
}

/// Actions shown on one page of a preview.
const PREVIEW_PAGE_SIZE: usize = 200;

impl PreviewPage {
    /// Keeps page `page` (from 1) of the actions.
    fn paginate(mut self, page: usize) -> PreviewPage {
        self.actions_total = self.actions.len();
        self.pages = self.actions_total.div_ceil(PREVIEW_PAGE_SIZE).max(1);
        self.page = page.clamp(1, self.pages);
        let start = (self.page - 1) * PREVIEW_PAGE_SIZE;
        self.actions = self
            .actions
            .into_iter()
            .skip(start)
            .take(PREVIEW_PAGE_SIZE)
            .collect();
        self
    }
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    page: Option<usize>,
}

/// Another page of a waiting upload's preview.
pub async fn preview(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Me(me): Me,
    Query(q): Query<PreviewQuery>,
) -> Result<Response, WebError> {
    let Some(pending) = state
        .pending_imports
        .get_for(&state.store, &token, me.account_id, false)
        .await?
    else {
        return Err(WebError::NotFound);
    };
    let (read, _) = read_upload(
        &state,
        &pending.file_name,
        &pending.bytes,
        pending.mapping.as_ref(),
    )
    .await?;
    let diffs = state.store.diff_document(&read.document).await?;
    let page = all_of_preview(
        pending.file_name,
        &read,
        &diffs,
        token,
        crate::forms::FormErrors::default(),
        None,
    )
    .paginate(q.page.unwrap_or(1));
    Ok(render(&state, "import_preview.html", &page)?.into_response())
}

/// Keeps the upload again (under a new token) and shows its preview: 200
/// when the user asked for it, 400 when there are errors to correct.
async fn show_again(
    state: &AppState,
    pending: Pending,
    read: &ReadDocument,
    diffs: &[PlanDiff],
    errors: crate::forms::FormErrors,
    submitted: Option<&Fields>,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::BAD_REQUEST
    };
    let file_name = pending.file_name.clone();
    let token = state.pending_imports.put(&state.store, pending).await?;
    let page = preview_page(file_name, read, diffs, token, errors, submitted);
    Ok((status, render(state, "import_preview.html", &page)?).into_response())
}

/// The first page of a preview.
fn preview_page(
    file_name: String,
    read: &ReadDocument,
    diffs: &[PlanDiff],
    token: String,
    errors: crate::forms::FormErrors,
    submitted: Option<&Fields>,
) -> PreviewPage {
    all_of_preview(file_name, read, diffs, token, errors, submitted).paginate(1)
}

fn all_of_preview(
    file_name: String,
    read: &ReadDocument,
    diffs: &[PlanDiff],
    token: String,
    errors: crate::forms::FormErrors,
    submitted: Option<&Fields>,
) -> PreviewPage {
    let doc = &read.document;
    PreviewPage {
        tables: table_views(&read.tables, submitted),
        roles: ColumnRole::NAMES
            .iter()
            .map(|&name| (name, role_label(name)))
            .collect(),
        title: format!("Check the import of {file_name}"),
        errors,
        differences: diffs.iter().map(diff_view).collect(),
        needs_replace: diffs.iter().any(|d| d.status == PlanChange::Changed),
        plans: doc
            .plans
            .iter()
            .map(|p| {
                (
                    p.title.clone(),
                    p.kind.label(),
                    p.period.map(|p| p.to_string()),
                )
            })
            .collect(),
        counts: counts(doc),
        actions: doc
            .plans
            .iter()
            .flat_map(|p| &p.actions)
            .map(|a| ActionPreview {
                code: a.code.clone(),
                title: a.title.clone(),
                lead_officers: a
                    .lead_officers
                    .iter()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
                due: a.due.as_ref().map(|d| d.text.clone()),
                status: a
                    .updates
                    .iter()
                    .max_by_key(|u| u.as_at)
                    .map(|u| u.status.label()),
                milestones: a.milestones.len(),
                line: a.provenance.as_ref().and_then(|p| p.line),
            })
            .collect(),
        actions_total: 0,
        page: 1,
        pages: 1,
        findings: doc
            .findings
            .iter()
            .map(|f| {
                (
                    f.severity.as_str(),
                    f.kind.as_str(),
                    f.message.clone(),
                    f.provenance.as_ref().map(|p| p.to_string()),
                )
            })
            .collect(),
        format: read.format.as_str(),
        token,
        file_name,
    }
}

#[derive(Serialize)]
struct DonePage {
    title: String,
    status: &'static str,
    message: String,
    plan_ids: Vec<i64>,
}

/// The preview form's answer: `decision` (update, confirm or cancel),
/// `replace` ("yes" when the extra confirmation is ticked), and each data
/// table column's `t{table}c{column}role` and `…period`.
pub async fn decide(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Me(me): Me,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let fields: Fields = fields.into_iter().collect();
    let Some(pending) = state
        .pending_imports
        .get_for(&state.store, &token, me.account_id, true)
        .await?
    else {
        return Err(WebError::BadRequest("This import has already been confirmed or cancelled, or it expired. Upload the file again.".into()));
    };
    let decision = fields.get("decision").map_or("", String::as_str);
    if decision != "confirm" && decision != "update" {
        return Ok(Redirect::to("/import").into_response());
    }
    // The reading the user saw, then their corrections to it.
    let (shown, used) = read_upload(
        &state,
        &pending.file_name,
        &pending.bytes,
        pending.mapping.as_ref(),
    )
    .await?;
    let mut errors = crate::forms::FormErrors::default();
    let user = user_mapping(
        pending.mapping.as_ref(),
        used.as_ref(),
        &shown.tables,
        &fields,
        &mut errors,
    );
    if !errors.is_empty() {
        let diffs = state.store.diff_document(&shown.document).await?;
        return show_again(&state, pending, &shown, &diffs, errors, Some(&fields)).await;
    }
    let (read, _) = read_upload(&state, &pending.file_name, &pending.bytes, user.as_ref()).await?;
    if decision == "update" {
        let diffs = state.store.diff_document(&read.document).await?;
        let pending = Pending {
            mapping: user,
            ..pending
        };
        let errors = crate::forms::FormErrors::default();
        return show_again(&state, pending, &read, &diffs, errors, None).await;
    }
    let meta = goldthread_storage::SourceMeta::of(
        &pending.file_name,
        &pending.bytes,
        read.format.as_str(),
    );
    let options = goldthread_storage::ImportOptions {
        replace: fields.get("replace").map(String::as_str) == Some("yes"),
    };
    let outcome = state
        .store
        .import_document(&meta, &read.document, &pending.actor, options)
        .await?;
    if outcome.status == goldthread_storage::ImportStatus::NeedsConfirmation {
        // Nothing was stored: show the preview again, with the difference
        // and the box to tick.
        let mut errors = crate::forms::FormErrors::default();
        errors.add(
            "replace",
            "Tick the box to replace the stored plans with this version, or cancel",
        );
        let pending = Pending {
            mapping: user,
            ..pending
        };
        return show_again(&state, pending, &read, &outcome.plans, errors, None).await;
    }
    if outcome.status != goldthread_storage::ImportStatus::Refused
        && let Some(user) = &user
    {
        crate::mappings::remember(&state.store, user, &pending.actor).await?;
    }
    let (status, message) = match outcome.status {
        goldthread_storage::ImportStatus::Created => {
            ("Imported", format!("{} was imported.", pending.file_name))
        }
        goldthread_storage::ImportStatus::Updated => (
            "Updated",
            format!(
                "{} was merged into the stored plans; their links stay the same, and progress and values recorded in Goldthread were kept.",
                pending.file_name
            ),
        ),
        goldthread_storage::ImportStatus::Unchanged => (
            "Unchanged",
            format!(
                "{} had already been imported; nothing changed.",
                pending.file_name
            ),
        ),
        goldthread_storage::ImportStatus::Refused
        | goldthread_storage::ImportStatus::NeedsConfirmation => {
            ("Not imported", outcome.reason.clone().unwrap_or_default())
        }
    };
    let page = DonePage {
        title: format!("{status}: {}", pending.file_name),
        status,
        message,
        plan_ids: outcome.plan_ids,
    };
    Ok(render(&state, "import_done.html", &page)?.into_response())
}
