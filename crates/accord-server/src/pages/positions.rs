//! Positions of the parties: on an amendment (`/amendments/{amendment_id}/positions`) and on a paragraph
//! (`/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions`), each with the current positions, their
//! history and, for a participant's delegate, the form of their party's position; the adoption of paragraphs by
//! the co-facilitators; and a track's consensus dashboard (`/tracks/{track_id}/consensus`).

use super::html;
use crate::accreditation::actor;
use crate::auth::Viewer;
use crate::error::{Error, PageError};
use crate::export::revision_ref;
use crate::permissions::Action;
use crate::position::{
    dashboard, party_map, party_of_delegate, Dashboard, MapDot, MapLabel, MAP_HEIGHT, MAP_WIDTH,
};
use crate::view::filters;
use crate::AppState;
use accord_store::{
    AmendmentStatus, NewPosition, ParagraphStatus, Position, PositionChange, PositionTarget, RevisionRef,
    Stance, StanceCounts, Track,
};
use accord_text::amendment::{Position as Place, Proposal};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use axum::Form;
use serde::Deserialize;
use std::collections::HashMap;

/// A current position, as the page lists it.
pub struct PositionRow {
    party: String,
    stance: String,
    statement: String,
    at: String,
    taken_on: String,
}

/// A change of a position, as the history lists it.
pub struct ChangeRow {
    party: String,
    change: String,
    statement: String,
    at: String,
    actor: String,
    taken_on: String,
}

/// The form of the viewer's party.
pub struct PositionForm {
    action: String,
    party: String,
    current: String,
    statement: String,
    has_position: bool,
}

/// A paragraph's status, as the page says it.
pub struct StatusView {
    label: String,
    class: String,
    holders: String,
    note: String,
}

#[derive(Template)]
#[template(path = "positions.html")]
struct PositionsPage {
    title: String,
    breadcrumbs: Vec<(String, String)>,
    is_demo: bool,
    subject: String,
    text: String,
    status: Option<StatusView>,
    counts: StanceCounts,
    positions: Vec<PositionRow>,
    form: Option<PositionForm>,
    closed: Option<String>,
    adopt: Option<(String, String)>,
    history: Vec<ChangeRow>,
    stances: Vec<(String, String)>,
    csrf: String,
}

impl PositionsPage {
    fn checked(&self, stance: &str) -> bool {
        self.form.as_ref().is_some_and(|form| form.current == stance)
    }
}

/// The proposal of an amendment in one line: `replace "at local level" by "at national and local level" in …`.
pub fn describe(proposal: &Proposal) -> String {
    match proposal {
        Proposal::ReplaceWords { eid, words, by } => format!("replace “{}” by “{by}” in {eid}", words.text),
        Proposal::InsertWords { eid, position, anchor, text } => {
            let place = match position {
                Place::Before => "before",
                Place::After => "after",
            };
            format!("insert “{text}” {place} “{}” in {eid}", anchor.text)
        }
        Proposal::DeleteWords { eid, words } => format!("delete “{}” from {eid}", words.text),
        Proposal::AddElement { after, eid, num, text, .. } => {
            format!("add {} {eid} after {after}: “{text}”", num.as_deref().unwrap_or(""))
        }
        Proposal::DeleteElement { eid } => format!("delete the element {eid}"),
    }
}

fn stances() -> Vec<(String, String)> {
    Stance::ALL.iter().map(|stance| (stance.as_str().to_owned(), stance.label().to_owned())).collect()
}

fn rows(positions: &[Position], labels: &HashMap<i64, String>) -> Vec<PositionRow> {
    positions
        .iter()
        .map(|position| PositionRow {
            party: position.party_name.clone(),
            stance: position.stance.label().to_owned(),
            statement: position.statement.clone(),
            at: position.at.clone(),
            taken_on: position.revision.map(|number| taken_on(number, labels)).unwrap_or_default(),
        })
        .collect()
}

fn changes(history: &[PositionChange], labels: &HashMap<i64, String>) -> Vec<ChangeRow> {
    history
        .iter()
        .map(|change| ChangeRow {
            party: change.party_name.clone(),
            change: change
                .stance
                .map(|stance| stance.label().to_owned())
                .unwrap_or_else(|| "withdrawn".to_owned()),
            statement: change.statement.clone(),
            at: change.at.clone(),
            actor: change.actor.clone(),
            taken_on: change.revision.map(|number| taken_on(number, labels)).unwrap_or_default(),
        })
        .rev()
        .collect()
}

