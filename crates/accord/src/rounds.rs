//! `accord rounds list|open|min-co-sponsors`: a track's rounds, opening the next one, and the least number of
//! co-sponsors an amendment needs to be tabled in the track.

use crate::cli::{out, Failure};
use accord_store::{AmendmentError, Store, StoreError};
use clap::Subcommand;

/// The subcommands of `accord rounds`.
#[derive(Debug, Subcommand)]
pub enum RoundsCommand {
    /// List a track's rounds (number, title, opening day, deadline in UTC) and its least number of co-sponsors.
    List {
        /// The track's slug, e.g. migration.
        track: String,
    },
    /// Open the track's next round, numbered after its last; prints its number. A bad field exits 2 naming it.
    Open {
        /// The track's slug.
        track: String,
        /// The round's title, e.g. "Round 2: amendments to Rev.1".
        #[arg(long)]
        title: String,
        /// The day it opens, YYYY-MM-DD.
        #[arg(long)]
        opens_on: String,
        /// The deadline, RFC 3339 with any offset (2018-03-26T17:00:00Z); stored in UTC.
        #[arg(long)]
        deadline: String,
    },
    /// Show, or with N set, the least number of co-sponsors an amendment needs to be tabled in the track.
    MinCoSponsors {
        /// The track's slug.
        track: String,
        /// The new least number, 0 or more.
        least: Option<i64>,
    },
}

/// Who acts in the record for the command line.
const CLI_ACTOR: &str = "command line";

/// Runs `accord rounds …`.
///
/// # Errors
/// Exit 2 for a bad field (named), 4 for an unknown track, 1 when the database fails.
pub async fn run(store: &Store, command: RoundsCommand) -> Result<(), Failure> {
    match command {
        RoundsCommand::List { track } => {
            let least = store.min_co_sponsors(&track).await?;
            out!("track {track}: an amendment needs at least {least} co-sponsor(s) to be tabled");
            for round in store.rounds(&track).await? {
                out!("{}\t{}\t{}\t{}", round.number, round.title, round.opens_on, round.deadline);
            }
        }
        RoundsCommand::Open { track, title, opens_on, deadline } => {
            let round =
                store.open_round(&track, &title, &opens_on, &deadline, CLI_ACTOR).await.map_err(refused)?;
            out!(
                "round {} of track {track} opened: {}, {} to {}",
                round.number,
                round.title,
                round.opens_on,
                round.deadline
            );
        }
        RoundsCommand::MinCoSponsors { track, least: Some(least) } => {
            store.set_min_co_sponsors(&track, least, CLI_ACTOR).await.map_err(refused)?;
            out!("track {track}: an amendment needs at least {least} co-sponsor(s) to be tabled");
        }
        RoundsCommand::MinCoSponsors { track, least: None } => {
            out!("{}", store.min_co_sponsors(&track).await?);
        }
    }
    Ok(())
}

/// A refused field exits 2 (a usage error); anything else keeps its own exit code.
fn refused(error: StoreError) -> Failure {
    match &error {
        StoreError::Amendment(refusal)
            if matches!(**refusal, AmendmentError::Round { .. } | AmendmentError::NegativeMinimum(_)) =>
        {
            Failure { error: error.into(), code: 2 }
        }
        _ => Failure::from(error),
    }
}
