//! Black-box tests of the server-rendered pages: the real application on a free port over a fresh store, on
//! SQLite and on PostgreSQL. Every page is also checked for accessibility basics: a `lang` attribute, one
//! `<h1>`, a `<main>`, and a `<label>` for every `<select>`.

mod helpers;

use accord_store::test_on_both_databases;
use helpers::{
    content_type, shared_gcm_actions, spawn_app, spawn_demo_app, squeeze, CHANGED_EID, INSERTED_EID,
    SECRETARIAT, TEST_PASSWORD,
};

/// How the redline page marks inserted words (the legend above the changes uses a bare `<ins>`).
const INSERTED_WORDS: &str = "<ins><span class=\"sr\">[inserted: </span>";
/// How the redline page marks deleted words.
const DELETED_WORDS: &str = "<del><span class=\"sr\">[deleted: </span>";

/// The accessibility basics that every page must have.
fn assert_accessible(path: &str, html: &str) {
    assert!(html.contains("<html lang=\"en\""), "{path}: the page names its language");
    assert_eq!(html.matches("<h1").count(), 1, "{path}: exactly one <h1>");
    assert_eq!(html.matches("<main").count(), 1, "{path}: one <main>");
    for select in html.split("<select").skip(1) {
        let tag = &select[..select.find('>').expect("a closed <select> tag")];
        let id = tag
            .split("id=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{path}: a <select> without an id cannot be labelled: {tag}"));
        assert!(
            html.contains(&format!("<label for=\"{id}\"")),
            "{path}: <select id=\"{id}\"> has no <label>"
        );
    }
}

/// `text` with the few entities askama writes turned back into characters, to find the shared text in a page.
fn unescape(text: &str) -> String {
    text.replace("&#x27;", "'").replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&")
}

