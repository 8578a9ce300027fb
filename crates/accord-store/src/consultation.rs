//! Resident consultations, run the way Pol.is runs a conversation: a city (through its delegation) or the
//! secretariat opens one on a track with seed statements; participants, anonymous but counted once (a random
//! cookie, or their user account), vote agree, disagree or pass on statements and submit their own, which
//! wait for moderation unless the consultation shows them at once; the opener moderates and closes it.
//!
//! Ids are Pol.is's: statements (tids) and participants (pids) are numbered from 0 within a consultation, so
//! an openData export keeps them. Every vote is kept, as Pol.is keeps its votes table; the latest of a
//! participant on a statement counts.
//!
//! On the record (each in the transaction of its change): `consultation.opened`, `consultation.imported`,
//! `consultation.statement_submitted`, `consultation.statement_moderated`, `consultation.vote` (each vote,
//! with the participant's number and never who they are), `consultation.votes_added` (votes collected
//! elsewhere, in bulk) and `consultation.closed`. The actor of a
//! participant's own act is `consultation C participant P`, so that the record, which is public, does not
//! link a person to their votes.

use crate::opendata::{self, OpendataConversation, OpendataExport, OpendataStatement, OpendataVote};
use crate::{now_rfc3339, Result, Store, StoreError};
use accord_opinion::{Analysis, Conversation, Settings, SignConvention, VoteRow};
use sqlx::Row;
use std::collections::BTreeMap;
use std::fmt;

/// The longest statement, in characters.
pub const MAX_STATEMENT_CHARS: usize = 1000;
/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest question (description), in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5000;
/// Rows per `INSERT` when an import writes participants and votes (5 values a row, well under the 32,766
/// parameters SQLite takes).
const IMPORT_BATCH_ROWS: usize = 500;

/// Whether a consultation takes votes and statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsultationStatus {
    /// Takes votes and statements.
    Open,
    /// Closed by its opener: read-only.
    Closed,
}

impl ConsultationStatus {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsultationStatus::Open => "open",
            ConsultationStatus::Closed => "closed",
        }
    }
}

impl fmt::Display for ConsultationStatus {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// A statement's moderation (Pol.is `mod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    /// Accepted (`1`): shown for votes.
    Accepted,
    /// Rejected (`-1`): never shown, left out of the analysis.
    Rejected,
    /// Not yet moderated (`0`): shown only when the consultation does not moderate first.
    Pending,
}

impl Moderation {
    /// Pol.is's value: 1, -1 or 0.
    pub fn value(self) -> i64 {
        match self {
            Moderation::Accepted => 1,
            Moderation::Rejected => -1,
            Moderation::Pending => 0,
        }
    }

    /// From Pol.is's value; `None` outside {-1, 0, 1}.
    pub fn from_value(value: i64) -> Option<Moderation> {
        match value {
            1 => Some(Moderation::Accepted),
            -1 => Some(Moderation::Rejected),
            0 => Some(Moderation::Pending),
            _ => None,
        }
    }

    /// The word shown: `accepted`, `rejected`, `pending`.
    pub fn as_str(self) -> &'static str {
        match self {
            Moderation::Accepted => "accepted",
            Moderation::Rejected => "rejected",
            Moderation::Pending => "pending",
        }
    }
}

/// A consultation, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consultation {
    /// Its id.
    pub consultation_id: i64,
    /// The track it is on.
    pub track_id: String,
    /// The city party that opened it; `None` when the secretariat did.
    pub party_id: Option<String>,
    /// Who opened it, as the record names them.
    pub opened_by: String,
    /// Its title.
    pub title: String,
    /// The question put to residents.
    pub description: String,
    /// BCP 47 tag of title and description; empty when not given.
    pub language: String,
    /// Whether submitted statements wait for moderation before they are shown.
    pub strict_moderation: bool,
    /// Open or closed.
    pub status: ConsultationStatus,
    /// When it was opened, RFC 3339.
    pub created_at: String,
    /// When it was closed, RFC 3339.
    pub closed_at: Option<String>,
    /// Where an imported conversation came from (its openData summary's url); empty otherwise.
    pub source: String,
}

/// A statement of a consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationStatement {
    /// Its id within the consultation (Pol.is tid), from 0.
    pub statement_id: i64,
    /// The text.
    pub text: String,
    /// BCP 47 tag; empty when not given.
    pub language: String,
    /// Put by the opener (or, for an import, marked as a seed).
    pub is_seed: bool,
    /// The participant who wrote it; `None` for the opener's seeds.
    pub author_id: Option<i64>,
    /// Its moderation.
    pub moderation: Moderation,
    /// About the consultation itself (Pol.is is-meta).
    pub is_meta: bool,
    /// When it was written, milliseconds since the Unix epoch.
    pub created_ms: i64,
}

/// A statement to put: its text and, when known, its language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatement {
    /// 1 to [`MAX_STATEMENT_CHARS`] characters once trimmed.
    pub text: String,
    /// BCP 47 tag (`en`, `fr`, `es`, `ar`, `zh`, `ru` …) or empty.
    pub language: String,
}

