//! Black-box tests of `accord verify` and `accord log export` on the real binary over a SQLite file in a fresh
//! directory: the record of two imports of the GCM verifies; after a row of the `event` table is changed or deleted
//! behind accord's back (with Python's `sqlite3` module, not through accord), `accord verify` exits 6 and names
//! the entry.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `accord --database sqlite:DIR/a.db ARGS` in `dir`.
fn accord(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(dir)
        .arg("--database")
        .arg(format!("sqlite:{}", database(dir).display()))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the accord binary runs")
}

fn database(dir: &Path) -> PathBuf {
    dir.join("a.db")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs one SQL statement on the database file with Python's sqlite3 module and checks it changed one row.
fn change_behind_accords_back(dir: &Path, sql: &str) {
    let script = "import sqlite3, sys\n\
                  connection = sqlite3.connect(sys.argv[1])\n\
                  changed = connection.execute(sys.argv[2]).rowcount\n\
                  connection.commit()\n\
                  assert changed == 1, changed\n";
    let output = Command::new("python3")
        .args(["-c", script])
        .arg(database(dir))
        .arg(sql)
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "{sql}: {}", text(&output.stderr));
}

/// The committed GCM text in Akoma Ntoso.
const GCM: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/gcm/gcm-a-res-73-195.akn.xml");

/// A fresh directory whose database holds three entries: the GCM imported twice as draft `gcm` makes the
/// process (entry 1) and publishes revisions 0 and 1 (entries 2 and 3).
fn gcm_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for _ in 0..2 {
        let output = accord(dir.path(), &["import", GCM, "--draft", "gcm"]);
        assert!(output.status.success(), "accord import: {}", text(&output.stderr));
    }
    dir
}

#[test]
fn verify_says_how_many_entries_and_that_the_chain_is_intact() {
    let dir = gcm_workspace();
    let output = accord(dir.path(), &["verify"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("3 entries, chain intact"));
    let head = lines.next().unwrap().strip_prefix("head ").expect("the head hash follows");
    assert_eq!(head.len(), 64);
    assert!(head.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{head}");
}

#[test]
fn an_empty_record_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let output = accord(dir.path(), &["verify"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "0 entries, chain intact\n");
}

#[test]
fn verify_exits_6_and_names_the_entry_whose_actor_was_changed_in_the_file() {
    let dir = gcm_workspace();
    change_behind_accords_back(dir.path(), "UPDATE event SET actor = 'mallory' WHERE seq = 2");
    let output = accord(dir.path(), &["verify"]);
    assert_eq!(output.status.code(), Some(6), "{}", text(&output.stdout));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("the record does not verify (3 entries): entry 2 was changed"), "{stderr}");
    assert_eq!(text(&output.stdout), "", "nothing claims the chain is intact");
}

#[test]
fn verify_exits_6_and_names_the_entry_whose_data_was_changed_in_the_file() {
    let dir = gcm_workspace();
    change_behind_accords_back(
        dir.path(),
        "UPDATE event SET data = replace(data, '\"number\":1', '\"number\":7') WHERE seq = 3",
    );
    let output = accord(dir.path(), &["verify"]);
    assert_eq!(output.status.code(), Some(6));
    assert!(text(&output.stderr).contains("entry 3 was changed"), "{}", text(&output.stderr));
}

#[test]
fn verify_exits_6_and_names_a_deleted_entry() {
    let dir = gcm_workspace();
    change_behind_accords_back(dir.path(), "DELETE FROM event WHERE seq = 2");
    let output = accord(dir.path(), &["verify"]);
    assert_eq!(output.status.code(), Some(6));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("entry 2 is missing: expected entry 2, found entry 3"), "{stderr}");
}

#[test]
fn the_log_exports_as_one_json_line_per_entry_to_a_file_or_standard_output() {
    let dir = gcm_workspace();
    let output = accord(dir.path(), &["log", "export", "-o", "record.jsonl"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("wrote 3 entries to record.jsonl"), "{}", text(&output.stderr));
    let file = std::fs::read_to_string(dir.path().join("record.jsonl")).unwrap();
    let stdout = text(&accord(dir.path(), &["log", "export"]).stdout);
    assert_eq!(stdout, file, "standard output and the file hold the same export");
    assert_eq!(actions_of(&file), ["process.created", "revision.published", "revision.published"]);
    let verify = text(&accord(dir.path(), &["verify"]).stdout);
    let head = verify.lines().nth(1).unwrap().strip_prefix("head ").unwrap().to_owned();
    assert!(
        file.lines().last().unwrap().ends_with(&format!("\"hash\":\"{head}\"}}")),
        "the last line is the head"
    );
}

/// The `action` of each line of a JSON-lines export, read by Python's json module so that the test does not
/// lean on accord's own JSON writer.
fn actions_of(jsonl: &str) -> Vec<String> {
    let script =
        "import json, sys\nfor line in sys.argv[1].splitlines():\n    print(json.loads(line)['action'])";
    let output = Command::new("python3").args(["-c", script, jsonl]).output().expect("python3 runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn log_export_ends_quietly_when_its_reader_stops_early() {
    // The demonstration's record is megabytes: far more than a pipe holds, so accord is still writing when the
    // reader (`accord log export | head -1`) has taken its line and closed the pipe.
    let dir = tempfile::tempdir().unwrap();
    assert!(accord(dir.path(), &["demo"]).status.success());
    let whole = accord(dir.path(), &["log", "export"]);
    assert!(whole.status.success() && whole.stdout.len() > 1 << 20, "{} bytes", whole.stdout.len());
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(dir.path())
        .arg("--database")
        .arg(format!("sqlite:{}", database(dir.path()).display()))
        .args(["log", "export"])
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "");
}
