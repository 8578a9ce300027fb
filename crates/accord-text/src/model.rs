//! The document tree of a draft: a [`Document`] holds optional preface, preamble and conclusions and a body,
//! each a [`Node`]; a node holds its number, heading, intro, content (text [`Block`]s and child nodes, in
//! document order) and wrap-up, as Akoma Ntoso's `hierarchy` type does.
//!
//! The Global Compact for Migration reads, in this model:
//!
//! ```text
//! mainBody
//! └─ section sec_3 "Our cooperative framework"
//!    └─ hcontainer[name=objective] sec_3__obj_15  num "Objective 15", heading
//!       └─ paragraph sec_3__obj_15__para_1        num "31.", intro: the commitment, "To realize …"
//!          ├─ point sec_3__obj_15__para_1__point_a   num "(a)", content: one block
//!          └─ …
//! ```
//!
//! Inline markup (bold, references, notes) is kept as plain text: the model is about the words and the
//! structure that a negotiation changes. A [`Document`] guarantees that no two nodes share an eId.

use crate::eid::EId;
use std::collections::HashSet;

/// The metadata Akoma Ntoso keeps in `meta/identification` (FRBR) for one revision of a draft.
///
/// Dates are calendar dates without a time zone, as FRBR keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The AKN document type, the root's child element: `statement` for a compact, or `act`, `bill`, `doc`,
    /// `debate`, `documentCollection` … for imported documents.
    pub doc_type: String,
    /// The document's `@name`, for example `compact`.
    pub doc_name: String,
    /// The title, as in `docTitle` (`FRBRalias` when there is no title in the text).
    pub title: String,
    /// `FRBRcountry`: `un` for United Nations documents, an ISO 3166-1 alpha-2 code otherwise.
    pub country: String,
    /// The date of the work (`FRBRWork/FRBRdate`): the date the document was first created.
    pub work_date: time::Date,
    /// `FRBRWork/FRBRnumber`: a short, URI-safe name of the work, for example `gcm`.
    pub work_number: String,
    /// The official symbol of the source, for example `A/RES/73/195`, kept as `FRBRWork/FRBRname`
    /// and shown as `docNumber`.
    pub source_symbol: Option<String>,
    /// `FRBRExpression/FRBRlanguage`: an ISO 639-2 code such as `eng`.
    pub language: String,
    /// The date of this revision (`FRBRExpression/FRBRdate`).
    pub expression_date: time::Date,
    /// The revision's label (`FRBRExpression/FRBRversionNumber`), for example `Zero draft` or `Rev.1`.
    pub version: String,
    /// Who made this revision (`FRBRExpression/FRBRauthor`), for example `the co-facilitators`.
    pub author: String,
}

/// A run of text that Akoma Ntoso writes as a block element, most often `p`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The block element's name: `p` unless the source said otherwise (`from`, `tblock`, `num` …).
    pub element: String,
    /// The block's eId, when it has one.
    pub eid: Option<EId>,
    /// The text, inline markup flattened, white space as in the source but trimmed at both ends.
    pub text: String,
}

impl Block {
    /// A `p` block without eId.
    pub fn p(text: impl Into<String>) -> Block {
        Block { element: "p".to_owned(), eid: None, text: text.into() }
    }
}

/// One piece of a node's content: a block of text or a child node, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text.
    Block(Block),
    /// A child element with structure of its own.
    Node(Node),
}

/// An element of the document's structure: a section, an objective, a paragraph, a point, or any other Akoma
/// Ntoso container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The AKN element's name: `section`, `hcontainer`, `paragraph`, `point`, `crossHeading`, `mainBody` …
    pub element: String,
    /// `@name`, which `hcontainer` requires (`objective` in a compact).
    pub name: Option<String>,
    /// The node's eId; `None` only for the document's top parts (preface, preamble, body, conclusions) and for
    /// elements the source left without one.
    pub eid: Option<EId>,
    /// The number as displayed, for example `Objective 15`, `31.` or `(c)`.
    pub num: Option<String>,
    /// The heading.
    pub heading: Option<String>,
    /// The subheading.
    pub subheading: Option<String>,
    /// Text before the children (`intro`).
    pub intro: Vec<Block>,
    /// Text blocks and child nodes, in document order (`content`, or the children of a hierarchy).
    pub content: Vec<Part>,
    /// Text after the children (`wrapUp`).
    pub wrap_up: Vec<Block>,
}

