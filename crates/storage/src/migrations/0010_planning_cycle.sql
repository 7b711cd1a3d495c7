-- The yearly planning cycle (issue 14). A plan's status is now one of
-- draft, submitted, returned, approved, archived. `revision` counts the
-- plan's approved versions and the one being written; `approved_revision`
-- is the last revision approved (none: never approved), which keeps a plan
-- in force while an amendment to it is drafted and reviewed.
ALTER TABLE plans ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE plans ADD COLUMN approved_revision BIGINT;

-- Plans imported from documents are the council's adopted plans: they
-- were stored as drafts only because nothing read the status before.
UPDATE plans SET status = 'approved'
    WHERE status = 'draft' AND source_document_id IS NOT NULL;
UPDATE plans SET approved_revision = revision WHERE status = 'approved';

-- Each approved revision as it was approved: the plan in the domain's
-- document form (JSON), so any two can be compared whatever changes after.
CREATE TABLE plan_versions (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    revision BIGINT NOT NULL,
    document TEXT NOT NULL,
    approved_at TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    UNIQUE (plan_id, revision)
);

-- Reviewers' comments, on a plan or on one item of it (item_kind: action,
-- indicator, node, risk), on the revision they read.
CREATE TABLE plan_comments (
    id {id},
    plan_id BIGINT NOT NULL REFERENCES plans(id),
    revision BIGINT NOT NULL,
    item_kind TEXT,
    item_id BIGINT,
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX plan_comments_plan ON plan_comments (plan_id);

-- A planning round: the services that must have a plan for a financial
-- year, and by when.
CREATE TABLE planning_rounds (
    id {id},
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    financial_year TEXT NOT NULL,
    deadline TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, financial_year)
);
CREATE TABLE round_services (
    id {id},
    round_id BIGINT NOT NULL REFERENCES planning_rounds(id),
    org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
    UNIQUE (round_id, org_unit_id)
);

-- Next year's plan starts from this year's (roll forward): a carried
-- action or indicator names the one it came from, whose progress and
-- values stay with the old plan.
ALTER TABLE actions ADD COLUMN carried_from BIGINT;
ALTER TABLE indicators ADD COLUMN carried_from BIGINT;
