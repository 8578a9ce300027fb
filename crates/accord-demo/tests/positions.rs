//! The demonstration's positions, on both databases: blocs of parties that Pol.is's clustering separates, a
//! few paragraphs of objectives 15 and 16 bracketed, others agreed ad ref or left open, every statement
//! labelled as invented, and the record intact.

use accord_store::{test_on_both_databases, OpinionGroups, ParagraphStatus, PositionTarget, RevisionRef};

test_on_both_databases! {
    async fn the_demonstration_positions_make_blocs_brackets_and_agreed_paragraphs(store) {
        accord_demo::load(&store).await.unwrap();
        let latest = RevisionRef { draft_id: accord_demo::DRAFT_ID.into(), number: None };
        let states = store.paragraph_statuses(&latest).await.unwrap();
        let in_objectives: Vec<_> = states
            .iter()
            .filter(|state| state.eid.starts_with("sec_3__obj_15__") || state.eid.starts_with("sec_3__obj_16__"))
            .collect();
        let count = |status: ParagraphStatus| in_objectives.iter().filter(|state| state.status == status).count();
        assert!(count(ParagraphStatus::Bracketed) >= 1, "a few brackets");
        assert!(count(ParagraphStatus::AgreedAdRef) >= count(ParagraphStatus::Bracketed), "mostly agreed");
        assert!(count(ParagraphStatus::Open) >= 1, "some left open");
        // Outside objectives 15 and 16 no position was taken.
        assert!(states
            .iter()
            .filter(|state| !in_objectives.iter().any(|chosen| chosen.eid == state.eid))
            .all(|state| state.status == ParagraphStatus::Open));
        for state in in_objectives.iter().filter(|state| state.status == ParagraphStatus::Bracketed) {
            let target = PositionTarget::Paragraph { draft_id: accord_demo::DRAFT_ID.into(), eid: state.eid.clone() };
            for position in store.positions(&target).await.unwrap() {
                if !position.statement.is_empty() {
                    assert!(position.statement.starts_with("Invented for the demonstration"), "{}", position.statement);
                }
            }
        }

        let OpinionGroups::Groups(groups) = store.party_opinion_groups(accord_demo::TRACK_ID).await.unwrap() else {
            panic!("the demonstration has enough positions for opinion groups");
        };
        assert!(groups.groups.len() >= 2);
        assert!(groups.n_parties >= 60, "{} parties", groups.n_parties);
        assert!(groups.bridging.values().all(|score| score.is_finite() && *score > 0.0 && *score < 1.0));
        // The blocs: the first participant city (Atlanta) and Hungary, of the sovereignty group, are apart.
        let atlanta = accord_demo::parties::participant_cities(&store).await.unwrap().remove(0);
        let group_of = |party_id: &str| {
            groups.groups.iter().find(|group| group.members.iter().any(|member| member == party_id)).map(|group| group.id)
        };
        assert!(group_of(&atlanta).is_some() && group_of("hungary").is_some(), "{:?}", groups.groups);
        assert_ne!(group_of(&atlanta), group_of("hungary"), "{:?}", groups.groups);
        assert!(store.verify_events().await.unwrap().is_intact());
    }
}
