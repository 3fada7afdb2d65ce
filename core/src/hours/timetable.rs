//! A compiled week of opening hours: what the phone reads instead of OSM text.
//!
//! Compiling asks the `opening-hours` crate for every day of a [`Window`] of years, then keeps
//! the usual open periods of each weekday, whether public holidays close (France's, computed for
//! any year), and every date that differs from those two rules. Within those years the timetable
//! answers exactly as the crate does (a test checks it day by day).
//!
//! Outside them it answers only when the answer cannot be wrong: when the rules are *weekly*
//! (no date within the years differed from the weekly rule and the holidays, and the rules name
//! no year, as "2029 Aug off" or "2026-2030 Mo-Fr" would), the weekly rule and the holidays hold
//! for every year, so a day of 2031 is answered as exactly as a day of 2027. Otherwise (a week
//! rotation, a summer closure, Christmas Eve mornings…) a day outside the years has no answer
//! ([`Timetable::day`] gives `None`) and the resident is told to call before coming: repeating
//! the weekly rule there would say "open" on a day the rules close, which is worse than no answer.
//!
//! Stored in the device format of the registry as
//! `{"annees": [2026, 2028], "hebdomadaire": false, "semaine": [[540, 720, 840, 1020], [], …],
//! "feries_fermes": true, "exceptions": {"2026-12-24": [540, 720]}}`: the years compiled, whether
//! the rules are weekly, then minutes from midnight, start and end of each period in turn (1440 is
//! midnight at the end of the day), Monday first.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use opening_hours::OpeningHours;
use opening_hours::RuleKind;
use opening_hours_syntax::rules::day::MonthdayRange;
use serde_json::{Map, Value, json};

use super::window::Window;
use super::{french_public_holidays, is_french_public_holiday};
use crate::date::iso_date;

/// Minutes in a day: the end of a period open until midnight.
pub(super) const DAY: u16 = 24 * 60;

/// An open period of a day, in minutes from midnight: `start < end <= DAY`.
pub type Period = (u16, u16);

/// See the module's documentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timetable {
    years: Window,
    /// The weekly rule and the holidays hold for every year (see the module's documentation).
    weekly: bool,
    week: [Vec<Period>; 7],
    holidays_closed: bool,
    exceptions: BTreeMap<NaiveDate, Vec<Period>>,
}

impl Timetable {
    /// The open periods of `day`, in order; `None` when `day` is outside the compiled years and
    /// the rules are not weekly, so that no answer can be trusted.
    pub fn day(&self, day: NaiveDate) -> Option<&[Period]> {
        if !self.weekly && !self.years.contains(day) {
            return None;
        }
        if let Some(periods) = self.exceptions.get(&day) {
            return Some(periods);
        }
        if self.holidays_closed && is_french_public_holiday(day) {
            return Some(&[]);
        }
        Some(&self.week[day.weekday().num_days_from_monday() as usize])
    }

    /// The years compiled for.
    pub fn years(&self) -> Window {
        self.years
    }

    /// Whether the answer for every year is the weekly rule and the holidays.
    pub fn is_weekly(&self) -> bool {
        self.weekly
    }

