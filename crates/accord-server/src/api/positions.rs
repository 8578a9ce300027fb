//! Positions of the parties on amendments and paragraphs (read, take, change, withdraw, with their history),
//! the status of every paragraph of a revision, the adoption of paragraphs, and a track's consensus dashboard.

use crate::accreditation::actor;
use crate::auth::Viewer;
use crate::error::{ApiError, Error};
use crate::export::revision_ref;
use crate::pages::positions::stance;
use crate::position::{dashboard, party_of_delegate, Dashboard, PartyName};
use crate::AppState;
use accord_store::{NewPosition, ParagraphState, Position, PositionChange, PositionTarget, RevisionRef};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A party's position.
#[derive(Debug, Serialize, ToSchema)]
pub struct PositionJson {
    /// The party's slug.
    pub party: String,
    /// Its name.
    pub name: String,
    /// `support`, `can_live_with`, `reservation` or `objection`.
    pub stance: String,
    /// The party's words (may be empty).
    pub statement: String,
    /// For a paragraph: the revision it was taken on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// When it was taken, RFC 3339.
    pub at: String,
}

impl From<Position> for PositionJson {
    fn from(position: Position) -> PositionJson {
        PositionJson {
            party: position.party_id,
            name: position.party_name,
            stance: position.stance.as_str().to_owned(),
            statement: position.statement,
            revision: position.revision,
            at: position.at,
        }
    }
}

/// One change of a position.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeJson {
    /// Its number, in the order of all changes.
    pub change: i64,
    /// The party's slug.
    pub party: String,
    /// The new stance; `null` when the party withdrew its position.
    pub stance: Option<String>,
    /// The party's words.
    pub statement: String,
    /// For a paragraph: the revision it was taken on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// When, RFC 3339.
    pub at: String,
    /// Who recorded it.
    pub actor: String,
}

impl From<PositionChange> for ChangeJson {
    fn from(change: PositionChange) -> ChangeJson {
        ChangeJson {
            change: change.change_id,
            party: change.party_id,
            stance: change.stance.map(|stance| stance.as_str().to_owned()),
            statement: change.statement,
            revision: change.revision,
            at: change.at,
            actor: change.actor,
        }
    }
}

/// A paragraph's status in a revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusJson {
    /// The eId.
    pub eid: String,
    /// `open`, `bracketed`, `agreed_ad_ref` or `adopted`.
    pub status: String,
    /// The parties whose objections bracket it.
    pub holders: Vec<PartyName>,
    /// Positions counted: supports.
    pub support: usize,
    /// Positions counted: can live with.
    pub can_live_with: usize,
    /// Positions counted: reservations.
    pub reservation: usize,
    /// Positions counted: objections.
    pub objection: usize,
    /// The revision it was adopted in, while the adoption holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adopted_in: Option<i64>,
    /// The objective's eId, if it is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
}

impl From<ParagraphState> for StatusJson {
    fn from(state: ParagraphState) -> StatusJson {
        StatusJson {
            eid: state.eid,
            status: state.status.as_str().to_owned(),
            holders: state.holders.into_iter().map(|(party, name)| PartyName { party, name }).collect(),
            support: state.counts.support,
            can_live_with: state.counts.can_live_with,
            reservation: state.counts.reservation,
            objection: state.counts.objection,
            adopted_in: state.adopted_in,
            objective: state.objective.map(|(eid, _)| eid),
        }
    }
}

/// The positions on a target, with their history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PositionsJson {
    /// `A/12` or `gcm#sec_3__obj_15__para_1__point_c`.
    pub target: String,
    /// For a paragraph: its status in the revision of the path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusJson>,
    /// The current positions, by party name.
    pub positions: Vec<PositionJson>,
    /// Every change, oldest first.
    pub history: Vec<ChangeJson>,
}

/// A position to take, for the party of the delegate asking.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPositionJson {
    /// `support`, `can_live_with`, `reservation` or `objection`.
    pub stance: String,
    /// The party's words (optional, at most 4,000 characters).
    #[serde(default)]
    pub statement: String,
}

/// Paragraphs to adopt.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdoptionJson {
    /// The eIds; empty for every paragraph of the revision that is not adopted.
    #[serde(default)]
    pub eids: Vec<String>,
}

/// The paragraphs adopted.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdoptedJson {
    /// The eIds adopted, in document order.
    pub adopted: Vec<String>,
}

async fn positions_json(
    state: &AppState,
    target: PositionTarget,
    status: Option<StatusJson>,
) -> Result<PositionsJson, Error> {
    Ok(PositionsJson {
        target: target.to_string(),
        status,
        positions: state.store.positions(&target).await?.into_iter().map(PositionJson::from).collect(),
        history: state.store.position_history(&target).await?.into_iter().map(ChangeJson::from).collect(),
    })
}

