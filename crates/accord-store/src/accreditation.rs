//! Accreditation of parties to tracks, rounds of a track, and delegations.
//!
//! The life of an accreditation: a party *requests* entry to a track as a participant or an observer; the
//! secretariat *grants* it (as asked, or as observer only) or *refuses* it with a reason; after a refusal the
//! party may *appeal* once, and the secretariat decides again; a party may *withdraw* from a track at any time
//! and stay in the others, and may ask again later. Each step is a row of `accreditation_step` and an event of
//! the tamper-evident record, written in the same transaction as the new state.

use crate::{now_rfc3339, Result, Store, StoreError};
use sqlx::Row;
use std::fmt;
use std::str::FromStr;

/// What a party asks to be in a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// May table amendments and take positions.
    Participant,
    /// May speak and comment, not table.
    Observer,
}

/// Where an accreditation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Asked, not yet decided.
    Pending,
    /// Granted as a participant.
    Participant,
    /// Granted as an observer.
    Observer,
    /// Refused (the reason is in the last step).
    Refused,
    /// Refused, appealed, not yet decided again.
    Appealed,
    /// The party withdrew.
    Withdrawn,
}

/// A decision of the secretariat on a pending or appealed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Grant what was asked.
    Grant,
    /// Grant observer standing only.
    GrantAsObserver,
    /// Refuse, with a reason.
    Refuse {
        /// Why, shown on the public registry.
        reason: String,
    },
}

macro_rules! text_enum {
    ($type:ident, $what:literal, $($variant:ident = $text:literal),*) => {
        impl $type {
            /// The word stored and shown.
            pub fn as_str(self) -> &'static str {
                match self { $($type::$variant => $text),* }
            }
        }
        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $type {
            type Err = StoreError;
            fn from_str(text: &str) -> Result<$type> {
                match text {
                    $($text => Ok($type::$variant),)*
                    other => Err(StoreError::Malformed { field: $what, value: other.to_owned() }),
                }
            }
        }
    };
}

text_enum!(Standing, "standing", Participant = "participant", Observer = "observer");
text_enum!(
    Status,
    "accreditation.status",
    Pending = "pending",
    Participant = "participant",
    Observer = "observer",
    Refused = "refused",
    Appealed = "appealed",
    Withdrawn = "withdrawn"
);

/// A party's accreditation to a track, as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accreditation {
    /// The track.
    pub track_id: String,
    /// The party.
    pub party_id: String,
    /// What was asked.
    pub requested_as: Standing,
    /// Where it stands.
    pub status: Status,
    /// Whether the one appeal has been used.
    pub appealed: bool,
    /// When it last changed, RFC 3339.
    pub updated_at: String,
}

/// One step of an accreditation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1, 2 … per party and track.
    pub step: i64,
    /// When, RFC 3339.
    pub at: String,
    /// `requested`, `granted`, `granted_as_observer`, `refused`, `appealed`, `withdrawn`.
    pub action: String,
    /// Who took it.
    pub actor: String,
    /// The statement of a request or appeal, the reason of a refusal.
    pub text: String,
}

/// Why an accreditation step is refused. Nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccreditationError {
    /// The party has a request that is not decided.
    #[error("party `{party_id}` has a pending request for track `{track_id}`")]
    AlreadyPending {
        /// The track.
        track_id: String,
        /// The party.
        party_id: String,
    },
    /// The party is accredited already.
    #[error("party `{party_id}` is accredited to track `{track_id}` already, as {status}")]
    AlreadyAccredited {
        /// The track.
        track_id: String,
        /// The party.
        party_id: String,
        /// Its standing.
        status: Status,
    },
    /// The step does not fit where the accreditation stands.
    #[error("cannot {step} the accreditation of `{party_id}` to `{track_id}`: it is {status}")]
    WrongStatus {
        /// The step tried.
        step: &'static str,
        /// The track.
        track_id: String,
        /// The party.
        party_id: String,
        /// Where it stands.
        status: Status,
    },
    /// The one appeal was used.
    #[error("party `{party_id}` has appealed the refusal for track `{track_id}` once already")]
    AppealUsed {
        /// The track.
        track_id: String,
        /// The party.
        party_id: String,
    },
    /// A refusal without a reason.
    #[error("a refusal needs a reason")]
    MissingReason,
    /// A supporting document that cannot be kept.
    #[error("supporting document `{name}`: {problem}")]
    BadDocument {
        /// The document's name as given.
        name: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// A supporting document of a request for accreditation (a credentials letter, a council resolution …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportingDocument {
    /// The file name: 1 to 200 characters, no `/`, `\\` or control characters; unique within a request.
    pub name: String,
    /// Its media type, e.g. `application/pdf`.
    pub media_type: String,
    /// The bytes, at most [`MAX_DOCUMENT_BYTES`].
    pub content: Vec<u8>,
}

