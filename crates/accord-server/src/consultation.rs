//! What the consultation pages and API share: who the participant is (a signed-in user, or the random
//! `accord_participant` cookie of an anonymous one), which statement to show next (Pol.is's weighted draw),
//! who may open and moderate, and the results made from the Pol.is analysis (groups, the opinion map's points,
//! representative and consensus statements).

use crate::auth::Viewer;
use crate::error::Error;
use crate::permissions::Role;
use crate::AppState;
use accord_opinion::{Analysis, RepfulFor};
use accord_store::{Consultation, ConsultationStatement, ParticipantKey, PartyKind, Token};
use axum::http::{HeaderMap, HeaderValue};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The cookie that makes an anonymous participant count once: 32 random bytes, hex; the store keeps its
/// SHA-256 only. HttpOnly, SameSite=Lax, a year long.
pub const PARTICIPANT_COOKIE: &str = "accord_participant";
const PARTICIPANT_COOKIE_SECONDS: i64 = 365 * 24 * 3600;

/// The Okabe–Ito palette (Okabe and Ito, "Color Universal Design", 2008), told apart by the three common
/// kinds of colour blindness; black last. Group `g` takes colour `g % 8`.
pub const GROUP_COLOURS: [&str; 8] =
    ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"];

/// "Group A", "Group B" …, as Pol.is labels its groups.
pub fn group_label(group_id: usize) -> String {
    let letter = (b'A' + (group_id % 26) as u8) as char;
    format!("Group {letter}")
}

/// The participant cookie's token sent with a request, if any.
pub fn participant_cookie(headers: &HeaderMap) -> Option<Token> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| {
            *name == PARTICIPANT_COOKIE && value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(_, value)| Token::from_client(value))
}

/// How the viewer takes part: as their user when signed in, else by their participant cookie, else by a new
/// cookie (returned with the `Set-Cookie` value to send, so that they count once from their first act on).
pub fn participant_key(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
) -> (ParticipantKey, Option<HeaderValue>) {
    if let Some(user) = &viewer.user {
        return (ParticipantKey::User(user.user_id), None);
    }
    if let Some(token) = participant_cookie(headers) {
        return (ParticipantKey::Cookie(token), None);
    }
    let token = Token::generate();
    let secure = if state.auth.secure_cookies { "; Secure" } else { "" };
    let cookie = HeaderValue::from_str(&format!(
        "{PARTICIPANT_COOKIE}={}; HttpOnly; SameSite=Lax; Path=/; Max-Age={PARTICIPANT_COOKIE_SECONDS}{secure}",
        token.expose()
    ))
    .expect("a hex token is a valid header value");
    (ParticipantKey::Cookie(token), Some(cookie))
}

/// The viewer's participant number, if they took part already (no cookie is made).
///
/// # Errors
/// When the store fails.
pub async fn existing_participant(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    consultation_id: i64,
) -> Result<Option<i64>, Error> {
    let key = match (&viewer.user, participant_cookie(headers)) {
        (Some(user), _) => ParticipantKey::User(user.user_id),
        (None, Some(token)) => ParticipantKey::Cookie(token),
        (None, None) => return Ok(None),
    };
    Ok(state.store.find_participant(consultation_id, &key).await?)
}

