//! Amendments to a revision, checked against the revision they target, and their application: several at
//! once ([`apply`]), or the co-facilitators' picks, whole or with bridging text ([`apply_picks`]), with the
//! [`Provenance`] of every change so that the next revision's redline names the amendment behind each one.
//!
//! An amendment addresses an element by eId and, inside the element's own text ([`Node::own_text`]), the exact
//! words it changes with their occurrence (1-based). Words match whole: `nation` does not match inside
//! `national`. The [`Amendment`] keeps the byte range those words cover in the text it was checked against;
//! applying it to another text is refused ([`ApplyError::Stale`]).
//!
//! Two amendments overlap when the words they name in the same element intersect (an insertion names the
//! words it goes before or after), when one deletes an element that the other edits, adds after, or lies in,
//! or when both add an element with the same eId. Overlapping amendments are never applied together; the
//! others are, in any order, with the same result: the changes of one element are spliced into its text
//! from left to right by their offsets in the original text.
//!
//! Pure: no I/O, no clock.

use crate::akn::Inline;
use crate::edit::{self, Edit};
use crate::eid::EId;
use crate::model::{Document, Node};
use crate::redline::{Entry, Presence};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::ops::Range;

/// An amendment's number, unique within a round, as in `amendment-12`.
pub type AmendmentId = u64;

/// Where inserted words go relative to the words they are anchored to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// Right before the anchor words, followed by a space.
    Before,
    /// Right after the anchor words, after a space (none when the inserted text starts with `,;:.)`).
    After,
}

/// Words inside an element's own text, as a delegate names them: the exact text and which occurrence
/// (from 1). Without an occurrence the words must occur exactly once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// The exact words, for example `at local level`.
    pub text: String,
    /// Which occurrence, from 1; `None` when the words occur once.
    pub occurrence: Option<usize>,
}

impl Words {
    /// Words that must occur once in the element's text.
    pub fn new(text: impl Into<String>) -> Words {
        Words { text: text.into(), occurrence: None }
    }

    /// The `occurrence`-th occurrence (from 1) of `text`.
    pub fn nth(text: impl Into<String>, occurrence: usize) -> Words {
        Words { text: text.into(), occurrence: Some(occurrence) }
    }
}

/// What an amendment proposes, as tabled, before it is checked against the revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposal {
    /// Replace `words` in the element `eid` by `by`.
    ReplaceWords {
        /// The element.
        eid: EId,
        /// The words to replace.
        words: Words,
        /// The new words; not empty.
        by: String,
    },
    /// Insert `text` before or after `anchor` in the element `eid`.
    InsertWords {
        /// The element.
        eid: EId,
        /// Before or after the anchor.
        position: Position,
        /// The words the insertion is placed against.
        anchor: Words,
        /// The words to insert; not empty.
        text: String,
    },
    /// Delete `words` from the element `eid`.
    DeleteWords {
        /// The element.
        eid: EId,
        /// The words to delete.
        words: Words,
    },
    /// Add a new element (a paragraph, a point) with one block of text as the next sibling of `after`.
    AddElement {
        /// The element the new one follows.
        after: EId,
        /// The new element's eId; not taken in the revision.
        eid: EId,
        /// The AKN element name, for example `point`.
        element: String,
        /// The number as displayed, for example `(c bis)`.
        num: Option<String>,
        /// The new element's text; not empty.
        text: String,
    },
    /// Delete the element `eid` and everything below it.
    DeleteElement {
        /// The element.
        eid: EId,
    },
}

/// The kind of an amendment, for filters and labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// [`Proposal::ReplaceWords`].
    ReplaceWords,
    /// [`Proposal::InsertWords`].
    InsertWords,
    /// [`Proposal::DeleteWords`].
    DeleteWords,
    /// [`Proposal::AddElement`].
    AddElement,
    /// [`Proposal::DeleteElement`].
    DeleteElement,
}

impl Kind {
    /// The kind in words: `replace`, `insert`, `delete`, `add`, `delete element`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ReplaceWords => "replace",
            Kind::InsertWords => "insert",
            Kind::DeleteWords => "delete",
            Kind::AddElement => "add",
            Kind::DeleteElement => "delete element",
        }
    }
}

