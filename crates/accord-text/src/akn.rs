//! Akoma Ntoso 3.0 export and import of a [`crate::Document`].
//!
//! Export ([`to_xml`], [`to_xml_with_inline`]) writes a document that validates against the official schema
//! (OASIS LegalDocML akn-core 1.0, `akomantoso30.xsd`) whenever the document's nodes are hierarchy elements
//! (`section`, `hcontainer`, `paragraph`, `point` …) holding `p` and `crossHeading` blocks, as the compact's
//! are. Import ([`from_xml`], [`from_bytes`]) reads our own exports back unchanged and reads any other Akoma
//! Ntoso 3.0 document keeping all of its text in document order.
//!
//! How the model maps to the XML, both ways:
//!
//! - A node with neither intro, wrap-up, child nodes nor `crossHeading` blocks is written with `<content>`
//!   holding its blocks. Any other node is written in hierarchy form: `<intro>`, then its content in order
//!   (child nodes; `crossHeading` blocks as `<crossHeading>`; each run of other blocks, which the schema does
//!   not allow between children, inside `<hcontainer name="accordBlocks"><content>…</content></hcontainer>`),
//!   then `<wrapUp>`. Import undoes each of these, so the run wrapper never shows up in the model.
//! - A block whose element is a document-header inline (`docTitle`, `docNumber` …) is written inside a `p`
//!   (`<p><docTitle>…</docTitle></p>`) and read back as such.
//! - The document's top parts (`coverPage`, `preface`, `preamble`, the body, `conclusions`) hold blocks and
//!   nodes directly;
//!   a top part's num, heading, intro and wrap-up, which Akoma Ntoso does not have, are written as leading and
//!   trailing `p` blocks, and an empty top part as one empty `p`, which import reads as nothing.
//! - Embedded documents ([`Document::embedded`]) are written as `attachments/attachment`; import reads both
//!   `attachments` and a collection's `components` (beside `documentCollection` in the root, or inside the
//!   document element) into them, each with its own metadata and its own eId scope, as Akoma Ntoso scopes
//!   eIds by component.
//!
//! On import, an element becomes a [`Block`] when it holds text of its own or only inline elements (its text is
//! the concatenation of all text below it, as XPath's `string()` gives it, trimmed), and a [`Node`] otherwise,
//! keeping its element name, `name`, and eId (`eId`, or `id` / `xml:id` in older documents). A node's leading
//! `num`, `heading` and `subheading` go to its fields, `intro` and a final `wrapUp` to its intro and wrap-up;
//! `content` is unwrapped into the node's content. `meta` is read for the [`Meta`] only (title from
//! `FRBRalias[@name="title"]`, else the first `docTitle`; author from the `showAs` of the TLC that
//! `FRBRExpression/FRBRauthor` points to); it holds no text in the samples, and no other metadata is kept. Metadata-like
//! elements inside the text (`authorialNote`, `eol`, `noteRef` …) are inline: their text, if any, stays in
//! the block's text, in document order, exactly as `string()` keeps it.

use crate::eid::{EId, EIdError};
use crate::model::{Block, Document, EditError, Meta, Node, Part};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::QName;
use std::borrow::Cow;
use std::collections::HashMap;

/// The Akoma Ntoso 3.0 namespace.
pub const AKN_NAMESPACE: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

/// The `@name` of the `hcontainer` that carries a run of blocks between child nodes (see the module docs).
pub const BLOCK_RUN_NAME: &str = "accordBlocks";

const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

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
    /// The bytes are not UTF-8.
    #[error("expected UTF-8 text, found an invalid byte sequence at byte {byte_offset}")]
    NotUtf8 {
        /// The offset of the first byte that is not valid UTF-8.
        byte_offset: usize,
    },
    /// The text is not well-formed XML.
    #[error("line {line}, column {column}: malformed XML: {message}")]
    Malformed {
        /// The line, from 1.
        line: u32,
        /// The column, from 1.
        column: u32,
        /// What the XML parser (roxmltree) reported.
        message: String,
    },
    /// The root element is not `akomaNtoso` in the Akoma Ntoso 3.0 namespace.
    #[error(
        "not an Akoma Ntoso document: root is <{found}>, expected <akomaNtoso> in namespace {AKN_NAMESPACE}"
    )]
    NotAkomaNtoso {
        /// The root element's name, with its namespace in braces when it has one.
        found: String,
    },
    /// `akomaNtoso` holds no document element (`act`, `bill`, `statement` …).
    #[error("expected a document element (act, bill, statement …) inside <akomaNtoso>, found none")]
    NoDocumentElement,
    /// A required element is missing.
    #[error("line {line}: expected <{expected}> inside <{parent}>, found none")]
    Missing {
        /// The element that is missing, for example `FRBRWork` or the main body.
        expected: String,
        /// The element that should hold it.
        parent: String,
        /// The line of the parent element.
        line: u32,
    },
    /// An FRBR date is not a date `YYYY-MM-DD`.
    #[error("line {line}: <{element}> has date `{found}`, expected a date YYYY-MM-DD")]
    BadDate {
        /// The element, for example `FRBRWork/FRBRdate`.
        element: String,
        /// The attribute value as found.
        found: String,
        /// The line of the element.
        line: u32,
    },
    /// An eId (or `id`) breaks the eId syntax.
    #[error("line {line}: {source}")]
    BadEId {
        /// The line of the element.
        line: u32,
        /// The rule it breaks.
        source: EIdError,
    },
    /// Two elements share an eId.
    #[error("line {line}: eId `{eid}` is used again (first used on line {first_line})")]
    DuplicateEId {
        /// The eId.
        eid: EId,
        /// The line of the second element.
        line: u32,
        /// The line of the first element.
        first_line: u32,
    },
}

