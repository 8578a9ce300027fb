//! Amendments: list and read (with versions and steps), create as a draft or tabled, table, revise,
//! withdraw, join and leave as co-sponsor, pick and unpick; a round's compilation text as JSON or a file;
//! the preview and the publication of the next revision made from the picks; the CSV import.
//!
//! A draft amendment is seen by its sponsor's delegation only: a 404 to anyone else, and left out of lists.

use super::types::{ChangeJson, CountsJson, RedlineJson, RevisionJson};
use crate::accreditation::actor;
use crate::amendment::{
    acting_party, check_sponsor_delegation, compilation_file, compiled, describe, kind_name, name_of,
    notify_named_co_sponsors, visible_amendment, CompilationQuery, ProposalFields,
};
use crate::auth::Viewer;
use crate::error::{ApiError, Error};
use crate::view::RevisionView;
use crate::AppState;
use accord_store::amendment::AmendmentRecord;
use accord_store::{AmendmentQuery, AmendmentStatus, NewAmendment, RevisionRef};
use accord_text::compilation::{Proposed, Segment};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// An amendment as it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct AmendmentJson {
    /// Its number; shown as `A/{id}`.
    pub id: i64,
    /// `A/{id}`.
    pub label: String,
    /// The draft.
    pub draft: String,
    /// The revision amended.
    pub revision: i64,
    /// The track.
    pub track: String,
    /// The round.
    pub round: i64,
    /// The sponsoring party's id.
    pub sponsor: String,
    /// The co-sponsoring parties' ids, in order of joining.
    pub co_sponsors: Vec<String>,
    /// `draft`, `tabled`, `withdrawn`, `merged`, `merged_in_part` or `not_retained`.
    pub status: String,
    /// The latest version, from 1.
    pub version: i64,
    /// What it proposes (latest version).
    pub proposal: ProposalFields,
    /// The proposal in words.
    pub description: String,
    /// Why (latest version).
    pub justification: String,
    /// When it was written, RFC 3339.
    pub created_at: String,
    /// When it was tabled, RFC 3339.
    pub tabled_at: Option<String>,
    /// The revision it was merged into.
    pub merged_into: Option<i64>,
    /// Whether the co-facilitators picked it for the next revision.
    pub picked: bool,
    /// The bridging text of the pick, if any.
    pub bridging: Option<String>,
    /// Every version, oldest first (only when one amendment is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<VersionJson>>,
    /// Every step, oldest first (only when one amendment is asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<AmendmentStepJson>>,
}

/// One version of an amendment.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionJson {
    /// 1, 2 …
    pub version: i64,
    /// When, RFC 3339.
    pub at: String,
    /// Who wrote it.
    pub actor: String,
    /// What it proposed.
    pub proposal: ProposalFields,
    /// Why.
    pub justification: String,
}

/// One step of an amendment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AmendmentStepJson {
    /// 1, 2 …
    pub step: i64,
    /// When, RFC 3339.
    pub at: String,
    /// `drafted`, `tabled`, `revised`, `co_sponsor_joined`, `co_sponsor_withdrew`, `withdrawn`, `picked`,
    /// `unpicked`, `merged`, `merged_in_part`, `not_retained`.
    pub action: String,
    /// Who took it.
    pub actor: String,
    /// The co-sponsor who joined or withdrew.
    pub party: Option<String>,
    /// A reason; the bridging text of a pick.
    pub text: String,
}

impl From<&AmendmentRecord> for AmendmentJson {
    fn from(record: &AmendmentRecord) -> AmendmentJson {
        AmendmentJson {
            id: record.amendment_id,
            label: format!("A/{}", record.amendment_id),
            draft: record.draft_id.clone(),
            revision: record.revision,
            track: record.track_id.clone(),
            round: record.round,
            sponsor: record.sponsor.clone(),
            co_sponsors: record.co_sponsors.clone(),
            status: record.status.as_str().to_owned(),
            version: record.version,
            proposal: ProposalFields::of(&record.proposal),
            description: describe(&record.proposal),
            justification: record.justification.clone(),
            created_at: record.created_at.clone(),
            tabled_at: record.tabled_at.clone(),
            merged_into: record.merged_into,
            picked: record.pick.is_some(),
            bridging: record.pick.clone().flatten(),
            versions: None,
            steps: None,
        }
    }
}

