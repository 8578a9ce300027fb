//! Word (DOCX) files of a revision and of a redline, with real tracked changes (`w:ins`, `w:del`).
//!
//! - [`revision_docx`]: one revision as a Word file: its title, a heading per section and objective, the
//!   numbered paragraphs and lettered actions with their numbers.
//! - [`redline_docx`]: the new revision of an [`accord_text::redline::Redline`] with every inserted word in a
//!   `w:ins` run and every deleted word in a `w:del` run (`w:delText`), each signed with an author and a
//!   date, and change tracking switched on (`w:trackRevisions` in `word/settings.xml`), so that Word shows
//!   the changes for review and can accept or reject them one by one.
//!
//! Both lay the document out the same way, from the redline's entries: a node with a heading becomes a
//! heading paragraph (`Heading1` … `Heading3` by how many headed elements hold it), a node without one becomes
//! body paragraphs, its number first and indented by how deeply it sits under the closest heading.
//!
//! Pure: it takes documents, a redline, an author and a date, and returns the file's bytes; it opens no
//! file and reads no clock.
#![deny(missing_docs)]

use accord_text::akn::Inline;
use accord_text::redline::{self, Change, Entry, Presence, Redline};
use accord_text::Document;
use docx_rs::{
    AlignmentType, Delete, Docx, Insert, Paragraph, Run, RunFonts, SpecialIndentType, Style, StyleType,
};
use std::io::{Cursor, Read, Write};

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
    #[error("could not write the revision date as ISO 8601: {0}")]
    Date(#[from] time::error::Format),
    /// Reading or writing the in-memory package failed.
    #[error("could not read or write the in-memory package: {0}")]
    Io(#[from] std::io::Error),
}

/// One revision as a Word file (the bytes of a `.docx`).
///
/// # Errors
/// [`DocxError::Package`] when docx-rs cannot write the package.
pub fn revision_docx(document: &Document) -> Result<Vec<u8>, DocxError> {
    let unchanged = redline::redline(document, document);
    let docx = layout(document, &unchanged, None);
    pack(docx)
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
    // The redline holds the deleted text; `old` is part of the signature so that callers pass the pair the
    // redline was made from, as `accord_text::redline::to_akn` does.
    let _ = old;
    let date = date
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
        .format(&time::format_description::well_known::Rfc3339)?;
    let tracking = Tracking { author: author.to_owned(), date };
    let docx = layout(new, redline, Some(&tracking));
    let bytes = pack(docx)?;
    switch_tracking_on(&bytes)
}

/// Who made the tracked changes, and when (ISO 8601, UTC).
struct Tracking {
    author: String,
    date: String,
}

/// Twips (1/20 point) per indentation step.
const INDENT_STEP_TWIPS: i32 = 567;

/// Half-points: docx-rs sizes are in half-points, as `w:sz` is.
const BODY_SIZE_HALF_POINTS: usize = 22;

fn styles(docx: Docx) -> Docx {
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
    docx.default_fonts(RunFonts::new().ascii("Calibri").hi_ansi("Calibri").east_asia("Calibri").cs("Calibri"))
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
            Style::new("CrossHeading", StyleType::Paragraph)
                .name("Cross heading")
                .based_on("Normal")
                .next("Normal")
                .bold()
                .italic(),
        )
        .add_style(heading(1, 32))
        .add_style(heading(2, 28))
        .add_style(heading(3, 24))
}

