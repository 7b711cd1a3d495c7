//! A plan as the document a committee approves, to download as Word or
//! PDF: from the plan's page for anyone who may read it, and from the
//! public page of a published plan. The document is built from the stored
//! plan on the blocking pool (typesetting a large plan takes a while) and
//! kept in the page cache until the data changes, so repeated downloads,
//! public ones above all, cost no typesetting.

use crate::AppState;
use crate::error::WebError;
use crate::extract::RecordId;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use goldthread_reports::{Format, plan_document, render};

pub async fn docx(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    download(&state, id, Format::Docx).await
}

pub async fn pdf(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    download(&state, id, Format::Pdf).await
}

/// The public copies: a plan that is not published answers 404, as its
/// public page does.
pub async fn public_docx(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    published(&state, id).await?;
    download(&state, id, Format::Docx).await
}

pub async fn public_pdf(
    State(state): State<AppState>,
    RecordId(id): RecordId,
) -> Result<Response, WebError> {
    published(&state, id).await?;
    download(&state, id, Format::Pdf).await
}

async fn published(state: &AppState, id: i64) -> Result<(), WebError> {
    let data = state.snapshot.get(&state.store).await?;
    if data.plans.iter().any(|p| p.id == id && p.published) {
        Ok(())
    } else {
        Err(WebError::NotFound)
    }
}

async fn download(state: &AppState, id: i64, format: Format) -> Result<Response, WebError> {
    let version = state.store.data_version().await?;
    let data = state.snapshot.get_at(&state.store, version).await?;
    let title = &data.plan(id).ok_or(WebError::NotFound)?.title;
    let name = format!("{}.{}", plan_document::file_stem(title), format.as_str());
    let key = format!("plan-document|{id}|{}", format.as_str());
    let body = match state.page_cache.get(&key, version) {
        Some(body) => body,
        None => {
            let document = state.store.export_document(&[id]).await?;
            let plan = document
                .plans
                .into_iter()
                .next()
                .ok_or(WebError::NotFound)?;
            let council = data.organisation.name.clone();
            let bytes = tokio::task::spawn_blocking(move || {
                render::render_plan(&plan_document::build(&plan, &council), format)
            })
            .await
            .map_err(|e| WebError::Internal(format!("the plan document task failed: {e}")))?
            .map_err(|e| WebError::Internal(e.to_string()))?;
            let body = Bytes::from(bytes);
            state.page_cache.put(key, version, body.clone());
            body
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