impl Node {
    /// An empty node of the given element.
    pub fn new(element: impl Into<String>) -> Node {
        Node {
            element: element.into(),
            name: None,
            eid: None,
            num: None,
            heading: None,
            subheading: None,
            intro: Vec::new(),
            content: Vec::new(),
            wrap_up: Vec::new(),
        }
    }

    /// The child nodes, in order.
    pub fn children(&self) -> impl Iterator<Item = &Node> {
        self.content.iter().filter_map(|part| match part {
            Part::Node(node) => Some(node),
            Part::Block(_) => None,
        })
    }

    /// The node's own text blocks (intro, content blocks, wrap-up), not its children's.
    pub fn own_blocks(&self) -> impl Iterator<Item = &Block> {
        let content = self.content.iter().filter_map(|part| match part {
            Part::Block(block) => Some(block),
            Part::Node(_) => None,
        });
        self.intro.iter().chain(content).chain(self.wrap_up.iter())
    }

    /// The node's own text: its blocks joined by newlines (number and heading not included).
    pub fn own_text(&self) -> String {
        self.own_blocks().map(|block| block.text.as_str()).collect::<Vec<_>>().join("\n")
    }

    /// Visits this node and every node below it, depth first, in document order, with its depth
    /// (0 for `self`).
    pub fn walk<'a>(&'a self, visit: &mut impl FnMut(&'a Node, usize)) {
        fn go<'a>(node: &'a Node, depth: usize, visit: &mut impl FnMut(&'a Node, usize)) {
            visit(node, depth);
            for child in node.children() {
                go(child, depth + 1, visit);
            }
        }
        go(self, 0, visit);
    }

    /// All text of this node and its descendants in document order, num and heading included, each piece
    /// trimmed and joined by single spaces: what XPath's `normalize-space(string(.))` gives of the element.
    pub fn text_content(&self) -> String {
        let mut pieces: Vec<&str> = Vec::new();
        fn go<'a>(node: &'a Node, pieces: &mut Vec<&'a str>) {
            pieces.extend(node.num.as_deref());
            pieces.extend(node.heading.as_deref());
            pieces.extend(node.subheading.as_deref());
            pieces.extend(node.intro.iter().map(|block| block.text.as_str()));
            for part in &node.content {
                match part {
                    Part::Block(block) => pieces.push(&block.text),
                    Part::Node(child) => go(child, pieces),
                }
            }
            pieces.extend(node.wrap_up.iter().map(|block| block.text.as_str()));
        }
        go(self, &mut pieces);
        pieces.iter().flat_map(|piece| piece.split_whitespace()).collect::<Vec<_>>().join(" ")
    }

    fn find_mut(&mut self, eid: &EId) -> Option<&mut Node> {
        if self.eid.as_ref() == Some(eid) {
            return Some(self);
        }
        self.content.iter_mut().find_map(|part| match part {
            Part::Node(node) => node.find_mut(eid),
            Part::Block(_) => None,
        })
    }

    /// Removes the node with `eid` from below this node, returning it.
    fn take(&mut self, eid: &EId) -> Option<Node> {
        let position = self
            .content
            .iter()
            .position(|part| matches!(part, Part::Node(node) if node.eid.as_ref() == Some(eid)));
        if let Some(position) = position {
            return match self.content.remove(position) {
                Part::Node(node) => Some(node),
                Part::Block(_) => unreachable!("position points at a node"),
            };
        }
        self.content.iter_mut().find_map(|part| match part {
            Part::Node(node) => node.take(eid),
            Part::Block(_) => None,
        })
    }

    /// Inserts `new` right after the child with eId `after`, searching below this node; gives `new` back when
    /// `after` is not there.
    // The error gives the node back to the caller, unboxed on purpose: this private helper runs once per
    // edit, and boxing would cost an allocation on every miss of the search.
    #[allow(clippy::result_large_err)]
    fn insert_after(&mut self, after: &EId, new: Node) -> Result<(), Node> {
        let position = self
            .content
            .iter()
            .position(|part| matches!(part, Part::Node(node) if node.eid.as_ref() == Some(after)));
        if let Some(position) = position {
            self.content.insert(position + 1, Part::Node(new));
            return Ok(());
        }
        let mut new = new;
        for part in &mut self.content {
            if let Part::Node(node) = part {
                match node.insert_after(after, new) {
                    Ok(()) => return Ok(()),
                    Err(back) => new = back,
                }
            }
        }
        Err(new)
    }
}

