//! The Pol.is openData format of a conversation: reading `comments.csv`, `votes.csv` and `summary.csv` for an
//! import, writing `comments.csv`, `votes.csv`, `participants-votes.csv` and `summary.csv` for an export.
//! Pure: text in, values out, values in, text out; no SQL, no files.
//!
//! The columns are those of compdemocracy/polis's openData exporter (`server/src/routes/export.ts`), as in the
//! conversations of `shared/data/polis/opendata`. Two generations exist and both are read:
//! `timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body` (2014–2019) and
//! `timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,group-informed-consensus,
//! comment-body` (2024). The newer one is written. Votes use the export's sign: agree `1`, disagree `-1`,
//! pass `0`; `timestamp` is in milliseconds since the Unix epoch.
//!
//! What accord adds: a seed statement that no participant wrote (one put by a city or the secretariat) has
//! an empty `author-id`; Pol.is writes the owner's participant id there.

use accord_opinion::Analysis;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A statement as an openData `comments.csv` row holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpendataStatement {
    /// `comment-id`: the statement's id, from 0.
    pub statement_id: i64,
    /// `timestamp`: when it was written, milliseconds since the Unix epoch.
    pub created_ms: i64,
    /// `author-id`: the participant who wrote it; `None` for a seed no participant wrote.
    pub author_id: Option<i64>,
    /// `moderated`: 1 accepted, -1 rejected, 0 not yet moderated.
    pub moderated: i64,
    /// `is-meta`: about the conversation itself.
    pub is_meta: bool,
    /// `is-seed`: put by the conversation's owner.
    pub is_seed: bool,
    /// `comment-body`.
    pub text: String,
}

/// One row of an openData `votes.csv`: a vote as cast (the history keeps every vote; the latest counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpendataVote {
    /// `timestamp`: milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// `comment-id`.
    pub statement_id: i64,
    /// `voter-id`.
    pub participant_id: i64,
    /// `vote`: 1 agree, -1 disagree, 0 pass.
    pub vote: i64,
}

/// A conversation read from openData files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpendataConversation {
    /// The statements, in file order.
    pub statements: Vec<OpendataStatement>,
    /// Every vote, in file order.
    pub votes: Vec<OpendataVote>,
    /// `summary.csv`'s `topic`, when given.
    pub topic: Option<String>,
    /// `summary.csv`'s `conversation-description`, when given.
    pub description: Option<String>,
    /// `summary.csv`'s `url`, when given.
    pub url: Option<String>,
}

/// Why openData files could not be read: the file, the row and the column, what was expected and found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: row {row} (line {line}), column {column:?}: {message}")]
pub struct OpendataError {
    /// `comments.csv`, `votes.csv` or `summary.csv`.
    pub file: &'static str,
    /// The data row, 1-based (the header is not counted); 0 for the header itself.
    pub row: usize,
    /// The 1-based line of the file where the row starts (quoted fields may span lines).
    pub line: u64,
    /// The column's name in the header.
    pub column: String,
    /// What is wrong: expected …, found ….
    pub message: String,
}

const COMMENTS: &str = "comments.csv";
const VOTES: &str = "votes.csv";
const SUMMARY: &str = "summary.csv";

/// One CSV file being read: its header and where each row starts.
struct Table {
    file: &'static str,
    header: Vec<String>,
    rows: Vec<(usize, u64, csv::StringRecord)>,
}

impl Table {
    fn read(file: &'static str, text: &str) -> Result<Table, OpendataError> {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|error| csv_error(file, 0, &error))?
            .iter()
            .map(|name| name.trim().to_owned())
            .collect();
        let mut rows = Vec::new();
        for (index, record) in reader.records().enumerate() {
            let record = record.map_err(|error| csv_error(file, index + 1, &error))?;
            let line = record.position().map_or(0, csv::Position::line);
            rows.push((index + 1, line, record));
        }
        Ok(Table { file, header, rows })
    }

    fn column(&self, name: &str) -> Result<usize, OpendataError> {
        self.header.iter().position(|column| column == name).ok_or_else(|| OpendataError {
            file: self.file,
            row: 0,
            line: 1,
            column: name.to_owned(),
            message: format!(
                "expected a column named {name:?} in the header, found {:?}",
                self.header.join(",")
            ),
        })
    }

