-- Updates by the places themselves (issue #15). Each place may have one secret update link,
-- made by `repere-server place-link ID`: only the SHA-256 of its code is kept, and a new link
-- replaces the old one (whose code then fails).
CREATE TABLE place_links (
    place_id TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

-- Every update of a place, whoever made it: when, what (`confirmation`: nothing changed, only
-- its date; `change`: fields changed, or a new place; `removal`), who (`place` through its link,
-- `departement` by `publish-registry`),
-- the fields changed as JSON {"field": {"old": "…", "new": "…"}} in the standard's text form
-- (`{}` for a confirmation), and the registry version it produced. A place's own change is
-- published at once and reviewed afterwards (`reviewed` false until then). The share of
-- updates made by the places themselves (the département's autonomy indicator) is read here.
CREATE TABLE place_updates (
    id INTEGER PRIMARY KEY,
    place_id TEXT NOT NULL,
    made_at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('confirmation', 'change', 'removal')),
    made_by TEXT NOT NULL,
    changes TEXT NOT NULL,
    version INTEGER NOT NULL REFERENCES registry_versions (version),
    reviewed BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX place_updates_by_time ON place_updates (made_at);
CREATE INDEX place_updates_by_place ON place_updates (place_id, made_at);
