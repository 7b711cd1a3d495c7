//! Import through the browser: upload, preview (plans, counts, actions,
//! findings), then confirm or cancel. Nothing is stored until confirmed.

use super::render;
use crate::AppState;
use crate::error::WebError;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use goldthread_domain::{PlanChange, PlanDiff, PlanDocument};
use goldthread_import::ReadDocument;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Uploads awaiting a decision, by unguessable token. Held in memory: an
/// unconfirmed upload is lost on restart, which is the safe direction.
#[derive(Default)]
pub struct PendingImports {
    uploads: Mutex<HashMap<String, Pending>>,
}

struct Pending {
    file_name: String,
    bytes: Vec<u8>,
    author: String,
    at: Instant,
}

const KEEP_FOR: Duration = Duration::from_secs(3600);
const MAX_PENDING: usize = 32;
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

impl PendingImports {
    fn put(&self, pending: Pending) -> String {
        let token = token(&pending.bytes);
        if let Ok(mut map) = self.uploads.lock() {
            map.retain(|_, p| p.at.elapsed() < KEEP_FOR);
            if map.len() >= MAX_PENDING
                && let Some(oldest) = map.iter().min_by_key(|(_, p)| p.at).map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
            map.insert(token.clone(), pending);
        }
        token
    }

    fn take(&self, token: &str) -> Option<Pending> {
        self.uploads.lock().ok()?.remove(token)
    }
}

fn token(bytes: &[u8]) -> String {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded from the OS per instance: unpredictable tokens
    // without a new dependency.
    let mut token = String::new();
    for _ in 0..2 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write(bytes);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        token.push_str(&format!("{:016x}", h.finish()));
    }
    token
}

#[derive(Serialize, Default)]
struct FormPage {
    title: &'static str,
    errors: crate::forms::FormErrors,
    author: String,
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
    actions: Vec<ActionPreview>,
    findings: Vec<(&'static str, &'static str, String, Option<String>)>,
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
        ("Progress updates", c.updates),
        ("Risks", c.risks),
    ]
}

pub async fn upload(
    State(state): State<AppState>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut author = String::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(format!("The upload was interrupted: {e}")))?
    {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    WebError::BadRequest(format!("The upload was interrupted: {e}"))
                })?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            Some("author") => author = field.text().await.unwrap_or_default().trim().to_string(),
            _ => {}
        }
    }
    let mut errors = crate::forms::FormErrors::default();
    if file.is_none() {
        errors.add("file", "Select a plan document to import");
    }
    if author.is_empty() {
        errors.add("author", "Enter your name or post");
    }
    let Some((file_name, bytes)) = file.filter(|_| errors.is_empty()) else {
        let page = FormPage {
            title: "Import a plan",
            errors,
            author,
        };
        return Ok((
            axum::http::StatusCode::BAD_REQUEST,
            render(&state, "import.html", &page)?,
        )
            .into_response());
    };
    let read = match goldthread_import::read_document(&file_name, &bytes) {
        Ok(read) => read,
        Err(e) => {
            let mut errors = crate::forms::FormErrors::default();
            errors.add("file", e.to_string());
            let page = FormPage {
                title: "Import a plan",
                errors,
                author,
            };
            return Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                render(&state, "import.html", &page)?,
            )
                .into_response());
        }
    };
    let diffs = state.store.diff_document(&read.document).await?;
    let token = state.pending_imports.put(Pending {
        file_name: file_name.clone(),
        bytes,
        author,
        at: Instant::now(),
    });
    let page = preview_page(
        file_name,
        &read,
        &diffs,
        token,
        crate::forms::FormErrors::default(),
    );
    Ok(render(&state, "import_preview.html", &page)?.into_response())
}

fn preview_page(
    file_name: String,
    read: &ReadDocument,
    diffs: &[PlanDiff],
    token: String,
    errors: crate::forms::FormErrors,
) -> PreviewPage {
    let doc = &read.document;
    PreviewPage {
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

#[derive(Deserialize)]
pub struct Decision {
    decision: String,
    /// The extra confirmation a replacing import needs ("yes" when ticked).
    #[serde(default)]
    replace: Option<String>,
}

#[derive(Serialize)]
struct DonePage {
    title: String,
    status: &'static str,
    message: String,
    plan_ids: Vec<i64>,
}

pub async fn decide(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(decision): Form<Decision>,
) -> Result<Response, WebError> {
    let Some(pending) = state.pending_imports.take(&token) else {
        return Err(WebError::BadRequest("This import has already been confirmed or cancelled, or it expired. Upload the file again.".into()));
    };
    if decision.decision != "confirm" {
        return Ok(Redirect::to("/import").into_response());
    }
    let read = goldthread_import::read_document(&pending.file_name, &pending.bytes)
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
    let meta = goldthread_storage::SourceMeta {
        file_name: pending.file_name.clone(),
        format: read.format.as_str().to_string(),
        sha256: sha256_hex(&pending.bytes),
        size_bytes: pending.bytes.len() as i64,
    };
    let options = goldthread_storage::ImportOptions {
        replace: decision.replace.as_deref() == Some("yes"),
    };
    let outcome = state
        .store
        .import_document(&meta, &read.document, &pending.author, options)
        .await?;
    if outcome.status == goldthread_storage::ImportStatus::NeedsConfirmation {
        // Nothing was stored: show the preview again, with the difference
        // and the box to tick.
        let mut errors = crate::forms::FormErrors::default();
        errors.add(
            "replace",
            "Tick the box to replace the stored plans with this version, or cancel",
        );
        let file_name = pending.file_name.clone();
        let token = state.pending_imports.put(Pending {
            at: Instant::now(),
            ..pending
        });
        let page = preview_page(file_name, &read, &outcome.plans, token, errors);
        return Ok((
            axum::http::StatusCode::BAD_REQUEST,
            render(&state, "import_preview.html", &page)?,
        )
            .into_response());
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

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(bytes))
}
