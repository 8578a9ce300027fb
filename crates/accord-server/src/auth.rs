//! Who is asking, and may they: sessions, API tokens, CSRF, the per-route guard and sign-in throttling.
//!
//! A request is signed in by the `accord_session` cookie (a random token whose SHA-256 the store keeps; Secure
//! unless the server runs with `--insecure-cookies` on loopback, HttpOnly, SameSite=Lax, Path=/) or, for the
//! JSON API, by `Authorization: Bearer <API token>`. [`guard`] runs before every handler of
//! [`crate::routes::routes`]: it finds the [`Viewer`], checks the CSRF token of every POST that is not
//! bearer-authenticated, and checks the route's [`Action`] against the [`permissions`](crate::permissions)
//! table for the viewer's roles in the process the path names. Each refusal is logged with `tracing`.
//!
//! CSRF: a signed-in form carries `csrf` = SHA-256 of `accord-csrf:` and the session token, hex (the token is
//! secret, so the value cannot be guessed, and it dies with the session). An anonymous form (sign-in, password
//! reset, the demonstration on an empty database) uses a signed double-submit cookie: `accord_csrf` holds a random
//! nonce and the form carries HMAC-SHA256(server key, nonce), hex. Non-form POSTs put the value in the
//! `X-CSRF-Token` header instead.
//!
//! Never log a password, a token or an e-mail address in full (use [`accord_store::Email::masked`]).

use crate::error::{ApiError, Error, PageError};
use crate::permissions::{self, Action, Role};
use crate::AppState;
use accord_store::{ProcessRole, Status, Token, User};
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "accord_session";
/// The name of the anonymous CSRF cookie (a nonce; forms carry its HMAC).
pub const CSRF_COOKIE: &str = "accord_csrf";
/// The name of the CSRF form field.
pub const CSRF_FIELD: &str = "csrf";
/// The header that carries the CSRF token of a non-form POST.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// How long a session lasts.
pub const SESSION_LIFETIME: time::Duration = time::Duration::hours(12);
/// Failed sign-ins per e-mail address allowed within [`THROTTLE_WINDOW`] before the address is refused.
pub const MAX_FAILED_SIGN_INS: usize = 5;
/// The window of sign-in throttling.
pub const THROTTLE_WINDOW: time::Duration = time::Duration::minutes(15);
/// The words that every refusal by the permission table carries, so that a client (and the route-walking test)
/// can tell it from a refusal by a handler's own check, such as "not the head of this party's delegation".
pub const REFUSED_BY_TABLE: &str = "the permission table (/permissions)";
/// The largest form body the guard reads to find the CSRF field, in bytes.
const MAX_FORM_BYTES: usize = 1 << 20;

/// How the server handles sign-in.
#[derive(Clone)]
pub struct AuthConfig {
    /// Whether cookies carry `Secure` (browsers then send them over HTTPS only, and over http://localhost).
    /// On by default; turn it off only for plain http on loopback.
    pub secure_cookies: bool,
    /// The origin that links in e-mail start with, without a trailing slash: `https://accord.example.org`.
    pub public_url: String,
    /// The SMTP server that e-mail is delivered through, besides the outbox; `None` keeps mail in the outbox.
    pub smtp: Option<crate::mail::Smtp>,
    /// The key of the anonymous CSRF signature; random per server start unless given.
    csrf_key: [u8; 32],
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AuthConfig")
            .field("secure_cookies", &self.secure_cookies)
            .field("public_url", &self.public_url)
            .field("smtp", &self.smtp)
            .finish_non_exhaustive()
    }
}

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig::new(true)
    }
}

impl AuthConfig {
    /// A configuration with a fresh random CSRF key; `secure_cookies` as given.
    pub fn new(secure_cookies: bool) -> AuthConfig {
        let mut csrf_key = [0u8; 32];
        csrf_key.copy_from_slice(&hex_bytes(Token::generate().expose()));
        AuthConfig { secure_cookies, public_url: "http://localhost:8080".to_owned(), smtp: None, csrf_key }
    }

    /// This configuration with links in e-mail starting with `public_url` (a trailing slash is dropped).
    pub fn with_public_url(mut self, public_url: &str) -> AuthConfig {
        self.public_url = public_url.trim_end_matches('/').to_owned();
        self
    }

