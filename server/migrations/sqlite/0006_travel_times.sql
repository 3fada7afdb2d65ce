-- Travel times computed elsewhere (e.g. by OSRM's table service), imported by
-- `repere-server coverage import-times FILE`: minutes from a commune's centre to a registry
-- place, replacing the coverage's straight-line estimate for that pair. The whole table is
-- replaced in one transaction by each import (`coverage clear-times` empties it: back to the
-- estimate). Rows are checked against the communes and the registry's places when imported;
-- a place removed from the registry later keeps its rows, which the computation then ignores.
CREATE TABLE travel_times (
    code_insee TEXT NOT NULL,
    place_id TEXT NOT NULL,
    minutes REAL NOT NULL,
    PRIMARY KEY (code_insee, place_id)
);
-- The import the rows come from: when, which file (its name only), how many rows. At most one
-- row; none while the estimate is used.
CREATE TABLE travel_times_import (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    imported_at TEXT NOT NULL,
    source TEXT NOT NULL,
    row_count INTEGER NOT NULL
);
