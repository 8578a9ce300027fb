//! Edits that make a new revision from an old one: change a paragraph's text, heading or number, insert a new
//! element after another, delete one, move one. [`apply`] applies a list of them all or nothing.

use crate::eid::EId;
use crate::model::{Block, Document, EditError, Node, Part};

/// One edit of a document, addressed by eId.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Replace the element's own text ([`Document::set_text`]); newlines separate blocks.
    SetText {
        /// The element.
        eid: EId,
        /// The new text.
        text: String,
    },
    /// Replace (or with `None` remove) the element's heading.
    SetHeading {
        /// The element.
        eid: EId,
        /// The new heading.
        heading: Option<String>,
    },
    /// Replace (or with `None` remove) the element's number; its eId stays.
    SetNum {
        /// The element.
        eid: EId,
        /// The new number as displayed.
        num: Option<String>,
    },
    /// Insert a new element, with one block of text, as the next sibling of `after`.
    InsertAfter {
        /// The sibling that the new element follows.
        after: EId,
        /// The new element's eId; it must not be taken.
        eid: EId,
        /// The AKN element name, e.g. `point`.
        element: String,
        /// The number as displayed, e.g. `(l)`.
        num: Option<String>,
        /// The text.
        text: String,
    },
    /// Delete the element and everything below it.
    Delete {
        /// The element.
        eid: EId,
    },
    /// Move the element (with what is below it) to right after `after`.
    MoveAfter {
        /// The element.
        eid: EId,
        /// Its new preceding sibling.
        after: EId,
    },
}

/// An edit that could not be applied, with its place in the list (from 0).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("edit {index}: {error}")]
pub struct ApplyError {
    /// The edit's index in the list.
    pub index: usize,
    /// Why it failed.
    pub error: EditError,
}

/// Applies `edits` in order to a copy of `document` and returns it; `document` itself is not changed.
///
/// # Errors
/// [`ApplyError`] naming the first edit that fails; no edit is kept then.
pub fn apply(document: &Document, edits: &[Edit]) -> Result<Document, ApplyError> {
    let mut edited = document.clone();
    for (index, edit) in edits.iter().enumerate() {
        apply_one(&mut edited, edit).map_err(|error| ApplyError { index, error })?;
    }
    Ok(edited)
}

fn apply_one(document: &mut Document, edit: &Edit) -> Result<(), EditError> {
    match edit {
        Edit::SetText { eid, text } => document.set_text(eid, text),
        Edit::SetHeading { eid, heading } => document.set_heading(eid, heading.as_deref()),
        Edit::SetNum { eid, num } => document.set_num(eid, num.as_deref()),
        Edit::InsertAfter { after, eid, element, num, text } => {
            let mut node = Node::new(element.clone());
            node.eid = Some(eid.clone());
            node.num = num.clone();
            node.content.push(Part::Block(Block::p(text.trim())));
            document.insert_after(after, node)
        }
        Edit::Delete { eid } => document.remove(eid).map(drop),
        Edit::MoveAfter { eid, after } => document.move_after(eid, after),
    }
}
