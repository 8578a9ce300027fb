//! Word (DOCX) files of a revision, of a redline and of a compilation, with real tracked changes (`w:ins`,
//! `w:del`).
//!
//! - [`revision_docx`]: one revision as a Word file: its title, a heading per section and objective, the
//!   numbered paragraphs and lettered actions with their numbers.
//! - [`redline_docx`]: the new revision of an [`accord_text::redline::Redline`] with every inserted word in a
//!   `w:ins` run and every deleted word in a `w:del` run (`w:delText`), each signed with an author and a
//!   date, and change tracking switched on (`w:trackRevisions` in `word/settings.xml`), so that Word shows
//!   the changes for review and can accept or reject them one by one; [`redline_docx_with_origins`] adds a
//!   comment on each change naming the amendments it came from.
//! - [`compilation_docx`]: the compilation text of a round ([`accord_text::compilation::Compilation`]): the
//!   revision with each proposal as a tracked change whose author is its sponsor, and a Word comment on it
//!   naming its amendments and parties.
//!
//! All lay the document out the same way (module `layout`): a node with a heading becomes a heading
//! paragraph (`Heading1` … `Heading3` by how many headed elements hold it), a node without one becomes body
//! paragraphs, its number first and indented by how deeply it sits under the closest heading.
//!
//! Pure: it takes documents, a redline or a compilation, authors and dates, and returns the file's bytes; it
//! opens no file and reads no clock.
#![deny(missing_docs)]

mod compilation;
mod layout;

pub use compilation::{compilation_docx, compilation_docx_dated, CompilationTitle};

use accord_text::akn::Inline;
use accord_text::redline::{self, Change, Entry, Presence, Redline};
use accord_text::{Document, EId, Meta};
use docx_rs::{Docx, Paragraph, Run};
use layout::{Item, ItemBlock, Piece, Tracked, Tracking};

/// Why a Word file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// docx-rs could not write the package (its zip error, as text: docx-rs uses another zip version).
    #[error("could not write the Word package: {0}")]
    Package(String),
    /// The package docx-rs wrote could not be read back or written again to switch change tracking on.
    #[error("could not rewrite the Word package to switch change tracking on: {0}")]
    Repack(#[from] zip::result::ZipError),
    /// The package's `word/settings.xml` is missing or not as docx-rs writes it.
    #[error("expected `word/settings.xml` with a `w:settings` element in the package, found {0}")]
    Settings(String),
    /// The date could not be written as ISO 8601.
    #[error("could not write the date as ISO 8601: {0}")]
    Date(#[from] time::error::Format),
    /// Reading or writing the in-memory package failed.
    #[error("could not read or write the in-memory package: {0}")]
    Io(#[from] std::io::Error),
    /// The compilation was made of another revision than the one given: an element of the compilation is
    /// not in it, or its text differs.
    #[error("eId `{eid}`: expected the revision the compilation was made of, found {found}")]
    NotTheRevision {
        /// The element of the compilation.
        eid: EId,
        /// What the revision holds instead: `no such element`, or `other text`.
        found: &'static str,
    },
}

/// One revision as a Word file (the bytes of a `.docx`).
///
/// # Errors
/// [`DocxError::Package`] when docx-rs cannot write the package.
pub fn revision_docx(document: &Document) -> Result<Vec<u8>, DocxError> {
    let unchanged = redline::redline(document, document);
    let docx = title_paragraphs(layout::styled_docx(), document.meta());
    let items = unchanged.entries().iter().map(|entry| entry_item(entry, document.meta(), None));
    layout::pack(layout::lay_out(docx, items))
}

/// The redline from `old` to `new` as a Word file with tracked changes: the new revision, inserted words as
/// `w:ins`, deleted words as `w:del` with `w:delText`, deleted elements as deleted paragraphs (their
/// paragraph marks deleted too), inserted elements as inserted paragraphs, and moved elements where they
/// now stand (their text changes tracked, the move itself not). Every change carries `author` and `date`
/// (written in UTC, to the second, as Word does), and `word/settings.xml` switches tracking on.
///
/// `redline` must be `accord_text::redline::redline(old, new)`.
///
/// # Errors
/// [`DocxError::Date`] when `date` cannot be written as ISO 8601 (a year beyond 9999); the other
/// [`DocxError`]s when the package cannot be written.
pub fn redline_docx(
    old: &Document,
    new: &Document,
    redline: &Redline,
    author: &str,
    date: time::OffsetDateTime,
) -> Result<Vec<u8>, DocxError> {
    write_redline(old, new, redline, author, date, None)
}

/// [`redline_docx`], where each change that `origins` knows the amendments of carries a Word comment by
/// `author`: `From A/21, A/23`, over the inserted and deleted words of one change (a run of them that the same
/// amendments made), or over the element's first paragraph for an element inserted or deleted whole.
/// Comments are not text: accepting or rejecting the changes does not touch them.
///
/// # Errors
/// As [`redline_docx`].
pub fn redline_docx_with_origins(
    old: &Document,
    new: &Document,
    redline: &Redline,
    author: &str,
    date: time::OffsetDateTime,
    origins: &dyn redline::Origins,
) -> Result<Vec<u8>, DocxError> {
    write_redline(old, new, redline, author, date, Some(origins))
}

fn write_redline(
    old: &Document,
    new: &Document,
    redline: &Redline,
    author: &str,
    date: time::OffsetDateTime,
    origins: Option<&dyn redline::Origins>,
) -> Result<Vec<u8>, DocxError> {
    // The redline holds the deleted text; `old` is part of the signature so that callers pass the pair the
    // redline was made from, as `accord_text::redline::to_akn` does.
    let _ = old;
    let tracking = Tracking { author: author.to_owned(), date: layout::word_date(date)? };
    let docx = title_paragraphs(layout::styled_docx(), new.meta());
    let mut n_comments = 0;
    let mut comment = |ids: &[u64]| {
        let text = format!("From {}", redline::amendment_labels(ids));
        let comment = docx_rs::Comment::new(n_comments)
            .author(compilation::escape_attribute(author))
            .date(&tracking.date)
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)));
        n_comments += 1;
        comment
    };
    let items = redline.entries().iter().map(|entry| {
        let mut item = entry_item(entry, new.meta(), Some(&tracking));
        let Some(origins) = origins else { return item };
        let of_entry = origins.of_entry(entry);
        if of_entry.is_empty() {
            return item;
        }
        // Each change (a run of inserted and deleted words from the same amendments) gets its own comment;
        // an element inserted or deleted whole, or changed only in its number or heading, one on the element.
        let by_segment = redline::segment_origins(origins, entry);
        let mut placed = false;
        if item.blocks.len() == entry.blocks.len() {
            for ((block, item_block), ids) in entry.blocks.iter().zip(&mut item.blocks).zip(by_segment) {
                if item_block.pieces.len() != block.segments.len() {
                    continue;
                }
                let pieces = std::mem::take(&mut item_block.pieces);
                let mut open: Option<(Vec<u64>, usize)> = None;
                for (piece, ids) in pieces.into_iter().zip(ids) {
                    if open.as_ref().is_some_and(|(open_ids, _)| *open_ids != ids) {
                        let (_, id) = open.take().expect("checked open");
                        item_block.pieces.push(Piece::CommentEnd(id));
                    }
                    if !ids.is_empty() && open.is_none() {
                        let made = comment(&ids);
                        open = Some((ids, made.id()));
                        item_block.pieces.push(Piece::CommentStart(Box::new(made)));
                        placed = true;
                    }
                    item_block.pieces.push(piece);
                }
                if let Some((_, id)) = open {
                    item_block.pieces.push(Piece::CommentEnd(id));
                }
            }
        }
        if !placed {
            item.comments.push(comment(&of_entry));
        }
        item
    });
    let bytes = layout::pack(layout::lay_out(docx, items))?;
    layout::switch_tracking_on(&bytes)
}

