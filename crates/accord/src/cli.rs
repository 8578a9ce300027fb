//! The subcommands: their arguments (clap) and what each calls.

use crate::amendments::server_failure;
use accord_store::{
    Draft, ImportError, NewProcess, NewRevision, Party, PartyError, PartyKind, Process, RevisionRef, Store,
    StoreError, Track,
};
use accord_text::{akn, redline, Document};
use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// accord: the workspace where an international compact is negotiated.
#[derive(Debug, Parser)]
#[command(name = "accord", version, about, after_help = EXIT_CODES)]
pub struct Args {
    /// The database: `sqlite:FILE` (created if missing) or `postgres://USER@HOST/DB`.
    #[arg(long, global = true, env = "DATABASE_URL", default_value = "sqlite:accord.db")]
    database: String,
    #[command(subcommand)]
    command: Command,
}

const EXIT_CODES: &str = "Exit codes: 0 success; 1 failure (database, file system); 2 usage error; \
3 invalid input file; 4 unknown draft or revision; 5 conflict; 6 the record does not verify.";

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the workspace (pages and JSON API) over HTTP.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the demonstration process (the Global Compact for Migration) if it is not loaded.
        #[arg(long)]
        demo: bool,
        /// Send cookies without `Secure`, for a browser on plain http. Refused unless --bind is a loopback
        /// address: anywhere else, serve behind HTTPS and keep cookies Secure.
        #[arg(long)]
        insecure_cookies: bool,
        /// The origin that links in e-mail (invitations, password resets) start with, e.g.
        /// `https://accord.example.org`; by default `http://` and the address served.
        #[arg(long, env = "ACCORD_PUBLIC_URL")]
        public_url: Option<String>,
        /// Deliver e-mail through this SMTP server too (it always goes to the outbox): `smtp://host:25`,
        /// `smtp://user:password@host:587?tls=required` (STARTTLS) or `smtps://user:password@host:465`.
        #[arg(long, env = "SMTP_URL")]
        smtp_url: Option<String>,
        /// The sender of e-mail delivered through SMTP.
        #[arg(long, env = "ACCORD_MAIL_FROM", default_value = "accord <accord@localhost>")]
        mail_from: String,
    },
    /// Load the demonstration process into the database.
    Demo,
    /// Import an Akoma Ntoso 3.0 file as the next revision of a draft (a new draft if it does not exist).
    Import {
        /// The Akoma Ntoso XML file.
        file: PathBuf,
        /// The draft's slug; by default the document's FRBR number.
        #[arg(long)]
        draft: Option<String>,
        /// The revision's label (default: the document's FRBRversionNumber).
        #[arg(long)]
        label: Option<String>,
        /// The revision's date, YYYY-MM-DD (default: the document's expression date).
        #[arg(long)]
        date: Option<String>,
        /// Who issued the revision (default: the document's expression author).
        #[arg(long)]
        author: Option<String>,
        /// What the revision is, in a sentence.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Write a revision as a file.
    Export {
        /// The revision: DRAFT/NUMBER (gcm/1), DRAFT/latest or DRAFT.
        revision: RevisionRef,
        /// The file format.
        #[arg(long, value_enum)]
        format: RevisionFormat,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Show the redline between two revisions of one draft.
    Redline {
        /// The older revision, DRAFT/NUMBER.
        from: RevisionRef,
        /// The newer revision, DRAFT/NUMBER.
        to: RevisionRef,
        /// The output format.
        #[arg(long, value_enum, default_value = "term")]
        format: RedlineFormat,
        /// Colour in the terminal format: auto (when writing to a terminal), always, never.
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The opinion groups of a Pol.is openData export (votes.csv, comments.csv in DIR) by the Pol.is math from a
    /// cold start: groups, representative statements and consensus statements. Pol.is's own groups depend on
    /// the history of its updates, so their number may differ from the export's summary.
    Opinions {
        /// The folder with votes.csv and comments.csv.
        dir: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Resident consultations: import a Pol.is openData conversation, export one, list them.
    Consultations {
        #[command(subcommand)]
        command: crate::consultations::ConsultationsCommand,
    },
    /// Amendments: import them from CSV, list them.
    Amendments {
        #[command(subcommand)]
        command: crate::amendments::AmendmentsCommand,
    },
    /// A track's rounds: list them, open the next, and the least number of co-sponsors to table an amendment.
    Rounds {
        #[command(subcommand)]
        command: crate::rounds::RoundsCommand,
    },
    /// Write a round's compilation text: the revision with every tabled amendment in brackets at its place,
    /// attributed to its parties. HTML and Akoma Ntoso go to standard output unless --output is given.
    Compile {
        /// The revision amended: DRAFT/NUMBER (gcm/0).
        revision: RevisionRef,
        /// The round.
        #[arg(long)]
        round: i64,
        /// The file format.
        #[arg(long, value_enum, default_value = "html")]
        format: crate::amendments::CompileFormat,
        /// Write to this file instead of standard output (needed for docx on a terminal).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Only the amendments this party (id, e.g. atlanta-us) sponsors or co-sponsors.
        #[arg(long)]
        party: Option<String>,
        /// Only this element and what lies below it, e.g. sec_3__obj_15.
        #[arg(long)]
        objective: Option<String>,
        /// Only amendments of this kind: replace, insert, delete, add or delete-element; repeat for several
        /// kinds (all kinds when absent), as the compilation page's checkboxes.
        #[arg(long = "kind", value_name = "KIND", value_parser = crate::amendments::parse_amendment_kind)]
        kinds: Vec<accord_text::amendment::Kind>,
    },
    /// List the revisions of a draft.
    Revisions {
        /// The draft's slug.
        draft: String,
    },
    /// The party registry: the UN member and observer states and the gazetteer of cities.
    Registry {
        #[command(subcommand)]
        command: RegistryCommand,
    },
    /// Parties: import them from CSV, list them.
    Parties {
        #[command(subcommand)]
        command: PartiesCommand,
    },
    /// People who can sign in.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// List the e-mail that accord wrote (invitations, password-reset links), oldest first.
    Outbox,
    /// Check the record's hash chain: "N entries, chain intact", or exit 6 naming the first entry that does
    /// not match.
    Verify,
    /// The record (the hash-chained log of every change of state).
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
}

#[derive(Debug, Subcommand)]
enum UsersCommand {
    /// Create a user, for example the first secretariat: `echo PASSWORD | accord users add EMAIL --name N
    /// --password-stdin --secretariat PROCESS`. The password is read from standard input, never from the
    /// command line (which other users of the machine can see).
    Add {
        /// The sign-in e-mail address.
        email: String,
        /// The name shown beside what the person does.
        #[arg(long)]
        name: String,
        /// Read the password (at least 10 characters) from the first line of standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
        /// Make the user the secretariat of this process.
        #[arg(long, value_name = "PROCESS")]
        secretariat: Option<String>,
    },
    /// List the users: id, e-mail address, name.
    List,
}

#[derive(Debug, Subcommand)]
enum LogCommand {
    /// Write the whole record as JSON lines (format: docs/record.md).
    Export {
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RevisionFormat {
    Akn,
    Docx,
    Html,
    Md,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RedlineFormat {
    Term,
    Html,
    Akn,
    Docx,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// A failed command: the error and the exit code that says what kind of failure it was.
pub struct Failure {
    /// What went wrong, with context.
    pub error: anyhow::Error,
    /// The exit code.
    pub code: u8,
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(error: E) -> Failure {
        let error = error.into();
        let code = exit_code(&error);
        Failure { error, code }
    }
}

fn exit_code(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if let Some(store_error) = cause.downcast_ref::<StoreError>() {
            return match store_error {
                StoreError::NotFound { .. } => 4,
                StoreError::Conflict { .. } => 5,
                _ => 1,
            };
        }
        if cause.downcast_ref::<akn::AknError>().is_some() {
            return 3;
        }
        if let Some(InputError(code, _)) = cause.downcast_ref::<InputError>() {
            return *code;
        }
        if cause.downcast_ref::<crate::consultations::BadInput>().is_some() {
            return 3;
        }
        if cause.downcast_ref::<RecordBroken>().is_some() {
            return 6;
        }
    }
    1
}

/// An error in what the user gave, with its exit code.
#[derive(Debug, thiserror::Error)]
#[error("{1}")]
struct InputError(u8, String);

/// The record's chain is broken: names the first entry that does not match.
#[derive(Debug, thiserror::Error)]
#[error("the record does not verify ({n_entries} entries): {first_break}")]
struct RecordBroken {
    n_entries: i64,
    first_break: accord_store::Break,
}

/// Runs the parsed command.
pub async fn run(args: Args) -> Result<(), Failure> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let open = || async {
        Store::open(&args.database).await.with_context(|| format!("opening the database {}", args.database))
    };
    match args.command {
        Command::Serve { bind, demo, insecure_cookies, public_url, smtp_url, mail_from } => {
            let store = open().await?;
            if demo {
                accord_demo::load(&store).await.context("loading the demonstration process")?;
            }
            let listener =
                tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("listening on {bind}"))?;
            let address = listener.local_addr()?;
            if insecure_cookies && !address.ip().is_loopback() {
                return Err(InputError(
                    2,
                    format!(
                        "--insecure-cookies is for loopback only, and {address} is not: serve behind HTTPS"
                    ),
                )
                .into());
            }
            let public_url = public_url.unwrap_or_else(|| format!("http://{address}"));
            let mut auth = accord_server::AuthConfig::new(!insecure_cookies).with_public_url(&public_url);
            if let Some(smtp_url) = smtp_url {
                let smtp = accord_server::mail::Smtp::new(&smtp_url, &mail_from)
                    .map_err(|error| InputError(2, format!("--smtp-url: {error}")))?;
                auth = auth.with_smtp(smtp);
            }
            tracing::info!(database = %args.database, "accord serves http://{address}/");
            eprintln!("accord: serving http://{address}/ (database {})", args.database);
            let shutdown = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            accord_server::serve_with(store, auth, listener, shutdown).await.context("serving")?;
        }
        Command::Demo => {
            let store = open().await?;
            accord_demo::load(&store).await.context("loading the demonstration process")?;
            out!("the demonstration process is loaded: draft `{}`", accord_demo::DRAFT_ID);
        }
        Command::Import { file, draft, label, date, author, note } => {
            let document = read_akn(&file)?;
            let store = open().await?;
            let document = with_overrides(document, label, date, author)?;
            let draft_id = match draft {
                Some(draft) => draft,
                None => slug(&document.meta().work_number),
            };
            ensure_draft(&store, &draft_id, &document).await?;
            let summary = store
                .add_revision(&draft_id, &NewRevision { document, is_demo: false, note })
                .await
                .with_context(|| format!("storing {}", file.display()))?;
            out!("{}/{}\t{}\t{}", summary.draft_id, summary.number, summary.label, summary.date);
        }
        Command::Export { revision, format, output } => {
            let store = open().await?;
            let bytes = match format {
                RevisionFormat::Akn => store.revision_akn(&revision).await?.into_bytes(),
                RevisionFormat::Docx => {
                    let revision = store.revision(&revision).await?;
                    accord_docx::revision_docx(&revision.document)?
                }
                RevisionFormat::Html => {
                    accord_server::render::revision_html(&store.revision(&revision).await?.document)?
                        .into_bytes()
                }
                RevisionFormat::Md => {
                    accord_text::markdown::to_markdown(&store.revision(&revision).await?.document)
                        .into_bytes()
                }
            };
            write_output(output.as_deref(), &bytes, matches!(format, RevisionFormat::Docx))?;
        }
        Command::Redline { from, to, format, color, output } => {
            if from.draft_id != to.draft_id {
                return Err(InputError(
                    5,
                    format!(
                        "a redline compares revisions of one draft; `{from}` is of draft `{}` and `{to}` of \
                         draft `{}`",
                        from.draft_id, to.draft_id
                    ),
                )
                .into());
            }
            let store = open().await?;
            // The same comparison as the pages: with the amendments each change came from, when the newer
            // revision was made from picks on the older.
            let compared =
                accord_server::export::compare(&store, &from, &to).await.map_err(server_failure)?;
            let bytes = match format {
                RedlineFormat::Term => {
                    let color = match color {
                        Color::Always => true,
                        Color::Never => false,
                        Color::Auto => output.is_none() && std::io::stdout().is_terminal(),
                    };
                    let origins = compared.provenance.as_ref().map(|p| p as &dyn redline::Origins);
                    redline::render_term_with_origins(&compared.redline, color, origins).into_bytes()
                }
                RedlineFormat::Html => file_of(&compared, accord_server::export::Format::Html)?,
                RedlineFormat::Akn => file_of(&compared, accord_server::export::Format::Akn)?,
                RedlineFormat::Docx => file_of(&compared, accord_server::export::Format::Docx)?,
            };
            write_output(output.as_deref(), &bytes, matches!(format, RedlineFormat::Docx))?;
        }
        Command::Opinions { dir, json } => {
            let text = crate::opinions::run(&dir, json).map_err(|error| Failure { error, code: 3 })?;
            write_output(None, text.as_bytes(), false)?;
        }
        Command::Consultations { command } => {
            let store = open().await?;
            crate::consultations::run(&store, command).await?;
        }
        Command::Amendments { command } => {
            let store = open().await?;
            crate::amendments::run(&store, command).await?;
        }
        Command::Rounds { command } => {
            let store = open().await?;
            crate::rounds::run(&store, command).await?;
        }
        Command::Compile { revision, round, format, output, party, objective, kinds } => {
            let store = open().await?;
            let filter = crate::amendments::CompileFilter { party, objective, kinds };
            let bytes = crate::amendments::compile(&store, &revision, round, format, filter).await?;
            let binary = matches!(format, crate::amendments::CompileFormat::Docx);
            write_output(output.as_deref(), &bytes, binary)?;
        }
        Command::Revisions { draft } => {
            let store = open().await?;
            for revision in store.revisions(&draft).await? {
                let demo = if revision.is_demo { "\t(demonstration)" } else { "" };
                out!(
                    "{}/{}\t{}\t{}\t{}{demo}",
                    revision.draft_id,
                    revision.number,
                    revision.label,
                    revision.date,
                    revision.author
                );
            }
        }
        Command::Registry { command: RegistryCommand::Load } => {
            let store = open().await?;
            let load = store.load_compiled_registry().await.context("loading the registry")?;
            out!(
                "registry loaded: {} member states, {} observer states and {} cities added",
                load.n_member_states,
                load.n_observer_states,
                load.n_cities
            );
        }
        Command::Parties { command: PartiesCommand::Import { file } } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let text = String::from_utf8(bytes).map_err(|error| {
                InputError(
                    3,
                    format!("{}: not UTF-8 at byte {}", file.display(), error.utf8_error().valid_up_to()),
                )
            })?;
            let store = open().await?;
            let n_stored =
                store.import_parties_csv(&text).await.map_err(|error| import_failure(&file, error))?;
            out!("{n_stored} parties imported from {}", file.display());
        }
        Command::Parties { command: PartiesCommand::List { kind } } => {
            let store = open().await?;
            for party in store.parties(kind).await? {
                out!("{}", party_line(&party));
            }
        }
        Command::Users { command: UsersCommand::Add { email, name, password_stdin: _, secretariat } } => {
            let email =
                accord_store::Email::parse(&email).map_err(|error| InputError(2, error.to_string()))?;
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).context("reading the password from standard input")?;
            let password = accord_store::Password::parse_new(line.trim_end_matches(['\r', '\n']))
                .map_err(|error| InputError(2, format!("standard input: {error}")))?;
            let store = open().await?;
            if let Some(process_id) = &secretariat {
                store.process(process_id).await?;
            }
            let new = accord_store::account::NewUser { email, display_name: name, password };
            let user = store.create_user(&new).await.context("creating the user")?;
            if let Some(process_id) = &secretariat {
                store
                    .grant_process_role(
                        process_id,
                        None,
                        user.user_id,
                        accord_store::ProcessRole::Secretariat,
                    )
                    .await?;
            }
            let role =
                secretariat.map(|process_id| format!(", secretariat of {process_id}")).unwrap_or_default();
            out!("user {} created: {}{role}", user.user_id, user.email.as_str());
        }
        Command::Users { command: UsersCommand::List } => {
            let store = open().await?;
            for user in store.users().await? {
                out!("{}\t{}\t{}", user.user_id, user.email.as_str(), user.display_name);
            }
        }
        Command::Outbox => {
            let store = open().await?;
            for email in store.outbox().await? {
                let sent = email.sent_at.as_deref().unwrap_or("not sent");
                out!(
                    "--- #{} to {} at {} ({sent})",
                    email.outbox_id,
                    email.recipient.as_str(),
                    email.created_at
                );
                out!("Subject: {}\n\n{}", email.subject, email.body);
            }
        }
        Command::Verify => {
            let store = open().await?;
            let verification = store.verify_events().await.context("reading the record")?;
            if let Some(first_break) = verification.first_break {
                return Err(RecordBroken { n_entries: verification.n_entries, first_break }.into());
            }
            out!("{} entries, chain intact", verification.n_entries);
            if let Some(head_hash) = verification.head_hash {
                out!("head {head_hash}");
            }
        }
        Command::Log { command: LogCommand::Export { output } } => {
            let store = open().await?;
            let n_written = match &output {
                Some(path) => {
                    let file = std::fs::File::create(path)
                        .with_context(|| format!("creating {}", path.display()))?;
                    let mut writer = std::io::BufWriter::new(file);
                    store
                        .export_events(&mut writer, 0)
                        .await
                        .with_context(|| format!("writing {}", path.display()))?
                }
                None => {
                    let mut writer = std::io::BufWriter::new(std::io::stdout().lock());
                    match store.export_events(&mut writer, 0).await {
                        // A reader that stops early (`accord log export | head`) is no failure.
                        Err(accord_store::event::ExportError::Write { source, .. })
                            if source.kind() == std::io::ErrorKind::BrokenPipe =>
                        {
                            // Dropping the writer flushes what is buffered and ignores the same failure.
                            return Ok(());
                        }
                        result => result.context("writing to standard output")?,
                    }
                }
            };
            if let Some(path) = output {
                eprintln!("accord: wrote {n_written} entries to {}", path.display());
            }
        }
    }
    Ok(())
}

/// Reads and parses an Akoma Ntoso file; errors name the file.
fn read_akn(file: &Path) -> Result<Document, Failure> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    akn::from_bytes(&bytes).with_context(|| format!("{}", file.display())).map_err(Failure::from)
}

fn with_overrides(
    document: Document,
    label: Option<String>,
    date: Option<String>,
    author: Option<String>,
) -> Result<Document, Failure> {
    let mut meta = document.meta().clone();
    if let Some(label) = label {
        meta.version = label;
    }
    if let Some(date) = date {
        meta.expression_date =
            time::Date::parse(&date, time::macros::format_description!("[year]-[month]-[day]"))
                .map_err(|_| InputError(2, format!("--date `{date}` is not a date: expected YYYY-MM-DD")))?;
    }
    if let Some(author) = author {
        meta.author = author;
    }
    if meta.version.trim().is_empty() {
        meta.version = "Imported".to_owned();
    }
    Ok(document.with_meta(meta))
}

/// Creates a process, track and draft for `draft_id` when the draft does not exist.
async fn ensure_draft(store: &Store, draft_id: &str, document: &Document) -> Result<(), Failure> {
    match store.draft(draft_id).await {
        Ok(_) => return Ok(()),
        Err(StoreError::NotFound { .. }) => {}
        Err(error) => return Err(error.into()),
    }
    let title = document.meta().title.clone();
    store
        .create_process(&NewProcess {
            process: Process {
                process_id: draft_id.to_owned(),
                title: title.clone(),
                description: format!("Imported from Akoma Ntoso ({}).", akn::work_uri(document.meta())),
                is_demo: false,
            },
            tracks: vec![(
                Track {
                    track_id: draft_id.to_owned(),
                    process_id: draft_id.to_owned(),
                    title: "Main".to_owned(),
                },
                vec![Draft { draft_id: draft_id.to_owned(), track_id: draft_id.to_owned(), title }],
            )],
        })
        .await
        .with_context(|| format!("creating draft `{draft_id}`"))?;
    Ok(())
}

/// A URL-safe slug of `text`: lower-case ASCII letters, digits and `-`.
fn slug(text: &str) -> String {
    let slug: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        "imported".to_owned()
    } else {
        slug
    }
}

