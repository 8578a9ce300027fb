//! The compilation text of a round: a revision with every tabled amendment shown in square brackets at its
//! place and attributed, alternatives grouped where several amendments touch the same words, and the elements
//! that no amendment touches marked as such.
//!
//! [`compile`] makes a [`Compilation`], a plain value the server renders as HTML: per element of the revision,
//! in reading order (proposed new elements right after the element they follow, with what lies below it),
//! its own text as [`Segment`]s: unchanged [`Segment::Text`], one [`Segment::Proposal`] where one change (by
//! one or more identical amendments) is proposed, [`Segment::Alternatives`] where different amendments name
//! intersecting words. Renderings: [`render_term`] for a terminal, for example
//!
//! ```text
//! … national [and local] (New York, Chicago and 12 others) authorities …
//! … [national / national and local (New York) / regional (Brazil)] …
//! ```
//!
//! and [`to_akn`] for Akoma Ntoso, each proposal as `ins` and `del` elements that refer to the amendment and
//! its parties, declared as TLC references in `meta`.
//!
//! Attribution ([`attribution_label`]): the sponsor, then the co-sponsors, as "A", "A and B", "A, B and C",
//! and beyond three "A, B and N others".
//!
//! Pure: no I/O, no clock.

use crate::akn::{self, Inline};
use crate::amendment::{Amendment, AmendmentId, Kind, Proposal};
use crate::eid::EId;
use crate::model::{Block, Document, Node, Part};
use crate::redline::diff_words;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

/// Which amendments a compilation shows. The default shows all of them on the whole text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only amendments that this party sponsors or co-sponsors.
    pub party: Option<String>,
    /// Only this element and what lies below it (an objective's eId, `sec_3__obj_15`), amendments included.
    pub objective: Option<EId>,
    /// Only amendments of these kinds; empty for all kinds.
    pub kinds: Vec<Kind>,
}

impl Filter {
    fn keeps(&self, amendment: &Amendment) -> bool {
        let party_ok = self.party.as_deref().is_none_or(|party| amendment.parties().any(|p| p == party));
        let kind_ok = self.kinds.is_empty() || self.kinds.contains(&amendment.kind());
        party_ok && kind_ok && self.covers(amendment.eid())
    }

    fn covers(&self, eid: &EId) -> bool {
        match &self.objective {
            None => true,
            Some(objective) => {
                let eid = eid.as_str();
                let objective = objective.as_str();
                eid == objective || (eid.starts_with(objective) && eid[objective.len()..].starts_with("__"))
            }
        }
    }
}

/// One proposed change, by one amendment or several identical ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposed {
    /// The amendments that propose it, ascending.
    pub ids: Vec<AmendmentId>,
    /// Their kind.
    pub kind: Kind,
    /// The words of the revision it changes (for an alternative, all words of the group; for an insertion,
    /// its anchor); the element's text for an element deletion, empty for a new element.
    pub old_words: String,
    /// What those words become; empty for a deletion of the words or the element.
    pub new_words: String,
    /// The parties behind it: each amendment's sponsor then co-sponsors, each party once, as displayed.
    pub parties: Vec<String>,
    /// The attribution label of `parties` ([`attribution_label`]).
    pub sponsors: String,
}

/// Different changes proposed for intersecting words of one element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternatives {
    /// The words of the revision that the group covers: from the first word any of them names to the last.
    pub old_words: String,
    /// Each proposal, its `old_words` being the group's and its `new_words` the group's words as it would
    /// make them; in order of where its words start, then of amendment number.
    pub options: Vec<Proposed>,
}

/// A piece of an element's text in the compilation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Words no amendment touches.
    Text(String),
    /// Words one change is proposed for.
    Proposal(Proposed),
    /// Words several different changes are proposed for.
    Alternatives(Alternatives),
}

