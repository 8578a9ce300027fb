//! The record over HTTP: `GET /api/record` (JSON lines), `GET /api/record/verify` and the `/record` page, on
//! SQLite and PostgreSQL over the real application. A record broken behind accord's back (a SQLite file changed
//! with Python's sqlite3 module) shows as broken in the API and on the page; the store's own tests break it on
//! both databases.

mod helpers;

use accord_store::test_on_both_databases;
use accord_store::Store;
use helpers::{content_type, spawn_app};

/// Appends `n_entries` entries to the record of `store` (action `test.appended`) and serves it. The
/// demonstration is not used: what it records grows with accord, and these tests count entries.
async fn spawn_app_with_entries(store: Store, n_entries: i64) -> helpers::TestApp {
    for idx in 1..=n_entries {
        let mut transaction = store.begin().await.unwrap();
        store
            .append_event(&mut transaction, "system", "test.appended", &format!("{{\"idx\":{idx}}}"))
            .await
            .unwrap();
        transaction.commit().await.unwrap();
    }
    spawn_app(store).await
}

/// The lines of a JSON-lines body, parsed.
fn json_lines(body: &str) -> Vec<serde_json::Value> {
    body.lines().map(|line| serde_json::from_str(line).expect("each line is JSON")).collect()
}

test_on_both_databases! {
    async fn the_record_exports_as_json_lines_from_the_first_entry_or_after_one(store) {
        let app = spawn_app_with_entries(store, 3).await;
        let n_entries = 3;

        let response = app.get("/api/record").await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(content_type(&response), "application/jsonl");
        let lines = json_lines(&response.text().await.unwrap());
        assert_eq!(lines.len() as i64, n_entries);
        assert_eq!(lines[0]["seq"], 1);
        assert_eq!(lines[0]["action"], "test.appended");
        assert_eq!(lines[0]["data"], r#"{"idx":1}"#);
        assert_eq!(lines[0]["prev_hash"], "0".repeat(64));
        assert_eq!(lines[1]["prev_hash"], lines[0]["hash"]);

        let after = json_lines(&app.get("/api/record?after=1").await.text().await.unwrap());
        assert_eq!(after.len() as i64, n_entries - 1);
        assert_eq!(after[0], lines[1], "the entries after 1 start with entry 2");
        let none = app.get(&format!("/api/record?after={n_entries}")).await;
        assert_eq!(none.status().as_u16(), 200);
        assert_eq!(none.text().await.unwrap(), "");
    }

    async fn a_bad_after_is_refused_naming_the_field(store) {
        let app = spawn_app(store).await;
        for (query, case) in [("after=-1", "a negative entry"), ("after=two", "a word"), ("after=", "nothing")] {
            let response = app.get(&format!("/api/record?{query}")).await;
            assert_eq!(response.status().as_u16(), 422, "{case}");
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["field"], "after", "{case}");
        }
    }

    async fn the_api_says_an_intact_record_is_intact_with_its_head(store) {
        let app = spawn_app_with_entries(store, 3).await;
        let verification = app.get_json("/api/record/verify").await;
        let n_entries = app.store.event_count().await.unwrap();
        let last = app.store.latest_events(None, 1).await.unwrap().remove(0);
        assert_eq!(
            verification,
            serde_json::json!({"intact": true, "entries": n_entries, "head_hash": last.hash, "first_break": null})
        );
    }

    async fn the_record_page_shows_the_status_and_the_latest_entries_newest_first(store) {
        let app = spawn_app_with_entries(store, 3).await;
        let n_entries = 3;
        let html = app.get_html("/record").await;
        assert_eq!(html.matches("<h1").count(), 1);
        assert!(html.contains("The chain is intact"), "{html}");
        assert!(html.contains(&format!("{n_entries} entries checked")), "{html}");
        let newest = html.find(&format!("id=\"entry-{n_entries}\"")).expect("the newest entry is listed");
        let first = html.find("id=\"entry-1\"").expect("the first entry is listed");
        assert!(newest < first, "newest first");
        assert!(html.contains("test.appended"));
        // askama escapes the quotes of the data: `{"idx":3}` shows, but never as raw HTML.
        assert!(html.contains("{&#34;idx&#34;:3}") || html.contains("{&quot;idx&quot;:3}"), "{html}");
        assert!(!html.contains("Older entries</a>"), "one page holds three entries");
    }

    async fn the_record_page_shows_fifty_entries_and_pages_back_with_before(store) {
        let app = spawn_app_with_entries(store, 55).await;
        let latest = app.get_html("/record").await;
        assert_eq!(latest.matches("<tr id=\"entry-").count(), 50);
        assert!(latest.contains("id=\"entry-55\"") && latest.contains("id=\"entry-6\""));
        assert!(!latest.contains("id=\"entry-5\""));
        assert!(latest.contains("href=\"/record?before=6\""), "a link to the older entries");
        let html = app.get_html("/record?before=6").await;
        assert_eq!(html.matches("<tr id=\"entry-").count(), 5);
        assert!(html.contains("id=\"entry-5\"") && html.contains("id=\"entry-1\""));
        assert!(!html.contains("Older entries</a>"), "entry 1 is the oldest");
        assert!(html.contains("href=\"/record\""), "a link back to the latest entries");
        let response = app.get("/record?before=x").await;
        assert_eq!(response.status().as_u16(), 422);
        assert!(content_type(&response).starts_with("text/html"));
    }
}

#[tokio::test]
async fn a_record_changed_in_the_database_file_is_shown_broken_at_that_entry() {
    let file = std::env::temp_dir().join(format!("accord-server-record-{}.db", std::process::id()));
    let store = accord_store::Store::open(&format!("sqlite:{}", file.display())).await.unwrap();
    let app = spawn_app_with_entries(store, 3).await;
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.execute(\"UPDATE event SET actor = 'mallory' \
             WHERE seq = 2\")\nc.commit()",
        ])
        .arg(&file)
        .output()
        .expect("python3 runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let verification = app.get_json("/api/record/verify").await;
    assert_eq!(verification["intact"], false);
    assert_eq!(verification["first_break"]["seq"], 2);
    assert_eq!(verification["first_break"]["kind"], "hash");
    let html = app.get_html("/record").await;
    assert!(html.contains("The record does not verify"), "{html}");
    assert!(html.contains("Entry 2 is the first that does not match"), "{html}");
    assert!(html.contains("<tr id=\"entry-2\" class=\"broken\">"), "{html}");
    app.store.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
}
