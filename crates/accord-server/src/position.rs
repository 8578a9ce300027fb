//! What the position pages and API share: the party a delegate takes positions for, the consensus dashboard of
//! a track (paragraphs by status and objective, bracket holders, the amendments with the widest support, the
//! opinion groups of the parties with each amendment's bridging score), and the party map's dots.

use crate::auth::Viewer;
use crate::consultation::{group_label, layout_map, MapInput, SvgLabel, SvgPoint, GROUP_COLOURS};
pub use crate::consultation::{MAP_HEIGHT, MAP_WIDTH};
use crate::error::Error;
use crate::AppState;
use accord_store::{
    AmendmentSupport, DelegationRole, Draft, OpinionGroups, ParagraphState, ParagraphStatus, Process,
    RevisionRef, RevisionSummary, Track,
};
use std::collections::{BTreeMap, HashMap};

/// The party the signed-in viewer takes positions for in the process of `track_id`: their delegation's, when
/// they are its head or a delegate (experts advise; they do not speak for the party). Whether the party is a
/// participant of the track is the store's check.
///
/// # Errors
/// 401 when no one is signed in; 403 when the viewer is in no delegation of that process, or an expert.
pub async fn party_of_delegate(state: &AppState, viewer: &Viewer, track_id: &str) -> Result<String, Error> {
    let user = viewer.signed_in()?;
    let track = state.store.track(track_id).await?;
    match state.store.delegation_of(user.user_id, &track.process_id).await? {
        Some((_, DelegationRole::Expert)) => Err(Error::Forbidden(
            "experts advise their delegation; its head or a delegate records positions".into(),
        )),
        Some((party_id, _)) => Ok(party_id),
        None => Err(Error::Forbidden(format!(
            "you are in no delegation of process `{}`: positions are taken by a party's delegates",
            track.process_id
        ))),
    }
}

/// Counts of paragraphs by status, in the order of [`ParagraphStatus::ALL`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct StatusCounts {
    /// No position yet.
    pub open: usize,
    /// An objection stands.
    pub bracketed: usize,
    /// Positions taken, no objection.
    pub agreed_ad_ref: usize,
    /// Adopted.
    pub adopted: usize,
}

impl StatusCounts {
    fn add(&mut self, status: ParagraphStatus) {
        match status {
            ParagraphStatus::Open => self.open += 1,
            ParagraphStatus::Bracketed => self.bracketed += 1,
            ParagraphStatus::AgreedAdRef => self.agreed_ad_ref += 1,
            ParagraphStatus::Adopted => self.adopted += 1,
        }
    }

    /// Every paragraph counted.
    pub fn total(&self) -> usize {
        self.open + self.bracketed + self.agreed_ad_ref + self.adopted
    }
}

/// One objective's paragraphs counted by status.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ObjectiveRow {
    /// The objective's eId; empty for the paragraphs outside objectives.
    pub eid: String,
    /// "Objective 15: Provide access to basic services for migrants", or "Outside the objectives".
    pub title: String,
    /// Its paragraphs by status.
    pub counts: StatusCounts,
}

/// A party, by id and name.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PartyName {
    /// The party's slug.
    pub party: String,
    /// Its name.
    pub name: String,
}

/// A bracketed paragraph and who holds its brackets.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BracketRow {
    /// The paragraph's eId.
    pub eid: String,
    /// Its number as shown, e.g. `(c)`.
    pub num: String,
    /// Its objective's title, or empty.
    pub objective: String,
    /// Its text.
    pub text: String,
    /// The parties whose objections stand, by name.
    pub holders: Vec<PartyName>,
}

/// An amendment with the positions on it and its bridging score.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct AmendmentRow {
    /// The amendment's number (shown `A/12`).
    pub amendment: i64,
    /// Its status: `tabled`, `merged` …
    pub status: String,
    /// Parties that support it.
    pub support: usize,
    /// Parties that can live with it.
    pub can_live_with: usize,
    /// Parties with a reservation.
    pub reservation: usize,
    /// Parties that object.
    pub objection: usize,
    /// Its group-informed consensus across the opinion groups of parties, 0 to 1; absent while there are no
    /// groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bridging: Option<f64>,
}

