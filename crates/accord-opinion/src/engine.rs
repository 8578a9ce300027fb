//! A conversation's analysis kept up to date vote by vote, as Pol.is's math worker keeps it.
//!
//! Pol.is does not start over on each vote: `conv-update` in compdemocracy/polis
//! `math/src/polismath/math/conversation.clj` adds the new votes to the rating matrix, runs power
//! iteration from the last components, keeps every participant already in `in-conv`, starts
//! k-means from the last base clusters and smooths the number of groups, then recomputes group
//! votes, repness, consensus and priorities. [`Engine`] does the same steps, each from what the
//! last refresh left where that gives the same result:
//!
//! - `XᵀX` from integer pair sums kept vote by vote, formed again only where a center or a pair
//!   changed, and the eigensolver started from the last components;
//! - one pass over the votes to project every participant (every position moves with the
//!   components);
//! - `in_conv` grown by the participants who voted since and now qualify, inserted in order;
//! - base k-means from the last centers and from the last run's Hamerly bounds, carried by how far
//!   each participant moved, so that most participants are not compared with any center;
//! - per-cluster vote counts moved only for the participants who voted or changed clusters, and
//!   the per-participant maps updated only for those who voted.
//!
//! Each is checked by a test against the straightforward form it replaces.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::analysis::{
    add_votes, base_cluster_counts, cold_start, downstream, in_conv, Analysis, ClusterCounts, ClusteredRows,
    KeptMaps,
};
use crate::clusters::{base_clusters, group_clusters, BaseCluster, KmeansBounds};
use crate::conversation::{Conversation, ConversationError, ParticipantId, SignConvention, Vote, VoteRow};
use crate::hash_order::clojure_order_key;
use crate::pca::{pca, project_participants, PairSums, PAIR_SUMS_MAX_STATEMENTS};
use crate::settings::CheckedSettings;

/// The live state of one conversation's analysis: the votes and the last [`Analysis`], refreshed
/// from the last one after new votes.
///
/// ```
/// use accord_opinion::{Conversation, Engine, Settings, SignConvention, VoteRow};
///
/// let rows: Vec<VoteRow> = [(0, 0, 1), (0, 1, -1), (1, 0, 1), (1, 1, -1), (2, 0, -1), (2, 1, 1)]
///     .iter()
///     .map(|&(participant, statement, vote)| VoteRow { participant, statement, vote, modified: 0 })
///     .collect();
/// let sign = SignConvention::AgreeIsPositive;
/// let conversation = Conversation::new(&rows, sign, None)?;
/// let mut engine = Engine::new(conversation, Settings::default().check()?, sign);
/// engine.vote(VoteRow { participant: 3, statement: 0, vote: 1, modified: 1 })?;
/// assert_eq!(engine.analysis().user_vote_counts[&3], 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    conversation: Conversation,
    settings: CheckedSettings,
    sign: SignConvention,
    analysis: Analysis,
    /// Whether votes came after `analysis` was computed.
    stale: bool,
    /// The conversation's pair sums, kept up to date vote by vote, when it has at most
    /// [`PAIR_SUMS_MAX_STATEMENTS`] statements; `None` above, or after a new statement (they are
    /// then computed again on the next refresh).
    pair_sums: Option<PairSums>,
    /// The last analysis's counts per base-cluster id, kept so that a refresh recounts only the
    /// participants who voted or moved (each member's cluster is in `bounds`); `None` after a new
    /// statement (they are then counted again).
    cluster_counts: Option<BTreeMap<usize, ClusterCounts>>,
    /// The participants who voted since the last analysis, with their votes as they were then
    /// (columns and Pol.is values; empty for a new participant).
    touched: FxHashMap<ParticipantId, (Vec<u32>, Vec<i8>)>,
    /// Whether a new statement came since the last analysis (which changes who qualifies for
    /// `in_conv` and empties `touched`).
    new_statement: bool,
    /// The bounds of the last analysis's base-cluster k-means run, over its `in_conv`, for the
    /// next run to start from.
    bounds: Option<KmeansBounds>,
    /// The conversation's row of each member of the last analysis's `in_conv`, as the rows were
    /// then.
    in_conv_rows: Vec<usize>,
}