/// The title (the document's title) and subtitle (symbol, version and date) of a revision's file.
fn title_paragraphs(docx: Docx, meta: &Meta) -> Docx {
    let subtitle: Vec<&str> = [meta.source_symbol.as_deref(), Some(meta.version.as_str())]
        .into_iter()
        .flatten()
        .filter(|piece| !piece.is_empty())
        .collect();
    let subtitle = format!("{} ({})", subtitle.join(", "), meta.expression_date);
    docx.add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(&meta.title)))
        .add_paragraph(Paragraph::new().style("Subtitle").add_run(Run::new().add_text(subtitle)))
}

/// True for a text that the title paragraphs show already: the title or the symbol. A preface that repeats
/// them is not shown twice.
fn repeats_title(meta: &Meta, text: &str) -> bool {
    text == meta.title || Some(text) == meta.source_symbol.as_deref()
}

/// The item of a redline entry: its segments as plain words, or, with `tracking`, inserted and deleted
/// words by it, and whole inserted or deleted elements and blocks as such. Without tracking the text reads
/// as in the new revision.
fn entry_item<'t>(entry: &Entry, meta: &Meta, tracking: Option<&'t Tracking>) -> Item<'t> {
    let presence_mark = |presence: Presence| match (presence, tracking) {
        (Presence::NewOnly, Some(tracking)) => Tracked::Inserted(tracking),
        (Presence::OldOnly, Some(tracking)) => Tracked::Deleted(tracking),
        _ => Tracked::No,
    };
    let entry_presence = match entry.change {
        Change::Inserted => Presence::NewOnly,
        Change::Deleted => Presence::OldOnly,
        Change::Modified | Change::Unchanged => Presence::Both,
    };
    let pieces = |segments: &[Inline]| inline_pieces(segments, tracking);
    let blocks = entry
        .blocks
        .iter()
        .filter(|block| entry.depth > 0 || !repeats_title(meta, &redline::new_side(&block.segments)))
        .map(|block| {
            let presence = match entry.change {
                Change::Modified | Change::Unchanged => block.presence,
                Change::Inserted | Change::Deleted => entry_presence,
            };
            ItemBlock {
                element: block.element.clone(),
                after_n_children: block.after_n_children,
                pieces: pieces(&block.segments),
                mark: presence_mark(presence),
            }
        })
        .collect();
    Item {
        depth: entry.depth,
        counts_as_child: true,
        num: pieces(&entry.num),
        heading: pieces(&entry.heading),
        subheading: pieces(&entry.subheading),
        blocks,
        mark: presence_mark(entry_presence),
        comments: Vec::new(),
    }
}

/// Segments as pieces: inserted and deleted words tracked by `tracking`; without it, the new side's words.
fn inline_pieces<'t>(segments: &[Inline], tracking: Option<&'t Tracking>) -> Vec<Piece<'t>> {
    segments
        .iter()
        .filter_map(|segment| match (segment, tracking) {
            (Inline::Text(text), _) => Some(Piece::words(text.clone(), Tracked::No)),
            (Inline::Ins(text), Some(tracking)) => {
                Some(Piece::words(text.clone(), Tracked::Inserted(tracking)))
            }
            (Inline::Del(text), Some(tracking)) => {
                Some(Piece::words(text.clone(), Tracked::Deleted(tracking)))
            }
            (Inline::Ins(text), None) => Some(Piece::words(text.clone(), Tracked::No)),
            (Inline::Del(_), None) => None,
        })
        .collect()
}
