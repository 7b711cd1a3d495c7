//! The JSON API, version 1: read-only lists and records of plans,
//! actions, indicators, values, updates and risks under `/api/v1`, with
//! filters (plan, service, officer, period, status, as at) and cursor
//! pagination. The OpenAPI 3.1 document at `/api/v1/openapi.json` is
//! generated from these handlers and record types (utoipa), so it cannot
//! drift from what the API does; a test validates real responses
//! against it.

mod cursor;
mod query;
mod records;
mod resources;

use crate::auth::routes::RouteTable;
use crate::auth::session::SESSION_COOKIE;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use goldthread_domain::Access::{Public, Read};
use std::sync::LazyLock;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Goldthread",
        description = "A council's plans, actions, performance indicators, values, progress updates and risks, with status judged by the same rules as the pages and reports. Any list takes `as_at` to give what was known at the end of a past day."
    ),
    paths(
        resources::plans,
        resources::plan,
        resources::actions,
        resources::action,
        resources::indicators,
        resources::indicator,
        resources::values,
        resources::updates,
        resources::risks,
    ),
    modifiers(&Security),
    security(("token" = []), ("session" = [])),
    tags(
        (name = "plans", description = "Plans and their periods"),
        (name = "actions", description = "Actions and officers' progress updates"),
        (name = "indicators", description = "Performance indicators and their values"),
        (name = "risks", description = "Risk registers"),
    )
)]
struct ApiDoc;

/// How a client signs in: an API token (an administrator makes one) as a
/// bearer token, or a browser's session cookie.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(SESSION_COOKIE))),
        );
    }
}

/// The document, made once.
static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| ApiDoc::openapi().to_pretty_json().unwrap_or_default());

async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
        .into_response()
}

/// Adds the API's routes to the table, each with its access rule.
pub fn routes(table: RouteTable) -> RouteTable {
    table
        .get("/api/v1/openapi.json", Public, get(openapi_json))
        .get("/api/v1/plans", Read, get(resources::plans))
        .get("/api/v1/plans/{id}", Read, get(resources::plan))
        .get("/api/v1/actions", Read, get(resources::actions))
        .get("/api/v1/actions/{id}", Read, get(resources::action))
        .get("/api/v1/indicators", Read, get(resources::indicators))
        .get("/api/v1/indicators/{id}", Read, get(resources::indicator))
        .get("/api/v1/values", Read, get(resources::values))
        .get("/api/v1/updates", Read, get(resources::updates))
        .get("/api/v1/risks", Read, get(resources::risks))
}
