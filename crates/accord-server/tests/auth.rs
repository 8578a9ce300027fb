//! Black-box tests of sign-in, sessions, CSRF, throttling, API tokens, invitations, password resets and the
//! permission table: the real application on a free port over a fresh store, on SQLite and on PostgreSQL. The last
//! test walks every route of `accord_server::routes()` with every role and compares each answer with the table.
//! A delegate is walked as the head of their party's delegation, with `{party_id}` their own party.

mod helpers;

use accord_server::auth::REFUSED_BY_TABLE;
use accord_server::permissions::{allowed, Role};
use accord_store::{test_on_both_databases, DelegationRole, ProcessRole, Status};
use helpers::{
    csrf_field, set_cookie, spawn_app, spawn_demo_app, TestApp, CHANGED_EID, SECRETARIAT, TEST_PASSWORD,
};
use serde_json::{json, Value};

const RESIDENT: &str = "resident@example.org";
const CO_FACILITATOR: &str = "cofacilitator@example.org";
const PARTICIPANT: &str = "participant@example.org";

/// The whole demonstration (parties and their accreditations too, not only the text), then the application.
async fn spawn_full_demo_app(store: accord_store::Store) -> TestApp {
    accord_demo::load(&store).await.expect("the demonstration loads");
    spawn_app(store).await
}

/// A minimal valid revision: one edit to the latest revision of the demonstration.
fn one_edit() -> Value {
    json!({
        "label": "Rev.2", "date": "2018-07-13", "author": "the co-facilitators",
        "edits": [{"op": "set_text", "eid": CHANGED_EID, "text": "A text set by a test."}]
    })
}

/// A POST that should be refused for its CSRF token: path, cookie, form fields, why.
type CsrfCase<'a> = (&'a str, Option<&'a str>, Vec<(&'a str, &'a str)>, &'a str);

/// The link in an e-mail of the outbox, as a path on the test server (`/invitations/…`, `/password-reset/…`).
fn link_path(body: &str, prefix: &str) -> String {
    let start = body.find(prefix).unwrap_or_else(|| panic!("the e-mail has a {prefix} link: {body}"));
    body[start..].split_whitespace().next().unwrap().to_owned()
}

/// The outbox as the secretariat reads it through the API.
async fn outbox(app: &TestApp) -> Vec<Value> {
    let token = app.secretariat_token().await;
    let response =
        app.client.get(format!("{}/api/outbox", app.address)).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.json::<Vec<Value>>().await.unwrap()
}

/// `GET /api/me` with a bearer token.
async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.client.get(format!("{}/api/me", app.address)).bearer_auth(token).send().await.unwrap()
}

/// The token shown once on the account page after `POST /account/tokens`.
fn shown_token(html: &str) -> String {
    let rest = html.split("id=\"new-token\">").nth(1).expect("the new token is shown");
    rest.split('<').next().unwrap().to_owned()
}

