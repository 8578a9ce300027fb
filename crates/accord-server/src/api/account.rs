//! The signed-in user (`GET /api/me`), invitations by e-mail and the e-mail outbox (secretariat).

use crate::auth::Viewer;
use crate::error::{ApiError, Error};
use crate::permissions::Role;
use crate::AppState;
use accord_store::account::{InvitedRole, NewInvitation};
use accord_store::{DelegationRole, Email};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How long an invitation link works.
pub const INVITATION_LIFETIME: time::Duration = time::Duration::days(7);

/// The signed-in user as the API shows them to themselves.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeJson {
    /// The user's id.
    pub id: i64,
    /// The name shown beside what they do.
    pub display_name: String,
    /// Their roles in processes.
    pub process_roles: Vec<ProcessRoleJson>,
    /// The delegations they belong to, one per process at most.
    pub delegations: Vec<DelegationJson>,
}

/// A person's place in a party's delegation.
#[derive(Debug, Serialize, ToSchema)]
pub struct DelegationJson {
    /// The process's slug.
    pub process: String,
    /// The party's id.
    pub party: String,
    /// `head`, `delegate` or `expert`.
    pub role: String,
}

/// A role held in a process.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessRoleJson {
    /// The process's slug.
    pub process: String,
    /// The track's slug, for a co-facilitator.
    pub track: Option<String>,
    /// `secretariat` or `co-facilitator`.
    pub role: String,
}

/// Who the token or session belongs to.
#[utoipa::path(get, path = "/api/me", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = MeJson),
        (status = 401, description = "No token, or a revoked one", body = crate::error::ErrorBody)))]
pub async fn me(State(state): State<AppState>, viewer: Viewer) -> Result<Json<MeJson>, ApiError> {
    let user = viewer.signed_in()?;
    let grants = state.store.process_roles_of(user.user_id).await?;
    Ok(Json(MeJson {
        id: user.user_id,
        display_name: user.display_name.clone(),
        process_roles: grants
            .into_iter()
            .map(|grant| ProcessRoleJson {
                process: grant.process_id,
                track: grant.track_id,
                role: grant.role.as_str().to_owned(),
            })
            .collect(),
        delegations: state
            .store
            .delegations_of(user.user_id)
            .await?
            .into_iter()
            .map(|member| DelegationJson {
                process: member.process_id,
                party: member.party_id,
                role: member.role.as_str().to_owned(),
            })
            .collect(),
    }))
}

/// An e-mail of the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxEmailJson {
    /// Its number, in order of writing.
    pub id: i64,
    /// The address it goes to.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// When it was written, RFC 3339 UTC.
    pub created_at: String,
    /// When it was handed to the SMTP server, if it was.
    pub sent_at: Option<String>,
}

/// Every e-mail accord wrote, oldest first (the secretariat's view of the outbox).
#[utoipa::path(get, path = "/api/outbox", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The outbox", body = [OutboxEmailJson]),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "Not the secretariat", body = crate::error::ErrorBody)))]
pub async fn outbox(State(state): State<AppState>) -> Result<Json<Vec<OutboxEmailJson>>, ApiError> {
    let emails = state.store.outbox().await?;
    Ok(Json(
        emails
            .into_iter()
            .map(|email| OutboxEmailJson {
                id: email.outbox_id,
                to: email.recipient.as_str().to_owned(),
                subject: email.subject,
                body: email.body,
                created_at: email.created_at,
                sent_at: email.sent_at,
            })
            .collect(),
    ))
}

/// An invitation to send.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewInvitationJson {
    /// Who is invited.
    pub email: String,
    /// `secretariat`, `co-facilitator`, `head`, `delegate` or `expert`.
    pub role: String,
    /// The track, for a co-facilitator.
    #[serde(default)]
    pub track: Option<String>,
    /// The party, for a place in a delegation.
    #[serde(default)]
    pub party: Option<String>,
}

/// A sent invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationJson {
    /// The outbox e-mail that carries the link.
    pub outbox_id: i64,
    /// When the link stops working, RFC 3339 UTC.
    pub expires_at: String,
}

