//! The redline of the full Global Compact (A/RES/73/195, the committed `data/gcm/gcm-a-res-73-195.akn.xml`)
//! against (a) a revision with ten negotiated edits and (b) a revision with every tenth word changed; and
//! (b) on documents 10 and 100 times the GCM's size, to show that the time grows linearly.
//!
//! `CARGO_TARGET_DIR=/work/target-redline cargo bench -p accord-text --bench redline`

use accord_text::model::Part;
use accord_text::redline;
use accord_text::{akn, Block, Document, EId, Node};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");

fn eid(text: &str) -> EId {
    EId::parse(text).unwrap()
}

fn gcm() -> Document {
    akn::from_xml(&std::fs::read_to_string(GCM).unwrap()).unwrap()
}

fn replace_in(document: &mut Document, id: &str, from: &str, to: &str) {
    let text = document.find(&eid(id)).unwrap().own_text().replacen(from, to, 1);
    document.set_text(&eid(id), &text).unwrap();
}

/// Ten edits: seven actions with a few words changed, one action inserted, one deleted, one moved.
fn ten_edits(original: &Document) -> Document {
    let mut document = original.clone();
    for (id, from, to) in [
        ("sec_3__obj_1__para_1__point_b", "international comparability", "regional comparability"),
        ("sec_3__obj_2__para_1__point_a", "Promote", "Encourage"),
        ("sec_3__obj_7__para_1__point_a", " ", " further "),
        ("sec_3__obj_9__para_1__point_b", "and", "as well as"),
        ("sec_3__obj_12__para_1__point_a", "the", "all"),
        ("sec_3__obj_15__para_1__point_c", ",", ";"),
        ("sec_3__obj_20__para_1__point_a", "3 per cent", "2 per cent"),
    ] {
        replace_in(&mut document, id, from, to);
    }
    let mut inserted = Node::new("point");
    inserted.eid = Some(eid("sec_3__obj_4__para_1__point_a-bis"));
    inserted.num = Some("(a bis)".into());
    inserted.content.push(Part::Block(Block::p("Share civil registry data across borders.")));
    document.insert_after(&eid("sec_3__obj_4__para_1__point_a"), inserted).unwrap();
    document.remove(&eid("sec_3__obj_3__para_1__point_a")).unwrap();
    let last_of_6 =
        document.find(&eid("sec_3__obj_6__para_1")).unwrap().children().last().unwrap().eid.clone();
    document.move_after(&eid("sec_3__obj_5__para_1__point_b"), &last_of_6.unwrap()).unwrap();
    document
}

/// Every node below `node`, and `node`, with `edit` applied to each block's text.
fn edit_blocks(node: &mut Node, edit: &impl Fn(&str) -> String) {
    for block in node.intro.iter_mut().chain(node.wrap_up.iter_mut()) {
        block.text = edit(&block.text);
    }
    for part in &mut node.content {
        match part {
            Part::Block(block) => block.text = edit(&block.text),
            Part::Node(child) => edit_blocks(child, edit),
        }
    }
}

/// Every tenth word (counting from the first of each block) in upper case.
fn every_tenth_word(document: &Document) -> Document {
    let mut body = document.body().clone();
    edit_blocks(&mut body, &|text| {
        let words: Vec<String> = text
            .split(' ')
            .enumerate()
            .map(|(word_idx, word)| if word_idx % 10 == 9 { word.to_uppercase() } else { word.to_owned() })
            .collect();
        words.join(" ")
    });
    Document::new(document.meta().clone(), None, None, body, None).unwrap()
}

/// Every eId below `node` prefixed with `prefix`, so that copies of one section can stand side by side.
fn prefix_eids(node: &mut Node, prefix: &str) {
    if let Some(id) = &node.eid {
        node.eid = Some(eid(&format!("{prefix}{id}")));
    }
    for part in &mut node.content {
        if let Part::Node(child) = part {
            prefix_eids(child, prefix);
        }
    }
}

/// The GCM's body `n_copies` times over, each copy with its own eIds.
fn scaled(document: &Document, n_copies: usize) -> Document {
    let mut body = Node::new(document.body().element.clone());
    for copy_idx in 0..n_copies {
        for part in &document.body().content {
            let mut part = part.clone();
            if let Part::Node(node) = &mut part {
                prefix_eids(node, &format!("copy{copy_idx}_"));
            }
            body.content.push(part);
        }
    }
    Document::new(document.meta().clone(), None, None, body, None).unwrap()
}

fn bench_redline(c: &mut Criterion) {
    let original = gcm();
    let edited = ten_edits(&original);
    let counts = redline::redline(&original, &edited).counts();
    assert_eq!((counts.n_inserted, counts.n_deleted, counts.n_modified, counts.n_moved), (1, 1, 7, 1));

    let mut group = c.benchmark_group("redline");
    group.bench_function("gcm_ten_edits", |b| {
        b.iter(|| redline::redline(black_box(&original), black_box(&edited)))
    });
    group.sample_size(20);
    for n_copies in [1, 10, 100] {
        let old = scaled(&original, n_copies);
        let new = every_tenth_word(&old);
        let n_elements = old.units().len();
        group.throughput(Throughput::Elements(n_elements as u64));
        group.bench_with_input(BenchmarkId::new("every_tenth_word", n_copies), &n_copies, |b, _| {
            b.iter(|| redline::redline(black_box(&old), black_box(&new)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_redline);
criterion_main!(benches);
