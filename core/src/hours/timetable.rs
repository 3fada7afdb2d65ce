//! A compiled week of opening hours: what the phone reads instead of OSM text.
//!
//! Compiling asks the `opening-hours` crate for every day of [`TIMETABLE_YEARS`], then keeps the
//! usual open periods of each weekday, whether public holidays close (France's, computed for any
//! year), and every date that differs from those two rules. Within those years the timetable
//! answers exactly as the crate does (a test checks it day by day); after them it follows the
//! weekly rule and the holidays, so only irregular rules (a week rotation, a summer closure)
//! fade — the registry is republished long before.
//!
//! Stored in the device format of the registry as
//! `{"semaine": [[540, 720, 840, 1020], [], …], "feries_fermes": true, "exceptions": {"2026-12-24": [540, 720]}}`:
//! minutes from midnight, start and end of each period in turn (1440 is midnight at the end of
//! the day), Monday first.

use std::collections::{BTreeMap, HashMap};
use std::ops::RangeInclusive;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use opening_hours::{OpeningHours, RuleKind};
use serde_json::{Map, Value, json};

use super::{french_public_holidays, is_french_public_holiday};
use crate::registry::io::iso_date;

/// The years whose every day is checked when compiling (exceptions are listed within them).
pub const TIMETABLE_YEARS: RangeInclusive<i32> = 2026..=2028;

/// Minutes in a day: the end of a period open until midnight.
pub(super) const DAY: u16 = 24 * 60;

/// An open period of a day, in minutes from midnight: `start < end <= DAY`.
pub type Period = (u16, u16);

/// See the module's documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timetable {
    week: [Vec<Period>; 7],
    holidays_closed: bool,
    exceptions: BTreeMap<NaiveDate, Vec<Period>>,
}

impl Timetable {
    /// The open periods of `day`, in order.
    pub fn day(&self, day: NaiveDate) -> &[Period] {
        if let Some(periods) = self.exceptions.get(&day) {
            return periods;
        }
        if self.holidays_closed && is_french_public_holiday(day) {
            return &[];
        }
        &self.week[day.weekday().num_days_from_monday() as usize]
    }

    /// What `oh` opens, day by day over [`TIMETABLE_YEARS`], as a weekly rule plus exceptions.
    pub(super) fn compile(oh: &OpeningHours) -> Timetable {
        let first = NaiveDate::from_ymd_opt(*TIMETABLE_YEARS.start(), 1, 1).expect("a date");
        let end = NaiveDate::from_ymd_opt(*TIMETABLE_YEARS.end() + 1, 1, 1).expect("a date");
        let actual = open_days(oh, first, end);
        let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d < end).collect();
        let holidays: Vec<NaiveDate> = TIMETABLE_YEARS.flat_map(french_public_holidays).collect();

        // Each weekday's most frequent periods on ordinary days (ties: the earliest seen).
        let empty = Vec::new();
        let mut seen: [Vec<(&Vec<Period>, usize)>; 7] = Default::default();
        for day in days.iter().filter(|d| !holidays.contains(d)) {
            let periods = actual.get(day).unwrap_or(&empty);
            let counts = &mut seen[day.weekday().num_days_from_monday() as usize];
            match counts.iter_mut().find(|(p, _)| *p == periods) {
                Some((_, n)) => *n += 1,
                None => counts.push((periods, 1)),
            }
        }
        let week = seen.map(|counts| {
            let best = counts.iter().rev().max_by_key(|(_, n)| *n).map(|(p, _)| (*p).clone());
            best.unwrap_or_default()
        });