impl Proposal {
    /// The proposal's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Proposal::ReplaceWords { .. } => Kind::ReplaceWords,
            Proposal::InsertWords { .. } => Kind::InsertWords,
            Proposal::DeleteWords { .. } => Kind::DeleteWords,
            Proposal::AddElement { .. } => Kind::AddElement,
            Proposal::DeleteElement { .. } => Kind::DeleteElement,
        }
    }

    /// The element the proposal changes; for [`Proposal::AddElement`], the element the new one follows.
    pub fn eid(&self) -> &EId {
        match self {
            Proposal::ReplaceWords { eid, .. }
            | Proposal::InsertWords { eid, .. }
            | Proposal::DeleteWords { eid, .. }
            | Proposal::DeleteElement { eid } => eid,
            Proposal::AddElement { after, .. } => after,
        }
    }
}

/// Why an amendment was refused. Each names the eId, the words and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmendmentError {
    /// No element of the revision has the eId.
    #[error("expected an element with eId `{0}` in the revision, found none")]
    UnknownEId(EId),
    /// The element holds no text of its own to amend.
    #[error("eId `{0}`: expected an element with text of its own, found one without")]
    NoText(EId),
    /// The words are not in the element's text.
    #[error("eId `{eid}`: expected the words `{words}` in its text, found none")]
    WordsNotFound {
        /// The element.
        eid: EId,
        /// The words as given.
        words: String,
    },
    /// The words occur more than once and no occurrence was given.
    #[error("eId `{eid}`: the words `{words}` occur {n_occurrences} times; expected an occurrence (1 to {n_occurrences})")]
    AmbiguousWords {
        /// The element.
        eid: EId,
        /// The words as given.
        words: String,
        /// How many times they occur.
        n_occurrences: usize,
    },
    /// The occurrence asked for does not exist.
    #[error("eId `{eid}`: expected occurrence {occurrence} of the words `{words}`, found {n_occurrences}")]
    NoSuchOccurrence {
        /// The element.
        eid: EId,
        /// The words as given.
        words: String,
        /// The occurrence asked for, from 1.
        occurrence: usize,
        /// How many times the words occur.
        n_occurrences: usize,
    },
    /// A text that must have words is empty or white space only.
    #[error("eId `{eid}`: expected {what}, found empty text")]
    EmptyText {
        /// The element the amendment addresses.
        eid: EId,
        /// What is empty: `the words`, `the new words`, `the justification`, `the sponsor` …
        what: &'static str,
    },
    /// The new words equal the words they replace.
    #[error("eId `{eid}`: expected new words other than `{words}`, found the same")]
    SameWords {
        /// The element.
        eid: EId,
        /// The words.
        words: String,
    },
    /// A new element's eId is taken.
    #[error("eId `{0}`: expected a new eId, found one the revision uses")]
    EIdTaken(EId),
    /// The sponsor is also listed as a co-sponsor.
    #[error("co-sponsor `{0}` is the sponsor; expected other parties")]
    CoSponsorIsSponsor(String),
    /// A co-sponsor is listed twice.
    #[error("co-sponsor `{0}` is listed twice")]
    DuplicateCoSponsor(String),
    /// Bridging text was given for the deletion of an element, which has no words to bridge.
    #[error("amendment {0} deletes an element; expected no bridging text, found some")]
    BridgingOnElementDeletion(AmendmentId),
}

/// The words an amendment changes, located in the text it was checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    /// The byte range of the named words (the anchor for an insertion) in the element's own text.
    pub(crate) target: Range<usize>,
    /// The byte range that is replaced: the target, or an empty range at its start or end for an insertion.
    pub(crate) splice: Range<usize>,
    /// What the splice range becomes.
    pub(crate) replacement: String,
}

/// An amendment checked against the revision it targets: its words are found once, its parties are
/// distinct. Construct with [`Amendment::new`]; read through the getters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    id: AmendmentId,
    sponsor: String,
    co_sponsors: Vec<String>,
    justification: String,
    proposal: Proposal,
    old_words: String,
    located: Option<Located>,
}

