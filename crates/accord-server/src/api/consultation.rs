//! Resident consultations: list, read with statements, the next statement for the caller, vote, submit and
//! moderate statements, close, results (groups, repness, consensus, the map's points), the openData files,
//! and the import of a Pol.is openData conversation (the secretariat).
//!
//! An API caller takes part as their user (bearer token or session); an anonymous caller by the
//! `accord_participant` cookie, which the first vote sets, with the CSRF header every cookie POST needs.

use crate::accreditation::actor;
use crate::auth::Viewer;
use crate::consultation::{
    check_moderator, existing_participant, opening_party, participant_key, results, Results,
};
use crate::error::{ApiError, Error};
use crate::pages::consultation::{consultation_id, export_file, moderation_value, next_for, vote_value};
use crate::AppState;
use accord_store::{Consultation, ConsultationStatement, NewConsultation, NewStatement, OpendataImport};
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A consultation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationJson {
    /// Its id.
    pub id: i64,
    /// The track's slug.
    pub track: String,
    /// The city party that opened it; null when the secretariat did (or it was imported).
    pub party: Option<String>,
    /// Its title.
    pub title: String,
    /// The question put to residents.
    pub description: String,
    /// BCP 47 tag of title and description, or empty.
    pub language: String,
    /// Whether submitted statements wait for moderation before they are shown.
    pub strict_moderation: bool,
    /// `open` or `closed`.
    pub status: String,
    /// When it was opened, RFC 3339.
    pub created_at: String,
    /// When it was closed, RFC 3339.
    pub closed_at: Option<String>,
    /// An imported conversation's origin, or empty.
    pub source: String,
    /// Its statements (only when one consultation is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statements: Option<Vec<StatementJson>>,
}

impl From<Consultation> for ConsultationJson {
    fn from(consultation: Consultation) -> ConsultationJson {
        ConsultationJson {
            id: consultation.consultation_id,
            track: consultation.track_id,
            party: consultation.party_id,
            title: consultation.title,
            description: consultation.description,
            language: consultation.language,
            strict_moderation: consultation.strict_moderation,
            status: consultation.status.to_string(),
            created_at: consultation.created_at,
            closed_at: consultation.closed_at,
            source: consultation.source,
            statements: None,
        }
    }
}

/// A statement.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementJson {
    /// Its id within the consultation, from 0.
    pub id: i64,
    /// The text.
    pub text: String,
    /// BCP 47 tag or empty.
    pub language: String,
    /// Put by the opener.
    pub is_seed: bool,
    /// The participant who wrote it (a number, never a person); null for the opener's seeds.
    pub author: Option<i64>,
    /// `accepted`, `rejected` or `pending`.
    pub moderation: String,
}

impl From<ConsultationStatement> for StatementJson {
    fn from(statement: ConsultationStatement) -> StatementJson {
        StatementJson {
            id: statement.statement_id,
            text: statement.text,
            language: statement.language,
            is_seed: statement.is_seed,
            author: statement.author_id,
            moderation: statement.moderation.as_str().to_owned(),
        }
    }
}

/// A consultation to open.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenJson {
    /// 1 to 200 characters.
    pub title: String,
    /// The question.
    #[serde(default)]
    pub description: String,
    /// BCP 47 tag of title and description.
    #[serde(default)]
    pub language: String,
    /// Whether submitted statements wait for moderation (default true).
    #[serde(default = "yes")]
    pub strict_moderation: bool,
    /// Seed statements, accepted at once.
    #[serde(default)]
    pub seeds: Vec<NewStatementJson>,
}

fn yes() -> bool {
    true
}

/// A statement to put.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStatementJson {
    /// 1 to 1000 characters.
    pub text: String,
    /// BCP 47 tag (`en`, `fr`, `es`, `ar`, `zh`, `ru` …) or empty.
    #[serde(default)]
    pub language: String,
}

/// A vote.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteJson {
    /// The statement's id.
    pub statement: i64,
    /// `agree`, `disagree` or `pass`.
    pub vote: String,
}

/// What a vote or a submission did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipationJson {
    /// The caller's participant number in the consultation.
    pub participant: i64,
    /// The statement submitted, for a submission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<StatementJson>,
}

/// The next statement for the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct NextJson {
    /// The statement drawn by Pol.is's priority, or null when the caller voted on every statement.
    pub statement: Option<StatementJson>,
    /// Statements the caller voted on.
    pub n_voted: usize,
    /// Statements open for votes the caller has not voted on.
    pub n_left: usize,
}

/// A moderation decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerationJson {
    /// `accept`, `reject` or `pending`.
    pub decision: String,
}

/// A Pol.is openData conversation to import.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportJson {
    /// The title; when empty, summary.csv's topic.
    #[serde(default)]
    pub title: String,
    /// BCP 47 tag or empty.
    #[serde(default)]
    pub language: String,
    /// The text of comments.csv.
    pub comments_csv: String,
    /// The text of votes.csv.
    pub votes_csv: String,
    /// The text of summary.csv, if any.
    #[serde(default)]
    pub summary_csv: Option<String>,
}

