-- Coordination: the département's inclusion team and the EPCI coordinators read figures (never
-- push contacts). Their one-time codes and device tokens are stored as SHA-256 hashes only, as
-- mediators' are. `epci` is a comma-separated list of EPCI SIRENs; NULL = the whole département.
CREATE TABLE coordination_codes (
    code_hash TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    epci TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE coordinators (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    epci TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
