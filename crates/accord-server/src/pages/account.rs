//! Signing in and out, the account page with its API tokens, and the permissions table.

use super::html;
use crate::auth::{self, Viewer};
use crate::error::{Error, PageError};
use crate::permissions::{Role, TABLE};
use crate::view::filters;
use crate::AppState;
use accord_store::account::{ApiToken, ProcessRoleGrant};
use accord_store::{Email, Password};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    csrf: String,
    email: String,
    message: Option<String>,
}

/// `GET /sign-in`: the sign-in form.
pub async fn sign_in_form(viewer: Viewer) -> Result<Html<String>, PageError> {
    html(&SignInPage { csrf: viewer.csrf().to_owned(), email: String::new(), message: None })
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    email: String,
    password: String,
}

/// `POST /sign-in`: checks the throttle, then the password; a match starts a session and goes to the account
/// page (303), a mismatch answers the form again with 401. Too many failures for the address answer 429 with
/// `Retry-After`, whether or not the password is right.
pub async fn sign_in(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    let refused = |message: &str| -> Result<Response, PageError> {
        let page = SignInPage {
            csrf: viewer.csrf().to_owned(),
            email: form.email.clone(),
            message: Some(message.into()),
        };
        Ok((StatusCode::UNAUTHORIZED, html(&page)?).into_response())
    };
    let Ok(email) = Email::parse(&form.email) else {
        tracing::warn!("refused: sign-in with a malformed e-mail address");
        return refused("the e-mail address or the password is wrong");
    };
    auth::check_throttle(&state, &email).await?;
    let Some(user) = state.store.authenticate(&email, &Password::new(form.password.clone())).await? else {
        state.store.record_failed_sign_in(&auth::throttle_key(&email)).await?;
        tracing::warn!(email = %email.masked(), "refused: wrong e-mail address or password");
        return refused("the e-mail address or the password is wrong");
    };
    state.store.clear_failed_sign_ins(&auth::throttle_key(&email)).await?;
    // A session cookie from before signing in is not reused: a new token each time (no session fixation).
    let token = state.store.create_session(user.user_id, auth::SESSION_LIFETIME).await?;
    tracing::info!(email = %email.masked(), "signed in");
    Ok((
        StatusCode::SEE_OTHER,
        [(LOCATION, "/account".parse().expect("a path")), (SET_COOKIE, state.auth.session_cookie(&token))],
    )
        .into_response())
}

/// `POST /sign-out`: revokes the session in the store, so that a copy of the cookie no longer works, clears
/// the cookie and goes home.
pub async fn sign_out(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    if let auth::Credential::Session(token) = &viewer.credential {
        state.store.revoke_session(token).await?;
    }
    Ok((
        StatusCode::SEE_OTHER,
        [(LOCATION, "/".parse().expect("a path")), (SET_COOKIE, state.auth.cleared_session_cookie())],
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    csrf: String,
    display_name: String,
    /// The owner's own address, shown to the owner only.
    email: String,
    roles: Vec<ProcessRoleGrant>,
    /// The delegations the owner belongs to: process, party id, party name, role.
    delegations: Vec<(String, String, String, String)>,
    tokens: Vec<ApiToken>,
    new_token: Option<(String, String)>,
}

async fn account_page(
    state: &AppState,
    viewer: &Viewer,
    new_token: Option<(String, String)>,
) -> Result<AccountPage, Error> {
    let user = viewer.signed_in()?;
    let mut delegations = Vec::new();
    for member in state.store.delegations_of(user.user_id).await? {
        let name = state.store.party(&member.party_id).await?.name;
        delegations.push((member.process_id, member.party_id, name, member.role.as_str().to_owned()));
    }
    Ok(AccountPage {
        delegations,
        csrf: viewer.csrf().to_owned(),
        display_name: user.display_name.clone(),
        email: user.email.as_str().to_owned(),
        roles: state.store.process_roles_of(user.user_id).await?,
        tokens: state.store.api_tokens_of(user.user_id).await?,
        new_token,
    })
}

/// `GET /account`: who is signed in, their roles, their API tokens and the forms to make and revoke them.
pub async fn account(State(state): State<AppState>, viewer: Viewer) -> Result<Html<String>, PageError> {
    html(&account_page(&state, &viewer, None).await?)
}

/// The new-token form's fields.
#[derive(Debug, Deserialize)]
pub struct NewTokenForm {
    name: String,
}

/// `POST /account/tokens`: makes an API token and shows it, this once, on the account page (answered directly,
/// not by a redirect, so that the token never appears in a URL).
pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<NewTokenForm>,
) -> Result<Html<String>, PageError> {
    let user = viewer.signed_in()?;
    if form.name.trim().is_empty() {
        return Err(Error::field("name", "expected a name for the token, found nothing").into());
    }
    let (row, token) = state.store.create_api_token(user.user_id, &form.name).await?;
    tracing::info!(api_token_id = row.api_token_id, "API token made");
    html(&account_page(&state, &viewer, Some((row.name, token.expose().to_owned()))).await?)
}

/// `POST /account/tokens/{api_token_id}/revoke`: revokes one of the viewer's tokens and goes back (303).
pub async fn revoke_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(api_token_id): Path<String>,
) -> Result<Response, PageError> {
    let user = viewer.signed_in()?;
    let api_token_id: i64 =
        api_token_id.parse().map_err(|_| Error::NotFound(format!("no API token `{api_token_id}`")))?;
    state.store.revoke_api_token(user.user_id, api_token_id).await?;
    tracing::info!(api_token_id, "API token revoked");
    Ok((StatusCode::SEE_OTHER, [(LOCATION, "/account")]).into_response())
}

/// One row of the permissions page.
struct PermissionRow {
    action: String,
    description: &'static str,
    allowed: Vec<bool>,
}

#[derive(Template)]
#[template(path = "permissions.html")]
struct PermissionsPage {
    roles: Vec<&'static str>,
    rows: Vec<PermissionRow>,
}

/// `GET /permissions`: the table of roles and actions that every route enforces.
pub async fn permissions() -> Result<Html<String>, PageError> {
    html(&PermissionsPage {
        roles: Role::ALL.iter().map(|role| role.label()).collect(),
        rows: TABLE
            .iter()
            .map(|permission| PermissionRow {
                action: serde_json::to_value(permission.action)
                    .ok()
                    .and_then(|value| value.as_str().map(|text| text.replace('-', " ")))
                    .unwrap_or_default(),
                description: permission.description,
                allowed: permission.allowed.to_vec(),
            })
            .collect(),
    })
}
