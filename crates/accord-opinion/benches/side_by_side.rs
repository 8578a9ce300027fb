//! Our side of `scripts/bench-opinion`, which runs red-dwarf on the same inputs and prints both.
//!
//! `cargo bench -p accord-opinion --bench side_by_side -- MODE ARGS`, one JSON line out per run:
//!
//! - `generate DIR N_PARTICIPANTS N_STATEMENTS N_VOTES`: writes a synthetic conversation (fixed seed)
//!   as a Pol.is openData export, `DIR/votes.csv` and `DIR/comments.csv`.
//! - `run DIR LABELS_OUT REPEATS`: reads an export, then times the whole pipeline from vote rows
//!   (`Conversation::new`, `analyze`) REPEATS times and prints the median; writes each clustered
//!   participant's group to LABELS_OUT as `participant,group` lines.
//! - `synthetic N_PARTICIPANTS N_STATEMENTS N_VOTES`: the same synthetic conversation generated in
//!   the process straight into a `ConversationBuilder` (the 100 M-vote case would not fit as rows),
//!   timed build and analysis, and the process's peak resident memory.
//! - `update DIR N_UPDATES`: the cost of one new vote: a full `analyze` against `Engine::vote` plus
//!   `Engine::analysis` (median over N_UPDATES random votes), in wall-clock seconds and, as a
//!   figure that other work on the machine moves less, in CPU seconds of all the process's threads
//!   (Linux only; 0 elsewhere).
//!
//! Reading the files is outside the clock, as on red-dwarf's side.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use accord_opinion::{
    analyze, Analysis, Conversation, ConversationBuilder, Engine, Moderation, Settings, SignConvention,
    Statement, VoteRow,
};

/// xorshift64*: a small fixed-seed generator, so both sides read the same conversation.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A synthetic conversation, streamed participant by participant in ascending statement order:
/// three opinion camps of 50%, 30% and 20% of the participants; a fifth of the statements are
/// consensual, the others split the camps; each participant votes on a random subset of the
/// statements (a rate drawn between 0.25 and 1.75 times the mean, so some vote on few), with their
/// camp's view 75% of the time, against it 12% and passing 13%. Votes use agree = 1.
fn synthetic(n_participants: u64, n_statements: u64, n_votes: u64, mut emit: impl FnMut(i64, i64, i64)) {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mean_rate = n_votes as f64 / (n_participants as f64 * n_statements as f64);
    let views: Vec<[i64; 3]> = (0..n_statements)
        .map(|_| {
            if random.unit() < 0.2 {
                let view = if random.unit() < 0.7 { 1 } else { -1 };
                [view; 3]
            } else {
                [0; 3].map(|_: i64| if random.unit() < 0.5 { 1 } else { -1 })
            }
        })
        .collect();
    for participant in 0..n_participants {
        let camp = match participant % 10 {
            0..=4 => 0,
            5..=7 => 1,
            _ => 2,
        };
        let rate = (mean_rate * (0.25 + 1.5 * random.unit())).min(1.0);
        // Geometric gaps between voted statements: O(votes), not O(cells).
        let log_miss = (1.0 - rate).ln();
        let mut statement = 0u64;
        loop {
            if rate < 1.0 {
                let gap = ((1.0 - random.unit()).ln() / log_miss).floor();
                statement = statement.saturating_add(gap as u64);
            }
            if statement >= n_statements {
                break;
            }
            let view = views[statement as usize][camp];
            let roll = random.unit();
            let vote = if roll < 0.75 {
                view
            } else if roll < 0.87 {
                -view
            } else {
                0
            };
            emit(participant as i64, statement as i64, vote);
            statement += 1;
        }
    }
}

