//! The amendment pages: a round's compilation text with its filter and downloads; one amendment in the context
//! of its paragraph with its versions, history and the forms each role may use (table, revise, withdraw, join
//! or leave as co-sponsor, pick); the form that proposes an amendment; and the co-facilitators' picks with a
//! preview of the next revision and the form that publishes it.
//!
//! Every form posts and redirects (303) on success; a refused form shows its page again with the store's
//! message (422 or 409), nothing stored.

use super::html;
use crate::accreditation::actor;
use crate::amendment::{
    acting_party, check_sponsor_delegation, compilation_file, compilation_rows, compiled, describe, is_open,
    kind_name, name_of, notify_named_co_sponsors, objective_options, party_names, party_options,
    split_change, viewer_party, visible_amendment, CompilationQuery, CompiledRow, ProposalFields, KINDS,
};
use crate::auth::Viewer;
use crate::error::{Error, PageError};
use crate::export::{revision_ref, File};
use crate::permissions::Action;
use crate::view::{instant, redline_rows_with_provenance, RedlineRow, RevisionView};
use crate::AppState;
use accord_store::amendment::{AmendmentRecord, AmendmentStep};
use accord_store::{AmendmentStatus, Draft, NewAmendment, NextRevision, Process, RevisionRef, Round, Status};
use accord_text::amendment::Proposal;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use time::OffsetDateTime;

type Pairs = Vec<(String, String)>;

/// The value of the first field `name` of a form or query.
fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(key, _)| key == name).map_or("", |(_, value)| value.as_str())
}

/// A page answered with a status other than 200 (a form shown again with its refusal).
fn with_status(status: StatusCode, page: Html<String>) -> Response {
    (status, page).into_response()
}

#[derive(Template)]
#[template(path = "compilation.html")]
struct CompilationPage {
    process: Process,
    draft: Draft,
    revision: RevisionView,
    round: Round,
    rounds: Vec<Round>,
    rows: Vec<CompiledRow>,
    n_shown: usize,
    n_total: usize,
    parties: Vec<(String, String)>,
    objectives: Vec<(String, String)>,
    party: String,
    objective: String,
    kinds: Vec<(&'static str, &'static str, bool)>,
    query: String,
    links: bool,
    propose_base: String,
    picks_href: String,
}

/// `GET /drafts/{draft_id}/revisions/{number}/compilation?round=R&party=&objective=&kind=…`: the revision with
/// every amendment of the round in brackets at its place, attributed; a filter form; downloads.
pub async fn compilation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Html<String>, PageError> {
    let query = CompilationQuery::parse(&pairs)?;
    let revision = revision_ref(&draft_id, &number)?;
    let (process, track, draft) = state.store.draft_context(&draft_id).await?;
    let made = compiled(&state.store, &revision, &query).await?;
    let rounds = state.store.rounds(&track.track_id).await?;
    let latest = state.store.revisions(&draft_id).await?.last().map(|revision| revision.number);
    let base = format!("/drafts/{draft_id}/revisions/{}", made.summary.number);
    let propose_base = if viewer.may(Action::TableAmendment)
        && latest == Some(made.summary.number)
        && is_open(&made.round, OffsetDateTime::now_utc())
    {
        format!("{base}/amendments/new?round={}&eid=", made.round.number)
    } else {
        String::new()
    };
    let picks_href = match viewer.may(Action::PickAmendments) {
        true => format!("{base}/picks?round={}", made.round.number),
        false => String::new(),
    };
    html(&CompilationPage {
        process,
        draft,
        revision: RevisionView::from(&made.summary),
        rows: compilation_rows(&made.compilation),
        n_shown: made.compilation.n_amendments(),
        n_total: made.records.len(),
        parties: party_options(&made.records, &made.names),
        objectives: objective_options(&made.document),
        party: query.party.clone().unwrap_or_default(),
        objective: query.objective.as_ref().map(ToString::to_string).unwrap_or_default(),
        kinds: KINDS
            .into_iter()
            .map(|kind| (kind_name(kind), kind.as_str(), query.kinds.contains(&kind)))
            .collect(),
        query: query.to_query_string(made.round.number),
        links: true,
        propose_base,
        picks_href,
        round: made.round,
        rounds,
    })
}

