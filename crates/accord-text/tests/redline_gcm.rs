//! The redline on the real Global Compact (A/RES/73/195, the committed `data/gcm/gcm-a-res-73-195.akn.xml`)
//! against a revision with a handful of edits, and its Akoma Ntoso rendering checked by xmllint against the
//! official schema (`apt-get install libxml2-utils`).

use accord_text::akn::{self, Inline};
use accord_text::model::Part;
use accord_text::redline::{self, Change, Counts, MovedFrom};
use accord_text::{Block, Document, EId, Node};
use std::process::Command;

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/schemas/akn/akomantoso30.xsd");

fn eid(text: &str) -> EId {
    EId::parse(text).unwrap()
}

fn gcm() -> Document {
    akn::from_xml(&std::fs::read_to_string(GCM).unwrap()).unwrap()
}

fn text_of(document: &Document, id: &str) -> String {
    document.find(&eid(id)).unwrap().own_text()
}

/// Rev.1 of the GCM, edited as a negotiation would:
/// 1. objective 1 (b): `international comparability` becomes `regional comparability`;
/// 2. objective 1's heading loses `and disaggregated`;
/// 3. objective 2 (a): the first word `Promote` becomes `Encourage`;
/// 4. objective 3 (a) is deleted;
/// 5. a new action is inserted after objective 4 (a);
/// 6. objective 5 (b) is moved to the end of objective 6's actions.
fn rev_1(final_text: &Document) -> Document {
    let mut document = final_text.clone();
    let point_1b = "sec_3__obj_1__para_1__point_b";
    let text =
        text_of(&document, point_1b).replacen("international comparability", "regional comparability", 1);
    document.set_text(&eid(point_1b), &text).unwrap();
    let heading = document.find(&eid("sec_3__obj_1")).unwrap().heading.clone().unwrap();
    document.set_heading(&eid("sec_3__obj_1"), Some(&heading.replacen(" and disaggregated", "", 1))).unwrap();
    let point_2a = "sec_3__obj_2__para_1__point_a";
    let text = text_of(&document, point_2a).replacen("Promote", "Encourage", 1);
    document.set_text(&eid(point_2a), &text).unwrap();
    document.remove(&eid("sec_3__obj_3__para_1__point_a")).unwrap();
    let mut inserted = Node::new("point");
    inserted.eid = Some(eid("sec_3__obj_4__para_1__point_a-bis"));
    inserted.num = Some("(a bis)".into());
    inserted.content.push(Part::Block(Block::p("Share civil registry data across borders.")));
    document.insert_after(&eid("sec_3__obj_4__para_1__point_a"), inserted).unwrap();
    let last_of_6 =
        document.find(&eid("sec_3__obj_6__para_1")).unwrap().children().last().unwrap().eid.clone();
    document.move_after(&eid("sec_3__obj_5__para_1__point_b"), &last_of_6.unwrap()).unwrap();
    document
}

