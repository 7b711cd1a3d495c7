//! A plan's progress through Excel: download the workbook, upload it
//! filled in, check the preview (every change, every conflict with edits
//! made since the export, every problem by cell), then confirm. Nothing
//! is stored until confirmed, and then all of it or none.

use super::{render, today};
use crate::AppState;
use crate::auth::{Me, SignedIn};
use crate::error::WebError;
use crate::extract::RecordId;
use crate::forms::FormErrors;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use goldthread_roundtrip::{PlanProgress, Preview, RoundtripError, Who};
use goldthread_storage::{PendingLimits, PendingUpload};
use serde::{Deserialize, Serialize};

/// The largest upload taken (a progress workbook is far smaller).
pub const MAX_UPLOAD_BYTES: usize = goldthread_roundtrip::MAX_BYTES;

async fn who(state: &AppState, me: &SignedIn) -> Result<Who, WebError> {
    Ok(Who {
        actor: me.actor(),
        role: me.role,
        posts: state.store.posts_of(me.account_id).await?,
    })
}

async fn plan_progress(state: &AppState, id: i64) -> Result<PlanProgress, WebError> {
    match PlanProgress::load(&state.store, id, today()).await {
        Ok(progress) => Ok(progress),
        Err(RoundtripError::Refused(_)) => Err(WebError::NotFound),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

/// `GET /plans/{id}/progress.xlsx`
pub async fn download(
    State(state): State<AppState>,
    RecordId(id): RecordId,
    Me(me): Me,
) -> Result<Response, WebError> {
    let progress = plan_progress(&state, id).await?;
    let bytes = goldthread_roundtrip::export(&progress, &me.actor().name, chrono::Utc::now())
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"progress-plan-{id}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Serialize)]
struct UploadPage {
    title: String,
    plan_id: i64,
    plan_title: String,
    errors: FormErrors,
}

async fn upload_page(
    state: &AppState,
    id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let progress = plan_progress(state, id).await?;
    let page = UploadPage {
        title: format!("Update progress from Excel: {}", progress.title),
        plan_id: id,
        plan_title: progress.title,
        errors,
    };
    Ok((status, render(state, "progress_upload.html", &page)?).into_response())
}

/// `GET /plans/{id}/progress`
pub async fn form(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    upload_page(&state, id, FormErrors::default(), StatusCode::OK).await
}

#[derive(Serialize)]
struct PreviewPage {
    title: String,
    plan_id: i64,
    file_name: String,
    token: String,
    preview: Preview,
    errors: FormErrors,
}

fn refused(message: String) -> FormErrors {
    let mut errors = FormErrors::default();
    errors.add("file", message);
    errors
}

/// Reads and previews an upload, or the form again with why not.
async fn read_and_preview(
    state: &AppState,
    id: i64,
    me: &SignedIn,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<Result<Preview, FormErrors>, WebError> {
    let name = file_name.to_string();
    let read = tokio::task::spawn_blocking(move || goldthread_roundtrip::read(&name, &bytes))
        .await
        .map_err(|e| WebError::Internal(format!("reading the workbook failed: {e}")))?;
    let filled = match read {
        Ok(filled) => filled,
        Err(RoundtripError::Refused(why)) => return Ok(Err(refused(why))),
        Err(e) => return Err(WebError::Internal(e.to_string())),
    };
    let who = who(state, me).await?;
    match goldthread_roundtrip::preview(&state.store, &filled, Some(id), &who, today()).await {
        Ok(preview) => Ok(Ok(preview)),
        Err(RoundtripError::Refused(why)) => Ok(Err(refused(why))),
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}

/// Keeps the upload for the confirmation, under a new token.
async fn keep(
    state: &AppState,
    me: &SignedIn,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<String, WebError> {
    let token = crate::auth::random_token()?;
    let upload = PendingUpload {
        account_id: me.account_id,
        file_name: file_name.to_string(),
        content: bytes,
        mapping: None,
    };
    match state
        .store
        .put_pending_import(
            &crate::auth::token_hash(&token),
            &upload,
            PendingLimits::default(),
        )
        .await
    {
        Ok(()) => Ok(token),
        Err(goldthread_storage::StoreError::Invalid(why)) => Err(WebError::TooManyAttempts(why)),
        Err(e) => Err(e.into()),
    }
}

async fn preview_page(
    state: &AppState,
    id: i64,
    me: &SignedIn,
    file_name: String,
    bytes: Vec<u8>,
    preview: Preview,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let status = if errors.is_empty() && preview.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let token = keep(state, me, &file_name, bytes).await?;
    let page = PreviewPage {
        title: format!("Check the progress in {file_name}"),
        plan_id: id,
        file_name,
        token,
        preview,
        errors,
    };
    Ok((status, render(state, "progress_preview.html", &page)?).into_response())
}

/// `POST /plans/{id}/progress`: the filled workbook.
pub async fn upload(
    State(state): State<AppState>,
    RecordId(id): RecordId,
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
            let name = field.file_name().unwrap_or("upload.xlsx").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError::BadRequest(format!("The upload was interrupted: {e}")))?;
            if !bytes.is_empty() {
                file = Some((name, bytes.to_vec()));
            }
        }
    }
    let Some((file_name, bytes)) = file else {
        let errors = refused("Select the filled progress workbook".into());
        return upload_page(&state, id, errors, StatusCode::BAD_REQUEST).await;
    };
    match read_and_preview(&state, id, &me, &file_name, bytes.clone()).await? {
        Ok(preview) => {
            preview_page(
                &state,
                id,
                &me,
                file_name,
                bytes,
                preview,
                FormErrors::default(),
            )
            .await
        }
        Err(errors) => upload_page(&state, id, errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Deserialize)]
pub struct Decision {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    overwrite: String,
    #[serde(default)]
    fingerprint: String,
}

#[derive(Serialize)]
struct DonePage {
    title: String,
    plan_id: i64,
    message: String,
}

/// `POST /plans/{id}/progress/{token}`: confirm (store) or cancel.
pub async fn decide(
    State(state): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    Me(me): Me,
    Form(decision): Form<Decision>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let pending = state
        .store
        .pending_import(
            &crate::auth::token_hash(&token),
            me.account_id,
            true,
            PendingLimits::default(),
        )
        .await?;
    let Some(pending) = pending else {
        return Err(WebError::BadRequest(
            "This workbook has already been stored or cancelled, or it expired. Upload it again."
                .into(),
        ));
    };
    if decision.decision != "confirm" {
        return Ok(Redirect::to(&format!("/plans/{id}")).into_response());
    }
    let preview =
        match read_and_preview(&state, id, &me, &pending.file_name, pending.content.clone()).await?
        {
            Ok(preview) => preview,
            Err(errors) => {
                return upload_page(&state, id, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
        };
    let again = |errors: FormErrors, preview: Preview| {
        preview_page(
            &state,
            id,
            &me,
            pending.file_name.clone(),
            pending.content.clone(),
            preview,
            errors,
        )
    };
    if preview.fingerprint != decision.fingerprint {
        let errors = refused(
            "The plan changed after you checked this preview. Check the changes below again, then store them.".into(),
        );
        return again(errors, preview).await;
    }
    let who = who(&state, &me).await?;
    let overwrite = decision.overwrite == "yes";
    match goldthread_roundtrip::apply(&state.store, &preview, overwrite, &who).await {
        Ok(applied) => {
            let mut message = format!(
                "{} change(s) from {} {}.",
                applied.stored,
                pending.file_name,
                if applied.pending {
                    "were submitted: they count once they are signed off"
                } else {
                    "were stored"
                }
            );
            if applied.skipped > 0 {
                message.push_str(&format!(
                    " {} conflict(s) with changes made since the export were left alone.",
                    applied.skipped
                ));
            }
            let page = DonePage {
                title: "Progress updated".into(),
                plan_id: id,
                message,
            };
            Ok(render(&state, "progress_done.html", &page)?.into_response())
        }
        Err(RoundtripError::Refused(why)) => again(refused(why), preview).await,
        Err(RoundtripError::HasProblems(_)) => again(FormErrors::default(), preview).await,
        Err(e) => Err(WebError::Internal(e.to_string())),
    }
}
