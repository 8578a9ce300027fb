//! Positions of the parties on amendments and on paragraphs, every change of them, the paragraphs adopted,
//! the status of each paragraph derived from them, and the opinion groups of the parties computed from their
//! positions on amendments as Pol.is computes groups of participants from their votes.
//!
//! A *position* is a party's [`Stance`] (support, can live with, reservation, objection) on a
//! [`PositionTarget`], with an optional statement. Only a party accredited to the track as a participant may
//! take one (an observer may not). Every change (taken, changed, withdrawn) is a [`PositionChange`] row and an
//! event on the record, written in one transaction.
//!
//! Choices, written down because the field leaves them open:
//!
//! - A position on an amendment may be taken while the amendment is tabled, judged at the instant `at` given
//!   (as in [`crate::amendment`], so that the demonstration can record positions of the past): from its
//!   tabling until it is withdrawn, merged, merged in part or not retained. A draft takes no positions.
//! - A position on a paragraph is on the eId in the draft, taken on the draft's latest revision. It holds
//!   across later revisions until the party changes or withdraws it; a new revision resets nothing, and pages
//!   say which revision it was taken on ("taken on Rev.0").
//! - A paragraph's status in revision N ([`ParagraphStatus`]) counts, for each party still accredited to the
//!   track as a participant, its last position taken on a revision up to N: *bracketed* when one of them is an
//!   objection (its holders listed), *agreed ad ref* when there are positions and none is an objection, *open*
//!   when there is none. A party whose accreditation ended holds no bracket.
//! - *Adopted*: the co-facilitators or the secretariat adopt paragraphs (or every paragraph of a revision) in
//!   the latest revision; a bracketed paragraph cannot be adopted. The adoption holds in later revisions while
//!   the paragraph's own text is unchanged. Once a later revision changes the text, the adoption lapses and
//!   the paragraph is open again: positions taken on the adopted revision or before no longer count, only
//!   those taken on a revision after it.

use crate::accreditation::Status;
use crate::amendment::AmendmentStatus;
use crate::revision::RevisionRef;
use crate::{Result, Store, StoreError};
use accord_opinion::{Conversation, Settings, SignConvention, VoteRow};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A party's stance on an amendment or a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stance {
    /// The party supports it (a Pol.is agree).
    Support,
    /// The party does not support it but will not stand in the way (a Pol.is pass).
    CanLiveWith,
    /// The party accepts it with a reservation it states (a Pol.is pass).
    Reservation,
    /// The party objects: on a paragraph, the objection brackets it (a Pol.is disagree).
    Objection,
}

impl Stance {
    /// Every stance, from the warmest to the coldest.
    pub const ALL: [Stance; 4] =
        [Stance::Support, Stance::CanLiveWith, Stance::Reservation, Stance::Objection];

    /// The word stored and used in the API: `support`, `can_live_with`, `reservation`, `objection`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Support => "support",
            Stance::CanLiveWith => "can_live_with",
            Stance::Reservation => "reservation",
            Stance::Objection => "objection",
        }
    }

    /// The stance in words for pages: `support`, `can live with`, `reservation`, `objection`.
    pub fn label(self) -> &'static str {
        match self {
            Stance::CanLiveWith => "can live with",
            other => other.as_str(),
        }
    }

    /// The stance as a vote in Pol.is's openData sign ([`SignConvention::AgreeIsPositive`]): support is agree
    /// (`1`), objection is disagree (`-1`), can live with and reservation are pass (`0`).
    pub fn vote(self) -> i64 {
        match self {
            Stance::Support => 1,
            Stance::CanLiveWith | Stance::Reservation => 0,
            Stance::Objection => -1,
        }
    }
}

impl fmt::Display for Stance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stance {
    type Err = PositionError;
    fn from_str(text: &str) -> std::result::Result<Stance, PositionError> {
        Stance::ALL
            .into_iter()
            .find(|stance| stance.as_str() == text)
            .ok_or_else(|| PositionError::UnknownStance(text.to_owned()))
    }
}

/// What a position is on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PositionTarget {
    /// An amendment, by its number (`A/12`).
    Amendment(i64),
    /// A paragraph (any element with an eId) of a draft, in whatever revision.
    Paragraph {
        /// The draft.
        draft_id: String,
        /// The element's eId.
        eid: String,
    },
}

impl fmt::Display for PositionTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PositionTarget::Amendment(amendment_id) => write!(f, "A/{amendment_id}"),
            PositionTarget::Paragraph { draft_id, eid } => write!(f, "{draft_id}#{eid}"),
        }
    }
}

/// A position to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPosition {
    /// What it is on.
    pub target: PositionTarget,
    /// The party taking it.
    pub party_id: String,
    /// Its stance.
    pub stance: Stance,
    /// The party's words; may be empty. At most [`MAX_STATEMENT_CHARS`] characters.
    pub statement: String,
}

/// The longest statement a position may carry, in characters.
pub const MAX_STATEMENT_CHARS: usize = 4000;

/// A party's position as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// What it is on.
    pub target: PositionTarget,
    /// The party.
    pub party_id: String,
    /// The party's name.
    pub party_name: String,
    /// Its stance.
    pub stance: Stance,
    /// The party's words (may be empty).
    pub statement: String,
    /// For a paragraph: the revision it was taken on.
    pub revision: Option<i64>,
    /// When it was taken, RFC 3339.
    pub at: String,
    /// Who recorded it.
    pub actor: String,
}

