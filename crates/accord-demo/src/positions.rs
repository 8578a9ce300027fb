//! The demonstration's positions: invented positions of sixty member states and of the cities accredited to
//! the migration track, on the tabled amendments of the first round and on the paragraphs of objectives 15
//! and 16 of the latest revision. Every statement says it is invented.
//!
//! They are shaped so that blocs appear on the consensus dashboard's opinion map: the cities and a group of
//! *local-partner* states support the amendments that cities sponsor or co-sponsor (most name local
//! authorities beside national ones) and can live with the others; a *sovereignty* group objects to the
//! cities' amendments and supports those of states; a *middle* group supports the states' amendments and
//! can live with, or reserves on, the cities'. On the paragraphs, a few objections by sovereignty states
//! bracket the actions that speak of the local level, most other paragraphs are agreed ad ref, and some are
//! left open. The choices are drawn from a seeded generator, so every load gives the same positions.

use crate::parties::participant_cities;
use crate::{DemoError, DEMO_ACTOR, DRAFT_ID};
use accord_store::{
    AmendmentQuery, AmendmentStatus, NewParty, NewPosition, PositionTarget, RevisionRef, Stance, Store,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::BTreeSet;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// The generator's seed.
const SEED: u64 = 2018_0306;

/// States that work with their cities: they support the cities' amendments (ISO 3166-1 alpha-2).
const LOCAL_PARTNERS: [&str; 20] = [
    "DE", "NL", "BE", "SE", "NO", "FI", "DK", "PT", "ES", "IT", "CA", "MX", "BR", "AR", "CO", "CL", "EC",
    "UY", "GH", "PH",
];
/// States that keep migration a national matter: they object to the cities' amendments.
const SOVEREIGNTY: [&str; 22] = [
    "HU", "PL", "CZ", "SK", "AT", "IL", "AU", "DO", "LV", "BG", "RU", "CN", "EG", "SA", "IR", "PK", "IN",
    "JP", "SG", "DZ", "LY", "BY",
];
/// States in between.
const MIDDLE: [&str; 18] = [
    "FR", "GB", "IE", "CH", "GR", "TR", "MA", "NG", "KE", "ET", "ZA", "SN", "ID", "TH", "VN", "BD", "KR",
    "NZ",
];

/// When the positions on amendments were taken: after the last amendment was tabled (4 March 2018) and before
/// Rev.1 (12 March 2018), a minute apart.
const ON_AMENDMENTS_FROM: OffsetDateTime = datetime!(2018-03-06 09:00 UTC);

/// When the positions on paragraphs were taken, on Rev.1.
const ON_PARAGRAPHS_FROM: OffsetDateTime = datetime!(2018-04-03 09:00 UTC);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bloc {
    City,
    LocalPartner,
    Sovereignty,
    Middle,
}

fn state_id(code: &str) -> Result<String, DemoError> {
    Ok(NewParty::state(code).map_err(|error| DemoError::Edit(error.to_string()))?.party_id().to_owned())
}

fn invented(why: &str) -> String {
    format!("Invented for the demonstration: {why}")
}

/// The parties that take positions, with their bloc.
async fn parties(store: &Store) -> Result<Vec<(String, Bloc)>, DemoError> {
    let mut parties: Vec<(String, Bloc)> =
        participant_cities(store).await?.into_iter().map(|party_id| (party_id, Bloc::City)).collect();
    for (codes, bloc) in [
        (&LOCAL_PARTNERS[..], Bloc::LocalPartner),
        (&SOVEREIGNTY[..], Bloc::Sovereignty),
        (&MIDDLE[..], Bloc::Middle),
    ] {
        for code in codes {
            parties.push((state_id(code)?, bloc));
        }
    }
    Ok(parties)
}

/// A stance of `bloc` on an amendment that cities sponsor or co-sponsor (`of_cities`), or on a states' one.
fn stance_on_amendment(bloc: Bloc, of_cities: bool, rng: &mut impl Rng) -> Stance {
    let roll: f64 = rng.gen();
    match (bloc, of_cities) {
        (Bloc::City | Bloc::LocalPartner, true) => {
            if roll < 0.9 {
                Stance::Support
            } else {
                Stance::CanLiveWith
            }
        }
        (Bloc::City | Bloc::LocalPartner, false) => {
            if roll < 0.3 {
                Stance::Support
            } else if roll < 0.85 {
                Stance::CanLiveWith
            } else {
                Stance::Reservation
            }
        }
        (Bloc::Sovereignty, true) => {
            if roll < 0.85 {
                Stance::Objection
            } else {
                Stance::Reservation
            }
        }
        (Bloc::Sovereignty, false) | (Bloc::Middle, false) => {
            if roll < 0.8 {
                Stance::Support
            } else {
                Stance::CanLiveWith
            }
        }
        (Bloc::Middle, true) => {
            if roll < 0.25 {
                Stance::Support
            } else if roll < 0.7 {
                Stance::CanLiveWith
            } else if roll < 0.9 {
                Stance::Reservation
            } else {
                Stance::Objection
            }
        }
    }
}

fn statement(stance: Stance, of_cities: bool) -> String {
    match (stance, of_cities) {
        (Stance::Support, true) => invented("local authorities deliver these services and should be named."),
        (Stance::Objection, true) => invented("migration policy is a national competence."),
        (Stance::Reservation, _) => invented("we reserve our position pending consultations in capital."),
        (Stance::Support, false) => invented("the amendment improves the text."),
        _ => String::new(),
    }
}

/// Records the demonstration's positions, in one batch (one transaction). Call after [`crate::amendments::load`].
///
/// # Errors
/// [`DemoError::Store`] when the store refuses one (a demonstration that no longer fits the data).
pub async fn load(store: &Store) -> Result<(), DemoError> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEED);
    let parties = parties(store).await?;
    let cities: BTreeSet<&str> = parties
        .iter()
        .filter(|(_, bloc)| *bloc == Bloc::City)
        .map(|(party_id, _)| party_id.as_str())
        .collect();
    let mut batch = Vec::new();

    // On the first round's amendments that were tabled until Rev.1 (not the drafts, not the withdrawn).
    let amendments = store
        .amendments(&AmendmentQuery {
            draft_id: Some(DRAFT_ID.to_owned()),
            revision: Some(0),
            round: Some(1),
            statuses: vec![
                AmendmentStatus::Merged,
                AmendmentStatus::MergedInPart,
                AmendmentStatus::NotRetained,
            ],
            party_id: None,
        })
        .await?;
    let mut at = ON_AMENDMENTS_FROM;
    for amendment in &amendments {
        let of_cities = amendment.parties().any(|party| cities.contains(party));
        for (party_id, bloc) in &parties {
            // Not every party speaks to every amendment.
            if rng.gen_bool(0.2) {
                continue;
            }
            let stance = stance_on_amendment(*bloc, of_cities, &mut rng);
            let new = NewPosition {
                target: PositionTarget::Amendment(amendment.amendment_id),
                party_id: party_id.clone(),
                stance,
                statement: statement(stance, of_cities),
            };
            batch.push((new, at));
            at += Duration::minutes(1);
        }
    }

    // On the paragraphs of objectives 15 and 16 of the latest revision.
    let latest = RevisionRef { draft_id: DRAFT_ID.to_owned(), number: None };
    let paragraphs: Vec<_> = store
        .paragraphs(&latest)
        .await?
        .into_iter()
        .filter(|paragraph| {
            !paragraph.text.trim().is_empty()
                && (paragraph.eid.starts_with("sec_3__obj_15__")
                    || paragraph.eid.starts_with("sec_3__obj_16__"))
        })
        .collect();
    let sovereignty: Vec<&String> =
        parties.iter().filter(|(_, bloc)| *bloc == Bloc::Sovereignty).map(|(party_id, _)| party_id).collect();
    let others: Vec<&String> =
        parties.iter().filter(|(_, bloc)| *bloc != Bloc::Sovereignty).map(|(party_id, _)| party_id).collect();
    let mut at = ON_PARAGRAPHS_FROM;
    for (index, paragraph) in paragraphs.iter().enumerate() {
        if index % 4 == 3 {
            continue; // left open
        }
        let speakers: Vec<&&String> = others.choose_multiple(&mut rng, 12).collect();
        for party_id in speakers {
            let stance = if rng.gen_bool(0.7) { Stance::Support } else { Stance::CanLiveWith };
            let new = NewPosition {
                target: PositionTarget::Paragraph {
                    draft_id: DRAFT_ID.to_owned(),
                    eid: paragraph.eid.clone(),
                },
                party_id: (*party_id).clone(),
                stance,
                statement: String::new(),
            };
            batch.push((new, at));
            at += Duration::minutes(1);
        }
        // Actions that give the local level a role: one or two sovereignty states hold brackets on some.
        let speaks_of_local = paragraph.text.contains("local");
        let (n_objecting, n_living_with) =
            if speaks_of_local && rng.gen_bool(0.6) { (rng.gen_range(1..=2), 2) } else { (0, 4) };
        for (position, party_id) in
            sovereignty.choose_multiple(&mut rng, n_objecting + n_living_with).enumerate()
        {
            let stance = if position < n_objecting { Stance::Objection } else { Stance::CanLiveWith };
            let statement = if stance == Stance::Objection {
                invented("the local level is for each state to organize; we ask for this text in brackets.")
            } else {
                String::new()
            };
            let new = NewPosition {
                target: PositionTarget::Paragraph {
                    draft_id: DRAFT_ID.to_owned(),
                    eid: paragraph.eid.clone(),
                },
                party_id: (*party_id).clone(),
                stance,
                statement,
            };
            batch.push((new, at));
            at += Duration::minutes(1);
        }
    }
    store.take_positions(&batch, DEMO_ACTOR).await?;
    Ok(())
}
