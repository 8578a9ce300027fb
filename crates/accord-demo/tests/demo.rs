//! The demonstration loads whole, on both databases.

use accord_store::{test_on_both_databases, Status};

test_on_both_databases! {
    async fn the_demonstration_seats_the_states_and_the_asking_cities(store) {
        accord_demo::load(&store).await.unwrap();
        accord_demo::load(&store).await.unwrap();
        let migration = store.accreditations(Some("migration"), None).await.unwrap();
        let refugees = store.accreditations(Some("refugees"), None).await.unwrap();
        assert_eq!(refugees.len(), 195, "193 member states and 2 observer states");
        assert_eq!(migration.len(), 195 + 136, "the states and 136 cities: the four that led and 132 others");
        let status = |track: &str, party: &str| {
            let list = if track == "migration" { &migration } else { &refugees };
            list.iter().find(|a| a.party_id == party).map(|a| a.status).unwrap()
        };
        assert_eq!(status("migration", "united-states"), Status::Withdrawn);
        assert_eq!(status("refugees", "united-states"), Status::Participant);
        assert_eq!(status("refugees", "holy-see"), Status::Observer);
        let cities: Vec<_> = migration.iter().filter(|a| store_kind_is_city(&a.party_id)).collect();
        for wanted in [Status::Pending, Status::Observer, Status::Participant, Status::Refused, Status::Appealed, Status::Withdrawn] {
            assert!(cities.iter().any(|a| a.status == wanted), "some city is {wanted}");
        }
        let new_york = store.party_for_city(5128581).await.unwrap();
        assert_eq!(new_york.name, "New York City");
        assert_eq!(status("migration", &new_york.party_id), Status::Observer);
        assert!(store.verify_events().await.unwrap().is_intact());
        let rounds = store.rounds("migration").await.unwrap();
        assert_eq!(rounds.len(), 3);
    }
}

fn store_kind_is_city(party_id: &str) -> bool {
    // City slugs end with their country code (`new-york-city-us`); state slugs are plain names.
    accord_demo::parties::asking_cities()
        .iter()
        .any(|city| party_id.ends_with(&format!("-{}", city.country_code.to_lowercase())))
        && !party_id.contains("united-states")
}
