//! The pipeline: who is clustered, PCA, base and group clusters, group votes, repness, consensus,
//! group-aware consensus and comment priorities.
//!
//! Mirrors the `small-conv-update-graph` of compdemocracy/polis
//! `math/src/polismath/math/conversation.clj`, run once from a cold start (no previous update).

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use crate::clusters::{
    base_clusters, group_clusters, BaseCluster, GroupCluster, GroupKSmoother, KmeansBounds,
};
use crate::conversation::{Conversation, ParticipantId, StatementId};
use crate::hash_order::clojure_order_key;
use crate::pca::{pca, project_participants, PairSums, Pca};
use crate::repness::{select_consensus, select_rep_comments, Consensus, Counts, RepresentativeStatement};
use crate::settings::CheckedSettings;

/// Agree, disagree and seen (passes included) counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VoteCounts {
    /// Agrees (Pol.is `A`).
    pub agree: u64,
    /// Disagrees (Pol.is `D`).
    pub disagree: u64,
    /// Votes of any kind (Pol.is `S`).
    pub seen: u64,
}

/// One statement's counts per base cluster (Pol.is `votes-base`): each vector has one entry per base
/// cluster, in ascending base-cluster id order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VotesBase {
    /// Agrees per base cluster.
    pub agree: Vec<u64>,
    /// Disagrees per base cluster.
    pub disagree: Vec<u64>,
    /// Votes per base cluster.
    pub seen: Vec<u64>,
}

/// One group's votes (an entry of Pol.is `group-votes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupVotes {
    /// The group's id.
    pub group_id: usize,
    /// Its number of participants.
    pub n_members: usize,
    /// Its counts on every statement that has votes, moderated-out ones included.
    pub votes: BTreeMap<StatementId, VoteCounts>,
}

/// Everything the pipeline computes (the fields of Pol.is's `math-pca2` record).
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Number of participants (Pol.is `n`).
    pub n_participants: usize,
    /// Statement ids with votes, ascending (Pol.is `tids`); `n_statements` is its length.
    pub tids: Vec<StatementId>,
    /// Votes (passes included) per participant, all participants (Pol.is `user-vote-counts`).
    pub user_vote_counts: BTreeMap<ParticipantId, usize>,
    /// The participants that are clustered, in the order Pol.is iterates them (Pol.is `in-conv`).
    pub in_conv: Vec<ParticipantId>,
    /// Principal components and statement projections.
    pub pca: Pca,
    /// Every participant's position `[x, y]`.
    pub projections: BTreeMap<ParticipantId, [f64; 2]>,
    /// Base clusters, ascending by id.
    pub base_clusters: Vec<BaseCluster>,
    /// Groups, ascending by id.
    pub group_clusters: Vec<GroupCluster>,
    /// The silhouette of each number of groups tried, `(k, silhouette)`; empty when groups were given.
    pub group_k_silhouettes: Vec<(usize, f64)>,
    /// The state that smooths the number of groups over updates, to pass to the next
    /// [`analyze_continuing`]; `None` when groups were given.
    pub group_k_smoother: Option<GroupKSmoother>,
    /// Per-statement counts per base cluster (Pol.is `votes-base`).
    pub votes_base: BTreeMap<StatementId, VotesBase>,
    /// Per-group counts, in group order (Pol.is `group-votes`).
    pub group_votes: Vec<GroupVotes>,
    /// Representative statements per group id (Pol.is `repness`).
    pub repness: BTreeMap<usize, Vec<RepresentativeStatement>>,
    /// Consensus statements (Pol.is `consensus`).
    pub consensus: Consensus,
    /// Per statement, the product over groups of `(A + 1) / (S + 2)` (Pol.is `group-aware-consensus`,
    /// the openData `group-informed-consensus`); empty when there are no groups.
    pub group_aware_consensus: BTreeMap<StatementId, f64>,
    /// Per statement, the probability weight for showing it next (Pol.is `comment-priorities`).
    pub comment_priorities: BTreeMap<StatementId, f64>,
}

