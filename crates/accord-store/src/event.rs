//! The record: an append-only log of every change of state, each entry chained to the one before it by
//! SHA-256, so that an entry edited, inserted or deleted behind the store's back is found by
//! [`Store::verify_events`].
//!
//! Every other write appends its entry with [`Store::append_event`] inside its own transaction: the change and
//! its entry are stored together or not at all. The store never updates or deletes a row of `event`.
//!
//! # The hash
//! An entry's hash is the SHA-256, in lower-case hex, of six netstrings (D. J. Bernstein, "Netstrings",
//! 1997: the byte length in decimal ASCII, `:`, the bytes, `,`) of the UTF-8 texts, in this order:
//! `seq` (decimal ASCII), `at`, `actor`, `action`, `data`, `prev_hash`. Entry 1's `prev_hash` is 64 zeros
//! ([`GENESIS_PREV_HASH`]). `data` is hashed as stored: canonical JSON (object keys sorted by their UTF-8
//! bytes, no spaces), made by [`canonical_json`] when the entry is appended. The netstrings make the byte
//! string unambiguous without any escaping. `docs/record.md` gives the same with a Python verifier of the
//! JSON lines that [`Store::export_events`] writes.
//!
//! What the chain cannot show: entries cut off at the end leave a shorter chain that is intact. The head hash
//! ([`Verification::head_hash`]) published elsewhere closes that gap.

use crate::{now_rfc3339, Backend, Result, Store, StoreError};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::fmt;

/// The `prev_hash` of the first entry: 64 zeros.
pub const GENESIS_PREV_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The actor of changes made by accord itself or on the command line, where no signed-in user is known.
pub const SYSTEM_ACTOR: &str = "system";

/// How many rows [`Store::verify_events`] and [`Store::export_events`] read at a time.
const BATCH_SIZE: i64 = 1000;

const EVENT_COLUMNS: &str = "seq, at, actor, action, data, prev_hash, hash";

/// One entry of the record, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Its place in the record: 1, 2, 3 … without gaps.
    pub seq: i64,
    /// When it was appended: RFC 3339 text in UTC, hashed as this exact text.
    pub at: String,
    /// Who made the change: a user's id, or [`SYSTEM_ACTOR`].
    pub actor: String,
    /// What happened, as `thing.verb`: `process.created`, `revision.published` …
    pub action: String,
    /// The change's facts as canonical JSON text (see [`canonical_json`]).
    pub data: String,
    /// The previous entry's hash; [`GENESIS_PREV_HASH`] for entry 1.
    pub prev_hash: String,
    /// This entry's hash (see [`event_hash`]).
    pub hash: String,
}

impl Event {
    /// The hash this entry's fields give, to compare with the stored [`Event::hash`].
    pub fn computed_hash(&self) -> String {
        event_hash(self.seq, &self.at, &self.actor, &self.action, &self.data, &self.prev_hash)
    }

    /// The entry as one line of JSON (without the newline), every field in table order: `seq` a number,
    /// the others strings; `data` is the canonical JSON text as a string, so that it is hashed byte for byte
    /// as exported.
    pub fn to_json_line(&self) -> String {
        let text = |value: &str| serde_json::Value::String(value.to_owned()).to_string();
        format!(
            "{{\"seq\":{},\"at\":{},\"actor\":{},\"action\":{},\"data\":{},\"prev_hash\":{},\"hash\":{}}}",
            self.seq,
            text(&self.at),
            text(&self.actor),
            text(&self.action),
            text(&self.data),
            text(&self.prev_hash),
            text(&self.hash),
        )
    }
}

/// The exact bytes an entry's hash is taken over: the netstrings of `seq` (decimal), `at`, `actor`,
/// `action`, `data` and `prev_hash`, in that order. For entry 1 at `2018-12-19T00:00:00Z` by `system`,
/// action `a`, data `{}`: `1:1,20:2018-12-19T00:00:00Z,6:system,1:a,2:{},64:000…0,`.
pub fn hashed_bytes(seq: i64, at: &str, actor: &str, action: &str, data: &str, prev_hash: &str) -> Vec<u8> {
    let seq = seq.to_string();
    let mut bytes = Vec::new();
    for field in [seq.as_str(), at, actor, action, data, prev_hash] {
        bytes.extend_from_slice(field.len().to_string().as_bytes());
        bytes.push(b':');
        bytes.extend_from_slice(field.as_bytes());
        bytes.push(b',');
    }
    bytes
}

/// SHA-256 of [`hashed_bytes`], 64 lower-case hex digits.
pub fn event_hash(seq: i64, at: &str, actor: &str, action: &str, data: &str, prev_hash: &str) -> String {
    let digest = Sha256::digest(hashed_bytes(seq, at, actor, action, data, prev_hash));
    lower_hex(&digest)
}

/// SHA-256 of `bytes`, 64 lower-case hex digits: how the record names a text it does not hold whole (the
/// Akoma Ntoso of a revision, say).
pub fn sha256_hex(bytes: &[u8]) -> String {
    lower_hex(&Sha256::digest(bytes))
}

