//! Positions in the store, each test on SQLite and on PostgreSQL: positions on amendments taken, changed and
//! withdrawn with their history and events; observers and untabled amendments refused; a paragraph's status
//! from open to bracketed (its holder named), agreed ad ref and adopted, and open again when a later revision
//! changes its text; the opinion groups of parties and each amendment's bridging score, checked against the
//! Pol.is formula written out here. Expected values are worked out by hand from the positions set up.

use accord_store::{
    test_on_both_databases, Decision, Draft, NewAmendment, NewParty, NewPosition, NewProcess, NewRevision,
    OpinionGroups, ParagraphStatus, PositionError, PositionTarget, Process, RevisionRef, Round, Stance,
    Standing, Store, StoreError, Track,
};
use accord_text::amendment::{Proposal, Words};
use accord_text::edit::Edit;
use accord_text::EId;
use std::collections::BTreeMap;
use time::macros::datetime;
use time::OffsetDateTime;

const POINT_A: &str = "sec_3__obj_15__para_1__point_a";
const POINT_C: &str = "sec_3__obj_15__para_1__point_c";
const TABLED: OffsetDateTime = datetime!(2018-03-05 12:00 UTC);
const DURING: OffsetDateTime = datetime!(2018-03-10 12:00 UTC);

/// The participants of the tests, by ISO code; the first three are the amendment tests' parties.
const PARTICIPANTS: [&str; 12] = ["US", "BR", "MX", "DE", "IT", "ES", "AR", "CL", "CO", "PE", "EC", "UY"];

/// A process with the real GCM as revision 0, a round open from 2018-03-01 to 2018-03-20, the twelve states of
/// [`PARTICIPANTS`] accredited as participants and France as observer.
async fn negotiation(store: &Store) -> Vec<String> {
    store
        .create_process(&NewProcess {
            process: Process {
                process_id: "compacts".into(),
                title: "Global compacts".into(),
                description: String::new(),
                is_demo: false,
            },
            tracks: vec![(
                Track {
                    track_id: "migration".into(),
                    process_id: "compacts".into(),
                    title: "Migration".into(),
                },
                vec![Draft { draft_id: "gcm".into(), track_id: "migration".into(), title: "GCM".into() }],
            )],
        })
        .await
        .unwrap();
    let base = accord_demo::base_revision().unwrap();
    store
        .add_revision("gcm", &NewRevision { document: base, is_demo: false, note: "real".into() })
        .await
        .unwrap();
    let round = Round {
        track_id: "migration".into(),
        number: 1,
        title: "First reading".into(),
        opens_on: "2018-03-01".into(),
        deadline: "2018-03-20T18:00:00Z".into(),
    };
    store.add_round(&round, "secretariat").await.unwrap();
    let mut party_ids = Vec::new();
    for code in PARTICIPANTS {
        let party = store.create_party(&NewParty::state(code).unwrap()).await.unwrap();
        store
            .request_accreditation("migration", &party.party_id, Standing::Participant, "We ask.", "delegate")
            .await
            .unwrap();
        store
            .decide_accreditation("migration", &party.party_id, &Decision::Grant, "secretariat")
            .await
            .unwrap();
        party_ids.push(party.party_id);
    }
    let france = store.create_party(&NewParty::state("FR").unwrap()).await.unwrap();
    store
        .request_accreditation("migration", &france.party_id, Standing::Observer, "We ask.", "delegate")
        .await
        .unwrap();
    store
        .decide_accreditation("migration", &france.party_id, &Decision::GrantAsObserver, "secretariat")
        .await
        .unwrap();
    party_ids
}

/// Tables an amendment to objective 15 (c) of the zero draft by the United States at [`TABLED`], replacing
/// `words`.
async fn table(store: &Store, words: &str, by: &str) -> i64 {
    let proposal =
        Proposal::ReplaceWords { eid: EId::parse(POINT_C).unwrap(), words: Words::new(words), by: by.into() };
    let new = NewAmendment {
        draft_id: "gcm".into(),
        revision: 0,
        round: 1,
        sponsor: "united-states".into(),
        co_sponsors: vec![],
        proposal,
        justification: "A test.".into(),
        table: true,
    };
    store.create_amendment(&new, "delegate", TABLED).await.unwrap().amendment_id
}

