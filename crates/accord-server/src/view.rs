//! What the templates show, made from store rows and core values: flat rows in reading order, so that the
//! templates need no recursion and screen readers get a plain sequence of headings and paragraphs.

use accord_store::{Paragraph, RevisionSummary};
use accord_text::akn::Inline;
use accord_text::amendment::{AmendmentId, Provenance};
use accord_text::redline::{Change, Entry, Presence, Redline};
use accord_text::Unit;

/// One element of a revision's text, ready to show.
#[derive(Debug, Clone)]
pub struct TextRow {
    /// The eId, used as the HTML `id` so that `#eId` links work.
    pub eid: String,
    /// The AKN element name, used as a CSS class.
    pub element: String,
    /// Depth below the top part, for indentation.
    pub depth: usize,
    /// Heading level 2 to 6 when the element has a heading, 0 otherwise.
    pub level: u8,
    /// The number as displayed.
    pub num: String,
    /// The heading.
    pub heading: String,
    /// The element's own text blocks.
    pub blocks: Vec<String>,
}

fn level(heading: Option<&str>, depth: usize) -> u8 {
    match heading {
        Some(_) => (2 + depth).min(6) as u8,
        None => 0,
    }
}

impl From<&Paragraph> for TextRow {
    fn from(paragraph: &Paragraph) -> TextRow {
        let depth = usize::try_from(paragraph.depth).unwrap_or(0);
        TextRow {
            eid: paragraph.eid.clone(),
            element: paragraph.element.clone(),
            depth,
            level: level(paragraph.heading.as_deref(), depth),
            num: paragraph.num.clone().unwrap_or_default(),
            heading: paragraph.heading.clone().unwrap_or_default(),
            blocks: paragraph.text.lines().map(str::to_owned).collect(),
        }
    }
}

impl From<&Unit> for TextRow {
    fn from(unit: &Unit) -> TextRow {
        TextRow {
            eid: unit.eid.to_string(),
            element: unit.element.clone(),
            depth: unit.depth,
            level: level(unit.heading.as_deref(), unit.depth),
            num: unit.num.clone().unwrap_or_default(),
            heading: unit.heading.clone().unwrap_or_default(),
            blocks: unit.text.lines().map(str::to_owned).collect(),
        }
    }
}

/// A piece of text in a redline: unchanged, inserted or deleted.
#[derive(Debug, Clone)]
pub struct Segment {
    kind: SegmentKind,
    /// The text.
    pub text: String,
    /// The amendments this change came from, for a revision made from picks; empty otherwise.
    pub amendments: Vec<AmendmentId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SegmentKind {
    Same,
    Inserted,
    Deleted,
}

impl Segment {
    /// Whether the text was inserted.
    pub fn is_ins(&self) -> bool {
        self.kind == SegmentKind::Inserted
    }

    /// Whether the text was deleted.
    pub fn is_del(&self) -> bool {
        self.kind == SegmentKind::Deleted
    }
}

fn segments(inlines: &[Inline]) -> Vec<Segment> {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Text(text) => {
                Segment { kind: SegmentKind::Same, text: text.clone(), amendments: Vec::new() }
            }
            Inline::Ins(text) => {
                Segment { kind: SegmentKind::Inserted, text: text.clone(), amendments: Vec::new() }
            }
            Inline::Del(text) => {
                Segment { kind: SegmentKind::Deleted, text: text.clone(), amendments: Vec::new() }
            }
        })
        .collect()
}

/// One element of a redline, ready to show.
#[derive(Debug, Clone)]
pub struct RedlineRow {
    /// The eId ('' when the element has none).
    pub eid: String,
    /// The AKN element name.
    pub element: String,
    /// Depth below the top part.
    pub depth: usize,
    /// Heading level 2 to 6 when the element has a heading, 0 otherwise.
    pub level: u8,
    /// `inserted`, `deleted`, `modified`, `moved` or `unchanged`: what a person is told.
    pub change: &'static str,
    /// Where a moved element came from, in words; empty when it did not move.
    pub moved_from: String,
    /// The number.
    pub num: Vec<Segment>,
    /// The heading.
    pub heading: Vec<Segment>,
    /// The text blocks.
    pub blocks: Vec<Vec<Segment>>,
    /// The amendments the element's change came from, for a revision made from picks; empty otherwise.
    pub amendments: Vec<AmendmentId>,
}

impl RedlineRow {
    /// Whether the row shows a change.
    pub fn is_changed(&self) -> bool {
        self.change != "unchanged"
    }
}

/// The filters templates use beyond askama's own: `{{ step.at|instant }}` shows a stored RFC 3339 instant as
/// [`instant`] does. A page module brings them in scope with `use crate::view::filters;`.
pub mod filters {
    /// [`super::instant`] as an askama filter.
    ///
    /// # Errors
    /// Never; askama's filters return a `Result`.
    pub fn instant(text: impl std::fmt::Display, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(super::instant(&text.to_string()))
    }
}