/// Which amendments to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only amendments to this draft.
    draft: Option<String>,
    /// Only amendments to this revision number (with `draft`).
    revision: Option<i64>,
    /// Only amendments of this round.
    round: Option<i64>,
    /// Only amendments in this status (`tabled`, `merged` …).
    status: Option<String>,
    /// Only amendments this party sponsors or co-sponsors.
    party: Option<String>,
}

/// The amendments the query selects, by number; drafts only those of the viewer's own delegation.
#[utoipa::path(get, path = "/api/amendments", tag = "amendments", params(ListQuery),
    responses((status = 200, description = "The amendments", body = [AmendmentJson]),
        (status = 422, description = "An unknown status", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<ListQuery>,
) -> Result<Json<Vec<AmendmentJson>>, ApiError> {
    let statuses = match query.status.as_deref().map(str::trim).filter(|status| !status.is_empty()) {
        None => Vec::new(),
        Some(text) => vec![text.parse::<AmendmentStatus>().map_err(|_| {
            Error::field(
                "status",
                format!(
                    "`{text}`: expected draft, tabled, withdrawn, merged, merged_in_part or not_retained"
                ),
            )
        })?],
    };
    let records = state
        .store
        .amendments(&AmendmentQuery {
            draft_id: query.draft,
            revision: query.revision,
            round: query.round,
            statuses,
            party_id: query.party,
        })
        .await?;
    let mut own_party: HashMap<String, Option<String>> = HashMap::new();
    let mut shown = Vec::with_capacity(records.len());
    for record in &records {
        if record.status == AmendmentStatus::Draft {
            if !own_party.contains_key(&record.track_id) {
                let party = crate::amendment::viewer_party(&state, &viewer, &record.track_id).await?;
                own_party.insert(record.track_id.clone(), party);
            }
            if own_party[&record.track_id].as_deref() != Some(record.sponsor.as_str()) {
                continue;
            }
        }
        shown.push(AmendmentJson::from(record));
    }
    Ok(Json(shown))
}

async fn with_history(state: &AppState, record: &AmendmentRecord) -> Result<AmendmentJson, Error> {
    let mut json = AmendmentJson::from(record);
    json.versions = Some(
        state
            .store
            .amendment_versions(record.amendment_id)
            .await?
            .into_iter()
            .map(|version| VersionJson {
                version: version.version,
                at: version.at,
                actor: version.actor,
                proposal: ProposalFields::of(&version.proposal),
                justification: version.justification,
            })
            .collect(),
    );
    json.steps = Some(
        state
            .store
            .amendment_steps(record.amendment_id)
            .await?
            .into_iter()
            .map(|step| AmendmentStepJson {
                step: step.step,
                at: step.at,
                action: step.action,
                actor: step.actor,
                party: step.party_id,
                text: step.text,
            })
            .collect(),
    );
    Ok(json)
}

/// One amendment with its versions and steps.
#[utoipa::path(get, path = "/api/amendments/{amendment_id}", tag = "amendments",
    params(("amendment_id" = i64, Path, description = "The amendment's number")),
    responses((status = 200, description = "The amendment", body = AmendmentJson),
        (status = 404, description = "No such amendment, or a draft of another delegation", body = crate::error::ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
) -> Result<Json<AmendmentJson>, ApiError> {
    let record = visible_amendment(&state, &viewer, amendment_id).await?;
    Ok(Json(with_history(&state, &record).await?))
}

/// A new amendment of the viewer's party.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAmendmentJson {
    /// The round it is tabled in (open now).
    pub round: i64,
    /// What it proposes.
    #[serde(flatten)]
    pub proposal: ProposalFields,
    /// Why.
    pub justification: String,
    /// Co-sponsoring party ids (parties that agreed to join).
    #[serde(default)]
    pub co_sponsors: Vec<String>,
    /// True to table it at once; false (default) to keep it as a draft.
    #[serde(default)]
    pub table: bool,
}

/// A delegate of a participant party proposes an amendment to the latest revision, for their party.
#[utoipa::path(post, path = "/api/drafts/{draft_id}/revisions/{number}/amendments", tag = "amendments",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The revision amended (the latest)")),
    request_body = NewAmendmentJson,
    responses((status = 201, description = "The amendment", body = AmendmentJson),
        (status = 403, description = "Not a delegate of a participant party", body = crate::error::ErrorBody),
        (status = 404, description = "No such draft, revision or round", body = crate::error::ErrorBody),
        (status = 409, description = "Not the latest revision, the round not open, too few co-sponsors", body = crate::error::ErrorBody),
        (status = 422, description = "A field is wrong: words not found, a co-sponsor not a participant …", body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
    Json(body): Json<NewAmendmentJson>,
) -> Result<(StatusCode, Json<AmendmentJson>), ApiError> {
    let revision = crate::export::revision_ref(&draft_id, &number)?;
    let (_, track, _) = state.store.draft_context(&draft_id).await?;
    let summary = state.store.revision_summary(&revision).await?;
    let sponsor = acting_party(&state, &viewer, &track.track_id).await?;
    let new = NewAmendment {
        draft_id,
        revision: summary.number,
        round: body.round,
        sponsor,
        co_sponsors: body.co_sponsors.iter().map(|party| party.trim().to_owned()).collect(),
        proposal: body.proposal.proposal()?,
        justification: body.justification.trim().to_owned(),
        table: body.table,
    };
    let record = state.store.create_amendment(&new, &actor(&viewer)?, OffsetDateTime::now_utc()).await?;
    notify_named_co_sponsors(&state, &record).await;
    Ok((StatusCode::CREATED, Json(with_history(&state, &record).await?)))
}

/// The sponsor's delegation tables a draft amendment.
#[utoipa::path(post, path = "/api/amendments/{amendment_id}/table", tag = "amendments",
    params(("amendment_id" = i64, Path, description = "The amendment's number")),
    responses((status = 200, description = "The amendment, tabled", body = AmendmentJson),
        (status = 403, description = "Not the sponsor's delegation", body = crate::error::ErrorBody),
        (status = 409, description = "Not a draft, the deadline passed, too few co-sponsors", body = crate::error::ErrorBody)))]
