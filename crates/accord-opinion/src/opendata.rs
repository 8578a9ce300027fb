//! Reading a Pol.is openData export: `votes.csv` (a vote history) and `comments.csv`.
//!
//! Takes the files' text, never opens them. The CSV dialect is RFC 4180 (quoted fields may hold
//! commas, doubled quotes and newlines). Export votes use agree = `1`, disagree = `-1`.

use crate::conversation::{Conversation, ConversationError, Moderation, SignConvention, Statement, VoteRow};

/// Why an openData export could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpendataError {
    /// A quoted field never ends.
    #[error("{file}: line {line}: expected a closing quote, found the end of the file")]
    UnterminatedQuote {
        /// The file's name.
        file: &'static str,
        /// 1-based line where the record starts.
        line: usize,
    },
    /// The header lacks a column the math needs.
    #[error("{file}: line 1: expected a column named {column:?}, found none")]
    MissingColumn {
        /// The file's name.
        file: &'static str,
        /// The column's name.
        column: &'static str,
    },
    /// A field does not hold what its column should.
    #[error("{file}: line {line}: field {field:?}: expected {expected}, found {found:?}")]
    Field {
        /// The file's name.
        file: &'static str,
        /// 1-based line where the record starts.
        line: usize,
        /// The column's name.
        field: &'static str,
        /// What the column holds.
        expected: &'static str,
        /// The field's text.
        found: String,
    },
    /// The votes do not make a conversation.
    #[error("votes.csv: {}{source}", place(*line, field))]
    Votes {
        /// 1-based line of the offending record (0 when the error concerns no single record).
        line: usize,
        /// The column at fault (`vote`, `comment-id`), empty when the error concerns no single field.
        field: &'static str,
        /// What is wrong.
        source: ConversationError,
    },
}

/// One CSV record and the 1-based line it starts on.
type Record = (usize, Vec<String>);

/// Splits CSV text into records (RFC 4180); a final newline does not make an empty record.
fn parse_csv(text: &str, file: &'static str) -> Result<Vec<Record>, OpendataError> {
    let mut records = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut line = 1;
    let mut record_line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' => in_quotes = true,
            ',' => fields.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                fields.push(std::mem::take(&mut field));
                records.push((record_line, std::mem::take(&mut fields)));
                line += 1;
                record_line = line;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(OpendataError::UnterminatedQuote { file, line: record_line });
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    Ok(records)
}

/// The records after the header, and the header.
fn table(text: &str, file: &'static str) -> Result<(Vec<Record>, Vec<String>), OpendataError> {
    let mut records = parse_csv(text, file)?.into_iter();
    let header = records.next().map(|(_, h)| h.into_iter().map(|c| c.trim().to_string()).collect());
    Ok((records.collect(), header.unwrap_or_default()))
}

/// The position of a column the header must have.
fn column(header: &[String], file: &'static str, column: &'static str) -> Result<usize, OpendataError> {
    header.iter().position(|h| h == column).ok_or(OpendataError::MissingColumn { file, column })
}

fn field(record: &Record, position: usize) -> &str {
    record.1.get(position).map_or("", |f| f.trim())
}

fn integer(
    record: &Record,
    position: usize,
    file: &'static str,
    name: &'static str,
) -> Result<i64, OpendataError> {
    let text = field(record, position);
    text.parse().map_err(|_| OpendataError::Field {
        file,
        line: record.0,
        field: name,
        expected: "an integer",
        found: text.to_string(),
    })
}

