-- Sign-in: users, their sessions and API tokens, the e-mail outbox, sign-in throttling, invitations, password
-- resets, and the roles people hold in a process (secretariat, co-facilitator of a track).
--
-- `user` is a reserved word in PostgreSQL: the table is always written "user", quoted, in both databases.
-- Secrets (session and API tokens, invitation and reset links) are never stored: only the SHA-256 of the token,
-- as 64 lower-case hex digits, so that a copy of the database does not let anyone sign in. Instants are RFC 3339
-- in UTC to the second ('2026-11-30T01:07:16Z'), so that comparing the text compares the time.

CREATE TABLE "user" (
    user_id       INTEGER PRIMARY KEY,       -- assigned by the database
    email         TEXT NOT NULL UNIQUE,      -- sign-in e-mail, lower-case; never shown on public pages
    display_name  TEXT NOT NULL,             -- the name shown beside what the person does
    password_hash TEXT NOT NULL,             -- argon2id PHC string: '$argon2id$v=19$m=…,t=…,p=…$salt$hash'
    created_at    TEXT NOT NULL              -- RFC 3339, UTC
);

-- A signed-in browser. The cookie holds the token; the CSRF token of its forms is derived from it.
CREATE TABLE session (
    token_hash    TEXT PRIMARY KEY,          -- SHA-256 of the session token, hex
    user_id       BIGINT NOT NULL REFERENCES "user" (user_id),
    created_at    TEXT NOT NULL,             -- RFC 3339, UTC
    expires_at    TEXT NOT NULL,             -- RFC 3339, UTC: the session is refused from then on
    revoked       BIGINT NOT NULL DEFAULT 0  -- 1 once signed out: the token is refused even before it expires
);

-- A token for the JSON API (`Authorization: Bearer …`), shown once when it is made.
CREATE TABLE api_token (
    api_token_id  INTEGER PRIMARY KEY,       -- assigned by the database; names the token on the account page
    token_hash    TEXT NOT NULL UNIQUE,      -- SHA-256 of the token, hex
    user_id       BIGINT NOT NULL REFERENCES "user" (user_id),
    name          TEXT NOT NULL,             -- what the owner calls it, e.g. 'laptop script'
    created_at    TEXT NOT NULL,             -- RFC 3339, UTC
    revoked       BIGINT NOT NULL DEFAULT 0  -- 1 once revoked: the token is refused
);

-- E-mail written by accord. Sent through SMTP when one is configured; otherwise it stays here to be read.
CREATE TABLE outbox (
    outbox_id     INTEGER PRIMARY KEY,       -- assigned by the database, in order of writing
    recipient     TEXT NOT NULL,             -- the address it goes to, lower-case
    subject       TEXT NOT NULL,
    body          TEXT NOT NULL,             -- plain text
    created_at    TEXT NOT NULL,             -- RFC 3339, UTC
    sent_at       TEXT                       -- RFC 3339, UTC, once handed to the SMTP server; NULL until then
);

-- A failed sign-in, for throttling: so many failures per key in a window and the key is refused for a while.
CREATE TABLE login_attempt (
    login_attempt_id INTEGER PRIMARY KEY,    -- assigned by the database
    throttle_key  TEXT NOT NULL,             -- 'email:<address>' or 'ip:<address>'
    attempted_at  TEXT NOT NULL              -- RFC 3339, UTC
);

CREATE INDEX login_attempt_by_key ON login_attempt (throttle_key, attempted_at);

-- An invitation by e-mail to take a role in a process; the link carries the token.
CREATE TABLE invitation (
    invitation_id INTEGER PRIMARY KEY,       -- assigned by the database
    token_hash    TEXT NOT NULL UNIQUE,      -- SHA-256 of the link's token, hex
    email         TEXT NOT NULL,             -- who is invited, lower-case
    process_id    TEXT NOT NULL REFERENCES process (process_id),
    track_id      TEXT REFERENCES track (track_id), -- the track, for a co-facilitator; NULL otherwise
    party_id      TEXT,                      -- the party whose delegation the person joins (step 0003); NULL for process roles
    role          TEXT NOT NULL,             -- 'head', 'delegate', 'expert', 'co-facilitator' or 'secretariat'
    invited_by    BIGINT NOT NULL REFERENCES "user" (user_id),
    created_at    TEXT NOT NULL,             -- RFC 3339, UTC
    expires_at    TEXT NOT NULL,             -- RFC 3339, UTC: the link is refused from then on
    accepted_at   TEXT                       -- RFC 3339, UTC, once accepted (the link works once); NULL until then
);

-- A password reset asked for by e-mail; the link carries the token.
CREATE TABLE password_reset (
    password_reset_id INTEGER PRIMARY KEY,   -- assigned by the database
    token_hash    TEXT NOT NULL UNIQUE,      -- SHA-256 of the link's token, hex
    user_id       BIGINT NOT NULL REFERENCES "user" (user_id),
    created_at    TEXT NOT NULL,             -- RFC 3339, UTC
    expires_at    TEXT NOT NULL,             -- RFC 3339, UTC: the link is refused from then on
    used_at       TEXT                       -- RFC 3339, UTC, once used (the link works once); NULL until then
);

-- The roles a person holds in a process beyond a delegation: the secretariat runs the process; a co-facilitator
-- leads one track. (Delegation membership is in delegation_member, step 0005.)
CREATE TABLE process_role (
    process_role_id INTEGER PRIMARY KEY,     -- assigned by the database
    process_id    TEXT NOT NULL REFERENCES process (process_id),
    track_id      TEXT REFERENCES track (track_id), -- the track of a co-facilitator; NULL for the secretariat
    user_id       BIGINT NOT NULL REFERENCES "user" (user_id),
    role          TEXT NOT NULL,             -- 'secretariat' or 'co-facilitator'
    granted_at    TEXT NOT NULL              -- RFC 3339, UTC
);

CREATE INDEX process_role_by_user ON process_role (user_id);
