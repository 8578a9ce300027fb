//! The demonstration process that `accord serve --demo` loads, and that the home page offers on an empty
//! database: the Global Compact for Safe, Orderly and Regular Migration.
//!
//! - Revision 0 is the real text: the 23 objectives, commitments and 187 actions of the compact as adopted by
//!   the General Assembly (A/RES/73/195), from `data/gcm/gcm-a-res-73-195.akn.xml`, which is compiled into
//!   the binary so that a fresh install needs no other file.
//! - The parties ([`parties`]): the 193 member states and 2 observer states at the table of both tracks, the
//!   United States withdrawn from the migration track (as it withdrew on 2 December 2017) and still in the
//!   refugee track, and 136 cities asking for entry to the migration track in every state of the process.
//!   The requests and decisions are invented and say so.
//! - A resident consultation ([`consultation`]) that New York City opens on the migration track: fifteen
//!   invented seed statements and the votes of 200 simulated participants, labelled as invented.
//! - The first round of the migration track ([`amendments`]): sixty invented amendments to the zero draft, most
//!   by cities and in the spirit of what cities asked for in 2018 (local authorities named beside national
//!   ones), with co-sponsors, drafts, a withdrawal and a revision; the co-facilitators' picks; and Rev.1
//!   published from them, so that its redline names the amendment behind every change. Rev.1 is flagged as
//!   a demonstration in the store, and every page that shows it says so. A fourth round, on Rev.1, stays
//!   open for ninety days from the load so that a visitor can table amendments.
//! - Positions ([`positions`]): invented positions of sixty member states and the participant cities on the
//!   first round's amendments and on the paragraphs of objectives 15 and 16, in blocs that the consensus
//!   dashboard's opinion map shows, with a few brackets.
#![deny(missing_docs)]

pub mod amendments;
pub mod consultation;
pub mod parties;
pub mod positions;

use accord_store::{Draft, NewProcess, NewRevision, Process, Store, StoreError, Track};
use accord_text::{akn, Document};

/// The real text, as committed: Akoma Ntoso 3.0 converted from A/RES/73/195 (see the file's first comment).
pub const GCM_AKN: &str = include_str!("../../../data/gcm/gcm-a-res-73-195.akn.xml");

/// The demonstration process's slug.
pub const PROCESS_ID: &str = "global-compacts-2018";
/// The migration track's slug.
pub const TRACK_ID: &str = "migration";
/// The refugee track's slug.
pub const REFUGEE_TRACK_ID: &str = "refugees";
/// The draft's slug.
pub const DRAFT_ID: &str = "gcm";
/// The refugee compact's draft (no revision: its text is not part of accord).
pub const REFUGEE_DRAFT_ID: &str = "gcr";
/// Who the record names for what the demonstration invents.
pub const DEMO_ACTOR: &str = "demo (invented)";

/// Why the demonstration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The committed text does not read as Akoma Ntoso (a build from a broken tree).
    #[error("the committed GCM text does not read: {0}")]
    Text(#[from] akn::AknError),
    /// A demonstration edit no longer fits the text.
    #[error("a demonstration edit does not fit the text: {0}")]
    Edit(String),
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The registry did not load.
    #[error(transparent)]
    Registry(#[from] accord_store::LoadRegistryError),
}

/// The real text of the compact, as adopted, labelled as the demonstration's zero draft.
///
/// # Errors
/// [`DemoError::Text`] when the committed file does not read.
pub fn base_revision() -> Result<Document, DemoError> {
    let document = akn::from_xml(GCM_AKN)?;
    let mut meta = document.meta().clone();
    meta.version = "Zero draft".to_owned();
    Ok(document.with_meta(meta))
}

/// The demonstration's Rev.1: the zero draft with the picks of the first round's invented amendments
/// ([`amendments`]) applied, labelled and dated as [`amendments::rev1_meta`] says. [`load`] publishes the same
/// text through the store, from the stored amendments and picks.
///
/// # Errors
/// [`DemoError::Edit`] when an amendment or a pick no longer fits the base text.
pub fn demonstration_revision(base: &Document) -> Result<Document, DemoError> {
    let (checked, picks) = amendments::checked_with_picks(base)?;
    let (next, _) = accord_text::amendment::apply_picks(base, &checked, &picks)
        .map_err(|error| DemoError::Edit(error.to_string()))?;
    let facts = amendments::rev1_meta();
    let mut meta = next.meta().clone();
    meta.version = facts.label;
    meta.expression_date = facts.date;
    meta.author = facts.author;
    Ok(next.with_meta(meta))
}

/// Whether the demonstration process is in the store.
///
/// # Errors
/// [`DemoError::Store`] when the store fails.
pub async fn is_loaded(store: &Store) -> Result<bool, DemoError> {
    match store.process(PROCESS_ID).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound { .. }) => Ok(false),
        Err(error) => Err(error.into()),
    }
}

