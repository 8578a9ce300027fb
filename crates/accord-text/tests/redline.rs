//! The redline on documents built in code: hand-worked expected entries, counts and renderings, and
//! property tests over generated documents.

use accord_text::akn::Inline;
use accord_text::model::Part;
use accord_text::redline::{self, Change, Counts, MovedFrom, Presence, Redline};
use accord_text::{Block, Document, EId, Meta, Node};
use proptest::prelude::*;
use time::macros::date;

fn eid(text: &str) -> EId {
    EId::parse(text).unwrap()
}

fn meta(version: &str) -> Meta {
    Meta {
        doc_type: "statement".into(),
        doc_name: "compact".into(),
        title: "Global Compact for Safe, Orderly and Regular Migration".into(),
        country: "un".into(),
        work_date: date!(2018 - 07 - 13),
        work_number: "gcm".into(),
        source_symbol: Some("A/RES/73/195".into()),
        language: "eng".into(),
        expression_date: date!(2018 - 07 - 13),
        version: version.into(),
        author: "the co-facilitators".into(),
    }
}

fn point(id: &str, num: &str, text: &str) -> Node {
    let mut node = Node::new("point");
    node.eid = Some(eid(id));
    node.num = Some(num.into());
    node.content.push(Part::Block(Block::p(text)));
    node
}

fn paragraph(id: &str, num: &str, intro: &str, points: Vec<Node>) -> Node {
    let mut node = Node::new("paragraph");
    node.eid = Some(eid(id));
    node.num = Some(num.into());
    node.intro.push(Block::p(intro));
    node.content.extend(points.into_iter().map(Part::Node));
    node
}

/// Objective 1 of the Global Compact (A/RES/73/195, paragraph 17), shortened, and a second paragraph.
fn zero_draft() -> Document {
    let p = "sec_3__obj_1__para_1";
    let para_1 = paragraph(
        p,
        "17.",
        "We commit to strengthen the global evidence base on international migration.",
        vec![
            point(&format!("{p}__point_a"), "(a)", "Elaborate and implement a comprehensive strategy."),
            point(&format!("{p}__point_b"), "(b)", "Improve international comparability of migration data."),
            point(&format!("{p}__point_c"), "(c)", "Develop a global programme to build national capacity."),
            point(&format!("{p}__point_d"), "(d)", "Collect and analyse data on the effects of migration."),
        ],
    );
    let para_2 = paragraph("sec_3__obj_1__para_2", "18.", "We further commit to act.", vec![]);
    let mut objective = Node::new("hcontainer");
    objective.name = Some("objective".into());
    objective.eid = Some(eid("sec_3__obj_1"));
    objective.num = Some("Objective 1".into());
    objective.heading = Some("Collect and utilize accurate data".into());
    objective.content.push(Part::Node(para_1));
    objective.content.push(Part::Node(para_2));
    let mut section = Node::new("section");
    section.eid = Some(eid("sec_3"));
    section.heading = Some("Objectives and commitments".into());
    section.content.push(Part::Node(objective));
    let mut body = Node::new("mainBody");
    body.content.push(Part::Node(section));
    Document::new(meta("Zero draft"), None, None, body, None).unwrap()
}

fn eids(redline: &Redline) -> Vec<String> {
    redline.entries().iter().map(|entry| entry.eid.as_ref().map_or("-".into(), EId::to_string)).collect()
}

#[test]
fn a_revision_against_itself_has_no_change_and_lists_every_element_unchanged() {
    let document = zero_draft();
    let redline = redline::redline(&document, &document);
    assert!(redline.is_unchanged());
    assert_eq!(redline.counts(), Counts::default());
    assert_eq!(redline.entries().len(), 1 + document.units().len(), "mainBody and every unit");
    assert!(redline.entries().iter().all(|entry| entry.change == Change::Unchanged));
    assert_eq!(redline::render_term(&redline, false), "no changes\n");
}

