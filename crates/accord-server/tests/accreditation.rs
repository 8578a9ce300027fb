//! Accreditation through the API and the pages, on both databases: who may ask, decide, appeal and withdraw,
//! and what a refusal leaves unchanged.

mod helpers;

use accord_store::{test_on_both_databases, DelegationRole, NewParty, Status, Store};
use helpers::{csrf_field, spawn_demo_app, TestApp};
use serde_json::{json, Value};

const HEAD_FRANCE: &str = "head.france@example.org";
const HEAD_GERMANY: &str = "head.germany@example.org";

/// France and Germany in the registry, each with a head of delegation; returns their API tokens.
async fn two_delegations(app: &TestApp) -> (String, String) {
    let store: &Store = &app.store;
    let mut tokens = Vec::new();
    for (code, address) in [("FR", HEAD_FRANCE), ("DE", HEAD_GERMANY)] {
        let party = store.create_party(&NewParty::state(code).unwrap()).await.unwrap();
        let user = app.user(address).await;
        store
            .add_delegation_member(
                accord_demo::PROCESS_ID,
                user.user_id,
                &party.party_id,
                DelegationRole::Head,
                "test",
            )
            .await
            .unwrap();
        let (_, token) = store.create_api_token(user.user_id, "tests").await.unwrap();
        tokens.push(token.expose().to_owned());
    }
    (tokens.remove(0), tokens.remove(0))
}