/// Every consultation of a track, newest first.
#[utoipa::path(get, path = "/api/tracks/{track_id}/consultations", tag = "consultations",
    params(("track_id" = String, Path, description = "The track's slug")),
    responses((status = 200, description = "The consultations", body = [ConsultationJson]),
        (status = 404, description = "No such track", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Path(track_id): Path<String>,
) -> Result<Json<Vec<ConsultationJson>>, ApiError> {
    state.store.track(&track_id).await?;
    let consultations = state.store.consultations(Some(&track_id)).await?;
    Ok(Json(consultations.into_iter().map(ConsultationJson::from).collect()))
}

/// A city's delegation or the secretariat opens a consultation on a track.
#[utoipa::path(post, path = "/api/tracks/{track_id}/consultations", tag = "consultations",
    params(("track_id" = String, Path, description = "The track's slug")), request_body = OpenJson,
    responses((status = 201, description = "The consultation", body = ConsultationJson),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "Not the secretariat nor a city's delegation", body = crate::error::ErrorBody),
        (status = 422, description = "A field is wrong", body = crate::error::ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
    Json(body): Json<OpenJson>,
) -> Result<(StatusCode, Json<ConsultationJson>), ApiError> {
    let party_id = opening_party(&state, &viewer, &track_id).await?;
    let consultation = state
        .store
        .open_consultation(
            &NewConsultation {
                track_id,
                party_id,
                title: body.title,
                description: body.description,
                language: body.language,
                strict_moderation: body.strict_moderation,
                seeds: body
                    .seeds
                    .into_iter()
                    .map(|seed| NewStatement { text: seed.text, language: seed.language })
                    .collect(),
            },
            &actor(&viewer)?,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(with_statements(&state, consultation).await?)))
}

/// The secretariat imports a Pol.is openData conversation as a new consultation: all rows or none.
#[utoipa::path(post, path = "/api/tracks/{track_id}/consultations/import", tag = "consultations",
    params(("track_id" = String, Path, description = "The track's slug")), request_body = ImportJson,
    responses((status = 201, description = "The consultation", body = ConsultationJson),
        (status = 403, description = "Not the secretariat", body = crate::error::ErrorBody),
        (status = 422, description = "A file does not read: the message names file, row and column", body = crate::error::ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
    Json(body): Json<ImportJson>,
) -> Result<(StatusCode, Json<ConsultationJson>), ApiError> {
    let consultation = state
        .store
        .import_consultation(
            &OpendataImport {
                track_id: &track_id,
                title: &body.title,
                language: &body.language,
                comments_csv: &body.comments_csv,
                votes_csv: &body.votes_csv,
                summary_csv: body.summary_csv.as_deref(),
            },
            &actor(&viewer)?,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(ConsultationJson::from(consultation))))
}

async fn with_statements(state: &AppState, consultation: Consultation) -> Result<ConsultationJson, Error> {
    let statements = state.store.consultation_statements(consultation.consultation_id).await?;
    let mut json = ConsultationJson::from(consultation);
    json.statements = Some(statements.into_iter().map(StatementJson::from).collect());
    Ok(json)
}

/// A consultation with every statement and its moderation.
#[utoipa::path(get, path = "/api/consultations/{consultation_id}", tag = "consultations",
    params(("consultation_id" = i64, Path, description = "The consultation's id")),
    responses((status = 200, description = "The consultation", body = ConsultationJson),
        (status = 404, description = "No such consultation", body = crate::error::ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ConsultationJson>, ApiError> {
    let consultation = state.store.consultation(consultation_id(&id)?).await?;
    Ok(Json(with_statements(&state, consultation).await?))
}

/// The statement to show the caller next (Pol.is's weighted draw), and how many are left.
#[utoipa::path(get, path = "/api/consultations/{consultation_id}/next", tag = "consultations",
    params(("consultation_id" = i64, Path, description = "The consultation's id")),
    responses((status = 200, description = "The next statement", body = NextJson),
        (status = 404, description = "No such consultation", body = crate::error::ErrorBody)))]
pub async fn next(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<NextJson>, ApiError> {
    let consultation = state.store.consultation(consultation_id(&id)?).await?;
    let participant = existing_participant(&state, &viewer, &headers, consultation.consultation_id).await?;
    let (statement, n_voted, n_left) = next_for(&state, &consultation, participant).await?;
    Ok(Json(NextJson { statement: statement.map(StatementJson::from), n_voted, n_left }))
}

fn with_cookie(json: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    let mut response = json;
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// Votes agree, disagree or pass; a later vote on the same statement replaces the earlier in the count.
#[utoipa::path(post, path = "/api/consultations/{consultation_id}/votes", tag = "consultations",
    params(("consultation_id" = i64, Path, description = "The consultation's id")), request_body = VoteJson,
    responses((status = 200, description = "Counted", body = ParticipationJson),
        (status = 404, description = "No such consultation or statement", body = crate::error::ErrorBody),
        (status = 409, description = "Closed, or the statement is not open for votes", body = crate::error::ErrorBody),
        (status = 422, description = "Not agree, disagree or pass", body = crate::error::ErrorBody)))]
