//! The compilation text as a Word file, read back by an independent reader, python-docx (`pip install
//! python-docx`), on the real Global Compact (A/RES/73/195, the committed
//! `data/gcm/gcm-a-res-73-195.akn.xml`) with amendments tabled to objectives 15 and 16: each proposal a
//! tracked change whose author is its sponsor, with one comment naming its amendments; the text that
//! rejecting every change gives is the revision's, paragraph by paragraph, and the text that accepting every
//! change gives (with no alternatives) is the revision the amendments make, as accord-text applies them.

use accord_text::amendment::{self, Amendment, Position, Proposal, Words};
use accord_text::compilation::{self, Compilation, Filter};
use accord_text::{akn, Document, EId};
use serde_json::Value;
use std::process::Command;
use std::sync::OnceLock;
use time::macros::datetime;

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");
const PARA_31: &str = "sec_3__obj_15__para_1";
const POINT_C: &str = "sec_3__obj_15__para_1__point_c";
const POINT_D: &str = "sec_3__obj_15__para_1__point_d";
const POINT_E: &str = "sec_3__obj_15__para_1__point_e";
const POINT_F: &str = "sec_3__obj_15__para_1__point_f";
const PARA_32: &str = "sec_3__obj_16__para_1";

fn eid(text: &str) -> EId {
    EId::parse(text).unwrap()
}

fn gcm() -> &'static Document {
    static GCM_DOCUMENT: OnceLock<Document> = OnceLock::new();
    GCM_DOCUMENT.get_or_init(|| akn::from_xml(&std::fs::read_to_string(GCM).unwrap()).unwrap())
}

/// Twelve more cities that co-sponsor New York's amendment.
const TWELVE_CITIES: [&str; 12] = [
    "Los Angeles",
    "Montréal",
    "Bogotá",
    "São Paulo",
    "Barcelona",
    "Milan",
    "Athens",
    "Amman",
    "Kampala",
    "Dhaka",
    "Seoul",
    "Mexico City",
];

fn amendment(id: u64, sponsor: &str, co_sponsors: &[&str], proposal: Proposal) -> Amendment {
    Amendment::new(gcm(), id, sponsor, co_sponsors, "Justified.", proposal).unwrap()
}

fn replace(at: &str, words: &str, by: &str) -> Proposal {
    Proposal::ReplaceWords { eid: eid(at), words: Words::new(words), by: by.into() }
}

fn insert_after(at: &str, anchor: &str, text: &str) -> Proposal {
    Proposal::InsertWords {
        eid: eid(at),
        position: Position::After,
        anchor: Words::new(anchor),
        text: text.into(),
    }
}

fn delete_words(at: &str, words: &str) -> Proposal {
    Proposal::DeleteWords { eid: eid(at), words: Words::new(words) }
}

/// Amendments to paragraph 31 (objective 15) and paragraph 32 (objective 16):
/// - 28 (UCLG & Metropolis) replaces `draw from` by `draw on` in the second block of 31's intro;
/// - in 31 (c), three different proposals for `at local level`: 21 (New York, Chicago and 12 cities) and 23
///   (Lisbon) insert `and municipal` after `local`, 22 (Brazil) replaces the words by `at regional level`,
///   29 (Mexico) deletes them;
/// - 27 (Lisbon) adds a point (c bis) after (c);
/// - in (d), 24 (New York) inserts `and well-resourced` after `independent`, 25 (Côte d'Ivoire, with
///   Mexico) deletes `systematically`;
/// - 26 (Chicago) deletes point (e);
/// - in (f), 30 (Seoul) replaces `equitable quality` by `equitable, high-quality`, 31 (Kampala) replaces
///   `quality` by `free`;
/// - 32 (Holy See) deletes paragraph 32 with its actions.
fn tabled() -> Vec<Amendment> {
    let mut with_chicago = vec!["Chicago"];
    with_chicago.extend(TWELVE_CITIES);
    vec![
        amendment(21, "New York", &with_chicago, insert_after(POINT_C, "local", "and municipal")),
        amendment(22, "Brazil", &[], replace(POINT_C, "at local level", "at regional level")),
        amendment(23, "Lisbon", &[], insert_after(POINT_C, "local", "and municipal")),
        amendment(24, "New York", &[], insert_after(POINT_D, "independent", "and well-resourced")),
        amendment(25, "Côte d'Ivoire", &["Mexico"], delete_words(POINT_D, "systematically")),
        amendment(26, "Chicago", &[], Proposal::DeleteElement { eid: eid(POINT_E) }),
        amendment(
            27,
            "Lisbon",
            &[],
            Proposal::AddElement {
                after: eid(POINT_C),
                eid: eid("sec_3__obj_15__para_1__point_c-bis"),
                element: "point".into(),
                num: Some("(c bis)".into()),
                text: "Fund service points run by local authorities.".into(),
            },
        ),
        amendment(28, "UCLG & Metropolis", &[], replace(PARA_31, "draw from", "draw on")),
        amendment(29, "Mexico", &[], delete_words(POINT_C, "at local level")),
        amendment(30, "Seoul", &[], replace(POINT_F, "equitable quality", "equitable, high-quality")),
        amendment(31, "Kampala", &[], replace(POINT_F, "quality", "free")),
        amendment(32, "Holy See", &[], Proposal::DeleteElement { eid: eid(PARA_32) }),
    ]
}