fn on_amendment(amendment_id: i64, party_id: &str, stance: Stance) -> NewPosition {
    NewPosition {
        target: PositionTarget::Amendment(amendment_id),
        party_id: party_id.into(),
        stance,
        statement: String::new(),
    }
}

fn paragraph(eid: &str) -> PositionTarget {
    PositionTarget::Paragraph { draft_id: "gcm".into(), eid: eid.into() }
}

fn on_paragraph(eid: &str, party_id: &str, stance: Stance) -> NewPosition {
    NewPosition { target: paragraph(eid), party_id: party_id.into(), stance, statement: String::new() }
}

async fn position_events(store: &Store) -> Vec<String> {
    let events = store.events(0, 100_000).await.unwrap();
    events
        .into_iter()
        .map(|event| event.action)
        .filter(|action| action.starts_with("position.") || action.starts_with("paragraphs."))
        .collect()
}

fn position_error(error: StoreError) -> PositionError {
    match error {
        StoreError::Position(error) => *error,
        other => panic!("expected a position error, got {other:?}"),
    }
}

fn gcm(number: i64) -> RevisionRef {
    RevisionRef { draft_id: "gcm".into(), number: Some(number) }
}

test_on_both_databases! {
    async fn a_position_on_an_amendment_is_taken_changed_and_withdrawn_with_its_history_on_the_record(store) {
        negotiation(&store).await;
        let amendment_id = table(&store, "at local level", "at national and local level").await;
        let mut support = on_amendment(amendment_id, "brazil", Stance::Support);
        support.statement = "  Cities deliver these services.  ".into();
        let taken = store.take_position(&support, "user 2 (Brazil)", DURING).await.unwrap();
        assert_eq!(taken.stance, Stance::Support);
        assert_eq!(taken.statement, "Cities deliver these services.");
        assert_eq!(taken.party_name, "Brazil");
        assert_eq!(taken.at, "2018-03-10T12:00:00Z");

        let objection = on_amendment(amendment_id, "brazil", Stance::Objection);
        store.take_position(&objection, "user 2 (Brazil)", DURING + time::Duration::hours(1)).await.unwrap();
        let target = PositionTarget::Amendment(amendment_id);
        let current = store.positions(&target).await.unwrap();
        assert_eq!(current.len(), 1);
        assert_eq!(current[0].stance, Stance::Objection);

        store.withdraw_position(&target, "brazil", "user 2 (Brazil)", DURING + time::Duration::hours(2)).await.unwrap();
        assert!(store.positions(&target).await.unwrap().is_empty());
        let history = store.position_history(&target).await.unwrap();
        let stances: Vec<Option<Stance>> = history.iter().map(|change| change.stance).collect();
        assert_eq!(stances, [Some(Stance::Support), Some(Stance::Objection), None]);
        assert_eq!(history[0].statement, "Cities deliver these services.");
        assert_eq!(position_events(&store).await, ["position.taken", "position.changed", "position.withdrawn"]);
        assert!(store.verify_events().await.unwrap().is_intact());

        let again = store.withdraw_position(&target, "brazil", "user 2 (Brazil)", DURING).await.unwrap_err();
        assert!(matches!(position_error(again), PositionError::NoPosition { .. }));
    }

    async fn observers_and_amendments_that_were_not_tabled_take_no_position_and_nothing_changes(store) {
        negotiation(&store).await;
        let amendment_id = table(&store, "at local level", "at national and local level").await;
        let before = store.event_count().await.unwrap();

        let by_observer = on_amendment(amendment_id, "france", Stance::Support);
        let refused = position_error(store.take_position(&by_observer, "user 9", DURING).await.unwrap_err());
        match refused {
            PositionError::NotParticipant { party_id, standing, .. } => {
                assert_eq!(party_id, "france");
                assert_eq!(standing, "observer");
            }
            other => panic!("expected NotParticipant, got {other:?}"),
        }
        let on_paragraph_by_observer = on_paragraph(POINT_C, "france", Stance::Objection);
        assert!(store.take_position(&on_paragraph_by_observer, "user 9", DURING).await.is_err());

        // Before it was tabled (5 March, noon) the amendment takes no position.
        let early = on_amendment(amendment_id, "brazil", Stance::Support);
        let refused = position_error(store.take_position(&early, "user 2", TABLED - time::Duration::hours(1)).await.unwrap_err());
        assert!(matches!(refused, PositionError::AmendmentNotTabled { .. }), "{refused:?}");

        // After its withdrawal neither; before the withdrawal's instant, yes (a record of the past).
        let withdrawn_at = DURING + time::Duration::days(1);
        store.withdraw_amendment(amendment_id, "Replaced.", "delegate", withdrawn_at).await.unwrap();
        let late = on_amendment(amendment_id, "brazil", Stance::Support);
        let refused = position_error(store.take_position(&late, "user 2", withdrawn_at + time::Duration::hours(1)).await.unwrap_err());
        assert!(matches!(refused, PositionError::AmendmentNotTabled { .. }), "{refused:?}");

        // A batch with one bad position stores none of them.
        let batch = vec![
            (on_amendment(amendment_id, "brazil", Stance::Support), DURING),
            (on_amendment(amendment_id, "france", Stance::Support), DURING),
        ];
        assert!(store.take_positions(&batch, "demo").await.is_err());
        assert!(store.positions(&PositionTarget::Amendment(amendment_id)).await.unwrap().is_empty());
        assert_eq!(store.event_count().await.unwrap(), before + 1, "only the amendment's withdrawal was recorded");

        // A section heading has no text of its own, and an unknown eId is not found.
        let no_text = on_paragraph("sec_3__obj_15", "brazil", Stance::Support);
        assert!(matches!(position_error(store.take_position(&no_text, "user 2", DURING).await.unwrap_err()), PositionError::NoText { .. }));
        let unknown = on_paragraph("sec_3__obj_99", "brazil", Stance::Support);
        assert!(matches!(store.take_position(&unknown, "user 2", DURING).await.unwrap_err(), StoreError::NotFound { .. }));
    }

    async fn a_paragraph_goes_from_open_to_bracketed_to_agreed_ad_ref_to_adopted(store) {
        negotiation(&store).await;
        let status = |states: &[accord_store::ParagraphState], eid: &str| {
            states.iter().find(|state| state.eid == eid).cloned().expect("the paragraph has a status")
        };
        let states = store.paragraph_statuses(&gcm(0)).await.unwrap();
        assert!(states.iter().all(|state| state.status == ParagraphStatus::Open));
        let point_c = status(&states, POINT_C);
        assert_eq!(point_c.objective.as_ref().map(|(eid, _)| eid.as_str()), Some("sec_3__obj_15"));
        assert_eq!(
            point_c.objective.as_ref().map(|(_, title)| title.as_str()),
            Some("Objective 15: Provide access to basic services for migrants")
        );

        store.take_position(&on_paragraph(POINT_C, "mexico", Stance::Objection), "user 3", DURING).await.unwrap();
        store.take_position(&on_paragraph(POINT_C, "brazil", Stance::Support), "user 2", DURING).await.unwrap();
        let point_c = store.paragraph_status(&gcm(0), POINT_C).await.unwrap();
        assert_eq!(point_c.status, ParagraphStatus::Bracketed);
        assert_eq!(point_c.holders, [("mexico".to_owned(), "Mexico".to_owned())]);
        assert_eq!((point_c.counts.support, point_c.counts.objection), (1, 1));

        // A bracketed paragraph cannot be adopted; the refusal names the holder.
        let refused = store.adopt_paragraphs(&gcm(0), &[POINT_C.to_owned()], "co-facilitator", DURING).await.unwrap_err();
        let refused = position_error(refused);
        assert!(refused.to_string().contains("Mexico"), "{refused}");

        // Mexico lives with it: no objection stands.
        store.take_position(&on_paragraph(POINT_C, "mexico", Stance::CanLiveWith), "user 3", DURING).await.unwrap();
        let point_c = store.paragraph_status(&gcm(0), POINT_C).await.unwrap();
        assert_eq!(point_c.status, ParagraphStatus::AgreedAdRef);
        assert!(point_c.holders.is_empty());

        store.take_position(&on_paragraph(POINT_A, "brazil", Stance::Support), "user 2", DURING).await.unwrap();
        let adopted = store
            .adopt_paragraphs(&gcm(0), &[POINT_C.to_owned(), POINT_A.to_owned()], "co-facilitator", DURING)
            .await
            .unwrap();
        assert_eq!(adopted, [POINT_C, POINT_A]);
        let point_c = store.paragraph_status(&gcm(0), POINT_C).await.unwrap();
        assert_eq!((point_c.status, point_c.adopted_in), (ParagraphStatus::Adopted, Some(0)));
        let again = store.adopt_paragraphs(&gcm(0), &[POINT_C.to_owned()], "co-facilitator", DURING).await.unwrap_err();
        assert!(matches!(position_error(again), PositionError::AlreadyAdopted { number: 0, .. }));
        assert_eq!(
            position_events(&store).await,
            ["position.taken", "position.taken", "position.changed", "position.taken", "paragraphs.adopted"]
        );
    }

    async fn a_new_revision_keeps_positions_and_an_adoption_lapses_when_the_text_changes(store) {
        negotiation(&store).await;
        store.take_position(&on_paragraph(POINT_A, "brazil", Stance::Support), "user 2", DURING).await.unwrap();
        store.take_position(&on_paragraph(POINT_C, "brazil", Stance::Support), "user 2", DURING).await.unwrap();
        let point_d = "sec_3__obj_15__para_1__point_d";
        store.take_position(&on_paragraph(point_d, "mexico", Stance::Objection), "user 3", DURING).await.unwrap();
        store.adopt_paragraphs(&gcm(0), &[POINT_A.to_owned(), POINT_C.to_owned()], "co-facilitator", DURING).await.unwrap();

        // Rev.1 changes the text of (c) only.
        let base = store.revision(&gcm(0)).await.unwrap().document;
        let edit = Edit::SetText { eid: EId::parse(POINT_C).unwrap(), text: "Establish service points at local level.".into() };
        let next = accord_text::edit::apply(&base, &[edit]).unwrap();
        let mut meta = next.meta().clone();
        meta.version = "Rev.1".into();
        store.add_revision("gcm", &NewRevision { document: next.with_meta(meta), is_demo: false, note: String::new() }).await.unwrap();

        let states = store.paragraph_statuses(&gcm(1)).await.unwrap();
        let of = |eid: &str| states.iter().find(|state| state.eid == eid).cloned().unwrap();
        assert_eq!((of(POINT_A).status, of(POINT_A).adopted_in), (ParagraphStatus::Adopted, Some(0)));
        assert_eq!(of(POINT_C).status, ParagraphStatus::Open, "the adoption lapsed and Rev.0 positions no longer count");
        assert_eq!(of(POINT_C).lapsed_adoption, Some(0));
        assert_eq!(of(point_d).status, ParagraphStatus::Bracketed, "positions hold across revisions");
        let positions = store.positions(&paragraph(point_d)).await.unwrap();
        assert_eq!(positions[0].revision, Some(0), "taken on Rev.0");

        // A position taken on Rev.1 counts on the changed text; Rev.0's statuses stay as they were.
        store.take_position(&on_paragraph(POINT_C, "mexico", Stance::Reservation), "user 3", DURING).await.unwrap();
        assert_eq!(store.paragraph_status(&gcm(1), POINT_C).await.unwrap().status, ParagraphStatus::AgreedAdRef);
        assert_eq!(store.paragraph_status(&gcm(0), POINT_C).await.unwrap().status, ParagraphStatus::Adopted);

        // Withdrawing on Rev.1 leaves Rev.0's view alone.
        store.withdraw_position(&paragraph(point_d), "mexico", "user 3", DURING).await.unwrap();
        assert_eq!(store.paragraph_status(&gcm(1), point_d).await.unwrap().status, ParagraphStatus::Open);
        assert_eq!(store.paragraph_status(&gcm(0), point_d).await.unwrap().status, ParagraphStatus::Bracketed);

        // Positions and adoptions go to the latest revision only.
        let refused = store.adopt_paragraphs(&gcm(0), &[], "co-facilitator", DURING).await.unwrap_err();
        assert!(matches!(position_error(refused), PositionError::NotLatestRevision { .. }));
    }

    async fn two_blocs_of_parties_make_two_opinion_groups_and_bridging_follows_the_polis_formula(store) {
        let parties = negotiation(&store).await;
        let mut amendments = Vec::new();
        for (words, by) in [
            ("at local level", "at national and local level"),
            ("holistic", "comprehensive"),
            ("easily accessible", "accessible"),
            ("safe access thereto", "safe and free access thereto"),
            ("service points", "one-stop service points"),
        ] {
            amendments.push(table(&store, words, by).await);
        }
        // Too few parties so far: a clear state, no numbers.
        store.take_position(&on_amendment(amendments[0], &parties[0], Stance::Support), "u", DURING).await.unwrap();
        match store.party_opinion_groups("migration").await.unwrap() {
            OpinionGroups::NotEnough { n_parties, n_amendments, reason } => {
                assert_eq!((n_parties, n_amendments), (1, 1));
                assert!(reason.contains("at least"), "{reason}");
            }
            other => panic!("expected not enough positions, got {other:?}"),
        }

        // Bloc one (the first six) supports amendments 0 and 1 and objects to 2 and 3; bloc two the other way.
        // Amendment 4 bridges: both blocs support it. (A pass or two on it may lead Pol.is's k-means, started
        // from its first base clusters, to split off the parties that passed: faithful, but not this test.)
        let mut batch = Vec::new();
        for (index, party_id) in parties.iter().enumerate() {
            let first_bloc = index < 6;
            for (column, amendment_id) in amendments.iter().enumerate() {
                let stance = match (column, first_bloc) {
                    (4, _) => Stance::Support,
                    (0 | 1, true) | (2 | 3, false) => Stance::Support,
                    _ => Stance::Objection,
                };
                batch.push((on_amendment(*amendment_id, party_id, stance), DURING));
            }
        }
        assert_eq!(store.take_positions(&batch, "demo").await.unwrap(), 60);

        let OpinionGroups::Groups(groups) = store.party_opinion_groups("migration").await.unwrap() else {
            panic!("twelve parties on five amendments make groups");
        };
        assert_eq!((groups.n_parties, groups.n_amendments), (12, 5));
        let mut blocs: Vec<Vec<String>> = groups.groups.iter().map(|group| group.members.clone()).collect();
        blocs.iter_mut().for_each(|members| members.sort());
        blocs.sort();
        let mut first: Vec<String> = parties[..6].to_vec();
        let mut second: Vec<String> = parties[6..].to_vec();
        first.sort();
        second.sort();
        let mut expected = vec![first, second];
        expected.sort();
        assert_eq!(blocs, expected);
        assert_eq!(groups.points.len(), 12);

        // Group-informed consensus, from the Pol.is formula: the product over groups of
        // (1 + agrees in the group) / (2 + positions in the group).
        let stance_of: BTreeMap<(String, i64), Stance> =
            batch.iter().map(|(new, _)| ((new.party_id.clone(), match new.target { PositionTarget::Amendment(id) => id, _ => unreachable!() }), new.stance)).collect();
        for amendment_id in &amendments {
            let expected: f64 = groups
                .groups
                .iter()
                .map(|group| {
                    let agrees = group.members.iter().filter(|party| stance_of[&((*party).clone(), *amendment_id)] == Stance::Support).count();
                    (1.0 + agrees as f64) / (2.0 + group.members.len() as f64)
                })
                .product();
            let score = groups.bridging[amendment_id];
            assert!((score - expected).abs() < 1e-12, "A/{amendment_id}: {score} against {expected}");
        }
        // By hand: amendment 4 has 6 of 6 supports in each group, (7/8)²; amendment 0 has 6 of 6 and 0 of 6.
        assert!((groups.bridging[&amendments[4]] - 0.765625).abs() < 1e-12);
        assert!((groups.bridging[&amendments[0]] - (7.0 / 8.0) * (1.0 / 8.0)).abs() < 1e-12);

        let support = store.amendment_support("migration").await.unwrap();
        let bridging = support.iter().find(|row| row.amendment_id == amendments[4]).unwrap();
        assert_eq!((bridging.counts.support, bridging.counts.can_live_with, bridging.counts.objection), (12, 0, 0));
    }
}
