//! `accord opinions DIR` on real Pol.is openData exports (../shared), run as the real binary.

use std::path::PathBuf;
use std::process::Command;

fn opendata(conversation: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/polis/opendata").join(conversation)
}

fn accord(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_accord")).args(args).output().expect("accord runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn the_json_of_a_real_conversation_has_groups_that_cover_the_clustered_participants() {
    let dir = opendata("bg2050-volunteers");
    let (code, stdout, stderr) = accord(&["opinions", dir.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let analysis: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let groups = analysis["groups"].as_array().unwrap();
    assert!((2..=5).contains(&groups.len()), "{} groups", groups.len());
    let clustered: u64 = groups.iter().map(|group| group["n_participants"].as_u64().unwrap()).sum();
    assert_eq!(clustered, analysis["in_conv"].as_u64().unwrap());
    // The statement count is the comments.csv row count of the export.
    let comments = std::fs::read_to_string(dir.join("comments.csv")).unwrap();
    let mut reader_rows = 0;
    let mut quoted = false;
    for character in comments.chars() {
        match character {
            '"' => quoted = !quoted,
            '\n' if !quoted => reader_rows += 1,
            _ => {}
        }
    }
    assert_eq!(analysis["n_statements"].as_u64().unwrap(), reader_rows - 1);
    for value in analysis["group_aware_consensus"].as_object().unwrap().values() {
        let value = value.as_f64().unwrap();
        assert!(value.is_finite() && (0.0..=1.0).contains(&value), "{value}");
    }
}

#[test]
fn the_table_names_each_group_and_the_consensus_lists() {
    let (code, stdout, stderr) = accord(&["opinions", opendata("brexit-consensus").to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("group 0"), "{stdout}");
    assert!(stdout.contains("consensus (agree)") && stdout.contains("consensus (disagree)"), "{stdout}");
}

#[test]
fn a_folder_without_an_export_exits_3_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = accord(&["opinions", dir.path().to_str().unwrap()]);
    assert_eq!(code, 3);
    assert!(stderr.contains("votes.csv"), "{stderr}");
}

#[test]
fn a_vote_outside_minus_one_to_one_exits_3_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("votes.csv"),
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,7\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("comments.csv"), "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,0,0,1,0,1,Hello\n").unwrap();
    let (code, _, stderr) = accord(&["opinions", dir.path().to_str().unwrap()]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("votes.csv") && stderr.contains("line 3"), "{stderr}");
}
