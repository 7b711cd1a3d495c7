-- A plan is public only once an editor publishes it; withdrawing it
-- clears these. Both changes are in the history like any edit.
ALTER TABLE plans ADD COLUMN published_at TEXT;
ALTER TABLE plans ADD COLUMN published_by TEXT;
