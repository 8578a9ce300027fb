//! The compilation text of a round as a Word file: [`compilation_docx`], whose documentation gives the
//! rendering of each kind of proposal. It lays the revision out as [`crate::revision_docx`] does, from the
//! entries of the revision's redline with itself, and puts the compilation's proposals into them by eId.

use crate::layout::{self, Item, ItemBlock, Piece, Tracked, Tracking, TITLE_BLOCK_STYLE};
use crate::{repeats_title, DocxError};
use accord_text::amendment::Kind;
use accord_text::compilation::{Alternatives, Compilation, CompiledElement, Proposed, Segment};
use accord_text::redline::{self, Entry};
use accord_text::{Document, EId};
use docx_rs::{BreakType, Comment, Docx, Paragraph, Run};
use std::collections::HashMap;

/// What the title block of a compilation names, as the caller displays them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompilationTitle {
    /// The draft, for example `Global Compact for Migration (gcm)`.
    pub draft: String,
    /// The revision the amendments amend, for example `Rev.1 (gcm/1)`.
    pub revision: String,
    /// The round, for example `Round 2: amendments to Rev.1`.
    pub round: String,
}

/// The compilation text as a Word file (the bytes of a `.docx`) with change tracking switched on.
///
/// First a title block: the revision's title, then "Compilation text", the draft, the revision amended,
/// the round and `date` (its calendar date, in its own offset), the numbers of amendments and proposals,
/// and how to read the file. Then the revision's text in its structure (headings, numbers) as
/// [`crate::revision_docx`] lays it out, with every proposal of `compilation` as a tracked change dated
/// `date` (in UTC, to the second, as Word writes `w:date`). A proposal is one
/// [`Proposed`]: one change, by one amendment or several identical ones; its author (`w:author`) is its
/// sponsor, the first of [`Proposed::parties`].
///
/// - **Words replaced, inserted or deleted**: the words that differ between its old and new words (the
///   words both share at the start and the end, cut at word boundaries, stay plain text) as a `w:del` and a
///   `w:ins` by the sponsor: `at local level` → `at regional level` reads `at ~~local~~ regional level`, an
///   insertion after `local` is a `w:ins` alone.
/// - **Alternatives** (different proposals for intersecting words): the words every option replaces are
///   deleted once, in a `w:del` whose author names all the options' sponsors (`Alternatives: Brazil /
///   Mexico / New York`, beyond three `… and N others`), with a comment saying how to take an option; then
///   each option, in the compilation's order, is its own change by its own sponsor: a `w:ins` of its new
///   words (none for an option that only deletes) with its comment. To take option k: accept the shared
///   deletion and option k's insertion, and reject the other insertions; with Word's reviewer filter, accept
///   the changes of the shared author and of k's sponsor. Rejecting every change gives the revision's words
///   exactly; accepting every change joins all options and is never what is meant.
/// - **A new element**: a whole inserted paragraph (number, text and paragraph mark in `w:ins`) by its
///   sponsor, right after the element it follows and what lies below that element.
/// - **An element deleted**: its number, heading and text as `w:del` and its paragraph marks deleted, by its
///   sponsor, and so are the elements below it (accepting the deletion removes them with it); proposals on
///   words inside it stay their own sponsors' changes.
///
/// Each proposal carries a Word comment by its sponsor, anchored on its change (on the element's first
/// paragraph for a new or deleted element): its amendment numbers (`A/21, A/23`), its kind, the attribution
/// label (`New York, Chicago and 12 others`), for an option of alternatives which option it is, and, beyond
/// three parties, all of them. Comments are not text: accepting or rejecting changes does not touch them.
///
/// An element with text of its own that no amendment touches has the mark ` No proposal` at the end of its
/// first paragraph of text, in the character style "No proposal" (small, italic, grey). It is not a tracked
/// change: rejecting or accepting every change keeps it, and Word's search by style finds them all.
/// Rejecting every tracked change gives the revision's text, paragraph by paragraph, once the runs in that
/// style are taken out. Elements below a deleted element are not marked.
///
/// `document` must be the revision `compilation` was made of
/// ([`accord_text::compilation::compile`]). A compilation filtered to one objective gives that objective
/// alone; a filter by party or kind keeps the whole text.
///
/// # Errors
/// [`DocxError::NotTheRevision`] when an element of the compilation is not in `document` or its text
/// differs; [`DocxError::Date`] when `date` cannot be written as ISO 8601 (a year beyond 9999); the other
/// [`DocxError`]s when the package cannot be written.
pub fn compilation_docx(
    document: &Document,
    compilation: &Compilation,
    title: &CompilationTitle,
    date: time::OffsetDateTime,
) -> Result<Vec<u8>, DocxError> {
    compilation_docx_dated(document, compilation, title, date, &HashMap::new())
}

