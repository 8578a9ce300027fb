//! The API's JSON shapes. They are not the store's row types: the API keeps its shape when the store changes.

use crate::view::RevisionView;
use accord_store::{Draft, Paragraph, Process, Track};
use accord_text::akn::Inline;
use accord_text::redline::{Change, Entry};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A process with its tracks and their drafts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessJson {
    /// Slug.
    pub id: String,
    /// Title.
    pub title: String,
    /// What the process is.
    pub description: String,
    /// Whether it was loaded as a demonstration.
    pub demo: bool,
    /// Tracks in order.
    pub tracks: Vec<TrackJson>,
}

/// A track with its drafts.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackJson {
    /// Slug.
    pub id: String,
    /// Title.
    pub title: String,
    /// Drafts negotiated in the track.
    pub drafts: Vec<DraftSummaryJson>,
}

/// A draft, briefly.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftSummaryJson {
    /// Slug.
    pub id: String,
    /// Title.
    pub title: String,
    /// Its API address.
    pub href: String,
}

impl ProcessJson {
    /// The JSON of a process from the store's values.
    pub fn new(process: Process, tracks: Vec<(Track, Vec<Draft>)>) -> ProcessJson {
        ProcessJson {
            id: process.process_id,
            title: process.title,
            description: process.description,
            demo: process.is_demo,
            tracks: tracks
                .into_iter()
                .map(|(track, drafts)| TrackJson {
                    id: track.track_id,
                    title: track.title,
                    drafts: drafts
                        .into_iter()
                        .map(|draft| DraftSummaryJson {
                            href: format!("/api/drafts/{}", draft.draft_id),
                            id: draft.draft_id,
                            title: draft.title,
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A draft with its revisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftJson {
    /// Slug.
    pub id: String,
    /// Title.
    pub title: String,
    /// The track's slug.
    pub track: String,
    /// The process's slug.
    pub process: String,
    /// Revisions, oldest first.
    pub revisions: Vec<RevisionJson>,
}

/// A revision's facts and where to get it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionJson {
    /// The draft's slug.
    pub draft: String,
    /// 0 for the first revision, then 1, 2 …
    pub number: i64,
    /// `Zero draft`, `Rev.1` … `Final`.
    pub label: String,
    /// The revision's date, YYYY-MM-DD.
    pub date: String,
    /// Who issued it.
    pub author: String,
    /// Whether it is invented, as a demonstration.
    pub demo: bool,
    /// What it is.
    pub note: String,
    /// Its page.
    pub html_href: String,
    /// Its Akoma Ntoso file.
    pub akn_href: String,
    /// Its Word file.
    pub docx_href: String,
}

impl From<&RevisionView> for RevisionJson {
    fn from(view: &RevisionView) -> RevisionJson {
        let api = format!("/api/drafts/{}/revisions/{}", view.draft_id, view.number);
        RevisionJson {
            draft: view.draft_id.clone(),
            number: view.number,
            label: view.label.clone(),
            date: view.date.clone(),
            author: view.author.clone(),
            demo: view.is_demo,
            note: view.note.clone(),
            html_href: format!("/drafts/{}/revisions/{}", view.draft_id, view.number),
            akn_href: format!("{api}/export?format=akn"),
            docx_href: format!("{api}/export?format=docx"),
        }
    }
}

/// A revision with all its paragraphs.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionDetailJson {
    /// The facts.
    pub revision: RevisionJson,
    /// Every element with an eId, in document order.
    pub paragraphs: Vec<ParagraphJson>,
}

/// One element of a revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParagraphJson {
    /// Akoma Ntoso eId, stable across revisions.
    pub eid: String,
    /// The enclosing element's eId.
    pub parent: Option<String>,
    /// AKN element name: `section`, `hcontainer`, `paragraph`, `point` …
    pub element: String,
    /// AKN `@name`, e.g. `objective`.
    pub name: Option<String>,
    /// Depth, 0 for top-level sections.
    pub depth: i64,
    /// Number as displayed.
    pub num: Option<String>,
    /// Heading.
    pub heading: Option<String>,
    /// The element's own text; newlines separate blocks.
    pub text: String,
}

impl From<&Paragraph> for ParagraphJson {
    fn from(paragraph: &Paragraph) -> ParagraphJson {
        ParagraphJson {
            eid: paragraph.eid.clone(),
            parent: paragraph.parent_eid.clone(),
            element: paragraph.element.clone(),
            name: paragraph.name.clone(),
            depth: paragraph.depth,
            num: paragraph.num.clone(),
            heading: paragraph.heading.clone(),
            text: paragraph.text.clone(),
        }
    }
}

/// One element in one revision and its text in every revision that has it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParagraphHistoryJson {
    /// The element in the revision asked for.
    pub paragraph: ParagraphJson,
    /// `(revision number, element)` for every revision that has it, oldest first.
    pub history: Vec<ParagraphVersionJson>,
}

/// The element in one revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParagraphVersionJson {
    /// The revision's number.
    pub revision: i64,
    /// The element there.
    pub paragraph: ParagraphJson,
}

/// A new revision: from an Akoma Ntoso document (`akn`), or from edits to a base revision (`edits`, applied
/// in order, all or nothing).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRevisionJson {
    /// The label, e.g. `Rev.2`.
    pub label: String,
    /// The date, YYYY-MM-DD.
    pub date: String,
    /// Who issues it, e.g. `the co-facilitators`.
    pub author: String,
    /// What the revision is.
    #[serde(default)]
    pub note: String,
    /// The revision the edits apply to; the latest when absent.
    pub base: Option<i64>,
    /// Edits to the base.
    #[serde(default)]
    pub edits: Vec<EditJson>,
    /// A whole Akoma Ntoso 3.0 document; then `base` and `edits` must be absent.
    pub akn: Option<String>,
}

/// One edit, addressed by eId.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum EditJson {
    /// Replace an element's own text; newlines separate blocks.
    SetText {
        /// The element.
        eid: String,
        /// The new text.
        text: String,
    },
    /// Replace or remove an element's heading.
    SetHeading {
        /// The element.
        eid: String,
        /// The new heading; null removes it.
        heading: Option<String>,
    },
    /// Replace or remove an element's number.
    SetNum {
        /// The element.
        eid: String,
        /// The new number; null removes it.
        num: Option<String>,
    },
    /// Insert a new element after another.
    InsertAfter {
        /// The preceding sibling.
        after: String,
        /// The new element's eId.
        eid: String,
        /// AKN element name, e.g. `point`.
        element: String,
        /// Number as displayed.
        num: Option<String>,
        /// Text.
        text: String,
    },
    /// Delete an element and what is below it.
    Delete {
        /// The element.
        eid: String,
    },
    /// Move an element after another.
    MoveAfter {
        /// The element.
        eid: String,
        /// Its new preceding sibling.
        after: String,
    },
}

