//! `accord consultations import | export | list` as the real binary in a fresh directory over its own SQLite file,
//! on a real Pol.is conversation (../shared). Oracles: the export's votes and comments equal the files'
//! (compared by column name), and `accord opinions` gives the same analysis on the exported folder as on the
//! original one.

use std::path::{Path, PathBuf};
use std::process::Command;

fn opendata(conversation: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/polis/opendata").join(conversation)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn accord(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(dir)
        .arg("--database")
        .arg(format!("sqlite:{}", dir.join("a.db").display()))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("accord runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The rows of a CSV file restricted to some columns, sorted.
fn columns(path: &Path, names: &[&str]) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let at: Vec<usize> =
        names.iter().map(|name| header.iter().position(|column| column == *name).unwrap()).collect();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            at.iter().map(|index| record[*index].to_owned()).collect()
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn a_conversation_imported_then_exported_keeps_its_votes_comments_and_analysis() {
    let workspace = tempfile::tempdir().unwrap();
    let dir = workspace.path();
    assert_eq!(accord(dir, &["demo"]).code, 0);
    let source = opendata("brexit-consensus");
    let run = accord(dir, &["consultations", "import", source.to_str().unwrap(), "--track", "migration"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // brexit-consensus: 50 comments; votes.csv has 5,313 lines with its header.
    assert!(
        run.stdout.contains(": 50 statements, 5312 votes, \"Can there be consensus on Brexit?\""),
        "{}",
        run.stdout
    );
    let id: String = run.stdout.split_whitespace().nth(1).unwrap().to_owned();

    let list = accord(dir, &["consultations", "list", "--track", "migration"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(
        list.stdout
            .lines()
            .any(|line| line.starts_with(&format!("{id}\tmigration\topen\t50 statements\t5312 votes"))),
        "{}",
        list.stdout
    );

    let out = dir.join("export");
    let run = accord(dir, &["consultations", "export", &id, out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let vote_columns = ["timestamp", "comment-id", "voter-id", "vote"];
    assert_eq!(
        columns(&out.join("votes.csv"), &vote_columns),
        columns(&source.join("votes.csv"), &vote_columns)
    );
    let comment_columns = ["comment-id", "author-id", "moderated", "comment-body"];
    assert_eq!(
        columns(&out.join("comments.csv"), &comment_columns),
        columns(&source.join("comments.csv"), &comment_columns)
    );
    assert!(out.join("participants-votes.csv").exists() && out.join("summary.csv").exists());

    let original = accord(dir, &["opinions", source.to_str().unwrap(), "--json"]);
    let exported = accord(dir, &["opinions", out.to_str().unwrap(), "--json"]);
    assert_eq!(original.code, 0, "{}", original.stderr);
    assert_eq!(original.stdout, exported.stdout);
}

#[test]
fn a_bad_row_exits_3_naming_file_row_and_column_and_imports_nothing() {
    let workspace = tempfile::tempdir().unwrap();
    let dir = workspace.path();
    assert_eq!(accord(dir, &["demo"]).code, 0);
    let bad = dir.join("bad");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(
        bad.join("comments.csv"),
        "comment-id,author-id,moderated,comment-body\n0,1,1,One\n1,2,3,Two\n",
    )
    .unwrap();
    std::fs::write(bad.join("votes.csv"), "timestamp,comment-id,voter-id,vote\n1,0,1,1\n").unwrap();
    let run = accord(
        dir,
        &["consultations", "import", bad.to_str().unwrap(), "--track", "migration", "--title", "Bad"],
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("comments.csv: row 2 (line 3), column \"moderated\": expected -1, 0 or 1, found 3"),
        "{}",
        run.stderr
    );
    let list = accord(dir, &["consultations", "list"]);
    assert!(!list.stdout.contains("Bad"), "{}", list.stdout);
    // An unknown track is not found: exit 4.
    let source = opendata("brexit-consensus");
    let run = accord(dir, &["consultations", "import", source.to_str().unwrap(), "--track", "nowhere"]);
    assert_eq!(run.code, 4, "{}", run.stderr);
}
