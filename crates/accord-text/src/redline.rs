//! The redline between two revisions of a document: which elements were inserted, deleted, moved or
//! modified, and inside each element which words changed.
//!
//! [`redline`] matches elements by eId across the whole tree (eIds survive renumbering and moves), diffs
//! the number, heading and each own text block of a matched element word by word (with `similar`, over
//! words and the white space and punctuation between them, so that both sides can be rebuilt exactly), and
//! lists every element in the reading order of the new text, deleted elements where they stood in the old
//! text. Elements without an eId are matched by their place under the closest element that has one. The
//! document parts (cover page, preface, preamble, body, conclusions) are compared; embedded documents
//! (attachments) are not.
//!
//! A [`Redline`] is a plain value to walk: [`Redline::entries`] gives one [`Entry`] per element with its
//! [`Change`], where it moved from ([`MovedFrom`]) and its texts as [`Inline`] segments; [`old_side`] and
//! [`new_side`] rebuild either text from the segments. Renderings: [`render_term`] for a terminal,
//! [`to_akn`] for Akoma Ntoso with `ins` and `del`; the server renders HTML from the value itself.
//!
//! Inside an element, the words of the final text of objective 1 (b) against a revision:
//!
//! ```
//! use accord_text::akn::Inline;
//! use accord_text::redline::{diff_words, new_side, old_side};
//!
//! let old = "Improve international comparability and compatibility of migration statistics";
//! let new = "Improve regional comparability of migration statistics";
//! let segments = diff_words(old, new);
//! assert_eq!(segments[1], Inline::Del("international".into()));
//! assert_eq!(segments[2], Inline::Ins("regional".into()));
//! assert_eq!(segments[4], Inline::Del(" and compatibility".into()));
//! assert_eq!((old_side(&segments), new_side(&segments)), (old.to_owned(), new.to_owned()));
//! ```
//!
//! Pure: no I/O, no clock.

use crate::akn::{self, Inline};
use crate::eid::EId;
use crate::model::{Block, Document, Node, Part};
use similar::{Algorithm, ChangeTag, DiffTag, TextDiff};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// What happened to an element's own text (number, heading, subheading and text blocks) between the two
/// revisions. Whether it moved is told apart, by [`Entry::moved_from`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// In both revisions with the same text.
    Unchanged,
    /// In both revisions; some of its own text differs.
    Modified,
    /// Only in the new revision: every segment is [`Inline::Ins`].
    Inserted,
    /// Only in the old revision: every segment is [`Inline::Del`].
    Deleted,
}

/// Where a moved element stood in the old revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedFrom {
    /// The eId of the element that held it in the old revision (`None` when that was a document part such
    /// as `mainBody`, or an element without eId).
    pub parent: Option<EId>,
    /// Its position among the old parent's child elements, from 0.
    pub position: usize,
    /// Its number in the old revision, for example `(c)`.
    pub num: Option<String>,
}

/// Which revisions hold a text block of a matched element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Presence {
    /// The block is in both revisions.
    Both,
    /// The block is only in the old revision (its segments are all [`Inline::Del`]).
    OldOnly,
    /// The block is only in the new revision (its segments are all [`Inline::Ins`]).
    NewOnly,
}

/// One own text block of an element (an intro, content or wrap-up block) as a word diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockChange {
    /// The block element's name (`p` most often), as in the new revision when the block is in both.
    pub element: String,
    /// Which revisions hold the block.
    pub presence: Presence,
    /// Where the block stands among the element's children: how many of the entries one level below this
    /// one come before it in reading order (0 for an intro, all of them for a wrap-up; a `crossHeading`
    /// between two actions stands after the first).
    pub after_n_children: usize,
    /// The text as segments: `Text` and `Del` give the old text, `Text` and `Ins` the new.
    pub segments: Vec<Inline>,
}

/// One element of the redline: an element of either revision with its change and its texts as segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The element's eId (`None` for the document parts and elements that have none).
    pub eid: Option<EId>,
    /// The AKN element name (`section`, `hcontainer`, `paragraph`, `point`, `mainBody` …).
    pub element: String,
    /// `@name` (`objective`), as in the new revision unless the element was deleted.
    pub name: Option<String>,
    /// The depth in the tree: 0 for a document part (`preface`, `preamble`, `mainBody`, `conclusions`),
    /// 1 for its children (a section of the compact), and so on.
    pub depth: usize,
    /// What happened to the element's own text.
    pub change: Change,
    /// Where the element stood before, when it moved: its parent eId changed, or its order among the
    /// siblings it kept changed (the siblings outside a longest common subsequence of the two orders).
    pub moved_from: Option<MovedFrom>,
    /// The number (`Objective 15`, `31.`, `(c)`) as segments; empty when neither revision has one.
    pub num: Vec<Inline>,
    /// The heading as segments; empty when neither revision has one.
    pub heading: Vec<Inline>,
    /// The subheading as segments; empty when neither revision has one.
    pub subheading: Vec<Inline>,
    /// The own text blocks in the order [`Node::own_blocks`] counts them (intro, content, wrap-up), blocks
    /// paired by their index within each of the three; a block only one revision has comes after the
    /// paired ones of its kind.
    pub blocks: Vec<BlockChange>,
}