    /// This configuration delivering e-mail through `smtp` too.
    pub fn with_smtp(mut self, smtp: crate::mail::Smtp) -> AuthConfig {
        self.smtp = Some(smtp);
        self
    }

    /// The form value that goes with the anonymous CSRF nonce: HMAC-SHA256(key, nonce), hex (RFC 2104).
    fn sign_nonce(&self, nonce: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.csrf_key).expect("HMAC takes a key of any length");
        mac.update(nonce.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// A `Set-Cookie` value with the flags of every accord cookie.
    fn cookie(&self, name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{name}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age_seconds}{secure}"
        ))
        .expect("cookie values are hex")
    }

    /// The `Set-Cookie` value that starts a session.
    pub fn session_cookie(&self, token: &Token) -> HeaderValue {
        self.cookie(SESSION_COOKIE, token.expose(), SESSION_LIFETIME.whole_seconds())
    }

    /// The `Set-Cookie` value that clears the session cookie.
    pub fn cleared_session_cookie(&self) -> HeaderValue {
        self.cookie(SESSION_COOKIE, "", 0)
    }
}

/// The CSRF token of the forms of a session: SHA-256 of `accord-csrf:` followed by the session token, hex.
pub fn session_csrf(session: &Token) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"accord-csrf:");
    hasher.update(session.expose().as_bytes());
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn hex_bytes(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|index| u8::from_str_radix(&text[2 * index..2 * index + 2], 16).unwrap_or(0))
        .collect()
}

/// Compares two texts in time that does not depend on where they differ.
fn same_secret(left: &str, right: &str) -> bool {
    left.len() == right.len()
        && left.bytes().zip(right.bytes()).fold(0u8, |difference, (a, b)| difference | (a ^ b)) == 0
}

/// How the viewer proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    /// Not signed in; the anonymous CSRF nonce of the browser, and whether it is new (to be set as a cookie).
    Anonymous {
        /// The nonce.
        nonce: String,
        /// Whether the guard made it for this request.
        is_new: bool,
    },
    /// A session cookie.
    Session(Token),
    /// An API token.
    Bearer,
}

/// Who is asking: a user or no one, how they signed in, and the roles they hold where the request acts.
/// Handlers take it as an extractor; the [`guard`] puts it in the request.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// The signed-in user, if any.
    pub user: Option<User>,
    /// How they proved it.
    pub credential: Credential,
    /// Their roles in the process (or track) the request names; for a request that names none, every role they
    /// hold anywhere. Always at least [`Role::Anonymous`] or [`Role::Resident`].
    pub roles: Vec<Role>,
    csrf: String,
}

impl Viewer {
    /// The value of the hidden `csrf` field of this viewer's forms.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// Whether one of the viewer's roles allows `action`.
    pub fn may(&self, action: Action) -> bool {
        permissions::any_allowed(&self.roles, action)
    }

