//! The compilation text of amendments tabled to the real Global Compact (A/RES/73/195, the committed
//! `data/gcm/gcm-a-res-73-195.akn.xml`): attribution labels, alternatives grouped where amendments name the
//! same words, identical proposals merged, elements without proposal marked, filters, the terminal
//! rendering worked out by hand, and the Akoma Ntoso rendering checked by xmllint against the official schema
//! (`apt-get install libxml2-utils`).

use accord_text::amendment::{Amendment, Kind, Position, Proposal, Words};
use accord_text::compilation::{self, attribution_label, Compilation, Filter, Segment};
use accord_text::{akn, Document, EId};
use std::process::Command;
use std::sync::OnceLock;

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/schemas/akn/akomantoso30.xsd");
const POINT_C: &str = "sec_3__obj_15__para_1__point_c";
const POINT_D: &str = "sec_3__obj_15__para_1__point_d";

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

/// Amendments to objective 15 (c), (d) and (e):
/// - 21 (New York, Chicago and 12 other cities) and 23 (Lisbon) insert `and municipal` after `local` in (c);
/// - 22 (Brazil) replaces `at local level` in (c) by `at regional level`;
/// - 24 (New York) inserts `and well-resourced` after `independent` in (d);
/// - 25 (Brazil, with Mexico) deletes `systematically` in (d);
/// - 26 (Chicago) deletes point (e); 27 (Lisbon) adds a point after (c).
fn tabled() -> Vec<Amendment> {
    let mut co_sponsors = vec!["Chicago"];
    co_sponsors.extend(TWELVE_CITIES);
    let and_municipal = || Proposal::InsertWords {
        eid: eid(POINT_C),
        position: Position::After,
        anchor: Words::new("local"),
        text: "and municipal".into(),
    };
    vec![
        amendment(21, "New York", &co_sponsors, and_municipal()),
        amendment(
            22,
            "Brazil",
            &[],
            Proposal::ReplaceWords {
                eid: eid(POINT_C),
                words: Words::new("at local level"),
                by: "at regional level".into(),
            },
        ),
        amendment(23, "Lisbon", &[], and_municipal()),
        amendment(
            24,
            "New York",
            &[],
            Proposal::InsertWords {
                eid: eid(POINT_D),
                position: Position::After,
                anchor: Words::new("independent"),
                text: "and well-resourced".into(),
            },
        ),
        amendment(
            25,
            "Brazil",
            &["Mexico"],
            Proposal::DeleteWords { eid: eid(POINT_D), words: Words::new("systematically") },
        ),
        amendment(26, "Chicago", &[], Proposal::DeleteElement { eid: eid("sec_3__obj_15__para_1__point_e") }),
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
    ]
}

fn compile(filter: &Filter) -> Compilation {
    compilation::compile(gcm(), &tabled(), filter, &|party| party.to_owned())
}

#[test]
fn attribution_names_the_sponsor_then_up_to_two_co_sponsors() {
    assert_eq!(attribution_label::<&str>(&[]), "");
    assert_eq!(attribution_label(&["New York"]), "New York");
    assert_eq!(attribution_label(&["New York", "Chicago"]), "New York and Chicago");
    assert_eq!(attribution_label(&["New York", "Chicago", "Lisbon"]), "New York, Chicago and Lisbon");
    assert_eq!(
        attribution_label(&["New York", "Chicago", "Lisbon", "Brazil"]),
        "New York, Chicago and 2 others"
    );
    let mut fourteen = vec!["New York", "Chicago"];
    fourteen.extend(TWELVE_CITIES);
    assert_eq!(attribution_label(&fourteen), "New York, Chicago and 12 others");
}

#[test]
fn amendments_naming_the_same_words_are_grouped_as_alternatives_and_identical_ones_merged() {
    let compilation = compile(&Filter::default());
    assert_eq!(compilation.n_amendments(), 7);
    let point_c = compilation.element(&eid(POINT_C)).unwrap();
    let groups: Vec<&Segment> =
        point_c.segments.iter().filter(|segment| !matches!(segment, Segment::Text(_))).collect();
    let [Segment::Alternatives(alternatives)] = groups.as_slice() else { panic!("one group: {groups:?}") };
    assert_eq!(alternatives.old_words, "at local level");
    let options: Vec<(&[u64], &str, &str)> = alternatives
        .options
        .iter()
        .map(|option| (option.ids.as_slice(), option.new_words.as_str(), option.sponsors.as_str()))
        .collect();
    assert_eq!(
        options,
        [
            (&[22][..], "at regional level", "Brazil"),
            (&[21, 23][..], "at local and municipal level", "New York, Chicago and 13 others"),
        ]
    );
    assert_eq!(alternatives.options[1].kind, Kind::InsertWords);
    assert_eq!(alternatives.options[1].parties.last().unwrap(), "Lisbon");
    assert_eq!(point_c.old_text(), gcm().find(&eid(POINT_C)).unwrap().own_text());
}