impl Entry {
    /// True when the element is in both revisions, in the same place, with the same text.
    pub fn is_unchanged(&self) -> bool {
        self.change == Change::Unchanged && self.moved_from.is_none()
    }

    /// The number to show: the new one, or the old one when the element was deleted.
    pub fn display_num(&self) -> String {
        match self.change {
            Change::Deleted => old_side(&self.num),
            _ => new_side(&self.num),
        }
    }
}

/// How many elements changed, by kind. A moved element whose text also changed counts in `moved` and in
/// `modified`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Counts {
    /// Elements only in the new revision.
    pub n_inserted: usize,
    /// Elements only in the old revision.
    pub n_deleted: usize,
    /// Elements in both whose own text differs.
    pub n_modified: usize,
    /// Elements in both that moved.
    pub n_moved: usize,
}

/// The redline between two revisions: every element of both, in the reading order of the new text, with
/// the deleted ones where they stood in the old text. Made by [`redline`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redline {
    entries: Vec<Entry>,
    counts: Counts,
}

impl Redline {
    /// Every element, unchanged ones included, in reading order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries that changed (inserted, deleted, modified or moved), in reading order.
    pub fn changes(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|entry| !entry.is_unchanged())
    }

    /// How many elements changed, by kind.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// True when nothing changed: no element inserted, deleted, modified or moved.
    pub fn is_unchanged(&self) -> bool {
        self.counts == Counts::default()
    }
}

/// The old text of a diffed text: its `Text` and `Del` segments joined.
pub fn old_side(segments: &[Inline]) -> String {
    segments
        .iter()
        .filter_map(|segment| match segment {
            Inline::Text(text) | Inline::Del(text) => Some(text.as_str()),
            Inline::Ins(_) => None,
        })
        .collect()
}

/// The new text of a diffed text: its `Text` and `Ins` segments joined.
pub fn new_side(segments: &[Inline]) -> String {
    segments
        .iter()
        .filter_map(|segment| match segment {
            Inline::Text(text) | Inline::Ins(text) => Some(text.as_str()),
            Inline::Del(_) => None,
        })
        .collect()
}

/// The word diff of two texts as segments, with `similar`'s Myers diff over tokens: runs of letters and
/// digits (a word, `2030`), runs of white space, and each other character (`,`, `-`, `(`) alone.
///
/// White space standing between two changes joins them, so that `a b` → `c d` reads as one deletion and
/// one insertion rather than two of each; within such a run the deletion comes first. Equal texts give one
/// `Text` segment, empty texts none.
pub fn diff_words(old: &str, new: &str) -> Vec<Inline> {
    if old == new {
        return if old.is_empty() { Vec::new() } else { vec![Inline::Text(old.to_owned())] };
    }
    if old.is_empty() {
        return vec![Inline::Ins(new.to_owned())];
    }
    if new.is_empty() {
        return vec![Inline::Del(old.to_owned())];
    }
    let old_tokens = tokens(old);
    let new_tokens = tokens(new);
    let diff = TextDiff::configure().algorithm(Algorithm::Myers).diff_slices(&old_tokens, &new_tokens);
    let mut runs: Vec<(ChangeTag, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        match runs.last_mut() {
            Some((tag, text)) if *tag == change.tag() => text.push_str(change.value()),
            _ => runs.push((change.tag(), change.value().to_owned())),
        }
    }
    let mut segments = Vec::new();
    let mut run_idx = 0;
    while run_idx < runs.len() {
        let (tag, text) = &runs[run_idx];
        if *tag == ChangeTag::Equal {
            segments.push(Inline::Text(text.clone()));
            run_idx += 1;
            continue;
        }
        let mut deleted = String::new();
        let mut inserted = String::new();
        while let Some((tag, text)) = runs.get(run_idx) {
            match tag {
                ChangeTag::Delete => deleted.push_str(text),
                ChangeTag::Insert => inserted.push_str(text),
                ChangeTag::Equal => {
                    let next_is_change =
                        runs.get(run_idx + 1).is_some_and(|(next, _)| *next != ChangeTag::Equal);
                    if !(next_is_change && text.chars().all(char::is_whitespace)) {
                        break;
                    }
                    deleted.push_str(text);
                    inserted.push_str(text);
                }
            }
            run_idx += 1;
        }
        if !deleted.is_empty() {
            segments.push(Inline::Del(deleted));
        }
        if !inserted.is_empty() {
            segments.push(Inline::Ins(inserted));
        }
    }
    segments
}

