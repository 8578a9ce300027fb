//! Accounts in the store, each test run on SQLite and on PostgreSQL: users and argon2id passwords, sessions,
//! API tokens, the outbox, throttling, invitations, password resets and process roles.

use accord_store::account::{EmailError, InvitedRole, NewInvitation, NewUser, PasswordError};
use accord_store::{
    test_on_both_databases, Draft, Email, NewProcess, Password, Process, ProcessRole, Store, StoreError,
    Token, Track,
};
use time::Duration;

fn email(text: &str) -> Email {
    Email::parse(text).expect("a valid address")
}

async fn alice(store: &Store) -> accord_store::User {
    store
        .create_user(&NewUser {
            email: email("Alice@Example.org"),
            display_name: "Alice Ng".to_owned(),
            password: Password::parse_new("correct horse battery").unwrap(),
        })
        .await
        .expect("alice is created")
}

async fn a_process(store: &Store) {
    store
        .create_process(&NewProcess {
            process: Process {
                process_id: "gcm".to_owned(),
                title: "A process".to_owned(),
                description: String::new(),
                is_demo: false,
            },
            tracks: vec![(
                Track {
                    track_id: "migration".to_owned(),
                    process_id: "gcm".to_owned(),
                    title: "Migration".to_owned(),
                },
                vec![Draft {
                    draft_id: "gcm".to_owned(),
                    track_id: "migration".to_owned(),
                    title: "Draft".to_owned(),
                }],
            )],
        })
        .await
        .expect("the process is created");
}

/// Checks an encoded hash with the reference C implementation of Argon2 (libargon2, the PHC winners' code),
/// through Python's ctypes: an oracle apart from the Rust crate that made the hash. `None` when libargon2 or
/// Python is missing on this machine.
fn reference_argon2id_verify(encoded: &str, password: &str) -> Option<bool> {
    let script = r#"
import ctypes, sys
library = ctypes.CDLL("libargon2.so.1")
encoded, password = sys.argv[1].encode(), sys.argv[2].encode()
# argon2_verify(encoded, pwd, pwdlen, type) with Argon2_id = 2; ARGON2_OK = 0
print(library.argon2_verify(encoded, password, len(password), 2))
"#;
    let output =
        std::process::Command::new("python3").args(["-c", script, encoded, password]).output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).trim() == "0")
}

#[test]
fn e_mail_addresses_are_lower_cased_and_malformed_ones_refused() {
    assert_eq!(email("  Alice@Example.ORG ").as_str(), "alice@example.org");
    assert_eq!(email("alice@example.org").masked(), "a***@example.org");
    assert_eq!(format!("{:?}", email("alice@example.org")), "Email(a***@example.org)");
    assert_eq!(Email::parse("  "), Err(EmailError::Empty));
    for (text, why) in [
        ("alice", "no @"),
        ("@example.org", "no local part"),
        ("alice@example", "no dot in the domain"),
        ("alice@@example.org", "two @"),
        ("al ice@example.org", "white space"),
        ("alice@example.", "domain ends with a dot"),
    ] {
        assert!(matches!(Email::parse(text), Err(EmailError::Malformed(_))), "{text}: {why}");
    }
}

#[test]
fn a_password_never_prints_and_a_new_one_needs_ten_characters() {
    let password = Password::new("hunter2 is my secret");
    assert_eq!(format!("{password:?}"), "***");
    assert_eq!(format!("{:?}", Token::generate()), "Token(***)");
    assert_eq!(Password::parse_new("short").unwrap_err(), PasswordError::TooShort { min: 10, found: 5 });
    assert!(Password::parse_new("ten chars!").is_ok());
}

