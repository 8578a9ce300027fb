//! A track's page (its rounds and the parties at its table), the public registry of a process, one party's
//! accreditation with its history, and the forms that request, decide, appeal and withdraw.

use super::html;
use crate::accreditation::{actor, party_headed_by, registry_rows, status_word, RegistryRow};
use crate::auth::Viewer;
use crate::error::{Error, PageError};
use crate::permissions::Action;
use crate::view::filters;
use crate::AppState;
use accord_store::{Decision, Party, Process, Round, Standing, Step, Track};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    process: Process,
    track: Track,
    tracks: Vec<Track>,
    rounds: Vec<(Round, String)>,
    co_facilitators: Vec<String>,
    rows: Vec<RegistryRow>,
    own_party: Option<String>,
    csrf: String,
    /// The least number of co-sponsors an amendment needs to be tabled.
    min_co_sponsors: i64,
    /// Whether the viewer may open rounds and set the least number of co-sponsors.
    may_manage_rounds: bool,
    /// Why the last form was refused, empty when it was not.
    error: String,
    /// The round form as sent (title, opens_on, deadline), kept when refused.
    new_round: [String; 3],
}

#[derive(Template)]
#[template(path = "registry.html")]
struct RegistryPage {
    process: Process,
    tracks: Vec<Track>,
    rows: Vec<RegistryRow>,
}

#[derive(Template)]
#[template(path = "accreditation.html")]
struct AccreditationPage {
    track: Track,
    party: Party,
    is_demo: bool,
    requested_as: String,
    status: String,
    steps: Vec<Step>,
    documents: Vec<(String, String, i64, String)>,
    may_decide: bool,
    may_appeal: bool,
    may_withdraw: bool,
    csrf: String,
}

/// `GET /tracks/{track_id}`: rounds, the parties and their standing, the request form for a head of
/// delegation, and for the secretariat the forms that open a round and set the least number of co-sponsors.
pub async fn track(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
) -> Result<Html<String>, PageError> {
    html(&track_page(&state, &viewer, &track_id, None, Default::default()).await?)
}

/// `POST /tracks/{track_id}/rounds`: the secretariat opens the track's next round (fields `title`,
/// `opens_on`, `deadline`); refused with the form kept and the field named.
pub async fn open_round(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
    Form(form): Form<RoundForm>,
) -> Response {
    let deadline = form.deadline_rfc3339();
    let result = async {
        state.store.open_round(&track_id, &form.title, &form.opens_on, &deadline, &actor(&viewer)?).await?;
        Ok::<_, Error>(())
    }
    .await;
    let sent = [form.title, form.opens_on, form.deadline];
    after_track_form(&state, &viewer, &track_id, result, sent).await
}

/// `POST /tracks/{track_id}/min-co-sponsors`: the secretariat sets the least number of co-sponsors (field
/// `min_co_sponsors`).
pub async fn set_min_co_sponsors(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
    Form(form): Form<MinCoSponsorsForm>,
) -> Response {
    let result = async {
        let least: i64 = form.min_co_sponsors.trim().parse().map_err(|_| {
            Error::field("min_co_sponsors", format!("`{}` is not a whole number", form.min_co_sponsors))
        })?;
        state.store.set_min_co_sponsors(&track_id, least, &actor(&viewer)?).await?;
        Ok::<_, Error>(())
    }
    .await;
    after_track_form(&state, &viewer, &track_id, result, Default::default()).await
}

/// The form that opens a round. The deadline comes from a `datetime-local` field, read as UTC.
#[derive(Debug, Deserialize)]
pub struct RoundForm {
    title: String,
    opens_on: String,
    deadline: String,
}

impl RoundForm {
    /// The deadline as RFC 3339: `2018-03-26T17:00` from a `datetime-local` field is taken as UTC; anything
    /// else is passed on as sent, for the store to accept or refuse.
    fn deadline_rfc3339(&self) -> String {
        let deadline = self.deadline.trim();
        let local = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
        match time::PrimitiveDateTime::parse(deadline, &local) {
            Ok(_) => format!("{deadline}:00Z"),
            Err(_) => deadline.to_owned(),
        }
    }
}