/// The document as Akoma Ntoso 3.0 XML, valid against the official schema.
pub fn to_xml(document: &Document) -> String {
    to_xml_with_inline(document, &|_, _| None)
}

/// `xml` written by [`to_xml_with_inline`] with attributes given to its `<ins>` and `<del>` marks, in the
/// order they stand: the n-th mark gets the n-th item of `attributes` (` refersTo="…"`, with its leading
/// space), `None` or a missing item leaves it bare. The writer escapes text, so the only `<ins>` and `<del>`
/// in `xml` are the marks.
pub fn with_mark_attributes(xml: &str, attributes: impl IntoIterator<Item = Option<String>>) -> String {
    let mut attributes = attributes.into_iter();
    let mut out = String::with_capacity(xml.len() + xml.len() / 8);
    let mut rest = xml;
    while let Some(position) = find_mark(rest) {
        let (before, tag_and_after) = rest.split_at(position);
        out.push_str(before);
        out.push_str(&tag_and_after[..4]);
        if let Some(Some(attributes)) = attributes.next() {
            out.push_str(&attributes);
        }
        out.push('>');
        rest = &tag_and_after[5..];
    }
    out.push_str(rest);
    out
}

/// Where the next bare `<ins>` or `<del>` starts in `xml`.
fn find_mark(xml: &str) -> Option<usize> {
    xml.match_indices('<')
        .map(|(position, _)| position)
        .find(|&position| xml[position..].starts_with("<ins>") || xml[position..].starts_with("<del>"))
}

/// `xml` with `references` (TLC elements, one per line) added at the end of its first `meta/references`.
pub fn with_references(xml: &str, references: &str) -> String {
    let mut out = xml.to_owned();
    if let Some(position) = out.find("</references>") {
        out.insert_str(position, references);
    }
    out
}

/// The document as Akoma Ntoso 3.0 XML, where `inline(node, block_index)` may give the marked pieces of the
/// node's `block_index`-th own block (counting as [`Node::own_blocks`] does); `None` writes the block's text.
///
/// The output is deterministic: the same document and the same `inline` give the same bytes.
pub fn to_xml_with_inline(
    document: &Document,
    inline: &dyn Fn(&Node, usize) -> Option<Vec<Inline>>,
) -> String {
    let mut out = XmlOut { writer: quick_xml::Writer::new(Vec::new()), inline };
    out.event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    out.newline(0);
    out.open("akomaNtoso", &[("xmlns", AKN_NAMESPACE)]);
    write_document_element(&mut out, document, 1);
    out.newline(0);
    out.close("akomaNtoso");
    out.text("\n");
    String::from_utf8(out.writer.into_inner()).expect("the writer only receives UTF-8")
}

/// The document element (`statement`, `act` …): meta, the top parts, then the embedded documents as
/// `attachments`.
fn write_document_element(out: &mut XmlOut<'_>, document: &Document, depth: usize) {
    let meta = document.meta();
    out.newline(depth);
    let mut doc_attributes = vec![("name", meta.doc_name.as_str())];
    if meta.doc_name.is_empty() {
        doc_attributes.clear();
    }
    out.open(&meta.doc_type, &doc_attributes);
    write_meta(out, meta, depth + 1);
    for part in document.parts() {
        out.newline(depth + 1);
        out.top_part(part, depth + 1);
    }
    if !document.embedded().is_empty() {
        out.newline(depth + 1);
        out.open("attachments", &[]);
        for embedded in document.embedded() {
            out.newline(depth + 2);
            out.open("attachment", &[]);
            write_document_element(out, embedded, depth + 3);
            out.newline(depth + 2);
            out.close("attachment");
        }
        out.newline(depth + 1);
        out.close("attachments");
    }
    out.newline(depth);
    out.close(&meta.doc_type);
}

/// The work's URI after the Akoma Ntoso naming convention (akn-nc 1.0, section 4): `/akn/{country}/{type}/
/// {name}/{date}/{number}`, for example `/akn/un/statement/compact/2018-12-19/gcm`.
pub fn work_uri(meta: &Meta) -> String {
    format!(
        "/akn/{}/{}/{}/{}/{}",
        uri_segment(&meta.country),
        uri_segment(&meta.doc_type),
        uri_segment(&meta.doc_name),
        meta.work_date,
        uri_segment(&meta.work_number)
    )
}

/// The expression's URI: the work's, then `/{language}@{date}`, then `;{version}` with the version label as a
/// slug, so that two revisions of one day differ, for example
/// `/akn/un/statement/compact/2018-12-19/gcm/eng@2018-12-19;final`.
pub fn expression_uri(meta: &Meta) -> String {
    let mut uri = format!("{}/{}@{}", work_uri(meta), uri_segment(&meta.language), meta.expression_date);
    let version = slug(&meta.version);
    if !version.is_empty() {
        uri.push(';');
        uri.push_str(&version);
    }
    uri
}

