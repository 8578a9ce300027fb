-- Positions of the parties on amendments and on paragraphs, every change of them, and the paragraphs the
-- co-facilitators or the secretariat adopt. A paragraph's status (open, bracketed, agreed ad ref, adopted) is
-- not stored: it is derived from these tables and the paragraph's text (crates/accord-store/src/position.rs).

-- A party's position on an amendment, as it stands now: one row per amendment and party.
CREATE TABLE amendment_position (
    amendment_id    BIGINT NOT NULL REFERENCES amendment (amendment_id),
    party_id        TEXT NOT NULL REFERENCES party (party_id),
    stance          TEXT NOT NULL,            -- 'support', 'can_live_with', 'reservation', 'objection'
    statement       TEXT NOT NULL DEFAULT '', -- the party's words, optional
    at              TEXT NOT NULL,            -- RFC 3339, UTC: when it was taken
    actor           TEXT NOT NULL,            -- who recorded it, as the record names them
    PRIMARY KEY (amendment_id, party_id)
);

-- A party's position on a paragraph (any element with an eId) of a draft, as it stands now. It holds across
-- the draft's revisions until the party changes it; revision_number says which revision it was taken on.
CREATE TABLE paragraph_position (
    draft_id        TEXT NOT NULL REFERENCES draft (draft_id),
    eid             TEXT NOT NULL,            -- Akoma Ntoso eId, stable across revisions
    party_id        TEXT NOT NULL REFERENCES party (party_id),
    revision_number BIGINT NOT NULL,          -- the revision whose text the position was taken on
    stance          TEXT NOT NULL,            -- as amendment_position.stance
    statement       TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL,            -- RFC 3339, UTC
    actor           TEXT NOT NULL,
    PRIMARY KEY (draft_id, eid, party_id),
    FOREIGN KEY (draft_id, revision_number, eid) REFERENCES paragraph (draft_id, number, eid)
);

-- Every change of a position, in order: taken, changed, withdrawn. The current tables above are the last
-- change of each party and target that was not a withdrawal.
CREATE TABLE position_change (
    change_id       INTEGER PRIMARY KEY,      -- assigned by the database, in the order of the changes
    track_id        TEXT NOT NULL REFERENCES track (track_id),
    party_id        TEXT NOT NULL REFERENCES party (party_id),
    amendment_id    BIGINT REFERENCES amendment (amendment_id), -- set for a position on an amendment
    draft_id        TEXT REFERENCES draft (draft_id),            -- set with eid for a position on a paragraph
    eid             TEXT,
    revision_number BIGINT,                   -- for a paragraph: the revision it was taken on
    stance          TEXT,                     -- the new stance; NULL when the party withdrew its position
    statement       TEXT NOT NULL DEFAULT '',
    at              TEXT NOT NULL,            -- RFC 3339, UTC
    actor           TEXT NOT NULL
);

CREATE INDEX position_change_by_amendment ON position_change (amendment_id);
CREATE INDEX position_change_by_paragraph ON position_change (draft_id, eid);

-- A paragraph adopted by the co-facilitators or the secretariat, in one revision. The adoption holds in later
-- revisions as long as the paragraph's text stays the same.
CREATE TABLE paragraph_adoption (
    draft_id        TEXT NOT NULL,
    number          BIGINT NOT NULL,          -- the revision in which it was adopted
    eid             TEXT NOT NULL,
    at              TEXT NOT NULL,            -- RFC 3339, UTC
    actor           TEXT NOT NULL,
    PRIMARY KEY (draft_id, number, eid),
    FOREIGN KEY (draft_id, number, eid) REFERENCES paragraph (draft_id, number, eid)
);