/// Builds a [`Conversation`] from the text of an openData `votes.csv` (columns `timestamp`,
/// `comment-id`, `voter-id`, `vote`; the latest vote per voter and comment counts) and
/// `comments.csv` (columns `comment-id`, `moderated` and, in newer exports, `is-meta`).
///
/// # Errors
///
/// [`OpendataError`] naming the file, line and field: a missing column, a field that is not an
/// integer (or `true`/`false` for `is-meta`), a moderation outside {-1, 0, 1}, or a vote the
/// conversation refuses (out of range, conflicting duplicate, unknown comment, no votes).
pub fn parse_opendata(votes_csv: &str, comments_csv: &str) -> Result<Conversation, OpendataError> {
    const COMMENTS: &str = "comments.csv";
    const VOTES: &str = "votes.csv";
    let (comment_records, header) = table(comments_csv, COMMENTS)?;
    let id_at = column(&header, COMMENTS, "comment-id")?;
    let moderated_at = column(&header, COMMENTS, "moderated")?;
    // Exports before 2020 or so have no is-meta column: no statement is meta there.
    let meta_at = header.iter().position(|h| h == "is-meta");
    let mut statements = Vec::with_capacity(comment_records.len());
    for record in &comment_records {
        let id = integer(record, id_at, COMMENTS, "comment-id")?;
        let moderated = integer(record, moderated_at, COMMENTS, "moderated")?;
        let moderation = Moderation::from_value(moderated).ok_or_else(|| OpendataError::Field {
            file: COMMENTS,
            line: record.0,
            field: "moderated",
            expected: "-1, 0 or 1",
            found: moderated.to_string(),
        })?;
        let is_meta = match meta_at.map_or("", |at| field(record, at)) {
            "true" => true,
            "false" | "" => false,
            other => {
                return Err(OpendataError::Field {
                    file: COMMENTS,
                    line: record.0,
                    field: "is-meta",
                    expected: "true or false",
                    found: other.to_string(),
                })
            }
        };
        statements.push(Statement { id, moderation, is_meta });
    }
    let (vote_records, header) = table(votes_csv, VOTES)?;
    let timestamp_at = column(&header, VOTES, "timestamp")?;
    let comment_at = column(&header, VOTES, "comment-id")?;
    let voter_at = column(&header, VOTES, "voter-id")?;
    let vote_at = column(&header, VOTES, "vote")?;
    let mut rows = Vec::with_capacity(vote_records.len());
    let mut lines = Vec::with_capacity(vote_records.len());
    for record in &vote_records {
        rows.push(VoteRow {
            participant: integer(record, voter_at, VOTES, "voter-id")?,
            statement: integer(record, comment_at, VOTES, "comment-id")?,
            vote: integer(record, vote_at, VOTES, "vote")?,
            modified: integer(record, timestamp_at, VOTES, "timestamp")?,
        });
        lines.push(record.0);
    }
    Conversation::new(&rows, SignConvention::AgreeIsPositive, Some(&statements)).map_err(|source| {
        let (row, field) = match source {
            ConversationError::VoteOutOfRange { row, .. }
            | ConversationError::ConflictingDuplicate { row, .. } => (Some(row), "vote"),
            ConversationError::UnknownStatement { row, .. } => (Some(row), "comment-id"),
            ConversationError::OutOfOrder { row, .. } => (Some(row), ""),
            ConversationError::DuplicateStatement { .. }
            | ConversationError::TooManyStatements
            | ConversationError::Empty => (None, ""),
        };
        OpendataError::Votes { line: row.and_then(|r| lines.get(r).copied()).unwrap_or(0), field, source }
    })
}

/// `line N: field "F": `, or less where the line or field is unknown.
fn place(line: usize, field: &str) -> String {
    match (line, field) {
        (0, _) => String::new(),
        (line, "") => format!("line {line}: "),
        (line, field) => format!("line {line}: field {field:?}: "),
    }
}

/// Each clustered participant's group from an openData `participants-votes.csv` (columns
/// `participant` and `group-id`; participants with an empty `group-id` were not clustered and are
/// left out), as `(participant, group id)` in file order: Pol.is's own groups, for
/// [`crate::GivenClustering::from_participant_groups`].
///
/// # Errors
///
/// [`OpendataError`] for a missing column or a field that is not a non-negative integer.
pub fn parse_participant_groups(participants_votes_csv: &str) -> Result<Vec<(i64, usize)>, OpendataError> {
    const FILE: &str = "participants-votes.csv";
    let (records, header) = table(participants_votes_csv, FILE)?;
    let participant_at = column(&header, FILE, "participant")?;
    let group_at = column(&header, FILE, "group-id")?;
    let mut groups = Vec::with_capacity(records.len());
    for record in &records {
        if field(record, group_at).is_empty() {
            continue;
        }
        let participant = integer(record, participant_at, FILE, "participant")?;
        let group = integer(record, group_at, FILE, "group-id")?;
        let group = usize::try_from(group).map_err(|_| OpendataError::Field {
            file: FILE,
            line: record.0,
            field: "group-id",
            expected: "a non-negative integer",
            found: group.to_string(),
        })?;
        groups.push((participant, group));
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_quotes_and_newlines() {
        let records = parse_csv("a,b\n1,\"x, \"\"y\"\"\nz\"\n2,w\n", "t.csv").unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(records[1], (2, vec!["1".to_string(), "x, \"y\"\nz".to_string()]));
        assert_eq!(records[2].0, 4);
    }

    #[test]
    fn a_bad_vote_names_its_line_and_field() {
        let comments = "comment-id,moderated,is-meta\n0,1,false\n";
        let votes = "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,yes\n";
        let error = parse_opendata(votes, comments).unwrap_err();
        assert_eq!(
            error.to_string(),
            "votes.csv: line 3: field \"vote\": expected an integer, found \"yes\""
        );
    }

    #[test]
    fn a_vote_of_two_is_refused_with_its_line() {
        let comments = "comment-id,moderated,is-meta\n0,1,false\n";
        let votes = "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,2\n";
        let error = parse_opendata(votes, comments).unwrap_err();
        assert_eq!(
            error.to_string(),
            "votes.csv: line 3: field \"vote\": row 1: expected a vote of -1, 0 or 1, found 2"
        );
    }
}
