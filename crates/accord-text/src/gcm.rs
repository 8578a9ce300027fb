//! The Global Compact for Migration's objectives, from Markdown to a [`crate::Document`]. (Being written.)
