//! Amendments in the store, each test on SQLite and on PostgreSQL: the life of an amendment (draft, tabled,
//! revised with every version kept, withdrawn), co-sponsors, the round's deadline, observers, the track's
//! least number of co-sponsors, picks and overlaps, the next revision made from the picks with the
//! amendment behind each change, and the CSV import (all rows or none). The expected texts are worked out
//! with `str::replacen` on the real GCM text (objective 15 (c) of A/RES/73/195), not with the code under test.

use accord_store::{
    test_on_both_databases, AmendmentError, AmendmentQuery, AmendmentStatus, Decision, Draft, NewAmendment,
    NewParty, NewProcess, NewRevision, NextRevision, Process, RevisionRef, Round, Standing, Store,
    StoreError, Track,
};
use accord_text::amendment::{Position, Proposal, Words};
use accord_text::EId;
use time::macros::datetime;
use time::OffsetDateTime;

const POINT_C: &str = "sec_3__obj_15__para_1__point_c";
const POINT_C_TEXT: &str =
    "Establish and strengthen holistic and easily accessible service points at local level, \
     that are migrant inclusive, offer relevant information on basic services in a gender and \
     disability-responsive as well as child-sensitive manner, and facilitate safe access thereto.";
const DURING: OffsetDateTime = datetime!(2018-03-10 12:00 UTC);
const AFTER: OffsetDateTime = datetime!(2018-04-01 12:00 UTC);

fn eid(text: &str) -> EId {
    EId::parse(text).unwrap()
}

fn gcm0() -> RevisionRef {
    "gcm/0".parse().unwrap()
}

/// A process with the real GCM as revision 0, a round open from 2018-03-01 to 2018-03-20, the United States,
/// Brazil and Mexico accredited as participants and France as observer.
async fn negotiation(store: &Store) {
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
    for (code, party, standing, decision) in [
        ("US", "united-states", Standing::Participant, Decision::Grant),
        ("BR", "brazil", Standing::Participant, Decision::Grant),
        ("MX", "mexico", Standing::Participant, Decision::Grant),
        ("FR", "france", Standing::Observer, Decision::GrantAsObserver),
    ] {
        store.create_party(&NewParty::state(code).unwrap()).await.unwrap();
        store.request_accreditation("migration", party, standing, "We ask.", "delegate").await.unwrap();
        store.decide_accreditation("migration", party, &decision, "secretariat").await.unwrap();
    }
}

fn replace(words: &str, by: &str) -> Proposal {
    Proposal::ReplaceWords { eid: eid(POINT_C), words: Words::new(words), by: by.into() }
}

fn amendment(sponsor: &str, co_sponsors: &[&str], proposal: Proposal) -> NewAmendment {
    NewAmendment {
        draft_id: "gcm".into(),
        revision: 0,
        round: 1,
        sponsor: sponsor.into(),
        co_sponsors: co_sponsors.iter().map(|party| party.to_string()).collect(),
        proposal,
        justification: "Cities deliver these services.".into(),
        table: true,
    }
}

fn amendment_error(error: StoreError) -> AmendmentError {
    match error {
        StoreError::Amendment(error) => *error,
        other => panic!("expected an amendment error, got {other:?}"),
    }
}

async fn event_actions(store: &Store) -> Vec<String> {
    let events = store.events(0, 100_000).await.unwrap();
    events.into_iter().map(|event| event.action).filter(|action| action.starts_with("amendment.")).collect()
}