/// Loads the whole demonstration: the process with its text ([`load_text`]), then its parties and rounds
/// ([`parties::load`]); does nothing when the process is loaded already.
///
/// # Errors
/// [`DemoError`] when the text does not read or the store refuses.
pub async fn load(store: &Store) -> Result<(), DemoError> {
    if is_loaded(store).await? {
        return Ok(());
    }
    let base = base_revision()?;
    create_process(store, &base).await?;
    parties::load(store).await?;
    amendments::load(store, &base).await?;
    positions::load(store).await?;
    consultation::load(store).await
}

/// Loads the demonstration process with its tracks, drafts and the two revisions of the migration compact,
/// without parties and amendments (quicker, for tests of the text): Rev.1 is [`demonstration_revision`], the
/// same text that [`load`] publishes from the stored picks. Does nothing when the process is loaded already.
///
/// # Errors
/// [`DemoError`] when the text does not read or the store refuses.
pub async fn load_text(store: &Store) -> Result<(), DemoError> {
    if is_loaded(store).await? {
        return Ok(());
    }
    let base = base_revision()?;
    let demonstration = demonstration_revision(&base)?;
    create_process(store, &base).await?;
    let facts = amendments::rev1_meta();
    store
        .add_revision(DRAFT_ID, &NewRevision { document: demonstration, is_demo: true, note: facts.note })
        .await?;
    Ok(())
}

/// Creates the process with its tracks and drafts, and the zero draft.
async fn create_process(store: &Store, base: &Document) -> Result<(), DemoError> {
    store
        .create_process(&NewProcess {
            process: Process {
                process_id: PROCESS_ID.to_owned(),
                title: "Global compacts 2018".to_owned(),
                description: "The intergovernmental negotiations of 2018: the Global Compact for Safe, Orderly and \
                              Regular Migration, adopted by the General Assembly on 19 December 2018 \
                              (A/RES/73/195), and the Global Compact on Refugees. Revision 0 of the migration \
                              compact is its real text (its 23 objectives); the revision after it, the rounds' \
                              deadlines and the requests and decisions on accreditation are a demonstration."
                    .to_owned(),
                is_demo: true,
            },
            tracks: vec![
                (
                    Track {
                        track_id: TRACK_ID.to_owned(),
                        process_id: PROCESS_ID.to_owned(),
                        title: "Migration".to_owned(),
                    },
                    vec![Draft {
                        draft_id: DRAFT_ID.to_owned(),
                        track_id: TRACK_ID.to_owned(),
                        title: "Global Compact for Safe, Orderly and Regular Migration".to_owned(),
                    }],
                ),
                (
                    Track {
                        track_id: REFUGEE_TRACK_ID.to_owned(),
                        process_id: PROCESS_ID.to_owned(),
                        title: "Refugees".to_owned(),
                    },
                    vec![Draft {
                        draft_id: REFUGEE_DRAFT_ID.to_owned(),
                        track_id: REFUGEE_TRACK_ID.to_owned(),
                        title: "Global Compact on Refugees".to_owned(),
                    }],
                ),
            ],
        })
        .await?;
    store
        .add_revision(
            DRAFT_ID,
            &NewRevision {
                document: base.clone(),
                is_demo: false,
                note: "The text as adopted by the General Assembly (A/RES/73/195, 19 December 2018): \
                       objectives 1 to 23 with their commitments and actions."
                    .to_owned(),
            },
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_revision_is_the_real_compact() {
        let base = base_revision().unwrap();
        let objectives = base.nodes_where(|node| node.name.as_deref() == Some("objective"));
        let actions = base.nodes_where(|node| node.element == "point");
        assert_eq!(objectives.len(), 23);
        assert_eq!(actions.len(), 187);
        assert_eq!(base.meta().source_symbol.as_deref(), Some("A/RES/73/195"));
    }

    #[test]
    fn the_picks_of_the_first_round_make_rev1() {
        let base = base_revision().unwrap();
        let demonstration = demonstration_revision(&base).unwrap();
        let counts = accord_text::redline::redline(&base, &demonstration).counts();
        assert_eq!(counts.n_inserted, 1, "{counts:?}");
        assert_eq!(counts.n_deleted, 1, "{counts:?}");
        assert_eq!(counts.n_moved, 0, "{counts:?}");
        // Picked: three written word changes (A/1; A/2 with A/26 bridged, in one point; A/5) and eight
        // `national and local` changes, each in its own element.
        assert_eq!(counts.n_modified, 11, "{counts:?}");
        assert_eq!(demonstration.meta().version, "Rev.1");
    }
}
