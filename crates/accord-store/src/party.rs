//! Parties (states, cities, organizations) and the gazetteer of cities they are picked from.
//!
//! The states come from the compiled registry ([`crate::registry`]) by `Store::load_registry`; a city becomes a
//! party from its gazetteer entry (`Store::party_for_city`), never from a typed name; organizations are created
//! with [`NewParty::organization`] or imported from CSV (`Store::import_parties_csv`, all rows or none).

use crate::registry::{self, City, RegistryError, StateFile};
use crate::{conflict_or, now_rfc3339, Result, Store, StoreError};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// What kind of party it is. Stored as its [`PartyKind::as_str`] text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartyKind {
    /// A UN member state; carries its ISO 3166-1 codes.
    MemberState,
    /// A non-member observer state (Holy See, State of Palestine); carries its ISO 3166-1 codes.
    ObserverState,
    /// A city; carries its country, coordinates, population and GeoNames id.
    City,
    /// A network of cities (for example the Mayors Migration Council).
    CityNetwork,
    /// A UN entity (for example IOM, UNHCR).
    UnEntity,
    /// An intergovernmental organization outside the UN.
    Igo,
    /// A civil-society organization.
    CivilSociety,
}

impl PartyKind {
    /// Every kind, in the order the registry lists them.
    pub const ALL: [PartyKind; 7] = [
        PartyKind::MemberState,
        PartyKind::ObserverState,
        PartyKind::City,
        PartyKind::CityNetwork,
        PartyKind::UnEntity,
        PartyKind::Igo,
        PartyKind::CivilSociety,
    ];

    /// The stored and typed name: `member_state`, `observer_state`, `city`, `city_network`, `un_entity`, `igo`,
    /// `civil_society`.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::MemberState => "member_state",
            PartyKind::ObserverState => "observer_state",
            PartyKind::City => "city",
            PartyKind::CityNetwork => "city_network",
            PartyKind::UnEntity => "un_entity",
            PartyKind::Igo => "igo",
            PartyKind::CivilSociety => "civil_society",
        }
    }

    /// The name shown to people: `member state`, `intergovernmental organization` …
    pub fn label(self) -> &'static str {
        match self {
            PartyKind::MemberState => "member state",
            PartyKind::ObserverState => "observer state",
            PartyKind::City => "city",
            PartyKind::CityNetwork => "city network",
            PartyKind::UnEntity => "UN entity",
            PartyKind::Igo => "intergovernmental organization",
            PartyKind::CivilSociety => "civil-society organization",
        }
    }

    /// Whether it is a state (member or observer), which carries ISO 3166 codes.
    pub fn is_state(self) -> bool {
        matches!(self, PartyKind::MemberState | PartyKind::ObserverState)
    }

    /// The label with its indefinite article: `a member state`, `an observer state`.
    fn with_article(self) -> String {
        let label = self.label();
        let article = if label.starts_with(['a', 'e', 'i', 'o']) { "an" } else { "a" };
        format!("{article} {label}")
    }

    /// Its position in [`PartyKind::ALL`], for ordering.
    fn rank(self) -> usize {
        PartyKind::ALL.iter().position(|kind| *kind == self).unwrap_or(usize::MAX)
    }
}

impl fmt::Display for PartyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PartyKind {
    type Err = PartyError;

    /// Parses `member_state` … `civil_society`, exactly as [`PartyKind::as_str`] writes them.
    fn from_str(text: &str) -> std::result::Result<PartyKind, PartyError> {
        PartyKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text.trim())
            .ok_or_else(|| PartyError::UnknownKind(text.trim().to_owned()))
    }
}

/// A party as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    /// URL-safe slug, e.g. `united-states`, `new-york-city-us`.
    pub party_id: String,
    /// Its kind.
    pub kind: PartyKind,
    /// The name shown.
    pub name: String,
    /// A state's formal name, e.g. `United States of America`.
    pub official_name: Option<String>,
    /// States: ISO 3166-1 alpha-2, e.g. `US`.
    pub iso3166_alpha2: Option<String>,
    /// States: ISO 3166-1 alpha-3, e.g. `USA`.
    pub iso3166_alpha3: Option<String>,
    /// Cities and organizations based in one country: ISO 3166-1 alpha-2.
    pub country_code: Option<String>,
    /// Cities: degrees north, WGS 84.
    pub latitude: Option<f64>,
    /// Cities: degrees east, WGS 84.
    pub longitude: Option<f64>,
    /// Cities: people, from GeoNames.
    pub population: Option<i64>,
    /// Cities: the GeoNames id of the gazetteer entry.
    pub geonames_id: Option<i64>,
    /// When it entered the registry, RFC 3339 in UTC.
    pub created_at: String,
}