/// A clustering given from outside (for instance Pol.is's own), for [`analyze_with_groups`].
#[derive(Debug, Clone, PartialEq)]
pub struct GivenClustering {
    /// Base clusters; their centers are reported as given and not used.
    pub base_clusters: Vec<BaseCluster>,
    /// Groups of base-cluster ids; their centers are reported as given and not used.
    pub group_clusters: Vec<GroupCluster>,
}

/// Why a given clustering does not fit the conversation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GivenClusteringError {
    /// A base cluster lists a participant with no votes in the conversation.
    #[error("base cluster {base_cluster}: expected participants of the conversation, found participant {participant}")]
    UnknownParticipant {
        /// The base cluster's id.
        base_cluster: usize,
        /// The unknown participant.
        participant: ParticipantId,
    },
    /// A group lists a base cluster that is not given.
    #[error("group {group}: expected ids of given base clusters, found base cluster {base_cluster}")]
    UnknownBaseCluster {
        /// The group's id.
        group: usize,
        /// The unknown base-cluster id.
        base_cluster: usize,
    },
}

impl GivenClustering {
    /// One base cluster per group, from `(participant, group id)` pairs such as the `group-id`
    /// column of Pol.is's `participants-votes.csv`; base cluster `g` holds group `g`'s participants.
    pub fn from_participant_groups(memberships: &[(ParticipantId, usize)]) -> GivenClustering {
        let mut by_group: BTreeMap<usize, Vec<ParticipantId>> = BTreeMap::new();
        for &(participant, group) in memberships {
            by_group.entry(group).or_default().push(participant);
        }
        let base_clusters: Vec<BaseCluster> = by_group
            .into_iter()
            .map(|(id, members)| BaseCluster { id, members, center: [0.0, 0.0] })
            .collect();
        let group_clusters = base_clusters
            .iter()
            .map(|b| GroupCluster { id: b.id, members: vec![b.id], center: [0.0, 0.0] })
            .collect();
        GivenClustering { base_clusters, group_clusters }
    }
}

/// Pol.is's `in-conv` on a cold start (`conversation.clj`, `:in-conv`): participants with at least
/// `min(min_votes_in_conv, n_statements)` votes; when fewer than `greedy_in_conv`, the top voters
/// fill up to that count (ties in Clojure map order). Returned in Clojure set order.
pub(crate) fn in_conv(conversation: &Conversation, settings: &CheckedSettings) -> Vec<ParticipantId> {
    let settings = settings.get();
    let counts = conversation.vote_counts();
    let threshold = settings.min_votes_in_conv.min(conversation.statements().len());
    // (order key, participant, votes) in Clojure order; equal keys (a hash collision) by id.
    let mut by_hash: Vec<(u64, ParticipantId, usize)> =
        conversation.participants().iter().zip(counts).map(|(&p, c)| (clojure_order_key(p), p, c)).collect();
    by_hash.sort_unstable();
    let mut chosen: Vec<bool> = by_hash.iter().map(|&(_, _, c)| c >= threshold).collect();
    let n_chosen = chosen.iter().filter(|&&c| c).count();
    if n_chosen < settings.greedy_in_conv {
        // The top voters among the others fill up; ties in Clojure order (a stable sort).
        let mut others: Vec<usize> = (0..by_hash.len()).filter(|&i| !chosen[i]).collect();
        others.sort_by_key(|&i| std::cmp::Reverse(by_hash[i].2));
        for i in others.into_iter().take(settings.greedy_in_conv - n_chosen) {
            chosen[i] = true;
        }
    }
    by_hash.iter().zip(&chosen).filter(|(_, &c)| c).map(|(&(_, p, _), _)| p).collect()
}

/// Runs the whole pipeline from a cold start: [`analyze_continuing`] without a previous update.
///
/// Deterministic; degenerate conversations give a result without NaN: one participant makes one
/// group, all-pass or single-row data give zero components and every participant at the origin.
pub fn analyze(conversation: &Conversation, settings: &CheckedSettings) -> Analysis {
    analyze_continuing(conversation, settings, None)
}

