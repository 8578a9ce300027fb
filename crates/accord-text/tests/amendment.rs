//! Amendments on the real Global Compact (A/RES/73/195, the committed `data/gcm/gcm-a-res-73-195.akn.xml`):
//! hand-worked amendments and their expected texts (worked out with `str::replacen` on the text as read, an
//! independent oracle), each bad input with its message, overlaps, picks with bridging text and the
//! redline that names each change's amendment, and a property: non-overlapping deletions applied in any
//! order give the same text.

use accord_text::amendment::{
    self, Amendment, AmendmentError, ApplyError, ApplyPicksError, Kind, Overlap, Pick, Position, Proposal,
    Words,
};
use accord_text::redline::{self, Change};
use accord_text::{akn, Document, EId};
use proptest::prelude::*;
use std::sync::OnceLock;

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");
const POINT_C: &str = "sec_3__obj_15__para_1__point_c";
/// The text of objective 15 (c), as in A/RES/73/195.
const POINT_C_TEXT: &str =
    "Establish and strengthen holistic and easily accessible service points at local level, \
     that are migrant inclusive, offer relevant information on basic services in a gender and \
     disability-responsive as well as child-sensitive manner, and facilitate safe access thereto.";

fn eid(text: &str) -> EId {
    EId::parse(text).unwrap()
}

fn gcm() -> &'static Document {
    static GCM_DOCUMENT: OnceLock<Document> = OnceLock::new();
    GCM_DOCUMENT.get_or_init(|| akn::from_xml(&std::fs::read_to_string(GCM).unwrap()).unwrap())
}

fn text_of(document: &Document, id: &str) -> String {
    document.find(&eid(id)).unwrap().own_text()
}

fn replace(id: u64, target: &str, words: Words, by: &str) -> Result<Amendment, AmendmentError> {
    let proposal = Proposal::ReplaceWords { eid: eid(target), words, by: by.into() };
    Amendment::new(gcm(), id, "New York", &["Chicago"], "Cities deliver services.", proposal)
}

fn delete_words(id: u64, target: &str, words: Words) -> Amendment {
    let proposal = Proposal::DeleteWords { eid: eid(target), words };
    Amendment::new(gcm(), id, "Brazil", &[], "Shorter.", proposal).unwrap()
}

fn insert(id: u64, target: &str, position: Position, anchor: Words, text: &str) -> Amendment {
    let proposal = Proposal::InsertWords { eid: eid(target), position, anchor, text: text.into() };
    Amendment::new(gcm(), id, "Chicago", &["New York", "Bogotá"], "Local actors.", proposal).unwrap()
}

#[test]
fn the_fixture_holds_objective_15_c_as_adopted() {
    assert_eq!(text_of(gcm(), POINT_C), POINT_C_TEXT);
}

#[test]
fn replacing_at_local_level_in_objective_15_c_changes_those_words_only() {
    let amendment =
        replace(1, POINT_C, Words::new("at local level"), "at local and municipal level").unwrap();
    assert_eq!(amendment.kind(), Kind::ReplaceWords);
    assert_eq!(amendment.old_words(), "at local level");
    assert_eq!(amendment.new_words(), "at local and municipal level");
    let start = POINT_C_TEXT.find("at local level").unwrap();
    assert_eq!(amendment.target_range(), Some(start..start + "at local level".len()));

    let amended = amendment::apply(gcm(), &[&amendment]).unwrap();
    let expected = POINT_C_TEXT.replacen("at local level", "at local and municipal level", 1);
    assert_eq!(text_of(&amended, POINT_C), expected);
    let redline = redline::redline(gcm(), &amended);
    assert_eq!(redline.counts().n_modified, 1);
}

