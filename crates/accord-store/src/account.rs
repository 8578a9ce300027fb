//! Accounts: users and their argon2id passwords, sessions, API tokens, the e-mail outbox, sign-in throttling,
//! invitations, password resets and the roles people hold in a process (migration step 0004).
//!
//! Secrets never rest in the database: a session, API token, invitation or reset link carries a random token
//! (32 bytes from the operating system, 64 hex digits) and the store keeps only its SHA-256. Passwords are hashed
//! with argon2id at the `argon2` crate's default parameters. Neither a [`Password`] nor an [`Email`] can be
//! printed by accident: a password's `Debug` prints `***`, and an e-mail address has no `Display` at all, so a
//! template cannot render it; logs use [`Email::masked`].
//!
//! This module must not log a password or a token, and never says whether an e-mail address has an account
//! beyond what its return types tell the caller.

use crate::{conflict_or, Result, Store, StoreError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use sqlx::Row;
use time::{Duration, OffsetDateTime};

/// An e-mail address, trimmed and lower-cased, with one `@` between a non-empty local part and a domain that
/// has a dot. It has no `Display`: public views cannot render it. Use [`Email::as_str`] where the address is
/// really needed (sending mail, the owner's own account page) and [`Email::masked`] in logs.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why a text is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// The text is empty.
    #[error("expected an e-mail address, found nothing")]
    Empty,
    /// The text is not `local@domain.tld`.
    #[error("expected an e-mail address such as name@example.org, found `{0}`")]
    Malformed(String),
}

impl Email {
    /// Parses `text` as an e-mail address.
    ///
    /// # Errors
    /// [`EmailError::Empty`] for blank text; [`EmailError::Malformed`] when there is not exactly one `@`, either
    /// side is empty, the domain has no dot, or the text holds white space or control characters.
    pub fn parse(text: &str) -> Result<Email, EmailError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(EmailError::Empty);
        }
        let malformed = || EmailError::Malformed(text.to_owned());
        let (local, domain) = text.split_once('@').ok_or_else(malformed)?;
        let well_formed = !local.is_empty()
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && text.len() <= 254
            && !text.chars().any(|character| character.is_whitespace() || character.is_control());
        if !well_formed {
            return Err(malformed());
        }
        Ok(Email(text.to_lowercase()))
    }

    /// The address, for sending mail or showing to its owner.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address with its local part hidden but its first letter, for logs: `j***@example.org`.
    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').expect("a parsed address has an @");
        let first = local.chars().next().expect("a parsed address has a local part");
        format!("{first}***@{domain}")
    }
}

impl std::fmt::Debug for Email {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "Email({})", self.masked())
    }
}

/// A password as typed, kept only long enough to hash or check it. Its `Debug` prints `***` and it has no
/// `Display`.
#[derive(Clone)]
pub struct Password(String);

/// Why a text is not acceptable as a new password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`Password::MIN_CHARS`] characters.
    #[error("expected a password of at least {min} characters, found {found}")]
    TooShort {
        /// The minimum.
        min: usize,
        /// How many characters were given.
        found: usize,
    },
    /// More than [`Password::MAX_CHARS`] characters.
    #[error("expected a password of at most {max} characters, found {found}")]
    TooLong {
        /// The maximum.
        max: usize,
        /// How many characters were given.
        found: usize,
    },
}

impl Password {
    /// The fewest characters of a new password (NIST SP 800-63B, 5.1.1.2: at least 8).
    pub const MIN_CHARS: usize = 10;
    /// The most characters of a password, so that hashing stays cheap for the server.
    pub const MAX_CHARS: usize = 1024;

    /// A password as typed at sign-in, unchecked: a wrong password is a failed sign-in, not a malformed one.
    pub fn new(text: impl Into<String>) -> Password {
        Password(text.into())
    }

