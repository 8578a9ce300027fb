//! `GET /api/parties`, `GET /api/parties/{party_id}` and `GET /api/cities`: the party registry and the
//! gazetteer of cities a city party is picked from.

use crate::error::{ApiError, Error};
use crate::AppState;
use accord_store::registry::City;
use accord_store::{Party, PartyError, PartyKind};
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most cities one search answers.
const MAX_CITIES: u32 = 100;
/// How many cities a search answers when no limit is given.
const DEFAULT_CITIES: u32 = 10;

/// A party of the registry. Fields that do not apply to its kind are null.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyJson {
    /// Slug, e.g. `united-states`, `new-york-city-us`.
    pub id: String,
    /// `member_state`, `observer_state`, `city`, `city_network`, `un_entity`, `igo` or `civil_society`.
    pub kind: String,
    /// The name shown.
    pub name: String,
    /// States: the formal name.
    pub official_name: Option<String>,
    /// States: ISO 3166-1 alpha-2.
    pub iso3166_alpha2: Option<String>,
    /// States: ISO 3166-1 alpha-3.
    pub iso3166_alpha3: Option<String>,
    /// Cities and organizations based in one country: its ISO 3166-1 alpha-2 code.
    pub country: Option<String>,
    /// Cities: degrees north, WGS 84.
    pub latitude: Option<f64>,
    /// Cities: degrees east, WGS 84.
    pub longitude: Option<f64>,
    /// Cities: people, from GeoNames.
    pub population: Option<i64>,
    /// Cities: the GeoNames id.
    pub geonames_id: Option<i64>,
    /// When it entered the registry, RFC 3339 in UTC.
    pub created_at: String,
    /// Its page.
    pub html_href: String,
}

impl From<Party> for PartyJson {
    fn from(party: Party) -> PartyJson {
        PartyJson {
            html_href: format!("/parties/{}", party.party_id),
            id: party.party_id,
            kind: party.kind.as_str().to_owned(),
            name: party.name,
            official_name: party.official_name,
            iso3166_alpha2: party.iso3166_alpha2,
            iso3166_alpha3: party.iso3166_alpha3,
            country: party.country_code,
            latitude: party.latitude,
            longitude: party.longitude,
            population: party.population,
            geonames_id: party.geonames_id,
            created_at: party.created_at,
        }
    }
}

/// A city of the gazetteer (GeoNames, CC BY 4.0).
#[derive(Debug, Serialize, ToSchema)]
pub struct CityJson {
    /// GeoNames id.
    pub geonames_id: i64,
    /// GeoNames name, e.g. `São Paulo`.
    pub name: String,
    /// The name without accents, e.g. `Sao Paulo`.
    pub ascii_name: String,
    /// ISO 3166-1 alpha-2 of its country.
    pub country: String,
    /// GeoNames first-level division, e.g. `NY`; empty when unknown.
    pub admin1_code: String,
    /// Degrees north, WGS 84.
    pub latitude: f64,
    /// Degrees east, WGS 84.
    pub longitude: f64,
    /// People.
    pub population: i64,
}

impl From<City> for CityJson {
    fn from(city: City) -> CityJson {
        CityJson {
            geonames_id: city.geonames_id,
            name: city.name,
            ascii_name: city.ascii_name,
            country: city.country_code,
            admin1_code: city.admin1_code,
            latitude: city.latitude,
            longitude: city.longitude,
            population: city.population,
        }
    }
}

/// The filter of `GET /api/parties`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PartiesQuery {
    /// Only parties of this kind: `member_state` … `civil_society`.
    kind: Option<String>,
}

/// The search of `GET /api/cities`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CitiesQuery {
    /// The start of the city's name or ASCII name, any case.
    q: Option<String>,
    /// How many cities at most, 1 to 100; 10 by default.
    limit: Option<u32>,
}