/// A party on the opinion map.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PartyPointJson {
    /// The party's slug.
    pub party: String,
    /// Its name.
    pub name: String,
    /// Its group's id.
    pub group: usize,
    /// First principal component of the position matrix.
    pub x: f64,
    /// Second principal component.
    pub y: f64,
}

/// An opinion group of parties.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GroupRow {
    /// Its id, 0, 1 …
    pub id: usize,
    /// "Group A" …
    pub label: String,
    /// Its colour on the map (Okabe–Ito palette).
    pub colour: String,
    /// Its parties, by name.
    pub members: Vec<PartyName>,
}

/// The opinion groups of the parties, or why there are none yet.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct GroupsJson {
    /// Parties with at least one position on an amendment.
    pub n_parties: usize,
    /// Amendments with at least one position.
    pub n_amendments: usize,
    /// Why there are no groups yet ("not enough positions yet"); absent when there are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_enough: Option<String>,
    /// The groups.
    pub groups: Vec<GroupRow>,
    /// The parties on the map.
    pub points: Vec<PartyPointJson>,
}

/// A track's consensus dashboard.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    /// The track's slug.
    pub track: String,
    /// The draft whose paragraphs are counted (the track's first draft with a revision); absent when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    /// The revision counted: the draft's latest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i64>,
    /// Its label, `Rev.1` …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_label: Option<String>,
    /// Every paragraph with text of the revision, by status.
    pub totals: StatusCounts,
    /// The same per objective, in document order.
    pub objectives: Vec<ObjectiveRow>,
    /// The bracketed paragraphs with their holders, in document order.
    pub bracketed: Vec<BracketRow>,
    /// The amendments with positions, widest support first (most supports, then fewest objections, then
    /// highest bridging score, then number).
    pub amendments: Vec<AmendmentRow>,
    /// The opinion groups of the parties.
    pub groups: GroupsJson,
}

/// The page's and API's view of the track, with what the page needs beside the data.
pub struct DashboardData {
    /// The process.
    pub process: Process,
    /// The track.
    pub track: Track,
    /// The draft counted, if any.
    pub draft: Option<Draft>,
    /// Its latest revision, if any.
    pub revision: Option<RevisionSummary>,
    /// The data.
    pub dashboard: Dashboard,
}