/// The largest supporting document kept: 5 MiB.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;
/// The most supporting documents one request carries.
pub const MAX_DOCUMENTS: usize = 5;

/// Checks the documents of a request: names, sizes, count.
fn check_documents(documents: &[SupportingDocument]) -> std::result::Result<(), AccreditationError> {
    let bad = |name: &str, problem: &str| AccreditationError::BadDocument {
        name: name.to_owned(),
        problem: problem.to_owned(),
    };
    if documents.len() > MAX_DOCUMENTS {
        return Err(bad(
            "",
            &format!("{} documents; at most {MAX_DOCUMENTS} may come with a request", documents.len()),
        ));
    }
    let mut names = std::collections::HashSet::new();
    for document in documents {
        let name = document.name.as_str();
        if name.trim().is_empty() || name.chars().count() > 200 {
            return Err(bad(name, "a name needs 1 to 200 characters"));
        }
        if name.chars().any(|c| c == '/' || c == '\\' || c.is_control()) {
            return Err(bad(name, "a name may not hold `/`, `\\` or control characters"));
        }
        if document.content.is_empty() {
            return Err(bad(name, "the file is empty"));
        }
        if document.content.len() > MAX_DOCUMENT_BYTES {
            return Err(bad(
                name,
                &format!("{} bytes; at most {MAX_DOCUMENT_BYTES}", document.content.len()),
            ));
        }
        if document.media_type.trim().is_empty() || !document.media_type.contains('/') {
            return Err(bad(
                name,
                &format!("`{}` is not a media type such as application/pdf", document.media_type),
            ));
        }
        if !names.insert(name) {
            return Err(bad(name, "two documents have this name"));
        }
    }
    Ok(())
}

const ACCREDITATION_COLUMNS: &str = "track_id, party_id, requested_as, status, appealed, updated_at";

