//! The one place errors become HTTP responses.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use goldthread_storage::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("page not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("template error: {0}")]
    Template(#[from] minijinja::Error),
    /// Signed in, but the role or the record's owner does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// Not signed in (or a bad API token).
    #[error("{0}")]
    Unauthorised(String),
    /// A request body over its limit.
    #[error("{0}")]
    TooLarge(String),
    /// Signing in too often: when to try again.
    #[error("{0}")]
    TooManyAttempts(String),
    /// Something of ours failed; the detail goes to the log only.
    #[error("{0}")]
    Internal(String),
    /// A service Goldthread relies on (the identity provider) failed or
    /// cannot be reached; the message says what the person can do.
    #[error("{0}")]
    Upstream(String),
    /// Every document reader is busy and the queue is full.
    #[error("Goldthread is reading other documents just now. Try again in a minute.")]
    Busy,
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::Store(e) if e.is_not_found() => StatusCode::NOT_FOUND,
            WebError::Store(StoreError::Conflict { .. }) => StatusCode::CONFLICT,
            WebError::Store(StoreError::Invalid(_)) | WebError::BadRequest(_) => {
                StatusCode::BAD_REQUEST
            }
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Upstream(_) => StatusCode::BAD_GATEWAY,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Unauthorised(_) => StatusCode::UNAUTHORIZED,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Store(_) | WebError::Template(_) | WebError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        // Internal detail stays in the log; the page says what a user can act on.
        let message = if status.is_server_error()
            && !matches!(self, WebError::Busy | WebError::Upstream(_))
        {
            "Sorry, there is a problem with the service. Try again later.".to_string()
        } else {
            self.to_string()
        };
        if matches!(self, WebError::Busy) {
            let body = crate::templates::render_error("Try again in a minute", &message);
            return (
                status,
                [(axum::http::header::RETRY_AFTER, "30")],
                Html(body),
            )
                .into_response();
        }
        let title = match status {
            StatusCode::NOT_FOUND => "Page not found",
            StatusCode::CONFLICT => "Someone else changed this record",
            StatusCode::BAD_REQUEST => "There is a problem",
            StatusCode::FORBIDDEN => "You cannot do this",
            StatusCode::UNAUTHORIZED => "Sign in to continue",
            StatusCode::PAYLOAD_TOO_LARGE => "What you sent is too large",
            StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
            StatusCode::BAD_GATEWAY => "Sorry, there is a problem with the sign-in service",
            _ => "Sorry, there is a problem with the service",
        };
        let body = crate::templates::render_error(title, &message);
        (status, Html(body)).into_response()
    }
}

/// JSON errors for the API: `{"error": "..."}` with the same status mapping.
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if status.is_server_error() {
            tracing::error!(error = %self.0, "api request failed");
        }
        let message = if status.is_server_error() {
            "internal error".to_string()
        } else {
            self.0.to_string()
        };
        (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
    }
}

pub async fn not_found() -> WebError {
    WebError::NotFound
}
