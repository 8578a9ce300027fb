-- Amendments to a revision, tabled in a round, with their co-sponsors, their versions and their steps; the
-- co-facilitators' picks for the next revision; and, for a revision made from picks, which amendment made
-- each change.

-- The least number of co-sponsors an amendment needs to be tabled in the track (0: none needed).
ALTER TABLE track ADD COLUMN min_co_sponsors BIGINT NOT NULL DEFAULT 0;

-- An amendment as it stands. Its proposed text is in its latest version (amendment_version).
CREATE TABLE amendment (
    amendment_id    INTEGER PRIMARY KEY,      -- assigned by the database; shown as 'A/12'
    draft_id        TEXT NOT NULL,
    revision_number BIGINT NOT NULL,          -- the revision it amends
    track_id        TEXT NOT NULL,
    round_number    BIGINT NOT NULL,          -- the round it is tabled in
    sponsor_id      TEXT NOT NULL REFERENCES party (party_id),
    status          TEXT NOT NULL,            -- 'draft', 'tabled', 'withdrawn', 'merged', 'merged_in_part', 'not_retained'
    version         BIGINT NOT NULL,          -- its latest version, from 1
    created_at      TEXT NOT NULL,            -- RFC 3339, UTC
    tabled_at       TEXT,                     -- RFC 3339, UTC; when it was tabled
    merged_into     BIGINT,                   -- the revision number it was merged into, if it was
    FOREIGN KEY (draft_id, revision_number) REFERENCES revision (draft_id, number),
    FOREIGN KEY (track_id, round_number) REFERENCES round (track_id, number)
);

CREATE INDEX amendment_by_revision ON amendment (draft_id, revision_number, round_number);

-- Every version of an amendment's proposal, kept: version 1 is the first, each revision by its sponsor adds one.
CREATE TABLE amendment_version (
    amendment_id    BIGINT NOT NULL REFERENCES amendment (amendment_id),
    version         BIGINT NOT NULL,
    at              TEXT NOT NULL,            -- RFC 3339, UTC
    actor           TEXT NOT NULL,
    kind            TEXT NOT NULL,            -- 'replace', 'insert', 'delete', 'add', 'delete-element'
    eid             TEXT NOT NULL,            -- the element amended (for 'add': the element the new one follows)
    words           TEXT NOT NULL DEFAULT '', -- the exact words changed, or the anchor of an insertion
    occurrence      BIGINT,                   -- which occurrence of the words, from 1; NULL when they occur once
    position        TEXT,                     -- 'before' or 'after' for an insertion
    text            TEXT NOT NULL DEFAULT '', -- the new words, inserted words, or the new element's text
    new_eid         TEXT,                     -- for 'add': the new element's eId
    element         TEXT,                     -- for 'add': the AKN element name, e.g. 'point'
    num             TEXT,                     -- for 'add': the number shown, e.g. '(c bis)'
    justification   TEXT NOT NULL,
    PRIMARY KEY (amendment_id, version)
);

-- The co-sponsors an amendment has now. Joining and withdrawing are steps (amendment_step) and events.
CREATE TABLE amendment_co_sponsor (
    amendment_id    BIGINT NOT NULL REFERENCES amendment (amendment_id),
    party_id        TEXT NOT NULL REFERENCES party (party_id),
    joined_at       TEXT NOT NULL,            -- RFC 3339, UTC
    PRIMARY KEY (amendment_id, party_id)
);

-- Every step in the life of an amendment, in order.
CREATE TABLE amendment_step (
    amendment_id    BIGINT NOT NULL REFERENCES amendment (amendment_id),
    step            BIGINT NOT NULL,          -- 1, 2 …
    at              TEXT NOT NULL,            -- RFC 3339, UTC
    action          TEXT NOT NULL,            -- 'drafted', 'tabled', 'revised', 'co_sponsor_joined', 'co_sponsor_withdrew', 'withdrawn', 'picked', 'unpicked', 'merged', 'merged_in_part', 'not_retained'
    actor           TEXT NOT NULL,
    party_id        TEXT,                     -- the co-sponsor, for 'co_sponsor_*'
    text            TEXT NOT NULL DEFAULT '', -- a reason, the bridging text of a pick
    PRIMARY KEY (amendment_id, step)
);

-- The co-facilitators' picks for the revision that will follow the one the amendment amends.
CREATE TABLE amendment_pick (
    amendment_id    BIGINT PRIMARY KEY REFERENCES amendment (amendment_id),
    bridging        TEXT,                     -- their own words in place of the proposed ones, if any
    picked_by       TEXT NOT NULL,
    picked_at       TEXT NOT NULL             -- RFC 3339, UTC
);

-- For a revision made from picks: which amendment made each change (accord_text::amendment::Origin).
CREATE TABLE revision_origin (
    draft_id        TEXT NOT NULL,
    number          BIGINT NOT NULL,          -- the revision made
    position        BIGINT NOT NULL,          -- order of the origins, from 0
    eid             TEXT NOT NULL,
    new_start       BIGINT,                   -- byte range of the new words in the element's new own text;
    new_end         BIGINT,                   -- both NULL for a deleted element
    amendment_id    BIGINT NOT NULL REFERENCES amendment (amendment_id),
    PRIMARY KEY (draft_id, number, position),
    FOREIGN KEY (draft_id, number) REFERENCES revision (draft_id, number)
);