pub async fn table(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
) -> Result<Json<AmendmentJson>, ApiError> {
    let record = visible_amendment(&state, &viewer, amendment_id).await?;
    check_sponsor_delegation(&state, &viewer, &record).await?;
    let record =
        state.store.table_amendment(amendment_id, &actor(&viewer)?, OffsetDateTime::now_utc()).await?;
    notify_named_co_sponsors(&state, &record).await;
    Ok(Json(with_history(&state, &record).await?))
}

/// A new version of an amendment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisionOfAmendmentJson {
    /// What it proposes now.
    #[serde(flatten)]
    pub proposal: ProposalFields,
    /// Why.
    pub justification: String,
}

/// The sponsor's delegation revises a draft or tabled amendment before the round's deadline; every earlier
/// version is kept.
#[utoipa::path(post, path = "/api/amendments/{amendment_id}/revise", tag = "amendments",
    params(("amendment_id" = i64, Path, description = "The amendment's number")),
    request_body = RevisionOfAmendmentJson,
    responses((status = 200, description = "The amendment with its new version", body = AmendmentJson),
        (status = 403, description = "Not the sponsor's delegation", body = crate::error::ErrorBody),
        (status = 409, description = "Withdrawn or merged, or the deadline passed", body = crate::error::ErrorBody),
        (status = 422, description = "A field is wrong", body = crate::error::ErrorBody)))]
pub async fn revise(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
    Json(body): Json<RevisionOfAmendmentJson>,
) -> Result<Json<AmendmentJson>, ApiError> {
    let record = visible_amendment(&state, &viewer, amendment_id).await?;
    check_sponsor_delegation(&state, &viewer, &record).await?;
    let proposal = body.proposal.proposal()?;
    let record = state
        .store
        .revise_amendment(
            amendment_id,
            &proposal,
            body.justification.trim(),
            &actor(&viewer)?,
            OffsetDateTime::now_utc(),
        )
        .await?;
    Ok(Json(with_history(&state, &record).await?))
}

