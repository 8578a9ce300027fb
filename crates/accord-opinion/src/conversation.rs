//! The validated vote matrix: one row per participant, one column per statement that has votes.
//!
//! Built once from vote rows ([`Conversation::new`]); everything downstream trusts it. Mirrors the
//! `raw-rating-mat` and `rating-mat` of compdemocracy/polis `math/src/polismath/math/conversation.clj`.

use std::collections::{BTreeMap, BTreeSet};

/// A participant's id (Pol.is `pid`).
pub type ParticipantId = i64;
/// A statement's id (Pol.is `tid`, a comment).
pub type StatementId = i64;

/// One vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vote {
    /// The participant agrees.
    Agree,
    /// The participant disagrees.
    Disagree,
    /// The participant passes (unsure): counts as seen, neither agree nor disagree.
    Pass,
}

impl Vote {
    /// The value Pol.is's math stores in its rating matrix: agree `-1`, disagree `1`, pass `0`.
    pub fn polis_value(self) -> i8 {
        match self {
            Vote::Agree => -1,
            Vote::Disagree => 1,
            Vote::Pass => 0,
        }
    }

    /// Reads a vote value written in the given sign convention; `None` outside {-1, 0, 1}.
    pub fn from_value(value: i64, sign: SignConvention) -> Option<Vote> {
        let agree = match sign {
            SignConvention::AgreeIsNegative => -1,
            SignConvention::AgreeIsPositive => 1,
        };
        match value {
            0 => Some(Vote::Pass),
            v if v == agree => Some(Vote::Agree),
            v if v == -agree => Some(Vote::Disagree),
            _ => None,
        }
    }
}

/// Which sign the caller's vote values use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignConvention {
    /// Agree is `-1`, disagree `1`: Pol.is's database and math worker.
    AgreeIsNegative,
    /// Agree is `1`, disagree `-1`: Pol.is's openData exports and its public API (`votes.json`).
    AgreeIsPositive,
}

/// One recorded vote, as it comes from a vote history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteRow {
    /// Who voted.
    pub participant: ParticipantId,
    /// On which statement.
    pub statement: StatementId,
    /// The value, -1, 0 or 1, read in the [`SignConvention`] given to [`Conversation::new`].
    pub vote: i64,
    /// When, in milliseconds since the Unix epoch (Pol.is `modified`); the latest vote counts.
    pub modified: i64,
}

/// A statement's moderation state (Pol.is `mod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    /// Moderated out (`mod = -1`): its column is zeroed and it is never representative or consensus.
    Rejected,
    /// Not yet moderated (`mod = 0`); Pol.is's math treats it as in, strict moderation or not.
    Unmoderated,
    /// Accepted (`mod = 1`).
    Accepted,
}

impl Moderation {
    /// Reads Pol.is's `mod` value; `None` outside {-1, 0, 1}.
    pub fn from_value(value: i64) -> Option<Moderation> {
        match value {
            -1 => Some(Moderation::Rejected),
            0 => Some(Moderation::Unmoderated),
            1 => Some(Moderation::Accepted),
            _ => None,
        }
    }
}

/// What the math needs to know of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statement {
    /// Its id.
    pub id: StatementId,
    /// Its moderation state.
    pub moderation: Moderation,
    /// A meta statement (about the conversation itself): moderated out of the math, yet given the
    /// fixed top priority (Pol.is `mod-update` and `meta-priority`).
    pub is_meta: bool,
}

