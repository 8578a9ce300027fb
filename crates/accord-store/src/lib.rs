//! The store: processes, tracks, drafts and revisions, in SQLite (the embedded default, a file such as
//! `./accord.db`) or PostgreSQL (the deployment database), through sqlx's `Any` driver so that one query
//! text serves both.
//!
//! [`Store::open`] connects and runs the migrations of `migrations/sqlite` or `migrations/postgres`. Each
//! aggregate has its module with the SQL that reads and writes it: [`process`] (processes, tracks, drafts)
//! and [`revision`] (revisions and their paragraphs). Only this crate knows SQL; it speaks
//! [`accord_text::Document`] and plain row types to its callers. Multi-step writes run in one transaction.
#![deny(missing_docs)]

pub mod account; // users, sessions, API tokens, outbox, throttling, invitations, password resets, process roles
pub mod accreditation; // rounds, delegations, and the accreditation of parties to tracks
pub mod amendment; // amendments, co-sponsors, picks and the next revision made from them
pub mod consultation; // resident consultations as Pol.is runs them: statements, participants, votes, import, export
pub mod event; // the record: the hash-chained log of every change of state
pub mod opendata; // the Pol.is openData CSV files of a conversation, read and written (pure)
pub mod party; // parties (states, cities, organizations), the city gazetteer, CSV import of parties
pub mod position; // positions of parties on amendments and paragraphs, paragraph status, opinion groups of parties
pub mod process;
pub mod registry; // the compiled-in registry data: UN member and observer states, GeoNames cities
pub mod revision;
#[cfg(feature = "testing")]
pub mod testing;

pub use account::{Email, Password, ProcessRole, Token, User};
pub use accreditation::{
    Accreditation, AccreditationError, Decision, DelegationMember, DelegationRole, Round, Standing, Status,
    Step, SupportingDocument,
};
pub use amendment::{
    AmendmentError, AmendmentQuery, AmendmentRecord, AmendmentStatus, AmendmentStep, AmendmentVersion,
    NewAmendment, NextRevision,
};
pub use consultation::{
    CastVote, Consultation, ConsultationError, ConsultationStatement, ConsultationStatus, Moderation,
    NewConsultation, NewStatement, OpendataImport, ParticipantKey,
};
pub use event::{Break, Event, Verification};
pub use party::{
    ImportError, LoadRegistryError, NewParty, Party, PartyError, PartyKind, RegistryLoad, RowError,
};
pub use position::{
    AmendmentSupport, NewPosition, OpinionGroups, ParagraphState, ParagraphStatus, PartyGroup, PartyGroups,
    PartyPoint, Position, PositionChange, PositionError, PositionTarget, Stance, StanceCounts,
};
pub use process::{Draft, NewProcess, Process, Track};
pub use revision::{NewRevision, Paragraph, Revision, RevisionRef, RevisionSummary};

use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::AnyPool;

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, a file or `:memory:`.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL names a database the store does not speak.
    #[error("unsupported database URL `{0}`: expected sqlite:… or postgres://…")]
    UnsupportedUrl(String),
    /// A thing that was asked for does not exist.
    #[error("no {what} `{key}`")]
    NotFound {
        /// What kind of thing: `process`, `draft`, `revision` …
        what: &'static str,
        /// The key that was looked up.
        key: String,
    },
    /// A thing to be created exists already.
    #[error("{what} `{key}` exists already")]
    Conflict {
        /// What kind of thing.
        what: &'static str,
        /// Its key.
        key: String,
    },
    /// A stored revision could not be read back as Akoma Ntoso: the database was changed behind the store.
    #[error("stored revision {key} is not valid Akoma Ntoso: {detail}")]
    Corrupt {
        /// The revision, as `draft/number`.
        key: String,
        /// What the parser said.
        detail: String,
    },
    /// An accreditation step that does not fit where the accreditation stands.
    #[error(transparent)]
    Accreditation(#[from] accreditation::AccreditationError),
    /// An amendment, co-sponsorship or pick that does not fit the data (boxed: it is large).
    #[error(transparent)]
    Amendment(Box<amendment::AmendmentError>),
    /// A consultation refused a change: closed, a bad field, a statement not open for votes, bad openData files.
    #[error(transparent)]
    Consultation(#[from] consultation::ConsultationError),
    /// A position or an adoption that does not fit the data (boxed: it is large).
    #[error(transparent)]
    Position(Box<position::PositionError>),
    /// A stored value is not of the expected shape (a date that does not parse, say).
    #[error("stored {field} `{value}` is malformed")]
    Malformed {
        /// The column.
        field: &'static str,
        /// The value found.
        value: String,
    },
    /// An entry for the record is refused: an empty actor or action, or data that is not JSON.
    #[error("cannot record `{action}`: {detail}")]
    EventData {
        /// The action that was to be recorded.
        action: String,
        /// What is wrong.
        detail: String,
    },
    /// The migrations failed.
    #[error("migrating the database failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database refused or failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Result of a store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection pool to the database, migrated and ready.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The last opinion analysis of each consultation, shared by the clones of the store and reused
    /// while its votes and moderation stay the same ([`Store::consultation_analysis`]).
    analyses: consultation::AnalysisCache,
}

impl Store {
    /// Connects to `url` (`sqlite:accord.db`, `sqlite::memory:`, `postgres://user@host/db`) and runs the
    /// migrations. A SQLite file that does not exist is created.
    ///
    /// # Errors
    /// [`StoreError::UnsupportedUrl`] for another scheme; [`StoreError::Database`] when the database cannot be
    /// reached; [`StoreError::Migrate`] when a migration fails.
    pub async fn open(url: &str) -> Result<Store> {
        install_default_drivers();
        let (backend, url) = if let Some(rest) = url.strip_prefix("sqlite:") {
            let mut url = format!("sqlite:{rest}");
            if !rest.contains(":memory:") && !rest.contains("mode=") {
                url.push_str(if rest.contains('?') { "&mode=rwc" } else { "?mode=rwc" });
            }
            (Backend::Sqlite, url)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        // An in-memory SQLite database lives as long as its connection: keep exactly one.
        let max_connections = if url.contains(":memory:") { 1 } else { 8 };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(if url.contains(":memory:") { 1 } else { 0 })
            .idle_timeout(None)
            .max_lifetime(None)
            .connect(&url)
            .await?;
        // sqlx switches SQLite's foreign keys on for every connection it opens.
        let migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        migrator.run(&pool).await?;
        Ok(Store { pool, backend, analyses: consultation::AnalysisCache::default() })
    }

    /// Which database this store talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Maps a unique-constraint violation to [`StoreError::Conflict`], any other error to
/// [`StoreError::Database`]. SQLite does not report constraint names, so the caller says what clashed.
fn conflict_or(error: sqlx::Error, what: &'static str, key: &str) -> StoreError {
    match &error {
        sqlx::Error::Database(database_error)
            if database_error.kind() == sqlx::error::ErrorKind::UniqueViolation =>
        {
            StoreError::Conflict { what, key: key.to_owned() }
        }
        _ => StoreError::Database(error),
    }
}

/// The current instant as RFC 3339 text in UTC, for `created_at` columns. The store is not a pure crate:
/// reading the clock here keeps the callers' types free of it.
fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .expect("a UTC instant formats as RFC 3339")
}