        // Holidays closed or as usual, whichever leaves fewer exceptions.
        let table = |holidays_closed| {
            let mut t = Timetable { week: week.clone(), holidays_closed, exceptions: BTreeMap::new() };
            let exceptions: BTreeMap<NaiveDate, Vec<Period>> = days
                .iter()
                .map(|d| (*d, actual.get(d).unwrap_or(&empty)))
                .filter(|(d, periods)| t.day(*d) != periods.as_slice())
                .map(|(d, periods)| (d, periods.clone()))
                .collect();
            t.exceptions = exceptions;
            t
        };
        let (closed, usual) = (table(true), table(false));
        if usual.exceptions.len() < closed.exceptions.len() { usual } else { closed }
    }

    pub fn to_json(&self) -> Value {
        let flat = |periods: &[Period]| periods.iter().flat_map(|&(s, e)| [s, e]).collect::<Vec<_>>();
        let exceptions: Map<String, Value> = self.exceptions.iter().map(|(d, p)| (d.to_string(), json!(flat(p)))).collect();
        json!({
            "semaine": self.week.iter().map(|p| flat(p)).collect::<Vec<_>>(),
            "feries_fermes": self.holidays_closed,
            "exceptions": exceptions,
        })
    }

    /// Reads [`Timetable::to_json`]'s form; the error says which part is wrong.
    pub fn from_json(value: &Value) -> Result<Timetable, String> {
        let week = match value.get("semaine").and_then(Value::as_array) {
            Some(days) if days.len() == 7 => days.iter().map(periods).collect::<Result<Vec<_>, _>>()?,
            _ => return Err("« semaine » : 7 listes attendues".into()),
        };
        let holidays_closed = value.get("feries_fermes").and_then(Value::as_bool).ok_or("« feries_fermes » : true ou false attendu")?;
        let Some(Value::Object(exceptions)) = value.get("exceptions") else {
            return Err("« exceptions » : un objet attendu".into());
        };
        let exceptions = exceptions
            .iter()
            .map(|(date, p)| {
                let day = iso_date(date).ok_or_else(|| format!("exception « {date} » : date AAAA-MM-JJ attendue"))?;
                Ok((day, periods(p)?))
            })
            .collect::<Result<_, String>>()?;
        Ok(Timetable { week: week.try_into().expect("7 days"), holidays_closed, exceptions })
    }
}

/// `[s1, e1, s2, e2, …]`: ordered, non-overlapping periods within a day.
fn periods(value: &Value) -> Result<Vec<Period>, String> {
    let bad = || format!("périodes illisibles : {value}");
    let minutes = value.as_array().ok_or_else(bad)?;
    let minutes: Vec<u16> =
        minutes.iter().map(|m| m.as_u64().filter(|m| *m <= DAY.into()).map(|m| m as u16)).collect::<Option<_>>().ok_or_else(bad)?;
    if !minutes.len().is_multiple_of(2) || minutes.windows(2).enumerate().any(|(i, w)| if i % 2 == 0 { w[0] >= w[1] } else { w[0] > w[1] })
    {
        return Err(bad());
    }
    Ok(minutes.chunks(2).map(|c| (c[0], c[1])).collect())
}

/// The open periods of every day in `[first, end)` with any, cut at midnight.
fn open_days(oh: &OpeningHours, first: NaiveDate, end: NaiveDate) -> HashMap<NaiveDate, Vec<Period>> {
    let mut days: HashMap<NaiveDate, Vec<Period>> = HashMap::new();
    let ranges = oh.iter_range(first.and_time(NaiveTime::MIN), end.and_time(NaiveTime::MIN)).filter(|r| r.kind == RuleKind::Open);
    for range in ranges {
        let mut start = range.range.start;
        while start < range.range.end {
            let midnight = (start.date() + Duration::days(1)).and_time(NaiveTime::MIN);
            let stop = range.range.end.min(midnight);
            let period = (minutes(start.time()), if stop == midnight { DAY } else { minutes(stop.time()) });
            let periods = days.entry(start.date()).or_default();
            match periods.last_mut() {
                Some(last) if last.1 == period.0 => last.1 = period.1,
                _ => periods.push(period),
            }
            start = stop;
        }
    }
    days
}

fn minutes(t: NaiveTime) -> u16 {
    (t.hour() * 60 + t.minute()) as u16
}

/// `day` at `minutes` from its midnight (1440: the next midnight).
pub(super) fn at(day: NaiveDate, minutes: u16) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) + Duration::minutes(minutes.into())
}

pub(super) fn time(minutes: u16) -> NaiveTime {
    NaiveTime::from_hms_opt(u32::from(minutes) / 60, u32::from(minutes) % 60, 0).expect("minutes within a day")
}

