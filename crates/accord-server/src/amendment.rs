//! What the amendment pages and API share: who may act for which party on an amendment, the compilation text
//! of a round (its query, the one store call, the one compile, its rows for templates and its files), the
//! round a revision's amendments belong to, and how a refused amendment names its field.
//!
//! The compilation handler must stay lean (the page for 3,000 amendments in well under 100 ms): one store call
//! for the revision's tabled amendments, one for party names, one [`compile`], one template.

use crate::auth::Viewer;
use crate::error::Error;
use crate::export::File;
use crate::AppState;
use accord_store::amendment::AmendmentRecord;
use accord_store::{AmendmentError, RevisionRef, RevisionSummary, Round, Store};
use accord_text::amendment::{AmendmentError as TextError, AmendmentId, Kind, Position, Proposal, Words};
use accord_text::compilation::{compile, Compilation, CompiledElement, Filter, Proposed, Segment};
use accord_text::{Document, EId};
use std::collections::HashMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The field of a form or JSON body that a refusal of the store is about, for a 422; `None` for a refusal
/// because of where things stand (a deadline, a status, an overlap with a pick), answered 409.
pub fn refused_field(error: &AmendmentError) -> Option<&'static str> {
    match error {
        AmendmentError::Text { source, .. } => Some(text_field(source)),
        AmendmentError::NotParticipant { .. } | AmendmentError::SponsorAsCoSponsor(_) => Some("co_sponsors"),
        AmendmentError::Picks { .. } => Some("bridging"),
        AmendmentError::NegativeMinimum(_) => Some("min_co_sponsors"),
        AmendmentError::Round { field, .. } => Some(field),
        AmendmentError::Csv { .. } => Some("csv"),
        AmendmentError::NotLatestRevision { .. }
        | AmendmentError::RoundNotOpen { .. }
        | AmendmentError::AfterDeadline { .. }
        | AmendmentError::RoundStillOpen { .. }
        | AmendmentError::TooFewCoSponsors { .. }
        | AmendmentError::AlreadyCoSponsor { .. }
        | AmendmentError::NotCoSponsor { .. }
        | AmendmentError::WrongStatus { .. }
        | AmendmentError::Picked { .. }
        | AmendmentError::OtherRoundOpen { .. }
        | AmendmentError::PickOverlap { .. } => None,
    }
}

/// The form field a refusal of the text model is about.
fn text_field(error: &TextError) -> &'static str {
    match error {
        TextError::UnknownEId(_) | TextError::NoText(_) => "eid",
        TextError::WordsNotFound { .. } => "words",
        TextError::AmbiguousWords { .. } | TextError::NoSuchOccurrence { .. } => "occurrence",
        TextError::EmptyText { what, .. } if what.contains("justification") => "justification",
        TextError::EmptyText { what, .. } if what.contains("new") => "text",
        TextError::EmptyText { .. } => "words",
        TextError::SameWords { .. } => "text",
        TextError::EIdTaken(_) => "new_eid",
        TextError::CoSponsorIsSponsor(_) | TextError::DuplicateCoSponsor(_) => "co_sponsors",
        TextError::BridgingOnElementDeletion(_) => "bridging",
    }
}

/// The party whose delegation the viewer belongs to in the process of `track_id`, if any.
///
/// # Errors
/// When the store fails.
pub async fn viewer_party(
    state: &AppState,
    viewer: &Viewer,
    track_id: &str,
) -> Result<Option<String>, Error> {
    let Some(user) = viewer.user.as_ref() else { return Ok(None) };
    let track = state.store.track(track_id).await?;
    Ok(state.store.delegation_of(user.user_id, &track.process_id).await?.map(|(party_id, _)| party_id))
}

/// Tells each co-sponsor named by the sponsor, once the amendment is tabled, that it was named: an e-mail to
/// every member of its delegation with the amendment's page, where the delegation leaves as co-sponsor if it
/// did not agree, until the round's deadline. A party is named by its sponsor in the field's practice (the
/// sponsor lists those who agreed); this keeps each named party informed and able to undo it. Does nothing for
/// a draft (it is told when the draft is tabled) or an amendment without co-sponsors. The amendment is stored
/// already: a failure to write the e-mail is logged, not answered.
pub async fn notify_named_co_sponsors(state: &AppState, record: &AmendmentRecord) {
    if let Err(error) = write_co_sponsor_notices(state, record).await {
        tracing::error!(amendment = record.amendment_id, %error, "the named co-sponsors could not be told");
    }
}

