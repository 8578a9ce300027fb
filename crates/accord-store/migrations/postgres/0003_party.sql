-- The parties that may ask to sit at a negotiation's table, and the gazetteer of cities they are picked from.
--
-- A party is a member state, an observer state, a city, a city network, a UN entity, an intergovernmental
-- organization or a civil-society organization. States carry their ISO 3166-1 codes; a city carries its
-- country, coordinates, population and GeoNames id, copied from the gazetteer when it becomes a party.
-- Coordinates are WGS 84 degrees as DOUBLE PRECISION (REAL affinity in SQLite), so that one text serves both.

-- The GeoNames cities of 15,000 people or more (data/registry/cities.csv). Not parties: a city becomes one when
-- it asks for entry, and is then picked from here rather than typed.
CREATE TABLE city (
    geonames_id   BIGINT PRIMARY KEY,         -- GeoNames id, e.g. 5128581 for New York City
    name          TEXT NOT NULL,              -- GeoNames name, e.g. 'New York City', 'Lavāsān'
    ascii_name    TEXT NOT NULL,              -- the name without accents, e.g. 'Lavasan'
    name_key      TEXT NOT NULL,              -- lower-case name, for prefix search
    ascii_key     TEXT NOT NULL,              -- lower-case ASCII name, for prefix search typed without accents
    country_code  TEXT NOT NULL,              -- ISO 3166-1 alpha-2 of its country, e.g. 'US'
    admin1_code   TEXT NOT NULL DEFAULT '',   -- GeoNames first-level division, e.g. 'NY'; '' when unknown
    latitude      DOUBLE PRECISION NOT NULL,  -- degrees north, WGS 84
    longitude     DOUBLE PRECISION NOT NULL,  -- degrees east, WGS 84
    population    BIGINT NOT NULL             -- people, as GeoNames gives it
);

CREATE INDEX city_by_name_key ON city (name_key);
CREATE INDEX city_by_ascii_key ON city (ascii_key);

CREATE TABLE party (
    party_id        TEXT PRIMARY KEY,         -- URL-safe slug, e.g. 'united-states', 'new-york-city-us'
    kind            TEXT NOT NULL,            -- member_state, observer_state, city, city_network, un_entity, igo, civil_society
    name            TEXT NOT NULL,            -- the name shown, e.g. 'United States', 'New York City'
    official_name   TEXT,                     -- a state's formal name, e.g. 'United States of America'; NULL otherwise
    iso3166_alpha2  TEXT UNIQUE,              -- states: ISO 3166-1 alpha-2, e.g. 'US'; NULL otherwise
    iso3166_alpha3  TEXT UNIQUE,              -- states: ISO 3166-1 alpha-3, e.g. 'USA'; NULL otherwise
    country_code    TEXT,                     -- cities (and others based in one country): ISO 3166-1 alpha-2
    latitude        DOUBLE PRECISION,         -- cities: degrees north, WGS 84; NULL otherwise
    longitude       DOUBLE PRECISION,         -- cities: degrees east, WGS 84; NULL otherwise
    population      BIGINT,                   -- cities: people, from GeoNames; NULL otherwise
    geonames_id     BIGINT UNIQUE REFERENCES city (geonames_id), -- cities: the gazetteer entry; NULL otherwise
    created_at      TEXT NOT NULL             -- RFC 3339, UTC: when it entered the registry
);

CREATE INDEX party_by_kind ON party (kind, name);