/// `GET /drafts/{draft_id}/revisions/{number}/compilation/export/{format}?round=…`: the compilation text as
/// Akoma Ntoso, Word or HTML, with the page's filter.
pub async fn compilation_export(
    State(state): State<AppState>,
    Path((draft_id, number, format)): Path<(String, String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<File, PageError> {
    let query = CompilationQuery::parse(&pairs)?;
    let made = compiled(&state.store, &revision_ref(&draft_id, &number)?, &query).await?;
    Ok(compilation_file(&made, &format)?)
}

/// The proposal in the context of its element: the words before, struck, inserted and after.
#[derive(Debug, Clone, Default)]
struct InContext {
    /// The element shown (the element an added one follows).
    eid: String,
    num: String,
    before: String,
    deleted: String,
    inserted: String,
    after: String,
    /// For an added element: its number and text, shown as a new paragraph after the element.
    new_element: String,
}

#[derive(Template)]
#[template(path = "amendment.html")]
struct AmendmentPage {
    draft: Draft,
    revision: RevisionView,
    round: Round,
    record: AmendmentRecord,
    status: &'static str,
    sponsor: String,
    co_sponsors: Vec<(String, String)>,
    description: String,
    context: InContext,
    /// When its latest version was written, as shown.
    version_at: String,
    /// When it was tabled, as shown; empty when it was not.
    tabled_at: String,
    versions: Vec<(i64, String, String, String, String)>,
    steps: Vec<(AmendmentStep, String)>,
    bridging: String,
    fields: ProposalFields,
    kinds: Vec<(&'static str, &'static str)>,
    viewer_party: String,
    may_table: bool,
    may_revise: bool,
    may_withdraw: bool,
    may_join: bool,
    may_leave: bool,
    may_pick: bool,
    picks_href: String,
    compilation_href: String,
    error: String,
    csrf: String,
}

/// `GET /amendments/{amendment_id}`: the amendment, its versions, steps and forms. A draft only for its
/// sponsor's delegation (404 to anyone else).
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
) -> Result<Html<String>, PageError> {
    Ok(amendment_page(&state, &viewer, amendment_id, None, None).await?)
}

/// The amendment page, with the refusal of a form when there was one and the revision form's fields as sent.
async fn amendment_page(
    state: &AppState,
    viewer: &Viewer,
    amendment_id: i64,
    error: Option<&Error>,
    sent: Option<(ProposalFields, String)>,
) -> Result<Html<String>, Error> {
    let record = visible_amendment(state, viewer, amendment_id).await?;
    let draft = state.store.draft(&record.draft_id).await?;
    let revision_ref = RevisionRef { draft_id: record.draft_id.clone(), number: Some(record.revision) };
    let revision = state.store.revision(&revision_ref).await?;
    let round = state.store.round(&record.track_id, record.round).await?;
    let names = party_names(&state.store).await?;
    let own_party = viewer_party(state, viewer, &record.track_id).await?;
    let is_sponsor = own_party.as_deref() == Some(record.sponsor.as_str());
    let is_co_sponsor = own_party.as_ref().is_some_and(|party| record.co_sponsors.contains(party));
    let open = is_open(&round, OffsetDateTime::now_utc());
    let live = matches!(record.status, AmendmentStatus::Draft | AmendmentStatus::Tabled);
    let versions = state
        .store
        .amendment_versions(amendment_id)
        .await?
        .into_iter()
        .map(|version| {
            let at = instant(&version.at);
            (version.version, at, version.actor, describe(&version.proposal), version.justification)
        })
        .collect::<Vec<_>>();
    let version_at =
        versions.last().map(|version| version.1.clone()).unwrap_or_else(|| instant(&record.created_at));
    let steps = state
        .store
        .amendment_steps(amendment_id)
        .await?
        .into_iter()
        .map(|mut step| {
            let party = step.party_id.as_deref().map(|id| name_of(&names, id).to_owned()).unwrap_or_default();
            step.at = instant(&step.at);
            (step, party)
        })
        .collect();
    let (fields, justification) =
        sent.unwrap_or_else(|| (ProposalFields::of(&record.proposal), record.justification.clone()));
    let base = format!("/drafts/{}/revisions/{}", record.draft_id, record.revision);
    html(&AmendmentPage {
        status: record.status.label(),
        sponsor: name_of(&names, &record.sponsor).to_owned(),
        co_sponsors: record
            .co_sponsors
            .iter()
            .map(|id| (id.clone(), name_of(&names, id).to_owned()))
            .collect(),
        description: describe(&record.proposal),
        context: in_context(&revision.document, &record),
        version_at,
        tabled_at: record.tabled_at.as_deref().map(instant).unwrap_or_default(),
        versions,
        steps,
        bridging: record.pick.clone().flatten().unwrap_or_default(),
        fields,
        kinds: KINDS.into_iter().map(|kind| (kind_name(kind), kind.as_str())).collect(),
        viewer_party: own_party.as_deref().map(|id| name_of(&names, id).to_owned()).unwrap_or_default(),
        may_table: is_sponsor && record.status == AmendmentStatus::Draft && open,
        may_revise: is_sponsor && live && open,
        may_withdraw: is_sponsor && live && record.pick.is_none(),
        may_join: viewer.may(Action::CoSponsor)
            && own_party.is_some()
            && !is_sponsor
            && !is_co_sponsor
            && record.status == AmendmentStatus::Tabled
            && open,
        may_leave: is_co_sponsor && live && open,
        may_pick: viewer.may(Action::PickAmendments) && record.status == AmendmentStatus::Tabled && !open,
        picks_href: format!("{base}/picks?round={}", record.round),
        compilation_href: format!("{base}/compilation?round={}#{}", record.round, record.proposal.eid()),
        error: error.map(ToString::to_string).unwrap_or_default(),
        csrf: viewer.csrf().to_owned(),
        draft,
        revision: RevisionView::from(&revision.summary),
        round,
        record: AmendmentRecord { justification, ..record },
    })
    .map_err(|PageError(error)| error)
}

/// Where the amendment's words sit in its element, for the page.
fn in_context(document: &accord_text::Document, record: &AmendmentRecord) -> InContext {
    let eid = record.proposal.eid();
    let Some(node) = document.find(eid) else { return InContext::default() };
    let text = node.own_text();
    let mut context = InContext {
        eid: eid.to_string(),
        num: node.num.clone().unwrap_or_default(),
        before: text.clone(),
        ..InContext::default()
    };
    match &record.proposal {
        Proposal::AddElement { num, text: new_text, .. } => {
            context.new_element =
                format!("{} {new_text}", num.as_deref().unwrap_or_default()).trim().to_owned();
        }
        Proposal::DeleteElement { .. } => {
            context.before = String::new();
            context.deleted = text;
        }
        _ => {
            let Ok(checked) = record.checked(document) else { return context };
            let Some(range) = checked.target_range() else { return context };
            let new_words = checked.new_words();
            let (kept_before, deleted, inserted, kept_after) = split_change(checked.old_words(), &new_words);
            context.before = format!("{}{kept_before}", &text[..range.start]);
            context.deleted = deleted.to_owned();
            context.inserted = inserted.to_owned();
            context.after = format!("{kept_after}{}", &text[range.end..]);
        }
    }
    context
}

/// What a refused step of the amendment page answers: the page again with the refusal, at its status.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    amendment_id: i64,
    error: Error,
    sent: Option<(ProposalFields, String)>,
) -> Response {
    let status = error.status();
    match amendment_page(state, viewer, amendment_id, Some(&error), sent).await {
        Ok(page) => with_status(status, page),
        Err(_) => PageError(error).into_response(),
    }
}

