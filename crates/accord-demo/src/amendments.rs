//! The demonstration's first round: sixty invented amendments to the zero draft, tabled between 20 February
//! and 9 March 2018 (invented dates), most by cities accredited to the migration track, many adding local
//! authorities where the text names national ones, as cities asked in 2018; the co-facilitators' picks; and
//! Rev.1 made from them. Every amendment's justification says it is invented.
//!
//! The list is pure ([`amendments`]), so that [`crate::demonstration_revision`] makes the same Rev.1 without a
//! store, and [`load`] stores the same amendments through the store's checks (participants, deadline, words
//! found once) before it publishes Rev.1 from the picks.

use crate::parties::participant_cities;
use crate::{DemoError, DEMO_ACTOR, DRAFT_ID, TRACK_ID};
use accord_store::{NewAmendment, NewParty, NextRevision, RevisionRef, Store};
use accord_text::amendment::{self, Amendment, Pick, Position, Proposal, Words};
use accord_text::{Document, EId};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Who sponsors or co-sponsors a demonstration amendment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sponsor {
    /// A member state by its ISO 3166-1 alpha-2 code.
    State(&'static str),
    /// The `n`th city accredited to the migration track as a participant ([`participant_cities`]), 0 for
    /// Atlanta.
    City(usize),
}

impl Sponsor {
    /// A stand-in name for pure use (distinct per sponsor): the state's code or `city-N`.
    fn placeholder(self) -> String {
        match self {
            Sponsor::State(code) => code.to_owned(),
            Sponsor::City(n) => format!("city-{n}"),
        }
    }
}

/// What becomes of a demonstration amendment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Tabled, not picked: not retained when Rev.1 is published.
    Tabled,
    /// Picked whole for Rev.1.
    Picked,
    /// Picked with the co-facilitators' bridging text.
    Bridged(&'static str),
    /// Kept as a draft by its delegation.
    Draft,
    /// Tabled, then withdrawn by its sponsor.
    Withdrawn,
    /// Tabled, then revised by its sponsor to this proposal (and not picked).
    Revised(Proposal),
}

/// One invented amendment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAmendment {
    /// The sponsor.
    pub sponsor: Sponsor,
    /// The co-sponsors.
    pub co_sponsors: Vec<Sponsor>,
    /// What it proposes (first version).
    pub proposal: Proposal,
    /// Why (invented).
    pub justification: String,
    /// What becomes of it.
    pub fate: Fate,
}

const POINT_C: &str = "sec_3__obj_15__para_1__point_c";

fn eid(text: &str) -> EId {
    EId::parse(text).expect("a demonstration eId is well formed")
}

fn replace(target: &str, words: &str, by: &str) -> Proposal {
    Proposal::ReplaceWords { eid: eid(target), words: Words::new(words), by: by.to_owned() }
}

fn insert_after(target: &str, anchor: &str, text: &str) -> Proposal {
    Proposal::InsertWords {
        eid: eid(target),
        position: Position::After,
        anchor: Words::new(anchor),
        text: text.to_owned(),
    }
}

fn delete(target: &str, words: &str) -> Proposal {
    Proposal::DeleteWords { eid: eid(target), words: Words::new(words) }
}

fn invented(why: &str) -> String {
    format!("Demonstration: an invented amendment. {why}")
}