impl Store {
    /// The accreditation of a party to a track.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the party never asked.
    pub async fn accreditation(&self, track_id: &str, party_id: &str) -> Result<Accreditation> {
        let row = sqlx::query(&format!(
            "SELECT {ACCREDITATION_COLUMNS} FROM accreditation WHERE track_id = $1 AND party_id = $2"
        ))
        .bind(track_id)
        .bind(party_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "accreditation",
            key: format!("{party_id} in {track_id}"),
        })?;
        accreditation_from_row(&row)
    }

    /// Every accreditation of a track (by party), or of a party (by track) when `party_id` is given.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn accreditations(
        &self,
        track_id: Option<&str>,
        party_id: Option<&str>,
    ) -> Result<Vec<Accreditation>> {
        let rows = sqlx::query(&format!(
            "SELECT {ACCREDITATION_COLUMNS} FROM accreditation \
             WHERE ($1 IS NULL OR track_id = $1) AND ($2 IS NULL OR party_id = $2) ORDER BY track_id, party_id"
        ))
        .bind(track_id.map(str::to_owned))
        .bind(party_id.map(str::to_owned))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(accreditation_from_row).collect()
    }

    /// The steps of an accreditation, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn accreditation_steps(&self, track_id: &str, party_id: &str) -> Result<Vec<Step>> {
        let rows = sqlx::query(
            "SELECT step, at, action, actor, text FROM accreditation_step \
             WHERE track_id = $1 AND party_id = $2 ORDER BY step",
        )
        .bind(track_id)
        .bind(party_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Step {
                    step: row.try_get(0)?,
                    at: row.try_get(1)?,
                    action: row.try_get(2)?,
                    actor: row.try_get(3)?,
                    text: row.try_get(4)?,
                })
            })
            .collect()
    }

    /// A party asks for entry to a track. A party that withdrew, or was refused and appealed in vain, may ask
    /// again.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown track or party; [`StoreError::Accreditation`] when a request is
    /// pending or the party is accredited already.
    pub async fn request_accreditation(
        &self,
        track_id: &str,
        party_id: &str,
        requested_as: Standing,
        statement: &str,
        actor: &str,
    ) -> Result<Accreditation> {
        self.request_accreditation_with_documents(track_id, party_id, requested_as, statement, &[], actor)
            .await
    }

    /// A party asks for entry to a track with supporting documents, which replace those of an earlier request.
    ///
    /// # Errors
    /// As [`Store::request_accreditation`]; [`AccreditationError::BadDocument`] for a document that cannot be
    /// kept (name, size, count).
    pub async fn request_accreditation_with_documents(
        &self,
        track_id: &str,
        party_id: &str,
        requested_as: Standing,
        statement: &str,
        documents: &[SupportingDocument],
        actor: &str,
    ) -> Result<Accreditation> {
        check_documents(documents)?;
        self.track(track_id).await?;
        self.party_exists(party_id).await?;
        let mut transaction = self.pool.begin().await?;
        let current = current_in(&mut transaction, track_id, party_id).await?;
        if let Some(current) = &current {
            match current.status {
                Status::Pending | Status::Appealed => {
                    return Err(AccreditationError::AlreadyPending {
                        track_id: track_id.to_owned(),
                        party_id: party_id.to_owned(),
                    }
                    .into())
                }
                Status::Participant | Status::Observer => {
                    return Err(AccreditationError::AlreadyAccredited {
                        track_id: track_id.to_owned(),
                        party_id: party_id.to_owned(),
                        status: current.status,
                    }
                    .into())
                }
                Status::Refused | Status::Withdrawn => {}
            }
        }
        let now = now_rfc3339();
        if current.is_some() {
            sqlx::query(
                "UPDATE accreditation SET requested_as = $1, status = $2, appealed = 0, updated_at = $3 \
                 WHERE track_id = $4 AND party_id = $5",
            )
            .bind(requested_as.as_str())
            .bind(Status::Pending.as_str())
            .bind(&now)
            .bind(track_id)
            .bind(party_id)
            .execute(&mut *transaction)
            .await?;
        } else {
            sqlx::query(&format!(
                "INSERT INTO accreditation ({ACCREDITATION_COLUMNS}) VALUES ($1, $2, $3, $4, 0, $5)"
            ))
            .bind(track_id)
            .bind(party_id)
            .bind(requested_as.as_str())
            .bind(Status::Pending.as_str())
            .bind(&now)
            .execute(&mut *transaction)
            .await?;
        }
        add_step(&mut transaction, track_id, party_id, "requested", actor, statement, &now).await?;
        sqlx::query("DELETE FROM accreditation_document WHERE track_id = $1 AND party_id = $2")
            .bind(track_id)
            .bind(party_id)
            .execute(&mut *transaction)
            .await?;
        let mut listed = Vec::new();
        for document in documents {
            sqlx::query(
                "INSERT INTO accreditation_document (track_id, party_id, name, media_type, content) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(track_id)
            .bind(party_id)
            .bind(&document.name)
            .bind(&document.media_type)
            .bind(document.content.clone())
            .execute(&mut *transaction)
            .await?;
            listed.push(serde_json::json!({
                "name": document.name,
                "sha256": crate::event::sha256_hex(&document.content),
            }));
        }
        let data = serde_json::json!({
            "track": track_id,
            "party": party_id,
            "as": requested_as.as_str(),
            "statement": statement,
            "documents": listed,
        })
        .to_string();
        self.append_event(&mut transaction, actor, "accreditation.requested", &data).await?;
        transaction.commit().await?;
        self.accreditation(track_id, party_id).await
    }

    /// The secretariat decides a pending or appealed request.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is no request; [`StoreError::Accreditation`] when it is not pending
    /// or appealed, or a refusal has no reason.
    pub async fn decide_accreditation(
        &self,
        track_id: &str,
        party_id: &str,
        decision: &Decision,
        actor: &str,
    ) -> Result<Accreditation> {
        let text = match decision {
            Decision::Refuse { reason } if reason.trim().is_empty() => {
                return Err(AccreditationError::MissingReason.into())
            }
            Decision::Refuse { reason } => reason.as_str(),
            Decision::Grant | Decision::GrantAsObserver => "",
        };
        self.take_step(track_id, party_id, "decide", text, actor, |current| {
            if !matches!(current.status, Status::Pending | Status::Appealed) {
                return None;
            }
            Some(match decision {
                Decision::Grant => match current.requested_as {
                    Standing::Participant => (Status::Participant, "granted"),
                    Standing::Observer => (Status::Observer, "granted"),
                },
                Decision::GrantAsObserver => (Status::Observer, "granted_as_observer"),
                Decision::Refuse { .. } => (Status::Refused, "refused"),
            })
        })
        .await
    }

    /// The party appeals a refusal, once.
    ///
    /// # Errors
    /// [`StoreError::Accreditation`] when the accreditation is not refused or was appealed already.
    pub async fn appeal_accreditation(
        &self,
        track_id: &str,
        party_id: &str,
        statement: &str,
        actor: &str,
    ) -> Result<Accreditation> {
        let current = self.accreditation(track_id, party_id).await?;
        if current.status == Status::Refused && current.appealed {
            return Err(AccreditationError::AppealUsed {
                track_id: track_id.to_owned(),
                party_id: party_id.to_owned(),
            }
            .into());
        }
        self.take_step(track_id, party_id, "appeal", statement, actor, |current| {
            (current.status == Status::Refused && !current.appealed).then_some((Status::Appealed, "appealed"))
        })
        .await
    }

    /// The party withdraws from a track (it stays in the others).
    ///
    /// # Errors
    /// [`StoreError::Accreditation`] when it is refused or withdrawn already.
    pub async fn withdraw_accreditation(
        &self,
        track_id: &str,
        party_id: &str,
        statement: &str,
        actor: &str,
    ) -> Result<Accreditation> {
        self.take_step(track_id, party_id, "withdraw", statement, actor, |current| {
            (!matches!(current.status, Status::Refused | Status::Withdrawn))
                .then_some((Status::Withdrawn, "withdrawn"))
        })
        .await
    }

    /// One step of an existing accreditation, in one transaction: `next` says, from where it stands, the new
    /// status and the step's action (`None`: the step does not fit); the step and its event are written with it.
    /// An appeal marks the one appeal as used.
    async fn take_step(
        &self,
        track_id: &str,
        party_id: &str,
        step: &'static str,
        text: &str,
        actor: &str,
        next: impl FnOnce(&Accreditation) -> Option<(Status, &'static str)>,
    ) -> Result<Accreditation> {
        let mut transaction = self.pool.begin().await?;
        let current = current_in(&mut transaction, track_id, party_id).await?.ok_or_else(|| {
            StoreError::NotFound { what: "accreditation", key: format!("{party_id} in {track_id}") }
        })?;
        let Some((status, action)) = next(&current) else {
            return Err(AccreditationError::WrongStatus {
                step,
                track_id: track_id.to_owned(),
                party_id: party_id.to_owned(),
                status: current.status,
            }
            .into());
        };
        let appealed = current.appealed || status == Status::Appealed;
        let now = now_rfc3339();
        set_status(&mut transaction, track_id, party_id, status, appealed, &now).await?;
        add_step(&mut transaction, track_id, party_id, action, actor, text, &now).await?;
        let data = serde_json::json!({
            "track": track_id,
            "party": party_id,
            "status": status.as_str(),
            "text": text,
        })
        .to_string();
        self.append_event(&mut transaction, actor, &format!("accreditation.{action}"), &data).await?;
        transaction.commit().await?;
        self.accreditation(track_id, party_id).await
    }

    /// One track.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is none with this slug.
    pub async fn track(&self, track_id: &str) -> Result<crate::Track> {
        let row = sqlx::query("SELECT track_id, process_id, title FROM track WHERE track_id = $1")
            .bind(track_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "track", key: track_id.to_owned() })?;
        Ok(crate::Track { track_id: row.try_get(0)?, process_id: row.try_get(1)?, title: row.try_get(2)? })
    }

    async fn party_exists(&self, party_id: &str) -> Result<()> {
        let found: Option<String> = sqlx::query_scalar("SELECT party_id FROM party WHERE party_id = $1")
            .bind(party_id)
            .fetch_optional(&self.pool)
            .await?;
        found.map(drop).ok_or_else(|| StoreError::NotFound { what: "party", key: party_id.to_owned() })
    }
}