/// The positions of the parties on an amendment, with their history.
#[utoipa::path(get, path = "/api/amendments/{amendment_id}/positions", tag = "positions",
    params(("amendment_id" = i64, Path, description = "The amendment's number (A/12 is 12)")),
    responses((status = 200, description = "The positions", body = PositionsJson),
        (status = 404, description = "No such amendment", body = crate::error::ErrorBody)))]
pub async fn amendment_positions(
    State(state): State<AppState>,
    Path(amendment_id): Path<i64>,
) -> Result<Json<PositionsJson>, ApiError> {
    state.store.amendment(amendment_id).await?;
    Ok(Json(positions_json(&state, PositionTarget::Amendment(amendment_id), None).await?))
}

/// The delegate's party takes (or changes) its position on a tabled amendment.
#[utoipa::path(post, path = "/api/amendments/{amendment_id}/positions", tag = "positions",
    params(("amendment_id" = i64, Path, description = "The amendment's number")), request_body = NewPositionJson,
    security(("bearer" = [])),
    responses((status = 200, description = "The party's position", body = PositionJson),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "Not a delegate of a participant of the track", body = crate::error::ErrorBody),
        (status = 404, description = "No such amendment", body = crate::error::ErrorBody),
        (status = 409, description = "The amendment is not tabled", body = crate::error::ErrorBody),
        (status = 422, description = "A field is wrong", body = crate::error::ErrorBody)))]
pub async fn take_on_amendment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
    Json(body): Json<NewPositionJson>,
) -> Result<Json<PositionJson>, ApiError> {
    let record = state.store.amendment(amendment_id).await?;
    Ok(Json(take(&state, &viewer, &record.track_id, PositionTarget::Amendment(amendment_id), body).await?))
}

/// The delegate's party withdraws its position on an amendment.
#[utoipa::path(post, path = "/api/amendments/{amendment_id}/positions/withdraw", tag = "positions",
    params(("amendment_id" = i64, Path, description = "The amendment's number")), security(("bearer" = [])),
    responses((status = 204, description = "Withdrawn"),
        (status = 403, description = "Not a delegate of a participant of the track", body = crate::error::ErrorBody),
        (status = 409, description = "The party has no position to withdraw", body = crate::error::ErrorBody)))]
pub async fn withdraw_on_amendment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let record = state.store.amendment(amendment_id).await?;
    withdraw(&state, &viewer, &record.track_id, PositionTarget::Amendment(amendment_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The status of a paragraph in a revision, and the positions of the parties on it with their history.
#[utoipa::path(get, path = "/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions", tag = "positions",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The revision's number, or `latest`"),
           ("eid" = String, Path, description = "The paragraph's eId")),
    responses((status = 200, description = "The status and positions", body = PositionsJson),
        (status = 404, description = "No such draft, revision or paragraph", body = crate::error::ErrorBody),
        (status = 422, description = "The element has no text of its own", body = crate::error::ErrorBody)))]
pub async fn paragraph_positions(
    State(state): State<AppState>,
    Path((draft_id, number, eid)): Path<(String, String, String)>,
) -> Result<Json<PositionsJson>, ApiError> {
    let revision = revision_ref(&draft_id, &number)?;
    let status = state.store.paragraph_status(&revision, &eid).await?;
    let target = PositionTarget::Paragraph { draft_id, eid };
    Ok(Json(positions_json(&state, target, Some(status.into())).await?))
}

/// The delegate's party takes (or changes) its position on a paragraph, in the latest revision.
#[utoipa::path(post, path = "/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions", tag = "positions",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The latest revision's number, or `latest`"),
           ("eid" = String, Path, description = "The paragraph's eId")),
    request_body = NewPositionJson, security(("bearer" = [])),
    responses((status = 200, description = "The party's position", body = PositionJson),
        (status = 403, description = "Not a delegate of a participant of the track", body = crate::error::ErrorBody),
        (status = 404, description = "No such draft, revision or paragraph", body = crate::error::ErrorBody),
        (status = 409, description = "Not the latest revision", body = crate::error::ErrorBody),
        (status = 422, description = "A field is wrong", body = crate::error::ErrorBody)))]
pub async fn take_on_paragraph(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number, eid)): Path<(String, String, String)>,
    Json(body): Json<NewPositionJson>,
) -> Result<Json<PositionJson>, ApiError> {
    let track_id = latest_only(&state, &draft_id, &number).await?;
    let target = PositionTarget::Paragraph { draft_id, eid };
    Ok(Json(take(&state, &viewer, &track_id, target, body).await?))
}

/// The delegate's party withdraws its position on a paragraph.
#[utoipa::path(post, path = "/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions/withdraw", tag = "positions",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The latest revision's number, or `latest`"),
           ("eid" = String, Path, description = "The paragraph's eId")),
    security(("bearer" = [])),
    responses((status = 204, description = "Withdrawn"),
        (status = 403, description = "Not a delegate of a participant of the track", body = crate::error::ErrorBody),
        (status = 409, description = "No position to withdraw, or not the latest revision", body = crate::error::ErrorBody)))]
