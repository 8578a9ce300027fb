//! Accreditation of parties to tracks, each test on SQLite and on PostgreSQL.

use accord_store::{
    test_on_both_databases, AccreditationError, Decision, Draft, NewParty, NewProcess, Process, Standing,
    Status, Store, StoreError, Track,
};

async fn two_tracks(store: &Store) {
    store
        .create_process(&NewProcess {
            process: Process {
                process_id: "compacts".into(),
                title: "Global compacts 2018".into(),
                description: String::new(),
                is_demo: false,
            },
            tracks: vec![
                (
                    Track {
                        track_id: "migration".into(),
                        process_id: "compacts".into(),
                        title: "Migration".into(),
                    },
                    vec![Draft { draft_id: "gcm".into(), track_id: "migration".into(), title: "GCM".into() }],
                ),
                (
                    Track {
                        track_id: "refugees".into(),
                        process_id: "compacts".into(),
                        title: "Refugees".into(),
                    },
                    vec![],
                ),
            ],
        })
        .await
        .unwrap();
    store.create_party(&NewParty::state("US").unwrap()).await.unwrap();
}

test_on_both_databases! {
    async fn a_party_withdraws_from_one_track_and_stays_in_the_other(store) {
        two_tracks(&store).await;
        for track in ["migration", "refugees"] {
            store.request_accreditation(track, "united-states", Standing::Participant, "We ask.", "us@example.org").await.unwrap();
            let granted = store.decide_accreditation(track, "united-states", &Decision::Grant, "secretariat@example.org").await.unwrap();
            assert_eq!(granted.status, Status::Participant);
        }
        let withdrawn = store.withdraw_accreditation("migration", "united-states", "We leave these talks.", "us@example.org").await.unwrap();
        assert_eq!(withdrawn.status, Status::Withdrawn);
        assert_eq!(store.accreditation("refugees", "united-states").await.unwrap().status, Status::Participant);
        let steps = store.accreditation_steps("migration", "united-states").await.unwrap();
        let actions: Vec<&str> = steps.iter().map(|step| step.action.as_str()).collect();
        assert_eq!(actions, ["requested", "granted", "withdrawn"]);
        let verification = store.verify_events().await.unwrap();
        assert!(verification.is_intact(), "{verification:?}");
        let events = store.events(0, 100_000).await.unwrap();
        let recorded: Vec<&str> = events.iter().map(|event| event.action.as_str()).filter(|action| action.starts_with("accreditation.")).collect();
        assert_eq!(recorded.len(), 5, "{recorded:?}");
    }

    async fn a_refusal_needs_a_reason_and_can_be_appealed_once(store) {
        two_tracks(&store).await;
        store.request_accreditation("migration", "united-states", Standing::Participant, "", "a").await.unwrap();
        let error = store.decide_accreditation("migration", "united-states", &Decision::Refuse { reason: " ".into() }, "s").await.unwrap_err();
        assert!(matches!(error, StoreError::Accreditation(AccreditationError::MissingReason)), "{error}");
        store.decide_accreditation("migration", "united-states", &Decision::Refuse { reason: "Late.".into() }, "s").await.unwrap();
        let appealed = store.appeal_accreditation("migration", "united-states", "It was on time.", "a").await.unwrap();
        assert_eq!(appealed.status, Status::Appealed);
        store.decide_accreditation("migration", "united-states", &Decision::Refuse { reason: "Still late.".into() }, "s").await.unwrap();
        let error = store.appeal_accreditation("migration", "united-states", "Again.", "a").await.unwrap_err();
        assert!(matches!(error, StoreError::Accreditation(AccreditationError::AppealUsed { .. })), "{error}");
        assert_eq!(store.accreditation("migration", "united-states").await.unwrap().status, Status::Refused);
    }

    async fn a_second_request_while_one_is_pending_is_refused_and_changes_nothing(store) {
        two_tracks(&store).await;
        store.request_accreditation("migration", "united-states", Standing::Observer, "First.", "a").await.unwrap();
        let before = store.events(0, 100_000).await.unwrap().len();
        let error = store.request_accreditation("migration", "united-states", Standing::Participant, "Second.", "a").await.unwrap_err();
        assert!(matches!(error, StoreError::Accreditation(AccreditationError::AlreadyPending { .. })), "{error}");
        assert_eq!(store.events(0, 100_000).await.unwrap().len(), before);
        assert_eq!(store.accreditation_steps("migration", "united-states").await.unwrap().len(), 1);
        let granted = store.decide_accreditation("migration", "united-states", &Decision::Grant, "s").await.unwrap();
        assert_eq!(granted.status, Status::Observer, "granted as asked: observer");
        let error = store.decide_accreditation("migration", "united-states", &Decision::Grant, "s").await.unwrap_err();
        assert!(matches!(error, StoreError::Accreditation(AccreditationError::WrongStatus { .. })), "{error}");
    }

    async fn unknown_parties_and_tracks_are_not_found(store) {
        two_tracks(&store).await;
        let error = store.request_accreditation("migration", "atlantis", Standing::Participant, "", "a").await.unwrap_err();
        assert!(matches!(error, StoreError::NotFound { what: "party", .. }), "{error}");
        let error = store.request_accreditation("moon", "united-states", Standing::Participant, "", "a").await.unwrap_err();
        assert!(matches!(error, StoreError::NotFound { what: "track", .. }), "{error}");
    }
}
