-- The scale risks are rated on, for likelihood and impact (1 to N).
ALTER TABLE organisations ADD COLUMN risk_scale BIGINT NOT NULL DEFAULT 5;