async fn write_co_sponsor_notices(state: &AppState, record: &AmendmentRecord) -> Result<(), Error> {
    if record.status != accord_store::AmendmentStatus::Tabled || record.co_sponsors.is_empty() {
        return Ok(());
    }
    let track = state.store.track(&record.track_id).await?;
    let round = state.store.round(&record.track_id, record.round).await?;
    let sponsor = state.store.party(&record.sponsor).await?.name;
    let link = format!("{}/amendments/{}", state.auth.public_url, record.amendment_id);
    for party_id in &record.co_sponsors {
        let party = state.store.party(party_id).await?.name;
        let subject = format!("{party} is named co-sponsor of A/{}", record.amendment_id);
        let body = format!(
            "{sponsor} tabled A/{id} ({description}) to revision {draft}/{revision}, round {round_number} of the \
             track {track_title}, and named {party} among its co-sponsors.\n\n\
             If {party} agreed, there is nothing to do. If not, a member of its delegation leaves as co-sponsor \
             on the amendment's page before the round's deadline, {deadline}:\n\n{link}\n",
            id = record.amendment_id,
            description = describe(&record.proposal),
            draft = record.draft_id,
            revision = record.revision,
            round_number = record.round,
            track_title = track.title,
            deadline = round.deadline,
        );
        for member in state.store.delegation(&track.process_id, party_id).await? {
            let user = state.store.user(member.user_id).await?;
            crate::mail::send(state, &user.email, &subject, &body).await?;
        }
    }
    Ok(())
}

/// Whether the viewer may see the amendment: a draft only by its sponsor's delegation, the rest by anyone.
///
/// # Errors
/// When the store fails.
pub async fn may_see(state: &AppState, viewer: &Viewer, record: &AmendmentRecord) -> Result<bool, Error> {
    if record.status != accord_store::AmendmentStatus::Draft {
        return Ok(true);
    }
    Ok(viewer_party(state, viewer, &record.track_id).await?.as_deref() == Some(record.sponsor.as_str()))
}

/// The amendment, or a 404 for a draft the viewer may not see (so that a draft's existence is not told).
///
/// # Errors
/// 404 for an unknown amendment or a draft of another delegation.
pub async fn visible_amendment(
    state: &AppState,
    viewer: &Viewer,
    amendment_id: i64,
) -> Result<AmendmentRecord, Error> {
    let record = state.store.amendment(amendment_id).await?;
    if !may_see(state, viewer, &record).await? {
        return Err(Error::NotFound(format!("no amendment `A/{amendment_id}`")));
    }
    Ok(record)
}

/// Checks that the viewer belongs to the sponsor's delegation.
///
/// # Errors
/// 401 when no one is signed in; 403 otherwise.
pub async fn check_sponsor_delegation(
    state: &AppState,
    viewer: &Viewer,
    record: &AmendmentRecord,
) -> Result<(), Error> {
    viewer.signed_in()?;
    match viewer_party(state, viewer, &record.track_id).await? {
        Some(party) if party == record.sponsor => Ok(()),
        _ => Err(Error::Forbidden(format!(
            "only the delegation of `{}`, the sponsor of A/{}, may do this",
            record.sponsor, record.amendment_id
        ))),
    }
}

/// The party the viewer acts for in the track of `track_id`: the party of their delegation.
///
/// # Errors
/// 401 when no one is signed in; 403 when they belong to no delegation of the track's process.
pub async fn acting_party(state: &AppState, viewer: &Viewer, track_id: &str) -> Result<String, Error> {
    viewer.signed_in()?;
    viewer_party(state, viewer, track_id).await?.ok_or_else(|| {
        Error::Forbidden(
            "you are in no delegation of this process: a party's delegation acts on amendments".into(),
        )
    })
}

