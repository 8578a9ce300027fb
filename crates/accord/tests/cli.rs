//! Black-box tests of the `accord` command, in the manner of ripgrep's `tests/util.rs`: the real binary runs in
//! a fresh temporary directory over its own SQLite file, and each test checks standard output, standard error
//! and the exit code (documented in `src/main.rs`: 0 ok, 1 failure, 2 usage, 3 invalid input, 4 not found,
//! 5 conflict). Oracles: the committed GCM file, the shared GCM Markdown and the six shared Akoma Ntoso
//! samples.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root.
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
/// The shared fixtures beside the repository.
const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

/// The committed GCM text in Akoma Ntoso.
fn committed_gcm() -> PathBuf {
    PathBuf::from(format!("{ROOT}/data/gcm/gcm-a-res-73-195.akn.xml"))
}

/// A fresh directory with its own database, where the binary runs.
struct Workspace {
    dir: tempfile::TempDir,
}

/// What a run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().expect("the binary exits with a code, not a signal"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Workspace {
    fn new() -> Workspace {
        Workspace { dir: tempfile::tempdir().expect("a temporary directory") }
    }

    /// A path inside the workspace.
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `bytes` to `name` in the workspace and returns its path.
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("the workspace is writable");
        path
    }

    /// Runs `accord --database sqlite:<dir>/a.db ARGS` in the workspace, with no colour asked for by the
    /// environment.
    fn run<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Run {
        Command::new(env!("CARGO_BIN_EXE_accord"))
            .current_dir(self.dir.path())
            .arg("--database")
            .arg(format!("sqlite:{}", self.path("a.db").display()))
            .args(args)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .output()
            .expect("the accord binary runs")
            .into()
    }

    /// Runs and expects success.
    fn ok<S: AsRef<std::ffi::OsStr>>(&self, args: &[S]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, 0, "accord {:?}: {}", args_text(args), run.stderr);
        run
    }

    /// Runs and expects the exit code `code`.
    fn fails<S: AsRef<std::ffi::OsStr>>(&self, code: i32, args: &[S]) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code,
            code,
            "accord {:?}: stdout {} stderr {}",
            args_text(args),
            run.stdout,
            run.stderr
        );
        assert!(run.stderr.starts_with("accord: ") || code == 2, "stderr: {}", run.stderr);
        run
    }

    /// A workspace whose database holds the demonstration.
    fn with_demo() -> Workspace {
        let workspace = Workspace::new();
        workspace.ok(&["demo"]);
        workspace
    }

    /// The lines of `accord revisions DRAFT`, or `None` when the draft does not exist (exit 4).
    fn revisions(&self, draft_id: &str) -> Option<Vec<String>> {
        let run = self.run(&["revisions", draft_id]);
        match run.code {
            0 => Some(run.stdout.lines().map(str::to_owned).collect()),
            4 => None,
            code => panic!("accord revisions {draft_id} exited {code}: {}", run.stderr),
        }
    }
}

fn args_text<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Vec<String> {
    args.iter().map(|arg| arg.as_ref().to_string_lossy().into_owned()).collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("reading {}: {error}", path.display()))
}

/// `text` with runs of white space made one space.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of the lettered actions in the shared GCM Markdown (`- a. Elaborate …`), read without accord.
fn shared_gcm_action_texts() -> Vec<String> {
    read(Path::new(&format!("{SHARED}/data/gcm/gcm-objectives.md")))
        .lines()
        .filter_map(|line| line.strip_prefix("- "))
        .map(|action| squeeze(action.split_once(". ").expect("`- x. text`").1))
        .collect()
}

/// The text content of an XML file (every text node, white space squeezed), read with roxmltree rather than
/// accord's reader; comments and the `meta` block are left out because export rewrites them.
fn xml_body_text(xml: &str) -> String {
    let tree = roxmltree::Document::parse(xml).expect("well-formed XML");
    let mut words = Vec::new();
    for node in tree.descendants().filter(|node| node.is_text()) {
        if node.ancestors().any(|ancestor| ancestor.tag_name().name() == "meta") {
            continue;
        }
        words.push(node.text().unwrap_or_default().to_owned());
    }
    squeeze(&words.join(" "))
}