/// Reads an Akoma Ntoso 3.0 document.
///
/// # Errors
/// [`AknError`] saying what is wrong and where: malformed XML, a root that is not `akomaNtoso`, no document
/// element, missing FRBR work or expression, a bad FRBR date, a bad or duplicate eId.
pub fn from_xml(xml: &str) -> Result<Document, AknError> {
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let tree = roxmltree::Document::parse(xml).map_err(|error| {
        let position = error.pos();
        AknError::Malformed { line: position.row, column: position.col, message: error.to_string() }
    })?;
    let root = tree.root_element();
    if root.tag_name().name() != "akomaNtoso" || root.tag_name().namespace() != Some(AKN_NAMESPACE) {
        let found = match root.tag_name().namespace() {
            Some(namespace) => format!("{{{namespace}}}{}", root.tag_name().name()),
            None => root.tag_name().name().to_owned(),
        };
        return Err(AknError::NotAkomaNtoso { found });
    }
    let document_element = root.children().find(|child| is_akn(*child)).ok_or(AknError::NoDocumentElement)?;
    let mut reader = Reader { tree: &tree, seen: HashMap::new() };
    let document = reader.document(document_element)?;
    // A document collection may keep its components beside itself, in the root's `components`.
    let mut embedded = document.embedded().to_vec();
    if let Some(components) = named(root, "components") {
        embedded.extend(reader.embedded(components)?);
    }
    Ok(document.with_embedded(embedded))
}

/// Reads an Akoma Ntoso 3.0 document from bytes, which must be UTF-8.
///
/// # Errors
/// [`AknError::NotUtf8`] with the offset of the first bad byte; otherwise as [`from_xml`].
pub fn from_bytes(bytes: &[u8]) -> Result<Document, AknError> {
    let text =
        std::str::from_utf8(bytes).map_err(|error| AknError::NotUtf8 { byte_offset: error.valid_up_to() })?;
    from_xml(text)
}

// ---------------------------------------------------------------------------------------------------------
// Export

/// The Akoma Ntoso hierarchy elements (schema group `hierElements`), which take `intro`, children,
/// `crossHeading` and `wrapUp`, or `content`.
const HIERARCHY_ELEMENTS: &[&str] = &[
    "alinea",
    "article",
    "book",
    "chapter",
    "clause",
    "division",
    "hcontainer",
    "indent",
    "level",
    "list",
    "paragraph",
    "part",
    "point",
    "proviso",
    "rule",
    "section",
    "subchapter",
    "subclause",
    "subdivision",
    "sublist",
    "subparagraph",
    "subpart",
    "subrule",
    "subsection",
    "subtitle",
    "title",
    "tome",
    "transitional",
];

/// Inline elements of the document header, which a block holds alone inside a `p`.
const HEADER_INLINES: &[&str] = &[
    "docAuthority",
    "docCommittee",
    "docDate",
    "docIntroducer",
    "docJurisdiction",
    "docNumber",
    "docProponent",
    "docPurpose",
    "docStage",
    "docStatus",
    "docTitle",
    "docType",
    "docketNumber",
    "legislature",
    "session",
    "shortTitle",
];

/// Elements that sit inside text: the schema's `inlineCM` group (inline, marker and subflow elements) and
/// the quoted text and structure of modifications. Sorted, for binary search.
const INLINE_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "affectedDocument",
    "argument",
    "authorialNote",
    "b",
    "br",
    "change",
    "concept",
    "courtType",
    "date",
    "decoration",
    "def",
    "del",
    "docAuthority",
    "docCommittee",
    "docDate",
    "docIntroducer",
    "docJurisdiction",
    "docNumber",
    "docProponent",
    "docPurpose",
    "docStage",
    "docStatus",
    "docTitle",
    "docType",
    "docketNumber",
    "embeddedStructure",
    "embeddedText",
    "entity",
    "eol",
    "eop",
    "event",
    "fillIn",
    "i",
    "img",
    "inline",
    "ins",
    "judge",
    "lawyer",
    "legislature",
    "location",
    "marker",
    "mmod",
    "mod",
    "mref",
    "neutralCitation",
    "noteRef",
    "object",
    "omissis",
    "opinion",
    "organization",
    "outcome",
    "party",
    "person",
    "placeholder",
    "process",
    "quantity",
    "quotedStructure",
    "quotedText",
    "recordedTime",
    "ref",
    "relatedDocument",
    "remark",
    "rmod",
    "role",
    "rref",
    "session",
    "shortTitle",
    "signature",
    "span",
    "sub",
    "subFlow",
    "sup",
    "term",
    "time",
    "u",
    "vote",
];

fn is_hierarchy(element: &str) -> bool {
    HIERARCHY_ELEMENTS.contains(&element)
}

fn is_header_inline(element: &str) -> bool {
    HEADER_INLINES.contains(&element)
}

fn is_inline(element: &str) -> bool {
    INLINE_ELEMENTS.binary_search(&element).is_ok()
}

/// The XML being written, and the caller's redline marks.
struct XmlOut<'a> {
    writer: quick_xml::Writer<Vec<u8>>,
    inline: &'a dyn Fn(&Node, usize) -> Option<Vec<Inline>>,
}

