//! A conversation's analysis kept up to date vote by vote, as Pol.is's math worker keeps it.
//!
//! Pol.is does not start over on each vote: `conv-update` in compdemocracy/polis
//! `math/src/polismath/math/conversation.clj` adds the new votes to the rating matrix, runs power
//! iteration from the last components, keeps every participant already in `in-conv`, starts
//! k-means from the last base clusters and smooths the number of groups, then recomputes group
//! votes, repness, consensus and priorities. [`Engine`] does the same steps. Each is one or a few
//! passes over the votes where a cold start ([`crate::analyze`]) needs dozens.

use std::collections::BTreeSet;

use crate::analysis::{cold_start, downstream, in_conv, Analysis};
use crate::clusters::{base_clusters, group_clusters};
use crate::conversation::{Conversation, ConversationError, SignConvention, Vote, VoteRow};
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
}

impl Engine {
    /// Analyzes the conversation from a cold start ([`crate::analyze`]) and keeps it; new votes
    /// are read in `sign`.
    pub fn new(conversation: Conversation, settings: CheckedSettings, sign: SignConvention) -> Engine {
        let pair_sums = Self::pair_sums_of(&conversation);
        let analysis = cold_start(&conversation, &settings, None, pair_sums.as_ref());
        Engine { conversation, settings, sign, analysis, stale: false, pair_sums }
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
        // Only this participant's pairs change, unless a new statement renumbered the columns.
        if self.conversation.statements().len() != n_statements {
            self.pair_sums = None;
        } else if let Some(sums) = &mut self.pair_sums {
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
            self.analysis = self.refresh();
            self.stale = false;
        }
        &self.analysis
    }

    fn refresh(&self) -> Analysis {
        let settings = self.settings.get();
        let last = &self.analysis;
        let conversation = &self.conversation;
        let pca = pca(conversation, settings.pca_iters, Some(&last.pca.comps), self.pair_sums.as_ref());
        let positions = project_participants(conversation, &pca);
        // Pol.is's in-conv only grows: the last members stay, new qualifiers join.
        let mut members: BTreeSet<i64> = last.in_conv.iter().copied().collect();
        members.extend(in_conv(conversation, &self.settings));
        let mut in_conv: Vec<i64> = members.into_iter().collect();
        in_conv.sort_by_cached_key(|&p| (clojure_order_key(p), p));
        let in_conv_positions: Vec<[f64; 2]> = in_conv
            .iter()
            .map(|&p| positions[conversation.participant_index(p).expect("in_conv holds participants")])
            .collect();
        let base = base_clusters(
            &in_conv,
            &in_conv_positions,
            settings.base_k,
            settings.base_iters,
            Some(&last.base_clusters),
        );
        let (groups, silhouettes, smoother) = group_clusters(
            &base,
            settings.max_group_k,
            settings.group_iters,
            last.group_k_smoother.as_ref(),
            settings.group_k_buffer,
        );
        let mut analysis = downstream(conversation, pca, positions, in_conv, base, groups, silhouettes);
        analysis.group_k_smoother = smoother;
        analysis
    }
}