fn generate(dir: &str, n_participants: u64, n_statements: u64, n_votes: u64) {
    std::fs::create_dir_all(dir).expect("an output directory");
    let file = std::fs::File::create(format!("{dir}/votes.csv")).expect("votes.csv");
    let mut votes = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(votes, "timestamp,datetime,comment-id,voter-id,vote").expect("write");
    let mut n_written = 0u64;
    synthetic(n_participants, n_statements, n_votes, |participant, statement, vote| {
        n_written += 1;
        writeln!(votes, "{n_written},,{statement},{participant},{vote}").expect("write");
    });
    votes.flush().expect("write");
    let mut comments = std::fs::File::create(format!("{dir}/comments.csv")).expect("comments.csv");
    let mut text =
        String::from("timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,comment-body\n");
    for statement in 0..n_statements {
        text.push_str(&format!("0,{statement},0,0,0,1,false,statement {statement}\n"));
    }
    comments.write_all(text.as_bytes()).expect("write");
    println!("{{\"votes\": {n_written}}}");
}

/// Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes and newlines).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// `(header, records)` of a CSV file.
fn table(path: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut records = csv_records(&text);
    let header = records.remove(0);
    (header, records)
}

fn read_export(dir: &str) -> (Vec<VoteRow>, Vec<Statement>) {
    let (header, records) = table(&format!("{dir}/votes.csv"));
    let at =
        |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("votes.csv: {name}"));
    let (timestamp, comment, voter, vote) = (at("timestamp"), at("comment-id"), at("voter-id"), at("vote"));
    let int = |record: &[String], i: usize| record[i].trim().parse::<i64>().expect("an integer");
    let rows = records
        .iter()
        .map(|r| VoteRow {
            participant: int(r, voter),
            statement: int(r, comment),
            vote: int(r, vote),
            modified: int(r, timestamp),
        })
        .collect();
    let (header, records) = table(&format!("{dir}/comments.csv"));
    let at = |name: &str| header.iter().position(|h| h == name);
    let (id, moderated, meta) =
        (at("comment-id").expect("comment-id"), at("moderated").expect("moderated"), at("is-meta"));
    let statements = records
        .iter()
        .map(|r| Statement {
            id: int(r, id),
            moderation: Moderation::from_value(int(r, moderated)).expect("a moderation"),
            is_meta: meta.is_some_and(|m| r[m].trim() == "true"),
        })
        .collect();
    (rows, statements)
}

fn groups(analysis: &Analysis) -> BTreeMap<i64, usize> {
    let base: BTreeMap<usize, &Vec<i64>> =
        analysis.base_clusters.iter().map(|b| (b.id, &b.members)).collect();
    let mut groups = BTreeMap::new();
    for group in &analysis.group_clusters {
        for b in &group.members {
            groups.extend(base[b].iter().map(|&p| (p, group.id)));
        }
    }
    groups
}

fn median(mut seconds: Vec<f64>) -> f64 {
    seconds.sort_by(f64::total_cmp);
    seconds[seconds.len() / 2]
}

/// The CPU time of all the process's threads so far, in seconds: the first field of each
/// `/proc/self/task/*/schedstat` (nanoseconds on the CPU); 0 where there is no /proc.
fn cpu_seconds() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    let nanoseconds: u64 = tasks
        .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    nanoseconds as f64 / 1e9
}

/// The process's peak resident memory in bytes (`VmHWM` of /proc/self/status).
fn peak_rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

fn run(dir: &str, labels_out: &str, repeats: usize) {
    let (rows, statements) = read_export(dir);
    let settings = Settings::default().check().expect("valid settings");
    let mut seconds = Vec::new();
    let mut last = None;
    for _ in 0..repeats {
        let start = Instant::now();
        let conversation = Conversation::new(&rows, SignConvention::AgreeIsPositive, Some(&statements))
            .expect("a conversation");
        let analysis = analyze(&conversation, &settings);
        seconds.push(start.elapsed().as_secs_f64());
        last = Some((conversation, analysis));
    }
    let (conversation, analysis) = last.expect("at least one run");
    let groups = groups(&analysis);
    let mut labels = String::new();
    for (participant, group) in &groups {
        labels.push_str(&format!("{participant},{group}\n"));
    }
    std::fs::write(labels_out, labels).expect("labels");
    println!(
        "{{\"seconds\": {}, \"runs\": {repeats}, \"participants\": {}, \"statements\": {}, \"votes\": {}, \"groups\": {}}}",
        median(seconds),
        conversation.participants().len(),
        conversation.statements().len(),
        conversation.n_votes(),
        analysis.group_clusters.len()
    );
}

