-- One row that records when this database was created; the health endpoint reports it, so an
-- operator can tell a fresh database from the one they expect.
CREATE TABLE instance (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
INSERT INTO instance (id) VALUES (1);
