//! Black-box tests of the JSON API: the real application on a free port over a fresh store, on SQLite and on
//! PostgreSQL. Expected values come from the shared GCM Markdown (`../shared/data/gcm`) and from the
//! demonstration's Rev.1, made from the picks of its first round (crates/accord-demo/src/amendments.rs: one action
//! inserted, one deleted, eleven elements reworded).

mod helpers;

use accord_store::test_on_both_databases;
use helpers::{
    content_type, shared_gcm_actions, spawn_app, spawn_demo_app, squeeze, TestApp, CHANGED_EID, INSERTED_EID,
};
use serde_json::{json, Value};

/// A valid new revision made of `edits` to the latest revision.
fn edits_body(edits: Value) -> Value {
    json!({"label": "Rev.2", "date": "2026-06-01", "author": "the co-facilitators", "edits": edits})
}

/// A refused new revision: (what is wrong, draft, body, status, field named, words the message must hold).
type BadRevision = (&'static str, &'static str, Value, u16, Option<&'static str>, Vec<&'static str>);

/// The revision 0 export as Akoma Ntoso text.
async fn revision_0_akn(app: &TestApp) -> String {
    let response = app.get_export("gcm", "0", "akn").await;
    assert_eq!(response.status().as_u16(), 200);
    response.text().await.expect("the AKN text")
}

/// The `/api/...` paths the router serves, from the one list that builds the router, so that a new route
/// without an OpenAPI annotation fails this test.
fn routed_api_paths() -> Vec<String> {
    let mut paths: Vec<String> = accord_server::routes()
        .into_iter()
        .map(|route| route.path.to_owned())
        .filter(|path| path.starts_with("/api/") && path != "/api/openapi.json")
        .collect();
    paths.dedup();
    paths
}