/// One element of the compilation: an element of the revision or a proposed new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledElement {
    /// Its eId (the proposed eId for a new element).
    pub eid: EId,
    /// The AKN element name.
    pub element: String,
    /// The number as displayed.
    pub num: Option<String>,
    /// The heading.
    pub heading: Option<String>,
    /// Depth below the document part (0 for a section of the compact).
    pub depth: usize,
    /// Its own text as segments, in order; the segments' old sides join into its own text. Empty for an
    /// element without text of its own; a new element's text is in its proposal.
    pub segments: Vec<Segment>,
    /// Proposals for the element as a whole: its deletion, or, for a new element, its addition.
    pub element_proposals: Vec<Proposed>,
    /// True for an element proposed by an amendment, not in the revision.
    pub is_new: bool,
    /// For a new element, the element of the revision it is proposed to follow.
    pub after: Option<EId>,
}

impl CompiledElement {
    /// True when an amendment touches the element's words or the element itself.
    pub fn has_proposal(&self) -> bool {
        !self.element_proposals.is_empty() || self.segments.iter().any(|s| !matches!(s, Segment::Text(_)))
    }

    /// True for an element with text of its own that no amendment touches: "no proposal".
    pub fn has_no_proposal(&self) -> bool {
        !self.segments.is_empty() && !self.has_proposal()
    }

    /// The element's text in the revision (empty for a new element).
    pub fn old_text(&self) -> String {
        self.segments
            .iter()
            .map(|segment| match segment {
                Segment::Text(text) => text.as_str(),
                Segment::Proposal(proposed) => proposed.old_words.as_str(),
                Segment::Alternatives(alternatives) => alternatives.old_words.as_str(),
            })
            .collect()
    }
}

/// The compilation text: the revision's elements in reading order with the amendments shown. Made by
/// [`compile`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compilation {
    elements: Vec<CompiledElement>,
    n_amendments: usize,
}

impl Compilation {
    /// The elements in reading order.
    pub fn elements(&self) -> &[CompiledElement] {
        &self.elements
    }

    /// How many amendments the filter kept.
    pub fn n_amendments(&self) -> usize {
        self.n_amendments
    }

    /// The element with this eId.
    pub fn element(&self, eid: &EId) -> Option<&CompiledElement> {
        self.elements.iter().find(|element| &element.eid == eid)
    }
}

/// "A", "A and B", "A, B and C"; more than three: "A, B and N others" (N the number after the second).
///
/// ```
/// use accord_text::compilation::attribution_label;
///
/// assert_eq!(attribution_label(&["New York", "Chicago", "Lisbon"]), "New York, Chicago and Lisbon");
/// assert_eq!(attribution_label(&["New York", "Chicago", "Lisbon", "Brazil"]), "New York, Chicago and 2 others");
/// ```
pub fn attribution_label<S: AsRef<str>>(parties: &[S]) -> String {
    match parties {
        [] => String::new(),
        [a] => a.as_ref().to_owned(),
        [a, b] => format!("{} and {}", a.as_ref(), b.as_ref()),
        [a, b, c] => format!("{}, {} and {}", a.as_ref(), b.as_ref(), c.as_ref()),
        [a, b, rest @ ..] => format!("{}, {} and {} others", a.as_ref(), b.as_ref(), rest.len()),
    }
}

