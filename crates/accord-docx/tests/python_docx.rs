//! The Word files read back by an independent reader, python-docx (`pip install python-docx`), run as a
//! child process: paragraphs and styles of a revision; the tracked insertions and deletions of a redline,
//! their authors and dates, the settings' `w:trackRevisions`, and the texts that accepting or rejecting all
//! changes gives.

use accord_text::model::Part;
use accord_text::{akn, redline, Block, Document, EId, Meta, Node};
use serde_json::Value;
use std::process::Command;
use time::macros::{date, datetime};

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

/// Objective 1 of the Global Compact (A/RES/73/195, paragraph 17), shortened.
fn zero_draft() -> Document {
    let p = "sec_3__obj_1__para_1";
    let mut paragraph = Node::new("paragraph");
    paragraph.eid = Some(eid(p));
    paragraph.num = Some("17.".into());
    paragraph
        .intro
        .push(Block::p("We commit to strengthen the global evidence base on international migration."));
    for (letter, text) in [
        ("a", "Elaborate and implement a comprehensive strategy."),
        ("b", "Improve international comparability of migration data."),
        ("c", "Develop a global programme to build national capacity."),
    ] {
        paragraph.content.push(Part::Node(point(
            &format!("{p}__point_{letter}"),
            &format!("({letter})"),
            text,
        )));
    }
    let mut objective = Node::new("hcontainer");
    objective.name = Some("objective".into());
    objective.eid = Some(eid("sec_3__obj_1"));
    objective.num = Some("Objective 1".into());
    objective.heading = Some("Collect and utilize accurate data".into());
    objective.content.push(Part::Node(paragraph));
    let mut section = Node::new("section");
    section.eid = Some(eid("sec_3"));
    section.heading = Some("Objectives and commitments".into());
    section.content.push(Part::Node(objective));
    let mut body = Node::new("mainBody");
    body.content.push(Part::Node(section));
    Document::new(meta("Zero draft"), None, None, body, None).unwrap()
}

/// Rev.1: a word changed in (b), (a) deleted, (b) and (c) renumbered, a new (c) inserted.
fn rev_1() -> Document {
    let p = "sec_3__obj_1__para_1";
    let mut document = zero_draft().with_meta(meta("Rev.1"));
    document.remove(&eid(&format!("{p}__point_a"))).unwrap();
    document.set_num(&eid(&format!("{p}__point_b")), Some("(a)")).unwrap();
    document.set_num(&eid(&format!("{p}__point_c")), Some("(b)")).unwrap();
    document
        .set_text(&eid(&format!("{p}__point_b")), "Improve regional comparability of migration data.")
        .unwrap();
    document
        .insert_after(&eid(&format!("{p}__point_c")), point(&format!("{p}__point_d"), "(c)", "Share data."))
        .unwrap();
    document
}

