//! The HTTP server: server-rendered pages (GOV.UK Design System patterns)
//! and the JSON API, over one [`Store`].
//!
//! Handlers only parse, call the store or the domain, and render; they hold
//! no rules. Wire shapes (JSON bodies, page view models) live here, never in
//! the domain crate.

mod api;
mod assets;
pub mod auth;
mod error;
pub mod extract;
mod forms;
pub mod mappings;
mod page_cache;
mod pages;
pub mod readers;
mod request_log;
mod security_headers;
mod snapshot;
mod templates;
mod views;

use axum::Router;
use goldthread_storage::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use error::WebError;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub templates: Arc<minijinja::Environment<'static>>,
    pub snapshot: Arc<snapshot::SnapshotCache>,
    pub page_cache: Arc<page_cache::PageCache>,
    pub pending_imports: Arc<pages::import::PendingImports>,
    pub readers: Arc<readers::DocumentReaders>,
    pub auth: Arc<auth::AuthConfig>,
    pub sessions: Arc<auth::session::SessionCache>,
    /// The identity provider for single sign-on, if configured.
    pub sso: Option<Arc<auth::sso::Sso>>,
}

/// A bound, not yet running server: tests bind to port 0 and read the port.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    pub async fn build(
        store: Store,
        bind: &str,
        auth: auth::AuthConfig,
    ) -> std::io::Result<Application> {
        let listener = TcpListener::bind(bind).await?;
        Application::from_listener(store, listener, auth)
    }

    /// The application on a socket already bound: the caller can read the
    /// port it got before making the configuration (the base URL, and the
    /// single sign-on redirect URI under it, need the real port).
    pub fn from_listener(
        store: Store,
        listener: TcpListener,
        auth: auth::AuthConfig,
    ) -> std::io::Result<Application> {
        let sso = match &auth.sso {
            Some(config) => Some(Arc::new(
                auth::sso::Sso::new(config.clone(), &auth.base_url)
                    .map_err(std::io::Error::other)?,
            )),
            None => None,
        };
        let state = AppState {
            store,
            templates: Arc::new(templates::environment()),
            snapshot: Arc::default(),
            page_cache: Arc::default(),
            pending_imports: Arc::default(),
            readers: Arc::default(),
            auth: Arc::new(auth),
            sessions: Arc::default(),
            sso,
        };
        Ok(Application {
            listener,
            router: router(state),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until Ctrl-C (or SIGTERM), then stops taking connections and
    /// lets requests in flight finish, for at most [`SHUTDOWN_GRACE`].
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            shutdown_signal().await;
            tracing::info!("stopping: finishing the requests in flight");
            let _ = stopping.send(());
        };
        let serving = std::future::IntoFuture::into_future(
            axum::serve(self.listener, service).with_graceful_shutdown(signal),
        );
        let deadline = async move {
            match stopped.await {
                Ok(()) => tokio::time::sleep(SHUTDOWN_GRACE).await,
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            result = serving => result,
            () = deadline => {
                tracing::warn!(
                    "requests still in flight {} s after the signal; stopping anyway",
                    SHUTDOWN_GRACE.as_secs()
                );
                Ok(())
            }
        }
    }
}

/// The application: every route behind its access rule, then (inner to
/// outer) CSRF checks, who is asking, security headers, the request log.
pub fn router(state: AppState) -> Router {
    pages::routes()
        .into_router()
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(error::framework_errors))
        .layer(axum::middleware::from_fn(auth::csrf::check))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::session::authenticate,
        ))
        .layer(axum::middleware::from_fn(security_headers::add))
        .layer(axum::middleware::from_fn(request_log::log_request))
        .with_state(state)
}

/// Every route and method with its access rule, as `goldthread routes`
/// lists them.
pub fn route_rules() -> Vec<auth::routes::RouteRule> {
    pages::routes().rules().to_vec()
}

/// How long requests in flight may take to finish once the server is
/// asked to stop (a load balancer's drain is usually shorter).
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
