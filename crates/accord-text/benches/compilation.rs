//! The compilation text of the full Global Compact (A/RES/73/195, the committed
//! `data/gcm/gcm-a-res-73-195.akn.xml`) with 1,000, 3,000 and 10,000 generated tabled amendments spread over
//! all 187 actions (replacements, insertions, deletions of words, some added and deleted actions; many name
//! the same words, so alternatives form): build the compilation value, its Akoma Ntoso, and apply 300
//! non-overlapping picks (every fifth with bridging text) to make the next revision. The amendments come from
//! `accord_text::synthetic::tabled`, which the Word bench of accord-docx uses too.
//!
//! `CARGO_TARGET_DIR=/work/target-amend cargo bench -p accord-text --bench compilation`

use accord_text::amendment::{self, Amendment, Pick};
use accord_text::compilation::{self, Filter, Segment};
use accord_text::synthetic::tabled;
use accord_text::{akn, Document, EId};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::collections::HashMap;
use std::hint::black_box;
use std::ops::Range;

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");

fn gcm() -> Document {
    akn::from_xml(&std::fs::read_to_string(GCM).unwrap()).unwrap()
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
