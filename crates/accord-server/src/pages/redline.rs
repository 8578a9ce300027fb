//! The redline between two revisions of a draft, chosen in a form, and its downloads.

use super::html;
use crate::error::{Error, PageError};
use crate::export::revision_ref;
use crate::export::{self, File, Format};
use crate::view::{redline_rows_with_provenance, RedlineRow, RevisionView};
use crate::AppState;
use accord_store::{Draft, Process};
use accord_text::redline::Counts;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "redline.html")]
struct RedlinePage {
    process: Process,
    draft: Draft,
    revisions: Vec<RevisionView>,
    old: RevisionView,
    new: RevisionView,
    from: i64,
    to: i64,
    full: bool,
    counts: Counts,
    rows: Vec<RedlineRow>,
    from_picks: bool,
    export_base: String,
}

/// The form's fields: revision numbers, and whether to show the full text.
#[derive(Debug, Deserialize)]
pub struct Choice {
    from: Option<String>,
    to: Option<String>,
    view: Option<String>,
}

/// `GET /drafts/{draft_id}/redline?from=N&to=M&view=changes|full`.
pub async fn page(
    State(state): State<AppState>,
    Path(draft_id): Path<String>,
    Query(choice): Query<Choice>,
) -> Result<Html<String>, PageError> {
    let (process, _track, draft) = state.store.draft_context(&draft_id).await?;
    let revisions: Vec<RevisionView> =
        state.store.revisions(&draft_id).await?.iter().map(RevisionView::from).collect();
    let (from, to) = numbers(&choice, &revisions)?;
    let compared = export::compare(
        &state.store,
        &revision_ref(&draft_id, &from.to_string())?,
        &revision_ref(&draft_id, &to.to_string())?,
    )
    .await?;
    let full = choice.view.as_deref() == Some("full");
    html(&RedlinePage {
        process,
        export_base: format!("/drafts/{}/redline/export", draft.draft_id),
        draft,
        revisions,
        old: RevisionView::from(&compared.old.summary),
        new: RevisionView::from(&compared.new.summary),
        from,
        to,
        full,
        counts: compared.redline.counts(),
        rows: redline_rows_with_provenance(&compared.redline, full, compared.provenance.as_ref()),
        from_picks: compared.provenance.is_some(),
    })
}

/// `GET /drafts/{draft_id}/redline/export/{format}?from=N&to=M`.
pub async fn export(
    State(state): State<AppState>,
    Path((draft_id, format)): Path<(String, String)>,
    Query(choice): Query<Choice>,
) -> Result<File, PageError> {
    let revisions: Vec<RevisionView> =
        state.store.revisions(&draft_id).await?.iter().map(RevisionView::from).collect();
    let (from, to) = numbers(&choice, &revisions)?;
    let format: Format =
        format.parse().map_err(|_| Error::NotFound(format!("no export format `{format}`")))?;
    let compared = export::compare(
        &state.store,
        &revision_ref(&draft_id, &from.to_string())?,
        &revision_ref(&draft_id, &to.to_string())?,
    )
    .await?;
    Ok(export::redline_file(&compared, format, &compared.new.summary.author)?)
}

/// The chosen numbers, defaulting to the last two revisions.
fn numbers(choice: &Choice, revisions: &[RevisionView]) -> Result<(i64, i64), Error> {
    let latest = revisions.last().map_or(0, |revision| revision.number);
    let parse = |field: &str, value: &Option<String>, default: i64| -> Result<i64, Error> {
        match value.as_deref() {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse::<i64>()
                .map_err(|_| Error::BadRequest(format!("{field}: `{text}` is not a revision number"))),
        }
    };
    Ok((parse("from", &choice.from, (latest - 1).max(0))?, parse("to", &choice.to, latest)?))
}
