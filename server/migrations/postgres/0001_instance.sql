-- One row that records when this database was created; the health endpoint reports it, so an
-- operator can tell a fresh database from the one they expect. Times are stored as RFC 3339 UTC
-- text, as in the SQLite schema, so the server's code reads both the same way.
CREATE TABLE instance (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
INSERT INTO instance (id) VALUES (1);
