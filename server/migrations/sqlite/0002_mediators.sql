-- Mediators: structures, one-time enrolment codes, enrolled devices, and the contacts they push.
-- Secrets (codes, tokens) are stored only as SHA-256 hashes. Contacts hold no personal data of
-- the people helped (see repere-core `activity`); `body` is the canonical JSON of the contact.
CREATE TABLE structures (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structures (id),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structures (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    revoked_at TEXT
);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structures (id),
    device_id TEXT NOT NULL REFERENCES devices (id),
    device_seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    received_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX contacts_by_structure ON contacts (structure_id);
