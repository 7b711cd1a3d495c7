-- Uploads waiting for their preview to be confirmed: kept in the database
-- (not in a server's memory) so they are bounded per account and in all,
-- outlive a restart, reach any server on the database, and expire.
CREATE TABLE pending_imports (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    file_name TEXT NOT NULL,
    content {blob} NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- The column roles the user chose so far, as a mapping file (JSON).
    mapping TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX pending_imports_account ON pending_imports (account_id);
CREATE INDEX pending_imports_created ON pending_imports (created_at);
