//! Resident consultations, without JavaScript: a track's consultations with the form that opens one; the
//! voting page (the next statement as Pol.is draws it, agree/disagree/pass buttons, a form to submit a
//! statement); moderation and closing for the opener; the results (the opinion map as inline SVG with a table
//! of the same, representative statements per group, consensus statements); the openData files.

use super::html;
use crate::accreditation::actor;
use crate::auth::Viewer;
use crate::consultation::{
    check_moderator, draw, existing_participant, may_moderate, next_statement, opening_party,
    participant_key, results, svg_map, GroupResult, Results, StatementShare, SvgLabel, SvgPoint, MAP_HEIGHT,
    MAP_WIDTH,
};
use crate::error::{Error, PageError};
use crate::permissions::Action;
use crate::view::filters;
use crate::AppState;
use accord_store::{
    Consultation, ConsultationStatement, ConsultationStatus, Moderation, NewConsultation, NewStatement,
    Process, Track,
};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

/// A consultation as a list shows it.
struct ConsultationRow {
    consultation: Consultation,
    opener: String,
}

#[derive(Template)]
#[template(path = "consultations.html")]
struct ListPage {
    process: Process,
    track: Track,
    rows: Vec<ConsultationRow>,
    may_open: bool,
    opening_for: String,
    csrf: String,
}

#[derive(Template)]
#[template(path = "consultation.html")]
struct VotePage {
    consultation: Consultation,
    track: Track,
    is_demo: bool,
    opener: String,
    next: Option<ConsultationStatement>,
    n_voted: usize,
    n_left: usize,
    notice: String,
    may_moderate: bool,
    csrf: String,
}

#[derive(Template)]
#[template(path = "consultation_moderation.html")]
struct ModerationPage {
    consultation: Consultation,
    statements: Vec<ConsultationStatement>,
    csrf: String,
}

#[derive(Template)]
#[template(path = "consultation_results.html")]
struct ResultsPage {
    consultation: Consultation,
    track: Track,
    is_demo: bool,
    results: Results,
    points: Vec<SvgPoint>,
    labels: Vec<SvgLabel>,
    width: f64,
    height: f64,
    n_votes: usize,
}

async fn opener_name(state: &AppState, consultation: &Consultation) -> Result<String, Error> {
    Ok(match &consultation.party_id {
        Some(party_id) => state.store.party(party_id).await?.name,
        None if !consultation.source.is_empty() => format!("imported from {}", consultation.source),
        None => "the secretariat".to_owned(),
    })
}

/// Parses the `{consultation_id}` of a path.
pub(crate) fn consultation_id(text: &str) -> Result<i64, Error> {
    text.parse().map_err(|_| Error::NotFound(format!("no consultation `{text}`: expected a number")))
}

/// `GET /tracks/{track_id}/consultations`: the track's consultations, newest first, and the form that opens one.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
) -> Result<Html<String>, PageError> {
    let track = state.store.track(&track_id).await?;
    let process = state.store.process(&track.process_id).await?;
    let mut rows = Vec::new();
    for consultation in state.store.consultations(Some(&track_id)).await? {
        rows.push(ConsultationRow { opener: opener_name(&state, &consultation).await?, consultation });
    }
    let opening = match viewer.may(Action::OpenConsultation) {
        true => opening_party(&state, &viewer, &track_id).await.ok(),
        false => None,
    };
    let opening_for = match &opening {
        Some(Some(party_id)) => state.store.party(party_id).await?.name,
        Some(None) => "the secretariat".to_owned(),
        None => String::new(),
    };
    html(&ListPage {
        process,
        track,
        rows,
        may_open: opening.is_some(),
        opening_for,
        csrf: viewer.csrf().to_owned(),
    })
}

/// The opening form's fields.
#[derive(Debug, Deserialize)]
pub struct OpenForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    language: String,
    /// One seed statement per line.
    #[serde(default)]
    seeds: String,
    /// `on` when submitted statements are shown at once, without moderation first.
    #[serde(default)]
    without_moderation: Option<String>,
}

/// `POST /tracks/{track_id}/consultations`: a city's delegation or the secretariat opens a consultation.
pub async fn open(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
    Form(form): Form<OpenForm>,
) -> Result<Redirect, PageError> {
    let party_id = opening_party(&state, &viewer, &track_id).await?;
    let language = form.language.trim().to_owned();
    let seeds = form
        .seeds
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| NewStatement { text: line.trim().to_owned(), language: language.clone() })
        .collect();
    let consultation = state
        .store
        .open_consultation(
            &NewConsultation {
                track_id,
                party_id,
                title: form.title,
                description: form.description,
                language,
                strict_moderation: form.without_moderation.is_none(),
                seeds,
            },
            &actor(&viewer)?,
        )
        .await?;
    Ok(Redirect::to(&format!("/consultations/{}", consultation.consultation_id)))
}

/// The query of the voting page: what the last form did.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: String,
}

