//! The real Global Compact for Migration: conversion from the shared Markdown, the committed Akoma Ntoso
//! file, its validity against the official schema and its round trip.

use accord_text::model::Part;
use accord_text::{akn, gcm, Document, EId, Node};
use std::path::{Path, PathBuf};
use std::process::Command;

const MARKDOWN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/gcm/gcm-objectives.md");
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/schemas/akn/akomantoso30.xsd");
const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");

fn converted() -> Document {
    let markdown =
        std::fs::read_to_string(MARKDOWN).expect("the shared GCM Markdown is beside the repository");
    gcm::from_markdown(&markdown, gcm::final_meta()).expect("the shared Markdown converts")
}

fn find<'a>(document: &'a Document, eid: &str) -> &'a Node {
    let eid = EId::parse(eid).unwrap();
    let mut found = None;
    document.body().walk(&mut |node, _| {
        if node.eid.as_ref() == Some(&eid) {
            found = Some(node);
        }
    });
    found.unwrap_or_else(|| panic!("no element {eid}"))
}

fn xmllint_validates(path: &Path) -> (bool, String) {
    let output = Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA])
        .arg(path)
        .output()
        .expect("xmllint runs (Debian package libxml2-utils)");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn the_compact_has_23_objectives_and_187_actions() {
    let document = converted();
    let units = document.units();
    let n_objectives = units.iter().filter(|unit| unit.name.as_deref() == Some("objective")).count();
    let n_points = units.iter().filter(|unit| unit.element == "point").count();
    assert_eq!(n_objectives, 23);
    assert_eq!(n_points, 187);
}

#[test]
fn objective_15_reads_as_in_the_resolution() {
    let document = converted();
    let objective = find(&document, "sec_3__obj_15");
    assert_eq!(objective.num.as_deref(), Some("Objective 15"));
    assert_eq!(objective.heading.as_deref(), Some("Provide access to basic services for migrants"));
    let paragraph = find(&document, "sec_3__obj_15__para_1");
    assert_eq!(paragraph.num.as_deref(), Some("31."));
    assert_eq!(paragraph.intro.len(), 2);
    assert_eq!(
        paragraph.intro[1].text,
        "To realize this commitment, we will draw from the following actions:"
    );
    let point = find(&document, "sec_3__obj_15__para_1__point_c");
    assert_eq!(point.num.as_deref(), Some("(c)"));
    assert!(point.own_text().starts_with(
        "Establish and strengthen holistic and easily accessible service points at local level"
    ));
}

#[test]
fn objective_1_keeps_the_source_spelling_but_not_its_trailing_space() {
    let document = converted();
    let paragraph = find(&document, "sec_3__obj_1__para_1");
    assert_eq!(paragraph.num.as_deref(), Some("17."));
    assert!(paragraph.intro[0].text.contains("accurate , reliable and comparable data"));
    assert!(paragraph.intro[0].text.ends_with("over time."));
    assert_eq!(find(&document, "sec_3__obj_23__para_1").num.as_deref(), Some("39."));
}

#[test]
fn the_subheading_among_objective_2_actions_is_a_cross_heading_between_g_and_h() {
    let document = converted();
    let paragraph = find(&document, "sec_3__obj_2__para_1");
    let position = paragraph
        .content
        .iter()
        .position(|part| matches!(part, Part::Block(block) if block.element == "crossHeading"))
        .expect("a crossHeading");
    let Part::Block(cross_heading) = &paragraph.content[position] else { unreachable!() };
    assert_eq!(
        cross_heading.text,
        "Natural disasters, the adverse effects of climate change, and environmental degradation:"
    );
    let before = match &paragraph.content[position - 1] {
        Part::Node(node) => node.eid.as_ref().unwrap().as_str(),
        Part::Block(_) => panic!("a point precedes the crossHeading"),
    };
    assert_eq!(before, "sec_3__obj_2__para_1__point_g");
}

#[test]
fn the_committed_file_is_the_conversion_of_the_shared_markdown() {
    let expected = gcm::to_annotated_xml(&converted());
    if std::env::var_os("ACCORD_BLESS").is_some_and(|value| value == "1") {
        std::fs::write(COMMITTED, &expected).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).expect("data/gcm/gcm-a-res-73-195.akn.xml exists");
    assert!(committed == expected, "the committed file is stale: run the test with ACCORD_BLESS=1");
}

#[test]
fn the_committed_file_validates_against_the_akoma_ntoso_schema() {
    let (valid, messages) = xmllint_validates(&PathBuf::from(COMMITTED));
    assert!(valid, "xmllint: {messages}");
}

#[test]
fn the_committed_file_round_trips() {
    let committed = std::fs::read_to_string(COMMITTED).unwrap();
    let imported = akn::from_xml(&committed).unwrap();
    assert_eq!(imported, converted());
    assert_eq!(akn::to_xml(&imported), akn::to_xml(&converted()));
}