/// Why vote rows do not make a conversation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConversationError {
    /// A vote value outside {-1, 0, 1}.
    #[error("row {row}: expected a vote of -1, 0 or 1, found {found}")]
    VoteOutOfRange {
        /// 0-based index of the row.
        row: usize,
        /// The value found.
        found: i64,
    },
    /// Two rows for the same participant, statement and time that disagree.
    #[error(
        "row {row}: participant {participant} voted {found} on statement {statement} at {modified}, \
         but row {first_row} has {first} at the same time"
    )]
    ConflictingDuplicate {
        /// 0-based index of the later row.
        row: usize,
        /// 0-based index of the earlier row.
        first_row: usize,
        /// The participant.
        participant: ParticipantId,
        /// The statement.
        statement: StatementId,
        /// The shared timestamp.
        modified: i64,
        /// The earlier row's vote value.
        first: i64,
        /// This row's vote value.
        found: i64,
    },
    /// A vote on a statement missing from the statement list.
    #[error("row {row}: expected a statement from the statement list, found statement {statement}")]
    UnknownStatement {
        /// 0-based index of the row.
        row: usize,
        /// The unknown statement id.
        statement: StatementId,
    },
    /// The same statement twice in the statement list.
    #[error("statement list entry {index}: statement {statement} is listed twice")]
    DuplicateStatement {
        /// 0-based index in the statement list.
        index: usize,
        /// The repeated id.
        statement: StatementId,
    },
    /// No vote rows at all.
    #[error("expected at least one vote, found none")]
    Empty,
}

/// A validated conversation: the latest vote of each participant on each statement.
///
/// Rows are participants in ascending id order, columns the statements that have at least one vote,
/// in ascending id order (Pol.is `tids`). Cells hold Pol.is values (agree `-1`, disagree `1`,
/// pass `0`) or `None` where the participant has not voted.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    participants: Vec<ParticipantId>,
    statements: Vec<StatementId>,
    /// Row-major, `participants.len() * statements.len()`.
    votes: Vec<Option<i8>>,
    mod_out: BTreeSet<StatementId>,
    /// Per column, whether it is moderated out.
    mod_out_columns: Vec<bool>,
    mod_in: BTreeSet<StatementId>,
    meta: BTreeSet<StatementId>,
}

impl Conversation {
    /// Builds the conversation from a vote history, keeping the latest vote (by `modified`) per
    /// participant and statement; of rows with equal `modified` and equal vote, either is kept.
    ///
    /// `statements`, when given, says which statements exist, which are moderated out
    /// (`Moderation::Rejected` or meta: Pol.is `mod-update`) and which are meta.
    ///
    /// # Errors
    ///
    /// [`ConversationError::VoteOutOfRange`], [`ConversationError::ConflictingDuplicate`],
    /// [`ConversationError::UnknownStatement`] (only when `statements` is given),
    /// [`ConversationError::DuplicateStatement`], and [`ConversationError::Empty`] for no rows.
    pub fn new(
        rows: &[VoteRow],
        sign: SignConvention,
        statements: Option<&[Statement]>,
    ) -> Result<Conversation, ConversationError> {
        let mut known = BTreeMap::new();
        let (mut mod_out, mut mod_in, mut meta) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for (index, statement) in statements.unwrap_or(&[]).iter().enumerate() {
            if known.insert(statement.id, *statement).is_some() {
                return Err(ConversationError::DuplicateStatement { index, statement: statement.id });
            }
            if statement.is_meta || statement.moderation == Moderation::Rejected {
                mod_out.insert(statement.id);
            }
            if statement.is_meta || statement.moderation == Moderation::Accepted {
                mod_in.insert(statement.id);
            }
            if statement.is_meta {
                meta.insert(statement.id);
            }
        }
        if rows.is_empty() {
            return Err(ConversationError::Empty);
        }
        // (participant, statement) -> (row index, modified, vote)
        let mut latest: BTreeMap<(ParticipantId, StatementId), (usize, i64, Vote)> = BTreeMap::new();
        for (row, vote_row) in rows.iter().enumerate() {
            let vote = Vote::from_value(vote_row.vote, sign)
                .ok_or(ConversationError::VoteOutOfRange { row, found: vote_row.vote })?;
            if statements.is_some() && !known.contains_key(&vote_row.statement) {
                return Err(ConversationError::UnknownStatement { row, statement: vote_row.statement });
            }
            let key = (vote_row.participant, vote_row.statement);
            match latest.get(&key) {
                Some(&(first_row, modified, first)) if modified == vote_row.modified && first != vote => {
                    return Err(ConversationError::ConflictingDuplicate {
                        row,
                        first_row,
                        participant: vote_row.participant,
                        statement: vote_row.statement,
                        modified,
                        first: rows[first_row].vote,
                        found: vote_row.vote,
                    });
                }
                Some(&(_, modified, _)) if modified >= vote_row.modified => {}
                _ => {
                    latest.insert(key, (row, vote_row.modified, vote));
                }
            }
        }
        let participants: Vec<ParticipantId> =
            latest.keys().map(|&(p, _)| p).collect::<BTreeSet<_>>().into_iter().collect();
        let statement_ids: Vec<StatementId> =
            latest.keys().map(|&(_, s)| s).collect::<BTreeSet<_>>().into_iter().collect();
        let column_of: BTreeMap<StatementId, usize> =
            statement_ids.iter().enumerate().map(|(i, &s)| (s, i)).collect();
        let n_statements = statement_ids.len();
        let mut votes = vec![None; participants.len() * n_statements];
        let mut row_idx = 0;
        let mut current = participants[0];
        for (&(participant, statement), &(_, _, vote)) in &latest {
            if participant != current {
                row_idx += 1;
                current = participant;
            }
            votes[row_idx * n_statements + column_of[&statement]] = Some(vote.polis_value());
        }
        let mod_out_columns = statement_ids.iter().map(|s| mod_out.contains(s)).collect();
        Ok(Conversation {
            participants,
            statements: statement_ids,
            votes,
            mod_out,
            mod_out_columns,
            mod_in,
            meta,
        })
    }

