-- A council's plan template (issue 14): what it calls each level of its
-- thread, which action fields its plans carry, and its fixed lists, as
-- JSON (goldthread_domain::Template). None: the default template.
ALTER TABLE organisations ADD COLUMN template TEXT;