#[test]
fn insertions_before_and_after_words_get_one_space() {
    let after = insert(1, POINT_C, Position::After, Words::new("accessible"), "and affordable");
    let before = insert(2, POINT_C, Position::Before, Words::new("safe access"), "timely and");
    let comma = insert(3, POINT_C, Position::After, Words::new("thereto"), ", including online");
    let amended = amendment::apply(gcm(), &[&after, &before, &comma]).unwrap();
    let expected = POINT_C_TEXT
        .replacen("accessible", "accessible and affordable", 1)
        .replacen("safe access", "timely and safe access", 1)
        .replacen("thereto.", "thereto, including online.", 1);
    assert_eq!(text_of(&amended, POINT_C), expected);
    assert_eq!(after.new_words(), "accessible and affordable");
}

#[test]
fn deleting_words_leaves_no_double_space_nor_space_before_a_comma() {
    let holistic = delete_words(1, POINT_C, Words::new("holistic and"));
    let level = delete_words(2, POINT_C, Words::new("at local level"));
    let amended = amendment::apply(gcm(), &[&holistic, &level]).unwrap();
    let expected = POINT_C_TEXT.replacen("holistic and ", "", 1).replacen(" at local level", "", 1);
    assert_eq!(text_of(&amended, POINT_C), expected);
}

#[test]
fn the_second_occurrence_of_ambiguous_words_can_be_named() {
    let amendment = replace(1, POINT_C, Words::nth("and", 2), "as well as").unwrap();
    let amended = amendment::apply(gcm(), &[&amendment]).unwrap();
    let expected = POINT_C_TEXT.replacen("holistic and easily", "holistic as well as easily", 1);
    assert_eq!(text_of(&amended, POINT_C), expected);
}