/// Every party's display name by id.
///
/// # Errors
/// When the store fails.
pub async fn party_names(store: &Store) -> Result<HashMap<String, String>, Error> {
    Ok(store.parties(None).await?.into_iter().map(|party| (party.party_id, party.name)).collect())
}

/// The display name of `party_id` in `names`, the id itself when unknown.
pub fn name_of<'a>(names: &'a HashMap<String, String>, party_id: &'a str) -> &'a str {
    names.get(party_id).map_or(party_id, String::as_str)
}

/// Whether `round` is open at `now`: opened on or before today and its deadline not passed.
pub fn is_open(round: &Round, now: OffsetDateTime) -> bool {
    let opened = round.opens_on.as_str() <= now.date().to_string().as_str();
    let before_deadline =
        OffsetDateTime::parse(&round.deadline, &Rfc3339).map(|deadline| now <= deadline).unwrap_or(false);
    opened && before_deadline
}

/// The round whose compilation a revision shows when none is asked for: the last round with amendments
/// tabled to it; else, for the latest revision, the last open round of the track; else the track's last round.
///
/// # Errors
/// 404 when the track has no round at all.
pub async fn default_round(store: &Store, summary: &RevisionSummary, track_id: &str) -> Result<i64, Error> {
    let amended = store.amended_revisions(&summary.draft_id).await?;
    if let Some((round, _, _)) = amended.iter().rev().find(|(_, revision, _)| *revision == summary.number) {
        return Ok(*round);
    }
    let rounds = store.rounds(track_id).await?;
    let now = OffsetDateTime::now_utc();
    if let Some(open) = rounds.iter().rev().find(|round| is_open(round, now)) {
        return Ok(open.number);
    }
    rounds
        .last()
        .map(|round| round.number)
        .ok_or_else(|| Error::NotFound(format!("track `{track_id}` has no round, so no compilation text")))
}

/// A round of a track with the revision its compilation text shows.
#[derive(Debug, Clone)]
pub struct RoundLink {
    /// The round.
    pub round: Round,
    /// Whether it is open now.
    pub is_open: bool,
    /// The revision its amendments amend (the latest revision for an open round without amendments), if any.
    pub revision: Option<i64>,
    /// The amendments tabled in it.
    pub n_amendments: i64,
    /// The compilation page, empty when there is no revision to show.
    pub href: String,
    /// The picks page of the round.
    pub picks_href: String,
}

/// The rounds of a draft's track with their compilation links, in order.
///
/// # Errors
/// When the store fails.
pub async fn round_links(state: &AppState, draft_id: &str, track_id: &str) -> Result<Vec<RoundLink>, Error> {
    let amended = state.store.amended_revisions(draft_id).await?;
    let latest = state.store.revisions(draft_id).await?.last().map(|revision| revision.number);
    let now = OffsetDateTime::now_utc();
    let rounds = state.store.rounds(track_id).await?;
    Ok(rounds
        .into_iter()
        .map(|round| {
            let tabled: Vec<&(i64, i64, i64)> =
                amended.iter().filter(|(number, _, _)| *number == round.number).collect();
            let is_open = is_open(&round, now);
            let revision = match tabled.last() {
                Some((_, revision, _)) => Some(*revision),
                None if is_open => latest,
                None => None,
            };
            let n_amendments = tabled.iter().map(|(_, _, n)| n).sum();
            let href = revision
                .map(|revision| {
                    format!("/drafts/{draft_id}/revisions/{revision}/compilation?round={}", round.number)
                })
                .unwrap_or_default();
            let picks_href = revision
                .map(|revision| {
                    format!("/drafts/{draft_id}/revisions/{revision}/picks?round={}", round.number)
                })
                .unwrap_or_default();
            RoundLink { round, is_open, revision, n_amendments, href, picks_href }
        })
        .collect())
}

/// What a compilation text is asked for: `round`, `party`, `objective` and `kind` (repeated), each optional.
#[derive(Debug, Clone, Default)]
pub struct CompilationQuery {
    /// The round; the default round of the revision when `None`.
    pub round: Option<i64>,
    /// Only amendments this party sponsors or co-sponsors.
    pub party: Option<String>,
    /// Only this element and what lies below it.
    pub objective: Option<EId>,
    /// Only these kinds; all when empty.
    pub kinds: Vec<Kind>,
    /// A file format asked for (`format=akn|docx|html|json`), for the API.
    pub format: Option<String>,
}

