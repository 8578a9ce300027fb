//! Loading the Pol.is math fixtures (recorded by polis-community/red-dwarf) from `../shared`.

#![allow(dead_code)]

use accord_opinion::{
    BaseCluster, Conversation, GivenClustering, GroupCluster, Moderation, SignConvention, Statement, VoteRow,
};
use serde_json::Value;

/// The five cases in `shared/data/polis/polis-math-fixtures`.
pub const CASES: [&str; 5] = [
    "below-100-ptpts",
    "above-100-ptpts",
    "25ptpt-3gp-no-strict-with-meta",
    "50ptpt-3gp-strict-no-meta",
    "150ptpt-3gp-no-strict-no-meta",
];

pub const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn read_json(case: &str, file: &str) -> Value {
    let path = format!("{SHARED}/data/polis/polis-math-fixtures/{case}/{file}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first of several spellings of a key (older fixtures say `pid`, newer `participant_id`).
fn get<'a>(object: &'a Value, keys: &[&str]) -> &'a Value {
    keys.iter().find_map(|k| object.get(*k)).unwrap_or_else(|| panic!("none of {keys:?} in {object}"))
}

fn integer(value: &Value) -> i64 {
    match value {
        Value::Number(n) => n.as_i64().unwrap_or_else(|| n.as_f64().expect("a number") as i64),
        Value::String(s) => s.parse().expect("an integer string"),
        other => panic!("expected an integer, found {other}"),
    }
}

pub struct Case {
    pub conversation: Conversation,
    pub math: Value,
}

pub fn load(case: &str) -> Case {
    let votes = read_json(case, "votes.json");
    let comments = read_json(case, "comments.json");
    let rows: Vec<VoteRow> = votes
        .as_array()
        .expect("a vote list")
        .iter()
        .map(|v| VoteRow {
            participant: integer(get(v, &["pid", "participant_id"])),
            statement: integer(get(v, &["tid", "statement_id"])),
            vote: integer(&v["vote"]),
            modified: integer(&v["modified"]),
        })
        .collect();
    let statements: Vec<Statement> = comments
        .as_array()
        .expect("a comment list")
        .iter()
        .map(|c| Statement {
            id: integer(get(c, &["tid", "statement_id"])),
            moderation: Moderation::from_value(integer(get(c, &["mod", "moderated"]))).expect("a moderation"),
            is_meta: c["is_meta"].as_bool().unwrap_or(false),
        })
        .collect();
    // red-dwarf recorded votes.json from Pol.is's API, where agree is +1: its tid 0 in
    // below-100-ptpts has 11 votes of -1, which Pol.is's math counts as 11 disagrees.
    let conversation = Conversation::new(&rows, SignConvention::AgreeIsPositive, Some(&statements))
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    Case { conversation, math: read_json(case, "math-pca2.json") }
}

/// Pol.is's own clustering of the case.
pub fn given_clustering(math: &Value) -> GivenClustering {
    let base = &math["base-clusters"];
    let ids = base["id"].as_array().expect("base ids");
    let base_clusters = ids
        .iter()
        .enumerate()
        .map(|(i, id)| BaseCluster {
            id: integer(id) as usize,
            members: base["members"][i].as_array().expect("members").iter().map(integer).collect(),
            center: [base["x"][i].as_f64().expect("x"), base["y"][i].as_f64().expect("y")],
        })
        .collect();
    let group_clusters = math["group-clusters"]
        .as_array()
        .expect("group clusters")
        .iter()
        .map(|g| GroupCluster {
            id: integer(&g["id"]) as usize,
            members: g["members"].as_array().expect("members").iter().map(|b| integer(b) as usize).collect(),
            center: [g["center"][0].as_f64().expect("x"), g["center"][1].as_f64().expect("y")],
        })
        .collect();
    GivenClustering { base_clusters, group_clusters }
}

/// Each participant's group in Pol.is's clustering, as (participant, group id).
pub fn participant_groups(math: &Value) -> Vec<(i64, usize)> {
    let given = given_clustering(math);
    let mut pairs = Vec::new();
    for group in &given.group_clusters {
        for b in &group.members {
            let base = given.base_clusters.iter().find(|c| c.id == *b).expect("a base cluster");
            pairs.extend(base.members.iter().map(|&p| (p, group.id)));
        }
    }
    pairs.sort();
    pairs
}

pub fn as_f64(value: &Value) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("expected a number, found {value}"))
}

pub fn as_u64(value: &Value) -> u64 {
    integer(value) as u64
}

/// `|a - b| <= tolerance * max(1, |b|)`.
pub fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance * b.abs().max(1.0)
}
