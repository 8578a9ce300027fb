//! The Global Compact for Migration's objectives, from Markdown to a [`crate::Document`].
//!
//! The input is the text of the 23 objectives of A/RES/73/195 as the PyPI package `iomeval` 0.4.1 ships it
//! (`gcms_long.md`), one objective after the other:
//!
//! ```text
//! # Objective 15
//! ## Title: Provide access to basic services for migrants
//! We commit to ensure that all migrants … (the commitment, one or more lines)
//! To realize this commitment, we will draw from the following actions:
//! ## Associated actions
//! - a. Enact laws and take measures …
//! Natural disasters, the adverse effects of climate change, and environmental degradation:   (a subheading)
//! - b. …
//! ```
//!
//! It becomes `mainBody > section sec_3 > hcontainer[name=objective] sec_3__obj_N > paragraph
//! sec_3__obj_N__para_1 > point sec_3__obj_N__para_1__point_x` (see [`crate::model`]); a line among the
//! actions that is not an action becomes a `crossHeading` block between the points. These eIds are the
//! compact's public identifiers. Text is trimmed and runs of white space become one space; words are kept
//! as the source spells them.

use crate::akn;
use crate::eid::{EId, EIdError};
use crate::model::{Block, Document, EditError, Meta, Node, Part};

/// The first paragraph number of the objectives in the compact: objective N is paragraph `16 + N`.
pub const FIRST_OBJECTIVE_PARAGRAPH: u32 = 17;

/// The XML comment that heads the committed conversion, naming its source.
pub const SOURCE_COMMENT: &str =
    " Source: United Nations General Assembly resolution A/RES/73/195 (19 December \
2018), Global Compact for Safe, Orderly and Regular Migration, as shipped in PyPI iomeval 0.4.1 \
(iomeval/files/themes/gcms_long.md): objectives, commitments and actions only. Converted by \
accord_text::gcm::from_markdown. ";

/// Why the Markdown could not be converted. Line numbers count from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GcmError {
    /// A line is not what the structure allows at that place.
    #[error("line {line}: expected {expected}, found `{found}`")]
    Unexpected {
        /// The line number.
        line: usize,
        /// What could come here.
        expected: &'static str,
        /// The line as found (trimmed).
        found: String,
    },
    /// An objective's number is not the next one.
    #[error("line {line}: expected `# Objective {expected}`, found objective {found}")]
    OutOfOrder {
        /// The line number.
        line: usize,
        /// The next number in sequence.
        expected: u32,
        /// The number found.
        found: u32,
    },
    /// The text ended inside an objective, or held none.
    #[error("line {line}: the text ends before {expected}")]
    Truncated {
        /// The last line number.
        line: usize,
        /// What was still expected.
        expected: &'static str,
    },
    /// An action's letter was used twice in one objective.
    #[error("line {line}: action ({letter}) of objective {objective} appears twice")]
    DuplicateAction {
        /// The line number.
        line: usize,
        /// The objective.
        objective: u32,
        /// The letter.
        letter: String,
    },
    /// An eId could not be built (never for well-formed input).
    #[error("line {line}: {source}")]
    EId {
        /// The line number.
        line: usize,
        /// The eId rule broken.
        source: EIdError,
    },
}

/// The [`Meta`] of the final text as adopted: statement/compact, work and expression of 19 December 2018,
/// version `Final`, symbol A/RES/73/195.
pub fn final_meta() -> Meta {
    Meta {
        doc_type: "statement".to_owned(),
        doc_name: "compact".to_owned(),
        title: "Global Compact for Safe, Orderly and Regular Migration".to_owned(),
        country: "un".to_owned(),
        work_date: time::macros::date!(2018 - 12 - 19),
        work_number: "gcm".to_owned(),
        source_symbol: Some("A/RES/73/195".to_owned()),
        language: "eng".to_owned(),
        expression_date: time::macros::date!(2018 - 12 - 19),
        version: "Final".to_owned(),
        author: "United Nations General Assembly".to_owned(),
    }
}

/// The document as Akoma Ntoso ([`akn::to_xml`]) with [`SOURCE_COMMENT`] after the XML declaration: the form
/// of the committed `data/gcm/gcm-a-res-73-195.akn.xml`.
pub fn to_annotated_xml(document: &Document) -> String {
    let xml = akn::to_xml(document);
    match xml.split_once('\n') {
        Some((declaration, rest)) => format!("{declaration}\n<!--{SOURCE_COMMENT}-->\n{rest}"),
        None => xml,
    }
}

