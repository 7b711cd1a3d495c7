-- Accounts, sign-in, API tokens and sign-off.

-- Who may sign in, with one role. Email is stored lower-case; an account
-- is disabled, never deleted, so the history keeps naming it.
CREATE TABLE accounts (
    id {id},
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    disabled_at TEXT,
    password_changed_at TEXT,
    created_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- Password hashes (Argon2id, PHC strings) apart from `accounts`, so the
-- history of an account never carries one.
CREATE TABLE account_passwords (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
    hash TEXT NOT NULL
);

-- The posts an account holds: an officer records progress on what their
-- posts lead. A post can have several holders.
CREATE TABLE account_posts (
    id {id},
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    post_id BIGINT NOT NULL REFERENCES posts(id),
    UNIQUE (account_id, post_id)
);
CREATE INDEX account_posts_post ON account_posts (post_id);

-- Signed-in sessions. The cookie holds a random token; this table holds
-- its SHA-256, so a copy of the database signs nobody in.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Failed sign-ins, by account ('account:EMAIL') and by address
-- ('address:IP'), for throttling.
CREATE TABLE sign_in_failures (
    id {id},
    subject TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_subject ON sign_in_failures (subject, at);

-- One-time links to set a password (a new account, a reset), hashed.
CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

-- Read-only API tokens for integrations: shown once, stored hashed.
CREATE TABLE api_tokens (
    id {id},
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scope TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    last_used_at TEXT,
    version BIGINT NOT NULL DEFAULT 1
);

-- The account behind each change (NULL for the CLI and the demo loader,
-- whose `actor` says who ran them).
ALTER TABLE history ADD COLUMN account_id BIGINT;
CREATE INDEX history_account ON history (account_id, id);
CREATE INDEX history_at ON history (at);

-- Sign-off: an officer's update or value waits as 'pending' until an
-- editor approves or returns it; only 'approved' ones count.
ALTER TABLE progress_updates ADD COLUMN account_id BIGINT REFERENCES accounts(id);
ALTER TABLE progress_updates ADD COLUMN review TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE progress_updates ADD COLUMN reviewed_by TEXT;
ALTER TABLE progress_updates ADD COLUMN reviewed_at TEXT;
ALTER TABLE progress_updates ADD COLUMN review_comment TEXT;
ALTER TABLE progress_updates ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE measurements ADD COLUMN account_id BIGINT REFERENCES accounts(id);
ALTER TABLE measurements ADD COLUMN review TEXT NOT NULL DEFAULT 'approved';
ALTER TABLE measurements ADD COLUMN reviewed_by TEXT;
ALTER TABLE measurements ADD COLUMN reviewed_at TEXT;
ALTER TABLE measurements ADD COLUMN review_comment TEXT;
CREATE INDEX progress_updates_review ON progress_updates (review);
CREATE INDEX measurements_review ON measurements (review);
