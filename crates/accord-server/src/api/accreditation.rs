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
    /// The supporting documents of the request (only when one accreditation is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<DocumentJson>>,
}

/// A supporting document, as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentJson {
    /// The file name.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// Where to download it.
    pub href: String,
}

/// A supporting document sent with a request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDocumentJson {
    /// The file name.
    pub name: String,
    /// Its media type, e.g. `application/pdf`.
    pub media_type: String,
    /// The bytes, base64 (standard alphabet, padded).
    pub content_base64: String,
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
            documents: None,
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
    /// Supporting documents (at most 5, 5 MiB each); they replace those of an earlier request.
    #[serde(default)]
    pub documents: Vec<NewDocumentJson>,
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
    let documents =
        state.store.accreditation_documents(&accreditation.track_id, &accreditation.party_id).await?;
    let href = |name: &str| {
        format!(
            "/api/tracks/{}/accreditations/{}/documents/{}",
            accreditation.track_id,
            accreditation.party_id,
            percent_encode(name)
        )
    };
    let documents = documents
        .into_iter()
        .map(|(name, media_type, size)| DocumentJson { href: href(&name), name, media_type, size })
        .collect();
    let mut json = AccreditationJson::from(accreditation);
    json.documents = Some(documents);
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
    let documents = body
        .documents
        .iter()
        .enumerate()
        .map(|(index, document)| {
            use base64::Engine as _;
            let content = base64::engine::general_purpose::STANDARD
                .decode(document.content_base64.trim())
                .map_err(|error| {
                    Error::field(format!("documents/{index}/content_base64"), format!("not base64: {error}"))
                })?;
            Ok(accord_store::SupportingDocument {
                name: document.name.clone(),
                media_type: document.media_type.clone(),
                content,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let accreditation = state
        .store
        .request_accreditation_with_documents(
            &track_id,
            &body.party,
            standing(&body.standing)?,
            body.statement.trim(),
            &documents,
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

/// Percent-encodes a path segment (RFC 3986 unreserved characters stay).
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One supporting document of a request, as it was sent.
#[utoipa::path(get, path = "/api/tracks/{track_id}/accreditations/{party_id}/documents/{name}", tag = "parties",
    params(("track_id" = String, Path, description = "The track's slug"),
           ("party_id" = String, Path, description = "The party's slug"),
           ("name" = String, Path, description = "The document's file name")),
    responses((status = 200, description = "The document", content_type = "application/octet-stream"),
        (status = 404, description = "No such document", body = crate::error::ErrorBody)))]
pub async fn document(
    State(state): State<AppState>,
    Path((track_id, party_id, name)): Path<(String, String, String)>,
) -> Result<axum::response::Response, ApiError> {
    Ok(document_response(&state, &track_id, &party_id, &name).await?)
}

/// A document as an attachment download, for the API and the pages.
pub(crate) async fn document_response(
    state: &AppState,
    track_id: &str,
    party_id: &str,
    name: &str,
) -> Result<axum::response::Response, Error> {
    use axum::response::IntoResponse;
    let document = state.store.accreditation_document(track_id, party_id, name).await?;
    let media_type = axum::http::HeaderValue::from_str(&document.media_type)
        .unwrap_or_else(|_| axum::http::HeaderValue::from_static("application/octet-stream"));
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&document.name));
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, media_type),
            (
                axum::http::header::CONTENT_DISPOSITION,
                axum::http::HeaderValue::from_str(&disposition).expect("percent-encoded ASCII"),
            ),
            (axum::http::header::X_CONTENT_TYPE_OPTIONS, axum::http::HeaderValue::from_static("nosniff")),
        ],
        document.content,
    )
        .into_response())
}
