//! `GET /api/record` (the record as JSON lines, format in `docs/record.md`) and `GET /api/record/verify` (the
//! chain checked now). Both are public: the record exists so that anyone can check it.

use crate::error::{ApiError, Error};
use crate::AppState;
use accord_store::event::ExportError;
use accord_store::Break;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The media type of the export: JSON lines.
pub const JSONL: &str = "application/jsonl";

/// The query of `GET /api/record`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RecordQuery {
    /// Only the entries after this `seq` (default 0: all).
    after: Option<String>,
}

/// The record's entries as JSON lines, oldest first: one object per line with `seq`, `at`, `actor`, `action`,
/// `data` (canonical JSON text, as a string), `prev_hash` and `hash`. `docs/record.md` gives the bytes hashed
/// and a Python verifier.
#[utoipa::path(get, path = "/api/record", tag = "record", params(RecordQuery),
    responses(
        (status = 200, description = "The entries, one JSON object per line", content_type = "application/jsonl",
            body = String),
        (status = 422, description = "`after` is not a whole number of 0 or more", body = crate::error::ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    Query(query): Query<RecordQuery>,
) -> Result<Response, ApiError> {
    let after_seq = parse_seq("after", query.after.as_deref())?;
    let mut body = Vec::new();
    state.store.export_events(&mut body, after_seq).await.map_err(|error| match error {
        ExportError::Store(error) => Error::from(error),
        ExportError::Write { .. } => Error::Internal(error.to_string()),
    })?;
    Ok(([(CONTENT_TYPE, JSONL)], body).into_response())
}

/// What the check of the chain found.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationJson {
    /// Whether every entry matches.
    pub intact: bool,
    /// How many entries the record holds.
    pub entries: i64,
    /// The last entry's hash, `null` for an empty record: compare it with one published earlier to see that
    /// no entry was cut off the end.
    pub head_hash: Option<String>,
    /// The first entry that does not match, `null` when the chain is intact.
    pub first_break: Option<BreakJson>,
}

/// The first entry that does not match.
#[derive(Debug, Serialize, ToSchema)]
pub struct BreakJson {
    /// The entry's `seq`.
    pub seq: i64,
    /// `missing` (no entry with this `seq`), `link` (its `prev_hash` is not the previous entry's hash) or
    /// `hash` (its fields do not give its hash).
    pub kind: String,
    /// What does not match, in a sentence.
    pub message: String,
}

impl From<&Break> for BreakJson {
    fn from(first_break: &Break) -> BreakJson {
        let kind = match first_break {
            Break::Missing { .. } => "missing",
            Break::Link { .. } => "link",
            Break::Hash { .. } => "hash",
        };
        BreakJson { seq: first_break.seq(), kind: kind.to_owned(), message: first_break.to_string() }
    }
}

/// Walks the whole chain now, recomputing every hash, and names the first entry that does not match.
#[utoipa::path(get, path = "/api/record/verify", tag = "record",
    responses((status = 200, description = "The result of the check (a broken chain is a result, not an error)",
        body = VerificationJson)))]
pub async fn verify(State(state): State<AppState>) -> Result<Json<VerificationJson>, ApiError> {
    let verification = state.store.verify_events().await?;
    Ok(Json(VerificationJson {
        intact: verification.is_intact(),
        entries: verification.n_entries,
        first_break: verification.first_break.as_ref().map(BreakJson::from),
        head_hash: verification.head_hash,
    }))
}

/// A `seq` from a query parameter: absent is 0.
pub(crate) fn parse_seq(field: &str, text: Option<&str>) -> Result<i64, Error> {
    match text {
        None => Ok(0),
        Some(text) => text.parse::<i64>().ok().filter(|seq| *seq >= 0).ok_or_else(|| {
            Error::field(field, format!("expected an entry number (0 or more), found `{text}`"))
        }),
    }
}