/// One change of a position: taken, changed or withdrawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionChange {
    /// Its number, in the order of all changes.
    pub change_id: i64,
    /// What it is on.
    pub target: PositionTarget,
    /// The party.
    pub party_id: String,
    /// The party's name.
    pub party_name: String,
    /// The new stance; `None` when the party withdrew its position.
    pub stance: Option<Stance>,
    /// The party's words.
    pub statement: String,
    /// For a paragraph: the revision it was taken on.
    pub revision: Option<i64>,
    /// When, RFC 3339.
    pub at: String,
    /// Who recorded it.
    pub actor: String,
}

/// Why a position or an adoption is refused. Nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PositionError {
    /// A stance that is not one of the four.
    #[error("`{0}` is not a stance: expected support, can_live_with, reservation or objection")]
    UnknownStance(String),
    /// The party is not accredited to the track as a participant.
    #[error("party `{party_id}` is not accredited to track `{track_id}` as a participant ({standing}): only participants take positions")]
    NotParticipant {
        /// The party.
        party_id: String,
        /// The track.
        track_id: String,
        /// Where its accreditation stands: `observer`, `pending`, `withdrawn`, `never asked` …
        standing: String,
    },
    /// The amendment was not tabled at the instant of the position.
    #[error("A/{amendment_id} is {status}: positions are taken on a tabled amendment, and it was not tabled at {at}")]
    AmendmentNotTabled {
        /// The amendment.
        amendment_id: i64,
        /// Where it stands now.
        status: AmendmentStatus,
        /// The instant of the position.
        at: String,
    },
    /// Positions on paragraphs and adoptions are taken on the latest revision of the draft.
    #[error("revision {revision} is not the latest of its draft ({latest} is): positions and adoptions are on the latest revision")]
    NotLatestRevision {
        /// The revision named.
        revision: String,
        /// The latest revision.
        latest: String,
    },
    /// The statement is too long.
    #[error("the statement has {n_chars} characters; at most {MAX_STATEMENT_CHARS} are kept")]
    StatementTooLong {
        /// Its length in characters.
        n_chars: usize,
    },
    /// The party has no position to withdraw.
    #[error("party `{party_id}` has no position on {target} to withdraw")]
    NoPosition {
        /// The party.
        party_id: String,
        /// The target, `A/12` or `gcm#eid`.
        target: String,
    },
    /// A paragraph to adopt is bracketed.
    #[error("{eids} bracketed (objection by {holders}): a bracketed paragraph cannot be adopted", eids = .eids.join(", "))]
    Bracketed {
        /// The bracketed paragraphs.
        eids: Vec<String>,
        /// The parties whose objections stand, by name.
        holders: String,
    },
    /// A paragraph to adopt is adopted already.
    #[error("{eid} is adopted already (in revision {number})")]
    AlreadyAdopted {
        /// The paragraph.
        eid: String,
        /// The revision it was adopted in.
        number: i64,
    },
    /// An element with no text of its own (a section, an objective's container) takes no position.
    #[error("{eid} has no text of its own: positions and adoptions are on paragraphs with text")]
    NoText {
        /// The element.
        eid: String,
    },
}

impl From<PositionError> for StoreError {
    fn from(error: PositionError) -> StoreError {
        StoreError::Position(Box::new(error))
    }
}

/// Where a paragraph stands in a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParagraphStatus {
    /// No participant has taken a position on it yet (or, after a lapsed adoption, since the text changed).
    Open,
    /// An objection stands.
    Bracketed,
    /// Positions are taken and no objection stands.
    AgreedAdRef,
    /// Adopted, and its text is unchanged since.
    Adopted,
}

impl ParagraphStatus {
    /// Every status, in the order of the negotiation.
    pub const ALL: [ParagraphStatus; 4] = [
        ParagraphStatus::Open,
        ParagraphStatus::Bracketed,
        ParagraphStatus::AgreedAdRef,
        ParagraphStatus::Adopted,
    ];

    /// The word used in the API: `open`, `bracketed`, `agreed_ad_ref`, `adopted`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParagraphStatus::Open => "open",
            ParagraphStatus::Bracketed => "bracketed",
            ParagraphStatus::AgreedAdRef => "agreed_ad_ref",
            ParagraphStatus::Adopted => "adopted",
        }
    }

    /// The status in words for pages: `open`, `bracketed`, `agreed ad ref`, `adopted`.
    pub fn label(self) -> &'static str {
        match self {
            ParagraphStatus::AgreedAdRef => "agreed ad ref",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for ParagraphStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many counted positions of each stance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StanceCounts {
    /// Supports.
    pub support: usize,
    /// Can live with.
    pub can_live_with: usize,
    /// Reservations.
    pub reservation: usize,
    /// Objections.
    pub objection: usize,
}

impl StanceCounts {
    fn add(&mut self, stance: Stance) {
        match stance {
            Stance::Support => self.support += 1,
            Stance::CanLiveWith => self.can_live_with += 1,
            Stance::Reservation => self.reservation += 1,
            Stance::Objection => self.objection += 1,
        }
    }

    /// Every position counted.
    pub fn total(&self) -> usize {
        self.support + self.can_live_with + self.reservation + self.objection
    }
}

/// A paragraph of a revision with its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParagraphState {
    /// The eId.
    pub eid: String,
    /// The number shown (`31.`, `(c)`), if any.
    pub num: Option<String>,
    /// The element's own text.
    pub text: String,
    /// The objective it belongs to (the nearest enclosing element named `objective`, itself included), as
    /// `(eId, "Objective 15: Provide access to basic services for migrants")`; `None` outside objectives.
    pub objective: Option<(String, String)>,
    /// Where it stands.
    pub status: ParagraphStatus,
    /// The parties whose objections bracket it, `(party id, name)`, by name.
    pub holders: Vec<(String, String)>,
    /// The positions counted, by stance.
    pub counts: StanceCounts,
    /// The revision it was adopted in, while the adoption holds.
    pub adopted_in: Option<i64>,
    /// The revision of a lapsed adoption (the text changed since), if any.
    pub lapsed_adoption: Option<i64>,
}