impl Amendment {
    /// Checks a tabled amendment against `document`, the revision it amends.
    ///
    /// Party ids and texts are trimmed at both ends.
    ///
    /// # Errors
    /// [`AmendmentError`]: an unknown eId, an element without text, words not found, ambiguous or without
    /// the given occurrence, an empty sponsor, justification or proposed text, new words equal to the old,
    /// a new eId that is taken, a co-sponsor who is the sponsor or is listed twice.
    pub fn new(
        document: &Document,
        id: AmendmentId,
        sponsor: &str,
        co_sponsors: &[&str],
        justification: &str,
        proposal: Proposal,
    ) -> Result<Amendment, AmendmentError> {
        let eid = proposal.eid().clone();
        let nonempty = |text: &str, what: &'static str| -> Result<String, AmendmentError> {
            let text = text.trim();
            if text.is_empty() {
                return Err(AmendmentError::EmptyText { eid: eid.clone(), what });
            }
            Ok(text.to_owned())
        };
        let sponsor = nonempty(sponsor, "the sponsor")?;
        let justification = nonempty(justification, "the justification")?;
        let mut seen: HashSet<String> = HashSet::new();
        let mut checked_co_sponsors = Vec::new();
        for co_sponsor in co_sponsors {
            let co_sponsor = nonempty(co_sponsor, "a co-sponsor")?;
            if co_sponsor == sponsor {
                return Err(AmendmentError::CoSponsorIsSponsor(co_sponsor));
            }
            if !seen.insert(co_sponsor.clone()) {
                return Err(AmendmentError::DuplicateCoSponsor(co_sponsor));
            }
            checked_co_sponsors.push(co_sponsor);
        }
        let node = document.find(&eid).ok_or_else(|| AmendmentError::UnknownEId(eid.clone()))?;
        let (old_words, located) = locate(node, &proposal)?;
        if let Proposal::AddElement { eid: new_eid, text, .. } = &proposal {
            nonempty(text, "the new element's text")?;
            if document.find(new_eid).is_some() {
                return Err(AmendmentError::EIdTaken(new_eid.clone()));
            }
        }
        let proposal = trimmed(proposal);
        Ok(Amendment {
            id,
            sponsor,
            co_sponsors: checked_co_sponsors,
            justification,
            proposal,
            old_words,
            located,
        })
    }

    /// The same amendment with the co-facilitators' bridging text in place of its proposed words: the new
    /// words of a replacement or deletion (as given, spaces at its ends included, since they replace words
    /// that may end in a space), the inserted words of an insertion, the new element's text.
    ///
    /// # Errors
    /// [`AmendmentError::EmptyText`] for empty bridging text, [`AmendmentError::SameWords`] when it equals the
    /// words it would replace, [`AmendmentError::BridgingOnElementDeletion`] for the deletion of an element.
    pub fn with_bridging(&self, bridging: &str) -> Result<Amendment, AmendmentError> {
        let eid = self.proposal.eid().clone();
        if bridging.trim().is_empty() {
            return Err(AmendmentError::EmptyText { eid, what: "bridging text" });
        }
        let mut bridged = self.clone();
        bridged.proposal = match &self.proposal {
            Proposal::ReplaceWords { eid, words, .. } | Proposal::DeleteWords { eid, words } => {
                if bridging == self.old_words {
                    return Err(AmendmentError::SameWords { eid: eid.clone(), words: bridging.to_owned() });
                }
                Proposal::ReplaceWords { eid: eid.clone(), words: words.clone(), by: bridging.to_owned() }
            }
            Proposal::InsertWords { eid, position, anchor, .. } => Proposal::InsertWords {
                eid: eid.clone(),
                position: *position,
                anchor: anchor.clone(),
                text: bridging.trim().to_owned(),
            },
            Proposal::AddElement { after, eid, element, num, .. } => Proposal::AddElement {
                after: after.clone(),
                eid: eid.clone(),
                element: element.clone(),
                num: num.clone(),
                text: bridging.trim().to_owned(),
            },
            Proposal::DeleteElement { .. } => return Err(AmendmentError::BridgingOnElementDeletion(self.id)),
        };
        if let Some(located) = &mut bridged.located {
            located.replacement = replacement(&bridged.proposal);
        }
        Ok(bridged)
    }

    /// The amendment's number.
    pub fn id(&self) -> AmendmentId {
        self.id
    }

    /// The sponsor's party id.
    pub fn sponsor(&self) -> &str {
        &self.sponsor
    }

    /// The co-sponsors' party ids, in the order given; none is the sponsor, none twice.
    pub fn co_sponsors(&self) -> &[String] {
        &self.co_sponsors
    }

    /// The sponsor, then the co-sponsors.
    pub fn parties(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.sponsor.as_str()).chain(self.co_sponsors.iter().map(String::as_str))
    }

    /// The justification.
    pub fn justification(&self) -> &str {
        &self.justification
    }

    /// What it proposes, texts trimmed.
    pub fn proposal(&self) -> &Proposal {
        &self.proposal
    }

    /// The kind of proposal.
    pub fn kind(&self) -> Kind {
        self.proposal.kind()
    }

    /// The element it changes ([`Proposal::eid`]).
    pub fn eid(&self) -> &EId {
        self.proposal.eid()
    }

    /// The words it names as found in the element's text (the anchor of an insertion); for an element
    /// deletion the element's whole own text; empty for an added element.
    pub fn old_words(&self) -> &str {
        &self.old_words
    }

    /// The byte range of the named words in the element's own text, for the word amendments.
    pub fn target_range(&self) -> Option<Range<usize>> {
        self.located.as_ref().map(|located| located.target.clone())
    }

    /// What the named words become: the replacement, the anchor with the insertion, or empty for a deletion;
    /// the new text for an added element, empty for a deleted one.
    pub fn new_words(&self) -> String {
        match (&self.located, &self.proposal) {
            (Some(located), _) => {
                let mut new_words = String::new();
                let target = &located.target;
                new_words.push_str(&self.old_words[..located.splice.start - target.start]);
                new_words.push_str(&located.replacement);
                new_words.push_str(&self.old_words[located.splice.end - target.start..]);
                new_words
            }
            (None, Proposal::AddElement { text, .. }) => text.clone(),
            (None, _) => String::new(),
        }
    }

    pub(crate) fn located(&self) -> Option<&Located> {
        self.located.as_ref()
    }
}

