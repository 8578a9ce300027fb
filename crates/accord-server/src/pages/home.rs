//! The list of processes (with the offer to load the demonstration on an empty database) and one process.

use super::html;
use crate::auth::Viewer;
use crate::error::PageError;
use crate::AppState;
use accord_store::{Draft, Process, Track};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    processes: Vec<Process>,
    /// The CSRF token of the form that loads the demonstration.
    csrf: String,
}

#[derive(Template)]
#[template(path = "process.html")]
struct ProcessPage {
    process: Process,
    tracks: Vec<(Track, Vec<Draft>)>,
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// The HTTP status code.
    pub status: u16,
    /// Its reason phrase.
    pub reason: String,
    /// What went wrong.
    pub message: String,
}

/// `GET /`: every process; on an empty database, the offer to load the demonstration.
pub async fn processes(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, PageError> {
    html(&Home { processes: state.store.processes().await?, csrf: viewer.csrf().to_owned() })
}

/// `POST /demo`: loads the demonstration process (once) and goes back to the list. The guard lets anyone do it
/// while the database holds no process, and only the secretariat after that.
pub async fn load_demo(State(state): State<AppState>) -> Result<Redirect, PageError> {
    accord_demo::load(&state.store).await.map_err(|error| crate::Error::Internal(error.to_string()))?;
    Ok(Redirect::to(&format!("/processes/{}", accord_demo::PROCESS_ID)))
}

/// `GET /processes/{process_id}`: a process with its tracks and drafts.
pub async fn process(
    State(state): State<AppState>,
    Path(process_id): Path<String>,
) -> Result<Html<String>, PageError> {
    let process = state.store.process(&process_id).await?;
    let mut tracks = Vec::new();
    for track in state.store.tracks(&process_id).await? {
        let drafts = state.store.drafts(&track.track_id).await?;
        tracks.push((track, drafts));
    }
    html(&ProcessPage { process, tracks })
}