    /// A new password, checked for length.
    ///
    /// # Errors
    /// [`PasswordError::TooShort`] or [`PasswordError::TooLong`].
    pub fn parse_new(text: impl Into<String>) -> Result<Password, PasswordError> {
        let text = text.into();
        let n_chars = text.chars().count();
        if n_chars < Password::MIN_CHARS {
            return Err(PasswordError::TooShort { min: Password::MIN_CHARS, found: n_chars });
        }
        if n_chars > Password::MAX_CHARS {
            return Err(PasswordError::TooLong { max: Password::MAX_CHARS, found: n_chars });
        }
        Ok(Password(text))
    }

    /// The argon2id hash of this password with a fresh random salt, as a PHC string (`$argon2id$v=19$…`).
    fn hash(&self) -> Result<String> {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|error| StoreError::Malformed { field: "password_hash", value: error.to_string() })
    }

    /// Whether this password matches a stored PHC string. A stored hash that does not parse matches nothing.
    fn matches(&self, stored_hash: &str) -> bool {
        match PasswordHash::new(stored_hash) {
            Ok(hash) => Argon2::default().verify_password(self.0.as_bytes(), &hash).is_ok(),
            Err(error) => {
                tracing::error!(%error, "a stored password hash does not parse");
                false
            }
        }
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("***")
    }
}

/// A person who can sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Assigned by the database.
    pub user_id: i64,
    /// The sign-in address.
    pub email: Email,
    /// The name shown beside what the person does.
    pub display_name: String,
}

/// What it takes to create a user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The sign-in address.
    pub email: Email,
    /// The name shown beside what the person does; must not be blank.
    pub display_name: String,
    /// The password, hashed before it is stored.
    pub password: Password,
}

/// An API token as its owner sees it on the account page (the token itself is shown once, at creation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    /// Assigned by the database.
    pub api_token_id: i64,
    /// The owner.
    pub user_id: i64,
    /// What the owner calls it.
    pub name: String,
    /// When it was made, RFC 3339 UTC.
    pub created_at: String,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// An e-mail written by accord.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEmail {
    /// Assigned by the database, in order of writing.
    pub outbox_id: i64,
    /// Where it goes.
    pub recipient: Email,
    /// Its subject line.
    pub subject: String,
    /// Its plain-text body.
    pub body: String,
    /// When it was written, RFC 3339 UTC.
    pub created_at: String,
    /// When it was handed to the SMTP server, if it was.
    pub sent_at: Option<String>,
}

/// A role held in a process outside any delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProcessRole {
    /// Runs the process: decides accreditation, loads and publishes.
    Secretariat,
    /// Leads one track: publishes its revisions.
    CoFacilitator,
}

impl ProcessRole {
    /// The text stored in `process_role.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessRole::Secretariat => "secretariat",
            ProcessRole::CoFacilitator => "co-facilitator",
        }
    }

    fn parse(text: &str) -> Result<ProcessRole> {
        match text {
            "secretariat" => Ok(ProcessRole::Secretariat),
            "co-facilitator" => Ok(ProcessRole::CoFacilitator),
            other => Err(StoreError::Malformed { field: "process_role.role", value: other.to_owned() }),
        }
    }
}

/// One role of one person in one process (and, for a co-facilitator, one track).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessRoleGrant {
    /// The process.
    pub process_id: String,
    /// The track of a co-facilitator; `None` for the secretariat.
    pub track_id: Option<String>,
    /// The person.
    pub user_id: i64,
    /// The role.
    pub role: ProcessRole,
}

/// The role an invitation offers: a process role, or a place in a party's delegation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvitedRole {
    /// The secretariat of the process.
    Secretariat,
    /// Co-facilitator of the invitation's track.
    CoFacilitator,
    /// Head of the party's delegation.
    Head,
    /// Delegate of the party.
    Delegate,
    /// Expert in the party's delegation.
    Expert,
}