impl Engine {
    /// Analyzes the conversation from a cold start ([`crate::analyze`]) and keeps it; new votes
    /// are read in `sign`.
    pub fn new(conversation: Conversation, settings: CheckedSettings, sign: SignConvention) -> Engine {
        let mut pair_sums = Self::pair_sums_of(&conversation);
        let (analysis, bounds) = cold_start(&conversation, &settings, None, pair_sums.as_mut());
        let cluster_counts = Some(counts_by_id(&conversation, &analysis.base_clusters));
        let in_conv_rows = rows_of(&conversation, &analysis.in_conv);
        Engine {
            conversation,
            settings,
            sign,
            analysis,
            stale: false,
            pair_sums,
            cluster_counts,
            touched: FxHashMap::default(),
            new_statement: false,
            bounds: Some(bounds),
            in_conv_rows,
        }
    }

    fn pair_sums_of(conversation: &Conversation) -> Option<PairSums> {
        (conversation.statements().len() <= PAIR_SUMS_MAX_STATEMENTS).then(|| PairSums::new(conversation))
    }

    /// The votes so far.
    pub fn conversation(&self) -> &Conversation {
        &self.conversation
    }

    /// Records a new vote: it replaces the participant's earlier vote on the statement, whatever
    /// its `modified` (a live vote is the latest). A new participant or statement is added. The
    /// analysis is refreshed on the next [`Engine::analysis`].
    ///
    /// # Errors
    ///
    /// [`ConversationError::VoteOutOfRange`] and [`ConversationError::UnknownStatement`] (when the
    /// conversation has a statement list), with `row` 0; nothing is recorded then.
    pub fn vote(&mut self, row: VoteRow) -> Result<(), ConversationError> {
        let vote = Vote::from_value(row.vote, self.sign)
            .ok_or(ConversationError::VoteOutOfRange { row: 0, found: row.vote })?;
        let before = self.conversation.participant_index(row.participant).map(|p| {
            let (columns, values) = self.conversation.row_votes(p);
            (columns.to_vec(), values.to_vec())
        });
        let n_statements = self.conversation.statements().len();
        self.conversation.set_vote(row.participant, row.statement, vote.polis_value())?;
        self.stale = true;
        // Only this participant's pairs and counts change, unless a new statement renumbered the
        // columns.
        if self.conversation.statements().len() != n_statements {
            self.pair_sums = None;
            self.cluster_counts = None;
            self.touched.clear();
            self.new_statement = true;
            return Ok(());
        }
        self.touched.entry(row.participant).or_insert_with(|| before.clone().unwrap_or_default());
        if let Some(sums) = &mut self.pair_sums {
            let mod_out = self.conversation.mod_out_columns();
            if let Some((columns, values)) = before {
                sums.add_row(&columns, &values, mod_out, -1);
            }
            let p = self.conversation.participant_index(row.participant).expect("the vote was just recorded");
            let (columns, values) = self.conversation.row_votes(p);
            sums.add_row(columns, values, mod_out, 1);
        }
        Ok(())
    }

    /// The analysis of the votes so far. After new votes it is refreshed as Pol.is's `conv-update`
    /// refreshes it: components from the last ones, participants of the last `in_conv` kept and
    /// new ones who qualify added, base clusters from the last ones, groups chosen again with the
    /// number of groups smoothed ([`crate::GroupKSmoother`]), then everything downstream.
    pub fn analysis(&mut self) -> &Analysis {
        if self.stale {
            if self.pair_sums.is_none() {
                self.pair_sums = Self::pair_sums_of(&self.conversation);
            }
            let (analysis, cluster_counts) = self.refresh();
            self.analysis = analysis;
            self.cluster_counts = Some(cluster_counts);
            self.touched.clear();
            self.new_statement = false;
            self.stale = false;
        }
        &self.analysis
    }