    /// The signed-in user, or a 401.
    ///
    /// # Errors
    /// [`Error::Unauthorized`] when no one is signed in.
    pub fn signed_in(&self) -> Result<&User, Error> {
        self.user.as_ref().ok_or_else(|| Error::Unauthorized("sign in first".to_owned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Viewer, PageError> {
        parts.extensions.get::<Viewer>().cloned().ok_or_else(|| {
            PageError(Error::Internal("a handler outside the guard asked for the viewer".into()))
        })
    }
}

/// The [`Action`] of a route, put in the request by [`crate::routes`] for the [`guard`] to check.
#[derive(Debug, Clone, Copy)]
pub struct RouteAction(pub Action);

/// Where a request acts, by the path parameters it names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// No process: roles held anywhere count.
    Anywhere,
    /// One process.
    Process(String),
    /// One track of one process (the track of the draft the path names).
    Track { process_id: String, track_id: String },
}

/// The value of one cookie of the request.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

fn bearer(headers: &HeaderMap) -> Option<Token> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?;
    Some(Token::from_client(token.trim()))
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// A refusal, answered as JSON for the API and as a page otherwise.
fn refuse(path: &str, error: Error) -> Response {
    if is_api(path) {
        ApiError(error).into_response()
    } else {
        PageError(error).into_response()
    }
}

/// The guard of every route: finds the viewer, checks CSRF on POST, checks the route's action, then runs the
/// handler with the [`Viewer`] in the request. A new anonymous CSRF nonce is set as a cookie on the answer.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let method = parts.method.clone();
    let action = match parts.extensions.get::<RouteAction>() {
        Some(RouteAction(action)) => *action,
        None => return refuse(&path, Error::Internal(format!("route {path} has no action"))),
    };

    // Who is asking.
    let (user, credential) = match identify(&state, &parts.headers).await {
        Ok(found) => found,
        Err(refusal) => {
            tracing::warn!(%method, %path, reason = %refusal, "refused: bad credential");
            return refuse(&path, refusal);
        }
    };
    let csrf = match &credential {
        Credential::Anonymous { nonce, .. } => state.auth.sign_nonce(nonce),
        Credential::Session(token) => session_csrf(token),
        Credential::Bearer => String::new(),
    };

    // May they?
    let scope = scope_of(&state, &mut parts).await;
    let roles = match roles_of(&state, user.as_ref(), &scope).await {
        Ok(roles) => roles,
        Err(error) => return refuse(&path, error),
    };
    let viewer = Viewer { user, credential: credential.clone(), roles, csrf };
    if !viewer.may(action) && !demo_on_empty_database(&state, action).await {
        let signed_in = viewer.user.is_some();
        tracing::warn!(%method, %path, ?action, roles = ?viewer.roles, "refused: not allowed");
        let error = if signed_in {
            Error::Forbidden(format!(
                "your roles here ({}) may not do this, by {REFUSED_BY_TABLE}",
                role_list(&viewer.roles)
            ))
        } else {
            Error::Unauthorized(format!(
                "sign in first: {REFUSED_BY_TABLE} allows this to signed-in roles only"
            ))
        };
        return refuse(&path, error);
    }

    // CSRF on every state-changing request that a browser could send on its own, once the viewer may act at
    // all (so that a request without credentials is told to sign in, 401, rather than about its form).
    let mut body = body;
    if method != Method::GET && method != Method::HEAD && !matches!(credential, Credential::Bearer) {
        let (checked, kept) = match check_csrf(&parts.headers, body, &viewer.csrf, &credential).await {
            Ok(kept) => (true, kept),
            Err(kept) => (false, kept),
        };
        body = kept;
        if !checked {
            tracing::warn!(%method, %path, user = ?viewer.user.as_ref().map(|user| user.email.masked()), "refused: missing or forged CSRF token");
            return refuse(
                &path,
                Error::Forbidden(
                    "the form's CSRF token is missing or forged: reload the page and try again".into(),
                ),
            );
        }
    }

    parts.extensions.insert(viewer);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Credential::Anonymous { nonce, is_new: true } = &credential {
        response.headers_mut().append(SET_COOKIE, state.auth.cookie(CSRF_COOKIE, nonce, 86_400));
    }
    response
}

fn role_list(roles: &[Role]) -> String {
    roles.iter().map(|role| role.label()).collect::<Vec<_>>().join(", ")
}

/// The one exception to the table: while the database holds no process, anyone may load the demonstration.
async fn demo_on_empty_database(state: &AppState, action: Action) -> bool {
    action == Action::LoadDemo && matches!(state.store.has_process().await, Ok(false))
}

/// Finds the user of a bearer token or a session cookie. A bearer token that does not work is refused (the
/// client meant to sign in); a session cookie that does not work is treated as no cookie, so that a browser
/// with a stale cookie still reads the public pages, and is refused only where an account is needed.
async fn identify(state: &AppState, headers: &HeaderMap) -> Result<(Option<User>, Credential), Error> {
    if let Some(token) = bearer(headers) {
        return match state.store.api_token_user(&token).await? {
            Some(user) => Ok((Some(user), Credential::Bearer)),
            None => Err(Error::Unauthorized("the API token is unknown or revoked".to_owned())),
        };
    }
    if let Some(text) = cookie(headers, SESSION_COOKIE) {
        let token = Token::from_client(&text);
        if let Some(user) = state.store.session_user(&token).await? {
            return Ok((Some(user), Credential::Session(token)));
        }
        tracing::info!("a session cookie that is signed out or expired was sent");
    }
    Ok(match cookie(headers, CSRF_COOKIE) {
        Some(nonce) => (None, Credential::Anonymous { nonce, is_new: false }),
        None => (None, Credential::Anonymous { nonce: Token::generate().expose().to_owned(), is_new: true }),
    })
}

/// Checks the CSRF token of a POST: the `X-CSRF-Token` header, or else the `csrf` field of a form body. The body
/// is read and handed back either way. An anonymous request needs its nonce cookie to have come with it: a
/// nonce made for this very request proves nothing.
async fn check_csrf(
    headers: &HeaderMap,
    body: axum::body::Body,
    expected: &str,
    credential: &Credential,
) -> Result<axum::body::Body, axum::body::Body> {
    let fresh_nonce = matches!(credential, Credential::Anonymous { is_new: true, .. });
    if let Some(value) = headers.get(CSRF_HEADER).and_then(|value| value.to_str().ok()) {
        let matches = !fresh_nonce && same_secret(value, expected);
        return if matches { Ok(body) } else { Err(body) };
    }
    let content_type = headers.get(CONTENT_TYPE).and_then(|value| value.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        // A form with files (supporting documents): the token is the `csrf` part of the body.
        let Ok(bytes) = axum::body::to_bytes(body, crate::MAX_BODY_BYTES).await else {
            return Err(axum::body::Body::empty());
        };
        let given = multipart_field(&bytes, "csrf");
        let matches = !fresh_nonce && given.is_some_and(|given| same_secret(&given, expected));
        let body = axum::body::Body::from(bytes);
        return if matches { Ok(body) } else { Err(body) };
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return Err(body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return Err(axum::body::Body::empty());
    };
    // The token is hex, so it needs no percent-decoding: a field that needed some is not a token.
    let given = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|form| form.split('&').find_map(|pair| pair.strip_prefix("csrf=")).map(str::to_owned));
    let matches = !fresh_nonce && given.is_some_and(|given| same_secret(&given, expected));
    let body = axum::body::Body::from(bytes);
    if matches {
        Ok(body)
    } else {
        Err(body)
    }
}

/// Where the request acts, from its path parameters: `{process_id}` names a process; `{draft_id}` a draft, and
/// so its track and process; `{amendment_id}` an amendment, and so its track; `{consultation_id}` a consultation,
/// and so its track; `{track_id}` a track and its process. An unknown draft or none at all acts nowhere in
/// particular.
async fn scope_of(state: &AppState, parts: &mut Parts) -> Scope {
    let Ok(Path(params)) = Path::<HashMap<String, String>>::from_request_parts(parts, state).await else {
        return Scope::Anywhere;
    };
    if let Some(draft_id) = params.get("draft_id") {
        if let Ok((process, track, _)) = state.store.draft_context(draft_id).await {
            return Scope::Track { process_id: process.process_id, track_id: track.track_id };
        }
    }
    if let Some(amendment_id) = params.get("amendment_id").and_then(|id| id.parse::<i64>().ok()) {
        if let Ok(amendment) = state.store.amendment(amendment_id).await {
            if let Ok(track) = state.store.track(&amendment.track_id).await {
                return Scope::Track { process_id: track.process_id, track_id: track.track_id };
            }
        }
    }
    if let Some(consultation_id) = params.get("consultation_id").and_then(|id| id.parse::<i64>().ok()) {
        if let Ok(consultation) = state.store.consultation(consultation_id).await {
            if let Ok(track) = state.store.track(&consultation.track_id).await {
                return Scope::Track { process_id: track.process_id, track_id: track.track_id };
            }
        }
    }
    if let Some(track_id) = params.get("track_id") {
        if let Ok(track) = state.store.track(track_id).await {
            return Scope::Track { process_id: track.process_id, track_id: track.track_id };
        }
    }
    if let Some(process_id) = params.get("process_id") {
        return Scope::Process(process_id.clone());
    }
    Scope::Anywhere
}

/// The roles of `user` where the request acts: [`Role::Anonymous`] for no one; otherwise [`Role::Resident`],
/// each process role that applies (the secretariat of the process; a co-facilitator of the track, or of any track
/// of the process when the request names the process only), and a delegate role when the person's party (their
/// delegation in the process) is accredited to the track as a participant or an observer. A request that names
/// no process counts the roles held anywhere.
async fn roles_of(state: &AppState, user: Option<&User>, scope: &Scope) -> Result<Vec<Role>, Error> {
    let Some(user) = user else {
        return Ok(vec![Role::Anonymous]);
    };
    let mut roles = vec![Role::Resident];
    for grant in state.store.process_roles_of(user.user_id).await? {
        let applies = match scope {
            Scope::Anywhere => true,
            Scope::Process(process_id) => &grant.process_id == process_id,
            Scope::Track { process_id, track_id } => {
                &grant.process_id == process_id
                    && (grant.role == ProcessRole::Secretariat || grant.track_id.as_deref() == Some(track_id))
            }
        };
        if applies {
            roles.push(match grant.role {
                ProcessRole::Secretariat => Role::Secretariat,
                ProcessRole::CoFacilitator => Role::CoFacilitator,
            });
        }
    }
    let processes: Vec<String> = match scope {
        Scope::Anywhere => {
            state.store.processes().await?.into_iter().map(|process| process.process_id).collect()
        }
        Scope::Process(process_id) | Scope::Track { process_id, .. } => vec![process_id.clone()],
    };
    for process_id in processes {
        let Some((party_id, _)) = state.store.delegation_of(user.user_id, &process_id).await? else {
            continue;
        };
        let tracks: Vec<String> = match scope {
            Scope::Track { track_id, .. } => vec![track_id.clone()],
            _ => state.store.tracks(&process_id).await?.into_iter().map(|track| track.track_id).collect(),
        };
        for track_id in tracks {
            match state.store.accreditation(&track_id, &party_id).await {
                Ok(accreditation) => match accreditation.status {
                    Status::Participant => roles.push(Role::DelegateParticipant),
                    Status::Observer => roles.push(Role::DelegateObserver),
                    _ => {}
                },
                Err(accord_store::StoreError::NotFound { .. }) => {}
                Err(error) => return Err(error.into()),
            }
        }
    }
    roles.sort();
    roles.dedup();
    Ok(roles)
}

/// The throttling key of an e-mail address.
pub fn throttle_key(email: &accord_store::Email) -> String {
    format!("email:{}", email.as_str())
}

/// Refuses a sign-in for an address that failed [`MAX_FAILED_SIGN_INS`] times within [`THROTTLE_WINDOW`],
/// saying when to try again.
///
/// # Errors
/// [`Error::TooManyRequests`] with the seconds until the oldest failure leaves the window.
pub async fn check_throttle(state: &AppState, email: &accord_store::Email) -> Result<(), Error> {
    let failures = state.store.failed_sign_ins(&throttle_key(email), THROTTLE_WINDOW).await?;
    if failures.len() < MAX_FAILED_SIGN_INS {
        return Ok(());
    }
    let oldest = failures[failures.len() - MAX_FAILED_SIGN_INS];
    let retry_after = (oldest + THROTTLE_WINDOW - time::OffsetDateTime::now_utc()).whole_seconds().max(1);
    tracing::warn!(email = %email.masked(), n_failures = failures.len(), "refused: sign-in throttled");
    Err(Error::TooManyRequests {
        message: format!(
            "too many failed sign-ins for this address: expected at most {MAX_FAILED_SIGN_INS} in {} minutes; \
             try again in {retry_after} seconds",
            THROTTLE_WINDOW.whole_minutes()
        ),
        retry_after_seconds: retry_after as u64,
    })
}

/// The value of the text part `name` of a multipart/form-data body, when it is short ASCII (a token).
fn multipart_field(body: &[u8], name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let start = body.windows(marker.len()).position(|window| window == marker.as_bytes())?;
    let rest = &body[start + marker.len()..];
    let value_start = rest.windows(4).position(|window| window == b"\r\n\r\n")? + 4;
    let value = &rest[value_start..];
    let value_end = value.windows(2).position(|window| window == b"\r\n")?;
    let value = std::str::from_utf8(&value[..value_end.min(256)]).ok()?;
    Some(value.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_anonymous_csrf_signature_is_hmac_sha256_of_the_nonce() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let config =
            AuthConfig { secure_cookies: true, public_url: String::new(), smtp: None, csrf_key: key };
        // HMAC pads a short key with zeros to the block size, so "Jefe" and "Jefe" plus zeros give one MAC.
        assert_eq!(
            config.sign_nonce("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn cookies_are_httponly_samesite_lax_and_secure_unless_told_otherwise() {
        let token = Token::from_client("abc");
        let secure = AuthConfig::new(true).session_cookie(&token);
        assert_eq!(
            secure.to_str().unwrap(),
            "accord_session=abc; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200; Secure"
        );
        let insecure = AuthConfig::new(false).session_cookie(&token);
        assert!(!insecure.to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; accord_session=xyz; b=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("xyz"));
        assert_eq!(cookie(&headers, CSRF_COOKIE), None);
    }

    #[test]
    fn secrets_compare_equal_only_when_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