impl InvitedRole {
    /// The text stored in `invitation.role`.
    pub fn as_str(self) -> &'static str {
        match self {
            InvitedRole::Secretariat => "secretariat",
            InvitedRole::CoFacilitator => "co-facilitator",
            InvitedRole::Head => "head",
            InvitedRole::Delegate => "delegate",
            InvitedRole::Expert => "expert",
        }
    }

    /// The role named by `text` (`secretariat`, `co-facilitator`, `head`, `delegate`, `expert`).
    ///
    /// # Errors
    /// [`StoreError::Malformed`] for any other text.
    pub fn parse(text: &str) -> Result<InvitedRole> {
        match text {
            "secretariat" => Ok(InvitedRole::Secretariat),
            "co-facilitator" => Ok(InvitedRole::CoFacilitator),
            "head" => Ok(InvitedRole::Head),
            "delegate" => Ok(InvitedRole::Delegate),
            "expert" => Ok(InvitedRole::Expert),
            other => Err(StoreError::Malformed { field: "invitation.role", value: other.to_owned() }),
        }
    }
}

/// What it takes to invite someone.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// Who is invited.
    pub email: Email,
    /// The process.
    pub process_id: String,
    /// The track, for a co-facilitator.
    pub track_id: Option<String>,
    /// The party, for a place in a delegation.
    pub party_id: Option<String>,
    /// The role offered.
    pub role: InvitedRole,
    /// Who invites.
    pub invited_by: i64,
    /// How long the link works.
    pub valid_for: Duration,
}

/// An invitation, as the page that accepts it shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Assigned by the database.
    pub invitation_id: i64,
    /// Who is invited.
    pub email: Email,
    /// The process.
    pub process_id: String,
    /// The track, for a co-facilitator.
    pub track_id: Option<String>,
    /// The party, for a place in a delegation.
    pub party_id: Option<String>,
    /// The role offered.
    pub role: InvitedRole,
    /// Who invited.
    pub invited_by: i64,
    /// When the link stops working, RFC 3339 UTC.
    pub expires_at: String,
}