/// A party to be created, valid by construction: a state from the compiled registry, or an organization with a
/// name. Cities are not made here but from the gazetteer, by `Store::party_for_city`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewParty {
    party_id: String,
    kind: PartyKind,
    name: String,
    official_name: Option<String>,
    iso3166_alpha2: Option<String>,
    iso3166_alpha3: Option<String>,
    country_code: Option<String>,
}

impl NewParty {
    /// The member or observer state whose ISO 3166-1 alpha-2 or alpha-3 code is `code` (any case), with its
    /// registry name, formal name and codes; its slug is made from its name (`united-states`).
    ///
    /// # Errors
    /// [`PartyError::UnknownCode`] when no UN member or observer state has this code.
    pub fn state(code: &str) -> std::result::Result<NewParty, PartyError> {
        let (state, is_member) =
            registry::state_by_code(code).ok_or_else(|| PartyError::UnknownCode(code.trim().to_owned()))?;
        Ok(NewParty {
            party_id: slug(&state.name),
            kind: if is_member { PartyKind::MemberState } else { PartyKind::ObserverState },
            name: state.name.clone(),
            official_name: Some(state.official_name.clone()),
            iso3166_alpha2: Some(state.iso3166_alpha2.clone()),
            iso3166_alpha3: Some(state.iso3166_alpha3.clone()),
            country_code: Some(state.iso3166_alpha2.clone()),
        })
    }

    /// An organization (city network, UN entity, intergovernmental or civil-society organization) named
    /// `name`, based in the state whose code is `country_code` when given; its slug is made from its name.
    ///
    /// # Errors
    /// [`PartyError::NotAnOrganization`] for a state or city kind; [`PartyError::MissingName`] for a blank
    /// name; [`PartyError::UnknownCountry`] when `country_code` is no member or observer state's code.
    pub fn organization(
        kind: PartyKind,
        name: &str,
        country_code: Option<&str>,
    ) -> std::result::Result<NewParty, PartyError> {
        if kind.is_state() || kind == PartyKind::City {
            return Err(PartyError::NotAnOrganization(kind));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(PartyError::MissingName);
        }
        let country_code = match country_code.map(str::trim).filter(|code| !code.is_empty()) {
            None => None,
            Some(code) => Some(
                registry::state_by_code(code)
                    .map(|(state, _)| state.iso3166_alpha2.clone())
                    .ok_or_else(|| PartyError::UnknownCountry(code.to_owned()))?,
            ),
        };
        Ok(NewParty {
            party_id: slug(name),
            kind,
            name: name.to_owned(),
            official_name: None,
            iso3166_alpha2: None,
            iso3166_alpha3: None,
            country_code,
        })
    }

    /// The same party under another slug.
    ///
    /// # Errors
    /// [`PartyError::BadSlug`] unless `party_id` is lower-case ASCII letters and digits in words joined by `-`.
    pub fn with_party_id(self, party_id: &str) -> std::result::Result<NewParty, PartyError> {
        if slug(party_id) != party_id {
            return Err(PartyError::BadSlug(party_id.to_owned()));
        }
        Ok(NewParty { party_id: party_id.to_owned(), ..self })
    }

    /// Its slug.
    pub fn party_id(&self) -> &str {
        &self.party_id
    }

    /// Its kind.
    pub fn kind(&self) -> PartyKind {
        self.kind
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A party that cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartyError {
    /// The kind is not one of the seven.
    #[error(
        "unknown kind `{0}`: expected one of member_state, observer_state, city, city_network, un_entity, igo, \
         civil_society"
    )]
    UnknownKind(String),
    /// No UN member or observer state has this ISO 3166 code.
    #[error(
        "unknown ISO 3166 code `{0}`: expected the alpha-2 or alpha-3 code of a UN member or observer state"
    )]
    UnknownCode(String),
    /// The country is no member or observer state's code.
    #[error("unknown country `{0}`: expected the ISO 3166-1 code of a UN member or observer state")]
    UnknownCountry(String),
    /// An organization was asked for with a state or city kind.
    #[error("a {} is not an organization: states come from the registry, cities from the gazetteer", .0.label())]
    NotAnOrganization(PartyKind),
    /// The name is blank.
    #[error("missing name: expected the party's name")]
    MissingName,
    /// The slug is not URL-safe.
    #[error("`{0}` is not a slug: expected lower-case ASCII letters and digits, words joined by `-`")]
    BadSlug(String),
}

/// What [`Store::load_registry`] added; a second load adds nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegistryLoad {
    /// Member states added as parties.
    pub n_member_states: usize,
    /// Observer states added as parties.
    pub n_observer_states: usize,
    /// Cities added to the gazetteer.
    pub n_cities: usize,
}