fn xmllint_validates(xml: &str) -> Result<(), String> {
    let directory = std::env::temp_dir().join(format!("accord-redline-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("redline.akn.xml");
    std::fs::write(&path, xml).unwrap();
    let output = Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA])
        .arg(&path)
        .output()
        .map_err(|error| format!("xmllint is needed (apt-get install libxml2-utils): {error}"))?;
    std::fs::remove_dir_all(&directory).unwrap();
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn the_gcm_against_itself_is_unchanged_and_lists_all_its_187_actions() {
    let document = gcm();
    let redline = redline::redline(&document, &document);
    assert!(redline.is_unchanged());
    let n_points = redline.entries().iter().filter(|entry| entry.element == "point").count();
    assert_eq!(n_points, 187, "the actions of the 23 objectives, as /work/shared/README.md counts them");
    assert_eq!(redline::render_term(&redline, true), "no changes\n");
}

#[test]
fn six_negotiated_edits_of_the_gcm_are_found_and_nothing_else() {
    let old = gcm();
    let new = rev_1(&old);
    let redline = redline::redline(&old, &new);
    assert_eq!(redline.counts(), Counts { n_inserted: 1, n_deleted: 1, n_modified: 3, n_moved: 1 });

    let changed: Vec<(String, Change, bool)> = redline
        .changes()
        .map(|entry| (entry.eid.as_ref().unwrap().to_string(), entry.change, entry.moved_from.is_some()))
        .collect();
    let expected = [
        ("sec_3__obj_1", Change::Modified, false),
        ("sec_3__obj_1__para_1__point_b", Change::Modified, false),
        ("sec_3__obj_2__para_1__point_a", Change::Modified, false),
        ("sec_3__obj_3__para_1__point_a", Change::Deleted, false),
        ("sec_3__obj_4__para_1__point_a-bis", Change::Inserted, false),
        ("sec_3__obj_5__para_1__point_b", Change::Unchanged, true),
    ];
    let expected: Vec<(String, Change, bool)> =
        expected.iter().map(|(id, change, moved)| ((*id).to_owned(), *change, *moved)).collect();
    assert_eq!(changed, expected);

    let heading = &redline.changes().next().unwrap().heading;
    assert!(heading.contains(&Inline::Del("and disaggregated ".into())), "{heading:?}");
    let moved = redline.changes().last().unwrap();
    assert_eq!(
        moved.moved_from,
        Some(MovedFrom { parent: Some(eid("sec_3__obj_5__para_1")), position: 1, num: Some("(b)".into()) })
    );
    let position_of =
        |id: &str| redline.entries().iter().position(|entry| entry.eid == Some(eid(id))).unwrap();
    assert!(
        position_of("sec_3__obj_6__para_1") < position_of("sec_3__obj_5__para_1__point_b"),
        "a moved action is listed where it now stands"
    );
    assert!(
        position_of("sec_3__obj_3__para_1") < position_of("sec_3__obj_3__para_1__point_a")
            && position_of("sec_3__obj_3__para_1__point_a") < position_of("sec_3__obj_3__para_1__point_b"),
        "a deleted action is listed where it stood"
    );

    let text = redline::render_term(&redline, false);
    assert!(text.contains("Improve [-international-][+regional+] comparability"), "{text}");
    assert!(text.contains("[-Promote-][+Encourage+]"), "{text}");
    assert!(text.contains("[+Share civil registry data across borders.+]"), "{text}");
    assert!(text.contains("(moved from sec_3__obj_5__para_1, position 2, numbered (b))"), "{text}");
}

#[test]
fn the_akn_redline_of_the_gcm_validates_and_marks_every_change() {
    let old = gcm();
    let new = rev_1(&old);
    let redline = redline::redline(&old, &new);
    let xml = redline::to_akn(&old, &new, &redline);
    xmllint_validates(&xml).unwrap();

    let tree = roxmltree::Document::parse(&xml).unwrap();
    let texts = |name: &str| -> Vec<String> {
        tree.descendants()
            .filter(|node| node.tag_name().name() == name)
            .map(|node| node.text().unwrap_or_default().to_owned())
            .collect()
    };
    let deleted_3a = text_of(&old, "sec_3__obj_3__para_1__point_a");
    assert_eq!(texts("del"), ["international", "Promote", deleted_3a.as_str()]);
    assert_eq!(texts("ins"), ["regional", "Encourage", "Share civil registry data across borders."]);

    // The deleted action stays in place, with its eId, between its old siblings.
    let point_eids: Vec<&str> = tree
        .descendants()
        .filter(|node| node.tag_name().name() == "point")
        .filter_map(|node| node.attribute("eId"))
        .filter(|id| id.starts_with("sec_3__obj_3__"))
        .take(2)
        .collect();
    assert_eq!(point_eids, ["sec_3__obj_3__para_1__point_a", "sec_3__obj_3__para_1__point_b"]);
}

#[test]
fn the_akn_redline_of_the_gcm_with_itself_is_the_plain_export() {
    let document = gcm();
    let redline = redline::redline(&document, &document);
    assert_eq!(redline::to_akn(&document, &document, &redline), akn::to_xml(&document));
}

#[test]
fn a_cross_heading_between_two_actions_stands_after_the_first() {
    let document = gcm();
    let redline = redline::redline(&document, &document);
    let paragraph =
        redline.entries().iter().find(|entry| entry.eid == Some(eid("sec_3__obj_2__para_1"))).unwrap();
    let cross_heading = paragraph.blocks.iter().find(|block| block.element == "crossHeading").unwrap();
    assert_eq!(
        redline::new_side(&cross_heading.segments),
        "Natural disasters, the adverse effects of climate change, and environmental degradation:"
    );
    assert_eq!(cross_heading.after_n_children, 7, "after actions (a) to (g)");
    assert_eq!(paragraph.blocks[0].after_n_children, 0, "the commitment comes first");
}