/// The Word document of `document`'s metadata and `redline`'s entries, with changes tracked when `tracking`
/// is given (without it, every segment is expected to be plain text).
fn layout(document: &Document, redline: &Redline, tracking: Option<&Tracking>) -> Docx {
    let meta = document.meta();
    let mut docx = styles(Docx::new());
    docx = docx.add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(&meta.title)));
    let subtitle: Vec<&str> = [meta.source_symbol.as_deref(), Some(meta.version.as_str())]
        .into_iter()
        .flatten()
        .filter(|piece| !piece.is_empty())
        .collect();
    let subtitle = format!("{} ({})", subtitle.join(", "), meta.expression_date);
    docx = docx.add_paragraph(Paragraph::new().style("Subtitle").add_run(Run::new().add_text(subtitle)));

    // The entries that hold the current one, outermost first, with the paragraphs of their blocks that
    // stand after some of their children (a crossHeading between two actions, a wrap-up).
    let mut open: Vec<Open> = Vec::new();
    for entry in redline.entries() {
        while open.last().is_some_and(|holder| holder.depth >= entry.depth) {
            let closed = open.pop().expect("the loop condition saw it");
            docx =
                closed.pending.into_iter().fold(docx, |docx, (_, paragraph)| docx.add_paragraph(paragraph));
        }
        if let Some(parent) = open.last_mut() {
            let n_before = parent.n_children_seen;
            while parent.pending.first().is_some_and(|(after, _)| *after <= n_before) {
                docx = docx.add_paragraph(parent.pending.remove(0).1);
            }
            parent.n_children_seen += 1;
        }
        let has_heading = !entry.heading.is_empty();
        let n_headed_above = open.iter().filter(|holder| holder.has_heading).count();
        // Plain (not headed) holders below the document part: a point inside a paragraph is one step in.
        let n_plain_above = open
            .iter()
            .filter(|holder| holder.depth > 0)
            .rev()
            .take_while(|holder| !holder.has_heading)
            .count();
        // The title and symbol are already shown above; a preface that repeats them is not shown twice.
        let without_title;
        let shown = if entry.depth == 0 {
            let repeats_title = |block: &redline::BlockChange| {
                let text = redline::new_side(&block.segments);
                text == meta.title || Some(text.as_str()) == meta.source_symbol.as_deref()
            };
            let mut filtered = entry.clone();
            filtered.blocks.retain(|block| !repeats_title(block));
            without_title = filtered;
            &without_title
        } else {
            entry
        };
        let layout = Layout { has_heading, n_headed_above, n_plain_above };
        let (now, pending) = entry_paragraphs(shown, &layout, tracking);
        docx = now.into_iter().fold(docx, Docx::add_paragraph);
        open.push(Open { depth: entry.depth, has_heading, n_children_seen: 0, pending });
    }
    while let Some(closed) = open.pop() {
        docx = closed.pending.into_iter().fold(docx, |docx, (_, paragraph)| docx.add_paragraph(paragraph));
    }
    docx
}

/// An entry whose children are being laid out.
struct Open {
    depth: usize,
    has_heading: bool,
    n_children_seen: usize,
    /// Paragraphs to add once this many children are laid out, in order.
    pending: Vec<(usize, Paragraph)>,
}

/// Where an entry sits, for its styles and indentation.
struct Layout {
    has_heading: bool,
    n_headed_above: usize,
    n_plain_above: usize,
}

/// The paragraphs of one entry: a heading paragraph (number and heading) when it has a heading, then one
/// paragraph per own block, the first led by the number when there was no heading to carry it. Gives the
/// paragraphs to add now, and those that stand after some of the entry's children with their count.
fn entry_paragraphs(
    entry: &Entry,
    layout: &Layout,
    tracking: Option<&Tracking>,
) -> (Vec<Paragraph>, Vec<(usize, Paragraph)>) {
    let whole_mark = |paragraph: Paragraph| mark_paragraph(paragraph, entry_presence(entry), tracking);
    let mut now = Vec::new();
    let mut pending = Vec::new();
    let mut num_pending = !entry.num.is_empty();
    if layout.has_heading {
        let level = (layout.n_headed_above + 1).min(3);
        let mut paragraph = Paragraph::new().style(&format!("Heading{level}"));
        if num_pending {
            paragraph = add_segments(paragraph, &entry.num, tracking, false);
            paragraph = paragraph.add_run(Run::new().add_text(": "));
            num_pending = false;
        }
        paragraph = add_segments(paragraph, &entry.heading, tracking, false);
        if !entry.subheading.is_empty() {
            paragraph = paragraph.add_run(Run::new().add_text(" – "));
            paragraph = add_segments(paragraph, &entry.subheading, tracking, false);
        }
        now.push(whole_mark(paragraph));
    }
    let indent_twips =
        INDENT_STEP_TWIPS * i32::try_from(layout.n_plain_above).unwrap_or(i32::MAX / INDENT_STEP_TWIPS);
    if num_pending && entry.blocks.first().is_none_or(|block| block.after_n_children > 0) {
        // A numbered element without text of its own before its children: the number alone.
        let paragraph = Paragraph::new().style("Normal").indent(Some(indent_twips), None, None, None);
        now.push(whole_mark(add_segments(paragraph, &entry.num, tracking, true)));
        num_pending = false;
    }
    for block in &entry.blocks {
        let style = if block.element == "crossHeading" { "CrossHeading" } else { "Normal" };
        let mut paragraph = Paragraph::new().style(style);
        if num_pending {
            paragraph = paragraph.indent(
                Some(indent_twips + INDENT_STEP_TWIPS),
                Some(SpecialIndentType::Hanging(INDENT_STEP_TWIPS)),
                None,
                None,
            );
            paragraph = add_segments(paragraph, &entry.num, tracking, true);
            paragraph = paragraph.add_run(Run::new().add_tab());
            num_pending = false;
        } else {
            paragraph = paragraph.indent(Some(indent_twips + INDENT_STEP_TWIPS), None, None, None);
        }
        paragraph = add_segments(paragraph, &block.segments, tracking, false);
        let presence = match (entry.change, block.presence) {
            (Change::Modified | Change::Unchanged, presence) => presence,
            _ => entry_presence(entry),
        };
        let paragraph = mark_paragraph(paragraph, presence, tracking);
        if block.after_n_children == 0 {
            now.push(paragraph);
        } else {
            pending.push((block.after_n_children, paragraph));
        }
    }
    (now, pending)
}

