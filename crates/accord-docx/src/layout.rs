//! What every Word file of accord shares: the styles, the paragraphs of a tree of elements (headings,
//! numbers, indentation), the pieces of text with their tracked changes and comments, and the package with
//! change tracking switched on.
//!
//! A file is laid out from [`Item`]s, one per element in reading order with its depth, number, heading and
//! text blocks as [`Piece`]s. [`lay_out`] turns them into paragraphs: a node with a heading becomes a
//! heading paragraph (`Heading1` … `Heading3` by how many headed elements hold it), a node without one
//! becomes body paragraphs, its number first and indented by how deeply it sits under the closest heading.
//! A block that stands after some of its element's children (a `crossHeading` between two actions, a
//! wrap-up) is laid out once that many children are.

use crate::DocxError;
use docx_rs::{
    AlignmentType, Comment, Delete, Docx, Insert, Paragraph, Run, RunFonts, SpecialIndentType, Style,
    StyleType,
};
use std::io::{Cursor, Read, Write};

/// Who made a tracked change, and when (ISO 8601, UTC, to the second).
pub(crate) struct Tracking {
    pub(crate) author: String,
    pub(crate) date: String,
}

/// Whether a piece of text, or a paragraph mark, is a tracked change.
#[derive(Clone, Copy)]
pub(crate) enum Tracked<'t> {
    /// Plain text: in the text whatever is accepted or rejected.
    No,
    /// Inserted by a tracked change: in the text once accepted.
    Inserted(&'t Tracking),
    /// Deleted by a tracked change: in the text until accepted.
    Deleted(&'t Tracking),
}

/// A piece of a paragraph.
pub(crate) enum Piece<'t> {
    /// Words, plain or tracked; bold for a number in a body paragraph.
    Words { text: String, tracked: Tracked<'t>, bold: bool },
    /// A tab, plain or tracked with the paragraph it separates the number from.
    Tab(Tracked<'t>),
    /// A visible mark that is not part of the text and not a tracked change, in the character style
    /// [`NO_PROPOSAL_STYLE`].
    Mark(String),
    /// The start of a comment's range, with the comment (`w:commentRangeStart`; the comment itself goes to
    /// `word/comments.xml`).
    CommentStart(Box<Comment>),
    /// The end of a comment's range and its reference (`w:commentRangeEnd`, `w:commentReference`).
    CommentEnd(usize),
}

impl<'t> Piece<'t> {
    /// Plain or tracked words, not bold.
    pub(crate) fn words(text: impl Into<String>, tracked: Tracked<'t>) -> Piece<'t> {
        Piece::Words { text: text.into(), tracked, bold: false }
    }
}

/// One element to lay out.
pub(crate) struct Item<'t> {
    /// Depth in the tree: 0 for a document part, 1 for its children (a section of the compact), and so on.
    pub(crate) depth: usize,
    /// False for an element that its parent's blocks do not count among the children they stand after:
    /// a proposed new element, laid out right after the element it follows.
    pub(crate) counts_as_child: bool,
    /// The number, empty for none.
    pub(crate) num: Vec<Piece<'t>>,
    /// The heading, empty for none.
    pub(crate) heading: Vec<Piece<'t>>,
    /// The subheading, empty for none.
    pub(crate) subheading: Vec<Piece<'t>>,
    /// The own text blocks.
    pub(crate) blocks: Vec<ItemBlock<'t>>,
    /// The mark of its heading and number-only paragraphs, and of the separators (`: `, ` – `, the tab
    /// after a number): whole element inserted, deleted, or neither.
    pub(crate) mark: Tracked<'t>,
    /// Comments whose range is the element's first paragraph (carried to the next element's when it has
    /// none).
    pub(crate) comments: Vec<Comment>,
}

/// One own text block of an [`Item`].
pub(crate) struct ItemBlock<'t> {
    /// The block element's name: `crossHeading` gets its own style, any other is a body paragraph.
    pub(crate) element: String,
    /// How many of the element's children stand before it.
    pub(crate) after_n_children: usize,
    /// Its text.
    pub(crate) pieces: Vec<Piece<'t>>,
    /// The mark of its paragraph: inserted or deleted as a whole, or neither.
    pub(crate) mark: Tracked<'t>,
}

/// Twips (1/20 point) per indentation step.
const INDENT_STEP_TWIPS: i32 = 567;

/// Half-points: docx-rs sizes are in half-points, as `w:sz` is.
const BODY_SIZE_HALF_POINTS: usize = 22;

/// The character style of marks that are not part of the text, such as "No proposal".
pub(crate) const NO_PROPOSAL_STYLE: &str = "NoProposal";

/// The paragraph style of the lines under a title that say what the file is.
pub(crate) const TITLE_BLOCK_STYLE: &str = "TitleBlock";

/// A new document with accord's styles.
pub(crate) fn styled_docx() -> Docx {
    let heading = |level: usize, size: usize| {
        Style::new(format!("Heading{level}"), StyleType::Paragraph)
            .name(format!("heading {level}"))
            .based_on("Normal")
            .next("Normal")
            .size(size)
            .bold()
            .color("1F3864")
            .outline_lvl(level - 1)
    };
    Docx::new()
        .default_fonts(RunFonts::new().ascii("Calibri").hi_ansi("Calibri").east_asia("Calibri").cs("Calibri"))
        .default_size(BODY_SIZE_HALF_POINTS)
        .default_spacing(120)
        .add_style(Style::new("Normal", StyleType::Paragraph).name("Normal"))
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .based_on("Normal")
                .next("Normal")
                .size(40)
                .bold()
                .align(AlignmentType::Center),
        )
        .add_style(
            Style::new("Subtitle", StyleType::Paragraph)
                .name("Subtitle")
                .based_on("Normal")
                .next("Normal")
                .size(24)
                .italic()
                .align(AlignmentType::Center),
        )
        .add_style(
            Style::new(TITLE_BLOCK_STYLE, StyleType::Paragraph)
                .name("Title block")
                .based_on("Normal")
                .next("Normal")
                .size(20)
                .align(AlignmentType::Center),
        )
        .add_style(
            Style::new("CrossHeading", StyleType::Paragraph)
                .name("Cross heading")
                .based_on("Normal")
                .next("Normal")
                .bold()
                .italic(),
        )
        .add_style(
            Style::new(NO_PROPOSAL_STYLE, StyleType::Character)
                .name("No proposal")
                .italic()
                .size(18)
                .color("595959"),
        )
        .add_style(heading(1, 32))
        .add_style(heading(2, 28))
        .add_style(heading(3, 24))
}

