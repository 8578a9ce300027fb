//! Resident consultations through the pages and the API, on both databases: each browser or account counts once,
//! moderation, who may open and moderate, the results page with its SVG map and table, and the import and export
//! of a real Pol.is conversation whose analysis is the one `accord opinions` gives on the same folder (the Pol.is
//! math run on the files by accord-opinion's own parser, not through the store).

mod helpers;

use accord_store::{test_on_both_databases, DelegationRole, NewConsultation, NewStatement};
use helpers::{csrf_field, set_cookie, spawn_demo_app, TestApp, SHARED, TEST_PASSWORD};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SEATTLE: &str = "data/polis/opendata/15-per-hour-seattle";

fn shared(file: &str) -> String {
    std::fs::read_to_string(format!("{SHARED}/{SEATTLE}/{file}"))
        .expect("the shared conversation is readable")
}

/// A consultation opened by the secretariat through the store with three seeds; its id.
async fn three_seeds(app: &TestApp, strict_moderation: bool) -> i64 {
    app.store
        .open_consultation(
            &NewConsultation {
                track_id: "migration".into(),
                party_id: None,
                title: "Residents on objective 15".into(),
                description: "What should the compact say?".into(),
                language: "en".into(),
                strict_moderation,
                seeds: ["First seed.", "Second seed.", "Third seed."]
                    .into_iter()
                    .map(|text| NewStatement { text: text.into(), language: "en".into() })
                    .collect(),
            },
            "test",
        )
        .await
        .unwrap()
        .consultation_id
}

/// A browser: its cookies, kept as a `Cookie` header.
#[derive(Default, Clone)]
struct Browser {
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn header(&self) -> String {
        self.cookies.iter().map(|(name, value)| format!("{name}={value}")).collect::<Vec<_>>().join("; ")
    }

    fn keep(&mut self, response: &reqwest::Response) {
        for name in ["accord_csrf", "accord_participant", "accord_session"] {
            if let Some(value) = set_cookie(response, name) {
                self.cookies.insert(name.to_owned(), value);
            }
        }
    }

    /// GETs a page as this browser: (status, HTML).
    async fn get(&mut self, app: &TestApp, path: &str) -> (u16, String) {
        let response = app.get_with_cookie(path, &self.header()).await;
        self.keep(&response);
        (response.status().as_u16(), response.text().await.unwrap())
    }

    /// POSTs a form as this browser: (status, Location).
    async fn post(&mut self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let header = self.header();
        let response = app.post_form(path, Some(&header), fields).await;
        self.keep(&response);
        let location =
            response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
        (response.status().as_u16(), location)
    }
}