/// Runs the whole pipeline, carrying over the previous update's [`GroupKSmoother`] so the number of
/// groups changes only after [`crate::Settings::group_k_buffer`] updates agree on it. Components,
/// clusters and `in_conv` still start cold (Pol.is warm-starts them too; we do not).
pub fn analyze_continuing(
    conversation: &Conversation,
    settings: &CheckedSettings,
    previous: Option<&GroupKSmoother>,
) -> Analysis {
    cold_start(conversation, settings, previous, None).0
}

/// [`analyze_continuing`], with the conversation's pair sums when the caller keeps them; also
/// returns the bounds of the base clusters' k-means run, for the next update's.
pub(crate) fn cold_start(
    conversation: &Conversation,
    settings: &CheckedSettings,
    previous: Option<&GroupKSmoother>,
    pair_sums: Option<&mut PairSums>,
) -> (Analysis, KmeansBounds) {
    let pca = pca(conversation, settings.get().pca_iters, None, pair_sums);
    let positions = project_participants(conversation, &pca);
    let in_conv = in_conv(conversation, settings);
    let rows: Vec<usize> = in_conv
        .iter()
        .map(|&p| conversation.participant_index(p).expect("in_conv holds participants"))
        .collect();
    let in_conv_positions: Vec<[f64; 2]> = rows.iter().map(|&row| positions[row]).collect();
    let (base, bounds) =
        base_clusters(&in_conv, &in_conv_positions, settings.get().base_k, settings.get().base_iters, None);
    let settings = settings.get();
    let (groups, silhouettes, smoother) =
        group_clusters(&base, settings.max_group_k, settings.group_iters, previous, settings.group_k_buffer);
    let mut analysis = downstream(
        conversation,
        pca,
        positions,
        in_conv,
        base,
        groups,
        silhouettes,
        None,
        None,
        ClusteredRows::Given(&rows),
    );
    analysis.group_k_smoother = smoother;
    (analysis, bounds)
}

/// Runs the pipeline with the clustering given instead of computed: PCA, projections and `in_conv`
/// are computed as in [`analyze`], everything after the clustering from `given`.
///
/// # Errors
///
/// [`GivenClusteringError`] when a base cluster names an unknown participant or a group an unknown
/// base cluster.
pub fn analyze_with_groups(
    conversation: &Conversation,
    settings: &CheckedSettings,
    given: &GivenClustering,
) -> Result<Analysis, GivenClusteringError> {
    for base in &given.base_clusters {
        if let Some(&participant) =
            base.members.iter().find(|&&p| conversation.participant_index(p).is_none())
        {
            return Err(GivenClusteringError::UnknownParticipant { base_cluster: base.id, participant });
        }
    }
    let base_ids: BTreeSet<usize> = given.base_clusters.iter().map(|b| b.id).collect();
    for group in &given.group_clusters {
        if let Some(&base_cluster) = group.members.iter().find(|b| !base_ids.contains(b)) {
            return Err(GivenClusteringError::UnknownBaseCluster { group: group.id, base_cluster });
        }
    }
    let pca = pca(conversation, settings.get().pca_iters, None, None);
    let positions = project_participants(conversation, &pca);
    let in_conv = in_conv(conversation, settings);
    let mut base = given.base_clusters.clone();
    base.sort_by_key(|b| b.id);
    let mut groups = given.group_clusters.clone();
    groups.sort_by_key(|g| g.id);
    Ok(downstream(
        conversation,
        pca,
        positions,
        in_conv,
        base,
        groups,
        Vec::new(),
        None,
        None,
        ClusteredRows::FromMembers,
    ))
}

/// One base cluster's `[seen, agree, disagree]` counts per statement column.
pub(crate) type ClusterCounts = Vec<[u32; 3]>;

