//! `GET /api/redline?from=DRAFT/N&to=DRAFT/M&format=…`: the redline between two revisions of one draft; when the
//! newer was made from the picks of a round on the older, each change names the amendments it came from.

use super::types::RedlineJson;
use crate::error::{ApiError, Error};
use crate::export::{self, Format};
use crate::view::RevisionView;
use crate::AppState;
use accord_store::RevisionRef;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

/// The query: two revisions and a format.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RedlineQuery {
    /// The older revision, `DRAFT/NUMBER`.
    from: String,
    /// The newer revision, `DRAFT/NUMBER`.
    to: String,
    /// `json` (default), `akn`, `docx`, `html` or `term`.
    format: Option<String>,
}

fn parse_ref(field: &str, text: &str) -> Result<RevisionRef, Error> {
    text.parse()
        .map_err(|error: accord_store::revision::RevisionRefError| Error::field(field, error.to_string()))
}

/// The redline between two revisions of one draft: matched by eId, word-level inside each element.
#[utoipa::path(get, path = "/api/redline", tag = "text", params(RedlineQuery),
    responses(
        (status = 200, description = "The redline as JSON, or as a file in the format asked for", body = RedlineJson),
        (status = 404, description = "No such draft or revision", body = crate::error::ErrorBody),
        (status = 422, description = "Revisions of different drafts, or a bad reference or format",
            body = crate::error::ErrorBody)))]
pub async fn redline(
    State(state): State<AppState>,
    Query(query): Query<RedlineQuery>,
) -> Result<Response, ApiError> {
    let from = parse_ref("from", &query.from)?;
    let to = parse_ref("to", &query.to)?;
    let format: Format = query.format.as_deref().unwrap_or("json").parse()?;
    let compared = export::compare(&state.store, &from, &to).await?;
    if format != Format::Json {
        return Ok(export::redline_file(&compared, format, &compared.new.summary.author)?.into_response());
    }
    Ok(Json(super::amendments::redline_json(
        &compared.old.summary,
        RevisionView::from(&compared.new.summary),
        &compared.redline,
        compared.provenance.as_ref(),
    ))
    .into_response())
}
