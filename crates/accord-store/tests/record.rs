//! The record (`event.rs`), each test run on SQLite and on PostgreSQL: entries chain from the genesis hash,
//! appends are serialized, and a row edited or deleted behind the store's back (through a second connection
//! with raw SQL) is named by `verify_events`. Oracles: hashes worked out with `sha256sum` and Python's
//! `hashlib`, and the Python verifier of `docs/record.md` run on an export.

use accord_store::event::{self, Break, GENESIS_PREV_HASH};
use accord_store::{test_on_both_databases, Backend, RevisionRef, Store, StoreError};
use sqlx::Connection;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

/// The repository's `docs/record.md`.
const RECORD_DOC: &str = include_str!("../../../docs/record.md");

/// Appends one entry in its own transaction and commits.
async fn append(store: &Store, actor: &str, action: &str, data: &str) -> accord_store::Event {
    let mut transaction = store.begin().await.unwrap();
    let event = store.append_event(&mut transaction, actor, action, data).await.unwrap();
    transaction.commit().await.unwrap();
    event
}

/// Appends `n_entries` entries numbered in their data.
async fn append_entries(store: &Store, n_entries: i64) {
    for idx in 1..=n_entries {
        append(store, "system", "test.appended", &format!(r#"{{"idx": {idx}, "note": "entry {idx}"}}"#))
            .await;
    }
}

/// The Python verifier printed in `docs/record.md`, the only ```python block there.
fn documented_verifier() -> &'static str {
    let start =
        RECORD_DOC.find("```python\n").expect("docs/record.md has a Python block") + "```python\n".len();
    let length = RECORD_DOC[start..].find("```").expect("the Python block is closed");
    &RECORD_DOC[start..start + length]
}

/// Runs the documented verifier on `jsonl` as standard input: (exit code, stdout, stderr).
fn run_documented_verifier(jsonl: &[u8]) -> (i32, String, String) {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(documented_verifier())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(jsonl).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// SHA-256 of `bytes` by Python's hashlib, an implementation other than the store's.
fn python_sha256(bytes: &[u8]) -> String {
    let mut child = Command::new("python3")
        .args(["-c", "import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap().trim().to_owned()
}

#[test]
fn the_hashed_bytes_are_six_netstrings_and_their_hash_is_the_documented_one() {
    let bytes = event::hashed_bytes(
        1,
        "2018-12-19T00:00:00Z",
        "system",
        "process.created",
        r#"{"process_id":"gcm"}"#,
        GENESIS_PREV_HASH,
    );
    let expected = format!(
        r#"1:1,20:2018-12-19T00:00:00Z,6:system,15:process.created,20:{{"process_id":"gcm"}},64:{GENESIS_PREV_HASH},"#
    );
    assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    // Worked out with `printf '%s' "$bytes" | sha256sum`; the same value is printed in docs/record.md.
    let hash = "1b4b3bfc09b5698921a2d0bda7e95829a75f2dc594c1bfdf183a45a3e4cb523a";
    assert_eq!(
        event::event_hash(
            1,
            "2018-12-19T00:00:00Z",
            "system",
            "process.created",
            r#"{"process_id":"gcm"}"#,
            GENESIS_PREV_HASH
        ),
        hash
    );
    assert!(RECORD_DOC.contains(hash), "docs/record.md shows the example's hash");
}

#[test]
fn netstring_lengths_count_bytes_not_characters() {
    let bytes = event::hashed_bytes(12, "t", "Zoë", "a", "{}", "p");
    assert_eq!(String::from_utf8(bytes).unwrap(), "2:12,1:t,4:Zoë,1:a,2:{},1:p,");
}

#[test]
fn canonical_json_sorts_keys_at_every_depth_and_drops_whitespace() {
    let canonical =
        event::canonical_json(r#" { "b": [ {"z": 1, "a": null} ], "a": "é\n\"", "B": true } "#).unwrap();
    assert_eq!(canonical, r#"{"B":true,"a":"é\n\"","b":[{"a":null,"z":1}]}"#);
    assert_eq!(event::canonical_json(&canonical).unwrap(), canonical, "canonical JSON is a fixed point");
    let error = event::canonical_json("{\"a\": 1,}").unwrap_err();
    assert!(error.to_string().contains("line 1 column 9"), "{error}");
}

/// How many stores with a back door this test process has opened, for unique names.
static N_BACK_DOORS: AtomicU64 = AtomicU64::new(0);

/// A second connection to a store's database, through which a test changes rows behind the store's back.
struct BackDoor {
    connection: sqlx::AnyConnection,
    /// The SQLite file, removed when the test ends.
    file: Option<std::path::PathBuf>,
}

impl BackDoor {
    async fn execute(&mut self, sql: &str) {
        let result = sqlx::query(sql).execute(&mut self.connection).await.unwrap();
        assert_eq!(result.rows_affected(), 1, "{sql} changes one row");
    }
}

impl Drop for BackDoor {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}

/// A fresh store on `backend` whose database a second connection can reach: a SQLite file in the temporary
/// directory, or a new PostgreSQL database named as `accord_store::testing` names its own (so that its
/// clean-up drops it).
async fn store_with_back_door(backend: Backend) -> (Store, BackDoor) {
    let n = N_BACK_DOORS.fetch_add(1, Ordering::Relaxed);
    // The admin connection below may be this process's first use of the Any driver.
    sqlx::any::install_default_drivers();
    match backend {
        Backend::Sqlite => {
            let file = std::env::temp_dir().join(format!("accord-record-{}-{n}.db", std::process::id()));
            let url = format!("sqlite:{}", file.display());
            let store = Store::open(&url).await.unwrap();
            let connection = sqlx::AnyConnection::connect(&url).await.unwrap();
            (store, BackDoor { connection, file: Some(file) })
        }
        Backend::Postgres => {
            let admin_url = accord_store::testing::postgres_admin_url();
            let mut admin = sqlx::AnyConnection::connect(&admin_url).await.unwrap_or_else(|error| {
                panic!("PostgreSQL at {admin_url} is needed for the record tests ({error})")
            });
            let name = format!("accord_test_{}_record_{n}", std::process::id());
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
            admin.close().await.unwrap();
            let (base, _) = admin_url.rsplit_once('/').unwrap();
            let url = format!("{base}/{name}");
            let store = Store::open(&url).await.unwrap();
            let connection = sqlx::AnyConnection::connect(&url).await.unwrap();
            (store, BackDoor { connection, file: None })
        }
    }
}

/// Defines each tamper test twice, once per database, with a store and a back door into its database.
macro_rules! test_tampering_on_both_databases {
    ($(async fn $name:ident($store:ident, $back_door:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($store: Store, mut $back_door: BackDoor) $body
            #[tokio::test]
            async fn sqlite() {
                let (store, back_door) = store_with_back_door(Backend::Sqlite).await;
                run(store, back_door).await
            }
            #[tokio::test]
            async fn postgres() {
                let (store, back_door) = store_with_back_door(Backend::Postgres).await;
                run(store, back_door).await
            }
        }
    )*};
}

test_on_both_databases! {
    async fn an_empty_record_verifies_with_no_entries_and_no_head(store) {
        let verification = store.verify_events().await.unwrap();
        assert!(verification.is_intact());
        assert_eq!(verification.n_entries, 0);
        assert_eq!(verification.head_hash, None);
    }

    async fn entries_chain_from_the_genesis_hash_and_the_chain_verifies(store) {
        let first = append(&store, "system", "test.appended", r#"{"b": 2, "a": [1, 2]}"#).await;
        let second = append(&store, "user-7", "test.appended", r#"{"text": "Zoë \"quoted\"\n"}"#).await;
        assert_eq!((first.seq, second.seq), (1, 2));
        assert_eq!(first.prev_hash, GENESIS_PREV_HASH);
        assert_eq!(second.prev_hash, first.hash);
        assert_eq!(first.data, r#"{"a":[1,2],"b":2}"#, "data is stored canonical");
        assert!(first.at.ends_with('Z') && first.at.contains('T'), "at is RFC 3339 in UTC: {}", first.at);
        let bytes = event::hashed_bytes(
            second.seq, &second.at, &second.actor, &second.action, &second.data, &second.prev_hash,
        );
        assert_eq!(second.hash, python_sha256(&bytes), "the hash is SHA-256 of the netstrings");
        let stored = store.events(0, 10).await.unwrap();
        assert_eq!(stored, [first, second.clone()], "entries read back as appended");
        let verification = store.verify_events().await.unwrap();
        assert!(verification.is_intact(), "{:?}", verification.first_break);
        assert_eq!(verification.n_entries, 2);
        assert_eq!(verification.head_hash, Some(second.hash));
    }

    async fn an_entry_of_a_transaction_rolled_back_is_not_kept_and_its_seq_is_reused(store) {
        append(&store, "system", "test.appended", "{}").await;
        let mut transaction = store.begin().await.unwrap();
        let dropped = store.append_event(&mut transaction, "system", "test.dropped", "{}").await.unwrap();
        assert_eq!(dropped.seq, 2);
        transaction.rollback().await.unwrap();
        assert_eq!(store.event_count().await.unwrap(), 1);
        let kept = append(&store, "system", "test.kept", "{}").await;
        assert_eq!(kept.seq, 2);
        assert!(store.verify_events().await.unwrap().is_intact());
    }

    async fn appends_from_many_tasks_at_once_make_one_chain_without_gaps(store) {
        let tasks: Vec<_> = (0..8)
            .map(|idx| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut transaction = store.begin().await.unwrap();
                    let event = store
                        .append_event(&mut transaction, "system", "test.concurrent", &format!("{{\"task\":{idx}}}"))
                        .await
                        .unwrap();
                    transaction.commit().await.unwrap();
                    event.seq
                })
            })
            .collect();
        let mut seqs = Vec::new();
        for task in tasks {
            seqs.push(task.await.unwrap());
        }
        seqs.sort();
        assert_eq!(seqs, (1..=8).collect::<Vec<i64>>());
        let verification = store.verify_events().await.unwrap();
        assert!(verification.is_intact(), "{:?}", verification.first_break);
        assert_eq!(verification.n_entries, 8);
    }

    async fn an_entry_without_actor_or_action_or_with_data_that_is_not_json_is_refused(store) {
        let cases = [
            ("", "test.appended", "{}", "the actor is empty"),
            ("system", " ", "{}", "the action is empty"),
            ("system", "test.appended", "{\"a\": }", "event data is not JSON"),
            ("system", "test.appended", "", "event data is not JSON"),
        ];
        for (actor, action, data, expected) in cases {
            let mut transaction = store.begin().await.unwrap();
            let error = store.append_event(&mut transaction, actor, action, data).await.unwrap_err();
            assert!(matches!(error, StoreError::EventData { .. }), "{actor:?} {action:?} {data:?}: {error}");
            assert!(error.to_string().contains(expected), "{actor:?} {action:?} {data:?}: {error}");
        }
        assert_eq!(store.event_count().await.unwrap(), 0);
    }

    async fn creating_a_process_and_publishing_revisions_are_recorded_with_the_text_hash(store) {
        accord_demo::load_text(&store).await.unwrap();
        let events = store.events(0, 100).await.unwrap();
        let actions: Vec<&str> = events.iter().map(|event| event.action.as_str()).collect();
        assert_eq!(actions, ["process.created", "revision.published", "revision.published"]);
        assert!(events.iter().all(|event| event.actor == "system"));
        let created: serde_json::Value = serde_json::from_str(&events[0].data).unwrap();
        assert_eq!(created["process_id"], accord_demo::PROCESS_ID);
        assert_eq!(created["tracks"][0]["drafts"][0]["draft_id"], "gcm");
        for (event, number) in events[1..].iter().zip(0..) {
            let data: serde_json::Value = serde_json::from_str(&event.data).unwrap();
            let revision = RevisionRef { draft_id: "gcm".to_owned(), number: Some(number) };
            let akn = store.revision_akn(&revision).await.unwrap();
            assert_eq!(data["draft_id"], "gcm");
            assert_eq!(data["number"], number);
            assert_eq!(data["akn_sha256"], python_sha256(akn.as_bytes()), "revision {number}");
        }
        let first: serde_json::Value = serde_json::from_str(&events[1].data).unwrap();
        assert_eq!(
            (first["label"].as_str(), first["date"].as_str(), first["is_demo"].as_bool()),
            (Some("Zero draft"), Some("2018-12-19"), Some(false))
        );
        assert!(store.verify_events().await.unwrap().is_intact());
    }

    async fn a_failed_write_leaves_no_entry(store) {
        accord_demo::load_text(&store).await.unwrap();
        let base = accord_demo::base_revision().unwrap();
        let error = store
            .add_revision("no-such-draft", &accord_store::NewRevision { document: base, is_demo: false, note: String::new() })
            .await
            .unwrap_err();
        assert!(matches!(error, StoreError::NotFound { .. }), "{error}");
        assert_eq!(store.event_count().await.unwrap(), 3);
    }

    async fn entries_are_read_in_pages_forwards_and_backwards(store) {
        append_entries(&store, 5).await;
        let seqs = |events: Vec<accord_store::Event>| events.into_iter().map(|event| event.seq).collect::<Vec<_>>();
        assert_eq!(seqs(store.events(2, 2).await.unwrap()), [3, 4]);
        assert_eq!(seqs(store.events(5, 2).await.unwrap()), Vec::<i64>::new());
        assert_eq!(seqs(store.latest_events(None, 2).await.unwrap()), [5, 4]);
        assert_eq!(seqs(store.latest_events(Some(4), 10).await.unwrap()), [3, 2, 1]);
        assert_eq!(store.event_count().await.unwrap(), 5);
    }

    async fn the_documented_python_verifier_accepts_an_export_and_names_a_changed_entry(store) {
        accord_demo::load_text(&store).await.unwrap();
        append(&store, "Zoë", "test.appended", r#"{"text": "non-ASCII ☃ and \"quotes\"\n"}"#).await;
        let mut export = Vec::new();
        assert_eq!(store.export_events(&mut export, 0).await.unwrap(), 4);
        let (code, stdout, stderr) = run_documented_verifier(&export);
        let head = store.verify_events().await.unwrap().head_hash.unwrap();
        assert_eq!((code, stdout.trim()), (0, format!("OK 4 entries, head {head}").as_str()), "{stderr}");

        let text = String::from_utf8(export).unwrap();
        let changed = text.replacen(r#"\"label\":\"Rev.1\""#, r#"\"label\":\"Rev.2\""#, 1);
        assert_ne!(changed, text, "the export holds revision 1's label");
        let (code, _, stderr) = run_documented_verifier(changed.as_bytes());
        assert_eq!((code, stderr.trim()), (1, "BROKEN at entry 3"));

        let without_second: Vec<&str> = text.lines().enumerate().filter(|(idx, _)| *idx != 1).map(|(_, line)| line).collect();
        let (code, _, stderr) = run_documented_verifier(without_second.join("\n").as_bytes());
        assert_eq!((code, stderr.trim()), (1, "BROKEN at entry 2"));
    }

    async fn an_export_after_an_entry_starts_after_it_and_every_line_has_every_field(store) {
        append_entries(&store, 3).await;
        let mut export = Vec::new();
        assert_eq!(store.export_events(&mut export, 1).await.unwrap(), 2);
        let lines: Vec<serde_json::Value> =
            String::from_utf8(export).unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["seq"], 2);
        let keys: Vec<&str> = lines[0].as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = ["seq", "at", "actor", "action", "data", "prev_hash", "hash"];
        expected.sort();
        let mut keys = keys;
        keys.sort();
        assert_eq!(keys, expected);
        assert_eq!(lines[1]["data"], r#"{"idx":3,"note":"entry 3"}"#, "data is exported as its canonical text");
    }
}

test_tampering_on_both_databases! {
    async fn data_changed_behind_the_stores_back_is_named_by_its_seq(store, back_door) {
        append_entries(&store, 5).await;
        back_door.execute(r#"UPDATE event SET data = '{"idx":3,"note":"entry three"}' WHERE seq = 3"#).await;
        let verification = store.verify_events().await.unwrap();
        let first_break = verification.first_break.unwrap();
        assert!(matches!(&first_break, Break::Hash { seq: 3, .. }), "{first_break}");
        assert_eq!(verification.n_entries, 5);
        assert!(first_break.to_string().starts_with("entry 3 was changed"), "{first_break}");
    }

    async fn an_actor_changed_behind_the_stores_back_is_named_by_its_seq(store, back_door) {
        append_entries(&store, 4).await;
        back_door.execute("UPDATE event SET actor = 'someone else' WHERE seq = 2").await;
        let first_break = store.verify_events().await.unwrap().first_break.unwrap();
        assert_eq!(first_break.seq(), 2, "{first_break}");
        assert!(matches!(first_break, Break::Hash { .. }));
    }

    async fn a_deleted_entry_is_named_as_missing(store, back_door) {
        append_entries(&store, 5).await;
        back_door.execute("DELETE FROM event WHERE seq = 2").await;
        let verification = store.verify_events().await.unwrap();
        assert_eq!(verification.first_break, Some(Break::Missing { seq: 2, found_seq: 3 }));
        assert_eq!(verification.n_entries, 4);
    }

    async fn a_deleted_first_entry_is_named_as_missing(store, back_door) {
        append_entries(&store, 2).await;
        back_door.execute("DELETE FROM event WHERE seq = 1").await;
        let first_break = store.verify_events().await.unwrap().first_break.unwrap();
        assert_eq!(first_break, Break::Missing { seq: 1, found_seq: 2 });
    }

    async fn an_entry_rewritten_with_a_fresh_hash_breaks_the_link_of_the_next(store, back_door) {
        append_entries(&store, 4).await;
        let entry = store.events(1, 1).await.unwrap().remove(0);
        let data = r#"{"idx":2,"note":"rewritten"}"#;
        let hash = event::event_hash(entry.seq, &entry.at, &entry.actor, &entry.action, data, &entry.prev_hash);
        back_door.execute(&format!("UPDATE event SET data = '{data}', hash = '{hash}' WHERE seq = 2")).await;
        let first_break = store.verify_events().await.unwrap().first_break.unwrap();
        assert!(
            matches!(&first_break, Break::Link { seq: 3, expected, found } if *expected == hash && *found == entry.hash),
            "{first_break}"
        );
    }

    async fn a_changed_prev_hash_is_named_as_a_broken_link(store, back_door) {
        append_entries(&store, 3).await;
        back_door.execute(&format!("UPDATE event SET prev_hash = '{GENESIS_PREV_HASH}' WHERE seq = 3")).await;
        let first_break = store.verify_events().await.unwrap().first_break.unwrap();
        assert!(matches!(first_break, Break::Link { seq: 3, .. }), "{first_break}");
    }
}