/// A reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonJson {
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// The sponsor's delegation withdraws a draft or tabled amendment.
#[utoipa::path(post, path = "/api/amendments/{amendment_id}/withdraw", tag = "amendments",
    params(("amendment_id" = i64, Path, description = "The amendment's number")), request_body = ReasonJson,
    responses((status = 200, description = "The amendment, withdrawn", body = AmendmentJson),
        (status = 403, description = "Not the sponsor's delegation", body = crate::error::ErrorBody),
        (status = 409, description = "Withdrawn, merged or not retained already", body = crate::error::ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
    Json(body): Json<ReasonJson>,
) -> Result<Json<AmendmentJson>, ApiError> {
    let record = visible_amendment(&state, &viewer, amendment_id).await?;
    check_sponsor_delegation(&state, &viewer, &record).await?;
    let record = state
        .store
        .withdraw_amendment(amendment_id, body.reason.trim(), &actor(&viewer)?, OffsetDateTime::now_utc())
        .await?;
    Ok(Json(with_history(&state, &record).await?))
}

/// The viewer's party joins a tabled amendment as co-sponsor, before the deadline.
#[utoipa::path(post, path = "/api/amendments/{amendment_id}/co-sponsors", tag = "amendments",
    params(("amendment_id" = i64, Path, description = "The amendment's number")),
    responses((status = 200, description = "The amendment", body = AmendmentJson),
        (status = 409, description = "A co-sponsor already, not tabled, or after the deadline", body = crate::error::ErrorBody),
        (status = 422, description = "The sponsor itself, or not a participant", body = crate::error::ErrorBody)))]
pub async fn join(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
) -> Result<Json<AmendmentJson>, ApiError> {
    let record = visible_amendment(&state, &viewer, amendment_id).await?;
    let party = acting_party(&state, &viewer, &record.track_id).await?;
    let record = state
        .store
        .join_co_sponsors(amendment_id, &party, &actor(&viewer)?, OffsetDateTime::now_utc())
        .await?;
    Ok(Json(with_history(&state, &record).await?))
}

/// The viewer's party withdraws as co-sponsor, before the deadline.
#[utoipa::path(post, path = "/api/amendments/{amendment_id}/co-sponsors/leave", tag = "amendments",
    params(("amendment_id" = i64, Path, description = "The amendment's number")),
    responses((status = 200, description = "The amendment", body = AmendmentJson),
        (status = 409, description = "Not a co-sponsor, or after the deadline", body = crate::error::ErrorBody)))]
pub async fn leave(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
) -> Result<Json<AmendmentJson>, ApiError> {
    let record = visible_amendment(&state, &viewer, amendment_id).await?;
    let party = acting_party(&state, &viewer, &record.track_id).await?;
    let record = state
        .store
        .leave_co_sponsors(amendment_id, &party, &actor(&viewer)?, OffsetDateTime::now_utc())
        .await?;
    Ok(Json(with_history(&state, &record).await?))
}

/// A pick, whole or with bridging text.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PickJson {
    /// The co-facilitators' words in place of the amendment's; none to pick it whole.
    #[serde(default)]
    pub bridging: Option<String>,
}

/// The co-facilitators pick a tabled amendment for the next revision, after the round's deadline.
#[utoipa::path(post, path = "/api/amendments/{amendment_id}/pick", tag = "amendments",
    params(("amendment_id" = i64, Path, description = "The amendment's number")), request_body = PickJson,
    responses((status = 200, description = "The amendment, picked", body = AmendmentJson),
        (status = 409, description = "Not tabled, the round still open, or an overlap with a pick made before", body = crate::error::ErrorBody),
        (status = 422, description = "Bridging text refused", body = crate::error::ErrorBody)))]
pub async fn pick(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
    Json(body): Json<PickJson>,
) -> Result<Json<AmendmentJson>, ApiError> {
    // As typed, spaces at its ends included: the words stand in the revision as they are.
    let bridging = body.bridging.as_deref().filter(|text| !text.trim().is_empty());
    let record = state
        .store
        .pick_amendment(amendment_id, bridging, &actor(&viewer)?, OffsetDateTime::now_utc())
        .await?;
    Ok(Json(with_history(&state, &record).await?))
}

