//! The years a timetable is compiled for.
//!
//! Compiling is the costly step of an import (the `opening-hours` crate is asked about every
//! day: about 0.9 ms per place and year in release), so it covers a few years, not all of them:
//! the year of the import and the next two ([`Window::for_date`]). Whoever imports names the day
//! (the core reads no clock): the server its own date, hourly, so that its registry rolls forward
//! once its years no longer serve ([`Window::serves`]); the seed builder a year given on its
//! command line, so that its output does not depend on the day it runs.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A span of whole years, first and last included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Window {
    first: i32,
    last: i32,
}

impl Window {
    /// How many years an import compiles. Three: a registry is republished, or recompiled by the
    /// server, a year before the last one ends, and six would double the import time.
    pub const YEARS: i32 = 3;

    /// The years an import on `today` compiles for: that year and the next two.
    pub fn for_date(today: NaiveDate) -> Window {
        Window { first: today.year(), last: today.year() + Self::YEARS - 1 }
    }

    /// The years `first` to `last`; the error says why they cannot be compiled for (out of
    /// order, or more than ten years, which no import asks for and would take seconds per place).
    pub fn new(first: i32, last: i32) -> Result<Window, String> {
        let dates = NaiveDate::from_ymd_opt(first, 1, 1).zip(NaiveDate::from_ymd_opt(last.saturating_add(1), 1, 1));
        if first > last || last - first >= 10 || dates.is_none() {
            return Err(format!("années {first} à {last} : de 1 à 10 années dans l'ordre attendues"));
        }
        Ok(Window { first, last })
    }

    pub fn first(self) -> i32 {
        self.first
    }

    pub fn last(self) -> i32 {
        self.last
    }

    /// Whether hours compiled for these years still serve on `today`: they cover this year and
    /// the next. An import recompiles only when they no longer do, so a window of three years is
    /// recompiled every two (each time, every phone downloads every place with hours), and a
    /// registry bundled in a release stays current through the year after it was built.
    pub fn serves(self, today: NaiveDate) -> bool {
        self.first <= today.year() && today.year() < self.last
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        (self.first..=self.last).contains(&day.year())
    }

    /// 1 January of the first year.
    pub(super) fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.first, 1, 1).expect("checked by `new`")
    }

    /// 1 January after the last year.
    pub(super) fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.last + 1, 1, 1).expect("checked by `new`")
    }

    pub(super) fn years(self) -> std::ops::RangeInclusive<i32> {
        self.first..=self.last
    }
}

/// "2026–2028", for logs and messages.
impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.first, self.last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_window_of_a_day_is_its_year_and_the_next_two() {
        let w = Window::for_date(day(2027, 12, 31));
        assert_eq!((w.first(), w.last(), w.to_string()), (2027, 2029, "2027–2029".to_owned()));
        assert_eq!(Window::for_date(day(2027, 1, 1)), w);
        assert!(w.contains(day(2027, 1, 1)) && w.contains(day(2029, 12, 31)));
        assert!(!w.contains(day(2026, 12, 31)) && !w.contains(day(2030, 1, 1)));
        assert_eq!((w.start(), w.end()), (day(2027, 1, 1), day(2030, 1, 1)));
    }

    #[test]
    fn windows_that_cannot_be_compiled_are_refused() {
        assert_eq!(Window::new(2026, 2028).unwrap(), Window::for_date(day(2026, 6, 1)));
        assert_eq!(Window::new(2026, 2026).unwrap().years().count(), 1);
        let bundled = Window::new(2026, 2028).unwrap();
        assert!(bundled.serves(day(2026, 1, 1)) && bundled.serves(day(2027, 12, 31)));
        assert!(!bundled.serves(day(2028, 1, 1)), "less than a year ahead");
        assert!(!bundled.serves(day(2025, 12, 31)), "the clock went back");
        assert!(Window::for_date(day(2028, 1, 1)).serves(day(2028, 1, 1)));
        assert_eq!(Window::new(2028, 2026).unwrap_err(), "années 2028 à 2026 : de 1 à 10 années dans l'ordre attendues");
        assert!(Window::new(2026, 2036).is_err(), "eleven years");
        assert!(Window::new(i32::MAX - 1, i32::MAX).is_err(), "beyond chrono's dates");
    }
}