/// The compilation of `document` with the `amendments` that `filter` keeps. `party_name` gives the name to
/// display for a party id (the identity for ids that are names already).
///
/// Amendments are expected to be checked against `document` ([`Amendment::new`]); one whose words are no
/// longer where it says is left out rather than shown in the wrong place.
///
/// Cost: linear in the text's length plus the number of amendments times the log of that number.
pub fn compile(
    document: &Document,
    amendments: &[Amendment],
    filter: &Filter,
    party_name: &dyn Fn(&str) -> String,
) -> Compilation {
    let kept: Vec<&Amendment> = amendments.iter().filter(|amendment| filter.keeps(amendment)).collect();
    let mut words_by_eid: HashMap<&EId, Vec<&Amendment>> = HashMap::new();
    let mut deletions_by_eid: HashMap<&EId, Vec<&Amendment>> = HashMap::new();
    let mut additions_after: HashMap<&EId, Vec<&Amendment>> = HashMap::new();
    for amendment in &kept {
        let eid = amendment.eid();
        match amendment.proposal() {
            Proposal::DeleteElement { .. } => deletions_by_eid.entry(eid).or_default().push(amendment),
            Proposal::AddElement { .. } => additions_after.entry(eid).or_default().push(amendment),
            _ => words_by_eid.entry(eid).or_default().push(amendment),
        }
    }
    let builder = Builder { words_by_eid, deletions_by_eid, additions_after, party_name, filter };
    let mut elements = Vec::new();
    for part in document.parts() {
        for child in part.children() {
            builder.visit(child, 0, &mut elements);
        }
    }
    Compilation { elements, n_amendments: kept.len() }
}

struct Builder<'a> {
    words_by_eid: HashMap<&'a EId, Vec<&'a Amendment>>,
    deletions_by_eid: HashMap<&'a EId, Vec<&'a Amendment>>,
    additions_after: HashMap<&'a EId, Vec<&'a Amendment>>,
    party_name: &'a dyn Fn(&str) -> String,
    filter: &'a Filter,
}

impl Builder<'_> {
    fn visit(&self, node: &Node, depth: usize, elements: &mut Vec<CompiledElement>) {
        let listed = node.eid.as_ref().filter(|eid| self.filter.covers(eid));
        if let Some(eid) = listed {
            let text = node.own_text();
            let no_amendments = Vec::new();
            let on_words = self.words_by_eid.get(eid).unwrap_or(&no_amendments);
            let segments = self.segments(&text, on_words);
            let element_proposals = match self.deletions_by_eid.get(eid) {
                Some(deletions) => {
                    vec![self.proposed(deletions, Kind::DeleteElement, text.clone(), String::new())]
                }
                None => Vec::new(),
            };
            elements.push(CompiledElement {
                eid: eid.clone(),
                element: node.element.clone(),
                num: node.num.clone(),
                heading: node.heading.clone(),
                depth,
                segments,
                element_proposals,
                is_new: false,
                after: None,
            });
        }
        for child in node.children() {
            self.visit(child, depth + 1, elements);
        }
        let Some(eid) = &node.eid else { return };
        for addition in self.additions_after.get(eid).into_iter().flatten() {
            let Proposal::AddElement { eid, element, num, text, .. } = addition.proposal() else { continue };
            elements.push(CompiledElement {
                eid: eid.clone(),
                element: element.clone(),
                num: num.clone(),
                heading: None,
                depth,
                segments: Vec::new(),
                element_proposals: vec![self.proposed(
                    &[addition],
                    Kind::AddElement,
                    String::new(),
                    text.clone(),
                )],
                is_new: true,
                after: Some(addition.eid().clone()),
            });
        }
    }

    fn proposed(
        &self,
        amendments: &[&Amendment],
        kind: Kind,
        old_words: String,
        new_words: String,
    ) -> Proposed {
        let mut ids: Vec<AmendmentId> = amendments.iter().map(|amendment| amendment.id()).collect();
        ids.sort_unstable();
        let mut seen = HashSet::new();
        let parties: Vec<String> = amendments
            .iter()
            .flat_map(|amendment| amendment.parties())
            .filter(|party| seen.insert(*party))
            .map(|party| (self.party_name)(party))
            .collect();
        let sponsors = attribution_label(&parties);
        Proposed { ids, kind, old_words, new_words, parties, sponsors }
    }

    /// The element's text cut at the words the amendments name; intersecting ones grouped.
    fn segments(&self, text: &str, amendments: &[&Amendment]) -> Vec<Segment> {
        if text.is_empty() {
            return Vec::new();
        }
        let mut located: Vec<&Amendment> = amendments
            .iter()
            .copied()
            .filter(|amendment| {
                amendment.target_range().is_some_and(|target| text.get(target) == Some(amendment.old_words()))
            })
            .collect();
        located.sort_by_key(|amendment| {
            let target = amendment.target_range().expect("filtered on located");
            (target.start, target.end, amendment.id())
        });
        let mut segments = Vec::new();
        let mut cursor = 0;
        let mut group_idx = 0;
        while group_idx < located.len() {
            let first = located[group_idx].target_range().expect("filtered on located");
            let mut group_range = first;
            let mut group_end_idx = group_idx + 1;
            while let Some(next) = located.get(group_end_idx) {
                let next = next.target_range().expect("filtered on located");
                if next.start >= group_range.end {
                    break;
                }
                group_range.end = group_range.end.max(next.end);
                group_end_idx += 1;
            }
            if cursor < group_range.start {
                segments.push(Segment::Text(text[cursor..group_range.start].to_owned()));
            }
            segments.push(self.group(text, group_range.clone(), &located[group_idx..group_end_idx]));
            cursor = group_range.end;
            group_idx = group_end_idx;
        }
        if cursor < text.len() {
            segments.push(Segment::Text(text[cursor..].to_owned()));
        }
        segments
    }

    /// One group of amendments whose words intersect: identical changes merged into one proposal; one
    /// proposal alone, several as alternatives.
    fn group(&self, text: &str, range: Range<usize>, amendments: &[&Amendment]) -> Segment {
        let mut changes: Vec<(String, Kind, Vec<&Amendment>)> = Vec::new();
        for amendment in amendments {
            let located = amendment.located().expect("grouped amendments are located");
            let mut new_words = String::with_capacity(range.len() + located.replacement.len());
            new_words.push_str(&text[range.start..located.splice.start]);
            new_words.push_str(&located.replacement);
            new_words.push_str(&text[located.splice.end..range.end]);
            match changes.iter_mut().find(|(words, kind, _)| *words == new_words && *kind == amendment.kind())
            {
                Some((_, _, same)) => same.push(amendment),
                None => changes.push((new_words, amendment.kind(), vec![amendment])),
            }
        }
        let old_words = text[range].to_owned();
        let mut options: Vec<Proposed> = changes
            .into_iter()
            .map(|(new_words, kind, same)| self.proposed(&same, kind, old_words.clone(), new_words))
            .collect();
        if options.len() == 1 {
            return Segment::Proposal(options.remove(0));
        }
        Segment::Alternatives(Alternatives { old_words, options })
    }
}

