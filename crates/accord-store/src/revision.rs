//! Revisions of a draft and the paragraphs of each. A revision is immutable: it is written once, in one
//! transaction with its paragraphs, and never updated.

use crate::{conflict_or, now_rfc3339, Result, Store, StoreError};
use accord_text::{akn, Document};
use sqlx::Row;
use std::fmt;
use std::str::FromStr;

/// A revision as users name it: `DRAFT/NUMBER` (`gcm/1`), `DRAFT/latest`, or `DRAFT` alone for the latest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRef {
    /// The draft's slug.
    pub draft_id: String,
    /// The revision number; `None` for the latest.
    pub number: Option<i64>,
}

/// Why a text is not a revision reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a revision: expected DRAFT/NUMBER (e.g. gcm/1), DRAFT/latest or DRAFT")]
pub struct RevisionRefError(String);

impl FromStr for RevisionRef {
    type Err = RevisionRefError;

    fn from_str(text: &str) -> Result<RevisionRef, RevisionRefError> {
        let error = || RevisionRefError(text.to_owned());
        let (draft_id, number) = match text.split_once('/') {
            Some((draft_id, "latest")) => (draft_id, None),
            Some((draft_id, number)) => (draft_id, Some(number.parse::<i64>().map_err(|_| error())?)),
            None => (text, None),
        };
        let slug_ok = !draft_id.is_empty()
            && draft_id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !slug_ok || number.is_some_and(|number| number < 0) {
            return Err(error());
        }
        Ok(RevisionRef { draft_id: draft_id.to_owned(), number })
    }
}

impl fmt::Display for RevisionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.number {
            Some(number) => write!(f, "{}/{}", self.draft_id, number),
            None => write!(f, "{}/latest", self.draft_id),
        }
    }
}

/// A revision's facts, without its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionSummary {
    /// The draft.
    pub draft_id: String,
    /// 0 for the first revision, then 1, 2 …
    pub number: i64,
    /// `Zero draft`, `Rev.1` … `Final`.
    pub label: String,
    /// The revision's date.
    pub date: time::Date,
    /// Who issued it.
    pub author: String,
    /// Whether it was made up as a demonstration.
    pub is_demo: bool,
    /// What the revision is, in a sentence.
    pub note: String,
    /// When it was stored, RFC 3339 in UTC.
    pub created_at: String,
}

/// A whole revision: its facts and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    /// The facts.
    pub summary: RevisionSummary,
    /// The text.
    pub document: Document,
}

/// What it takes to add a revision to a draft. Label, date and author come from the document's metadata
/// (`version`, `expression_date`, `author`), so that the stored text and the row say the same.
#[derive(Debug, Clone)]
pub struct NewRevision {
    /// The text.
    pub document: Document,
    /// Whether it is made up as a demonstration.
    pub is_demo: bool,
    /// What the revision is, in a sentence.
    pub note: String,
}

/// One element of a revision with an eId, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// The revision's number.
    pub number: i64,
    /// The eId.
    pub eid: String,
    /// The enclosing element's eId.
    pub parent_eid: Option<String>,
    /// The AKN element name.
    pub element: String,
    /// The AKN `@name`.
    pub name: Option<String>,
    /// Depth in the tree, 0 for top-level sections.
    pub depth: i64,
    /// Order within the revision.
    pub position: i64,
    /// Number as displayed.
    pub num: Option<String>,
    /// Heading.
    pub heading: Option<String>,
    /// The element's own text.
    pub text: String,
}

const SUMMARY_COLUMNS: &str = "draft_id, number, label, date, author, is_demo, note, created_at";
const PARAGRAPH_COLUMNS: &str = "number, eid, parent_eid, element, name, depth, position, num, heading, text";

impl Store {
    /// Stores `new` as the next revision of the draft, with its paragraphs, in one transaction, recorded as
    /// done by [`crate::event::SYSTEM_ACTOR`]; see [`Store::add_revision_by`].
    ///
    /// # Errors
    /// As [`Store::add_revision_by`].
    pub async fn add_revision(&self, draft_id: &str, new: &NewRevision) -> Result<RevisionSummary> {
        self.add_revision_by(crate::event::SYSTEM_ACTOR, draft_id, new).await
    }