fn lower_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Why a text is not JSON that the record can hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event data is not JSON: {0}")]
pub struct DataError(String);

/// The canonical form of a JSON text: object keys sorted by their UTF-8 bytes, no whitespace, strings and
/// numbers as serde_json writes them (`"\n"`, `"\u0001"`, non-ASCII characters as themselves). The same
/// facts give the same text, and so the same hash, whoever wrote them.
///
/// # Errors
/// [`DataError`] when `json` is not one JSON value (with serde_json's line and column).
pub fn canonical_json(json: &str) -> Result<String, DataError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|error| DataError(error.to_string()))?;
    let mut out = String::with_capacity(json.len());
    write_canonical(&value, &mut out);
    Ok(out)
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            // Sorted here rather than trusting the map's order: serde_json keeps insertion order when any
            // crate in the build turns on its `preserve_order` feature.
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.as_bytes().cmp(b.as_bytes()));
            out.push('{');
            for (idx, (key, value)) in entries.into_iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(value, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (idx, item) in items.iter().enumerate() {
                if idx > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The first place where the stored record does not match itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// Entry `seq` is not there: the entry found after `seq - 1` (or first) is `found_seq`.
    Missing {
        /// The entry expected.
        seq: i64,
        /// The entry found in its place.
        found_seq: i64,
    },
    /// Entry `seq` does not point at the entry before it: its `prev_hash` is not that entry's hash.
    Link {
        /// The entry.
        seq: i64,
        /// The previous entry's stored hash (64 zeros for entry 1).
        expected: String,
        /// The `prev_hash` stored in entry `seq`.
        found: String,
    },
    /// Entry `seq`'s fields do not give its stored hash: a field or the hash was changed.
    Hash {
        /// The entry.
        seq: i64,
        /// The hash stored in the entry.
        stored: String,
        /// The hash its fields give.
        computed: String,
    },
}

impl Break {
    /// The entry that does not match.
    pub fn seq(&self) -> i64 {
        match self {
            Break::Missing { seq, .. } | Break::Link { seq, .. } | Break::Hash { seq, .. } => *seq,
        }
    }
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Break::Missing { seq, found_seq } => {
                write!(f, "entry {seq} is missing: expected entry {seq}, found entry {found_seq}")
            }
            Break::Link { seq, expected, found } => write!(
                f,
                "entry {seq} does not follow the entry before it: expected prev_hash {expected}, found {found}"
            ),
            Break::Hash { seq, stored, computed } => write!(
                f,
                "entry {seq} was changed: its fields hash to {computed}, the stored hash is {stored}"
            ),
        }
    }
}

/// What [`Store::verify_events`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// How many entries the record holds.
    pub n_entries: i64,
    /// The last entry's stored hash, `None` for an empty record. Published elsewhere, it shows that no entry
    /// was cut off the end.
    pub head_hash: Option<String>,
    /// The first entry that does not match, `None` when the chain is intact.
    pub first_break: Option<Break>,
}

impl Verification {
    /// Whether every entry matches.
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// Why the record could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the record failed.
    #[error("reading the record: {0}")]
    Store(#[from] StoreError),
    /// Writing an entry failed.
    #[error("writing entry {seq}: {source}")]
    Write {
        /// The entry being written.
        seq: i64,
        /// What the writer said.
        source: std::io::Error,
    },
}

impl Store {
    /// Begins a transaction, for a write that appends its entry with [`Store::append_event`] before it
    /// commits. Dropping the transaction without committing stores nothing, entry included.
    ///
    /// # Errors
    /// [`StoreError::Database`] when no connection can be had.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(self.pool.begin().await?)
    }

