//! `GET /api/processes` and `GET /api/processes/{process_id}`.

use super::types::ProcessJson;
use crate::error::ApiError;
use crate::AppState;
use accord_store::Store;
use axum::extract::{Path, State};
use axum::Json;

async fn process_json(store: &Store, process_id: &str) -> Result<ProcessJson, ApiError> {
    let process = store.process(process_id).await?;
    let mut tracks = Vec::new();
    for track in store.tracks(process_id).await? {
        let drafts = store.drafts(&track.track_id).await?;
        tracks.push((track, drafts));
    }
    Ok(ProcessJson::new(process, tracks))
}

/// Every process with its tracks and drafts.
#[utoipa::path(get, path = "/api/processes", tag = "text",
    responses((status = 200, description = "The processes, oldest first", body = [ProcessJson])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<ProcessJson>>, ApiError> {
    let mut processes = Vec::new();
    for process in state.store.processes().await? {
        processes.push(process_json(&state.store, &process.process_id).await?);
    }
    Ok(Json(processes))
}

/// One process with its tracks and drafts.
#[utoipa::path(get, path = "/api/processes/{process_id}", tag = "text",
    params(("process_id" = String, Path, description = "The process's slug")),
    responses(
        (status = 200, description = "The process", body = ProcessJson),
        (status = 404, description = "No such process", body = crate::error::ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    Path(process_id): Path<String>,
) -> Result<Json<ProcessJson>, ApiError> {
    Ok(Json(process_json(&state.store, &process_id).await?))
}