/// The amendments written out one by one: the changes Rev.1 keeps from the cities' call, alternatives on the
/// same words, deletions and insertions by states, drafts, a withdrawal and a revision.
fn written() -> Vec<DemoAmendment> {
    use Sponsor::{City, State};
    let one = |sponsor, co_sponsors: &[Sponsor], proposal, why: &str, fate| DemoAmendment {
        sponsor,
        co_sponsors: co_sponsors.to_vec(),
        proposal,
        justification: invented(why),
        fate,
    };
    vec![
        one(
            City(0),
            &[City(1), City(2), State("CA")],
            replace(
                "sec_3__obj_15__para_1",
                "We commit to ensure that all migrants",
                "We commit, together with local and regional authorities, to ensure that all migrants",
            ),
            "Cities and regions deliver most basic services to migrants.",
            Fate::Picked,
        ),
        one(
            City(1),
            &[City(0), City(3)],
            replace(POINT_C, "service points at local level", "service points at local level, designed and run with municipalities"),
            "Service points work when the city that runs them designs them.",
            Fate::Picked,
        ),
        one(
            State("HU"),
            &[],
            replace(POINT_C, "at local level", "at all levels"),
            "Service points are a matter for each State to organize.",
            Fate::Tabled,
        ),
        one(
            State("DE"),
            &[State("NL")],
            replace(POINT_C, "easily accessible", "accessible"),
            "Shorter.",
            Fate::Tabled,
        ),
        one(
            City(2),
            &[City(4)],
            replace(
                "sec_3__obj_1__para_1__point_a",
                "at local, national, regional and global levels",
                "at national, regional and global levels and in cities",
            ),
            "Data on migrants in cities is collected by cities.",
            Fate::Picked,
        ),
        one(
            City(3),
            &[City(0), City(1), City(5)],
            Proposal::AddElement {
                after: eid(POINT_C),
                eid: eid("sec_3__obj_15__para_1__point_cbis"),
                element: "point".to_owned(),
                num: Some("(c bis)".to_owned()),
                text: "Recognize the role of cities and local authorities as first responders in housing, health \
                       care and education for migrants, and include their representatives in the follow-up of \
                       this objective."
                    .to_owned(),
            },
            "Cities are the first to house, treat and school those who arrive.",
            Fate::Picked,
        ),
        one(
            State("BR"),
            &[State("AR")],
            Proposal::DeleteElement { eid: eid("sec_3__obj_1__para_1__point_k") },
            "Covered by action (j).",
            Fate::Picked,
        ),
        one(
            City(4),
            &[City(2)],
            insert_after(
                "sec_3__obj_15__para_1__point_e",
                "in national and local health care policies and plans",
                ", drawn up with the municipal health services that serve migrants",
            ),
            "Municipal clinics see migrants first.",
            Fate::Tabled,
        ),
        one(
            City(5),
            &[City(0)],
            insert_after(
                "sec_3__obj_15__para_1__point_f",
                "fostering partnerships with all stakeholders",
                ", including local education authorities,",
            ),
            "Schools are run by local education authorities in most countries.",
            Fate::Tabled,
        ),
        one(
            State("MX"),
            &[State("CO"), State("PE")],
            replace("sec_3__obj_15__para_1__point_d", "at the national or local level", "at the national and local levels"),
            "Both levels are needed.",
            Fate::Tabled,
        ),
        one(
            State("PL"),
            &[],
            delete("sec_3__obj_15__para_1__point_b", "or unlawfully infringing upon the human rights to privacy, liberty and security of person at places of basic service delivery"),
            "The clause goes beyond existing obligations.",
            Fate::Tabled,
        ),
        one(
            City(6),
            &[City(0), City(1)],
            replace(
                "sec_3__obj_16__para_1__point_d",
                "in accordance with local and national labour market demands",
                "in accordance with local, regional and national labour market demands",
            ),
            "Labour markets are regional as much as national.",
            Fate::Tabled,
        ),
        one(
            City(0),
            &[City(6)],
            insert_after(
                "sec_3__obj_16__para_1__point_a",
                "facilitate social cohesion and inclusion",
                ", with local governments as partners",
            ),
            "Integration happens in neighbourhoods.",
            Fate::Tabled,
        ),
        one(
            State("AU"),
            &[],
            delete("sec_3__obj_13__para_1__point_a", ", favouring non-custodial measures and community-based care arrangements"),
            "States decide on the measures.",
            Fate::Tabled,
        ),
        one(
            State("UY"),
            &[State("CL")],
            replace("sec_3__obj_13__para_1__point_a", "especially in the case of families and children", "in particular for families and children"),
            "Clearer.",
            Fate::Tabled,
        ),
        one(
            City(1),
            &[City(4)],
            insert_after(
                "sec_3__obj_13__para_1__point_b",
                "between States and relevant stakeholders",
                ", including local authorities that run community-based alternatives",
            ),
            "Alternatives to detention are run in cities.",
            Fate::Tabled,
        ),
        one(
            State("IT"),
            &[],
            replace("sec_3__obj_7__para_1__point_a", "Review relevant policies and practices", "Review national policies and practices"),
            "Clearer scope.",
            Fate::Draft,
        ),
        one(
            City(7),
            &[],
            insert_after(
                "sec_3__obj_17__para_1__point_a",
                "train law enforcement",
                ", including municipal police,",
            ),
            "Municipal police meet migrants daily.",
            Fate::Draft,
        ),
        one(
            State("CH"),
            &[State("SE")],
            replace("sec_3__obj_5__para_1__point_a", "in cooperation with relevant stakeholders", "in cooperation with social partners and relevant stakeholders"),
            "Employers and trade unions negotiate such terms.",
            Fate::Withdrawn,
        ),
        one(
            City(3),
            &[City(2)],
            insert_after(
                "sec_3__obj_16__para_1__point_b",
                "basic language training",
                " offered by local providers",
            ),
            "Language courses are local.",
            Fate::Revised(insert_after(
                "sec_3__obj_16__para_1__point_b",
                "basic language training",
                " offered by local and community providers",
            )),
        ),
        one(
            State("EG"),
            &[State("MA")],
            replace("sec_3__obj_2__para_1", "in their own country", "in their countries of origin"),
            "Precision.",
            Fate::Tabled,
        ),
        one(
            City(8),
            &[City(0), City(1)],
            insert_after(
                "sec_3__obj_2__para_1",
                "We commit to create conducive political, economic, social and environmental conditions",
                ", at national and local level,",
            ),
            "Living conditions are shaped locally too.",
            Fate::Tabled,
        ),
        one(
            State("PH"),
            &[State("ID")],
            replace("sec_3__obj_23__para_1", "a revitalized global partnership", "a revitalized and inclusive global partnership"),
            "Partnership should include all.",
            Fate::Tabled,
        ),
        one(
            City(2),
            &[City(3), City(8)],
            insert_after(
                "sec_3__obj_23__para_1",
                "a revitalized global partnership",
                " that includes local and regional governments",
            ),
            "Cities implement the compact.",
            Fate::Tabled,
        ),
        one(
            State("JP"),
            &[],
            delete(POINT_C, "holistic and "),
            "Shorter.",
            Fate::Tabled,
        ),
        one(
            State("KE"),
            &[State("GH"), State("SN")],
            replace(POINT_C, "holistic", "comprehensive"),
            "Usual wording.",
            Fate::Bridged("integrated"),
        ),
        one(
            City(4),
            &[],
            replace("sec_3__obj_15__para_1__point_a", "Enact laws and take measures", "Enact laws and take measures, at all levels of government,"),
            "Non-discrimination binds every level of government.",
            Fate::Tabled,
        ),
        one(
            State("FR"),
            &[State("BE"), State("LU")],
            replace("sec_3__obj_15__para_1__point_a", "Enact laws and take measures", "Adopt laws and measures"),
            "Wording.",
            Fate::Tabled,
        ),
        one(
            City(5),
            &[City(7)],
            replace(
                "sec_3__obj_15__para_1",
                "migrant-inclusive service delivery systems",
                "migrant-inclusive service delivery systems, national and local,",
            ),
            "Service delivery systems are local.",
            Fate::Tabled,
        ),
        one(
            State("NO"),
            &[State("IS")],
            replace(
                "sec_3__obj_15__para_1__point_f",
                "inclusive and equitable quality education",
                "inclusive, equitable and quality education",
            ),
            "Each quality stands on its own.",
            Fate::Tabled,
        ),
    ]
}

