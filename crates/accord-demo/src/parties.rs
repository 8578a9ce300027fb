//! The demonstration's parties and their accreditation: every UN member and observer state at the table of
//! both tracks; the United States withdrawn from the migration track and still in the refugee track; New York,
//! Chicago, Washington and Atlanta with 132 other cities asking for entry to the migration track, in every state
//! of the process; and the rounds of the migration track. The states and cities are real (the registry);
//! requests, statements, decisions and deadlines are invented, and their texts say so.

use crate::{DemoError, DEMO_ACTOR, REFUGEE_TRACK_ID, TRACK_ID};
use accord_store::{registry, Decision, Round, Standing, Store};

/// GeoNames ids of the four cities that led the cities' call in 2017–18: New York City, Chicago,
/// Washington (D.C.) and Atlanta.
pub const LEAD_CITIES: [i64; 4] = [5128581, 4887398, 4140963, 4180439];

/// How many other cities ask for entry.
pub const N_OTHER_CITIES: usize = 132;

/// Where a demonstration city's request ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Pending,
    Observer,
    Participant,
    Refused,
    Appealed,
    Withdrawn,
}

const OUTCOMES: [Outcome; 6] = [
    Outcome::Pending,
    Outcome::Observer,
    Outcome::Participant,
    Outcome::Refused,
    Outcome::Appealed,
    Outcome::Withdrawn,
];

/// The cities that ask: the four lead cities, then the most populous city of each country but the United
/// States, largest first, up to [`N_OTHER_CITIES`].
pub fn asking_cities() -> Vec<&'static registry::City> {
    let all = registry::cities();
    let mut chosen: Vec<&registry::City> =
        LEAD_CITIES.iter().filter_map(|id| all.iter().find(|city| city.geonames_id == *id)).collect();
    let mut by_population: Vec<&registry::City> =
        all.iter().filter(|city| city.country_code != "US").collect();
    by_population.sort_by(|a, b| b.population.cmp(&a.population).then(a.geonames_id.cmp(&b.geonames_id)));
    let mut countries = std::collections::HashSet::new();
    for city in by_population {
        if chosen.len() == LEAD_CITIES.len() + N_OTHER_CITIES {
            break;
        }
        if countries.insert(city.country_code.as_str()) {
            chosen.push(city);
        }
    }
    chosen
}

/// Loads the registry (states and the gazetteer of cities), the parties' accreditations and the migration
/// track's rounds.
///
/// # Errors
/// [`DemoError::Store`] when the store refuses.
pub async fn load(store: &Store) -> Result<(), DemoError> {
    store.load_compiled_registry().await?;
    for (number, (title, opens_on, deadline)) in [
        ("First round: the zero draft", "2018-02-20", "2018-03-09T23:59:59Z"),
        ("Second round: objectives 1 to 11", "2018-03-12", "2018-03-30T23:59:59Z"),
        ("Third round: objectives 12 to 23", "2018-04-03", "2018-04-27T23:59:59Z"),
    ]
    .into_iter()
    .enumerate()
    {
        let round = Round {
            track_id: TRACK_ID.to_owned(),
            number: number as i64 + 1,
            title: format!("{title} (demonstration dates)"),
            opens_on: opens_on.to_owned(),
            deadline: deadline.to_owned(),
        };
        store.add_round(&round, DEMO_ACTOR).await?;
    }

    let states = registry::member_states().iter().chain(registry::observer_states());
    for state in states {
        let party_id = accord_store::NewParty::state(&state.iso3166_alpha2)
            .map_err(|error| DemoError::Edit(error.to_string()))?
            .party_id()
            .to_owned();
        for track_id in [TRACK_ID, REFUGEE_TRACK_ID] {
            let standing = if registry::state_by_code(&state.iso3166_alpha2).is_some_and(|(_, member)| member)
            {
                Standing::Participant
            } else {
                Standing::Observer
            };
            store
                .request_accreditation(
                    track_id,
                    &party_id,
                    standing,
                    "Demonstration: an invented request.",
                    DEMO_ACTOR,
                )
                .await?;
            store.decide_accreditation(track_id, &party_id, &Decision::Grant, DEMO_ACTOR).await?;
        }
    }
    store
        .withdraw_accreditation(
            TRACK_ID,
            "united-states",
            "Demonstration of a withdrawal: the United States withdrew from the negotiation of the migration \
             compact on 2 December 2017, and stayed in the refugee compact's.",
            DEMO_ACTOR,
        )
        .await?;

    for (index, city) in asking_cities().into_iter().enumerate() {
        let party = store.party_for_city(city.geonames_id).await?;
        let outcome = match index {
            0 => Outcome::Observer,    // New York City
            1 => Outcome::Appealed,    // Chicago
            2 => Outcome::Pending,     // Washington
            3 => Outcome::Participant, // Atlanta
            _ => OUTCOMES[index % OUTCOMES.len()],
        };
        let statement = format!(
            "Demonstration: an invented request. {} houses, treats and schools migrants and asks to bring that \
             experience to the text.",
            city.name
        );
        store
            .request_accreditation(TRACK_ID, &party.party_id, Standing::Participant, &statement, DEMO_ACTOR)
            .await?;
        let refuse = Decision::Refuse {
            reason: "Demonstration: an invented refusal (only member states may take positions).".to_owned(),
        };
        match outcome {
            Outcome::Pending => {}
            Outcome::Observer => {
                store
                    .decide_accreditation(TRACK_ID, &party.party_id, &Decision::GrantAsObserver, DEMO_ACTOR)
                    .await?;
            }
            Outcome::Participant => {
                store.decide_accreditation(TRACK_ID, &party.party_id, &Decision::Grant, DEMO_ACTOR).await?;
            }
            Outcome::Refused => {
                store.decide_accreditation(TRACK_ID, &party.party_id, &refuse, DEMO_ACTOR).await?;
            }
            Outcome::Appealed => {
                store.decide_accreditation(TRACK_ID, &party.party_id, &refuse, DEMO_ACTOR).await?;
                store
                    .appeal_accreditation(
                        TRACK_ID,
                        &party.party_id,
                        "Demonstration: an invented appeal. Cities carry out what the compact commits to.",
                        DEMO_ACTOR,
                    )
                    .await?;
            }
            Outcome::Withdrawn => {
                store
                    .decide_accreditation(TRACK_ID, &party.party_id, &Decision::GrantAsObserver, DEMO_ACTOR)
                    .await?;
                store
                    .withdraw_accreditation(
                        TRACK_ID,
                        &party.party_id,
                        "Demonstration: an invented withdrawal.",
                        DEMO_ACTOR,
                    )
                    .await?;
            }
        }
    }
    Ok(())
}

/// The party ids of the cities accredited to the migration track as participants, in the order they asked
/// (Atlanta first): the cities that table amendments in the demonstration.
///
/// # Errors
/// [`DemoError::Store`] when the store fails.
pub async fn participant_cities(store: &Store) -> Result<Vec<String>, DemoError> {
    let mut found = Vec::new();
    for city in asking_cities() {
        let party = store.party_for_city(city.geonames_id).await?;
        if store.accreditation(TRACK_ID, &party.party_id).await?.status == accord_store::Status::Participant {
            found.push(party.party_id);
        }
    }
    Ok(found)
}
