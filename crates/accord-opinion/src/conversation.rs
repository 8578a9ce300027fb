//! The validated vote matrix: one row per participant, one column per statement that has votes.
//!
//! Built once from a vote history ([`Conversation::new`]) or from latest votes in order
//! ([`ConversationBuilder`]); everything downstream trusts it. Mirrors the `raw-rating-mat` and
//! `rating-mat` of compdemocracy/polis `math/src/polismath/math/conversation.clj`.
//!
//! The matrix is kept sparse, in compressed rows (CSR: one `u32` column index and one `i8` value
//! per vote, 5 bytes a vote), because a conversation's participants vote on a small share of its
//! statements: 100 M votes take 500 MB where the dense matrix of 1 M participants by 10 k
//! statements would take 10 GB.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};

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
    /// Two rows for the same participant and statement, both at its latest time, that disagree:
    /// which vote is the latest cannot be told.
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
    /// A [`ConversationBuilder`] row that does not come after the previous one in ascending
    /// (participant, statement) order; an equal pair is a second vote on the same statement.
    #[error(
        "row {row}: expected votes in ascending (participant, statement) order, one per pair, found \
         participant {participant} on statement {statement} after participant {previous_participant} \
         on statement {previous_statement}"
    )]
    OutOfOrder {
        /// 0-based index of the row.
        row: usize,
        /// Its participant.
        participant: ParticipantId,
        /// Its statement.
        statement: StatementId,
        /// The previous row's participant.
        previous_participant: ParticipantId,
        /// The previous row's statement.
        previous_statement: StatementId,
    },
    /// More statements with votes than a `u32` column index holds.
    #[error("expected at most {max} statements with votes, found more", max = u32::MAX)]
    TooManyStatements,
    /// No vote rows at all.
    #[error("expected at least one vote, found none")]
    Empty,
}

/// The moderation sets read from a statement list.
#[derive(Debug, Clone, Default, PartialEq)]
struct StatementList {
    /// Every listed statement, when a list was given.
    known: Option<BTreeSet<StatementId>>,
    mod_out: BTreeSet<StatementId>,
    mod_in: BTreeSet<StatementId>,
    meta: BTreeSet<StatementId>,
}

impl StatementList {
    fn new(statements: Option<&[Statement]>) -> Result<StatementList, ConversationError> {
        let mut list =
            StatementList { known: statements.map(|_| BTreeSet::new()), ..StatementList::default() };
        for (index, statement) in statements.unwrap_or(&[]).iter().enumerate() {
            if let Some(known) = list.known.as_mut() {
                if !known.insert(statement.id) {
                    return Err(ConversationError::DuplicateStatement { index, statement: statement.id });
                }
            }
            if statement.is_meta || statement.moderation == Moderation::Rejected {
                list.mod_out.insert(statement.id);
            }
            if statement.is_meta || statement.moderation == Moderation::Accepted {
                list.mod_in.insert(statement.id);
            }
            if statement.is_meta {
                list.meta.insert(statement.id);
            }
        }
        Ok(list)
    }

    fn is_known(&self, statement: StatementId) -> bool {
        self.known.as_ref().is_none_or(|known| known.contains(&statement))
    }
}

/// A validated conversation: the latest vote of each participant on each statement.
///
/// Rows are participants in ascending id order, columns the statements that have at least one vote,
/// in ascending id order (Pol.is `tids`). Cells hold Pol.is values (agree `-1`, disagree `1`,
/// pass `0`) or nothing where the participant has not voted; only the votes are stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    participants: Vec<ParticipantId>,
    statements: Vec<StatementId>,
    /// Row `p`'s votes are at `row_starts[p]..row_starts[p + 1]` of `columns` and `values`;
    /// `n_participants + 1` entries.
    row_starts: Vec<usize>,
    /// Column index of each vote, ascending within a row.
    columns: Vec<u32>,
    /// Pol.is value of each vote.
    values: Vec<i8>,
    /// Per column, whether it is moderated out.
    mod_out_columns: Vec<bool>,
    list: StatementList,
}

