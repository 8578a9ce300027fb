//! `accord opinions DIR`: the opinion groups of a Pol.is openData export (votes.csv, comments.csv), with each
//! group's representative statements and the consensus statements, as a table or as JSON.

use accord_opinion::{analyze, parse_opendata, Analysis, RepfulFor, Settings};
use anyhow::Context;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Reads the export in `dir` and returns the analysis as text (`json` false) or JSON.
///
/// # Errors
/// When a file cannot be read or parsed (the message names the file, line and field), or the conversation is
/// empty.
pub fn run(dir: &Path, json: bool) -> anyhow::Result<String> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    };
    let votes = read("votes.csv")?;
    let comments = read("comments.csv")?;
    let conversation = parse_opendata(&votes, &comments)
        .with_context(|| format!("reading the export in {}", dir.display()))?;
    let settings = Settings::default().check().context("the default settings")?;
    let analysis = analyze(&conversation, &settings);
    let texts = statement_texts(&comments);
    Ok(if json { as_json(&analysis, &texts) } else { as_table(&analysis, &texts) })
}

/// Statement id → text, from comments.csv's `comment-id` and `comment-body` columns (best effort: the
/// analysis itself does not need the texts).
fn statement_texts(comments_csv: &str) -> BTreeMap<i64, String> {
    let mut reader = comments_csv.lines();
    let Some(header) = reader.next() else { return BTreeMap::new() };
    let columns: Vec<&str> = header.split(',').collect();
    let id_idx = columns.iter().position(|column| *column == "comment-id");
    let body_idx = columns.iter().position(|column| *column == "comment-body");
    let (Some(id_idx), Some(body_idx)) = (id_idx, body_idx) else { return BTreeMap::new() };
    let mut texts = BTreeMap::new();
    for line in reader {
        let fields = split_csv_line(line);
        if let (Some(id), Some(body)) = (fields.get(id_idx), fields.get(body_idx)) {
            if let Ok(id) = id.parse::<i64>() {
                texts.insert(id, body.clone());
            }
        }
    }
    texts
}

fn split_csv_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(character) = chars.next() {
        match (character, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("one field at least").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (other, _) => fields.last_mut().expect("one field at least").push(other),
        }
    }
    fields
}

/// The participants of each group: the members of its base clusters.
fn group_sizes(analysis: &Analysis) -> Vec<usize> {
    analysis
        .group_clusters
        .iter()
        .map(|group| {
            group
                .members
                .iter()
                .filter_map(|base_id| analysis.base_clusters.iter().find(|base| base.id == *base_id))
                .map(|base| base.members.len())
                .sum()
        })
        .collect()
}

fn short(text: Option<&String>) -> String {
    let text = text.map(String::as_str).unwrap_or("");
    let mut short: String = text.chars().take(70).collect();
    if text.chars().count() > 70 {
        short.push('…');
    }
    short
}

fn as_table(analysis: &Analysis, texts: &BTreeMap<i64, String>) -> String {
    let mut out = String::new();
    let sizes = group_sizes(analysis);
    let _ = writeln!(
        out,
        "{} participants, {} clustered, {} statements, {} groups",
        analysis.n_participants,
        analysis.in_conv.len(),
        analysis.tids.len(),
        analysis.group_clusters.len()
    );
    for (group, size) in analysis.group_clusters.iter().zip(&sizes) {
        let _ = writeln!(out, "\ngroup {} ({} participants): representative statements", group.id, size);
        for statement in analysis.repness.get(&group.id).into_iter().flatten() {
            let side = match statement.repful_for {
                RepfulFor::Agree => "agree",
                RepfulFor::Disagree => "disagree",
            };
            let _ = writeln!(
                out,
                "  {:>5}  {:<8} repness {:>7.3}  p {:>5.3}  {}",
                statement.tid,
                side,
                statement.repness,
                statement.p_success,
                short(texts.get(&statement.tid))
            );
        }
    }
    for (title, list) in [("agree", &analysis.consensus.agree), ("disagree", &analysis.consensus.disagree)] {
        let _ = writeln!(out, "\nconsensus ({title})");
        for statement in list {
            let _ = writeln!(
                out,
                "  {:>5}  p {:>5.3}  {}",
                statement.tid,
                statement.p_success,
                short(texts.get(&statement.tid))
            );
        }
    }
    out
}

fn as_json(analysis: &Analysis, texts: &BTreeMap<i64, String>) -> String {
    let sizes = group_sizes(analysis);
    let groups: Vec<serde_json::Value> = analysis
        .group_clusters
        .iter()
        .zip(&sizes)
        .map(|(group, size)| {
            let repness: Vec<serde_json::Value> = analysis
                .repness
                .get(&group.id)
                .into_iter()
                .flatten()
                .map(|statement| {
                    serde_json::json!({
                        "tid": statement.tid,
                        "repful_for": match statement.repful_for { RepfulFor::Agree => "agree", RepfulFor::Disagree => "disagree" },
                        "repness": statement.repness,
                        "repness_test": statement.repness_test,
                        "p_success": statement.p_success,
                        "p_test": statement.p_test,
                        "n_success": statement.n_success,
                        "n_trials": statement.n_trials,
                        "text": texts.get(&statement.tid),
                    })
                })
                .collect();
            serde_json::json!({"id": group.id, "n_participants": size, "center": group.center, "repness": repness})
        })
        .collect();
    let consensus = |list: &[accord_opinion::ConsensusStatement]| -> Vec<serde_json::Value> {
        list.iter()
            .map(|statement| {
                serde_json::json!({
                    "tid": statement.tid, "p_success": statement.p_success, "p_test": statement.p_test,
                    "n_success": statement.n_success, "n_trials": statement.n_trials,
                    "text": texts.get(&statement.tid),
                })
            })
            .collect()
    };
    let value = serde_json::json!({
        "n_participants": analysis.n_participants,
        "in_conv": analysis.in_conv.len(),
        "n_statements": analysis.tids.len(),
        "groups": groups,
        "consensus": {"agree": consensus(&analysis.consensus.agree), "disagree": consensus(&analysis.consensus.disagree)},
        "group_aware_consensus": analysis.group_aware_consensus,
    });
    serde_json::to_string_pretty(&value).expect("JSON values serialize") + "\n"
}
