//! Amendments on the web and in the API, black-box over the whole demonstration (parties, their accreditations,
//! the sixty amendments of round 1 on gcm/0, Rev.1 made from their picks, and round 4 open on Rev.1), each test
//! on SQLite and on PostgreSQL: tabling through the form as a participant's delegate (and refused for an
//! observer's), co-sponsors joining and leaving, revisions keeping every version, withdrawal, drafts seen by their
//! delegation only, the compilation page with attributed brackets and its filters, its Akoma Ntoso (validated by
//! xmllint against the official schema) and Word (read by python-docx) downloads, picks refused on an overlap,
//! and the publication of the next revision whose redline names its amendments; then the same through the API.
//!
//! Expected values are worked out apart from the code under test: words cut from the stored paragraph text,
//! labels from the registry's party names, counts from the store's own rows, the new text by `str::replacen`.

mod helpers;

use accord_server::auth::REFUSED_BY_TABLE;
use accord_store::{
    test_on_both_databases, AmendmentQuery, AmendmentStatus, DelegationRole, NewAmendment, ProcessRole,
    Round, Status, Store,
};
use accord_text::amendment::{Proposal, Words};
use accord_text::EId;
use helpers::{spawn_app, TestApp, TEST_PASSWORD};
use serde_json::{json, Value};
use time::macros::datetime;

/// Round 4 of the demonstration: open on Rev.1 (gcm/1) for ninety days from the load.
const OPEN_ROUND: &str = "4";
/// An action of objective 2 that the demonstration's Rev.1 leaves as it was.
const ACTION: &str = "sec_3__obj_2__para_1__point_a";
/// Another one.
const OTHER_ACTION: &str = "sec_3__obj_2__para_1__point_b";

/// The whole demonstration, then the application.
async fn spawn_full_demo_app(store: Store) -> TestApp {
    accord_demo::load(&store).await.expect("the demonstration loads");
    spawn_app(store).await
}

/// The parties of the migration track with `status`, by id.
async fn parties_with(app: &TestApp, status: Status) -> Vec<String> {
    let mut parties: Vec<String> = app
        .store
        .accreditations(Some("migration"), None)
        .await
        .unwrap()
        .into_iter()
        .filter(|accreditation| accreditation.status == status)
        .map(|accreditation| accreditation.party_id)
        .collect();
    parties.sort();
    parties
}

/// A participant party whose registry name needs no HTML escaping, other than those in `besides`.
async fn plain_participant(app: &TestApp, besides: &[&str]) -> String {
    for party in parties_with(app, Status::Participant).await {
        let name = app.store.party(&party).await.unwrap().name;
        if !besides.contains(&party.as_str()) && name.chars().all(|c| c.is_alphanumeric() || c == ' ') {
            return party;
        }
    }
    panic!("the demonstration has a participant with a plain name");
}

/// A user in `party`'s delegation, signed in through the form: `(cookie, csrf)`.
async fn delegate_of(app: &TestApp, email: &str, party: &str) -> (String, String) {
    let user = app.user(email).await;
    app.store
        .add_delegation_member(accord_demo::PROCESS_ID, user.user_id, party, DelegationRole::Delegate, "test")
        .await
        .unwrap();
    app.sign_in(email, TEST_PASSWORD).await
}

/// An API token of a user in `party`'s delegation.
async fn delegate_token(app: &TestApp, email: &str, party: &str) -> String {
    let user = app.user(email).await;
    app.store
        .add_delegation_member(accord_demo::PROCESS_ID, user.user_id, party, DelegationRole::Delegate, "test")
        .await
        .unwrap();
    app.store.create_api_token(user.user_id, "test").await.unwrap().1.expose().to_owned()
}

/// A co-facilitator of the migration track, signed in: `(cookie, csrf)`.
async fn co_facilitator(app: &TestApp) -> (String, String) {
    let user = app.user("cofacilitator@example.org").await;
    app.store
        .grant_process_role(
            accord_demo::PROCESS_ID,
            Some("migration"),
            user.user_id,
            ProcessRole::CoFacilitator,
        )
        .await
        .unwrap();
    app.sign_in("cofacilitator@example.org", TEST_PASSWORD).await
}

/// The first `n` words of a paragraph's text in `revision`, checked to occur once in it.
async fn first_words(app: &TestApp, revision: &str, eid: &str, n: usize) -> (String, String) {
    let text = app.store.paragraph(&revision.parse().unwrap(), eid).await.unwrap().text;
    let words = text.split(' ').take(n).collect::<Vec<_>>().join(" ");
    assert_eq!(text.matches(&words).count(), 1, "`{words}` occurs once in {eid}");
    (text, words)
}

/// The number of the amendment a redirect names: `/amendments/N`.
fn amendment_id_of(response: &reqwest::Response) -> i64 {
    let location = response.headers().get("location").expect("a redirect").to_str().unwrap();
    location.strip_prefix("/amendments/").expect("to the amendment page").parse().unwrap()
}

/// How many amendments the store holds.
async fn n_amendments(app: &TestApp) -> usize {
    app.store.amendments(&AmendmentQuery::default()).await.unwrap().len()
}

/// Text as askama escapes it in HTML.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('\'', "&#39;")
        .replace('"', "&#34;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
}