/// Why loading the registry failed.
#[derive(Debug, thiserror::Error)]
pub enum LoadRegistryError {
    /// A registry text is malformed; names file, row and column.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One bad row of a party import. Rows are 1-based, the header being row 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}{}: {message}", column.as_ref().map(|column| format!(", column {column}")).unwrap_or_default())]
pub struct RowError {
    /// The row, 1-based; the header is row 1.
    pub row: usize,
    /// The column's name, when one column is at fault.
    pub column: Option<String>,
    /// What was expected and what was found.
    pub message: String,
}

/// Why a party import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Rows are wrong; every problem found, in row order.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Rows(Vec<RowError>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The columns an import may have; `kind` and `name` are required.
const IMPORT_COLUMNS: [&str; 6] = ["kind", "name", "iso3166", "country", "geonames_id", "party_id"];

/// How many gazetteer rows go in one INSERT: 400 rows of 10 values stays below SQLite's 32,766 and
/// PostgreSQL's 65,535 bind parameters.
const CITY_BATCH: usize = 400;

const PARTY_COLUMNS: &str =
    "party_id, kind, name, official_name, iso3166_alpha2, iso3166_alpha3, country_code, \
                             latitude, longitude, population, geonames_id, created_at";

const CITY_COLUMNS: &str =
    "geonames_id, name, ascii_name, country_code, admin1_code, latitude, longitude, population";

impl Store {
    /// Loads the registry: the states of `member_states_csv` and `observer_states_csv` as parties, the cities of
    /// `cities_csv` into the gazetteer. Idempotent: what is there already (the same slug, ISO code or GeoNames
    /// id) is left as it is. All in one transaction, with one `registry.loaded` entry on the record (actor
    /// `system`, data: how many of each were added) when anything was added.
    ///
    /// # Errors
    /// [`LoadRegistryError::Registry`] when a text is malformed (nothing is stored);
    /// [`LoadRegistryError::Store`] when the database fails.
    pub async fn load_registry(
        &self,
        member_states_csv: &str,
        observer_states_csv: &str,
        cities_csv: &str,
    ) -> std::result::Result<RegistryLoad, LoadRegistryError> {
        let member_states = registry::parse_states(member_states_csv, StateFile::Members)?;
        let observer_states = registry::parse_states(observer_states_csv, StateFile::Observers)?;
        let cities = registry::parse_cities(cities_csv)?;
        let mut transaction = self.pool.begin().await.map_err(StoreError::from)?;
        let mut load = RegistryLoad::default();
        let created_at = now_rfc3339();
        for (states, kind) in
            [(&member_states, PartyKind::MemberState), (&observer_states, PartyKind::ObserverState)]
        {
            for state in states {
                let result = sqlx::query(&format!(
                    "INSERT INTO party ({PARTY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $5, NULL, NULL, NULL, \
                     NULL, $7) ON CONFLICT DO NOTHING"
                ))
                .bind(slug(&state.name))
                .bind(kind.as_str())
                .bind(&state.name)
                .bind(&state.official_name)
                .bind(&state.iso3166_alpha2)
                .bind(&state.iso3166_alpha3)
                .bind(&created_at)
                .execute(&mut *transaction)
                .await
                .map_err(StoreError::from)?;
                let added = result.rows_affected() as usize;
                match kind {
                    PartyKind::MemberState => load.n_member_states += added,
                    _ => load.n_observer_states += added,
                }
            }
        }
        for batch in cities.chunks(CITY_BATCH) {
            let placeholders: Vec<String> = (0..batch.len())
                .map(|row_idx| {
                    let first = row_idx * 10;
                    let values: Vec<String> = (1..=10).map(|n| format!("${}", first + n)).collect();
                    format!("({})", values.join(", "))
                })
                .collect();
            let text = format!(
                "INSERT INTO city ({CITY_COLUMNS}, name_key, ascii_key) VALUES {} ON CONFLICT DO NOTHING",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&text);
            for city in batch {
                query = query
                    .bind(city.geonames_id)
                    .bind(&city.name)
                    .bind(&city.ascii_name)
                    .bind(&city.country_code)
                    .bind(&city.admin1_code)
                    .bind(city.latitude)
                    .bind(city.longitude)
                    .bind(city.population)
                    .bind(city.name.to_lowercase())
                    .bind(city.ascii_name.to_lowercase());
            }
            let result = query.execute(&mut *transaction).await.map_err(StoreError::from)?;
            load.n_cities += result.rows_affected() as usize;
        }
        // A load that adds nothing changes nothing, and leaves the record as it is.
        if load != RegistryLoad::default() {
            let data = serde_json::json!({
                "member_states": load.n_member_states,
                "observer_states": load.n_observer_states,
                "cities": load.n_cities,
            });
            self.append_event(&mut transaction, RECORD_ACTOR, "registry.loaded", &data.to_string()).await?;
        }
        transaction.commit().await.map_err(StoreError::from)?;
        Ok(load)
    }