/// The compilation as text for a terminal: one line per element, indented by depth, with its number and
/// eId, then its text with proposals in square brackets and attributed:
///
/// - an insertion: `national [and local] (New York) authorities`;
/// - a replacement: `[at local level / at local and municipal level (New York)]`;
/// - a deletion: `[strictly / — (Chicago)]`;
/// - alternatives: `[national / national and local (New York) / regional (Brazil)]`;
/// - an element deletion ends the line with `[delete (Chicago)]`, a new element reads
///   `[new: its text] (New York)`, an element with text and no proposal ends with `— no proposal`.
pub fn render_term(compilation: &Compilation) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{} amendments, {} of {} elements with proposals\n",
        compilation.n_amendments(),
        compilation.elements().iter().filter(|element| element.has_proposal()).count(),
        compilation.elements().len()
    ));
    for element in compilation.elements() {
        out.push_str(&"  ".repeat(element.depth));
        if let Some(num) = &element.num {
            out.push_str(num);
            out.push(' ');
        }
        out.push_str(&format!("[{}]", element.eid));
        if let Some(heading) = &element.heading {
            out.push_str(&format!(" {heading}"));
        }
        if !element.segments.is_empty() {
            out.push_str(": ");
        }
        for segment in &element.segments {
            match segment {
                Segment::Text(text) => out.push_str(&text.replace('\n', " / ")),
                Segment::Proposal(proposed) => out.push_str(&render_proposed(proposed)),
                Segment::Alternatives(alternatives) => {
                    out.push('[');
                    out.push_str(&alternatives.old_words);
                    for option in &alternatives.options {
                        out.push_str(&format!(" / {} ({})", shown(&option.new_words), option.sponsors));
                    }
                    out.push(']');
                }
            }
        }
        for proposed in &element.element_proposals {
            match proposed.kind {
                Kind::AddElement => {
                    out.push_str(&format!(" [new: {}] ({})", proposed.new_words, proposed.sponsors))
                }
                _ => out.push_str(&format!(" [delete ({})]", proposed.sponsors)),
            }
        }
        if element.has_no_proposal() {
            out.push_str(" — no proposal");
        }
        out.push('\n');
    }
    out
}