/// The form that sets the least number of co-sponsors.
#[derive(Debug, Deserialize)]
pub struct MinCoSponsorsForm {
    min_co_sponsors: String,
}

/// Back to the track's page after a form: a redirect when it went through, else the page with the refusal
/// and its status.
async fn after_track_form(
    state: &AppState,
    viewer: &Viewer,
    track_id: &str,
    result: Result<(), Error>,
    sent: [String; 3],
) -> Response {
    let error = match result {
        Ok(()) => return Redirect::to(&format!("/tracks/{track_id}#rounds")).into_response(),
        Err(error) => error,
    };
    let status = error.status();
    match track_page(state, viewer, track_id, Some(&error), sent).await.and_then(|page| html(&page)) {
        Ok(page) => (status, page).into_response(),
        Err(_) => PageError(error).into_response(),
    }
}

/// The track's page, with the refusal of a form when there was one and the round form as sent.
async fn track_page(
    state: &AppState,
    viewer: &Viewer,
    track_id: &str,
    error: Option<&Error>,
    new_round: [String; 3],
) -> Result<TrackPage, PageError> {
    let track = state.store.track(track_id).await?;
    let process = state.store.process(&track.process_id).await?;
    let rows = registry_rows(state, std::slice::from_ref(&track.track_id)).await?;
    let own_party = match viewer.may(Action::RequestAccreditation) {
        true => party_headed_by(state, viewer, track_id, None).await.ok(),
        false => None,
    };
    // A party may ask when it never asked, or after a withdrawal or a final refusal; not while a request is
    // pending or once it is at the table.
    let own_party = match own_party {
        Some(party_id) => match state.store.accreditation(track_id, &party_id).await {
            Err(accord_store::StoreError::NotFound { .. }) => Some(party_id),
            Ok(current)
                if matches!(current.status, accord_store::Status::Withdrawn)
                    || (current.status == accord_store::Status::Refused && current.appealed) =>
            {
                Some(party_id)
            }
            Ok(_) => None,
            Err(error) => return Err(error.into()),
        },
        None => None,
    };
    // Each round with the link to its compilation text (of the track's first draft), when it has one.
    let links = match state.store.drafts(track_id).await?.first() {
        Some(draft) => crate::amendment::round_links(state, &draft.draft_id, track_id).await?,
        None => Vec::new(),
    };
    let rounds = state
        .store
        .rounds(track_id)
        .await?
        .into_iter()
        .map(|round| {
            let href = links
                .iter()
                .find(|link| link.round.number == round.number)
                .map(|link| link.href.clone())
                .unwrap_or_default();
            (round, href)
        })
        .collect();
    Ok(TrackPage {
        rounds,
        co_facilitators: state.store.co_facilitators(track_id).await?,
        process,
        tracks: vec![track.clone()],
        track,
        rows,
        own_party,
        csrf: viewer.csrf().to_owned(),
        min_co_sponsors: state.store.min_co_sponsors(track_id).await?,
        may_manage_rounds: viewer.may(Action::ManageRounds),
        error: error.map(ToString::to_string).unwrap_or_default(),
        new_round,
    })
}

/// `GET /processes/{process_id}/registry`: every party that asked for entry, with its standing per track.
pub async fn registry(
    State(state): State<AppState>,
    Path(process_id): Path<String>,
) -> Result<Html<String>, PageError> {
    let process = state.store.process(&process_id).await?;
    let tracks = state.store.tracks(&process_id).await?;
    let track_ids: Vec<String> = tracks.iter().map(|track| track.track_id.clone()).collect();
    let rows = registry_rows(&state, &track_ids).await?;
    html(&RegistryPage { process, tracks, rows })
}