/// The statement number in the vote form of a page, if it shows one.
fn shown_statement(html: &str) -> Option<String> {
    let rest = html.split("name=\"statement\" value=\"").nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

/// Votes `vote` on the statement the page shows; returns it.
async fn vote_on_shown(app: &TestApp, browser: &mut Browser, consultation_id: i64, vote: &str) -> String {
    let (status, html) = browser.get(app, &format!("/consultations/{consultation_id}")).await;
    assert_eq!(status, 200);
    let statement = shown_statement(&html).expect("the page shows a statement");
    let csrf = csrf_field(&html).expect("the form has a csrf field");
    let (status, location) = browser
        .post(
            app,
            &format!("/consultations/{consultation_id}/votes"),
            &[("csrf", &csrf), ("statement", &statement), ("vote", vote)],
        )
        .await;
    assert_eq!(
        (status, location.as_str()),
        (303, format!("/consultations/{consultation_id}?notice=voted").as_str())
    );
    statement
}

async fn post_json(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = app.client.post(format!("{}{path}", app.address)).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A head of delegation of `party_id` in the demonstration process, with the party accredited to the migration
/// track as a participant; their API token.
async fn delegate_of(app: &TestApp, address: &str, party_id: &str) -> String {
    let user = app.user(address).await;
    app.store
        .add_delegation_member(accord_demo::PROCESS_ID, user.user_id, party_id, DelegationRole::Head, "test")
        .await
        .unwrap();
    app.store
        .request_accreditation("migration", party_id, accord_store::Standing::Participant, "", "test")
        .await
        .unwrap();
    app.store
        .decide_accreditation("migration", party_id, &accord_store::Decision::Grant, "test")
        .await
        .unwrap();
    let (_, token) = app.store.create_api_token(user.user_id, "tests").await.unwrap();
    token.expose().to_owned()
}

test_on_both_databases! {
    async fn a_browser_counts_once_and_is_never_shown_a_statement_it_voted_on(store) {
        let app = spawn_demo_app(store).await;
        let consultation_id = three_seeds(&app, true).await;
        let mut browser = Browser::default();
        let first = vote_on_shown(&app, &mut browser, consultation_id, "agree").await;
        assert_eq!(browser.cookies["accord_participant"].len(), 64, "the first vote sets the participant cookie");
        let second = vote_on_shown(&app, &mut browser, consultation_id, "disagree").await;
        let third = vote_on_shown(&app, &mut browser, consultation_id, "pass").await;
        let mut shown = vec![first.clone(), second, third];
        shown.sort();
        assert_eq!(shown, ["0", "1", "2"], "each seed once");
        let (_, html) = browser.get(&app, &format!("/consultations/{consultation_id}")).await;
        assert!(html.contains("You have voted on every statement (3)"), "{html}");
        assert_eq!(app.store.n_consultation_participants(consultation_id).await.unwrap(), 1);
        // A vote again on the same statement counts instead of the first, from the same participant.
        let (_, html) = browser.get(&app, &format!("/consultations/{consultation_id}")).await;
        let csrf = csrf_field(&html).unwrap();
        browser.post(&app, &format!("/consultations/{consultation_id}/votes"), &[("csrf", &csrf), ("statement", &first), ("vote", "disagree")]).await;
        assert_eq!(app.store.n_consultation_participants(consultation_id).await.unwrap(), 1);
        let votes = app.store.participant_votes(consultation_id, 0).await.unwrap();
        assert_eq!(votes[&first.parse::<i64>().unwrap()], -1);
        // Another browser is another participant.
        let mut other = Browser::default();
        vote_on_shown(&app, &mut other, consultation_id, "agree").await;
        assert_eq!(app.store.n_consultation_participants(consultation_id).await.unwrap(), 2);
    }

    async fn a_signed_in_resident_counts_once_whatever_the_browser(store) {
        let app = spawn_demo_app(store).await;
        let consultation_id = three_seeds(&app, true).await;
        app.user("resident@example.org").await;
        let (session, _) = app.sign_in("resident@example.org", TEST_PASSWORD).await;
        let (_, value) = session.split_once('=').unwrap();
        let mut laptop = Browser::default();
        laptop.cookies.insert("accord_session".into(), value.into());
        vote_on_shown(&app, &mut laptop, consultation_id, "agree").await;
        assert!(!laptop.cookies.contains_key("accord_participant"), "a signed-in person needs no participant cookie");
        let mut phone = Browser::default();
        phone.cookies.insert("accord_session".into(), value.into());
        vote_on_shown(&app, &mut phone, consultation_id, "agree").await;
        assert_eq!(app.store.n_consultation_participants(consultation_id).await.unwrap(), 1);
        assert_eq!(app.store.participant_votes(consultation_id, 0).await.unwrap().len(), 2);
    }

    async fn a_submitted_statement_is_shown_only_once_the_secretariat_accepts_it(store) {
        let app = spawn_demo_app(store).await;
        let consultation_id = three_seeds(&app, true).await;
        let mut resident = Browser::default();
        for _ in 0..3 {
            vote_on_shown(&app, &mut resident, consultation_id, "agree").await;
        }
        let (_, html) = resident.get(&app, &format!("/consultations/{consultation_id}")).await;
        let csrf = csrf_field(&html).unwrap();
        let (status, location) = resident
            .post(&app, &format!("/consultations/{consultation_id}/statements"), &[("csrf", &csrf), ("text", "Cities need a seat."), ("language", "en")])
            .await;
        assert_eq!((status, location), (303, format!("/consultations/{consultation_id}?notice=submitted")));
        let mut newcomer = Browser::default();
        for _ in 0..3 {
            vote_on_shown(&app, &mut newcomer, consultation_id, "agree").await;
        }
        let (_, html) = newcomer.get(&app, &format!("/consultations/{consultation_id}")).await;
        assert!(shown_statement(&html).is_none(), "the pending statement is not shown");

        // Moderation: refused to a signed-in resident by the table; the secretariat accepts.
        app.user("resident@example.org").await;
        let (cookie, _) = app.sign_in("resident@example.org", TEST_PASSWORD).await;
        let response = app.get_with_cookie(&format!("/consultations/{consultation_id}/moderation"), &cookie).await;
        assert_eq!(response.status().as_u16(), 403);
        app.secretariat_token().await;
        let (cookie, _) = app.sign_in(helpers::SECRETARIAT, TEST_PASSWORD).await;
        let html = app.get_with_cookie(&format!("/consultations/{consultation_id}/moderation"), &cookie).await.text().await.unwrap();
        assert!(html.contains("Cities need a seat."), "{html}");
        let csrf = csrf_field(&html).unwrap();
        let response = app
            .post_form(&format!("/consultations/{consultation_id}/statements/3/moderation"), Some(&cookie), &[("csrf", &csrf), ("decision", "accept")])
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let (_, html) = newcomer.get(&app, &format!("/consultations/{consultation_id}")).await;
        assert_eq!(shown_statement(&html).as_deref(), Some("3"));
        assert!(html.contains("Cities need a seat."));
        let events = app.store.events(0, 10_000).await.unwrap();
        assert!(events.iter().any(|event| event.action == "consultation.statement_moderated"));
    }

    async fn a_city_at_the_table_opens_a_consultation_and_a_state_or_a_visitor_may_not(store) {
        let app = spawn_demo_app(store).await;
        app.store.load_compiled_registry().await.unwrap();
        let atlanta = app.store.party_for_city(4180439).await.unwrap();
        let city = delegate_of(&app, "head.atlanta@example.org", &atlanta.party_id).await;
        app.store.create_party(&accord_store::NewParty::state("FR").unwrap()).await.ok();
        let state = delegate_of(&app, "head.france@example.org", "france").await;
        let body = json!({"title": "Atlanta asks", "language": "en", "seeds": [{"text": "One.", "language": "en"}, {"text": "Deux.", "language": "fr"}]});
        let (status, opened) = post_json(&app, "/api/tracks/migration/consultations", Some(&city), &body).await;
        assert_eq!(status, 201, "{opened}");
        assert_eq!(opened["party"], atlanta.party_id);
        assert_eq!(opened["statements"][1]["language"], "fr");
        let (status, refused) = post_json(&app, "/api/tracks/migration/consultations", Some(&state), &body).await;
        assert_eq!(status, 403, "{refused}");
        assert!(refused["message"].as_str().unwrap().contains("not a city"), "{refused}");
        let (status, _) = post_json(&app, "/api/tracks/migration/consultations", None, &body).await;
        assert_eq!(status, 401);
        // The city moderates its own consultation; another city's delegation may not.
        let id = opened["id"].as_i64().unwrap();
        let (status, moderated) = post_json(&app, &format!("/api/consultations/{id}/statements/1/moderation"), Some(&city), &json!({"decision": "reject"})).await;
        assert_eq!((status, moderated["moderation"].as_str()), (200, Some("rejected")));
        let chicago = app.store.party_for_city(4887398).await.unwrap();
        let other_city = delegate_of(&app, "head.chicago@example.org", &chicago.party_id).await;
        let (status, _) = post_json(&app, &format!("/api/consultations/{id}/statements/0/moderation"), Some(&other_city), &json!({"decision": "reject"})).await;
        assert_eq!(status, 403);
        // Bad fields answer 422 naming the field.
        let (status, error) = post_json(&app, "/api/tracks/migration/consultations", Some(&city), &json!({"title": " "})).await;
        assert_eq!((status, error["field"].as_str()), (422, Some("title")));
    }

    async fn an_imported_conversation_exports_the_same_votes_and_gives_the_analysis_of_accord_opinions(store) {
        let app = spawn_demo_app(store).await;
        let token = app.secretariat_token().await;
        let (comments, votes, summary) = (shared("comments.csv"), shared("votes.csv"), shared("summary.csv"));
        let body = json!({"title": "", "language": "en", "comments_csv": comments, "votes_csv": votes, "summary_csv": summary});
        let (status, imported) = post_json(&app, "/api/tracks/migration/consultations/import", Some(&token), &body).await;
        assert_eq!(status, 201, "{imported}");
        assert_eq!(imported["title"], "$15/hour");
        let id = imported["id"].as_i64().unwrap();
        let one = app.get_json(&format!("/api/consultations/{id}")).await;
        assert_eq!(one["statements"].as_array().unwrap().len(), 54, "the 54 comments of the summary");

        // The export's votes and comments are the file's, row for row (read by the csv crate, by column name).
        let export = |file: &'static str| {
            let app = &app;
            async move {
                let response = app.get(&format!("/api/consultations/{id}/export/{file}")).await;
                assert_eq!(response.status().as_u16(), 200, "{file}");
                assert!(helpers::content_type(&response).starts_with("text/csv"));
                response.text().await.unwrap()
            }
        };
        let columns = |text: &str, names: &[&str]| -> Vec<Vec<String>> {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let header = reader.headers().unwrap().clone();
            let at: Vec<usize> = names.iter().map(|name| header.iter().position(|column| column == *name).unwrap()).collect();
            let mut rows: Vec<Vec<String>> = reader.records().map(|record| {
                let record = record.unwrap();
                at.iter().map(|index| record[*index].to_owned()).collect()
            }).collect();
            rows.sort();
            rows
        };
        let vote_columns = ["timestamp", "comment-id", "voter-id", "vote"];
        assert_eq!(columns(&export("votes.csv").await, &vote_columns), columns(&votes, &vote_columns));
        let comment_columns = ["comment-id", "author-id", "moderated", "comment-body"];
        assert_eq!(columns(&export("comments.csv").await, &comment_columns), columns(&comments, &comment_columns));

        // The results are those of the Pol.is math on the folder itself.
        let analysis = accord_opinion::analyze(
            &accord_opinion::parse_opendata(&votes, &comments).unwrap(),
            &accord_opinion::Settings::default().check().unwrap(),
        );
        let results = app.get_json(&format!("/api/consultations/{id}/results")).await;
        let groups = results["groups"].as_array().unwrap();
        assert_eq!(groups.len(), analysis.group_clusters.len());
        assert_eq!(results["n_clustered"].as_u64().unwrap() as usize, analysis.in_conv.len());
        for (group, expected) in groups.iter().zip(&analysis.group_clusters) {
            let tids: Vec<i64> = group["representative"].as_array().unwrap().iter().map(|s| s["statement"].as_i64().unwrap()).collect();
            let expected_tids: Vec<i64> = analysis.repness[&expected.id].iter().map(|s| s.tid).collect();
            assert_eq!(tids, expected_tids, "group {}", expected.id);
        }
        let consensus: Vec<i64> = results["consensus_agree"].as_array().unwrap().iter().map(|s| s["statement"].as_i64().unwrap()).collect();
        assert_eq!(consensus, analysis.consensus.agree.iter().map(|s| s.tid).collect::<Vec<_>>());

        // The results page: the map as SVG with a title per dot, group labels, and the table for screen readers.
        let html = app.get_html(&format!("/consultations/{id}/results")).await;
        assert!(html.contains("<svg") && html.contains("role=\"img\""), "an inline SVG");
        assert_eq!(html.matches("<circle").count(), analysis.in_conv.len(), "one dot per clustered participant");
        assert!(html.contains("<title>Participant "));
        assert!(html.contains(">Group A</text>") && html.contains(">Group B</text>"));
        assert!(html.contains("<caption>Opinion groups</caption>") && html.contains("<th scope=\"row\">Group A</th>"));
        assert!(!html.contains("<script"), "no JavaScript");
    }

    async fn a_bad_row_in_an_import_answers_422_naming_file_row_and_column_and_stores_nothing(store) {
        let app = spawn_demo_app(store).await;
        let token = app.secretariat_token().await;
        let comments = shared("comments.csv").replacen("\n1403067224363,", "\n1403067224363x,", 1);
        let body = json!({"title": "Bad", "comments_csv": comments, "votes_csv": shared("votes.csv")});
        let (status, error) = post_json(&app, "/api/tracks/migration/consultations/import", Some(&token), &body).await;
        assert_eq!(status, 422, "{error}");
        assert_eq!(error["field"], "comments.csv");
        assert!(error["message"].as_str().unwrap().starts_with("comments.csv: row 2 (line 3), column \"timestamp\""), "{error}");
        assert!(app.store.consultations(None).await.unwrap().is_empty());
        // And a resident may not import at all.
        let resident = app.user("resident@example.org").await;
        let (_, resident_token) = app.store.create_api_token(resident.user_id, "t").await.unwrap();
        let (status, _) = post_json(&app, "/api/tracks/migration/consultations/import", Some(resident_token.expose()), &body).await;
        assert_eq!(status, 403);
    }

    async fn an_anonymous_api_client_votes_with_the_cookie_and_the_csrf_header(store) {
        let app = spawn_demo_app(store).await;
        let consultation_id = three_seeds(&app, true).await;
        let mut browser = Browser::default();
        let (_, html) = browser.get(&app, &format!("/consultations/{consultation_id}")).await;
        let csrf = csrf_field(&html).unwrap();
        let next = app.get_json(&format!("/api/consultations/{consultation_id}/next")).await;
        let statement = next["statement"]["id"].as_i64().unwrap();
        assert_eq!(next["n_left"], 3);
        let vote = |vote: &'static str| {
            let request = app
                .client
                .post(format!("{}/api/consultations/{consultation_id}/votes", app.address))
                .header("cookie", browser.header())
                .header("x-csrf-token", csrf.clone())
                .json(&json!({"statement": statement, "vote": vote}));
            async move { request.send().await.unwrap() }
        };
        let response = vote("agree").await;
        assert_eq!(response.status().as_u16(), 200);
        assert!(set_cookie(&response, "accord_participant").is_some());
        let response = vote("maybe").await;
        assert_eq!(response.status().as_u16(), 422);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["field"], "vote");
    }
}
