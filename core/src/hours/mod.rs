//! Opening hours. Places publish them in OSM syntax, which the `opening-hours` crate parses
//! where a registry is imported (the seed builder, the server), with France's public holidays so
//! that `PH off` holds. The import then compiles them into a [`Timetable`] — each weekday's
//! open periods, whether public holidays close, and the dates that differ — and every question
//! (open now? until when? the week's table) is answered from that, everywhere. A phone reads the
//! timetable from its stored registry and never parses OSM text: the parser was a sixth of the
//! app's code, and the first-use parse a long task on a slow phone.
//!
//! A timetable covers the years it was compiled for (a [`Window`]; see `timetable.rs` for why
//! weekly rules answer for any year and irregular ones only within it). A question it cannot
//! answer exactly gets an honest answer: [`Status::ToConfirm`] ("call before coming"), no week
//! table, and no place counted as open.
//!
//! Times are local (Europe/Paris) wall-clock times given by the caller: the core reads no clock.
//! Every-other-week rotations are written in OSM syntax (`week 1-53/2 Tu 09:00-12:00`).
//!
//! ```
//! use chrono::NaiveDate;
//! use repere_core::hours::{Schedule, Window};
//!
//! let years = Window::new(2026, 2028).unwrap();
//! let s = Schedule::parse("Mo-Fr 09:00-12:00; PH off", years).unwrap();
//! let monday_10h = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap().and_hms_opt(10, 0, 0).unwrap();
//! assert!(s.is_open(monday_10h));
//! let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap().and_hms_opt(10, 0, 0).unwrap();
//! assert!(!s.is_open(christmas)); // a public holiday
//! ```

mod timetable;
mod window;

use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime};
use compact_calendar::CompactCalendar;
use opening_hours::{Context, ContextHolidays, OpeningHours};

pub use timetable::Timetable;
pub use window::Window;

/// How far ahead "next opening" looks: beyond a few weeks a place is as good as closed.
const HORIZON_DAYS: i64 = 62;

/// Years for which the parser knows public holidays (compiling reads only its [`Window`]).
const HOLIDAY_YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// France's eleven national public holidays, computed (fixed dates, and Easter Monday,
/// Ascension and Whit Monday from the date of Easter). The `opening-hours` crate can decode
/// them from its world database, but that database is large, and a timetable needs them for any
/// year without it.
pub fn french_public_holidays(year: i32) -> Vec<NaiveDate> {
    let fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)];
    let mut days: Vec<NaiveDate> = fixed.iter().filter_map(|&(m, d)| NaiveDate::from_ymd_opt(year, m, d)).collect();
    if let Ok(easter) = computus::gregorian_naive(year) {
        // Each inserted in its place rather than the list sorted: the sort's code would weigh
        // on every resident's phone for eleven dates. Ascension can fall on 1 or 8 May.
        for day in [1, 39, 50].map(|offset| easter + Duration::days(offset)) {
            if let Err(at) = days.binary_search(&day) {
                days.insert(at, day);
            }
        }
    }
    days
}

/// [`french_public_holidays`] asked for one day, without building the list: no date
/// arithmetic nor sort, which phones' bundles then need not hold (it runs for every day a
/// timetable is read).
fn is_french_public_holiday(day: NaiveDate) -> bool {
    const FIXED: [(u32, u32); 8] = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)];
    FIXED.contains(&(day.month(), day.day()))
        || computus::gregorian_naive(day.year())
            .is_ok_and(|easter| [1, 39, 50].contains(&(day.num_days_from_ce() - easter.num_days_from_ce())))
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
    /// The answer lies in days the timetable cannot answer for (outside its years, with
    /// irregular rules): the resident must call before coming.
    ToConfirm,
}

/// A place's opening hours: the text as published, and its [`Timetable`]. Two schedules are
/// the same if both are: the same text compiled for other years is another schedule, which a
/// registry publishes anew.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    raw: String,
    table: Timetable,
}