/// `GET /tracks/{track_id}/accreditations/{party_id}`: where the party stands, every step, and the forms its
/// viewer may use.
pub async fn accreditation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((track_id, party_id)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let track = state.store.track(&track_id).await?;
    let party = state.store.party(&party_id).await?;
    let accreditation = state.store.accreditation(&track_id, &party_id).await?;
    let heads_it = party_headed_by(&state, &viewer, &track_id, Some(&party_id)).await.is_ok();
    let is_demo = state.store.process(&track.process_id).await?.is_demo;
    use accord_store::Status;
    html(&AccreditationPage {
        requested_as: accreditation.requested_as.to_string(),
        status: status_word(accreditation.status).to_owned(),
        steps: state.store.accreditation_steps(&track_id, &party_id).await?,
        documents: state
            .store
            .accreditation_documents(&track_id, &party_id)
            .await?
            .into_iter()
            .map(|(name, media_type, size)| {
                let href = format!(
                    "/tracks/{track_id}/accreditations/{party_id}/documents/{}",
                    crate::api::accreditation::percent_encode(&name)
                );
                (name, media_type, size, href)
            })
            .collect(),
        may_decide: viewer.may(Action::DecideAccreditation)
            && matches!(accreditation.status, Status::Pending | Status::Appealed),
        may_appeal: heads_it && accreditation.status == Status::Refused && !accreditation.appealed,
        may_withdraw: heads_it && !matches!(accreditation.status, Status::Refused | Status::Withdrawn),
        track,
        party,
        is_demo,
        csrf: viewer.csrf().to_owned(),
    })
}

/// Parses a standing field.
pub(crate) fn standing(text: &str) -> Result<Standing, Error> {
    match text {
        "participant" => Ok(Standing::Participant),
        "observer" => Ok(Standing::Observer),
        other => Err(Error::field(
            "standing",
            format!("`{other}` is not a standing: expected participant or observer"),
        )),
    }
}

/// `POST /tracks/{track_id}/accreditations`: the head of a delegation asks for entry for their party, with a
/// statement and supporting documents (a multipart form: `standing`, `statement`, files in `documents`).
pub async fn request(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
    mut form: axum::extract::Multipart,
) -> Result<Redirect, PageError> {
    let party_id = party_headed_by(&state, &viewer, &track_id, None).await?;
    let mut standing_text = String::new();
    let mut statement = String::new();
    let mut documents = Vec::new();
    let bad_form =
        |error: axum::extract::multipart::MultipartError| Error::BadRequest(format!("the form: {error}"));
    while let Some(field) = form.next_field().await.map_err(bad_form)? {
        match field.name().unwrap_or_default() {
            "standing" => standing_text = field.text().await.map_err(bad_form)?,
            "statement" => statement = field.text().await.map_err(bad_form)?,
            "documents" => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let media_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
                let content = field.bytes().await.map_err(bad_form)?.to_vec();
                // A file input left empty still sends a part, with no name and no bytes.
                if !(name.is_empty() && content.is_empty()) {
                    documents.push(accord_store::SupportingDocument { name, media_type, content });
                }
            }
            _ => {}
        }
    }
    let actor = actor(&viewer)?;
    state
        .store
        .request_accreditation_with_documents(
            &track_id,
            &party_id,
            standing(&standing_text)?,
            statement.trim(),
            &documents,
            &actor,
        )
        .await?;
    Ok(Redirect::to(&format!("/tracks/{track_id}/accreditations/{party_id}")))
}

/// `GET /tracks/{track_id}/accreditations/{party_id}/documents/{name}`: a supporting document.
pub async fn document(
    State(state): State<AppState>,
    Path((track_id, party_id, name)): Path<(String, String, String)>,
) -> Result<axum::response::Response, PageError> {
    Ok(crate::api::accreditation::document_response(&state, &track_id, &party_id, &name).await?)
}

/// The decision form's fields.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    /// `grant`, `observer` or `refuse`.
    decision: String,
    /// The reason of a refusal.
    #[serde(default)]
    reason: String,
}

/// Parses a decision.
pub(crate) fn decision(text: &str, reason: &str) -> Result<Decision, Error> {
    match text {
        "grant" => Ok(Decision::Grant),
        "observer" => Ok(Decision::GrantAsObserver),
        "refuse" => Ok(Decision::Refuse { reason: reason.trim().to_owned() }),
        other => Err(Error::field(
            "decision",
            format!("`{other}` is not a decision: expected grant, observer or refuse"),
        )),
    }
}

