//! Generated tabled amendments for benchmarks and tests: many amendments on the actions of a real text,
//! seeded so that every run tables the same ones. Not part of accord's API; hidden from its docs.
//!
//! [`tabled`] spreads `n_amendments` amendments over every `point` of a document in turn: replacements,
//! insertions and deletions of single words (many name the same words, so alternatives form), with an
//! added point every 50 amendments and a deleted point once per point at most, by 40 parties named
//! `Party 0` … `Party 39` with up to 5 co-sponsors each.

use crate::amendment::{self, Amendment, Position, Proposal, Words};
use crate::eid::EId;
use crate::model::Document;
use std::collections::BTreeSet;

/// A seeded linear congruential generator (Knuth's MMIX constants).
pub struct Lcg(pub u64);

impl Lcg {
    /// The next number, below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % n
    }
}

/// The whole words (letters only, between spaces) of a text, each with its occurrence among whole-word
/// matches ([`amendment::occurrences`]).
pub fn words_of(text: &str) -> Vec<(String, usize)> {
    let mut words = Vec::new();
    let mut offset = 0;
    for token in text.split(' ') {
        if !token.is_empty() && token.chars().all(char::is_alphabetic) {
            let starts = amendment::occurrences(text, token);
            if let Some(occurrence_idx) = starts.iter().position(|start| *start == offset) {
                words.push((token.to_owned(), occurrence_idx + 1));
            }
        }
        offset += token.len() + 1;
    }
    words
}

/// `n_amendments` amendments numbered from 0 to the `point`s of `document`, by 40 parties with up to 5
/// co-sponsors each, generated from the seed 73195.
///
/// # Panics
/// When `document` has no `point` with a word of letters, or an amendment is refused by
/// [`Amendment::new`] (an added point's eId `{point}-new{n}` taken already).
pub fn tabled(document: &Document, n_amendments: usize) -> Vec<Amendment> {
    let points: Vec<(EId, Vec<(String, usize)>)> = document
        .nodes_where(|node| node.element == "point")
        .into_iter()
        .map(|node| (node.eid.clone().expect("points have eIds"), words_of(&node.own_text())))
        .filter(|(_, words)| !words.is_empty())
        .collect();
    assert!(!points.is_empty(), "expected points with words to amend, found none");
    let parties: Vec<String> = (0..40).map(|party_idx| format!("Party {party_idx}")).collect();
    let mut random = Lcg(73_195);
    let mut amendments = Vec::with_capacity(n_amendments);
    let mut n_added = 0;
    let mut deleted: Vec<EId> = Vec::new();
    for amendment_idx in 0..n_amendments {
        let (eid, words) = &points[amendment_idx % points.len()];
        let (word, occurrence) = words[random.below(words.len())].clone();
        let words_named = Words::nth(word.clone(), occurrence);
        let proposal = match amendment_idx % 50 {
            0 => {
                n_added += 1;
                Proposal::AddElement {
                    after: eid.clone(),
                    eid: EId::parse(&format!("{eid}-new{n_added}")).expect("a valid eId"),
                    element: "point".into(),
                    num: Some(format!("(new {n_added})")),
                    text: "Share good practices among local authorities.".into(),
                }
            }
            1 if !deleted.contains(eid) => {
                deleted.push(eid.clone());
                Proposal::DeleteElement { eid: eid.clone() }
            }
            idx if idx % 3 == 0 => Proposal::ReplaceWords {
                eid: eid.clone(),
                words: words_named,
                by: format!("{word} and local"),
            },
            idx if idx % 3 == 1 => Proposal::InsertWords {
                eid: eid.clone(),
                position: Position::After,
                anchor: words_named,
                text: "and municipal".into(),
            },
            _ => Proposal::DeleteWords { eid: eid.clone(), words: words_named },
        };
        let sponsor = &parties[random.below(parties.len())];
        let co_sponsors: Vec<&str> = (0..random.below(6))
            .map(|_| parties[random.below(parties.len())].as_str())
            .filter(|party| party != sponsor)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let amendment =
            Amendment::new(document, amendment_idx as u64, sponsor, &co_sponsors, "Generated.", proposal)
                .expect("generated amendments name words found in the text");
        amendments.push(amendment);
    }
    amendments
}
