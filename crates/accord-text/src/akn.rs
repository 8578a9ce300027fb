//! Akoma Ntoso 3.0 export and import of a [`crate::Document`]. (Being written: the signatures below are the
//! contract that the redline and the store rely on.)

use crate::model::{Document, Node};

/// A piece of a block's text with its change mark, for exports that show a redline (`ins`, `del`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Unchanged text.
    Text(String),
    /// Inserted text, written as `<ins>`.
    Ins(String),
    /// Deleted text, written as `<del>`.
    Del(String),
}

/// Why a text could not be imported as Akoma Ntoso.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AknError {
    /// Placeholder until import is written.
    #[error("not yet implemented")]
    Unimplemented,
}

/// The document as Akoma Ntoso 3.0 XML, valid against the official schema.
pub fn to_xml(document: &Document) -> String {
    to_xml_with_inline(document, &|_, _| None)
}

/// The document as Akoma Ntoso 3.0 XML, where `inline(node, block_index)` may give the marked pieces of the
/// node's `block_index`-th own block (counting as [`Node::own_blocks`] does); `None` writes the block's text.
pub fn to_xml_with_inline(
    _document: &Document,
    _inline: &dyn Fn(&Node, usize) -> Option<Vec<Inline>>,
) -> String {
    String::new()
}

/// Reads an Akoma Ntoso 3.0 document.
///
/// # Errors
/// [`AknError`] saying what is wrong and where.
pub fn from_xml(_xml: &str) -> Result<Document, AknError> {
    Err(AknError::Unimplemented)
}

/// Reads an Akoma Ntoso 3.0 document from bytes, which must be UTF-8.
///
/// # Errors
/// [`AknError`] saying what is wrong and where.
pub fn from_bytes(bytes: &[u8]) -> Result<Document, AknError> {
    from_xml(std::str::from_utf8(bytes).map_err(|_| AknError::Unimplemented)?)
}