#[test]
fn an_element_is_added_after_another_and_one_is_deleted() {
    let add = Proposal::AddElement {
        after: eid(POINT_C),
        eid: eid("sec_3__obj_15__para_1__point_c-bis"),
        element: "point".into(),
        num: Some("(c bis)".into()),
        text: "Involve local authorities in the design of service points.".into(),
    };
    let add = Amendment::new(gcm(), 7, "New York", &[], "Cities run them.", add).unwrap();
    let delete = Proposal::DeleteElement { eid: eid("sec_3__obj_15__para_1__point_d") };
    let delete = Amendment::new(gcm(), 8, "Brazil", &[], "Covered elsewhere.", delete).unwrap();
    let amended = amendment::apply(gcm(), &[&add, &delete]).unwrap();
    let points: Vec<String> = amended
        .find(&eid("sec_3__obj_15__para_1"))
        .unwrap()
        .children()
        .map(|child| child.eid.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(points[2], POINT_C);
    assert_eq!(points[3], "sec_3__obj_15__para_1__point_c-bis");
    assert_eq!(points[4], "sec_3__obj_15__para_1__point_e");
    assert_eq!(
        text_of(&amended, "sec_3__obj_15__para_1__point_c-bis"),
        "Involve local authorities in the design of service points."
    );
}

#[test]
fn bad_amendments_are_refused_each_with_a_message_naming_the_eid_and_words() {
    let cases: Vec<(Result<Amendment, AmendmentError>, &str)> = vec![
        (
            replace(1, POINT_C, Words::new("at regional level"), "x"),
            "eId `sec_3__obj_15__para_1__point_c`: expected the words `at regional level` in its text, found none",
        ),
        (
            replace(1, POINT_C, Words::new("and"), "or"),
            "eId `sec_3__obj_15__para_1__point_c`: the words `and` occur 4 times; expected an occurrence (1 to 4)",
        ),
        (
            replace(1, POINT_C, Words::nth("and", 5), "or"),
            "eId `sec_3__obj_15__para_1__point_c`: expected occurrence 5 of the words `and`, found 4",
        ),
        (
            replace(1, POINT_C, Words::new("nation"), "state"),
            "eId `sec_3__obj_15__para_1__point_c`: expected the words `nation` in its text, found none",
        ),
        (
            replace(1, "sec_3__obj_15__para_1__point_z", Words::new("x"), "y"),
            "expected an element with eId `sec_3__obj_15__para_1__point_z` in the revision, found none",
        ),
        (
            replace(1, POINT_C, Words::new("at local level"), "  "),
            "eId `sec_3__obj_15__para_1__point_c`: expected the new words, found empty text",
        ),
        (
            replace(1, POINT_C, Words::new("at local level"), "at local level"),
            "eId `sec_3__obj_15__para_1__point_c`: expected new words other than `at local level`, found the same",
        ),
        (
            Amendment::new(
                gcm(),
                1,
                "New York",
                &["Chicago", "New York"],
                "Cities.",
                Proposal::DeleteWords { eid: eid(POINT_C), words: Words::new("holistic") },
            ),
            "co-sponsor `New York` is the sponsor; expected other parties",
        ),
        (
            Amendment::new(
                gcm(),
                1,
                "New York",
                &["Chicago", "Chicago"],
                "Cities.",
                Proposal::DeleteWords { eid: eid(POINT_C), words: Words::new("holistic") },
            ),
            "co-sponsor `Chicago` is listed twice",
        ),
        (
            Amendment::new(
                gcm(),
                1,
                "New York",
                &[],
                " ",
                Proposal::DeleteWords { eid: eid(POINT_C), words: Words::new("holistic") },
            ),
            "eId `sec_3__obj_15__para_1__point_c`: expected the justification, found empty text",
        ),
        (
            Amendment::new(
                gcm(),
                1,
                "New York",
                &[],
                "Cities.",
                Proposal::AddElement {
                    after: eid(POINT_C),
                    eid: eid("sec_3__obj_15__para_1__point_d"),
                    element: "point".into(),
                    num: None,
                    text: "New.".into(),
                },
            ),
            "eId `sec_3__obj_15__para_1__point_d`: expected a new eId, found one the revision uses",
        ),
        (
            Amendment::new(
                gcm(),
                1,
                "New York",
                &[],
                "Cities.",
                Proposal::DeleteWords { eid: eid("sec_3__obj_15"), words: Words::new("x") },
            ),
            "eId `sec_3__obj_15`: expected an element with text of its own, found one without",
        ),
    ];
    for (result, message) in cases {
        assert_eq!(result.unwrap_err().to_string(), message);
    }
}

#[test]
fn amendments_naming_intersecting_words_overlap_and_are_not_applied() {
    let replace_level = replace(1, POINT_C, Words::new("at local level"), "at all levels").unwrap();
    let insert_after_local = insert(2, POINT_C, Position::After, Words::new("local"), "and municipal");
    let error = amendment::apply(gcm(), &[&replace_level, &insert_after_local]).unwrap_err();
    assert_eq!(error, ApplyError::Overlap(Overlap { a: 1, b: 2, eid: eid(POINT_C) }));
    assert_eq!(error.to_string(), "amendments 1 and 2 overlap in eId `sec_3__obj_15__para_1__point_c`");
}

#[test]
fn deleting_an_element_overlaps_with_amendments_of_what_lies_in_it() {
    let delete = Proposal::DeleteElement { eid: eid("sec_3__obj_15__para_1") };
    let delete = Amendment::new(gcm(), 9, "Brazil", &[], "Too long.", delete).unwrap();
    let replace_level = replace(3, POINT_C, Words::new("at local level"), "at all levels").unwrap();
    let overlaps = amendment::overlaps(&[&replace_level, &delete]);
    assert_eq!(overlaps, [Overlap { a: 9, b: 3, eid: eid("sec_3__obj_15__para_1") }]);
}

#[test]
fn amendments_on_separate_words_of_one_point_apply_together_in_either_order() {
    let first = replace(1, POINT_C, Words::new("Establish and strengthen"), "Strengthen").unwrap();
    let second = replace(2, POINT_C, Words::new("at local level"), "at local and municipal level").unwrap();
    let third = delete_words(3, POINT_C, Words::new("as well as child-sensitive"));
    let one_way = amendment::apply(gcm(), &[&first, &second, &third]).unwrap();
    let other_way = amendment::apply(gcm(), &[&third, &second, &first]).unwrap();
    assert_eq!(one_way, other_way);
    let expected = POINT_C_TEXT
        .replacen("Establish and strengthen", "Strengthen", 1)
        .replacen("at local level", "at local and municipal level", 1)
        .replacen(" as well as child-sensitive", "", 1);
    assert_eq!(text_of(&one_way, POINT_C), expected);
}

#[test]
fn an_amendment_checked_against_another_revision_is_refused_as_stale() {
    let rev_1 = amendment::apply(
        gcm(),
        &[&replace(1, POINT_C, Words::new("Establish and strengthen"), "Strengthen").unwrap()],
    )
    .unwrap();
    let of_the_final_text = replace(2, POINT_C, Words::new("at local level"), "locally").unwrap();
    let error = amendment::apply(&rev_1, &[&of_the_final_text]).unwrap_err();
    assert!(matches!(error, ApplyError::Stale { id: 2, .. }), "{error}");
    assert!(error.to_string().starts_with(
        "amendment 2, eId `sec_3__obj_15__para_1__point_c`: expected the words `at local level` at bytes"
    ));
}

fn tabled() -> Vec<Amendment> {
    let add = Proposal::AddElement {
        after: eid(POINT_C),
        eid: eid("sec_3__obj_15__para_1__point_c-bis"),
        element: "point".into(),
        num: Some("(c bis)".into()),
        text: "Involve local authorities in service delivery.".into(),
    };
    vec![
        replace(11, POINT_C, Words::new("at local level"), "at local and municipal level").unwrap(),
        insert(12, POINT_C, Position::After, Words::new("local"), "and regional"),
        delete_words(13, "sec_3__obj_1__para_1__point_b", Words::new("international comparability and")),
        Amendment::new(gcm(), 14, "New York", &["Chicago"], "Cities run them.", add).unwrap(),
        Amendment::new(
            gcm(),
            15,
            "Brazil",
            &[],
            "Covered by (c).",
            Proposal::DeleteElement { eid: eid("sec_3__obj_15__para_1__point_d") },
        )
        .unwrap(),
    ]
}

#[test]
fn picks_with_bridging_text_make_the_next_revision_and_its_redline_names_each_amendment() {
    let amendments = tabled();
    let picks = [
        Pick { amendment_id: 11, bridging: Some("at local, including municipal, level".into()) },
        Pick { amendment_id: 13, bridging: None },
        Pick { amendment_id: 14, bridging: None },
        Pick { amendment_id: 15, bridging: None },
    ];
    let (rev_1, provenance) = amendment::apply_picks(gcm(), &amendments, &picks).unwrap();
    assert_eq!(
        text_of(&rev_1, POINT_C),
        POINT_C_TEXT.replacen("at local level", "at local, including municipal, level", 1)
    );

    let redline = redline::redline(gcm(), &rev_1);
    let changes: Vec<(String, Change, Vec<u64>)> = redline
        .changes()
        .map(|entry| {
            (entry.eid.as_ref().unwrap().to_string(), entry.change, provenance.amendments_for(entry))
        })
        .collect();
    let expected = [
        ("sec_3__obj_1__para_1__point_b", Change::Modified, vec![13]),
        (POINT_C, Change::Modified, vec![11]),
        // The redline lists a deleted element right after the one it followed in the old text.
        ("sec_3__obj_15__para_1__point_d", Change::Deleted, vec![15]),
        ("sec_3__obj_15__para_1__point_c-bis", Change::Inserted, vec![14]),
    ];
    let expected: Vec<(String, Change, Vec<u64>)> =
        expected.into_iter().map(|(id, change, ids)| (id.to_owned(), change, ids)).collect();
    assert_eq!(changes, expected);

    let point_c_entry = redline.changes().find(|entry| entry.eid == Some(eid(POINT_C))).unwrap();
    let by_segment = provenance.amendments_for_segments(point_c_entry);
    assert!(!by_segment.is_empty());
    for (block_idx, segment_idx, ids) in by_segment {
        let segment = &point_c_entry.blocks[block_idx].segments[segment_idx];
        assert_eq!(ids, [11], "{segment:?}");
    }

    let start = POINT_C_TEXT.find("at local level").unwrap();
    let bridged = start..start + "at local, including municipal, level".len();
    assert_eq!(provenance.amendments_at(&eid(POINT_C), bridged), [11]);
    assert_eq!(provenance.amendments_at(&eid(POINT_C), 0..10), Vec::<u64>::new());
}

#[test]
fn bad_picks_are_refused_and_name_the_amendment() {
    let amendments = tabled();
    let pick =
        |amendment_id, bridging: Option<&str>| Pick { amendment_id, bridging: bridging.map(Into::into) };
    let cases = [
        (vec![pick(99, None)], "pick of amendment 99: expected a tabled amendment, found none with that number"),
        (vec![pick(11, None), pick(11, None)], "amendment 11 is picked twice"),
        (
            vec![pick(11, None), pick(12, None)],
            "amendments 11 and 12 overlap in eId `sec_3__obj_15__para_1__point_c`",
        ),
        (
            vec![pick(15, Some("x"))],
            "pick of amendment 15: amendment 15 deletes an element; expected no bridging text, found some",
        ),
        (
            vec![pick(11, Some(" "))],
            "pick of amendment 11: eId `sec_3__obj_15__para_1__point_c`: expected bridging text, found empty text",
        ),
    ];
    for (picks, message) in cases {
        let error = amendment::apply_picks(gcm(), &amendments, &picks).unwrap_err();
        assert_eq!(error.to_string(), message);
    }
    assert!(matches!(
        amendment::apply_picks(gcm(), &amendments, &[pick(99, None)]),
        Err(ApplyPicksError::UnknownAmendment(99))
    ));
}

/// The words of objective 15 (c) that are letters only, each with its occurrence among whole-word matches.
fn deletable_words() -> Vec<(String, usize)> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    POINT_C_TEXT
        .split(' ')
        .map(|token| {
            let n_before = seen.entry(token).or_insert(0);
            *n_before += 1;
            (token, *n_before)
        })
        .filter(|(token, _)| token.chars().all(char::is_alphabetic))
        .filter(|(token, _)| !["and", "as", "well", "in", "a"].contains(token))
        .map(|(token, occurrence)| (token.to_owned(), occurrence))
        .collect()
}