/// A secret token made for a link or a cookie: 32 random bytes as 64 lower-case hex digits. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// A fresh token from the operating system's random source.
    pub fn generate() -> Token {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Token(hex(&bytes))
    }

    /// A token received from a client (cookie, header, link), to be looked up.
    pub fn from_client(text: &str) -> Token {
        Token(text.to_owned())
    }

    /// The token, for the cookie, the header or the link that carries it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The SHA-256 of the token as 64 lower-case hex digits: what the database keeps.
    pub fn digest(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Token(***)")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// An instant as RFC 3339 UTC text to the second (`2026-11-30T01:07:16Z`): the fixed width makes comparing the
/// text compare the time, in SQL on both databases.
pub fn instant_text(instant: OffsetDateTime) -> String {
    instant
        .to_offset(time::UtcOffset::UTC)
        .format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
        .expect("a UTC instant formats")
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn user_from_row(row: &sqlx::any::AnyRow) -> Result<User> {
    let email: String = row.try_get(1)?;
    Ok(User {
        user_id: row.try_get(0)?,
        email: Email::parse(&email)
            .map_err(|_| StoreError::Malformed { field: "user.email", value: email })?,
        display_name: row.try_get(2)?,
    })
}

fn stored_email(field: &'static str, text: String) -> Result<Email> {
    Email::parse(&text).map_err(|_| StoreError::Malformed { field, value: text })
}

/// A link token that does not lead anywhere: the key names the kind of link, never the token.
fn no_such_link(what: &'static str) -> StoreError {
    StoreError::NotFound { what, key: "(link)".to_owned() }
}

const USER_COLUMNS: &str = "u.user_id, u.email, u.display_name";

impl Store {
    /// Creates a user with an argon2id hash of the password.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a user has this e-mail address; [`StoreError::Malformed`] for a blank
    /// display name; [`StoreError::Database`] otherwise.
    pub async fn create_user(&self, new: &NewUser) -> Result<User> {
        let mut transaction = self.pool.begin().await?;
        let user = insert_user(&mut transaction, new).await?;
        transaction.commit().await?;
        Ok(user)
    }

    /// One user.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is none with this id.
    pub async fn user(&self, user_id: i64) -> Result<User> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM \"user\" u WHERE u.user_id = $1"))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "user", key: user_id.to_string() })?;
        user_from_row(&row)
    }

    /// The user with this e-mail address, if any.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM \"user\" u WHERE u.email = $1"))
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Every user, by e-mail address.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn users(&self) -> Result<Vec<User>> {
        let rows = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM \"user\" u ORDER BY u.email"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(user_from_row).collect()
    }

    /// The user whose e-mail address and password match, or `None`. The password is checked against the stored
    /// argon2id hash; an unknown address costs one hash too, so that timing does not tell which addresses exist.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn authenticate(&self, email: &Email, password: &Password) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, u.password_hash FROM \"user\" u WHERE u.email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            // The same work as for a known address.
            let password = password.clone();
            let _ = tokio::task::spawn_blocking(move || password.hash()).await;
            return Ok(None);
        };
        let stored_hash: String = row.try_get(3)?;
        let password = password.clone();
        let matches =
            tokio::task::spawn_blocking(move || password.matches(&stored_hash)).await.unwrap_or(false);
        if matches {
            Ok(Some(user_from_row(&row)?))
        } else {
            Ok(None)
        }
    }

    /// The stored password hash of a user, a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$…`, for checks
    /// of the hash format.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is no such user.
    pub async fn password_hash_of(&self, user_id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT password_hash FROM \"user\" WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "user", key: user_id.to_string() })
    }

    /// Starts a session for a user that lasts `valid_for`; returns the token for the cookie.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn create_session(&self, user_id: i64, valid_for: Duration) -> Result<Token> {
        let token = Token::generate();
        let now = now();
        sqlx::query(
            "INSERT INTO session (token_hash, user_id, created_at, expires_at, revoked) VALUES ($1, $2, $3, $4, 0)",
        )
        .bind(token.digest())
        .bind(user_id)
        .bind(instant_text(now))
        .bind(instant_text(now + valid_for))
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The user of a live session (not revoked, not expired), or `None`.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn session_user(&self, token: &Token) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM session s JOIN \"user\" u ON u.user_id = s.user_id \
             WHERE s.token_hash = $1 AND s.revoked = 0 AND s.expires_at > $2"
        ))
        .bind(token.digest())
        .bind(instant_text(now()))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Ends a session: its token is refused from now on, even if a copy of the cookie survives.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn revoke_session(&self, token: &Token) -> Result<()> {
        sqlx::query("UPDATE session SET revoked = 1 WHERE token_hash = $1")
            .bind(token.digest())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Makes an API token for a user; returns its row and the token, which is shown once and never again.
    ///
    /// # Errors
    /// [`StoreError::Malformed`] for a blank name; [`StoreError::Database`] otherwise.
    pub async fn create_api_token(&self, user_id: i64, name: &str) -> Result<(ApiToken, Token)> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Malformed { field: "api_token.name", value: name.to_owned() });
        }
        let token = Token::generate();
        let created_at = instant_text(now());
        let api_token_id: i64 = sqlx::query_scalar(
            "INSERT INTO api_token (token_hash, user_id, name, created_at, revoked) VALUES ($1, $2, $3, $4, 0) \
             RETURNING api_token_id",
        )
        .bind(token.digest())
        .bind(user_id)
        .bind(name)
        .bind(&created_at)
        .fetch_one(&self.pool)
        .await?;
        Ok((ApiToken { api_token_id, user_id, name: name.to_owned(), created_at, revoked: false }, token))
    }

    /// The API tokens of a user, newest first, revoked ones too.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn api_tokens_of(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT api_token_id, user_id, name, created_at, revoked FROM api_token WHERE user_id = $1 \
             ORDER BY api_token_id DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ApiToken {
                    api_token_id: row.try_get(0)?,
                    user_id: row.try_get(1)?,
                    name: row.try_get(2)?,
                    created_at: row.try_get(3)?,
                    revoked: row.try_get::<i64, _>(4)? != 0,
                })
            })
            .collect()
    }

    /// Revokes one of a user's API tokens.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the user has no token with this id.
    pub async fn revoke_api_token(&self, user_id: i64, api_token_id: i64) -> Result<()> {
        let result = sqlx::query("UPDATE api_token SET revoked = 1 WHERE api_token_id = $1 AND user_id = $2")
            .bind(api_token_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "API token", key: api_token_id.to_string() });
        }
        Ok(())
    }

    /// The user of a live (not revoked) API token, or `None`.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn api_token_user(&self, token: &Token) -> Result<Option<User>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM api_token t JOIN \"user\" u ON u.user_id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked = 0"
        ))
        .bind(token.digest())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    /// Writes an e-mail to the outbox.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn queue_email(&self, recipient: &Email, subject: &str, body: &str) -> Result<OutboxEmail> {
        let created_at = instant_text(now());
        let outbox_id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (recipient, subject, body, created_at) VALUES ($1, $2, $3, $4) RETURNING outbox_id",
        )
        .bind(recipient.as_str())
        .bind(subject)
        .bind(body)
        .bind(&created_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(OutboxEmail {
            outbox_id,
            recipient: recipient.clone(),
            subject: subject.to_owned(),
            body: body.to_owned(),
            created_at,
            sent_at: None,
        })
    }

    /// Every e-mail of the outbox, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn outbox(&self) -> Result<Vec<OutboxEmail>> {
        let rows = sqlx::query(
            "SELECT outbox_id, recipient, subject, body, created_at, sent_at FROM outbox ORDER BY outbox_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OutboxEmail {
                    outbox_id: row.try_get(0)?,
                    recipient: stored_email("outbox.recipient", row.try_get(1)?)?,
                    subject: row.try_get(2)?,
                    body: row.try_get(3)?,
                    created_at: row.try_get(4)?,
                    sent_at: row.try_get(5)?,
                })
            })
            .collect()
    }

    /// Notes that an e-mail of the outbox was handed to the SMTP server.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn mark_email_sent(&self, outbox_id: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET sent_at = $1 WHERE outbox_id = $2")
            .bind(instant_text(now()))
            .bind(outbox_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Notes a failed sign-in under `throttle_key` (`email:<address>` or `ip:<address>`).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn record_failed_sign_in(&self, throttle_key: &str) -> Result<()> {
        sqlx::query("INSERT INTO login_attempt (throttle_key, attempted_at) VALUES ($1, $2)")
            .bind(throttle_key)
            .bind(instant_text(now()))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The failed sign-ins under `throttle_key` within the last `window`, oldest first, as instants.
    ///
    /// # Errors
    /// [`StoreError::Malformed`] for a stored instant that does not parse; [`StoreError::Database`].
    pub async fn failed_sign_ins(&self, throttle_key: &str, window: Duration) -> Result<Vec<OffsetDateTime>> {
        let since = instant_text(now() - window);
        let texts: Vec<String> = sqlx::query_scalar(
            "SELECT attempted_at FROM login_attempt WHERE throttle_key = $1 AND attempted_at > $2 \
             ORDER BY attempted_at",
        )
        .bind(throttle_key)
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        texts
            .into_iter()
            .map(|text| {
                OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
                    .map_err(|_| StoreError::Malformed { field: "login_attempt.attempted_at", value: text })
            })
            .collect()
    }

    /// Forgets the failed sign-ins under `throttle_key`, after a successful one.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn clear_failed_sign_ins(&self, throttle_key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_attempt WHERE throttle_key = $1")
            .bind(throttle_key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Grants a process role; granting one that is held already changes nothing.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the process or track does not exist (foreign keys);
    /// [`StoreError::Database`] otherwise.
    pub async fn grant_process_role(
        &self,
        process_id: &str,
        track_id: Option<&str>,
        user_id: i64,
        role: ProcessRole,
    ) -> Result<()> {
        let mut transaction = self.pool.begin().await?;
        insert_process_role(&mut transaction, process_id, track_id, user_id, role).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Every process role of a user.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn process_roles_of(&self, user_id: i64) -> Result<Vec<ProcessRoleGrant>> {
        let rows = sqlx::query(
            "SELECT process_id, track_id, user_id, role FROM process_role WHERE user_id = $1 \
             ORDER BY process_id, role, track_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ProcessRoleGrant {
                    process_id: row.try_get(0)?,
                    track_id: row.try_get(1)?,
                    user_id: row.try_get(2)?,
                    role: ProcessRole::parse(&row.try_get::<String, _>(3)?)?,
                })
            })
            .collect()
    }

    /// Whether any process exists (the demonstration may be loaded by anyone only while none does).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn has_process(&self) -> Result<bool> {
        let n_processes: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM process").fetch_one(&self.pool).await?;
        Ok(n_processes > 0)
    }

    /// Records an invitation and returns the token for its link.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the process or track does not exist; [`StoreError::Database`] otherwise.
    pub async fn create_invitation(&self, new: &NewInvitation) -> Result<Token> {
        self.process(&new.process_id).await?;
        let token = Token::generate();
        let now = now();
        sqlx::query(
            "INSERT INTO invitation (token_hash, email, process_id, track_id, party_id, role, invited_by, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(token.digest())
        .bind(new.email.as_str())
        .bind(&new.process_id)
        .bind(new.track_id.as_deref())
        .bind(new.party_id.as_deref())
        .bind(new.role.as_str())
        .bind(new.invited_by)
        .bind(instant_text(now))
        .bind(instant_text(now + new.valid_for))
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The open invitation of a link: not accepted, not expired.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] (`invitation`) for an unknown, used or expired link.
    pub async fn invitation(&self, token: &Token) -> Result<Invitation> {
        let row = sqlx::query(
            "SELECT invitation_id, email, process_id, track_id, party_id, role, invited_by, expires_at \
             FROM invitation WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
        )
        .bind(token.digest())
        .bind(instant_text(now()))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| no_such_link("invitation"))?;
        Ok(Invitation {
            invitation_id: row.try_get(0)?,
            email: stored_email("invitation.email", row.try_get(1)?)?,
            process_id: row.try_get(2)?,
            track_id: row.try_get(3)?,
            party_id: row.try_get(4)?,
            role: InvitedRole::parse(&row.try_get::<String, _>(5)?)?,
            invited_by: row.try_get(6)?,
            expires_at: row.try_get(7)?,
        })
    }

    /// Accepts an invitation, all or nothing: creates the invited user with this name and password (or, when
    /// the address has an account already, keeps that account as it is), grants a secretariat or
    /// co-facilitator role, and marks the link used. A place in a delegation (`head`, `delegate`, `expert`) is
    /// returned for the caller to record with the delegation (step 0005).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] (`invitation`) for an unknown, used or expired link; [`StoreError::Malformed`]
    /// for a blank name; [`StoreError::Database`] otherwise.
    pub async fn accept_invitation(
        &self,
        token: &Token,
        display_name: &str,
        password: &Password,
    ) -> Result<(User, Invitation)> {
        let invitation = self.invitation(token).await?;
        let existing = self.user_by_email(&invitation.email).await?;
        let mut transaction = self.pool.begin().await?;
        // Claiming the link first makes a second, concurrent acceptance find nothing to claim.
        let claimed = sqlx::query(
            "UPDATE invitation SET accepted_at = $1 WHERE invitation_id = $2 AND accepted_at IS NULL",
        )
        .bind(instant_text(now()))
        .bind(invitation.invitation_id)
        .execute(&mut *transaction)
        .await?;
        if claimed.rows_affected() == 0 {
            return Err(no_such_link("invitation"));
        }
        let user = match existing {
            Some(user) => user,
            None => {
                let new = NewUser {
                    email: invitation.email.clone(),
                    display_name: display_name.to_owned(),
                    password: password.clone(),
                };
                insert_user(&mut transaction, &new).await?
            }
        };
        let process_role = match invitation.role {
            InvitedRole::Secretariat => Some(ProcessRole::Secretariat),
            InvitedRole::CoFacilitator => Some(ProcessRole::CoFacilitator),
            InvitedRole::Head | InvitedRole::Delegate | InvitedRole::Expert => None,
        };
        if let Some(role) = process_role {
            insert_process_role(
                &mut transaction,
                &invitation.process_id,
                invitation.track_id.as_deref(),
                user.user_id,
                role,
            )
            .await?;
        }
        transaction.commit().await?;
        Ok((user, invitation))
    }

    /// Records a password reset for the user with this address and returns the user and the token for the
    /// link, or `None` when no user has the address (the caller answers the same either way).
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn create_password_reset(
        &self,
        email: &Email,
        valid_for: Duration,
    ) -> Result<Option<(User, Token)>> {
        let Some(user) = self.user_by_email(email).await? else {
            return Ok(None);
        };
        let token = Token::generate();
        let now = now();
        sqlx::query(
            "INSERT INTO password_reset (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token.digest())
        .bind(user.user_id)
        .bind(instant_text(now))
        .bind(instant_text(now + valid_for))
        .execute(&self.pool)
        .await?;
        Ok(Some((user, token)))
    }

    /// The user of an open password-reset link (not used, not expired).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] (`password reset`) for an unknown, used or expired link.
    pub async fn password_reset_user(&self, token: &Token) -> Result<User> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM password_reset r JOIN \"user\" u ON u.user_id = r.user_id \
             WHERE r.token_hash = $1 AND r.used_at IS NULL AND r.expires_at > $2"
        ))
        .bind(token.digest())
        .bind(instant_text(now()))
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| no_such_link("password reset"))?;
        user_from_row(&row)
    }

    /// Sets a new password through a reset link, all or nothing: the link is used up, the password replaced,
    /// and every session of the user revoked (whoever knew the old password is signed out).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] (`password reset`) for an unknown, used or expired link;
    /// [`StoreError::Database`] otherwise.
    pub async fn reset_password(&self, token: &Token, password: &Password) -> Result<User> {
        let user = self.password_reset_user(token).await?;
        let hash = password.hash()?;
        let mut transaction = self.pool.begin().await?;
        let claimed =
            sqlx::query("UPDATE password_reset SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL")
                .bind(instant_text(now()))
                .bind(token.digest())
                .execute(&mut *transaction)
                .await?;
        if claimed.rows_affected() == 0 {
            return Err(no_such_link("password reset"));
        }
        sqlx::query("UPDATE \"user\" SET password_hash = $1 WHERE user_id = $2")
            .bind(hash)
            .bind(user.user_id)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("UPDATE session SET revoked = 1 WHERE user_id = $1")
            .bind(user.user_id)
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(user)
    }
}