fn entry_presence(entry: &Entry) -> Presence {
    match entry.change {
        Change::Inserted => Presence::NewOnly,
        Change::Deleted => Presence::OldOnly,
        Change::Modified | Change::Unchanged => Presence::Both,
    }
}

/// Marks the paragraph mark itself inserted or deleted, so that accepting the change adds or removes the
/// whole paragraph, not only its words.
fn mark_paragraph(paragraph: Paragraph, presence: Presence, tracking: Option<&Tracking>) -> Paragraph {
    match (presence, tracking) {
        (Presence::NewOnly, Some(tracking)) => paragraph.insert(&tracking.author, &tracking.date),
        (Presence::OldOnly, Some(tracking)) => paragraph.delete(&tracking.author, &tracking.date),
        _ => paragraph,
    }
}

fn add_segments(
    mut paragraph: Paragraph,
    segments: &[Inline],
    tracking: Option<&Tracking>,
    bold: bool,
) -> Paragraph {
    let run = |text: &str| {
        let run = Run::new().add_text(text);
        if bold {
            run.bold()
        } else {
            run
        }
    };
    for segment in segments {
        paragraph = match (segment, tracking) {
            (Inline::Text(text), _) => paragraph.add_run(run(text)),
            (Inline::Ins(text), Some(tracking)) => {
                paragraph.add_insert(Insert::new(run(text)).author(&tracking.author).date(&tracking.date))
            }
            (Inline::Del(text), Some(tracking)) => {
                let deleted = Run::new().add_delete_text(text);
                let deleted = if bold { deleted.bold() } else { deleted };
                paragraph
                    .add_delete(Delete::new().add_run(deleted).author(&tracking.author).date(&tracking.date))
            }
            // Without tracking the text is shown as it reads in the new revision.
            (Inline::Ins(text), None) => paragraph.add_run(run(text)),
            (Inline::Del(_), None) => paragraph,
        };
    }
    paragraph
}

fn pack(docx: Docx) -> Result<Vec<u8>, DocxError> {
    let mut bytes = Cursor::new(Vec::new());
    docx.build().pack(&mut bytes).map_err(|error| DocxError::Package(error.to_string()))?;
    Ok(bytes.into_inner())
}

/// Copies the package, adding `<w:trackRevisions/>` to `word/settings.xml`. docx-rs has no setting for it.
///
/// The schema (ECMA-376 Part 1, 17.15.1.78, `CT_Settings`) wants `trackRevisions` after `zoom` and before
/// `defaultTabStop`; docx-rs writes `defaultTabStop` first, so it is moved behind `trackRevisions`.
fn switch_tracking_on(package: &[u8]) -> Result<Vec<u8>, DocxError> {
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