#[test]
fn help_exits_0_and_lists_every_subcommand() {
    let workspace = Workspace::new();

    let run = workspace.ok(&["--help"]);

    for subcommand in ["serve", "demo", "import", "export", "redline", "revisions"] {
        assert!(
            run.stdout.lines().any(|line| line.trim_start().starts_with(subcommand)),
            "{subcommand}: {}",
            run.stdout
        );
    }
    assert!(run.stdout.contains("Exit codes"), "{}", run.stdout);
}

#[test]
fn no_subcommand_or_an_unknown_flag_is_a_usage_error() {
    let workspace = Workspace::new();

    let bare = workspace.run::<&str>(&[]);
    let unknown = workspace.run(&["revisions", "gcm", "--frobnicate"]);
    let bad_format = workspace.run(&["export", "gcm/0", "--format", "pdf"]);

    assert_eq!(bare.code, 2, "{}", bare.stderr);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("--frobnicate"));
    assert_eq!(bad_format.code, 2, "{}", bad_format.stderr);
    assert!(bad_format.stderr.contains("pdf"));
}

#[test]
fn demo_loads_two_revisions_and_loading_it_twice_is_harmless() {
    let workspace = Workspace::new();

    let first = workspace.ok(&["demo"]);
    let second = workspace.ok(&["demo"]);

    assert!(first.stdout.contains("`gcm`"), "{}", first.stdout);
    assert_eq!(first.stdout, second.stdout);
    let revisions = workspace.revisions("gcm").expect("draft gcm exists");
    assert_eq!(revisions.len(), 2, "{revisions:?}");
    let fields: Vec<Vec<&str>> = revisions.iter().map(|line| line.split('\t').collect()).collect();
    assert_eq!(fields[0][..4], ["gcm/0", "Zero draft", "2018-12-19", fields[0][3]]);
    assert_eq!(fields[0].len(), 4, "revision 0 is real, not a demonstration: {:?}", fields[0]);
    assert_eq!(fields[1][..3], ["gcm/1", "Rev.1", "2018-03-12"]);
    assert_eq!(fields[1].last(), Some(&"(demonstration)"));
}

#[test]
fn the_akn_export_of_revision_0_is_the_committed_text_and_reimports() {
    let workspace = Workspace::with_demo();
    let exported = workspace.path("gcm-0.akn.xml");

    let run = workspace.ok(&[
        "export".as_ref(),
        "gcm/0".as_ref(),
        "--format".as_ref(),
        "akn".as_ref(),
        "-o".as_ref(),
        exported.as_os_str(),
    ]);

    assert_eq!(run.stdout, "", "with -o nothing goes to standard output");
    let exported_xml = read(&exported);
    let committed_xml = read(&committed_gcm());
    assert_eq!(xml_body_text(&exported_xml), xml_body_text(&committed_xml), "same text outside <meta>");
    let actions = shared_gcm_action_texts();
    assert!(xml_body_text(&exported_xml).contains(&actions[186]), "the last action of the compact is there");
    let reimported =
        workspace.ok(&["import".as_ref(), exported.as_os_str(), "--draft".as_ref(), "copy".as_ref()]);
    assert!(reimported.stdout.starts_with("copy/0\tZero draft\t2018-12-19"), "{}", reimported.stdout);
    let again = workspace.path("copy-0.akn.xml");
    workspace.ok(&[
        "export".as_ref(),
        "copy/0".as_ref(),
        "--format".as_ref(),
        "akn".as_ref(),
        "-o".as_ref(),
        again.as_os_str(),
    ]);
    assert_eq!(read(&again), exported_xml, "export, import, export gives the same file");
}

#[test]
fn export_writes_markdown_html_and_word() {
    let workspace = Workspace::with_demo();
    let first_action = &shared_gcm_action_texts()[0];

    for (format, name) in [("md", "gcm.md"), ("html", "gcm.html"), ("docx", "gcm.docx")] {
        let path = workspace.path(name);
        workspace.ok(&[
            "export".as_ref(),
            "gcm/1".as_ref(),
            "--format".as_ref(),
            format.as_ref(),
            "-o".as_ref(),
            path.as_os_str(),
        ]);
        let bytes = std::fs::read(&path).unwrap();
        match format {
            "docx" => assert!(bytes.starts_with(b"PK\x03\x04"), "a Word file is a zip"),
            "html" => {
                let html = String::from_utf8(bytes).unwrap();
                assert!(html.to_lowercase().starts_with("<!doctype html"), "{}", &html[..40]);
                assert!(html.contains("designed and run with municipalities"), "revision 1's words");
            }
            _ => {
                let markdown = String::from_utf8(bytes).unwrap();
                assert!(squeeze(&markdown).contains(&first_action[..60]), "the Markdown holds action 1 (a)");
                assert!(markdown.contains("designed and run with municipalities"));
            }
        }
    }
    let to_stdout = workspace.ok(&["export", "gcm", "--format", "md"]);
    assert!(
        to_stdout.stdout.contains("designed and run with municipalities"),
        "DRAFT alone means the latest"
    );
}