test_on_both_databases! {
    async fn an_empty_store_lists_no_process(store) {
        let app = spawn_app(store).await;

        let response = app.get_processes().await;

        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.json::<Value>().await.unwrap(), json!([]));
    }

    async fn the_demonstration_process_is_listed_with_its_track_and_draft(store) {
        let app = spawn_demo_app(store).await;

        let processes = app.get_json("/api/processes").await;
        let process = app.get_json("/api/processes/global-compacts-2018").await;

        assert_eq!(processes.as_array().unwrap().len(), 1);
        assert_eq!(processes[0], process);
        assert_eq!(process["id"], "global-compacts-2018");
        assert_eq!(process["demo"], true);
        assert_eq!(process["tracks"][0]["id"], "migration");
        assert_eq!(process["tracks"][0]["drafts"][0]["id"], "gcm");
        assert_eq!(process["tracks"][0]["drafts"][0]["href"], "/api/drafts/gcm");
    }

    async fn an_unknown_process_is_a_404_with_a_json_message(store) {
        let app = spawn_demo_app(store).await;

        let response = app.get_process("nope").await;

        assert_eq!(response.status().as_u16(), 404);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["status"], 404);
        assert!(body["message"].as_str().unwrap().contains("nope"), "{body}");
    }

    async fn the_demonstration_draft_has_revision_0_real_and_revision_1_invented(store) {
        let app = spawn_demo_app(store).await;

        let draft = app.get_json("/api/drafts/gcm").await;
        let revisions = app.get_json("/api/drafts/gcm/revisions").await;

        assert_eq!(draft["process"], "global-compacts-2018");
        assert_eq!(draft["track"], "migration");
        assert_eq!(draft["revisions"], revisions);
        let revisions = revisions.as_array().unwrap();
        assert_eq!(revisions.len(), 2);
        assert_eq!((revisions[0]["number"].as_i64(), revisions[0]["demo"].as_bool()), (Some(0), Some(false)));
        assert_eq!((revisions[1]["number"].as_i64(), revisions[1]["demo"].as_bool()), (Some(1), Some(true)));
        assert_eq!(revisions[0]["label"], "Zero draft");
        assert_eq!(revisions[1]["label"], "Rev.1");
        assert_eq!(revisions[1]["date"], "2018-03-12");
        assert_eq!(revisions[0]["akn_href"], "/api/drafts/gcm/revisions/0/export?format=akn");
        assert_eq!(revisions[1]["html_href"], "/drafts/gcm/revisions/1");
    }

    async fn revision_0_has_the_187_actions_of_the_compact_as_points(store) {
        let app = spawn_demo_app(store).await;
        let expected = shared_gcm_actions();

        let revision = app.get_json("/api/drafts/gcm/revisions/0").await;

        let points: Vec<&Value> = revision["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|paragraph| paragraph["element"] == "point")
            .collect();
        assert_eq!(expected.len(), 187);
        assert_eq!(points.len(), 187);
        for (point, (objective, letter, text)) in points.iter().zip(&expected) {
            let eid = point["eid"].as_str().unwrap();
            assert_eq!(eid, format!("sec_3__obj_{objective}__para_1__point_{letter}"));
            assert_eq!(squeeze(point["text"].as_str().unwrap()), squeeze(text), "{eid}");
        }
        assert_eq!(revision["revision"]["number"], 0);
    }

    async fn latest_names_the_newest_revision(store) {
        let app = spawn_demo_app(store).await;

        let revision = app.get_json("/api/drafts/gcm/revisions/latest").await;

        assert_eq!(revision["revision"]["number"], 1);
    }

    async fn a_paragraph_has_its_text_in_revisions_0_and_1(store) {
        let app = spawn_demo_app(store).await;
        let (_, _, original) =
            shared_gcm_actions().into_iter().find(|(objective, letter, _)| *objective == 15 && letter == "c").unwrap();

        let body = app.get_json(&format!("/api/drafts/gcm/revisions/1/paragraphs/{CHANGED_EID}")).await;

        assert_eq!(body["paragraph"]["eid"], CHANGED_EID);
        assert_eq!(body["paragraph"]["element"], "point");
        let history = body["history"].as_array().unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0]["revision"], 0);
        assert_eq!(history[1]["revision"], 1);
        assert_eq!(squeeze(history[0]["paragraph"]["text"].as_str().unwrap()), squeeze(&original));
        assert_eq!(
            squeeze(history[1]["paragraph"]["text"].as_str().unwrap()),
            squeeze(
                &original
                    .replacen(
                        "service points at local level",
                        "service points at local level, designed and run with municipalities",
                        1
                    )
                    .replacen("holistic", "integrated", 1)
            )
        );
        assert_eq!(body["paragraph"]["text"], history[1]["paragraph"]["text"]);
    }

    async fn the_inserted_paragraph_has_a_history_of_revision_1_only(store) {
        let app = spawn_demo_app(store).await;

        let body = app.get_json(&format!("/api/drafts/gcm/revisions/1/paragraphs/{INSERTED_EID}")).await;
        let in_revision_0 = app.get_paragraph("gcm", "0", INSERTED_EID).await;

        assert_eq!(body["history"].as_array().unwrap().len(), 1);
        assert_eq!(body["history"][0]["revision"], 1);
        assert_eq!(in_revision_0.status().as_u16(), 404);
    }

    async fn the_redline_of_the_demonstration_counts_each_kind_of_change(store) {
        let app = spawn_demo_app(store).await;

        let response = app.get_redline("gcm/0", "gcm/1", None).await;

        assert_eq!(response.status().as_u16(), 200);
        let redline: Value = response.json().await.unwrap();
        assert_eq!(redline["counts"], json!({"inserted": 1, "deleted": 1, "modified": 11, "moved": 0}));
        let changes = redline["changes"].as_array().unwrap();
        let of_kind = |kind: &str| -> Vec<&str> {
            changes.iter().filter(|change| change["change"] == kind).map(|change| change["eid"].as_str().unwrap()).collect()
        };
        assert_eq!(of_kind("inserted"), vec![INSERTED_EID]);
        assert_eq!(of_kind("deleted"), vec!["sec_3__obj_1__para_1__point_k"]);
        assert_eq!(redline["from"]["number"], 0);
        assert_eq!(redline["to"]["number"], 1);
    }

    async fn the_redline_comes_as_akn_docx_html_and_terminal_text(store) {
        let app = spawn_demo_app(store).await;

        let akn = app.get_redline("gcm/0", "gcm/1", Some("akn")).await;
        assert_eq!(akn.status().as_u16(), 200);
        assert_eq!(content_type(&akn), "application/akn+xml");
        let akn = akn.text().await.unwrap();
        assert!(akn.contains("<ins") && akn.contains("<del"), "the AKN redline marks insertions and deletions");
        assert!(akn.contains(INSERTED_EID));

        let docx = app.get_redline("gcm/0", "gcm/1", Some("docx")).await;
        assert_eq!(docx.status().as_u16(), 200);
        assert!(content_type(&docx).contains("wordprocessingml"));
        assert!(docx.bytes().await.unwrap().starts_with(b"PK\x03\x04"), "a Word file is a zip");

        let html = app.get_redline("gcm/0", "gcm/1", Some("html")).await;
        assert_eq!(html.status().as_u16(), 200);
        assert!(content_type(&html).starts_with("text/html"));
        let html = html.text().await.unwrap();
        assert!(html.contains("<ins") && html.contains("<del"));

        let term = app.get_redline("gcm/0", "gcm/1", Some("term")).await;
        assert_eq!(term.status().as_u16(), 200);
        assert!(content_type(&term).starts_with("text/plain"));
        let term = term.text().await.unwrap();
        assert!(term.contains("[+") && term.contains("[-"), "{term}");
        assert!(term.contains("designed and run with municipalities"));
        assert!(!term.contains('\u{1b}'), "the API's terminal form has no colour codes");
    }

    async fn a_revision_made_of_edits_is_stored_and_shows_in_the_redline(store) {
        let app = spawn_demo_app(store).await;
        let body = edits_body(json!([
            {"op": "set_text", "eid": "sec_3__obj_2__para_1__point_a", "text": "A wholly new text for action (a)."},
            {"op": "delete", "eid": "sec_3__obj_2__para_1__point_b"},
            {"op": "move_after", "eid": "sec_3__obj_4__para_1__point_g", "after": "sec_3__obj_4__para_1__point_a"}
        ]));

        let response = app.post_revision("gcm", &body).await;

        assert_eq!(response.status().as_u16(), 201);
        let revision: Value = response.json().await.unwrap();
        assert_eq!(revision["number"], 2);
        assert_eq!(revision["label"], "Rev.2");
        assert_eq!(revision["date"], "2026-06-01");
        assert_eq!(revision["author"], "the co-facilitators");
        assert_eq!(revision["demo"], false);
        assert_eq!(app.n_revisions("gcm").await, 3);
        let redline = app.get_json("/api/redline?from=gcm/1&to=gcm/2").await;
        assert_eq!(redline["counts"], json!({"inserted": 0, "deleted": 1, "modified": 1, "moved": 1}));
        let changes = redline["changes"].as_array().unwrap();
        let moved: Vec<&Value> = changes.iter().filter(|change| !change["moved_from"].is_null()).collect();
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0]["eid"], "sec_3__obj_4__para_1__point_g");
        let paragraph = app.get_json("/api/drafts/gcm/revisions/2/paragraphs/sec_3__obj_2__para_1__point_a").await;
        assert_eq!(paragraph["paragraph"]["text"], "A wholly new text for action (a).");
    }

    async fn edits_apply_to_the_base_revision_given(store) {
        let app = spawn_demo_app(store).await;
        let mut body = edits_body(json!([
            {"op": "set_num", "eid": "sec_3__obj_1__para_1__point_k", "num": "(k-new)"}
        ]));
        body["base"] = json!(0);

        let response = app.post_revision("gcm", &body).await;

        assert_eq!(response.status().as_u16(), 201);
        let redline = app.get_json("/api/redline?from=gcm/0&to=gcm/2").await;
        assert_eq!(redline["counts"]["deleted"], 0, "revision 2 keeps the action that revision 1 deleted");
        assert_eq!(redline["counts"]["inserted"], 0);
    }

    async fn a_revision_from_an_akn_body_is_stored_with_the_same_text(store) {
        let app = spawn_demo_app(store).await;
        let akn = revision_0_akn(&app).await;
        let body = json!({"label": "Rev.2", "date": "2026-06-01", "author": "the secretariat", "note": "Back to the zero draft.", "akn": akn});

        let response = app.post_revision("gcm", &body).await;

        assert_eq!(response.status().as_u16(), 201);
        assert_eq!(response.json::<Value>().await.unwrap()["number"], 2);
        let redline = app.get_json("/api/redline?from=gcm/0&to=gcm/2").await;
        assert_eq!(redline["counts"], json!({"inserted": 0, "deleted": 0, "modified": 0, "moved": 0}));
        assert_eq!(redline["changes"], json!([]));
        assert_eq!(redline["to"]["note"], "Back to the zero draft.");
    }

    async fn bad_new_revisions_are_refused_naming_the_field_and_nothing_is_stored(store) {
        let app = spawn_demo_app(store).await;
        let set_text = json!([{"op": "set_text", "eid": CHANGED_EID, "text": "New text."}]);
        let with = |field: &str, value: Value| {
            let mut body = edits_body(set_text.clone());
            body[field] = value;
            body
        };
        // (what is wrong, draft, body, status, field, words the message must hold)
        let cases: Vec<BadRevision> = vec![
            ("an empty label", "gcm", with("label", json!("  ")), 422, Some("label"), vec!["empty"]),
            ("an empty author", "gcm", with("author", json!("")), 422, Some("author"), vec!["empty"]),
            ("a date that is not a date", "gcm", with("date", json!("2026-13-45")), 422, Some("date"), vec!["2026-13-45", "YYYY-MM-DD"]),
            ("a date in another form", "gcm", with("date", json!("1 June 2026")), 422, Some("date"), vec!["1 June 2026"]),
            ("no edits and no akn", "gcm", edits_body(json!([])), 422, Some("edits"), vec!["akn"]),
            (
                "an edit of an unknown eId",
                "gcm",
                edits_body(json!([
                    {"op": "set_text", "eid": CHANGED_EID, "text": "Kept only if all edits apply."},
                    {"op": "set_text", "eid": "sec_9__nowhere", "text": "x"}
                ])),
                422,
                Some("edits/1"),
                vec!["sec_9__nowhere"],
            ),
            (
                "an eId that breaks the eId syntax",
                "gcm",
                edits_body(json!([{"op": "delete", "eid": "a b"}])),
                422,
                Some("edits/0/eid"),
                vec!["a b"],
            ),
            (
                "an insertion with an eId that is taken",
                "gcm",
                edits_body(json!([{"op": "insert_after", "after": CHANGED_EID, "eid": "sec_3__obj_15__para_1__point_d", "element": "point", "num": "(x)", "text": "Twice."}])),
                422,
                Some("edits/0"),
                vec!["sec_3__obj_15__para_1__point_d"],
            ),
            (
                "malformed Akoma Ntoso",
                "gcm",
                json!({"label": "Rev.2", "date": "2026-06-01", "author": "x", "akn": "<akomaNtoso xmlns=\"http://docs.oasis-open.org/legaldocml/ns/akn/3.0\">\n  <statement>\n</akomaNtoso>"}),
                422,
                Some("akn"),
                vec!["line 3", "column"],
            ),
            (
                "XML whose root is not akomaNtoso",
                "gcm",
                json!({"label": "Rev.2", "date": "2026-06-01", "author": "x", "akn": "<html><body/></html>"}),
                422,
                Some("akn"),
                vec!["html", "akomaNtoso"],
            ),
            (
                "both akn and edits",
                "gcm",
                with("akn", json!("<akomaNtoso/>")),
                422,
                Some("akn"),
                vec!["not both"],
            ),
            ("an unknown draft", "nope", edits_body(set_text.clone()), 404, None, vec!["nope"]),
            ("an unknown base revision", "gcm", with("base", json!(99)), 404, None, vec!["99"]),
        ];

        for (case, draft_id, body, status, field, words) in cases {
            let response = app.post_revision(draft_id, &body).await;

            assert_eq!(response.status().as_u16(), status, "{case}");
            let error: Value = response.json().await.unwrap_or_else(|_| panic!("{case}: a JSON error body"));
            assert_eq!(error["status"], status, "{case}");
            assert_eq!(error["field"].as_str(), field, "{case}: {error}");
            let message = error["message"].as_str().unwrap();
            for word in words {
                assert!(message.contains(word), "{case}: the message `{message}` should say `{word}`");
            }
            assert_eq!(app.n_revisions("gcm").await, 2, "{case}: nothing is stored");
            assert_eq!(app.n_revisions("nope").await, 0, "{case}: nothing is stored");
        }
    }

    async fn an_akn_body_of_the_real_text_with_a_duplicate_eid_is_refused(store) {
        let app = spawn_demo_app(store).await;
        let akn = revision_0_akn(&app).await;
        let duplicated = akn.replacen("eId=\"sec_3__obj_1__para_1__point_b\"", "eId=\"sec_3__obj_1__para_1__point_a\"", 1);
        assert_ne!(akn, duplicated, "the export has the eId to duplicate");

        let response = app.post_revision("gcm", &json!({"label": "Rev.2", "date": "2026-06-01", "author": "x", "akn": duplicated})).await;

        assert_eq!(response.status().as_u16(), 422);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["field"], "akn");
        assert!(error["message"].as_str().unwrap().contains("sec_3__obj_1__para_1__point_a"), "{error}");
        assert_eq!(app.n_revisions("gcm").await, 2);
    }

    async fn bad_reads_are_refused_with_the_right_status(store) {
        let app = spawn_demo_app(store).await;
        app.add_other_draft().await;
        // (what is wrong, path, status, field)
        let cases: Vec<(&str, &str, u16, Option<&str>)> = vec![
            ("an unknown draft", "/api/drafts/nope", 404, None),
            ("the revisions of an unknown draft", "/api/drafts/nope/revisions", 404, None),
            ("an unknown revision", "/api/drafts/gcm/revisions/7", 404, None),
            ("a revision number that is not a number", "/api/drafts/gcm/revisions/seven", 404, None),
            ("an unknown eId", "/api/drafts/gcm/revisions/0/paragraphs/sec_9", 404, None),
            ("an export of an unknown revision", "/api/drafts/gcm/revisions/7/export?format=akn", 404, None),
            ("an export in an unknown format", "/api/drafts/gcm/revisions/0/export?format=pdf", 422, Some("format")),
            ("an export of a revision as terminal text", "/api/drafts/gcm/revisions/0/export?format=term", 422, Some("format")),
            ("a redline of an unknown revision", "/api/redline?from=gcm/0&to=gcm/7", 404, None),
            ("a redline across drafts", "/api/redline?from=gcm/0&to=other/0", 422, Some("to")),
            ("a redline in an unknown format", "/api/redline?from=gcm/0&to=gcm/1&format=pdf", 422, Some("format")),
            ("a redline as Markdown", "/api/redline?from=gcm/0&to=gcm/1&format=md", 422, Some("format")),
            ("a redline from a reference without a number", "/api/redline?from=gcm/x&to=gcm/1", 422, Some("from")),
        ];

        for (case, path, status, field) in cases {
            let response = app.get(path).await;

            assert_eq!(response.status().as_u16(), status, "{case}");
            let error: Value = response.json().await.unwrap_or_else(|_| panic!("{case}: a JSON error body"));
            assert_eq!(error["field"].as_str(), field, "{case}: {error}");
            assert!(!error["message"].as_str().unwrap().is_empty(), "{case}");
        }
    }

    async fn the_revision_exports_come_with_their_media_types(store) {
        let app = spawn_demo_app(store).await;
        // (format, media type prefix, what the body starts with)
        let cases: [(&str, &str, &[u8]); 4] = [
            ("akn", "application/akn+xml", b"<?xml"),
            ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
            ("html", "text/html", b"<!"),
            ("md", "text/markdown", b""),
        ];

        for (format, media_type, start) in cases {
            let response = app.get_export("gcm", "1", format).await;

            assert_eq!(response.status().as_u16(), 200, "{format}");
            assert!(content_type(&response).starts_with(media_type), "{format}: {}", content_type(&response));
            let bytes = response.bytes().await.unwrap();
            assert!(bytes.starts_with(start), "{format}");
            assert!(!bytes.is_empty(), "{format}");
        }
        let markdown = app.get_export("gcm", "0", "md").await.text().await.unwrap();
        assert!(squeeze(&markdown).contains(&squeeze(&shared_gcm_actions()[0].2)), "the Markdown holds action 1 (a)");
    }

    async fn the_openapi_document_describes_every_api_route(store) {
        let app = spawn_demo_app(store).await;

        let response = app.get_openapi().await;

        assert_eq!(response.status().as_u16(), 200);
        let document: Value = response.json().await.expect("the OpenAPI document is JSON");
        assert!(document["openapi"].as_str().unwrap().starts_with("3."), "{}", document["openapi"]);
        let paths = document["paths"].as_object().unwrap();
        let routed = routed_api_paths();
        assert!(routed.len() >= 8, "{routed:?}");
        for path in &routed {
            assert!(paths.contains_key(path), "the OpenAPI document lacks {path}");
        }
        assert!(paths["/api/drafts/{draft_id}/revisions"]["post"].is_object());
        // The compilation's filters are optional query parameters; only the draft and revision are in the path.
        let compilation = &paths["/api/drafts/{draft_id}/revisions/{number}/compilation"]["get"]["parameters"];
        for parameter in compilation.as_array().unwrap() {
            let (name, place) = (parameter["name"].as_str().unwrap(), parameter["in"].as_str().unwrap());
            let in_path = name == "draft_id" || name == "number";
            assert_eq!(place, if in_path { "path" } else { "query" }, "compilation parameter {name}");
            assert_eq!(parameter["required"].as_bool().unwrap_or(false), in_path, "compilation parameter {name}");
        }
        for path in paths.keys() {
            assert!(routed.contains(path), "the OpenAPI document lists {path}, which the router does not serve");
            // Exports need a format; the accounts routes need a signed-in user (tests/auth.rs walks them); a party
            // needs the registry loaded and a city search a query (tests/parties.rs walks them).
            let needs_more = [
                "/api/me",
                "/api/outbox",
                "/api/processes/{process_id}/invitations",
                "/api/parties/{party_id}",
                "/api/cities",
                "/api/tracks/{track_id}/accreditations/{party_id}",
                "/api/tracks/{track_id}/accreditations/{party_id}/documents/{name}",
                // A consultation's routes need one (tests/consultations.rs walks them).
                "/api/consultations/{consultation_id}",
                "/api/consultations/{consultation_id}/next",
                "/api/consultations/{consultation_id}/results",
                "/api/consultations/{consultation_id}/export/{file}",
                // An amendment's positions need an amendment (tests/positions.rs walks them).
                "/api/amendments/{amendment_id}/positions",
                // An amendment needs one (tests/amendments.rs walks the amendment routes).
                "/api/amendments/{amendment_id}",
                "/api/amendments/{amendment_id}/versions",
                "/api/amendments/{amendment_id}/steps",
                // A compilation and a picks preview need a round, which the text-only demo has not
                // (tests/amendments.rs reads them on the whole demo).
                "/api/drafts/{draft_id}/revisions/{number}/compilation",
                "/api/drafts/{draft_id}/revisions/{number}/picks/preview",
            ];
            let has_get = paths[path.as_str()]["get"].is_object();
            if !has_get || path.starts_with("/api/redline") || path.ends_with("/export") || needs_more.contains(&path.as_str()) {
                continue;
            }
            let concrete = path
                .replace("{process_id}", accord_demo::PROCESS_ID)
                .replace("{draft_id}", "gcm")
                .replace("{track_id}", "migration")
                .replace("{number}", "1")
                .replace("{eid}", CHANGED_EID);
            assert_eq!(app.get(&concrete).await.status().as_u16(), 200, "GET {concrete}");
        }
    }
}