async fn current_in(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    track_id: &str,
    party_id: &str,
) -> Result<Option<Accreditation>> {
    let row = sqlx::query(&format!(
        "SELECT {ACCREDITATION_COLUMNS} FROM accreditation WHERE track_id = $1 AND party_id = $2"
    ))
    .bind(track_id)
    .bind(party_id)
    .fetch_optional(&mut **transaction)
    .await?;
    row.as_ref().map(accreditation_from_row).transpose()
}

async fn set_status(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    track_id: &str,
    party_id: &str,
    status: Status,
    appealed: bool,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE accreditation SET status = $1, appealed = $2, updated_at = $3 WHERE track_id = $4 AND party_id = $5",
    )
    .bind(status.as_str())
    .bind(i64::from(appealed))
    .bind(now)
    .bind(track_id)
    .bind(party_id)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

async fn add_step(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    track_id: &str,
    party_id: &str,
    action: &str,
    actor: &str,
    text: &str,
    now: &str,
) -> Result<()> {
    let step: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(step), 0) + 1 FROM accreditation_step WHERE track_id = $1 AND party_id = $2",
    )
    .bind(track_id)
    .bind(party_id)
    .fetch_one(&mut **transaction)
    .await?;
    sqlx::query(
        "INSERT INTO accreditation_step (track_id, party_id, step, at, action, actor, text) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(track_id)
    .bind(party_id)
    .bind(step)
    .bind(now)
    .bind(action)
    .bind(actor)
    .bind(text)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

fn accreditation_from_row(row: &sqlx::any::AnyRow) -> Result<Accreditation> {
    Ok(Accreditation {
        track_id: row.try_get(0)?,
        party_id: row.try_get(1)?,
        requested_as: row.try_get::<String, _>(2)?.parse()?,
        status: row.try_get::<String, _>(3)?.parse()?,
        appealed: row.try_get::<i64, _>(4)? != 0,
        updated_at: row.try_get(5)?,
    })
}

/// A person's role in a party's delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DelegationRole {
    /// Head of delegation: manages the delegation, speaks for the party.
    Head,
    /// Delegate.
    Delegate,
    /// Expert.
    Expert,
}