/// A period's end for a table: midnight at the end of the day shows as 23:59:59.
pub(super) fn shown_end(minutes: u16) -> NaiveTime {
    if minutes >= DAY { NaiveTime::from_hms_opt(23, 59, 59).expect("a time") } else { time(minutes) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::Schedule;

    /// Within the compiled years, every day is what the parser says, for rules of every kind.
    #[test]
    fn matches_the_parser_day_by_day() {
        let first = NaiveDate::from_ymd_opt(*TIMETABLE_YEARS.start(), 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(*TIMETABLE_YEARS.end() + 1, 1, 1).unwrap();
        for raw in [
            "Mo-Fr 09:00-12:00,13:30-17:00; PH off",
            "Tu 09:00-12:00",
            "week 1-53/2 Tu 14:00-17:00",
            "Mo 20:00-24:00; Tu 00:00-02:00",
            "Fr 22:00-02:00",
            "24/7",
            "Mo-Sa 09:00-18:00; Aug off; Dec 24 09:00-12:00; PH off",
            "2020 Jan 01 10:00-11:00",
            "Mo-Fr 09:00-12:00; PH 10:00-11:00",
        ] {
            let schedule = Schedule::parse(raw).unwrap();
            let oh = raw
                .parse::<OpeningHours>()
                .unwrap()
                .with_context(opening_hours::Context::default().with_holidays(super::super::french_holidays()));
            let expected = open_days(&oh, first, end);
            for day in first.iter_days().take_while(|d| *d < end) {
                let want = expected.get(&day).map(Vec::as_slice).unwrap_or(&[]);
                assert_eq!(schedule.timetable().day(day), want, "{raw} on {day}");
            }
        }
    }

    #[test]
    fn a_weekly_rule_is_seven_days_and_a_holiday_flag() {
        let t = Schedule::parse("Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00; PH off").unwrap().timetable().clone();
        assert!(t.exceptions.is_empty() && t.holidays_closed);
        assert_eq!(t.week[0], vec![(540, 720), (810, 1020)]);
        assert!(t.week[5].is_empty());
        // After the compiled years the weekly rule and the holidays still hold.
        let christmas_2031 = NaiveDate::from_ymd_opt(2031, 12, 25).unwrap(); // a Thursday
        assert!(t.day(christmas_2031).is_empty());
        assert_eq!(t.day(christmas_2031 + Duration::days(14)), t.week[3].as_slice()); // 8 January 2032
        let rotation = Schedule::parse("week 1-53/2 Tu 14:00-17:00").unwrap();
        assert!(!rotation.timetable().exceptions.is_empty(), "odd weeks differ from the usual Tuesday");
    }

    #[test]
    fn json_round_trip_and_errors() {
        for raw in ["Mo-Fr 09:00-12:00; PH off", "week 1-53/2 Tu 14:00-17:00", "Fr 22:00-02:00", "Mo-Sa 09:00-18:00; PH 10:00-11:00"] {
            let t = Schedule::parse(raw).unwrap().timetable().clone();
            assert_eq!(Timetable::from_json(&t.to_json()).unwrap(), t, "{raw}");
        }
        let good = Schedule::parse("Mo 09:00-12:00").unwrap().timetable().to_json();
        let with = |key: &str, v: Value| {
            let mut bad = good.clone();
            bad[key] = v;
            Timetable::from_json(&bad).unwrap_err()
        };
        assert_eq!(with("semaine", json!([[540, 720]])), "« semaine » : 7 listes attendues");
        assert!(with("semaine", json!([[720, 540], [], [], [], [], [], []])).starts_with("périodes illisibles"));
        assert!(with("semaine", json!([[540, 720, 700, 800], [], [], [], [], [], []])).starts_with("périodes illisibles"));
        assert!(with("semaine", json!([[540, 1441], [], [], [], [], [], []])).starts_with("périodes illisibles"));
        assert!(with("semaine", json!([[540], [], [], [], [], [], []])).starts_with("périodes illisibles"));
        assert_eq!(with("feries_fermes", json!("oui")), "« feries_fermes » : true ou false attendu");
        assert_eq!(with("exceptions", json!({"24/12/2026": []})), "exception « 24/12/2026 » : date AAAA-MM-JJ attendue");
        assert_eq!(with("exceptions", json!([])), "« exceptions » : un objet attendu");
    }
}