#[test]
fn a_changed_word_in_an_action_is_one_modified_element_with_its_words_marked() {
    let old = zero_draft();
    let mut new = old.clone();
    new.set_text(
        &eid("sec_3__obj_1__para_1__point_b"),
        "Improve regional comparability and compatibility of migration data.",
    )
    .unwrap();
    let redline = redline::redline(&old, &new);
    assert_eq!(redline.counts(), Counts { n_modified: 1, ..Counts::default() });
    let entry = redline.changes().next().unwrap();
    assert_eq!(entry.eid, Some(eid("sec_3__obj_1__para_1__point_b")));
    assert_eq!(entry.depth, 4);
    assert_eq!(entry.num, [Inline::Text("(b)".into())]);
    assert_eq!(
        entry.blocks[0].segments,
        [
            Inline::Text("Improve ".into()),
            Inline::Del("international".into()),
            Inline::Ins("regional".into()),
            Inline::Text(" comparability ".into()),
            Inline::Ins("and compatibility ".into()),
            Inline::Text("of migration data.".into()),
        ]
    );
    assert_eq!(
        redline::render_term(&redline, false),
        "0 inserted, 0 deleted, 1 modified, 0 moved\n\
         \x20     == sec_3__obj_1__para_1__point_b (b) (modified)\n\
         \x20        Improve [-international-][+regional+] comparability [+and compatibility +]of migration data.\n"
    );
}

#[test]
fn inserted_deleted_and_moved_actions_are_told_apart_and_listed_in_reading_order() {
    let old = zero_draft();
    let mut new = old.clone();
    let p = "sec_3__obj_1__para_1";
    // Delete (a), so (b) … (d) are renumbered; insert a new action after (c); move (d) to paragraph 18.
    new.remove(&eid(&format!("{p}__point_a"))).unwrap();
    for (id, num) in [("b", "(a)"), ("c", "(b)")] {
        new.set_num(&eid(&format!("{p}__point_{id}")), Some(num)).unwrap();
    }
    new.insert_after(&eid(&format!("{p}__point_c")), point(&format!("{p}__point_e"), "(c)", "Share data."))
        .unwrap();
    let mut new_body = new.body().clone();
    let Part::Node(section) = &mut new_body.content[0] else { unreachable!() };
    let Part::Node(objective) = &mut section.content[0] else { unreachable!() };
    let Part::Node(para_1) = &mut objective.content[0] else { unreachable!() };
    let Some(Part::Node(point_d)) = para_1.content.pop() else { unreachable!() };
    let Part::Node(para_2) = &mut objective.content[1] else { unreachable!() };
    para_2.content.push(Part::Node(Node { num: Some("(a)".into()), ..point_d }));
    let new = Document::new(meta("Rev.1"), None, None, new_body, None).unwrap();

    let redline = redline::redline(&old, &new);
    assert_eq!(
        eids(&redline),
        [
            "-",
            "sec_3",
            "sec_3__obj_1",
            p,
            "sec_3__obj_1__para_1__point_a",
            "sec_3__obj_1__para_1__point_b",
            "sec_3__obj_1__para_1__point_c",
            "sec_3__obj_1__para_1__point_e",
            "sec_3__obj_1__para_2",
            "sec_3__obj_1__para_1__point_d",
        ]
    );
    let changes: Vec<Change> = redline.entries().iter().map(|entry| entry.change).collect();
    use Change::{Deleted, Inserted, Modified, Unchanged};
    assert_eq!(
        changes,
        [
            Unchanged, Unchanged, Unchanged, Unchanged, Deleted, Modified, Modified, Inserted, Unchanged,
            Modified
        ]
    );
    assert_eq!(redline.counts(), Counts { n_inserted: 1, n_deleted: 1, n_modified: 3, n_moved: 1 });
    let moved = &redline.entries()[9];
    assert_eq!(
        moved.moved_from,
        Some(MovedFrom { parent: Some(eid(p)), position: 3, num: Some("(d)".into()) })
    );
    assert_eq!(
        moved.num,
        [
            Inline::Text("(".into()),
            Inline::Del("d".into()),
            Inline::Ins("a".into()),
            Inline::Text(")".into())
        ]
    );
    let deleted = &redline.entries()[4];
    assert_eq!(deleted.blocks[0].presence, Presence::OldOnly);
    assert_eq!(
        deleted.blocks[0].segments,
        [Inline::Del("Elaborate and implement a comprehensive strategy.".into())]
    );
    assert!(redline.entries()[5].moved_from.is_none(), "renumbering is not moving");

    let text = redline::render_term(&redline, false);
    assert!(text.contains("== sec_3__obj_1__para_1__point_a (a) (deleted)\n"), "{text}");
    assert!(text.contains("[-Elaborate and implement a comprehensive strategy.-]\n"), "{text}");
    assert!(text.contains("== sec_3__obj_1__para_1__point_e (c) (inserted)\n"), "{text}");
    assert!(
        text.contains("== sec_3__obj_1__para_1__point_d (a) (modified; moved from sec_3__obj_1__para_1, position 4, numbered (d))\n"),
        "{text}"
    );
    assert!(text.contains("num: ([-d-][+a+])\n"), "{text}");
}