#[test]
fn redline_to_a_pipe_has_plain_markers_and_no_colour() {
    let workspace = Workspace::with_demo();

    let run = workspace.ok(&["redline", "gcm/0", "gcm/1"]);

    assert!(!run.stdout.contains('\u{1b}'), "no escape codes when standard output is not a terminal");
    assert!(run.stdout.contains("[+") && run.stdout.contains("+]"), "{}", run.stdout);
    assert!(run.stdout.contains("[-") && run.stdout.contains("-]"));
    assert!(run.stdout.contains("designed and run with municipalities"));
    assert!(run.stdout.contains("cities and local authorities as first responders"), "the inserted action");
    let coloured = workspace.ok(&["redline", "gcm/0", "gcm/1", "--color", "always"]);
    assert!(coloured.stdout.contains('\u{1b}'), "--color always colours");
}

#[test]
fn redline_as_akn_marks_insertions_and_deletions() {
    let workspace = Workspace::with_demo();

    let run = workspace.ok(&["redline", "gcm/0", "gcm/1", "--format", "akn"]);

    roxmltree::Document::parse(&run.stdout).expect("the AKN redline is well-formed XML");
    assert!(run.stdout.contains("<ins") && run.stdout.contains("<del"));
    assert!(run.stdout.contains("sec_3__obj_15__para_1__point_cbis"));
}

#[test]
fn the_committed_gcm_imports_into_a_new_draft_and_exports_the_same_text() {
    let workspace = Workspace::new();
    let input = committed_gcm();

    let run = workspace.ok(&[
        "import".as_ref(),
        input.as_os_str(),
        "--draft".as_ref(),
        "compact".as_ref(),
        "--note".as_ref(),
        "as adopted".as_ref(),
    ]);

    assert!(run.stdout.starts_with("compact/0\t"), "{}", run.stdout);
    assert_eq!(workspace.revisions("compact").map(|lines| lines.len()), Some(1));
    let output = workspace.path("out.akn.xml");
    workspace.ok(&[
        "export".as_ref(),
        "compact/0".as_ref(),
        "--format".as_ref(),
        "akn".as_ref(),
        "-o".as_ref(),
        output.as_os_str(),
    ]);
    assert_eq!(xml_body_text(&read(&output)), xml_body_text(&read(&input)));
}

#[test]
fn an_import_without_draft_is_named_by_its_frbr_number_and_a_second_import_adds_a_revision() {
    let workspace = Workspace::new();
    let input = committed_gcm();

    let first = workspace.ok(&["import".as_ref(), input.as_os_str()]);
    let second = workspace.ok(&[
        "import".as_ref(),
        input.as_os_str(),
        "--label".as_ref(),
        "Rev.1".as_ref(),
        "--date".as_ref(),
        "2019-01-02".as_ref(),
        "--author".as_ref(),
        "me".as_ref(),
    ]);

    assert!(first.stdout.starts_with("gcm/0\t"), "{}", first.stdout);
    assert_eq!(second.stdout.trim_end(), "gcm/1\tRev.1\t2019-01-02");
    let revisions = workspace.revisions("gcm").unwrap();
    assert_eq!(revisions.len(), 2);
    assert!(revisions[1].ends_with("\tme"), "{}", revisions[1]);
    let redline = workspace.ok(&["redline", "gcm/0", "gcm/1"]);
    assert!(
        !redline.stdout.contains("[+") && !redline.stdout.contains("[-"),
        "the same text: {}",
        redline.stdout
    );
}