/// One citable element of a document, flattened: what the store keeps per paragraph and the API lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The element's eId.
    pub eid: EId,
    /// The eId of the closest enclosing element that has one.
    pub parent: Option<EId>,
    /// The AKN element name (`hcontainer`, `paragraph`, `point` …).
    pub element: String,
    /// `@name` (`objective`).
    pub name: Option<String>,
    /// Depth below the document part that holds it (0 for a top-level section).
    pub depth: usize,
    /// Position in document order, from 0.
    pub position: usize,
    /// The number as displayed.
    pub num: Option<String>,
    /// The heading.
    pub heading: Option<String>,
    /// The element's own text ([`Node::own_text`]).
    pub text: String,
}

/// Why an edit of a document was refused. The document is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// No element has this eId.
    #[error("no element has eId `{0}`")]
    UnknownEId(EId),
    /// An element with this eId exists already.
    #[error("eId `{0}` is used more than once")]
    DuplicateEId(EId),
    /// A new element came without an eId.
    #[error("the new `{0}` element has no eId")]
    MissingEId(String),
    /// A node was to be moved below itself.
    #[error("`{0}` cannot be moved below itself")]
    MoveIntoSelf(EId),
}

/// A whole revision of a draft, or any imported Akoma Ntoso document: metadata and the document's parts.
///
/// Invariant: no two nodes or blocks share an eId (checked by [`Document::new`] and every edit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    meta: Meta,
    cover_page: Option<Node>,
    preface: Option<Node>,
    preamble: Option<Node>,
    body: Node,
    conclusions: Option<Node>,
    embedded: Vec<Document>,
}

impl Document {
    /// A document from its parts. `body` is the main part's node (`mainBody`, `body`, `debateBody` …).
    ///
    /// # Errors
    /// [`EditError::DuplicateEId`] naming the first eId that occurs twice.
    pub fn new(
        meta: Meta,
        preface: Option<Node>,
        preamble: Option<Node>,
        body: Node,
        conclusions: Option<Node>,
    ) -> Result<Document, EditError> {
        let document =
            Document { meta, cover_page: None, preface, preamble, body, conclusions, embedded: Vec::new() };
        document.check_unique_eids()?;
        Ok(document)
    }

    /// The same document with a cover page (`coverPage`, before the preface), as imported documents have.
    ///
    /// # Errors
    /// [`EditError::DuplicateEId`] naming the first eId of the cover page that the document uses already.
    pub fn with_cover_page(mut self, cover_page: Option<Node>) -> Result<Document, EditError> {
        self.cover_page = cover_page;
        self.check_unique_eids()?;
        Ok(self)
    }

    /// The same document with documents embedded in it (Akoma Ntoso `attachments`, or the `components` of a
    /// document collection), in order. Each embedded document is its own eId scope, as in Akoma Ntoso.
    pub fn with_embedded(mut self, embedded: Vec<Document>) -> Document {
        self.embedded = embedded;
        self
    }

    /// The cover page (`coverPage`), if any.
    pub fn cover_page(&self) -> Option<&Node> {
        self.cover_page.as_ref()
    }

    /// The documents embedded in this one (attachments, components), in order.
    pub fn embedded(&self) -> &[Document] {
        &self.embedded
    }

    /// The metadata.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// The preface (`preface`), if any.
    pub fn preface(&self) -> Option<&Node> {
        self.preface.as_ref()
    }

