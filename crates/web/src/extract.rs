//! Request parts read the way the app's errors are shown: a record id in
//! the path that is not a number is a page not found, in the app's own
//! style, never the framework's "Cannot parse `abc` to a `i64`".

use crate::error::WebError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

/// The `{id}` of `/actions/{id}`, `/plans/{id}`, `/indicators/{id}`.
pub struct RecordId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for RecordId {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(text) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        text.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(RecordId)
            .ok_or(WebError::NotFound)
    }
}

/// The address a request came from, for throttling sign-ins: the socket's
/// peer, or behind a proxy the last address it added to `X-Forwarded-For`.
pub struct ClientAddress(pub Option<String>);

impl FromRequestParts<crate::AppState> for ClientAddress {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.auth.behind_proxy
            && let Some(forwarded) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
        {
            return Ok(ClientAddress(Some(forwarded.trim().to_string())));
        }
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        ))
    }
}
