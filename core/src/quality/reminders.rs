//! Who gets a reminder to update their information, and when the département sends them
//! (issue #15, part 7).
//!
//! DORA's rule (the national services' directory): a place is due when its information is older
//! than its update frequency (6 months unless the département sets another), and in any case when
//! its grade is « À vérifier » or « À actualiser ». A place reminded less than [`QUIET_DAYS`] ago is
//! not reminded again, so a monthly run (first Wednesdays are 28 or 35 days apart), a restart, or
//! an operator's extra run never sends the same place two messages in a month.
//!
//! The schedule is DORA's too: the first Wednesday of each month by default ([`Schedule`]).

use chrono::{Datelike, NaiveDate, Weekday};

use super::{Freshness, age_in_months};

/// The update frequency when the département sets none for a place, in months (DORA's).
pub const DEFAULT_FREQUENCY_MONTHS: u32 = 6;

/// Days after a reminder during which the place is not reminded again.
pub const QUIET_DAYS: i64 = 20;

// Shorter than the shortest month between two first Wednesdays (28 days): no monthly run is skipped.
const _: () = assert!(QUIET_DAYS < 28);

/// Whether a place whose information was last known true on `checked` should be reminded on
/// `today`: `Some(its grade)` if due, `None` if not. `last_reminded` is the day of its last
/// reminder, if any; `frequency_months` its update frequency ([`DEFAULT_FREQUENCY_MONTHS`]).
pub fn due(checked: NaiveDate, last_reminded: Option<NaiveDate>, frequency_months: u32, today: NaiveDate) -> Option<Freshness> {
    let grade = Freshness::of(Some(checked), today);
    let stale = grade >= Freshness::Check || age_in_months(checked, today) >= f64::from(frequency_months);
    let quiet = last_reminded.is_some_and(|day| (today - day).num_days() < QUIET_DAYS);
    (stale && !quiet).then_some(grade)
}

/// The day of the month reminders are sent on, as the département sets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// The first given weekday of each month (`first-wednesday`, the default).
    First(Weekday),
    /// Never on their own (`off`): only `repere-server remind` sends.
    Off,
}

impl Schedule {
    /// Reads `first-monday` … `first-sunday` or `off` (French day names too: `premier-mercredi`).
    pub fn parse(text: &str) -> Result<Schedule, String> {
        const DAYS: [(&str, &str, Weekday); 7] = [
            ("monday", "lundi", Weekday::Mon),
            ("tuesday", "mardi", Weekday::Tue),
            ("wednesday", "mercredi", Weekday::Wed),
            ("thursday", "jeudi", Weekday::Thu),
            ("friday", "vendredi", Weekday::Fri),
            ("saturday", "samedi", Weekday::Sat),
            ("sunday", "dimanche", Weekday::Sun),
        ];
        let text = text.trim().to_lowercase();
        if text == "off" {
            return Ok(Schedule::Off);
        }
        let day = text.strip_prefix("first-").or_else(|| text.strip_prefix("premier-"));
        day.and_then(|day| DAYS.iter().find(|(en, fr, _)| day == *en || day == *fr))
            .map(|&(_, _, weekday)| Schedule::First(weekday))
            .ok_or_else(|| format!("{text:?}: expected first-DAY (first-monday … first-sunday) or off"))
    }

    /// Whether reminders go out on `day`.
    pub fn falls_on(self, day: NaiveDate) -> bool {
        match self {
            Schedule::First(weekday) => day.weekday() == weekday && day.day() <= 7,
            Schedule::Off => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_place_is_due_from_its_frequency_or_its_grade_and_not_twice_within_the_quiet_days() {
        let today = day("2026-12-02");
        let six = DEFAULT_FREQUENCY_MONTHS;
        // 182 days: still « À jour » and under 6 months of 30.44 days; 183: due, « À surveiller ».
        assert_eq!(due(day("2026-06-03"), None, six, today), None);
        assert_eq!(due(day("2026-06-02"), None, six, today), Some(Freshness::Watch));
        // A yearly frequency waits for « À vérifier » (12 months), which is due whatever the frequency.
        assert_eq!(due(day("2026-06-02"), None, 12, today), None);
        assert_eq!(due(day("2025-12-01"), None, 24, today), Some(Freshness::Check));
        assert_eq!(due(day("2022-10-01"), None, 24, today), Some(Freshness::Update));
        // A shorter frequency reminds « À jour » places.
        assert_eq!(due(day("2026-08-01"), None, 3, today), Some(Freshness::UpToDate));
        // Reminded 19 days ago: quiet; 20 days ago: due again.
        assert_eq!(due(day("2022-10-01"), Some(day("2026-11-13")), six, today), None);
        assert_eq!(due(day("2022-10-01"), Some(day("2026-11-12")), six, today), Some(Freshness::Update));
    }

    #[test]
    fn first_wednesdays_are_28_or_35_days_apart_so_a_monthly_run_is_never_quiet() {
        let schedule = Schedule::parse("first-wednesday").unwrap();
        let days: Vec<NaiveDate> = day("2026-01-01").iter_days().take(365).filter(|d| schedule.falls_on(*d)).collect();
        assert_eq!(days.len(), 12);
        assert_eq!(days[0], day("2026-01-07"));
        assert_eq!(days[11], day("2026-12-02"));
        assert!(days.windows(2).all(|w| [28, 35].contains(&(w[1] - w[0]).num_days())), "{days:?}");
    }

    #[test]
    fn schedules_are_read_in_english_or_french_and_bad_ones_are_named() {
        assert_eq!(Schedule::parse("First-Monday"), Ok(Schedule::First(Weekday::Mon)));
        assert_eq!(Schedule::parse("premier-jeudi"), Ok(Schedule::First(Weekday::Thu)));
        assert_eq!(Schedule::parse("off"), Ok(Schedule::Off));
        assert!(!Schedule::Off.falls_on(day("2026-12-02")));
        assert_eq!(Schedule::parse("wednesday"), Err("\"wednesday\": expected first-DAY (first-monday … first-sunday) or off".to_owned()));
    }
}
