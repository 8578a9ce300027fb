//! Resident consultations in the store, each test on SQLite and on PostgreSQL: participants counted once,
//! moderation, closing, and the import and export of Pol.is openData conversations. Oracles: the real
//! conversations of `../shared/data/polis/opendata`, read back by the `csv` crate and by accord-opinion's own
//! openData parser (`parse_opendata`, which `accord opinions` uses), independently of the store.

use accord_store::account::NewUser;
use accord_store::opendata::participant_groups;
use accord_store::{
    test_on_both_databases, ConsultationError, ConsultationStatus, Draft, Email, Moderation, NewConsultation,
    NewProcess, NewStatement, OpendataImport, ParticipantKey, Password, Process, Store, StoreError, Token,
    Track,
};
use std::collections::BTreeMap;

const OPENDATA: &str = "../../../shared/data/polis/opendata";

fn shared(conversation: &str, file: &str) -> String {
    let path = format!("{}/{OPENDATA}/{conversation}/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("reading {path}: {error}"))
}

async fn a_track(store: &Store) {
    store
        .create_process(&NewProcess {
            process: Process {
                process_id: "compacts".into(),
                title: "Global compacts 2018".into(),
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
}

fn seed(text: &str, language: &str) -> NewStatement {
    NewStatement { text: text.into(), language: language.into() }
}

async fn opened(store: &Store, strict_moderation: bool) -> i64 {
    a_track(store).await;
    let consultation = store
        .open_consultation(
            &NewConsultation {
                track_id: "migration".into(),
                party_id: None,
                title: "Residents on objective 15".into(),
                description: "What should the compact say about access to basic services?".into(),
                language: "en".into(),
                strict_moderation,
                seeds: vec![
                    seed("Every migrant should have access to basic services.", "en"),
                    seed("Les villes doivent être consultées.", "fr"),
                    seed("Access should depend on legal status.", ""),
                ],
            },
            "user 1 (Secretariat)",
        )
        .await
        .unwrap();
    consultation.consultation_id
}

fn cookie() -> ParticipantKey {
    ParticipantKey::Cookie(Token::generate())
}

/// (timestamp, comment-id, voter-id, vote) of every row of a votes.csv, by column name.
fn vote_rows(votes_csv: &str) -> Vec<(i64, i64, i64, i64)> {
    let mut reader = csv::Reader::from_reader(votes_csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|column| column == name).unwrap();
    let (timestamp, comment, voter, vote) = (at("timestamp"), at("comment-id"), at("voter-id"), at("vote"));
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let number = |index: usize| record[index].parse::<i64>().unwrap();
            (number(timestamp), number(comment), number(voter), number(vote))
        })
        .collect()
}

/// comment-id → (author-id, moderated, comment-body) of a comments.csv, by column name.
fn comment_rows(comments_csv: &str) -> BTreeMap<i64, (String, i64, String)> {
    let mut reader = csv::Reader::from_reader(comments_csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|column| column == name).unwrap();
    let (id, author, moderated, body) =
        (at("comment-id"), at("author-id"), at("moderated"), at("comment-body"));
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            (
                record[id].parse().unwrap(),
                (record[author].to_owned(), record[moderated].parse().unwrap(), record[body].to_owned()),
            )
        })
        .collect()
}

async fn n_events(store: &Store) -> usize {
    store.events(0, 1_000_000).await.unwrap().len()
}

