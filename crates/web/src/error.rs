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
            WebError::Store(StoreError::Invalid(_) | StoreError::Taken(_))
            | WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
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
        let body = crate::templates::render_error(title_of(status), &message);
        (status, Html(body)).into_response()
    }
}

/// The heading of the error page for a status.
fn title_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::CONFLICT => "Someone else changed this record",
        StatusCode::BAD_REQUEST => "There is a problem",
        StatusCode::FORBIDDEN => "You cannot do this",
        StatusCode::UNAUTHORIZED => "Sign in to continue",
        StatusCode::PAYLOAD_TOO_LARGE => "What you sent is too large",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        StatusCode::BAD_GATEWAY => "Sorry, there is a problem with the sign-in service",
        StatusCode::METHOD_NOT_ALLOWED => "This address does not take that request",
        StatusCode::SERVICE_UNAVAILABLE => "Try again in a minute",
        _ => "Sorry, there is a problem with the service",
    }
}

/// Errors for the API as problem documents (RFC 9457,
/// `application/problem+json`: `title`, `status`, `detail`), with the same
/// status mapping as pages.
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
        problem(status, &message)
    }
}

fn problem(status: StatusCode, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": title_of(status),
        "status": status.as_u16(),
        "detail": detail,
    });
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

/// Error responses the framework makes itself (a form or query it cannot
/// read, a body over its limit, a method the route does not take) become
/// the app's own page, or a problem document under `/api/`, with words a
/// person can act on and nothing of the framework's text.
pub async fn framework_errors(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let ours = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.contains("json"));
    if !(status.is_client_error() || status.is_server_error()) || ours {
        return response;
    }
    let (status, detail) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            status,
            "What you sent is larger than this form takes. Send a smaller file or shorter text.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            status,
            "Use the links and buttons on the pages to get here.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY
        | StatusCode::BAD_REQUEST => (
            StatusCode::BAD_REQUEST,
            "What was sent could not be read. Go back, reload the page and try again.",
        ),
        s if s.is_server_error() => (
            s,
            "Sorry, there is a problem with the service. Try again later.",
        ),
        s => (s, "This request could not be answered."),
    };
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), "framework error");
    }
    if is_api {
        return problem(status, detail);
    }
    let mut page = (
        status,
        Html(crate::templates::render_error(title_of(status), detail)),
    )
        .into_response();
    if let Some(allow) = response.headers().get(axum::http::header::ALLOW) {
        page.headers_mut()
            .insert(axum::http::header::ALLOW, allow.clone());
    }
    page
}

/// No route: a page, or a problem document under `/api/`.
pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(WebError::NotFound).into_response()
    } else {
        WebError::NotFound.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_value_that_cannot_be_read_is_our_fault_not_the_request() {
        let corrupt = WebError::Store(StoreError::Corrupt {
            entity: "measurements",
            id: 41,
            field: "period",
            value: "2017/18-Q5".into(),
            expected: "a period",
        });
        assert_eq!(corrupt.status(), StatusCode::INTERNAL_SERVER_ERROR);
        // The log line (the error's text) names the record.
        assert_eq!(
            corrupt.to_string(),
            "measurements 41: period '2017/18-Q5' is not a period"
        );
        let unreadable = WebError::Store(StoreError::UnreadableRow(
            "plans 3 could not be read".into(),
        ));
        assert_eq!(unreadable.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