    fn optional_column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|column| column == name)
    }

    fn error(&self, row: &(usize, u64, csv::StringRecord), column: usize, message: String) -> OpendataError {
        OpendataError {
            file: self.file,
            row: row.0,
            line: row.1,
            column: self.header.get(column).cloned().unwrap_or_default(),
            message,
        }
    }

    fn text(row: &(usize, u64, csv::StringRecord), column: usize) -> &str {
        row.2.get(column).unwrap_or("")
    }

    fn integer(&self, row: &(usize, u64, csv::StringRecord), column: usize) -> Result<i64, OpendataError> {
        let text = Table::text(row, column).trim();
        text.parse().map_err(|_| self.error(row, column, format!("expected an integer, found {text:?}")))
    }

    fn flag(
        &self,
        row: &(usize, u64, csv::StringRecord),
        column: Option<usize>,
    ) -> Result<bool, OpendataError> {
        let Some(column) = column else { return Ok(false) };
        match Table::text(row, column).trim() {
            "true" | "1" => Ok(true),
            "false" | "0" | "" => Ok(false),
            other => Err(self.error(row, column, format!("expected true or false, found {other:?}"))),
        }
    }
}

fn csv_error(file: &'static str, row: usize, error: &csv::Error) -> OpendataError {
    let line = error.position().map_or(0, csv::Position::line);
    OpendataError { file, row, line, column: String::new(), message: format!("not CSV: {error}") }
}

/// Reads a conversation from the text of its `comments.csv` and `votes.csv` and, when given, `summary.csv`.
///
/// `comments.csv` needs `comment-id`, `author-id` (an integer, or empty for a seed no participant wrote),
/// `moderated` and `comment-body`; `timestamp`, `is-meta` and `is-seed` are read when present. `votes.csv`
/// needs `timestamp`, `comment-id`, `voter-id` and `vote`.
///
/// # Errors
/// [`OpendataError`] naming file, row, line and column: a missing column, a field that is not an integer, a
/// negative id, a statement listed twice, a moderation outside {-1, 0, 1}, a vote outside {-1, 0, 1}, a vote
/// on a statement `comments.csv` does not list, or two votes of one participant on one statement at the same
/// time that differ.
pub fn read(
    comments_csv: &str,
    votes_csv: &str,
    summary_csv: Option<&str>,
) -> Result<OpendataConversation, OpendataError> {
    let comments = Table::read(COMMENTS, comments_csv)?;
    let id_at = comments.column("comment-id")?;
    let author_at = comments.column("author-id")?;
    let moderated_at = comments.column("moderated")?;
    let body_at = comments.column("comment-body")?;
    let timestamp_at = comments.optional_column("timestamp");
    let meta_at = comments.optional_column("is-meta");
    let seed_at = comments.optional_column("is-seed");
    let mut statements = Vec::with_capacity(comments.rows.len());
    let mut known = BTreeSet::new();
    for row in &comments.rows {
        let statement_id = comments.integer(row, id_at)?;
        if statement_id < 0 {
            return Err(comments.error(
                row,
                id_at,
                format!("expected an id of 0 or more, found {statement_id}"),
            ));
        }
        if !known.insert(statement_id) {
            return Err(comments.error(row, id_at, format!("statement {statement_id} is listed twice")));
        }
        let author_id = match Table::text(row, author_at).trim() {
            "" => None,
            _ => Some(comments.integer(row, author_at)?).filter(|id| *id >= 0),
        };
        let moderated = comments.integer(row, moderated_at)?;
        if !(-1..=1).contains(&moderated) {
            return Err(comments.error(row, moderated_at, format!("expected -1, 0 or 1, found {moderated}")));
        }
        let created_ms = match timestamp_at {
            Some(at) => comments.integer(row, at)?,
            None => 0,
        };
        statements.push(OpendataStatement {
            statement_id,
            created_ms,
            author_id,
            moderated,
            is_meta: comments.flag(row, meta_at)?,
            is_seed: comments.flag(row, seed_at)?,
            text: Table::text(row, body_at).to_owned(),
        });
    }

    let votes_table = Table::read(VOTES, votes_csv)?;
    let timestamp_at = votes_table.column("timestamp")?;
    let comment_at = votes_table.column("comment-id")?;
    let voter_at = votes_table.column("voter-id")?;
    let vote_at = votes_table.column("vote")?;
    let mut votes = Vec::with_capacity(votes_table.rows.len());
    let mut seen: HashMap<(i64, i64, i64), (i64, usize)> = HashMap::new();
    for row in &votes_table.rows {
        let at_ms = votes_table.integer(row, timestamp_at)?;
        let statement_id = votes_table.integer(row, comment_at)?;
        if !known.contains(&statement_id) {
            return Err(votes_table.error(
                row,
                comment_at,
                format!("expected a comment-id of comments.csv, found {statement_id}"),
            ));
        }
        let participant_id = votes_table.integer(row, voter_at)?;
        if participant_id < 0 {
            return Err(votes_table.error(
                row,
                voter_at,
                format!("expected an id of 0 or more, found {participant_id}"),
            ));
        }
        let vote = votes_table.integer(row, vote_at)?;
        if !(-1..=1).contains(&vote) {
            return Err(votes_table.error(row, vote_at, format!("expected -1, 0 or 1, found {vote}")));
        }
        if let Some(&(first, first_row)) = seen.get(&(participant_id, statement_id, at_ms)) {
            if first != vote {
                return Err(votes_table.error(
                    row,
                    vote_at,
                    format!(
                        "participant {participant_id} voted {first} on statement {statement_id} at {at_ms} in \
                         row {first_row}; expected the same vote at the same time, found {vote}"
                    ),
                ));
            }
        }
        seen.entry((participant_id, statement_id, at_ms)).or_insert((vote, row.0));
        votes.push(OpendataVote { at_ms, statement_id, participant_id, vote });
    }

    let mut conversation = OpendataConversation { statements, votes, ..OpendataConversation::default() };
    if let Some(summary_csv) = summary_csv {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(summary_csv.as_bytes());
        for (index, record) in reader.records().enumerate() {
            let record = record.map_err(|error| csv_error(SUMMARY, index + 1, &error))?;
            let value = record.get(1).unwrap_or("").to_owned();
            match record.get(0).unwrap_or("").trim() {
                "topic" => conversation.topic = Some(value),
                "conversation-description" => conversation.description = Some(value),
                "url" => conversation.url = Some(value),
                _ => {}
            }
        }
    }
    Ok(conversation)
}