fn to_amendment(amendment_id: i64) -> Response {
    Redirect::to(&format!("/amendments/{amendment_id}")).into_response()
}

/// `POST /amendments/{amendment_id}/table`: the sponsor's delegation tables a draft.
pub async fn table(State(state): State<AppState>, viewer: Viewer, Path(amendment_id): Path<i64>) -> Response {
    let result = async {
        let record = visible_amendment(&state, &viewer, amendment_id).await?;
        check_sponsor_delegation(&state, &viewer, &record).await?;
        let record =
            state.store.table_amendment(amendment_id, &actor(&viewer)?, OffsetDateTime::now_utc()).await?;
        notify_named_co_sponsors(&state, &record).await;
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => to_amendment(amendment_id),
        Err(error) => refused(&state, &viewer, amendment_id, error, None).await,
    }
}

/// `POST /amendments/{amendment_id}/revise`: the sponsor's delegation revises it before the deadline; the old
/// version is kept.
pub async fn revise(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let fields = proposal_fields(&pairs);
    let justification = field(&pairs, "justification").trim().to_owned();
    let result = async {
        let record = visible_amendment(&state, &viewer, amendment_id).await?;
        check_sponsor_delegation(&state, &viewer, &record).await?;
        let proposal = fields.proposal()?;
        state
            .store
            .revise_amendment(
                amendment_id,
                &proposal,
                &justification,
                &actor(&viewer)?,
                OffsetDateTime::now_utc(),
            )
            .await?;
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => to_amendment(amendment_id),
        Err(error) => refused(&state, &viewer, amendment_id, error, Some((fields, justification))).await,
    }
}

