//! The HTTP server: server-rendered pages (GOV.UK Design System patterns)
//! and the JSON API, over one [`Store`].
//!
//! Handlers only parse, call the store or the domain, and render; they hold
//! no rules. Wire shapes (JSON bodies, page view models) live here, never in
//! the domain crate.

mod api;
mod assets;
mod error;
pub mod extract;
mod forms;
pub mod mappings;
mod page_cache;
mod pages;
pub mod readers;
mod request_log;
mod snapshot;
mod templates;
mod views;

use axum::Router;
use axum::routing::get;
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
}

/// A bound, not yet running server: tests bind to port 0 and read the port.
pub struct Application {
    listener: TcpListener,
    router: Router,
}

impl Application {
    pub async fn build(store: Store, bind: &str) -> std::io::Result<Application> {
        let listener = TcpListener::bind(bind).await?;
        let state = AppState {
            store,
            templates: Arc::new(templates::environment()),
            snapshot: Arc::default(),
            page_cache: Arc::default(),
            pending_imports: Arc::default(),
            readers: Arc::default(),
        };
        Ok(Application {
            listener,
            router: router(state),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until Ctrl-C (or SIGTERM), then lets requests in flight finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/assets/{*path}", get(assets::serve))
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(request_log::log_request))
        .with_state(state)
}

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