    /// Participant ids, one per row, ascending.
    pub fn participants(&self) -> &[ParticipantId] {
        &self.participants
    }

    /// Statement ids, one per column, ascending (Pol.is `tids`).
    pub fn statements(&self) -> &[StatementId] {
        &self.statements
    }

    /// The vote of row `participant_idx` on column `statement_idx` in Pol.is values, `None` if unvoted.
    ///
    /// # Panics
    ///
    /// If an index is out of range.
    pub fn vote(&self, participant_idx: usize, statement_idx: usize) -> Option<i8> {
        assert!(statement_idx < self.statements.len(), "statement index out of range");
        self.votes[participant_idx * self.statements.len() + statement_idx]
    }

    /// One participant's row: `n_statements` cells in column order.
    pub fn row(&self, participant_idx: usize) -> &[Option<i8>] {
        let n = self.statements.len();
        &self.votes[participant_idx * n..(participant_idx + 1) * n]
    }

    /// Statements moderated out of the math (rejected or meta), including ones without votes.
    pub fn mod_out(&self) -> &BTreeSet<StatementId> {
        &self.mod_out
    }

    /// Statements moderated in (accepted or meta), as Pol.is reports `mod-in`.
    pub fn mod_in(&self) -> &BTreeSet<StatementId> {
        &self.mod_in
    }

    /// Meta statements.
    pub fn meta(&self) -> &BTreeSet<StatementId> {
        &self.meta
    }

    /// The number of votes (passes included) per participant, in row order (Pol.is `user-vote-counts`).
    pub fn vote_counts(&self) -> Vec<usize> {
        (0..self.participants.len()).map(|p| self.row(p).iter().flatten().count()).collect()
    }

    /// Whether column `statement_idx` is moderated out.
    pub(crate) fn is_mod_out(&self, statement_idx: usize) -> bool {
        self.mod_out_columns[statement_idx]
    }

    /// The Pol.is `rating-mat` cell: moderated-out columns read as `0` for every participant
    /// (`named_matrix.clj`, `zero-out-columns` sets the whole column, unvoted cells included).
    pub(crate) fn rating(&self, participant_idx: usize, statement_idx: usize) -> Option<i8> {
        if self.is_mod_out(statement_idx) {
            Some(0)
        } else {
            self.vote(participant_idx, statement_idx)
        }
    }
}
