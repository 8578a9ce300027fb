//! The HTTP server: the JSON API with its OpenAPI document, and the pages rendered on the server.
//!
//! A request goes router → handler (in [`api`] or [`pages`]) → one call into the store
//! ([`accord_store::Store`]) or a core ([`accord_text`], [`accord_docx`]) → a view ([`view`]) → a template
//! (`templates/`) or JSON. Only this crate knows HTTP, JSON, HTML and OpenAPI.
#![deny(missing_docs)]

pub mod api; // the JSON API under /api and its OpenAPI document
pub mod error; // the one error type at the web edge, answered as JSON or as a page
pub mod export; // files of revisions and redlines, shared by pages and API
pub mod pages; // the server-rendered pages
pub mod render; // standalone HTML files, also used by the CLI
pub mod view; // what templates show, made from store rows and core values

pub use error::Error;

use accord_store::Store;
use axum::Router;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
}

/// The whole application: pages and API over one store.
pub fn router(store: Store) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .layer(TraceLayer::new_for_http())
        .with_state(AppState { store })
}

/// Serves the application on `listener` until the process ends or `shutdown` resolves.
///
/// # Errors
/// When the listener fails.
pub async fn serve(
    store: Store,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(store)).with_graceful_shutdown(shutdown).await
}
