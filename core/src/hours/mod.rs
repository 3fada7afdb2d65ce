//! Opening hours. Places publish them in OSM syntax, which the `opening-hours` crate parses
//! where a registry is imported (the seed builder, the server), with France's public holidays so
//! that `PH off` holds. The import then compiles them into a [`Timetable`] — each weekday's
//! open periods, whether public holidays close, and the dates that differ — and every question
//! (open now? until when? the week's table) is answered from that, everywhere. A phone reads the
//! timetable from its stored registry and never parses OSM text: the parser was a sixth of the
//! app's code, and the first-use parse a long task on a slow phone.
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

mod timetable;

use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use compact_calendar::CompactCalendar;
use opening_hours::{Context, ContextHolidays, OpeningHours};

pub use timetable::{TIMETABLE_YEARS, Timetable};

/// How far ahead "next opening" looks: beyond a few weeks a place is as good as closed.
const HORIZON_DAYS: i64 = 62;

/// Years for which the parser knows public holidays (compiling reads only [`TIMETABLE_YEARS`]).
const HOLIDAY_YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// France's eleven national public holidays, computed (fixed dates, and Easter Monday,
/// Ascension and Whit Monday from the date of Easter). The `opening-hours` crate can decode
/// them from its world database, but that database is large, and a timetable needs them for any
/// year without it.
pub fn french_public_holidays(year: i32) -> Vec<NaiveDate> {
    let fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)];
    let mut days: Vec<NaiveDate> = fixed.iter().filter_map(|&(m, d)| NaiveDate::from_ymd_opt(year, m, d)).collect();
    if let Ok(easter) = computus::gregorian_naive(year) {
        days.extend([1, 39, 50].map(|offset| easter + Duration::days(offset)));
    }
    days.sort();
    days.dedup(); // Ascension can fall on 1 or 8 May
    days
}

fn is_french_public_holiday(day: NaiveDate) -> bool {
    french_public_holidays(day.year()).contains(&day)
}

fn french_holidays() -> ContextHolidays {
    static HOLIDAYS: OnceLock<ContextHolidays> = OnceLock::new();
    HOLIDAYS
        .get_or_init(|| {
            let mut public = CompactCalendar::default();
            for day in HOLIDAY_YEARS.flat_map(french_public_holidays) {
                public.insert(day);
            }
            ContextHolidays::new(Arc::new(public), Arc::new(CompactCalendar::default()))
        })
        .clone()
}

/// Whether a place is open, as the results list says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Open now, until this time.
    OpenUntil(NaiveDateTime),
    /// Closed now; opens at this time.
    Opens(NaiveDateTime),
    /// No opening within the look-ahead horizon.
    Closed,
}

/// A place's opening hours: the text as published, and its [`Timetable`].
#[derive(Clone, Debug)]
pub struct Schedule {
    raw: String,
    table: Timetable,
}