/// The points of the compact that name national actors and not local ones, each with a city's amendment that
/// adds local ones: `national` becomes `national and local`. Eight are picked for Rev.1.
fn national_and_local(base: &Document) -> Vec<DemoAmendment> {
    const PICKED: [&str; 8] = [
        "sec_3__obj_1__para_1__point_g",
        "sec_3__obj_2__para_1__point_g",
        "sec_3__obj_3__para_1__point_a",
        "sec_3__obj_7__para_1__point_e",
        "sec_3__obj_16__para_1__point_c",
        "sec_3__obj_6__para_1__point_l",
        "sec_3__obj_21__para_1__point_f",
        "sec_3__obj_22__para_1__point_a",
    ];
    let national = Words::nth("national", 1);
    let written_targets: Vec<EId> = written().iter().map(|demo| demo.proposal.eid().clone()).collect();
    let mut found = Vec::new();
    for unit in base.units() {
        let text = &unit.text;
        if unit.element != "point" || text.contains("local") || written_targets.contains(&unit.eid) {
            continue;
        }
        // `national or social origin` names a ground of discrimination, not an actor.
        if text.contains("national or social origin") {
            continue;
        }
        if amendment::occurrences(text, "national").is_empty() {
            continue;
        }
        let n = found.len();
        let target = unit.eid.as_str();
        found.push(DemoAmendment {
            sponsor: Sponsor::City(n % 9),
            co_sponsors: vec![Sponsor::City((n + 1) % 9), Sponsor::City((n + 4) % 9)],
            proposal: Proposal::ReplaceWords {
                eid: unit.eid.clone(),
                words: national.clone(),
                by: "national and local".to_owned(),
            },
            justification: invented("Local authorities carry out this action alongside national ones."),
            fate: if PICKED.contains(&target) { Fate::Picked } else { Fate::Tabled },
        });
    }
    found
}