/// `POST /amendments/{amendment_id}/withdraw`: the sponsor's delegation withdraws it, with a reason.
pub async fn withdraw(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let result = async {
        let record = visible_amendment(&state, &viewer, amendment_id).await?;
        check_sponsor_delegation(&state, &viewer, &record).await?;
        let reason = field(&pairs, "reason").trim();
        state
            .store
            .withdraw_amendment(amendment_id, reason, &actor(&viewer)?, OffsetDateTime::now_utc())
            .await?;
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => to_amendment(amendment_id),
        Err(error) => refused(&state, &viewer, amendment_id, error, None).await,
    }
}

/// `POST /amendments/{amendment_id}/co-sponsors`: the viewer's party joins as co-sponsor.
pub async fn join(State(state): State<AppState>, viewer: Viewer, Path(amendment_id): Path<i64>) -> Response {
    let result = async {
        let record = visible_amendment(&state, &viewer, amendment_id).await?;
        let party = acting_party(&state, &viewer, &record.track_id).await?;
        state
            .store
            .join_co_sponsors(amendment_id, &party, &actor(&viewer)?, OffsetDateTime::now_utc())
            .await?;
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => to_amendment(amendment_id),
        Err(error) => refused(&state, &viewer, amendment_id, error, None).await,
    }
}

/// `POST /amendments/{amendment_id}/co-sponsors/leave`: the viewer's party withdraws as co-sponsor.
pub async fn leave(State(state): State<AppState>, viewer: Viewer, Path(amendment_id): Path<i64>) -> Response {
    let result = async {
        let record = visible_amendment(&state, &viewer, amendment_id).await?;
        let party = acting_party(&state, &viewer, &record.track_id).await?;
        state
            .store
            .leave_co_sponsors(amendment_id, &party, &actor(&viewer)?, OffsetDateTime::now_utc())
            .await?;
        Ok::<_, Error>(())
    }
    .await;
    match result {
        Ok(()) => to_amendment(amendment_id),
        Err(error) => refused(&state, &viewer, amendment_id, error, None).await,
    }
}