/// Two schedules are the same if their published text is (the timetable follows from it).
impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Schedule {
    /// Parses OSM syntax and compiles it; the error is the parser's message on one line.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let oh = raw.parse::<OpeningHours>().map_err(|e| e.to_string().replace('\n', " "))?;
        let oh = oh.with_context(Context::default().with_holidays(french_holidays()));
        Ok(Schedule { raw: raw.to_owned(), table: Timetable::compile(&oh) })
    }

    /// Text that an earlier import parsed, with the timetable it compiled then.
    pub fn compiled(raw: &str, table: Timetable) -> Self {
        Schedule { raw: raw.to_owned(), table }
    }

    /// The text as published.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn timetable(&self) -> &Timetable {
        &self.table
    }

    pub fn is_open(&self, at: NaiveDateTime) -> bool {
        self.periods_from(at).next().is_some_and(|(start, _)| start <= at)
    }

    /// The open period that contains `at` (from `at`) or starts after it, within the look-ahead
    /// horizon.
    pub fn next_open_period(&self, at: NaiveDateTime) -> Option<(NaiveDateTime, NaiveDateTime)> {
        self.periods_from(at).next()
    }

    /// Open now until when, or when it next opens. Back-to-back periods (e.g. "Mo 09:00-24:00;
    /// Tu 00:00-12:00") count as one.
    pub fn status(&self, at: NaiveDateTime) -> Status {
        let mut periods = self.periods_from(at);
        let Some((start, mut end)) = periods.next() else {
            return Status::Closed;
        };
        if start > at {
            return Status::Opens(start);
        }
        for (next_start, next_end) in periods {
            if next_start != end {
                break;
            }
            end = next_end;
        }
        Status::OpenUntil(end)
    }

    /// True if the place is open at some moment between `at` and `at + days`.
    pub fn opens_within(&self, at: NaiveDateTime, days: u32) -> bool {
        self.next_open_period(at).is_some_and(|(start, _)| start < at + Duration::days(days.into()))
    }

    /// The open periods of each day of the week that contains `day`, Monday first, for display.
    /// A period that runs past midnight is cut at midnight (shown ending at 23:59:59).
    pub fn week(&self, day: NaiveDate) -> [Vec<(NaiveTime, NaiveTime)>; 7] {
        let monday = day - Duration::days(day.weekday().num_days_from_monday().into());
        std::array::from_fn(|i| {
            let periods = self.table.day(monday + Duration::days(i as i64));
            periods.iter().map(|&(start, end)| (timetable::time(start), timetable::shown_end(end))).collect()
        })
    }

    /// Open periods that end after `at` (the first one cut to start at `at` at the earliest), in
    /// order, up to the look-ahead horizon.
    fn periods_from(&self, at: NaiveDateTime) -> impl Iterator<Item = (NaiveDateTime, NaiveDateTime)> + '_ {
        let end = at + Duration::days(HORIZON_DAYS);
        at.date()
            .iter_days()
            .take_while(move |d| d.and_time(NaiveTime::MIN) < end)
            .flat_map(move |d| self.table.day(d).iter().map(move |&(s, e)| (timetable::at(d, s), timetable::at(d, e))))
            .filter(move |&(s, e)| e > at && s < end)
            .map(move |(s, e)| (s.max(at), e.min(end)))
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
    fn french_public_holidays_are_computed() {
        let days = french_public_holidays(2026);
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        // Easter 2026 is 5 April: Easter Monday 6 April, Ascension 14 May, Whit Monday 25 May.
        let expected = [d(1, 1), d(4, 6), d(5, 1), d(5, 8), d(5, 14), d(5, 25), d(7, 14), d(8, 15), d(11, 1), d(11, 11), d(12, 25)];
        assert_eq!(days, expected);
        // Easter 2027 is 28 March: Easter Monday is 29 March.
        assert!(french_public_holidays(2027).contains(&NaiveDate::from_ymd_opt(2027, 3, 29).unwrap()));
        let s = Schedule::parse("Mo-Fr 09:00-12:00; PH off").unwrap();
        assert!(!s.is_open(at(2026, 5, 14, 10, 0)), "Ascension");
        assert!(s.is_open(at(2026, 5, 13, 10, 0)));
    }

    /// Cross-check with the crate's own world database for every year both cover.
    #[test]
    fn computed_holidays_match_the_opening_hours_database() {
        let db = opening_hours::localization::Country::FR.holidays();
        let db_days: Vec<NaiveDate> = db.get_public().iter().filter(|d| HOLIDAY_YEARS.contains(&d.year())).collect();
        assert!(db_days.len() > 100, "database covers {} days", db_days.len());
        let years: std::collections::BTreeSet<i32> = db_days.iter().map(|d| d.year()).collect();
        let ours: Vec<NaiveDate> = years.iter().flat_map(|&y| french_public_holidays(y)).collect();
        assert_eq!(ours, db_days);
    }

    #[test]
    fn status_in_words_needs_until_and_next() {
        let s = Schedule::parse("Mo-Fr 09:00-12:00,13:30-17:00").unwrap();
        // Friday 27 November 2026.
        assert_eq!(s.status(at(2026, 11, 27, 10, 0)), Status::OpenUntil(at(2026, 11, 27, 12, 0)));
        assert_eq!(s.status(at(2026, 11, 27, 12, 30)), Status::Opens(at(2026, 11, 27, 13, 30)));
        assert_eq!(s.status(at(2026, 11, 27, 18, 0)), Status::Opens(at(2026, 11, 30, 9, 0)));
        let overnight = Schedule::parse("Mo 20:00-24:00; Tu 00:00-02:00").unwrap();
        assert_eq!(overnight.status(at(2026, 11, 30, 21, 0)), Status::OpenUntil(at(2026, 12, 1, 2, 0)));
        let never = Schedule::parse("2020 Jan 01 10:00-11:00").unwrap();
        assert_eq!(never.status(at(2026, 11, 27, 10, 0)), Status::Closed);
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
