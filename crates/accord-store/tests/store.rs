//! The store's behaviour, each test run on SQLite and on PostgreSQL.

use accord_store::{
    test_on_both_databases, Draft, NewProcess, NewRevision, Process, RevisionRef, Store, StoreError, Track,
};

fn new_process(process_id: &str, draft_id: &str) -> NewProcess {
    NewProcess {
        process: Process {
            process_id: process_id.to_owned(),
            title: "A process".to_owned(),
            description: String::new(),
            is_demo: false,
        },
        tracks: vec![(
            Track {
                track_id: format!("{process_id}-track"),
                process_id: process_id.to_owned(),
                title: "Migration".to_owned(),
            },
            vec![Draft {
                draft_id: draft_id.to_owned(),
                track_id: format!("{process_id}-track"),
                title: "A draft".to_owned(),
            }],
        )],
    }
}

fn revision_ref(text: &str) -> RevisionRef {
    text.parse().unwrap()
}

test_on_both_databases! {
    async fn a_revision_is_stored_whole_and_read_back_unchanged(store) {
        let base = accord_demo::base_revision().unwrap();
        store.create_process(&new_process("p", "gcm")).await.unwrap();
        let summary = store
            .add_revision("gcm", &NewRevision { document: base.clone(), is_demo: false, note: "real".into() })
            .await
            .unwrap();
        assert_eq!(summary.number, 0);
        assert_eq!(summary.label, "Zero draft");
        assert_eq!(summary.date.to_string(), "2018-12-19");
        let revision = store.revision(&revision_ref("gcm/0")).await.unwrap();
        assert_eq!(revision.document, base);
        let paragraphs = store.paragraphs(&revision_ref("gcm/latest")).await.unwrap();
        assert_eq!(paragraphs.iter().filter(|paragraph| paragraph.element == "point").count(), 187);
        let point = store.paragraph(&revision_ref("gcm/0"), "sec_3__obj_15__para_1__point_c").await.unwrap();
        assert_eq!(point.num.as_deref(), Some("(c)"));
        assert!(point.text.starts_with("Establish and strengthen holistic and easily accessible service points"));
    }

    async fn revisions_are_numbered_in_order_and_a_paragraph_has_a_history(store) {
        accord_demo::load_text(&store).await.unwrap();
        accord_demo::load_text(&store).await.unwrap();
        let revisions = store.revisions("gcm").await.unwrap();
        let labels: Vec<(i64, &str, bool)> =
            revisions.iter().map(|revision| (revision.number, revision.label.as_str(), revision.is_demo)).collect();
        assert_eq!(labels, [(0, "Zero draft", false), (1, "Rev.1", true)]);
        let history = store.paragraph_history("gcm", "sec_3__obj_15__para_1").await.unwrap();
        assert_eq!(history.len(), 2);
        assert!(history[1].text.contains("together with local and regional authorities"));
        let deleted = store.paragraph_history("gcm", "sec_3__obj_1__para_1__point_k").await.unwrap();
        assert_eq!(deleted.iter().map(|paragraph| paragraph.number).collect::<Vec<_>>(), [0]);
    }

    async fn unknown_things_are_not_found_by_name(store) {
        let error = store.revision(&revision_ref("nothing/3")).await.unwrap_err();
        assert!(matches!(&error, StoreError::NotFound { what: "draft", key } if key == "nothing"), "{error}");
        store.create_process(&new_process("p", "gcm")).await.unwrap();
        let error = store.revision(&revision_ref("gcm/3")).await.unwrap_err();
        assert!(matches!(error, StoreError::NotFound { what: "revision", .. }), "{error}");
        let error = store.revision(&revision_ref("gcm")).await.unwrap_err();
        assert_eq!(error.to_string(), "no revision `gcm/latest`");
    }

    async fn a_clashing_process_is_a_conflict_and_stores_nothing(store) {
        store.create_process(&new_process("p", "gcm")).await.unwrap();
        // The second process's slug is new, but its draft's is taken: nothing of it may stay.
        let error = store.create_process(&new_process("q", "gcm")).await.unwrap_err();
        assert!(matches!(&error, StoreError::Conflict { what: "draft", key } if key == "gcm"), "{error}");
        assert!(matches!(store.process("q").await, Err(StoreError::NotFound { .. })));
        assert_eq!(store.processes().await.unwrap().len(), 1);
    }
}

#[test]
fn revision_references_parse_and_refuse_with_the_expected_form() {
    assert_eq!(revision_ref("gcm/2"), RevisionRef { draft_id: "gcm".into(), number: Some(2) });
    assert_eq!(revision_ref("gcm/latest"), RevisionRef { draft_id: "gcm".into(), number: None });
    assert_eq!(revision_ref("gcm"), RevisionRef { draft_id: "gcm".into(), number: None });
    for bad in ["", "gcm/x", "gcm/-1", "g m/1", "/1"] {
        let error = bad.parse::<RevisionRef>().unwrap_err();
        assert!(error.to_string().contains("expected DRAFT/NUMBER"), "{bad}: {error}");
    }
}

#[tokio::test]
async fn an_unknown_database_url_is_refused() {
    let error = Store::open("mysql://localhost/x").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "unsupported database URL `mysql://localhost/x`: expected sqlite:… or postgres://…"
    );
}