#[test]
fn each_of_the_six_shared_akn_samples_imports_and_keeps_its_text() {
    let samples = std::fs::read_dir(format!("{SHARED}/data/akn-samples")).expect("the shared samples");
    let mut n_samples = 0;
    for sample in samples {
        let sample = sample.unwrap().path();
        let workspace = Workspace::new();

        let run = workspace.ok(&["import".as_ref(), sample.as_os_str()]);

        let draft_id = run.stdout.split('/').next().unwrap().to_owned();
        assert!(run.stdout.starts_with(&format!("{draft_id}/0\t")), "{}: {}", sample.display(), run.stdout);
        assert_eq!(workspace.revisions(&draft_id).map(|lines| lines.len()), Some(1), "{}", sample.display());
        let output = workspace.path("out.xml");
        workspace.ok(&[
            "export".as_ref(),
            format!("{draft_id}/0").as_ref(),
            "--format".as_ref(),
            "akn".as_ref(),
            "-o".as_ref(),
            output.as_os_str(),
        ]);
        let original = xml_body_text(&read(&sample));
        let exported = xml_body_text(&read(&output));
        for word in original.split(' ') {
            assert!(exported.contains(word), "{}: `{word}` is lost", sample.display());
        }
        n_samples += 1;
    }
    assert_eq!(n_samples, 6);
}

#[test]
fn bad_files_are_refused_with_exit_3_and_nothing_is_stored() {
    let workspace = Workspace::with_demo();
    let committed = read(&committed_gcm());
    let mut not_utf8 = b"<?xml version=\"1.0\"?>\n<akomaNtoso>".to_vec();
    not_utf8.extend_from_slice(&[0xff, 0xfe]);
    let duplicated = committed.replacen(
        "eId=\"sec_3__obj_1__para_1__point_b\"",
        "eId=\"sec_3__obj_1__para_1__point_a\"",
        1,
    );
    assert_ne!(duplicated, committed);
    // (what is wrong, file name, bytes, words the message must hold besides the file name)
    let cases: Vec<(&str, &str, Vec<u8>, Vec<&str>)> = vec![
        ("bytes that are not UTF-8", "latin.xml", not_utf8, vec!["UTF-8", "byte 34"]),
        (
            "malformed XML",
            "broken.xml",
            b"<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">\n  <act>\n</akomaNtoso>\n".to_vec(),
            vec!["line 3", "column"],
        ),
        ("XML that is not Akoma Ntoso", "page.xml", b"<html><body>hello</body></html>".to_vec(), vec!["akomaNtoso", "html"]),
        ("Akoma Ntoso without a document", "empty.xml", b"<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\"/>".to_vec(), vec!["document element"]),
        ("a duplicate eId", "twice.xml", duplicated.into_bytes(), vec!["sec_3__obj_1__para_1__point_a", "line"]),
    ];

    for (case, name, bytes, words) in cases {
        let path = workspace.write(name, bytes);
        for draft_id in ["gcm", "fresh"] {
            let run = workspace
                .fails(3, &["import".as_ref(), path.as_os_str(), "--draft".as_ref(), draft_id.as_ref()]);

            assert!(run.stderr.contains(name), "{case}: the message names the file: {}", run.stderr);
            for word in &words {
                assert!(run.stderr.contains(word), "{case}: the message should say `{word}`: {}", run.stderr);
            }
            assert_eq!(run.stdout, "", "{case}");
            assert_eq!(
                workspace.revisions("gcm").map(|lines| lines.len()),
                Some(2),
                "{case}: nothing is stored"
            );
            assert_eq!(workspace.revisions("fresh"), None, "{case}: no draft is made");
        }
    }
}

#[test]
fn a_missing_file_is_a_failure_that_names_it() {
    let workspace = Workspace::new();

    let run = workspace.fails(1, &["import", "no-such-file.xml"]);

    assert!(run.stderr.contains("no-such-file.xml"), "{}", run.stderr);
}

#[test]
fn a_bad_date_is_a_usage_error_and_stores_nothing() {
    let workspace = Workspace::new();
    let input = committed_gcm();

    let run =
        workspace.fails(2, &["import".as_ref(), input.as_os_str(), "--date".as_ref(), "19/12/2018".as_ref()]);

    assert!(run.stderr.contains("19/12/2018") && run.stderr.contains("YYYY-MM-DD"), "{}", run.stderr);
    assert_eq!(workspace.revisions("gcm"), None);
}

