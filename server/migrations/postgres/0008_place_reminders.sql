-- Reminders (issue #15, part 7): the day each place was last sent an e-mail asking it to check
-- its information (`repere-server remind`, or the monthly run of `serve`), so that a place is not
-- reminded twice within repere-core's `QUIET_DAYS`. Every place has the default frequency
-- (6 months, DORA's): no per-place frequency is stored yet.
CREATE TABLE place_reminders (
    place_id TEXT PRIMARY KEY,
    reminded_on TEXT NOT NULL
);