impl XmlOut<'_> {
    fn event(&mut self, event: Event<'_>) {
        self.writer.write_event(event).expect("writing to a Vec cannot fail");
    }

    fn start(name: &str, attributes: &[(&str, &str)]) -> BytesStart<'static> {
        let mut start = BytesStart::new(name.to_owned());
        for (key, value) in attributes {
            start.push_attribute(Attribute {
                key: QName(key.as_bytes()),
                value: Cow::Owned(escape_attribute(value).into_bytes()),
            });
        }
        start
    }

    fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.event(Event::Start(Self::start(name, attributes)));
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.event(Event::Empty(Self::start(name, attributes)));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name.to_owned())));
    }

    fn text(&mut self, text: &str) {
        self.event(Event::Text(BytesText::from_escaped(escape_text(text))));
    }

    fn newline(&mut self, depth: usize) {
        let mut indent = String::with_capacity(1 + 2 * depth);
        indent.push('\n');
        indent.extend(std::iter::repeat_n(' ', 2 * depth));
        self.event(Event::Text(BytesText::from_escaped(indent)));
    }

    /// `<element>text</element>` on a line of its own.
    fn leaf(&mut self, name: &str, text: &str, depth: usize) {
        self.newline(depth);
        if text.is_empty() {
            self.empty(name, &[]);
        } else {
            self.open(name, &[]);
            self.text(text);
            self.close(name);
        }
    }

    /// One block, with its marks when the caller gives some.
    fn block(&mut self, node: &Node, block_idx: usize, block: &Block, depth: usize) {
        let pieces = (self.inline)(node, block_idx);
        let eid_attribute: Vec<(&str, &str)> = block.eid.iter().map(|eid| ("eId", eid.as_str())).collect();
        self.newline(depth);
        let (outer, inner) = if is_header_inline(&block.element) {
            ("p", Some(block.element.as_str()))
        } else {
            (block.element.as_str(), None)
        };
        self.open(outer, &eid_attribute);
        if let Some(inner) = inner {
            self.open(inner, &[]);
        }
        match pieces {
            Some(pieces) => {
                for piece in &pieces {
                    match piece {
                        Inline::Text(text) => self.text(text),
                        Inline::Ins(text) => {
                            self.open("ins", &[]);
                            self.text(text);
                            self.close("ins");
                        }
                        Inline::Del(text) => {
                            self.open("del", &[]);
                            self.text(text);
                            self.close("del");
                        }
                    }
                }
            }
            None => self.text(&block.text),
        }
        if let Some(inner) = inner {
            self.close(inner);
        }
        self.close(outer);
    }

    fn node_attributes(node: &Node) -> Vec<(&str, &str)> {
        let mut attributes = Vec::new();
        if let Some(name) = &node.name {
            attributes.push(("name", name.as_str()));
        }
        if let Some(eid) = &node.eid {
            attributes.push(("eId", eid.as_str()));
        }
        attributes
    }

    fn num_and_headings(&mut self, node: &Node, depth: usize) {
        if let Some(num) = &node.num {
            self.leaf("num", num, depth);
        }
        if let Some(heading) = &node.heading {
            self.leaf("heading", heading, depth);
        }
        if let Some(subheading) = &node.subheading {
            self.leaf("subheading", subheading, depth);
        }
    }

    /// A top part (`preface`, `preamble`, the body, `conclusions`): blocks and nodes directly inside.
    fn top_part(&mut self, node: &Node, depth: usize) {
        self.open(&node.element, &Self::node_attributes(node));
        let mut written = false;
        for text in [&node.num, &node.heading, &node.subheading].into_iter().flatten() {
            self.leaf("p", text, depth + 1);
            written = true;
        }
        let mut block_idx = 0;
        for block in &node.intro {
            self.block(node, block_idx, block, depth + 1);
            block_idx += 1;
            written = true;
        }
        for part in &node.content {
            match part {
                Part::Block(block) => {
                    self.block(node, block_idx, block, depth + 1);
                    block_idx += 1;
                }
                Part::Node(child) => self.node(child, depth + 1),
            }
            written = true;
        }
        for block in &node.wrap_up {
            self.block(node, block_idx, block, depth + 1);
            block_idx += 1;
            written = true;
        }
        if !written {
            // The schema wants at least one element in a top part.
            self.newline(depth + 1);
            self.empty("p", &[]);
        }
        self.newline(depth);
        self.close(&node.element);
    }

    /// Any node below a top part.
    fn node(&mut self, node: &Node, depth: usize) {
        self.newline(depth);
        self.open(&node.element, &Self::node_attributes(node));
        self.num_and_headings(node, depth + 1);
        let needs_hierarchy_form = !node.intro.is_empty()
            || !node.wrap_up.is_empty()
            || node.content.iter().any(|part| match part {
                Part::Node(_) => true,
                Part::Block(block) => block.element == "crossHeading",
            });
        if !is_hierarchy(&node.element) {
            self.open_node_body(node, depth);
        } else if needs_hierarchy_form {
            self.hierarchy_body(node, depth);
        } else {
            self.newline(depth + 1);
            if node.content.is_empty() {
                self.empty("content", &[]);
            } else {
                self.open("content", &[]);
                for (block_idx, part) in node.content.iter().enumerate() {
                    if let Part::Block(block) = part {
                        self.block(node, block_idx, block, depth + 2);
                    }
                }
                self.newline(depth + 1);
                self.close("content");
            }
        }
        self.newline(depth);
        self.close(&node.element);
    }

    /// A hierarchy element's `intro`, children and `wrapUp`.
    fn hierarchy_body(&mut self, node: &Node, depth: usize) {
        let mut block_idx = 0;
        if !node.intro.is_empty() {
            self.newline(depth + 1);
            self.open("intro", &[]);
            for block in &node.intro {
                self.block(node, block_idx, block, depth + 2);
                block_idx += 1;
            }
            self.newline(depth + 1);
            self.close("intro");
        }
        let mut run_open = false;
        for part in &node.content {
            let in_run = matches!(part, Part::Block(block) if block.element != "crossHeading");
            if run_open && !in_run {
                self.close_block_run(depth + 1);
                run_open = false;
            }
            match part {
                Part::Node(child) => self.node(child, depth + 1),
                Part::Block(block) if !in_run => {
                    self.block(node, block_idx, block, depth + 1);
                    block_idx += 1;
                }
                Part::Block(block) => {
                    if !run_open {
                        self.newline(depth + 1);
                        self.open("hcontainer", &[("name", BLOCK_RUN_NAME)]);
                        self.newline(depth + 2);
                        self.open("content", &[]);
                        run_open = true;
                    }
                    self.block(node, block_idx, block, depth + 3);
                    block_idx += 1;
                }
            }
        }
        if run_open {
            self.close_block_run(depth + 1);
        }
        if !node.wrap_up.is_empty() {
            self.newline(depth + 1);
            self.open("wrapUp", &[]);
            for block in &node.wrap_up {
                self.block(node, block_idx, block, depth + 2);
                block_idx += 1;
            }
            self.newline(depth + 1);
            self.close("wrapUp");
        }
    }

    fn close_block_run(&mut self, depth: usize) {
        self.newline(depth + 1);
        self.close("content");
        self.newline(depth);
        self.close("hcontainer");
    }

    /// A node of an element outside the hierarchy (kept from an import): everything in order, unwrapped.
    fn open_node_body(&mut self, node: &Node, depth: usize) {
        let mut block_idx = 0;
        if !node.intro.is_empty() {
            self.newline(depth + 1);
            self.open("intro", &[]);
            for block in &node.intro {
                self.block(node, block_idx, block, depth + 2);
                block_idx += 1;
            }
            self.newline(depth + 1);
            self.close("intro");
        }
        for part in &node.content {
            match part {
                Part::Node(child) => self.node(child, depth + 1),
                Part::Block(block) => {
                    self.block(node, block_idx, block, depth + 1);
                    block_idx += 1;
                }
            }
        }
        if !node.wrap_up.is_empty() {
            self.newline(depth + 1);
            self.open("wrapUp", &[]);
            for block in &node.wrap_up {
                self.block(node, block_idx, block, depth + 2);
                block_idx += 1;
            }
            self.newline(depth + 1);
            self.close("wrapUp");
        }
    }
}