#[test]
fn swapping_two_siblings_flags_only_one_as_moved() {
    let old = zero_draft();
    let mut new = old.clone();
    let p = "sec_3__obj_1__para_1";
    new.move_after(&eid(&format!("{p}__point_a")), &eid(&format!("{p}__point_d"))).unwrap();
    let redline = redline::redline(&old, &new);
    assert_eq!(redline.counts(), Counts { n_moved: 1, ..Counts::default() });
    let moved: Vec<&EId> = redline.changes().map(|entry| entry.eid.as_ref().unwrap()).collect();
    assert_eq!(moved, [&eid(&format!("{p}__point_a"))]);
}

#[test]
fn coloured_rendering_underlines_insertions_and_strikes_deletions() {
    let old = zero_draft();
    let mut new = old.clone();
    new.set_heading(&eid("sec_3__obj_1"), Some("Collect and use accurate data")).unwrap();
    let text = redline::render_term(&redline::redline(&old, &new), true);
    assert!(
        text.contains("heading: Collect and \x1b[31;9mutilize\x1b[0m\x1b[32;4muse\x1b[0m accurate data\n"),
        "{text:?}"
    );
    assert!(text.contains("\x1b[1m  == sec_3__obj_1 Objective 1 (modified)\x1b[0m\n"), "{text:?}");
}

#[test]
fn a_paragraph_that_gains_a_block_shows_it_as_inserted() {
    let old = zero_draft();
    let mut new = old.clone();
    new.set_text(&eid("sec_3__obj_1__para_2"), "We further commit to act.\nAnd to report.").unwrap();
    let redline = redline::redline(&old, &new);
    let entry = redline.changes().next().unwrap();
    assert_eq!(entry.change, Change::Modified);
    assert_eq!(entry.blocks.len(), 2);
    assert_eq!(entry.blocks[1].presence, Presence::NewOnly);
    assert_eq!(entry.blocks[1].segments, [Inline::Ins("And to report.".into())]);
}

// Property tests: generated documents share eIds from a small pool, so that two of them have matched,
// inserted, deleted, moved and reordered elements.

const WORDS: &[&str] =
    &["we", "commit", "to", "migrants", "data", ",", ".", "safe", "orderly", "regular", "rights", "(a)", ";"];

fn text_strategy() -> impl Strategy<Value = String> {
    (prop::collection::vec(prop::sample::select(WORDS), 0..8), prop::sample::select(&[" ", "  ", ""][..]))
        .prop_map(|(words, separator)| words.join(separator))
}

