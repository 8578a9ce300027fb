//! The opinion-mapping math of Pol.is: PCA, k-means, group clustering, repness, consensus and
//! group-informed consensus. Pure: no I/O, no clock, no randomness. Passes over the votes run on
//! rayon's threads, in fixed chunks added in a fixed order, so results do not depend on the threads.
//!
//! Every formula follows the Pol.is math worker, compdemocracy/polis `math/src/polismath/math/`
//! (`conversation.clj`, `pca.clj`, `clusters.clj`, `repness.clj`, `stats.clj`), and each function
//! names the Clojure function it mirrors. The words are Pol.is's: a *participant* (pid) votes on a
//! *statement* (comment, tid); groups are formed over *base clusters* of participants.
//!
//! How the pieces connect:
//!
//! - [`Conversation`] is the validated vote matrix, kept sparse, built from [`VoteRow`]s (latest
//!   vote per participant and statement) and, optionally, the [`Statement`] list that says which
//!   statements are moderated out or meta; [`ConversationBuilder`] builds one from latest votes
//!   streamed in order, for conversations too large to hold as rows. [`parse_opendata`] builds one
//!   from a Pol.is openData export.
//! - [`Settings`] are checked into [`CheckedSettings`] (the linfa `param_guard` pattern).
//! - [`analyze`] runs the whole pipeline from a cold start; [`analyze_with_groups`] takes the
//!   clustering as given, so the downstream statistics can be checked on their own;
//!   [`analyze_continuing`] carries Pol.is's [`GroupKSmoother`] from one update to the next. All
//!   return an [`Analysis`]. [`Engine`] keeps an analysis up to date vote by vote, refreshing it
//!   from the last one as Pol.is's math worker does, far cheaper than a new cold start.
//!
//! Sign convention: inside this crate, as inside Pol.is's math, agree is `-1`, disagree is `1` and
//! pass is `0`. Exports and the Pol.is API use the opposite sign; [`SignConvention`] says which one
//! a caller's rows use.
//!
//! ```
//! use accord_opinion::{analyze, Conversation, SignConvention, Settings, VoteRow};
//!
//! // Four participants, two statements; agree is +1 in these rows.
//! let rows: Vec<VoteRow> = [(0, 0, 1), (0, 1, -1), (1, 0, 1), (1, 1, -1), (2, 0, -1), (2, 1, 1), (3, 0, -1)]
//!     .iter()
//!     .map(|&(participant, statement, vote)| VoteRow { participant, statement, vote, modified: 0 })
//!     .collect();
//! let conversation = Conversation::new(&rows, SignConvention::AgreeIsPositive, None)?;
//! let analysis = analyze(&conversation, &Settings::default().check()?);
//! assert_eq!(analysis.user_vote_counts[&3], 1);
//! assert_eq!(analysis.group_votes.len(), analysis.group_clusters.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

/// The pipeline: participants in the conversation, group votes, consensus, priorities.
mod analysis;
/// k-means, silhouette and the choice of the number of groups.
mod clusters;
/// The validated vote matrix and its construction from vote rows.
mod conversation;
/// The analysis kept up to date vote by vote.
mod engine;
/// Clojure's hash-set iteration order, which Pol.is's choices depend on.
mod hash_order;
/// Reading Pol.is openData exports (`votes.csv`, `comments.csv`).
mod opendata;
/// PCA (the top eigenvectors of the centered vote matrix) and the sparsity-aware projection.
mod pca;
/// Representativeness of statements for groups, and consensus statements.
mod repness;
/// Settings and their checked form.
mod settings;
/// Pol.is's z tests.
pub mod stats;

pub use analysis::{
    analyze, analyze_continuing, analyze_with_groups, comment_priority, Analysis, GivenClustering,
    GivenClusteringError, GroupVotes, VoteCounts, VotesBase,
};
pub use clusters::{BaseCluster, GroupCluster, GroupKSmoother};
pub use conversation::{
    Conversation, ConversationBuilder, ConversationError, Moderation, ParticipantId, SignConvention,
    Statement, StatementId, Vote, VoteRow,
};
pub use engine::Engine;
pub use opendata::{parse_opendata, parse_participant_groups, OpendataError};
pub use pca::Pca;
pub use repness::{Consensus, ConsensusStatement, RepfulFor, RepresentativeStatement};
pub use settings::{CheckedSettings, Settings, SettingsError};

/// Seeded xorshift64 (Marsaglia, "Xorshift RNGs", 2003, shifts 13, 7, 17), the tests' one source of
/// reproducible pseudo-random numbers: each call gives the next 64 bits.
#[cfg(test)]
pub(crate) fn xorshift() -> impl FnMut() -> u64 {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
