//! Black-box tests of `accord registry load`, `accord parties import` and `accord parties list`: the real binary
//! in a fresh temporary directory over its own SQLite file. Oracles: the row counts of `data/registry/*.csv`
//! (`wc -l` less the header: 193, 2 and 33,961) and the Chicago row of `data/registry/cities.csv`.

use std::path::PathBuf;
use std::process::Command;

/// A fresh directory with its own database.
struct Workspace {
    dir: tempfile::TempDir,
}

/// Exit code, standard output and standard error of one run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Workspace {
    fn new() -> Workspace {
        Workspace { dir: tempfile::tempdir().expect("a temporary directory") }
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).expect("the workspace is writable");
        path
    }

    /// Runs `accord --database sqlite:<dir>/a.db ARGS`.
    fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_accord"))
            .current_dir(self.dir.path())
            .arg("--database")
            .arg(format!("sqlite:{}", self.dir.path().join("a.db").display()))
            .args(args)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .output()
            .expect("the accord binary runs");
        Run {
            code: output.status.code().expect("the binary exits with a code"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, 0, "accord {args:?}: {}", run.stderr);
        run
    }

    /// A workspace whose database holds the registry.
    fn with_registry() -> Workspace {
        let workspace = Workspace::new();
        workspace.ok(&["registry", "load"]);
        workspace
    }
}

#[test]
fn registry_load_adds_the_states_and_the_gazetteer_once() {
    let workspace = Workspace::new();

    let first = workspace.ok(&["registry", "load"]);
    let second = workspace.ok(&["registry", "load"]);

    assert_eq!(
        first.stdout,
        "registry loaded: 193 member states, 2 observer states and 33961 cities added\n"
    );
    assert_eq!(second.stdout, "registry loaded: 0 member states, 0 observer states and 0 cities added\n");
    assert_eq!(workspace.ok(&["parties", "list", "--kind", "member_state"]).stdout.lines().count(), 193);
    assert_eq!(
        workspace.ok(&["parties", "list", "--kind", "observer_state"]).stdout,
        "holy-see\tobserver_state\tHoly See\tVAT\nstate-of-palestine\tobserver_state\tState of Palestine\tPSE\n"
    );
    assert_eq!(workspace.ok(&["parties", "list"]).stdout.lines().count(), 195);
}

#[test]
fn parties_import_stores_a_city_from_the_gazetteer_and_an_organization() {
    let workspace = Workspace::with_registry();
    let file = workspace.write(
        "parties.csv",
        "kind,name,country,geonames_id\ncity,,US,4887398\ncivil_society,Migrant Forum in Asia,PH,\n",
    );

    let run = workspace.ok(&["parties", "import", file.to_str().unwrap()]);

    assert_eq!(run.stdout, format!("2 parties imported from {}\n", file.display()));
    // data/registry/cities.csv: 4887398,Chicago,Chicago,US,IL,41.85003,-87.65005,2664452
    assert_eq!(
        workspace.ok(&["parties", "list", "--kind", "city"]).stdout,
        "chicago-us\tcity\tChicago\tUS\t2664452\n"
    );
    assert_eq!(
        workspace.ok(&["parties", "list", "--kind", "civil_society"]).stdout,
        "migrant-forum-in-asia\tcivil_society\tMigrant Forum in Asia\tPH\n"
    );
}

#[test]
fn a_bad_row_exits_3_naming_file_row_and_column_and_stores_nothing() {
    let workspace = Workspace::with_registry();
    let file = workspace.write(
        "parties.csv",
        "kind,name,iso3166\nigo,African Union,\ncity_state,Singapore,\nmember_state,Kosovo,XK\n",
    );

    let run = workspace.run(&["parties", "import", file.to_str().unwrap()]);

    assert_eq!(run.code, 3, "stderr: {}", run.stderr);
    let file = file.display();
    assert_eq!(
        run.stderr,
        format!(
            "accord: {file}: row 3, column kind: unknown kind `city_state`: expected one of member_state, \
             observer_state, city, city_network, un_entity, igo, civil_society\n{file}: row 4, column iso3166: \
             unknown ISO 3166 code `XK`: expected the alpha-2 or alpha-3 code of a UN member or observer state\n"
        )
    );
    assert_eq!(
        workspace.ok(&["parties", "list", "--kind", "igo"]).stdout,
        "",
        "the good row is not stored either"
    );
}

#[test]
fn a_file_that_is_not_utf8_exits_3() {
    let workspace = Workspace::new();
    let file = workspace.write("parties.csv", b"kind,name\nigo,Caf\xe9\n");

    let run = workspace.run(&["parties", "import", file.to_str().unwrap()]);

    assert_eq!(run.code, 3, "stderr: {}", run.stderr);
    assert_eq!(run.stderr, format!("accord: {}: not UTF-8 at byte 17\n", file.display()));
}

#[test]
fn an_unknown_kind_to_list_is_a_usage_error() {
    let run = Workspace::new().run(&["parties", "list", "--kind", "city_state"]);

    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("unknown kind `city_state`"), "stderr: {}", run.stderr);
}
