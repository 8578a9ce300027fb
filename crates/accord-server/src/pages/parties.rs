//! The party registry's pages: every party with its kind (`/parties`, filtered by a GET form), one party
//! (`/parties/{party_id}`), and the gazetteer's city search (`/cities?q=`) from which a city is picked.
//!
//! The accreditation status of each party per track is not shown here yet: the templates mark where its
//! columns go.

use super::html;
use crate::api::parties::parse_kind_filter;
use crate::error::PageError;
use crate::AppState;
use accord_store::registry::{self, City};
use accord_store::{Party, PartyKind};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;

/// How many cities the search page shows.
const N_CITIES_SHOWN: u32 = 25;

#[derive(Template)]
#[template(path = "parties.html")]
struct PartiesPage {
    /// `(kind, label)` for the filter's options.
    kinds: Vec<(&'static str, &'static str)>,
    /// The kind filtered on, `""` for every kind.
    selected: String,
    rows: Vec<PartyRow>,
}

/// One party in the registry's table.
struct PartyRow {
    party_id: String,
    name: String,
    kind_label: &'static str,
    /// A state's ISO 3166-1 alpha-3 code, or the country a city or organization is in.
    code: String,
}

impl From<Party> for PartyRow {
    fn from(party: Party) -> PartyRow {
        let code = party.iso3166_alpha3.or(party.country_code).unwrap_or_default();
        PartyRow { party_id: party.party_id, name: party.name, kind_label: party.kind.label(), code }
    }
}

#[derive(Template)]
#[template(path = "party.html")]
struct PartyPage {
    name: String,
    facts: Vec<Fact>,
    is_city: bool,
    attribution: &'static str,
}

/// One line of a party's description list.
struct Fact {
    label: &'static str,
    value: String,
    /// A link for the value, `""` for none.
    href: String,
}

impl Fact {
    fn new(label: &'static str, value: impl Into<String>) -> Fact {
        Fact { label, value: value.into(), href: String::new() }
    }
}

#[derive(Template)]
#[template(path = "cities.html")]
struct CitiesPage {
    query: String,
    cities: Vec<CityRow>,
    attribution: &'static str,
    /// Whether the viewer may make a city a party (the secretariat).
    may_add: bool,
    csrf: String,
}

/// One city of the search's results.
struct CityRow {
    geonames_id: i64,
    name: String,
    admin1_code: String,
    /// The country's name and code, e.g. `United States (US)`.
    country: String,
    population: i64,
}

impl From<City> for CityRow {
    fn from(city: City) -> CityRow {
        CityRow {
            geonames_id: city.geonames_id,
            country: country_name(&city.country_code),
            name: city.name,
            admin1_code: city.admin1_code,
            population: city.population,
        }
    }
}

/// The query of `/parties`.
#[derive(Debug, Deserialize)]
pub struct PartiesQuery {
    /// `member_state` … `civil_society`; empty or absent for every kind.
    #[serde(default)]
    kind: String,
}

/// The query of `/cities`.
#[derive(Debug, Deserialize)]
pub struct CitiesQuery {
    /// The start of the city's name.
    #[serde(default)]
    q: String,
}

/// `GET /parties?kind=`: every party of the registry, or those of one kind.
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<PartiesQuery>,
) -> Result<Html<String>, PageError> {
    let kind = parse_kind_filter(&query.kind)?;
    let rows = state.store.parties(kind).await?.into_iter().map(PartyRow::from).collect();
    html(&PartiesPage {
        kinds: PartyKind::ALL.iter().map(|kind| (kind.as_str(), kind.label())).collect(),
        selected: kind.map(|kind| kind.as_str().to_owned()).unwrap_or_default(),
        rows,
    })
}

/// `GET /parties/{party_id}`: one party's facts.
pub async fn one(
    State(state): State<AppState>,
    Path(party_id): Path<String>,
) -> Result<Html<String>, PageError> {
    let party = state.store.party(&party_id).await?;
    html(&PartyPage {
        name: party.name.clone(),
        is_city: party.kind == PartyKind::City,
        facts: facts(&party),
        attribution: registry::GEONAMES_ATTRIBUTION,
    })
}

/// `POST /cities/{geonames_id}/party`: the secretariat makes a city of the gazetteer a party, picked, not typed.
pub async fn city_party(
    State(state): State<AppState>,
    Path(geonames_id): Path<i64>,
) -> Result<axum::response::Redirect, PageError> {
    let party = state.store.party_for_city(geonames_id).await?;
    Ok(axum::response::Redirect::to(&format!("/parties/{}", party.party_id)))
}

/// `GET /cities?q=`: the gazetteer's cities whose name starts with `q`, most populous first.
pub async fn cities(
    State(state): State<AppState>,
    viewer: crate::auth::Viewer,
    Query(query): Query<CitiesQuery>,
) -> Result<Html<String>, PageError> {
    let query = query.q.trim().to_owned();
    let cities = state.store.search_cities(&query, N_CITIES_SHOWN).await?;
    html(&CitiesPage {
        query,
        cities: cities.into_iter().map(CityRow::from).collect(),
        attribution: registry::GEONAMES_ATTRIBUTION,
        may_add: viewer.may(crate::permissions::Action::ManageRegistry),
        csrf: viewer.csrf().to_owned(),
    })
}

/// A country's name and code, `United States (US)`; the code alone when it is no UN member or observer
/// state's (GeoNames also has territories such as `PR` and `HK`).
fn country_name(code: &str) -> String {
    match registry::state_by_code(code) {
        Some((state, _)) => format!("{} ({code})", state.name),
        None => code.to_owned(),
    }
}

fn facts(party: &Party) -> Vec<Fact> {
    let mut facts = vec![Fact::new("Kind", party.kind.label())];
    if let Some(official_name) = &party.official_name {
        facts.push(Fact::new("Formal name", official_name.clone()));
    }
    if let (Some(alpha2), Some(alpha3)) = (&party.iso3166_alpha2, &party.iso3166_alpha3) {
        facts.push(Fact::new("ISO 3166-1 codes", format!("{alpha2}, {alpha3}")));
    } else if let Some(country) = &party.country_code {
        facts.push(Fact::new("Country", country_name(country)));
    }
    if let Some(population) = party.population {
        facts.push(Fact::new("Population", population.to_string()));
    }
    if let (Some(latitude), Some(longitude)) = (party.latitude, party.longitude) {
        facts.push(Fact::new(
            "Coordinates",
            format!("{latitude}, {longitude} (degrees north and east, WGS 84)"),
        ));
    }
    if let Some(geonames_id) = party.geonames_id {
        facts.push(Fact {
            label: "GeoNames id",
            value: geonames_id.to_string(),
            href: format!("https://www.geonames.org/{geonames_id}"),
        });
    }
    facts.push(Fact::new("In the registry since", party.created_at.clone()));
    facts
}