/// A text cut into tokens that join back into it: runs of letters and digits (words and numbers), runs
/// of white space, and every other character (punctuation) alone.
fn tokens(text: &str) -> Vec<&str> {
    #[derive(PartialEq)]
    enum Kind {
        Word,
        Space,
        Other,
    }
    let kind = |character: char| {
        if character.is_alphanumeric() {
            Kind::Word
        } else if character.is_whitespace() {
            Kind::Space
        } else {
            Kind::Other
        }
    };
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut previous: Option<Kind> = None;
    for (offset, character) in text.char_indices() {
        let current = kind(character);
        let joins = previous.as_ref().is_some_and(|previous| *previous == current && current != Kind::Other);
        if !joins && offset > start {
            tokens.push(&text[start..offset]);
            start = offset;
        }
        previous = Some(current);
    }
    if start < text.len() {
        tokens.push(&text[start..]);
    }
    tokens
}

/// The redline from `old` to `new`: every element of both revisions in the reading order of `new`, with
/// deleted elements where they stood in `old`; see the module documentation for how elements are matched
/// and what counts as moved.
pub fn redline(old: &Document, new: &Document) -> Redline {
    let merged = merge(old, new);
    let mut entries = Vec::new();
    for tree in &merged.trees {
        tree.walk(&mut |node| entries.push(merged.entry(node)));
    }
    let mut counts = Counts::default();
    for entry in &entries {
        match entry.change {
            Change::Inserted => counts.n_inserted += 1,
            Change::Deleted => counts.n_deleted += 1,
            Change::Modified => counts.n_modified += 1,
            Change::Unchanged => {}
        }
        if entry.moved_from.is_some() {
            counts.n_moved += 1;
        }
    }
    Redline { entries, counts }
}

/// The redline as text for a terminal: a header line per changed element (its eId, number and what
/// happened, `moved from …` for a moved one), then its changed number, heading and text blocks. Unchanged
/// elements are left out; an unchanged redline gives `no changes\n`.
///
/// With `color`, inserted text is green and underlined and deleted text red and struck through (ANSI SGR
/// codes 32;4 and 31;9); without, they are marked `[+inserted+]` and `[-deleted-]`.
pub fn render_term(redline: &Redline, color: bool) -> String {
    render_term_with_origins(redline, color, None)
}

/// Which amendments made the changes of a redline, for the writers that name them
/// ([`render_term_with_origins`], [`to_akn_with_origins`], and the Word redline of accord-docx).
/// [`crate::amendment::Provenance`] is one: a revision made from picked amendments knows where each change
/// came from.
pub trait Origins {
    /// The amendments that changed, added or deleted the entry's element, sorted; empty for none.
    fn of_entry(&self, entry: &Entry) -> Vec<u64>;
    /// For each word-level change (`Ins` or `Del` segment) of the entry's blocks, the amendments whose new
    /// words meet it: `(index in entry.blocks, index in the block's segments, ids)`.
    fn of_segments(&self, entry: &Entry) -> Vec<(usize, usize, Vec<u64>)>;
}

/// The amendments of every segment of `entry`'s blocks, as `origins` tells them, indexed
/// `[block][segment]` as `entry.blocks[block].segments[segment]`: for an `Ins` or `Del` segment those of
/// its word-level change, or else those of its element; empty for plain text.
pub fn segment_origins(origins: &dyn Origins, entry: &Entry) -> Vec<Vec<Vec<u64>>> {
    let of_entry = origins.of_entry(entry);
    let mut ids: Vec<Vec<Vec<u64>>> = entry
        .blocks
        .iter()
        .map(|block| {
            block
                .segments
                .iter()
                .map(|segment| match segment {
                    Inline::Text(_) => Vec::new(),
                    Inline::Ins(_) | Inline::Del(_) => of_entry.clone(),
                })
                .collect()
        })
        .collect();
    for (block_idx, segment_idx, found) in origins.of_segments(entry) {
        if let Some(slot) = ids.get_mut(block_idx).and_then(|block| block.get_mut(segment_idx)) {
            if !found.is_empty() {
                *slot = found;
            }
        }
    }
    ids
}

/// `A/21, A/23`: amendment numbers as the compilation and the pages write them.
pub fn amendment_labels(ids: &[u64]) -> String {
    ids.iter().map(|id| format!("A/{id}")).collect::<Vec<_>>().join(", ")
}