/// Writes to the file or to standard output; refuses to write a binary file to a terminal.
fn write_output(output: Option<&Path>, bytes: &[u8], binary: bool) -> Result<(), Failure> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            if binary && std::io::stdout().is_terminal() {
                return Err(InputError(2, "a Word file is binary: give --output FILE".to_owned()).into());
            }
            let mut stdout = std::io::stdout().lock();
            // A reader that stops early (`accord compile … | head`) is no failure: what it read was right.
            match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
                Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => {}
                result => result.context("writing to standard output")?,
            }
        }
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
enum RegistryCommand {
    /// Load the registry compiled into accord: the 193 UN member states and 2 observer states as parties, and
    /// the GeoNames cities of 15,000 people or more as the gazetteer. Loading twice adds nothing.
    Load,
}

#[derive(Debug, Subcommand)]
enum PartiesCommand {
    /// Import parties from a CSV file, all rows or none. Columns (header first, any order): kind, name,
    /// iso3166, country, geonames_id, party_id. Kinds: member_state, observer_state, city, city_network,
    /// un_entity, igo, civil_society.
    Import {
        /// The CSV file, UTF-8.
        file: PathBuf,
    },
    /// List the parties, by kind then name: slug, kind, name, ISO code or country, and a city's population.
    List {
        /// Only parties of this kind (member_state, observer_state, city, city_network, un_entity, igo,
        /// civil_society).
        #[arg(long, value_parser = parse_kind)]
        kind: Option<PartyKind>,
    },
}