/// A consultation to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewConsultation {
    /// The track.
    pub track_id: String,
    /// The city party opening it; `None` for the secretariat.
    pub party_id: Option<String>,
    /// 1 to [`MAX_TITLE_CHARS`] characters.
    pub title: String,
    /// The question, up to [`MAX_DESCRIPTION_CHARS`] characters.
    pub description: String,
    /// BCP 47 tag or empty.
    pub language: String,
    /// Whether submitted statements wait for moderation.
    pub strict_moderation: bool,
    /// The seed statements, accepted at once, numbered from 0 in this order.
    pub seeds: Vec<NewStatement>,
}

/// A Pol.is openData conversation to import as a new consultation.
#[derive(Debug, Clone, Copy)]
pub struct OpendataImport<'a> {
    /// The track.
    pub track_id: &'a str,
    /// The title; when empty, `summary.csv`'s topic.
    pub title: &'a str,
    /// The language of title and description, or empty.
    pub language: &'a str,
    /// The text of `comments.csv`.
    pub comments_csv: &'a str,
    /// The text of `votes.csv`.
    pub votes_csv: &'a str,
    /// The text of `summary.csv`, when there is one (its description and url are kept).
    pub summary_csv: Option<&'a str>,
}

/// How a participant is known: never by e-mail.
#[derive(Debug, Clone)]
pub enum ParticipantKey {
    /// An anonymous participant's random cookie token (its SHA-256 is stored).
    Cookie(crate::Token),
    /// A signed-in user.
    User(i64),
}

/// A vote cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CastVote {
    /// The participant's number in the consultation.
    pub participant_id: i64,
    /// Whether this vote made them a participant.
    pub new_participant: bool,
}

/// Why a consultation refused a change. Nothing is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsultationError {
    /// The consultation is closed.
    #[error("consultation {consultation_id} is closed: it takes no votes, statements or moderation")]
    Closed {
        /// The consultation.
        consultation_id: i64,
    },
    /// A field's value is refused.
    #[error("{field}: {problem}")]
    Invalid {
        /// The field: `title`, `text`, `language`, `vote` …
        field: &'static str,
        /// Expected …, found ….
        problem: String,
    },
    /// The statement is not shown for votes (rejected, or waiting for moderation).
    #[error("statement {statement_id} is not open for votes: it is {moderation}")]
    NotVotable {
        /// The statement.
        statement_id: i64,
        /// Its moderation.
        moderation: &'static str,
    },
    /// The openData files do not read.
    #[error(transparent)]
    Opendata(#[from] opendata::OpendataError),
}

fn invalid(field: &'static str, problem: String) -> StoreError {
    ConsultationError::Invalid { field, problem }.into()
}

/// Checks a text field: trimmed, 1 to `max` characters (0 allowed when `may_be_empty`).
fn checked_text(field: &'static str, text: &str, max: usize, may_be_empty: bool) -> Result<String> {
    let text = text.trim();
    let n_chars = text.chars().count();
    if n_chars == 0 && !may_be_empty {
        return Err(invalid(field, "expected some text, found none".to_owned()));
    }
    if n_chars > max {
        return Err(invalid(field, format!("expected at most {max} characters, found {n_chars}")));
    }
    Ok(text.to_owned())
}

