//! The HTTP server: the JSON API with its OpenAPI document, and the pages rendered on the server.
//!
//! A request goes router → handler (in [`api`] or [`pages`]) → one call into the store
//! ([`accord_store::Store`]) or a core ([`accord_text`], [`accord_docx`]) → a view ([`view`]) → a template
//! (`templates/`) or JSON. Only this crate knows HTTP, JSON, HTML and OpenAPI.
#![deny(missing_docs)]

pub mod accreditation; // who may act for which party, and the public registry rows
pub mod amendment; // amendments: who acts for the sponsor, the compilation text, its rows and files
pub mod api; // the JSON API under /api and its OpenAPI document
pub mod auth; // who is asking (sessions, API tokens), CSRF, the guard of every route, sign-in throttling
pub mod consultation; // resident consultations: the participant, the next statement, results and the map
pub mod error; // the one error type at the web edge, answered as JSON or as a page
pub mod export; // files of revisions and redlines, shared by pages and API
pub mod mail; // e-mail that accord writes, to the outbox
pub mod pages; // the server-rendered pages
pub mod permissions; // the one table of roles and actions
pub mod position; // positions of parties: the delegate's party, the consensus dashboard, the party map
pub mod render; // standalone HTML files, also used by the CLI
pub mod routes; // every route with its action: builds the router and feeds the route-walking test
pub mod view; // what templates show, made from store rows and core values

pub use auth::AuthConfig;
pub use error::Error;
pub use routes::routes;

use accord_store::Store;
use axum::Router;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// How sign-in works: cookie flags, the CSRF key, the origin of links in e-mail.
    pub auth: std::sync::Arc<AuthConfig>,
}

/// The largest request body accepted: room for five supporting documents of 5 MiB, base64-encoded.
pub const MAX_BODY_BYTES: usize = 36 * 1024 * 1024;

/// The whole application: pages and API over one store, with Secure cookies.
pub fn router(store: Store) -> Router {
    router_with(store, AuthConfig::default())
}

/// The whole application with the sign-in configuration given: every route of [`routes()`] behind its guard;
/// an unknown path answers 404 as JSON under `/api` and as a page elsewhere.
pub fn router_with(store: Store, auth: AuthConfig) -> Router {
    let state = AppState { store, auth: std::sync::Arc::new(auth) };
    routes::build(routes(), &state)
        .fallback(|uri: axum::http::Uri| async move {
            let error = Error::NotFound(format!("no page or route `{}`", uri.path()));
            if uri.path().starts_with("/api/") {
                axum::response::IntoResponse::into_response(error::ApiError(error))
            } else {
                axum::response::IntoResponse::into_response(error::PageError(error))
            }
        })
        .layer(axum::middleware::from_fn(error::api_rejections_as_json))
        .layer(TraceLayer::new_for_http())
        // Requests for accreditation carry supporting documents (at most 5 of 5 MiB, base64 in JSON).
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
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
    serve_with(store, AuthConfig::default(), listener, shutdown).await
}

/// Serves the application with the sign-in configuration given.
///
/// # Errors
/// When the listener fails.
pub async fn serve_with(
    store: Store,
    auth: AuthConfig,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router_with(store, auth)).with_graceful_shutdown(shutdown).await
}