/// `POST /tracks/{track_id}/accreditations/{party_id}/decision`: the secretariat decides.
pub async fn decide(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((track_id, party_id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> Result<Redirect, PageError> {
    let actor = actor(&viewer)?;
    state
        .store
        .decide_accreditation(&track_id, &party_id, &decision(&form.decision, &form.reason)?, &actor)
        .await?;
    Ok(Redirect::to(&format!("/tracks/{track_id}/accreditations/{party_id}")))
}

/// The appeal and withdrawal forms' field.
#[derive(Debug, Deserialize)]
pub struct StatementForm {
    /// What the party says.
    #[serde(default)]
    statement: String,
}

/// `POST /tracks/{track_id}/accreditations/{party_id}/appeal`: the party's head appeals a refusal, once.
pub async fn appeal(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((track_id, party_id)): Path<(String, String)>,
    Form(form): Form<StatementForm>,
) -> Result<Redirect, PageError> {
    party_headed_by(&state, &viewer, &track_id, Some(&party_id)).await?;
    let actor = actor(&viewer)?;
    state.store.appeal_accreditation(&track_id, &party_id, form.statement.trim(), &actor).await?;
    Ok(Redirect::to(&format!("/tracks/{track_id}/accreditations/{party_id}")))
}

/// `POST /tracks/{track_id}/accreditations/{party_id}/withdraw`: the party's head withdraws it from the track.
pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((track_id, party_id)): Path<(String, String)>,
    Form(form): Form<StatementForm>,
) -> Result<Redirect, PageError> {
    party_headed_by(&state, &viewer, &track_id, Some(&party_id)).await?;
    let actor = actor(&viewer)?;
    state.store.withdraw_accreditation(&track_id, &party_id, form.statement.trim(), &actor).await?;
    Ok(Redirect::to(&format!("/tracks/{track_id}/accreditations/{party_id}")))
}

#[derive(Template)]
#[template(path = "delegation.html")]
struct DelegationPage {
    process: Process,
    party: Party,
    tracks: Vec<(Track, String)>,
    members: Vec<accord_store::DelegationMember>,
    may_invite: bool,
    invited: bool,
    csrf: String,
}

/// The delegation page's query: `?invited=1` after an invitation was sent.
#[derive(Debug, Deserialize)]
pub struct DelegationQuery {
    #[serde(default)]
    invited: Option<String>,
}

/// `GET /processes/{process_id}/parties/{party_id}`: a party in a process: its standing in each track and
/// the people of its delegation (names and roles; never e-mail addresses).
pub async fn delegation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((process_id, party_id)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<DelegationQuery>,
) -> Result<Html<String>, PageError> {
    let process = state.store.process(&process_id).await?;
    let party = state.store.party(&party_id).await?;
    let mut tracks = Vec::new();
    for track in state.store.tracks(&process_id).await? {
        let standing = match state.store.accreditation(&track.track_id, &party_id).await {
            Ok(accreditation) => status_word(accreditation.status).to_owned(),
            Err(accord_store::StoreError::NotFound { .. }) => String::new(),
            Err(error) => return Err(error.into()),
        };
        tracks.push((track, standing));
    }
    let members = state.store.delegation(&process_id, &party_id).await?;
    let heads_it = match viewer.user.as_ref() {
        Some(user) => matches!(
            state.store.delegation_of(user.user_id, &process_id).await?,
            Some((own, accord_store::DelegationRole::Head)) if own == party_id
        ),
        None => false,
    };
    let may_invite = heads_it || viewer.roles.contains(&crate::permissions::Role::Secretariat);
    html(&DelegationPage {
        process,
        party,
        tracks,
        members,
        may_invite,
        invited: query.invited.is_some(),
        csrf: viewer.csrf().to_owned(),
    })
}

/// The invitation form's fields.
#[derive(Debug, Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
}

/// `POST /processes/{process_id}/parties/{party_id}/invitations`: the head of the delegation invites a delegate
/// or an expert, the secretariat anyone of it, by an e-mail link.
pub async fn invite(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((process_id, party_id)): Path<(String, String)>,
    Form(form): Form<InviteForm>,
) -> Result<Redirect, PageError> {
    state.store.party(&party_id).await?;
    let body = crate::api::account::NewInvitationJson {
        email: form.email.trim().to_owned(),
        role: form.role,
        track: None,
        party: Some(party_id.clone()),
    };
    crate::api::account::send_invitation(&state, &viewer, &process_id, &body).await?;
    Ok(Redirect::to(&format!("/processes/{process_id}/parties/{party_id}?invited=1")))
}
