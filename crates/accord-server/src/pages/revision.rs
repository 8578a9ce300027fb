//! A revision's full text, one paragraph across revisions, and a revision's downloads.

use super::html;
use crate::amendment::{round_links, RoundLink};
use crate::auth::Viewer;
use crate::error::{Error, PageError};
use crate::export::{self, revision_ref, File, Format};
use crate::permissions::Action;
use crate::view::{RevisionView, TextRow};
use crate::AppState;
use accord_store::{Draft, Process};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

#[derive(Template)]
#[template(path = "revision.html")]
struct FullText {
    process: Process,
    draft: Draft,
    revision: RevisionView,
    number: i64,
    symbol: Option<String>,
    base: String,
    links: bool,
    rows: Vec<TextRow>,
    propose_base: String,
    rounds: Vec<crate::amendment::RoundLink>,
}

#[derive(Template)]
#[template(path = "paragraph.html")]
struct ParagraphPage {
    draft: Draft,
    revision: RevisionView,
    eid: String,
    paragraph: TextRow,
    history: Vec<(RevisionView, TextRow)>,
}

/// `GET /drafts/{draft_id}/revisions/{number}`: the whole text, each element linked by its eId.
pub async fn full_text(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let revision_ref = revision_ref(&draft_id, &number)?;
    let (process, track, draft) = state.store.draft_context(&draft_id).await?;
    let revision = state.store.revision(&revision_ref).await?;
    let summary = &revision.summary;
    let rounds: Vec<RoundLink> = round_links(&state, &draft_id, &track.track_id)
        .await?
        .into_iter()
        .filter(|link| link.revision == Some(summary.number))
        .collect();
    // A delegate of a participant party proposes amendments to the latest revision while a round is open.
    let open_round = rounds.iter().rev().find(|link| link.is_open).map(|link| link.round.number);
    let propose_base = match open_round {
        Some(round) if viewer.may(Action::TableAmendment) => {
            format!(
                "/drafts/{}/revisions/{}/amendments/new?round={round}&eid=",
                draft.draft_id, summary.number
            )
        }
        _ => String::new(),
    };
    html(&FullText {
        propose_base,
        rounds,
        process,
        base: format!("/drafts/{}/revisions/{}", draft.draft_id, summary.number),
        draft,
        number: summary.number,
        revision: RevisionView::from(summary),
        symbol: revision.document.meta().source_symbol.clone(),
        links: true,
        rows: revision.document.units().iter().map(TextRow::from).collect(),
    })
}

/// `GET /drafts/{draft_id}/revisions/{number}/paragraphs/{eid}`: one element and its text in every revision.
pub async fn paragraph(
    State(state): State<AppState>,
    Path((draft_id, number, eid)): Path<(String, String, String)>,
) -> Result<Html<String>, PageError> {
    let revision_ref = revision_ref(&draft_id, &number)?;
    let draft = state.store.draft(&draft_id).await?;
    let summary = state.store.revision_summary(&revision_ref).await?;
    let paragraph = state.store.paragraph(&revision_ref, &eid).await?;
    let revisions = state.store.revisions(&draft_id).await?;
    let history = state
        .store
        .paragraph_history(&draft_id, &eid)
        .await?
        .iter()
        .filter_map(|item| {
            let revision = revisions.iter().find(|revision| revision.number == item.number)?;
            Some((RevisionView::from(revision), TextRow::from(item)))
        })
        .collect();
    html(&ParagraphPage {
        draft,
        revision: RevisionView::from(&summary),
        eid,
        paragraph: TextRow::from(&paragraph),
        history,
    })
}

/// `GET /drafts/{draft_id}/revisions/{number}/export/{format}`: the revision as a file.
pub async fn export(
    State(state): State<AppState>,
    Path((draft_id, number, format)): Path<(String, String, String)>,
) -> Result<File, PageError> {
    let revision_ref = revision_ref(&draft_id, &number)?;
    let format: Format =
        format.parse().map_err(|_| Error::NotFound(format!("no export format `{format}`")))?;
    Ok(export::revision_file(&state.store, &revision_ref, format).await?)
}
