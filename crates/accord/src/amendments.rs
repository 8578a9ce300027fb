//! `accord amendments import|list` and `accord compile`: amendments from a CSV file (all rows or none), the
//! amendments of a draft, and a round's compilation text as HTML, Akoma Ntoso or Word.

use crate::cli::{out, Failure};
use accord_server::amendment::{compilation_file, compiled, kind_name, CompilationQuery, KINDS};
use accord_store::{AmendmentError, AmendmentQuery, RevisionRef, Store, StoreError};
use accord_text::amendment::Kind;
use accord_text::EId;
use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use std::path::PathBuf;

/// The subcommands of `accord amendments`.
#[derive(Debug, Subcommand)]
pub enum AmendmentsCommand {
    /// Import amendments from a CSV file, all rows or none: a bad row exits 3 naming its row and column, and
    /// nothing is imported. Columns (header first, any order): revision (gcm/0), round, sponsor (party id),
    /// co_sponsors (ids separated by `;`), kind (replace, insert, delete, add, delete-element), eid, words,
    /// occurrence, position (before/after), text, new_eid, element, num, justification, tabled_at (RFC 3339,
    /// before the round's deadline; default now), status (tabled or draft).
    Import {
        /// The CSV file, UTF-8.
        file: PathBuf,
    },
    /// List amendments, by number: A/number, revision, round, status, sponsor, co-sponsors, what it proposes.
    List {
        /// Only amendments to this revision: DRAFT/NUMBER (gcm/0), or DRAFT for every revision of the draft.
        #[arg(long)]
        revision: Option<RevisionRef>,
        /// Only amendments of this round.
        #[arg(long)]
        round: Option<i64>,
    },
}

/// The formats of `accord compile`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompileFormat {
    /// A standalone HTML file: the compilation page's text.
    Html,
    /// Akoma Ntoso 3.0 with `ins` and `del` naming amendments and parties.
    Akn,
    /// Word with tracked changes by sponsor and a comment per proposal.
    Docx,
}

/// Who acts in the record for the command line.
const CLI_ACTOR: &str = "command line";

/// Runs `accord amendments …`.
///
/// # Errors
/// Exit 3 for a file that is not UTF-8 or a bad row (row and column named); 4 for an unknown draft.
pub async fn run(store: &Store, command: AmendmentsCommand) -> Result<(), Failure> {
    match command {
        AmendmentsCommand::Import { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let text = String::from_utf8(bytes).map_err(|error| Failure {
                error: anyhow::anyhow!(
                    "{}: not UTF-8 at byte {}",
                    file.display(),
                    error.utf8_error().valid_up_to()
                ),
                code: 3,
            })?;
            let ids =
                match store.import_amendments_csv(&text, CLI_ACTOR, time::OffsetDateTime::now_utc()).await {
                    Ok(ids) => ids,
                    Err(StoreError::Amendment(refusal)) if matches!(*refusal, AmendmentError::Csv { .. }) => {
                        return Err(Failure {
                            error: anyhow::anyhow!("{}: {refusal}; nothing was imported", file.display()),
                            code: 3,
                        })
                    }
                    Err(error) => {
                        return Err(Failure::from(
                            anyhow::Error::new(error).context(format!("importing {}", file.display())),
                        ))
                    }
                };
            let range = match (ids.first(), ids.last()) {
                (Some(first), Some(last)) if first == last => format!(": A/{first}"),
                (Some(first), Some(last)) => format!(": A/{first} to A/{last}"),
                _ => String::new(),
            };
            let noun = if ids.len() == 1 { "amendment" } else { "amendments" };
            out!("{} {noun} imported from {}{range}", ids.len(), file.display());
        }
        AmendmentsCommand::List { revision, round } => {
            if let Some(revision) = &revision {
                store.draft(&revision.draft_id).await?;
            }
            let query = AmendmentQuery {
                draft_id: revision.as_ref().map(|revision| revision.draft_id.clone()),
                revision: revision.as_ref().and_then(|revision| revision.number),
                round,
                ..AmendmentQuery::default()
            };
            for record in store.amendments(&query).await? {
                out!(
                    "A/{}\t{}/{}\tround {}\t{}\t{}\t{}\t{}",
                    record.amendment_id,
                    record.draft_id,
                    record.revision,
                    record.round,
                    record.status,
                    record.sponsor,
                    record.co_sponsors.join(";"),
                    accord_server::amendment::describe(&record.proposal)
                );
            }
        }
    }
    Ok(())
}

/// What `accord compile` keeps, as typed: the filters of the compilation page.
#[derive(Debug, Clone, Default)]
pub struct CompileFilter {
    /// Only amendments this party (id) sponsors or co-sponsors.
    pub party: Option<String>,
    /// Only this element and what lies below it (an eId, checked by [`compile`]).
    pub objective: Option<String>,
    /// Only these kinds; all when empty.
    pub kinds: Vec<Kind>,
}

/// A kind of amendment by the name the compilation page's filter and the API use: `replace`, `insert`,
/// `delete`, `add`, `delete-element`.
///
/// # Errors
/// Any other name, quoted, with the names expected.
pub fn parse_amendment_kind(text: &str) -> Result<Kind, String> {
    let text = text.trim();
    KINDS
        .into_iter()
        .find(|kind| kind_name(*kind) == text)
        .ok_or_else(|| format!("`{text}`: expected replace, insert, delete, add or delete-element"))
}

/// Runs `accord compile`: the compilation text of `revision` in `round`, filtered by party, objective and
/// kind with the same [`CompilationQuery`] (and so the same `accord_text::compilation::Filter`) as the
/// compilation page.
///
/// # Errors
/// Exit 2 for a bad objective eId; 4 for an unknown draft, revision or round; 3 for an unknown party.
pub async fn compile(
    store: &Store,
    revision: &RevisionRef,
    round: i64,
    format: CompileFormat,
    filter: CompileFilter,
) -> Result<Vec<u8>, Failure> {
    let CompileFilter { party, objective, kinds } = filter;
    let objective = match objective {
        Some(text) => Some(EId::parse(&text).map_err(|error| Failure {
            error: anyhow::anyhow!("--objective `{text}` is not an eId: {error}"),
            code: 2,
        })?),
        None => None,
    };
    let query = CompilationQuery { round: Some(round), party, objective, kinds, format: None };
    let made = compiled(store, revision, &query).await.map_err(server_failure)?;
    let format = match format {
        CompileFormat::Html => "html",
        CompileFormat::Akn => "akn",
        CompileFormat::Docx => "docx",
    };
    Ok(compilation_file(&made, format).map_err(server_failure)?.bytes().to_vec())
}

/// A refusal of the server's shared code as an exit code: 4 not found, 3 a wrong value, 5 a conflict.
pub(crate) fn server_failure(error: accord_server::Error) -> Failure {
    let code = match &error {
        accord_server::Error::NotFound(_) => 4,
        accord_server::Error::Unprocessable { .. } => 3,
        accord_server::Error::Conflict(_) => 5,
        _ => 1,
    };
    match error {
        accord_server::Error::Internal(detail) => Failure { error: anyhow::anyhow!(detail), code },
        other => Failure { error: anyhow::Error::new(other), code },
    }
}