/// `meta` with `identification` (FRBR work, expression, manifestation) and the `references` it points to.
fn write_meta(out: &mut XmlOut<'_>, meta: &Meta, depth: usize) {
    let author_ref = author_slug(&meta.author);
    let author_href = format!("#{author_ref}");
    let work = work_uri(meta);
    let expression = expression_uri(meta);
    let work_date = meta.work_date.to_string();
    let expression_date = meta.expression_date.to_string();

    out.newline(depth);
    out.open("meta", &[]);
    out.newline(depth + 1);
    out.open("identification", &[("source", &author_href)]);

    out.newline(depth + 2);
    out.open("FRBRWork", &[]);
    let frbr = depth + 3;
    let item = |out: &mut XmlOut<'_>, name: &str, attributes: &[(&str, &str)]| {
        out.newline(frbr);
        out.empty(name, attributes);
    };
    item(out, "FRBRthis", &[("value", &format!("{work}/!main"))]);
    item(out, "FRBRuri", &[("value", &work)]);
    item(out, "FRBRalias", &[("value", &meta.title), ("name", "title")]);
    item(out, "FRBRdate", &[("date", &work_date), ("name", "work")]);
    item(out, "FRBRauthor", &[("href", &author_href)]);
    item(out, "FRBRcountry", &[("value", &meta.country)]);
    item(out, "FRBRnumber", &[("value", &meta.work_number)]);
    if let Some(symbol) = &meta.source_symbol {
        item(out, "FRBRname", &[("value", symbol)]);
    }
    out.newline(depth + 2);
    out.close("FRBRWork");

    out.newline(depth + 2);
    out.open("FRBRExpression", &[]);
    item(out, "FRBRthis", &[("value", &format!("{expression}/!main"))]);
    item(out, "FRBRuri", &[("value", &expression)]);
    item(out, "FRBRdate", &[("date", &expression_date), ("name", "expression")]);
    item(out, "FRBRauthor", &[("href", &author_href)]);
    item(out, "FRBRversionNumber", &[("value", &meta.version)]);
    item(out, "FRBRlanguage", &[("language", &meta.language)]);
    out.newline(depth + 2);
    out.close("FRBRExpression");

    out.newline(depth + 2);
    out.open("FRBRManifestation", &[]);
    item(out, "FRBRthis", &[("value", &format!("{expression}/!main.xml"))]);
    item(out, "FRBRuri", &[("value", &format!("{expression}.akn"))]);
    item(out, "FRBRdate", &[("date", &expression_date), ("name", "manifestation")]);
    item(out, "FRBRauthor", &[("href", &author_href)]);
    out.newline(depth + 2);
    out.close("FRBRManifestation");

    out.newline(depth + 1);
    out.close("identification");

    out.newline(depth + 1);
    out.open("references", &[("source", &author_href)]);
    out.newline(depth + 2);
    let ontology = format!("/akn/ontology/organizations/{}/{author_ref}", uri_segment(&meta.country));
    out.empty("TLCOrganization", &[("eId", &author_ref), ("href", &ontology), ("showAs", &meta.author)]);
    out.newline(depth + 1);
    out.close("references");
    out.newline(depth);
    out.close("meta");
}