/// A number in [0, 1) drawn from the SHA-256 of the consultation, the participant (or `new`) and how many
/// votes they cast: the same state gives the same draw (a reload shows the same statement), the next vote
/// a new one.
pub fn draw(consultation_id: i64, participant_id: Option<i64>, n_votes: usize) -> f64 {
    let participant = participant_id.map_or("new".to_owned(), |id| id.to_string());
    let digest =
        Sha256::digest(format!("accord-next-statement\0{consultation_id}\0{participant}\0{n_votes}"));
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    // The top 53 bits make a double in [0, 1) with every value equally likely.
    (u64::from_be_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// The statement to show next, as Pol.is's server picks it (`selectProbabilistically` in
/// compdemocracy/polis `server/src/nextComment.ts`): among the statements open for votes that the participant
/// has not voted on, one at random with probability proportional to its priority from the analysis
/// (`comment_priorities`; 1 for a statement the analysis has not seen yet, as Pol.is does). `draw` in [0, 1)
/// picks it; `None` when nothing is left.
pub fn next_statement(
    statements: &[ConsultationStatement],
    strict_moderation: bool,
    voted: &BTreeMap<i64, i64>,
    priorities: &BTreeMap<i64, f64>,
    draw: f64,
) -> Option<i64> {
    let candidates: Vec<(i64, f64)> = statements
        .iter()
        .filter(|statement| {
            statement.is_votable(strict_moderation) && !voted.contains_key(&statement.statement_id)
        })
        .map(|statement| {
            let priority = priorities.get(&statement.statement_id).copied().unwrap_or(1.0);
            (statement.statement_id, if priority.is_finite() && priority > 0.0 { priority } else { 0.0 })
        })
        .collect();
    let total: f64 = candidates.iter().map(|(_, weight)| weight).sum();
    if candidates.is_empty() {
        return None;
    }
    if total <= 0.0 {
        let index = ((draw * candidates.len() as f64) as usize).min(candidates.len() - 1);
        return Some(candidates[index].0);
    }
    let target = draw * total;
    let mut cumulative = 0.0;
    for (statement_id, weight) in &candidates {
        cumulative += weight;
        if target < cumulative {
            return Some(*statement_id);
        }
    }
    candidates.iter().rev().find(|(_, weight)| *weight > 0.0).map(|(statement_id, _)| *statement_id)
}

/// The party the viewer opens a consultation for on a track: `None` for the secretariat, or the city whose
/// delegation the viewer is in (the table lets delegates of participants ask; only a city's may open).
///
/// # Errors
/// 401 when no one is signed in; 403 when the viewer's party is not a city.
pub async fn opening_party(
    state: &AppState,
    viewer: &Viewer,
    track_id: &str,
) -> Result<Option<String>, Error> {
    let user = viewer.signed_in()?;
    if viewer.roles.contains(&Role::Secretariat) {
        return Ok(None);
    }
    let track = state.store.track(track_id).await?;
    let Some((party_id, _)) = state.store.delegation_of(user.user_id, &track.process_id).await? else {
        return Err(Error::Forbidden(
            "only the secretariat or a city's delegation opens a consultation".into(),
        ));
    };
    let party = state.store.party(&party_id).await?;
    if party.kind != PartyKind::City {
        return Err(Error::Forbidden(format!(
            "only a city opens a consultation of residents, and `{party_id}` is not a city"
        )));
    }
    Ok(Some(party_id))
}

/// Whether the viewer may moderate and close a consultation: the secretariat of its process, or a member of
/// the delegation of the city that opened it.
///
/// # Errors
/// When the store fails.
pub async fn may_moderate(
    state: &AppState,
    viewer: &Viewer,
    consultation: &Consultation,
) -> Result<bool, Error> {
    let Some(user) = &viewer.user else { return Ok(false) };
    if viewer.roles.contains(&Role::Secretariat) {
        return Ok(true);
    }
    let Some(opener) = &consultation.party_id else { return Ok(false) };
    let track = state.store.track(&consultation.track_id).await?;
    let own = state.store.delegation_of(user.user_id, &track.process_id).await?;
    Ok(own.is_some_and(|(party_id, _)| &party_id == opener))
}

/// 403 unless [`may_moderate`].
///
/// # Errors
/// 401 when no one is signed in, 403 for anyone but the opener and the secretariat.
pub async fn check_moderator(
    state: &AppState,
    viewer: &Viewer,
    consultation: &Consultation,
) -> Result<(), Error> {
    viewer.signed_in()?;
    if may_moderate(state, viewer, consultation).await? {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "only the secretariat or the delegation of the city that opened this consultation moderates and closes it"
                .into(),
        ))
    }
}

/// One participant on the opinion map.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MapPoint {
    /// The participant's number.
    pub participant: i64,
    /// Their group's id.
    pub group: usize,
    /// Position on the first principal component.
    pub x: f64,
    /// Position on the second principal component.
    pub y: f64,
}