fn taken_on(number: i64, labels: &HashMap<i64, String>) -> String {
    labels.get(&number).cloned().unwrap_or_else(|| format!("revision {number}"))
}

fn counts(positions: &[Position]) -> StanceCounts {
    let mut counts = StanceCounts::default();
    for position in positions {
        match position.stance {
            Stance::Support => counts.support += 1,
            Stance::CanLiveWith => counts.can_live_with += 1,
            Stance::Reservation => counts.reservation += 1,
            Stance::Objection => counts.objection += 1,
        }
    }
    counts
}

/// The form for the viewer's party, when the viewer may take positions for a party of this process.
async fn form_for(
    state: &AppState,
    viewer: &Viewer,
    track_id: &str,
    target: &PositionTarget,
    action: String,
) -> Result<Option<PositionForm>, Error> {
    if !viewer.may(Action::TakePosition) {
        return Ok(None);
    }
    let Ok(party_id) = party_of_delegate(state, viewer, track_id).await else {
        return Ok(None);
    };
    let party = state.store.party(&party_id).await?;
    let current = state.store.position(target, &party_id).await?;
    Ok(Some(PositionForm {
        action,
        party: party.name,
        current: current.as_ref().map(|position| position.stance.as_str().to_owned()).unwrap_or_default(),
        statement: current.as_ref().map(|position| position.statement.clone()).unwrap_or_default(),
        has_position: current.is_some(),
    }))
}

async fn revision_labels(state: &AppState, draft_id: &str) -> Result<HashMap<i64, String>, Error> {
    Ok(state
        .store
        .revisions(draft_id)
        .await?
        .into_iter()
        .map(|summary| (summary.number, summary.label))
        .collect())
}

/// `GET /amendments/{amendment_id}/positions`: the positions of the parties on an amendment, their history, and
/// the form of the viewer's party while the amendment is tabled.
pub async fn amendment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
) -> Result<Html<String>, PageError> {
    let record = state.store.amendment(amendment_id).await?;
    if record.status == AmendmentStatus::Draft {
        // A draft is its sponsor's delegation's business; it takes no positions and is not listed here.
        return Err(Error::NotFound(format!("no amendment `A/{amendment_id}` open to positions")).into());
    }
    let track = state.store.track(&record.track_id).await?;
    let process = state.store.process(&track.process_id).await?;
    let target = PositionTarget::Amendment(amendment_id);
    let positions = state.store.positions(&target).await?;
    let labels = HashMap::new();
    let action = format!("/amendments/{amendment_id}/positions");
    let (form, closed) = if record.status == AmendmentStatus::Tabled {
        (form_for(&state, &viewer, &track.track_id, &target, action).await?, None)
    } else {
        (
            None,
            Some(format!(
                "A/{amendment_id} is {}: positions were taken while it was tabled.",
                record.status.label()
            )),
        )
    };
    let sponsor = state.store.party(&record.sponsor).await?.name;
    html(&PositionsPage {
        title: format!("Positions on A/{amendment_id}"),
        breadcrumbs: vec![
            (format!("/tracks/{}", track.track_id), format!("Track: {}", track.title)),
            (format!("/tracks/{}/consensus", track.track_id), "Consensus".to_owned()),
            (format!("/amendments/{amendment_id}"), format!("A/{amendment_id}")),
        ],
        is_demo: process.is_demo,
        subject: format!(
            "A/{amendment_id} by {sponsor} ({}) to revision {} of {}, round {}",
            record.status.label(),
            record.revision,
            record.draft_id,
            record.round
        ),
        text: describe(&record.proposal),
        status: None,
        counts: counts(&positions),
        positions: rows(&positions, &labels),
        form,
        closed,
        adopt: None,
        history: changes(&state.store.position_history(&target).await?, &labels),
        stances: stances(),
        csrf: viewer.csrf().to_owned(),
    })
}

