//! Building a conversation from vote rows: what is kept, what is refused, and degenerate inputs.

use accord_opinion::{
    analyze, Conversation, ConversationError, Moderation, Settings, SettingsError, SignConvention, Statement,
    VoteRow,
};

fn row(participant: i64, statement: i64, vote: i64, modified: i64) -> VoteRow {
    VoteRow { participant, statement, vote, modified }
}

fn settings() -> accord_opinion::CheckedSettings {
    Settings::default().check().expect("default settings are valid")
}

#[test]
fn the_latest_vote_counts_whatever_the_row_order() {
    let rows = [row(1, 0, 1, 20), row(1, 0, -1, 10), row(2, 0, 0, 5)];
    let conversation = Conversation::new(&rows, SignConvention::AgreeIsPositive, None).expect("valid");
    // Participant 1's latest vote (time 20) is +1, agree in export signs, -1 inside Pol.is's math.
    assert_eq!(conversation.vote(0, 0), Some(-1));
    assert_eq!(conversation.vote(1, 0), Some(0));
}

#[test]
fn bad_inputs_are_refused_with_the_row_that_breaks_the_rule() {
    let statements = [Statement { id: 0, moderation: Moderation::Accepted, is_meta: false }];
    // (what, rows, statement list, expected error)
    type Case<'a> = (&'a str, Vec<VoteRow>, Option<&'a [Statement]>, ConversationError);
    let cases: [Case; 4] = [
        (
            "a vote of 2",
            vec![row(0, 0, 1, 1), row(1, 0, 2, 1)],
            None,
            ConversationError::VoteOutOfRange { row: 1, found: 2 },
        ),
        (
            "two different votes at the same time",
            vec![row(0, 0, 1, 7), row(0, 0, -1, 7)],
            None,
            ConversationError::ConflictingDuplicate {
                row: 1,
                first_row: 0,
                participant: 0,
                statement: 0,
                modified: 7,
                first: 1,
                found: -1,
            },
        ),
        (
            "a statement missing from the list",
            vec![row(0, 0, 1, 1), row(0, 3, 1, 1)],
            Some(&statements),
            ConversationError::UnknownStatement { row: 1, statement: 3 },
        ),
        ("no votes", vec![], None, ConversationError::Empty),
    ];
    for (what, rows, statements, expected) in cases {
        let error = Conversation::new(&rows, SignConvention::AgreeIsPositive, statements).unwrap_err();
        assert_eq!(error, expected, "{what}");
    }
}

#[test]
fn the_same_vote_twice_at_the_same_time_is_accepted() {
    let rows = [row(0, 0, 1, 7), row(0, 0, 1, 7)];
    assert!(Conversation::new(&rows, SignConvention::AgreeIsPositive, None).is_ok());
}

#[test]
fn error_messages_say_what_was_expected_and_what_was_found() {
    let error = Conversation::new(&[row(4, 2, 5, 0)], SignConvention::AgreeIsNegative, None).unwrap_err();
    assert_eq!(error.to_string(), "row 0: expected a vote of -1, 0 or 1, found 5");
    let error = Settings { max_group_k: 1, ..Settings::default() }.check().unwrap_err();
    assert_eq!(error, SettingsError::MaxGroupK(1));
    assert_eq!(error.to_string(), "max_group_k: expected at least 2, found 1");
}

fn assert_finite(analysis: &accord_opinion::Analysis, what: &str) {
    let numbers = analysis
        .pca
        .center
        .iter()
        .chain(analysis.pca.comps.iter().flatten())
        .chain(analysis.pca.comment_extremity.iter())
        .chain(analysis.projections.values().flatten())
        .chain(analysis.group_aware_consensus.values())
        .chain(analysis.comment_priorities.values());
    for x in numbers {
        assert!(x.is_finite(), "{what}: found {x}");
    }
}

#[test]
fn one_participant_makes_one_group_at_the_origin() {
    let conversation =
        Conversation::new(&[row(9, 0, 1, 0), row(9, 1, -1, 0)], SignConvention::AgreeIsPositive, None)
            .expect("valid");
    let analysis = analyze(&conversation, &settings());
    assert_finite(&analysis, "one participant");
    assert_eq!(analysis.in_conv, vec![9]);
    assert_eq!(analysis.group_clusters.len(), 1);
    assert_eq!(analysis.projections[&9], [0.0, 0.0]);
    // A single group: (A + 1) / (S + 2) = 2/3 for the agreed statement, 1/3 for the other.
    assert!((analysis.group_aware_consensus[&0] - 2.0 / 3.0).abs() < 1e-15);
    assert!((analysis.group_aware_consensus[&1] - 1.0 / 3.0).abs() < 1e-15);
}

#[test]
fn a_conversation_of_passes_gives_zero_components_and_no_nan() {
    let rows: Vec<VoteRow> = (0..20).flat_map(|p| (0..3).map(move |s| row(p, s, 0, 0))).collect();
    let conversation = Conversation::new(&rows, SignConvention::AgreeIsPositive, None).expect("valid");
    let analysis = analyze(&conversation, &settings());
    assert_finite(&analysis, "all passes");
    assert!(analysis.pca.comps.iter().flatten().all(|&x| x == 0.0));
    assert!(analysis.consensus.agree.is_empty() && analysis.consensus.disagree.is_empty());
}