fn document_strategy() -> impl Strategy<Value = Document> {
    let point_strategy = (0..12usize, text_strategy());
    let paragraph_strategy = (0..6usize, text_strategy(), prop::collection::vec(point_strategy, 0..5));
    (prop::collection::vec(paragraph_strategy, 0..5), text_strategy()).prop_map(|(paragraphs, heading)| {
        let mut seen = std::collections::HashSet::new();
        let mut body = Node::new("mainBody");
        for (para_id, intro, points) in paragraphs {
            if !seen.insert(format!("para_{para_id}")) {
                continue;
            }
            let mut kept = Vec::new();
            for (point_id, text) in points {
                if seen.insert(format!("point_{point_id}")) {
                    kept.push(point(&format!("point_{point_id}"), &format!("({point_id})"), &text));
                }
            }
            let mut node = paragraph(&format!("para_{para_id}"), &format!("{para_id}."), &intro, kept);
            node.heading = (!heading.is_empty()).then(|| heading.clone());
            body.content.push(Part::Node(node));
        }
        Document::new(meta("generated"), None, None, body, None).unwrap()
    })
}

proptest! {
    #[test]
    fn a_redline_of_a_document_with_itself_has_no_change(document in document_strategy()) {
        let redline = redline::redline(&document, &document);
        prop_assert!(redline.is_unchanged());
        prop_assert!(redline.entries().iter().all(|entry| entry.is_unchanged()));
    }

    #[test]
    fn segments_rebuild_both_texts_of_every_element_exactly(old in document_strategy(), new in document_strategy()) {
        let redline = redline::redline(&old, &new);
        for entry in redline.entries() {
            let find = |document: &Document| -> Option<Node> {
                match &entry.eid {
                    Some(eid) => document.find(eid).cloned(),
                    None => Some(document.body().clone()),
                }
            };
            for (side, rebuild, node) in [
                ("old", redline::old_side as fn(&[Inline]) -> String, find(&old)),
                ("new", redline::new_side as fn(&[Inline]) -> String, find(&new)),
            ] {
                let node = node.unwrap_or_else(|| Node::new(entry.element.clone()));
                prop_assert_eq!(rebuild(&entry.num), node.num.clone().unwrap_or_default(), "{} num", side);
                prop_assert_eq!(rebuild(&entry.heading), node.heading.clone().unwrap_or_default(), "{} heading", side);
                let present = |presence: Presence| match side {
                    "old" => presence != Presence::NewOnly,
                    _ => presence != Presence::OldOnly,
                };
                let blocks: Vec<String> = entry
                    .blocks
                    .iter()
                    .filter(|block| present(block.presence))
                    .map(|block| rebuild(&block.segments))
                    .collect();
                prop_assert_eq!(blocks.join("\n"), node.own_text(), "{} blocks", side);
            }
        }
    }

    #[test]
    fn swapping_the_revisions_swaps_inserted_and_deleted_counts(a in document_strategy(), b in document_strategy()) {
        let forward = redline::redline(&a, &b).counts();
        let backward = redline::redline(&b, &a).counts();
        prop_assert_eq!(forward.n_inserted, backward.n_deleted);
        prop_assert_eq!(forward.n_deleted, backward.n_inserted);
        prop_assert_eq!(forward.n_modified, backward.n_modified);
    }

    #[test]
    fn every_element_of_both_revisions_is_listed_once(old in document_strategy(), new in document_strategy()) {
        let redline = redline::redline(&old, &new);
        let mut listed: Vec<String> =
            redline.entries().iter().filter_map(|entry| entry.eid.as_ref().map(EId::to_string)).collect();
        listed.sort();
        let mut expected: Vec<String> =
            old.units().into_iter().chain(new.units()).map(|unit| unit.eid.to_string()).collect();
        expected.sort();
        expected.dedup();
        prop_assert_eq!(listed, expected);
    }
}
