//! What the accreditation pages and API share: who may act for which party, and the public registry rows.

use crate::auth::Viewer;
use crate::error::Error;
use crate::AppState;
use accord_store::{Accreditation, DelegationRole, Party, Status};

/// The party the viewer's delegation belongs to in the process of `track_id`, when the viewer heads it.
///
/// # Errors
/// 401 when no one is signed in; 403 when the viewer is in no delegation of that process, or not its head, or
/// belongs to another party than `party_id` (when given).
pub async fn party_headed_by(
    state: &AppState,
    viewer: &Viewer,
    track_id: &str,
    party_id: Option<&str>,
) -> Result<String, Error> {
    let user = viewer.signed_in()?;
    let track = state.store.track(track_id).await?;
    let Some((own_party, role)) = state.store.delegation_of(user.user_id, &track.process_id).await? else {
        return Err(Error::Forbidden(format!(
            "you are in no delegation of process `{}`: the secretariat invites heads of delegation",
            track.process_id
        )));
    };
    if let Some(party_id) = party_id {
        if party_id != own_party {
            tracing::warn!(user = user.user_id, own_party, party_id, "refused: acting for another party");
            return Err(Error::Forbidden(format!(
                "you belong to the delegation of `{own_party}` and cannot act for `{party_id}`"
            )));
        }
    }
    if role != DelegationRole::Head {
        return Err(Error::Forbidden("only the head of delegation acts for the party here".to_owned()));
    }
    Ok(own_party)
}

/// A party with its accreditation in each track of a process, for the public registry.
#[derive(Debug, Clone)]
pub struct RegistryRow {
    /// The party.
    pub party: Party,
    /// One cell per track, in the order of the tracks: the status word, or "" where it never asked.
    pub statuses: Vec<String>,
}

/// The registry rows of a process: every party that asked for entry to one of `track_ids`, by name.
///
/// # Errors
/// When the store fails.
pub async fn registry_rows(state: &AppState, track_ids: &[String]) -> Result<Vec<RegistryRow>, Error> {
    let mut by_party: std::collections::BTreeMap<String, Vec<Accreditation>> = Default::default();
    for track_id in track_ids {
        for accreditation in state.store.accreditations(Some(track_id), None).await? {
            by_party.entry(accreditation.party_id.clone()).or_default().push(accreditation);
        }
    }
    let mut rows = Vec::new();
    for (party_id, accreditations) in by_party {
        let party = state.store.party(&party_id).await?;
        let statuses = track_ids
            .iter()
            .map(|track_id| {
                accreditations
                    .iter()
                    .find(|accreditation| &accreditation.track_id == track_id)
                    .map(|accreditation| status_word(accreditation.status).to_owned())
                    .unwrap_or_default()
            })
            .collect();
        rows.push(RegistryRow { party, statuses });
    }
    rows.sort_by(|a, b| a.party.name.cmp(&b.party.name));
    Ok(rows)
}

/// How a status reads on the pages.
pub fn status_word(status: Status) -> &'static str {
    match status {
        Status::Pending => "requested, pending",
        Status::Participant => "participant",
        Status::Observer => "observer",
        Status::Refused => "refused",
        Status::Appealed => "refused, appealed",
        Status::Withdrawn => "withdrawn",
    }
}

/// How the record names the signed-in viewer: user number and display name, never the e-mail address.
///
/// # Errors
/// 401 when no one is signed in.
pub fn actor(viewer: &Viewer) -> Result<String, Error> {
    let user = viewer.signed_in()?;
    Ok(format!("user {} ({})", user.user_id, user.display_name))
}
