//! Accreditation of parties to tracks: list, read with history, request, decide, appeal, withdraw.

use crate::accreditation::{actor, party_headed_by};
use crate::auth::Viewer;
use crate::error::{ApiError, Error};
use crate::pages::accreditation::{decision, standing};
use crate::AppState;
use accord_store::Accreditation;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A party's accreditation to a track.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccreditationJson {
    /// The track's slug.
    pub track: String,
    /// The party's slug.
    pub party: String,
    /// `participant` or `observer`: what was asked.
    pub requested_as: String,
    /// `pending`, `participant`, `observer`, `refused`, `appealed` or `withdrawn`.
    pub status: String,
    /// Whether the one appeal has been used.
    pub appealed: bool,
    /// When it last changed, RFC 3339.
    pub updated_at: String,
    /// Every step, oldest first (only when one accreditation is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<StepJson>>,
}

/// One step of an accreditation.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepJson {
    /// 1, 2 …
    pub step: i64,
    /// RFC 3339.
    pub at: String,
    /// `requested`, `granted`, `granted_as_observer`, `refused`, `appealed`, `withdrawn`.
    pub action: String,
    /// Who took it.
    pub actor: String,
    /// Statement or reason.
    pub text: String,
}

impl From<Accreditation> for AccreditationJson {
    fn from(accreditation: Accreditation) -> AccreditationJson {
        AccreditationJson {
            track: accreditation.track_id,
            party: accreditation.party_id,
            requested_as: accreditation.requested_as.to_string(),
            status: accreditation.status.to_string(),
            appealed: accreditation.appealed,
            updated_at: accreditation.updated_at,
            steps: None,
        }
    }
}

/// A request for entry.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestJson {
    /// The party's slug: the party of the head of delegation asking.
    pub party: String,
    /// `participant` or `observer`.
    pub standing: String,
    /// Why the party asks.
    #[serde(default)]
    pub statement: String,
}

/// A decision of the secretariat.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionJson {
    /// `grant`, `observer` or `refuse`.
    pub decision: String,
    /// The reason of a refusal.
    #[serde(default)]
    pub reason: String,
}

/// An appeal or a withdrawal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementJson {
    /// What the party says.
    #[serde(default)]
    pub statement: String,
}

/// Every accreditation of a track.
#[utoipa::path(get, path = "/api/tracks/{track_id}/accreditations", tag = "parties",
    params(("track_id" = String, Path, description = "The track's slug")),
    responses((status = 200, description = "The accreditations, by party", body = [AccreditationJson]),
        (status = 404, description = "No such track", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Path(track_id): Path<String>,
) -> Result<Json<Vec<AccreditationJson>>, ApiError> {
    state.store.track(&track_id).await?;
    let accreditations = state.store.accreditations(Some(&track_id), None).await?;
    Ok(Json(accreditations.into_iter().map(AccreditationJson::from).collect()))
}

/// One party's accreditation to a track, with its history.
#[utoipa::path(get, path = "/api/tracks/{track_id}/accreditations/{party_id}", tag = "parties",
    params(("track_id" = String, Path, description = "The track's slug"),
           ("party_id" = String, Path, description = "The party's slug")),
    responses((status = 200, description = "The accreditation", body = AccreditationJson),
        (status = 404, description = "No such track, party or request", body = crate::error::ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    Path((track_id, party_id)): Path<(String, String)>,
) -> Result<Json<AccreditationJson>, ApiError> {
    Ok(Json(with_steps(&state, state.store.accreditation(&track_id, &party_id).await?).await?))
}

async fn with_steps(state: &AppState, accreditation: Accreditation) -> Result<AccreditationJson, Error> {
    let steps = state.store.accreditation_steps(&accreditation.track_id, &accreditation.party_id).await?;
    let mut json = AccreditationJson::from(accreditation);
    json.steps = Some(
        steps
            .into_iter()
            .map(|step| StepJson {
                step: step.step,
                at: step.at,
                action: step.action,
                actor: step.actor,
                text: step.text,
            })
            .collect(),
    );
    Ok(json)
}

/// The head of a party's delegation asks for entry to a track.
#[utoipa::path(post, path = "/api/tracks/{track_id}/accreditations", tag = "parties",
    params(("track_id" = String, Path, description = "The track's slug")), request_body = RequestJson,
    responses((status = 201, description = "The request", body = AccreditationJson),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "Not the head of that party's delegation", body = crate::error::ErrorBody),
        (status = 404, description = "No such track or party", body = crate::error::ErrorBody),
        (status = 409, description = "A request is pending, or the party is accredited", body = crate::error::ErrorBody),
        (status = 422, description = "A field is wrong", body = crate::error::ErrorBody)))]