test_on_both_databases! {
    async fn an_amendment_is_drafted_tabled_revised_and_withdrawn_with_every_step_recorded(store) {
        negotiation(&store).await;
        let mut new = amendment("united-states", &["brazil"], replace("at local level", "at local and municipal level"));
        new.table = false;
        let drafted = store.create_amendment(&new, "us@example.org", DURING).await.unwrap();
        assert_eq!(drafted.status, AmendmentStatus::Draft);
        assert_eq!(drafted.co_sponsors, ["brazil"]);
        let tabled = store.table_amendment(drafted.amendment_id, "us@example.org", DURING).await.unwrap();
        assert_eq!(tabled.status, AmendmentStatus::Tabled);
        assert_eq!(tabled.tabled_at.as_deref(), Some("2018-03-10T12:00:00Z"));
        let revised = store
            .revise_amendment(tabled.amendment_id, &replace("at local level", "at the local level"), "Plainer.", "us@example.org", DURING)
            .await
            .unwrap();
        assert_eq!(revised.version, 2);
        assert_eq!(revised.justification, "Plainer.");
        let versions = store.amendment_versions(revised.amendment_id).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].proposal, replace("at local level", "at local and municipal level"));
        assert_eq!(versions[1].proposal, replace("at local level", "at the local level"));
        let withdrawn = store.withdraw_amendment(revised.amendment_id, "Overtaken.", "us@example.org", DURING).await.unwrap();
        assert_eq!(withdrawn.status, AmendmentStatus::Withdrawn);
        let again = store.withdraw_amendment(revised.amendment_id, "", "us@example.org", DURING).await.unwrap_err();
        assert!(matches!(amendment_error(again), AmendmentError::WrongStatus { step: "withdrawn", .. }));
        let steps: Vec<String> = store.amendment_steps(revised.amendment_id).await.unwrap().into_iter().map(|step| step.action).collect();
        assert_eq!(steps, ["drafted", "tabled", "revised", "withdrawn"]);
        assert_eq!(event_actions(&store).await, ["amendment.drafted", "amendment.tabled", "amendment.revised", "amendment.withdrawn"]);
        assert!(store.verify_events().await.unwrap().is_intact());
    }

    async fn bad_amendments_are_refused_and_change_nothing(store) {
        negotiation(&store).await;
        let before = store.event_count().await.unwrap();
        let cases: Vec<(NewAmendment, OffsetDateTime, &str)> = vec![
            (amendment("united-states", &[], replace("at regional level", "x")), DURING, "found none"),
            (amendment("united-states", &[], replace("and", "or")), DURING, "times"),
            (amendment("united-states", &[], replace("at local level", "at local and municipal level")), AFTER, "deadline"),
            (amendment("united-states", &[], replace("at local level", "at local and municipal level")), datetime!(2018-02-01 0:00 UTC), "opens on"),
            (amendment("france", &[], replace("at local level", "at local and municipal level")), DURING, "observer"),
            (amendment("united-states", &["france"], replace("at local level", "at local and municipal level")), DURING, "observer"),
            (amendment("united-states", &["united-states"], replace("at local level", "at local and municipal level")), DURING, "cannot co-sponsor"),
        ];
        for (new, at, expected) in cases {
            let error = store.create_amendment(&new, "someone", at).await.unwrap_err();
            let message = error.to_string();
            assert!(message.contains(expected), "expected `{expected}` in: {message}");
        }
        let mut not_latest = amendment("united-states", &[], replace("at local level", "x y"));
        not_latest.revision = 5;
        assert!(store.create_amendment(&not_latest, "someone", DURING).await.is_err());
        assert_eq!(store.event_count().await.unwrap(), before);
        assert!(store.amendments(&AmendmentQuery::default()).await.unwrap().is_empty());
    }

    async fn co_sponsors_join_and_withdraw_until_the_deadline_and_the_track_minimum_holds(store) {
        negotiation(&store).await;
        store.set_min_co_sponsors("migration", 1, "secretariat").await.unwrap();
        let alone = amendment("united-states", &[], replace("at local level", "at local and municipal level"));
        let error = amendment_error(store.create_amendment(&alone, "us", DURING).await.unwrap_err());
        assert!(matches!(error, AmendmentError::TooFewCoSponsors { needed: 1, has: 0, .. }), "{error:?}");
        let mut draft = alone.clone();
        draft.table = false;
        let drafted = store.create_amendment(&draft, "us", DURING).await.unwrap();
        assert!(store.table_amendment(drafted.amendment_id, "us", DURING).await.is_err());
        let tabled = store.create_amendment(&amendment("united-states", &["brazil"], replace("at local level", "at local and municipal level")), "us", DURING).await.unwrap();
        let id = tabled.amendment_id;
        let joined = store.join_co_sponsors(id, "mexico", "mx", DURING).await.unwrap();
        assert_eq!(joined.co_sponsors, ["brazil", "mexico"]);
        assert!(matches!(amendment_error(store.join_co_sponsors(id, "mexico", "mx", DURING).await.unwrap_err()), AmendmentError::AlreadyCoSponsor { .. }));
        assert!(matches!(amendment_error(store.join_co_sponsors(id, "united-states", "us", DURING).await.unwrap_err()), AmendmentError::SponsorAsCoSponsor(_)));
        assert!(matches!(amendment_error(store.join_co_sponsors(id, "france", "fr", DURING).await.unwrap_err()), AmendmentError::NotParticipant { .. }));
        let left = store.leave_co_sponsors(id, "brazil", "br", DURING).await.unwrap();
        assert_eq!(left.co_sponsors, ["mexico"]);
        assert!(matches!(amendment_error(store.leave_co_sponsors(id, "mexico", "mx", AFTER).await.unwrap_err()), AmendmentError::AfterDeadline { .. }));
        assert!(matches!(amendment_error(store.join_co_sponsors(id, "brazil", "br", AFTER).await.unwrap_err()), AmendmentError::AfterDeadline { .. }));
        let by_mexico = store.amendments(&AmendmentQuery { party_id: Some("mexico".into()), ..AmendmentQuery::default() }).await.unwrap();
        assert_eq!(by_mexico.iter().map(|a| a.amendment_id).collect::<Vec<_>>(), [id]);
    }

    async fn picks_make_the_next_revision_and_each_change_names_its_amendment(store) {
        negotiation(&store).await;
        let local = store.create_amendment(&amendment("united-states", &["brazil"], replace("at local level", "at local and municipal level")), "us", DURING).await.unwrap();
        let overlapping = store.create_amendment(&amendment("mexico", &[], replace("service points at local level", "one-stop centres")), "mx", DURING).await.unwrap();
        let insertion = store
            .create_amendment(
                &amendment("brazil", &[], Proposal::InsertWords {
                    eid: eid(POINT_C),
                    position: Position::After,
                    anchor: Words::new("safe access thereto"),
                    text: ", including through local authorities".into(),
                }),
                "br",
                DURING,
            )
            .await
            .unwrap();
        let bridged = store.create_amendment(&amendment("mexico", &[], replace("holistic", "comprehensive")), "mx", DURING).await.unwrap();
        let left_out = store.create_amendment(&amendment("brazil", &[], replace("easily accessible", "accessible")), "br", DURING).await.unwrap();
        assert!(matches!(amendment_error(store.pick_amendment(local.amendment_id, None, "cofac", DURING).await.unwrap_err()), AmendmentError::RoundStillOpen { .. }));
        store.pick_amendment(local.amendment_id, None, "cofac", AFTER).await.unwrap();
        let overlap = amendment_error(store.pick_amendment(overlapping.amendment_id, None, "cofac", AFTER).await.unwrap_err());
        assert!(matches!(overlap, AmendmentError::PickOverlap { other, .. } if other == local.amendment_id), "{overlap:?}");
        store.pick_amendment(insertion.amendment_id, None, "cofac", AFTER).await.unwrap();
        store.pick_amendment(bridged.amendment_id, Some("integrated"), "cofac", AFTER).await.unwrap();
        let next = store
            .publish_next_revision(&gcm0(), 1, &NextRevision {
                label: "Rev.1".into(),
                date: time::macros::date!(2018 - 04 - 05),
                author: "the co-facilitators".into(),
                is_demo: false,
                note: "Made from the picks of the first reading.".into(),
            }, "cofac", AFTER)
            .await
            .unwrap();
        assert_eq!(next.number, 1);
        assert_eq!(next.label, "Rev.1");
        let expected = POINT_C_TEXT
            .replacen("at local level", "at local and municipal level", 1)
            .replacen("holistic", "integrated", 1)
            .replacen("safe access thereto", "safe access thereto, including through local authorities", 1);
        let rev1 = store.revision(&"gcm/1".parse().unwrap()).await.unwrap();
        assert_eq!(rev1.document.find(&eid(POINT_C)).unwrap().own_text(), expected);
        let status = |id: i64| {
            let store = store.clone();
            async move { store.amendment(id).await.unwrap() }
        };
        assert_eq!(status(local.amendment_id).await.status, AmendmentStatus::Merged);
        assert_eq!(status(local.amendment_id).await.merged_into, Some(1));
        assert_eq!(status(bridged.amendment_id).await.status, AmendmentStatus::MergedInPart);
        assert_eq!(status(overlapping.amendment_id).await.status, AmendmentStatus::NotRetained);
        assert_eq!(status(left_out.amendment_id).await.status, AmendmentStatus::NotRetained);
        let provenance = store.revision_provenance("gcm", 1).await.unwrap();
        let ids = provenance.amendments_for_eid(&eid(POINT_C));
        let mut expected_ids = vec![local.amendment_id as u64, insertion.amendment_id as u64, bridged.amendment_id as u64];
        expected_ids.sort_unstable();
        assert_eq!(ids, expected_ids);
        let at = expected.find("integrated").unwrap();
        assert_eq!(provenance.amendments_at(&eid(POINT_C), at..at + "integrated".len()), [bridged.amendment_id as u64]);
        let error = store.create_amendment(&amendment("united-states", &[], replace("holistic", "whole")), "us", DURING).await.unwrap_err();
        assert!(matches!(amendment_error(error), AmendmentError::NotLatestRevision { .. }));
        assert!(store.verify_events().await.unwrap().is_intact());
    }

    async fn a_csv_file_is_imported_whole_or_not_at_all(store) {
        negotiation(&store).await;
        let good = "revision,round,sponsor,co_sponsors,kind,eid,words,text,justification,tabled_at\n\
            gcm/0,1,united-states,brazil;mexico,replace,sec_3__obj_15__para_1__point_c,at local level,at local and municipal level,Cities.,2018-03-05T10:00:00Z\n\
            gcm/0,1,brazil,,delete,sec_3__obj_15__para_1__point_c,easily ,,Shorter.,2018-03-06T10:00:00Z\n";
        let ids = store.import_amendments_csv(good, "import", DURING).await.unwrap();
        assert_eq!(ids.len(), 2);
        let first = store.amendment(ids[0]).await.unwrap();
        assert_eq!(first.co_sponsors, ["brazil", "mexico"]);
        assert_eq!(first.tabled_at.as_deref(), Some("2018-03-05T10:00:00Z"));
        let bad = "revision,round,sponsor,kind,eid,words,text,justification\n\
            gcm/0,1,united-states,replace,sec_3__obj_15__para_1__point_c,holistic,whole,Fine.\n\
            gcm/0,1,brazil,replace,sec_3__obj_15__para_1__point_c,no such words,x,Bad.\n";
        let error = amendment_error(store.import_amendments_csv(bad, "import", DURING).await.unwrap_err());
        match &error {
            AmendmentError::Csv { row, column, .. } => assert_eq!((*row, column.as_str()), (3, "words")),
            other => panic!("{other:?}"),
        }
        let unknown_column = "revision,round,sponsor,kind,eid,wordz,justification\n";
        let error = amendment_error(store.import_amendments_csv(unknown_column, "import", DURING).await.unwrap_err());
        assert!(matches!(&error, AmendmentError::Csv { row: 1, column, .. } if column == "wordz"), "{error:?}");
        let late = "revision,round,sponsor,kind,eid,words,text,justification,tabled_at\n\
            gcm/0,1,united-states,replace,sec_3__obj_15__para_1__point_c,holistic,whole,Late.,2018-03-21T00:00:00Z\n";
        let error = amendment_error(store.import_amendments_csv(late, "import", DURING).await.unwrap_err());
        assert!(matches!(&error, AmendmentError::Csv { row: 2, column, .. } if column == "tabled_at"), "{error:?}");
        assert_eq!(store.amendments(&AmendmentQuery::default()).await.unwrap().len(), 2);
    }

    async fn a_picked_amendment_is_not_withdrawn_and_a_picked_round_takes_no_import(store) {
        negotiation(&store).await;
        let picked = store.create_amendment(&amendment("united-states", &[], replace("holistic", "whole")), "us", DURING).await.unwrap();
        store.pick_amendment(picked.amendment_id, None, "cofac", AFTER).await.unwrap();
        let n_events = event_actions(&store).await.len();
        let error = amendment_error(store.withdraw_amendment(picked.amendment_id, "Changed our mind.", "us", AFTER).await.unwrap_err());
        assert_eq!(error, AmendmentError::Picked { amendment_id: picked.amendment_id });
        let kept = store.amendment(picked.amendment_id).await.unwrap();
        assert_eq!((kept.status, kept.pick), (AmendmentStatus::Tabled, Some(None)));
        assert_eq!(event_actions(&store).await.len(), n_events, "nothing recorded");
        // Once unpicked, it may be withdrawn.
        store.unpick_amendment(picked.amendment_id, "cofac", AFTER).await.unwrap();
        store.withdraw_amendment(picked.amendment_id, "Changed our mind.", "us", AFTER).await.unwrap();

        // An amendment tabled in time may be imported after the deadline until the co-facilitators pick; then
        // the round takes no more. A tabling time in the future is refused.
        let in_time = "revision,round,sponsor,kind,eid,words,text,justification,tabled_at\n\
            gcm/0,1,brazil,replace,sec_3__obj_15__para_1__point_c,easily accessible,accessible,Shorter.,2018-03-19T10:00:00Z\n";
        let imported = store.import_amendments_csv(in_time, "import", AFTER).await.unwrap();
        let future = "revision,round,sponsor,kind,eid,words,text,justification,tabled_at\n\
            gcm/0,1,mexico,replace,sec_3__obj_15__para_1__point_c,service points,offices,Later.,2018-03-19T10:00:00Z\n";
        let error = amendment_error(store.import_amendments_csv(future, "import", datetime!(2018-03-15 00:00 UTC)).await.unwrap_err());
        assert!(matches!(&error, AmendmentError::Csv { row: 2, column, .. } if column == "tabled_at"), "{error:?}");
        store.pick_amendment(imported[0], None, "cofac", AFTER).await.unwrap();
        let error = amendment_error(store.import_amendments_csv(future, "import", AFTER).await.unwrap_err());
        assert!(matches!(&error, AmendmentError::Csv { row: 2, column, .. } if column == "round"), "{error:?}");
        assert!(error.to_string().contains("the co-facilitators have picked 1 amendment(s) of round 1"), "{error}");
        assert_eq!(store.amendments(&AmendmentQuery::default()).await.unwrap().len(), 2);
    }

    async fn a_round_is_numbered_after_the_last_and_its_fields_are_checked(store) {
        negotiation(&store).await;
        let refused = |field: &'static str| move |error: StoreError| match amendment_error(error) {
            AmendmentError::Round { field: found, .. } => assert_eq!(found, field),
            other => panic!("{other:?}"),
        };
        refused("opens_on")(store.open_round("migration", "Second", "2018-04-31", "2018-05-01T00:00:00Z", "s").await.unwrap_err());
        refused("deadline")(store.open_round("migration", "Second", "2018-04-01", "tomorrow", "s").await.unwrap_err());
        refused("deadline")(store.open_round("migration", "Second", "2018-04-03", "2018-04-01T23:00:00-02:00", "s").await.unwrap_err());
        refused("title")(store.open_round("migration", "", "2018-04-01", "2018-05-01T00:00:00Z", "s").await.unwrap_err());
        // Round 1 runs from 1 March to 20 March 18:00 UTC: a round may not run in that time, not even on the
        // deadline's own day.
        refused("opens_on")(store.open_round("migration", "Overlap", "2018-03-15", "2018-04-30T00:00:00Z", "s").await.unwrap_err());
        refused("opens_on")(store.open_round("migration", "Overlap", "2018-03-20", "2018-04-30T00:00:00Z", "s").await.unwrap_err());
        refused("opens_on")(store.open_round("migration", "Before", "2018-02-01", "2018-03-01T00:00:00Z", "s").await.unwrap_err());
        assert_eq!(store.rounds("migration").await.unwrap().len(), 1);
        // 23:00 at UTC-2 on 1 April is 01:00 UTC on 2 April, the opening day: accepted, kept in UTC.
        let second = store.open_round("migration", " Second reading ", "2018-04-02", "2018-04-01T23:00:00-02:00", "s").await.unwrap();
        assert_eq!((second.number, second.title.as_str(), second.deadline.as_str()), (2, "Second reading", "2018-04-02T01:00:00Z"));
        assert!(matches!(store.open_round("no-track", "X", "2018-04-01", "2018-04-20T18:00:00Z", "s").await.unwrap_err(), StoreError::NotFound { .. }));
        let events = store.events(0, 100_000).await.unwrap();
        assert_eq!(events.iter().filter(|event| event.action == "round.added").count(), 2, "one entry per round added");
    }

    async fn the_next_revision_waits_while_another_round_is_open_with_amendments_to_the_revision(store) {
        negotiation(&store).await;
        store.open_round("migration", "Second reading", "2018-04-01", "2018-05-01T00:00:00Z", "s").await.unwrap();
        let first = store.create_amendment(&amendment("united-states", &[], replace("holistic", "whole")), "us", DURING).await.unwrap();
        let mut second = amendment("brazil", &[], replace("easily accessible", "accessible"));
        second.round = 2;
        store.create_amendment(&second, "br", datetime!(2018-04-10 12:00 UTC)).await.unwrap();
        store.pick_amendment(first.amendment_id, None, "cofac", AFTER).await.unwrap();
        let meta = NextRevision {
            label: "Rev.1".into(),
            date: time::macros::date!(2018 - 04 - 15),
            author: "the co-facilitators".into(),
            is_demo: false,
            note: "From the first reading.".into(),
        };
        let error = amendment_error(store.publish_next_revision(&gcm0(), 1, &meta, "cofac", datetime!(2018-04-15 12:00 UTC)).await.unwrap_err());
        assert!(matches!(&error, AmendmentError::OtherRoundOpen { round: 2, n_live: 1, .. }), "{error:?}");
        assert_eq!(store.revisions("gcm").await.unwrap().len(), 1, "nothing published");
        // Once round 2 closed, the revision is published.
        let next = store.publish_next_revision(&gcm0(), 1, &meta, "cofac", datetime!(2018-05-02 12:00 UTC)).await.unwrap();
        assert_eq!(next.number, 1);
    }

    async fn the_revision_each_round_amended_counts_tabled_amendments_not_drafts(store) {
        negotiation(&store).await;
        assert_eq!(store.amended_revisions("gcm").await.unwrap(), []);
        store.create_amendment(&amendment("united-states", &[], replace("holistic", "whole")), "us", DURING).await.unwrap();
        store.create_amendment(&amendment("brazil", &[], replace("easily accessible", "accessible")), "br", DURING).await.unwrap();
        let mut draft = amendment("mexico", &[], replace("service points", "offices"));
        draft.table = false;
        store.create_amendment(&draft, "mx", DURING).await.unwrap();
        // Two tabled in round 1 to revision 0; the draft is not counted.
        assert_eq!(store.amended_revisions("gcm").await.unwrap(), [(1, 0, 2)]);
        assert_eq!(store.amended_revisions("no-such-draft").await.unwrap(), []);
    }
}