fn shown(words: &str) -> &str {
    if words.is_empty() {
        "—"
    } else {
        words
    }
}

fn render_proposed(proposed: &Proposed) -> String {
    let old = proposed.old_words.as_str();
    let new = proposed.new_words.as_str();
    if proposed.kind == Kind::InsertWords {
        if let Some(inserted) = new.strip_prefix(old) {
            return format!("{old} [{}] ({})", inserted.trim(), proposed.sponsors);
        }
        if let Some(inserted) = new.strip_suffix(old) {
            return format!("[{}] ({}) {old}", inserted.trim(), proposed.sponsors);
        }
    }
    format!("[{old} / {} ({})]", shown(new), proposed.sponsors)
}

/// The compilation as an Akoma Ntoso 3.0 document, valid against the official schema: the revision with
/// proposed new elements in their place, each proposal's words as `del` and `ins` (the word diff of its old
/// and new words; alternatives as one `del` of the group's words and one `ins` per option), each with
/// `refersTo` naming the amendments (`#amendment-12`) and their parties (`#party-new-york`), `title` the
/// attribution label and `class="amendment"`. `meta/references` declares every amendment as a `TLCConcept`
/// and every party as a `TLCOrganization`. `document` must be the revision the compilation was made of.
pub fn to_akn(document: &Document, compilation: &Compilation) -> String {
    let mut party_refs: BTreeMap<String, String> = BTreeMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    let mut amendment_labels: BTreeMap<AmendmentId, (Kind, String)> = BTreeMap::new();
    let mut note_proposed = |proposed: &Proposed| {
        for party in &proposed.parties {
            if !party_refs.contains_key(party) {
                let base = format!("party-{}", slug(party));
                let mut reference = base.clone();
                let mut n_taken = 1;
                while !taken.insert(reference.clone()) {
                    n_taken += 1;
                    reference = format!("{base}-{n_taken}");
                }
                party_refs.insert(party.clone(), reference);
            }
        }
        for id in &proposed.ids {
            amendment_labels.entry(*id).or_insert_with(|| (proposed.kind, proposed.sponsors.clone()));
        }
    };
    for element in compilation.elements() {
        for proposed in element_proposeds(element) {
            note_proposed(proposed);
        }
    }
    let attributes = |proposed: &Proposed| -> String {
        let mut refers: Vec<String> = proposed.ids.iter().map(|id| format!("#amendment-{id}")).collect();
        refers.extend(proposed.parties.iter().map(|party| format!("#{}", party_refs[party])));
        format!(
            " refersTo=\"{}\" title=\"{}\" class=\"amendment\"",
            escape(&refers.join(" ")),
            escape(&proposed.sponsors)
        )
    };

    // The pieces of each element's own blocks, and the revision with the proposed new elements.
    let mut pieces_by_eid: HashMap<EId, Vec<Vec<Piece>>> = HashMap::new();
    let mut additions: HashMap<EId, Vec<Node>> = HashMap::new();
    let mut added_eids: HashSet<&EId> = HashSet::new();
    for element in compilation.elements() {
        let mut pieces: Vec<Piece> = Vec::new();
        if element.is_new {
            // An eId proposed twice (two amendments adding the same element) is shown once: the export must
            // keep eIds unique.
            if !added_eids.insert(&element.eid) {
                continue;
            }
            let proposed = &element.element_proposals[0];
            pieces.push((Inline::Ins(proposed.new_words.clone()), Some(attributes(proposed))));
            let mut node = Node::new(element.element.clone());
            node.eid = Some(element.eid.clone());
            node.num.clone_from(&element.num);
            node.content.push(Part::Block(Block::p(proposed.new_words.clone())));
            let after = element.after.clone().expect("a new element follows an element of the revision");
            additions.entry(after).or_default().push(node);
        } else {
            let deletion =
                element.element_proposals.iter().find(|proposed| proposed.kind == Kind::DeleteElement);
            for segment in &element.segments {
                match segment {
                    Segment::Text(text) => match deletion {
                        Some(deletion) => {
                            pieces.push((Inline::Del(text.clone()), Some(attributes(deletion))))
                        }
                        None => pieces.push((Inline::Text(text.clone()), None)),
                    },
                    Segment::Proposal(proposed) => {
                        let attributes = attributes(proposed);
                        for inline in diff_words(&proposed.old_words, &proposed.new_words) {
                            let marked = !matches!(inline, Inline::Text(_));
                            pieces.push((inline, marked.then(|| attributes.clone())));
                        }
                    }
                    Segment::Alternatives(alternatives) => {
                        let all = Proposed {
                            ids: alternatives.options.iter().flat_map(|o| o.ids.iter().copied()).collect(),
                            kind: Kind::ReplaceWords,
                            old_words: String::new(),
                            new_words: String::new(),
                            parties: dedup(
                                alternatives.options.iter().flat_map(|o| o.parties.iter().cloned()),
                            ),
                            sponsors: String::new(),
                        };
                        pieces.push((Inline::Del(alternatives.old_words.clone()), Some(attributes(&all))));
                        for option in &alternatives.options {
                            pieces.push((Inline::Ins(option.new_words.clone()), Some(attributes(option))));
                        }
                    }
                }
            }
        }
        pieces_by_eid.insert(element.eid.clone(), split_blocks(pieces));
    }

    let attributes_in_order: RefCell<Vec<String>> = RefCell::new(Vec::new());
    let inline = |node: &Node, block_idx: usize| -> Option<Vec<Inline>> {
        let blocks = pieces_by_eid.get(node.eid.as_ref()?)?;
        if blocks.len() != node.own_blocks().count() {
            return None;
        }
        let block = blocks.get(block_idx)?;
        let mut order = attributes_in_order.borrow_mut();
        let mut inlines = Vec::with_capacity(block.len());
        for (inline, attributes) in block {
            if let (Inline::Ins(text) | Inline::Del(text), Some(attributes)) = (inline, attributes) {
                if !text.is_empty() {
                    order.push(attributes.clone());
                }
            }
            if !matches!(inline, Inline::Ins(text) | Inline::Del(text) | Inline::Text(text) if text.is_empty())
            {
                inlines.push(inline.clone());
            }
        }
        Some(inlines)
    };
    let xml = akn::to_xml_with_inline(&with_additions(document, &additions), &inline);
    let order = attributes_in_order.into_inner();

    // `to_xml_with_inline` writes `<ins>` and `<del>` bare and in the order it asked for the blocks; the
    // compiled document has no others, as the model keeps no inline markup. Each gets its attribution here.
    let out = akn::with_mark_attributes(&xml, order.into_iter().map(Some));

    let mut references = String::new();
    for (id, (kind, sponsors)) in &amendment_labels {
        references.push_str(&format!(
            "<TLCConcept eId=\"amendment-{id}\" href=\"/akn/ontology/concepts/accord/amendment-{id}\" showAs=\"{}\"/>\n",
            escape(&format!("Amendment {id} ({kind}) by {sponsors}"))
        ));
    }
    for (party, reference) in &party_refs {
        references.push_str(&format!(
            "<TLCOrganization eId=\"{reference}\" href=\"/akn/ontology/organizations/accord/{reference}\" showAs=\"{}\"/>\n",
            escape(party)
        ));
    }
    akn::with_references(&out, &references)
}