/// A paragraph before it is written: its style, indentation, paragraph mark and pieces.
struct Para<'t> {
    style: String,
    /// Left indentation and hanging indentation, in twips.
    indent: Option<(i32, Option<i32>)>,
    mark: Tracked<'t>,
    pieces: Vec<Piece<'t>>,
}

/// An item whose children are being laid out.
struct Open<'t> {
    depth: usize,
    has_heading: bool,
    n_children_seen: usize,
    /// Paragraphs to add once this many children are laid out, in order.
    pending: Vec<(usize, Para<'t>)>,
}

/// Where an item sits, for its styles and indentation.
struct Place {
    has_heading: bool,
    n_headed_above: usize,
    n_plain_above: usize,
}

/// Adds the paragraphs of `items`, in reading order, to `docx`.
pub(crate) fn lay_out<'t>(mut docx: Docx, items: impl IntoIterator<Item = Item<'t>>) -> Docx {
    let mut paras: Vec<Para<'t>> = Vec::new();
    let mut open: Vec<Open<'t>> = Vec::new();
    let mut carried_comments: Vec<Comment> = Vec::new();
    for mut item in items {
        while open.last().is_some_and(|holder| holder.depth >= item.depth) {
            let closed = open.pop().expect("the loop condition saw it");
            paras.extend(closed.pending.into_iter().map(|(_, para)| para));
        }
        if item.counts_as_child {
            if let Some(parent) = open.last_mut() {
                let n_before = parent.n_children_seen;
                while parent.pending.first().is_some_and(|(after, _)| *after <= n_before) {
                    paras.push(parent.pending.remove(0).1);
                }
                parent.n_children_seen += 1;
            }
        }
        let has_heading = !item.heading.is_empty();
        let n_headed_above = open.iter().filter(|holder| holder.has_heading).count();
        // Plain (not headed) holders below the document part: a point inside a paragraph is one step in.
        let n_plain_above = open
            .iter()
            .filter(|holder| holder.depth > 0)
            .rev()
            .take_while(|holder| !holder.has_heading)
            .count();
        carried_comments.append(&mut item.comments);
        let depth = item.depth;
        let place = Place { has_heading, n_headed_above, n_plain_above };
        let (mut now, mut pending) = item_paras(item, &place);
        let first = now.first_mut().or_else(|| pending.first_mut().map(|(_, para)| para));
        if let Some(first) = first {
            wrap_in_comments(first, std::mem::take(&mut carried_comments));
        }
        paras.append(&mut now);
        open.push(Open { depth, has_heading, n_children_seen: 0, pending });
    }
    while let Some(closed) = open.pop() {
        paras.extend(closed.pending.into_iter().map(|(_, para)| para));
    }
    if !carried_comments.is_empty() {
        // Elements with no paragraph at the very end: their comments get an empty paragraph of their own.
        let mut last =
            Para { style: "Normal".to_owned(), indent: None, mark: Tracked::No, pieces: Vec::new() };
        wrap_in_comments(&mut last, carried_comments);
        paras.push(last);
    }
    for para in paras {
        docx = docx.add_paragraph(paragraph(para));
    }
    docx
}