/// Adds (or, with `remove`, takes away) one participant's votes, given as columns and Pol.is values,
/// to a cluster's counts.
pub(crate) fn add_votes(counts: &mut [[u32; 3]], columns: &[u32], values: &[i8], remove: bool) {
    for (&s, &v) in columns.iter().zip(values) {
        let add = [1, u32::from(v == -1), u32::from(v == 1)];
        let c = &mut counts[s as usize];
        for k in 0..3 {
            c[k] = if remove { c[k] - add[k] } else { c[k] + add[k] };
        }
    }
}

/// Each base cluster's counts from its members' rows, in base-cluster order: in parallel, each
/// cluster's rows in ascending order and its counts compact, so that they stay in cache while its
/// rows are read. Integer sums: the result does not depend on the threads.
pub(crate) fn base_cluster_counts(conversation: &Conversation, base: &[BaseCluster]) -> Vec<ClusterCounts> {
    let n_statements = conversation.statements().len();
    base.par_iter()
        .map(|cluster| {
            let mut rows: Vec<usize> =
                cluster.members.iter().filter_map(|&p| conversation.participant_index(p)).collect();
            rows.sort_unstable();
            let mut counts = vec![[0u32; 3]; n_statements];
            for row in rows {
                let (columns, values) = conversation.row_votes(row);
                add_votes(&mut counts, columns, values, false);
            }
            counts
        })
        .collect()
}

/// Maps of the last [`Analysis`] for [`downstream`] to write into instead of building them
/// again: the per-participant maps, brought up to date by the caller (the [`crate::Engine`]) in
/// keys (every participant) and vote counts, and votes-base, whose vectors are refilled when it
/// has the same statements.
#[derive(Debug)]
pub(crate) struct KeptMaps {
    /// [`Analysis::user_vote_counts`], up to date.
    pub(crate) user_vote_counts: BTreeMap<ParticipantId, usize>,
    /// [`Analysis::projections`] with every participant as a key; the values are overwritten.
    pub(crate) projections: BTreeMap<ParticipantId, [f64; 2]>,
    /// The last [`Analysis::votes_base`]; its values are overwritten.
    pub(crate) votes_base: BTreeMap<StatementId, VotesBase>,
}

/// Which of the conversation's rows are clustered (members of the base clusters), for
/// [`downstream`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum ClusteredRows<'a> {
    /// The caller has them: the rows of `in_conv`, which the base clusters partition.
    Given(&'a [usize]),
    /// Looked up from the base clusters' members.
    FromMembers,
}

/// Statements filled together when building votes-base.
const VOTES_BASE_BLOCK: usize = 16;