#[test]
fn the_terminal_rendering_brackets_and_attributes_each_proposal_in_place() {
    let rendered = compilation::render_term(&compile(&Filter::default()));
    let line = |id: &str| {
        rendered
            .lines()
            .find(|line| line.contains(&format!("[{id}]")))
            .unwrap_or_else(|| panic!("{id}"))
            .trim()
    };
    assert_eq!(
        line(POINT_C),
        "(c) [sec_3__obj_15__para_1__point_c]: Establish and strengthen holistic and easily accessible \
         service points [at local level / at regional level (Brazil) / at local and municipal level \
         (New York, Chicago and 13 others)], that are migrant inclusive, offer relevant information on basic \
         services in a gender and disability-responsive as well as child-sensitive manner, and facilitate \
         safe access thereto."
    );
    assert!(line(POINT_D).starts_with(
        "(d) [sec_3__obj_15__para_1__point_d]: Establish or mandate independent [and well-resourced] \
         (New York) institutions at the national or local level"
    ));
    assert!(line(POINT_D).contains(
        "situations in which migrants' access to basic services is [systematically / — (Brazil and Mexico)] \
         denied or hindered"
    ));
    assert!(line("sec_3__obj_15__para_1__point_e").ends_with(" [delete (Chicago)]"));
    assert_eq!(
        line("sec_3__obj_15__para_1__point_c-bis"),
        "(c bis) [sec_3__obj_15__para_1__point_c-bis] [new: Fund service points run by local authorities.] (Lisbon)"
    );
    assert!(line("sec_3__obj_15__para_1__point_b").ends_with("— no proposal"));
    let position = |id: &str| rendered.find(&format!("[{id}]")).unwrap();
    assert!(position(POINT_C) < position("sec_3__obj_15__para_1__point_c-bis"));
    assert!(position("sec_3__obj_15__para_1__point_c-bis") < position(POINT_D));
}

#[test]
fn filters_keep_a_party_s_amendments_an_objective_and_kinds() {
    let by_brazil = compile(&Filter { party: Some("Brazil".into()), ..Filter::default() });
    assert_eq!(by_brazil.n_amendments(), 2);
    let point_c = by_brazil.element(&eid(POINT_C)).unwrap();
    let Some(Segment::Proposal(proposed)) = point_c.segments.get(1) else { panic!("{point_c:?}") };
    assert_eq!((proposed.ids.as_slice(), proposed.new_words.as_str()), (&[22][..], "at regional level"));

    let by_mexico = compile(&Filter { party: Some("Mexico".into()), ..Filter::default() });
    assert_eq!(by_mexico.n_amendments(), 1, "a co-sponsor's amendments are kept too");

    let objective_15 = compile(&Filter { objective: Some(eid("sec_3__obj_15")), ..Filter::default() });
    assert_eq!(objective_15.elements()[0].eid, eid("sec_3__obj_15"));
    assert!(objective_15.elements().iter().all(|element| element.eid.as_str().starts_with("sec_3__obj_15")));
    assert!(objective_15.element(&eid("sec_3__obj_15__para_1__point_a")).unwrap().has_no_proposal());
    let objective_1 = compile(&Filter { objective: Some(eid("sec_3__obj_1")), ..Filter::default() });
    assert_eq!(objective_1.n_amendments(), 0);
    assert!(objective_1.element(&eid("sec_3__obj_15")).is_none(), "obj_1 is not a prefix of obj_15");

    let deletions =
        compile(&Filter { kinds: vec![Kind::DeleteWords, Kind::DeleteElement], ..Filter::default() });
    assert_eq!(deletions.n_amendments(), 2);
    assert!(deletions.element(&eid(POINT_C)).unwrap().has_no_proposal());
}