/// `GET /drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions`: a paragraph's status with the
/// holders of its brackets, the positions of the parties (each saying the revision it was taken on), their
/// history, the form of the viewer's party on the latest revision, and the adoption form for co-facilitators.
pub async fn paragraph(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number, eid)): Path<(String, String, String)>,
) -> Result<Html<String>, PageError> {
    let revision = revision_ref(&draft_id, &number)?;
    let (process, track, draft) = state.store.draft_context(&draft_id).await?;
    let summary = state.store.revision_summary(&revision).await?;
    let latest =
        state.store.revision_summary(&RevisionRef { draft_id: draft_id.clone(), number: None }).await?;
    let exact = RevisionRef { draft_id: draft_id.clone(), number: Some(summary.number) };
    let paragraph = state.store.paragraph(&exact, &eid).await?;
    let status = state.store.paragraph_status(&exact, &eid).await?;
    let target = PositionTarget::Paragraph { draft_id: draft_id.clone(), eid: eid.clone() };
    let labels = revision_labels(&state, &draft_id).await?;
    // The positions that count in this revision are those taken on it or before.
    let positions: Vec<Position> = state
        .store
        .positions(&target)
        .await?
        .into_iter()
        .filter(|position| position.revision.is_none_or(|taken_on| taken_on <= summary.number))
        .collect();
    let base = format!("/drafts/{draft_id}/revisions/{}/paragraphs/{eid}", summary.number);
    let is_latest = summary.number == latest.number;
    let (form, closed) = if is_latest {
        (form_for(&state, &viewer, &track.track_id, &target, format!("{base}/positions")).await?, None)
    } else {
        (
            None,
            Some(format!(
                "This is {}; positions are taken on the latest revision, {}.",
                summary.label, latest.label
            )),
        )
    };
    let adopt = (is_latest
        && viewer.may(Action::AdoptParagraphs)
        && matches!(status.status, ParagraphStatus::Open | ParagraphStatus::AgreedAdRef))
    .then(|| (format!("/drafts/{draft_id}/revisions/{}/adoptions", summary.number), eid.clone()));
    let note = match (status.adopted_in, status.lapsed_adoption) {
        (Some(number), _) => format!("Adopted in {}.", taken_on(number, &labels)),
        (None, Some(number)) => format!(
            "Adopted in {}; its text has changed since, so it is open again: only positions taken after count.",
            taken_on(number, &labels)
        ),
        (None, None) => String::new(),
    };
    let holders: Vec<&str> = status.holders.iter().map(|(_, name)| name.as_str()).collect();
    let num = paragraph.num.clone().map(|num| format!("{num} ")).unwrap_or_default();
    html(&PositionsPage {
        title: format!("Positions on {num}{eid}"),
        breadcrumbs: vec![
            (format!("/tracks/{}", track.track_id), format!("Track: {}", track.title)),
            (format!("/tracks/{}/consensus", track.track_id), "Consensus".to_owned()),
            (format!("/drafts/{draft_id}/revisions/{}#{eid}", summary.number), summary.label.clone()),
            (base.clone(), "The paragraph in every revision".to_owned()),
        ],
        is_demo: process.is_demo || summary.is_demo,
        subject: format!("{}, {}: {num}{eid}", draft.title, summary.label),
        text: paragraph.text,
        status: Some(StatusView {
            label: status.status.label().to_owned(),
            class: status.status.as_str().to_owned(),
            holders: holders.join(", "),
            note,
        }),
        counts: status.counts,
        positions: rows(&positions, &labels),
        form,
        closed,
        adopt,
        history: changes(&state.store.position_history(&target).await?, &labels),
        stances: stances(),
        csrf: viewer.csrf().to_owned(),
    })
}

/// The position form.
#[derive(Debug, Deserialize)]
pub struct PositionFields {
    /// `support`, `can_live_with`, `reservation` or `objection`.
    #[serde(default)]
    stance: String,
    /// The party's words.
    #[serde(default)]
    statement: String,
    /// Present (any value) to withdraw the party's position instead.
    #[serde(default)]
    withdraw: Option<String>,
}

/// Parses a stance field, naming the field.
pub fn stance(text: &str) -> Result<Stance, Error> {
    text.trim()
        .parse()
        .map_err(|error: accord_store::PositionError| Error::field("stance", error.to_string()))
}

/// Records or withdraws the viewer's party's position; the target's track is `track`.
async fn record(
    state: &AppState,
    viewer: &Viewer,
    track: &Track,
    target: PositionTarget,
    fields: &PositionFields,
) -> Result<(), Error> {
    let party_id = party_of_delegate(state, viewer, &track.track_id).await?;
    let actor = actor(viewer)?;
    let now = time::OffsetDateTime::now_utc();
    if fields.withdraw.is_some() {
        state.store.withdraw_position(&target, &party_id, &actor, now).await?;
    } else {
        let new = NewPosition {
            target,
            party_id,
            stance: stance(&fields.stance)?,
            statement: fields.statement.clone(),
        };
        state.store.take_position(&new, &actor, now).await?;
    }
    Ok(())
}