/// Converts the objectives in Markdown (see the module docs) into a compact under `meta`, with a preface
/// holding the symbol (`docNumber`, when `meta` has one) and the title (`docTitle`).
///
/// # Errors
/// [`GcmError`] naming the line and what was expected there.
pub fn from_markdown(markdown: &str, meta: Meta) -> Result<Document, GcmError> {
    let section_eid = EId::top("sec", "3").map_err(|source| GcmError::EId { line: 1, source })?;
    let mut section = Node::new("section");
    section.eid = Some(section_eid.clone());
    section.heading = Some("Our cooperative framework".to_owned());

    let mut current: Option<Objective> = None;
    let mut n_objectives = 0_u32;
    let mut last_line = 0;
    for (line_idx, raw) in markdown.lines().enumerate() {
        let line = line_idx + 1;
        last_line = line;
        let text = clean(raw);
        if text.is_empty() {
            continue;
        }
        if let Some(rest) = text.strip_prefix("# Objective ") {
            let found: u32 = rest.parse().map_err(|_| GcmError::Unexpected {
                line,
                expected: "`# Objective N` with a number N",
                found: text.clone(),
            })?;
            if found != n_objectives + 1 {
                return Err(GcmError::OutOfOrder { line, expected: n_objectives + 1, found });
            }
            if let Some(objective) = current.take() {
                section.content.push(Part::Node(objective.finish(line)?));
            }
            n_objectives = found;
            current = Some(Objective::new(found, &section_eid, line)?);
            continue;
        }
        let Some(objective) = current.as_mut() else {
            return Err(GcmError::Unexpected { line, expected: "`# Objective 1`", found: text });
        };
        objective.line(line, text)?;
    }
    let Some(objective) = current else {
        return Err(GcmError::Truncated { line: last_line, expected: "`# Objective 1`" });
    };
    section.content.push(Part::Node(objective.finish(last_line)?));

    let mut preface = Node::new("preface");
    if let Some(symbol) = &meta.source_symbol {
        preface.content.push(Part::Block(Block {
            element: "docNumber".to_owned(),
            eid: None,
            text: symbol.clone(),
        }));
    }
    preface.content.push(Part::Block(Block {
        element: "docTitle".to_owned(),
        eid: None,
        text: meta.title.clone(),
    }));
    let mut body = Node::new("mainBody");
    body.content.push(Part::Node(section));
    Document::new(meta, Some(preface), None, body, None).map_err(|error| match error {
        EditError::DuplicateEId(eid) => {
            unreachable!("the converter checks action letters, yet `{eid}` repeats")
        }
        other => unreachable!("Document::new refuses only duplicate eIds, not {other:?}"),
    })
}

/// Where the reader is inside one objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// After `# Objective N`: the title comes next.
    Title,
    /// After the title: commitment lines until `## Associated actions`.
    Commitment,
    /// After `## Associated actions`: actions and subheadings.
    Actions,
}

/// One objective being read.
struct Objective {
    number: u32,
    stage: Stage,
    objective: Node,
    paragraph: Node,
    letters: Vec<String>,
}

impl Objective {
    fn new(number: u32, section: &EId, line: usize) -> Result<Objective, GcmError> {
        let eid_error = |source| GcmError::EId { line, source };
        let objective_eid = section.child("obj", &number.to_string()).map_err(eid_error)?;
        let mut objective = Node::new("hcontainer");
        objective.name = Some("objective".to_owned());
        objective.num = Some(format!("Objective {number}"));
        let mut paragraph = Node::new("paragraph");
        paragraph.eid = Some(objective_eid.child("para", "1").map_err(eid_error)?);
        paragraph.num = Some(format!("{}.", FIRST_OBJECTIVE_PARAGRAPH - 1 + number));
        objective.eid = Some(objective_eid);
        Ok(Objective { number, stage: Stage::Title, objective, paragraph, letters: Vec::new() })
    }