/// Everything after the clustering. `cluster_counts`, when the caller keeps them up to date (the
/// [`crate::Engine`]), are [`base_cluster_counts`] of `base`; otherwise they are computed. `kept`,
/// when given with one key per participant, becomes the participant maps, with the positions
/// written in; otherwise they are built. `clustered` says which rows are in the base clusters.
#[allow(clippy::too_many_arguments)]
pub(crate) fn downstream(
    conversation: &Conversation,
    pca: Pca,
    positions: Vec<[f64; 2]>,
    in_conv: Vec<ParticipantId>,
    base: Vec<BaseCluster>,
    groups: Vec<GroupCluster>,
    group_k_silhouettes: Vec<(usize, f64)>,
    cluster_counts: Option<&[ClusterCounts]>,
    kept: Option<KeptMaps>,
    clustered: ClusteredRows<'_>,
) -> Analysis {
    let tids = conversation.statements().to_vec();
    let n_statements = tids.len();
    // Counts per base cluster and statement, `[seen, agree, disagree]`: cluster_counts[b][s].
    // votes-base reads the raw matrix: moderated-out columns keep their votes.
    let computed;
    let cluster_counts = match cluster_counts {
        Some(counts) => counts,
        None => {
            computed = base_cluster_counts(conversation, &base);
            &computed
        }
    };
    // Adds a cluster's compact counts into wider ones.
    let add_cluster = |totals: &mut [VoteCounts], counts: &[[u32; 3]]| {
        for (total, &[seen, agree, disagree]) in totals.iter_mut().zip(counts) {
            total.seen += u64::from(seen);
            total.agree += u64::from(agree);
            total.disagree += u64::from(disagree);
        }
    };
    let clustered = {
        let mut is_clustered = vec![false; conversation.participants().len()];
        match clustered {
            ClusteredRows::Given(rows) => rows.iter().for_each(|&row| is_clustered[row] = true),
            ClusteredRows::FromMembers => {
                for &participant in base.iter().flat_map(|cluster| &cluster.members) {
                    if let Some(row) = conversation.participant_index(participant) {
                        is_clustered[row] = true;
                    }
                }
            }
        }
        is_clustered
    };
    // All participants' counts: the clusters' plus those of the participants not clustered.
    let mut all_counts = vec![VoteCounts::default(); n_statements];
    for counts in cluster_counts {
        add_cluster(&mut all_counts, counts);
    }
    let mut compact = vec![[0u32; 3]; n_statements];
    for row in (0..clustered.len()).filter(|&row| !clustered[row]) {
        let (columns, values) = conversation.row_votes(row);
        add_votes(&mut compact, columns, values, false);
    }
    for (total, [seen, agree, disagree]) in all_counts.iter_mut().zip(compact) {
        total.seen += u64::from(seen);
        total.agree += u64::from(agree);
        total.disagree += u64::from(disagree);
    }
    // votes-base wants per statement one entry per cluster: the counts transposed a few
    // statements at a time, so that each cluster's counts are read in order.
    let n_base = cluster_counts.len();
    let mut by_statement = vec![[0u32; 3]; n_statements * n_base];
    for first in (0..n_statements).step_by(VOTES_BASE_BLOCK) {
        let last = (first + VOTES_BASE_BLOCK).min(n_statements);
        for (b, counts) in cluster_counts.iter().enumerate() {
            for (s, &c) in (first..last).zip(&counts[first..last]) {
                by_statement[s * n_base + b] = c;
            }
        }
    }
    let counts_of = |s: usize| &by_statement[s * n_base..(s + 1) * n_base];
    let (kept, last_votes_base) = match kept {
        Some(KeptMaps { user_vote_counts, projections, votes_base }) => {
            (Some((user_vote_counts, projections)), Some(votes_base))
        }
        None => (None, None),
    };
    let votes_base: BTreeMap<StatementId, VotesBase> = match last_votes_base {
        Some(mut votes_base) if votes_base.keys().eq(tids.iter()) => {
            for (s, entry) in votes_base.values_mut().enumerate() {
                for (k, column) in
                    [&mut entry.seen, &mut entry.agree, &mut entry.disagree].into_iter().enumerate()
                {
                    column.clear();
                    column.extend(counts_of(s).iter().map(|c| u64::from(c[k])));
                }
            }
            votes_base
        }
        _ => tids
            .iter()
            .enumerate()
            .map(|(s, &tid)| {
                let column = |k: usize| counts_of(s).iter().map(|c| u64::from(c[k])).collect();
                (tid, VotesBase { agree: column(1), disagree: column(2), seen: column(0) })
            })
            .collect(),
    };
    let base_index: BTreeMap<usize, usize> = base.iter().enumerate().map(|(i, b)| (b.id, i)).collect();
    // group_counts[g][s], summed over the group's base clusters (integers: in any order).
    let group_counts: Vec<Vec<VoteCounts>> = groups
        .iter()
        .map(|g| {
            let mut sums = vec![VoteCounts::default(); n_statements];
            for b in &g.members {
                add_cluster(&mut sums, &cluster_counts[base_index[b]]);
            }
            sums
        })
        .collect();
    let group_votes: Vec<GroupVotes> = groups
        .iter()
        .zip(&group_counts)
        .map(|(g, counts)| GroupVotes {
            group_id: g.id,
            n_members: g.members.iter().map(|b| base[base_index[b]].members.len()).sum(),
            votes: tids.iter().copied().zip(counts.iter().copied()).collect(),
        })
        .collect();
    // Repness and consensus read the rating matrix, whose moderated-out columns are zeroed; those
    // statements are then left out, so the raw counts serve for every statement that matters.
    let mod_out: Vec<bool> = (0..n_statements).map(|s| conversation.is_mod_out(s)).collect();
    let as_counts = |c: &VoteCounts| Counts { na: c.agree, nd: c.disagree, ns: c.seen };
    let repness_counts: Vec<Vec<Counts>> =
        group_counts.iter().map(|counts| counts.iter().map(as_counts).collect()).collect();
    let repness =
        groups.iter().map(|g| g.id).zip(select_rep_comments(&tids, &repness_counts, &mod_out)).collect();
    let all_counts: Vec<Counts> = all_counts.iter().map(as_counts).collect();
    let consensus = select_consensus(&tids, &all_counts, &mod_out);
    let group_aware_consensus = if groups.is_empty() {
        BTreeMap::new()
    } else {
        tids.iter()
            .enumerate()
            .map(|(s, &tid)| {
                let product = group_counts
                    .iter()
                    .map(|counts| (counts[s].agree as f64 + 1.0) / (counts[s].seen as f64 + 2.0))
                    .reduce(|a, b| a * b)
                    .unwrap_or(1.0);
                (tid, product)
            })
            .collect()
    };
    let comment_priorities = tids
        .iter()
        .enumerate()
        .map(|(s, &tid)| {
            let total = group_counts.iter().fold(VoteCounts::default(), |acc, counts| VoteCounts {
                agree: acc.agree + counts[s].agree,
                disagree: acc.disagree + counts[s].disagree,
                seen: acc.seen + counts[s].seen,
            });
            let priority =
                comment_priority(conversation.meta().contains(&tid), total, pca.comment_extremity[s]);
            (tid, priority)
        })
        .collect();
    let participants = conversation.participants();
    let (user_vote_counts, projections) = match kept {
        Some((user_vote_counts, mut projections))
            if user_vote_counts.len() == participants.len() && projections.len() == participants.len() =>
        {
            // Keys ascending, as the participants' rows.
            for (position, new) in projections.values_mut().zip(&positions) {
                *position = *new;
            }
            (user_vote_counts, projections)
        }
        _ => (
            participants.iter().copied().zip(conversation.vote_counts()).collect(),
            participants.iter().copied().zip(positions).collect(),
        ),
    };
    Analysis {
        n_participants: participants.len(),
        user_vote_counts,
        in_conv,
        projections,
        base_clusters: base,
        group_clusters: groups,
        group_k_silhouettes,
        group_k_smoother: None,
        votes_base,
        group_votes,
        repness,
        consensus,
        group_aware_consensus,
        comment_priorities,
        pca,
        tids,
    }
}

