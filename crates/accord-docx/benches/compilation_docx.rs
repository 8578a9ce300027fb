//! The compilation text of the full Global Compact (A/RES/73/195, the committed
//! `data/gcm/gcm-a-res-73-195.akn.xml`) with 3,000 generated tabled amendments (`accord_text::synthetic`, as
//! the compilation bench of accord-text tables them) exported as a Word file with each proposal a tracked
//! change by its sponsor and a comment; the compilation itself is made once, outside the timing.
//!
//! `CARGO_TARGET_DIR=/work/target-docx cargo bench -p accord-docx --bench compilation_docx`

use accord_text::compilation::{self, Filter};
use accord_text::{akn, synthetic};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use time::macros::datetime;

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");

fn bench_compilation_docx(c: &mut Criterion) {
    let document = akn::from_xml(&std::fs::read_to_string(GCM).unwrap()).unwrap();
    let n_amendments = 3_000;
    let amendments = synthetic::tabled(&document, n_amendments);
    let compiled =
        compilation::compile(&document, &amendments, &Filter::default(), &|party| party.to_owned());
    let title = accord_docx::CompilationTitle {
        draft: "Global Compact for Migration (gcm)".into(),
        revision: "Zero draft (gcm/0)".into(),
        round: "Round 1".into(),
    };
    let date = datetime!(2018-03-26 18:00 UTC);
    let n_bytes = accord_docx::compilation_docx(&document, &compiled, &title, date).unwrap().len();
    eprintln!("{n_amendments} amendments: a Word file of {n_bytes} bytes");

    let mut group = c.benchmark_group("docx");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n_amendments as u64));
    group.bench_function("gcm_compilation_docx_3000", |b| {
        b.iter(|| accord_docx::compilation_docx(black_box(&document), &compiled, &title, date).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_compilation_docx);
criterion_main!(benches);
