//! Akoma Ntoso element identifiers (`eId`), as the Akoma Ntoso naming convention (OASIS LegalDocML
//! akn-nc 1.0, section 5) writes them: components joined by `__`, each a prefix and a local name joined by
//! `_`, for example `sec_3__obj_15__para_1__point_c`.
//!
//! accord assigns an eId when an element is created and never changes it afterwards, even when the element
//! is renumbered or moved, so that a paragraph can be followed from the zero draft to the final text.

use std::fmt;

/// A validated eId: non-empty, made of ASCII letters, digits, `_`, `-` and `.`, not starting or ending with
/// `_`. Construct with [`EId::parse`]; read with [`EId::as_str`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EId(String);

/// Why a string is not an eId.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EIdError {
    /// The string is empty.
    #[error("an eId must not be empty")]
    Empty,
    /// The string holds a character outside `[A-Za-z0-9_.-]`.
    #[error("eId `{eid}` holds `{character}`; expected only ASCII letters, digits, `_`, `-` and `.`")]
    BadCharacter {
        /// The string as given.
        eid: String,
        /// The first character that is not allowed.
        character: char,
    },
    /// The string starts or ends with `_`.
    #[error("eId `{0}` starts or ends with `_`")]
    BadEdge(String),
}

impl EId {
    /// Checks `text` against the eId syntax.
    ///
    /// # Errors
    /// [`EIdError`] naming the rule that `text` breaks.
    pub fn parse(text: &str) -> Result<EId, EIdError> {
        if text.is_empty() {
            return Err(EIdError::Empty);
        }
        if let Some(character) =
            text.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        {
            return Err(EIdError::BadCharacter { eid: text.to_owned(), character });
        }
        if text.starts_with('_') || text.ends_with('_') {
            return Err(EIdError::BadEdge(text.to_owned()));
        }
        Ok(EId(text.to_owned()))
    }

    /// The eId of a child of this element: `self__prefix_local`, for example
    /// `sec_3`.child("obj", "15") is `sec_3__obj_15`.
    ///
    /// # Errors
    /// [`EIdError`] when `prefix` or `local` holds a character that an eId may not hold.
    pub fn child(&self, prefix: &str, local: &str) -> Result<EId, EIdError> {
        EId::parse(&format!("{}__{}_{}", self.0, prefix, local))
    }

    /// A top-level eId `prefix_local`, for example `sec_3`.
    ///
    /// # Errors
    /// [`EIdError`] when `prefix` or `local` holds a character that an eId may not hold.
    pub fn top(prefix: &str, local: &str) -> Result<EId, EIdError> {
        EId::parse(&format!("{prefix}_{local}"))
    }

    /// The eId as written in the XML.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The eId of the enclosing element, if this one has more than one component
    /// (`sec_3__obj_15` → `sec_3`).
    pub fn parent(&self) -> Option<EId> {
        self.0.rsplit_once("__").map(|(parent, _)| EId(parent.to_owned()))
    }
}

impl fmt::Display for EId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_compact_eid_parses_and_knows_its_parent() {
        let eid = EId::parse("sec_3__obj_15__para_1__point_c").unwrap();
        assert_eq!(eid.parent().unwrap().as_str(), "sec_3__obj_15__para_1");
        assert_eq!(EId::top("sec", "3").unwrap().child("obj", "15").unwrap().as_str(), "sec_3__obj_15");
    }

    #[test]
    fn bad_eids_are_refused_with_the_rule_they_break() {
        assert_eq!(EId::parse(""), Err(EIdError::Empty));
        assert!(matches!(EId::parse("sec 3"), Err(EIdError::BadCharacter { character: ' ', .. })));
        assert!(matches!(EId::parse("_sec"), Err(EIdError::BadEdge(_))));
    }
}