#[test]
fn the_analysis_does_not_depend_on_the_order_of_the_rows() {
    // 30 participants in two camps on 8 statements, some of them silent on some statements.
    let rows: Vec<VoteRow> = (0..30)
        .flat_map(|p: i64| {
            (0..8).filter(move |s| (p + s) % 5 != 0).map(move |s| {
                let camp = if p % 3 == 0 { 1 } else { -1 };
                let vote = if s % 2 == 0 { camp } else { -camp * i64::from(p % 4 != 1) };
                row(p, s, vote, p * 10 + s)
            })
        })
        .collect();
    let forward = Conversation::new(&rows, SignConvention::AgreeIsPositive, None).expect("valid");
    let reversed_rows: Vec<VoteRow> = rows.iter().rev().copied().collect();
    let mut rotated_rows = rows.clone();
    rotated_rows.rotate_left(17);
    for (what, other) in [("reversed", reversed_rows), ("rotated", rotated_rows)] {
        let other = Conversation::new(&other, SignConvention::AgreeIsPositive, None).expect("valid");
        assert_eq!(analyze(&forward, &settings()), analyze(&other, &settings()), "{what} rows");
    }
}

#[test]
fn the_same_row_twice_counts_as_one_vote() {
    let rows = [row(0, 0, 1, 7), row(0, 0, 1, 7), row(0, 1, -1, 8)];
    let conversation = Conversation::new(&rows, SignConvention::AgreeIsPositive, None).expect("valid");
    assert_eq!(conversation.vote_counts(), vec![2]);
    assert_eq!(conversation.n_votes(), 2);
}

#[test]
fn disagreeing_votes_that_a_later_vote_supersedes_are_not_a_conflict() {
    // Rows 0 and 1 disagree at time 7, but row 2 at time 9 is the latest, in either row order.
    let rows = vec![row(0, 0, 1, 7), row(0, 0, -1, 7), row(0, 0, 0, 9)];
    let mut reversed = rows.clone();
    reversed.reverse();
    for rows in [rows, reversed] {
        let conversation = Conversation::new(&rows, SignConvention::AgreeIsPositive, None).expect("valid");
        assert_eq!(conversation.vote(0, 0), Some(0));
    }
}

#[test]
fn of_several_bad_rows_the_first_is_named() {
    let rows = [row(0, 0, 1, 1), row(1, 0, 1, 5), row(1, 0, -1, 5), row(2, 0, 3, 1)];
    let error = Conversation::new(&rows, SignConvention::AgreeIsPositive, None).unwrap_err();
    assert!(matches!(error, ConversationError::ConflictingDuplicate { row: 2, first_row: 1, .. }), "{error}");
    let rows = [row(2, 0, 3, 1), row(1, 0, 1, 5), row(1, 0, -1, 5)];
    let error = Conversation::new(&rows, SignConvention::AgreeIsPositive, None).unwrap_err();
    assert_eq!(error, ConversationError::VoteOutOfRange { row: 0, found: 3 });
}

#[test]
fn bad_opendata_votes_name_the_file_line_and_column() {
    let comments = "comment-id,moderated,is-meta\n0,1,false\n1,1,false\n";
    let header = "timestamp,datetime,comment-id,voter-id,vote\n";
    let cases = [
        ("a vote of 2", "1,x,0,0,1\n2,x,1,0,2\n", "votes.csv: line 3: field \"vote\": row 1: expected a vote of -1, 0 or 1, found 2"),
        (
            "an unknown statement",
            "1,x,0,0,1\n2,x,9,0,1\n",
            "votes.csv: line 3: field \"comment-id\": row 1: expected a statement from the statement list, found statement 9",
        ),
        (
            "a conflicting duplicate",
            "5,x,0,0,1\n5,x,0,0,-1\n",
            "votes.csv: line 3: field \"vote\": row 1: participant 0 voted -1 on statement 0 at 5, but row 0 has 1 at the same time",
        ),
        ("no votes", "", "votes.csv: expected at least one vote, found none"),
    ];
    for (what, votes, expected) in cases {
        let error = accord_opinion::parse_opendata(&format!("{header}{votes}"), comments).unwrap_err();
        assert_eq!(error.to_string(), expected, "{what}");
    }
}

#[test]
fn the_builder_refuses_votes_out_of_order_and_builds_what_new_builds() {
    let mut builder =
        accord_opinion::ConversationBuilder::new(SignConvention::AgreeIsPositive, None).expect("a builder");
    builder.push(1, 5, 1).expect("first");
    let error = builder.push(1, 5, -1).unwrap_err();
    assert_eq!(
        error.to_string(),
        "row 1: expected votes in ascending (participant, statement) order, one per pair, found participant 1 on \
         statement 5 after participant 1 on statement 5"
    );
    builder.push(1, 7, -1).expect("in order");
    builder.push(3, 2, 0).expect("in order");
    let built = builder.build().expect("a conversation");
    let rows = [row(3, 2, 0, 0), row(1, 7, -1, 0), row(1, 5, 1, 0)];
    assert_eq!(built, Conversation::new(&rows, SignConvention::AgreeIsPositive, None).expect("valid"));
    assert_eq!(built.statements(), &[2, 5, 7]);
}

