//! `accord consultations`: import a Pol.is openData conversation as a consultation, export one back in the same
//! format, list them.

use crate::cli::out;
use accord_store::{ConsultationError, OpendataImport, Store, StoreError};
use anyhow::Context;
use clap::Subcommand;
use std::path::{Path, PathBuf};

/// The subcommands of `accord consultations`.
#[derive(Debug, Subcommand)]
pub enum ConsultationsCommand {
    /// Import a Pol.is openData conversation (comments.csv and votes.csv in DIR, summary.csv if present) as a new
    /// consultation on a track, keeping statement and participant numbers and every vote; all rows or none (a
    /// bad row exits 3 naming file, row and column).
    Import {
        /// The folder with comments.csv, votes.csv and optionally summary.csv.
        dir: PathBuf,
        /// The track's slug (`migration` in the demonstration).
        #[arg(long)]
        track: String,
        /// The title; by default summary.csv's topic.
        #[arg(long, default_value = "")]
        title: String,
        /// The language of title and description, a BCP 47 tag (en, fr, es, ar, zh, ru …).
        #[arg(long, default_value = "")]
        language: String,
    },
    /// Write a consultation as Pol.is openData files into DIR (created if missing): summary.csv, comments.csv,
    /// votes.csv (every vote) and participants-votes.csv (with each participant's opinion group).
    Export {
        /// The consultation's number (`accord consultations list`).
        id: i64,
        /// The folder to write into.
        dir: PathBuf,
    },
    /// List the consultations, newest first: number, track, status, statements, votes, title.
    List {
        /// Only those of this track.
        #[arg(long)]
        track: Option<String>,
    },
}

/// Why a command failed in what the user gave: the exit code goes with it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct BadInput {
    /// What is wrong, naming file, row and column where there is one.
    pub message: String,
}

fn read(dir: &Path, name: &str) -> anyhow::Result<Option<String>> {
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|error| {
            BadInput {
                message: format!(
                    "{}: not UTF-8 at byte {}",
                    path.display(),
                    error.utf8_error().valid_up_to()
                ),
            }
            .into()
        }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(anyhow::Error::new(error).context(format!("reading {}", path.display()))),
    }
}

fn required(dir: &Path, name: &str) -> anyhow::Result<String> {
    read(dir, name)?.ok_or_else(|| {
        BadInput {
            message: format!("{}: no such file: expected a Pol.is openData folder", dir.join(name).display()),
        }
        .into()
    })
}

/// Runs one subcommand against the store, printing what it did.
///
/// # Errors
/// [`BadInput`] for files that do not read (exit 3); store errors otherwise.
pub async fn run(store: &Store, command: ConsultationsCommand) -> anyhow::Result<()> {
    match command {
        ConsultationsCommand::Import { dir, track, title, language } => {
            let comments = required(&dir, "comments.csv")?;
            let votes = required(&dir, "votes.csv")?;
            let summary = read(&dir, "summary.csv")?;
            let import = OpendataImport {
                track_id: &track,
                title: &title,
                language: &language,
                comments_csv: &comments,
                votes_csv: &votes,
                summary_csv: summary.as_deref(),
            };
            let consultation =
                match store.import_consultation(&import, accord_store::event::SYSTEM_ACTOR).await {
                    Ok(consultation) => consultation,
                    Err(StoreError::Consultation(ConsultationError::Opendata(error))) => {
                        return Err(BadInput { message: format!("{}/{error}", dir.display()) }.into())
                    }
                    Err(StoreError::Consultation(error @ ConsultationError::Invalid { .. })) => {
                        return Err(BadInput { message: format!("{}: {error}", dir.display()) }.into())
                    }
                    Err(error) => {
                        return Err(anyhow::Error::new(error).context(format!("importing {}", dir.display())))
                    }
                };
            let n_votes = store.consultation_votes(consultation.consultation_id).await?.len();
            let n_statements = store.consultation_statements(consultation.consultation_id).await?.len();
            out!(
                "consultation {} imported on track {}: {n_statements} statements, {n_votes} votes, \"{}\"",
                consultation.consultation_id,
                consultation.track_id,
                consultation.title
            );
        }
        ConsultationsCommand::Export { id, dir } => {
            let export = store.export_consultation(id, "").await?;
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for (name, text) in export.files() {
                let path = dir.join(name);
                std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            }
            out!("consultation {id} exported to {}", dir.display());
        }
        ConsultationsCommand::List { track } => {
            if let Some(track) = &track {
                store.track(track).await?;
            }
            for consultation in store.consultations(track.as_deref()).await? {
                let n_statements = store.consultation_statements(consultation.consultation_id).await?.len();
                let n_votes = store.consultation_votes(consultation.consultation_id).await?.len();
                out!(
                    "{}\t{}\t{}\t{n_statements} statements\t{n_votes} votes\t{}",
                    consultation.consultation_id,
                    consultation.track_id,
                    consultation.status,
                    consultation.title
                );
            }
        }
    }
    Ok(())
}