/// The author's TLC eId: the author as a slug, or `author` when that is empty.
fn author_slug(author: &str) -> String {
    let slug = slug(author);
    if slug.is_empty() || !slug.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("author-{slug}").trim_end_matches('-').to_owned()
    } else {
        slug
    }
}

/// Lower-case ASCII letters and digits, every other run of characters as one `-`, no `-` at either end.
fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// A URI path segment: characters outside `[A-Za-z0-9._-]` become `-`; empty becomes `-`.
fn uri_segment(text: &str) -> String {
    if text.is_empty() {
        return "-".to_owned();
    }
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect()
}

/// Escapes text content; `\r` is written as a character reference, which XML parsers keep.
fn escape_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '\r' => escaped.push_str("&#13;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Escapes an attribute value for double quotes; white space other than a space is written as a character
/// reference, because XML parsers turn a literal tab or newline in an attribute into a space.
fn escape_attribute(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\n' => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' => escaped.push_str("&#9;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

// ---------------------------------------------------------------------------------------------------------
// Import

fn is_akn(node: roxmltree::Node<'_, '_>) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(AKN_NAMESPACE)
}

fn named<'a, 'input>(node: roxmltree::Node<'a, 'input>, name: &str) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|child| is_akn(*child) && child.tag_name().name() == name)
}

/// All text below `node`, as XPath's `string()` gives it.
fn string_value(node: roxmltree::Node<'_, '_>) -> String {
    let mut text = String::new();
    for descendant in node.descendants() {
        if descendant.is_text() {
            text.push_str(descendant.text().unwrap_or_default());
        }
    }
    text
}

fn has_own_text(node: roxmltree::Node<'_, '_>) -> bool {
    node.children().any(|child| child.is_text() && !child.text().unwrap_or_default().trim().is_empty())
}

/// The import's state: the tree (for line numbers) and the eIds met so far, with the byte offset of their
/// element (turned into a line only for an error: finding a line scans the text from its start).
struct Reader<'a, 'input> {
    tree: &'a roxmltree::Document<'input>,
    seen: HashMap<EId, usize>,
}

impl<'a, 'input> Reader<'a, 'input> {
    fn line(&self, node: roxmltree::Node<'_, '_>) -> u32 {
        self.tree.text_pos_at(node.range().start).row
    }

    /// The element's eId (`eId`, else `id`, else `xml:id`), checked and recorded.
    fn eid(&mut self, element: roxmltree::Node<'_, '_>) -> Result<Option<EId>, AknError> {
        let value = element
            .attribute("eId")
            .or_else(|| element.attribute("id"))
            .or_else(|| element.attribute((XML_NAMESPACE, "id")));
        let Some(value) = value else { return Ok(None) };
        let eid =
            EId::parse(value).map_err(|source| AknError::BadEId { line: self.line(element), source })?;
        if let Some(first_offset) = self.seen.get(&eid) {
            let first_line = self.tree.text_pos_at(*first_offset).row;
            return Err(AknError::DuplicateEId { eid, line: self.line(element), first_line });
        }
        self.seen.insert(eid.clone(), element.range().start);
        Ok(Some(eid))
    }

    fn date(&self, parent: roxmltree::Node<'_, '_>, parent_name: &str) -> Result<time::Date, AknError> {
        let date_element = self.required(parent, "FRBRdate")?;
        let found = date_element.attribute("date").unwrap_or_default();
        parse_date(found).ok_or_else(|| AknError::BadDate {
            element: format!("{parent_name}/FRBRdate"),
            found: found.to_owned(),
            line: self.line(date_element),
        })
    }

    fn required(
        &self,
        parent: roxmltree::Node<'a, 'input>,
        name: &str,
    ) -> Result<roxmltree::Node<'a, 'input>, AknError> {
        named(parent, name).ok_or_else(|| AknError::Missing {
            expected: name.to_owned(),
            parent: parent.tag_name().name().to_owned(),
            line: self.line(parent),
        })
    }