fn compile(amendments: &[Amendment]) -> Compilation {
    compilation::compile(gcm(), amendments, &Filter::default(), &|party| party.to_owned())
}

fn title() -> accord_docx::CompilationTitle {
    accord_docx::CompilationTitle {
        draft: "Global Compact for Migration (gcm)".into(),
        revision: "Zero draft (gcm/0)".into(),
        round: "Round 1: amendments to the zero draft".into(),
    }
}

/// Runs `script` with python3 on the Word file `bytes` (its path is `sys.argv[1]`) and parses what it prints
/// as JSON. Fails, saying what to install, when python3 or python-docx is missing.
fn python_docx(bytes: &[u8], script: &str) -> Value {
    python_docx_with(bytes, script, &[])
}

/// [`python_docx`] with more arguments for `script` (`sys.argv[2]` on).
fn python_docx_with(bytes: &[u8], script: &str, args: &[&str]) -> Value {
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
    let output = Command::new("python3").arg("-c").arg(script).arg(&path).args(args).output().unwrap();
    assert!(output.status.success(), "python-docx failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

const PARAGRAPHS: &str = r#"
import docx, json, sys
document = docx.Document(sys.argv[1])
print(json.dumps([[p.style.name, p.text] for p in document.paragraphs]))
"#;

/// Prints the paragraphs that rejecting and accepting every change give (Word's rules: a paragraph whose mark
/// is removed joins what is left of it to the next paragraph), without the runs in the "No proposal" style;
/// the comments as python-docx reads them; every `w:ins` and `w:del` of the text with its author, its text,
/// the innermost comment range it lies in, and the author of its paragraph's deleted mark; the paragraph
/// marks inserted or deleted; and the settings' `w:trackRevisions`.
const COMPILATION: &str = r#"
import docx, json, sys
from docx.oxml.ns import qn
document = docx.Document(sys.argv[1])
body = document.element.body
paragraphs = body.xpath('./w:p')
styles = [p.style.name for p in document.paragraphs]

# The comment ranges whose changes are accepted by 'take' (sys.argv[2], JSON); every other change is rejected.
taken_ids = set(json.loads(sys.argv[2])) if len(sys.argv) > 2 else set()
comment_of = {}

def taken(change):
    return comment_of.get(change) in taken_ids

def text(p, keep):
    out = []
    for r in p.xpath('.//w:r'):
        if r.xpath('./w:rPr/w:rStyle[@w:val="NoProposal"]'):
            continue
        if keep == 'accept' and r.xpath('ancestor::w:del'):
            continue
        if keep == 'reject' and r.xpath('ancestor::w:ins'):
            continue
        if keep == 'take':
            deleted, inserted = r.xpath('ancestor::w:del'), r.xpath('ancestor::w:ins')
            if (deleted and taken(deleted[-1])) or (inserted and not taken(inserted[-1])):
                continue
        for e in r:
            if e.tag in (qn('w:t'), qn('w:delText')):
                out.append(e.text or '')
            elif e.tag == qn('w:tab'):
                out.append('\t')
    return ''.join(out)

def resolve(keep):
    result, carry = [], ''
    # 'take' accepts no paragraph mark: the alternatives it is for change words, not paragraphs.
    removed_mark = './w:pPr/w:rPr/w:del' if keep == 'accept' else './w:pPr/w:rPr/w:ins'
    for p, style in zip(paragraphs, styles):
        t = carry + text(p, keep)
        if p.xpath(removed_mark):
            carry = t
            continue
        carry = ''
        result.append([style, t])
    return result

changes, open_ids = [], []
for e in body.iter():
    if e.tag == qn('w:commentRangeStart'):
        open_ids.append(e.get(qn('w:id')))
    elif e.tag == qn('w:commentRangeEnd'):
        open_ids.remove(e.get(qn('w:id')))
    elif e.tag in (qn('w:ins'), qn('w:del')) and e.getparent().tag == qn('w:p'):
        mark = e.getparent().xpath('./w:pPr/w:rPr/w:del/@w:author | ./w:pPr/w:rPr/w:ins/@w:author')
        comment_of[e] = open_ids[-1] if open_ids else None
        changes.append({
            'kind': 'ins' if e.tag == qn('w:ins') else 'del',
            'author': e.get(qn('w:author')),
            'date': e.get(qn('w:date')),
            'text': ''.join('\t' if x.tag == qn('w:tab') else (x.text or '')
                            for x in e.iter(qn('w:t'), qn('w:delText'), qn('w:tab'))),
            'comment': open_ids[-1] if open_ids else None,
            'paragraph_mark_author': mark[0] if mark else None,
        })

print(json.dumps({
    'styles': styles,
    'rejected': resolve('reject'),
    'accepted': resolve('accept'),
    'taken': resolve('take'),
    'comments': [{'id': str(c.comment_id), 'author': c.author, 'lines': c.text.split('\n')}
                 for c in document.comments],
    'changes': changes,
    'inserted_marks': [p.xpath('./w:pPr/w:rPr/w:ins/@w:author')[0] for p in paragraphs if p.xpath('./w:pPr/w:rPr/w:ins')],
    'deleted_marks': [p.xpath('./w:pPr/w:rPr/w:del/@w:author')[0] for p in paragraphs if p.xpath('./w:pPr/w:rPr/w:del')],
    'n_no_proposal_marks': len(body.xpath('.//w:r[w:rPr/w:rStyle/@w:val="NoProposal"]')),
    'no_proposal_texts': sorted(set(''.join(r.xpath('./w:t/text()')) for r in body.xpath('.//w:r[w:rPr/w:rStyle/@w:val="NoProposal"]'))),
    'track_revisions': len(document.settings.element.xpath('./w:trackRevisions')),
}))
"#;

/// The title block: title, subtitle and five lines in the style "Title block".
const N_TITLE_BLOCK_PARAGRAPHS: usize = 7;

fn pairs(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
        .collect()
}

/// The paragraphs of `document`'s own Word file, without its title and subtitle.
fn revision_paragraphs(document: &Document) -> Vec<(String, String)> {
    let paragraphs = pairs(&python_docx(&accord_docx::revision_docx(document).unwrap(), PARAGRAPHS));
    paragraphs[2..].to_vec()
}

fn read_compilation(amendments: &[Amendment]) -> Value {
    let bytes = accord_docx::compilation_docx(
        gcm(),
        &compile(amendments),
        &title(),
        datetime!(2018-03-26 18:00 +01:00),
    )
    .unwrap();
    python_docx(&bytes, COMPILATION)
}

/// One proposal as the test expects to read it: its comment's author and first line, and the words deleted
/// and inserted in its comment's range.
#[derive(Debug, PartialEq)]
struct Expected {
    author: String,
    label: String,
    deleted: Vec<String>,
    inserted: Vec<String>,
}

fn expected(author: &str, label: &str, deleted: &[&str], inserted: &[&str]) -> Expected {
    Expected {
        author: author.into(),
        label: label.into(),
        deleted: deleted.iter().map(|text| text.to_string()).collect(),
        inserted: inserted.iter().map(|text| text.to_string()).collect(),
    }
}

#[test]
fn each_proposal_is_one_tracked_change_by_its_sponsor_with_a_comment_naming_its_amendments() {
    let read = read_compilation(&tabled());
    // Worked out from the amendments, in reading order. The three proposals for `at local level` are
    // alternatives: the words are deleted once by an author naming the three sponsors, then each option is
    // its own sponsor's insertion in the compilation's order (where their words start, then amendment
    // number): Brazil's, Mexico's (a deletion: no insertion of its own), New York's. In (f) both options
    // keep `equitable`: ` quality` is deleted once for Seoul's and Kampala's.
    let deleted_e = gcm().find(&eid(POINT_E)).unwrap().own_text();
    let first_block_32 = gcm().find(&eid(PARA_32)).unwrap().own_blocks().next().unwrap().text.clone();
    let new_york_and_14 = "New York, Chicago and 13 others";
    let all = [
        expected("UCLG & Metropolis", "A/28 (replace): UCLG & Metropolis", &["from"], &["on"]),
        expected(
            "Alternatives: Brazil / Mexico / New York",
            "A/22, A/29, A/21, A/23: 3 options for “at local level”",
            &["at local level"],
            &[],
        ),
        expected("Brazil", "A/22 (replace): Brazil", &[], &["at regional level"]),
        expected("Mexico", "A/29 (delete): Mexico", &[], &[]),
        expected(
            "New York",
            &format!("A/21, A/23 (insert): {new_york_and_14}"),
            &[],
            &["at local and municipal level"],
        ),
        expected(
            "Lisbon",
            "A/27 (add): Lisbon",
            &[],
            &["(c bis)", "\t", "Fund service points run by local authorities."],
        ),
        expected("New York", "A/24 (insert): New York", &[], &[" and well-resourced"]),
        expected("Côte d'Ivoire", "A/25 (delete): Côte d'Ivoire and Mexico", &["systematically"], &[]),
        expected("Chicago", "A/26 (delete element): Chicago", &["(e)", "\t", deleted_e.as_str()], &[]),
        expected(
            "Alternatives: Seoul / Kampala",
            "A/30, A/31: 2 options for “equitable quality”",
            &[" quality"],
            &[],
        ),
        expected("Seoul", "A/30 (replace): Seoul", &[], &[", high-quality"]),
        expected("Kampala", "A/31 (replace): Kampala", &[], &[" free"]),
        expected("Holy See", "A/32 (delete element): Holy See", &["32.", "\t", first_block_32.as_str()], &[]),
    ];

    let comments = read["comments"].as_array().unwrap();
    let changes = read["changes"].as_array().unwrap();
    let found: Vec<Expected> = comments
        .iter()
        .map(|comment| {
            let id = comment["id"].as_str().unwrap();
            let in_range = |kind: &str| -> Vec<String> {
                changes
                    .iter()
                    .filter(|change| change["comment"] == id && change["kind"] == kind)
                    .map(|change| change["text"].as_str().unwrap().to_owned())
                    .collect()
            };
            Expected {
                author: comment["author"].as_str().unwrap().to_owned(),
                label: comment["lines"][0].as_str().unwrap().to_owned(),
                deleted: in_range("del"),
                inserted: in_range("ins"),
            }
        })
        .collect();
    assert_eq!(found, all);

    // A comment per proposal (12 amendments, 21 and 23 identical) and per shared deletion of alternatives,
    // and every change in a comment's range is by that comment's author.
    assert_eq!(comments.len(), 11 + 2);
    for change in changes {
        match change["comment"].as_str() {
            Some(id) => {
                let comment = comments.iter().find(|comment| comment["id"] == id).unwrap();
                assert_eq!(change["author"], comment["author"], "{change}");
            }
            // Outside any comment: the rest of a deleted element (paragraph 32's actions), by its deleter.
            None => {
                assert_eq!(change["kind"], "del", "{change}");
                assert_eq!(change["author"], "Holy See", "{change}");
                assert_eq!(change["paragraph_mark_author"], "Holy See", "{change}");
            }
        }
        assert_eq!(change["date"], "2018-03-26T17:00:00Z");
    }
    // The co-sponsors beyond the attribution label are in the comment.
    let mut parties = vec!["New York", "Chicago"];
    parties.extend(TWELVE_CITIES);
    parties.push("Lisbon");
    let new_york: Vec<&str> =
        comments[4]["lines"].as_array().unwrap().iter().map(|line| line.as_str().unwrap()).collect();
    assert_eq!(
        new_york[1..],
        ["Option 3 of 3 for “at local level”".to_owned(), format!("Parties: {}", parties.join(", "))]
    );
    // The shared deletion's comment says how to take an option; Mexico's, with no change of its own, says
    // that its option is that deletion.
    assert_eq!(
        comments[1]["lines"][1],
        "Every option replaces “at local level”. To take one, accept this deletion and that option's \
         insertion, and reject the other insertions."
    );
    assert_eq!(
        comments[3]["lines"][1],
        "Option 2 of 3 for “at local level”; it deletes the words: accept the shared deletion and reject every \
         insertion"
    );

    // Paragraph marks: (c bis) inserted by Lisbon; (e) deleted by Chicago; each paragraph of paragraph 32
    // (its blocks and its actions) deleted by the Holy See.
    let paragraph_32 = gcm().find(&eid(PARA_32)).unwrap();
    let n_paragraphs_32 = paragraph_32.own_blocks().count() + paragraph_32.children().count();
    assert_eq!(read["inserted_marks"], serde_json::json!(["Lisbon"]));
    let mut deleted_marks = vec!["Chicago".to_owned()];
    deleted_marks.extend(std::iter::repeat_n("Holy See".to_owned(), n_paragraphs_32));
    assert_eq!(read["deleted_marks"], serde_json::json!(deleted_marks));
    assert_eq!(read["track_revisions"], 1);
}

#[test]
fn rejecting_every_change_gives_the_revision_paragraph_by_paragraph() {
    let read = read_compilation(&tabled());
    let styles: Vec<&str> = read["styles"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert_eq!(
        styles[..N_TITLE_BLOCK_PARAGRAPHS],
        ["Title", "Subtitle", "Title block", "Title block", "Title block", "Title block", "Title block"]
    );
    let rejected = pairs(&read["rejected"]);
    assert_eq!(rejected[0].1, gcm().meta().title);
    assert_eq!(rejected[3].1, "Revision amended: Zero draft (gcm/0)");
    assert_eq!(rejected[5].1, "Date: 2018-03-26");
    assert!(rejected[6].1.starts_with("12 amendments in 11 proposals."), "{}", rejected[6].1);
    assert_eq!(rejected[N_TITLE_BLOCK_PARAGRAPHS..], revision_paragraphs(gcm()));
}

#[test]
fn paragraphs_without_proposal_are_marked_outside_the_tracked_changes() {
    let read = read_compilation(&tabled());
    // Elements with text of their own, less those the amendments touch: paragraph 31 and its points (c),
    // (d), (e), (f); paragraph 32, deleted, and its actions, deleted with it.
    let document = gcm();
    let with_text = document.nodes_where(|node| node.eid.is_some() && !node.own_text().is_empty()).len();
    let n_actions_32 = document.find(&eid(PARA_32)).unwrap().children().count();
    assert_eq!(read["n_no_proposal_marks"], with_text - 5 - 1 - n_actions_32);
    assert_eq!(read["no_proposal_texts"], serde_json::json!([" No proposal"]));
    // The marks are no tracked change: accepting every change keeps them out of the text only because
    // the reader leaves out their style, as it does when rejecting.
    let changes = read["changes"].as_array().unwrap();
    assert!(changes.iter().all(|change| !change["text"].as_str().unwrap().contains("No proposal")));
}

/// White space as a reader sees it: runs of spaces as one, none before a comma, semicolon, colon, full stop
/// or closing parenthesis. A deletion of words leaves the spaces around them in the compilation, where
/// applying the amendment drops one.
fn reading(text: &str) -> String {
    let joined = text.split(' ').filter(|word| !word.is_empty()).collect::<Vec<_>>().join(" ");
    [",", ";", ":", ".", ")"].iter().fold(joined, |text, mark| text.replace(&format!(" {mark}"), mark))
}

#[test]
fn accepting_every_change_without_alternatives_gives_the_revision_the_amendments_make() {
    let amendments: Vec<Amendment> = tabled()
        .into_iter()
        .filter(|amendment| [24, 25, 26, 27, 28, 30, 32].contains(&amendment.id()))
        .collect();
    let picked: Vec<&Amendment> = amendments.iter().collect();
    let applied = amendment::apply(gcm(), &picked).unwrap();
    let read = read_compilation(&amendments);
    let accepted: Vec<(String, String)> = pairs(&read["accepted"])[N_TITLE_BLOCK_PARAGRAPHS..]
        .iter()
        .map(|(style, text)| (style.clone(), reading(text)))
        .collect();
    let expected: Vec<(String, String)> =
        revision_paragraphs(&applied).into_iter().map(|(style, text)| (style, reading(&text))).collect();
    assert_eq!(accepted, expected);
    assert_eq!(read["comments"].as_array().unwrap().len(), 7);
}

#[test]
fn taking_one_option_of_alternatives_gives_the_revision_that_option_makes() {
    let bytes =
        accord_docx::compilation_docx(gcm(), &compile(&tabled()), &title(), datetime!(2018-03-26 18:00 UTC))
            .unwrap();
    let read = python_docx(&bytes, COMPILATION);
    let comments = read["comments"].as_array().unwrap();
    let comment_id = |label_start: &str| -> String {
        let comment =
            comments.iter().find(|comment| comment["lines"][0].as_str().unwrap().starts_with(label_start));
        comment.unwrap_or_else(|| panic!("no comment {label_start}"))["id"].as_str().unwrap().to_owned()
    };
    // Each option, the shared deletion's comment, and the amendment that alone makes the option's text.
    let options = [
        ("A/22 (", "A/22, A/29, A/21, A/23:", 22),
        ("A/29 (", "A/22, A/29, A/21, A/23:", 29),
        ("A/21, A/23 (", "A/22, A/29, A/21, A/23:", 21),
        ("A/30 (", "A/30, A/31:", 30),
        ("A/31 (", "A/30, A/31:", 31),
    ];
    let amendments = tabled();
    for (option, shared, amendment_id) in options {
        // Word's steps: accept the shared deletion and the option's insertion, reject every other change.
        let taken_ids = serde_json::json!([comment_id(shared), comment_id(option)]).to_string();
        let read = python_docx_with(&bytes, COMPILATION, &[&taken_ids]);
        let taken: Vec<(String, String)> = pairs(&read["taken"])[N_TITLE_BLOCK_PARAGRAPHS..]
            .iter()
            .map(|(style, text)| (style.clone(), reading(text)))
            .collect();
        let alone = amendments.iter().find(|amendment| amendment.id() == amendment_id).unwrap();
        let applied = amendment::apply(gcm(), &[alone]).unwrap();
        let expected: Vec<(String, String)> =
            revision_paragraphs(&applied).into_iter().map(|(style, text)| (style, reading(&text))).collect();
        assert_eq!(taken, expected, "taking {option}");
    }
}

#[test]
fn a_compilation_filtered_to_one_objective_shows_that_objective_alone() {
    let filter = Filter { objective: Some(eid("sec_3__obj_15")), ..Filter::default() };
    let compiled = compilation::compile(gcm(), &tabled(), &filter, &|party| party.to_owned());
    let bytes =
        accord_docx::compilation_docx(gcm(), &compiled, &title(), datetime!(2018-03-26 18:00 UTC)).unwrap();
    let read = python_docx(&bytes, COMPILATION);
    let rejected = pairs(&read["rejected"]);
    let objective_15 = gcm().find(&eid("sec_3__obj_15")).unwrap();
    assert_eq!(
        rejected[N_TITLE_BLOCK_PARAGRAPHS],
        ("Heading 1".to_owned(), format!("Objective 15: {}", objective_15.heading.as_deref().unwrap()))
    );
    // The objective's heading and its paragraph 31 with 31's points, nothing of objective 16.
    let paragraph_31 = gcm().find(&eid(PARA_31)).unwrap();
    let n_paragraphs = 1 + paragraph_31.own_blocks().count() + paragraph_31.children().count();
    assert_eq!(rejected.len() - N_TITLE_BLOCK_PARAGRAPHS, n_paragraphs);
    // The 10 proposals to objective 15 and the 2 shared deletions of its alternatives.
    assert_eq!(read["comments"].as_array().unwrap().len(), 12);
}

#[test]
fn a_compilation_of_another_revision_is_refused_naming_the_element() {
    let compiled = compile(&tabled());
    let mut other = gcm().clone();
    other.set_text(&eid(POINT_D), "Establish independent institutions.").unwrap();
    let error = accord_docx::compilation_docx(&other, &compiled, &title(), datetime!(2018-03-26 18:00 UTC))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("eId `{POINT_D}`: expected the revision the compilation was made of, found other text")
    );
}

#[test]
fn six_hundred_generated_amendments_give_one_comment_per_proposal_and_the_revision_once_rejected() {
    // Generated amendments, most colliding: alternatives of every shape, added and deleted actions.
    let amendments = accord_text::synthetic::tabled(gcm(), 600);
    let compiled = compile(&amendments);
    let n_proposals: usize = compiled
        .elements()
        .iter()
        .map(|element| {
            element.element_proposals.len()
                + element
                    .segments
                    .iter()
                    .map(|segment| match segment {
                        compilation::Segment::Text(_) => 0,
                        compilation::Segment::Proposal(_) => 1,
                        compilation::Segment::Alternatives(alternatives) => alternatives.options.len(),
                    })
                    .sum::<usize>()
        })
        .sum();
    let bytes =
        accord_docx::compilation_docx(gcm(), &compiled, &title(), datetime!(2018-03-26 18:00 UTC)).unwrap();
    let read = python_docx(&bytes, COMPILATION);

    let comments = read["comments"].as_array().unwrap();
    let is_shared = |comment: &&Value| comment["author"].as_str().unwrap().starts_with("Alternatives: ");
    let n_alternatives: usize = compiled
        .elements()
        .iter()
        .flat_map(|element| &element.segments)
        .filter(|segment| matches!(segment, compilation::Segment::Alternatives(_)))
        .count();
    assert_eq!(comments.iter().filter(|comment| !is_shared(comment)).count(), n_proposals);
    assert!(comments.iter().filter(is_shared).count() <= n_alternatives);
    let sponsors: std::collections::HashSet<&str> = amendments.iter().map(Amendment::sponsor).collect();
    let changes = read["changes"].as_array().unwrap();
    for comment in comments {
        assert!(is_shared(&comment) || sponsors.contains(comment["author"].as_str().unwrap()), "{comment}");
        let in_range: Vec<&Value> =
            changes.iter().filter(|change| change["comment"] == comment["id"]).collect();
        // Only an option of alternatives that deletes the words has no change of its own: it is the
        // shared deletion.
        let deletes_only =
            comment["lines"][1].as_str().is_some_and(|line| line.contains("it deletes the words"));
        assert_eq!(in_range.is_empty(), deletes_only, "{comment}");
        assert!(in_range.iter().all(|change| change["author"] == comment["author"]), "{comment}");
    }
    // Changes outside any comment: only the text of deleted elements, by their deleters.
    for change in changes.iter().filter(|change| change["comment"].is_null()) {
        assert_eq!(change["kind"], "del", "{change}");
        assert_eq!(change["author"], change["paragraph_mark_author"], "{change}");
    }
    let rejected = pairs(&read["rejected"]);
    assert_eq!(rejected[N_TITLE_BLOCK_PARAGRAPHS..], revision_paragraphs(gcm()));
}
