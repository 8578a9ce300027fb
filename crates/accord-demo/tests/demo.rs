//! The demonstration loads whole, on both databases.

use accord_store::{test_on_both_databases, AmendmentQuery, AmendmentStatus, Status};
use accord_text::EId;

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
        assert_eq!(rounds.len(), 4, "three rounds of 2018 and one open for visitors");
    }

    async fn the_first_round_has_sixty_amendments_and_rev1_is_made_from_its_picks(store) {
        accord_demo::load(&store).await.unwrap();
        let all = store.amendments(&AmendmentQuery::default()).await.unwrap();
        assert_eq!(all.len(), 60);
        let count = |status: AmendmentStatus| all.iter().filter(|a| a.status == status).count();
        // The list in crates/accord-demo/src/amendments.rs: 11 picked whole (A/1, A/2, A/5, A/6, A/7 and eight
        // `national and local`), one bridged (A/26), two drafts, one withdrawn, the rest tabled and not retained.
        assert_eq!(count(AmendmentStatus::Merged), 13);
        assert_eq!(count(AmendmentStatus::MergedInPart), 1);
        assert_eq!(count(AmendmentStatus::Draft), 2);
        assert_eq!(count(AmendmentStatus::Withdrawn), 1);
        assert_eq!(count(AmendmentStatus::NotRetained), 60 - 13 - 1 - 2 - 1);
        let cities = accord_demo::parties::participant_cities(&store).await.unwrap();
        let by_cities = all.iter().filter(|a| cities.contains(&a.sponsor)).count();
        assert!(by_cities > 30, "most are by cities: {by_cities}");
        let revised = all.iter().find(|a| a.version == 2).expect("one amendment was revised");
        assert_eq!(store.amendment_versions(revised.amendment_id).await.unwrap().len(), 2);
        let stored = store.revision(&"gcm/1".parse().unwrap()).await.unwrap();
        let base = accord_demo::base_revision().unwrap();
        let pure = accord_demo::demonstration_revision(&base).unwrap();
        assert_eq!(accord_text::akn::to_xml(&stored.document), accord_text::akn::to_xml(&pure));
        let provenance = store.revision_provenance("gcm", 1).await.unwrap();
        let point_c = EId::parse("sec_3__obj_15__para_1__point_c").unwrap();
        assert_eq!(provenance.amendments_for_eid(&point_c), [2, 26]);
        let added = EId::parse("sec_3__obj_15__para_1__point_cbis").unwrap();
        assert_eq!(provenance.amendments_for_eid(&added), [6]);
        assert!(store.verify_events().await.unwrap().is_intact());
    }
}

fn store_kind_is_city(party_id: &str) -> bool {
    // City slugs end with their country code (`new-york-city-us`); state slugs are plain names.
    accord_demo::parties::asking_cities()
        .iter()
        .any(|city| party_id.ends_with(&format!("-{}", city.country_code.to_lowercase())))
        && !party_id.contains("united-states")
}
