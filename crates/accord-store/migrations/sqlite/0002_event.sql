-- The record: an append-only log of every change of state, each entry chained to the one before by
-- SHA-256, so that a row edited or deleted behind accord's back is found by `accord verify`.
-- The store never updates or deletes a row of this table. docs/record.md gives the exact bytes hashed.

CREATE TABLE event (
    seq          BIGINT PRIMARY KEY,        -- 1, 2, 3 … without gaps, in the order of appending
    at           TEXT NOT NULL,             -- RFC 3339, UTC: when the entry was appended
    actor        TEXT NOT NULL,             -- who made the change: a user's id, or 'system'
    action       TEXT NOT NULL,             -- what happened, e.g. 'revision.published', 'process.created'
    data         TEXT NOT NULL,             -- the change's facts as canonical JSON (keys sorted, no spaces)
    prev_hash    TEXT NOT NULL,             -- the previous entry's hash; 64 zeros for entry 1
    hash         TEXT NOT NULL              -- SHA-256 of this entry's fields and prev_hash, lower-case hex
);
