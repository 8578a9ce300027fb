//! A draft's revision history, with the form to compare two revisions and its track's rounds, each linked to
//! its compilation text.

use super::html;
use crate::error::PageError;
use crate::view::RevisionView;
use crate::AppState;
use accord_store::{Draft, Process, Track};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

#[derive(Template)]
#[template(path = "draft.html")]
struct History {
    process: Process,
    track: Track,
    draft: Draft,
    revisions: Vec<RevisionView>,
    has_demo: bool,
    from: i64,
    to: i64,
    full: bool,
    rounds: Vec<crate::amendment::RoundLink>,
}

/// `GET /drafts/{draft_id}`: the revisions, oldest first, and the redline form set to the last two.
pub async fn history(
    State(state): State<AppState>,
    Path(draft_id): Path<String>,
) -> Result<Html<String>, PageError> {
    let (process, track, draft) = state.store.draft_context(&draft_id).await?;
    let revisions: Vec<RevisionView> =
        state.store.revisions(&draft_id).await?.iter().map(RevisionView::from).collect();
    let to = revisions.last().map_or(0, |revision| revision.number);
    html(&History {
        rounds: crate::amendment::round_links(&state, &draft_id, &track.track_id).await?,
        process,
        track,
        draft,
        has_demo: revisions.iter().any(|revision| revision.is_demo),
        revisions,
        from: (to - 1).max(0),
        to,
        full: false,
    })
}