/// A kind of amendment as forms and the API name it: `replace`, `insert`, `delete`, `add`, `delete-element`.
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::ReplaceWords => "replace",
        Kind::InsertWords => "insert",
        Kind::DeleteWords => "delete",
        Kind::AddElement => "add",
        Kind::DeleteElement => "delete-element",
    }
}

/// Every kind, in the order of the filter's checkboxes.
pub const KINDS: [Kind; 5] =
    [Kind::ReplaceWords, Kind::InsertWords, Kind::DeleteWords, Kind::AddElement, Kind::DeleteElement];

impl CompilationQuery {
    /// Parses the pairs of a query string; empty values count as absent.
    ///
    /// # Errors
    /// 422 naming the field: a round that is not a number, an objective that is not an eId, an unknown kind.
    pub fn parse(pairs: &[(String, String)]) -> Result<CompilationQuery, Error> {
        let mut query = CompilationQuery::default();
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_str() {
                "round" => {
                    query.round = Some(value.parse().map_err(|_| {
                        Error::field("round", format!("`{value}`: expected a round number (1, 2 …)"))
                    })?)
                }
                "party" => query.party = Some(value.to_owned()),
                "objective" => {
                    query.objective = Some(EId::parse(value).map_err(|error| {
                        Error::field("objective", format!("`{value}` is not an eId: {error}"))
                    })?)
                }
                "kind" => {
                    let kind = KINDS.into_iter().find(|kind| kind_name(*kind) == value).ok_or_else(|| {
                        Error::field(
                            "kind",
                            format!("`{value}`: expected replace, insert, delete, add or delete-element"),
                        )
                    })?;
                    if !query.kinds.contains(&kind) {
                        query.kinds.push(kind);
                    }
                }
                "format" => query.format = Some(value.to_owned()),
                _ => {}
            }
        }
        Ok(query)
    }

    /// The query string of this filter (without format), `&`-joined, for links to downloads and pages.
    pub fn to_query_string(&self, round: i64) -> String {
        let mut pairs = vec![format!("round={round}")];
        if let Some(party) = &self.party {
            pairs.push(format!("party={}", crate::api::accreditation::percent_encode(party)));
        }
        if let Some(objective) = &self.objective {
            pairs.push(format!("objective={objective}"));
        }
        for kind in &self.kinds {
            pairs.push(format!("kind={}", kind_name(*kind)));
        }
        pairs.join("&")
    }
}

/// A compilation text made: the revision, its round, its text and amendments, and the compilation.
#[derive(Debug)]
pub struct Compiled {
    /// The revision amended.
    pub summary: RevisionSummary,
    /// The round.
    pub round: Round,
    /// The revision's text.
    pub document: Document,
    /// The amendments of the round (tabled, merged or not retained), unfiltered.
    pub records: Vec<AmendmentRecord>,
    /// The compilation, filtered.
    pub compilation: Compilation,
    /// Party names by id.
    pub names: HashMap<String, String>,
}

/// The compilation text of `revision` in the round the query names (or the default round), filtered.
///
/// # Errors
/// 404 for an unknown draft, revision or round; 422 for a party that is not in the registry or an objective
/// that is no element of the revision.
pub async fn compiled(
    store: &Store,
    revision: &RevisionRef,
    query: &CompilationQuery,
) -> Result<Compiled, Error> {
    let (_, track, _) = store.draft_context(&revision.draft_id).await?;
    let summary = store.revision_summary(revision).await?;
    let number = match query.round {
        Some(number) => number,
        None => default_round(store, &summary, &track.track_id).await?,
    };
    let round = store.round(&track.track_id, number).await?;
    let exact = RevisionRef { draft_id: summary.draft_id.clone(), number: Some(summary.number) };
    let (document, records, amendments) = store.tabled_amendments(&exact, number).await?;
    let names = party_names(store).await?;
    if let Some(party) = &query.party {
        if !names.contains_key(party) {
            return Err(Error::field("party", format!("`{party}`: expected a party id of the registry")));
        }
    }
    if let Some(objective) = &query.objective {
        if document.find(objective).is_none() {
            return Err(Error::field(
                "objective",
                format!(
                    "`{objective}`: expected the eId of an element of {}/{}",
                    summary.draft_id, summary.number
                ),
            ));
        }
    }
    let filter =
        Filter { party: query.party.clone(), objective: query.objective.clone(), kinds: query.kinds.clone() };
    let compilation = compile(&document, &amendments, &filter, &|id| name_of(&names, id).to_owned());
    Ok(Compiled { summary, round, document, records, compilation, names })
}