    /// The preamble (`preamble`), if any.
    pub fn preamble(&self) -> Option<&Node> {
        self.preamble.as_ref()
    }

    /// The main part (`mainBody`, `body` …).
    pub fn body(&self) -> &Node {
        &self.body
    }

    /// The conclusions (`conclusions`), if any.
    pub fn conclusions(&self) -> Option<&Node> {
        self.conclusions.as_ref()
    }

    /// The same text under other metadata (a new revision's label, date and author).
    pub fn with_meta(mut self, meta: Meta) -> Document {
        self.meta = meta;
        self
    }

    /// The top parts that exist, in document order (cover page, preface, preamble, body, conclusions; not the
    /// embedded documents).
    pub fn parts(&self) -> impl Iterator<Item = &Node> {
        self.cover_page
            .iter()
            .chain(self.preface.iter())
            .chain(self.preamble.iter())
            .chain(std::iter::once(&self.body))
            .chain(self.conclusions.iter())
    }

    fn parts_mut(&mut self) -> impl Iterator<Item = &mut Node> {
        self.cover_page
            .iter_mut()
            .chain(self.preface.iter_mut())
            .chain(self.preamble.iter_mut())
            .chain(std::iter::once(&mut self.body))
            .chain(self.conclusions.iter_mut())
    }

    /// Every element that has an eId, flattened in document order.
    pub fn units(&self) -> Vec<Unit> {
        let mut units = Vec::new();
        for part in self.parts() {
            let mut parents: Vec<Option<EId>> = Vec::new();
            part.walk(&mut |node, depth| {
                parents.truncate(depth);
                let parent = parents.iter().rev().flatten().next().cloned();
                parents.push(node.eid.clone());
                if let Some(eid) = &node.eid {
                    units.push(Unit {
                        eid: eid.clone(),
                        parent,
                        element: node.element.clone(),
                        name: node.name.clone(),
                        depth: depth.saturating_sub(1),
                        position: units.len(),
                        num: node.num.clone(),
                        heading: node.heading.clone(),
                        text: node.own_text(),
                    });
                }
            });
        }
        units
    }

    /// The node with this eId.
    pub fn find(&self, eid: &EId) -> Option<&Node> {
        let mut found = None;
        for part in self.parts() {
            part.walk(&mut |node, _| {
                if found.is_none() && node.eid.as_ref() == Some(eid) {
                    found = Some(node);
                }
            });
        }
        found
    }

    /// All nodes below the top parts that satisfy `keep`, in document order.
    pub fn nodes_where(&self, keep: impl Fn(&Node) -> bool) -> Vec<&Node> {
        let mut nodes = Vec::new();
        for part in self.parts() {
            part.walk(&mut |node, depth| {
                if depth > 0 && keep(node) {
                    nodes.push(node);
                }
            });
        }
        nodes
    }

    /// Replaces the own text of the element `eid`: the text is split into blocks at newlines, and the blocks
    /// go where the element kept its text (its intro when it has one, otherwise its content).
    ///
    /// # Errors
    /// [`EditError::UnknownEId`] when no element has `eid`.
    pub fn set_text(&mut self, eid: &EId, text: &str) -> Result<(), EditError> {
        let node = self.find_mut(eid)?;
        let blocks: Vec<Block> =
            text.lines().map(str::trim).filter(|line| !line.is_empty()).map(Block::p).collect();
        if !node.intro.is_empty() {
            node.intro = blocks;
        } else {
            let children: Vec<Part> =
                node.content.drain(..).filter(|part| matches!(part, Part::Node(_))).collect();
            node.content = blocks.into_iter().map(Part::Block).chain(children).collect();
        }
        Ok(())
    }

    /// Replaces the heading of the element `eid` (`None` removes it).
    ///
    /// # Errors
    /// [`EditError::UnknownEId`] when no element has `eid`.
    pub fn set_heading(&mut self, eid: &EId, heading: Option<&str>) -> Result<(), EditError> {
        self.find_mut(eid)?.heading = heading.map(str::to_owned);
        Ok(())
    }