test_on_both_databases! {
    async fn seeds_are_numbered_from_zero_accepted_and_keep_their_language(store) {
        let consultation_id = opened(&store, true).await;
        let statements = store.consultation_statements(consultation_id).await.unwrap();
        let ids: Vec<i64> = statements.iter().map(|statement| statement.statement_id).collect();
        assert_eq!(ids, [0, 1, 2]);
        assert!(statements.iter().all(|statement| statement.is_seed && statement.moderation == Moderation::Accepted));
        assert_eq!(statements[1].language, "fr");
        assert_eq!(statements[2].language, "");
        let events = store.events(0, 100).await.unwrap();
        let opened = events.iter().find(|event| event.action == "consultation.opened").expect("recorded");
        assert!(opened.data.contains("Les villes doivent être consultées."), "{}", opened.data);
    }

    async fn a_cookie_or_a_user_is_one_participant_and_the_latest_vote_counts(store) {
        let consultation_id = opened(&store, true).await;
        let alice = cookie();
        let first = store.cast_vote(consultation_id, &alice, 0, 1).await.unwrap();
        assert_eq!((first.participant_id, first.new_participant), (0, true));
        let again = store.cast_vote(consultation_id, &alice, 0, -1).await.unwrap();
        assert_eq!((again.participant_id, again.new_participant), (0, false));
        store.cast_vote(consultation_id, &alice, 1, 0).await.unwrap();
        let bob = cookie();
        assert_eq!(store.cast_vote(consultation_id, &bob, 0, 1).await.unwrap().participant_id, 1);
        let user = store
            .create_user(&NewUser {
                email: Email::parse("resident@example.org").unwrap(),
                display_name: "Resident".into(),
                password: Password::parse_new("correct horse battery").unwrap(),
            })
            .await
            .unwrap();
        let signed_in = ParticipantKey::User(user.user_id);
        assert_eq!(store.cast_vote(consultation_id, &signed_in, 2, 1).await.unwrap().participant_id, 2);
        assert_eq!(store.cast_vote(consultation_id, &signed_in, 0, 1).await.unwrap().participant_id, 2);
        assert_eq!(store.n_consultation_participants(consultation_id).await.unwrap(), 3);
        // Every vote is kept; the latest counts.
        assert_eq!(store.consultation_votes(consultation_id).await.unwrap().len(), 6);
        let alice_votes = store.participant_votes(consultation_id, 0).await.unwrap();
        assert_eq!(alice_votes, BTreeMap::from([(0, -1), (1, 0)]));
        let conversation = store.consultation_conversation(consultation_id).await.unwrap().unwrap();
        assert_eq!(conversation.participants(), [0, 1, 2]);
        // Pol.is values inside the math: agree -1, disagree 1.
        assert_eq!(conversation.vote(0, 0), Some(1));
        // The record names participants by number, never the person.
        let events = store.events(0, 1000).await.unwrap();
        let votes: Vec<_> = events.iter().filter(|event| event.action == "consultation.vote").collect();
        assert_eq!(votes.len(), 6);
        assert!(votes.iter().all(|event| !event.actor.contains("resident") && !event.data.contains("resident")));
        assert_eq!(votes[4].actor, format!("consultation {consultation_id} participant 2"));
        assert!(store.verify_events().await.unwrap().is_intact());
    }

    async fn a_submitted_statement_waits_for_moderation_when_the_consultation_moderates_first(store) {
        let consultation_id = opened(&store, true).await;
        let author = cookie();
        let (statement, participant) = store
            .submit_statement(consultation_id, &author, &seed("  Cities need a seat at the table.  ", "en"))
            .await
            .unwrap();
        assert_eq!((statement.statement_id, statement.text.as_str()), (3, "Cities need a seat at the table."));
        assert_eq!((statement.author_id, statement.moderation), (Some(0), Moderation::Pending));
        assert_eq!(participant.participant_id, 0);
        let before = n_events(&store).await;
        let error = store.cast_vote(consultation_id, &cookie(), 3, 1).await.unwrap_err();
        assert!(matches!(error, StoreError::Consultation(ConsultationError::NotVotable { statement_id: 3, .. })), "{error}");
        assert_eq!(n_events(&store).await, before, "a refused vote records nothing");
        assert_eq!(store.n_consultation_participants(consultation_id).await.unwrap(), 1, "nor makes a participant");
        store.moderate_statement(consultation_id, 3, Moderation::Accepted, "user 1 (Secretariat)").await.unwrap();
        store.cast_vote(consultation_id, &cookie(), 3, 1).await.unwrap();
        store.moderate_statement(consultation_id, 3, Moderation::Rejected, "user 1 (Secretariat)").await.unwrap();
        let error = store.cast_vote(consultation_id, &cookie(), 3, 1).await.unwrap_err();
        assert!(matches!(error, StoreError::Consultation(ConsultationError::NotVotable { .. })), "{error}");
    }

    async fn without_moderation_first_a_statement_is_open_for_votes_at_once(store) {
        let consultation_id = opened(&store, false).await;
        store.submit_statement(consultation_id, &cookie(), &seed("Shown at once.", "")).await.unwrap();
        store.cast_vote(consultation_id, &cookie(), 3, -1).await.unwrap();
    }

    async fn the_analysis_is_kept_until_a_vote_comes_or_a_moderation_changes(store) {
        let consultation_id = opened(&store, false).await;
        assert_eq!(store.consultation_analysis(consultation_id).await.unwrap(), None, "no vote yet");
        let (alice, bob) = (cookie(), cookie());
        // openData sign: 1 agree, -1 disagree; Pol.is's math reads agree as -1.
        store.cast_vote(consultation_id, &alice, 0, 1).await.unwrap();
        store.cast_vote(consultation_id, &alice, 1, -1).await.unwrap();
        store.cast_vote(consultation_id, &bob, 0, 1).await.unwrap();
        let first = store.consultation_analysis(consultation_id).await.unwrap().unwrap();
        assert_eq!(first.user_vote_counts, BTreeMap::from([(0, 2), (1, 1)]));
        assert_eq!(first.pca.center, vec![-1.0, 1.0], "both agree on 0; alice alone disagrees on 1");
        assert_eq!(store.consultation_analysis(consultation_id).await.unwrap().unwrap(), first);
        store.cast_vote(consultation_id, &cookie(), 1, 1).await.unwrap();
        let second = store.consultation_analysis(consultation_id).await.unwrap().unwrap();
        assert_eq!(second.user_vote_counts, BTreeMap::from([(0, 2), (1, 1), (2, 1)]));
        assert_eq!(second.pca.center, vec![-1.0, 0.0], "one agree and one disagree on 1");
        store.moderate_statement(consultation_id, 0, Moderation::Rejected, "user 1 (Secretariat)").await.unwrap();
        let third = store.consultation_analysis(consultation_id).await.unwrap().unwrap();
        assert_eq!(third.pca.center, vec![0.0, 0.0], "a moderated-out statement's column is zero");
    }

    async fn bad_fields_are_refused_naming_the_field(store) {
        let consultation_id = opened(&store, true).await;
        for (text, language, field) in [("   ", "en", "text"), (&"x".repeat(1001) as &str, "", "text"), ("Fine.", "english!", "language")] {
            let error = store.submit_statement(consultation_id, &cookie(), &seed(text, language)).await.unwrap_err();
            match error {
                StoreError::Consultation(ConsultationError::Invalid { field: found, .. }) => assert_eq!(found, field),
                other => panic!("{text:?} {language:?}: {other}"),
            }
        }
        let error = store.cast_vote(consultation_id, &cookie(), 0, 2).await.unwrap_err();
        assert!(matches!(error, StoreError::Consultation(ConsultationError::Invalid { field: "vote", .. })), "{error}");
        let error = store.cast_vote(consultation_id, &cookie(), 99, 1).await.unwrap_err();
        assert!(matches!(error, StoreError::NotFound { what: "statement", .. }), "{error}");
    }

    async fn a_closed_consultation_takes_no_vote_statement_or_moderation(store) {
        let consultation_id = opened(&store, true).await;
        let closed = store.close_consultation(consultation_id, "user 1 (Secretariat)").await.unwrap();
        assert_eq!(closed.status, ConsultationStatus::Closed);
        assert!(closed.closed_at.is_some());
        let is_closed = |error: StoreError| matches!(error, StoreError::Consultation(ConsultationError::Closed { .. }));
        assert!(is_closed(store.cast_vote(consultation_id, &cookie(), 0, 1).await.unwrap_err()));
        assert!(is_closed(store.submit_statement(consultation_id, &cookie(), &seed("Late.", "")).await.unwrap_err()));
        assert!(is_closed(store.moderate_statement(consultation_id, 0, Moderation::Rejected, "s").await.unwrap_err()));
        assert!(is_closed(store.close_consultation(consultation_id, "s").await.unwrap_err()));
    }

    async fn an_imported_conversation_exports_its_votes_and_comments_unchanged(store) {
        a_track(&store).await;
        let (comments, votes, summary) = (
            shared("15-per-hour-seattle", "comments.csv"),
            shared("15-per-hour-seattle", "votes.csv"),
            shared("15-per-hour-seattle", "summary.csv"),
        );
        let consultation = store
            .import_consultation(
                &OpendataImport {
                    track_id: "migration",
                    title: "",
                    language: "en",
                    comments_csv: &comments,
                    votes_csv: &votes,
                    summary_csv: Some(&summary),
                },
                "system",
            )
            .await
            .unwrap();
        assert_eq!(consultation.title, "$15/hour");
        assert_eq!(consultation.source, "https://pol.is/2demo");
        let export = store.export_consultation(consultation.consultation_id, "").await.unwrap();
        assert_eq!(vote_rows(&export.votes_csv), vote_rows(&votes));
        assert_eq!(comment_rows(&export.comments_csv), comment_rows(&comments));
        // The summary's counts, as Pol.is's export says them: 339 voters, 54 comments, 33 commenters.
        let summary_rows: BTreeMap<String, String> = export
            .summary_csv
            .lines()
            .filter_map(|line| line.split_once(','))
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect();
        assert_eq!(summary_rows["voters"], "339");
        assert_eq!(summary_rows["comments"], "54");
        // The analysis of the stored votes is the one of the files themselves, read by accord-opinion's parser.
        let from_files = accord_opinion::analyze(
            &accord_opinion::parse_opendata(&votes, &comments).unwrap(),
            &accord_opinion::Settings::default().check().unwrap(),
        );
        let stored = store.consultation_analysis(consultation.consultation_id).await.unwrap().unwrap();
        assert_eq!(stored, from_files);
        // participants-votes.csv carries each participant's group from that analysis.
        let groups = participant_groups(&stored);
        let mut reader = csv::Reader::from_reader(export.participants_votes_csv.as_bytes());
        let mut n_rows = 0;
        for record in reader.records() {
            let record = record.unwrap();
            let participant: i64 = record[0].parse().unwrap();
            let expected = groups.get(&participant).map(|group| group.to_string()).unwrap_or_default();
            assert_eq!(&record[1], expected, "participant {participant}");
            n_rows += 1;
        }
        assert_eq!(n_rows, 339);
        // The export reads back as an import of its own.
        let again = store
            .import_consultation(
                &OpendataImport {
                    track_id: "migration",
                    title: "Again",
                    language: "",
                    comments_csv: &export.comments_csv,
                    votes_csv: &export.votes_csv,
                    summary_csv: Some(&export.summary_csv),
                },
                "system",
            )
            .await
            .unwrap();
        let again_analysis = store.consultation_analysis(again.consultation_id).await.unwrap().unwrap();
        assert_eq!(again_analysis, stored);
    }

    async fn new_participants_and_statements_continue_after_the_imported_ids(store) {
        a_track(&store).await;
        let comments = "comment-id,author-id,moderated,comment-body\n0,5,1,A\n4,,1,B\n";
        let votes = "timestamp,comment-id,voter-id,vote\n10,0,7,1\n11,4,2,-1\n";
        let consultation = store
            .import_consultation(
                &OpendataImport { track_id: "migration", title: "Small", language: "", comments_csv: comments, votes_csv: votes, summary_csv: None },
                "system",
            )
            .await
            .unwrap();
        assert_eq!(store.n_consultation_participants(consultation.consultation_id).await.unwrap(), 3, "voters 2 and 7, author 5");
        let (statement, cast) =
            store.submit_statement(consultation.consultation_id, &cookie(), &seed("C", "")).await.unwrap();
        assert_eq!((statement.statement_id, cast.participant_id), (5, 8));
    }

    async fn a_bad_row_stops_the_import_naming_file_row_and_column_and_stores_nothing(store) {
        a_track(&store).await;
        let comments = shared("brexit-consensus", "comments.csv");
        let mut votes = shared("brexit-consensus", "votes.csv");
        votes.push_str("1500000000000,x,3,17,maybe\n");
        let n_rows = vote_rows(&shared("brexit-consensus", "votes.csv")).len() + 1;
        let before = n_events(&store).await;
        let error = store
            .import_consultation(
                &OpendataImport { track_id: "migration", title: "Brexit", language: "", comments_csv: &comments, votes_csv: &votes, summary_csv: None },
                "system",
            )
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("votes.csv: row {n_rows} (line {}), column \"vote\": expected an integer, found \"maybe\"", n_rows + 1)
        );
        assert!(store.consultations(None).await.unwrap().is_empty());
        assert_eq!(n_events(&store).await, before);
    }
}