fn trimmed(proposal: Proposal) -> Proposal {
    match proposal {
        Proposal::ReplaceWords { eid, words, by } => {
            Proposal::ReplaceWords { eid, words, by: by.trim().to_owned() }
        }
        Proposal::InsertWords { eid, position, anchor, text } => {
            Proposal::InsertWords { eid, position, anchor, text: text.trim().to_owned() }
        }
        Proposal::AddElement { after, eid, element, num, text } => {
            Proposal::AddElement { after, eid, element, num, text: text.trim().to_owned() }
        }
        other => other,
    }
}

/// What the splice range of a word amendment becomes.
fn replacement(proposal: &Proposal) -> String {
    match proposal {
        // The new words take the place of the old with the old words' own spaces at either end: replacing
        // "food security, " by "food and nutrition security," keeps the space before the next word.
        Proposal::ReplaceWords { words, by, .. } => {
            let old = words.text.as_str();
            let lead = &old[..old.len() - old.trim_start().len()];
            let trail = &old[old.trim_end().len()..];
            format!("{lead}{}{trail}", by.trim())
        }
        Proposal::InsertWords { position: Position::Before, text, .. } => format!("{} ", text.trim()),
        Proposal::InsertWords { position: Position::After, text, .. } => {
            let text = text.trim();
            if text.starts_with([',', ';', ':', '.', ')']) {
                text.to_owned()
            } else {
                format!(" {text}")
            }
        }
        _ => String::new(),
    }
}

/// The old words and, for a word amendment, where they are.
fn locate(node: &Node, proposal: &Proposal) -> Result<(String, Option<Located>), AmendmentError> {
    let eid = proposal.eid();
    let empty = |what| AmendmentError::EmptyText { eid: eid.clone(), what };
    let (words, new_text) = match proposal {
        Proposal::ReplaceWords { words, by, .. } => (words, Some(by)),
        Proposal::InsertWords { anchor, text, .. } => (anchor, Some(text)),
        Proposal::DeleteWords { words, .. } => (words, None),
        Proposal::AddElement { .. } => return Ok((String::new(), None)),
        Proposal::DeleteElement { .. } => return Ok((node.own_text(), None)),
    };
    if new_text.is_some_and(|text| text.trim().is_empty()) {
        return Err(empty("the new words"));
    }
    if words.text.trim().is_empty() {
        return Err(empty("the words"));
    }
    let text = node.own_text();
    if text.is_empty() {
        return Err(AmendmentError::NoText(eid.clone()));
    }
    let starts = occurrences(&text, &words.text);
    let n_occurrences = starts.len();
    let start = match (words.occurrence, n_occurrences) {
        (_, 0) => {
            return Err(AmendmentError::WordsNotFound { eid: eid.clone(), words: words.text.clone() });
        }
        (None, 1) => starts[0],
        (None, _) => {
            return Err(AmendmentError::AmbiguousWords {
                eid: eid.clone(),
                words: words.text.clone(),
                n_occurrences,
            });
        }
        (Some(occurrence), _) if occurrence == 0 || occurrence > n_occurrences => {
            return Err(AmendmentError::NoSuchOccurrence {
                eid: eid.clone(),
                words: words.text.clone(),
                occurrence,
                n_occurrences,
            });
        }
        (Some(occurrence), _) => starts[occurrence - 1],
    };
    if let Some(by) = new_text.filter(|_| proposal.kind() == Kind::ReplaceWords) {
        if by.trim() == words.text {
            return Err(AmendmentError::SameWords { eid: eid.clone(), words: words.text.clone() });
        }
    }
    let target = start..start + words.text.len();
    let splice = match proposal {
        Proposal::InsertWords { position: Position::Before, .. } => target.start..target.start,
        Proposal::InsertWords { position: Position::After, .. } => target.end..target.end,
        _ => target.clone(),
    };
    let located = Located { target, splice, replacement: replacement(proposal) };
    Ok((words.text.clone(), Some(located)))
}