    /// Replaces the number of the element `eid` (`None` removes it). The eId does not change.
    ///
    /// # Errors
    /// [`EditError::UnknownEId`] when no element has `eid`.
    pub fn set_num(&mut self, eid: &EId, num: Option<&str>) -> Result<(), EditError> {
        self.find_mut(eid)?.num = num.map(str::to_owned);
        Ok(())
    }

    /// Inserts `node` as the next sibling of the element `after`.
    ///
    /// # Errors
    /// [`EditError::UnknownEId`] when no element has `after`; [`EditError::MissingEId`] when `node` has no
    /// eId; [`EditError::DuplicateEId`] when an eId in `node` is taken.
    pub fn insert_after(&mut self, after: &EId, node: Node) -> Result<(), EditError> {
        let Some(new_eid) = node.eid.clone() else {
            return Err(EditError::MissingEId(node.element));
        };
        if self.find(&new_eid).is_some() {
            return Err(EditError::DuplicateEId(new_eid));
        }
        let mut candidate = self.clone();
        let mut node = Some(node);
        for part in candidate.parts_mut() {
            match part.insert_after(after, node.take().expect("node is put back on each miss")) {
                Ok(()) => break,
                Err(back) => node = Some(back),
            }
        }
        if node.is_some() {
            return Err(EditError::UnknownEId(after.clone()));
        }
        candidate.check_unique_eids()?;
        *self = candidate;
        Ok(())
    }

    /// Removes the element `eid` and everything below it, returning it.
    ///
    /// # Errors
    /// [`EditError::UnknownEId`] when no element below the top parts has `eid`.
    pub fn remove(&mut self, eid: &EId) -> Result<Node, EditError> {
        self.parts_mut().find_map(|part| part.take(eid)).ok_or_else(|| EditError::UnknownEId(eid.clone()))
    }

    /// Moves the element `eid` (with what is below it) to right after the element `after`.
    ///
    /// # Errors
    /// [`EditError::UnknownEId`] for either eId; [`EditError::MoveIntoSelf`] when `after` lies inside `eid`.
    pub fn move_after(&mut self, eid: &EId, after: &EId) -> Result<(), EditError> {
        let moving = self.find(eid).ok_or_else(|| EditError::UnknownEId(eid.clone()))?;
        let mut inside = false;
        moving.walk(&mut |node, _| inside |= node.eid.as_ref() == Some(after));
        if inside {
            return Err(EditError::MoveIntoSelf(eid.clone()));
        }
        let mut candidate = self.clone();
        let node = candidate.remove(eid)?;
        candidate.insert_after(after, node)?;
        *self = candidate;
        Ok(())
    }

    fn find_mut(&mut self, eid: &EId) -> Result<&mut Node, EditError> {
        self.parts_mut().find_map(|part| part.find_mut(eid)).ok_or_else(|| EditError::UnknownEId(eid.clone()))
    }

