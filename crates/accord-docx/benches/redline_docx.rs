//! The Word redline of the full Global Compact (A/RES/73/195, the committed
//! `data/gcm/gcm-a-res-73-195.akn.xml`) against a revision with a word changed, an action inserted and one
//! deleted; and the plain Word file of the GCM.
//!
//! `CARGO_TARGET_DIR=/work/target-redline cargo bench -p accord-docx --bench redline_docx`

use accord_text::model::Part;
use accord_text::{akn, redline, Block, Document, EId, Node};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use time::macros::datetime;

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");

fn eid(text: &str) -> EId {
    EId::parse(text).unwrap()
}

fn bench_docx(c: &mut Criterion) {
    let old = akn::from_xml(&std::fs::read_to_string(GCM).unwrap()).unwrap();
    let mut new: Document = old.clone();
    let point_1b = eid("sec_3__obj_1__para_1__point_b");
    let text = new.find(&point_1b).unwrap().own_text().replacen("international", "regional", 1);
    new.set_text(&point_1b, &text).unwrap();
    new.remove(&eid("sec_3__obj_3__para_1__point_a")).unwrap();
    let mut inserted = Node::new("point");
    inserted.eid = Some(eid("sec_3__obj_4__para_1__point_a-bis"));
    inserted.num = Some("(a bis)".into());
    inserted.content.push(Part::Block(Block::p("Share civil registry data across borders.")));
    new.insert_after(&eid("sec_3__obj_4__para_1__point_a"), inserted).unwrap();
    let redline = redline::redline(&old, &new);
    let date = datetime!(2018-12-10 09:00 UTC);

    let mut group = c.benchmark_group("docx");
    group.sample_size(20);
    group.bench_function("gcm_redline_docx", |b| {
        b.iter(|| {
            accord_docx::redline_docx(black_box(&old), black_box(&new), &redline, "Secretariat", date)
                .unwrap()
        })
    });
    group.bench_function("gcm_revision_docx", |b| {
        b.iter(|| accord_docx::revision_docx(black_box(&old)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench_docx);
criterion_main!(benches);