    /// Stores `new` as the next revision of the draft, with its paragraphs and its entry in the record
    /// (`revision.published` by `actor`, data: `draft_id`, `number`, `label`, `date`, `author`, `is_demo` and
    /// `akn_sha256`, the SHA-256 of the stored Akoma Ntoso text), in one transaction.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the draft does not exist; [`StoreError::Conflict`] when another revision
    /// took the number at the same moment; [`StoreError::EventData`] for an empty `actor`;
    /// [`StoreError::Database`] otherwise. Nothing is stored on error.
    pub async fn add_revision_by(
        &self,
        actor: &str,
        draft_id: &str,
        new: &NewRevision,
    ) -> Result<RevisionSummary> {
        self.draft(draft_id).await?;
        let mut transaction = self.pool.begin().await?;
        let number = insert_revision(&mut transaction, self, actor, draft_id, new).await?;
        transaction.commit().await?;
        self.revision_summary(&RevisionRef { draft_id: draft_id.to_owned(), number: Some(number) }).await
    }

    /// The revisions of a draft, oldest first.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the draft does not exist.
    pub async fn revisions(&self, draft_id: &str) -> Result<Vec<RevisionSummary>> {
        self.draft(draft_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM revision WHERE draft_id = $1 ORDER BY number"
        ))
        .bind(draft_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// The facts of one revision.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the draft or the revision does not exist.
    pub async fn revision_summary(&self, revision: &RevisionRef) -> Result<RevisionSummary> {
        let number = self.resolve(revision).await?;
        let row = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM revision WHERE draft_id = $1 AND number = $2"
        ))
        .bind(&revision.draft_id)
        .bind(number)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "revision", key: revision.to_string() })?;
        summary_from_row(&row)
    }

    /// One revision with its text.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the draft or the revision does not exist; [`StoreError::Corrupt`] when
    /// its stored text is no longer Akoma Ntoso.
    pub async fn revision(&self, revision: &RevisionRef) -> Result<Revision> {
        let summary = self.revision_summary(revision).await?;
        let akn: String = sqlx::query("SELECT akn FROM revision WHERE draft_id = $1 AND number = $2")
            .bind(&summary.draft_id)
            .bind(summary.number)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let document = akn::from_xml(&akn).map_err(|error| StoreError::Corrupt {
            key: format!("{}/{}", summary.draft_id, summary.number),
            detail: error.to_string(),
        })?;
        Ok(Revision { summary, document })
    }

    /// The stored Akoma Ntoso text of one revision, as it was written.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the draft or the revision does not exist.
    pub async fn revision_akn(&self, revision: &RevisionRef) -> Result<String> {
        let number = self.resolve(revision).await?;
        sqlx::query("SELECT akn FROM revision WHERE draft_id = $1 AND number = $2")
            .bind(&revision.draft_id)
            .bind(number)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "revision", key: revision.to_string() })?
            .try_get(0)
            .map_err(StoreError::from)
    }

    /// The paragraphs of one revision, in document order.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the draft or the revision does not exist.
    pub async fn paragraphs(&self, revision: &RevisionRef) -> Result<Vec<Paragraph>> {
        let number = self.resolve(revision).await?;
        let rows = sqlx::query(&format!(
            "SELECT {PARAGRAPH_COLUMNS} FROM paragraph WHERE draft_id = $1 AND number = $2 ORDER BY position"
        ))
        .bind(&revision.draft_id)
        .bind(number)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(paragraph_from_row).collect()
    }

    /// One paragraph of one revision.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the draft, the revision or the eId does not exist.
    pub async fn paragraph(&self, revision: &RevisionRef, eid: &str) -> Result<Paragraph> {
        let number = self.resolve(revision).await?;
        let row = sqlx::query(&format!(
            "SELECT {PARAGRAPH_COLUMNS} FROM paragraph WHERE draft_id = $1 AND number = $2 AND eid = $3"
        ))
        .bind(&revision.draft_id)
        .bind(number)
        .bind(eid)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound { what: "paragraph", key: format!("{revision}#{eid}") })?;
        paragraph_from_row(&row)
    }

    /// One paragraph in every revision of its draft that has it, oldest first: its history.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the draft does not exist.
    pub async fn paragraph_history(&self, draft_id: &str, eid: &str) -> Result<Vec<Paragraph>> {
        self.draft(draft_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {PARAGRAPH_COLUMNS} FROM paragraph WHERE draft_id = $1 AND eid = $2 ORDER BY number"
        ))
        .bind(draft_id)
        .bind(eid)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(paragraph_from_row).collect()
    }

    /// The number a reference points at: itself, or the draft's latest.
    async fn resolve(&self, revision: &RevisionRef) -> Result<i64> {
        self.draft(&revision.draft_id).await?;
        if let Some(number) = revision.number {
            return Ok(number);
        }
        let latest: Option<i64> = sqlx::query("SELECT MAX(number) FROM revision WHERE draft_id = $1")
            .bind(&revision.draft_id)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        latest.ok_or_else(|| StoreError::NotFound { what: "revision", key: revision.to_string() })
    }
}