/// A statement's share of agrees and disagrees among some participants.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StatementShare {
    /// The statement's id.
    pub statement: i64,
    /// Its text.
    pub text: String,
    /// `agree` or `disagree`: what makes it representative or consensus.
    pub side: String,
    /// Agrees among those who voted on it, 0 to 100, rounded.
    pub agree_percent: u32,
    /// Disagrees among those who voted on it, 0 to 100, rounded.
    pub disagree_percent: u32,
    /// Votes (passes included) it had among them.
    pub n_votes: u64,
    /// Pol.is's representativeness (groups) or probability of agreement (consensus).
    pub score: f64,
}

/// One opinion group.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GroupResult {
    /// Its id (0, 1 …).
    pub id: usize,
    /// "Group A" …
    pub label: String,
    /// Its colour on the map (Okabe–Ito).
    pub colour: String,
    /// Its participants.
    pub n_participants: usize,
    /// Its share of the clustered participants, 0 to 100, rounded.
    pub share_percent: u32,
    /// Its representative statements (Pol.is repness), best first.
    pub representative: Vec<StatementShare>,
}

/// The results of a consultation.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Results {
    /// Participants who voted.
    pub n_voters: usize,
    /// Participants who voted enough to be placed in a group (Pol.is in-conv).
    pub n_clustered: usize,
    /// The groups.
    pub groups: Vec<GroupResult>,
    /// Statements most participants agree with, across groups.
    pub consensus_agree: Vec<StatementShare>,
    /// Statements most participants disagree with.
    pub consensus_disagree: Vec<StatementShare>,
    /// Every clustered participant on the map.
    pub points: Vec<MapPoint>,
}

fn percent(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        0
    } else {
        ((part as f64 * 100.0 / whole as f64).round()) as u32
    }
}

/// The results of an analysis, with statement texts.
pub fn results(analysis: &Analysis, statements: &[ConsultationStatement]) -> Results {
    let texts: BTreeMap<i64, &str> =
        statements.iter().map(|statement| (statement.statement_id, statement.text.as_str())).collect();
    let text = |statement_id: i64| texts.get(&statement_id).copied().unwrap_or_default().to_owned();
    let groups_of = accord_store::opendata::participant_groups(analysis);
    let n_clustered = groups_of.len();
    let groups = analysis
        .group_clusters
        .iter()
        .map(|group| {
            let n_participants = groups_of.values().filter(|of| **of == group.id).count();
            let votes = analysis.group_votes.iter().find(|votes| votes.group_id == group.id);
            let representative = analysis
                .repness
                .get(&group.id)
                .into_iter()
                .flatten()
                .map(|statement| {
                    let counts =
                        votes.and_then(|votes| votes.votes.get(&statement.tid)).copied().unwrap_or_default();
                    StatementShare {
                        statement: statement.tid,
                        text: text(statement.tid),
                        side: match statement.repful_for {
                            RepfulFor::Agree => "agree",
                            RepfulFor::Disagree => "disagree",
                        }
                        .to_owned(),
                        agree_percent: percent(counts.agree, counts.seen),
                        disagree_percent: percent(counts.disagree, counts.seen),
                        n_votes: counts.seen,
                        score: statement.repness,
                    }
                })
                .collect();
            GroupResult {
                id: group.id,
                label: group_label(group.id),
                colour: GROUP_COLOURS[group.id % GROUP_COLOURS.len()].to_owned(),
                n_participants,
                share_percent: percent(n_participants as u64, n_clustered as u64),
                representative,
            }
        })
        .collect();
    let consensus = |list: &[accord_opinion::ConsensusStatement], side: &str| -> Vec<StatementShare> {
        list.iter()
            .map(|statement| {
                let (agree, disagree) =
                    analysis.group_votes.iter().fold((0, 0), |(agree, disagree), group| {
                        let counts = group.votes.get(&statement.tid).copied().unwrap_or_default();
                        (agree + counts.agree, disagree + counts.disagree)
                    });
                StatementShare {
                    statement: statement.tid,
                    text: text(statement.tid),
                    side: side.to_owned(),
                    agree_percent: percent(
                        if side == "agree" { statement.n_success } else { agree },
                        statement.n_trials,
                    ),
                    disagree_percent: percent(
                        if side == "disagree" { statement.n_success } else { disagree },
                        statement.n_trials,
                    ),
                    n_votes: statement.n_trials,
                    score: statement.p_success,
                }
            })
            .collect()
    };
    let points = groups_of
        .iter()
        .filter_map(|(participant, group)| {
            analysis.projections.get(participant).map(|[x, y]| MapPoint {
                participant: *participant,
                group: *group,
                x: *x,
                y: *y,
            })
        })
        .collect();
    Results {
        n_voters: analysis.user_vote_counts.values().filter(|n_votes| **n_votes > 0).count(),
        n_clustered,
        groups,
        consensus_agree: consensus(&analysis.consensus.agree, "agree"),
        consensus_disagree: consensus(&analysis.consensus.disagree, "disagree"),
        points,
    }
}