/// Invites someone by e-mail to a role in the process: the link goes to the outbox (and through SMTP when
/// configured). The secretariat invites to any role, a head of delegation delegates and experts to their own
/// delegation; a co-facilitator's invitation names a track, a delegation's a party.
#[utoipa::path(post, path = "/api/processes/{process_id}/invitations", tag = "accounts",
    security(("bearer" = [])),
    params(("process_id" = String, Path, description = "The process's slug")),
    request_body = NewInvitationJson,
    responses(
        (status = 201, description = "The invitation is written to the outbox", body = InvitationJson),
        (status = 401, description = "Not signed in", body = crate::error::ErrorBody),
        (status = 403, description = "Not allowed to invite", body = crate::error::ErrorBody),
        (status = 404, description = "No such process or track", body = crate::error::ErrorBody),
        (status = 422, description = "A field is wrong", body = crate::error::ErrorBody)))]
pub async fn invite(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(process_id): Path<String>,
    Json(body): Json<NewInvitationJson>,
) -> Result<(StatusCode, Json<InvitationJson>), ApiError> {
    let invitation = send_invitation(&state, &viewer, &process_id, &body).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}

/// Invites someone by e-mail (the API's and the delegation page's shared step): checks who may invite whom,
/// stores the invitation and sends its link.
///
/// # Errors
/// 403 when the viewer may not invite to that role or party; 422 naming a bad field; 404 for an unknown process.
pub(crate) async fn send_invitation(
    state: &AppState,
    viewer: &Viewer,
    process_id: &str,
    body: &NewInvitationJson,
) -> Result<InvitationJson, Error> {
    let process_id = process_id.to_owned();
    let inviter = viewer.signed_in()?;
    // The secretariat invites to any role; the head of a delegation invites delegates and experts to it.
    let may_invite = viewer.roles.contains(&Role::Secretariat)
        || match state.store.delegation_of(inviter.user_id, &process_id).await? {
            Some((party_id, DelegationRole::Head)) => {
                body.party.as_deref() == Some(party_id.as_str())
                    && matches!(body.role.as_str(), "delegate" | "expert")
            }
            _ => false,
        };
    if !may_invite {
        tracing::warn!(process = %process_id, "refused: invitation outside the inviter's own delegation");
        return Err(Error::Forbidden(
            "the secretariat invites to any role; a head of delegation invites delegates and experts to their own \
             delegation"
                .to_owned(),
        ));
    }
    let email = Email::parse(&body.email).map_err(|error| Error::field("email", error.to_string()))?;
    let role = InvitedRole::parse(&body.role).map_err(|_| {
        Error::field(
            "role",
            format!("expected secretariat, co-facilitator, head, delegate or expert, found `{}`", body.role),
        )
    })?;
    match role {
        InvitedRole::CoFacilitator if body.track.is_none() => {
            return Err(Error::field("track", "a co-facilitator's invitation names a track"))
        }
        InvitedRole::Head | InvitedRole::Delegate | InvitedRole::Expert if body.party.is_none() => {
            return Err(Error::field("party", "a delegation's invitation names a party"))
        }
        _ => {}
    }
    let process = state.store.process(&process_id).await?;
    if let Some(party_id) = &body.party {
        match state.store.party(party_id).await {
            Ok(_) => {}
            Err(accord_store::StoreError::NotFound { .. }) => {
                return Err(Error::field("party", format!("no party `{party_id}` in the registry")))
            }
            Err(error) => return Err(error.into()),
        }
    }
    if let Some(track_id) = &body.track {
        let tracks = state.store.tracks(&process_id).await?;
        if !tracks.iter().any(|track| &track.track_id == track_id) {
            return Err(Error::field("track", format!("no track `{track_id}` in process `{process_id}`")));
        }
    }
    let token = state
        .store
        .create_invitation(&NewInvitation {
            email: email.clone(),
            process_id: process_id.clone(),
            track_id: body.track.clone(),
            party_id: body.party.clone(),
            role,
            invited_by: inviter.user_id,
            valid_for: INVITATION_LIFETIME,
        })
        .await?;
    let link = format!("{}/invitations/{}", state.auth.public_url, token.expose());
    let message = format!(
        "Hello,\n\n{} invites you to take part in \"{}\" as {}. Accept within seven days, choosing your name and a \
         password, here:\n\n{link}\n",
        inviter.display_name,
        process.title,
        role.as_str()
    );
    let sent =
        crate::mail::send(state, &email, &format!("Invitation to {}", process.title), &message).await?;
    let invitation = state.store.invitation(&token).await?;
    Ok(InvitationJson { outbox_id: sent.outbox_id, expires_at: invitation.expires_at })
}
