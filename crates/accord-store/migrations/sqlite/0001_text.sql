-- The negotiation's text: processes, their tracks, each track's draft and the draft's revisions.

CREATE TABLE process (
    process_id   TEXT PRIMARY KEY,          -- URL-safe slug, e.g. 'gcm-2018'
    title        TEXT NOT NULL,             -- e.g. 'Global Compact for Safe, Orderly and Regular Migration'
    description  TEXT NOT NULL DEFAULT '',
    is_demo      BIGINT NOT NULL DEFAULT 0, -- 1 when the process was loaded as a demonstration
    created_at   TEXT NOT NULL              -- RFC 3339, UTC
);

CREATE TABLE track (
    track_id     TEXT PRIMARY KEY,          -- URL-safe slug, e.g. 'migration'
    process_id   TEXT NOT NULL REFERENCES process (process_id),
    title        TEXT NOT NULL,             -- e.g. 'Migration'
    position     BIGINT NOT NULL            -- order of the tracks within the process
);

CREATE TABLE draft (
    draft_id     TEXT PRIMARY KEY,          -- URL-safe slug, e.g. 'gcm'
    track_id     TEXT NOT NULL REFERENCES track (track_id),
    title        TEXT NOT NULL
);

-- A revision is immutable once stored: there is no UPDATE of this table anywhere in the store.
CREATE TABLE revision (
    draft_id     TEXT NOT NULL REFERENCES draft (draft_id),
    number       BIGINT NOT NULL,           -- 0 for the first revision (zero draft), then 1, 2 …
    label        TEXT NOT NULL,             -- 'Zero draft', 'Rev.1' … 'Final'
    date         TEXT NOT NULL,             -- the revision's date, YYYY-MM-DD
    author       TEXT NOT NULL,             -- who issued it, e.g. 'the co-facilitators'
    is_demo      BIGINT NOT NULL DEFAULT 0, -- 1 when the revision was made up as a demonstration
    note         TEXT NOT NULL DEFAULT '',  -- what the revision is, shown beside it
    akn          TEXT NOT NULL,             -- the whole revision as Akoma Ntoso 3.0 XML
    created_at   TEXT NOT NULL,             -- RFC 3339, UTC: when it was stored
    PRIMARY KEY (draft_id, number)
);

-- Every element of a revision that has an eId, flattened in document order, for lookups and history.
CREATE TABLE paragraph (
    draft_id     TEXT NOT NULL,
    number       BIGINT NOT NULL,           -- the revision's number
    eid          TEXT NOT NULL,             -- Akoma Ntoso eId, stable across revisions
    parent_eid   TEXT,                      -- the enclosing element's eId
    element      TEXT NOT NULL,             -- AKN element name: hcontainer, paragraph, point …
    name         TEXT,                      -- AKN @name, e.g. 'objective'
    depth        BIGINT NOT NULL,
    position     BIGINT NOT NULL,           -- order within the revision, from 0
    num          TEXT,
    heading      TEXT,
    text         TEXT NOT NULL,             -- the element's own text, blocks joined by newlines
    PRIMARY KEY (draft_id, number, eid),
    FOREIGN KEY (draft_id, number) REFERENCES revision (draft_id, number)
);

CREATE INDEX paragraph_by_eid ON paragraph (draft_id, eid);
