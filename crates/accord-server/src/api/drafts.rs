//! Drafts, their revisions and paragraphs: read, add a revision, export.

use super::types::{
    DraftJson, EditJson, NewRevisionJson, ParagraphHistoryJson, ParagraphJson, ParagraphVersionJson,
    RevisionDetailJson, RevisionJson,
};
use crate::error::{ApiError, Error};
use crate::export::{self, revision_ref, File, Format};
use crate::view::RevisionView;
use crate::AppState;
use accord_store::{NewRevision, RevisionRef};
use accord_text::edit::{self, Edit};
use accord_text::{akn, EId};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;

/// A draft with its revisions.
#[utoipa::path(get, path = "/api/drafts/{draft_id}", tag = "text",
    params(("draft_id" = String, Path, description = "The draft's slug")),
    responses(
        (status = 200, description = "The draft", body = DraftJson),
        (status = 404, description = "No such draft", body = crate::error::ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    Path(draft_id): Path<String>,
) -> Result<Json<DraftJson>, ApiError> {
    let (process, track, draft) = state.store.draft_context(&draft_id).await?;
    let revisions = state.store.revisions(&draft_id).await?;
    Ok(Json(DraftJson {
        id: draft.draft_id,
        title: draft.title,
        track: track.track_id,
        process: process.process_id,
        revisions: revisions
            .iter()
            .map(|revision| RevisionJson::from(&RevisionView::from(revision)))
            .collect(),
    }))
}

/// The revisions of a draft, oldest first.
#[utoipa::path(get, path = "/api/drafts/{draft_id}/revisions", tag = "text",
    params(("draft_id" = String, Path, description = "The draft's slug")),
    responses(
        (status = 200, description = "The revisions", body = [RevisionJson]),
        (status = 404, description = "No such draft", body = crate::error::ErrorBody)))]
pub async fn revisions(
    State(state): State<AppState>,
    Path(draft_id): Path<String>,
) -> Result<Json<Vec<RevisionJson>>, ApiError> {
    let revisions = state.store.revisions(&draft_id).await?;
    Ok(Json(revisions.iter().map(|revision| RevisionJson::from(&RevisionView::from(revision))).collect()))
}

/// Adds the next revision of a draft, from an Akoma Ntoso document or from edits to a base revision. The new
/// revision is immutable.
#[utoipa::path(post, path = "/api/drafts/{draft_id}/revisions", tag = "text",
    params(("draft_id" = String, Path, description = "The draft's slug")),
    request_body = NewRevisionJson,
    responses(
        (status = 201, description = "The new revision", body = RevisionJson),
        (status = 404, description = "No such draft or base revision", body = crate::error::ErrorBody),
        (status = 422, description = "A field is wrong: a date, an eId, an edit, the Akoma Ntoso text",
            body = crate::error::ErrorBody)))]
pub async fn add_revision(
    State(state): State<AppState>,
    Path(draft_id): Path<String>,
    Json(body): Json<NewRevisionJson>,
) -> Result<(StatusCode, Json<RevisionJson>), ApiError> {
    let label = required("label", &body.label)?;
    let author = required("author", &body.author)?;
    let date = time::Date::parse(&body.date, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| Error::field("date", format!("`{}` is not a date: expected YYYY-MM-DD", body.date)))?;
    let document = match &body.akn {
        Some(xml) => {
            if body.base.is_some() || !body.edits.is_empty() {
                return Err(Error::field("akn", "give either `akn` or `base` and `edits`, not both").into());
            }
            akn::from_xml(xml).map_err(|error| Error::field("akn", error.to_string()))?
        }
        None => {
            if body.edits.is_empty() {
                return Err(Error::field("edits", "a new revision needs `akn` or at least one edit").into());
            }
            let edits = parse_edits(&body.edits)?;
            let base_ref = RevisionRef { draft_id: draft_id.clone(), number: body.base };
            let base = state.store.revision(&base_ref).await?;
            edit::apply(&base.document, &edits)
                .map_err(|error| Error::field(format!("edits/{}", error.index), error.error.to_string()))?
        }
    };
    let mut meta = document.meta().clone();
    meta.version = label.to_owned();
    meta.expression_date = date;
    meta.author = author.to_owned();
    let summary = state
        .store
        .add_revision(
            &draft_id,
            &NewRevision { document: document.with_meta(meta), is_demo: false, note: body.note },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(RevisionJson::from(&RevisionView::from(&summary)))))
}