/// The latest vote of each participant on each statement, from a vote history: by time, and of votes at
/// the same time the first (as `accord_opinion::Conversation::new` keeps it).
pub fn latest_votes(votes: &[OpendataVote]) -> BTreeMap<(i64, i64), i64> {
    let mut latest: BTreeMap<(i64, i64), (i64, i64)> = BTreeMap::new();
    for vote in votes {
        let key = (vote.participant_id, vote.statement_id);
        match latest.get(&key) {
            Some(&(at_ms, _)) if at_ms >= vote.at_ms => {}
            _ => {
                latest.insert(key, (vote.at_ms, vote.vote));
            }
        }
    }
    latest.into_iter().map(|(key, (_, vote))| (key, vote)).collect()
}

/// Each clustered participant's group id in an analysis: the group of the base cluster they are in.
pub fn participant_groups(analysis: &Analysis) -> BTreeMap<i64, usize> {
    let mut groups = BTreeMap::new();
    for group in &analysis.group_clusters {
        for base_id in &group.members {
            if let Some(base) = analysis.base_clusters.iter().find(|base| base.id == *base_id) {
                for participant in &base.members {
                    groups.insert(*participant, group.id);
                }
            }
        }
    }
    groups
}

/// What an export is made of.
#[derive(Debug, Clone, Copy)]
pub struct ExportInput<'a> {
    /// The consultation's title (`topic`).
    pub title: &'a str,
    /// Its question (`conversation-description`).
    pub description: &'a str,
    /// Where it is (`url`).
    pub url: &'a str,
    /// Every statement.
    pub statements: &'a [OpendataStatement],
    /// Every vote, in the order cast.
    pub votes: &'a [OpendataVote],
    /// The participants known (voters, authors, and those who only looked): `views` counts them.
    pub n_participants: usize,
    /// The analysis of the latest votes, when there are votes.
    pub analysis: Option<&'a Analysis>,
}

/// The four files of an openData export, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpendataExport {
    /// `comments.csv`.
    pub comments_csv: String,
    /// `votes.csv`.
    pub votes_csv: String,
    /// `participants-votes.csv`.
    pub participants_votes_csv: String,
    /// `summary.csv`.
    pub summary_csv: String,
}

