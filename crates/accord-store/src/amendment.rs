//! Amendments tabled in a round against a revision, their co-sponsors, versions and steps; the
//! co-facilitators' picks; and the publication of the next revision made from the picks.
//!
//! The life of an amendment ([`AmendmentStatus`]): a *draft*, seen by its sponsor's delegation; *tabled*,
//! from then on in the compilation text; *revised* by its sponsor before the round's deadline (each version is
//! kept in [`AmendmentVersion`]); *withdrawn*; and, when the next revision is published, *merged* (picked
//! whole), *merged in part* (picked with the co-facilitators' bridging text), or *not retained*. Every step is
//! an [`AmendmentStep`] and an event on the record, written in the transaction that makes it.
//!
//! Who may act is the server's business (a delegate of the sponsoring party, a co-facilitator); this module
//! checks what the data says: the round is open at the instant given (`at`, passed in so that an import or
//! the demo can record amendments tabled in the past), the sponsor and co-sponsors are accredited to the
//! track as participants (an observer may neither table nor co-sponsor), the track's least number of
//! co-sponsors is met when an amendment is tabled, and the amendment's words are found, once, in the revision
//! it amends ([`accord_text::amendment::Amendment::new`]).

use crate::accreditation::Status;
use crate::revision::{insert_revision, NewRevision, RevisionRef, RevisionSummary};
use crate::{Result, Store, StoreError};
use accord_text::amendment::{
    self, Amendment, AmendmentError as TextError, ApplyPicksError, Origin, Pick, Position, Proposal,
    Provenance, Words,
};
use accord_text::{Document, EId};
use sqlx::Row;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Where an amendment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AmendmentStatus {
    /// Written, not tabled: seen by its sponsor's delegation only.
    Draft,
    /// Tabled: in the compilation text of its round.
    Tabled,
    /// Withdrawn by its sponsor.
    Withdrawn,
    /// Picked whole for the next revision.
    Merged,
    /// Picked with the co-facilitators' bridging text.
    MergedInPart,
    /// Tabled, not picked when the next revision was published.
    NotRetained,
}

impl AmendmentStatus {
    /// The word stored and shown: `draft`, `tabled`, `withdrawn`, `merged`, `merged_in_part`, `not_retained`.
    pub fn as_str(self) -> &'static str {
        match self {
            AmendmentStatus::Draft => "draft",
            AmendmentStatus::Tabled => "tabled",
            AmendmentStatus::Withdrawn => "withdrawn",
            AmendmentStatus::Merged => "merged",
            AmendmentStatus::MergedInPart => "merged_in_part",
            AmendmentStatus::NotRetained => "not_retained",
        }
    }

    /// The status in words for pages: `merged in part`, `not retained` …
    pub fn label(self) -> &'static str {
        match self {
            AmendmentStatus::MergedInPart => "merged in part",
            AmendmentStatus::NotRetained => "not retained",
            other => other.as_str(),
        }
    }

    /// Every status, in the order of the life of an amendment.
    pub const ALL: [AmendmentStatus; 6] = [
        AmendmentStatus::Draft,
        AmendmentStatus::Tabled,
        AmendmentStatus::Withdrawn,
        AmendmentStatus::Merged,
        AmendmentStatus::MergedInPart,
        AmendmentStatus::NotRetained,
    ];
}

impl fmt::Display for AmendmentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AmendmentStatus {
    type Err = StoreError;
    fn from_str(text: &str) -> Result<AmendmentStatus> {
        AmendmentStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| StoreError::Malformed { field: "amendment.status", value: text.to_owned() })
    }
}

/// An amendment to be stored, as its sponsor writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAmendment {
    /// The draft.
    pub draft_id: String,
    /// The revision it amends: the latest of the draft.
    pub revision: i64,
    /// The round of the draft's track it is tabled in.
    pub round: i64,
    /// The sponsoring party.
    pub sponsor: String,
    /// The co-sponsoring parties named by the sponsor, who agreed to join.
    pub co_sponsors: Vec<String>,
    /// What it proposes.
    pub proposal: Proposal,
    /// Why.
    pub justification: String,
    /// True to table it at once; false to keep it as a draft.
    pub table: bool,
}

/// An amendment as it stands, with its latest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentRecord {
    /// Its number, shown as `A/12`.
    pub amendment_id: i64,
    /// The draft.
    pub draft_id: String,
    /// The revision it amends.
    pub revision: i64,
    /// The track of the draft.
    pub track_id: String,
    /// The round.
    pub round: i64,
    /// The sponsoring party.
    pub sponsor: String,
    /// The co-sponsors now, in order of joining.
    pub co_sponsors: Vec<String>,
    /// Where it stands.
    pub status: AmendmentStatus,
    /// Its latest version, from 1.
    pub version: i64,
    /// What it proposes (latest version).
    pub proposal: Proposal,
    /// Why (latest version).
    pub justification: String,
    /// When it was written, RFC 3339.
    pub created_at: String,
    /// When it was tabled, RFC 3339.
    pub tabled_at: Option<String>,
    /// The revision it was merged into.
    pub merged_into: Option<i64>,
    /// The co-facilitators' pick of it, if picked for the next revision: `Some(None)` whole, `Some(Some(text))`
    /// with bridging text.
    pub pick: Option<Option<String>>,
}

impl AmendmentRecord {
    /// The amendment checked against `document` (the revision it amends), for compilation and picks, with
    /// party ids as sponsor and co-sponsors.
    ///
    /// # Errors
    /// [`TextError`] when it no longer fits the document (it was checked when stored, so only a document other
    /// than its revision fails).
    pub fn checked(&self, document: &Document) -> std::result::Result<Amendment, TextError> {
        let co_sponsors: Vec<&str> = self.co_sponsors.iter().map(String::as_str).collect();
        Amendment::new(
            document,
            self.amendment_id as u64,
            &self.sponsor,
            &co_sponsors,
            &self.justification,
            self.proposal.clone(),
        )
    }

    /// Its parties: the sponsor, then the co-sponsors.
    pub fn parties(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.sponsor.as_str()).chain(self.co_sponsors.iter().map(String::as_str))
    }
}

/// One version of an amendment's proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentVersion {
    /// 1, 2 …
    pub version: i64,
    /// When, RFC 3339.
    pub at: String,
    /// Who wrote it.
    pub actor: String,
    /// What it proposed.
    pub proposal: Proposal,
    /// Why.
    pub justification: String,
}

/// One step in the life of an amendment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentStep {
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
    pub party_id: Option<String>,
    /// A reason; the bridging text of a pick.
    pub text: String,
}