text_enum!(DelegationRole, "delegation_member.role", Head = "head", Delegate = "delegate", Expert = "expert");

/// A member of a party's delegation in a process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationMember {
    /// The process.
    pub process_id: String,
    /// The person.
    pub user_id: i64,
    /// The name shown.
    pub display_name: String,
    /// The party.
    pub party_id: String,
    /// The role.
    pub role: DelegationRole,
}

/// A round of a track.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    /// The track.
    pub track_id: String,
    /// 1, 2 …
    pub number: i64,
    /// Its title.
    pub title: String,
    /// The day it opens, YYYY-MM-DD.
    pub opens_on: String,
    /// The deadline, RFC 3339 in UTC.
    pub deadline: String,
}

/// A `delegation_member` row joined with its user: process, user, display name, party, role.
fn delegation_member(row: &sqlx::any::AnyRow) -> Result<DelegationMember> {
    Ok(DelegationMember {
        process_id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        display_name: row.try_get(2)?,
        party_id: row.try_get(3)?,
        role: row.try_get::<String, _>(4)?.parse()?,
    })
}

/// When a round runs: from the start of its opening day (UTC) to its deadline.
pub(crate) fn round_span(round: &Round) -> Result<(time::OffsetDateTime, time::OffsetDateTime)> {
    let opens = crate::amendment::parse_day(&round.opens_on)?.midnight().assume_utc();
    Ok((opens, crate::amendment::parse_instant(&round.deadline)?))
}

/// `round` with its deadline in UTC, or the refusal of its first wrong field.
fn checked_round(round: &Round) -> Result<Round> {
    use time::format_description::well_known::Rfc3339;
    let refuse = |field: &'static str, message: String| -> StoreError {
        crate::AmendmentError::Round { field, message }.into()
    };
    if round.number < 1 {
        return Err(refuse("number", format!("{} is below 1", round.number)));
    }
    if round.title.trim().is_empty() {
        return Err(refuse("title", "is empty".to_owned()));
    }
    let opens_on =
        time::Date::parse(&round.opens_on, &time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| {
                refuse("opens_on", format!("`{}` is not a day written YYYY-MM-DD", round.opens_on))
            })?;
    let deadline = time::OffsetDateTime::parse(&round.deadline, &Rfc3339)
        .map_err(|_| {
            refuse(
                "deadline",
                format!("`{}` is not an instant written RFC 3339 (2018-03-26T17:00:00Z)", round.deadline),
            )
        })?
        .to_offset(time::UtcOffset::UTC);
    if deadline.date() < opens_on {
        return Err(refuse("deadline", format!("{} is before the opening day {opens_on}", round.deadline)));
    }
    let deadline = deadline.format(&Rfc3339).map_err(|error| refuse("deadline", error.to_string()))?;
    Ok(Round { deadline, ..round.clone() })
}