/// The co-facilitators take a pick back.
#[utoipa::path(post, path = "/api/amendments/{amendment_id}/unpick", tag = "amendments",
    params(("amendment_id" = i64, Path, description = "The amendment's number")),
    responses((status = 200, description = "The amendment, no longer picked", body = AmendmentJson),
        (status = 409, description = "Not picked", body = crate::error::ErrorBody)))]
pub async fn unpick(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
) -> Result<Json<AmendmentJson>, ApiError> {
    let record =
        state.store.unpick_amendment(amendment_id, &actor(&viewer)?, OffsetDateTime::now_utc()).await?;
    Ok(Json(with_history(&state, &record).await?))
}

/// The compilation text's query. It documents the query in the OpenAPI document; the handler parses the
/// pairs itself, since `kind` repeats.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct CompilationParams {
    /// The round (default: the last round with amendments to the revision).
    round: Option<i64>,
    /// Only amendments this party (id) sponsors or co-sponsors.
    party: Option<String>,
    /// Only this element (an objective's eId) and what lies below it.
    objective: Option<String>,
    /// Only these kinds (repeat the parameter): replace, insert, delete, add, delete-element.
    kind: Option<String>,
    /// `json` (default), `akn`, `docx` or `html`.
    format: Option<String>,
}

/// A round's compilation text.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompilationJson {
    /// The revision amended.
    pub revision: RevisionJson,
    /// The round's number.
    pub round: i64,
    /// The round's title.
    pub round_title: String,
    /// The amendments the filter kept.
    pub n_amendments: usize,
    /// Party names by id, for every party named in `elements`.
    pub parties: HashMap<String, String>,
    /// The elements in reading order.
    pub elements: Vec<CompiledElementJson>,
}

/// One element of the compilation.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompiledElementJson {
    /// Its eId (the proposed eId of a new element).
    pub eid: String,
    /// The AKN element name.
    pub element: String,
    /// Its number.
    pub num: Option<String>,
    /// Its heading.
    pub heading: Option<String>,
    /// Depth below the top part.
    pub depth: usize,
    /// True for an element an amendment proposes.
    pub is_new: bool,
    /// True for an element with text that no amendment touches.
    pub no_proposal: bool,
    /// Its text: `text`, `proposal` and `alternatives` segments.
    pub segments: Vec<CompiledSegmentJson>,
    /// Proposals on the element as a whole: its deletion, or a new element's addition.
    pub element_proposals: Vec<ProposedJson>,
}

/// A piece of an element's text in the compilation.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompiledSegmentJson {
    /// `text`, `proposal` or `alternatives`.
    pub kind: &'static str,
    /// The words of the revision.
    pub text: String,
    /// The proposals: one for `proposal`, each option for `alternatives`, none for `text`.
    pub proposals: Vec<ProposedJson>,
}

/// One proposed change, by one amendment or several identical ones.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposedJson {
    /// The amendments' numbers.
    pub ids: Vec<u64>,
    /// `replace`, `insert`, `delete`, `add` or `delete-element`.
    pub kind: &'static str,
    /// The words of the revision it changes.
    pub old_words: String,
    /// What they become.
    pub new_words: String,
    /// The parties' ids, sponsor first.
    pub parties: Vec<String>,
    /// The attribution label: "New York, Chicago and 12 others".
    pub label: String,
}

fn proposed_json(proposed: &Proposed, ids_by_name: &HashMap<&str, &str>) -> ProposedJson {
    ProposedJson {
        ids: proposed.ids.clone(),
        kind: kind_name(proposed.kind),
        old_words: proposed.old_words.clone(),
        new_words: proposed.new_words.clone(),
        parties: proposed
            .parties
            .iter()
            .map(|name| ids_by_name.get(name.as_str()).copied().unwrap_or(name.as_str()).to_owned())
            .collect(),
        label: proposed.sponsors.clone(),
    }
}