/// The compilation as a file: `akn` (Akoma Ntoso with `ins`/`del` naming amendments and parties), `docx`
/// (tracked changes by sponsor) or `html` (the page's text, standalone).
///
/// # Errors
/// 422 for another format; 500 when a file cannot be made.
pub fn compilation_file(compiled: &Compiled, format: &str) -> Result<File, Error> {
    let stem = format!(
        "{}-{}-round-{}-compilation",
        compiled.summary.draft_id, compiled.summary.number, compiled.round.number
    );
    match format {
        "akn" | "xml" => Ok(File::new(
            accord_text::compilation::to_akn(&compiled.document, &compiled.compilation).into_bytes(),
            "application/akn+xml",
            format!("{stem}.akn.xml"),
        )),
        "docx" => {
            let title = accord_docx::CompilationTitle {
                draft: compiled.summary.draft_id.clone(),
                revision: format!(
                    "{} ({}/{})",
                    compiled.summary.label, compiled.summary.draft_id, compiled.summary.number
                ),
                round: format!("Round {}: {}", compiled.round.number, compiled.round.title),
            };
            // Each change is dated when its amendment was tabled; the file as of the latest tabling (the
            // revision's day when nothing is tabled).
            let tabled_at: HashMap<u64, OffsetDateTime> = compiled
                .records
                .iter()
                .filter_map(|record| {
                    let at = OffsetDateTime::parse(record.tabled_at.as_deref()?, &Rfc3339).ok()?;
                    Some((u64::try_from(record.amendment_id).ok()?, at))
                })
                .collect();
            let date = tabled_at
                .values()
                .max()
                .copied()
                .unwrap_or_else(|| OffsetDateTime::new_utc(compiled.summary.date, time::Time::MIDNIGHT));
            let bytes = accord_docx::compilation_docx_dated(
                &compiled.document,
                &compiled.compilation,
                &title,
                date,
                &tabled_at,
            )
            .map_err(|error| Error::Internal(format!("compilation DOCX: {error}")))?;
            Ok(File::new(bytes, crate::export::DOCX, format!("{stem}.docx")))
        }
        "html" => Ok(File::new(
            crate::render::compilation_html(compiled)?.into_bytes(),
            "text/html; charset=utf-8",
            format!("{stem}.html"),
        )),
        other => {
            Err(Error::field("format", format!("`{other}`: a compilation comes as akn, docx, html or json")))
        }
    }
}

/// A proposal as form fields and JSON carry it, every field a string (empty when not used).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProposalFields {
    /// `replace`, `insert`, `delete`, `add` or `delete-element`.
    pub kind: String,
    /// The element amended (for `add`, the element the new one follows).
    pub eid: String,
    /// The exact words changed, or the anchor of an insertion.
    pub words: String,
    /// Which occurrence of the words, from 1, when they occur more than once; empty otherwise.
    pub occurrence: String,
    /// `before` or `after` the anchor, for `insert` (default `after`).
    pub position: String,
    /// The new words, the inserted words, or the new element's text.
    pub text: String,
    /// For `add`: the new element's eId.
    pub new_eid: String,
    /// For `add`: the Akoma Ntoso element, default `point`.
    pub element: String,
    /// For `add`: the number shown, e.g. `(c bis)`.
    pub num: String,
}