impl Schedule {
    /// Parses OSM syntax and compiles it for `years`; the error is the parser's message on one line.
    pub fn parse(raw: &str, years: Window) -> Result<Self, String> {
        let oh = raw.parse::<OpeningHours>().map_err(|e| unreadable(&e.to_string()))?;
        let oh = oh.with_context(Context::default().with_holidays(french_holidays()));
        Ok(Schedule { raw: raw.to_owned(), table: Timetable::compile(&oh, years) })
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

    /// Known to be open at `at` (a place whose hours cannot be answered for is not).
    pub fn is_open(&self, at: NaiveDateTime) -> bool {
        self.next_open_period(at).is_some_and(|(start, _)| start <= at)
    }

    /// The open period that contains `at` (from `at`) or starts after it, within the look-ahead
    /// horizon; `None` if there is none, or if the days before it cannot be answered for.
    pub fn next_open_period(&self, at: NaiveDateTime) -> Option<(NaiveDateTime, NaiveDateTime)> {
        self.periods_from(at).next().flatten()
    }

    /// Open now until when, or when it next opens. Back-to-back periods (e.g. "Mo 09:00-24:00;
    /// Tu 00:00-12:00") count as one. [`Status::ToConfirm`] when the answer would need a day the
    /// timetable cannot answer for.
    pub fn status(&self, at: NaiveDateTime) -> Status {
        let mut periods = self.periods_from(at);
        let (start, mut end) = match periods.next() {
            None => return Status::Closed,
            Some(None) => return Status::ToConfirm,
            Some(Some(period)) => period,
        };
        if start > at {
            return Status::Opens(start);
        }
        // Open until a gap, or until the first day without an answer (open at least until then).
        for (next_start, next_end) in periods.map_while(|p| p) {
            if next_start != end {
                break;
            }
            end = next_end;
        }
        Status::OpenUntil(end)
    }

    /// True if the place is known to be open at some moment between `at` and `at + days`.
    pub fn opens_within(&self, at: NaiveDateTime, days: u32) -> bool {
        self.next_open_period(at).is_some_and(|(start, _)| start < at + Duration::days(days.into()))
    }

    /// The open periods of each day of the week that contains `day`, Monday first, for display;
    /// `None` if some day of it cannot be answered for (a table half known would mislead).
    /// A period that runs past midnight is cut at midnight (shown ending at 23:59:59).
    pub fn week(&self, day: NaiveDate) -> Option<[Vec<(NaiveTime, NaiveTime)>; 7]> {
        let monday = day - Duration::days(day.weekday().num_days_from_monday().into());
        let days: Option<Vec<_>> = (0..7)
            .map(|i| {
                let periods = self.table.day(monday + Duration::days(i))?;
                Some(periods.iter().map(|&(start, end)| (timetable::time(start), timetable::shown_end(end))).collect())
            })
            .collect();
        days.map(|days| days.try_into().expect("7 days"))
    }

    /// The open periods that end after `at` and start within `days` days of it, in order, whole:
    /// a visit under way keeps its start (a stop's visits, the "next 30 days" list, a calendar
    /// event: the bus comes at 9 h, not at the minute the page was drawn). The first day the
    /// timetable cannot answer for ends the list: a visit that may not happen is not announced.
    pub fn periods(&self, at: NaiveDateTime, days: u32) -> Vec<(NaiveDateTime, NaiveDateTime)> {
        let end = at + Duration::days(days.into());
        let mut periods = vec![];
        for day in at.date().iter_days().take_while(|d| d.and_time(NaiveTime::MIN) < end) {
            let Some(open) = self.table.day(day) else { break };
            for &(start, stop) in open {
                let (start, stop) = (timetable::at(day, start), timetable::at(day, stop));
                if stop > at && start < end {
                    periods.push((start, stop));
                }
            }
        }
        periods
    }

    /// Whether some day from `day` to the end of the compiled years has an open period: hours
    /// of dated visits all past have none (a stops file is refused for them).
    pub fn opens_from(&self, day: NaiveDate) -> bool {
        let last = NaiveDate::from_ymd_opt(self.table.years().last(), 12, 31).expect("a compiled year");
        day.iter_days().take_while(|d| *d <= last).any(|d| self.table.day(d).is_some_and(|p| !p.is_empty()))
    }

    /// Open periods that end after `at` (the first one cut to start at `at` at the earliest), in
    /// order, up to the look-ahead horizon; a `None` stands for the first day that cannot be
    /// answered for, and ends the list.
    fn periods_from(&self, at: NaiveDateTime) -> impl Iterator<Item = Option<(NaiveDateTime, NaiveDateTime)>> + '_ {
        let end = at + Duration::days(HORIZON_DAYS);
        let days = at.date().iter_days().take_while(move |d| d.and_time(NaiveTime::MIN) < end);
        days.map(|d| (d, self.table.day(d)))
            .scan(true, |answered, (d, periods)| {
                let go_on = *answered;
                *answered = periods.is_some();
                go_on.then_some((d, periods))
            })
            .flat_map(move |(d, periods)| {
                let unanswered = periods.is_none().then_some(None);
                let open = periods.into_iter().flatten().map(move |&(s, e)| (timetable::at(d, s), timetable::at(d, e)));
                open.filter(move |&(s, e)| e > at && s < end).map(move |(s, e)| Some((s.max(at), e.min(end)))).chain(unanswered)
            })
    }
}