/// The document with the new `additions`, each list right after the element whose eId keys it, in order.
///
/// Built in one pass over clones of the parts: [`Document::insert_after`] checks and clones the whole document
/// on each call, which made the export quadratic in the number of added elements.
fn with_additions(document: &Document, additions: &HashMap<EId, Vec<Node>>) -> Document {
    fn insert(node: &Node, additions: &HashMap<EId, Vec<Node>>) -> Node {
        let mut copy = Node {
            element: node.element.clone(),
            name: node.name.clone(),
            eid: node.eid.clone(),
            num: node.num.clone(),
            heading: node.heading.clone(),
            subheading: node.subheading.clone(),
            intro: node.intro.clone(),
            content: Vec::with_capacity(node.content.len()),
            wrap_up: node.wrap_up.clone(),
        };
        for part in &node.content {
            match part {
                Part::Block(block) => copy.content.push(Part::Block(block.clone())),
                Part::Node(child) => {
                    copy.content.push(Part::Node(insert(child, additions)));
                    let added = child.eid.as_ref().and_then(|eid| additions.get(eid));
                    copy.content.extend(added.into_iter().flatten().cloned().map(Part::Node));
                }
            }
        }
        copy
    }
    if additions.is_empty() {
        return document.clone();
    }
    let part = |node: Option<&Node>| node.map(|node| insert(node, additions));
    Document::new(
        document.meta().clone(),
        part(document.preface()),
        part(document.preamble()),
        insert(document.body(), additions),
        part(document.conclusions()),
    )
    .and_then(|shown| shown.with_cover_page(part(document.cover_page())))
    .expect("added eIds are new to the revision (checked by Amendment::new) and each is added once")
    .with_embedded(document.embedded().to_vec())
}