fn synthetic_in_process(n_participants: u64, n_statements: u64, n_votes: u64) {
    let start = Instant::now();
    let mut builder = ConversationBuilder::new(SignConvention::AgreeIsPositive, None).expect("a builder");
    builder.reserve(n_votes as usize + n_votes as usize / 50);
    synthetic(n_participants, n_statements, n_votes, |participant, statement, vote| {
        builder.push(participant, statement, vote).expect("votes in order");
    });
    let conversation = builder.build().expect("a conversation");
    let build_seconds = start.elapsed().as_secs_f64();
    let settings = Settings::default().check().expect("valid settings");
    let start = Instant::now();
    let analysis = analyze(&conversation, &settings);
    let analyze_seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"build_seconds\": {build_seconds}, \"analyze_seconds\": {analyze_seconds}, \"peak_rss_bytes\": {}, \
         \"participants\": {}, \"statements\": {}, \"votes\": {}, \"groups\": {}}}",
        peak_rss_bytes(),
        conversation.participants().len(),
        conversation.statements().len(),
        conversation.n_votes(),
        analysis.group_clusters.len()
    );
}

fn update(dir: &str, n_updates: usize) {
    let (rows, statements) = read_export(dir);
    let settings = Settings::default().check().expect("valid settings");
    let conversation =
        Conversation::new(&rows, SignConvention::AgreeIsPositive, Some(&statements)).expect("a conversation");
    let (start_cpu, start) = (cpu_seconds(), Instant::now());
    let _ = analyze(&conversation, &settings);
    let (full_seconds, full_cpu_seconds) = (start.elapsed().as_secs_f64(), cpu_seconds() - start_cpu);
    let mut engine = Engine::new(conversation, settings, SignConvention::AgreeIsPositive);
    let participants = engine.conversation().participants().to_vec();
    let statement_ids = engine.conversation().statements().to_vec();
    let mut random = Random(0x5eed);
    let (mut seconds, mut cpu) = (Vec::new(), Vec::new());
    let latest = rows.iter().map(|r| r.modified).max().unwrap_or(0);
    for modified in (latest + 1..).take(n_updates) {
        let participant = participants[(random.next() % participants.len() as u64) as usize];
        let statement = statement_ids[(random.next() % statement_ids.len() as u64) as usize];
        let vote = (random.next() % 3) as i64 - 1;
        let (start_cpu, start) = (cpu_seconds(), Instant::now());
        engine.vote(VoteRow { participant, statement, vote, modified }).expect("a valid vote");
        let analysis = engine.analysis();
        seconds.push(start.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - start_cpu);
        assert!(!analysis.tids.is_empty());
    }
    println!(
        "{{\"full_seconds\": {full_seconds}, \"update_seconds\": {}, \"full_cpu_seconds\": {full_cpu_seconds}, \
         \"update_cpu_seconds\": {}, \"updates\": {n_updates}}}",
        median(seconds),
        median(cpu)
    );
}

fn main() {
    // `cargo bench` passes `--bench`; the mode and its arguments are what else was given.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let number = |i: usize| args[i].parse::<u64>().unwrap_or_else(|_| panic!("argument {i}: a number"));
    match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1], number(2), number(3), number(4)),
        Some("run") => run(&args[1], &args[2], number(3) as usize),
        Some("synthetic") => synthetic_in_process(number(1), number(2), number(3)),
        Some("update") => update(&args[1], number(2) as usize),
        _ => eprintln!("usage: side_by_side generate|run|synthetic|update ARGS (see the file's doc)"),
    }
}