/// The parser's error in words a keeper or a mediator can act on: where the text stops making
/// sense, and an example. The parser's own message (its grammar's rule names, an ASCII arrow
/// under the text) means nothing to them.
fn unreadable(parser: &str) -> String {
    let column = parser.split("-->").nth(1).and_then(|at| at.split_whitespace().next()).and_then(|at| at.split(':').nth(1));
    let at = column.map_or(String::new(), |c| format!("à partir du caractère {c} ; "));
    format!("{at}écrivez-les comme « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 » (Mo lundi … Su dimanche)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_a_holiday_exactly_when_the_years_list_holds_it() {
        for year in HOLIDAY_YEARS {
            let list = french_public_holidays(year);
            let asked: Vec<NaiveDate> = NaiveDate::from_ymd_opt(year, 1, 1)
                .unwrap()
                .iter_days()
                .take_while(|d| d.year() == year)
                .filter(|d| is_french_public_holiday(*d))
                .collect();
            assert_eq!(asked, list, "{year}");
        }
    }

    #[test]
    fn unreadable_hours_say_where_and_give_an_example_not_the_parser_s_grammar() {
        let reason = Schedule::parse("lundi matin", Window::new(2026, 2028).unwrap()).unwrap_err();
        assert_eq!(
            reason,
            "à partir du caractère 1 ; écrivez-les comme « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 » (Mo lundi … Su dimanche)"
        );
        let reason = Schedule::parse("Mo-Fr 09:00-12:00 et le samedi", Window::new(2026, 2028).unwrap()).unwrap_err();
        assert!(reason.starts_with("à partir du caractère 19 ;"), "{reason}");
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    /// Compiled for 2026–2028, as the tests ask about those years (and, on purpose, others).
    fn parse(raw: &str) -> Result<Schedule, String> {
        Schedule::parse(raw, Window::new(2026, 2028).unwrap())
    }

    #[test]
    fn next_opening_skips_closed_days_and_public_holidays() {
        let s = parse("Tu 09:00-12:00; PH off").unwrap();
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
        let s = parse("Mo-Fr 09:00-12:00; PH off").unwrap();
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
        let s = parse("Mo-Fr 09:00-12:00,13:30-17:00").unwrap();
        // Friday 27 November 2026.
        assert_eq!(s.status(at(2026, 11, 27, 10, 0)), Status::OpenUntil(at(2026, 11, 27, 12, 0)));
        assert_eq!(s.status(at(2026, 11, 27, 12, 30)), Status::Opens(at(2026, 11, 27, 13, 30)));
        assert_eq!(s.status(at(2026, 11, 27, 18, 0)), Status::Opens(at(2026, 11, 30, 9, 0)));
        let overnight = parse("Mo 20:00-24:00; Tu 00:00-02:00").unwrap();
        assert_eq!(overnight.status(at(2026, 11, 30, 21, 0)), Status::OpenUntil(at(2026, 12, 1, 2, 0)));
        let never = parse("2020 Jan 01 10:00-11:00").unwrap();
        assert_eq!(never.status(at(2026, 11, 27, 10, 0)), Status::Closed);
    }

    #[test]
    fn every_other_week_rotation() {
        // Odd ISO weeks only. 2026-11-24 is in week 48 (even), 2026-12-01 in week 49 (odd).
        let s = parse("week 1-53/2 Tu 14:00-17:00").unwrap();
        assert!(!s.is_open(at(2026, 11, 24, 15, 0)));
        assert!(s.is_open(at(2026, 12, 1, 15, 0)));
        assert!(s.opens_within(at(2026, 11, 24, 15, 0), 7));
        assert!(!s.opens_within(at(2026, 11, 24, 18, 0), 6));
    }

    #[test]
    fn week_table_for_display() {
        let s = parse("Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00").unwrap();
        let week = s.week(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()).unwrap();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(week[0], vec![(t(9, 0), t(12, 0)), (t(13, 30), t(17, 0))]);
        assert_eq!(week[4], vec![(t(9, 0), t(12, 0))]);
        assert!(week[5].is_empty() && week[6].is_empty());
    }

    #[test]
    fn unparsable_hours_say_why() {
        let err = parse("Lundi 9h-12h").unwrap_err();
        assert!(!err.is_empty() && !err.contains('\n'), "{err}");
    }

    /// Compiled for 2026–2028 and asked about 2029 or 2025: a weekly rule answers as in any year;
    /// irregular rules say to call, show no week and count as closed for the filters.
    #[test]
    fn outside_the_compiled_years_irregular_hours_are_to_confirm() {
        let weekly = parse("Mo-Fr 09:00-12:00,13:30-17:00; PH off").unwrap();
        // Tuesday 2 January 2029, 10:00; Friday 26 December 2025, 18:00 (Monday 29th is ordinary).
        assert_eq!(weekly.status(at(2029, 1, 2, 10, 0)), Status::OpenUntil(at(2029, 1, 2, 12, 0)));
        assert_eq!(weekly.status(at(2025, 12, 26, 18, 0)), Status::Opens(at(2025, 12, 29, 9, 0)));
        assert!(weekly.week(at(2029, 1, 2, 0, 0).date()).is_some_and(|w| w[1].len() == 2));

        let rotation = parse("Mo-Fr 09:00-12:00; week 1-53/2 Tu 14:00-17:00").unwrap();
        for now in [at(2029, 1, 2, 10, 0), at(2025, 12, 26, 18, 0)] {
            assert_eq!(rotation.status(now), Status::ToConfirm, "{now}");
            assert!(rotation.week(now.date()).is_none(), "{now}");
            assert!(!rotation.is_open(now) && !rotation.opens_within(now, 7), "{now}");
        }
        // Within the years, what is known is answered, up to the first day that is not.
        assert_eq!(rotation.status(at(2028, 12, 29, 10, 0)), Status::OpenUntil(at(2028, 12, 29, 12, 0)));
        assert_eq!(rotation.status(at(2028, 12, 29, 18, 0)), Status::ToConfirm, "next opening in 2029");
        assert!(rotation.week(at(2026, 1, 1, 0, 0).date()).is_none(), "the week starts in 2025");
        assert!(rotation.week(at(2026, 1, 5, 0, 0).date()).is_some());
        let all_night = parse("Mo-Su 00:00-24:00; Aug off").unwrap();
        assert_eq!(all_night.status(at(2028, 12, 31, 10, 0)), Status::OpenUntil(at(2029, 1, 1, 0, 0)), "open at least until then");
        // A place never open again is closed within the years, unknown beyond them.
        let never = parse("2020 Jan 01 10:00-11:00").unwrap();
        assert_eq!(never.status(at(2028, 6, 1, 10, 0)), Status::Closed);
        assert_eq!(never.status(at(2028, 12, 1, 10, 0)), Status::ToConfirm);
    }
}
