-- The stops of itinerant places (issue #16) ever published: a stop travels inside its place's
-- row of `registry_places` (`x_arrets`), and this table keeps every stop id once published,
-- even after the tour drops it, so that a contact logged there offline is still accepted (as a
-- removed place's tombstone does), and the figures can name it. Written by the publications
-- that change stops (`publish-registry --stops`, the registry's stops editor).
CREATE TABLE stops (
    id TEXT PRIMARY KEY,
    place_id TEXT NOT NULL,
    code_insee TEXT NOT NULL,
    nom TEXT NOT NULL,
    -- The last version that published it.
    version BIGINT NOT NULL
);