    /// A document element (`act`, `bill`, `doc` …) with its parts and embedded documents.
    fn document(&mut self, document_element: roxmltree::Node<'a, 'input>) -> Result<Document, AknError> {
        let meta = self.meta(document_element)?;
        let mut cover_page = None;
        let mut preface = None;
        let mut preamble = None;
        let mut body = None;
        let mut conclusions = None;
        let mut embedded = Vec::new();
        for child in document_element.children().filter(|child| is_akn(*child)) {
            match child.tag_name().name() {
                "meta" => {}
                "attachments" | "components" => embedded.extend(self.embedded(child)?),
                "coverPage" if cover_page.is_none() => cover_page = Some(self.top_part(child)?),
                "preface" if preface.is_none() => preface = Some(self.top_part(child)?),
                "preamble" if preamble.is_none() => preamble = Some(self.top_part(child)?),
                "conclusions" if conclusions.is_none() => conclusions = Some(self.top_part(child)?),
                _ if body.is_none() => body = Some(self.top_part(child)?),
                _ => {}
            }
        }
        let body = body.ok_or_else(|| AknError::Missing {
            expected: "body".to_owned(),
            parent: document_element.tag_name().name().to_owned(),
            line: self.line(document_element),
        })?;
        // The reader refuses duplicate eIds with their lines as it goes, so these checks cannot fail.
        let duplicate = |error: EditError| match error {
            EditError::DuplicateEId(eid) => AknError::DuplicateEId { eid, line: 0, first_line: 0 },
            other => unreachable!("a new document refuses only duplicate eIds, not {other:?}"),
        };
        Ok(Document::new(meta, preface, preamble, body, conclusions)
            .map_err(duplicate)?
            .with_cover_page(cover_page)
            .map_err(duplicate)?
            .with_embedded(embedded))
    }

    /// The documents inside `attachments` (`attachment`) or `components` (`component`), each its own eId
    /// scope.
    fn embedded(&mut self, holder: roxmltree::Node<'a, 'input>) -> Result<Vec<Document>, AknError> {
        let mut documents = Vec::new();
        for wrapper in holder.children().filter(|child| is_akn(*child)) {
            let Some(document_element) = wrapper.children().find(|child| is_akn(*child)) else { continue };
            let mut scope = Reader { tree: self.tree, seen: HashMap::new() };
            documents.push(scope.document(document_element)?);
        }
        Ok(documents)
    }

    /// The [`Meta`] from `meta/identification` and `meta/references`.
    fn meta(&mut self, document_element: roxmltree::Node<'a, 'input>) -> Result<Meta, AknError> {
        let meta = self.required(document_element, "meta")?;
        let identification = self.required(meta, "identification")?;
        let work = self.required(identification, "FRBRWork")?;
        let expression = self.required(identification, "FRBRExpression")?;
        let value = |parent: roxmltree::Node<'_, '_>, name: &str, attribute: &str| {
            named(parent, name).and_then(|element| element.attribute(attribute)).map(str::to_owned)
        };
        let title = work
            .children()
            .find(|child| {
                is_akn(*child)
                    && child.tag_name().name() == "FRBRalias"
                    && child.attribute("name") == Some("title")
            })
            .and_then(|alias| alias.attribute("value").map(str::to_owned))
            .or_else(|| {
                document_element
                    .descendants()
                    .find(|element| is_akn(*element) && element.tag_name().name() == "docTitle")
                    .map(|title| string_value(title).split_whitespace().collect::<Vec<_>>().join(" "))
            })
            .or_else(|| value(work, "FRBRalias", "value"))
            .unwrap_or_default();
        let author_href = value(expression, "FRBRauthor", "href").unwrap_or_default();
        let author_key = author_href.trim_start_matches('#');
        let author = named(meta, "references")
            .and_then(|references| {
                references.children().filter(|child| is_akn(*child)).find(|reference| {
                    [
                        reference.attribute("eId"),
                        reference.attribute("id"),
                        reference.attribute((XML_NAMESPACE, "id")),
                    ]
                    .contains(&Some(author_key))
                })
            })
            .and_then(|reference| reference.attribute("showAs").map(str::to_owned))
            .unwrap_or_else(|| author_key.to_owned());
        Ok(Meta {
            doc_type: document_element.tag_name().name().to_owned(),
            doc_name: document_element.attribute("name").unwrap_or_default().to_owned(),
            title,
            country: value(work, "FRBRcountry", "value").unwrap_or_default(),
            work_date: self.date(work, "FRBRWork")?,
            work_number: value(work, "FRBRnumber", "value").unwrap_or_default(),
            source_symbol: value(work, "FRBRname", "value"),
            language: value(expression, "FRBRlanguage", "language").unwrap_or_default(),
            expression_date: self.date(expression, "FRBRExpression")?,
            version: value(expression, "FRBRversionNumber", "value").unwrap_or_default(),
            author,
        })
    }

    /// A top part: like any node, but an only, empty `p` is what export writes for an empty part.
    fn top_part(&mut self, element: roxmltree::Node<'a, 'input>) -> Result<Node, AknError> {
        let mut node = self.node(element)?;
        if let [Part::Block(block)] = node.content.as_slice() {
            if block.element == "p" && block.eid.is_none() && block.text.is_empty() {
                node.content.clear();
            }
        }
        Ok(node)
    }

    /// An element as a block or a node (see the module docs for the rule).
    fn part(&mut self, element: roxmltree::Node<'a, 'input>) -> Result<Part, AknError> {
        if reads_as_block(element) {
            Ok(Part::Block(self.block(element)?))
        } else {
            Ok(Part::Node(self.node(element)?))
        }
    }

