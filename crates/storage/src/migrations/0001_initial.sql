-- Dates are ISO 8601 text (YYYY-MM-DD) and timestamps RFC 3339 text in UTC
-- on both backends: they sort correctly and read back identically.
-- Every editable record carries `version` for optimistic concurrency.

CREATE TABLE organisations (
    id {id},
    name TEXT NOT NULL,
    amber_tolerance DOUBLE PRECISION NOT NULL DEFAULT 0.05,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE org_units (
    id {id},
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    parent_id BIGINT REFERENCES org_units(id),
    code TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'service',
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, name)
);

-- Posts (job titles) lead actions; accounts will hold posts.
CREATE TABLE posts (
    id {id},
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    UNIQUE (organisation_id, title)
);

CREATE TABLE source_documents (
    id {id},
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    size_bytes BIGINT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL
);

CREATE TABLE plans (
    id {id},
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    source_document_id BIGINT REFERENCES source_documents(id),
    owner_unit_id BIGINT REFERENCES org_units(id),
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    period_from TEXT,
    period_to TEXT,
    sections TEXT NOT NULL DEFAULT '[]',
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE nodes (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    parent_id BIGINT REFERENCES nodes(id),
    position BIGINT NOT NULL,
    level TEXT NOT NULL,
    label TEXT NOT NULL,
    title TEXT NOT NULL,
    strapline TEXT,
    code TEXT,
    source_line BIGINT,
    source_sheet TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX nodes_plan ON nodes (plan_id);

CREATE TABLE actions (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    position BIGINT NOT NULL,
    code TEXT,
    title TEXT NOT NULL,
    description TEXT,
    target TEXT,
    outcome TEXT,
    critical_success_factors TEXT,
    environmental_impacts TEXT,
    outputs TEXT,
    risks TEXT,
    resources TEXT,
    resources_pounds BIGINT,
    other_services TEXT,
    partnership_links TEXT,
    service_role TEXT,
    service_ref TEXT,
    priority_link TEXT,
    monitoring_bodies TEXT,
    measures TEXT,
    due_text TEXT,
    due_earliest TEXT,
    due_latest TEXT,
    due_reading TEXT,
    due_recurrence TEXT,
    related TEXT NOT NULL DEFAULT '[]',
    source_line BIGINT,
    source_sheet TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX actions_plan ON actions (plan_id);
CREATE INDEX actions_code ON actions (code);

CREATE TABLE action_nodes (
    id {id},
    action_id BIGINT NOT NULL REFERENCES actions(id),
    node_id BIGINT NOT NULL REFERENCES nodes(id),
    UNIQUE (action_id, node_id)
);
CREATE INDEX action_nodes_node ON action_nodes (node_id);

CREATE TABLE action_officers (
    id {id},
    action_id BIGINT NOT NULL REFERENCES actions(id),
    post_id BIGINT NOT NULL REFERENCES posts(id),
    position BIGINT NOT NULL,
    joint BIGINT NOT NULL DEFAULT 0,
    UNIQUE (action_id, post_id)
);
CREATE INDEX action_officers_post ON action_officers (post_id);

CREATE TABLE due_revisions (
    id {id},
    action_id BIGINT NOT NULL REFERENCES actions(id),
    position BIGINT NOT NULL,
    from_text TEXT NOT NULL,
    from_earliest TEXT,
    from_latest TEXT,
    to_text TEXT NOT NULL,
    to_earliest TEXT,
    to_latest TEXT,
    reason TEXT,
    reported TEXT
);
CREATE INDEX due_revisions_action ON due_revisions (action_id);

CREATE TABLE milestones (
    id {id},
    action_id BIGINT NOT NULL REFERENCES actions(id),
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    due_text TEXT,
    due_earliest TEXT,
    due_latest TEXT,
    due_reading TEXT,
    completed TEXT,
    source_line BIGINT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX milestones_action ON milestones (action_id);

-- Append-only: a new update supersedes, never edits, the one before.
CREATE TABLE progress_updates (
    id {id},
    action_id BIGINT NOT NULL REFERENCES actions(id),
    as_at TEXT NOT NULL,
    status TEXT NOT NULL,
    percent_complete BIGINT,
    commentary TEXT NOT NULL,
    author TEXT,
    recorded_at TEXT NOT NULL
);
CREATE INDEX progress_updates_action ON progress_updates (action_id, as_at);

CREATE TABLE indicators (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    position BIGINT NOT NULL,
    code TEXT,
    title TEXT NOT NULL,
    description TEXT,
    unit TEXT NOT NULL,
    polarity TEXT NOT NULL,
    frequency TEXT,
    aggregation TEXT NOT NULL,
    baseline_text TEXT,
    baseline_value DOUBLE PRECISION,
    baseline_when TEXT,
    tolerance DOUBLE PRECISION,
    owner TEXT,
    source_line BIGINT,
    source_sheet TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX indicators_plan ON indicators (plan_id);
CREATE INDEX indicators_code ON indicators (code);

CREATE TABLE indicator_links (
    id {id},
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    action_id BIGINT REFERENCES actions(id),
    node_id BIGINT REFERENCES nodes(id)
);
CREATE INDEX indicator_links_indicator ON indicator_links (indicator_id);
CREATE INDEX indicator_links_action ON indicator_links (action_id);

CREATE TABLE targets (
    id {id},
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    period TEXT NOT NULL,
    text TEXT NOT NULL,
    value DOUBLE PRECISION,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (indicator_id, period)
);

CREATE TABLE measurements (
    id {id},
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    period TEXT NOT NULL,
    period_end TEXT NOT NULL,
    value DOUBLE PRECISION,
    text TEXT,
    note TEXT,
    recorded_by TEXT,
    recorded_at TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (indicator_id, period)
);

CREATE TABLE risks (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    position BIGINT NOT NULL,
    code TEXT,
    title TEXT NOT NULL,
    cause TEXT,
    event TEXT,
    consequence TEXT,
    owner TEXT,
    likelihood BIGINT,
    impact BIGINT,
    controls TEXT,
    source_line BIGINT,
    source_sheet TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX risks_plan ON risks (plan_id);

CREATE TABLE risk_links (
    id {id},
    risk_id BIGINT NOT NULL REFERENCES risks(id),
    action_id BIGINT REFERENCES actions(id),
    node_id BIGINT REFERENCES nodes(id)
);

CREATE TABLE findings (
    id {id},
    source_document_id BIGINT NOT NULL REFERENCES source_documents(id),
    severity TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    source_line BIGINT,
    source_sheet TEXT
);

-- Every change to every record above, written in the same transaction as
-- the change: the audit trail and the basis of "as at" reports. Rows hold
-- the whole record before and after as JSON. Never updated or deleted.
CREATE TABLE history (
    id {id},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    plan_id BIGINT,
    operation TEXT NOT NULL,
    -- 'import' for records written by an import, 'edit' for everything a
    -- user does afterwards: a plan with edits is never silently re-imported.
    origin TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX history_entity ON history (entity, entity_id);
CREATE INDEX history_plan ON history (plan_id, at);
{history_append_only}