/// Why an amendment, a co-sponsorship or a pick is refused. Nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmendmentError {
    /// The words or elements do not fit the revision.
    #[error("amendment to {revision}: {source}")]
    Text {
        /// The revision, `draft/number`.
        revision: String,
        /// What the text model said.
        source: TextError,
    },
    /// The revision is not the latest of its draft.
    #[error("revision {revision} is not the latest of its draft ({latest} is): amendments go to the latest revision")]
    NotLatestRevision {
        /// The revision named.
        revision: String,
        /// The latest revision.
        latest: String,
    },
    /// The round has not opened at the instant of the step.
    #[error("round {round} of track `{track_id}` opens on {opens_on}; {at} is before")]
    RoundNotOpen {
        /// The track.
        track_id: String,
        /// The round.
        round: i64,
        /// The day it opens.
        opens_on: String,
        /// The instant of the step.
        at: String,
    },
    /// The round's deadline has passed at the instant of the step.
    #[error("the deadline of round {round} of track `{track_id}` was {deadline}; {at} is after it")]
    AfterDeadline {
        /// The track.
        track_id: String,
        /// The round.
        round: i64,
        /// The deadline.
        deadline: String,
        /// The instant of the step.
        at: String,
    },
    /// The round is still open: picks and publication wait for its deadline.
    #[error("round {round} of track `{track_id}` is open until {deadline}: picks wait for its deadline")]
    RoundStillOpen {
        /// The track.
        track_id: String,
        /// The round.
        round: i64,
        /// The deadline.
        deadline: String,
    },
    /// Another round of the track is open with amendments to the revision: publishing the next revision would
    /// leave them on a superseded one.
    #[error("round {round} of track `{track_id}` is open until {deadline} with {n_live} amendment(s) to this revision: publish the next revision after its deadline")]
    OtherRoundOpen {
        /// The track.
        track_id: String,
        /// The open round.
        round: i64,
        /// Its deadline.
        deadline: String,
        /// Its draft and tabled amendments to the revision.
        n_live: i64,
    },
    /// A party is not accredited to the track as a participant.
    #[error("party `{party_id}` is not accredited to track `{track_id}` as a participant ({standing})")]
    NotParticipant {
        /// The party.
        party_id: String,
        /// The track.
        track_id: String,
        /// Where its accreditation stands: `observer`, `pending`, `withdrawn`, `never asked` …
        standing: String,
    },
    /// Too few co-sponsors to table.
    #[error("track `{track_id}` needs at least {needed} co-sponsors to table an amendment; {} has {has}", amendment_label(*.amendment_id))]
    TooFewCoSponsors {
        /// The track.
        track_id: String,
        /// The amendment; 0 for one not yet stored (tabled as it is made).
        amendment_id: i64,
        /// The least number.
        needed: i64,
        /// How many it has.
        has: i64,
    },
    /// The sponsor cannot co-sponsor its own amendment.
    #[error("party `{0}` is the sponsor of the amendment and cannot co-sponsor it")]
    SponsorAsCoSponsor(String),
    /// The party co-sponsors already.
    #[error("party `{party_id}` co-sponsors A/{amendment_id} already")]
    AlreadyCoSponsor {
        /// The amendment.
        amendment_id: i64,
        /// The party.
        party_id: String,
    },
    /// The party does not co-sponsor.
    #[error("party `{party_id}` does not co-sponsor A/{amendment_id}")]
    NotCoSponsor {
        /// The amendment.
        amendment_id: i64,
        /// The party.
        party_id: String,
    },
    /// The step does not fit where the amendment stands.
    #[error("A/{amendment_id} is {status}: it cannot be {step}")]
    WrongStatus {
        /// The amendment.
        amendment_id: i64,
        /// Where it stands.
        status: AmendmentStatus,
        /// The step refused: `tabled`, `revised`, `withdrawn`, `co-sponsored`, `picked` …
        step: &'static str,
    },
    /// The amendment is picked for the next revision: the co-facilitators unpick it before it is withdrawn.
    #[error("A/{amendment_id} is picked for the next revision: the co-facilitators must unpick it before it can be withdrawn")]
    Picked {
        /// The amendment.
        amendment_id: i64,
    },
    /// A pick overlaps a pick made before.
    #[error("A/{amendment_id} overlaps A/{other}, picked already: {detail}. To take A/{amendment_id} instead, unpick A/{other} first; to keep what both propose, unpick A/{other} and pick the one whose words reach over the other's with bridging text that says both")]
    PickOverlap {
        /// The amendment to be picked.
        amendment_id: i64,
        /// The amendment picked before.
        other: i64,
        /// Where they overlap.
        detail: String,
    },
    /// The picks could not be applied.
    #[error("the picks cannot make the next revision of {revision}: {source}")]
    Picks {
        /// The revision amended.
        revision: String,
        /// Why.
        source: ApplyPicksError,
    },
    /// A least number of co-sponsors that is negative.
    #[error("the least number of co-sponsors must be 0 or more, not {0}")]
    NegativeMinimum(i64),
    /// A new round's field is wrong: an empty title, a day that is not YYYY-MM-DD, a deadline that is not
    /// RFC 3339 or falls before the opening day, a number below 1.
    #[error("round `{field}`: {message}")]
    Round {
        /// The field: `title`, `opens_on`, `deadline` or `number`.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// A row of an amendments CSV file is wrong; nothing was imported.
    #[error("row {row}{}: {message}", column_label(.column))]
    Csv {
        /// The row, from 1 for the header.
        row: usize,
        /// The column; empty when the row itself does not parse (a quote left open, too few fields).
        column: String,
        /// What is wrong.
        message: String,
    },
}

/// `A/12`, or `this amendment` for one not yet stored (number 0).
fn amendment_label(amendment_id: i64) -> String {
    match amendment_id {
        0 => "this amendment".to_owned(),
        id => format!("A/{id}"),
    }
}

/// `, column `words`` for a named column; nothing when the row itself is wrong.
fn column_label(column: &str) -> String {
    match column {
        "" => String::new(),
        column => format!(", column `{column}`"),
    }
}

impl From<AmendmentError> for StoreError {
    fn from(error: AmendmentError) -> StoreError {
        StoreError::Amendment(Box::new(error))
    }
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).expect("a UTC instant formats as RFC 3339")
}

const AMENDMENT_COLUMNS: &str = "a.amendment_id, a.draft_id, a.revision_number, a.track_id, a.round_number, \
     a.sponsor_id, a.status, a.version, a.created_at, a.tabled_at, a.merged_into, \
     v.kind, v.eid, v.words, v.occurrence, v.position, v.text, v.new_eid, v.element, v.num, v.justification, \
     p.amendment_id, p.bridging";

const AMENDMENT_FROM: &str = "amendment a \
     JOIN amendment_version v ON v.amendment_id = a.amendment_id AND v.version = a.version \
     LEFT JOIN amendment_pick p ON p.amendment_id = a.amendment_id";

/// What [`Store::tabled_amendments`] answered for a round of a revision, with the record's head hash when it
/// was read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TabledKey {
    /// The hash of the record's last entry: the SHA-256 chain names the whole history, so two databases
    /// (tests open many in one process) or two moments with the same head hold the same amendments.
    head: String,
    draft_id: String,
    revision: i64,
    round: i64,
}

type Tabled = (Document, Vec<AmendmentRecord>, Vec<Amendment>);

/// The last few answers of [`Store::tabled_amendments`]. A compilation page of 3,000 amendments spent most
/// of its time reading and checking them (two queries of 3,000 and 7,000 rows through sqlx's `Any` driver,
/// one check per amendment); a page asked again while nothing changed now reads the record's head alone.
/// An answer is kept only for the head it was read under, so any change (each appends to the record in the
/// transaction that makes it) leaves the cached answers behind. Process-wide rather than per store, because
/// the key names the history it holds.
struct TabledCache(std::sync::Mutex<Vec<(TabledKey, std::sync::Arc<Tabled>)>>);

/// Answers kept at most: a few rounds and revisions read in turn under one head.
const TABLED_CACHE_SIZE: usize = 8;

static TABLED_CACHE: TabledCache = TabledCache(std::sync::Mutex::new(Vec::new()));

impl TabledCache {
    fn get(&self, key: &TabledKey) -> Option<std::sync::Arc<Tabled>> {
        let cache = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.iter().find(|(cached, _)| cached == key).map(|(_, tabled)| tabled.clone())
    }

    /// Keeps `tabled` under `key`, dropping the answers of other heads (older states) first, then the oldest
    /// answers beyond [`TABLED_CACHE_SIZE`].
    fn put(&self, key: TabledKey, tabled: std::sync::Arc<Tabled>) {
        let mut cache = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.retain(|(cached, _)| cached.head == key.head && *cached != key);
        if cache.len() >= TABLED_CACHE_SIZE {
            cache.remove(0);
        }
        cache.push((key, tabled));
    }
}

/// Which amendments [`Store::amendments`] lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AmendmentQuery {
    /// Only amendments to this draft.
    pub draft_id: Option<String>,
    /// Only amendments to this revision (with `draft_id`).
    pub revision: Option<i64>,
    /// Only amendments of this round.
    pub round: Option<i64>,
    /// Only amendments in these statuses; empty for all.
    pub statuses: Vec<AmendmentStatus>,
    /// Only amendments this party sponsors or co-sponsors.
    pub party_id: Option<String>,
}

impl Store {
    /// Sets the least number of co-sponsors an amendment needs to be tabled in a track.
    ///
    /// # Errors
    /// [`AmendmentError::NegativeMinimum`]; [`StoreError::NotFound`] for an unknown track.
    pub async fn set_min_co_sponsors(&self, track_id: &str, least: i64, actor: &str) -> Result<()> {
        if least < 0 {
            return Err(AmendmentError::NegativeMinimum(least).into());
        }
        self.track(track_id).await?;
        let mut transaction = self.pool.begin().await?;
        sqlx::query("UPDATE track SET min_co_sponsors = $1 WHERE track_id = $2")
            .bind(least)
            .bind(track_id)
            .execute(&mut *transaction)
            .await?;
        let data = serde_json::json!({ "track": track_id, "min_co_sponsors": least }).to_string();
        self.append_event(&mut transaction, actor, "track.min_co_sponsors_set", &data).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The least number of co-sponsors an amendment needs to be tabled in a track.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown track.
    pub async fn min_co_sponsors(&self, track_id: &str) -> Result<i64> {
        sqlx::query_scalar("SELECT min_co_sponsors FROM track WHERE track_id = $1")
            .bind(track_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "track", key: track_id.to_owned() })
    }

