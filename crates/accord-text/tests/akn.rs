//! Akoma Ntoso export and import: schema validity (checked by xmllint against the official XSD), exact round
//! trips, redline marks, and one test per import error.

use accord_text::akn::{self, AknError, Inline};
use accord_text::model::Part;
use accord_text::{Block, Document, EId, Meta, Node};
use proptest::prelude::*;
use std::io::Write;
use std::process::{Command, Stdio};

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/schemas/akn/akomantoso30.xsd");

/// Runs xmllint with `arguments` on `xml` given on standard input; gives (success, stdout, stderr).
fn xmllint(arguments: &[&str], xml: &str) -> (bool, String, String) {
    let mut child = Command::new("xmllint")
        .args(arguments)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint runs (Debian package libxml2-utils)");
    child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_valid(xml: &str) {
    let (valid, _, messages) = xmllint(&["--noout", "--schema", SCHEMA], xml);
    assert!(valid, "xmllint: {messages}\n{xml}");
}

fn eid(text: &str) -> EId {
    EId::parse(text).unwrap()
}

fn meta(version: &str) -> Meta {
    Meta {
        doc_type: "statement".into(),
        doc_name: "compact".into(),
        title: "A \"test\" compact & <friends>".into(),
        country: "un".into(),
        work_date: time::macros::date!(2018 - 07 - 13),
        work_number: "test".into(),
        source_symbol: Some("A/CONF.231/3".into()),
        language: "eng".into(),
        expression_date: time::macros::date!(2018 - 07 - 13),
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

/// A small document using every shape export knows: intro, children, a crossHeading, blocks between
/// children, a wrap-up, an empty node, a block with an eId, header inlines, text to escape.
fn small() -> Document {
    let mut paragraph = Node::new("paragraph");
    paragraph.eid = Some(eid("sec_1__para_1"));
    paragraph.num = Some("1.".into());
    paragraph.intro.push(Block::p("We commit to <act> & \"cooperate\"."));
    paragraph.content.push(Part::Node(point("sec_1__para_1__point_a", "(a)", "Count.")));
    paragraph.content.push(Part::Block(Block {
        element: "crossHeading".into(),
        eid: None,
        text: "Data:".into(),
    }));
    paragraph.content.push(Part::Node(point("sec_1__para_1__point_b", "(b)", "Share.")));
    paragraph.content.push(Part::Block(Block::p("A block between children.")));
    paragraph.content.push(Part::Block(Block {
        element: "p".into(),
        eid: Some(eid("sec_1__para_1__p_2")),
        text: "Another.".into(),
    }));
    paragraph.content.push(Part::Node(point("sec_1__para_1__point_c", "(c)", "Report.")));
    paragraph.wrap_up.push(Block::p("So we will."));
    let mut empty = Node::new("paragraph");
    empty.eid = Some(eid("sec_1__para_2"));
    let mut intro_only = Node::new("paragraph");
    intro_only.eid = Some(eid("sec_1__para_3"));
    intro_only.intro.push(Block::p("Only an intro."));
    let mut section = Node::new("hcontainer");
    section.name = Some("objective".into());
    section.eid = Some(eid("sec_1"));
    section.num = Some("Objective 1".into());
    section.heading = Some("Data".into());
    section.subheading = Some("and evidence".into());
    section.content.push(Part::Block(Block::p("Leading text of the objective.")));
    section.content.push(Part::Node(paragraph));
    section.content.push(Part::Node(empty));
    section.content.push(Part::Node(intro_only));
    let mut body = Node::new("mainBody");
    body.content.push(Part::Block(Block::p("Body text before the objectives.")));
    body.content.push(Part::Node(section));
    let mut preface = Node::new("preface");
    preface.content.push(Part::Block(Block {
        element: "docTitle".into(),
        eid: None,
        text: "A compact".into(),
    }));
    let mut preamble = Node::new("preamble");
    preamble.content.push(Part::Block(Block::p("We, the Heads of State…")));
    let mut conclusions = Node::new("conclusions");
    conclusions.content.push(Part::Block(Block::p("Adopted.")));
    Document::new(meta("Rev.1"), Some(preface), Some(preamble), body, Some(conclusions)).unwrap()
}

#[test]
fn a_small_document_with_every_shape_validates_and_round_trips() {
    let document = small();
    let xml = akn::to_xml(&document);
    assert_valid(&xml);
    assert_eq!(akn::from_xml(&xml).unwrap(), document);
    assert_eq!(akn::to_xml(&document), xml, "export is deterministic");
}

#[test]
fn the_text_xmllint_reads_from_the_export_is_the_models_text() {
    let document = small();
    let xml = akn::to_xml(&document);
    let (ok, text, _) = xmllint(&["--xpath", "normalize-space(string(//*[local-name()='mainBody']))"], &xml);
    assert!(ok);
    assert_eq!(text.trim(), document.body().text_content());
}

#[test]
fn two_revisions_of_one_day_get_distinct_expression_uris() {
    let first = akn::expression_uri(&meta("Rev.1"));
    let second = akn::expression_uri(&meta("Rev.2"));
    assert_eq!(first, "/akn/un/statement/compact/2018-07-13/test/eng@2018-07-13;rev-1");
    assert_ne!(first, second);
    assert_eq!(akn::work_uri(&meta("Rev.1")), "/akn/un/statement/compact/2018-07-13/test");
}

#[test]
fn redline_marks_go_into_the_chosen_block_and_stay_valid() {
    let document = small();
    let xml = akn::to_xml_with_inline(&document, &|node, block_idx| {
        let is_paragraph = node.eid.as_ref().map(EId::as_str) == Some("sec_1__para_1");
        // Own blocks of the paragraph: intro (0), crossHeading (1), two content blocks (2, 3), wrap-up (4).
        (is_paragraph && block_idx == 3).then(|| {
            vec![
                Inline::Text("An".into()),
                Inline::Del("other".into()),
                Inline::Ins(" other & more".into()),
                Inline::Text(".".into()),
            ]
        })
    });
    assert_valid(&xml);
    assert!(
        xml.contains(r#"<p eId="sec_1__para_1__p_2">An<del>other</del><ins> other &amp; more</ins>.</p>"#),
        "{xml}"
    );
    assert_eq!(xml.matches("<ins>").count(), 1);
}

#[test]
fn the_gcm_shape_with_a_cross_heading_round_trips_through_the_committed_file_test() {
    // The committed GCM is checked in tests/gcm.rs; here a node with only a crossHeading, the edge of the form.
    let mut paragraph = Node::new("paragraph");
    paragraph.eid = Some(eid("para_1"));
    paragraph.content.push(Part::Block(Block {
        element: "crossHeading".into(),
        eid: None,
        text: "Alone".into(),
    }));
    let mut body = Node::new("mainBody");
    body.content.push(Part::Node(paragraph));
    let document = Document::new(meta(""), None, None, body, None).unwrap();
    let xml = akn::to_xml(&document);
    assert_valid(&xml);
    assert_eq!(akn::from_xml(&xml).unwrap(), document);
}

#[test]
fn an_empty_body_is_written_validly_and_read_back_empty() {
    let document = Document::new(meta("Zero draft"), None, None, Node::new("mainBody"), None).unwrap();
    let xml = akn::to_xml(&document);
    assert_valid(&xml);
    assert_eq!(akn::from_xml(&xml).unwrap(), document);
}

// Errors ---------------------------------------------------------------------------------------------------

const MINIMAL: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">
  <doc name="x">
    <meta>
      <identification source="#a">
        <FRBRWork><FRBRthis value="/w"/><FRBRuri value="/w"/><FRBRdate date="WORKDATE" name="w"/><FRBRauthor href="#a"/><FRBRcountry value="un"/></FRBRWork>
        <FRBRExpression><FRBRthis value="/e"/><FRBRuri value="/e"/><FRBRdate date="2018-07-13" name="e"/><FRBRauthor href="#a"/><FRBRlanguage language="eng"/></FRBRExpression>
      </identification>
    </meta>
    <mainBody>
      <paragraph eId="para_1"><content><p>One.</p></content></paragraph>
      <paragraph eId="SECOND"><content><p>Two.</p></content></paragraph>
    </mainBody>
  </doc>
</akomaNtoso>
"##;

fn minimal(work_date: &str, second_eid: &str) -> String {
    MINIMAL.replace("WORKDATE", work_date).replace("SECOND", second_eid)
}

#[test]
fn a_minimal_foreign_document_imports() {
    let document = akn::from_xml(&minimal("2018-07-13", "para_2")).unwrap();
    assert_eq!(document.meta().doc_type, "doc");
    assert_eq!(document.meta().author, "a", "without a TLC the author is the reference");
    assert_eq!(document.body().text_content(), "One. Two.");
}

#[test]
fn bytes_that_are_not_utf8_are_refused_with_their_offset() {
    let mut bytes = minimal("2018-07-13", "para_2").into_bytes();
    bytes[60] = 0xff;
    assert_eq!(akn::from_bytes(&bytes).unwrap_err(), AknError::NotUtf8 { byte_offset: 60 });
}

#[test]
fn malformed_xml_is_refused_with_line_and_column() {
    let xml = minimal("2018-07-13", "para_2").replace("<p>Two.</p>", "<p>Two.</b>");
    let error = akn::from_xml(&xml).unwrap_err();
    let AknError::Malformed { line, column, .. } = &error else { panic!("{error:?}") };
    // `</b>` starts after 6 spaces, `<paragraph eId="para_2">` (24), `<content>` (9), `<p>` (3), `Two.` (4).
    assert_eq!((*line, *column), (12, 47));
    assert!(error.to_string().starts_with("line 12, column 47: malformed XML"));
}

#[test]
fn a_root_other_than_akoma_ntoso_is_refused_naming_it() {
    let error = akn::from_xml("<html><body/></html>").unwrap_err();
    assert_eq!(error, AknError::NotAkomaNtoso { found: "html".into() });
    assert!(error.to_string().starts_with("not an Akoma Ntoso document: root is <html>"));
    let wrong_namespace = minimal("2018-07-13", "para_2").replace("/ns/akn/3.0\"", "/ns/akn/2.0\"");
    assert_eq!(
        akn::from_xml(&wrong_namespace).unwrap_err(),
        AknError::NotAkomaNtoso {
            found: "{http://docs.oasis-open.org/legaldocml/ns/akn/2.0}akomaNtoso".into()
        }
    );
}

#[test]
fn an_akoma_ntoso_root_without_a_document_is_refused() {
    let xml =
        r#"<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><!-- empty --></akomaNtoso>"#;
    assert_eq!(akn::from_xml(xml).unwrap_err(), AknError::NoDocumentElement);
}

#[test]
fn a_duplicate_eid_is_refused_with_both_lines() {
    let error = akn::from_xml(&minimal("2018-07-13", "para_1")).unwrap_err();
    assert_eq!(error, AknError::DuplicateEId { eid: eid("para_1"), line: 12, first_line: 11 });
    assert_eq!(error.to_string(), "line 12: eId `para_1` is used again (first used on line 11)");
}

#[test]
fn a_bad_frbr_date_is_refused_with_its_element_and_line() {
    let error = akn::from_xml(&minimal("2018-02-30", "para_2")).unwrap_err();
    assert_eq!(
        error,
        AknError::BadDate { element: "FRBRWork/FRBRdate".into(), found: "2018-02-30".into(), line: 6 }
    );
}

#[test]
fn a_bad_eid_is_refused_with_its_line() {
    let error = akn::from_xml(&minimal("2018-07-13", "para 2")).unwrap_err();
    assert!(matches!(error, AknError::BadEId { line: 12, .. }), "{error:?}");
}

#[test]
fn a_document_without_frbr_work_is_refused() {
    let xml = minimal("2018-07-13", "para_2");
    let start = xml.find("<FRBRWork>").unwrap();
    let end = xml.find("</FRBRWork>").unwrap() + "</FRBRWork>".len();
    let xml = format!("{}{}", &xml[..start], &xml[end..]);
    let error = akn::from_xml(&xml).unwrap_err();
    assert_eq!(
        error,
        AknError::Missing { expected: "FRBRWork".into(), parent: "identification".into(), line: 5 }
    );
}

// Round trip of generated documents -----------------------------------------------------------------------

fn text() -> impl Strategy<Value = String> {
    // Printable text with the characters XML escapes, trimmed as the model keeps block text.
    "[a-zA-Z0-9 <>&\"'éü,.;:()-]{0,24}".prop_map(|text| text.trim().to_owned())
}

fn block() -> impl Strategy<Value = Block> {
    (prop_oneof![Just("p"), Just("p"), Just("crossHeading")], text()).prop_map(|(element, text)| Block {
        element: element.into(),
        eid: None,
        text,
    })
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = (
        prop_oneof![Just("point"), Just("paragraph"), Just("hcontainer")],
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::collection::vec(block(), 0..3),
    )
        .prop_map(|(element, num, heading, blocks)| {
            let mut node = Node::new(element);
            if element == "hcontainer" {
                node.name = Some("objective".into());
            }
            node.num = num;
            node.heading = heading;
            node.content = blocks.into_iter().map(Part::Block).collect();
            node
        });
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            inner.clone(),
            proptest::collection::vec(block(), 0..2),
            proptest::collection::vec(
                prop_oneof![inner.prop_map(Part::Node), block().prop_map(Part::Block)],
                0..4,
            ),
            proptest::collection::vec(block(), 0..2),
        )
            .prop_map(|(mut node, intro, content, wrap_up)| {
                node.intro = intro.into_iter().filter(|block| block.element == "p").collect();
                node.content.extend(content);
                node.wrap_up = wrap_up.into_iter().filter(|block| block.element == "p").collect();
                node
            })
    })
}

/// Gives every node an eId by its position, so that eIds are unique.
fn number(node: &mut Node, prefix: &str) {
    node.eid = Some(eid(prefix));
    let mut child_idx = 0;
    for part in &mut node.content {
        if let Part::Node(child) = part {
            child_idx += 1;
            number(child, &format!("{prefix}__n_{child_idx}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn generated_documents_validate_and_export_then_import_changes_nothing(nodes in proptest::collection::vec(node(), 1..4), lead in proptest::collection::vec(text(), 0..2)) {
        let mut body = Node::new("mainBody");
        body.content.extend(lead.into_iter().map(|text| Part::Block(Block::p(text))));
        for (node_idx, mut node) in nodes.into_iter().enumerate() {
            number(&mut node, &format!("n_{}", node_idx + 1));
            body.content.push(Part::Node(node));
        }
        let document = Document::new(meta("Rev.1"), None, None, body, None).unwrap();
        let xml = akn::to_xml(&document);
        let (valid, _, messages) = xmllint(&["--noout", "--schema", SCHEMA], &xml);
        prop_assert!(valid, "xmllint: {}", messages);
        prop_assert_eq!(akn::from_xml(&xml).unwrap(), document);
    }
}