/// [`render_term`], where each changed element's header also names the amendments it came from
/// (`from A/21, A/23`) when `origins` knows them.
pub fn render_term_with_origins(redline: &Redline, color: bool, origins: Option<&dyn Origins>) -> String {
    let mut out = String::new();
    if redline.is_unchanged() {
        out.push_str("no changes\n");
        return out;
    }
    let counts = redline.counts();
    out.push_str(&format!(
        "{} inserted, {} deleted, {} modified, {} moved\n",
        counts.n_inserted, counts.n_deleted, counts.n_modified, counts.n_moved
    ));
    for entry in redline.changes() {
        let indent = "  ".repeat(entry.depth.saturating_sub(1));
        let mut what: Vec<String> = Vec::new();
        match entry.change {
            Change::Inserted => what.push("inserted".to_owned()),
            Change::Deleted => what.push("deleted".to_owned()),
            Change::Modified => what.push("modified".to_owned()),
            Change::Unchanged => {}
        }
        if let Some(from) = &entry.moved_from {
            let parent = from.parent.as_ref().map_or("the document part", EId::as_str);
            let mut moved = format!("moved from {parent}, position {}", from.position + 1);
            if let Some(num) = &from.num {
                moved.push_str(&format!(", numbered {num}"));
            }
            what.push(moved);
        }
        let from = origins.map(|origins| origins.of_entry(entry)).unwrap_or_default();
        if !from.is_empty() {
            what.push(format!("from {}", amendment_labels(&from)));
        }
        let name = entry.eid.as_ref().map_or(entry.element.as_str(), EId::as_str);
        let num = entry.display_num();
        let header = if num.is_empty() {
            format!("{indent}== {name} ({})", what.join("; "))
        } else {
            format!("{indent}== {name} {num} ({})", what.join("; "))
        };
        if color {
            out.push_str(&format!("\x1b[1m{header}\x1b[0m\n"));
        } else {
            out.push_str(&header);
            out.push('\n');
        }
        let labelled = [("num", &entry.num), ("heading", &entry.heading), ("subheading", &entry.subheading)];
        for (label, segments) in labelled {
            if segments.iter().any(|segment| !matches!(segment, Inline::Text(_))) {
                out.push_str(&format!("{indent}   {label}: {}\n", render_segments(segments, color)));
            }
        }
        let by_segment = origins.map(|origins| segment_origins(origins, entry)).unwrap_or_default();
        for (block_idx, block) in entry.blocks.iter().enumerate() {
            let shown = entry.change != Change::Unchanged || block.presence != Presence::Both;
            let changed = block.segments.iter().any(|segment| !matches!(segment, Inline::Text(_)));
            if shown && (changed || entry.change != Change::Modified) {
                // After each change made by an amendment, its number: `[-holistic-][+integrated+]{A/26}`.
                let label = |segment_idx: usize| -> Vec<u64> {
                    if entry.change != Change::Modified {
                        return Vec::new();
                    }
                    by_segment[block_idx][segment_idx].clone()
                };
                let text = render_segments_labelled(&block.segments, color, origins.is_some(), &label);
                out.push_str(&format!("{indent}   {text}\n"));
            }
        }
    }
    out
}

/// [`render_segments`] with, when `labelled`, the amendments of each change (`label(segment index)`, empty
/// for none) after it as `{A/26}`: once after a run of changed segments with the same amendments.
fn render_segments_labelled(
    segments: &[Inline],
    color: bool,
    labelled: bool,
    label: &dyn Fn(usize) -> Vec<u64>,
) -> String {
    if !labelled {
        return render_segments(segments, color);
    }
    let mut out = String::new();
    let mut open: Vec<u64> = Vec::new();
    let close = |out: &mut String, ids: &[u64]| {
        if !ids.is_empty() {
            let text = format!("{{{}}}", amendment_labels(ids));
            out.push_str(&if color { format!("\x1b[2m{text}\x1b[0m") } else { text });
        }
    };
    for (segment_idx, segment) in segments.iter().enumerate() {
        let ids = match segment {
            Inline::Text(_) => Vec::new(),
            _ => label(segment_idx),
        };
        if ids != open {
            close(&mut out, &open);
            open = ids;
        }
        out.push_str(&render_segments(std::slice::from_ref(segment), color));
    }
    close(&mut out, &open);
    out
}

fn render_segments(segments: &[Inline], color: bool) -> String {
    let mut out = String::new();
    for segment in segments {
        match (segment, color) {
            (Inline::Text(text), _) => out.push_str(text),
            (Inline::Ins(text), true) => out.push_str(&format!("\x1b[32;4m{text}\x1b[0m")),
            (Inline::Del(text), true) => out.push_str(&format!("\x1b[31;9m{text}\x1b[0m")),
            (Inline::Ins(text), false) => out.push_str(&format!("[+{text}+]")),
            (Inline::Del(text), false) => out.push_str(&format!("[-{text}-]")),
        }
    }
    out
}

/// The redline as an Akoma Ntoso 3.0 document: the new revision (its metadata) where changed words are in
/// `<ins>` and `<del>`, and deleted elements stand where they stood in the old revision with their text in
/// `<del>`. Numbers and headings are written as in the new revision (as in the old one for deleted
/// elements), since Akoma Ntoso's `num` and `heading` cannot hold `ins` or `del` marks in accord's writer.
///
/// `redline` must be `redline(old, new)`; a block whose entry does not match is written without marks.
pub fn to_akn(old: &Document, new: &Document, redline: &Redline) -> String {
    write_akn(old, new, redline, None)
}

