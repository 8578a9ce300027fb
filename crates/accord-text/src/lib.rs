//! The compact text model, pure: it takes `&str`, bytes and dates and returns values or bytes; it opens no
//! file, reads no clock and knows nothing of SQL or HTTP.
//!
//! - [`model`]: a [`Document`] is a tree of [`Node`]s (sections, objectives, paragraphs, points) that carry
//!   text in [`Block`]s; every node that can be cited has an [`EId`] that stays the same across revisions.
//! - [`akn`]: Akoma Ntoso 3.0 XML export and import of a [`Document`].
//! - [`edit`]: the edits that make a new revision from an old one, applied all or nothing.
//! - [`markdown`]: a revision as Markdown.
//! - [`amendment`]: amendments to a revision (words replaced, inserted or deleted; elements added or deleted),
//!   checked against the text they target, their overlaps, and the next revision made from picks of them.
//! - [`compilation`]: the compilation text: every tabled amendment in square brackets at its place, attributed.
//! - [`gcm`]: the converter from the Global Compact for Migration's objectives in Markdown to a [`Document`].
//! - [`redline`]: the difference between two revisions, matched by eId, word-level inside a paragraph, and its
//!   renderings for a terminal, HTML and Akoma Ntoso.
#![deny(missing_docs)]

pub mod akn;
pub mod amendment;
pub mod compilation;
pub mod edit;
pub mod eid;
pub mod gcm;
pub mod markdown;
pub mod model;
pub mod redline;
#[doc(hidden)]
pub mod synthetic;

pub use eid::{EId, EIdError};
pub use model::{Block, Document, EditError, Meta, Node, Unit};
