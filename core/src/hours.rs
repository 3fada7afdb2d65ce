//! Opening hours: open at a time, next opening, a week for display — a thin layer over the
//! `opening-hours` crate (OSM syntax), with France's public holidays so that `PH off` holds.
//!
//! Times are local (Europe/Paris) wall-clock times given by the caller: the core reads no clock.
//! Every-other-week rotations are written in OSM syntax (`week 1-53/2 Tu 09:00-12:00`).
//!
//! ```
//! use chrono::NaiveDate;
//! use repere_core::hours::Schedule;
//!
//! let s = Schedule::parse("Mo-Fr 09:00-12:00; PH off").unwrap();
//! let monday_10h = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(10, 0, 0).unwrap();
//! assert!(s.is_open(monday_10h));
//! let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap().and_hms_opt(10, 0, 0).unwrap();
//! assert!(!s.is_open(christmas)); // a public holiday
//! ```

use std::sync::OnceLock;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use opening_hours::localization::Country;
use opening_hours::{Context, ContextHolidays, OpeningHours, RuleKind};

/// How far ahead "next opening" looks: beyond a few weeks a place is as good as closed.
const HORIZON_DAYS: i64 = 62;

fn french_holidays() -> ContextHolidays {
    static HOLIDAYS: OnceLock<ContextHolidays> = OnceLock::new();
    HOLIDAYS.get_or_init(|| Country::FR.holidays()).clone()
}

/// A parsed opening-hours expression, evaluated with France's public holidays.
#[derive(Clone, Debug)]
pub struct Schedule {
    raw: String,
    oh: OpeningHours,
}

/// Two schedules are the same if their published text is.
impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Schedule {
    /// Parses OSM syntax; the error is the parser's message on one line.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let oh = raw.parse::<OpeningHours>().map_err(|e| e.to_string().replace('\n', " "))?;
        let oh = oh.with_context(Context::default().with_holidays(french_holidays()));
        Ok(Schedule { raw: raw.to_owned(), oh })
    }

    /// The text as published.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn is_open(&self, at: NaiveDateTime) -> bool {
        self.oh.is_open(at)
    }

    /// The open period that contains `at` or starts after it, within the look-ahead horizon.
    pub fn next_open_period(&self, at: NaiveDateTime) -> Option<(NaiveDateTime, NaiveDateTime)> {
        self.oh
            .iter_range(at, at + Duration::days(HORIZON_DAYS))
            .find(|r| r.kind == RuleKind::Open)
            .map(|r| (r.range.start, r.range.end))
    }

    /// True if the place is open at some moment between `at` and `at + days`.
    pub fn opens_within(&self, at: NaiveDateTime, days: u32) -> bool {
        self.next_open_period(at).is_some_and(|(start, _)| start < at + Duration::days(days.into()))
    }

    /// The open periods of each day of the week that contains `day`, Monday first, for display.
    /// A period that runs past midnight is cut at midnight.
    pub fn week(&self, day: NaiveDate) -> [Vec<(NaiveTime, NaiveTime)>; 7] {
        let monday = day - Duration::days(day.weekday().num_days_from_monday().into());
        std::array::from_fn(|i| {
            let date = monday + Duration::days(i as i64);
            let start = date.and_time(NaiveTime::MIN);
            let end = start + Duration::days(1);
            self.oh
                .iter_range(start, end)
                .filter(|r| r.kind == RuleKind::Open)
                .map(|r| (r.range.start.time(), if r.range.end >= end { NaiveTime::from_hms_opt(23, 59, 59).unwrap() } else { r.range.end.time() }))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn next_opening_skips_closed_days_and_public_holidays() {
        let s = Schedule::parse("Tu 09:00-12:00; PH off").unwrap();
        // Monday 2026-12-21 at 18:00 → Tuesday 22nd at 9:00.
        assert_eq!(s.next_open_period(at(2026, 12, 21, 18, 0)).unwrap().0, at(2026, 12, 22, 9, 0));
        assert!(s.is_open(at(2026, 11, 10, 10, 0)));
        // Christmas 2029 and New Year 2030 fall on Tuesdays: the next opening is 8 January.
        assert!(!s.is_open(at(2029, 12, 25, 10, 0)));
        assert_eq!(s.next_open_period(at(2029, 12, 25, 8, 0)).unwrap().0, at(2030, 1, 1, 9, 0) + Duration::days(7));
    }

    #[test]
    fn every_other_week_rotation() {
        // Odd ISO weeks only. 2026-11-24 is in week 48 (even), 2026-12-01 in week 49 (odd).
        let s = Schedule::parse("week 1-53/2 Tu 14:00-17:00").unwrap();
        assert!(!s.is_open(at(2026, 11, 24, 15, 0)));
        assert!(s.is_open(at(2026, 12, 1, 15, 0)));
        assert!(s.opens_within(at(2026, 11, 24, 15, 0), 7));
        assert!(!s.opens_within(at(2026, 11, 24, 18, 0), 6));
    }

    #[test]
    fn week_table_for_display() {
        let s = Schedule::parse("Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00").unwrap();
        let week = s.week(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(week[0], vec![(t(9, 0), t(12, 0)), (t(13, 30), t(17, 0))]);
        assert_eq!(week[4], vec![(t(9, 0), t(12, 0))]);
        assert!(week[5].is_empty() && week[6].is_empty());
    }

    #[test]
    fn unparsable_hours_say_why() {
        let err = Schedule::parse("Lundi 9h-12h").unwrap_err();
        assert!(!err.is_empty() && !err.contains('\n'), "{err}");
    }
}