/// [`to_akn`], where each `ins` and `del` names the amendments it came from, as `origins` tells them:
/// `refersTo="#amendment-21 #amendment-23"` and `class="amendment"`, the amendments of its word-level change,
/// or else of its element. `meta/references` declares each amendment as a `TLCConcept` (`showAs="A/21"`).
pub fn to_akn_with_origins(
    old: &Document,
    new: &Document,
    redline: &Redline,
    origins: &dyn Origins,
) -> String {
    write_akn(old, new, redline, Some(origins))
}

fn write_akn(old: &Document, new: &Document, redline: &Redline, origins: Option<&dyn Origins>) -> String {
    let merged = merge(old, new);
    let parts: Vec<Node> = merged.trees.iter().map(|tree| tree.build()).collect();
    let mut by_role: HashMap<&str, Node> = HashMap::new();
    for (tree, part) in merged.trees.iter().zip(parts) {
        by_role.insert(tree.key.as_str(), part);
    }
    let body = by_role.remove("#body").unwrap_or_else(|| new.body().clone());
    let document = Document::new(
        new.meta().clone(),
        by_role.remove("#preface"),
        by_role.remove("#preamble"),
        body,
        by_role.remove("#conclusions"),
    )
    .and_then(|document| document.with_cover_page(by_role.remove("#coverPage")))
    .expect("eIds of the merged document are unique: deleted eIds are absent from the new revision")
    .with_embedded(new.embedded().to_vec());

    // The merged document's nodes come in the same order as the redline's entries; their addresses are
    // the only key an element without eId has.
    let mut entry_of: HashMap<*const Node, &Entry> = HashMap::new();
    let mut entries = redline.entries().iter();
    for part in document.parts() {
        part.walk(&mut |node, _| {
            if let Some(entry) = entries.next() {
                if entry.eid == node.eid && entry.element == node.element {
                    entry_of.insert(node as *const Node, entry);
                }
            }
        });
    }
    // The amendments of each `ins` and `del`, in the order the writer asks for the blocks.
    let marks: RefCell<Vec<Vec<u64>>> = RefCell::new(Vec::new());
    let xml = akn::to_xml_with_inline(&document, &|node, block_idx| {
        let entry = entry_of.get(&(node as *const Node))?;
        let block = entry.blocks.get(block_idx)?;
        let changed = block.segments.iter().any(|segment| !matches!(segment, Inline::Text(_)));
        if let (true, Some(origins)) = (changed, origins) {
            let ids = segment_origins(origins, entry).swap_remove(block_idx);
            let mut marks = marks.borrow_mut();
            for (segment, ids) in block.segments.iter().zip(ids) {
                if !matches!(segment, Inline::Text(_)) {
                    marks.push(ids);
                }
            }
        }
        changed.then(|| block.segments.clone())
    });
    if origins.is_none() {
        return xml;
    }
    let marks = marks.into_inner();
    let mut ids: Vec<u64> = marks.iter().flatten().copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let attributes = marks.into_iter().map(|ids| {
        let refers: Vec<String> = ids.iter().map(|id| format!("#amendment-{id}")).collect();
        (!ids.is_empty()).then(|| format!(" refersTo=\"{}\" class=\"amendment\"", refers.join(" ")))
    });
    let concepts: String = ids
        .iter()
        .map(|id| {
            format!(
                "<TLCConcept eId=\"amendment-{id}\" href=\"/akn/ontology/concepts/accord/amendment-{id}\" \
                 showAs=\"A/{id}\"/>\n"
            )
        })
        .collect();
    akn::with_references(&akn::with_mark_attributes(&xml, attributes), &concepts)
}

/// Where a node sits in one revision.
struct Placed<'a> {
    node: &'a Node,
    /// The key of the enclosing node (empty for a document part).
    parent: String,
    /// Position among the parent's child nodes.
    position: usize,
    /// The keys of the child nodes, in order.
    children: Vec<String>,
}

/// Every node of a revision by key: its eId, or for a node without eId a path from the closest keyed
/// ancestor (`#body/crossHeading[0]`), which cannot collide with an eId since eIds hold no `#` or `/`.
struct Index<'a> {
    placed: HashMap<String, Placed<'a>>,
}

impl<'a> Index<'a> {
    fn new(document: &'a Document) -> Index<'a> {
        let mut index = Index { placed: HashMap::new() };
        for (role, part) in roles(document) {
            if let Some(part) = part {
                index.add(role.to_owned(), part, String::new(), 0);
            }
        }
        index
    }

    fn add(&mut self, key: String, node: &'a Node, parent: String, position: usize) {
        let children = child_keys(&key, node);
        for (position, (child_key, child)) in children.iter().zip(node.children()).enumerate() {
            self.add(child_key.clone(), child, key.clone(), position);
        }
        self.placed.insert(key, Placed { node, parent, position, children });
    }

    fn get(&self, key: &str) -> Option<&Placed<'a>> {
        self.placed.get(key)
    }