#[test]
fn the_compilation_as_akoma_ntoso_is_valid_and_attributes_every_ins_and_del() {
    let xml = compilation::to_akn(gcm(), &compile(&Filter::default()));
    xmllint_validates("hand-worked", &xml).unwrap();
    assert!(xml.contains(
        "<ins refersTo=\"#amendment-24 #party-new-york\" title=\"New York\" class=\"amendment\"> and \
         well-resourced</ins>"
    ));
    assert!(xml.contains(
        "<del refersTo=\"#amendment-25 #party-brazil #party-mexico\" title=\"Brazil and Mexico\" \
         class=\"amendment\">systematically</del>"
    ));
    assert!(xml.contains("<ins refersTo=\"#amendment-22 #party-brazil\""));
    assert!(xml.contains("<TLCConcept eId=\"amendment-21\""));
    assert!(xml.contains("<TLCOrganization eId=\"party-sao-paulo\""), "TLC eIds are ASCII slugs");
    assert!(xml.contains("showAs=\"São Paulo\""));
    assert!(!xml.contains("<ins>") && !xml.contains("<del>"), "every ins and del is attributed");
    let n_marks = xml.matches("<ins ").count() + xml.matches("<del ").count();
    // 22 and 21+23 as alternatives: one del and two ins; 24: one ins; 25: one del; 26: one del; 27: one ins.
    assert_eq!(n_marks, 7);
    let reread = akn::from_xml(&xml).unwrap();
    assert!(reread.find(&eid("sec_3__obj_15__para_1__point_c-bis")).is_some());
}

/// Validates `xml` with xmllint; `name` keeps the file of each test apart, as tests run in parallel.
fn xmllint_validates(name: &str, xml: &str) -> Result<(), String> {
    let directory = std::env::temp_dir().join(format!("accord-compilation-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&directory).unwrap();
    let path = directory.join("compilation.akn.xml");
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

/// 600 amendments spread over all 187 actions of the GCM, words drawn with a seeded generator so that
/// many collide: every element's segments still rebuild its text, and the Akoma Ntoso stays valid.
#[test]
fn many_colliding_amendments_keep_every_text_and_a_valid_akoma_ntoso() {
    let points: Vec<(EId, String)> = gcm()
        .nodes_where(|node| node.element == "point")
        .into_iter()
        .map(|node| (node.eid.clone().unwrap(), node.own_text()))
        .collect();
    assert_eq!(points.len(), 187);
    let mut state: u64 = 73_195;
    let mut below = |n: usize| {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 33) as usize % n
    };
    let mut amendments = Vec::new();
    for amendment_idx in 0..600u64 {
        let (target, text) = &points[amendment_idx as usize % points.len()];
        let words: Vec<&str> = text
            .split(' ')
            .filter(|token| token.len() > 3 && token.chars().all(char::is_alphabetic))
            .collect();
        let word = words[below(words.len())];
        let n_occurrences = accord_text::amendment::occurrences(text, word).len();
        let words = Words::nth(word, 1 + below(n_occurrences));
        let proposal = match amendment_idx % 4 {
            0 => Proposal::ReplaceWords { eid: target.clone(), words, by: format!("{word} and local") },
            1 => Proposal::InsertWords {
                eid: target.clone(),
                position: Position::Before,
                anchor: words,
                text: "all".into(),
            },
            2 => Proposal::DeleteWords { eid: target.clone(), words },
            _ => Proposal::AddElement {
                after: target.clone(),
                eid: EId::parse(&format!("{target}-new{amendment_idx}")).unwrap(),
                element: "point".into(),
                num: Some("(new)".into()),
                text: "Share good practices & data <between> cities.".into(),
            },
        };
        amendments.push(amendment(amendment_idx, &format!("Party {}", below(30)), &[], proposal));
    }
    let compilation = compilation::compile(gcm(), &amendments, &Filter::default(), &|party| party.to_owned());
    assert_eq!(compilation.n_amendments(), 600);
    for element in compilation.elements().iter().filter(|element| !element.is_new) {
        assert_eq!(element.old_text(), gcm().find(&element.eid).unwrap().own_text(), "{}", element.eid);
    }
    let n_alternatives = compilation
        .elements()
        .iter()
        .flat_map(|element| &element.segments)
        .filter(|segment| matches!(segment, Segment::Alternatives(_)))
        .count();
    assert!(n_alternatives > 0, "the generated amendments collide somewhere");
    let xml = compilation::to_akn(gcm(), &compilation);
    xmllint_validates("generated", &xml).unwrap();
    assert_eq!(xml.matches("<ins>").count() + xml.matches("<del>").count(), 0);
}
