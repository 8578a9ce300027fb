//! Timing of the whole pipeline on the shared openData conversations and on a synthetic conversation
//! the size of a large Pol.is one (33,422 participants, 783 statements, about 2.03 million votes).
//!
//! Run: `CARGO_TARGET_DIR=/work/target-opinion cargo bench -p accord-opinion --bench analyze`.

use accord_opinion::{analyze, parse_opendata, Conversation, Settings, SignConvention, VoteRow};
use criterion::{criterion_group, criterion_main, Criterion};

const OPENDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/polis/opendata");

/// A deterministic synthetic conversation: three opinion camps, each participant voting on a
/// pseudo-random 7.76% of the statements (2.03 M votes in all) (xorshift64, fixed seed), agreeing with their camp's view
/// 80% of the time and passing 10% of the time.
fn synthetic(n_participants: i64, n_statements: i64, votes_per_10_000: u64) -> Conversation {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut rows = Vec::new();
    for participant in 0..n_participants {
        let camp = participant % 3;
        for statement in 0..n_statements {
            if next() % 10_000 >= votes_per_10_000 {
                continue;
            }
            let view = if (statement + camp) % 3 == 0 { 1 } else { -1 };
            let roll = next() % 10;
            let vote = match roll {
                0 => 0,
                1 => -view,
                _ => view,
            };
            rows.push(VoteRow { participant, statement, vote, modified: 0 });
        }
    }
    Conversation::new(&rows, SignConvention::AgreeIsPositive, None).expect("a valid synthetic conversation")
}

fn opendata(c: &mut Criterion) {
    let settings = Settings::default().check().expect("valid settings");
    for name in [
        "15-per-hour-seattle",
        "bg2050-volunteers",
        "brexit-consensus",
        "scoop-hivemind.biodiversity",
        "vtaiwan.uberx",
    ] {
        let read =
            |file: &str| std::fs::read_to_string(format!("{OPENDATA}/{name}/{file}")).expect("shared data");
        let conversation = parse_opendata(&read("votes.csv"), &read("comments.csv")).expect("parses");
        c.bench_function(&format!("analyze {name}"), |b| b.iter(|| analyze(&conversation, &settings)));
    }
}

fn large(c: &mut Criterion) {
    let settings = Settings::default().check().expect("valid settings");
    let conversation = synthetic(33_422, 783, 776);
    let n_votes: usize = conversation.vote_counts().iter().sum();
    eprintln!(
        "synthetic: {} participants, {} statements, {n_votes} votes",
        conversation.participants().len(),
        conversation.statements().len()
    );
    let mut group = c.benchmark_group("large");
    group.sample_size(10);
    group.bench_function("analyze synthetic 33422x783", |b| b.iter(|| analyze(&conversation, &settings)));
    group.finish();
}

criterion_group!(benches, opendata, large);
criterion_main!(benches);