impl Store {
    /// Puts a person in a party's delegation for a process (one party per person per process).
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the person is in a delegation of this process already;
    /// [`StoreError::NotFound`] for an unknown party.
    pub async fn add_delegation_member(
        &self,
        process_id: &str,
        user_id: i64,
        party_id: &str,
        role: DelegationRole,
        actor: &str,
    ) -> Result<()> {
        self.party_exists(party_id).await?;
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO delegation_member (process_id, user_id, party_id, role) VALUES ($1, $2, $3, $4)",
        )
        .bind(process_id)
        .bind(user_id)
        .bind(party_id)
        .bind(role.as_str())
        .execute(&mut *transaction)
        .await
        .map_err(|error| {
            crate::conflict_or(error, "delegation member", &format!("{user_id} in {process_id}"))
        })?;
        let data = serde_json::json!({
            "process": process_id,
            "user": user_id,
            "party": party_id,
            "role": role.as_str(),
        })
        .to_string();
        self.append_event(&mut transaction, actor, "delegation.member_added", &data).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// The party a person belongs to in a process, and their role, if any.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn delegation_of(
        &self,
        user_id: i64,
        process_id: &str,
    ) -> Result<Option<(String, DelegationRole)>> {
        let row = sqlx::query(
            "SELECT party_id, role FROM delegation_member WHERE user_id = $1 AND process_id = $2",
        )
        .bind(user_id)
        .bind(process_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((row.try_get(0)?, row.try_get::<String, _>(1)?.parse()?))).transpose()
    }

    /// Every delegation a person belongs to, one per process at most, by process.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn delegations_of(&self, user_id: i64) -> Result<Vec<DelegationMember>> {
        let rows = sqlx::query(
            "SELECT d.process_id, d.user_id, u.display_name, d.party_id, d.role FROM delegation_member d \
             JOIN \"user\" u ON u.user_id = d.user_id WHERE d.user_id = $1 ORDER BY d.process_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delegation_member).collect()
    }

    /// The delegation of a party in a process.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn delegation(&self, process_id: &str, party_id: &str) -> Result<Vec<DelegationMember>> {
        let rows = sqlx::query(
            "SELECT d.process_id, d.user_id, u.display_name, d.party_id, d.role FROM delegation_member d \
             JOIN \"user\" u ON u.user_id = d.user_id WHERE d.process_id = $1 AND d.party_id = $2 \
             ORDER BY d.role, u.display_name",
        )
        .bind(process_id)
        .bind(party_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(delegation_member).collect()
    }

    /// Opens the next round of a track: numbered one above its last round (1 for the first), its deadline
    /// written in UTC. `opens_on` is a day, YYYY-MM-DD; `deadline` an instant, RFC 3339 with any offset.
    ///
    /// # Errors
    /// [`crate::AmendmentError::Round`] naming the field for an empty title, a day or an instant that does
    /// not parse, a deadline before the opening day, or a round that would run while another round of the
    /// track runs; [`StoreError::NotFound`] for an unknown track.
    pub async fn open_round(
        &self,
        track_id: &str,
        title: &str,
        opens_on: &str,
        deadline: &str,
        actor: &str,
    ) -> Result<Round> {
        self.track(track_id).await?;
        let last = self.rounds(track_id).await?.last().map_or(0, |round| round.number);
        let round = Round {
            track_id: track_id.to_owned(),
            number: last + 1,
            title: title.trim().to_owned(),
            opens_on: opens_on.trim().to_owned(),
            deadline: deadline.trim().to_owned(),
        };
        self.add_round(&round, actor).await
    }

    /// Adds a round to a track, its deadline written in UTC; gives the round as stored.
    ///
    /// # Errors
    /// [`crate::AmendmentError::Round`] naming the field for a number below 1, an empty title, a day
    /// (`opens_on`, YYYY-MM-DD) or a deadline (RFC 3339) that does not parse, a deadline before the
    /// opening day, or a round that runs while another round of the track runs (from the start of its opening
    /// day, UTC, to its deadline); [`StoreError::Conflict`] when the number is taken; [`StoreError::NotFound`]
    /// for an unknown track.
    pub async fn add_round(&self, round: &Round, actor: &str) -> Result<Round> {
        let round = &checked_round(round)?;
        self.track(&round.track_id).await?;
        // Rounds of a track follow one another: amendments of a round go to the revision that is latest while
        // it runs, and a revision published from one round would leave another's amendments on an old one.
        let (opens, deadline) = round_span(round)?;
        for other in self.rounds(&round.track_id).await? {
            let (other_opens, other_deadline) = round_span(&other)?;
            if opens <= other_deadline && other_opens <= deadline {
                return Err(crate::AmendmentError::Round {
                    field: "opens_on",
                    message: format!(
                        "round {} ({}) runs from {} to {}, and the rounds of a track do not overlap: this \
                         one must run wholly before or after it",
                        other.number, other.title, other.opens_on, other.deadline
                    ),
                }
                .into());
            }
        }
        let mut transaction = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO round (track_id, number, title, opens_on, deadline) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&round.track_id)
        .bind(round.number)
        .bind(&round.title)
        .bind(&round.opens_on)
        .bind(&round.deadline)
        .execute(&mut *transaction)
        .await
        .map_err(|error| {
            crate::conflict_or(error, "round", &format!("{} {}", round.track_id, round.number))
        })?;
        let data = serde_json::json!({
            "track": round.track_id,
            "number": round.number,
            "title": round.title,
            "opens_on": round.opens_on,
            "deadline": round.deadline,
        })
        .to_string();
        self.append_event(&mut transaction, actor, "round.added", &data).await?;
        transaction.commit().await?;
        Ok(round.clone())
    }

    /// The rounds of a track, in order.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn rounds(&self, track_id: &str) -> Result<Vec<Round>> {
        let rows = sqlx::query(
            "SELECT track_id, number, title, opens_on, deadline FROM round WHERE track_id = $1 ORDER BY number",
        )
        .bind(track_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Round {
                    track_id: row.try_get(0)?,
                    number: row.try_get(1)?,
                    title: row.try_get(2)?,
                    opens_on: row.try_get(3)?,
                    deadline: row.try_get(4)?,
                })
            })
            .collect()
    }
}