impl Conversation {
    /// Builds the conversation from a vote history, keeping the latest vote (by `modified`) per
    /// participant and statement; of rows with equal `modified` and equal vote, either is kept.
    /// The result does not depend on the order of the rows.
    ///
    /// `statements`, when given, says which statements exist, which are moderated out
    /// (`Moderation::Rejected` or meta: Pol.is `mod-update`) and which are meta.
    ///
    /// # Errors
    ///
    /// The error of the lowest row that breaks a rule: [`ConversationError::VoteOutOfRange`],
    /// [`ConversationError::UnknownStatement`] (only when `statements` is given), or
    /// [`ConversationError::ConflictingDuplicate`] when the latest votes of a participant on a
    /// statement disagree (conflicts among superseded votes do not matter). Also
    /// [`ConversationError::DuplicateStatement`], and [`ConversationError::Empty`] for no rows.
    pub fn new(
        rows: &[VoteRow],
        sign: SignConvention,
        statements: Option<&[Statement]>,
    ) -> Result<Conversation, ConversationError> {
        let list = StatementList::new(statements)?;
        if rows.is_empty() {
            return Err(ConversationError::Empty);
        }
        let known: Option<FxHashSet<StatementId>> = list.known.as_ref().map(|k| k.iter().copied().collect());
        let is_known = |statement| known.as_ref().is_none_or(|k| k.contains(&statement));
        let mut first_error = None;
        for (row, vote_row) in rows.iter().enumerate() {
            if Vote::from_value(vote_row.vote, sign).is_none() {
                first_error = Some(ConversationError::VoteOutOfRange { row, found: vote_row.vote });
            } else if !is_known(vote_row.statement) {
                first_error =
                    Some(ConversationError::UnknownStatement { row, statement: vote_row.statement });
            }
            if first_error.is_some() {
                break;
            }
        }
        // Sorting by (participant, statement, latest first, row) puts each pair's latest votes
        // first in row order: the first is kept, and any later one at the same time with another
        // value is a conflict. The keys are sorted by value, not through the rows, so that the
        // sort reads memory in order.
        let mut keys: Vec<(ParticipantId, StatementId, std::cmp::Reverse<i64>, u32, i64)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let i = u32::try_from(i).expect("fewer than 2^32 vote rows");
                (r.participant, r.statement, std::cmp::Reverse(r.modified), i, r.vote)
            })
            .collect();
        if keys.len() > 100_000 {
            use rayon::slice::ParallelSliceMut;
            keys.par_sort_unstable();
        } else {
            keys.sort_unstable();
        }
        let mut builder = ConversationBuilder::with_list(sign, list, rows.len());
        let mut conflict: Option<ConversationError> = None;
        // The kept row of the current pair: (row, participant, statement, modified, vote).
        let mut kept: Option<(usize, ParticipantId, StatementId, i64, i64)> = None;
        for &(participant, statement, std::cmp::Reverse(modified), i, vote) in &keys {
            let row = i as usize;
            match kept {
                Some((first_row, first_participant, first_statement, first_modified, first_vote))
                    if (first_participant, first_statement) == (participant, statement) =>
                {
                    let same_time = first_modified == modified;
                    let earlier_conflict = conflict.as_ref().is_some_and(|c| conflict_row(c) < row);
                    if same_time && first_vote != vote && !earlier_conflict {
                        conflict = Some(ConversationError::ConflictingDuplicate {
                            row,
                            first_row,
                            participant,
                            statement,
                            modified,
                            first: first_vote,
                            found: vote,
                        });
                    }
                }
                _ => {
                    kept = Some((row, participant, statement, modified, vote));
                    if first_error.is_none() {
                        builder.push_unchecked(participant, statement, vote)?;
                    }
                }
            }
        }
        let lowest = [first_error, conflict].into_iter().flatten().min_by_key(conflict_row);
        if let Some(error) = lowest {
            return Err(error);
        }
        builder.build()
    }

    /// Participant ids, one per row, ascending.
    pub fn participants(&self) -> &[ParticipantId] {
        &self.participants
    }

    /// Statement ids, one per column, ascending (Pol.is `tids`).
    pub fn statements(&self) -> &[StatementId] {
        &self.statements
    }

    /// The number of votes, passes included.
    pub fn n_votes(&self) -> usize {
        self.values.len()
    }

    /// The vote of row `participant_idx` on column `statement_idx` in Pol.is values, `None` if unvoted.
    ///
    /// # Panics
    ///
    /// If an index is out of range.
    pub fn vote(&self, participant_idx: usize, statement_idx: usize) -> Option<i8> {
        assert!(statement_idx < self.statements.len(), "statement index out of range");
        let (columns, values) = self.row_votes(participant_idx);
        let column = u32::try_from(statement_idx).ok()?;
        columns.binary_search(&column).ok().map(|at| values[at])
    }

    /// One participant's votes: column indices, ascending, and their Pol.is values.
    ///
    /// # Panics
    ///
    /// If `participant_idx` is out of range.
    pub fn row_votes(&self, participant_idx: usize) -> (&[u32], &[i8]) {
        let range = self.row_starts[participant_idx]..self.row_starts[participant_idx + 1];
        (&self.columns[range.clone()], &self.values[range])
    }

    /// Statements moderated out of the math (rejected or meta), including ones without votes.
    pub fn mod_out(&self) -> &BTreeSet<StatementId> {
        &self.list.mod_out
    }

    /// Statements moderated in (accepted or meta), as Pol.is reports `mod-in`.
    pub fn mod_in(&self) -> &BTreeSet<StatementId> {
        &self.list.mod_in
    }

    /// Meta statements.
    pub fn meta(&self) -> &BTreeSet<StatementId> {
        &self.list.meta
    }

    /// The number of votes (passes included) per participant, in row order (Pol.is `user-vote-counts`).
    pub fn vote_counts(&self) -> Vec<usize> {
        self.row_starts.windows(2).map(|w| w[1] - w[0]).collect()
    }

    /// Whether column `statement_idx` is moderated out.
    pub(crate) fn is_mod_out(&self, statement_idx: usize) -> bool {
        self.mod_out_columns[statement_idx]
    }

    /// Per column, whether it is moderated out.
    pub(crate) fn mod_out_columns(&self) -> &[bool] {
        &self.mod_out_columns
    }

    /// The row of a participant id, if it has votes.
    ///
    /// Ids are distinct and ascending, so the row of `participant` is within `|participant - id|`
    /// rows of the row holding `id`: the search looks first where an even spread of the ids would
    /// put it, then binary-searches only the rows that gap allows. Pol.is numbers participants
    /// from 0, so the first guess is usually the row, and a look-up costs one comparison.
    pub(crate) fn participant_index(&self, participant: ParticipantId) -> Option<usize> {
        let ids = &self.participants;
        let (&first, &last) = (ids.first()?, ids.last()?);
        if participant < first || participant > last {
            return None;
        }
        // In floating point (a guess need not be exact, and a 128-bit division costs more than
        // the rest of the look-up), clamped to a row.
        let (span, offset) = (last as f64 - first as f64, participant as f64 - first as f64);
        let guess = if span > 0.0 { (offset / span * (ids.len() - 1) as f64) as usize } else { 0 };
        let guess = guess.min(ids.len() - 1);
        let found = ids[guess];
        let gap = (i128::from(participant) - i128::from(found)).unsigned_abs();
        let gap = usize::try_from(gap).unwrap_or(usize::MAX);
        let range = match participant.cmp(&found) {
            std::cmp::Ordering::Equal => return Some(guess),
            std::cmp::Ordering::Greater => {
                guess + 1..guess.saturating_add(gap).saturating_add(1).min(ids.len())
            }
            std::cmp::Ordering::Less => guess.saturating_sub(gap)..guess,
        };
        ids[range.clone()].binary_search(&participant).ok().map(|at| range.start + at)
    }
}