fn required<'a>(field: &str, value: &'a str) -> Result<&'a str, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::field(field, "must not be empty"));
    }
    Ok(value)
}

fn parse_edits(edits: &[EditJson]) -> Result<Vec<Edit>, Error> {
    edits
        .iter()
        .enumerate()
        .map(|(index, edit)| {
            let eid = |field: &str, text: &str| {
                EId::parse(text)
                    .map_err(|error| Error::field(format!("edits/{index}/{field}"), error.to_string()))
            };
            Ok(match edit {
                EditJson::SetText { eid: id, text } => {
                    Edit::SetText { eid: eid("eid", id)?, text: text.clone() }
                }
                EditJson::SetHeading { eid: id, heading } => {
                    Edit::SetHeading { eid: eid("eid", id)?, heading: heading.clone() }
                }
                EditJson::SetNum { eid: id, num } => Edit::SetNum { eid: eid("eid", id)?, num: num.clone() },
                EditJson::InsertAfter { after, eid: id, element, num, text } => Edit::InsertAfter {
                    after: eid("after", after)?,
                    eid: eid("eid", id)?,
                    element: element.clone(),
                    num: num.clone(),
                    text: text.clone(),
                },
                EditJson::Delete { eid: id } => Edit::Delete { eid: eid("eid", id)? },
                EditJson::MoveAfter { eid: id, after } => {
                    Edit::MoveAfter { eid: eid("eid", id)?, after: eid("after", after)? }
                }
            })
        })
        .collect()
}

/// A revision with every paragraph.
#[utoipa::path(get, path = "/api/drafts/{draft_id}/revisions/{number}", tag = "text",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The revision number, or `latest`")),
    responses(
        (status = 200, description = "The revision", body = RevisionDetailJson),
        (status = 404, description = "No such draft or revision", body = crate::error::ErrorBody)))]
pub async fn revision(
    State(state): State<AppState>,
    Path((draft_id, number)): Path<(String, String)>,
) -> Result<Json<RevisionDetailJson>, ApiError> {
    let revision_ref = revision_ref(&draft_id, &number)?;
    let summary = state.store.revision_summary(&revision_ref).await?;
    let paragraphs = state.store.paragraphs(&revision_ref).await?;
    Ok(Json(RevisionDetailJson {
        revision: RevisionJson::from(&RevisionView::from(&summary)),
        paragraphs: paragraphs.iter().map(ParagraphJson::from).collect(),
    }))
}

/// One paragraph of a revision, with its text in every revision of the draft that has it.
#[utoipa::path(get, path = "/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}", tag = "text",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The revision number, or `latest`"),
           ("eid" = String, Path, description = "The element's eId")),
    responses(
        (status = 200, description = "The paragraph and its history", body = ParagraphHistoryJson),
        (status = 404, description = "No such draft, revision or eId", body = crate::error::ErrorBody)))]
pub async fn paragraph(
    State(state): State<AppState>,
    Path((draft_id, number, eid)): Path<(String, String, String)>,
) -> Result<Json<ParagraphHistoryJson>, ApiError> {
    let revision_ref = revision_ref(&draft_id, &number)?;
    let paragraph = state.store.paragraph(&revision_ref, &eid).await?;
    let history = state.store.paragraph_history(&draft_id, &eid).await?;
    Ok(Json(ParagraphHistoryJson {
        paragraph: ParagraphJson::from(&paragraph),
        history: history
            .iter()
            .map(|item| ParagraphVersionJson { revision: item.number, paragraph: ParagraphJson::from(item) })
            .collect(),
    }))
}

/// The query of an export.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// `akn`, `docx`, `html` or `md`.
    format: String,
}

/// A revision as a file: Akoma Ntoso 3.0, Word, HTML or Markdown.
#[utoipa::path(get, path = "/api/drafts/{draft_id}/revisions/{number}/export", tag = "text",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The revision number, or `latest`"), ExportQuery),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, description = "No such draft or revision", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown format", body = crate::error::ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    Path((draft_id, number)): Path<(String, String)>,
    Query(query): Query<ExportQuery>,
) -> Result<File, ApiError> {
    let revision_ref = revision_ref(&draft_id, &number)?;
    let format: Format = query.format.parse()?;
    Ok(export::revision_file(&state.store, &revision_ref, format).await?)
}