/// Every party of the registry, or those of one kind: by kind, then name.
#[utoipa::path(get, path = "/api/parties", tag = "parties", params(PartiesQuery),
    responses(
        (status = 200, description = "The parties", body = [PartyJson]),
        (status = 422, description = "An unknown kind", body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<PartiesQuery>,
) -> Result<Json<Vec<PartyJson>>, ApiError> {
    let kind = parse_kind_filter(query.kind.as_deref().unwrap_or(""))?;
    Ok(Json(state.store.parties(kind).await?.into_iter().map(PartyJson::from).collect()))
}

/// One party.
#[utoipa::path(get, path = "/api/parties/{party_id}", tag = "parties",
    params(("party_id" = String, Path, description = "The party's slug")),
    responses(
        (status = 200, description = "The party", body = PartyJson),
        (status = 404, description = "No such party", body = crate::error::ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    Path(party_id): Path<String>,
) -> Result<Json<PartyJson>, ApiError> {
    Ok(Json(state.store.party(&party_id).await?.into()))
}

/// The gazetteer's cities whose name starts with `q`, most populous first.
#[utoipa::path(get, path = "/api/cities", tag = "parties", params(CitiesQuery),
    responses(
        (status = 200, description = "The cities found", body = [CityJson]),
        (status = 422, description = "No query, or a limit out of range", body = crate::error::ErrorBody)))]
pub async fn cities(
    State(state): State<AppState>,
    Query(query): Query<CitiesQuery>,
) -> Result<Json<Vec<CityJson>>, ApiError> {
    let q = query.q.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(Error::field("q", "expected the start of a city's name, found nothing").into());
    }
    let limit = query.limit.unwrap_or(DEFAULT_CITIES);
    if !(1..=MAX_CITIES).contains(&limit) {
        return Err(Error::field("limit", format!("expected 1 to {MAX_CITIES}, found {limit}")).into());
    }
    Ok(Json(state.store.search_cities(&q, limit).await?.into_iter().map(CityJson::from).collect()))
}

/// The kind of a filter: `None` for every kind.
///
/// # Errors
/// A 422 naming the field `kind` for an unknown kind.
pub fn parse_kind_filter(text: &str) -> Result<Option<PartyKind>, Error> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|error: PartyError| Error::field("kind", error.to_string()))
}

/// Makes a city of the gazetteer a party of the registry (or finds the party it already is).
#[utoipa::path(post, path = "/api/cities/{geonames_id}/party", tag = "parties",
    params(("geonames_id" = i64, Path, description = "The city's GeoNames id")),
    responses((status = 201, description = "The city's party", body = PartyJson),
        (status = 403, description = "Not the secretariat", body = crate::error::ErrorBody),
        (status = 404, description = "No such city in the gazetteer", body = crate::error::ErrorBody)))]
pub async fn city_party(
    State(state): State<AppState>,
    Path(geonames_id): Path<i64>,
) -> Result<(axum::http::StatusCode, Json<PartyJson>), ApiError> {
    let party = state.store.party_for_city(geonames_id).await?;
    Ok((axum::http::StatusCode::CREATED, Json(PartyJson::from(party))))
}

/// How many parties an import added.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedJson {
    /// The number of rows stored.
    pub imported: usize,
}

/// Imports parties from CSV (columns `kind,name,iso3166,country,geonames_id,party_id`; `kind` and `name`
/// required): all rows or none. A bad row answers 422 naming every bad row and column.
#[utoipa::path(post, path = "/api/parties/import", tag = "parties",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, description = "Every row stored", body = ImportedJson),
        (status = 403, description = "Not the secretariat", body = crate::error::ErrorBody),
        (status = 422, description = "Rows are wrong; nothing was stored", body = crate::error::ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    body: String,
) -> Result<(axum::http::StatusCode, Json<ImportedJson>), ApiError> {
    match state.store.import_parties_csv(&body).await {
        Ok(imported) => Ok((axum::http::StatusCode::CREATED, Json(ImportedJson { imported }))),
        Err(accord_store::ImportError::Rows(rows)) => {
            Err(Error::field("csv", rows.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
                .into())
        }
        Err(accord_store::ImportError::Store(error)) => Err(error.into()),
    }
}
