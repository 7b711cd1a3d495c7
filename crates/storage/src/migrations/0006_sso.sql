-- Single sign-on: each sign-in on its way through the council's identity
-- provider, from the redirect there to the callback here. Kept in the
-- database, not in one server's memory, so that the callback may reach any
-- server on the same database. The state is the key the provider sends
-- back; only its SHA-256 is kept. A row is used once, and rows older than
-- ten minutes are refused and cleared.
CREATE TABLE sso_requests (
    state_hash TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    next TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX sso_requests_created ON sso_requests (created_at);