/// [`compilation_docx`], where each proposal's tracked change and comment are dated when its amendments
/// were tabled: `tabled_at` by amendment number, the latest of a proposal's amendments (of all the options
/// for the deletion alternatives share). A proposal none of whose amendments is in `tabled_at` is dated
/// `date`, which the title block shows.
///
/// # Errors
/// As [`compilation_docx`]; [`DocxError::Date`] also for a tabling time beyond the year 9999.
pub fn compilation_docx_dated(
    document: &Document,
    compilation: &Compilation,
    title: &CompilationTitle,
    date: time::OffsetDateTime,
    tabled_at: &HashMap<u64, time::OffsetDateTime>,
) -> Result<Vec<u8>, DocxError> {
    let word_date = layout::word_date(date)?;
    let mut word_dates: HashMap<u64, String> = HashMap::with_capacity(tabled_at.len());
    for (&id, &at) in tabled_at {
        word_dates.insert(id, layout::word_date(at)?);
    }
    let dates = Dates { by_amendment: word_dates, default: word_date };
    let mut trackings: HashMap<(String, String), Tracking> = HashMap::new();
    let mut n_proposals = 0;
    let mut add_author = |author: String, date: &str| {
        trackings
            .entry((author.clone(), date.to_owned()))
            .or_insert_with(|| Tracking { author, date: date.to_owned() });
    };
    for element in compilation.elements() {
        for proposed in proposeds(element) {
            n_proposals += 1;
            add_author(sponsor(proposed).to_owned(), dates.of(&proposed.ids));
        }
        for segment in &element.segments {
            if let Segment::Alternatives(alternatives) = segment {
                add_author(alternatives_author(alternatives), dates.of(&alternatives_ids(alternatives)));
            }
        }
    }
    let unchanged = redline::redline(document, document);
    let mut builder = Builder { trackings: &trackings, n_comments: 0, dates: &dates };
    let items = builder.items(document, compilation, unchanged.entries())?;
    let docx = title_block(layout::styled_docx(), document, compilation, title, date, n_proposals);
    let bytes = layout::pack(layout::lay_out(docx, items))?;
    layout::switch_tracking_on(&bytes)
}

/// Every proposal of an element: its element proposals, then those on its words, alternatives' options
/// each.
fn proposeds(element: &CompiledElement) -> impl Iterator<Item = &Proposed> {
    element.element_proposals.iter().chain(element.segments.iter().flat_map(segment_proposeds))
}

/// The proposals of a segment: none for text, one, or each option of alternatives.
fn segment_proposeds(segment: &Segment) -> &[Proposed] {
    match segment {
        Segment::Text(_) => &[],
        Segment::Proposal(proposed) => std::slice::from_ref(proposed),
        Segment::Alternatives(alternatives) => &alternatives.options,
    }
}

/// The sponsor's display name: the first of the proposal's parties.
fn sponsor(proposed: &Proposed) -> &str {
    proposed.parties.first().map_or(proposed.sponsors.as_str(), String::as_str)
}

/// The author of the deletion that alternatives share: `Alternatives: Brazil / Mexico / New York`, each
/// sponsor once in the options' order; beyond three, `Alternatives: Brazil / Mexico / New York and 2 others`.
fn alternatives_author(alternatives: &Alternatives) -> String {
    let mut sponsors: Vec<&str> = Vec::new();
    for option in &alternatives.options {
        if !sponsors.contains(&sponsor(option)) {
            sponsors.push(sponsor(option));
        }
    }
    let shown = sponsors[..sponsors.len().min(3)].join(" / ");
    match sponsors.len() {
        0..=3 => format!("Alternatives: {shown}"),
        n => format!("Alternatives: {shown} and {} others", n - 3),
    }
}