/// `POST /amendments/{amendment_id}/positions`: the viewer's party takes, changes or withdraws its position.
pub async fn take_on_amendment(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
    Form(fields): Form<PositionFields>,
) -> Result<Redirect, PageError> {
    let record_of = state.store.amendment(amendment_id).await?;
    let track = state.store.track(&record_of.track_id).await?;
    record(&state, &viewer, &track, PositionTarget::Amendment(amendment_id), &fields).await?;
    Ok(Redirect::to(&format!("/amendments/{amendment_id}/positions#positions")))
}

/// `POST /drafts/{draft_id}/revisions/{number}/paragraphs/{eid}/positions`: the viewer's party takes, changes or
/// withdraws its position on the paragraph (on the latest revision).
pub async fn take_on_paragraph(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number, eid)): Path<(String, String, String)>,
    Form(fields): Form<PositionFields>,
) -> Result<Redirect, PageError> {
    let revision = revision_ref(&draft_id, &number)?;
    let summary = state.store.revision_summary(&revision).await?;
    let latest =
        state.store.revision_summary(&RevisionRef { draft_id: draft_id.clone(), number: None }).await?;
    if summary.number != latest.number {
        return Err(Error::Conflict(format!(
            "{} is not the latest revision ({} is): positions are taken on the latest",
            summary.label, latest.label
        ))
        .into());
    }
    let (_, track, _) = state.store.draft_context(&draft_id).await?;
    let target = PositionTarget::Paragraph { draft_id: draft_id.clone(), eid: eid.clone() };
    record(&state, &viewer, &track, target, &fields).await?;
    Ok(Redirect::to(&format!(
        "/drafts/{draft_id}/revisions/{}/paragraphs/{eid}/positions#positions",
        summary.number
    )))
}

/// The adoption form: one paragraph (`eid`), or every paragraph of the revision when it is empty.
#[derive(Debug, Deserialize)]
pub struct AdoptionFields {
    #[serde(default)]
    eid: String,
}

/// `POST /drafts/{draft_id}/revisions/{number}/adoptions`: the co-facilitators or the secretariat adopt one
/// paragraph, or every paragraph of the revision that is not bracketed, in the latest revision.
pub async fn adopt(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
    Form(fields): Form<AdoptionFields>,
) -> Result<Redirect, PageError> {
    let revision = revision_ref(&draft_id, &number)?;
    let actor = actor(&viewer)?;
    let eid = fields.eid.trim();
    let eids: Vec<String> = if eid.is_empty() { Vec::new() } else { vec![eid.to_owned()] };
    let summary = state.store.revision_summary(&revision).await?;
    state.store.adopt_paragraphs(&revision, &eids, &actor, time::OffsetDateTime::now_utc()).await?;
    if eid.is_empty() {
        let (_, track, _) = state.store.draft_context(&draft_id).await?;
        Ok(Redirect::to(&format!("/tracks/{}/consensus", track.track_id)))
    } else {
        Ok(Redirect::to(&format!(
            "/drafts/{draft_id}/revisions/{}/paragraphs/{eid}/positions",
            summary.number
        )))
    }
}

#[derive(Template)]
#[template(path = "consensus.html")]
struct ConsensusPage {
    track: Track,
    process_title: String,
    process_id: String,
    is_demo: bool,
    dashboard: Dashboard,
    draft_title: String,
    dots: Vec<MapDot>,
    labels: Vec<MapLabel>,
    width: f64,
    height: f64,
    may_adopt: bool,
    csrf: String,
}

/// `GET /tracks/{track_id}/consensus`: the track's consensus dashboard: paragraphs by status and objective, the
/// bracketed ones with their holders, the amendments with the widest support and their bridging scores, and
/// the opinion groups of the parties on a map (inline SVG) and in a table.
pub async fn consensus(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(track_id): Path<String>,
) -> Result<Html<String>, PageError> {
    let data = dashboard(&state, &track_id).await?;
    let (dots, labels) = party_map(&data.dashboard.groups);
    let may_adopt = viewer.may(Action::AdoptParagraphs) && data.revision.is_some();
    html(&ConsensusPage {
        process_title: data.process.title.clone(),
        process_id: data.process.process_id.clone(),
        is_demo: data.process.is_demo,
        draft_title: data.draft.as_ref().map(|draft| draft.title.clone()).unwrap_or_default(),
        track: data.track,
        dashboard: data.dashboard,
        dots,
        labels,
        width: MAP_WIDTH,
        height: MAP_HEIGHT,
        may_adopt,
        csrf: viewer.csrf().to_owned(),
    })
}
