-- The published registry of places. Every place ever published keeps one row: its standard JSON
-- (as repere-core exports it) and the version that last changed it. A removed place keeps its
-- row with no body (a tombstone), so a device at any earlier version can be sent exactly what
-- changed since. Each version says when it was published and how many places it holds.
CREATE TABLE registry_versions (
    version BIGINT PRIMARY KEY,
    published_at TEXT NOT NULL,
    places BIGINT NOT NULL
);

CREATE TABLE registry_places (
    id TEXT PRIMARY KEY,
    body TEXT,
    version BIGINT NOT NULL REFERENCES registry_versions (version)
);
CREATE INDEX registry_places_by_version ON registry_places (version);
