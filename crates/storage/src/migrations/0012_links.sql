-- An action's links across the thread beyond its own plan's nodes
-- (issue 14): the actions it follows on from (this plan's or an earlier
-- plan's of its service), the other services it affects, and the
-- partnership agendas it serves (the template's fixed list). One row a
-- link; exactly one of the three targets is set.
CREATE TABLE action_links (
    id {id},
    action_id BIGINT NOT NULL REFERENCES actions(id),
    follows_id BIGINT REFERENCES actions(id),
    org_unit_id BIGINT REFERENCES org_units(id),
    agenda TEXT
);
CREATE INDEX action_links_action ON action_links (action_id);
CREATE INDEX action_links_follows ON action_links (follows_id);

-- A post belongs to an org unit (the service or directorate it sits in),
-- set by an editor on the posts page; none: not yet placed.
ALTER TABLE posts ADD COLUMN org_unit_id BIGINT REFERENCES org_units(id);