/// Pol.is's `meta-priority`: meta statements always get `7²`.
const META_PRIORITY: f64 = 7.0;

/// `conversation.clj`, `priority-metric` and `importance-metric`:
/// `(importance * (1 + 8 * 2^(-S/5)))²` with `importance = (1 - p) * (E + 1) * a`,
/// `p = (P + 1) / (S + 2)` the pass rate, `a = (A + 1) / (S + 2)` the agree rate and `E` the
/// statement's extremity; the second factor lets new statements (small `S`) bubble up.
/// `A`, `P = S - A - D` and `S` are the statement's counts summed over the groups (`votes`);
/// `extremity` is its [`Pca::comment_extremity`]. A meta statement gets `7² = 49` whatever its votes.
pub fn comment_priority(is_meta: bool, votes: VoteCounts, extremity: f64) -> f64 {
    if is_meta {
        return META_PRIORITY.powi(2);
    }
    let (agree, seen) = (votes.agree, votes.seen);
    let passes = seen - agree - votes.disagree;
    // 1 - p, as the exact ratio (S + 1 - P) / (S + 2)
    let not_pass = (seen + 1 - passes) as f64 / (seen + 2) as f64;
    let agree_rate = (agree + 1) as f64 / (seen + 2) as f64;
    let importance = not_pass * (extremity + 1.0) * agree_rate;
    let novelty = 1.0 + 8.0 * 2f64.powf(seen as f64 / -5.0);
    (importance * novelty).powi(2)
}