/// A participant's dot on the SVG map, in the picture's own units.
#[derive(Debug, Clone)]
pub struct SvgPoint {
    /// Centre, from the left.
    pub cx: String,
    /// Centre, from the top.
    pub cy: String,
    /// Fill colour.
    pub colour: String,
    /// What a screen reader or a hover says: "Participant 12, Group A".
    pub title: String,
}

/// A group's label on the SVG map.
#[derive(Debug, Clone)]
pub struct SvgLabel {
    /// Anchor, from the left.
    pub x: String,
    /// Anchor, from the top.
    pub y: String,
    /// "Group A".
    pub text: String,
}

/// Width of the map's viewBox.
pub const MAP_WIDTH: f64 = 640.0;
/// Height of the map's viewBox.
pub const MAP_HEIGHT: f64 = 400.0;
const MAP_MARGIN: f64 = 24.0;

/// The map's dots and labels: projections scaled into the viewBox with a margin (the same scale on both
/// axes, so that distances read true), each group labelled at the mean of its dots.
pub fn svg_map(results: &Results) -> (Vec<SvgPoint>, Vec<SvgLabel>) {
    let dots: Vec<MapInput> = results
        .points
        .iter()
        .map(|point| MapInput {
            x: point.x,
            y: point.y,
            group: point.group,
            title: format!("Participant {}, {}", point.participant, group_label(point.group)),
        })
        .collect();
    let groups: Vec<(usize, &str)> =
        results.groups.iter().map(|group| (group.id, group.label.as_str())).collect();
    layout_map(&dots, &groups, MAP_MARGIN, 10.0)
}

/// One dot to place on an opinion map: its projection, its group, and what its `<title>` says.
#[derive(Debug, Clone)]
pub struct MapInput {
    /// First component of the projection.
    pub x: f64,
    /// Second component of the projection.
    pub y: f64,
    /// The group, from 0; it picks the colour from [`GROUP_COLOURS`].
    pub group: usize,
    /// "Participant 12, Group A", "Brazil, Group A".
    pub title: String,
}

