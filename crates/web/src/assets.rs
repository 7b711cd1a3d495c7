//! Static assets, compiled into the binary so a deployment is one file.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

const STYLESHEET: &str = include_str!("../assets/app.css");
const DOWNLOAD_SCRIPT: &str = include_str!("../assets/download.js");

pub async fn serve(Path(path): Path<String>) -> Response {
    match path.as_str() {
        "app.css" => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            STYLESHEET,
        )
            .into_response(),
        "download.js" => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            DOWNLOAD_SCRIPT,
        )
            .into_response(),
        _ => crate::WebError::NotFound.into_response(),
    }
}