impl ProposalFields {
    /// The fields of a stored proposal, to fill a revision form.
    pub fn of(proposal: &Proposal) -> ProposalFields {
        let words =
            |words: &Words| (words.text.clone(), words.occurrence.map(|n| n.to_string()).unwrap_or_default());
        let kind = kind_name(proposal.kind()).to_owned();
        match proposal {
            Proposal::ReplaceWords { eid, words: named, by } => {
                let (words, occurrence) = words(named);
                ProposalFields {
                    kind,
                    eid: eid.to_string(),
                    words,
                    occurrence,
                    text: by.clone(),
                    ..Default::default()
                }
            }
            Proposal::InsertWords { eid, position, anchor, text } => {
                let (words, occurrence) = words(anchor);
                let position = match position {
                    Position::Before => "before",
                    Position::After => "after",
                };
                ProposalFields {
                    kind,
                    eid: eid.to_string(),
                    words,
                    occurrence,
                    position: position.to_owned(),
                    text: text.clone(),
                    ..Default::default()
                }
            }
            Proposal::DeleteWords { eid, words: named } => {
                let (words, occurrence) = words(named);
                ProposalFields { kind, eid: eid.to_string(), words, occurrence, ..Default::default() }
            }
            Proposal::AddElement { after, eid, element, num, text } => ProposalFields {
                kind,
                eid: after.to_string(),
                text: text.clone(),
                new_eid: eid.to_string(),
                element: element.clone(),
                num: num.clone().unwrap_or_default(),
                ..Default::default()
            },
            Proposal::DeleteElement { eid } => {
                ProposalFields { kind, eid: eid.to_string(), ..Default::default() }
            }
        }
    }

    /// The proposal these fields describe ([`accord_store::amendment::proposal_from_parts`]).
    ///
    /// # Errors
    /// 422 naming the field that is wrong.
    pub fn proposal(&self) -> Result<Proposal, Error> {
        let occurrence = match self.occurrence.trim() {
            "" => None,
            text => Some(text.parse::<i64>().map_err(|_| {
                Error::field("occurrence", format!("`{text}`: expected a number from 1, or nothing"))
            })?),
        };
        let optional = |text: &str| Some(text.to_owned()).filter(|text| !text.trim().is_empty());
        accord_store::amendment::proposal_from_parts(
            &self.kind,
            &self.eid,
            &self.words,
            occurrence,
            optional(&self.position).as_deref(),
            &self.text,
            optional(&self.new_eid).as_deref(),
            optional(&self.element).as_deref(),
            optional(&self.num).as_deref(),
        )
        .map_err(|(field, message)| Error::field(field, message))
    }
}

/// A proposal in one line: `replace “at local level” by “at all levels” in sec_3__obj_15__para_1__point_c`.
pub fn describe(proposal: &Proposal) -> String {
    let nth = |words: &Words| match words.occurrence {
        Some(n) => format!("“{}” (occurrence {n})", words.text),
        None => format!("“{}”", words.text),
    };
    match proposal {
        Proposal::ReplaceWords { eid, words, by } => format!("replace {} by “{by}” in {eid}", nth(words)),
        Proposal::InsertWords { eid, position, anchor, text } => {
            let side = match position {
                Position::Before => "before",
                Position::After => "after",
            };
            format!("insert “{text}” {side} {} in {eid}", nth(anchor))
        }
        Proposal::DeleteWords { eid, words } => format!("delete {} in {eid}", nth(words)),
        Proposal::AddElement { after, eid, num, text, .. } => {
            let num = num.as_deref().map(|num| format!(" {num}")).unwrap_or_default();
            format!("add {eid}{num} after {after}: “{text}”")
        }
        Proposal::DeleteElement { eid } => format!("delete the element {eid} and what lies below it"),
    }
}

/// One proposal as a template shows it: the words before the change, the words struck and inserted, the
/// words after, who proposes it and its amendments.
#[derive(Debug, Clone)]
pub struct ProposalView {
    /// The amendments, ascending.
    pub ids: Vec<AmendmentId>,
    /// `replace`, `insert`, `delete`, `add`, `delete element`.
    pub kind: &'static str,
    /// Words of the revision kept before the change, outside the brackets.
    pub before: String,
    /// Words struck.
    pub deleted: String,
    /// Words inserted.
    pub inserted: String,
    /// Words of the revision kept after the change, outside the brackets.
    pub after: String,
    /// The attribution label: "New York, Chicago and 12 others".
    pub sponsors: String,
    /// Every party, comma-separated (the label's title).
    pub parties: String,
}

