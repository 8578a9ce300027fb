//! Pol.is openData exports: reading them, and the `group-informed-consensus` Pol.is exported.

use accord_opinion::{
    analyze_with_groups, parse_opendata, parse_participant_groups, GivenClustering, Settings,
};

const OPENDATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/polis/opendata");

fn read(conversation: &str, file: &str) -> String {
    let path = format!("{OPENDATA}/{conversation}/{file}");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `comment-id` and `group-informed-consensus` columns of a `comments.csv`, read with a
/// minimal RFC 4180 reader written independently of the crate's.
fn group_informed_consensus_column(text: &str) -> Vec<(i64, f64)> {
    let mut records: Vec<Vec<String>> = vec![vec![String::new()]];
    let mut in_quotes = false;
    let mut previous = '\0';
    for c in text.chars() {
        let record = records.last_mut().expect("a record");
        match (c, in_quotes) {
            ('"', _) => {
                // A doubled quote inside quotes is a literal quote; we only need the numbers.
                in_quotes = !in_quotes;
                if previous == '"' && in_quotes {
                    record.last_mut().expect("a field").push('"');
                }
            }
            (',', false) => record.push(String::new()),
            ('\n', false) => records.push(vec![String::new()]),
            _ => record.last_mut().expect("a field").push(c),
        }
        previous = c;
    }
    let header = records.remove(0);
    let id_at = header.iter().position(|h| h == "comment-id").expect("comment-id");
    let gic_at =
        header.iter().position(|h| h == "group-informed-consensus").expect("group-informed-consensus");
    records
        .into_iter()
        .filter(|r| r.len() > gic_at)
        .map(|r| (r[id_at].parse().expect("an id"), r[gic_at].parse().expect("a number")))
        .collect()
}

#[test]
fn group_informed_consensus_equals_the_bg2050_export_given_its_groups() {
    let conversation =
        parse_opendata(&read("bg2050-volunteers", "votes.csv"), &read("bg2050-volunteers", "comments.csv"))
            .expect("bg2050 parses");
    let groups =
        parse_participant_groups(&read("bg2050-volunteers", "participants-votes.csv")).expect("groups parse");
    let given = GivenClustering::from_participant_groups(&groups);
    let settings = Settings::default().check().expect("valid settings");
    let analysis = analyze_with_groups(&conversation, &settings, &given).expect("groups fit");
    let expected = group_informed_consensus_column(&read("bg2050-volunteers", "comments.csv"));
    assert_eq!(expected.len(), 371, "comments in the export");
    for (tid, theirs) in expected {
        let ours = analysis.group_aware_consensus[&tid];
        assert!((ours - theirs).abs() <= 1e-9, "comment {tid}: ours {ours}, Pol.is {theirs}");
    }
}

#[test]
fn every_shared_opendata_conversation_parses_with_the_participants_pol_is_counted() {
    for name in [
        "15-per-hour-seattle",
        "bg2050-volunteers",
        "brexit-consensus",
        "scoop-hivemind.biodiversity",
        "vtaiwan.uberx",
    ] {
        let conversation = parse_opendata(&read(name, "votes.csv"), &read(name, "comments.csv"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let summary = read(name, "summary.csv");
        let voters: usize = summary
            .lines()
            .find_map(|l| l.strip_prefix("voters,"))
            .expect("a voters line")
            .trim()
            .parse()
            .expect("a count");
        assert_eq!(conversation.participants().len(), voters, "{name}: voters in summary.csv");
    }
}