/// The row a conversation error names, for picking the first of several.
fn conflict_row(error: &ConversationError) -> usize {
    match error {
        ConversationError::VoteOutOfRange { row, .. }
        | ConversationError::ConflictingDuplicate { row, .. }
        | ConversationError::UnknownStatement { row, .. }
        | ConversationError::OutOfOrder { row, .. } => *row,
        ConversationError::DuplicateStatement { .. }
        | ConversationError::TooManyStatements
        | ConversationError::Empty => 0,
    }
}

/// Builds a [`Conversation`] from latest votes streamed in ascending (participant, statement)
/// order, one vote per pair, as a database query ordered that way returns them. It keeps 5 bytes
/// a vote and never holds the rows, so it suits conversations of hundreds of millions of votes,
/// where [`Conversation::new`] would hold the whole history.
///
/// ```
/// use accord_opinion::{ConversationBuilder, SignConvention};
///
/// let mut builder = ConversationBuilder::new(SignConvention::AgreeIsPositive, None)?;
/// builder.push(1, 10, 1)?;
/// builder.push(1, 11, -1)?;
/// builder.push(2, 10, 0)?;
/// let conversation = builder.build()?;
/// assert_eq!(conversation.statements(), &[10, 11]);
/// assert_eq!(conversation.vote(0, 0), Some(-1), "agree is -1 inside the math");
/// # Ok::<(), accord_opinion::ConversationError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ConversationBuilder {
    sign: SignConvention,
    list: StatementList,
    participants: Vec<ParticipantId>,
    row_starts: Vec<usize>,
    /// Column index in order of first appearance; remapped to ascending statement ids in `build`.
    columns: Vec<u32>,
    values: Vec<i8>,
    column_of: FxHashMap<StatementId, u32>,
    /// Statement ids in order of first appearance.
    statement_ids: Vec<StatementId>,
    previous: Option<(ParticipantId, StatementId)>,
    n_rows: usize,
}

