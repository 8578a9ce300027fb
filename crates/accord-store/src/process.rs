//! Processes, their tracks and each track's drafts.

use crate::{conflict_or, now_rfc3339, Result, Store, StoreError};
use sqlx::Row;

/// A negotiation process, for example the Global Compact for Migration's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// URL-safe slug.
    pub process_id: String,
    /// Title.
    pub title: String,
    /// A paragraph saying what the process is.
    pub description: String,
    /// Whether the process was loaded as a demonstration.
    pub is_demo: bool,
}

/// A track of a process (migration, refugees), with its own draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Track {
    /// URL-safe slug.
    pub track_id: String,
    /// The process it belongs to.
    pub process_id: String,
    /// Title.
    pub title: String,
}

/// A draft negotiated in a track; its text lives in revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// URL-safe slug.
    pub draft_id: String,
    /// The track it belongs to.
    pub track_id: String,
    /// Title.
    pub title: String,
}

/// What it takes to create a process with its tracks and drafts in one step.
#[derive(Debug, Clone)]
pub struct NewProcess {
    /// The process.
    pub process: Process,
    /// Its tracks, in order, each with its drafts.
    pub tracks: Vec<(Track, Vec<Draft>)>,
}

impl Store {
    /// Creates a process with its tracks and drafts, all or nothing, recorded as done by
    /// [`crate::event::SYSTEM_ACTOR`]; see [`Store::create_process_by`].
    ///
    /// # Errors
    /// As [`Store::create_process_by`].
    pub async fn create_process(&self, new: &NewProcess) -> Result<()> {
        self.create_process_by(crate::event::SYSTEM_ACTOR, new).await
    }

    /// Creates a process with its tracks and drafts and its entry in the record (`process.created` by
    /// `actor`, data: `process_id`, `title`, `is_demo` and `tracks`, each with `track_id`, `title` and
    /// `drafts`, each with `draft_id` and `title`), all or nothing.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a process, track or draft with one of the slugs exists;
    /// [`StoreError::EventData`] for an empty `actor`; [`StoreError::Database`] otherwise.
    pub async fn create_process_by(&self, actor: &str, new: &NewProcess) -> Result<()> {
        let mut transaction = self.pool.begin().await?;
        let process = &new.process;
        sqlx::query(
            "INSERT INTO process (process_id, title, description, is_demo, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&process.process_id)
        .bind(&process.title)
        .bind(&process.description)
        .bind(i64::from(process.is_demo))
        .bind(now_rfc3339())
        .execute(&mut *transaction)
        .await
        .map_err(|error| conflict_or(error, "process", &process.process_id))?;
        for (position, (track, drafts)) in new.tracks.iter().enumerate() {
            sqlx::query("INSERT INTO track (track_id, process_id, title, position) VALUES ($1, $2, $3, $4)")
                .bind(&track.track_id)
                .bind(&process.process_id)
                .bind(&track.title)
                .bind(position as i64)
                .execute(&mut *transaction)
                .await
                .map_err(|error| conflict_or(error, "track", &track.track_id))?;
            for draft in drafts {
                sqlx::query("INSERT INTO draft (draft_id, track_id, title) VALUES ($1, $2, $3)")
                    .bind(&draft.draft_id)
                    .bind(&track.track_id)
                    .bind(&draft.title)
                    .execute(&mut *transaction)
                    .await
                    .map_err(|error| conflict_or(error, "draft", &draft.draft_id))?;
            }
        }
        let tracks: Vec<serde_json::Value> = new
            .tracks
            .iter()
            .map(|(track, drafts)| {
                let drafts: Vec<serde_json::Value> = drafts
                    .iter()
                    .map(|draft| serde_json::json!({ "draft_id": draft.draft_id, "title": draft.title }))
                    .collect();
                serde_json::json!({ "track_id": track.track_id, "title": track.title, "drafts": drafts })
            })
            .collect();
        let data = serde_json::json!({
            "process_id": process.process_id,
            "title": process.title,
            "is_demo": process.is_demo,
            "tracks": tracks,
        });
        self.append_event(&mut transaction, actor, "process.created", &data.to_string()).await?;
        transaction.commit().await?;
        Ok(())
    }

    /// Every process, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn processes(&self) -> Result<Vec<Process>> {
        let rows = sqlx::query(
            "SELECT process_id, title, description, is_demo FROM process ORDER BY created_at, process_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(process_from_row).collect()
    }

    /// One process.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is none with this slug.
    pub async fn process(&self, process_id: &str) -> Result<Process> {
        let row =
            sqlx::query("SELECT process_id, title, description, is_demo FROM process WHERE process_id = $1")
                .bind(process_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or_else(|| StoreError::NotFound { what: "process", key: process_id.to_owned() })?;
        process_from_row(&row)
    }

    /// The tracks of a process, in order.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn tracks(&self, process_id: &str) -> Result<Vec<Track>> {
        let rows = sqlx::query(
            "SELECT track_id, process_id, title FROM track WHERE process_id = $1 ORDER BY position",
        )
        .bind(process_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Track { track_id: row.try_get(0)?, process_id: row.try_get(1)?, title: row.try_get(2)? })
            })
            .collect()
    }

    /// The drafts of a track.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn drafts(&self, track_id: &str) -> Result<Vec<Draft>> {
        let rows =
            sqlx::query("SELECT draft_id, track_id, title FROM draft WHERE track_id = $1 ORDER BY draft_id")
                .bind(track_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(draft_from_row).collect()
    }

    /// One draft.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is none with this slug.
    pub async fn draft(&self, draft_id: &str) -> Result<Draft> {
        let row = sqlx::query("SELECT draft_id, track_id, title FROM draft WHERE draft_id = $1")
            .bind(draft_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "draft", key: draft_id.to_owned() })?;
        draft_from_row(&row)
    }

    /// The track a draft belongs to, and the track's process.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the draft does not exist.
    pub async fn draft_context(&self, draft_id: &str) -> Result<(Process, Track, Draft)> {
        let draft = self.draft(draft_id).await?;
        let row = sqlx::query("SELECT track_id, process_id, title FROM track WHERE track_id = $1")
            .bind(&draft.track_id)
            .fetch_one(&self.pool)
            .await?;
        let track = Track { track_id: row.try_get(0)?, process_id: row.try_get(1)?, title: row.try_get(2)? };
        let process = self.process(&track.process_id).await?;
        Ok((process, track, draft))
    }
}

fn process_from_row(row: &sqlx::any::AnyRow) -> Result<Process> {
    Ok(Process {
        process_id: row.try_get(0)?,
        title: row.try_get(1)?,
        description: row.try_get(2)?,
        is_demo: row.try_get::<i64, _>(3)? != 0,
    })
}

fn draft_from_row(row: &sqlx::any::AnyRow) -> Result<Draft> {
    Ok(Draft { draft_id: row.try_get(0)?, track_id: row.try_get(1)?, title: row.try_get(2)? })
}