impl ProposalView {
    /// The proposal `proposed`, its unchanged words at either end (cut at spaces) taken out of the brackets.
    pub fn new(proposed: &Proposed) -> ProposalView {
        let (before, deleted, inserted, after) = split_change(&proposed.old_words, &proposed.new_words);
        ProposalView {
            ids: proposed.ids.clone(),
            kind: proposed.kind.as_str(),
            before: before.to_owned(),
            deleted: deleted.to_owned(),
            inserted: inserted.to_owned(),
            after: after.to_owned(),
            sponsors: proposed.sponsors.clone(),
            parties: proposed.parties.join(", "),
        }
    }

    /// As an option among alternatives: the group's words are shown once, so the option shows its new
    /// words whole.
    fn option(proposed: &Proposed) -> ProposalView {
        ProposalView {
            before: String::new(),
            deleted: String::new(),
            inserted: proposed.new_words.clone(),
            after: String::new(),
            ..ProposalView::new(proposed)
        }
    }
}

/// `old` and `new` cut into `(kept before, struck, inserted, kept after)`: the longest common start and end
/// that end and begin at a space (or the whole text), so that whole words are struck and inserted.
pub fn split_change<'a>(old: &'a str, new: &'a str) -> (&'a str, &'a str, &'a str, &'a str) {
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    let whole =
        |text: &str, at: usize| at == text.len() || text[at..].starts_with(' ') || text[..at].ends_with(' ');
    while prefix > 0 && !(old.is_char_boundary(prefix) && whole(old, prefix) && whole(new, prefix)) {
        prefix -= 1;
    }
    let old_rest = &old[prefix..];
    let new_rest = &new[prefix..];
    let mut suffix = old_rest.bytes().rev().zip(new_rest.bytes().rev()).take_while(|(a, b)| a == b).count();
    let whole_end = |text: &str, at: usize| {
        let cut = text.len() - at;
        cut == 0 || text[cut..].starts_with(' ') || text[..cut].ends_with(' ')
    };
    while suffix > 0
        && !(old_rest.is_char_boundary(old_rest.len() - suffix)
            && new_rest.is_char_boundary(new_rest.len() - suffix)
            && whole_end(old_rest, suffix)
            && whole_end(new_rest, suffix))
    {
        suffix -= 1;
    }
    (
        &old[..prefix],
        &old_rest[..old_rest.len() - suffix],
        &new_rest[..new_rest.len() - suffix],
        &old_rest[old_rest.len() - suffix..],
    )
}

/// A piece of an element's text in the compilation: plain words, one proposal, or alternatives.
#[derive(Debug, Clone)]
pub struct Piece {
    /// The plain words, or the words alternatives are proposed for.
    pub text: String,
    /// The one proposal.
    pub proposal: Option<ProposalView>,
    /// The alternatives' options.
    pub options: Vec<ProposalView>,
}

/// One element of the compilation, ready to show.
#[derive(Debug, Clone)]
pub struct CompiledRow {
    /// The eId (the HTML `id`).
    pub eid: String,
    /// The AKN element name, as a CSS class.
    pub element: String,
    /// Depth below the top part.
    pub depth: usize,
    /// Heading level 2 to 6 when the element has a heading, 0 otherwise.
    pub level: u8,
    /// The number.
    pub num: String,
    /// The heading.
    pub heading: String,
    /// The text with its proposals.
    pub pieces: Vec<Piece>,
    /// Proposals on the element as a whole (its deletion, a new element's addition).
    pub element_proposals: Vec<ProposalView>,
    /// True for an element an amendment proposes.
    pub is_new: bool,
    /// True for an element with text that no amendment touches.
    pub no_proposal: bool,
}

/// The rows of a compilation, in reading order.
pub fn compilation_rows(compilation: &Compilation) -> Vec<CompiledRow> {
    compilation.elements().iter().map(compiled_row).collect()
}