    /// The refreshed analysis, and its counts per base-cluster id for the next one.
    fn refresh(&mut self) -> (Analysis, BTreeMap<usize, ClusterCounts>) {
        let last_counts = self.cluster_counts.take();
        let kept = self.kept_maps();
        let settings = self.settings.get();
        let last = &self.analysis;
        let conversation = &self.conversation;
        let pca = pca(conversation, settings.pca_iters, Some(&last.pca.comps), self.pair_sums.as_mut());
        let positions = project_participants(conversation, &pca);
        let (in_conv, last_of) = self.grown_in_conv();
        let rows = self.grown_in_conv_rows(&in_conv, &last_of);
        let in_conv_positions: Vec<[f64; 2]> = rows.iter().map(|&row| positions[row]).collect();
        let last_bounds = self.bounds.take();
        // The base-cluster id of each member of the last in_conv.
        let last_ids: Option<Vec<usize>> = last_bounds
            .as_ref()
            .map(|b| b.assigned().iter().map(|&a| last.base_clusters[a as usize].id).collect());
        let bounds = last_bounds.map(|b| b.carried(&in_conv_positions, &last_of));
        let (base, bounds) = base_clusters(
            &in_conv,
            &in_conv_positions,
            settings.base_k,
            settings.base_iters,
            Some((&last.base_clusters, bounds)),
        );
        let ids: Vec<usize> = bounds.assigned().iter().map(|&a| base[a as usize].id).collect();
        self.bounds = Some(bounds);
        let (groups, silhouettes, smoother) = group_clusters(
            &base,
            settings.max_group_k,
            settings.group_iters,
            last.group_k_smoother.as_ref(),
            settings.group_k_buffer,
        );
        let mut by_id = match (last_counts, last_ids) {
            (Some(by_id), Some(last_ids)) => self.recount(by_id, &in_conv, &last_of, &last_ids, &ids),
            _ => counts_by_id(conversation, &base),
        };
        let n_statements = conversation.statements().len();
        let counts: Vec<ClusterCounts> =
            base.iter().map(|b| by_id.remove(&b.id).unwrap_or_else(|| vec![[0; 3]; n_statements])).collect();
        let clustered = ClusteredRows::Given(&rows);
        let mut analysis = downstream(
            conversation,
            pca,
            positions,
            in_conv,
            base,
            groups,
            silhouettes,
            Some(&counts),
            kept,
            clustered,
        );
        analysis.group_k_smoother = smoother;
        self.in_conv_rows = rows;
        let by_id = analysis.base_clusters.iter().map(|b| b.id).zip(counts).collect();
        (analysis, by_id)
    }

    /// The conversation's row of each member of the new `in_conv` (with `last_of` from
    /// [`Engine::grown_in_conv`]). The last members' rows are the rows they had, shifted by the
    /// number of participants new since who sort before them (all in `touched`, with no earlier
    /// votes); only newcomers to `in_conv` are looked up. After a new statement (which empties
    /// `touched`) every member is looked up.
    fn grown_in_conv_rows(&self, in_conv: &[ParticipantId], last_of: &[Option<usize>]) -> Vec<usize> {
        let conversation = &self.conversation;
        let mut new_participants: Vec<ParticipantId> =
            self.touched.iter().filter(|(_, (columns, _))| columns.is_empty()).map(|(&p, _)| p).collect();
        new_participants.sort_unstable();
        let n_new = conversation.participants().len() - self.analysis.n_participants;
        if self.new_statement || new_participants.len() != n_new {
            return rows_of(conversation, in_conv);
        }
        in_conv
            .iter()
            .zip(last_of)
            .map(|(&p, &last)| match last {
                Some(j) => self.in_conv_rows[j] + new_participants.partition_point(|&q| q < p),
                None => conversation.participant_index(p).expect("in_conv holds participants"),
            })
            .collect()
    }

    /// The last analysis's participant maps, taken from it and brought up to date in keys and
    /// vote counts for the participants who voted since, and its votes-base to refill; `None`
    /// after a new statement, which empties the record of who voted.
    fn kept_maps(&mut self) -> Option<KeptMaps> {
        if self.new_statement {
            return None;
        }
        let mut user_vote_counts = std::mem::take(&mut self.analysis.user_vote_counts);
        let mut projections = std::mem::take(&mut self.analysis.projections);
        for &p in self.touched.keys() {
            let row = self.conversation.participant_index(p)?;
            user_vote_counts.insert(p, self.conversation.row_votes(row).0.len());
            projections.entry(p).or_insert([0.0, 0.0]);
        }
        let votes_base = std::mem::take(&mut self.analysis.votes_base);
        Some(KeptMaps { user_vote_counts, projections, votes_base })
    }

