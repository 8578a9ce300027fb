-- Rounds of a track, delegations, and the accreditation of parties to tracks.

-- A negotiation round of a track: amendments are tabled while it is open, until its deadline.
CREATE TABLE round (
    track_id     TEXT NOT NULL REFERENCES track (track_id),
    number       BIGINT NOT NULL,           -- 1, 2 … within the track
    title        TEXT NOT NULL,             -- e.g. 'First reading'
    opens_on     TEXT NOT NULL,             -- YYYY-MM-DD
    deadline     TEXT NOT NULL,             -- RFC 3339, UTC: amendments after it are refused
    PRIMARY KEY (track_id, number)
);

-- A party's formal entry to a track. One row per party and track holds the current state; its steps are in
-- accreditation_step, and every step is also on the tamper-evident record (event).
CREATE TABLE accreditation (
    track_id     TEXT NOT NULL REFERENCES track (track_id),
    party_id     TEXT NOT NULL REFERENCES party (party_id),
    requested_as TEXT NOT NULL,             -- 'participant' (may table and take positions) or 'observer'
    status       TEXT NOT NULL,             -- 'pending', 'participant', 'observer', 'refused', 'appealed', 'withdrawn'
    appealed     BIGINT NOT NULL DEFAULT 0, -- 1 once the party has used its one appeal against a refusal
    updated_at   TEXT NOT NULL,             -- RFC 3339, UTC
    PRIMARY KEY (track_id, party_id)
);

-- Every step of an accreditation, in order: the request, decisions, the appeal, a withdrawal.
CREATE TABLE accreditation_step (
    track_id     TEXT NOT NULL,
    party_id     TEXT NOT NULL,
    step         BIGINT NOT NULL,           -- 1, 2 … per party and track
    at           TEXT NOT NULL,             -- RFC 3339, UTC
    action       TEXT NOT NULL,             -- 'requested', 'granted', 'granted_as_observer', 'refused', 'appealed', 'withdrawn'
    actor        TEXT NOT NULL,             -- who took the step (user e-mail or 'demo')
    text         TEXT NOT NULL DEFAULT '',  -- the statement of a request or appeal, the reason of a refusal
    PRIMARY KEY (track_id, party_id, step),
    FOREIGN KEY (track_id, party_id) REFERENCES accreditation (track_id, party_id)
);

-- Supporting documents of a request.
CREATE TABLE accreditation_document (
    track_id     TEXT NOT NULL,
    party_id     TEXT NOT NULL,
    name         TEXT NOT NULL,             -- file name as uploaded
    media_type   TEXT NOT NULL,
    content      BYTEA NOT NULL,
    PRIMARY KEY (track_id, party_id, name),
    FOREIGN KEY (track_id, party_id) REFERENCES accreditation (track_id, party_id)
);

-- The people of a party's delegation in a process: one party per person per process.
CREATE TABLE delegation_member (
    process_id   TEXT NOT NULL REFERENCES process (process_id),
    user_id      BIGINT NOT NULL REFERENCES "user" (user_id),
    party_id     TEXT NOT NULL REFERENCES party (party_id),
    role         TEXT NOT NULL,             -- 'head' (manages the delegation), 'delegate' or 'expert'
    PRIMARY KEY (process_id, user_id)
);

CREATE INDEX accreditation_by_party ON accreditation (party_id);