fn compiled_row(element: &CompiledElement) -> CompiledRow {
    let pieces = element
        .segments
        .iter()
        .map(|segment| match segment {
            Segment::Text(text) => Piece { text: text.clone(), proposal: None, options: Vec::new() },
            Segment::Proposal(proposed) => Piece {
                text: String::new(),
                proposal: Some(ProposalView::new(proposed)),
                options: Vec::new(),
            },
            Segment::Alternatives(alternatives) => Piece {
                text: alternatives.old_words.clone(),
                proposal: None,
                options: alternatives.options.iter().map(ProposalView::option).collect(),
            },
        })
        .collect();
    CompiledRow {
        eid: element.eid.to_string(),
        element: element.element.clone(),
        depth: element.depth,
        level: match element.heading {
            Some(_) => (2 + element.depth).min(6) as u8,
            None => 0,
        },
        num: element.num.clone().unwrap_or_default(),
        heading: element.heading.clone().unwrap_or_default(),
        pieces,
        element_proposals: element.element_proposals.iter().map(ProposalView::new).collect(),
        is_new: element.is_new,
        no_proposal: element.has_no_proposal(),
    }
}

/// The elements with a heading of a document (sections, objectives): `(eId, "num: heading")`, for the
/// objective filter.
pub fn objective_options(document: &Document) -> Vec<(String, String)> {
    document
        .nodes_where(|node| node.heading.is_some() && node.eid.is_some())
        .into_iter()
        .filter_map(|node| {
            let eid = node.eid.as_ref()?.to_string();
            let heading = node.heading.clone().unwrap_or_default();
            let label = match &node.num {
                Some(num) => format!("{num}: {heading}"),
                None => heading,
            };
            Some((eid, label))
        })
        .collect()
}

/// The parties behind the amendments of a compilation: `(id, name)` by name, for the party filter.
pub fn party_options(records: &[AmendmentRecord], names: &HashMap<String, String>) -> Vec<(String, String)> {
    let mut parties: Vec<(String, String)> = records
        .iter()
        .flat_map(|record| record.parties())
        .collect::<std::collections::BTreeSet<&str>>()
        .into_iter()
        .map(|id| (id.to_owned(), name_of(names, id).to_owned()))
        .collect();
    parties.sort_by(|a, b| a.1.cmp(&b.1));
    parties
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_keeps_its_common_words_outside_the_brackets() {
        // An insertion after its anchor: the anchor stays outside.
        assert_eq!(split_change("national", "national and local"), ("national", "", " and local", ""));
        // A replacement in the middle: the words around it stay outside, whole words only.
        assert_eq!(split_change("at local level", "at all levels"), ("at ", "local level", "all levels", ""));
        assert_eq!(split_change("easily accessible", "accessible"), ("", "easily ", "", "accessible"));
        // A deletion of everything.
        assert_eq!(split_change("strictly", ""), ("", "strictly", "", ""));
        // Words sharing letters but not whole words are struck whole.
        assert_eq!(split_change("regional", "regions"), ("", "regional", "regions", ""));
    }

    #[test]
    fn a_query_names_the_field_that_is_wrong() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let query = CompilationQuery::parse(&pairs(&[
            ("round", "2"),
            ("party", "new-york-city"),
            ("objective", "sec_3__obj_15"),
            ("kind", "insert"),
            ("kind", "replace"),
            ("kind", "insert"),
        ]))
        .unwrap();
        assert_eq!(query.round, Some(2));
        assert_eq!(query.kinds, [Kind::InsertWords, Kind::ReplaceWords]);
        assert_eq!(
            query.to_query_string(2),
            "round=2&party=new-york-city&objective=sec_3__obj_15&kind=insert&kind=replace"
        );
        for (field, value) in [("round", "two"), ("objective", "not an eid"), ("kind", "rewrite")] {
            match CompilationQuery::parse(&pairs(&[(field, value)])) {
                Err(Error::Unprocessable { field: named, .. }) => assert_eq!(named, field),
                other => panic!("{field}={value}: {other:?}"),
            }
        }
        assert!(CompilationQuery::parse(&pairs(&[("party", ""), ("round", "")])).unwrap().party.is_none());
    }
}
