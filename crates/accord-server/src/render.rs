//! Whole, standalone HTML files of a revision and of a redline, for downloads and for `accord export` and
//! `accord redline --format html`, and of a round's compilation text (`accord compile --format html`): the same rows
//! and styles as the pages, without site navigation.

use crate::view::{redline_rows_with_provenance, RedlineRow, TextRow};
use accord_text::amendment::Provenance;
use accord_text::redline::{Counts, Redline};
use accord_text::Document;
use askama::Template;

#[derive(Template)]
#[template(path = "export_revision.html")]
struct RevisionFile<'a> {
    title: &'a str,
    revision_label: &'a str,
    date: String,
    author: &'a str,
    symbol: Option<&'a str>,
    rows: Vec<TextRow>,
    links: bool,
    base: &'a str,
    propose_base: &'a str,
}

#[derive(Template)]
#[template(path = "export_redline.html")]
struct RedlineFile<'a> {
    title: &'a str,
    old_label: &'a str,
    new_label: &'a str,
    counts: Counts,
    rows: Vec<RedlineRow>,
}

/// The revision as one HTML file.
///
/// # Errors
/// When the template fails to render (a bug).
pub fn revision_html(document: &Document) -> Result<String, askama::Error> {
    let meta = document.meta();
    RevisionFile {
        title: &meta.title,
        revision_label: &meta.version,
        date: meta.expression_date.to_string(),
        author: &meta.author,
        symbol: meta.source_symbol.as_deref(),
        rows: document.units().iter().map(TextRow::from).collect(),
        links: false,
        base: "",
        propose_base: "",
    }
    .render()
}

/// The redline between `old` and `new` as one HTML file, every element shown; each change names the
/// amendments it came from when `provenance` (of `new`, made from picks on `old`) is given.
///
/// # Errors
/// When the template fails to render (a bug).
pub fn redline_html(
    old: &Document,
    new: &Document,
    redline: &Redline,
    provenance: Option<&Provenance>,
) -> Result<String, askama::Error> {
    RedlineFile {
        title: &new.meta().title,
        old_label: &old.meta().version,
        new_label: &new.meta().version,
        counts: redline.counts(),
        rows: redline_rows_with_provenance(redline, true, provenance),
    }
    .render()
}

#[derive(Template)]
#[template(path = "export_compilation.html")]
struct CompilationFile<'a> {
    title: &'a str,
    draft_id: &'a str,
    revision_label: &'a str,
    revision_number: i64,
    round_number: i64,
    round_title: &'a str,
    n_amendments: usize,
    rows: Vec<crate::amendment::CompiledRow>,
    links: bool,
    propose_base: &'a str,
}

/// The compilation text of a round as one HTML file: the page's text and brackets, amendment numbers without
/// links, no site navigation.
///
/// # Errors
/// When the template fails to render (a bug).
pub fn compilation_html(compiled: &crate::amendment::Compiled) -> Result<String, askama::Error> {
    CompilationFile {
        title: &compiled.document.meta().title,
        draft_id: &compiled.summary.draft_id,
        revision_label: &compiled.summary.label,
        revision_number: compiled.summary.number,
        round_number: compiled.round.number,
        round_title: &compiled.round.title,
        n_amendments: compiled.compilation.n_amendments(),
        rows: crate::amendment::compilation_rows(&compiled.compilation),
        links: false,
        propose_base: "",
    }
    .render()
}