/// Places `dots` in the [`MAP_WIDTH`] x [`MAP_HEIGHT`] viewBox, `margin` units from its edges, with one
/// scale on both axes so that distances read true, and labels each of `groups` (`(id, label)`) `label_lift`
/// units above the mean of its dots (at least 14 from the top). Shared by the consultation results and the
/// parties' map on the consensus dashboard. Empty for no dots.
pub fn layout_map(
    dots: &[MapInput],
    groups: &[(usize, &str)],
    margin: f64,
    label_lift: f64,
) -> (Vec<SvgPoint>, Vec<SvgLabel>) {
    if dots.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let (min_x, max_x) = dots.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.x), hi.max(p.x)));
    let (min_y, max_y) = dots.iter().fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.y), hi.max(p.y)));
    let span =
        ((max_x - min_x) / (MAP_WIDTH - 2.0 * margin)).max((max_y - min_y) / (MAP_HEIGHT - 2.0 * margin));
    let scale = if span > 0.0 { 1.0 / span } else { 1.0 };
    let offset_x = (MAP_WIDTH - (max_x - min_x) * scale) / 2.0;
    let offset_y = (MAP_HEIGHT - (max_y - min_y) * scale) / 2.0;
    let place = |x: f64, y: f64| (offset_x + (x - min_x) * scale, offset_y + (y - min_y) * scale);
    let points = dots
        .iter()
        .map(|dot| {
            let (cx, cy) = place(dot.x, dot.y);
            SvgPoint {
                cx: format!("{cx:.1}"),
                cy: format!("{cy:.1}"),
                colour: GROUP_COLOURS[dot.group % GROUP_COLOURS.len()].to_owned(),
                title: dot.title.clone(),
            }
        })
        .collect();
    let labels = groups
        .iter()
        .filter_map(|(id, label)| {
            let members: Vec<&MapInput> = dots.iter().filter(|dot| dot.group == *id).collect();
            if members.is_empty() {
                return None;
            }
            let n = members.len() as f64;
            let (x, y) = place(
                members.iter().map(|dot| dot.x).sum::<f64>() / n,
                members.iter().map(|dot| dot.y).sum::<f64>() / n,
            );
            Some(SvgLabel {
                x: format!("{x:.1}"),
                y: format!("{:.1}", (y - label_lift).max(14.0)),
                text: (*label).to_owned(),
            })
        })
        .collect();
    (points, labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_store::Moderation;

    fn statement(statement_id: i64, moderation: Moderation) -> ConsultationStatement {
        ConsultationStatement {
            statement_id,
            text: String::new(),
            language: String::new(),
            is_seed: true,
            author_id: None,
            moderation,
            is_meta: false,
            created_ms: 0,
        }
    }

    #[test]
    fn the_draw_falls_in_the_statement_whose_share_of_the_total_priority_holds_it() {
        let statements = [
            statement(0, Moderation::Accepted),
            statement(1, Moderation::Accepted),
            statement(2, Moderation::Accepted),
        ];
        // Priorities 1, 3 and (unseen) 1: shares [0, 0.2), [0.2, 0.8), [0.8, 1).
        let priorities = BTreeMap::from([(0, 1.0), (1, 3.0)]);
        let none = BTreeMap::new();
        assert_eq!(next_statement(&statements, true, &none, &priorities, 0.19), Some(0));
        assert_eq!(next_statement(&statements, true, &none, &priorities, 0.2), Some(1));
        assert_eq!(next_statement(&statements, true, &none, &priorities, 0.79), Some(1));
        assert_eq!(next_statement(&statements, true, &none, &priorities, 0.8), Some(2));
        // A statement voted on is never drawn: 0 and 2 share the draws half and half.
        let voted = BTreeMap::from([(1, 1)]);
        assert_eq!(next_statement(&statements, true, &voted, &priorities, 0.49), Some(0));
        assert_eq!(next_statement(&statements, true, &voted, &priorities, 0.5), Some(2));
        let all = BTreeMap::from([(0, 1), (1, 1), (2, 0)]);
        assert_eq!(next_statement(&statements, true, &all, &priorities, 0.3), None);
    }

    #[test]
    fn a_pending_statement_is_drawn_only_without_moderation_first() {
        let statements = [statement(0, Moderation::Pending), statement(1, Moderation::Rejected)];
        let (no_votes, no_priorities) = (BTreeMap::new(), BTreeMap::new());
        assert_eq!(next_statement(&statements, true, &no_votes, &no_priorities, 0.5), None);
        assert_eq!(next_statement(&statements, false, &no_votes, &no_priorities, 0.5), Some(0));
    }

    #[test]
    fn draws_are_repeatable_and_spread_over_the_unit_interval() {
        assert_eq!(draw(1, Some(2), 3), draw(1, Some(2), 3));
        let draws: Vec<f64> = (0..1000).map(|n_votes| draw(7, Some(0), n_votes)).collect();
        assert!(draws.iter().all(|value| (0.0..1.0).contains(value)));
        let below_half = draws.iter().filter(|value| **value < 0.5).count();
        // A fair coin 1000 times: 500 ± 3 standard deviations (3 × 15.8).
        assert!((453..=547).contains(&below_half), "{below_half}");
    }

    #[test]
    fn groups_are_labelled_by_letter() {
        assert_eq!(group_label(0), "Group A");
        assert_eq!(group_label(2), "Group C");
    }
}