/// `GET /consultations/{consultation_id}`: the next statement for this participant, the vote buttons and the
/// form to submit a statement.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<Html<String>, PageError> {
    let consultation = state.store.consultation(consultation_id(&id)?).await?;
    let track = state.store.track(&consultation.track_id).await?;
    let is_demo = state.store.process(&track.process_id).await?.is_demo;
    let participant = existing_participant(&state, &viewer, &headers, consultation.consultation_id).await?;
    let (next, n_voted, n_left) = next_for(&state, &consultation, participant).await?;
    let notice = match query.notice.as_str() {
        "voted" => "Your vote is counted.",
        "submitted" if consultation.strict_moderation => {
            "Thank you: your statement is submitted and will be shown to others once it is moderated."
        }
        "submitted" => "Thank you: your statement is submitted and shown to others.",
        _ => "",
    }
    .to_owned();
    html(&VotePage {
        may_moderate: may_moderate(&state, &viewer, &consultation).await?,
        opener: opener_name(&state, &consultation).await?,
        consultation,
        track,
        is_demo,
        next,
        n_voted,
        n_left,
        notice,
        csrf: viewer.csrf().to_owned(),
    })
}

/// The statement to show a participant next, how many they voted on and how many are left.
///
/// # Errors
/// When the store fails.
pub(crate) async fn next_for(
    state: &AppState,
    consultation: &Consultation,
    participant: Option<i64>,
) -> Result<(Option<ConsultationStatement>, usize, usize), Error> {
    let statements = state.store.consultation_statements(consultation.consultation_id).await?;
    let voted = match participant {
        Some(participant_id) => {
            state.store.participant_votes(consultation.consultation_id, participant_id).await?
        }
        None => Default::default(),
    };
    let priorities = state
        .store
        .consultation_analysis(consultation.consultation_id)
        .await?
        .map(|analysis| analysis.comment_priorities)
        .unwrap_or_default();
    let n_left = statements
        .iter()
        .filter(|statement| {
            statement.is_votable(consultation.strict_moderation)
                && !voted.contains_key(&statement.statement_id)
        })
        .count();
    let picked = next_statement(
        &statements,
        consultation.strict_moderation,
        &voted,
        &priorities,
        draw(consultation.consultation_id, participant, voted.len()),
    );
    let next = picked.and_then(|id| statements.into_iter().find(|statement| statement.statement_id == id));
    Ok((next, voted.len(), n_left))
}

/// Reads a vote word: `agree` 1, `disagree` -1, `pass` 0.
pub(crate) fn vote_value(word: &str) -> Result<i64, Error> {
    match word {
        "agree" => Ok(1),
        "disagree" => Ok(-1),
        "pass" => Ok(0),
        other => Err(Error::field("vote", format!("expected agree, disagree or pass, found `{other}`"))),
    }
}

/// Reads a statement id field.
pub(crate) fn statement_id(text: &str) -> Result<i64, Error> {
    text.trim()
        .parse()
        .map_err(|_| Error::field("statement", format!("expected a statement number, found `{text}`")))
}

/// The vote form's fields.
#[derive(Debug, Deserialize)]
pub struct VoteForm {
    #[serde(default)]
    statement: String,
    #[serde(default)]
    vote: String,
}

/// A redirect that also sets the participant cookie when the act made a new one.
fn redirect_with_cookie(location: &str, cookie: Option<axum::http::HeaderValue>) -> Response {
    let mut response = Redirect::to(location).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// `POST /consultations/{consultation_id}/votes`: agree, disagree or pass on a statement; back to the page.
pub async fn vote(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<VoteForm>,
) -> Result<Response, PageError> {
    let consultation_id = consultation_id(&id)?;
    let statement = statement_id(&form.statement)?;
    let vote = vote_value(&form.vote)?;
    let (key, cookie) = participant_key(&state, &viewer, &headers);
    state.store.cast_vote(consultation_id, &key, statement, vote).await?;
    Ok(redirect_with_cookie(&format!("/consultations/{consultation_id}?notice=voted"), cookie))
}

/// The statement form's fields.
#[derive(Debug, Deserialize)]
pub struct StatementForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    language: String,
}

/// `POST /consultations/{consultation_id}/statements`: a participant submits a statement.
pub async fn submit(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<StatementForm>,
) -> Result<Response, PageError> {
    let consultation_id = consultation_id(&id)?;
    let (key, cookie) = participant_key(&state, &viewer, &headers);
    state
        .store
        .submit_statement(consultation_id, &key, &NewStatement { text: form.text, language: form.language })
        .await?;
    Ok(redirect_with_cookie(&format!("/consultations/{consultation_id}?notice=submitted"), cookie))
}

/// `GET /consultations/{consultation_id}/moderation`: every statement with accept and reject buttons, for the
/// opener and the secretariat.
pub async fn moderation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let consultation = state.store.consultation(consultation_id(&id)?).await?;
    check_moderator(&state, &viewer, &consultation).await?;
    let mut statements = state.store.consultation_statements(consultation.consultation_id).await?;
    // Those waiting first, then by number.
    statements.sort_by_key(|statement| (statement.moderation != Moderation::Pending, statement.statement_id));
    html(&ModerationPage { consultation, statements, csrf: viewer.csrf().to_owned() })
}