    /// What `oh` opens, day by day over `years`, as a weekly rule plus exceptions.
    pub(super) fn compile(oh: &OpeningHours, years: Window) -> Timetable {
        let (first, end) = (years.start(), years.end());
        let actual = open_days(oh, first, end);
        let days: Vec<NaiveDate> = first.iter_days().take_while(|d| *d < end).collect();
        let holidays: Vec<NaiveDate> = years.years().flat_map(french_public_holidays).collect();

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
            let mut t = Timetable { years, weekly: false, week: week.clone(), holidays_closed, exceptions: BTreeMap::new() };
            let exceptions: BTreeMap<NaiveDate, Vec<Period>> = days
                .iter()
                .map(|d| (*d, actual.get(d).unwrap_or(&empty)))
                .filter(|(d, periods)| t.day(*d) != Some(periods.as_slice()))
                .map(|(d, periods)| (d, periods.clone()))
                .collect();
            t.exceptions = exceptions;
            t
        };
        let (closed, usual) = (table(true), table(false));
        let mut table = if usual.exceptions.len() < closed.exceptions.len() { usual } else { closed };
        table.weekly = table.exceptions.is_empty() && !names_a_year(oh);
        table
    }

    pub fn to_json(&self) -> Value {
        let flat = |periods: &[Period]| periods.iter().flat_map(|&(s, e)| [s, e]).collect::<Vec<_>>();
        let exceptions: Map<String, Value> = self.exceptions.iter().map(|(d, p)| (d.to_string(), json!(flat(p)))).collect();
        json!({
            "annees": [self.years.first(), self.years.last()],
            "hebdomadaire": self.weekly,
            "semaine": self.week.iter().map(|p| flat(p)).collect::<Vec<_>>(),
            "feries_fermes": self.holidays_closed,
            "exceptions": exceptions,
        })
    }

    /// Reads [`Timetable::to_json`]'s form; the error says which part is wrong.
    pub fn from_json(value: &Value) -> Result<Timetable, String> {
        let year = |v: &Value| v.as_i64().and_then(|y| i32::try_from(y).ok());
        let (first, last) = match value.get("annees").and_then(Value::as_array).map(Vec::as_slice) {
            Some([first, last]) => year(first).zip(year(last)),
            _ => None,
        }
        .ok_or("« annees » : [première, dernière] attendu")?;
        let years = Window::new(first, last).map_err(|e| format!("« annees » : {e}"))?;
        let weekly = value.get("hebdomadaire").and_then(Value::as_bool).ok_or("« hebdomadaire » : true ou false attendu")?;
        let week = match value.get("semaine").and_then(Value::as_array) {
            Some(days) if days.len() == 7 => days.iter().map(periods).collect::<Result<Vec<_>, _>>()?,
            _ => return Err("« semaine » : 7 listes attendues".into()),
        };
        let holidays_closed = value.get("feries_fermes").and_then(Value::as_bool).ok_or("« feries_fermes » : true ou false attendu")?;
        let Some(Value::Object(exceptions)) = value.get("exceptions") else {
            return Err("« exceptions » : un objet attendu".into());
        };
        // Inserted one by one: collecting into a map sorts its input first, with code of its own.
        let mut read = BTreeMap::new();
        for (date, p) in exceptions {
            let day = iso_date(date).ok_or_else(|| format!("exception « {date} » : date AAAA-MM-JJ attendue"))?;
            if !years.contains(day) {
                return Err(format!("exception « {date} » : hors des années {years}"));
            }
            read.insert(day, periods(p)?);
        }
        let exceptions = read;
        if weekly && !exceptions.is_empty() {
            return Err("« hebdomadaire » : des exceptions sont listées".into());
        }
        Ok(Timetable { years, weekly, week: week.try_into().expect("7 days"), holidays_closed, exceptions })
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

/// Whether the rules name a year ("2029 Aug off", "2026-2030 Mo-Fr 09:00-12:00", "2027 Dec 24
/// off"): then the compiled years say nothing of the others, even when nothing differed in them.
fn names_a_year(oh: &OpeningHours) -> bool {
    oh.get_expression().rules.iter().any(|rule| {
        let days = &rule.day_selector;
        !days.year.is_empty()
            || days.monthday.iter().any(|range| match range {
                MonthdayRange::Month { year, .. } => year.is_some(),
                MonthdayRange::Date { start, end } => start.0.year().is_some() || end.0.year().is_some(),
            })
    })
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

    const YEARS: (i32, i32) = (2026, 2028);

    fn years() -> Window {
        Window::new(YEARS.0, YEARS.1).unwrap()
    }

    fn compiled(raw: &str) -> Timetable {
        Schedule::parse(raw, years()).unwrap().timetable().clone()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Within the compiled years, every day is what the parser says, for rules of every kind.
    #[test]
    fn matches_the_parser_day_by_day() {
        let (first, end) = (years().start(), years().end());
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
            "Mo-Fr 09:00-12:00; 2029 Aug off",
        ] {
            let schedule = Schedule::parse(raw, years()).unwrap();
            let oh = raw
                .parse::<OpeningHours>()
                .unwrap()
                .with_context(opening_hours::Context::default().with_holidays(super::super::french_holidays()));
            let expected = open_days(&oh, first, end);
            for day in first.iter_days().take_while(|d| *d < end) {
                let want = expected.get(&day).map(Vec::as_slice).unwrap_or(&[]);
                assert_eq!(schedule.timetable().day(day), Some(want), "{raw} on {day}");
            }
        }
    }

    #[test]
    fn a_weekly_rule_is_seven_days_and_a_holiday_flag() {
        let t = compiled("Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00; PH off");
        assert!(t.exceptions.is_empty() && t.holidays_closed && t.is_weekly());
        assert_eq!(t.week[0], vec![(540, 720), (810, 1020)]);
        assert!(t.week[5].is_empty());
        let rotation = compiled("week 1-53/2 Tu 14:00-17:00");
        assert!(!rotation.exceptions.is_empty(), "odd weeks differ from the usual Tuesday");
        assert!(!rotation.is_weekly());
    }

    /// Compiled for 2026–2028, asked about 2029 and 2025: a weekly rule (and the holidays,
    /// computed for any year) still answers exactly; irregular rules do not answer at all.
    #[test]
    fn outside_the_compiled_years_only_weekly_rules_answer() {
        let weekly = compiled("Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00; PH off");
        let christmas_2029 = day(2029, 12, 25); // a Tuesday
        assert_eq!(weekly.day(christmas_2029), Some(&[][..]));
        assert_eq!(weekly.day(christmas_2029 + Duration::days(7)), Some(&[][..]), "1 January 2030");
        assert_eq!(weekly.day(christmas_2029 + Duration::days(14)), Some(weekly.week[1].as_slice()));
        assert_eq!(weekly.day(day(2025, 12, 25)), Some(&[][..]));
        assert_eq!(weekly.day(day(2025, 12, 23)), Some(weekly.week[1].as_slice()));
        // Each checked against the parser itself, years after.
        let oh = "Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00; PH off"
            .parse::<OpeningHours>()
            .unwrap()
            .with_context(opening_hours::Context::default().with_holidays(super::super::french_holidays()));
        let later = open_days(&oh, day(2029, 1, 1), day(2032, 1, 1));
        for d in day(2029, 1, 1).iter_days().take_while(|d| d.year() < 2032) {
            assert_eq!(weekly.day(d), Some(later.get(&d).map(Vec::as_slice).unwrap_or(&[])), "{d}");
        }

        for raw in ["week 1-53/2 Tu 14:00-17:00", "Mo-Sa 09:00-18:00; Aug off; PH off", "Mo-Fr 09:00-12:00; 2029 Aug off"] {
            let t = compiled(raw);
            assert!(!t.is_weekly(), "{raw}");
            assert_eq!(t.day(day(2029, 1, 2)), None, "{raw} in 2029");
            assert_eq!(t.day(day(2025, 12, 30)), None, "{raw} in 2025");
            assert!(t.day(day(2028, 12, 31)).is_some() && t.day(day(2026, 1, 1)).is_some(), "{raw} within the years");
        }
    }

    #[test]
    fn rules_that_name_a_year_are_not_weekly() {
        let oh = |raw: &str| raw.parse::<OpeningHours>().unwrap();
        for raw in [
            "2029 Aug off; Mo-Fr 09:00-12:00",
            "2026-2030 Mo-Fr 09:00-12:00",
            "Mo-Fr 09:00-12:00; 2031 Dec 24 off",
            "2020 Jan 01 10:00-11:00",
        ] {
            assert!(names_a_year(&oh(raw)), "{raw}");
        }
        for raw in ["Mo-Fr 09:00-12:00; PH off", "Dec 24 off", "week 1-53/2 Tu 14:00-17:00", "24/7"] {
            assert!(!names_a_year(&oh(raw)), "{raw}");
        }
        // Nothing differs within 2026–2028, yet 2029 is closed in August: no answer for 2029.
        let t = compiled("Mo-Fr 09:00-12:00; 2029 Aug off");
        assert!(t.exceptions.is_empty() && !t.is_weekly());
    }

    #[test]
    fn json_round_trip_and_errors() {
        for raw in ["Mo-Fr 09:00-12:00; PH off", "week 1-53/2 Tu 14:00-17:00", "Fr 22:00-02:00", "Mo-Sa 09:00-18:00; PH 10:00-11:00"] {
            let t = compiled(raw);
            assert_eq!(Timetable::from_json(&t.to_json()).unwrap(), t, "{raw}");
        }
        let good = compiled("Mo 09:00-12:00").to_json();
        assert_eq!((good["annees"].clone(), good["hebdomadaire"].clone()), (json!([2026, 2028]), json!(true)));
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
        assert_eq!(with("annees", json!(2026)), "« annees » : [première, dernière] attendu");
        assert_eq!(with("annees", json!([2026, "2028"])), "« annees » : [première, dernière] attendu");
        assert_eq!(with("annees", json!([2028, 2026])), "« annees » : années 2028 à 2026 : de 1 à 10 années dans l'ordre attendues");
        assert_eq!(with("hebdomadaire", json!(null)), "« hebdomadaire » : true ou false attendu");
        let mut irregular = good.clone();
        irregular["hebdomadaire"] = json!(false);
        irregular["exceptions"] = json!({"2029-01-01": []});
        assert_eq!(Timetable::from_json(&irregular).unwrap_err(), "exception « 2029-01-01 » : hors des années 2026–2028");
        irregular["exceptions"] = json!({"2028-01-03": []});
        assert!(Timetable::from_json(&irregular).is_ok());
        irregular["hebdomadaire"] = json!(true);
        assert_eq!(Timetable::from_json(&irregular).unwrap_err(), "« hebdomadaire » : des exceptions sont listées");
    }
}