fn title_block(
    docx: Docx,
    document: &Document,
    compilation: &Compilation,
    title: &CompilationTitle,
    date: time::OffsetDateTime,
    n_proposals: usize,
) -> Docx {
    let line = |text: String| Paragraph::new().style(TITLE_BLOCK_STYLE).add_run(Run::new().add_text(text));
    let n_amendments = compilation.n_amendments();
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    docx.add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(&document.meta().title)))
        .add_paragraph(Paragraph::new().style("Subtitle").add_run(Run::new().add_text("Compilation text")))
        .add_paragraph(line(format!("Draft: {}", title.draft)))
        .add_paragraph(line(format!("Revision amended: {}", title.revision)))
        .add_paragraph(line(format!("Round: {}", title.round)))
        .add_paragraph(line(format!("Date: {}", date.date())))
        .add_paragraph(line(format!(
            "{} in {}. Each proposal is a tracked change whose author is its sponsor, with a comment \
             naming its amendments and parties. Where amendments propose different words for the same \
             words, the words they all replace are deleted once, by an author named \u{201c}Alternatives\u{201d} \
             with their sponsors, and each option follows as its own sponsor's insertion: to take one, accept \
             that deletion and the option's insertion, and reject the other insertions. Rejecting every change gives \
             the text of the revision amended. \u{201c}No proposal\u{201d} marks a paragraph no amendment \
             touches; it is not a tracked change.",
            plural(n_amendments, "amendment", "amendments"),
            plural(n_proposals, "proposal", "proposals"),
        )))
}

/// Makes the items of the compilation, one comment per proposal.
struct Builder<'t> {
    trackings: &'t HashMap<(String, String), Tracking>,
    n_comments: usize,
    dates: &'t Dates,
}

/// The Word dates of the changes: by amendment number, and the compilation's own for the rest.
struct Dates {
    by_amendment: HashMap<u64, String>,
    default: String,
}

impl Dates {
    /// The latest date of `ids` (Word dates are UTC and of one length, so they sort as text), or the
    /// default when none has one.
    fn of(&self, ids: &[u64]) -> &str {
        ids.iter().filter_map(|id| self.by_amendment.get(id)).max().unwrap_or(&self.default)
    }
}

/// Every amendment of every option of alternatives.
fn alternatives_ids(alternatives: &Alternatives) -> Vec<u64> {
    alternatives.options.iter().flat_map(|option| option.ids.iter().copied()).collect()
}