/// The compilation text of a round: the revision with every tabled amendment at its place, attributed, as
/// JSON, or as a file (`format=akn|docx|html`).
#[utoipa::path(get, path = "/api/drafts/{draft_id}/revisions/{number}/compilation", tag = "amendments",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The revision amended"), CompilationParams),
    responses((status = 200, description = "The compilation as JSON, or a file in the format asked for", body = CompilationJson),
        (status = 404, description = "No such draft, revision or round", body = crate::error::ErrorBody),
        (status = 422, description = "A bad filter or format", body = crate::error::ErrorBody)))]
pub async fn compilation(
    State(state): State<AppState>,
    Path((draft_id, number)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let query = CompilationQuery::parse(&pairs)?;
    let made = compiled(&state.store, &crate::export::revision_ref(&draft_id, &number)?, &query).await?;
    match query.format.as_deref().unwrap_or("json") {
        "json" => {}
        format => return Ok(compilation_file(&made, format)?.into_response()),
    }
    let mut parties = HashMap::new();
    for record in &made.records {
        for party in record.parties() {
            parties.insert(party.to_owned(), name_of(&made.names, party).to_owned());
        }
    }
    let ids_by_name: HashMap<&str, &str> =
        parties.iter().map(|(id, name)| (name.as_str(), id.as_str())).collect();
    let elements = made
        .compilation
        .elements()
        .iter()
        .map(|element| CompiledElementJson {
            eid: element.eid.to_string(),
            element: element.element.clone(),
            num: element.num.clone(),
            heading: element.heading.clone(),
            depth: element.depth,
            is_new: element.is_new,
            no_proposal: element.has_no_proposal(),
            segments: element
                .segments
                .iter()
                .map(|segment| match segment {
                    Segment::Text(text) => {
                        CompiledSegmentJson { kind: "text", text: text.clone(), proposals: Vec::new() }
                    }
                    Segment::Proposal(proposed) => CompiledSegmentJson {
                        kind: "proposal",
                        text: proposed.old_words.clone(),
                        proposals: vec![proposed_json(proposed, &ids_by_name)],
                    },
                    Segment::Alternatives(alternatives) => CompiledSegmentJson {
                        kind: "alternatives",
                        text: alternatives.old_words.clone(),
                        proposals: alternatives
                            .options
                            .iter()
                            .map(|option| proposed_json(option, &ids_by_name))
                            .collect(),
                    },
                })
                .collect(),
            element_proposals: element
                .element_proposals
                .iter()
                .map(|proposed| proposed_json(proposed, &ids_by_name))
                .collect(),
        })
        .collect();
    Ok(Json(CompilationJson {
        revision: RevisionJson::from(&RevisionView::from(&made.summary)),
        round: made.round.number,
        round_title: made.round.title.clone(),
        n_amendments: made.compilation.n_amendments(),
        parties,
        elements,
    })
    .into_response())
}

/// A round, for the preview.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RoundQuery {
    /// The round.
    round: i64,
}

/// The next revision as the round's picks make it, as a redline against the revision amended whose changes
/// name their amendments; nothing is stored.
#[utoipa::path(get, path = "/api/drafts/{draft_id}/revisions/{number}/picks/preview", tag = "amendments",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The revision amended"), RoundQuery),
    responses((status = 200, description = "The redline of the next revision", body = RedlineJson),
        (status = 422, description = "The picks cannot be applied", body = crate::error::ErrorBody)))]
pub async fn preview(
    State(state): State<AppState>,
    Path((draft_id, number)): Path<(String, String)>,
    Query(query): Query<RoundQuery>,
) -> Result<Json<RedlineJson>, ApiError> {
    let revision = crate::export::revision_ref(&draft_id, &number)?;
    let base = state.store.revision(&revision).await?;
    let exact = RevisionRef { draft_id, number: Some(base.summary.number) };
    let (next, provenance) = state.store.preview_next_revision(&exact, query.round).await?;
    let redline = accord_text::redline::redline(&base.document, &next);
    let mut next_view = RevisionView::from(&base.summary);
    next_view.number += 1;
    next_view.label = "the next revision (preview)".to_owned();
    Ok(Json(redline_json(&base.summary, next_view, &redline, Some(&provenance))))
}