/// Puts `comments` around the whole of `para`'s pieces, the first opened first and closed last.
fn wrap_in_comments<'t>(para: &mut Para<'t>, comments: Vec<Comment>) {
    if comments.is_empty() {
        return;
    }
    let ids: Vec<usize> = comments.iter().map(Comment::id).collect();
    let mut pieces: Vec<Piece<'t>> =
        comments.into_iter().map(|comment| Piece::CommentStart(Box::new(comment))).collect();
    pieces.append(&mut para.pieces);
    pieces.extend(ids.into_iter().rev().map(Piece::CommentEnd));
    para.pieces = pieces;
}

/// The paragraphs of one item: a heading paragraph (number and heading) when it has a heading, then one
/// paragraph per own block, the first led by the number when there was no heading to carry it. Gives the
/// paragraphs to add now, and those that stand after some of the item's children with their count.
fn item_paras<'t>(item: Item<'t>, place: &Place) -> (Vec<Para<'t>>, Vec<(usize, Para<'t>)>) {
    let Item { num, heading, subheading, blocks, mark, .. } = item;
    let mut now = Vec::new();
    let mut pending = Vec::new();
    let mut num = (!num.is_empty()).then_some(num);
    if place.has_heading {
        let level = (place.n_headed_above + 1).min(3);
        let mut pieces = Vec::new();
        if let Some(num) = num.take() {
            pieces.extend(num);
            pieces.push(Piece::words(": ", mark));
        }
        pieces.extend(heading);
        if !subheading.is_empty() {
            pieces.push(Piece::words(" – ", mark));
            pieces.extend(subheading);
        }
        now.push(Para { style: format!("Heading{level}"), indent: None, mark, pieces });
    }
    let indent_twips =
        INDENT_STEP_TWIPS * i32::try_from(place.n_plain_above).unwrap_or(i32::MAX / INDENT_STEP_TWIPS);
    if num.is_some() && blocks.first().is_none_or(|block| block.after_n_children > 0) {
        // A numbered element without text of its own before its children: the number alone.
        let pieces = bold(num.take().expect("checked above"));
        now.push(Para { style: "Normal".to_owned(), indent: Some((indent_twips, None)), mark, pieces });
    }
    for block in blocks {
        let style = if block.element == "crossHeading" { "CrossHeading" } else { "Normal" };
        let (indent, pieces) = match num.take() {
            Some(num) => {
                let mut pieces = bold(num);
                pieces.push(Piece::Tab(mark));
                pieces.extend(block.pieces);
                (Some((indent_twips + INDENT_STEP_TWIPS, Some(INDENT_STEP_TWIPS))), pieces)
            }
            None => (Some((indent_twips + INDENT_STEP_TWIPS, None)), block.pieces),
        };
        let para = Para { style: style.to_owned(), indent, mark: block.mark, pieces };
        if block.after_n_children == 0 {
            now.push(para);
        } else {
            pending.push((block.after_n_children, para));
        }
    }
    (now, pending)
}