impl<'t> Builder<'t> {
    fn tracking(&self, proposed: &Proposed) -> &'t Tracking {
        let trackings: &'t HashMap<(String, String), Tracking> = self.trackings;
        &trackings[&(sponsor(proposed).to_owned(), self.dates.of(&proposed.ids).to_owned())]
    }

    /// The items of the revision's entries (`redline(document, document)`) with the compilation's
    /// proposals, and the new elements after the element they follow.
    fn items(
        &mut self,
        document: &Document,
        compilation: &Compilation,
        entries: &[Entry],
    ) -> Result<Vec<Item<'t>>, DocxError> {
        let mut elements: HashMap<&EId, &CompiledElement> = HashMap::new();
        let mut additions: HashMap<&EId, Vec<&CompiledElement>> = HashMap::new();
        for element in compilation.elements() {
            match (&element.after, element.is_new) {
                (Some(after), true) => additions.entry(after).or_default().push(element),
                _ => {
                    elements.insert(&element.eid, element);
                }
            }
        }
        let eids_shown =
            entries.iter().filter_map(|entry| entry.eid.as_ref()).filter(|eid| elements.contains_key(eid));
        let n_shown = eids_shown.count();
        if n_shown < elements.len() {
            let missing = elements
                .keys()
                .find(|eid| document.find(eid).is_none())
                .unwrap_or_else(|| elements.keys().next().expect("more elements than shown"));
            return Err(DocxError::NotTheRevision { eid: (*missing).clone(), found: "no such element" });
        }
        // The text outside any element with an eId (a preface's) is shown when the compilation covers every
        // element, not when it is filtered to one objective.
        let whole_document = n_shown == entries.iter().filter(|entry| entry.eid.is_some()).count();

        let mut items = Vec::with_capacity(entries.len() + additions.len());
        // The closest elements with an eId above the current entry, with whether they are shown.
        let mut eid_holders: Vec<(usize, bool)> = Vec::new();
        // Deleted elements above the current entry, with the deletion's tracking.
        let mut deletions: Vec<(usize, &'t Tracking)> = Vec::new();
        // New elements to lay out once the element they follow is closed, with its depth.
        let mut pending_additions: Vec<(usize, &[&CompiledElement])> = Vec::new();
        for entry in entries {
            while eid_holders.last().is_some_and(|(depth, _)| *depth >= entry.depth) {
                eid_holders.pop();
            }
            while deletions.last().is_some_and(|(depth, _)| *depth >= entry.depth) {
                deletions.pop();
            }
            while pending_additions.last().is_some_and(|(depth, _)| *depth >= entry.depth) {
                let (depth, added) = pending_additions.pop().expect("the loop condition saw it");
                for element in added {
                    items.extend(self.added_item(element, depth));
                }
            }
            let shown = match &entry.eid {
                Some(eid) => elements.contains_key(eid),
                None => eid_holders.last().map_or(whole_document, |(_, shown)| *shown),
            };
            if entry.eid.is_some() {
                eid_holders.push((entry.depth, shown));
            }
            if !shown {
                continue;
            }
            let compiled = entry.eid.as_ref().and_then(|eid| elements.get(eid)).copied();
            let own_deletion = compiled.and_then(|element| {
                element.element_proposals.iter().find(|proposed| proposed.kind == Kind::DeleteElement)
            });
            let deletion =
                own_deletion.map(|proposed| self.tracking(proposed)).or(deletions.last().map(|(_, t)| *t));
            items.push(self.element_item(entry, compiled, own_deletion, deletion, document)?);
            if let Some(deletion) = own_deletion {
                deletions.push((entry.depth, self.tracking(deletion)));
            }
            if let Some(added) = entry.eid.as_ref().and_then(|eid| additions.get(eid)) {
                pending_additions.push((entry.depth, added.as_slice()));
            }
        }
        while let Some((depth, added)) = pending_additions.pop() {
            for element in added {
                items.extend(self.added_item(element, depth));
            }
        }
        Ok(items)
    }

    /// The item of an element of the revision: its text with the proposals on it; deleted by `deletion`
    /// (its own deletion, `own_deletion`, or that of an element above it) when given.
    fn element_item(
        &mut self,
        entry: &Entry,
        compiled: Option<&CompiledElement>,
        own_deletion: Option<&Proposed>,
        deletion: Option<&'t Tracking>,
        document: &Document,
    ) -> Result<Item<'t>, DocxError> {
        let plain_mark = deletion.map_or(Tracked::No, Tracked::Deleted);
        let plain = |segments: &[accord_text::akn::Inline]| -> Vec<Piece<'t>> {
            let text = redline::old_side(segments);
            if text.is_empty() {
                Vec::new()
            } else {
                vec![Piece::words(text, plain_mark)]
            }
        };
        let block_texts: Vec<String> =
            entry.blocks.iter().map(|block| redline::old_side(&block.segments)).collect();
        let mut block_pieces: Vec<Vec<Piece<'t>>> = match compiled {
            Some(element) => {
                if element.old_text() != block_texts.join("\n") {
                    let found =
                        if document.find(&element.eid).is_some() { "other text" } else { "no such element" };
                    return Err(DocxError::NotTheRevision { eid: element.eid.clone(), found });
                }
                let pieces = self.segment_pieces(&element.segments, plain_mark);
                let block_lens: Vec<usize> = block_texts.iter().map(String::len).collect();
                cut_into_blocks(pieces, &block_lens)
            }
            None => entry.blocks.iter().map(|block| plain(&block.segments)).collect(),
        };
        if compiled.is_some_and(CompiledElement::has_no_proposal) && deletion.is_none() {
            if let Some(first) = block_pieces.first_mut() {
                first.push(Piece::Mark(" No proposal".to_owned()));
            }
        }
        let blocks = entry
            .blocks
            .iter()
            .zip(block_pieces)
            .zip(&block_texts)
            .filter(|(_, text)| entry.depth > 0 || !repeats_title(document.meta(), text))
            .map(|((block, pieces), _)| ItemBlock {
                element: block.element.clone(),
                after_n_children: block.after_n_children,
                pieces,
                mark: plain_mark,
            })
            .collect();
        let comments = own_deletion.map(|proposed| vec![self.comment(proposed, None)]).unwrap_or_default();
        Ok(Item {
            depth: entry.depth,
            counts_as_child: true,
            num: plain(&entry.num),
            heading: plain(&entry.heading),
            subheading: plain(&entry.subheading),
            blocks,
            mark: plain_mark,
            comments,
        })
    }

    /// The item of a proposed new element: a whole inserted paragraph by its sponsor, at `depth`.
    fn added_item(&mut self, element: &CompiledElement, depth: usize) -> Option<Item<'t>> {
        let proposed = element.element_proposals.first()?;
        let inserted = Tracked::Inserted(self.tracking(proposed));
        let words = |text: &Option<String>| -> Vec<Piece<'t>> {
            text.iter().map(|text| Piece::words(text.clone(), inserted)).collect()
        };
        Some(Item {
            depth,
            counts_as_child: false,
            num: words(&element.num),
            heading: words(&element.heading),
            subheading: Vec::new(),
            blocks: vec![ItemBlock {
                element: "p".to_owned(),
                after_n_children: 0,
                pieces: vec![Piece::words(proposed.new_words.clone(), inserted)],
                mark: inserted,
            }],
            mark: inserted,
            comments: vec![self.comment(proposed, None)],
        })
    }

    /// The pieces of an element's own text: plain text (deleted with `plain_mark` when the element is), and
    /// each proposal's changes in its comment.
    fn segment_pieces(&mut self, segments: &[Segment], plain_mark: Tracked<'t>) -> Vec<Piece<'t>> {
        let mut pieces = Vec::new();
        for segment in segments {
            match segment {
                Segment::Text(text) => pieces.push(Piece::words(text.clone(), plain_mark)),
                Segment::Proposal(proposed) => {
                    let (prefix, suffix) = common_affixes(&proposed.old_words, &[&proposed.new_words]);
                    let old = &proposed.old_words;
                    let new = &proposed.new_words;
                    let tracking = self.tracking(proposed);
                    let comment = self.comment(proposed, None);
                    let id = comment.id();
                    pieces.push(Piece::words(&old[..prefix], plain_mark));
                    pieces.push(Piece::CommentStart(Box::new(comment)));
                    pieces.push(Piece::words(&old[prefix..old.len() - suffix], Tracked::Deleted(tracking)));
                    pieces.push(Piece::words(&new[prefix..new.len() - suffix], Tracked::Inserted(tracking)));
                    pieces.push(Piece::CommentEnd(id));
                    pieces.push(Piece::words(&old[old.len() - suffix..], plain_mark));
                }
                Segment::Alternatives(alternatives) => {
                    pieces.append(&mut self.alternatives_pieces(alternatives, plain_mark));
                }
            }
        }
        pieces
    }

    /// The words every option replaces deleted once by [`alternatives_author`], with a comment saying how to
    /// take an option, then each option's new words inserted by its sponsor, in the compilation's order.
    fn alternatives_pieces(
        &mut self,
        alternatives: &Alternatives,
        plain_mark: Tracked<'t>,
    ) -> Vec<Piece<'t>> {
        let old = &alternatives.old_words;
        let options = &alternatives.options;
        let news: Vec<&str> = options.iter().map(|option| option.new_words.as_str()).collect();
        let (prefix, suffix) = common_affixes(old, &news);
        let middle = |words: &'_ str| words[prefix..words.len() - suffix].to_owned();
        let deleted = middle(old);
        let mut pieces = vec![Piece::words(&old[..prefix], plain_mark)];
        if !deleted.is_empty() {
            let trackings: &'t HashMap<(String, String), Tracking> = self.trackings;
            let ids = alternatives_ids(alternatives);
            let shared = &trackings[&(alternatives_author(alternatives), self.dates.of(&ids).to_owned())];
            let numbers: Vec<String> =
                options.iter().flat_map(|option| option.ids.iter().map(|id| format!("A/{id}"))).collect();
            let lines = vec![
                format!("{}: {} options for \u{201c}{old}\u{201d}", numbers.join(", "), options.len()),
                format!(
                    "Every option replaces \u{201c}{deleted}\u{201d}. To take one, accept this deletion and \
                     that option's insertion, and reject the other insertions."
                ),
            ];
            let comment = self.comment_by(&shared.author, &shared.date, lines);
            let id = comment.id();
            pieces.push(Piece::CommentStart(Box::new(comment)));
            pieces.push(Piece::words(deleted.clone(), Tracked::Deleted(shared)));
            pieces.push(Piece::CommentEnd(id));
        }
        for (option_idx, option) in options.iter().enumerate() {
            let tracking = self.tracking(option);
            let inserted = middle(&option.new_words);
            let note = format!(
                "Option {} of {} for \u{201c}{old}\u{201d}{}",
                option_idx + 1,
                options.len(),
                if inserted.is_empty() {
                    "; it deletes the words: accept the shared deletion and reject every insertion"
                } else {
                    ""
                }
            );
            let comment = self.comment(option, Some(note));
            let id = comment.id();
            pieces.push(Piece::CommentStart(Box::new(comment)));
            if !inserted.is_empty() {
                pieces.push(Piece::words(inserted, Tracked::Inserted(tracking)));
            }
            pieces.push(Piece::CommentEnd(id));
        }
        pieces.push(Piece::words(&old[old.len() - suffix..], plain_mark));
        pieces
    }

    /// The comment of a proposal, by its sponsor: `A/21, A/23 (insert): New York, Chicago and 12 others`,
    /// then `note`, then every party when there are more than three, each on a line of its own.
    fn comment(&mut self, proposed: &Proposed, note: Option<String>) -> Comment {
        let numbers: Vec<String> = proposed.ids.iter().map(|id| format!("A/{id}")).collect();
        let mut lines = vec![format!("{} ({}): {}", numbers.join(", "), proposed.kind, proposed.sponsors)];
        lines.extend(note);
        if proposed.parties.len() > 3 {
            lines.push(format!("Parties: {}", proposed.parties.join(", ")));
        }
        let date = self.dates.of(&proposed.ids).to_owned();
        self.comment_by(sponsor(proposed), &date, lines)
    }

    /// A comment by `author` (as Word shows it) at `date` (a Word date), its `lines` one under the other.
    fn comment_by(&mut self, author: &str, date: &str, lines: Vec<String>) -> Comment {
        let id = self.n_comments;
        self.n_comments += 1;
        // One paragraph with line breaks: docx-rs 0.4 writes a comment once per paragraph it holds.
        let mut paragraph = Paragraph::new();
        for (line_idx, line) in lines.into_iter().enumerate() {
            if line_idx > 0 {
                paragraph = paragraph.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            paragraph = paragraph.add_run(Run::new().add_text(line));
        }
        Comment::new(id).author(escape_attribute(author)).date(date).add_paragraph(paragraph)
    }
}