    fn block(&mut self, element: roxmltree::Node<'a, 'input>) -> Result<Block, AknError> {
        let eid = self.eid(element)?;
        let mut name = element.tag_name().name();
        if name == "p" && !has_own_text(element) {
            let mut children = element.children().filter(|child| child.is_element());
            if let (Some(only), None) = (children.next(), children.next()) {
                if is_header_inline(only.tag_name().name()) && only.attributes().len() == 0 {
                    name = only.tag_name().name();
                }
            }
        }
        // Inline elements keep their own eIds out of the model, but they must still be unique.
        for inner in element.descendants().skip(1).filter(|inner| inner.is_element()) {
            self.eid(inner)?;
        }
        Ok(Block { element: name.to_owned(), eid, text: string_value(element).trim().to_owned() })
    }

    /// The element's children as blocks, or `None` (reading nothing) when it has text of its own or a
    /// child that reads as a node.
    fn blocks(&mut self, element: roxmltree::Node<'a, 'input>) -> Result<Option<Vec<Block>>, AknError> {
        let children = element.children().filter(|child| child.is_element());
        if has_own_text(element) || !children.clone().all(reads_as_block) {
            return Ok(None);
        }
        children.map(|child| self.block(child)).collect::<Result<Vec<_>, _>>().map(Some)
    }

    fn node(&mut self, element: roxmltree::Node<'a, 'input>) -> Result<Node, AknError> {
        let mut node = Node::new(element.tag_name().name());
        node.name = element.attribute("name").map(str::to_owned);
        node.eid = self.eid(element)?;
        let children: Vec<roxmltree::Node<'a, 'input>> =
            element.children().filter(|child| child.is_element()).collect();
        let n_children = children.len();
        let mut leading = true;
        for (child_idx, child) in children.into_iter().enumerate() {
            let child_name = child.tag_name().name();
            let is_last = child_idx + 1 == n_children;
            let takes_field = leading && child.attributes().len() == 0;
            match child_name {
                "num"
                    if takes_field
                        && node.num.is_none()
                        && node.heading.is_none()
                        && node.subheading.is_none() =>
                {
                    node.num = Some(string_value(child).trim().to_owned());
                    continue;
                }
                "heading" if takes_field && node.heading.is_none() && node.subheading.is_none() => {
                    node.heading = Some(string_value(child).trim().to_owned());
                    continue;
                }
                "subheading" if takes_field && node.subheading.is_none() => {
                    node.subheading = Some(string_value(child).trim().to_owned());
                    continue;
                }
                _ => {}
            }
            leading = false;
            let is_plain = child.attributes().len() == 0;
            match child_name {
                "intro" if is_plain && node.intro.is_empty() && node.content.is_empty() => {
                    if let Some(blocks) = self.blocks(child)? {
                        node.intro = blocks;
                        continue;
                    }
                }
                "wrapUp" if is_plain && is_last => {
                    if let Some(blocks) = self.blocks(child)? {
                        node.wrap_up = blocks;
                        continue;
                    }
                }
                "content" if is_plain && !has_own_text(child) => {
                    for grandchild in child.children().filter(|grandchild| grandchild.is_element()) {
                        let part = self.part(grandchild)?;
                        node.content.push(part);
                    }
                    continue;
                }
                "hcontainer"
                    if child.attribute("name") == Some(BLOCK_RUN_NAME) && child.attributes().len() == 1 =>
                {
                    if let Some(content) = named(child, "content") {
                        if let Some(blocks) = self.blocks(content)? {
                            node.content.extend(blocks.into_iter().map(Part::Block));
                            continue;
                        }
                    }
                }
                _ => {}
            }
            let part = self.part(child)?;
            node.content.push(part);
        }
        Ok(node)
    }
}

/// Whether an element reads as a [`Block`]: it holds text of its own, or only inline elements (or nothing).
fn reads_as_block(element: roxmltree::Node<'_, '_>) -> bool {
    has_own_text(element)
        || element
            .children()
            .filter(|child| child.is_element())
            .all(|child| is_inline(child.tag_name().name()))
}

/// A date `YYYY-MM-DD`, optionally followed by an XML Schema time zone (`Z`, `+01:00`), which is dropped.
fn parse_date(text: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let (date, zone) = text.split_at_checked(10)?;
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6
            && (zone.starts_with('+') || zone.starts_with('-'))
            && zone.as_bytes()[3] == b':'
            && zone[1..3].bytes().chain(zone[4..].bytes()).all(|b| b.is_ascii_digit()));
    if !zone_ok {
        return None;
    }
    time::Date::parse(date, format).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_elements_are_sorted_for_binary_search() {
        assert!(INLINE_ELEMENTS.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(HEADER_INLINES.iter().all(|name| is_inline(name)));
    }

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert_eq!(slug("Rev.1 (co-facilitators)"), "rev-1-co-facilitators");
        assert_eq!(author_slug("United Nations General Assembly"), "united-nations-general-assembly");
        assert_eq!(author_slug(""), "author");
        assert_eq!(author_slug("3 States"), "author-3-states");
    }

    #[test]
    fn dates_take_an_optional_time_zone() {
        assert_eq!(parse_date("2018-12-19"), Some(time::macros::date!(2018 - 12 - 19)));
        assert_eq!(parse_date("2018-12-19+01:00"), Some(time::macros::date!(2018 - 12 - 19)));
        assert_eq!(parse_date("2018-13-19"), None);
        assert_eq!(parse_date("19/12/2018"), None);
    }
}
