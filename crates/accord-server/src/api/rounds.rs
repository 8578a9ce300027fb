//! A track's rounds and the least number of co-sponsors an amendment needs there: read by anyone, set by the
//! secretariat.

use crate::accreditation::actor;
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::AppState;
use accord_store::Round;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A track's rounds and the least number of co-sponsors an amendment needs to be tabled there.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundsJson {
    /// The track's slug.
    pub track: String,
    /// The least number of co-sponsors an amendment needs to be tabled, 0 for none.
    pub min_co_sponsors: i64,
    /// The rounds, by number.
    pub rounds: Vec<RoundJson>,
}

/// One round.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundJson {
    /// 1, 2 …
    pub number: i64,
    /// Its title.
    pub title: String,
    /// The day it opens, YYYY-MM-DD.
    pub opens_on: String,
    /// The deadline for tabling, revising and co-sponsoring, RFC 3339 in UTC.
    pub deadline: String,
}

impl From<Round> for RoundJson {
    fn from(round: Round) -> RoundJson {
        RoundJson {
            number: round.number,
            title: round.title,
            opens_on: round.opens_on,
            deadline: round.deadline,
        }
    }
}

/// A round to open: it is numbered after the track's last.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoundJson {
    /// Its title, e.g. `Round 2: amendments to Rev.1`.
    pub title: String,
    /// The day it opens, YYYY-MM-DD.
    pub opens_on: String,
    /// The deadline, RFC 3339 with any offset (stored in UTC), not before the opening day.
    pub deadline: String,
}

/// The least number of co-sponsors.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinCoSponsorsJson {
    /// 0 or more.
    pub min_co_sponsors: i64,
}

async fn rounds_json(state: &AppState, track_id: &str) -> Result<RoundsJson, ApiError> {
    let min_co_sponsors = state.store.min_co_sponsors(track_id).await?;
    let rounds = state.store.rounds(track_id).await?.into_iter().map(RoundJson::from).collect();
    Ok(RoundsJson { track: track_id.to_owned(), min_co_sponsors, rounds })
}

/// A track's rounds and its least number of co-sponsors.
#[utoipa::path(get, path = "/api/tracks/{track_id}/rounds", tag = "amendments",
    params(("track_id" = String, Path, description = "The track's slug")),
    responses((status = 200, description = "The rounds", body = RoundsJson),
        (status = 404, description = "No such track", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Path(track_id): Path<String>,
) -> Result<Json<RoundsJson>, ApiError> {
    state.store.track(&track_id).await?;
    Ok(Json(rounds_json(&state, &track_id).await?))
}

/// The secretariat opens the track's next round.
#[utoipa::path(post, path = "/api/tracks/{track_id}/rounds", tag = "amendments",
    params(("track_id" = String, Path, description = "The track's slug")),
    request_body = NewRoundJson,
    responses((status = 201, description = "The round opened", body = RoundJson),
        (status = 404, description = "No such track", body = crate::error::ErrorBody),
        (status = 422, description = "An empty title, a day or deadline that does not parse, a deadline before the opening day (the field is named)", body = crate::error::ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
    Json(body): Json<NewRoundJson>,
) -> Result<(StatusCode, Json<RoundJson>), ApiError> {
    let round = state
        .store
        .open_round(&track_id, &body.title, &body.opens_on, &body.deadline, &actor(&viewer)?)
        .await?;
    Ok((StatusCode::CREATED, Json(round.into())))
}

/// The secretariat sets the least number of co-sponsors an amendment needs to be tabled in the track; it
/// applies to amendments tabled from then on.
#[utoipa::path(post, path = "/api/tracks/{track_id}/min-co-sponsors", tag = "amendments",
    params(("track_id" = String, Path, description = "The track's slug")),
    request_body = MinCoSponsorsJson,
    responses((status = 200, description = "The track's rounds and its least number of co-sponsors", body = RoundsJson),
        (status = 404, description = "No such track", body = crate::error::ErrorBody),
        (status = 422, description = "A negative number", body = crate::error::ErrorBody)))]
pub async fn set_min_co_sponsors(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
    Json(body): Json<MinCoSponsorsJson>,
) -> Result<Json<RoundsJson>, ApiError> {
    state.store.set_min_co_sponsors(&track_id, body.min_co_sponsors, &actor(&viewer)?).await?;
    Ok(Json(rounds_json(&state, &track_id).await?))
}