    fn check_unique_eids(&self) -> Result<(), EditError> {
        let mut seen: HashSet<&EId> = HashSet::new();
        let mut duplicate: Option<EId> = None;
        for part in self.parts() {
            part.walk(&mut |node, _| {
                let block_eids = node.own_blocks().filter_map(|block| block.eid.as_ref());
                for eid in node.eid.iter().chain(block_eids) {
                    if !seen.insert(eid) && duplicate.is_none() {
                        duplicate = Some(eid.clone());
                    }
                }
            });
        }
        match duplicate {
            Some(eid) => Err(EditError::DuplicateEId(eid)),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn eid(text: &str) -> EId {
        EId::parse(text).unwrap()
    }

    fn point(id: &str, num: &str, text: &str) -> Node {
        let mut node = Node::new("point");
        node.eid = Some(eid(id));
        node.num = Some(num.to_owned());
        node.content.push(Part::Block(Block::p(text)));
        node
    }

    fn sample() -> Document {
        let mut paragraph = Node::new("paragraph");
        paragraph.eid = Some(eid("sec_3__obj_1__para_1"));
        paragraph.intro.push(Block::p("We commit to act."));
        paragraph.content.push(Part::Node(point("sec_3__obj_1__para_1__point_a", "(a)", "Count.")));
        paragraph.content.push(Part::Node(point("sec_3__obj_1__para_1__point_b", "(b)", "Share.")));
        let mut body = Node::new("mainBody");
        body.content.push(Part::Node(paragraph));
        let meta = Meta {
            doc_type: "statement".into(),
            doc_name: "compact".into(),
            title: "A compact".into(),
            country: "un".into(),
            work_date: date!(2018 - 07 - 13),
            work_number: "test".into(),
            source_symbol: None,
            language: "eng".into(),
            expression_date: date!(2018 - 07 - 13),
            version: "Zero draft".into(),
            author: "the co-facilitators".into(),
        };
        Document::new(meta, None, None, body, None).unwrap()
    }

    #[test]
    fn units_follow_document_order_with_parents() {
        let units = sample().units();
        let eids: Vec<&str> = units.iter().map(|unit| unit.eid.as_str()).collect();
        assert_eq!(
            eids,
            ["sec_3__obj_1__para_1", "sec_3__obj_1__para_1__point_a", "sec_3__obj_1__para_1__point_b"]
        );
        assert_eq!(units[1].parent.as_ref().unwrap().as_str(), "sec_3__obj_1__para_1");
        assert_eq!(units[0].text, "We commit to act.");
        assert_eq!(units[2].text, "Share.");
    }

    #[test]
    fn set_text_replaces_intro_of_a_paragraph_and_content_of_a_point() {
        let mut document = sample();
        document.set_text(&eid("sec_3__obj_1__para_1"), "We commit to act together.").unwrap();
        document.set_text(&eid("sec_3__obj_1__para_1__point_a"), "Count all.").unwrap();
        let units = document.units();
        assert_eq!(units[0].text, "We commit to act together.");
        assert_eq!(units[1].text, "Count all.");
        assert_eq!(units.len(), 3, "children stay");
    }

    #[test]
    fn a_duplicate_eid_is_refused_and_the_document_is_unchanged() {
        let mut document = sample();
        let before = document.clone();
        let error = document
            .insert_after(
                &eid("sec_3__obj_1__para_1__point_a"),
                point("sec_3__obj_1__para_1__point_b", "(c)", "x"),
            )
            .unwrap_err();
        assert_eq!(error, EditError::DuplicateEId(eid("sec_3__obj_1__para_1__point_b")));
        assert_eq!(document, before);
    }

    #[test]
    fn insert_move_and_remove_keep_eids() {
        let mut document = sample();
        document
            .insert_after(
                &eid("sec_3__obj_1__para_1__point_a"),
                point("sec_3__obj_1__para_1__point_a-bis", "(b)", "New."),
            )
            .unwrap();
        document
            .move_after(&eid("sec_3__obj_1__para_1__point_a"), &eid("sec_3__obj_1__para_1__point_b"))
            .unwrap();
        let order: Vec<String> = document.units().iter().map(|unit| unit.eid.to_string()).collect();
        assert_eq!(
            order,
            [
                "sec_3__obj_1__para_1",
                "sec_3__obj_1__para_1__point_a-bis",
                "sec_3__obj_1__para_1__point_b",
                "sec_3__obj_1__para_1__point_a"
            ]
        );
        document.remove(&eid("sec_3__obj_1__para_1__point_b")).unwrap();
        assert_eq!(document.units().len(), 3);
        assert_eq!(document.remove(&eid("nope")).unwrap_err(), EditError::UnknownEId(eid("nope")));
        assert_eq!(
            document
                .move_after(&eid("sec_3__obj_1__para_1"), &eid("sec_3__obj_1__para_1__point_a"))
                .unwrap_err(),
            EditError::MoveIntoSelf(eid("sec_3__obj_1__para_1"))
        );
    }

    #[test]
    fn text_content_normalizes_white_space_like_xpath() {
        assert_eq!(sample().body().text_content(), "We commit to act. (a) Count. (b) Share.");
    }
}