/// An instant as pages show it, to the second in UTC: `2018-03-26 17:00:00 UTC` for the stored RFC 3339
/// `2018-03-26T17:00:00.123456789Z`; a text that does not parse is shown as it is.
pub fn instant(text: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    let shown = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .and_then(|at| at.to_offset(time::UtcOffset::UTC).format(&shown).ok())
        .unwrap_or_else(|| text.to_owned())
}

/// The rows of a redline: with `full`, every element; otherwise the changed ones and the headed elements
/// that hold them, for orientation.
pub fn redline_rows(redline: &Redline, full: bool) -> Vec<RedlineRow> {
    redline_rows_with_provenance(redline, full, None)
}

/// The rows of a redline as [`redline_rows`] makes them, each change naming the amendments it came from when
/// the newer revision was made from picks (`provenance` of the newer revision, against the older one).
pub fn redline_rows_with_provenance(
    redline: &Redline,
    full: bool,
    provenance: Option<&Provenance>,
) -> Vec<RedlineRow> {
    let entries: Vec<&Entry> = redline.entries().iter().filter(|entry| entry.depth > 0).collect();
    let mut keep = vec![full; entries.len()];
    if !full {
        // Keep each changed entry and the nearest headed entry above it at each smaller depth.
        for (index, entry) in entries.iter().enumerate() {
            if entry.is_unchanged() {
                continue;
            }
            keep[index] = true;
            let mut depth = entry.depth;
            for above in (0..index).rev() {
                if entries[above].depth < depth {
                    depth = entries[above].depth;
                    if !entries[above].heading.is_empty() {
                        keep[above] = true;
                    }
                }
            }
        }
    }
    entries.iter().zip(keep).filter(|(_, keep)| *keep).map(|(entry, _)| row(entry, provenance)).collect()
}

fn row(entry: &Entry, provenance: Option<&Provenance>) -> RedlineRow {
    let depth = entry.depth - 1;
    let change = match (entry.change, &entry.moved_from) {
        (Change::Inserted, _) => "inserted",
        (Change::Deleted, _) => "deleted",
        (Change::Modified, Some(_)) => "moved and modified",
        (Change::Modified, None) => "modified",
        (Change::Unchanged, Some(_)) => "moved",
        (Change::Unchanged, None) => "unchanged",
    };
    let moved_from = entry
        .moved_from
        .as_ref()
        .map(|from| {
            let place = match (&from.num, &from.parent) {
                (Some(num), Some(parent)) => format!("{num} under {parent}"),
                (Some(num), None) => num.clone(),
                (None, Some(parent)) => format!("position {} under {parent}", from.position + 1),
                (None, None) => format!("position {}", from.position + 1),
            };
            format!("moved from {place}")
        })
        .unwrap_or_default();
    let mut row = RedlineRow {
        eid: entry.eid.as_ref().map(ToString::to_string).unwrap_or_default(),
        element: entry.element.clone(),
        depth,
        level: if entry.heading.is_empty() { 0 } else { (2 + depth).min(6) as u8 },
        change,
        moved_from,
        num: segments(&entry.num),
        heading: segments(&entry.heading),
        blocks: entry
            .blocks
            .iter()
            .map(|block| {
                let mut segments = segments(&block.segments);
                if block.presence != Presence::Both && segments.is_empty() {
                    segments.push(Segment {
                        kind: SegmentKind::Same,
                        text: String::new(),
                        amendments: Vec::new(),
                    });
                }
                segments
            })
            .collect(),
        amendments: Vec::new(),
    };
    if let Some(provenance) = provenance {
        row.amendments = provenance.amendments_for(entry);
        for (block_idx, segment_idx, ids) in provenance.amendments_for_segments(entry) {
            if let Some(segment) = row.blocks.get_mut(block_idx).and_then(|block| block.get_mut(segment_idx))
            {
                segment.amendments = ids;
            }
        }
    }
    row
}

/// A revision's facts, ready to show.
#[derive(Debug, Clone)]
pub struct RevisionView {
    /// The draft's slug.
    pub draft_id: String,
    /// The number.
    pub number: i64,
    /// The label.
    pub label: String,
    /// The date, YYYY-MM-DD.
    pub date: String,
    /// Who issued it.
    pub author: String,
    /// Whether it is a demonstration.
    pub is_demo: bool,
    /// What it is.
    pub note: String,
}

impl From<&RevisionSummary> for RevisionView {
    fn from(summary: &RevisionSummary) -> RevisionView {
        RevisionView {
            draft_id: summary.draft_id.clone(),
            number: summary.number,
            label: summary.label.clone(),
            date: summary.date.to_string(),
            author: summary.author.clone(),
            is_demo: summary.is_demo,
            note: summary.note.clone(),
        }
    }
}

#[cfg(test)]
mod instant_tests {
    #[test]
    fn an_instant_is_shown_to_the_second_in_utc() {
        assert_eq!(super::instant("2018-03-26T17:00:00.123456789Z"), "2018-03-26 17:00:00 UTC");
        assert_eq!(super::instant("2018-03-26T18:00:00+01:00"), "2018-03-26 17:00:00 UTC");
        assert_eq!(super::instant("not a time"), "not a time");
    }
}