/// The consensus dashboard of a track.
///
/// # Errors
/// 404 for an unknown track; a store failure.
pub async fn dashboard(state: &AppState, track_id: &str) -> Result<DashboardData, Error> {
    let track = state.store.track(track_id).await?;
    let process = state.store.process(&track.process_id).await?;
    let mut counted = None;
    for draft in state.store.drafts(track_id).await? {
        let latest = RevisionRef { draft_id: draft.draft_id.clone(), number: None };
        match state.store.revision_summary(&latest).await {
            Ok(summary) => {
                counted = Some((draft, summary));
                break;
            }
            Err(accord_store::StoreError::NotFound { .. }) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    let states = match &counted {
        Some((draft, summary)) => {
            state
                .store
                .paragraph_statuses(&RevisionRef {
                    draft_id: draft.draft_id.clone(),
                    number: Some(summary.number),
                })
                .await?
        }
        None => Vec::new(),
    };
    let (totals, objectives, bracketed) = by_objective(&states);
    let groups = state.store.party_opinion_groups(track_id).await?;
    let support = state.store.amendment_support(track_id).await?;
    let names = party_names(state).await?;
    let dashboard = Dashboard {
        track: track.track_id.clone(),
        draft: counted.as_ref().map(|(draft, _)| draft.draft_id.clone()),
        revision: counted.as_ref().map(|(_, summary)| summary.number),
        revision_label: counted.as_ref().map(|(_, summary)| summary.label.clone()),
        totals,
        objectives,
        bracketed,
        amendments: amendment_rows(&support, &groups),
        groups: groups_json(&groups, &names),
    };
    let (draft, revision) = counted.map_or((None, None), |(draft, summary)| (Some(draft), Some(summary)));
    Ok(DashboardData { process, track, draft, revision, dashboard })
}

/// Every party's name by id (the registry is a few hundred rows).
async fn party_names(state: &AppState) -> Result<HashMap<String, String>, Error> {
    Ok(state.store.parties(None).await?.into_iter().map(|party| (party.party_id, party.name)).collect())
}

/// Totals, per-objective counts and the bracketed paragraphs, in document order.
pub fn by_objective(states: &[ParagraphState]) -> (StatusCounts, Vec<ObjectiveRow>, Vec<BracketRow>) {
    let mut totals = StatusCounts::default();
    let mut objectives: Vec<ObjectiveRow> = Vec::new();
    let mut bracketed = Vec::new();
    for state in states {
        totals.add(state.status);
        let (eid, title) =
            state.objective.clone().unwrap_or_else(|| (String::new(), "Outside the objectives".to_owned()));
        match objectives.iter_mut().find(|row| row.eid == eid) {
            Some(row) => row.counts.add(state.status),
            None => {
                let mut counts = StatusCounts::default();
                counts.add(state.status);
                objectives.push(ObjectiveRow { eid, title: title.clone(), counts });
            }
        }
        if state.status == ParagraphStatus::Bracketed {
            bracketed.push(BracketRow {
                eid: state.eid.clone(),
                num: state.num.clone().unwrap_or_default(),
                objective: state.objective.clone().map(|(_, title)| title).unwrap_or_default(),
                text: state.text.clone(),
                holders: state
                    .holders
                    .iter()
                    .map(|(party, name)| PartyName { party: party.clone(), name: name.clone() })
                    .collect(),
            });
        }
    }
    (totals, objectives, bracketed)
}

/// The amendments with positions, widest support first.
pub fn amendment_rows(support: &[AmendmentSupport], groups: &OpinionGroups) -> Vec<AmendmentRow> {
    let bridging = match groups {
        OpinionGroups::Groups(groups) => groups.bridging.clone(),
        OpinionGroups::NotEnough { .. } => BTreeMap::new(),
    };
    let mut rows: Vec<AmendmentRow> = support
        .iter()
        .map(|row| AmendmentRow {
            amendment: row.amendment_id,
            status: row.status.label().to_owned(),
            support: row.counts.support,
            can_live_with: row.counts.can_live_with,
            reservation: row.counts.reservation,
            objection: row.counts.objection,
            bridging: bridging.get(&row.amendment_id).copied(),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.support
            .cmp(&a.support)
            .then(a.objection.cmp(&b.objection))
            .then(b.bridging.unwrap_or(0.0).total_cmp(&a.bridging.unwrap_or(0.0)))
            .then(a.amendment.cmp(&b.amendment))
    });
    rows
}

/// The groups as the API and the page show them.
pub fn groups_json(groups: &OpinionGroups, names: &HashMap<String, String>) -> GroupsJson {
    let name = |party: &str| names.get(party).cloned().unwrap_or_else(|| party.to_owned());
    match groups {
        OpinionGroups::NotEnough { n_parties, n_amendments, reason } => GroupsJson {
            n_parties: *n_parties,
            n_amendments: *n_amendments,
            not_enough: Some(format!("Not enough positions yet: {reason}.")),
            ..GroupsJson::default()
        },
        OpinionGroups::Groups(groups) => GroupsJson {
            n_parties: groups.n_parties,
            n_amendments: groups.n_amendments,
            not_enough: None,
            groups: groups
                .groups
                .iter()
                .map(|group| {
                    let mut members: Vec<PartyName> = group
                        .members
                        .iter()
                        .map(|party| PartyName { party: party.clone(), name: name(party) })
                        .collect();
                    members.sort_by(|a, b| a.name.cmp(&b.name));
                    GroupRow {
                        id: group.id,
                        label: group_label(group.id),
                        colour: GROUP_COLOURS[group.id % GROUP_COLOURS.len()].to_owned(),
                        members,
                    }
                })
                .collect(),
            points: groups
                .points
                .iter()
                .map(|point| PartyPointJson {
                    party: point.party_id.clone(),
                    name: point.party_name.clone(),
                    group: point.group,
                    x: point.x,
                    y: point.y,
                })
                .collect(),
        },
    }
}

/// A party's dot on the SVG map: the consultation map's dot ("Brazil, Group A" as its title).
pub type MapDot = SvgPoint;
/// A group's label on the party map.
pub type MapLabel = SvgLabel;

const MAP_MARGIN: f64 = 28.0;

/// The map's dots and labels: projections scaled into the viewBox with a margin, the same scale on both axes
/// so that distances read true; each group labelled above the mean of its dots ([`layout_map`]).
pub fn party_map(groups: &GroupsJson) -> (Vec<MapDot>, Vec<MapLabel>) {
    let dots: Vec<MapInput> = groups
        .points
        .iter()
        .map(|point| MapInput {
            x: point.x,
            y: point.y,
            group: point.group,
            title: format!("{}, {}", point.name, group_label(point.group)),
        })
        .collect();
    let labels: Vec<(usize, &str)> =
        groups.groups.iter().map(|group| (group.id, group.label.as_str())).collect();
    layout_map(&dots, &labels, MAP_MARGIN, 12.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_store::StanceCounts;

    fn state(eid: &str, objective: Option<&str>, status: ParagraphStatus) -> ParagraphState {
        ParagraphState {
            eid: eid.into(),
            num: None,
            text: "text".into(),
            objective: objective.map(|objective| (objective.to_owned(), format!("Objective {objective}"))),
            status,
            holders: if status == ParagraphStatus::Bracketed {
                vec![("mexico".into(), "Mexico".into())]
            } else {
                Vec::new()
            },
            counts: StanceCounts::default(),
            adopted_in: None,
            lapsed_adoption: None,
        }
    }

    #[test]
    fn paragraphs_are_counted_per_objective_in_document_order() {
        let states = [
            state("preamble", None, ParagraphStatus::Open),
            state("a", Some("15"), ParagraphStatus::Bracketed),
            state("b", Some("15"), ParagraphStatus::AgreedAdRef),
            state("c", Some("16"), ParagraphStatus::Adopted),
        ];
        let (totals, objectives, bracketed) = by_objective(&states);
        assert_eq!(totals, StatusCounts { open: 1, bracketed: 1, agreed_ad_ref: 1, adopted: 1 });
        let titles: Vec<&str> = objectives.iter().map(|row| row.title.as_str()).collect();
        assert_eq!(titles, ["Outside the objectives", "Objective 15", "Objective 16"]);
        assert_eq!(
            objectives[1].counts,
            StatusCounts { open: 0, bracketed: 1, agreed_ad_ref: 1, adopted: 0 }
        );
        assert_eq!(bracketed.len(), 1);
        assert_eq!(bracketed[0].holders[0].name, "Mexico");
    }

    #[test]
    fn the_widest_support_comes_first_then_the_fewest_objections_then_the_best_bridge() {
        let counts =
            |support, objection| StanceCounts { support, can_live_with: 0, reservation: 0, objection };
        let support = [
            AmendmentSupport {
                amendment_id: 1,
                status: accord_store::AmendmentStatus::Tabled,
                counts: counts(3, 2),
            },
            AmendmentSupport {
                amendment_id: 2,
                status: accord_store::AmendmentStatus::Tabled,
                counts: counts(5, 0),
            },
            AmendmentSupport {
                amendment_id: 3,
                status: accord_store::AmendmentStatus::Tabled,
                counts: counts(3, 1),
            },
        ];
        let rows = amendment_rows(
            &support,
            &OpinionGroups::NotEnough { n_parties: 0, n_amendments: 0, reason: String::new() },
        );
        let order: Vec<i64> = rows.iter().map(|row| row.amendment).collect();
        assert_eq!(order, [2, 3, 1]);
        assert!(rows.iter().all(|row| row.bridging.is_none()));
    }
}