#[test]
fn a_token_is_64_hex_digits_and_its_digest_is_the_sha256_of_its_text() {
    let token = Token::generate();
    assert_eq!(token.expose().len(), 64);
    assert!(token.expose().chars().all(|character| character.is_ascii_hexdigit()));
    assert_ne!(token, Token::generate());
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    assert_eq!(
        Token::from_client("abc").digest(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

test_on_both_databases! {
    async fn a_user_gets_an_argon2id_hash_that_the_reference_implementation_accepts(store) {
        let user = alice(&store).await;
        assert_eq!(user.email.as_str(), "alice@example.org");
        let hash = store.password_hash_of(user.user_id).await.unwrap();
        // The argon2 crate's defaults: 19 MiB, 2 passes, 1 lane (the OWASP minimum for argon2id).
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        if let Some(verdict) = reference_argon2id_verify(&hash, "correct horse battery") {
            assert!(verdict, "libargon2 accepts the right password");
            assert_eq!(reference_argon2id_verify(&hash, "wrong horse battery"), Some(false));
        }
    }

    async fn sign_in_takes_the_right_password_only_and_any_case_of_the_address(store) {
        let user = alice(&store).await;
        let right = Password::new("correct horse battery");
        let found = store.authenticate(&email("ALICE@example.org"), &right).await.unwrap();
        assert_eq!(found.map(|found| found.user_id), Some(user.user_id));
        assert_eq!(store.authenticate(&email("alice@example.org"), &Password::new("wrong")).await.unwrap(), None);
        assert_eq!(store.authenticate(&email("bob@example.org"), &right).await.unwrap(), None);
    }

    async fn a_second_account_for_the_same_address_is_a_conflict(store) {
        alice(&store).await;
        let error = store
            .create_user(&NewUser {
                email: email("alice@EXAMPLE.org"),
                display_name: "Another Alice".to_owned(),
                password: Password::parse_new("another long password").unwrap(),
            })
            .await
            .unwrap_err();
        assert!(matches!(error, StoreError::Conflict { what: "user", .. }), "{error}");
        assert!(!error.to_string().contains("alice@"), "the message masks the address: {error}");
        assert_eq!(store.users().await.unwrap().len(), 1);
    }

    async fn a_session_works_until_it_is_revoked(store) {
        let user = alice(&store).await;
        let token = store.create_session(user.user_id, Duration::hours(12)).await.unwrap();
        assert_eq!(store.session_user(&token).await.unwrap(), Some(user.clone()));
        assert_eq!(store.session_user(&Token::generate()).await.unwrap(), None);
        store.revoke_session(&token).await.unwrap();
        assert_eq!(store.session_user(&token).await.unwrap(), None);
    }

    async fn an_expired_session_is_refused(store) {
        let user = alice(&store).await;
        let token = store.create_session(user.user_id, Duration::seconds(-1)).await.unwrap();
        assert_eq!(store.session_user(&token).await.unwrap(), None);
    }

    async fn an_api_token_works_until_revoked_and_only_its_owner_may_revoke_it(store) {
        let user = alice(&store).await;
        let (row, token) = store.create_api_token(user.user_id, "  laptop script ").await.unwrap();
        assert_eq!(row.name, "laptop script");
        assert_eq!(store.api_token_user(&token).await.unwrap(), Some(user.clone()));
        let other = store
            .create_user(&NewUser {
                email: email("bob@example.org"),
                display_name: "Bob".to_owned(),
                password: Password::parse_new("bob's long password").unwrap(),
            })
            .await
            .unwrap();
        let refused = store.revoke_api_token(other.user_id, row.api_token_id).await.unwrap_err();
        assert!(matches!(refused, StoreError::NotFound { .. }));
        assert_eq!(store.api_token_user(&token).await.unwrap(), Some(user.clone()));
        store.revoke_api_token(user.user_id, row.api_token_id).await.unwrap();
        assert_eq!(store.api_token_user(&token).await.unwrap(), None);
        let tokens = store.api_tokens_of(user.user_id).await.unwrap();
        assert_eq!(tokens.len(), 1);
        assert!(tokens[0].revoked);
    }

    async fn failed_sign_ins_are_counted_per_key_and_cleared(store) {
        for _ in 0..3 {
            store.record_failed_sign_in("email:alice@example.org").await.unwrap();
        }
        store.record_failed_sign_in("email:bob@example.org").await.unwrap();
        let window = Duration::minutes(15);
        assert_eq!(store.failed_sign_ins("email:alice@example.org", window).await.unwrap().len(), 3);
        assert_eq!(store.failed_sign_ins("email:bob@example.org", window).await.unwrap().len(), 1);
        store.clear_failed_sign_ins("email:alice@example.org").await.unwrap();
        assert_eq!(store.failed_sign_ins("email:alice@example.org", window).await.unwrap().len(), 0);
        assert_eq!(store.failed_sign_ins("email:bob@example.org", window).await.unwrap().len(), 1);
    }

    async fn the_outbox_keeps_mail_in_order_until_it_is_sent(store) {
        store.queue_email(&email("a@example.org"), "First", "one").await.unwrap();
        let second = store.queue_email(&email("b@example.org"), "Second", "two").await.unwrap();
        store.mark_email_sent(second.outbox_id).await.unwrap();
        let outbox = store.outbox().await.unwrap();
        assert_eq!(outbox.iter().map(|mail| mail.subject.as_str()).collect::<Vec<_>>(), ["First", "Second"]);
        assert_eq!(outbox[0].sent_at, None);
        assert!(outbox[1].sent_at.is_some());
    }

    async fn process_roles_are_granted_once_and_listed(store) {
        a_process(&store).await;
        let user = alice(&store).await;
        store.grant_process_role("gcm", None, user.user_id, ProcessRole::Secretariat).await.unwrap();
        store.grant_process_role("gcm", None, user.user_id, ProcessRole::Secretariat).await.unwrap();
        store.grant_process_role("gcm", Some("migration"), user.user_id, ProcessRole::CoFacilitator).await.unwrap();
        let roles = store.process_roles_of(user.user_id).await.unwrap();
        assert_eq!(roles.len(), 2, "{roles:?}");
        assert!(roles.iter().any(|grant| grant.role == ProcessRole::Secretariat && grant.track_id.is_none()));
        assert!(roles
            .iter()
            .any(|grant| grant.role == ProcessRole::CoFacilitator && grant.track_id.as_deref() == Some("migration")));
        let unknown = store.grant_process_role("nowhere", None, user.user_id, ProcessRole::Secretariat).await;
        assert!(matches!(unknown, Err(StoreError::NotFound { .. })), "{unknown:?}");
    }

    async fn an_invitation_creates_the_account_grants_the_role_and_works_once(store) {
        a_process(&store).await;
        let inviter = alice(&store).await;
        let token = store
            .create_invitation(&NewInvitation {
                email: email("carol@example.org"),
                process_id: "gcm".to_owned(),
                track_id: Some("migration".to_owned()),
                party_id: None,
                role: InvitedRole::CoFacilitator,
                invited_by: inviter.user_id,
                valid_for: Duration::days(7),
            })
            .await
            .unwrap();
        assert_eq!(store.invitation(&token).await.unwrap().email, email("carol@example.org"));
        let password = Password::parse_new("carol's long password").unwrap();
        let (carol, invitation) = store.accept_invitation(&token, "Carol", &password).await.unwrap();
        assert_eq!(invitation.role, InvitedRole::CoFacilitator);
        assert_eq!(carol.display_name, "Carol");
        assert!(store.authenticate(&email("carol@example.org"), &password).await.unwrap().is_some());
        let roles = store.process_roles_of(carol.user_id).await.unwrap();
        assert_eq!(roles.len(), 1);
        assert_eq!(roles[0].role, ProcessRole::CoFacilitator);
        let again = store.accept_invitation(&token, "Mallory", &password).await.unwrap_err();
        assert!(matches!(again, StoreError::NotFound { what: "invitation", .. }), "{again}");
        assert_eq!(store.users().await.unwrap().len(), 2);
    }

    async fn a_password_reset_sets_the_password_once_and_signs_out_every_session(store) {
        let user = alice(&store).await;
        let session = store.create_session(user.user_id, Duration::hours(1)).await.unwrap();
        assert!(store.create_password_reset(&email("nobody@example.org"), Duration::hours(1)).await.unwrap().is_none());
        let (_, token) = store.create_password_reset(&email("alice@example.org"), Duration::hours(1)).await.unwrap().unwrap();
        let new_password = Password::parse_new("a brand new password").unwrap();
        store.reset_password(&token, &new_password).await.unwrap();
        assert!(store.authenticate(&user.email, &new_password).await.unwrap().is_some());
        assert!(store.authenticate(&user.email, &Password::new("correct horse battery")).await.unwrap().is_none());
        assert_eq!(store.session_user(&session).await.unwrap(), None);
        let again = store.reset_password(&token, &Password::parse_new("yet another password").unwrap()).await;
        assert!(matches!(again, Err(StoreError::NotFound { what: "password reset", .. })), "{again:?}");
        assert!(store.authenticate(&user.email, &new_password).await.unwrap().is_some());
    }
}