    /// The new `in_conv`, in Clojure set order, and for each member its index in the last one
    /// (`None` for a newcomer). Pol.is's in-conv only grows: the last members stay and those who
    /// qualify now ([`in_conv`]) join.
    ///
    /// Counts only grow, so while the threshold (`min(min_votes_in_conv, n_statements)`) is the
    /// same and enough participants reach it that the greedy fill-up does not apply, those who
    /// qualify now are those who qualified then, all in the last `in_conv`, plus participants who
    /// voted since and reach it: only those are looked at. Otherwise the rule is applied to all.
    fn grown_in_conv(&self) -> (Vec<ParticipantId>, Vec<Option<usize>>) {
        let settings = self.settings.get();
        let conversation = &self.conversation;
        let last = &self.analysis.in_conv;
        let key = |p: ParticipantId| (clojure_order_key(p), p);
        let threshold = settings.min_votes_in_conv.min(conversation.statements().len());
        let n_votes_of = |row: usize| conversation.row_votes(row).0.len();
        let n_qualified =
            (0..conversation.participants().len()).filter(|&row| n_votes_of(row) >= threshold).count();
        // `last` is in (order key, id) order.
        let is_new = |k: &(u64, ParticipantId)| last.binary_search_by_key(k, |&q| key(q)).is_err();
        let mut joining: Vec<(u64, ParticipantId)> =
            if self.new_statement || n_qualified < settings.greedy_in_conv {
                in_conv(conversation, &self.settings).into_iter().map(key).filter(is_new).collect()
            } else {
                self.touched
                    .keys()
                    .filter(|&&p| {
                        conversation.participant_index(p).is_some_and(|row| n_votes_of(row) >= threshold)
                    })
                    .map(|&p| key(p))
                    .filter(is_new)
                    .collect()
            };
        joining.sort_unstable();
        // Each newcomer goes before the first last member after it.
        let at: Vec<usize> = joining.iter().map(|k| last.partition_point(|&q| key(q) < *k)).collect();
        let mut in_conv = Vec::with_capacity(last.len() + joining.len());
        let mut last_of = Vec::with_capacity(last.len() + joining.len());
        let mut newcomers = joining.iter().zip(&at).peekable();
        for j in 0..=last.len() {
            while let Some((&(_, q), _)) = newcomers.next_if(|(_, &at)| at == j) {
                in_conv.push(q);
                last_of.push(None);
            }
            if let Some(&p) = last.get(j) {
                in_conv.push(p);
                last_of.push(Some(j));
            }
        }
        (in_conv, last_of)
    }

    /// The last counts per base-cluster id moved to the new clustering: a participant who voted
    /// leaves their last cluster with their votes as they were and joins their new one with their
    /// votes as they are; one who changed clusters moves their votes; a newcomer to `in_conv`
    /// joins. `in_conv` is the new one, `last_of` each member's index in the last one, `last_ids`
    /// the last cluster id of each member of the last one, `ids` the new cluster id of each
    /// member of the new one. In_conv only grows, so no one leaves the clusters.
    /// `O(changed votes)` plus a comparison per member.
    fn recount(
        &self,
        mut by_id: BTreeMap<usize, ClusterCounts>,
        in_conv: &[ParticipantId],
        last_of: &[Option<usize>],
        last_ids: &[usize],
        ids: &[usize],
    ) -> BTreeMap<usize, ClusterCounts> {
        let n_statements = self.conversation.statements().len();
        let row_of = |p: ParticipantId| {
            self.conversation
                .participant_index(p)
                .map_or((&[][..], &[][..]), |row| self.conversation.row_votes(row))
        };
        // In_conv is in (order key, id) order.
        let mut voted = vec![false; in_conv.len()];
        for (&p, (columns, values)) in &self.touched {
            let Ok(i) =
                in_conv.binary_search_by_key(&(clojure_order_key(p), p), |&q| (clojure_order_key(q), q))
            else {
                continue;
            };
            voted[i] = true;
            if let Some(j) = last_of[i] {
                add_votes(
                    by_id.get_mut(&last_ids[j]).expect("the last member's cluster"),
                    columns,
                    values,
                    true,
                );
            }
        }
        for (i, &p) in in_conv.iter().enumerate() {
            let last = last_of[i].filter(|_| !voted[i]).map(|j| last_ids[j]);
            if last == Some(ids[i]) {
                continue;
            }
            let (columns, values) = row_of(p);
            if let Some(last) = last {
                add_votes(by_id.get_mut(&last).expect("the last member's cluster"), columns, values, true);
            }
            let counts = by_id.entry(ids[i]).or_insert_with(|| vec![[0; 3]; n_statements]);
            add_votes(counts, columns, values, false);
        }
        by_id
    }
}

/// The conversation's row of each of `participants`.
fn rows_of(conversation: &Conversation, participants: &[ParticipantId]) -> Vec<usize> {
    participants
        .iter()
        .map(|&p| conversation.participant_index(p).expect("in_conv holds participants"))
        .collect()
}