/// `POST /amendments/{amendment_id}/pick`: the co-facilitators pick it, whole or with `bridging` text; with
/// `return_to=picks` the answer is the picks page.
pub async fn pick(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Response {
    // Bridging text is the co-facilitators' words as typed, spaces at its ends included: they stand in the
    // revision in place of the amendment's words. Only a field left blank means none.
    let bridging = Some(field(&pairs, "bridging")).filter(|text| !text.trim().is_empty());
    let result = async {
        let actor = actor(&viewer)?;
        Ok::<_, Error>(
            state.store.pick_amendment(amendment_id, bridging, &actor, OffsetDateTime::now_utc()).await?,
        )
    }
    .await;
    after_pick(&state, &viewer, amendment_id, field(&pairs, "return_to") == "picks", result).await
}

/// `POST /amendments/{amendment_id}/unpick`: the co-facilitators take a pick back.
pub async fn unpick(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(amendment_id): Path<i64>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let result = async {
        let actor = actor(&viewer)?;
        Ok::<_, Error>(state.store.unpick_amendment(amendment_id, &actor, OffsetDateTime::now_utc()).await?)
    }
    .await;
    after_pick(&state, &viewer, amendment_id, field(&pairs, "return_to") == "picks", result).await
}

/// The answer to a pick or unpick: back to the picks page or the amendment page, or that page with the
/// refusal (an overlap with a pick made before, most often).
async fn after_pick(
    state: &AppState,
    viewer: &Viewer,
    amendment_id: i64,
    to_picks: bool,
    result: Result<AmendmentRecord, Error>,
) -> Response {
    // The amendment as it stands now, to know its revision and round; an unknown one answers its 404.
    let record = match state.store.amendment(amendment_id).await {
        Ok(record) => record,
        Err(error) => return PageError(Error::from(error)).into_response(),
    };
    let picks =
        format!("/drafts/{}/revisions/{}/picks?round={}", record.draft_id, record.revision, record.round);
    match (result, to_picks) {
        (Ok(_), true) => Redirect::to(&picks).into_response(),
        (Ok(_), false) => to_amendment(amendment_id),
        (Err(error), true) => {
            let status = error.status();
            let revision = RevisionRef { draft_id: record.draft_id.clone(), number: Some(record.revision) };
            match picks_page(state, viewer, &revision, Some(record.round), Some(&error)).await {
                Ok(page) => with_status(status, page),
                Err(_) => PageError(error).into_response(),
            }
        }
        (Err(error), false) => refused(state, viewer, amendment_id, error, None).await,
    }
}

/// The proposal fields of a form.
fn proposal_fields(pairs: &[(String, String)]) -> ProposalFields {
    ProposalFields {
        kind: field(pairs, "kind").to_owned(),
        eid: field(pairs, "eid").to_owned(),
        words: field(pairs, "words").to_owned(),
        occurrence: field(pairs, "occurrence").to_owned(),
        position: field(pairs, "position").to_owned(),
        text: field(pairs, "text").to_owned(),
        new_eid: field(pairs, "new_eid").to_owned(),
        element: field(pairs, "element").to_owned(),
        num: field(pairs, "num").to_owned(),
    }
}

#[derive(Template)]
#[template(path = "amendment_new.html")]
struct NewAmendmentPage {
    draft: Draft,
    revision: RevisionView,
    party: String,
    paragraph: Option<(String, String, String)>,
    rounds: Vec<Round>,
    round: i64,
    fields: ProposalFields,
    justification: String,
    co_sponsor_options: Vec<(String, String, bool)>,
    kinds: Vec<(&'static str, &'static str)>,
    error: String,
    csrf: String,
}

/// `GET /drafts/{draft_id}/revisions/{number}/amendments/new?eid=…&round=…`: the form that proposes an
/// amendment to an element, for a delegate of a participant party while a round is open on the latest revision.
pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Html<String>, PageError> {
    let fields = ProposalFields {
        kind: "replace".to_owned(),
        eid: field(&pairs, "eid").to_owned(),
        ..ProposalFields::default()
    };
    let round = field(&pairs, "round").parse().ok();
    Ok(new_page(&state, &viewer, &draft_id, &number, round, fields, String::new(), &[], None).await?)
}

/// The propose form, filled with what was sent and the refusal, if any.
#[allow(clippy::too_many_arguments)]
async fn new_page(
    state: &AppState,
    viewer: &Viewer,
    draft_id: &str,
    number: &str,
    round: Option<i64>,
    fields: ProposalFields,
    justification: String,
    chosen: &[String],
    error: Option<&Error>,
) -> Result<Html<String>, Error> {
    let revision_ref = revision_ref(draft_id, number)?;
    let (_, track, draft) = state.store.draft_context(draft_id).await?;
    let summary = state.store.revision_summary(&revision_ref).await?;
    let party = acting_party(state, viewer, &track.track_id).await?;
    let names = party_names(&state.store).await?;
    let now = OffsetDateTime::now_utc();
    let rounds: Vec<Round> =
        state.store.rounds(&track.track_id).await?.into_iter().filter(|round| is_open(round, now)).collect();
    let paragraph = match fields.eid.trim() {
        "" => None,
        eid => {
            let exact = RevisionRef { draft_id: draft_id.to_owned(), number: Some(summary.number) };
            match state.store.paragraph(&exact, eid).await {
                Ok(paragraph) => Some((paragraph.eid, paragraph.num.unwrap_or_default(), paragraph.text)),
                Err(accord_store::StoreError::NotFound { .. }) => None,
                Err(error) => return Err(error.into()),
            }
        }
    };
    let mut co_sponsor_options: Vec<(String, String, bool)> = state
        .store
        .accreditations(Some(&track.track_id), None)
        .await?
        .into_iter()
        .filter(|accreditation| {
            accreditation.status == Status::Participant && accreditation.party_id != party
        })
        .map(|accreditation| {
            let chosen = chosen.contains(&accreditation.party_id);
            let name = name_of(&names, &accreditation.party_id).to_owned();
            (accreditation.party_id, name, chosen)
        })
        .collect();
    co_sponsor_options.sort_by(|a, b| a.1.cmp(&b.1));
    html(&NewAmendmentPage {
        draft,
        revision: RevisionView::from(&summary),
        party: name_of(&names, &party).to_owned(),
        paragraph,
        round: round.or_else(|| rounds.last().map(|round| round.number)).unwrap_or(0),
        rounds,
        fields,
        justification,
        co_sponsor_options,
        kinds: KINDS.into_iter().map(|kind| (kind_name(kind), kind.as_str())).collect(),
        error: error.map(ToString::to_string).unwrap_or_default(),
        csrf: viewer.csrf().to_owned(),
    })
    .map_err(|PageError(error)| error)
}

/// `POST /drafts/{draft_id}/revisions/{number}/amendments`: stores the amendment of the viewer's party, as a
/// draft (`action=draft`) or tabled (`action=table`), then shows it; a refusal shows the form again (422 or
/// 409) with what was sent, nothing stored.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let fields = proposal_fields(&pairs);
    let justification = field(&pairs, "justification").trim().to_owned();
    let co_sponsors: Vec<String> = pairs
        .iter()
        .filter(|(key, value)| key == "co_sponsors" && !value.trim().is_empty())
        .map(|(_, value)| value.trim().to_owned())
        .collect();
    let round_text = field(&pairs, "round").trim().to_owned();
    let result = async {
        let revision = revision_ref(&draft_id, &number)?;
        let (_, track, _) = state.store.draft_context(&draft_id).await?;
        let summary = state.store.revision_summary(&revision).await?;
        let sponsor = acting_party(&state, &viewer, &track.track_id).await?;
        let round = round_text.parse::<i64>().map_err(|_| {
            Error::field("round", format!("`{round_text}`: expected the number of an open round"))
        })?;
        let table = match field(&pairs, "action") {
            "table" => true,
            "draft" | "" => false,
            other => return Err(Error::field("action", format!("`{other}`: expected draft or table"))),
        };
        let new = NewAmendment {
            draft_id: draft_id.clone(),
            revision: summary.number,
            round,
            sponsor,
            co_sponsors: co_sponsors.clone(),
            proposal: fields.proposal()?,
            justification: justification.clone(),
            table,
        };
        let record = state.store.create_amendment(&new, &actor(&viewer)?, OffsetDateTime::now_utc()).await?;
        notify_named_co_sponsors(&state, &record).await;
        Ok::<_, Error>(record.amendment_id)
    }
    .await;
    match result {
        Ok(amendment_id) => Redirect::to(&format!("/amendments/{amendment_id}")).into_response(),
        Err(error) => {
            let status = error.status();
            let round = round_text.parse().ok();
            match new_page(
                &state,
                &viewer,
                &draft_id,
                &number,
                round,
                fields,
                justification,
                &co_sponsors,
                Some(&error),
            )
            .await
            {
                Ok(page) => with_status(status, page),
                Err(_) => PageError(error).into_response(),
            }
        }
    }
}