/// An amendment of a track with the current positions on it counted by stance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendmentSupport {
    /// The amendment.
    pub amendment_id: i64,
    /// Its status now.
    pub status: AmendmentStatus,
    /// The positions of parties still accredited as participants, by stance.
    pub counts: StanceCounts,
}

/// A party on the opinion map.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyPoint {
    /// The party.
    pub party_id: String,
    /// Its name.
    pub party_name: String,
    /// Its opinion group's id.
    pub group: usize,
    /// Its place on the map: the first two principal components of the position matrix (Pol.is projection).
    pub x: f64,
    /// See `x`.
    pub y: f64,
}

/// One opinion group of parties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyGroup {
    /// Its id, 0, 1 … (Pol.is group id).
    pub id: usize,
    /// Its parties, by id.
    pub members: Vec<String>,
}

/// The opinion groups of a track's parties, computed by [`accord_opinion::analyze`] from their positions on
/// the amendments: parties are the participants, amendments the statements; support is agree, objection
/// disagree, can live with and reservation pass.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyGroups {
    /// The groups, by id.
    pub groups: Vec<PartyGroup>,
    /// The parties placed in a group, with their place on the map.
    pub points: Vec<PartyPoint>,
    /// Each amendment's group-informed consensus (Pol.is `group-aware-consensus`: the product over groups of
    /// `(1 + agrees in the group) / (2 + positions in the group)`), between 0 and 1: its bridging score.
    pub bridging: BTreeMap<i64, f64>,
    /// Parties with at least one position on an amendment.
    pub n_parties: usize,
    /// Amendments with at least one position.
    pub n_amendments: usize,
}

/// The opinion groups of a track, or why there are none yet.
#[derive(Debug, Clone, PartialEq)]
pub enum OpinionGroups {
    /// Too few positions for Pol.is's clustering to form two groups.
    NotEnough {
        /// Parties with at least one position on an amendment.
        n_parties: usize,
        /// Amendments with at least one position.
        n_amendments: usize,
        /// Why, in a sentence.
        reason: String,
    },
    /// The groups.
    Groups(PartyGroups),
}

/// Fewest amendments with positions before groups are computed: with one statement, Pol.is's map has one
/// dimension of three values and its groups say nothing a count does not.
pub const MIN_AMENDMENTS_FOR_GROUPS: usize = 2;
/// Fewest parties with positions before groups are computed: two groups of two at least.
pub const MIN_PARTIES_FOR_GROUPS: usize = 4;

fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC).format(&Rfc3339).expect("a UTC instant formats as RFC 3339")
}

/// A position checked against the store, ready to write.
struct Checked {
    new: NewPosition,
    track_id: String,
    revision: Option<i64>,
}

/// Memo of the checks of a batch: each party's standing per track, each amendment's tabled window, each
/// draft's latest revision and its paragraphs with text.
#[derive(Default)]
struct CheckCache {
    standing: HashMap<(String, String), Option<String>>,
    amendments: HashMap<i64, (String, AmendmentStatus, Option<String>, Option<String>)>,
    drafts: HashMap<String, (String, i64, BTreeSet<String>)>,
}