fn bold(mut pieces: Vec<Piece<'_>>) -> Vec<Piece<'_>> {
    for piece in &mut pieces {
        if let Piece::Words { bold, .. } = piece {
            *bold = true;
        }
    }
    pieces
}

/// The docx-rs paragraph of `para`. The paragraph mark itself is marked inserted or deleted, so that
/// accepting the change adds or removes the whole paragraph, not only its words.
fn paragraph(para: Para<'_>) -> Paragraph {
    let mut paragraph = Paragraph::new().style(&para.style);
    if let Some((left, hanging)) = para.indent {
        paragraph = paragraph.indent(Some(left), hanging.map(SpecialIndentType::Hanging), None, None);
    }
    paragraph = match para.mark {
        Tracked::No => paragraph,
        Tracked::Inserted(tracking) => paragraph.insert(&tracking.author, &tracking.date),
        Tracked::Deleted(tracking) => paragraph.delete(&tracking.author, &tracking.date),
    };
    for piece in para.pieces {
        paragraph = match piece {
            Piece::Words { text, .. } if text.is_empty() => paragraph,
            Piece::Words { text, tracked, bold } => {
                let embolden = |run: Run| if bold { run.bold() } else { run };
                match tracked {
                    Tracked::No => paragraph.add_run(embolden(Run::new().add_text(text))),
                    Tracked::Inserted(tracking) => paragraph.add_insert(
                        Insert::new(embolden(Run::new().add_text(text)))
                            .author(&tracking.author)
                            .date(&tracking.date),
                    ),
                    Tracked::Deleted(tracking) => paragraph.add_delete(
                        Delete::new()
                            .add_run(embolden(Run::new().add_delete_text(text)))
                            .author(&tracking.author)
                            .date(&tracking.date),
                    ),
                }
            }
            Piece::Tab(tracked) => match tracked {
                Tracked::No => paragraph.add_run(Run::new().add_tab()),
                Tracked::Inserted(tracking) => paragraph.add_insert(
                    Insert::new(Run::new().add_tab()).author(&tracking.author).date(&tracking.date),
                ),
                Tracked::Deleted(tracking) => paragraph.add_delete(
                    Delete::new().add_run(Run::new().add_tab()).author(&tracking.author).date(&tracking.date),
                ),
            },
            Piece::Mark(text) => paragraph.add_run(Run::new().add_text(text).style(NO_PROPOSAL_STYLE)),
            Piece::CommentStart(comment) => paragraph.add_comment_start(*comment),
            Piece::CommentEnd(id) => paragraph.add_comment_end(id),
        };
    }
    paragraph
}

/// `date` in UTC, to the second, as Word writes `w:date`.
///
/// # Errors
/// [`DocxError::Date`] for a year beyond 9999.
pub(crate) fn word_date(date: time::OffsetDateTime) -> Result<String, DocxError> {
    Ok(date
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
        .format(&time::format_description::well_known::Rfc3339)?)
}

/// The package's bytes.
pub(crate) fn pack(docx: Docx) -> Result<Vec<u8>, DocxError> {
    let mut bytes = Cursor::new(Vec::new());
    docx.build().pack(&mut bytes).map_err(|error| DocxError::Package(error.to_string()))?;
    Ok(bytes.into_inner())
}

/// Copies the package, adding `<w:trackRevisions/>` to `word/settings.xml`. docx-rs has no setting for it.
///
/// The schema (ECMA-376 Part 1, 17.15.1.78, `CT_Settings`) wants `trackRevisions` after `zoom` and before
/// `defaultTabStop`; docx-rs writes `defaultTabStop` first, so it is moved behind `trackRevisions`.
pub(crate) fn switch_tracking_on(package: &[u8]) -> Result<Vec<u8>, DocxError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(package))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let mut found_settings = false;
    for file_idx in 0..archive.len() {
        let mut file = archive.by_index(file_idx)?;
        let name = file.name().to_owned();
        let options = zip::write::SimpleFileOptions::default().compression_method(file.compression());
        let mut content = Vec::new();
        file.read_to_end(&mut content)?;
        if name == "word/settings.xml" {
            found_settings = true;
            let settings = String::from_utf8(content)
                .map_err(|_| DocxError::Settings("word/settings.xml that is not UTF-8".to_owned()))?;
            content = track_revisions(&settings)?.into_bytes();
        }
        out.start_file(name, options)?;
        out.write_all(&content)?;
    }
    if !found_settings {
        return Err(DocxError::Settings("no word/settings.xml".to_owned()));
    }
    Ok(out.finish()?.into_inner())
}

fn track_revisions(settings: &str) -> Result<String, DocxError> {
    let open_start = settings
        .find("<w:settings")
        .ok_or_else(|| DocxError::Settings("no `<w:settings` start tag".to_owned()))?;
    let open_end = settings[open_start..]
        .find('>')
        .map(|offset| open_start + offset + 1)
        .ok_or_else(|| DocxError::Settings("an unclosed `<w:settings` start tag".to_owned()))?;
    let mut head = settings[..open_end].to_owned();
    let mut rest = settings[open_end..].to_owned();
    let mut tab_stop = String::new();
    if rest.starts_with("<w:defaultTabStop") {
        let end = rest.find("/>").map(|offset| offset + 2).ok_or_else(|| {
            DocxError::Settings("a `w:defaultTabStop` element that is not self-closing".to_owned())
        })?;
        tab_stop = rest[..end].to_owned();
        rest = rest[end..].to_owned();
    }
    let after_zoom = if rest.starts_with("<w:zoom") {
        rest.find("/>")
            .map(|offset| offset + 2)
            .ok_or_else(|| DocxError::Settings("a `w:zoom` element that is not self-closing".to_owned()))?
    } else {
        0
    };
    head.push_str(&rest[..after_zoom]);
    head.push_str("<w:trackRevisions/>");
    head.push_str(&tab_stop);
    head.push_str(&rest[after_zoom..]);
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn track_revisions_goes_after_zoom_and_before_the_tab_stop() {
        let settings = r#"<?xml version="1.0"?><w:settings xmlns:w="x"><w:defaultTabStop w:val="840" /><w:zoom w:percent="100" /><w:compat /></w:settings>"#;
        assert_eq!(
            track_revisions(settings).unwrap(),
            r#"<?xml version="1.0"?><w:settings xmlns:w="x"><w:zoom w:percent="100" /><w:trackRevisions/><w:defaultTabStop w:val="840" /><w:compat /></w:settings>"#
        );
    }
}
