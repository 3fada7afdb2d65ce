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

use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use compact_calendar::CompactCalendar;
use opening_hours::{Context, ContextHolidays, OpeningHours, RuleKind};

/// How far ahead "next opening" looks: beyond a few weeks a place is as good as closed.
const HORIZON_DAYS: i64 = 62;

/// Years for which public holidays are known; outside them `PH` never matches.
const HOLIDAY_YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// France's eleven national public holidays, computed (fixed dates, and Easter Monday,
/// Ascension and Whit Monday from the date of Easter). The `opening-hours` crate can decode
/// them from its world database, but that database adds ~30 KiB to the app and its decoding
/// was the longest task of an app start on a slow phone.
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

fn parse(raw: &str) -> Result<OpeningHours, String> {
    let oh = raw.parse::<OpeningHours>().map_err(|e| e.to_string().replace('\n', " "))?;
    Ok(oh.with_context(Context::default().with_holidays(french_holidays())))
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

/// An opening-hours expression, evaluated with France's public holidays.
///
/// Parsed either at once ([`Schedule::parse`], which reports errors: imports use it) or on first
/// use ([`Schedule::checked`], for text already validated): a phone opening its stored registry
/// looks at a handful of places' hours, and parsing all of them (and compiling the parser) was the
/// longest task of an app start.
#[derive(Clone, Debug)]
pub struct Schedule {
    raw: String,
    oh: OnceLock<Option<OpeningHours>>,
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
        let oh = parse(raw)?;
        Ok(Schedule { raw: raw.to_owned(), oh: OnceLock::from(Some(oh)) })
    }

    /// Text that was parsed successfully before (a registry this device or the server already
    /// imported), parsed on first use. Should it fail after all, the place counts as never open.
    pub fn checked(raw: &str) -> Self {
        Schedule { raw: raw.to_owned(), oh: OnceLock::new() }
    }

    fn oh(&self) -> Option<&OpeningHours> {
        self.oh.get_or_init(|| parse(&self.raw).ok()).as_ref()
    }

    /// The text as published.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn is_open(&self, at: NaiveDateTime) -> bool {
        self.oh().is_some_and(|oh| oh.is_open(at))
    }

    /// The open period that contains `at` or starts after it, within the look-ahead horizon.
    pub fn next_open_period(&self, at: NaiveDateTime) -> Option<(NaiveDateTime, NaiveDateTime)> {
        self.oh()?.iter_range(at, at + Duration::days(HORIZON_DAYS)).find(|r| r.kind == RuleKind::Open).map(|r| (r.range.start, r.range.end))
    }

    /// Open now until when, or when it next opens. Back-to-back periods (e.g. "Mo 09:00-24:00;
    /// Tu 00:00-12:00") count as one.
    pub fn status(&self, at: NaiveDateTime) -> Status {
        let Some(oh) = self.oh() else { return Status::Closed };
        let mut periods = oh.iter_range(at, at + Duration::days(HORIZON_DAYS)).filter(|r| r.kind == RuleKind::Open);
        let Some(first) = periods.next() else {
            return Status::Closed;
        };
        if first.range.start > at {
            return Status::Opens(first.range.start);
        }
        let mut end = first.range.end;
        for next in periods {
            if next.range.start != end {
                break;
            }
            end = next.range.end;
        }
        Status::OpenUntil(end)
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
            let Some(oh) = self.oh() else { return Vec::new() };
            oh.iter_range(start, end)
                .filter(|r| r.kind == RuleKind::Open)
                .map(|r| {
                    (
                        r.range.start.time(),
                        if r.range.end >= end { NaiveTime::from_hms_opt(23, 59, 59).unwrap() } else { r.range.end.time() },
                    )
                })
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
    fn checked_text_is_parsed_on_first_use_and_behaves_the_same() {
        let raw = "Mo-Fr 09:00-12:00; PH off";
        let (now, later) = (Schedule::parse(raw).unwrap(), Schedule::checked(raw));
        assert_eq!(now, later);
        for t in [at(2026, 11, 27, 10, 0), at(2026, 11, 27, 13, 0), at(2026, 12, 25, 10, 0)] {
            assert_eq!(now.is_open(t), later.is_open(t));
            assert_eq!(now.status(t), later.status(t));
        }
        // Text that was not in fact valid: never open, never a panic.
        let broken = Schedule::checked("Lundi 9h-12h");
        assert!(!broken.is_open(at(2026, 11, 30, 10, 0)));
        assert_eq!(broken.status(at(2026, 11, 30, 10, 0)), Status::Closed);
        assert!(broken.week(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()).iter().all(Vec::is_empty));
    }

    #[test]
    fn unparsable_hours_say_why() {
        let err = Schedule::parse("Lundi 9h-12h").unwrap_err();
        assert!(!err.is_empty() && !err.contains('\n'), "{err}");
    }
}