pub async fn vote(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<VoteJson>,
) -> Result<Response, ApiError> {
    let consultation_id = consultation_id(&id)?;
    let vote = vote_value(&body.vote)?;
    let (key, cookie) = participant_key(&state, &viewer, &headers);
    let cast = state.store.cast_vote(consultation_id, &key, body.statement, vote).await?;
    let json = Json(ParticipationJson { participant: cast.participant_id, statement: None }).into_response();
    Ok(with_cookie(json, cookie))
}

/// Submits a statement: it waits for moderation unless the consultation shows statements at once.
#[utoipa::path(post, path = "/api/consultations/{consultation_id}/statements", tag = "consultations",
    params(("consultation_id" = i64, Path, description = "The consultation's id")), request_body = NewStatementJson,
    responses((status = 201, description = "Submitted", body = ParticipationJson),
        (status = 409, description = "Closed", body = crate::error::ErrorBody),
        (status = 422, description = "Empty or too long, or a bad language tag", body = crate::error::ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<NewStatementJson>,
) -> Result<Response, ApiError> {
    let consultation_id = consultation_id(&id)?;
    let (key, cookie) = participant_key(&state, &viewer, &headers);
    let (statement, cast) = state
        .store
        .submit_statement(consultation_id, &key, &NewStatement { text: body.text, language: body.language })
        .await?;
    let json = (
        StatusCode::CREATED,
        Json(ParticipationJson { participant: cast.participant_id, statement: Some(statement.into()) }),
    )
        .into_response();
    Ok(with_cookie(json, cookie))
}

/// The opener (or the secretariat) accepts or rejects a statement.
#[utoipa::path(post, path = "/api/consultations/{consultation_id}/statements/{statement_id}/moderation",
    tag = "consultations",
    params(("consultation_id" = i64, Path, description = "The consultation's id"),
           ("statement_id" = i64, Path, description = "The statement's id")), request_body = ModerationJson,
    responses((status = 200, description = "The statement", body = StatementJson),
        (status = 403, description = "Not the opener nor the secretariat", body = crate::error::ErrorBody),
        (status = 409, description = "Closed", body = crate::error::ErrorBody),
        (status = 422, description = "Not accept, reject or pending", body = crate::error::ErrorBody)))]
pub async fn moderate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, statement_id)): Path<(String, i64)>,
    Json(body): Json<ModerationJson>,
) -> Result<Json<StatementJson>, ApiError> {
    let consultation = state.store.consultation(consultation_id(&id)?).await?;
    check_moderator(&state, &viewer, &consultation).await?;
    let decision = moderation_value(&body.decision)?;
    let statement = state
        .store
        .moderate_statement(consultation.consultation_id, statement_id, decision, &actor(&viewer)?)
        .await?;
    Ok(Json(statement.into()))
}

/// The opener (or the secretariat) closes a consultation.
#[utoipa::path(post, path = "/api/consultations/{consultation_id}/close", tag = "consultations",
    params(("consultation_id" = i64, Path, description = "The consultation's id")),
    responses((status = 200, description = "The closed consultation", body = ConsultationJson),
        (status = 403, description = "Not the opener nor the secretariat", body = crate::error::ErrorBody),
        (status = 409, description = "Closed already", body = crate::error::ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Json<ConsultationJson>, ApiError> {
    let consultation = state.store.consultation(consultation_id(&id)?).await?;
    check_moderator(&state, &viewer, &consultation).await?;
    let closed = state.store.close_consultation(consultation.consultation_id, &actor(&viewer)?).await?;
    Ok(Json(closed.into()))
}

/// The opinion groups with their representative statements, the consensus statements and every clustered
/// participant's place on the map, by the Pol.is math from a cold start.
#[utoipa::path(get, path = "/api/consultations/{consultation_id}/results", tag = "consultations",
    params(("consultation_id" = i64, Path, description = "The consultation's id")),
    responses((status = 200, description = "The results (empty while there is no vote)", body = Results),
        (status = 404, description = "No such consultation", body = crate::error::ErrorBody)))]
pub async fn results_json(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Results>, ApiError> {
    let consultation_id = consultation_id(&id)?;
    state.store.consultation(consultation_id).await?;
    let statements = state.store.consultation_statements(consultation_id).await?;
    Ok(Json(match state.store.consultation_analysis(consultation_id).await? {
        Some(analysis) => results(&analysis, &statements),
        None => Results::default(),
    }))
}

/// One file of the Pol.is openData export: `summary.csv`, `comments.csv`, `votes.csv` (every vote) or
/// `participants-votes.csv` (each participant's latest votes and group).
#[utoipa::path(get, path = "/api/consultations/{consultation_id}/export/{file}", tag = "consultations",
    params(("consultation_id" = i64, Path, description = "The consultation's id"),
           ("file" = String, Path, description = "summary.csv, comments.csv, votes.csv or participants-votes.csv")),
    responses((status = 200, description = "The CSV file", body = String, content_type = "text/csv"),
        (status = 404, description = "No such consultation or file", body = crate::error::ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(export_file(&state, &headers, consultation_id(&id)?, &file).await?)
}