#[test]
fn a_single_participant_on_a_single_statement_gives_a_finite_result() {
    let conversation =
        Conversation::new(&[row(4, 1, -1, 0)], SignConvention::AgreeIsPositive, None).expect("valid");
    let analysis = analyze(&conversation, &settings());
    assert_finite(&analysis, "one vote");
    assert_eq!(analysis.projections[&4], [0.0, 0.0]);
}

#[test]
fn the_engine_after_new_votes_agrees_with_a_cold_analysis_of_the_same_votes() {
    // 60 participants in two camps on 100 statements (more than the dense-path limit).
    let rows: Vec<VoteRow> = (0..60i64)
        .flat_map(|p| {
            (0..100i64).filter(move |s| (p * 7 + s * 3) % 4 != 0).map(move |s| {
                let camp = if p % 3 == 0 { 1 } else { -1 };
                let vote = if (s + p) % 5 == 0 {
                    0
                } else if s % 2 == 0 {
                    camp
                } else {
                    -camp
                };
                row(p, s, vote, 0)
            })
        })
        .collect();
    let sign = SignConvention::AgreeIsPositive;
    let conversation = Conversation::new(&rows, sign, None).expect("valid");
    let mut engine = accord_opinion::Engine::new(conversation, settings(), sign);
    let mut all_rows = rows.clone();
    for (i, &(participant, statement, vote)) in
        [(5, 0, -1), (60, 3, 1), (61, 4, 0), (2, 99, 1)].iter().enumerate()
    {
        let new = row(participant, statement, vote, 1 + i as i64);
        engine.vote(new).expect("a valid vote");
        all_rows.push(new);
    }
    let cold = analyze(&Conversation::new(&all_rows, sign, None).expect("valid"), &settings());
    let live = engine.analysis().clone();
    assert_eq!(live.user_vote_counts, cold.user_vote_counts);
    assert_eq!(live.pca.center, cold.pca.center);
    for (ours, theirs) in live.pca.comps.iter().zip(&cold.pca.comps) {
        let worst = ours.iter().zip(theirs).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(worst < 1e-9, "components differ by {worst}");
    }
    for (participant, [x, y]) in &cold.projections {
        let [a, b] = live.projections[participant];
        assert!((a - x).abs() < 1e-9 && (b - y).abs() < 1e-9, "participant {participant}");
    }
    // The counts the engine moved vote by vote are those counted afresh for its own clustering.
    let given = accord_opinion::GivenClustering {
        base_clusters: live.base_clusters.clone(),
        group_clusters: live.group_clusters.clone(),
    };
    let recounted = accord_opinion::analyze_with_groups(engine.conversation(), &settings(), &given).unwrap();
    assert_eq!(live.votes_base, recounted.votes_base);
    assert_eq!(live.group_votes, recounted.group_votes);
    assert_eq!(live.repness, recounted.repness);
    assert_eq!(live.group_aware_consensus, recounted.group_aware_consensus);
    assert_eq!(
        engine.vote(row(0, 0, 5, 9)).unwrap_err(),
        ConversationError::VoteOutOfRange { row: 0, found: 5 }
    );
}

#[test]
fn the_engines_counts_follow_votes_and_moves_over_many_updates() {
    // 90 participants in three camps on 20 statements; then 300 votes, each followed by a refresh,
    // some changing a vote, some from new participants. After each, the engine's per-cluster counts
    // must equal those counted afresh for the clustering it chose.
    let camp = |p: i64| [1, -1, 0][(p % 3) as usize];
    let rows: Vec<VoteRow> = (0..90i64)
        .flat_map(|p| {
            (0..20i64)
                .filter(move |s| (p + s) % 3 != 0)
                .map(move |s| row(p, s, if s % 2 == 0 { camp(p) } else { -camp(p) }, 0))
        })
        .collect();
    let sign = SignConvention::AgreeIsPositive;
    let mut engine =
        accord_opinion::Engine::new(Conversation::new(&rows, sign, None).unwrap(), settings(), sign);
    for i in 0..300i64 {
        let (participant, statement, vote) = ((i * 7) % 110, (i * 13) % 20, (i % 3) - 1);
        engine.vote(row(participant, statement, vote, 1 + i)).unwrap();
        let live = engine.analysis().clone();
        let given = accord_opinion::GivenClustering {
            base_clusters: live.base_clusters.clone(),
            group_clusters: live.group_clusters.clone(),
        };
        let recounted =
            accord_opinion::analyze_with_groups(engine.conversation(), &settings(), &given).unwrap();
        assert_eq!(live.votes_base, recounted.votes_base, "after vote {i}");
        assert_eq!(live.group_votes, recounted.group_votes, "after vote {i}");
    }
}
