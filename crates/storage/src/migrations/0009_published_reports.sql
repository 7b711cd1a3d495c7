-- Report packs an editor published: only the request is kept (period,
-- scope, the day whose knowledge it shows), because the history rebuilds
-- what was known that day exactly; the public copy is made from it.
CREATE TABLE published_reports (
    id {id},
    period TEXT NOT NULL,
    scope TEXT NOT NULL,
    known_at TEXT NOT NULL,
    committee TEXT,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    withdrawn_at TEXT,
    withdrawn_by TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
