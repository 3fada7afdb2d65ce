//! Consultation figures counted on the phone (issue #15, fiche 1-C): per local day, per place,
//! sheets opened, taps on « Appeler » and on « Itinéraire »; per commune, searches for it.
//!
//! Counts are kept on the device in a [`Tally`] and leave it only added up, a day at a time, in
//! batches: no event, no time of day, no identifier of the person or the phone. A search made
//! « autour de moi » names no commune and is not counted: the phone's position never leaves it,
//! not even as its commune.
//!
//! Sending is exactly once by batch id (the app keeps one batch, with its id, until the server
//! acknowledges it, and counts made meanwhile go to the tally, never into that batch):
//! [`Tally::take_batch`] moves at most one batch's worth out of the tally, within the wire's
//! [`Bounds`], which the caller passes from `repere-protocol` so the bounds are written once.
//!
//! ```
//! use chrono::NaiveDate;
//! use repere_core::consultation::{Bounds, Event, Tally};
//!
//! let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
//! let mut tally = Tally::default();
//! tally.add(day, Event::View("p1"));
//! tally.add(day, Event::Call("p1"));
//! tally.add(day, Event::Search("86062"));
//! let bounds = Bounds { days: 31, places_a_day: 300, communes_a_day: 300, count: 500 };
//! let batch = tally.take_batch(&bounds).unwrap();
//! assert!(tally.is_empty());
//! assert_eq!(batch.day(day).unwrap().places["p1"].appels, 1);
//! ```

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// Something a resident did that the figures count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// A place's sheet was opened (its id).
    View(&'a str),
    /// « Appeler » was tapped for a place.
    Call(&'a str),
    /// « Itinéraire » (a map application or OpenStreetMap) was tapped for a place.
    Directions(&'a str),
    /// A search was made for a commune (its INSEE code).
    Search(&'a str),
}

/// One place's counts on one day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub vues: u32,
    pub appels: u32,
    pub itineraires: u32,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.vues = self.vues.saturating_add(other.vues);
        self.appels = self.appels.saturating_add(other.appels);
        self.itineraires = self.itineraires.saturating_add(other.itineraires);
    }

    fn capped(self, cap: u32) -> Counts {
        Counts { vues: self.vues.min(cap), appels: self.appels.min(cap), itineraires: self.itineraires.min(cap) }
    }

    fn is_zero(&self) -> bool {
        *self == Counts::default()
    }
}

/// One day's counts: places by id, searches by commune code. No zero cell is kept, so two
/// tallies of the same events compare equal however they were made.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Day {
    pub places: BTreeMap<String, Counts>,
    pub communes: BTreeMap<String, u32>,
}

impl Day {
    fn is_empty(&self) -> bool {
        self.places.is_empty() && self.communes.is_empty()
    }
}

/// The bounds of one batch on the wire (`repere_protocol::upkeep`'s `MAX_DAYS`,
/// `MAX_PLACES_A_DAY`, `MAX_COMMUNES_A_DAY`, `MAX_COUNT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub days: usize,
    pub places_a_day: usize,
    pub communes_a_day: usize,
    /// The largest count of one cell in one day: more is not a person using the app.
    pub count: u32,
}

/// Counts per local day, oldest day first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    days: BTreeMap<NaiveDate, Day>,
}

impl Tally {
    /// Counts one event on `day` (the phone's local day, passed in: the core reads no clock).
    pub fn add(&mut self, day: NaiveDate, event: Event) {
        let (place, counts) = match event {
            Event::View(id) => (id, Counts { vues: 1, ..Counts::default() }),
            Event::Call(id) => (id, Counts { appels: 1, ..Counts::default() }),
            Event::Directions(id) => (id, Counts { itineraires: 1, ..Counts::default() }),
            Event::Search(code) => return self.add_searches(day, code, 1),
        };
        self.add_counts(day, place, counts);
    }

    /// Adds a place's counts on `day` (reading a stored tally back, merging).
    pub fn add_counts(&mut self, day: NaiveDate, place: &str, counts: Counts) {
        if counts.is_zero() {
            return;
        }
        self.days.entry(day).or_default().places.entry(place.to_owned()).or_default().add(counts);
    }

    /// Adds `n` searches for the commune `code` on `day`.
    pub fn add_searches(&mut self, day: NaiveDate, code: &str, n: u32) {
        if n == 0 {
            return;
        }
        let cell = self.days.entry(day).or_default().communes.entry(code.to_owned()).or_default();
        *cell = cell.saturating_add(n);
    }

