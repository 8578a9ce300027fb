//! `GET /record`: the latest entries of the record, newest first, paged with `?before=SEQ`, under the result
//! of checking the whole chain now.

use super::html;
use crate::api::record::parse_seq;
use crate::error::PageError;
use crate::AppState;
use accord_store::Event;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;

/// How many entries a page shows.
const PAGE_SIZE: i64 = 50;

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    n_entries: i64,
    head_hash: Option<String>,
    /// The first entry that does not match, when the chain is broken.
    first_break: Option<BreakView>,
    /// Its `seq`, or 0 (no entry) when the chain is intact: the row to mark.
    broken_seq: i64,
    entries: Vec<Event>,
    /// Whether the page starts at the newest entry.
    is_latest: bool,
    /// The `before` of the page of older entries, when there are any.
    older: Option<i64>,
}

/// The first entry that does not match, as the page says it.
struct BreakView {
    seq: i64,
    message: String,
}

/// The query: the page that ends before entry `before`.
#[derive(Debug, Deserialize)]
pub struct RecordQuery {
    before: Option<String>,
}

/// `GET /record`: the chain's status and up to 50 entries before `?before=SEQ` (default: the newest).
pub async fn page(
    State(state): State<AppState>,
    Query(query): Query<RecordQuery>,
) -> Result<Html<String>, PageError> {
    let before = match query.before.as_deref() {
        None => None,
        Some(text) => Some(parse_seq("before", Some(text))?),
    };
    let verification = state.store.verify_events().await?;
    let entries = state.store.latest_events(before, PAGE_SIZE).await?;
    let older = entries.last().map(|entry| entry.seq).filter(|seq| *seq > 1);
    let first_break = verification
        .first_break
        .map(|first_break| BreakView { seq: first_break.seq(), message: first_break.to_string() });
    html(&RecordPage {
        n_entries: verification.n_entries,
        broken_seq: first_break.as_ref().map_or(0, |first_break| first_break.seq),
        first_break,
        head_hash: verification.head_hash,
        entries,
        is_latest: before.is_none(),
        older,
    })
}