proptest! {
    #[test]
    fn non_overlapping_word_deletions_give_the_same_text_in_any_order(
        chosen in proptest::sample::subsequence(deletable_words(), 1..10),
        seed in any::<u64>(),
    ) {
        let amendments: Vec<Amendment> = chosen
            .iter()
            .enumerate()
            .map(|(idx, (word, occurrence))| {
                delete_words(idx as u64, POINT_C, Words::nth(word.clone(), *occurrence))
            })
            .collect();
        let in_order: Vec<&Amendment> = amendments.iter().collect();
        let mut shuffled = in_order.clone();
        // A seeded Fisher-Yates shuffle, so that every order can come up.
        let mut state = seed;
        for idx in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(idx, (state >> 33) as usize % (idx + 1));
        }
        let one = amendment::apply(gcm(), &in_order).unwrap();
        let other = amendment::apply(gcm(), &shuffled).unwrap();
        prop_assert_eq!(text_of(&one, POINT_C), text_of(&other, POINT_C));
        let n_words = |text: &str| text.split_whitespace().count();
        prop_assert_eq!(n_words(&text_of(&one, POINT_C)), n_words(POINT_C_TEXT) - chosen.len());
    }
}

#[test]
fn bridging_text_keeps_the_space_at_its_end_when_it_replaces_words_that_end_in_one() {
    // A deletion of "holistic and " (space included), picked with bridging text that says it otherwise: the
    // space the deleted words took with them comes back with the bridging text, as typed.
    let deletion = delete_words(21, POINT_C, Words::new("holistic and "));
    let picks = [Pick { amendment_id: 21, bridging: Some("integrated and ".into()) }];
    let (next, _) = amendment::apply_picks(gcm(), &[deletion], &picks).unwrap();
    assert_eq!(text_of(&next, POINT_C), POINT_C_TEXT.replacen("holistic and ", "integrated and ", 1));
}