fn summary_from_row(row: &sqlx::any::AnyRow) -> Result<RevisionSummary> {
    let date_text: String = row.try_get(3)?;
    let date = time::Date::parse(&date_text, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| StoreError::Malformed { field: "revision.date", value: date_text.clone() })?;
    Ok(RevisionSummary {
        draft_id: row.try_get(0)?,
        number: row.try_get(1)?,
        label: row.try_get(2)?,
        date,
        author: row.try_get(4)?,
        is_demo: row.try_get::<i64, _>(5)? != 0,
        note: row.try_get(6)?,
        created_at: row.try_get(7)?,
    })
}

fn paragraph_from_row(row: &sqlx::any::AnyRow) -> Result<Paragraph> {
    Ok(Paragraph {
        number: row.try_get(0)?,
        eid: row.try_get(1)?,
        parent_eid: row.try_get(2)?,
        element: row.try_get(3)?,
        name: row.try_get(4)?,
        depth: row.try_get(5)?,
        position: row.try_get(6)?,
        num: row.try_get(7)?,
        heading: row.try_get(8)?,
        text: row.try_get(9)?,
    })
}

/// Writes a revision and its paragraphs, with its event, inside the caller's transaction; returns its number
/// (the next of the draft).
pub(crate) async fn insert_revision(
    transaction: &mut sqlx::Transaction<'static, sqlx::Any>,
    store: &Store,
    actor: &str,
    draft_id: &str,
    new: &NewRevision,
) -> Result<i64> {
    let meta = new.document.meta();
    let akn = akn::to_xml(&new.document);
    let number: i64 = sqlx::query("SELECT COALESCE(MAX(number) + 1, 0) FROM revision WHERE draft_id = $1")
        .bind(draft_id)
        .fetch_one(&mut **transaction)
        .await?
        .try_get(0)?;
    let key = format!("{draft_id}/{number}");
    sqlx::query(
        "INSERT INTO revision (draft_id, number, label, date, author, is_demo, note, akn, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(draft_id)
    .bind(number)
    .bind(&meta.version)
    .bind(meta.expression_date.to_string())
    .bind(&meta.author)
    .bind(i64::from(new.is_demo))
    .bind(&new.note)
    .bind(&akn)
    .bind(now_rfc3339())
    .execute(&mut **transaction)
    .await
    .map_err(|error| conflict_or(error, "revision", &key))?;
    for unit in new.document.units() {
        sqlx::query(&format!(
            "INSERT INTO paragraph (draft_id, {PARAGRAPH_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(draft_id)
        .bind(number)
        .bind(unit.eid.as_str())
        .bind(unit.parent.as_ref().map(|eid| eid.as_str().to_owned()))
        .bind(&unit.element)
        .bind(unit.name.clone())
        .bind(unit.depth as i64)
        .bind(unit.position as i64)
        .bind(unit.num.clone())
        .bind(unit.heading.clone())
        .bind(&unit.text)
        .execute(&mut **transaction)
        .await
        .map_err(|error| conflict_or(error, "paragraph", unit.eid.as_str()))?;
    }
    let data = serde_json::json!({
        "draft_id": draft_id,
        "number": number,
        "label": meta.version,
        "date": meta.expression_date.to_string(),
        "author": meta.author,
        "is_demo": new.is_demo,
        "akn_sha256": crate::event::sha256_hex(akn.as_bytes()),
    });
    store.append_event(transaction, actor, "revision.published", &data.to_string()).await?;
    Ok(number)
}
