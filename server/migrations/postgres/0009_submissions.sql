-- Residents' reports and mediators' proposals (issue #15), waiting for moderation.
-- `id` is the UUID the phone made for the record, so a resend after a lost answer is stored
-- once: same id and same `kind`, `structure_id` and `body` → acknowledged again; anything
-- else under the id → a conflict, never overwritten (the contacts' rule).
-- `kind`: `report` (« Signaler une erreur ») or `proposal` (a change, or a new place when
-- `place_id` is NULL). `version`: the registry version the phone held, so that a field
-- changed since is shown stale. `body`: the record as received (the protocol's JSON).
-- `sent_by`: « Un habitant », or the mediator's structure (with `structure_id`, `device_id`);
-- no IP address and nothing naming the person is kept.
-- A decision sets `status`, `decided_by` (the coordinator's label), `decided_at`, `reason`
-- (required for a rejection) and, when it published something, `published_version`.
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('report', 'proposal')),
    place_id TEXT,
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    sent_by TEXT NOT NULL,
    structure_id BIGINT,
    device_id TEXT,
    received_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    published_version BIGINT
);
CREATE INDEX submissions_by_status ON submissions (status, received_at);

-- The audit of every update: who decided it (a coordinator's label; NULL for a place's own
-- update not yet reviewed and for publications), the submission it came from, whether it was
-- undone since (`undone`), and why a place's own update was rejected (`reason`).
ALTER TABLE place_updates ADD COLUMN decided_by TEXT;
ALTER TABLE place_updates ADD COLUMN submission_id TEXT;
ALTER TABLE place_updates ADD COLUMN undone BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE place_updates ADD COLUMN reason TEXT;
