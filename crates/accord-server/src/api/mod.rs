//! The JSON API under `/api`, described by the OpenAPI document at `/api/openapi.json` (made by utoipa from
//! the handlers' annotations, so that it cannot drift from the routes). One module per resource:
//! [`processes`], [`drafts`] (drafts, revisions, paragraphs, exports) and [`redline`].

pub mod drafts;
pub mod processes;
pub mod record; // the record as JSON lines, and its check
pub mod redline;
pub mod types;

use crate::error::ErrorBody;
use crate::AppState;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

/// The OpenAPI 3.1 description of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "accord",
        description = "The negotiation workspace's JSON API: processes, tracks, drafts, revisions, paragraphs and \
                       redlines. Errors answer `{status, message, field?}`."
    ),
    paths(
        processes::list,
        processes::one,
        drafts::one,
        drafts::revisions,
        drafts::add_revision,
        drafts::revision,
        drafts::paragraph,
        drafts::export,
        redline::redline,
        record::export,
        record::verify,
    ),
    components(schemas(ErrorBody, crate::export::Format)),
    tags((name = "text", description = "The compact's text: drafts, revisions and redlines"),
         (name = "record", description = "The record: the hash-chained log of every change of state"))
)]
pub struct ApiDoc;

/// The API's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/api/processes", get(processes::list))
        .route("/api/processes/{process_id}", get(processes::one))
        .route("/api/drafts/{draft_id}", get(drafts::one))
        .route("/api/drafts/{draft_id}/revisions", get(drafts::revisions).post(drafts::add_revision))
        .route("/api/drafts/{draft_id}/revisions/{number}", get(drafts::revision))
        .route("/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}", get(drafts::paragraph))
        .route("/api/drafts/{draft_id}/revisions/{number}/export", get(drafts::export))
        .route("/api/redline", get(redline::redline))
        .route("/api/record", get(record::export))
        .route("/api/record/verify", get(record::verify))
        .fallback(|| async { crate::error::ApiError(crate::Error::NotFound("no such API route".to_owned())) })
}