    /// Stores a new amendment, as a draft or tabled at once, at the instant `at`.
    ///
    /// # Errors
    /// [`AmendmentError`]: the revision is not the latest, the round is not open at `at`, a party is not a
    /// participant of the track, the sponsor names itself as co-sponsor, too few co-sponsors to table, the
    /// words do not fit the revision; [`StoreError::NotFound`] for an unknown draft, revision or round.
    pub async fn create_amendment(
        &self,
        new: &NewAmendment,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AmendmentRecord> {
        let prepared = self.prepare_amendment(new, at).await?;
        let mut transaction = self.pool.begin().await?;
        let amendment_id = self.write_amendment(&mut transaction, &prepared, actor, at).await?;
        transaction.commit().await?;
        self.amendment(amendment_id).await
    }

    /// Every check of a new amendment, before anything is written (reads only).
    async fn prepare_amendment(&self, new: &NewAmendment, at: OffsetDateTime) -> Result<Prepared> {
        let revision = RevisionRef { draft_id: new.draft_id.clone(), number: Some(new.revision) };
        let (_, track, _) = self.draft_context(&new.draft_id).await?;
        let latest =
            self.revision_summary(&RevisionRef { draft_id: new.draft_id.clone(), number: None }).await?;
        if latest.number != new.revision {
            self.revision_summary(&revision).await?;
            return Err(AmendmentError::NotLatestRevision {
                revision: revision.to_string(),
                latest: format!("{}/{}", new.draft_id, latest.number),
            }
            .into());
        }
        self.check_round_open(&track.track_id, new.round, at).await?;
        if new.co_sponsors.contains(&new.sponsor) {
            return Err(AmendmentError::SponsorAsCoSponsor(new.sponsor.clone()).into());
        }
        for party in std::iter::once(&new.sponsor).chain(&new.co_sponsors) {
            self.check_participant(&track.track_id, party).await?;
        }
        let document = self.revision(&revision).await?.document;
        let co_sponsors: Vec<&str> = new.co_sponsors.iter().map(String::as_str).collect();
        let checked = Amendment::new(
            &document,
            0,
            &new.sponsor,
            &co_sponsors,
            &new.justification,
            new.proposal.clone(),
        )
        .map_err(|source| AmendmentError::Text { revision: revision.to_string(), source })?;
        if new.table {
            let needed = self.min_co_sponsors(&track.track_id).await?;
            let has = checked.co_sponsors().len() as i64;
            if has < needed {
                return Err(AmendmentError::TooFewCoSponsors {
                    track_id: track.track_id.clone(),
                    amendment_id: 0,
                    needed,
                    has,
                }
                .into());
            }
        }
        Ok(Prepared { new: new.clone(), track_id: track.track_id, revision, checked })
    }

    /// Writes a prepared amendment, its first version, co-sponsors, step and event in `transaction`.
    async fn write_amendment(
        &self,
        transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
        prepared: &Prepared,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<i64> {
        let Prepared { new, track_id, revision, checked } = prepared;
        let at_text = rfc3339(at);
        let status = if new.table { AmendmentStatus::Tabled } else { AmendmentStatus::Draft };
        let amendment_id: i64 = sqlx::query_scalar(
            "INSERT INTO amendment (draft_id, revision_number, track_id, round_number, sponsor_id, status, version, \
             created_at, tabled_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8) RETURNING amendment_id",
        )
        .bind(&new.draft_id)
        .bind(new.revision)
        .bind(track_id)
        .bind(new.round)
        .bind(checked.sponsor())
        .bind(status.as_str())
        .bind(&at_text)
        .bind(new.table.then(|| at_text.clone()))
        .fetch_one(&mut **transaction)
        .await?;
        insert_version(
            transaction,
            amendment_id,
            1,
            &at_text,
            actor,
            checked.proposal(),
            checked.justification(),
        )
        .await?;
        for co_sponsor in checked.co_sponsors() {
            sqlx::query(
                "INSERT INTO amendment_co_sponsor (amendment_id, party_id, joined_at) VALUES ($1, $2, $3)",
            )
            .bind(amendment_id)
            .bind(co_sponsor)
            .bind(&at_text)
            .execute(&mut **transaction)
            .await?;
        }
        let action = if new.table { "tabled" } else { "drafted" };
        add_step(transaction, amendment_id, &at_text, action, actor, None, "").await?;
        let data = serde_json::json!({
            "amendment": amendment_id,
            "revision": revision.to_string(),
            "round": new.round,
            "sponsor": checked.sponsor(),
            "co_sponsors": checked.co_sponsors(),
            "version": 1,
            "proposal": proposal_json(checked.proposal()),
            "justification": checked.justification(),
            "at": at_text,
        })
        .to_string();
        self.append_event(transaction, actor, &format!("amendment.{action}"), &data).await?;
        Ok(amendment_id)
    }

    /// Tables a draft amendment at `at`.
    ///
    /// # Errors
    /// [`AmendmentError::WrongStatus`] when it is not a draft; the round's deadline, the participants and the
    /// least number of co-sponsors as [`Store::create_amendment`].
    pub async fn table_amendment(
        &self,
        amendment_id: i64,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AmendmentRecord> {
        let current = self.amendment(amendment_id).await?;
        expect_status(&current, &[AmendmentStatus::Draft], "tabled")?;
        self.check_round_open(&current.track_id, current.round, at).await?;
        self.check_participant(&current.track_id, &current.sponsor).await?;
        let mut transaction = self.pool.begin().await?;
        let at_text = rfc3339(at);
        self.check_enough_co_sponsors(&mut transaction, &current.track_id, amendment_id).await?;
        set_status(&mut transaction, amendment_id, AmendmentStatus::Draft, AmendmentStatus::Tabled).await?;
        sqlx::query("UPDATE amendment SET tabled_at = $1 WHERE amendment_id = $2")
            .bind(&at_text)
            .bind(amendment_id)
            .execute(&mut *transaction)
            .await?;
        add_step(&mut transaction, amendment_id, &at_text, "tabled", actor, None, "").await?;
        let data = serde_json::json!({ "amendment": amendment_id, "at": at_text }).to_string();
        self.append_event(&mut transaction, actor, "amendment.tabled", &data).await?;
        transaction.commit().await?;
        self.amendment(amendment_id).await
    }

    /// Revises a draft or tabled amendment before its round's deadline: a new version, the old ones kept.
    ///
    /// # Errors
    /// [`AmendmentError::WrongStatus`] after it was withdrawn or merged; [`AmendmentError::AfterDeadline`];
    /// [`AmendmentError::Text`] when the new proposal does not fit the revision.
    pub async fn revise_amendment(
        &self,
        amendment_id: i64,
        proposal: &Proposal,
        justification: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AmendmentRecord> {
        let current = self.amendment(amendment_id).await?;
        expect_status(&current, &[AmendmentStatus::Draft, AmendmentStatus::Tabled], "revised")?;
        self.check_round_open(&current.track_id, current.round, at).await?;
        let revision = RevisionRef { draft_id: current.draft_id.clone(), number: Some(current.revision) };
        let document = self.revision(&revision).await?.document;
        let co_sponsors: Vec<&str> = current.co_sponsors.iter().map(String::as_str).collect();
        let checked = Amendment::new(
            &document,
            amendment_id as u64,
            &current.sponsor,
            &co_sponsors,
            justification,
            proposal.clone(),
        )
        .map_err(|source| AmendmentError::Text { revision: revision.to_string(), source })?;
        let mut transaction = self.pool.begin().await?;
        let at_text = rfc3339(at);
        let version = current.version + 1;
        let updated =
            sqlx::query("UPDATE amendment SET version = $1 WHERE amendment_id = $2 AND version = $3")
                .bind(version)
                .bind(amendment_id)
                .bind(current.version)
                .execute(&mut *transaction)
                .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::Conflict {
                what: "version of amendment",
                key: format!("A/{amendment_id}"),
            });
        }
        insert_version(
            &mut transaction,
            amendment_id,
            version,
            &at_text,
            actor,
            checked.proposal(),
            checked.justification(),
        )
        .await?;
        add_step(&mut transaction, amendment_id, &at_text, "revised", actor, None, "").await?;
        let data = serde_json::json!({
            "amendment": amendment_id,
            "version": version,
            "proposal": proposal_json(checked.proposal()),
            "justification": checked.justification(),
            "at": at_text,
        })
        .to_string();
        self.append_event(&mut transaction, actor, "amendment.revised", &data).await?;
        transaction.commit().await?;
        self.amendment(amendment_id).await
    }

    /// Withdraws a draft or tabled amendment that is not picked.
    ///
    /// # Errors
    /// [`AmendmentError::WrongStatus`] once it was withdrawn, merged or not retained;
    /// [`AmendmentError::Picked`] while the co-facilitators have it picked.
    pub async fn withdraw_amendment(
        &self,
        amendment_id: i64,
        reason: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AmendmentRecord> {
        let current = self.amendment(amendment_id).await?;
        expect_status(&current, &[AmendmentStatus::Draft, AmendmentStatus::Tabled], "withdrawn")?;
        if current.pick.is_some() {
            return Err(AmendmentError::Picked { amendment_id }.into());
        }
        let mut transaction = self.pool.begin().await?;
        let at_text = rfc3339(at);
        set_status(&mut transaction, amendment_id, current.status, AmendmentStatus::Withdrawn).await?;
        add_step(&mut transaction, amendment_id, &at_text, "withdrawn", actor, None, reason.trim()).await?;
        let data = serde_json::json!({ "amendment": amendment_id, "reason": reason.trim(), "at": at_text })
            .to_string();
        self.append_event(&mut transaction, actor, "amendment.withdrawn", &data).await?;
        transaction.commit().await?;
        self.amendment(amendment_id).await
    }

    /// A party joins a tabled amendment as co-sponsor, before its round's deadline.
    ///
    /// # Errors
    /// [`AmendmentError`]: the sponsor itself, a co-sponsor already, not a participant of the track (an
    /// observer), after the deadline, an amendment that is not tabled.
    pub async fn join_co_sponsors(
        &self,
        amendment_id: i64,
        party_id: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AmendmentRecord> {
        let current = self.amendment(amendment_id).await?;
        expect_status(&current, &[AmendmentStatus::Tabled], "co-sponsored")?;
        if current.sponsor == party_id {
            return Err(AmendmentError::SponsorAsCoSponsor(party_id.to_owned()).into());
        }
        if current.co_sponsors.iter().any(|co_sponsor| co_sponsor == party_id) {
            return Err(
                AmendmentError::AlreadyCoSponsor { amendment_id, party_id: party_id.to_owned() }.into()
            );
        }
        self.check_round_open(&current.track_id, current.round, at).await?;
        self.check_participant(&current.track_id, party_id).await?;
        let mut transaction = self.pool.begin().await?;
        let at_text = rfc3339(at);
        sqlx::query(
            "INSERT INTO amendment_co_sponsor (amendment_id, party_id, joined_at) VALUES ($1, $2, $3)",
        )
        .bind(amendment_id)
        .bind(party_id)
        .bind(&at_text)
        .execute(&mut *transaction)
        .await
        .map_err(|error| {
            crate::conflict_or(error, "co-sponsor", &format!("{party_id} of A/{amendment_id}"))
        })?;
        add_step(&mut transaction, amendment_id, &at_text, "co_sponsor_joined", actor, Some(party_id), "")
            .await?;
        let data =
            serde_json::json!({ "amendment": amendment_id, "party": party_id, "at": at_text }).to_string();
        self.append_event(&mut transaction, actor, "amendment.co_sponsor_joined", &data).await?;
        transaction.commit().await?;
        self.amendment(amendment_id).await
    }

    /// A co-sponsor withdraws from a tabled amendment, before its round's deadline. The amendment stays
    /// tabled even when it falls below the track's least number of co-sponsors: that number is checked when
    /// it is tabled.
    ///
    /// # Errors
    /// [`AmendmentError::NotCoSponsor`], [`AmendmentError::AfterDeadline`], [`AmendmentError::WrongStatus`].
    pub async fn leave_co_sponsors(
        &self,
        amendment_id: i64,
        party_id: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AmendmentRecord> {
        let current = self.amendment(amendment_id).await?;
        expect_status(&current, &[AmendmentStatus::Draft, AmendmentStatus::Tabled], "left by a co-sponsor")?;
        if !current.co_sponsors.iter().any(|co_sponsor| co_sponsor == party_id) {
            return Err(AmendmentError::NotCoSponsor { amendment_id, party_id: party_id.to_owned() }.into());
        }
        self.check_round_open(&current.track_id, current.round, at).await?;
        let mut transaction = self.pool.begin().await?;
        let at_text = rfc3339(at);
        sqlx::query("DELETE FROM amendment_co_sponsor WHERE amendment_id = $1 AND party_id = $2")
            .bind(amendment_id)
            .bind(party_id)
            .execute(&mut *transaction)
            .await?;
        add_step(&mut transaction, amendment_id, &at_text, "co_sponsor_withdrew", actor, Some(party_id), "")
            .await?;
        let data =
            serde_json::json!({ "amendment": amendment_id, "party": party_id, "at": at_text }).to_string();
        self.append_event(&mut transaction, actor, "amendment.co_sponsor_withdrew", &data).await?;
        transaction.commit().await?;
        self.amendment(amendment_id).await
    }

    /// One amendment as it stands.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    pub async fn amendment(&self, amendment_id: i64) -> Result<AmendmentRecord> {
        let row = sqlx::query(&format!(
            "SELECT {AMENDMENT_COLUMNS} FROM {AMENDMENT_FROM} WHERE a.amendment_id = $1"
        ))
        .bind(amendment_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "amendment", key: format!("A/{amendment_id}") })?;
        let mut record = record_from_row(&row)?;
        record.co_sponsors = sqlx::query_scalar(
            "SELECT party_id FROM amendment_co_sponsor WHERE amendment_id = $1 ORDER BY joined_at, party_id",
        )
        .bind(amendment_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(record)
    }

    /// The amendments that `query` selects, by number.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn amendments(&self, query: &AmendmentQuery) -> Result<Vec<AmendmentRecord>> {
        let mut sql = format!("SELECT {AMENDMENT_COLUMNS} FROM {AMENDMENT_FROM} WHERE 1 = 1");
        let mut binds: Vec<either::Bind> = Vec::new();
        if let Some(draft_id) = &query.draft_id {
            binds.push(either::Bind::Text(draft_id.clone()));
            sql.push_str(&format!(" AND a.draft_id = ${}", binds.len()));
        }
        if let Some(revision) = query.revision {
            binds.push(either::Bind::Int(revision));
            sql.push_str(&format!(" AND a.revision_number = ${}", binds.len()));
        }
        if let Some(round) = query.round {
            binds.push(either::Bind::Int(round));
            sql.push_str(&format!(" AND a.round_number = ${}", binds.len()));
        }
        if let Some(party_id) = &query.party_id {
            binds.push(either::Bind::Text(party_id.clone()));
            let n = binds.len();
            sql.push_str(&format!(
                " AND (a.sponsor_id = ${n} OR EXISTS (SELECT 1 FROM amendment_co_sponsor c \
                 WHERE c.amendment_id = a.amendment_id AND c.party_id = ${n}))"
            ));
        }
        if !query.statuses.is_empty() {
            let mut placeholders = Vec::new();
            for status in &query.statuses {
                binds.push(either::Bind::Text(status.as_str().to_owned()));
                placeholders.push(format!("${}", binds.len()));
            }
            sql.push_str(&format!(" AND a.status IN ({})", placeholders.join(", ")));
        }
        sql.push_str(" ORDER BY a.amendment_id");
        let mut statement = sqlx::query(&sql);
        for bind in binds {
            statement = match bind {
                either::Bind::Text(text) => statement.bind(text),
                either::Bind::Int(int) => statement.bind(int),
            };
        }
        let rows = statement.fetch_all(&self.pool).await?;
        let mut records = rows.iter().map(record_from_row).collect::<Result<Vec<_>>>()?;
        let co_sponsor_rows = sqlx::query(
            "SELECT amendment_id, party_id FROM amendment_co_sponsor ORDER BY amendment_id, joined_at, party_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut co_sponsors: HashMap<i64, Vec<String>> = HashMap::new();
        for row in &co_sponsor_rows {
            co_sponsors.entry(row.try_get(0)?).or_default().push(row.try_get(1)?);
        }
        for record in &mut records {
            record.co_sponsors = co_sponsors.remove(&record.amendment_id).unwrap_or_default();
        }
        Ok(records)
    }

    /// Every version of an amendment, oldest first.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown amendment.
    pub async fn amendment_versions(&self, amendment_id: i64) -> Result<Vec<AmendmentVersion>> {
        self.amendment(amendment_id).await?;
        let rows = sqlx::query(
            "SELECT version, at, actor, kind, eid, words, occurrence, position, text, new_eid, element, num, \
             justification FROM amendment_version WHERE amendment_id = $1 ORDER BY version",
        )
        .bind(amendment_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AmendmentVersion {
                    version: row.try_get(0)?,
                    at: row.try_get(1)?,
                    actor: row.try_get(2)?,
                    proposal: proposal_from_row(row, 3)?,
                    justification: row.try_get(12)?,
                })
            })
            .collect()
    }

    /// Every step of an amendment, in order.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown amendment.
    pub async fn amendment_steps(&self, amendment_id: i64) -> Result<Vec<AmendmentStep>> {
        self.amendment(amendment_id).await?;
        let rows = sqlx::query(
            "SELECT step, at, action, actor, party_id, text FROM amendment_step WHERE amendment_id = $1 ORDER BY step",
        )
        .bind(amendment_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(AmendmentStep {
                    step: row.try_get(0)?,
                    at: row.try_get(1)?,
                    action: row.try_get(2)?,
                    actor: row.try_get(3)?,
                    party_id: row.try_get(4)?,
                    text: row.try_get(5)?,
                })
            })
            .collect()
    }

    /// Which revision each round of a draft amended: `(round, revision, n)` with `n` the amendments tabled in
    /// that round to that revision (drafts not counted; withdrawn, merged and not retained ones counted), by
    /// round then revision. What the draft's page links to each round's compilation text.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn amended_revisions(&self, draft_id: &str) -> Result<Vec<(i64, i64, i64)>> {
        let rows = sqlx::query(
            "SELECT round_number, revision_number, COUNT(*) FROM amendment WHERE draft_id = $1 AND status <> 'draft' \
             GROUP BY round_number, revision_number ORDER BY round_number, revision_number",
        )
        .bind(draft_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))).collect()
    }

    /// The tabled amendments (and those picked) of a round to a revision, checked against the revision: what
    /// the compilation text shows and what picks choose from.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown revision; [`StoreError::Corrupt`] when a stored amendment no
    /// longer fits its revision (the database was changed behind the store).
    pub async fn tabled_amendments(
        &self,
        revision: &RevisionRef,
        round: i64,
    ) -> Result<(Document, Vec<AmendmentRecord>, Vec<Amendment>)> {
        // The record's head is read before the rows, so that what is cached under it is never older than it.
        let key = match revision.number {
            Some(number) => Some(TabledKey {
                head: self.record_head().await?,
                draft_id: revision.draft_id.clone(),
                revision: number,
                round,
            }),
            None => None,
        };
        if let Some(found) = key.as_ref().and_then(|key| TABLED_CACHE.get(key)) {
            let (document, records, checked) = &*found;
            return Ok((document.clone(), records.clone(), checked.clone()));
        }
        let read = self.read_tabled_amendments(revision, round).await?;
        if let Some(key) = key {
            TABLED_CACHE.put(key, std::sync::Arc::new(read.clone()));
        }
        Ok(read)
    }

    /// The hash of the record's last entry (empty for an empty record): every change of state appends an
    /// entry in the transaction that makes it, so the state is the same as long as the head is.
    async fn record_head(&self) -> Result<String> {
        let row = sqlx::query("SELECT hash FROM event ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(row) => row.try_get(0)?,
            None => String::new(),
        })
    }

    /// [`Store::tabled_amendments`] read from the database.
    async fn read_tabled_amendments(
        &self,
        revision: &RevisionRef,
        round: i64,
    ) -> Result<(Document, Vec<AmendmentRecord>, Vec<Amendment>)> {
        let stored = self.revision(revision).await?;
        let number = stored.summary.number;
        let records = self
            .amendments(&AmendmentQuery {
                draft_id: Some(revision.draft_id.clone()),
                revision: Some(number),
                round: Some(round),
                statuses: vec![
                    AmendmentStatus::Tabled,
                    AmendmentStatus::Merged,
                    AmendmentStatus::MergedInPart,
                    AmendmentStatus::NotRetained,
                ],
                party_id: None,
            })
            .await?;
        let checked = records
            .iter()
            .map(|record| {
                record.checked(&stored.document).map_err(|error| StoreError::Corrupt {
                    key: format!("A/{}", record.amendment_id),
                    detail: error.to_string(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((stored.document, records, checked))
    }

    /// The co-facilitators pick a tabled amendment for the next revision, whole (`bridging` `None`) or with
    /// their own words; picking it again replaces the earlier pick. Picks are made once the round's deadline
    /// has passed at `at`.
    ///
    /// # Errors
    /// [`AmendmentError::WrongStatus`] for an amendment that is not tabled; [`AmendmentError::RoundStillOpen`];
    /// [`AmendmentError::PickOverlap`] when it overlaps another pick (nothing changes);
    /// [`AmendmentError::Picks`] for refused bridging text.
    pub async fn pick_amendment(
        &self,
        amendment_id: i64,
        bridging: Option<&str>,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AmendmentRecord> {
        let current = self.amendment(amendment_id).await?;
        expect_status(&current, &[AmendmentStatus::Tabled], "picked")?;
        self.check_round_closed(&current.track_id, current.round, at).await?;
        let revision = RevisionRef { draft_id: current.draft_id.clone(), number: Some(current.revision) };
        let (document, records, checked) = self.tabled_amendments(&revision, current.round).await?;
        // As given: bridging text that replaces words ending in a space keeps its own.
        let bridging = bridging.filter(|text| !text.trim().is_empty());
        let this = checked.iter().find(|amendment| amendment.id() == amendment_id as u64).expect("tabled");
        if let Some(bridging) = bridging {
            this.with_bridging(bridging).map_err(|source| AmendmentError::Picks {
                revision: revision.to_string(),
                source: ApplyPicksError::Bridging { id: amendment_id as u64, source },
            })?;
        }
        let picked: Vec<&Amendment> = records
            .iter()
            .zip(&checked)
            .filter(|(record, _)| record.pick.is_some() && record.amendment_id != amendment_id)
            .map(|(_, amendment)| amendment)
            .collect();
        for other in picked {
            if let Some(overlap) = amendment::overlaps(&[this, other]).into_iter().next() {
                return Err(AmendmentError::PickOverlap {
                    amendment_id,
                    other: other.id() as i64,
                    detail: format!("both change {}", overlap.eid),
                }
                .into());
            }
        }
        let _ = document;
        let mut transaction = self.pool.begin().await?;
        let at_text = rfc3339(at);
        sqlx::query("DELETE FROM amendment_pick WHERE amendment_id = $1")
            .bind(amendment_id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("INSERT INTO amendment_pick (amendment_id, bridging, picked_by, picked_at) VALUES ($1, $2, $3, $4)")
            .bind(amendment_id)
            .bind(bridging)
            .bind(actor)
            .bind(&at_text)
            .execute(&mut *transaction)
            .await?;
        add_step(&mut transaction, amendment_id, &at_text, "picked", actor, None, bridging.unwrap_or(""))
            .await?;
        let data =
            serde_json::json!({ "amendment": amendment_id, "bridging": bridging, "at": at_text }).to_string();
        self.append_event(&mut transaction, actor, "amendment.picked", &data).await?;
        transaction.commit().await?;
        self.amendment(amendment_id).await
    }

    /// Takes back a pick.
    ///
    /// # Errors
    /// [`AmendmentError::WrongStatus`] when the amendment is not picked or is no longer tabled.
    pub async fn unpick_amendment(
        &self,
        amendment_id: i64,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<AmendmentRecord> {
        let current = self.amendment(amendment_id).await?;
        expect_status(&current, &[AmendmentStatus::Tabled], "unpicked")?;
        if current.pick.is_none() {
            return Err(AmendmentError::WrongStatus {
                amendment_id,
                status: current.status,
                step: "unpicked (it is not picked)",
            }
            .into());
        }
        let mut transaction = self.pool.begin().await?;
        let at_text = rfc3339(at);
        sqlx::query("DELETE FROM amendment_pick WHERE amendment_id = $1")
            .bind(amendment_id)
            .execute(&mut *transaction)
            .await?;
        add_step(&mut transaction, amendment_id, &at_text, "unpicked", actor, None, "").await?;
        let data = serde_json::json!({ "amendment": amendment_id, "at": at_text }).to_string();
        self.append_event(&mut transaction, actor, "amendment.unpicked", &data).await?;
        transaction.commit().await?;
        self.amendment(amendment_id).await
    }

    /// The next revision as the picks of a round would make it, without storing anything: the document and
    /// which amendment made each change.
    ///
    /// # Errors
    /// [`AmendmentError::Picks`] when the picks cannot be applied (an overlap most often).
    pub async fn preview_next_revision(
        &self,
        revision: &RevisionRef,
        round: i64,
    ) -> Result<(Document, Provenance)> {
        let (document, records, checked) = self.tabled_amendments(revision, round).await?;
        let picks = picks_of(&records);
        let (next, provenance) = amendment::apply_picks(&document, &checked, &picks)
            .map_err(|source| AmendmentError::Picks { revision: revision.to_string(), source })?;
        Ok((next, provenance))
    }

    /// Publishes the next revision of the revision that a round amended, made from the round's picks, at `at`:
    /// in one transaction the revision (immutable, like every revision), which amendment made each change,
    /// and the end of every tabled amendment of the round (merged, merged in part, or not retained), each
    /// with its step and event.
    ///
    /// `meta` gives the new revision's label, date, author and note; its text comes from the picks.
    ///
    /// # Errors
    /// [`AmendmentError::NotLatestRevision`] when the amended revision is no longer the latest;
    /// [`AmendmentError::RoundStillOpen`]; [`AmendmentError::OtherRoundOpen`] while another round of the
    /// track is open with draft or tabled amendments to the revision; [`AmendmentError::Picks`] when the picks
    /// cannot be applied.
    pub async fn publish_next_revision(
        &self,
        revision: &RevisionRef,
        round: i64,
        meta: &NextRevision,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<RevisionSummary> {
        let (_, track, _) = self.draft_context(&revision.draft_id).await?;
        let base = self.revision_summary(revision).await?;
        let latest =
            self.revision_summary(&RevisionRef { draft_id: revision.draft_id.clone(), number: None }).await?;
        if latest.number != base.number {
            return Err(AmendmentError::NotLatestRevision {
                revision: format!("{}/{}", base.draft_id, base.number),
                latest: format!("{}/{}", latest.draft_id, latest.number),
            }
            .into());
        }
        self.check_round_closed(&track.track_id, round, at).await?;
        // Another round still open with live amendments to this revision would see them stranded on a
        // superseded one: the next revision waits for its deadline.
        for other in self.rounds(&track.track_id).await? {
            let (opens, deadline) = crate::accreditation::round_span(&other)?;
            if other.number == round || at < opens || at > deadline {
                continue;
            }
            let n_live: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM amendment WHERE draft_id = $1 AND revision_number = $2 AND round_number = $3 \
                 AND status IN ('draft', 'tabled')",
            )
            .bind(&base.draft_id)
            .bind(base.number)
            .bind(other.number)
            .fetch_one(&self.pool)
            .await?;
            if n_live > 0 {
                return Err(AmendmentError::OtherRoundOpen {
                    track_id: track.track_id.clone(),
                    round: other.number,
                    deadline: other.deadline,
                    n_live,
                }
                .into());
            }
        }
        let base_ref = RevisionRef { draft_id: revision.draft_id.clone(), number: Some(base.number) };
        let (document, records, checked) = self.tabled_amendments(&base_ref, round).await?;
        let picks = picks_of(&records);
        let (next, provenance) = amendment::apply_picks(&document, &checked, &picks)
            .map_err(|source| AmendmentError::Picks { revision: base_ref.to_string(), source })?;
        let mut next_meta = next.meta().clone();
        next_meta.version = meta.label.clone();
        next_meta.expression_date = meta.date;
        next_meta.author = meta.author.clone();
        let next = next.with_meta(next_meta);
        let mut transaction = self.pool.begin().await?;
        let number = insert_revision(
            &mut transaction,
            self,
            actor,
            &revision.draft_id,
            &NewRevision { document: next, is_demo: meta.is_demo, note: meta.note.clone() },
        )
        .await?;
        for (position, origin) in provenance.origins().iter().enumerate() {
            sqlx::query(
                "INSERT INTO revision_origin (draft_id, number, position, eid, new_start, new_end, amendment_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&revision.draft_id)
            .bind(number)
            .bind(position as i64)
            .bind(origin.eid.as_str())
            .bind(origin.new_range.as_ref().map(|range| range.start as i64))
            .bind(origin.new_range.as_ref().map(|range| range.end as i64))
            .bind(origin.amendment_id as i64)
            .execute(&mut *transaction)
            .await?;
        }
        let at_text = rfc3339(at);
        for record in records.iter().filter(|record| record.status == AmendmentStatus::Tabled) {
            let (status, text) = match &record.pick {
                Some(None) => (AmendmentStatus::Merged, String::new()),
                Some(Some(bridging)) => (AmendmentStatus::MergedInPart, bridging.clone()),
                None => (AmendmentStatus::NotRetained, String::new()),
            };
            set_status(&mut transaction, record.amendment_id, AmendmentStatus::Tabled, status).await?;
            if status != AmendmentStatus::NotRetained {
                sqlx::query("UPDATE amendment SET merged_into = $1 WHERE amendment_id = $2")
                    .bind(number)
                    .bind(record.amendment_id)
                    .execute(&mut *transaction)
                    .await?;
            }
            add_step(&mut transaction, record.amendment_id, &at_text, status.as_str(), actor, None, &text)
                .await?;
            let data = serde_json::json!({
                "amendment": record.amendment_id,
                "status": status.as_str(),
                "revision": format!("{}/{}", revision.draft_id, number),
            })
            .to_string();
            self.append_event(&mut transaction, actor, &format!("amendment.{}", status.as_str()), &data)
                .await?;
        }
        transaction.commit().await?;
        self.revision_summary(&RevisionRef { draft_id: revision.draft_id.clone(), number: Some(number) })
            .await
    }

    /// Which amendment made each change of a revision published from picks; empty for another revision.
    ///
    /// # Errors
    /// [`StoreError::Malformed`] for a stored eId that does not parse.
    pub async fn revision_provenance(&self, draft_id: &str, number: i64) -> Result<Provenance> {
        let rows = sqlx::query(
            "SELECT eid, new_start, new_end, amendment_id FROM revision_origin \
             WHERE draft_id = $1 AND number = $2 ORDER BY position",
        )
        .bind(draft_id)
        .bind(number)
        .fetch_all(&self.pool)
        .await?;
        let origins = rows
            .iter()
            .map(|row| {
                let eid: String = row.try_get(0)?;
                let start: Option<i64> = row.try_get(1)?;
                let end: Option<i64> = row.try_get(2)?;
                let amendment_id: i64 = row.try_get(3)?;
                Ok(Origin {
                    eid: EId::parse(&eid)
                        .map_err(|_| StoreError::Malformed { field: "revision_origin.eid", value: eid })?,
                    new_range: start.zip(end).map(|(start, end)| start as usize..end as usize),
                    amendment_id: amendment_id as u64,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Provenance::from_origins(origins))
    }

    async fn check_round_open(&self, track_id: &str, round: i64, at: OffsetDateTime) -> Result<()> {
        let stored = self.round(track_id, round).await?;
        // Shown to the second: the message is read by people.
        let at_text = rfc3339(at.replace_nanosecond(0).unwrap_or(at));
        if at.date() < parse_day(&stored.opens_on)? {
            return Err(AmendmentError::RoundNotOpen {
                track_id: track_id.to_owned(),
                round,
                opens_on: stored.opens_on,
                at: at_text,
            }
            .into());
        }
        if at > parse_instant(&stored.deadline)? {
            return Err(AmendmentError::AfterDeadline {
                track_id: track_id.to_owned(),
                round,
                deadline: stored.deadline,
                at: at_text,
            }
            .into());
        }
        Ok(())
    }

    async fn check_round_closed(&self, track_id: &str, round: i64, at: OffsetDateTime) -> Result<()> {
        let stored = self.round(track_id, round).await?;
        if at <= parse_instant(&stored.deadline)? {
            return Err(AmendmentError::RoundStillOpen {
                track_id: track_id.to_owned(),
                round,
                deadline: stored.deadline,
            }
            .into());
        }
        Ok(())
    }

    /// One round of a track.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    pub async fn round(&self, track_id: &str, number: i64) -> Result<crate::Round> {
        self.rounds(track_id).await?.into_iter().find(|round| round.number == number).ok_or_else(|| {
            // Reads `no round `9` of track `migration``.
            StoreError::NotFound { what: "round", key: format!("{number}` of track `{track_id}") }
        })
    }

    async fn check_participant(&self, track_id: &str, party_id: &str) -> Result<()> {
        let standing = match self.accreditation(track_id, party_id).await {
            Ok(accreditation) if accreditation.status == Status::Participant => return Ok(()),
            Ok(accreditation) => accreditation.status.as_str().to_owned(),
            Err(StoreError::NotFound { .. }) => {
                self.party(party_id).await?;
                "never asked".to_owned()
            }
            Err(other) => return Err(other),
        };
        Err(AmendmentError::NotParticipant {
            party_id: party_id.to_owned(),
            track_id: track_id.to_owned(),
            standing,
        }
        .into())
    }

    async fn check_enough_co_sponsors(
        &self,
        transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
        track_id: &str,
        amendment_id: i64,
    ) -> Result<()> {
        let needed: i64 = sqlx::query_scalar("SELECT min_co_sponsors FROM track WHERE track_id = $1")
            .bind(track_id)
            .fetch_one(&mut **transaction)
            .await?;
        let has: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM amendment_co_sponsor WHERE amendment_id = $1")
                .bind(amendment_id)
                .fetch_one(&mut **transaction)
                .await?;
        if has < needed {
            return Err(AmendmentError::TooFewCoSponsors {
                track_id: track_id.to_owned(),
                amendment_id,
                needed,
                has,
            }
            .into());
        }
        Ok(())
    }
}

/// The facts of a revision made from picks: its label, date, author and note; its text comes from the picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextRevision {
    /// `Rev.1` …
    pub label: String,
    /// Its date.
    pub date: time::Date,
    /// Who issues it, e.g. `the co-facilitators`.
    pub author: String,
    /// True for a revision made up as a demonstration.
    pub is_demo: bool,
    /// What it is, shown beside it.
    pub note: String,
}

/// A new amendment that passed every check, ready to be written.
struct Prepared {
    new: NewAmendment,
    track_id: String,
    revision: RevisionRef,
    checked: Amendment,
}

mod either {
    pub(super) enum Bind {
        Text(String),
        Int(i64),
    }
}

fn picks_of(records: &[AmendmentRecord]) -> Vec<Pick> {
    records
        .iter()
        .filter(|record| record.status == AmendmentStatus::Tabled)
        .filter_map(|record| {
            record
                .pick
                .as_ref()
                .map(|bridging| Pick { amendment_id: record.amendment_id as u64, bridging: bridging.clone() })
        })
        .collect()
}

pub(crate) fn parse_day(text: &str) -> Result<time::Date> {
    time::Date::parse(text, &time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| StoreError::Malformed { field: "round.opens_on", value: text.to_owned() })
}

pub(crate) fn parse_instant(text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|_| StoreError::Malformed { field: "round.deadline", value: text.to_owned() })
}

fn expect_status(current: &AmendmentRecord, allowed: &[AmendmentStatus], step: &'static str) -> Result<()> {
    if allowed.contains(&current.status) {
        Ok(())
    } else {
        Err(AmendmentError::WrongStatus { amendment_id: current.amendment_id, status: current.status, step }
            .into())
    }
}

async fn set_status(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    amendment_id: i64,
    from: AmendmentStatus,
    to: AmendmentStatus,
) -> Result<()> {
    let updated = sqlx::query("UPDATE amendment SET status = $1 WHERE amendment_id = $2 AND status = $3")
        .bind(to.as_str())
        .bind(amendment_id)
        .bind(from.as_str())
        .execute(&mut **transaction)
        .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Conflict {
            what: "status change of amendment",
            key: format!("A/{amendment_id}"),
        });
    }
    Ok(())
}

async fn add_step(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    amendment_id: i64,
    at: &str,
    action: &str,
    actor: &str,
    party_id: Option<&str>,
    text: &str,
) -> Result<()> {
    let step: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(step), 0) + 1 FROM amendment_step WHERE amendment_id = $1")
            .bind(amendment_id)
            .fetch_one(&mut **transaction)
            .await?;
    sqlx::query(
        "INSERT INTO amendment_step (amendment_id, step, at, action, actor, party_id, text) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(amendment_id)
    .bind(step)
    .bind(at)
    .bind(action)
    .bind(actor)
    .bind(party_id)
    .bind(text)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// The stored columns of a proposal: kind, eid, words, occurrence, position, text, new_eid, element, num.
struct ProposalColumns<'a> {
    kind: &'static str,
    eid: &'a str,
    words: &'a str,
    occurrence: Option<i64>,
    position: Option<&'static str>,
    text: &'a str,
    new_eid: Option<&'a str>,
    element: Option<&'a str>,
    num: Option<&'a str>,
}

fn columns(proposal: &Proposal) -> ProposalColumns<'_> {
    let occurrence = |words: &Words| words.occurrence.map(|n| n as i64);
    let kind = proposal.kind().as_str();
    let kind = if kind == "delete element" { "delete-element" } else { kind };
    let base = ProposalColumns {
        kind,
        eid: proposal.eid().as_str(),
        words: "",
        occurrence: None,
        position: None,
        text: "",
        new_eid: None,
        element: None,
        num: None,
    };
    match proposal {
        Proposal::ReplaceWords { words, by, .. } => {
            ProposalColumns { words: &words.text, occurrence: occurrence(words), text: by, ..base }
        }
        Proposal::InsertWords { position, anchor, text, .. } => ProposalColumns {
            words: &anchor.text,
            occurrence: occurrence(anchor),
            position: Some(match position {
                Position::Before => "before",
                Position::After => "after",
            }),
            text,
            ..base
        },
        Proposal::DeleteWords { words, .. } => {
            ProposalColumns { words: &words.text, occurrence: occurrence(words), ..base }
        }
        Proposal::AddElement { after, eid, element, num, text } => ProposalColumns {
            eid: after.as_str(),
            new_eid: Some(eid.as_str()),
            element: Some(element),
            num: num.as_deref(),
            text,
            ..base
        },
        Proposal::DeleteElement { .. } => base,
    }
}

/// A proposal as JSON for the record: its kind and its columns.
pub fn proposal_json(proposal: &Proposal) -> serde_json::Value {
    let c = columns(proposal);
    serde_json::json!({
        "kind": c.kind,
        "eid": c.eid,
        "words": c.words,
        "occurrence": c.occurrence,
        "position": c.position,
        "text": c.text,
        "new_eid": c.new_eid,
        "element": c.element,
        "num": c.num,
    })
}

async fn insert_version(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    amendment_id: i64,
    version: i64,
    at: &str,
    actor: &str,
    proposal: &Proposal,
    justification: &str,
) -> Result<()> {
    let c = columns(proposal);
    sqlx::query(
        "INSERT INTO amendment_version (amendment_id, version, at, actor, kind, eid, words, occurrence, position, \
         text, new_eid, element, num, justification) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(amendment_id)
    .bind(version)
    .bind(at)
    .bind(actor)
    .bind(c.kind)
    .bind(c.eid)
    .bind(c.words)
    .bind(c.occurrence)
    .bind(c.position)
    .bind(c.text)
    .bind(c.new_eid)
    .bind(c.element)
    .bind(c.num)
    .bind(justification)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// Builds a proposal from its parts as stored, imported or posted: `kind` is `replace`, `insert`, `delete`,
/// `add` or `delete-element`; `eid` the element (for `add`, the element the new one follows); `words` the
/// words changed or the anchor; `position` `before` or `after` for an insertion (default `after`); `text` the
/// new words or the new element's text; `new_eid`, `element` (default `point`) and `num` for `add`.
///
/// # Errors
/// `(field, message)`: the field that is wrong and why.
#[allow(clippy::too_many_arguments)]
pub fn proposal_from_parts(
    kind: &str,
    eid: &str,
    words: &str,
    occurrence: Option<i64>,
    position: Option<&str>,
    text: &str,
    new_eid: Option<&str>,
    element: Option<&str>,
    num: Option<&str>,
) -> std::result::Result<Proposal, (&'static str, String)> {
    let parse_eid = |field: &'static str, text: &str| {
        EId::parse(text.trim()).map_err(|error| (field, format!("`{text}` is not an eId: {error}")))
    };
    let occurrence = match occurrence {
        None => None,
        Some(n) if n >= 1 => Some(n as usize),
        Some(n) => return Err(("occurrence", format!("{n}: an occurrence counts from 1"))),
    };
    let words_of = || -> std::result::Result<Words, (&'static str, String)> {
        if words.trim().is_empty() {
            return Err(("words", "expected the exact words of the paragraph, found nothing".to_owned()));
        }
        Ok(Words { text: words.to_owned(), occurrence })
    };
    let eid_value = parse_eid("eid", eid)?;
    Ok(match kind.trim() {
        "replace" => Proposal::ReplaceWords { eid: eid_value, words: words_of()?, by: text.to_owned() },
        "insert" => Proposal::InsertWords {
            eid: eid_value,
            position: match position.map(str::trim).unwrap_or("after") {
                "before" => Position::Before,
                "after" | "" => Position::After,
                other => return Err(("position", format!("`{other}`: expected `before` or `after`"))),
            },
            anchor: words_of()?,
            text: text.to_owned(),
        },
        "delete" => Proposal::DeleteWords { eid: eid_value, words: words_of()? },
        "add" => Proposal::AddElement {
            after: eid_value,
            eid: parse_eid("new_eid", new_eid.unwrap_or(""))?,
            element: element.map(str::trim).filter(|e| !e.is_empty()).unwrap_or("point").to_owned(),
            num: num.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
            text: text.to_owned(),
        },
        "delete-element" => Proposal::DeleteElement { eid: eid_value },
        other => {
            return Err((
                "kind",
                format!("`{other}`: expected replace, insert, delete, add or delete-element"),
            ))
        }
    })
}

fn proposal_from_row(row: &sqlx::any::AnyRow, first: usize) -> Result<Proposal> {
    let kind: String = row.try_get(first)?;
    let eid: String = row.try_get(first + 1)?;
    let words: String = row.try_get(first + 2)?;
    let occurrence: Option<i64> = row.try_get(first + 3)?;
    let position: Option<String> = row.try_get(first + 4)?;
    let text: String = row.try_get(first + 5)?;
    let new_eid: Option<String> = row.try_get(first + 6)?;
    let element: Option<String> = row.try_get(first + 7)?;
    let num: Option<String> = row.try_get(first + 8)?;
    proposal_from_parts(
        &kind,
        &eid,
        &words,
        occurrence,
        position.as_deref(),
        &text,
        new_eid.as_deref(),
        element.as_deref(),
        num.as_deref(),
    )
    .map_err(|(field, message)| StoreError::Malformed {
        field: "amendment_version",
        value: format!("{field}: {message}"),
    })
}

fn record_from_row(row: &sqlx::any::AnyRow) -> Result<AmendmentRecord> {
    let picked: Option<i64> = row.try_get(21)?;
    let bridging: Option<String> = row.try_get(22)?;
    Ok(AmendmentRecord {
        amendment_id: row.try_get(0)?,
        draft_id: row.try_get(1)?,
        revision: row.try_get(2)?,
        track_id: row.try_get(3)?,
        round: row.try_get(4)?,
        sponsor: row.try_get(5)?,
        co_sponsors: Vec::new(),
        status: row.try_get::<String, _>(6)?.parse()?,
        version: row.try_get(7)?,
        created_at: row.try_get(8)?,
        tabled_at: row.try_get(9)?,
        merged_into: row.try_get(10)?,
        proposal: proposal_from_row(row, 11)?,
        justification: row.try_get(20)?,
        pick: picked.map(|_| bridging),
    })
}

/// The columns of an amendments CSV file ([`Store::import_amendments_csv`]): name, required, what it holds.
pub const CSV_COLUMNS: [(&str, bool, &str); 16] = [
    ("revision", true, "the revision amended: DRAFT/NUMBER, e.g. gcm/0"),
    ("round", true, "the round's number in the draft's track"),
    ("sponsor", true, "the sponsoring party's id, e.g. new-york-city"),
    ("co_sponsors", false, "co-sponsoring party ids separated by `;`"),
    ("kind", true, "replace, insert, delete, add or delete-element"),
    ("eid", true, "the element amended (for add: the element the new one follows)"),
    ("words", false, "the exact words changed, or the anchor of an insertion"),
    ("occurrence", false, "which occurrence of the words, from 1, when they occur more than once"),
    ("position", false, "before or after the anchor, for insert (default after)"),
    ("text", false, "the new words, the inserted words, or the new element's text"),
    ("new_eid", false, "for add: the new element's eId"),
    ("element", false, "for add: the Akoma Ntoso element, default point"),
    ("num", false, "for add: the number shown, e.g. (c bis)"),
    ("justification", true, "why"),
    ("tabled_at", false, "when it was tabled, RFC 3339 (default: now); between the round's opening and deadline, not in the future; a closed round takes imports until the co-facilitators pick from it"),
    ("status", false, "tabled (default) or draft"),
];

impl Store {
    /// Imports amendments from CSV text with a header row naming [`CSV_COLUMNS`] (in any order): every row is
    /// checked as [`Store::create_amendment`] checks one amendment, at its `tabled_at` (or `now`); then all are
    /// written in one transaction, or none.
    ///
    /// # Errors
    /// [`AmendmentError::Csv`] naming the row (the header is row 1) and the column of the first wrong field:
    /// an unknown or missing column, a value that does not parse, words not in the paragraph, a party not
    /// accredited, a time after the deadline. Nothing is imported then.
    pub async fn import_amendments_csv(
        &self,
        text: &str,
        actor: &str,
        now: OffsetDateTime,
    ) -> Result<Vec<i64>> {
        let csv_error = |row: usize, column: &str, message: String| -> StoreError {
            AmendmentError::Csv { row, column: column.to_owned(), message }.into()
        };
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|error| csv_error(1, "", error.to_string()))?
            .iter()
            .map(|header| header.trim().trim_start_matches('\u{feff}').to_owned())
            .collect();
        for header in &headers {
            if !CSV_COLUMNS.iter().any(|(name, _, _)| name == header) {
                let known: Vec<&str> = CSV_COLUMNS.iter().map(|(name, _, _)| *name).collect();
                return Err(csv_error(
                    1,
                    header,
                    format!("unknown column; expected one of {}", known.join(", ")),
                ));
            }
        }
        for (name, required, _) in CSV_COLUMNS {
            if required && !headers.iter().any(|header| header == name) {
                return Err(csv_error(1, name, "this column is required and missing".to_owned()));
            }
        }
        let mut prepared = Vec::new();
        for (index, record) in reader.records().enumerate() {
            let row = index + 2;
            let record = record.map_err(|error| csv_error(row, "", error.to_string()))?;
            let field = |name: &str| -> &str {
                headers
                    .iter()
                    .position(|header| header == name)
                    .and_then(|i| record.get(i))
                    .unwrap_or("")
                    .trim()
            };
            let optional = |name: &str| Some(field(name)).filter(|value| !value.is_empty());
            let revision: RevisionRef =
                field("revision").parse().map_err(|error: crate::revision::RevisionRefError| {
                    csv_error(row, "revision", error.to_string())
                })?;
            let revision_number = match revision.number {
                Some(number) => number,
                None => {
                    self.revision_summary(&revision)
                        .await
                        .map_err(|error| csv_error(row, "revision", error.to_string()))?
                        .number
                }
            };
            let round: i64 = field("round").parse().map_err(|_| {
                csv_error(row, "round", format!("`{}` is not a round number", field("round")))
            })?;
            let occurrence = match optional("occurrence") {
                None => None,
                Some(text) => Some(
                    text.parse::<i64>()
                        .map_err(|_| csv_error(row, "occurrence", format!("`{text}` is not a number")))?,
                ),
            };
            let proposal = proposal_from_parts(
                field("kind"),
                field("eid"),
                field("words"),
                occurrence,
                optional("position"),
                field("text"),
                optional("new_eid"),
                optional("element"),
                optional("num"),
            )
            .map_err(|(column, message)| csv_error(row, column, message))?;
            let at = match optional("tabled_at") {
                None => now,
                Some(text) => OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
                    csv_error(
                        row,
                        "tabled_at",
                        format!("`{text}` is not an RFC 3339 time such as 2018-03-01T12:00:00Z"),
                    )
                })?,
            };
            let table = match optional("status").unwrap_or("tabled") {
                "tabled" => true,
                "draft" => false,
                other => {
                    return Err(csv_error(row, "status", format!("`{other}`: expected tabled or draft")))
                }
            };
            let new = NewAmendment {
                draft_id: revision.draft_id.clone(),
                revision: revision_number,
                round,
                sponsor: field("sponsor").to_owned(),
                co_sponsors: field("co_sponsors")
                    .split(';')
                    .map(str::trim)
                    .filter(|party| !party.is_empty())
                    .map(str::to_owned)
                    .collect(),
                proposal,
                justification: field("justification").to_owned(),
                table,
            };
            if at > now {
                return Err(csv_error(
                    row,
                    "tabled_at",
                    format!(
                        "{} is in the future: an amendment is imported once it was tabled",
                        field("tabled_at")
                    ),
                ));
            }
            let one = self.prepare_amendment(&new, at).await.map_err(|error| {
                let column = csv_column_of(&error, &new);
                csv_error(row, column, error.to_string())
            })?;
            // An amendment tabled in time but sent by other means may be imported after the deadline, until
            // the co-facilitators start picking: from then on the compilation they pick from stays as it is.
            let n_picks: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM amendment_pick JOIN amendment ON amendment.amendment_id = amendment_pick.amendment_id \
                 WHERE amendment.track_id = $1 AND amendment.round_number = $2",
            )
            .bind(&one.track_id)
            .bind(new.round)
            .fetch_one(&self.pool)
            .await?;
            if n_picks > 0 {
                return Err(csv_error(
                    row,
                    "round",
                    format!(
                        "the co-facilitators have picked {n_picks} amendment(s) of round {} of track `{}`: no \
                         amendment can be added to it any more",
                        new.round, one.track_id
                    ),
                ));
            }
            prepared.push((one, at));
        }
        let mut transaction = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(prepared.len());
        for (one, at) in &prepared {
            ids.push(self.write_amendment(&mut transaction, one, actor, *at).await?);
        }
        transaction.commit().await?;
        Ok(ids)
    }
}

/// The CSV column an error of [`Store::prepare_amendment`] is about.
fn csv_column_of(error: &StoreError, new: &NewAmendment) -> &'static str {
    match error {
        StoreError::Amendment(error) => match error.as_ref() {
            AmendmentError::NotLatestRevision { .. } => "revision",
            AmendmentError::RoundNotOpen { .. } | AmendmentError::AfterDeadline { .. } => "tabled_at",
            AmendmentError::NotParticipant { party_id, .. } if *party_id == new.sponsor => "sponsor",
            AmendmentError::NotParticipant { .. }
            | AmendmentError::SponsorAsCoSponsor(_)
            | AmendmentError::TooFewCoSponsors { .. } => "co_sponsors",
            AmendmentError::Text { source, .. } => match source {
                TextError::UnknownEId(_) => "eid",
                TextError::EmptyText { what, .. } if what.contains("justification") => "justification",
                TextError::EmptyText { what, .. } if what.contains("sponsor") => "sponsor",
                TextError::EIdTaken(_) => "new_eid",
                TextError::CoSponsorIsSponsor(_) | TextError::DuplicateCoSponsor(_) => "co_sponsors",
                TextError::SameWords { .. } | TextError::EmptyText { .. } => "text",
                _ => "words",
            },
            _ => "",
        },
        StoreError::NotFound { what: "round", .. } => "round",
        StoreError::NotFound { what: "party", .. } => "sponsor",
        StoreError::NotFound { .. } => "revision",
        _ => "",
    }
}