/// Each base cluster's counts ([`base_cluster_counts`]) by its id.
fn counts_by_id(conversation: &Conversation, base: &[BaseCluster]) -> BTreeMap<usize, ClusterCounts> {
    base.iter().map(|b| b.id).zip(base_cluster_counts(conversation, base)).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::settings::Settings;

    /// What a refresh computes for `in_conv` and the base clusters, written the straightforward
    /// way from the analysis before it: the last members and all who qualify now, sorted in
    /// Clojure order; k-means from the last base clusters comparing every point with every center.
    fn straightforward(
        engine: &Engine,
        last: &Analysis,
        positions: &BTreeMap<ParticipantId, [f64; 2]>,
    ) -> (Vec<ParticipantId>, Vec<BaseCluster>) {
        let mut members: BTreeSet<ParticipantId> = last.in_conv.iter().copied().collect();
        members.extend(in_conv(&engine.conversation, &engine.settings));
        let mut members: Vec<ParticipantId> = members.into_iter().collect();
        members.sort_by_cached_key(|&p| (clojure_order_key(p), p));
        let points: Vec<[f64; 2]> = members.iter().map(|p| positions[p]).collect();
        let settings = engine.settings.get();
        let (base, _) = base_clusters(
            &members,
            &points,
            settings.base_k,
            settings.base_iters,
            Some((&last.base_clusters, None)),
        );
        (members, base)
    }

    /// Runs `n_rounds` rounds of one to three seeded random votes by participants
    /// `0..n_participants` on statements `0..n_statements`, each followed by a refresh checked
    /// against [`straightforward`].
    fn check_refreshes(rows: &[VoteRow], n_participants: u64, n_statements: u64, n_rounds: usize) -> usize {
        let mut next = crate::xorshift();
        let sign = SignConvention::AgreeIsPositive;
        let conversation = Conversation::new(rows, sign, None).expect("valid votes");
        let mut engine = Engine::new(conversation, Settings::default().check().expect("valid"), sign);
        let mut n_joined = 0;
        for round in 0..n_rounds {
            let last = engine.analysis().clone();
            for _ in 0..1 + next() % 3 {
                let participant = (next() % n_participants) as i64;
                let statement = (next() % n_statements) as i64;
                let vote = (next() % 3) as i64 - 1;
                engine.vote(VoteRow { participant, statement, vote, modified: 1 + round as i64 }).unwrap();
            }
            let live = engine.analysis().clone();
            let (members, base) = straightforward(&engine, &last, &live.projections);
            assert_eq!(live.in_conv, members, "in_conv after round {round}");
            assert_eq!(live.base_clusters, base, "base clusters after round {round}");
            let conversation = engine.conversation();
            let counts: BTreeMap<ParticipantId, usize> =
                conversation.participants().iter().copied().zip(conversation.vote_counts()).collect();
            assert_eq!(live.user_vote_counts, counts, "user vote counts after round {round}");
            assert!(live.projections.keys().eq(conversation.participants()), "projected after round {round}");
            assert_eq!(engine.in_conv_rows, rows_of(conversation, &live.in_conv), "rows after round {round}");
            // The counts the engine moved are those counted afresh for its clustering.
            let given = crate::GivenClustering {
                base_clusters: live.base_clusters.clone(),
                group_clusters: live.group_clusters.clone(),
            };
            let recounted = crate::analyze_with_groups(conversation, &engine.settings, &given).unwrap();
            assert_eq!(live.votes_base, recounted.votes_base, "votes-base after round {round}");
            assert_eq!(live.group_votes, recounted.group_votes, "group votes after round {round}");
            n_joined += live.in_conv.len() - last.in_conv.len();
        }
        n_joined
    }

    /// Participants in two camps, each voting on one in `every` statements, except every fourth
    /// participant, who votes only among the first `few` statements.
    fn camps(n_participants: i64, n_statements: i64, every: i64, few: i64) -> Vec<VoteRow> {
        (0..n_participants)
            .flat_map(|p| {
                let voted = move |s: &i64| (p * 7 + s * 3) % every == 0 && (p % 4 != 0 || *s < few);
                (0..n_statements).filter(voted).map(move |s| {
                    let vote = if (p % 3 == 0) == (s % 2 == 0) { 1 } else { -1 };
                    VoteRow { participant: p, statement: s, vote, modified: 0 }
                })
            })
            .collect()
    }

    #[test]
    fn refreshes_grow_in_conv_and_cluster_as_the_straightforward_forms_do() {
        // 300 participants, most voting on 8 of 40 statements: they qualify already; every fourth
        // has 5 votes and joins on reaching 7; votes come from new participants (ids 300 to 359)
        // and on new statements (40 to 43), which changes the threshold.
        let joined = check_refreshes(&camps(300, 40, 5, 25), 360, 44, 400);
        assert!(joined > 0, "participants joined in_conv");
    }

    #[test]
    fn refreshes_of_a_conversation_below_the_greedy_count_fill_up_as_pol_is_does() {
        // 12 participants voting on few of 10 statements: fewer than greedy_in_conv (15) reach
        // the threshold, so the top voters fill up.
        check_refreshes(&camps(12, 10, 4, 10), 20, 10, 200);
    }
}