/// A redline as JSON, each change naming the amendments it came from when `provenance` is given.
pub(crate) fn redline_json(
    old: &accord_store::RevisionSummary,
    new: RevisionView,
    redline: &accord_text::redline::Redline,
    provenance: Option<&accord_text::amendment::Provenance>,
) -> RedlineJson {
    let counts = redline.counts();
    RedlineJson {
        from: RevisionJson::from(&RevisionView::from(old)),
        to: RevisionJson::from(&new),
        counts: CountsJson {
            inserted: counts.n_inserted,
            deleted: counts.n_deleted,
            modified: counts.n_modified,
            moved: counts.n_moved,
        },
        changes: redline
            .changes()
            .map(|entry| {
                let mut change = ChangeJson::from(entry);
                if let Some(provenance) = provenance {
                    change.amendments = provenance.amendments_for(entry);
                    for (block, segment, ids) in provenance.amendments_for_segments(entry) {
                        if let Some(json) = change.blocks.get_mut(block).and_then(|b| b.get_mut(segment)) {
                            json.amendments = ids;
                        }
                    }
                }
                change
            })
            .collect(),
    }
}

/// The facts of the next revision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishJson {
    /// The round whose picks make it.
    pub round: i64,
    /// Its label, e.g. `Rev.2`.
    pub label: String,
    /// Its date, YYYY-MM-DD.
    pub date: String,
    /// Who issues it (default "the co-facilitators").
    #[serde(default)]
    pub author: String,
    /// What it is.
    #[serde(default)]
    pub note: String,
}

/// Publishes the next revision made from the round's picks; every tabled amendment of the round ends merged,
/// merged in part or not retained.
#[utoipa::path(post, path = "/api/drafts/{draft_id}/revisions/{number}/picks/publish", tag = "amendments",
    params(("draft_id" = String, Path, description = "The draft's slug"),
           ("number" = String, Path, description = "The revision amended")),
    request_body = PublishJson,
    responses((status = 201, description = "The new revision", body = RevisionJson),
        (status = 409, description = "Not the latest revision, or the round still open", body = crate::error::ErrorBody),
        (status = 422, description = "A field is wrong, or the picks cannot be applied", body = crate::error::ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
    Json(body): Json<PublishJson>,
) -> Result<(StatusCode, Json<RevisionJson>), ApiError> {
    let revision = crate::export::revision_ref(&draft_id, &number)?;
    let (process, _, _) = state.store.draft_context(&draft_id).await?;
    let pairs: Vec<(String, String)> =
        [("label", &body.label), ("date", &body.date), ("author", &body.author), ("note", &body.note)]
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value.clone()))
            .collect();
    let next = crate::pages::amendment::next_revision(&pairs, process.is_demo)?;
    let published = state
        .store
        .publish_next_revision(&revision, body.round, &next, &actor(&viewer)?, OffsetDateTime::now_utc())
        .await?;
    Ok((StatusCode::CREATED, Json(RevisionJson::from(&RevisionView::from(&published)))))
}

/// What a CSV import stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedJson {
    /// The numbers of the amendments stored, in the order of the rows.
    pub ids: Vec<i64>,
}

/// The secretariat imports amendments from CSV text (`Content-Type: text/csv`; the columns are those of
/// `accord amendments import --help`): all rows or none.
#[utoipa::path(post, path = "/api/amendments/import", tag = "amendments",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, description = "The amendments stored", body = ImportedJson),
        (status = 422, description = "A row is wrong: `field` is `csv`, the message names its row and column; nothing was imported",
            body = crate::error::ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    viewer: Viewer,
    body: String,
) -> Result<(StatusCode, Json<ImportedJson>), ApiError> {
    let ids = state.store.import_amendments_csv(&body, &actor(&viewer)?, OffsetDateTime::now_utc()).await?;
    // The co-sponsors named on each tabled row are told, as when a delegate tables.
    for &id in &ids {
        notify_named_co_sponsors(&state, &state.store.amendment(id).await?).await;
    }
    Ok((StatusCode::CREATED, Json(ImportedJson { ids })))
}