pub async fn withdraw_on_paragraph(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number, eid)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let track_id = latest_only(&state, &draft_id, &number).await?;
    withdraw(&state, &viewer, &track_id, PositionTarget::Paragraph { draft_id, eid }).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The status of every paragraph with text of a revision, in document order.
#[utoipa::path(get, path = "/api/drafts/{draft_id}/revisions/{number}/statuses", tag = "positions",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The revision's number, or `latest`")),
    responses((status = 200, description = "The statuses", body = [StatusJson]),
        (status = 404, description = "No such draft or revision", body = crate::error::ErrorBody)))]
pub async fn statuses(
    State(state): State<AppState>,
    Path((draft_id, number)): Path<(String, String)>,
) -> Result<Json<Vec<StatusJson>>, ApiError> {
    let revision = revision_ref(&draft_id, &number)?;
    Ok(Json(state.store.paragraph_statuses(&revision).await?.into_iter().map(StatusJson::from).collect()))
}

/// The co-facilitators or the secretariat adopt paragraphs of the latest revision (all that are not adopted
/// when `eids` is empty); a bracketed paragraph is refused, and then nothing is adopted.
#[utoipa::path(post, path = "/api/drafts/{draft_id}/revisions/{number}/adoptions", tag = "positions",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The latest revision's number, or `latest`")),
    request_body = AdoptionJson, security(("bearer" = [])),
    responses((status = 201, description = "The paragraphs adopted", body = AdoptedJson),
        (status = 403, description = "Not a co-facilitator of the track or the secretariat", body = crate::error::ErrorBody),
        (status = 404, description = "No such draft, revision or paragraph", body = crate::error::ErrorBody),
        (status = 409, description = "A paragraph is bracketed or adopted, or not the latest revision", body = crate::error::ErrorBody)))]
pub async fn adopt(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
    Json(body): Json<AdoptionJson>,
) -> Result<(StatusCode, Json<AdoptedJson>), ApiError> {
    let revision = revision_ref(&draft_id, &number)?;
    let actor = actor(&viewer)?;
    let adopted =
        state.store.adopt_paragraphs(&revision, &body.eids, &actor, time::OffsetDateTime::now_utc()).await?;
    Ok((StatusCode::CREATED, Json(AdoptedJson { adopted })))
}

/// A track's consensus dashboard: paragraphs of its draft's latest revision by status and objective, the
/// bracketed ones with their holders, the amendments with the widest support and their bridging scores (the
/// group-informed consensus across the opinion groups of parties), and the groups with the parties' places.
#[utoipa::path(get, path = "/api/tracks/{track_id}/consensus", tag = "positions",
    params(("track_id" = String, Path, description = "The track's slug")),
    responses((status = 200, description = "The dashboard", body = Dashboard),
        (status = 404, description = "No such track", body = crate::error::ErrorBody)))]
pub async fn consensus(
    State(state): State<AppState>,
    Path(track_id): Path<String>,
) -> Result<Json<Dashboard>, ApiError> {
    Ok(Json(dashboard(&state, &track_id).await?.dashboard))
}

/// The track of a draft when `number` names its latest revision; a 409 otherwise.
async fn latest_only(state: &AppState, draft_id: &str, number: &str) -> Result<String, Error> {
    let revision = revision_ref(draft_id, number)?;
    let summary = state.store.revision_summary(&revision).await?;
    let latest =
        state.store.revision_summary(&RevisionRef { draft_id: draft_id.to_owned(), number: None }).await?;
    if summary.number != latest.number {
        return Err(Error::Conflict(format!(
            "revision {draft_id}/{} is not the latest ({draft_id}/{} is): positions are taken on the latest",
            summary.number, latest.number
        )));
    }
    Ok(state.store.draft(draft_id).await?.track_id)
}

async fn take(
    state: &AppState,
    viewer: &Viewer,
    track_id: &str,
    target: PositionTarget,
    body: NewPositionJson,
) -> Result<PositionJson, Error> {
    let party_id = party_of_delegate(state, viewer, track_id).await?;
    let new = NewPosition { target, party_id, stance: stance(&body.stance)?, statement: body.statement };
    let position = state.store.take_position(&new, &actor(viewer)?, time::OffsetDateTime::now_utc()).await?;
    Ok(position.into())
}

async fn withdraw(
    state: &AppState,
    viewer: &Viewer,
    track_id: &str,
    target: PositionTarget,
) -> Result<(), Error> {
    let party_id = party_of_delegate(state, viewer, track_id).await?;
    state
        .store
        .withdraw_position(&target, &party_id, &actor(viewer)?, time::OffsetDateTime::now_utc())
        .await?;
    Ok(())
}