/// Runs `script` with python3 on the Word file `bytes` (its path is `sys.argv[1]`) and parses what it prints
/// as JSON. Fails, saying what to install, when python3 or python-docx is missing.
fn python_docx(bytes: &[u8], script: &str) -> Value {
    let check = Command::new("python3").args(["-c", "import docx"]).output();
    match check {
        Err(error) => panic!("python3 is needed to read the Word files back ({error}); install Python 3"),
        Ok(output) if !output.status.success() => panic!(
            "python-docx is needed to read the Word files back; install it with `pip install python-docx`: {}",
            String::from_utf8_lossy(&output.stderr)
        ),
        Ok(_) => {}
    }
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("accord.docx");
    std::fs::write(&path, bytes).unwrap();
    let output = Command::new("python3").arg("-c").arg(script).arg(&path).output().unwrap();
    assert!(output.status.success(), "python-docx failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

const PARAGRAPHS: &str = r#"
import docx, json, sys
document = docx.Document(sys.argv[1])
print(json.dumps([[p.style.name, p.text] for p in document.paragraphs]))
"#;

/// Prints the tracked changes and what accepting and rejecting all of them gives, paragraph by paragraph.
const TRACKED: &str = r#"
import docx, json, sys
from docx.oxml.ns import qn
document = docx.Document(sys.argv[1])
body = document.element.body
changes = body.xpath('.//w:ins | .//w:del')
accepted, rejected = [], []
for p in body.xpath('./w:p'):
    mark_inserted = bool(p.xpath('./w:pPr/w:rPr/w:ins'))
    mark_deleted = bool(p.xpath('./w:pPr/w:rPr/w:del'))
    if not mark_deleted:
        accepted.append(''.join('\t' if e.tag == qn('w:tab') else e.text or ''
                                for e in p.xpath('.//w:t[not(ancestor::w:del)] | .//w:tab[not(ancestor::w:del)]')))
    if not mark_inserted:
        rejected.append(''.join('\t' if e.tag == qn('w:tab') else e.text or ''
                                for e in p.xpath('.//w:t[not(ancestor::w:ins)] | .//w:delText | .//w:tab[not(ancestor::w:ins)]')))
print(json.dumps({
    'inserted': [t.text for t in body.xpath('.//w:ins//w:t')],
    'deleted': [t.text for t in body.xpath('.//w:del//w:delText')],
    'authors': sorted(set(c.get(qn('w:author')) for c in changes)),
    'dates': sorted(set(c.get(qn('w:date')) for c in changes)),
    'n_changes': len(changes),
    'n_deleted_paragraph_marks': len(body.xpath('./w:p/w:pPr/w:rPr/w:del')),
    'n_inserted_paragraph_marks': len(body.xpath('./w:p/w:pPr/w:rPr/w:ins')),
    'track_revisions': len(document.settings.element.xpath('./w:trackRevisions')),
    'accepted': accepted,
    'rejected': rejected,
}))
"#;

fn strings(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|item| item.as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_revision_reads_back_as_title_headings_and_numbered_paragraphs() {
    let bytes = accord_docx::revision_docx(&zero_draft()).unwrap();
    let paragraphs = python_docx(&bytes, PARAGRAPHS);
    let expected = [
        ["Title", "Global Compact for Safe, Orderly and Regular Migration"],
        ["Subtitle", "A/RES/73/195, Zero draft (2018-07-13)"],
        ["Heading 1", "Objectives and commitments"],
        ["Heading 2", "Objective 1: Collect and utilize accurate data"],
        ["Normal", "17.\tWe commit to strengthen the global evidence base on international migration."],
        ["Normal", "(a)\tElaborate and implement a comprehensive strategy."],
        ["Normal", "(b)\tImprove international comparability of migration data."],
        ["Normal", "(c)\tDevelop a global programme to build national capacity."],
    ];
    let expected: Vec<Value> = expected.iter().map(|pair| serde_json::json!(pair)).collect();
    assert_eq!(paragraphs, Value::Array(expected));
}

#[test]
fn a_redline_reads_back_with_tracked_insertions_and_deletions_signed_and_tracking_on() {
    let old = zero_draft();
    let new = rev_1();
    let redline = redline::redline(&old, &new);
    let date = datetime!(2018-07-13 10:30:15.25 +02:00);
    let bytes = accord_docx::redline_docx(&old, &new, &redline, "Co-facilitators", date).unwrap();
    let tracked = python_docx(&bytes, TRACKED);

    // (a) deleted with its number; (b) renumbered (b)→(a) and `international`→`regional`;
    // (c) renumbered (c)→(b); a new (c) inserted.
    assert_eq!(
        strings(&tracked["deleted"]),
        ["(a)", "Elaborate and implement a comprehensive strategy.", "b", "international", "c"]
    );
    assert_eq!(strings(&tracked["inserted"]), ["a", "regional", "b", "(c)", "Share data."]);
    assert_eq!(strings(&tracked["authors"]), ["Co-facilitators"]);
    assert_eq!(strings(&tracked["dates"]), ["2018-07-13T08:30:15Z"]);
    assert_eq!(tracked["track_revisions"], 1);
    assert_eq!(tracked["n_deleted_paragraph_marks"], 1);
    assert_eq!(tracked["n_inserted_paragraph_marks"], 1);

    // Accepting every change gives the new revision, rejecting every one the old, as their own files read.
    let read_back = |document: &Document| -> Vec<String> {
        let paragraphs = python_docx(&accord_docx::revision_docx(document).unwrap(), PARAGRAPHS);
        paragraphs
            .as_array()
            .unwrap()
            .iter()
            .skip(2)
            .map(|pair| pair[1].as_str().unwrap().to_owned())
            .collect()
    };
    let accepted = strings(&tracked["accepted"]);
    let rejected = strings(&tracked["rejected"]);
    assert_eq!(accepted[2..], read_back(&new));
    assert_eq!(rejected[2..], read_back(&old));
}

#[test]
fn a_redline_of_a_revision_with_itself_has_no_tracked_change_but_tracking_on() {
    let document = zero_draft();
    let redline = redline::redline(&document, &document);
    let bytes = accord_docx::redline_docx(
        &document,
        &document,
        &redline,
        "Secretariat",
        datetime!(2018-12-19 0:00 UTC),
    )
    .unwrap();
    let tracked = python_docx(&bytes, TRACKED);
    assert_eq!(tracked["n_changes"], 0);
    assert_eq!(tracked["track_revisions"], 1);
}

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");

fn gcm() -> Document {
    akn::from_xml(&std::fs::read_to_string(GCM).unwrap()).unwrap()
}

#[test]
fn the_gcm_reads_back_with_all_its_words_23_objective_headings_and_no_repeated_title() {
    let document = gcm();
    let paragraphs = python_docx(&accord_docx::revision_docx(&document).unwrap(), PARAGRAPHS);
    let paragraphs: Vec<(String, String)> = paragraphs
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(paragraphs.iter().filter(|(style, _)| style == "Heading 2").count(), 23);
    assert_eq!(paragraphs.iter().filter(|(_, text)| text == &document.meta().title).count(), 1);
    // The body's words in order, as XPath's normalize-space gives them, with the `: ` that joins an
    // objective's number to its heading taken out.
    let words: Vec<String> = paragraphs
        .iter()
        .skip(2)
        .map(|(style, text)| if style == "Heading 2" { text.replacen(": ", " ", 1) } else { text.clone() })
        .collect();
    let words = words.join(" ");
    let words: Vec<&str> = words.split_whitespace().collect();
    let expected = document.body().text_content();
    let expected: Vec<&str> = expected.split_whitespace().collect();
    let first_difference = words.iter().zip(&expected).position(|(word, expected)| word != expected);
    if let Some(word_idx) = first_difference.or((words.len() != expected.len()).then_some(words.len())) {
        let around = |all: &[&str]| all[word_idx.saturating_sub(8)..(word_idx + 8).min(all.len())].join(" ");
        panic!("word {word_idx} differs: read back `{}`, expected `{}`", around(&words), around(&expected));
    }
}

#[test]
fn the_gcm_redline_reads_back_with_exactly_the_negotiated_words_tracked() {
    let old = gcm();
    let mut new = old.clone();
    let point_1b = eid("sec_3__obj_1__para_1__point_b");
    let text = new.find(&point_1b).unwrap().own_text().replacen(
        "international comparability",
        "regional comparability",
        1,
    );
    new.set_text(&point_1b, &text).unwrap();
    new.remove(&eid("sec_3__obj_3__para_1__point_a")).unwrap();
    let inserted =
        point("sec_3__obj_4__para_1__point_a-bis", "(a bis)", "Share civil registry data across borders.");
    new.insert_after(&eid("sec_3__obj_4__para_1__point_a"), inserted).unwrap();
    let deleted_3a = old.find(&eid("sec_3__obj_3__para_1__point_a")).unwrap().own_text();

    let redline = redline::redline(&old, &new);
    let date = datetime!(2018-12-10 09:00 UTC);
    let bytes = accord_docx::redline_docx(&old, &new, &redline, "Marrakech conference", date).unwrap();
    let tracked = python_docx(&bytes, TRACKED);
    assert_eq!(strings(&tracked["deleted"]), ["international", "(a)", deleted_3a.as_str()]);
    assert_eq!(
        strings(&tracked["inserted"]),
        ["regional", "(a bis)", "Share civil registry data across borders."]
    );
    assert_eq!(strings(&tracked["authors"]), ["Marrakech conference"]);
    assert_eq!(strings(&tracked["dates"]), ["2018-12-10T09:00:00Z"]);
    assert_eq!(tracked["track_revisions"], 1);
}
