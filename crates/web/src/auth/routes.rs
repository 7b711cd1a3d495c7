//! The route table: every route is added with the access it asks for, so
//! a route without a rule cannot be written, and the gate
//! ([`authorise`]) refuses anything the table does not name. The same
//! table is listed by `goldthread routes`, from which the authorisation
//! matrix test is generated.

use super::Principal;
use crate::AppState;
use crate::error::{ApiError, WebError};
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use goldthread_domain::Access;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// One route and method with its rule.
#[derive(Debug, Clone, Serialize)]
pub struct RouteRule {
    pub method: String,
    pub path: &'static str,
    pub access: Access,
}

/// Builds the router and its rules together.
pub struct RouteTable {
    router: Router<AppState>,
    rules: Vec<RouteRule>,
}

impl Default for RouteTable {
    fn default() -> Self {
        RouteTable {
            router: Router::new(),
            rules: Vec::new(),
        }
    }
}

impl RouteTable {
    /// Adds `route` (one method's handler, with any layers) at `path`.
    pub fn add(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        route: MethodRouter<AppState>,
    ) -> Self {
        self.router = self.router.route(path, route);
        self.rules.push(RouteRule {
            method: method.to_string(),
            path,
            access,
        });
        self
    }

    pub fn get(self, path: &'static str, access: Access, route: MethodRouter<AppState>) -> Self {
        self.add(Method::GET, path, access, route)
    }

    pub fn post(self, path: &'static str, access: Access, route: MethodRouter<AppState>) -> Self {
        self.add(Method::POST, path, access, route)
    }

    pub fn rules(&self) -> &[RouteRule] {
        &self.rules
    }

    /// The router, every route behind the gate.
    pub fn into_router(self) -> Router<AppState> {
        let rules: Rules = Arc::new(
            self.rules
                .iter()
                .map(|r| ((r.path.to_string(), r.method.clone()), r.access))
                .collect(),
        );
        self.router
            .route_layer(axum::middleware::from_fn_with_state(rules, authorise))
    }
}

type Rules = Arc<HashMap<(String, String), Access>>;

/// Lets a request through if its route's rule allows its principal.
/// Anonymous readers are sent to sign in; others are refused with 403;
/// a route the table does not name is refused (fail closed).
async fn authorise(State(rules): State<Rules>, request: Request, next: Next) -> Response {
    let path = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let method = match *request.method() {
        Method::HEAD => "GET".to_string(),
        ref m => m.to_string(),
    };
    let is_api = path.starts_with("/api/");
    let Some(access) = rules.get(&(path.clone(), method.clone())).copied() else {
        // A method the route does not take at all: nothing can run, and the
        // router answers 405 with the methods it does take.
        if rules.keys().any(|(p, _)| *p == path) {
            return next.run(request).await;
        }
        tracing::error!(%path, %method, "route has no access rule");
        return WebError::Forbidden("This page has no access rule.".into()).into_response();
    };
    let principal = request
        .extensions()
        .get::<Principal>()
        .cloned()
        .unwrap_or(Principal::Anonymous);
    if matches!(principal, Principal::Token { .. }) && !(is_api && method == "GET") {
        return deny(
            is_api,
            WebError::Forbidden("API tokens read the API only.".into()),
        );
    }
    if access.allows(principal.role()) {
        return next.run(request).await;
    }
    match principal {
        Principal::Anonymous if method == "GET" && !is_api => {
            let target = request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_string();
            let next_query = serde_urlencoded::to_string([("next", target)]).unwrap_or_default();
            Redirect::to(&format!("/sign-in?{next_query}")).into_response()
        }
        Principal::Anonymous => deny(is_api, WebError::Unauthorised("Sign in to do this.".into())),
        _ => deny(
            is_api,
            WebError::Forbidden("Your account's role does not allow this.".into()),
        ),
    }
}

fn deny(is_api: bool, error: WebError) -> Response {
    if is_api {
        ApiError(error).into_response()
    } else {
        error.into_response()
    }
}