/// docx-rs writes a comment's author as it is given, unlike the authors of `w:ins` and `w:del`, which it
/// escapes; a party named with `&` or a quote would make the XML invalid.
pub(crate) fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The byte lengths of the start and the end that `old` and every one of `news` share, each cut back to a
/// word boundary in every text (not between two letters or digits), the end not reaching into the start.
fn common_affixes(old: &str, news: &[&str]) -> (usize, usize) {
    let common_prefix = |a: &str, b: &str| -> usize {
        a.char_indices()
            .zip(b.chars())
            .find(|((_, x), y)| x != y)
            .map_or(a.len().min(b.len()), |((i, _), _)| i)
    };
    let mut prefix = news.iter().map(|&new| common_prefix(old, new)).min().unwrap_or(0);
    while prefix > 0
        && !(is_word_boundary(old, prefix) && news.iter().all(|new| is_word_boundary(new, prefix)))
    {
        prefix = old[..prefix].char_indices().next_back().map_or(0, |(i, _)| i);
    }
    let common_suffix = |a: &str, b: &str| -> usize {
        a.chars().rev().zip(b.chars().rev()).take_while(|(x, y)| x == y).map(|(x, _)| x.len_utf8()).sum()
    };
    let mut suffix = news.iter().map(|new| common_suffix(&old[prefix..], &new[prefix..])).min().unwrap_or(0);
    while suffix > 0
        && !(is_word_boundary(old, old.len() - suffix)
            && news.iter().all(|new| is_word_boundary(new, new.len() - suffix)))
    {
        let start = old.len() - suffix;
        suffix -= old[start..].chars().next().map_or(suffix, char::len_utf8);
    }
    (prefix, suffix)
}

