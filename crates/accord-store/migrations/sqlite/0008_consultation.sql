-- Resident consultations, run the way Pol.is runs a conversation: statements (Pol.is comments), participants
-- and their agree/disagree/pass votes. Vote values use the sign of Pol.is's openData exports: agree 1,
-- disagree -1, pass 0.

-- A consultation on a track, opened by a city (through its delegation) or by the secretariat.
CREATE TABLE consultation (
    consultation_id     INTEGER PRIMARY KEY,       -- assigned by the database
    track_id            TEXT NOT NULL REFERENCES track (track_id),
    party_id            TEXT REFERENCES party (party_id), -- the city that opened it; NULL: the secretariat
    opened_by           TEXT NOT NULL,             -- who opened it, as the record names them (never an e-mail)
    title               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',  -- the question put to residents
    language            TEXT NOT NULL DEFAULT '',  -- BCP 47 tag of title and description ('' unknown)
    strict_moderation   BIGINT NOT NULL,           -- 1: submitted statements are shown once accepted; 0: at once
    status              TEXT NOT NULL,             -- 'open' or 'closed'
    created_at          TEXT NOT NULL,             -- RFC 3339, UTC
    closed_at           TEXT,                      -- RFC 3339, UTC; NULL while open
    source              TEXT NOT NULL DEFAULT '',  -- an imported conversation's origin (openData summary's url)
    next_statement_id   BIGINT NOT NULL DEFAULT 0, -- the id the next statement takes (Pol.is tid, from 0)
    next_participant_id BIGINT NOT NULL DEFAULT 0  -- the id the next participant takes (Pol.is pid, from 0)
);

-- A statement put to the participants (Pol.is comment).
CREATE TABLE consultation_statement (
    consultation_id     BIGINT NOT NULL REFERENCES consultation (consultation_id),
    statement_id        BIGINT NOT NULL,           -- 0, 1 … within the consultation
    text                TEXT NOT NULL,
    language            TEXT NOT NULL DEFAULT '',  -- BCP 47 tag ('' unknown)
    is_seed             BIGINT NOT NULL,           -- 1: put by the opener; 0: submitted by a participant
    author_id           BIGINT,                    -- the participant who wrote it; NULL for the opener's seeds
    moderated           BIGINT NOT NULL,           -- Pol.is mod: 1 accepted, -1 rejected, 0 not yet moderated
    is_meta             BIGINT NOT NULL DEFAULT 0, -- 1: about the consultation itself (Pol.is is-meta)
    created_ms          BIGINT NOT NULL,           -- milliseconds since the Unix epoch (openData timestamp)
    PRIMARY KEY (consultation_id, statement_id)
);

-- A participant: anonymous (the SHA-256 of a random cookie token), a signed-in user, or imported (neither).
-- The user's id stays here: no page, export or record entry links a participant to a person.
CREATE TABLE consultation_participant (
    consultation_id     BIGINT NOT NULL REFERENCES consultation (consultation_id),
    participant_id      BIGINT NOT NULL,           -- 0, 1 … within the consultation
    token_sha256        TEXT,                      -- hex SHA-256 of the participant cookie; NULL otherwise
    user_id             BIGINT REFERENCES "user" (user_id), -- the signed-in user; NULL otherwise
    created_ms          BIGINT NOT NULL,
    PRIMARY KEY (consultation_id, participant_id),
    UNIQUE (consultation_id, token_sha256),
    UNIQUE (consultation_id, user_id)
);

-- Every vote ever cast, as Pol.is keeps them: the latest of a participant on a statement counts.
CREATE TABLE consultation_vote (
    consultation_vote_id INTEGER PRIMARY KEY,      -- assigned by the database, in order of casting or import
    consultation_id     BIGINT NOT NULL,
    participant_id      BIGINT NOT NULL,
    statement_id        BIGINT NOT NULL,
    vote                BIGINT NOT NULL,           -- 1 agree, -1 disagree, 0 pass (openData sign)
    at_ms               BIGINT NOT NULL,           -- milliseconds since the Unix epoch
    FOREIGN KEY (consultation_id, participant_id) REFERENCES consultation_participant (consultation_id, participant_id),
    FOREIGN KEY (consultation_id, statement_id) REFERENCES consultation_statement (consultation_id, statement_id)
);

CREATE INDEX consultation_by_track ON consultation (track_id);
CREATE INDEX consultation_vote_by_participant ON consultation_vote (consultation_id, participant_id);
