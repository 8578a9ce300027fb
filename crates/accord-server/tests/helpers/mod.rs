//! Starts the real application on a free port over a fresh store, and one helper per endpoint, in the manner
//! of zero2prod's `tests/api/helpers.rs`. Shared by `api.rs` and `pages.rs`; each uses only some helpers.
#![allow(dead_code)]

use accord_store::{Draft, NewProcess, NewRevision, Process, Store, Track};
use reqwest::{Client, Response};

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub address: String,
    /// A client that does not follow redirects, so that a 303 can be seen.
    pub client: Client,
    /// The store the application serves, to count what is stored behind the HTTP interface.
    pub store: Store,
}

/// Serves `store` on 127.0.0.1 with a port chosen by the system; the server lives as long as the test's runtime.
pub async fn spawn_app(store: Store) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port on 127.0.0.1");
    let address = format!("http://{}", listener.local_addr().expect("the listener's address"));
    tokio::spawn(accord_server::serve(store.clone(), listener, std::future::pending()));
    let client =
        Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("a reqwest client");
    TestApp { address, client, store }
}

/// Loads the demonstration (draft `gcm`, revisions 0 and 1) into `store`, then serves it.
pub async fn spawn_demo_app(store: Store) -> TestApp {
    accord_demo::load(&store).await.expect("the demonstration loads");
    spawn_app(store).await
}

/// The eId that the demonstration inserts in revision 1.
pub const INSERTED_EID: &str = "sec_3__obj_15__para_1__point_cbis";
/// An action that revision 1 changes (words added).
pub const CHANGED_EID: &str = "sec_3__obj_15__para_1__point_c";

impl TestApp {
    /// `GET {path}` (path starts with `/`).
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.address)).send().await.expect("the request is answered")
    }

    /// `GET {path}` answered 200 with JSON, parsed.
    pub async fn get_json(&self, path: &str) -> serde_json::Value {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.json().await.expect("a JSON body")
    }

    /// `GET {path}` answered 200 with HTML, as text.
    pub async fn get_html(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        assert!(content_type(&response).starts_with("text/html"), "GET {path} answers HTML");
        response.text().await.expect("a text body")
    }

    /// `GET /api/processes`.
    pub async fn get_processes(&self) -> Response {
        self.get("/api/processes").await
    }

    /// `GET /api/processes/{process_id}`.
    pub async fn get_process(&self, process_id: &str) -> Response {
        self.get(&format!("/api/processes/{process_id}")).await
    }

    /// `GET /api/drafts/{draft_id}`.
    pub async fn get_draft(&self, draft_id: &str) -> Response {
        self.get(&format!("/api/drafts/{draft_id}")).await
    }

    /// `GET /api/drafts/{draft_id}/revisions`.
    pub async fn get_revisions(&self, draft_id: &str) -> Response {
        self.get(&format!("/api/drafts/{draft_id}/revisions")).await
    }

    /// `GET /api/drafts/{draft_id}/revisions/{number}`.
    pub async fn get_revision(&self, draft_id: &str, number: &str) -> Response {
        self.get(&format!("/api/drafts/{draft_id}/revisions/{number}")).await
    }

    /// `GET /api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}`.
    pub async fn get_paragraph(&self, draft_id: &str, number: &str, eid: &str) -> Response {
        self.get(&format!("/api/drafts/{draft_id}/revisions/{number}/paragraphs/{eid}")).await
    }

    /// `GET /api/drafts/{draft_id}/revisions/{number}/export?format={format}`.
    pub async fn get_export(&self, draft_id: &str, number: &str, format: &str) -> Response {
        self.get(&format!("/api/drafts/{draft_id}/revisions/{number}/export?format={format}")).await
    }

    /// `GET /api/redline?from={from}&to={to}` with `&format={format}` when given.
    pub async fn get_redline(&self, from: &str, to: &str, format: Option<&str>) -> Response {
        let format = format.map(|format| format!("&format={format}")).unwrap_or_default();
        self.get(&format!("/api/redline?from={from}&to={to}{format}")).await
    }

    /// `POST /api/drafts/{draft_id}/revisions` with a JSON body.
    pub async fn post_revision(&self, draft_id: &str, body: &serde_json::Value) -> Response {
        self.client
            .post(format!("{}/api/drafts/{draft_id}/revisions", self.address))
            .json(body)
            .send()
            .await
            .expect("the request is answered")
    }

    /// `GET /api/openapi.json`.
    pub async fn get_openapi(&self) -> Response {
        self.get("/api/openapi.json").await
    }

    /// `POST /demo` with an empty form.
    pub async fn post_demo(&self) -> Response {
        self.client
            .post(format!("{}/demo", self.address))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .expect("the request is answered")
    }

    /// How many revisions the store holds for `draft_id`, read from the store itself (0 for no such draft).
    pub async fn n_revisions(&self, draft_id: &str) -> usize {
        self.store.revisions(draft_id).await.map(|revisions| revisions.len()).unwrap_or(0)
    }

    /// Adds a second process with draft `other`, whose only revision is the real GCM text, through the store.
    pub async fn add_other_draft(&self) {
        let title = "Another draft".to_owned();
        self.store
            .create_process(&NewProcess {
                process: Process {
                    process_id: "other".to_owned(),
                    title: title.clone(),
                    description: "A second process, for tests across drafts.".to_owned(),
                    is_demo: false,
                },
                tracks: vec![(
                    Track {
                        track_id: "other".to_owned(),
                        process_id: "other".to_owned(),
                        title: "Main".to_owned(),
                    },
                    vec![Draft { draft_id: "other".to_owned(), track_id: "other".to_owned(), title }],
                )],
            })
            .await
            .expect("the second process is stored");
        self.store
            .add_revision(
                "other",
                &NewRevision {
                    document: accord_demo::base_revision().expect("the GCM text reads"),
                    is_demo: false,
                    note: String::new(),
                },
            )
            .await
            .expect("the second draft's revision is stored");
    }
}

/// The shared fixtures beside the repository (`../shared`), for oracles worked out apart from accord.
pub const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

/// The actions of the compact as the shared Markdown lists them (`- c. Establish …`): `(objective, letter,
/// text)`, read without accord's converter.
pub fn shared_gcm_actions() -> Vec<(u32, String, String)> {
    let markdown = std::fs::read_to_string(format!("{SHARED}/data/gcm/gcm-objectives.md"))
        .expect("the shared GCM Markdown is readable");
    let mut objective = 0;
    let mut actions = Vec::new();
    for line in markdown.lines() {
        if let Some(number) = line.strip_prefix("# Objective ") {
            objective = number.trim().parse().expect("an objective number");
        } else if let Some(action) = line.strip_prefix("- ") {
            let (letter, text) = action.split_once(". ").expect("an action is `- x. text`");
            actions.push((objective, letter.to_owned(), text.trim().to_owned()));
        }
    }
    actions
}

/// `text` with runs of white space made one space, for comparing texts whose line breaks differ.
pub fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The response's `content-type`, or `""`.
pub fn content_type(response: &Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