/// The moderation form's field.
#[derive(Debug, Deserialize)]
pub struct ModerationForm {
    #[serde(default)]
    decision: String,
}

/// Reads a moderation decision: `accept`, `reject` or `pending`.
pub(crate) fn moderation_value(word: &str) -> Result<Moderation, Error> {
    match word {
        "accept" | "accepted" => Ok(Moderation::Accepted),
        "reject" | "rejected" => Ok(Moderation::Rejected),
        "pending" => Ok(Moderation::Pending),
        other => {
            Err(Error::field("decision", format!("expected accept, reject or pending, found `{other}`")))
        }
    }
}

/// `POST /consultations/{consultation_id}/statements/{statement_id}/moderation`: accept or reject.
pub async fn moderate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, statement)): Path<(String, String)>,
    Form(form): Form<ModerationForm>,
) -> Result<Redirect, PageError> {
    let consultation = state.store.consultation(consultation_id(&id)?).await?;
    check_moderator(&state, &viewer, &consultation).await?;
    let decision = moderation_value(&form.decision)?;
    let statement =
        statement_id(&statement).map_err(|_| Error::NotFound(format!("no statement `{statement}`")))?;
    state
        .store
        .moderate_statement(consultation.consultation_id, statement, decision, &actor(&viewer)?)
        .await?;
    Ok(Redirect::to(&format!("/consultations/{}/moderation", consultation.consultation_id)))
}

/// `POST /consultations/{consultation_id}/close`: the opener closes the consultation.
pub async fn close(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Result<Redirect, PageError> {
    let consultation = state.store.consultation(consultation_id(&id)?).await?;
    check_moderator(&state, &viewer, &consultation).await?;
    state.store.close_consultation(consultation.consultation_id, &actor(&viewer)?).await?;
    Ok(Redirect::to(&format!("/consultations/{}/results", consultation.consultation_id)))
}

/// `GET /consultations/{consultation_id}/results`: the opinion map, the groups, their representative
/// statements and the consensus statements.
pub async fn results_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let consultation = state.store.consultation(consultation_id(&id)?).await?;
    let track = state.store.track(&consultation.track_id).await?;
    let is_demo = state.store.process(&track.process_id).await?.is_demo;
    let statements = state.store.consultation_statements(consultation.consultation_id).await?;
    let n_votes = state.store.consultation_votes(consultation.consultation_id).await?.len();
    let results = match state.store.consultation_analysis(consultation.consultation_id).await? {
        Some(analysis) => results(&analysis, &statements),
        None => Results::default(),
    };
    let (points, labels) = svg_map(&results);
    html(&ResultsPage {
        consultation,
        track,
        is_demo,
        results,
        points,
        labels,
        width: MAP_WIDTH,
        height: MAP_HEIGHT,
        n_votes,
    })
}

/// `GET /consultations/{consultation_id}/export/{file}`: one file of the openData export.
pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
) -> Result<Response, PageError> {
    Ok(export_file(&state, &headers, consultation_id(&id)?, &file).await?)
}

/// One file of a consultation's openData export as a CSV download; `url` in summary.csv is the consultation's
/// page at the host the request named.
///
/// # Errors
/// 404 for an unknown consultation or a file name other than the four of the export.
pub(crate) async fn export_file(
    state: &AppState,
    headers: &HeaderMap,
    consultation_id: i64,
    file: &str,
) -> Result<Response, Error> {
    let host =
        headers.get(axum::http::header::HOST).and_then(|host| host.to_str().ok()).unwrap_or("localhost");
    let url = format!("http://{host}/consultations/{consultation_id}");
    let consultation = state.store.consultation(consultation_id).await?;
    let url = if consultation.source.is_empty() { url } else { String::new() };
    let export = state.store.export_consultation(consultation_id, &url).await?;
    let Some((name, text)) = export.files().into_iter().find(|(name, _)| *name == file) else {
        return Err(Error::NotFound(format!(
            "no export file `{file}`: expected summary.csv, comments.csv, votes.csv or participants-votes.csv"
        )));
    };
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"consultation-{consultation_id}-{name}\"")),
        ],
        text.to_owned(),
    )
        .into_response())
}

/// Whether a consultation is open, for templates.
fn is_open(consultation: &Consultation) -> bool {
    consultation.status == ConsultationStatus::Open
}

impl VotePage {
    fn is_open(&self) -> bool {
        is_open(&self.consultation)
    }
}

impl ModerationPage {
    fn is_open(&self) -> bool {
        is_open(&self.consultation)
    }
}

impl ResultsPage {
    fn groups(&self) -> &[GroupResult] {
        &self.results.groups
    }

    fn files(&self) -> [&'static str; 4] {
        ["summary.csv", "comments.csv", "votes.csv", "participants-votes.csv"]
    }

    fn consensus(&self) -> [(&'static str, &[StatementShare]); 2] {
        [
            ("Most participants agree", &self.results.consensus_agree),
            ("Most participants disagree", &self.results.consensus_disagree),
        ]
    }
}