/// The redline between two revisions of one draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedlineJson {
    /// The older revision.
    pub from: RevisionJson,
    /// The newer revision.
    pub to: RevisionJson,
    /// How many elements changed, by kind.
    pub counts: CountsJson,
    /// The changed elements, in reading order of the newer text (deleted ones where they stood).
    pub changes: Vec<ChangeJson>,
}

/// Counts of changed elements.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountsJson {
    /// Only in the newer revision.
    pub inserted: usize,
    /// Only in the older revision.
    pub deleted: usize,
    /// In both, own text changed.
    pub modified: usize,
    /// In both, moved.
    pub moved: usize,
}

/// One changed element.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeJson {
    /// Its eId.
    pub eid: Option<String>,
    /// AKN element name.
    pub element: String,
    /// `inserted`, `deleted`, `modified`, or `moved` (an element whose text stayed the same; a modified element
    /// that also moved is `modified` with `moved_from` set).
    pub change: String,
    /// Where a moved element stood before.
    pub moved_from: Option<MovedFromJson>,
    /// The number as segments.
    pub num: Vec<SegmentJson>,
    /// The heading as segments.
    pub heading: Vec<SegmentJson>,
    /// Each own text block as segments.
    pub blocks: Vec<Vec<SegmentJson>>,
    /// The amendments the change came from, when the newer revision was made from picks (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<u64>,
}

/// Where a moved element stood in the older revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct MovedFromJson {
    /// The eId of the element that held it.
    pub parent: Option<String>,
    /// Its position among that element's children, from 0.
    pub position: usize,
    /// Its number then.
    pub num: Option<String>,
}

/// A piece of text: `text` (unchanged), `ins` or `del`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentJson {
    /// `text`, `ins` or `del`.
    pub kind: &'static str,
    /// The words.
    pub text: String,
    /// The amendments an `ins` or `del` came from, when the newer revision was made from picks (absent
    /// otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<u64>,
}

fn segments(inlines: &[Inline]) -> Vec<SegmentJson> {
    inlines
        .iter()
        .map(|inline| match inline {
            Inline::Text(text) => SegmentJson { kind: "text", text: text.clone(), amendments: Vec::new() },
            Inline::Ins(text) => SegmentJson { kind: "ins", text: text.clone(), amendments: Vec::new() },
            Inline::Del(text) => SegmentJson { kind: "del", text: text.clone(), amendments: Vec::new() },
        })
        .collect()
}

impl From<&Entry> for ChangeJson {
    fn from(entry: &Entry) -> ChangeJson {
        ChangeJson {
            eid: entry.eid.as_ref().map(ToString::to_string),
            element: entry.element.clone(),
            change: match (entry.change, entry.moved_from.is_some()) {
                (Change::Inserted, _) => "inserted",
                (Change::Deleted, _) => "deleted",
                (Change::Modified, _) => "modified",
                (Change::Unchanged, true) => "moved",
                (Change::Unchanged, false) => "unchanged",
            }
            .to_owned(),
            moved_from: entry.moved_from.as_ref().map(|from| MovedFromJson {
                parent: from.parent.as_ref().map(ToString::to_string),
                position: from.position,
                num: from.num.clone(),
            }),
            num: segments(&entry.num),
            heading: segments(&entry.heading),
            blocks: entry.blocks.iter().map(|block| segments(&block.segments)).collect(),
            amendments: Vec::new(),
        }
    }
}