/// Validates Akoma Ntoso with xmllint against the official schema in `../shared`.
fn xmllint_validates(xml: &[u8]) -> (bool, String) {
    let schema = format!("{}/schemas/akn/akomantoso30.xsd", helpers::SHARED);
    let path = std::env::temp_dir().join(format!(
        "accord-compilation-{}-{:?}.xml",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, xml).unwrap();
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", &schema])
        .arg(&path)
        .output()
        .expect("xmllint runs (Debian package libxml2-utils)");
    let _ = std::fs::remove_file(&path);
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// The paragraphs of a Word file as python-docx reads them.
fn python_docx_paragraphs(bytes: &[u8]) -> Vec<String> {
    let path = std::env::temp_dir().join(format!(
        "accord-compilation-{}-{:?}.docx",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, bytes).unwrap();
    let script =
        "import docx, json, sys\nprint(json.dumps([p.text for p in docx.Document(sys.argv[1]).paragraphs]))";
    let output =
        std::process::Command::new("python3").arg("-c").arg(script).arg(&path).output().expect(
            "python3 runs; python-docx is needed to read the Word file back: `pip install python-docx`",
        );
    let _ = std::fs::remove_file(&path);
    assert!(output.status.success(), "python-docx failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Every `A/N` a text names, sorted, each once.
fn amendments_named(text: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = text
        .split("A/")
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Every `#amendment-N` an Akoma Ntoso file refers to, sorted, each once.
fn amendments_referred_to(xml: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = xml
        .split("#amendment-")
        .skip(1)
        .filter_map(|rest| rest.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The comments of a Word file as python-docx reads them: `(author, text)`.
fn python_docx_comments(bytes: &[u8]) -> Vec<(String, String)> {
    let path = std::env::temp_dir().join(format!(
        "accord-redline-{}-{:?}.docx",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::write(&path, bytes).unwrap();
    let script = "import docx, json, sys\nprint(json.dumps([[c.author, c.text] for c in docx.Document(sys.argv[1]).comments]))";
    let output = std::process::Command::new("python3").arg("-c").arg(script).arg(&path).output().unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(output.status.success(), "python-docx failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

test_on_both_databases! {
    async fn a_participant_delegate_tables_through_the_form_and_the_compilation_shows_it_attributed(store) {
        let app = spawn_full_demo_app(store).await;
        let party = plain_participant(&app, &[]).await;
        let name = app.store.party(&party).await.unwrap().name;
        let (cookie, csrf) = delegate_of(&app, "delegate@example.org", &party).await;
        // The revision page offers the form for each paragraph while round 4 is open on Rev.1.
        let page = app.get_with_cookie("/drafts/gcm/revisions/1", &cookie).await.text().await.unwrap();
        let propose = format!("/drafts/gcm/revisions/1/amendments/new?round={OPEN_ROUND}&#38;eid={ACTION}");
        assert!(page.contains(&propose), "the revision page links {propose}");
        let form = app.get_with_cookie(&propose.replace("&#38;", "&"), &cookie).await;
        assert_eq!(form.status().as_u16(), 200);
        let (text, words) = first_words(&app, "gcm/1", ACTION, 3).await;
        assert!(form.text().await.unwrap().contains(&escaped(&text)), "the form shows the paragraph");

        // Words that are not in the paragraph: the form again, 422, nothing stored.
        let before = n_amendments(&app).await;
        let fields = |words: &str, action: &str| -> Vec<(String, String)> {
            [("csrf", csrf.as_str()), ("round", OPEN_ROUND), ("kind", "replace"), ("eid", ACTION), ("words", words),
             ("text", "Create"), ("justification", "Plainer words."), ("action", action)]
                .iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let send = |fields: Vec<(String, String)>| {
            let request = app.client.post(format!("{}/drafts/gcm/revisions/1/amendments", app.address)).header("cookie", cookie.clone()).form(&fields);
            async move { request.send().await.unwrap() }
        };
        let refused = send(fields("no such words", "table")).await;
        assert_eq!(refused.status().as_u16(), 422);
        let body = refused.text().await.unwrap();
        assert!(body.contains("no such words") && body.contains("Plainer words."), "the refusal names the words and keeps the form: {body}");
        assert_eq!(n_amendments(&app).await, before);

        let tabled = send(fields(&words, "table")).await;
        assert_eq!(tabled.status().as_u16(), 303);
        let id = amendment_id_of(&tabled);
        let page = app.get_with_cookie(&format!("/amendments/{id}"), &cookie).await.text().await.unwrap();
        assert!(page.contains("<dd id=\"status\">tabled"), "{page}");
        assert!(page.contains(&format!("<dd id=\"sponsor\">{name}</dd>")));

        // The compilation text of round 4: the words struck, the new ones inserted, the party and A/N after.
        let compilation = app.get_html(&format!("/drafts/gcm/revisions/1/compilation?round={OPEN_ROUND}")).await;
        assert!(compilation.contains(&format!("[deleted: </span>{}<span class=\"sr\">]</span></del> <ins><span class=\"sr\">[inserted: </span>Create<", escaped(&words))), "brackets at the words");
        assert!(compilation.contains(&format!("({name}: <a href=\"/amendments/{id}\">A/{id}</a>)")), "attributed: {name}, A/{id}");
        assert!(compilation.contains("1 of the 1 amendments of the round shown"));
        assert!(compilation.contains("no proposal"), "paragraphs without proposal are marked");

        // An observer's delegate is refused by the table.
        let observer = parties_with(&app, Status::Observer).await[0].clone();
        let (observer_cookie, observer_csrf) = delegate_of(&app, "observer@example.org", &observer).await;
        let mut observer_fields = fields(&words, "table");
        observer_fields[0].1 = observer_csrf;
        let response = app.client.post(format!("{}/drafts/gcm/revisions/1/amendments", app.address)).header("cookie", observer_cookie).form(&observer_fields).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 403);
        assert!(response.text().await.unwrap().contains(REFUSED_BY_TABLE));
        assert_eq!(n_amendments(&app).await, before + 1);
    }

    async fn co_sponsors_join_and_leave_revisions_keep_versions_and_drafts_stay_with_their_delegation(store) {
        let app = spawn_full_demo_app(store).await;
        let sponsor = plain_participant(&app, &[]).await;
        let other = plain_participant(&app, &[&sponsor]).await;
        let other_name = app.store.party(&other).await.unwrap().name;
        let (cookie, csrf) = delegate_of(&app, "sponsor@example.org", &sponsor).await;
        let (other_cookie, other_csrf) = delegate_of(&app, "other@example.org", &other).await;
        // The account page says which delegation the person is in.
        let account = app.get_with_cookie("/account", &other_cookie).await.text().await.unwrap();
        assert!(account.contains(&format!("delegate in the delegation of <a href=\"/processes/{}/parties/{other}\">{}</a>", accord_demo::PROCESS_ID, escaped(&other_name))), "{account}");
        let (_, words) = first_words(&app, "gcm/1", OTHER_ACTION, 2).await;
        let draft = app.post_form("/drafts/gcm/revisions/1/amendments", Some(&cookie), &[
            ("csrf", &csrf), ("round", OPEN_ROUND), ("kind", "delete"), ("eid", OTHER_ACTION), ("words", &words),
            ("justification", "Shorter."), ("action", "draft"),
        ]).await;
        assert_eq!(draft.status().as_u16(), 303);
        let id = amendment_id_of(&draft);
        let path = format!("/amendments/{id}");
        // A draft: its delegation sees it, no one else does.
        assert_eq!(app.get_with_cookie(&path, &cookie).await.status().as_u16(), 200);
        assert_eq!(app.get_with_cookie(&path, &other_cookie).await.status().as_u16(), 404);
        assert_eq!(app.get(&path).await.status().as_u16(), 404);
        // Only the sponsor's delegation tables it.
        let refused = app.post_form(&format!("{path}/table"), Some(&other_cookie), &[("csrf", &other_csrf)]).await;
        assert_eq!(refused.status().as_u16(), 404);
        assert_eq!(app.post_form(&format!("{path}/table"), Some(&cookie), &[("csrf", &csrf)]).await.status().as_u16(), 303);
        assert_eq!(app.store.amendment(id).await.unwrap().status, AmendmentStatus::Tabled);

        // Another participant joins as co-sponsor, then leaves.
        assert_eq!(app.post_form(&format!("{path}/co-sponsors"), Some(&other_cookie), &[("csrf", &other_csrf)]).await.status().as_u16(), 303);
        let page = app.get_html(&path).await;
        assert!(page.contains(&format!("<dd id=\"co-sponsors\">{other_name}</dd>")), "{page}");
        let again = app.post_form(&format!("{path}/co-sponsors"), Some(&other_cookie), &[("csrf", &other_csrf)]).await;
        assert_eq!(again.status().as_u16(), 409, "a co-sponsor already");
        assert_eq!(app.post_form(&format!("{path}/co-sponsors/leave"), Some(&other_cookie), &[("csrf", &other_csrf)]).await.status().as_u16(), 303);
        assert!(app.store.amendment(id).await.unwrap().co_sponsors.is_empty());

        // A revision keeps the first version.
        let revised = app.post_form(&format!("{path}/revise"), Some(&cookie), &[
            ("csrf", &csrf), ("kind", "replace"), ("eid", OTHER_ACTION), ("words", &words), ("text", "Shared"),
            ("justification", "Second thoughts."),
        ]).await;
        assert_eq!(revised.status().as_u16(), 303);
        let versions = app.store.amendment_versions(id).await.unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0].proposal, Proposal::DeleteWords { eid: EId::parse(OTHER_ACTION).unwrap(), words: Words::new(words.clone()) });
        assert_eq!(versions[1].justification, "Second thoughts.");
        let page = app.get_html(&path).await;
        assert!(page.contains(&format!("delete “{}” in {OTHER_ACTION}", escaped(&words))), "the first version is listed");

        // Withdrawn, with its reason in the history.
        let withdrawn = app.post_form(&format!("{path}/withdraw"), Some(&cookie), &[("csrf", &csrf), ("reason", "Overtaken.")]).await;
        assert_eq!(withdrawn.status().as_u16(), 303);
        let steps: Vec<String> = app.store.amendment_steps(id).await.unwrap().into_iter().map(|step| step.action).collect();
        assert_eq!(steps, ["drafted", "tabled", "co_sponsor_joined", "co_sponsor_withdrew", "revised", "withdrawn"]);
        let twice = app.post_form(&format!("{path}/withdraw"), Some(&cookie), &[("csrf", &csrf), ("reason", "")]).await;
        assert_eq!(twice.status().as_u16(), 409);
        assert!(twice.text().await.unwrap().contains("withdrawn"));
    }

    async fn the_compilation_of_round_1_is_attributed_filtered_and_downloads_as_valid_akn_and_docx(store) {
        let app = spawn_full_demo_app(store).await;
        let records = app.store.amendments(&AmendmentQuery {
            draft_id: Some("gcm".into()), revision: Some(0), round: Some(1),
            statuses: vec![AmendmentStatus::Merged, AmendmentStatus::MergedInPart, AmendmentStatus::NotRetained, AmendmentStatus::Tabled],
            party_id: None,
        }).await.unwrap();
        let page = app.get_html("/drafts/gcm/revisions/0/compilation?round=1").await;
        assert!(page.contains(&format!("{0} of the {0} amendments of the round shown", records.len())), "every amendment");
        // An amendment with four parties or more reads "A, B and N others" with the registry's names.
        let many = records.iter().find(|record| record.parties().count() >= 4).expect("an amendment of four parties or more");
        let parties: Vec<String> = many.parties().map(str::to_owned).collect();
        let a = app.store.party(&parties[0]).await.unwrap().name;
        let b = app.store.party(&parties[1]).await.unwrap().name;
        let label = format!("{}, {} and {} others", escaped(&a), escaped(&b), parties.len() - 2);
        assert!(page.contains(&label), "the page attributes `{label}`");
        assert!(page.contains(&format!("<a href=\"/amendments/{0}\">A/{0}</a>", many.amendment_id)));

        // Filters: one party's amendments, one kind.
        let party = &records[0].sponsor;
        let n_party = records.iter().filter(|record| record.parties().any(|p| p == party)).count();
        let filtered = app.get_html(&format!("/drafts/gcm/revisions/0/compilation?round=1&party={party}")).await;
        assert!(filtered.contains(&format!("{n_party} of the {} amendments of the round shown", records.len())), "party {party}");
        let n_deletions = records.iter().filter(|record| matches!(record.proposal, Proposal::DeleteElement { .. })).count();
        let kind = app.get_html("/drafts/gcm/revisions/0/compilation?round=1&kind=delete-element").await;
        assert!(kind.contains(&format!("{n_deletions} of the {} amendments", records.len())));
        let objective = app.get_html("/drafts/gcm/revisions/0/compilation?round=1&objective=sec_3__obj_15").await;
        assert!(!objective.contains("id=\"sec_3__obj_1__para_1\""), "objective 1 is left out");
        assert!(objective.contains("id=\"sec_3__obj_15__para_1\""));
        let bad = app.get("/drafts/gcm/revisions/0/compilation?round=1&kind=rewrite").await;
        assert_eq!(bad.status().as_u16(), 422);
        let unknown = app.get("/drafts/gcm/revisions/0/compilation?round=1&objective=sec_99").await;
        assert_eq!(unknown.status().as_u16(), 422, "an objective that is not in the revision");

        // The draft's page lists the rounds with a link to each compilation text.
        let history = app.get_html("/drafts/gcm").await;
        assert!(history.contains("/drafts/gcm/revisions/0/compilation?round=1"));
        assert!(history.contains(&format!("/drafts/gcm/revisions/1/compilation?round={OPEN_ROUND}")));

        // Downloads.
        let akn = app.get("/drafts/gcm/revisions/0/compilation/export/akn?round=1").await;
        assert_eq!(akn.status().as_u16(), 200);
        let xml = akn.bytes().await.unwrap();
        let (valid, messages) = xmllint_validates(&xml);
        assert!(valid, "the compilation's Akoma Ntoso validates: {messages}");
        assert!(String::from_utf8_lossy(&xml).contains(&format!("#amendment-{}", many.amendment_id)));
        let docx = app.get("/drafts/gcm/revisions/0/compilation/export/docx?round=1").await;
        assert_eq!(docx.status().as_u16(), 200);
        let paragraphs = python_docx_paragraphs(&docx.bytes().await.unwrap());
        assert!(paragraphs.iter().any(|text| text.contains("Compilation text")), "the title block");
        let html = app.get("/drafts/gcm/revisions/0/compilation/export/html?round=1").await;
        assert!(html.text().await.unwrap().contains(&label));
    }

    async fn picks_refuse_an_overlap_and_publishing_makes_a_revision_whose_redline_names_its_amendments(store) {
        let app = spawn_full_demo_app(store).await;
        // Round 5 on Rev.1, its deadline passed, with three amendments tabled through the store: two on the
        // same words (they overlap), one elsewhere.
        app.store.add_round(&Round {
            track_id: "migration".into(), number: 5, title: "Fifth round".into(), opens_on: "2019-01-01".into(),
            deadline: "2019-02-01T00:00:00Z".into(),
        }, "test").await.unwrap();
        let first = plain_participant(&app, &[]).await;
        let second = plain_participant(&app, &[&first]).await;
        let (text, words) = first_words(&app, "gcm/1", ACTION, 3).await;
        let (other_text, other_words) = first_words(&app, "gcm/1", OTHER_ACTION, 2).await;
        let middle = words.split(' ').nth(1).unwrap().to_owned();
        let table = |sponsor: &str, eid: &str, words: &str, by: &str| NewAmendment {
            draft_id: "gcm".into(), revision: 1, round: 5, sponsor: sponsor.into(), co_sponsors: vec![],
            proposal: Proposal::ReplaceWords { eid: EId::parse(eid).unwrap(), words: Words::new(words), by: by.into() },
            justification: "Test.".into(), table: true,
        };
        let at = datetime!(2019-01-10 12:00 UTC);
        let a = app.store.create_amendment(&table(&first, ACTION, &words, "Create"), "test", at).await.unwrap().amendment_id;
        // The middle word occurs in the first three words; the test picks its first occurrence, inside A's words.
        let mut overlapping = table(&second, ACTION, &middle, "plus");
        if let Proposal::ReplaceWords { words, .. } = &mut overlapping.proposal {
            *words = Words::nth(middle.clone(), 1);
        }
        let b = app.store.create_amendment(&overlapping, "test", at).await.unwrap().amendment_id;
        let c = app.store.create_amendment(&table(&second, OTHER_ACTION, &other_words, "Bridged"), "test", at).await.unwrap().amendment_id;

        let (cookie, csrf) = co_facilitator(&app).await;
        let picks = app.get_with_cookie("/drafts/gcm/revisions/1/picks?round=5", &cookie).await;
        assert_eq!(picks.status().as_u16(), 200);
        let page = picks.text().await.unwrap();
        assert!(page.contains(&format!("<a href=\"#A{a}\">A/{a}</a>")), "B's row names its overlap with A");
        let pick = |id: i64, bridging: &str| {
            let fields = vec![("csrf".to_owned(), csrf.clone()), ("return_to".to_owned(), "picks".to_owned()), ("bridging".to_owned(), bridging.to_owned())];
            let request = app.client.post(format!("{}/amendments/{id}/pick", app.address)).header("cookie", cookie.clone()).form(&fields);
            async move { request.send().await.unwrap() }
        };
        assert_eq!(pick(a, "").await.status().as_u16(), 303);
        let refused = pick(b, "").await;
        assert_eq!(refused.status().as_u16(), 409);
        assert!(refused.text().await.unwrap().contains(&format!("A/{b} overlaps A/{a}, picked already")));
        assert!(app.store.amendment(b).await.unwrap().pick.is_none());
        assert_eq!(pick(c, "Jointly").await.status().as_u16(), 303);
        let preview = app.get_with_cookie("/drafts/gcm/revisions/1/picks?round=5", &cookie).await.text().await.unwrap();
        assert!(preview.contains(&format!("<a href=\"/amendments/{a}\">A/{a}</a>")) && preview.contains("Publish Rev.2"));

        let published = app.post_form("/drafts/gcm/revisions/1/picks/publish", Some(&cookie), &[
            ("csrf", &csrf), ("round", "5"), ("label", "Rev.2"), ("date", "2019-02-10"), ("note", "From round 5."),
        ]).await;
        assert_eq!(published.status().as_u16(), 303);
        assert_eq!(published.headers()["location"], "/drafts/gcm/redline?from=1&to=2");
        let new_text = app.store.paragraph(&"gcm/2".parse().unwrap(), ACTION).await.unwrap().text;
        assert_eq!(new_text, text.replacen(&words, "Create", 1));
        let other_new = app.store.paragraph(&"gcm/2".parse().unwrap(), OTHER_ACTION).await.unwrap().text;
        assert_eq!(other_new, other_text.replacen(&other_words, "Jointly", 1));
        assert_eq!(app.store.amendment(a).await.unwrap().status, AmendmentStatus::Merged);
        assert_eq!(app.store.amendment(b).await.unwrap().status, AmendmentStatus::NotRetained);
        assert_eq!(app.store.amendment(c).await.unwrap().status, AmendmentStatus::MergedInPart);

        let redline = app.get_html("/drafts/gcm/redline?from=1&to=2").await;
        for id in [a, c] {
            assert!(redline.contains(&format!("<a href=\"/amendments/{id}\">A/{id}</a>")), "the redline names A/{id}");
        }
        assert!(!redline.contains(&format!("/amendments/{b}\"")));
        let json = app.get_json("/api/redline?from=gcm/1&to=gcm/2").await;
        let mut named: Vec<i64> = json["changes"].as_array().unwrap().iter()
            .flat_map(|change| change["amendments"].as_array().cloned().unwrap_or_default())
            .map(|id| id.as_i64().unwrap()).collect();
        named.sort();
        assert_eq!(named, [a, c]);
    }

    async fn the_api_creates_tables_revises_compiles_and_imports(store) {
        let app = spawn_full_demo_app(store).await;
        let party = plain_participant(&app, &[]).await;
        let token = delegate_token(&app, "api@example.org", &party).await;
        let (text, anchor) = first_words(&app, "gcm/1", ACTION, 2).await;
        let create = app.client.post(format!("{}/api/drafts/gcm/revisions/1/amendments", app.address)).bearer_auth(&token)
            .json(&json!({"round": 4, "kind": "insert", "eid": ACTION, "words": anchor, "position": "after",
                          "text": "and local", "justification": "Cities.", "table": false}))
            .send().await.unwrap();
        assert_eq!(create.status().as_u16(), 201);
        let created: Value = create.json().await.unwrap();
        assert_eq!(created["status"], "draft");
        let id = created["id"].as_i64().unwrap();
        assert_eq!(app.get(&format!("/api/amendments/{id}")).await.status().as_u16(), 404, "a draft is hidden");
        let listed = app.get_json("/api/amendments?draft=gcm&round=4").await;
        assert!(listed.as_array().unwrap().is_empty(), "nor listed to others");

        let post = |path: String, body: Value| {
            let request = app.client.post(format!("{}{path}", app.address)).bearer_auth(&token).json(&body);
            async move { request.send().await.unwrap() }
        };
        assert_eq!(post(format!("/api/amendments/{id}/table"), json!({})).await.status().as_u16(), 200);
        let revised = post(format!("/api/amendments/{id}/revise"), json!({"kind": "insert", "eid": ACTION, "words": anchor, "text": "and local authorities", "justification": "Clearer."})).await;
        assert_eq!(revised.status().as_u16(), 200);
        let one = app.get_json(&format!("/api/amendments/{id}")).await;
        assert_eq!(one["version"], 2);
        assert_eq!(one["versions"].as_array().unwrap().len(), 2);
        assert_eq!(one["versions"][0]["proposal"]["text"], "and local");
        let bad = post(format!("/api/amendments/{id}/revise"), json!({"kind": "insert", "eid": ACTION, "words": "no such words", "text": "x", "justification": "x"})).await;
        assert_eq!(bad.status().as_u16(), 422);
        assert_eq!(bad.json::<Value>().await.unwrap()["field"], "words");

        // The compilation as JSON: the proposal with its amendment and party.
        let compilation = app.get_json("/api/drafts/gcm/revisions/1/compilation?round=4").await;
        let element = compilation["elements"].as_array().unwrap().iter().find(|element| element["eid"] == ACTION).unwrap();
        let proposal = element["segments"].as_array().unwrap().iter().find(|segment| segment["kind"] == "proposal").unwrap();
        assert_eq!(proposal["text"], anchor);
        assert_eq!(proposal["proposals"][0]["ids"], json!([id]));
        assert_eq!(proposal["proposals"][0]["parties"], json!([party]));
        assert_eq!(proposal["proposals"][0]["new_words"], format!("{anchor} and local authorities"));
        assert_eq!(compilation["parties"][&party], app.store.party(&party).await.unwrap().name);
        assert!(text.starts_with(&anchor));
        let akn = app.get("/api/drafts/gcm/revisions/1/compilation?round=4&format=akn").await;
        let (valid, messages) = xmllint_validates(&akn.bytes().await.unwrap());
        assert!(valid, "{messages}");

        // The CSV import: the secretariat's, all rows or none.
        let secretariat = app.secretariat_token().await;
        let import = |csv: &'static str| {
            let request = app.client.post(format!("{}/api/amendments/import", app.address)).bearer_auth(&secretariat)
                .header("content-type", "text/csv").body(csv);
            async move { request.send().await.unwrap() }
        };
        let before = n_amendments(&app).await;
        let bad = import("revision,round,sponsor,kind,eid,words,text,justification\n\
            gcm/0,1,new-york-city,replace,sec_3__obj_15__para_1,no such words,x,Bad.\n").await;
        assert_eq!(bad.status().as_u16(), 422);
        let body: Value = bad.json().await.unwrap();
        assert!(body["message"].as_str().unwrap().contains("row 2, column `"), "{body}");
        assert_eq!(n_amendments(&app).await, before);
        let refused = app.client.post(format!("{}/api/amendments/import", app.address)).bearer_auth(&token)
            .header("content-type", "text/csv").body("revision\n").send().await.unwrap();
        assert_eq!(refused.status().as_u16(), 403, "a delegate does not import");

        // An observer's delegate may not propose.
        let observer = parties_with(&app, Status::Observer).await[0].clone();
        let observer_token = delegate_token(&app, "observer-api@example.org", &observer).await;
        let refused = app.client.post(format!("{}/api/drafts/gcm/revisions/1/amendments", app.address)).bearer_auth(&observer_token)
            .json(&json!({"round": 4, "kind": "delete", "eid": ACTION, "words": anchor, "justification": "x"}))
            .send().await.unwrap();
        assert_eq!(refused.status().as_u16(), 403);
    }

    async fn every_format_of_the_redline_of_rev_1_names_the_amendments_merged_into_it(store) {
        let app = spawn_full_demo_app(store).await;
        // The amendments of round 1 merged (whole or in part) into Rev.1, from the store's own rows.
        let mut merged: Vec<i64> = app.store.amendments(&AmendmentQuery::default()).await.unwrap().into_iter()
            .filter(|record| record.merged_into == Some(1))
            .map(|record| record.amendment_id)
            .collect();
        merged.sort_unstable();
        assert!(merged.len() > 5, "the demonstration merges amendments into Rev.1: {merged:?}");

        let term = app.get("/drafts/gcm/redline/export/term?from=0&to=1").await.text().await.unwrap();
        assert_eq!(amendments_named(&term), merged, "{term}");
        assert!(term.contains("(modified; from A/"), "{term}");
        // Each change of words names its own amendment after it, in braces; an element inserted or deleted
        // whole names its amendment in its header.
        let braced = term.split('{').skip(1).map(|part| part.split('}').next().unwrap());
        let whole = term.lines().filter(|line| line.contains("(inserted; from") || line.contains("(deleted; from"));
        let named = braced.chain(whole).collect::<Vec<_>>().join(" ");
        assert_eq!(amendments_named(&named), merged);

        let akn = app.get("/drafts/gcm/redline/export/akn?from=0&to=1").await.bytes().await.unwrap();
        let (valid, messages) = xmllint_validates(&akn);
        assert!(valid, "{messages}");
        let akn = String::from_utf8(akn.to_vec()).unwrap();
        assert_eq!(amendments_referred_to(&akn), merged);
        for id in &merged {
            assert!(akn.contains(&format!("<TLCConcept eId=\"amendment-{id}\"")), "A/{id} is declared");
        }
        assert!(akn.contains("<ins refersTo=\"#amendment-"), "an insertion names its amendment");

        let docx = app.get("/drafts/gcm/redline/export/docx?from=0&to=1").await.bytes().await.unwrap();
        let comments = python_docx_comments(&docx);
        let texts: String = comments.iter().map(|(_, text)| format!("{text}\n")).collect();
        assert_eq!(amendments_named(&texts), merged, "{texts}");
        let author = app.store.revision(&"gcm/1".parse().unwrap()).await.unwrap().summary.author;
        assert!(comments.iter().all(|(by, text)| by == &author && text.starts_with("From A/")), "{comments:?}");
        // One comment per change, not per paragraph: objective 15 (c) has two changes by two amendments, and
        // every change of the demonstration's Rev.1 comes from one amendment.
        assert!(comments.iter().all(|(_, text)| amendments_named(text).len() == 1), "{comments:?}");
        assert!(comments.len() > merged.len(), "{comments:?}");

        let html = app.get("/drafts/gcm/redline/export/html?from=0&to=1").await.text().await.unwrap();
        assert_eq!(amendments_named(&html), merged);

        // A pair that is not a revision and the one made from it names none.
        let term = app.get("/drafts/gcm/redline/export/term?from=0&to=0").await.text().await.unwrap();
        assert!(amendments_named(&term).is_empty());
    }

    async fn the_secretariat_opens_rounds_and_sets_the_least_number_of_co_sponsors(store) {
        let app = spawn_full_demo_app(store).await;
        let secretariat = app.secretariat_token().await;
        let post = |token: String, path: &'static str, body: Value| {
            let request = app.client.post(format!("{}{path}", app.address)).bearer_auth(token).json(&body);
            async move { request.send().await.unwrap() }
        };
        let listed = app.get_json("/api/tracks/migration/rounds").await;
        let n_rounds = app.store.rounds("migration").await.unwrap().len();
        assert_eq!(listed["rounds"].as_array().unwrap().len(), n_rounds);
        assert_eq!(listed["min_co_sponsors"], 0);

        // Bad fields are refused, each named, and nothing is added.
        for (body, field) in [
            (json!({"title": "R", "opens_on": "2031-13-01", "deadline": "2031-01-15T17:00:00Z"}), "opens_on"),
            (json!({"title": "R", "opens_on": "2031-01-01", "deadline": "15 January 2027"}), "deadline"),
            (json!({"title": "R", "opens_on": "2031-02-01", "deadline": "2031-01-15T17:00:00Z"}), "deadline"),
            (json!({"title": " ", "opens_on": "2031-01-01", "deadline": "2031-01-15T17:00:00Z"}), "title"),
        ] {
            let refused = post(secretariat.clone(), "/api/tracks/migration/rounds", body.clone()).await;
            assert_eq!(refused.status().as_u16(), 422, "{body}");
            assert_eq!(refused.json::<Value>().await.unwrap()["field"], field, "{body}");
        }
        assert_eq!(app.store.rounds("migration").await.unwrap().len(), n_rounds);
        // Nor may a round run while the open round 4 runs.
        let open = app.store.round("migration", 4).await.unwrap();
        let overlapping = post(secretariat.clone(), "/api/tracks/migration/rounds",
            json!({"title": "R", "opens_on": open.opens_on, "deadline": "2031-01-15T17:00:00Z"})).await;
        assert_eq!(overlapping.status().as_u16(), 422);
        let body: Value = overlapping.json().await.unwrap();
        assert_eq!(body["field"], "opens_on");
        assert!(body["message"].as_str().unwrap().contains("round 4 ("), "{body}");
        assert_eq!(app.store.rounds("migration").await.unwrap().len(), n_rounds);

        // The next round, numbered after the last, its deadline kept in UTC.
        let opened = post(secretariat.clone(), "/api/tracks/migration/rounds",
            json!({"title": "Round 5: amendments to Rev.1", "opens_on": "2031-01-01", "deadline": "2031-01-15T18:00:00+01:00"})).await;
        assert_eq!(opened.status().as_u16(), 201);
        let opened: Value = opened.json().await.unwrap();
        assert_eq!(opened["number"], n_rounds as i64 + 1);
        assert_eq!(opened["deadline"], "2031-01-15T17:00:00Z");

        // Only the secretariat.
        let party = plain_participant(&app, &[]).await;
        let delegate = delegate_token(&app, "rounds@example.org", &party).await;
        let refused = post(delegate.clone(), "/api/tracks/migration/rounds",
            json!({"title": "Mine", "opens_on": "2031-01-01", "deadline": "2031-01-15T17:00:00Z"})).await;
        assert_eq!(refused.status().as_u16(), 403);
        assert_eq!(post(delegate.clone(), "/api/tracks/migration/min-co-sponsors", json!({"min_co_sponsors": 3})).await.status().as_u16(), 403);

        // The least number of co-sponsors: a negative one refused, 2 kept, and tabling alone then refused.
        let refused = post(secretariat.clone(), "/api/tracks/migration/min-co-sponsors", json!({"min_co_sponsors": -1})).await;
        assert_eq!(refused.status().as_u16(), 422);
        assert_eq!(refused.json::<Value>().await.unwrap()["field"], "min_co_sponsors");
        // A method a route does not take is answered as the API's JSON error too.
        let wrong_method = app.client.delete(format!("{}/api/tracks/migration/rounds", app.address)).bearer_auth(&secretariat).send().await.unwrap();
        assert_eq!(wrong_method.status().as_u16(), 405);
        let body: Value = wrong_method.json().await.unwrap();
        assert_eq!(body["status"], 405);
        // An array is no object, though serde would read one as such.
        let array = app.client.post(format!("{}/api/tracks/migration/min-co-sponsors", app.address)).bearer_auth(&secretariat)
            .header("content-type", "application/json").body("[1]").send().await.unwrap();
        assert_eq!(array.status().as_u16(), 422);
        assert_eq!(array.json::<Value>().await.unwrap()["message"], "the body must be a JSON object, not an array");
        assert_eq!(app.store.min_co_sponsors("migration").await.unwrap(), 0);
        // A body of the wrong type is refused as the API's JSON error, naming the field.
        let refused = post(secretariat.clone(), "/api/tracks/migration/min-co-sponsors", json!({"min_co_sponsors": "two"})).await;
        assert_eq!(refused.status().as_u16(), 422);
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["status"], 422);
        assert!(body["message"].as_str().unwrap().contains("min_co_sponsors"), "{body}");
        let set = post(secretariat.clone(), "/api/tracks/migration/min-co-sponsors", json!({"min_co_sponsors": 2})).await;
        assert_eq!(set.status().as_u16(), 200);
        assert_eq!(app.get_json("/api/tracks/migration/rounds").await["min_co_sponsors"], 2);
        let (_, anchor) = first_words(&app, "gcm/1", ACTION, 2).await;
        let alone = app.client.post(format!("{}/api/drafts/gcm/revisions/1/amendments", app.address)).bearer_auth(&delegate)
            .json(&json!({"round": 4, "kind": "insert", "eid": ACTION, "words": anchor, "position": "after",
                          "text": "and local", "justification": "Cities.", "table": true}))
            .send().await.unwrap();
        assert_eq!(alone.status().as_u16(), 409);
        assert!(alone.text().await.unwrap().contains("needs at least 2 co-sponsors"));

        // The track page: the rule for everyone, the forms for the secretariat, a refusal shown with its field.
        let page = app.get_html("/tracks/migration").await;
        assert!(page.contains("An amendment needs at least 2 co-sponsors to be tabled in this track."));
        assert!(!page.contains("action=\"/tracks/migration/rounds\""), "no form for an anonymous visitor");
        let user = app.user("secretariat-pages@example.org").await;
        app.store.grant_process_role(accord_demo::PROCESS_ID, None, user.user_id, ProcessRole::Secretariat).await.unwrap();
        let (cookie, csrf) = app.sign_in("secretariat-pages@example.org", TEST_PASSWORD).await;
        let page = app.get_with_cookie("/tracks/migration", &cookie).await.text().await.unwrap();
        assert!(page.contains("action=\"/tracks/migration/rounds\"") && page.contains("action=\"/tracks/migration/min-co-sponsors\""));
        let refused = app.post_form("/tracks/migration/rounds", Some(&cookie), &[
            ("csrf", &csrf), ("title", "Round 6"), ("opens_on", "2031-03-01"), ("deadline", "2031-02-01T17:00"),
        ]).await;
        assert_eq!(refused.status().as_u16(), 422);
        let page = refused.text().await.unwrap();
        assert!(page.contains("round `deadline`: 2031-02-01T17:00:00Z is before the opening day 2031-03-01"), "{page}");
        assert!(page.contains("value=\"Round 6\""), "the form keeps what was sent");
        let opened = app.post_form("/tracks/migration/rounds", Some(&cookie), &[
            ("csrf", &csrf), ("title", "Round 6"), ("opens_on", "2031-03-01"), ("deadline", "2031-03-20T17:00"),
        ]).await;
        assert_eq!(opened.status().as_u16(), 303);
        let last = app.store.rounds("migration").await.unwrap().pop().unwrap();
        assert_eq!((last.number, last.title.as_str(), last.deadline.as_str()), (n_rounds as i64 + 2, "Round 6", "2031-03-20T17:00:00Z"));
        let set = app.post_form("/tracks/migration/min-co-sponsors", Some(&cookie), &[("csrf", &csrf), ("min_co_sponsors", "0")]).await;
        assert_eq!(set.status().as_u16(), 303);
        assert_eq!(app.store.min_co_sponsors("migration").await.unwrap(), 0);
        let refused = app.post_form("/tracks/migration/min-co-sponsors", Some(&cookie), &[("csrf", &csrf), ("min_co_sponsors", "two")]).await;
        assert_eq!(refused.status().as_u16(), 422);
    }

    async fn a_named_co_sponsor_is_told_by_e_mail_once_the_amendment_is_tabled_and_may_leave(store) {
        let app = spawn_full_demo_app(store).await;
        let sponsor = plain_participant(&app, &[]).await;
        let named = plain_participant(&app, &[&sponsor]).await;
        let sponsor_token = delegate_token(&app, "sponsor@example.org", &sponsor).await;
        let named_token = delegate_token(&app, "named@example.org", &named).await;
        let (_, anchor) = first_words(&app, "gcm/1", ACTION, 2).await;
        let post = |token: &str, path: String, body: Value| {
            let request = app.client.post(format!("{}{path}", app.address)).bearer_auth(token).json(&body);
            async move { request.send().await.unwrap() }
        };
        let to_named = |outbox: &[accord_store::account::OutboxEmail]| -> Vec<(String, String)> {
            outbox.iter().filter(|email| email.recipient.as_str() == "named@example.org")
                .map(|email| (email.subject.clone(), email.body.clone())).collect()
        };
        // The delegate sees its delegation in /api/me.
        let me: Value = app.client.get(format!("{}/api/me", app.address)).bearer_auth(&named_token).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["delegations"], json!([{"process": accord_demo::PROCESS_ID, "party": named, "role": "delegate"}]));
        // A draft naming the party tells no one; tabling it does.
        let created = post(&sponsor_token, "/api/drafts/gcm/revisions/1/amendments".into(),
            json!({"round": 4, "kind": "insert", "eid": ACTION, "words": anchor, "position": "after", "text": "and local",
                   "justification": "Cities.", "co_sponsors": [named], "table": false})).await;
        assert_eq!(created.status().as_u16(), 201);
        let id = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        assert!(to_named(&app.store.outbox().await.unwrap()).is_empty());
        assert_eq!(post(&sponsor_token, format!("/api/amendments/{id}/table"), json!({})).await.status().as_u16(), 200);
        let told = to_named(&app.store.outbox().await.unwrap());
        assert_eq!(told.len(), 1, "{told:?}");
        let named_name = app.store.party(&named).await.unwrap().name;
        let sponsor_name = app.store.party(&sponsor).await.unwrap().name;
        assert_eq!(told[0].0, format!("{named_name} is named co-sponsor of A/{id}"));
        assert!(told[0].1.starts_with(&format!("{sponsor_name} tabled A/{id} (")), "{}", told[0].1);
        assert!(told[0].1.contains(&format!("/amendments/{id}\n")), "{}", told[0].1);
        assert!(app.store.outbox().await.unwrap().iter().all(|email| email.recipient.as_str() != "sponsor@example.org"));
        // Co-sponsors named on a row the secretariat imports are told too.
        let secretariat = app.secretariat_token().await;
        let csv = format!("revision,round,sponsor,co_sponsors,kind,eid,words,text,justification\n\
            gcm/1,4,{sponsor},{named},replace,{ACTION},{anchor},Better words,Imported.\n");
        let imported = app.client.post(format!("{}/api/amendments/import", app.address)).bearer_auth(&secretariat)
            .header("content-type", "text/csv").body(csv).send().await.unwrap();
        assert_eq!(imported.status().as_u16(), 201);
        let imported_id = imported.json::<Value>().await.unwrap()["ids"][0].as_i64().unwrap();
        let told = to_named(&app.store.outbox().await.unwrap());
        assert_eq!(told.len(), 2, "{told:?}");
        assert_eq!(told[1].0, format!("{named_name} is named co-sponsor of A/{imported_id}"));
        // The named party did not agree: it leaves.
        assert_eq!(post(&named_token, format!("/api/amendments/{id}/co-sponsors/leave"), json!({})).await.status().as_u16(), 200);
        assert!(app.store.amendment(id).await.unwrap().co_sponsors.is_empty());
    }
}
