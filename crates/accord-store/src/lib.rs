//! The store: processes, tracks, drafts and revisions in SQLite (embedded default) or PostgreSQL, through sqlx.
