//! Black-box tests of `accord users` and `accord outbox` on the real binary in a fresh directory, and of the
//! `--insecure-cookies` guard of `accord serve`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A fresh directory whose `a.db` is the database.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        Workspace { dir: tempfile::tempdir().expect("a temporary directory") }
    }

    /// Runs `accord --database sqlite:<dir>/a.db ARGS` with `stdin` as its standard input.
    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .current_dir(self.dir.path())
            .arg("--database")
            .arg(format!("sqlite:{}", self.dir.path().join("a.db").display()))
            .args(args)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the accord binary runs");
        // A run refused before it reads its input closes the pipe early; that is not this test's failure.
        let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
        child.wait_with_output().expect("the accord binary ends")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn users_add_reads_the_password_from_stdin_and_makes_the_secretariat_of_a_process() {
    let workspace = Workspace::new();
    assert_eq!(workspace.run(&["demo"], "").status.code(), Some(0));

    let output = workspace.run(
        &[
            "users",
            "add",
            "Admin@Example.org",
            "--name",
            "The Secretariat",
            "--password-stdin",
            "--secretariat",
            "global-compacts-2018",
        ],
        "a long enough password\n",
    );

    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("admin@example.org, secretariat of global-compacts-2018"),
        "{}",
        text(&output.stdout)
    );
    assert!(!text(&output.stdout).contains("long enough"), "the password is never printed");
    let list = workspace.run(&["users", "list"], "");
    assert_eq!(text(&list.stdout).trim(), "1\tadmin@example.org\tThe Secretariat");
}

#[test]
fn a_second_user_with_the_same_address_is_a_conflict_exit_5() {
    let workspace = Workspace::new();
    let add = |name: &str| {
        workspace.run(
            &["users", "add", "a@example.org", "--name", name, "--password-stdin"],
            "a long enough password\n",
        )
    };
    assert_eq!(add("First").status.code(), Some(0));

    let second = add("Second");

    assert_eq!(second.status.code(), Some(5), "{}", text(&second.stderr));
    assert!(text(&second.stderr).contains("exists already"), "{}", text(&second.stderr));
}

#[test]
fn bad_users_add_input_is_refused_with_its_exit_code_and_stores_nothing() {
    let workspace = Workspace::new();
    let cases: [(&[&str], &str, i32, &str); 4] = [
        (
            &["users", "add", "a@example.org", "--name", "A", "--password-stdin"],
            "short\n",
            2,
            "at least 10 characters",
        ),
        (
            &["users", "add", "not-an-address", "--name", "A", "--password-stdin"],
            "a long enough password\n",
            2,
            "expected an e-mail address",
        ),
        (
            &["users", "add", "a@example.org", "--name", "A"],
            "a long enough password\n",
            2,
            "--password-stdin",
        ),
        (
            &["users", "add", "a@example.org", "--name", "A", "--password-stdin", "--secretariat", "nowhere"],
            "a long enough password\n",
            4,
            "no process `nowhere`",
        ),
    ];
    for (args, stdin, code, message) in cases {
        let output = workspace.run(args, stdin);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {}", text(&output.stderr));
        assert!(text(&output.stderr).contains(message), "{args:?}: {}", text(&output.stderr));
    }
    assert_eq!(text(&workspace.run(&["users", "list"], "").stdout), "", "no user was stored");
}

#[test]
fn the_outbox_of_a_fresh_database_is_empty() {
    let workspace = Workspace::new();
    let output = workspace.run(&["outbox"], "");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "");
}

#[test]
fn insecure_cookies_are_refused_on_an_address_that_is_not_loopback() {
    let workspace = Workspace::new();
    let output = workspace.run(&["serve", "--bind", "0.0.0.0:0", "--insecure-cookies"], "");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("loopback only"), "{}", text(&output.stderr));
}

#[test]
fn a_malformed_smtp_url_or_sender_is_a_usage_error() {
    let workspace = Workspace::new();
    let output = workspace.run(&["serve", "--bind", "127.0.0.1:0", "--smtp-url", "mail.example.org"], "");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("--smtp-url: expected an SMTP URL"), "{}", text(&output.stderr));
    let output = workspace.run(
        &["serve", "--bind", "127.0.0.1:0", "--smtp-url", "smtp://127.0.0.1:2525", "--mail-from", "nobody"],
        "",
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("expected a sender"), "{}", text(&output.stderr));
}