fn parse_kind(text: &str) -> Result<PartyKind, PartyError> {
    text.parse()
}

/// A failed import as exit 3 with one `FILE: row R, column C: message` line per bad row.
fn import_failure(file: &Path, error: ImportError) -> Failure {
    match error {
        ImportError::Rows(rows) => {
            let lines: Vec<String> = rows.iter().map(|row| format!("{}: {row}", file.display())).collect();
            InputError(3, lines.join("\n")).into()
        }
        ImportError::Store(error) => {
            Failure::from(anyhow::Error::new(error).context(format!("importing {}", file.display())))
        }
    }
}

/// One line of `accord parties list`, tab-separated.
fn party_line(party: &Party) -> String {
    let code = party.iso3166_alpha3.as_deref().or(party.country_code.as_deref()).unwrap_or("");
    let population = party.population.map(|population| population.to_string()).unwrap_or_default();
    format!("{}\t{}\t{}\t{code}\t{population}", party.party_id, party.kind, party.name).trim_end().to_owned()
}

/// Writes one line of a listing to standard output. A reader that stops early (`accord amendments list | head`)
/// ends the command quietly with exit 0, as a closed pipe ends other Unix tools; `println!` would panic.
pub(crate) fn print_line(line: std::fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = writeln!(stdout, "{line}") {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("accord: writing to standard output: {error}");
        std::process::exit(1);
    }
}

/// `println!` for the command's output, through [`print_line`].
macro_rules! out {
    ($($arg:tt)*) => {
        crate::cli::print_line(format_args!($($arg)*))
    };
}
pub(crate) use out;

/// A redline file made as the pages make it, naming the amendments each change came from when it can.
fn file_of(
    compared: &accord_server::export::Compared,
    format: accord_server::export::Format,
) -> Result<Vec<u8>, Failure> {
    let author = &compared.new.summary.author;
    let file = accord_server::export::redline_file(compared, format, author).map_err(server_failure)?;
    Ok(file.bytes().to_vec())
}