    fn contains(&self, key: &str) -> bool {
        self.placed.contains_key(key)
    }
}

fn roles(document: &Document) -> [(&'static str, Option<&Node>); 5] {
    [
        ("#coverPage", document.cover_page()),
        ("#preface", document.preface()),
        ("#preamble", document.preamble()),
        ("#body", Some(document.body())),
        ("#conclusions", document.conclusions()),
    ]
}

fn child_keys(parent_key: &str, node: &Node) -> Vec<String> {
    let mut n_unnamed: HashMap<&str, usize> = HashMap::new();
    node.children()
        .map(|child| match &child.eid {
            Some(eid) => eid.as_str().to_owned(),
            None => {
                let idx = n_unnamed.entry(child.element.as_str()).or_insert(0);
                let key = format!("{parent_key}/{}[{idx}]", child.element);
                *idx += 1;
                key
            }
        })
        .collect()
}

/// One node of the merged tree: a node of the new revision (matched or inserted) or of the old one
/// (deleted), with its children in reading order.
struct Merged<'a> {
    key: String,
    old: Option<&'a Node>,
    new: Option<&'a Node>,
    depth: usize,
    children: Vec<Merged<'a>>,
}

impl Merged<'_> {
    fn walk<'s>(&'s self, visit: &mut impl FnMut(&'s Self)) {
        visit(self);
        for child in &self.children {
            child.walk(visit);
        }
    }

    /// The node with its blocks merged (the new ones, then those only the old revision has) and its
    /// children in reading order, for the Akoma Ntoso export.
    fn build(&self) -> Node {
        let base = self.new.or(self.old).expect("a merged node comes from at least one revision");
        let extra = |pick: fn(&Node) -> Vec<&Block>| -> Vec<Block> {
            match (self.old, self.new) {
                (Some(old), Some(new)) => {
                    pick(old).into_iter().skip(pick(new).len()).cloned().collect::<Vec<_>>()
                }
                _ => Vec::new(),
            }
        };
        let mut node = Node {
            content: Vec::new(),
            intro: base.intro.iter().cloned().chain(extra(|node| node.intro.iter().collect())).collect(),
            wrap_up: base
                .wrap_up
                .iter()
                .cloned()
                .chain(extra(|node| node.wrap_up.iter().collect()))
                .collect(),
            ..Node::new(base.element.clone())
        };
        node.name.clone_from(&base.name);
        node.eid.clone_from(&base.eid);
        node.num.clone_from(&base.num);
        node.heading.clone_from(&base.heading);
        node.subheading.clone_from(&base.subheading);

        let base_keys = child_keys(&self.key, base);
        let mut children = self.children.iter();
        let mut child_idx = 0;
        for part in &base.content {
            match part {
                Part::Block(block) => node.content.push(Part::Block(block.clone())),
                Part::Node(_) => {
                    let key = &base_keys[child_idx];
                    child_idx += 1;
                    if !self.children.iter().any(|merged| &merged.key == key) {
                        continue;
                    }
                    for merged in children.by_ref() {
                        node.content.push(Part::Node(merged.build()));
                        if &merged.key == key {
                            break;
                        }
                    }
                }
            }
        }
        for merged in children {
            node.content.push(Part::Node(merged.build()));
        }
        let extra_content = extra(content_blocks);
        if !extra_content.is_empty() {
            let after_last_block =
                node.content.iter().rposition(|part| matches!(part, Part::Block(_))).map_or(0, |idx| idx + 1);
            node.content
                .splice(after_last_block..after_last_block, extra_content.into_iter().map(Part::Block));
        }
        node
    }
}

fn content_blocks(node: &Node) -> Vec<&Block> {
    node.content
        .iter()
        .filter_map(|part| match part {
            Part::Block(block) => Some(block),
            Part::Node(_) => None,
        })
        .collect()
}

/// Both revisions indexed, and the merged trees of their parts.
struct Merge<'a> {
    old: Index<'a>,
    new: Index<'a>,
    /// Nodes that kept their parent but not their order among the siblings they kept.
    reordered: HashSet<String>,
    trees: Vec<Merged<'a>>,
}

fn merge<'a>(old: &'a Document, new: &'a Document) -> Merge<'a> {
    let mut merge =
        Merge { old: Index::new(old), new: Index::new(new), reordered: HashSet::new(), trees: Vec::new() };
    merge.reordered = merge.reordered();
    let mut trees = Vec::new();
    for ((role, old_part), (_, new_part)) in roles(old).into_iter().zip(roles(new)) {
        match (old_part, new_part) {
            (_, Some(new_part)) => trees.push(merge.merge_new(role, new_part, 0)),
            (Some(old_part), None) => trees.push(merge.merge_deleted(role, old_part, 0)),
            (None, None) => {}
        }
    }
    merge.trees = trees;
    merge
}