async fn post(app: &TestApp, path: &str, token: &str, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

test_on_both_databases! {
    async fn a_head_of_delegation_asks_the_secretariat_decides_and_the_party_withdraws_from_one_track(store) {
        let app = spawn_demo_app(store).await;
        let (france, _) = two_delegations(&app).await;
        let secretariat = app.secretariat_token().await;

        let (status, body) = post(&app, "/api/tracks/migration/accreditations", &france,
            json!({"party": "france", "standing": "participant", "statement": "We ask.",
                   "documents": [{"name": "note.txt", "media_type": "text/plain", "content_base64": "SGVsbG8="}]})).await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["status"], "pending");
        assert_eq!(body["documents"][0]["size"], 5);
        let href = body["documents"][0]["href"].as_str().unwrap().to_owned();
        assert_eq!(app.get(&href).await.text().await.unwrap(), "Hello");
        let (status, _) = post(&app, "/api/tracks/refugees/accreditations", &france,
            json!({"party": "france", "standing": "participant"})).await;
        assert_eq!(status, 201);
        for track in ["migration", "refugees"] {
            let (status, body) = post(&app, &format!("/api/tracks/{track}/accreditations/france/decision"), &secretariat,
                json!({"decision": "grant"})).await;
            assert_eq!((status, body["status"].as_str()), (200, Some("participant")), "{body}");
        }
        let (status, body) = post(&app, "/api/tracks/migration/accreditations/france/withdraw", &france,
            json!({"statement": "We leave these talks."})).await;
        assert_eq!((status, body["status"].as_str()), (200, Some("withdrawn")), "{body}");

        let refugees = app.get_json("/api/tracks/refugees/accreditations/france").await;
        assert_eq!(refugees["status"], "participant");
        let migration = app.get_json("/api/tracks/migration/accreditations/france").await;
        let actions: Vec<&str> = migration["steps"].as_array().unwrap().iter().map(|step| step["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["requested", "granted", "withdrawn"]);
        assert!(app.store.verify_events().await.unwrap().is_intact());

        let registry = app.get_html(&format!("/processes/{}/registry", accord_demo::PROCESS_ID)).await;
        assert!(registry.contains("France"), "the registry lists France");
        assert!(registry.contains("withdrawn") && registry.contains("participant"));
    }

    async fn refusals_are_clear_and_change_nothing(store) {
        let app = spawn_demo_app(store).await;
        let (france, germany) = two_delegations(&app).await;
        let secretariat = app.secretariat_token().await;
        let (status, _) = post(&app, "/api/tracks/migration/accreditations", &france,
            json!({"party": "france", "standing": "participant"})).await;
        assert_eq!(status, 201);
        let n_events = app.store.event_count().await.unwrap();

        let cases: Vec<(&str, &str, &String, Value, u16, &str)> = vec![
            ("a second request while one is pending", "/api/tracks/migration/accreditations", &france,
                json!({"party": "france", "standing": "observer"}), 409, "pending"),
            ("a delegate acting for another party", "/api/tracks/migration/accreditations", &germany,
                json!({"party": "france", "standing": "participant"}), 403, "cannot act for `france`"),
            ("a decision by a head of delegation", "/api/tracks/migration/accreditations/france/decision", &france,
                json!({"decision": "grant"}), 403, "may not"),
            ("an unknown party", "/api/tracks/migration/accreditations", &france,
                json!({"party": "atlantis", "standing": "participant"}), 404, "atlantis"),
            ("an unknown track", "/api/tracks/moon/accreditations", &france,
                json!({"party": "france", "standing": "participant"}), 404, "moon"),
            ("a refusal without a reason", "/api/tracks/migration/accreditations/france/decision", &secretariat,
                json!({"decision": "refuse", "reason": " "}), 422, "reason"),
            ("an unknown decision", "/api/tracks/migration/accreditations/france/decision", &secretariat,
                json!({"decision": "maybe"}), 422, "maybe"),
            ("a document that is not base64", "/api/tracks/migration/accreditations", &germany,
                json!({"party": "germany", "standing": "participant",
                       "documents": [{"name": "x.pdf", "media_type": "application/pdf", "content_base64": "%%%"}]}),
                422, "not base64"),
            ("a document with a slash in its name", "/api/tracks/migration/accreditations", &germany,
                json!({"party": "germany", "standing": "participant",
                       "documents": [{"name": "../x.pdf", "media_type": "application/pdf", "content_base64": "SGk="}]}),
                422, "may not hold"),
            ("an appeal of a request that is not refused", "/api/tracks/migration/accreditations/france/appeal", &france,
                json!({"statement": "x"}), 409, "pending"),
        ];
        for (case, path, token, body, expected_status, expected_words) in cases {
            let (status, answer) = post(&app, path, token, body).await;
            assert_eq!(status, expected_status, "{case}: {answer}");
            assert!(answer["message"].as_str().unwrap_or_default().contains(expected_words), "{case}: {answer}");
            assert_eq!(app.store.event_count().await.unwrap(), n_events, "{case}: nothing recorded");
        }
        let france_now = app.store.accreditation("migration", "france").await.unwrap();
        assert_eq!(france_now.status, Status::Pending);
        let (status, _) = post(&app, "/api/tracks/migration/accreditations", "no-such-token",
            json!({"party": "france", "standing": "participant"})).await;
        assert_eq!(status, 401);
    }

    async fn the_pages_let_a_head_ask_and_the_secretariat_refuse_then_the_party_appeals_once(store) {
        let app = spawn_demo_app(store).await;
        two_delegations(&app).await;
        app.secretariat_token().await;
        let (head_cookie, head_csrf) = app.sign_in(HEAD_FRANCE, helpers::TEST_PASSWORD).await;

        let track_page = app.get_with_cookie("/tracks/migration", &head_cookie).await.text().await.unwrap();
        assert!(track_page.contains("Ask for entry"), "the head sees the request form");
        let ask = |csrf: String| {
            reqwest::multipart::Form::new()
                .text("csrf", csrf)
                .text("standing", "participant")
                .text("statement", "Paris asks too.")
                .part("documents", reqwest::multipart::Part::bytes(b"%PDF-1.4 credentials".to_vec())
                    .file_name("credentials letter.pdf").mime_str("application/pdf").unwrap())
        };
        let post_multipart = |form: reqwest::multipart::Form| {
            app.client.post(format!("{}/tracks/migration/accreditations", app.address))
                .header("cookie", &head_cookie).multipart(form).send()
        };
        let forged = post_multipart(ask("forged".into())).await.unwrap();
        assert_eq!(forged.status().as_u16(), 403);
        assert!(app.store.accreditations(Some("migration"), Some("france")).await.unwrap().is_empty());

        let asked = post_multipart(ask(head_csrf.clone())).await.unwrap();
        assert_eq!(asked.status().as_u16(), 303);
        let page = app.get_html("/tracks/migration/accreditations/france").await;
        assert!(page.contains("credentials letter.pdf"), "the document is listed");
        let download = app.get("/tracks/migration/accreditations/france/documents/credentials%20letter.pdf").await;
        assert_eq!(download.status().as_u16(), 200);
        assert_eq!(download.headers()["content-type"], "application/pdf");
        assert_eq!(download.bytes().await.unwrap().as_ref(), b"%PDF-1.4 credentials");

        let (secretariat_cookie, _) = app.sign_in(helpers::SECRETARIAT, helpers::TEST_PASSWORD).await;
        let page = app.get_with_cookie("/tracks/migration/accreditations/france", &secretariat_cookie).await.text().await.unwrap();
        assert!(page.contains("Decision of the secretariat"));
        let csrf = csrf_field(&page).unwrap();
        let refused = app.post_form("/tracks/migration/accreditations/france/decision", Some(&secretariat_cookie),
            &[("csrf", &csrf), ("decision", "refuse"), ("reason", "Demonstration refusal.")]).await;
        assert_eq!(refused.status().as_u16(), 303);

        let page = app.get_with_cookie("/tracks/migration/accreditations/france", &head_cookie).await.text().await.unwrap();
        assert!(page.contains("Appeal the refusal"));
        let appealed = app.post_form("/tracks/migration/accreditations/france/appeal", Some(&head_cookie),
            &[("csrf", &head_csrf), ("statement", "Please reconsider.")]).await;
        assert_eq!(appealed.status().as_u16(), 303);
        let again = app.post_form("/tracks/migration/accreditations/france/appeal", Some(&head_cookie),
            &[("csrf", &head_csrf), ("statement", "Again.")]).await;
        assert_eq!(again.status().as_u16(), 409);
        let page = app.get_html("/tracks/migration/accreditations/france").await;
        assert!(page.contains("refused, appealed") && page.contains("Demonstration refusal."));
    }

    async fn a_head_invites_a_delegate_from_the_delegation_page_and_not_to_another_party(store) {
        let app = spawn_demo_app(store).await;
        two_delegations(&app).await;
        for party in ["france", "germany"] {
            app.store.request_accreditation("migration", party, accord_store::Standing::Participant, "", "test").await.unwrap();
            app.store.decide_accreditation("migration", party, &accord_store::Decision::Grant, "test").await.unwrap();
        }
        let process = accord_demo::PROCESS_ID;
        let (france_cookie, _) = app.sign_in(HEAD_FRANCE, helpers::TEST_PASSWORD).await;
        let page = app.get_with_cookie(&format!("/processes/{process}/parties/france"), &france_cookie).await.text().await.unwrap();
        assert!(page.contains("Invite to this delegation"), "the head sees the form");
        let csrf = csrf_field(&page).unwrap();
        let n_outbox = app.store.outbox().await.unwrap().len();
        let sent = app.post_form(&format!("/processes/{process}/parties/france/invitations"), Some(&france_cookie),
            &[("csrf", &csrf), ("email", "delegate.france@example.org"), ("role", "delegate")]).await;
        assert_eq!(sent.status().as_u16(), 303);
        assert_eq!(app.store.outbox().await.unwrap().len(), n_outbox + 1);

        let (germany_cookie, germany_csrf) = app.sign_in(HEAD_GERMANY, helpers::TEST_PASSWORD).await;
        let refused = app.post_form(&format!("/processes/{process}/parties/france/invitations"), Some(&germany_cookie),
            &[("csrf", &germany_csrf), ("email", "spy@example.org"), ("role", "delegate")]).await;
        assert_eq!(refused.status().as_u16(), 403);
        assert_eq!(app.store.outbox().await.unwrap().len(), n_outbox + 1, "nothing sent");
        let public = app.get_html(&format!("/processes/{process}/parties/france")).await;
        assert!(!public.contains("Invite to this delegation"), "an anonymous visitor sees no form");
        assert!(public.contains("head.france"), "the head's name is listed");
    }

    async fn the_secretariat_adds_a_city_from_the_gazetteer_and_imports_parties_by_csv(store) {
        let app = spawn_demo_app(store).await;
        let (france, _) = two_delegations(&app).await;
        app.store.load_compiled_registry().await.unwrap();
        let secretariat = app.secretariat_token().await;
        let post_text = |path: &str, token: &str, body: &str| {
            app.client.post(format!("{}{path}", app.address)).bearer_auth(token)
                .header("content-type", "text/csv").body(body.to_owned()).send()
        };

        let (status, _) = post(&app, "/api/cities/5128581/party", &france, json!(null)).await;
        assert_eq!(status, 403, "a head of delegation may not add parties");
        let (status, party) = post(&app, "/api/cities/5128581/party", &secretariat, json!(null)).await;
        assert_eq!(status, 201, "{party}");
        assert_eq!(party["name"], "New York City");
        let (status, _) = post(&app, "/api/cities/999999999/party", &secretariat, json!(null)).await;
        assert_eq!(status, 404);

        let bad = post_text("/api/parties/import", &secretariat, "kind,name\ncity_network,Mayors Migration Council\nplanet,Mars\n").await.unwrap();
        assert_eq!(bad.status().as_u16(), 422);
        let message: Value = bad.json().await.unwrap();
        assert!(message["message"].as_str().unwrap().contains("row 3"), "{message}");
        assert!(app.store.parties(Some(accord_store::PartyKind::CityNetwork)).await.unwrap().is_empty(), "nothing stored");
        let good = post_text("/api/parties/import", &secretariat, "kind,name\ncity_network,Mayors Migration Council\n").await.unwrap();
        assert_eq!(good.status().as_u16(), 201);
        assert_eq!(app.store.parties(Some(accord_store::PartyKind::CityNetwork)).await.unwrap().len(), 1);
    }

    async fn an_invitation_to_a_party_that_is_not_in_the_registry_is_refused_and_nothing_is_sent(store) {
        let app = spawn_demo_app(store).await;
        let secretariat = app.secretariat_token().await;
        let n_outbox = app.store.outbox().await.unwrap().len();
        let (status, body) = post(&app, &format!("/api/processes/{}/invitations", accord_demo::PROCESS_ID), &secretariat,
            json!({"email": "mayor@example.org", "role": "head", "party": "lisbon-pt"})).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["field"], "party");
        assert_eq!(app.store.outbox().await.unwrap().len(), n_outbox);
    }
}
