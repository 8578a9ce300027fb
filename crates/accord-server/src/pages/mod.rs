//! The web pages, rendered on the server with askama and usable without JavaScript: the processes, a
//! process, a draft's revision history, a revision's full text, one paragraph across revisions, and the
//! redline between two revisions chosen in a form. Downloads of each revision and redline.

mod draft;
mod home;
mod record;
mod redline;
mod revision;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;

pub use home::ErrorPage;

/// The routes of the pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::processes))
        .route("/demo", post(home::load_demo))
        .route("/processes/{process_id}", get(home::process))
        .route("/drafts/{draft_id}", get(draft::history))
        .route("/drafts/{draft_id}/revisions/{number}", get(revision::full_text))
        .route("/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}", get(revision::paragraph))
        .route("/drafts/{draft_id}/revisions/{number}/export/{format}", get(revision::export))
        .route("/drafts/{draft_id}/redline", get(redline::page))
        .route("/drafts/{draft_id}/redline/export/{format}", get(redline::export))
        .route("/record", get(record::page))
}

/// An askama template answered as an HTML page.
fn html(template: &impl askama::Template) -> Result<axum::response::Html<String>, crate::error::PageError> {
    Ok(axum::response::Html(template.render().map_err(crate::Error::from)?))
}