    /// Adds every count of `other` to this tally.
    pub fn merge(&mut self, other: &Tally) {
        for (day, counts) in &other.days {
            for (place, c) in &counts.places {
                self.add_counts(*day, place, *c);
            }
            for (code, n) in &counts.communes {
                self.add_searches(*day, code, *n);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// The days counted, oldest first.
    pub fn days(&self) -> impl Iterator<Item = (NaiveDate, &Day)> {
        self.days.iter().map(|(d, c)| (*d, c))
    }

    pub fn day(&self, day: NaiveDate) -> Option<&Day> {
        self.days.get(&day)
    }

    /// Moves the oldest counts out of the tally, as one batch within `bounds`: at most
    /// `bounds.days` days, and per day at most `bounds.places_a_day` places and
    /// `bounds.communes_a_day` communes; a day with more is split, its rest left in the tally
    /// (the next batch starts with it). Each cell is capped at `bounds.count` and the excess
    /// dropped, not carried over: it is not a person using the app, and a batch over the
    /// server's bounds would be refused whole. `None` when there is nothing to send.
    pub fn take_batch(&mut self, bounds: &Bounds) -> Option<Tally> {
        let mut batch = Tally::default();
        while batch.days.len() < bounds.days.max(1) {
            let Some(mut entry) = self.days.first_entry() else { break };
            let day = entry.get_mut();
            let places = take_first(&mut day.places, bounds.places_a_day);
            let communes = take_first(&mut day.communes, bounds.communes_a_day);
            let split = !day.is_empty();
            let date = *entry.key();
            if !split {
                entry.remove();
            }
            let taken = Day {
                places: places.into_iter().map(|(id, c)| (id, c.capped(bounds.count))).collect(),
                communes: communes.into_iter().map(|(code, n)| (code, n.min(bounds.count))).collect(),
            };
            if !taken.is_empty() {
                batch.days.insert(date, taken);
            }
            if split {
                break;
            }
        }
        (!batch.is_empty()).then_some(batch)
    }
}

/// Removes and returns the first `n` entries of `map` (in key order).
fn take_first<V>(map: &mut BTreeMap<String, V>, n: usize) -> BTreeMap<String, V> {
    match map.keys().nth(n).cloned() {
        Some(first_left) => {
            let rest = map.split_off(&first_left);
            std::mem::replace(map, rest)
        }
        None => std::mem::take(map),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    const WIRE: Bounds = Bounds { days: 31, places_a_day: 300, communes_a_day: 300, count: 500 };

    #[test]
    fn events_add_up_per_day_place_and_commune() {
        let mut t = Tally::default();
        for event in [Event::View("p1"), Event::View("p1"), Event::Call("p1"), Event::Directions("p2"), Event::Search("86062")] {
            t.add(day(30), event);
        }
        t.add(day(29), Event::Search("86062"));
        let d30 = t.day(day(30)).unwrap();
        assert_eq!(d30.places["p1"], Counts { vues: 2, appels: 1, itineraires: 0 });
        assert_eq!(d30.places["p2"], Counts { vues: 0, appels: 0, itineraires: 1 });
        assert_eq!(d30.communes["86062"], 1);
        assert_eq!(t.day(day(29)).unwrap().communes["86062"], 1);
        assert_eq!(t.days().map(|(d, _)| d).collect::<Vec<_>>(), [day(29), day(30)], "oldest first");
    }

    #[test]
    fn merging_equals_counting_everything_in_one_tally() {
        let events = [(29, Event::View("a")), (30, Event::Call("a")), (30, Event::Search("86194")), (30, Event::View("b"))];
        let mut whole = Tally::default();
        let (mut first, mut second) = (Tally::default(), Tally::default());
        for (i, (d, e)) in events.iter().enumerate() {
            whole.add(day(*d), *e);
            if i % 2 == 0 { &mut first } else { &mut second }.add(day(*d), *e);
        }
        first.merge(&second);
        assert_eq!(first, whole);
        // Zero counts leave no cell, so a tally read back with them equals the one without.
        first.add_counts(day(1), "z", Counts::default());
        first.add_searches(day(1), "86000", 0);
        assert_eq!(first, whole);
    }

    #[test]
    fn a_batch_takes_everything_within_bounds_and_empties_the_tally() {
        let mut t = Tally::default();
        t.add(day(30), Event::View("p1"));
        t.add(day(30), Event::Search("86062"));
        let before = t.clone();
        let batch = t.take_batch(&WIRE).unwrap();
        assert_eq!(batch, before);
        assert!(t.is_empty());
        assert_eq!(t.take_batch(&WIRE), None, "nothing to send, no empty batch");
    }

    #[test]
    fn more_days_than_a_batch_holds_go_in_the_next_batches_oldest_first() {
        let mut t = Tally::default();
        let first = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        for i in 0..40 {
            t.add(first + chrono::Duration::days(i), Event::View("p1"));
        }
        let a = t.take_batch(&WIRE).unwrap();
        let b = t.take_batch(&WIRE).unwrap();
        assert_eq!(t.take_batch(&WIRE), None);
        assert_eq!((a.days().count(), b.days().count()), (31, 9));
        assert_eq!(a.days().next().unwrap().0, first);
        assert!(a.days().last().unwrap().0 < b.days().next().unwrap().0);
    }

    #[test]
    fn a_day_over_the_bounds_is_split_and_nothing_is_lost() {
        let bounds = Bounds { days: 31, places_a_day: 2, communes_a_day: 1, count: 500 };
        let mut t = Tally::default();
        for id in ["a", "b", "c", "d", "e"] {
            t.add(day(29), Event::View(id));
        }
        t.add(day(29), Event::Search("86001"));
        t.add(day(29), Event::Search("86002"));
        t.add(day(30), Event::Call("a"));
        let whole = t.clone();
        let mut batches = Vec::new();
        while let Some(b) = t.take_batch(&bounds) {
            for (_, d) in b.days() {
                assert!(d.places.len() <= 2 && d.communes.len() <= 1);
            }
            batches.push(b);
        }
        // a,b + 86001 | c,d + 86002 (a day still split ends its batch) | e and day 30.
        assert_eq!(batches.len(), 3);
        assert_eq!(batches[0].day(day(29)).unwrap().places.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(batches[2].days().map(|(d, _)| d).collect::<Vec<_>>(), [day(29), day(30)]);
        let mut back = Tally::default();
        batches.iter().for_each(|b| back.merge(b));
        assert_eq!(back, whole);
    }

    #[test]
    fn a_cell_over_the_cap_is_capped_not_carried_over() {
        let bounds = Bounds { count: 3, ..WIRE };
        let mut t = Tally::default();
        for _ in 0..5 {
            t.add(day(30), Event::Call("p1"));
            t.add(day(30), Event::Search("86062"));
        }
        t.add(day(30), Event::View("p1"));
        let batch = t.take_batch(&bounds).unwrap();
        let d = batch.day(day(30)).unwrap();
        assert_eq!(d.places["p1"], Counts { vues: 1, appels: 3, itineraires: 0 });
        assert_eq!(d.communes["86062"], 3);
        assert!(t.is_empty());
    }

    #[test]
    fn counts_saturate_instead_of_wrapping() {
        let mut t = Tally::default();
        t.add_searches(day(30), "86062", u32::MAX);
        t.add(day(30), Event::Search("86062"));
        assert_eq!(t.day(day(30)).unwrap().communes["86062"], u32::MAX);
    }

    proptest::proptest! {
        /// However the counts and bounds fall, the batches respect the bounds and add up to the
        /// tally (no cell reaches the cap here), each day once per batch, oldest days first.
        #[test]
        fn batches_add_up_to_the_tally(
            events in proptest::collection::vec((0u32..40, 0u8..4, 0u8..12), 0..300),
            days in 1usize..5, places in 1usize..5, communes in 1usize..5,
        ) {
            let first = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
            let ids: Vec<String> = (0..12).map(|i| format!("x{i}")).collect();
            let mut t = Tally::default();
            for (d, kind, id) in &events {
                let id = ids[*id as usize].as_str();
                let event = [Event::View(id), Event::Call(id), Event::Directions(id), Event::Search(id)][*kind as usize];
                t.add(first + chrono::Duration::days(i64::from(*d)), event);
            }
            let whole = t.clone();
            let bounds = Bounds { days, places_a_day: places, communes_a_day: communes, count: 1_000 };
            let mut back = Tally::default();
            let mut last_first_day = None;
            while let Some(batch) = t.take_batch(&bounds) {
                proptest::prop_assert!(batch.days().count() <= days);
                for (_, d) in batch.days() {
                    proptest::prop_assert!(d.places.len() <= places && d.communes.len() <= communes);
                }
                let start = batch.days().next().unwrap().0;
                proptest::prop_assert!(last_first_day.is_none_or(|l| l <= start));
                last_first_day = Some(start);
                back.merge(&batch);
            }
            proptest::prop_assert_eq!(back, whole);
        }
    }
}
