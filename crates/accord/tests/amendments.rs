//! Black-box tests of `accord amendments import|list` and `accord compile`: the real binary in a fresh directory
//! over its own SQLite file with the demonstration loaded (`accord demo`: round 1's sixty amendments on gcm/0,
//! Rev.1, round 4 open on Rev.1). Oracles: the demonstration's amendments as `accord amendments list` prints them,
//! xmllint with the official Akoma Ntoso schema, python-docx.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The shared fixtures beside the repository.
const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

/// Runs `accord --database sqlite:DIR/a.db ARGS` in `dir`: `(exit code, stdout bytes, stderr)`.
fn accord(dir: &Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(dir)
        .arg("--database")
        .arg(format!("sqlite:{}", dir.join("a.db").display()))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the accord binary runs");
    (
        output.status.code().expect("an exit code"),
        output.stdout,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A fresh directory with the demonstration loaded.
fn with_demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = accord(dir.path(), &["demo"]);
    assert_eq!(code, 0, "accord demo: {stderr}");
    dir
}

/// The lines of `accord amendments list ARGS`.
fn listed(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["amendments", "list"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = accord(dir, &all);
    assert_eq!(code, 0, "{stderr}");
    String::from_utf8(stdout).unwrap().lines().map(str::to_owned).collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_good_csv_is_imported_whole_and_a_bad_one_exits_3_naming_row_and_column_and_imports_nothing() {
    let dir = with_demo();
    // Round 4 is open on Rev.1: tabled now. Action (a) of objective 2 begins "Promote the implementation of the
    // 2030 Agenda" (A/RES/73/195). The sponsor and co-sponsor are the first two participants the
    // demonstration's round 1 names (read from its listing, not from accord's code).
    let round1 = listed(dir.path(), &["--revision", "gcm/0", "--round", "1"]);
    let sponsors: Vec<String> =
        round1.iter().map(|line| line.split('\t').nth(4).unwrap().to_owned()).collect();
    let first = &sponsors[0];
    let second = sponsors.iter().find(|sponsor| *sponsor != first).unwrap();
    let good = format!(
        "revision,round,sponsor,co_sponsors,kind,eid,words,text,justification\n\
         gcm/1,4,{first},{second},insert,sec_3__obj_2__para_1__point_a,Promote,and support,Cities.\n\
         gcm/1,4,{second},,delete-element,sec_3__obj_2__para_1__point_b,,,Redundant.\n"
    );
    let before = listed(dir.path(), &[]).len();
    let file = write(dir.path(), "good.csv", &good);
    let (code, stdout, stderr) = accord(dir.path(), &["amendments", "import", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(String::from_utf8_lossy(&stdout).starts_with("2 amendments imported from"));
    let round4 = listed(dir.path(), &["--revision", "gcm/1", "--round", "4"]);
    assert_eq!(round4.len(), 2, "{round4:?}");
    assert!(round4[0].contains(&format!("\ttabled\t{first}\t{second}\t")), "{}", round4[0]);

    // Row 3 names words that are not in the paragraph: exit 3, row and column named, nothing imported.
    let bad = format!(
        "revision,round,sponsor,kind,eid,words,text,justification\n\
         gcm/1,4,{first},replace,sec_3__obj_2__para_1__point_a,Promote,Advance,Fine.\n\
         gcm/1,4,{first},replace,sec_3__obj_2__para_1__point_a,no such words,x,Bad.\n"
    );
    let file = write(dir.path(), "bad.csv", &bad);
    let (code, _, stderr) = accord(dir.path(), &["amendments", "import", file.to_str().unwrap()]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("bad.csv: row 3, column `words`"), "{stderr}");
    assert_eq!(listed(dir.path(), &[]).len(), before + 2);
}

#[test]
fn compile_writes_html_valid_akoma_ntoso_and_a_word_file() {
    let dir = with_demo();
    let round1 = listed(dir.path(), &["--revision", "gcm/0", "--round", "1"]);
    let (code, html, stderr) = accord(dir.path(), &["compile", "gcm/0", "--round", "1", "--format", "html"]);
    assert_eq!(code, 0, "{stderr}");
    let html = String::from_utf8(html).unwrap();
    // Every amendment that is not a draft or withdrawn is in the text.
    for line in round1.iter().filter(|line| !line.contains("\tdraft\t") && !line.contains("\twithdrawn\t")) {
        let label = line.split('\t').next().unwrap();
        assert!(html.contains(label), "{label} in the compilation");
    }

    let (code, xml, stderr) = accord(dir.path(), &["compile", "gcm/0", "--round", "1", "--format", "akn"]);
    assert_eq!(code, 0, "{stderr}");
    let path = write(dir.path(), "compilation.xml", std::str::from_utf8(&xml).unwrap());
    let schema = format!("{SHARED}/schemas/akn/akomantoso30.xsd");
    let lint = Command::new("xmllint")
        .args(["--noout", "--schema", &schema])
        .arg(&path)
        .output()
        .expect("xmllint runs");
    assert!(lint.status.success(), "{}", String::from_utf8_lossy(&lint.stderr));

    let docx = dir.path().join("compilation.docx");
    let (code, _, stderr) = accord(
        dir.path(),
        &["compile", "gcm/0", "--round", "1", "--format", "docx", "--output", docx.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{stderr}");
    let script = "import docx, sys\nprint(len(docx.Document(sys.argv[1]).paragraphs))";
    let read =
        Command::new("python3").arg("-c").arg(script).arg(&docx).output().expect("python3 with python-docx");
    assert!(read.status.success(), "python-docx: {}", String::from_utf8_lossy(&read.stderr));
    let n_paragraphs: usize = String::from_utf8_lossy(&read.stdout).trim().parse().unwrap();
    assert!(n_paragraphs > 187, "the whole compact, {n_paragraphs} paragraphs");

    // Filters: one objective only; an unknown round exits 4; a bad eId exits 2.
    let (code, objective, _) =
        accord(dir.path(), &["compile", "gcm/0", "--round", "1", "--objective", "sec_3__obj_15"]);
    assert_eq!(code, 0);
    let objective = String::from_utf8(objective).unwrap();
    assert!(
        objective.contains("id=\"sec_3__obj_15__para_1\"")
            && !objective.contains("id=\"sec_3__obj_1__para_1\"")
    );
    assert_eq!(accord(dir.path(), &["compile", "gcm/0", "--round", "99"]).0, 4);
    assert_eq!(accord(dir.path(), &["compile", "gcm/0", "--round", "1", "--objective", "not an eid"]).0, 2);
}

/// The amendment numbers (`A/N`) a compilation file names, each once, in order.
fn amendment_numbers(text: &str) -> Vec<u64> {
    let mut numbers: Vec<u64> = text
        .match_indices("A/")
        .filter_map(|(at, _)| {
            let digits: String = text[at + 2..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

#[test]
fn compile_keeps_exactly_the_amendments_of_the_kinds_party_and_objective_asked_for() {
    // Expected numbers worked out by reading the demonstration's list (crates/accord-demo/src/amendments.rs,
    // `written`, amendment i of the list is A/i+1), not by running accord: its deletions of words are A/11
    // (Poland, objective 15 (b)), A/14 (Australia, objective 13 (a)) and A/25 (Japan, objective 15 (c)); its
    // one deletion of an element is A/7 (Brazil, objective 1 (k)); its one new element is A/6 (objective 15
    // (c bis)). Atlanta (`atlanta-us`) is the first city the demonstration accredits as a participant
    // (City(0)); the insertions it sponsors or co-sponsors are A/9, A/13 and A/22 (the other insertions, A/8,
    // A/16, A/18, A/20 and A/24, do not name it, and the generated amendments after A/30 all replace words).
    // None of these is a draft or withdrawn.
    let dir = with_demo();
    let compile = |extra: &[&str]| -> Vec<u64> {
        let mut args = vec!["compile", "gcm/0", "--round", "1", "--format", "html"];
        args.extend_from_slice(extra);
        let (code, html, stderr) = accord(dir.path(), &args);
        assert_eq!(code, 0, "accord compile {extra:?}: {stderr}");
        let html = String::from_utf8(html).unwrap();
        let numbers = amendment_numbers(&html);
        // The file says how many it shows; it must be the count of numbers it names.
        assert!(html.contains(&format!("{} amendments shown", numbers.len())), "{extra:?}: {numbers:?}");
        numbers
    };
    let cases: [(&[&str], &[u64]); 7] = [
        (&["--kind", "delete"], &[11, 14, 25]),
        (&["--kind", "delete-element"], &[7]),
        (&["--kind", "add"], &[6]),
        (&["--kind", "delete", "--kind", "delete-element", "--kind", "add"], &[6, 7, 11, 14, 25]),
        (&["--kind", "delete", "--objective", "sec_3__obj_15"], &[11, 25]),
        (&["--kind", "delete", "--party", "poland"], &[11]),
        (&["--kind", "insert", "--party", "atlanta-us"], &[9, 13, 22]),
    ];
    for (args, expected) in cases {
        assert_eq!(compile(args), expected, "accord compile gcm/0 --round 1 {args:?}");
    }
    // Without --kind every kind is kept: more than the five above.
    assert!(compile(&[]).len() > 30);

    // An unknown kind is a usage error that names it and the kinds expected.
    let (code, _, stderr) = accord(dir.path(), &["compile", "gcm/0", "--round", "1", "--kind", "rewrite"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`rewrite`: expected replace, insert, delete, add or delete-element"),
        "{stderr}"
    );
}

#[test]
fn rounds_are_listed_opened_and_the_least_number_of_co_sponsors_set_bad_fields_exit_2() {
    let dir = with_demo();
    let rounds = |dir: &Path| -> Vec<String> {
        let (code, stdout, stderr) = accord(dir, &["rounds", "list", "migration"]);
        assert_eq!(code, 0, "{stderr}");
        String::from_utf8(stdout).unwrap().lines().map(str::to_owned).collect()
    };
    let before = rounds(dir.path());
    assert_eq!(before[0], "track migration: an amendment needs at least 0 co-sponsor(s) to be tabled");
    // The demonstration's rounds, numbered 1, 2 … in order after the header line.
    let numbers: Vec<String> =
        before[1..].iter().map(|line| line.split('\t').next().unwrap().to_owned()).collect();
    let expected: Vec<String> = (1..=numbers.len()).map(|n| n.to_string()).collect();
    assert_eq!(numbers, expected);

    let (code, _, stderr) = accord(
        dir.path(),
        &[
            "rounds",
            "open",
            "migration",
            "--title",
            "Late",
            "--opens-on",
            "2031-02-01",
            "--deadline",
            "2031-01-15T17:00:00Z",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("round `deadline`: 2031-01-15T17:00:00Z is before the opening day 2031-02-01"),
        "{stderr}"
    );
    let (code, stdout, stderr) = accord(
        dir.path(),
        &[
            "rounds",
            "open",
            "migration",
            "--title",
            "Round 5",
            "--opens-on",
            "2031-01-01",
            "--deadline",
            "2031-01-15T12:00:00-05:00",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let next = numbers.len() + 1;
    assert_eq!(
        String::from_utf8(stdout).unwrap(),
        format!("round {next} of track migration opened: Round 5, 2031-01-01 to 2031-01-15T17:00:00Z\n")
    );
    assert_eq!(
        rounds(dir.path()).last().unwrap(),
        &format!("{next}\tRound 5\t2031-01-01\t2031-01-15T17:00:00Z")
    );

    let (code, _, stderr) = accord(dir.path(), &["rounds", "min-co-sponsors", "migration", "--", "-1"]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = accord(dir.path(), &["rounds", "min-co-sponsors", "migration", "2"]);
    assert_eq!(code, 0, "{stderr}");
    let (_, stdout, _) = accord(dir.path(), &["rounds", "min-co-sponsors", "migration"]);
    assert_eq!(String::from_utf8(stdout).unwrap(), "2\n");
    let (code, _, stderr) = accord(dir.path(), &["rounds", "list", "no-such-track"]);
    assert_eq!(code, 4, "{stderr}");
}

#[test]
fn the_redline_of_rev_1_names_its_amendments_in_the_terminal() {
    let dir = with_demo();
    // The amendments merged into Rev.1, as `accord amendments list` shows their status.
    let mut merged: Vec<u64> = listed(dir.path(), &["--revision", "gcm/0"])
        .iter()
        .filter(|line| line.contains("\tmerged"))
        .map(|line| line.split('\t').next().unwrap().trim_start_matches("A/").parse().unwrap())
        .collect();
    merged.sort_unstable();
    assert!(!merged.is_empty());
    let (code, stdout, stderr) = accord(dir.path(), &["redline", "gcm/0", "gcm/1", "--color", "never"]);
    assert_eq!(code, 0, "{stderr}");
    let text = String::from_utf8(stdout).unwrap();
    let mut named = amendment_numbers(&text);
    named.dedup();
    assert_eq!(named, merged, "{text}");
}
