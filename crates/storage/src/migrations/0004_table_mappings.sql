-- The red/amber/green a council reported with a value (a KPI return's
-- "Status" column): red, amber, green, blue or grey.
ALTER TABLE measurements ADD COLUMN status TEXT;

-- What the columns of a data table mean, as the user said, remembered per
-- table layout (its headings, normalised) and used on every later import
-- of the same layout. `mapping` is one table of a mapping file, as JSON.
CREATE TABLE table_mappings (
    id {id},
    organisation_id BIGINT REFERENCES organisations(id),
    layout_key TEXT NOT NULL UNIQUE,
    mapping TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
