//! How true the registry still is (issue #15, fiche 1-C): each place's freshness grade, its
//! completeness score (`score`), and the département's two indicators (`indicators`).
//!
//! The grades are Mon Inclusion Numérique's (ANCT, `anct-cnum/suite-gestionnaire-numerique`,
//! `src/shared/fraicheur.ts`): the age in months is the time elapsed divided by a month of
//! **30.44 days**, and a place is « À jour » under 6 months, « À surveiller » under 12, « À vérifier »
//! under 18, « À actualiser » from 18 months on or without a date. Each bound belongs to the
//! older grade (`diffMois < 6` is « À jour »). Here dates are days, not instants: the age is the
//! whole number of days from the place's date to today, so a place is « À jour » up to 182 days
//! (182 < 6 × 30.44 = 182.64), « À surveiller » from 183 to 365 days (< 365.28), « À vérifier » from
//! 366 to 547 days (< 547.92), « À actualiser » from 548 days. A date in the future counts as
//! today's (a negative age is under 6 months, as there). Not calendar months: « six months after
//! 31 August » has no answer, 182 days always has one, and both national tools and this one then
//! agree on every day.
//!
//! A place's date is its `date_maj`, or the later day it confirmed "rien n'a changé" when the
//! caller knows one (the server records no confirmation yet). The core reads no clock: today
//! is an argument.

use chrono::NaiveDate;

use crate::registry::Place;

mod indicators;
pub mod reminders;
mod score;

pub use indicators::{AUTONOMY_TARGET, RELIABILITY_TARGET, Review, Reviewed, Share, Update, autonomy};
pub use score::{Criterion, Quality};

/// Days in Mon Inclusion Numérique's month, in hundredths (30.44 days), so that bounds are
/// compared exactly in integers.
const MONTH_HUNDREDTHS_OF_DAYS: i64 = 3044;

/// A place's freshness, youngest first (the order of the national tool's legend).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Freshness {
    /// « À jour »: under 6 months.
    UpToDate,
    /// « À surveiller »: 6 to 12 months.
    Watch,
    /// « À vérifier »: 12 to 18 months.
    Check,
    /// « À actualiser »: 18 months or more, or no date.
    Update,
}

impl Freshness {
    pub const ALL: [Freshness; 4] = [Freshness::UpToDate, Freshness::Watch, Freshness::Check, Freshness::Update];

    /// The grade of information last checked on `last` (none: never dated), seen on `today`.
    pub fn of(last: Option<NaiveDate>, today: NaiveDate) -> Freshness {
        let Some(last) = last else { return Freshness::Update };
        let days = (today - last).num_days();
        let under = |months: i64| days * 100 < months * MONTH_HUNDREDTHS_OF_DAYS;
        if under(6) {
            Freshness::UpToDate
        } else if under(12) {
            Freshness::Watch
        } else if under(18) {
            Freshness::Check
        } else {
            Freshness::Update
        }
    }

    /// A place's grade, from its `date_maj` or a later confirmation that nothing changed.
    pub fn of_place(place: &Place, confirmed: Option<NaiveDate>, today: NaiveDate) -> Freshness {
        Freshness::of(Some(checked_on(place, confirmed)), today)
    }

    /// The national tool's words.
    pub fn label(self) -> &'static str {
        match self {
            Freshness::UpToDate => "À jour",
            Freshness::Watch => "À surveiller",
            Freshness::Check => "À vérifier",
            Freshness::Update => "À actualiser",
        }
    }

    /// The ages it stands for, as the national tool's legend writes them.
    pub fn ages(self) -> &'static str {
        match self {
            Freshness::UpToDate => "moins de 6 mois",
            Freshness::Watch => "6 à 12 mois",
            Freshness::Check => "12 à 18 mois",
            Freshness::Update => "plus de 18 mois",
        }
    }

    /// Counted reliable by fiche 1-C's indicator (« À jour » or « À surveiller »).
    pub fn reliable(self) -> bool {
        self <= Freshness::Watch
    }
}

/// The day a place's information was last known true: its `date_maj`, or a later confirmation.
pub fn checked_on(place: &Place, confirmed: Option<NaiveDate>) -> NaiveDate {
    confirmed.map_or(place.date_maj, |c| c.max(place.date_maj))
}

/// The age in Mon Inclusion Numérique's months (30.44 days), negative for a future date.
pub fn age_in_months(last: NaiveDate, today: NaiveDate) -> f64 {
    (today - last).num_days() as f64 * 100.0 / MONTH_HUNDREDTHS_OF_DAYS as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Every day of two years after a date, against the rule written with the national tool's
    /// own arithmetic (milliseconds / a 30.44-day month): the grade changes on exactly 3 days.
    #[test]
    fn the_grade_changes_on_days_182_365_and_547_as_the_national_tool_counts() {
        let last = day("2024-08-31");
        let mut changes = Vec::new();
        let mut previous = Freshness::of(Some(last), last);
        assert_eq!(previous, Freshness::UpToDate);
        for n in 1..=730 {
            let today = last + chrono::Duration::days(n);
            let grade = Freshness::of(Some(last), today);
            let months = (n as f64 * 86_400_000.0) / (86_400_000.0 * 30.44);
            let expected = match months {
                m if m < 6.0 => Freshness::UpToDate,
                m if m < 12.0 => Freshness::Watch,
                m if m < 18.0 => Freshness::Check,
                _ => Freshness::Update,
            };
            assert_eq!(grade, expected, "day {n} after {last}");
            if grade != previous {
                changes.push((n, grade));
            }
            previous = grade;
        }
        assert_eq!(changes, [(183, Freshness::Watch), (366, Freshness::Check), (548, Freshness::Update)]);
    }

    #[test]
    fn the_bounds_as_dates_and_the_cases_without_a_date_or_in_the_future() {
        let last = day("2026-03-01");
        assert_eq!(Freshness::of(Some(last), day("2026-08-30")), Freshness::UpToDate); // day 182
        assert_eq!(Freshness::of(Some(last), day("2026-08-31")), Freshness::Watch); // day 183
        assert_eq!(Freshness::of(Some(last), day("2027-03-01")), Freshness::Watch); // day 365
        assert_eq!(Freshness::of(Some(last), day("2027-03-02")), Freshness::Check); // day 366
        assert_eq!(Freshness::of(Some(last), day("2027-08-30")), Freshness::Check); // day 547
        assert_eq!(Freshness::of(Some(last), day("2027-08-31")), Freshness::Update); // day 548
        assert_eq!(Freshness::of(None, last), Freshness::Update);
        assert_eq!(Freshness::of(Some(day("2027-01-01")), last), Freshness::UpToDate);
        assert!(Freshness::Watch.reliable() && !Freshness::Check.reliable());
        assert_eq!(Freshness::ALL.map(Freshness::label), ["À jour", "À surveiller", "À vérifier", "À actualiser"]);
    }
}