/// Every demonstration amendment of the first round, in the order they are tabled (amendment `i` of the list
/// is `A/{i + 1}` in a store that held none before).
pub fn amendments(base: &Document) -> Vec<DemoAmendment> {
    let mut all = written();
    all.extend(national_and_local(base));
    all
}

/// The amendments checked against `base` with stand-in party names and numbers from 1, and the picks of Rev.1.
///
/// # Errors
/// [`DemoError::Edit`] when an amendment no longer fits the text.
pub fn checked_with_picks(base: &Document) -> Result<(Vec<Amendment>, Vec<Pick>), DemoError> {
    let mut checked = Vec::new();
    let mut picks = Vec::new();
    for (index, demo) in amendments(base).into_iter().enumerate() {
        let id = index as u64 + 1;
        let co_sponsors: Vec<String> = demo.co_sponsors.iter().map(|s| s.placeholder()).collect();
        let co_sponsors: Vec<&str> = co_sponsors.iter().map(String::as_str).collect();
        let amendment = Amendment::new(
            base,
            id,
            &demo.sponsor.placeholder(),
            &co_sponsors,
            &demo.justification,
            demo.proposal,
        )
        .map_err(|error| DemoError::Edit(format!("demonstration amendment {id}: {error}")))?;
        checked.push(amendment);
        match demo.fate {
            Fate::Picked => picks.push(Pick { amendment_id: id, bridging: None }),
            Fate::Bridged(text) => picks.push(Pick { amendment_id: id, bridging: Some(text.to_owned()) }),
            _ => {}
        }
    }
    Ok((checked, picks))
}

/// When the `index`th amendment was tabled: from 20 February 2018, a few hours apart, before the deadline.
fn tabled_at(index: usize) -> OffsetDateTime {
    datetime!(2018-02-20 09:00 UTC) + Duration::hours(5 * index as i64)
}

