//! Starts the real application on a free port over a fresh store, and one helper per endpoint, in the manner
//! of zero2prod's `tests/api/helpers.rs`. Shared by `api.rs` and `pages.rs`; each uses only some helpers.
#![allow(dead_code)]

use accord_store::account::NewUser;
use accord_store::{Draft, Email, NewProcess, NewRevision, Password, Process, ProcessRole, Store, Track};
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
    accord_demo::load_text(&store).await.expect("the demonstration loads");
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

    /// `POST /api/drafts/{draft_id}/revisions` with a JSON body, as the secretariat of every process (API token).
    pub async fn post_revision(&self, draft_id: &str, body: &serde_json::Value) -> Response {
        let token = self.secretariat_token().await;
        self.post_revision_as(Some(&token), draft_id, body).await
    }

    /// `POST /api/drafts/{draft_id}/revisions` with a JSON body and, when given, `Authorization: Bearer {token}`.
    pub async fn post_revision_as(
        &self,
        token: Option<&str>,
        draft_id: &str,
        body: &serde_json::Value,
    ) -> Response {
        let mut request =
            self.client.post(format!("{}/api/drafts/{draft_id}/revisions", self.address)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("the request is answered")
    }

    /// A user with this address, made through the store when missing (password [`TEST_PASSWORD`]).
    pub async fn user(&self, address: &str) -> accord_store::User {
        let email = Email::parse(address).expect("a test address");
        if let Some(user) = self.store.user_by_email(&email).await.expect("users are readable") {
            return user;
        }
        let display_name = address.split('@').next().unwrap_or(address).to_owned();
        self.store
            .create_user(&NewUser {
                email,
                display_name,
                password: Password::parse_new(TEST_PASSWORD).unwrap(),
            })
            .await
            .expect("the test user is created")
    }

    /// An API token of `secretariat@example.org`, made secretariat of every process that exists now.
    pub async fn secretariat_token(&self) -> String {
        let user = self.user(SECRETARIAT).await;
        for process in self.store.processes().await.expect("processes are readable") {
            self.store
                .grant_process_role(&process.process_id, None, user.user_id, ProcessRole::Secretariat)
                .await
                .expect("the role is granted");
        }
        let (_, token) = self.store.create_api_token(user.user_id, "tests").await.expect("a token is made");
        token.expose().to_owned()
    }

    /// The anonymous CSRF cookie and the form value that goes with it, read from the sign-in page as a browser
    /// would: `(cookie header value, csrf field value)`.
    pub async fn anonymous_csrf(&self) -> (String, String) {
        let response = self.get("/sign-in").await;
        let cookie = set_cookie(&response, "accord_csrf").expect("the sign-in page sets the CSRF cookie");
        let html = response.text().await.expect("a text body");
        (format!("accord_csrf={cookie}"), csrf_field(&html).expect("the form has a csrf field"))
    }

    /// `POST {path}` with a form body (pairs, URL-encoded by reqwest) and, when given, a `Cookie` header.
    pub async fn post_form(&self, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Response {
        let mut request = self.client.post(format!("{}{path}", self.address)).form(fields);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.expect("the request is answered")
    }

    /// `GET {path}` with a `Cookie` header.
    pub async fn get_with_cookie(&self, path: &str, cookie: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header("cookie", cookie)
            .send()
            .await
            .expect("the request is answered")
    }

    /// Signs in through the form as a browser would; returns the session cookie header and the CSRF value of the
    /// signed-in forms (read from the account page).
    pub async fn sign_in(&self, address: &str, password: &str) -> (String, String) {
        let (anonymous_cookie, csrf) = self.anonymous_csrf().await;
        let response = self
            .post_form(
                "/sign-in",
                Some(&anonymous_cookie),
                &[("csrf", &csrf), ("email", address), ("password", password)],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303, "signing in as {address}");
        let session = set_cookie(&response, "accord_session").expect("signing in sets the session cookie");
        let cookie = format!("accord_session={session}");
        let html = self.get_with_cookie("/account", &cookie).await.text().await.expect("the account page");
        (cookie, csrf_field(&html).expect("the account page has forms with a csrf field"))
    }

    /// `GET /api/openapi.json`.
    pub async fn get_openapi(&self) -> Response {
        self.get("/api/openapi.json").await
    }

    /// `POST /demo` with the form of the home page, by an anonymous browser (with its CSRF cookie).
    pub async fn post_demo(&self) -> Response {
        let (cookie, csrf) = self.anonymous_csrf().await;
        self.post_form("/demo", Some(&cookie), &[("csrf", &csrf)]).await
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

/// The password of every test user.
pub const TEST_PASSWORD: &str = "correct horse battery staple";
/// The address of the test secretariat.
pub const SECRETARIAT: &str = "secretariat@example.org";

/// The value of the cookie `name` that the response sets, if it does.
pub fn set_cookie(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next()?.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The value of the first hidden `csrf` field of a page.
pub fn csrf_field(html: &str) -> Option<String> {
    let rest = html.split("name=\"csrf\" value=\"").nth(1)?;
    Some(rest.split('"').next()?.to_owned())
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