    /// Appends an entry to the record inside the caller's transaction `tx`, after the caller's own writes, so
    /// that the change and its entry are committed together or not at all. `data` is any JSON text; it is
    /// stored in canonical form ([`canonical_json`]).
    ///
    /// Appends are serialized: on PostgreSQL the table is locked in EXCLUSIVE mode until `tx` ends (readers
    /// are not blocked); on SQLite a no-op write takes the database's one writer lock first. So two
    /// transactions never both take the same `seq`.
    ///
    /// # Errors
    /// [`StoreError::EventData`] when `actor` or `action` is empty or `data` is not JSON;
    /// [`StoreError::Database`] otherwise (the caller's transaction should then be dropped).
    pub async fn append_event(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        actor: &str,
        action: &str,
        data: &str,
    ) -> Result<Event> {
        let refuse = |detail: String| StoreError::EventData { action: action.to_owned(), detail };
        if actor.trim().is_empty() {
            return Err(refuse("the actor is empty: expected a user's id or `system`".to_owned()));
        }
        if action.trim().is_empty() {
            return Err(refuse(
                "the action is empty: expected a name such as `revision.published`".to_owned(),
            ));
        }
        let data = canonical_json(data).map_err(|error| refuse(error.to_string()))?;
        match self.backend {
            Backend::Postgres => {
                sqlx::query("LOCK TABLE event IN EXCLUSIVE MODE").execute(&mut **tx).await?;
            }
            Backend::Sqlite => {
                // A write statement, even one that changes no row, takes SQLite's writer lock for the rest of
                // the transaction, so the last entry read below stays the last.
                sqlx::query("UPDATE event SET seq = seq WHERE seq < 0").execute(&mut **tx).await?;
            }
        }
        let last = sqlx::query("SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
        let (seq, prev_hash) = match last {
            Some(row) => (row.try_get::<i64, _>(0)? + 1, row.try_get::<String, _>(1)?),
            None => (1, GENESIS_PREV_HASH.to_owned()),
        };
        let at = now_rfc3339();
        let hash = event_hash(seq, &at, actor, action, &data, &prev_hash);
        sqlx::query(&format!("INSERT INTO event ({EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"))
            .bind(seq)
            .bind(&at)
            .bind(actor)
            .bind(action)
            .bind(&data)
            .bind(&prev_hash)
            .bind(&hash)
            .execute(&mut **tx)
            .await?;
        Ok(Event { seq, at, actor: actor.to_owned(), action: action.to_owned(), data, prev_hash, hash })
    }

    /// Up to `limit` entries after entry `after_seq` (0 for the start), oldest first.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn events(&self, after_seq: i64, limit: i64) -> Result<Vec<Event>> {
        let rows =
            sqlx::query(&format!("SELECT {EVENT_COLUMNS} FROM event WHERE seq > $1 ORDER BY seq LIMIT $2"))
                .bind(after_seq)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// Up to `limit` entries before entry `before_seq` (`None` for the end), newest first: a page of the
    /// record as people read it.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn latest_events(&self, before_seq: Option<i64>, limit: i64) -> Result<Vec<Event>> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM event WHERE seq < $1 ORDER BY seq DESC LIMIT $2"
        ))
        .bind(before_seq.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event_from_row).collect()
    }

    /// How many entries the record holds.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn event_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) FROM event").fetch_one(&self.pool).await?.try_get(0)?)
    }

    /// Walks the whole record in `seq` order, recomputes every hash and checks every link, and names the first
    /// entry that does not match: a missing `seq`, a `prev_hash` that is not the previous entry's hash, or
    /// fields that do not give the stored hash (checked in that order for each entry).
    ///
    /// # Errors
    /// [`StoreError::Database`]. A broken chain is not an error: it is [`Verification::first_break`].
    pub async fn verify_events(&self) -> Result<Verification> {
        let mut n_entries = 0;
        let mut first_break = None;
        let mut last_seq = 0;
        let mut prev_hash = GENESIS_PREV_HASH.to_owned();
        loop {
            let batch = self.events(last_seq, BATCH_SIZE).await?;
            let Some(last) = batch.last() else { break };
            last_seq = last.seq;
            for event in batch {
                n_entries += 1;
                if first_break.is_none() {
                    first_break = check(&event, n_entries, &prev_hash);
                }
                prev_hash = event.hash;
            }
        }
        let head_hash = (n_entries > 0).then_some(prev_hash);
        Ok(Verification { n_entries, head_hash, first_break })
    }

    /// Writes the entries after `after_seq` (0 for all) to `writer` as JSON lines ([`Event::to_json_line`],
    /// each followed by `\n`), oldest first, and returns how many it wrote.
    ///
    /// # Errors
    /// [`ExportError::Store`] when reading fails, [`ExportError::Write`] when `writer` fails.
    pub async fn export_events(
        &self,
        writer: &mut impl std::io::Write,
        after_seq: i64,
    ) -> Result<u64, ExportError> {
        let mut n_written = 0;
        let mut last_seq = after_seq;
        loop {
            let batch = self.events(last_seq, BATCH_SIZE).await?;
            let Some(last) = batch.last() else { break };
            last_seq = last.seq;
            for event in &batch {
                writeln!(writer, "{}", event.to_json_line())
                    .map_err(|source| ExportError::Write { seq: event.seq, source })?;
                n_written += 1;
            }
        }
        writer.flush().map_err(|source| ExportError::Write { seq: last_seq, source })?;
        Ok(n_written)
    }
}

/// The break at `event`, the `position`-th entry read (from 1), whose predecessor's stored hash is
/// `prev_hash`; `None` when it matches.
fn check(event: &Event, position: i64, prev_hash: &str) -> Option<Break> {
    if event.seq != position {
        return Some(Break::Missing { seq: position, found_seq: event.seq });
    }
    if event.prev_hash != prev_hash {
        return Some(Break::Link {
            seq: event.seq,
            expected: prev_hash.to_owned(),
            found: event.prev_hash.clone(),
        });
    }
    let computed = event.computed_hash();
    if computed != event.hash {
        return Some(Break::Hash { seq: event.seq, stored: event.hash.clone(), computed });
    }
    None
}

fn event_from_row(row: &sqlx::any::AnyRow) -> Result<Event> {
    Ok(Event {
        seq: row.try_get(0)?,
        at: row.try_get(1)?,
        actor: row.try_get(2)?,
        action: row.try_get(3)?,
        data: row.try_get(4)?,
        prev_hash: row.try_get(5)?,
        hash: row.try_get(6)?,
    })
}