test_on_both_databases! {
    async fn the_home_page_of_an_empty_database_offers_the_demonstration(store) {
        let app = spawn_app(store).await;

        let html = app.get_html("/").await;

        assert_accessible("/", &html);
        assert!(html.contains("action=\"/demo\""), "a form posts to /demo");
        assert!(html.contains("method=\"post\""));
    }

    async fn posting_demo_loads_the_demonstration_once_and_then_only_the_secretariat_may(store) {
        let app = spawn_app(store).await;
        assert_eq!(app.get_process(accord_demo::PROCESS_ID).await.status().as_u16(), 404);

        let first = app.post_demo().await;
        let second = app.post_demo().await;

        assert_eq!(first.status().as_u16(), 303, "anyone may load the demonstration on an empty database");
        assert_eq!(first.headers()["location"], "/processes/global-compacts-2018");
        assert_eq!(second.status().as_u16(), 401, "once a process exists, an anonymous visitor may not");
        app.secretariat_token().await;
        let (cookie, csrf) = app.sign_in(SECRETARIAT, TEST_PASSWORD).await;
        let third = app.post_form("/demo", Some(&cookie), &[("csrf", &csrf)]).await;
        assert_eq!(third.status().as_u16(), 303, "the secretariat may");
        assert_eq!(third.headers()["location"], "/processes/global-compacts-2018");
        assert_eq!(app.get_process(accord_demo::PROCESS_ID).await.status().as_u16(), 200);
        assert_eq!(app.n_revisions("gcm").await, 2, "loading twice adds nothing");
        assert_eq!(app.store.processes().await.unwrap().len(), 1);
        let html = app.get_html("/").await;
        assert!(html.contains("href=\"/processes/global-compacts-2018\""));
        assert!(!html.contains("action=\"/demo\""), "the offer is gone once a process exists");
    }

    async fn the_process_page_links_its_draft(store) {
        let app = spawn_demo_app(store).await;

        let html = app.get_html("/processes/global-compacts-2018").await;

        assert_accessible("/processes/global-compacts-2018", &html);
        assert!(html.contains("href=\"/drafts/gcm\""));
        assert!(html.contains("Global Compact for Safe, Orderly and Regular Migration"));
    }

    async fn the_draft_history_lists_both_revisions_with_the_compare_form(store) {
        let app = spawn_demo_app(store).await;

        let html = app.get_html("/drafts/gcm").await;

        assert_accessible("/drafts/gcm", &html);
        assert!(html.contains("href=\"/drafts/gcm/revisions/0\""));
        assert!(html.contains("href=\"/drafts/gcm/revisions/1\""));
        assert!(html.contains("Zero draft") && html.contains("Rev.1"));
        assert!(html.contains("action=\"/drafts/gcm/redline\""), "the compare form");
        assert!(html.contains("<option value=\"0\" selected>"), "from defaults to the revision before the last");
        assert!(html.contains("href=\"/drafts/gcm/revisions/1/export/docx\""));
    }

    async fn the_revision_pages_anchor_each_element_and_flag_only_the_invented_one(store) {
        let app = spawn_demo_app(store).await;
        let first_action = squeeze(&shared_gcm_actions()[0].2);

        let real = app.get_html("/drafts/gcm/revisions/0").await;
        let invented = app.get_html("/drafts/gcm/revisions/1").await;

        assert_accessible("/drafts/gcm/revisions/0", &real);
        assert_accessible("/drafts/gcm/revisions/1", &invented);
        assert!(real.contains(&format!("id=\"{CHANGED_EID}\"")));
        assert!(invented.contains(&format!("id=\"{CHANGED_EID}\"")));
        assert!(!real.contains(&format!("id=\"{INSERTED_EID}\"")));
        assert!(invented.contains(&format!("id=\"{INSERTED_EID}\"")));
        assert!(!real.contains("class=\"demo\""), "revision 0 is the real text: no demonstration notice");
        assert!(invented.contains("class=\"demo\""), "revision 1 carries the demonstration notice");
        assert!(squeeze(&unescape(&real)).contains(&first_action), "the real text of action 1 (a)");
        assert!(real.contains("A/RES/73/195"));
    }

    async fn the_redline_page_shows_insertions_deletions_and_the_counts(store) {
        let app = spawn_demo_app(store).await;
        let path = "/drafts/gcm/redline?from=0&to=1";

        let html = app.get_html(path).await;

        assert_accessible(path, &html);
        assert!(html.contains(INSERTED_WORDS) && html.contains(DELETED_WORDS), "marked insertions and deletions");
        assert!(html.contains("1 inserted, 1 deleted, 11 modified, 0 moved"), "the counts");
        assert!(html.contains("class=\"demo\""), "an invented revision is compared");
        assert!(html.contains("designed and run with municipalities"));
        let full = app.get_html("/drafts/gcm/redline?from=0&to=1&view=full").await;
        assert!(full.len() > html.len(), "the full view shows unchanged text too");
        let default = app.get_html("/drafts/gcm/redline").await;
        assert!(default.contains("1 inserted, 1 deleted, 11 modified, 0 moved"), "the last two by default");
    }

    async fn the_redline_of_a_revision_with_itself_shows_no_change(store) {
        let app = spawn_demo_app(store).await;

        let html = app.get_html("/drafts/gcm/redline?from=1&to=1").await;

        assert!(html.contains("0 inserted, 0 deleted, 0 modified, 0 moved"));
        assert!(!html.contains(INSERTED_WORDS) && !html.contains(DELETED_WORDS), "nothing is marked");
        assert!(html.contains("The two revisions have the same text."));
    }

    async fn the_paragraph_page_shows_the_text_in_each_revision(store) {
        let app = spawn_demo_app(store).await;
        let path = format!("/drafts/gcm/revisions/1/paragraphs/{CHANGED_EID}");
        let (_, _, original) =
            shared_gcm_actions().into_iter().find(|(objective, letter, _)| *objective == 15 && letter == "c").unwrap();

        let html = app.get_html(&path).await;

        assert_accessible(&path, &html);
        let text = squeeze(&unescape(&html));
        assert!(text.contains(&squeeze(&original)), "revision 0's text");
        assert!(text.contains("service points at local level, designed and run with municipalities"));
        assert!(html.contains(&format!("href=\"/drafts/gcm/revisions/0#{CHANGED_EID}\"")));
        assert!(html.contains(&format!("href=\"/drafts/gcm/revisions/1#{CHANGED_EID}\"")));
    }

    async fn the_downloads_come_with_their_media_types(store) {
        let app = spawn_demo_app(store).await;
        // (path, media type, what the body starts with)
        let cases: [(&str, &str, &[u8]); 6] = [
            ("/drafts/gcm/revisions/0/export/akn", "application/akn+xml", b"<?xml"),
            ("/drafts/gcm/revisions/0/export/docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
            ("/drafts/gcm/revisions/1/export/md", "text/markdown", b""),
            ("/drafts/gcm/revisions/1/export/html", "text/html", b"<!"),
            ("/drafts/gcm/redline/export/akn?from=0&to=1", "application/akn+xml", b"<?xml"),
            ("/drafts/gcm/redline/export/docx?from=0&to=1", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
        ];

        for (path, media_type, start) in cases {
            let response = app.get(path).await;

            assert_eq!(response.status().as_u16(), 200, "{path}");
            assert_eq!(content_type(&response).split(';').next().unwrap(), media_type, "{path}");
            let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
            assert!(disposition.starts_with("attachment; filename=\"gcm-"), "{path}: {disposition}");
            let bytes = response.bytes().await.unwrap();
            assert!(!bytes.is_empty() && bytes.starts_with(start), "{path}");
        }
    }

    async fn unknown_things_answer_an_html_error_page_with_their_status(store) {
        let app = spawn_demo_app(store).await;
        // (path, status)
        let cases = [
            ("/drafts/gcm/revisions/9", 404),
            ("/drafts/nope", 404),
            ("/processes/nope", 404),
            ("/drafts/gcm/revisions/0/paragraphs/sec_9", 404),
            ("/drafts/gcm/revisions/0/export/pdf", 404),
            ("/drafts/gcm/redline?from=0&to=9", 404),
            ("/drafts/gcm/redline?from=zero&to=1", 400),
        ];

        for (path, status) in cases {
            let response = app.get(path).await;

            assert_eq!(response.status().as_u16(), status, "{path}");
            assert!(content_type(&response).starts_with("text/html"), "{path}: an HTML page");
            let html = response.text().await.unwrap();
            assert_accessible(path, &html);
            assert!(html.contains(&format!("<h1>{status} ")), "{path}: the page says its status");
            assert!(html.contains("role=\"alert\""), "{path}");
        }
    }
}