async fn insert_user(transaction: &mut sqlx::Transaction<'_, sqlx::Any>, new: &NewUser) -> Result<User> {
    let display_name = new.display_name.trim();
    if display_name.is_empty() {
        return Err(StoreError::Malformed { field: "user.display_name", value: new.display_name.clone() });
    }
    let password = new.password.clone();
    let hash = tokio::task::spawn_blocking(move || password.hash())
        .await
        .map_err(|error| StoreError::Malformed { field: "password_hash", value: error.to_string() })??;
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO \"user\" (email, display_name, password_hash, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING user_id",
    )
    .bind(new.email.as_str())
    .bind(display_name)
    .bind(hash)
    .bind(instant_text(now()))
    .fetch_one(&mut **transaction)
    .await
    .map_err(|error| conflict_or(error, "user", &new.email.masked()))?;
    Ok(User { user_id, email: new.email.clone(), display_name: display_name.to_owned() })
}

async fn insert_process_role(
    transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
    process_id: &str,
    track_id: Option<&str>,
    user_id: i64,
    role: ProcessRole,
) -> Result<()> {
    // NULL track ids are distinct in a UNIQUE constraint, so "held already" is asked, not constrained.
    let n_held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM process_role WHERE process_id = $1 AND user_id = $2 AND role = $3 \
         AND COALESCE(track_id, '') = $4",
    )
    .bind(process_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(track_id.unwrap_or(""))
    .fetch_one(&mut **transaction)
    .await?;
    if n_held > 0 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO process_role (process_id, track_id, user_id, role, granted_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(process_id)
    .bind(track_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(instant_text(now()))
    .execute(&mut **transaction)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(database_error)
            if database_error.kind() == sqlx::error::ErrorKind::ForeignKeyViolation =>
        {
            StoreError::NotFound { what: "process or track", key: format!("{process_id}/{}", track_id.unwrap_or("")) }
        }
        _ => StoreError::Database(error),
    })?;
    Ok(())
}