/// A piece of a block's text with the attributes of its `ins` or `del`, if marked.
type Piece = (Inline, Option<String>);

fn element_proposeds(element: &CompiledElement) -> impl Iterator<Item = &Proposed> {
    element.element_proposals.iter().chain(element.segments.iter().flat_map(|segment| match segment {
        Segment::Text(_) => Vec::new(),
        Segment::Proposal(proposed) => vec![proposed],
        Segment::Alternatives(alternatives) => alternatives.options.iter().collect(),
    }))
}

/// Pieces cut into the element's blocks at the newlines of its text ([`Node::own_text`] joins blocks with
/// newlines); a proposal across two blocks is cut in two.
fn split_blocks(pieces: Vec<Piece>) -> Vec<Vec<Piece>> {
    let mut blocks = vec![Vec::new()];
    for (inline, attributes) in pieces {
        let (text, make): (&str, fn(String) -> Inline) = match &inline {
            Inline::Text(text) => (text, Inline::Text),
            Inline::Ins(text) => (text, Inline::Ins),
            Inline::Del(text) => (text, Inline::Del),
        };
        let mut lines = text.split('\n');
        let first = lines.next().unwrap_or("");
        blocks.last_mut().expect("never empty").push((make(first.to_owned()), attributes.clone()));
        for line in lines {
            blocks.push(vec![(make(line.to_owned()), attributes.clone())]);
        }
    }
    blocks
}

fn dedup(parties: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = HashSet::new();
    parties.filter(|party| seen.insert(party.clone())).collect()
}

/// Lower-case ASCII letters and digits, Latin letters with diacritics as their base letter (`São` → `sao`),
/// other runs as one `-`; `x` when nothing is left.
fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase).map(base_letter) {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "x".to_owned()
    } else {
        slug.to_owned()
    }
}

/// The base letter of a lower-case Latin-1 letter with a diacritic; any other character as it is.
fn base_letter(c: char) -> char {
    match c {
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