test_on_both_databases! {
    async fn signing_in_with_the_right_password_sets_a_secure_httponly_lax_session_cookie(store) {
        let app = spawn_app(store).await;
        app.user(RESIDENT).await;
        let (cookie, csrf) = app.anonymous_csrf().await;

        let response = app
            .post_form("/sign-in", Some(&cookie), &[("csrf", &csrf), ("email", RESIDENT), ("password", TEST_PASSWORD)])
            .await;

        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(response.headers()["location"], "/account");
        let set_cookie_header = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|value| value.to_str().unwrap().to_owned())
            .find(|value| value.starts_with("accord_session="))
            .expect("a session cookie");
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] {
            assert!(set_cookie_header.contains(flag), "{flag} in {set_cookie_header}");
        }
        let session = set_cookie(&response, "accord_session").unwrap();
        let account = app.get_with_cookie("/account", &format!("accord_session={session}")).await;
        assert_eq!(account.status().as_u16(), 200);
        assert!(account.text().await.unwrap().contains("resident@example.org"), "the owner sees their address");
    }

    async fn a_wrong_password_or_an_unknown_address_is_refused_with_the_same_401(store) {
        let app = spawn_app(store).await;
        app.user(RESIDENT).await;
        let (cookie, csrf) = app.anonymous_csrf().await;
        for (email, password, why) in [
            (RESIDENT, "not the password", "wrong password"),
            ("nobody@example.org", TEST_PASSWORD, "unknown address"),
            ("not an address", TEST_PASSWORD, "malformed address"),
        ] {
            let response =
                app.post_form("/sign-in", Some(&cookie), &[("csrf", &csrf), ("email", email), ("password", password)]).await;
            assert_eq!(response.status().as_u16(), 401, "{why}");
            assert_eq!(set_cookie(&response, "accord_session"), None, "{why}: no session");
            assert!(response.text().await.unwrap().contains("the e-mail address or the password is wrong"), "{why}");
        }
    }

    async fn five_failed_sign_ins_throttle_the_address_with_429_and_retry_after(store) {
        let app = spawn_app(store).await;
        app.user(RESIDENT).await;
        let (cookie, csrf) = app.anonymous_csrf().await;
        let attempt = |password: &'static str| {
            let (cookie, csrf) = (cookie.clone(), csrf.clone());
            let app = &app;
            async move {
                app.post_form("/sign-in", Some(&cookie), &[("csrf", &csrf), ("email", RESIDENT), ("password", password)])
                    .await
            }
        };
        for n in 1..=5 {
            assert_eq!(attempt("wrong password").await.status().as_u16(), 401, "failure {n}");
        }

        let throttled = attempt(TEST_PASSWORD).await;

        assert_eq!(throttled.status().as_u16(), 429, "even the right password waits");
        let retry_after: i64 = throttled.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");
        assert_eq!(set_cookie(&throttled, "accord_session"), None);
        let other = app.user("other@example.org").await;
        let response = app
            .post_form("/sign-in", Some(&cookie), &[("csrf", &csrf), ("email", other.email.as_str()), ("password", TEST_PASSWORD)])
            .await;
        assert_eq!(response.status().as_u16(), 303, "another address is not throttled");
    }

    async fn a_missing_or_forged_csrf_token_is_refused_with_403_and_changes_nothing(store) {
        let app = spawn_app(store).await;
        let user = app.user(RESIDENT).await;
        let (cookie, csrf) = app.sign_in(RESIDENT, TEST_PASSWORD).await;
        let (anonymous_cookie, anonymous_csrf) = app.anonymous_csrf().await;
        let forged = "0".repeat(64);
        let cases: [CsrfCase; 5] = [
            ("/account/tokens", Some(&cookie), vec![("name", "laptop")], "signed in, no csrf field"),
            ("/account/tokens", Some(&cookie), vec![("csrf", &forged), ("name", "laptop")], "signed in, forged csrf"),
            ("/account/tokens", Some(&cookie), vec![("csrf", &anonymous_csrf), ("name", "laptop")], "signed in, another cookie's csrf"),
            ("/sign-in", Some(&anonymous_cookie), vec![("email", RESIDENT), ("password", TEST_PASSWORD)], "anonymous, no csrf field"),
            ("/sign-in", None, vec![("csrf", &anonymous_csrf), ("email", RESIDENT), ("password", TEST_PASSWORD)], "anonymous, csrf without its cookie"),
        ];
        for (path, cookie, fields, why) in cases {
            let response = app.post_form(path, cookie, &fields).await;
            assert_eq!(response.status().as_u16(), 403, "{why}");
            assert_eq!(set_cookie(&response, "accord_session"), None, "{why}");
        }
        assert!(app.store.api_tokens_of(user.user_id).await.unwrap().is_empty(), "no token was made");

        let response = app.post_form("/account/tokens", Some(&cookie), &[("csrf", &csrf), ("name", "laptop")]).await;
        assert_eq!(response.status().as_u16(), 200, "the right token works");
        assert_eq!(app.store.api_tokens_of(user.user_id).await.unwrap().len(), 1);
    }

    async fn after_sign_out_the_old_session_cookie_no_longer_works(store) {
        let app = spawn_app(store).await;
        app.user(RESIDENT).await;
        let (cookie, csrf) = app.sign_in(RESIDENT, TEST_PASSWORD).await;
        assert_eq!(app.get_with_cookie("/account", &cookie).await.status().as_u16(), 200);

        let response = app.post_form("/sign-out", Some(&cookie), &[("csrf", &csrf)]).await;

        assert_eq!(response.status().as_u16(), 303);
        assert_eq!(set_cookie(&response, "accord_session").as_deref(), Some(""), "the browser's cookie is cleared");
        let stolen = app.get_with_cookie("/account", &cookie).await;
        assert_eq!(stolen.status().as_u16(), 401, "a copy of the old cookie is refused");
        assert!(stolen.text().await.unwrap().contains("href=\"/sign-in\""), "the refusal offers to sign in");
        let again = app.post_form("/account/tokens", Some(&cookie), &[("csrf", &csrf), ("name", "stolen")]).await;
        assert_eq!(again.status().as_u16(), 401);
    }

    async fn an_api_token_made_on_the_account_page_works_until_it_is_revoked(store) {
        let app = spawn_app(store).await;
        let user = app.user(RESIDENT).await;
        let (cookie, csrf) = app.sign_in(RESIDENT, TEST_PASSWORD).await;
        let page = app.post_form("/account/tokens", Some(&cookie), &[("csrf", &csrf), ("name", "my script")]).await;
        let token = shown_token(&page.text().await.unwrap());
        assert_eq!(token.len(), 64);

        let response = me(&app, &token).await;
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["id"], user.user_id);
        assert_eq!(body["display_name"], "resident");
        assert!(!app.get_with_cookie("/account", &cookie).await.text().await.unwrap().contains(&token), "shown once");

        let api_token_id = app.store.api_tokens_of(user.user_id).await.unwrap()[0].api_token_id;
        let revoked = app.post_form(&format!("/account/tokens/{api_token_id}/revoke"), Some(&cookie), &[("csrf", &csrf)]).await;
        assert_eq!(revoked.status().as_u16(), 303);
        assert_eq!(me(&app, &token).await.status().as_u16(), 401);
        assert_eq!(me(&app, &"f".repeat(64)).await.status().as_u16(), 401, "an unknown token");
        let no_token = app.get("/api/me").await;
        assert_eq!(no_token.status().as_u16(), 401);
        assert_eq!(no_token.json::<Value>().await.unwrap()["status"], 401, "the API answers JSON");
    }

    async fn publishing_a_revision_needs_a_co_facilitator_or_the_secretariat(store) {
        let app = spawn_demo_app(store).await;
        let resident = app.user(RESIDENT).await;
        let (_, resident_token) = app.store.create_api_token(resident.user_id, "t").await.unwrap();

        let anonymous = app.post_revision_as(None, "gcm", &one_edit()).await;
        let as_resident = app.post_revision_as(Some(resident_token.expose()), "gcm", &one_edit()).await;

        assert_eq!(anonymous.status().as_u16(), 401);
        assert_eq!(as_resident.status().as_u16(), 403);
        assert_eq!(app.n_revisions("gcm").await, 2, "nothing was stored");
        let as_secretariat = app.post_revision("gcm", &one_edit()).await;
        assert_eq!(as_secretariat.status().as_u16(), 201);
        assert_eq!(app.n_revisions("gcm").await, 3);
    }

    async fn an_invitation_is_read_from_the_outbox_accepted_and_grants_its_role(store) {
        let app = spawn_demo_app(store).await;
        let (process, track, _) = app.store.draft_context("gcm").await.unwrap();
        let token = app.secretariat_token().await;
        let response = app
            .client
            .post(format!("{}/api/processes/{}/invitations", app.address, process.process_id))
            .bearer_auth(&token)
            .json(&json!({"email": "Carol@Example.org", "role": "co-facilitator", "track": track.track_id}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 201);

        let mail = outbox(&app).await;
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0]["to"], "carol@example.org");
        let path = link_path(mail[0]["body"].as_str().unwrap(), "/invitations/");
        let page = app.get(&path).await;
        let cookie = format!("accord_csrf={}", set_cookie(&page, "accord_csrf").unwrap());
        let html = page.text().await.unwrap();
        assert!(html.contains("co-facilitator"), "the page says what is offered");
        let csrf = csrf_field(&html).unwrap();
        let short = app.post_form(&path, Some(&cookie), &[("csrf", &csrf), ("display_name", "Carol"), ("password", "short")]).await;
        assert_eq!(short.status().as_u16(), 422, "a short password is refused");
        let accepted = app
            .post_form(&path, Some(&cookie), &[("csrf", &csrf), ("display_name", "Carol Diaz"), ("password", "carol's long password")])
            .await;
        assert_eq!(accepted.status().as_u16(), 200);
        assert_eq!(app.get(&path).await.status().as_u16(), 404, "the link works once");

        let carol = app.store.user_by_email(&accord_store::Email::parse("carol@example.org").unwrap()).await.unwrap().unwrap();
        assert!(app.store.password_hash_of(carol.user_id).await.unwrap().starts_with("$argon2id$"));
        let (session, csrf) = app.sign_in("carol@example.org", "carol's long password").await;
        let page = app.post_form("/account/tokens", Some(&session), &[("csrf", &csrf), ("name", "drafting")]).await;
        let carol_token = shown_token(&page.text().await.unwrap());
        let published = app.post_revision_as(Some(&carol_token), "gcm", &one_edit()).await;
        assert_eq!(published.status().as_u16(), 201, "the co-facilitator of the track publishes");
    }

    async fn a_head_of_delegation_invites_a_delegate_to_their_own_party_only(store) {
        let app = spawn_full_demo_app(store).await;
        let (process, track, _) = app.store.draft_context("gcm").await.unwrap();
        let accreditations = app.store.accreditations(Some(&track.track_id), None).await.unwrap();
        let mut participants = accreditations
            .iter()
            .filter(|accreditation| accreditation.status == Status::Participant)
            .map(|accreditation| accreditation.party_id.clone());
        let own_party = participants.next().expect("a participant party");
        let other_party = participants.next().expect("a second participant party");
        let head = app.user(PARTICIPANT).await;
        app.store
            .add_delegation_member(&process.process_id, head.user_id, &own_party, DelegationRole::Head, "test")
            .await
            .unwrap();
        let (_, token) = app.store.create_api_token(head.user_id, "t").await.unwrap();
        let invite = |party: String| {
            let app = &app;
            let token = token.expose().to_owned();
            let url = format!("{}/api/processes/{}/invitations", app.address, process.process_id);
            async move {
                app.client
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({"email": "dan@example.org", "role": "delegate", "party": party}))
                    .send()
                    .await
                    .unwrap()
            }
        };

        let elsewhere = invite(other_party).await;
        let own = invite(own_party.clone()).await;

        assert_eq!(elsewhere.status().as_u16(), 403, "not to another party's delegation");
        assert_eq!(own.status().as_u16(), 201);
        let mail = app.store.outbox().await.unwrap();
        assert_eq!(mail.len(), 1, "only the allowed invitation is written");
        let path = link_path(&mail[0].body, "/invitations/");
        let (cookie, csrf) = app.anonymous_csrf().await;
        let accepted = app
            .post_form(&path, Some(&cookie), &[("csrf", &csrf), ("display_name", "Dan"), ("password", "dan's long password")])
            .await;
        assert_eq!(accepted.status().as_u16(), 200);
        let dan = app.user("dan@example.org").await;
        let delegation = app.store.delegation_of(dan.user_id, &process.process_id).await.unwrap();
        assert_eq!(delegation, Some((own_party, DelegationRole::Delegate)));
    }

    async fn a_password_reset_is_read_from_the_outbox_and_completed_and_asking_reveals_nothing(store) {
        let app = spawn_app(store).await;
        app.user(RESIDENT).await;
        let (cookie, csrf) = app.anonymous_csrf().await;
        let (old_session, _) = app.sign_in(RESIDENT, TEST_PASSWORD).await;

        let known = app.post_form("/password-reset", Some(&cookie), &[("csrf", &csrf), ("email", RESIDENT)]).await;
        let unknown = app.post_form("/password-reset", Some(&cookie), &[("csrf", &csrf), ("email", "nobody@example.org")]).await;

        for response in [&known, &unknown] {
            assert_eq!(response.status().as_u16(), 303);
            assert_eq!(response.headers()["location"], "/password-reset?sent=1");
        }
        let mail = app.store.outbox().await.unwrap();
        assert_eq!(mail.len(), 1, "only the known address gets mail");
        let path = link_path(&mail[0].body, "/password-reset/");
        assert_eq!(app.get(&path).await.status().as_u16(), 200);
        let done = app.post_form(&path, Some(&cookie), &[("csrf", &csrf), ("password", "a brand new password")]).await;
        assert_eq!(done.status().as_u16(), 200);
        assert_eq!(app.get_with_cookie("/account", &old_session).await.status().as_u16(), 401, "old sessions end");
        app.sign_in(RESIDENT, "a brand new password").await;
        let (cookie, csrf) = app.anonymous_csrf().await;
        let old = app
            .post_form("/sign-in", Some(&cookie), &[("csrf", &csrf), ("email", RESIDENT), ("password", TEST_PASSWORD)])
            .await;
        assert_eq!(old.status().as_u16(), 401, "the old password no longer works");
        let reused = app.post_form(&path, Some(&cookie), &[("csrf", &csrf), ("password", "yet another password")]).await;
        assert_eq!(reused.status().as_u16(), 404, "the link works once");
    }

    async fn the_permissions_page_renders_the_table(store) {
        let app = spawn_app(store).await;
        let html = app.get_html("/permissions").await.replace("&#39;", "'");
        for permission in accord_server::permissions::TABLE {
            assert!(html.contains(permission.description), "{}", permission.description);
        }
        for role in Role::ALL {
            assert!(html.contains(&format!("<th scope=\"col\">{}</th>", role.label())), "{role:?}");
        }
    }

    async fn every_route_answers_every_role_as_the_permission_table_says(store) {
        let app = spawn_full_demo_app(store).await;
        let (process, track, _) = app.store.draft_context("gcm").await.unwrap();
        let resident = app.user(RESIDENT).await;
        let co_facilitator = app.user(CO_FACILITATOR).await;
        app.store
            .grant_process_role(&process.process_id, Some(&track.track_id), co_facilitator.user_id, ProcessRole::CoFacilitator)
            .await
            .unwrap();
        app.secretariat_token().await;
        let secretariat = app.user(SECRETARIAT).await;
        // A delegate is walked as the head of the delegation of a party accredited to the track as a participant
        // (or as an observer); since a walked request may change that party (a withdrawal), each request gets a
        // fresh head of a party that still has the status.
        let accreditations = app.store.accreditations(Some(&track.track_id), None).await.unwrap();
        let parties_with = |status: Status| -> Vec<String> {
            accreditations
                .iter()
                .filter(|accreditation| accreditation.status == status)
                .map(|accreditation| accreditation.party_id.clone())
                .collect()
        };
        let mut participant_parties = parties_with(Status::Participant).into_iter();
        let mut observer_parties = parties_with(Status::Observer).into_iter();
        let some_participant_party = parties_with(Status::Participant)[0].clone();
        let mut n_heads = 0;
        let mut current_participant: Option<(accord_store::User, String)> = None;
        let mut current_observer: Option<(accord_store::User, String)> = None;
        let walked = [
            (Role::Anonymous, None),
            (Role::Resident, Some(&resident)),
            (Role::DelegateParticipant, None),
            (Role::DelegateObserver, None),
            (Role::CoFacilitator, Some(&co_facilitator)),
            (Role::Secretariat, Some(&secretariat)),
        ];
        assert_eq!(walked.len(), Role::ALL.len(), "every role is walked");
        let routes = accord_server::routes();
        assert!(routes.len() >= 30, "{} routes", routes.len());
        let mut mismatches = Vec::new();
        for route in &routes {
            let mut path = route
                .path
                .replace("{process_id}", &process.process_id)
                .replace("{draft_id}", "gcm")
                .replace("{number}", "0")
                .replace("{eid}", CHANGED_EID)
                .replace("{format}", "akn")
                .replace("{token}", &"0".repeat(64))
                .replace("{api_token_id}", "999999");
            if path == "/api/redline" {
                path.push_str("?from=gcm/0&to=gcm/1");
            } else if path.ends_with("/export") {
                path.push_str("?format=akn");
            }
            for (role, fixed_user) in &walked {
                let (user, party_id) = match role {
                    Role::DelegateParticipant | Role::DelegateObserver => {
                        let (status, parties, current) = if *role == Role::DelegateParticipant {
                            (Status::Participant, &mut participant_parties, &mut current_participant)
                        } else {
                            (Status::Observer, &mut observer_parties, &mut current_observer)
                        };
                        let still = match current.as_ref() {
                            Some((_, party_id)) => {
                                app.store.accreditation(&track.track_id, party_id).await.unwrap().status == status
                            }
                            None => false,
                        };
                        if !still {
                            let party_id = parties
                                .next()
                                .unwrap_or_else(|| panic!("the demonstration has a party left for {role:?}"));
                            n_heads += 1;
                            let head = app.user(&format!("head{n_heads}@example.org")).await;
                            app.store
                                .add_delegation_member(
                                    &process.process_id,
                                    head.user_id,
                                    &party_id,
                                    DelegationRole::Head,
                                    "test",
                                )
                                .await
                                .unwrap();
                            *current = Some((head, party_id));
                        }
                        let (head, party_id) = current.clone().unwrap();
                        (Some(head), party_id)
                    }
                    _ => (fixed_user.cloned(), some_participant_party.clone()),
                };
                let user = user.as_ref();
                let path = path.replace("{party_id}", &party_id).replace("{track_id}", &track.track_id);
                let url = format!("{}{path}", app.address);
                let is_api = path.starts_with("/api/");
                let mut request = app.client.request(route.method.clone(), &url);
                let mut form: Vec<(String, String)> = Vec::new();
                match user {
                    None => {
                        let (cookie, csrf) = app.anonymous_csrf().await;
                        request = request.header("cookie", cookie);
                        form.push(("csrf".into(), csrf));
                    }
                    Some(user) if is_api => {
                        let (_, token) = app.store.create_api_token(user.user_id, "walk").await.unwrap();
                        request = request.bearer_auth(token.expose());
                    }
                    Some(user) => {
                        let session = app.store.create_session(user.user_id, time::Duration::hours(1)).await.unwrap();
                        request = request.header("cookie", format!("accord_session={}", session.expose()));
                        form.push(("csrf".into(), accord_server::auth::session_csrf(&session)));
                    }
                }
                if route.path == "/sign-in" {
                    let email = user.map_or(RESIDENT.to_owned(), |user| user.email.as_str().to_owned());
                    form.push(("email".into(), email));
                    form.push(("password".into(), TEST_PASSWORD.into()));
                }
                if route.method == reqwest::Method::POST {
                    request = if is_api { request.json(&json!({})) } else { request.form(&form) };
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let body = response.text().await.unwrap();
                let expected = allowed(*role, route.action) || (user.is_some() && allowed(Role::Resident, route.action));
                // A refusal by the table says so; a handler's own check after the table (the head of this
                // party's delegation, say) may refuse what the table allows, and is not the table's answer.
                let refused = (status == 401 || status == 403) && body.contains(REFUSED_BY_TABLE);
                let right_refusal = if user.is_some() { 403 } else { 401 };
                if expected == refused || (refused && status != right_refusal) {
                    mismatches.push(format!(
                        "{} {} as {role:?}: {status} {body}, table says {}",
                        route.method,
                        route.path,
                        if expected { "allowed" } else { "refused" }
                    ));
                }
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }
}

#[test]
fn the_permission_table_in_docs_is_the_one_the_server_enforces() {
    let docs = include_str!("../../../docs/auth.md");
    let table = accord_server::permissions::markdown_table();
    assert!(docs.contains(&table), "docs/auth.md should hold this table:\n{table}");
}

/// A one-message SMTP server on a free port, enough for lettre's plain `smtp://` (RFC 5321: greeting, EHLO,
/// MAIL, RCPT, DATA, QUIT). Returns its port and the DATA it will receive.
async fn fake_smtp_server() -> (u16, tokio::sync::oneshot::Receiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, receiver) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (reader, mut writer) = socket.into_split();
        let mut lines = BufReader::new(reader).lines();
        writer.write_all(b"220 fake ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    writer.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
            let answer: &[u8] = match verb.as_str() {
                "DATA" => {
                    in_data = true;
                    b"354 go ahead\r\n"
                }
                "QUIT" => {
                    writer.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            writer.write_all(answer).await.unwrap();
        }
        let _ = sender.send(data);
    });
    (port, receiver)
}

test_on_both_databases! {
    async fn with_smtp_configured_a_reset_link_is_delivered_and_its_outbox_row_marked_sent(store) {
        let (port, received) = fake_smtp_server().await;
        let smtp = accord_server::mail::Smtp::new(&format!("smtp://127.0.0.1:{port}"), "accord <accord@example.org>")
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let config = accord_server::AuthConfig::new(true).with_public_url(&address).with_smtp(smtp);
        tokio::spawn(accord_server::serve_with(store.clone(), config, listener, std::future::pending()));
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let app = TestApp { address, client, store };
        app.user(RESIDENT).await;
        let (cookie, csrf) = app.anonymous_csrf().await;

        let response = app.post_form("/password-reset", Some(&cookie), &[("csrf", &csrf), ("email", RESIDENT)]).await;

        assert_eq!(response.status().as_u16(), 303);
        let data = tokio::time::timeout(std::time::Duration::from_secs(30), received).await.unwrap().unwrap();
        assert!(data.contains("Subject: Reset your accord password"), "{data}");
        assert!(data.contains("To: resident@example.org"), "{data}");
        let outbox = app.store.outbox().await.unwrap();
        assert_eq!(outbox.len(), 1);
        let link = link_path(&outbox[0].body, "/password-reset/");
        assert!(data.contains(&link[..40]), "the delivered body carries the link: {data}");
        let mut sent = None;
        for _ in 0..50 {
            sent = app.store.outbox().await.unwrap()[0].sent_at.clone();
            if sent.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(sent.is_some(), "the outbox row is marked sent");
    }
}