#[test]
fn unknown_drafts_and_revisions_exit_4_naming_them() {
    let workspace = Workspace::with_demo();
    // (arguments, what the message names)
    let cases: [(&[&str], &str); 7] = [
        (&["revisions", "nope"], "nope"),
        (&["export", "nope/0", "--format", "md"], "nope"),
        (&["export", "gcm/9", "--format", "md"], "gcm/9"),
        (&["export", "gcm/9", "--format", "html"], "gcm/9"),
        (&["export", "gcm/9", "--format", "docx", "-o", "out.docx"], "gcm/9"),
        (&["redline", "gcm/0", "gcm/9"], "gcm/9"),
        (&["redline", "nope/0", "nope/1"], "nope"),
    ];

    for (args, named) in cases {
        let run = workspace.fails(4, args);

        assert!(run.stderr.contains(named), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
    }
    assert!(!workspace.path("out.docx").exists(), "no file is written for an unknown revision");
}

/// Fails today: `Store::revision_akn` (crates/accord-store/src/revision.rs, `fetch_one` on a number that
/// `resolve` does not check) answers `StoreError::Database(RowNotFound)` for an unknown revision number, so
/// the command exits 1 with "database error: no rows returned" instead of 4 with "no revision `gcm/9`".
#[test]
fn an_akn_export_of_an_unknown_revision_exits_4_like_the_other_formats() {
    let workspace = Workspace::with_demo();

    let run = workspace.fails(4, &["export", "gcm/9", "--format", "akn"]);

    assert!(run.stderr.contains("gcm/9"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

#[test]
fn a_redline_across_drafts_exits_5() {
    let workspace = Workspace::with_demo();
    let input = committed_gcm();
    workspace.ok(&["import".as_ref(), input.as_os_str(), "--draft".as_ref(), "other".as_ref()]);

    let run = workspace.fails(5, &["redline", "gcm/0", "other/0"]);

    assert!(run.stderr.contains("gcm/0") && run.stderr.contains("other/0"), "{}", run.stderr);
    assert!(run.stderr.contains("one draft"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}

/// Runs `xmllint --noout --schema` with the shared Akoma Ntoso 3.0 schema; `Err` holds what xmllint said.
fn validate_with_xmllint(path: &Path) -> Result<(), String> {
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(format!("{SHARED}/schemas/akn/akomantoso30.xsd"))
        .arg(path)
        .output()
        .expect("xmllint (Debian package libxml2-utils) is installed");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn the_exported_revision_and_redline_are_valid_akoma_ntoso_by_xmllint() {
    let workspace = Workspace::with_demo();
    let revision = workspace.path("gcm-1.akn.xml");
    let redline = workspace.path("gcm-0-to-1.akn.xml");

    workspace.ok(&[
        "export".as_ref(),
        "gcm/1".as_ref(),
        "--format".as_ref(),
        "akn".as_ref(),
        "-o".as_ref(),
        revision.as_os_str(),
    ]);
    workspace.ok(&[
        "redline".as_ref(),
        "gcm/0".as_ref(),
        "gcm/1".as_ref(),
        "--format".as_ref(),
        "akn".as_ref(),
        "-o".as_ref(),
        redline.as_os_str(),
    ]);

    validate_with_xmllint(&revision).unwrap_or_else(|error| panic!("revision 1: {error}"));
    validate_with_xmllint(&redline).unwrap_or_else(|error| panic!("redline 0 to 1: {error}"));
}

#[test]
fn the_word_export_reads_back_in_python_docx_with_the_compact_text() {
    let workspace = Workspace::with_demo();
    let docx = workspace.path("gcm-0.docx");
    workspace.ok(&[
        "export".as_ref(),
        "gcm/0".as_ref(),
        "--format".as_ref(),
        "docx".as_ref(),
        "-o".as_ref(),
        docx.as_os_str(),
    ]);

    let output = Command::new("python3")
        .arg("-c")
        .arg("import docx, sys; print('\\n'.join(p.text for p in docx.Document(sys.argv[1]).paragraphs))")
        .arg(&docx)
        .output()
        .expect("python3 with python-docx is installed");

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = squeeze(&String::from_utf8_lossy(&output.stdout));
    for action in shared_gcm_action_texts() {
        assert!(text.contains(&action), "the Word file lacks `{action}`");
    }
}