impl Store {
    /// Records a party's position at the instant `at`: taken (the first), or changed (the current one
    /// replaced, the old one kept in the history). One transaction with its event (`position.taken` or
    /// `position.changed`).
    ///
    /// # Errors
    /// [`PositionError`]: the party is not a participant of the track, the amendment was not tabled at `at`,
    /// the paragraph has no text, the statement is too long; [`StoreError::NotFound`] for an unknown
    /// amendment, draft, paragraph (in the draft's latest revision) or party.
    pub async fn take_position(
        &self,
        new: &NewPosition,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<Position> {
        let checked = self.check_position(new, at, &mut CheckCache::default()).await?;
        let mut transaction = self.pool.begin().await?;
        self.write_position(&mut transaction, &checked, actor, at).await?;
        transaction.commit().await?;
        self.position(&new.target, &new.party_id).await?.ok_or_else(|| StoreError::NotFound {
            what: "position",
            key: format!("{} of {}", new.target, new.party_id),
        })
    }

    /// Records many positions, each at its own instant, all or nothing: every one is checked before any is
    /// written, then all are written in one transaction, each with its event. For imports and the
    /// demonstration.
    ///
    /// # Errors
    /// The first refusal of [`Store::take_position`]; nothing is stored then.
    pub async fn take_positions(
        &self,
        batch: &[(NewPosition, OffsetDateTime)],
        actor: &str,
    ) -> Result<usize> {
        let mut cache = CheckCache::default();
        let mut checked = Vec::with_capacity(batch.len());
        for (new, at) in batch {
            checked.push((self.check_position(new, *at, &mut cache).await?, *at));
        }
        let mut transaction = self.pool.begin().await?;
        for (position, at) in &checked {
            self.write_position(&mut transaction, position, actor, *at).await?;
        }
        transaction.commit().await?;
        Ok(checked.len())
    }

    /// Withdraws a party's position: it no longer counts, and the history keeps it. One transaction with its
    /// event (`position.withdrawn`). A party no longer at the table may still withdraw.
    ///
    /// # Errors
    /// [`PositionError::NoPosition`] when the party has none on the target.
    pub async fn withdraw_position(
        &self,
        target: &PositionTarget,
        party_id: &str,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        if self.position(target, party_id).await?.is_none() {
            return Err(PositionError::NoPosition {
                party_id: party_id.to_owned(),
                target: target.to_string(),
            }
            .into());
        }
        let track_id = self.target_track(target).await?;
        // A withdrawal from a paragraph is recorded on the latest revision: the position still counted in the
        // statuses of the revisions before.
        let revision = match target {
            PositionTarget::Amendment(_) => None,
            PositionTarget::Paragraph { draft_id, .. } => Some(
                self.revision_summary(&RevisionRef { draft_id: draft_id.clone(), number: None })
                    .await?
                    .number,
            ),
        };
        let at_text = rfc3339(at);
        let mut transaction = self.pool.begin().await?;
        match target {
            PositionTarget::Amendment(amendment_id) => {
                sqlx::query("DELETE FROM amendment_position WHERE amendment_id = $1 AND party_id = $2")
                    .bind(amendment_id)
                    .bind(party_id)
                    .execute(&mut *transaction)
                    .await?;
            }
            PositionTarget::Paragraph { draft_id, eid } => {
                sqlx::query(
                    "DELETE FROM paragraph_position WHERE draft_id = $1 AND eid = $2 AND party_id = $3",
                )
                .bind(draft_id)
                .bind(eid)
                .bind(party_id)
                .execute(&mut *transaction)
                .await?;
            }
        }
        insert_change(&mut transaction, &track_id, party_id, target, revision, None, "", &at_text, actor)
            .await?;
        let mut data = target_json(target, revision);
        data["track"] = track_id.into();
        data["party"] = party_id.into();
        data["at"] = at_text.into();
        self.append_event(&mut transaction, actor, "position.withdrawn", &data.to_string()).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// A party's current position on a target, if it has one.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn position(&self, target: &PositionTarget, party_id: &str) -> Result<Option<Position>> {
        Ok(self.positions(target).await?.into_iter().find(|position| position.party_id == party_id))
    }

    /// The current positions on a target, by party name. They include those of parties no longer at the table
    /// (pages show them; statuses do not count them).
    ///
    /// # Errors
    /// [`StoreError::Database`]; [`StoreError::Malformed`] for a stored stance that is unknown.
    pub async fn positions(&self, target: &PositionTarget) -> Result<Vec<Position>> {
        let rows = match target {
            PositionTarget::Amendment(amendment_id) => {
                sqlx::query(
                    "SELECT x.party_id, p.name, x.stance, x.statement, NULL, x.at, x.actor \
                     FROM amendment_position x JOIN party p ON p.party_id = x.party_id \
                     WHERE x.amendment_id = $1 ORDER BY p.name, x.party_id",
                )
                .bind(amendment_id)
                .fetch_all(&self.pool)
                .await?
            }
            PositionTarget::Paragraph { draft_id, eid } => {
                sqlx::query(
                    "SELECT x.party_id, p.name, x.stance, x.statement, x.revision_number, x.at, x.actor \
                     FROM paragraph_position x JOIN party p ON p.party_id = x.party_id \
                     WHERE x.draft_id = $1 AND x.eid = $2 ORDER BY p.name, x.party_id",
                )
                .bind(draft_id)
                .bind(eid)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter()
            .map(|row| {
                Ok(Position {
                    target: target.clone(),
                    party_id: row.try_get(0)?,
                    party_name: row.try_get(1)?,
                    stance: parse_stance(&row.try_get::<String, _>(2)?)?,
                    statement: row.try_get(3)?,
                    revision: row.try_get(4)?,
                    at: row.try_get(5)?,
                    actor: row.try_get(6)?,
                })
            })
            .collect()
    }

    /// Every change of the positions on a target, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Database`]; [`StoreError::Malformed`] for a stored stance that is unknown.
    pub async fn position_history(&self, target: &PositionTarget) -> Result<Vec<PositionChange>> {
        let columns =
            "c.change_id, c.party_id, p.name, c.stance, c.statement, c.revision_number, c.at, c.actor";
        let rows = match target {
            PositionTarget::Amendment(amendment_id) => {
                sqlx::query(&format!(
                    "SELECT {columns} FROM position_change c JOIN party p ON p.party_id = c.party_id \
                     WHERE c.amendment_id = $1 ORDER BY c.change_id"
                ))
                .bind(amendment_id)
                .fetch_all(&self.pool)
                .await?
            }
            PositionTarget::Paragraph { draft_id, eid } => {
                sqlx::query(&format!(
                    "SELECT {columns} FROM position_change c JOIN party p ON p.party_id = c.party_id \
                     WHERE c.draft_id = $1 AND c.eid = $2 ORDER BY c.change_id"
                ))
                .bind(draft_id)
                .bind(eid)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter()
            .map(|row| {
                let stance: Option<String> = row.try_get(3)?;
                Ok(PositionChange {
                    change_id: row.try_get(0)?,
                    target: target.clone(),
                    party_id: row.try_get(1)?,
                    party_name: row.try_get(2)?,
                    stance: stance.as_deref().map(parse_stance).transpose()?,
                    statement: row.try_get(4)?,
                    revision: row.try_get(5)?,
                    at: row.try_get(6)?,
                    actor: row.try_get(7)?,
                })
            })
            .collect()
    }

    /// The current positions on the amendments of a track, counted by stance per amendment, for the
    /// amendments with at least one position; only parties accredited to the track as participants count.
    /// In order of amendment number.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown track.
    pub async fn amendment_support(&self, track_id: &str) -> Result<Vec<AmendmentSupport>> {
        self.track(track_id).await?;
        let rows = sqlx::query(
            "SELECT a.amendment_id, a.status, x.stance, COUNT(*) FROM amendment_position x \
             JOIN amendment a ON a.amendment_id = x.amendment_id \
             JOIN accreditation c ON c.track_id = a.track_id AND c.party_id = x.party_id \
             WHERE a.track_id = $1 AND c.status = $2 \
             GROUP BY a.amendment_id, a.status, x.stance ORDER BY a.amendment_id",
        )
        .bind(track_id)
        .bind(Status::Participant.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut support: Vec<AmendmentSupport> = Vec::new();
        for row in &rows {
            let amendment_id: i64 = row.try_get(0)?;
            let status: AmendmentStatus = row.try_get::<String, _>(1)?.parse()?;
            let stance = parse_stance(&row.try_get::<String, _>(2)?)?;
            let n: i64 = row.try_get(3)?;
            if support.last().is_none_or(|last| last.amendment_id != amendment_id) {
                support.push(AmendmentSupport { amendment_id, status, counts: StanceCounts::default() });
            }
            let counts = &mut support.last_mut().expect("pushed above").counts;
            for _ in 0..n {
                counts.add(stance);
            }
        }
        Ok(support)
    }

    /// Adopts paragraphs of the latest revision of a draft at the instant `at`: those named by `eids`, or,
    /// when `eids` is empty, every paragraph with text that is not adopted already. One transaction with one
    /// event (`paragraphs.adopted`, listing the eIds). Returns the eIds adopted, in document order.
    ///
    /// # Errors
    /// [`PositionError::NotLatestRevision`]; [`PositionError::Bracketed`] when a paragraph to adopt is
    /// bracketed (all of them named; nothing adopted); [`PositionError::AlreadyAdopted`] for a named
    /// paragraph adopted already; [`PositionError::NoText`]; [`StoreError::NotFound`] for an unknown eId.
    pub async fn adopt_paragraphs(
        &self,
        revision: &RevisionRef,
        eids: &[String],
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<Vec<String>> {
        let summary = self.revision_summary(revision).await?;
        let latest =
            self.revision_summary(&RevisionRef { draft_id: revision.draft_id.clone(), number: None }).await?;
        if latest.number != summary.number {
            return Err(PositionError::NotLatestRevision {
                revision: format!("{}/{}", summary.draft_id, summary.number),
                latest: format!("{}/{}", latest.draft_id, latest.number),
            }
            .into());
        }
        let states = self.paragraph_statuses(revision).await?;
        let by_eid: HashMap<&str, &ParagraphState> =
            states.iter().map(|state| (state.eid.as_str(), state)).collect();
        let chosen: Vec<&ParagraphState> = if eids.is_empty() {
            states.iter().filter(|state| state.status != ParagraphStatus::Adopted).collect()
        } else {
            let mut chosen = Vec::new();
            for eid in eids {
                let Some(state) = by_eid.get(eid.as_str()) else {
                    self.paragraph(revision, eid).await?;
                    return Err(PositionError::NoText { eid: eid.clone() }.into());
                };
                if let Some(number) = state.adopted_in {
                    return Err(PositionError::AlreadyAdopted { eid: eid.clone(), number }.into());
                }
                chosen.push(*state);
            }
            chosen
        };
        let bracketed: Vec<&&ParagraphState> =
            chosen.iter().filter(|state| state.status == ParagraphStatus::Bracketed).collect();
        if !bracketed.is_empty() {
            let holders: BTreeSet<&str> = bracketed
                .iter()
                .flat_map(|state| state.holders.iter().map(|(_, name)| name.as_str()))
                .collect();
            return Err(PositionError::Bracketed {
                eids: bracketed.iter().map(|state| state.eid.clone()).collect(),
                holders: holders.into_iter().collect::<Vec<_>>().join(", "),
            }
            .into());
        }
        let at_text = rfc3339(at);
        let mut transaction = self.pool.begin().await?;
        for state in &chosen {
            sqlx::query("INSERT INTO paragraph_adoption (draft_id, number, eid, at, actor) VALUES ($1, $2, $3, $4, $5)")
                .bind(&summary.draft_id)
                .bind(summary.number)
                .bind(&state.eid)
                .bind(&at_text)
                .bind(actor)
                .execute(&mut *transaction)
                .await
                .map_err(|error| crate::conflict_or(error, "adoption", &state.eid))?;
        }
        let adopted: Vec<String> = chosen.iter().map(|state| state.eid.clone()).collect();
        let data = serde_json::json!({
            "draft": summary.draft_id,
            "revision": summary.number,
            "eids": adopted,
            "at": at_text,
        })
        .to_string();
        self.append_event(&mut transaction, actor, "paragraphs.adopted", &data).await?;
        transaction.commit().await?;
        Ok(adopted)
    }

    /// Every paragraph with text of a revision, in document order, with its status (see the module's doc for
    /// how it is derived).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown draft or revision.
    pub async fn paragraph_statuses(&self, revision: &RevisionRef) -> Result<Vec<ParagraphState>> {
        let summary = self.revision_summary(revision).await?;
        let number = summary.number;
        let (_, track, _) = self.draft_context(&summary.draft_id).await?;
        let paragraphs = self.paragraphs(revision).await?;
        let names: HashMap<&str, (&Option<String>, &Option<String>)> = paragraphs
            .iter()
            .map(|paragraph| (paragraph.eid.as_str(), (&paragraph.parent_eid, &paragraph.name)))
            .collect();
        let objective_of = |eid: &str| -> Option<(String, String)> {
            let mut current = Some(eid.to_owned());
            while let Some(eid) = current {
                let (parent, name) = names.get(eid.as_str())?;
                if name.as_deref() == Some("objective") {
                    let paragraph = paragraphs.iter().find(|paragraph| paragraph.eid == eid)?;
                    let title = match (&paragraph.num, &paragraph.heading) {
                        (Some(num), Some(heading)) => format!("{num}: {heading}"),
                        (Some(num), None) => num.clone(),
                        (None, Some(heading)) => heading.clone(),
                        (None, None) => eid.clone(),
                    };
                    return Some((eid, title));
                }
                current = (*parent).clone();
            }
            None
        };

        // Each party's last position per eId taken on a revision up to this one, from the history.
        let rows = sqlx::query(
            "SELECT c.eid, c.party_id, p.name, c.stance, c.revision_number FROM position_change c \
             JOIN party p ON p.party_id = c.party_id \
             WHERE c.draft_id = $1 AND c.revision_number <= $2 ORDER BY c.change_id",
        )
        .bind(&summary.draft_id)
        .bind(number)
        .fetch_all(&self.pool)
        .await?;
        let mut last: HashMap<(String, String), (String, Option<Stance>, i64)> = HashMap::new();
        for row in &rows {
            let stance: Option<String> = row.try_get(3)?;
            last.insert(
                (row.try_get(0)?, row.try_get(1)?),
                (row.try_get(2)?, stance.as_deref().map(parse_stance).transpose()?, row.try_get(4)?),
            );
        }
        let participants: BTreeSet<String> = sqlx::query_scalar::<_, String>(
            "SELECT party_id FROM accreditation WHERE track_id = $1 AND status = $2",
        )
        .bind(&track.track_id)
        .bind(Status::Participant.as_str())
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .collect();
        let mut by_eid: HashMap<String, Vec<(String, String, Stance, i64)>> = HashMap::new();
        for ((eid, party_id), (name, stance, taken_on)) in last {
            if let Some(stance) = stance {
                if participants.contains(&party_id) {
                    by_eid.entry(eid).or_default().push((party_id, name, stance, taken_on));
                }
            }
        }

        // The latest adoption of each eId in a revision up to this one, and the text it was adopted with.
        let adoptions = sqlx::query(
            "SELECT a.eid, a.number, g.text FROM paragraph_adoption a \
             JOIN paragraph g ON g.draft_id = a.draft_id AND g.number = a.number AND g.eid = a.eid \
             WHERE a.draft_id = $1 AND a.number <= $2 ORDER BY a.number",
        )
        .bind(&summary.draft_id)
        .bind(number)
        .fetch_all(&self.pool)
        .await?;
        let mut adopted: HashMap<String, (i64, String)> = HashMap::new();
        for row in &adoptions {
            adopted.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
        }

        let mut states = Vec::new();
        for paragraph in paragraphs.iter().filter(|paragraph| !paragraph.text.trim().is_empty()) {
            let adoption = adopted.get(&paragraph.eid);
            let holds = adoption.filter(|(_, text)| *text == paragraph.text).map(|(number, _)| *number);
            let lapsed = adoption.filter(|(_, text)| *text != paragraph.text).map(|(number, _)| *number);
            let mut counts = StanceCounts::default();
            let mut holders = Vec::new();
            for (party_id, name, stance, taken_on) in by_eid.get(&paragraph.eid).into_iter().flatten() {
                if lapsed.is_some_and(|adopted_in| *taken_on <= adopted_in) {
                    continue;
                }
                counts.add(*stance);
                if *stance == Stance::Objection {
                    holders.push((party_id.clone(), name.clone()));
                }
            }
            holders.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
            let status = if holds.is_some() {
                ParagraphStatus::Adopted
            } else if !holders.is_empty() {
                ParagraphStatus::Bracketed
            } else if counts.total() > 0 {
                ParagraphStatus::AgreedAdRef
            } else {
                ParagraphStatus::Open
            };
            states.push(ParagraphState {
                eid: paragraph.eid.clone(),
                num: paragraph.num.clone(),
                text: paragraph.text.clone(),
                objective: objective_of(&paragraph.eid),
                status,
                holders,
                counts,
                adopted_in: holds,
                lapsed_adoption: lapsed,
            });
        }
        Ok(states)
    }

    /// One paragraph's status in a revision.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown draft, revision or eId; [`PositionError::NoText`] for an
    /// element with no text of its own.
    pub async fn paragraph_status(&self, revision: &RevisionRef, eid: &str) -> Result<ParagraphState> {
        self.paragraph(revision, eid).await?;
        self.paragraph_statuses(revision)
            .await?
            .into_iter()
            .find(|state| state.eid == eid)
            .ok_or_else(|| PositionError::NoText { eid: eid.to_owned() }.into())
    }

    /// The opinion groups of a track's parties from their current positions on the track's amendments
    /// (parties still accredited as participants), by [`accord_opinion::analyze`] with Pol.is's default
    /// settings; or [`OpinionGroups::NotEnough`] when fewer than [`MIN_AMENDMENTS_FOR_GROUPS`] amendments or
    /// [`MIN_PARTIES_FOR_GROUPS`] parties have positions, or Pol.is's clustering forms fewer than two groups.
    /// Never NaN: a score that is not finite is left out.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown track; [`StoreError::Malformed`] when the stored positions do
    /// not make a vote matrix.
    pub async fn party_opinion_groups(&self, track_id: &str) -> Result<OpinionGroups> {
        self.track(track_id).await?;
        let rows = sqlx::query(
            "SELECT x.party_id, p.name, x.amendment_id, x.stance FROM amendment_position x \
             JOIN amendment a ON a.amendment_id = x.amendment_id \
             JOIN party p ON p.party_id = x.party_id \
             JOIN accreditation c ON c.track_id = a.track_id AND c.party_id = x.party_id \
             WHERE a.track_id = $1 AND c.status = $2 ORDER BY x.party_id, x.amendment_id",
        )
        .bind(track_id)
        .bind(Status::Participant.as_str())
        .fetch_all(&self.pool)
        .await?;
        // Participants are numbered by party id order, so that the analysis does not depend on storage order.
        let mut parties: Vec<(String, String)> = Vec::new();
        let mut votes = Vec::with_capacity(rows.len());
        let mut amendments = BTreeSet::new();
        for row in &rows {
            let party_id: String = row.try_get(0)?;
            if parties.last().is_none_or(|(last, _)| *last != party_id) {
                parties.push((party_id, row.try_get(1)?));
            }
            let amendment_id: i64 = row.try_get(2)?;
            amendments.insert(amendment_id);
            let stance = parse_stance(&row.try_get::<String, _>(3)?)?;
            votes.push(VoteRow {
                participant: (parties.len() - 1) as i64,
                statement: amendment_id,
                vote: stance.vote(),
                modified: 0,
            });
        }
        let (n_parties, n_amendments) = (parties.len(), amendments.len());
        let not_enough = |reason: String| Ok(OpinionGroups::NotEnough { n_parties, n_amendments, reason });
        if n_amendments < MIN_AMENDMENTS_FOR_GROUPS || n_parties < MIN_PARTIES_FOR_GROUPS {
            return not_enough(format!(
                "{n_parties} parties have taken positions on {n_amendments} amendments; opinion groups need at \
                 least {MIN_PARTIES_FOR_GROUPS} parties and {MIN_AMENDMENTS_FOR_GROUPS} amendments"
            ));
        }
        let conversation =
            Conversation::new(&votes, SignConvention::AgreeIsPositive, None).map_err(|error| {
                StoreError::Malformed { field: "amendment_position", value: error.to_string() }
            })?;
        let settings = Settings::default()
            .check()
            .map_err(|error| StoreError::Malformed { field: "opinion settings", value: error.to_string() })?;
        let analysis = accord_opinion::analyze(&conversation, &settings);
        if analysis.group_clusters.len() < 2 {
            return not_enough(format!(
                "the positions of {n_parties} parties on {n_amendments} amendments form a single opinion group \
                 so far"
            ));
        }
        let mut group_of: BTreeMap<i64, usize> = BTreeMap::new();
        for group in &analysis.group_clusters {
            for base_id in &group.members {
                for base in analysis.base_clusters.iter().filter(|base| base.id == *base_id) {
                    for participant in &base.members {
                        group_of.insert(*participant, group.id);
                    }
                }
            }
        }
        let groups = analysis
            .group_clusters
            .iter()
            .map(|group| PartyGroup {
                id: group.id,
                members: group_of
                    .iter()
                    .filter(|(_, of)| **of == group.id)
                    .map(|(participant, _)| parties[*participant as usize].0.clone())
                    .collect(),
            })
            .collect();
        let points = group_of
            .iter()
            .filter_map(|(participant, group)| {
                let [x, y] = *analysis.projections.get(participant)?;
                let (party_id, party_name) = parties[*participant as usize].clone();
                (x.is_finite() && y.is_finite()).then_some(PartyPoint {
                    party_id,
                    party_name,
                    group: *group,
                    x,
                    y,
                })
            })
            .collect();
        let bridging = analysis
            .group_aware_consensus
            .iter()
            .filter(|(_, score)| score.is_finite())
            .map(|(amendment_id, score)| (*amendment_id, *score))
            .collect();
        Ok(OpinionGroups::Groups(PartyGroups { groups, points, bridging, n_parties, n_amendments }))
    }

    /// The track of a target.
    async fn target_track(&self, target: &PositionTarget) -> Result<String> {
        match target {
            PositionTarget::Amendment(amendment_id) => Ok(self.amendment(*amendment_id).await?.track_id),
            PositionTarget::Paragraph { draft_id, .. } => Ok(self.draft(draft_id).await?.track_id),
        }
    }

    /// Every check of a position, before anything is written (reads only).
    async fn check_position(
        &self,
        new: &NewPosition,
        at: OffsetDateTime,
        cache: &mut CheckCache,
    ) -> Result<Checked> {
        let n_chars = new.statement.chars().count();
        if n_chars > MAX_STATEMENT_CHARS {
            return Err(PositionError::StatementTooLong { n_chars }.into());
        }
        let (track_id, revision) = match &new.target {
            PositionTarget::Amendment(amendment_id) => {
                if !cache.amendments.contains_key(amendment_id) {
                    let record = self.amendment(*amendment_id).await?;
                    let ended_at = self
                        .amendment_steps(*amendment_id)
                        .await?
                        .into_iter()
                        .find(|step| {
                            matches!(
                                step.action.as_str(),
                                "withdrawn" | "merged" | "merged_in_part" | "not_retained"
                            )
                        })
                        .map(|step| step.at);
                    cache
                        .amendments
                        .insert(*amendment_id, (record.track_id, record.status, record.tabled_at, ended_at));
                }
                let (track_id, status, tabled_at, ended_at) = &cache.amendments[amendment_id];
                let at_instant = at.to_offset(time::UtcOffset::UTC);
                let parse = |text: &str| {
                    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| StoreError::Malformed {
                        field: "amendment instant",
                        value: text.to_owned(),
                    })
                };
                let tabled = match tabled_at {
                    Some(tabled_at) => parse(tabled_at)? <= at_instant,
                    None => false,
                };
                let not_ended = match ended_at {
                    Some(ended_at) => at_instant < parse(ended_at)?,
                    None => true,
                };
                if !(tabled && not_ended) {
                    return Err(PositionError::AmendmentNotTabled {
                        amendment_id: *amendment_id,
                        status: *status,
                        at: rfc3339(at),
                    }
                    .into());
                }
                (track_id.clone(), None)
            }
            PositionTarget::Paragraph { draft_id, eid } => {
                if !cache.drafts.contains_key(draft_id) {
                    let draft = self.draft(draft_id).await?;
                    let latest = RevisionRef { draft_id: draft_id.clone(), number: None };
                    let number = self.revision_summary(&latest).await?.number;
                    let with_text = self
                        .paragraphs(&latest)
                        .await?
                        .into_iter()
                        .filter(|paragraph| !paragraph.text.trim().is_empty())
                        .map(|paragraph| paragraph.eid)
                        .collect();
                    cache.drafts.insert(draft_id.clone(), (draft.track_id, number, with_text));
                }
                let (track_id, number, with_text) = &cache.drafts[draft_id];
                if !with_text.contains(eid) {
                    self.paragraph(&RevisionRef { draft_id: draft_id.clone(), number: Some(*number) }, eid)
                        .await?;
                    return Err(PositionError::NoText { eid: eid.clone() }.into());
                }
                (track_id.clone(), Some(*number))
            }
        };
        let key = (track_id.clone(), new.party_id.clone());
        if !cache.standing.contains_key(&key) {
            let standing = match self.accreditation(&track_id, &new.party_id).await {
                Ok(accreditation) if accreditation.status == Status::Participant => None,
                Ok(accreditation) => Some(accreditation.status.as_str().to_owned()),
                Err(StoreError::NotFound { .. }) => {
                    self.party(&new.party_id).await?;
                    Some("never asked".to_owned())
                }
                Err(other) => return Err(other),
            };
            cache.standing.insert(key.clone(), standing);
        }
        if let Some(standing) = &cache.standing[&key] {
            return Err(PositionError::NotParticipant {
                party_id: new.party_id.clone(),
                track_id,
                standing: standing.clone(),
            }
            .into());
        }
        Ok(Checked { new: new.clone(), track_id, revision })
    }

    /// Writes a checked position, its history row and its event in `transaction`.
    async fn write_position(
        &self,
        transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
        checked: &Checked,
        actor: &str,
        at: OffsetDateTime,
    ) -> Result<()> {
        let Checked { new, track_id, revision } = checked;
        let at_text = rfc3339(at);
        let statement = new.statement.trim();
        let replaced = match &new.target {
            PositionTarget::Amendment(amendment_id) => {
                let deleted =
                    sqlx::query("DELETE FROM amendment_position WHERE amendment_id = $1 AND party_id = $2")
                        .bind(amendment_id)
                        .bind(&new.party_id)
                        .execute(&mut **transaction)
                        .await?;
                sqlx::query(
                    "INSERT INTO amendment_position (amendment_id, party_id, stance, statement, at, actor) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(amendment_id)
                .bind(&new.party_id)
                .bind(new.stance.as_str())
                .bind(statement)
                .bind(&at_text)
                .bind(actor)
                .execute(&mut **transaction)
                .await?;
                deleted.rows_affected() > 0
            }
            PositionTarget::Paragraph { draft_id, eid } => {
                let deleted = sqlx::query(
                    "DELETE FROM paragraph_position WHERE draft_id = $1 AND eid = $2 AND party_id = $3",
                )
                .bind(draft_id)
                .bind(eid)
                .bind(&new.party_id)
                .execute(&mut **transaction)
                .await?;
                sqlx::query(
                    "INSERT INTO paragraph_position (draft_id, eid, party_id, revision_number, stance, statement, \
                     at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(draft_id)
                .bind(eid)
                .bind(&new.party_id)
                .bind(revision.expect("a paragraph position is checked with its revision"))
                .bind(new.stance.as_str())
                .bind(statement)
                .bind(&at_text)
                .bind(actor)
                .execute(&mut **transaction)
                .await?;
                deleted.rows_affected() > 0
            }
        };
        insert_change(
            transaction,
            track_id,
            &new.party_id,
            &new.target,
            *revision,
            Some(new.stance),
            statement,
            &at_text,
            actor,
        )
        .await?;
        let mut data = target_json(&new.target, *revision);
        data["track"] = track_id.as_str().into();
        data["party"] = new.party_id.as_str().into();
        data["stance"] = new.stance.as_str().into();
        data["statement"] = statement.into();
        data["at"] = at_text.into();
        let action = if replaced { "position.changed" } else { "position.taken" };
        self.append_event(transaction, actor, action, &data.to_string()).await?;
        Ok(())
    }
}

fn parse_stance(text: &str) -> Result<Stance> {
    text.parse().map_err(|_| StoreError::Malformed { field: "position.stance", value: text.to_owned() })
}

/// The target's part of an event's data: `{"amendment": 12}` or `{"draft": "gcm", "eid": …, "revision": 0}`.
fn target_json(target: &PositionTarget, revision: Option<i64>) -> serde_json::Value {
    match target {
        PositionTarget::Amendment(amendment_id) => serde_json::json!({ "amendment": amendment_id }),
        PositionTarget::Paragraph { draft_id, eid } => {
            serde_json::json!({ "draft": draft_id, "eid": eid, "revision": revision })
        }
    }
}

#[allow(clippy::too_many_arguments)] // one row of position_change, column by column
async fn insert_change(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    track_id: &str,
    party_id: &str,
    target: &PositionTarget,
    revision: Option<i64>,
    stance: Option<Stance>,
    statement: &str,
    at: &str,
    actor: &str,
) -> Result<()> {
    let (amendment_id, draft_id, eid) = match target {
        PositionTarget::Amendment(amendment_id) => (Some(*amendment_id), None, None),
        PositionTarget::Paragraph { draft_id, eid } => (None, Some(draft_id.as_str()), Some(eid.as_str())),
    };
    sqlx::query(
        "INSERT INTO position_change (track_id, party_id, amendment_id, draft_id, eid, revision_number, stance, \
         statement, at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(track_id)
    .bind(party_id)
    .bind(amendment_id)
    .bind(draft_id)
    .bind(eid)
    .bind(revision)
    .bind(stance.map(Stance::as_str))
    .bind(statement)
    .bind(at)
    .bind(actor)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}