/// The byte offsets where `words` occur in `text` as whole words: not preceded or followed by a letter or
/// digit where the words themselves begin or end with one. Occurrences do not overlap.
///
/// ```
/// use accord_text::amendment::occurrences;
///
/// assert_eq!(occurrences("national or nation, the nation", "nation"), [12, 24]);
/// ```
pub fn occurrences(text: &str, words: &str) -> Vec<usize> {
    let starts_alnum = words.chars().next().is_some_and(char::is_alphanumeric);
    let ends_alnum = words.chars().next_back().is_some_and(char::is_alphanumeric);
    let mut starts = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find(words) {
        let start = from + found;
        let end = start + words.len();
        let before_ok =
            !starts_alnum || !text[..start].chars().next_back().is_some_and(char::is_alphanumeric);
        let after_ok = !ends_alnum || !text[end..].chars().next().is_some_and(char::is_alphanumeric);
        if before_ok && after_ok {
            starts.push(start);
            from = end;
        } else {
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    starts
}

/// Two amendments that cannot be applied together, and the element where they meet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("amendments {a} and {b} overlap in eId `{eid}`")]
pub struct Overlap {
    /// The amendment listed (or located) first.
    pub a: AmendmentId,
    /// The other one.
    pub b: AmendmentId,
    /// Where they meet: the element whose words both name, or the deleted element.
    pub eid: EId,
}

/// Every overlap among `amendments` that a left-to-right sweep finds: for each amendment that meets an
/// earlier one, one [`Overlap`] with the earlier one that reaches furthest (so that an empty result means no
/// two overlap). Word ranges are compared per element, in order of their start.
pub fn overlaps(amendments: &[&Amendment]) -> Vec<Overlap> {
    let mut found = Vec::new();
    let mut by_eid: BTreeMap<&EId, Vec<(Range<usize>, AmendmentId)>> = BTreeMap::new();
    let mut deleted: HashMap<&EId, AmendmentId> = HashMap::new();
    let mut added: HashMap<&EId, AmendmentId> = HashMap::new();
    for amendment in amendments {
        if let Some(located) = amendment.located() {
            by_eid.entry(amendment.eid()).or_default().push((located.target.clone(), amendment.id()));
        }
        match amendment.proposal() {
            Proposal::DeleteElement { eid } => {
                if let Some(first) = deleted.insert(eid, amendment.id()) {
                    found.push(Overlap { a: first, b: amendment.id(), eid: eid.clone() });
                    deleted.insert(eid, first);
                }
            }
            Proposal::AddElement { eid, .. } => {
                if let Some(first) = added.insert(eid, amendment.id()) {
                    found.push(Overlap { a: first, b: amendment.id(), eid: eid.clone() });
                    added.insert(eid, first);
                }
            }
            _ => {}
        }
    }
    for (eid, mut ranges) in by_eid {
        ranges.sort_by_key(|(range, id)| (range.start, range.end, *id));
        let mut reach: Option<(usize, AmendmentId)> = None;
        for (range, id) in ranges {
            match reach {
                Some((end, other)) if range.start < end => {
                    found.push(Overlap { a: other, b: id, eid: eid.clone() });
                    if range.end > end {
                        reach = Some((range.end, id));
                    }
                }
                _ => reach = Some((range.end, id)),
            }
        }
    }
    for amendment in amendments {
        if matches!(amendment.proposal(), Proposal::DeleteElement { .. }) {
            continue;
        }
        let mut eid = Some(amendment.eid().clone());
        while let Some(current) = eid {
            if let Some(&deleter) = deleted.get(&current) {
                found.push(Overlap { a: deleter, b: amendment.id(), eid: current });
                break;
            }
            eid = current.parent();
        }
    }
    for amendment in amendments {
        if let Proposal::DeleteElement { eid } = amendment.proposal() {
            let mut parent = eid.parent();
            while let Some(current) = parent {
                if let Some(&deleter) = deleted.get(&current) {
                    found.push(Overlap { a: deleter, b: amendment.id(), eid: current });
                    break;
                }
                parent = current.parent();
            }
        }
    }
    found
}

/// Where one change of the new revision came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The element changed, added or deleted.
    pub eid: EId,
    /// The byte range of the new words in the element's new own text (empty where words were deleted);
    /// `None` for a deleted element.
    pub new_range: Option<Range<usize>>,
    /// The amendment it came from.
    pub amendment_id: AmendmentId,
}

/// Which amendment made each change of a revision made by [`apply`] or [`apply_picks`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    origins: Vec<Origin>,
}