    fn line(&mut self, line: usize, text: String) -> Result<(), GcmError> {
        match self.stage {
            Stage::Title => {
                let title = text.strip_prefix("## Title:").map(str::trim).filter(|title| !title.is_empty());
                let Some(title) = title else {
                    return Err(GcmError::Unexpected { line, expected: "`## Title: …`", found: text });
                };
                self.objective.heading = Some(title.to_owned());
                self.stage = Stage::Commitment;
            }
            Stage::Commitment if text == "## Associated actions" => {
                if self.paragraph.intro.is_empty() {
                    return Err(GcmError::Unexpected {
                        line,
                        expected: "the commitment's text before `## Associated actions`",
                        found: text,
                    });
                }
                self.stage = Stage::Actions;
            }
            Stage::Commitment if text.starts_with('#') || text.starts_with("- ") => {
                return Err(GcmError::Unexpected {
                    line,
                    expected: "commitment text or `## Associated actions`",
                    found: text,
                });
            }
            Stage::Commitment => self.paragraph.intro.push(Block::p(text)),
            Stage::Actions if text.starts_with('#') => {
                return Err(GcmError::Unexpected {
                    line,
                    expected: "an action `- x. …`, a subheading or `# Objective N`",
                    found: text,
                });
            }
            Stage::Actions => match parse_action(&text) {
                Some((letter, action)) => {
                    if self.letters.iter().any(|seen| seen == letter) {
                        return Err(GcmError::DuplicateAction {
                            line,
                            objective: self.number,
                            letter: letter.to_owned(),
                        });
                    }
                    self.letters.push(letter.to_owned());
                    let parent = self.paragraph.eid.as_ref().expect("the paragraph is built with an eId");
                    let mut point = Node::new("point");
                    point.eid =
                        Some(parent.child("point", letter).map_err(|source| GcmError::EId { line, source })?);
                    point.num = Some(format!("({letter})"));
                    point.content.push(Part::Block(Block::p(action)));
                    self.paragraph.content.push(Part::Node(point));
                }
                None if text.starts_with("- ") => {
                    return Err(GcmError::Unexpected {
                        line,
                        expected: "an action `- x. …` with a lower-case letter",
                        found: text,
                    });
                }
                None => self.paragraph.content.push(Part::Block(Block {
                    element: "crossHeading".to_owned(),
                    eid: None,
                    text,
                })),
            },
        }
        Ok(())
    }

    fn finish(mut self, line: usize) -> Result<Node, GcmError> {
        let expected = match self.stage {
            Stage::Title => Some("`## Title: …`"),
            Stage::Commitment => Some("`## Associated actions`"),
            Stage::Actions if self.letters.is_empty() => Some("an action `- a. …`"),
            Stage::Actions => None,
        };
        if let Some(expected) = expected {
            return Err(GcmError::Truncated { line, expected });
        }
        self.objective.content.push(Part::Node(self.paragraph));
        Ok(self.objective)
    }
}

/// `- x. text` as (`x`, `text`), for one or two lower-case letters.
fn parse_action(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("- ")?;
    let (letter, action) = rest.split_once(". ")?;
    let letter_ok = (1..=2).contains(&letter.len()) && letter.bytes().all(|b| b.is_ascii_lowercase());
    (letter_ok && !action.trim().is_empty()).then_some((letter, action.trim()))
}

/// The line trimmed, with each run of white space as one space.
fn clean(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_line_gives_its_letter_and_text() {
        assert_eq!(parse_action("- c. Develop a programme."), Some(("c", "Develop a programme.")));
        assert_eq!(parse_action("Natural disasters:"), None);
        assert_eq!(parse_action("- C. Upper case"), None);
    }

    #[test]
    fn an_objective_without_actions_is_refused_with_its_line() {
        let markdown = "# Objective 1\n## Title: Data\nWe commit.\n## Associated actions\n";
        assert_eq!(
            from_markdown(markdown, final_meta()).unwrap_err(),
            GcmError::Truncated { line: 4, expected: "an action `- a. …`" }
        );
    }

    #[test]
    fn text_before_the_first_objective_and_a_missing_title_are_refused_with_their_lines() {
        assert_eq!(
            from_markdown("Preamble\n", final_meta()).unwrap_err(),
            GcmError::Unexpected { line: 1, expected: "`# Objective 1`", found: "Preamble".into() }
        );
        let error = from_markdown("# Objective 1\n\nWe commit.\n", final_meta()).unwrap_err();
        assert_eq!(error.to_string(), "line 3: expected `## Title: …`, found `We commit.`");
    }

    #[test]
    fn objectives_out_of_order_are_refused() {
        let markdown = "# Objective 2\n";
        assert_eq!(
            from_markdown(markdown, final_meta()).unwrap_err(),
            GcmError::OutOfOrder { line: 1, expected: 1, found: 2 }
        );
    }
}
