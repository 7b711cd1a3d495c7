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