/// Checks a language tag: empty, or of the shape of BCP 47 (`en`, `zh-Hans`, `es-419`): a primary subtag of 2
/// or 3 letters, then subtags of 1 to 8 letters or digits.
fn checked_language(language: &str) -> Result<String> {
    let language = language.trim();
    if language.is_empty() {
        return Ok(String::new());
    }
    let mut subtags = language.split('-');
    let primary = subtags.next().unwrap_or_default();
    let primary_ok = (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok = subtags
        .all(|subtag| (1..=8).contains(&subtag.len()) && subtag.chars().all(|c| c.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Ok(language.to_owned())
    } else {
        Err(invalid(
            "language",
            format!("expected a BCP 47 tag such as en, fr, es, ar, zh or ru, found {language:?}"),
        ))
    }
}

/// Milliseconds since the Unix epoch, now.
fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// How the record names a participant acting: their number, never who they are.
fn participant_actor(consultation_id: i64, participant_id: i64) -> String {
    format!("consultation {consultation_id} participant {participant_id}")
}

const CONSULTATION_COLUMNS: &str =
    "consultation_id, track_id, party_id, opened_by, title, description, language, \
     strict_moderation, status, created_at, closed_at, source";
const STATEMENT_COLUMNS: &str =
    "statement_id, text, language, is_seed, author_id, moderated, is_meta, created_ms";

fn consultation_from_row(row: &sqlx::any::AnyRow) -> Result<Consultation> {
    let status: String = row.try_get(8)?;
    Ok(Consultation {
        consultation_id: row.try_get(0)?,
        track_id: row.try_get(1)?,
        party_id: row.try_get(2)?,
        opened_by: row.try_get(3)?,
        title: row.try_get(4)?,
        description: row.try_get(5)?,
        language: row.try_get(6)?,
        strict_moderation: row.try_get::<i64, _>(7)? != 0,
        status: match status.as_str() {
            "open" => ConsultationStatus::Open,
            "closed" => ConsultationStatus::Closed,
            _ => return Err(StoreError::Malformed { field: "consultation.status", value: status }),
        },
        created_at: row.try_get(9)?,
        closed_at: row.try_get(10)?,
        source: row.try_get(11)?,
    })
}

fn statement_from_row(row: &sqlx::any::AnyRow) -> Result<ConsultationStatement> {
    let moderated: i64 = row.try_get(5)?;
    Ok(ConsultationStatement {
        statement_id: row.try_get(0)?,
        text: row.try_get(1)?,
        language: row.try_get(2)?,
        is_seed: row.try_get::<i64, _>(3)? != 0,
        author_id: row.try_get(4)?,
        moderation: Moderation::from_value(moderated).ok_or(StoreError::Malformed {
            field: "consultation_statement.moderated",
            value: moderated.to_string(),
        })?,
        is_meta: row.try_get::<i64, _>(6)? != 0,
        created_ms: row.try_get(7)?,
    })
}

impl ConsultationStatement {
    /// Whether participants are shown it for votes in a consultation that moderates first
    /// (`strict_moderation`) or not.
    pub fn is_votable(&self, strict_moderation: bool) -> bool {
        match self.moderation {
            Moderation::Accepted => true,
            Moderation::Pending => !strict_moderation,
            Moderation::Rejected => false,
        }
    }
}

type Transaction = sqlx::Transaction<'static, sqlx::Any>;

impl Store {
    /// Opens a consultation with its seed statements (accepted at once), and records `consultation.opened`.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown track or party; [`ConsultationError::Invalid`] for an empty or
    /// too long title or seed, a too long description, or a language that is not a BCP 47 tag.
    pub async fn open_consultation(&self, new: &NewConsultation, actor: &str) -> Result<Consultation> {
        let title = checked_text("title", &new.title, MAX_TITLE_CHARS, false)?;
        let description = checked_text("description", &new.description, MAX_DESCRIPTION_CHARS, true)?;
        let language = checked_language(&new.language)?;
        let mut seeds = Vec::with_capacity(new.seeds.len());
        for seed in &new.seeds {
            seeds.push((
                checked_text("seeds", &seed.text, MAX_STATEMENT_CHARS, false)?,
                checked_language(&seed.language)?,
            ));
        }
        self.track(&new.track_id).await?;
        if let Some(party_id) = &new.party_id {
            self.party(party_id).await?;
        }
        let mut transaction = self.begin().await?;
        let consultation_id = insert_consultation(
            &mut transaction,
            &new.track_id,
            new.party_id.as_deref(),
            actor,
            &title,
            &description,
            &language,
            new.strict_moderation,
            "",
        )
        .await?;
        let created_ms = now_ms();
        for (statement_id, (text, language)) in seeds.iter().enumerate() {
            let statement = OpendataStatement {
                statement_id: statement_id as i64,
                created_ms,
                author_id: None,
                moderated: Moderation::Accepted.value(),
                is_meta: false,
                is_seed: true,
                text: text.clone(),
            };
            insert_statement(&mut transaction, consultation_id, &statement, language).await?;
        }
        set_next_ids(&mut transaction, consultation_id, seeds.len() as i64, 0).await?;
        let data = serde_json::json!({
            "consultation": consultation_id,
            "track": new.track_id,
            "party": new.party_id,
            "title": title,
            "description": description,
            "language": language,
            "strict_moderation": new.strict_moderation,
            "seeds": seeds.iter().map(|(text, language)| serde_json::json!({"text": text, "language": language})).collect::<Vec<_>>(),
        })
        .to_string();
        self.append_event(&mut transaction, actor, "consultation.opened", &data).await?;
        transaction.commit().await?;
        self.consultation(consultation_id).await
    }

    /// Imports a Pol.is openData conversation (`comments.csv`, `votes.csv`, optionally `summary.csv`) as a new,
    /// open consultation, keeping statement and participant ids, every vote and its time, in one transaction
    /// with one `consultation.imported` entry on the record (the SHA-256 of each file imported).
    ///
    /// # Errors
    /// [`ConsultationError::Opendata`] naming file, row and column of the first bad field (nothing is stored);
    /// [`ConsultationError::Invalid`] for a missing title; [`StoreError::NotFound`] for an unknown track.
    pub async fn import_consultation(
        &self,
        import: &OpendataImport<'_>,
        actor: &str,
    ) -> Result<Consultation> {
        let conversation: OpendataConversation =
            opendata::read(import.comments_csv, import.votes_csv, import.summary_csv)
                .map_err(ConsultationError::from)?;
        let title = match import.title.trim() {
            "" => conversation.topic.clone().unwrap_or_default(),
            given => given.to_owned(),
        };
        let title = checked_text("title", &title, MAX_TITLE_CHARS, false)?;
        let description = conversation.description.clone().unwrap_or_default();
        let description = checked_text("description", &description, MAX_DESCRIPTION_CHARS, true)?;
        let language = checked_language(import.language)?;
        self.track(import.track_id).await?;

        let mut transaction = self.begin().await?;
        let source = conversation.url.clone().unwrap_or_default();
        let consultation_id = insert_consultation(
            &mut transaction,
            import.track_id,
            None,
            actor,
            &title,
            &description,
            &language,
            true,
            &source,
        )
        .await?;
        for statement in &conversation.statements {
            insert_statement(&mut transaction, consultation_id, statement, "").await?;
        }
        let mut participants: std::collections::BTreeSet<i64> =
            conversation.votes.iter().map(|vote| vote.participant_id).collect();
        participants.extend(conversation.statements.iter().filter_map(|statement| statement.author_id));
        let participants: Vec<i64> = participants.into_iter().collect();
        insert_participants(&mut transaction, consultation_id, &participants).await?;
        insert_votes(&mut transaction, consultation_id, &conversation.votes).await?;
        let next_statement = conversation.statements.iter().map(|s| s.statement_id + 1).max().unwrap_or(0);
        let next_participant = participants.last().map_or(0, |last| last + 1);
        set_next_ids(&mut transaction, consultation_id, next_statement, next_participant).await?;
        let data = serde_json::json!({
            "consultation": consultation_id,
            "track": import.track_id,
            "title": title,
            "source": source,
            "n_statements": conversation.statements.len(),
            "n_votes": conversation.votes.len(),
            "n_participants": participants.len(),
            "comments_sha256": crate::event::sha256_hex(import.comments_csv.as_bytes()),
            "votes_sha256": crate::event::sha256_hex(import.votes_csv.as_bytes()),
        })
        .to_string();
        self.append_event(&mut transaction, actor, "consultation.imported", &data).await?;
        transaction.commit().await?;
        self.consultation(consultation_id).await
    }

    /// Adds votes collected elsewhere (a paper ballot, a simulation) to an open consultation, in one
    /// transaction with one `consultation.votes_added` entry: participants are numbered after those it has
    /// (`n_new_participants` of them, the votes' `participant_id` counting from 0 among the new ones), each vote
    /// on a statement open for votes. Returns the number of votes added.
    ///
    /// # Errors
    /// [`ConsultationError::Closed`]; [`ConsultationError::Invalid`] for a vote outside {-1, 0, 1} or a
    /// participant outside `0..n_new_participants`; [`ConsultationError::NotVotable`]; [`StoreError::NotFound`]
    /// for an unknown statement. Nothing is stored then.
    pub async fn add_votes(
        &self,
        consultation_id: i64,
        n_new_participants: i64,
        votes: &[OpendataVote],
        actor: &str,
    ) -> Result<usize> {
        let mut transaction = self.begin().await?;
        let consultation = open_consultation_in(&mut transaction, consultation_id).await?;
        let statements: BTreeMap<i64, ConsultationStatement> = {
            let rows = sqlx::query(&format!(
                "SELECT {STATEMENT_COLUMNS} FROM consultation_statement WHERE consultation_id = $1"
            ))
            .bind(consultation_id)
            .fetch_all(&mut *transaction)
            .await?;
            rows.iter()
                .map(|row| statement_from_row(row).map(|s| (s.statement_id, s)))
                .collect::<Result<_>>()?
        };
        for (index, vote) in votes.iter().enumerate() {
            if !(-1..=1).contains(&vote.vote) {
                return Err(invalid(
                    "vote",
                    format!("vote {index}: expected 1, -1 or 0, found {}", vote.vote),
                ));
            }
            if !(0..n_new_participants).contains(&vote.participant_id) {
                return Err(invalid(
                    "participant",
                    format!(
                        "vote {index}: expected 0 to {}, found {}",
                        n_new_participants - 1,
                        vote.participant_id
                    ),
                ));
            }
            let statement = statements.get(&vote.statement_id).ok_or_else(|| StoreError::NotFound {
                what: "statement",
                key: format!("{} of consultation {consultation_id}", vote.statement_id),
            })?;
            if !statement.is_votable(consultation.strict_moderation) {
                return Err(ConsultationError::NotVotable {
                    statement_id: vote.statement_id,
                    moderation: statement.moderation.as_str(),
                }
                .into());
            }
        }
        let first: i64 = sqlx::query_scalar(
            "UPDATE consultation SET next_participant_id = next_participant_id + $1 WHERE consultation_id = $2 \
             RETURNING next_participant_id - $1",
        )
        .bind(n_new_participants)
        .bind(consultation_id)
        .fetch_one(&mut *transaction)
        .await?;
        let participants: Vec<i64> = (first..first + n_new_participants).collect();
        insert_participants(&mut transaction, consultation_id, &participants).await?;
        let shifted: Vec<OpendataVote> = votes
            .iter()
            .map(|vote| OpendataVote { participant_id: first + vote.participant_id, ..*vote })
            .collect();
        insert_votes(&mut transaction, consultation_id, &shifted).await?;
        let data = serde_json::json!({
            "consultation": consultation_id,
            "n_participants": n_new_participants,
            "n_votes": votes.len(),
            "first_participant": first,
        })
        .to_string();
        self.append_event(&mut transaction, actor, "consultation.votes_added", &data).await?;
        transaction.commit().await?;
        Ok(votes.len())
    }

    /// One consultation.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is none with this id.
    pub async fn consultation(&self, consultation_id: i64) -> Result<Consultation> {
        let row = sqlx::query(&format!(
            "SELECT {CONSULTATION_COLUMNS} FROM consultation WHERE consultation_id = $1"
        ))
        .bind(consultation_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "consultation", key: consultation_id.to_string() })?;
        consultation_from_row(&row)
    }

    /// The consultations of a track, or of every track when `track_id` is `None`, newest first.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn consultations(&self, track_id: Option<&str>) -> Result<Vec<Consultation>> {
        let rows = sqlx::query(&format!(
            "SELECT {CONSULTATION_COLUMNS} FROM consultation WHERE ($1 IS NULL OR track_id = $1) \
             ORDER BY consultation_id DESC"
        ))
        .bind(track_id.map(str::to_owned))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(consultation_from_row).collect()
    }

    /// Closes a consultation, recording `consultation.closed` with its counts.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`ConsultationError::Closed`] when it is closed already.
    pub async fn close_consultation(&self, consultation_id: i64, actor: &str) -> Result<Consultation> {
        let mut transaction = self.begin().await?;
        open_consultation_in(&mut transaction, consultation_id).await?;
        sqlx::query("UPDATE consultation SET status = 'closed', closed_at = $1 WHERE consultation_id = $2")
            .bind(now_rfc3339())
            .bind(consultation_id)
            .execute(&mut *transaction)
            .await?;
        let n_votes: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM consultation_vote WHERE consultation_id = $1")
                .bind(consultation_id)
                .fetch_one(&mut *transaction)
                .await?;
        let n_statements: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM consultation_statement WHERE consultation_id = $1")
                .bind(consultation_id)
                .fetch_one(&mut *transaction)
                .await?;
        let data = serde_json::json!({"consultation": consultation_id, "n_votes": n_votes, "n_statements": n_statements})
            .to_string();
        self.append_event(&mut transaction, actor, "consultation.closed", &data).await?;
        transaction.commit().await?;
        self.consultation(consultation_id).await
    }

    /// Every statement of a consultation, by id.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn consultation_statements(&self, consultation_id: i64) -> Result<Vec<ConsultationStatement>> {
        let rows = sqlx::query(&format!(
            "SELECT {STATEMENT_COLUMNS} FROM consultation_statement WHERE consultation_id = $1 ORDER BY statement_id"
        ))
        .bind(consultation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(statement_from_row).collect()
    }

    /// Every vote of a consultation in the order cast (imported votes in file order), agree `1`.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn consultation_votes(&self, consultation_id: i64) -> Result<Vec<OpendataVote>> {
        let rows = sqlx::query(
            "SELECT at_ms, statement_id, participant_id, vote FROM consultation_vote WHERE consultation_id = $1 \
             ORDER BY consultation_vote_id",
        )
        .bind(consultation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OpendataVote {
                    at_ms: row.try_get(0)?,
                    statement_id: row.try_get(1)?,
                    participant_id: row.try_get(2)?,
                    vote: row.try_get(3)?,
                })
            })
            .collect()
    }

    /// How many participants a consultation knows (voters, authors, imported ones).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn n_consultation_participants(&self, consultation_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM consultation_participant WHERE consultation_id = $1")
            .bind(consultation_id)
            .fetch_one(&self.pool)
            .await?)
    }

    /// The participant number of a cookie or user in a consultation, if they took part.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn find_participant(&self, consultation_id: i64, key: &ParticipantKey) -> Result<Option<i64>> {
        let mut connection = self.pool.acquire().await?;
        find_participant_in(&mut connection, consultation_id, key).await
    }

    /// A participant's latest vote on each statement they voted on: statement id → 1, -1 or 0.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn participant_votes(
        &self,
        consultation_id: i64,
        participant_id: i64,
    ) -> Result<BTreeMap<i64, i64>> {
        let rows = sqlx::query(
            "SELECT at_ms, statement_id, participant_id, vote FROM consultation_vote \
             WHERE consultation_id = $1 AND participant_id = $2 ORDER BY consultation_vote_id",
        )
        .bind(consultation_id)
        .bind(participant_id)
        .fetch_all(&self.pool)
        .await?;
        let votes = rows
            .iter()
            .map(|row| {
                Ok(OpendataVote {
                    at_ms: row.try_get(0)?,
                    statement_id: row.try_get(1)?,
                    participant_id: row.try_get(2)?,
                    vote: row.try_get(3)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(opendata::latest_votes(&votes)
            .into_iter()
            .map(|((_, statement_id), vote)| (statement_id, vote))
            .collect())
    }

    /// Casts a vote (1 agree, -1 disagree, 0 pass) on a statement shown for votes, making the cookie or user a
    /// participant on their first vote; a later vote on the same statement replaces it in the count (all are
    /// kept). Records `consultation.vote` with the participant's number.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for an unknown consultation or statement; [`ConsultationError::Closed`];
    /// [`ConsultationError::NotVotable`] for a rejected statement or one waiting for moderation;
    /// [`ConsultationError::Invalid`] for a vote outside {-1, 0, 1}.
    pub async fn cast_vote(
        &self,
        consultation_id: i64,
        key: &ParticipantKey,
        statement_id: i64,
        vote: i64,
    ) -> Result<CastVote> {
        if !(-1..=1).contains(&vote) {
            return Err(invalid(
                "vote",
                format!("expected 1 (agree), -1 (disagree) or 0 (pass), found {vote}"),
            ));
        }
        let mut transaction = self.begin().await?;
        let consultation = open_consultation_in(&mut transaction, consultation_id).await?;
        let statement = statement_in(&mut transaction, consultation_id, statement_id).await?;
        if !statement.is_votable(consultation.strict_moderation) {
            return Err(ConsultationError::NotVotable {
                statement_id,
                moderation: statement.moderation.as_str(),
            }
            .into());
        }
        let (participant_id, new_participant) =
            participant_in(&mut transaction, consultation_id, key).await?;
        // A later vote must carry a later time, or the analysis could not tell which one counts.
        let last_ms: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(at_ms) FROM consultation_vote WHERE consultation_id = $1 AND participant_id = $2 AND statement_id = $3",
        )
        .bind(consultation_id)
        .bind(participant_id)
        .bind(statement_id)
        .fetch_one(&mut *transaction)
        .await?;
        let at_ms = last_ms.map_or(now_ms(), |last| now_ms().max(last + 1));
        sqlx::query(
            "INSERT INTO consultation_vote (consultation_id, participant_id, statement_id, vote, at_ms) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(consultation_id)
        .bind(participant_id)
        .bind(statement_id)
        .bind(vote)
        .bind(at_ms)
        .execute(&mut *transaction)
        .await?;
        let data = serde_json::json!({
            "consultation": consultation_id,
            "participant": participant_id,
            "statement": statement_id,
            "vote": vote,
        })
        .to_string();
        let actor = participant_actor(consultation_id, participant_id);
        self.append_event(&mut transaction, &actor, "consultation.vote", &data).await?;
        transaction.commit().await?;
        Ok(CastVote { participant_id, new_participant })
    }

    /// A participant submits a statement: it waits for moderation (shown at once when the consultation does
    /// not moderate first). Makes the cookie or user a participant if they were not. Records
    /// `consultation.statement_submitted` with the text.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`ConsultationError::Closed`]; [`ConsultationError::Invalid`] for an empty or
    /// too long text or a bad language tag.
    pub async fn submit_statement(
        &self,
        consultation_id: i64,
        key: &ParticipantKey,
        statement: &NewStatement,
    ) -> Result<(ConsultationStatement, CastVote)> {
        let text = checked_text("text", &statement.text, MAX_STATEMENT_CHARS, false)?;
        let language = checked_language(&statement.language)?;
        let mut transaction = self.begin().await?;
        open_consultation_in(&mut transaction, consultation_id).await?;
        let (participant_id, new_participant) =
            participant_in(&mut transaction, consultation_id, key).await?;
        let statement_id: i64 = sqlx::query_scalar(
            "UPDATE consultation SET next_statement_id = next_statement_id + 1 WHERE consultation_id = $1 \
             RETURNING next_statement_id - 1",
        )
        .bind(consultation_id)
        .fetch_one(&mut *transaction)
        .await?;
        let new = OpendataStatement {
            statement_id,
            created_ms: now_ms(),
            author_id: Some(participant_id),
            moderated: Moderation::Pending.value(),
            is_meta: false,
            is_seed: false,
            text: text.clone(),
        };
        insert_statement(&mut transaction, consultation_id, &new, &language).await?;
        let data = serde_json::json!({
            "consultation": consultation_id,
            "statement": statement_id,
            "participant": participant_id,
            "text": text,
            "language": language,
        })
        .to_string();
        let actor = participant_actor(consultation_id, participant_id);
        self.append_event(&mut transaction, &actor, "consultation.statement_submitted", &data).await?;
        let stored = statement_in(&mut transaction, consultation_id, statement_id).await?;
        transaction.commit().await?;
        Ok((stored, CastVote { participant_id, new_participant }))
    }

    /// The opener accepts or rejects a statement (or sets it back to pending). Records
    /// `consultation.statement_moderated`.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; [`ConsultationError::Closed`].
    pub async fn moderate_statement(
        &self,
        consultation_id: i64,
        statement_id: i64,
        moderation: Moderation,
        actor: &str,
    ) -> Result<ConsultationStatement> {
        let mut transaction = self.begin().await?;
        open_consultation_in(&mut transaction, consultation_id).await?;
        statement_in(&mut transaction, consultation_id, statement_id).await?;
        sqlx::query("UPDATE consultation_statement SET moderated = $1 WHERE consultation_id = $2 AND statement_id = $3")
            .bind(moderation.value())
            .bind(consultation_id)
            .bind(statement_id)
            .execute(&mut *transaction)
            .await?;
        let data = serde_json::json!({
            "consultation": consultation_id,
            "statement": statement_id,
            "moderation": moderation.as_str(),
        })
        .to_string();
        self.append_event(&mut transaction, actor, "consultation.statement_moderated", &data).await?;
        let stored = statement_in(&mut transaction, consultation_id, statement_id).await?;
        transaction.commit().await?;
        Ok(stored)
    }

    /// The vote matrix of a consultation for the opinion math: every vote (the latest counts) and every
    /// statement with its moderation; `None` while there is no vote.
    ///
    /// # Errors
    /// [`StoreError::Malformed`] when the stored votes do not make a conversation (changed behind the store).
    pub async fn consultation_conversation(&self, consultation_id: i64) -> Result<Option<Conversation>> {
        let votes = self.consultation_votes(consultation_id).await?;
        if votes.is_empty() {
            return Ok(None);
        }
        let statements = self.consultation_statements(consultation_id).await?;
        let statements: Vec<accord_opinion::Statement> = statements
            .iter()
            .map(|statement| accord_opinion::Statement {
                id: statement.statement_id,
                moderation: match statement.moderation {
                    Moderation::Accepted => accord_opinion::Moderation::Accepted,
                    Moderation::Rejected => accord_opinion::Moderation::Rejected,
                    Moderation::Pending => accord_opinion::Moderation::Unmoderated,
                },
                is_meta: statement.is_meta,
            })
            .collect();
        let rows: Vec<VoteRow> = votes
            .iter()
            .map(|vote| VoteRow {
                participant: vote.participant_id,
                statement: vote.statement_id,
                vote: vote.vote,
                modified: vote.at_ms,
            })
            .collect();
        Conversation::new(&rows, SignConvention::AgreeIsPositive, Some(&statements))
            .map(Some)
            .map_err(|error| StoreError::Malformed { field: "consultation_vote", value: error.to_string() })
    }

    /// The Pol.is analysis of a consultation's latest votes with the default settings, from a cold start;
    /// `None` while there is no vote. The analysis is computed again only when a vote came or a statement's
    /// moderation changed since the last call (votes are only ever added, so their number and last id say
    /// whether any came); otherwise the last one is returned.
    ///
    /// # Errors
    /// As [`Store::consultation_conversation`].
    pub async fn consultation_analysis(&self, consultation_id: i64) -> Result<Option<Analysis>> {
        let (n_votes, last_vote): (i64, i64) = {
            let row = sqlx::query(
                "SELECT COUNT(*), COALESCE(MAX(consultation_vote_id), 0) FROM consultation_vote \
                 WHERE consultation_id = $1",
            )
            .bind(consultation_id)
            .fetch_one(&self.pool)
            .await?;
            (row.try_get(0)?, row.try_get(1)?)
        };
        let statements = self
            .consultation_statements(consultation_id)
            .await?
            .iter()
            .map(|s| (s.statement_id, s.moderation.value(), s.is_meta))
            .collect();
        let key = AnalysisKey { n_votes, last_vote, statements };
        if let Some(analysis) = self.analyses.get(consultation_id, &key) {
            return Ok(Some(analysis));
        }
        let Some(conversation) = self.consultation_conversation(consultation_id).await? else {
            return Ok(None);
        };
        let settings = Settings::default()
            .check()
            .map_err(|error| StoreError::Malformed { field: "opinion settings", value: error.to_string() })?;
        let analysis = accord_opinion::analyze(&conversation, &settings);
        self.analyses.put(consultation_id, key, &analysis);
        Ok(Some(analysis))
    }

    /// The consultation as a Pol.is openData export: `comments.csv`, `votes.csv` (every vote),
    /// `participants-votes.csv` (with each participant's group from [`Store::consultation_analysis`]) and
    /// `summary.csv`, whose `url` is `url`. Participants appear by number only.
    ///
    /// # Errors
    /// [`StoreError::NotFound`]; as [`Store::consultation_analysis`].
    pub async fn export_consultation(&self, consultation_id: i64, url: &str) -> Result<OpendataExport> {
        let consultation = self.consultation(consultation_id).await?;
        let statements: Vec<OpendataStatement> = self
            .consultation_statements(consultation_id)
            .await?
            .into_iter()
            .map(|statement| OpendataStatement {
                statement_id: statement.statement_id,
                created_ms: statement.created_ms,
                author_id: statement.author_id,
                moderated: statement.moderation.value(),
                is_meta: statement.is_meta,
                is_seed: statement.is_seed,
                text: statement.text,
            })
            .collect();
        let votes = self.consultation_votes(consultation_id).await?;
        let analysis = self.consultation_analysis(consultation_id).await?;
        let n_participants = self.n_consultation_participants(consultation_id).await?;
        let url = if url.is_empty() { consultation.source.as_str() } else { url };
        Ok(opendata::write(&opendata::ExportInput {
            title: &consultation.title,
            description: &consultation.description,
            url,
            statements: &statements,
            votes: &votes,
            n_participants: n_participants as usize,
            analysis: analysis.as_ref(),
        }))
    }
}

/// Adds participants known by number only (imported), in batches.
async fn insert_participants(
    transaction: &mut Transaction,
    consultation_id: i64,
    participants: &[i64],
) -> Result<()> {
    let created_ms = now_ms();
    for batch in participants.chunks(IMPORT_BATCH_ROWS) {
        let values: Vec<String> = (0..batch.len())
            .map(|index| format!("(${}, ${}, ${})", 3 * index + 1, 3 * index + 2, 3 * index + 3))
            .collect();
        let sql = format!(
            "INSERT INTO consultation_participant (consultation_id, participant_id, created_ms) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for participant_id in batch {
            query = query.bind(consultation_id).bind(*participant_id).bind(created_ms);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

/// Adds votes in the order given, in batches.
async fn insert_votes(
    transaction: &mut Transaction,
    consultation_id: i64,
    votes: &[OpendataVote],
) -> Result<()> {
    for batch in votes.chunks(IMPORT_BATCH_ROWS) {
        let values: Vec<String> = (0..batch.len())
            .map(|index| {
                let first = 5 * index;
                format!("(${}, ${}, ${}, ${}, ${})", first + 1, first + 2, first + 3, first + 4, first + 5)
            })
            .collect();
        let sql = format!(
            "INSERT INTO consultation_vote (consultation_id, participant_id, statement_id, vote, at_ms) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for vote in batch {
            query = query
                .bind(consultation_id)
                .bind(vote.participant_id)
                .bind(vote.statement_id)
                .bind(vote.vote)
                .bind(vote.at_ms);
        }
        query.execute(&mut **transaction).await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_consultation(
    transaction: &mut Transaction,
    track_id: &str,
    party_id: Option<&str>,
    actor: &str,
    title: &str,
    description: &str,
    language: &str,
    strict_moderation: bool,
    source: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO consultation (track_id, party_id, opened_by, title, description, language, strict_moderation, \
         status, created_at, source) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING consultation_id",
    )
    .bind(track_id)
    .bind(party_id.map(str::to_owned))
    .bind(actor)
    .bind(title)
    .bind(description)
    .bind(language)
    .bind(i64::from(strict_moderation))
    .bind(now_rfc3339())
    .bind(source)
    .fetch_one(&mut **transaction)
    .await?)
}

async fn insert_statement(
    transaction: &mut Transaction,
    consultation_id: i64,
    statement: &OpendataStatement,
    language: &str,
) -> Result<()> {
    sqlx::query(&format!(
        "INSERT INTO consultation_statement (consultation_id, {STATEMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(consultation_id)
    .bind(statement.statement_id)
    .bind(&statement.text)
    .bind(language)
    .bind(i64::from(statement.is_seed))
    .bind(statement.author_id)
    .bind(statement.moderated)
    .bind(i64::from(statement.is_meta))
    .bind(statement.created_ms)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

async fn set_next_ids(
    transaction: &mut Transaction,
    consultation_id: i64,
    next_statement_id: i64,
    next_participant_id: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE consultation SET next_statement_id = $1, next_participant_id = $2 WHERE consultation_id = $3",
    )
    .bind(next_statement_id)
    .bind(next_participant_id)
    .bind(consultation_id)
    .execute(&mut **transaction)
    .await?;
    Ok(())
}

/// The consultation, refused when it is closed.
async fn open_consultation_in(transaction: &mut Transaction, consultation_id: i64) -> Result<Consultation> {
    let row =
        sqlx::query(&format!("SELECT {CONSULTATION_COLUMNS} FROM consultation WHERE consultation_id = $1"))
            .bind(consultation_id)
            .fetch_optional(&mut **transaction)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "consultation", key: consultation_id.to_string() })?;
    let consultation = consultation_from_row(&row)?;
    if consultation.status == ConsultationStatus::Closed {
        return Err(ConsultationError::Closed { consultation_id }.into());
    }
    Ok(consultation)
}

async fn statement_in(
    transaction: &mut Transaction,
    consultation_id: i64,
    statement_id: i64,
) -> Result<ConsultationStatement> {
    let row = sqlx::query(&format!(
        "SELECT {STATEMENT_COLUMNS} FROM consultation_statement WHERE consultation_id = $1 AND statement_id = $2"
    ))
    .bind(consultation_id)
    .bind(statement_id)
    .fetch_optional(&mut **transaction)
    .await?
    .ok_or_else(|| StoreError::NotFound {
        what: "statement",
        key: format!("{statement_id} of consultation {consultation_id}"),
    })?;
    statement_from_row(&row)
}

async fn find_participant_in(
    connection: &mut sqlx::AnyConnection,
    consultation_id: i64,
    key: &ParticipantKey,
) -> Result<Option<i64>> {
    let query = match key {
        ParticipantKey::Cookie(token) => sqlx::query_scalar(
            "SELECT participant_id FROM consultation_participant WHERE consultation_id = $1 AND token_sha256 = $2",
        )
        .bind(consultation_id)
        .bind(token.digest()),
        ParticipantKey::User(user_id) => sqlx::query_scalar(
            "SELECT participant_id FROM consultation_participant WHERE consultation_id = $1 AND user_id = $2",
        )
        .bind(consultation_id)
        .bind(*user_id),
    };
    Ok(query.fetch_optional(connection).await?)
}

/// The participant of `key`, made on their first act: `(participant id, whether new)`. The number comes from
/// the consultation's counter, whose `UPDATE` serializes concurrent first acts on both databases.
async fn participant_in(
    transaction: &mut Transaction,
    consultation_id: i64,
    key: &ParticipantKey,
) -> Result<(i64, bool)> {
    if let Some(participant_id) = find_participant_in(transaction, consultation_id, key).await? {
        return Ok((participant_id, false));
    }
    let participant_id: i64 = sqlx::query_scalar(
        "UPDATE consultation SET next_participant_id = next_participant_id + 1 WHERE consultation_id = $1 \
         RETURNING next_participant_id - 1",
    )
    .bind(consultation_id)
    .fetch_one(&mut **transaction)
    .await?;
    let (token_sha256, user_id) = match key {
        ParticipantKey::Cookie(token) => (Some(token.digest()), None),
        ParticipantKey::User(user_id) => (None, Some(*user_id)),
    };
    sqlx::query(
        "INSERT INTO consultation_participant (consultation_id, participant_id, token_sha256, user_id, created_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(consultation_id)
    .bind(participant_id)
    .bind(token_sha256)
    .bind(user_id)
    .bind(now_ms())
    .execute(&mut **transaction)
    .await
    .map_err(|error| crate::conflict_or(error, "participant", &format!("of consultation {consultation_id}")))?;
    Ok((participant_id, true))
}

/// What a consultation's analysis depends on: the number and last id of its votes, and each statement's
/// id, moderation and meta flag.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AnalysisKey {
    n_votes: i64,
    last_vote: i64,
    statements: Vec<(i64, i64, bool)>,
}

/// The last analysis of each consultation with what it was computed from; one per consultation.
#[derive(Debug, Clone, Default)]
pub(crate) struct AnalysisCache(
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, (AnalysisKey, Analysis)>>>,
);

impl AnalysisCache {
    fn get(&self, consultation_id: i64, key: &AnalysisKey) -> Option<Analysis> {
        let cache = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.get(&consultation_id).filter(|(cached, _)| cached == key).map(|(_, analysis)| analysis.clone())
    }

    fn put(&self, consultation_id: i64, key: AnalysisKey, analysis: &Analysis) {
        let mut cache = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cache.insert(consultation_id, (key, analysis.clone()));
    }
}