/// Stores the first round's amendments as their sponsors would (drafted, tabled, revised, withdrawn), the
/// co-facilitators' picks after the deadline, and Rev.1 published from them.
///
/// # Errors
/// [`DemoError::Store`] when the store refuses one (a demonstration that no longer fits the text).
pub async fn load(store: &Store, base: &Document) -> Result<(), DemoError> {
    let cities = participant_cities(store).await?;
    let party_id = |sponsor: Sponsor| -> Result<String, DemoError> {
        match sponsor {
            Sponsor::State(code) => Ok(NewParty::state(code)
                .map_err(|error| DemoError::Edit(error.to_string()))?
                .party_id()
                .to_owned()),
            Sponsor::City(n) => cities
                .get(n)
                .cloned()
                .ok_or_else(|| DemoError::Edit(format!("no participant city number {n}"))),
        }
    };
    let mut stored = Vec::new();
    for (index, demo) in amendments(base).into_iter().enumerate() {
        let at = tabled_at(index);
        let new = NewAmendment {
            draft_id: DRAFT_ID.to_owned(),
            revision: 0,
            round: 1,
            sponsor: party_id(demo.sponsor)?,
            co_sponsors: demo.co_sponsors.iter().map(|s| party_id(*s)).collect::<Result<_, _>>()?,
            proposal: demo.proposal.clone(),
            justification: demo.justification.clone(),
            table: demo.fate != Fate::Draft,
        };
        let record = store.create_amendment(&new, DEMO_ACTOR, at).await?;
        let later = at + Duration::hours(2);
        match &demo.fate {
            Fate::Withdrawn => {
                store
                    .withdraw_amendment(
                        record.amendment_id,
                        "Demonstration: an invented withdrawal; the sponsor joins another amendment.",
                        DEMO_ACTOR,
                        later,
                    )
                    .await?;
            }
            Fate::Revised(proposal) => {
                store
                    .revise_amendment(record.amendment_id, proposal, &demo.justification, DEMO_ACTOR, later)
                    .await?;
            }
            _ => {}
        }
        stored.push((record.amendment_id, demo.fate));
    }
    let after_deadline = datetime!(2018-03-10 10:00 UTC);
    for (amendment_id, fate) in &stored {
        match fate {
            Fate::Picked => {
                store.pick_amendment(*amendment_id, None, DEMO_ACTOR, after_deadline).await?;
            }
            Fate::Bridged(text) => {
                store.pick_amendment(*amendment_id, Some(text), DEMO_ACTOR, after_deadline).await?;
            }
            _ => {}
        }
    }
    store
        .publish_next_revision(
            &RevisionRef { draft_id: DRAFT_ID.to_owned(), number: Some(0) },
            1,
            &rev1_meta(),
            DEMO_ACTOR,
            datetime!(2018-03-12 09:00 UTC),
        )
        .await?;
    let today = OffsetDateTime::now_utc();
    let open_round = accord_store::Round {
        track_id: TRACK_ID.to_owned(),
        number: 4,
        title: "Fourth round: Rev.1 (demonstration, open for ninety days from the load)".to_owned(),
        opens_on: today.date().to_string(),
        deadline: (today + Duration::days(90))
            .replace_nanosecond(0)
            .expect("zero nanoseconds are valid")
            .format(&time::format_description::well_known::Rfc3339)
            .expect("a UTC instant formats as RFC 3339"),
    };
    store.add_round(&open_round, DEMO_ACTOR).await?;
    Ok(())
}

/// The facts of the demonstration's Rev.1.
pub fn rev1_meta() -> NextRevision {
    NextRevision {
        label: "Rev.1".to_owned(),
        date: time::macros::date!(2018 - 03 - 12),
        author: "the co-facilitators (demonstration)".to_owned(),
        is_demo: true,
        note:
            "Demonstration: made by the co-facilitators from invented amendments picked in the first round. \
               Not a UN text."
                .to_owned(),
    }
}
