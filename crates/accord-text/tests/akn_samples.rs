//! The six real Akoma Ntoso documents of the shared samples import with all their text: each top part's
//! text equals what xmllint's XPath `normalize-space(string(..))` gives for the same element.

use accord_text::{akn, Document};
use std::process::Command;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/akn-samples/");

fn sample_path(name: &str) -> String {
    format!("{SAMPLES}{name}")
}

fn import(name: &str) -> Document {
    let bytes = std::fs::read(sample_path(name)).unwrap();
    akn::from_bytes(&bytes).unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// `normalize-space(string(E))` of the child `part` of the document element at `base`, by xmllint.
fn xmllint_text(name: &str, base: &str, part: &str) -> String {
    let xpath = format!("normalize-space(string({base}/*[local-name()='{part}']))");
    let output = Command::new("xmllint")
        .args(["--xpath", &xpath])
        .arg(sample_path(name))
        .output()
        .expect("xmllint runs (Debian package libxml2-utils)");
    assert!(output.status.success(), "xmllint on {name}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Compares each top part of `document`, found at the XPath `base`, with xmllint's text of it.
fn assert_parts_match(name: &str, document: &Document, base: &str) {
    for part in document.parts() {
        let expected = xmllint_text(name, base, &part.element);
        assert!(
            !expected.is_empty() || part.element == "collectionBody",
            "{name} {base}: xmllint finds no text in <{}>",
            part.element
        );
        let found = part.text_content();
        if found != expected {
            let common = found.chars().zip(expected.chars()).take_while(|(a, b)| a == b).count();
            let from = common.saturating_sub(60);
            panic!(
                "{name} {base} <{}>: text differs after {common} characters:\n ours: …{}\n xmllint: …{}",
                part.element,
                found.chars().skip(from).take(160).collect::<String>(),
                expected.chars().skip(from).take(160).collect::<String>()
            );
        }
    }
}

/// Imports the sample and checks the text of its top parts, then of its embedded documents, which lie at
/// `embedded_base` followed by `/*[i]/*[1]`.
fn assert_all_text_is_kept(name: &str, embedded_base: &str) -> Document {
    let document = import(name);
    assert_parts_match(name, &document, "/*/*[1]");
    for (embedded_idx, embedded) in document.embedded().iter().enumerate() {
        assert_parts_match(name, embedded, &format!("{embedded_base}/*[{}]/*[1]", embedded_idx + 1));
    }
    // Our export of a foreign document is not meant to validate, but it keeps every word.
    let again =
        akn::from_xml(&akn::to_xml(&document)).unwrap_or_else(|error| panic!("{name} again: {error}"));
    let texts = |document: &Document| document.parts().map(|part| part.text_content()).collect::<Vec<_>>();
    assert_eq!(texts(&again), texts(&document), "{name}: export then import keeps the text");
    assert_eq!(again.embedded().len(), document.embedded().len());
    document
}

const ATTACHMENTS: &str = "/*/*[1]/*[local-name()='attachments']";

fn part_names(document: &Document) -> Vec<&str> {
    document.parts().map(|part| part.element.as_str()).collect()
}

#[test]
fn the_akn4eu_bill_keeps_all_text_of_its_five_parts() {
    let document = assert_all_text_is_kept("bill_123.xml", ATTACHMENTS);
    assert_eq!(part_names(&document), ["preface", "preamble", "body", "conclusions"]);
    assert_eq!(document.meta().doc_type, "bill");
}

#[test]
fn the_eu_document_collection_keeps_all_text_of_its_three_components() {
    let document = assert_all_text_is_kept("eu_COM(2013)0619_EN-8.xml", "/*/*[local-name()='components']");
    assert_eq!(document.meta().doc_type, "documentCollection");
    assert_eq!(document.meta().version, "final");
    assert_eq!(part_names(&document), ["coverPage", "preface", "collectionBody"]);
    let embedded: Vec<&str> =
        document.embedded().iter().map(|embedded| embedded.meta().doc_name.as_str()).collect();
    assert_eq!(embedded, ["explanation", "regulation", "financialStatement"]);
}

#[test]
fn the_italian_bill_with_an_prefix_keeps_all_text() {
    let document = assert_all_text_is_kept("it_senato_ddl_2013.xml", ATTACHMENTS);
    assert_eq!(part_names(&document), ["coverPage", "body"]);
    assert_eq!(document.embedded().len(), 1, "one attachment");
    assert_eq!(document.meta().language, "it");
    assert_eq!(document.meta().work_number, "356");
    assert_eq!(document.meta().work_date, time::macros::date!(2013 - 03 - 29));
}

#[test]
fn the_kenyan_debate_keeps_all_text_and_its_sections() {
    let document = assert_all_text_is_kept("ke_Debate_Bungeni_2011-06-10.xml", ATTACHMENTS);
    assert_eq!(document.body().element, "debateBody");
    let mut n_sections = 0;
    document.body().walk(&mut |node, _| n_sections += usize::from(node.element == "debateSection"));
    assert_eq!(n_sections, 17);
}

#[test]
fn the_leos_bill_keeps_all_text() {
    assert_all_text_is_kept("leos_mandate_bill_softaction.xml", ATTACHMENTS);
}

#[test]
fn the_us_act_keeps_all_text_and_its_sections() {
    let document = assert_all_text_is_kept("us_Act_2011-11-29.xml", ATTACHMENTS);
    assert_eq!(document.meta().country, "us");
    let units = document.units();
    assert_eq!(units.iter().filter(|unit| unit.element == "section").count(), 7);
}