impl OpendataExport {
    /// The files by name, in the order Pol.is lists them.
    pub fn files(&self) -> [(&'static str, &str); 4] {
        [
            ("summary.csv", &self.summary_csv),
            ("comments.csv", &self.comments_csv),
            ("votes.csv", &self.votes_csv),
            ("participants-votes.csv", &self.participants_votes_csv),
        ]
    }
}

/// `Wed Jun 18 08:16:54 UTC 2014`: the `datetime` column, in the shape Pol.is writes (its server's zone; ours
/// is UTC).
fn polis_datetime(at_ms: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short] [month repr:short] [day] [hour]:[minute]:[second] UTC [year]"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .ok()
        .and_then(|at| at.format(&format).ok())
        .unwrap_or_default()
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new())
}

fn finish(writer: csv::Writer<Vec<u8>>) -> String {
    let bytes = writer.into_inner().expect("writing to memory does not fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

/// Writes the four files of an export: statements in id order, votes in the order cast, participants (those
/// with a vote) in id order with their `group-id` from the analysis (empty when not clustered), and the summary.
pub fn write(input: &ExportInput<'_>) -> OpendataExport {
    let latest = latest_votes(input.votes);
    let groups = input.analysis.map(participant_groups).unwrap_or_default();
    let mut statements: Vec<&OpendataStatement> = input.statements.iter().collect();
    statements.sort_by_key(|statement| statement.statement_id);

    // Agrees and disagrees per statement, from the latest votes.
    let mut counts: BTreeMap<i64, (u64, u64)> = BTreeMap::new();
    for (&(_, statement_id), &vote) in &latest {
        let entry = counts.entry(statement_id).or_default();
        match vote {
            1 => entry.0 += 1,
            -1 => entry.1 += 1,
            _ => {}
        }
    }

    let mut comments = writer();
    let write_row = |writer: &mut csv::Writer<Vec<u8>>, fields: &[String]| {
        writer.write_record(fields).expect("writing to memory does not fail");
    };
    write_row(
        &mut comments,
        &[
            "timestamp",
            "comment-id",
            "author-id",
            "agrees",
            "disagrees",
            "moderated",
            "is-meta",
            "is-seed",
            "group-informed-consensus",
            "comment-body",
        ]
        .map(str::to_owned),
    );
    for statement in &statements {
        let (agrees, disagrees) = counts.get(&statement.statement_id).copied().unwrap_or_default();
        let consensus = input
            .analysis
            .and_then(|analysis| analysis.group_aware_consensus.get(&statement.statement_id))
            .map(f64::to_string)
            .unwrap_or_default();
        write_row(
            &mut comments,
            &[
                statement.created_ms.to_string(),
                statement.statement_id.to_string(),
                statement.author_id.map(|id| id.to_string()).unwrap_or_default(),
                agrees.to_string(),
                disagrees.to_string(),
                statement.moderated.to_string(),
                statement.is_meta.to_string(),
                statement.is_seed.to_string(),
                consensus,
                statement.text.clone(),
            ],
        );
    }

    let mut votes = writer();
    write_row(&mut votes, &["timestamp", "datetime", "comment-id", "voter-id", "vote"].map(str::to_owned));
    for vote in input.votes {
        write_row(
            &mut votes,
            &[
                vote.at_ms.to_string(),
                polis_datetime(vote.at_ms),
                vote.statement_id.to_string(),
                vote.participant_id.to_string(),
                vote.vote.to_string(),
            ],
        );
    }

    let mut authored: BTreeMap<i64, usize> = BTreeMap::new();
    for statement in &statements {
        if let Some(author_id) = statement.author_id {
            *authored.entry(author_id).or_default() += 1;
        }
    }
    let mut participants_votes = writer();
    let mut header: Vec<String> =
        ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
            .map(str::to_owned)
            .to_vec();
    header.extend(statements.iter().map(|statement| statement.statement_id.to_string()));
    write_row(&mut participants_votes, &header);
    let mut by_participant: BTreeMap<i64, BTreeMap<i64, i64>> = BTreeMap::new();
    for (&(participant_id, statement_id), &vote) in &latest {
        by_participant.entry(participant_id).or_default().insert(statement_id, vote);
    }
    for (participant_id, own) in &by_participant {
        let mut fields = vec![
            participant_id.to_string(),
            groups.get(participant_id).map(|group| group.to_string()).unwrap_or_default(),
            authored.get(participant_id).copied().unwrap_or_default().to_string(),
            own.len().to_string(),
            own.values().filter(|vote| **vote == 1).count().to_string(),
            own.values().filter(|vote| **vote == -1).count().to_string(),
        ];
        fields.extend(
            statements
                .iter()
                .map(|statement| own.get(&statement.statement_id).map(i64::to_string).unwrap_or_default()),
        );
        write_row(&mut participants_votes, &fields);
    }

    let mut summary = writer();
    let commenters: BTreeSet<i64> = statements
        .iter()
        .filter(|statement| !statement.is_seed)
        .filter_map(|statement| statement.author_id)
        .collect();
    let in_conv = input.analysis.map_or(0, |analysis| analysis.in_conv.len());
    let n_groups = input.analysis.map_or(0, |analysis| analysis.group_clusters.len());
    for (key, value) in [
        ("topic", input.title.to_owned()),
        ("url", input.url.to_owned()),
        ("views", input.n_participants.to_string()),
        ("voters", by_participant.len().to_string()),
        ("voters-in-conv", in_conv.to_string()),
        ("commenters", commenters.len().to_string()),
        ("comments", statements.len().to_string()),
        ("groups", n_groups.to_string()),
        ("conversation-description", input.description.to_owned()),
    ] {
        write_row(&mut summary, &[key.to_owned(), value]);
    }

    OpendataExport {
        comments_csv: finish(comments),
        votes_csv: finish(votes),
        participants_votes_csv: finish(participants_votes),
        summary_csv: finish(summary),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMENTS_CSV: &str =
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n\
        1000,x,0,0,1,0,1,\"First, with a comma\"\n\
        2000,x,1,,0,1,-1,\"A \"\"quoted\"\"\nsecond line\"\n";

    #[test]
    fn a_quoted_body_keeps_its_comma_quotes_and_newline_and_an_empty_author_is_none() {
        let votes = "timestamp,datetime,comment-id,voter-id,vote\n1500,x,0,3,1\n2500,x,1,3,-1\n";
        let conversation = read(COMMENTS_CSV, votes, None).unwrap();
        assert_eq!(conversation.statements[0].text, "First, with a comma");
        assert_eq!(conversation.statements[1].text, "A \"quoted\"\nsecond line");
        assert_eq!(conversation.statements[1].author_id, None);
        assert_eq!(conversation.statements[1].moderated, -1);
        assert_eq!(conversation.votes.len(), 2);
    }

    #[test]
    fn a_bad_vote_names_file_row_line_and_column() {
        let votes = "timestamp,datetime,comment-id,voter-id,vote\n1500,x,0,3,1\n2500,x,1,4,yes\n";
        let error = read(COMMENTS_CSV, votes, None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "votes.csv: row 2 (line 3), column \"vote\": expected an integer, found \"yes\""
        );
        let votes = "timestamp,datetime,comment-id,voter-id,vote\n1500,x,7,3,1\n";
        let error = read(COMMENTS_CSV, votes, None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "votes.csv: row 1 (line 2), column \"comment-id\": expected a comment-id of comments.csv, found 7"
        );
    }

    #[test]
    fn a_row_after_a_multi_line_body_names_its_own_line() {
        let comments = format!("{COMMENTS_CSV}3000,x,2,1,0,0,5,Third\n");
        let error = read(&comments, "timestamp,datetime,comment-id,voter-id,vote\n", None).unwrap_err();
        // Row 3 starts on line 5: the header, row 1, and row 2 on two lines.
        assert_eq!(
            error.to_string(),
            "comments.csv: row 3 (line 5), column \"moderated\": expected -1, 0 or 1, found 5"
        );
    }

    #[test]
    fn the_latest_vote_counts_and_of_two_at_one_time_the_first() {
        let vote = |at_ms, vote| OpendataVote { at_ms, statement_id: 0, participant_id: 1, vote };
        assert_eq!(latest_votes(&[vote(5, 1), vote(9, -1), vote(7, 0)])[&(1, 0)], -1);
        assert_eq!(latest_votes(&[vote(5, 1), vote(5, 1)])[&(1, 0)], 1);
    }

    #[test]
    fn the_datetime_column_is_written_as_pol_is_writes_it_in_utc() {
        // 1403054214196 ms is 2014-06-18 01:16:54 UTC (08:16:54 in Jakarta, as the Seattle export says).
        assert_eq!(polis_datetime(1_403_054_214_196), "Wed Jun 18 01:16:54 UTC 2014");
    }
}
