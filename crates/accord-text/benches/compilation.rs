//! The compilation text of the full Global Compact (A/RES/73/195, the committed
//! `data/gcm/gcm-a-res-73-195.akn.xml`) with 1,000, 3,000 and 10,000 generated tabled amendments spread over
//! all 187 actions (replacements, insertions, deletions of words, some added and deleted actions; many name
//! the same words, so alternatives form): build the compilation value, its Akoma Ntoso, and apply 300
//! non-overlapping picks (every fifth with bridging text) to make the next revision.
//!
//! `CARGO_TARGET_DIR=/work/target-amend cargo bench -p accord-text --bench compilation`

use accord_text::amendment::{self, Amendment, Pick, Position, Proposal, Words};
use accord_text::compilation::{self, Filter, Segment};
use accord_text::{akn, Document, EId};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::collections::HashMap;
use std::hint::black_box;
use std::ops::Range;

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");

fn gcm() -> Document {
    akn::from_xml(&std::fs::read_to_string(GCM).unwrap()).unwrap()
}

/// A seeded linear congruential generator (Knuth's MMIX constants), so that every run tables the same
/// amendments.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % n
    }
}

/// The whole words (letters only, between spaces) of a text, each with its occurrence among whole-word
/// matches.
fn words_of(text: &str) -> Vec<(String, usize)> {
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

/// `n_amendments` amendments to the actions of `document`, by 40 parties with up to 5 co-sponsors each.
fn tabled(document: &Document, n_amendments: usize) -> Vec<Amendment> {
    let points: Vec<(EId, Vec<(String, usize)>)> = document
        .nodes_where(|node| node.element == "point")
        .into_iter()
        .map(|node| (node.eid.clone().unwrap(), words_of(&node.own_text())))
        .collect();
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
                    eid: EId::parse(&format!("{eid}-new{n_added}")).unwrap(),
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
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let amendment =
            Amendment::new(document, amendment_idx as u64, sponsor, &co_sponsors, "Generated.", proposal)
                .unwrap();
        amendments.push(amendment);
    }
    amendments
}

/// Up to `n_picks` word amendments whose words do not intersect, every fifth with bridging text.
fn picks(amendments: &[Amendment], n_picks: usize) -> Vec<Pick> {
    let mut taken: HashMap<&EId, Vec<Range<usize>>> = HashMap::new();
    let mut picks = Vec::new();
    for amendment in amendments {
        let Some(target) = amendment.target_range() else { continue };
        let ranges = taken.entry(amendment.eid()).or_default();
        if ranges.iter().any(|range| range.start < target.end && target.start < range.end) {
            continue;
        }
        ranges.push(target);
        let bridging = (picks.len() % 5 == 4).then(|| "as agreed".to_owned());
        picks.push(Pick { amendment_id: amendment.id(), bridging });
        if picks.len() == n_picks {
            break;
        }
    }
    picks
}

fn bench_compilation(c: &mut Criterion) {
    let document = gcm();
    let mut group = c.benchmark_group("compilation");
    group.sample_size(20);
    for n_amendments in [1_000, 3_000, 10_000] {
        let amendments = tabled(&document, n_amendments);
        let picks = picks(&amendments, 300);
        assert_eq!(picks.len(), 300);
        let compiled =
            compilation::compile(&document, &amendments, &Filter::default(), &|party| party.to_owned());
        // The output's size, to tell the cost per amendment from the cost per byte written: alternatives
        // repeat their group's words once per option, so denser amendments write more per amendment.
        let n_alternatives = compiled
            .elements()
            .iter()
            .flat_map(|element| &element.segments)
            .filter(|segment| matches!(segment, Segment::Alternatives(_)))
            .count();
        let n_xml_bytes = compilation::to_akn(&document, &compiled).len();
        eprintln!(
            "{n_amendments} amendments: {n_alternatives} groups of alternatives, AKN of {n_xml_bytes} bytes"
        );
        group.throughput(Throughput::Elements(n_amendments as u64));
        group.bench_with_input(BenchmarkId::new("compile", n_amendments), &amendments, |b, amendments| {
            b.iter(|| {
                compilation::compile(black_box(&document), amendments, &Filter::default(), &|party| {
                    party.to_owned()
                })
            });
        });
        group.bench_with_input(BenchmarkId::new("to_akn", n_amendments), &compiled, |b, compiled| {
            b.iter(|| compilation::to_akn(black_box(&document), compiled));
        });
        group.bench_with_input(
            BenchmarkId::new("apply_300_picks", n_amendments),
            &amendments,
            |b, amendments| {
                b.iter(|| amendment::apply_picks(black_box(&document), amendments, &picks).unwrap());
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_compilation);
criterion_main!(benches);
