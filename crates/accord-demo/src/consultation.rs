//! The demonstration's resident consultation: New York City asks its residents about the draft compact, with
//! fifteen seed statements (invented, on the compact's real objectives; two in French and Spanish, stored with
//! their language) and the votes of 200 simulated participants. Everything here is invented and says so.
//!
//! The simulation: each participant belongs to one of three invented currents of opinion (42 %, 36 %, 22 %),
//! each with its own chance of agreeing with each statement; a participant votes on 8 to 15 statements chosen
//! at random, passes one time in ten and otherwise agrees with that chance. The draws come from ChaCha8 seeded
//! with [`SEED`], so every load gives the same votes and the same opinion groups.

use crate::{DemoError, DEMO_ACTOR, TRACK_ID};
use accord_store::opendata::OpendataVote;
use accord_store::{NewConsultation, NewStatement, Store};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// The seed of the simulated votes.
pub const SEED: u64 = 2018;
/// How many simulated participants vote.
pub const N_PARTICIPANTS: i64 = 200;
/// The title of the demonstration consultation.
pub const TITLE: &str = "New York City residents on the draft compact (demonstration)";

/// Each seed statement, its language, and the chance that a participant of each current agrees with it.
const STATEMENTS: [(&str, &str, [f64; 3]); 15] = [
    ("Cities should have a seat at the table when the compact is negotiated.", "en", [0.95, 0.30, 0.80]),
    (
        "Objective 15 should guarantee access to basic services whatever a person's migration status.",
        "en",
        [0.90, 0.15, 0.60],
    ),
    ("Local police should not enforce federal immigration law.", "en", [0.85, 0.10, 0.40]),
    ("Migrants should be able to report a crime without fear of deportation.", "en", [0.95, 0.40, 0.85]),
    ("The compact should be legally binding on the states that adopt it.", "en", [0.70, 0.10, 0.30]),
    ("National governments alone should decide migration policy.", "en", [0.05, 0.85, 0.35]),
    ("Cities need national funding to welcome and integrate newcomers.", "en", [0.90, 0.35, 0.75]),
    ("Migrants' skills and diplomas should be recognised faster (objective 18).", "en", [0.85, 0.60, 0.90]),
    ("The detention of migrant children should end (objective 13).", "en", [0.95, 0.35, 0.80]),
    ("Better data on migration should be collected and shared (objective 1).", "en", [0.80, 0.75, 0.85]),
    ("Les villes devraient rendre compte de la mise en œuvre du pacte.", "fr", [0.80, 0.45, 0.70]),
    ("Los migrantes deberían poder votar en las elecciones municipales.", "es", [0.75, 0.05, 0.30]),
    ("Sending money home should cost less (objective 20).", "en", [0.85, 0.70, 0.90]),
    ("Border controls should be strengthened before anything else.", "en", [0.05, 0.90, 0.40]),
    ("Residents should be consulted before each new revision of the draft.", "en", [0.90, 0.50, 0.85]),
];

/// The share of participants in each current, cumulated.
const CURRENTS: [f64; 3] = [0.42, 0.78, 1.0];

/// The simulated votes: participant numbers from 0, statement ids as the seeds are numbered, agree `1`,
/// timestamps a minute apart from 1 May 2026 00:00 UTC.
pub fn simulated_votes() -> Vec<OpendataVote> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEED);
    let start_ms: i64 = 1_777_593_600_000; // 2026-05-01T00:00:00Z
    let mut votes = Vec::new();
    let mut statement_ids: Vec<i64> = (0..STATEMENTS.len() as i64).collect();
    for participant_id in 0..N_PARTICIPANTS {
        let draw: f64 = rng.gen();
        let current = CURRENTS.iter().position(|cumulated| draw < *cumulated).unwrap_or(CURRENTS.len() - 1);
        let n_votes = rng.gen_range(8..=15);
        statement_ids.shuffle(&mut rng);
        for &statement_id in &statement_ids[..n_votes] {
            let vote = if rng.gen_bool(0.1) {
                0
            } else if rng.gen_bool(STATEMENTS[statement_id as usize].2[current]) {
                1
            } else {
                -1
            };
            let at_ms = start_ms + 60_000 * votes.len() as i64;
            votes.push(OpendataVote { at_ms, statement_id, participant_id, vote });
        }
    }
    votes
}

/// Opens the consultation for New York City on the migration track with its seeds, and adds the simulated
/// votes in one transaction.
///
/// # Errors
/// [`DemoError::Store`] when the store refuses (New York City not in the registry, say).
pub async fn load(store: &Store) -> Result<(), DemoError> {
    let new_york = store.party_for_city(crate::parties::LEAD_CITIES[0]).await?;
    let consultation = store
        .open_consultation(
            &NewConsultation {
                track_id: TRACK_ID.to_owned(),
                party_id: Some(new_york.party_id),
                title: TITLE.to_owned(),
                description: "Demonstration, invented: what should the Global Compact for Migration ask of cities? \
                              Vote on each statement, and add your own. The votes shown are those of 200 simulated \
                              participants, not of residents."
                    .to_owned(),
                language: "en".to_owned(),
                strict_moderation: true,
                seeds: STATEMENTS
                    .iter()
                    .map(|(text, language, _)| NewStatement { text: (*text).to_owned(), language: (*language).to_owned() })
                    .collect(),
            },
            DEMO_ACTOR,
        )
        .await?;
    store.add_votes(consultation.consultation_id, N_PARTICIPANTS, &simulated_votes(), DEMO_ACTOR).await?;
    Ok(())
}