impl Store {
    /// The supporting documents of a party's request: `(name, media type, size in bytes)`, by name.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn accreditation_documents(
        &self,
        track_id: &str,
        party_id: &str,
    ) -> Result<Vec<(String, String, i64)>> {
        let rows = sqlx::query(
            "SELECT name, media_type, content FROM accreditation_document \
             WHERE track_id = $1 AND party_id = $2 ORDER BY name",
        )
        .bind(track_id)
        .bind(party_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let content: Vec<u8> = row.try_get(2)?;
                Ok((row.try_get(0)?, row.try_get(1)?, content.len() as i64))
            })
            .collect()
    }

    /// One supporting document.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the request has no document of that name.
    pub async fn accreditation_document(
        &self,
        track_id: &str,
        party_id: &str,
        name: &str,
    ) -> Result<SupportingDocument> {
        let row = sqlx::query(
            "SELECT name, media_type, content FROM accreditation_document \
             WHERE track_id = $1 AND party_id = $2 AND name = $3",
        )
        .bind(track_id)
        .bind(party_id)
        .bind(name)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            what: "document",
            key: format!("{name} of {party_id} in {track_id}"),
        })?;
        Ok(SupportingDocument {
            name: row.try_get(0)?,
            media_type: row.try_get(1)?,
            content: row.try_get(2)?,
        })
    }
}

impl Store {
    /// The display names of a track's co-facilitators, in the order they were named.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn co_facilitators(&self, track_id: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT u.display_name FROM process_role r JOIN \"user\" u ON u.user_id = r.user_id \
             WHERE r.track_id = $1 AND r.role = 'co-facilitator' ORDER BY r.granted_at, u.display_name",
        )
        .bind(track_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