/// A tabled amendment on the picks page.
#[derive(Debug, Clone)]
struct PickRow {
    id: i64,
    sponsors: String,
    description: String,
    status: &'static str,
    is_tabled: bool,
    picked: bool,
    bridging: String,
    overlaps: Vec<u64>,
}

#[derive(Template)]
#[template(path = "picks.html")]
struct PicksPage {
    draft: Draft,
    revision: RevisionView,
    round: Round,
    round_open: bool,
    rows: Vec<PickRow>,
    n_picked: usize,
    preview: Vec<RedlineRow>,
    preview_error: String,
    may_publish: bool,
    next_label: String,
    today: String,
    error: String,
    csrf: String,
}

/// `GET /drafts/{draft_id}/revisions/{number}/picks?round=R`: the round's tabled amendments with the forms to
/// pick and unpick them, overlaps between them, a preview redline of the next revision and the publish form.
pub async fn picks(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Html<String>, PageError> {
    let revision = revision_ref(&draft_id, &number)?;
    let round = CompilationQuery::parse(&pairs)?.round;
    Ok(picks_page(&state, &viewer, &revision, round, None).await?)
}

/// The picks page, with a refused pick's message when there was one.
async fn picks_page(
    state: &AppState,
    viewer: &Viewer,
    revision: &RevisionRef,
    round: Option<i64>,
    error: Option<&Error>,
) -> Result<Html<String>, Error> {
    let (_, track, draft) = state.store.draft_context(&revision.draft_id).await?;
    let summary = state.store.revision_summary(revision).await?;
    let number = match round {
        Some(number) => number,
        None => crate::amendment::default_round(&state.store, &summary, &track.track_id).await?,
    };
    let round = state.store.round(&track.track_id, number).await?;
    let exact = RevisionRef { draft_id: summary.draft_id.clone(), number: Some(summary.number) };
    let (document, records, amendments) = state.store.tabled_amendments(&exact, number).await?;
    let names = party_names(&state.store).await?;
    let refs: Vec<&accord_text::amendment::Amendment> = amendments.iter().collect();
    let overlaps = accord_text::amendment::overlaps(&refs);
    let rows: Vec<PickRow> = records
        .iter()
        .map(|record| {
            let id = record.amendment_id as u64;
            let mut others: Vec<u64> = overlaps
                .iter()
                .filter_map(|overlap| match (overlap.a == id, overlap.b == id) {
                    (true, _) => Some(overlap.b),
                    (_, true) => Some(overlap.a),
                    _ => None,
                })
                .collect();
            others.sort_unstable();
            others.dedup();
            let parties: Vec<&str> = record.parties().map(|party| name_of(&names, party)).collect();
            PickRow {
                id: record.amendment_id,
                sponsors: accord_text::compilation::attribution_label(&parties),
                description: describe(&record.proposal),
                status: record.status.label(),
                is_tabled: record.status == AmendmentStatus::Tabled,
                picked: record.pick.is_some(),
                bridging: record.pick.clone().flatten().unwrap_or_default(),
                overlaps: others,
            }
        })
        .collect();
    let n_picked = rows.iter().filter(|row| row.picked).count();
    let round_open = !deadline_passed(&round);
    let (preview, preview_error) = if round_open || n_picked == 0 {
        (Vec::new(), String::new())
    } else {
        match state.store.preview_next_revision(&exact, number).await {
            Ok((next, provenance)) => {
                let redline = accord_text::redline::redline(&document, &next);
                (redline_rows_with_provenance(&redline, false, Some(&provenance)), String::new())
            }
            Err(accord_store::StoreError::Amendment(refusal)) => (Vec::new(), refusal.to_string()),
            Err(other) => return Err(other.into()),
        }
    };
    let latest = state.store.revisions(&summary.draft_id).await?.last().map(|revision| revision.number);
    html(&PicksPage {
        draft,
        next_label: format!("Rev.{}", summary.number + 1),
        revision: RevisionView::from(&summary),
        round,
        round_open,
        rows,
        n_picked,
        preview,
        preview_error,
        may_publish: viewer.may(Action::PublishRevision) && !round_open && latest == Some(summary.number),
        today: OffsetDateTime::now_utc().date().to_string(),
        error: error.map(ToString::to_string).unwrap_or_default(),
        csrf: viewer.csrf().to_owned(),
    })
    .map_err(|PageError(error)| error)
}

/// Whether the round's deadline has passed now.
fn deadline_passed(round: &Round) -> bool {
    time::OffsetDateTime::parse(&round.deadline, &time::format_description::well_known::Rfc3339)
        .is_ok_and(|deadline| OffsetDateTime::now_utc() > deadline)
}

/// `POST /drafts/{draft_id}/revisions/{number}/picks/publish`: publishes the next revision made from the round's
/// picks (`round`, `label`, `date` YYYY-MM-DD, `author`, `note`), then shows its redline with the amendment
/// behind each change.
pub async fn publish(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((draft_id, number)): Path<(String, String)>,
    Form(pairs): Form<Pairs>,
) -> Response {
    let round = field(&pairs, "round").trim().parse::<i64>().ok();
    let result = async {
        let revision = revision_ref(&draft_id, &number)?;
        let (process, _, _) = state.store.draft_context(&draft_id).await?;
        let round = round.ok_or_else(|| Error::field("round", "expected the number of the round"))?;
        let next = next_revision(&pairs, process.is_demo)?;
        let published = state
            .store
            .publish_next_revision(&revision, round, &next, &actor(&viewer)?, OffsetDateTime::now_utc())
            .await?;
        Ok::<_, Error>(published.number)
    }
    .await;
    match result {
        Ok(new_number) => {
            Redirect::to(&format!("/drafts/{draft_id}/redline?from={}&to={new_number}", new_number - 1))
                .into_response()
        }
        Err(error) => {
            let status = error.status();
            let page = match revision_ref(&draft_id, &number) {
                Ok(revision) => picks_page(&state, &viewer, &revision, round, Some(&error)).await,
                Err(other) => Err(other),
            };
            match page {
                Ok(page) => with_status(status, page),
                Err(_) => PageError(error).into_response(),
            }
        }
    }
}

/// The facts of the next revision from the publish form or JSON: `label`, `date` (YYYY-MM-DD), `author`
/// (default "the co-facilitators"), `note`.
///
/// # Errors
/// 422 naming `label` or `date`.
pub(crate) fn next_revision(pairs: &[(String, String)], is_demo: bool) -> Result<NextRevision, Error> {
    let label = field(pairs, "label").trim();
    if label.is_empty() {
        return Err(Error::field("label", "expected the new revision's label, e.g. Rev.2"));
    }
    let date_text = field(pairs, "date").trim();
    let date = time::Date::parse(date_text, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| Error::field("date", format!("`{date_text}`: expected a date as YYYY-MM-DD")))?;
    let author = match field(pairs, "author").trim() {
        "" => "the co-facilitators",
        author => author,
    };
    Ok(NextRevision {
        label: label.to_owned(),
        date,
        author: author.to_owned(),
        is_demo,
        note: field(pairs, "note").trim().to_owned(),
    })
}
