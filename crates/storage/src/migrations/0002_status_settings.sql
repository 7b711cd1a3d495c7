-- The organisation's status rule settings: how long after a period ends
-- its indicator value may arrive before it counts as missing.
ALTER TABLE organisations ADD COLUMN collection_grace_days BIGINT NOT NULL DEFAULT 30;
