-- Candidate places (issue #15, part 6): rows imported by `repere-server candidates import FILE`
-- (the libraries and centres sociaux of seeds/candidats.csv), never part of the published
-- registry until a coordinator accepts them (`POST /api/v1/candidates`), which publishes them
-- as a new version. `body` is the standard's row as a JSON object of its text values (what the
-- file said), `source` `bibliotheques`, `centres_sociaux` or `autre`; a decision keeps its who,
-- when, why and the version it made.
CREATE TABLE candidates (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
    imported_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by TEXT,
    reason TEXT,
    version BIGINT
);

-- A coordinator's decision on a pair of likely duplicates (core `duplicates::pair_key`: `a` <
-- `b`): `merge` (the place `kept` stays, the other was removed and its id recorded in the kept
-- one's `x_ids_fusionnes`) or `apart` (never flagged again). Later `publish-registry` runs read
-- them: a merged-away id is dropped from the file, an apart pair stays unflagged.
CREATE TABLE duplicate_decisions (
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('merge', 'apart')),
    kept TEXT,
    decided_at TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    PRIMARY KEY (a, b)
);

-- Reminders (part 7): a place's update frequency in months (1–24) when the département sets one
-- other than the default (6, DORA's).
CREATE TABLE place_frequencies (
    place_id TEXT PRIMARY KEY,
    months BIGINT NOT NULL CHECK (months BETWEEN 1 AND 24)
);