test_on_both_databases! {
    async fn the_tabled_amendments_of_a_round_follow_every_change_asked_again_in_between(store) {
        // Each answer is read twice: the second comes from the store's cache while the record is unchanged,
        // and each change (tabling, joining, revising, withdrawing) must show in the next answer.
        let tabled = |store: Store| async move {
            let first = store.tabled_amendments(&gcm0(), 1).await.unwrap();
            let again = store.tabled_amendments(&gcm0(), 1).await.unwrap();
            assert_eq!(first, again);
            first.1.into_iter().map(|record| (record.amendment_id, record.co_sponsors, record.proposal)).collect::<Vec<_>>()
        };
        negotiation(&store).await;
        assert!(tabled(store.clone()).await.is_empty());

        let first = store.create_amendment(&amendment("united-states", &[], replace("at local level", "at all levels")), "us", DURING).await.unwrap();
        let id = first.amendment_id;
        assert_eq!(tabled(store.clone()).await, [(id, vec![], replace("at local level", "at all levels"))]);

        store.join_co_sponsors(id, "brazil", "br", DURING).await.unwrap();
        assert_eq!(tabled(store.clone()).await, [(id, vec!["brazil".to_owned()], replace("at local level", "at all levels"))]);

        let revised = replace("easily accessible", "accessible");
        store.revise_amendment(id, &revised, "Shorter.", "us", DURING).await.unwrap();
        assert_eq!(tabled(store.clone()).await, [(id, vec!["brazil".to_owned()], revised)]);

        store.withdraw_amendment(id, "Merged into another.", "us", DURING).await.unwrap();
        assert!(tabled(store.clone()).await.is_empty());
    }
}
