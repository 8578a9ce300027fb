//! Links sent by e-mail: accepting an invitation (choose a name and a password) and resetting a password. The
//! page that asks for a reset answers the same whether or not the address has an account, so that it cannot be
//! used to find out who has one.

use super::html;
use crate::auth::Viewer;
use crate::error::{Error, PageError};
use crate::view::filters;
use crate::AppState;
use accord_store::account::{Invitation, InvitedRole};
use accord_store::{DelegationRole, Email, Password, Token};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

/// How long a password-reset link works.
pub const RESET_LIFETIME: time::Duration = time::Duration::hours(1);

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    csrf: String,
    token: String,
    invitation: Invitation,
    /// The invited address, shown to whoever holds the link that was sent to it.
    email: String,
    message: Option<String>,
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    title: String,
    message: String,
    link: Option<(String, String)>,
}

/// `GET /invitations/{token}`: what the invitation offers, and the form to accept it.
pub async fn invitation(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, PageError> {
    let invitation = state.store.invitation(&Token::from_client(&token)).await?;
    html(&InvitationPage {
        csrf: viewer.csrf().to_owned(),
        email: invitation.email.as_str().to_owned(),
        token,
        invitation,
        message: None,
    })
}

/// The fields of the form that accepts an invitation.
#[derive(Debug, Deserialize)]
pub struct AcceptForm {
    display_name: String,
    password: String,
}

/// `POST /invitations/{token}`: creates the account with the name and password given (or keeps the existing
/// account of the address) and grants the role; then shows the way to sign in.
pub async fn accept(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Result<Response, PageError> {
    let link = Token::from_client(&token);
    let invitation = state.store.invitation(&link).await?;
    let problem = if form.display_name.trim().is_empty() {
        Some("display_name: expected your name, found nothing".to_owned())
    } else {
        Password::parse_new(form.password.clone()).err().map(|error| format!("password: {error}"))
    };
    if let Some(message) = problem {
        let page = InvitationPage {
            csrf: viewer.csrf().to_owned(),
            email: invitation.email.as_str().to_owned(),
            token,
            invitation,
            message: Some(message),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)?).into_response());
    }
    let password =
        Password::parse_new(form.password).map_err(|error| Error::field("password", error.to_string()))?;
    let (user, invitation) = state.store.accept_invitation(&link, &form.display_name, &password).await?;
    join_delegation(&state, &user, &invitation).await?;
    tracing::info!(email = %user.email.masked(), role = invitation.role.as_str(), process = %invitation.process_id, "invitation accepted");
    Ok(html(&MessagePage {
        title: "Invitation accepted".to_owned(),
        message: format!(
            "You are {} in {}. Sign in with your e-mail address and password.",
            invitation.role.as_str(),
            invitation.process_id
        ),
        link: Some(("/sign-in".to_owned(), "Sign in".to_owned())),
    })?
    .into_response())
}

/// Puts the person in the party's delegation when the invitation offers a place in one. This runs after the
/// invitation is marked used, in its own transaction: should it fail, the account exists and the secretariat
/// adds the member again (the failure is logged and answered as an error).
async fn join_delegation(
    state: &AppState,
    user: &accord_store::User,
    invitation: &Invitation,
) -> Result<(), Error> {
    let role = match invitation.role {
        InvitedRole::Head => DelegationRole::Head,
        InvitedRole::Delegate => DelegationRole::Delegate,
        InvitedRole::Expert => DelegationRole::Expert,
        InvitedRole::Secretariat | InvitedRole::CoFacilitator => return Ok(()),
    };
    let Some(party_id) = &invitation.party_id else {
        return Err(Error::Internal("a delegation's invitation without a party".to_owned()));
    };
    let actor = format!("invitation {}", invitation.invitation_id);
    state.store.add_delegation_member(&invitation.process_id, user.user_id, party_id, role, &actor).await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetAskPage {
    csrf: String,
    sent: bool,
}

/// The query of the page that asks for a reset: `sent` after the form was posted.
#[derive(Debug, Deserialize)]
pub struct ResetAskQuery {
    #[serde(default)]
    sent: Option<String>,
}

/// `GET /password-reset`: the form that asks for a link by e-mail; after posting, the same page says a link
/// was sent if the address has an account.
pub async fn reset_ask_form(
    viewer: Viewer,
    Query(query): Query<ResetAskQuery>,
) -> Result<Html<String>, PageError> {
    html(&ResetAskPage { csrf: viewer.csrf().to_owned(), sent: query.sent.is_some() })
}

/// The field of the form that asks for a reset.
#[derive(Debug, Deserialize)]
pub struct ResetAskForm {
    email: String,
}

/// `POST /password-reset`: writes a reset link to the outbox when the address has an account; answers the same
/// 303 whether or not it has.
pub async fn reset_ask(
    State(state): State<AppState>,
    Form(form): Form<ResetAskForm>,
) -> Result<Response, PageError> {
    if let Ok(email) = Email::parse(&form.email) {
        if let Some((user, token)) = state.store.create_password_reset(&email, RESET_LIFETIME).await? {
            let link = format!("{}/password-reset/{}", state.auth.public_url, token.expose());
            let body = format!(
                "Hello {},\n\nSomeone, we hope you, asked to reset your accord password. Choose a new one here \
                 within the hour:\n\n{link}\n\nIf it was not you, ignore this message: your password stays as it is.\n",
                user.display_name
            );
            crate::mail::send(&state, &user.email, "Reset your accord password", &body).await?;
        } else {
            tracing::info!(email = %email.masked(), "password reset asked for an address without an account");
        }
    }
    Ok((StatusCode::SEE_OTHER, [(LOCATION, "/password-reset?sent=1")]).into_response())
}

#[derive(Template)]
#[template(path = "password_reset_form.html")]
struct ResetPage {
    csrf: String,
    token: String,
    message: Option<String>,
}

/// `GET /password-reset/{token}`: the form for a new password, if the link is open.
pub async fn reset_form(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Html<String>, PageError> {
    state.store.password_reset_user(&Token::from_client(&token)).await?;
    html(&ResetPage { csrf: viewer.csrf().to_owned(), token, message: None })
}

/// The field of the new-password form.
#[derive(Debug, Deserialize)]
pub struct ResetForm {
    password: String,
}

/// `POST /password-reset/{token}`: sets the new password, uses up the link, signs out every session of the
/// account and shows the way to sign in.
pub async fn reset(
    viewer: Viewer,
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, PageError> {
    let link = Token::from_client(&token);
    state.store.password_reset_user(&link).await?;
    let password = match Password::parse_new(form.password) {
        Ok(password) => password,
        Err(error) => {
            let page = ResetPage {
                csrf: viewer.csrf().to_owned(),
                token,
                message: Some(format!("password: {error}")),
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, html(&page)?).into_response());
        }
    };
    let user = state.store.reset_password(&link, &password).await?;
    tracing::info!(email = %user.email.masked(), "password reset");
    Ok(html(&MessagePage {
        title: "Password changed".to_owned(),
        message: "Your password is changed and every session of your account is signed out.".to_owned(),
        link: Some(("/sign-in".to_owned(), "Sign in".to_owned())),
    })?
    .into_response())
}