/// True when byte `at` of `text` is not between two letters or digits.
fn is_word_boundary(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    !(before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric))
}

/// The pieces of an element's own text cut into its blocks, `block_lens` long (bytes) each, at the newlines
/// that join them in [`accord_text::Node::own_text`]: plain and deleted words count towards the lengths,
/// inserted words and comment marks stay in the block where they stand.
fn cut_into_blocks<'t>(pieces: Vec<Piece<'t>>, block_lens: &[usize]) -> Vec<Vec<Piece<'t>>> {
    let mut blocks: Vec<Vec<Piece<'t>>> = vec![Vec::new()];
    let mut room = block_lens.first().copied().unwrap_or(usize::MAX);
    for piece in pieces {
        match piece {
            Piece::Words { text, tracked: tracked @ (Tracked::No | Tracked::Deleted(_)), bold } => {
                let mut rest = text.as_str();
                while rest.len() > room {
                    let (head, tail) = rest.split_at(room);
                    if !head.is_empty() {
                        blocks.last_mut().expect("never empty").push(Piece::Words {
                            text: head.to_owned(),
                            tracked,
                            bold,
                        });
                    }
                    // The newline that joins this block to the next.
                    rest = &tail[1..];
                    blocks.push(Vec::new());
                    room = block_lens.get(blocks.len() - 1).copied().unwrap_or(usize::MAX);
                }
                room -= rest.len();
                if !rest.is_empty() {
                    blocks.last_mut().expect("never empty").push(Piece::Words {
                        text: rest.to_owned(),
                        tracked,
                        bold,
                    });
                }
            }
            other => blocks.last_mut().expect("never empty").push(other),
        }
    }
    while blocks.len() < block_lens.len() {
        blocks.push(Vec::new());
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn middles<'a>(old: &'a str, news: &[&'a str]) -> (&'a str, Vec<&'a str>) {
        let (prefix, suffix) = common_affixes(old, news);
        (&old[prefix..old.len() - suffix], news.iter().map(|new| &new[prefix..new.len() - suffix]).collect())
    }

    #[test]
    fn a_replacement_keeps_the_whole_words_both_sides_share() {
        assert_eq!(middles("at local level", &["at regional level"]), ("local", vec!["regional"]));
    }

    #[test]
    fn an_insertion_after_its_anchor_deletes_nothing() {
        assert_eq!(middles("local", &["local and municipal"]), ("", vec![" and municipal"]));
    }

    #[test]
    fn a_deletion_inserts_nothing() {
        assert_eq!(middles("systematically", &[""]), ("systematically", vec![""]));
    }

    #[test]
    fn alternatives_keep_only_what_all_options_share() {
        assert_eq!(
            middles("at local level", &["at local and municipal level", "at regional level"]),
            ("local", vec!["local and municipal", "regional"])
        );
    }

    #[test]
    fn a_shared_end_inside_a_word_is_not_cut() {
        // `bilateral` and `multilateral` share `lateral`, which is no word of its own.
        assert_eq!(middles("bilateral", &["multilateral"]), ("bilateral", vec!["multilateral"]));
        assert_eq!(middles("São Paulo", &["São Tomé"]), ("Paulo", vec!["Tomé"]));
    }

    #[test]
    fn pieces_are_cut_at_the_newlines_between_blocks() {
        let pieces = vec![Piece::words("one\ntw", Tracked::No), Piece::words("o\nthree", Tracked::No)];
        let blocks = cut_into_blocks(pieces, &[3, 3, 5]);
        let texts: Vec<Vec<String>> = blocks
            .iter()
            .map(|block| {
                block
                    .iter()
                    .map(|piece| match piece {
                        Piece::Words { text, .. } => text.clone(),
                        _ => String::new(),
                    })
                    .collect()
            })
            .collect();
        assert_eq!(texts, [vec!["one"], vec!["tw", "o"], vec!["three"]]);
    }
}
