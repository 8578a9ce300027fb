//! Akoma Ntoso import and export of the real compact (the committed `data/gcm/gcm-a-res-73-195.akn.xml`:
//! 23 objectives, 187 actions, about 100 kB) and of documents holding its body 10 and 100 times.
//!
//! Run: `cargo bench -p accord-text --bench akn`.

use accord_text::model::Part;
use accord_text::{akn, Document, EId, Node};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const GCM: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml"));

/// Gives every eId below `node` the suffix `-r{copy}`, so that copies stay unique.
fn suffix_eids(node: &mut Node, copy: usize) {
    if let Some(eid) = &node.eid {
        node.eid = Some(EId::parse(&format!("{eid}-r{copy}")).expect("a suffixed eId is an eId"));
    }
    for part in &mut node.content {
        if let Part::Node(child) = part {
            suffix_eids(child, copy);
        }
    }
}

/// The compact with its body repeated `n_copies` times (the first copy keeps its eIds).
fn repeated(document: &Document, n_copies: usize) -> Document {
    let mut body = Node::new(document.body().element.clone());
    for copy in 0..n_copies {
        for part in &document.body().content {
            let mut part = part.clone();
            if let (Part::Node(node), true) = (&mut part, copy > 0) {
                suffix_eids(node, copy);
            }
            body.content.push(part);
        }
    }
    Document::new(document.meta().clone(), document.preface().cloned(), None, body, None)
        .expect("suffixed copies have unique eIds")
}

fn bench(c: &mut Criterion) {
    let gcm = akn::from_xml(GCM).expect("the committed GCM imports");
    let mut group = c.benchmark_group("akn");
    for n_copies in [1, 10, 100] {
        let document = repeated(&gcm, n_copies);
        let xml = akn::to_xml(&document);
        group.throughput(Throughput::Bytes(xml.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", format!("gcm_x{n_copies}")), &xml, |b, xml| {
            b.iter(|| akn::from_xml(xml).expect("our export imports"))
        });
        group.bench_with_input(
            BenchmarkId::new("export", format!("gcm_x{n_copies}")),
            &document,
            |b, document| b.iter(|| akn::to_xml(document)),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