    /// Loads the registry compiled into accord ([`registry::MEMBER_STATES_CSV`] and the others).
    ///
    /// # Errors
    /// As [`Store::load_registry`].
    pub async fn load_compiled_registry(&self) -> std::result::Result<RegistryLoad, LoadRegistryError> {
        self.load_registry(registry::MEMBER_STATES_CSV, registry::OBSERVER_STATES_CSV, registry::CITIES_CSV)
            .await
    }

    /// Creates a party, with its `party.created` entry on the record (actor `system`) in the same transaction.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a party with the same slug or ISO code exists;
    /// [`StoreError::Database`] otherwise.
    pub async fn create_party(&self, new: &NewParty) -> Result<Party> {
        let mut transaction = self.pool.begin().await?;
        self.insert_party(&mut transaction, new).await?;
        transaction.commit().await?;
        self.party(&new.party_id).await
    }

    /// One party.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is none with this slug.
    pub async fn party(&self, party_id: &str) -> Result<Party> {
        let row = sqlx::query(&format!("SELECT {PARTY_COLUMNS} FROM party WHERE party_id = $1"))
            .bind(party_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "party", key: party_id.to_owned() })?;
        party_from_row(&row)
    }

    /// Every party, or those of one kind: by kind in the order of [`PartyKind::ALL`], then by name.
    ///
    /// # Errors
    /// [`StoreError::Database`]; [`StoreError::Malformed`] when a stored kind is unknown.
    pub async fn parties(&self, kind: Option<PartyKind>) -> Result<Vec<Party>> {
        let rows = match kind {
            Some(kind) => {
                sqlx::query(&format!(
                    "SELECT {PARTY_COLUMNS} FROM party WHERE kind = $1 ORDER BY name, party_id"
                ))
                .bind(kind.as_str())
                .fetch_all(&self.pool)
                .await?
            }
            None => {
                sqlx::query(&format!("SELECT {PARTY_COLUMNS} FROM party ORDER BY name, party_id"))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        let mut parties = rows.iter().map(party_from_row).collect::<Result<Vec<_>>>()?;
        // The kinds' order is the domain's, not the alphabet's: sort here rather than in SQL.
        parties.sort_by_key(|party| party.kind.rank());
        Ok(parties)
    }

    /// The party of the gazetteer's city `geonames_id`, created from the gazetteer entry (name, country,
    /// coordinates, population) the first time it is asked for. Its slug is the ASCII name and country
    /// (`chicago-us`), with the first-level division when the name recurs in the country (`washington-us-dc`),
    /// or with the GeoNames id when it recurs there too. The creation appends `party.created` to the record
    /// (actor `system`).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the gazetteer has no such city (is the registry loaded?);
    /// [`StoreError::Database`] otherwise.
    pub async fn party_for_city(&self, geonames_id: i64) -> Result<Party> {
        if let Some(party) = self.party_of_city(geonames_id).await? {
            return Ok(party);
        }
        let city = self.city(geonames_id).await?;
        let party_id = self.city_party_id(&city).await?;
        let mut transaction = self.pool.begin().await?;
        self.insert_city_party(&mut transaction, &party_id, &city.name, &city).await?;
        transaction.commit().await?;
        self.party(&party_id).await
    }

    /// One city of the gazetteer.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when there is none with this GeoNames id.
    pub async fn city(&self, geonames_id: i64) -> Result<City> {
        let row = sqlx::query(&format!("SELECT {CITY_COLUMNS} FROM city WHERE geonames_id = $1"))
            .bind(geonames_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { what: "city", key: geonames_id.to_string() })?;
        city_from_row(&row)
    }

    /// The gazetteer's cities whose name or ASCII name starts with `query` (any case; `sao` finds São Paulo),
    /// most populous first, at most `limit` of them. A blank query finds nothing.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn search_cities(&self, query: &str, limit: u32) -> Result<Vec<City>> {
        let query = query.trim().to_lowercase();
        if query.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // `\` escapes LIKE's wildcards so that a typed `%` or `_` matches itself.
        let pattern = format!("{}%", query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let rows = sqlx::query(&format!(
            "SELECT {CITY_COLUMNS} FROM city WHERE name_key LIKE $1 ESCAPE '\\' OR ascii_key LIKE $1 ESCAPE '\\' \
             ORDER BY population DESC, geonames_id LIMIT $2"
        ))
        .bind(&pattern)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(city_from_row).collect()
    }

    /// How many cities the gazetteer holds.
    ///
    /// # Errors
    /// [`StoreError::Database`].
    pub async fn n_cities(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM city").fetch_one(&self.pool).await?)
    }

    /// Imports parties from CSV, all rows or none. The header names the columns, in any order: `kind` and
    /// `name` (required), `iso3166` (states: alpha-2 or alpha-3), `country` (cities and organizations: the
    /// state they are in), `geonames_id` (cities: the gazetteer entry) and `party_id` (a slug; by default made
    /// from the name). A state's name may be left blank (the registry's is used), and so may a city's (the
    /// gazetteer's). Returns how many parties were stored; each appends `party.created` to the record (actor
    /// `system`) in the import's one transaction.
    ///
    /// # Errors
    /// [`ImportError::Rows`] with every bad row found (row 1 is the header; each names its column and what was
    /// expected): a malformed CSV, an unknown or missing column, an unknown kind, an unknown ISO code or
    /// country, an unknown GeoNames id, a city whose country is not the one given, a duplicate party (in the
    /// file or in the registry), a missing name. Nothing is stored then.
    /// [`ImportError::Store`] when the database fails.
    pub async fn import_parties_csv(&self, text: &str) -> std::result::Result<usize, ImportError> {
        let records = registry::read_csv(text).map_err(|error| {
            ImportError::Rows(vec![RowError { row: error.row, column: None, message: error.message }])
        })?;
        let mut records = records.into_iter();
        let header = records.next().unwrap_or_default();
        let columns = import_columns(&header).map_err(ImportError::Rows)?;
        let mut problems = Vec::new();
        let mut planned: Vec<(usize, Planned)> = Vec::new();
        // Which row first claimed each slug, ISO code and GeoNames id, to name it in a duplicate's message.
        let mut claimed: HashMap<String, usize> = HashMap::new();
        for (idx, fields) in records.enumerate() {
            let row = idx + 2;
            if fields.len() != header.len() {
                problems.push(RowError {
                    row,
                    column: None,
                    message: format!(
                        "expected {} fields as in the header, found {}",
                        header.len(),
                        fields.len()
                    ),
                });
                continue;
            }
            let field = |name: &str| {
                columns.get(name).map(|&column_idx| fields[column_idx].trim()).unwrap_or("").to_owned()
            };
            match self.plan_row(row, &field).await? {
                Err(error) => problems.push(error),
                Ok(plan) => {
                    let mut keys = vec![("party_id", format!("party {}", plan.party_id()))];
                    if let Some(code) = plan.iso3166_alpha2() {
                        keys.push(("iso3166", format!("iso {code}")));
                    }
                    if let Planned::City { city, .. } = &plan {
                        keys.push(("geonames_id", format!("city {}", city.geonames_id)));
                    }
                    let mut duplicate = None;
                    for (column, key) in &keys {
                        if let Some(&first_row) = claimed.get(key) {
                            duplicate = Some(RowError {
                                row,
                                column: Some((*column).to_owned()),
                                message: format!(
                                    "duplicate party `{}`: row {first_row} has it already",
                                    plan.party_id()
                                ),
                            });
                            break;
                        }
                    }
                    match duplicate.or(self.stored_duplicate(row, &plan).await?) {
                        Some(error) => problems.push(error),
                        None => {
                            for (_, key) in keys {
                                claimed.insert(key, row);
                            }
                            planned.push((row, plan));
                        }
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(ImportError::Rows(problems));
        }
        let mut transaction = self.pool.begin().await.map_err(StoreError::from)?;
        for (row, plan) in &planned {
            let result = match plan {
                Planned::Party(new) => self.insert_party(&mut transaction, new).await,
                Planned::City { party_id, name, city } => {
                    self.insert_city_party(&mut transaction, party_id, name, city).await
                }
            };
            match result {
                Ok(()) => {}
                // Another writer took the slug between the checks and now.
                Err(StoreError::Conflict { .. }) => {
                    return Err(ImportError::Rows(vec![RowError {
                        row: *row,
                        column: Some("party_id".to_owned()),
                        message: format!(
                            "duplicate party `{}`: it is in the registry already",
                            plan.party_id()
                        ),
                    }]))
                }
                Err(error) => return Err(error.into()),
            }
        }
        transaction.commit().await.map_err(StoreError::from)?;
        Ok(planned.len())
    }

    /// Checks one import row and says what it will store.
    async fn plan_row(
        &self,
        row: usize,
        field: &impl Fn(&str) -> String,
    ) -> Result<std::result::Result<Planned, RowError>> {
        let problem = |column: &str, message: String| -> Result<std::result::Result<Planned, RowError>> {
            Ok(Err(RowError { row, column: Some(column.to_owned()), message }))
        };
        let kind = match field("kind").parse::<PartyKind>() {
            Ok(kind) => kind,
            Err(error) => return problem("kind", error.to_string()),
        };
        let name = field("name");
        let iso3166 = field("iso3166");
        let country = field("country");
        let geonames_id = field("geonames_id");
        let party_id = field("party_id");
        let plan = if kind.is_state() {
            if iso3166.is_empty() {
                return problem(
                    "iso3166",
                    format!(
                        "missing ISO 3166 code: expected the alpha-2 or alpha-3 code of the {}",
                        kind.label()
                    ),
                );
            }
            if !geonames_id.is_empty() {
                return problem(
                    "geonames_id",
                    format!("expected no GeoNames id for {}, found `{geonames_id}`", kind.with_article()),
                );
            }
            let mut new = match NewParty::state(&iso3166) {
                Ok(new) => new,
                Err(error) => return problem("iso3166", error.to_string()),
            };
            if new.kind != kind {
                return problem(
                    "iso3166",
                    format!(
                        "`{iso3166}` is the code of {}, {}: expected {}",
                        new.name,
                        new.kind.with_article(),
                        kind.with_article()
                    ),
                );
            }
            if !name.is_empty() {
                new.name = name;
            }
            Planned::Party(new)
        } else if kind == PartyKind::City {
            if !iso3166.is_empty() {
                return problem("iso3166", format!("expected no ISO 3166 code for a city (only states carry one), found `{iso3166}`; give its country in `country`"));
            }
            if geonames_id.is_empty() {
                return problem(
                    "geonames_id",
                    "missing GeoNames id: expected the id of a city of the gazetteer".to_owned(),
                );
            }
            let Ok(id) = geonames_id.parse::<i64>() else {
                return problem(
                    "geonames_id",
                    format!("expected a GeoNames id (a whole number), found `{geonames_id}`"),
                );
            };
            let city = match self.city(id).await {
                Ok(city) => city,
                Err(StoreError::NotFound { .. }) => {
                    return problem(
                        "geonames_id",
                        format!(
                        "unknown GeoNames id {id}: no city of the gazetteer has it (is the registry loaded?)"
                    ),
                    )
                }
                Err(error) => return Err(error),
            };
            if !country.is_empty() {
                // The alpha-2 code as GeoNames writes it (territories such as PR included), or any code of the state.
                let given = registry::state_by_code(&country).map(|(state, _)| state.iso3166_alpha2.as_str());
                if !country.eq_ignore_ascii_case(&city.country_code)
                    && given != Some(city.country_code.as_str())
                {
                    return problem(
                        "country",
                        format!(
                            "expected `{}`, the country of GeoNames city {id} ({}), found `{country}`",
                            city.country_code, city.name
                        ),
                    );
                }
            }
            let party_id = if party_id.is_empty() {
                match self.party_of_city(id).await? {
                    Some(party) => party.party_id,
                    None => self.city_party_id(&city).await?,
                }
            } else if slug(&party_id) == party_id {
                party_id.clone()
            } else {
                return problem("party_id", PartyError::BadSlug(party_id).to_string());
            };
            let name = if name.is_empty() { city.name.clone() } else { name };
            Planned::City { party_id, name, city }
        } else {
            if !iso3166.is_empty() {
                return problem(
                    "iso3166",
                    format!(
                        "expected no ISO 3166 code for {} (only states carry one), found `{iso3166}`",
                        kind.with_article()
                    ),
                );
            }
            if !geonames_id.is_empty() {
                return problem(
                    "geonames_id",
                    format!("expected no GeoNames id for {}, found `{geonames_id}`", kind.with_article()),
                );
            }
            match NewParty::organization(kind, &name, Some(&country)) {
                Ok(new) => Planned::Party(new),
                Err(error @ PartyError::MissingName) => return problem("name", error.to_string()),
                Err(error) => return problem("country", error.to_string()),
            }
        };
        let plan = match (plan, party_id.is_empty()) {
            (Planned::Party(new), false) => match new.with_party_id(&party_id) {
                Ok(new) => Planned::Party(new),
                Err(error) => return problem("party_id", error.to_string()),
            },
            (plan, _) => plan,
        };
        Ok(Ok(plan))
    }

    /// A row error when the planned party is in the registry already (same slug, ISO code or GeoNames id).
    async fn stored_duplicate(&self, row: usize, plan: &Planned) -> Result<Option<RowError>> {
        let n_same: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM party WHERE party_id = $1 OR iso3166_alpha2 = $2 OR geonames_id = $3",
        )
        .bind(plan.party_id())
        .bind(plan.iso3166_alpha2().unwrap_or(""))
        .bind(match plan {
            Planned::City { city, .. } => city.geonames_id,
            Planned::Party(_) => -1,
        })
        .fetch_one(&self.pool)
        .await?;
        Ok((n_same > 0).then(|| RowError {
            row,
            column: Some(match plan {
                Planned::City { .. } => "geonames_id".to_owned(),
                Planned::Party(new) if new.kind.is_state() => "iso3166".to_owned(),
                Planned::Party(_) => "name".to_owned(),
            }),
            message: format!("duplicate party `{}`: it is in the registry already", plan.party_id()),
        }))
    }

    async fn party_of_city(&self, geonames_id: i64) -> Result<Option<Party>> {
        let row = sqlx::query(&format!("SELECT {PARTY_COLUMNS} FROM party WHERE geonames_id = $1"))
            .bind(geonames_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(party_from_row).transpose()
    }

    /// The slug of a city's party: see [`Store::party_for_city`].
    async fn city_party_id(&self, city: &City) -> Result<String> {
        let ascii_key = city.ascii_name.to_lowercase();
        let base = format!("{}-{}", slug(&city.ascii_name), city.country_code.to_ascii_lowercase());
        let n_in_country: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM city WHERE ascii_key = $1 AND country_code = $2")
                .bind(&ascii_key)
                .bind(&city.country_code)
                .fetch_one(&self.pool)
                .await?;
        if n_in_country <= 1 {
            return Ok(base);
        }
        let n_in_division: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM city WHERE ascii_key = $1 AND country_code = $2 AND admin1_code = $3",
        )
        .bind(&ascii_key)
        .bind(&city.country_code)
        .bind(&city.admin1_code)
        .fetch_one(&self.pool)
        .await?;
        let division = slug(&city.admin1_code);
        if n_in_division <= 1 && !division.is_empty() && division != "imported" {
            Ok(format!("{base}-{division}"))
        } else {
            Ok(format!("{base}-{}", city.geonames_id))
        }
    }
}

/// What one import row will store.
#[derive(Debug)]
enum Planned {
    /// A state or an organization.
    Party(NewParty),
    /// A city from the gazetteer, under this slug and name.
    City { party_id: String, name: String, city: City },
}

impl Planned {
    fn party_id(&self) -> &str {
        match self {
            Planned::Party(new) => &new.party_id,
            Planned::City { party_id, .. } => party_id,
        }
    }

    fn iso3166_alpha2(&self) -> Option<&str> {
        match self {
            Planned::Party(new) => new.iso3166_alpha2.as_deref(),
            Planned::City { .. } => None,
        }
    }
}

/// The index of each known column in the header, or the header's problems (row 1).
fn import_columns(header: &[String]) -> std::result::Result<HashMap<String, usize>, Vec<RowError>> {
    let mut columns = HashMap::new();
    let mut problems = Vec::new();
    for (idx, name) in header.iter().enumerate() {
        let name = name.trim();
        if !IMPORT_COLUMNS.contains(&name) {
            problems.push(RowError {
                row: 1,
                column: Some(name.to_owned()),
                message: format!("unknown column `{name}`: expected one of {}", IMPORT_COLUMNS.join(", ")),
            });
        } else if columns.insert(name.to_owned(), idx).is_some() {
            problems.push(RowError {
                row: 1,
                column: Some(name.to_owned()),
                message: format!("column `{name}` appears twice"),
            });
        }
    }
    for required in ["kind", "name"] {
        if !columns.contains_key(required) {
            problems.push(RowError {
                row: 1,
                column: Some(required.to_owned()),
                message: format!("missing column `{required}`: expected a header with kind and name"),
            });
        }
    }
    if problems.is_empty() {
        Ok(columns)
    } else {
        Err(problems)
    }
}

/// Who the record names for the registry's writes: accord itself (the registry, the command line, the
/// gazetteer), as `docs/record.md` says for writes that no signed-in person makes.
const RECORD_ACTOR: &str = "system";

impl Store {
    /// Inserts a state or an organization and appends `party.created` to the record, in `transaction`.
    async fn insert_party(
        &self,
        transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
        new: &NewParty,
    ) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO party ({PARTY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL, NULL, NULL, $8)"
        ))
        .bind(&new.party_id)
        .bind(new.kind.as_str())
        .bind(&new.name)
        .bind(&new.official_name)
        .bind(&new.iso3166_alpha2)
        .bind(&new.iso3166_alpha3)
        .bind(&new.country_code)
        .bind(now_rfc3339())
        .execute(&mut **transaction)
        .await
        .map_err(|error| conflict_or(error, "party", &new.party_id))?;
        let data = serde_json::json!({
            "party_id": new.party_id,
            "kind": new.kind.as_str(),
            "name": new.name,
            "iso3166_alpha2": new.iso3166_alpha2,
            "country": new.country_code,
        });
        self.append_event(transaction, RECORD_ACTOR, "party.created", &data.to_string()).await?;
        Ok(())
    }

    /// Inserts a city's party from its gazetteer entry and appends `party.created` to the record, in
    /// `transaction`.
    async fn insert_city_party(
        &self,
        transaction: &mut sqlx::Transaction<'_, sqlx::Any>,
        party_id: &str,
        name: &str,
        city: &City,
    ) -> Result<()> {
        sqlx::query(&format!(
            "INSERT INTO party ({PARTY_COLUMNS}) VALUES ($1, 'city', $2, NULL, NULL, NULL, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(party_id)
        .bind(name)
        .bind(&city.country_code)
        .bind(city.latitude)
        .bind(city.longitude)
        .bind(city.population)
        .bind(city.geonames_id)
        .bind(now_rfc3339())
        .execute(&mut **transaction)
        .await
        .map_err(|error| conflict_or(error, "party", party_id))?;
        let data = serde_json::json!({
            "party_id": party_id,
            "kind": PartyKind::City.as_str(),
            "name": name,
            "country": city.country_code,
            "geonames_id": city.geonames_id,
        });
        self.append_event(transaction, RECORD_ACTOR, "party.created", &data.to_string()).await?;
        Ok(())
    }
}

fn party_from_row(row: &AnyRow) -> Result<Party> {
    let kind: String = row.try_get(1)?;
    Ok(Party {
        party_id: row.try_get(0)?,
        kind: kind.parse().map_err(|_| StoreError::Malformed { field: "party.kind", value: kind })?,
        name: row.try_get(2)?,
        official_name: row.try_get(3)?,
        iso3166_alpha2: row.try_get(4)?,
        iso3166_alpha3: row.try_get(5)?,
        country_code: row.try_get(6)?,
        latitude: row.try_get(7)?,
        longitude: row.try_get(8)?,
        population: row.try_get(9)?,
        geonames_id: row.try_get(10)?,
        created_at: row.try_get(11)?,
    })
}

fn city_from_row(row: &AnyRow) -> Result<City> {
    Ok(City {
        geonames_id: row.try_get(0)?,
        name: row.try_get(1)?,
        ascii_name: row.try_get(2)?,
        country_code: row.try_get(3)?,
        admin1_code: row.try_get(4)?,
        latitude: row.try_get(5)?,
        longitude: row.try_get(6)?,
        population: row.try_get(7)?,
    })
}

/// A URL-safe slug of `text`: lower-case ASCII letters and digits, runs of anything else become one `-`.
/// Accented letters are dropped, so slugs come from ASCII names where there is one.
fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_text() {
        for kind in PartyKind::ALL {
            assert_eq!(kind.as_str().parse::<PartyKind>(), Ok(kind));
        }
        assert_eq!("city state".parse::<PartyKind>(), Err(PartyError::UnknownKind("city state".to_owned())));
    }

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        assert_eq!(slug("St. Kitts and Nevis"), "st-kitts-and-nevis");
        assert_eq!(slug("Côte d'Ivoire"), "c-te-d-ivoire");
        assert_eq!(slug("  "), "");
    }

    #[test]
    fn a_state_is_made_from_either_iso_code() {
        let by_alpha3 = NewParty::state("usa").unwrap();
        assert_eq!(by_alpha3, NewParty::state("US").unwrap());
        assert_eq!((by_alpha3.party_id(), by_alpha3.kind()), ("united-states", PartyKind::MemberState));
        assert_eq!(NewParty::state("PS").unwrap().kind(), PartyKind::ObserverState);
        assert_eq!(NewParty::state("XK"), Err(PartyError::UnknownCode("XK".to_owned())));
    }

    #[test]
    fn an_organization_needs_a_name_and_an_organization_kind() {
        assert_eq!(NewParty::organization(PartyKind::Igo, " ", None), Err(PartyError::MissingName));
        assert_eq!(
            NewParty::organization(PartyKind::City, "Paris", None),
            Err(PartyError::NotAnOrganization(PartyKind::City))
        );
        let forum =
            NewParty::organization(PartyKind::CivilSociety, "Migrant Forum in Asia", Some("PHL")).unwrap();
        assert_eq!(forum.party_id(), "migrant-forum-in-asia");
        assert_eq!(forum.country_code.as_deref(), Some("PH"));
        assert_eq!(forum.clone().with_party_id("MFA"), Err(PartyError::BadSlug("MFA".to_owned())));
    }
}