impl ConversationBuilder {
    /// A builder for votes in the given sign convention, with the statement list if any (see
    /// [`Conversation::new`]).
    ///
    /// # Errors
    ///
    /// [`ConversationError::DuplicateStatement`] when the list names a statement twice.
    pub fn new(sign: SignConvention, statements: Option<&[Statement]>) -> Result<Self, ConversationError> {
        Ok(ConversationBuilder::with_list(sign, StatementList::new(statements)?, 0))
    }

    fn with_list(sign: SignConvention, list: StatementList, n_votes_hint: usize) -> Self {
        ConversationBuilder {
            sign,
            list,
            participants: Vec::new(),
            row_starts: vec![0],
            columns: Vec::with_capacity(n_votes_hint),
            values: Vec::with_capacity(n_votes_hint),
            column_of: FxHashMap::default(),
            statement_ids: Vec::new(),
            previous: None,
            n_rows: 0,
        }
    }

    /// Reserves room for `n_votes` more votes, so that the arrays grow once.
    pub fn reserve(&mut self, n_votes: usize) {
        self.columns.reserve(n_votes);
        self.values.reserve(n_votes);
    }

    /// Adds one participant's latest vote on one statement, the value read in the builder's sign
    /// convention.
    ///
    /// # Errors
    ///
    /// [`ConversationError::VoteOutOfRange`], [`ConversationError::UnknownStatement`] (only with a
    /// statement list), [`ConversationError::OutOfOrder`] when `(participant, statement)` does not
    /// come after the previous row's, [`ConversationError::TooManyStatements`]; `row` counts the
    /// calls to `push`, from 0. A refused row is not added.
    pub fn push(
        &mut self,
        participant: ParticipantId,
        statement: StatementId,
        vote: i64,
    ) -> Result<(), ConversationError> {
        let row = self.n_rows;
        if Vote::from_value(vote, self.sign).is_none() {
            return Err(ConversationError::VoteOutOfRange { row, found: vote });
        }
        if !self.list.is_known(statement) {
            return Err(ConversationError::UnknownStatement { row, statement });
        }
        if let Some((previous_participant, previous_statement)) = self.previous {
            if (participant, statement) <= (previous_participant, previous_statement) {
                return Err(ConversationError::OutOfOrder {
                    row,
                    participant,
                    statement,
                    previous_participant,
                    previous_statement,
                });
            }
        }
        self.push_unchecked(participant, statement, vote)
    }

    /// `push` for a row already checked and in order.
    fn push_unchecked(
        &mut self,
        participant: ParticipantId,
        statement: StatementId,
        vote: i64,
    ) -> Result<(), ConversationError> {
        let column = match self.column_of.get(&statement) {
            Some(&column) => column,
            None => {
                let column = u32::try_from(self.statement_ids.len())
                    .map_err(|_| ConversationError::TooManyStatements)?;
                self.column_of.insert(statement, column);
                self.statement_ids.push(statement);
                column
            }
        };
        if self.previous.is_none_or(|(previous, _)| previous != participant) {
            if !self.participants.is_empty() {
                self.row_starts.push(self.columns.len());
            }
            self.participants.push(participant);
        }
        let value = Vote::from_value(vote, self.sign).map_or(0, Vote::polis_value);
        self.columns.push(column);
        self.values.push(value);
        self.previous = Some((participant, statement));
        self.n_rows += 1;
        Ok(())
    }