impl Provenance {
    /// The provenance of stored origins, in the order [`Provenance::origins`] gave them.
    pub fn from_origins(origins: Vec<Origin>) -> Provenance {
        Provenance { origins }
    }

    /// Every change with its amendment, by element in eId order, then in text order.
    pub fn origins(&self) -> &[Origin] {
        &self.origins
    }

    /// The amendments that changed, added or deleted the element `eid`, sorted, each once.
    pub fn amendments_for_eid(&self, eid: &EId) -> Vec<AmendmentId> {
        let mut ids: Vec<AmendmentId> = self
            .origins
            .iter()
            .filter(|origin| &origin.eid == eid)
            .map(|origin| origin.amendment_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The amendments whose new words in the element `eid` meet `new_range` (a byte range of its new own
    /// text; an empty range meets what touches it), sorted, each once.
    pub fn amendments_at(&self, eid: &EId, new_range: Range<usize>) -> Vec<AmendmentId> {
        let mut ids: Vec<AmendmentId> = self
            .origins
            .iter()
            .filter(|origin| &origin.eid == eid)
            .filter(|origin| match &origin.new_range {
                Some(range) => range.start <= new_range.end && new_range.start <= range.end,
                None => true,
            })
            .map(|origin| origin.amendment_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// For each word-level change of a redline entry ([`Inline::Ins`] and [`Inline::Del`] segments of its
    /// text blocks), the amendments whose new words meet it: `(block index, segment index, ids)`, in order.
    /// The new text's offsets count the blocks the new revision holds, joined by newlines, as
    /// [`Node::own_text`] joins them; a deletion sits at an empty range where its words were.
    pub fn amendments_for_segments(&self, entry: &Entry) -> Vec<(usize, usize, Vec<AmendmentId>)> {
        let Some(eid) = &entry.eid else { return Vec::new() };
        let mut found = Vec::new();
        let mut offset = 0;
        let new_blocks =
            entry.blocks.iter().enumerate().filter(|(_, block)| block.presence != Presence::OldOnly);
        for (block_idx, block) in new_blocks {
            if offset > 0 {
                offset += 1;
            }
            for (segment_idx, segment) in block.segments.iter().enumerate() {
                match segment {
                    Inline::Text(text) => offset += text.len(),
                    Inline::Ins(text) => {
                        found.push((
                            block_idx,
                            segment_idx,
                            self.amendments_at(eid, offset..offset + text.len()),
                        ));
                        offset += text.len();
                    }
                    Inline::Del(_) => {
                        found.push((block_idx, segment_idx, self.amendments_at(eid, offset..offset)))
                    }
                }
            }
        }
        found
    }

    /// The amendments that produced a redline entry of the base revision against the revision made with
    /// this provenance: those that changed, added or deleted its element. Empty for an unchanged element or
    /// one without eId.
    pub fn amendments_for(&self, entry: &Entry) -> Vec<AmendmentId> {
        match &entry.eid {
            Some(eid) if !entry.is_unchanged() => self.amendments_for_eid(eid),
            _ => Vec::new(),
        }
    }
}

impl crate::redline::Origins for Provenance {
    fn of_entry(&self, entry: &Entry) -> Vec<u64> {
        self.amendments_for(entry)
    }

    fn of_segments(&self, entry: &Entry) -> Vec<(usize, usize, Vec<u64>)> {
        self.amendments_for_segments(entry)
    }
}

/// Why a set of amendments could not be applied. Nothing is applied then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    /// Two amendments overlap.
    #[error(transparent)]
    Overlap(#[from] Overlap),
    /// The element's text no longer holds the words the amendment was checked against: it amends another
    /// revision.
    #[error("amendment {id}, eId `{eid}`: expected the words `{expected}` at bytes {start}..{end}, found `{found}`")]
    Stale {
        /// The amendment.
        id: AmendmentId,
        /// The element.
        eid: EId,
        /// The words it was checked against.
        expected: String,
        /// What the element's text holds there.
        found: String,
        /// The start of the range, in bytes.
        start: usize,
        /// Its end, in bytes.
        end: usize,
    },
    /// The edits made from the amendments failed (an eId gone from the revision).
    #[error("applying the amendments: {0}")]
    Edit(#[from] edit::ApplyError),
}

/// Applies `amendments`, none of which may overlap another, to a copy of `base`.
///
/// # Errors
/// [`ApplyError`]: the first overlap found, an amendment checked against another revision, or an edit that
/// fails; nothing is applied then.
pub fn apply(base: &Document, amendments: &[&Amendment]) -> Result<Document, ApplyError> {
    apply_with_provenance(base, amendments).map(|(document, _)| document)
}

/// Applies `amendments` as [`apply`] does and tells which amendment made each change.
///
/// # Errors
/// As [`apply`].
pub fn apply_with_provenance(
    base: &Document,
    amendments: &[&Amendment],
) -> Result<(Document, Provenance), ApplyError> {
    if let Some(overlap) = overlaps(amendments).into_iter().next() {
        return Err(ApplyError::Overlap(overlap));
    }
    let mut origins = Vec::new();
    let mut edits = Vec::new();
    let mut by_eid: BTreeMap<&EId, Vec<&Amendment>> = BTreeMap::new();
    for amendment in amendments.iter().filter(|amendment| amendment.located().is_some()) {
        by_eid.entry(amendment.eid()).or_default().push(amendment);
    }
    for (eid, on_element) in by_eid {
        let node = base
            .find(eid)
            .ok_or_else(|| edit::ApplyError { index: 0, error: crate::EditError::UnknownEId(eid.clone()) })?;
        let text = node.own_text();
        for amendment in &on_element {
            let target = &amendment.located().expect("filtered on located").target;
            let found = text.get(target.clone()).unwrap_or("");
            if found != amendment.old_words() {
                return Err(ApplyError::Stale {
                    id: amendment.id(),
                    eid: eid.clone(),
                    expected: amendment.old_words().to_owned(),
                    found: found.to_owned(),
                    start: target.start,
                    end: target.end,
                });
            }
        }
        let (new_text, ranges) = splice_all(&text, &on_element);
        for (new_range, amendment_id) in ranges {
            origins.push(Origin { eid: eid.clone(), new_range: Some(new_range), amendment_id });
        }
        edits.push(Edit::SetText { eid: eid.clone(), text: new_text });
    }
    // Added elements that follow the same element keep the order of the list: each goes right after that
    // element, so the last listed is inserted first.
    for amendment in amendments.iter().rev() {
        if let Proposal::AddElement { after, eid, element, num, text } = amendment.proposal() {
            edits.push(Edit::InsertAfter {
                after: after.clone(),
                eid: eid.clone(),
                element: element.clone(),
                num: num.clone(),
                text: text.clone(),
            });
            origins.push(Origin {
                eid: eid.clone(),
                new_range: Some(0..text.len()),
                amendment_id: amendment.id(),
            });
        }
    }
    for amendment in amendments {
        if let Proposal::DeleteElement { eid } = amendment.proposal() {
            edits.push(Edit::Delete { eid: eid.clone() });
            origins.push(Origin { eid: eid.clone(), new_range: None, amendment_id: amendment.id() });
        }
    }
    let document = edit::apply(base, &edits)?;
    origins.sort_by(|a, b| {
        (&a.eid, a.new_range.as_ref().map(|range| (range.start, range.end)))
            .cmp(&(&b.eid, b.new_range.as_ref().map(|range| (range.start, range.end))))
    });
    Ok((document, Provenance { origins }))
}

/// The text with the word amendments of one element spliced in, from left to right by their offsets in
/// `text`, and the byte range of each one's new words in the result. Where a deletion leaves two spaces, or a
/// space before punctuation, the space before it goes.
fn splice_all(text: &str, amendments: &[&Amendment]) -> (String, Vec<(Range<usize>, AmendmentId)>) {
    let mut located: Vec<(&Located, AmendmentId)> = amendments
        .iter()
        .filter_map(|amendment| amendment.located().map(|located| (located, amendment.id())))
        .collect();
    located.sort_by_key(|(located, id)| (located.splice.start, located.splice.end, *id));
    let mut out = String::with_capacity(text.len() + 64);
    let mut ranges = Vec::with_capacity(located.len());
    let mut cursor = 0;
    let mut protected_up_to = 0;
    for (located, id) in located {
        out.push_str(&text[cursor..located.splice.start]);
        if located.replacement.is_empty() {
            let next = text[located.splice.end..].chars().next();
            let seam = next.is_none_or(|c| c == ' ' || matches!(c, ',' | ';' | ':' | '.' | ')'));
            if seam && out.ends_with(' ') && out.len() > protected_up_to {
                out.pop();
            }
        }
        let start = out.len();
        out.push_str(&located.replacement);
        ranges.push((start..out.len(), id));
        protected_up_to = out.len();
        cursor = located.splice.end;
    }
    out.push_str(&text[cursor..]);
    (out, ranges)
}

/// The co-facilitators' choice of one amendment for the next revision, whole or with their own bridging text
/// in place of its proposed words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    /// The amendment picked.
    pub amendment_id: AmendmentId,
    /// Words that replace the amendment's proposed words ([`Amendment::with_bridging`]).
    pub bridging: Option<String>,
}

/// Why a set of picks could not be applied. Nothing is applied then.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyPicksError {
    /// A pick names an amendment that is not in the list.
    #[error("pick of amendment {0}: expected a tabled amendment, found none with that number")]
    UnknownAmendment(AmendmentId),
    /// An amendment is picked twice.
    #[error("amendment {0} is picked twice")]
    DuplicatePick(AmendmentId),
    /// The bridging text of a pick was refused.
    #[error("pick of amendment {id}: {source}")]
    Bridging {
        /// The amendment.
        id: AmendmentId,
        /// Why.
        source: AmendmentError,
    },
    /// The picked amendments could not be applied (an overlap most often).
    #[error(transparent)]
    Apply(#[from] ApplyError),
}

/// Makes the next revision from `base`: applies the picked `amendments`, with bridging text where given,
/// and tells which amendment made each change.
///
/// # Errors
/// [`ApplyPicksError`]: a pick of an unknown amendment, a double pick, refused bridging text, overlapping
/// picks, or an amendment of another revision; nothing is applied then.
pub fn apply_picks(
    base: &Document,
    amendments: &[Amendment],
    picks: &[Pick],
) -> Result<(Document, Provenance), ApplyPicksError> {
    let by_id: HashMap<AmendmentId, &Amendment> =
        amendments.iter().map(|amendment| (amendment.id(), amendment)).collect();
    let mut picked_ids = HashSet::new();
    let mut picked: Vec<std::borrow::Cow<'_, Amendment>> = Vec::with_capacity(picks.len());
    for pick in picks {
        let amendment =
            by_id.get(&pick.amendment_id).ok_or(ApplyPicksError::UnknownAmendment(pick.amendment_id))?;
        if !picked_ids.insert(pick.amendment_id) {
            return Err(ApplyPicksError::DuplicatePick(pick.amendment_id));
        }
        picked.push(match &pick.bridging {
            None => std::borrow::Cow::Borrowed(*amendment),
            Some(bridging) => std::borrow::Cow::Owned(
                amendment
                    .with_bridging(bridging)
                    .map_err(|source| ApplyPicksError::Bridging { id: pick.amendment_id, source })?,
            ),
        });
    }
    let picked: Vec<&Amendment> = picked.iter().map(|amendment| amendment.as_ref()).collect();
    Ok(apply_with_provenance(base, &picked)?)
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
