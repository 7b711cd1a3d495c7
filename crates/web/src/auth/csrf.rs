//! CSRF protection: every state-changing request carries the request's
//! token (the session's, or an anonymous visitor's cookie), as the form
//! field `csrf_token`, the header `X-CSRF-Token`, or for file uploads the
//! query parameter `csrf_token`. A request without it is refused with 403
//! before any handler runs, so it changes nothing.

use super::{CsrfToken, Principal, same_secret};
use crate::error::WebError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The largest plain form accepted (multipart uploads have their own
/// limit). A progress commentary is at most 10,000 characters.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

pub async fn check(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if matches!(
        request.extensions().get::<Principal>(),
        Some(Principal::Token { .. })
    ) {
        return WebError::Forbidden("API tokens are read-only.".into()).into_response();
    }
    let expected = request
        .extensions()
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    let from_header = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let from_query = request.uri().query().and_then(|q| field(q, "csrf_token"));
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    let (request, from_body) = if is_form && from_header.is_none() {
        let (parts, body) = request.into_parts();
        let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => bytes,
            Err(_) => {
                return WebError::TooLarge(format!(
                    "The form is larger than {} KB. Shorten the text and send it again.",
                    MAX_FORM_BYTES / 1024
                ))
                .into_response();
            }
        };
        let token = std::str::from_utf8(&bytes)
            .ok()
            .and_then(|body| field(body, "csrf_token"));
        (Request::from_parts(parts, Body::from(bytes)), token)
    } else {
        (request, None)
    };
    let provided = from_header.or(from_body).or(from_query).unwrap_or_default();
    if expected.is_empty() || !same_secret(&provided, &expected) {
        return WebError::Forbidden(
            "This form has expired or did not come from Goldthread. Go back, reload the page and try again.".into(),
        )
        .into_response();
    }
    next.run(request).await
}

/// One field of an `application/x-www-form-urlencoded` text.
fn field(encoded: &str, name: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(encoded)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_are_read_from_encoded_forms() {
        assert_eq!(
            super::field("a=1&csrf_token=ab%2Bc&b=2", "csrf_token").as_deref(),
            Some("ab+c")
        );
        assert_eq!(super::field("a=1", "csrf_token"), None);
    }
}