    /// The conversation.
    ///
    /// # Errors
    ///
    /// [`ConversationError::Empty`] when no vote was pushed.
    pub fn build(mut self) -> Result<Conversation, ConversationError> {
        if self.participants.is_empty() {
            return Err(ConversationError::Empty);
        }
        self.row_starts.push(self.columns.len());
        // Columns were numbered in order of first appearance; number them by ascending id.
        let mut by_id: Vec<u32> = (0..self.statement_ids.len() as u32).collect();
        by_id.sort_unstable_by_key(|&c| self.statement_ids[c as usize]);
        let mut new_column = vec![0u32; by_id.len()];
        for (new, &old) in by_id.iter().enumerate() {
            new_column[old as usize] = new as u32;
        }
        let statements: Vec<StatementId> = by_id.iter().map(|&c| self.statement_ids[c as usize]).collect();
        for column in &mut self.columns {
            *column = new_column[*column as usize];
        }
        // Within a row the statements came in ascending id order, so the new indices ascend too.
        let mod_out_columns = statements.iter().map(|s| self.list.mod_out.contains(s)).collect();
        Ok(Conversation {
            participants: self.participants,
            statements,
            row_starts: self.row_starts,
            columns: self.columns,
            values: self.values,
            mod_out_columns,
            list: self.list,
        })
    }
}

impl Conversation {
    /// Sets `participant`'s vote on `statement` to the Pol.is value `value`, adding the
    /// participant's row or the statement's column where they are new. Used by
    /// [`crate::Engine::vote`]; costs a shift of the votes after the cell.
    ///
    /// # Errors
    ///
    /// [`ConversationError::UnknownStatement`] when the conversation has a statement list that
    /// lacks `statement` (`row` is then 0), [`ConversationError::TooManyStatements`].
    pub(crate) fn set_vote(
        &mut self,
        participant: ParticipantId,
        statement: StatementId,
        value: i8,
    ) -> Result<(), ConversationError> {
        if !self.list.is_known(statement) {
            return Err(ConversationError::UnknownStatement { row: 0, statement });
        }
        let column = match self.statements.binary_search(&statement) {
            Ok(column) => column,
            Err(column) => {
                if self.statements.len() >= u32::MAX as usize {
                    return Err(ConversationError::TooManyStatements);
                }
                self.statements.insert(column, statement);
                self.mod_out_columns.insert(column, self.list.mod_out.contains(&statement));
                for c in &mut self.columns {
                    if *c as usize >= column {
                        *c += 1;
                    }
                }
                column
            }
        };
        let row = match self.participants.binary_search(&participant) {
            Ok(row) => row,
            Err(row) => {
                self.participants.insert(row, participant);
                let start = self.row_starts[row];
                self.row_starts.insert(row, start);
                row
            }
        };
        let (start, end) = (self.row_starts[row], self.row_starts[row + 1]);
        let column = column as u32;
        match self.columns[start..end].binary_search(&column) {
            Ok(at) => self.values[start + at] = value,
            Err(at) => {
                self.columns.insert(start + at, column);
                self.values.insert(start + at, value);
                for s in &mut self.row_starts[row + 1..] {
                    *s += 1;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A conversation where each of `ids` voted once.
    fn with_participants(ids: &[ParticipantId]) -> Conversation {
        let rows: Vec<VoteRow> = ids
            .iter()
            .map(|&participant| VoteRow { participant, statement: 0, vote: 1, modified: 0 })
            .collect();
        Conversation::new(&rows, SignConvention::AgreeIsPositive, None).expect("valid votes")
    }

    #[test]
    fn a_participants_row_is_found_as_a_binary_search_finds_it() {
        let mut next = crate::xorshift();
        let dense_with_gaps: Vec<i64> = (0..2_000).filter(|i| i % 7 != 3).collect();
        let spread: Vec<i64> = (0..500).map(|_| (next() % 1_000_000) as i64 - 500_000).collect();
        let clustered: Vec<i64> = (0..300).chain(1_000_000..1_000_300).collect();
        for (what, ids) in [
            ("dense with gaps", dense_with_gaps),
            ("spread", spread),
            ("two clumps", clustered),
            ("extremes", vec![i64::MIN, -1, 0, 1, i64::MAX]),
            ("one", vec![42]),
        ] {
            let conversation = with_participants(&ids);
            let sorted = conversation.participants();
            let probes = ids.iter().flat_map(|&p| [p.saturating_sub(1), p, p.saturating_add(1)]);
            for probe in probes.chain([i64::MIN, i64::MAX, 0]) {
                assert_eq!(
                    conversation.participant_index(probe),
                    sorted.binary_search(&probe).ok(),
                    "{what}: participant {probe}"
                );
            }
        }
    }
}