impl<'a> Merge<'a> {
    /// For each parent in both revisions, its children that have it as parent in both are compared in
    /// their two orders; those outside a longest common subsequence (Myers' diff, which finds one) moved.
    fn reordered(&self) -> HashSet<String> {
        let mut reordered = HashSet::new();
        for (key, new_placed) in &self.new.placed {
            let Some(old_placed) = self.old.get(key) else { continue };
            let new_order = kept_children(&new_placed.children, &self.old, key);
            let old_order = kept_children(&old_placed.children, &self.new, key);
            if new_order == old_order {
                continue;
            }
            for op in similar::capture_diff_slices(Algorithm::Myers, &old_order, &new_order) {
                let (tag, _, new_range) = op.as_tag_tuple();
                if matches!(tag, DiffTag::Insert | DiffTag::Replace) {
                    reordered.extend(new_order[new_range].iter().map(|child| (*child).to_owned()));
                }
            }
        }
        reordered
    }

    /// A node of the new revision and below it, with the deleted children of its old counterpart placed
    /// after the old sibling they followed (the closest one still under this node), or first.
    fn merge_new(&self, key: &str, node: &'a Node, depth: usize) -> Merged<'a> {
        let new_placed = self.new.get(key).expect("every node of the new revision is indexed");
        let old_placed = self.old.get(key);
        // Deleted children by the index (in the new revision) of the sibling they follow, `None` for first.
        let mut deleted_after: HashMap<Option<usize>, Vec<(&str, &'a Node)>> = HashMap::new();
        if let Some(old_placed) = old_placed {
            let mut anchor: Option<usize> = None;
            for (child_key, child) in old_placed.children.iter().zip(old_placed.node.children()) {
                if !self.new.contains(child_key) {
                    deleted_after.entry(anchor).or_default().push((child_key, child));
                } else if let Some(moved_here) = self.new.get(child_key).filter(|placed| placed.parent == key)
                {
                    anchor = Some(moved_here.position);
                }
            }
        }
        let mut children = Vec::new();
        let mut push_deleted = |anchor: Option<usize>, children: &mut Vec<Merged<'a>>| {
            for (child_key, child) in deleted_after.remove(&anchor).unwrap_or_default() {
                children.push(self.merge_deleted(child_key, child, depth + 1));
            }
        };
        push_deleted(None, &mut children);
        for (child_idx, (child_key, child)) in new_placed.children.iter().zip(node.children()).enumerate() {
            children.push(self.merge_new(child_key, child, depth + 1));
            push_deleted(Some(child_idx), &mut children);
        }
        Merged {
            key: key.to_owned(),
            old: old_placed.map(|placed| placed.node),
            new: Some(node),
            depth,
            children,
        }
    }

    /// A node only the old revision has, and below it what the new revision does not have elsewhere.
    fn merge_deleted(&self, key: &str, node: &'a Node, depth: usize) -> Merged<'a> {
        let placed = self.old.get(key).expect("every node of the old revision is indexed");
        let children = placed
            .children
            .iter()
            .zip(node.children())
            .filter(|(child_key, _)| !self.new.contains(child_key))
            .map(|(child_key, child)| self.merge_deleted(child_key, child, depth + 1))
            .collect();
        Merged { key: key.to_owned(), old: Some(node), new: None, depth, children }
    }

    fn entry(&self, merged: &Merged<'_>) -> Entry {
        let base = merged.new.or(merged.old).expect("a merged node comes from at least one revision");
        let empty = Node::new(base.element.clone());
        let old = merged.old.unwrap_or(&empty);
        let new = merged.new.unwrap_or(&empty);
        let text = |pick: fn(&Node) -> &Option<String>| {
            diff_words(pick(old).as_deref().unwrap_or(""), pick(new).as_deref().unwrap_or(""))
        };
        let num = text(|node| &node.num);
        let heading = text(|node| &node.heading);
        let subheading = text(|node| &node.subheading);
        let n_children = merged.children.len();
        fn at(blocks: &[Block], position: usize) -> Vec<(&Block, usize)> {
            blocks.iter().map(|block| (block, position)).collect()
        }
        let mut blocks = diff_blocks(at(&old.intro, 0), at(&new.intro, 0));
        blocks.extend(diff_blocks(placed_content_blocks(old, merged), placed_content_blocks(new, merged)));
        blocks.extend(diff_blocks(at(&old.wrap_up, n_children), at(&new.wrap_up, n_children)));

        let change = match (merged.old, merged.new) {
            (None, _) => Change::Inserted,
            (_, None) => Change::Deleted,
            (Some(_), Some(_)) => {
                let texts =
                    [&num, &heading, &subheading].into_iter().chain(blocks.iter().map(|b| &b.segments));
                let mut changed = blocks.iter().any(|block| block.presence != Presence::Both);
                for segments in texts {
                    changed |= segments.iter().any(|segment| !matches!(segment, Inline::Text(_)));
                }
                if changed {
                    Change::Modified
                } else {
                    Change::Unchanged
                }
            }
        };
        let moved_from = match (self.old.get(&merged.key), self.new.get(&merged.key)) {
            (Some(old_placed), Some(new_placed))
                if old_placed.parent != new_placed.parent || self.reordered.contains(&merged.key) =>
            {
                Some(MovedFrom {
                    parent: self.old.get(&old_placed.parent).and_then(|parent| parent.node.eid.clone()),
                    position: old_placed.position,
                    num: old_placed.node.num.clone(),
                })
            }
            _ => None,
        };
        Entry {
            eid: base.eid.clone(),
            element: base.element.clone(),
            name: base.name.clone(),
            depth: merged.depth,
            change,
            moved_from,
            num,
            heading,
            subheading,
            blocks,
        }
    }
}

/// The child keys of `parent` that have `parent` as parent in the `other` revision too, in order.
fn kept_children<'k>(children: &'k [String], other: &Index<'_>, parent: &str) -> Vec<&'k str> {
    children
        .iter()
        .filter(|child| other.get(child).is_some_and(|placed| placed.parent == parent))
        .map(String::as_str)
        .collect()
}

/// The content blocks of one side of `merged`, each with the number of `merged`'s children (in reading
/// order) that come before it.
fn placed_content_blocks<'b>(node: &'b Node, merged: &Merged<'_>) -> Vec<(&'b Block, usize)> {
    if node.children().next().is_none() {
        return content_blocks(node).into_iter().map(|block| (block, 0)).collect();
    }
    let keys = child_keys(&merged.key, node);
    let mut child_idx = 0;
    let mut n_before = 0;
    let mut placed = Vec::new();
    for part in &node.content {
        match part {
            Part::Block(block) => placed.push((block, n_before)),
            Part::Node(_) => {
                if let Some(merged_idx) =
                    merged.children.iter().position(|child| child.key == keys[child_idx])
                {
                    n_before = merged_idx + 1;
                }
                child_idx += 1;
            }
        }
    }
    placed
}

/// Blocks paired by index; the longer side's extra blocks are wholly inserted or deleted.
fn diff_blocks(old: Vec<(&Block, usize)>, new: Vec<(&Block, usize)>) -> Vec<BlockChange> {
    let n_blocks = old.len().max(new.len());
    (0..n_blocks)
        .map(|block_idx| match (old.get(block_idx), new.get(block_idx)) {
            (Some((old, _)), Some((new, after))) => BlockChange {
                element: new.element.clone(),
                presence: Presence::Both,
                after_n_children: *after,
                segments: diff_words(&old.text, &new.text),
            },
            (Some((old, after)), None) => BlockChange {
                element: old.element.clone(),
                presence: Presence::OldOnly,
                after_n_children: *after,
                segments: diff_words(&old.text, ""),
            },
            (None, Some((new, after))) => BlockChange {
                element: new.element.clone(),
                presence: Presence::NewOnly,
                after_n_children: *after,
                segments: diff_words("", &new.text),
            },
            (None, None) => unreachable!("the index is below the longer side's length"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_word_is_one_deletion_and_one_insertion() {
        assert_eq!(
            diff_words("We commit to act.", "We commit to cooperate."),
            [
                Inline::Text("We commit to ".into()),
                Inline::Del("act".into()),
                Inline::Ins("cooperate".into()),
                Inline::Text(".".into())
            ]
        );
    }

    #[test]
    fn white_space_between_two_changes_joins_them() {
        assert_eq!(
            diff_words("a b c", "a x y c"),
            [
                Inline::Text("a ".into()),
                Inline::Del("b".into()),
                Inline::Ins("x y".into()),
                Inline::Text(" c".into())
            ]
        );
        assert_eq!(
            diff_words("one two three four", "one 2 three 4"),
            [
                Inline::Text("one ".into()),
                Inline::Del("two".into()),
                Inline::Ins("2".into()),
                Inline::Text(" three ".into()),
                Inline::Del("four".into()),
                Inline::Ins("4".into())
            ]
        );
    }

    #[test]
    fn equal_and_empty_texts_give_plain_segments() {
        assert_eq!(diff_words("", ""), []);
        assert_eq!(diff_words("same", "same"), [Inline::Text("same".into())]);
        assert_eq!(diff_words("", "new"), [Inline::Ins("new".into())]);
        assert_eq!(diff_words("old", ""), [Inline::Del("old".into())]);
    }
}
