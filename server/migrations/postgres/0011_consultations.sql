-- Consultation figures (issue #15, part 9, fiche 1-C): what phones counted and sent in
-- aggregate (`POST /api/v1/consultations`), added up per day. Nothing identifies a person or a
-- device: no address, no cookie, no device id; a batch is known only by the random id the phone
-- made for it, kept so that a resend counts once, with the day it arrived (to prune old ones).
CREATE TABLE consultation_places (
    day TEXT NOT NULL,
    place_id TEXT NOT NULL,
    vues BIGINT NOT NULL DEFAULT 0,
    appels BIGINT NOT NULL DEFAULT 0,
    itineraires BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, place_id)
);

CREATE TABLE consultation_communes (
    day TEXT NOT NULL,
    code TEXT NOT NULL,
    recherches BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, code)
);

CREATE TABLE consultation_batches (
    id TEXT PRIMARY KEY,
    received_on TEXT NOT NULL
);