pub async fn request(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
    Json(body): Json<RequestJson>,
) -> Result<(StatusCode, Json<AccreditationJson>), ApiError> {
    state.store.party(&body.party).await?;
    party_headed_by(&state, &viewer, &track_id, Some(&body.party)).await?;
    let accreditation = state
        .store
        .request_accreditation(
            &track_id,
            &body.party,
            standing(&body.standing)?,
            body.statement.trim(),
            &actor(&viewer)?,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(with_steps(&state, accreditation).await?)))
}

/// The secretariat decides a pending or appealed request.
#[utoipa::path(post, path = "/api/tracks/{track_id}/accreditations/{party_id}/decision", tag = "parties",
    params(("track_id" = String, Path, description = "The track's slug"),
           ("party_id" = String, Path, description = "The party's slug")), request_body = DecisionJson,
    responses((status = 200, description = "The decided accreditation", body = AccreditationJson),
        (status = 403, description = "Not the secretariat", body = crate::error::ErrorBody),
        (status = 409, description = "Not pending or appealed", body = crate::error::ErrorBody),
        (status = 422, description = "Unknown decision, or a refusal without reason", body = crate::error::ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((track_id, party_id)): Path<(String, String)>,
    Json(body): Json<DecisionJson>,
) -> Result<Json<AccreditationJson>, ApiError> {
    let decision = decision(&body.decision, &body.reason)?;
    let accreditation =
        state.store.decide_accreditation(&track_id, &party_id, &decision, &actor(&viewer)?).await?;
    Ok(Json(with_steps(&state, accreditation).await?))
}

/// The head of the party's delegation appeals a refusal, once.
#[utoipa::path(post, path = "/api/tracks/{track_id}/accreditations/{party_id}/appeal", tag = "parties",
    params(("track_id" = String, Path, description = "The track's slug"),
           ("party_id" = String, Path, description = "The party's slug")), request_body = StatementJson,
    responses((status = 200, description = "The appealed accreditation", body = AccreditationJson),
        (status = 403, description = "Not the head of that party's delegation", body = crate::error::ErrorBody),
        (status = 409, description = "Not refused, or appealed already", body = crate::error::ErrorBody)))]
pub async fn appeal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((track_id, party_id)): Path<(String, String)>,
    Json(body): Json<StatementJson>,
) -> Result<Json<AccreditationJson>, ApiError> {
    party_headed_by(&state, &viewer, &track_id, Some(&party_id)).await?;
    let accreditation = state
        .store
        .appeal_accreditation(&track_id, &party_id, body.statement.trim(), &actor(&viewer)?)
        .await?;
    Ok(Json(with_steps(&state, accreditation).await?))
}

/// The head of the party's delegation withdraws it from the track; it stays in the others.
#[utoipa::path(post, path = "/api/tracks/{track_id}/accreditations/{party_id}/withdraw", tag = "parties",
    params(("track_id" = String, Path, description = "The track's slug"),
           ("party_id" = String, Path, description = "The party's slug")), request_body = StatementJson,
    responses((status = 200, description = "The withdrawn accreditation", body = AccreditationJson),
        (status = 403, description = "Not the head of that party's delegation", body = crate::error::ErrorBody),
        (status = 409, description = "Refused or withdrawn already", body = crate::error::ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((track_id, party_id)): Path<(String, String)>,
    Json(body): Json<StatementJson>,
) -> Result<Json<AccreditationJson>, ApiError> {
    party_headed_by(&state, &viewer, &track_id, Some(&party_id)).await?;
    let accreditation = state
        .store
        .withdraw_accreditation(&track_id, &party_id, body.statement.trim(), &actor(&viewer)?)
        .await?;
    Ok(Json(with_steps(&state, accreditation).await?))
}
